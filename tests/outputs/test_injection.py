"""Names are data, never formulas: XLSX and CSV read back with openpyxl and the csv module."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.outputs.writers import FORMULA_STARTS, csv_safe_text, write_csv, write_xlsx

HOSTILE = ["=HYPERLINK(\"http://x.invalid\",\"点我\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
           "\t=1+1", "\r=1+1", "=1+1", "东风社区", "a=b", ""]


@pytest.fixture()
def table():
    return pd.DataFrame({"name": HOSTILE, "population": [float(i) - 3 for i in range(len(HOSTILE))],
                         "count": list(range(-5, -5 + len(HOSTILE)))})


def test_xlsx_has_no_formula_cells_and_numbers_stay_numbers(table, tmp_path):
    path = write_xlsx({"units": table}, tmp_path / "t.xlsx", lang=None)
    wb = load_workbook(path)
    ws = wb["units"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [ws.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    # the text is kept exactly, stored as text, and quote-prefixed where Excel would read a formula
    # (XML stores a carriage return as a line feed)
    assert [c.value or "" for c in names] == [t.replace("\r", "\n") for t in HOSTILE]
    for c, text in zip(names, HOSTILE, strict=True):
        if text:
            assert c.data_type == "s"
            assert bool(c.quotePrefix) == text.startswith(FORMULA_STARTS), repr(text)
    numbers = [ws.cell(row=i + 2, column=2) for i in range(len(HOSTILE))]
    assert all(c.data_type == "n" for c in numbers)
    assert [c.value for c in numbers] == table["population"].tolist()
    assert ws.cell(row=2, column=3).value == -5 and ws.cell(row=2, column=3).data_type == "n"


def test_csv_neutralises_formula_starts(table, tmp_path):
    path = write_csv(table, tmp_path / "t.csv", lang=None)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(HOSTILE)
    for row, text in zip(rows, HOSTILE, strict=True):
        if text.startswith(FORMULA_STARTS):
            assert row["name"] == "'" + text.replace("\r", "\n")
        else:
            assert row["name"] == text
        assert not row["name"].startswith(("=", "+", "-", "@", "\t", "\r"))
    # numeric columns are numbers, negative ones too
    assert [float(r["population"]) for r in rows] == table["population"].tolist()
    assert rows[0]["count"] == "-5"


def test_csv_safe_text_leaves_non_text_alone():
    assert csv_safe_text(-1) == -1 and csv_safe_text(None) is None
    assert csv_safe_text("-1") == "'-1"


def test_hostile_unit_names_through_the_report(demo_analysis, tmp_path):
    """A unit named like a formula reaches gaps.xlsx as text and gaps.csv neutralised."""
    from dataclasses import replace

    from planner.outputs.export import write_report_xlsx, write_unit_csv

    units = demo_analysis.units.copy()
    units.loc[units.index[0], "name"] = "=HYPERLINK(\"http://x.invalid\",\"x\")"
    units.loc[units.index[1], "name"] = "@cmd"
    a = replace(demo_analysis, units=units)
    wb = load_workbook(write_report_xlsx(a, tmp_path / "g.xlsx"))
    assert not [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    ws = wb.worksheets[0]
    assert ws.cell(row=2, column=2).value == units["name"].iloc[0]
    assert ws.cell(row=2, column=2).quotePrefix
    with open(write_unit_csv(a, tmp_path / "g.csv"), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][1] == "'" + units["name"].iloc[0] and rows[2][1] == "'@cmd"

"""Batch reports per district: files, index figures, failures isolated, CLI."""

from __future__ import annotations

import csv
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from typer.testing import CliRunner

from planner._errors import InputError
from planner.outputs import printmap
from planner.outputs.report import ReportSettings, district_list, run_report


@pytest.fixture(scope="module")
def analysis(demo_analysis):
    return demo_analysis


FAST = ReportSettings(dpi=40, county_name="示例县")


def test_district_lists(analysis):
    u = analysis.units
    streets = district_list(analysis, "street")
    assert [d.name for d in streets] == sorted(set(u.loc[u["kind"] == "community", "street"]))
    towns = district_list(analysis, "township")
    assert [d.name for d in towns] == sorted(set(u.loc[u["kind"] == "village", "street"]))
    masks = np.vstack([d.mask for d in streets + towns])
    assert (masks.sum(axis=0) == 1).all()  # the demo's streets and townships partition the units
    assert [d.stem for d in streets][0].startswith("01_")
    county = district_list(analysis, "county", county_name="示例县")
    assert len(county) == 1 and county[0].mask.all() and county[0].name == "示例县"
    with pytest.raises(InputError, match="street, township or county"):
        district_list(analysis, "province")


def test_district_list_errors_are_worded_in_chinese(analysis):
    from types import SimpleNamespace

    import pandas as pd

    def refused(units, by):
        with pytest.raises(InputError) as err:
            district_list(SimpleNamespace(units=units), by)
        return err.value

    err = refused(analysis.units, "province")
    assert err.display("zh") == "未知的片区级别“province” — 请使用 street（街道）、township（乡镇）或 county（全县）"
    assert str(err) == "unknown district level 'province' — use street, township or county"
    err = refused(pd.DataFrame({"kind": ["village"], "street": [None]}), "street")
    assert err.display("zh") == "边界数据没有街道/乡镇列 — 在边界数据中增加“街道/乡镇”列，或使用 --by county"
    assert str(err) == ("the boundaries have no street/township column — add a 街道/乡镇 column to the boundaries, "
                        "or use --by county")
    villages = pd.DataFrame({"kind": ["village"], "street": ["青山镇"]})
    err = refused(villages, "street")
    assert err.display("zh") == "没有包含社区的街道 — 改用 --by township 或 --by county"
    assert str(err) == "no streets with communities — try --by township or --by county"
    err = refused(villages.assign(kind="community"), "township")
    assert err.display("zh") == "没有包含行政村的乡镇 — 改用 --by street 或 --by county"
    assert str(err) == "no townships with villages — try --by street or --by county"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.cells = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_data(self, data):
        self.cells.append(data)


def test_report_by_street(analysis, tmp_path):
    from openpyxl import load_workbook

    index = run_report(analysis, tmp_path, "street", settings=FAST, progress=False)
    streets = district_list(analysis, "street")
    assert list(index["district"]) == [d.name for d in streets]
    assert (index["status"] == "ok").all()
    # key figures equal the per-street scores of the analysis
    ref = analysis.districts.set_index("street")
    for _, r in index.iterrows():
        assert r["day_care_community"] == pytest.approx(ref.loc[r["district"], "day_care_community"], abs=1e-4)
        assert r["pop60"] == pytest.approx(ref.loc[r["district"], "pop60"])
        assert (tmp_path / r["map_png"]).stat().st_size > 1000
        wb = load_workbook(tmp_path / r["xlsx"])
        names = [row[1] for row in wb["单元覆盖"].iter_rows(min_row=2, values_only=True)]
        assert names == list(analysis.units.loc[analysis.units["street"] == r["district"], "name"])
    with open(tmp_path / "index.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["区域"] for r in rows] == list(index["district"])
    # people read index.csv: shares as percentages with one decimal, status in Chinese
    share_col = next(k for k in rows[0] if k.endswith("步行覆盖率(60岁以上)"))
    for r, (_, ref) in zip(rows, index.iterrows(), strict=True):
        assert r[share_col] == f"{ref[share_col_key(index)]:.1%}"
        assert r["状态"] == "完成"
    p = _Links()
    p.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert set(p.links) == set(index["map_png"]) | set(index["xlsx"])
    assert all((tmp_path / link).exists() for link in p.links)
    assert "城东街道" in p.cells


def test_one_failing_district_does_not_stop_the_others(analysis, tmp_path, monkeypatch):
    real = printmap.print_gap_map

    def flaky(analysis, path, **kw):
        if "城西街道" in str(path):
            raise RuntimeError("disk full (simulated)")
        return real(analysis, path, **kw)

    monkeypatch.setattr(printmap, "print_gap_map", flaky)
    index = run_report(analysis, tmp_path, "street", settings=FAST, progress=False)
    st = dict(zip(index["district"], index["status"], strict=True))
    assert st == {"城东街道": "ok", "城西街道": "failed", "滨江街道": "ok"}
    err = index.loc[index["district"] == "城西街道", "error"].iat[0]
    assert "disk full" in err
    assert (tmp_path / "03_滨江街道_table.xlsx").exists()
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "失败" in html and "disk full" in html


@pytest.mark.slow
def test_cli_report(tmp_path, monkeypatch):
    from planner.cli import app

    out = tmp_path / "rep"
    res = CliRunner().invoke(app, ["report", "--by", "township", "--out", str(out), "--format", "png,pdf",
                                   "--dpi", "40", "-q"])
    assert res.exit_code == 0, res.output
    towns = sorted({"白云乡", "石桥镇", "青山镇"})
    for i, t in enumerate(towns, 1):
        for suffix in ("_map.png", "_map.pdf", "_table.xlsx"):
            assert (out / f"{i:02d}_{t}{suffix}").exists()
    assert (out / "index.html").exists()
    # Chinese throughout the deliverables: the inputs by their Chinese role, the speed's source in Chinese
    from openpyxl import load_workbook

    rows = {r[0]: r for r in load_workbook(out / f"01_{towns[0]}_table.xlsx", read_only=True)["假设与来源"]
            .iter_rows(min_row=2, values_only=True)}
    assert rows["输入：边界"][1] == "demo_county.gpkg" and "输入：路网" in rows
    assert rows["步行速度"][2].startswith("老年人步行速度 1.0 米/秒")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / f"01_{towns[0]}_map.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "数据来源：边界 demo_county.gpkg" in text and "boundaries" not in text

    real = printmap.print_gap_map

    def broken(analysis, path, **kw):
        if "石桥镇" in str(path):
            raise ValueError("bad geometry (simulated)")
        return real(analysis, path, **kw)

    monkeypatch.setattr(printmap, "print_gap_map", broken)
    res = CliRunner().invoke(app, ["report", "--by", "township", "--out", str(tmp_path / "r2"),
                                   "--format", "png", "--dpi", "40", "-q"])
    assert res.exit_code == 1
    assert "石桥镇" in res.output and "bad geometry" in res.output
    assert (tmp_path / "r2" / "03_青山镇_map.png").exists()


@pytest.mark.slow
def test_parallel_workers_give_the_same_index(analysis, tmp_path):
    one = run_report(analysis, tmp_path / "a", "township", settings=FAST, progress=False)
    two = run_report(analysis, tmp_path / "b", "township", settings=FAST, progress=False, workers=2)
    assert one.drop(columns=["error"]).equals(two.drop(columns=["error"]))
    assert ((tmp_path / "a" / "index.csv").read_bytes() == (tmp_path / "b" / "index.csv").read_bytes())


def share_col_key(index):
    """The index's ``share_<type>`` column."""
    return next(c for c in index.columns if c.startswith("share_"))

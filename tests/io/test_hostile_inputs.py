"""The hostile-input corpus (tests/io/hostile_corpus.py): every case is refused with its named
error, repaired or warned about with its named warning, or read cleanly; inputs are
byte-identical afterwards; no traceback, in Python or on the command line.
"""

from __future__ import annotations

import hashlib
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from planner._errors import PlannerError, PlannerWarning

sys.path.insert(0, str(Path(__file__).parent))
import hostile_corpus as corpus  # noqa: E402

CASES = corpus.CASES


def _digest(folder: Path) -> dict[str, str]:
    """Hashes of every regular file under ``folder`` (devices and pipes are left unread)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _run(case: corpus.Case, path: Any, kwargs: dict[str, Any]) -> Any:
    from planner.io import read_boundaries, read_facilities, read_points, read_population
    from planner.io.validate import validate_inputs

    if case.reader == "boundaries":
        return read_boundaries(path, **kwargs)
    if case.reader == "facilities":
        return read_facilities(path, **kwargs)
    if case.reader == "points":
        return read_points(path, **kwargs)
    if case.reader == "population":
        return read_population(path, **kwargs)
    if case.reader == "join":
        return read_boundaries(path, **kwargs)
    assert case.reader == "validate"
    return validate_inputs(**kwargs)


def test_corpus_size_and_variety():
    assert len(CASES) >= 80
    assert len({c.name for c in CASES}) == len(CASES)
    outcomes = {c.outcome for c in CASES}
    assert outcomes == {"error", "warning", "ok"}
    assert {c.reader for c in CASES} == {"boundaries", "facilities", "points", "population", "join", "validate"}
    assert sum(c.cli for c in CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: corpus.Case, tmp_path: Path):
    path, kwargs = case.build(tmp_path)
    before = _digest(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.reader == "validate":
            report = _run(case, path, kwargs)
            causes = [(i.severity, i.cause or i.code) for i in report.issues]
            if case.outcome == "error":
                assert ("error", case.code) in causes, report.to_text("en")
                with pytest.raises(PlannerError) as info:
                    report.raise_if_fatal()
                assert info.value.code in (case.code, "several_problems")
            elif case.outcome == "warning":
                assert report.ok, report.to_text("en")
                assert ("warning", case.code) in causes, report.to_text("en")
            else:
                assert not report.issues, report.to_text("en")
        elif case.outcome == "error":
            with pytest.raises(PlannerError) as info:
                _run(case, path, kwargs)
            err = info.value
            assert err.code == case.code, f"{err.code}: {err}"
            assert err.path, "the message names the file"
            for lang in ("zh", "en"):  # worded in both languages from the catalogue, with a fix
                assert err.text(lang) and err.text(lang) != err.code
                assert err.fix_text(lang), f"no fix for {err.code}"
        else:
            data = _run(case, path, kwargs)
            assert len(data) > 0
            for col in case.tags:  # optional columns kept under their canonical names
                assert col in data.columns and data[col].notna().all(), data.columns.tolist()
    ours = [w.message for w in caught if isinstance(w.message, PlannerWarning)]
    if case.reader != "validate":
        codes = [w.code for w in ours]
        if case.outcome == "warning":
            assert case.code in codes, codes
            warning = next(w for w in ours if w.code == case.code)
            assert warning.text("zh") != warning.message  # worded in Chinese too
        elif case.outcome == "ok":
            assert not codes, [str(w) for w in ours]
    assert _digest(tmp_path) == before, "an input was modified"


def test_population_values_joined_by_code(tmp_path: Path):
    """The joined values are the table's, unit by unit (not the boundaries' own)."""
    from planner.io import read_boundaries

    table = corpus.pop_table()
    table["常住人口"] = [7000, 7100, 7200, 7300]
    table = table.iloc[::-1]  # another order than the boundaries
    b, kw = corpus._join(tmp_path, table)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PlannerWarning)
        units = read_boundaries(b, **kw)
    assert units["population"].tolist() == [7000.0, 7100.0, 7200.0, 7300.0]
    assert units["code"].tolist() == [f"360999001{i:03d}" for i in range(1, 5)]


def test_population_codes_stay_text(tmp_path: Path):
    """Codes read as text: an Excel number keeps all 12 digits; a leading zero survives in CSV."""
    from planner.io import read_population

    t = corpus.pop_table()
    t["统计用区划代码"] = ["012345678901", "360999001002", "360999001003", "360999001004"]
    p = tmp_path / "pop.csv"
    t.to_csv(p, index=False)
    assert read_population(p)["code"].tolist()[0] == "012345678901"


def test_grid_units_align_with_streets():
    """The corpus' town is a fair test of the datum check: its unit boundaries run along the streets."""
    import numpy as np
    import shapely

    streets = shapely.union_all(corpus.street_grid())
    pts = shapely.get_coordinates(corpus.grid_units().geometry.boundary.to_numpy())
    d = shapely.distance(streets, shapely.points(pts))
    assert float(np.max(d)) < 1e-9
    moved = shapely.get_coordinates(corpus.shifted(corpus.grid_units(), "gcj02").geometry.boundary.to_numpy())
    assert float(np.median(shapely.distance(streets, shapely.points(moved)))) > 1e-4  # ≈ 10 m or more


def _cli_args(case: corpus.Case, path: Any, kwargs: dict[str, Any]) -> list[str]:
    option = {"boundaries": "--boundaries", "join": "--boundaries", "facilities": "--facilities",
              "points": "--points"}[case.reader]
    return ["validate", "--lang", "en", option, str(path)]


@pytest.mark.parametrize("case", [c for c in CASES if c.cli and c.reader != "join"], ids=lambda c: c.name)
def test_command_line(case: corpus.Case, tmp_path: Path):
    """``planner validate``: exit 2 with the message for errors, no traceback; inputs intact."""
    from typer.testing import CliRunner

    from planner.cli import app
    from planner.text import lookup

    path, kwargs = case.build(tmp_path)
    before = _digest(tmp_path)
    res = CliRunner().invoke(app, _cli_args(case, path, kwargs))
    both = res.stdout + (res.stderr or "")
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in both
    head = lookup(f"err.{case.code}")[1].split("{")[0].strip()  # the English message up to its first value
    assert head[:20] in both, both
    if case.outcome == "error":
        assert res.exit_code == 2, both
    assert _digest(tmp_path) == before


def test_cli_hints_name_command_line_options(tmp_path: Path):
    """On the command line the fix names --columns, in Python the columns= argument."""
    from planner.io import hint_style, read_boundaries

    p = corpus.write_units(tmp_path, "units", corpus.units_frame().drop(columns=["pop60"]))
    with pytest.raises(PlannerError) as py:
        read_boundaries(p)
    assert "columns={'pop60': 'YOUR_COLUMN'}" in str(py.value)
    with hint_style("cli"), pytest.raises(PlannerError) as cli:
        read_boundaries(p)
    assert "--columns pop60=YOUR_COLUMN" in str(cli.value)
    assert "--columns pop60=你的列名" in cli.value.fix_text("zh")
    assert "columns=" not in cli.value.fix_text("en").replace("--columns", "")


def test_parse_column_options():
    from planner._errors import InputError
    from planner.io import parse_column_options

    assert parse_column_options(["pop60=pop_60plus", "name = 村名", "population＝总人口"]) == {
        "pop60": "pop_60plus", "name": "村名", "population": "总人口"}
    assert parse_column_options(["name:zh=名称"]) == {"name:zh": "名称"}
    assert parse_column_options([]) == {}
    assert parse_column_options(["Population.Code = 统计代码"]) == {"population.code": "统计代码"}
    for bad in (["pop60"], ["=x"], ["pop60="], ["pop60=a", "pop60=b"], ["roads.code=x"]):
        with pytest.raises(InputError) as info:
            parse_column_options(bad)
        assert info.value.code in ("column_option_invalid", "column_option_twice")


def test_upload_refuses_xlsx_bomb_before_saving(tmp_path: Path):
    """The app's upload path checks a workbook's expansion on arrival, without parsing it."""
    from planner._errors import InputError
    from planner.io.uploads import save_upload

    bomb = corpus.xlsx_bomb(tmp_path, "fac.xlsx", 12)
    dest = tmp_path / "uploads"
    with pytest.raises(InputError) as info:
        save_upload("fac.xlsx", bomb.read_bytes(), "facilities", dest)
    assert info.value.code == "xlsx_bomb"
    assert not dest.exists() or not any(dest.iterdir())


def test_geojson_and_gpkg_open_with_their_own_driver(tmp_path: Path):
    """Layers open through GDAL's GeoJSON and GPKG drivers named explicitly; their content is read."""
    from planner.io import read_boundaries

    g = corpus.units_frame()
    for suffix in (".geojson", ".gpkg", ".shp"):
        p = corpus.write_units(tmp_path, f"units{suffix.replace('.', '_')}", g, suffix)
        units = read_boundaries(p)
        assert units["code"].tolist() == g["code"].tolist()

"""The validation report (planner.io.validate) on small hand-built inputs."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from planner._errors import CRSError, InputError, NetworkError
from planner.demo import demo_paths
from planner.engine.network import network_from_arrays
from planner.io.crs import wgs84_to_gcj02
from planner.io.problems import hint_style
from planner.io.validate import (
    Issue,
    ValidationReport,
    find_duplicates,
    merge_duplicates,
    validate_inputs,
)

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
LON0, LAT0 = 117.20, 29.30
DLON, DLAT = 1 / 97_000, 1 / 111_000  # ≈ degrees per metre here


def _grid_network(n: int = 11, step: float = 100.0):
    """A street grid of n x n nodes, ``step`` metres apart, south-west corner at (LON0, LAT0)."""
    ids = np.arange(n * n)
    lon = LON0 + (ids % n) * step * DLON
    lat = LAT0 + (ids // n) * step * DLAT
    u = [i for i in ids if i % n < n - 1] + [i for i in ids if i // n < n - 1]
    v = [i + 1 for i in ids if i % n < n - 1] + [i + n for i in ids if i // n < n - 1]
    return network_from_arrays(ids, lon, lat, np.array(u), np.array(v))


def _units(boxes):
    geoms = [box(LON0 + x0 * DLON, LAT0 + y0 * DLAT, LON0 + x1 * DLON, LAT0 + y1 * DLAT)
             for x0, y0, x1, y1 in boxes]
    return gpd.GeoDataFrame({"code": [None] * len(geoms), "name": [f"U{i}社区" for i in range(len(geoms))],
                             "kind": "community", "street": None, "population": 1000.0, "pop60": 200.0},
                            geometry=geoms, crs=4326)


def _facilities(xy_m, names=None, types=None):
    pts = [Point(LON0 + x * DLON, LAT0 + y * DLAT) for x, y in xy_m]
    n = len(pts)
    return gpd.GeoDataFrame({"facility_id": [f"F{i}" for i in range(n)],
                             "name": names or [f"设施{i}" for i in range(n)],
                             "type": types or ["day_care"] * n, "capacity": np.arange(n, dtype=float),
                             "nursing_beds": np.nan, "status": "existing"}, geometry=pts, crs=4326)


@pytest.fixture(scope="module")
def grid():
    return _grid_network()


def test_clean_inputs_give_no_issues(grid):
    units = _units([(0, 0, 500, 1000), (500, 0, 1000, 1000)])
    fac = _facilities([(100, 100), (600, 300), (850, 700)])
    rep = validate_inputs(units, fac, grid)
    assert rep.issues == ()
    assert rep.ok
    rep.raise_if_fatal()  # nothing to raise
    assert "未发现问题" in rep.to_text("zh")
    assert rep.units is units and rep.network is grid


def test_gcj02_shift_is_suspected_and_not_for_true_positions():
    # streets 1 km apart; points 5 m off the streets; GCJ-02 moves them here by about
    # (+513 m, -295 m): into the middle of the blocks, ~290 m from any street
    sparse = _grid_network(n=4, step=1000.0)
    xy = [(1000 * i + 200, 1000 * j + 5) for i in range(3) for j in range(1, 4)]
    fac = _facilities(xy)
    lon, lat = fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy()
    assert validate_inputs(facilities=fac, network=sparse).codes() == []
    glon, glat = wgs84_to_gcj02(lon, lat)
    shifted = fac.set_geometry(gpd.points_from_xy(glon, glat), crs=4326)
    rep = validate_inputs(facilities=shifted, network=sparse)
    gcj = [i for i in rep.issues if i.code == "gcj02_suspected"]
    assert len(gcj) == 1 and gcj[0].severity == "warning"
    assert "coord_system='gcj02'" in gcj[0].fix
    # the fix reads in Chinese for Chinese reports, naming the same Python argument
    assert "coord_system='gcj02'" in gcj[0].fix_text("zh") and "高德" in gcj[0].fix_text("zh")
    assert gcj[0].fix_text("en") == gcj[0].fix
    # on the command line it names the option instead
    with hint_style("cli"):
        cli = [i for i in validate_inputs(facilities=shifted, network=sparse).issues if i.code == "gcj02_suspected"]
    assert "--coord-system gcj02" in cli[0].fix and "--coord-system gcj02" in cli[0].fix_text("zh")
    assert "coord_system=" not in cli[0].fix
    assert "GCJ-02" in gcj[0].message_zh and "高德" in gcj[0].message_zh
    # declared as GCJ-02 already: no suspicion
    assert "gcj02_suspected" not in validate_inputs(facilities=shifted, network=sparse,
                                                    coord_system="gcj02").codes()


def test_units_without_streets_and_network_elsewhere(grid):
    units = _units([(0, 0, 500, 500), (3000, 0, 3500, 500), (1100, 0, 1250, 150)])
    rep = validate_inputs(boundaries=units, network=grid)
    far = next(i for i in rep.issues if i.code == "unit_far")
    assert far.rows == (2,)
    assert "no walkable street within 300 m" in far.message_en
    assert "1个社区" in far.message_zh
    lone = next(i for i in rep.issues if i.code == "unit_no_street")
    assert lone.rows == (3,)  # 100 m beyond the grid's edge: near a street, none inside
    # the network is in another place altogether: fatal
    elsewhere = _units([(50_000, 50_000, 50_500, 50_500)])
    rep = validate_inputs(boundaries=elsewhere, network=grid)
    assert not rep.ok and rep.fatal[0].code == "network_elsewhere"
    with pytest.raises(NetworkError, match="does not reach the study area"):
        rep.raise_if_fatal()


def test_overlap_outside_and_far_facilities(grid):
    units = _units([(0, 0, 500, 1000), (400, 0, 1000, 1000)])  # 100 m x 1000 m overlap = 20 %
    fac = _facilities([(100, 100), (1200, 500), (800, 5000)])
    rep = validate_inputs(units, fac, grid)
    overlap = next(i for i in rep.issues if i.code == "overlap")
    assert overlap.rows == (1, 2) and "20%" in overlap.message_en
    outside = next(i for i in rep.issues if i.code == "outside_area")
    assert outside.rows == (2, 3)
    far = next(i for i in rep.issues if i.code == "facility_far")
    assert far.rows == (3,) and "设施2" in far.message_zh
    frame = rep.to_frame("en")
    assert set(frame["code"]) == {"overlap", "outside_area", "facility_far"}
    assert (frame["severity"] == "warning").all()


def test_find_and_merge_duplicates():
    fac = _facilities([(0, 0), (5, 5), (300, 0), (800, 0), (805, 0)],
                      names=["甲中心", "甲中心(重复)", "乙中心", "丙中心", "丙中心"],
                      types=["day_care", "day_care", "day_care", "day_care", "meal_point"])
    fac.loc[0, "capacity"] = np.nan
    # same type within 10 m: 0+1; 3 and 4 are close but of different types
    assert find_duplicates(fac) == [[0, 1]]
    renamed = fac.copy()
    renamed.loc[2, "name"] = "甲中心"  # same name and type, 300 m away
    assert find_duplicates(renamed) == [[0, 1, 2]]
    before = fac.copy()
    merged, issues = merge_duplicates(fac)
    pd.testing.assert_frame_equal(fac, before)  # input untouched
    assert merged["facility_id"].tolist() == ["F0", "F2", "F3", "F4"]
    assert merged.loc[0, "merged_ids"] == "F1"
    assert merged.loc[0, "capacity"] == 1.0  # filled from the duplicate, not added
    assert len(issues) == 1 and issues[0].severity == "repaired" and issues[0].rows == (1, 2)
    rep = validate_inputs(facilities=fac)
    dup = next(i for i in rep.issues if i.code == "duplicate")
    assert "F0+F1" in dup.message_en and "merge_duplicates" in dup.fix


def test_reader_problems_are_collected_not_raised():
    rep = validate_inputs(boundaries=BAD / "b05_no_prj.shp", facilities=BAD / "f01_lonlat_swapped.csv",
                          network=BAD / "n01_corrupt.osm")
    assert [i.severity for i in rep.issues] == ["error"] * 3
    assert [type(i.error) for i in rep.issues] == [CRSError, InputError, NetworkError]
    swapped = rep.issues[1]
    assert swapped.rows == (4, 8) and "经度和纬度疑似颠倒" in swapped.message_zh
    with pytest.raises(CRSError) as info:  # several: one message listing all, first one's class
        rep.raise_if_fatal()
    text = str(info.value)
    assert "3 problems" in text and "b05_no_prj.shp" in text and "n01_corrupt.osm" in text
    assert rep.to_text("en").startswith("Input check: 3 errors")


def test_repairs_are_listed():
    rep = validate_inputs(boundaries=BAD / "b07_bowtie.geojson")
    assert rep.ok
    (issue,) = [i for i in rep.issues if i.code == "boundaries_read"]
    assert issue.severity == "repaired" and issue.rows == (2,)
    assert "已修复无效多边形" in issue.message_zh
    assert shapely.is_valid(rep.units.geometry.to_numpy()).all()


def test_issue_and_report_are_frozen():
    issue = Issue("a.csv", "warning", (1,), "中", "en", "fix", "x")
    with pytest.raises(AttributeError):
        issue.file = "b.csv"  # type: ignore[misc]
    rep = ValidationReport((issue,))
    assert rep.warning_texts("en") == ["a.csv: en — fix"]
    assert rep.warning_texts("en", exclude=("x",)) == []


def test_cli_validate(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    report = tmp_path / "report.csv"
    d = demo_paths()  # validate checks what it is given: the network and units are given too
    demo_args = ["--boundaries", str(d.boundaries), "--network", str(d.network)]
    res = runner.invoke(app, ["validate", *demo_args, "--facilities", str(BAD / "f08_gcj02_coordinates.csv"),
                              "--lang", "en", "--report", str(report)])
    assert res.exit_code == 0, res.output
    assert "GCJ-02" in res.stdout and "--coord-system gcj02" in res.stdout
    frame = pd.read_csv(report, encoding="utf-8-sig")
    assert "gcj02_suspected" in frame["code"].tolist()
    res = runner.invoke(app, ["validate", *demo_args, "--facilities", str(BAD / "f07_duplicate_ids.csv")])
    assert res.exit_code == 2
    assert "duplicate ids" in res.stderr and "编号重复" in res.stdout


def test_a_fatal_issue_without_an_error_is_raised_in_its_own_words():
    from planner.io.validate import _issue

    # made by a check of this module (catalogue code and params): its own code, params and rows
    own = _issue("roads.osm", "error", (3,), "network_too_small", n=1, metres=80.0, min_edges=10,
                 min_metres=1000.0)
    with pytest.raises(InputError) as info:
        ValidationReport((own,)).raise_if_fatal()
    e = info.value
    assert (e.code, e.rows, e.path) == ("network_too_small", (3,), "roads.osm")
    assert str(e) == f"roads.osm: {own.message_en} — {own.fix}"  # the English as before
    assert e.text("zh") == own.message_zh and "步行路网太小" in e.text("zh")
    assert e.fix_text("zh") == own.fix_zh
    # made by hand, no params: the issue's texts as they are
    hand = Issue("a.csv", "error", (2, 5), "第 2、5 行坐标有误", "rows 2, 5: bad coordinates", "fix them",
                 "points_error", fix_zh="请改正坐标")
    with pytest.raises(InputError) as info:
        ValidationReport((hand,)).raise_if_fatal()
    e = info.value
    assert str(e) == "a.csv: rows 2, 5: bad coordinates — fix them" and e.rows == (2, 5)
    assert e.display("zh") == "a.csv: 第 2、5 行坐标有误 — 请改正坐标"
    assert e.display("en") == "a.csv: rows 2, 5: bad coordinates — fix them"
    assert e.params["issue"] == "points_error"
    # several: the Chinese lines are the issues' own
    with pytest.raises(InputError) as info:
        ValidationReport((hand, own)).raise_if_fatal()
    assert "第 2、5 行坐标有误" in info.value.text("zh") and "步行路网太小" in info.value.text("zh")


def test_cli_analyse_with_an_empty_network_says_so_in_chinese(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    d = demo_paths()
    empty = tmp_path / "roads.osm.pbf"
    empty.write_bytes(b"")
    res = CliRunner().invoke(app, ["analyse", "--boundaries", str(d.boundaries), "--facilities",
                                   str(d.facilities), "--network", str(empty), "--out", str(tmp_path / "o"),
                                   "-q"])
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith(("错误", "error"))]
    assert lines[0].startswith("错误") and lines[0].endswith("roads.osm.pbf: 路网文件为空"), lines
    assert lines[1] == f"error: {empty}: the network file is empty", lines
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())

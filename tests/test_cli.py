"""The command line: `planner analyse` and `planner travel-times` end to end."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from planner.demo.county import demo_paths
from tests.conftest import DATA


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyse")
    r = run("analyse", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out, r


def test_analyse_demo_writes_every_output(analysed):
    out, r = analysed
    for name in ("coverage.gpkg", "gaps.xlsx", "gaps.csv", "targets.csv", "service_areas.gpkg", "summary.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["speed_mps"] == 1.0
    assert {t["id"] for t in summary["targets"]} >= {"day_care_community", "mutual_aid_village"}
    for t in summary["targets"]:
        assert set(t) >= {"value", "target", "met", "n_units", "n_units_met"}
    # printed summary names each target
    assert "农村互助养老服务设施" in r.stdout
    assert "Traceback" not in r.stderr


def test_analyse_outputs_agree_with_each_other(analysed):
    out, _ = analysed
    layers = {name for name, _ in pyogrio.list_layers(out / "coverage.gpkg")}
    assert {"units", "facilities"} <= layers
    units = gpd.read_file(out / "coverage.gpkg", layer="units")
    csv = pd.read_csv(out / "gaps.csv", encoding="utf-8-sig", dtype={"区划代码": str})
    assert len(csv) == len(units)
    assert csv["区划代码"].tolist() == units["code"].tolist()
    assert csv["名称"].tolist() == units["name"].tolist()
    wb = load_workbook(out / "gaps.xlsx", read_only=True)
    ws = wb.worksheets[0]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert "60岁以上人口" in header and "缺口原因" in header
    assert ws.max_row == len(units) + 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["gap_units"] == int(units["gap"].sum())
    sa = gpd.read_file(out / "service_areas.gpkg")
    assert set(sa["minutes"]) == {5.0, 10.0, 15.0}


def test_analyse_with_explicit_inputs_and_profile(tmp_path):
    p = demo_paths()
    r = run("analyse", "--boundaries", str(p.boundaries), "--facilities", str(p.facilities_csv),
            "--network", str(p.network), "--profile", "jingdezhen", "--speed", "0.8", "--out",
            str(tmp_path / "o"), "-q")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert s["profile"] == "jingdezhen" and s["speed_mps"] == 0.8


def test_analyse_bad_input_is_a_clear_error_and_input_untouched(tmp_path):
    p = demo_paths()
    units = gpd.read_file(p.boundaries, layer="units").drop(columns=["pop60"])
    bad = tmp_path / "units.geojson"
    units.to_file(bad, driver="GeoJSON")
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    r = run("analyse", "--boundaries", str(bad), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert "units.geojson" in r.stderr and "pop60" in r.stderr
    assert "Traceback" not in r.stderr
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_travel_times_keeps_ids_and_blanks_unreachable(tmp_path, monaco):
    lon, lat = monaco.lonlat()
    rng = np.random.default_rng(4)
    f = rng.choice(monaco.n_nodes, 3, replace=False)
    fac = pd.DataFrame({"id": ["F1", "F2", "F3"], "name": ["a", "b", "c"],
                        "type": ["day_care", "day_care", "meal_point"],
                        "longitude": lon[f], "latitude": lat[f]})
    fac.to_csv(tmp_path / "fac.csv", index=False)
    p = rng.choice(monaco.n_nodes, 20, replace=False)
    pts = pd.DataFrame({"id": [f"P{i:02d}" for i in range(20)], "longitude": lon[p], "latitude": lat[p]})
    pts.loc[0, ["longitude", "latitude"]] = [7.30, 43.60]  # far out at sea: flagged
    pts.to_csv(tmp_path / "pts.csv", index=False)
    r = run("travel-times", "--network", str(DATA / "monaco.osm.pbf"), "--facilities", str(tmp_path / "fac.csv"),
            "--points", str(tmp_path / "pts.csv"), "--max-minutes", "10", "--out", str(tmp_path / "t.csv"))
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert t["point_id"].tolist() == pts["id"].tolist()
    assert {"minutes_day_care", "minutes_meal_point", "snap_m", "far_from_street"} <= set(t.columns)
    assert bool(t.loc[0, "far_from_street"]) and t.loc[0, "snap_m"] > 300
    assert t["minutes_day_care"].dropna().le(10).all()
    # a point sitting on a facility's node walks zero minutes
    pts2 = pd.DataFrame({"id": ["X"], "longitude": [lon[f[0]]], "latitude": [lat[f[0]]]})
    pts2.to_csv(tmp_path / "p2.csv", index=False)
    r = run("travel-times", "--network", str(DATA / "monaco.osm.pbf"), "--facilities", str(tmp_path / "fac.csv"),
            "--points", str(tmp_path / "p2.csv"), "--out", str(tmp_path / "t2.csv"))
    t2 = pd.read_csv(tmp_path / "t2.csv", encoding="utf-8-sig")
    assert t2.loc[0, "minutes_day_care"] == pytest.approx(0.0, abs=0.01)


def test_analyse_merges_duplicates_on_request(tmp_path):
    """--merge-duplicates merges the copies (listed in summary.json); the input is not changed."""
    src = DATA / "bad" / "f12_duplicate_facilities.csv"
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    n_rows = len(pd.read_csv(src))
    plain = run("analyse", "--facilities", str(src), "--out", str(tmp_path / "a"), "-q")
    merged = run("analyse", "--facilities", str(src), "--merge-duplicates", "--out", str(tmp_path / "b"), "-q")
    assert plain.returncode == 0 and merged.returncode == 0, merged.stderr
    s_plain = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    s_merged = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    fac_plain = gpd.read_file(tmp_path / "a" / "coverage.gpkg", layer="facilities")
    fac_merged = gpd.read_file(tmp_path / "b" / "coverage.gpkg", layer="facilities")
    assert len(fac_plain) == n_rows and len(fac_merged) < n_rows
    assert any("duplicated" in w or "重复" in w for w in s_plain["warnings"])
    assert any("merged" in w or "合并" in w for w in s_merged["warnings"])
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before

"""Province scale: partition by county with a border buffer, counties in parallel (pool, Dask)."""

from __future__ import annotations

import csv
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from planner import read_boundaries, read_facilities
from planner._errors import InputError, NetworkError, PlannerError
from planner.analysis.coverage import score_profile
from planner.analysis.result import analyse
from planner.demo.generate import make_demo_county, make_demo_province, write_demo_province
from planner.engine.network import load_network
from planner.outputs.printmap import context_layers, coverage_share
from planner.outputs.province import clip_network, county_keys, partition_counties, run_province
from planner.outputs.report import ReportSettings

FAST = ReportSettings(dpi=30, map_formats=("png",))
METRIC = "EPSG:4548"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_demo_province(tmp_path_factory.mktemp("province"), 3)


@pytest.fixture(scope="module")
def inputs(files):
    """The 3-county province read back, plus one day-care centre just across the 一|二 border."""
    units = read_boundaries(files.boundaries, layer="units")
    fac = read_facilities(files.facilities)
    net = load_network(files.network)
    ctx = context_layers(files.boundaries)
    roads = gpd.read_file(files.boundaries, layer="border_roads").to_crs(METRIC)
    county = ctx["county"].to_crs(METRIC)
    road = roads[(roads["from_county"] == "369901") & (roads["to_county"] == "369902")].geometry.iloc[0]
    one = county.loc[county["code"] == "369901000000"].geometry.iloc[0]
    # the road runs from county 1 into county 2: put the centre 250 m past county 1's border
    at = road.project(road.intersection(one.boundary))
    start_in_one = one.contains(road.interpolate(0))
    site = road.interpolate(at + 250 if start_in_one else at - 250)
    back = road.interpolate(at - 50 if start_in_one else at + 50)  # just inside county 1
    extra = gpd.GeoDataFrame({"facility_id": ["TEST-DC"], "name": ["界边日间照料中心"], "type": ["day_care"],
                              "capacity": [30.0], "nursing_beds": [np.nan], "status": ["existing"]},
                             geometry=[site], crs=METRIC).to_crs(fac.crs)
    fac = gpd.GeoDataFrame(pd.concat([fac, extra], ignore_index=True), geometry="geometry", crs=fac.crs)
    border_unit = int(np.nonzero(units.to_crs(METRIC).contains(back).to_numpy())[0][0])
    return units, fac, net, ctx, border_unit


@pytest.fixture(scope="module")
def whole(inputs):
    units, fac, net, *_ = inputs
    return analyse(units, fac, net)


@pytest.fixture(scope="module")
def serial(inputs, tmp_path_factory):
    units, fac, net, ctx, _ = inputs
    out = tmp_path_factory.mktemp("serial")
    return out, run_province(units, fac, net, out, settings=FAST, context=ctx, progress=False)


def _county_results(part, types):
    a = analyse(part.units, part.facilities, part.network.to_network())
    shares = {t: coverage_share(a, t, a.model.profile.catchment(t)) for t in types}
    scores = {s.target.id: s.value for s in a.scores if s.target.unit_kind in ("community", "village")}
    return a, shares, scores


def test_generator_places_distinct_counties_side_by_side():
    prov = make_demo_province(3)
    assert list(prov.county["code"]) == ["369901000000", "369902000000", "369903000000"]
    assert list(prov.county["name"]) == ["示例一县", "示例二县", "示例三县"]
    assert prov.units["code"].str.fullmatch(r"3699\d{8}").all()
    assert prov.facilities["facility_id"].is_unique
    outlines = prov.county.to_crs(METRIC).geometry.to_numpy()
    for i in range(3):
        for j in range(i + 1, 3):
            assert shapely.distance(outlines[i], outlines[j]) >= 149.0  # apart, never overlapping
    # every shared border is crossed by a road whose two ends lie in the two counties
    pairs = set(zip(prov.border_roads["from_county"], prov.border_roads["to_county"], strict=True))
    assert pairs == {("369901", "369902"), ("369902", "369903")}
    for g, a, b in zip(prov.border_roads.to_crs(METRIC).geometry, prov.border_roads["from_county"],
                       prov.border_roads["to_county"], strict=True):
        ends = shapely.points(shapely.get_coordinates(g)[[0, -1]])
        ca, cb = (outlines[int(c[-2:]) - 1] for c in (a, b))
        assert sorted([bool(ca.buffer(1).contains(ends[0])), bool(cb.buffer(1).contains(ends[1]))]) == [True, True]
    # county 1 is the demo county moved nowhere: same values, only the codes renamed
    demo = make_demo_county()
    first = prov.units.iloc[: len(demo.units)]
    assert list(first["name"]) == list(demo.units["name"])
    assert list(first["code"].str[6:]) == list(demo.units["code"].str[6:])
    assert np.allclose(first.geometry.bounds.to_numpy(), demo.units.geometry.bounds.to_numpy(), atol=1e-7)


def test_county_keys():
    u = pd.DataFrame({"code": ["369901001001", "369902101002", "369901001003"]})
    assert list(county_keys(u)) == ["369901", "369902", "369901"]
    assert list(county_keys(u.assign(county=["甲县", "乙县", "甲县"]))) == ["甲县", "乙县", "甲县"]
    with pytest.raises(InputError, match="12-digit"):
        county_keys(pd.DataFrame({"code": ["369901001001", None]}))


def test_county_errors_are_worded_in_chinese(inputs):
    def refused(call, *args, **kw):
        with pytest.raises(PlannerError) as err:
            call(*args, **kw)
        return err.value

    err = refused(county_keys, pd.DataFrame({"code": ["369901001001", None, "3699"]}))
    assert err.rows == (2, 3)
    assert err.display("zh") == "2 个单元没有12位区划代码（第 2、3 行） — 填写12位“区划代码”，或增加“县”列"
    assert str(err) == ("2 units have no 12-digit division code (rows 2, 3) — fill in the 12-digit code (区划代码) "
                        "or add a county (县) column")
    err = refused(county_keys, pd.DataFrame({"county": ["甲县", " "]}))
    assert err.text("zh") == "1 个单元的县为空（第 2 行）"
    assert str(err).startswith("1 units have an empty county (rows 2) — ")
    err = refused(county_keys, pd.DataFrame({"name": ["东门社区"]}))
    assert err.display("zh") == "边界数据既没有区划代码列也没有县列，无法区分各县 — 增加12位“区划代码”列或“县”列"
    assert str(err) == ("the boundaries have no code or county column, so counties cannot be told apart — add the "
                        "12-digit division code (区划代码) or a county (县) column")
    units, fac, net, _, _ = inputs
    err = refused(partition_counties, units, fac, net, buffer_m=-5)
    assert err.text("zh") == "县界缓冲距离须大于或等于 0 米，当前为 -5"
    assert str(err) == "the border buffer must be 0 or more metres, got -5"
    empty = clip_network(net, shapely.box(0, 0, 1, 1))
    err = refused(empty.to_network)
    assert isinstance(err, NetworkError)
    assert err.text("zh") == "县域及其边界缓冲区内没有步行路网"
    assert str(err).endswith("no walking network within the county and its border buffer — check that the network "
                             "covers every county of the boundaries")


def test_clip_network_keeps_arrays_and_cuts_at_the_region(inputs):
    _, _, net, ctx, _ = inputs
    everything = clip_network(net, shapely.box(*net.bounds).buffer(10))
    for k in ("node_id", "x", "y", "u", "v", "length"):
        assert np.array_equal(getattr(everything, k), getattr(net, k))
    one = ctx["county"].to_crs(net.crs).geometry.iloc[0]
    sub = clip_network(net, one)
    n = sub.to_network()
    assert 0 < n.n_nodes < net.n_nodes
    assert shapely.intersects(n.segments, one).all()  # only segments touching the region
    # lengths are the parent's, bit for bit
    pos = {nid: i for i, nid in enumerate(net.node_id)}
    pu = np.array([pos[i] for i in sub.node_id[sub.u]])
    assert np.array_equal(np.hypot(net.x[pu] - sub.x[sub.u], net.y[pu] - sub.y[sub.u]), np.zeros(sub.u.size))
    assert n.report.n_components == 1


def test_partition_with_buffer_equals_whole_province(inputs, whole, serial):
    units, fac, net, ctx, border_unit = inputs
    parts = partition_counties(units, fac, net, buffer_m=2000, context=ctx)
    assert [p.key for p in parts] == ["369901", "369902", "369903"]
    assert [p.name for p in parts] == ["示例一县", "示例二县", "示例三县"]
    assert parts[0].border_facilities >= 1  # the centre across the border
    keys = county_keys(units)
    types = sorted(whole.model.fields)
    ref_share = {t: coverage_share(whole, t, whole.model.profile.catchment(t)) for t in types}
    index = serial[1].set_index("county_code")
    for p in parts:
        mask = keys == p.key
        a, shares, scores = _county_results(p, types)
        for t in types:
            # equal up to the order of summing (the demand points come in another order)
            np.testing.assert_allclose(shares[t], ref_share[t][mask], rtol=0, atol=1e-12, err_msg=f"{p.key} {t}")
        ref_scores = {s.target.id: s.value for s in score_profile(whole.model, units_mask=mask)
                      if s.target.unit_kind in ("community", "village")}
        assert scores.keys() == ref_scores.keys()
        for tid, v in ref_scores.items():
            assert scores[tid] == pytest.approx(v, abs=1e-12), (p.key, tid)
            assert index.loc[p.key, tid] == pytest.approx(v, abs=5e-5)  # rounded to 4 places
        met = [c for c in a.units.columns if c.startswith("met_")]
        pd.testing.assert_frame_equal(a.units[met].reset_index(drop=True),
                                      whole.units.loc[mask, met].reset_index(drop=True))
    # the centre across the border counts for county 1's border unit
    assert ref_share["day_care"][border_unit] > 0


def test_no_buffer_differs_only_near_borders(inputs, whole):
    units, fac, net, ctx, border_unit = inputs
    parts = partition_counties(units, fac, net, buffer_m=0, context=ctx)
    keys = county_keys(units)
    ref = coverage_share(whole, "day_care", 15)
    um = units.to_crs(METRIC)
    differs = []
    for p in parts:
        mask = np.nonzero(keys == p.key)[0]
        _, shares, _ = _county_results(p, ["day_care"])
        diff = mask[~np.isclose(shares["day_care"], ref[mask], rtol=0, atol=1e-12)]
        edge = shapely.union_all(um.geometry.values[mask]).boundary
        # a walk of 15 min (900 m) from across the border reaches only units near it
        assert (um.geometry.iloc[diff].distance(edge) <= 900).all(), p.key
        differs += diff.tolist()
    assert border_unit in differs


def test_failed_county_is_listed_and_the_others_finish(inputs, tmp_path):
    units, fac, net, ctx, _ = inputs
    # a county 50 km away from any street: its task fails, the batch goes on
    lost = units.iloc[[0]].to_crs(METRIC)
    lost = lost.set_geometry(lost.geometry.translate(0, -50000)).to_crs(units.crs)
    lost["code"] = "369999001001"
    bad = gpd.GeoDataFrame(pd.concat([units, lost], ignore_index=True), geometry="geometry", crs=units.crs)
    index = run_province(bad, fac, net, tmp_path, settings=FAST, context=ctx, workers=2, progress=False)
    st = dict(zip(index["county_code"], index["status"], strict=True))
    assert st == {"369901": "ok", "369902": "ok", "369903": "ok", "369999": "failed"}
    assert "no walking network" in index.set_index("county_code").loc["369999", "error"]
    assert (tmp_path / "03_示例三县_map.png").stat().st_size > 1000
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "失败" in html and "no walking network" in html


def test_process_pool_gives_the_same_index(inputs, serial, tmp_path):
    units, fac, net, ctx, _ = inputs
    out, one = serial
    two = run_province(units, fac, net, tmp_path, settings=FAST, context=ctx, workers=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    assert (out / "index.csv").read_bytes() == (tmp_path / "index.csv").read_bytes()
    assert set(one["xlsx"]) == {"01_示例一县_table.xlsx", "02_示例二县_table.xlsx", "03_示例三县_table.xlsx"}
    with open(tmp_path / "index.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["区划代码"] for r in rows] == ["369901", "369902", "369903"]
    assert set(two.attrs["seconds"]) == {"369901", "369902", "369903"}


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_index(inputs, serial, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="Dask distributed not installed (extra: province)")
    units, fac, net, ctx, _ = inputs
    out, one = serial
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as cluster:
        index = run_province(units, fac, net, tmp_path, settings=FAST, context=ctx,
                             scheduler=cluster.scheduler_address, progress=False)
    pd.testing.assert_frame_equal(one, index)
    assert (out / "index.csv").read_bytes() == (tmp_path / "index.csv").read_bytes()
    for name in [*index["map_png"], *index["xlsx"]]:  # files sent back by the workers
        assert (tmp_path / name).read_bytes()[:4] in (b"\x89PNG", b"PK\x03\x04")


@pytest.mark.slow
def test_cli_report_by_county(files, tmp_path):
    from planner.cli import app

    args = ["report", "--by", "county", "--facilities", str(files.facilities), "--network", str(files.network),
            "--format", "png", "--dpi", "30", "-q"]
    res = CliRunner().invoke(app, [*args, "--boundaries", str(files.boundaries), "--out", str(tmp_path / "a"),
                                   "--workers", "2", "--buffer-m", "1500"])
    assert res.exit_code == 0, res.output
    for stem in ("01_示例一县", "02_示例二县", "03_示例三县"):
        assert (tmp_path / "a" / f"{stem}_map.png").exists()
    res = CliRunner().invoke(app, ["report", "--by", "street", "--scheduler", "tcp://127.0.0.1:1", "-q",
                                   "--out", str(tmp_path / "b")])
    assert res.exit_code == 2 and "--by county" in res.output


@pytest.mark.slow
def test_bench_province_smoke(monkeypatch):
    """benchmarks/bench_province.py runs end to end (figures, not timings, are checked)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_province.py"
    spec = importlib.util.spec_from_file_location("bench_province", path)
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, mod)  # the probe's worker function is pickled by name
    spec.loader.exec_module(mod)
    res = mod.main(["--counties", "2", "--repeats", "1", "--no-dask", "--format", "png", "--dpi", "20"])
    assert [r["workers"] for r in res["runs"]] == [1, 2]
    assert [c["county"] for c in res["per_county"]] == ["369901", "369902"]
    assert all(c["border_facilities"] >= 1 and c["pickle_kb"] > 0 for c in res["per_county"])

"""Tests of the synthetic demo county (planner.demo.county)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry import LineString

from planner.demo import county as demo_mod
from planner.demo.county import demo_paths
from planner.demo.generate import DemoCounty, make_demo_county, write_demo_county
from planner.schema import FACILITY_COLUMNS, FACILITY_STATUSES, FACILITY_TYPES

DATA = Path(__file__).resolve().parents[2] / "data"
METRIC = "EPSG:4548"
WALKABLE = {"residential", "tertiary", "unclassified", "footway", "path", "track"}


@pytest.fixture(scope="module")
def demo() -> DemoCounty:
    return make_demo_county()


def _parse_osm(text: str) -> tuple[dict[int, tuple[float, float]], list[tuple[dict[str, str], list[int]]]]:
    root = ET.fromstring(text)
    nodes = {int(n.get("id")): (float(n.get("lon")), float(n.get("lat"))) for n in root.iter("node")}
    ways = [({t.get("k"): t.get("v") for t in w.iter("tag")}, [int(nd.get("ref")) for nd in w.iter("nd")])
            for w in root.iter("way")]
    return nodes, ways


def _metric_lines(nodes, ways) -> gpd.GeoSeries:
    lines = [LineString([nodes[r] for r in refs]) for _, refs in ways]
    return gpd.GeoSeries(lines, crs="EPSG:4326").to_crs(METRIC)


def _check_tiling(demo: DemoCounty) -> None:
    units = demo.units.to_crs(METRIC)
    assert units.is_valid.all()
    assert (units.geom_type == "Polygon").all()
    geoms = units.geometry.values
    assert shapely.coverage_is_valid(demo.units.geometry.values)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum()
    assert overlap < 50.0  # m², against a county of ~300 km²
    county = demo.county.to_crs(METRIC).geometry.iloc[0]
    assert shapely.union_all(geoms).area == pytest.approx(county.area, rel=1e-6)
    assert units.area.sum() == pytest.approx(county.area, rel=1e-6)


def _check_bridges(demo: DemoCounty) -> int:
    nodes, ways = _parse_osm(demo.osm_xml)
    rivers = [(tags, refs) for tags, refs in ways if tags.get("waterway") == "river"]
    assert len(rivers) == 1 and "highway" not in rivers[0][0]
    river = LineString([nodes[r] for r in rivers[0][1]])
    n_bridges = 0
    for tags, refs in ways:
        if tags.get("highway") in WALKABLE and LineString([nodes[r] for r in refs]).intersects(river):
            assert tags.get("bridge") == "yes", tags
            n_bridges += 1
    return n_bridges


def test_deterministic(demo):
    again = make_demo_county()
    assert again.osm_xml == demo.osm_xml
    for layer in ("units", "streets", "county", "water", "facilities"):
        a, b = getattr(demo, layer), getattr(again, layer)
        pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
        assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


def test_units_tile_the_county(demo):
    _check_tiling(demo)
    streets = demo.streets.to_crs(METRIC)
    assert streets.is_valid.all() and shapely.coverage_is_valid(demo.streets.geometry.values)
    assert streets.area.sum() == pytest.approx(demo.county.to_crs(METRIC).area.iloc[0], rel=1e-6)


def test_county_extent_and_location(demo):
    county = demo.county.to_crs(METRIC).geometry.iloc[0]
    minx, miny, maxx, maxy = county.bounds
    assert 18_000 < maxx - minx < 23_000 and 14_000 < maxy - miny < 19_000
    c = demo.county.geometry.iloc[0].centroid
    assert abs(c.x - 117.20) < 0.05 and abs(c.y - 29.30) < 0.05
    assert demo.county.loc[0, "code"] == "360999000000" and demo.county.loc[0, "name"] == "示例县"


def test_unit_attributes(demo):
    u = demo.units
    assert list(u.columns) == ["code", "name", "kind", "street", "street_code", "population", "pop60",
                               "urban_rural_class", "geometry"]
    comm, vill = u[u.kind == "community"], u[u.kind == "village"]
    assert 12 <= len(comm) <= 16 and 25 <= len(vill) <= 35
    assert comm.population.between(5000, 15000).all() and vill.population.between(500, 2500).all()
    share = u.pop60 / u.population
    assert share[comm.index].between(0.18, 0.30).all() and share[vill.index].between(0.22, 0.35).all()
    assert u.code.str.fullmatch(r"\d{12}").all() and u.code.is_unique and u["name"].is_unique
    assert u.code.str.startswith("360999").all()
    assert (u.code.str[:9] == u.street_code).all()
    assert comm.code.str[6:9].isin(["001", "002", "003"]).all()
    assert vill.code.str[6:9].isin(["101", "102", "201"]).all()
    assert (vill.code.str[9:].astype(int) >= 201).all()
    assert (comm.urban_rural_class == "111").all() and (vill.urban_rural_class == "220").all()
    s = demo.streets
    assert s.code.tolist() == ["360999001", "360999002", "360999003", "360999101", "360999102", "360999201"]
    assert s.kind.tolist() == ["street"] * 3 + ["town"] * 2 + ["township"]
    assert set(u.street) == set(s["name"]) and comm.street.nunique() == 3


def test_river_crossed_only_at_bridges(demo):
    assert _check_bridges(demo) == 5
    nodes, ways = _parse_osm(demo.osm_xml)
    town = shapely.union_all(demo.units[demo.units.kind == "community"].geometry.values)
    bridges = [LineString([nodes[r] for r in refs]) for tags, refs in ways if tags.get("bridge") == "yes"]
    assert sum(town.contains(b) for b in bridges) == 3


def test_osm_format(demo):
    text = demo.osm_xml
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="planner demo">')
    assert "timestamp" not in text
    nodes, ways = _parse_osm(text)
    ids = [int(x) for x in re.findall(r'<node id="(\d+)"', text)]
    assert len(ids) == len(set(ids)) == len(nodes) and min(ids) > 0
    assert re.findall(r'lat="(-?\d+\.\d+)"', text) and all(
        len(v.split(".")[1]) == 7 for v in re.findall(r'l(?:at|on)="(-?\d+\.\d+)"', text))
    assert all(r in nodes for _, refs in ways for r in refs)
    highways = {tags["highway"] for tags, _ in ways if "highway" in tags}
    assert highways == WALKABLE
    assert all("name" in tags for tags, _ in ways)


def test_network_is_connected(demo):
    nodes, ways = _parse_osm(demo.osm_xml)
    index = {nid: k for k, nid in enumerate(sorted(nodes))}
    rows, cols = [], []
    for tags, refs in ways:
        if "highway" in tags:
            rows += [index[r] for r in refs[:-1]]
            cols += [index[r] for r in refs[1:]]
    used = sorted(set(rows) | set(cols))
    n = len(nodes)
    n_comp, labels = connected_components(coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)),
                                          directed=False)
    assert len(set(labels[used])) == 1


def test_facilities(demo):
    f = demo.facilities
    # the plans' level, grading and operator targets read these optional columns (issue 13)
    assert list(f.columns) == [*FACILITY_COLUMNS, "level", "disability_care", "grade", "operator", "geometry"]
    homes = f[f["type"] == "nursing_home"]
    assert (homes["level"] == "县级").sum() == 1 and (homes["disability_care"] == "是").sum() == 1
    assert f.crs.to_epsg() == 4326 and (f.geom_type == "Point").all()
    assert f.facility_id.is_unique and f["name"].is_unique
    assert set(f["type"]) == set(FACILITY_TYPES) and set(f.status) <= set(FACILITY_STATUSES)
    assert f.capacity.dtype == float and f.nursing_beds.dtype == float
    assert f.nursing_beds[f["type"].isin(["day_care", "mutual_aid", "meal_point"])].isna().all()
    assert 15 <= (f.status == "candidate").sum() <= 25
    assert 1 <= (f.status == "planned").sum() <= 2
    assert set(f["type"][f.status == "candidate"]) == {"day_care", "mutual_aid"}
    homes = f[f["type"] == "nursing_home"]
    assert len(homes) == 2 and homes.capacity.max() == 200
    assert (f["type"][f.status == "existing"] == "street_centre").sum() == 3


def _share_with(demo: DemoCounty, kind: str, ftype: str) -> float:
    units = demo.units[demo.units.kind == kind]
    fac = demo.facilities[(demo.facilities["type"] == ftype) & (demo.facilities.status == "existing")]
    hits = gpd.sjoin(units, fac, predicate="contains")
    return hits.code.nunique() / len(units)


def test_coverage_gaps_are_real(demo):
    assert 0.6 <= _share_with(demo, "community", "day_care") < 1.0
    assert 0.6 <= _share_with(demo, "village", "mutual_aid") < 0.85
    # a community south of the river has no day care at all
    south = demo.units[demo.units.street == "滨江街道"]
    dc = demo.facilities[demo.facilities["type"] == "day_care"]
    assert any(not dc[dc.status == "existing"].within(g).any() for g in south.geometry)
    # every unit without a day care / mutual-aid site has a candidate or planned site
    for kind, ftype in (("community", "day_care"), ("village", "mutual_aid")):
        units = demo.units[demo.units.kind == kind]
        fac = demo.facilities[demo.facilities["type"] == ftype]
        for _, u in units.iterrows():
            assert fac.within(u.geometry).any(), u["name"]


def test_facilities_sit_near_streets(demo):
    nodes, ways = _parse_osm(demo.osm_xml)
    walk = [(t, r) for t, r in ways if "highway" in t]
    lines = _metric_lines(nodes, walk)
    pts = demo.facilities.to_crs(METRIC).geometry.values
    dist = shapely.STRtree(lines.values).query_nearest(pts, return_distance=True)[1]
    assert dist.min() >= 4.9 and dist.max() <= 40.1


def test_other_seeds_are_consistent():
    other = make_demo_county(seed=7)
    assert other.osm_xml != make_demo_county().osm_xml
    _check_tiling(other)
    assert _check_bridges(other) == 5


def test_shipped_data_match_generator(demo):
    paths = {k: DATA / rel for k, rel in demo_mod._REL_PATHS.items()}
    if not paths["network"].is_file():
        pytest.skip("no shipped demo data")
    assert paths["network"].read_bytes() == demo.osm_xml.encode("utf-8")
    units = gpd.read_file(paths["boundaries"], layer="units")
    pd.testing.assert_frame_equal(units.drop(columns="geometry"), pd.DataFrame(demo.units.drop(columns="geometry")),
                                  check_dtype=False)
    assert units.geometry.geom_equals_exact(demo.units.geometry, tolerance=1e-9).all()
    fac = gpd.read_file(paths["facilities"], layer="facilities")
    pd.testing.assert_frame_equal(fac.drop(columns="geometry"), pd.DataFrame(demo.facilities.drop(columns="geometry")),
                                  check_dtype=False)
    raw = paths["facilities_csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(io.StringIO(raw.decode("utf-8-sig")), dtype={"facility_id": str})
    assert list(csv.columns) == [*FACILITY_COLUMNS, "level", "disability_care", "grade", "operator",
                                 "longitude", "latitude"]
    assert np.allclose(csv.longitude, demo.facilities.geometry.x, atol=1e-9)
    assert np.allclose(csv.latitude, demo.facilities.geometry.y, atol=1e-9)
    assert "示例数据，非真实" in paths["readme"].read_text(encoding="utf-8")
    layers = set(gpd.list_layers(paths["boundaries"])["name"])
    assert layers == {"units", "streets", "county", "water", "roads"}


def test_demo_paths_prefers_repo_data():
    paths = demo_paths()
    assert paths.network.is_file() and paths.boundaries.is_file() and paths.facilities.is_file()
    if (DATA / "network" / "demo_county.osm").is_file():
        assert paths.network == DATA / "network" / "demo_county.osm"


def test_demo_paths_generates_cache(tmp_path, monkeypatch, demo):
    monkeypatch.setattr(demo_mod, "_repo_data_dir", lambda: tmp_path / "missing")
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    paths = demo_paths()
    assert paths.network.parent.parent == tmp_path / "cache" / "demo"
    assert paths.network.read_bytes() == demo.osm_xml.encode("utf-8")
    stamp = paths.boundaries.stat().st_mtime_ns
    assert demo_paths() == paths and paths.boundaries.stat().st_mtime_ns == stamp


def test_write_demo_county(tmp_path, demo):
    out = write_demo_county(tmp_path / "data")
    assert set(out) == {"boundaries", "facilities", "facilities_csv", "network", "readme"}
    assert out["network"].read_bytes() == demo.osm_xml.encode("utf-8")
    assert sum(p.stat().st_size for p in out.values()) < 3 * 1024 * 1024

"""A large .osm.pbf is clipped to the study area automatically (load_network(area=...), the CLI's --network-buffer)."""

from __future__ import annotations

import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse.csgraph as csg

from planner.engine.network import load_network
from planner.io.roads import area_bbox, read_osm_pbf_area
from tests.conftest import helsinki_pbf

pytest.importorskip("osmium")

# the bundled extract covers about 1 × 1.7 km of central Helsinki; the study area is its south-west part
AREA = (24.938, 60.166, 24.946, 60.169)
BUFFER = 250.0
WALK = 200.0  # metres: a walk this long from inside AREA cannot leave AREA + BUFFER


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def whole():
    """The whole extract through the same reader (a box around the world): only clipping differs."""
    return read_osm_pbf_area(helsinki_pbf(), (-180.0, -89.0, 180.0, 89.0), buffer_m=0.0, crs="EPSG:32635")


def _inside(net) -> np.ndarray:
    lon, lat = net.lonlat()
    return np.flatnonzero((lon >= AREA[0]) & (lon <= AREA[2]) & (lat >= AREA[1]) & (lat <= AREA[3]))


def test_clipped_network_walks_as_the_whole_one_inside_the_area(cache, whole):
    clipped = load_network(helsinki_pbf(), area=AREA, buffer_m=BUFFER, crs="EPSG:32635")
    assert clipped.report.clip is not None and not clipped.report.from_cache
    lon, lat = clipped.lonlat()
    box = area_bbox(AREA, BUFFER)
    assert lon.min() >= box[0] and lon.max() <= box[2] and lat.min() >= box[1] and lat.max() <= box[3]
    assert clipped.n_nodes < 0.6 * whole.n_nodes
    assert 0 < clipped.report.ways_kept < clipped.report.ways_total

    # OSM node ids inside the area present in both networks
    inside_ids = np.intersect1d(whole.node_id[_inside(whole)], clipped.node_id)
    assert inside_ids.size > 0.8 * _inside(whole).size > 100
    rng = np.random.default_rng(3)
    sources = rng.choice(inside_ids, 25, replace=False)
    pos_w = {int(n): i for i, n in enumerate(whole.node_id)}
    pos_c = {int(n): i for i, n in enumerate(clipped.node_id)}
    d_c = csg.dijkstra(clipped.csr, indices=[pos_c[int(s)] for s in sources], limit=WALK)
    # independent reference: networkx on the whole network
    G = nx.Graph()
    G.add_weighted_edges_from(zip(whole.u.tolist(), whole.v.tolist(), whole.length.tolist(), strict=True))
    compared = 0
    for k, s in enumerate(sources):
        ref = nx.single_source_dijkstra_path_length(G, pos_w[int(s)], cutoff=WALK)
        for t in inside_ids:
            dw = ref.get(pos_w[int(t)], np.inf)
            dc = d_c[k, pos_c[int(t)]]
            if np.isfinite(dw):
                assert dc == pytest.approx(dw, abs=1e-6), (s, t)
                compared += 1
            else:
                assert not np.isfinite(dc)  # a subgraph never walks shorter
    assert compared > 500


def test_the_clip_area_is_part_of_the_cache_key(cache):
    first = load_network(helsinki_pbf(), area=AREA, buffer_m=BUFFER)
    again = load_network(helsinki_pbf(), area=AREA, buffer_m=BUFFER)
    assert again.report.from_cache and again.report.clip == first.report.clip
    assert again.report.ways_kept == first.report.ways_kept  # stored with the cache
    np.testing.assert_array_equal(again.length, first.length)
    wider = load_network(helsinki_pbf(), area=AREA, buffer_m=BUFFER + 300)
    assert not wider.report.from_cache and wider.n_nodes > first.n_nodes
    moved = load_network(helsinki_pbf(), area=(24.940, 60.173, 24.948, 60.176), buffer_m=BUFFER)
    assert not moved.report.from_cache and moved.report.clip != first.report.clip
    assert len(list((cache / "networks").glob("*.npz"))) == 3
    # no area (or buffer 0): the whole file, not one of the clipped caches
    assert load_network(helsinki_pbf(), area=AREA, buffer_m=0).report.clip is None


def test_the_summary_says_how_much_was_kept(cache):
    net = load_network(helsinki_pbf(), area=AREA, buffer_m=BUFFER)
    en, zh = net.report.summary("en"), net.report.summary("zh")
    assert "clipped" in en and f"{net.report.ways_kept:,} of the file's {net.report.ways_total:,}" in en
    assert "裁剪" in zh and f"{net.report.ways_total:,}" in zh


def test_travel_times_on_the_command_line_clips_to_the_points(tmp_path, cache, whole):
    lon, lat = whole.lonlat()
    idx = _inside(whole)[:6]
    pd.DataFrame({"id": ["F1", "F2"], "name": ["a", "b"], "type": ["day_care", "day_care"],
                  "longitude": lon[idx[:2]], "latitude": lat[idx[:2]]}).to_csv(tmp_path / "f.csv", index=False)
    pd.DataFrame({"id": [f"P{i}" for i in range(4)], "longitude": lon[idx[2:]],
                  "latitude": lat[idx[2:]]}).to_csv(tmp_path / "p.csv", index=False)
    args = [sys.executable, "-m", "planner", "travel-times", "--network", str(helsinki_pbf()),
            "--facilities", str(tmp_path / "f.csv"), "--points", str(tmp_path / "p.csv"),
            "--out", str(tmp_path / "t.csv")]
    env = {"PLANNER_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    # the progress says so, in the command line's language (Chinese by default)
    assert "已按研究区范围(含缓冲)裁剪后读取" in r.stderr and "保留可步行道路" in r.stderr
    t = pd.read_csv(tmp_path / "t.csv")
    assert t["minutes_day_care"].notna().all()
    whole_run = subprocess.run([*args[:-1], str(tmp_path / "t0.csv"), "--network-buffer", "0"],
                               capture_output=True, text=True, env=env, timeout=300)
    assert whole_run.returncode == 0, whole_run.stderr
    assert "裁剪" not in whole_run.stderr and "步行网络" in whole_run.stderr

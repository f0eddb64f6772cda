"""The junction graph (chains of shape points) gives exactly the walks of the full network.

The reference is networkx's Dijkstra on the full network as a multigraph, each
site a node of its own wired to the two ends of its segment; the networks are
built to contain every awkward shape: long chains of shape points, loops back
to the same junction, parallel segments, self-loops, rings with no junction,
dead ends, and several sites on one chain.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from planner.engine.chains import build_chain_graph
from planner.engine.network import MIN_EDGE_LENGTH, WalkNetwork, load_network
from planner.engine.travel import NearestField, Snapped, add_site, nearest_sites, remove_sites


def _awkward_network(seed: int) -> WalkNetwork:
    """A connected street network with every degenerate shape, as plain arrays."""
    rng = np.random.default_rng(seed)
    u, v = [], []
    n = 12  # junction-ish nodes of a random tree plus extra links
    for i in range(1, n):
        u.append(int(rng.integers(0, i)))
        v.append(i)
    for _ in range(6):
        a, b = rng.integers(0, n, 2)
        u.append(int(a))
        v.append(int(b))  # may be a self-loop or a parallel segment

    def chain_between(a: int, b: int, k: int) -> None:
        nonlocal n
        prev = a
        for _ in range(k):
            u.append(prev)
            v.append(n)
            prev = n
            n += 1
        u.append(prev)
        v.append(b)

    # long chains of shape points, a loop back to its own junction, a dead-end street
    chain_between(0, 5, 6)
    chain_between(3, 3, 4)
    chain_between(7, 7, 1)  # two parallel segments through one shape point
    dead = n
    chain_between(9, dead + 3, 3)
    n += 1
    # a ring of shape points hanging off junction 2 by one street
    ring0 = n
    u.append(2)
    v.append(ring0)
    n += 1
    chain_between(ring0, ring0, 5)
    u_a, v_a = np.array(u, np.int32), np.array(v, np.int32)
    length = rng.uniform(MIN_EDGE_LENGTH, 80.0, u_a.size)
    xy = rng.uniform(0, 1000, (n, 2))
    return WalkNetwork("EPSG:32650", np.arange(n, dtype=np.int64), xy[:, 0], xy[:, 1], u_a, v_a, length)


def _pure_ring(k: int = 7) -> WalkNetwork:
    u = np.arange(k, dtype=np.int32)
    v = ((np.arange(k) + 1) % k).astype(np.int32)
    xy = np.random.default_rng(0).uniform(0, 100, (k, 2))
    return WalkNetwork("EPSG:32650", np.arange(k, dtype=np.int64), xy[:, 0], xy[:, 1], u, v,
                       np.linspace(5, 30, k))


def _random_sites(net: WalkNetwork, k: int, seed: int, same_edge: int = 0) -> Snapped:
    rng = np.random.default_rng(seed)
    edge = rng.integers(0, net.n_edges, k)
    if same_edge:
        edge[:same_edge] = edge[0]  # several sites on one segment (so on one chain)
    along = rng.uniform(0, 1, k) * net.length[edge]
    along[rng.random(k) < 0.2] = 0.0  # some exactly on a node
    access = rng.uniform(0, 40, k)
    access[rng.random(k) < 0.2] = 0.0
    return Snapped(np.zeros(k), np.zeros(k), edge.astype(np.int64), along, access,
                   access + along, access + net.length[edge] - along, np.zeros(k, bool))


def _reference(net: WalkNetwork, sites: Snapped, limit: float = np.inf) -> np.ndarray:
    """networkx on the full multigraph, each site wired to its segment's ends."""
    G = nx.MultiGraph()
    G.add_nodes_from(range(net.n_nodes))
    for a, b, w in zip(net.u.tolist(), net.v.tolist(), net.length.tolist(), strict=True):
        G.add_edge(a, b, w=w)
    floor = MIN_EDGE_LENGTH * 1e-3
    for i in range(len(sites)):
        e = int(sites.edge[i])
        G.add_edge(("s", i), int(net.u[e]), w=max(float(sites.to_u[i]), floor))
        G.add_edge(("s", i), int(net.v[e]), w=max(float(sites.to_v[i]), floor))
    d = nx.multi_source_dijkstra_path_length(G, {("s", i) for i in range(len(sites))}, weight="w")
    out = np.array([d.get(i, np.inf) for i in range(net.n_nodes)])
    out[out > limit] = np.inf
    return out


@pytest.mark.parametrize("seed", range(12))
def test_chain_positions_add_up(seed):
    net = _awkward_network(seed)
    g = build_chain_graph(net.n_nodes, net.u, net.v, net.length)
    # each segment spans exactly its length along its chain
    np.testing.assert_allclose(np.abs(g.edge_off_v - g.edge_off_u), net.length, rtol=1e-12, atol=1e-9)
    # chains partition the segments, and their lengths add up to the network's
    np.testing.assert_allclose(np.bincount(g.edge_chain, weights=net.length), g.chain_len, rtol=1e-12)
    # junctions are the nodes where streets meet or end (or one per ring of shape points)
    deg = np.bincount(net.u, minlength=net.n_nodes) + np.bincount(net.v, minlength=net.n_nodes)
    assert np.all(deg[g.inner] == 2)
    assert set(g.core.tolist()) | set(g.inner.tolist()) == set(range(net.n_nodes))
    assert np.all(g.core_of[g.chain_a] >= 0) and np.all(g.core_of[g.chain_b] >= 0)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("limit", [np.inf, 120.0])
def test_nearest_sites_equal_networkx_on_the_full_network(seed, limit):
    net = _awkward_network(seed)
    sites = _random_sites(net, 5, seed, same_edge=2 if seed % 2 else 0)
    field = nearest_sites(net, sites, limit=limit)
    ref = _reference(net, sites, limit)
    np.testing.assert_allclose(field.dist, ref, rtol=1e-12, atol=1e-9)
    # the named site really is that near
    for i in np.nonzero(np.isfinite(field.dist))[0]:
        alone = _reference(net, sites.take([field.source[i]]))
        assert alone[i] == pytest.approx(field.dist[i], abs=1e-9)
    assert np.all(field.source[~np.isfinite(field.dist)] == -1)


def test_a_ring_without_junctions():
    net = _pure_ring()
    g = build_chain_graph(net.n_nodes, net.u, net.v, net.length)
    assert g.core.size == 1 and g.n_chains == 1
    sites = _random_sites(net, 2, 3)
    np.testing.assert_allclose(nearest_sites(net, sites).dist, _reference(net, sites), atol=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_add_and_remove_equal_a_recompute_bit_for_bit(seed):
    net = _awkward_network(seed)
    sites = _random_sites(net, 6, seed + 100, same_edge=3)
    limit = 150.0
    labels = np.arange(6)
    full = nearest_sites(net, sites, limit=limit)
    # add the last site to the field of the first five
    five = nearest_sites(net, sites.take(labels[:5]), limit=limit)
    added = add_site(net, five, sites.take([5]), 5)
    np.testing.assert_array_equal(added.dist, full.dist)
    # remove sites 1 and 3 (two of those sharing a segment)
    keep = ~np.isin(labels, [1, 3])
    got = remove_sites(net, full, [1, 3], sites.take(keep), labels[keep])
    want = nearest_sites(net, sites.take(keep), limit=limit)
    np.testing.assert_array_equal(got.dist, want.dist)
    ok = np.isfinite(want.dist)
    # the named site is one at that distance (ties may name either)
    relabel = labels[keep][want.source[ok]]
    same = got.source[ok] == relabel
    assert same.mean() > 0.9
    assert np.isinf(remove_sites(net, full, labels, sites.take([]), labels[:0]).dist).all()
    assert isinstance(got, NearestField)


def test_junction_graph_is_much_smaller_on_the_demo_network():
    from planner.demo.county import demo_paths

    net = load_network(demo_paths().network)
    g = net.chains
    assert g.core.size < 0.8 * net.n_nodes
    assert g.csr.nnz <= 2 * g.n_chains

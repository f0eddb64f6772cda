"""The street network as junctions joined by chains (topological simplification).

Most nodes of a walking network are shape points: a node with exactly two
segments only bends the street.  Walks can only change direction at the other
nodes (junctions and dead ends), so shortest paths are searched on the much
smaller **junction graph**: one arc per chain of segments between two
junctions, weighted by the chain's length.  A shape point's distance then
follows exactly from its two chain ends (and from any site on its own chain)::

    d(v) = min(D[a] + off(v),  D[b] + L - off(v),  min over sites s on the chain of access(s) + |pos(s) - off(v)|)

This is what osmnx's ``simplify_graph`` does to a graph, kept as arrays so that
every node of the full network still gets its walking time.  On the synthetic
1 M-node grid 85 % of the nodes are shape points; OpenStreetMap walking
networks typically have well over half.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra


@dataclass(frozen=True, eq=False)
class ChainGraph:
    """A walking network split into junctions and the chains between them.

    Attributes
    ----------
    core : ndarray of int64
        Network node of each junction (position = junction number).
    core_of : ndarray of int64
        Junction number of each network node, -1 for shape points.
    csr : scipy.sparse.csr_matrix
        Junction graph: symmetric, one arc per pair of junctions (the shortest
        chain between them), metres.
    chain_a, chain_b : ndarray of int64
        The network nodes at the two ends of each chain (equal for a loop).
    chain_len : ndarray
        Length of each chain (metres).
    edge_chain : ndarray of int64
        Chain of each network segment.
    edge_off_u, edge_off_v : ndarray
        Position (metres from the chain's ``a`` end) of each segment's ``u`` and
        ``v`` ends.
    inner : ndarray of int64
        The shape points (network nodes on no junction), chain by chain in
        order along each chain.
    inner_chain : ndarray of int64
        Chain of each shape point in ``inner``.
    inner_off : ndarray
        Position of each shape point along its chain.
    inner_ja, inner_jb : ndarray of int
        Junction numbers of each shape point's chain ends (precomputed: the
        spreading step is memory-bound).
    inner_rest : ndarray
        Metres from each shape point to its chain's ``b`` end.
    inner_of : ndarray of int64
        Position in ``inner`` of each network node, -1 for junctions.
    chain_ptr : ndarray of int64
        The shape points of chain ``c`` are ``inner[chain_ptr[c]:chain_ptr[c + 1]]``.
    chain_ja, chain_jb : ndarray of int64
        Junction numbers of each chain's ends.
    """

    core: np.ndarray
    core_of: np.ndarray
    csr: sp.csr_matrix
    chain_a: np.ndarray
    chain_b: np.ndarray
    chain_len: np.ndarray
    edge_chain: np.ndarray
    edge_off_u: np.ndarray
    edge_off_v: np.ndarray
    inner: np.ndarray
    inner_chain: np.ndarray
    inner_off: np.ndarray
    inner_ja: np.ndarray
    inner_jb: np.ndarray
    inner_rest: np.ndarray
    inner_of: np.ndarray
    chain_ptr: np.ndarray
    chain_ja: np.ndarray
    chain_jb: np.ndarray

    @property
    def n_chains(self) -> int:
        """Number of chains."""
        return int(self.chain_len.shape[0])


CHAIN_ARRAYS = tuple(f.name for f in fields(ChainGraph) if f.name != "csr")
"""The array attributes of :class:`ChainGraph` (all but ``csr``), as stored in the network cache."""


def chain_graph_from_arrays(arrays: dict, csr_data: np.ndarray, csr_indices: np.ndarray,
                            csr_indptr: np.ndarray) -> ChainGraph:
    """A :class:`ChainGraph` from its stored arrays (see :data:`CHAIN_ARRAYS`) and its CSR parts.

    Parameters
    ----------
    arrays : dict
        Attribute name -> array, for every name in :data:`CHAIN_ARRAYS`.
    csr_data, csr_indices, csr_indptr : ndarray
        The junction graph's CSR arrays (sorted indices, as built).
    """
    k = csr_indptr.shape[0] - 1
    csr = sp.csr_matrix((csr_data, csr_indices, csr_indptr), shape=(k, k))
    csr.has_sorted_indices = True
    return ChainGraph(csr=csr, **{name: arrays[name] for name in CHAIN_ARRAYS})


def build_chain_graph(n_nodes: int, u: np.ndarray, v: np.ndarray, length: np.ndarray) -> ChainGraph:
    """Split a network into junctions and chains.

    Parameters
    ----------
    n_nodes : int
    u, v : ndarray of int
        Segment end nodes.
    length : ndarray
        Segment lengths (metres, > 0).

    Returns
    -------
    ChainGraph

    Examples
    --------
    A T: a street of three segments (nodes 0-1-2-3) with a side street 2-4:

    >>> import numpy as np
    >>> g = build_chain_graph(5, np.array([0, 1, 2, 2]), np.array([1, 2, 3, 4]),
    ...                       np.array([10.0, 20.0, 30.0, 5.0]))
    >>> g.core.tolist(), g.inner.tolist(), g.inner_off.tolist()
    ([0, 2, 3, 4], [1], [10.0])
    >>> sorted(zip(g.chain_a.tolist(), g.chain_b.tolist(), g.chain_len.tolist()))
    [(0, 2, 30.0), (2, 3, 30.0), (2, 4, 5.0)]
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    length = np.asarray(length, dtype=float)
    m = u.shape[0]
    deg = np.bincount(u, minlength=n_nodes) + np.bincount(v, minlength=n_nodes)
    is_core = deg != 2
    is_core[u[u == v]] = True  # a node with a loop segment is where a walk turns back
    while True:
        label, ends = _chains(n_nodes, u, v, is_core)
        # a ring of shape points with no junction: promote one of its nodes and try again
        n_lab = int(label.max()) + 1 if m else 0
        touched = np.zeros(n_lab, dtype=bool)
        touched[label[ends[:, 0]]] = True
        if touched.all():
            break
        ring_edges = np.nonzero(~touched[label])[0]
        first = np.unique(label[ring_edges], return_index=True)[1]
        is_core[u[ring_edges[first]]] = True

    core = np.nonzero(is_core)[0]
    core_of = np.full(n_nodes, -1, np.int64)
    core_of[core] = np.arange(core.shape[0])

    # each chain has exactly two segment ends on a junction: the first found is its a end
    end_edge, end_side = ends[:, 0], ends[:, 1]
    order = np.lexsort((end_side, end_edge, label[end_edge]))
    end_edge, end_side = end_edge[order], end_side[order]
    end_lab = label[end_edge]
    a_pos, b_pos = 2 * np.arange(n_lab), 2 * np.arange(n_lab) + 1
    assert np.array_equal(end_lab[a_pos], np.arange(n_lab)) and np.array_equal(end_lab[b_pos], np.arange(n_lab))
    ends_uv = np.column_stack([u, v])
    a_edge, a_side = end_edge[a_pos], end_side[a_pos]
    b_edge, b_side = end_edge[b_pos], end_side[b_pos]
    chain_a = ends_uv[a_edge, a_side]
    chain_b = ends_uv[b_edge, b_side]

    # positions of shape points: one search over the shape-point graph, seeded from each chain's
    # a end through its first segment (chains touch each other only at junctions, so a shape
    # point is reached from its own chain's a end only)
    inner = np.nonzero(~is_core)[0]
    inner_of = np.full(n_nodes, -1, np.int64)
    inner_of[inner] = np.arange(inner.shape[0])
    k = inner.shape[0]
    off_inner = np.empty(0)
    if k:
        both = ~is_core[u] & ~is_core[v]
        seed_next = ends_uv[a_edge, 1 - a_side]  # the other end of each chain's first segment
        seeded = ~is_core[seed_next]
        n_seed = int(seeded.sum())
        rows = np.concatenate([inner_of[u[both]], inner_of[v[both]], k + np.arange(n_seed)])
        cols = np.concatenate([inner_of[v[both]], inner_of[u[both]], inner_of[seed_next[seeded]]])
        w = np.concatenate([length[both], length[both], length[a_edge[seeded]]])
        g = sp.csr_matrix((w, (rows, cols)), shape=(k + n_seed, k + n_seed))
        off_inner = dijkstra(g, directed=True, indices=np.arange(k, k + n_seed), min_only=True)[:k]
    inner_chain = np.full(k, -1, np.int64)
    # a shape point's chain: that of any of its segments
    for side in (u, v):
        hit = ~is_core[side]
        inner_chain[inner_of[side[hit]]] = label[hit]

    off_node = np.zeros(n_nodes)
    off_node[inner] = off_inner
    edge_off = np.column_stack([off_node[u], off_node[v]])
    # chain length: the b end's last segment after the shape point before it (or the lone segment)
    b_prev = ends_uv[b_edge, 1 - b_side]
    chain_len = np.where(is_core[b_prev], 0.0, off_node[b_prev]) + length[b_edge]
    edge_off[a_edge, a_side] = 0.0
    edge_off[b_edge, b_side] = chain_len
    # a single-segment chain: the a end is 0, the b end its length (set above, b after a)

    # shape points chain by chain, in order along each chain
    by_chain = np.lexsort((off_inner, inner_chain))
    inner, inner_chain, off_inner = inner[by_chain], inner_chain[by_chain], off_inner[by_chain]
    inner_of = np.full(n_nodes, -1, np.int64)
    inner_of[inner] = np.arange(k)
    chain_ptr = np.concatenate([[0], np.cumsum(np.bincount(inner_chain, minlength=n_lab))]).astype(np.int64)

    ok = chain_a != chain_b  # loops never shorten a walk between junctions
    csr = symmetric_csr(core.shape[0], core_of[chain_a[ok]], core_of[chain_b[ok]], chain_len[ok])
    return ChainGraph(core=core, core_of=core_of, csr=csr, chain_a=chain_a, chain_b=chain_b,
                      chain_len=chain_len, edge_chain=label, edge_off_u=edge_off[:, 0],
                      edge_off_v=edge_off[:, 1], inner=inner, inner_chain=inner_chain, inner_off=off_inner,
                      inner_ja=core_of[chain_a[inner_chain]], inner_jb=core_of[chain_b[inner_chain]],
                      inner_rest=chain_len[inner_chain] - off_inner, inner_of=inner_of, chain_ptr=chain_ptr,
                      chain_ja=core_of[chain_a], chain_jb=core_of[chain_b])


def symmetric_csr(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
    """Symmetric sparse adjacency of undirected arcs, the shortest of any parallel arcs kept.

    Examples
    --------
    >>> import numpy as np
    >>> symmetric_csr(3, np.array([0, 1, 0]), np.array([1, 0, 2]), np.array([5.0, 3.0, 2.0])).toarray().tolist()
    [[0.0, 3.0, 2.0], [3.0, 0.0, 0.0], [2.0, 0.0, 0.0]]
    """
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    data = np.concatenate([w, w])
    # csr sums duplicates: keep only the shortest of parallel arcs first
    order = np.lexsort((data, cols, rows))
    rows, cols, data = rows[order], cols[order], data[order]
    keep = np.ones(rows.shape[0], dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    m = sp.csr_matrix((data[keep], (rows[keep], cols[keep])), shape=(n, n))
    m.sort_indices()
    return m


def _chains(n_nodes: int, u: np.ndarray, v: np.ndarray, is_core: np.ndarray):
    """Chain label of each segment, and the (segment, side) pairs that end on a junction."""
    m = u.shape[0]
    ends = np.concatenate([u, v])
    seg = np.concatenate([np.arange(m), np.arange(m)])
    side = np.concatenate([np.zeros(m, np.int64), np.ones(m, np.int64)])
    inner = ~is_core[ends]
    # a shape point joins its two segments
    order = np.argsort(ends[inner], kind="stable")
    pairs = seg[inner][order].reshape(-1, 2)
    link = sp.csr_matrix((np.ones(pairs.shape[0]), (pairs[:, 0], pairs[:, 1])), shape=(m, m))
    _, label = connected_components(link, directed=False)
    on_core = np.nonzero(~inner)[0]
    return label.astype(np.int64), np.column_stack([seg[on_core], side[on_core]])

"""Snapping points onto streets and multi-source, bounded walking distances.

Distances are computed in metres and turned into minutes only at the edges of
the system (``minutes = metres / speed / 60``), so a change of walking speed
never needs a new search beyond the longest catchment.

A point (facility or demand) is snapped onto the nearest **segment** by
perpendicular projection.  Its walk is: the straight access leg to the street
(at walking speed), then along the segment to either end node, then over the
network.  Facilities become virtual source nodes wired to both ends of their
street, so one call of scipy's compiled Dijkstra gives every node its nearest
facility; two points on the same segment also see the direct stretch between
them.

The search runs on the junction graph (:mod:`planner.engine.chains`: each street
between two junctions is one arc) and every shape point then takes its exact
walk from its street's two ends: the same distances as a search over every
segment, for a fraction of the nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra

from planner._errors import NetworkError
from planner.engine.chains import ChainGraph
from planner.engine.network import MIN_EDGE_LENGTH, WalkNetwork
from planner.settings import DEFAULT_MAX_SNAP

__all__ = ["DEFAULT_MAX_SNAP", "NearestField", "Snapped", "add_site", "nearest_sites", "point_distances",
           "remove_sites", "single_site_distances", "snap_points", "to_metres", "to_minutes"]


@dataclass(frozen=True, eq=False)
class Snapped:
    """Points projected onto network segments.

    Attributes
    ----------
    x, y : ndarray
        The points (metres, network CRS).
    edge : ndarray of int
        Segment each point is snapped to.
    along : ndarray
        Metres from the segment's ``u`` end to the projected point.
    access : ndarray
        Straight distance from the point to the street (metres).
    to_u, to_v : ndarray
        Metres from the point to each segment end, access leg included.
    far : ndarray of bool
        Access leg longer than ``max_snap``: flagged for the user.
    """

    x: np.ndarray
    y: np.ndarray
    edge: np.ndarray
    along: np.ndarray
    access: np.ndarray
    to_u: np.ndarray
    to_v: np.ndarray
    far: np.ndarray
    max_snap: float = DEFAULT_MAX_SNAP

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def take(self, idx) -> Snapped:
        """A subset of the points (positional indices or boolean mask)."""
        return Snapped(self.x[idx], self.y[idx], self.edge[idx], self.along[idx], self.access[idx],
                       self.to_u[idx], self.to_v[idx], self.far[idx], self.max_snap)

    @staticmethod
    def concat(parts: list[Snapped]) -> Snapped:
        """Join several snapped sets in order."""
        keys = ("x", "y", "edge", "along", "access", "to_u", "to_v", "far")
        if not parts:
            e = np.empty(0)
            return Snapped(x=e, y=e, edge=np.empty(0, np.int64), along=e, access=e, to_u=e, to_v=e,
                           far=np.empty(0, bool))
        cat = {k: np.concatenate([getattr(p, k) for p in parts]) for k in keys}
        return Snapped(**cat, max_snap=parts[0].max_snap)


def snap_points(net: WalkNetwork, x, y, *, max_snap: float = DEFAULT_MAX_SNAP) -> Snapped:
    """Project points onto their nearest network segment.

    Parameters
    ----------
    net : WalkNetwork
    x, y : array-like
        Point coordinates in the network CRS (metres).
    max_snap : float
        Points farther than this from any street (metres) are flagged in
        ``far``; they are still snapped so that their walk can be shown.

    Returns
    -------
    Snapped

    Examples
    --------
    A street of two segments along the equator (about 111 m each) and a point
    20 m off the street, 50 m along the first segment:

    >>> from planner.engine.network import network_from_arrays
    >>> net = network_from_arrays([1, 2, 3], [0, 0.001, 0.002], [0, 0, 0], [1, 2], [2, 3],
    ...                           crs="EPSG:32631")
    >>> s = snap_points(net, [net.x[0] + 50], [net.y[0] + 20])
    >>> int(s.edge[0]), round(float(s.access[0]), 1), round(float(s.along[0]), 1)
    (0, 20.0, 50.0)
    >>> round(float(s.to_u[0]), 1), round(float(s.to_v[0]), 1), bool(s.far[0])
    (70.0, 81.4, False)
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    n = x.shape[0]
    if n == 0:
        e = np.empty(0)
        return Snapped(e, e, np.empty(0, np.int64), e, e, e, e, np.empty(0, bool), max_snap)
    if not np.all(np.isfinite(x) & np.isfinite(y)):
        raise NetworkError("points with missing or infinite coordinates cannot be snapped",
                           code="travel_bad_coordinates", params={})
    pts = shapely.points(x, y)
    idx, dist = net.tree.query_nearest(pts, return_distance=True, all_matches=False)
    edge = np.empty(n, dtype=np.int64)
    access = np.empty(n)
    edge[idx[0]] = idx[1]
    access[idx[0]] = dist
    seg_len = net.length[edge]
    along = shapely.line_locate_point(net.segments[edge], pts)
    along = np.clip(along, 0.0, seg_len)
    return Snapped(
        x=x, y=y, edge=edge, along=along, access=access,
        to_u=access + along, to_v=access + (seg_len - along),
        far=access > max_snap, max_snap=max_snap,
    )


@dataclass(frozen=True, eq=False)
class NearestField:
    """Every node's walking distance to its nearest source site.

    Attributes
    ----------
    dist : ndarray
        Metres to the nearest site, ``inf`` beyond ``limit``.
    source : ndarray of int
        Which site (position in the sites) is nearest; -1 where none.
    limit : float
        Search bound (metres).
    """

    dist: np.ndarray
    source: np.ndarray
    limit: float

    @staticmethod
    def empty(n_nodes: int, limit: float) -> NearestField:
        """A field with no sites: everything unreachable."""
        return NearestField(np.full(n_nodes, np.inf), np.full(n_nodes, -1, np.int64), float(limit))


# scipy drops zero-weight arcs: a site exactly on a node is wired MIN_EDGE_LENGTH / 1000 away
_SITE_FLOOR = MIN_EDGE_LENGTH * 1e-3


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[i], starts[i] + 1, ..., starts[i] + counts[i] - 1`` for every i, concatenated."""
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())


def _site_reach(g: ChainGraph, sites: Snapped):
    """Where each site joins its chain.

    Returns the chain, the positions of the site's segment's two ends along the
    chain (``lo`` <= ``hi``) and the walk from the site to each of them.
    """
    e = sites.edge
    ou, ov = g.edge_off_u[e], g.edge_off_v[e]
    fwd = ov >= ou
    t_lo = np.maximum(np.where(fwd, sites.to_u, sites.to_v), _SITE_FLOOR)
    t_hi = np.maximum(np.where(fwd, sites.to_v, sites.to_u), _SITE_FLOOR)
    return g.edge_chain[e], np.minimum(ou, ov), np.maximum(ou, ov), t_lo, t_hi


def _site_arcs(g: ChainGraph, sites: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each site's walk to the junctions at the ends of its chain: (site, junction, metres)."""
    f = len(sites)
    chain, lo, hi, t_lo, t_hi = _site_reach(g, sites)
    to_a = t_lo + lo
    to_b = t_hi + (g.chain_len[chain] - hi)
    ja, jb = g.chain_ja[chain], g.chain_jb[chain]
    loop = ja == jb  # a loop chain: both ways lead to the same junction, keep the shorter
    to_a = np.where(loop, np.minimum(to_a, to_b), to_a)
    site = np.concatenate([np.arange(f), np.arange(f)[~loop]])
    return site, np.concatenate([ja, jb[~loop]]), np.concatenate([to_a, to_b[~loop]])


def _junction_search(g: ChainGraph, sites: Snapped, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounded multi-source search on the junction graph: distance and nearest site per junction."""
    k = g.core.shape[0]
    f = len(sites)
    site, junction, w = _site_arcs(g, sites)
    # the junction graph plus one row per site (its arcs only), stacked without copying checks
    base = g.csr
    order = np.argsort(site, kind="stable")
    indptr = np.concatenate([base.indptr, base.indptr[-1] + np.cumsum(np.bincount(site, minlength=f))])
    aug = sp.csr_matrix((np.concatenate([base.data, w[order]]),
                         np.concatenate([base.indices, junction[order].astype(base.indices.dtype)]),
                         indptr), shape=(k + f, k + f))
    dist, _, src = dijkstra(aug, directed=True, indices=np.arange(k, k + f), min_only=True,
                            limit=limit, return_predecessors=True)
    src = src[:k].astype(np.int64)
    src[src >= 0] -= k
    return dist[:k], src


def _spread_to_nodes(g: ChainGraph, n_nodes: int, jdist: np.ndarray, jsrc: np.ndarray,
                     sites: Snapped, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Every node's distance and site from its junctions' distances."""
    # only chains with a reached end (or a site on them) can hold reached shape points; when few
    # are reached, spreading to those alone saves passes over every node
    reached = jdist <= limit
    live = _live_chains(g, reached, sites)
    which = _chain_members(g, np.flatnonzero(live)) if live.mean() < 0.4 else None
    d_in, s_in = _shape_points(g, jdist, jsrc, sites, np.arange(len(sites)), which)
    over = ~(d_in <= limit)
    d_in[over] = np.inf
    s_in[over] = -1
    if which is None:
        dist = np.empty(n_nodes)
        source = np.empty(n_nodes, np.int64)
        dist[g.inner] = d_in
        source[g.inner] = s_in
    else:
        dist = np.full(n_nodes, np.inf)
        source = np.full(n_nodes, -1, np.int64)
        nodes = g.inner[which]
        dist[nodes] = d_in
        source[nodes] = s_in
    dist[g.core] = jdist
    source[g.core] = np.where(reached, jsrc, -1)
    return dist, source


def _live_chains(g: ChainGraph, reached: np.ndarray, sites: Snapped) -> np.ndarray:
    """Chains that can hold reached shape points: a reached end, or a site on them (mask)."""
    live = reached[g.chain_ja] | reached[g.chain_jb]
    live[g.edge_chain[sites.edge]] = True
    return live


def _chain_members(g: ChainGraph, chains: np.ndarray) -> np.ndarray:
    """Positions (in ``g.inner``) of the shape points of the given chains."""
    starts = g.chain_ptr[chains]
    return _ranges(starts, g.chain_ptr[chains + 1] - starts)


def _shape_points(g: ChainGraph, jdist: np.ndarray, jsrc: np.ndarray, sites: Snapped,
                  labels: np.ndarray, which: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distance and site label of shape points (``g.inner[which]``, all by default).

    Exact: a shape point is left only through its chain's two ends, or reached
    straight along the chain from a site on it.  Not yet bounded by the limit.
    """
    if which is None:
        ja, jb, off, rest, c = g.inner_ja, g.inner_jb, g.inner_off, g.inner_rest, g.inner_chain
    else:
        ja, jb, off, rest, c = (a.take(which) for a in (g.inner_ja, g.inner_jb, g.inner_off, g.inner_rest,
                                                         g.inner_chain))
    # memory-bound over most of the nodes: gather with take, combine in place
    d_in = jdist.take(ja)
    d_in += off
    via_b = jdist.take(jb)
    via_b += rest
    b_wins = via_b < d_in
    np.minimum(d_in, via_b, out=d_in)
    s_in = jsrc.take(ja)
    np.copyto(s_in, jsrc.take(jb), where=b_wins)
    if len(sites):
        _same_chain(g, sites, labels, c, off, d_in, s_in)
    return d_in, s_in


def _same_chain(g: ChainGraph, sites: Snapped, labels: np.ndarray, c: np.ndarray, off: np.ndarray,
                d_in: np.ndarray, s_in: np.ndarray) -> None:
    """Shape points (chain ``c``, position ``off``) reached straight along their own chain from a site.

    Updates ``d_in``/``s_in`` in place.
    """
    chain, lo, hi, t_lo, t_hi = _site_reach(g, sites)
    mark = np.zeros(g.n_chains, dtype=bool)
    mark[chain] = True
    cand = np.nonzero(mark[c])[0]
    if cand.size == 0:
        return
    order = np.argsort(chain, kind="stable")
    s_chain = chain[order]
    first = np.searchsorted(s_chain, c[cand], side="left")
    counts = np.searchsorted(s_chain, c[cand], side="right") - first
    p_rep = np.repeat(cand, counts)
    s_rep = order[_ranges(first, counts)]
    q = off[p_rep]
    direct = np.minimum(t_lo[s_rep] + np.abs(lo[s_rep] - q), t_hi[s_rep] + np.abs(q - hi[s_rep]))
    # the nearest of the chain's sites for each shape point
    by = np.lexsort((direct, p_rep))
    best = np.unique(p_rep[by], return_index=True)[1]
    p_rep, s_rep, direct = p_rep[by][best], s_rep[by][best], direct[by][best]
    better = direct < d_in[p_rep]
    d_in[p_rep[better]] = direct[better]
    s_in[p_rep[better]] = labels[s_rep[better]]


def nearest_sites(net: WalkNetwork, sites: Snapped, *, limit: float = np.inf) -> NearestField:
    """Multi-source bounded shortest paths from all sites at once.

    The search runs on the junction graph (:attr:`WalkNetwork.chains`) with one
    virtual source per site wired to the ends of its chain; shape points then
    take their distance from their chain's ends.  The result equals a search
    over every segment (tested against networkx and scipy on the full graph).

    Parameters
    ----------
    net : WalkNetwork
    sites : Snapped
        The source sites (e.g. the facilities of one type).
    limit : float
        Do not search beyond this many metres (``inf`` for no bound).

    Returns
    -------
    NearestField

    Examples
    --------
    >>> import numpy as np
    >>> from planner.engine.network import network_from_arrays
    >>> net = network_from_arrays([1, 2, 3], [0, 0.001, 0.002], [0, 0, 0], [1, 2], [2, 3], crs="EPSG:32631")
    >>> f = nearest_sites(net, snap_points(net, [net.x[0]], [net.y[0]]))
    >>> np.round(f.dist, 1).tolist() == np.round(net.x - net.x[0], 1).tolist()
    True
    """
    n = net.n_nodes
    if len(sites) == 0:
        return NearestField.empty(n, limit)
    g = net.chains
    jdist, jsrc = _junction_search(g, sites, limit)
    dist, source = _spread_to_nodes(g, n, jdist, jsrc, sites, limit)
    return NearestField(dist, source, float(limit))


def _single_site_reach(net: WalkNetwork, site: Snapped, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """The nodes one site reaches within ``limit`` and their distances (sparse).

    The same junction search as :func:`nearest_sites` (so the sums are the
    same, bit for bit), then only the chains at the reached junctions and the
    site's own chain are spread to their shape points.
    """
    g = net.chains
    jdist, _ = _junction_search(g, site, limit)
    reached = np.isfinite(jdist)
    which = _chain_members(g, np.flatnonzero(_live_chains(g, reached, site)))
    no_labels = np.zeros(jdist.shape, np.int64)
    d_in, _ = _shape_points(g, jdist, no_labels, site, np.zeros(1, np.int64), which)
    ok = d_in <= limit
    nodes = np.concatenate([g.core[reached], g.inner[which[ok]]])
    return nodes, np.concatenate([jdist[reached], d_in[ok]])


def single_site_distances(net: WalkNetwork, site: Snapped, *, limit: float = np.inf) -> np.ndarray:
    """Node distances (metres) from one site by one bounded search; ``inf`` beyond ``limit``."""
    nodes, d = _single_site_reach(net, site.take([0]), limit)
    out = np.full(net.n_nodes, np.inf)
    out[nodes] = d
    return out


def add_site(net: WalkNetwork, field: NearestField, site: Snapped, site_index: int) -> NearestField:
    """The field after adding one site: one bounded search, then an element-wise minimum.

    Parameters
    ----------
    field : NearestField
        The current field (not modified).
    site : Snapped
        The new site (length 1).
    site_index : int
        The number recorded in ``source`` where the new site is nearest.
    """
    nodes, d = _single_site_reach(net, site.take([0]), field.limit)
    better = d < field.dist[nodes]
    dist = field.dist.copy()
    source = field.source.copy()
    dist[nodes[better]] = d[better]
    source[nodes[better]] = site_index
    return NearestField(dist, source, field.limit)


def remove_sites(net: WalkNetwork, field: NearestField, removed, sites: Snapped,
                 labels) -> NearestField:
    """The field after removing sites: only the junctions and nodes they served are searched again.

    A node whose nearest site stays keeps its distance (removing sites can only
    lengthen walks, and its walk is still there).  The junctions served by a
    removed site form a region; its new distances come from one bounded
    multi-source search on the junction graph confined to the region, seeded
    from the junctions just outside it (their distance plus the connecting
    chain) and from the remaining sites on chains that end inside it.  That is
    exactly what a full recompute gives: every shortest walk into the region
    enters it once, from outside or straight from a site, and then stays
    inside.  The shape points the removed sites served then take their
    distance from their chain's ends, as in :func:`nearest_sites`.

    Parameters
    ----------
    field : NearestField
        The current field; ``source`` holds the sites' labels (not modified).
    removed : array-like of int
        Labels of the sites to remove.
    sites : Snapped
        The sites that remain (any order).
    labels : array-like of int
        The label of each remaining site, as used in ``field.source``.

    Returns
    -------
    NearestField
        Same labels as ``field``; distances equal to a full recompute from
        the remaining sites (where two sites are equally near, either may be
        named).
    """
    removed = np.atleast_1d(np.asarray(removed, dtype=np.int64))
    labels = np.atleast_1d(np.asarray(labels, dtype=np.int64))
    lost = np.flatnonzero(field.source == removed[0]) if removed.size == 1 else (
        np.flatnonzero(np.isin(field.source, removed)))
    dist = field.dist.copy()
    source = field.source.copy()
    if lost.size == 0:
        return NearestField(dist, source, field.limit)
    g = net.chains
    region = g.core_of[lost]
    region = region[region >= 0]
    jdist, jsrc = _region_search(g, field, region, sites, labels)
    which = g.inner_of[lost]
    which = which[which >= 0]
    d_in, s_in = _shape_points(g, jdist, jsrc, sites, labels, which)
    over = ~(d_in <= field.limit)
    d_in[over] = np.inf
    s_in[over] = -1
    dist[g.core[region]] = jdist[region]
    source[g.core[region]] = jsrc[region]
    dist[g.inner[which]] = d_in
    source[g.inner[which]] = s_in
    return NearestField(dist, source, field.limit)


def _region_search(g: ChainGraph, field: NearestField, region: np.ndarray, sites: Snapped,
                   labels: np.ndarray):
    """All junctions' distances and labels after a removal; ``region`` lists the junctions to redo."""
    jdist = field.dist[g.core]
    jsrc = field.source[g.core]
    jdist[region] = np.inf
    jsrc[region] = -1
    if region.size == 0:
        return jdist, jsrc
    k = region.size
    local = np.full(g.core.shape[0], -1, np.int64)
    local[region] = np.arange(k)
    csr = g.csr
    starts = csr.indptr[region]
    counts = csr.indptr[region + 1] - starts
    row = np.repeat(np.arange(k), counts)
    arc = _ranges(starts, counts)
    col = csr.indices[arc]
    w = csr.data[arc]
    inside = local[col] >= 0
    # seeds: a junction just outside reaches its region neighbour over the chain between them ...
    out_ok = ~inside & np.isfinite(jdist[col])
    seed_to = [row[out_ok]]
    seed_w = [jdist[col[out_ok]] + w[out_ok]]
    seed_label = [jsrc[col[out_ok]]]
    # ... and a remaining site reaches the ends of its own chain directly
    if len(sites):
        site, junction, sw = _site_arcs(g, sites)
        hit = local[junction] >= 0
        seed_to.append(local[junction[hit]])
        seed_w.append(sw[hit])
        seed_label.append(labels[site[hit]])
    s_to = np.concatenate(seed_to)
    s_w = np.concatenate(seed_w)
    s_label = np.concatenate(seed_label)
    keep = s_w <= field.limit
    s_to, s_w, s_label = s_to[keep], s_w[keep], s_label[keep]
    if s_to.size == 0:
        return jdist, jsrc
    m = s_to.size
    # one virtual node per seed (rows k..k+m-1), wired to its region junction
    rows = np.concatenate([row[inside], k + np.arange(m)])
    cols = np.concatenate([local[col[inside]], s_to])
    data = np.concatenate([w[inside], s_w])
    sub = sp.csr_matrix((data, (rows, cols)), shape=(k + m, k + m))
    d, _, src = dijkstra(sub, directed=True, indices=np.arange(k, k + m), min_only=True,
                         limit=field.limit, return_predecessors=True)
    d = d[:k]
    ok = np.isfinite(d)
    jdist[region[ok]] = d[ok]
    jsrc[region[ok]] = s_label[src[:k][ok] - k]
    return jdist, jsrc


def point_distances(
    net: WalkNetwork, field: NearestField, points: Snapped, sites: Snapped
) -> tuple[np.ndarray, np.ndarray]:
    """Walking distance (metres) of each point to its nearest site, and which site.

    Combines the node field with the point's own segment: via either end node,
    or directly along the segment when a site sits on the same one.

    Returns
    -------
    dist : ndarray
        Metres, ``inf`` where no site is within the field's limit.
    source : ndarray of int
        Position of the nearest site in ``sites``, -1 where none.

    Examples
    --------
    One site at the west end of a 223 m street; a home 30 m off its east end
    and one 10 m past its middle node:

    >>> import numpy as np
    >>> from planner.engine.network import network_from_arrays
    >>> net = network_from_arrays([1, 2, 3], [0, 0.001, 0.002], [0, 0, 0], [1, 2], [2, 3],
    ...                           crs="EPSG:32631")
    >>> site = snap_points(net, [net.x[0]], [net.y[0]])
    >>> field = nearest_sites(net, site)
    >>> homes = snap_points(net, [net.x[2], net.x[1] + 10], [net.y[2] + 30, net.y[1]])
    >>> dist, which = point_distances(net, field, homes, site)
    >>> np.round(dist).tolist(), which.tolist()
    ([253.0, 121.0], [0, 0])
    """
    u = net.u.take(points.edge)
    v = net.v.take(points.edge)
    dist = field.dist.take(u)
    dist += points.to_u
    via_v = field.dist.take(v)
    via_v += points.to_v
    v_wins = via_v < dist
    np.minimum(dist, via_v, out=dist)
    source = field.source.take(u)
    np.copyto(source, field.source.take(v), where=v_wins)
    if len(sites) and len(points):
        dist, source = _same_edge(points, sites, dist, source)
    out = ~(dist <= field.limit)  # beyond the bound, or not reached at all
    np.putmask(dist, out, np.inf)
    np.putmask(source, out, -1)
    return dist, source.astype(np.int64, copy=False)


def _same_edge(points: Snapped, sites: Snapped, dist: np.ndarray, source: np.ndarray):
    """Direct walk along a shared segment (point and site on the same one)."""
    # few points share a segment with a site: find them with one gather, then search only those
    mark = np.zeros(int(max(points.edge.max(), sites.edge.max())) + 1, dtype=bool)
    mark[sites.edge] = True
    cand = np.nonzero(mark[points.edge])[0]
    if cand.size == 0:
        return dist, source
    order = np.argsort(sites.edge, kind="stable")
    s_edge = sites.edge[order]
    lo_c = np.searchsorted(s_edge, points.edge[cand], side="left")
    hi_c = np.searchsorted(s_edge, points.edge[cand], side="right")
    ok = hi_c > lo_c
    has = cand[ok]
    lo = np.zeros(points.x.shape[0], np.int64)
    hi = np.zeros(points.x.shape[0], np.int64)
    lo[has], hi[has] = lo_c[ok], hi_c[ok]
    dist = dist.copy()
    source = source.copy()
    counts = hi[has] - lo[has]
    p_rep = np.repeat(has, counts)
    s_rep = order[_ranges(lo[has], counts)]
    direct = points.access[p_rep] + sites.access[s_rep] + np.abs(points.along[p_rep] - sites.along[s_rep])
    # best per point among its same-edge sites
    best = np.full(points.x.shape[0], np.inf)
    np.minimum.at(best, p_rep, direct)
    winner = np.full(points.x.shape[0], -1, np.int64)
    hit = direct <= best[p_rep]
    winner[p_rep[hit]] = s_rep[hit]
    improve = best < dist
    dist[improve] = best[improve]
    source[improve] = winner[improve]
    return dist, source


def to_minutes(metres, speed_mps: float) -> np.ndarray:
    """Metres → walking minutes at ``speed_mps``.

    Examples
    --------
    >>> float(to_minutes(900, 1.0))
    15.0
    >>> to_minutes([450, 900], 1.0).tolist()
    [7.5, 15.0]
    """
    return np.asarray(metres, dtype=float) / float(speed_mps) / 60.0


def to_metres(minutes, speed_mps: float) -> np.ndarray:
    """Walking minutes → metres at ``speed_mps``.

    Examples
    --------
    >>> float(to_metres(15, 0.8))
    720.0
    """
    return np.asarray(minutes, dtype=float) * float(speed_mps) * 60.0

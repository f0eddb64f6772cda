"""Snapping points onto streets and multi-source, bounded walking distances.

Distances are computed in metres and turned into minutes only at the edges of
the system (``minutes = metres / speed / 60``), so a change of walking speed
never needs a new search beyond the longest catchment.

A point (facility or demand) is snapped onto the nearest **segment** by
perpendicular projection.  Its walk is: the straight access leg to the street
(at walking speed), then along the segment to either end node, then over the
network.  Facilities become virtual source nodes wired to both ends of their
segment, so one call of scipy's compiled Dijkstra gives every node its nearest
facility; two points on the same segment also see the direct stretch between
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra

from planner._errors import NetworkError
from planner.network import MIN_EDGE_LENGTH, WalkNetwork

DEFAULT_MAX_SNAP = 300.0  # metres from the nearest street before a point is flagged


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
        if not parts:
            return Snapped(*(np.empty(0) for _ in range(2)), np.empty(0, np.int64),
                           *(np.empty(0) for _ in range(4)), np.empty(0, bool))
        cat = [np.concatenate([getattr(p, k) for p in parts]) for k in
               ("x", "y", "edge", "along", "access", "to_u", "to_v", "far")]
        return Snapped(*cat, parts[0].max_snap)


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

    >>> from planner.network import network_from_arrays
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
        raise NetworkError("points with missing or infinite coordinates cannot be snapped")
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


def _source_arcs(net: WalkNetwork, sites: Snapped, first_row: int) -> sp.csr_matrix:
    """Arcs from one virtual node per site (rows ``first_row``...) to its segment's ends."""
    f = len(sites)
    rows = np.repeat(np.arange(f), 2)
    cols = np.column_stack([net.u[sites.edge], net.v[sites.edge]]).ravel()
    w = np.maximum(np.column_stack([sites.to_u, sites.to_v]).ravel(), MIN_EDGE_LENGTH * 1e-3)
    n = net.n_nodes
    return sp.csr_matrix((w, (rows, cols)), shape=(f, n + f))


def nearest_sites(net: WalkNetwork, sites: Snapped, *, limit: float = np.inf) -> NearestField:
    """Multi-source bounded shortest paths from all sites at once.

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
    >>> from planner.network import network_from_arrays
    >>> net = network_from_arrays([1, 2, 3], [0, 0.001, 0.002], [0, 0, 0], [1, 2], [2, 3], crs="EPSG:32631")
    >>> f = nearest_sites(net, snap_points(net, [net.x[0]], [net.y[0]]))
    >>> np.round(f.dist, 1).tolist() == np.round(net.x - net.x[0], 1).tolist()
    True
    """
    n = net.n_nodes
    if len(sites) == 0:
        return NearestField.empty(n, limit)
    f = len(sites)
    base = net.csr
    # augmented graph: the network plus one virtual row per site (outgoing arcs only)
    base_wide = sp.csr_matrix((base.data, base.indices, base.indptr), shape=(n, n + f))
    aug = sp.vstack([base_wide, _source_arcs(net, sites, n)], format="csr")
    dist, _, src = dijkstra(aug, directed=True, indices=np.arange(n, n + f), min_only=True,
                            limit=limit, return_predecessors=True)
    dist = dist[:n]
    source = src[:n].astype(np.int64)
    source[source >= 0] -= n
    source[~np.isfinite(dist)] = -1
    return NearestField(dist, source, float(limit))


def single_site_distances(net: WalkNetwork, site: Snapped, *, limit: float = np.inf) -> np.ndarray:
    """Node distances (metres) from one site by one bounded search; ``inf`` beyond ``limit``."""
    e = int(site.edge[0])
    ends = np.array([net.u[e], net.v[e]])
    # the same tiny positive wiring as nearest_sites, so that adding a site equals a recompute
    off = np.maximum(np.array([site.to_u[0], site.to_v[0]]), MIN_EDGE_LENGTH * 1e-3)
    reach = limit - off.min()
    if reach < 0:
        return np.full(net.n_nodes, np.inf)
    # the adjacency is symmetric: a directed search gives the same walks without scipy
    # building the transpose on every call
    d = dijkstra(net.csr, directed=True, indices=ends, limit=reach)
    out = np.minimum(d[0] + off[0], d[1] + off[1])
    out[out > limit] = np.inf
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
    d = single_site_distances(net, site, limit=field.limit)
    better = d < field.dist
    dist = field.dist.copy()
    source = field.source.copy()
    dist[better] = d[better]
    source[better] = site_index
    return NearestField(dist, source, field.limit)


def remove_sites(net: WalkNetwork, field: NearestField, removed, sites: Snapped,
                 labels) -> NearestField:
    """The field after removing sites: only the nodes they served are searched again.

    A node whose nearest site stays keeps its distance (removing sites can only
    lengthen walks, and its walk is still there).  The nodes served by a
    removed site form a region; its new distances come from one bounded
    multi-source search confined to the region, seeded from the neighbours
    just outside it (their distance plus the connecting segment) and from
    the remaining sites on segments that end inside it.  That is exactly what
    a full recompute gives: every shortest walk into the region enters it
    once, from outside or straight from a site, and then stays inside.

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
    region = np.nonzero(np.isin(field.source, removed))[0]
    dist = field.dist.copy()
    source = field.source.copy()
    if region.size == 0:
        return NearestField(dist, source, field.limit)
    n = net.n_nodes
    k = region.size
    local = np.full(n, -1, np.int64)
    local[region] = np.arange(k)
    csr = net.csr
    starts = csr.indptr[region]
    counts = csr.indptr[region + 1] - starts
    row = np.repeat(np.arange(k), counts)
    arc = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    col = csr.indices[arc]
    w = csr.data[arc]
    inside = local[col] >= 0
    # seeds: a node just outside reaches its region neighbour over the shared segment ...
    out_ok = ~inside & np.isfinite(field.dist[col])
    seed_to = [row[out_ok]]
    seed_w = [field.dist[col[out_ok]] + w[out_ok]]
    seed_label = [field.source[col[out_ok]]]
    # ... and a remaining site reaches the ends of its own segment directly
    if len(sites):
        ends = np.column_stack([net.u[sites.edge], net.v[sites.edge]]).ravel()
        off = np.maximum(np.column_stack([sites.to_u, sites.to_v]).ravel(), MIN_EDGE_LENGTH * 1e-3)
        lab = np.repeat(labels, 2)
        hit = local[ends] >= 0
        seed_to.append(local[ends[hit]])
        seed_w.append(off[hit])
        seed_label.append(lab[hit])
    s_to = np.concatenate(seed_to)
    s_w = np.concatenate(seed_w)
    s_label = np.concatenate(seed_label)
    keep = s_w <= field.limit
    s_to, s_w, s_label = s_to[keep], s_w[keep], s_label[keep]
    dist[region] = np.inf
    source[region] = -1
    if s_to.size == 0:
        return NearestField(dist, source, field.limit)
    m = s_to.size
    # one virtual node per seed (rows k..k+m-1), wired to its region node
    rows = np.concatenate([row[inside], k + np.arange(m)])
    cols = np.concatenate([local[col[inside]], s_to])
    data = np.concatenate([w[inside], s_w])
    g = sp.csr_matrix((data, (rows, cols)), shape=(k + m, k + m))
    d, _, src = dijkstra(g, directed=True, indices=np.arange(k, k + m), min_only=True,
                         limit=field.limit, return_predecessors=True)
    d = d[:k]
    ok = np.isfinite(d)
    dist[region[ok]] = d[ok]
    source[region[ok]] = s_label[src[:k][ok] - k]
    return NearestField(dist, source, field.limit)


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
    >>> from planner.network import network_from_arrays
    >>> net = network_from_arrays([1, 2, 3], [0, 0.001, 0.002], [0, 0, 0], [1, 2], [2, 3],
    ...                           crs="EPSG:32631")
    >>> site = snap_points(net, [net.x[0]], [net.y[0]])
    >>> field = nearest_sites(net, site)
    >>> homes = snap_points(net, [net.x[2], net.x[1] + 10], [net.y[2] + 30, net.y[1]])
    >>> dist, which = point_distances(net, field, homes, site)
    >>> np.round(dist).tolist(), which.tolist()
    ([253.0, 121.0], [0, 0])
    """
    u = net.u[points.edge]
    v = net.v[points.edge]
    via_u = field.dist[u] + points.to_u
    via_v = field.dist[v] + points.to_v
    dist = np.minimum(via_u, via_v)
    source = np.where(via_u <= via_v, field.source[u], field.source[v])
    if len(sites) and len(points):
        dist, source = _same_edge(points, sites, dist, source)
    over = dist > field.limit
    dist[over] = np.inf
    source[over | ~np.isfinite(dist)] = -1
    return dist, source.astype(np.int64)


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
    offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    s_rep = order[np.repeat(lo[has], counts) + offs]
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

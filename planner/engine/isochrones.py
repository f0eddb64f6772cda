"""Service-area polygons from the reached street segments.

A service area is the set of street stretches reachable within the walk,
including the partly reached last stretch of each segment, buffered modestly
(default 25 m, about half a street's width plus frontage).  It is never a convex
hull or a circle: those leap rivers, railways and fenced blocks.
"""

from __future__ import annotations

import numpy as np
import shapely

from planner.engine.network import WalkNetwork
from planner.engine.travel import Snapped

DEFAULT_BUFFER = 25.0  # metres around reached streets
DEFAULT_TILE = 1000.0  # metres: dissolve tile by tile first (faster on large areas)


def reached_pieces(net: WalkNetwork, dist: np.ndarray, limit: float,
                   sites: Snapped | None = None, *, edges: np.ndarray | None = None) -> np.ndarray:
    """Straight line pieces of the network within ``limit`` metres.

    Parameters
    ----------
    net : WalkNetwork
    dist : ndarray
        Node distances (metres) to the nearest site; ``inf`` where unreached.
    limit : float
        The walk (metres).
    sites : Snapped, optional
        The sites themselves: their own segment is reached from the site in
        both directions, and their access leg is included.
    edges : ndarray of bool, optional
        Only these segments (the sites' own stretches are always included).

    Returns
    -------
    ndarray of LineString
    """
    u, v, ln = net.u, net.v, net.length
    ru = limit - dist[u]
    rv = limit - dist[v]
    full = (ru >= 0) & (rv >= 0) & (ru + rv >= ln)
    only = np.ones(ln.size, dtype=bool) if edges is None else np.asarray(edges, dtype=bool)
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    which: list[np.ndarray] = []
    idx = np.nonzero(full & only)[0]
    which.append(idx)
    starts.append(np.zeros(idx.size))
    ends.append(ln[idx])
    part_u = ~full & (ru > 0) & only
    idx = np.nonzero(part_u)[0]
    which.append(idx)
    starts.append(np.zeros(idx.size))
    ends.append(np.minimum(ru[idx], ln[idx]))
    part_v = ~full & (rv > 0) & only
    idx = np.nonzero(part_v)[0]
    which.append(idx)
    starts.append(ln[idx] - np.minimum(rv[idx], ln[idx]))
    ends.append(ln[idx])
    extra = []
    if sites is not None and len(sites):
        r = limit - sites.access
        ok = r >= 0
        e = sites.edge[ok]
        which.append(e)
        starts.append(np.maximum(sites.along[ok] - r[ok], 0.0))
        ends.append(np.minimum(sites.along[ok] + r[ok], ln[e]))
        # the access leg from the site to the street
        t = sites.along[ok] / ln[e]
        px = net.x[u[e]] + (net.x[v[e]] - net.x[u[e]]) * t
        py = net.y[u[e]] + (net.y[v[e]] - net.y[u[e]]) * t
        legs = np.stack([np.column_stack([sites.x[ok], sites.y[ok]]), np.column_stack([px, py])], axis=1)
        extra.append(shapely.linestrings(legs))
    e = np.concatenate(which).astype(np.int64)
    s = np.concatenate(starts)
    t1 = np.concatenate(ends)
    keep = t1 > s
    e, s, t1 = e[keep], s[keep], t1[keep]
    ux, uy = net.x[u[e]], net.y[u[e]]
    dx, dy = (net.x[v[e]] - ux) / ln[e], (net.y[v[e]] - uy) / ln[e]
    coords = np.stack([np.column_stack([ux + dx * s, uy + dy * s]),
                       np.column_stack([ux + dx * t1, uy + dy * t1])], axis=1)
    pieces = shapely.linestrings(coords) if e.size else np.empty(0, dtype=object)
    if extra:
        pieces = np.concatenate([pieces, *extra])
    return pieces


def service_area(net: WalkNetwork, dist: np.ndarray, limit: float, *, sites: Snapped | None = None,
                 buffer: float = DEFAULT_BUFFER, quad_segs: int = 4, tile: float | None = DEFAULT_TILE):
    """One service-area polygon: the reached pieces buffered and dissolved.

    Parameters
    ----------
    tile : float or None
        Dissolve tile by tile (squares of this many metres), then the tiles
        together: the same polygon, about a third faster on large areas than
        one dissolve of everything.  ``None`` dissolves everything at once.

    Returns
    -------
    shapely Polygon or MultiPolygon (empty when nothing is reached), in the network CRS.
    """
    pieces = _merged(reached_pieces(net, dist, limit, sites))
    if pieces.size == 0:
        return shapely.Polygon()
    polys = shapely.buffer(pieces, buffer, quad_segs=quad_segs)
    if tile is None or pieces.size < 2000:
        return shapely.union_all(polys)
    return _tiled_union(pieces, polys, float(tile))


def _merged(pieces: np.ndarray) -> np.ndarray:
    """Pieces joined into longer lines where they meet end to end (fewer, cheaper buffers).

    The buffer of a joined line is the union of its pieces' buffers (round
    joins and caps), so the polygon is the same up to the arc approximation;
    it is about twice as fast to build.
    """
    if pieces.size < 2:
        return pieces
    return shapely.get_parts(shapely.line_merge(shapely.multilinestrings(pieces)))


def grow_service_area(net: WalkNetwork, old_area, old_dist: np.ndarray, new_dist: np.ndarray,
                      limit: float, *, sites: Snapped | None = None, buffer: float = DEFAULT_BUFFER,
                      quad_segs: int = 4):
    """The service area after sites were added: the old polygon plus what the new walks reach.

    Adding sites only shortens walks, so a segment whose two end distances did
    not change is reached exactly as before, and is already inside
    ``old_area``; only the segments touching a node whose distance shrank (and
    the sites' own stretches) are buffered and joined to it.  The result is the
    polygon :func:`service_area` gives for ``new_dist`` (up to the dissolve's
    rounding), at a cost that grows with the new site's reach, not with the
    whole area.

    Parameters
    ----------
    old_area : shapely geometry
        :func:`service_area` of ``old_dist`` (same ``limit`` and ``buffer``).
    old_dist, new_dist : ndarray
        Node distances before and after; ``new_dist <= old_dist`` everywhere.
    sites : Snapped, optional
        The sites now (or just the added ones).

    Raises
    ------
    ValueError
        If a distance grew (a site was removed or moved): recompute instead.
    """
    if np.any(new_dist > old_dist):
        raise ValueError("distances grew: a site was removed or moved; use service_area")
    changed = new_dist < old_dist
    pieces = _merged(reached_pieces(net, new_dist, limit, sites, edges=changed[net.u] | changed[net.v]))
    if pieces.size == 0:
        return old_area
    polys = shapely.buffer(pieces, buffer, quad_segs=quad_segs)
    return shapely.union_all(np.concatenate([np.array([old_area], dtype=object), polys]))


def _tiled_union(pieces: np.ndarray, polys: np.ndarray, tile: float):
    """Union of ``polys`` grouped by the tile of their piece's first point."""
    xy = shapely.get_coordinates(shapely.get_point(pieces, 0))
    cell = np.floor(xy / tile).astype(np.int64)
    key = (cell[:, 0] - cell[:, 0].min()) * (int(cell[:, 1].max() - cell[:, 1].min()) + 1) + (
        cell[:, 1] - cell[:, 1].min())
    order = np.argsort(key, kind="stable")
    k = key[order]
    cuts = np.r_[0, np.nonzero(k[1:] != k[:-1])[0] + 1, k.size]
    parts = [shapely.union_all(polys[order[a:b]]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    return shapely.union_all(np.array(parts, dtype=object))


def service_areas(net: WalkNetwork, dist: np.ndarray, limits: list[float], *,
                  sites: Snapped | None = None, buffer: float = DEFAULT_BUFFER) -> list:
    """Service-area polygons for several walks (e.g. 5, 10 and 15 minutes in metres)."""
    return [service_area(net, dist, float(lim), sites=sites, buffer=buffer) for lim in limits]

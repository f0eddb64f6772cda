"""Turning survey line work into a routable walking graph.

Road centre lines drawn for a land survey or a master plan are pictures, not
graphs: streets cross without a shared vertex, an end stops a little short of
the street it meets, one polyline runs through several junctions, and a bridge
crosses the street below it.  :func:`node_lines` makes a graph of straight
segments out of such lines:

* lines at the same level are split where they cross (a new shared vertex);
* a line end within ``tolerance`` metres of another line is joined to it (the
  other line is split at the nearest point and a short connector added);
* every vertex is a node, so a polyline running through junctions is split at
  each of them;
* lines at different levels (bridge, tunnel, ``layer``) get no junction where
  they cross: only line *ends* connect across levels (a bridge lands on the
  street at its ends).

Everything is vectorised (an :class:`shapely.STRtree` for the candidate pairs,
numpy for the geometry); 100 k segments take 2–4 s on 2 cores (see
``benchmarks/bench_readers.py``).

:func:`coverage_gaps` reports the other kind of defect, missing streets:
units with population but no street within the snap distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from planner.text import tr

__all__ = ["NodedLines", "NodingReport", "coverage_gaps", "node_lines"]

DEFAULT_TOLERANCE = 1.0
"""Metres within which a line end is joined to another line."""

_EPS = 1e-6  # metres: a crossing this close to a segment end is at that end
_GRID = 1e-4  # metres: vertices closer than this (same level) are one node
_ANY_LEVEL = np.iinfo(np.int64).min  # the level of a node where a line ends: joins every level
_OWN_LINE = 10.0  # an end is not joined to its own line within this many tolerances along it


@dataclass(frozen=True)
class NodingReport:
    """What :func:`node_lines` changed.

    Attributes
    ----------
    n_lines : int
        Lines (single parts) noded.
    crossings_split : int
        Crossings of lines at the same level without a shared vertex, now junctions.
    ends_joined : int
        Line ends that stopped short of (or overshot) another line, joined to it.
    junction_splits : int
        Places where a polyline ran through a junction (split there).
    level_crossings : int
        Crossings of lines at different levels, left without a junction.
    tolerance : float
        The join tolerance used (metres).
    """

    n_lines: int
    crossings_split: int
    ends_joined: int
    junction_splits: int
    level_crossings: int
    tolerance: float

    def summary(self, lang: str = "en") -> str:
        """One line for logs, warnings and the app."""
        return tr("roads.noding_summary", lang, n_lines=self.n_lines, crossings=self.crossings_split,
                  joins=self.ends_joined, tolerance=self.tolerance, junctions=self.junction_splits,
                  levels=self.level_crossings)


@dataclass(frozen=True)
class NodedLines:
    """A graph of straight segments made from lines.

    Attributes
    ----------
    x, y : ndarray of float64
        Node coordinates (the lines' metric CRS).
    u, v : ndarray of int64
        Segment end nodes (positions in ``x``/``y``).
    line : ndarray of int64
        The input line of each segment (``-1`` for join connectors).
    report : NodingReport
    """

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    line: np.ndarray
    report: NodingReport


# ---------------------------------------------------------------------------
# segments


@dataclass
class _Segments:
    """Straight segments with the line, level and position along the line they come from."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    line: np.ndarray
    level: np.ndarray
    a0: np.ndarray  # distance along the line at the start (metres)
    a1: np.ndarray
    # level tags of the ends: the line's level, or _ANY_LEVEL at the ends of lines and join points
    tag0: np.ndarray
    tag1: np.ndarray

    @property
    def length(self) -> np.ndarray:
        return np.hypot(self.x1 - self.x0, self.y1 - self.y0)

    def geoms(self) -> np.ndarray:
        coords = np.empty((self.x0.size, 2, 2))
        coords[:, 0, 0], coords[:, 0, 1] = self.x0, self.y0
        coords[:, 1, 0], coords[:, 1, 1] = self.x1, self.y1
        return shapely.linestrings(coords)


def _segments(lines: np.ndarray, levels: np.ndarray) -> _Segments:
    """Split lines into straight segments."""
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    keep = np.ones(idx.size, dtype=bool)  # drop repeated vertices
    keep[1:] = (idx[1:] != idx[:-1]) | np.any(coords[1:] != coords[:-1], axis=1)
    coords, idx = coords[keep], idx[keep]
    same = idx[1:] == idx[:-1]
    x0, y0 = coords[:-1, 0][same], coords[:-1, 1][same]
    x1, y1 = coords[1:, 0][same], coords[1:, 1][same]
    line = idx[:-1][same].astype(np.int64)
    seg_len = np.hypot(x1 - x0, y1 - y0)
    first = np.ones(line.size, dtype=bool)
    first[1:] = line[1:] != line[:-1]
    last = np.ones(line.size, dtype=bool)
    last[:-1] = line[1:] != line[:-1]
    start = np.cumsum(seg_len) - seg_len  # along the whole array
    line_first = np.maximum.accumulate(np.where(first, np.arange(line.size), 0))
    a0 = start - start[line_first]
    a1 = a0 + seg_len
    level = levels[line]
    tag0 = np.where(first, _ANY_LEVEL, level)
    tag1 = np.where(last, _ANY_LEVEL, level)
    return _Segments(x0, y0, x1, y1, line, level, a0, a1, tag0, tag1)


def _split(seg: _Segments, at: np.ndarray, t: np.ndarray, px: np.ndarray, py: np.ndarray,
           tag: np.ndarray) -> _Segments:
    """Split segments ``at`` at fractions ``t`` (points ``px``, ``py`` with level tags ``tag``)."""
    n = seg.x0.size
    if at.size == 0:
        return seg
    rows_seg = np.concatenate([np.arange(n), np.arange(n), at])
    rows_t = np.concatenate([np.zeros(n), np.ones(n), t])
    rows_x = np.concatenate([seg.x0, seg.x1, px])
    rows_y = np.concatenate([seg.y0, seg.y1, py])
    rows_tag = np.concatenate([seg.tag0, seg.tag1, tag])
    order = np.lexsort((rows_t, rows_seg))
    rs, rt, rx, ry, rg = rows_seg[order], rows_t[order], rows_x[order], rows_y[order], rows_tag[order]
    # one row per distinct point of a segment; at a repeated split the join tag wins
    dup = np.zeros(rs.size, dtype=bool)
    dup[1:] = (rs[1:] == rs[:-1]) & (rt[1:] - rt[:-1] <= 0)
    if dup.any():
        prev = np.flatnonzero(dup) - 1
        rg[prev] = np.where(rg[np.flatnonzero(dup)] == _ANY_LEVEL, _ANY_LEVEL, rg[prev])
        # a split at t == 1 sorts before nothing; keep the segment end's own coordinates
        keep = ~dup
        rs, rt, rx, ry, rg = rs[keep], rt[keep], rx[keep], ry[keep], rg[keep]
    pair = rs[1:] == rs[:-1]
    s = rs[:-1][pair]
    ta, tb = rt[:-1][pair], rt[1:][pair]
    da = seg.a1[s] - seg.a0[s]
    return _Segments(
        rx[:-1][pair], ry[:-1][pair], rx[1:][pair], ry[1:][pair], seg.line[s], seg.level[s],
        seg.a0[s] + ta * da, seg.a0[s] + tb * da, rg[:-1][pair], rg[1:][pair],
    )


def _cross(ax, ay, bx, by):
    return ax * by - ay * bx


# ---------------------------------------------------------------------------
# crossings


def _crossings(seg: _Segments) -> tuple[tuple[np.ndarray, ...], int, int]:
    """Split points where segments touch or cross without a shared vertex.

    Returns the split arrays (segment, t, x, y, tag), the number of crossings
    split and the number of crossings left alone because the levels differ.
    """
    empty = (np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0), np.empty(0, np.int64))
    if seg.x0.size < 2:
        return empty, 0, 0
    geoms = seg.geoms()
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    k = i < j
    i, j = i[k], j[k]
    # consecutive segments of one line share their vertex and nothing else
    adjacent = (seg.line[i] == seg.line[j]) & ((seg.a1[i] == seg.a0[j]) | (seg.a1[j] == seg.a0[i]))
    i, j = i[~adjacent], j[~adjacent]
    px, py = seg.x0[i], seg.y0[i]
    dx, dy = seg.x1[i] - px, seg.y1[i] - py
    qx, qy = seg.x0[j], seg.y0[j]
    ex, ey = seg.x1[j] - qx, seg.y1[j] - qy
    den = _cross(dx, dy, ex, ey)
    li, lj = np.hypot(dx, dy), np.hypot(ex, ey)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = _cross(qx - px, qy - py, ex, ey) / den
        s = _cross(qx - px, qy - py, dx, dy) / den
    proper = np.abs(den) > 1e-12 * li * lj
    t, s = np.clip(np.where(proper, t, 0.0), 0.0, 1.0), np.clip(np.where(proper, s, 0.0), 0.0, 1.0)
    # where on each segment the crossing is: 0 start, 1 end, 2 inside
    where_i = np.where(t * li <= _EPS, 0, np.where((1 - t) * li <= _EPS, 1, 2))
    where_j = np.where(s * lj <= _EPS, 0, np.where((1 - s) * lj <= _EPS, 1, 2))
    cx, cy = px + t * dx, py + t * dy
    # a crossing at a vertex uses that vertex's own coordinates, so both sides meet exactly
    cx = np.where(where_i == 0, seg.x0[i], np.where(where_i == 1, seg.x1[i], cx))
    cy = np.where(where_i == 0, seg.y0[i], np.where(where_i == 1, seg.y1[i], cy))
    cx = np.where(where_j == 0, seg.x0[j], np.where(where_j == 1, seg.x1[j], cx))
    cy = np.where(where_j == 0, seg.y0[j], np.where(where_j == 1, seg.y1[j], cy))
    tag_i = np.where(where_i == 0, seg.tag0[i], np.where(where_i == 1, seg.tag1[i], seg.level[i]))
    tag_j = np.where(where_j == 0, seg.tag0[j], np.where(where_j == 1, seg.tag1[j], seg.level[j]))
    same_level = seg.level[i] == seg.level[j]
    # across levels only a line end connects (it lands on the other line)
    connects = proper & (same_level | (tag_i == _ANY_LEVEL) | (tag_j == _ANY_LEVEL))
    level_crossings = int((proper & ~connects & (where_i == 2) & (where_j == 2)).sum())
    tag = np.where((tag_i == _ANY_LEVEL) | (tag_j == _ANY_LEVEL), _ANY_LEVEL, seg.level[i])
    split_i = connects & (where_i == 2)
    split_j = connects & (where_j == 2)
    at = np.concatenate([i[split_i], j[split_j]])
    frac = np.concatenate([t[split_i], s[split_j]])
    sx = np.concatenate([cx[split_i], cx[split_j]])
    sy = np.concatenate([cy[split_i], cy[split_j]])
    sg = np.concatenate([tag[split_i], tag[split_j]])
    # collinear overlaps: a vertex of one segment lying inside the other splits it
    par = ~proper
    if par.any():
        extra = _overlap_splits(seg, i[par], j[par])
        at, frac, sx, sy, sg = (np.concatenate([a, b]) for a, b in zip((at, frac, sx, sy, sg), extra,
                                                                       strict=True))
    places = _group(np.round(sx / _GRID).astype(np.int64), np.round(sy / _GRID).astype(np.int64))[1]
    return (at, frac, sx, sy, sg), int(places.size), level_crossings


def _overlap_splits(seg: _Segments, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, ...]:
    """Vertices of parallel touching segments that lie inside the other segment."""
    out = []
    for a, b in ((i, j), (j, i)):
        for end in (0, 1):
            vx = seg.x0[a] if end == 0 else seg.x1[a]
            vy = seg.y0[a] if end == 0 else seg.y1[a]
            vt = seg.tag0[a] if end == 0 else seg.tag1[a]
            t, d = _project(seg, b, vx, vy)
            lb = seg.length[b]
            ok = (d <= _EPS) & (t * lb > _EPS) & ((1 - t) * lb > _EPS)
            ok &= (seg.level[a] == seg.level[b]) | (vt == _ANY_LEVEL)
            out.append((b[ok], t[ok], vx[ok], vy[ok], np.where(vt[ok] == _ANY_LEVEL, _ANY_LEVEL,
                                                              seg.level[b][ok])))
    return tuple(np.concatenate([o[k] for o in out]) for k in range(5))


def _project(seg: _Segments, s: np.ndarray, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fraction along segments ``s`` of the nearest point to (px, py), and the distance."""
    dx, dy = seg.x1[s] - seg.x0[s], seg.y1[s] - seg.y0[s]
    l2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(l2 > 0, ((px - seg.x0[s]) * dx + (py - seg.y0[s]) * dy) / l2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return t, np.hypot(seg.x0[s] + t * dx - px, seg.y0[s] + t * dy - py)


# ---------------------------------------------------------------------------
# nodes


def _group(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by equal ``keys`` (a faster ``np.unique(axis=0, return_inverse=True)``).

    Returns each row's group and the first row of each group, groups in key order.
    """
    order = np.lexsort(keys[::-1])
    new = np.zeros(order.size, dtype=bool)
    for k in keys:
        ks = k[order]
        new[1:] |= ks[1:] != ks[:-1]
    new[:1] = True
    ids = np.cumsum(new) - 1
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = ids
    return inverse, order[new]


def _nodes(seg: _Segments) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Node x, y, the segments' end nodes and the nodes' level tags.

    Vertices at the same place are one node when they are at the same level or
    one of them is a line end or join point (tag ``_ANY_LEVEL``).
    """
    n = seg.x0.size
    x = np.concatenate([seg.x0, seg.x1])
    y = np.concatenate([seg.y0, seg.y1])
    tag = np.concatenate([seg.tag0, seg.tag1])
    kx = np.round(x / _GRID).astype(np.int64)
    ky = np.round(y / _GRID).astype(np.int64)
    place, _ = _group(kx, ky)
    anywhere = np.zeros(int(place.max()) + 1 if place.size else 0, dtype=bool)
    anywhere[place[tag == _ANY_LEVEL]] = True
    tag = np.where(anywhere[place], _ANY_LEVEL, tag)
    inverse, first = _group(place, tag)
    key = np.column_stack([place[first], tag[first]])
    nx_ = np.zeros(key.shape[0])
    ny_ = np.zeros(key.shape[0])
    nx_[inverse] = x
    ny_[inverse] = y
    return nx_, ny_, inverse[:n], inverse[n:], key[:, 1]


# ---------------------------------------------------------------------------
# joining ends


def _dangling_joins(seg: _Segments, u: np.ndarray, v: np.ndarray, n_nodes: int,
                    tolerance: float) -> tuple[np.ndarray, ...]:
    """For each line end with no other segment at it, the nearest other line within ``tolerance``.

    Returns the end's x, y and the join point on the other line: segment, t, x, y.
    """
    none = (np.empty(0), np.empty(0), np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0))
    degree = np.bincount(np.concatenate([u, v]), minlength=n_nodes)
    ends = []
    for nodes, tags, xs, ys, along in ((u, seg.tag0, seg.x0, seg.y0, seg.a0),
                                        (v, seg.tag1, seg.x1, seg.y1, seg.a1)):
        line_end = (tags == _ANY_LEVEL) & (degree[nodes] == 1)
        ends.append((nodes[line_end], xs[line_end], ys[line_end], seg.line[line_end], along[line_end]))
    end_node, ex, ey, eline, ealong = (np.concatenate([e[k] for e in ends]) for k in range(5))
    if end_node.size == 0 or tolerance <= 0:
        return none
    tree = shapely.STRtree(seg.geoms())
    q, s = tree.query(shapely.points(ex, ey), predicate="dwithin", distance=tolerance)
    # not to the segment at the end itself, nor to its own line close to the end (a curve)
    at_end = (u[s] == end_node[q]) | (v[s] == end_node[q])
    own = seg.line[s] == eline[q]
    near_along = np.minimum(np.abs(seg.a0[s] - ealong[q]), np.abs(seg.a1[s] - ealong[q]))
    ok = ~at_end & ~(own & (near_along < _OWN_LINE * tolerance))
    q, s = q[ok], s[ok]
    if q.size == 0:
        return none
    t, d = _project(seg, s, ex[q], ey[q])
    order = np.lexsort((s, d, q))  # nearest first per end; ties to the lowest segment
    q, s, t = q[order], s[order], t[order]
    first = np.ones(q.size, dtype=bool)
    first[1:] = q[1:] != q[:-1]
    q, s, t = q[first], s[first], t[first]
    lj = seg.length[s]
    t = np.where(t * lj <= _EPS, 0.0, np.where((1 - t) * lj <= _EPS, 1.0, t))
    jx = np.where(t == 0, seg.x0[s], np.where(t == 1, seg.x1[s], seg.x0[s] + t * (seg.x1[s] - seg.x0[s])))
    jy = np.where(t == 0, seg.y0[s], np.where(t == 1, seg.y1[s], seg.y0[s] + t * (seg.y1[s] - seg.y0[s])))
    return ex[q], ey[q], s, t, jx, jy


def _find(x: np.ndarray, y: np.ndarray, tag: np.ndarray, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
    """The nodes joining every level (tag ``_ANY_LEVEL``) at places (qx, qy)."""
    anyl = np.flatnonzero(tag == _ANY_LEVEL)
    index = pd.MultiIndex.from_arrays([np.round(x[anyl] / _GRID).astype(np.int64),
                                       np.round(y[anyl] / _GRID).astype(np.int64)])
    pos = index.get_indexer(pd.MultiIndex.from_arrays([np.round(qx / _GRID).astype(np.int64),
                                                       np.round(qy / _GRID).astype(np.int64)]))
    if np.any(pos < 0):  # pragma: no cover - every join point was made a node
        raise RuntimeError("noding lost a join point")
    return anyl[pos]


# ---------------------------------------------------------------------------
# the whole job


def node_lines(lines, levels=None, *, tolerance: float = DEFAULT_TOLERANCE) -> NodedLines:
    """Make a graph of straight segments out of survey line work.

    Parameters
    ----------
    lines : array-like of shapely LineString or MultiLineString
        In a metric CRS (metres).
    levels : array-like of int, optional
        The level of each line (0 ground, 1 bridge, -1 tunnel, or OSM
        ``layer``).  Lines at different levels get no junction where they
        cross; only line ends connect across levels.  All 0 by default.
    tolerance : float
        Metres within which a line end is joined to another line (default 1).

    Returns
    -------
    NodedLines
        Nodes, segments and a :class:`NodingReport`.

    Examples
    --------
    Two streets crossing without a shared vertex, and a third stopping 0.4 m
    short of the first:

    >>> from shapely import LineString
    >>> lines = [LineString([(0, 0), (100, 0)]), LineString([(50, -50), (50, 50)]),
    ...          LineString([(20, 30), (20, 0.4)])]
    >>> g = node_lines(lines)
    >>> g.report.crossings_split, g.report.ends_joined, len(g.u)
    (1, 1, 7)
    >>> bridge = node_lines(lines, levels=[0, 1, 0])  # the second line is a bridge
    >>> bridge.report.crossings_split, bridge.report.level_crossings
    (0, 1)
    """
    geoms = np.asarray(getattr(lines, "values", lines), dtype=object)
    lv = np.zeros(geoms.size, np.int64) if levels is None else np.asarray(levels, dtype=np.int64)
    geoms = shapely.force_2d(geoms)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    parts = np.asarray(parts)
    keep = ~shapely.is_empty(parts) & (shapely.get_type_id(parts) == 1)
    parts, part_of = parts[keep], part_of[keep]
    part_level = lv[part_of]
    seg = _segments(parts, part_level)
    nonzero = seg.length > 0
    seg = _Segments(*(getattr(seg, f)[nonzero] for f in seg.__dataclass_fields__))

    splits, n_cross, n_levels = _crossings(seg)
    seg = _split(seg, *splits)
    x, y, u, v, _ = _nodes(seg)

    ex, ey, js, jt, jx, jy = _dangling_joins(seg, u, v, x.size, tolerance)
    # every join point becomes a vertex joining all levels (a split at t 0 or 1 just tags the vertex)
    seg = _split(seg, js, jt, jx, jy, np.full(js.size, _ANY_LEVEL, dtype=np.int64))
    x, y, u, v, tag = _nodes(seg)
    pairs = np.column_stack([_find(x, y, tag, ex, ey), _find(x, y, tag, jx, jy)])
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.unique(pairs, axis=0) if pairs.size else pairs.reshape(0, 2)
    # an overshooting end is already at the street through its own last segment
    n = np.int64(x.size)
    have = np.minimum(u, v).astype(np.int64) * n + np.maximum(u, v)
    pairs = pairs[~np.isin(pairs[:, 0].astype(np.int64) * n + pairs[:, 1], have)]

    line_id = part_of[seg.line]
    uu = np.concatenate([u, pairs[:, 0]]).astype(np.int64)
    vv = np.concatenate([v, pairs[:, 1]]).astype(np.int64)
    line_id = np.concatenate([line_id, np.full(pairs.shape[0], -1, dtype=np.int64)])

    # a polyline running through a junction: an inner vertex of a line with degree >= 3
    degree = np.bincount(np.concatenate([uu, vv]), minlength=x.size)
    inner = np.concatenate([u[seg.tag0 != _ANY_LEVEL], v[seg.tag1 != _ANY_LEVEL]])
    junction_splits = int(np.unique(inner[degree[inner] >= 3]).size)
    report = NodingReport(n_lines=int(parts.size), crossings_split=n_cross, ends_joined=int(pairs.shape[0]),
                          junction_splits=junction_splits, level_crossings=n_levels,
                          tolerance=float(tolerance))
    return NodedLines(x, y, uu, vv, line_id, report)


# ---------------------------------------------------------------------------
# gaps in the network itself


def coverage_gaps(net, units, *, population: str = "population", name: str = "name",
                  max_snap: float | None = None, warn_user: bool = True) -> pd.DataFrame:
    """Units with population but no street within ``max_snap``: where the road layer needs streets.

    Parameters
    ----------
    net : WalkNetwork
        The walking network.
    units : GeoDataFrame
        Units (polygons) or demand points, any CRS, with a population column.
    population : str
        The population column (``pop60`` for older people only).
    name : str
        The column naming each unit in the report (the index when absent).
    max_snap : float, optional
        Metres; :data:`planner.settings.DEFAULT_MAX_SNAP` by default.
    warn_user : bool
        Also issue a :class:`~planner._errors.PlannerWarning` (code
        ``roads_coverage_gap``) with the advice to add roads.

    Returns
    -------
    pandas.DataFrame
        One row per unit lacking streets, farthest first: ``name``,
        ``population`` and ``distance_m`` (to the nearest street), indexed
        like ``units``.

    Notes
    -----
    A polygon unit counts as served when any street comes within
    ``max_snap`` of it; pass building or demand points instead of polygons to
    find the settlements without streets inside large rural units.
    """
    from planner._errors import warn
    from planner.settings import DEFAULT_MAX_SNAP

    limit = DEFAULT_MAX_SNAP if max_snap is None else float(max_snap)
    geoms = units.to_crs(net.crs).geometry.values if units.crs is not None else units.geometry.values
    pop = pd.to_numeric(units[population], errors="coerce").fillna(0).to_numpy(dtype=float)
    dist = np.full(len(units), np.inf)
    ok = ~np.asarray(shapely.is_empty(geoms)) & ~np.asarray(shapely.is_missing(geoms))
    if ok.any():
        (src, _), d = net.tree.query_nearest(geoms[ok], return_distance=True, all_matches=False)
        where = np.flatnonzero(ok)
        dist[where[src]] = d
    gap = (pop > 0) & (dist > limit)
    labels = units[name].astype(str) if name in units.columns else pd.Series(units.index.astype(str),
                                                                           index=units.index)
    out = pd.DataFrame({"name": labels.to_numpy()[gap], "population": pop[gap], "distance_m": dist[gap]},
                       index=units.index[gap]).sort_values("distance_m", ascending=False)
    if warn_user and len(out):
        names = ", ".join(out["name"].head(10))
        params = {"n": len(out), "population": float(out["population"].sum()), "max_snap": limit,
                  "names": names}
        warn(tr("err.roads_coverage_gap", "en", **params), code="roads_coverage_gap", params=params,
             hint=tr("fix.roads_coverage_gap", "en"))
    return out

"""Which points each site reaches within a walking limit, and how far: a sparse reach matrix.

One bounded search per site, then each point's own segment, as in
:func:`planner.engine.travel.point_distances`.  The matrix feeds both the
capacity measure (2SFCA on facilities × demand) and the covering problems of
site suggestions (candidates × demand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from planner.engine.network import WalkNetwork
from planner.engine.travel import NearestField, Snapped, point_distances, single_site_distances


def reach_matrix(net: WalkNetwork, sites: Snapped, points: Snapped, limit: float) -> sp.csr_matrix:
    """Walking metres from each site to the points within ``limit`` metres.

    Parameters
    ----------
    net : WalkNetwork
        The walking network both layers are snapped onto.
    sites : Snapped
        Sites (facilities or candidates), one row each.
    points : Snapped
        Demand points, one column each.
    limit : float
        Largest walk in metres.

    Returns
    -------
    scipy.sparse.csr_matrix
        Sites × points; explicit entries (metres, a distance of 0 kept) where
        the point is within ``limit`` of the site.
    """
    lim = float(limit)
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for j in range(len(sites)):
        site = sites.take([j])
        d_nodes = single_site_distances(net, site, limit=lim)
        src = np.where(np.isfinite(d_nodes), 0, -1)
        d, _ = point_distances(net, NearestField(d_nodes, src, lim), points, site)
        hit = np.nonzero(np.isfinite(d))[0]
        indices.append(hit)
        data.append(d[hit])
        indptr.append(indptr[-1] + hit.size)
    n_points = len(points)
    if not indices:
        return sp.csr_matrix((0, n_points))
    return sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
                         shape=(len(sites), n_points))


def od_matrix(net: WalkNetwork, origins: Snapped, destinations: Snapped, *, speed: float | None = None,
              max_minutes: float | None = None, max_metres: float | None = None) -> sp.csr_matrix:
    """Walking costs between every origin and destination within a limit, as a sparse matrix.

    For spopt (``from_cost_matrix``), access or statsmodels: origins are rows,
    destinations columns; an explicit entry per pair within the limit (a
    stored 0 is a walk of 0, e.g. the same place), no entry beyond it.  Use
    :func:`dense_costs` for a dense array with ``inf`` beyond the limit.

    Parameters
    ----------
    net : WalkNetwork
    origins, destinations : Snapped
        Points snapped onto ``net`` (the walk includes each point's leg to the street).
    speed : float, optional
        Walking speed in m/s: the entries are minutes.  Default: metres.
    max_minutes : float, optional
        Pairs farther than this walk are left out (needs ``speed``).
    max_metres : float, optional
        Pairs farther than this are left out (default: no limit).

    Returns
    -------
    scipy.sparse.csr_matrix
        Origins × destinations, metres (or minutes with ``speed``).

    Examples
    --------
    Three nodes on a street along the equator (about 111 m apart):

    >>> from planner.engine.network import network_from_arrays
    >>> from planner.engine.travel import snap_points
    >>> net = network_from_arrays([1, 2, 3], [0, 0.001, 0.002], [0, 0, 0], [1, 2], [2, 3],
    ...                           crs="EPSG:32631")
    >>> pts = snap_points(net, net.x, net.y)
    >>> m = od_matrix(net, pts.take([0]), pts, max_metres=150)
    >>> m.indices.tolist(), np.round(m.data).tolist()
    ([0, 1], [0.0, 111.0])
    """
    limit = np.inf if max_metres is None else float(max_metres)
    if max_minutes is not None:
        if speed is None:
            raise ValueError("max_minutes needs a walking speed")
        limit = min(limit, float(max_minutes) * float(speed) * 60.0)
    if len(origins) > len(destinations):
        # walks are symmetric (undirected streets): search from the smaller side
        m = reach_matrix(net, destinations, origins, limit).T.tocsr()
    else:
        m = reach_matrix(net, origins, destinations, limit)
    m.sort_indices()
    if speed is not None:
        m = sp.csr_matrix((m.data / float(speed) / 60.0, m.indices, m.indptr), shape=m.shape)
    return m


def dense_costs(matrix: sp.spmatrix, fill: float = np.inf) -> np.ndarray:
    """A sparse cost matrix as a dense array, ``fill`` where there is no entry (stored zeros kept).

    Examples
    --------
    >>> dense_costs(sp.csr_matrix(([0.0, 2.0], ([0, 1], [0, 1])), shape=(2, 2))).tolist()
    [[0.0, inf], [inf, 2.0]]
    """
    c = sp.coo_matrix(matrix)
    out = np.full(c.shape, fill, dtype=float)
    out[c.row, c.col] = c.data
    return out


def od_frame(metres: sp.spmatrix, origin_ids, destination_ids, speed: float) -> pd.DataFrame:
    """A metre matrix from :func:`od_matrix` as a long table.

    Parameters
    ----------
    metres : sparse matrix
        Origins × destinations, metres.
    origin_ids, destination_ids : array-like
        Ids of the rows and columns.
    speed : float
        Walking speed (m/s) for the minutes.

    Returns
    -------
    DataFrame
        ``origin_id``, ``destination_id``, ``minutes``, ``metres``; one row per
        pair within the limit, ordered by origin then walk.
    """
    c = sp.coo_matrix(metres)
    o = np.asarray(origin_ids, dtype=object)[c.row]
    d = np.asarray(destination_ids, dtype=object)[c.col]
    order = np.lexsort((c.data, c.row))
    return pd.DataFrame({"origin_id": o[order], "destination_id": d[order],
                         "minutes": c.data[order] / float(speed) / 60.0, "metres": c.data[order]})


__all__ = ["dense_costs", "od_frame", "od_matrix", "reach_matrix"]

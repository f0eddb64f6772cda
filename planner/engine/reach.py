"""Which points each site reaches within a walking limit, and how far: a sparse reach matrix.

One bounded search per site, then each point's own segment, as in
:func:`planner.engine.travel.point_distances`.  The matrix feeds both the
capacity measure (2SFCA on facilities × demand) and the covering problems of
site suggestions (candidates × demand).
"""

from __future__ import annotations

import numpy as np
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


__all__ = ["reach_matrix"]

"""Accessibility for researchers: 2SFCA/E2SFCA, service areas per facility, capacity-limited assignment, equity.

Matrix functions (arrays in, arrays out) sit next to their model versions:

* :func:`two_step_fca` / :func:`enhanced_two_step_fca` on a demand × supply
  cost matrix (the definitions of PySAL ``access``; implemented once in
  :mod:`planner.analysis.capacity`), :func:`accessibility` on a model.
* :func:`assign_capacity`: each facility serves at most its places, demand goes
  to facilities within the catchment, the most demand served and then the
  least total walk (two linear programmes with HiGHS);
  :func:`capacity_assignment` reports the unmet demand per unit.
* :func:`facility_catchments`: per facility, the demand within its walk.
* Equity: :func:`gini` (weighted Gini coefficient), :func:`share_beyond`
  (share of the 60+ of each unit beyond a walk) and :func:`equity_table`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.optimize import LinearConstraint, milp

from planner._errors import InputError, SolverError
from planner.analysis.capacity import (
    DEFAULT_PER,
    Decay,
    capacity_access,
    gaussian_decay,
    two_step_fca,
    unknown_type,
)
from planner.engine.model import Model
from planner.engine.reach import reach_matrix
from planner.engine.travel import to_metres
from planner.schema import FACILITY_TYPES


def enhanced_two_step_fca(cost: np.ndarray | sp.spmatrix, demand: ArrayLike, supply: ArrayLike,
                          max_cost: float, *, decay: str | Decay = "gaussian") -> tuple[np.ndarray, np.ndarray]:
    """Enhanced 2SFCA (Luo & Qi 2009): :func:`two_step_fca` with a distance decay.

    Parameters
    ----------
    cost : ndarray or scipy.sparse matrix, shape (n_demand, n_supply)
        Travel cost (e.g. minutes); sparse: explicit entries are reachable.
    demand, supply : array-like
    max_cost : float
        Catchment.
    decay : 'gaussian' or callable
        Weights (0–1) of an array of costs; default the Gaussian decay of
        :func:`gaussian_decay` (1 at 0, 0 at ``max_cost``).

    Returns
    -------
    access : ndarray (n_demand,)
    ratio : ndarray (n_supply,)

    Examples
    --------
    >>> cost = np.array([[0.0, np.inf], [5.0, 5.0]])
    >>> a, r = enhanced_two_step_fca(cost, [100, 100], [10, 10], max_cost=10)
    >>> bool(a[0] > 0), bool(np.all(a > 0))
    (True, True)
    """
    return two_step_fca(cost, demand, supply, max_cost, decay=decay)


def accessibility(model: Model, facility_type: str, *, minutes: float | None = None,
                  decay: str | Decay | None = None, per: float = DEFAULT_PER) -> pd.DataFrame:
    """Places per ``per`` elderly within the walk, per unit (2SFCA, or E2SFCA with ``decay``).

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).
    decay : None, 'gaussian' or callable
    per : float

    Returns
    -------
    DataFrame
        Per unit: ``name``, ``kind``, ``pop60``, ``places_per_1000``.
    """
    return capacity_access(model, facility_type, minutes=minutes, decay=decay, per=per).units


# -- capacity-limited assignment -------------------------------------------------
@dataclass(frozen=True, eq=False)
class Assignment:
    """Demand assigned to facilities within reach, each within its capacity.

    Attributes
    ----------
    flows : scipy.sparse.csr_matrix
        Demand × facilities: demand weight assigned.
    served : ndarray
        Per demand point, the weight assigned.
    unmet : ndarray
        Per demand point, the weight left without a place.
    load : ndarray
        Per facility, the weight assigned (≤ its capacity).
    total_cost : float
        Σ weight × cost over the assignment.
    """

    flows: sp.csr_matrix
    served: np.ndarray
    unmet: np.ndarray
    load: np.ndarray
    total_cost: float

    @property
    def mean_cost(self) -> float:
        """Mean cost per unit of demand served."""
        s = float(self.served.sum())
        return self.total_cost / s if s > 0 else float("nan")


def assign_capacity(cost: sp.spmatrix | np.ndarray, demand: ArrayLike, capacity: ArrayLike, *,
                    fallback: ArrayLike | None = None) -> Assignment:
    """Assign demand to facilities within reach without exceeding their capacity.

    First the most demand that can be served (a maximum flow), then, at that
    amount, the least total cost (a minimum-cost flow); both are linear
    programmes solved with HiGHS.  Integral capacities and demand give an
    integral assignment.

    Parameters
    ----------
    cost : sparse matrix or ndarray, shape (n_demand, n_facilities)
        Cost (e.g. minutes) of each pair within the catchment; sparse:
        explicit entries; dense: ``inf``/NaN out of reach.
    demand : array-like (n_demand,)
        Demand weight (e.g. 60+ persons).
    capacity : array-like (n_facilities,)
        Places; NaN counts as 0.
    fallback : array-like, optional
        Cost of leaving a point's demand unassigned (it keeps another walk):
        assignment then only happens where it is cheaper (served demand is
        no longer maximised first).

    Returns
    -------
    Assignment

    Examples
    --------
    Two homes of 10 elderly, one centre with 15 places within reach of both:

    >>> a = assign_capacity(np.array([[1.0], [2.0]]), [10, 10], [15])
    >>> a.served.tolist(), a.unmet.tolist(), a.load.tolist()
    ([10.0, 5.0], [0.0, 5.0], [15.0])
    """
    d = np.asarray(demand, float)
    s = np.nan_to_num(np.asarray(capacity, float), nan=0.0)
    if sp.issparse(cost):
        c = sp.coo_matrix(cost)
        i, j, v = c.row, c.col, c.data.astype(float)
        shape = c.shape
    else:
        arr = np.asarray(cost, float)
        i, j = np.nonzero(np.isfinite(arr))
        v, shape = arr[i, j], arr.shape
    if shape != (d.size, s.size):
        raise InputError(f"cost matrix must be demand × facilities {(d.size, s.size)}, got {shape}",
                         code="access_cost_shape", params={"expected": str((d.size, s.size)), "shape": str(shape)})
    if np.any(d < 0) or np.any(s < 0):
        raise InputError("demand and capacity must not be negative", code="access_negative")
    fb = None if fallback is None else np.asarray(fallback, float)
    if fb is not None:
        ok = ~np.isfinite(fb[i]) | (v < fb[i])
        i, j, v = i[ok], j[ok], v[ok]
    keep = (d[i] > 0) & (s[j] > 0)
    i, j, v = i[keep], j[keep], v[keep]
    n = i.size
    if n == 0:
        z = sp.csr_matrix(shape)
        return Assignment(z, np.zeros(d.size), d.copy(), np.zeros(s.size), 0.0)
    A = sp.vstack([sp.csr_matrix((np.ones(n), (i, np.arange(n))), shape=(d.size, n)),
                   sp.csr_matrix((np.ones(n), (j, np.arange(n))), shape=(s.size, n))], format="csr")
    ub = np.r_[d, s]
    cons = [LinearConstraint(A, -np.inf, ub)]
    if fb is None:
        first = milp(-np.ones(n), constraints=cons, bounds=(0, np.inf))
        _ok(first)
        most = -float(first.fun)
        cons.append(LinearConstraint(np.ones((1, n)), most, np.inf))
        res = milp(v, constraints=cons, bounds=(0, np.inf))
    else:
        # saving against the fallback: unserved demand keeps its fallback cost
        gain = np.where(np.isfinite(fb[i]), v - fb[i], v - (float(v.max()) + 1.0) * 10.0)
        res = milp(gain, constraints=cons, bounds=(0, np.inf))
    _ok(res)
    x = np.clip(res.x, 0.0, None)
    flows = sp.csr_matrix((x, (i, j)), shape=shape)
    served = np.bincount(i, weights=x, minlength=d.size)
    load = np.bincount(j, weights=x, minlength=s.size)
    return Assignment(flows, served, np.clip(d - served, 0.0, None), load, float(x @ v))


def _ok(res) -> None:
    if res.status != 0 or res.x is None:
        raise SolverError(f"HiGHS could not solve the assignment: {res.message}", code="access_not_solved",
                          params={"detail": str(res.message)})


def capacity_assignment(model: Model, facility_type: str, *, minutes: float | None = None,
                        served_per_place: float = 1.0) -> tuple[pd.DataFrame, Assignment]:
    """Unmet demand per unit when each facility of a type serves at most its places.

    Demand points go to active facilities within the walk, the most served
    and then the least total walk (:func:`assign_capacity`).

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).
    served_per_place : float
        Elderly one place serves (default 1).

    Returns
    -------
    units : DataFrame
        Per unit: ``name``, ``kind``, ``pop60``, ``served``, ``unmet``,
        ``unmet_share``, ``mean_minutes`` (of the served).
    assignment : Assignment
        On the model's demand points × the type's active facilities.
    """
    if facility_type not in FACILITY_TYPES:
        raise unknown_type(facility_type)
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    idx = np.nonzero(model.type_mask(facility_type))[0]
    cap = pd.to_numeric(model.facilities.iloc[idx]["capacity"], errors="coerce").to_numpy(float)
    metres = reach_matrix(model.network, model.facility_snap.take(idx), model.demand_snap,
                          float(to_metres(minutes, model.speed)))
    cost = sp.csr_matrix((metres.data / model.speed / 60.0, metres.indices, metres.indptr),
                         shape=metres.shape).T.tocsr()
    w = model.demand["w60"].to_numpy(float)
    a = assign_capacity(cost, w, np.nan_to_num(cap, nan=0.0) * served_per_place)
    unit = model.demand["unit"].to_numpy()
    n = len(model.units)
    ok = unit >= 0
    wsum = np.bincount(unit[ok], weights=w[ok], minlength=n)
    served = np.bincount(unit[ok], weights=a.served[ok], minlength=n)
    unmet = np.bincount(unit[ok], weights=a.unmet[ok], minlength=n)
    f = a.flows.tocoo()
    tmin = np.bincount(f.row, weights=f.data * np.asarray(cost[f.row, f.col]).ravel(), minlength=w.size)
    tsum = np.bincount(unit[ok], weights=tmin[ok], minlength=n)
    table = pd.DataFrame({
        "name": model.units["name"].to_numpy(), "kind": model.units["kind"].to_numpy(),
        "pop60": wsum, "served": served, "unmet": unmet,
        "unmet_share": np.divide(unmet, wsum, out=np.full(n, np.nan), where=wsum > 0),
        "mean_minutes": np.divide(tsum, served, out=np.full(n, np.nan), where=served > 0),
    }, index=model.units.index)
    return table, a


# -- service areas per facility --------------------------------------------------
def facility_catchments(model: Model, facility_type: str, *, minutes: float | None = None) -> pd.DataFrame:
    """Per active facility of a type: the demand within its walk.

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).

    Returns
    -------
    DataFrame
        ``facility_id``, ``name``, ``capacity``, ``pop60_within`` (60+ within
        the walk, shared with other facilities), ``pop60_nearest`` (60+ for
        whom it is the nearest of the type within the walk), ``n_units``
        (units with demand in its walk), ``places_per_1000_within``.
    """
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    idx = np.nonzero(model.type_mask(facility_type))[0]
    fac = model.facilities.iloc[idx]
    metres = reach_matrix(model.network, model.facility_snap.take(idx), model.demand_snap,
                          float(to_metres(minutes, model.speed)))
    w = model.demand["w60"].to_numpy(float)
    pat = sp.csr_matrix((np.ones(metres.nnz), metres.indices, metres.indptr), shape=metres.shape)
    pop_within = pat @ w
    coo = metres.tocoo()
    best = np.full(w.size, np.inf)
    np.minimum.at(best, coo.col, coo.data)
    first = np.full(w.size, -1, np.int64)
    win = coo.data <= best[coo.col]
    first[coo.col[win]] = coo.row[win]
    pop_nearest = np.bincount(first[first >= 0], weights=w[first >= 0], minlength=idx.size)
    unit = model.demand["unit"].to_numpy()
    n_units = np.array([np.unique(unit[pat[r].indices][unit[pat[r].indices] >= 0]).size
                        for r in range(idx.size)], np.int64)
    cap = pd.to_numeric(fac["capacity"], errors="coerce").to_numpy(float)
    return pd.DataFrame({"facility_id": fac["facility_id"].to_numpy(), "name": fac["name"].to_numpy(),
                         "capacity": cap, "pop60_within": pop_within, "pop60_nearest": pop_nearest,
                         "n_units": n_units,
                         "places_per_1000_within": np.divide(cap * 1000, pop_within,
                                                             out=np.full(idx.size, np.nan),
                                                             where=pop_within > 0)})


# -- equity ------------------------------------------------------------------------
def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Weighted Gini coefficient of non-negative values (0: all equal, → 1: all with one).

    Half the weighted mean absolute difference over the weighted mean:
    ``G = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 (Σ w)² x̄)``.

    Parameters
    ----------
    values : array-like
        E.g. places per 1,000 elderly per unit.  NaN values are left out.
    weights : array-like, optional
        E.g. the 60+ of each unit (default 1 each).

    Returns
    -------
    float
        NaN when there are no values or their mean is 0.

    Examples
    --------
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    >>> gini([0, 4], weights=[3, 1])
    0.75
    """
    x = np.asarray(values, float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, float)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    x, w = x[ok], w[ok]
    if x.size == 0:
        return float("nan")
    if np.any(x < 0):
        raise InputError("the Gini coefficient needs values that are not negative", code="access_gini_negative")
    mean = float(np.average(x, weights=w))
    if mean <= 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cw = np.cumsum(w)
    W = cw[-1]
    # Σ_i Σ_j w_i w_j |x_i − x_j| = 2 Σ_i w_i x_i (2 C_i − w_i − W), C_i the cumulative weight
    s = float(np.sum(w * x * (2.0 * cw - w - W)))
    return float(round(s / (W * W * mean), 15))


def share_beyond(model: Model, facility_types: str | list[str], minutes: float) -> pd.DataFrame:
    """Per unit: the share of its 60+ whose walk to the nearest facility is more than ``minutes``.

    Parameters
    ----------
    model : Model
    facility_types : str or list of str
        Any of these types counts (e.g. all community care).
    minutes : float

    Returns
    -------
    DataFrame
        Per unit: ``name``, ``kind``, ``pop60``, ``pop60_beyond``, ``share_beyond``.
    """
    types = [facility_types] if isinstance(facility_types, str) else list(facility_types)
    mins, _ = model.demand_minutes(types)
    w = model.demand["w60"].to_numpy(float)
    unit = model.demand["unit"].to_numpy()
    n = len(model.units)
    ok = unit >= 0
    far = ~(mins <= minutes)
    tot = np.bincount(unit[ok], weights=w[ok], minlength=n)
    beyond = np.bincount(unit[ok], weights=(w * far)[ok], minlength=n)
    return pd.DataFrame({"name": model.units["name"].to_numpy(), "kind": model.units["kind"].to_numpy(),
                         "pop60": tot, "pop60_beyond": beyond,
                         "share_beyond": np.divide(beyond, tot, out=np.full(n, np.nan), where=tot > 0)},
                        index=model.units.index)


def equity_table(model: Model, facility_type: str, *, minutes: float | None = None,
                 decay: str | Decay | None = None, by: str | None = None) -> pd.DataFrame:
    """Equity indicators of one facility type, overall or per group of units (e.g. per county).

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).
    decay : None, 'gaussian' or callable
        Distance decay of the 2SFCA.
    by : str, optional
        A column of ``model.units`` to group by (e.g. ``county``); default one
        row for all units.

    Returns
    -------
    DataFrame
        Per group: ``group``, ``units``, ``pop60``, ``share_beyond`` (60+ beyond
        the walk), ``gini_access`` (Gini of places per 1,000 elderly across
        units, weighted by their 60+), ``worst_unit_share_beyond``.
    """
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    acc = accessibility(model, facility_type, minutes=minutes, decay=decay)
    far = share_beyond(model, facility_type, minutes)
    if by is None:
        groups = np.zeros(len(model.units), np.int64)
        labels = np.array(["all"], dtype=object)
    else:
        if by not in model.units.columns:
            columns = ", ".join(map(str, model.units.columns))
            raise InputError(f"the units have no column {by!r}", hint=columns, code="access_no_column",
                             params={"column": by, "columns": columns})
        groups, labels = pd.factorize(model.units[by].astype(str))
    rows = []
    for g, label in enumerate(labels):
        sel = groups == g
        p = far["pop60"].to_numpy()[sel]
        b = far["pop60_beyond"].to_numpy()[sel]
        rows.append({"group": label, "units": int(sel.sum()), "pop60": float(p.sum()),
                     "share_beyond": float(b.sum() / p.sum()) if p.sum() > 0 else np.nan,
                     "gini_access": gini(acc["places_per_1000"].to_numpy()[sel], p),
                     "worst_unit_share_beyond": float(np.nanmax(far["share_beyond"].to_numpy()[sel]))
                     if np.isfinite(far["share_beyond"].to_numpy()[sel]).any() else np.nan})
    return pd.DataFrame(rows)


def facility_service_areas(model: Model, facility_type: str, *, minutes=(5, 10, 15),
                           crs: str | None = "EPSG:4326"):
    """One service-area polygon per active facility of a type and walk (its own reach, not the type's union).

    Parameters
    ----------
    model : Model
        The (edited) model.
    facility_type : str
        E.g. ``"day_care"``.
    minutes : sequence of float
        Walks in minutes.
    crs : str, optional
        Output CRS (default WGS-84; ``None`` keeps the network's metric CRS).

    Returns
    -------
    GeoDataFrame
        ``facility_id``, ``name``, ``minutes``, ``metres``, ``area_km2`` and the
        polygon: everything reached from that facility alone within the walk
        (partial last stretches included, never a hull).

    Examples
    --------
    >>> from planner import analyse, demo_paths, load_network, read_boundaries, read_facilities
    >>> p = demo_paths()
    >>> m = analyse(read_boundaries(p.boundaries, layer="units"), read_facilities(p.facilities),
    ...             load_network(p.network)).model
    >>> areas = facility_service_areas(m, "street_centre", minutes=(10,))
    >>> len(areas) == int(m.type_mask("street_centre").sum()), bool((areas["area_km2"] > 0).all())
    (True, True)
    """
    import geopandas as gpd
    import shapely

    from planner.engine.isochrones import service_areas
    from planner.engine.travel import single_site_distances

    mins = sorted(float(m) for m in minutes)
    limits = [float(to_metres(m, model.speed)) for m in mins]
    idx = np.nonzero(model.type_mask(facility_type))[0]
    fac = model.facilities.iloc[idx]
    rows, geoms = [], []
    for k, i in enumerate(idx):
        site = model.facility_snap.take([i])
        dist = single_site_distances(model.network, site, limit=max(limits))
        for m, lim, poly in zip(mins, limits, service_areas(model.network, dist, limits, sites=site),
                                strict=True):
            rows.append({"facility_id": str(fac["facility_id"].iloc[k]), "name": fac["name"].iloc[k],
                         "minutes": m, "metres": lim, "area_km2": shapely.area(poly) / 1e6})
            geoms.append(poly)
    out = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["facility_id", "name", "minutes", "metres",
                                                       "area_km2"]),
                           geometry=geoms, crs=model.network.crs)
    return out.to_crs(crs) if crs is not None else out


__all__ = ["Assignment", "accessibility", "assign_capacity", "capacity_access", "capacity_assignment",
           "enhanced_two_step_fca", "equity_table", "facility_catchments", "facility_service_areas",
           "gaussian_decay", "gini", "share_beyond", "two_step_fca"]

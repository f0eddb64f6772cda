"""Places per elderly person within the walk: the two-step floating catchment (2SFCA).

Step 1: each facility ``j`` gets a supply ratio ``R_j = S_j / Σ_i f(c_ij) D_i``
over the demand ``D_i`` within its catchment (``c_ij ≤ d0``).
Step 2: each demand point's access ``A_i = Σ_j f(c_ij) R_j`` over the
facilities within reach (Luo & Wang 2003).  With a distance decay ``f`` this is
the enhanced 2SFCA (Luo & Qi 2009); without one ``f = 1``.  The definition is
that of PySAL ``access`` (``Access.two_stage_fca``), so the values agree.

Here ``S_j`` is a facility's places (day-care places, beds), ``D_i`` the 60+
persons at a demand point and ``c_ij`` the walking minutes; the result is
reported per 1,000 elderly and aggregated per unit as the 60+-weighted mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike

from planner._errors import InputError
from planner.analysis.scenario import choice_list
from planner.engine.model import Model
from planner.engine.reach import reach_matrix
from planner.engine.travel import to_metres
from planner.schema import FACILITY_TYPES
from planner.text import type_label

DEFAULT_PER = 1000.0  # places per 1,000 elderly
Decay = Callable[[np.ndarray], np.ndarray]
"""A distance decay: weights (0-1) of an array of costs."""


def gaussian_decay(max_cost: float) -> Callable[[np.ndarray], np.ndarray]:
    """The E2SFCA Gaussian decay, 1 at cost 0 falling to 0 at ``max_cost`` (Dai 2010).

    ``f(c) = (exp(-½ (c/d0)²) − exp(-½)) / (1 − exp(-½))`` for ``c ≤ d0``.
    """
    d0 = float(max_cost)
    low = np.exp(-0.5)

    def f(c: np.ndarray) -> np.ndarray:
        c = np.asarray(c, float)
        return np.clip((np.exp(-0.5 * (c / d0) ** 2) - low) / (1.0 - low), 0.0, 1.0)

    return f


def unknown_type(facility_type: str) -> InputError:
    """The error naming an unknown facility type and the known ones (``capacity_unknown_type``)."""
    types_zh, types = choice_list(FACILITY_TYPES, type_label)
    return InputError(f"unknown facility type {facility_type!r}", hint=f"use one of {types}",
                      code="capacity_unknown_type",
                      params={"facility_type": facility_type, "types@zh": types_zh, "types@en": types})


def _decay_fn(decay: str | Decay | None, max_cost: float) -> Decay | None:
    if decay is None:
        return None
    if callable(decay):
        return decay
    if decay == "gaussian":
        return gaussian_decay(max_cost)
    raise InputError(f"unknown distance decay {decay!r}", hint="use None, 'gaussian' or a function of minutes",
                     code="capacity_unknown_decay", params={"decay": decay})


def two_step_fca(cost: np.ndarray | sp.spmatrix, demand: ArrayLike, supply: ArrayLike, max_cost: float, *,
                 decay: str | Decay | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two-step floating catchment on a cost matrix.

    Parameters
    ----------
    cost : ndarray or scipy.sparse matrix, shape (n_demand, n_supply)
        Travel cost (e.g. walking minutes).  Dense: ``inf``/NaN is
        unreachable.  Sparse: only explicit entries are reachable (a stored 0
        is a cost of 0).
    demand : array-like (n_demand,)
        Demand at each point (e.g. 60+ persons).
    supply : array-like (n_supply,)
        Supply of each facility (places); NaN counts as 0.
    max_cost : float
        Catchment: pairs with ``cost <= max_cost`` interact.
    decay : None, 'gaussian' or callable
        Distance decay ``f(cost)`` applied in both steps (None: 1).

    Returns
    -------
    access : ndarray (n_demand,)
        Supply per unit of demand reachable from each point (0 where none).
    ratio : ndarray (n_supply,)
        Each facility's supply per unit of (weighted) demand in its catchment
        (0 where no demand is within reach).

    Examples
    --------
    >>> cost = np.array([[5.0, np.inf], [5.0, 5.0]])
    >>> a, r = two_step_fca(cost, demand=[100, 100], supply=[10, 10], max_cost=10)
    >>> r.tolist(), np.round(a, 6).tolist()
    ([0.05, 0.1], [0.05, 0.15])
    """
    d = np.asarray(demand, float)
    s = np.nan_to_num(np.asarray(supply, float), nan=0.0)
    if sp.issparse(cost):
        c = sp.coo_matrix(cost)
        i, j, v = c.row, c.col, c.data.astype(float)
    else:
        arr = np.asarray(cost, float)
        i, j = np.nonzero(np.isfinite(arr))
        v = arr[i, j]
    shape = (d.shape[0], s.shape[0])
    if (sp.issparse(cost) and cost.shape != shape) or (not sp.issparse(cost) and np.shape(cost) != shape):
        raise InputError(f"cost matrix must be demand × supply {shape}, got {np.shape(cost)}",
                         code="capacity_cost_shape", params={"expected": str(shape), "shape": str(np.shape(cost))})
    keep = v <= max_cost
    i, j, v = i[keep], j[keep], v[keep]
    f = _decay_fn(decay, max_cost)
    wgt = np.ones(v.shape[0]) if f is None else np.asarray(f(v), float)
    load = np.bincount(j, weights=wgt * d[i], minlength=shape[1])
    ratio = np.divide(s, load, out=np.zeros(shape[1]), where=load > 0)
    access = np.bincount(i, weights=wgt * ratio[j], minlength=shape[0])
    return access, ratio


@dataclass(frozen=True, eq=False)
class CapacityAccess:
    """2SFCA places per 1,000 elderly for one facility type.

    Attributes
    ----------
    units : DataFrame
        Per unit (indexed like ``model.units``): ``name``, ``kind``,
        ``pop60``, ``places_per_1000`` (60+-weighted mean over the unit's
        demand points).
    facilities : DataFrame
        Per active facility of the type: ``facility_id``, ``name``,
        ``capacity``, ``pop60_in_catchment`` (decay-weighted),
        ``places_per_1000``.
    demand : ndarray
        Places per 1,000 elderly at each demand point.
    minutes : float
    decay : str
    notes : tuple of str
    """

    units: pd.DataFrame
    facilities: pd.DataFrame
    demand: np.ndarray
    minutes: float
    decay: str
    notes: tuple[str, ...] = ()


def capacity_access(model: Model, facility_type: str, *, minutes: float | None = None,
                    decay: str | Decay | None = None, per: float = DEFAULT_PER) -> CapacityAccess:
    """Places per 1,000 elderly within the walk (2SFCA on walking minutes).

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).
    decay : None, 'gaussian' or callable
        Distance decay of minutes (see :func:`two_step_fca`).
    per : float
        Scale: places per ``per`` elderly (default 1,000).

    Returns
    -------
    CapacityAccess
    """
    if facility_type not in FACILITY_TYPES:
        raise unknown_type(facility_type)
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    idx = np.nonzero(model.type_mask(facility_type))[0]
    fac = model.facilities.iloc[idx]
    cap = pd.to_numeric(fac["capacity"], errors="coerce").to_numpy(float)
    notes = []
    if np.isnan(cap).any():
        notes.append(f"{int(np.isnan(cap).sum())} facilities without places counted as 0: "
                     + ", ".join(fac.loc[np.isnan(cap), "name"].astype(str).head(10)))
    metres = reach_matrix(model.network, model.facility_snap.take(idx), model.demand_snap,
                          float(to_metres(minutes, model.speed)))  # facilities × demand
    cost = sp.csr_matrix((metres.data / model.speed / 60.0, metres.indices, metres.indptr),
                         shape=metres.shape).T.tocsr()
    w = model.demand["w60"].to_numpy(float)
    access, ratio = two_step_fca(cost, w, cap, minutes, decay=decay)
    f = _decay_fn(decay, minutes)
    coo = cost.tocoo()
    wgt = np.ones(coo.nnz) if f is None else np.asarray(f(coo.data), float)
    load = np.bincount(coo.col, weights=wgt * w[coo.row], minlength=idx.size)
    unit = model.demand["unit"].to_numpy()
    n = len(model.units)
    wsum = np.bincount(unit, weights=w, minlength=n)
    per_unit = np.divide(np.bincount(unit, weights=w * access, minlength=n), wsum,
                         out=np.full(n, np.nan), where=wsum > 0)
    units = pd.DataFrame({"name": model.units["name"].to_numpy(),
                          "kind": model.units["kind"].to_numpy(),
                          "pop60": model.units["pop60"].to_numpy(float),
                          "places_per_1000": per_unit * per}, index=model.units.index)
    facilities = pd.DataFrame({"facility_id": fac["facility_id"].to_numpy(),
                               "name": fac["name"].to_numpy(), "capacity": cap,
                               "pop60_in_catchment": load, "places_per_1000": ratio * per})
    return CapacityAccess(units=units, facilities=facilities, demand=access * per, minutes=minutes,
                          decay="none" if decay is None else (decay if isinstance(decay, str) else "custom"),
                          notes=tuple(notes))


__all__ = ["CapacityAccess", "capacity_access", "gaussian_decay", "two_step_fca"]

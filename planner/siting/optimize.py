"""Site suggestions: maximal covering (MCLP), set covering (LSCP), candidates.

Two layers, as in PySAL spopt's ``from_cost_matrix``/``from_geodataframe``:

* the core works on a plain **coverage matrix** (candidates × demand points,
  1 where a candidate is within the walk of a demand point) with demand
  weights and a mask of the demand already covered by the existing
  facilities: :func:`maximal_covering` and :func:`set_covering`, exact by
  integer programming with HiGHS (``scipy.optimize.milp``, no extra solver)
  or greedy (approximate, said so);
* :func:`suggest_sites` is the thin adapter from a :class:`planner.engine.model.Model`:
  candidate sites (given, the model's ``candidate`` facilities, or generated
  by :func:`generate_candidates`), their coverage by one bounded search each
  (:func:`candidate_coverage`), the profile's target rule, and the new target
  scores of the model with the chosen sites added.

Objectives
----------
``population``
    The demand weight (60+ persons, or the weights of user demand points)
    newly within the walk.  Coverage of a weighted set is submodular, so the
    greedy method is within a factor (1 − 1/e) ≈ 0.632 of the optimum
    (Nemhauser, Wolsey & Fisher 1978).
``units``
    The number of units (communities/villages) that newly meet the profile's
    target rule: ``inside`` (a site inside the unit), ``walk`` (at least
    ``unit_share`` of the unit's 60+ within the walk) or ``inside_or_walk``.
    A threshold objective is not submodular: greedy has no guarantee there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.optimize import Bounds, LinearConstraint, milp

from planner._errors import InputError, SolverError
from planner.engine.model import Model, unit_of
from planner.engine.travel import (
    NearestField,
    Snapped,
    nearest_sites,
    point_distances,
    single_site_distances,
    snap_points,
    to_metres,
)
from planner.io.profiles import Target
from planner.schema import FACILITY_TYPES

DEFAULT_TIME_LIMIT = 60.0  # seconds for one HiGHS solve
AUTO_MILP_MAX_NNZ = 3_000_000  # "auto" uses the exact MILP up to this many candidate-demand pairs
MAX_GENERATED = 2000  # generated candidates are thinned until at most this many remain
GREEDY_BOUND = 1.0 - 1.0 / np.e
_MIP_REL_GAP = 1e-9  # near-exact optimum: the answer must equal spopt's on the same matrix
OBJECTIVES = ("population", "units")
METHODS = ("auto", "milp", "greedy")


# -- the problem on a coverage matrix -----------------------------------------
@dataclass(frozen=True, eq=False)
class UnitRule:
    """How units meet a target (the ``units`` objective).

    Attributes
    ----------
    demand_unit : ndarray of int
        Unit position of each demand point (-1: in no unit).
    candidate_unit : ndarray of int
        Unit position each candidate lies in (-1: outside all units).
    applies : ndarray of bool
        Units the target is scored on (e.g. the villages).
    rule : str
        ``inside``, ``walk`` or ``inside_or_walk``.
    unit_share : float
        Share of a unit's weight within the walk for the walk rule.
    inside_before : ndarray of int
        Facilities of the type already inside each unit.
    """

    demand_unit: np.ndarray
    candidate_unit: np.ndarray
    applies: np.ndarray
    rule: str = "inside_or_walk"
    unit_share: float = 0.5
    inside_before: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        """Number of units (all kinds)."""
        return int(self.applies.shape[0])

    @property
    def uses_walk(self) -> bool:
        """Whether walking coverage can meet a unit."""
        return self.rule in ("walk", "inside_or_walk")

    @property
    def uses_inside(self) -> bool:
        """Whether a site inside a unit meets it."""
        return self.rule in ("inside", "inside_or_walk")


@dataclass(frozen=True, eq=False)
class CoverProblem:
    """Candidates, demand and who reaches whom.

    Attributes
    ----------
    cover : scipy.sparse.csr_matrix
        Candidates × demand points; an explicit entry where the candidate is
        within the walk of the point (its value: metres, used for ordering
        capacitated assignments nearest-first).
    weights : ndarray
        Demand weight of each point (e.g. 60+ persons).
    covered : ndarray of bool
        Demand already within the walk of an existing facility (no gain).
    units : UnitRule, optional
        For the ``units`` objective.
    capacity : ndarray, optional
        People each candidate can serve (capacitated suggestions); NaN or inf
        for no cap.
    """

    cover: sp.csr_matrix
    weights: np.ndarray
    covered: np.ndarray | None = None
    units: UnitRule | None = None
    capacity: np.ndarray | None = None

    def __post_init__(self):
        cover = sp.csr_matrix(self.cover)
        object.__setattr__(self, "cover", cover)
        w = np.asarray(self.weights, dtype=float)
        object.__setattr__(self, "weights", w)
        if cover.shape[1] != w.shape[0]:
            raise InputError(f"coverage has {cover.shape[1]} demand columns but {w.shape[0]} weights")
        cov = np.zeros(w.shape[0], bool) if self.covered is None else np.asarray(self.covered, bool)
        object.__setattr__(self, "covered", cov)
        if np.any(w < 0) or not np.all(np.isfinite(w)):
            raise InputError("demand weights must be finite and not negative")

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.cover.shape[0])

    @property
    def pattern(self) -> sp.csr_matrix:
        """0/1 coverage (explicit entries only, zero distances kept)."""
        c = self.cover
        return sp.csr_matrix((np.ones(c.nnz), c.indices, c.indptr), shape=c.shape)

    def unit_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Per unit: total weight and weight already within the walk."""
        r = self.units
        ok = r.demand_unit >= 0
        u = r.demand_unit[ok]
        w = self.weights[ok]
        total = np.bincount(u, weights=w, minlength=r.n_units)
        before = np.bincount(u, weights=w * self.covered[ok], minlength=r.n_units)
        return total, before


@dataclass(frozen=True)
class Evaluation:
    """Coverage of a set of open candidates."""

    weight: float  # total demand weight within the walk (existing + open candidates)
    units_met: int  # units meeting the rule (units objective; 0 otherwise)
    new_points: np.ndarray = field(repr=False, default=None)
    met: np.ndarray = field(repr=False, default=None)


def evaluate(problem: CoverProblem, open_sites) -> Evaluation:
    """Exact coverage (weight and units met) with the given candidates open.

    Parameters
    ----------
    problem : CoverProblem
    open_sites : array-like of int
        Candidate positions.

    Returns
    -------
    Evaluation
    """
    idx = np.asarray(list(open_sites), dtype=np.int64)
    reach = np.zeros(problem.weights.shape[0], bool)
    if idx.size:
        reach[problem.pattern[idx].indices] = True
    new = reach & ~problem.covered
    got = problem.covered | reach
    weight = float(problem.weights[got].sum())
    r = problem.units
    if r is None:
        return Evaluation(weight, 0, new, None)
    met = _units_met(problem, got, idx)
    return Evaluation(weight, int(met[r.applies].sum()), new, met)


def _units_met(problem: CoverProblem, got: np.ndarray, open_idx: np.ndarray) -> np.ndarray:
    r = problem.units
    total, _ = problem.unit_totals()
    ok = r.demand_unit >= 0
    wcov = np.bincount(r.demand_unit[ok], weights=problem.weights[ok] * got[ok], minlength=r.n_units)
    walk = (total > 0) & (wcov >= r.unit_share * total - 1e-9 * np.maximum(total, 1))
    inside = np.zeros(r.n_units, bool) if r.inside_before is None else r.inside_before > 0
    if open_idx.size:
        cu = r.candidate_unit[open_idx]
        inside = inside.copy()
        inside[cu[cu >= 0]] = True
    if r.rule == "inside":
        return inside & r.applies
    if r.rule == "walk":
        return walk & r.applies
    return (inside | walk) & r.applies


@dataclass(frozen=True)
class Solution:
    """The chosen candidates and what each adds, in the order chosen.

    Attributes
    ----------
    chosen : ndarray of int
        Candidate positions, in the order of their marginal gain (the first
        adds most on its own, each next one most given those before it).
    gain_weight, gain_units : ndarray
        Marginal demand weight / units met added by each chosen site.
    served : ndarray
        Demand weight assigned to each site (capacitated; else = gain_weight).
    before, after : float
        Objective value (weight, or units met) without and with the sites.
    weight_before, weight_after : float
        Demand weight within the walk without and with the sites.
    units_before, units_after : int
        Units meeting the rule (units objective).
    met : bool or None
        Target reached (set covering); None for maximal covering.
    best_possible : float
        Objective with every candidate open (how close a target can get).
    solver : str
    optimal : bool
        Proven optimal (False for greedy and time-limited solves).
    gap : float
        Relative MIP gap reported by HiGHS (0 when optimal, NaN for greedy).
    bound : str
        What is guaranteed, in words.
    seconds : float
    """

    chosen: np.ndarray
    gain_weight: np.ndarray
    gain_units: np.ndarray
    served: np.ndarray
    before: float
    after: float
    weight_before: float
    weight_after: float
    units_before: int
    units_after: int
    met: bool | None
    best_possible: float
    solver: str
    optimal: bool
    gap: float
    bound: str
    seconds: float


def maximal_covering(problem: CoverProblem, k: int, *, objective: str = "population",
                     method: str = "milp", time_limit: float = DEFAULT_TIME_LIMIT) -> Solution:
    """Choose ``k`` candidates that add the most coverage (MCLP).

    Parameters
    ----------
    problem : CoverProblem
    k : int
        Number of new sites (capped at the number of candidates).
    objective : {'population', 'units'}
    method : {'milp', 'greedy', 'auto'}
        ``milp``: exact with HiGHS; ``greedy``: one site at a time,
        approximate; ``auto``: MILP unless the matrix is very large.
    time_limit : float
        Seconds for the MILP; a feasible solution found within it is returned
        labelled not optimal.

    Returns
    -------
    Solution

    Raises
    ------
    SolverError
        If HiGHS fails or finds no solution in the time limit.

    Examples
    --------
    >>> import numpy as np
    >>> cover = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])
    >>> p = CoverProblem(cover, weights=[5, 1, 1, 5])
    >>> sorted(maximal_covering(p, 2).chosen.tolist())
    [0, 2]
    """
    _check(problem, objective)
    if k < 0:
        raise InputError(f"the number of new sites must be 0 or more, got {k}")
    k = min(int(k), problem.n_candidates)
    method = _pick_method(problem, method)
    t0 = time.perf_counter()
    if problem.capacity is not None:
        if objective != "population":
            raise InputError("capacitated suggestions use the population objective",
                             hint="drop the capacity option, or choose the population objective")
        return _capacitated(problem, k, None, method, time_limit, t0)
    if method == "greedy":
        chosen = _greedy(problem, objective, k=k)
        return _solution(problem, objective, chosen, None, "greedy", False, np.nan, t0,
                         bound=_greedy_bound(objective, "mclp"))
    try:
        x, optimal, gap, solver = _milp_solve(problem, objective, k=k, target=None,
                                              time_limit=time_limit)
    except SolverError as exc:
        if "time limit" not in exc.message:
            raise
        x, optimal, gap, solver = None, False, np.nan, ""
    if not optimal:
        # time limit: keep the better of HiGHS's incumbent and the greedy answer
        g = _greedy(problem, objective, k=k)
        if x is None or _value(problem, objective, g) > _value(problem, objective, np.nonzero(x)[0]):
            return _solution(problem, objective, g, None,
                             f"greedy (HiGHS stopped at the {time_limit:g} s time limit with a worse "
                             "or no solution)", False, gap, t0, bound=_greedy_bound(objective, "mclp"))
    return _solution(problem, objective, np.nonzero(x)[0], None, solver, optimal, gap, t0)


def set_covering(problem: CoverProblem, share: float, *, objective: str = "population",
                 method: str = "milp", time_limit: float = DEFAULT_TIME_LIMIT) -> Solution:
    """The fewest candidates so that a share of the demand (or units) is covered (LSCP).

    The share counts everything covered, by existing facilities and new
    sites, over the total weight (population) or over the units the rule
    applies to.  When the candidates cannot reach it, the result has
    ``met=False`` and the fewest sites that reach ``best_possible``.

    Parameters
    ----------
    problem : CoverProblem
    share : float
        Target share, 0–1 (1: full coverage, the classic LSCP).
    objective, method, time_limit
        As in :func:`maximal_covering`.

    Returns
    -------
    Solution

    Examples
    --------
    >>> cover = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])
    >>> s = set_covering(CoverProblem(cover, weights=[1, 1, 1, 1]), 1.0)
    >>> sorted(s.chosen.tolist()), s.met
    ([0, 2], True)
    """
    _check(problem, objective)
    if not 0 <= share <= 1:
        raise InputError(f"target share must be between 0 and 1, got {share}",
                         hint="e.g. 0.85 for 85 %")
    method = _pick_method(problem, method)
    t0 = time.perf_counter()
    total = _objective_total(problem, objective)
    needed = share * total
    everything = evaluate(problem, range(problem.n_candidates))
    best = everything.units_met if objective == "units" else everything.weight
    if problem.capacity is not None:
        if objective != "population":
            raise InputError("capacitated suggestions use the population objective")
        return _capacitated(problem, None, needed, method, time_limit, t0)
    tol = 1e-9 * max(total, 1.0)
    met = best >= needed - tol
    goal = needed if met else best  # infeasible: fewest sites that get as close as possible
    if method == "greedy":
        chosen = _greedy(problem, objective, goal=goal)
        return _solution(problem, objective, chosen, met, "greedy", False, np.nan, t0,
                         bound=_greedy_bound(objective, "lscp"), best=best)
    # the greedy answer bounds the search (and is the fallback at the time limit)
    g = _greedy(problem, objective, goal=goal)
    if _value(problem, objective, g) < goal - tol:
        g = np.arange(problem.n_candidates)  # greedy stalled (unit thresholds): all sites reach it
    try:
        x, optimal, gap, solver = _milp_solve(problem, objective, k=None, target=goal,
                                              time_limit=time_limit, max_sites=g.size)
    except SolverError as exc:
        if "time limit" not in exc.message:
            raise
        return _solution(problem, objective, g, met,
                         f"greedy (HiGHS found no solution within the {time_limit:g} s time limit)",
                         False, np.nan, t0, bound=_greedy_bound(objective, "lscp"), best=best)
    return _solution(problem, objective, np.nonzero(x)[0], met, solver, optimal, gap, t0, best=best)


def _value(problem: CoverProblem, objective: str, chosen) -> float:
    ev = evaluate(problem, chosen)
    return float(ev.units_met if objective == "units" else ev.weight)


def _check(problem: CoverProblem, objective: str) -> None:
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective {objective!r}", hint=f"use one of {OBJECTIVES}")
    if objective == "units" and problem.units is None:
        raise InputError("the units objective needs a unit rule (CoverProblem.units)")


def _pick_method(problem: CoverProblem, method: str) -> str:
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}", hint=f"use one of {METHODS}")
    if method == "auto":
        return "milp" if problem.cover.nnz <= AUTO_MILP_MAX_NNZ else "greedy"
    return method


def _objective_total(problem: CoverProblem, objective: str) -> float:
    if objective == "units":
        return float(problem.units.applies.sum())
    return float(problem.weights.sum())


def _greedy_bound(objective: str, kind: str) -> str:
    if objective == "units":
        return "greedy heuristic; no guarantee (unit thresholds are not submodular)"
    if kind == "mclp":
        return f"greedy: at least {GREEDY_BOUND:.1%} (1 − 1/e) of the optimal gain"
    return "greedy: at most ln(n)+1 times the fewest sites (n: most points one site covers)"


# -- greedy ----------------------------------------------------------------
def _greedy(problem: CoverProblem, objective: str, *, k: int | None = None, goal: float | None = None,
            allowed: np.ndarray | None = None) -> np.ndarray:
    """Add the best site one at a time (until ``k`` sites, or until ``goal`` is reached)."""
    pat = problem.pattern
    n_c = problem.n_candidates
    resid = np.where(problem.covered, 0.0, problem.weights)
    avail = np.ones(n_c, bool) if allowed is None else allowed.copy()
    chosen: list[int] = []
    units = objective == "units"
    total_w = float(problem.weights.sum())
    if units:
        r = problem.units
        unit_total, unit_cov = problem.unit_totals()
        met = _units_met(problem, problem.covered, np.empty(0, np.int64))
        ok = r.demand_unit >= 0
        d_unit = sp.csr_matrix((np.ones(int(ok.sum())), (np.nonzero(ok)[0], r.demand_unit[ok])),
                               shape=(resid.shape[0], r.n_units))
        unit_cov = unit_cov.copy()
    current = (float(met[r.applies].sum()) if units
               else float(problem.weights[problem.covered].sum()))
    limit = n_c if k is None else k
    while len(chosen) < limit and avail.any():
        if goal is not None and current >= goal - 1e-9 * max(abs(goal), 1.0):
            break
        gain_w = pat @ resid
        if units:
            gain_u = _unit_gains(problem, pat, resid, d_unit, unit_total, unit_cov, met)
            key = gain_u * (total_w + 1.0) + gain_w
        else:
            key = gain_w
        key = np.where(avail, key, -np.inf)
        j = int(np.argmax(key))
        if goal is not None and key[j] <= 0:
            break  # nothing more to gain: the goal is out of reach
        chosen.append(j)
        avail[j] = False
        reached = pat[j].indices
        if units:
            unit_cov += d_unit[reached].T @ resid[reached]
            met = _met_from(problem, unit_total, unit_cov, met, j)
            current = float(met[r.applies].sum())
        else:
            current += float(resid[reached].sum())
        resid[reached] = 0.0
    return np.asarray(chosen, np.int64)


def _met_from(problem, unit_total, unit_cov, met, j) -> np.ndarray:
    r = problem.units
    out = met.copy()
    if r.uses_walk:
        walk = (unit_total > 0) & (unit_cov >= r.unit_share * unit_total - 1e-9 * np.maximum(unit_total, 1))
        out |= walk & r.applies
    cu = r.candidate_unit[j]
    if r.uses_inside and cu >= 0 and r.applies[cu]:
        out[cu] = True
    return out


def _unit_gains(problem, pat, resid, d_unit, unit_total, unit_cov, met) -> np.ndarray:
    """Units each candidate would newly bring to the target."""
    r = problem.units
    n_c = pat.shape[0]
    pairs = []
    if r.uses_walk:
        g = (pat.multiply(resid[None, :]).tocsr() @ d_unit).tocoo()
        need = r.unit_share * unit_total - 1e-9 * np.maximum(unit_total, 1)
        flip = r.applies[g.col] & ~met[g.col] & (unit_total[g.col] > 0) & (unit_cov[g.col] + g.data >= need[g.col])
        pairs.append(g.row[flip].astype(np.int64) * r.n_units + g.col[flip])
    if r.uses_inside:
        cu = r.candidate_unit
        j = np.nonzero(cu >= 0)[0]
        ok = r.applies[cu[j]] & ~met[cu[j]]
        pairs.append(j[ok].astype(np.int64) * r.n_units + cu[j][ok])
    if not pairs:
        return np.zeros(n_c)
    uniq = np.unique(np.concatenate(pairs))
    return np.bincount(uniq // r.n_units, minlength=n_c).astype(float)


# -- exact: integer programming with HiGHS -----------------------------------
def _column_groups(pattern_csc: sp.csc_matrix, cols: np.ndarray, extra: np.ndarray | None):
    """Group demand columns with the same candidate set (and the same ``extra`` key)."""
    sigs = [pattern_csc.indices[pattern_csc.indptr[i]:pattern_csc.indptr[i + 1]].tobytes()
            for i in cols]
    if extra is not None:
        sigs = [s + int(e).to_bytes(8, "little", signed=True) for s, e in zip(sigs, extra, strict=True)]
    codes, uniq = pd.factorize(pd.Series(sigs, dtype=object), sort=False)
    first = np.full(len(uniq), -1, np.int64)
    order = np.arange(codes.size)[::-1]
    first[codes[order]] = cols[order]
    return codes.astype(np.int64), first


def _milp_solve(problem: CoverProblem, objective: str, *, k: int | None, target: float | None,
                time_limit: float, max_sites: int | None = None) -> tuple[np.ndarray, bool, float, str]:
    """Solve MCLP (``k``) or LSCP (``target``) exactly; returns the 0/1 site vector."""
    n_c = problem.n_candidates
    pat = problem.pattern
    csc = pat.tocsc()
    reach = np.diff(csc.indptr) > 0
    w = problem.weights
    units = objective == "units"
    r = problem.units
    # only points not yet covered and reachable by some candidate can change
    cols = np.nonzero(reach & ~problem.covered & (w > 0))[0]
    if units:
        du = r.demand_unit[cols]
        keep = du >= 0
        cols, du = cols[keep], du[keep]
        codes, first = _column_groups(csc, cols, du)
    else:
        codes, first = _column_groups(csc, cols, None)
    n_g = first.shape[0]
    gw = np.bincount(codes, weights=w[cols], minlength=n_g)
    B = pat[:, first].tocsc() if n_g else sp.csc_matrix((n_c, 0))  # candidates × groups
    # variables: x (n_c), c (n_g)[, y (scope units)[, b (scope units)]]
    rows: list[sp.spmatrix] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    # c_g <= sum of x over the group's candidates
    link = sp.hstack([-B.T, sp.identity(n_g)], format="csr")
    n_vars = n_c + n_g
    scope = np.empty(0, np.int64)
    if units:
        total, before = problem.unit_totals()
        met0 = _units_met(problem, problem.covered, np.empty(0, np.int64))
        scope = np.nonzero(r.applies & ~met0)[0]
        n_s = scope.size
        pos = np.full(r.n_units, -1, np.int64)
        pos[scope] = np.arange(n_s)
        n_b = n_s if r.rule == "inside_or_walk" else 0
        n_vars = n_c + n_g + n_s + n_b
    rows.append(_pad(link, n_vars))
    lo.append(np.full(n_g, -np.inf))
    hi.append(np.zeros(n_g))
    eps_scale = 0.5 / (float(gw.sum()) + 1.0)  # tie-break worth less than one site or one unit
    cost = np.zeros(n_vars)
    if units:
        gu = pos[r.demand_unit[first]] if n_g else np.empty(0, np.int64)
        walk_var = n_c + n_g + (n_s if r.rule == "inside_or_walk" else 0)  # y itself for 'walk'
        if r.uses_walk and n_s:
            # need_u * v_u <= sum of group weights in u   (v = b for inside_or_walk, y for walk)
            need = r.unit_share * total[scope] - before[scope]
            sel = gu >= 0
            m = sp.csr_matrix((-gw[sel], (gu[sel], n_c + np.nonzero(sel)[0])), shape=(n_s, n_vars))
            m = m + sp.csr_matrix((need, (np.arange(n_s), walk_var + np.arange(n_s))), shape=(n_s, n_vars))
            rows.append(m)
            lo.append(np.full(n_s, -np.inf))
            hi.append(np.full(n_s, 1e-9) * np.maximum(total[scope], 1))
        if r.uses_inside and n_s:
            # y_u <= sum of x inside u (+ b_u)
            cu = r.candidate_unit
            j = np.nonzero((cu >= 0) & (pos[np.clip(cu, 0, None)] >= 0))[0]
            m = sp.csr_matrix((np.ones(n_s), (np.arange(n_s), n_c + n_g + np.arange(n_s))),
                              shape=(n_s, n_vars))
            m = m - sp.csr_matrix((np.ones(j.size), (pos[cu[j]], j)), shape=(n_s, n_vars))
            if r.rule == "inside_or_walk":
                m = m - sp.csr_matrix((np.ones(n_s), (np.arange(n_s), walk_var + np.arange(n_s))),
                                      shape=(n_s, n_vars))
            rows.append(m.tocsr())
            lo.append(np.full(n_s, -np.inf))
            hi.append(np.zeros(n_s))
        y = slice(n_c + n_g, n_c + n_g + n_s)
        gain_row = np.zeros(n_vars)
        gain_row[y] = 1.0
        tie = np.zeros(n_vars)
        tie[n_c:n_c + n_g] = gw * eps_scale
        start = float(met0[r.applies].sum())
    else:
        gain_row = np.zeros(n_vars)
        gain_row[n_c:n_c + n_g] = gw
        tie = np.zeros(n_vars)
        start = float(w[problem.covered].sum())
    if k is not None:
        count = np.zeros(n_vars)
        count[:n_c] = 1.0
        rows.append(sp.csr_matrix(count))
        lo.append(np.array([float(k)]))
        hi.append(np.array([float(k)]))
        cost = -gain_row - tie
    else:
        rows.append(sp.csr_matrix(gain_row))
        slack = 1e-9 * max(abs(target), 1.0)
        lo.append(np.array([target - start - slack]))
        hi.append(np.array([np.inf]))
        cost = np.zeros(n_vars)
        cost[:n_c] = 1.0  # a pure count: integral objective, so HiGHS prunes by whole sites
        if max_sites is not None:
            count = np.zeros(n_vars)
            count[:n_c] = 1.0
            rows.append(sp.csr_matrix(count))
            lo.append(np.array([0.0]))
            hi.append(np.array([float(max_sites)]))
    integrality = np.zeros(n_vars)
    integrality[:n_c] = 1
    if units:
        integrality[n_c + n_g:] = 1
    A = sp.vstack(rows, format="csr")
    cons = LinearConstraint(A, np.concatenate(lo), np.concatenate(hi))
    res = milp(cost, constraints=cons, integrality=integrality, bounds=Bounds(0, 1),
               options={"time_limit": float(time_limit), "mip_rel_gap": _MIP_REL_GAP, "disp": False})
    return _read_result(res, n_c, time_limit)


def _pad(m: sp.spmatrix, n_cols: int) -> sp.csr_matrix:
    m = sp.csr_matrix(m)
    return sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], n_cols))


def _read_result(res, n_c: int, time_limit: float) -> tuple[np.ndarray, bool, float, str]:
    if res.status == 0 and res.x is not None:
        gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
        return res.x[:n_c] > 0.5, True, gap, "HiGHS MILP (scipy.optimize.milp)"
    if res.status == 1 and res.x is not None:
        gap = float(getattr(res, "mip_gap", np.nan))
        dual = float(getattr(res, "mip_dual_bound", np.nan))
        return (res.x[:n_c] > 0.5, False, gap,
                f"HiGHS MILP stopped at the {time_limit:g} s time limit (gap {gap:.2%}, "
                f"objective bound {dual:,.4g})")
    if res.status == 1:
        raise SolverError(f"HiGHS found no solution within the {time_limit:g} s time limit",
                          hint="raise the time limit, use fewer candidates, or use the greedy method")
    if res.status == 2:
        raise SolverError("the integer programme is infeasible",
                          hint="fewer sites than the target needs? check the candidates")
    raise SolverError(f"HiGHS failed: {res.message}", hint="try the greedy method")


# -- capacitated -------------------------------------------------------------
def _capacitated(problem: CoverProblem, k: int | None, needed: float | None, method: str,
                 time_limit: float, t0: float) -> Solution:
    """Each site serves at most its capacity; demand is split among sites in reach."""
    cap = np.asarray(problem.capacity, float)
    resid = np.where(problem.covered, 0.0, problem.weights)
    reach_w = problem.pattern @ resid
    cap = np.where(np.isfinite(cap) & (cap >= 0), np.minimum(cap, reach_w), reach_w)
    start = float(problem.weights[problem.covered].sum())
    best = start + _best_capacitated(problem, cap, resid)
    if needed is not None:
        met = best >= needed - 1e-9 * max(needed, 1.0)
        goal_gain = (needed if met else best) - start
    else:
        met, goal_gain = None, None
    if method == "greedy":
        chosen, served = _greedy_capacitated(problem, cap, resid, k, goal_gain)
        solver, optimal, gap = "greedy (capacitated)", False, np.nan
    else:
        chosen, served, optimal, gap, solver = _milp_capacitated(problem, cap, resid, k, goal_gain,
                                                                 time_limit)
    order = np.argsort(-served, kind="stable")
    chosen, served = chosen[order], served[order]
    after = start + float(served.sum())
    return Solution(chosen=chosen, gain_weight=served, gain_units=np.zeros(chosen.size),
                    served=served, before=start, after=after, weight_before=start,
                    weight_after=after, units_before=0, units_after=0, met=met,
                    best_possible=best, solver=solver, optimal=optimal, gap=gap,
                    bound="capacitated: each site serves at most its places"
                    + ("" if optimal else "; approximate"),
                    seconds=time.perf_counter() - t0)


def _best_capacitated(problem, cap, resid) -> float:
    """Demand servable with every candidate open (an LP: a transportation problem)."""
    coo = problem.cover.tocoo()
    keep = resid[coo.col] > 0
    j, i = coo.row[keep], coo.col[keep]
    n_z = j.size
    if n_z == 0:
        return 0.0
    pts = np.unique(i)
    pos = np.searchsorted(pts, i)
    A = sp.vstack([sp.csr_matrix((np.ones(n_z), (pos, np.arange(n_z))), shape=(pts.size, n_z)),
                   sp.csr_matrix((np.ones(n_z), (j, np.arange(n_z))), shape=(problem.n_candidates, n_z))])
    ub = np.concatenate([resid[pts], cap])
    res = milp(-np.ones(n_z), constraints=LinearConstraint(A, -np.inf, ub), bounds=Bounds(0, np.inf))
    return float(-res.fun) if res.status == 0 else float(min(resid.sum(), cap.sum()))


def _milp_capacitated(problem, cap, resid, k, goal_gain, time_limit):
    n_c = problem.n_candidates
    coo = problem.cover.tocoo()
    keep = resid[coo.col] > 0
    j, i = coo.row[keep], coo.col[keep]
    n_z = j.size
    pts = np.unique(i)
    pos = np.searchsorted(pts, i)
    n_vars = n_c + n_z
    zc = n_c + np.arange(n_z)
    rows = [sp.csr_matrix((np.ones(n_z), (pos, zc)), shape=(pts.size, n_vars)),  # demand split
            sp.csr_matrix((np.r_[np.ones(n_z), -cap], (np.r_[j, np.arange(n_c)], np.r_[zc, np.arange(n_c)])),
                          shape=(n_c, n_vars))]  # served <= capacity if open
    lo = [np.full(pts.size, -np.inf), np.full(n_c, -np.inf)]
    hi = [resid[pts], np.zeros(n_c)]
    gain = np.zeros(n_vars)
    gain[n_c:] = 1.0
    if k is not None:
        cnt = np.zeros(n_vars)
        cnt[:n_c] = 1
        rows.append(sp.csr_matrix(cnt))
        lo.append(np.array([float(k)]))
        hi.append(np.array([float(k)]))
        cost = -gain
    else:
        rows.append(sp.csr_matrix(gain))
        lo.append(np.array([goal_gain - 1e-9 * max(goal_gain, 1.0)]))
        hi.append(np.array([np.inf]))
        cost = np.zeros(n_vars)
        cost[:n_c] = 1.0
        cost -= gain * 0.5 / (float(resid.sum()) + 1.0)
    integ = np.zeros(n_vars)
    integ[:n_c] = 1
    ub = np.r_[np.ones(n_c), np.full(n_z, np.inf)]
    res = milp(cost, constraints=LinearConstraint(sp.vstack(rows, format="csr"), np.concatenate(lo),
                                                  np.concatenate(hi)),
               integrality=integ, bounds=Bounds(0, ub),
               options={"time_limit": float(time_limit), "mip_rel_gap": _MIP_REL_GAP, "disp": False})
    x, optimal, gap, solver = _read_result(res, n_c, time_limit)
    served = np.bincount(j, weights=res.x[n_c:], minlength=n_c)
    chosen = np.nonzero(x)[0]
    return chosen, served[chosen], optimal, gap, solver.replace("MILP", "MILP, capacitated")


def _greedy_capacitated(problem, cap, resid, k, goal_gain):
    """Open the site that can serve most; it serves its nearest unserved demand first."""
    cover = problem.cover
    resid = resid.copy()
    avail = np.ones(problem.n_candidates, bool)
    chosen, served = [], []
    got = 0.0
    limit = problem.n_candidates if k is None else k
    pat = problem.pattern
    while len(chosen) < limit and avail.any():
        if goal_gain is not None and got >= goal_gain - 1e-9 * max(goal_gain, 1.0):
            break
        can = np.minimum(pat @ resid, cap)
        can = np.where(avail, can, -np.inf)
        j = int(np.argmax(can))
        if goal_gain is not None and can[j] <= 0:
            break
        row = cover[j]
        order = np.argsort(row.data, kind="stable")
        pts = row.indices[order]
        left = cap[j]
        take = np.zeros(pts.size)
        avail_w = resid[pts]
        cum = np.cumsum(avail_w)
        take = np.clip(np.minimum(avail_w, left - (cum - avail_w)), 0, None)
        resid[pts] -= take
        chosen.append(j)
        served.append(float(take.sum()))
        got += served[-1]
        avail[j] = False
    return np.asarray(chosen, np.int64), np.asarray(served)


# -- results -----------------------------------------------------------------
def _solution(problem: CoverProblem, objective: str, chosen, met, solver: str, optimal: bool,
              gap: float, t0: float, *, bound: str | None = None, best: float | None = None) -> Solution:
    """Order the chosen sites by marginal gain and account for each one."""
    chosen = np.asarray(chosen, np.int64)
    allowed = np.zeros(problem.n_candidates, bool)
    allowed[chosen] = True
    order = _greedy(problem, objective, k=chosen.size, allowed=allowed) if chosen.size else chosen
    ev0 = evaluate(problem, [])
    gains_w, gains_u = [], []
    prev = ev0
    for m in range(order.size):
        ev = evaluate(problem, order[:m + 1])
        gains_w.append(ev.weight - prev.weight)
        gains_u.append(ev.units_met - prev.units_met)
        prev = ev
    units = objective == "units"
    if best is None:
        every = evaluate(problem, range(problem.n_candidates))
        best = every.units_met if units else every.weight
    if bound is None:
        bound = "exact optimum" if optimal else "feasible, not proven optimal (time limit)"
    gw = np.asarray(gains_w, float)
    return Solution(chosen=order, gain_weight=gw, gain_units=np.asarray(gains_u, np.int64),
                    served=gw, before=float(ev0.units_met if units else ev0.weight),
                    after=float(prev.units_met if units else prev.weight),
                    weight_before=ev0.weight, weight_after=prev.weight,
                    units_before=ev0.units_met, units_after=prev.units_met, met=met,
                    best_possible=float(best), solver=solver, optimal=optimal, gap=gap, bound=bound,
                    seconds=time.perf_counter() - t0)


# -- from a model --------------------------------------------------------------
def candidate_coverage(model: Model, candidates: Snapped, minutes: float, *,
                       demand: Snapped | None = None) -> sp.csr_matrix:
    """Walking metres from each candidate to the demand points within ``minutes``.

    One bounded search per candidate (walk limited to ``minutes`` at the
    model's speed), then each demand point's own segment (as in
    :func:`planner.engine.travel.point_distances`).

    Parameters
    ----------
    model : Model
    candidates : Snapped
        Candidate sites snapped onto the model's network.
    minutes : float
        Catchment (walking minutes).
    demand : Snapped, optional
        Demand points (default the model's).

    Returns
    -------
    scipy.sparse.csr_matrix
        Candidates × demand points; explicit entries (metres, zero kept) where
        the point is within the walk.
    """
    net = model.network
    pts = model.demand_snap if demand is None else demand
    lim = float(to_metres(minutes, model.speed))
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for j in range(len(candidates)):
        site = candidates.take([j])
        d_nodes = single_site_distances(net, site, limit=lim)
        src = np.where(np.isfinite(d_nodes), 0, -1)
        d, _ = point_distances(net, NearestField(d_nodes, src, lim), pts, site)
        hit = np.nonzero(np.isfinite(d))[0]
        indices.append(hit)
        data.append(d[hit])
        indptr.append(indptr[-1] + hit.size)
    n_d = len(pts)
    if not indices:
        return sp.csr_matrix((0, n_d))
    return sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
                         shape=(len(candidates), n_d))


def generate_candidates(model: Model, facility_type: str, *, minutes: float | None = None,
                        spacing: float | None = None, covered: np.ndarray | None = None,
                        max_candidates: int = MAX_GENERATED) -> gpd.GeoDataFrame:
    """Candidate sites at network nodes in the gap areas, thinned to a spacing.

    A node qualifies when some demand point not yet within the walk of a
    facility of the type can reach it within ``minutes``, and it lies inside
    a unit.  One node per grid cell of ``spacing`` metres is kept (the one
    nearest the cell's qualifying nodes' centre); the spacing doubles until at
    most ``max_candidates`` remain.

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).
    spacing : float, optional
        Metres between candidates (default a third of the catchment's walk,
        at least 100 m).
    covered : ndarray of bool, optional
        Demand points already covered (default: by the type's active
        facilities within ``minutes``).
    max_candidates : int

    Returns
    -------
    GeoDataFrame
        WGS-84 points with ``candidate_id`` (G0001...), ``name``, ``type``,
        ``capacity`` (NaN), ``source`` ('generated').
    """
    _check_type(facility_type)
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    lim = float(to_metres(minutes, model.speed))
    net = model.network
    if covered is None:
        mins, _ = model.demand_minutes(facility_type)
        covered = mins <= minutes
    gap = ~np.asarray(covered, bool) & (model.demand["w60"].to_numpy(float) > 0)
    empty = gpd.GeoDataFrame({"candidate_id": [], "name": [], "type": [], "capacity": [],
                              "source": []}, geometry=[], crs="EPSG:4326")
    if not gap.any():
        return empty
    field_ = nearest_sites(net, model.demand_snap.take(np.nonzero(gap)[0]), limit=lim)
    ok = np.isfinite(field_.dist)
    inside = unit_of(model.units, net.x, net.y) >= 0
    nodes = np.nonzero(ok & inside)[0]
    if nodes.size == 0:
        return empty
    spacing = float(spacing if spacing is not None else max(lim / 3.0, 100.0))
    while True:
        keep = _thin(net.x[nodes], net.y[nodes], spacing)
        if keep.size <= max_candidates:
            break
        spacing *= 2.0
    sel = nodes[keep]
    lon, lat = net.lonlat() if callable(getattr(net, "lonlat", None)) else (net.x, net.y)
    ids = [f"G{m + 1:04d}" for m in range(sel.size)]
    return gpd.GeoDataFrame(
        {"candidate_id": ids, "name": ids, "type": facility_type, "capacity": np.nan,
         "source": "generated"},
        geometry=shapely.points(np.asarray(lon)[sel], np.asarray(lat)[sel]), crs="EPSG:4326")


def _thin(x: np.ndarray, y: np.ndarray, spacing: float) -> np.ndarray:
    """One point per grid cell: the one nearest the centre of the cell's points."""
    cx = np.floor(x / spacing).astype(np.int64)
    cy = np.floor(y / spacing).astype(np.int64)
    cell = pd.factorize(pd.Series(list(zip(cx, cy, strict=True))))[0]
    mx = np.bincount(cell, weights=x) / np.bincount(cell)
    my = np.bincount(cell, weights=y) / np.bincount(cell)
    d = np.hypot(x - mx[cell], y - my[cell])
    order = np.lexsort((d, cell))
    first = np.r_[True, np.diff(cell[order]) != 0]
    return np.sort(order[first])


def _check_type(facility_type: str) -> None:
    if facility_type not in FACILITY_TYPES:
        raise InputError(f"unknown facility type {facility_type!r}",
                         hint=f"use one of {', '.join(FACILITY_TYPES)}")


def type_target(model: Model, facility_type: str, target_id: str | None = None) -> Target | None:
    """The profile's unit target for a facility type (e.g. mutual_aid → villages ≥ 85 %)."""
    for t in model.profile.targets:
        if target_id is not None:
            if t.id == target_id:
                return t
            continue
        if (t.facility_types == (facility_type,) and t.measure == "units"
                and t.unit_kind in ("community", "village") and t.rule != "count"):
            return t
    if target_id is not None:
        raise InputError(f"no target {target_id!r} in profile {model.profile.name!r}",
                         hint=", ".join(t.id for t in model.profile.targets))
    return None


@dataclass(frozen=True, eq=False)
class Suggestion:
    """Suggested new sites and what they achieve.

    Attributes
    ----------
    chosen : DataFrame
        One row per chosen site, in the order chosen: ``candidate_id``,
        ``order`` (1 = adds most), ``name``, ``lon``, ``lat`` (WGS-84),
        ``unit`` (name of the unit it lies in, '' outside), ``gain_pop60``
        (demand weight newly within the walk: 60+ persons, or the user's
        demand weights), ``gain_units`` (units newly meeting the target),
        ``capacity``, ``served`` (capacitated: demand assigned), ``reason_zh``,
        ``reason_en``.
    facility_type : str
    mode : str
        ``count`` (maximal covering) or ``target`` (set covering).
    objective : str
        ``population`` or ``units``.
    minutes : float
    before, after, total : float
        Objective value without and with the sites, and its maximum (total
        weight or number of units).
    share_before, share_after : float
    target : float or None
        Target share (set covering).
    met : bool or None
    best_possible_share : float
        Share reached with every candidate open.
    solver : str
    optimal : bool
    bound : str
    seconds : float
        Solve time (the optimisation, coverage searches excluded).
    n_candidates : int
    candidates_source : str
        ``given``, ``model`` (the facilities' candidate rows) or ``generated``.
    targets : DataFrame
        Profile targets involving the type, valued before and after
        (``target_id``, ``label_zh``, ``label_en``, ``value_before``,
        ``value_after``, ``target``, ``met_before``, ``met_after``).
    target_id : str or None
        The profile target behind the ``units`` objective.
    weight_before, weight_after : float
        Demand weight within the walk.
    notes : tuple of str
    """

    chosen: pd.DataFrame
    facility_type: str
    mode: str
    objective: str
    minutes: float
    before: float
    after: float
    total: float
    share_before: float
    share_after: float
    target: float | None
    met: bool | None
    best_possible_share: float
    solver: str
    optimal: bool
    bound: str
    seconds: float
    n_candidates: int
    candidates_source: str
    targets: pd.DataFrame
    target_id: str | None
    weight_before: float
    weight_after: float
    notes: tuple[str, ...] = ()

    def layer(self) -> gpd.GeoDataFrame:
        """The chosen sites as a WGS-84 point layer."""
        df = self.chosen
        return gpd.GeoDataFrame(df.copy(), geometry=shapely.points(df["lon"].to_numpy(float),
                                                                 df["lat"].to_numpy(float)),
                                crs="EPSG:4326")

    def report_lines(self, lang: str = "zh") -> list[str]:
        """A short printed report (command line)."""
        zh = lang == "zh"
        what = ("单元" if zh else "units") if self.objective == "units" else ("60岁以上人口" if zh else "60+")
        lines = [f"{FACILITY_TYPES[self.facility_type].zh if zh else FACILITY_TYPES[self.facility_type].en}"
                 f" — {self.minutes:g} min, {self.n_candidates} candidates ({self.candidates_source})",
                 f"  {what}: {self.before:,.0f} → {self.after:,.0f} / {self.total:,.0f} "
                 f"({self.share_before:.1%} → {self.share_after:.1%})"]
        if self.target is not None:
            mark = "✔" if self.met else "✘"
            lines.append(f"  {mark} target {self.target:.0%}; best possible {self.best_possible_share:.1%}")
        lines.append(f"  solver: {self.solver} ({'optimal' if self.optimal else 'approximate'}; "
                     f"{self.bound}), {self.seconds:.2f} s")
        for r in self.chosen.itertuples(index=False):
            lines.append(f"  {r.order:>3}. {r.candidate_id}: {r.reason_zh if zh else r.reason_en}")
        lines.extend(f"  ! {n}" for n in self.notes)
        return lines

    def summary(self) -> dict:
        """A JSON-ready summary."""
        def num(v):
            return None if v is None or not np.isfinite(v) else round(float(v), 6)

        return {
            "facility_type": self.facility_type, "type_zh": FACILITY_TYPES[self.facility_type].zh,
            "mode": self.mode, "objective": self.objective, "target_id": self.target_id,
            "minutes": self.minutes, "n_candidates": self.n_candidates,
            "candidates_source": self.candidates_source, "n_chosen": len(self.chosen),
            "covered_before": num(self.before), "covered_after": num(self.after),
            "total": num(self.total), "share_before": num(self.share_before),
            "share_after": num(self.share_after),
            "demand_weight_before": num(self.weight_before),
            "demand_weight_after": num(self.weight_after),
            "target_share": self.target, "target_met": self.met,
            "best_possible_share": num(self.best_possible_share),
            "solver": self.solver, "optimal": self.optimal,
            "approximate": not self.optimal, "bound": self.bound,
            "seconds": round(self.seconds, 3),
            "chosen": self.chosen[["candidate_id", "order", "gain_pop60", "gain_units"]]
            .to_dict(orient="records"),
            "targets": self.targets.to_dict(orient="records"),
            "notes": list(self.notes),
        }


def write_suggestion(suggestion: Suggestion, out_dir, *, lang: str = "zh") -> dict:
    """Write ``suggestions.csv``, ``suggestions.gpkg`` and ``summary.json`` into ``out_dir``.

    ``suggestions.csv`` has ``candidate_id``, ``order``, ``demand_gained``
    (60+ persons or the demand weights newly within the walk),
    ``gain_units``, ``name``, ``unit``, ``lon``, ``lat``, ``capacity``,
    ``served`` and ``reason`` (in ``lang``); headers in ``lang``.

    Returns
    -------
    dict
        Name → written path.
    """
    from pathlib import Path

    from planner.outputs.export import write_csv, write_gpkg, write_json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ch = suggestion.chosen
    table = pd.DataFrame({
        "candidate_id": ch["candidate_id"], "order": ch["order"], "demand_gained": ch["gain_pop60"],
        "gain_units": ch["gain_units"], "name": ch["name"], "unit": ch["unit"],
        "lon": ch["lon"].round(7), "lat": ch["lat"].round(7), "capacity": ch["capacity"],
        "served": ch["served"], "reason": ch["reason_zh" if lang == "zh" else "reason_en"]})
    return {"csv": write_csv(table, out / "suggestions.csv", lang=lang),
            "gpkg": write_gpkg({"suggestions": suggestion.layer()}, out / "suggestions.gpkg"),
            "summary": write_json(suggestion.summary(), out / "summary.json")}


def suggest_sites(
    model: Model,
    facility_type: str,
    *,
    count: int | None = None,
    target: float | None = None,
    minutes: float | None = None,
    candidates: gpd.GeoDataFrame | str | None = None,
    demand: gpd.GeoDataFrame | None = None,
    objective: str = "auto",
    target_id: str | None = None,
    method: str = "auto",
    capacitated: bool = False,
    served_per_place: float = 1.0,
    spacing: float | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Suggestion:
    """Suggest new sites of a type, the existing ones kept (MCLP or LSCP).

    Parameters
    ----------
    model : Model
    facility_type : str
        E.g. ``'day_care'``, ``'mutual_aid'``.
    count : int, optional
        Choose this many sites that add the most (maximal covering).
    target : float, optional
        Choose the fewest sites that reach this share, 0–1 (set covering).
        Exactly one of ``count`` and ``target``.
    minutes : float, optional
        Catchment walk (default: the target's minutes for the ``units``
        objective, else the profile's catchment of the type).
    candidates : GeoDataFrame or 'generate', optional
        Candidate points (any CRS; id from ``candidate_id``, ``facility_id``,
        ``point_id`` or ``id``; optional ``capacity``, ``name``, and ``type``
        to filter on).  Default: the model's facilities of the type with
        status ``candidate``, or generated ones if there are none.
    demand : GeoDataFrame, optional
        Weighted demand points (column ``weight``) instead of the model's 60+
        demand; the objective is then ``population`` (their weight).
    objective : {'auto', 'population', 'units'}
        ``auto``: ``units`` for a target when the profile has a unit target
        for the type (e.g. mutual-aid sites for 85 % of villages), else
        ``population``.
    target_id : str, optional
        The profile target for the ``units`` objective (default: the type's
        unit target).
    method : {'auto', 'milp', 'greedy'}
    capacitated : bool
        Cap the people each new site serves at its places × ``served_per_place``.
    served_per_place : float
    spacing : float, optional
        Spacing of generated candidates (metres).
    time_limit : float
        Seconds for the MILP.

    Returns
    -------
    Suggestion

    Raises
    ------
    InputError
        Bad arguments or no candidates.
    SolverError
        The solver failed.
    """
    _check_type(facility_type)
    if (count is None) == (target is None):
        raise InputError("give either a number of sites or a target share, not both/neither",
                         hint="--count K or --target SHARE (e.g. 0.85)")
    if target is not None and target > 1:
        raise InputError(f"target share must be between 0 and 1, got {target}",
                         hint="write 85 % as 0.85")
    notes: list[str] = []
    tgt = type_target(model, facility_type, target_id)
    if objective == "auto":
        objective = "units" if (target is not None and tgt is not None and demand is None) else "population"
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective {objective!r}", hint=f"use one of {OBJECTIVES}")
    if objective == "units":
        if tgt is None:
            raise InputError(f"the profile has no unit target for {facility_type!r}",
                             hint="use the population objective")
        if demand is not None:
            raise InputError("the units objective uses the boundaries' population, not --demand")
        if capacitated:
            raise InputError("capacitated suggestions use the population objective")
        if tgt.facility_types != (facility_type,):
            raise InputError(f"target {tgt.id!r} counts {', '.join(tgt.facility_types)}, "
                             f"not only {facility_type}")
        minutes = float(minutes if minutes is not None else (tgt.minutes or model.profile.catchment(facility_type)))
    else:
        minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    if not minutes > 0:
        raise InputError(f"walking minutes must be positive, got {minutes}")

    # demand and what the existing facilities already cover
    if demand is None:
        dsnap = model.demand_snap
        weights = model.demand["w60"].to_numpy(float)
        mins, _ = model.demand_minutes(facility_type)
        dunit = model.demand["unit"].to_numpy()
    else:
        if "weight" not in demand.columns:
            raise InputError("demand points need a weight column", hint="CSV: id, longitude, latitude, weight")
        d = demand.to_crs(model.network.crs)
        dsnap = snap_points(model.network, shapely.get_x(d.geometry.values),
                            shapely.get_y(d.geometry.values), max_snap=model.facility_snap.max_snap)
        weights = pd.to_numeric(d["weight"], errors="coerce").fillna(0).to_numpy(float)
        dist, _ = model.point_distance(dsnap, facility_type)
        mins = dist / model.speed / 60.0
        dunit = None
    covered = mins <= minutes

    # candidates
    cand, source = _candidates(model, facility_type, candidates, minutes, spacing,
                               covered if demand is None else None)
    if len(cand) == 0:
        raise InputError(f"no candidate sites for {FACILITY_TYPES[facility_type].zh} ({facility_type})",
                         hint="pass --candidates, add facilities with status 'candidate', or let "
                              "candidates be generated (gap areas may be fully covered already)")
    c = cand.to_crs(model.network.crs)
    cx, cy = shapely.get_x(c.geometry.values), shapely.get_y(c.geometry.values)
    csnap = snap_points(model.network, cx, cy, max_snap=model.facility_snap.max_snap)
    if csnap.far.any():
        notes.append(f"{int(csnap.far.sum())} candidates are more than {csnap.max_snap:.0f} m from a street")
    cunit = unit_of(model.units, cx, cy)
    cover = candidate_coverage(model, csnap, minutes, demand=dsnap)

    units_rule = None
    if objective == "units":
        units_rule = UnitRule(demand_unit=dunit, candidate_unit=cunit,
                              applies=model.units["kind"].to_numpy() == tgt.unit_kind,
                              rule=tgt.rule, unit_share=tgt.unit_share,
                              inside_before=model.facilities_inside(facility_type))
    cap = None
    if capacitated:
        raw = pd.to_numeric(cand.get("capacity", pd.Series(np.nan, index=cand.index)), errors="coerce")
        raw = raw.to_numpy(float)
        if np.isnan(raw).any():
            fill = _typical_capacity(model, facility_type)
            notes.append(f"{int(np.isnan(raw).sum())} candidates without places: assumed {fill:g} "
                         "(median of the existing ones)")
            raw = np.where(np.isnan(raw), fill, raw)
        cap = raw * float(served_per_place)
    problem = CoverProblem(cover, weights, covered, units=units_rule, capacity=cap)

    if count is not None:
        if count > len(cand):
            notes.append(f"only {len(cand)} candidates: all are chosen")
        sol = maximal_covering(problem, count, objective=objective, method=method, time_limit=time_limit)
    else:
        sol = set_covering(problem, float(target), objective=objective, method=method,
                           time_limit=time_limit)
        if not sol.met:
            notes.append("the target cannot be reached with these candidates; the sites shown get as "
                         "close as possible")
    total = _objective_total(problem, objective)
    chosen = _chosen_frame(model, cand, cunit, sol, facility_type, minutes, objective, tgt)
    targets = _target_table(model, facility_type, chosen)

    def share(v: float) -> float:
        return v / total if total > 0 else np.nan

    return Suggestion(
        chosen=chosen, facility_type=facility_type, mode="count" if count is not None else "target",
        objective=objective, minutes=minutes, before=sol.before, after=sol.after, total=total,
        share_before=share(sol.before), share_after=share(sol.after), target=target, met=sol.met,
        best_possible_share=share(sol.best_possible), solver=sol.solver, optimal=sol.optimal,
        bound=sol.bound, seconds=sol.seconds, n_candidates=len(cand), candidates_source=source,
        targets=targets, target_id=tgt.id if (objective == "units" and tgt) else None,
        weight_before=sol.weight_before, weight_after=sol.weight_after, notes=tuple(notes))


def _typical_capacity(model: Model, facility_type: str) -> float:
    cap = pd.to_numeric(model.facilities.loc[model.type_mask(facility_type), "capacity"], errors="coerce")
    return float(cap.median()) if cap.notna().any() else 30.0


_ID_COLUMNS = ("candidate_id", "facility_id", "point_id", "id")


def _candidates(model, facility_type, candidates, minutes, spacing, covered):
    """Candidate points (WGS-84) with ``candidate_id``, ``name``, ``capacity``; and their source."""
    if isinstance(candidates, str):
        if candidates != "generate":
            raise InputError(f"candidates must be a point layer or 'generate', got {candidates!r}")
        return generate_candidates(model, facility_type, minutes=minutes, spacing=spacing,
                                   covered=covered), "generated"
    if candidates is None:
        f = model.facilities
        rows = f[(f["status"] == "candidate") & (f["type"] == facility_type)]
        if len(rows):
            out = rows.rename(columns={"facility_id": "candidate_id"})[
                ["candidate_id", "name", "capacity", "geometry"]].to_crs("EPSG:4326")
            return out.reset_index(drop=True), "model"
        return generate_candidates(model, facility_type, minutes=minutes, spacing=spacing,
                                   covered=covered), "generated"
    g = candidates
    if not isinstance(g, gpd.GeoDataFrame) or g.crs is None:
        raise InputError("candidates must be a GeoDataFrame of points with a CRS")
    if not (g.geometry.geom_type == "Point").all():
        raise InputError("candidates must be points")
    if "type" in g.columns:
        mine = g["type"].astype(str).isin([facility_type, FACILITY_TYPES[facility_type].zh])
        if "status" in g.columns:
            mine &= g["status"].astype(str).isin(["candidate", "候选", "备选"])
        g = g[mine]
    idcol = next((c for c in _ID_COLUMNS if c in g.columns), None)
    ids = (g[idcol].astype(str).to_numpy() if idcol else
           np.array([f"C{m + 1:04d}" for m in range(len(g))], dtype=object))
    if len(set(ids)) != len(ids):
        raise InputError("candidate ids must be unique")
    out = gpd.GeoDataFrame({"candidate_id": ids,
                            "name": g["name"].astype(str).to_numpy() if "name" in g.columns else ids,
                            "capacity": pd.to_numeric(g["capacity"], errors="coerce").to_numpy(float)
                            if "capacity" in g.columns else np.nan},
                           geometry=g.geometry.values, crs=g.crs).to_crs("EPSG:4326")
    return out.reset_index(drop=True), "given"


def _chosen_frame(model, cand, cunit, sol: Solution, facility_type, minutes, objective, tgt) -> pd.DataFrame:
    idx = sol.chosen
    sel = cand.iloc[idx]
    names = model.units["name"].astype(str).to_numpy()
    u = cunit[idx]
    unit_name = np.where(u >= 0, names[np.clip(u, 0, None)] if names.size else "", "")
    zh_t = FACILITY_TYPES[facility_type].zh
    en_t = FACILITY_TYPES[facility_type].en
    rz, re_ = [], []
    for m in range(idx.size):
        gp, gu = sol.gain_weight[m], int(sol.gain_units[m])
        z = f"第{m + 1}个选入：新增步行{minutes:g}分钟内{zh_t}覆盖{gp:,.0f}人(60岁以上)"
        e = f"chosen {_ordinal(m + 1)}: adds {gp:,.0f} people (60+) within {minutes:g} min of a {en_t}"
        if objective == "units":
            z += f"，使{gu}个{'行政村' if tgt.unit_kind == 'village' else '社区'}新达标"
            e += f"; brings {gu} {tgt.unit_kind}{'s' if gu != 1 else ''} to the target"
        if "capacitated" in sol.bound:
            z += "(按名额上限)"
            e += " (capped by its places)"
        if unit_name[m]:
            z += f"；位于{unit_name[m]}"
            e += f"; in {unit_name[m]}"
        if gp <= 0 and gu <= 0:
            z += "；无新增覆盖(仅为凑足数量)"
            e += "; no further gain (fills the requested number)"
        rz.append(z)
        re_.append(e)
    return pd.DataFrame({
        "candidate_id": sel["candidate_id"].astype(str).to_numpy(),
        "order": np.arange(1, idx.size + 1),
        "name": sel["name"].astype(str).to_numpy() if "name" in sel.columns else sel["candidate_id"].astype(str).to_numpy(),
        "lon": shapely.get_x(sel.geometry.values), "lat": shapely.get_y(sel.geometry.values),
        "unit": unit_name.astype(object),
        "gain_pop60": np.round(sol.gain_weight, 3),
        "gain_units": np.asarray(sol.gain_units, np.int64),
        "capacity": pd.to_numeric(sel["capacity"], errors="coerce").to_numpy(float)
        if "capacity" in sel.columns else np.nan,
        "served": np.round(sol.served, 3),
        "reason_zh": rz, "reason_en": re_,
    })


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def add_suggestions(model: Model, suggestion: Suggestion, *, status: str = "planned") -> Model:
    """The model with the suggested sites added as facilities of ``status``.

    A site that is one of the model's own ``candidate`` facilities has its
    status changed (id and name kept); any other is added with its candidate
    id (a new id if the model already uses that one).

    Parameters
    ----------
    model : Model
    suggestion : Suggestion
        From :func:`suggest_sites`.
    status : str
        Status of the new facilities (default ``planned``, which counts
        toward coverage).

    Returns
    -------
    Model
        A new model; ``model`` is unchanged.
    """
    return _add_chosen(model, suggestion.facility_type, suggestion.chosen, status)


def _add_chosen(model: Model, facility_type: str, chosen: pd.DataFrame,
                status: str = "planned") -> Model:
    m = model
    f = model.facilities
    ids = f["facility_id"].astype(str)
    own = set(ids[(f["status"] == "candidate") & (f["type"] == facility_type)])
    taken = set(ids)
    for row in chosen.itertuples(index=False):
        if row.candidate_id in own:  # the model's own candidate row: promote it, keeping id and name
            m = m.with_status(row.candidate_id, status)
            continue
        fid = row.candidate_id if row.candidate_id not in taken else None
        m = m.add_facility(facility_type, float(row.lon), float(row.lat),
                           name=str(row.name), capacity=float(row.capacity)
                           if np.isfinite(row.capacity) else np.nan, status=status,
                           facility_id=fid)
    return m


def _target_table(model: Model, facility_type: str, chosen: pd.DataFrame) -> pd.DataFrame:
    from planner.analysis.coverage import score_target

    targets = [t for t in model.profile.targets if facility_type in t.facility_types]
    cols = ["target_id", "label_zh", "label_en", "value_before", "value_after", "target",
            "met_before", "met_after"]
    if not targets:
        return pd.DataFrame(columns=cols)
    after = _add_chosen(model, facility_type, chosen)
    rows = []
    for t in targets:
        b, a = score_target(model, t), score_target(after, t)
        rows.append({"target_id": t.id, "label_zh": t.label_zh, "label_en": t.label_en,
                     "value_before": b.value, "value_after": a.value,
                     "target": float(t.min_count) if t.measure == "count" else t.share,
                     "met_before": b.met, "met_after": a.met})
    return pd.DataFrame(rows, columns=cols)


__all__ = [
    "CoverProblem",
    "Evaluation",
    "Solution",
    "Suggestion",
    "UnitRule",
    "add_suggestions",
    "candidate_coverage",
    "evaluate",
    "generate_candidates",
    "maximal_covering",
    "set_covering",
    "suggest_sites",
    "type_target",
    "write_suggestion",
]

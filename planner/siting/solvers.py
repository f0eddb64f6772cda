"""Solvers of the covering problems: maximal covering (MCLP) and set covering (LSCP).

Each works on a :class:`planner.siting.problem.CoverProblem`, exactly by
integer programming with HiGHS (``scipy.optimize.milp``, no extra solver) or
greedily (approximate, said so in :attr:`Solution.bound`).

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

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from planner._errors import InputError, SolverError
from planner.io.problems import problem_of
from planner.siting.problem import OBJECTIVES, CoverProblem, Solution, UnitRule, evaluate, units_met
from planner.text import tr

DEFAULT_TIME_LIMIT = 60.0  # seconds for one HiGHS solve
AUTO_MILP_MAX_NNZ = 3_000_000  # "auto" uses the exact MILP up to this many candidate-demand pairs
GREEDY_BOUND = 1.0 - 1.0 / np.e
_MIP_REL_GAP = 1e-9  # near-exact optimum: the answer must equal spopt's on the same matrix
METHODS = ("auto", "milp", "greedy")
_NO_RULE = UnitRule(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, bool))  # population objective


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
        raise problem_of(InputError, "siting_new_sites_count", None, (), k=k)
    k = min(int(k), problem.n_candidates)
    method = _pick_method(problem, method)
    t0 = time.perf_counter()
    if problem.capacity is not None:
        if objective != "population":
            raise problem_of(InputError, "siting_capacitated_objective")
        return _capacitated(problem, k, None, method, time_limit, t0)
    if method == "greedy":
        chosen = _greedy(problem, objective, k=k)
        return _solution(problem, objective, chosen, None, "greedy", False, np.nan, t0,
                         bound=_greedy_bound(objective, "mclp"))
    try:
        x, optimal, gap, solver = _milp_solve(problem, objective, k=k, target=None,
                                              time_limit=time_limit)
    except SolverError as exc:
        if exc.code != "siting_highs_time_limit":  # stopped by the time limit: fall back
            raise
        x, optimal, gap, solver = None, False, np.nan, ""
    if not optimal:
        # time limit: keep the better of HiGHS's incumbent and the greedy answer
        g = _greedy(problem, objective, k=k)
        if x is None or _value(problem, objective, g) > _value(problem, objective, np.nonzero(x)[0]):
            return _solution(problem, objective, g, None,
                             f"greedy (HiGHS stopped at the {time_limit:g} s time limit with a worse "
                             "or no solution)", False, gap, t0, bound=_greedy_bound(objective, "mclp"))
    assert x is not None  # an optimal solve always has a solution
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
        raise problem_of(InputError, "siting_target_share_range", None, (), share=share)
    method = _pick_method(problem, method)
    t0 = time.perf_counter()
    total = objective_total(problem, objective)
    needed = share * total
    everything = evaluate(problem, range(problem.n_candidates))
    best = everything.units_met if objective == "units" else everything.weight
    if problem.capacity is not None:
        if objective != "population":
            raise problem_of(InputError, "siting_capacitated_units")
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
        if exc.code != "siting_highs_time_limit":  # stopped by the time limit: fall back
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
        raise InputError(f"unknown objective {objective!r}", hint=f"use one of {OBJECTIVES}",
                         code="siting_unknown_objective",
                         params={"objective": objective, "objectives@en": str(OBJECTIVES),
                                 "objectives@zh": tr("io.sep.list", "zh").join(OBJECTIVES)})
    if objective == "units" and problem.units is None:
        raise problem_of(InputError, "siting_units_need_rule")


def _pick_method(problem: CoverProblem, method: str) -> str:
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}", hint=f"use one of {METHODS}",
                         code="siting_unknown_method",
                         params={"method": method, "methods@en": str(METHODS),
                                 "methods@zh": tr("io.sep.list", "zh").join(METHODS)})
    if method == "auto":
        return "milp" if problem.cover.nnz <= AUTO_MILP_MAX_NNZ else "greedy"
    return method


def objective_total(problem: CoverProblem, objective: str) -> float:
    """The objective's maximum: the number of units scored, or the total demand weight."""
    if objective == "units":
        return float(problem.rule.applies.sum())
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
    resid = np.where(problem.done, 0.0, problem.weights)
    avail = np.ones(n_c, bool) if allowed is None else allowed.copy()
    chosen: list[int] = []
    units = objective == "units"
    total_w = float(problem.weights.sum())
    if units:
        r = problem.rule
        unit_total, unit_cov = problem.unit_totals()
        met = units_met(problem, problem.done, np.empty(0, np.int64))
        ok = r.demand_unit >= 0
        d_unit = sp.csr_matrix((np.ones(int(ok.sum())), (np.nonzero(ok)[0], r.demand_unit[ok])),
                               shape=(resid.shape[0], r.n_units))
        unit_cov = unit_cov.copy()
    current = (float(met[r.applies].sum()) if units
               else float(problem.weights[problem.done].sum()))
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
    r = problem.rule
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
    r = problem.rule
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
    r = problem.rule if units else _NO_RULE
    # only points not yet covered and reachable by some candidate can change
    cols = np.nonzero(reach & ~problem.done & (w > 0))[0]
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
        met0 = units_met(problem, problem.done, np.empty(0, np.int64))
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
        start = float(w[problem.done].sum())
    if k is not None:
        count = np.zeros(n_vars)
        count[:n_c] = 1.0
        rows.append(sp.csr_matrix(count))
        lo.append(np.array([float(k)]))
        hi.append(np.array([float(k)]))
        cost = -gain_row - tie
    else:
        if target is None:
            raise problem_of(InputError, "siting_lscp_needs_target")
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
        raise problem_of(SolverError, "siting_highs_time_limit", None, (), seconds=time_limit)
    if res.status == 2:
        raise problem_of(SolverError, "siting_milp_infeasible")
    raise problem_of(SolverError, "siting_highs_failed", None, (), detail=str(res.message))


# -- capacitated -------------------------------------------------------------
def _capacitated(problem: CoverProblem, k: int | None, needed: float | None, method: str,
                 time_limit: float, t0: float) -> Solution:
    """Each site serves at most its capacity; demand is split among sites in reach."""
    cap = np.asarray(problem.capacity, float)
    resid = np.where(problem.done, 0.0, problem.weights)
    reach_w = problem.pattern @ resid
    cap = np.where(np.isfinite(cap) & (cap >= 0), np.minimum(cap, reach_w), reach_w)
    start = float(problem.weights[problem.done].sum())
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


__all__ = [
    "AUTO_MILP_MAX_NNZ",
    "DEFAULT_TIME_LIMIT",
    "GREEDY_BOUND",
    "METHODS",
    "maximal_covering",
    "objective_total",
    "set_covering",
]

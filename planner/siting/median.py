"""p-median and p-center on a sparse cost matrix, the existing sites kept (spopt's ``PMedian``/``PCenter``).

A :class:`MedianProblem` holds the walking minutes from each demand point to
each candidate within the search limit (an explicit sparse entry; a stored 0
is a walk of 0), the demand weights and each point's walk to its nearest
existing site.  :func:`p_median` opens ``k`` candidates minimising the total
weighted walk to the nearest open site (existing or new); :func:`p_center`
minimises the worst walk (ties broken by the total walk).  Both are exact
with HiGHS (``scipy.optimize.milp``); a greedy method, labelled approximate,
serves very large cases.

Demand that no site (existing or candidate) reaches within the search limit
is *outside*: it cannot change, is left out of the objective and is reported
in :attr:`MedianSolution.weight_outside`.  Demand that open sites may leave
unserved is charged ``unserved`` minutes (by default the search limit).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from planner._errors import InputError, SolverError
from planner.io.problems import problem_of
from planner.siting.solvers import DEFAULT_TIME_LIMIT, GREEDY_BOUND
from planner.text import tr

AUTO_MILP_MAX_PAIRS = 40_000  # "auto" uses the exact MILP up to this many useful demand-site pairs
MEDIAN_METHODS = ("auto", "milp", "greedy")
_GAP = 1e-9  # near-exact optimum: equal to spopt's on the same matrix


@dataclass(frozen=True, eq=False)
class MedianProblem:
    """Demand, candidates and the walks between them.

    Attributes
    ----------
    cost : scipy.sparse.csr_matrix
        Demand × candidates, walking minutes; an explicit entry where the
        candidate is within the search limit of the point.  A dense array is
        accepted (``inf``/NaN: out of reach).
    weights : ndarray
        Demand weight of each point (e.g. 60+ persons).
    existing : ndarray, optional
        Minutes from each point to its nearest existing site (``inf``: none in
        reach).  Default: no existing sites.
    capacity : ndarray, optional
        Demand weight each candidate can serve (capacitated p-median); NaN or
        inf for no cap.  Demand a new site cannot take keeps its current walk.
    unserved : float
        Minutes charged to demand that no open site reaches (it is at least
        this far: the search limit).  ``inf`` forces every point to be served.

    Examples
    --------
    >>> p = MedianProblem(np.array([[1.0, 5.0], [4.0, 1.0]]), weights=[1, 1])
    >>> p.n_candidates, p.outside.tolist()
    (2, [False, False])
    """

    cost: sp.csr_matrix
    weights: np.ndarray
    existing: np.ndarray | None = None
    capacity: np.ndarray | None = None
    unserved: float = np.inf

    def __post_init__(self) -> None:
        """Normalise the matrix and arrays; check that they agree."""
        c = self.cost
        if not sp.issparse(c):
            arr = np.asarray(c, float)
            ok = np.isfinite(arr)
            i, j = np.nonzero(ok)
            c = sp.csr_matrix((arr[i, j], (i, j)), shape=arr.shape)
        c = sp.csr_matrix(c, dtype=float)
        c.sum_duplicates()
        object.__setattr__(self, "cost", c)
        w = np.asarray(self.weights, float)
        if w.shape != (c.shape[0],):
            raise problem_of(InputError, "siting_cost_mismatch", None, (), rows=int(c.shape[0]), weights=int(w.size))
        if np.any(w < 0) or not np.all(np.isfinite(w)):
            raise problem_of(InputError, "siting_weights_invalid")
        object.__setattr__(self, "weights", w)
        e = np.full(w.size, np.inf) if self.existing is None else np.asarray(self.existing, float).copy()
        if e.shape != w.shape:
            raise problem_of(InputError, "siting_existing_length")
        e[np.isnan(e)] = np.inf
        object.__setattr__(self, "existing", e)
        if c.nnz and (c.data < 0).any():
            raise problem_of(InputError, "siting_minutes_negative")

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.cost.shape[1])

    @property
    def base(self) -> np.ndarray:
        """Each point's walk without new sites: to its existing site, else ``unserved``."""
        assert self.existing is not None
        return np.where(np.isfinite(self.existing), self.existing, self.unserved)

    @property
    def outside(self) -> np.ndarray:
        """Points no existing site nor any candidate reaches (bool)."""
        assert self.existing is not None
        return ~np.isfinite(self.existing) & (np.diff(self.cost.indptr) == 0)

    @property
    def active(self) -> np.ndarray:
        """Points in the objective: a positive weight and not outside."""
        return (self.weights > 0) & ~self.outside


@dataclass(frozen=True)
class MedianSolution:
    """The chosen candidates and the walks they give.

    Attributes
    ----------
    objective : str
        ``pmedian`` or ``pcenter``.
    chosen : ndarray of int
        Candidate positions, in the order of their marginal saving.
    saving : ndarray
        Weighted minutes each chosen site saves given those before it.
    served : ndarray
        Demand weight assigned to each chosen site.
    minutes : ndarray
        Each point's walk after (to its assigned site; ``unserved`` where none
        in reach; NaN outside).
    assigned : ndarray of int
        Candidate position each point walks to; -1 an existing site (or
        unserved), -2 outside.
    total_before, total_after : float
        Total weighted minutes (points in the objective).
    mean_before, mean_after : float
        Weighted mean walk (minutes).
    max_before, max_after : float
        Worst walk of a point with demand (minutes).
    weight_unserved : float
        Demand left beyond the search limit after the sites (charged ``unserved``).
    weight_outside : float
        Demand no site could reach (left out of the objective).
    n_outside : int
    value : float
        The objective's value: ``total_after`` (p-median) or ``max_after`` (p-center).
    solver : str
    optimal : bool
    gap : float
    bound : str
    seconds : float
    """

    objective: str
    chosen: np.ndarray
    saving: np.ndarray
    served: np.ndarray
    minutes: np.ndarray = field(repr=False)
    assigned: np.ndarray = field(repr=False)
    total_before: float
    total_after: float
    mean_before: float
    mean_after: float
    max_before: float
    max_after: float
    weight_unserved: float
    weight_outside: float
    n_outside: int
    value: float
    solver: str
    optimal: bool
    gap: float
    bound: str
    seconds: float


def walks(problem: MedianProblem, open_sites, flows: sp.spmatrix | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """Each point's walk to its nearest open site (existing ones included) and which candidate.

    Parameters
    ----------
    problem : MedianProblem
    open_sites : array-like of int
        Open candidates.
    flows : sparse matrix, optional
        Capacitated: demand × candidate share assigned (rows sum to ≤ 1);
        the rest keeps its base walk.  ``minutes`` is then the weighted mean.

    Returns
    -------
    minutes : ndarray
        NaN for points outside.
    assigned : ndarray of int
        Candidate position, -1 for an existing site or unserved, -2 outside.
    """
    base = problem.base.copy()
    idx = np.asarray(list(open_sites), np.int64)
    assigned = np.full(base.size, -1, np.int64)
    if flows is not None:
        f = sp.csr_matrix(flows)
        share = np.asarray(f.sum(axis=1)).ravel()
        cost = np.asarray(f.multiply(problem.cost).sum(axis=1)).ravel()
        mins = cost + (1 - share) * np.where(share < 1 - 1e-9, base, 0.0)
        assigned[share > 0.5] = np.asarray(f.argmax(axis=1)).ravel()[share > 0.5]
    else:
        mins = base
        if idx.size:
            sub = problem.cost[:, idx].tocoo()
            best = np.full(base.size, np.inf)
            np.minimum.at(best, sub.row, sub.data)
            better = best < base
            who = np.full(base.size, -1, np.int64)
            hit = sub.data <= best[sub.row]
            who[sub.row[hit]] = idx[sub.col[hit]]
            mins = np.where(better, best, base)
            assigned[better] = who[better]
    out = problem.outside
    mins = np.where(out, np.nan, mins)
    assigned[out] = -2
    return mins, assigned


# -- p-median -----------------------------------------------------------------
def p_median(problem: MedianProblem, k: int, *, method: str = "auto",
             time_limit: float = DEFAULT_TIME_LIMIT) -> MedianSolution:
    """Open ``k`` candidates minimising the total weighted walk to the nearest open site.

    Parameters
    ----------
    problem : MedianProblem
    k : int
        Number of new sites (capped at the number of candidates).
    method : {'auto', 'milp', 'greedy'}
        ``milp``: exact (HiGHS); ``greedy``: one site at a time, approximate;
        ``auto``: MILP unless the problem is very large.
    time_limit : float
        Seconds for HiGHS; a solution found within it is returned labelled
        not optimal.

    Returns
    -------
    MedianSolution

    Raises
    ------
    SolverError
        HiGHS fails, or ``unserved`` is inf and ``k`` sites cannot reach all demand.

    Examples
    --------
    Two clusters of homes, three candidate places; two sites:

    >>> cost = np.array([[1, 9, 5], [1, 9, 5], [9, 1, 5], [9, 1, 5.0]])
    >>> s = p_median(MedianProblem(cost, weights=[1, 1, 1, 1]), 2)
    >>> sorted(s.chosen.tolist()), s.value, s.optimal
    ([0, 1], 4.0, True)
    """
    t0 = time.perf_counter()
    k = _check_k(problem, k)
    method = _method(problem, method)
    if method == "greedy":
        chosen, flows = _swap_improve(problem, _greedy_median(problem, k)), None
        solver, optimal, gap = "greedy with vertex substitution (Teitz-Bart)", False, np.nan
        bound = (f"greedy: at least {GREEDY_BOUND:.1%} (1 − 1/e) of the optimal saving"
                 if np.isfinite(problem.base[problem.active]).all() else "greedy heuristic; no guarantee")
        if problem.capacity is not None:
            flows = _cap_flows(problem, chosen)
            bound = "greedy, capacitated; approximate"
    else:
        chosen, flows, optimal, gap, solver = _milp_median(problem, k, None, time_limit)
        bound = "exact optimum" if optimal else "feasible, not proven optimal (time limit)"
        if problem.capacity is not None:
            bound = "capacitated: each new site serves at most its places; " + bound
    return _result(problem, "pmedian", chosen, flows, solver, optimal, gap, bound, t0)


def p_center(problem: MedianProblem, k: int, *, method: str = "auto",
             time_limit: float = DEFAULT_TIME_LIMIT) -> MedianSolution:
    """Open ``k`` candidates minimising the worst walk of a point with demand.

    Exact by bisection over the distinct walks: a radius is feasible when at
    most ``k`` candidates bring every point within it (a set covering MILP).
    Among the sites meeting the smallest feasible radius the total walk is
    then minimised (a p-median restricted to that radius).

    Parameters
    ----------
    problem : MedianProblem
        Capacities are not used.
    k : int
    method : {'auto', 'milp', 'greedy'}
        ``greedy``: greedy set covering in the bisection (approximate).
    time_limit : float
        Seconds for each HiGHS solve.

    Returns
    -------
    MedianSolution

    Examples
    --------
    >>> cost = np.array([[1, 9, 5], [1, 9, 5], [9, 1, 5], [9, 1, 5.0]])
    >>> s = p_center(MedianProblem(cost, weights=[1, 1, 1, 1]), 1)
    >>> s.chosen.tolist(), s.value
    ([2], 5.0)
    """
    t0 = time.perf_counter()
    if problem.capacity is not None:
        raise problem_of(InputError, "siting_pcenter_capacity")
    k = _check_k(problem, k)
    method = _method(problem, method)
    act = problem.active
    base = problem.base
    c = problem.cost.tocoo()
    keep = act[c.row] & (c.data < base[c.row])
    vals = np.unique(np.r_[c.data[keep], base[act & np.isfinite(base)]])
    # lower bound: every candidate open
    best_all = base.copy()
    np.minimum.at(best_all, c.row[keep], c.data[keep])
    lb = float(best_all[act].max()) if act.any() else 0.0
    vals = vals[vals >= lb - 1e-12]
    exact = method == "milp"
    lo, hi = 0, vals.size - 1
    found = None
    if vals.size == 0 or not np.isfinite(lb):
        raise problem_of(SolverError, "siting_demand_unreachable")
    while lo <= hi:
        mid = (lo + hi) // 2
        sites = _cover_within(problem, float(vals[mid]), k, exact, time_limit)
        if sites is not None:
            found, hi = (float(vals[mid]), sites), mid - 1
        else:
            lo = mid + 1
    if found is None:
        raise problem_of(SolverError, "siting_sites_cannot_reach", None, (), k=k)
    radius, _ = found
    # among solutions meeting the radius, the least total walk
    sub = _within(problem, radius)
    if exact:
        chosen, _, optimal, gap, solver = _milp_median(sub, k, None, time_limit)
        solver = f"bisection over walks with HiGHS set covering; {solver}"
        bound = "exact optimum (worst walk); total walk minimised among the optimal sites"
        if not optimal:
            bound = "worst walk exact; total walk not proven optimal (time limit)"
    else:
        chosen, optimal, gap = _greedy_median(sub, k), False, np.nan
        solver = "greedy set covering in a bisection"
        bound = "greedy heuristic; approximate worst walk"
    return _result(problem, "pcenter", chosen, None, solver, optimal and exact, gap, bound, t0)


def _within(problem: MedianProblem, radius: float) -> MedianProblem:
    """The problem with walks beyond ``radius`` removed (they cannot be used)."""
    c = problem.cost.tocoo()
    ok = c.data <= radius + 1e-12
    cost = sp.csr_matrix((c.data[ok], (c.row[ok], c.col[ok])), shape=c.shape)
    assert problem.existing is not None
    ex = np.where(problem.existing <= radius + 1e-12, problem.existing, np.inf)
    # a point beyond the radius everywhere must be served; keep outside ones outside
    return MedianProblem(cost, np.where(problem.active, problem.weights, 0.0), ex, None,
                         problem.unserved if problem.unserved <= radius + 1e-12 else np.inf)


def _cover_within(problem: MedianProblem, radius: float, k: int, exact: bool,
                  time_limit: float) -> np.ndarray | None:
    """At most ``k`` candidates bringing every point in the objective within ``radius``, or None."""
    act = problem.active & ~(problem.base <= radius + 1e-12)
    c = problem.cost.tocoo()
    ok = act[c.row] & (c.data <= radius + 1e-12)
    rows = np.unique(c.row[ok])
    if rows.size < int(act.sum()):
        return None  # some point has no candidate within the radius
    if rows.size == 0:
        return np.empty(0, np.int64)
    pos = np.searchsorted(rows, c.row[ok])
    A = sp.csr_matrix((np.ones(int(ok.sum())), (pos, c.col[ok])), shape=(rows.size, problem.n_candidates))
    if not exact:
        chosen = _greedy_cover(A)
        return chosen if chosen.size <= k else None
    A.data[:] = 1.0
    n = problem.n_candidates
    cons = [LinearConstraint(A, 1, np.inf), LinearConstraint(np.ones((1, n)), 0, k)]
    res = milp(np.ones(n), constraints=cons, integrality=np.ones(n), bounds=Bounds(0, 1),
               options={"time_limit": float(time_limit), "disp": False})
    if res.status == 2:
        return None
    if res.x is None:
        raise problem_of(SolverError, "siting_pcenter_time_limit", None, (), seconds=time_limit)
    return np.nonzero(res.x > 0.5)[0]


def _greedy_cover(A: sp.csr_matrix) -> np.ndarray:
    left = np.ones(A.shape[0], bool)
    csc = A.tocsc()
    chosen: list[int] = []
    while left.any():
        gain = csc.T @ left.astype(float)
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        left[csc.indices[csc.indptr[j]:csc.indptr[j + 1]]] = False
    return np.asarray(chosen, np.int64)


def _check_k(problem: MedianProblem, k: int) -> int:
    if k < 0:
        raise problem_of(InputError, "siting_new_sites_count", None, (), k=k)
    return min(int(k), problem.n_candidates)


def _method(problem: MedianProblem, method: str) -> str:
    if method not in MEDIAN_METHODS:
        raise InputError(f"unknown method {method!r}", hint=f"use one of {MEDIAN_METHODS}",
                         code="siting_unknown_method",
                         params={"method": method, "methods@en": str(MEDIAN_METHODS),
                                 "methods@zh": tr("io.sep.list", "zh").join(MEDIAN_METHODS)})
    if method == "auto":
        return "milp" if _pairs(problem)[0].size <= AUTO_MILP_MAX_PAIRS else "greedy"
    return method


def _pairs(problem: MedianProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand-candidate pairs that can shorten a walk: (rows, cols, minutes)."""
    c = problem.cost.tocoo()
    keep = problem.active[c.row] & (c.data < problem.base[c.row])
    return c.row[keep], c.col[keep], c.data[keep]


def _milp_median(problem: MedianProblem, k: int, _unused, time_limit: float):
    """Exact (capacitated) p-median: y sites, x pairs, z keep-current-walk."""
    n_c = problem.n_candidates
    i, j, d = _pairs(problem)
    w = problem.weights
    base = problem.base
    pts = np.unique(i)
    must = pts[~np.isfinite(base[pts])]  # no current walk: must be served by a new site
    n_x, n_p = i.size, pts.size
    # z only for points that can keep their current walk
    zpts = pts[np.isfinite(base[pts])]
    n_z = zpts.size
    act = problem.active
    lonely = act & ~np.isfinite(base) & ~np.isin(np.arange(w.size), pts)
    if lonely.any():  # reached only by candidates that are no better: impossible with inf base
        raise problem_of(SolverError, "siting_demand_unservable")
    n_v = n_c + n_x + n_z
    xs = n_c + np.arange(n_x)
    zs = n_c + n_x + np.arange(n_z)
    ppos = np.searchsorted(pts, i)
    zpos = np.searchsorted(pts, zpts)
    # each point: sum x + z = 1
    assign = sp.csr_matrix((np.r_[np.ones(n_x), np.ones(n_z)], (np.r_[ppos, zpos], np.r_[xs, zs])),
                           shape=(n_p, n_v))
    rows = [assign]
    lo = [np.ones(n_p)]
    hi = [np.ones(n_p)]
    cap = problem.capacity
    if cap is None:
        link = sp.csr_matrix((np.r_[np.ones(n_x), -np.ones(n_x)], (np.r_[np.arange(n_x), np.arange(n_x)],
                                                                   np.r_[xs, j])), shape=(n_x, n_v))
        rows.append(link)
        lo.append(np.full(n_x, -np.inf))
        hi.append(np.zeros(n_x))
    else:
        capv = np.asarray(cap, float)
        capv = np.where(np.isfinite(capv) & (capv >= 0), capv, w.sum() + 1.0)
        load = sp.csr_matrix((np.r_[w[i], -capv], (np.r_[j, np.arange(n_c)], np.r_[xs, np.arange(n_c)])),
                             shape=(n_c, n_v))
        link = sp.csr_matrix((np.r_[np.ones(n_x), -np.ones(n_x)], (np.r_[np.arange(n_x), np.arange(n_x)],
                                                                   np.r_[xs, j])), shape=(n_x, n_v))
        rows += [load, link]
        lo += [np.full(n_c, -np.inf), np.full(n_x, -np.inf)]
        hi += [np.zeros(n_c), np.zeros(n_x)]
        if must.size:
            raise problem_of(InputError, "siting_capacitated_needs_walk")
    cnt = np.zeros(n_v)
    cnt[:n_c] = 1
    rows.append(sp.csr_matrix(cnt))
    lo.append(np.array([float(k)]))
    hi.append(np.array([float(k)]))
    cost = np.zeros(n_v)
    cost[xs] = w[i] * d
    cost[zs] = w[zpts] * base[zpts]
    integ = np.zeros(n_v)
    integ[:n_c] = 1
    res = milp(cost, constraints=LinearConstraint(sp.vstack(rows, format="csr"), np.concatenate(lo),
                                                  np.concatenate(hi)),
               integrality=integ, bounds=Bounds(0, 1),
               options={"time_limit": float(time_limit), "mip_rel_gap": _GAP, "disp": False})
    if res.status == 2:
        raise problem_of(SolverError, "siting_new_sites_insufficient", None, (), k=k)
    if res.x is None:
        raise problem_of(SolverError, "siting_median_time_limit", None, (), seconds=time_limit,
                         detail=str(res.message))
    optimal = res.status == 0
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0) if optimal else float(getattr(res, "mip_gap", np.nan))
    chosen = np.nonzero(res.x[:n_c] > 0.5)[0]
    flows = None
    if cap is not None:
        flows = sp.csr_matrix((res.x[xs], (i, j)), shape=problem.cost.shape)
    solver = "HiGHS MILP (scipy.optimize.milp)" + (", capacitated" if cap is not None else "")
    if not optimal:
        solver += f", stopped at the {time_limit:g} s time limit (gap {gap:.2%})"
    return chosen, flows, optimal, gap, solver


def _greedy_median(problem: MedianProblem, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """Add the candidate saving the most weighted minutes, one at a time."""
    i, j, d = _pairs(problem)
    w = problem.weights
    cur = problem.base.copy()
    finite = cur[np.isfinite(cur)]
    big = 10.0 * (max(float(d.max()) if d.size else 0.0, float(finite.max()) if finite.size else 0.0) + 1.0)
    cur[~np.isfinite(cur)] = big  # must-serve points: a large charge until served
    avail = np.ones(problem.n_candidates, bool) if allowed is None else allowed.copy()
    chosen: list[int] = []
    order = np.argsort(j, kind="stable")
    i, j, d = i[order], j[order], d[order]
    starts = np.searchsorted(j, np.arange(problem.n_candidates + 1))
    while len(chosen) < k and avail.any():
        gain = np.bincount(j, weights=w[i] * np.maximum(cur[i] - d, 0.0), minlength=problem.n_candidates)
        gain = np.where(avail, gain, -np.inf)
        b = int(np.argmax(gain))
        chosen.append(b)
        avail[b] = False
        sl = slice(starts[b], starts[b + 1])
        cur[i[sl]] = np.minimum(cur[i[sl]], d[sl])
    return np.asarray(chosen, np.int64)


def _swap_improve(problem: MedianProblem, chosen: np.ndarray, max_passes: int = 50) -> np.ndarray:
    """Vertex substitution: swap an open site for a closed one while the total walk falls."""
    i, j, d = _pairs(problem)
    if chosen.size == 0 or i.size == 0:
        return chosen
    w = problem.weights
    base = problem.base.copy()
    finite = base[np.isfinite(base)]
    big = 10.0 * (max(float(d.max()), float(finite.max()) if finite.size else 0.0) + 1.0)
    base[~np.isfinite(base)] = big
    act = problem.active
    n_c = problem.n_candidates
    current = chosen.copy()
    for _ in range(max_passes):
        is_open = np.zeros(n_c, bool)
        is_open[current] = True
        o = is_open[j]
        # best and second-best walk of each point among the open sites and its base walk
        best = base.copy()
        who = np.full(base.size, -1, np.int64)
        order = np.lexsort((d[o], i[o]))
        io, jo, do = i[o][order], j[o][order], d[o][order]
        first = np.r_[True, io[1:] != io[:-1]] if io.size else np.empty(0, bool)
        best[io[first]] = np.minimum(base[io[first]], do[first])
        who[io[first]] = np.where(do[first] < base[io[first]], jo[first], -1)
        second = base.copy()
        nxt = np.nonzero(~first)[0]
        if nxt.size:
            sec_first = np.r_[True, io[nxt][1:] != io[nxt][:-1]]
            pick = nxt[sec_first]
            second[io[pick]] = np.minimum(base[io[pick]], do[pick])
        cur_total = float(np.sum(w[act] * best[act]))
        top = (0.0, -1, -1)
        for s_ in current:
            r = np.where(who == s_, second, best)  # walks with s_ closed
            lose = float(np.sum(w[act] * r[act]))
            gain = np.bincount(j, weights=w[i] * np.maximum(r[i] - d, 0.0), minlength=n_c)
            gain[is_open] = -np.inf
            c = int(np.argmax(gain))
            delta = cur_total - (lose - gain[c])
            if delta > top[0] + 1e-9 * max(cur_total, 1.0):
                top = (delta, int(s_), c)
        if top[1] < 0:
            break
        current = np.where(current == top[1], top[2], current)
    return current


def _cap_flows(problem: MedianProblem, chosen: np.ndarray) -> sp.csr_matrix:
    """Capacitated assignment to fixed open sites: the least total walk (an LP)."""
    from planner.analysis.access import assign_capacity

    cap = np.asarray(problem.capacity, float)
    sub = problem.cost[:, chosen]
    base = problem.base
    # only pairs that shorten a walk; the rest keeps its current walk
    c = sub.tocoo()
    keep = c.data < base[c.row]
    sub = sp.csr_matrix((c.data[keep], (c.row[keep], c.col[keep])), shape=sub.shape)
    a = assign_capacity(sub, np.where(problem.active, problem.weights, 0.0), cap[chosen],
                        fallback=np.where(np.isfinite(base), base, np.nan))
    f = a.flows.tocoo()
    share = np.divide(f.data, problem.weights[f.row], out=np.zeros(f.nnz), where=problem.weights[f.row] > 0)
    return sp.csr_matrix((share, (f.row, chosen[f.col])), shape=problem.cost.shape)


def _result(problem: MedianProblem, objective: str, chosen, flows, solver: str, optimal: bool,
            gap: float, bound: str, t0: float) -> MedianSolution:
    chosen = np.asarray(chosen, np.int64)
    act = problem.active
    w = np.where(act, problem.weights, 0.0)
    wsum = float(w.sum())
    m0, _ = walks(problem, [])
    m1, assigned = walks(problem, chosen, flows)

    def total(m: np.ndarray) -> float:
        return float(np.nansum(np.where(act, w * np.nan_to_num(m, nan=0.0, posinf=np.inf), 0.0)))

    def worst(m: np.ndarray) -> float:
        sel = act & (problem.weights > 0)
        return float(np.max(m[sel])) if sel.any() else 0.0

    # order by marginal saving (greedy restricted to the chosen sites)
    allowed = np.zeros(problem.n_candidates, bool)
    allowed[chosen] = True
    order = _greedy_median(problem, chosen.size, allowed) if chosen.size and flows is None else chosen
    savings = []
    prev = total(m0)
    if flows is None:
        for n in range(order.size):
            m, _ = walks(problem, order[:n + 1])
            t = total(m)
            savings.append(prev - t)
            prev = t
    if flows is not None:
        f = sp.csr_matrix(flows).tocoo()
        gain = f.data * w[f.row] * (np.nan_to_num(m0[f.row]) - problem.cost.tocsr()[f.row, f.col].A1)
        per = np.bincount(f.col, weights=gain, minlength=problem.n_candidates)
        order = order[np.argsort(-per[order], kind="stable")]
        savings = list(per[order])
        fw = sp.csr_matrix(flows)
        served = np.asarray(fw.multiply(w[:, None]).sum(axis=0)).ravel()[order]
    else:
        served = np.array([float(w[assigned == s].sum()) for s in order])
    t_after = total(m1)
    assert problem.existing is not None  # set in __post_init__
    unserved = act & ~np.isfinite(problem.existing) & (assigned == -1)
    out = problem.outside
    return MedianSolution(
        objective=objective, chosen=order, saving=np.asarray(savings, float), served=served,
        minutes=m1, assigned=assigned, total_before=total(m0), total_after=t_after,
        mean_before=total(m0) / wsum if wsum > 0 else np.nan,
        mean_after=t_after / wsum if wsum > 0 else np.nan,
        max_before=worst(m0), max_after=worst(m1),
        weight_unserved=float(w[unserved].sum()),
        weight_outside=float(problem.weights[out].sum()), n_outside=int(out.sum()),
        value=t_after if objective == "pmedian" else worst(m1),
        solver=solver, optimal=optimal, gap=gap, bound=bound, seconds=time.perf_counter() - t0)


__all__ = ["AUTO_MILP_MAX_PAIRS", "MEDIAN_METHODS", "MedianProblem", "MedianSolution", "p_center",
           "p_median", "walks"]

"""The covering problem on a plain coverage matrix: no model, no network (spopt's ``from_cost_matrix``).

A :class:`CoverProblem` holds candidates × demand points (an explicit entry
where a candidate is within the walk of a point), the demand weights, the
demand the existing facilities already cover, and optionally the unit rule
(:class:`UnitRule`) and candidate capacities.  :func:`evaluate` scores a set of
open candidates exactly; the solvers (:mod:`planner.siting.solvers`) return a
:class:`Solution`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from planner._errors import InputError
from planner.io.problems import problem_of

OBJECTIVES = ("population", "units")


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

    def __post_init__(self) -> None:
        """Normalise the matrix and weights; check that they agree."""
        cover = sp.csr_matrix(self.cover)
        object.__setattr__(self, "cover", cover)
        w = np.asarray(self.weights, dtype=float)
        object.__setattr__(self, "weights", w)
        if cover.shape[1] != w.shape[0]:
            raise problem_of(InputError, "siting_cover_mismatch", None, (), columns=int(cover.shape[1]),
                             weights=int(w.shape[0]))
        cov = np.zeros(w.shape[0], bool) if self.covered is None else np.asarray(self.covered, bool)
        object.__setattr__(self, "covered", cov)
        if np.any(w < 0) or not np.all(np.isfinite(w)):
            raise problem_of(InputError, "siting_weights_invalid")

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.cover.shape[0])

    @property
    def pattern(self) -> sp.csr_matrix:
        """0/1 coverage (explicit entries only, zero distances kept)."""
        c = self.cover
        return sp.csr_matrix((np.ones(c.nnz), c.indices, c.indptr), shape=c.shape)

    @property
    def rule(self) -> UnitRule:
        """The unit rule (the ``units`` objective needs one)."""
        if self.units is None:
            raise problem_of(InputError, "siting_units_need_rule")
        return self.units

    @property
    def done(self) -> np.ndarray:
        """Demand already within the walk of an existing facility (bool array, never None)."""
        return np.zeros(self.weights.shape[0], bool) if self.covered is None else self.covered

    def unit_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Per unit: total weight and weight already within the walk."""
        r = self.rule
        ok = r.demand_unit >= 0
        u = r.demand_unit[ok]
        w = self.weights[ok]
        total = np.bincount(u, weights=w, minlength=r.n_units)
        before = np.bincount(u, weights=w * self.done[ok], minlength=r.n_units)
        return total, before


@dataclass(frozen=True)
class Evaluation:
    """Coverage of a set of open candidates.

    Attributes
    ----------
    weight : float
        Total demand weight within the walk (existing facilities and open candidates).
    units_met : int
        Units meeting the rule (``units`` objective; 0 otherwise).
    new_points : ndarray of bool
        Demand points the open candidates newly cover.
    met : ndarray of bool or None
        Per unit, whether it meets the rule (None without a unit rule).
    """

    weight: float
    units_met: int
    new_points: np.ndarray | None = field(repr=False, default=None)
    met: np.ndarray | None = field(repr=False, default=None)


def evaluate(problem: CoverProblem, open_sites: Iterable[int]) -> Evaluation:
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
    new = reach & ~problem.done
    got = problem.done | reach
    weight = float(problem.weights[got].sum())
    r = problem.units
    if r is None:
        return Evaluation(weight, 0, new, None)
    met = units_met(problem, got, idx)
    return Evaluation(weight, int(met[r.applies].sum()), new, met)


def units_met(problem: CoverProblem, got: np.ndarray, open_idx: np.ndarray) -> np.ndarray:
    """Per unit, whether it meets the rule with demand ``got`` covered and sites ``open_idx`` open.

    Parameters
    ----------
    problem : CoverProblem
        A problem with a unit rule.
    got : ndarray of bool
        Demand points within the walk.
    open_idx : ndarray of int
        Open candidates (a site inside a unit meets the ``inside`` rule).

    Returns
    -------
    ndarray of bool
        One per unit; False for units the rule does not apply to.
    """
    r = problem.rule
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
    gain_weight : ndarray
        Marginal demand weight added by each chosen site.
    gain_units : ndarray
        Marginal units met added by each chosen site.
    served : ndarray
        Demand weight assigned to each site (capacitated; else = gain_weight).
    before : float
        Objective value (weight, or units met) without the sites.
    after : float
        Objective value with the sites.
    weight_before : float
        Demand weight within the walk without the sites.
    weight_after : float
        Demand weight within the walk with the sites.
    units_before : int
        Units meeting the rule without the sites (units objective).
    units_after : int
        Units meeting the rule with the sites.
    met : bool or None
        Target reached (set covering); None for maximal covering.
    best_possible : float
        Objective with every candidate open (how close a target can get).
    solver : str
        The method that produced the answer.
    optimal : bool
        Proven optimal (False for greedy and time-limited solves).
    gap : float
        Relative MIP gap reported by HiGHS (0 when optimal, NaN for greedy).
    bound : str
        What is guaranteed, in words.
    seconds : float
        Solve time.
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


__all__ = ["OBJECTIVES", "CoverProblem", "Evaluation", "Solution", "UnitRule", "evaluate", "units_met"]

"""Site suggestions: covering problems on a plain cost matrix, solvers, candidates and the model adapter.

Laid out as PySAL spopt's ``locate``: :mod:`~planner.siting.problem` (the
problem on a coverage matrix), :mod:`~planner.siting.solvers` (MCLP, LSCP),
:mod:`~planner.siting.median` (p-median, p-center on a cost matrix),
:mod:`~planner.siting.candidates` (candidate sites and their reach),
:mod:`~planner.siting.suggest` (from a model), :mod:`~planner.siting.demand_area`
(from weighted demand points alone, no boundaries) and :mod:`~planner.siting.sweep`
(sensitivity over speeds × minutes × profiles).  Writing the result to files
is :mod:`planner.outputs.suggestion`.
"""

from planner.siting.candidates import candidate_coverage, generate_candidates
from planner.siting.demand_area import demand_area, suggest_for_demand
from planner.siting.median import MedianProblem, MedianSolution, p_center, p_median
from planner.siting.problem import CoverProblem, Evaluation, Solution, UnitRule, evaluate
from planner.siting.solvers import maximal_covering, set_covering
from planner.siting.suggest import PROBLEMS, Suggestion, add_suggestions, suggest_sites, type_target
from planner.siting.sweep import sweep

__all__ = [
    "CoverProblem",
    "Evaluation",
    "MedianProblem",
    "MedianSolution",
    "PROBLEMS",
    "Solution",
    "Suggestion",
    "UnitRule",
    "add_suggestions",
    "candidate_coverage",
    "demand_area",
    "evaluate",
    "generate_candidates",
    "maximal_covering",
    "p_center",
    "p_median",
    "set_covering",
    "suggest_for_demand",
    "suggest_sites",
    "sweep",
    "type_target",
]

"""Site suggestions: covering problems on a plain cost matrix, solvers, candidates and the model adapter.

Laid out as PySAL spopt's ``locate``: :mod:`~planner.siting.problem` (the
problem on a coverage matrix), :mod:`~planner.siting.solvers` (MCLP, LSCP),
:mod:`~planner.siting.candidates` (candidate sites and their reach) and
:mod:`~planner.siting.suggest` (from a model).  Writing the result to files
is :mod:`planner.outputs.suggestion`.
"""

from planner.siting.candidates import candidate_coverage, generate_candidates
from planner.siting.problem import CoverProblem, Evaluation, Solution, UnitRule, evaluate
from planner.siting.solvers import maximal_covering, set_covering
from planner.siting.suggest import Suggestion, add_suggestions, suggest_sites, type_target

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
]

"""Site suggestions: covering problems on a plain cost matrix, solvers, and the model adapter."""

from planner.siting.optimize import Suggestion, add_suggestions, suggest_sites

__all__ = ["Suggestion", "add_suggestions", "suggest_sites"]

"""Coverage and standards scoring, capacity access, scenarios, and the Analysis result."""

from planner.analysis.coverage import (
    district_summary,
    gap_table,
    score_profile,
    scores_frame,
    unit_coverage,
)
from planner.analysis.result import Analysis, analyse, analysis_of, service_area_layer

__all__ = [
    "Analysis",
    "analyse",
    "analysis_of",
    "district_summary",
    "gap_table",
    "score_profile",
    "scores_frame",
    "service_area_layer",
    "unit_coverage",
]

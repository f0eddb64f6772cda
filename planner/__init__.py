"""Elderly-care facility planning on the walking network (养老服务设施步行覆盖与选址).

The public API: load inputs, build the walking network, compute walking
distances and service areas, score coverage against a standards profile, edit
facilities, get site suggestions, export.  Every result is a plain
(Geo)DataFrame or numpy array aligned to its input.  See ``docs/api.md`` and
``notebooks/``.
"""

from planner._errors import (
    CRSError,
    InputError,
    NetworkError,
    PlannerError,
    PlannerWarning,
    ProfileError,
    SolverError,
)
from planner.analysis import (
    Analysis,
    analyse,
    analysis_of,
    district_summary,
    gap_table,
    score_profile,
    scores_frame,
    service_area_layer,
    unit_coverage,
)
from planner.demo import demo_paths
from planner.engine import (
    Model,
    WalkNetwork,
    build_model,
    download_network,
    load_network,
    nearest_sites,
    network_from_graph,
    point_distances,
    snap_points,
    to_metres,
    to_minutes,
)
from planner.io import (
    Profile,
    Target,
    list_profiles,
    load_profile,
    read_boundaries,
    read_facilities,
    read_points,
)
from planner.outputs import coverage_map, write_analysis
from planner.siting import Suggestion, add_suggestions, suggest_sites

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "CRSError",
    "InputError",
    "Model",
    "NetworkError",
    "PlannerError",
    "PlannerWarning",
    "Profile",
    "ProfileError",
    "SolverError",
    "Suggestion",
    "Target",
    "WalkNetwork",
    "add_suggestions",
    "analyse",
    "analysis_of",
    "build_model",
    "coverage_map",
    "demo_paths",
    "district_summary",
    "download_network",
    "gap_table",
    "list_profiles",
    "load_network",
    "load_profile",
    "nearest_sites",
    "network_from_graph",
    "point_distances",
    "read_boundaries",
    "read_facilities",
    "read_points",
    "score_profile",
    "scores_frame",
    "service_area_layer",
    "snap_points",
    "suggest_sites",
    "to_metres",
    "to_minutes",
    "unit_coverage",
    "write_analysis",
]

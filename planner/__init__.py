"""Elderly-care facility planning on the walking network (养老服务设施步行覆盖与选址).

The public API: load inputs, build the walking network, compute walking
distances and service areas, score coverage against a standards profile, edit
facilities, export.  Every result is a plain (Geo)DataFrame or numpy array
aligned to its input.
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
from planner.analysis import Analysis, analyse, analysis_of, service_area_layer
from planner.coverage import (
    district_summary,
    gap_table,
    score_profile,
    scores_frame,
    unit_coverage,
)
from planner.demo import demo_paths
from planner.io import read_boundaries, read_facilities, read_points
from planner.model import Model, build_model
from planner.network import WalkNetwork, download_network, load_network
from planner.standards import Profile, Target, list_profiles, load_profile
from planner.travel import nearest_sites, point_distances, snap_points, to_metres, to_minutes

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
    "Target",
    "WalkNetwork",
    "analyse",
    "analysis_of",
    "build_model",
    "demo_paths",
    "district_summary",
    "download_network",
    "gap_table",
    "list_profiles",
    "load_network",
    "load_profile",
    "nearest_sites",
    "point_distances",
    "read_boundaries",
    "read_facilities",
    "read_points",
    "score_profile",
    "scores_frame",
    "service_area_layer",
    "snap_points",
    "to_metres",
    "to_minutes",
    "unit_coverage",
]

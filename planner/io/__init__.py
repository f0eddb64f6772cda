"""Inputs: files, columns, coordinate systems, uploads, validation and standards profiles.

Everything a user hands the tool enters here and leaves as a checked, canonical
(Geo)DataFrame or a :class:`~planner.io.profiles.Profile`.
"""

from planner.io.profiles import Profile, Target, list_profiles, load_profile
from planner.io.readers import read_boundaries, read_facilities, read_layer, read_points, read_table
from planner.io.validate import ValidationReport, validate_inputs

__all__ = [
    "Profile",
    "Target",
    "ValidationReport",
    "list_profiles",
    "load_profile",
    "read_boundaries",
    "read_facilities",
    "read_layer",
    "read_points",
    "read_table",
    "validate_inputs",
]

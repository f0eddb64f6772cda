"""Inputs: files, columns, coordinate systems, uploads, validation and standards profiles.

Everything a user hands the tool enters here and leaves as a checked, canonical
(Geo)DataFrame or a :class:`~planner.io.profiles.Profile`:

* :mod:`planner.io.files` opens files (encodings, zips, layers, tables);
* :mod:`planner.io.columns` matches column names and coerces values;
* :mod:`planner.io.boundaries` and :mod:`planner.io.points` read the inputs,
  :mod:`planner.io.population` population tables by division code;
* :mod:`planner.io.crs`, :mod:`planner.io.uploads`, :mod:`planner.io.validate`,
  :mod:`planner.io.profiles`; :mod:`planner.io.problems` words their errors.
"""

from planner.io.boundaries import read_boundaries
from planner.io.columns import guess_columns, normalise_column_name, parse_column_options
from planner.io.files import (
    SUPPORTED_LAYER_SUFFIXES,
    SUPPORTED_SUFFIXES,
    SUPPORTED_TABLE_SUFFIXES,
    read_layer,
    read_table,
)
from planner.io.points import POINT_ALIASES, read_facilities, read_points
from planner.io.population import join_population, read_population
from planner.io.problems import hint_style, set_hint_style
from planner.io.profiles import Profile, Target, list_profiles, load_profile
from planner.io.validate import ValidationReport, validate_inputs

__all__ = [
    "POINT_ALIASES",
    "SUPPORTED_LAYER_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "SUPPORTED_TABLE_SUFFIXES",
    "Profile",
    "Target",
    "ValidationReport",
    "guess_columns",
    "hint_style",
    "join_population",
    "list_profiles",
    "load_profile",
    "normalise_column_name",
    "parse_column_options",
    "read_boundaries",
    "read_facilities",
    "read_layer",
    "read_points",
    "read_population",
    "read_table",
    "set_hint_style",
    "validate_inputs",
]

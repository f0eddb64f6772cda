"""The data model: canonical column names, facility types, unit kinds, statuses.

Every reader turns its input into these columns, so everything downstream
(travel times, coverage, exports, the app) speaks one vocabulary.  Column names
in users' files may be Chinese or English; :data:`BOUNDARY_ALIASES` and
:data:`FACILITY_ALIASES` list what is recognised (matching ignores case,
spaces, underscores and hyphens).  The words themselves (names and aliases)
live in :mod:`planner.text.vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.text.vocabulary import (
    BOUNDARY_ALIASES,
    COORD_SYSTEM_NAMES,
    FACILITY_ALIASES,
    FACILITY_TYPE_ALIASES,
    FACILITY_TYPE_NAMES,
    POINT_ALIASES,
    POPULATION_ALIASES,
    STATUS_ALIASES,
    STATUS_NAMES,
    UNIT_KIND_ALIASES,
    UNIT_KIND_NAMES,
)


@dataclass(frozen=True)
class FacilityType:
    """One facility type of the vocabulary (see ``DOMAIN.md``)."""

    key: str
    zh: str
    en: str
    level: str  # the unit level it serves: community, village, street, county



__all__ = [
    "BOUNDARY_ALIASES",
    "BOUNDARY_COLUMNS",
    "COORD_SYSTEMS",
    "COORD_SYSTEM_LABELS",
    "FACILITY_ALIASES",
    "FACILITY_COLUMNS",
    "FACILITY_STATUSES",
    "FACILITY_TYPES",
    "FACILITY_TYPE_ALIASES",
    "POINT_ALIASES",
    "POPULATION_ALIASES",
    "POPULATION_COLUMNS",
    "BOUNDARY_OPTIONAL_COLUMNS",
    "FACILITY_OPTIONAL_COLUMNS",
    "STATUS_ALIASES",
    "STATUS_LABELS",
    "UNIT_KINDS",
    "UNIT_KIND_ALIASES",
    "UNIT_KIND_LABELS",
    "URBAN_RURAL_CLASS",
    "FacilityType",
]

_LEVELS = {"day_care": "community", "street_centre": "street", "embedded_home": "community",
           "mutual_aid": "village", "meal_point": "community", "nursing_home": "county"}
FACILITY_TYPES: dict[str, FacilityType] = {
    key: FacilityType(key, zh, en, _LEVELS[key]) for key, (zh, en) in FACILITY_TYPE_NAMES.items()
}


def _labels(names: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {k: {"zh": zh, "en": en} for k, (zh, en) in names.items()}


# --- administrative units -------------------------------------------------
UNIT_KINDS = ("community", "village")
"""Kinds of the basic units that coverage is scored on: 社区 and 行政村."""

UNIT_KIND_LABELS = _labels(UNIT_KIND_NAMES)

# urban-rural class codes (城乡分类代码): 1xx urban-like, 2xx rural
URBAN_RURAL_CLASS = {
    "111": "community",
    "112": "community",
    "121": "community",
    "122": "community",
    "123": "community",
    "210": "village",
    "220": "village",
}

BOUNDARY_COLUMNS = ("code", "name", "kind", "street", "population", "pop60")
"""Canonical boundary columns. ``street`` (街道/乡镇 name) is optional."""

BOUNDARY_OPTIONAL_COLUMNS = ("pop80", "street_kind")
"""Boundary columns kept under these names when the file has them: ``pop80`` (float), ``street_kind`` (text)."""

POPULATION_COLUMNS = ("code", "name", "population", "pop60", "pop80")
"""Columns of a population table as read by :func:`planner.io.population.read_population`."""

# --- facilities -----------------------------------------------------------
FACILITY_STATUSES = ("existing", "planned", "candidate")
STATUS_LABELS = _labels(STATUS_NAMES)

FACILITY_COLUMNS = ("facility_id", "name", "type", "capacity", "nursing_beds", "status")
"""Canonical facility columns (plus a point geometry)."""

FACILITY_OPTIONAL_COLUMNS = ("level", "disability_care", "grade", "operator", "dementia_beds")
"""Facility columns kept under these names when the file has them (``dementia_beds`` as a float, the others
as the file's values, read by :mod:`planner.analysis.standards`)."""

COORD_SYSTEMS = ("wgs84", "cgcs2000", "gcj02", "bd09")
"""Coordinate systems of longitude/latitude tables: WGS-84, CGCS2000 (≈ WGS-84
at map scale), GCJ-02 (Amap, Tencent) and BD-09 (Baidu)."""

COORD_SYSTEM_LABELS = _labels(COORD_SYSTEM_NAMES)

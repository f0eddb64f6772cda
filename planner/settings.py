"""Defaults shared by the command line, the app and the Python API, each set once here.

Override per call through the functions' arguments; nothing here is mutated at
run time.
"""

from __future__ import annotations

DEFAULT_MINUTES: tuple[int, ...] = (5, 10, 15)
"""Catchments (walking minutes) of service areas and coverage tables."""

DEFAULT_MAX_SNAP: float = 300.0
"""Metres from the nearest street beyond which a point or unit is reported."""

DEFAULT_SEARCH_MINUTES: float = 60.0
"""Beyond this walk a facility counts as not reachable on foot."""

DEFAULT_BUFFER: float = 25.0
"""Metres of buffer around reached streets in service-area polygons."""

DEFAULT_SPACING: float = 60.0
"""Metres between demand points spread along streets."""

DEFAULT_DPI: int = 300
"""Resolution of printed PNG maps."""

DEFAULT_LANG: str = "zh"
"""Language of deliverables and the interface."""

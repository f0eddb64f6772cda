"""One map style for screen and paper: class breaks, colours and facility symbols.

The web map (:mod:`planner.outputs.webmap`) and the printed map
(:mod:`planner.outputs.printmap`) both read these, so a unit has the same
colour on the screen and in the report.  The class breaks are fixed (not
data-driven) so that two scenarios compare.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from planner.text import tr

COVERAGE_BINS: tuple[float, ...] = (0.25, 0.5, 0.75, 0.95, 1.0 + 1e-9)
"""Upper bounds of the coverage classes (share of a unit's 60+ population within the walk)."""

COVERAGE_COLOURS: tuple[str, ...] = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
"""Fill of each coverage class, lowest first."""

NO_DATA_COLOUR = "#bdbdbd"
"""Fill of units without a value (no 60+ population)."""

GAP_COLOUR = "#7b00a8"
"""Outline (web) and hatching (print) of units with a gap."""

OTHER_UNIT_COLOURS = ("#f0f0f0", "#bdbdbd")
"""Fill and edge of units not scored on the mapped type (printed map)."""

WATER_COLOURS = ("#a6cee3", "#1f78b4")
"""Fill and edge of water (printed map context)."""

ROAD_STYLES: dict[str, tuple[str, float]] = {"main": ("#6b4e31", 2.6), "minor": ("#9c8a78", 1.3)}
"""Colour and width (screen pixels; the printed map draws a third as many points) of each road
class of a ``roads`` context layer (``class`` column), on the web and the printed map."""

DEFAULT_ROAD_STYLE: tuple[str, float] = ROAD_STYLES["minor"]
"""Colour and width of a road of another (or no) class."""

PLACES_BINS: tuple[float, ...] = (5.0, 10.0, 20.0, 35.0)
"""Places per 1,000 people 60+ within the walk (2SFCA): lower bounds of the classes above "none"."""

PLACES_NONE_COLOUR = "#d7191c"
"""Fill of units with no place within the walk."""

PLACES_COLOURS: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
"""Fill of each places class, lowest first."""

SERVICE_AREA_OPACITY: dict[int, float] = {5: 0.40, 10: 0.26, 15: 0.16}
"""Fill opacity of a service area by its walk (minutes); shorter walks are darker."""

DEFAULT_SERVICE_AREA_OPACITY = 0.2
"""Fill opacity of a service area of another walk."""


@dataclass(frozen=True)
class Symbol:
    """How one facility type is drawn: a shape and a colour."""

    shape: str
    colour: str

    @property
    def marker(self) -> str:
        """The matplotlib marker of the shape (printed map)."""
        return MARKERS.get(self.shape, "o")


SYMBOLS: dict[str, Symbol] = {
    "day_care": Symbol("circle", "#1f78b4"),
    "street_centre": Symbol("star", "#e31a1c"),
    "embedded_home": Symbol("square", "#6a3d9a"),
    "mutual_aid": Symbol("triangle", "#33a02c"),
    "meal_point": Symbol("diamond", "#ff7f00"),
    "nursing_home": Symbol("hexagon", "#8c510a"),
}
"""Symbol of each facility type (distinct shapes, so they read in grey print too)."""

DEFAULT_SYMBOL = Symbol("circle", "#555555")
"""Symbol of a facility type not in :data:`SYMBOLS`."""

MARKERS: dict[str, str] = {"circle": "o", "star": "*", "square": "s", "triangle": "^", "diamond": "D",
                           "hexagon": "h"}
"""matplotlib marker of each symbol shape."""


def symbol(facility_type: str) -> Symbol:
    """The symbol of a facility type (a grey circle when unknown)."""
    return SYMBOLS.get(facility_type, DEFAULT_SYMBOL)


def service_area_opacity(minutes: float) -> float:
    """Fill opacity of a service area of ``minutes``."""
    return SERVICE_AREA_OPACITY.get(int(minutes), DEFAULT_SERVICE_AREA_OPACITY)


def coverage_colour(share: float | None) -> str:
    """Fill colour of a coverage share (0–1); grey for NaN."""
    if share is None or not np.isfinite(share):
        return NO_DATA_COLOUR
    for upper, colour in zip(COVERAGE_BINS, COVERAGE_COLOURS, strict=True):
        if share < upper:
            return colour
    return COVERAGE_COLOURS[-1]


def coverage_classes(lang: str = "zh", *, no_data: bool = True) -> list[tuple[str, str]]:
    """Legend entries ``(colour, label)`` of the coverage classes (and of "no data")."""
    out, lo = [], 0.0
    for upper, colour in zip(COVERAGE_BINS, COVERAGE_COLOURS, strict=True):
        label = f"≥ {lo:.0%}" if upper > 1 else f"{lo:.0%} – {upper:.0%}"
        out.append((colour, label))
        lo = upper
    if no_data:
        out.append((NO_DATA_COLOUR, tr("map.no_data", lang)))
    return out


def places_colour(value: float | None) -> str:
    """Fill colour of places per 1,000 people 60+ (2SFCA); red for none, grey for NaN."""
    if value is None or not np.isfinite(value):
        return NO_DATA_COLOUR
    if value <= 1e-9:
        return PLACES_NONE_COLOUR
    for lower, colour in zip((0.0, *PLACES_BINS)[::-1], PLACES_COLOURS[::-1], strict=True):
        if value >= lower:
            return colour
    return PLACES_COLOURS[0]  # pragma: no cover - value > 0 always meets the 0 bound


def places_classes(lang: str = "zh") -> list[tuple[str, str]]:
    """Legend entries ``(colour, label)`` of the places-per-1,000 classes."""
    out = [(PLACES_NONE_COLOUR, tr("map.places_none", lang))]
    bounds = (0.0, *PLACES_BINS)
    for k, colour in enumerate(PLACES_COLOURS):
        lo = bounds[k]
        label = f"{lo:g} – {bounds[k + 1]:g}" if k + 1 < len(bounds) else f"≥ {lo:g}"
        out.append((colour, label))
    out.append((NO_DATA_COLOUR, tr("map.no_data", lang)))
    return out


def road_styles(classes: Iterable[object]) -> list[tuple[str, float]]:
    """Colour and width (pixels) of each road of a ``roads`` layer, from its ``class`` values.

    Classes of :data:`ROAD_STYLES` (any case) get their style, others and missing ones
    :data:`DEFAULT_ROAD_STYLE`.
    """
    return [ROAD_STYLES.get(str(c).strip().lower(), DEFAULT_ROAD_STYLE) if c is not None else DEFAULT_ROAD_STYLE
            for c in classes]

"""Folium maps of coverage, facilities and service areas (shared by the app and the HTML export).

:func:`coverage_map` is a pure function of an :class:`planner.analysis.result.Analysis`:
communities and villages coloured by the share of their 60+ population within
the walk, gap units outlined, facilities drawn with one symbol per type, and
optional 5/10/15-minute service areas.  It needs no internet: symbols are
inline SVG, the legend is inline HTML, and the default basemap is a plain
background with the walking network drawn as faint grey lines.  With
``basemap="amap"`` (a GCJ-02 tile service) every geometry is shifted to GCJ-02
so it lines up with the tiles; :func:`display_to_wgs84` shifts a clicked point
back.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._util import reproject, sha256_bytes
from planner.io.crs import gcj02_to_wgs84, wgs84_to_gcj02
from planner.outputs.html import LEAFLET_DIR, offline_assets
from planner.outputs.style import (
    COVERAGE_BINS,
    COVERAGE_COLOURS,
    GAP_COLOUR,
    NO_DATA_COLOUR,
    PLACES_BINS,
    PLACES_COLOURS,
    PLACES_NONE_COLOUR,
    SERVICE_AREA_OPACITY,
    SYMBOLS,
    Symbol,
    coverage_classes,
    coverage_colour,
    places_classes,
    places_colour,
    service_area_opacity,
    symbol,
)
from planner.outputs.tables import norm_lang
from planner.schema import FACILITY_TYPES
from planner.settings import DEFAULT_MINUTES
from planner.text import CATALOGUE, kind_label, status_label, tr, type_label

if TYPE_CHECKING:
    import folium
    from branca.element import MacroElement

    from planner.analysis.result import Analysis
    from planner.engine.network import WalkNetwork
    from planner.io.profiles import Profile, Target

__all__ = [
    "BASEMAPS",
    "BASEMAP_LABELS",
    "COVERAGE_BINS",
    "GCJ02_BASEMAPS",
    "FIT_PIXELS",
    "MAX_NETWORK_SEGMENTS",
    "TEXT",
    "VIEW_META",
    "COVERAGE_COLOURS",
    "GAP_COLOUR",
    "LEAFLET_DIR",
    "NO_DATA_COLOUR",
    "PLACES_BINS",
    "PLACES_COLOURS",
    "PLACES_NONE_COLOUR",
    "SERVICE_AREA_OPACITY",
    "SYMBOLS",
    "MapParts",
    "MapView",
    "Symbol",
    "add_legend",
    "coverage_classes",
    "coverage_colour",
    "coverage_map",
    "coverage_map_parts",
    "display_geometries",
    "display_tolerance",
    "display_to_wgs84",
    "facility_id_from_tooltip",
    "facility_tooltip",
    "keep_view",
    "legend_html",
    "network_drawable",
    "network_lines",
    "offline_assets",
    "places_classes",
    "places_colour",
    "symbol_svg",
    "text",
    "to_display",
    "unit_display_frame",
    "view_from_return",
    "wgs84_to_display",
]

BASEMAPS = ("none", "osm", "amap", "tianditu")
"""Basemap choices: no tiles (works offline), OpenStreetMap, Amap (GCJ-02),
Tianditu (CGCS2000 ≈ WGS-84, needs a key)."""

BASEMAP_LABELS: dict[str, dict[str, str]] = {
    b: {lang: tr(f"map.basemap.{b}", lang) for lang in ("zh", "en")} for b in BASEMAPS}
"""Label of each basemap choice in ``zh`` and ``en``."""

GCJ02_BASEMAPS = ("amap",)
"""Basemaps drawn in GCJ-02: data are shifted for display, clicks shifted back."""

AMAP_TILES = ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
              "&style=8&x={x}&y={y}&z={z}")
TIANDITU_TILES = ("https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}"
                  "&tk={key}")
TIANDITU_LABELS = ("https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}"
                   "&tk={key}")

BACKGROUND = "#eef0ea"  # the plain background when no tiles are shown
LEGEND_WIDTH = 190  # pixels the map leaves free for the legend when fitting the data
MAX_NETWORK_SEGMENTS = 20000  # draw the street network as context only up to this size
FIT_PIXELS = 1000  # map width (pixels) assumed when simplifying to the county-fit zoom

TEXT: dict[str, tuple[str, str]] = {
    k[len("map."):]: v for k, v in CATALOGUE.items() if k.startswith("map.") and not k.startswith("map.print.")}
"""The web map's words (catalogue keys ``map.<key>`` without the prefix), for older importers."""


def text(key: str, lang: str = "zh", **fmt: Any) -> str:
    """A map label in ``lang`` ('zh' or 'en'): the catalogue entry ``map.<key>``.

    Parameters
    ----------
    key : str
        The key without its ``map.`` prefix.
    lang : str
        ``zh`` or ``en``.
    **fmt
        Values of the text's placeholders.

    Returns
    -------
    str
    """
    return tr(f"map.{key}", lang, **fmt)


# --- symbols ------------------------------------------------------------------------


_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3.5" y="3.5" width="13" height="13"/>',
    "triangle": '<polygon points="10,2.5 18,17 2,17"/>',
    "diamond": '<polygon points="10,1.5 18.5,10 10,18.5 1.5,10"/>',
    "star": ('<polygon points="10,1.5 12.4,7.2 18.6,7.6 13.8,11.6 15.3,17.7 10,14.4 4.7,17.7 '
             '6.2,11.6 1.4,7.6 7.6,7.2"/>'),
    "hexagon": '<polygon points="10,2 17,6 17,14 10,18 3,14 3,6"/>',
}


def html_text(value: object) -> str:
    """``value`` as text inside HTML that folium builds: escaped, and its braces as entities.

    branca renders a map's script a second time as a Jinja template, so a name
    holding ``{{ … }}`` or ``{% … %}`` would be run on the server (a unit named
    ``{{ 7*7 }}`` became "49").  As HTML entities the braces show as typed and
    Jinja sees none.
    """
    return html.escape(str(value)).replace("{", "&#123;").replace("}", "&#125;")


def symbol_svg(facility_type: str, status: str = "existing", *, size: int = 18,
               selected: bool = False) -> str:
    """Inline SVG of a facility's symbol.

    Existing facilities are filled, planned ones filled with a dashed white
    ring, candidates hollow.

    Parameters
    ----------
    facility_type : str
        The facility type (its shape and colour, see :data:`SYMBOLS`).
    status : str
        ``existing``, ``planned`` or ``candidate``.
    size : int
        Width and height in pixels.
    selected : bool
        Add a thick black halo.

    Returns
    -------
    str
    """
    sym = symbol(facility_type)
    shape = _SHAPES[sym.shape]
    if status == "candidate":
        style = f'fill="white" fill-opacity="0.7" stroke="{sym.colour}" stroke-width="2"'
    elif status == "planned":
        style = (f'fill="{sym.colour}" stroke="white" stroke-width="1.8" '
                 'stroke-dasharray="2.5,1.5"')
    else:
        style = f'fill="{sym.colour}" stroke="white" stroke-width="1.2"'
    halo = ""
    if selected:
        halo = shape.replace("/>", ' fill="none" stroke="black" stroke-width="5"/>')
    body = shape.replace("/>", f" {style}/>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 20 20" style="overflow:visible">{halo}{body}</svg>')


def legend_html(lang: str = "zh", *, facility_types: Iterable[str] | None = None,
                coverage_label: str | None = None, service_minutes: Sequence[float] = (),
                service_types: Iterable[str] = (), highlight_gaps: bool = True,
                note: str | None = None, classes: Sequence[tuple[str, str]] | None = None) -> str:
    """The map legend as a self-contained HTML block (no scripts, no web fonts).

    ``classes`` are the unit colour classes ``(colour, label)`` (default
    :func:`coverage_classes`; :func:`places_classes` for places per 1,000).

    Parameters
    ----------
    lang : str
        ``zh`` or ``en``.
    facility_types : iterable of str, optional
        Facility types listed with their symbols (default all).
    coverage_label : str, optional
        Title of the unit classes (default the coverage share).
    service_minutes : sequence of float
        Walks of the service areas shown.
    service_types : iterable of str
        Facility types whose service areas are shown.
    highlight_gaps : bool
        List the gap outline.
    note : str, optional
        A small note at the bottom.
    classes : sequence of (colour, label), optional
        The unit colour classes.

    Returns
    -------
    str
    """
    rows = [f'<div style="font-weight:bold;margin-bottom:2px">{html_text(coverage_label or text("coverage", lang))}</div>']
    for colour, label in (classes if classes is not None else coverage_classes(lang)):
        rows.append(f'<div><span style="display:inline-block;width:14px;height:10px;background:{colour};'
                    f'border:1px solid #777;margin-right:5px;opacity:.85"></span>{html_text(label)}</div>')
    if highlight_gaps:
        rows.append(f'<div><span style="display:inline-block;width:12px;height:8px;border:2.5px solid {GAP_COLOUR};'
                    f'margin-right:5px"></span>{html_text(text("gap", lang))}</div>')
    types = list(facility_types) if facility_types is not None else list(FACILITY_TYPES)
    if types:
        rows.append(f'<div style="font-weight:bold;margin:4px 0 2px">{html_text(text("facilities", lang))}</div>')
        for t in types:
            rows.append(f'<div style="white-space:nowrap">{symbol_svg(t, size=13)} '
                        f'{html_text(type_label(t, lang))}</div>')
        status_row = " ".join(f'{symbol_svg(types[0], s, size=11)} {html_text(text(s, lang))}'
                              for s in ("existing", "planned", "candidate"))
        rows.append(f'<div style="white-space:nowrap;font-size:10px;color:#444">{status_row}</div>')
    stypes = list(service_types)
    if stypes and service_minutes:
        rows.append(f'<div style="font-weight:bold;margin:4px 0 2px">{html_text(text("service_areas", lang))}</div>')
        for m in sorted(service_minutes):
            op = service_area_opacity(m)
            rows.append(f'<div><span style="display:inline-block;width:14px;height:10px;background:#444;'
                        f'opacity:{op + 0.1:.2f};margin-right:5px"></span>{html_text(text("minutes", lang, m=m))}</div>')
    if note:
        rows.append(f'<div style="margin-top:4px;font-size:10px;color:#666">{html_text(note)}</div>')
    summary = text("legend", lang)
    return ('<details class="planner-legend" open style="background:rgba(255,255,255,.92);padding:4px 8px;'
            'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:11px/1.35 sans-serif;'
            'max-height:60vh;overflow:auto;max-width:220px">'
            f'<summary style="cursor:pointer;font-weight:bold">{summary}</summary>' + "".join(rows) + "</details>")


def _macro(template: str) -> MacroElement:
    """A branca MacroElement running ``template``'s script against the map."""
    from branca.element import MacroElement, Template

    el = MacroElement()
    el._template = Template("{% macro script(this, kwargs) %}" + template + "{% endmacro %}")
    return el


def add_legend(m: folium.Map, legend: str, position: str = "bottomright") -> folium.Map:
    """Add an HTML legend as a Leaflet control (works offline and in streamlit-folium).

    Parameters
    ----------
    m : folium.Map
        The map.
    legend : str
        The legend's HTML (see :func:`legend_html`).
    position : str
        Leaflet control position.

    Returns
    -------
    folium.Map
        ``m``.
    """
    js = (f"(function(){{var c=L.control({{position:{json.dumps(position)}}});"
          f"c.onAdd=function(){{var d=L.DomUtil.create('div','planner-legend-ctl');"
          f"d.innerHTML={json.dumps(legend)};L.DomEvent.disableClickPropagation(d);return d;}};"
          "c.addTo({{ this._parent.get_name() }});})();")
    _macro(js).add_to(m)
    return m


# --- coordinates for display ----------------------------------------------------------


def _shift_geoms(geoms: np.ndarray) -> np.ndarray:
    def f(xy: np.ndarray) -> np.ndarray:
        x, y = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, f)


def to_display(gdf: gpd.GeoDataFrame, basemap: str = "none") -> gpd.GeoDataFrame:
    """The layer in WGS-84, shifted to GCJ-02 when the basemap needs it."""
    out = reproject(gdf, "EPSG:4326") if gdf.crs is not None else gdf.copy()
    if basemap in GCJ02_BASEMAPS and len(out):
        out = out.set_geometry(_shift_geoms(out.geometry.values), crs="EPSG:4326")
    return out


def display_to_wgs84(lon: float, lat: float, basemap: str = "none") -> tuple[float, float]:
    """A point clicked on the map (display coordinates) back in WGS-84.

    Parameters
    ----------
    lon, lat : float
        The point in the map's display coordinates.
    basemap : str
        The map's basemap (GCJ-02 ones shift the point back).

    Returns
    -------
    tuple of float
        ``(lon, lat)`` in WGS-84.
    """
    if basemap in GCJ02_BASEMAPS:
        x, y = gcj02_to_wgs84(float(lon), float(lat))
        return float(x), float(y)
    return float(lon), float(lat)


def wgs84_to_display(lon: float, lat: float, basemap: str = "none") -> tuple[float, float]:
    """A WGS-84 point in the map's display coordinates.

    Parameters
    ----------
    lon, lat : float
        The point in WGS-84.
    basemap : str
        The map's basemap (GCJ-02 ones shift the point).

    Returns
    -------
    tuple of float
        ``(lon, lat)`` for display.
    """
    if basemap in GCJ02_BASEMAPS:
        x, y = wgs84_to_gcj02(float(lon), float(lat))
        return float(x), float(y)
    return float(lon), float(lat)


# --- drawing at the screen's resolution -----------------------------------------------


def display_tolerance(bounds: Sequence[float], pixels: int = FIT_PIXELS) -> float:
    """Degrees of one screen pixel when ``bounds`` (WGS-84 x0, y0, x1, y1) fill ``pixels``.

    Detail finer than this is invisible at the county-fit zoom; simplifying to
    it cuts a county's service areas from hundreds of thousands of vertices
    to a few thousand.

    Parameters
    ----------
    bounds : sequence of float
        ``(x0, y0, x1, y1)`` in degrees.
    pixels : int
        Width of the map in pixels.

    Returns
    -------
    float
        The tolerance in degrees (0 for an empty or degenerate extent).
    """
    x0, y0, x1, y1 = (float(b) for b in bounds)
    span = max(x1 - x0, y1 - y0)
    return span / pixels if np.isfinite(span) and span > 0 else 0.0


_DISPLAY: OrderedDict[tuple[int, float, float], tuple[object, object]] = OrderedDict()
_DISPLAY_MAX = 36  # e.g. 6 types x 3 walks, twice: the memo holds the source polygons alive
_MEMO_VERTICES = 2000  # smaller geometries are simplified again (cheaper than keeping them)
HOLE_PIXELS = 36.0
"""Holes of a service area smaller than this many square pixels at the county-fit zoom (a
6 x 6 pixel block) are filled for display: a county's walk areas hold tens of thousands of
unreached block interiors, most of the megabytes sent, and only a speckle at that zoom."""


def _fill_small_holes(geom: Any, min_area: float) -> Any:
    """``geom`` with the interior rings of its polygons smaller than ``min_area`` removed."""
    if geom is None or min_area <= 0 or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return geom
    out = []
    for poly in shapely.get_parts(geom):
        n = shapely.get_num_interior_rings(poly)
        if n == 0:
            out.append(poly)
            continue
        rings = shapely.get_interior_ring(poly, np.arange(n))
        keep = rings[shapely.area(shapely.polygons(rings)) >= min_area]
        out.append(shapely.polygons(shapely.get_exterior_ring(poly), holes=keep if len(keep) else None))
    return out[0] if geom.geom_type == "Polygon" else shapely.multipolygons(out)


def _decimals(tolerance: float) -> int:
    """Decimals of a coordinate that keep a tenth of ``tolerance`` (at least 5, at most 7)."""
    if tolerance <= 0:
        return 7
    return int(min(7, max(5, math.ceil(-math.log10(tolerance)) + 1)))


def display_geometries(geoms: Sequence[Any] | np.ndarray, tolerance: float, *,
                       hole_pixels: float = 0.0) -> np.ndarray:
    """WGS-84 geometries simplified to ``tolerance`` (degrees) and rounded, for drawing only.

    Douglas-Peucker without topology checks (GEOS ``preserve_topology=False``):
    tens of times faster than the topology-preserving variant on large
    polygons, and the input polygons are already valid; what it may bend is
    below a pixel.  Coordinates are rounded to a tenth of the tolerance, so the
    GeoJSON carries no meaningless digits.  Results are kept per geometry
    object, so a layer that did not change is not simplified again.

    Parameters
    ----------
    geoms : sequence of shapely geometry
        Geometries in WGS-84 degrees.
    tolerance : float
        Simplification tolerance in degrees (0: only rounding).
    hole_pixels : float
        Fill holes smaller than this many square ``tolerance`` units (0: keep all).

    Returns
    -------
    numpy.ndarray of shapely geometry
    """
    arr = np.asarray(geoms, dtype=object)
    out = np.empty(len(arr), dtype=object)
    todo = []
    for i, g in enumerate(arr):
        hit = _DISPLAY.get((id(g), tolerance, hole_pixels))
        if hit is not None and hit[0] is g:
            out[i] = hit[1]
            _DISPLAY.move_to_end((id(g), tolerance, hole_pixels))
        else:
            todo.append(i)
    if todo:
        src = arr[todo]
        if hole_pixels > 0 and tolerance > 0:
            src = np.array([_fill_small_holes(g, hole_pixels * tolerance ** 2) for g in src], dtype=object)
        simp = shapely.simplify(src, tolerance, preserve_topology=False) if tolerance > 0 else src
        digits = _decimals(tolerance)
        collapsed = shapely.is_empty(simp) & ~shapely.is_empty(src)  # smaller than the tolerance
        simp = np.where(collapsed, src, simp)
        simp = shapely.transform(simp, lambda xy: np.round(xy, digits))
        for i, d in zip(todo, simp, strict=True):
            out[i] = d
            g = arr[i]
            if g is not None and shapely.get_num_coordinates(g) >= _MEMO_VERTICES:
                _DISPLAY[(id(g), tolerance, hole_pixels)] = (g, d)
        while len(_DISPLAY) > _DISPLAY_MAX:
            _DISPLAY.popitem(last=False)
    return out


def _for_display(gdf: gpd.GeoDataFrame, basemap: str, tolerance: float | None,
                 hole_pixels: float = 0.0) -> gpd.GeoDataFrame:
    """The layer in WGS-84, simplified and rounded for drawing, then shifted for the basemap."""
    out = reproject(gdf, "EPSG:4326") if gdf.crs is not None else gdf.copy()
    if len(out) and tolerance is not None:
        out = out.set_geometry(display_geometries(out.geometry.values, tolerance, hole_pixels=hole_pixels),
                               crs="EPSG:4326")
    if basemap in GCJ02_BASEMAPS and len(out):
        out = out.set_geometry(_shift_geoms(out.geometry.values), crs="EPSG:4326")
    return out


# --- per-unit coverage for the map ----------------------------------------------------


def _kind_targets(profile: Profile, kind: str) -> Target | None:
    """The profile's first walk-based target scored on units of ``kind``."""
    for t in profile.targets:
        if t.unit_kind == kind and t.uses_walk and t.minutes:
            return t
    return None


def unit_display_frame(analysis: Analysis, coverage_type: str | None = None, lang: str = "zh") -> pd.DataFrame:
    """Per unit: the coverage share shown on the map, the nearest facility and its walk.

    With ``coverage_type`` the share is that type's catchment share
    (``<type>_share`` of the gap table).  Without it each unit is coloured by
    the main walk-based target of its kind (communities: e.g. the 15-minute
    circle over community facility types; villages: mutual-aid sites), i.e.
    the share of the unit's 60+ population within the target's walk of any of
    its facility types.

    Parameters
    ----------
    analysis : Analysis
        The analysis (its per-unit table and target status).
    coverage_type : str, optional
        A facility type; default each unit kind's main target.
    lang : str
        Language of ``what``.

    Returns
    -------
    DataFrame aligned with ``analysis.units`` with ``share`` (0–1, NaN when no
    60+ population), ``nearest`` (facility name), ``nearest_minutes`` and
    ``what`` (the facility types measured, as a label).
    """
    units = analysis.units
    model = analysis.model
    n = len(units)
    share = np.full(n, np.nan)
    nearest = np.full(n, "", dtype=object)
    minutes = np.full(n, np.nan)
    what = np.full(n, "", dtype=object)
    kinds = units["kind"].to_numpy()

    def fill(mask: np.ndarray, types: Sequence[str], sh: np.ndarray) -> None:
        share[mask] = sh[mask]
        cols = [t for t in types if f"{t}_minutes" in units.columns]
        what[mask] = tr("table.list_sep", lang).join(type_label(t, lang) for t in types)
        if not cols:
            return
        mins = np.column_stack([units[f"{t}_minutes"].to_numpy(float) for t in cols])
        names = np.column_stack([units[f"{t}_nearest"].astype(str).to_numpy() for t in cols])
        filled = np.where(np.isfinite(mins), mins, np.inf)
        best = np.argmin(filled, axis=1)
        bmin = filled[np.arange(n), best]
        ok = mask & np.isfinite(bmin)
        minutes[ok] = bmin[ok]
        nearest[ok] = names[np.arange(n), best][ok]

    if coverage_type is not None:
        col = f"{coverage_type}_share"
        sh = units[col].to_numpy(float) if col in units.columns else np.full(n, np.nan)
        fill(np.ones(n, bool), [coverage_type], sh)
    else:
        for kind in np.unique(kinds):
            mask = kinds == kind
            target = _kind_targets(model.profile, kind)
            if target is not None:
                sh = analysis.target_status(target.id)["share"].to_numpy(float)
                fill(mask, list(target.facility_types), sh)
            else:
                types = [t for t, ft in FACILITY_TYPES.items() if ft.level == kind] or list(model.fields)
                cols = [f"{t}_share" for t in types if f"{t}_share" in units.columns]
                sh = units[cols].max(axis=1).to_numpy(float) if cols else np.full(n, np.nan)
                fill(mask, types, sh)
    pop60 = units["pop60"].to_numpy(float)
    share = np.where(pop60 > 0, share, np.nan)
    return pd.DataFrame({"share": share, "nearest": nearest, "nearest_minutes": minutes, "what": what},
                        index=units.index)


# --- the map ----------------------------------------------------------------------------


def facility_tooltip(row: pd.Series | dict, lang: str = "zh") -> str:
    """Tooltip text of a facility; the id is in square brackets (see :func:`facility_id_from_tooltip`)."""
    parts = [f"<b>{html_text(str(row['name']))}</b> [{html_text(str(row['facility_id']))}]",
             f"{text('type', lang)}: {html_text(type_label(row['type'], lang))}",
             f"{text('status', lang)}: {html_text(_status_text(str(row['status']), lang))}"]
    cap = row.get("capacity")
    if cap is not None and pd.notna(cap):
        parts.append(f"{text('capacity', lang)}: {float(cap):,.0f}")
    return "<br>".join(parts)


def _status_text(status: str, lang: str) -> str:
    """A facility status in ``lang`` (the status itself when unknown)."""
    label = status_label(status, lang)
    return status if label == f"status.{status}" else label


_ID_RE = re.compile(r"\[([^\[\]\n]+)\]")


def facility_id_from_tooltip(tooltip: str | None) -> str | None:
    """The facility id inside a facility tooltip's text (None for other tooltips).

    The last bracketed part: the id follows the name, which may hold brackets itself.
    """
    if not tooltip:
        return None
    hits = _ID_RE.findall(str(tooltip))
    return hits[-1].strip() if hits else None


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    x0, y0, x1, y1 = gdf.total_bounds
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


def network_lines(network: WalkNetwork, *, max_segments: int = MAX_NETWORK_SEGMENTS) -> gpd.GeoDataFrame | None:
    """The street network as one WGS-84 line layer for display (None when too large)."""
    if network.n_edges > max_segments or network.n_edges == 0:
        return None
    geom = shapely.multilinestrings(list(network.segments))
    return reproject(gpd.GeoDataFrame(geometry=[geom], crs=network.crs), "EPSG:4326")


_NETWORK_JSON: dict[tuple[int, bool], tuple[WalkNetwork, dict | None]] = {}

_AREA_JSON: OrderedDict[tuple, tuple[Any, dict | None]] = OrderedDict()
"""Display GeoJSON of service-area polygons (WGS-84) by polygon, basemap and tolerance, newest last."""


def _area_geojson(geom: Any, basemap: str, tolerance: float) -> dict | None:
    """A service-area polygon simplified for drawing, as a GeoJSON geometry (None when empty).

    Kept for the polygon object itself: after an edit only the edited type's
    polygons are new, the others are drawn from here (GEOS writes the JSON;
    shapely's Python mapping is ten times slower).
    """
    key = (id(geom), basemap, round(float(tolerance), 12))
    hit = _AREA_JSON.get(key)
    if hit is not None and hit[0] is geom:
        _AREA_JSON.move_to_end(key)
        return hit[1]
    shown = _for_display(gpd.GeoDataFrame(geometry=[geom], crs="EPSG:4326"), basemap, tolerance,
                         HOLE_PIXELS).geometry.iloc[0]
    out = None if shown is None or shown.is_empty else json.loads(shapely.to_geojson(shown))
    _AREA_JSON[key] = (geom, out)
    while len(_AREA_JSON) > 256:
        _AREA_JSON.popitem(last=False)
    return out


def _network_geojson(network: WalkNetwork, basemap: str) -> dict | None:
    """The network as a compact GeoJSON dict (coordinates to 1e-6°), cached per network."""
    key = (id(network), basemap in GCJ02_BASEMAPS)
    hit = _NETWORK_JSON.get(key)
    if hit is not None and hit[0] is network:
        return hit[1]
    if network.n_edges > MAX_NETWORK_SEGMENTS or network.n_edges == 0:
        data = None
    else:
        lon, lat = network.lonlat()
        if basemap in GCJ02_BASEMAPS:
            lon, lat = wgs84_to_gcj02(lon, lat)
        lon, lat = np.round(lon, 6), np.round(lat, 6)
        u, v = network.u, network.v
        lines = np.stack([np.column_stack([lon[u], lat[u]]), np.column_stack([lon[v], lat[v]])], axis=1)
        data = {"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {},
            "geometry": {"type": "MultiLineString", "coordinates": lines.tolist()}}]}
    if len(_NETWORK_JSON) >= 4:
        _NETWORK_JSON.pop(next(iter(_NETWORK_JSON)))
    _NETWORK_JSON[key] = (network, data)
    return data


@dataclass
class MapParts:
    """A coverage map in two parts, for redrawing only what an edit changes.

    ``base`` holds what stays while the planner edits (background or tiles,
    the walking network, street outlines, the legend, the fitted view);
    ``layers`` the feature groups an edit changes (units coloured by
    coverage, service areas, facilities).  streamlit-folium keeps ``base``
    mounted and swaps the ``layers`` (``st_folium(base,
    feature_group_to_add=parts.shown_layers, layer_control=parts.control)``).

    Attributes
    ----------
    base : folium.Map
        The map without the changing layers and without a layer control.
    layers : list of folium.FeatureGroup
        The changing layers, in drawing order (hidden ones included).
    control : folium.LayerControl
        A layer control (not added to ``base``).
    network_segments_hidden : int
        Segments of a walking network asked for but too large to draw (0 when
        drawn or not asked for): say so rather than drop it silently.
    base_key : str
        Digest of what the base map shows that an edit can change (its
        legend: the facility types present, the service areas drawn); with
        the settings and the data, what decides whether a kept base still fits.
    """

    base: folium.Map
    layers: list[folium.FeatureGroup] = field(default_factory=list)
    control: folium.LayerControl | None = None
    network_segments_hidden: int = 0
    base_key: str = ""

    @cached_property
    def shown_layers(self) -> list[folium.FeatureGroup]:
        """The layers shown when the map opens (hidden ones, e.g. candidates, left out).

        One list per map parts, so a caller can tell the same layers by identity.
        """
        return [g for g in self.layers if getattr(g, "show", True)]


def network_drawable(network: WalkNetwork, max_segments: int = MAX_NETWORK_SEGMENTS) -> bool:
    """Whether the walking network is small enough to be drawn as context.

    Parameters
    ----------
    network : WalkNetwork
        The network.
    max_segments : int
        The most segments drawn.

    Returns
    -------
    bool
    """
    return 0 < network.n_edges <= max_segments


_FACILITY_JS = """function (feature, layer) {
    var p = feature.properties, s = p.size;
    layer.setIcon(L.divIcon({html: p.svg, className: "planner-facility", iconSize: [s, s],
                             iconAnchor: [s / 2, s / 2]}));
    layer.bindTooltip(p.tip);
}"""
"""Turns each facility point into its symbol, with its tooltip (names are escaped already)."""


def coverage_map(
    analysis: Analysis,
    *,
    lang: str = "zh",
    facility_types: Iterable[str] | None = None,
    minutes: Sequence[float] = DEFAULT_MINUTES,
    service_areas: gpd.GeoDataFrame | None = None,
    basemap: str = "none",
    coverage_type: str | None = None,
    highlight_gaps: bool = True,
    show_candidates: bool = False,
    selected: str | None = None,
    network: bool | gpd.GeoDataFrame | None = True,
    tianditu_key: str | None = None,
    simplify: float | None = None,
    height: str | int = "100%",
    places: Sequence[float] | None = None,
    places_type: str | None = None,
    context: Mapping[str, gpd.GeoDataFrame] | None = None,
    search: Sequence[Mapping[str, Any]] | None = None,
    labels: Sequence[Mapping[str, Any]] | None = None,
    tools: bool = True,
) -> folium.Map:
    """The coverage map of an analysis as a folium map (self-contained, works offline).

    Parameters
    ----------
    analysis : Analysis
        From :func:`planner.analysis.result.analyse` or :func:`planner.analysis.result.analysis_of`.
    lang : {'zh', 'en'}
        Language of legends, layer names and tooltips.
    facility_types : iterable of str, optional
        Facility types whose service areas are drawn (default none when
        ``service_areas`` is None; all types present in it otherwise).
        Facilities of every type are always drawn.
    minutes : sequence of float
        Walks of the service areas (5/10/15 min by default).
    service_areas : GeoDataFrame, optional
        Precomputed :func:`planner.analysis.result.service_area_layer` output (WGS-84);
        when omitted and ``facility_types`` is given they are computed here.
    basemap : {'none', 'osm', 'amap', 'tianditu'}
        ``'none'`` draws no tiles (offline). ``'amap'`` is GCJ-02: all data are
        shifted to GCJ-02 for display (see :func:`display_to_wgs84`).
        ``'tianditu'`` needs ``tianditu_key``.
    coverage_type : str, optional
        Colour units by this facility type's catchment share instead of the
        main target of each unit's kind (see :func:`unit_display_frame`).
    highlight_gaps : bool
        Outline units with a gap (any target of their kind not met).
    show_candidates : bool
        Show candidate sites (hidden layer otherwise).
    selected : str, optional
        Facility id drawn with a halo.
    network : bool or GeoDataFrame
        Draw the walking network as faint grey context (True: from the model
        when it has at most :data:`MAX_NETWORK_SEGMENTS` segments).
    tianditu_key : str, optional
        Tianditu API key.
    simplify : float, optional
        Display simplification tolerance (degrees) of polygons; default about
        one pixel at the county-fit zoom (:func:`display_tolerance`); 0 keeps
        every vertex (coordinates rounded to 1e-7°).
    height : str or int
        Map height (CSS).
    places : sequence of float, optional
        Places per 1,000 people 60+ within the walk of each unit (aligned
        with ``analysis.units``; e.g. ``capacity_access(model, t).units
        ["places_per_1000"]``).  When given, units are coloured by it
        (:func:`places_colour`) instead of the coverage share, and the
        tooltips show it.
    places_type : str, optional
        Facility type the places are of (for the legend).
    context : mapping, optional
        Water and roads drawn as on the printed map
        (:func:`planner.outputs.printmap.context_layers` of the boundaries file).
    search : sequence of mapping, optional
        What the search box finds (default: the units and facilities of
        ``analysis``, :func:`planner.outputs.maptools.search_index`).
    labels : sequence of mapping, optional
        Unit names by zoom (default: those of ``analysis``,
        :func:`planner.outputs.maptools.unit_labels`).
    tools : bool
        Add the map tools (:func:`planner.outputs.maptools.add_map_tools`:
        metric scale, fullscreen, measuring, search, unit names by zoom,
        collapsible legend); False keeps the plain legend.

    Returns
    -------
    folium.Map
    """
    import folium

    parts = coverage_map_parts(
        analysis, lang=lang, facility_types=facility_types, minutes=minutes, service_areas=service_areas,
        basemap=basemap, coverage_type=coverage_type, highlight_gaps=highlight_gaps,
        show_candidates=show_candidates, selected=selected, network=network, tianditu_key=tianditu_key,
        simplify=simplify, height=height, places=places, places_type=places_type, context=context,
        search=search, labels=labels, tools=tools)
    m = parts.base
    for fg in parts.layers:
        fg.add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def coverage_map_parts(
    analysis: Analysis,
    *,
    lang: str = "zh",
    facility_types: Iterable[str] | None = None,
    minutes: Sequence[float] = DEFAULT_MINUTES,
    service_areas: gpd.GeoDataFrame | None = None,
    basemap: str = "none",
    coverage_type: str | None = None,
    highlight_gaps: bool = True,
    show_candidates: bool = False,
    selected: str | None = None,
    network: bool | gpd.GeoDataFrame | None = True,
    tianditu_key: str | None = None,
    simplify: float | None = None,
    height: str | int = "100%",
    places: Sequence[float] | None = None,
    places_type: str | None = None,
    context: Mapping[str, gpd.GeoDataFrame] | None = None,
    search: Sequence[Mapping[str, Any]] | None = None,
    labels: Sequence[Mapping[str, Any]] | None = None,
    tools: bool = True,
    base: bool = True,
) -> MapParts:
    """The coverage map as a base map and the layers an edit changes (see :class:`MapParts`).

    Takes the parameters of :func:`coverage_map`, and ``base``: False leaves
    the base map empty (no network, outlines, context, tools or legend) for a
    caller that keeps the base it drew while :attr:`MapParts.base_key` is the same.

    Returns
    -------
    MapParts
    """
    import folium

    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {BASEMAPS}, got {basemap!r}")
    model = analysis.model
    units = analysis.units
    disp = unit_display_frame(analysis, coverage_type, lang)

    # fractional zoom so the county fills the map when fitted
    m = folium.Map(tiles=None, control_scale=not tools, prefer_canvas=False, height=height,
                   zoom_control=True, zoom_snap=0.25, zoom_delta=0.5)
    if basemap == "none":
        _macro("{{ this._parent.get_name() }}.getContainer().style.background = '"
               + BACKGROUND + "';").add_to(m)
    elif basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False).add_to(m)
    elif basemap == "amap":
        # the providers' own names and attributions, in Chinese whatever the map's language
        folium.TileLayer(AMAP_TILES, attr=tr("map.tiles.amap_attr", "zh"), name=tr("map.tiles.amap", "zh"),
                         subdomains="1234", max_zoom=18, control=False).add_to(m)
    elif basemap == "tianditu":
        if not tianditu_key:
            raise ValueError("the Tianditu basemap needs a key (tianditu_key)")
        for tpl, nm in ((TIANDITU_TILES, "map.tiles.tianditu"), (TIANDITU_LABELS, "map.tiles.tianditu_labels")):
            folium.TileLayer(tpl.replace("{key}", tianditu_key), attr=tr("map.tiles.tianditu_attr", "zh"),
                             name=tr(nm, "zh"),
                             subdomains="01234567", max_zoom=18, control=False).add_to(m)

    # about a pixel at the county-fit zoom: finer detail is invisible there and costs megabytes
    units_wgs = reproject(units, "EPSG:4326", copy=False) if units.crs is not None else units  # read only
    tol = display_tolerance(units_wgs.total_bounds) if simplify is None else float(simplify)

    # context: the walking network (offline substitute for a basemap)
    hidden = 0
    if base and network is not False and network is not None:
        lines = (to_display(network, basemap).__geo_interface__ if isinstance(network, gpd.GeoDataFrame)
                 else _network_geojson(model.network, basemap))
        if lines is None and not isinstance(network, gpd.GeoDataFrame):
            hidden = int(model.network.n_edges)
        if lines is not None:
            fg = folium.FeatureGroup(name=text("network_layer", lang), show=True)
            folium.GeoJson(lines, style_function=lambda _: {
                "color": "#8a8a8a", "weight": 1, "opacity": 0.55}, interactive=False).add_to(fg)
            fg.add_to(m)

    # units coloured by coverage
    u = units_wgs[["code", "name", "kind", "population", "pop60", "gap", "gap_reason_zh",
               "gap_reason_en", "geometry"]].copy()
    u["share"] = disp["share"].to_numpy()
    if places is not None:
        pl = np.asarray(places, float)
        if pl.shape != (len(u),):
            raise ValueError(f"places must have one value per unit ({len(u)}), got shape {pl.shape}")
        u["fill"] = [places_colour(v) for v in pl]
        u["t_places"] = [f"{v:,.1f}" if np.isfinite(v) else text("no_data", lang) for v in pl]
    else:
        u["fill"] = [coverage_colour(s) for s in u["share"]]
    # kinds other than community read as villages (their only other kind), as before
    u["t_kind"] = [kind_label("community" if k == "community" else "village", "zh") if lang == "zh" else k
                   for k in u["kind"]]
    u["t_pop"] = [f"{v:,.0f}" for v in u["population"]]
    u["t_pop60"] = [f"{v:,.0f}" for v in u["pop60"]]
    u["t_share"] = [f"{s:.0%}" if np.isfinite(s) else text("no_data", lang) for s in u["share"]]
    mins = disp["nearest_minutes"].to_numpy(float)
    u["t_nearest"] = [f"{nm} ({mn:.1f} {text('min_unit', lang)})" if np.isfinite(mn) and nm
                      else text("beyond", lang) for nm, mn in zip(disp["nearest"], mins, strict=True)]
    u["t_gap"] = [r or text("none", lang) for r in u[f"gap_reason_{norm_lang(lang)}"]]
    u["code"] = u["code"].fillna("").astype(str)
    # names and codes are text, never markup: folium's tooltips insert the values as HTML
    for col in ("name", "code", "t_nearest", "t_gap", "t_kind"):
        u[col] = [html_text(str(v)) for v in u[col].fillna("")]
    u = u.drop(columns=["gap_reason_zh", "gap_reason_en"])
    u["gap"] = u["gap"].astype(bool)
    u = _for_display(u, basemap, tol)
    fields = ["name", "code", "t_kind", "t_pop", "t_pop60", "t_share", "t_nearest", "t_gap"]
    aliases = [text(k, lang) for k in ("name", "code", "kind", "population", "pop60", "covered",
                                       "nearest", "gap_reason")]
    if places is not None:
        fields.insert(5, "t_places")
        aliases.insert(5, text("places", lang))
    fg_units = folium.FeatureGroup(name=text("units_layer", lang), show=True)
    folium.GeoJson(
        u[[*fields, "fill", "gap", "geometry"]].to_json(),  # only escaped text and our own values
        name=text("units_layer", lang),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"], "fillOpacity": 0.55,
            "color": GAP_COLOUR if (highlight_gaps and f["properties"]["gap"]) else "#555555",
            "weight": 3 if (highlight_gaps and f["properties"]["gap"]) else 0.8,
            "dashArray": None,
        },
        highlight_function=lambda _: {"weight": 3, "color": "#000000", "fillOpacity": 0.7},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
    ).add_to(fg_units)
    layers: list[folium.FeatureGroup] = [fg_units]

    # street/township outlines for orientation
    if base and "street" in model.units.columns and model.units["street"].notna().any():
        st = gpd.GeoDataFrame({"street": model.units["street"].fillna("").to_numpy()},
                              geometry=model.units.geometry.values, crs=model.units.crs)
        st = reproject(st.dissolve("street").reset_index(), "EPSG:4326")
        st["geometry"] = st.geometry.boundary
        fg = folium.FeatureGroup(name=text("streets_layer", lang), show=True)
        folium.GeoJson(_for_display(st, basemap, tol)[["geometry"]].to_json(), style_function=lambda _: {
            "color": "#333333", "weight": 1.6, "dashArray": "6,4", "opacity": 0.8},
            interactive=False).add_to(fg)
        fg.add_to(m)

    # service areas
    sa_types: list[str] = []
    if service_areas is None and facility_types is not None and list(facility_types):
        from planner.analysis.result import service_area_layer

        service_areas = service_area_layer(model, facility_types=list(facility_types), minutes=minutes)
    if service_areas is not None and len(service_areas):
        sa = service_areas
        if facility_types is not None:
            sa = sa[sa["facility_type"].isin(list(facility_types))]
        sa = sa[sa["minutes"].isin([float(x) for x in minutes])]
        if sa.crs is not None and not sa.crs.equals("EPSG:4326"):
            sa = reproject(sa, "EPSG:4326")
        sa = sa.assign(geojson=[_area_geojson(g, basemap, tol) for g in sa.geometry.to_numpy()])
        sa = sa[sa["geojson"].notna()]
        for t in [t for t in FACILITY_TYPES if t in set(sa["facility_type"])]:
            sa_types.append(t)
            colour = symbol(t).colour
            fg = folium.FeatureGroup(name=text("service_area_of", lang, type=type_label(t, lang)), show=True)
            part = sa[sa["facility_type"] == t].sort_values("minutes", ascending=False)
            for _, row in part.iterrows():
                op = service_area_opacity(row["minutes"])
                label = f"{type_label(t, lang)} · {text('minutes', lang, m=row['minutes'])} ≈ {row['metres']:,.0f} m"
                folium.GeoJson(
                    # GEOS writes the GeoJSON (shapely's Python mapping is ten times slower)
                    {"type": "Feature", "properties": {}, "geometry": row["geojson"]},
                    style_function=lambda _, c=colour, o=op: {"fillColor": c, "fillOpacity": o,
                                                                "color": c, "weight": 0.6, "opacity": 0.6},
                    tooltip=label, interactive=False,
                ).add_to(fg)
            layers.append(fg)

    # facilities, one symbol per type: one GeoJSON layer per group whose points become symbols in
    # the browser (a folium Marker per facility costs a template each: seconds for a county)
    fac = model.facilities.drop(columns=["unit"], errors="ignore")
    fac = to_display(fac, basemap) if len(fac) else fac
    feats: dict[str, list[dict]] = {}
    for row in fac.itertuples(index=False):
        rec = row._asdict()
        status = str(rec["status"])
        key = "candidate" if status == "candidate" else str(rec["type"])
        is_sel = selected is not None and str(rec["facility_id"]) == str(selected)
        size = 22 if is_sel else 18
        feats.setdefault(key, []).append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(rec["geometry"].x), 7),
                                                          round(float(rec["geometry"].y), 7)]},
            "properties": {"svg": symbol_svg(str(rec["type"]), status, size=size, selected=is_sel),
                           "size": size, "tip": facility_tooltip(rec, lang)}})
    for key in [*FACILITY_TYPES, "candidate"]:
        if key not in feats:
            continue
        name = (text("candidates_layer", lang) if key == "candidate"
                else f"{text('facilities', lang)}: {type_label(key, lang)}")
        fg = folium.FeatureGroup(name=name, show=show_candidates if key == "candidate" else True)
        folium.GeoJson({"type": "FeatureCollection", "features": feats[key]},
                       on_each_feature=folium.JsCode(_FACILITY_JS)).add_to(fg)
        layers.append(fg)

    present = [t for t in FACILITY_TYPES if (model.facilities["type"] == t).any()]
    cov_label = (text("coverage_of", lang, what=type_label(coverage_type, lang)) if coverage_type
                 else text("coverage", lang))
    classes = None
    if places is not None:
        cov_label = text("places_of", lang, type=type_label(places_type or coverage_type or "", lang))
        classes = places_classes(lang)
    legend = legend_html(lang, facility_types=present, coverage_label=cov_label,
                         service_minutes=minutes if sa_types else (), service_types=sa_types,
                         highlight_gaps=highlight_gaps, classes=classes,
                         note=text("places_note", lang) if places is not None else None)
    if base and tools:
        from planner.outputs.maptools import add_map_tools, search_index, unit_labels

        add_map_tools(m, lang=lang, basemap=basemap, context=context, legend_html=legend,
                      legend_position="bottomright",
                      labels=unit_labels(analysis, basemap=basemap) if labels is None else labels,
                      search_index=search_index(analysis, lang, basemap=basemap) if search is None else search)
    elif base:
        add_legend(m, legend)
    if base:  # keep the data clear of the legend (bottom right)
        m.fit_bounds(_bounds(u), padding_top_left=(10, 10), padding_bottom_right=(LEGEND_WIDTH, 10))
    return MapParts(base=m, layers=layers, control=folium.LayerControl(collapsed=True, position="topright"),
                    network_segments_hidden=hidden, base_key=sha256_bytes(legend.encode("utf-8")))


# --- keeping the view across reruns ---------------------------------------------------------


@dataclass(frozen=True)
class MapView:
    """A map view to keep across reruns: centre in WGS-84 degrees and Leaflet zoom level."""

    lon: float
    lat: float
    zoom: float


VIEW_META = "planner-view"
"""Name of the ``<meta>`` element of the page header that carries the view to restore."""


def view_from_return(out: dict | None, basemap: str = "none") -> MapView | None:
    """The view streamlit-folium reported (``center`` and ``zoom``), in WGS-84.

    None until the map has reported one: before its first report
    streamlit-folium returns defaults without ``center`` (and a meaningless
    ``zoom``), which must not overwrite a kept view.
    """
    if not out:
        return None
    try:
        c = out["center"]
        lat, lng, zoom = float(c["lat"]), float(c["lng"]), float(out["zoom"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (np.isfinite([lat, lng, zoom]).all() and -90 <= lat <= 90 and 0 <= zoom <= 30):
        return None
    lon, lat = display_to_wgs84(((lng + 180.0) % 360.0) - 180.0, lat, basemap)
    # rounded (1e-7° ≈ 1 cm) so a view that did not move compares equal
    return MapView(round(lon, 7), round(lat, 7), round(zoom, 4))


_RESTORE_VIEW_JS = (
    "(function(map){var el=document.querySelector('meta[name=\"" + VIEW_META + "\"]');"
    "if(!el){return;}try{var v=JSON.parse(el.getAttribute('content'));"
    "if(isFinite(v.lat)&&isFinite(v.lng)&&isFinite(v.zoom)){map.setView([v.lat,v.lng],v.zoom,{animate:false});}"
    "}catch(e){}})({{ this._parent.get_name() }});"
)


def keep_view(m: folium.Map, view: MapView | None, basemap: str = "none") -> folium.Map:
    """Open the map at ``view`` instead of the fitted county (None: keep the fit).

    The script that restores the view is the same whatever the view, and the
    view itself travels in a ``<meta>`` element of the page header: the map's
    script (which streamlit-folium hashes to decide whether to rebuild the
    map) does not change when the planner pans, so panning never reloads the
    map, while a map rebuilt after an edit opens where the planner was.
    Works in a saved HTML page too.

    Parameters
    ----------
    m : folium.Map
        The map.
    view : MapView or None
        The view to open at (None: keep the fit).
    basemap : str
        The map's basemap (GCJ-02 ones shift the view).

    Returns
    -------
    folium.Map
        ``m``.
    """
    from branca.element import Element

    _macro(_RESTORE_VIEW_JS).add_to(m)
    if view is not None:
        meta = Element(view_meta(view, basemap))
        m.get_root().header.add_child(meta,  # type: ignore[attr-defined]  # the root is a folium Figure
                                      name="planner_view")
    return m


def view_meta(view: MapView | None, basemap: str = "none") -> str:
    """The page-header ``<meta>`` element carrying ``view`` for :func:`keep_view`'s script ('' for None).

    Parameters
    ----------
    view : MapView or None
        The view to open at.
    basemap : str
        The map's basemap (GCJ-02 ones shift the view).

    Returns
    -------
    str
    """
    if view is None:
        return ""
    lon, lat = wgs84_to_display(view.lon, view.lat, basemap)
    content = html.escape(json.dumps({"lat": round(lat, 7), "lng": round(lon, 7),
                                      "zoom": float(view.zoom)}), quote=True)
    return f'<meta name="{VIEW_META}" content="{content}">'

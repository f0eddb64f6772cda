"""The tools a GIS user expects on the web map, all working offline.

Each ``add_*`` function adds one tool to a :class:`folium.Map` and returns
the map; :func:`add_map_tools` adds them all at once:

- a metric-only scale bar, and the attribution without Leaflet's prefix
  (tile providers' credits stay) — :func:`add_scale`;
- a fullscreen button (leaflet.fullscreen, MIT) — :func:`add_fullscreen`;
- a distance-measuring tool (Leaflet.PolylineMeasure, BSD-2) with the
  catalogue's words — :func:`add_measure`;
- a search box over a plain index of units and facilities
  (:func:`search_index`) that zooms to the one picked — :func:`add_search`;
- unit names, each shown from the zoom where it fits inside its unit
  (:func:`unit_labels`) — :func:`add_unit_labels`;
- water and roads of a boundaries GeoPackage, drawn as on the printed map
  (:func:`planner.outputs.printmap.context_layers`) — :func:`add_context`;
- the legend as a collapsible control — :func:`add_legend_control`; and
  tooltips kept inside the map near its edges — :func:`add_tooltip_fitting`.

The scripts ship with the package (:data:`planner.outputs.html.ASSETS`):
:func:`planner.outputs.html.offline_assets` and
:func:`planner.outputs.html.offline_html` make the map load them from the
package, never from the internet.  Names from the data reach the page only
as JSON read by the tools' own script (``planner/static/maptools``), which
inserts them as text (``textContent``), never as HTML.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from planner._util import reproject
from planner.outputs.html import ASSETS, default_asset_url, static_root
from planner.outputs.style import WATER_COLOURS, road_styles
from planner.text import kind_label, status_label, tr, type_label

if TYPE_CHECKING:
    import folium
    from branca.element import MacroElement

    from planner.analysis.result import Analysis

__all__ = [
    "LABEL_MAX_ZOOM",
    "TOOL_ASSETS",
    "add_context",
    "add_fullscreen",
    "add_legend_control",
    "add_map_tools",
    "add_measure",
    "add_scale",
    "add_search",
    "add_tooltip_fitting",
    "add_unit_labels",
    "label_zoom",
    "script_json",
    "search_index",
    "static_root",
    "unit_labels",
]

TOOL_ASSETS: dict[str, tuple[str, ...]] = {
    "tools": ("planner_maptools_js", "planner_maptools_css"),
    "fullscreen": ("planner_fullscreen_js", "planner_fullscreen_css"),
    "measure": ("planner_measure_js", "planner_measure_css"),
}
"""The files (:data:`planner.outputs.html.ASSETS` names) each tool loads."""

LABEL_MAX_ZOOM = 19.0
"""A label that fits at no zoom up to this one is never shown."""

LABEL_FONT_PX = 12.0  # the labels' font size (maptools.css)
_EARTH_PX_M = 2 * math.pi * 6378137.0 / 256  # metres per pixel at zoom 0 on the equator (Web Mercator)
_ROADS_PANE = "plannerRoads"  # roads drawn above the unit colours, below symbols and tooltips


_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def script_json(value: Any) -> str:
    r"""``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` (and the JavaScript line separators) are written
    as ``\uXXXX`` escapes, so no string in the data can close the script
    element or open another one; so are ``{`` and ``}`` inside strings:
    branca renders a map's scripts as Jinja templates a second time, and
    ``{{ ... }}`` in a name would be evaluated on the server.

    Parameters
    ----------
    value : Any
        JSON-serialisable data.

    Returns
    -------
    str

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name": "\\u003c/script\\u003e\\u003cb\\u003e"}'
    >>> script_json(["{{ 7*7 }}"])
    '["\\u007b\\u007b 7*7 \\u007d\\u007d"]'
    """
    text = _JSON_STRING_RE.sub(lambda mt: mt.group(0).replace("{", "\\u007b").replace("}", "\\u007d"),
                               json.dumps(value, ensure_ascii=False, allow_nan=False))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


@lru_cache(maxsize=1)
def _tool_class() -> type:
    """A folium element that lists its files (like folium's plugins) and runs a script."""
    from branca.element import MacroElement
    from folium.elements import JSCSSMixin

    class PlannerTool(JSCSSMixin, MacroElement):  # type: ignore[misc]  # folium is untyped
        _name = "PlannerTool"

    return PlannerTool


def _tool(script: str, assets: Sequence[str], payload: Any = None) -> MacroElement:
    """An element running ``script`` (``map`` and ``data`` bound) after loading ``assets``.

    The data travel as :func:`script_json` in an attribute of the element, not
    in the template's source, so nothing in them is read as template syntax.
    """
    from branca.element import Template

    el = _tool_class()()
    el.payload = script_json(payload)
    el._template = Template(
        "{% macro script(this, kwargs) %}(function (map, data) {" + script
        + "})({{ this._parent.get_name() }}, {{ this.payload }});{% endmacro %}")
    el.default_js = [(n, default_asset_url(n)) for n in assets if ASSETS[n].kind == "js"]
    el.default_css = [(n, default_asset_url(n)) for n in assets if ASSETS[n].kind == "css"]
    return el


# --- scale, attribution, fullscreen, measuring ------------------------------------------------


def add_scale(m: folium.Map, *, position: str = "bottomleft") -> folium.Map:
    """A metric-only scale bar, and the attribution without Leaflet's prefix.

    folium's own scale bar (``control_scale=True``, metric and imperial) is
    switched off.  Tile providers' attributions stay; an empty attribution
    box is hidden.

    Parameters
    ----------
    m : folium.Map
        The map.
    position : str
        Leaflet control position of the scale bar.

    Returns
    -------
    folium.Map
        ``m``.
    """
    m.control_scale = False
    _tool("L.PlannerTools.scale(map, data);", TOOL_ASSETS["tools"], {"position": position}).add_to(m)
    return m


def add_fullscreen(m: folium.Map, *, lang: str = "zh", position: str = "topleft") -> folium.Map:
    """A fullscreen button (joins the zoom buttons when they share its corner).

    Parameters
    ----------
    m : folium.Map
        The map.
    lang : str
        ``zh`` or ``en`` (the button's tooltip).
    position : str
        Leaflet control position.

    Returns
    -------
    folium.Map
        ``m``.
    """
    opts = {"position": position, "title": tr("map.tools.fullscreen", lang),
            "titleCancel": tr("map.tools.fullscreen_exit", lang)}
    _tool("new L.Control.FullScreen(data).addTo(map);", TOOL_ASSETS["fullscreen"], opts).add_to(m)
    return m


def _measure_options(lang: str, position: str) -> dict[str, Any]:
    """Leaflet.PolylineMeasure's options: metres/kilometres and the catalogue's words."""
    def t(key: str) -> str:  # the plugin inserts these as HTML: catalogue text, escaped anyway
        return html.escape(tr(f"map.tools.{key}", lang))

    units = {"metres": tr("map.tools.m", lang), "kilometres": tr("map.tools.km", lang)}
    return {
        "position": position, "unit": "metres", "showBearings": False, "clearMeasurementsOnStop": False,
        "showClearControl": True, "showUnitControl": False,
        "measureControlTitleOn": tr("map.tools.measure_on", lang),
        "measureControlTitleOff": tr("map.tools.measure_off", lang),
        "clearControlTitle": tr("map.tools.measure_clear", lang),
        "measureControlLabel": "&#8614;", "clearControlLabel": "&times;",
        "measureControlClasses": [], "clearControlClasses": [],
        "tooltipTextFinish": t("measure_finish") + "<br>", "tooltipTextDelete": t("measure_delete"),
        "tooltipTextMove": t("measure_move") + "<br>", "tooltipTextResume": "<br>" + t("measure_resume"),
        "tooltipTextAdd": t("measure_add"),
        "unitControlLabel": {**{k: html.escape(v) for k, v in units.items()},
                             "feet": "ft", "landmiles": "mi", "nauticalmiles": "nm"},
    }


def add_measure(m: folium.Map, *, lang: str = "zh", position: str = "topleft") -> folium.Map:
    """A distance-measuring tool: click points, read the running distance (m, km), clear.

    Uses Leaflet.PolylineMeasure (great-circle distances, the same sphere
    as Leaflet's ``distanceTo``); the button turns measuring on and off, a
    second one clears the lines, Esc ends a line.

    Parameters
    ----------
    m : folium.Map
        The map.
    lang : str
        ``zh`` or ``en``.
    position : str
        Leaflet control position.

    Returns
    -------
    folium.Map
        ``m``.
    """
    _tool("L.control.polylineMeasure(data).addTo(map);", TOOL_ASSETS["measure"],
          _measure_options(lang, position)).add_to(m)
    return m


# --- search -----------------------------------------------------------------------------------


def _display_xy(x: np.ndarray, y: np.ndarray, basemap: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 coordinates as drawn on ``basemap`` (GCJ-02 basemaps shift them)."""
    from planner.outputs.webmap import GCJ02_BASEMAPS

    if basemap in GCJ02_BASEMAPS and len(x):
        from planner.io.crs import wgs84_to_gcj02

        gx, gy = wgs84_to_gcj02(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(gx, float), np.asarray(gy, float)
    return np.asarray(x, float), np.asarray(y, float)


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None or gdf.crs.equals("EPSG:4326"):
        return gdf
    return reproject(gdf, "EPSG:4326")


def search_index(analysis: Analysis, lang: str = "zh", *, basemap: str = "none",
                 facilities: bool = True) -> list[dict[str, Any]]:
    """What the search box finds: every unit and (optionally) every facility of an analysis.

    Parameters
    ----------
    analysis : Analysis
        The analysis (its units; the facilities of its model).
    lang : str
        ``zh`` or ``en`` (the kinds shown under each hit).
    basemap : str
        The map's basemap (GCJ-02 ones shift the bounds, as the map's data).
    facilities : bool
        Include the facilities (they change with edits; units do not).

    Returns
    -------
    list of dict
        ``label`` (name), ``code`` (unit code or facility id), ``kind``
        (the unit kind or facility type, as words) and ``bounds``
        (``[[south, west], [north, east]]`` in display degrees; a point's
        corners coincide), units first.
    """
    out: list[dict[str, Any]] = []
    units = _wgs84(analysis.units)
    if len(units):
        b = shapely.bounds(units.geometry.values)
        x0, y0 = _display_xy(b[:, 0], b[:, 1], basemap)
        x1, y1 = _display_xy(b[:, 2], b[:, 3], basemap)
        for k, (name, code, kind) in enumerate(zip(units["name"], units["code"], units["kind"], strict=True)):
            out.append({"label": _text(name), "code": _text(code), "kind": kind_label(str(kind), lang),
                        "bounds": [[_r(y0[k]), _r(x0[k])], [_r(y1[k]), _r(x1[k])]]})
    fac = analysis.model.facilities
    if facilities and len(fac):
        fac = _wgs84(fac)
        x, y = _display_xy(fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy(), basemap)
        for k, (name, fid, ftype, status) in enumerate(zip(fac["name"], fac["facility_id"], fac["type"],
                                                           fac["status"], strict=True)):
            kind = type_label(str(ftype), lang)
            if str(status) != "existing":
                label = status_label(str(status), lang)
                kind += tr("table.list_sep", lang) + (label if label != f"status.{status}" else str(status))
            point = [_r(y[k]), _r(x[k])]
            out.append({"label": _text(name), "code": _text(fid), "kind": kind, "bounds": [point, point]})
    return out


def _text(value: Any) -> str:
    """A cell as text ('' for missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return str(value)


def _r(v: float) -> float:
    return round(float(v), 6)


def add_search(m: folium.Map, index: Sequence[Mapping[str, Any]], *, lang: str = "zh",
               position: str = "topright", max_zoom: int = 17) -> folium.Map:
    """A search box that finds an entry of ``index`` by name or code and zooms to it.

    Matching is a case-insensitive substring of the name or the code
    (Chinese works as typed); Enter or a click on a hit zooms to it and
    outlines it for a few seconds.  Names are shown as text only.

    Parameters
    ----------
    m : folium.Map
        The map.
    index : sequence of mapping
        Entries with ``label``, ``code``, ``kind``, ``bounds`` (see :func:`search_index`).
    lang : str
        ``zh`` or ``en``.
    position : str
        Leaflet control position.
    max_zoom : int
        The closest zoom a hit is shown at (a facility is shown at it).

    Returns
    -------
    folium.Map
        ``m``.
    """
    entries = [{"label": _text(e.get("label")), "code": _text(e.get("code")), "kind": _text(e.get("kind")),
                "bounds": [[float(c) for c in corner] for corner in e["bounds"]]} for e in index]
    opts = {"position": position, "index": entries, "maxZoom": int(max_zoom),
            "placeholder": tr("map.tools.search_placeholder", lang), "title": tr("map.tools.search", lang),
            "noResult": tr("map.tools.search_none", lang)}
    _tool("L.PlannerTools.search(map, data);", TOOL_ASSETS["tools"], opts).add_to(m)
    return m


# --- unit labels ------------------------------------------------------------------------------


def _label_px(text: str) -> float:
    """Width in pixels of a label (CJK characters a full em, others about 0.6 em)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return LABEL_FONT_PX * (wide + 0.6 * (len(text) - wide)) + 6.0


def _room(poly: Any, x: float, y: float, axis: int) -> float:
    """Length of the widest line through (x, y) along ``axis`` inside ``poly`` centred on the point."""
    x0, y0, x1, y1 = poly.bounds
    line = (shapely.LineString([(x0 - 1, y), (x1 + 1, y)]) if axis == 0
            else shapely.LineString([(x, y0 - 1), (x, y1 + 1)]))
    pt = shapely.Point(x, y)
    best = 0.0
    for part in shapely.get_parts(shapely.intersection(line, poly)):
        if part.geom_type != "LineString" or part.distance(pt) > 1e-6:
            continue
        c = shapely.get_coordinates(part)[:, axis]
        v = x if axis == 0 else y
        best = max(best, 2 * min(v - c.min(), c.max() - v))
    return best


def label_zoom(text: str, width_m: float, height_m: float, lat: float) -> float:
    """The lowest (fractional) Leaflet zoom where a label fits in ``width_m`` x ``height_m`` metres.

    Parameters
    ----------
    text : str
        The label.
    width_m, height_m : float
        The room around the label's point, in metres (centred on it).
    lat : float
        Latitude of the point (Web Mercator's scale depends on it).

    Returns
    -------
    float
        The zoom (``inf`` when there is no room).

    Examples
    --------
    >>> round(label_zoom("东门社区", 1000.0, 500.0, 29.3), 2)
    13.0
    """
    if width_m <= 0 or height_m <= 0:
        return math.inf
    mpp0 = _EARTH_PX_M * math.cos(math.radians(lat))  # metres per pixel at zoom 0
    need_w, need_h = _label_px(text) / 0.9, LABEL_FONT_PX * 1.6  # a margin around the text
    return max(math.log2(mpp0 * need_w / width_m), math.log2(mpp0 * need_h / height_m))


def unit_labels(analysis: Analysis, *, basemap: str = "none") -> list[dict[str, Any]]:
    """Unit names placed inside their units, each with the zoom from which it fits.

    The label sits on the unit's representative point; its zoom is the
    lowest at which the text fits in the unit's width and height through
    that point (:func:`label_zoom`), so zoomed out only the large units are
    named and nothing overlaps its neighbours.

    Parameters
    ----------
    analysis : Analysis
        The analysis (its units' names and polygons).
    basemap : str
        The map's basemap (GCJ-02 ones shift the points).

    Returns
    -------
    list of dict
        ``text``, ``lat``, ``lng`` (display degrees) and ``zoom``; units
        without room up to :data:`LABEL_MAX_ZOOM` are left out.
    """
    units = analysis.model.units
    metric = units if units.crs is not None and units.crs.is_projected else reproject(units, units.estimate_utm_crs())
    names = [_text(v) for v in analysis.units["name"]]
    pts = shapely.point_on_surface(metric.geometry.values)
    ll = reproject(gpd.GeoSeries(pts, crs=metric.crs), "EPSG:4326")
    lon, lat = _display_xy(ll.x.to_numpy(), ll.y.to_numpy(), basemap)
    out = []
    for k, (poly, pt, name) in enumerate(zip(metric.geometry.values, pts, names, strict=True)):
        if not name or poly is None or poly.is_empty:
            continue
        z = label_zoom(name, _room(poly, pt.x, pt.y, 0), _room(poly, pt.x, pt.y, 1), float(ll.y.iloc[k]))
        if z <= LABEL_MAX_ZOOM:
            out.append({"text": name, "lat": _r(lat[k]), "lng": _r(lon[k]), "zoom": round(z, 2)})
    return out


def add_unit_labels(m: folium.Map, labels: Sequence[Mapping[str, Any]], *,
                    min_zoom: float | None = None) -> folium.Map:
    """Unit names on the map, each shown from its own zoom on (text only, not clickable).

    Parameters
    ----------
    m : folium.Map
        The map.
    labels : sequence of mapping
        ``text``, ``lat``, ``lng``, ``zoom`` (see :func:`unit_labels`).
    min_zoom : float, optional
        No label is shown below this zoom, whatever its own.

    Returns
    -------
    folium.Map
        ``m``.
    """
    items = [{"text": _text(x["text"]), "lat": float(x["lat"]), "lng": float(x["lng"]),
              "zoom": float(x.get("zoom", 0.0))} for x in labels]
    _tool("L.PlannerTools.labels(map, data.items, data);", TOOL_ASSETS["tools"],
          {"items": items, "minZoom": min_zoom}).add_to(m)
    return m


# --- context: water and roads -----------------------------------------------------------------


def add_context(m: folium.Map, context: Mapping[str, gpd.GeoDataFrame], *, lang: str = "zh",
                basemap: str = "none", tolerance: float = 1e-5) -> folium.Map:
    """Water and roads as on the printed map (the layers that are present; toggled in the layer control).

    Water is drawn under the units; roads in a pane above the unit colours
    and below the facility symbols, main roads wider and darker.  Neither
    reacts to the mouse.

    Parameters
    ----------
    m : folium.Map
        The map (add it to the base map: the context does not change with edits).
    context : mapping
        ``water`` (polygons) and ``roads`` (lines with a ``class`` column), see
        :func:`planner.outputs.printmap.context_layers`; other keys are ignored.
    lang : str
        ``zh`` or ``en`` (layer names).
    basemap : str
        The map's basemap (GCJ-02 ones shift the layers).
    tolerance : float
        Simplification in degrees (about 1 m by default; 0 keeps every vertex).

    Returns
    -------
    folium.Map
        ``m``.
    """
    import folium

    from planner.outputs.webmap import _for_display

    water = context.get("water")
    if water is not None and len(water):
        fg = folium.FeatureGroup(name=tr("map.water_layer", lang), show=True)
        folium.GeoJson(_for_display(water[[water.geometry.name]], basemap, tolerance).to_json(),
                       style_function=lambda _: {"fillColor": WATER_COLOURS[0], "fillOpacity": 0.9,
                                                 "color": WATER_COLOURS[1], "weight": 0.8},
                       interactive=False).add_to(fg)
        fg.add_to(m)
    roads = context.get("roads")
    if roads is not None and len(roads):
        styles = road_styles(roads["class"] if "class" in roads.columns else [None] * len(roads))
        lay = gpd.GeoDataFrame({"colour": [s[0] for s in styles], "width": [s[1] for s in styles]},
                               geometry=roads.geometry.values, crs=roads.crs)
        # narrow ones first: main roads drawn on top
        lay = _for_display(lay.iloc[np.argsort(lay["width"].to_numpy(), kind="stable")], basemap, tolerance)
        folium.map.CustomPane(_ROADS_PANE, z_index=420, pointer_events=False).add_to(m)
        fg = folium.FeatureGroup(name=tr("map.roads_layer", lang), show=True)
        folium.GeoJson(lay.to_json(), pane=_ROADS_PANE, interactive=False,
                       style_function=lambda f: {"color": f["properties"]["colour"],
                                                 "weight": f["properties"]["width"], "opacity": 0.9}
                       ).add_to(fg)
        fg.add_to(m)
    # a layer control added before these groups would list them before they exist: move it last
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(key)
    return m


# --- legend, tooltips ------------------------------------------------------------------------

_DETAILS_RE = re.compile(r"^\s*<details\b[^>]*>\s*<summary\b[^>]*>.*?</summary>(?P<body>.*)</details>\s*$",
                         re.S | re.I)


def add_legend_control(m: folium.Map, legend_html: str, *, lang: str = "zh", position: str = "bottomright",
                       collapsed: bool | None = None) -> folium.Map:
    """The legend as a control with a "图例/Legend" button that opens and closes it.

    Parameters
    ----------
    m : folium.Map
        The map.
    legend_html : str
        The legend's markup, e.g. :func:`planner.outputs.webmap.legend_html`
        (its ``<details>`` wrapper, if any, is replaced by the button).  It is
        inserted as HTML: pass only the planner's own markup (names escaped).
    lang : str
        ``zh`` or ``en`` (the button).
    position : str
        Leaflet control position.
    collapsed : bool, optional
        Start closed (True) or open (False); default closed on small maps
        (narrower than 700 or lower than 480 pixels).

    Returns
    -------
    folium.Map
        ``m``.
    """
    hit = _DETAILS_RE.match(legend_html)
    body = hit.group("body") if hit else legend_html
    opts = {"position": position, "html": body, "title": tr("map.legend", lang), "collapsed": collapsed}
    _tool("L.PlannerTools.legend(map, data);", TOOL_ASSETS["tools"], opts).add_to(m)
    return m


def add_tooltip_fitting(m: folium.Map) -> folium.Map:
    """Keep tooltips inside the map: near an edge they open towards the inside, not clipped.

    Parameters
    ----------
    m : folium.Map
        The map.

    Returns
    -------
    folium.Map
        ``m``.
    """
    _tool("L.PlannerTools.fitTooltips(map);", TOOL_ASSETS["tools"]).add_to(m)
    return m


# --- all at once ------------------------------------------------------------------------------


def add_map_tools(m: folium.Map, *, lang: str = "zh", basemap: str = "none",
                  search_index: Sequence[Mapping[str, Any]] | None = None,
                  labels: Sequence[Mapping[str, Any]] | None = None,
                  context: Mapping[str, gpd.GeoDataFrame] | None = None,
                  legend_html: str | None = None, legend_position: str = "bottomright",
                  legend_collapsed: bool | None = None, scale: bool = True, fullscreen: bool = True,
                  measure: bool = True, fit_tooltips: bool = True) -> folium.Map:
    """Add the map tools to a (base) map; each part optional.

    Parameters
    ----------
    m : folium.Map
        The map (in the app: the base map, which edits do not change).
    lang : str
        ``zh`` or ``en``.
    basemap : str
        The map's basemap (the context is shifted for GCJ-02 ones; build the
        index and labels with the same basemap).
    search_index : sequence of mapping, optional
        A search box over it (:func:`search_index`).
    labels : sequence of mapping, optional
        Unit names by zoom (:func:`unit_labels`).
    context : mapping, optional
        Water and roads (:func:`planner.outputs.printmap.context_layers`).
    legend_html : str, optional
        A collapsible legend control (:func:`add_legend_control`).
    legend_position : str
        Its Leaflet position.
    legend_collapsed : bool, optional
        Start it closed or open (default: closed on small maps).
    scale, fullscreen, measure, fit_tooltips : bool
        Add the metric scale bar (and drop the attribution prefix), the
        fullscreen button, the measuring tool, the tooltip fitting.

    Returns
    -------
    folium.Map
        ``m``.
    """
    if context:
        add_context(m, context, lang=lang, basemap=basemap)
    if labels:
        add_unit_labels(m, labels)
    if scale:
        add_scale(m)
    if fullscreen:
        add_fullscreen(m, lang=lang)
    if measure:
        add_measure(m, lang=lang)
    if search_index:
        add_search(m, search_index, lang=lang)
    if legend_html:
        add_legend_control(m, legend_html, lang=lang, position=legend_position, collapsed=legend_collapsed)
    if fit_tooltips:
        add_tooltip_fitting(m)
    return m

"""Maps as web pages that work offline: the one place that inlines the vendored scripts.

Leaflet (``planner/static/leaflet``, BSD-2) and the map tools' scripts
(:data:`ASSETS`: leaflet.fullscreen, Leaflet.PolylineMeasure and the
planner's own ``maptools``, all under :func:`static_root`) ship with the
package and are used three ways: :func:`offline_assets` points a folium
map's asset lists at ``data:`` URIs (the app, streamlit-folium), or with
``base_url`` at the same files served over HTTP (sent once, then cached);
:func:`offline_html` rewrites a rendered page so it carries them inline
(:func:`write_html_map`).
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner._errors import PlannerWarning
from planner._util import atomic_path

if TYPE_CHECKING:
    import folium

    from planner.analysis.result import Analysis

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
"""The scripts and stylesheets shipped with the package (see :func:`static_root`)."""

LEAFLET_DIR = STATIC_DIR / "leaflet"
"""Leaflet's JS/CSS shipped with the package (BSD-2), so maps draw without the internet."""

LEAFLET_BANNER = "/* Leaflet 1.9.4, BSD-2-Clause */"
"""Comment put before the inlined Leaflet (names its licence)."""

DROP_ASSETS = ("jquery", "bootstrap", "glyphicons", "fontawesome", "font-awesome",
               "awesome-markers", "awesome.rotate", "awesome_markers")
"""folium's default assets other than Leaflet: not needed by the maps we draw."""

_SCRIPT_RE = re.compile(r'<script\b[^>]*\bsrc="(https?:)?//[^"]*"[^>]*>\s*</script>\s*', re.I)
_LINK_RE = re.compile(r'<link\b[^>]*\bhref="(https?:)?//[^"]*"[^>]*/?>\s*', re.I)
_LEAFLET_JS_RE = re.compile(r"/leaflet(@[\d.]+)?/dist/leaflet(\.min)?\.js")
_LEAFLET_CSS_RE = re.compile(r"/leaflet(@[\d.]+)?/dist/leaflet\.css")


@dataclass(frozen=True)
class Asset:
    """A script or stylesheet shipped under :func:`static_root` that maps may load.

    Attributes
    ----------
    name : str
        The entry's name in folium's ``default_js`` / ``default_css`` lists.
    path : str
        The file, relative to :func:`static_root` (POSIX separators).
    kind : str
        ``js`` or ``css``.
    url : str or None
        The CDN address of the same file, which folium-style elements list by
        default and :func:`offline_html` recognises; None for the planner's own
        files (listed as ``data:`` URIs by default).
    banner : str
        Comment put before the file when inlined (names it and its licence).
    """

    name: str
    path: str
    kind: str
    url: str | None
    banner: str

    @property
    def file(self) -> Path:
        """The file on disk."""
        return STATIC_DIR / self.path


_JSDELIVR = "https://cdn.jsdelivr.net/npm/"
ASSETS: dict[str, Asset] = {a.name: a for a in (
    Asset("leaflet", "leaflet/leaflet.js", "js", _JSDELIVR + "leaflet@1.9.4/dist/leaflet.js",
          LEAFLET_BANNER),
    Asset("leaflet_css", "leaflet/leaflet.css", "css", _JSDELIVR + "leaflet@1.9.4/dist/leaflet.css",
          LEAFLET_BANNER),
    Asset("planner_fullscreen_js", "fullscreen/Control.FullScreen.umd.js", "js",
          _JSDELIVR + "leaflet.fullscreen@5.3.3/dist/Control.FullScreen.umd.js",
          "/* leaflet.fullscreen 5.3.3, MIT */"),
    Asset("planner_fullscreen_css", "fullscreen/Control.FullScreen.css", "css",
          _JSDELIVR + "leaflet.fullscreen@5.3.3/dist/Control.FullScreen.css",
          "/* leaflet.fullscreen 5.3.3, MIT */"),
    Asset("planner_measure_js", "polylinemeasure/Leaflet.PolylineMeasure.js", "js",
          _JSDELIVR + "leaflet.polylinemeasure@3.0.0/Leaflet.PolylineMeasure.js",
          "/* Leaflet.PolylineMeasure 3.0.0, BSD-2-Clause */"),
    Asset("planner_measure_css", "polylinemeasure/Leaflet.PolylineMeasure.css", "css",
          _JSDELIVR + "leaflet.polylinemeasure@3.0.0/Leaflet.PolylineMeasure.css",
          "/* Leaflet.PolylineMeasure 3.0.0, BSD-2-Clause */"),
    Asset("planner_maptools_js", "maptools/maptools.js", "js", None, "/* eldercare-planner maptools, MIT */"),
    Asset("planner_maptools_css", "maptools/maptools.css", "css", None, "/* eldercare-planner maptools, MIT */"),
)}
"""Every file a planner map may load, by its name in folium's asset lists."""


def static_root() -> Path:
    """The folder of the shipped scripts and stylesheets (serve it to use ``offline_assets(base_url=...)``).

    Returns
    -------
    Path
        ``planner/static`` of the installed package; every :data:`ASSETS` file lies under it.
    """
    return STATIC_DIR


@cache
def asset_text(name: str) -> str:
    """The text of an asset of :data:`ASSETS` (Leaflet's CSS with its images inlined)."""
    if name == "leaflet":
        return leaflet_assets().js
    if name == "leaflet_css":
        return leaflet_assets().css
    return ASSETS[name].file.read_text(encoding="utf-8")


@cache
def asset_data_uri(name: str) -> str:
    """An asset of :data:`ASSETS` as a ``data:`` URI (loads without a network or a server)."""
    asset = ASSETS[name]
    return _data_uri("text/javascript" if asset.kind == "js" else "text/css", asset_text(name))


def default_asset_url(name: str) -> str:
    """The address a map lists for an asset before :func:`offline_assets`: its CDN or a ``data:`` URI."""
    return ASSETS[name].url or asset_data_uri(name)


@dataclass(frozen=True)
class LeafletAssets:
    """The vendored Leaflet: its script, its stylesheet (images inlined) and the marker images."""

    js: str
    css: str
    images: dict[str, str]

    @property
    def icon_fix(self) -> str:
        """Script pointing Leaflet's default marker icon at the inlined images."""
        urls = {"icon": self.images["marker-icon.png"], "icon2x": self.images["marker-icon-2x.png"],
                "shadow": self.images["marker-shadow.png"]}
        return ("L.Icon.Default.prototype._getIconUrl = function (name) { return " + json.dumps(urls)
                + "[name === 'icon' && L.Browser.retina ? 'icon2x' : name]; };")


@lru_cache(maxsize=1)
def leaflet_assets() -> LeafletAssets:
    """Read the vendored Leaflet once; the CSS's image references become data URIs."""
    images = {p.name: "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii")
              for p in sorted((LEAFLET_DIR / "images").glob("*.png"))}
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    for name, uri in images.items():
        css = css.replace(f"url(images/{name})", f"url({uri})")
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    return LeafletAssets(js=js, css=css, images=images)


def _data_uri(mime: str, text: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _elements(root: Any) -> Iterator[Any]:
    """``root`` and all its descendants (folium elements), depth first."""
    yield root
    for child in getattr(root, "_children", {}).values():
        yield from _elements(child)


def offline_assets(m: folium.Map, base_url: str | None = None) -> folium.Map:
    """Make a folium map load Leaflet and the map tools from the package, not from CDNs.

    folium lists Leaflet, jQuery, Bootstrap and Font Awesome on CDNs; the
    planner's maps need only Leaflet (symbols are inline SVG) and the files of
    the map tools (:data:`ASSETS`).  The map's own list becomes Leaflet alone,
    and every :data:`ASSETS` entry of the map and of its elements points at
    ``data:`` URIs of the shipped files, which both streamlit-folium and a
    saved HTML page load without a network; or, with ``base_url``, at
    ``base_url`` + the file's path under :func:`static_root` (a server that
    serves that folder: the browser fetches each file once and caches it).

    Parameters
    ----------
    m : folium.Map
        The map (changed in place).
    base_url : str, optional
        Where :func:`static_root` is served (e.g. ``"/app/static/"``); a
        missing final ``/`` is added.

    Returns
    -------
    folium.Map
        ``m``.
    """
    if not (LEAFLET_DIR / "leaflet.js").is_file():  # not vendored: keep folium's CDN links
        return m
    if base_url is not None and not base_url.endswith("/"):
        base_url += "/"

    def url(name: str) -> str:
        return asset_data_uri(name) if base_url is None else base_url + ASSETS[name].path

    m.default_js = [("leaflet", url("leaflet"))]
    m.default_css = [("leaflet_css", url("leaflet_css"))]
    for el in _elements(m):
        if el is m or not isinstance(getattr(el, "default_js", None), list):
            continue
        for attr in ("default_js", "default_css"):
            entries = getattr(el, attr, None)
            if entries and any(name in ASSETS for name, _ in entries):
                # a copy on the element: folium's plugins share their lists at class level
                setattr(el, attr, [(name, url(name) if name in ASSETS else src) for name, src in entries])
    return m


def offline_html(html: str) -> str:
    """Make a folium page self-contained: inline Leaflet and the map tools, drop the CDN extras.

    Leaflet's JS and CSS are put inline with the marker images as data URIs,
    and so is every CDN file of :data:`ASSETS` (the map tools' plugins);
    folium's jQuery, Bootstrap and Font Awesome links are removed (the
    planner's maps use none of them).  Any other remote script or stylesheet
    left is reported with a :class:`PlannerWarning`, since the page would
    need the internet.
    """
    assets = leaflet_assets()
    by_url = {a.url: a for a in ASSETS.values() if a.url and not a.name.startswith("leaflet")}
    leftover: list[str] = []

    def _script(mt: re.Match[str]) -> str:
        tag = mt.group(0)
        src = _attr(tag, "src")
        if _LEAFLET_JS_RE.search(src) or src.endswith("/leaflet.js"):
            body = assets.js.replace("</script", "<\\/script")
            return f"<script>{LEAFLET_BANNER}\n{body}\n{assets.icon_fix}</script>\n"
        if src in by_url:
            a = by_url[src]
            return f"<script>{a.banner}\n{_inline(a.name, 'script')}</script>\n"
        if any(k in src.lower() for k in DROP_ASSETS):
            return ""
        leftover.append(src)
        return tag

    def _link(mt: re.Match[str]) -> str:
        tag = mt.group(0)
        href = _attr(tag, "href")
        if "stylesheet" not in tag:
            return tag
        if _LEAFLET_CSS_RE.search(href) or href.endswith("/leaflet.css"):
            return f"<style>{LEAFLET_BANNER}\n{assets.css}</style>\n"
        if href in by_url:
            a = by_url[href]
            return f"<style>{a.banner}\n{_inline(a.name, 'style')}</style>\n"
        if any(k in href.lower() for k in DROP_ASSETS):
            return ""
        leftover.append(href)
        return tag

    html = _SCRIPT_RE.sub(_script, html)
    html = _LINK_RE.sub(_link, html)
    if leftover:
        warnings.warn("the HTML map still loads these from the internet: " + ", ".join(leftover),
                      PlannerWarning, stacklevel=2)
    return html


def _inline(name: str, tag: str) -> str:
    """An asset's text safe inside a ``<script>`` / ``<style>`` element (cannot close it early)."""
    return re.sub(rf"</(?={tag})", r"<\\/", asset_text(name), flags=re.I)


def _attr(tag: str, name: str) -> str:
    hit = re.search(rf'{name}="([^"]*)"', tag)
    return hit.group(1) if hit else ""


def write_html_map(analysis: Analysis, path: str | Path, *, lang: str = "zh", **map_options: Any) -> Path:
    """An interactive coverage map (folium) that works when opened from disk.

    Parameters
    ----------
    analysis : Analysis
        The analysis to map.
    path : path
        ``.html`` file (UTF-8), written atomically.
    lang : str
        ``zh`` or ``en``.
    **map_options
        Passed to :func:`planner.outputs.webmap.coverage_map` (``facility_types``,
        ``minutes``, ``coverage_type``, ``highlight_gaps``...).  No basemap
        tiles are used (the page must work offline).

    Returns
    -------
    Path
    """
    from planner.outputs.webmap import coverage_map

    map_options.setdefault("basemap", "none")
    fmap = coverage_map(analysis, lang=lang, **map_options)
    html = offline_html(fmap.get_root().render())
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return Path(path)

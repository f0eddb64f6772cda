"""Maps as web pages that work offline: the one place that inlines the vendored Leaflet.

Leaflet's JS and CSS (vendored in ``planner/static/leaflet``, BSD-2) are read
once (:func:`leaflet_assets`, marker images as data URIs) and used two ways:
:func:`offline_assets` points a folium map's asset lists at ``data:`` URIs
(the app, streamlit-folium), and :func:`offline_html` rewrites a rendered
page so it carries Leaflet inline (:func:`write_html_map`).
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner._errors import PlannerWarning
from planner._util import atomic_path

if TYPE_CHECKING:
    import folium

    from planner.analysis.result import Analysis

LEAFLET_DIR = Path(__file__).resolve().parents[1] / "static" / "leaflet"
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


def offline_assets(m: folium.Map) -> folium.Map:
    """Make a folium map load Leaflet from the package, not from CDNs (works offline).

    folium lists Leaflet, jQuery, Bootstrap and Font Awesome on CDNs; the
    planner's maps need only Leaflet (symbols are inline SVG).  The map's
    asset lists are replaced by ``data:`` URIs of the vendored Leaflet, which
    both streamlit-folium and a saved HTML page load without a network.
    """
    if not (LEAFLET_DIR / "leaflet.js").is_file():  # not vendored: keep folium's CDN links
        return m
    assets = leaflet_assets()
    m.default_js = [("leaflet", _data_uri("text/javascript", assets.js))]
    m.default_css = [("leaflet_css", _data_uri("text/css", assets.css))]
    return m


def offline_html(html: str) -> str:
    """Make a folium page self-contained: inline Leaflet, drop the CDN extras.

    Leaflet's JS and CSS are put inline with the marker images as data URIs;
    folium's jQuery, Bootstrap and Font Awesome links are removed (the
    planner's maps use none of them).  Any other remote script or stylesheet
    left is reported with a :class:`PlannerWarning`, since the page would
    need the internet.
    """
    assets = leaflet_assets()
    leftover: list[str] = []

    def _script(mt: re.Match[str]) -> str:
        tag = mt.group(0)
        src = _attr(tag, "src")
        if _LEAFLET_JS_RE.search(src) or src.endswith("/leaflet.js"):
            body = assets.js.replace("</script", "<\\/script")
            return f"<script>{LEAFLET_BANNER}\n{body}\n{assets.icon_fix}</script>\n"
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

"""The app's map frame: what the app adds to streamlit-folium's map.

streamlit-folium draws the folium map in an iframe and reports clicks back to
the app 250 ms after they happen (a debounce meant for panning).  A planner
clicking to add a facility waits for that on every edit, so the map reports a
click at once (:func:`instant_clicks`), in the exact form streamlit-folium
would 250 ms later, and marks it as sent so streamlit-folium does not send it
again.  While the measuring tool is on, clicks are not reported as clicks.
The map frame loads the package's scripts from the app's own server
(:func:`static_base_url`).  Everything here is tested in Chromium
(tests/app/test_browser.py).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planner.outputs.webmap import _macro

if TYPE_CHECKING:
    import folium

RETURNED_OBJECTS = ("last_clicked", "last_object_clicked", "last_object_clicked_tooltip", "zoom", "center")
"""What the app asks streamlit-folium to report, in the order streamlit-folium reports it."""

def _send_value(expr: str) -> str:
    """JS reporting ``expr`` to the app as the frame's value (what streamlit-folium's setComponentValue sends)."""
    return ("window.parent.postMessage({isStreamlitMessage: true, type: 'streamlit:setComponentValue', "
            f"value: {expr}, dataType: 'json'}}, '*');")


_INSTANT_CLICK_JS = """
(function (map) {
    // Runs after a layer's own click handler (streamlit-folium's records the clicked object), so
    // last_object_clicked is current.  Sends the value streamlit-folium's debounced update would
    // send, in the same key order, and records it as sent: that update then finds nothing new.
    // While the planner measures a distance, clicks are the measure's points, not edits: the map
    // reports only its view then, and forgets the measuring clicks when measuring ends.
    var measuring = false, kept = null, clicked = undefined;
    map.on("polylinemeasure:toggle", function (e) {
        var g = window.__GLOBAL_DATA__;
        if (!g) { return; }
        measuring = !!(e.sttus !== undefined ? e.sttus : e.status);  // the plugin spells it "sttus"
        if (measuring) {
            kept = g.returned_objects; clicked = g.lat_lng_clicked;
            g.returned_objects = (kept || []).filter(function (k) { return k === "zoom" || k === "center"; });
        } else if (kept !== null) {
            g.returned_objects = kept; g.lat_lng_clicked = clicked; kept = null;
        }
    });
    map.on("click", function (e) {
        var g = window.__GLOBAL_DATA__;
        if (!g || !window.parent || window.parent === window || measuring) { return; }
        g.lat_lng_clicked = e.latlng;
        var all = {
            last_clicked: e.latlng,
            last_object_clicked: g.last_object_clicked,
            last_object_clicked_tooltip: g.last_object_clicked_tooltip,
            zoom: map.getZoom(),
            center: map.getCenter()
        };
        var keys = g.returned_objects || Object.keys(all);
        var data = {};
        Object.keys(all).forEach(function (k) { if (keys.indexOf(k) >= 0) { data[k] = all[k]; } });
        data = JSON.parse(JSON.stringify(data));
        g.previous_data = data;
        SEND_VALUE_DATA
    });
})({{ this._parent.get_name() }});
""".replace("SEND_VALUE_DATA", _send_value("data"))


def static_base_url() -> str:
    """Where the app's map frame loads the package's scripts (``planner/static``) from.

    The files are served by the Streamlit server itself, through a component
    declared on that folder (the way Streamlit serves a component's files),
    so the map frame loads Leaflet and its tools once and the browser keeps
    them, instead of receiving them inline (250 KB) on every rerun.  The URL
    is relative to the map frame (``/component/streamlit_folium…/``), so it
    also works behind a proxy under a path prefix.
    """
    return "../" + _static_component() + "/"


@lru_cache(maxsize=1)
def _static_component() -> str:
    import streamlit.components.v1 as components

    from planner.outputs.html import static_root

    return str(components.declare_component("static", path=str(static_root())).name)


def instant_clicks(m: folium.Map) -> folium.Map:
    """Report map clicks to the app at once instead of after streamlit-folium's 250 ms debounce.

    Parameters
    ----------
    m : folium.Map
        The map given to ``st_folium`` (with ``returned_objects`` a subset of
        :data:`RETURNED_OBJECTS`).

    Returns
    -------
    folium.Map
        ``m``.
    """
    _macro(_INSTANT_CLICK_JS).add_to(m)
    return m


# --- the map component with a kept base ------------------------------------------------------------


@dataclass(frozen=True)
class RenderedBase:
    """A base map rendered the way ``st_folium`` renders it, kept while it stays the same.

    Drawing the base (network, outlines, water and roads, names, search
    index, legend) and rendering it through folium's templates costs more
    than the layers an edit changes; the app renders it once per
    (data, settings, legend) and sends the kept strings on each rerun.
    """

    script: str
    header: str
    html: str
    map_id: str
    bounds: list
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    overlays: tuple[str, ...]  # JS variable names of the base's own toggleable layers, by layer name
    network_segments_hidden: int = 0


_OVERLAYS_JS = """{% macro script(this, kwargs) %}
window.plannerOverlays = { {%- for name, layer in this.groups %}{{ name|tojson }}: {{ layer.get_name() }},
{%- endfor %} };
{% endmacro %}"""


def render_base(m: folium.Map, network_segments_hidden: int = 0) -> RenderedBase:
    """Render a base map as ``st_folium`` would (its script, header, HTML and asset links).

    The base's own layers (network, outlines, water, roads) are listed in
    ``window.plannerOverlays`` so the layer control built with the changing
    layers (:func:`layer_control_js`) can toggle them too.

    Parameters
    ----------
    m : folium.Map
        The base map, assets already pointed at the app's server.
    network_segments_hidden : int
        Kept with it (see :class:`planner.outputs.webmap.MapParts`).

    Returns
    -------
    RenderedBase
    """
    import folium
    import streamlit_folium as sf
    from branca.element import MacroElement, Template

    groups = [(g.layer_name, g) for g in m._children.values()
              if isinstance(g, folium.FeatureGroup) and getattr(g, "control", True)]
    reg = MacroElement()
    reg._template = Template(_OVERLAYS_JS)
    reg.groups = groups  # type: ignore[attr-defined]
    reg.add_to(m)
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    css: list[str] = []
    js: list[str] = []
    stack: list = [m]
    while stack:  # every element's assets, in document order (as st_folium walks them)
        el = stack.pop(0)
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
        stack[0:0] = list(getattr(el, "_children", {}).values())
    return RenderedBase(script=script, header=header, html=html, map_id=sf.get_full_id(m),
                        bounds=m.get_bounds(), css_links=tuple(dict.fromkeys(css)),
                        js_links=tuple(dict.fromkeys(js)), overlays=tuple(name for name, _ in groups),
                        network_segments_hidden=network_segments_hidden)


class _DeferredTemplate:
    """A branca element's template, compiled when first used rather than when the element is made."""

    __slots__ = ("_args", "_compiled", "_make")

    def __init__(self, make: Any, args: tuple, kwargs: dict):
        self._make, self._args, self._compiled = make, (args, kwargs), None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            args, kwargs = self._args
            self._compiled = self._make(*args, **kwargs)
        return getattr(self._compiled, name)


_DEFERRING = threading.local()


@contextlib.contextmanager
def _templates_deferred() -> Iterator[None]:
    """While rendering layers in this thread, branca does not compile what it renders.

    branca's ``MacroElement.render`` wraps every script it renders in a new
    ``Element``, whose constructor compiles that text as a Jinja template (a
    county's units layer is megabytes of GeoJSON through Jinja's lexer: about
    a third of rendering the layers).  :func:`render_layers` takes the
    scripts from the elements themselves and never renders those wrappers, so
    here their templates are compiled only if used.  Other threads, and this
    one outside the block, make templates as branca does.
    """
    import branca.element as be

    if not isinstance(be.Template, _TemplateSwitch):
        be.Template = _TemplateSwitch(be.Template)  # type: ignore[misc,assignment]  # once; as branca outside
    before = getattr(_DEFERRING, "on", False)
    _DEFERRING.on = True
    try:
        yield
    finally:
        _DEFERRING.on = before


class _TemplateSwitch:
    """Stands for ``jinja2.Template`` in ``branca.element``: deferred inside :func:`_templates_deferred`."""

    def __init__(self, template: Any):
        self.template = template

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if getattr(_DEFERRING, "on", False):
            return _DeferredTemplate(self.template, args, kwargs)
        return self.template(*args, **kwargs)


_FOLIUM_ID = re.compile(r"_[0-9a-f]{32}\b")
"""folium's random element ids: the same layer renders with new ones on every rerun."""


def render_layers(layers: list) -> list[tuple[str, str]]:
    """Each layer's script (without adding it to the map) and a digest of its content.

    The costly part of sending layers (folium's templates); rendering a
    folium layer twice does not give the same script, so a caller that keeps
    its layers keeps this too.

    Parameters
    ----------
    layers : list of folium.FeatureGroup
        The layers, in drawing order.

    Returns
    -------
    list of (str, str)
        ``(script, digest)`` per layer.
    """
    import folium
    import streamlit_folium as sf

    from planner._util import sha256_bytes

    holder = folium.Map(tiles=None)  # the layers' parent while rendering; its name becomes map_div
    out = []
    for i, fg in enumerate(layers):
        var = f"feature_group_feature_group_{i}"
        with _templates_deferred():
            code = sf._get_feature_group_string(fg, map=holder, idx=i)
        body = code[:code.rindex(f"map_div.addLayer({var});")]
        out.append((body, sha256_bytes(_FOLIUM_ID.sub("", body).encode("utf-8"))[:24]))
    return out


def layers_js(layers: list, known: frozenset[str] = frozenset(),
              rendered: list[tuple[str, str]] | None = None) -> tuple[str, frozenset[str]]:
    """The script that shows the changing layers in the map frame, and the digests of those layers.

    Each layer is kept in the frame (``window.plannerLayers``) under a digest
    of its content; a layer the frame already holds (``known``: the digests
    sent to this frame before) is sent as its digest alone, so an edit sends
    and draws only the layers it changed (a county's service areas are
    megabytes).  Should the frame miss one, it says so (``missing`` in its
    report) and the app sends everything again.

    Layers that stay stay on the map: streamlit-folium removes and re-adds
    every layer it knows of (``window.feature_group``) on each new script, which
    redraws every polygon in the browser; this script keeps that list empty and
    adds or removes only what changed, then restores the drawing order.

    Parameters
    ----------
    layers : list of folium.FeatureGroup
        The layers, in drawing order.
    known : frozenset of str
        Digests the frame holds.
    rendered : list of (str, str), optional
        :func:`render_layers` of ``layers``, when the caller kept it.

    Returns
    -------
    (str, frozenset of str)
        The script and the digests of this render's layers.
    """
    rendered = render_layers(layers) if rendered is None else rendered
    out, digests = ["window.plannerLayers = window.plannerLayers || {};\nwindow.plannerOrder = [];\n"], []
    for i, (body, digest) in enumerate(rendered):
        var = f"feature_group_feature_group_{i}"
        digests.append(digest)
        if digest in known:
            make = f'{var} = L.featureGroup({{}}); window.plannerMissing = "{digest}";'
        else:
            make = f'{body}\nwindow.plannerLayers["{digest}"] = {var};'
        out.append(f'var {var} = window.plannerLayers["{digest}"];\n'
                   f'if (!{var}) {{\n{make}\n}}\n'
                   f'window.plannerOrder.push({var});\n')
    keep = json.dumps(digests)
    out.append(f"(function () {{ var keep = {keep}, C = window.plannerLayers, now = window.plannerOrder;\n"
               "(window.plannerShown || []).forEach(function (l) {\n"
               "  if (now.indexOf(l) < 0 && map_div.hasLayer(l)) { map_div.removeLayer(l); } });\n"
               "now.forEach(function (l) { if (!map_div.hasLayer(l)) { map_div.addLayer(l); } });\n"
               "now.forEach(function (l) { if (l.bringToFront) { l.bringToFront(); } });  // drawing order\n"
               "window.plannerShown = now;\n"
               "window.feature_group = [];  // what streamlit-folium removes before the next script: not ours\n"
               "Object.keys(C).forEach(function (k) { if (keep.indexOf(k) < 0) { delete C[k]; } });\n"
               "if (window.plannerMissing) { var g = window.__GLOBAL_DATA__ || {};\n"
               # each report is new (this frame's id and count): a frame that lacks the same layer
               # again is answered again, while the report a rerun sees once more is not
               "  window.plannerReports = (window.plannerReports || 0) + 1;\n"
               "  window.plannerFrameId = window.plannerFrameId || Math.random().toString(36).slice(2);\n"
               "  var v = Object.assign({}, g.previous_data || {}, {missing: window.plannerMissing + '#'\n"
               "    + window.plannerFrameId + '.' + window.plannerReports});\n"
               "  window.plannerMissing = null;\n"
               f"  {_send_value('v')} }}\n"
               "})();\n")
    return "".join(out), frozenset(digests)


def layer_control_js(layers: list) -> str:
    """A layer control over the base's layers (``window.plannerOverlays``) and the changing ones."""
    import json

    own = ", ".join(f"{json.dumps(fg.layer_name).replace('<', chr(92) + 'u003c')}: "
                    f"feature_group_feature_group_{i}" for i, fg in enumerate(layers))
    return ("var layer_control_layer_control = L.control.layers({}, Object.assign({}, "
            f"window.plannerOverlays || {{}}, {{{own}}}), "
            '{"collapsed": true, "position": "topright", "autoZIndex": true}).addTo(map_div);\n'
            "window.layer_control = layer_control_layer_control;\n")


def map_component(base: RenderedBase, layers: list, *, key: str, height: int, view_meta: str = "",
                  known: frozenset[str] = frozenset(),
                  returned_objects: tuple[str, ...] = RETURNED_OBJECTS,
                  memo: dict | None = None) -> tuple[dict, frozenset[str]]:
    """Show the map: the kept base, the changing layers and a layer control (streamlit-folium's frame).

    Same component and arguments as ``st_folium(base, feature_group_to_add=layers,
    layer_control=...)``, without rendering the base again; the frame
    rebuilds the map only when the base's script changes, and swaps the layers
    when they change.

    Parameters
    ----------
    base : RenderedBase
        From :func:`render_base`.
    layers : list of folium.FeatureGroup
        The layers an edit changes, shown ones only.
    key : str
        Session key of the map (its last reported value is kept there).
    height : int
        Pixels.
    view_meta : str
        The view to open at (:func:`planner.outputs.webmap.view_meta`), in the page header.
    known : frozenset of str
        Digests of the layers this frame holds (:func:`layers_js`).
    returned_objects : tuple of str
        What the frame reports.
    memo : dict, optional
        Where the last render of the layers is kept (the session's): the same
        ``layers`` list is not rendered again (a rerun that changed nothing on
        the map: panning, a checkbox, a tab).

    Returns
    -------
    (dict, frozenset of str)
        The frame's last report (clicks, zoom, centre; ``missing`` when it
        lacked a layer) and the digests of the layers sent.
    """
    import streamlit as st
    import streamlit_folium as sf

    hash_key = sf.generate_js_hash(base.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_tooltip": None,
                "zoom": None, "center": None}
    if memo is not None and memo.get("layers") is layers:
        rendered = memo["rendered"]
    else:
        rendered = render_layers(layers)
        if memo is not None:
            memo.update(layers=layers, rendered=rendered)
    script, digests = layers_js(layers, known, rendered)
    out = sf._component_func(
        script=base.script, header=base.header + view_meta, html=base.html, id=base.map_id, key=hash_key,
        height=height, width=None, returned_objects=list(returned_objects),
        default={k: v for k, v in defaults.items() if k in returned_objects}, zoom=None, center=None,
        feature_group=script, return_on_hover=False, layer_control=layer_control_js(layers),
        pixelated=False, css_links=list(base.css_links), js_links=list(base.js_links), on_change=_on_change,
        wrap_longitude=False)
    return out, digests

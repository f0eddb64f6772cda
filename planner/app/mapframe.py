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

from functools import lru_cache
from typing import TYPE_CHECKING

from planner.outputs.webmap import _macro

if TYPE_CHECKING:
    import folium

RETURNED_OBJECTS = ("last_clicked", "last_object_clicked", "last_object_clicked_tooltip", "zoom", "center")
"""What the app asks streamlit-folium to report, in the order streamlit-folium reports it."""

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
        window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                                   value: data, dataType: "json"}, "*");
    });
})({{ this._parent.get_name() }});
"""


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

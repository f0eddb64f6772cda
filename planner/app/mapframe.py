"""The app's map frame: what the app adds to streamlit-folium's map.

streamlit-folium draws the folium map in an iframe and reports clicks back to
the app 250 ms after they happen (a debounce meant for panning).  A planner
clicking to add a facility waits for that on every edit, so the map reports a
click at once (:func:`instant_clicks`), in the exact form streamlit-folium
would 250 ms later, and marks it as sent so streamlit-folium does not send it
again.  Everything here is tested in Chromium (tests/app/test_browser.py).
"""

from __future__ import annotations

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
    map.on("click", function (e) {
        var g = window.__GLOBAL_DATA__;
        if (!g || !window.parent || window.parent === window) { return; }
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

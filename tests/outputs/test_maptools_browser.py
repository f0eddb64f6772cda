"""The map tools in a real browser: the demo map with every tool, opened from disk in Chromium.

Nothing may leave the machine (every request other than file: and data: is
aborted and recorded); the scale is metric only, the attribution has no
Leaflet prefix, fullscreen toggles, a measured distance matches a haversine
of the clicked points, search zooms to a unit, hostile names stay text,
labels follow the zoom and tooltips stay inside the map.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import pytest

from planner.outputs.html import offline_html
from planner.outputs.maptools import add_map_tools, search_index, unit_labels
from planner.outputs.printmap import context_layers
from planner.outputs.webmap import coverage_map_parts, legend_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = "<img src=x onerror=alert(1)>{{ 7*7 }}"

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

FIND_MAP = "(() => { for (const k of Object.keys(window)) { if (k.startsWith('map_') && window[k] instanceof L.Map) return window[k]; } })()"


@pytest.fixture(scope="module")
def built(demo_analysis, tmp_path_factory):
    """The demo map with every tool, a hostile unit name in the index and labels, written to disk."""
    from planner import demo_paths

    a = demo_analysis
    parts = coverage_map_parts(a, lang="zh", tools=False)  # the tools are added below, by hand
    index = search_index(a, "zh")
    labels = unit_labels(a)
    # a hostile name: where the first unit is, in both the index and the labels
    index.append({**index[0], "label": HOSTILE, "code": "X<b>1</b>"})
    labels.append({**labels[0], "text": HOSTILE, "zoom": 13.0})
    m = add_map_tools(parts.base, lang="zh", search_index=index, labels=labels,
                      context=context_layers(demo_paths().boundaries), legend_html=legend_html("zh"))
    for fg in parts.layers:
        fg.add_to(m)
    parts.control.add_to(m)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a remote script left would warn
        html = offline_html(m.get_root().render())
    path = tmp_path_factory.mktemp("maptools") / "map.html"
    path.write_text(html, encoding="utf-8")
    return {"path": path, "index": index, "labels": labels, "analysis": a}


@pytest.fixture(scope="module")
def page(built):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1200, "height": 800})
            state = {"remote": [], "dialogs": [], "errors": []}

            def route(r):
                if r.request.url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    state["remote"].append(r.request.url)
                    r.abort()

            pg.route("**/*", route)
            pg.on("dialog", lambda d: (state["dialogs"].append(d.message), d.dismiss()))
            pg.on("pageerror", lambda e: state["errors"].append(str(e)))
            pg.goto(built["path"].as_uri())
            pg.wait_for_selector(".leaflet-control-scale", timeout=10000)
            pg.evaluate(f"window.__map = {FIND_MAP}")
            pg.state = state
            yield pg
        finally:
            browser.close()


def test_nothing_leaves_the_machine_and_no_script_error(page):
    page.wait_for_timeout(200)
    assert page.state["remote"] == []
    assert page.state["errors"] == []


def test_scale_is_metric_only_and_attribution_has_no_prefix(page):
    lines = page.locator(".leaflet-control-scale-line").all_inner_texts()
    assert len(lines) == 1 and re.fullmatch(r"\d+ k?m", lines[0].strip()), lines
    attribution = page.locator(".leaflet-control-attribution")
    assert "Leaflet" not in (attribution.inner_text() if attribution.count() else "")
    assert page.locator("a[href*='leafletjs']").count() == 0


def test_fullscreen_toggles(page):
    button = page.locator("a.leaflet-control-zoom-fullscreen")
    assert button.count() == 1 and button.get_attribute("title") == "全屏"
    button.click()
    page.wait_for_function("() => window.__map._isFullscreen === true", timeout=3000)
    assert button.get_attribute("title") == "退出全屏"
    button.click()
    page.wait_for_function("() => window.__map._isFullscreen === false", timeout=3000)


def _haversine(a, b, radius=6371000.0):
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


def test_measuring_two_clicks_gives_the_haversine_distance(page):
    page.evaluate("window.__map.setView([29.30, 117.20], 13, {animate: false})")
    box = page.locator(".leaflet-container").bounding_box()
    p1, p2 = (300, 600), (760, 420)
    ll = page.evaluate("([a, b]) => [a, b].map(p => { const l = window.__map.containerPointToLatLng(p);"
                       " return [l.lat, l.lng]; })", [list(p1), list(p2)])
    expected = _haversine(*ll)
    page.locator("#polyline-measure-control").click()
    page.mouse.click(box["x"] + p1[0], box["y"] + p1[1])
    page.mouse.move(box["x"] + p2[0], box["y"] + p2[1], steps=4)
    page.mouse.click(box["x"] + p2[0], box["y"] + p2[1])
    page.keyboard.press("Escape")  # end the line
    totals = page.locator(".polyline-measure-tooltip-total").all_inner_texts()
    text = totals[-1].replace("\xa0", " ")
    hit = re.fullmatch(r"([\d.]+) (千米|米)", text.strip())
    assert hit, totals
    shown = float(hit.group(1)) * (1000 if hit.group(2) == "千米" else 1)
    assert shown == pytest.approx(expected, abs=6.0), (text, expected)  # km shown to 2 decimals
    assert 2000 < expected < 20000  # the test measured something real
    page.locator("a.polyline-measure-clearControl").click()
    assert page.locator(".polyline-measure-tooltip-total").count() == 0
    page.locator("#polyline-measure-control").click()  # measuring off


def test_search_zooms_to_a_unit(page, built):
    a = built["analysis"]
    k = int(a.units.index.get_loc(a.units.index[a.units["kind"] == "community"][3]))
    name = str(a.units["name"].iloc[k])
    page.evaluate("window.__map.setView([29.30, 117.20], 11, {animate: false})")
    box = page.locator("input.planner-search-input")
    box.fill(name[:2])
    page.wait_for_selector(".planner-search-hit")
    assert any(name in t for t in page.locator(".planner-search-hit").all_inner_texts())
    box.fill(name)
    box.press("Enter")
    page.wait_for_function("() => window.__map.getZoom() > 13", timeout=5000)
    x0, y0, x1, y1 = a.units.geometry.iloc[k].bounds
    inside = page.evaluate("([s, w, n, e]) => window.__map.getBounds().contains(L.latLngBounds([[s, w], [n, e]]))",
                           [y0, x0, y1, x1])
    assert inside
    # by code, case-insensitive, too
    box.fill(str(a.units["code"].iloc[k]))
    page.wait_for_selector(".planner-search-hit")
    assert name in page.locator(".planner-search-hit").first.inner_text()
    box.fill("")


def test_hostile_names_stay_text(page):
    box = page.locator("input.planner-search-input")
    box.fill("<IMG")
    page.wait_for_selector(".planner-search-hit")
    hit = page.locator(".planner-search-hit").first
    assert hit.locator(".planner-search-label").inner_text() == HOSTILE
    assert "X<b>1</b>" in hit.locator(".planner-search-extra").inner_text()
    assert page.locator(".planner-search-results img, .planner-search-results b").count() == 0
    box.press("Enter")
    page.evaluate("window.__map.setZoom(16, {animate: false})")
    spans = page.locator(".planner-label", has_text="onerror")
    assert spans.count() == 1 and spans.inner_text() == HOSTILE
    assert page.locator(".planner-label img").count() == 0
    page.wait_for_timeout(300)
    assert page.state["dialogs"] == []
    box.fill("")


def test_labels_follow_the_zoom(page, built):
    zooms = sorted(x["zoom"] for x in built["labels"])
    for z in (zooms[0] - 0.5, 13.0, zooms[-1] + 0.1):
        page.evaluate("z => window.__map.setZoom(z, {animate: false})", z)
        real = page.evaluate("() => window.__map.getZoom()")
        shown = page.locator(".planner-label").count()
        assert shown == sum(1 for x in zooms if x <= real), (z, real, shown)
    assert page.locator(".planner-label").count() == len(zooms)


def test_tooltip_near_the_corner_stays_inside(page):
    page.evaluate("window.__map.setView([29.30, 117.20], 13, {animate: false})")
    rects = page.evaluate("""() => {
        const m = window.__map, s = m.getSize();
        const t = L.tooltip({direction: 'auto'}).setLatLng(m.containerPointToLatLng([s.x - 3, s.y - 3]))
            .setContent('a long tooltip line of text<br>two<br>three<br>four<br>five<br>six').openOn(m);
        const r = t.getElement().getBoundingClientRect(), c = m.getContainer().getBoundingClientRect();
        m.closeTooltip(t);
        return [[r.left, r.top, r.right, r.bottom], [c.left, c.top, c.right, c.bottom]];
    }""")
    (left, top, right, bottom), (cl, ct, cr, cb) = rects
    assert left >= cl and top >= ct and right <= cr and bottom <= cb, rects


def test_legend_control_collapses(page):
    body = page.locator(".planner-legend-box .planner-legend-body")
    assert body.is_visible()  # a large map: open
    page.locator("a.planner-legend-toggle").click()
    assert not body.is_visible()
    page.locator("a.planner-legend-toggle").click()
    assert body.is_visible()

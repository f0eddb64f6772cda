"""A real browser on the real app: `streamlit run app.py` driven by Debian's Chromium via Playwright.

Proves what a planner sees: the map renders, a click on the map in add mode
creates a facility, and the coverage figure changes.  A screenshot is saved
under ``tests/artifacts/``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def page(app_url, browser):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ctx.close()


def _metric_value(page, label_part: str) -> str:
    """The shown value of the target metric whose label (in its panel column) contains ``label_part``."""
    js = """(label) => {
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            const box = m.closest('[data-testid="stColumn"]') || m;
            if (box.innerText.includes(label))
                return m.querySelector('[data-testid="stMetricValue"]').innerText.trim();
        }
        return null;
    }"""
    page.wait_for_function(js, arg=label_part, timeout=60_000)  # the page draws them one by one
    value = page.evaluate(js, label_part)
    if value is None:
        raise AssertionError(f"no metric labelled {label_part!r}")
    return value


def test_click_on_map_adds_facility_and_coverage_changes(page, app_url, app_helpers):
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    before = _metric_value(page, "行政村覆盖率")
    assert re.fullmatch(r"\d+\.\d%", before)

    # the map: streamlit-folium renders Leaflet inside a component iframe
    frame_el = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]')
    frame = frame_el.content_frame()
    frame.wait_for_selector(".leaflet-container")
    frame.wait_for_selector("path.leaflet-interactive")  # unit polygons drawn
    n_polys = frame.locator("path.leaflet-interactive").count()
    assert n_polys >= 40  # 44 communities/villages (+ service areas)
    n_markers = frame.locator(".planner-facility").count()
    assert n_markers >= 40  # the demo's existing and planned facilities (candidates hidden)
    assert frame.locator(".planner-legend-box").count() == 1
    # the map tools, their scripts loaded from the app's own server (not inline on every rerun)
    assert frame.locator(".leaflet-control-scale-line").count() == 1  # metric only
    assert frame.locator(".leaflet-control-zoom-fullscreen").count() == 1
    assert frame.locator(".planner-search").count() == 1
    srcs = frame.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    assert any("/component/planner.app.mapframe.static/leaflet/leaflet.js" in u for u in srcs), srcs
    assert not any(u.startswith("data:") for u in srcs)

    # add mode is the default and the type defaults to the rural mutual-aid site; click where the
    # app suggests trying one (the neediest gap village, shown under "add by coordinates")
    app_helpers.click_suggested_site(page)

    # the app reruns: a new planned facility, and the village coverage figure rises
    page.wait_for_function(
        """(before) => [...document.querySelectorAll('[data-testid="stMetric"]')]
              .some(m => (m.closest('[data-testid="stColumn"]') || m).innerText.includes('行政村覆盖率')
                         && !m.innerText.includes(before))""",
        arg=before, timeout=60_000)
    after = _metric_value(page, "行政村覆盖率")
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    page.wait_for_selector("text=NEW-MUTU-001")
    frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]').content_frame()
    frame.wait_for_selector(".planner-facility")
    page.mouse.move(5, 5)  # no tooltip over the map in the picture
    frame_el = page.query_selector('iframe[title="streamlit_folium.st_folium"]')
    frame_el.scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # let Leaflet finish drawing before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "app_after_add.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000


def _map_frame(page):
    return page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]').content_frame()


def _view(frame) -> dict:
    """Zoom and centre of the Leaflet map inside the streamlit-folium iframe."""
    return frame.evaluate("""() => {
        const m = window.map_div, c = m.getCenter();
        return {zoom: m.getZoom(), lat: c.lat, lng: c.lng,
                markers: document.querySelectorAll('.planner-facility').length};
    }""")


def test_zoom_and_centre_are_kept_when_a_facility_is_added(page, app_url, app_helpers):
    """Zoom in, add a facility by a click: the rebuilt map keeps the zoom and centre (and again
    after recolouring by places per 1,000); "fit the county" goes back to the whole county."""
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    frame = _map_frame(page)
    frame.wait_for_selector("path.leaflet-interactive")
    fitted = _view(frame)
    page.get_by_text("按坐标添加").click()
    lon = float(page.get_by_label("经度(WGS-84)").input_value())
    lat = float(page.get_by_label("纬度(WGS-84)").input_value())

    # zoom in on the suggested site, as a planner would before placing a facility
    frame.evaluate("([lat, lon, z]) => window.map_div.setView([lat, lon], z, {animate: false})",
                   [lat, lon, fitted["zoom"] + 1.5])
    page.wait_for_timeout(1500)  # the map reports its view (debounced) and the app keeps it
    zoomed = _view(frame)
    assert zoomed["zoom"] == pytest.approx(fitted["zoom"] + 1.5)

    # click a free spot near the site: a new facility, so the map is rebuilt
    app_helpers.click_free_spot_near(page, lat, lon, reach=60)
    page.wait_for_selector("text=NEW-MUTU-001")

    # the rebuilt map (one more symbol) opens at the planner's zoom and centre, not the county
    deadline = time.monotonic() + 60
    while True:
        frame = _map_frame(page)
        try:
            now = _view(frame)
        except Exception:  # the iframe is being replaced
            now = None
        if now and now["markers"] == zoomed["markers"] + 1:
            break
        assert time.monotonic() < deadline, "the map was not rebuilt with the new facility"
        page.wait_for_timeout(300)
    page.wait_for_timeout(1000)  # nothing moves it afterwards (no late reset to the county)
    now = _view(frame)
    assert now["zoom"] == pytest.approx(zoomed["zoom"], abs=1e-6)
    px = 360.0 / (256 * 2 ** now["zoom"])  # degrees of longitude per screen pixel
    assert now["lat"] == pytest.approx(zoomed["lat"], abs=3 * px)  # Leaflet rounds to pixels
    assert now["lng"] == pytest.approx(zoomed["lng"], abs=3 * px)
    assert now["zoom"] != pytest.approx(fitted["zoom"])

    # another colouring rebuilds the map too: units by places per 1,000 elderly (2SFCA), same view
    page.locator('[data-testid="stSelectbox"]').filter(has_text="单元着色依据").click()
    page.get_by_role("option", name="床位/名额可达性(2SFCA)：农村互助养老服务设施").click()
    page.wait_for_selector("text=每千名60岁以上老人步行可达床位/名额")
    deadline = time.monotonic() + 60
    while True:
        frame = _map_frame(page)
        try:
            ok = frame.locator(".planner-legend-box", has_text="2SFCA").count() == 1
        except Exception:
            ok = False
        if ok:
            break
        assert time.monotonic() < deadline, "the map was not recoloured by places"
        page.wait_for_timeout(300)
    page.wait_for_timeout(1000)
    assert _view(frame)["zoom"] == pytest.approx(zoomed["zoom"], abs=1e-6)
    page.mouse.move(5, 5)
    page.query_selector('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app_places_zoomed.png"), full_page=False)

    # "fit the county" goes back to the whole county
    page.get_by_role("button", name="显示全县").click()
    deadline = time.monotonic() + 60
    while True:
        try:
            back = _view(_map_frame(page))
        except Exception:
            back = None
        if back and back["zoom"] == pytest.approx(fitted["zoom"]):
            break
        assert time.monotonic() < deadline, "the map did not fit the county again"
        page.wait_for_timeout(300)


def _sidebar_text(page) -> str:
    """What the sidebar shows, including the values inside select boxes."""
    return page.locator('[data-testid="stSidebar"]').evaluate(
        "el => el.innerText + '\\n' + [...el.querySelectorAll('input')].map(i => i.value"
        " || i.getAttribute('aria-label') || '').join('\\n') + '\\n' +"
        " [...el.querySelectorAll('[data-baseweb=\"select\"]')].map(s => s.textContent).join('\\n')")


def test_english_switch_relabels_the_choices(page, app_url):
    """Streamlit keeps a keyed selectbox's labels from its first language: ours must not."""
    from planner.io import load_profile

    title_zh = load_profile("national").title("zh")
    title_en = load_profile("national").title("en")
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    assert title_zh in _sidebar_text(page)
    page.get_by_role("tab", name="下载").click()  # a planner at the downloads, then switching language
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=tab]')].some(t => t.innerText.includes('下载')"
        " && t.getAttribute('aria-selected') === 'true')", timeout=60_000)
    page.wait_for_timeout(1000)  # the tab switch reruns the app
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('Standards profile')",
        timeout=60_000)
    # the rerun redraws the sidebar widget by widget: wait until it has finished (a label stuck
    # in Chinese never goes, and the wait then fails)
    deadline = time.monotonic() + 60
    while True:
        text = _sidebar_text(page)
        if title_zh not in text and "社区日间照料中心" not in text or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert title_en in text and title_zh not in text
    assert "community day-care centre" in text and "社区日间照料中心" not in text
    # the map-click mode stays chosen (a radio loses its shown choice the same way)
    assert page.get_by_role("radio", name="Add a facility").is_checked()
    # and the open tab stays open, now in English
    assert page.get_by_role("tab", name="Downloads").get_attribute("aria-selected") == "true"
    page.screenshot(path=str(ARTIFACTS / "app_english.png"))


EVIL = "<img src=x onerror=\"window.__xss=1;parent.__xss=1\"><script>window.__xss=2</script>[x]"


def test_names_with_markup_are_shown_as_text(page, app_url, tmp_path):
    """A scenario file whose facility name carries script: loaded, drawn, hovered, clicked; no
    script runs in the page or in the map's frame, and the tooltip shows the name literally."""
    import planner.app as aps
    from planner import analyse, load_network

    ds = aps.demo_dataset()
    model = analyse(ds.units, ds.facilities, load_network(ds.network_path)).model
    x, y = model.demand.to_crs("EPSG:4326").geometry.iloc[len(model.demand) // 2].coords[0]
    edit = aps.add_edit(model, "mutual_aid", x, y, name=EVIL)
    sc = aps.scenario_of(EVIL, [edit], profile="national", speed=None, minutes=None, inputs=ds.inputs)
    path = tmp_path / "evil.geojson"
    path.write_text(sc.to_json(), encoding="utf-8")

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    page.get_by_role("tab", name="方案").click()
    chip = page.locator(".st-key-scenario_upload [data-testid='stFileChipName']")
    try:
        # an upload begun while the app reruns (the tab's own run) can be dropped by the browser, and a
        # click before the file has arrived finds none: the file is there before 载入, else given again
        for _ in range(3):
            if chip.count() == 0:
                page.locator(".st-key-scenario_upload input[type=file]").set_input_files(str(path))
                chip.wait_for(timeout=20_000)
            page.get_by_role("button", name="载入", exact=True).click()
            try:
                page.wait_for_selector("text=已载入方案", timeout=20_000)
                break
            except PlaywrightTimeout:
                continue
        else:
            raise AssertionError("the scenario file was not loaded after three tries")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app_markup_names.png"), full_page=True)
    # the new facility on the map: find its symbol, hover it (tooltip) and click it (selection)
    deadline = time.monotonic() + 60
    while True:
        frame = _map_frame(page)
        try:
            pos = frame.evaluate(
                """([lat, lon]) => { const p = window.map_div.latLngToContainerPoint([lat, lon]);
                                     return [p.x, p.y]; }""", [edit["lat"], edit["lon"]])
            n = frame.locator(".planner-facility").count()
        except Exception:
            pos, n = None, 0
        if pos and n:
            break
        assert time.monotonic() < deadline, "the map did not show the scenario's facility"
        page.wait_for_timeout(300)
    frame.evaluate("([lat, lon]) => window.map_div.setView([lat, lon], 17, {animate: false})",
                   [edit["lat"], edit["lon"]])
    page.wait_for_timeout(800)
    pos = frame.evaluate("""([lat, lon]) => { const p = window.map_div.latLngToContainerPoint([lat, lon]);
                                              return [p.x, p.y]; }""", [edit["lat"], edit["lon"]])
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.move(box["x"] + pos[0], box["y"] + pos[1])
    tip = frame.wait_for_selector(".leaflet-tooltip", timeout=10_000)
    assert "<img src=x onerror=" in tip.inner_text() and "<script>" in tip.inner_text()
    assert frame.locator(".leaflet-tooltip img").count() == 0
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])  # select it: its name shows in the panel
    page.wait_for_timeout(2000)
    for where in (page, _map_frame(page)):
        assert where.evaluate("() => typeof window.__xss") == "undefined"
    assert page.evaluate("() => typeof window.parent.__xss") == "undefined"
    assert page.locator("text=<img src=x onerror=").count() >= 1  # shown as text in the app


# a free spot of a unit (not a symbol, not a control) on the Leaflet map: the k-th of a scan
_FREE_SPOT = """(k) => {
    const m = window.map_div, s = m.getSize(), spots = [];
    for (let y = 80; y < s.y - 80; y += 37) {
        for (let x = 80; x < s.x - 260; x += 41) {
            const e = document.elementFromPoint(x, y);
            if (e && e.tagName === 'path' && e.classList.contains('leaflet-interactive')) spots.push([x, y]);
        }
    }
    return spots.length ? spots[(k * 7919) % spots.length] : null;
}"""


def _add_at_free_spot(page, k: int, symbols_before: int) -> None:
    """Click the ``k``-th free spot of the map (add mode) and wait until the new facility is listed
    in the page and its symbol drawn."""
    frame = _map_frame(page)
    box = frame.locator(".leaflet-container").bounding_box()
    spot = frame.evaluate(_FREE_SPOT, k)
    assert spot is not None, "no free spot on the map"
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    page.wait_for_function("() => document.body.innerText.includes('NEW-MUTU-')", timeout=60_000)
    deadline = time.monotonic() + 60
    while _map_frame(page).locator(".planner-facility").count() < symbols_before + 1:
        assert time.monotonic() < deadline, "the new facility's symbol was not drawn"
        page.wait_for_timeout(200)


def test_measuring_a_distance_adds_no_facility(page, app_url):
    """In add mode, clicks while the measuring tool is on are the measure's points, not new
    facilities; once it is off, a click adds a facility again (sent at once, not after 250 ms)."""
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    _map_frame(page).wait_for_selector("path.leaflet-interactive")
    page.wait_for_timeout(1500)  # the map reports its first view; the frame may be drawn again
    n_before = _map_frame(page).locator(".planner-facility").count()

    def click(k: int) -> None:
        frame = _map_frame(page)
        box = frame.locator(".leaflet-container").bounding_box()
        spot = frame.evaluate(_FREE_SPOT, k)
        assert spot is not None
        page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])

    _map_frame(page).locator('a[title="测量距离"]').click()
    click(1)
    click(2)
    page.wait_for_timeout(1500)
    assert "NEW-" not in page.inner_text("body")  # no facility was added
    assert _map_frame(page).locator(".planner-facility").count() == n_before
    _map_frame(page).locator('a[title="结束测量"]').click()  # measuring off
    page.wait_for_timeout(800)
    assert "NEW-" not in page.inner_text("body")  # the measuring clicks are not reported afterwards
    click(3)
    page.wait_for_function("() => document.body.innerText.includes('NEW-MUTU-')", timeout=60_000)


def test_a_frame_that_lost_its_layers_gets_them_again(page, app_url):
    """Layers the frame holds are sent as digests; a frame that lacks them (here: emptied by hand)
    says so and the app sends every layer again, so no layer goes missing after an edit."""
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    _map_frame(page).wait_for_selector(".planner-facility")
    page.wait_for_timeout(1500)
    n_before = _map_frame(page).locator(".planner-facility").count()
    for k, n in ((5, n_before), (6, n_before + 1)):  # twice: the second time it lacks the same layers
        _map_frame(page).evaluate("() => { window.plannerLayers = {}; }")
        _add_at_free_spot(page, k, n)  # the unchanged layers come back with the new one
        assert _map_frame(page).locator("path.leaflet-interactive").count() >= 40  # the units are drawn
        assert _map_frame(page).locator(".planner-facility").count() == n + 1


def test_an_edit_redraws_only_the_layers_it_changed(page, app_url):
    """After an edit the layers it did not change are the same drawn polygons (not removed and drawn
    again), and nothing is drawn twice."""
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stMetric"]')
    frame = _map_frame(page)
    frame.wait_for_selector(".planner-facility")
    page.wait_for_timeout(1500)
    paths = "document.querySelectorAll('.leaflet-overlay-pane path')"
    n_paths = frame.evaluate(f"() => {{ const p = {paths}; p.forEach(e => e.dataset.kept = '1'); return p.length; }}")
    n_symbols = frame.locator(".planner-facility").count()
    _add_at_free_spot(page, 11, n_symbols)
    page.wait_for_timeout(500)
    frame = _map_frame(page)
    kept, total = frame.evaluate(
        f"() => {{ const p = [...{paths}]; return [p.filter(e => e.dataset.kept).length, p.length]; }}")
    assert total == n_paths  # the same units and walks: nothing drawn twice
    assert 0 < kept < total  # the day-care areas stayed; the edited layers were drawn anew
    assert frame.locator(".planner-facility").count() == n_symbols + 1
    assert frame.evaluate("() => window.feature_group.length") == 0

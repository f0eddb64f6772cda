"""The app under a real server and a real browser, for the browser tests of this folder.

``app_url`` starts ``streamlit run app.py`` on a free localhost port for a test
module (and fails the module's last test if the server logged a traceback);
``browser`` is Debian's Chromium through Playwright, skipped where either is
missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A free localhost TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`streamlit run app.py` on a free localhost port; stopped when the module's tests end."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url
        assert "Traceback" not in log.read_text(errors="replace"), "the server logged a traceback"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a test module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def map_frame(page):
    """The Leaflet map's frame (streamlit-folium's iframe)."""
    return page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]').content_frame()


def click_free_spot_near(page, lat: float, lon: float, reach: int = 40) -> None:
    """Click the map at (lat, lon), or at the nearest spot within ``reach`` pixels where a unit, not a
    facility symbol, lies (a click on a symbol selects it instead of adding)."""
    frame = map_frame(page)
    # streamlit-folium names the Leaflet map `map_div`: turn lon/lat into a pixel on it
    target = frame.evaluate(
        """([lat, lon, reach]) => {
            const p = window.map_div.latLngToContainerPoint([lat, lon]);
            for (let r = 0; r <= reach; r += 4) {
                for (const [dx, dy] of [[0, 0], [r, 0], [-r, 0], [0, r], [0, -r], [r, r], [-r, -r]]) {
                    const e = document.elementFromPoint(p.x + dx, p.y + dy);
                    if (e && e.tagName === 'path' && e.classList.contains('leaflet-interactive'))
                        return [p.x + dx, p.y + dy];
                }
            }
            return null;
        }""", [lat, lon, reach])
    assert target is not None, "no free spot of a unit to click there"
    box = frame.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + target[0], box["y"] + target[1])


def click_suggested_site(page) -> None:
    """Click the map at a free spot next to the site the app suggests under "按坐标添加" (the
    neediest gap village): in add mode with the default type this adds a mutual-aid site there."""
    map_frame(page).wait_for_selector("path.leaflet-interactive")
    page.get_by_text("按坐标添加").click()
    lon = float(page.get_by_label("经度(WGS-84)").input_value())
    lat = float(page.get_by_label("纬度(WGS-84)").input_value())
    click_free_spot_near(page, lat, lon)


@pytest.fixture
def app_helpers():
    """The helpers above, for test modules (``app_helpers.click_suggested_site(page)``)."""
    import types

    return types.SimpleNamespace(map_frame=map_frame, click_free_spot_near=click_free_spot_near,
                                 click_suggested_site=click_suggested_site)

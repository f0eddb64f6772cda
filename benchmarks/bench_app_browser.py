"""The app in a real browser: load, map clicks in add mode, and bytes sent per edit (Chromium).

Starts ``streamlit run`` on the demo county, or on a county-sized case
(``benchmarks/make_county.py``'s files, set as the session's data set by a
small wrapper script), drives Debian's Chromium with Playwright and prints
medians:

- load: page opened -> targets shown / map drawn (units and facilities) / page idle;
- edit: a click on a free spot of the map in add mode -> the figures change
  (the new facility's id is listed) / the new symbol is on the map / page idle;
- bytes received over the websocket from the click until idle.

::

    python benchmarks/make_county.py --nodes 100000 --out /tmp/county100k
    python benchmarks/bench_app_browser.py --case demo --clicks 5
    python benchmarks/bench_app_browser.py --case demo --clicks 8 --cpu
    python benchmarks/bench_app_browser.py --case county --dir /tmp/county100k --clicks 5

``--users 6`` opens six browsers at once, each editing its own session on one
server (the intranet case: several planners at work): once all six have
loaded, each edits without pause (the next click as soon as its last edit is
done); it prints every edit's time until the figures change, median and worst.
The waits look at the page every 50 ms (``POLL_MS``), not on every frame.
Each edit is also timed as the browser's network stack saw it: from the
frame that carried the click to the end of the app's full run in answer
(``AnswerClock``; DevTools' own frame times, not delayed by the page's
drawing). ``--nice 19`` runs the browsers at the lowest CPU priority: they
then stand in for the planners' own computers instead of taking the server's
two cores (on this machine they must share them)::

    BENCH_TIMEOUT_MS=60000 python benchmarks/bench_app_browser.py --case demo --clicks 5 --users 6
    BENCH_TIMEOUT_MS=60000 python benchmarks/bench_app_browser.py --case demo --clicks 5 --users 6 --nice 19

``--controls N`` also times the other controls (language both ways, walking speed, standards
profile, undo), N rounds each, from the action until the page is updated and idle.

``--root OTHER_TREE`` runs another copy of the project (e.g. the code before a
change) the same way, for a side-by-side comparison in one session.

``--hostile`` (demo case; issue 14, one session's bad upload never slows or breaks
another): browser B edits alone first, then again while browser A uploads
hostile files through every upload widget in a loop (a 1.1 GB xlsx bomb, a
zipped-shapefile bomb, a GDAL VRT reading /etc/passwd disguised as GeoJSON and
zipped as a network, 40 MB of junk CSV, a scenario whose names carry markup
and a template, a truncated GeoPackage; written into a temporary folder). It
prints B's click -> figures / map with and without the attacker, what A saw
for each file (its message; whether a traceback showed) and the server's
memory and CPU during each phase (and its rise during each upload).
``--attackers N`` runs N uploading browsers at once; ``--only TEXT`` keeps only
the hostile files whose description contains TEXT::

    BENCH_TIMEOUT_MS=60000 python benchmarks/bench_app_browser.py --case demo --clicks 8 --hostile
    BENCH_TIMEOUT_MS=60000 python benchmarks/bench_app_browser.py --case demo --clicks 8 --hostile --attackers 2
    BENCH_TIMEOUT_MS=60000 python benchmarks/bench_app_browser.py --case demo --clicks 8 --hostile \\
        --attackers 2 --only CSV
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", "600000"))
"""How long one wait may take (ms); a shorter one makes a broken run fail fast."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

TIMER = '''
"""Run the app and note, after each full run that answers an edit, the server's time for the whole answer."""
import runpy
import time

import streamlit as st

t0 = st.session_state.get("edit_t0")  # set by the app when it took an edit (before this full run)
runpy.run_path({script!r}, run_name="__main__")
if t0 is not None:  # not on a run cut short (st.rerun, st.stop): those raise through
    with open({log!r}, "a", encoding="utf-8") as fh:
        fh.write(f"{{time.perf_counter() - t0:.4f}}\\n")
'''
"""With ``--users``: from the moment the app took an edit (its ``edit_t0``) to the end of the
full run that answers it, every element of the page written (the server's whole answer; the
browsers' drawing and the network are not in it)."""

WRAPPER = '''
"""Run app.py with a county's files as the session's data set (benchmark only)."""
import runpy
from pathlib import Path

import streamlit as st

from planner._util import sha256_file
from planner.app.state import DataSet
from planner.io import read_boundaries, read_facilities

DIR = Path({folder!r})


@st.cache_resource(show_spinner=False)
def county() -> DataSet:
    files = {{"boundaries": DIR / "boundaries.gpkg", "facilities": DIR / "facilities.csv",
             "network": DIR / "network.npz"}}
    inputs = {{r: {{"name": p.name, "sha256": sha256_file(p)}} for r, p in files.items()}}
    return DataSet(units=read_boundaries(files["boundaries"], layer="units"),
                   facilities=read_facilities(files["facilities"]), network_path=files["network"],
                   inputs=inputs)


if "dataset" not in st.session_state:
    st.session_state["dataset"] = county()
runpy.run_path({app!r}, run_name="__main__")
'''

# a free spot of a unit (not a symbol) on the Leaflet map, the k-th of a scan of the map
FREE_SPOT = """(k) => {
    const m = window.map_div, s = m.getSize();
    const spots = [];
    for (let y = 60; y < s.y - 60; y += 37) {
        for (let x = 60; x < s.x - 240; x += 41) {
            const e = document.elementFromPoint(x, y);
            if (e && e.tagName === 'path' && e.classList.contains('leaflet-interactive')) spots.push([x, y]);
        }
    }
    return spots.length ? spots[(k * 7919) % spots.length] : null;
}"""


# the targets panel's line "updated in N s" (and the figures), which the app redraws after an edit
FIGURES = r"""() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(e => e.textContent).filter(t => /更新用时|updated in/.test(t)).join('|')
    + '#' + [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.textContent).join('|')"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(script: Path, log: Path, root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """``streamlit run script`` on a free port (the package from ``root``); returns the process and URL."""
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONPATH": str(root)}
    fh = open(log, "wb")  # noqa: SIM115 - kept open for the server's life
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.fileWatcherType", "none"], cwd=root, stdout=fh,
                            stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start:\n" + log.read_text(errors="replace")[-3000:])


def wait_idle(page, timeout: float = 600) -> None:
    """Until Streamlit's running indicator has gone (and stays gone for 0.5 s)."""
    deadline = time.monotonic() + timeout
    calm = None
    while time.monotonic() < deadline:
        running = page.evaluate(
            "() => !!document.querySelector('[data-testid=\"stStatusWidget\"]')")
        if running:
            calm = None
        elif calm is None:
            calm = time.monotonic()
        elif time.monotonic() - calm > 0.5:
            return
        page.wait_for_timeout(50)
    raise TimeoutError("the page did not become idle")


def map_frame(page):
    return page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=TIMEOUT_MS).content_frame()


def n_symbols(page) -> int:
    try:
        return map_frame(page).evaluate("() => document.querySelectorAll('.planner-facility').length")
    except Exception:  # the iframe is being replaced
        return -1


class AnswerClock:
    """When the browser sent an edit and when the app's answer had arrived, as its network stack saw them.

    Chromium's DevTools protocol stamps every websocket frame when the
    browser's network service sends or receives it, so these times do not
    wait for the page's own work (drawing) nor for this script's polling.
    The answer to an edit is the end of the full run that follows it
    (Streamlit's ``script_finished``, finished successfully): by then every
    element of the updated page has been received.
    """

    def __init__(self, page):
        import base64

        self.events: list[tuple[float, str]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")

        def received(ev) -> None:
            r = ev["response"]
            if r.get("opcode") != 2 or len(r.get("payloadData", "")) > 1400:  # binary, and small
                return
            if finished_status(base64.b64decode(r["payloadData"])) == 0:  # a full run
                self.events.append((ev["timestamp"], "finished"))

        cdp.on("Network.webSocketFrameSent", lambda ev: self.events.append((ev["timestamp"], "sent")))
        cdp.on("Network.webSocketFrameReceived", received)
        self._cdp = cdp

    def mark(self) -> int:
        return len(self.events)

    def answer(self, mark: int) -> float | None:
        """Seconds from the first frame sent after ``mark`` to the first full run finished after it."""
        sent = next((t for t, kind in self.events[mark:] if kind == "sent"), None)
        if sent is None:
            return None
        return next((t - sent for t, kind in self.events[mark:] if kind == "finished" and t >= sent), None)


POLL_MS = 50
"""How often the waits look at the page: every animation frame (Playwright's default), six browsers'
probes reading the page's text would take a share of the CPU they measure; the figures are then
late by up to this much (half of it on average)."""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, from ``/proc`` (Linux)."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def descendants_cpu_seconds(pid: int, name_part: str = "chrom") -> float:
    """CPU time used by the living descendants of ``pid`` whose name contains ``name_part``."""
    parent: dict[int, int] = {}
    names: dict[int, str] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                text = (d / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            names[int(d.name)] = text[text.index("(") + 1:text.rindex(")")]
            parent[int(d.name)] = int(text.rsplit(")", 1)[1].split()[1])
    total = 0.0
    for p in parent:
        q = p
        while q in parent and q not in (pid, 0, 1):
            q = parent[q]
        if q == pid and p != pid and name_part in names[p]:
            try:
                total += cpu_seconds(p)
            except OSError:
                pass
    return total


def run(url: str, clicks: int, start_together=None, nice: int = 0, server_pid: int | None = None) -> dict:
    """One browser: load the app, then ``clicks`` edits in add mode, each once the last is done.

    ``start_together`` (a barrier shared by several browsers) makes them all
    start editing once every one has loaded: the edits then meet other edits,
    not other sessions' first load.  ``nice`` lowers the priority of this
    process and so of its browser (they inherit it).  With ``server_pid``,
    ``clicks`` more edits take each edit's CPU time, the server's and all
    Chromium processes', over 3 s from the click in which nothing probes the
    page (the benchmark's own probes would count).
    """
    from playwright.sync_api import sync_playwright

    if nice:
        os.nice(nice)

    res: dict = {"click_figures": [], "click_map": [], "click_idle": [], "click_bytes": [], "click_server": [],
                 "click_answer": [], "cpu_server": [], "cpu_browser": []}
    received = [0]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN").new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))))
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetric"]')
        res["load_figures"] = time.perf_counter() - t0
        frame = map_frame(page)
        frame.wait_for_selector("path.leaflet-interactive")
        frame.wait_for_selector(".planner-facility")
        res["load_map"] = time.perf_counter() - t0
        wait_idle(page)
        res["load_idle"] = time.perf_counter() - t0
        res["load_bytes"] = received[0]
        clock = AnswerClock(page)
        if start_together is not None:
            start_together.wait()
        for k in range(clicks):
            frame = map_frame(page)
            before = n_symbols(page)
            spot = frame.evaluate(FREE_SPOT, k)
            if spot is None:
                raise SystemExit("no free spot on the map to click")
            box = frame.locator(".leaflet-container").bounding_box()
            shown = page.evaluate(FIGURES)
            received[0] = 0
            mark = clock.mark()
            t = time.perf_counter()
            page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
            # the targets panel (above the map) shows the edit: its "updated in" line changes
            page.wait_for_function(f"(before) => ({FIGURES})() !== before", arg=shown, timeout=TIMEOUT_MS,
                                   polling=POLL_MS)
            res["click_figures"].append(time.perf_counter() - t)
            page.wait_for_function(
                "(k) => document.body.textContent.includes('NEW-MUTU-' + String(k).padStart(3, '0'))",
                arg=k + 1, timeout=TIMEOUT_MS, polling=POLL_MS)
            deadline = time.monotonic() + 600
            while n_symbols(page) < before + 1:  # the new symbol is drawn (bounded wait)
                if time.monotonic() > deadline:
                    raise TimeoutError("the new facility's symbol did not appear on the map")
                page.wait_for_timeout(30)
            res["click_map"].append(time.perf_counter() - t)
            wait_idle(page)
            res["click_idle"].append(time.perf_counter() - t)
            res["click_bytes"].append(received[0])
            answer = clock.answer(mark)
            if answer is not None:
                res["click_answer"].append(answer)
            said = page.evaluate(  # the app's own "updated in N s" (from the edit to the figures)
                r"() => (document.body.innerText.match(/(?:更新用时|updated in)\s*([\d.]+)/) || [])[1] || null")
            if said:
                res["click_server"].append(float(said))
        for k in range(clicks, 2 * clicks) if server_pid else ():  # CPU only: nothing probes the page
            frame = map_frame(page)
            spot = frame.evaluate(FREE_SPOT, k)
            box = frame.locator(".leaflet-container").bounding_box()
            cpu0 = (cpu_seconds(server_pid), descendants_cpu_seconds(os.getpid()))
            page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
            page.wait_for_timeout(3000)  # the whole answer, drawn (an edit takes under 1 s alone)
            res["cpu_server"].append(cpu_seconds(server_pid) - cpu0[0])
            res["cpu_browser"].append(descendants_cpu_seconds(os.getpid()) - cpu0[1])
            page.wait_for_function(  # and it was an edit
                "(k) => document.body.textContent.includes('NEW-MUTU-' + String(k).padStart(3, '0'))",
                arg=k + 1, timeout=TIMEOUT_MS, polling=POLL_MS)
            wait_idle(page)
        browser.close()
    return res


def _timed(page, action, until: str | None = None) -> float:
    """Seconds from ``action()`` until ``until`` (a JS predicate) holds and the page is idle again."""
    t = time.perf_counter()
    action()
    if until:
        page.wait_for_function(until, timeout=TIMEOUT_MS)
    page.wait_for_timeout(100)  # the rerun starts
    wait_idle(page)
    return time.perf_counter() - t - 0.5  # wait_idle's calm period is not the app's time


def run_controls(url: str, repeat: int) -> dict[str, list[float]]:
    """Language, profile, walking speed and undo: action -> page updated and idle (seconds)."""
    from playwright.sync_api import sync_playwright

    res: dict[str, list[float]] = {"language": [], "profile": [], "speed": [], "undo": []}
    sidebar = '[data-testid="stSidebar"]'
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN").new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetric"]')
        map_frame(page).wait_for_selector(".planner-facility")
        wait_idle(page)
        for _ in range(repeat):
            res["language"].append(_timed(
                page, lambda: page.locator(sidebar).get_by_text("English", exact=True).click(),
                "() => document.body.innerText.includes('Standards profile')"))
            res["language"].append(_timed(
                page, lambda: page.locator(sidebar).get_by_text("简体中文", exact=True).click(),
                "() => document.body.innerText.includes('标准方案')"))
            speed = page.locator(sidebar).get_by_role("spinbutton").first
            for v in ("0.8", "1.0"):
                res["speed"].append(_timed(page, lambda v=v, f=speed: (f.fill(v), f.press("Enter"))))
            box = page.locator(sidebar).locator('[data-testid="stSelectbox"]').first
            for k in (1, 0):
                def pick(k=k, box=box):
                    box.click()
                    page.get_by_role("option").nth(k).click()
                res["profile"].append(_timed(page, pick))
            # an edit to undo: a click on the map, then undo
            frame = map_frame(page)
            spot = frame.evaluate(FREE_SPOT, len(res["undo"]))
            fbox = frame.locator(".leaflet-container").bounding_box()
            page.mouse.click(fbox["x"] + spot[0], fbox["y"] + spot[1])
            page.wait_for_function("() => document.body.innerText.includes('NEW-')", timeout=TIMEOUT_MS)
            wait_idle(page)
            res["undo"].append(_timed(page, lambda: page.get_by_role("button", name="撤销上一步").click(),
                                      "() => !document.body.innerText.includes('NEW-')"))
        browser.close()
    return res


# --- --hostile: one session's bad uploads against another session's edits (issue 14) -------------

BOMB_MB = 1100
"""What each decompression bomb expands to (MB): over a gigabyte from about one."""
JUNK_MB = 40
EVIL = "<img src=x onerror=alert(1)> {{ 7*7 }}"
"""A name with markup and a template: it must be shown as these very characters."""

# what the page shows after an upload: the alerts (kind, text) and whether a traceback is shown
ALERTS = """() => [...document.querySelectorAll('[data-testid^="stAlertContent"]')]
    .map(e => [e.dataset.testid.replace('stAlertContent', ''), e.innerText.trim()])"""
BROKEN = """() => /Traceback|StreamlitAPIException/.test(document.body.innerText)
    || !!document.querySelector('[data-testid="stException"]')"""


def hostile_files(folder: Path) -> list[tuple[str, str, Path]]:
    """Write the hostile uploads into ``folder``; returns (what, uploader key, file) for each.

    The bombs and the VRT come from the test suite's generators
    (``tests/io/hostile_corpus.py``), made bigger here: each bomb expands to
    :data:`BOMB_MB` megabytes.
    """
    sys.path.insert(0, str(ROOT / "tests" / "io"))
    import hostile_corpus as corpus  # the test suite's generators (tests/ is not a package)
    import numpy as np

    from planner.analysis.scenario import Edit, Scenario, read_scenario
    from planner.demo import demo_paths
    from planner.io import read_boundaries

    folder.mkdir(parents=True, exist_ok=True)
    out = [(f"xlsx bomb ({BOMB_MB} MB sheet) as facilities", "up_f",
            corpus.xlsx_bomb(folder, "facilities_bomb.xlsx", mb=BOMB_MB))]
    # a zipped shapefile whose .dbf expands to BOMB_MB (streamed: never held in memory)
    shp_bomb = folder / "units_bomb.zip"
    with zipfile.ZipFile(shp_bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in corpus.shapefile_bytes(folder).items():
            if not name.endswith(".dbf"):
                zf.writestr(name, data)
                continue
            with zf.open(name, "w", force_zip64=True) as fh:
                fh.write(data)
                for _ in range(BOMB_MB):
                    fh.write(b" " * corpus.MB)
    out.append((f"zipped shapefile bomb ({BOMB_MB} MB .dbf) as boundaries", "up_b", shp_bomb))
    out.append(("VRT reading /etc/passwd named .geojson as boundaries", "up_b",
                corpus.write_bytes(folder, "units.geojson", corpus.VRT_PASSWD)))
    out.append(("VRT reading /etc/passwd zipped as a road network", "up_n",
                corpus.write_zip(folder, "roads.zip", {"roads.geojson": corpus.VRT_PASSWD})))
    # junk that parses: 8 columns of random letters, so the reader goes through all of it
    rows = JUNK_MB * corpus.MB // 80
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", np.uint8)
    junk = letters[np.random.default_rng(14).integers(0, len(letters), (rows, 80))]
    junk[:, 9::10] = ord(",")
    junk[:, -1] = ord("\n")
    csv = folder / "facilities_junk.csv"
    csv.write_bytes(b"q,w,e,r,t,y,u,i\n" + junk.tobytes())
    out.append((f"{csv.stat().st_size / corpus.MB:.0f} MB CSV of junk as facilities", "up_f", csv))
    units = read_boundaries(demo_paths().boundaries, layer="units")
    pt = units.geometry.iloc[len(units) // 2].representative_point()
    sc = Scenario(EVIL, edits=(Edit("add", "NEW-MUTU-901", type="mutual_aid", lon=round(pt.x, 7),
                                    lat=round(pt.y, 7), name=EVIL, status="planned"),))
    scenario = folder / "scenario_markup.geojson"
    scenario.write_text(sc.to_json(), encoding="utf-8")
    read_scenario(scenario)  # a valid scenario: its names are the attack
    out.append(("scenario named <img onerror> and {{ 7*7 }}", "scenario_upload", scenario))
    gpkg = Path(demo_paths().boundaries).read_bytes()
    out.append(("GeoPackage cut at 40 % as boundaries", "up_b",
                corpus.write_bytes(folder, "units_truncated.gpkg", gpkg[: len(gpkg) * 2 // 5])))
    return out


def finished_status(payload) -> int | None:
    """Streamlit's ``script_finished`` status in a websocket frame, or None for any other frame.

    0: a full run ended; 2: a run cut short (``st.rerun``); 3: a fragment's run
    ended.  The message is small: larger frames (deltas) are not decoded.
    """
    if not isinstance(payload, bytes) or len(payload) >= 1024:
        return None
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:  # not a whole ForwardMsg
        return None
    return int(msg.script_finished) if msg.WhichOneof("type") == "script_finished" else None


class ScriptRuns:
    """Counts the app runs a page is told have finished (Streamlit's ``script_finished`` messages).

    A rerun that is quicker than Streamlit's delay before its running indicator
    never shows it: the server's own message is the sure sign a run has ended.
    """

    def __init__(self, page):
        self.finished = 0

        def frame(payload) -> None:
            if finished_status(payload) not in (None, 2):  # ended, not cut short
                self.finished += 1

        page.on("websocket", lambda ws: ws.on("framereceived", frame))

    def after(self, page, action) -> float:
        """Seconds from ``action()`` until a run ends, then until the page is idle."""
        n = self.finished
        t = time.perf_counter()
        action()
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while self.finished <= n:
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not finish a run")
            page.wait_for_timeout(20)
        took = time.perf_counter() - t
        wait_idle(page)
        return took


def _open_tab(page, runs: ScriptRuns, name: str) -> None:
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.get_attribute("aria-selected") != "true":
        runs.after(page, tab.click)


def upload(page, runs: ScriptRuns, key: str, path: Path) -> dict:
    """Upload ``path`` with the uploader ``key``, press its load button, note what the page shows, remove it."""
    from planner.text import tr

    _open_tab(page, runs, tr("app.tab_scenarios" if key == "scenario_upload" else "app.tab_data", "zh"))
    box = page.locator(f".st-key-{key}")
    button = "load_scenario_btn" if key == "scenario_upload" else "apply_data"
    t0 = time.time()  # wall clock: the benchmark's memory samples are matched to it
    field = box.locator("input[type=file]")
    field.set_input_files([])  # Chromium sends no change for the very file it holds (the next round's)
    checked = runs.after(page, lambda: field.set_input_files(str(path)))
    loaded = runs.after(page, page.locator(f".st-key-{button} button").click)
    seen = {"t0": t0, "t1": time.time(), "checked": checked, "loaded": loaded, "alerts": page.evaluate(ALERTS),
            "broken": page.evaluate(BROKEN),
            "literal": page.evaluate("(s) => document.body.innerText.includes(s)", EVIL)}
    runs.after(page, box.locator('[data-testid="stFileChipDeleteBtn"] button').click)
    return seen


def attack(url: str, files: list[tuple[str, str, Path]], stop, ready, out) -> None:
    """Browser A: upload ``files`` in turn, again and again, until ``stop`` is set (after a full round)."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[dict]] = {what: [] for what, _, _ in files}
    dialogs: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN").new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # alert(1) ran
            runs = ScriptRuns(page)
            page.goto(url)
            page.wait_for_selector('[data-testid="stMetric"]')
            wait_idle(page)
            ready.set()
            rounds = 0
            while not (stop.is_set() and rounds):
                for what, key, path in files:
                    seen[what].append(upload(page, runs, key, path))
                rounds += 1
            # A's own app still works: its figures are shown, no traceback
            after = {"metrics": page.locator('[data-testid="stMetric"]').count(),
                     "broken": page.evaluate(BROKEN)}
            browser.close()
        out.put({"seen": seen, "dialogs": dialogs, "rounds": rounds, "after": after})
    except Exception as exc:  # reported by the parent, which must not wait forever
        ready.set()
        out.put({"error": f"{type(exc).__name__}: {exc}", "seen": seen, "dialogs": dialogs, "rounds": 0})


class ServerWatch(threading.Thread):
    """Samples a process's resident memory (VmRSS) every 0.1 s, and its CPU time per named phase."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.phase = pid, ""
        self.peak: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.series: list[tuple[float, float]] = []  # (time.time(), MB): shared with the attackers' clocks
        self._done = threading.Event()

    def status(self, field: str) -> float:
        """A field of /proc/<pid>/status in MB (VmRSS, VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def _cpu(self) -> float:
        return cpu_seconds(self.pid)

    def start_phase(self, name: str) -> None:
        if self.phase:
            self.cpu[self.phase] = self._cpu() - self.cpu[self.phase]
            self.wall[self.phase] = time.monotonic() - self.wall[self.phase]
        self.phase = name
        if name:
            self.cpu[name], self.wall[name] = self._cpu(), time.monotonic()

    def run(self) -> None:
        while not self._done.wait(0.1):
            rss = self.status("VmRSS")
            self.series.append((time.time(), rss))
            if self.phase:
                self.peak[self.phase] = max(self.peak.get(self.phase, 0.0), rss)

    def stop(self) -> float:
        """End the phase and the sampling; returns the process's peak resident memory (VmHWM, MB)."""
        self.start_phase("")
        self._done.set()
        self.join()
        return self.status("VmHWM")

    def rise(self, t0: float, t1: float) -> float:
        """The largest rise of RSS (MB) in [t0, t1] over the last sample before t0."""
        before = [m for t, m in self.series if t < t0][-1:] or [self.series[0][1]]
        during = [m for t, m in self.series if t0 <= t <= t1 + 0.2]
        return max(during, default=before[0]) - before[0]


def run_hostile(url: str, pid: int, clicks: int, folder: Path, attackers: int = 1, only: str = "") -> dict:
    """B alone, then B while ``attackers`` browsers upload hostile files (those whose description
    contains ``only``); the server's memory and CPU."""
    t = time.perf_counter()
    files = [f for f in hostile_files(folder) if only.lower() in f[0].lower()]
    if not files:
        raise SystemExit(f"no hostile file matches --only {only!r}")
    made = time.perf_counter() - t
    watch = ServerWatch(pid)
    watch.start()
    watch.start_phase("alone")
    alone = run(url, clicks)
    watch.start_phase("attack")
    ctx = multiprocessing.get_context("spawn")  # a fresh process: no Playwright state inherited
    stop, out = ctx.Event(), ctx.Queue()
    procs = []
    for _ in range(attackers):
        ready = ctx.Event()
        procs.append(ctx.Process(target=attack, args=(url, files, stop, ready, out)))
        procs[-1].start()
        ready.wait(TIMEOUT_MS / 1000)
    try:
        attacked = run(url, clicks)
    finally:
        stop.set()
    seen = [out.get(timeout=max(600, 4 * TIMEOUT_MS / 1000)) for _ in procs]  # each ends its round first
    for proc in procs:
        proc.join(timeout=60)
    hwm = watch.stop()
    for a in seen:  # the server's memory rise while each upload was checked and loaded
        for tries in a["seen"].values():
            for x in tries:
                x["rise_mb"] = watch.rise(x["t0"], x["t1"])
    return {"files": files, "made": made, "alone": alone, "attacked": attacked, "a": seen,
            "peak": watch.peak, "cpu": watch.cpu, "wall": watch.wall, "hwm": hwm}


def report_hostile(r: dict, log: str) -> None:
    """Print B's figures alone and under attack, what A saw, and the server's memory and CPU."""
    med = statistics.median
    print(f"case: demo; --hostile: browser B edits ({len(r['alone']['click_figures'])} clicks) alone, then "
          f"while {len(r['a'])} browser(s) A upload {len(r['files'])} hostile files in a loop "
          f"(files made in {r['made']:.0f} s)")
    for phase in ("alone", "attacked"):
        b = r[phase]
        fig, mp = b["click_figures"], b["click_map"]
        print(f"  B {phase + ':':9s} load -> figures {b['load_figures']:.1f} s; click -> figures median "
              f"{med(fig):.2f} s, worst {max(fig):.2f} s; click -> map median {med(mp):.2f} s, worst {max(mp):.2f} s"
              + (f"; the app's own edit -> figures (server) median {med(b['click_server']):.2f} s, "
                 f"worst {max(b['click_server']):.2f} s" if b["click_server"] else ""))
    print(f"  server RSS peak: alone {r['peak'].get('alone', 0):.0f} MB, under attack "
          f"{r['peak'].get('attack', 0):.0f} MB; VmHWM (whole run) {r['hwm']:.0f} MB")
    print("  server CPU: " + ", ".join(
        f"{k} {r['cpu'][k]:.1f} s in {r['wall'][k]:.0f} s ({r['cpu'][k] / r['wall'][k]:.0%} of a core)"
        for k in ("alone", "attack") if k in r["cpu"]))
    tries: dict[str, list[dict]] = {}
    for i, a in enumerate(r["a"]):
        if "error" in a:
            print(f"  A{i + 1} FAILED: {a['error']}")
        else:
            print(f"  A{i + 1}: {a['rounds']} round(s); afterwards {a['after']['metrics']} figures shown, "
                  f"traceback {'SHOWN' if a['after']['broken'] else 'none'}; "
                  f"dialogs opened by uploaded names: {len(a['dialogs'])} {a['dialogs'][:3]}")
        for what, xs in a["seen"].items():
            tries.setdefault(what, []).extend(xs)
    for what, key, _ in r["files"]:
        xs = tries.get(what, [])
        if not xs:
            print(f"  A: {what} [{key}]: not reached")
            continue
        last = xs[-1]
        shown = "; ".join(f"{kind}: {text[:160]}" for kind, text in last["alerts"] if kind != "Info") or "(none)"
        print(f"  A: {what} [{key}]: {len(xs)}x; upload -> checked {med(x['checked'] for x in xs):.2f} s, "
              f"load -> shown {med(x['loaded'] for x in xs):.2f} s (medians); server RSS rise up to "
              f"{max(x['rise_mb'] for x in xs):.0f} MB; traceback {'SHOWN' if any(x['broken'] for x in xs) else 'none'}"
              + ("; the names shown as text" if key == "scenario_upload" and last["literal"] else "")
              + f"\n       {shown}")
    print(f"  server log: {log.count('Traceback')} tracebacks")


def report_users(runs: list[dict], args: argparse.Namespace, server_answers: list[float]) -> None:
    """Print every edit's time until its figures changed, over all concurrent sessions."""
    med = statistics.median
    figures = [x for r in runs for x in r["click_figures"]]
    maps = [x for r in runs for x in r["click_map"]]
    print(f"case: {args.case}; {args.users} browsers editing at once, {args.clicks} clicks each"
          + (f"; browsers at nice {args.nice}" if args.nice else ""))
    print(f"  load -> figures: median {med([r['load_figures'] for r in runs]):.1f} s, "
          f"worst {max(r['load_figures'] for r in runs):.1f} s")
    print(f"  click (add) -> figures: median {med(figures):.2f} s, worst {max(figures):.2f} s "
          f"({sum(x <= 3.0 for x in figures)}/{len(figures)} within 3 s)")
    print(f"  click (add) -> new map: median {med(maps):.2f} s, worst {max(maps):.2f} s")
    answers = [x for r in runs for x in r["click_answer"]]
    if answers:
        print(f"  click (add) -> answer received (the browser's network): median {med(answers):.2f} s, "
              f"worst {max(answers):.2f} s ({sum(x <= 3.0 for x in answers)}/{len(answers)} within 3 s)")
    server = [x for r in runs for x in r["click_server"]]
    if server:
        print(f"  the app's own figure (edit -> figures, server): median {med(server):.2f} s, "
              f"worst {max(server):.2f} s ({sum(x <= 3.0 for x in server)}/{len(server)} within 3 s)")
    if server_answers:
        print(f"  the server's whole answer (edit -> the page's last element written): median "
              f"{med(server_answers):.2f} s, worst {max(server_answers):.2f} s "
              f"({sum(x <= 3.0 for x in server_answers)}/{len(server_answers)} within 3 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", choices=["demo", "county"], default="demo")
    ap.add_argument("--dir", help="folder written by make_county.py (with --case county)")
    ap.add_argument("--clicks", type=int, default=5)
    ap.add_argument("--root", type=Path, default=ROOT, help="project tree to run (default this one)")
    ap.add_argument("--users", type=int, default=1, help="browsers editing at once, one session each")
    ap.add_argument("--url", help="an app already running elsewhere (e.g. http://SERVER:8501, the demo): the "
                                  "browsers here, the server on its own machine")
    ap.add_argument("--nice", type=int, default=0, metavar="N",
                    help="run the browsers at this niceness (19: they stand in for planners' own computers "
                         "and leave the server's CPU to the server)")
    ap.add_argument("--cpu", action="store_true",
                    help="(one browser) as many edits again, each taking its CPU time: the server's and all "
                         "Chromium processes'")
    ap.add_argument("--controls", type=int, default=0, metavar="N",
                    help="also time language, profile, speed and undo N times each (action -> idle)")
    ap.add_argument("--hostile", action="store_true",
                    help="(demo) B edits alone, then while browser A uploads hostile files in a loop")
    ap.add_argument("--attackers", type=int, default=1, help="with --hostile: uploading browsers at once")
    ap.add_argument("--only", default="", metavar="TEXT",
                    help="with --hostile: only the hostile files whose description contains TEXT (e.g. CSV)")
    args = ap.parse_args()
    if args.hostile and (args.case != "demo" or args.users > 1):
        raise SystemExit("--hostile runs with --case demo and one editing browser")
    root = args.root.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="bench_app_"))
    script = root / "app.py"
    if args.case == "county":
        if not args.dir:
            raise SystemExit("--case county needs --dir (python benchmarks/make_county.py --out DIR)")
        script = tmp / "county_app.py"
        script.write_text(textwrap.dedent(WRAPPER.format(folder=str(Path(args.dir).resolve()),
                                                         app=str(root / "app.py"))), encoding="utf-8")
    answers_log = tmp / "server_answers.txt"
    if args.users > 1:
        timed = tmp / "timed_app.py"
        timed.write_text(textwrap.dedent(TIMER.format(script=str(script), log=str(answers_log))), encoding="utf-8")
        script = timed
    if args.url and (args.hostile or args.cpu or args.case != "demo"):
        raise SystemExit("--url runs the demo's click and --users measures only (the server is not ours)")
    proc, url = (None, args.url.rstrip("/")) if args.url else start(script, tmp / "streamlit.log", root)
    try:
        if args.users > 1:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import Manager

            with Manager() as manager, ProcessPoolExecutor(max_workers=args.users) as ex:
                together = manager.Barrier(args.users)  # all loaded, then all editing
                runs = list(ex.map(run, [url] * args.users, [args.clicks] * args.users,
                                   [together] * args.users, [args.nice] * args.users))
            text = answers_log.read_text(encoding="utf-8") if answers_log.exists() else ""
            report_users(runs, args, [float(x) for x in text.split()])
            return
        if args.hostile:
            r = run_hostile(url, proc.pid, args.clicks, tmp / "hostile", args.attackers, args.only)
            report_hostile(r, (tmp / "streamlit.log").read_text(errors="replace"))
            return
        r = run(url, args.clicks, nice=args.nice, server_pid=proc.pid if args.cpu else None)
        controls = run_controls(url, args.controls) if args.controls else {}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    print(f"case: {args.case}{' (' + args.dir + ')' if args.dir else ''}; code: {root}")
    print(f"  load -> figures / map / idle: {r['load_figures']:.1f} s / {r['load_map']:.1f} s / "
          f"{r['load_idle']:.1f} s; {r['load_bytes'] / 1e6:.2f} MB received")
    print(f"  click (add) -> figures: median {med(r['click_figures']):.2f} s  "
          f"(all {', '.join(f'{x:.2f}' for x in r['click_figures'])})")
    print(f"  click (add) -> new map: median {med(r['click_map']):.2f} s  "
          f"(all {', '.join(f'{x:.2f}' for x in r['click_map'])})")
    print(f"  click (add) -> idle:    median {med(r['click_idle']):.2f} s")
    if r["click_answer"]:
        print(f"  click (add) -> answer received (the browser's network): median {med(r['click_answer']):.2f} s")
    if r["click_server"]:
        print(f"  the app's own figure (edit -> figures, server): median {med(r['click_server']):.2f} s")
    print(f"  received per edit:      median {med(r['click_bytes']) / 1e6:.2f} MB "
          f"(max {max(r['click_bytes']) / 1e6:.2f} MB)")
    if r["cpu_server"]:
        print(f"  CPU per edit: server {med(r['cpu_server']):.3f} s, Chromium (all processes) "
              f"{med(r['cpu_browser']):.3f} s (medians)")
    for name, xs in controls.items():
        print(f"  {name + ' -> idle:':22s}  median {med(xs):.2f} s  (all {', '.join(f'{x:.2f}' for x in xs)})")


if __name__ == "__main__":
    main()

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
    python benchmarks/bench_app_browser.py --case county --dir /tmp/county100k --clicks 5

``--users 6`` opens six browsers at once, each editing its own session on one
server (the intranet case: several planners at work), and prints every
edit's time until the figures change, median and worst.

``--controls N`` also times the other controls (language both ways, walking speed, standards
profile, undo), N rounds each, from the action until the page is updated and idle.

``--root OTHER_TREE`` runs another copy of the project (e.g. the code before a
change) the same way, for a side-by-side comparison in one session.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", "600000"))
"""How long one wait may take (ms); a shorter one makes a broken run fail fast."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

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
    .map(e => e.innerText).filter(t => /更新用时|updated in/.test(t)).join('|')
    + '#' + [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.innerText).join('|')"""


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


def run(url: str, clicks: int) -> dict:
    from playwright.sync_api import sync_playwright

    res: dict = {"click_figures": [], "click_map": [], "click_idle": [], "click_bytes": [], "click_server": []}
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
        for k in range(clicks):
            frame = map_frame(page)
            before = n_symbols(page)
            spot = frame.evaluate(FREE_SPOT, k)
            if spot is None:
                raise SystemExit("no free spot on the map to click")
            box = frame.locator(".leaflet-container").bounding_box()
            shown = page.evaluate(FIGURES)
            received[0] = 0
            t = time.perf_counter()
            page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
            # the targets panel (above the map) shows the edit: its "updated in" line changes
            page.wait_for_function(f"(before) => ({FIGURES})() !== before", arg=shown, timeout=TIMEOUT_MS)
            res["click_figures"].append(time.perf_counter() - t)
            page.wait_for_function(
                "(k) => document.body.innerText.includes('NEW-MUTU-' + String(k).padStart(3, '0'))",
                arg=k + 1, timeout=TIMEOUT_MS)
            deadline = time.monotonic() + 600
            while n_symbols(page) < before + 1:  # the new symbol is drawn (bounded wait)
                if time.monotonic() > deadline:
                    raise TimeoutError("the new facility's symbol did not appear on the map")
                page.wait_for_timeout(30)
            res["click_map"].append(time.perf_counter() - t)
            wait_idle(page)
            res["click_idle"].append(time.perf_counter() - t)
            res["click_bytes"].append(received[0])
            said = page.evaluate(  # the app's own "updated in N s" (from the edit to the figures)
                r"() => (document.body.innerText.match(/(?:更新用时|updated in)\s*([\d.]+)/) || [])[1] || null")
            if said:
                res["click_server"].append(float(said))
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


def report_users(runs: list[dict], args: argparse.Namespace) -> None:
    """Print every edit's time until its figures changed, over all concurrent sessions."""
    med = statistics.median
    figures = [x for r in runs for x in r["click_figures"]]
    maps = [x for r in runs for x in r["click_map"]]
    print(f"case: {args.case}; {args.users} browsers editing at once, {args.clicks} clicks each")
    print(f"  load -> figures: median {med([r['load_figures'] for r in runs]):.1f} s, "
          f"worst {max(r['load_figures'] for r in runs):.1f} s")
    print(f"  click (add) -> figures: median {med(figures):.2f} s, worst {max(figures):.2f} s "
          f"({sum(x <= 3.0 for x in figures)}/{len(figures)} within 3 s)")
    print(f"  click (add) -> new map: median {med(maps):.2f} s, worst {max(maps):.2f} s")
    server = [x for r in runs for x in r["click_server"]]
    if server:
        print(f"  the app's own figure (edit -> figures, server): median {med(server):.2f} s, "
              f"worst {max(server):.2f} s ({sum(x <= 3.0 for x in server)}/{len(server)} within 3 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", choices=["demo", "county"], default="demo")
    ap.add_argument("--dir", help="folder written by make_county.py (with --case county)")
    ap.add_argument("--clicks", type=int, default=5)
    ap.add_argument("--root", type=Path, default=ROOT, help="project tree to run (default this one)")
    ap.add_argument("--users", type=int, default=1, help="browsers editing at once, one session each")
    ap.add_argument("--controls", type=int, default=0, metavar="N",
                    help="also time language, profile, speed and undo N times each (action -> idle)")
    args = ap.parse_args()
    root = args.root.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="bench_app_"))
    script = root / "app.py"
    if args.case == "county":
        if not args.dir:
            raise SystemExit("--case county needs --dir (python benchmarks/make_county.py --out DIR)")
        script = tmp / "county_app.py"
        script.write_text(textwrap.dedent(WRAPPER.format(folder=str(Path(args.dir).resolve()),
                                                         app=str(root / "app.py"))), encoding="utf-8")
    proc, url = start(script, tmp / "streamlit.log", root)
    try:
        if args.users > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=args.users) as ex:
                runs = list(ex.map(run, [url] * args.users, [args.clicks] * args.users))
            report_users(runs, args)
            return
        r = run(url, args.clicks)
        controls = run_controls(url, args.controls) if args.controls else {}
    finally:
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
    if r["click_server"]:
        print(f"  the app's own figure (edit -> figures, server): median {med(r['click_server']):.2f} s")
    print(f"  received per edit:      median {med(r['click_bytes']) / 1e6:.2f} MB "
          f"(max {max(r['click_bytes']) / 1e6:.2f} MB)")
    for name, xs in controls.items():
        print(f"  {name + ' -> idle:':22s}  median {med(xs):.2f} s  (all {', '.join(f'{x:.2f}' for x in xs)})")


if __name__ == "__main__":
    main()

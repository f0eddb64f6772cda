"""Issue 14: one session's bad upload never breaks another session on the same server.

A real browser (Debian's Chromium via Playwright) opens two sessions of one
``streamlit run app.py``: session A uploads hostile files (a GDAL virtual layer
reading /etc/passwd named ``.geojson`` as boundaries, an ``.xlsx`` decompression
bomb as facilities) and is told why they are refused, with no traceback;
session B, open at the same time, keeps the demo county and its map click
still adds a facility and raises the coverage figure; afterwards A's own app
still works.  The hostile files come from the test suite's corpus
(``tests/io/hostile_corpus.py``).  An AppTest check does the same without a
browser: two sessions do not share uploads.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from planner.text import tr

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import hostile_corpus as corpus  # noqa: E402 - the hostile-input generators (tests/ is not a package)
from bench_app_browser import finished_status  # noqa: E402 - the benchmark's reading of Streamlit's messages

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
COVERAGE = "行政村覆盖率"  # the village coverage figure of the targets panel
UPLOAD_ERROR = "无法读取上传的数据"

pytestmark = pytest.mark.slow

# what a page shows: its error alerts, and whether any traceback or Streamlit exception is shown
ERRORS = """() => [...document.querySelectorAll('[data-testid="stAlertContentError"]')].map(e => e.innerText)"""
BROKEN = """() => /Traceback|StreamlitAPIException/.test(document.body.innerText)
    || !!document.querySelector('[data-testid="stException"]')"""
METRIC = """(label) => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
        const box = m.closest('[data-testid="stColumn"]') || m;
        if (box.innerText.includes(label)) return m.querySelector('[data-testid="stMetricValue"]').innerText.trim();
    }
    return null;
}"""


class _Runs:
    """Counts the app runs the server tells a page have finished (Streamlit's ``script_finished``).

    Quick reruns never show Streamlit's running indicator; this message is the sure sign.
    """

    def __init__(self, page):
        self.page, self.finished = page, 0

        def frame(payload) -> None:
            if finished_status(payload) not in (None, 2):  # ended, not cut short
                self.finished += 1

        page.on("websocket", lambda ws: ws.on("framereceived", frame))

    def after(self, action) -> None:
        """Do ``action()`` and wait until a run of the app has finished after it."""
        n = self.finished
        action()
        deadline = time.monotonic() + 60
        while self.finished <= n:
            assert time.monotonic() < deadline, "the app did not finish a run"
            self.page.wait_for_timeout(20)


def _session(browser, url: str):
    """A new browser context (its own cookies, so its own Streamlit session) showing the app."""
    page = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN").new_page()
    page.set_default_timeout(60_000)
    runs = _Runs(page)
    page.goto(url)
    page.wait_for_function(METRIC, arg=COVERAGE)
    return page, runs


def _coverage_rises(page, before: str) -> str:
    """Wait until the village coverage differs from ``before``; returns it (and checks that it rose)."""
    page.wait_for_function(f"(before) => {{ const v = ({METRIC})('{COVERAGE}'); return v && v !== before; }}",
                           arg=before)
    after = page.evaluate(METRIC, COVERAGE)
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    return after


def test_hostile_uploads_in_one_session_leave_the_other_editing(browser, app_url, tmp_path, app_helpers):
    vrt = corpus.write_bytes(tmp_path, "units.geojson", corpus.VRT_PASSWD)  # a VRT reading /etc/passwd
    bomb = corpus.xlsx_bomb(tmp_path, "facilities.xlsx")  # 30 MB of sheet from 30 kB
    a, runs_a = _session(browser, app_url)
    b, _ = _session(browser, app_url)
    demo = b.evaluate(METRIC, COVERAGE)
    assert re.fullmatch(r"\d+\.\d%", demo) and a.evaluate(METRIC, COVERAGE) == demo

    # A uploads both files; while the server checks the second, B edits. (The tab's own rerun must
    # end first: an upload begun during it can be dropped by the browser, in A's session only.)
    runs_a.after(a.get_by_role("tab", name=tr("app.tab_data", "zh"), exact=True).click)
    runs_a.after(lambda: a.locator(".st-key-up_b input[type=file]").set_input_files(str(vrt)))
    a.locator(".st-key-up_f input[type=file]").set_input_files(str(bomb))
    app_helpers.click_suggested_site(b)
    _coverage_rises(b, demo)
    b.wait_for_selector("text=NEW-MUTU-001")

    # A is told, for each file, why it was refused; no traceback
    a.wait_for_function(f"() => ({ERRORS})().filter(t => t.includes('{UPLOAD_ERROR}')).length >= 2")
    errors = a.evaluate(ERRORS)
    assert any("units.geojson" in e for e in errors), errors
    assert any("facilities.xlsx" in e and "解压" in e for e in errors), errors  # named a decompression bomb
    assert not any("/etc/passwd" in e or "root:" in e for e in errors)  # nothing of the file read
    assert not a.evaluate(BROKEN)
    runs_a.after(a.locator(".st-key-apply_data button").click)  # loading them anyway keeps the demo
    assert not a.evaluate(BROKEN) and a.evaluate(METRIC, COVERAGE) == demo

    # B saw none of it: no error, no upload of A's, still the demo county
    assert not b.evaluate(ERRORS) and not b.evaluate(BROKEN)
    assert b.locator('[data-testid="stFileChipName"]').count() == 0
    assert b.locator(".st-key-use_demo button").is_disabled()  # "back to the demo" is off: the demo is in use

    # A removes the bad uploads and its own app works: the errors go, a map click adds a facility
    for key in ("up_b", "up_f"):
        a.locator(f".st-key-{key} [data-testid='stFileChipDeleteBtn'] button").click()
        a.locator(f".st-key-{key} [data-testid='stFileChipName']").wait_for(state="detached")
    a.wait_for_function(f"() => !({ERRORS})().some(t => t.includes('{UPLOAD_ERROR}'))")
    assert a.evaluate(METRIC, COVERAGE) == demo
    app_helpers.click_suggested_site(a)
    _coverage_rises(a, demo)
    a.wait_for_selector("text=NEW-MUTU-001")
    assert not a.evaluate(BROKEN) and not b.evaluate(BROKEN)
    assert b.locator("text=NEW-MUTU-002").count() == 0  # A's edit is not B's either


def test_two_app_sessions_do_not_share_uploads():
    """AppTest: a hostile upload in one session shows there only; the other has no upload, no error,
    its own private upload folder, and still edits the demo county."""
    from streamlit.testing.v1 import AppTest

    def run(at):
        res = at.run()
        assert not res.exception, [e.value for e in res.exception]
        return res

    a = run(AppTest.from_file(str(APP), default_timeout=120))
    b = run(AppTest.from_file(str(APP), default_timeout=120))
    a.file_uploader(key="up_b").upload("units.geojson", corpus.VRT_PASSWD, "application/geo+json")
    run(a)
    # the alerts' markdown escapes the file's name (the browser shows it as written)
    assert any(UPLOAD_ERROR in e.value and "units.geojson" in re.sub(r"\\(.)", r"\1", e.value) for e in a.error)
    run(b)
    assert not b.error and not b.file_uploader(key="up_b").value
    folder_a, folder_b = a.session_state["_uploads"].path, b.session_state["_uploads"].path
    assert folder_a != folder_b and not any(folder_b.rglob("*"))
    before = {m.label: m.value for m in b.metric}
    b.session_state["exp_add@zh"] = True  # the add-by-coordinates expander, open (its key carries the language)
    run(b)
    run(b.button(key="add_coords").click())
    assert not b.error and {m.label: m.value for m in b.metric} != before
    assert a.session_state["edits"] == [] and len(b.session_state["edits"]) == 1

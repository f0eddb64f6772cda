"""Several planners editing the demo at once, their browsers on their own computers.

The server alone, as on a bureau's intranet: each planner is a client that
speaks Streamlit's websocket protocol and sends, for each edit, exactly the
message Chromium sends when the planner clicks the map in add mode (the map
fragment's rerun with the map's new value: ``last_clicked`` at a point inside
a village), then reads the server's answer.  No browser runs on this machine,
so the server has its two cores to itself, as it would in use;
``bench_app_browser.py --users 6`` measures the same edits with six Chromium
browsers on the server's own two cores.

Per edit it prints the time from sending the click to the new figures (the
first ``st.metric`` of the answer) and to the end of the app's full run in
answer (the same end as the browser benchmark's network clock), and checks
that the edit took (a full run answered, the new site's id is in it, no error).  ``--pause S`` lets
each planner look at the answer for S seconds (±50 %) before the next click;
the default 0 clicks again at once, which is harsher than anyone works::

    python benchmarks/bench_app_protocol.py --users 6 --clicks 5
    python benchmarks/bench_app_protocol.py --users 6 --clicks 5 --pause 3
    python benchmarks/bench_app_protocol.py --users 6 --clicks 5 --root /tmp/before

The protocol is read from Streamlit's own generated classes (``BackMsg``,
``ForwardMsg``); the message sent for a click was recorded from Chromium and
differs only in the click's place and the widgets it leaves out (the server
keeps a widget's last value when a rerun does not name it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_app_browser as browser_bench  # noqa: E402  (the server start, the same as the browser benchmark's)

GOAL_S = 3.0
"""Each edit answered within this many seconds (issue 14)."""


@dataclass
class Planner:
    """One client's results."""

    figures: list[float] = field(default_factory=list)
    answer: list[float] = field(default_factory=list)
    load: float = 0.0
    received: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)


def village_points(root: Path, n: int, seed: int = 0) -> list[tuple[float, float]]:
    """``n`` WGS-84 points inside the demo county's villages (where a planner adds a site)."""
    sys.path.insert(0, str(root))
    from planner.app import demo_dataset

    units = demo_dataset().units.to_crs("EPSG:4326")
    villages = units[units["kind"] == "village"] if "kind" in units.columns else units
    pts = [(p.x, p.y) for p in villages.geometry.representative_point()]
    random.Random(seed).shuffle(pts)
    return [pts[i % len(pts)] for i in range(n)]


def _context(url: str):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    ctx = BackMsg().rerun_script.context_info
    ctx.timezone, ctx.timezone_offset, ctx.locale, ctx.url = "Asia/Shanghai", -480, "zh-CN", url + "/"
    ctx.color_scheme = "light"
    return ctx


def _delta(frame: bytes):
    """The delta of a frame that adds an element (``.new_element``, ``.fragment_id``), or None."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg.FromString(frame)
    if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
        return msg.delta
    return None


def _kind(frame: bytes) -> str | None:
    """The kind of element a frame adds ('metric', 'alert'...), or None."""
    d = _delta(frame)
    return None if d is None else d.new_element.WhichOneof("type")


async def _answer(ws, t0: float, stop: tuple[int, ...]) -> tuple[list[bytes], float | None, int]:
    """The server's frames until a run ends with a status in ``stop`` (0: a full run; 3: a
    fragment's own run), the seconds from ``t0`` to its first ``st.metric`` (None: none), and
    the status."""
    frames: list[bytes] = []
    figures = None
    while True:
        frame = await ws.read_message()
        if frame is None:
            raise SystemExit("the server closed the connection")
        frames.append(frame)
        if figures is None and _kind(frame) == "metric":
            figures = time.perf_counter() - t0
        status = browser_bench.finished_status(frame)
        if status in stop:
            return frames, figures, status


def _map_ids(frames: list[bytes]) -> tuple[str, str]:
    """The map component's widget id and its fragment's id, from a run's deltas."""
    for frame in frames:
        d = _delta(frame)
        if d is not None and d.new_element.WhichOneof("type") == "component_instance":
            return d.new_element.component_instance.id, d.fragment_id
    raise SystemExit("no map component in the app's first run")


def _refused(frame: bytes) -> bool:
    """Whether a frame is an ``st.error`` (the app refused the edit; its text may name the site)."""
    from streamlit.proto.Alert_pb2 import Alert

    d = _delta(frame)
    return d is not None and d.new_element.WhichOneof("type") == "alert" and d.new_element.alert.format == Alert.ERROR


async def planner(url: str, clicks: int, points: list[tuple[float, float]], start: asyncio.Barrier,
                  pause: float, rng: random.Random) -> Planner:
    """One planner: open the app, wait for the others, then ``clicks`` map clicks in add mode."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from tornado.websocket import websocket_connect

    out = Planner()
    ws = await websocket_connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                 max_message_size=512 * 1024 * 1024)
    try:
        first = BackMsg()
        first.rerun_script.context_info.CopyFrom(_context(url))
        t0 = time.perf_counter()
        await ws.write_message(first.SerializeToString(), binary=True)
        frames, _, _ = await _answer(ws, t0, (0,))
        out.load = time.perf_counter() - t0
        page_hash = ""
        for frame in frames:
            msg = ForwardMsg.FromString(frame)
            if msg.WhichOneof("type") == "new_session":
                page_hash = msg.new_session.page_script_hash
        map_id, fragment = _map_ids(frames)
        await start.wait()
        for k, (lon, lat) in enumerate(points[:clicks]):
            click = BackMsg()
            rs = click.rerun_script
            rs.context_info.CopyFrom(_context(url))
            rs.page_script_hash, rs.fragment_id = page_hash, fragment
            w = rs.widget_states.widgets.add()
            w.id = map_id
            w.json_value = json.dumps({"last_clicked": {"lat": lat, "lng": lon}, "last_object_clicked": None,
                                       "last_object_clicked_tooltip": None, "zoom": 11.75,
                                       "center": {"lat": 29.3, "lng": 117.24}})
            t0 = time.perf_counter()
            await ws.write_message(click.SerializeToString(), binary=True)
            # the fragment's run (cut short by the edit), then the full run; or only the fragment's
            # run: a click the app refused (its message may name the site's id), no edit
            seen, figures, status = await _answer(ws, t0, (0, 3))
            out.answer.append(time.perf_counter() - t0)
            out.received.append(sum(len(f) for f in seen))
            out.figures.append(figures if figures is not None else float("nan"))
            if (status != 0 or not any(f"NEW-MUTU-{k + 1:03d}".encode() in f for f in seen)
                    or any(_refused(f) for f in seen)):
                out.missing.append(k + 1)
            if pause:
                await asyncio.sleep(pause * rng.uniform(0.5, 1.5))
    finally:
        ws.close()
    return out


async def run_all(url: str, users: int, clicks: int, points: list[tuple[float, float]], pause: float,
                  on_start=None) -> list[Planner]:
    """All planners at once (each its own session and its own villages); ``on_start()`` is called
    once all have loaded, as they start editing."""
    start = asyncio.Barrier(users + 1)

    async def starter() -> None:
        await start.wait()
        if on_start is not None:
            on_start()

    *runs, _ = await asyncio.gather(*(planner(url, clicks, points[i * clicks:(i + 1) * clicks], start, pause,
                                              random.Random(i)) for i in range(users)), starter())
    return runs


def _line(name: str, xs: list[float]) -> str:
    ok = sum(x <= GOAL_S for x in xs)
    return (f"  {name}: median {statistics.median(xs):.2f} s, worst {max(xs):.2f} s "
            f"({ok}/{len(xs)} within {GOAL_S:g} s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=6, help="planners editing at once")
    ap.add_argument("--clicks", type=int, default=5, help="edits per planner")
    ap.add_argument("--pause", type=float, default=0.0, help="seconds each looks at an answer (±50 %%)")
    ap.add_argument("--root", type=Path, default=ROOT, help="the project copy to serve")
    args = ap.parse_args(argv)
    points = village_points(args.root, args.users * args.clicks)
    tmp = Path(tempfile.mkdtemp(prefix="bench-protocol-"))
    proc, url = browser_bench.start(args.root / "app.py", tmp / "streamlit.log", args.root)
    try:
        edits_from: list[tuple[float, float]] = []
        runs = asyncio.run(run_all(url, args.users, args.clicks, points, args.pause, on_start=lambda: (
            edits_from.append((time.perf_counter(), browser_bench.cpu_seconds(proc.pid))))))
        wall = time.perf_counter() - edits_from[0][0]
        cpu = browser_bench.cpu_seconds(proc.pid) - edits_from[0][1]
    finally:
        proc.terminate()
        proc.wait()
    figures = [x for r in runs for x in r.figures]
    answer = [x for r in runs for x in r.answer]
    missing = sum(len(r.missing) for r in runs)
    print(f"{args.users} planners editing at once (protocol clients, no browser on this machine), "
          f"{args.clicks} clicks each, pause {args.pause:g} s; {args.root}")
    print(f"  load -> first run finished: median {statistics.median(r.load for r in runs):.2f} s")
    print(_line("click -> figures", figures))
    print(_line("click -> the app's whole answer", answer))
    print(f"  server while editing: {cpu:.1f} CPU-s over {wall:.1f} s, {cpu / max(len(answer), 1):.2f} CPU-s per edit")
    print(f"  received per edit: median {statistics.median(x for r in runs for x in r.received) / 1e6:.2f} MB")
    print(f"  edits that did not take: {missing}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Nothing lost: an export killed mid-write leaves the previous file intact, and
the same inputs give byte-identical tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    import pandas as pd
    from planner.outputs.writers import write_csv

    n = 3_000_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"point_id": np.arange(n), "x": rng.random(n), "y": rng.random(n),
                       "名称": "示例社区日间照料中心", "minutes": rng.random(n) * 60})
    print("writing", flush=True)
    write_csv(df, sys.argv[1], lang=None)
    print("done", flush=True)
""")


@pytest.mark.slow
def test_killed_export_leaves_previous_file(tmp_path):
    from planner.outputs.writers import write_csv

    target = tmp_path / "travel_times.csv"
    previous = pd.DataFrame({"point_id": ["P1", "P2"], "minutes": [3.5, 12.0]})
    write_csv(previous, target, lang=None)
    before = target.read_bytes()

    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing", proc.stderr.read()
        deadline = time.monotonic() + 120
        part = None
        while time.monotonic() < deadline:  # wait until the temporary file is being written
            parts = [p for p in tmp_path.iterdir() if p.name.startswith(".travel_times.part-")]
            try:  # atomic_path reserves the name with mkstemp and unlinks it at once: it may be gone
                if parts and parts[0].stat().st_size > 1_000_000:
                    part = parts[0]
                    break
            except FileNotFoundError:
                pass
            assert proc.poll() is None, "the writer finished before it could be interrupted"
            time.sleep(0.01)
        assert part is not None, "no temporary file appeared"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # the previous file is untouched and readable; the half-written data never had its name
    assert target.read_bytes() == before
    back = pd.read_csv(target, encoding="utf-8-sig")
    assert back["point_id"].tolist() == ["P1", "P2"]
    assert [p.name for p in tmp_path.iterdir() if p.name == target.name] == [target.name]
    assert part.exists() and part.stat().st_size < 3_000_000 * 40


def test_failed_writer_leaves_previous_file_and_no_temp(tmp_path):
    from planner._util import atomic_path
    from planner.outputs.writers import write_json

    target = tmp_path / "summary.json"
    write_json({"a": 1}, target)
    before = target.read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text('{"a": 2, "half', encoding="utf-8")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


@pytest.mark.slow
def test_same_inputs_give_byte_identical_tables(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["analyse", "--out", str(tmp_path / "a"), "-q"])
    assert res.exit_code == 0, res.output
    # a second run in another process with another hash seed (set and dict order)
    env = dict(os.environ, PYTHONHASHSEED="12345")
    run = subprocess.run([sys.executable, "-m", "planner", "analyse", "--out", str(tmp_path / "b"), "-q"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    for f in ("gaps.csv", "targets.csv", "summary.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f

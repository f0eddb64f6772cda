"""Output folders hold one run: killed runs leave the previous results, a second run is locked out,
leftovers are cleaned, and no command replaces another command's results."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner._errors import InputError
from planner.outputs.rundir import MARKER, folder_lock, output_run, recover


def run(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def digest(folder: Path) -> dict[str, str]:
    """Every file of a folder (hidden ones too) with its SHA-256."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


# --- the transaction, in process -------------------------------------------------------------


def test_failed_run_leaves_the_old_folder_and_no_temporary(tmp_path):
    out = tmp_path / "out"
    with output_run(out, "analyse") as tmp:
        (tmp / "summary.json").write_text('{"run": 1}', encoding="utf-8")
    before = digest(out)
    with pytest.raises(RuntimeError):
        with output_run(out, "analyse") as tmp:
            (tmp / "summary.json").write_text('{"run": 2}', encoding="utf-8")
            (tmp / "gaps.csv").write_text("half", encoding="utf-8")
            raise RuntimeError("disk full (simulated)")
    assert digest(out) == before
    assert siblings(out) == []


def test_second_run_replaces_the_whole_folder(tmp_path):
    out = tmp_path / "out"
    with output_run(out, "analyse") as tmp:
        (tmp / "gaps.csv").write_text("speed 0.7", encoding="utf-8")
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
    with output_run(out, "analyse") as tmp:
        (tmp / "summary.json").write_text('{"speed": 1.0}', encoding="utf-8")
    # nothing of the first run is left beside the second's
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "summary.json"]
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["command"] == "analyse"
    assert siblings(out) == []


def test_locked_folder_is_refused_with_the_other_run_named(tmp_path):
    out = tmp_path / "out"
    with folder_lock(out, command="planner analyse --out out"):
        with pytest.raises(InputError, match="being written by another run") as err:
            with output_run(out, "analyse"):
                pass
        assert f"pid {os.getpid()}" in str(err.value) and "planner analyse" in str(err.value)
        assert err.value.code == "output_locked"
    with output_run(out, "analyse") as tmp:  # free again once the holder is done
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
    assert siblings(out) == []


def test_recover_restores_a_folder_renamed_aside_and_removes_leftovers(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / ".out.old-abc"
    aside.mkdir()
    (aside / "summary.json").write_text("old", encoding="utf-8")
    half = tmp_path / ".out.new-xyz"
    half.mkdir()
    (half / "gaps.csv").write_text("half", encoding="utf-8")
    recover(out)
    assert (out / "summary.json").read_text(encoding="utf-8") == "old"
    assert siblings(out) == []
    (out / ".gaps.part-1234.csv").write_text("x", encoding="utf-8")  # an older version's leftover
    recover(out)
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]


def test_refuses_folders_it_must_not_replace(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.docx").write_text("a user's file", encoding="utf-8")
    with pytest.raises(InputError, match="notes.docx"):
        with output_run(out, "analyse"):
            pass
    assert (out / "notes.docx").exists()
    data = tmp_path / "data"
    data.mkdir()
    (data / "facilities.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(InputError, match="inside the output folder"):
        with output_run(data, "analyse", [data / "facilities.csv"]):
            pass
    assert (data / "facilities.csv").exists()
    res = tmp_path / "res"
    with output_run(res, "analyse") as tmp:
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="planner analyse"):
        with output_run(res, "suggest"):
            pass
    assert siblings(out) == sorted(["data", "res"])
    # a folder of an older version's results (no marker) is replaced
    old = tmp_path / "old"
    old.mkdir()
    for name in ("gaps.csv", "summary.json", ".gaps.part-77.csv"):
        (old / name).write_text("x", encoding="utf-8")
    with output_run(old, "analyse") as tmp:
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
    assert sorted(p.name for p in old.iterdir()) == [MARKER, "summary.json"]


def _refusal(out, command="analyse", inputs=()) -> InputError:
    with pytest.raises(InputError) as err:
        with output_run(out, command, inputs):
            pass
    return err.value


def test_refusals_are_worded_in_chinese(tmp_path):
    """Every refusal of an output folder reads in Chinese (the catalogue's words), the English unchanged."""
    out = tmp_path / "out"
    with folder_lock(out, command="planner analyse --out out"):
        err = _refusal(out)
    assert err.code == "output_locked"
    zh = err.text("zh")
    assert zh.startswith(f"另一次运行（进程 {os.getpid()}，命令 `planner analyse --out out`，开始于 ")
    assert zh.endswith(f"）正在写入输出文件夹 {out}")
    assert err.fix_text("zh") == "请等它完成，或用 --out 另选输出文件夹"
    assert str(err).startswith(f"the output folder {out} is being written by another run (pid {os.getpid()}, ")

    mine = tmp_path / "mine"
    mine.mkdir()
    for name in ("a.docx", "b.docx", "c.docx", "d.docx", "e.docx", "f.docx"):
        (mine / name).write_text("a user's file", encoding="utf-8")
    err = _refusal(mine)
    assert err.code == "output_foreign_files"
    assert err.text("zh") == f"{mine} 中有不是本工具写入的文件（a.docx、b.docx、c.docx、d.docx、e.docx 等），写入结果会替换掉它们"
    assert str(err) == (f"{mine}: {mine} holds files a run did not write (a.docx, b.docx, c.docx, d.docx, e.docx …); "
                        "its results would replace them — choose a new or empty --out folder")

    res = tmp_path / "res"
    with output_run(res, "analyse") as tmp:
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
    err = _refusal(res, "suggest")
    assert err.display("zh") == (f"res: {res} 中是 `planner analyse` 的结果，`planner suggest` 不会替换它们"
                                 " — 为 `planner suggest` 用 --out 另选输出文件夹")

    data = tmp_path / "data"
    data.mkdir()
    (data / "facilities.csv").write_text("id\n", encoding="utf-8")
    err = _refusal(data, inputs=[data / "facilities.csv"])
    assert err.text("zh") == f"输入文件 facilities.csv 位于输出文件夹 {data} 内，而结果会替换整个文件夹"
    err = _refusal(data / "sub", inputs=[data])
    assert err.code == "output_inside_input" and err.text("zh") == f"输出文件夹 {data / 'sub'} 位于输入 {data} 之内"
    assert str(err) == f"{data}: the output folder {data / 'sub'} is inside the input {data} — choose another --out folder"

    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    err = _refusal(tmp_path / "file.txt")
    assert err.display("zh") == "file.txt: 输出路径已存在，但不是文件夹 — --out 须指定一个文件夹"


def test_locked_folder_on_the_command_line_is_chinese_first(tmp_path):
    out = tmp_path / "out"
    with folder_lock(out, command="planner report (test holder)"):
        r = run("report", "--out", str(out), "-q", timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(("错误", "error"))]
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith(f"错误：另一次运行（进程 {os.getpid()}，命令 `planner report (test holder)`，开始于 ")
    assert lines[0].endswith(f"正在写入输出文件夹 {out} — 请等它完成，或用 --out 另选输出文件夹")
    assert lines[1].startswith(f"error: the output folder {out} is being written by another run (pid {os.getpid()}, ")
    assert lines[1].endswith(" — wait for it to finish, or choose another --out folder")
    assert not out.exists()


# --- killed command-line runs ----------------------------------------------------------------

COMMANDS = {
    "analyse": ["analyse", "--minutes", "5,10,15,20,25,30"],
    "report": ["report", "--by", "township", "--format", "png,pdf", "--dpi", "60"],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_killed_run_keeps_the_previous_results_and_the_next_run_cleans_up(tmp_path, command):
    out = tmp_path / "out"
    args = [*COMMANDS[command], "--out", str(out), "-q"]
    first = run(*args)
    assert first.returncode == 0, first.stderr
    before = digest(out)
    assert MARKER in before and len(before) > 3

    proc = subprocess.Popen([sys.executable, "-m", "planner", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        killed_while_writing = False
        while time.monotonic() < deadline and proc.poll() is None:
            new = [p for p in tmp_path.glob(".out.new-*") if any(p.iterdir())]
            if new:  # the new run is writing its files
                os.kill(proc.pid, signal.SIGKILL)
                killed_while_writing = True
                break
            time.sleep(0.02)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert killed_while_writing, "the run finished before it could be interrupted"
    assert proc.returncode == -signal.SIGKILL
    # the folder holds the complete previous results, byte for byte, and nothing of the killed run
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.new-")]  # its leftovers

    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert siblings(out) == []  # leftovers of the killed run removed
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != MARKER]
    assert set(digest(out)) == set(before)


@pytest.mark.slow
def test_second_command_line_run_is_locked_out(tmp_path):
    out = tmp_path / "out"
    with folder_lock(out, command="planner analyse (test holder)"):
        r = run("analyse", "--out", str(out), "-q")
    assert r.returncode == 2
    assert "being written by another run" in r.stderr and "test holder" in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists() and siblings(out) == []


@pytest.mark.slow
def test_suggest_never_replaces_the_analysis(tmp_path):
    a = run("analyse", "-q", cwd=tmp_path)
    assert a.returncode == 0, a.stderr
    before = digest(tmp_path / "out")
    s = run("suggest", "--type", "mutual_aid", "--count", "1", "-q", cwd=tmp_path)
    assert s.returncode == 0, s.stderr
    assert digest(tmp_path / "out") == before
    summary = json.loads((tmp_path / "suggest" / "summary.json").read_text(encoding="utf-8"))
    # a suggestion's summary, in its own folder
    assert summary["facility_type"] == "mutual_aid" and "profile_status" not in summary
    # pointed at the analysis folder on purpose, suggest refuses (exit 2) and leaves it alone
    s = run("suggest", "--type", "mutual_aid", "--count", "1", "--out", "out", "-q", cwd=tmp_path)
    assert s.returncode == 2 and "planner analyse" in s.stderr
    assert digest(tmp_path / "out") == before

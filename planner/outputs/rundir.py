"""One command's results, written whole or not at all: the output-folder transaction.

A run writes into a temporary sibling folder (``.<out>.new-*``) and, only when
every file is complete, swaps it in: the old folder is renamed aside
(``.<out>.old-*``), the new one renamed in, the old one deleted.  A sibling
lock file (``.<out>.lock``, :func:`fcntl.flock`) keeps a second run out of the
folder while the first is writing; the error names the other run (process,
command, start time).  The leftovers of a killed run are removed by the next
run into that folder, and a run killed between the two renames is repaired
(the old folder is put back).

Each run leaves a small marker (``.planner-run.json``: command, time, pid)
in its folder, so one command never replaces another command's results (e.g.
``planner suggest`` into ``planner analyse``'s folder), and a folder holding
files that no run wrote (a user's own files) is never replaced.
"""

from __future__ import annotations

import contextlib
import datetime
import fnmatch
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from planner._errors import InputError
from planner.io.problems import problem_of
from planner.text import tr

MARKER = ".planner-run.json"
"""The file naming the command that wrote a folder."""

RESULT_PATTERNS = (
    "coverage.gpkg", "gaps.xlsx", "gaps.csv", "targets.csv", "service_areas.gpkg", "summary.json",
    "map.html", "suggestions.csv", "suggestions.gpkg", "index.csv", "index.html", "*_map.png",
    "*_map.pdf", "*_table.xlsx", ".*.part-*", MARKER,
)
"""Files a run writes (a folder of only these, without a marker, is an older run's)."""

try:  # POSIX; on Windows the lock is an exclusively created file instead
    import fcntl
except ImportError:  # pragma: no cover - not on this platform
    fcntl = None  # type: ignore[assignment]


def _siblings(out: Path, kind: str) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.{kind}-*"))


def lock_path(out: str | Path) -> Path:
    """The lock file of an output folder (a hidden sibling)."""
    out = Path(out).resolve()
    return out.parent / f".{out.name}.lock"


def _holder_params(lock: Path) -> dict[str, str]:
    """Params ``holder@zh`` / ``holder@en``: the run holding ``lock`` (process, command, start time)."""
    try:
        info = json.loads(lock.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or not info:
        return {f"holder@{lang}": tr("output.another_run", lang) for lang in ("zh", "en")}
    return {f"holder@{lang}": tr("output.another_run_named", lang, pid=info.get("pid"),
                                 command=info.get("command", "?"), started=info.get("started", "?"))
            for lang in ("zh", "en")}


@contextlib.contextmanager
def folder_lock(out: str | Path, command: str = "") -> Iterator[Path]:
    """Hold the output folder's lock for the block; refuse when another run holds it.

    Parameters
    ----------
    out : path
        The output folder (need not exist).
    command : str
        What this run is (written into the lock file for the other run's error).

    Yields
    ------
    Path
        The lock file.

    Raises
    ------
    InputError
        Another run is writing into ``out``.
    """
    lock = lock_path(out)
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise problem_of(InputError, "output_locked", None, (), out=str(Path(out)),
                             **_holder_params(lock)) from None
        # the holder before us may have deleted the file after we opened it: lock the file on disk
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        info = {"pid": os.getpid(), "command": command or " ".join(Path(a).name for a in sys.argv[:2]),
                "started": datetime.datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"))
        yield lock
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()  # while still locked, so no one else holds this inode
        os.close(fd)


def recover(out: str | Path) -> list[Path]:
    """Remove what killed runs left beside and inside ``out``; put back a folder renamed aside.

    Call it only while holding :func:`folder_lock`.

    Returns
    -------
    list of Path
        What was removed or restored.
    """
    out = Path(out).resolve()
    done: list[Path] = []
    olds = _siblings(out, "old")
    if not out.exists() and olds:  # killed between the two renames: the old results come back
        latest = max(olds, key=lambda p: p.stat().st_mtime)
        os.replace(latest, out)
        done.append(latest)
        olds = [p for p in olds if p != latest]
    for p in [*olds, *_siblings(out, "new")]:
        shutil.rmtree(p, ignore_errors=True)
        done.append(p)
    if out.is_dir():  # an older version wrote files one by one and left its temporary files
        for p in out.glob(".*.part-*"):
            with contextlib.suppress(OSError):
                p.unlink()
                done.append(p)
    return done


def check_replaceable(out: str | Path, command: str, inputs: Iterable[str | Path | None] = ()) -> None:
    """Refuse to replace a folder holding inputs, a user's own files, or another command's results.

    Parameters
    ----------
    out : path
        The output folder.
    command : str
        The command about to write it (``analyse``, ``report``, ``suggest``).
    inputs : iterable of path
        The run's input files.

    Raises
    ------
    InputError
        ``out`` is a file, holds an input, holds files no run wrote, or holds
        another command's results.
    """
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise problem_of(InputError, "output_not_folder", out)
    for p in inputs:
        if p is None:
            continue
        rp = Path(p).resolve()
        if rp == out or out in rp.parents:
            raise problem_of(InputError, "output_holds_input", p, (), name=Path(p).name, out=str(out))
        if rp in out.parents:
            raise problem_of(InputError, "output_inside_input", p, (), out=str(out), input=str(p))
    if not out.is_dir():
        return
    marker = out / MARKER
    if marker.is_file():
        try:
            previous = json.loads(marker.read_text(encoding="utf-8")).get("command")
        except (OSError, ValueError, AttributeError):
            previous = None
        if previous and previous != command:
            raise problem_of(InputError, "output_other_command", out, (), out=str(out), previous=str(previous),
                             command=command)
        return
    foreign = sorted(p.name for p in out.iterdir()
                     if p.is_dir() or not any(fnmatch.fnmatch(p.name, pat) for pat in RESULT_PATTERNS))
    if foreign:
        shown = {f"files@{lang}": tr("io.sep.list", lang).join(foreign[:5])
                 + (tr("output.more", lang) if len(foreign) > 5 else "") for lang in ("zh", "en")}
        raise problem_of(InputError, "output_foreign_files", out, (), out=str(out), **shown)


@contextlib.contextmanager
def output_run(out: str | Path, command: str, inputs: Iterable[str | Path | None] = ()) -> Iterator[Path]:
    """Write one run's results into ``out`` whole or not at all.

    Locks ``out`` against a second run, cleans what killed runs left, checks
    that ``out`` may be replaced, and yields an empty temporary sibling
    folder.  When the block ends normally, that folder replaces ``out``;
    when it fails (or the process dies), ``out`` is left as it was.

    Parameters
    ----------
    out : path
        The output folder (created on success).
    command : str
        The command writing it (``analyse``, ``report``, ``suggest``): a
        folder written by another command is refused.
    inputs : iterable of path
        The run's inputs (a folder holding one is refused).

    Yields
    ------
    Path
        The folder to write into.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> with output_run(base / "out", "analyse") as tmp:
    ...     _ = (tmp / "summary.json").write_text("{}")
    >>> sorted(p.name for p in base.iterdir()), sorted(p.name for p in (base / "out").iterdir())
    (['out'], ['.planner-run.json', 'summary.json'])
    """
    final = Path(out).resolve()
    with folder_lock(final, command=f"planner {command}"):
        recover(final)
        check_replaceable(final, command, inputs)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
        try:
            yield tmp
            marker = {"command": command, "pid": os.getpid(),
                      "finished": datetime.datetime.now().isoformat(timespec="seconds")}
            (tmp / MARKER).write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; results are a folder like any
            swap_in(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def swap_in(new: Path, out: Path) -> None:
    """Replace the folder ``out`` by the folder ``new`` (old one renamed aside, then deleted)."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old)  # an empty directory is replaced by rename
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out)


__all__ = ["MARKER", "check_replaceable", "folder_lock", "lock_path", "output_run", "recover", "swap_in"]

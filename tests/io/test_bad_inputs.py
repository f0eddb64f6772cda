"""The corpus of bad inputs (tests/data/bad): every file gives a clear planner
error or warning, never a traceback, and is never modified.

Each case of ``expected.csv`` goes through the app's loading functions (the
readers, :func:`planner.io.validate.validate_inputs`, :mod:`planner.io.uploads`)
and through the command line (``planner analyse`` / ``travel-times``).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from planner import _errors
from planner._errors import InputError, PlannerError, PlannerWarning
from planner.demo import demo_paths

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
with open(BAD / "expected.csv", encoding="utf-8", newline="") as _fh:
    CASES = list(csv.DictReader(_fh))
HAS_SCENARIO = importlib.util.find_spec("planner.analysis.scenario") is not None
ERRORS = {"InputError", "CRSError", "NetworkError", "ProfileError"}


def _files(case: dict) -> list[Path]:
    """The case's file and its shapefile siblings."""
    p = BAD / case["file"]
    if p.suffix == ".shp":
        return sorted(q for q in BAD.iterdir() if q.stem == p.stem)
    return [p]


def _digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _skip_unsupported(case: dict) -> None:
    if case["kind"] == "scenario" and not HAS_SCENARIO:
        pytest.skip("planner.analysis.scenario is not written yet")


def _id(case: dict) -> str:
    return case["file"]


@pytest.fixture(scope="module")
def demo():
    from planner.demo.county import demo_paths
    from planner.engine.network import load_network
    from planner.io import read_boundaries, read_facilities

    d = demo_paths()
    return {"units": read_boundaries(d.boundaries, layer="units"),
            "facilities": read_facilities(d.facilities), "network": load_network(d.network)}


def test_corpus_is_complete_and_small():
    assert len(CASES) >= 30
    kinds = {c["kind"] for c in CASES}
    assert {"boundaries", "facilities", "network", "points", "profile", "scenario"} <= kinds
    for c in CASES:
        assert c["expected"] in ERRORS | {"warning", "ok"}, c
        assert c["stage"] in ("reader", "validate"), c
        assert (BAD / c["file"]).is_file(), c["file"]
        assert c["message"], c
    total = sum(p.stat().st_size for p in BAD.iterdir() if p.is_file())
    assert total < 1_000_000


def _read(case: dict, path: Path):
    from planner.engine.network import load_network
    from planner.io import read_boundaries, read_facilities, read_points
    from planner.io.profiles import load_profile

    kind = case["kind"]
    if kind == "boundaries":
        return read_boundaries(path)
    if kind == "facilities":
        return read_facilities(path)
    if kind == "points":
        return read_points(path)
    if kind == "network":
        return load_network(path, use_cache=False)
    if kind == "profile":
        return load_profile(str(path))
    from planner.analysis.scenario import read_scenario

    return read_scenario(path)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_reader(case):
    """The reader raises the expected planner error (or warns / loads) and leaves the file intact."""
    _skip_unsupported(case)
    files = _files(case)
    before = _digest(files)
    path = BAD / case["file"]
    expected, msg = case["expected"], case["message"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if expected in ERRORS and case["stage"] == "reader":
            with pytest.raises(getattr(_errors, expected)) as info:
                _read(case, path)
            assert msg in str(info.value)
            assert info.value.path, "the message names the file"
            assert Path(info.value.path).name == path.name
        else:
            data = _read(case, path)
            assert data is not None
            if expected == "ok":
                text = data.to_csv() if hasattr(data, "to_csv") else str(data)
                assert msg in text
    ours = [str(w.message) for w in caught if issubclass(w.category, PlannerWarning)]
    if expected == "warning" and case["stage"] == "reader":
        assert any(msg in w for w in ours), ours
    if expected == "ok":
        assert not ours, ours
    assert _digest(files) == before


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] in
                                  ("boundaries", "facilities", "points", "network")], ids=_id)
def test_validation_report(case, demo):
    """validate_inputs collects the problem with its class, message and fix; never raises."""
    from planner.io.validate import validate_inputs

    files = _files(case)
    before = _digest(files)
    path = BAD / case["file"]
    args = {"boundaries": demo["units"], "facilities": demo["facilities"], "network": demo["network"]}
    args[case["kind"]] = path
    report = validate_inputs(**args)
    expected, msg = case["expected"], case["message"]
    if expected in ERRORS:
        hits = [i for i in report.fatal if msg in i.message_en]
        assert hits, report.to_text("en")
        assert type(hits[0].error).__name__ == expected
        assert hits[0].file == path.name
        assert hits[0].message_zh and hits[0].fix
        with pytest.raises(getattr(_errors, expected), match=None) as info:
            report.raise_if_fatal()
        assert msg in str(info.value)
    else:
        assert report.ok, report.to_text("en")
        if expected == "warning":
            assert any(msg in i.message_en and i.severity in ("warning", "repaired")
                       for i in report.issues), report.to_text("en")
        frame = report.to_frame("zh")
        assert list(frame.columns) == ["file", "severity", "rows", "message", "fix", "code"]
    assert _digest(files) == before


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] != "scenario"], ids=_id)
def test_upload_then_load(case, tmp_path):
    """Through planner.io.uploads: refused with an InputError, or saved and read like the original."""
    from planner.io.uploads import save_uploads

    files = _files(case)
    before = _digest(files)
    try:
        main = save_uploads([(p.name, p.read_bytes()) for p in files], case["kind"], tmp_path)
    except InputError as exc:
        assert str(exc)
        if case["file"].endswith(".zip") or case["message"] in ("empty (0 bytes)", "empty"):
            assert case["expected"] == "InputError" or case["kind"] == "network"
        assert case["expected"] != "ok", f"a good file was refused: {exc}"
        assert case["expected"] != "warning", f"a usable file was refused: {exc}"
    else:
        assert main.parent == tmp_path
        expected = case["expected"]
        if expected in ERRORS and case["stage"] == "reader":
            with pytest.raises(PlannerError) as info:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    _read(case, main)
            assert case["message"] in str(info.value)
    assert _digest(files) == before


def _cli(case: dict, out: Path) -> list[str]:
    p = str(BAD / case["file"])
    kind = case["kind"]
    demo = demo_paths()  # the other inputs given explicitly: the demo never fills a missing one
    if kind == "points":
        return ["travel-times", "--points", p, "--network", str(demo.network), "--facilities",
                str(demo.facilities), "--out", str(out / "tt.csv"), "-q"]
    base = ["analyse", "--out", str(out), "--lang", "en", "-q"]
    if kind == "profile":
        return [*base, "--profile", p]
    given = {"boundaries": str(demo.boundaries), "facilities": str(demo.facilities),
             "network": str(demo.network), kind: p}
    return [*base, *(x for k, v in given.items() for x in (f"--{k}", v))]


def _check_cli(case: dict, code: int, stdout: str, stderr: str, out: Path) -> None:
    both = stdout + stderr
    assert "Traceback" not in both, both
    if case["expected"] in ERRORS:
        assert code == 2, both
        assert case["message"] in stderr, stderr
        assert "error" in stderr
    else:
        assert code == 0, both
        if case["kind"] in ("boundaries", "facilities") and case["expected"] == "warning":
            assert case["message"] in stdout, stdout
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            assert any(case["message"] in w for w in summary["warnings"]), summary["warnings"]


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] != "scenario"], ids=_id)
def test_command_line(case, tmp_path):
    """The real command (argument parsing, error handling, exit codes), run in-process."""
    from typer.testing import CliRunner

    from planner.cli import app

    files = _files(case)
    before = _digest(files)
    res = CliRunner().invoke(app, _cli(case, tmp_path / "out"))
    # an unhandled exception would be a traceback for the user
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    _check_cli(case, res.exit_code, res.stdout, res.stderr, tmp_path / "out")
    assert _digest(files) == before


# one case of each kind and outcome as a separate process, as a user runs it
SUBPROCESS_CASES = [c for c in CASES if c["file"] in (
    "b05_no_prj.shp", "b07_bowtie.geojson", "b14_zip_bomb.zip", "f01_lonlat_swapped.csv",
    "f08_gcj02_coordinates.csv", "n02_not_a_pbf.osm.pbf", "p01_lonlat_swapped.csv",
    "pr02_not_toml.toml")]


@pytest.mark.slow
@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=_id)
def test_command_line_process(case, tmp_path):
    """`python -m planner ...` exits 2 with the message on stderr (no traceback), or 0 with the warning."""
    files = _files(case)
    before = _digest(files)
    env = dict(os.environ, PYTHONWARNINGS="default")
    cmd = [sys.executable, "-m", "planner", *_cli(case, tmp_path / "out")]
    res = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    _check_cli(case, res.returncode, res.stdout, res.stderr, tmp_path / "out")
    assert _digest(files) == before


def test_a_cut_geopackage_is_called_damaged_not_sqlite(tmp_path):
    """A GeoPackage cut short (an interrupted copy) is named damaged, without SQLite's own words."""
    from planner.io import read_boundaries

    raw = demo_paths().boundaries.read_bytes()
    cut = tmp_path / "村界.gpkg"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError) as err:
        read_boundaries(cut)
    assert err.value.code == "layer_damaged"
    assert "村界.gpkg" in str(err.value) and "sqlite" not in str(err.value).lower()

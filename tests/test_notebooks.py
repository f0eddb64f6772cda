"""The notebooks in ``notebooks/`` run top to bottom offline, and are committed without outputs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = {"01_quickstart.ipynb", "02_real_osm_network.ipynb", "03_site_selection.ipynb"}
CELL_TIMEOUT = 300  # seconds per cell


def test_the_three_notebooks_exist():
    assert EXPECTED <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code cells"
    dirty = [i for i, c in enumerate(code) if c.get("outputs") or c.get("execution_count") is not None]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; strip them before committing"
    # no stray widget state or execution timing either
    assert "widgets" not in nb.get("metadata", {})
    assert all("execution" not in c.get("metadata", {}) for c in nb["cells"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_never_goes_online_by_default(path):
    source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
    for call in ("download_network(", "graph_from_place(", "graph_from_point(", "graph_from_polygon("):
        assert call not in source or "if ONLINE:" in source, f"{path.name} calls {call} outside an ONLINE guard"
    if "ONLINE" in source:
        assert "ONLINE = False" in source


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # The kernel spec runs "python": make that this interpreter, whatever PATH says.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    scratch = tmp_path / "tmp"  # the notebooks' tempfile output lands here, cleaned by pytest
    workdir = tmp_path / "cwd"
    scratch.mkdir()
    workdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        # run in an empty folder: the notebooks must find their data through the package
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError with the failing cell and traceback
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    assert images >= 2, f"{path.name} drew {images} figures"
    assert not list(workdir.iterdir()), "the notebook wrote into its working folder"

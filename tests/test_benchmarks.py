"""Smoke run of the benchmark scripts on a small generated network (agreement, not timing)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from planner.engine.network import load_network

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def small_network(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "grid"
    _module("make_network").main(["--nodes", "3000", "--out", str(out), "--formats", "npz,osm,graphml"])
    return out


def test_make_network_formats_load_to_the_same_network(small_network):
    nets = {s: load_network(small_network.with_suffix(f".{s}"), use_cache=False)
            for s in ("npz", "osm", "graphml")}
    a = nets["npz"]
    assert 2500 < a.n_nodes < 3500 and a.report.n_components == 1
    for s in ("osm", "graphml"):
        b = nets[s]
        assert b.n_nodes == a.n_nodes and b.n_edges == a.n_edges
        np.testing.assert_array_equal(b.node_id, a.node_id)
        np.testing.assert_allclose(b.length, a.length, atol=0.05)  # OSM XML keeps 7 decimals
    # the river: most streets stop at its banks; only the bridges cross it
    assert a.length.max() < 60.0


def test_bench_engine_agrees_with_its_peers(small_network, capsys):
    bench = _module("bench_engine")
    code = bench.main(["--network", str(small_network.with_suffix(".npz")), "--facilities", "12",
                       "--points", "400", "--repeats", "1", "--skip", "pandana", "--json"])
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and res["all_agree"]
    for k in ("bare_scipy", "nx_ego_graph", "nx_multi_source"):
        assert res["agreement"][k]["mismatches_beyond_tol"] == 0
        assert res["agreement"][k]["covered_project"] > 0
    assert res["agreement"]["bare_scipy"]["max_abs_diff_m"] < 1e-5
    assert res["agreement"]["nx_multi_source"]["max_abs_diff_m"] < 1e-5
    for k in ("project", "project_nodes", "bare_scipy", "edit_add", "edit_move", "edit_remove",
              "edit_add_tables", "polygons", "nx_ego_graph", "nx_multi_source"):
        assert res["timings"][k]["median_s"] > 0
    assert res["ratios"]["nx_ego_graph"] > 0 and res["peak_rss_mb"] > 0


def test_bench_engine_reports_a_capped_peer_as_extrapolated(small_network):
    bench = _module("bench_engine")
    res = bench.run(str(small_network.with_suffix(".npz")), 40, 100, repeats=1, peer_budget=1e-6,
                    skip=("pandana", "edits", "polygons"), log=lambda s: None)
    t = res["timings"]["nx_ego_graph"]
    assert t["extrapolated_factor"] == pytest.approx(40 / 5)
    assert "EXTRAPOLATED" in t["note"]
    assert res["agreement"]["nx_ego_graph"]["agree"]


def test_bench_polygons_methods_agree(capsys, monkeypatch):
    """The polygon benchmark runs and its two methods give the same area (to the arc approximation)."""
    mod = _module("bench_polygons")
    data = Path(__file__).parent / "data" / "monaco.osm.pbf"
    monkeypatch.setattr(sys, "argv", ["bench_polygons", "--network", str(data), "--facilities", "3",
                                      "--repeats", "1", "--minutes", "5"])
    mod.main()
    out = capsys.readouterr().out
    assert "ratio plain / project" in out
    frac = float(out.rsplit("symmetric difference ", 1)[1].split()[0])
    assert frac < 1e-3


def test_bench_app_protocol_clients_edit_the_demo(capsys, monkeypatch):
    """The protocol clients (planners whose browsers are elsewhere) add a site per click, as a
    browser's click does: the new site's id comes back in the app's answer; a click outside the
    county adds nothing, and the benchmark says so."""
    bench = _module("bench_app_protocol")
    assert bench.main(["--users", "2", "--clicks", "2"]) == 0
    out = capsys.readouterr().out
    assert "edits that did not take: 0" in out and "click -> figures: median" in out
    monkeypatch.setattr(bench, "village_points", lambda root, n: [(100.0, 20.0 + i) for i in range(n)])
    assert bench.main(["--users", "1", "--clicks", "2"]) == 1
    assert "edits that did not take: 2" in capsys.readouterr().out

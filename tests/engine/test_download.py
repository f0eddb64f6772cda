"""Online path: osmnx download with an on-disk cache (skipped offline; run with --run-web)."""

from __future__ import annotations

import pytest

from planner.engine.network import download_network


@pytest.mark.web
def test_download_small_place_then_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path))
    net = download_network("Monaco-Ville, Monaco")
    assert net.n_nodes > 100
    again = download_network("Monaco-Ville, Monaco")
    assert again.report.from_cache
    assert again.n_edges == net.n_edges

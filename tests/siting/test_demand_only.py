"""``planner suggest --demand`` without boundaries: the demand points' area as one unit."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest

from planner._errors import InputError
from planner.demo import demo_paths
from planner.engine.network import network_from_arrays
from planner.io import load_profile, read_boundaries, read_facilities
from planner.siting.demand_area import demand_area, suggest_for_demand

STEP = 100.0  # metres between grid streets
N = 8  # 8 × 8 junctions
MINUTES = 5.5  # at 1 m/s: 330 m, i.e. up to 3 blocks (no ties at the limit)
CRS = "EPSG:4547"
X0, Y0 = 500_000.0, 3_300_000.0


def _lonlat(i, j):
    return pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(
        X0 + STEP * np.asarray(i, float), Y0 + STEP * np.asarray(j, float))


@pytest.fixture(scope="module")
def grid():
    ii, jj = np.meshgrid(np.arange(N), np.arange(N), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    ids = ii * N + jj
    lon, lat = _lonlat(ii, jj)
    u = [a * N + b for a in range(N) for b in range(N) if a + 1 < N] + \
        [a * N + b for a in range(N) for b in range(N) if b + 1 < N]
    v = [(a + 1) * N + b for a in range(N) for b in range(N) if a + 1 < N] + \
        [a * N + b + 1 for a in range(N) for b in range(N) if b + 1 < N]
    return network_from_arrays(ids, lon, lat, np.array(u), np.array(v), crs=CRS)


def _points(cells, **columns):
    lon, lat = _lonlat([c[0] for c in cells], [c[1] for c in cells])
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def _walk(a, b) -> float:  # on a grid the shortest walk is the Manhattan distance
    return STEP * (abs(a[0] - b[0]) + abs(a[1] - b[1]))


def test_demand_only_mclp_equals_brute_force(grid, tmp_path):
    rng = np.random.default_rng(7)
    cells = [tuple(map(int, rng.integers(0, N, 2))) for _ in range(18)]
    weights = rng.integers(5, 60, len(cells)).astype(float)
    demand = _points(cells, point_id=[f"D{k}" for k in range(len(cells))], weight=weights)
    sites = [(0, 0), (7, 7), (3, 4), (6, 1), (1, 6), (4, 2), (2, 2), (5, 5)]
    cand = _points(sites, candidate_id=[f"C{k}" for k in range(len(sites))])
    existing = (0, 7)
    lon, lat = _lonlat([existing[0]], [existing[1]])
    pd.DataFrame({"id": ["F1"], "name": ["x"], "type": ["day_care"], "longitude": lon,
                  "latitude": lat}).to_csv(tmp_path / "f.csv", index=False)
    fac = read_facilities(tmp_path / "f.csv")
    limit = MINUTES * 60 * 1.0

    def covered(chosen) -> float:
        return float(sum(w for c, w in zip(cells, weights, strict=True)
                         if any(_walk(c, s) <= limit for s in [existing, *chosen])))

    best = max(covered(pair) for pair in itertools.combinations(sites, 2))
    result = suggest_for_demand(demand, fac, grid, "day_care", count=2, minutes=MINUTES, candidates=cand,
                                speed=1.0)
    assert result.before == pytest.approx(covered([]))
    assert result.after == pytest.approx(best)
    assert result.total == pytest.approx(weights.sum())
    chosen = [sites[int(c[1:])] for c in result.chosen["candidate_id"]]
    assert covered(chosen) == pytest.approx(best)
    # only population targets are scored, over the demand points
    population = {t.id for t in load_profile("national").targets if t.measure == "population"}
    assert len(result.targets) and set(result.targets["target_id"]) <= population


def test_demand_only_p_median_equals_brute_force(grid):
    rng = np.random.default_rng(11)
    cells = [tuple(map(int, rng.integers(0, N, 2))) for _ in range(12)]
    weights = rng.integers(1, 20, len(cells)).astype(float)
    demand = _points(cells, point_id=[f"D{k}" for k in range(len(cells))], weight=weights)
    sites = [(0, 0), (7, 7), (3, 4), (6, 1), (1, 6), (4, 2)]
    cand = _points(sites, candidate_id=[f"C{k}" for k in range(len(sites))])
    best = min(sum(w * min(_walk(c, s) for s in pair) / 60.0 for c, w in zip(cells, weights, strict=True))
               for pair in itertools.combinations(sites, 2))
    result = suggest_for_demand(demand, None, grid, "day_care", count=2, candidates=cand, speed=1.0,
                                objective="pmedian")
    assert result.after == pytest.approx(best, rel=1e-6)


def test_the_area_is_the_hull_plus_a_buffer_holding_the_demand_weight():
    pts = _points([(0, 0), (5, 0), (0, 5)], weight=[10.0, 20.0, 30.0])
    area = demand_area(pts, buffer_m=200.0, lang="en")
    assert len(area) == 1 and area["pop60"].iloc[0] == 60.0 and area["kind"].iloc[0] == "community"
    metric = area.to_crs(CRS).geometry.iloc[0]
    # a right triangle of legs 500 m, widened by 200 m: its area and perimeter add up as a buffer's do
    expected = 0.5 * 500 * 500 + 200 * (500 + 500 + 500 * 2 ** 0.5) + np.pi * 200 ** 2
    assert metric.area == pytest.approx(expected, rel=0.01)
    with pytest.raises(InputError):
        demand_area(pts.drop(columns="weight"))


def test_the_units_objective_is_refused_without_boundaries(grid):
    demand = _points([(1, 1)], weight=[5.0])
    with pytest.raises(InputError, match="needs boundaries"):
        suggest_for_demand(demand, None, grid, "day_care", target=0.5, objective="units")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "planner", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def demo_demand(tmp_path_factory):
    """Demand points derived from the demo county: one per unit (its interior point), weight its 60+."""
    units = read_boundaries(demo_paths().boundaries, layer="units")
    pts = units.geometry.representative_point()
    path = tmp_path_factory.mktemp("demand") / "demand.csv"
    pd.DataFrame({"id": units["code"], "longitude": pts.x, "latitude": pts.y,
                  "weight": units["pop60"]}).to_csv(path, index=False)
    return path


def test_suggest_with_demand_alone_on_the_command_line(demo_demand, tmp_path):
    p = demo_paths()
    r = _run("suggest", "--type", "day_care", "--count", "3", "--demand", demo_demand, "--network", p.network,
             "--facilities", p.facilities, "--out", tmp_path / "s", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "no boundaries" in r.stderr
    chosen = pd.read_csv(tmp_path / "s" / "suggestions.csv")
    assert len(chosen) == 3
    summary = json.loads((tmp_path / "s" / "summary.json").read_text(encoding="utf-8"))
    assert summary["demand_weight_after"] > summary["demand_weight_before"]
    # greenfield: no facilities at all is allowed too
    r = _run("suggest", "--type", "day_care", "--count", "2", "--demand", demo_demand, "--network", p.network,
             "--out", tmp_path / "s2")
    assert r.returncode == 0, r.stderr


def test_suggest_refuses_without_boundaries_or_demand(demo_demand, tmp_path):
    p = demo_paths()
    r = _run("suggest", "--type", "day_care", "--count", "2", "--network", p.network, "--facilities",
             p.facilities, "--out", tmp_path / "s")
    assert r.returncode == 2 and "--boundaries or --demand" in r.stderr and "Traceback" not in r.stderr
    r = _run("suggest", "--type", "day_care", "--count", "2", "--demand", demo_demand, "--out", tmp_path / "s")
    assert r.returncode == 2 and "missing --network" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "s").exists()

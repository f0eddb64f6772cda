"""Demand points: population spread along streets or over residential buildings."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from planner.engine.demand import demand_points
from planner.engine.network import network_from_arrays


@pytest.fixture()
def grid():
    # a 3x3 street grid, 100 m blocks, in CGCS2000 Gauss-Krüger metres
    import pyproj

    tr = pyproj.Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True)
    ids, lon, lat = [], [], []
    for i in range(3):
        for j in range(3):
            x, y = tr.transform(500000 + 100 * i, 3240000 + 100 * j)
            ids.append(i * 3 + j)
            lon.append(x)
            lat.append(y)
    u, v = [], []
    for i in range(3):
        for j in range(3):
            if i < 2:
                u.append(i * 3 + j)
                v.append((i + 1) * 3 + j)
            if j < 2:
                u.append(i * 3 + j)
                v.append(i * 3 + j + 1)
    return network_from_arrays(ids, lon, lat, u, v, crs="EPSG:4548")


def _units(crs):
    west = shapely.box(499990, 3239990, 500100, 3240210)
    east = shapely.box(500100, 3239990, 500210, 3240210)
    island = shapely.box(501000, 3241000, 501100, 3241100)  # no street inside
    return gpd.GeoDataFrame({"name": ["W", "E", "I"], "population": [1000.0, 3000.0, 500.0],
                             "pop60": [200.0, 900.0, 100.0]}, geometry=[west, east, island], crs=crs)


def test_street_demand_spreads_population_by_street_length(grid):
    units = _units(grid.crs)
    d = demand_points(units, grid, spacing=25)
    sums = d.groupby("unit")[["w60", "wpop"]].sum()
    np.testing.assert_allclose(sums["w60"], units["pop60"])
    np.testing.assert_allclose(sums["wpop"], units["population"])
    assert (d.loc[d["unit"] < 2, "source"] == "street").all()
    # the unit with no street gets one interior point, flagged by its source
    island = d[d["unit"] == 2]
    assert len(island) == 1 and island["source"].iat[0] == "centroid"
    assert units.geometry.iat[2].contains(island.geometry.iat[0])
    # points are evenly spaced: no gap along a street longer than the spacing
    w = d[d["unit"] == 0]
    assert len(w) >= int(0.9 * (100 * 5 + 10 * 3) / 25)


def test_buildings_take_precedence_and_weights_follow_population(grid):
    units = _units(grid.crs)
    b = gpd.GeoDataFrame({"population": [10, 30, 60]},
                         geometry=[shapely.Point(500050, 3240050), shapely.Point(500050, 3240150),
                                   shapely.Point(500150, 3240150)], crs=grid.crs).to_crs(4326)
    d = demand_points(units, grid, buildings=b)
    west = d[d["unit"] == 0]
    assert (west["source"] == "building").all()
    np.testing.assert_allclose(sorted(west["w60"]), [200 * 10 / 40, 200 * 30 / 40])
    east = d[d["unit"] == 1]
    assert (east["source"] == "building").all() and east["w60"].sum() == pytest.approx(900)

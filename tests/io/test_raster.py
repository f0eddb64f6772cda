"""Population rasters (GeoTIFF) as demand: cells inside the units, weights as in the raster."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner._errors import InputError
from planner.io.raster import read_population_raster

rasterio = pytest.importorskip("rasterio")


def _write(path, values, west, north, size, crs="EPSG:4326"):
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=values.shape[1], height=values.shape[0],
                       count=1, dtype="float32", crs=crs, nodata=-1,
                       transform=from_origin(west, north, size, size)) as dst:
        dst.write(values.astype("float32"), 1)
    return path


@pytest.fixture(scope="module")
def county_raster(tmp_path_factory, demo_inputs):
    """A 0.002° grid over the demo county: random people, some nodata and empty cells."""
    units = demo_inputs[0]
    x0, y0, x1, y1 = units.to_crs(4326).total_bounds
    size = 0.002
    rng = np.random.default_rng(7)
    ny, nx = int(np.ceil((y1 - y0) / size)) + 4, int(np.ceil((x1 - x0) / size)) + 4
    values = rng.integers(0, 50, (ny, nx)).astype(float)
    values[rng.random((ny, nx)) < 0.1] = -1  # nodata
    west, north = x0 - 2 * size, y1 + 2 * size
    path = _write(tmp_path_factory.mktemp("raster") / "pop.tif", values, west, north, size)
    return path, values, west, north, size


def test_cells_inside_the_units_become_weighted_points(county_raster, demo_inputs):
    path, values, west, north, size = county_raster
    units = demo_inputs[0].to_crs(4326)
    pts = read_population_raster(path, units)
    # independent: every cell centre with people, tested against the units with shapely
    rows, cols = np.nonzero(values > 0)
    cx, cy = west + (cols + 0.5) * size, north - (rows + 0.5) * size
    inside = shapely.contains_xy(shapely.union_all(units.geometry.values), cx, cy)
    assert len(pts) == inside.sum()
    assert pts["population"].sum() == pytest.approx(values[rows, cols][inside].sum())
    assert (pts["population"] > 0).all() and pts.crs.to_epsg() == 4326


def test_the_model_spreads_each_unit_over_its_cells(county_raster, demo_inputs):
    from planner import build_model

    units, fac, net = demo_inputs
    pts = read_population_raster(county_raster[0], units)
    model = build_model(units, fac, net, buildings=pts)
    d = model.demand
    from_raster = d[d["source"] == "building"]
    assert len(from_raster) == len(pts)
    # within a unit the 60+ weights follow the raster's people and add up to the unit's census
    # figure: compare each unit's sorted shares with the raster cells found inside it independently
    cells = pts.to_crs(model.units.crs)
    owner = np.full(len(cells), -1)
    pi, ui = shapely.STRtree(model.units.geometry.values).query(cells.geometry.values, predicate="within")
    owner[pi] = ui
    for u, g in list(from_raster.groupby("unit"))[:8]:
        assert g["w60"].sum() == pytest.approx(float(model.units["pop60"].iloc[u]))
        people = cells["population"].to_numpy()[owner == u]
        assert np.sort(g["w60"].to_numpy() / g["w60"].sum()) == pytest.approx(np.sort(people / people.sum()))


def test_not_a_geotiff_and_a_raster_elsewhere_are_refused(tmp_path, demo_inputs):
    units = demo_inputs[0]
    fake = tmp_path / "pop.tif"
    fake.write_text("x,y,pop\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_population_raster(fake, units)
    assert info.value.code in ("raster_not_tiff", "content_mismatch") and "pop.tif" in str(info.value)
    far = _write(tmp_path / "beijing.tif", np.full((10, 10), 5.0), 116.3, 40.0, 0.01)
    with pytest.raises(InputError) as info:
        read_population_raster(far, units)
    assert info.value.code == "raster_outside"
    before = fake.read_bytes()
    assert fake.read_bytes() == before

"""Tests of planner.io.crs: GCJ-02/BD-09 transforms and metric CRS choice."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from planner._errors import CRSError, InputError
from planner.io import crs

PAIRS = [
    (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84),
    (crs.gcj02_to_bd09, crs.bd09_to_gcj02),
    (crs.wgs84_to_bd09, crs.bd09_to_wgs84),
]

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def china_points():
    rng = np.random.default_rng(42)
    return rng.uniform(73.5, 135.0, 5000), rng.uniform(18.0, 53.5, 5000)


@pytest.mark.parametrize(("forward", "inverse"), PAIRS)
def test_forward_of_inverse_is_identity(forward, inverse, china_points):
    lon, lat = china_points
    x, y = forward(*inverse(lon, lat))
    assert np.abs(x - lon).max() < 1e-7
    assert np.abs(y - lat).max() < 1e-7


@pytest.mark.parametrize(("forward", "inverse"), PAIRS)
def test_inverse_of_forward_is_identity(forward, inverse, china_points):
    lon, lat = china_points
    x, y = inverse(*forward(lon, lat))
    assert np.abs(x - lon).max() < 1e-7
    assert np.abs(y - lat).max() < 1e-7


def test_beijing_offset_magnitude():
    lon, lat = 116.397, 39.909
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    _, _, dist = GEOD.inv(lon, lat, glon, glat)
    assert 100 < dist < 700
    # Baidu adds a further few hundred metres
    blon, blat = crs.wgs84_to_bd09(lon, lat)
    _, _, dist_bd = GEOD.inv(lon, lat, blon, blat)
    assert dist_bd > dist


def test_known_gcj02_value():
    # public reference value of the forward formula (Tiananmen)
    glon, glat = crs.wgs84_to_gcj02(116.397, 39.909)
    assert glon == pytest.approx(116.40324350604497, abs=1e-9)
    assert glat == pytest.approx(39.91040339728811, abs=1e-9)


def test_scalars_give_floats_and_arrays_keep_shape():
    x, y = crs.gcj02_to_wgs84(116.4, 39.9)
    assert isinstance(x, float) and isinstance(y, float)
    arr = np.full((2, 3), 116.4), np.full((2, 3), 39.9)
    x, y = crs.bd09_to_wgs84(*arr)
    assert x.shape == (2, 3) and y.shape == (2, 3)
    x, y = crs.wgs84_to_gcj02([116.4], [39.9])
    assert x.shape == (1,)


def test_inputs_not_modified():
    lon = np.array([116.4, 121.5])
    lat = np.array([39.9, 31.2])
    crs.gcj02_to_wgs84(lon, lat)
    crs.wgs84_to_bd09(lon, lat)
    assert lon.tolist() == [116.4, 121.5] and lat.tolist() == [39.9, 31.2]


def test_outside_china_unchanged():
    lon = np.array([24.94, -0.1276, 139.69, 116.4])
    lat = np.array([60.17, 51.5072, 35.68, 60.0])
    for f in (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84):
        x, y = f(lon, lat)
        np.testing.assert_array_equal(x, lon)
        np.testing.assert_array_equal(y, lat)


def test_nan_propagates():
    x, y = crs.gcj02_to_wgs84(np.array([np.nan, 116.4]), np.array([39.9, 39.9]))
    assert np.isnan(x[0]) and np.isfinite(x[1])


def test_to_wgs84_dispatch():
    lon, lat = 116.40324350604497, 39.91040339728811
    assert crs.to_wgs84(lon, lat, "gcj02") == pytest.approx((116.397, 39.909), abs=1e-9)
    assert crs.to_wgs84(lon, lat, "GCJ-02") == crs.to_wgs84(lon, lat, "gcj02")
    assert crs.to_wgs84(lon, lat, "wgs84") == (lon, lat)
    assert crs.to_wgs84(lon, lat, "cgcs2000") == (lon, lat)
    bx, by = crs.wgs84_to_bd09(116.397, 39.909)
    assert crs.to_wgs84(bx, by, "bd09") == pytest.approx((116.397, 39.909), abs=1e-9)


def test_to_wgs84_unknown_system():
    with pytest.raises(CRSError) as info:
        crs.to_wgs84(116.4, 39.9, "mars")
    msg = str(info.value)
    for name in ("wgs84", "cgcs2000", "gcj02", "bd09"):
        assert name in msg


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (117.0, 39.0, 4548),  # CM 117E
        (116.4, 39.9, 4548),
        (118.6, 32.0, 4549),  # nearest CM 120E
        (75.0, 39.5, 4534),
        (73.2, 39.0, 4534),  # clamps to the first zone
        (135.5, 48.0, 4554),
        (121.47, 31.23, 4549),
        (24.94, 60.17, 32635),  # Helsinki, UTM 35N
        (-43.2, -22.9, 32723),  # Rio, UTM 23S
        (139.69, 35.68, 32654),  # Tokyo is outside the China box
    ],
)
def test_local_metric_crs(lon, lat, epsg):
    got = crs.local_metric_crs(lon, lat)
    assert got.to_epsg() == epsg
    assert got.is_projected
    assert got.axis_info[0].unit_name == "metre"


def test_local_metric_crs_central_meridian_matches():
    c = crs.local_metric_crs(117.0, 39.0)
    assert "117E" in c.name


def test_local_metric_crs_bad_input():
    with pytest.raises(CRSError):
        crs.local_metric_crs(400.0, 39.0)
    with pytest.raises(CRSError):
        crs.local_metric_crs(float("nan"), 39.0)


def test_local_metric_crs_for_projected_gdf():
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame(geometry=[Point(116.3, 39.8), Point(116.5, 40.0)], crs=4326).to_crs(3857)
    assert crs.local_metric_crs_for(gdf).to_epsg() == 4548
    with pytest.raises(CRSError):
        crs.local_metric_crs_for(gpd.GeoDataFrame(geometry=[Point(0, 0)]))
    with pytest.raises(InputError):
        crs.local_metric_crs_for(gpd.GeoDataFrame(geometry=[], crs=4326))


def test_looks_like_lonlat_swapped():
    lon = np.array([116.4, 39.9, 10.0, np.nan, 2.35])
    lat = np.array([39.9, 116.4, 95.0, 39.9, 48.86])
    mask = crs.looks_like_lonlat_swapped(lon, lat)
    assert mask.tolist() == [False, True, True, False, False]
    # without the China assumption only impossible latitudes are flagged
    assert crs.looks_like_lonlat_swapped(39.9, 116.4, china=False)
    assert not crs.looks_like_lonlat_swapped(39.9, 80.0, china=False)

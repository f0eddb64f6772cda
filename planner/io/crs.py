"""Coordinate systems: Chinese web-map offsets and local metric projections.

Chinese web maps publish coordinates in obfuscated systems: GCJ-02 (Amap,
Tencent; "火星坐标") and BD-09 (Baidu).  The forward transforms are public
formulas; their inverses have no closed form, so they are solved here by
fixed-point iteration to better than 1e-9 degrees (sub-millimetre).

All transforms are vectorised: they accept scalars or array-likes and return
the same shape (floats for scalar input).  NaN propagates.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj

from planner._errors import CRSError
from planner.io.problems import arg_params, problem, problem_of, warn_problem
from planner.schema import COORD_SYSTEMS

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import ArrayLike

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "layer_to_wgs84",
    "local_metric_crs",
    "local_metric_crs_for",
    "looks_like_lonlat_swapped",
    "out_of_china",
    "set_layer_crs",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

# rough box outside which GCJ-02 applies no shift
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

_TOL = 1e-10  # degrees; convergence target of the iterative inverses
_MAX_ITER = 50


def _prepare(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray, bool]:
    """Broadcast to float arrays; remember whether the input was scalar."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    scalar = x.ndim == 0 and y.ndim == 0
    x, y = np.broadcast_arrays(x, y)
    return np.array(x, dtype=float), np.array(y, dtype=float), scalar


def _finish(x: np.ndarray, y: np.ndarray, scalar: bool):
    if scalar:
        return float(x), float(y)
    return x, y


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """Mask of points outside the rough box where GCJ-02 applies.

    Parameters
    ----------
    lon, lat : array_like
        Longitude and latitude in degrees.

    Returns
    -------
    numpy.ndarray of bool
        True where the point is outside China's box (or NaN).
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    inside = (x >= _CHINA_LON[0]) & (x <= _CHINA_LON[1]) & (y >= _CHINA_LAT[0]) & (y <= _CHINA_LAT[1])
    return ~inside


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS-84 position (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def _gcj_forward_raw(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def _bd_forward_raw(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_inverse_approx(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(forward, tlon: np.ndarray, tlat: np.ndarray, glon: np.ndarray, glat: np.ndarray):
    """Solve forward(p) = target by fixed-point iteration p <- p - (forward(p) - target).

    The Jacobian of both transforms is the identity to within ~1e-5, so the
    iteration contracts by that factor per step and converges in a few steps.
    """
    x, y = glon.copy(), glat.copy()
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        ex, ey = fx - tlon, fy - tlat
        x -= ex
        y -= ey
        err = np.fmax(np.abs(ex), np.abs(ey))
        if not np.any(err > _TOL):  # NaNs compare False and stop nothing
            break
    return x, y


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike):
    """Convert WGS-84 to GCJ-02 (Amap/Tencent) coordinates.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02, same shape as the input.  Points outside
        China's box are returned unchanged.
    """
    x, y, scalar = _prepare(lon, lat)
    inside = ~out_of_china(x, y)
    if inside.any():
        gx, gy = _gcj_forward_raw(x[inside], y[inside])
        x[inside], y[inside] = gx, gy
    return _finish(x, y, scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike):
    """Convert GCJ-02 (Amap/Tencent) to WGS-84 coordinates (iterative, exact inverse).

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84 such that ``wgs84_to_gcj02`` of it reproduces
        the input to better than 1e-9 degrees.  Points outside China's box are
        returned unchanged.
    """
    x, y, scalar = _prepare(lon, lat)
    inside = ~out_of_china(x, y)
    if inside.any():
        tx, ty = x[inside], y[inside]
        dx, dy = _gcj_delta(tx, ty)
        wx, wy = _invert(_gcj_forward_raw, tx, ty, tx - dx, ty - dy)
        x[inside], y[inside] = wx, wy
    return _finish(x, y, scalar)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike):
    """Convert GCJ-02 to BD-09 (Baidu) coordinates.

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09, same shape as the input.
    """
    x, y, scalar = _prepare(lon, lat)
    bx, by = _bd_forward_raw(x, y)
    return _finish(bx, by, scalar)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike):
    """Convert BD-09 (Baidu) to GCJ-02 coordinates (iterative, exact inverse).

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02 such that ``gcj02_to_bd09`` of it reproduces
        the input to better than 1e-9 degrees.
    """
    x, y, scalar = _prepare(lon, lat)
    gx, gy = _bd_inverse_approx(x, y)
    gx, gy = _invert(_bd_forward_raw, x, y, gx, gy)
    return _finish(gx, gy, scalar)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike):
    """Convert WGS-84 to BD-09 (Baidu) coordinates (via GCJ-02).

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09, same shape as the input.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike):
    """Convert BD-09 (Baidu) to WGS-84 coordinates (via GCJ-02, iterative).

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84, same shape as the input.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, system: str):
    """Convert longitude/latitude from a named coordinate system to WGS-84.

    Parameters
    ----------
    lon, lat : float or array_like
        Coordinates in degrees.
    system : str
        One of :data:`planner.schema.COORD_SYSTEMS`: ``'wgs84'``,
        ``'cgcs2000'`` (treated as WGS-84; they differ by centimetres),
        ``'gcj02'`` (Amap, Tencent) or ``'bd09'`` (Baidu).  Case and
        hyphens are ignored (``'GCJ-02'`` works).

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84, same shape as the input.

    Raises
    ------
    CRSError
        If ``system`` is not recognised.
    """
    key = normalise_coord_system(system)
    if key in ("wgs84", "cgcs2000"):
        x, y, scalar = _prepare(lon, lat)
        return _finish(x, y, scalar)
    if key == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    return bd09_to_wgs84(lon, lat)


def normalise_coord_system(system: str) -> str:
    """Return the canonical key of a coordinate-system name, or raise CRSError.

    Parameters
    ----------
    system : str
        A name such as ``'GCJ-02'``, ``'bd09'``, ``'WGS84'``.

    Returns
    -------
    str
        One of :data:`planner.schema.COORD_SYSTEMS`.
    """
    key = str(system).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    if key not in COORD_SYSTEMS:
        raise problem_of(CRSError, "unknown_coord_system", None, (), system=system,
                      systems=", ".join(repr(s) for s in COORD_SYSTEMS))
    return key


def local_metric_crs(lon: float, lat: float) -> pyproj.CRS:
    """Pick a metric projected CRS suited to a study area centred at (lon, lat).

    Parameters
    ----------
    lon, lat : float
        Centre of the study area in degrees (WGS-84 / CGCS2000).

    Returns
    -------
    pyproj.CRS
        Inside China (lon 73–136, lat 3–54) the CGCS2000 3-degree
        Gauss–Krüger zone with the nearest central meridian (EPSG:4534 for
        75°E ... EPSG:4554 for 135°E, no false-easting zone prefix);
        elsewhere the WGS-84 UTM zone (EPSG:326xx north, 327xx south).

    Raises
    ------
    CRSError
        If the coordinates are not finite or out of range.
    """
    lon = float(lon)
    lat = float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        raise problem_of(CRSError, "crs_bad_centre", None, (), lon=lon, lat=lat)
    if 73.0 <= lon <= 136.0 and 3.0 <= lat <= 54.0:
        cm = min(max(round(lon / 3.0) * 3, 75), 135)
        return pyproj.CRS.from_epsg(4534 + (cm - 75) // 3)
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def local_metric_crs_for(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """Pick a metric CRS for a GeoDataFrame (see :func:`local_metric_crs`).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Data in any CRS; the centre of its total bounds in EPSG:4326 is used.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    CRSError
        If the frame has no CRS.
    InputError
        If it has no non-empty geometry.
    """
    if gdf.crs is None:
        raise problem_of(CRSError, "layer_no_crs")
    geo = gdf.geometry
    geo = geo[geo.notna() & ~geo.is_empty]
    if len(geo) == 0:
        raise problem("no_geometry_to_centre")
    minx, miny, maxx, maxy = geo.to_crs(4326).total_bounds
    return local_metric_crs((minx + maxx) / 2.0, (miny + maxy) / 2.0)


def looks_like_lonlat_swapped(lon: ArrayLike, lat: ArrayLike, *, china: bool = True) -> np.ndarray:
    """Flag points whose longitude and latitude look swapped.

    Parameters
    ----------
    lon, lat : array_like
        Values given as longitude and latitude (degrees).
    china : bool, default True
        Data are expected in China: also flag lon in 3–54 with lat in 73–136,
        i.e. a Chinese latitude in the longitude column and vice versa.

    Returns
    -------
    numpy.ndarray of bool
        True where the pair looks swapped (NaN gives False).
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):
        mask = (np.abs(y) > 90.0) & (np.abs(x) <= 90.0)
        if china:
            mask |= (x >= 3.0) & (x <= 54.0) & (y >= 73.0) & (y <= 136.0)
    return mask


# --------------------------------------------------------------------------
# the coordinate system of a layer being read


def set_layer_crs(gdf: gpd.GeoDataFrame, crs: Any, name: str) -> gpd.GeoDataFrame:
    """Attach or override the CRS of a layer read from file ``name``, or raise CRSError when it has none.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer as read.
    crs : Any
        The CRS the user gave (``None``: keep the file's).
    name : str
        The file's name, for messages.
    """
    import geopandas as gpd

    if crs is not None:
        try:
            given = gpd.GeoSeries([], crs=crs).crs
        except Exception as exc:
            raise problem_of(CRSError, "crs_invalid", name, (), crs=crs, **arg_params(crs=crs)) from exc
        if gdf.crs is not None and not gdf.crs.equals(given):
            warn_problem("crs_overridden", name, file_crs=gdf.crs.to_string(), crs=crs, **arg_params(crs=crs))
        return gdf.set_crs(given, allow_override=True)
    if gdf.crs is None:
        raise problem_of(CRSError, "crs_missing", name, (), **arg_params(crs="EPSG:4490"))
    return gdf


def layer_to_wgs84(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """The layer in EPSG:4326 (CGCS2000 is relabelled: they differ by centimetres).

    Raises
    ------
    CRSError
        Degrees that are metres in fact, or a CRS that cannot be converted.
    """
    src = gdf.crs
    if src.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if (np.all(np.isfinite([minx, miny, maxx, maxy])) and max(abs(minx), abs(maxx)) <= 90.0
                and 90.5 < max(abs(miny), abs(maxy)) <= 180.0):
            raise problem_of(CRSError, "axes_swapped", name, (), minx=minx, miny=miny, maxx=maxx, maxy=maxy,
                             crs=src.to_string())
        if np.all(np.isfinite([minx, miny, maxx, maxy])) and (
            max(abs(minx), abs(maxx)) > 180.5 or max(abs(miny), abs(maxy)) > 90.5
        ):
            raise problem_of(CRSError, "crs_looks_projected", name, (), minx=minx, miny=miny, maxx=maxx,
                             maxy=maxy, crs=src.to_string(), **arg_params(crs="EPSG:4548"))
    if src.to_epsg() in (4326, 4490):
        return gdf.set_crs(4326, allow_override=True)
    try:
        return gdf.to_crs(4326)
    except Exception as exc:
        raise problem_of(CRSError, "crs_convert_failed", name, (), crs=src.to_string(), detail=str(exc),
                         **arg_params(crs="EPSG:...")) from exc

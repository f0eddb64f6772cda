"""Longitude/latitude in the app: typed or clicked positions, coordinate systems, the study area.

Planners paste positions from Amap/Tencent (GCJ-02) or Baidu (BD-09); these
helpers convert them to WGS-84 and back, and say whether a point is near the
county at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np

from planner._errors import InputError
from planner._util import reproject
from planner.io.crs import normalise_coord_system, to_wgs84, wgs84_to_bd09, wgs84_to_gcj02

if TYPE_CHECKING:
    from planner.engine import Model

__all__ = ["facility_lonlat", "in_study_area", "lonlat_as", "lonlat_in"]


def lonlat_in(lon: float, lat: float, coord_system: str) -> tuple[float, float]:
    """WGS-84 lon/lat of a position given in ``coord_system``, checked for range.

    Parameters
    ----------
    lon, lat : float
        The position as typed or clicked.
    coord_system : str
        ``wgs84`` (or empty), ``gcj02``, ``bd09`` or another system
        :func:`planner.io.crs.to_wgs84` knows.

    Raises
    ------
    InputError
        The numbers are not a longitude/latitude (out of range, or swapped).
    CRSError
        Unknown coordinate system.
    """
    lon, lat = float(lon), float(lat)
    if not (np.isfinite([lon, lat]).all() and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputError(f"({lon}, {lat}) is not a longitude/latitude",
                         hint="longitude -180…180, latitude -90…90 (swapped?)", code="app_not_lonlat",
                         params={"lon": lon, "lat": lat})
    if coord_system in (None, "", "wgs84"):
        return lon, lat
    x, y = to_wgs84(lon, lat, coord_system)
    return float(x), float(y)


def in_study_area(model: Model, lon: float, lat: float, *, margin_m: float = 2000.0) -> bool:
    """Whether a WGS-84 point lies within ``margin_m`` of the study area's units.

    Parameters
    ----------
    model : Model
        Its network projects the point; its units (metric CRS) bound the area.
    lon, lat : float
        The point (WGS-84).
    margin_m : float, default 2000
        Metres around the units' bounding box still counted as inside.
    """
    return model.in_study_area(lon, lat, margin_m=margin_m)


def facility_lonlat(model: Model, facility_id: str, coord_system: str = "wgs84") -> tuple[float, float]:
    """A facility's position as longitude/latitude in ``coord_system`` (WGS-84, GCJ-02, BD-09...).

    Parameters
    ----------
    model : Model
        The model holding the facility.
    facility_id : str
        The facility.
    coord_system : str, default 'wgs84'
        The system to express the position in (see :func:`lonlat_as`).

    Raises
    ------
    InputError
        There is no such facility.
    """
    fac = model.facilities
    row = fac.loc[fac["facility_id"].astype(str) == str(facility_id)]
    if not len(row):
        raise InputError(f"there is no facility {facility_id!r}", code="app_no_such_facility",
                         params={"facility_id": facility_id})
    pt = reproject(gpd.GeoSeries([row.geometry.iloc[0]], crs=fac.crs), "EPSG:4326").iloc[0]
    return lonlat_as(pt.x, pt.y, coord_system)


def lonlat_as(lon: float, lat: float, coord_system: str = "wgs84") -> tuple[float, float]:
    """A WGS-84 position expressed in ``coord_system`` (GCJ-02, BD-09; others unchanged).

    Parameters
    ----------
    lon, lat : float
        The position (WGS-84).
    coord_system : str, default 'wgs84'
        ``gcj02`` (Amap, Tencent) or ``bd09`` (Baidu) convert; any other system
        returns the WGS-84 numbers (CGCS2000 differs from WGS-84 by centimetres).
    """
    key = normalise_coord_system(coord_system)
    if key == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    elif key == "bd09":
        lon, lat = wgs84_to_bd09(lon, lat)
    return float(lon), float(lat)

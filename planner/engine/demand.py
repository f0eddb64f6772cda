"""Demand points: where each unit's (elderly) population lives.

A unit's population is spread over points inside it: residential buildings
when given (weighted by their population, households, floor area or footprint),
otherwise points every ``spacing`` metres along the walkable streets inside the
unit (so population follows street length).  A unit with no street inside gets
one point at its representative point, snapped to the nearest street and
flagged.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.engine.network import WalkNetwork

DEFAULT_SPACING = 60.0  # metres between demand points along streets
BUILDING_WEIGHT_COLUMNS = ("population", "pop", "households", "floor_area", "人口", "户数")


def demand_points(units: gpd.GeoDataFrame, net: WalkNetwork, *, spacing: float = DEFAULT_SPACING,
                  buildings: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Spread each unit's population over points inside it.

    Parameters
    ----------
    units : GeoDataFrame
        Units in the network CRS with ``population`` and ``pop60`` columns,
        indexed 0..n-1.
    net : WalkNetwork
    spacing : float
        Metres between street demand points.
    buildings : GeoDataFrame, optional
        Residential buildings (points or polygons, any CRS); their weight is
        the first of :data:`BUILDING_WEIGHT_COLUMNS` present, else footprint
        area (polygons) or 1 (points).

    Returns
    -------
    GeoDataFrame
        Columns ``unit`` (position of the unit), ``w60`` (60+ persons),
        ``wpop`` (persons), ``source`` ('building', 'street' or 'centroid'),
        point geometry in the network CRS; the weights of a unit sum to its
        population figures.
    """
    parts: list[pd.DataFrame] = []
    covered = np.zeros(len(units), dtype=bool)
    if buildings is not None and len(buildings):
        b = _building_points(units, buildings.to_crs(net.crs))
        if len(b):
            parts.append(b)
            covered[np.unique(b["unit"].to_numpy())] = True
    s = _street_points(units, net, spacing)
    if len(s):
        s = s[~covered[s["unit"].to_numpy()]]
        parts.append(s)
        covered[np.unique(s["unit"].to_numpy())] = True
    missing = np.nonzero(~covered)[0]
    if missing.size:
        rep = shapely.point_on_surface(units.geometry.values[missing])
        parts.append(pd.DataFrame({"unit": missing, "raw": 1.0, "source": "centroid",
                                   "x": shapely.get_x(rep), "y": shapely.get_y(rep)}))
    df = pd.concat(parts, ignore_index=True)
    total = df.groupby("unit")["raw"].transform("sum").to_numpy()
    share = df["raw"].to_numpy() / total
    unit = df["unit"].to_numpy()
    pop60 = units["pop60"].to_numpy(float)[unit]
    pop = units["population"].to_numpy(float)[unit]
    out = gpd.GeoDataFrame(
        {"unit": unit.astype(np.int64), "w60": share * pop60, "wpop": share * pop,
         "source": df["source"].to_numpy()},
        geometry=shapely.points(df["x"].to_numpy(), df["y"].to_numpy()), crs=net.crs,
    )
    return out


def _street_points(units: gpd.GeoDataFrame, net: WalkNetwork, spacing: float) -> pd.DataFrame:
    geoms = units.geometry.values
    unit_idx, seg_idx = net.tree.query(geoms, predicate="intersects")
    if unit_idx.size == 0:
        return pd.DataFrame(columns=["unit", "raw", "source", "x", "y"])
    pieces = shapely.intersection(net.segments[seg_idx], geoms[unit_idx])
    # a piece may be a MultiLineString where a segment leaves and re-enters the unit
    parts, which = shapely.get_parts(pieces, return_index=True)
    parts_len = shapely.length(parts)
    ok = (shapely.get_type_id(parts) == 1) & (parts_len > 0)
    parts, which, parts_len = parts[ok], which[ok], parts_len[ok]
    owner = unit_idx[which]
    n = np.maximum(np.ceil(parts_len / spacing).astype(np.int64), 1)
    rep = np.repeat(np.arange(parts.size), n)
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    frac = (k + 0.5) / n[rep]
    pts = shapely.line_interpolate_point(parts[rep], frac, normalized=True)
    return pd.DataFrame({"unit": owner[rep], "raw": (parts_len / n)[rep], "source": "street",
                         "x": shapely.get_x(pts), "y": shapely.get_y(pts)})


def _building_points(units: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    geoms = buildings.geometry.values
    pts = shapely.point_on_surface(geoms)
    weight = None
    for col in BUILDING_WEIGHT_COLUMNS:
        if col in buildings.columns:
            weight = pd.to_numeric(buildings[col], errors="coerce").fillna(0).to_numpy(float)
            break
    if weight is None:
        area = shapely.area(geoms)
        weight = np.where(area > 0, area, 1.0)
    b_idx, u_idx = shapely.STRtree(units.geometry.values).query(pts, predicate="within")
    first = np.unique(b_idx, return_index=True)[1]
    b_idx, u_idx = b_idx[first], u_idx[first]
    w = weight[b_idx]
    ok = w > 0
    return pd.DataFrame({"unit": u_idx[ok], "raw": w[ok], "source": "building",
                         "x": shapely.get_x(pts[b_idx][ok]), "y": shapely.get_y(pts[b_idx][ok])})

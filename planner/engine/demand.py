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
from planner.settings import DEFAULT_SPACING
from planner.text.vocabulary import BUILDING_WEIGHT_COLUMNS

__all__ = ["BUILDING_WEIGHT_COLUMNS", "DEFAULT_SPACING", "demand_points"]


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
    return demand_on_streets(units, net, spacing=spacing, buildings=buildings)[0]


def demand_on_streets(units: gpd.GeoDataFrame, net: WalkNetwork, *, spacing: float = DEFAULT_SPACING,
                      buildings: gpd.GeoDataFrame | None = None) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """:func:`demand_points`, plus the segment each street point lies on and its position along it.

    Street points are made on their segment, so they need no nearest-segment
    search to be snapped (the slow part of building a model).

    Parameters
    ----------
    units, net, spacing, buildings
        As in :func:`demand_points`.

    Returns
    -------
    demand : GeoDataFrame
        As :func:`demand_points` returns it.
    edge : ndarray of int64
        Segment of each street point; -1 for building and centroid points.
    along : ndarray
        Metres from the segment's ``u`` end (``nan`` where ``edge`` is -1).
    """
    parts: list[pd.DataFrame] = []
    covered = np.zeros(len(units), dtype=bool)
    if buildings is not None and len(buildings):
        b = _building_points(units, buildings.to_crs(net.crs))
        if len(b):
            parts.append(b)
            covered[np.unique(b["unit"].to_numpy())] = True
    # street points only where no building placed the population (they would be dropped anyway)
    s = _street_points(units, net, spacing, np.nonzero(~covered)[0])
    if len(s):
        parts.append(s)
        covered[np.unique(s["unit"].to_numpy())] = True
    missing = np.nonzero(~covered)[0]
    if missing.size:
        rep = shapely.point_on_surface(units.geometry.values[missing])
        parts.append(pd.DataFrame({"unit": missing, "raw": 1.0, "source": "centroid",
                                   "x": shapely.get_x(rep), "y": shapely.get_y(rep)}))
    df = pd.concat(parts, ignore_index=True)
    edge = df["edge"].to_numpy(float, na_value=-1).astype(np.int64) if "edge" in df else np.full(len(df), -1)
    along = df["along"].to_numpy(float, na_value=np.nan) if "along" in df else np.full(len(df), np.nan)
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
    return out, edge, along


def _street_points(units: gpd.GeoDataFrame, net: WalkNetwork, spacing: float,
                   only: np.ndarray) -> pd.DataFrame:
    """Points every ``spacing`` metres along the stretches of segments inside the units ``only``.

    Segments wholly inside a unit (nearly all) are used as they are; only those
    crossing a unit's edge are cut by it.  Columns ``unit``, ``raw`` (metres of
    street the point stands for), ``source``, ``x``, ``y``, ``edge``, ``along``.
    """
    geoms = units.geometry.values[only]
    unit_idx, seg_idx = net.tree.query(geoms, predicate="intersects")
    if unit_idx.size == 0:
        return pd.DataFrame(columns=["unit", "raw", "source", "x", "y", "edge", "along"])
    unit_of_pair = only[unit_idx]
    shapely.prepare(geoms)
    whole = shapely.contains_properly(geoms[unit_idx], net.segments[seg_idx])
    # the stretch of each pair as its two ends: the segment itself, or its pieces inside the unit
    cut = np.nonzero(~whole)[0]
    pieces = shapely.intersection(net.segments[seg_idx[cut]], geoms[unit_idx[cut]])
    # a piece may be a MultiLineString where a segment leaves and re-enters the unit
    parts, which = shapely.get_parts(pieces, return_index=True)
    ok = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 0)
    parts, which = parts[ok], cut[which[ok]]
    ends = shapely.get_coordinates(shapely.boundary(parts)).reshape(-1, 2, 2)
    keep = np.nonzero(whole)[0]
    pair = np.concatenate([keep, which])
    u, v = net.u[seg_idx[keep]], net.v[seg_idx[keep]]
    x0 = np.concatenate([net.x[u], ends[:, 0, 0]])
    y0 = np.concatenate([net.y[u], ends[:, 0, 1]])
    x1 = np.concatenate([net.x[v], ends[:, 1, 0]])
    y1 = np.concatenate([net.y[v], ends[:, 1, 1]])
    order = np.argsort(pair, kind="stable")  # the pairs' order, as the index query gave them
    pair, x0, y0, x1, y1 = pair[order], x0[order], y0[order], x1[order], y1[order]
    parts_len = np.hypot(x1 - x0, y1 - y0)
    good = parts_len > 0
    pair, x0, y0, x1, y1, parts_len = pair[good], x0[good], y0[good], x1[good], y1[good], parts_len[good]
    owner = unit_of_pair[pair]
    seg = seg_idx[pair]
    n = np.maximum(np.ceil(parts_len / spacing).astype(np.int64), 1)
    rep = np.repeat(np.arange(pair.size), n)
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    frac = (k + 0.5) / n[rep]
    x = x0[rep] + (x1 - x0)[rep] * frac
    y = y0[rep] + (y1 - y0)[rep] * frac
    e = seg[rep]
    su = net.u[e]
    along = np.clip(np.hypot(x - net.x[su], y - net.y[su]), 0.0, net.length[e])
    return pd.DataFrame({"unit": owner[rep], "raw": (parts_len / n)[rep], "source": "street",
                         "x": x, "y": y, "edge": e, "along": along})


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

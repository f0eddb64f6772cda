"""Suggestions from weighted demand points alone, without boundaries.

The model scores coverage per unit (community, village).  With demand points
but no boundaries there are no units, so the study area is made from the
demand itself: the convex hull of the points plus a buffer, treated as **one
unit** whose 60+ population is the sum of the demand weights, placed on the
points themselves (not spread along streets).  Suggestions then maximise the
covered demand weight (or minimise walks: p-median, p-center) exactly as with
boundaries and ``--demand``; only the profile's population targets are scored
(share of the demand within the walk), since targets that count villages or
communities mean nothing for one synthetic area.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError
from planner.engine.model import build_model
from planner.engine.network import WalkNetwork
from planner.schema import FACILITY_COLUMNS
from planner.siting.suggest import Suggestion, suggest_sites
from planner.text import tr

__all__ = ["DEMAND_AREA_BUFFER", "demand_area", "empty_facilities", "suggest_for_demand"]

DEMAND_AREA_BUFFER = 500.0
"""Metres added around the demand points' convex hull: where candidate sites may be generated."""


def _weights(demand: gpd.GeoDataFrame) -> np.ndarray:
    if "weight" not in demand.columns:
        raise InputError("demand points need a weight column", code="demand_no_weight",
                         hint="CSV: id, longitude, latitude, weight")
    w = pd.to_numeric(demand["weight"], errors="coerce").fillna(0).to_numpy(float)
    if not (w > 0).any():
        raise InputError("every demand weight is zero or blank", code="demand_no_weight",
                         hint="give each demand point its number of people (weight)")
    return w


def demand_area(demand: gpd.GeoDataFrame, *, buffer_m: float = DEMAND_AREA_BUFFER,
                lang: str = "zh") -> gpd.GeoDataFrame:
    """The study area of demand points as one unit: their convex hull plus ``buffer_m``.

    Parameters
    ----------
    demand : GeoDataFrame
        Points with a ``weight`` column (people), any CRS.
    buffer_m : float
        Metres around the hull.
    lang : str
        Language of the area's name.

    Returns
    -------
    GeoDataFrame
        One row in EPSG:4326 with the boundary columns: ``code`` (blank),
        ``name``, ``kind`` ``community``, ``street`` (blank), ``population`` and
        ``pop60`` both the sum of the weights.

    Examples
    --------
    >>> pts = gpd.GeoDataFrame({"weight": [10.0, 30.0]},
    ...     geometry=gpd.points_from_xy([117.0, 117.01], [29.0, 29.0]), crs=4326)
    >>> area = demand_area(pts, buffer_m=100, lang="en")
    >>> area[["name", "pop60"]].values.tolist(), bool(area.geometry.iloc[0].covers(pts.union_all()))
    ([['area of the demand points', 40.0]], True)
    """
    from planner.io.crs import local_metric_crs_for

    if len(demand) == 0:
        raise InputError("no demand points", code="demand_empty", hint="give at least one point")
    total = float(_weights(demand).sum())
    metric = local_metric_crs_for(demand)
    pts = demand.to_crs(metric).geometry.values
    hull = shapely.convex_hull(shapely.multipoints(shapely.get_coordinates(pts)))
    shape = shapely.buffer(hull, max(float(buffer_m), 1.0))
    return gpd.GeoDataFrame(
        {"code": [""], "name": [tr("siting.demand_area", lang)], "kind": ["community"], "street": [""],
         "population": [total], "pop60": [total]},
        geometry=[shape], crs=metric,
    ).to_crs("EPSG:4326")


def empty_facilities() -> gpd.GeoDataFrame:
    """A facilities layer with no rows (demand-only suggestions with no existing sites)."""
    return gpd.GeoDataFrame({c: pd.Series(dtype=float if c in ("capacity", "nursing_beds") else object)
                             for c in FACILITY_COLUMNS}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))


def suggest_for_demand(
    demand: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame | None,
    network: WalkNetwork,
    facility_type: str,
    *,
    area: gpd.GeoDataFrame | None = None,
    profile: Any = "national",
    speed: float | None = None,
    **options: Any,
) -> Suggestion:
    """Suggest sites for weighted demand points alone (no boundaries).

    Parameters
    ----------
    demand : GeoDataFrame
        Points with a ``weight`` column (e.g. from
        :func:`planner.io.points.read_points`).
    facilities : GeoDataFrame or None
        Existing (and planned, candidate) facilities; None for none.
    network : WalkNetwork
    facility_type : str
    area : GeoDataFrame, optional
        The study area (default :func:`demand_area` of the points).
    profile, speed
        As in :func:`planner.engine.model.build_model`.
    **options
        Passed to :func:`planner.siting.suggest.suggest_sites` (``count``,
        ``target``, ``minutes``, ``candidates``, ``objective``, ...).  The
        objective is the demand weight (``units`` is refused: there are no
        units).

    Returns
    -------
    Suggestion
        ``targets`` holds the profile's population targets only, scored over
        the demand points.
    """
    weights = _weights(demand)
    if options.get("objective") == "units":
        raise InputError("the units objective needs boundaries", code="demand_units_objective",
                         hint="use the population objective (the default with --demand)")
    units = area if area is not None else demand_area(demand)
    # the people sit on the demand points: the model's demand is the points themselves
    homes = gpd.GeoDataFrame({"population": weights}, geometry=demand.geometry.values, crs=demand.crs)
    fac = facilities if facilities is not None else empty_facilities()
    model = build_model(units, fac, network, profile=profile, speed=speed, buildings=homes)
    result = suggest_sites(model, facility_type, demand=demand, **options)
    t = result.targets
    keep = [tid for tid in t["target_id"]
            if next(x for x in model.profile.targets if x.id == tid).measure == "population"]
    return dataclasses.replace(result, targets=t[t["target_id"].isin(keep)].reset_index(drop=True))

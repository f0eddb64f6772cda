"""Candidate sites: the given points, the model's own candidates, or generated ones; and their reach.

Generated candidates are network nodes in the gap areas (reachable from
demand not yet within the walk), thinned to a spacing.  Their coverage of the
demand is one bounded search each (:func:`candidate_coverage`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from planner._errors import InputError
from planner.engine.model import Model, unit_of
from planner.engine.reach import reach_matrix
from planner.engine.travel import Snapped, nearest_sites, to_metres
from planner.io.problems import problem_of
from planner.schema import FACILITY_TYPES, STATUS_ALIASES
from planner.text import tr, type_label

MAX_GENERATED = 2000  # generated candidates are thinned until at most this many remain
# the status words that mark a given point as a candidate (any language)
_CANDIDATE_WORDS = tuple(k for k, v in STATUS_ALIASES.items() if v == "candidate")


def candidate_coverage(model: Model, candidates: Snapped, minutes: float, *,
                       demand: Snapped | None = None) -> sp.csr_matrix:
    """Walking metres from each candidate to the demand points within ``minutes``.

    One bounded search per candidate (walk limited to ``minutes`` at the
    model's speed), see :func:`planner.engine.reach.reach_matrix`.

    Parameters
    ----------
    model : Model
        Anything with the model's ``network``, ``demand_snap`` and ``speed``.
    candidates : Snapped
        Candidate sites snapped onto the model's network.
    minutes : float
        Catchment (walking minutes).
    demand : Snapped, optional
        Demand points (default the model's).

    Returns
    -------
    scipy.sparse.csr_matrix
        Candidates × demand points; explicit entries (metres, zero kept) where
        the point is within the walk.
    """
    pts = model.demand_snap if demand is None else demand
    return reach_matrix(model.network, candidates, pts, float(to_metres(minutes, model.speed)))


def generate_candidates(model: Model, facility_type: str, *, minutes: float | None = None,
                        spacing: float | None = None, covered: np.ndarray | None = None,
                        max_candidates: int = MAX_GENERATED) -> gpd.GeoDataFrame:
    """Candidate sites at network nodes in the gap areas, thinned to a spacing.

    A node qualifies when some demand point not yet within the walk of a
    facility of the type can reach it within ``minutes``, and it lies inside
    a unit.  One node per grid cell of ``spacing`` metres is kept (the one
    nearest the cell's qualifying nodes' centre); the spacing doubles until at
    most ``max_candidates`` remain.

    Parameters
    ----------
    model : Model
    facility_type : str
    minutes : float, optional
        Catchment (default the profile's for the type).
    spacing : float, optional
        Metres between candidates (default a third of the catchment's walk,
        at least 100 m).
    covered : ndarray of bool, optional
        Demand points already covered (default: by the type's active
        facilities within ``minutes``).
    max_candidates : int
        Most candidates kept (the spacing doubles until no more remain).

    Returns
    -------
    GeoDataFrame
        WGS-84 points with ``candidate_id`` (G0001...), ``name``, ``type``,
        ``capacity`` (NaN), ``source`` ('generated').
    """
    check_type(facility_type)
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    lim = float(to_metres(minutes, model.speed))
    net = model.network
    if covered is None:
        mins, _ = model.demand_minutes(facility_type)
        covered = mins <= minutes
    gap = ~np.asarray(covered, bool) & (model.demand["w60"].to_numpy(float) > 0)
    empty = gpd.GeoDataFrame({"candidate_id": [], "name": [], "type": [], "capacity": [],
                              "source": []}, geometry=[], crs="EPSG:4326")
    if not gap.any():
        return empty
    field_ = nearest_sites(net, model.demand_snap.take(np.nonzero(gap)[0]), limit=lim)
    ok = np.isfinite(field_.dist)
    inside = unit_of(model.units, net.x, net.y) >= 0
    nodes = np.nonzero(ok & inside)[0]
    if nodes.size == 0:
        return empty
    spacing = float(spacing if spacing is not None else max(lim / 3.0, 100.0))
    while True:
        keep = _thin(net.x[nodes], net.y[nodes], spacing)
        if keep.size <= max_candidates:
            break
        spacing *= 2.0
    sel = nodes[keep]
    lon, lat = net.lonlat() if callable(getattr(net, "lonlat", None)) else (net.x, net.y)
    ids = [f"G{m + 1:04d}" for m in range(sel.size)]
    return gpd.GeoDataFrame(
        {"candidate_id": ids, "name": ids, "type": facility_type, "capacity": np.nan,
         "source": "generated"},
        geometry=shapely.points(np.asarray(lon)[sel], np.asarray(lat)[sel]), crs="EPSG:4326")


def _thin(x: np.ndarray, y: np.ndarray, spacing: float) -> np.ndarray:
    """One point per grid cell: the one nearest the centre of the cell's points."""
    cx = np.floor(x / spacing).astype(np.int64)
    cy = np.floor(y / spacing).astype(np.int64)
    cell = pd.factorize(pd.Series(list(zip(cx, cy, strict=True))))[0]
    mx = np.bincount(cell, weights=x) / np.bincount(cell)
    my = np.bincount(cell, weights=y) / np.bincount(cell)
    d = np.hypot(x - mx[cell], y - my[cell])
    order = np.lexsort((d, cell))
    first = np.r_[True, np.diff(cell[order]) != 0]
    return np.sort(order[first])


def check_type(facility_type: str) -> None:
    """Raise :class:`InputError` unless ``facility_type`` is a known facility type."""
    if facility_type not in FACILITY_TYPES:
        raise InputError(f"unknown facility type {facility_type!r}",
                         hint=f"use one of {', '.join(FACILITY_TYPES)}", code="siting_unknown_type",
                         params={"value": facility_type, "types@en": ", ".join(FACILITY_TYPES),
                                 "types@zh": _type_choices("zh")})


def _type_choices(lang: str) -> str:
    """The facility types one may name, listed in ``lang`` (codes, with their names in Chinese)."""
    return tr("io.sep.list", lang).join(tr("siting.type_choice", lang, code=t, name=type_label(t, lang))
                                        for t in FACILITY_TYPES)


_ID_COLUMNS = ("candidate_id", "facility_id", "point_id", "id")


def candidate_points(model: Model, facility_type: str, candidates: gpd.GeoDataFrame | str | None,
                     minutes: float, spacing: float | None,
                     covered: np.ndarray | None) -> tuple[gpd.GeoDataFrame, str]:
    """Candidate points (WGS-84) with ``candidate_id``, ``name``, ``capacity``; and their source.

    Parameters
    ----------
    model : Model
        The model whose ``candidate`` facilities are the default candidates.
    facility_type : str
        Facility type the candidates are for.
    candidates : GeoDataFrame, 'generate' or None
        Given points, ``'generate'``, or None for the model's own candidates
        (generated ones if it has none).
    minutes : float
        Catchment used to generate candidates.
    spacing : float, optional
        Spacing of generated candidates (metres).
    covered : ndarray of bool, optional
        Demand already covered (for generating).

    Returns
    -------
    tuple of (GeoDataFrame, str)
        The points, and their source: ``given``, ``model`` or ``generated``.
    """
    if isinstance(candidates, str):
        if candidates != "generate":
            raise problem_of(InputError, "siting_candidates_arg", None, (), value=candidates)
        return generate_candidates(model, facility_type, minutes=minutes, spacing=spacing,
                                   covered=covered), "generated"
    if candidates is None:
        f = model.facilities
        rows = f[(f["status"] == "candidate") & (f["type"] == facility_type)]
        if len(rows):
            out = rows.rename(columns={"facility_id": "candidate_id"})[
                ["candidate_id", "name", "capacity", "geometry"]].to_crs("EPSG:4326")
            return out.reset_index(drop=True), "model"
        return generate_candidates(model, facility_type, minutes=minutes, spacing=spacing,
                                   covered=covered), "generated"
    g = candidates
    if not isinstance(g, gpd.GeoDataFrame) or g.crs is None:
        raise problem_of(InputError, "siting_candidates_not_layer")
    if not (g.geometry.geom_type == "Point").all():
        raise problem_of(InputError, "siting_candidates_not_points")
    if "type" in g.columns:
        mine = g["type"].astype(str).isin([facility_type, FACILITY_TYPES[facility_type].zh])
        if "status" in g.columns:
            mine &= g["status"].astype(str).isin(_CANDIDATE_WORDS)
        g = g[mine]
    idcol = next((c for c in _ID_COLUMNS if c in g.columns), None)
    ids = (g[idcol].astype(str).to_numpy() if idcol else
           np.array([f"C{m + 1:04d}" for m in range(len(g))], dtype=object))
    if len(set(ids)) != len(ids):
        raise problem_of(InputError, "siting_candidate_ids_duplicate")
    out = gpd.GeoDataFrame({"candidate_id": ids,
                            "name": g["name"].astype(str).to_numpy() if "name" in g.columns else ids,
                            "capacity": pd.to_numeric(g["capacity"], errors="coerce").to_numpy(float)
                            if "capacity" in g.columns else np.nan},
                           geometry=g.geometry.values, crs=g.crs).to_crs("EPSG:4326")
    return out.reset_index(drop=True), "given"


__all__ = ["MAX_GENERATED", "candidate_coverage", "candidate_points", "check_type", "generate_candidates"]

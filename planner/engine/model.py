"""The analysis model: inputs snapped onto the network, and walking distances.

:class:`Model` is immutable.  Edits (add, move, remove a facility) return a
new model that shares every unchanged array with the old one; adding a
facility costs one bounded search from the new site (see
:func:`planner.engine.travel.add_site`), not a full recompute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError
from planner.engine.demand import DEFAULT_SPACING, demand_on_streets
from planner.engine.network import WalkNetwork
from planner.engine.travel import (
    DEFAULT_MAX_SNAP,
    NearestField,
    Snapped,
    add_site,
    nearest_sites,
    point_distances,
    remove_sites,
    snap_points,
    to_metres,
    to_minutes,
)
from planner.io.profiles import Profile, load_profile
from planner.schema import FACILITY_TYPES
from planner.settings import DEFAULT_SEARCH_MINUTES
from planner.text import tr

__all__ = ["ACTIVE_STATUSES", "DEFAULT_MAX_SNAP", "DEFAULT_SEARCH_MINUTES", "DEFAULT_SPACING", "Model",
           "build_model", "unit_of"]

ACTIVE_STATUSES = ("existing", "planned")


@dataclass(frozen=True, eq=False)
class Model:
    """Units, demand, facilities and per-type walking distances on one network.

    Attributes
    ----------
    network : WalkNetwork
    units : GeoDataFrame
        Communities/villages in the network CRS, index 0..n-1.
    demand : GeoDataFrame
        Demand points (see :func:`planner.engine.demand.demand_points`).
    demand_snap : Snapped
    facilities : GeoDataFrame
        All facilities in the network CRS (any status), index 0..m-1, with a
        ``unit`` column (position of the unit containing it, -1 outside).
    facility_snap : Snapped
        Aligned with ``facilities``.
    fields : dict
        Facility type → :class:`NearestField` over the active facilities of
        that type (status existing or planned); ``source`` holds positions in
        ``facilities``.
    profile : Profile
    speed : float
        Walking speed (m/s).
    limit : float
        Search bound (metres).
    """

    network: WalkNetwork
    units: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    demand_snap: Snapped
    facilities: gpd.GeoDataFrame
    facility_snap: Snapped
    fields: dict[str, NearestField]
    profile: Profile
    speed: float
    limit: float
    active_statuses: tuple[str, ...] = ACTIVE_STATUSES
    warnings: tuple[str, ...] = field(default=())
    # the same warnings as catalogue keys and params, for :meth:`warning_texts` in either language
    # (input warnings come already worded, in the language the caller chose)
    warning_notes: tuple[tuple[str | None, Mapping[str, Any]], ...] = field(default=(), repr=False, compare=False)
    # per-type demand-point distances, computed on first use; edits carry the
    # unchanged types' entries over to the new model
    _demand_cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- queries ------------------------------------------------------------
    @cached_property
    def active(self) -> np.ndarray:
        """Boolean mask of facilities that count toward coverage (read-only)."""
        mask = self.facilities["status"].isin(self.active_statuses).to_numpy()
        mask.flags.writeable = False  # cached: computed once per (immutable) model
        return mask

    def type_mask(self, facility_type: str) -> np.ndarray:
        """Active facilities of one type."""
        return self.active & (self.facilities["type"].to_numpy() == facility_type)

    def demand_distance(self, facility_types) -> tuple[np.ndarray, np.ndarray]:
        """Metres from each demand point to the nearest active facility of any of the types.

        Returns
        -------
        dist : ndarray (``inf`` beyond the search bound)
        facility : ndarray of int (position in ``facilities``, -1 none)
        """
        types = [facility_types] if isinstance(facility_types, str) else list(facility_types)
        if len(types) == 1:
            return self.point_distance(self.demand_snap, types[0])  # already a copy
        best = np.full(len(self.demand_snap), np.inf)
        who = np.full(len(self.demand_snap), -1, np.int64)
        for t in types:
            d, s = self.point_distance(self.demand_snap, t)
            better = d < best
            best[better] = d[better]
            who[better] = s[better]
        return best, who

    def demand_minutes(self, facility_types) -> tuple[np.ndarray, np.ndarray]:
        """Minutes from each demand point to the nearest active facility of the types."""
        d, who = self.demand_distance(facility_types)
        return to_minutes(d, self.speed), who

    def point_distance(self, points: Snapped, facility_type: str) -> tuple[np.ndarray, np.ndarray]:
        """Metres from snapped points to the nearest active facility of one type."""
        if points is self.demand_snap:
            hit = self._demand_cache.get(facility_type)
            if hit is None:
                hit = self._point_distance(points, facility_type)
                self._demand_cache[facility_type] = hit
            return hit[0].copy(), hit[1].copy()
        return self._point_distance(points, facility_type)

    def _point_distance(self, points: Snapped, facility_type: str) -> tuple[np.ndarray, np.ndarray]:
        fld = self.fields.get(facility_type)
        if fld is None:
            return np.full(len(points), np.inf), np.full(len(points), -1, np.int64)
        idx = np.nonzero(self.type_mask(facility_type))[0]
        sites = self.facility_snap.take(idx)
        # the field's sources are global positions; point_distances's same-edge pass needs local ones
        d, s_local = point_distances(self.network, _localise(fld, idx), points, sites)
        s = np.where(s_local >= 0, idx[np.clip(s_local, 0, None)] if idx.size else -1, -1)
        return d, s

    def facilities_inside(self, facility_types) -> np.ndarray:
        """Number of active facilities of the types inside each unit."""
        types = [facility_types] if isinstance(facility_types, str) else list(facility_types)
        mask = self.active & self.facilities["type"].isin(types).to_numpy()
        unit = self.facilities["unit"].to_numpy()[mask]
        unit = unit[unit >= 0]
        return np.bincount(unit, minlength=len(self.units))

    def warning_texts(self, lang: str = "zh") -> list[str]:
        """:attr:`warnings` in ``lang``: the input warnings as given, the model's own worded in ``lang``."""
        if not self.warning_notes:
            return list(self.warnings)
        return [p["text"] if k is None else _note_text(k, p, lang) for k, p in self.warning_notes]

    # -- edits ----------------------------------------------------------------
    def in_study_area(self, lon: float, lat: float, *, margin_m: float = 2000.0) -> bool:
        """Whether a WGS-84 point lies within ``margin_m`` of the units' bounding box.

        A new facility's place must pass (:func:`planner.analysis.scenario.apply_edit`):
        one outside serves nothing yet counts in every target.

        Parameters
        ----------
        lon, lat : float
            The point (WGS-84).
        margin_m : float, default 2000
            Metres around the units' bounding box still counted as inside.
        """
        x, y = self.network.project(np.array([float(lon)]), np.array([float(lat)]))
        x0, y0, x1, y1 = self.units.total_bounds  # the model works in the network's metric CRS
        px, py = float(np.ravel(x)[0]), float(np.ravel(y)[0])
        return bool(x0 - margin_m <= px <= x1 + margin_m and y0 - margin_m <= py <= y1 + margin_m)

    def add_facility(self, facility_type: str, x: float, y: float, *, name: str | None = None,
                     capacity: float = np.nan, status: str = "planned",
                     facility_id: str | None = None, lonlat: bool = True) -> Model:
        """A model with one more facility (one bounded search from the new site).

        Parameters
        ----------
        facility_type : str
            One of :data:`planner.schema.FACILITY_TYPES`.
        x, y : float
            Longitude/latitude (WGS-84) when ``lonlat``, else network metres.
        """
        if facility_type not in FACILITY_TYPES:
            raise InputError(f"unknown facility type {facility_type!r}",
                             hint=f"use one of {', '.join(FACILITY_TYPES)}", code="model_unknown_type",
                             params={"facility_type": str(facility_type), "types": ", ".join(FACILITY_TYPES)})
        xs, ys = (self.network.project(np.array([x]), np.array([y])) if lonlat
                  else (np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))))
        site = snap_points(self.network, xs, ys, max_snap=self.facility_snap.max_snap)
        pos = len(self.facilities)
        fid = facility_id or _new_id(self.facilities["facility_id"], facility_type)
        row: dict[str, object] = {c: None for c in self.facilities.columns if c != "geometry"}
        row.update({"facility_id": fid, "name": name or fid, "type": facility_type,
                    "capacity": capacity, "nursing_beds": np.nan, "status": status,
                    "unit": unit_of(self.units, np.atleast_1d(xs), np.atleast_1d(ys))[0]})
        new = gpd.GeoDataFrame([row], geometry=[shapely.Point(float(np.ravel(xs)[0]), float(np.ravel(ys)[0]))],
                               crs=self.facilities.crs)
        facilities = pd.concat([self.facilities, new], ignore_index=True)
        facilities = gpd.GeoDataFrame(facilities, geometry="geometry", crs=self.facilities.crs)
        snap = Snapped.concat([self.facility_snap, site])
        fields = dict(self.fields)
        if status in self.active_statuses:
            base = fields.get(facility_type, NearestField.empty(self.network.n_nodes, self.limit))
            fields[facility_type] = add_site(self.network, base, site, pos)
        new_model = replace(self, facilities=facilities, facility_snap=snap, fields=fields)
        return self._carry_cache(new_model, changed=facility_type if status in self.active_statuses else None)

    def remove_facility(self, facility_id: str) -> Model:
        """A model without the facility (only the nodes it served are searched again)."""
        pos = self._position(facility_id)
        ftype = self.facilities["type"].iloc[pos]
        was_active = bool(self.active[pos])
        keep = np.ones(len(self.facilities), dtype=bool)
        keep[pos] = False
        fields = dict(self.fields)
        if was_active and ftype in fields:
            fields[ftype] = self._without(fields[ftype], ftype, pos)
        facilities = self.facilities[keep].reset_index(drop=True)
        snap = self.facility_snap.take(keep)
        # positions after the removed one shift down by one
        for t, fld in fields.items():
            src = fld.source.copy()
            src[src > pos] -= 1
            fields[t] = NearestField(fld.dist, src, fld.limit)
        m = replace(self, facilities=facilities, facility_snap=snap, fields=fields)
        return self._carry_cache(m, changed=ftype if was_active else None, removed=pos)

    def move_facility(self, facility_id: str, x: float, y: float, *, lonlat: bool = True) -> Model:
        """A model with the facility at a new place (its old area searched again, then one search)."""
        pos = self._position(facility_id)
        px, py = self.network.project(np.array([x]), np.array([y])) if lonlat else (x, y)
        x, y = float(np.ravel(px)[0]), float(np.ravel(py)[0])
        site = snap_points(self.network, [x], [y], max_snap=self.facility_snap.max_snap)
        ftype = self.facilities["type"].iloc[pos]
        was_active = bool(self.active[pos])
        facilities = self.facilities.copy()
        facilities.loc[pos, "geometry"] = shapely.Point(x, y)
        facilities.loc[pos, "unit"] = unit_of(self.units, np.array([x]), np.array([y]))[0]
        keep = np.arange(len(facilities))
        snap = self.facility_snap.take(keep)
        for k in ("x", "y", "edge", "along", "access", "to_u", "to_v", "far"):
            getattr(snap, k)[pos] = getattr(site, k)[0]
        fields = dict(self.fields)
        if was_active and ftype in fields:
            fields[ftype] = add_site(self.network, self._without(fields[ftype], ftype, pos), site, pos)
        m = replace(self, facilities=facilities, facility_snap=snap, fields=fields)
        return self._carry_cache(m, changed=ftype if was_active else None)

    def with_status(self, facility_id: str, status: str) -> Model:
        """A model with one facility's status changed (e.g. candidate → planned)."""
        pos = self._position(facility_id)
        ftype = self.facilities["type"].iloc[pos]
        was_active = bool(self.active[pos])
        now_active = status in self.active_statuses
        facilities = self.facilities.copy()
        facilities.loc[pos, "status"] = status
        fields = dict(self.fields)
        if was_active and not now_active and ftype in fields:
            fields[ftype] = self._without(fields[ftype], ftype, pos)
        elif now_active and not was_active:
            base = fields.get(ftype, NearestField.empty(self.network.n_nodes, self.limit))
            fields[ftype] = add_site(self.network, base, self.facility_snap.take([pos]), pos)
        m = replace(self, facilities=facilities, fields=fields)
        return self._carry_cache(m, changed=ftype if was_active != now_active else None)

    def _without(self, fld: NearestField, facility_type: str, pos: int) -> NearestField:
        """The type's field without facility ``pos`` (labels unchanged)."""
        idx = np.nonzero(self.type_mask(facility_type))[0]
        idx = idx[idx != pos]
        return remove_sites(self.network, fld, [pos], self.facility_snap.take(idx), idx)

    def _carry_cache(self, new: Model, changed: str | None, removed: int | None = None) -> Model:
        """Hand the demand distances of the unchanged types over to an edited model."""
        for t, (d, s) in self._demand_cache.items():
            if t == changed:
                continue
            if removed is not None:
                s = s.copy()
                s[s > removed] -= 1
            new._demand_cache[t] = (d, s)
        return new

    def _position(self, facility_id: str) -> int:
        hit = np.nonzero(self.facilities["facility_id"].to_numpy() == facility_id)[0]
        if hit.size == 0:
            raise InputError(f"no facility with id {facility_id!r}", code="model_no_facility",
                             params={"facility_id": str(facility_id)})
        return int(hit[0])

    def _recompute(self, facility_type: str) -> Model:
        fields = dict(self.fields)
        fields[facility_type] = _type_field(self.network, self.facility_snap,
                                            self.type_mask(facility_type), self.limit)
        return replace(self, fields=fields)


def _localise(fld: NearestField, idx: np.ndarray) -> NearestField:
    """Field with sources as positions within ``idx`` (the type's active facilities)."""
    if idx.size == 0:
        return fld
    lookup = np.full(max(int(idx.max()) + 1, 1), -1, np.int64)
    lookup[idx] = np.arange(idx.size)
    src = np.where(fld.source >= 0, lookup[np.clip(fld.source, 0, lookup.size - 1)], -1)
    return NearestField(fld.dist, src, fld.limit)


def _type_field(net: WalkNetwork, snap: Snapped, mask: np.ndarray, limit: float) -> NearestField:
    idx = np.nonzero(mask)[0]
    fld = nearest_sites(net, snap.take(idx), limit=limit)
    src = np.where(fld.source >= 0, idx[np.clip(fld.source, 0, None)] if idx.size else -1, -1)
    return NearestField(fld.dist, src.astype(np.int64), fld.limit)


def unit_of(units: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Position of the unit containing each point (-1 outside all units)."""
    pts = shapely.points(np.asarray(x, float), np.asarray(y, float))
    p_idx, u_idx = units.sindex.query(pts, predicate="within")
    out = np.full(pts.shape[0], -1, np.int64)
    order = np.argsort(p_idx, kind="stable")[::-1]  # first unit wins
    out[p_idx[order]] = u_idx[order]
    return out


def _new_id(existing: pd.Series, facility_type: str) -> str:
    prefix = "NEW-" + facility_type.upper().replace("_", "")[:4]
    taken = set(existing.astype(str))
    k = 1
    while f"{prefix}-{k:03d}" in taken:
        k += 1
    return f"{prefix}-{k:03d}"


def build_model(
    units: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: WalkNetwork,
    *,
    profile: Profile | str = "national",
    speed: float | None = None,
    search_minutes: float = DEFAULT_SEARCH_MINUTES,
    max_snap: float = DEFAULT_MAX_SNAP,
    spacing: float = DEFAULT_SPACING,
    buildings: gpd.GeoDataFrame | None = None,
    active_statuses: tuple[str, ...] = ACTIVE_STATUSES,
    input_warnings: tuple[str, ...] | list[str] = (),
) -> Model:
    """Snap units' demand and the facilities onto the network and compute distances.

    Parameters
    ----------
    units : GeoDataFrame
        Boundaries as returned by :func:`planner.read_boundaries`.
    facilities : GeoDataFrame
        Facilities as returned by :func:`planner.read_facilities`.
    network : WalkNetwork
    profile : Profile or str
        Standards profile (name or object).
    speed : float, optional
        Walking speed in m/s (default: the profile's, 1.0 for the national one).
    search_minutes : float
        Walks longer than this count as unreachable (default 60).
    max_snap : float
        Metres from a street beyond which points are flagged.
    spacing : float
        Metres between demand points along streets.
    buildings : GeoDataFrame, optional
        Residential buildings to place demand on.
    active_statuses : tuple of str
        Facility statuses that count toward coverage.
    input_warnings : sequence of str
        Problems found in the inputs beforehand (e.g. the validation
        report's warnings); they lead ``Model.warnings``.

    Returns
    -------
    Model

    Examples
    --------
    >>> from planner import demo_paths, load_network, read_boundaries, read_facilities
    >>> p = demo_paths()
    >>> model = build_model(read_boundaries(p.boundaries, layer="units"),
    ...                     read_facilities(p.facilities), load_network(p.network), speed=0.9)
    >>> model.speed, model.limit  # metres searched: 60 minutes at 0.9 m/s
    (0.9, 3240.0)
    >>> minutes, nearest = model.demand_minutes("day_care")
    >>> len(minutes) == len(model.demand) == len(nearest)
    True
    >>> planned = model.add_facility("day_care", 117.19, 29.29, name="新建日间照料中心")
    >>> len(planned.facilities) - len(model.facilities)  # the original model is unchanged
    1
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    if speed is not None:
        prof = prof.with_speed(speed)
    speed = prof.speed_mps
    longest = max([search_minutes, *(t.minutes or 0 for t in prof.targets), *prof.catchments.values()])
    limit = float(to_metres(longest, speed))
    u = units.to_crs(network.crs).reset_index(drop=True)
    f = facilities.to_crs(network.crs).reset_index(drop=True)
    fx, fy = shapely.get_x(f.geometry.values), shapely.get_y(f.geometry.values)
    f["unit"] = unit_of(u, fx, fy) if len(f) else np.empty(0, np.int64)
    fsnap = snap_points(network, fx, fy, max_snap=max_snap)
    demand, d_edge, d_along = demand_on_streets(u, network, spacing=spacing, buildings=buildings)
    dsnap = _snap_demand(network, demand, d_edge, d_along, max_snap)
    active = f["status"].isin(active_statuses).to_numpy() if len(f) else np.empty(0, bool)
    fields = {t: _type_field(network, fsnap, active & (f["type"].to_numpy() == t), limit)
              for t in FACILITY_TYPES if len(f) and np.any(f["type"].to_numpy() == t)}
    notes: list[tuple[str | None, Mapping[str, Any]]] = [
        *((None, {"text": str(w)}) for w in input_warnings), *_snap_warnings(u, f, demand, fsnap, dsnap, max_snap)]
    warnings = tuple(p["text"] if k is None else _note_text(k, p, "en") for k, p in notes)
    return Model(network=network, units=u, demand=demand, demand_snap=dsnap, facilities=f,
                 facility_snap=fsnap, fields=fields, profile=prof, speed=speed, limit=limit,
                 active_statuses=tuple(active_statuses), warnings=warnings, warning_notes=tuple(notes))


def _snap_demand(net: WalkNetwork, demand: gpd.GeoDataFrame, edge: np.ndarray, along: np.ndarray,
                 max_snap: float) -> Snapped:
    """Demand points snapped: street points onto the segment they were made on, others by search."""
    x, y = shapely.get_x(demand.geometry.values), shapely.get_y(demand.geometry.values)
    on = edge >= 0
    if not on.all():
        rest = snap_points(net, x[~on], y[~on], max_snap=max_snap)
    n = x.shape[0]
    e = np.where(on, edge, 0)
    snap = Snapped(x=x, y=y, edge=e, along=np.where(on, along, 0.0), access=np.zeros(n),
                   to_u=np.where(on, along, 0.0), to_v=np.where(on, net.length[e] - along, 0.0),
                   far=np.zeros(n, dtype=bool), max_snap=max_snap)
    if not on.all():
        for k in ("edge", "along", "access", "to_u", "to_v", "far"):
            getattr(snap, k)[~on] = getattr(rest, k)
    return snap


def _snap_warnings(units, facilities, demand, fsnap: Snapped, dsnap: Snapped,
                   max_snap: float) -> list[tuple[str, dict[str, Any]]]:
    """The model's own warnings as catalogue keys and params (names listed up to ten)."""
    out: list[tuple[str, dict[str, Any]]] = []
    if len(facilities) and fsnap.far.any():
        names = facilities.loc[fsnap.far, "name"].astype(str).tolist()
        out.append(("engine.far_facilities", {"n": len(names), "max_snap": max_snap, "names": tuple(names[:10])}))
    centroid = demand["source"].to_numpy() == "centroid"
    if centroid.any():
        names = units["name"].iloc[np.unique(demand["unit"].to_numpy()[centroid])].astype(str).tolist()
        out.append(("engine.units_without_streets", {"n": len(names), "names": tuple(names[:10])}))
    far_units = np.unique(demand["unit"].to_numpy()[dsnap.far])
    if far_units.size:
        names = units["name"].iloc[far_units].astype(str).tolist()
        out.append(("engine.far_homes", {"n": len(names), "max_snap": max_snap, "names": tuple(names[:10])}))
    return out


def _note_text(key: str, params: Mapping[str, Any], lang: str) -> str:
    """A model warning in ``lang``: its names listed with the language's separator."""
    return tr(key, lang, **{**params, "names": tr("io.sep.list", lang).join(params.get("names", ()))})

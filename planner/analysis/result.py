"""One call from inputs to results: the ``planner analyse`` job as a function.

:func:`analyse` reads nothing and writes nothing: it takes loaded inputs and
returns an :class:`Analysis` (the model, the per-unit gap table, the target
scores).  :func:`service_area_layer` builds the service-area polygons lazily,
only for what is shown or exported.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._util import reproject
from planner.analysis.coverage import (
    TargetScore,
    district_summary,
    gap_table,
    score_profile,
    scores_frame,
    unit_target_status,
)
from planner.engine.isochrones import service_areas
from planner.engine.model import Model, build_model
from planner.engine.network import WalkNetwork
from planner.engine.travel import to_metres
from planner.io.profiles import Profile
from planner.schema import FACILITY_TYPES
from planner.settings import DEFAULT_BUFFER, DEFAULT_MINUTES


@dataclass(frozen=True, eq=False)
class Analysis:
    """Results of one analysis.

    Attributes
    ----------
    model : Model
    units : GeoDataFrame
        Per-unit coverage and gaps (WGS-84), see :func:`planner.analysis.coverage.gap_table`.
    scores : list of TargetScore
    districts : DataFrame
        Target values per street/township (computed on first use: only the
        exports read it, and the app's rerun after an edit need not pay for it).
    """

    model: Model
    units: gpd.GeoDataFrame
    scores: list[TargetScore]
    # how the targets were scored (household table, judging day, demand weight), reused by scores_over
    scoring: dict = field(default_factory=dict, compare=False)
    # derived values the outputs read, computed once per analysis
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def districts(self) -> pd.DataFrame:
        """Target values per street/township (rows) and target (columns).

        See :func:`planner.analysis.coverage.district_summary`; computed once, on first use.
        """
        if "districts" not in self._cache:
            self._cache["districts"] = district_summary(self.model)
        return self._cache["districts"]

    def coverage_share(self, facility_types: str | Sequence[str], minutes: float | None = None) -> np.ndarray:
        """Share of each unit's 60+ population within ``minutes`` of a facility of ``facility_types``.

        ``minutes`` defaults to the profile's catchment of the (first) type; a
        single type at its catchment is the ``<type>_share`` column of
        :attr:`units`.  Cached per (types, minutes); 0 where a unit has no
        60+ population.
        """
        types = (facility_types,) if isinstance(facility_types, str) else tuple(facility_types)
        mins = float(minutes if minutes is not None else self.model.profile.catchment(types[0]))
        key = ("share", types, mins)
        if key not in self._cache:
            col = f"{types[0]}_share"
            if (len(types) == 1 and col in self.units.columns
                    and mins == float(self.model.profile.catchment(types[0]))):
                share = self.units[col].to_numpy(float).copy()
            else:
                share = share_within(self.model, types, mins)
            share.flags.writeable = False  # shared by every caller
            self._cache[key] = share
        return self._cache[key]

    def target_status(self, target_id: str) -> pd.DataFrame:
        """Per unit whether it meets the target ``target_id`` (see :func:`unit_target_status`), cached."""
        key = ("status", target_id)
        if key not in self._cache:
            target = next((t for t in self.model.profile.targets if t.id == target_id), None)
            if target is None:
                raise KeyError(f"no target {target_id!r} in profile {self.model.profile.name!r}")
            self._cache[key] = unit_target_status(self.model, target)
        return self._cache[key]

    def gap_flags(self, facility_type: str) -> np.ndarray:
        """Units failing a unit target that counts ``facility_type`` (else any gap), cached."""
        key = ("gap", facility_type)
        if key not in self._cache:
            u = self.units
            cols = [f"met_{t.id}" for t in self.model.profile.targets
                    if facility_type in t.facility_types and f"met_{t.id}" in u.columns]
            gap = np.zeros(len(u), bool) if cols else u["gap"].to_numpy(bool).copy()
            for c in cols:  # None: the target does not apply to the unit
                gap = gap | np.array([v is not None and v is not pd.NA and not bool(v) for v in u[c]])
            gap.flags.writeable = False  # shared by every caller
            self._cache[key] = gap
        return self._cache[key]

    def scores_over(self, units_mask: Sequence[bool] | np.ndarray | None = None) -> list[TargetScore]:
        """The target scores over the units of ``units_mask`` (all units: :attr:`scores`)."""
        if units_mask is None:
            return self.scores
        return score_profile(self.model, units_mask=np.asarray(units_mask, bool), **self.scoring)

    def scores_frame(self, lang: str = "zh") -> pd.DataFrame:
        """Target scores as a table."""
        return scores_frame(self.scores, lang)

    def summary(self) -> dict:
        """A JSON-ready summary: settings, the profile's document and status, each target, warnings.

        Each target lists its figure, level, deadline, ``value`` (existing and
        planned facilities, 规划) beside ``value_existing`` (existing only,
        现状), ``met``/``met_existing``, ``overdue`` (逾期), ``informative``
        and ``source`` (``{file, quote, status}``).
        """
        m = self.model
        prof = m.profile
        targets = []
        for s in self.scores:
            t = s.target
            row = s.as_dict("en")
            row.pop("label", None)
            row.update({
                "label_zh": t.label_zh, "label_en": t.label_en,
                "facility_types": list(t.facility_types), "unit_kind": t.unit_kind,
                "rule": t.rule, "minutes": t.minutes,
                "metres": None if t.minutes is None else round(float(to_metres(t.minutes, m.speed)), 1),
                "target": t.figure,
                "pop60": round(s.pop60, 1),
                "pop60_covered": None if not np.isfinite(s.pop60_covered) else round(s.pop60_covered, 1),
                "note_zh": s.note_text("zh"), "tag": t.tag,
            })
            targets.append(row)
        kinds = self.units["kind"].value_counts().to_dict()
        return {
            "profile": prof.name,
            "profile_title": prof.title_zh,
            "profile_status": prof.status,
            "profile_status_text": prof.status_text("zh"),
            "document": prof.document("zh"),
            "document_en": prof.document("en"),
            "speed_mps": m.speed,
            "speed_source": prof.speed_source,
            "speed_source_zh": prof.speed_source_text("zh"),
            "weight": self.scoring.get("weight", "pop60"),
            "network": {"nodes": m.network.n_nodes, "segments": m.network.n_edges,
                        "source": m.network.report.source,
                        "dropped_nodes": m.network.report.dropped_nodes},
            "units": {k: int(v) for k, v in sorted(kinds.items())},
            "population": float(self.units["population"].sum()),
            "pop60": float(self.units["pop60"].sum()),
            "facilities": {t: int(((m.facilities["type"] == t) & m.active).sum()) for t in FACILITY_TYPES},
            "demand_points": len(m.demand),
            "gap_units": int(self.units["gap"].sum()),
            "targets": targets,
            "context": [c.as_dict() for c in prof.context],
            "warnings": list(m.warnings),
        }


def analyse(
    units: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: WalkNetwork,
    *,
    profile: Profile | str = "national",
    speed: float | None = None,
    home: pd.DataFrame | None = None,
    today: datetime.date | None = None,
    weight: str = "pop60",
    **model_options,
) -> Analysis:
    """Coverage and gap analysis of units against a standards profile.

    Parameters
    ----------
    units, facilities : GeoDataFrame
        As returned by :func:`planner.io.boundaries.read_boundaries` and
        :func:`planner.io.points.read_facilities`.
    network : WalkNetwork
    profile : Profile or str
        Standards profile (default the national one).
    speed : float, optional
        Walking speed (m/s); default the profile's.
    home : DataFrame, optional
        Household-level counts (家庭养老床位, 适老化改造) by county/township,
        see :func:`planner.analysis.standards.home_total`.
    today : datetime.date, optional
        The day deadlines are judged on (逾期); default today.
    weight : str
        Demand weight of population shares: ``pop60`` (default) or an 80+
        column such as ``pop80``.
    **model_options
        Passed to :func:`planner.engine.model.build_model`.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> from planner import demo_paths, load_network, read_boundaries, read_facilities
    >>> p = demo_paths()
    >>> units = read_boundaries(p.boundaries, layer="units")
    >>> result = analyse(units, read_facilities(p.facilities), load_network(p.network))
    >>> result.units.index.equals(units.index)
    True
    >>> scores = result.scores_frame("en").set_index("target_id")
    >>> round(float(scores.loc["circle15", "value"]), 3), bool(scores.loc["county_nursing_home", "met"])
    (0.856, True)
    """
    model = build_model(units, facilities, network, profile=profile, speed=speed, **model_options)
    return analysis_of(model, home=home, today=today, weight=weight)


def analysis_of(model: Model, *, home: pd.DataFrame | None = None, today: datetime.date | None = None,
                weight: str = "pop60") -> Analysis:
    """Tables and scores of an (edited) model.

    Parameters
    ----------
    model : Model
        E.g. ``analysis.model.add_facility(...)``.
    home, today, weight
        How targets are scored, see :func:`analyse`.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> from planner import analyse, demo_paths, load_network, read_boundaries, read_facilities
    >>> p = demo_paths()
    >>> before = analyse(read_boundaries(p.boundaries, layer="units"),
    ...                  read_facilities(p.facilities), load_network(p.network))
    >>> after = analysis_of(before.model.add_facility("day_care", 117.19, 29.29))
    >>> len(after.model.facilities) - len(before.model.facilities)
    1
    >>> bool((after.units["day_care_share"] >= before.units["day_care_share"] - 1e-12).all())
    True
    """
    scoring: dict[str, Any] = {"home": home, "today": today, "weight": weight}
    return Analysis(model=model, units=gap_table(model),
                    scores=score_profile(model, home=home, today=today, weight=weight), scoring=scoring)


def share_within(model: Model, facility_types: Sequence[str], minutes: float) -> np.ndarray:
    """Share of each unit's 60+ population within ``minutes`` of a facility of ``facility_types``.

    Parameters
    ----------
    model : Model
        The model.
    facility_types : sequence of str
        A facility of any of these types counts.
    minutes : float
        The walk.

    Returns
    -------
    ndarray of float
        One share (0–1) per unit; 0 where a unit has no 60+ population.
    """
    n = len(model.units)
    unit = model.demand["unit"].to_numpy()
    w = model.demand["w60"].to_numpy(float)
    mins, _ = model.demand_minutes(list(facility_types))
    wsum = np.bincount(unit, weights=w, minlength=n)
    wcov = np.bincount(unit, weights=w * (mins <= minutes), minlength=n)
    return np.divide(wcov, wsum, out=np.zeros(n), where=wsum > 0)


def service_area_layer(
    model: Model,
    facility_types: Iterable[str] | None = None,
    minutes: Iterable[float] = DEFAULT_MINUTES,
    *,
    buffer: float = DEFAULT_BUFFER,
    crs: str | None = "EPSG:4326",
) -> gpd.GeoDataFrame:
    """Service-area polygons (one per facility type and walk) as a GeoDataFrame.

    Columns ``facility_type``, ``type_zh``, ``minutes``, ``metres``,
    ``area_km2``, geometry (WGS-84 unless ``crs`` says otherwise).

    Parameters
    ----------
    model : Model
        The model.
    facility_types : iterable of str, optional
        Default: every type with a distance field.
    minutes : iterable of float
        Walks of the service areas.
    buffer : float
        Metres around the reached streets.
    crs : str, optional
        CRS of the result; None keeps the network's.

    Returns
    -------
    GeoDataFrame

    Examples
    --------
    >>> from planner import analyse, demo_paths, load_network, read_boundaries, read_facilities
    >>> p = demo_paths()
    >>> result = analyse(read_boundaries(p.boundaries, layer="units"),
    ...                  read_facilities(p.facilities), load_network(p.network))
    >>> areas = service_area_layer(result.model, ["day_care"], minutes=(5, 15))
    >>> areas[["facility_type", "minutes", "metres"]].values.tolist()
    [['day_care', 5.0, 300.0], ['day_care', 15.0, 900.0]]
    >>> bool(areas["area_km2"].is_monotonic_increasing), areas.crs.to_epsg()
    (True, 4326)
    """
    types = list(facility_types) if facility_types is not None else sorted(model.fields)
    polygons = {}
    for t in types:
        fld = model.fields.get(t)
        if fld is None:
            continue
        sites = model.facility_snap.take(np.nonzero(model.type_mask(t))[0])
        # one walking-time raster per type serves every walk (planner.engine.isochrones)
        polygons[t] = service_areas(model.network, fld.dist,
                                    [float(to_metres(m, model.speed)) for m in sorted(minutes)],
                                    sites=sites, buffer=buffer)
    return service_area_frame(model, polygons, minutes, crs=crs)


def service_area_frame(model: Model, polygons: dict, minutes: Iterable[float], *,
                       crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    """Service-area polygons (network CRS, per type one per walk in ascending minutes) as a layer.

    Parameters
    ----------
    model : Model
        The model (speed and CRS).
    polygons : dict
        Facility type → polygons, one per walk in ascending minutes.
    minutes : iterable of float
        The walks.
    crs : str, optional
        CRS of the result; None keeps the network's.

    Returns
    -------
    GeoDataFrame
    """
    rows, geoms = [], []
    for t, polys in polygons.items():
        for m, poly in zip(sorted(minutes), polys, strict=True):
            lim = float(to_metres(m, model.speed))
            rows.append({"facility_type": t, "type_zh": FACILITY_TYPES[t].zh, "minutes": float(m),
                         "metres": lim, "area_km2": poly.area / 1e6})
            geoms.append(poly)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=model.network.crs) if rows else gpd.GeoDataFrame(
        {"facility_type": [], "type_zh": [], "minutes": [], "metres": [], "area_km2": []},
        geometry=[], crs=model.network.crs)
    return reproject(gdf, crs) if crs else gdf

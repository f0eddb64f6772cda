"""One call from inputs to results: the ``planner analyse`` job as a function.

:func:`analyse` reads nothing and writes nothing: it takes loaded inputs and
returns an :class:`Analysis` (the model, the per-unit gap table, the target
scores).  :func:`service_area_layer` builds the service-area polygons lazily,
only for what is shown or exported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.analysis.coverage import (
    TargetScore,
    district_summary,
    gap_table,
    score_profile,
    scores_frame,
)
from planner.engine.isochrones import DEFAULT_BUFFER, service_area
from planner.engine.model import Model, build_model
from planner.engine.network import WalkNetwork
from planner.engine.travel import to_metres
from planner.io.profiles import Profile
from planner.schema import FACILITY_TYPES

DEFAULT_MINUTES = (5, 10, 15)


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
        Target values per street/township.
    """

    model: Model
    units: gpd.GeoDataFrame
    scores: list[TargetScore]
    districts: pd.DataFrame

    def scores_frame(self, lang: str = "zh") -> pd.DataFrame:
        """Target scores as a table."""
        return scores_frame(self.scores, lang)

    def summary(self) -> dict:
        """A JSON-ready summary: settings, each target, warnings."""
        m = self.model
        targets = []
        for s in self.scores:
            t = s.target
            targets.append({
                "id": t.id, "label_zh": t.label_zh, "label_en": t.label_en,
                "facility_types": list(t.facility_types), "unit_kind": t.unit_kind,
                "rule": t.rule, "measure": t.measure, "minutes": t.minutes,
                "metres": None if t.minutes is None else round(float(to_metres(t.minutes, m.speed)), 1),
                "value": None if not np.isfinite(s.value) else round(s.value, 6),
                "target": t.min_count if t.measure == "count" else t.share,
                "met": s.met, "n_units": s.n_units, "n_units_met": s.n_met,
                "pop60": round(s.pop60, 1),
                "pop60_covered": None if not np.isfinite(s.pop60_covered) else round(s.pop60_covered, 1),
                "note": s.note, "source": t.source, "tag": t.tag,
            })
        kinds = self.units["kind"].value_counts().to_dict()
        return {
            "profile": m.profile.name,
            "profile_title": m.profile.title_zh,
            "speed_mps": m.speed,
            "speed_source": m.profile.speed_source,
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
            "warnings": list(m.warnings),
        }


def analyse(
    units: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: WalkNetwork,
    *,
    profile: Profile | str = "national",
    speed: float | None = None,
    **model_options,
) -> Analysis:
    """Coverage and gap analysis of units against a standards profile.

    Parameters
    ----------
    units, facilities : GeoDataFrame
        As returned by :func:`planner.io.readers.read_boundaries` and
        :func:`planner.io.readers.read_facilities`.
    network : WalkNetwork
    profile : Profile or str
        Standards profile (default the national one).
    speed : float, optional
        Walking speed (m/s); default the profile's.
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
    return analysis_of(model)


def analysis_of(model: Model) -> Analysis:
    """Tables and scores of an (edited) model.

    Parameters
    ----------
    model : Model
        E.g. ``analysis.model.add_facility(...)``.

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
    return Analysis(model=model, units=gap_table(model), scores=score_profile(model),
                    districts=district_summary(model))


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
        polygons[t] = [service_area(model.network, fld.dist, float(to_metres(m, model.speed)),
                                    sites=sites, buffer=buffer) for m in sorted(minutes)]
    return service_area_frame(model, polygons, minutes, crs=crs)


def service_area_frame(model: Model, polygons: dict, minutes: Iterable[float], *,
                       crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    """Service-area polygons (network CRS, per type one per walk in ascending minutes) as a layer."""
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
    return gdf.to_crs(crs) if crs else gdf

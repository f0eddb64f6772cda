"""Site suggestions from a model: the adapter between a :class:`~planner.engine.model.Model` and the solvers.

As spopt's ``from_geodataframe`` wraps ``from_cost_matrix``, :func:`suggest_sites`
gathers the candidate sites (given, the model's ``candidate`` facilities, or
generated), their coverage of the demand, the profile's target rule and what
the existing facilities already cover; solves the covering problem
(:mod:`planner.siting.solvers`); and values the profile's targets with the
chosen sites added (:func:`add_suggestions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from planner._errors import InputError
from planner.analysis.coverage import score_target
from planner.analysis.scenario import apply_edits, site_edits
from planner.engine.model import Model, unit_of
from planner.engine.travel import snap_points
from planner.io.problems import problem_of
from planner.io.profiles import Target
from planner.schema import FACILITY_TYPES
from planner.siting.candidates import candidate_coverage, candidate_points, check_type
from planner.siting.median import MedianProblem, MedianSolution, p_center, p_median
from planner.siting.problem import OBJECTIVES, CoverProblem, Solution, UnitRule
from planner.siting.solvers import (
    DEFAULT_TIME_LIMIT,
    maximal_covering,
    objective_total,
    set_covering,
)
from planner.text import tr, type_label

PROBLEMS = ("mclp", "lscp", "pmedian", "pcenter")
"""Location problems: maximal covering, set covering, p-median, p-center."""
OBJECTIVE_NAMES = {
    "mclp": "maximise the demand (or units) newly within the walk, with a given number of sites",
    "lscp": "fewest sites reaching the target share of demand (or units) within the walk",
    "pmedian": "minimise the total weighted walk to the nearest site (person-minutes)",
    "pcenter": "minimise the worst walk to the nearest site (minutes)",
}


def type_target(model: Model, facility_type: str, target_id: str | None = None) -> Target | None:
    """The profile's unit target for a facility type (e.g. mutual_aid → villages ≥ 85 %).

    Parameters
    ----------
    model : Model
        Its profile holds the targets.
    facility_type : str
        The type the target counts (alone).
    target_id : str, optional
        A target by id instead of the type's first unit target.

    Returns
    -------
    Target or None
        None when the profile has no unit target for the type.

    Raises
    ------
    InputError
        ``target_id`` is not in the profile.
    """
    for t in model.profile.targets:
        if target_id is not None:
            if t.id == target_id:
                return t
            continue
        if (t.facility_types == (facility_type,) and t.measure == "units"
                and t.unit_kind in ("community", "village") and t.rule != "count"):
            return t
    if target_id is not None:
        raise problem_of(InputError, "siting_no_target", None, (), target=target_id, profile=model.profile.name,
                         targets=", ".join(t.id for t in model.profile.targets))
    return None


@dataclass(frozen=True, eq=False)
class Suggestion:
    """Suggested new sites and what they achieve.

    Attributes
    ----------
    chosen : DataFrame
        One row per chosen site, in the order chosen: ``candidate_id``,
        ``order`` (1 = adds most), ``name``, ``lon``, ``lat`` (WGS-84),
        ``unit`` (name of the unit it lies in, '' outside), ``gain_pop60``
        (demand weight newly within the walk: 60+ persons, or the user's
        demand weights), ``gain_units`` (units newly meeting the target),
        ``capacity``, ``served`` (capacitated: demand assigned), ``reason_zh``,
        ``reason_en``.
    facility_type : str
    mode : str
        ``count`` (maximal covering) or ``target`` (set covering).
    objective : str
        ``population`` or ``units``.
    minutes : float
    before, after, total : float
        Objective value without and with the sites, and its maximum (total
        weight or number of units).
    share_before, share_after : float
    target : float or None
        Target share (set covering).
    met : bool or None
    best_possible_share : float
        Share reached with every candidate open.
    solver : str
    optimal : bool
    bound : str
    seconds : float
        Solve time (the optimisation, coverage searches excluded).
    n_candidates : int
    candidates_source : str
        ``given``, ``model`` (the facilities' candidate rows) or ``generated``.
    targets : DataFrame
        Profile targets involving the type, valued before and after
        (``target_id``, ``label_zh``, ``label_en``, ``value_before``,
        ``value_after``, ``target``, ``met_before``, ``met_after``).
    target_id : str or None
        The profile target behind the ``units`` objective.
    weight_before, weight_after : float
        Demand weight within the walk.
    notes : tuple of str
    problem : str
        ``mclp``, ``lscp``, ``pmedian`` or ``pcenter``.  For ``pmedian``
        ``before``/``after`` are the total weighted walk (person-minutes), for
        ``pcenter`` the worst walk (minutes); ``total`` is then the demand weight
        and the shares are those within ``minutes``.
    walk : dict
        p-median/p-center: mean and worst walk before/after, demand outside
        every site's reach and beyond the search limit.
    """

    chosen: pd.DataFrame
    facility_type: str
    mode: str
    objective: str
    minutes: float
    before: float
    after: float
    total: float
    share_before: float
    share_after: float
    target: float | None
    met: bool | None
    best_possible_share: float
    solver: str
    optimal: bool
    bound: str
    seconds: float
    n_candidates: int
    candidates_source: str
    targets: pd.DataFrame
    target_id: str | None
    weight_before: float
    weight_after: float
    notes: tuple[str, ...] = ()
    problem: str = "mclp"
    walk: dict = field(default_factory=dict)

    def layer(self) -> gpd.GeoDataFrame:
        """The chosen sites as a WGS-84 point layer."""
        df = self.chosen
        return gpd.GeoDataFrame(df.copy(), geometry=shapely.points(df["lon"].to_numpy(float),
                                                                 df["lat"].to_numpy(float)),
                                crs="EPSG:4326")

    def report_lines(self, lang: str = "zh") -> list[str]:
        """A short printed report (command line)."""
        zh = lang == "zh"
        what = tr("siting.what_units" if self.objective == "units" else "siting.what_pop60", lang)
        lines = [f"{type_label(self.facility_type, lang)} [{self.problem}]"
                 f" — {self.minutes:g} min, {self.n_candidates} candidates ({self.candidates_source})"]
        if self.problem in ("pmedian", "pcenter"):
            w = self.walk
            lines += [tr("siting.walk_line", lang, mean0=w["mean_minutes_before"], mean1=w["mean_minutes_after"],
                         max0=w["max_minutes_before"], max1=w["max_minutes_after"]),
                      f"  {what} ≤ {self.minutes:g} min: {self.share_before:.1%} → {self.share_after:.1%}"]
        else:
            lines.append(f"  {what}: {self.before:,.0f} → {self.after:,.0f} / {self.total:,.0f} "
                         f"({self.share_before:.1%} → {self.share_after:.1%})")
        if self.target is not None:
            mark = "✔" if self.met else "✘"
            lines.append(f"  {mark} target {self.target:.0%}; best possible {self.best_possible_share:.1%}")
        lines.append(f"  solver: {self.solver} ({'optimal' if self.optimal else 'approximate'}; "
                     f"{self.bound}), {self.seconds:.2f} s")
        for r in self.chosen.itertuples(index=False):
            lines.append(f"  {r.order:>3}. {r.candidate_id}: {r.reason_zh if zh else r.reason_en}")
        lines.extend(f"  ! {n}" for n in self.notes)
        return lines

    def summary(self) -> dict:
        """A JSON-ready summary."""
        def num(v):
            return None if v is None or not np.isfinite(v) else round(float(v), 6)

        return {
            "facility_type": self.facility_type, "type_zh": FACILITY_TYPES[self.facility_type].zh,
            "mode": self.mode, "objective": self.objective, "target_id": self.target_id,
            "problem": self.problem, "objective_name": OBJECTIVE_NAMES[self.problem],
            "objective_value_before": num(self.before), "objective_value": num(self.after),
            "objective_unit": ("units" if self.objective == "units" else
                               {"pmedian": "person-minutes", "pcenter": "minutes"}.get(self.problem,
                                                                                      "persons")),
            **{k: num(v) for k, v in self.walk.items()},
            "minutes": self.minutes, "n_candidates": self.n_candidates,
            "candidates_source": self.candidates_source, "n_chosen": len(self.chosen),
            "covered_before": num(self.before), "covered_after": num(self.after),
            "total": num(self.total), "share_before": num(self.share_before),
            "share_after": num(self.share_after),
            "demand_weight_before": num(self.weight_before),
            "demand_weight_after": num(self.weight_after),
            "target_share": self.target, "target_met": self.met,
            "best_possible_share": num(self.best_possible_share),
            "solver": self.solver, "optimal": self.optimal,
            "approximate": not self.optimal, "bound": self.bound,
            "seconds": round(self.seconds, 3),
            "chosen": self.chosen[[c for c in ("candidate_id", "order", "gain_pop60", "gain_units", "served",
                                               "saving_minutes") if c in self.chosen.columns]]
            .to_dict(orient="records"),
            "targets": self.targets.to_dict(orient="records"),
            "notes": list(self.notes),
        }


def suggest_sites(
    model: Model,
    facility_type: str,
    *,
    count: int | None = None,
    target: float | None = None,
    minutes: float | None = None,
    candidates: gpd.GeoDataFrame | str | None = None,
    demand: gpd.GeoDataFrame | None = None,
    objective: str = "auto",
    target_id: str | None = None,
    method: str = "auto",
    capacitated: bool = False,
    served_per_place: float = 1.0,
    spacing: float | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Suggestion:
    """Suggest new sites of a type, the existing ones kept (MCLP or LSCP).

    Parameters
    ----------
    model : Model
    facility_type : str
        E.g. ``'day_care'``, ``'mutual_aid'``.
    count : int, optional
        Choose this many sites that add the most (maximal covering).
    target : float, optional
        Choose the fewest sites that reach this share, 0–1 (set covering).
        Exactly one of ``count`` and ``target``.
    minutes : float, optional
        Catchment walk (default: the target's minutes for the ``units``
        objective, else the profile's catchment of the type).
    candidates : GeoDataFrame or 'generate', optional
        Candidate points (any CRS; id from ``candidate_id``, ``facility_id``,
        ``point_id`` or ``id``; optional ``capacity``, ``name``, and ``type``
        to filter on).  Default: the model's facilities of the type with
        status ``candidate``, or generated ones if there are none.
    demand : GeoDataFrame, optional
        Weighted demand points (column ``weight``) instead of the model's 60+
        demand; the objective is then ``population`` (their weight).
    objective : {'auto', 'population', 'units', 'mclp', 'lscp', 'pmedian', 'pcenter'}
        What is optimised.  ``auto``: ``units`` for a target when the profile
        has a unit target for the type (e.g. mutual-aid sites for 85 % of
        villages), else ``population``.  A location problem by name:
        ``mclp`` (with ``count``) and ``lscp`` (with ``target``) as ``auto``;
        ``pmedian`` (with ``count``): the least total weighted walk to the
        nearest site, existing ones kept; ``pcenter`` (with ``count``): the
        least worst walk.  Both walk up to the model's search limit; demand
        no site reaches is reported in ``notes`` and ``walk``.
    target_id : str, optional
        The profile target for the ``units`` objective (default: the type's
        unit target).
    method : {'auto', 'milp', 'greedy'}
    capacitated : bool
        Cap the people each new site serves at its places × ``served_per_place``
        (MCLP, LSCP and p-median).
    served_per_place : float
    spacing : float, optional
        Spacing of generated candidates (metres).
    time_limit : float
        Seconds for the MILP.

    Returns
    -------
    Suggestion

    Raises
    ------
    InputError
        Bad arguments or no candidates.
    SolverError
        The solver failed.
    """
    check_type(facility_type)
    problem_kind = objective if objective in PROBLEMS else ("mclp" if target is None else "lscp")
    if objective in PROBLEMS:
        objective = "population" if problem_kind in ("pmedian", "pcenter") else "auto"
        if problem_kind in ("mclp", "pmedian", "pcenter") and count is None:
            raise problem_of(InputError, "siting_objective_needs_count", None, (), objective=problem_kind)
        if problem_kind == "lscp" and target is None:
            raise problem_of(InputError, "siting_lscp_needs_share")
    if (count is None) == (target is None):
        raise problem_of(InputError, "siting_count_or_share")
    if target is not None and target > 1:
        raise problem_of(InputError, "siting_target_share_percent", None, (), share=target)
    notes: list[str] = []
    tgt = type_target(model, facility_type, target_id)
    if objective == "auto":
        objective = "units" if (target is not None and tgt is not None and demand is None) else "population"
    if objective not in OBJECTIVES:
        choices = ("auto", *OBJECTIVES, *PROBLEMS)
        raise InputError(f"unknown objective {objective!r}", hint=f"use one of {', '.join(choices)}",
                         code="siting_unknown_objective",
                         params={"objective": objective, "objectives@en": ", ".join(choices),
                                 "objectives@zh": tr("io.sep.list", "zh").join(choices)})
    if objective == "units":
        if tgt is None:
            raise InputError(f"the profile has no unit target for {facility_type!r}",
                             hint="use the population objective", code="siting_no_unit_target",
                             params={"facility_type": facility_type, "type@zh": type_label(facility_type, "zh"),
                                     "type@en": type_label(facility_type, "en")})
        if demand is not None:
            raise problem_of(InputError, "siting_units_not_demand")
        if capacitated:
            raise problem_of(InputError, "siting_capacitated_units")
        if tgt.facility_types != (facility_type,):
            raise InputError(f"target {tgt.id!r} counts {', '.join(tgt.facility_types)}, "
                             f"not only {facility_type}", code="siting_target_other_types",
                             params={"target": tgt.id, "facility_type": facility_type,
                                     "types@en": ", ".join(tgt.facility_types),
                                     "types@zh": tr("io.sep.list", "zh").join(type_label(t, "zh")
                                                                              for t in tgt.facility_types),
                                     "type@zh": type_label(facility_type, "zh"),
                                     "type@en": type_label(facility_type, "en")})
        minutes = float(minutes if minutes is not None else (tgt.minutes or model.profile.catchment(facility_type)))
    else:
        minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    if not minutes > 0:
        raise problem_of(InputError, "siting_minutes_positive", None, (), minutes=minutes)

    # demand and what the existing facilities already cover
    if demand is None:
        dsnap = model.demand_snap
        weights = model.demand["w60"].to_numpy(float)
        mins, _ = model.demand_minutes(facility_type)
        dunit = model.demand["unit"].to_numpy()
    else:
        if "weight" not in demand.columns:
            raise problem_of(InputError, "siting_demand_no_weight")
        d = demand.to_crs(model.network.crs)
        dsnap = snap_points(model.network, shapely.get_x(d.geometry.values),
                            shapely.get_y(d.geometry.values), max_snap=model.facility_snap.max_snap)
        weights = pd.to_numeric(d["weight"], errors="coerce").fillna(0).to_numpy(float)
        dist, _ = model.point_distance(dsnap, facility_type)
        mins = dist / model.speed / 60.0
        dunit = None
    covered = mins <= minutes

    # candidates
    cand, source = candidate_points(model, facility_type, candidates, minutes, spacing,
                               covered if demand is None else None)
    if len(cand) == 0:
        # the English text names the type by its Chinese name as well (as it always has)
        raise InputError(f"no candidate sites for {FACILITY_TYPES[facility_type].zh} ({facility_type})",
                         hint="pass --candidates, add facilities with status 'candidate', or let "
                              "candidates be generated (gap areas may be fully covered already)",
                         code="siting_no_candidates",
                         params={"facility_type": facility_type, "type@zh": type_label(facility_type, "zh"),
                                 "type@en": FACILITY_TYPES[facility_type].zh})
    c = cand.to_crs(model.network.crs)
    cx, cy = shapely.get_x(c.geometry.values), shapely.get_y(c.geometry.values)
    csnap = snap_points(model.network, cx, cy, max_snap=model.facility_snap.max_snap)
    if csnap.far.any():
        notes.append(f"{int(csnap.far.sum())} candidates are more than {csnap.max_snap:.0f} m from a street")
    cunit = unit_of(model.units, cx, cy)
    cap = None
    if capacitated:
        raw = pd.to_numeric(cand.get("capacity", pd.Series(np.nan, index=cand.index)), errors="coerce")
        raw = raw.to_numpy(float)
        if np.isnan(raw).any():
            fill = _typical_capacity(model, facility_type)
            notes.append(f"{int(np.isnan(raw).sum())} candidates without places: assumed {fill:g} "
                         "(median of the existing ones)")
            raw = np.where(np.isnan(raw), fill, raw)
        cap = raw * float(served_per_place)
    if problem_kind in ("pmedian", "pcenter"):
        assert count is not None
        return _suggest_median(model, facility_type, problem_kind, int(count), minutes, cand, csnap, cunit,
                               dsnap, weights, mins, cap, source, notes, method, time_limit)
    cover = candidate_coverage(model, csnap, minutes, demand=dsnap)

    units_rule = None
    if objective == "units" and tgt is not None:
        units_rule = UnitRule(demand_unit=dunit, candidate_unit=cunit,
                              applies=model.units["kind"].to_numpy() == tgt.unit_kind,
                              rule=tgt.rule, unit_share=tgt.unit_share,
                              inside_before=model.facilities_inside(facility_type))
    problem = CoverProblem(cover, weights, covered, units=units_rule, capacity=cap)

    if count is not None:
        if count > len(cand):
            notes.append(f"only {len(cand)} candidates: all are chosen")
        sol = maximal_covering(problem, count, objective=objective, method=method, time_limit=time_limit)
    else:
        sol = set_covering(problem, float(target or 0.0), objective=objective, method=method,
                           time_limit=time_limit)
        if not sol.met:
            notes.append("the target cannot be reached with these candidates; the sites shown get as "
                         "close as possible")
    total = objective_total(problem, objective)
    chosen = _chosen_frame(model, cand, cunit, sol, facility_type, minutes, objective, tgt)
    targets = _target_table(model, facility_type, chosen)

    def share(v: float) -> float:
        return v / total if total > 0 else np.nan

    return Suggestion(
        chosen=chosen, facility_type=facility_type, mode="count" if count is not None else "target",
        objective=objective, minutes=minutes, before=sol.before, after=sol.after, total=total,
        share_before=share(sol.before), share_after=share(sol.after), target=target, met=sol.met,
        best_possible_share=share(sol.best_possible), solver=sol.solver, optimal=sol.optimal,
        bound=sol.bound, seconds=sol.seconds, n_candidates=len(cand), candidates_source=source,
        targets=targets, target_id=tgt.id if (objective == "units" and tgt) else None,
        weight_before=sol.weight_before, weight_after=sol.weight_after, notes=tuple(notes),
        problem=problem_kind)


def _suggest_median(model: Model, facility_type: str, kind: str, count: int, minutes: float,
                    cand: gpd.GeoDataFrame, csnap, cunit: np.ndarray, dsnap, weights: np.ndarray,
                    mins: np.ndarray, cap: np.ndarray | None, source: str, notes: list[str],
                    method: str, time_limit: float) -> Suggestion:
    """p-median / p-center over the walks up to the model's search limit (existing sites kept)."""
    search = model.limit / model.speed / 60.0  # minutes: beyond this a site counts as out of reach
    metres = candidate_coverage(model, csnap, search, demand=dsnap)  # candidates × demand
    cost = sp.csr_matrix((metres.data / model.speed / 60.0, metres.indices, metres.indptr),
                         shape=metres.shape).T.tocsr()
    problem = MedianProblem(cost, weights, np.where(mins <= search, mins, np.inf), capacity=cap,
                            unserved=search)
    if count > len(cand):
        notes.append(f"only {len(cand)} candidates: all are chosen")
    sol = (p_median if kind == "pmedian" else p_center)(problem, count, method=method, time_limit=time_limit)
    if sol.n_outside:
        notes.append(f"{sol.n_outside} demand points ({sol.weight_outside:,.0f} people) have no site within "
                     f"{search:g} min; left out of the objective")
    if sol.weight_unserved > 0:
        notes.append(f"{sol.weight_unserved:,.0f} people still beyond {search:g} min after the sites "
                     f"(counted as {search:g} min)")
    w = problem.weights
    total_w = float(w.sum())
    before_w = float(w[mins <= minutes].sum())
    m1 = np.nan_to_num(sol.minutes, nan=np.inf)
    after_w = float(w[m1 <= minutes].sum())
    chosen = _median_frame(model, cand, cunit, sol, facility_type, minutes)
    targets = _target_table(model, facility_type, chosen)
    value_before = sol.total_before if kind == "pmedian" else sol.max_before
    walk = {"mean_minutes_before": sol.mean_before, "mean_minutes_after": sol.mean_after,
            "max_minutes_before": sol.max_before, "max_minutes_after": sol.max_after,
            "weighted_minutes_before": sol.total_before, "weighted_minutes_after": sol.total_after,
            "search_minutes": search, "demand_outside": sol.weight_outside,
            "points_outside": float(sol.n_outside), "demand_beyond_search_after": sol.weight_unserved}
    return Suggestion(
        chosen=chosen, facility_type=facility_type, mode="count", objective="population",
        minutes=minutes, before=value_before, after=sol.value, total=total_w,
        share_before=before_w / total_w if total_w else np.nan,
        share_after=after_w / total_w if total_w else np.nan, target=None, met=None,
        best_possible_share=np.nan, solver=sol.solver, optimal=sol.optimal, bound=sol.bound,
        seconds=sol.seconds, n_candidates=len(cand), candidates_source=source, targets=targets,
        target_id=None, weight_before=before_w, weight_after=after_w, notes=tuple(notes),
        problem=kind, walk=walk)


def _median_frame(model: Model, cand, cunit, sol: MedianSolution, facility_type: str,
                  minutes: float) -> pd.DataFrame:
    idx = sol.chosen
    sel = cand.iloc[idx]
    names = model.units["name"].astype(str).to_numpy()
    u = cunit[idx]
    unit_name = np.where(u >= 0, names[np.clip(u, 0, None)] if names.size else "", "")
    reasons = {lang: [tr("siting.reason_median", lang, order=m + 1 if lang == "zh" else _ordinal(m + 1),
                         served=sol.served[m], saving=sol.saving[m], type=type_label(facility_type, lang))
                      + (tr("siting.reason_in_unit", lang, unit=unit_name[m]) if unit_name[m] else "")
                      for m in range(idx.size)] for lang in ("zh", "en")}
    return pd.DataFrame({
        "candidate_id": sel["candidate_id"].astype(str).to_numpy(),
        "order": np.arange(1, idx.size + 1),
        "name": sel["name"].astype(str).to_numpy() if "name" in sel.columns
        else sel["candidate_id"].astype(str).to_numpy(),
        "lon": shapely.get_x(sel.geometry.values), "lat": shapely.get_y(sel.geometry.values),
        "unit": unit_name.astype(object),
        "gain_pop60": np.round(sol.served, 3),
        "gain_units": np.zeros(idx.size, np.int64),
        "capacity": pd.to_numeric(sel["capacity"], errors="coerce").to_numpy(float)
        if "capacity" in sel.columns else np.nan,
        "served": np.round(sol.served, 3),
        "saving_minutes": np.round(sol.saving, 3),
        "reason_zh": reasons["zh"], "reason_en": reasons["en"],
    })


def _typical_capacity(model: Model, facility_type: str) -> float:
    cap = pd.to_numeric(model.facilities.loc[model.type_mask(facility_type), "capacity"], errors="coerce")
    return float(cap.median()) if cap.notna().any() else 30.0


def _chosen_frame(model, cand, cunit, sol: Solution, facility_type, minutes, objective, tgt) -> pd.DataFrame:
    idx = sol.chosen
    sel = cand.iloc[idx]
    names = model.units["name"].astype(str).to_numpy()
    u = cunit[idx]
    unit_name = np.where(u >= 0, names[np.clip(u, 0, None)] if names.size else "", "")
    rz = [_reason(m, sol, minutes, facility_type, objective, tgt, unit_name[m], "zh") for m in range(idx.size)]
    re_ = [_reason(m, sol, minutes, facility_type, objective, tgt, unit_name[m], "en") for m in range(idx.size)]
    return pd.DataFrame({
        "candidate_id": sel["candidate_id"].astype(str).to_numpy(),
        "order": np.arange(1, idx.size + 1),
        "name": sel["name"].astype(str).to_numpy() if "name" in sel.columns else sel["candidate_id"].astype(str).to_numpy(),
        "lon": shapely.get_x(sel.geometry.values), "lat": shapely.get_y(sel.geometry.values),
        "unit": unit_name.astype(object),
        "gain_pop60": np.round(sol.gain_weight, 3),
        "gain_units": np.asarray(sol.gain_units, np.int64),
        "capacity": pd.to_numeric(sel["capacity"], errors="coerce").to_numpy(float)
        if "capacity" in sel.columns else np.nan,
        "served": np.round(sol.served, 3),
        "reason_zh": rz, "reason_en": re_,
    })


def _reason(m: int, sol: Solution, minutes: float, facility_type: str, objective: str,
            tgt: Target | None, unit_name: str, lang: str) -> str:
    """Why the ``m``-th chosen site was chosen, in ``lang``."""
    gp, gu = sol.gain_weight[m], int(sol.gain_units[m])
    order = m + 1 if lang == "zh" else _ordinal(m + 1)
    text = tr("siting.reason_chosen", lang, order=order, minutes=minutes, gain=gp,
              type=type_label(facility_type, lang))
    if objective == "units" and tgt is not None:
        if lang == "zh":
            kind = tr("village" if tgt.unit_kind == "village" else "community", lang)
        else:
            kind = f"{tgt.unit_kind}{'s' if gu != 1 else ''}"
        text += tr("siting.reason_units", lang, n=gu, kind=kind)
    if "capacitated" in sol.bound:
        text += tr("siting.reason_capped", lang)
    if unit_name:
        text += tr("siting.reason_in_unit", lang, unit=unit_name)
    if gp <= 0 and gu <= 0:
        text += tr("siting.reason_no_gain", lang)
    return text


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def add_suggestions(model: Model, suggestion: Suggestion, *, status: str = "planned") -> Model:
    """The model with the suggested sites added as facilities of ``status``.

    A site that is one of the model's own ``candidate`` facilities has its
    status changed (id and name kept); any other is added with its candidate
    id (a new id if the model already uses that one).

    Parameters
    ----------
    model : Model
    suggestion : Suggestion
        From :func:`suggest_sites`.
    status : str
        Status of the new facilities (default ``planned``, which counts
        toward coverage).

    Returns
    -------
    Model
        A new model; ``model`` is unchanged.
    """
    return _add_chosen(model, suggestion.facility_type, suggestion.chosen, status)


def _add_chosen(model: Model, facility_type: str, chosen: pd.DataFrame, status: str = "planned") -> Model:
    """Promote the model's own candidates among ``chosen`` and add the others (one rule, shared with the app)."""
    return apply_edits(model, site_edits(model, facility_type, chosen, status=status))


def _target_table(model: Model, facility_type: str, chosen: pd.DataFrame) -> pd.DataFrame:
    targets = [t for t in model.profile.targets if facility_type in t.facility_types]
    cols = ["target_id", "label_zh", "label_en", "value_before", "value_after", "target",
            "met_before", "met_after"]
    if not targets:
        return pd.DataFrame(columns=cols)
    after = _add_chosen(model, facility_type, chosen)
    rows = []
    for t in targets:
        b, a = score_target(model, t), score_target(after, t)
        rows.append({"target_id": t.id, "label_zh": t.label_zh, "label_en": t.label_en,
                     "value_before": b.value, "value_after": a.value,
                     "target": float(t.min_count) if t.measure == "count" else t.share,
                     "met_before": b.met, "met_after": a.met})
    return pd.DataFrame(rows, columns=cols)


__all__ = ["Suggestion", "add_suggestions", "suggest_sites", "type_target"]

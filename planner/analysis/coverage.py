"""Population-weighted coverage per unit, gaps, and scores against a profile.

Everything here is a pure function of a :class:`planner.engine.model.Model`: the
per-unit table (who is covered by which type, how far the nearest facility
is), the gap flags with their reasons, and each target of the standards
profile scored overall and per street/township.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.engine.model import Model
from planner.engine.travel import to_metres
from planner.io.profiles import Profile, Target
from planner.schema import FACILITY_TYPES


def unit_coverage(model: Model, facility_types: list[str] | None = None) -> pd.DataFrame:
    """Per-unit coverage of each facility type.

    For each type ``t`` (default: every type in the profile's catchments) the
    columns are ``t_inside`` (active facilities inside the unit), ``t_share``
    (share of the unit's 60+ population within the type's catchment),
    ``t_minutes`` (60+-weighted median walking minutes to the nearest one;
    NaN beyond the search bound), ``t_nearest_id`` and ``t_nearest`` (id and
    name of the facility nearest to most of the unit's elderly).

    Returns
    -------
    DataFrame indexed like ``model.units``.

    Examples
    --------
    >>> from planner import build_model, demo_paths, load_network, read_boundaries, read_facilities
    >>> p = demo_paths()
    >>> model = build_model(read_boundaries(p.boundaries, layer="units"),
    ...                     read_facilities(p.facilities), load_network(p.network))
    >>> cov = unit_coverage(model, ["day_care"])
    >>> list(cov.columns)
    ['day_care_inside', 'day_care_share', 'day_care_minutes', 'day_care_nearest_id', 'day_care_nearest']
    >>> cov.index.equals(model.units.index), bool(cov["day_care_share"].between(0, 1).all())
    (True, True)
    """
    types = facility_types or list(model.profile.catchments) or list(FACILITY_TYPES)
    n = len(model.units)
    unit = model.demand["unit"].to_numpy()
    w = model.demand["w60"].to_numpy(float)
    wsum = np.bincount(unit, weights=w, minlength=n)
    out = {}
    names = model.facilities["name"].astype(str).to_numpy()
    ids = model.facilities["facility_id"].astype(str).to_numpy()
    for t in types:
        minutes, who = model.demand_minutes(t)
        catch = model.profile.catchment(t)
        covered = np.bincount(unit, weights=w * (minutes <= catch), minlength=n)
        out[f"{t}_inside"] = model.facilities_inside(t)
        out[f"{t}_share"] = np.divide(covered, wsum, out=np.zeros(n), where=wsum > 0)
        if not np.isfinite(minutes).any():  # no facility of the type within reach of anyone
            out[f"{t}_minutes"] = np.full(n, np.nan)
            out[f"{t}_nearest_id"] = out[f"{t}_nearest"] = np.full(n, "", dtype=object)
            continue
        out[f"{t}_minutes"] = _weighted_median_by(unit, minutes, w, n)
        near = _weighted_mode_by(unit, who, w, n)
        out[f"{t}_nearest_id"] = np.where(near >= 0, ids[np.clip(near, 0, None)] if ids.size else "", "")
        out[f"{t}_nearest"] = np.where(near >= 0, names[np.clip(near, 0, None)] if names.size else "", "")
    return pd.DataFrame(out, index=model.units.index)


def _weighted_median_by(group: np.ndarray, values: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    if group.size == 0:
        return out
    # order by value within each group; the order among equal values cannot change the
    # median's value, so a quick unstable value sort plus a stable (radix) group sort will do
    order = np.argsort(values)
    gkey = group.astype(np.int16) if n < 2**15 else group
    order = order[np.argsort(gkey[order], kind="stable")]
    g, v, ww = group[order], values[order], w[order]
    starts = np.r_[0, np.nonzero(np.diff(g))[0] + 1]
    ends = np.r_[starts[1:], g.size]
    cum = np.cumsum(ww)
    base = np.r_[0.0, cum][starts]
    half = base + (cum[ends - 1] - base) / 2.0
    # weights are non-negative, so one search over the whole cumulative sum finds each group's
    # first point at or past half its weight
    k = np.clip(np.searchsorted(cum, half, side="left"), starts, ends - 1)
    val = v[k]
    out[g[starts]] = np.where(np.isfinite(val), val, np.nan)
    return out


def _weighted_mode_by(group: np.ndarray, labels: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """Per group, the label with the largest total weight (ties: the smallest label)."""
    out = np.full(n, -1, np.int64)
    ok = labels >= 0
    if not ok.any():
        return out
    g, lab, ww = group[ok].astype(np.int64), labels[ok].astype(np.int64), w[ok]
    base = int(lab.max()) + 1  # one key per (group, label) pair
    pair, inv = np.unique(g * base + lab, return_inverse=True)
    total = np.bincount(inv.ravel(), weights=ww, minlength=pair.size)
    pg, pl = pair // base, pair % base
    best = np.lexsort((pl, -total, pg))
    first = np.ones(best.size, dtype=bool)
    first[1:] = pg[best][1:] != pg[best][:-1]
    out[pg[best][first]] = pl[best][first]
    return out


def _group_share(model: Model, target: Target) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: 60+ weight, 60+ weight within the target's walk, and nearest minutes."""
    n = len(model.units)
    unit = model.demand["unit"].to_numpy()
    w = model.demand["w60"].to_numpy(float)
    minutes, _ = model.demand_minutes(target.facility_types)
    within = minutes <= (target.minutes or 0)
    wsum = np.bincount(unit, weights=w, minlength=n)
    wcov = np.bincount(unit, weights=w * within, minlength=n)
    return wsum, wcov, minutes


def unit_target_status(model: Model, target: Target) -> pd.DataFrame:
    """Whether each unit of the target's kind meets it, and why not.

    Returns
    -------
    DataFrame indexed like ``model.units`` with ``applies``, ``inside``,
    ``share``, ``met``, ``reason_zh``, ``reason_en``.
    """
    kind = model.units["kind"].to_numpy()
    applies = kind == target.unit_kind
    inside = model.facilities_inside(target.facility_types)
    wsum, wcov, _ = _group_share(model, target)
    share = np.divide(wcov, wsum, out=np.zeros(len(wsum)), where=wsum > 0)
    has = inside > 0
    walk_ok = share >= target.unit_share
    if target.rule == "inside":
        met = has
    elif target.rule == "walk":
        met = walk_ok
    else:
        met = has | walk_ok
    zh_type = "、".join(FACILITY_TYPES[t].zh for t in target.facility_types)
    en_type = ", ".join(FACILITY_TYPES[t].en for t in target.facility_types)
    reason_zh = np.full(len(kind), "", dtype=object)
    reason_en = np.full(len(kind), "", dtype=object)
    gap = applies & ~met
    mins = f"{target.minutes:g}" if target.minutes else ""
    for i in np.nonzero(gap)[0]:
        parts_zh, parts_en = [], []
        if target.rule in ("inside", "inside_or_walk"):
            parts_zh.append(f"单元内无{zh_type}")
            parts_en.append(f"no {en_type} inside")
        if target.rule in ("walk", "inside_or_walk"):
            parts_zh.append(f"步行{mins}分钟内仅覆盖{share[i]:.0%}的60岁以上人口")
            parts_en.append(f"only {share[i]:.0%} of the 60+ population within {mins} min walk")
        reason_zh[i] = "，".join(parts_zh)
        reason_en[i] = "; ".join(parts_en)
    return pd.DataFrame({"applies": applies, "inside": inside, "share": share,
                         "met": np.where(applies, met, False), "reason_zh": reason_zh,
                         "reason_en": reason_en}, index=model.units.index)


@dataclass(frozen=True)
class TargetScore:
    """One target's value against its figure."""

    target: Target
    value: float
    met: bool | None
    n_units: int
    n_met: int
    pop60: float
    pop60_covered: float
    count: int = 0
    note: str = ""


def score_target(model: Model, target: Target, units_mask: np.ndarray | None = None) -> TargetScore:
    """Score one target over all units, or over the units in ``units_mask``."""
    n = len(model.units)
    mask = np.ones(n, dtype=bool) if units_mask is None else np.asarray(units_mask, bool)
    if target.measure == "count":
        types = list(target.facility_types)
        fac = model.facilities
        unit = fac["unit"].to_numpy()
        inside_area = (unit >= 0) & np.isin(unit, np.nonzero(mask)[0])
        sel = model.active & fac["type"].isin(types).to_numpy() & inside_area
        count = int(sel.sum())
        return TargetScore(target, float(count), count >= target.min_count, 1, int(count >= target.min_count),
                           float(model.units["pop60"].to_numpy(float)[mask].sum()), np.nan, count)
    if target.unit_kind == "street":
        return _score_streets(model, target, mask)
    st = unit_target_status(model, target)
    applies = st["applies"].to_numpy() & mask
    pop60 = model.units["pop60"].to_numpy(float)
    n_units = int(applies.sum())
    if n_units == 0:
        return TargetScore(target, np.nan, None, 0, 0, 0.0, 0.0, note="no units of this kind")
    pop_total = float(pop60[applies].sum())
    pop_cov = float((pop60 * st["share"].to_numpy(float))[applies].sum())
    n_met = int(st["met"].to_numpy()[applies].sum())
    if target.measure == "population":
        value = pop_cov / pop_total if pop_total > 0 else np.nan
    else:
        value = n_met / n_units
    met = bool(value >= target.share - 1e-12) if np.isfinite(value) else None
    return TargetScore(target, float(value), met, n_units, n_met, pop_total, pop_cov)


def _score_streets(model: Model, target: Target, mask: np.ndarray) -> TargetScore:
    if "street" not in model.units.columns or model.units["street"].isna().all():
        return TargetScore(target, np.nan, None, 0, 0, 0.0, 0.0,
                           note="boundaries have no street/township column")
    inside = model.facilities_inside(target.facility_types)
    df = pd.DataFrame({"street": model.units["street"].to_numpy(), "inside": inside,
                       "pop60": model.units["pop60"].to_numpy(float)})[mask]
    g = df.groupby("street", sort=True).agg(inside=("inside", "sum"), pop60=("pop60", "sum"))
    n_units = len(g)
    n_met = int((g["inside"] > 0).sum())
    value = n_met / n_units if n_units else np.nan
    met = bool(value >= target.share - 1e-12) if n_units else None
    return TargetScore(target, float(value), met, n_units, n_met, float(g["pop60"].sum()),
                       float(g.loc[g["inside"] > 0, "pop60"].sum()))


def street_status(model: Model, target: Target) -> pd.DataFrame:
    """Per street/township: whether it has a facility of the target's types inside."""
    inside = model.facilities_inside(target.facility_types)
    df = pd.DataFrame({"street": model.units["street"].to_numpy(), "inside": inside})
    g = df.groupby("street", sort=True)["inside"].sum()
    return pd.DataFrame({"inside": g, "met": g > 0})


def score_profile(model: Model, profile: Profile | None = None,
                  units_mask: np.ndarray | None = None) -> list[TargetScore]:
    """Score every target of the profile (default: the model's).

    Parameters
    ----------
    model : Model
    profile : Profile, optional
        Default: the model's profile.
    units_mask : ndarray of bool, optional
        Score only these units (one per ``model.units`` row), e.g. one
        street/township.

    Returns
    -------
    list of TargetScore
        In the profile's order; see :func:`scores_frame` for a table.
    """
    prof = profile or model.profile
    return [score_target(model, t, units_mask) for t in prof.targets]


def scores_frame(scores: list[TargetScore], lang: str = "zh") -> pd.DataFrame:
    """Target scores as a table (one row per target).

    Parameters
    ----------
    scores : list of TargetScore
        From :func:`score_profile`.
    lang : {'zh', 'en'}
        Language of the ``label`` column.

    Returns
    -------
    DataFrame
        ``target_id``, ``label``, ``facility_types``, ``unit_kind``,
        ``rule``, ``minutes``, ``measure``, ``value`` (share 0–1, or a count),
        ``target``, ``met``, ``n_units``, ``n_met``, ``pop60``,
        ``pop60_covered``, ``note``, ``source``, ``tag``.
    """
    rows = []
    for s in scores:
        t = s.target
        rows.append({
            "target_id": t.id,
            "label": t.label(lang),
            "facility_types": ",".join(t.facility_types),
            "unit_kind": t.unit_kind,
            "rule": t.rule,
            "minutes": t.minutes,
            "measure": t.measure,
            "value": s.value,
            "target": float(t.min_count) if t.measure == "count" else t.share,
            "met": s.met,
            "n_units": s.n_units,
            "n_met": s.n_met,
            "pop60": s.pop60,
            "pop60_covered": s.pop60_covered,
            "note": s.note,
            "source": t.source,
            "tag": t.tag,
        })
    return pd.DataFrame(rows)


def gap_table(model: Model, profile: Profile | None = None) -> gpd.GeoDataFrame:
    """The per-unit coverage and gap table (units with all coverage columns).

    Columns: the unit's own (code, name, kind, street, population, pop60),
    the per-type columns of :func:`unit_coverage`, and per target
    ``met_<id>``/``reason_<id>``; then ``gap`` (any target of the unit's kind
    not met) and ``gap_reason_zh``/``gap_reason_en``.  Geometry in WGS-84.

    Parameters
    ----------
    model : Model
    profile : Profile, optional
        Targets to flag gaps against (default: the model's profile).

    Returns
    -------
    GeoDataFrame
        One row per unit, indexed like ``model.units`` (so like the
        boundaries that were read), EPSG:4326.
    """
    prof = profile or model.profile
    units = model.units
    base_cols = [c for c in ("code", "name", "kind", "street", "population", "pop60") if c in units.columns]
    table = pd.concat([units[base_cols], unit_coverage(model)], axis=1)
    gap = np.zeros(len(units), dtype=bool)
    rz = [[] for _ in range(len(units))]
    re_ = [[] for _ in range(len(units))]
    for t in prof.targets:
        if t.unit_kind not in ("community", "village"):
            continue
        st = unit_target_status(model, t)
        table[f"met_{t.id}"] = np.where(st["applies"], st["met"], None)
        g = st["applies"].to_numpy() & ~st["met"].to_numpy()
        gap |= g
        for i in np.nonzero(g)[0]:
            rz[i].append(st["reason_zh"].iat[i])
            re_[i].append(st["reason_en"].iat[i])
    table["gap"] = gap
    table["gap_reason_zh"] = ["；".join(r) for r in rz]
    table["gap_reason_en"] = ["; ".join(r) for r in re_]
    out = gpd.GeoDataFrame(table, geometry=units.geometry.values, crs=units.crs)
    return out.to_crs("EPSG:4326")


def district_summary(model: Model, profile: Profile | None = None) -> pd.DataFrame:
    """Target values per street/township (rows) and target (columns).

    Parameters
    ----------
    model : Model
    profile : Profile, optional
        Default: the model's profile.

    Returns
    -------
    DataFrame
        One row per street/township: ``street``, ``n_units``,
        ``population``, ``pop60``, then one column per community/village
        target (its value over that street's units; NaN where the target
        has no units there).  Empty when the boundaries have no street column.
    """
    prof = profile or model.profile
    if "street" not in model.units.columns:
        return pd.DataFrame()
    streets = model.units["street"].fillna("").to_numpy()
    rows = []
    for s in sorted(set(streets)):
        mask = streets == s
        row = {"street": s, "n_units": int(mask.sum()),
               "population": float(model.units["population"].to_numpy(float)[mask].sum()),
               "pop60": float(model.units["pop60"].to_numpy(float)[mask].sum())}
        for sc in score_profile(model, prof, mask):
            if sc.target.unit_kind in ("community", "village") and sc.n_units:
                row[sc.target.id] = sc.value
        rows.append(row)
    return pd.DataFrame(rows)


def catchment_metres(minutes: float, speed: float) -> float:
    """Metres implied by a walk of ``minutes`` at ``speed`` m/s (for labels)."""
    return float(to_metres(minutes, speed))

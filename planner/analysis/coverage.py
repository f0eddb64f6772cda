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

from planner._util import reproject
from planner.engine.model import Model
from planner.engine.travel import to_metres
from planner.io.profiles import Profile, Target
from planner.schema import FACILITY_TYPES
from planner.text import tr


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
    types = {lang: tr("profiles.type_sep", lang).join(getattr(FACILITY_TYPES[t], lang)
                                                      for t in target.facility_types)
             for lang in ("zh", "en")}
    reasons = {lang: np.full(len(kind), "", dtype=object) for lang in ("zh", "en")}
    gap = applies & ~met
    mins = f"{target.minutes:g}" if target.minutes else ""
    for i in np.nonzero(gap)[0]:
        for lang, out in reasons.items():
            parts = []
            if target.rule in ("inside", "inside_or_walk"):
                parts.append(tr("profiles.reason.no_inside", lang, types=types[lang]))
            if target.rule in ("walk", "inside_or_walk"):
                parts.append(tr("profiles.reason.walk_share", lang, minutes=mins, share=share[i]))
            out[i] = tr("profiles.reason.join", lang).join(parts)
    reason_zh, reason_en = reasons["zh"], reasons["en"]
    return pd.DataFrame({"applies": applies, "inside": inside, "share": share,
                         "met": np.where(applies, met, False), "reason_zh": reason_zh,
                         "reason_en": reason_en}, index=model.units.index)


@dataclass(frozen=True)
class TargetScore:
    """One target's value against its figure.

    ``value`` counts existing and planned facilities (规划); ``value_existing``
    existing ones only (现状).  ``met``/``met_existing`` are ``None`` for an
    informative target or when the value cannot be computed (see ``note``).
    ``overdue`` (逾期): the deadline year is past and the target is not met.
    """

    target: Target
    value: float
    met: bool | None
    n_units: int
    n_met: int
    pop60: float
    pop60_covered: float
    count: int = 0
    note: str = ""
    value_existing: float = np.nan
    met_existing: bool | None = None
    overdue: bool = False
    note_key: str = ""

    @property
    def level(self) -> str:
        """The level the target is scored at (county … institution)."""
        return self.target.level

    @property
    def deadline(self) -> int | None:
        """The target's deadline year (``None``: no deadline)."""
        return self.target.deadline

    @property
    def source(self) -> dict[str, str]:
        """The target's source as ``{file, quote, status}``."""
        return self.target.citation.as_dict()

    def note_text(self, lang: str = "zh") -> str:
        """The note in ``lang``."""
        from planner.analysis.standards import note_text

        return note_text(self.note_key, lang) if self.note_key else self.note

    def as_dict(self, lang: str = "zh") -> dict:
        """The score as plain data (what summary.json lists per target).

        Keys: ``id``, ``label``, ``level``, ``measure``, ``figure``,
        ``deadline``, ``value``, ``value_existing``, ``met``,
        ``met_existing``, ``overdue``, ``informative``, ``n_units``,
        ``n_units_met``, ``count``, ``note`` and ``source`` (an object).
        """
        def num(v: float) -> float | None:
            return None if v is None or not np.isfinite(v) else round(float(v), 6)

        t = self.target
        return {"id": t.id, "label": t.label(lang), "level": t.level, "measure": t.measure,
                "figure": t.figure, "deadline": t.deadline, "value": num(self.value),
                "value_existing": num(self.value_existing), "met": self.met,
                "met_existing": self.met_existing, "overdue": self.overdue,
                "informative": t.informative, "n_units": self.n_units, "n_units_met": self.n_met,
                "count": self.count, "note": self.note_text(lang), "source": self.source}


def score_target(model: Model, target: Target, units_mask: np.ndarray | None = None, *,
                 home: pd.DataFrame | None = None, today=None, weight: str = "pop60",
                 existing: bool = True) -> TargetScore:
    """Score one target over all units, or over the units in ``units_mask``.

    Parameters
    ----------
    model : Model
    target : Target
    units_mask : ndarray of bool, optional
        Score only these units (one per ``model.units`` row).
    home : DataFrame, optional
        Household-level counts (see :func:`planner.analysis.standards.home_total`).
    today : datetime.date, optional
        The day ``overdue`` is judged on (default: today).
    weight : str
        Population column of population shares and per-1,000 ratios:
        ``pop60`` (default) or an 80+ column such as ``pop80`` when the units have it.
    existing : bool
        Also compute ``value_existing`` (existing facilities only).

    Returns
    -------
    TargetScore
    """
    from planner.analysis import standards as sd

    n = len(model.units)
    mask = np.ones(n, dtype=bool) if units_mask is None else np.asarray(units_mask, bool)
    weight = weight if weight in model.units.columns else "pop60"
    now, was = sd.measure_target(model, target, mask, home=home, weight=weight), None
    if existing:
        types = target.facility_types if target.uses_walk else ()
        base = model if target.measure in sd.STANDARDS_MEASURES else sd.existing_model(model, types)
        was = sd.measure_target(base, target, mask, home=home, weight=weight, active=False)
    met = sd.judge(target, now)
    met_was = None if was is None else sd.judge(target, was)
    note = sd.note_text(now.note, "en")
    return TargetScore(target, float(now.value), met, now.n_units, now.n_met, now.pop60, now.pop60_covered,
                       now.count, note, np.nan if was is None else float(was.value), met_was,
                       sd.is_overdue(target, met, today), now.note)


def score_profile(model: Model, profile: Profile | None = None,
                  units_mask: np.ndarray | None = None, *, home: pd.DataFrame | None = None,
                  today=None, weight: str = "pop60") -> list[TargetScore]:
    """Score every target of the profile (default: the model's).

    Parameters
    ----------
    model : Model
    profile : Profile, optional
        Default: the model's profile.
    units_mask : ndarray of bool, optional
        Score only these units (one per ``model.units`` row), e.g. one
        street/township.
    home : DataFrame, optional
        Household-level counts (家庭养老床位, 适老化改造) by county/township.
    today : datetime.date, optional
        The day deadlines are judged on (default: today).
    weight : str
        ``pop60`` (default) or an 80+ column (e.g. ``pop80``) as the demand weight.

    Returns
    -------
    list of TargetScore
        In the profile's order; see :func:`scores_frame` for a table.
    """
    prof = profile or model.profile
    return [score_target(model, t, units_mask, home=home, today=today, weight=weight)
            for t in prof.targets]


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
        ``pop60_covered``, ``note``, ``source``, ``tag``, then ``level``,
        ``deadline``, ``value_existing``, ``met_existing``, ``overdue``,
        ``informative``, ``source_file``, ``source_quote``, ``source_status``.
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
            "target": t.figure,
            "met": s.met,
            "n_units": s.n_units,
            "n_met": s.n_met,
            "pop60": s.pop60,
            "pop60_covered": s.pop60_covered,
            "note": s.note_text(lang),
            "source": t.source,
            "tag": t.tag,
            "level": t.level,
            "deadline": t.deadline,
            "value_existing": s.value_existing,
            "met_existing": s.met_existing,
            "overdue": s.overdue,
            "informative": t.informative,
            "source_file": t.citation.file,
            "source_quote": t.citation.quote,
            "source_status": t.citation.status,
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
    rz: list[list[str]] = [[] for _ in range(len(units))]
    re_: list[list[str]] = [[] for _ in range(len(units))]
    for t in prof.targets:
        if t.unit_kind not in ("community", "village") or t.informative:
            continue
        st = unit_target_status(model, t)
        table[f"met_{t.id}"] = np.where(st["applies"], st["met"], None)
        g = st["applies"].to_numpy() & ~st["met"].to_numpy()
        gap |= g
        for i in np.nonzero(g)[0]:
            rz[i].append(st["reason_zh"].iat[i])
            re_[i].append(st["reason_en"].iat[i])
    table["gap"] = gap
    table["gap_reason_zh"] = [tr("analysis.reason_sep", "zh").join(r) for r in rz]
    table["gap_reason_en"] = [tr("analysis.reason_sep", "en").join(r) for r in re_]
    out = gpd.GeoDataFrame(table, geometry=units.geometry.values, crs=units.crs)
    return reproject(out, "EPSG:4326", copy=False)  # ``out`` is this function's own


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

"""The measures of the plans beyond walking coverage: levels, beds, institutions, households.

The plans build a four-level network (县–乡镇(街道)–村(社区)–家庭) and set
figures on institutions and households as well as on walking coverage.  This
module reads what those figures need from the inputs and scores them:

- which street/township is a 街道 and which a 乡镇 (:func:`street_kinds`), and
  which county each unit belongs to (:func:`county_keys`);
- institution attributes: ``level`` (county / township / community),
  ``disability_care`` (mainly caring for the disabled), ``grade`` (等级, 1--5)
  and ``operator`` (公办 / 公建民营 / 民办), read when the facility table has
  them (:func:`institution_levels`, :func:`grades`, :func:`social_operated`);
- bed measures: nursing-type share, a bed column's sum, beds per 1,000 people
  aged 60+;
- household counts (家庭养老床位, 适老化改造) from a small table of
  (code or name of a county/township, count) (:func:`home_total`);
- the model with existing facilities only, for the 现状 value of every target
  (:func:`existing_model`).

Every scoring function is pure and returns a :class:`Measured`.
"""

from __future__ import annotations

import datetime
import re
import weakref
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planner.engine.model import Model
from planner.io.profiles import Target
from planner.text.profiles import INSTITUTION_WORDS

EXISTING = "existing"
SOCIAL = ("public_private", "private")
"""Operators that count as social operation (公建民营, 民办)."""


@dataclass(frozen=True)
class Measured:
    """A measure's value: the value, units counted and met, facilities counted, a note key."""

    value: float
    n_units: int = 0
    n_met: int = 0
    count: int = 0
    note: str = ""
    pop60: float = 0.0
    pop60_covered: float = np.nan


# --- the model with existing facilities only ------------------------------------------

_EXISTING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def existing_mask(model: Model, active: bool = True) -> np.ndarray:
    """Facilities that count: active ones, or (``active=False``) existing ones only."""
    if active:
        return np.asarray(model.active)
    return model.facilities["status"].to_numpy() == EXISTING


def existing_model(model: Model, facility_types: tuple[str, ...] | None = None) -> Model:
    """The model with existing facilities only (planned ones left out), cached per model.

    Parameters
    ----------
    model : Model
    facility_types : tuple of str, optional
        Types whose walking times are needed (default: all); only those that
        have planned facilities are recomputed, the other types' walking
        times are left as they are (so use only their inside counts).

    Returns
    -------
    Model
        ``model`` itself when it has no active facility other than existing ones.
    """
    status = model.facilities["status"].to_numpy()
    extra = np.asarray(model.active) & (status != EXISTING)
    if not extra.any():
        return model
    planned = set(model.facilities["type"].to_numpy()[extra])
    need = tuple(sorted(planned if facility_types is None else planned & set(facility_types)))
    cache = _EXISTING.setdefault(model, {})
    if need not in cache:
        out = replace(model, active_statuses=(EXISTING,))
        for t in need:
            out = out._recompute(t)
        cache[need] = out
    return cache[need]


# --- units: street kinds and counties -------------------------------------------------

def _digits(value: object, n: int) -> str:
    s = re.sub(r"\D", "", str(value)) if value is not None else ""
    return s if len(s) >= n else ""


def _kind_from_word(word: str) -> str:
    w = str(word).strip().lower()
    if w in ("street", "county_town", "township"):
        return w
    for kind, words in INSTITUTION_WORDS["street_kind"].items():
        if w in words:
            return kind
    return ""


def street_kinds(units: pd.DataFrame) -> np.ndarray:
    """Per unit, the kind of its street/township: ``street``, ``county_town``, ``township`` or ''.

    Read from a ``street_kind`` column when present; else from the 12-digit
    division code (digits 7--9: 001--099 街道, 100--399 镇/乡) or the 9-digit
    ``street_code``; else from the street's name (…街道 / …镇 / …乡); else a
    street whose units are all communities is taken as a 街道.

    Examples
    --------
    >>> u = pd.DataFrame({"code": ["360999001001", "360999101001"], "street": ["a", "b"],
    ...                   "kind": ["community", "village"]})
    >>> street_kinds(u).tolist()
    ['street', 'township']
    """
    n = len(units)
    out = np.full(n, "", dtype=object)
    if "street_kind" in units.columns:
        out[:] = [_kind_from_word(w) for w in units["street_kind"].fillna("")]
    for col, width in (("street_code", 9), ("code", 12)):
        if col not in units.columns:
            continue
        for i, v in enumerate(units[col].to_numpy()):
            d = _digits(v, width)
            if out[i] or not d:
                continue
            part = int(d[6:9])
            out[i] = "street" if 1 <= part <= 99 else "township" if 100 <= part <= 399 else ""
    if "street" in units.columns:
        names = units["street"].fillna("").astype(str).to_numpy()
        for i, name in enumerate(names):
            if not out[i]:
                out[i] = _kind_from_name(name)
        if "kind" in units.columns:
            kinds = units["kind"].to_numpy()
            for name in set(names[out == ""]) - {""}:
                sel = names == name
                out[sel & (out == "")] = "street" if (kinds[sel] == "community").all() else "township"
    return out


def _kind_from_name(name: str) -> str:
    words = INSTITUTION_WORDS["street_kind"]
    if name.endswith(words["street"]):
        return "street"
    if name.endswith(words["township"]):
        return "township"
    return ""


def county_keys(units: pd.DataFrame) -> np.ndarray:
    """Per unit, its county (the first six digits of a 12-digit code; one county otherwise)."""
    if "code" not in units.columns:
        return np.full(len(units), "", dtype=object)
    keys = [_digits(v, 12)[:6] for v in units["code"].to_numpy()]
    return np.array(keys, dtype=object)


# --- institutions ---------------------------------------------------------------------

def _word_map(group: str) -> dict[str, str]:
    return {w.lower(): k for k, words in INSTITUTION_WORDS[group].items() for w in words}


def institution_levels(facilities: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """Per facility, ``county``, ``township``, ``community`` or '', and whether it was guessed.

    Read from the ``level`` column; where it is missing or blank, guessed from
    the name (…社区/…村 community, …乡/…镇/…街道 township, …县/…区/…市
    county), which a user's ``level`` column always overrides.
    """
    words = _word_map("level")
    n = len(facilities)
    out = np.full(n, "", dtype=object)
    if "level" in facilities.columns:
        out[:] = [words.get(str(v).strip().lower(), "") for v in facilities["level"].fillna("")]
    guessed = False
    if (out == "").any() and "name" in facilities.columns:
        names = facilities["name"].fillna("").astype(str).to_numpy()
        for i in np.nonzero(out == "")[0]:
            out[i] = _level_from_name(names[i])
            guessed = guessed or bool(out[i])
    return out, guessed


def _level_from_name(name: str) -> str:
    for level in ("community", "township", "county"):
        if any(w in name for w in INSTITUTION_WORDS[f"name_{level}"]):
            return level
    return ""


def disability_flags(facilities: pd.DataFrame) -> np.ndarray | None:
    """Per facility, whether it mainly cares for the disabled; ``None`` without the column."""
    if "disability_care" not in facilities.columns:
        return None
    yes = {w.lower() for w in INSTITUTION_WORDS["yes"]}
    col = facilities["disability_care"]
    return np.array([v is True or (v is not False and str(v).strip().lower() in yes) for v in col], bool)


def grades(facilities: pd.DataFrame) -> np.ndarray | None:
    """Per facility, its grade 1--5 (NaN ungraded); ``None`` without a ``grade`` column.

    Examples
    --------
    >>> grades(pd.DataFrame({"grade": [3, "二级", "未评定", None]})).tolist()
    [3.0, 2.0, nan, nan]
    """
    if "grade" not in facilities.columns:
        return None
    numerals = INSTITUTION_WORDS["grade"]
    out = np.full(len(facilities), np.nan)
    for i, v in enumerate(facilities["grade"].to_numpy()):
        s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        m = re.search(r"[1-5]", s)
        if m:
            out[i] = float(m.group())
        elif s and s[0] in numerals:
            out[i] = float(numerals.index(s[0]) + 1)
    return out


def social_operated(facilities: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Per facility: whether its operator is known, and whether it is social (公建民营/民办)."""
    if "operator" not in facilities.columns:
        return None
    words = _word_map("operator")
    op = np.array([words.get(str(v).strip().lower(), "") for v in facilities["operator"].fillna("")],
                  dtype=object)
    return op != "", np.isin(op, SOCIAL)


# --- measures -------------------------------------------------------------------------

def facility_scope(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> np.ndarray:
    """Facilities of the target's types, counting (active or existing), inside the masked units."""
    fac = model.facilities
    unit = fac["unit"].to_numpy()
    inside = (unit >= 0) & np.isin(unit, np.nonzero(mask)[0])
    return existing_mask(model, active) & fac["type"].isin(list(target.facility_types)).to_numpy() & inside


def _level_filter(model: Model, target: Target, sel: np.ndarray) -> tuple[np.ndarray, str]:
    """Narrow ``sel`` to the target's institution level (and disability flag); a note key."""
    notes = []
    if target.institution_level:
        levels, guessed = institution_levels(model.facilities)
        sel = sel & (levels == target.institution_level)
        notes += ["level_guessed"] if guessed else []
    if target.disability_care:
        flags = disability_flags(model.facilities)
        if flags is None:
            notes.append("flag_unchecked")
        else:
            sel = sel & flags
    return sel, ",".join(notes)


def count_institutions(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> Measured:
    """Facilities of the types (of the level, with the flag) in the area; per county if asked.

    With ``per_county`` the target is met when every county of the masked
    units holds ``min_count`` of them: ``n_units`` counties, ``n_met`` met.
    """
    sel, note = _level_filter(model, target, facility_scope(model, target, mask, active=active))
    count = int(sel.sum())
    if not target.per_county:
        return Measured(float(count), 1, int(count >= target.min_count), count, note)
    counties = county_keys(model.units)
    unit = model.facilities["unit"].to_numpy()
    names = sorted(set(counties[mask]))
    fac_county = np.full(len(unit), None, dtype=object)
    fac_county[unit >= 0] = counties[unit[unit >= 0]]
    per = {c: int((sel & (fac_county == c)).sum()) for c in names}
    n_met = sum(v >= target.min_count for v in per.values())
    return Measured(float(count), len(names), int(n_met), count, note)


def inside_counts(model: Model, facility_types: tuple[str, ...], *, active: bool = True) -> np.ndarray:
    """Per unit, facilities of the types inside it (active, or existing only)."""
    sel = existing_mask(model, active) & model.facilities["type"].isin(list(facility_types)).to_numpy()
    unit = model.facilities["unit"].to_numpy()[sel]
    return np.bincount(unit[unit >= 0], minlength=len(model.units))


def street_scores(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> Measured:
    """Share of the streets (or townships) of the target's kinds with a facility of its types inside.

    A street/township counts once, with all its units; only those whose kind
    (see :func:`street_kinds`) is among ``target.streets`` are scored, so a
    target on 街道 is not failed by rural townships.
    """
    units = model.units
    if "street" not in units.columns or units["street"].isna().all():
        return Measured(np.nan, note="no_street")
    keep = mask & np.isin(street_kinds(units), list(target.streets)) & units["street"].notna().to_numpy()
    df = pd.DataFrame({"street": units["street"].to_numpy(),
                       "inside": inside_counts(model, target.facility_types, active=active),
                       "pop60": units["pop60"].to_numpy(float)})[keep]
    if df.empty:
        return Measured(np.nan, note="no_units")
    g = df.groupby("street", sort=True).agg(inside=("inside", "sum"), pop60=("pop60", "sum"))
    met = g["inside"] > 0
    return Measured(float(met.mean()), len(g), int(met.sum()), int(g["inside"].sum()),
                    pop60=float(g["pop60"].sum()), pop60_covered=float(g.loc[met, "pop60"].sum()))


def _beds(model: Model, sel: np.ndarray, column: str) -> np.ndarray:
    if column not in model.facilities.columns:
        return np.full(int(sel.sum()), np.nan)
    return pd.to_numeric(model.facilities[column], errors="coerce").to_numpy(float)[sel]


def bed_share(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> Measured:
    """Nursing-type beds over all beds of the institutions that report both.

    Institutions without a capacity are left out; a missing nursing-bed count
    counts as none (a conservative reading).
    """
    sel, note = _level_filter(model, target, facility_scope(model, target, mask, active=active))
    cap = _beds(model, sel, "capacity")
    nursing = _beds(model, sel, "nursing_beds")
    ok = np.isfinite(cap) & (cap > 0)
    total = float(cap[ok].sum())
    if total <= 0:
        return Measured(np.nan, int(ok.sum()), 0, int(ok.sum()), "no_beds")
    nurse = float(np.nan_to_num(np.minimum(nursing[ok], cap[ok])).sum())
    return Measured(nurse / total, int(ok.sum()), 0, int(ok.sum()), note)


def bed_sum(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> Measured:
    """The sum of the target's bed column (e.g. ``dementia_beds``) over its institutions."""
    column = target.bed_column or "capacity"
    if column not in model.facilities.columns:
        return Measured(np.nan, note=f"no_column:{column}")
    sel, note = _level_filter(model, target, facility_scope(model, target, mask, active=active))
    beds = _beds(model, sel, column)
    return Measured(float(np.nansum(beds)), count=int(np.isfinite(beds).sum()), note=note)


def beds_per_1000(model: Model, target: Target, mask: np.ndarray, *, active: bool = True,
                  weight: str = "pop60") -> Measured:
    """Beds (capacity) of the target's institutions per 1,000 people aged 60+ (or ``weight``)."""
    sel, note = _level_filter(model, target, facility_scope(model, target, mask, active=active))
    beds = float(np.nansum(_beds(model, sel, "capacity")))
    pop = float(model.units[weight].to_numpy(float)[mask].sum()) if weight in model.units.columns else 0.0
    if pop <= 0:
        return Measured(np.nan, note="no_units")
    return Measured(beds / pop * 1000.0, count=int(sel.sum()), note=note)


def grade_share(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> Measured:
    """Share of the target's institutions graded at least ``min_grade``."""
    g = grades(model.facilities)
    if g is None:
        return Measured(np.nan, note="no_column:grade")
    sel, note = _level_filter(model, target, facility_scope(model, target, mask, active=active))
    n = int(sel.sum())
    if n == 0:
        return Measured(np.nan, note="no_institutions")
    ok = int((g[sel] >= (target.min_grade or 1)).sum())
    return Measured(ok / n, n, ok, n, note)


def operator_share(model: Model, target: Target, mask: np.ndarray, *, active: bool = True) -> Measured:
    """Share of the target's facilities (with a known operator) run by social operators."""
    ops = social_operated(model.facilities)
    if ops is None:
        return Measured(np.nan, note="no_column:operator")
    known, social = ops
    sel, note = _level_filter(model, target, facility_scope(model, target, mask, active=active))
    sel = sel & known
    n = int(sel.sum())
    if n == 0:
        return Measured(np.nan, note="no_institutions")
    k = int(social[sel].sum())
    return Measured(k / n, n, k, n, note)


HOME_COLUMNS = {"home_beds": ("home_beds",), "adaptations": ("adaptations",)}


def home_total(home: pd.DataFrame | None, column: str, units: pd.DataFrame | None = None,
               mask: np.ndarray | None = None) -> Measured:
    """A household-level count (e.g. ``home_beds``) summed over the home table.

    Parameters
    ----------
    home : DataFrame or None
        One row per county or township: ``code`` or ``name``, and the count
        columns (``home_beds`` for 家庭养老床位, ``adaptations`` for
        适老化改造).  ``None``: no table given.
    column : str
        The count column.
    units : DataFrame, optional
        The model's units, to keep only the rows of the masked area.
    mask : ndarray of bool, optional
        Units in the area; rows whose code prefixes a masked unit's code, or
        whose name is a masked unit's street or name, are kept.

    Returns
    -------
    Measured
        The sum (``count`` rows); NaN with a note when there is no table or column.

    Examples
    --------
    >>> home_total(pd.DataFrame({"name": ["青山镇", "石桥镇"], "home_beds": [120, 200]}), "home_beds").value
    320.0
    """
    if home is None:
        return Measured(np.nan, note="no_home_table")
    if column not in home.columns:
        return Measured(np.nan, note=f"no_column:{column}")
    rows = np.ones(len(home), bool)
    if units is not None and mask is not None and not np.asarray(mask, bool).all():
        rows = _home_rows_in(home, units, np.asarray(mask, bool))
    vals = pd.to_numeric(home[column], errors="coerce").to_numpy(float)[rows]
    return Measured(float(np.nansum(vals)), count=int(np.isfinite(vals).sum()))


def _home_rows_in(home: pd.DataFrame, units: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    rows = np.zeros(len(home), bool)
    if "code" in home.columns and "code" in units.columns:
        codes = [str(c) for c in units["code"].to_numpy()[mask]]
        for i, c in enumerate(home["code"].astype(str).to_numpy()):
            rows[i] = bool(c) and any(u.startswith(c) or c.startswith(u) for u in codes)
    if "name" in home.columns:
        names = set()
        for col in ("street", "name"):
            if col in units.columns:
                names |= set(units[col].astype(str).to_numpy()[mask])
        rows |= home["name"].astype(str).isin(names).to_numpy()
    return rows


def measure_value(model: Model, target: Target, mask: np.ndarray, *, active: bool = True,
                  home: pd.DataFrame | None = None, weight: str = "pop60") -> Measured:
    """The value of one of this module's measures (see :data:`planner.io.profiles.MEASURES`).

    Parameters
    ----------
    model : Model
    target : Target
        A target whose measure is ``count``, ``bed_share``, ``beds``,
        ``beds_per_1000``, ``grade_share``, ``operator_share`` or ``home_count``.
    mask : ndarray of bool
        Units of the area scored.
    active : bool
        Count active facilities (existing and planned); ``False``: existing only.
    home : DataFrame, optional
        The household-level table (see :func:`home_total`).
    weight : str
        Population column of the per-1,000 ratio (``pop60``, or ``pop80``).
    """
    m = target.measure
    if m == "count":
        return count_institutions(model, target, mask, active=active)
    if m == "bed_share":
        return bed_share(model, target, mask, active=active)
    if m == "beds":
        return bed_sum(model, target, mask, active=active)
    if m == "beds_per_1000":
        return beds_per_1000(model, target, mask, active=active, weight=weight)
    if m == "grade_share":
        return grade_share(model, target, mask, active=active)
    if m == "operator_share":
        return operator_share(model, target, mask, active=active)
    if m == "home_count":
        return home_total(home, target.home_column or "", model.units, mask)
    raise ValueError(f"not a standards measure: {m!r}")


STANDARDS_MEASURES = ("count", "bed_share", "beds", "beds_per_1000", "grade_share", "operator_share",
                      "home_count")


def judge(target: Target, measured: Measured) -> bool | None:
    """Whether a measured value meets the target (``None``: informative or unknown)."""
    if target.informative or not np.isfinite(measured.value):
        return None
    if target.measure == "count" and target.per_county:
        return measured.n_units > 0 and measured.n_met == measured.n_units
    fig = target.figure
    return None if fig is None else bool(measured.value >= fig - 1e-12)


def note_text(keys: str, lang: str = "zh") -> str:
    """A measure's note (comma-separated keys, ``key:column`` for a missing column) in ``lang``.

    Examples
    --------
    >>> note_text("no_column:grade,level_guessed", "en")
    'the data have no grade column; institution level guessed from names'
    """
    from planner.text import tr

    parts = []
    for key in filter(None, keys.split(",")):
        name, _, column = key.partition(":")
        parts.append(tr(f"profiles.note.{name}", lang, column=column))
    return tr("profiles.reason.join", lang).join(parts)


def is_overdue(target: Target, met: bool | None, today: datetime.date | None = None) -> bool:
    """Past the end of the deadline year and not met (逾期).

    Examples
    --------
    >>> import datetime
    >>> t = {t.id: t for t in __import__("planner").load_profile("jingdezhen").targets}["home_beds"]
    >>> is_overdue(t, False, datetime.date(2026, 1, 1)), is_overdue(t, False, datetime.date(2025, 12, 31))
    (True, False)
    """
    day = today or datetime.date.today()
    return bool(target.deadline is not None and met is False and day.year > target.deadline)


def measure_target(model: Model, target: Target, mask: np.ndarray, *, home: pd.DataFrame | None = None,
                   weight: str = "pop60", active: bool = True) -> Measured:
    """Any target's value on ``model`` over the masked units.

    Parameters
    ----------
    model : Model
        For walking measures with ``active=False``, pass :func:`existing_model`.
    target : Target
    mask : ndarray of bool
        Units of the area scored.
    home : DataFrame, optional
        The household-level table (see :func:`home_total`).
    weight : str
        Population column (``pop60``, or an 80+ column such as ``pop80``).
    active : bool
        Count active facilities (existing and planned); ``False``: existing only.
    """
    from planner.analysis.coverage import unit_target_status

    pop60 = float(model.units[weight].to_numpy(float)[mask].sum())
    if target.measure in STANDARDS_MEASURES:
        m = measure_value(model, target, mask, active=active, home=home, weight=weight)
        return replace(m, pop60=pop60)
    if target.level in ("street", "township"):
        return street_scores(model, target, mask, active=active)
    st = unit_target_status(model, target)
    applies = st["applies"].to_numpy() & mask
    n_units = int(applies.sum())
    if n_units == 0:
        return Measured(np.nan, note="no_units")
    pop = model.units[weight].to_numpy(float)
    pop_total = float(pop[applies].sum())
    met = st["met"].to_numpy(bool)
    n_met = int(met[applies].sum())
    # an inside rule covers the whole 60+ population of a unit that meets it; the others
    # count the 60+ population within the walk
    covered = met.astype(float) if target.rule == "inside" else st["share"].to_numpy(float)
    pop_cov = float((pop * covered)[applies].sum())
    if target.measure == "population":
        value = pop_cov / pop_total if pop_total > 0 else np.nan
    else:
        value = n_met / n_units
    return Measured(float(value), n_units, n_met, 0, "", pop_total, pop_cov)

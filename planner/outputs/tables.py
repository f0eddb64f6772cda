"""The report tables: per unit, per target and the assumptions, with their headers and formats.

These are what civil-affairs staff attach to a document; they are written by
:mod:`planner.outputs.writers` (XLSX, CSV) and bundled by
:mod:`planner.outputs.export`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.schema import FACILITY_TYPES
from planner.text import column_label, kind_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis.result import Analysis
    from planner.io.profiles import Target

PERCENT_SUFFIXES = ("_share",)
"""Column suffixes shown as percentages."""

UNIT_KINDS = ("community", "village")
"""Unit kinds scored per unit (one row each in :func:`unit_table`)."""


def norm_lang(lang: str | None) -> str:
    """``zh`` for ``zh``, ``en`` for anything else."""
    return "zh" if lang == "zh" else "en"


def yes_no(values: Iterable[Any], lang: str, blank: str | None = None) -> list[str]:
    """是/否 (yes/no) for each value; ``blank`` (default empty) for None/NaN.

    Parameters
    ----------
    values : iterable
        Truth values; None or NaN where there is none.
    lang : str
        ``zh`` or ``en``.
    blank : str, optional
        Text for None/NaN (default empty).

    Returns
    -------
    list of str
    """
    yes, no = tr("table.yes", lang), tr("table.no", lang)
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append("" if blank is None else blank)
        else:
            out.append(yes if bool(v) else no)
    return out


def list_text(items: Iterable[str], lang: str) -> str:
    """Items joined the way ``lang`` lists them (、 or a comma)."""
    return tr("table.list_sep", lang).join(items)


def report_types(analysis: Analysis) -> list[str]:
    """Facility types in the report tables: the profile's catchments, in order."""
    types = [t for t in analysis.model.profile.catchments if f"{t}_share" in analysis.units.columns]
    return types or [t for t in FACILITY_TYPES if f"{t}_share" in analysis.units.columns]


def unit_targets(analysis: Analysis) -> list[Target]:
    """Targets scored per unit (community or village), in profile order."""
    return [t for t in analysis.model.profile.targets
            if t.unit_kind in UNIT_KINDS and f"met_{t.id}" in analysis.units.columns]


def unit_table(analysis: Analysis, lang: str = "zh", *, units_mask: Sequence[bool] | np.ndarray | None = None,
               facility_types: list[str] | None = None) -> pd.DataFrame:
    """The per-unit gap table for XLSX/CSV, ready for a report.

    One row per community/village (rows in input order): ``code`` (the
    12-digit division code, as text), ``name``, ``kind`` (社区/行政村),
    ``street``, ``population``, ``pop60``; for each facility type the
    nearest facility (``<type>_nearest``), the 60+-weighted median walking
    minutes to it (``<type>_minutes``, blank beyond the search bound), the
    share of the unit's 60+ population within the type's catchment
    (``<type>_share``, 0–1) and whether the unit has one of its own
    (``<type>_own``, 是/否); then ``met_<target>`` for each target scored on
    units (是/否, blank where the target does not apply), ``gap`` (是/否) and
    ``gap_reason``.  Use :func:`unit_labels` for the headers.

    Parameters
    ----------
    analysis : Analysis
        The analysis to tabulate.
    lang : str
        ``zh`` or ``en`` (kind labels, 是/否, the gap reason's language).
    units_mask : array of bool, optional
        Keep only these units (e.g. one street).
    facility_types : list of str, optional
        Default: every type of the profile's catchments.

    Returns
    -------
    DataFrame
        One row per unit kept, index 0..n-1.
    """
    lang = norm_lang(lang)
    u = analysis.units
    if units_mask is not None:
        u = u[np.asarray(units_mask, bool)]
    out = pd.DataFrame(index=u.index)
    out["code"] = u["code"].astype(str) if "code" in u.columns else ""
    out["name"] = u["name"].astype(str)
    out["kind"] = [kind_label(k, lang) if k in UNIT_KINDS else k for k in u["kind"]]
    out["street"] = u["street"].fillna("").astype(str) if "street" in u.columns else ""
    out["population"] = u["population"].astype(float).round(0)
    out["pop60"] = u["pop60"].astype(float).round(0)
    for t in facility_types or report_types(analysis):
        out[f"{t}_nearest"] = u[f"{t}_nearest"].fillna("").astype(str)
        out[f"{t}_minutes"] = u[f"{t}_minutes"].astype(float).round(2)
        out[f"{t}_share"] = u[f"{t}_share"].astype(float).round(4)
        out[f"{t}_own"] = yes_no(u[f"{t}_inside"].to_numpy() > 0, lang)
    for tg in unit_targets(analysis):
        out[f"met_{tg.id}"] = yes_no(u[f"met_{tg.id}"].tolist(), lang)
    out["gap"] = yes_no(u["gap"].tolist(), lang)
    out["gap_reason"] = u[f"gap_reason_{lang}"].fillna("").astype(str)
    return out.reset_index(drop=True)


def unit_labels(analysis: Analysis, lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`unit_table` columns that the generic labels do not know."""
    lang = norm_lang(lang)
    labels = {"gap_reason": tr("table.gap_reason", lang)}
    for t in FACILITY_TYPES:
        labels[f"{t}_own"] = tr("table.own_of", lang, type=type_label(t, lang))
        labels[f"{t}_minutes"] = tr("table.walk_to", lang, type=type_label(t, lang))
    for tg in analysis.model.profile.targets:
        labels[f"met_{tg.id}"] = tr("table.met_of", lang, target=tg.label(lang))
    return labels


def _pair_label(prefix: str, key: str, lang: str) -> str:
    """The catalogue label ``<prefix>.<key>``, or ``key`` itself when there is none."""
    text = tr(f"{prefix}.{key}", lang)
    return key if text == f"{prefix}.{key}" else text


def targets_table(analysis: Analysis, lang: str = "zh", *,
                  units_mask: Sequence[bool] | np.ndarray | None = None) -> pd.DataFrame:
    """Every target of the profile: value, target, met, counts (for a summary sheet).

    ``value`` and ``target`` are shares (0–1) except for ``count`` targets,
    where they are numbers of facilities; :func:`targets_formats` gives the
    matching Excel formats.  With ``units_mask`` the targets are scored over
    those units only (one street or township).

    Parameters
    ----------
    analysis : Analysis
        The analysis to tabulate.
    lang : str
        ``zh`` or ``en``.
    units_mask : array of bool, optional
        Score the targets over these units only.

    Returns
    -------
    DataFrame
        One row per target of the profile.
    """
    lang = norm_lang(lang)
    rows = []
    for s in analysis.scores_over(units_mask):
        t = s.target
        count = t.measure == "count"
        rows.append({
            "target_id": t.id,
            "label": t.label(lang),
            "facility_types": list_text((type_label(x, lang) for x in t.facility_types), lang),
            "unit_kind": tr(t.unit_kind, lang),
            "rule": _pair_label("table.rule", t.rule, lang),
            "minutes": t.minutes,
            "measure": _pair_label("table.measure", t.measure, lang),
            "value": s.value if np.isfinite(s.value) else np.nan,
            "target": float(t.min_count) if count else t.share,
            "met": yes_no([s.met], lang, blank="—")[0],
            "n_units": s.n_units,
            "n_met": s.n_met,
            "pop60": round(s.pop60, 1),
            "pop60_covered": round(s.pop60_covered, 1) if np.isfinite(s.pop60_covered) else np.nan,
            "note": s.note,
            "source": t.source,
            "tag": t.tag,
        })
    return pd.DataFrame(rows)


def targets_formats(table: pd.DataFrame) -> dict[str, str | list[str | None]]:
    """Excel formats for :func:`targets_table`: percent for shares, integer for counts."""
    counts = {tr("table.measure.count", lang) for lang in ("zh", "en")}
    per_row: list[str | None] = ["0" if m in counts else "0.0%" for m in table["measure"]]
    return {"value": per_row, "target": per_row}


def assumptions_table(analysis: Analysis, lang: str = "zh", *, sources: dict[str, str] | None = None,
                      date: str | None = None) -> pd.DataFrame:
    """The settings and the source of each figure, for the report's last sheet.

    Columns ``item``, ``setting``, ``source``.  ``sources`` adds rows naming
    the input files (e.g. ``{"boundaries": "units.gpkg"}``); ``date``
    defaults to today.

    Parameters
    ----------
    analysis : Analysis
        The analysis whose settings are listed.
    lang : str
        ``zh`` or ``en``.
    sources : dict, optional
        Input name → file.
    date : str, optional
        The date written (default today).

    Returns
    -------
    DataFrame
    """
    lang = norm_lang(lang)
    m = analysis.model

    def tx(name: str, **fmt: Any) -> str:
        return tr(f"table.as.{name}", lang, **fmt)

    rows = [
        (tx("date"), date or datetime.date.today().isoformat(), "eldercare-planner"),
        (tx("profile"), f"{m.profile.title(lang)} ({m.profile.name})", m.profile.path or tx("builtin")),
        (tx("speed"), tx("speed_value", speed=m.speed), m.profile.speed_source),
        (tx("network"), m.network.report.summary(lang), m.network.report.source),
        (tx("demand"), tx("demand_value", n=len(m.demand)), "planner.engine.demand"),
        (tx("snap"), tx("snap_value", metres=m.facility_snap.max_snap), ""),
        (tx("population"), tx("population_value"), ""),
    ]
    for key, val in (sources or {}).items():
        rows.append((tx("input", what=key), str(val), ""))
    for ft, minutes in m.profile.catchments.items():
        rows.append((tx("catchment", type=type_label(ft, lang)),
                     tr("minutes_metres", lang, minutes=minutes, metres=minutes * 60 * m.speed), ""))
    for tg in m.profile.targets:
        figure = f"≥ {tg.min_count}" if tg.measure == "count" else f"{tg.share:.0%}"
        rows.append((tx("target", target=tg.label(lang)), figure, f"{tg.source} [{tg.tag}]"))
    for w in m.warnings:
        rows.append((tx("warning"), w, ""))
    return pd.DataFrame(rows, columns=["item", "setting", "source"])


def assumption_labels(lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`assumptions_table`."""
    return {k: tr(f"table.{k}", lang) for k in ("item", "setting", "source")}


def sheet_names(lang: str = "zh") -> dict[str, str]:
    """Sheet names of the report workbook."""
    return {k: tr(f"table.sheet.{k}", lang) for k in ("units", "targets", "districts", "assumptions")}


def districts_table(analysis: Analysis) -> pd.DataFrame:
    """The per-street/township target values, target columns renamed ``<id>_share`` (percent format)."""
    d = analysis.districts.copy()
    ids = {tg.id for tg in analysis.model.profile.targets}
    return d.rename(columns={c: f"{c}_share" for c in d.columns if c in ids})


def number_format(col: str) -> str | None:
    """The Excel number format of a column, by its name (None: leave it)."""
    if col.endswith(PERCENT_SUFFIXES) or col in ("value_share", "share"):
        return "0.0%"
    if col in ("population", "pop60", "pop60_covered", "capacity", "nursing_beds"):
        return "#,##0"
    if col.endswith("_minutes") or col.startswith("minutes_") or col in ("minutes",):
        return "0.0"
    if col == "code":
        return "@"
    return None


def labelled(df: pd.DataFrame, lang: str | None, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """``df`` without geometry, headers in ``lang`` (``labels`` first); ``lang=None`` keeps the names.

    Parameters
    ----------
    df : DataFrame
        The table.
    lang : str or None
        Header language; None keeps the column names.
    labels : dict, optional
        Column → header, before the generic column labels.

    Returns
    -------
    DataFrame
    """
    out = pd.DataFrame(df.drop(columns=[c for c in df.columns if c == "geometry"]))
    if lang is None:
        return out
    labels = labels or {}
    out.columns = [labels.get(c, column_label(c, lang)) for c in out.columns]
    return out


def layer_labels() -> dict[str, str]:
    """Chinese headers of GIS layer fields the generic column labels do not know (``fields.csv``)."""
    keys = ("type_zh", "far_from_street", "facility_type", "metres", "area_km2", "street_code",
            "urban_rural_class", "gap")
    return {k: tr(f"table.layer.{k}", "zh") for k in keys}


def flag_labels(analysis: Analysis) -> dict[str, str]:
    """Chinese headers of the 1/0 ``met_<target>`` layer fields."""
    return {k: v + tr("table.flag_suffix", "zh") for k, v in unit_labels(analysis, "zh").items()
            if k.startswith("met_")}

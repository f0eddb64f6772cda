"""The report tables: per unit, per target and the assumptions, with their headers and formats.

These are what civil-affairs staff attach to a document; they are written by
:mod:`planner.outputs.writers` (XLSX, CSV) and bundled by
:mod:`planner.outputs.export`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.schema import FACILITY_TYPES
from planner.text import column_label, kind_label, role_label, tr, type_label

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


TARGET_COLUMNS = ("label", "level", "facility_types", "measure", "rule", "minutes", "target", "deadline",
                  "value_existing", "value", "met_existing", "met", "overdue", "n_scored", "n_scored_met", "pop60",
                  "pop60_covered", "note", "source_file", "source_quote", "source_status")
"""Columns of :func:`targets_table`, in order (headers: :func:`target_labels`)."""

SHARE_COLUMNS = ("target", "value_existing", "value")
"""Columns of :func:`targets_table` holding the figure and the values (a share or a count per row)."""


def level_label(level: str, lang: str) -> str:
    """A target's level in words (县（区）, 乡镇, 社区 …)."""
    return _pair_label("profiles.level", level, lang)


def deadline_text(deadline: int | None, lang: str) -> str:
    """``2025年底`` / ``end-2025``, or 未设期限 / no deadline."""
    return tr("profiles.deadline", lang, year=deadline) if deadline else tr("profiles.no_deadline", lang)


def source_status_label(status: str, lang: str) -> str:
    """A figure's origin in words (已发布文件原文, 征求意见稿原文, 国家文件/标准, 本工具的解读)."""
    return _pair_label("profiles.source", status, lang)


def targets_table(analysis: Analysis, lang: str = "zh", *,
                  units_mask: Sequence[bool] | np.ndarray | None = None) -> pd.DataFrame:
    """Every target of the profile, as people read it (the 指标汇总 sheet and ``targets.csv``).

    Columns (:data:`TARGET_COLUMNS`): the target's name (no internal id), its
    level, facility types, measure, rule and walk, the figure to reach
    (``target``, blank when informative) and deadline; ``value_existing``
    (现状: existing facilities only) beside ``value`` (规划: with the planned
    ones), whether each meets the figure, ``overdue`` (逾期: past the deadline
    and not met), the counts, a note, and the source: plan file, the plan's
    words, and the figure's origin in words.  ``target``, ``value_existing``
    and ``value`` are shares (0–1) or counts per row; :func:`targets_formats`
    gives the matching Excel formats and :func:`targets_text` the text for
    CSV.  With ``units_mask`` the targets are scored over those units only.

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
        One row per target of the profile; ``attrs["share"]`` says per row
        whether the values are shares.
    """
    lang = norm_lang(lang)
    rows, shares = [], []
    for s in analysis.scores_over(units_mask):
        t = s.target
        fig = t.figure
        walk = t.uses_walk
        rows.append({
            "label": t.label(lang),
            "level": level_label(t.level, lang),
            "facility_types": list_text((type_label(x, lang) for x in t.facility_types), lang),
            "measure": _pair_label("table.measure", t.measure, lang),
            "rule": _pair_label("table.rule", t.rule, lang),
            "minutes": t.minutes if walk else np.nan,
            "target": np.nan if fig is None else float(fig),
            "deadline": deadline_text(t.deadline, lang),
            "value_existing": s.value_existing if np.isfinite(s.value_existing) else np.nan,
            "value": s.value if np.isfinite(s.value) else np.nan,
            "met_existing": yes_no([s.met_existing], lang, blank="—")[0],
            "met": yes_no([s.met], lang, blank="—")[0],
            "overdue": tr("profiles.overdue", lang) if s.overdue else "",
            "n_scored": s.n_units,
            "n_scored_met": s.n_met,
            "pop60": round(s.pop60),
            "pop60_covered": round(s.pop60_covered) if np.isfinite(s.pop60_covered) else np.nan,
            "note": s.note_text(lang),
            "source_file": t.citation.file,
            "source_quote": t.citation.quote,
            "source_status": source_status_label(t.citation.status, lang),
        })
        shares.append(t.is_share)
    table = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    table.attrs["share"] = shares
    return table


def target_labels(lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`targets_table` (现状 is existing facilities only; 规划 adds the planned ones)."""
    lang = norm_lang(lang)
    return {c: tr(f"table.t.{c}", lang) for c in TARGET_COLUMNS}


def targets_formats(table: pd.DataFrame) -> dict[str, str | list[str | None]]:
    """Excel formats for :func:`targets_table`: percent for shares, whole numbers for counts."""
    shares = table.attrs.get("share")
    if shares is None:  # a table built elsewhere: tell shares by their size
        shares = [bool(v <= 1) for v in table["target"].fillna(1.0)]
    per_row: list[str | None] = ["0.0%" if sh else "#,##0.##" for sh in shares]
    return {c: per_row for c in SHARE_COLUMNS} | {"pop60": "#,##0", "pop60_covered": "#,##0", "minutes": "0.#"}


def share_text(value: float, share: bool = True) -> str:
    """A value as a report prints it: ``85.6%`` for a share, ``1,234`` or ``1.5`` for a count; blank for NaN.

    Examples
    --------
    >>> share_text(0.8557696686388897), share_text(0.999), share_text(3.0, share=False), share_text(float("nan"))
    ('85.6%', '99.9%', '3', '')
    """
    if value is None or not np.isfinite(value):
        return ""
    return f"{value:.1%}" if share else f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def targets_text(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`targets_table` with the figures and values as text (``85.6%``, ``3``) for a CSV people read."""
    out = table.copy()
    shares = table.attrs.get("share", [True] * len(table))
    for c in SHARE_COLUMNS:
        out[c] = [share_text(v, sh) for v, sh in zip(table[c], shares, strict=True)]
    for c in ("pop60", "pop60_covered"):
        out[c] = [share_text(v, False) for v in table[c]]
    out["minutes"] = [share_text(v, False) for v in table["minutes"]]
    return out


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

    prof = m.profile
    rows = [
        (tx("date"), date or datetime.date.today().isoformat(), "eldercare-planner"),
        (tx("profile"), prof.title(lang), _file_name(prof.path) if prof.path else tx("builtin")),
        (tx("document"), prof.document(lang), list_text(prof.files, lang)),
        (tx("status"), prof.status_text(lang), tr(f"profiles.{prof.status}_note", lang)
         if prof.status in ("draft", "default") else ""),
        (tx("speed"), tx("speed_value", speed=m.speed), prof.speed_source_text(lang)),
        # file names only: a server's folders are nobody's business in a deliverable
        (tx("network"), m.network.report.summary(lang), _file_name(m.network.report.source)),
        (tx("demand"), tx("demand_value", n=len(m.demand)), "planner.engine.demand"),
        (tx("snap"), tx("snap_value", metres=m.facility_snap.max_snap), ""),
        (tx("population"), tx("population_value"), ""),
    ]
    for key, val in (sources or {}).items():
        rows.append((tx("input", what=role_label(key, lang)), _file_name(val), ""))
    for ft, minutes in prof.catchments.items():
        rows.append((tx("catchment", type=type_label(ft, lang)),
                     tr("minutes_metres", lang, minutes=minutes, metres=minutes * 60 * m.speed),
                     source_status_label(prof.catchment_status, lang)))
    for tg in prof.targets:
        figure = tr("profiles.informative", lang) if tg.informative else tg.figure_text(lang)
        rows.append((tx("target", target=tg.label(lang)),
                     tx("figure_deadline", figure=figure, deadline=deadline_text(tg.deadline, lang)),
                     _source_line(tg.citation.file, tg.citation.quote, tg.citation.status, lang)))
    for c in prof.context:
        rows.append((tx("context", kind=tr(f"profiles.context.{c.kind}", lang), item=c.label(lang)),
                     "" if c.figure is None else f"{c.figure:,.4g}",
                     _source_line(c.citation.file, c.citation.quote, c.citation.status, lang)))
    for w in m.warning_texts(lang):
        rows.append((tx("warning"), w, ""))
    return pd.DataFrame(rows, columns=["item", "setting", "source"])


def _file_name(path: Any) -> str:
    """The last part of a path (the file's name), or the text itself when it is not a path."""
    text = str(path)
    return PurePath(text).name or text if ("/" in text or "\\" in text) else text


def _source_line(file: str, quote: str, status: str, lang: str) -> str:
    """``file：“quote”（origin）`` in ``lang``."""
    return tr("table.source_line", lang, file=file, quote=quote, status=source_status_label(status, lang))


def assumption_labels(lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`assumptions_table`."""
    return {k: tr(f"table.{k}", lang) for k in ("item", "setting", "source")}


def sheet_names(lang: str = "zh") -> dict[str, str]:
    """Sheet names of the report workbook."""
    return {k: tr(f"table.sheet.{k}", lang) for k in ("units", "targets", "districts", "assumptions")}


def districts_table(analysis: Analysis) -> pd.DataFrame:
    """The per-street/township target values, target columns renamed ``<id>_share`` (percent format).

    Headers: :func:`district_labels`.
    """
    d = analysis.districts.copy()
    ids = {tg.id for tg in analysis.model.profile.targets}
    return d.rename(columns={c: f"{c}_share" for c in d.columns if c in ids})


def district_labels(analysis: Analysis, lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`districts_table`'s target columns: the target's name, not its id."""
    lang = norm_lang(lang)
    return {f"{tg.id}_share": tr("table.district_value", lang, target=tg.label(lang))
            for tg in analysis.model.profile.targets}


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

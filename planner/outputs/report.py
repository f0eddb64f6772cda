"""Batch reports: one gap map and one table per street, township or county.

:func:`run_report` takes one analysis of the whole county (the network is
loaded and searched once), splits its units into districts
(:func:`district_list`) and hands each to :func:`render_district`, a pure
function of (analysis, district, settings) that writes that district's map
and workbook and returns its key figures.  An error in one district is caught
and listed; the others still finish.  :func:`write_index` writes
``index.csv`` and ``index.html`` listing every district, its figures and files.
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError
from planner._util import atomic_path
from planner.io.problems import problem_of
from planner.outputs import printmap
from planner.outputs.export import write_report_xlsx
from planner.outputs.tables import share_text, unit_targets
from planner.outputs.writers import safe_stem, write_csv
from planner.settings import DEFAULT_DPI, DEFAULT_LANG
from planner.text import column_label, role_label, tr, type_label

if TYPE_CHECKING:
    from planner.analysis.result import Analysis
    from planner.io.profiles import Target

BY = ("street", "township", "county")
"""District levels: streets (communities), townships (villages), the county."""

MAP_FORMATS = ("png", "pdf")


@dataclass(frozen=True, eq=False)
class District:
    """One district of a batch: its name, a file-safe stem and its units."""

    name: str
    stem: str
    mask: np.ndarray


@dataclass(frozen=True)
class ReportSettings:
    """What each district gets (shared by every district of a batch)."""

    facility_type: str = "day_care"
    minutes: float | None = None
    map_formats: tuple[str, ...] = ("png",)
    paper: str = "A4"
    orientation: str = "landscape"
    lang: str = DEFAULT_LANG
    dpi: int = DEFAULT_DPI
    county_name: str = ""
    sources: dict[str, str] = field(default_factory=dict)


def district_list(analysis: Analysis, by: str = "street", *, county_name: str = "") -> list[District]:
    """Split the units into districts.

    ``street``: the streets (街道) holding communities; ``township``: the
    townships (乡镇) holding administrative villages; a district's mask holds
    all its units whatever their kind.  ``county``: one district of every
    unit.  Districts are sorted by name and numbered in file names.

    Parameters
    ----------
    analysis : Analysis
        The whole area's analysis.
    by : {'street', 'township', 'county'}
        The district level.
    county_name : str
        Name of the one ``county`` district (default 全县).

    Returns
    -------
    list of District
    """
    if by not in BY:
        raise problem_of(InputError, "report_by_unknown", None, (), by=by)
    u = analysis.units
    n = len(u)
    if by == "county":
        name = county_name or tr("table.index.whole_county", "zh")
        return [District(name, f"01_{safe_stem(name)}", np.ones(n, bool))]
    if "street" not in u.columns or u["street"].isna().all():
        raise problem_of(InputError, "report_no_street_column", None, (), column=column_label("street", "zh"))
    kind = "community" if by == "street" else "village"
    streets = u["street"].fillna("").astype(str).to_numpy()
    names = sorted({s for s, k in zip(streets, u["kind"], strict=True) if k == kind and s})
    if not names and by == "street":
        raise problem_of(InputError, "report_no_streets")
    if not names:
        raise problem_of(InputError, "report_no_townships")
    width = max(2, len(str(len(names))))
    return [District(s, f"{i:0{width}d}_{safe_stem(s)}", streets == s) for i, s in enumerate(names, 1)]


def render_district(analysis: Analysis, district: District, out_dir: str | Path, settings: ReportSettings, *,
                    service_areas: gpd.GeoDataFrame | None = None,
                    context: dict[str, gpd.GeoDataFrame] | None = None) -> dict[str, Any]:
    """Write one district's map(s) and workbook; return its key figures and files.

    Pure apart from the files it writes (no shared state), so batches can
    run it on a process pool.

    Parameters
    ----------
    analysis : Analysis
        The whole area's analysis.
    district : District
        The district to render.
    out_dir : str or Path
        Folder the files go to.
    settings : ReportSettings
        What each district gets.
    service_areas : GeoDataFrame, optional
        Precomputed service areas (network CRS); default computed per map.
    context : dict, optional
        Map context layers, see :func:`planner.outputs.printmap.context_layers`.

    Returns
    -------
    dict
        ``district``, ``n_units``, ``population``, ``pop60``, ``gap_units``,
        ``share_<type>`` (60+-weighted share within the walk), one value per
        unit target, and ``map_<fmt>``/``xlsx`` file names (relative to
        ``out_dir``).
    """
    out = Path(out_dir)
    s = settings
    mask = district.mask
    u = analysis.units
    minutes = s.minutes if s.minutes is not None else analysis.model.profile.catchment(s.facility_type)
    pop60 = u["pop60"].to_numpy(float)
    share = analysis.coverage_share(s.facility_type, minutes)
    row = {
        "district": district.name,
        "n_units": int(mask.sum()),
        "population": float(u["population"].to_numpy(float)[mask].sum()),
        "pop60": float(pop60[mask].sum()),
        "gap_units": int(u["gap"].to_numpy(bool)[mask].sum()),
        f"share_{s.facility_type}": round(float((share * pop60)[mask].sum() / pop60[mask].sum()), 4)
        if pop60[mask].sum() > 0 else np.nan,
    }
    for sc in analysis.scores_over(mask):
        if sc.target.unit_kind in ("community", "village"):
            row[sc.target.id] = round(sc.value, 4) if sc.n_units else np.nan
    area = (s.county_name + district.name) if district.mask.sum() < len(u) else (s.county_name or None)
    for fmt in s.map_formats:
        name = f"{district.stem}_map.{fmt}"
        # looked up on the module at call time, so a test can stand in for it
        printmap.print_gap_map(analysis, out / name, facility_type=s.facility_type, minutes=minutes, paper=s.paper,
                      orientation=s.orientation, lang=s.lang, units_mask=None if mask.all() else mask,
                      dpi=s.dpi, area=area, service_areas=service_areas if service_areas is not None else True,
                      context=context, source=_source_text(s))
        row[f"map_{fmt}"] = name
    name = f"{district.stem}_table.xlsx"
    write_report_xlsx(analysis, out / name, lang=s.lang, units_mask=None if mask.all() else mask,
                      sources=s.sources)
    row["xlsx"] = name
    return row


def _source_text(s: ReportSettings) -> str | None:
    if not s.sources:
        return None
    # joined the Chinese way whatever the language, as the footers always were; roles in the map's language
    return tr("table.sources_sep", "zh").join(f"{role_label(k, s.lang)} {Path(v).name}" for k, v in s.sources.items())


def _run_one(analysis: Analysis, district: District, out_dir: Path, settings: ReportSettings,
             service_areas: gpd.GeoDataFrame | None,
             context: dict[str, gpd.GeoDataFrame] | None) -> dict[str, Any]:
    try:
        row = render_district(analysis, district, out_dir, settings, service_areas=service_areas,
                              context=context)
        row["status"] = "ok"
        row["error"] = ""
    except Exception as exc:  # noqa: BLE001 - one district's failure must not stop the batch
        row = {"district": district.name, "n_units": int(district.mask.sum()), "status": "failed",
               "error": f"{type(exc).__name__}: {exc}",
               "traceback": traceback.format_exc(limit=5)}
    return row


_POOL_STATE: dict[str, Any] = {}


def _pool_init(analysis: Analysis, out_dir: Path, settings: ReportSettings,
               service_areas: gpd.GeoDataFrame | None, context: dict[str, gpd.GeoDataFrame] | None) -> None:
    _POOL_STATE.update(analysis=analysis, out_dir=out_dir, settings=settings, service_areas=service_areas,
                       context=context)


def _pool_task(district: District) -> dict[str, Any]:
    st = _POOL_STATE
    return _run_one(st["analysis"], district, st["out_dir"], st["settings"], st["service_areas"], st["context"])


def run_report(
    analysis: Analysis,
    out_dir: str | Path,
    by: str = "street",
    *,
    settings: ReportSettings | None = None,
    context: dict[str, gpd.GeoDataFrame] | None = None,
    workers: int = 1,
    progress: bool = True,
    districts: Iterable[District] | None = None,
) -> pd.DataFrame:
    """One map and one table per district, plus ``index.csv`` and ``index.html``.

    Parameters
    ----------
    analysis : Analysis
        The whole county's analysis.
    out_dir : path
        Output folder (created).
    by : {'street', 'township', 'county'}
    settings : ReportSettings, optional
    context : dict, optional
        Map context layers (``water``, ``county``), see
        :func:`planner.outputs.printmap.context_layers`.
    workers : int
        Districts rendered in parallel (processes); 1 renders in this process.
    progress : bool
        Show a progress bar (tqdm, on stderr).
    districts : list of District, optional
        Default :func:`district_list` of ``by``.

    Returns
    -------
    DataFrame
        One row per district (``status`` ok/failed, ``error``) — also
        written as ``index.csv``.
    """
    from tqdm import tqdm

    from planner.analysis.result import service_area_layer

    s = settings or ReportSettings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = list(districts) if districts is not None else district_list(analysis, by, county_name=s.county_name)
    minutes = s.minutes if s.minutes is not None else analysis.model.profile.catchment(s.facility_type)
    # the service area is computed once for the county, then clipped by each map's extent
    sa = service_area_layer(analysis.model, [s.facility_type], minutes=(minutes,), crs=None)
    rows: list[dict[str, Any]] = []
    bar = tqdm(total=len(jobs), desc=_progress_label("districts"), unit="", disable=not progress, leave=True)
    try:
        if workers > 1 and len(jobs) > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_pool_init,
                                     initargs=(analysis, out, s, sa, context)) as pool:
                for row in pool.map(_pool_task, jobs):
                    rows.append(row)
                    bar.update(1)
        else:
            for d in jobs:
                bar.set_postfix_str(d.name)
                rows.append(_run_one(analysis, d, out, s, sa, context))
                bar.update(1)
    finally:
        bar.close()
    index = pd.DataFrame(rows)
    write_index(index, out, analysis=analysis, settings=s)
    return index


def _progress_label(what: str) -> str:
    """A progress bar's label in both languages (``districts / 区域``)."""
    return f"{tr(f'table.progress.{what}', 'en')} / {tr(f'table.progress.{what}', 'zh')}"


def write_index(index: pd.DataFrame, out_dir: str | Path, *, analysis: Analysis | None = None,
                settings: ReportSettings | None = None, targets: Sequence[Target] | None = None) -> dict[str, Path]:
    """Write ``index.csv`` (UTF-8 with BOM) and ``index.html`` for a batch.

    ``targets`` (the unit targets in the index) stand in for ``analysis``
    when no single analysis covers the batch (:mod:`planner.outputs.province`).

    Parameters
    ----------
    index : DataFrame
        One row per district (see :func:`run_report`).
    out_dir : str or Path
        The batch's folder.
    analysis : Analysis, optional
        The batch's analysis (its unit targets label the columns).
    settings : ReportSettings, optional
        The batch's settings (language, facility type, county name).
    targets : sequence of Target, optional
        The unit targets in the index, when there is no single analysis.

    Returns
    -------
    dict of str to Path
        ``csv`` and ``html``.
    """
    s = settings or ReportSettings()
    out = Path(out_dir)
    lang = s.lang
    if targets is None:
        targets = unit_targets(analysis) if analysis is not None else []
    labels = _index_labels(targets, s)
    table = index.drop(columns=[c for c in ("traceback",) if c in index.columns])
    paths = {"csv": write_csv(index_text(table, targets, lang), out / "index.csv", lang=lang, labels=labels)}
    paths["html"] = out / "index.html"
    with atomic_path(paths["html"]) as tmp:
        tmp.write_text(_index_html(table, labels, targets, s), encoding="utf-8")
    return paths


def index_text(table: pd.DataFrame, targets: Sequence[Target], lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The index as people read it: shares as ``99.9%``, populations as ``12,345``, status in words.

    Parameters
    ----------
    table : DataFrame
        One row per district (see :func:`run_report`).
    targets : sequence of Target
        The unit targets whose columns hold shares.
    lang : str
        Language of the status words.

    Returns
    -------
    DataFrame
    """
    out = table.copy()
    if "status" in table.columns:
        out["status"] = [tr(f"table.index.{v}", lang) if v in ("ok", "failed") else v for v in table["status"]]
    shares = {c for c in table.columns if c.startswith("share_")} | {tg.id for tg in targets}
    for c in table.columns:
        if c in shares:
            out[c] = [share_text(v) for v in pd.to_numeric(table[c], errors="coerce")]
        elif c in ("population", "pop60"):
            out[c] = [share_text(v, share=False) for v in pd.to_numeric(table[c], errors="coerce")]
    return out


def _index_labels(targets: Sequence[Target], s: ReportSettings) -> dict[str, str]:
    lang = s.lang

    def tx(key: str, **fmt: Any) -> str:
        return tr(f"table.index.{key}", lang, **fmt)

    labels = {k: tx(k) for k in ("district", "gap_units", "status", "error", "xlsx")}
    labels[f"share_{s.facility_type}"] = tx("share_of", type=type_label(s.facility_type, lang))
    for fmt in MAP_FORMATS:
        labels[f"map_{fmt}"] = tx("map_of", fmt=fmt.upper())
    labels["county_code"] = tx("county_code")
    for tg in targets:
        labels[tg.id] = tg.label(lang)
    return labels


def _index_html(table: pd.DataFrame, labels: dict[str, str], targets: Sequence[Target], s: ReportSettings) -> str:
    lang = s.lang

    def tx(key: str, **fmt: Any) -> str:
        return tr(f"table.index.{key}", lang, **fmt)

    share_cols = {c for c in table.columns if c.startswith("share_")}
    share_cols |= {tg.id for tg in targets}
    head = "".join(f"<th>{html.escape(labels.get(c, column_label(c, s.lang)))}</th>" for c in table.columns)
    body = []
    for _, r in table.iterrows():
        cells = []
        for c in table.columns:
            v = r[c]
            if isinstance(v, float) and not np.isfinite(v):
                text = ""
            elif c in share_cols:
                text = f"{v:.1%}"
            elif c in ("population", "pop60"):
                text = f"{v:,.0f}"
            elif c.startswith("map_") or c == "xlsx":
                text = f'<a href="{html.escape(str(v))}">{html.escape(str(v))}</a>' if isinstance(v, str) and v else ""
                cells.append(f"<td>{text}</td>")
                continue
            elif c == "status":
                text = tx("ok") if v == "ok" else tx("failed")
            else:
                text = "" if v is None else str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        cls = ' class="failed"' if r.get("status") == "failed" else ""
        body.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    title = tx("title", county=s.county_name, type=type_label(s.facility_type, lang))
    n_fail = int((table.get("status") == "failed").sum()) if "status" in table.columns else 0
    note = tx("n_failed", n=len(table), failed=n_fail) if n_fail else tx("n_districts", n=len(table))
    html_lang = tx("html_lang")
    return f"""<!DOCTYPE html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px 8px;text-align:left}}th{{background:#eee}}
tr.failed td{{background:#fdd}}</style></head>
<body><h1>{html.escape(title)}</h1><p>{html.escape(note)}</p>
<table><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""

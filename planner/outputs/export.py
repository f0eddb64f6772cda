"""Writing results: GeoPackage, GeoJSON, Shapefile, XLSX (Chinese headers), CSV, JSON, HTML.

The report tables (:func:`unit_table`, :func:`targets_table`,
:func:`assumptions_table`) are what civil-affairs staff attach to a document;
:func:`write_layers` writes the same results as GIS layers that open in QGIS
and ArcGIS, and :func:`write_html_map` an interactive map that works offline.

Every writer goes through :func:`atomic_path`: the file is written beside its
target under a temporary name and renamed into place only when complete, so an
interrupted run leaves the previous file intact, and an input is never
overwritten by accident.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError
from planner.schema import FACILITY_TYPES
from planner.text import column_label, kind_label, type_label
from planner.text import t as msg

PERCENT_SUFFIXES = ("_share",)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.part-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # writers (GDAL) want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_json(obj, path: str | Path) -> Path:
    """Write JSON (UTF-8, Chinese kept readable), atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default), encoding="utf-8")
    return Path(path)


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


def write_csv(df: pd.DataFrame, path: str | Path, *, lang: str | None = "zh",
              labels: dict[str, str] | None = None) -> Path:
    """UTF-8 CSV with a byte-order mark (Excel opens it with Chinese intact).

    Headers are translated to ``lang`` (``labels`` overrides single columns);
    ``lang=None`` keeps the column names as they are (for scripts).  Rows end
    with ``\n`` whatever the platform, so equal tables give equal bytes.
    """
    out = _labelled(df, lang, labels)
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return Path(path)


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: str | Path) -> Path:
    """One GeoPackage with several layers, atomically."""
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return Path(path)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path, *, lang: str = "zh",
               labels: dict[str, str] | None = None,
               formats: dict[str, str | list[str | None]] | None = None) -> Path:
    """An Excel workbook: headers in ``lang``, numbers formatted.

    Shares (``*_share``, ``value_share``) are shown as percentages, walking
    minutes with one decimal, populations with thousands separators, and
    12-digit division codes are stored as text (Excel would otherwise show
    them in scientific notation).

    Parameters
    ----------
    sheets : dict
        Sheet name → table (a ``geometry`` column is dropped).
    lang : str
        Header language (``zh`` or ``en``).
    labels : dict, optional
        Column → header, overriding the translation (e.g. target labels).
    formats : dict, optional
        Column → Excel number format, or a list with one format per row
        (``None`` leaves a cell as it is), overriding the defaults.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for sheet, df in sheets.items():
                df = df.drop(columns=[c for c in df.columns if c == "geometry"])
                out = _labelled(df, lang, labels)
                out.to_excel(xw, sheet_name=sheet[:31], index=False)
                ws = xw.sheets[sheet[:31]]
                ws.freeze_panes = "A2"
                for cell in ws[1]:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                for j, col in enumerate(df.columns, start=1):
                    letter = get_column_letter(j)
                    header = str(out.columns[j - 1])
                    longest = max([_text_width(header)] + [_text_width(v) for v in out.iloc[:200, j - 1]])
                    ws.column_dimensions[letter].width = min(max(longest + 2, 8), 50)
                    fmt = formats.get(col, _number_format(col, df[col]))
                    if fmt is None:
                        continue
                    cells = ws[letter][1:]
                    per_row = fmt if isinstance(fmt, list) else [fmt] * len(cells)
                    for cell, f in zip(cells, per_row, strict=False):
                        if f:
                            cell.number_format = f
    return Path(path)


def _text_width(v) -> int:
    """Display width of a cell (CJK characters count double)."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return 0
    text = f"{v:.3f}" if isinstance(v, float) else str(v)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _number_format(col: str, s: pd.Series) -> str | None:
    if col.endswith(PERCENT_SUFFIXES) or col in ("value_share", "share"):
        return "0.0%"
    if col in ("population", "pop60", "pop60_covered", "capacity", "nursing_beds"):
        return "#,##0"
    if col.endswith("_minutes") or col.startswith("minutes_") or col in ("minutes",):
        return "0.0"
    if col == "code":
        return "@"
    return None


def _labelled(df: pd.DataFrame, lang: str | None, labels: dict[str, str] | None = None) -> pd.DataFrame:
    out = pd.DataFrame(df.drop(columns=[c for c in df.columns if c == "geometry"]))
    if lang is None:
        return out
    labels = labels or {}
    out.columns = [labels.get(c, column_label(c, lang)) for c in out.columns]
    return out


def check_output_dir(out_dir: str | Path, inputs: list[str | Path] = ()) -> Path:
    """Create the output folder; refuse one that would overwrite an input file."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("output path exists and is not a folder", path=out,
                         hint="pass a folder for --out")
    for p in inputs:
        if p is not None and Path(p).resolve().parent == out.resolve():
            name = Path(p).name
            if name in _OUTPUT_NAMES:
                raise InputError(f"writing results to {out} would overwrite the input {name}",
                                 path=p, hint="choose another --out folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


_OUTPUT_NAMES = {"coverage.gpkg", "gaps.xlsx", "gaps.csv", "service_areas.gpkg", "summary.json",
                 "targets.csv", "travel_times.csv"}


YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}

_RULE_LABELS = {
    "inside": ("单元内有设施", "facility inside the unit"),
    "walk": ("步行可达", "within the walk"),
    "inside_or_walk": ("单元内有或步行可达", "inside or within the walk"),
    "count": ("设施数量", "number of facilities"),
}
_MEASURE_LABELS = {
    "units": ("达标单元占比", "share of units"),
    "population": ("60岁以上人口覆盖率", "share of the 60+ population"),
    "count": ("设施数量", "count"),
}
_TABLE_LABELS = {
    "gap_reason": ("缺口原因", "Gap reason"),
    "item": ("项目", "Item"),
    "setting": ("取值", "Value"),
}


def _yes_no(values, lang: str, blank=None) -> list[str]:
    yes, no = YES_NO["zh" if lang == "zh" else "en"]
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append("" if blank is None else blank)
        else:
            out.append(yes if bool(v) else no)
    return out


def report_types(analysis) -> list[str]:
    """Facility types in the report tables: the profile's catchments, in order."""
    types = [t for t in analysis.model.profile.catchments if f"{t}_share" in analysis.units.columns]
    return types or [t for t in FACILITY_TYPES if f"{t}_share" in analysis.units.columns]


def unit_targets(analysis):
    """Targets scored per unit (community or village), in profile order."""
    return [t for t in analysis.model.profile.targets
            if t.unit_kind in ("community", "village") and f"met_{t.id}" in analysis.units.columns]


def unit_table(analysis, lang: str = "zh", *, units_mask=None,
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
    lang : str
        ``zh`` or ``en`` (kind labels, 是/否, the gap reason's language).
    units_mask : array of bool, optional
        Keep only these units (e.g. one street).
    facility_types : list of str, optional
        Default: every type of the profile's catchments.
    """
    lang = "zh" if lang == "zh" else "en"
    u = analysis.units
    if units_mask is not None:
        u = u[np.asarray(units_mask, bool)]
    out = pd.DataFrame(index=u.index)
    out["code"] = u["code"].astype(str) if "code" in u.columns else ""
    out["name"] = u["name"].astype(str)
    out["kind"] = [kind_label(k, lang) if k in ("community", "village") else k for k in u["kind"]]
    out["street"] = u["street"].fillna("").astype(str) if "street" in u.columns else ""
    out["population"] = u["population"].astype(float).round(0)
    out["pop60"] = u["pop60"].astype(float).round(0)
    for t in facility_types or report_types(analysis):
        out[f"{t}_nearest"] = u[f"{t}_nearest"].fillna("").astype(str)
        out[f"{t}_minutes"] = u[f"{t}_minutes"].astype(float).round(2)
        out[f"{t}_share"] = u[f"{t}_share"].astype(float).round(4)
        out[f"{t}_own"] = _yes_no(u[f"{t}_inside"].to_numpy() > 0, lang)
    for tg in unit_targets(analysis):
        out[f"met_{tg.id}"] = _yes_no(u[f"met_{tg.id}"].tolist(), lang)
    out["gap"] = _yes_no(u["gap"].tolist(), lang)
    out["gap_reason"] = u[f"gap_reason_{lang}"].fillna("").astype(str)
    return out.reset_index(drop=True)


def unit_labels(analysis, lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`unit_table` columns that the generic labels do not know."""
    zh = lang == "zh"
    labels = {"gap_reason": _TABLE_LABELS["gap_reason"][0 if zh else 1]}
    for t in FACILITY_TYPES:
        labels[f"{t}_own"] = f"单元内有{type_label(t, 'zh')}" if zh else f"{type_label(t, 'en')}: own"
        labels[f"{t}_minutes"] = (f"至{type_label(t, 'zh')}步行分钟" if zh
                                  else f"{type_label(t, 'en')}: walk (min)")
    for tg in analysis.model.profile.targets:
        labels[f"met_{tg.id}"] = f"达标：{tg.label_zh}" if zh else f"Met: {tg.label_en}"
    return labels


def targets_table(analysis, lang: str = "zh", *, units_mask=None) -> pd.DataFrame:
    """Every target of the profile: value, target, met, counts (for a summary sheet).

    ``value`` and ``target`` are shares (0–1) except for ``count`` targets,
    where they are numbers of facilities; :func:`targets_formats` gives the
    matching Excel formats.  With ``units_mask`` the targets are scored over
    those units only (one street or township).
    """
    from planner.analysis.coverage import score_profile

    lang = "zh" if lang == "zh" else "en"
    i = 0 if lang == "zh" else 1
    scores = (analysis.scores if units_mask is None
              else score_profile(analysis.model, units_mask=np.asarray(units_mask, bool)))
    rows = []
    for s in scores:
        t = s.target
        count = t.measure == "count"
        rows.append({
            "target_id": t.id,
            "label": t.label(lang),
            "facility_types": ("、" if lang == "zh" else ", ").join(type_label(x, lang) for x in t.facility_types),
            "unit_kind": msg(t.unit_kind, lang),
            "rule": _RULE_LABELS.get(t.rule, (t.rule, t.rule))[i],
            "minutes": t.minutes,
            "measure": _MEASURE_LABELS.get(t.measure, (t.measure, t.measure))[i],
            "value": s.value if np.isfinite(s.value) else np.nan,
            "target": float(t.min_count) if count else t.share,
            "met": _yes_no([s.met], lang, blank="—")[0],
            "n_units": s.n_units,
            "n_met": s.n_met,
            "pop60": round(s.pop60, 1),
            "pop60_covered": round(s.pop60_covered, 1) if np.isfinite(s.pop60_covered) else np.nan,
            "note": s.note,
            "source": t.source,
            "tag": t.tag,
        })
    return pd.DataFrame(rows)


def targets_formats(table: pd.DataFrame) -> dict[str, list[str]]:
    """Excel formats for :func:`targets_table`: percent for shares, integer for counts."""
    per_row = ["0" if m in ("设施数量", "count") else "0.0%" for m in table["measure"]]
    return {"value": per_row, "target": per_row}


def assumptions_table(analysis, lang: str = "zh", *, sources: dict[str, str] | None = None,
                      date: str | None = None) -> pd.DataFrame:
    """The settings and the source of each figure, for the report's last sheet.

    Columns ``item``, ``setting``, ``source``.  ``sources`` adds rows naming
    the input files (e.g. ``{"boundaries": "units.gpkg"}``); ``date``
    defaults to today.
    """
    import datetime

    zh = lang == "zh"
    m = analysis.model

    def L(a, b):  # noqa: N802 - tiny local helper
        return a if zh else b

    rows = [
        (L("生成日期", "date"), date or datetime.date.today().isoformat(), "eldercare-planner"),
        (L("标准配置", "standards profile"), f"{m.profile.title(lang)} ({m.profile.name})",
         m.profile.path or L("程序内置", "shipped with the program")),
        (L("步行速度", "walking speed"), L(f"{m.speed:g} 米/秒", f"{m.speed:g} m/s"), m.profile.speed_source),
        (L("路网", "network"), m.network.report.summary(lang), m.network.report.source),
        (L("需求点", "demand points"),
         L(f"{len(m.demand):,} 个；各单元人口沿单元内可步行道路(或建筑)分布",
           f"{len(m.demand):,} points; population spread along walkable streets (or buildings) inside each unit"),
         "planner.engine.demand"),
        (L("吸附距离", "snap distance"),
         L(f"距道路超过 {m.facility_snap.max_snap:g} 米的点会被标记", f"> {m.facility_snap.max_snap:g} m from a street is flagged"), ""),
        (L("人口数据", "population figures"),
         L("边界图层的总人口、60岁以上人口字段", "population and 60+ columns of the boundaries layer"), ""),
    ]
    for key, val in (sources or {}).items():
        rows.append((L(f"输入：{key}", f"input: {key}"), str(val), ""))
    for ft, minutes in m.profile.catchments.items():
        rows.append((L(f"服务半径：{type_label(ft, 'zh')}", f"catchment: {type_label(ft, 'en')}"),
                     msg("minutes_metres", lang, minutes=minutes, metres=minutes * 60 * m.speed), ""))
    for tg in m.profile.targets:
        figure = f"≥ {tg.min_count}" if tg.measure == "count" else f"{tg.share:.0%}"
        rows.append((L(f"指标：{tg.label_zh}", f"target: {tg.label_en}"), figure, f"{tg.source} [{tg.tag}]"))
    for w in m.warnings:
        rows.append((L("警告", "warning"), w, ""))
    return pd.DataFrame(rows, columns=["item", "setting", "source"])


def assumption_labels(lang: str = "zh") -> dict[str, str]:
    """Headers of :func:`assumptions_table`."""
    i = 0 if lang == "zh" else 1
    return {"item": _TABLE_LABELS["item"][i], "setting": _TABLE_LABELS["setting"][i],
            "source": "来源" if i == 0 else "Source"}


def sheet_names(lang: str = "zh") -> dict[str, str]:
    """Sheet names of the report workbook."""
    if lang == "zh":
        return {"units": "单元覆盖", "targets": "指标汇总", "districts": "街道乡镇", "assumptions": "假设与来源"}
    return {"units": "units", "targets": "targets", "districts": "districts", "assumptions": "assumptions"}


def write_report_xlsx(analysis, path: str | Path, *, lang: str = "zh", units_mask=None,
                      districts: bool = True, sources: dict[str, str] | None = None) -> Path:
    """The report workbook: units, target summary, (districts), assumptions.

    Parameters
    ----------
    analysis : Analysis
    path : path
        ``.xlsx`` file, written atomically.
    lang : str
        ``zh`` (default) or ``en``.
    units_mask : array of bool, optional
        Only these units, with the targets scored over them.
    districts : bool
        Add the per-street/township sheet (whole-area workbooks only).
    sources : dict, optional
        Input files to list on the assumptions sheet.
    """
    names = sheet_names(lang)
    units = unit_table(analysis, lang, units_mask=units_mask)
    targets = targets_table(analysis, lang, units_mask=units_mask)
    sheets = {names["units"]: units, names["targets"]: targets}
    if districts and units_mask is None and len(analysis.districts):
        sheets[names["districts"]] = _districts_table(analysis, lang)
    sheets[names["assumptions"]] = assumptions_table(analysis, lang, sources=sources)
    labels = {**unit_labels(analysis, lang), **assumption_labels(lang),
              **{tg.id: tg.label(lang) for tg in analysis.model.profile.targets}}
    formats = {**targets_formats(targets)}
    # per-sheet formats: value/target only exist on the targets sheet
    return write_xlsx(sheets, path, lang=lang, labels=labels, formats=formats)


def _districts_table(analysis, lang: str) -> pd.DataFrame:
    d = analysis.districts.copy()
    ids = {tg.id for tg in analysis.model.profile.targets}
    return d.rename(columns={c: f"{c}_share" for c in d.columns if c in ids})


def write_unit_csv(analysis, path: str | Path, *, lang: str = "zh", units_mask=None) -> Path:
    """The per-unit table as UTF-8 CSV with BOM; equal inputs give byte-identical files."""
    return write_csv(unit_table(analysis, lang, units_mask=units_mask), path, lang=lang,
                     labels=unit_labels(analysis, lang))


# --- GIS layers -----------------------------------------------------------

LAYER_FORMATS = ("gpkg", "geojson", "shp")
SHAPEFILE_ENCODINGS = ("utf-8", "gbk")


def gis_layers(analysis, *, minutes=(5, 10, 15), service_areas: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """The result layers in WGS-84: ``units``, ``facilities``, ``service_areas``.

    ``units`` is the gap table (``met_<target>`` as 1/0, empty where the
    target does not apply); ``facilities`` every facility with its snap
    distance; ``service_areas`` the walking service areas per type and walk.
    """
    from planner.analysis.result import service_area_layer

    m = analysis.model
    units = analysis.units.copy()
    if "code" in units.columns:
        units["code"] = units["code"].astype(str)
    for c in units.columns:
        if c.startswith("met_"):
            units[c] = pd.array([None if v is None else int(bool(v)) for v in units[c]], dtype="Int32")
        elif units[c].dtype == bool:
            units[c] = units[c].astype("int32")
    fac = m.facilities.drop(columns=["unit"]).to_crs("EPSG:4326")
    fac["type_zh"] = [type_label(x, "zh") for x in fac["type"]]
    fac["snap_m"] = np.round(m.facility_snap.access, 1)
    fac["far_from_street"] = m.facility_snap.far.astype("int32")
    fac = fac[[c for c in fac.columns if c != "geometry"] + ["geometry"]]
    layers = {"units": units, "facilities": fac}
    if service_areas:
        layers["service_areas"] = service_area_layer(m, minutes=minutes)
    return layers


def shapefile_field_names(columns) -> dict[str, str]:
    """Map column names to unique DBF field names of at most 10 characters.

    Names that fit are kept; facility-type prefixes are shortened to their
    initials (``day_care_share`` → ``dc_share``), and what is still too long
    is cut and numbered, so two columns never share a field (DBF compares
    names case-insensitively).  The mapping is written beside the layers as
    ``fields.csv``.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    type_abbr = {k: "".join(p[0] for p in k.split("_")) for k in FACILITY_TYPES}
    fixed = {"population": "population", "gap_reason_zh": "reason_zh", "gap_reason_en": "reason_en",
             "facility_id": "fac_id", "far_from_street": "far_street", "facility_type": "fac_type",
             "nursing_beds": "nurs_beds", "street_code": "street_cd", "urban_rural_class": "ur_class"}
    suffix_abbr = {"inside": "in", "share": "share", "minutes": "min", "nearest_id": "nid",
                   "nearest": "near", "own": "own"}
    for col in columns:
        if col == "geometry":
            continue
        name = fixed.get(col, col)
        if len(name) > 10:
            for k, ab in type_abbr.items():
                if name.startswith(k + "_"):
                    rest = name[len(k) + 1:]
                    name = f"{ab}_{suffix_abbr.get(rest, rest)}"
                    break
        if name.startswith("met_") and len(name) > 10:
            name = "met_" + name[4:10]
        cand = name[:10]
        k = 1
        while cand.lower() in used:
            tail = str(k)
            cand = name[: 10 - len(tail) - 1] + "_" + tail
            k += 1
        used.add(cand.lower())
        out[col] = cand
    return out


_LAYER_LABELS = {"type_zh": "设施类型(中文)", "far_from_street": "远离道路(1=是)", "facility_type": "设施类型",
                 "metres": "步行距离(米)", "area_km2": "面积(平方千米)", "street_code": "街道乡镇代码",
                 "urban_rural_class": "城乡分类代码", "gap": "存在缺口(1=是)"}


def _check_encodable(gdf: gpd.GeoDataFrame, encoding: str, layer: str) -> None:
    for c in gdf.columns:
        if c == "geometry" or gdf[c].dtype != object:
            continue
        for v in gdf[c].dropna():
            try:
                str(v).encode(encoding)
            except UnicodeEncodeError as exc:
                raise InputError(
                    f"layer {layer}, column {c}: {v!r} cannot be written in {encoding.upper()}",
                    hint="export the shapefile with encoding='utf-8' (QGIS and ArcGIS 10.x+ read the .cpg)",
                ) from exc


def write_shapefile_zip(layers: dict[str, gpd.GeoDataFrame], path: str | Path, *,
                        encoding: str = "utf-8", labels: dict[str, str] | None = None) -> Path:
    """Zipped shapefiles (one per layer) with ``.cpg`` and a ``fields.csv`` mapping.

    Parameters
    ----------
    layers : dict
        Layer name → GeoDataFrame (one geometry type each).
    path : path
        The ``.zip`` to write (atomically).
    encoding : {'utf-8', 'gbk'}
        Text encoding of the ``.dbf``; the ``.cpg`` names it.  GBK suits old
        ArcGIS/ArcView installs; UTF-8 keeps every character.
    labels : dict, optional
        Column → Chinese header for ``fields.csv`` (default: the generic labels).

    Raises
    ------
    InputError
        A text value cannot be written in ``encoding``.
    """
    import zipfile

    enc = encoding.lower().replace("_", "-")
    if enc in ("utf8",):
        enc = "utf-8"
    if enc not in SHAPEFILE_ENCODINGS:
        raise InputError(f"unsupported shapefile encoding {encoding!r}", hint="use 'utf-8' or 'gbk'")
    gdal_enc = "UTF-8" if enc == "utf-8" else "GBK"
    mapping_rows = []
    with tempfile.TemporaryDirectory() as td:
        folder = Path(td)
        for layer, gdf in layers.items():
            names = shapefile_field_names(gdf.columns)
            out = gdf.rename(columns=names)
            if enc != "utf-8":
                _check_encodable(out, enc, layer)
            out.to_file(folder / f"{layer}.shp", driver="ESRI Shapefile", engine="pyogrio",
                        encoding=gdal_enc)
            # GDAL writes the .cpg for UTF-8 only; write it ourselves for both
            (folder / f"{layer}.cpg").write_text(gdal_enc, encoding="ascii")
            mapping_rows += [(layer, f, c) for c, f in names.items()]
        mapping = pd.DataFrame(mapping_rows, columns=["layer", "field", "column"])
        labels = {**_LAYER_LABELS, **(labels or {})}
        mapping["header_zh"] = [labels.get(c, column_label(c, "zh")) for c in mapping["column"]]
        mapping.to_csv(folder / "fields.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
        with atomic_path(path) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(folder.iterdir()):
                    zf.write(f, arcname=f.name)
    return Path(path)


def write_layers(analysis, out_dir: str | Path, formats=LAYER_FORMATS, encoding: str = "utf-8", *,
                 minutes=(5, 10, 15), service_areas: bool = True, stem: str = "layers") -> dict[str, Path]:
    """Write the result layers as GeoPackage, GeoJSON and/or zipped Shapefile.

    Parameters
    ----------
    analysis : Analysis
    out_dir : path
        Folder (created).
    formats : iterable of {'gpkg', 'geojson', 'shp'}
        ``gpkg``: one ``<stem>.gpkg`` with layers units, facilities,
        service_areas; ``geojson``: one ``<stem>_<layer>.geojson`` per layer
        (WGS-84, UTF-8); ``shp``: ``<stem>_shp.zip`` (see
        :func:`write_shapefile_zip`).
    encoding : {'utf-8', 'gbk'}
        Shapefile text encoding.
    minutes : iterable of float
        Walks of the service areas.
    service_areas : bool
        Include the service-area layer.

    Returns
    -------
    dict
        Format (``gpkg``, ``geojson:<layer>``, ``shp``) → path written.
    """
    formats = tuple(formats)
    bad = [f for f in formats if f not in LAYER_FORMATS]
    if bad:
        raise InputError(f"unknown layer format(s): {', '.join(bad)}", hint="use gpkg, geojson, shp")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    layers = gis_layers(analysis, minutes=minutes, service_areas=service_areas)
    paths: dict[str, Path] = {}
    if "gpkg" in formats:
        paths["gpkg"] = write_gpkg(layers, out / f"{stem}.gpkg")
    if "geojson" in formats:
        for name, gdf in layers.items():
            target = out / f"{stem}_{name}.geojson"
            with atomic_path(target) as tmp:
                gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES"})
            paths[f"geojson:{name}"] = target
    if "shp" in formats:
        labels = {k: v + "(1=是)" for k, v in unit_labels(analysis, "zh").items() if k.startswith("met_")}
        paths["shp"] = write_shapefile_zip(layers, out / f"{stem}_shp.zip", encoding=encoding, labels=labels)
    return paths


# --- interactive HTML ------------------------------------------------------

_STATIC = Path(__file__).resolve().parents[1] / "static" / "leaflet"
# folium's default assets other than Leaflet: not needed by the maps we draw
_DROP_ASSETS = ("jquery", "bootstrap", "glyphicons", "fontawesome", "font-awesome",
                "awesome-markers", "awesome.rotate", "awesome_markers")


def offline_html(html: str) -> str:
    """Make a folium page self-contained: inline Leaflet, drop the CDN extras.

    Leaflet's JS and CSS (vendored in ``planner/static/leaflet``, BSD-2) are
    put inline with the marker images as data URIs; folium's jQuery,
    Bootstrap and Font Awesome links are removed (the planner's maps use
    none of them).  Any other remote script or stylesheet left is reported
    with a :class:`PlannerWarning`, since the page would need the internet.
    """
    import base64
    import re
    import warnings

    from planner._errors import PlannerWarning

    images = {p.name: "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii")
              for p in sorted((_STATIC / "images").glob("*.png"))}
    css = (_STATIC / "leaflet.css").read_text(encoding="utf-8")
    for name, uri in images.items():
        css = css.replace(f"url(images/{name})", f"url({uri})")
    js = (_STATIC / "leaflet.js").read_text(encoding="utf-8")
    icon_fix = ("L.Icon.Default.prototype._getIconUrl = function (name) { return "
                + json.dumps({"icon": images["marker-icon.png"], "icon2x": images["marker-icon-2x.png"],
                              "shadow": images["marker-shadow.png"]})
                + "[name === 'icon' && L.Browser.retina ? 'icon2x' : name]; };")
    script_re = re.compile(r'<script\b[^>]*\bsrc="(https?:)?//[^"]*"[^>]*>\s*</script>\s*', re.I)
    link_re = re.compile(r'<link\b[^>]*\bhref="(https?:)?//[^"]*"[^>]*/?>\s*', re.I)
    leftover = []

    def _script(mt: re.Match) -> str:
        tag = mt.group(0)
        src = re.search(r'src="([^"]*)"', tag).group(1)
        if re.search(r"/leaflet(@[\d.]+)?/dist/leaflet(\.min)?\.js", src) or src.endswith("/leaflet.js"):
            body = js.replace("</script", "<\\/script")
            return f"<script>/* Leaflet 1.9.4, BSD-2-Clause */\n{body}\n{icon_fix}</script>\n"
        if any(k in src.lower() for k in _DROP_ASSETS):
            return ""
        leftover.append(src)
        return tag

    def _link(mt: re.Match) -> str:
        tag = mt.group(0)
        href = re.search(r'href="([^"]*)"', tag).group(1)
        if "stylesheet" not in tag:
            return tag
        if re.search(r"/leaflet(@[\d.]+)?/dist/leaflet\.css", href) or href.endswith("/leaflet.css"):
            return f"<style>/* Leaflet 1.9.4, BSD-2-Clause */\n{css}</style>\n"
        if any(k in href.lower() for k in _DROP_ASSETS):
            return ""
        leftover.append(href)
        return tag

    html = script_re.sub(_script, html)
    html = link_re.sub(_link, html)
    if leftover:
        warnings.warn("the HTML map still loads these from the internet: " + ", ".join(leftover),
                      PlannerWarning, stacklevel=2)
    return html


def write_html_map(analysis, path: str | Path, *, lang: str = "zh", **map_options) -> Path:
    """An interactive coverage map (folium) that works when opened from disk.

    Parameters
    ----------
    analysis : Analysis
    path : path
        ``.html`` file (UTF-8), written atomically.
    lang : str
        ``zh`` or ``en``.
    **map_options
        Passed to :func:`planner.outputs.webmap.coverage_map` (``facility_types``,
        ``minutes``, ``coverage_type``, ``highlight_gaps``...).  No basemap
        tiles are used (the page must work offline).
    """
    try:
        from planner.outputs.webmap import coverage_map
    except ImportError:  # the shared map module is not there yet: a plain map
        coverage_map = _plain_map
    map_options.setdefault("basemap", "none")
    fmap = coverage_map(analysis, lang=lang, **map_options)
    html = offline_html(fmap.get_root().render())
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return Path(path)


def _plain_map(analysis, *, lang: str = "zh", coverage_type: str | None = None, **_):
    """Units shaded by coverage and facilities as dots (used without planner.outputs.webmap)."""
    import folium

    units = analysis.units
    ctype = coverage_type or (report_types(analysis) or ["day_care"])[0]
    minx, miny, maxx, maxy = units.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=13,
                      control_scale=True)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    cols = ["code", "name", "street", "pop60", f"{ctype}_share", "gap", "gap_reason_zh", "geometry"]
    gj = units[[c for c in cols if c in units.columns]].copy()
    gj["gap"] = gj["gap"].astype(bool)

    def style(feat):
        share = feat["properties"].get(f"{ctype}_share") or 0.0
        return {"fillColor": "#1a9850" if share >= 0.8 else "#fee08b" if share >= 0.5 else "#d73027",
                "fillOpacity": 0.5, "color": "#b2182b" if feat["properties"]["gap"] else "#555",
                "weight": 3 if feat["properties"]["gap"] else 1}

    folium.GeoJson(gj.to_json(), name=msg("community", lang), style_function=style,
                   tooltip=folium.GeoJsonTooltip(fields=["name", "street"],
                                                 aliases=[column_label("name", lang), column_label("street", lang)])
                   ).add_to(fmap)
    fac = analysis.model.facilities.to_crs("EPSG:4326")
    for _, r in fac[analysis.model.active].iterrows():
        folium.CircleMarker([r.geometry.y, r.geometry.x], radius=4, color="#08519c", fill=True,
                            tooltip=f"{r['name']} ({type_label(r['type'], lang)})").add_to(fmap)
    return fmap


def write_analysis(analysis, out_dir: str | Path, *, lang: str = "zh",
                   minutes=(5, 10, 15), service_areas: bool = True) -> dict[str, Path]:
    """Write the ``planner analyse`` bundle into ``out_dir``.

    Files: ``coverage.gpkg`` (layers ``units`` and ``facilities``),
    ``gaps.xlsx`` (sheets: units, targets, districts, assumptions),
    ``gaps.csv``, ``targets.csv``, ``service_areas.gpkg`` and ``summary.json``.

    Parameters
    ----------
    analysis : Analysis
        From :func:`planner.analysis.result.analyse` or :func:`planner.analysis.result.analysis_of`.
    out_dir : str or Path
        Output folder (created if needed).
    lang : {'zh', 'en'}
        Language of table headers and labels.
    minutes : sequence of float
        Walks of the service areas.
    service_areas : bool
        Write ``service_areas.gpkg`` (the slowest part).

    Returns
    -------
    dict of str to Path
        The files written.
    """
    from planner.analysis.result import service_area_layer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = analysis.model
    fac = m.facilities.drop(columns=["unit"]).to_crs("EPSG:4326")
    fac["snap_m"] = m.facility_snap.access
    fac["far_from_street"] = m.facility_snap.far
    paths = {"coverage": write_gpkg({"units": analysis.units, "facilities": fac}, out / "coverage.gpkg")}
    paths["xlsx"] = write_report_xlsx(analysis, out / "gaps.xlsx", lang=lang)
    paths["csv"] = write_unit_csv(analysis, out / "gaps.csv", lang=lang)
    targets = targets_table(analysis, lang)
    paths["targets_csv"] = write_csv(targets, out / "targets.csv", lang=lang)
    if service_areas:
        layer = service_area_layer(m, minutes=minutes)
        paths["service_areas"] = write_gpkg({"service_areas": layer}, out / "service_areas.gpkg")
    paths["summary"] = write_json(analysis.summary(), out / "summary.json")
    return paths

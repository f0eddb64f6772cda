"""Writing results: GeoPackage, XLSX (Chinese headers), CSV, JSON.

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
from planner.i18n import column_label

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


def write_csv(df: pd.DataFrame, path: str | Path, *, lang: str | None = "zh") -> Path:
    """UTF-8 CSV with a byte-order mark (Excel opens it with Chinese intact).

    Headers are translated to ``lang``; ``lang=None`` keeps the column names
    as they are (for scripts).
    """
    out = _labelled(df, lang)
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return Path(path)


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: str | Path) -> Path:
    """One GeoPackage with several layers, atomically."""
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return Path(path)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path, *, lang: str = "zh") -> Path:
    """An Excel workbook: headers in ``lang``, percentages and thousands formatted."""
    from openpyxl.utils import get_column_letter

    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for sheet, df in sheets.items():
                out = _labelled(df, lang)
                out.to_excel(xw, sheet_name=sheet[:31], index=False)
                ws = xw.sheets[sheet[:31]]
                ws.freeze_panes = "A2"
                for j, col in enumerate(df.columns, start=1):
                    letter = get_column_letter(j)
                    width = max(len(str(out.columns[j - 1])) * 2, 10)
                    ws.column_dimensions[letter].width = min(width + 2, 60)
                    fmt = _number_format(col, df[col])
                    if fmt:
                        for cell in ws[letter][1:]:
                            cell.number_format = fmt
    return Path(path)


def _number_format(col: str, s: pd.Series) -> str | None:
    if col.endswith(PERCENT_SUFFIXES) or col in ("value_share", "share"):
        return "0.0%"
    if col in ("population", "pop60", "pop60_covered", "capacity"):
        return "#,##0"
    if col.endswith("_minutes") or col.startswith("minutes_") or col in ("minutes",):
        return "0.0"
    return None


def _labelled(df: pd.DataFrame, lang: str | None) -> pd.DataFrame:
    out = pd.DataFrame(df.drop(columns=[c for c in df.columns if c == "geometry"]))
    if lang is None:
        return out
    out.columns = [column_label(c, lang) for c in out.columns]
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


def unit_table(analysis, lang: str = "zh") -> pd.DataFrame:
    """The per-unit gap table without geometry, kinds translated, for XLSX/CSV."""
    df = pd.DataFrame(analysis.units.drop(columns="geometry"))
    if lang == "zh":
        df["kind"] = df["kind"].map({"community": "社区", "village": "行政村"}).fillna(df["kind"])
    drop = "gap_reason_en" if lang == "zh" else "gap_reason_zh"
    return df.drop(columns=[drop])


def assumptions_table(analysis, lang: str = "zh") -> pd.DataFrame:
    """The settings and the source of each figure, for the report's last sheet."""
    m = analysis.model
    rows = [
        ("standards profile / 标准", f"{m.profile.title_zh} ({m.profile.name})", m.profile.path or ""),
        ("walking speed / 步行速度", f"{m.speed:g} m/s", m.profile.speed_source),
        ("network / 路网", m.network.report.summary(lang), m.network.report.source),
        ("demand / 需求点", f"{len(m.demand):,} points; population spread along walkable streets "
         "(or buildings) inside each unit", "planner.demand"),
        ("snap distance / 吸附距离", f"> {m.facility_snap.max_snap:g} m from a street is flagged", ""),
    ]
    for t, minutes in sorted(m.profile.catchments.items()):
        rows.append((f"catchment {t} / 服务半径", f"{minutes:g} min ≈ {minutes * 60 * m.speed:,.0f} m", ""))
    for tg in m.profile.targets:
        rows.append((f"target {tg.id} / 指标", f"{tg.label(lang)}: {tg.share:g}", f"{tg.source} [{tg.tag}]"))
    for w in m.warnings:
        rows.append(("warning / 警告", w, ""))
    return pd.DataFrame(rows, columns=["item", "value", "source"])


def write_analysis(analysis, out_dir: str | Path, *, lang: str = "zh",
                   minutes=(5, 10, 15), service_areas: bool = True) -> dict[str, Path]:
    """Write the ``planner analyse`` bundle into ``out_dir``.

    Files: ``coverage.gpkg`` (layers ``units`` and ``facilities``),
    ``gaps.xlsx`` (sheets: units, targets, assumptions), ``gaps.csv``,
    ``targets.csv``, ``service_areas.gpkg`` and ``summary.json``.
    """
    from planner.analysis import service_area_layer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = analysis.model
    fac = m.facilities.drop(columns=["unit"]).to_crs("EPSG:4326")
    fac["snap_m"] = m.facility_snap.access
    fac["far_from_street"] = m.facility_snap.far
    paths = {"coverage": write_gpkg({"units": analysis.units, "facilities": fac}, out / "coverage.gpkg")}
    units = unit_table(analysis, lang)
    targets = analysis.scores_frame(lang)
    sheet_names = ("单元覆盖", "指标", "街道乡镇", "假设与来源") if lang == "zh" else (
        "units", "targets", "districts", "assumptions")
    paths["xlsx"] = write_xlsx({sheet_names[0]: units, sheet_names[1]: targets,
                                sheet_names[2]: analysis.districts,
                                sheet_names[3]: assumptions_table(analysis, lang)},
                               out / "gaps.xlsx", lang=lang)
    paths["csv"] = write_csv(units, out / "gaps.csv", lang=lang)
    paths["targets_csv"] = write_csv(targets, out / "targets.csv", lang=lang)
    if service_areas:
        layer = service_area_layer(m, minutes=minutes)
        paths["service_areas"] = write_gpkg({"service_areas": layer}, out / "service_areas.gpkg")
    paths["summary"] = write_json(analysis.summary(), out / "summary.json")
    return paths

"""File writers: JSON, CSV, GeoPackage, XLSX, zipped Shapefile, and the output-folder check.

Every writer goes through :func:`planner._util.atomic_path`: the file is
written beside its target under a temporary name and renamed into place only
when complete, so an interrupted run leaves the previous file intact, and an
input is never overwritten by accident.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError
from planner._util import atomic_path
from planner.io.problems import problem_of
from planner.outputs.tables import labelled, layer_labels, number_format
from planner.schema import FACILITY_TYPES
from planner.text import column_label

SHAPEFILE_ENCODINGS = ("utf-8", "gbk")
"""Text encodings a shapefile's ``.dbf`` can be written in."""

OUTPUT_NAMES = frozenset({"coverage.gpkg", "gaps.xlsx", "gaps.csv", "service_areas.gpkg", "summary.json",
                          "targets.csv", "travel_times.csv", "map.html"})
"""Files the command line writes into an output folder (an input of that name is refused)."""


def write_json(obj: Any, path: str | Path) -> Path:
    """Write JSON (UTF-8, Chinese kept readable), atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default), encoding="utf-8")
    return Path(path)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    raise TypeError(f"not JSON serialisable: {type(o)}")


def write_csv(df: pd.DataFrame, path: str | Path, *, lang: str | None = "zh",
              labels: dict[str, str] | None = None) -> Path:
    r"""UTF-8 CSV with a byte-order mark (Excel opens it with Chinese intact).

    Headers are translated to ``lang`` (``labels`` overrides single columns);
    ``lang=None`` keeps the column names as they are (for scripts).  Rows end
    with ``\n`` whatever the platform, so equal tables give equal bytes.

    Parameters
    ----------
    df : DataFrame
        The table (a ``geometry`` column is dropped).
    path : str or Path
        The ``.csv`` file, written atomically.
    lang : str or None
        Header language; None keeps the column names.
    labels : dict, optional
        Column → header, overriding the translation.

    Returns
    -------
    Path
    """
    out = csv_safe(labelled(df, lang, labels))
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return Path(path)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""


def csv_safe_text(value: Any) -> Any:
    """``value`` with a single quote in front when it is text a spreadsheet would run as a formula.

    Line breaks inside text become line feeds (quoted by the CSV writer); numbers
    (and anything that is not a string) are returned unchanged.

    Examples
    --------
    >>> csv_safe_text("=HYPERLINK(1)"), csv_safe_text("-1"), csv_safe_text(-1.5), csv_safe_text("东风社区")
    ("'=HYPERLINK(1)", "'-1", -1.5, '东风社区')
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    # a lone carriage return is not quoted when rows end with \n and would split the row
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and headers) cannot start a formula; numeric columns untouched."""
    out = df.copy()
    for j in range(out.shape[1]):
        col = out.iloc[:, j]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            out.isetitem(j, col.map(csv_safe_text))
    out.columns = [csv_safe_text(c) for c in out.columns]
    return out


def write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> Path:
    """One GeoPackage with several layers, atomically."""
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return Path(path)


def write_geojson(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """One layer as RFC 7946 GeoJSON (WGS-84, UTF-8), atomically."""
    with atomic_path(path) as tmp:
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES"})
    return Path(path)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path, *, lang: str = "zh",
               labels: dict[str, str] | None = None,
               formats: Mapping[str, str | list[str | None]] | None = None) -> Path:
    """An Excel workbook: headers in ``lang``, numbers formatted.

    Shares (``*_share``, ``value_share``) are shown as percentages, walking
    minutes with one decimal, populations with thousands separators, and
    12-digit division codes are stored as text (Excel would otherwise show
    them in scientific notation).

    Parameters
    ----------
    sheets : dict
        Sheet name → table (a ``geometry`` column is dropped).
    path : str or Path
        The ``.xlsx`` file, written atomically.
    lang : str
        Header language (``zh`` or ``en``).
    labels : dict, optional
        Column → header, overriding the translation (e.g. target labels).
    formats : dict, optional
        Column → Excel number format, or a list with one format per row
        (``None`` leaves a cell as it is), overriding the defaults.

    Returns
    -------
    Path
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for sheet, df in sheets.items():
                df = df.drop(columns=[c for c in df.columns if c == "geometry"])
                out = labelled(df, lang, labels)
                out.to_excel(xw, sheet_name=sheet[:31], index=False)
                ws = xw.sheets[sheet[:31]]
                _text_cells_as_text(ws)
                ws.freeze_panes = "A2"
                for cell in ws[1]:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                for j, col in enumerate(df.columns, start=1):
                    letter = get_column_letter(j)
                    header = str(out.columns[j - 1])
                    longest = max([_text_width(header)] + [_text_width(v) for v in out.iloc[:200, j - 1]])
                    ws.column_dimensions[letter].width = min(max(longest + 2, 8), 50)
                    fmt = formats.get(col, number_format(col))
                    if fmt is None:
                        continue
                    cells = ws[letter][1:]
                    per_row = fmt if isinstance(fmt, list) else [fmt] * len(cells)
                    for cell, f in zip(cells, per_row, strict=False):
                        if f:
                            cell.number_format = f
    return Path(path)


def _text_cells_as_text(ws: Any) -> None:
    """Store every text cell as text: openpyxl reads a string starting with ``=`` as a formula.

    The workbook holds no formulas of ours, so a formula cell can only be a
    name or label; it becomes a string.  Text that Excel would turn into a
    formula when the cell is edited (``= + - @``, tab, CR) gets the quote
    prefix, as typing ``'`` before it in Excel does.
    """
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            if cell.data_type == "s" and isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True


def _text_width(v: Any) -> int:
    """Display width of a cell (CJK characters count double)."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return 0
    text = f"{v:.3f}" if isinstance(v, float) else str(v)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def check_output_dir(out_dir: str | Path, inputs: Iterable[str | Path | None] = ()) -> Path:
    """Create the output folder; refuse one that would overwrite an input file."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise problem_of(InputError, "output_not_folder", out)
    for p in inputs:
        if p is not None and Path(p).resolve().parent == out.resolve():
            name = Path(p).name
            if name in OUTPUT_NAMES:
                raise problem_of(InputError, "output_overwrites_input", p, (), out=str(out), name=name)
    out.mkdir(parents=True, exist_ok=True)
    return out


# --- shapefiles -----------------------------------------------------------


def shapefile_field_names(columns: Iterable[str]) -> dict[str, str]:
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
        n = 1
        while cand.lower() in used:
            tail = str(n)
            cand = name[: 10 - len(tail) - 1] + "_" + tail
            n += 1
        used.add(cand.lower())
        out[col] = cand
    return out


def _check_encodable(gdf: gpd.GeoDataFrame, encoding: str, layer: str) -> None:
    for c in gdf.columns:
        if c == "geometry" or gdf[c].dtype != object:
            continue
        for v in gdf[c].dropna():
            try:
                str(v).encode(encoding)
            except UnicodeEncodeError as exc:
                raise problem_of(InputError, "layers_not_encodable", None, (), layer=layer, column=str(c),
                                 value=str(v), encoding=encoding.upper()) from exc


def write_shapefile_zip(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path, *,
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

    Returns
    -------
    Path

    Raises
    ------
    InputError
        A text value cannot be written in ``encoding``.
    """
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf8",):
        enc = "utf-8"
    if enc not in SHAPEFILE_ENCODINGS:
        raise problem_of(InputError, "layers_encoding_unknown", None, (), encoding=encoding)
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
        headers = {**layer_labels(), **(labels or {})}
        mapping["header_zh"] = [headers.get(c, column_label(c, "zh")) for c in mapping["column"]]
        mapping.to_csv(folder / "fields.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
        with atomic_path(path) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(folder.iterdir()):
                    zf.write(f, arcname=f.name)
    return Path(path)


def safe_stem(text: str, default: str = "district") -> str:
    """``text`` as a file-name stem: characters Windows or shells refuse become ``_``."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._")
    return stem or default

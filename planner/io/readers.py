"""Readers that validate at the edge.

Every reader returns a GeoDataFrame in EPSG:4326 with the canonical columns of
:mod:`planner.schema`, never writes to the input, and turns every problem into
an :class:`~planner._errors.InputError` (or :class:`~planner._errors.CRSError`)
whose message names the file, says what is wrong and how to fix it.

Supported inputs:

* layers: GeoPackage, GeoJSON, Shapefile, zipped Shapefile (``.zip``);
  shapefiles without a ``.cpg`` are decoded as UTF-8, GBK or GB18030,
  whichever fits;
* tables (points only): CSV (UTF-8, GBK, GB18030), XLSX, XLS, with
  longitude/latitude columns in WGS-84, CGCS2000, GCJ-02 or BD-09.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from planner._errors import CRSError, InputError, PlannerWarning
from planner.io import crs as _crs
from planner.schema import (
    BOUNDARY_ALIASES,
    BOUNDARY_COLUMNS,
    FACILITY_ALIASES,
    FACILITY_COLUMNS,
    FACILITY_TYPE_ALIASES,
    FACILITY_TYPES,
    STATUS_ALIASES,
    UNIT_KIND_ALIASES,
    URBAN_RURAL_CLASS,
)

__all__ = [
    "SUPPORTED_LAYER_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "SUPPORTED_TABLE_SUFFIXES",
    "normalise_column_name",
    "read_boundaries",
    "read_facilities",
    "read_layer",
    "read_points",
    "read_table",
]

SUPPORTED_LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip")
"""File suffixes read as vector layers."""

SUPPORTED_TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")
"""File suffixes read as tables with longitude/latitude columns."""

SUPPORTED_SUFFIXES = SUPPORTED_LAYER_SUFFIXES + SUPPORTED_TABLE_SUFFIXES

_CSV_ENCODINGS = ("utf-8-sig", "gbk", "gb18030")
_SHP_ENCODINGS = ("utf-8", "gbk", "gb18030")
_MAX_LISTED = 10

# Chinese names of canonical columns, for messages
_ZH = {
    "code": "区划代码",
    "name": "名称",
    "kind": "类型 (社区/行政村)",
    "street": "街道/乡镇",
    "population": "总人口",
    "pop60": "60岁以上人口",
    "facility_id": "设施编号",
    "type": "设施类型",
    "capacity": "床位数",
    "nursing_beds": "护理型床位",
    "status": "状态",
    "longitude": "经度",
    "latitude": "纬度",
    "point_id": "编号",
    "weight": "权重",
}
_EN = {
    "code": "the 12-digit division code",
    "name": "the name",
    "kind": "the unit kind (community or village)",
    "street": "the street/township",
    "population": "the total population",
    "pop60": "the population aged 60+",
    "facility_id": "the facility id",
    "type": "the facility type",
    "capacity": "the capacity (beds/places)",
    "nursing_beds": "the nursing beds",
    "status": "the status",
    "longitude": "the longitude",
    "latitude": "the latitude",
    "point_id": "the point id",
    "weight": "the weight",
}

POINT_ALIASES: dict[str, tuple[str, ...]] = {
    "point_id": ("point_id", "id", "pid", "编号", "点编号", "序号"),
    "weight": ("weight", "权重", "人数", "w"),
    "longitude": FACILITY_ALIASES["longitude"],
    "latitude": FACILITY_ALIASES["latitude"],
}


# --------------------------------------------------------------------------
# small helpers


def normalise_column_name(name: Any) -> str:
    """Normalise a column name (or vocabulary value) for alias matching.

    Applies Unicode NFKC (full-width to half-width), lower-cases, and removes
    whitespace, underscores, hyphens and parentheses.

    Parameters
    ----------
    name : Any
        A column name or value.

    Returns
    -------
    str
        The normalised key, e.g. ``'Pop_60 '`` -> ``'pop60'``,
        ``'街道（乡镇）'`` -> ``'街道乡镇'``.
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    return re.sub(r"[\s_\-()\[\]]+", "", text)


def _rows(positions: Iterable[int], word: str = "feature") -> str:
    """'features 1, 4, 9 (and 3 more)' from 0-based positions."""
    pos = [int(p) + 1 for p in positions]
    shown = ", ".join(str(p) for p in pos[:_MAX_LISTED])
    more = f" (and {len(pos) - _MAX_LISTED} more)" if len(pos) > _MAX_LISTED else ""
    return f"{word}{'s' if len(pos) != 1 else ''} {shown}{more}"


def _values(values: Iterable[Any]) -> str:
    vals = list(dict.fromkeys(str(v) for v in values))
    shown = ", ".join(repr(v) for v in vals[:_MAX_LISTED])
    return shown + (f" (and {len(vals) - _MAX_LISTED} more)" if len(vals) > _MAX_LISTED else "")


def _label(canonical: str) -> str:
    return f"{_EN.get(canonical, canonical)} ({_ZH.get(canonical, '')})"


_BLANK_TEXT = ("", "nan", "None", "NaN", "<NA>")


def _is_blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return str(value).strip() in _BLANK_TEXT


def _blank(series: pd.Series) -> pd.Series:
    """True where a value is missing or an empty/whitespace string."""
    return series.map(_is_blank).astype(bool)


def _warn(message: str) -> None:
    warnings.warn(message, PlannerWarning, stacklevel=3)


def _check_path(path: str | Path, suffixes: Sequence[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", hint="check the path and spelling", path=p)
    if p.is_dir():
        raise InputError(
            "is a folder, not a file",
            hint="give the .shp/.gpkg/.geojson/.csv/.xlsx file inside it",
            path=p.name,
        )
    suffix = p.suffix.lower()
    if suffix not in suffixes:
        raise InputError(
            f"unsupported file type {suffix or '(no suffix)'!r}",
            hint="supported: " + ", ".join(suffixes),
            path=p.name,
        )
    if p.stat().st_size == 0:
        raise InputError("file is empty (0 bytes)", hint="export the data again", path=p.name)
    return p


# --------------------------------------------------------------------------
# low-level readers


def _zip_member(p: Path, layer: str | None) -> tuple[str, str | None, bool]:
    """Pick the dataset inside a zip: returns (gdal_path, layer, has_cpg)."""
    try:
        with zipfile.ZipFile(p) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            "is not a valid zip archive", hint="zip the shapefile's files again", path=p.name
        ) from exc
    for name in names:
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise InputError(
                f"zip entry {name!r} has an unsafe path (absolute or with '..')",
                hint="re-create the zip with plain relative file names",
                path=p.name,
            )
    from planner.io.uploads import check_zip  # size and compression-ratio limits (zip bombs)

    check_zip(p, allowed=None)
    datasets = [
        n for n in names
        if PurePosixPath(n).suffix.lower() in (".shp", ".gpkg", ".geojson", ".json")
        and not PurePosixPath(n).name.startswith(("._", "."))
        and "__MACOSX" not in n
    ]
    if not datasets:
        raise InputError(
            "zip contains no .shp, .gpkg or .geojson file",
            hint="zip the .shp together with its .shx, .dbf and .prj",
            path=p.name,
        )
    chosen = datasets[0]
    inner_layer = layer
    if len(datasets) > 1:
        stems = {PurePosixPath(n).stem: n for n in datasets}
        if layer is not None and layer in stems:
            chosen, inner_layer = stems[layer], None
        else:
            raise InputError(
                "zip contains several datasets: " + _values(datasets),
                hint="pass layer='NAME' with one of " + _values(stems),
                path=p.name,
            )
    elif layer is not None and PurePosixPath(chosen).stem == layer:
        inner_layer = None
    cpg = str(PurePosixPath(chosen).with_suffix(".cpg")).lower()
    has_cpg = any(n.lower() == cpg for n in names)
    return f"/vsizip/{p.resolve().as_posix()}/{chosen}", inner_layer, has_cpg


def _garbled(texts: Iterable[str]) -> bool:
    """Text decoded with the wrong code page (GDAL's ISO-8859-1 default)."""
    for t in texts:
        if "\ufffd" in t or re.search(r"[\x80-\xff]", t):
            return True
    return False


def _string_texts(gdf: pd.DataFrame) -> list[str]:
    texts = [str(c) for c in gdf.columns]
    for col in gdf.columns:
        if col == getattr(gdf, "_geometry_column_name", None):
            continue
        if gdf[col].dtype == object or pd.api.types.is_string_dtype(gdf[col].dtype):
            texts.extend(v for v in gdf[col].tolist() if isinstance(v, str))
    return texts


def _decode_name(text: str, encoding: str) -> str:
    """Decode a mis-decoded field name; DBF truncation may cut its last character."""
    raw = text.encode("latin-1")
    for cut in range(0, 4):
        try:
            return raw[: len(raw) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError(encoding, raw, 0, len(raw), "undecodable field name")


def _redecode(gdf: gpd.GeoDataFrame, encoding: str) -> gpd.GeoDataFrame | None:
    """Re-decode text GDAL read as ISO-8859-1 (a lossless byte mapping) with
    ``encoding``; None if any text does not decode cleanly."""
    geom_name = gdf.geometry.name
    try:
        names = {c: (c if c == geom_name else _decode_name(str(c), encoding)) for c in gdf.columns}
        data = {}
        for c in gdf.columns:
            col = gdf[c]
            if c != geom_name and (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
                col = col.map(
                    lambda v: v.encode("latin-1").decode(encoding) if isinstance(v, str) else v
                )
            data[names[c]] = col
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if len(set(names.values())) != len(names):
        return None
    return gpd.GeoDataFrame(data, geometry=geom_name, crs=gdf.crs)


def _read_unclosed(source: str, name: str, **kwargs: Any) -> gpd.GeoDataFrame:
    """Read a layer whose polygon rings do not close (GEOS refuses them): close them."""
    import pyogrio.raw

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Nn]on closed ring.*")
        attrs = gpd.read_file(source, engine="pyogrio", read_geometry=False, **kwargs)
        meta, _, wkb, _ = pyogrio.raw.read(source, **kwargs)
    geoms = shapely.from_wkb(wkb, on_invalid="fix")  # closes open rings
    _warn(f"{name}: polygon rings that do not close (首尾不闭合) were closed at "
          f"{len(geoms)} feature(s); check the boundaries in QGIS.")
    return gpd.GeoDataFrame(pd.DataFrame(attrs), geometry=geoms, crs=meta.get("crs"))


def _read_file(source: str, name: str, **kwargs: Any) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*More than one layer found.*")
            warnings.filterwarnings("ignore", message=".*[Nn]on closed ring.*")
            try:
                return gpd.read_file(source, engine="pyogrio", **kwargs)
            except shapely.errors.GEOSException as exc:
                if "closed linestring" not in str(exc):
                    raise
        return _read_unclosed(source, name, **kwargs)
    except (InputError, KeyboardInterrupt):
        raise
    except UnicodeDecodeError as exc:
        raise InputError(
            f"attribute text could not be decoded ({exc})",
            hint="pass the right encoding, e.g. encoding='gbk' or 'utf-8' (GDAL names such as "
            "'ISO-8859-1', 'CP936'), or add a .cpg file",
            path=name,
        ) from exc
    except Exception as exc:  # pyogrio/GDAL raise many types
        raise InputError(
            f"could not be read as a GIS layer ({type(exc).__name__}: {exc})",
            hint="check the file opens in QGIS; a shapefile needs its .shx, .dbf and .prj "
            "next to the .shp (or zip them all together)",
            path=name,
        ) from exc


def read_layer(
    path: str | Path, layer: str | None = None, encoding: str | None = None
) -> gpd.GeoDataFrame:
    """Read a vector layer as is (in its own CRS), with friendly errors.

    Parameters
    ----------
    path : str or Path
        A ``.gpkg``, ``.geojson``/``.json``, ``.shp`` or zipped shapefile.
    layer : str, optional
        Layer name (GeoPackage) or dataset stem inside a zip.  When a
        GeoPackage has several layers and none is given, the first is used
        with a :class:`PlannerWarning`.
    encoding : str, optional
        Attribute encoding of a shapefile.  By default the ``.cpg`` is used,
        else UTF-8, GBK or GB18030 is chosen by trial decoding.

    Returns
    -------
    geopandas.GeoDataFrame
        The raw layer, CRS possibly ``None``.

    Raises
    ------
    InputError
        Missing, unsupported, empty or unreadable file, unknown layer.
    """
    p = _check_path(path, SUPPORTED_LAYER_SUFFIXES)
    suffix = p.suffix.lower()
    source = str(p)
    has_cpg = p.with_suffix(".cpg").exists() or p.with_suffix(".CPG").exists()
    if suffix == ".zip":
        source, layer, has_cpg = _zip_member(p, layer)
    is_shp = source.lower().endswith(".shp")

    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(source)]
    except Exception as exc:
        raise InputError(
            f"could not be opened as a GIS layer ({type(exc).__name__}: {exc})",
            hint="check the file opens in QGIS; a shapefile needs its .shx and .dbf "
            "next to the .shp (or zip them all together)",
            path=p.name,
        ) from exc
    if layer is not None and layer not in layers:
        if len(layers) == 1 and is_shp:
            layer = None
        else:
            raise InputError(
                f"has no layer {layer!r}", hint="available layers: " + _values(layers), path=p.name
            )
    elif layer is None and len(layers) > 1:
        layer = layers[0]
        _warn(
            f"{p.name}: has {len(layers)} layers ({_values(layers)}); reading {layer!r}. "
            "Pass layer='NAME' to choose another."
        )
    kwargs: dict[str, Any] = {}
    if layer is not None:
        kwargs["layer"] = layer

    if encoding is not None:
        return _read_file(source, p.name, encoding=encoding, **kwargs)
    gdf = _read_file(source, p.name, **kwargs)
    if not is_shp or has_cpg:
        return gdf
    # Shapefile without .cpg: GDAL decoded the bytes as ISO-8859-1.  Re-decode
    # them as UTF-8, GBK or GB18030, the first that fits every text exactly
    # (equivalent to re-reading with encoding=..., but robust to field names
    # that GDAL truncated in the middle of a multi-byte character).
    try:
        native = (pyogrio.read_info(source, **kwargs).get("encoding") or "").upper()
    except Exception:  # already read once; do not fail on the metadata query
        native = ""
    if native not in ("ISO-8859-1", "LATIN1", ""):
        return gdf
    texts = _string_texts(gdf)
    if not _garbled(texts):
        return gdf
    for enc in _SHP_ENCODINGS:
        fixed = _redecode(gdf, enc)
        if fixed is not None:
            return fixed
    _warn(
        f"{p.name}: text attributes could not be decoded as UTF-8, GBK or GB18030 and may be "
        "garbled; add a .cpg file or pass encoding='...'."
    )
    return gdf


def _sniff_sep(text: str) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def read_table(path: str | Path, sheet: str | int | None = None, *, dtype: Any = None) -> pd.DataFrame:
    """Read a CSV or Excel table with encoding fallback and friendly errors.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8 with or without BOM, GBK, GB18030; separator
        sniffed among comma, tab, semicolon, bar), ``.xlsx`` or ``.xls``.
    sheet : str or int, optional
        Excel sheet name or 0-based index; the first sheet by default.
    dtype : optional
        Passed to pandas (``str`` keeps leading zeros of codes and ids).

    Returns
    -------
    pandas.DataFrame
        Column names stripped; fully empty rows and unnamed empty columns
        dropped; index ``0..n-1``.

    Raises
    ------
    InputError
        Missing, unsupported, empty or unreadable file, unknown sheet.
    """
    p = _check_path(path, SUPPORTED_TABLE_SUFFIXES)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        raw = p.read_bytes()
        text = None
        for enc in _CSV_ENCODINGS:
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise InputError(
                "text is neither UTF-8 nor GBK/GB18030",
                hint="save the CSV as 'CSV UTF-8' in Excel/WPS",
                path=p.name,
            )
        import io as _io

        try:
            df = pd.read_csv(_io.StringIO(text), sep=_sniff_sep(text), dtype=dtype)
        except pd.errors.EmptyDataError as exc:
            raise InputError("contains no rows", hint="check the export", path=p.name) from exc
        except Exception as exc:
            raise InputError(
                f"could not be read as CSV ({type(exc).__name__}: {exc})",
                hint="check that every line has the same number of columns",
                path=p.name,
            ) from exc
    else:
        engine = "openpyxl" if suffix == ".xlsx" else "xlrd"
        try:
            df = pd.read_excel(p, sheet_name=0 if sheet is None else sheet, dtype=dtype, engine=engine)
        except ImportError as exc:
            raise InputError(
                "reading old .xls files needs the 'xlrd' package",
                hint="save the sheet as .xlsx (or .csv), or pip install xlrd",
                path=p.name,
            ) from exc
        except (ValueError, KeyError, IndexError) as exc:
            if sheet is not None and ("not found" in str(exc) or isinstance(exc, IndexError)):
                try:
                    sheets = pd.ExcelFile(p, engine=engine).sheet_names
                except Exception:  # pragma: no cover - already failing
                    sheets = []
                raise InputError(
                    f"has no sheet {sheet!r}", hint="available sheets: " + _values(sheets), path=p.name
                ) from exc
            raise InputError(
                f"could not be read as an Excel workbook ({type(exc).__name__}: {exc})",
                hint="open and re-save it in Excel/WPS as .xlsx",
                path=p.name,
            ) from exc
        except Exception as exc:
            raise InputError(
                f"could not be read as an Excel workbook ({type(exc).__name__}: {exc})",
                hint="open and re-save it in Excel/WPS as .xlsx",
                path=p.name,
            ) from exc
    df.columns = [str(c).strip() for c in df.columns]
    unnamed = [c for c in df.columns if c.startswith("Unnamed:") and df[c].isna().all()]
    df = df.drop(columns=unnamed)
    df = df.dropna(how="all").reset_index(drop=True)
    if len(df) == 0:
        raise InputError("contains no rows", hint="check the sheet/export has data below the header", path=p.name)
    return df


# --------------------------------------------------------------------------
# column matching


def _byte_len(text: str) -> int:
    try:
        return max(len(text.encode("utf-8")), len(text.encode("gbk")))
    except UnicodeEncodeError:
        return len(text.encode("utf-8"))


def _match_columns(
    columns: Sequence[Any],
    aliases: Mapping[str, Sequence[str]],
    explicit: Mapping[str, str] | None,
    name: str,
    *,
    truncated: bool = False,
) -> dict[str, str]:
    """Map canonical names to the columns present (explicit mapping first).

    With ``truncated`` (shapefiles), a 9–10 byte field name that is the start
    of exactly one canonical name's aliases also matches (DBF names are cut
    at 10 bytes).
    """
    cols = [c for c in columns if c != "geometry"]
    found: dict[str, str] = {}
    explicit = dict(explicit or {})
    for canonical, column in explicit.items():
        if canonical not in aliases:
            raise InputError(
                f"columns= names unknown field {canonical!r}",
                hint="the keys of columns= must be among " + _values(aliases),
                path=name,
            )
        if column not in cols:
            raise InputError(
                f"column {column!r} given for {canonical!r} is not in the file",
                hint="available columns: " + _values(cols),
                path=name,
            )
        found[canonical] = column
    used = set(found.values())
    by_norm: dict[str, str] = {}
    for c in cols:
        by_norm.setdefault(normalise_column_name(c), c)
    for canonical, names in aliases.items():
        if canonical in found:
            continue
        for alias in names:
            c = by_norm.get(normalise_column_name(alias))
            if c is not None and c not in used:
                found[canonical] = c
                used.add(c)
                break
    if truncated:
        for c in cols:
            key = normalise_column_name(c)
            if c in used or len(key) < 2 or _byte_len(str(c)) < 9:
                continue
            hits = {
                canonical for canonical, names in aliases.items()
                if canonical not in found
                and any(normalise_column_name(a).startswith(key) for a in names)
            }
            if len(hits) == 1:
                canonical = hits.pop()
                found[canonical] = c
                used.add(c)
    return found


def _missing_column_error(name: str, canonical: str, aliases: Sequence[str], cols: Sequence[Any]) -> InputError:
    return InputError(
        f"no column for {_label(canonical)} (looked for {_values(aliases)}; "
        f"the file has {_values(c for c in cols if c != 'geometry')})",
        hint=f"rename your column or pass columns={{'{canonical}': 'YOUR_COLUMN'}}",
        path=name,
    )


def _to_number(series: pd.Series) -> pd.Series:
    """Numbers from numbers or text ('1,234', ' 56 ', '７８'); others NaN."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(float)
    text = series.map(lambda v: v if not isinstance(v, str) else unicodedata.normalize("NFKC", v))
    text = text.astype("object").map(lambda v: v.replace(",", "").strip() if isinstance(v, str) else v)
    return pd.to_numeric(text, errors="coerce").astype(float)


def _numeric_column(
    series: pd.Series, canonical: str, name: str, word: str, *, required: bool
) -> pd.Series:
    values = _to_number(series)
    blank = _blank(series)
    bad = values.isna() & ~blank
    if required:
        bad |= blank
    if bad.any():
        raise InputError(
            f"{_label(canonical)} in column {series.name!r} is missing or not a number at "
            + _rows(np.flatnonzero(bad.to_numpy()), word)
            + f" (values: {_values(series[bad].tolist())})",
            hint="fill in plain numbers (no units or text)",
            path=name,
        )
    negative = values < 0
    if negative.any():
        raise InputError(
            f"{_label(canonical)} in column {series.name!r} is negative at "
            + _rows(np.flatnonzero(negative.to_numpy()), word),
            hint="values must be 0 or more",
            path=name,
        )
    return values


def _id_strings(series: pd.Series) -> pd.Series:
    """Ids/codes as strings: 12.0 -> '12', keep leading zeros, undo 1.1E+11."""

    def conv(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, (bool, np.bool_)):
            return str(v)
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return str(int(v)) if float(v).is_integer() else str(v)
        text = unicodedata.normalize("NFKC", str(v)).strip()
        if text in _BLANK_TEXT:
            return None
        if re.fullmatch(r"\d+\.0+", text):
            return text.split(".")[0]
        if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
            try:
                d = Decimal(text)
                if d == d.to_integral_value():
                    return str(int(d))
            except InvalidOperation:
                pass
        return text

    return series.map(conv).astype(object)


def _vocab_lookup(aliases: Mapping[str, str]) -> dict[str, str]:
    return {normalise_column_name(k): v for k, v in aliases.items()}


# --------------------------------------------------------------------------
# geometry / CRS


def _apply_crs(gdf: gpd.GeoDataFrame, crs: Any, name: str) -> gpd.GeoDataFrame:
    """Attach or override the CRS, or raise CRSError when there is none."""
    if crs is not None:
        try:
            given = gpd.GeoSeries([], crs=crs).crs
        except Exception as exc:
            raise CRSError(
                f"crs={crs!r} is not a coordinate system pyproj understands",
                hint="use an EPSG code such as 'EPSG:4490' or 'EPSG:4548'",
                path=name,
            ) from exc
        if gdf.crs is not None and not gdf.crs.equals(given):
            _warn(f"{name}: the file says {gdf.crs.to_string()}; using crs={crs!r} as you asked.")
        return gdf.set_crs(given, allow_override=True)
    if gdf.crs is None:
        raise CRSError(
            "has no coordinate system (.prj missing?)",
            hint="pass crs='EPSG:4490' or the right one (e.g. 'EPSG:4548' for "
            "CGCS2000 Gauss-Krüger CM 117E), or add the .prj file",
            path=name,
        )
    return gdf


def _to_4326(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    src = gdf.crs
    if src.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if np.all(np.isfinite([minx, miny, maxx, maxy])) and (
            max(abs(minx), abs(maxx)) > 180.5 or max(abs(miny), abs(maxy)) > 90.5
        ):
            raise CRSError(
                f"coordinates look projected (bounds {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) "
                f"but the coordinate system {src.to_string()} is in degrees",
                hint="pass the real projected crs, e.g. crs='EPSG:4548' (CGCS2000 3-degree "
                "Gauss-Krüger CM 117E)",
                path=name,
            )
    if src.to_epsg() in (4326, 4490):  # CGCS2000 ≈ WGS-84 (centimetres)
        return gdf.set_crs(4326, allow_override=True)
    try:
        return gdf.to_crs(4326)
    except Exception as exc:
        raise CRSError(
            f"could not convert from {src.to_string()} to WGS-84 ({exc})",
            hint="check the .prj or pass crs='EPSG:...'",
            path=name,
        ) from exc


def _polygonal(geom: Any) -> Any:
    """Polygonal part of a geometry (after make_valid), or None."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            return None
        merged = shapely.union_all(polys)
        return merged if not merged.is_empty else None
    return None


def _check_polygons(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        raise InputError(
            "has no geometry at " + _rows(np.flatnonzero(missing.to_numpy())),
            hint="draw the boundary or delete the row",
            path=name,
        )
    types = geom.geom_type
    wrong = ~types.isin(["Polygon", "MultiPolygon"])
    if wrong.any():
        raise InputError(
            f"boundaries must be polygons but found {_values(types[wrong])} at "
            + _rows(np.flatnonzero(wrong.to_numpy())),
            hint="give the community/village boundary polygons, not points or lines",
            path=name,
        )
    invalid = ~geom.is_valid
    if invalid.any():
        positions = np.flatnonzero(invalid.to_numpy())
        fixed = [_polygonal(g) for g in shapely.make_valid(geom[invalid].to_numpy())]
        lost = [int(p) for p, g in zip(positions, fixed, strict=True) if g is None]
        if lost:
            raise InputError(
                "invalid polygons could not be repaired at " + _rows(lost),
                hint="fix them in QGIS (Vector > Geometry Tools > Fix Geometries)",
                path=name,
            )
        new = geom.copy()
        new[invalid] = fixed
        gdf = gdf.set_geometry(new)
        _warn(
            f"{name}: repaired invalid polygons (self-intersections etc.) at "
            + _rows(positions)
            + "; check them in QGIS."
        )
    return gdf


# --------------------------------------------------------------------------
# boundaries


def _infer_kind(name: Any, code: Any) -> str | None:
    text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name).strip()
    if text.endswith(("社区", "居委会", "居民委员会", "社区居委会")):
        return "community"
    if text.endswith(("村", "村委会", "村民委员会")):
        return "village"
    if isinstance(code, str) and re.fullmatch(r"\d{12}", code):
        last = int(code[-3:])
        if 1 <= last <= 199:  # 居委会 codes 001–199
            return "community"
        if 200 <= last <= 399:  # 村委会 codes 200–399
            return "village"
    return None


def _kind_value(value: Any, lookup: Mapping[str, str]) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()):
        value = str(int(value))
    text = str(value).strip()
    if text == "":
        return None
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if text in URBAN_RURAL_CLASS:
        return URBAN_RURAL_CLASS[text]
    return lookup.get(normalise_column_name(text))


def read_boundaries(
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read community/village boundaries with population into the canonical schema.

    Parameters
    ----------
    path : str or Path
        GeoPackage, GeoJSON, Shapefile or zipped Shapefile.
    columns : dict, optional
        Canonical name -> your column name, e.g. ``{'pop60': '老人数'}``;
        other columns are matched by the aliases of
        :data:`planner.schema.BOUNDARY_ALIASES`.
    layer : str, optional
        Layer in a GeoPackage (or dataset stem in a zip).
    encoding : str, optional
        Shapefile attribute encoding; detected when omitted.
    crs : str, optional
        Coordinate system to use when the file has none (or to override a
        wrong one), e.g. ``'EPSG:4490'``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; columns ``code`` (12-digit string or None), ``name``,
        ``kind`` ('community'/'village'), ``street`` (str or None),
        ``population``, ``pop60`` (float), then the file's other columns,
        then ``geometry`` ((Multi)Polygon); index ``0..n-1``.

    Raises
    ------
    InputError
        Unreadable/empty file, missing columns, bad values (rows listed).
    CRSError
        No coordinate system and no ``crs``.

    Warns
    -----
    PlannerWarning
        Invalid polygons repaired, codes that are not 12 digits, kinds
        inferred from names/codes.

    Examples
    --------
    >>> from planner.demo.county import demo_paths
    >>> units = read_boundaries(demo_paths().boundaries, layer="units")
    >>> units[["code", "name", "kind", "street"]].iloc[0].tolist()
    ['360999001001', '东门社区', 'community', '城东街道']
    >>> len(units), units.crs.to_epsg()
    (44, 4326)
    """
    p = Path(path)
    name = p.name
    raw = read_layer(p, layer=layer, encoding=encoding)
    if len(raw) == 0:
        raise InputError("contains no features", hint="export the boundary layer again", path=name)
    gdf = raw.copy()
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    gdf = gdf.reset_index(drop=True)
    gdf = _apply_crs(gdf, crs, name)
    gdf = _check_polygons(gdf, name)
    gdf = _to_4326(gdf, name)

    is_shp = p.suffix.lower() in (".shp", ".zip")
    found = _match_columns(list(gdf.columns), BOUNDARY_ALIASES, columns, name, truncated=is_shp)
    missing = [c for c in ("name", "population", "pop60") if c not in found]
    if missing:
        if len(missing) == 1:
            raise _missing_column_error(name, missing[0], BOUNDARY_ALIASES[missing[0]], gdf.columns)
        raise InputError(
            "no columns for "
            + "; ".join(f"{_label(m)} (looked for {_values(BOUNDARY_ALIASES[m])})" for m in missing),
            hint="rename your columns or pass columns={"
            + ", ".join(f"'{m}': 'YOUR_COLUMN'" for m in missing)
            + "}; the file has " + _values(c for c in gdf.columns if c != "geometry"),
            path=name,
        )

    out = pd.DataFrame(index=gdf.index)
    # code
    if "code" in found:
        codes = _id_strings(gdf[found["code"]])
        bad = codes.notna() & ~codes.fillna("").str.fullmatch(r"\d{12}")
        if bad.any():
            _warn(
                f"{name}: division codes ({_ZH['code']}) in column {found['code']!r} are not "
                f"12 digits at {_rows(np.flatnonzero(bad.to_numpy()))} "
                f"(e.g. {_values(codes[bad].head(3))}); check the column is not rounded or cut."
            )
        out["code"] = codes
    else:
        out["code"] = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    # name
    names = gdf[found["name"]]
    blank_names = _blank(names)
    if blank_names.any():
        raise InputError(
            f"{_label('name')} in column {found['name']!r} is empty at "
            + _rows(np.flatnonzero(blank_names.to_numpy())),
            hint="give every community/village a name",
            path=name,
        )
    out["name"] = names.map(lambda v: unicodedata.normalize("NFC", str(v)).strip()).astype(object)
    # kind
    lookup = _vocab_lookup(UNIT_KIND_ALIASES)
    if "kind" in found:
        raw_kind = gdf[found["kind"]]
        kinds = raw_kind.map(lambda v: _kind_value(v, lookup))
        unknown = kinds.isna() & ~_blank(raw_kind)
        if unknown.any():
            raise InputError(
                f"unknown unit kind ({_ZH['kind']}) values {_values(raw_kind[unknown])} in column "
                f"{found['kind']!r} at {_rows(np.flatnonzero(unknown.to_numpy()))}",
                hint="use 社区/community or 行政村/village (or urban-rural codes 111–220)",
                path=name,
            )
    else:
        kinds = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    todo = kinds.isna()
    if todo.any():
        inferred = pd.Series(
            [_infer_kind(n, c) for n, c in zip(out["name"][todo], out["code"][todo], strict=True)],
            index=kinds.index[todo],
            dtype=object,
        )
        if inferred.isna().any():
            rows = np.flatnonzero(todo.to_numpy())[inferred.isna().to_numpy()]
            what = "no column for" if "kind" not in found else "empty values of"
            raise InputError(
                f"{what} {_label('kind')} and it cannot be inferred from the name or code at "
                + _rows(rows),
                hint="add a column 类型 with 社区 or 行政村 (or pass columns={'kind': 'YOUR_COLUMN'})",
                path=name,
            )
        kinds[todo] = inferred
        _warn(
            f"{name}: inferred the unit kind ({_ZH['kind']}) of {int(todo.sum())} feature(s) from "
            "names (…社区 / …村) or division codes; add a 类型 column to set it explicitly."
        )
    out["kind"] = kinds.astype(object)
    # street
    if "street" in found:
        streets = gdf[found["street"]]
        out["street"] = streets.map(lambda v: str(v).strip()).where(~_blank(streets), None).astype(object)
    else:
        out["street"] = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    # populations
    pop = _numeric_column(gdf[found["population"]], "population", name, "feature", required=True)
    pop60 = _numeric_column(gdf[found["pop60"]], "pop60", name, "feature", required=True)
    over = pop60 > pop
    if over.any():
        raise InputError(
            f"the population aged 60+ ({_ZH['pop60']}, column {found['pop60']!r}) exceeds the "
            f"total population ({_ZH['population']}, column {found['population']!r}) at "
            + _rows(np.flatnonzero(over.to_numpy())),
            hint="check the two columns are not swapped and use the same population basis",
            path=name,
        )
    out["population"] = pop
    out["pop60"] = pop60

    return _assemble(out, gdf, set(found.values()), list(BOUNDARY_COLUMNS))


def _assemble(
    out: pd.DataFrame, src: gpd.GeoDataFrame, used: set[str], canonical: list[str]
) -> gpd.GeoDataFrame:
    """Canonical columns first, then the user's other columns, then geometry."""
    extras = {}
    for c in src.columns:
        if c == "geometry" or c in used:
            continue
        key = str(c)
        while key in canonical or key in extras or key == "geometry":
            key = f"{key}_src"
        extras[key] = src[c]
    frame = pd.concat([out[canonical], pd.DataFrame(extras, index=src.index)], axis=1)
    result = gpd.GeoDataFrame(frame, geometry=src.geometry.to_numpy(), crs="EPSG:4326")
    return result.reset_index(drop=True)


# --------------------------------------------------------------------------
# points (facilities, arbitrary points)


_ADDRESS_NAMES = {"address", "addr", "地址", "详细地址", "地点", "位置", "门牌地址"}
_TITLE_ROWS = 10  # rows searched for the real header below a title or merged cells


def _header_below_title(
    df: pd.DataFrame,
    found: dict[str, str],
    aliases: Mapping[str, Sequence[str]],
    columns: Mapping[str, str] | None,
    name: str,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Use a row below a title (Excel merged title cells) as the header, if one has lon/lat."""
    for i in range(min(_TITLE_ROWS, len(df))):
        header = [str(v).strip() if not _is_blank(v) else f"Unnamed: {j}"
                  for j, v in enumerate(df.iloc[i].tolist())]
        if len(set(header)) != len(header):
            continue
        try:
            hit = _match_columns(header, aliases, columns, name)
        except InputError:
            continue
        if {"longitude", "latitude"} <= hit.keys():
            body = df.iloc[i + 1:].copy()
            body.columns = header
            body = body.drop(columns=[c for c in header if c.startswith("Unnamed:")
                                      and body[c].map(_is_blank).all()])
            body = body.dropna(how="all").reset_index(drop=True)
            if len(body) == 0:
                break
            _warn(f"{name}: the first {i + 1} row(s) look like a title (标题行/合并单元格); "
                  f"row {i + 2} of the sheet was used as the header. Delete the title rows to "
                  "silence this warning.")
            return body, hit
    return df, found


def _table_points(
    df: pd.DataFrame,
    found: dict[str, str],
    name: str,
    coord_system: str,
    crs: Any,
) -> gpd.GeoDataFrame:
    """Build a point GeoDataFrame (EPSG:4326) from a table's lon/lat columns."""
    if not {"longitude", "latitude"} <= found.keys():
        address = [c for c in df.columns if normalise_column_name(c) in _ADDRESS_NAMES]
        if address:
            raise InputError(
                f"has addresses (column {address[0]!r}) but no longitude/latitude (经度/纬度) columns",
                hint="geocode the addresses first (e.g. Amap/Baidu batch geocoding), add the "
                "经度/纬度 columns and pass coord_system='gcj02' (Amap) or 'bd09' (Baidu)",
                path=name,
            )
    for key in ("longitude", "latitude"):
        if key not in found:
            raise InputError(
                f"no column for {_label(key)} (looked for {_values(FACILITY_ALIASES[key])}; the "
                f"file has {_values(df.columns)})",
                hint=f"rename your column or pass columns={{'{key}': 'YOUR_COLUMN'}}",
                path=name,
            )
    lon_raw, lat_raw = df[found["longitude"]], df[found["latitude"]]
    lon, lat = _to_number(lon_raw), _to_number(lat_raw)
    bad = lon.isna() | lat.isna()
    if bad.any():
        raise InputError(
            "missing or non-numeric longitude/latitude (经度/纬度) at "
            + _rows(np.flatnonzero(bad.to_numpy()), "row"),
            hint="fill in decimal degrees such as 116.397 and 39.909 (rows counted from the first "
            "row below the header)",
            path=name,
        )
    if crs is not None:  # projected or other coordinates in the x/y columns
        pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs=None)
        return _to_4326(_apply_crs(pts, crs, name), name)
    system = _crs.normalise_coord_system(coord_system)
    swapped = _crs.looks_like_lonlat_swapped(lon.to_numpy(), lat.to_numpy())
    if swapped.any():
        raise InputError(
            "longitude and latitude look swapped (经度/纬度颠倒) at "
            + _rows(np.flatnonzero(swapped), "row")
            + f": columns {found['longitude']!r} and {found['latitude']!r}",
            hint="swap the two columns (longitude ~73–135, latitude ~18–53 in China), or pass "
            f"columns={{'longitude': {found['latitude']!r}, 'latitude': {found['longitude']!r}}}",
            path=name,
        )
    out_range = (lon.abs() > 180) | (lat.abs() > 90)
    if out_range.any():
        raise InputError(
            "coordinates out of range (longitude -180..180, latitude -90..90) at "
            + _rows(np.flatnonzero(out_range.to_numpy()), "row"),
            hint="give decimal degrees; for projected x/y (metres) pass crs='EPSG:...'",
            path=name,
        )
    x, y = _crs.to_wgs84(lon.to_numpy(), lat.to_numpy(), system)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")


def _layer_points(gdf: gpd.GeoDataFrame, name: str, coord_system: str, crs: Any) -> gpd.GeoDataFrame:
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    gdf = _apply_crs(gdf, crs, name)
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        raise InputError(
            "has no geometry at " + _rows(np.flatnonzero(missing.to_numpy())),
            hint="place the point or delete the row",
            path=name,
        )
    types = geom.geom_type
    multi = types == "MultiPoint"
    if multi.any():
        counts = shapely.get_num_geometries(geom[multi].to_numpy())
        if (counts != 1).any():
            rows = np.flatnonzero(multi.to_numpy())[counts != 1]
            raise InputError(
                "MultiPoint features with several points at " + _rows(rows),
                hint="explode them into single points (QGIS: Multipart to Singleparts)",
                path=name,
            )
        geom = geom.copy()
        geom[multi] = shapely.get_geometry(geom[multi].to_numpy(), 0)
        gdf = gdf.set_geometry(geom)
        types = gdf.geometry.geom_type
    wrong = types != "Point"
    if wrong.any():
        raise InputError(
            f"expected points but found {_values(types[wrong])} at "
            + _rows(np.flatnonzero(wrong.to_numpy())),
            hint="give one point per facility (QGIS: Centroids for polygons)",
            path=name,
        )
    gdf = _to_4326(gdf, name)
    lon, lat = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
    swapped = _crs.looks_like_lonlat_swapped(lon, lat)
    if swapped.any():
        raise InputError(
            "longitude and latitude look swapped (经度/纬度颠倒) at " + _rows(np.flatnonzero(swapped)),
            hint="the layer's x/y axes are exchanged; fix the .prj / axis order and export again",
            path=name,
        )
    system = _crs.normalise_coord_system(coord_system)
    if system in ("gcj02", "bd09"):
        x, y = _crs.to_wgs84(lon, lat, system)
        gdf = gdf.set_geometry(gpd.points_from_xy(x, y), crs="EPSG:4326")
    return gdf.reset_index(drop=True)


def _read_points_source(
    path: str | Path,
    aliases: Mapping[str, Sequence[str]],
    columns: Mapping[str, str] | None,
    *,
    layer: str | None,
    encoding: str | None,
    crs: Any,
    coord_system: str,
    sheet: str | int | None,
) -> tuple[gpd.GeoDataFrame, dict[str, str], str, str]:
    """Read a point layer or lon/lat table; returns (gdf, found columns, file name, row word)."""
    p = Path(path)
    name = p.name
    _crs.normalise_coord_system(coord_system)  # fail early on unknown names
    if p.suffix.lower() in SUPPORTED_TABLE_SUFFIXES:
        df = read_table(p, sheet=sheet, dtype=str)
        found = _match_columns(list(df.columns), aliases, columns, name)
        if not {"longitude", "latitude"} <= found.keys():
            df, found = _header_below_title(df, found, aliases, columns, name)
        gdf = _table_points(df, found, name, coord_system, crs)
        return gdf.reset_index(drop=True), found, name, "row"
    if p.exists() and p.suffix.lower() not in SUPPORTED_LAYER_SUFFIXES:
        raise InputError(
            f"unsupported file type {p.suffix.lower() or '(no suffix)'!r}",
            hint="supported: " + ", ".join(SUPPORTED_SUFFIXES),
            path=name,
        )
    raw = read_layer(p, layer=layer, encoding=encoding)
    if len(raw) == 0:
        raise InputError("contains no features", hint="export the layer again", path=name)
    gdf = _layer_points(raw.copy().reset_index(drop=True), name, coord_system, crs)
    point_aliases = {k: v for k, v in aliases.items() if k not in ("longitude", "latitude")}
    found = _match_columns(
        list(gdf.columns), point_aliases,
        {k: v for k, v in (columns or {}).items() if k not in ("longitude", "latitude")},
        name, truncated=p.suffix.lower() in (".shp", ".zip"),
    )
    return gdf, found, name, "feature"


def _ids(
    gdf: pd.DataFrame, found: Mapping[str, str], key: str, prefix: str, name: str, word: str
) -> pd.Series:
    n = len(gdf)
    if key not in found:
        width = max(4, len(str(n)))
        return pd.Series([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], index=gdf.index, dtype=object)
    ids = _id_strings(gdf[found[key]])
    blank = ids.isna()
    if blank.any():
        raise InputError(
            f"{_label(key)} in column {found[key]!r} is empty at "
            + _rows(np.flatnonzero(blank.to_numpy()), word),
            hint="fill in every id, or remove the column to have ids generated",
            path=name,
        )
    dup = ids.duplicated(keep=False)
    if dup.any():
        raise InputError(
            f"duplicate ids ({_ZH[key]}) in column {found[key]!r}: {_values(ids[dup])} at "
            + _rows(np.flatnonzero(dup.to_numpy()), word),
            hint="make every id unique",
            path=name,
        )
    return ids


def read_facilities(
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    coord_system: str = "wgs84",
    sheet: str | int | None = None,
    default_type: str | None = None,
    default_status: str = "existing",
) -> gpd.GeoDataFrame:
    """Read facilities (existing, planned or candidate) as points.

    Parameters
    ----------
    path : str or Path
        Point layer (GeoPackage, GeoJSON, Shapefile, zip) or a CSV/XLSX/XLS
        table with longitude/latitude columns (经度/纬度, lon/lat, x/y...).
    columns : dict, optional
        Canonical name -> your column name (keys of
        :data:`planner.schema.FACILITY_ALIASES`, including ``'longitude'``
        and ``'latitude'``).
    layer, encoding : str, optional
        As in :func:`read_layer`.
    crs : str, optional
        For layers: CRS when the file has none.  For tables: the CRS of the
        x/y columns if they are not degrees (e.g. ``'EPSG:4548'``).
    coord_system : {'wgs84', 'cgcs2000', 'gcj02', 'bd09'}
        Datum of the degrees: GCJ-02 (Amap/Tencent) and BD-09 (Baidu)
        coordinates are shifted back to WGS-84.
    sheet : str or int, optional
        Excel sheet.
    default_type : str, optional
        Facility type for all rows when there is no type column (and for
        empty type cells).
    default_status : str, default 'existing'
        Status for rows without one.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 with ``facility_id`` (str), ``name``, ``type`` (a key of
        :data:`planner.schema.FACILITY_TYPES`), ``capacity``,
        ``nursing_beds`` (float, NaN allowed), ``status``, the file's other
        columns (without the coordinate columns) and point ``geometry``.

    Raises
    ------
    InputError
        Unreadable file, missing columns, unknown types/statuses, duplicate
        ids, missing/swapped/out-of-range coordinates (rows listed).
    CRSError
        Layer without CRS and no ``crs``; unknown ``coord_system``.

    Examples
    --------
    A table with Chinese headers; the same coordinates read as GCJ-02 (e.g.
    picked on Amap) are shifted back to WGS-84:

    >>> import pathlib, tempfile
    >>> csv = pathlib.Path(tempfile.mkdtemp()) / "facilities.csv"
    >>> _ = csv.write_text("名称,类型,经度,纬度\\n东门日间照料中心,日间照料中心,117.2,29.3\\n",
    ...                    encoding="utf-8")
    >>> fac = read_facilities(csv)
    >>> fac[["name", "type", "status"]].iloc[0].tolist(), fac.crs.to_epsg()
    (['东门日间照料中心', 'day_care', 'existing'], 4326)
    >>> gcj = read_facilities(csv, coord_system="gcj02")
    >>> round(float(gcj.geometry.x[0]), 4), round(float(gcj.geometry.y[0]), 4)
    (117.1947, 29.3026)
    """
    type_lookup = _vocab_lookup(FACILITY_TYPE_ALIASES)
    status_lookup = _vocab_lookup(STATUS_ALIASES)
    accepted_types = ", ".join(FACILITY_TYPES)
    name_hint = Path(path).name
    if default_type is not None:
        key = type_lookup.get(normalise_column_name(default_type))
        if key is None:
            raise InputError(
                f"default_type={default_type!r} is not a facility type",
                hint=f"use one of {accepted_types}",
                path=name_hint,
            )
        default_type = key
    default_key = status_lookup.get(normalise_column_name(default_status))
    if default_key is None:
        raise InputError(
            f"default_status={default_status!r} is not a status",
            hint="use existing, planned or candidate",
            path=name_hint,
        )

    gdf, found, name, word = _read_points_source(
        path, FACILITY_ALIASES, columns, layer=layer, encoding=encoding, crs=crs,
        coord_system=coord_system, sheet=sheet,
    )
    out = pd.DataFrame(index=gdf.index)
    out["facility_id"] = _ids(gdf, found, "facility_id", "F", name, word)
    # name
    if "name" not in found:
        raise _missing_column_error(name, "name", FACILITY_ALIASES["name"], gdf.columns)
    names = gdf[found["name"]]
    blank = _blank(names)
    if blank.any():
        raise InputError(
            f"{_label('name')} in column {found['name']!r} is empty at "
            + _rows(np.flatnonzero(blank.to_numpy()), word),
            hint="give every facility a name (candidate sites can be named after their id)",
            path=name,
        )
    out["name"] = names.map(lambda v: str(v).strip()).astype(object)
    # type
    if "type" in found:
        raw_type = gdf[found["type"]]
        types = raw_type.map(
            lambda v: None if _is_blank(v) else type_lookup.get(normalise_column_name(v), "?")
        ).astype(object)
        unknown = types == "?"
        if unknown.any():
            raise InputError(
                f"unknown facility types ({_ZH['type']}) {_values(raw_type[unknown])} in column "
                f"{found['type']!r} at {_rows(np.flatnonzero(unknown.to_numpy()), word)}",
                hint=f"use one of {accepted_types} or a Chinese name such as "
                "日间照料中心, 综合养老服务中心, 嵌入式养老院, 农村幸福院, 老年助餐点, 敬老院",
                path=name,
            )
        empty = types.isna()
        if empty.any():
            if default_type is None:
                raise InputError(
                    f"{_label('type')} is empty at " + _rows(np.flatnonzero(empty.to_numpy()), word),
                    hint=f"fill it in or pass default_type= one of {accepted_types}",
                    path=name,
                )
            types[empty] = default_type
    elif default_type is not None:
        types = pd.Series([default_type] * len(gdf), index=gdf.index, dtype=object)
    else:
        raise InputError(
            f"no column for {_label('type')} (looked for {_values(FACILITY_ALIASES['type'])})",
            hint="add a type column, pass columns={'type': 'YOUR_COLUMN'}, or pass "
            f"default_type= one of {accepted_types}",
            path=name,
        )
    out["type"] = types.astype(object)
    # capacity, nursing beds
    for key in ("capacity", "nursing_beds"):
        if key in found:
            out[key] = _numeric_column(gdf[found[key]], key, name, word, required=False)
        else:
            out[key] = np.nan
    # status
    if "status" in found:
        raw_status = gdf[found["status"]]
        statuses = raw_status.map(
            lambda v: None if _is_blank(v) else status_lookup.get(normalise_column_name(v), "?")
        ).astype(object)
        unknown = statuses == "?"
        if unknown.any():
            raise InputError(
                f"unknown status ({_ZH['status']}) values {_values(raw_status[unknown])} in column "
                f"{found['status']!r} at {_rows(np.flatnonzero(unknown.to_numpy()), word)}",
                hint="use existing/现有, planned/规划 or candidate/候选",
                path=name,
            )
        statuses = statuses.where(statuses.notna(), default_key)
    else:
        statuses = pd.Series([default_key] * len(gdf), index=gdf.index, dtype=object)
    out["status"] = statuses.astype(object)

    used = set(found.values())
    return _assemble(out, gdf, used, list(FACILITY_COLUMNS))


def read_points(
    path: str | Path,
    *,
    id_column: str | None = None,
    weight_column: str | None = None,
    coord_system: str = "wgs84",
    layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    sheet: str | int | None = None,
    columns: dict[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read arbitrary points (e.g. for ``planner travel-times --points``).

    Parameters
    ----------
    path : str or Path
        Point layer or CSV/XLSX/XLS table with longitude/latitude columns.
    id_column : str, optional
        Column holding the ids; otherwise id/point_id/编号/序号/name... are
        tried, else ids ``P0001``... are generated.
    weight_column : str, optional
        Column holding weights; otherwise weight/权重/人数 are tried.
    coord_system : {'wgs84', 'cgcs2000', 'gcj02', 'bd09'}
        Datum of the coordinates (see :func:`read_facilities`).
    layer, encoding, crs, sheet : optional
        As in :func:`read_facilities`.
    columns : dict, optional
        Canonical name -> your column for ``'longitude'``/``'latitude'``
        (and ``'point_id'``/``'weight'``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 with ``point_id`` (unique str), ``weight`` (float, only if
        the file has one), the file's other columns and point ``geometry``.

    Raises
    ------
    InputError, CRSError
        As in :func:`read_facilities`.
    """
    mapping = dict(columns or {})
    if id_column is not None:
        mapping["point_id"] = id_column
    if weight_column is not None:
        mapping["weight"] = weight_column
    gdf, found, name, word = _read_points_source(
        path, POINT_ALIASES, mapping, layer=layer, encoding=encoding, crs=crs,
        coord_system=coord_system, sheet=sheet,
    )
    out = pd.DataFrame(index=gdf.index)
    out["point_id"] = _ids(gdf, found, "point_id", "P", name, word)
    canonical = ["point_id"]
    used = set(found.values())
    if "weight" in found:
        out["weight"] = _numeric_column(gdf[found["weight"]], "weight", name, word, required=False)
        canonical.append("weight")
    return _assemble(out, gdf, used, canonical)

"""Opening input files: paths, zip archives, encodings (GBK detection), layers and tables.

:func:`read_layer` and :func:`read_table` return the data as is (the layer in
its own CRS, the table with its own column names); turning them into the
canonical schema is the job of :mod:`planner.io.boundaries` and
:mod:`planner.io.points`.  Every problem is an :class:`~planner._errors.InputError`
with a code (see :mod:`planner.io.problems`).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from planner._errors import InputError
from planner.io.problems import arg_params, per_lang, problem, values_listed, warn_problem
from planner.text import lookup

__all__ = [
    "MAX_TEXT_BYTES",
    "SUPPORTED_LAYER_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "SUPPORTED_TABLE_SUFFIXES",
    "check_network_file",
    "check_path",
    "check_xlsx",
    "read_layer",
    "read_table",
    "sniff",
]

SUPPORTED_LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip")
"""File suffixes read as vector layers."""

SUPPORTED_TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")
"""File suffixes read as tables with longitude/latitude columns."""

SUPPORTED_SUFFIXES = SUPPORTED_LAYER_SUFFIXES + SUPPORTED_TABLE_SUFFIXES

_CSV_ENCODINGS = ("utf-8-sig", "gbk", "gb18030")
_SHP_ENCODINGS = ("utf-8", "gbk", "gb18030")

MB = 1024 * 1024
MAX_TEXT_BYTES: dict[str, int] = {".csv": 50 * MB, ".geojson": 200 * MB, ".json": 200 * MB}
"""Largest text file read (bytes): pandas and GDAL hold a text file several times over in memory."""
XLSX_MAX_TOTAL = 100 * MB
"""Largest total uncompressed size of an ``.xlsx`` workbook (openpyxl expands XML about 5 times in memory)."""
XLSX_MAX_RATIO = 100.0
"""Largest compression ratio of an ``.xlsx`` member above :data:`XLSX_RATIO_FLOOR` (bombs reach 1000)."""
XLSX_RATIO_FLOOR = 1 * MB
XLSX_MAX_MEMBERS = 5000

# GDAL connection prefixes (``CSV:``, ``PG:``, ``GPKG:``...), URLs and virtual file systems: a path
# naming one would make GDAL read other files or fetch URLs, so user paths never carry them
_GDAL_PREFIX = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_ .+-]+:|/vsi)", re.IGNORECASE)

# content signatures (the first bytes of a file)
_SQLITE = b"SQLite format 3\x00"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_XML_TEXT = (b"<?xml", b"<")
_BOM = b"\xef\xbb\xbf"


def sniff(head: bytes) -> str:
    r"""What the first bytes of a file are, whatever its name says.

    Parameters
    ----------
    head : bytes
        The first bytes (64 or more).

    Returns
    -------
    str
        ``'empty'``, ``'sqlite'``, ``'zip'``, ``'ole'`` (old Excel),
        ``'shp'``, ``'pbf'``, ``'json'`` (starts with ``{`` or ``[``),
        ``'utf16'`` (text with a UTF-16 byte-order mark),
        ``'vrt'`` (a GDAL virtual layer), ``'xml'``, ``'text'`` or ``'binary'``.

    Examples
    --------
    >>> sniff(b'{"type": "FeatureCollection"}'), sniff(b"<OGRVRTDataSource>"), sniff(b"a,b\n1,2")
    ('json', 'vrt', 'text')
    """
    if not head:
        return "empty"
    if head.startswith(_SQLITE):
        return "sqlite"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(_SHP_MAGIC):
        return "shp"
    if len(head) >= 16 and b"OSMHeader" in head[:32]:
        return "pbf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM (Excel's "Unicode text")
        return "utf16"
    text = head[3:] if head.startswith(_BOM) else head
    stripped = text.lstrip(b" \t\r\n")
    if b"ogrvrtdatasource" in head.lower() or b"vrtdataset" in head.lower():
        return "vrt"
    if stripped.startswith((b"{", b"[")):
        return "json"
    if stripped.startswith(_XML_TEXT):
        return "xml"
    if b"\x00" in head:
        return "binary"
    return "text"


# what the content of each suffix must be
_CONTENT: dict[str, tuple[str, ...]] = {
    ".gpkg": ("sqlite",),
    ".geojson": ("json",),
    ".json": ("json",),
    ".shp": ("shp",),
    ".zip": ("zip",),
    ".xlsx": ("zip",),
    ".xls": ("ole",),
    ".csv": ("text", "utf16"),
    ".osm": ("xml",),
    ".graphml": ("xml",),
    ".pbf": ("pbf",),
}


def _suffix_of(p: Path | PurePosixPath) -> str:
    name = p.name.lower()
    return ".pbf" if name.endswith(".osm.pbf") else p.suffix.lower()


def check_content(name: str, suffix: str, head: bytes) -> None:
    """Refuse content that is not what ``suffix`` says (e.g. a GDAL VRT named ``.geojson``).

    Parameters
    ----------
    name : str
        The file's (or zip member's) name, for the message.
    suffix : str
        Its lower-case suffix (``'.osm.pbf'`` counts as ``'.pbf'``).
    head : bytes
        Its first bytes.

    Raises
    ------
    InputError
        ``content_mismatch`` (or ``content_vrt`` for a GDAL virtual layer).
    """
    expected = _CONTENT.get(suffix)
    if expected is None:
        return
    found = sniff(head)
    if found == "vrt":
        raise problem("content_vrt", name, suffix=suffix)
    if found not in expected:
        raise problem("content_mismatch", name, suffix=suffix, **per_lang("what", f"io.format{suffix}"),
                      **per_lang("found", f"io.content.{found}"))


def _refuse_special_path(path: str | Path) -> None:
    """Refuse GDAL connection strings, virtual file systems and URLs given as file paths."""
    text = str(path)
    if _GDAL_PREFIX.match(text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        raise problem("path_refused", Path(text).name or text, path=text[:80])
    if "/vsi" in text.lower().replace("\\", "/"):
        raise problem("path_refused", Path(text).name or text, path=text[:80])


def check_path(path: str | Path, suffixes: Sequence[str]) -> Path:
    """The path of an existing, regular, non-empty file with one of ``suffixes``; else an InputError.

    GDAL connection strings (``CSV:...``, ``/vsicurl/...``), devices and
    pipes are refused, and the first bytes must match the suffix (a GDAL
    virtual layer named ``units.geojson`` is refused).
    """
    _refuse_special_path(path)
    p = Path(path)
    if not p.exists():
        raise problem("file_not_found", p)
    if p.is_dir():
        raise problem("is_folder", p.name)
    suffix = _suffix_of(p)
    if suffix not in suffixes and p.suffix.lower() not in suffixes:
        raise unsupported_type(p.name, p.suffix.lower(), suffixes)
    if not p.is_file():  # a device (/dev/zero) or a pipe behind a file name
        raise problem("not_regular_file", p.name)
    size = p.stat().st_size
    if size == 0:
        raise problem("file_empty", p.name)
    limit = MAX_TEXT_BYTES.get(suffix)
    if limit is not None and size > limit:
        raise problem("file_too_large", p.name, mb=size / MB, limit=limit / MB)
    with open(p, "rb") as fh:
        head = fh.read(512)
    check_content(p.name, suffix, head)
    return p


def check_network_file(path: str | Path) -> Path:
    """Check a network file (``.osm.pbf``, ``.osm``, ``.graphml``) before a reader opens it.

    The same rules as the layers: no GDAL connection strings or URLs, a
    regular non-empty file, content matching the suffix.

    Returns
    -------
    Path
        The path.
    """
    return check_path(path, (".pbf", ".osm", ".graphml"))


def check_xlsx(p: Path | IO[bytes], name: str | None = None) -> None:
    """Refuse an ``.xlsx`` that is not a zip or would expand beyond the limits (a decompression bomb).

    Only the archive's directory is read: nothing is expanded.

    Parameters
    ----------
    p : Path or binary file
        The workbook (an upload's bytes as ``io.BytesIO``).
    name : str, optional
        The file's name for messages (default: the path's name).

    Raises
    ------
    InputError
        ``xlsx_invalid``, ``xlsx_bomb`` or ``xlsx_too_large``.
    """
    name = name or (p.name if isinstance(p, Path) else "upload.xlsx")
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise problem("excel_unreadable", name, detail=f"{type(exc).__name__}: {exc}") from exc
    if len(infos) > XLSX_MAX_MEMBERS:
        raise problem("zip_too_many_members", name, n=len(infos), limit=XLSX_MAX_MEMBERS)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > XLSX_RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
            raise problem("xlsx_bomb", name, entry=info.filename, mb=info.file_size / MB,
                          ratio=info.file_size / max(info.compress_size, 1))
    if total > XLSX_MAX_TOTAL:
        raise problem("xlsx_too_large", name, mb=total / MB, limit=XLSX_MAX_TOTAL / MB)


def unsupported_type(name: str, suffix: str, supported: Sequence[str]) -> InputError:
    """The error for a file whose suffix is not among ``supported``.

    Parameters
    ----------
    name : str
        The file's name.
    suffix : str
        Its suffix (``''`` when it has none).
    supported : sequence of str
        The suffixes accepted there.
    """
    return problem("unsupported_type", name, suffix=suffix or "(no suffix)", supported=", ".join(supported))


# --------------------------------------------------------------------------
# zip archives


def _zip_member(p: Path, layer: str | None) -> tuple[str, str | None, bool]:
    """Pick the dataset inside a zip: returns (gdal_path, layer, has_cpg)."""
    try:
        with zipfile.ZipFile(p) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise problem("zip_invalid", p.name) from exc
    for name in names:
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise problem("zip_unsafe_path", p.name, entry=name, tag="")
    from planner.io.uploads import check_zip  # size and compression-ratio limits (zip bombs)

    check_zip(p, allowed=None)
    datasets = [
        n for n in names
        if PurePosixPath(n).suffix.lower() in (".shp", ".gpkg", ".geojson", ".json")
        and not PurePosixPath(n).name.startswith(("._", "."))
        and "__MACOSX" not in n
    ]
    if not datasets:
        raise problem("zip_no_dataset", p.name)
    _check_members(p, datasets)
    chosen = datasets[0]
    inner_layer = layer
    if len(datasets) > 1:
        stems = {PurePosixPath(n).stem: n for n in datasets}
        if layer is not None and layer in stems:
            chosen, inner_layer = stems[layer], None
        else:
            raise problem("zip_many_datasets", p.name, **values_listed(datasets),
                          **values_listed(stems, "stems"), **arg_params(layer=name_placeholder()))
    elif layer is not None and PurePosixPath(chosen).stem == layer:
        inner_layer = None
    cpg = str(PurePosixPath(chosen).with_suffix(".cpg")).lower()
    has_cpg = any(n.lower() == cpg for n in names)
    return f"/vsizip/{p.resolve().as_posix()}/{chosen}", inner_layer, has_cpg


def name_placeholder() -> tuple[str, str]:
    """"NAME" in both languages, for option hints (``layer='名称'`` / ``layer='NAME'``)."""
    zh, en = lookup("io.name_placeholder") or ("NAME", "NAME")
    return zh, en


def _check_members(p: Path, members: Sequence[str]) -> None:
    """Each dataset inside the zip must be what its suffix says (not a VRT named ``.shp``)."""
    try:
        with zipfile.ZipFile(p) as zf:
            for n in members:
                with zf.open(n) as fh:
                    head = fh.read(512)
                check_content(f"{p.name}/{n}", _suffix_of(PurePosixPath(n)), head)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise problem("zip_invalid", p.name) from exc


def _driver_source(source: str, suffix: str) -> str:
    """The GDAL path naming the driver explicitly where GDAL allows it (GeoPackage, GeoJSON).

    Shapefiles have no such prefix: their content was checked (:func:`check_content`),
    so GDAL's shapefile driver is the only one that recognises them.
    """
    if ":" in source.replace("/vsizip/", ""):  # a colon would be read as part of the connection string
        return source
    if suffix == ".gpkg":
        return f"GPKG:{source}"
    if suffix == ".geojson":
        return f"GeoJSON:{source}"
    return source


# --------------------------------------------------------------------------
# encodings of shapefiles without .cpg


def _garbled(texts: Iterable[str]) -> bool:
    """Text decoded with the wrong code page (GDAL's ISO-8859-1 default)."""
    return any("\ufffd" in t or re.search(r"[\x80-\xff]", t) for t in texts)


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
    """Re-decode text GDAL read as ISO-8859-1 (a lossless byte mapping) with ``encoding``.

    ``None`` if any text does not decode cleanly.
    """
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


def _fix_encoding(gdf: gpd.GeoDataFrame, source: str, name: str, kwargs: dict[str, Any]) -> gpd.GeoDataFrame:
    """Shapefile without .cpg: GDAL decoded the bytes as ISO-8859-1.

    Re-decode them as UTF-8, GBK or GB18030, the first that fits every text
    exactly (equivalent to re-reading with encoding=..., but robust to field
    names that GDAL truncated in the middle of a multi-byte character).
    """
    try:
        native = (pyogrio.read_info(source, **kwargs).get("encoding") or "").upper()
    except Exception:  # already read once; do not fail on the metadata query
        native = ""
    if native not in ("ISO-8859-1", "LATIN1", ""):
        return gdf
    if not _garbled(_string_texts(gdf)):
        return gdf
    for enc in _SHP_ENCODINGS:
        fixed = _redecode(gdf, enc)
        if fixed is not None:
            return fixed
    warn_problem("text_garbled", name, **arg_params(encoding="..."))
    return gdf


# --------------------------------------------------------------------------
# layers


def _read_unclosed(source: str, name: str, **kwargs: Any) -> gpd.GeoDataFrame:
    """Read a layer whose polygon rings do not close (GEOS refuses them): close them."""
    import pyogrio.raw

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Nn]on closed ring.*")
        attrs = gpd.read_file(source, engine="pyogrio", read_geometry=False, **kwargs)
        meta, _, wkb, _ = pyogrio.raw.read(source, **kwargs)
    geoms = shapely.from_wkb(wkb, on_invalid="fix")  # closes open rings
    warn_problem("rings_closed", name, n=len(geoms))
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
        raise problem("text_undecodable", name, detail=str(exc), **arg_params(encoding="gbk")) from exc
    except Exception as exc:  # pyogrio/GDAL raise many types
        raise problem("layer_unreadable", name, detail=f"{type(exc).__name__}: {exc}") from exc


_DAMAGED = re.compile(r"malformed|file is not a database|truncated|unexpected end of file|premature end",
                      re.IGNORECASE)
"""What GDAL says of a damaged or incomplete file (e.g. a GeoPackage cut short by an interrupted copy)."""


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
    p = check_path(path, SUPPORTED_LAYER_SUFFIXES)
    source = str(p.resolve())
    has_cpg = p.with_suffix(".cpg").exists() or p.with_suffix(".CPG").exists()
    if p.suffix.lower() == ".zip":
        source, layer, has_cpg = _zip_member(p, layer)
    is_shp = source.lower().endswith(".shp")
    source = _driver_source(source, _suffix_of(PurePosixPath(source)))

    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(source)]
    except Exception as exc:
        if _DAMAGED.search(str(exc)):  # a cut or corrupted file: SQLite's words mean nothing to a planner
            raise problem("layer_damaged", p.name) from exc
        raise problem("layer_unopenable", p.name, detail=f"{type(exc).__name__}: {exc}") from exc
    if layer is not None and layer not in layers:
        if len(layers) == 1 and is_shp:
            layer = None
        else:
            raise problem("no_layer", p.name, layer=layer, **values_listed(layers, "layers"))
    elif layer is None and len(layers) > 1:
        layer = layers[0]
        warn_problem("several_layers", p.name, n=len(layers), layer=layer, **values_listed(layers, "layers"),
                     **arg_params(layer=name_placeholder()))
    kwargs: dict[str, Any] = {}
    if layer is not None:
        kwargs["layer"] = layer

    if encoding is not None:
        return _read_file(source, p.name, encoding=encoding, **kwargs)
    gdf = _read_file(source, p.name, **kwargs)
    if not is_shp or has_cpg:
        return gdf
    return _fix_encoding(gdf, source, p.name, kwargs)


# --------------------------------------------------------------------------
# tables


def _sniff_sep(text: str) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _csv_encoding(raw: bytes) -> str | None:
    """The first encoding that decodes all of ``raw`` (checked a megabyte at a time, nothing kept)."""
    import codecs

    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else _CSV_ENCODINGS
    for enc in encodings:
        dec = codecs.getincrementaldecoder(enc)()
        try:
            for i in range(0, len(raw), MB):
                dec.decode(raw[i:i + MB])
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return enc
    return None


def _read_csv(p: Path, dtype: Any, nrows: int | None = None) -> pd.DataFrame:
    raw = p.read_bytes()
    enc = _csv_encoding(raw)
    if enc is None:
        raise problem("csv_encoding", p.name)
    # pandas parses the bytes itself: a decoded copy of the text would cost several times the file
    head = raw[:64 * 1024].decode(enc, errors="ignore")
    try:
        return pd.read_csv(io.BytesIO(raw), encoding=enc, sep=_sniff_sep(head), dtype=dtype, nrows=nrows)
    except pd.errors.EmptyDataError as exc:
        raise problem("no_rows", p.name) from exc
    except Exception as exc:
        raise problem("csv_unreadable", p.name, detail=f"{type(exc).__name__}: {exc}") from exc


def _read_excel(p: Path, sheet: str | int | None, dtype: Any, nrows: int | None = None) -> pd.DataFrame:
    engine = "openpyxl" if p.suffix.lower() == ".xlsx" else "xlrd"
    if engine == "openpyxl":
        check_xlsx(p)
    try:
        return pd.read_excel(p, sheet_name=0 if sheet is None else sheet, dtype=dtype, engine=engine,
                             nrows=nrows)
    except ImportError as exc:
        raise problem("xls_needs_xlrd", p.name) from exc
    except (ValueError, KeyError, IndexError) as exc:
        if sheet is not None and ("not found" in str(exc) or isinstance(exc, IndexError)):
            try:
                with pd.ExcelFile(p, engine=engine) as book:  # closed: it holds the file open
                    sheets = book.sheet_names
            except Exception:  # pragma: no cover - already failing
                sheets = []
            raise problem("no_sheet", p.name, sheet=sheet, **values_listed(sheets, "sheets")) from exc
        raise problem("excel_unreadable", p.name, detail=f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:
        raise problem("excel_unreadable", p.name, detail=f"{type(exc).__name__}: {exc}") from exc


def read_table(path: str | Path, sheet: str | int | None = None, *, dtype: Any = None,
               nrows: int | None = None) -> pd.DataFrame:
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
    nrows : int, optional
        Read only this many rows below the header (e.g. to list the columns).

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
    p = check_path(path, SUPPORTED_TABLE_SUFFIXES)
    df = _read_csv(p, dtype, nrows) if p.suffix.lower() == ".csv" else _read_excel(p, sheet, dtype, nrows)
    df.columns = [str(c).strip() for c in df.columns]
    unnamed = [c for c in df.columns if c.startswith("Unnamed:") and df[c].isna().all()]
    df = df.drop(columns=unnamed)
    df = df.dropna(how="all").reset_index(drop=True)
    if len(df) == 0:
        raise problem("no_rows_below_header", p.name)
    return df

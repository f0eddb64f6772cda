"""A hostile-input corpus, generated at test time (nothing large is committed).

Each :class:`Case` writes its files into a folder and names the call that reads
them and the expected outcome: refused with a named error code, repaired or
warned about with a named warning code, or read cleanly.  The cases cover GDAL
virtual layers and connection strings disguised as data, content that does not
match its suffix, devices and pipes, zip tricks, decompression bombs in
``.xlsx`` and zipped shapefiles, oversized text, and the data mistakes that
used to slip through (duplicate codes, slivers, swapped axes, decimal commas,
ambiguous columns, population tables that do not join).

Run ``python tests/io/hostile_corpus.py OUT_DIR`` to write the files for a
look by hand.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

LON, LAT = 117.2, 29.3  # a county in Jiangxi, like the demo county
MB = 1024 * 1024

VRT_PASSWD = (b'<OGRVRTDataSource><OGRVRTLayer name="units"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>'
              b"</OGRVRTLayer></OGRVRTDataSource>")
VRT_CURL = (b'<OGRVRTDataSource><OGRVRTLayer name="units">'
            b"<SrcDataSource>/vsicurl/http://127.0.0.1:9/units.geojson</SrcDataSource>"
            b"</OGRVRTLayer></OGRVRTDataSource>")


@dataclass(frozen=True)
class Case:
    """One hostile input.

    Attributes
    ----------
    name : str
        Identifier (also the stem of the files written).
    reader : str
        ``boundaries``, ``facilities``, ``points``, ``population``, ``join``
        (boundaries with ``population=``) or ``validate``.
    build : callable
        ``build(folder) -> (path, kwargs)``: writes the files, returns what
        to read and the keyword arguments.
    outcome : {'error', 'warning', 'ok'}
    code : str or None
        The error's or warning's code.
    cli : bool
        Also run through the command line (``planner validate``).
    """

    name: str
    reader: str
    build: Callable[[Path], tuple[Any, dict[str, Any]]]
    outcome: str
    code: str | None = None
    cli: bool = False
    tags: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------
# building blocks


def _square(cx: float, cy: float, half: float) -> shapely.Polygon:
    return shapely.box(cx - half, cy - half, cx + half, cy + half)


def units_frame(n: int = 4, **extra: list[Any]) -> gpd.GeoDataFrame:
    """``n`` square communities (about 1 km) with code, name, population and 60+."""
    geoms = [_square(LON + 0.01 * i, LAT, 0.005) for i in range(n)]
    data = {
        "code": [f"360999001{i + 1:03d}" for i in range(n)],
        "name": [f"东{i}社区" for i in range(n)],
        "kind": ["社区"] * n,
        "population": [5000 + 100 * i for i in range(n)],
        "pop60": [1000 + 10 * i for i in range(n)],
    }
    data.update(extra)
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")


def write_units(folder: Path, name: str, gdf: gpd.GeoDataFrame | None = None, suffix: str = ".geojson") -> Path:
    p = folder / f"{name}{suffix}"
    (units_frame() if gdf is None else gdf).to_file(p)
    return p


def write_bytes(folder: Path, filename: str, data: bytes) -> Path:
    p = folder / filename
    p.write_bytes(data)
    return p


def write_text(folder: Path, filename: str, text: str, encoding: str = "utf-8") -> Path:
    p = folder / filename
    p.write_bytes(text.encode(encoding))
    return p


FAC_HEAD = "名称,类型,经度,纬度\n"


def fac_rows(n: int = 3) -> str:
    return "".join(f"设施{i},日间照料中心,{LON + 0.01 * i:.4f},{LAT:.4f}\n" for i in range(n))


def pop_table(n: int = 4, **cols: list[Any]) -> pd.DataFrame:
    data: dict[str, list[Any]] = {
        "统计用区划代码": [f"360999001{i + 1:03d}" for i in range(n)],
        "村名": [f"东{i}社区" for i in range(n)],
        "常住人口": [5000 + 100 * i for i in range(n)],
        "60周岁及以上": [1000 + 10 * i for i in range(n)],
    }
    data.update(cols)
    return pd.DataFrame(data)


def write_zip(folder: Path, filename: str, members: dict[str, bytes], *, flags: int = 0,
              symlink: str | None = None) -> Path:
    p = folder / filename
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            info = zipfile.ZipInfo(n)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    if flags:  # zipfile resets the flags when writing: set them in the headers themselves
        raw = bytearray(p.read_bytes())
        for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.find(sig)
            while at >= 0:
                raw[at + offset] |= flags
                at = raw.find(sig, at + 4)
        p.write_bytes(bytes(raw))
    return p


def shapefile_bytes(folder: Path) -> dict[str, bytes]:
    """The files of a small valid shapefile of units, by name."""
    sub = folder / "_shp"
    sub.mkdir(exist_ok=True)
    units_frame().to_file(sub / "units.shp", encoding="utf-8")
    return {q.name: q.read_bytes() for q in sorted(sub.iterdir())}


def xlsx_bomb(folder: Path, filename: str, mb: int = 30) -> Path:
    """A workbook whose sheet expands ~1000:1 (spaces): a decompression bomb of ``mb`` megabytes."""
    p = folder / filename
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b" " * MB
            for _ in range(mb):
                fh.write(chunk)
    return p


def street_grid(step: float = 0.002, n: int = 12) -> list[shapely.LineString]:
    """A city grid of streets every ``step`` degrees (about 200 m) around (LON, LAT)."""
    lo_x, lo_y = LON - step * n / 2, LAT - step * n / 2
    lines = []
    for i in range(n + 1):
        x = lo_x + i * step
        y = lo_y + i * step
        for j in range(n):
            lines.append(shapely.LineString([(x, lo_y + j * step), (x, lo_y + (j + 1) * step)]))
            lines.append(shapely.LineString([(lo_x + j * step, y), (lo_x + (j + 1) * step, y)]))
    return lines


def grid_units(step: float = 0.002, n: int = 12, block: int = 2) -> gpd.GeoDataFrame:
    """Communities bounded by the streets of :func:`street_grid` (``block`` × ``block`` cells each)."""
    lo_x, lo_y = LON - step * n / 2, LAT - step * n / 2
    geoms, codes = [], []
    k = 0
    for i in range(0, n, block):
        for j in range(0, n, block):
            k += 1
            # densified so the boundary has vertices all along the streets
            box = shapely.box(lo_x + i * step, lo_y + j * step, lo_x + (i + block) * step, lo_y + (j + block) * step)
            geoms.append(shapely.segmentize(box, step / 10))
            codes.append(f"360999001{k:03d}")
    m = len(geoms)
    return gpd.GeoDataFrame({"code": codes, "name": [f"网格{i}社区" for i in range(m)], "kind": ["社区"] * m,
                             "population": [3000] * m, "pop60": [600] * m}, geometry=geoms, crs="EPSG:4326")


def shifted(gdf: gpd.GeoDataFrame, system: str) -> gpd.GeoDataFrame:
    """The frame with WGS-84 coordinates moved into GCJ-02 or BD-09 (as an Amap/Baidu export would be)."""
    from planner.io import crs as _crs

    forward = _crs.wgs84_to_gcj02 if system == "gcj02" else _crs.wgs84_to_bd09
    out = gdf.copy()
    out["geometry"] = [shapely.transform(g, lambda xy: np.column_stack(
        [np.asarray(a) for a in forward(xy[:, 0], xy[:, 1])])) for g in gdf.geometry]
    return out


# --------------------------------------------------------------------------
# the cases

CASES: list[Case] = []


def case(name: str, reader: str, outcome: str, code: str | None = None, *, cli: bool = False,
         tags: tuple[str, ...] = ()) -> Callable:
    def register(fn: Callable[[Path], tuple[Any, dict[str, Any]]]) -> Callable:
        CASES.append(Case(name, reader, fn, outcome, code, cli, tags))
        return fn
    return register


# --- GDAL virtual layers and connection strings disguised as data (issue 14, item 1)
case("vrt_passwd_geojson", "boundaries", "error", "content_vrt", cli=True)(
    lambda d: (write_bytes(d, "units.geojson", VRT_PASSWD), {}))
case("vrt_vsicurl_geojson", "boundaries", "error", "content_vrt")(
    lambda d: (write_bytes(d, "units.geojson", VRT_CURL), {}))
case("vrt_as_json", "boundaries", "error", "content_vrt")(lambda d: (write_bytes(d, "units.json", VRT_PASSWD), {}))
case("vrt_as_gpkg", "boundaries", "error", "content_vrt")(lambda d: (write_bytes(d, "units.gpkg", VRT_PASSWD), {}))
case("vrt_with_bom_and_xml_declaration", "boundaries", "error", "content_vrt")(
    lambda d: (write_bytes(d, "units.geojson", b'\xef\xbb\xbf \n<?xml version="1.0"?>\n' + VRT_CURL), {}))
case("vrt_as_facilities_geojson", "facilities", "error", "content_vrt")(
    lambda d: (write_bytes(d, "fac.geojson", VRT_PASSWD), {}))
case("vrt_as_points_geojson", "points", "error", "content_vrt")(
    lambda d: (write_bytes(d, "pts.geojson", VRT_CURL), {}))


@case("vrt_as_shp", "boundaries", "error", "content_vrt")
def _vrt_shp(d: Path):
    parts = shapefile_bytes(d)
    for n, data in parts.items():
        write_bytes(d, n, VRT_PASSWD if n.endswith(".shp") else data)
    return d / "units.shp", {}


case("vrt_in_zip_geojson", "boundaries", "error", "content_vrt", cli=True)(
    lambda d: (write_zip(d, "units.zip", {"units.geojson": VRT_PASSWD}), {}))


@case("vrt_in_zip_shp", "boundaries", "error", "content_vrt")
def _vrt_zip_shp(d: Path):
    parts = shapefile_bytes(d)
    parts["units.shp"] = VRT_CURL
    return write_zip(d, "units.zip", parts), {}


case("csv_text_in_zip_as_gpkg", "boundaries", "error", "content_mismatch")(
    lambda d: (write_zip(d, "units.zip", {"units.gpkg": b"code,name\n1,a\n"}), {}))
case("path_csv_prefix", "boundaries", "error", "path_refused", cli=True)(lambda d: ("CSV:/etc/passwd", {}))
case("path_vsicurl", "boundaries", "error", "path_refused")(
    lambda d: ("/vsicurl/http://127.0.0.1:9/units.geojson", {}))
case("path_vsizip", "boundaries", "error", "path_refused")(lambda d: ("/vsizip//etc/units.zip/units.shp", {}))
case("path_gpkg_prefix", "boundaries", "error", "path_refused")(lambda d: (f"GPKG:{d}/units.gpkg:units", {}))
case("path_url", "boundaries", "error", "path_refused")(lambda d: ("https://example.com/units.geojson", {}))
case("path_vsistdin", "boundaries", "error", "path_refused")(lambda d: ("/vsistdin/", {}))
case("path_csv_prefix_facilities", "facilities", "error", "path_refused")(lambda d: ("CSV:/etc/passwd", {}))
case("path_vsicurl_population", "population", "error", "path_refused")(
    lambda d: ("/vsicurl/http://127.0.0.1:9/pop.csv", {}))


@case("symlink_to_dev_zero_csv", "facilities", "error", "not_regular_file")
def _devzero(d: Path):
    p = d / "fac.csv"
    os.symlink("/dev/zero", p)
    return p, {}


@case("fifo_named_geojson", "boundaries", "error", "not_regular_file")
def _fifo(d: Path):
    p = d / "units.geojson"
    os.mkfifo(p)
    return p, {}


# --- content that is not what the suffix says
case("sqlite_named_geojson", "boundaries", "error", "content_mismatch")(
    lambda d: (write_bytes(d, "units.geojson", b"SQLite format 3\x00" + b"\x00" * 200), {}))
case("geojson_named_gpkg", "boundaries", "error", "content_mismatch")(
    lambda d: (write_text(d, "units.gpkg", '{"type": "FeatureCollection", "features": []}'), {}))
case("text_named_shp", "boundaries", "error", "content_mismatch")(
    lambda d: (write_text(d, "units.shp", "not a shapefile at all\n" * 5), {}))
case("xlsx_named_csv", "facilities", "error", "content_mismatch")(
    lambda d: (write_zip(d, "fac.csv", {"[Content_Types].xml": b"<Types/>"}), {}))
case("elf_named_csv", "facilities", "error", "content_mismatch")(
    lambda d: (write_bytes(d, "fac.csv", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100), {}))
case("csv_named_xlsx", "facilities", "error", "content_mismatch")(
    lambda d: (write_text(d, "fac.xlsx", FAC_HEAD + fac_rows()), {}))
case("xlsx_named_xls", "facilities", "error", "content_mismatch")(
    lambda d: (write_zip(d, "fac.xls", {"[Content_Types].xml": b"<Types/>"}), {}))
case("html_error_page_geojson", "boundaries", "error", "content_mismatch")(
    lambda d: (write_text(d, "units.geojson", "<html><body>502 Bad Gateway</body></html>"), {}))
case("gml_named_geojson", "boundaries", "error", "content_mismatch")(
    lambda d: (write_text(d, "units.geojson", '<?xml version="1.0"?><gml:FeatureCollection/>'), {}))
case("kml_named_geojson", "boundaries", "error", "content_mismatch")(
    lambda d: (write_text(d, "units.geojson", '<kml xmlns="http://www.opengis.net/kml/2.2"/>'), {}))
case("exe_named_xlsx_population", "population", "error", "content_mismatch")(
    lambda d: (write_bytes(d, "pop.xlsx", b"MZ\x90\x00" + b"\x00" * 200), {}))
case("deeply_nested_geojson", "boundaries", "error", "layer_unopenable")(
    lambda d: (write_text(d, "units.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
                          '"properties":{},"geometry":{"type":"Polygon","coordinates":'
                          + "[" * 50000 + "]" * 50000 + "}}]}"), {}))

# --- zip tricks and decompression bombs (issue 14, item 4)
case("xlsx_bomb_facilities", "facilities", "error", "xlsx_bomb", cli=True)(
    lambda d: (xlsx_bomb(d, "fac.xlsx"), {}))
case("xlsx_bomb_population", "population", "error", "xlsx_bomb")(lambda d: (xlsx_bomb(d, "pop.xlsx"), {}))
case("xlsx_bomb_points", "points", "error", "xlsx_bomb")(lambda d: (xlsx_bomb(d, "pts.xlsx", 12), {}))


@case("zipped_shapefile_bomb", "boundaries", "error", "zip_bomb")
def _zip_bomb(d: Path):
    parts = shapefile_bytes(d)
    parts["units.dbf"] = parts["units.dbf"] + b" " * (20 * MB)
    return write_zip(d, "units.zip", parts), {}


case("zip_traversal", "boundaries", "error", "zip_unsafe_path")(
    lambda d: (write_zip(d, "units.zip", {"../../etc/units.geojson": b"{}"}), {}))
case("zip_absolute_path", "boundaries", "error", "zip_unsafe_path")(
    lambda d: (write_zip(d, "units.zip", {"/etc/units.geojson": b"{}"}), {}))
case("zip_windows_drive", "boundaries", "error", "zip_unsafe_path")(
    lambda d: (write_zip(d, "units.zip", {"C:/units.geojson": b"{}"}), {}))
case("zip_symlink_member", "boundaries", "error", "zip_symlink")(
    lambda d: (write_zip(d, "units.zip", {"units.geojson": b'{"type":"FeatureCollection","features":[]}'},
                         symlink="units.prj"), {}))
case("zip_encrypted_member", "boundaries", "error", "zip_encrypted")(
    lambda d: (write_zip(d, "units.zip", {"units.geojson": b"{}"}, flags=0x1), {}))
case("zip_nested_archive", "boundaries", "error", "zip_archive_member")(
    lambda d: (write_zip(d, "units.zip", {"units.geojson": b"{}", "more.zip": b"PK\x05\x06" + b"\x00" * 18}), {}))
case("zip_no_dataset", "boundaries", "error", "zip_no_dataset")(
    lambda d: (write_zip(d, "units.zip", {"readme.txt": b"hello"}), {}))
case("zip_truncated", "boundaries", "error", "zip_invalid")(
    lambda d: (write_bytes(d, "units.zip", (write_zip(d, "_full.zip", {"units.geojson": b"{}" * 500})
                                            .read_bytes())[:60]), {}))
case("zip_too_many_members", "boundaries", "error", "zip_too_many_members")(
    lambda d: (write_zip(d, "units.zip", {f"notes/{i}.txt": b"x" for i in range(1100)}), {}))


@case("csv_over_size_limit", "facilities", "error", "file_too_large")
def _big_csv(d: Path):
    p = d / "fac.csv"
    with open(p, "wb") as fh:
        fh.write(FAC_HEAD.encode())
        row = fac_rows(1).encode()
        fh.write(row * (51 * MB // len(row) + 1))
    return p, {}


# --- text encodings and hostile names that must be read as plain text
case("csv_utf16_excel_unicode_text", "facilities", "ok")(
    lambda d: (write_text(d, "fac.csv", (FAC_HEAD + fac_rows()).replace(",", "\t"), "utf-16"), {}))
case("csv_utf8_bom", "facilities", "ok")(lambda d: (write_text(d, "fac.csv", FAC_HEAD + fac_rows(), "utf-8-sig"), {}))
case("csv_gbk", "facilities", "ok")(lambda d: (write_text(d, "fac.csv", FAC_HEAD + fac_rows(), "gbk"), {}))
case("names_with_markup", "facilities", "ok")(
    lambda d: (write_text(d, "fac.csv", FAC_HEAD + f'"<img src=x onerror=alert(1)>",日间照料中心,{LON},{LAT}\n'), {}))
case("names_with_formula", "facilities", "ok")(
    lambda d: (write_text(d, "fac.csv", FAC_HEAD + f"\"=cmd|' /C calc'!A0\",日间照料中心,{LON},{LAT}\n"), {}))
case("unit_names_with_script", "boundaries", "ok")(
    lambda d: (write_units(d, "units", units_frame(name=["<script>x</script>社区", "a", "b", "c"])), {}))
case("full_width_digits", "facilities", "ok")(
    lambda d: (write_text(d, "fac.csv", FAC_HEAD + "甲,日间照料中心,１１７．２,２９．３\n"), {}))
case("dms_coordinates", "facilities", "warning", "dms_converted")(
    lambda d: (write_text(d, "fac.csv", FAC_HEAD + "甲,日间照料中心,117°12′,29°18′\n"), {}))

# --- checks that used to let bad data through (issue 14, item 8)
case("duplicate_unit_codes", "boundaries", "error", "duplicate_unit_codes", cli=True)(
    lambda d: (write_units(d, "units", units_frame(code=["360999001001"] * 2 + ["360999001003", "360999001004"])),
               {}))
case("duplicate_short_codes", "boundaries", "warning", "duplicate_unit_codes")(
    lambda d: (write_units(d, "units", units_frame(code=["3609990"] * 4)), {}))


@case("zero_area_unit", "boundaries", "error", "unit_zero_area")
def _zero(d: Path):
    g = units_frame()
    g.loc[1, "geometry"] = _square(LON, LAT, 1e-7)
    return write_units(d, "units", g), {}


@case("sliver_unit_thin", "boundaries", "warning", "unit_sliver")
def _sliver(d: Path):
    g = units_frame()
    g.loc[2, "geometry"] = shapely.box(LON, LAT + 0.01, LON + 0.02, LAT + 0.01 + 0.00001)
    return write_units(d, "units", g), {}


@case("sliver_unit_tiny", "boundaries", "warning", "unit_sliver")
def _tiny(d: Path):
    g = units_frame()
    g.loc[3, "geometry"] = _square(LON + 0.2, LAT, 0.0001)
    return write_units(d, "units", g), {}


@case("axes_swapped_layer", "boundaries", "error", "axes_swapped", cli=True)
def _axes(d: Path):
    g = units_frame()
    g["geometry"] = [shapely.transform(x, lambda xy: xy[:, ::-1]) for x in g.geometry]
    return write_units(d, "units", g), {}


case("decimal_comma_semicolon_csv", "facilities", "warning", "decimal_comma", cli=True)(
    lambda d: (write_text(d, "fac.csv", "名称;类型;经度;纬度\n甲;日间照料中心;117,2;29,3\n乙;日间照料中心;117,21;29,31\n"),
               {}))
case("decimal_comma_quoted_csv", "facilities", "warning", "decimal_comma")(
    lambda d: (write_text(d, "fac.csv", FAC_HEAD + '甲,日间照料中心,"117,2","29,3"\n'), {}))
case("decimal_comma_points", "points", "warning", "decimal_comma")(
    lambda d: (write_text(d, "pts.csv", "id;lon;lat\n1;117,2;29,3\n"), {}))
case("decimal_comma_and_swapped", "facilities", "error", "lonlat_swapped")(
    lambda d: (write_text(d, "fac.csv", "名称;类型;经度;纬度\n甲;日间照料中心;29,3;117,2\n"), {}))
case("points_swapped", "points", "error", "lonlat_swapped")(
    lambda d: (write_text(d, "pts.csv", f"id,lon,lat\n1,{LAT},{LON}\n"), {}))
case("pop80_exceeds_pop60", "boundaries", "error", "pop80_exceeds")(
    lambda d: (write_units(d, "units", units_frame(高龄人口=[5000] * 4)), {}))

# --- column names (issue 15)
case("ambiguous_pop60", "boundaries", "error", "ambiguous_column", cli=True)(
    lambda d: (write_units(d, "units", units_frame(老年人口=[1] * 4).rename(columns={"pop60": "60岁以上人口"})), {}))
case("ambiguous_capacity", "facilities", "error", "ambiguous_column")(
    lambda d: (write_text(d, "fac.csv", "名称,类型,经度,纬度,床位,床位数\n" + f"甲,日间照料中心,{LON},{LAT},10,12\n"), {}))
case("ambiguity_resolved_by_columns", "boundaries", "ok")(
    lambda d: (write_units(d, "units", units_frame(老年人口=[1] * 4).rename(columns={"pop60": "60岁以上人口"})),
               {"columns": {"pop60": "60岁以上人口"}}))
case("mapped_column_missing", "boundaries", "error", "mapped_column_missing")(
    lambda d: (write_units(d, "units"), {"columns": {"pop60": "老人数"}}))
case("mapping_unknown_key", "boundaries", "error", "unknown_mapping_key")(
    lambda d: (write_units(d, "units"), {"columns": {"elders": "pop60"}}))
case("mapping_normalised_name", "boundaries", "ok")(
    lambda d: (write_units(d, "units", units_frame().rename(columns={"pop60": "Pop 60 Plus"})),
               {"columns": {"pop60": "pop_60_plus"}}))
for _alias in ("pop_60plus", "age60plus", "60周岁及以上", "60+", "老年人口数", "60岁及以上人口"):
    case(f"alias_pop60_{_alias}", "boundaries", "ok")(
        lambda d, a=_alias: (write_units(d, "units", units_frame().rename(columns={"pop60": a})), {}))
case("missing_pop60", "boundaries", "error", "missing_column")(
    lambda d: (write_units(d, "units", units_frame().drop(columns=["pop60"])), {}))
case("optional_unit_columns", "boundaries", "ok", tags=("pop80", "street_kind"))(
    lambda d: (write_units(d, "units", units_frame(高龄人口=[100] * 4, 街道类型=["街道"] * 4)), {}))
case("optional_facility_columns", "facilities", "ok",
     tags=("level", "disability_care", "grade", "operator", "dementia_beds"))(
    lambda d: (write_text(d, "fac.csv", "名称,类型,经度,纬度,机构级别,以失能照护为主,评定等级,运营方式,失智照护床位\n"
                          f"甲,养老院,{LON},{LAT},县级,是,3,公建民营,20\n"), {}))

# --- population tables (issue 15)
case("population_csv_gbk", "population", "ok")(
    lambda d: (write_text(d, "pop.csv", pop_table().to_csv(index=False), "gbk"), {}))


@case("population_xlsx_numeric_codes", "population", "ok")
def _pop_xlsx(d: Path):
    t = pop_table()
    t["统计用区划代码"] = t["统计用区划代码"].astype(np.int64)  # Excel numbers, not text
    t.to_excel(d / "pop.xlsx", index=False)
    return d / "pop.xlsx", {}


case("population_scientific_codes", "population", "error", "codes_scientific")(
    lambda d: (write_text(d, "pop.csv", pop_table(统计用区划代码=["3.60999E+11"] * 4).to_csv(index=False)), {}))


@case("population_title_row", "population", "warning", "title_rows")
def _pop_title(d: Path):
    t = pop_table()
    body = t.to_csv(index=False)
    return write_text(d, "pop.csv", "某某县2023年人口统计表,,,\n" + body), {}


case("population_total_row", "population", "warning", "population_total_rows")(
    lambda d: (write_text(d, "pop.csv", pop_table().to_csv(index=False) + ",合计,20600,4060\n"), {}))
case("population_missing_pop60", "population", "error", "missing_column")(
    lambda d: (write_text(d, "pop.csv", pop_table().drop(columns=["60周岁及以上"]).to_csv(index=False)), {}))
case("population_negative", "population", "error", "negative")(
    lambda d: (write_text(d, "pop.csv", pop_table(常住人口=[-1, 5000, 5000, 5000]).to_csv(index=False)), {}))
case("population_text_number", "population", "error", "not_number")(
    lambda d: (write_text(d, "pop.csv", pop_table(常住人口=["约5000", 5000, 5000, 5000]).to_csv(index=False)), {}))
case("population_duplicate_codes", "population", "error", "duplicate_unit_codes")(
    lambda d: (write_text(d, "pop.csv", pop_table(统计用区划代码=["360999001001"] * 4).to_csv(index=False)), {}))
case("population_short_codes", "population", "error", "population_codes_not_12_digits")(
    lambda d: (write_text(d, "pop.csv", pop_table(统计用区划代码=["360999001"] * 4).to_csv(index=False)), {}))
case("population_pop60_exceeds", "population", "error", "pop60_exceeds")(
    lambda d: (write_text(d, "pop.csv", pop_table(常住人口=[10] * 4).to_csv(index=False)), {}))
case("population_no_key", "population", "error", "population_no_key")(
    lambda d: (write_text(d, "pop.csv", pop_table().drop(columns=["统计用区划代码", "村名"]).to_csv(index=False)), {}))
case("population_ambiguous_total", "population", "error", "ambiguous_column")(
    lambda d: (write_text(d, "pop.csv", pop_table(总人口=[6000] * 4).to_csv(index=False)), {}))
case("population_thousands_separators", "population", "ok")(
    lambda d: (write_text(d, "pop.csv", pop_table(常住人口=["5,000", "5,100", "5,200", "5,300"]).to_csv(index=False)),
               {}))


def _join(d: Path, table: pd.DataFrame, units: gpd.GeoDataFrame | None = None):
    u = units_frame() if units is None else units
    b = write_units(d, "units", u)
    p = write_text(d, "pop.csv", table.to_csv(index=False))
    return b, {"population": p}


case("join_ok", "join", "ok")(lambda d: _join(d, pop_table(), units_frame().drop(columns=["population", "pop60"])))
case("join_units_unmatched", "join", "error", "population_units_unmatched", cli=True)(
    lambda d: _join(d, pop_table(2), units_frame().drop(columns=["population", "pop60"])))
case("join_units_kept", "join", "warning", "population_units_kept")(lambda d: _join(d, pop_table(2)))
case("join_rows_unmatched", "join", "warning", "population_rows_unmatched")(
    lambda d: _join(d, pop_table(6), units_frame().drop(columns=["population", "pop60"])))
case("join_by_name", "join", "warning", "population_joined_by_name")(
    lambda d: _join(d, pop_table().drop(columns=["统计用区划代码"]),
                    units_frame().drop(columns=["code", "population", "pop60"])))
case("join_by_name_committee_endings", "join", "warning", "population_joined_by_name")(
    lambda d: _join(d, pop_table(村名=[f"东{i}社区居委会" for i in range(4)]).drop(columns=["统计用区划代码"]),
                    units_frame().drop(columns=["code", "population", "pop60"])))
case("join_nothing_matches", "join", "error", "population_no_match")(
    lambda d: _join(d, pop_table(统计用区划代码=[f"110101001{i:03d}" for i in range(4)], 村名=list("abcd")),
                    units_frame().drop(columns=["population", "pop60"])))


# --- several inputs together (validate_inputs): a street grid of a small town
def _grid_network():
    from planner.engine.network import network_from_lines

    return network_from_lines(street_grid())


def _validate_units(d: Path, units: gpd.GeoDataFrame, **kw: Any):
    return None, {"boundaries": write_units(d, "units", units, ".gpkg"), **kw}


case("validate_grid_ok", "validate", "ok")(lambda d: _validate_units(d, grid_units(), network=_grid_network()))
case("validate_units_gcj02", "validate", "warning", "units_gcj02_suspected")(
    lambda d: _validate_units(d, shifted(grid_units(), "gcj02"), network=_grid_network()))
case("validate_units_bd09", "validate", "warning", "units_bd09_suspected")(
    lambda d: _validate_units(d, shifted(grid_units(), "bd09"), network=_grid_network()))


@case("validate_one_edge_network", "validate", "error", "network_too_small")
def _one_edge(d: Path):
    from planner.engine.network import network_from_lines

    net = network_from_lines([shapely.LineString([(LON, LAT), (LON + 0.001, LAT)])])
    return _validate_units(d, grid_units(), network=net)


@case("validate_sparse_network", "validate", "error", "network_sparse")
def _sparse(d: Path):
    from planner.engine.network import network_from_lines

    corner = [g for g in street_grid() if g.centroid.x < LON - 0.0079 and g.centroid.y < LAT - 0.0079]
    return _validate_units(d, grid_units(), network=network_from_lines(corner))


@case("validate_facilities_elsewhere", "validate", "error", "facilities_elsewhere")
def _elsewhere(d: Path):
    p = write_text(d, "fac.csv", "名称,类型,经度,纬度\n" + "".join(
        f"设施{i},日间照料中心,{LON + 1.0 + 0.01 * i},{LAT + 1.0}\n" for i in range(3)))
    return _validate_units(d, grid_units(), facilities=p, network=_grid_network())


def write_all(folder: Path) -> list[tuple[Case, Any, dict[str, Any]]]:
    """Write every case into its own sub-folder of ``folder``; returns (case, path, kwargs)."""
    out = []
    for c in CASES:
        sub = folder / c.name
        sub.mkdir(parents=True, exist_ok=True)
        path, kwargs = c.build(sub)
        out.append((c, path, kwargs))
    return out


if __name__ == "__main__":  # pragma: no cover - a look by hand
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")
    for c, path, kw in write_all(target):
        print(json.dumps({"case": c.name, "reader": c.reader, "expect": c.outcome, "code": c.code,
                          "path": str(path), "kwargs": sorted(kw)}, ensure_ascii=False))

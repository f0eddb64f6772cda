"""Reading points: facilities (existing, planned, candidate) and arbitrary points.

Both come from a point layer or from a table with longitude/latitude columns
(in WGS-84, CGCS2000, GCJ-02 or BD-09) and leave as EPSG:4326 points with the
canonical columns of :mod:`planner.schema`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError
from planner.io import crs as _crs
from planner.io.columns import (
    assemble,
    blank,
    id_column,
    is_blank,
    map_vocabulary,
    match_columns,
    missing_column_error,
    normalise_column_name,
    numeric_column,
    to_number,
    vocabulary_lookup,
)
from planner.io.degrees import dms_column
from planner.io.files import (
    SUPPORTED_LAYER_SUFFIXES,
    SUPPORTED_SUFFIXES,
    SUPPORTED_TABLE_SUFFIXES,
    read_layer,
    read_table,
    unsupported_type,
)
from planner.io.problems import (
    arg_params,
    at_rows,
    column_label,
    columns_option,
    problem,
    values_listed,
    warn_problem,
)
from planner.schema import (
    FACILITY_ALIASES,
    FACILITY_COLUMNS,
    FACILITY_OPTIONAL_COLUMNS,
    FACILITY_TYPE_ALIASES,
    FACILITY_TYPES,
    POINT_ALIASES,
    STATUS_ALIASES,
)
from planner.text.vocabulary import ADDRESS_COLUMN_NAMES

__all__ = ["POINT_ALIASES", "read_facilities", "read_points"]

_ADDRESS_NAMES = {normalise_column_name(n) for n in ADDRESS_COLUMN_NAMES}
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
        header = [str(v).strip() if not is_blank(v) else f"Unnamed: {j}"
                  for j, v in enumerate(df.iloc[i].tolist())]
        if len(set(header)) != len(header):
            continue
        try:
            hit = match_columns(header, aliases, columns, name)
        except InputError:
            continue
        if {"longitude", "latitude"} <= hit.keys():
            body = df.iloc[i + 1:].copy()
            body.columns = header
            body = body.drop(columns=[c for c in header if c.startswith("Unnamed:")
                                      and body[c].map(is_blank).all()])
            body = body.dropna(how="all").reset_index(drop=True)
            if len(body) == 0:
                break
            warn_problem("title_rows", name, n=i + 1, header_row=i + 2)
            return body, hit
    return df, found


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d{1,3},\d+\s*$")


def _decimal_commas(series: pd.Series, name: str) -> pd.Series:
    """Coordinates written with a decimal comma (``117,2345``): read the comma as a point, with a warning.

    A comma in a coordinate of degrees is never a thousands separator
    (degrees have at most three digits before the point); without this,
    ``117,2345`` would become 1172345 and be refused as out of range.
    """
    texts = series.map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)
    comma = texts.map(lambda v: isinstance(v, str) and bool(_DECIMAL_COMMA.match(v))).astype(bool)
    if not comma.any():
        return series
    rows, at = at_rows(np.flatnonzero(comma.to_numpy()), "row")
    warn_problem("decimal_comma", name, rows, **at, column=series.name, n=int(comma.sum()))
    return texts.where(~comma, texts.map(lambda v: v.replace(",", ".") if isinstance(v, str) else v))


def _dms(series: pd.Series, name: str, axis: str) -> pd.Series:
    """Degrees-minutes-seconds cells (``116°23'29.5"E``, ``116度23分29.5秒``) as decimal degrees, with a warning.

    Impossible ones (minutes ≥ 60, ...) are refused naming their rows
    (:mod:`planner.io.degrees`).
    """
    values, converted, invalid = dms_column(series, axis)
    if invalid.any():
        rows, at = at_rows(np.flatnonzero(invalid), "row")
        raise problem("dms_invalid", name, rows, **at, column=series.name)
    if converted.any():
        rows, at = at_rows(np.flatnonzero(converted), "row")
        warn_problem("dms_converted", name, rows, **at, column=series.name, n=int(converted.sum()),
                     example=str(series.iloc[int(np.flatnonzero(converted)[0])]).strip())
    return values


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
            raise problem("addresses_only", name, column=address[0], **arg_params(coord_system="gcj02"))
    for key in ("longitude", "latitude"):
        if key not in found:
            raise missing_column_error(name, key, FACILITY_ALIASES[key], df.columns)
    lon = to_number(_decimal_commas(_dms(df[found["longitude"]], name, "longitude"), name))
    lat = to_number(_decimal_commas(_dms(df[found["latitude"]], name, "latitude"), name))
    bad = lon.isna() | lat.isna()
    if bad.any():
        rows, at = at_rows(np.flatnonzero(bad.to_numpy()), "row")
        raise problem("coords_not_numeric", name, rows, **at)
    if crs is not None:  # projected or other coordinates in the x/y columns
        pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs=None)
        return _crs.layer_to_wgs84(_crs.set_layer_crs(pts, crs, name), name)
    system = _crs.normalise_coord_system(coord_system)
    swapped = _crs.looks_like_lonlat_swapped(lon.to_numpy(), lat.to_numpy())
    if swapped.any():
        rows, at = at_rows(np.flatnonzero(swapped), "row")
        raise problem("lonlat_swapped", name, rows, **at, lon_column=found["longitude"],
                      lat_column=found["latitude"],
                      **columns_option([("longitude", found["latitude"]), ("latitude", found["longitude"])]))
    out_range = (lon.abs() > 180) | (lat.abs() > 90)
    if out_range.any():
        rows, at = at_rows(np.flatnonzero(out_range.to_numpy()), "row")
        raise problem("coords_out_of_range", name, rows, **at, **arg_params(crs="EPSG:..."))
    x, y = _crs.to_wgs84(lon.to_numpy(), lat.to_numpy(), system)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")


def _single_points(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Points from a layer: MultiPoints of one point are unpacked; anything else is refused."""
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        rows, at = at_rows(np.flatnonzero(missing.to_numpy()))
        raise problem("point_no_geometry", name, rows, **at)
    types = geom.geom_type
    multi = types == "MultiPoint"
    if multi.any():
        counts = shapely.get_num_geometries(geom[multi].to_numpy())
        if (counts != 1).any():
            rows, at = at_rows(np.flatnonzero(multi.to_numpy())[counts != 1])
            raise problem("multipoint_several", name, rows, **at)
        geom = geom.copy()
        geom[multi] = shapely.get_geometry(geom[multi].to_numpy(), 0)
        gdf = gdf.set_geometry(geom)
        types = gdf.geometry.geom_type
    wrong = types != "Point"
    if wrong.any():
        rows, at = at_rows(np.flatnonzero(wrong.to_numpy()))
        raise problem("not_points", name, rows, **at, **values_listed(types[wrong]))
    return gdf


def _layer_points(gdf: gpd.GeoDataFrame, name: str, coord_system: str, crs: Any) -> gpd.GeoDataFrame:
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    gdf = _single_points(_crs.set_layer_crs(gdf, crs, name), name)
    gdf = _crs.layer_to_wgs84(gdf, name)
    lon, lat = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
    swapped = _crs.looks_like_lonlat_swapped(lon, lat)
    if swapped.any():
        rows, at = at_rows(np.flatnonzero(swapped))
        raise problem("lonlat_swapped_layer", name, rows, **at)
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
        found = match_columns(list(df.columns), aliases, columns, name)
        if not {"longitude", "latitude"} <= found.keys():
            df, found = _header_below_title(df, found, aliases, columns, name)
        gdf = _table_points(df, found, name, coord_system, crs)
        return gdf.reset_index(drop=True), found, name, "row"
    if p.exists() and p.suffix.lower() not in SUPPORTED_LAYER_SUFFIXES:
        raise unsupported_type(name, p.suffix.lower(), SUPPORTED_SUFFIXES)
    raw = read_layer(p, layer=layer, encoding=encoding)
    if len(raw) == 0:
        raise problem("no_features", name)
    gdf = _layer_points(raw.copy().reset_index(drop=True), name, coord_system, crs)
    point_aliases = {k: v for k, v in aliases.items() if k not in ("longitude", "latitude")}
    found = match_columns(
        list(gdf.columns), point_aliases,
        {k: v for k, v in (columns or {}).items() if k not in ("longitude", "latitude")},
        name, truncated=p.suffix.lower() in (".shp", ".zip"),
    )
    return gdf, found, name, "feature"


def _facility_types(gdf: gpd.GeoDataFrame, found: dict[str, str], default_type: str | None, name: str,
                    word: str) -> pd.Series:
    accepted = ", ".join(FACILITY_TYPES)
    if "type" not in found:
        if default_type is None:
            raise problem("missing_type_column", name, accepted=accepted, **column_label("type"),
                          **columns_option([("type", None)]),
                          **values_listed(FACILITY_ALIASES["type"], "looked"))
        return pd.Series([default_type] * len(gdf), index=gdf.index, dtype=object)
    types = map_vocabulary(gdf[found["type"]], vocabulary_lookup(FACILITY_TYPE_ALIASES), "unknown_type",
                           name, word, accepted=accepted, **column_label("type"))
    empty = types.isna()
    if empty.any():
        if default_type is None:
            rows, at = at_rows(np.flatnonzero(empty.to_numpy()), word)
            raise problem("type_empty", name, rows, **at, accepted=accepted, **column_label("type"))
        types[empty] = default_type
    return types


def _defaults(default_type: str | None, default_status: str, name: str) -> tuple[str | None, str]:
    """Canonical keys of ``default_type`` and ``default_status`` (refused when unknown)."""
    if default_type is not None:
        key = vocabulary_lookup(FACILITY_TYPE_ALIASES).get(normalise_column_name(default_type))
        if key is None:
            raise problem("default_type_unknown", name, value=default_type, accepted=", ".join(FACILITY_TYPES))
        default_type = key
    status = vocabulary_lookup(STATUS_ALIASES).get(normalise_column_name(default_status))
    if status is None:
        raise problem("default_status_unknown", name, value=default_status)
    return default_type, status


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
    r"""Read facilities (existing, planned or candidate) as points.

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
    >>> _ = csv.write_text("名称,类型,经度,纬度\n东门日间照料中心,日间照料中心,117.2,29.3\n",
    ...                    encoding="utf-8")
    >>> fac = read_facilities(csv)
    >>> fac[["name", "type", "status"]].iloc[0].tolist(), fac.crs.to_epsg()
    (['东门日间照料中心', 'day_care', 'existing'], 4326)
    >>> gcj = read_facilities(csv, coord_system="gcj02")
    >>> round(float(gcj.geometry.x[0]), 4), round(float(gcj.geometry.y[0]), 4)
    (117.1947, 29.3026)
    """
    default_type, default_status = _defaults(default_type, default_status, Path(path).name)
    gdf, found, name, word = _read_points_source(
        path, FACILITY_ALIASES, columns, layer=layer, encoding=encoding, crs=crs,
        coord_system=coord_system, sheet=sheet,
    )
    out = pd.DataFrame(index=gdf.index)
    out["facility_id"] = id_column(gdf, found, "facility_id", "F", name, word)
    if "name" not in found:
        raise missing_column_error(name, "name", FACILITY_ALIASES["name"], gdf.columns)
    names = gdf[found["name"]]
    blank_names = blank(names)
    if blank_names.any():
        rows, at = at_rows(np.flatnonzero(blank_names.to_numpy()), word)
        raise problem("facility_name_empty", name, rows, column=found["name"], **column_label("name"), **at)
    out["name"] = names.map(lambda v: str(v).strip()).astype(object)
    out["type"] = _facility_types(gdf, found, default_type, name, word).astype(object)
    for key in ("capacity", "nursing_beds"):
        if key in found:
            out[key] = numeric_column(gdf[found[key]], key, name, word, required=False)
        else:
            out[key] = np.nan
    if "status" in found:
        statuses = map_vocabulary(gdf[found["status"]], vocabulary_lookup(STATUS_ALIASES), "unknown_status",
                                  name, word, **column_label("status"))
        statuses = statuses.where(statuses.notna(), default_status)
    else:
        statuses = pd.Series([default_status] * len(gdf), index=gdf.index, dtype=object)
    out["status"] = statuses.astype(object)
    for key in FACILITY_OPTIONAL_COLUMNS:
        if key not in found:
            continue
        if key == "dementia_beds":
            out[key] = numeric_column(gdf[found[key]], key, name, word, required=False)
        else:  # the file's values; the standards measures read them
            col = gdf[found[key]]
            out[key] = col.map(lambda v: str(v).strip() if isinstance(v, str) else v).where(~blank(col), None)
    canonical = list(FACILITY_COLUMNS) + [c for c in FACILITY_OPTIONAL_COLUMNS if c in found]
    return assemble(out, gdf, set(found.values()), canonical)


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
    if "weight" in found:
        out["weight"] = numeric_column(gdf[found["weight"]], "weight", name, word, required=False)
        canonical.append("weight")
    return assemble(out, gdf, set(found.values()), canonical)


_ids = id_column  # read_points has a parameter named id_column

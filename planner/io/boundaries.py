"""Reading community/village boundaries with population into the canonical schema."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.io.columns import (
    assemble,
    blank,
    id_strings,
    map_vocabulary,
    match_columns,
    missing_column_error,
    normalise_column_name,
    numeric_column,
    vocabulary_lookup,
)
from planner.io.crs import layer_to_wgs84, set_layer_crs
from planner.io.files import read_layer
from planner.io.problems import (
    at_rows,
    column_label,
    columns_option,
    per_lang,
    problem,
    values_listed,
    warn_problem,
)
from planner.schema import (
    BOUNDARY_ALIASES,
    BOUNDARY_COLUMNS,
    BOUNDARY_OPTIONAL_COLUMNS,
    UNIT_KIND_ALIASES,
    URBAN_RURAL_CLASS,
)
from planner.text import tr
from planner.text.vocabulary import COMMUNITY_NAME_ENDINGS, VILLAGE_NAME_ENDINGS

__all__ = ["MIN_UNIT_AREA", "SLIVER_AREA", "SLIVER_COMPACTNESS", "read_boundaries"]

MIN_UNIT_AREA = 1.0
"""Square metres: a unit smaller than this has no area at all (a line or a point drawn as a polygon)."""
SLIVER_AREA = 1000.0
"""Square metres: a community or village smaller than this is a digitising sliver, not a unit."""
SLIVER_COMPACTNESS = 0.01
"""Polsby-Popper compactness 4πA/P² below which a unit is a thin sliver (a 1:300 strip)."""


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
    """Refuse empty and non-polygon geometries; repair invalid polygons (with a warning)."""
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        rows, at = at_rows(np.flatnonzero(missing.to_numpy()))
        raise problem("unit_no_geometry", name, rows, **at)
    types = geom.geom_type
    wrong = ~types.isin(["Polygon", "MultiPolygon"])
    if wrong.any():
        rows, at = at_rows(np.flatnonzero(wrong.to_numpy()))
        raise problem("not_polygons", name, rows, **at, **values_listed(types[wrong]))
    invalid = ~geom.is_valid
    if invalid.any():
        positions = np.flatnonzero(invalid.to_numpy())
        fixed = [_polygonal(g) for g in shapely.make_valid(geom[invalid].to_numpy())]
        lost = [int(p) for p, g in zip(positions, fixed, strict=True) if g is None]
        if lost:
            rows, at = at_rows(lost)
            raise problem("polygons_unrepairable", name, rows, **at)
        new = geom.copy()
        new[invalid] = fixed
        gdf = gdf.set_geometry(new)
        rows, at = at_rows(positions)
        warn_problem("polygons_repaired", name, rows, **at)
    return gdf


def _check_areas(gdf: gpd.GeoDataFrame, name: str) -> None:
    """Refuse units without area; warn about slivers (tiny or thin units left over from digitising)."""
    from planner.io.crs import local_metric_crs_for

    metric = gdf.geometry.to_crs(local_metric_crs_for(gdf)).to_numpy()
    area = shapely.area(metric)
    perimeter = shapely.length(metric)
    zero = area < MIN_UNIT_AREA
    if zero.any():
        rows, at = at_rows(np.flatnonzero(zero))
        raise problem("unit_zero_area", name, rows, **at, min_area=MIN_UNIT_AREA)
    with np.errstate(divide="ignore", invalid="ignore"):
        compact = 4.0 * np.pi * area / np.square(perimeter)
    sliver = (area < SLIVER_AREA) | (compact < SLIVER_COMPACTNESS)
    if sliver.any():
        rows, at = at_rows(np.flatnonzero(sliver))
        warn_problem("unit_sliver", name, rows, **at, n=int(sliver.sum()), area=SLIVER_AREA,
                     smallest=float(area[sliver].min()))


def _check_codes_unique(codes: pd.Series, name: str, column: str) -> None:
    """Refuse duplicate 12-digit division codes (results are joined and reported by code).

    Duplicates among codes that are not 12-digit division codes (already
    warned about) are only a warning: such codes are not used to join.
    """
    dup = codes.notna() & codes.duplicated(keep=False)
    if not dup.any():
        return
    real = dup & codes.fillna("").str.fullmatch(r"\d{12}")
    for mask, fatal in ((real, True), (dup & ~real, False)):
        if mask.any():
            rows, at = at_rows(np.flatnonzero(mask.to_numpy()))
            params = {"column": column, **at, **values_listed(codes[mask])}
            if fatal:
                raise problem("duplicate_unit_codes", name, rows, **params)
            warn_problem("duplicate_unit_codes", name, rows, **params)


def _with_table(out: pd.DataFrame, gdf: gpd.GeoDataFrame, found: dict[str, str], name: str,
                population: str | Path | pd.DataFrame, columns: dict[str, str] | None) -> gpd.GeoDataFrame:
    """The units with the population table's values (their own population columns, if any, as fallback)."""
    from planner.io.population import join_population, read_population

    if isinstance(population, pd.DataFrame):
        table, file = population, "population"
    else:
        table, file = read_population(population, columns=columns), Path(population).name
    for key in ("population", "pop60", "pop80"):
        if key in found:
            out[key] = numeric_column(gdf[found[key]], key, name, "feature", required=False)
        elif key != "pop80":
            out[key] = np.nan
    if "street_kind" in found:
        kinds = gdf[found["street_kind"]]
        out["street_kind"] = kinds.map(lambda v: str(v).strip()).where(~blank(kinds), None).astype(object)
    canonical = list(BOUNDARY_COLUMNS) + [c for c in BOUNDARY_OPTIONAL_COLUMNS if c in out]
    units = assemble(out, gdf, set(found.values()), [c for c in canonical if c in out])
    joined = join_population(units, table, file=file, units_file=name)
    order = list(BOUNDARY_COLUMNS) + [c for c in BOUNDARY_OPTIONAL_COLUMNS if c in joined]
    rest = [c for c in joined.columns if c not in order]
    return joined[order + rest]


def _infer_kind(name: Any, code: Any) -> str | None:
    """Community or village from the name's ending or the division code's last three digits."""
    text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name).strip()
    if text.endswith(COMMUNITY_NAME_ENDINGS):
        return "community"
    if text.endswith(VILLAGE_NAME_ENDINGS):
        return "village"
    if isinstance(code, str) and re.fullmatch(r"\d{12}", code):
        last = int(code[-3:])
        if 1 <= last <= 199:  # residents' committees are numbered 001–199
            return "community"
        if 200 <= last <= 399:  # villagers' committees 200–399
            return "village"
    return None


def _kind_value(value: Any, lookup_: dict[str, str]) -> str | None:
    """A unit kind from a kind column: a name, or an urban-rural class code (111–220)."""
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
    return lookup_.get(normalise_column_name(text))


def _required_columns(found: dict[str, str], gdf: gpd.GeoDataFrame, name: str, *, with_table: bool = False) -> None:
    needed = ("name",) if with_table else ("name", "population", "pop60")
    missing = [c for c in needed if c not in found]
    if not missing:
        return
    if len(missing) == 1:
        raise missing_column_error(name, missing[0], BOUNDARY_ALIASES[missing[0]], gdf.columns)
    parts: dict[str, list[str]] = {"en": [], "zh": []}
    for m in missing:
        params = {**column_label(m), **values_listed(BOUNDARY_ALIASES[m], "looked")}
        for lang in parts:
            part = per_lang("part", "io.missing_column_part", label=params[f"label@{lang}"],
                            looked=params[f"looked@{lang}"])
            parts[lang].append(part[f"part@{lang}"])
    raise problem("missing_columns", name,
                  **{f"missing@{lang}": tr("io.sep.clauses", lang).join(parts[lang]) for lang in parts},
                  **columns_option([(m, None) for m in missing]),
                  **values_listed((c for c in gdf.columns if c != "geometry"), "has"))


def _codes(gdf: gpd.GeoDataFrame, found: dict[str, str], name: str) -> pd.Series:
    if "code" not in found:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    codes = id_strings(gdf[found["code"]])
    bad = codes.notna() & ~codes.fillna("").str.fullmatch(r"\d{12}")
    if bad.any():
        rows, at = at_rows(np.flatnonzero(bad.to_numpy()))
        warn_problem("codes_not_12_digits", name, rows, column=found["code"], **column_label("code"), **at,
                     **values_listed(codes[bad].head(3)))
    return codes


def _kinds(gdf: gpd.GeoDataFrame, found: dict[str, str], out: pd.DataFrame, name: str) -> pd.Series:
    """The kind column, with kinds inferred from names or codes where it is missing or empty."""
    if "kind" in found:
        table = vocabulary_lookup(UNIT_KIND_ALIASES)
        kinds = map_vocabulary(gdf[found["kind"]], lambda v: _kind_value(v, table), "unknown_kind", name,
                               "feature", **column_label("kind"))
    else:
        kinds = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    todo = kinds.isna()
    if not todo.any():
        return kinds
    inferred = pd.Series(
        [_infer_kind(n, c) for n, c in zip(out["name"][todo], out["code"][todo], strict=True)],
        index=kinds.index[todo],
        dtype=object,
    )
    if inferred.isna().any():
        rows, at = at_rows(np.flatnonzero(todo.to_numpy())[inferred.isna().to_numpy()])
        what = "io.kind.no_column" if "kind" not in found else "io.kind.empty"
        raise problem("kind_not_inferred", name, rows, **at, **column_label("kind"), **per_lang("what", what),
                      **columns_option([("kind", None)]))
    kinds[todo] = inferred
    rows, _ = at_rows(np.flatnonzero(todo.to_numpy()))
    warn_problem("kind_inferred", name, rows, n=int(todo.sum()), **column_label("kind"))
    return kinds


def read_boundaries(
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    population: str | Path | pd.DataFrame | None = None,
    population_columns: dict[str, str] | None = None,
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
    population : str, Path or DataFrame, optional
        A population table (CSV/XLSX, see
        :func:`planner.io.population.read_population`, or the frame it
        returns) joined by code (by name as a fallback, with a warning); the
        boundaries then need no population columns of their own.
    population_columns : dict, optional
        Canonical name -> your column in the population table.

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
        raise problem("boundaries_no_features", name)
    gdf = raw.copy()
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    gdf = gdf.reset_index(drop=True)
    gdf = set_layer_crs(gdf, crs, name)
    gdf = _check_polygons(gdf, name)
    gdf = layer_to_wgs84(gdf, name)
    _check_areas(gdf, name)

    is_shp = p.suffix.lower() in (".shp", ".zip")
    found = match_columns(list(gdf.columns), BOUNDARY_ALIASES, columns, name, truncated=is_shp)
    _required_columns(found, gdf, name, with_table=population is not None)

    out = pd.DataFrame(index=gdf.index)
    out["code"] = _codes(gdf, found, name)
    if "code" in found:
        _check_codes_unique(out["code"], name, found["code"])
    names = gdf[found["name"]]
    blank_names = blank(names)
    if blank_names.any():
        rows, at = at_rows(np.flatnonzero(blank_names.to_numpy()))
        raise problem("unit_name_empty", name, rows, column=found["name"], **column_label("name"), **at)
    out["name"] = names.map(lambda v: unicodedata.normalize("NFC", str(v)).strip()).astype(object)
    out["kind"] = _kinds(gdf, found, out, name).astype(object)
    if "street" in found:
        streets = gdf[found["street"]]
        out["street"] = streets.map(lambda v: str(v).strip()).where(~blank(streets), None).astype(object)
    else:
        out["street"] = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    if population is not None:
        return _with_table(out, gdf, found, name, population, population_columns)
    pop = numeric_column(gdf[found["population"]], "population", name, "feature", required=True)
    pop60 = numeric_column(gdf[found["pop60"]], "pop60", name, "feature", required=True)
    over = pop60 > pop
    if over.any():
        rows, at = at_rows(np.flatnonzero(over.to_numpy()))
        raise problem("pop60_exceeds", name, rows, **at, pop60_column=found["pop60"],
                      population_column=found["population"])
    out["population"] = pop
    out["pop60"] = pop60
    if "pop80" in found:
        pop80 = numeric_column(gdf[found["pop80"]], "pop80", name, "feature", required=False)
        over80 = pop80 > pop60
        if over80.any():
            rows, at = at_rows(np.flatnonzero(over80.to_numpy()))
            raise problem("pop80_exceeds", name, rows, **at, pop80_column=found["pop80"],
                          pop60_column=found["pop60"])
        out["pop80"] = pop80
    if "street_kind" in found:
        kinds = gdf[found["street_kind"]]
        out["street_kind"] = kinds.map(lambda v: str(v).strip()).where(~blank(kinds), None).astype(object)
    canonical = list(BOUNDARY_COLUMNS) + [c for c in BOUNDARY_OPTIONAL_COLUMNS if c in found]
    return assemble(out, gdf, set(found.values()), canonical)

"""The results as GIS layers (units, facilities, service areas) in GeoPackage, GeoJSON or Shapefile."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError
from planner.io.problems import problem_of
from planner.outputs.tables import flag_labels
from planner.outputs.writers import write_geojson, write_gpkg, write_shapefile_zip
from planner.settings import DEFAULT_MINUTES
from planner.text import tr, type_label

if TYPE_CHECKING:
    from planner.analysis.result import Analysis

LAYER_FORMATS = ("gpkg", "geojson", "shp")
"""Formats :func:`write_layers` writes."""


def gis_layers(analysis: Analysis, *, minutes: Sequence[float] = DEFAULT_MINUTES,
               service_areas: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """The result layers in WGS-84: ``units``, ``facilities``, ``service_areas``.

    ``units`` is the gap table (``met_<target>`` as 1/0, empty where the
    target does not apply); ``facilities`` every facility with its snap
    distance; ``service_areas`` the walking service areas per type and walk.

    Parameters
    ----------
    analysis : Analysis
        The analysis to lay out.
    minutes : sequence of float
        Walks of the service areas.
    service_areas : bool
        Include the service-area layer (the slowest part).

    Returns
    -------
    dict of str to GeoDataFrame
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


def write_layers(analysis: Analysis, out_dir: str | Path, formats: Iterable[str] = LAYER_FORMATS,
                 encoding: str = "utf-8", *, minutes: Sequence[float] = DEFAULT_MINUTES,
                 service_areas: bool = True, stem: str = "layers") -> dict[str, Path]:
    """Write the result layers as GeoPackage, GeoJSON and/or zipped Shapefile.

    Parameters
    ----------
    analysis : Analysis
        The analysis to write.
    out_dir : path
        Folder (created).
    formats : iterable of {'gpkg', 'geojson', 'shp'}
        ``gpkg``: one ``<stem>.gpkg`` with layers units, facilities,
        service_areas; ``geojson``: one ``<stem>_<layer>.geojson`` per layer
        (WGS-84, UTF-8); ``shp``: ``<stem>_shp.zip`` (see
        :func:`planner.outputs.writers.write_shapefile_zip`).
    encoding : {'utf-8', 'gbk'}
        Shapefile text encoding.
    minutes : sequence of float
        Walks of the service areas.
    service_areas : bool
        Include the service-area layer.
    stem : str
        File-name stem.

    Returns
    -------
    dict
        Format (``gpkg``, ``geojson:<layer>``, ``shp``) → path written.
    """
    formats = tuple(formats)
    bad = [f for f in formats if f not in LAYER_FORMATS]
    if bad:
        raise problem_of(InputError, "layers_format_unknown", None, (),
                         **{f"formats@{lang}": tr("io.sep.list", lang).join(bad) for lang in ("zh", "en")})
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    layers = gis_layers(analysis, minutes=minutes, service_areas=service_areas)
    paths: dict[str, Path] = {}
    if "gpkg" in formats:
        paths["gpkg"] = write_gpkg(layers, out / f"{stem}.gpkg")
    if "geojson" in formats:
        for name, gdf in layers.items():
            paths[f"geojson:{name}"] = write_geojson(gdf, out / f"{stem}_{name}.geojson")
    if "shp" in formats:
        paths["shp"] = write_shapefile_zip(layers, out / f"{stem}_shp.zip", encoding=encoding,
                                           labels=flag_labels(analysis))
    return paths

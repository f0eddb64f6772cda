"""The bytes behind every download button of the app (report files, GIS layers, maps).

Each helper writes the deliverable with the same writer the command line uses
(:mod:`planner.outputs`) into a temporary folder and returns its bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from planner.settings import DEFAULT_DPI

if TYPE_CHECKING:
    import folium

    from planner.analysis import Analysis

__all__ = ["gap_map_print", "gap_table_csv", "gap_table_xlsx", "layers_shapefile_zip", "map_html", "units_gpkg"]


def _bytes_of(writer: Callable[[Path], object], suffix: str) -> bytes:
    """What ``writer(path)`` writes to a temporary ``path`` ending in ``suffix``, as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out{suffix}"
        writer(path)
        return path.read_bytes()


def gap_table_xlsx(analysis: Analysis, lang: str = "zh") -> bytes:
    """The report workbook (units, targets, districts, assumptions) as bytes."""
    from planner.outputs.export import write_report_xlsx

    return _bytes_of(lambda p: write_report_xlsx(analysis, p, lang=lang), ".xlsx")


def gap_table_csv(analysis: Analysis, lang: str = "zh") -> bytes:
    """The per-unit gap table as CSV bytes (UTF-8 with BOM for Excel)."""
    from planner.outputs.export import write_unit_csv

    return _bytes_of(lambda p: write_unit_csv(analysis, p, lang=lang), ".csv")


def gap_map_print(analysis: Analysis, facility_type: str, *, fmt: str = "pdf", paper: str = "A4",
                  orientation: str = "landscape", lang: str = "zh", dpi: int = DEFAULT_DPI) -> bytes:
    """The printable gap map (PDF, or PNG at ``dpi``) of one facility type as bytes.

    Parameters
    ----------
    analysis : Analysis
        The analysis to map.
    facility_type : str
        The facility type whose coverage gaps are shown.
    fmt : {'pdf', 'png'}
        The file format.
    paper : {'A4', 'A3'}
        The paper size.
    orientation : {'landscape', 'portrait'}
        The paper's orientation.
    lang : str, default 'zh'
        Language of the map's text.
    dpi : int, default :data:`planner.settings.DEFAULT_DPI`
        Resolution of a PNG.
    """
    from planner.outputs.printmap import print_gap_map

    return _bytes_of(lambda p: print_gap_map(analysis, p, facility_type=facility_type, paper=paper,
                                             orientation=orientation, lang=lang, dpi=dpi), f".{fmt}")


def layers_shapefile_zip(analysis: Analysis, *, encoding: str = "utf-8") -> bytes:
    """Units, facilities and service areas as zipped shapefiles (.cpg, ≤ 10-character fields)."""
    from planner.outputs.layers import gis_layers
    from planner.outputs.writers import write_shapefile_zip

    return _bytes_of(lambda p: write_shapefile_zip(gis_layers(analysis), p, encoding=encoding), ".zip")


def units_gpkg(analysis: Analysis) -> bytes:
    """Units with coverage and the facilities as a GeoPackage (bytes)."""
    from planner.outputs.writers import write_gpkg

    fac = analysis.model.facilities.drop(columns=["unit"], errors="ignore").to_crs("EPSG:4326")
    return _bytes_of(lambda p: write_gpkg({"units": analysis.units, "facilities": fac}, p), ".gpkg")


def map_html(folium_map: folium.Map) -> bytes:
    """The folium map as a standalone HTML page that opens offline (bytes)."""
    from planner.outputs.html import offline_assets

    return offline_assets(folium_map).get_root().render().encode("utf-8")

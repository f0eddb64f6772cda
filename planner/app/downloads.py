"""The bytes behind every download button of the app (report files, GIS layers, maps).

Each helper writes the deliverable with the same writer the command line uses
(:mod:`planner.outputs`) into a temporary folder and returns its bytes.

The app's buttons generate a file only when clicked (Streamlit runs the
callable in a server thread, outside the script run, where the session state
cannot be read).  :func:`table_downloads` and :func:`print_downloads`
therefore bind every button to plain values taken at script time (the
analysis, the language, the options) and keep what they made in a small
shared cache keyed by those values, so a second click, or the same file in
another session, is immediate.
"""

from __future__ import annotations

import functools
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.settings import DEFAULT_DPI

if TYPE_CHECKING:
    import folium

    from planner.analysis import Analysis

__all__ = ["Download", "cached_bytes", "gap_map_print", "gap_table_csv", "gap_table_xlsx", "layers_shapefile_zip",
           "map_html", "print_downloads", "scenario_geojson", "table_downloads", "units_gpkg"]

_PRINT_LOCK = threading.Lock()  # matplotlib's pyplot is not thread-safe; clicks run in server threads


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

    with _PRINT_LOCK:
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


def scenario_geojson(scenario) -> bytes:
    """A :class:`planner.analysis.scenario.Scenario` as the GeoJSON file the app loads back (UTF-8)."""
    return scenario.to_json().encode("utf-8")


# --- the download buttons ------------------------------------------------------------------------

_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_BYTES = 256 * 1024 * 1024  # the files of a few scenarios; older ones are made again on demand


def cached_bytes(key: tuple, make: Callable[[], bytes]) -> bytes:
    """``make()``, kept in a shared LRU cache under ``key`` (a tuple of plain values).

    Safe to call from several threads; two first calls with one key may both
    run ``make`` (the result is the same).
    """
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    data = make()
    with _CACHE_LOCK:
        _CACHE[key] = data
        _CACHE.move_to_end(key)
        while len(_CACHE) > 1 and sum(len(v) for v in _CACHE.values()) > _CACHE_BYTES:
            _CACHE.popitem(last=False)
    return data


@dataclass(frozen=True)
class Download:
    """One download button: its widget key, label key, file name, MIME type and maker.

    ``make`` takes no argument and reads nothing from the session: it is bound
    to plain values when the spec is built, and caches its bytes by them.
    """

    key: str
    label_key: str
    file_name: str
    mime: str
    make: Callable[[], bytes]


def _bound(key: tuple, fn: Callable[..., bytes], *args, **kwargs) -> Callable[[], bytes]:
    """A no-argument maker of ``fn(*args, **kwargs)`` cached under ``key``."""
    return functools.partial(cached_bytes, key, functools.partial(fn, *args, **kwargs))


def table_downloads(analysis: Analysis, *, state_key: str, lang: str, stem: str, scenario_json: bytes,
                    scenario_name: str, shp_encoding: str = "utf-8",
                    web_map: Callable[[], folium.Map] | None = None, map_key: str = "") -> list[Download]:
    """The report, GIS and scenario downloads of the 下载 tab, in the order shown.

    Parameters
    ----------
    analysis : Analysis
        The current scenario's analysis.
    state_key : str
        Identifies ``analysis`` (data, settings and edits), the cache key.
    lang : str
        Language of the files.
    stem : str
        Start of the file names.
    scenario_json : bytes
        The scenario file (:func:`scenario_geojson`), made at script time: it is small.
    scenario_name : str
        The scenario's name (the scenario file's name).
    shp_encoding : {'utf-8', 'gbk'}
        Encoding of the shapefiles' attribute tables.
    web_map : callable, optional
        Builds the folium map of the HTML download (no HTML button without it).
    map_key : str
        Identifies what ``web_map`` draws (layers, colours) besides ``state_key``.
    """
    out = [
        Download("dl_xlsx", "app.dl_xlsx", f"{stem}_gaps.xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 _bound(("xlsx", state_key, lang), gap_table_xlsx, analysis, lang)),
        Download("dl_csv", "app.dl_csv", f"{stem}_gaps.csv", "text/csv",
                 _bound(("csv", state_key, lang), gap_table_csv, analysis, lang)),
        Download("dl_gpkg", "app.dl_gpkg", f"{stem}_coverage.gpkg", "application/geopackage+sqlite3",
                 _bound(("gpkg", state_key), units_gpkg, analysis)),
        Download("dl_scenario", "app.dl_scenario", f"{scenario_name or 'scenario'}.geojson",
                 "application/geo+json", functools.partial(bytes, scenario_json)),
    ]
    if web_map is not None:
        out.append(Download("dl_html", "app.dl_html", f"{stem}_map.html", "text/html",
                            _bound(("html", state_key, lang, map_key), _map_html_of, web_map)))
    out.append(Download("dl_shp", "app.dl_shp", f"{stem}_layers_{shp_encoding}.zip", "application/zip",
                        _bound(("shp", state_key, shp_encoding), layers_shapefile_zip, analysis,
                               encoding=shp_encoding)))
    return out


def print_downloads(analysis: Analysis, *, state_key: str, lang: str, stem: str, facility_type: str,
                    paper: str = "A4", orientation: str = "landscape") -> list[Download]:
    """The printable gap map buttons (PDF, PNG) of one facility type, paper and orientation.

    Parameters
    ----------
    analysis : Analysis
        The current scenario's analysis.
    state_key : str
        Identifies ``analysis``, the cache key.
    lang : str
        Language of the map's text.
    stem : str
        Start of the file names.
    facility_type, paper, orientation
        As :func:`gap_map_print` takes them.
    """
    return [
        Download(f"dl_{fmt}", f"app.dl_{fmt}", f"{stem}_{facility_type}_{paper}.{fmt}", mime,
                 _bound((fmt, state_key, lang, facility_type, paper, orientation), gap_map_print, analysis,
                        facility_type, fmt=fmt, paper=paper, orientation=orientation, lang=lang))
        for fmt, mime in (("pdf", "application/pdf"), ("png", "image/png"))]


def _map_html_of(web_map: Callable[[], folium.Map]) -> bytes:
    return map_html(web_map())

"""The ``planner analyse`` bundle and the report workbook: tables written with the writers.

:func:`write_analysis` writes every file of an analysis into one folder;
:func:`write_report_xlsx` and :func:`write_unit_csv` are the report workbook
and table.  The tables are built in :mod:`planner.outputs.tables`, written by
:mod:`planner.outputs.writers`; GIS layers are in :mod:`planner.outputs.layers`
and HTML maps in :mod:`planner.outputs.html`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.outputs.html import offline_html, write_html_map
from planner.outputs.layers import LAYER_FORMATS, gis_layers, write_layers
from planner.outputs.tables import (
    assumption_labels,
    assumptions_table,
    district_labels,
    districts_table,
    report_types,
    sheet_names,
    target_labels,
    targets_formats,
    targets_table,
    targets_text,
    unit_labels,
    unit_table,
    unit_targets,
)
from planner.outputs.writers import (
    SHAPEFILE_ENCODINGS,
    check_output_dir,
    shapefile_field_names,
    write_csv,
    write_gpkg,
    write_json,
    write_shapefile_zip,
    write_xlsx,
)
from planner.settings import DEFAULT_MINUTES

if TYPE_CHECKING:
    from planner.analysis.result import Analysis

# Names that moved to single-concern modules, still importable from here until every
# importer uses the new home (see the module docstring).
__all__ = [
    "LAYER_FORMATS",
    "SHAPEFILE_ENCODINGS",
    "assumption_labels",
    "assumptions_table",
    "check_output_dir",
    "gis_layers",
    "offline_html",
    "report_types",
    "sheet_names",
    "shapefile_field_names",
    "targets_formats",
    "targets_table",
    "unit_labels",
    "unit_table",
    "unit_targets",
    "write_analysis",
    "write_csv",
    "write_gpkg",
    "write_html_map",
    "write_json",
    "write_layers",
    "write_report_xlsx",
    "write_shapefile_zip",
    "write_unit_csv",
    "write_xlsx",
]


def write_report_xlsx(analysis: Analysis, path: str | Path, *, lang: str = "zh",
                      units_mask: Sequence[bool] | np.ndarray | None = None,
                      districts: bool = True, sources: dict[str, str] | None = None) -> Path:
    """The report workbook: units, target summary, (districts), assumptions.

    Parameters
    ----------
    analysis : Analysis
        The analysis to report.
    path : path
        ``.xlsx`` file, written atomically.
    lang : str
        ``zh`` (default) or ``en``.
    units_mask : array of bool, optional
        Only these units, with the targets scored over them.
    districts : bool
        Add the per-street/township sheet (whole-area workbooks only).
    sources : dict, optional
        Input files to list on the assumptions sheet.

    Returns
    -------
    Path
    """
    names = sheet_names(lang)
    targets = targets_table(analysis, lang, units_mask=units_mask)
    sheets = {names["units"]: unit_table(analysis, lang, units_mask=units_mask), names["targets"]: targets}
    if districts and units_mask is None and len(analysis.districts):
        sheets[names["districts"]] = districts_table(analysis)
    sheets[names["assumptions"]] = assumptions_table(analysis, lang, sources=sources)
    # one label and format per column name across the sheets: the target columns are the targets
    # sheet's alone, the ``<id>_share`` ones the districts sheet's
    labels = {**unit_labels(analysis, lang), **assumption_labels(lang), **district_labels(analysis, lang),
              **target_labels(lang)}
    return write_xlsx(sheets, path, lang=lang, labels=labels, formats=targets_formats(targets))


def write_unit_csv(analysis: Analysis, path: str | Path, *, lang: str = "zh",
                   units_mask: Sequence[bool] | np.ndarray | None = None) -> Path:
    """The per-unit table as UTF-8 CSV with BOM; equal inputs give byte-identical files.

    Parameters
    ----------
    analysis : Analysis
        The analysis to tabulate.
    path : str or Path
        The ``.csv`` file, written atomically.
    lang : str
        ``zh`` (default) or ``en``.
    units_mask : array of bool, optional
        Only these units.

    Returns
    -------
    Path
    """
    return write_csv(unit_table(analysis, lang, units_mask=units_mask), path, lang=lang,
                     labels=unit_labels(analysis, lang))


def write_analysis(analysis: Analysis, out_dir: str | Path, *, lang: str = "zh",
                   minutes: Sequence[float] = DEFAULT_MINUTES, service_areas: bool = True,
                   context: Mapping[str, Any] | None = None) -> dict[str, Path]:
    """Write the ``planner analyse`` bundle into ``out_dir``.

    Files: ``coverage.gpkg`` (layers ``units`` and ``facilities``),
    ``gaps.xlsx`` (sheets: units, targets, districts, assumptions),
    ``gaps.csv``, ``targets.csv``, ``service_areas.gpkg``, ``map.html``
    (the offline interactive gap map, as the app downloads it) and
    ``summary.json``.  Each file is written atomically; for a whole folder
    written or not at all, write into :func:`planner.outputs.rundir.output_run`.

    Parameters
    ----------
    analysis : Analysis
        From :func:`planner.analysis.result.analyse` or :func:`planner.analysis.result.analysis_of`.
    out_dir : str or Path
        Output folder (created if needed).
    lang : {'zh', 'en'}
        Language of table headers and labels.
    minutes : sequence of float
        Walks of the service areas.
    service_areas : bool
        Write ``service_areas.gpkg`` (the slowest part).
    context : mapping, optional
        Water and roads for ``map.html``
        (:func:`planner.outputs.printmap.context_layers` of the boundaries file).

    Returns
    -------
    dict of str to Path
        The files written.
    """
    from planner.analysis.result import service_area_layer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = analysis.model
    fac = m.facilities.drop(columns=["unit"]).to_crs("EPSG:4326")
    fac["snap_m"] = m.facility_snap.access
    fac["far_from_street"] = m.facility_snap.far
    paths = {"coverage": write_gpkg({"units": analysis.units, "facilities": fac}, out / "coverage.gpkg")}
    paths["xlsx"] = write_report_xlsx(analysis, out / "gaps.xlsx", lang=lang)
    paths["csv"] = write_unit_csv(analysis, out / "gaps.csv", lang=lang)
    paths["targets_csv"] = write_csv(targets_text(targets_table(analysis, lang)), out / "targets.csv", lang=lang,
                                     labels=target_labels(lang))
    if service_areas:
        layer = service_area_layer(m, minutes=minutes)
        paths["service_areas"] = write_gpkg({"service_areas": layer}, out / "service_areas.gpkg")
    paths["map"] = write_html_map(analysis, out / "map.html", lang=lang, context=context)
    paths["summary"] = write_json(analysis.summary(), out / "summary.json")
    return paths

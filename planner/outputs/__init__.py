"""Outputs for people: tables, GIS layers, web and printed maps, district reports, province runs.

One module per concern:

- :mod:`~planner.outputs.tables` the report tables (per unit, per target, assumptions);
- :mod:`~planner.outputs.writers` file writers (JSON, CSV, XLSX, GeoPackage, Shapefile);
- :mod:`~planner.outputs.layers` the results as GIS layers;
- :mod:`~planner.outputs.export` the ``planner analyse`` bundle and the report workbook;
- :mod:`~planner.outputs.style` the one palette and class breaks of every map;
- :mod:`~planner.outputs.webmap` the folium map, :mod:`~planner.outputs.html` offline pages;
- :mod:`~planner.outputs.printmap` printable maps;
- :mod:`~planner.outputs.report` and :mod:`~planner.outputs.province` batch reports.
"""

from planner.outputs.export import write_analysis
from planner.outputs.webmap import coverage_map

__all__ = ["coverage_map", "write_analysis"]

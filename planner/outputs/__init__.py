"""Outputs for people: tables, GIS layers, web and printed maps, district reports, province runs."""

from planner.outputs.export import write_analysis
from planner.outputs.webmap import coverage_map

__all__ = ["coverage_map", "write_analysis"]

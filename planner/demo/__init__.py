"""The synthetic demo county (示例县) and province, and their generator."""

from planner.demo.county import demo_paths

__all__ = ["demo_paths"]

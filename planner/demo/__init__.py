"""The synthetic demo county (示例县): its files at run time and, separately, their generator.

:mod:`planner.demo.county` finds the demo files (:func:`demo_paths`);
:mod:`planner.demo.generate` builds them (imported only when asked for).
"""

from planner.demo.county import DemoPaths, demo_paths

__all__ = ["DemoPaths", "demo_paths"]

_GENERATOR_NAMES = frozenset({"DemoCounty", "DemoProvince", "make_demo_county", "make_demo_province",
                              "write_demo_county", "write_demo_province"})


def __getattr__(name: str) -> object:
    # the generator's names, loaded on first use so importing planner stays light
    if name in _GENERATOR_NAMES:
        from planner.demo import generate

        return getattr(generate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Docstring examples of every planner module run as doctests; the public API is documented."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import planner

MODULES = sorted(m.name for m in pkgutil.walk_packages(planner.__path__, "planner.")
                 if not m.name.endswith("__main__"))  # __main__ would start the command line

# The main public functions each carry a runnable example.
MUST_HAVE_EXAMPLES = (
    "load_profile", "list_profiles", "read_boundaries", "read_facilities", "load_network",
    "snap_points", "nearest_sites", "point_distances", "to_minutes", "to_metres", "build_model",
    "analyse", "service_area_layer", "unit_coverage", "demo_paths",
)

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name):
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(module, name) if t.examples]
    if not tests:  # nothing to run: importing it cleanly is the check
        return
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in tests:
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, "".join(report)


def test_doctests_found_where_promised():
    missing = [n for n in MUST_HAVE_EXAMPLES
               if ">>>" not in (inspect.getdoc(getattr(planner, n)) or "")]
    assert not missing, f"public functions without an Examples section: {missing}"


def test_public_api_is_importable_and_documented():
    assert len(set(planner.__all__)) == len(planner.__all__)
    undocumented = []
    for name in planner.__all__:
        obj = getattr(planner, name)  # AttributeError = a name listed but not exported
        doc = inspect.getdoc(obj) or ""
        if len(doc.strip()) < 10:
            undocumented.append(name)
        elif inspect.isfunction(obj) and inspect.signature(obj).parameters and "Parameters" not in doc \
                and ">>>" not in doc:
            undocumented.append(name)
    assert not undocumented, f"public names without a numpydoc docstring: {undocumented}"

"""Where the synthetic demo county (示例县) lives at run time.

The tool runs on this county by default.  :func:`demo_paths` gives the shipped
files in ``data/`` of a source checkout, or a copy generated once into the
cache folder (``planner._util.cache_dir() / "demo"``) on an install without
them.  The generator itself is :mod:`planner.demo.generate`; everything is
fictional (示例数据，非真实): the county code ``360999`` does not exist.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from planner._util import cache_dir

__all__ = [
    "COUNTY_CODE",
    "DEFAULT_SEED",
    "DemoPaths",
    "demo_paths",
]

COUNTY_CODE = "360999"
"""Fictional 6-digit county code of the demo county (not a real GB/T 2260 code)."""
DEFAULT_SEED = 2024
"""Seed of the shipped demo county."""
GENERATOR_VERSION = "3"
"""Bump when the generator output changes, so cached copies are regenerated."""

# relative file names inside a data folder
_REL_PATHS = {
    "boundaries": Path("boundaries/demo_county.gpkg"),
    "facilities": Path("facilities/demo_facilities.gpkg"),
    "facilities_csv": Path("facilities/demo_facilities.csv"),
    "network": Path("network/demo_county.osm"),
    "readme": Path("README.md"),
}


@dataclass(frozen=True)
class DemoPaths:
    """Paths of the demo data files.

    Attributes
    ----------
    boundaries : Path
        GeoPackage with layers ``units``, ``streets``, ``county``, ``water``.
    facilities : Path
        GeoPackage with layer ``facilities``.
    network : Path
        OSM XML walking network.
    facilities_csv : Path
        The facilities as a longitude/latitude CSV (UTF-8 with BOM).
    """

    boundaries: Path
    facilities: Path
    network: Path
    facilities_csv: Path


def _repo_data_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "data"


def _cache_dir() -> Path:
    return cache_dir() / "demo"


def demo_paths() -> DemoPaths:
    """Paths of the demo county files, generating a cached copy if needed.

    Returns the repository's ``data/...`` files when they exist (a source
    checkout). Otherwise (e.g. a non-editable install) the files are generated
    once into ``$PLANNER_CACHE_DIR/demo`` or ``~/.cache/eldercare-planner/demo``
    and reused afterwards; no network access is needed.

    Returns
    -------
    DemoPaths
        Paths of the boundaries and facilities GeoPackages, the OSM network
        and the facility CSV.

    Examples
    --------
    >>> p = demo_paths()
    >>> p.boundaries.name, p.facilities.name, p.network.name
    ('demo_county.gpkg', 'demo_facilities.gpkg', 'demo_county.osm')
    """
    repo = _repo_data_dir()
    if all((repo / rel).is_file() for key, rel in _REL_PATHS.items() if key != "readme"):
        root = repo
    else:
        root = _cache_dir()
        marker = root / "VERSION"
        wanted = f"{GENERATOR_VERSION} {DEFAULT_SEED}"
        fresh = marker.is_file() and marker.read_text(encoding="utf-8").strip() == wanted
        if not (fresh and all((root / rel).is_file() for rel in _REL_PATHS.values())):
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
                from planner.demo.generate import write_demo_county

                written = write_demo_county(tmp)
                for key, src in written.items():
                    dst = root / _REL_PATHS[key]
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(src, dst)
            marker.write_text(wanted + "\n", encoding="utf-8")
    return DemoPaths(boundaries=root / _REL_PATHS["boundaries"], facilities=root / _REL_PATHS["facilities"],
                     network=root / _REL_PATHS["network"], facilities_csv=root / _REL_PATHS["facilities_csv"])

#!/usr/bin/env python
"""Regenerate the synthetic demo county 示例县 (示例数据，非真实).

Usage::

    python scripts/make_demo_county.py [--out data] [--seed 2024]

Writes ``boundaries/demo_county.gpkg``, ``facilities/demo_facilities.gpkg``,
``facilities/demo_facilities.csv``, ``network/demo_county.osm`` and
``README.md`` under ``--out``.  The output is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from planner.demo.county import DEFAULT_SEED  # noqa: E402
from planner.demo.generate import write_demo_county  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and write the demo county files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "data",
                        help="output folder (default: the repository's data/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    paths = write_demo_county(args.out, seed=args.seed)
    for key, path in paths.items():
        print(f"{key:15s} {path}  ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

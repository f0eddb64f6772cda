"""What a user's run costs at county scale: `analyse` + every output, in a fresh process.

Usage::

    python benchmarks/make_county.py --nodes 1000000 --out /tmp/county1m
    python benchmarks/bench_county_memory.py --county /tmp/county1m

Prints the wall time and the process's peak memory (``ru_maxrss``) after reading the inputs,
after ``planner.analyse`` and after ``write_analysis`` (all files of ``planner analyse``).
``bench_county.py`` times each step many times in one process, which keeps earlier steps'
objects alive; this script measures the single run a planner makes.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Run the county once and print time and peak memory per stage."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--county", type=Path, required=True, help="folder written by make_county.py")
    args = ap.parse_args(argv)

    import planner
    from planner.io import read_boundaries, read_facilities
    from planner.outputs.export import write_analysis

    d = args.county
    t0 = time.perf_counter()
    units = read_boundaries(d / "boundaries.gpkg", layer="units")
    fac = read_facilities(d / "facilities.csv")
    net = planner.load_network(d / "network.npz")
    print(f"inputs read        {time.perf_counter() - t0:6.1f} s   peak {peak_mb():6.0f} MB"
          f"   ({net.n_nodes:,} nodes, {len(units)} units, {len(fac)} facilities)")
    result = planner.analyse(units, fac, net)
    print(f"+ analyse          {time.perf_counter() - t0:6.1f} s   peak {peak_mb():6.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        write_analysis(result, Path(tmp) / "out")
    print(f"+ write_analysis   {time.perf_counter() - t0:6.1f} s   peak {peak_mb():6.0f} MB")


if __name__ == "__main__":
    main()

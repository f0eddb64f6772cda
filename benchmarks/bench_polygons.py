"""Service-area polygons: the grid method, joined street lines and one buffer per piece, side by side.

    python benchmarks/bench_polygons.py --network tests/data/monaco.osm.pbf --facilities 6
    python benchmarks/bench_polygons.py --network /tmp/grid100k.npz --facilities 100

Times, in one run on the same reached pieces (median of ``--repeats`` after a
warm-up): the project's :func:`planner.engine.isochrones.service_area` (pieces joined
end to end with ``line_merge``, then buffered and dissolved) and the plain
method (every piece buffered, then dissolved, as in OSMnx's isochrone
tutorial), with the relative area of their symmetric difference; and the grid
method (the default, :func:`planner.engine.isochrones.grid_service_areas`) with
its area against the exact polygon and the widest sliver of their symmetric
difference (the tolerance: how far its outline strays from the exact one).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import shapely

from planner.engine.isochrones import DEFAULT_BUFFER, reached_pieces, service_area
from planner.engine.network import load_network
from planner.engine.travel import nearest_sites, snap_points, to_metres


def _widest_sliver(a, b) -> float:
    """Twice the largest inscribed-circle radius over the parts of the symmetric difference (metres)."""
    parts = shapely.get_parts(shapely.symmetric_difference(a, b))
    parts = parts[shapely.area(parts) > 1e-3]
    if parts.size == 0:
        return 0.0
    return float(2 * shapely.length(shapely.maximum_inscribed_circle(parts)).max())


def main() -> None:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--network", required=True)
    ap.add_argument("--facilities", type=int, default=10)
    ap.add_argument("--minutes", type=float, default=15.0)
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    net = load_network(args.network)
    rng = np.random.default_rng(args.seed)
    f = rng.choice(net.n_nodes, args.facilities, replace=False)
    sites = snap_points(net, net.x[f], net.y[f])
    limit = float(to_metres(args.minutes, args.speed))
    dist = nearest_sites(net, sites, limit=limit).dist

    def project():
        return service_area(net, dist, limit, sites=sites, method="exact")

    def grid():
        return service_area(net, dist, limit, sites=sites, method="grid")

    def plain():
        pieces = reached_pieces(net, dist, limit, sites)
        return shapely.union_all(shapely.buffer(pieces, DEFAULT_BUFFER, quad_segs=4))

    times = {}
    out = {}
    for name, fn in (("project (joined lines)", project), ("one buffer per piece", plain),
                     ("grid (default)", grid)):
        out[name] = fn()
        runs = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        times[name] = runs
    a, b, g = out.values()
    print(f"{args.network}: {net.n_nodes:,} nodes, {args.facilities} facilities, "
          f"{args.minutes:g} min at {args.speed:g} m/s; {len(reached_pieces(net, dist, limit, sites)):,} pieces")
    for name, runs in times.items():
        print(f"  {name:24s} median {statistics.median(runs):.3f} s (min {min(runs):.3f}, max {max(runs):.3f})")
    ratio = statistics.median(times["one buffer per piece"]) / statistics.median(times["project (joined lines)"])
    g_ratio = statistics.median(times["project (joined lines)"]) / statistics.median(times["grid (default)"])
    print(f"  grid: {g_ratio:.1f}x faster than joined lines; area {g.area / a.area:.4f} of the exact one, "
          f"outline within {_widest_sliver(g, a):.1f} m of it (widest sliver of the difference)")
    print(f"  ratio plain / project: {ratio:.2f}x; areas {a.area / 1e6:.3f} vs {b.area / 1e6:.3f} km², "
          f"symmetric difference {a.symmetric_difference(b).area / b.area:.2e} of the area")


if __name__ == "__main__":
    main()

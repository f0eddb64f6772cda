"""Solve times of the site suggestions (planner.siting).

1. 20 candidates × the demo county: day-care sites (the county's 10 candidate
   rows + 10 generated ones), existing centres kept, 15-min walk at 1.0 m/s,
   k = 3 (MCLP) and the villages target for mutual-aid sites (LSCP).
2. 500 candidates × 20,000 demand points on a generated street grid
   (151 × 151 nodes, 50 m blocks, 7.5 km square, ~45 k segments, lightly
   jittered), 10 existing facilities, 15-min walk (900 m): MCLP k = 10 and
   LSCP 90 %, exact (HiGHS) and greedy.

Run:  python benchmarks/bench_optimize.py
Prints medians of ``--repeat`` runs (default 3) for: coverage (one bounded
search per candidate), MILP, greedy.
"""

from __future__ import annotations

import argparse
import statistics
import time
from types import SimpleNamespace

import numpy as np


def timed(fn, repeat):
    out, times = None, []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def demo(repeat: int) -> None:
    import geopandas as gpd

    from planner import read_boundaries, read_facilities
    from planner.demo.county import demo_paths
    from planner.engine.model import build_model
    from planner.engine.network import load_network
    from planner.siting.candidates import generate_candidates
    from planner.siting.suggest import suggest_sites

    d = demo_paths()
    m = build_model(read_boundaries(d.boundaries, layer="units"), read_facilities(d.facilities),
                    load_network(d.network))
    f = m.facilities
    own = f[(f["status"] == "candidate") & (f["type"] == "day_care")].to_crs("EPSG:4326")
    gen = generate_candidates(m, "day_care")
    gen = gen.iloc[np.linspace(0, len(gen) - 1, 10).astype(int)]  # 10 spread over the gap areas
    cand = gpd.GeoDataFrame(
        {"candidate_id": list(own["facility_id"]) + list(gen["candidate_id"])[:10]},
        geometry=list(own.geometry) + list(gen.geometry)[:10], crs="EPSG:4326")
    print(f"demo county: {len(m.demand):,} demand points, {m.network.n_nodes:,} nodes, "
          f"{len(cand)} day-care candidates")
    for method in ("milp", "greedy"):
        s, total = timed(lambda method=method: suggest_sites(m, "day_care", count=3, candidates=cand,
                                                             method=method), repeat)
        print(f"  MCLP k=3 {method:6s}: solve {s.seconds * 1000:7.1f} ms; whole suggest_sites "
              f"{total * 1000:7.1f} ms; 60+ covered {s.before:,.0f} → {s.after:,.0f} ({s.solver})")
    s, total = timed(lambda: suggest_sites(m, "mutual_aid", target=0.85), repeat)
    print(f"  LSCP villages 85 % (8 candidates): solve {s.seconds * 1000:.1f} ms; whole "
          f"{total * 1000:.1f} ms; {len(s.chosen)} sites, {s.share_before:.1%} → {s.share_after:.1%}")


def grid(repeat: int, n_cand: int = 500, n_dem: int = 20_000) -> None:
    from planner.engine.network import network_from_arrays
    from planner.engine.travel import nearest_sites, point_distances, snap_points
    from planner.siting.candidates import candidate_coverage
    from planner.siting.problem import CoverProblem
    from planner.siting.solvers import maximal_covering, set_covering

    rng = np.random.default_rng(0)
    side, step = 151, 50.0
    ix, iy = np.meshgrid(np.arange(side), np.arange(side))
    ix, iy = ix.ravel(), iy.ravel()
    x = ix * step + rng.normal(0, 5, ix.size)
    y = iy * step + rng.normal(0, 5, iy.size)
    node = np.arange(ix.size)
    right = node[ix < side - 1]
    up = node[iy < side - 1]
    u = np.r_[right, up]
    v = np.r_[right + 1, up + side]
    lat0, lon0 = 29.3, 117.2
    lat = lat0 + y / 111_320.0
    lon = lon0 + x / (111_320.0 * np.cos(np.radians(lat0)))
    net = network_from_arrays(node, lon, lat, u, v, source="synthetic grid")
    ext = (net.x.max() - net.x.min(), net.y.max() - net.y.min())
    dx = net.x.min() + rng.random(n_dem) * ext[0]
    dy = net.y.min() + rng.random(n_dem) * ext[1]
    dsnap = snap_points(net, dx, dy)
    cx = net.x.min() + rng.random(n_cand) * ext[0]
    cy = net.y.min() + rng.random(n_cand) * ext[1]
    csnap = snap_points(net, cx, cy)
    ex = snap_points(net, net.x.min() + rng.random(10) * ext[0], net.y.min() + rng.random(10) * ext[1])
    w = rng.integers(1, 30, n_dem).astype(float)
    lim = 900.0
    covered = point_distances(net, nearest_sites(net, ex, limit=lim), dsnap, ex)[0] <= lim
    fake = SimpleNamespace(network=net, demand_snap=dsnap, speed=1.0)
    cover, t_cov = timed(lambda: candidate_coverage(fake, csnap, 15.0), 1)
    print(f"grid: {net.n_nodes:,} nodes, {net.n_edges:,} segments, {n_dem:,} demand points, "
          f"{n_cand} candidates, 15 min = 900 m; coverage pairs {cover.nnz:,}; "
          f"existing cover {w[covered].sum() / w.sum():.1%}")
    print(f"  coverage ({n_cand} bounded searches): {t_cov:.2f} s")
    p = CoverProblem(cover, w, covered)
    for k in (10,):
        e, t_e = timed(lambda k=k: maximal_covering(p, k, method="milp"), repeat)
        g, t_g = timed(lambda k=k: maximal_covering(p, k, method="greedy"), repeat)
        print(f"  MCLP k={k}: MILP {t_e:.2f} s (optimal={e.optimal}, gain {e.after - e.before:,.0f}); "
              f"greedy {t_g:.2f} s (gain {g.after - g.before:,.0f}, "
              f"{(g.after - g.before) / (e.after - e.before):.2%} of optimal)")
    e, t_e = timed(lambda: set_covering(p, 0.9, method="milp"), repeat)
    g, t_g = timed(lambda: set_covering(p, 0.9, method="greedy"), repeat)
    print(f"  LSCP 90 %: MILP {t_e:.2f} s ({e.chosen.size} sites, optimal={e.optimal}); "
          f"greedy {t_g:.2f} s ({g.chosen.size} sites)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-grid", action="store_true")
    args = ap.parse_args()
    demo(args.repeat)
    if not args.skip_grid:
        grid(args.repeat)

"""p-median and p-center against spopt (CBC) on real walking times (Monaco): same values, medians.

Usage::

    python benchmarks/bench_methods.py [--repeats 3]

Demand points and candidate sites are random nodes of the Monaco extract that
ships with the tests; four existing sites are kept open in both solvers.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from planner.engine import load_network
from planner.engine.reach import dense_costs, od_matrix
from planner.engine.travel import snap_points
from planner.siting.median import MedianProblem, p_center, p_median

MONACO = Path(__file__).resolve().parents[1] / "tests" / "data" / "monaco.osm.pbf"
CASES = ((300, 40, 5), (1000, 60, 8))  # demand points, candidates, sites to add
EXISTING = 4


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median seconds of ``repeats`` calls and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def run_case(net, n_d: int, n_c: int, k: int, repeats: int) -> None:
    """One case: random demand and candidates on the network, both models, both solvers."""
    import pulp
    from spopt.locate import PCenter, PMedian

    rng = np.random.default_rng(0)
    nodes = rng.choice(net.n_nodes, n_d + n_c + EXISTING, replace=False)
    s = snap_points(net, net.x[nodes], net.y[nodes])
    cost = dense_costs(od_matrix(net, s.take(np.arange(n_d)),
                                 s.take(np.arange(n_d, n_d + n_c + EXISTING)), speed=1.0))
    w = rng.integers(1, 60, n_d).astype(float)
    pre = np.r_[np.zeros(n_c), np.ones(EXISTING)].astype(int)
    prob = MedianProblem(cost[:, :n_c], w, cost[:, n_c:].min(axis=1))
    cbc = pulp.PULP_CBC_CMD(msg=False)
    runs = {
        "pmedian": (lambda: p_median(prob, k, method="milp"),
                    lambda: PMedian.from_cost_matrix(cost, w, p_facilities=k + EXISTING,
                                                     predefined_facilities_arr=pre).solve(cbc)),
        "pcenter": (lambda: p_center(prob, k, method="milp"),
                    lambda: PCenter.from_cost_matrix(cost, p_facilities=k + EXISTING,
                                                     predefined_facilities_arr=pre).solve(cbc)),
    }
    for name, (ours, ref) in runs.items():
        t_ours, o = timed(ours, repeats)
        t_ref, r = timed(ref, repeats)
        print(f"{name} {n_d}x{n_c} k={k}: project {t_ours:.3f} s value {o.value:.4f} | "
              f"spopt+CBC {t_ref:.3f} s value {pulp.value(r.problem.objective):.4f} | "
              f"{t_ref / t_ours:.0f}x")


def main(argv: list[str] | None = None) -> None:
    """Run every case and print one line per model with both solvers' time and value."""
    warnings.filterwarnings("ignore")
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--repeats", type=int, default=3)
    repeats = args.parse_args(argv).repeats
    net = load_network(MONACO)
    for n_d, n_c, k in CASES:
        run_case(net, n_d, n_c, k, repeats)


if __name__ == "__main__":
    main()

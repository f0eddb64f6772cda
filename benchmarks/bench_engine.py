"""Time the project's walking engine against its peers on one network, in one run.

Loads the network once, places ``--facilities`` facilities on random nodes and
``--points`` demand points near random streets (seeded), then times, as the
median of ``--repeats`` runs after a warm-up (min and max too):

1. ``project``: nearest-facility walking metres for every node and every point
   (:func:`planner.engine.travel.snap_points`, :func:`~planner.engine.travel.nearest_sites`,
   :func:`~planner.engine.travel.point_distances`); ``project_nodes`` is the node part
   alone, ``bare_scipy`` a bare compiled Dijkstra over the same arrays
   (``scipy.sparse.csgraph.dijkstra(csr, indices=facility nodes, min_only=True,
   limit=L)``);
2. ``nx_ego_graph``: the OSMnx isochrone-example way, one networkx
   ``ego_graph`` per facility, then every point to its nearest node (KD-tree);
   ``nx_ego_graph_simplified`` the same on the simplified graph (junctions
   only, as ``osmnx.simplify_graph`` makes; facilities moved to their nearest
   junction, so it answers for the junctions only: shown, not a target);
3. ``nx_multi_source``: networkx ``multi_source_dijkstra_path_length`` with a cutoff;
4. ``pandana``: ``Network`` build, then ``set_pois`` + ``nearest_pois`` (when installed);
5. one what-if edit in the project (add, move, remove a facility), alone and
   with the coverage tables (:func:`planner.analysis.coverage.unit_coverage` and
   :func:`planner.analysis.coverage.score_profile`) updated;
6. the service-area polygon of all facilities (:func:`planner.engine.isochrones.service_area`).

Peers that would take too long (``--peer-budget`` seconds) run on the first
facilities only and are extrapolated linearly, labelled as such.  The covered
node sets of 1–4 are checked to agree.  Peak memory (max RSS) is reported
after the project's steps and at the end.

Example::

    python benchmarks/bench_engine.py --network /tmp/grid100k.npz --facilities 100 \\
        --points 100000 --minutes 15 --json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# tolerance for "covered": engines add floating-point sums in different orders, and the
# project wires sites in with a 1e-6 m virtual arc
BOUNDARY_TOL = 1e-3
PANDANA_TOL = 0.25  # metres: pandana sums single-precision weights (0.02 m off at 900 m)


@dataclass
class Timing:
    """Wall-clock seconds of one job."""

    name: str
    runs: list[float] = field(default_factory=list)
    extrapolated: float | None = None  # factor applied to the measured runs
    note: str = ""

    @property
    def median(self) -> float:
        v = statistics.median(self.runs) if self.runs else float("nan")
        return v * (self.extrapolated or 1.0)

    def as_dict(self) -> dict:
        f = self.extrapolated or 1.0
        return {"median_s": self.median, "min_s": min(self.runs) * f if self.runs else None,
                "max_s": max(self.runs) * f if self.runs else None, "repeats": len(self.runs),
                "extrapolated_factor": self.extrapolated, "note": self.note}


def timed(name: str, fn: Callable, repeats: int, *, warmup: bool = True, budget: float | None = None):
    """Run ``fn`` (warm-up + repeats); stop early once ``budget`` seconds are spent."""
    out = None
    if warmup:
        out = fn()
    t = Timing(name)
    spent = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        t.runs.append(dt)
        spent += dt
        if budget is not None and spent > budget:
            t.note = f"stopped after {len(t.runs)} repeats (budget {budget:g} s)"
            break
    return t, out


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------------------
# inputs


def make_inputs(net, n_fac: int, n_pts: int, seed: int = 1):
    """Facilities on random nodes; points scattered up to ~40 m off random nodes."""
    rng = np.random.default_rng(seed)
    fac_nodes = np.sort(rng.choice(net.n_nodes, size=min(n_fac, net.n_nodes), replace=False))
    base = rng.integers(0, net.n_nodes, n_pts)
    px = net.x[base] + rng.normal(0, 25.0, n_pts)
    py = net.y[base] + rng.normal(0, 25.0, n_pts)
    return fac_nodes, px, py


# ---------------------------------------------------------------------------
# the jobs


def project_job(net, fac_nodes, pts, limit):
    """Nodes + points: snap the facilities, multi-source bounded search, point distances.

    The points were snapped onto their street once, beforehand (as the model does
    when the data are loaded); that is timed on its own as ``snap_points``.
    """
    from planner.engine.travel import nearest_sites, point_distances, snap_points

    sites = snap_points(net, net.x[fac_nodes], net.y[fac_nodes])
    fld = nearest_sites(net, sites, limit=limit)
    pd_, ps = point_distances(net, fld, pts, sites)
    return fld.dist, pd_


def project_nodes_job(net, sites, limit):
    from planner.engine.travel import nearest_sites

    return nearest_sites(net, sites, limit=limit).dist


def bare_job(csr, fac_nodes, limit):
    from scipy.sparse.csgraph import dijkstra

    return dijkstra(csr, indices=fac_nodes, min_only=True, limit=limit)


def nx_graph(net):
    """An undirected networkx graph with ``length`` and node ``x``/``y`` (as osmnx makes)."""
    return nx_graph_from_csr(net.csr, net.x, net.y)


def nx_graph_from_csr(csr, x, y):
    """An undirected networkx graph of a symmetric CSR (as osmnx's simplified graph)."""
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from((i, {"x": a, "y": b}) for i, (a, b) in enumerate(zip(x.tolist(), y.tolist(), strict=True)))
    coo = csr.tocoo()
    upper = coo.row < coo.col
    G.add_weighted_edges_from(zip(coo.row[upper].tolist(), coo.col[upper].tolist(), coo.data[upper].tolist(),
                                  strict=True), weight="length")
    return G


def ego_job(G, kdtree, fac_nodes, px, py, limit, n_nodes):
    """The OSMnx isochrone example: one ``ego_graph`` per facility, points to nearest node."""
    import networkx as nx

    covered = np.zeros(n_nodes, dtype=bool)
    for f in fac_nodes.tolist():
        sub = nx.ego_graph(G, f, radius=limit, distance="length")
        covered[np.fromiter(sub.nodes, dtype=np.int64)] = True
    _, near = kdtree.query(np.column_stack([px, py]))
    return covered, covered[near]


def nx_multi_job(G, fac_nodes, limit, n_nodes):
    import networkx as nx

    d = nx.multi_source_dijkstra_path_length(G, set(fac_nodes.tolist()), cutoff=limit, weight="length")
    out = np.full(n_nodes, np.inf)
    out[np.fromiter(d.keys(), dtype=np.int64)] = np.fromiter(d.values(), dtype=float)
    return out


def _pandana_child(conn, x, y, u, v, length, fac_nodes, limit, repeats):
    os.dup2(2, 1)  # pandana's C++ progress goes to stdout: keep stdout for the JSON
    try:
        import pandana
        import pandas as pd

        t0 = time.perf_counter()
        nodes = pd.DataFrame({"x": x, "y": y})
        edges = pd.DataFrame({"from": u, "to": v, "length": length})
        pnet = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["length"]],
                               twoway=True)
        build = time.perf_counter() - t0
        runs = []
        dist = None
        for _ in range(repeats + 1):  # the first is the warm-up
            t0 = time.perf_counter()
            pnet.set_pois("fac", limit, 1, pd.Series(x[fac_nodes]), pd.Series(y[fac_nodes]))
            res = pnet.nearest_pois(limit, "fac", num_pois=1)
            runs.append(time.perf_counter() - t0)
            dist = res[1].to_numpy(float)
        conn.send({"build": build, "runs": runs[1:], "dist": dist})
    except Exception as exc:  # report, do not crash the benchmark
        conn.send({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})
    finally:
        conn.close()


def pandana_job(net, fac_nodes, limit, repeats, timeout):
    """pandana in a child process (so a slow contraction build can be cut off)."""
    try:
        import pandana  # noqa: F401
    except ImportError as exc:
        return {"error": f"pandana not installed ({exc})"}
    ctx = mp.get_context("fork")
    a, b = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_pandana_child, args=(b, net.x, net.y, net.u.astype(np.int64),
                                                 net.v.astype(np.int64), net.length, fac_nodes,
                                                 limit, repeats))
    p.start()
    b.close()
    if a.poll(timeout):
        try:
            out = a.recv()
        except EOFError:
            out = {"error": "pandana child ended without an answer (crashed?)"}
    else:
        out = {"error": f"pandana build + queries exceeded the budget of {timeout:g} s; skipped"}
    p.kill()
    p.join()
    return out


# ---------------------------------------------------------------------------
# the what-if model


def synthetic_model(net, fac_nodes, px, py, facility_type="day_care", n_units_side=10):
    """A model on the network: square units, the points as homes, the facilities of one type."""
    import geopandas as gpd
    import shapely

    from planner.engine.model import build_model

    x0, y0, x1, y1 = net.bounds
    xs = np.linspace(x0 - 1, x1 + 1, n_units_side + 1)
    ys = np.linspace(y0 - 1, y1 + 1, n_units_side + 1)
    boxes, rows = [], []
    for i in range(n_units_side):
        for j in range(n_units_side):
            k = len(boxes)
            boxes.append(shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]))
            rows.append({"code": f"U{k:04d}", "name": f"unit {k}", "kind": "community" if (i + j) % 3 else "village",
                         "street": f"street {i // 3}", "population": 5000.0, "pop60": 1200.0})
    units = gpd.GeoDataFrame(rows, geometry=boxes, crs=net.crs)
    fac = gpd.GeoDataFrame({"facility_id": [f"F{i:05d}" for i in range(fac_nodes.size)],
                            "name": [f"facility {i}" for i in range(fac_nodes.size)],
                            "type": facility_type, "capacity": 30.0, "nursing_beds": np.nan,
                            "status": "existing"},
                           geometry=shapely.points(net.x[fac_nodes], net.y[fac_nodes]), crs=net.crs)
    homes = gpd.GeoDataFrame({"population": np.ones(px.size)}, geometry=shapely.points(px, py), crs=net.crs)
    return build_model(units, fac, net, buildings=homes)


def coverage_tables(model):
    from planner.analysis.coverage import score_profile, unit_coverage

    return unit_coverage(model), score_profile(model)


# ---------------------------------------------------------------------------


def agreement(ref: np.ndarray, other_covered: np.ndarray, limit: float, tol: float = BOUNDARY_TOL) -> dict:
    """Covered-node agreement with the project's distances (ties at the walk's end aside)."""
    mine = ref <= limit
    diff = mine != other_covered
    near_edge = np.abs(ref - limit) <= tol
    return {"covered_project": int(mine.sum()), "covered_other": int(other_covered.sum()),
            "mismatches": int(diff.sum()), "mismatches_beyond_tol": int((diff & ~near_edge).sum()),
            "worst_mismatch_from_walk_end_m": float(np.max(np.abs(ref[diff] - limit), initial=0.0)),
            "agree": bool(not (diff & ~near_edge).any())}


def run(network: str, n_fac: int, n_pts: int, *, minutes: float = 15.0, speed: float = 1.0,
        repeats: int = 5, peer_budget: float = 60.0, pandana_timeout: float = 600.0,
        skip: tuple[str, ...] = (), seed: int = 1, log=print) -> dict:
    """Run the whole benchmark; returns the JSON-ready results."""
    import scipy.spatial

    import planner
    from planner.engine.isochrones import service_area
    from planner.engine.network import load_network, save_network
    from planner.engine.travel import snap_points, to_metres

    res: dict = {"network": str(network), "facilities": n_fac, "points": n_pts, "minutes": minutes,
                 "speed_mps": speed, "repeats": repeats, "planner_version": planner.__version__,
                 "machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "timings": {},
                 "agreement": {}, "skipped": {}}
    T = res["timings"]
    limit = float(to_metres(minutes, speed))
    res["limit_m"] = limit

    t0 = time.perf_counter()
    net = load_network(network)
    T["load"] = Timing("load", [time.perf_counter() - t0]).as_dict()
    T["load"]["note"] = "from cache" if net.report.from_cache or str(network).endswith(".npz") else "parsed"
    if not str(network).endswith(".npz"):
        cache = Path(os.environ.get("TMPDIR", "/tmp")) / (Path(network).stem + ".bench.npz")
        save_network(net, cache)
        t0 = time.perf_counter()
        load_network(cache)
        T["load_npz"] = Timing("load_npz", [time.perf_counter() - t0]).as_dict()
    res["n_nodes"], res["n_edges"] = net.n_nodes, net.n_edges
    log(f"network {network}: {net.n_nodes:,} nodes, {net.n_edges:,} segments; walk {limit:g} m")
    t0 = time.perf_counter()
    _ = net.csr, net.chains, net.tree
    T["index"] = Timing("index", [time.perf_counter() - t0]).as_dict()
    T["index"]["note"] = "CSR + junction graph + segment geometries + STRtree, once per network"
    res["n_junctions"] = int(net.chains.core.size)

    fac_nodes, px, py = make_inputs(net, n_fac, n_pts, seed)
    sites = snap_points(net, net.x[fac_nodes], net.y[fac_nodes])

    # 1. the project, and the bare compiled Dijkstra over the same arrays
    t, pts = timed("snap_points", lambda: snap_points(net, px, py), min(repeats, 3))
    T["snap_points"] = t.as_dict()
    T["snap_points"]["note"] = "points onto their nearest street segment, once per data set"
    t, (node_d, pt_d) = timed("project", lambda: project_job(net, fac_nodes, pts, limit), repeats)
    T["project"] = t.as_dict()
    t, nodes_only = timed("project_nodes", lambda: project_nodes_job(net, sites, limit), repeats)
    T["project_nodes"] = t.as_dict()
    csr = net.csr
    t, bare = timed("bare_scipy", lambda: bare_job(csr, fac_nodes, limit), repeats)
    T["bare_scipy"] = t.as_dict()
    finite = np.isfinite(bare)
    res["agreement"]["bare_scipy"] = agreement(node_d, bare <= limit, limit)
    res["agreement"]["bare_scipy"]["max_abs_diff_m"] = float(
        np.max(np.abs(node_d[finite] - bare[finite]), initial=0.0))
    log(f"project {T['project']['median_s']:.4f} s (nodes only {T['project_nodes']['median_s']:.4f} s), "
        f"bare scipy {T['bare_scipy']['median_s']:.4f} s")

    # 5. what-if edits
    if "edits" not in skip:
        t0 = time.perf_counter()
        model = synthetic_model(net, fac_nodes, px, py)
        T["model_build"] = Timing("model_build", [time.perf_counter() - t0]).as_dict()
        T["model_build"]["note"] = f"{len(model.units)} units, {len(model.demand):,} demand points"
        t, _ = timed("coverage_tables", lambda: coverage_tables(model), repeats)
        T["coverage_tables"] = t.as_dict()
        rng = np.random.default_rng(seed + 1)
        new_node = int(rng.integers(0, net.n_nodes))
        mid = str(model.facilities["facility_id"].iloc[len(model.facilities) // 2])
        mx, my = net.x[new_node] + 3.0, net.y[new_node] + 3.0
        edits = {
            "add": lambda: model.add_facility("day_care", mx, my, lonlat=False),
            "move": lambda: model.move_facility(mid, mx, my, lonlat=False),
            "remove": lambda: model.remove_facility(mid),
        }
        for k, fn in edits.items():
            t, _ = timed(f"edit_{k}", fn, repeats)
            T[f"edit_{k}"] = t.as_dict()
            t, _ = timed(f"edit_{k}_tables", lambda fn=fn: coverage_tables(fn()), repeats)
            T[f"edit_{k}_tables"] = t.as_dict()
        log("edits (s, with tables): " + ", ".join(
            f"{k} {T[f'edit_{k}']['median_s']:.4f} ({T[f'edit_{k}_tables']['median_s']:.4f})" for k in edits))
        del model

    # 6. service-area polygon of all facilities
    if "polygons" not in skip:
        t, poly = timed("polygons", lambda: service_area(net, node_d, limit, sites=sites), repeats,
                        budget=peer_budget)
        T["polygons"] = t.as_dict()
        T["polygons"]["note"] = (T["polygons"]["note"] + f"; {poly.area / 1e6:.1f} km², "
                                 f"{len(getattr(poly, 'geoms', [poly]))} parts").lstrip("; ")
        log(f"polygons {T['polygons']['median_s']:.3f} s")
    res["peak_rss_mb_project"] = peak_rss_mb()

    # 2.-3. networkx
    if "networkx" not in skip:
        t0 = time.perf_counter()
        G = nx_graph(net)
        kdtree = scipy.spatial.cKDTree(np.column_stack([net.x, net.y]))
        T["nx_build"] = Timing("nx_build", [time.perf_counter() - t0]).as_dict()
        T["nx_build"]["note"] = "networkx graph + KD-tree, once (not in the ratios)"
        # ego graphs: time a probe on a few facilities, then cap the count to fit the budget
        probe_n = min(fac_nodes.size, 5)
        t0 = time.perf_counter()
        ego_job(G, kdtree, fac_nodes[:probe_n], px[:1], py[:1], limit, net.n_nodes)
        per_fac = (time.perf_counter() - t0) / probe_n
        n_run = int(min(fac_nodes.size, max(probe_n, peer_budget / max(repeats, 1) / max(per_fac, 1e-9))))
        sub = fac_nodes[:n_run]
        t, (ego_cov, _) = timed("nx_ego_graph", lambda: ego_job(G, kdtree, sub, px, py, limit, net.n_nodes),
                                repeats, warmup=False, budget=peer_budget)
        if n_run < fac_nodes.size:
            t.extrapolated = fac_nodes.size / n_run
            t.note = (f"EXTRAPOLATED linearly from {n_run} of {fac_nodes.size} facilities; " + t.note).rstrip("; ")
        T["nx_ego_graph"] = t.as_dict()
        ref = node_d if n_run == fac_nodes.size else project_nodes_job(
            net, snap_points(net, net.x[sub], net.y[sub]), limit)
        res["agreement"]["nx_ego_graph"] = agreement(ref, ego_cov, limit)
        log(f"networkx ego_graph {T['nx_ego_graph']['median_s']:.3f} s {t.note}")

        # the OSMnx example as usually run: on the simplified graph (junctions only, one edge per
        # street between them), each facility moved to its nearest junction (ox.nearest_nodes)
        g = net.chains
        Gs = nx_graph_from_csr(g.csr, net.x[g.core], net.y[g.core])
        ktree = scipy.spatial.cKDTree(np.column_stack([net.x[g.core], net.y[g.core]]))
        _, fac_j = ktree.query(np.column_stack([net.x[fac_nodes], net.y[fac_nodes]]))
        sub_j = np.unique(fac_j[:n_run])
        t, _ = timed("nx_ego_graph_simplified",
                     lambda: ego_job(Gs, ktree, sub_j, px, py, limit, g.core.size), repeats,
                     warmup=False, budget=peer_budget)
        t.note = f"{g.core.size:,} junctions; facilities moved to the nearest junction"
        if n_run < fac_nodes.size:
            t.extrapolated = fac_nodes.size / n_run
            t.note = f"EXTRAPOLATED from {n_run} facilities; " + t.note
        T["nx_ego_graph_simplified"] = t.as_dict()
        log(f"networkx ego_graph on the simplified graph {T['nx_ego_graph_simplified']['median_s']:.3f} s")
        del Gs, ktree

        t, nxd = timed("nx_multi_source", lambda: nx_multi_job(G, fac_nodes, limit, net.n_nodes), repeats,
                       warmup=net.n_nodes <= 200_000, budget=peer_budget)
        T["nx_multi_source"] = t.as_dict()
        res["agreement"]["nx_multi_source"] = agreement(node_d, nxd <= limit, limit)
        fin = np.isfinite(nxd) & np.isfinite(node_d)
        res["agreement"]["nx_multi_source"]["max_abs_diff_m"] = float(
            np.max(np.abs(nxd[fin] - node_d[fin]), initial=0.0))
        log(f"networkx multi-source {T['nx_multi_source']['median_s']:.3f} s")
        del G, kdtree

    # 4. pandana
    if "pandana" not in skip:
        out = pandana_job(net, fac_nodes, limit, repeats, pandana_timeout)
        if "error" in out:
            res["skipped"]["pandana"] = out["error"]
            log(f"pandana skipped: {out['error']}")
        else:
            T["pandana_build"] = Timing("pandana_build", [out["build"]]).as_dict()
            T["pandana"] = Timing("pandana", out["runs"]).as_dict()
            T["pandana"]["note"] = "set_pois + nearest_pois"
            # pandana fills 'none within' with the search distance itself
            # pandana keeps its distances in single precision (~1e-4 m per 900 m)
            res["agreement"]["pandana"] = agreement(node_d, out["dist"] < limit - 1e-9, limit,
                                                    tol=PANDANA_TOL)
            res["agreement"]["pandana"]["max_abs_diff_m"] = float(np.max(np.abs(
                out["dist"][node_d < limit] - node_d[node_d < limit]), initial=0.0))
            log(f"pandana build {out['build']:.2f} s, query {T['pandana']['median_s']:.4f} s")

    res["peak_rss_mb"] = peak_rss_mb()
    proj = T["project"]["median_s"]
    res["ratios"] = {k: T[k]["median_s"] / proj for k in ("nx_ego_graph", "nx_ego_graph_simplified",
                                                          "nx_multi_source", "pandana")
                     if k in T}
    res["ratios"]["pandana_build_plus_query"] = (
        (T["pandana_build"]["median_s"] + T["pandana"]["median_s"]) / proj if "pandana" in T else None)
    res["ratios"]["project_vs_bare_scipy"] = proj / T["bare_scipy"]["median_s"]
    res["ratios"]["project_nodes_vs_bare_scipy"] = T["project_nodes"]["median_s"] / T["bare_scipy"]["median_s"]
    res["all_agree"] = all(a["agree"] for a in res["agreement"].values())
    return res


def machine() -> str:
    """CPU model, cores and memory of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, Python {platform.python_version()}"


LABELS = {
    "load": "load network", "load_npz": "load network (.npz cache)", "index": "CSR + junction graph + STRtree (once)",
    "snap_points": "   snap points to streets (once)", "project": "1. project: nodes + points", "project_nodes": "   project: nodes only",
    "bare_scipy": "   bare scipy Dijkstra", "nx_build": "   networkx graph build (once)",
    "nx_ego_graph": "2. networkx ego_graph per facility",
    "nx_ego_graph_simplified": "   ego_graph on the simplified graph",
    "nx_multi_source": "3. networkx multi-source",
    "pandana_build": "4. pandana Network build", "pandana": "4. pandana set_pois+nearest_pois",
    "model_build": "   model build (units, homes)", "coverage_tables": "   coverage tables",
    "edit_add": "5. edit: add facility", "edit_add_tables": "   add + coverage tables",
    "edit_move": "5. edit: move facility", "edit_move_tables": "   move + coverage tables",
    "edit_remove": "5. edit: remove facility", "edit_remove_tables": "   remove + coverage tables",
    "polygons": "6. service-area polygon (all)",
}


def table(res: dict) -> str:
    """A Markdown table of the timings and ratios."""
    proj = res["timings"]["project"]["median_s"]
    lines = ["| job | median s | min s | max s | × project | note |", "|---|---:|---:|---:|---:|---|"]
    for k, lab in LABELS.items():
        t = res["timings"].get(k)
        if t is None:
            continue
        ratio = f"{t['median_s'] / proj:,.1f}" if k in ("nx_ego_graph", "nx_ego_graph_simplified",
                                                         "nx_multi_source", "pandana",
                                                         "bare_scipy", "project_nodes") else ""
        lines.append(f"| {lab} | {t['median_s']:.4f} | {t['min_s']:.4f} | {t['max_s']:.4f} | {ratio} | "
                     f"{t['note']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the walking engine against networkx and pandana.")
    ap.add_argument("--network", required=True, help=".npz, .osm, .osm.pbf or .graphml")
    ap.add_argument("--facilities", type=int, default=100)
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--minutes", type=float, default=15.0)
    ap.add_argument("--speed", type=float, default=1.0, help="walking speed, m/s")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--peer-budget", type=float, default=60.0,
                    help="seconds per slow job before it is capped/extrapolated")
    ap.add_argument("--pandana-timeout", type=float, default=600.0)
    ap.add_argument("--skip", default="", help="comma-separated: networkx, pandana, edits, polygons")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print one JSON object at the end")
    args = ap.parse_args(argv)
    log = (lambda s: print(s, file=sys.stderr)) if args.json else print
    res = run(args.network, args.facilities, args.points, minutes=args.minutes, speed=args.speed,
              repeats=args.repeats, peer_budget=args.peer_budget, pandana_timeout=args.pandana_timeout,
              skip=tuple(s.strip() for s in args.skip.split(",") if s.strip()), seed=args.seed, log=log)
    log(table(res))
    log("ratios (peer / project): " + ", ".join(f"{k} {v:,.1f}" for k, v in res["ratios"].items()
                                                 if v is not None))
    log(f"agreement on covered nodes: {res['all_agree']}  "
        + "; ".join(f"{k}: {v['mismatches_beyond_tol']} mismatches" for k, v in res["agreement"].items()))
    log(f"peak memory: {res['peak_rss_mb_project']:.0f} MB after the project's steps, "
        f"{res['peak_rss_mb']:.0f} MB at the end")
    for k, v in res["skipped"].items():
        log(f"skipped {k}: {v}")
    if args.json:
        print(json.dumps(res, default=float))
    return 0 if res["all_agree"] else 1


if __name__ == "__main__":
    sys.exit(main())

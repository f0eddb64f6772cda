"""County scale end to end: the project's steps against the OSMnx way, side by side in one run.

Times (median of ``--repeats`` after a warm-up; the exact polygons and the
OSMnx peer fewer times, see the notes) on a county written by
``make_county.py``:

- network load from the ``.npz`` cache (junction graph included);
- model build (units' demand points along streets, snapping, per-type searches);
- service-area polygons of every facility type x (5, 10, 15) minutes: the grid
  method (default) and the exact GEOS union (``method="exact"``), with their
  area difference;
- ``planner.analyse`` + ``planner.write_analysis`` (the ``planner analyse``
  bundle, service areas included) from files already read;
- the OSMnx way of doing the same: ``osmnx.load_graphml``, an ``ego_graph``
  per facility and walk, and the OSMnx tutorial's buffered-edge isochrone
  polygons (on ``--peer-facilities`` facilities, extrapolated linearly to all).

Prints a table and the ratios; peak memory (max RSS) at the end.

Examples
--------
::

    python benchmarks/make_county.py --nodes 100000 --out /tmp/county100k --graphml
    python benchmarks/bench_county.py --county /tmp/county100k --repeats 3
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

MINUTES = (5, 10, 15)


def _timed(fn, repeats: int, warm: bool = True):
    if warm:
        fn()
    times, out = [], None
    for _ in range(max(repeats, 1)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def _row(name: str, times: list[float], note: str = "") -> dict:
    return {"step": name, "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "n": len(times), "note": note}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _osmnx_way(graphml: Path, facilities, speed: float, n_fac: int, log) -> tuple[list[dict], float]:
    """The OSMnx isochrone tutorial: load, ego_graph per facility and walk, buffer the edges, union."""
    import geopandas as gpd
    import networkx as nx
    import osmnx as ox
    import shapely

    rows = []
    t0 = time.perf_counter()
    G = ox.load_graphml(graphml)
    rows.append(_row("osmnx: load_graphml", [time.perf_counter() - t0]))
    t0 = time.perf_counter()
    Gp = ox.project_graph(G)
    nodes = ox.graph_to_gdfs(Gp, edges=False)
    pts = gpd.GeoSeries(gpd.points_from_xy(facilities["longitude"], facilities["latitude"]),
                        crs="EPSG:4326").to_crs(Gp.graph["crs"])
    fac_nodes = ox.distance.nearest_nodes(Gp, pts.x.to_numpy(), pts.y.to_numpy())
    rows.append(_row("osmnx: project + nearest nodes", [time.perf_counter() - t0]))
    sub = fac_nodes[:n_fac]
    ego_t = 0.0
    poly_t = 0.0
    for node in sub:
        for m in MINUTES:
            t0 = time.perf_counter()
            sg = nx.ego_graph(Gp, node, radius=m * 60.0 * speed, distance="length")
            ego_t += time.perf_counter() - t0
            t0 = time.perf_counter()
            # the tutorial's make_iso_polys: buffer the edges and the nodes, union
            node_pts = shapely.points(nodes.loc[list(sg.nodes), ["x", "y"]].to_numpy())
            lines = [shapely.LineString([(Gp.nodes[a]["x"], Gp.nodes[a]["y"]), (Gp.nodes[b]["x"], Gp.nodes[b]["y"])])
                     for a, b in sg.edges()]
            shapely.union_all(np.concatenate([shapely.buffer(np.array(lines, dtype=object), 25.0),
                                              shapely.buffer(node_pts, 25.0)]))
            poly_t += time.perf_counter() - t0
    scale = len(fac_nodes) / max(len(sub), 1)
    note = f"EXTRAPOLATED from {len(sub)} of {len(fac_nodes)} facilities" if scale > 1 else ""
    rows.append(_row("osmnx: ego_graph per facility x walk", [ego_t * scale], note))
    rows.append(_row("osmnx: buffered isochrone polygons", [poly_t * scale], note))
    del G, Gp
    return rows, scale


def run(county: str | Path, *, repeats: int = 3, exact_repeats: int = 1, peer_facilities: int = 40,
        skip: tuple[str, ...] = (), log=print) -> dict:
    """Run every step; return the rows, the ratios and the peak memory.

    Parameters
    ----------
    county : str or Path
        Folder written by ``make_county.py``.
    repeats : int
        Timed runs of each of the project's steps (after a warm-up).
    exact_repeats : int
        Timed runs of the exact polygons (slow; no warm-up).
    peer_facilities : int
        Facilities the OSMnx peer runs for (then extrapolated to all).
    skip : tuple of str
        Steps to leave out: ``exact``, ``osmnx``, ``analyse``.
    log : callable
        Progress messages.
    """
    import pandas as pd

    from planner import analyse, load_network, read_boundaries, read_facilities, write_analysis
    from planner.engine.isochrones import service_areas
    from planner.engine.model import build_model
    from planner.engine.travel import to_metres

    county = Path(county)
    rows: list[dict] = []
    t, net = _timed(lambda: load_network(county / "network.npz"), repeats)
    rows.append(_row("network load (.npz cache)", t, f"{net.n_nodes:,} nodes, junction graph stored"))
    units = read_boundaries(county / "boundaries.gpkg", layer="units")
    fac = read_facilities(county / "facilities.csv")
    t, model = _timed(lambda: build_model(units, fac, load_network(county / "network.npz")), repeats)
    rows.append(_row("model build", t, f"{len(model.demand):,} demand points, {len(fac)} facilities"))
    log(f"model: {len(model.demand):,} demand points")

    def polygons(method: str):
        out = {}
        for ftype, fld in model.fields.items():
            sites = model.facility_snap.take(np.nonzero(model.type_mask(ftype))[0])
            lims = [float(to_metres(m, model.speed)) for m in MINUTES]
            out[ftype] = service_areas(model.network, fld.dist, lims, sites=sites, method=method)
        return out

    t, grid = _timed(lambda: polygons("grid"), repeats)
    n_poly = sum(len(v) for v in grid.values())
    rows.append(_row("service areas, grid (all types x 5/10/15)", t, f"{n_poly} polygons"))
    agreement = {}
    if "exact" not in skip:
        t, exact = _timed(lambda: polygons("exact"), exact_repeats, warm=False)
        rows.append(_row("service areas, exact GEOS union", t, f"{n_poly} polygons"))
        a_g = np.array([p.area for v in grid.values() for p in v])
        a_e = np.array([p.area for v in exact.values() for p in v])
        sym = np.array([g.symmetric_difference(e).area for k in grid for g, e in zip(grid[k], exact[k], strict=True)])
        agreement = {"area_ratio_min": float((a_g / a_e).min()), "area_ratio_max": float((a_g / a_e).max()),
                     "symdiff_share_max": float((sym / a_e).max())}
        log(f"grid vs exact: area ratio {agreement['area_ratio_min']:.3f}-{agreement['area_ratio_max']:.3f}, "
            f"symmetric difference up to {agreement['symdiff_share_max']:.3f} of the area")
    if "analyse" not in skip:
        def end_to_end():
            with tempfile.TemporaryDirectory() as tmp:
                res = analyse(units, fac, load_network(county / "network.npz"))
                write_analysis(res, tmp)
        t, _ = _timed(end_to_end, repeats)
        rows.append(_row("analyse + write_analysis", t, "from files read; service areas included"))
    peak_project = _peak_mb()
    ratios = {}
    if "osmnx" not in skip and (county / "network.graphml").is_file():
        raw = pd.read_csv(county / "facilities.csv")
        peer, _ = _osmnx_way(county / "network.graphml", raw, model.speed, peer_facilities, log)
        rows.extend(peer)
        med = {r["step"]: r["median_s"] for r in rows}
        grid_s = med["service areas, grid (all types x 5/10/15)"]
        osmnx_total = sum(r["median_s"] for r in peer)
        project_total = med["network load (.npz cache)"] + med["model build"] + grid_s
        ratios = {"polygons: osmnx ego+buffer / project grid": (med["osmnx: ego_graph per facility x walk"]
                                                                  + med["osmnx: buffered isochrone polygons"]) / grid_s,
                  "load: osmnx graphml / project npz": med["osmnx: load_graphml"] / med["network load (.npz cache)"],
                  "total: osmnx / project (load + model + polygons)": osmnx_total / project_total}
    return {"rows": rows, "ratios": ratios, "agreement": agreement, "peak_rss_mb_project": peak_project,
            "peak_rss_mb": _peak_mb(), "nodes": net.n_nodes}


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--county", required=True, help="folder written by make_county.py")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--exact-repeats", type=int, default=1)
    ap.add_argument("--peer-facilities", type=int, default=40)
    ap.add_argument("--skip", default="", help="comma-separated: exact, osmnx, analyse")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    args = ap.parse_args(argv)
    res = run(args.county, repeats=args.repeats, exact_repeats=args.exact_repeats,
              peer_facilities=args.peer_facilities, skip=tuple(s for s in args.skip.split(",") if s))
    print(f"\n{res['nodes']:,} nodes")
    print("| step | median s | min s | max s | runs | note |")
    print("|---|---:|---:|---:|---:|---|")
    for r in res["rows"]:
        print(f"| {r['step']} | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['max_s']:.3f} | {r['n']} | {r['note']} |")
    for k, v in res["ratios"].items():
        print(f"{k}: {v:.1f}x")
    print(f"peak memory: {res['peak_rss_mb_project']:.0f} MB after the project's steps, "
          f"{res['peak_rss_mb']:.0f} MB at the end")
    if args.json:
        print(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

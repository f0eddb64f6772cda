"""Province-scale report: per-county time and how the total scales from 1 to 2 workers.

Generates a province of ``--counties`` demo counties (planner.demo.generate.make_demo_province),
loads it once, and times ``run_province`` (one map + workbook per county, as
``planner report --by county``) in this process (1 worker), on a local process
pool (2 workers) and on a Dask ``LocalCluster`` with 1 and 2 worker processes
(one thread each).  Each configuration gets one warm-up run, then the median
(min, max) of ``--repeats`` timed runs.  Also: the partition, the size and
pickling time of the tasks, and each county's analysis alone.

    python benchmarks/bench_province.py --counties 8 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _load() -> float:
    return os.getloadavg()[0]


def _spin(n: int = 4_000_000) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t


def _cores_free() -> float:
    """How many cores two CPU-bound processes got just now (2.0 on an idle 2-core machine)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [10_000, 10_000]))
        alone = min(pool.submit(_spin).result() for _ in range(2))
        t = time.perf_counter()
        list(pool.map(_spin, [4_000_000, 4_000_000]))
        both = time.perf_counter() - t
    return round(2 * alone / both, 2)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--format", default="png,pdf", help="map formats (the CLI default png,pdf)")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--buffer-m", type=float, default=2000.0)
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster runs")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)

    from planner import read_boundaries, read_facilities
    from planner.analysis.result import analyse
    from planner.demo.generate import write_demo_province
    from planner.engine.network import load_network
    from planner.outputs.printmap import context_layers
    from planner.outputs.province import partition_counties, run_province
    from planner.outputs.report import ReportSettings

    tmp = Path(tempfile.mkdtemp(prefix="bench-province-"))
    res: dict = {"counties": args.counties, "repeats": args.repeats, "format": args.format, "dpi": args.dpi,
                 "buffer_m": args.buffer_m, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    t = time.perf_counter()
    paths = write_demo_province(tmp / "data", args.counties)
    res["generate_s"] = time.perf_counter() - t
    units = read_boundaries(paths.boundaries, layer="units")
    fac = read_facilities(paths.facilities)
    t = time.perf_counter()
    net = load_network(paths.network, use_cache=False)
    res["load_network_s"] = time.perf_counter() - t
    ctx = context_layers(paths.boundaries)
    res["units"], res["facilities"], res["nodes"], res["segments"] = len(units), len(fac), net.n_nodes, net.n_edges
    print(f"province: {args.counties} counties, {len(units)} units, {len(fac)} facilities, "
          f"{net.n_nodes:,} nodes / {net.n_edges:,} segments (network loaded once in {res['load_network_s']:.2f} s)",
          flush=True)

    t = time.perf_counter()
    analyse(units, fac, net)
    res["whole_province_analysis_s"] = time.perf_counter() - t

    part_s, parts = [], None
    for _ in range(args.repeats):
        t = time.perf_counter()
        parts = partition_counties(units, fac, net, buffer_m=args.buffer_m, context=ctx)
        part_s.append(time.perf_counter() - t)
    res["partition_s"] = statistics.median(part_s)
    t = time.perf_counter()
    blobs = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in parts]
    res["pickle_dump_s"] = time.perf_counter() - t
    t = time.perf_counter()
    for b in blobs:
        pickle.loads(b)
    res["pickle_load_s"] = time.perf_counter() - t
    per_county = []
    for p, b in zip(parts, blobs, strict=True):
        runs = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            analyse(p.units, p.facilities, p.network.to_network())
            runs.append(time.perf_counter() - t)
        per_county.append({"county": p.key, "name": p.name, "units": len(p.units), "facilities": len(p.facilities),
                           "border_facilities": p.border_facilities, "nodes": int(p.network.x.size),
                           "pickle_kb": round(len(b) / 1024, 1), "analysis_s": statistics.median(runs)})

    settings = ReportSettings(map_formats=tuple(args.format.split(",")), dpi=args.dpi)
    configs = [("this process", None, 1), ("process pool", None, 2)]
    if not args.no_dask:
        configs += [("Dask LocalCluster", "dask", 1), ("Dask LocalCluster", "dask", 2)]
    clusters: dict[int, object] = {}
    start_s: dict[int, float] = {}
    stats = {c: {"totals": [], "loads": [], "tasks": [], "cpu": []} for c in configs}
    serial_task: dict[str, list[float]] = {p.key: [] for p in parts}
    probes = []
    try:
        for _, kind, n in configs:
            if kind == "dask":
                from dask.distributed import LocalCluster

                t = time.perf_counter()
                clusters[n] = LocalCluster(n_workers=n, processes=True, threads_per_worker=1,
                                           dashboard_address=":0", silence_logs=logging.ERROR)
                start_s[n] = time.perf_counter() - t
        # run 0 warms every configuration up (imports in fresh workers); then the configurations
        # take turns, so each sees the same share of a machine that other jobs also use
        for k in range(args.repeats + 1):
            if k:
                probes.append(_cores_free())
            for cfg in configs:
                label, kind, n = cfg
                out = tmp / f"out_{label.replace(' ', '_')}_{n}_{k}"
                load = _load()
                t = time.perf_counter()
                index = run_province(units, fac, net, out, settings=settings, parts=parts, progress=False,
                                     workers=n if kind is None else 1,
                                     scheduler=clusters[n].scheduler_address if kind == "dask" else None)
                wall = time.perf_counter() - t
                assert (index["status"] == "ok").all(), index[["district", "error"]]
                shutil.rmtree(out, ignore_errors=True)
                if k == 0:
                    continue
                st = stats[cfg]
                st["totals"].append(wall)
                st["loads"].append(load)
                st["tasks"].append(statistics.median(index.attrs["seconds"].values()))
                st["cpu"].append(statistics.median(index.attrs["cpu_seconds"].values()))
                if kind is None and n == 1:
                    for c, sec in index.attrs["seconds"].items():
                        serial_task[c].append(sec)
                print(f"  run {k}: {label}, {n} worker(s): {wall:.2f} s (load {load:.1f})", flush=True)
    finally:
        for c in clusters.values():
            c.close()
    res["cores_free_median"] = statistics.median(probes)
    res["cores_free_range"] = [min(probes), max(probes)]
    res["runs"] = []
    for (label, kind, n), st in stats.items():
        res["runs"].append({"config": label, "workers": n, "total_median_s": statistics.median(st["totals"]),
                            "total_min_s": min(st["totals"]), "total_max_s": max(st["totals"]),
                            "task_median_s": statistics.median(st["tasks"]),
                            "task_cpu_median_s": statistics.median(st["cpu"]),
                            "load_avg": statistics.median(st["loads"]),
                            "cluster_start_s": start_s.get(n) if kind == "dask" else None})
    for pc in per_county:
        pc["task_s"] = statistics.median(serial_task[pc["county"]])
    res["per_county"] = per_county
    # speed-up against 1 worker of the same engine (this process for the pool)
    one = {r["config"]: r["total_median_s"] for r in res["runs"] if r["workers"] == 1}
    one["process pool"] = one["this process"]
    for r in res["runs"]:
        r["speedup"] = one[r["config"]] / r["total_median_s"]

    shutil.rmtree(tmp, ignore_errors=True)
    print(_markdown(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    return res


def _markdown(res: dict) -> str:
    lines = [
        f"\n{res['counties']} counties, {res['units']} units, {res['facilities']} facilities, "
        f"{res['nodes']:,} nodes; maps {res['format']} at {res['dpi']} dpi; buffer {res['buffer_m']:g} m; "
        f"median of {res['repeats']} runs after a warm-up",
        "",
        "| configuration | workers | total s (median) | min | max | × vs 1 worker | per-county task s (median) | its CPU s | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["runs"]:
        lines.append(f"| {r['config']} | {r['workers']} | {r['total_median_s']:.2f} | {r['total_min_s']:.2f} | "
                     f"{r['total_max_s']:.2f} | {r['speedup']:.2f} | {r['task_median_s']:.2f} | "
                     f"{r['task_cpu_median_s']:.2f} | {r['load_avg']:.1f} |")
    starts = [f"{r['workers']} worker(s) {r['cluster_start_s']:.1f} s" for r in res["runs"] if r["cluster_start_s"]]
    lines += ["", f"Cores free for two CPU-bound processes, probed before each round: median "
              f"{res['cores_free_median']:.2f} (range {res['cores_free_range'][0]:.2f}–{res['cores_free_range'][1]:.2f}).",
              f"Dask LocalCluster start (not in the totals): {', '.join(starts)}." if starts else "",
              f"Once per batch: network load {res['load_network_s']:.2f} s, partition {res['partition_s']:.2f} s, "
              f"pickling all tasks {res['pickle_dump_s'] * 1000:.0f} ms (unpickling {res['pickle_load_s'] * 1000:.0f} ms); "
              f"whole-province analysis in one model {res['whole_province_analysis_s']:.2f} s.",
              "",
              "| county | units | facilities (across border) | network nodes | task pickle KB | analysis s | task s (1 worker) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for c in res["per_county"]:
        lines.append(f"| {c['county']} {c['name']} | {c['units']} | {c['facilities']} ({c['border_facilities']}) | "
                     f"{c['nodes']:,} | {c['pickle_kb']:.0f} | {c['analysis_s']:.2f} | {c['task_s']:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

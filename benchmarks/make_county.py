"""Write a large synthetic county for the end-to-end benchmark (``bench_county.py``).

The streets are ``make_network.py``'s perturbed grid with a river (about
``--nodes`` nodes); the county is cut into an 8 x 8 patchwork of 64
communities and villages (the town's in the middle, villages around, each with
a population and 60+ population); ``--facilities`` facilities of the six
types sit near random street nodes, most existing, some planned or candidates.
Files, as the CLI and :func:`planner.analyse` read them::

    <out>/boundaries.gpkg   layer "units"
    <out>/facilities.csv    facility_id, name, type, capacity, nursing_beds, status, longitude, latitude
    <out>/network.npz       the project's network cache (junction graph included)
    <out>/network.osm       with --osm (OSM XML, what a user would bring)
    <out>/network.graphml   with --graphml (osmnx, for the OSMnx peer; slow beyond ~100 k nodes)

Examples
--------
::

    python benchmarks/make_county.py --nodes 100000 --out /tmp/county100k
    python benchmarks/make_county.py --nodes 1000000 --out /tmp/county1m

Large files belong in /tmp, never in the repository.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

TYPES = ("day_care", "street_centre", "embedded_home", "mutual_aid", "meal_point", "nursing_home")
SHARE = (0.25, 0.05, 0.15, 0.30, 0.20, 0.05)  # of the facilities, by type
SIDE = 8  # units per side: 8 x 8 = 64


def _make_network_module():
    here = Path(__file__).resolve().parent / "make_network.py"
    spec = importlib.util.spec_from_file_location("make_network", here)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def make_units(lon, lat, rng: np.random.Generator):
    """64 rectangular units covering the network's extent (WGS-84), town in the middle."""
    import geopandas as gpd
    import shapely

    x0, x1 = float(lon.min()), float(lon.max())
    y0, y1 = float(lat.min()), float(lat.max())
    ex = (x1 - x0) * 1e-3
    xs = np.linspace(x0 - ex, x1 + ex, SIDE + 1)
    ys = np.linspace(y0 - ex, y1 + ex, SIDE + 1)
    rows = []
    geoms = []
    for j in range(SIDE):
        for i in range(SIDE):
            k = j * SIDE + i
            town = 2 <= i <= 5 and 2 <= j <= 5
            pop = int(rng.integers(6000, 12000) if town else rng.integers(1500, 4000))
            street = k // 8 + 1
            rows.append({"code": f"3699990{street:02d}{k + 1:03d}", "name": f"unit {k + 1:02d}",
                         "kind": "community" if town else "village", "street": f"street {street}",
                         "street_code": f"3699990{street:02d}", "population": pop,
                         "pop60": int(pop * rng.uniform(0.18, 0.30)),
                         "urban_rural_class": "111" if town else "220"})
            geoms.append(shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def make_facilities(lon, lat, n: int, rng: np.random.Generator):
    """``n`` facilities near random nodes, typed by :data:`SHARE`."""
    import pandas as pd

    counts = np.floor(np.array(SHARE) * n).astype(int)
    counts[0] += n - counts.sum()
    types = np.repeat(TYPES, counts)
    at = rng.choice(lon.size, n, replace=False)
    jitter = 15.0 / 111_320.0  # ~15 m off the street
    status = rng.choice(["existing", "planned", "candidate"], n, p=[0.85, 0.05, 0.10])
    cap = np.where(types == "nursing_home", rng.integers(80, 300, n), rng.integers(10, 60, n))
    return pd.DataFrame({
        "facility_id": [f"F{k:05d}" for k in range(n)],
        "name": [f"{t} {k}" for k, t in enumerate(types)],
        "type": types, "capacity": cap.astype(float),
        "nursing_beds": np.where(types == "nursing_home", cap * 0.6, np.nan),
        "status": status,
        "longitude": np.round(lon[at] + rng.normal(0, jitter, n), 7),
        "latitude": np.round(lat[at] + rng.normal(0, jitter, n), 7),
    })


def write_county(n_nodes: int, out: str | Path, *, facilities: int = 400, seed: int = 0,
                 osm: bool = False, graphml: bool = False, log=print) -> dict[str, Path]:
    """Write the county's files into ``out``; returns their paths.

    Parameters
    ----------
    n_nodes : int
        Approximate number of network nodes.
    out : str or Path
        Output folder.
    facilities : int
        Number of facilities.
    seed : int
        Random seed (same seed, same county).
    osm, graphml : bool
        Also write the network as OSM XML / osmnx GraphML.
    log : callable
        Progress messages.
    """
    mn = _make_network_module()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    grid = mn.make_grid(n_nodes, seed=seed)
    paths = {"network": mn.write_npz(grid, out / "network.npz")}
    if osm:
        paths["osm"] = mn.write_osm(grid, out / "network.osm")
    if graphml:
        paths["graphml"] = mn.write_graphml(grid, out / "network.graphml")
    units = make_units(grid.lon, grid.lat, rng)
    paths["boundaries"] = out / "boundaries.gpkg"
    units.to_file(paths["boundaries"], layer="units", driver="GPKG")
    paths["facilities"] = out / "facilities.csv"
    make_facilities(grid.lon, grid.lat, facilities, rng).to_csv(paths["facilities"], index=False,
                                                                encoding="utf-8")
    log(f"county: {grid.n_nodes:,} nodes, {len(units)} units, {facilities} facilities -> {out} "
        f"({time.perf_counter() - t0:.1f} s)")
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--facilities", type=int, default=400)
    ap.add_argument("--out", required=True, help="output folder, e.g. /tmp/county100k")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--osm", action="store_true", help="also write network.osm")
    ap.add_argument("--graphml", action="store_true", help="also write network.graphml (osmnx)")
    args = ap.parse_args(argv)
    write_county(args.nodes, args.out, facilities=args.facilities, seed=args.seed, osm=args.osm,
                 graphml=args.graphml)


if __name__ == "__main__":
    main()

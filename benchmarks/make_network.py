"""Write large synthetic walking networks for the benchmarks.

The network is a perturbed street grid (100 m blocks, intersections jittered,
streets split into 25 m straight segments through slightly displaced vertices,
some streets missing, a few diagonal footpaths) crossed by a meandering river
that only bridges every ``--bridge-every`` columns cross — so walks must detour
to a bridge, as in a real county town.  Coordinates are WGS-84 around
112.5° E, 33.0° N (a county in Henan).

Formats: the project's ``.npz`` cache (what :func:`planner.engine.network.load_network`
reads fastest), OSM XML (``.osm``, ways tagged ``highway=residential``) and
osmnx GraphML (``.graphml``; slow to write and read beyond ~100 k nodes).

Examples
--------
::

    python benchmarks/make_network.py --nodes 100000 --out /tmp/grid100k --formats npz,osm
    python benchmarks/make_network.py --nodes 1000000 --out /tmp/grid1m --formats npz,osm

Large files belong in /tmp, never in the repository.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LON0, LAT0 = 112.5, 33.0
M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class Grid:
    """A synthetic street network as WGS-84 nodes and undirected segments."""

    node_id: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    u_id: np.ndarray
    v_id: np.ndarray
    ways: np.ndarray  # (streets, vertices) node-id chains, for the OSM XML writer

    @property
    def n_nodes(self) -> int:
        return int(self.node_id.size)


def make_grid(n_nodes: int, *, block: float = 100.0, per_side: int = 4, jitter: float = 12.0,
              bend: float = 3.0, drop: float = 0.06, diagonals: float = 0.03, bridge_every: int = 12,
              seed: int = 0) -> Grid:
    """A perturbed grid of about ``n_nodes`` nodes with a river and bridges.

    Streets between intersections are split into ``per_side`` straight segments
    (as OSM ways are, at every vertex of a slightly curved street), so nodes are
    about ``block / per_side`` metres apart along the streets, as in real
    walking networks.

    Parameters
    ----------
    n_nodes : int
        Approximate number of nodes (the grid is square).
    block : float
        Block size in metres (intersection spacing).
    per_side : int
        Straight segments per street between two intersections.
    jitter : float
        Standard deviation of the intersection displacement (metres).
    bend : float
        Standard deviation of the sideways displacement of street vertices (metres).
    drop : float
        Share of grid streets left out.
    diagonals : float
        Share of blocks crossed by a diagonal footpath.
    bridge_every : int
        Columns between two bridges over the river.
    seed : int
        Random seed (same seed, same network).
    """
    rng = np.random.default_rng(seed)
    k = max(int(per_side), 1)
    # each intersection brings itself and (k - 1) vertices on each of its two streets
    side = max(int(round(np.sqrt(n_nodes / (1 + 2 * (k - 1) * (1 - drop))))), 4)
    nx_, ny_ = side, side
    ii, jj = np.meshgrid(np.arange(nx_), np.arange(ny_), indexing="xy")  # jj = row, ii = column
    ii, jj = ii.ravel(), jj.ravel()
    x = ii * block + rng.normal(0.0, jitter, ii.size)
    y = jj * block + rng.normal(0.0, jitter, jj.size)
    node = np.arange(ii.size, dtype=np.int64).reshape(ny_, nx_)
    # the river: a meandering line between rows; vertical streets cross it only at bridges
    cols = np.arange(nx_)
    river_row = (ny_ / 2 + (ny_ / 8) * np.sin(cols / max(nx_, 1) * 2 * np.pi * 1.5)).astype(np.int64)
    river_row = np.clip(river_row, 1, ny_ - 2)

    h_u, h_v = node[:, :-1].ravel(), node[:, 1:].ravel()
    v_u, v_v = node[:-1, :].ravel(), node[1:, :].ravel()
    h_keep = rng.random(h_u.size) >= drop
    v_keep = rng.random(v_u.size) >= drop
    # vertical street from row r to r+1 in column c crosses the river when r == river_row[c]
    v_row = np.repeat(np.arange(ny_ - 1), nx_)
    v_col = np.tile(cols, ny_ - 1)
    crosses = v_row == river_row[v_col]
    bridge = (v_col % bridge_every) == (bridge_every // 2)
    v_keep &= ~crosses | bridge
    v_keep[crosses & bridge] = True
    # diagonal footpaths across some blocks (never across the river)
    d_u, d_v = node[:-1, :-1].ravel(), node[1:, 1:].ravel()
    d_row = np.repeat(np.arange(ny_ - 1), nx_ - 1)
    d_col = np.tile(np.arange(nx_ - 1), ny_ - 1)
    d_keep = (rng.random(d_u.size) < diagonals) & (d_row != river_row[d_col]) & (
        d_row != river_row[np.minimum(d_col + 1, nx_ - 1)])
    a = np.concatenate([h_u[h_keep], v_u[v_keep], d_u[d_keep]])
    b = np.concatenate([h_v[h_keep], v_v[v_keep], d_v[d_keep]])

    # split every street into k straight segments through slightly displaced vertices
    n_int = ii.size
    n_st = a.size
    t = np.arange(1, k) / k
    dx, dy = x[b] - x[a], y[b] - y[a]
    ln = np.hypot(dx, dy)
    nxp, nyp = -dy / ln, dx / ln  # unit normal
    off = rng.normal(0.0, bend, (n_st, k - 1))
    vx = x[a][:, None] + dx[:, None] * t + nxp[:, None] * off
    vy = y[a][:, None] + dy[:, None] * t + nyp[:, None] * off
    mid = n_int + np.arange(n_st * (k - 1)).reshape(n_st, k - 1)
    chains = np.column_stack([a, mid, b])  # (streets, k + 1) node positions
    x = np.concatenate([x, vx.ravel()])
    y = np.concatenate([y, vy.ravel()])
    u, v = chains[:, :-1].ravel(), chains[:, 1:].ravel()

    lat = LAT0 + y / M_PER_DEG_LAT
    lon = LON0 + x / (M_PER_DEG_LAT * np.cos(np.radians(LAT0)))
    ids = np.arange(1, x.size + 1, dtype=np.int64)  # OSM ids start at 1
    return Grid(ids, lon, lat, ids[u], ids[v], ids[chains])


def write_npz(grid: Grid, path: Path) -> Path:
    """The project's own cache format (through the normal network builder)."""
    from planner.engine.network import network_from_arrays, save_network

    net = network_from_arrays(grid.node_id, grid.lon, grid.lat, grid.u_id, grid.v_id,
                              source=str(path.with_suffix(".osm")))
    return save_network(net, path)


def write_osm(grid: Grid, path: Path) -> Path:
    """OSM XML with one ``highway=residential`` way per straight run of streets."""
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="make_network.py">\n')
        lat_s = np.char.mod("%.7f", grid.lat)
        lon_s = np.char.mod("%.7f", grid.lon)
        chunk = 200_000
        for s in range(0, grid.n_nodes, chunk):
            fh.write("".join(f' <node id="{i}" version="1" lat="{a}" lon="{o}"/>\n' for i, a, o in zip(
                grid.node_id[s:s + chunk].tolist(), lat_s[s:s + chunk].tolist(),
                lon_s[s:s + chunk].tolist(), strict=True)))
        wid = 1
        buf: list[str] = []
        for w in grid.ways.tolist():
            nds = "".join(f'  <nd ref="{r}"/>\n' for r in w)
            buf.append(f' <way id="{wid}" version="1">\n{nds}  <tag k="highway" v="residential"/>\n </way>\n')
            wid += 1
            if len(buf) >= 20_000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
        fh.write("</osm>\n")
    tmp.replace(path)
    return path


def write_graphml(grid: Grid, path: Path) -> Path:
    """osmnx GraphML (a MultiDiGraph in WGS-84 with metre ``length``; both directions)."""
    import networkx as nx
    import osmnx as ox
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    idx = np.searchsorted(grid.node_id, grid.u_id), np.searchsorted(grid.node_id, grid.v_id)
    _, _, length = geod.inv(grid.lon[idx[0]], grid.lat[idx[0]], grid.lon[idx[1]], grid.lat[idx[1]])
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_nodes_from((int(i), {"x": float(a), "y": float(b)}) for i, a, b in zip(
        grid.node_id.tolist(), grid.lon.tolist(), grid.lat.tolist(), strict=True))
    for a, b, w in zip(grid.u_id.tolist(), grid.v_id.tolist(), np.abs(length).tolist(), strict=True):
        G.add_edge(a, b, length=w, highway="residential", oneway=False, reversed=False)
        G.add_edge(b, a, length=w, highway="residential", oneway=False, reversed=True)
    ox.save_graphml(G, path)
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000, help="approximate number of nodes")
    ap.add_argument("--out", required=True, help="output path without suffix, e.g. /tmp/grid100k")
    ap.add_argument("--formats", default="npz,osm", help="comma-separated: npz, osm, graphml")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bridge-every", type=int, default=12)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    grid = make_grid(args.nodes, seed=args.seed, bridge_every=args.bridge_every)
    print(f"grid: {grid.n_nodes:,} nodes, {grid.u_id.size:,} segments, {len(grid.ways):,} ways "
          f"({time.perf_counter() - t0:.1f} s)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    writers = {"npz": write_npz, "osm": write_osm, "graphml": write_graphml}
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        if fmt not in writers:
            raise SystemExit(f"unknown format {fmt!r}; use npz, osm or graphml")
        t0 = time.perf_counter()
        p = writers[fmt](grid, out.with_suffix(f".{fmt}"))
        print(f"wrote {p} ({p.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()

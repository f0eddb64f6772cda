"""The walking network as compact arrays.

Every network, whatever its source (``.osm.pbf``, ``.osm`` XML, osmnx GraphML,
an osmnx download), becomes a :class:`WalkNetwork`: node coordinates in a local
metric CRS and **straight segments** between them (curved ways are split at
every vertex).  Straight segments make snapping a point onto the street and the
partly reached last stretch of an edge exact and cheap.  Only walkable ways are
kept, and only the largest connected component; what was dropped is reported.

Loading is the slow part of the whole job (routing is cheap), so every network
read from a file is cached on disk in the project's own ``.npz`` format and
read back from there next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import scipy.sparse as sp
import shapely

from planner._errors import NetworkError, PlannerWarning, warn
from planner._util import (
    atomic_path,
    cache_dir,
    component_labels,
    sha256_bytes,
    sha256_file,
    transformer,
)
from planner.engine.chains import (
    CHAIN_ARRAYS,
    ChainGraph,
    build_chain_graph,
    chain_graph_from_arrays,
    symmetric_csr,
)
from planner.text import tr

log = logging.getLogger(__name__)

CACHE_VERSION = 1
NETWORK_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".xml", ".graphml", ".npz", ".gpkg", ".geojson", ".json",
                    ".shp", ".zip")

# Ways a pedestrian may use (cf. osmnx's "walk" filter): roads with sidewalks or
# shoulders, paths, steps.  Motorways, cycleways and ways under construction are not.
WALKABLE_HIGHWAYS = frozenset({
    "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
    "tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service",
    "road", "pedestrian", "footway", "path", "steps", "track", "corridor", "bridleway",
    "crossing", "elevator",
})
_NO_FOOT = frozenset({"no", "private"})
MIN_EDGE_LENGTH = 1e-3  # metres: scipy reads a zero weight as "no edge"
DEFAULT_CLIP_BUFFER = 2000.0
"""Metres of street kept around the study area when a ``.osm.pbf`` is clipped (beyond a 15-minute walk)."""
PBF_SUFFIXES = (".osm.pbf", ".pbf")
ROAD_LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip")


@dataclass(frozen=True)
class NetworkReport:
    """What loading kept and dropped."""

    source: str
    n_nodes: int
    n_edges: int
    dropped_nodes: int = 0
    dropped_edges: int = 0
    n_components: int = 1
    from_cache: bool = False
    clip: tuple[float, float, float, float] | None = None
    """The lon/lat box a large extract was clipped to (``None``: the whole file was read)."""
    ways_kept: int = -1
    """Walkable ways with a stretch inside :attr:`clip` (-1: not counted)."""
    ways_total: int = -1
    """Walkable ways in the whole file (-1: not counted)."""

    def summary(self, lang: str = "en") -> str:
        """One line for logs and the app (with what clipping kept, when the file was clipped)."""
        text = tr("engine.network_summary", lang, n_nodes=self.n_nodes, n_edges=self.n_edges,
                  pieces=self.n_components - 1, dropped=self.dropped_nodes)
        if self.clip is not None:
            text += tr("engine.network_clipped", lang, box=", ".join(f"{v:.4f}" for v in self.clip))
            if self.ways_total >= 0:
                text += tr("engine.network_clipped_ways", lang, kept=self.ways_kept, total=self.ways_total)
        return text


@dataclass(frozen=True, eq=False)
class WalkNetwork:
    """An undirected walking network of straight segments in a metric CRS.

    Attributes
    ----------
    crs : str
        The projected CRS of ``x``/``y`` (WKT or ``EPSG:code``).
    node_id : ndarray of int64
        Source ids (OSM node ids; negative for vertices created by splitting).
    x, y : ndarray of float64
        Node coordinates (metres).
    u, v : ndarray of int32
        Segment end nodes, as positions in the node arrays.
    length : ndarray of float64
        Segment lengths (metres).
    report : NetworkReport
    """

    crs: str
    node_id: np.ndarray
    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    report: NetworkReport = field(default_factory=lambda: NetworkReport("memory", 0, 0))

    def __getstate__(self) -> dict:
        # pickle the arrays only: the CSR, junction graph, geometries and index are rebuilt on use
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.x.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of straight segments."""
        return int(self.u.shape[0])

    @cached_property
    def csr(self) -> sp.csr_matrix:
        """Symmetric sparse adjacency (metres), shortest of any parallel segments kept."""
        return symmetric_csr(self.n_nodes, self.u, self.v, self.length)

    @cached_property
    def chains(self) -> ChainGraph:
        """Junctions and the chains of segments between them (the graph searches run on)."""
        return build_chain_graph(self.n_nodes, self.u, self.v, self.length)

    @cached_property
    def segments(self) -> np.ndarray:
        """Shapely LineStrings of the segments (projected)."""
        coords = np.empty((self.n_edges, 2, 2))
        coords[:, 0, 0], coords[:, 0, 1] = self.x[self.u], self.y[self.u]
        coords[:, 1, 0], coords[:, 1, 1] = self.x[self.v], self.y[self.v]
        return shapely.linestrings(coords)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index over :attr:`segments`."""
        return shapely.STRtree(self.segments)

    @cached_property
    def transformer_to_lonlat(self) -> pyproj.Transformer:
        """Projected CRS → WGS-84 lon/lat."""
        return transformer(self.crs, "EPSG:4326")

    @cached_property
    def transformer_from_lonlat(self) -> pyproj.Transformer:
        """WGS-84 lon/lat → projected CRS."""
        return transformer("EPSG:4326", self.crs)

    def project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """WGS-84 lon/lat (degrees) → network x/y (metres)."""
        return self.transformer_from_lonlat.transform(np.asarray(lon, float), np.asarray(lat, float))

    def lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Node lon/lat in WGS-84 (degrees)."""
        return self.transformer_to_lonlat.transform(self.x, self.y)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in the projected CRS."""
        return (float(self.x.min()), float(self.y.min()), float(self.x.max()), float(self.y.max()))

    def edges_frame(self):
        """Segments as a GeoDataFrame in the projected CRS (for maps and checks)."""
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {"u": self.node_id[self.u], "v": self.node_id[self.v], "length": self.length},
            geometry=self.segments, crs=self.crs,
        )


# ---------------------------------------------------------------------------
# building from plain arrays


def network_from_arrays(
    node_id: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    u_id: np.ndarray,
    v_id: np.ndarray,
    *,
    crs: str | pyproj.CRS | None = None,
    source: str = "memory",
    largest_component: bool = True,
) -> WalkNetwork:
    """Build a :class:`WalkNetwork` from node lon/lat and segment end ids.

    Parameters
    ----------
    node_id, lon, lat : array-like
        Node ids and WGS-84 coordinates (degrees).
    u_id, v_id : array-like
        The node ids at the two ends of each straight segment.
    crs : str or pyproj.CRS, optional
        Metric CRS to work in; chosen automatically (UTM or CGCS2000
        Gauss–Krüger) when omitted.
    source : str
        Where the data came from, for the report.
    largest_component : bool
        Keep only the largest connected component (default).

    Returns
    -------
    WalkNetwork
    """
    node_id = np.asarray(node_id, dtype=np.int64)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if node_id.size == 0 or len(u_id) == 0:
        raise NetworkError("the network has no walkable streets", path=source,
                           hint="check that the file covers the study area and has highway=* ways",
                           code="network_no_streets", params={})
    if crs is None:
        from planner.io.crs import local_metric_crs

        crs = local_metric_crs(float(np.nanmean(lon)), float(np.nanmean(lat)))
    crs = pyproj.CRS.from_user_input(crs)
    crs_str = crs.to_string() if crs.to_epsg() is None else f"EPSG:{crs.to_epsg()}"
    x, y = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    x, y = np.asarray(x, float), np.asarray(y, float)

    order = np.argsort(node_id, kind="stable")
    sorted_ids = node_id[order]
    if np.any(sorted_ids[1:] == sorted_ids[:-1]):
        raise NetworkError("duplicate node ids in the network", path=source,
                           code="network_duplicate_nodes", params={})
    ui = np.searchsorted(sorted_ids, np.asarray(u_id, dtype=np.int64))
    vi = np.searchsorted(sorted_ids, np.asarray(v_id, dtype=np.int64))
    ui = np.clip(ui, 0, len(sorted_ids) - 1)
    vi = np.clip(vi, 0, len(sorted_ids) - 1)
    ok = (sorted_ids[ui] == np.asarray(u_id)) & (sorted_ids[vi] == np.asarray(v_id))
    u, v = order[ui[ok]], order[vi[ok]]
    loops = u == v
    u, v = u[~loops], v[~loops]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    length = np.maximum(length, MIN_EDGE_LENGTH)
    # one segment per node pair (directed sources list both directions)
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((length, hi, lo))
    lo, hi, length = lo[order], hi[order], length[order]
    first = np.ones(lo.size, dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    u, v, length = lo[first], hi[first], length[first]

    # drop nodes no segment uses, then all but the largest component
    used = np.zeros(node_id.size, dtype=bool)
    used[u] = True
    used[v] = True
    n_comp = 1
    dropped_nodes = int(node_id.size - used.sum())
    dropped_edges = 0
    if largest_component and u.size:
        labels = component_labels(node_id.size, u, v)
        sizes = np.bincount(labels[used], minlength=int(labels.max()) + 1)
        main = int(np.argmax(sizes))
        n_comp = int((sizes > 0).sum())
        keep_node = used & (labels == main)
        keep_edge = keep_node[u]
        dropped_nodes = int(node_id.size - keep_node.sum())
        dropped_edges = int(u.size - keep_edge.sum())
        used = keep_node
        u, v, length = u[keep_edge], v[keep_edge], length[keep_edge]
    new_index = np.full(node_id.size, -1, dtype=np.int64)
    new_index[used] = np.arange(int(used.sum()))
    report = NetworkReport(
        source=source, n_nodes=int(used.sum()), n_edges=int(u.size),
        dropped_nodes=dropped_nodes, dropped_edges=dropped_edges, n_components=n_comp,
    )
    if report.dropped_nodes:
        log.info("%s", report.summary())
    return WalkNetwork(
        crs=crs_str,
        node_id=node_id[used],
        x=x[used],
        y=y[used],
        u=new_index[u].astype(np.int32),
        v=new_index[v].astype(np.int32),
        length=length,
        report=report,
    )


def network_from_lines(
    lines, *, crs: str | pyproj.CRS | None = None, source: str = "lines",
    largest_component: bool = True,
) -> WalkNetwork:
    """Build a network from LineStrings in WGS-84 (a GeoSeries or array).

    Vertices with identical coordinates (to 1e-7 degrees) become one node, so
    lines that meet at a shared vertex are connected.  Each line is split at
    every vertex into straight segments.
    """
    geoms = np.asarray(getattr(lines, "values", lines))
    geoms = shapely.get_parts(geoms[~shapely.is_empty(geoms)])
    coords, line_idx = shapely.get_coordinates(geoms, return_index=True)
    if coords.shape[0] == 0:
        raise NetworkError("no lines to build a network from", path=source, code="network_no_lines",
                           params={})
    key = np.round(coords * 1e7).astype(np.int64)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    same_line = line_idx[1:] == line_idx[:-1]
    u_id = inverse[:-1][same_line]
    v_id = inverse[1:][same_line]
    ids = np.arange(uniq.shape[0], dtype=np.int64)
    return network_from_arrays(ids, uniq[:, 0] / 1e7, uniq[:, 1] / 1e7, u_id, v_id, crs=crs,
                               source=source, largest_component=largest_component)


def network_from_graph(G, *, crs=None, source: str = "graph", largest_component: bool = True) -> WalkNetwork:
    """Build a network from an osmnx/networkx graph in WGS-84 (``x``/``y`` node attributes).

    Edges with a ``geometry`` attribute are split at every vertex; the new
    interior vertices get negative ids.

    Parameters
    ----------
    G : networkx graph
        E.g. ``osmnx.graph_from_place(..., network_type="walk")``.  A
        projected graph (``G.graph["crs"]``) is converted back to WGS-84.
    crs : optional
        Metric CRS to work in; chosen automatically when omitted.
    source : str
        Where the graph came from, for the report.
    largest_component : bool
        Keep only the largest connected component (default).

    Returns
    -------
    WalkNetwork

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(crs="EPSG:4326")
    >>> G.add_node(1, x=0.0, y=0.0)
    >>> G.add_node(2, x=0.001, y=0.0)
    >>> G.add_node(3, x=0.001, y=0.001)
    >>> _ = G.add_edge(1, 2, highway="footway")
    >>> _ = G.add_edge(2, 3, highway="residential")
    >>> net = network_from_graph(G, crs="EPSG:32631")
    >>> net.n_nodes, net.n_edges, round(float(net.length.sum()))
    (3, 2, 222)
    """
    if G.number_of_nodes() == 0:
        raise NetworkError("the graph has no nodes", path=source, code="network_graph_empty", params={})
    graph_crs = G.graph.get("crs", "EPSG:4326")
    ids = np.fromiter((int(n) for n in G.nodes), dtype=np.int64, count=G.number_of_nodes())
    xs = np.array([float(d["x"]) for _, d in G.nodes(data=True)])
    ys = np.array([float(d["y"]) for _, d in G.nodes(data=True)])
    if pyproj.CRS.from_user_input(graph_crs).is_projected:
        xs, ys = pyproj.Transformer.from_crs(graph_crs, "EPSG:4326", always_xy=True).transform(xs, ys)
        xs, ys = np.asarray(xs), np.asarray(ys)
    lookup = dict(zip(ids.tolist(), zip(xs.tolist(), ys.tolist(), strict=True), strict=True))
    next_id = -1
    extra: dict[tuple[int, int], int] = {}
    extra_xy: list[tuple[float, float]] = []
    us: list[int] = []
    vs: list[int] = []
    seen: set[tuple[int, int]] = set()
    for a, b, data in G.edges(data=True):
        pair = (min(int(a), int(b)), max(int(a), int(b)))
        geom = data.get("geometry")
        if geom is None:
            if pair in seen:
                continue
            seen.add(pair)
            us.append(int(a))
            vs.append(int(b))
            continue
        pts = np.asarray(geom.coords)[:, :2]
        if pyproj.CRS.from_user_input(graph_crs).is_projected:
            px, py = pyproj.Transformer.from_crs(graph_crs, "EPSG:4326", always_xy=True).transform(
                pts[:, 0], pts[:, 1])
            pts = np.column_stack([px, py])
        chain = [int(a)]
        for px, py in pts[1:-1]:
            k = (round(px * 1e7), round(py * 1e7))
            if k not in extra:
                extra[k] = next_id
                extra_xy.append((px, py))
                next_id -= 1
            chain.append(extra[k])
        chain.append(int(b))
        # geometry may run from v to u
        if pts.shape[0] >= 2 and np.hypot(*(pts[0] - np.array(lookup[int(a)]))) > np.hypot(
            *(pts[-1] - np.array(lookup[int(a)]))
        ):
            chain = [int(a)] + chain[1:-1][::-1] + [int(b)]
        us.extend(chain[:-1])
        vs.extend(chain[1:])
    all_ids = np.concatenate([ids, np.array(list(extra.values()), dtype=np.int64)])
    exy = np.array(extra_xy).reshape(-1, 2)
    return network_from_arrays(all_ids, np.concatenate([xs, exy[:, 0]]), np.concatenate([ys, exy[:, 1]]),
                               np.array(us), np.array(vs), crs=crs, source=source,
                               largest_component=largest_component)


# ---------------------------------------------------------------------------
# readers


def _walkable(tags: dict[str, str]) -> bool:
    hw = tags.get("highway")
    if hw not in WALKABLE_HIGHWAYS:
        return False
    if tags.get("foot") in _NO_FOOT:
        return False
    if tags.get("access") in _NO_FOOT and tags.get("foot") not in ("yes", "designated", "permissive"):
        return False
    return tags.get("area") != "yes" or hw == "pedestrian"


def read_osm_xml(path: str | Path, *, crs=None, largest_component: bool = True) -> WalkNetwork:
    """Read walkable ways from an OSM XML file (``.osm``).

    Ways are split into straight segments between consecutive nodes; references
    to nodes missing from a clipped extract are dropped (the way is cut there).
    """
    path = Path(path)
    node_ids: list[int] = []
    node_lon: list[float] = []
    node_lat: list[float] = []
    pairs_u: list[int] = []
    pairs_v: list[int] = []
    try:
        for _, elem in ET.iterparse(str(path), events=("end",)):
            tag = elem.tag
            if tag == "node":
                get = elem.get
                node_ids.append(int(get("id")))
                node_lon.append(float(get("lon")))
                node_lat.append(float(get("lat")))
                elem.clear()
            elif tag == "way":
                tags = {t.get("k"): t.get("v") for t in elem.iterfind("tag")}
                if _walkable(tags):
                    refs = [int(nd.get("ref")) for nd in elem.iterfind("nd")]
                    pairs_u.extend(refs[:-1])
                    pairs_v.extend(refs[1:])
                elem.clear()
            elif tag == "relation":
                elem.clear()
    except ET.ParseError as exc:
        raise NetworkError(f"not a valid OSM XML file ({exc})", path=path,
                           hint="export .osm from JOSM/Overpass or use .osm.pbf or .graphml",
                           code="network_osm_xml", params={"detail": str(exc)}) from exc
    u = np.array(pairs_u, dtype=np.int64)
    v = np.array(pairs_v, dtype=np.int64)
    ids = np.array(node_ids, dtype=np.int64)
    lon_all = np.array(node_lon, dtype=float)
    lat_all = np.array(node_lat, dtype=float)
    del node_ids, node_lon, node_lat, pairs_u, pairs_v
    # a node listed twice: the last one counts (as a dict would keep it)
    order = np.argsort(ids, kind="stable")
    sid = ids[order]
    last = np.ones(sid.size, dtype=bool)
    last[:-1] = sid[1:] != sid[:-1]
    sid, order = sid[last], order[last]

    def known(a: np.ndarray) -> np.ndarray:
        pos = np.clip(np.searchsorted(sid, a), 0, max(sid.size - 1, 0))
        return (sid[pos] == a) if sid.size else np.zeros(a.size, dtype=bool)

    present = known(u) & known(v)
    if not present.any():
        raise NetworkError("no walkable ways (highway=*) with their nodes in the file", path=path,
                           hint="check the extract covers the study area", code="network_osm_no_ways",
                           params={})
    u, v = u[present], v[present]
    used = np.unique(np.concatenate([u, v]))
    at = order[np.searchsorted(sid, used)]
    return network_from_arrays(used, lon_all[at], lat_all[at], u, v, crs=crs, source=str(path),
                               largest_component=largest_component)


def read_osm_pbf(path: str | Path, *, crs=None, largest_component: bool = True) -> WalkNetwork:
    """Read the walking network of an ``.osm.pbf`` extract with pyrosm."""
    import pyrosm

    path = Path(path)
    try:
        osm = pyrosm.OSM(str(path))
        nodes, edges = osm.get_network(network_type="walking", nodes=True)
    except Exception as exc:  # pyrosm raises many kinds on corrupt input
        raise NetworkError(f"could not read the .osm.pbf file ({exc})", path=path,
                           hint="check the file is a complete OpenStreetMap PBF extract",
                           code="network_pbf_unreadable", params={"detail": str(exc)}) from exc
    if edges is None or len(edges) == 0:
        raise NetworkError("no walkable ways in the file", path=path, code="network_pbf_no_ways", params={})
    # pyrosm splits ways at every node: each edge is one straight segment
    coords = shapely.get_coordinates(edges.geometry.values)
    counts = shapely.get_num_coordinates(edges.geometry.values)
    if np.all(counts == 2):
        return network_from_arrays(nodes["id"].to_numpy(), nodes["lon"].to_numpy(),
                                   nodes["lat"].to_numpy(), edges["u"].to_numpy(),
                                   edges["v"].to_numpy(), crs=crs, source=str(path),
                                   largest_component=largest_component)
    del coords
    return network_from_lines(edges.geometry, crs=crs, source=str(path),
                              largest_component=largest_component)


def read_graphml(path: str | Path, *, crs=None, largest_component: bool = True) -> WalkNetwork:
    """Read an osmnx GraphML file."""
    import osmnx as ox

    path = Path(path)
    try:
        G = ox.load_graphml(path)
    except Exception as exc:
        raise NetworkError(f"could not read the GraphML file ({exc})", path=path,
                           hint="save it with osmnx.save_graphml", code="network_graphml",
                           params={"detail": str(exc)}) from exc
    return network_from_graph(G, crs=crs, source=str(path), largest_component=largest_component)


def save_network(net: WalkNetwork, path: str | Path, *, with_chains: bool = True,
                 source_key: str = "", issued: tuple[PlannerWarning, ...] = ()) -> Path:
    """Write the project's compact cache format (``.npz``), atomically, with a digest.

    With ``with_chains`` the junction graph (:attr:`WalkNetwork.chains`) is
    stored too, so it is not rebuilt on first use after loading (1.2 s at 1 M
    nodes); it is built now if it was not yet.  ``source_key`` (the source
    file's digest, CRS and cache version) is stored and checked on load, and
    so is a SHA-256 of every array (:func:`read_npz`).  ``issued``: the
    warnings reading the source gave (e.g. what noding a road layer changed),
    stored so a load from the cache repeats them.
    """
    path = Path(path)
    extra: dict[str, np.ndarray] = {}
    if with_chains:
        g = net.chains
        extra = {f"chains_{k}": getattr(g, k) for k in CHAIN_ARRAYS}
        extra.update(chains_csr_data=g.csr.data, chains_csr_indices=g.csr.indices,
                     chains_csr_indptr=g.csr.indptr)
    arrays: dict[str, Any] = dict(
        version=np.array(CACHE_VERSION), crs=np.array(net.crs), node_id=net.node_id,
        x=net.x, y=net.y, u=net.u, v=net.v, length=net.length,
        report=np.array([net.report.n_components, net.report.dropped_nodes, net.report.dropped_edges]),
        source=np.array(net.report.source), source_key=np.array(source_key), **extra,
    )
    rep = net.report
    if rep.clip is not None:
        arrays["clip"] = np.array([*rep.clip, rep.ways_kept, rep.ways_total], dtype=float)
    if issued:
        arrays["issued"] = np.array(json.dumps([_warning_record(w) for w in issued], ensure_ascii=False,
                                               default=str))
    # a unique temporary name: two processes building the same cache must not write one file
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, digest=np.array(_digest(arrays)), **arrays)
    return path


def _warning_record(w: PlannerWarning) -> dict[str, Any]:
    return {"message": w.message, "code": w.code, "rows": list(w.rows), "params": w.params,
            "hint": w.hint, "path": w.path}


def _reissue(stored: str) -> None:
    """Issue again the warnings stored with a cache (reading from the cache says what reading the source said)."""
    for rec in json.loads(stored):
        warnings.warn(PlannerWarning(rec["message"], code=rec["code"], rows=rec["rows"], params=rec["params"],
                                     hint=rec["hint"], path=rec["path"]), stacklevel=3)


def _digest(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every stored array (names, dtypes, shapes and bytes), in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _check_lengths(net: WalkNetwork) -> None:
    """Segments are straight: each length equals its ends' distance (a cache cannot shorten walks)."""
    straight = np.hypot(net.x[net.u] - net.x[net.v], net.y[net.u] - net.y[net.v])
    if not np.allclose(net.length, np.maximum(straight, MIN_EDGE_LENGTH), rtol=1e-6, atol=1e-3):
        raise NetworkError("segment lengths in the network cache do not match its coordinates",
                           code="cache_lengths")


def read_npz(path: str | Path, *, source_key: str | None = None) -> WalkNetwork:
    """Read a network written by :func:`save_network` (with its junction graph when stored).

    The stored digest of the arrays must match them, segment lengths must
    match their coordinates, and with ``source_key`` the file must have been
    built from that source; otherwise :class:`NetworkError` (a changed,
    truncated or foreign cache is never used).
    """
    path = Path(path)
    try:
        # our own handle: np.load leaves the file open when it is not a whole zip (a truncated cache)
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
            if int(z["version"]) != CACHE_VERSION:
                raise NetworkError("network cache from another version", path=path,
                                   hint="delete it; it is rebuilt from the source file",
                                   code="network_cache_version", params={})
            arrays = {k: z[k] for k in z.files if k != "digest"}
            if "digest" not in z.files or str(z["digest"]) != _digest(arrays):
                raise NetworkError("network cache does not match its digest (changed or damaged)",
                                   path=path, code="cache_digest")
            if source_key is not None and str(arrays.get("source_key", "")) != source_key:
                raise NetworkError("network cache was built from another source", path=path,
                                   code="cache_source")
            rep = z["report"]
            clip = z["clip"].tolist() if "clip" in z.files else None
            report = NetworkReport(str(z["source"]), int(z["x"].shape[0]), int(z["u"].shape[0]),
                                   int(rep[1]), int(rep[2]), int(rep[0]), from_cache=True,
                                   clip=tuple(clip[:4]) if clip else None,
                                   ways_kept=int(clip[4]) if clip else -1,
                                   ways_total=int(clip[5]) if clip else -1)
            net = WalkNetwork(str(z["crs"]), z["node_id"], z["x"], z["y"], z["u"], z["v"],
                              z["length"], report)
            _check_lengths(net)
            if "chains_csr_indptr" in z.files:
                _attach_chains(net, _stored_chains(z, net.n_nodes))
            if "issued" in z.files:
                net.__dict__["_issued"] = str(z["issued"])  # repeated by load_network on a cache hit
            return net
    except NetworkError as exc:
        exc.path = exc.path or str(path)
        raise
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise NetworkError(f"unreadable network cache ({exc})", path=path, code="cache_unreadable") from exc


def _stored_chains(z, n_nodes: int) -> ChainGraph:
    """The junction graph stored by :func:`save_network`."""
    arrays = {k: z[f"chains_{k}"] for k in CHAIN_ARRAYS}
    return chain_graph_from_arrays(arrays, z["chains_csr_data"], z["chains_csr_indices"],
                                   z["chains_csr_indptr"])


def _attach_chains(net: WalkNetwork, chains: ChainGraph) -> WalkNetwork:
    """Set the cached :attr:`WalkNetwork.chains` of a frozen network."""
    net.__dict__["chains"] = chains  # cached_property reads the instance dict first
    return net


def _cache_key(path: Path, crs, extra: str = "") -> str:
    return sha256_file(path, extra=f"|{crs}|{CACHE_VERSION}{extra}".encode())[:24]


def area_bounds(area: Any) -> tuple[float, float, float, float] | None:
    """The study area's WGS-84 (minlon, minlat, maxlon, maxlat), from bounds or a layer.

    Parameters
    ----------
    area : tuple, GeoDataFrame, GeoSeries or None
        Four lon/lat bounds, or a layer with a CRS (converted to WGS-84).

    Examples
    --------
    >>> area_bounds((117.0, 29.0, 117.1, 29.1))
    (117.0, 29.0, 117.1, 29.1)
    >>> area_bounds(None) is None
    True
    """
    if area is None:
        return None
    if hasattr(area, "total_bounds"):
        if len(area) == 0:
            return None
        if area.crs is not None:
            area = area.to_crs("EPSG:4326")
        area = area.total_bounds
    box = tuple(float(v) for v in area)
    if len(box) != 4 or not all(np.isfinite(box)) or box[0] > box[2] or box[1] > box[3]:
        # the area is any object (a tuple, an array): its repr is the value shown
        raise NetworkError(f"the study area must be (minlon, minlat, maxlon, maxlat), got {area!r}",
                           code="network_area", params={"area": repr(area)})
    return (box[0], box[1], box[2], box[3])


def load_network(path: str | Path, *, crs=None, use_cache: bool = True,
                 road_options: Mapping[str, Any] | None = None, area: Any = None,
                 buffer_m: float = DEFAULT_CLIP_BUFFER) -> WalkNetwork:
    """Load a walking network from a file, with an on-disk cache.

    Parameters
    ----------
    path : str or Path
        ``.osm.pbf``, ``.osm`` (XML), ``.graphml`` (osmnx), road centre lines
        (``.shp``, zipped ``.zip``, ``.gpkg``, ``.geojson``) or ``.npz`` (this
        project's cache format).
    crs : optional
        Metric CRS to work in; chosen automatically when omitted.
    use_cache : bool
        Read and write the cache in :func:`cache_dir` (keyed by the file's
        content and how it is read), so the slow parse happens once per file.
    road_options : mapping, optional
        For road centre-line layers (.shp, .zip, .gpkg, .geojson): keyword
        arguments of :func:`planner.io.roads.read_road_network`, e.g.
        ``{"tolerance": 2.0, "road_classes": "classes.toml"}``.  Such layers
        are noded once and cached; the cache key covers every file of a
        shapefile (.shp, .shx, .dbf, .prj, .cpg), these options, the road-class
        table and the code version (:func:`planner.io.roads.road_cache_key`).
    area : tuple or GeoDataFrame, optional
        The study area (lon/lat bounds, or a layer such as the boundaries).
        A ``.osm.pbf`` is then clipped to its bounding box plus ``buffer_m``
        before it is parsed (:func:`planner.io.roads.read_osm_pbf_area`), so a
        provincial extract used for one county needs little memory.  Other
        kinds of network are read whole.
    buffer_m : float
        Metres added around ``area`` (default 2 km, beyond a 15-minute walk);
        0 or less reads the whole file.

    Returns
    -------
    WalkNetwork
        ``report.from_cache`` tells whether the cache was used;
        ``report.clip`` the box a ``.osm.pbf`` was clipped to.

    Raises
    ------
    NetworkError
        If the file is missing, of an unknown kind, unreadable or has no
        walkable streets.

    Examples
    --------
    >>> from planner.demo.county import demo_paths
    >>> net = load_network(demo_paths().network)
    >>> net.n_nodes, net.n_edges, net.crs
    (1845, 2249, 'EPSG:4548')
    """
    path = Path(path)
    if not path.is_file():
        raise NetworkError("network file not found", path=path,
                           hint=f"pass an existing file ({', '.join(NETWORK_SUFFIXES)})",
                           code="network_not_found", params={"suffixes": ", ".join(NETWORK_SUFFIXES)})
    name = path.name.lower()
    if name.endswith(".npz"):
        return read_npz(path)
    if path.stat().st_size == 0:
        raise NetworkError("the network file is empty", path=path, code="network_empty_file", params={})
    key: str | None = None
    if name.endswith(ROAD_LAYER_SUFFIXES):
        # road centre lines (survey, master plan): noded by planner.io.roads, cached like the others
        from planner.io.roads import read_road_network, road_cache_key

        opts = dict(road_options or {})
        if use_cache:
            key = road_cache_key(path, crs=crs, **opts)

        def build() -> WalkNetwork:
            return read_road_network(path, crs=crs, **opts)
    elif name.endswith(PBF_SUFFIXES):
        bounds = area_bounds(area)
        if bounds is not None and buffer_m > 0:
            from planner.io.roads import area_bbox, read_osm_pbf_area

            b = [round(v, 6) for v in area_bbox(bounds, buffer_m)]
            box = (b[0], b[1], b[2], b[3])
            # the clip box is part of the key: another study area never reuses this cache
            key = _cache_key(path, crs, f"|clip|{box}") if use_cache else None

            def build() -> WalkNetwork:
                return read_osm_pbf_area(path, box, buffer_m=0.0, crs=crs)
        else:
            key = _cache_key(path, crs) if use_cache else None

            def build() -> WalkNetwork:
                return read_osm_pbf(path, crs=crs)
    elif name.endswith((".osm", ".xml", ".graphml")):
        reader = read_graphml if name.endswith(".graphml") else read_osm_xml
        key = _cache_key(path, crs) if use_cache else None

        def build() -> WalkNetwork:
            return reader(path, crs=crs)
    else:
        raise NetworkError(f"unsupported network file type {path.suffix!r}", path=path,
                           hint=f"use one of {', '.join(NETWORK_SUFFIXES)}", code="network_suffix",
                           params={"suffix": path.suffix, "suffixes": ", ".join(NETWORK_SUFFIXES)})
    return _through_cache(path, key, build)


def _through_cache(path: Path, key: str | None, build) -> WalkNetwork:
    """The network from the cache file named ``key`` when it is sound, else ``build()`` and cache it.

    Warnings issued while building (e.g. what noding changed) are stored
    with the cache and issued again when it is used.
    """
    cached = None if key is None else cache_dir() / "networks" / f"{key}.npz"
    if cached is not None and cached.is_file():
        try:
            net = read_npz(cached, source_key=key)
            out = WalkNetwork(net.crs, net.node_id, net.x, net.y, net.u, net.v, net.length,
                              replace(net.report, source=str(path), from_cache=True))
            if "chains" in net.__dict__:
                _attach_chains(out, net.chains)
            if "_issued" in net.__dict__:
                _reissue(net.__dict__["_issued"])
            return out
        except NetworkError as exc:
            # never trust a damaged or changed cache: say so, delete it, rebuild from the source
            warn(f"network cache {cached.name} was not used ({exc.message}); rebuilt from {path.name}",
                 code="cache_rebuilt", params={"cache": cached.name, "source": path.name},
                 stacklevel=3)
            cached.unlink(missing_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        net = build()
    issued = []
    for w in caught:  # pass every warning on, as if not caught
        if isinstance(w.message, PlannerWarning):
            issued.append(w.message)
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if cached is not None:
        try:
            save_network(net, cached, source_key=str(key), issued=tuple(issued))
        except OSError as exc:  # a read-only home must not stop the analysis
            log.warning("could not write network cache %s: %s", cached, exc)
    return net


def download_network(
    place: str | None = None, *, polygon=None, crs=None, use_cache: bool = True
) -> WalkNetwork:
    """Download the walking network of a place or polygon with osmnx (online only).

    The GraphML is cached in :func:`cache_dir` keyed by the request, so a
    second call works offline.

    Parameters
    ----------
    place : str, optional
        A place name osmnx can geocode (e.g. "Wolong District, Nanyang, China").
    polygon : shapely Polygon, optional
        The area in WGS-84, instead of ``place``.
    """
    import osmnx as ox

    if (place is None) == (polygon is None):
        raise NetworkError("give exactly one of place or polygon", code="network_place_or_polygon",
                           params={})
    key = sha256_bytes(f"{place}|{getattr(polygon, 'wkt', None)}".encode())[:24]
    target = cache_dir() / "downloads" / f"{key}.graphml"
    if use_cache and target.is_file():
        return load_network(target, crs=crs)
    try:
        if place is not None:
            G = ox.graph_from_place(place, network_type="walk", simplify=False, retain_all=False)
        else:
            G = ox.graph_from_polygon(polygon, network_type="walk", simplify=False, retain_all=False)
    except Exception as exc:
        raise NetworkError(f"download failed ({exc})",
                           hint="check the internet connection and the place name, or load a local .osm.pbf file",
                           code="network_download", params={"detail": str(exc)}) from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    ox.save_graphml(G, target)
    if use_cache:  # builds the compact cache too, so the next call is fast and offline
        return load_network(target, crs=crs)
    return network_from_graph(G, crs=crs, source=f"osmnx:{place or 'polygon'}")

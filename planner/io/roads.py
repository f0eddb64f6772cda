"""Road centre-line layers (survey or master-plan line work) as a walking network.

A county planning office holds road centre lines as a shapefile (often zipped,
GBK attributes, CGCS2000), a GeoPackage or GeoJSON.  :func:`read_road_network`
reads such a layer in any CRS, keeps the walkable roads (by a road-class
column and an editable table, :func:`load_road_classes`), gives bridges and
tunnels their level, nodes the line work (:func:`planner.engine.noding.node_lines`)
and returns a :class:`~planner.engine.network.WalkNetwork`, the same as an
OpenStreetMap extract gives.

Recognised columns (names matched ignoring case, spaces and underscores; see
``ROAD_COLUMN_ALIASES`` in :mod:`planner.text.roads`):

* road class: 道路等级, 等级, DLDJ, 道路类型, fclass, highway, class ...;
* level: layer, 层 (an integer, OSM style); bridge/桥梁 and tunnel/隧道 (yes/no,
  是/否, T/F, 1/0): a bridge is level 1 and a tunnel -1 unless ``layer`` says more.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from planner._errors import CRSError, InputError, NetworkError, warn
from planner.engine.network import WalkNetwork, network_from_arrays
from planner.engine.noding import DEFAULT_TOLERANCE, NodingReport, node_lines
from planner.io.columns import guess_columns, normalise_column_name
from planner.io.crs import local_metric_crs_for, set_layer_crs
from planner.io.files import SUPPORTED_LAYER_SUFFIXES, name_placeholder, read_layer
from planner.io.problems import arg_params, at_rows, problem_of, values_listed, warn_problem
from planner.text import tr
from planner.text.roads import NO_WORDS, ROAD_COLUMN_ALIASES

__all__ = [
    "ROAD_SUFFIXES",
    "area_bbox",
    "read_osm_pbf_area",
    "RoadClasses",
    "load_road_classes",
    "network_from_roads",
    "read_road_network",
    "read_roads",
    "road_cache_key",
    "road_columns",
    "road_levels",
    "walkable_roads",
]

log = logging.getLogger(__name__)

ROAD_SUFFIXES = SUPPORTED_LAYER_SUFFIXES
"""File suffixes read as road line layers (GeoPackage, GeoJSON, Shapefile, zipped Shapefile)."""

_NO = frozenset(normalise_column_name(w) for w in NO_WORDS)

ROAD_CACHE_VERSION = 1
"""Raise when noding, the level rules or the class rules change: cached road networks are then rebuilt."""
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qpj")
"""The files of one shapefile that change what is read (geometry, attributes, CRS, encoding)."""


# ---------------------------------------------------------------------------
# the road-class table


@dataclass(frozen=True)
class RoadClasses:
    """Which road classes are walkable.

    Attributes
    ----------
    walkable : dict
        Normalised class value -> walkable.
    default : bool
        For a class not in the table.
    source : str
        The file(s) the table came from.
    """

    walkable: Mapping[str, bool]
    default: bool = True
    source: str = "default"

    def is_walkable(self, value: Any) -> bool:
        """Whether a road of class ``value`` is walkable (blank: the default)."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return self.default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return self.walkable.get(normalise_column_name(value), self.default)


def _parse_classes(raw: Mapping[str, Any], name: str) -> tuple[dict[str, bool], bool | None]:
    table = raw.get("walkable", {})
    default = raw.get("default")
    if not isinstance(table, Mapping) or (default is not None and not isinstance(default, bool)):
        raise problem_of(NetworkError, "roads_classes_file", name, (),
                         detail="expected `default = true|false` and a [walkable] table")
    bad = [k for k, v in table.items() if not isinstance(v, bool)]
    if bad:
        raise problem_of(NetworkError, "roads_classes_file", name, (),
                         detail=f"not true/false: {', '.join(map(str, bad[:5]))}")
    return {normalise_column_name(k): bool(v) for k, v in table.items()}, default


def load_road_classes(path: str | Path | Mapping[str, bool] | RoadClasses | None = None) -> RoadClasses:
    """The road-class table: the default (``planner/data/road_classes.toml``) with ``path``'s entries over it.

    Parameters
    ----------
    path : str, Path, mapping or RoadClasses, optional
        A TOML file laid out as the default one (``default = true`` and a
        ``[walkable]`` table of ``"class" = true|false``), or a mapping of
        class -> walkable.  Its entries override the default table's;
        ``replace = true`` in the file drops the default table altogether.

    Returns
    -------
    RoadClasses

    Raises
    ------
    NetworkError
        If the file is missing or malformed (code ``roads_classes_file``).

    Examples
    --------
    >>> t = load_road_classes({"Footway": False})
    >>> t.is_walkable("motorway"), t.is_walkable("residential"), t.is_walkable("foot_way")
    (False, True, False)
    """
    if isinstance(path, RoadClasses):
        return path
    text = resources.files("planner").joinpath("data/road_classes.toml").read_text(encoding="utf-8")
    table, default = _parse_classes(tomllib.loads(text), "road_classes.toml")
    source = "default"
    if isinstance(path, Mapping):
        table.update({normalise_column_name(k): bool(v) for k, v in path.items()})
        source = "default+mapping"
    elif path is not None:
        p = Path(path)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise problem_of(NetworkError, "roads_classes_file", p.name, (),
                             detail=f"{type(exc).__name__}: {exc}") from exc
        extra, extra_default = _parse_classes(raw, p.name)
        if raw.get("replace") is True:  # the user's table alone (e.g. numeric class codes)
            table, default = {}, True
        table.update(extra)
        default = extra_default if extra_default is not None else default
        source = f"default+{p.name}"
    return RoadClasses(table, True if default is None else default, source)


# ---------------------------------------------------------------------------
# columns


def road_columns(gdf: pd.DataFrame, columns: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The road layer's class, layer, bridge and tunnel columns (``None`` where absent).

    Parameters
    ----------
    gdf : DataFrame
        The layer as read.
    columns : mapping, optional
        ``{"road_class": "my column", ...}`` given by the user; wins over recognition.

    Examples
    --------
    >>> road_columns(pd.DataFrame(columns=["DLDJ", "Bridge", "name"]))
    {'road_class': 'DLDJ', 'layer': None, 'bridge': 'Bridge', 'tunnel': None}
    """
    found = guess_columns([str(c) for c in gdf.columns], ROAD_COLUMN_ALIASES)
    for key, col in (columns or {}).items():
        if key in found and col in gdf.columns:
            found[key] = col
    return found


def _yes(series: pd.Series) -> np.ndarray:
    """True where a bridge/tunnel value means yes."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return (series.fillna(0).to_numpy(dtype=float) != 0)
    return series.map(lambda v: v is not None and v == v and normalise_column_name(v) not in _NO).to_numpy(
        dtype=bool)


def road_levels(gdf: pd.DataFrame, found: Mapping[str, str | None]) -> np.ndarray:
    """The level of each road: ``layer`` when set, else 1 for a bridge, -1 for a tunnel, 0.

    Examples
    --------
    >>> df = pd.DataFrame({"bridge": ["T", "F", None, "yes"], "layer": [0, 0, -1, 2]})
    >>> road_levels(df, {"bridge": "bridge", "layer": "layer", "tunnel": None}).tolist()
    [1, 0, -1, 2]
    """
    n = len(gdf)
    level = np.zeros(n, dtype=np.int64)
    if found.get("bridge"):
        level[_yes(gdf[found["bridge"]])] = 1
    if found.get("tunnel"):
        level[_yes(gdf[found["tunnel"]])] = -1
    if found.get("layer"):
        layer = pd.to_numeric(gdf[found["layer"]], errors="coerce").fillna(0).round().to_numpy()
        level = np.where(layer != 0, layer.astype(np.int64), level)
    return level


def walkable_roads(gdf: pd.DataFrame, found: Mapping[str, str | None], classes: RoadClasses,
                   name: str = "roads") -> np.ndarray:
    """True for the roads a pedestrian may use, by the class column and ``classes``.

    Warns (code ``roads_classes_dropped``) naming the classes left out, and
    raises ``roads_none_walkable`` when nothing is left.
    """
    col = found.get("road_class")
    if not col:
        return np.ones(len(gdf), dtype=bool)
    values = gdf[col]
    ok = values.map(classes.is_walkable).to_numpy(dtype=bool)
    if not ok.any():
        raise problem_of(NetworkError, "roads_none_walkable", name, (), column=col,
                         **values_listed(values.dropna().astype(str).unique()))
    if not ok.all():
        dropped = values[~ok].astype(str).value_counts()
        warn_problem("roads_classes_dropped", name, (), column=col, n=int((~ok).sum()),
                     **values_listed([f"{k} ({v})" for k, v in dropped.items()]))
    return ok


# ---------------------------------------------------------------------------
# reading


def _line_layer(path: str | Path) -> str | None:
    """The line layer to read from a GeoPackage whose first layer holds no lines (else None).

    A survey's GeoPackage often holds water, buildings and the road centre
    lines together; the roads are taken (with a warning naming the layer)
    rather than refusing the first, polygon, layer.
    """
    import pyogrio

    p = Path(path)
    if p.suffix.lower() != ".gpkg" or not p.is_file():
        return None
    try:
        layers = [(str(n), str(t or "")) for n, t in pyogrio.list_layers(p)]
    except Exception:  # read_layer reports an unreadable file in its own words
        return None
    lines = [n for n, t in layers if "LINESTRING" in t.upper()]
    if len(layers) < 2 or not lines or "LINESTRING" in layers[0][1].upper():
        return None
    warn_problem("roads_line_layer", p.name, n=len(layers), layer=lines[0],
                 **values_listed([n for n, _ in layers], "layers"), **arg_params(layer=name_placeholder()))
    return lines[0]


def read_roads(path: str | Path, *, layer: str | None = None, encoding: str | None = None,
               layer_crs: Any = None) -> gpd.GeoDataFrame:
    """Read a road line layer as is: only its line features, its own CRS.

    Parameters
    ----------
    path : str or Path
        ``.gpkg``, ``.geojson``/``.json``, ``.shp`` or a zipped shapefile
        (GBK/UTF-8 attributes detected).
    layer : str, optional
        Layer of a GeoPackage, or dataset inside a zip.  By default a
        GeoPackage's first layer, or its first line layer when the first holds
        no lines (warning ``roads_line_layer``).
    encoding : str, optional
        Attribute encoding of a shapefile (detected by default).
    layer_crs : optional
        The layer's CRS when the file has none or a wrong one.

    Raises
    ------
    InputError, CRSError
        Unreadable file or missing CRS.
    NetworkError
        No line features (code ``roads_no_lines``).
    """
    name = Path(path).name
    if layer is None:
        layer = _line_layer(path)
    gdf = set_layer_crs(read_layer(path, layer=layer, encoding=encoding), layer_crs, name)
    geom = gdf.geometry.values
    is_line = np.asarray(shapely.get_type_id(geom) == 1) | np.asarray(shapely.get_type_id(geom) == 5)
    is_line &= ~np.asarray(shapely.is_empty(geom))
    if not is_line.any():
        types = gdf.geometry.geom_type.fillna("none").value_counts()
        raise problem_of(NetworkError, "roads_no_lines", name, (), n=len(gdf),
                         types=", ".join(f"{k} ({v})" for k, v in types.items()))
    if not is_line.all():
        rows, params = at_rows(np.flatnonzero(~is_line))
        warn_problem("roads_non_lines", name, rows, n=len(rows), **params)
        gdf = gdf[is_line]
    return gdf


def _work_crs(gdf: gpd.GeoDataFrame, crs: Any) -> pyproj.CRS:
    """The metric CRS to node in: the one asked for, else the local Gauss–Krüger/UTM zone.

    The layer's own projected CRS is not used as is: Web Mercator "metres" are
    not metres on the ground.
    """
    if crs is not None:
        return pyproj.CRS.from_user_input(crs)
    return local_metric_crs_for(gdf)


def network_from_roads(
    roads: gpd.GeoDataFrame,
    *,
    crs: Any = None,
    tolerance: float = DEFAULT_TOLERANCE,
    road_classes: str | Path | Mapping[str, bool] | RoadClasses | None = None,
    columns: Mapping[str, str] | None = None,
    source: str = "roads",
    largest_component: bool = True,
) -> tuple[WalkNetwork, NodingReport]:
    """Build a walking network from road lines (a GeoDataFrame with a CRS).

    Parameters
    ----------
    roads : GeoDataFrame
        Road centre lines, any CRS.
    crs : optional
        Metric CRS of the network; the local CGCS2000 Gauss–Krüger (or UTM)
        zone when omitted.
    tolerance : float
        Metres within which a line end is joined to another line (default 1).
    road_classes : optional
        The road-class table (see :func:`load_road_classes`).
    columns : mapping, optional
        Column names that recognition would miss (``{"road_class": "路级"}``).
    source : str
        The file's name, for messages and the network report.
    largest_component : bool
        Keep only the largest connected piece (default).

    Returns
    -------
    WalkNetwork, NodingReport

    Examples
    --------
    >>> from shapely import LineString
    >>> roads = gpd.GeoDataFrame({"fclass": ["residential", "residential", "motorway"]},
    ...     geometry=[LineString([(0, 0), (200, 0)]), LineString([(100, -99.5), (100, 100)]),
    ...               LineString([(0, 50), (200, 50)])], crs="EPSG:4547")
    >>> net, rep = network_from_roads(roads, crs="EPSG:4547")  # doctest: +SKIP
    """
    name = Path(source).name
    if roads.crs is None:
        raise problem_of(NetworkError, "crs_missing", name, (), **arg_params(crs="EPSG:4490"))
    found = road_columns(roads, columns)
    keep = walkable_roads(roads, found, load_road_classes(road_classes), name)
    levels = road_levels(roads, found)[keep]
    lines = roads[keep]
    work = _work_crs(lines, crs)
    lines = lines.to_crs(work)
    noded = node_lines(lines.geometry.values, levels, tolerance=tolerance)
    if noded.u.size == 0:
        raise problem_of(NetworkError, "roads_no_lines", name, (), n=len(roads), types="(empty)")
    lon, lat = pyproj.Transformer.from_crs(work, "EPSG:4326", always_xy=True).transform(noded.x, noded.y)
    net = network_from_arrays(np.arange(noded.x.size), np.asarray(lon), np.asarray(lat), noded.u, noded.v,
                              crs=work, source=str(source), largest_component=largest_component)
    return net, noded.report


def read_road_network(
    path: str | Path,
    *,
    crs: Any = None,
    tolerance: float = DEFAULT_TOLERANCE,
    road_classes: str | Path | Mapping[str, bool] | RoadClasses | None = None,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    layer_crs: Any = None,
    largest_component: bool = True,
) -> WalkNetwork:
    """Read a road line layer as a walking network (what ``--network roads.shp`` does).

    What noding changed is issued as a :class:`~planner._errors.PlannerWarning`
    (code ``roads_noded``) and logged; the parameters are those of
    :func:`read_roads` and :func:`network_from_roads`.

    Returns
    -------
    WalkNetwork

    Raises
    ------
    NetworkError
        Unreadable file (the reader's code kept), no lines, nothing walkable.
    CRSError
        The layer has no CRS and none was given.
    """
    try:
        roads = read_roads(path, layer=layer, encoding=encoding, layer_crs=layer_crs)
    except CRSError:
        raise
    except InputError as exc:  # an unreadable layer is a network that cannot be built
        raise NetworkError(exc.message, hint=exc.hint, path=exc.path or Path(path).name, code=exc.code,
                           rows=exc.rows, params=exc.params) from exc
    net, report = network_from_roads(roads, crs=crs, tolerance=tolerance, road_classes=road_classes,
                                     columns=columns, source=str(path), largest_component=largest_component)
    log.info("%s", report.summary())
    if report.crossings_split or report.ends_joined:
        warn(report.summary("en"), code="roads_noded", path=Path(path).name,
             params={"summary@zh": report.summary("zh"), "summary@en": report.summary("en")},
             hint=tr("fix.roads_noded", "en"))
    return net


def road_source_files(path: str | Path) -> list[Path]:
    """The files a road layer is read from: a shapefile's .shp/.shx/.dbf/.prj/.cpg (any case), else the file.

    Examples
    --------
    >>> road_source_files("no/such/roads.gpkg")
    [PosixPath('no/such/roads.gpkg')]
    """
    p = Path(path)
    if p.suffix.lower() != ".shp":
        return [p]
    parts = {f.suffix.lower(): f for f in sorted(p.parent.glob(f"{p.stem}.*"))
             if f.suffix.lower() in SHAPEFILE_PARTS and f.is_file()}
    parts[".shp"] = p
    return [parts[k] for k in sorted(parts)]


def road_cache_key(path: str | Path, *, crs: Any = None, tolerance: float = DEFAULT_TOLERANCE,
                   road_classes: str | Path | Mapping[str, bool] | RoadClasses | None = None,
                   columns: Mapping[str, str] | None = None, layer: str | None = None,
                   encoding: str | None = None, layer_crs: Any = None,
                   largest_component: bool = True) -> str:
    """The network-cache key of a road layer read with :func:`read_road_network` and these options.

    It covers the bytes of every file of the layer (each part of a shapefile),
    the noding tolerance, the resolved road-class table (the default one with
    the user's entries over it, so editing the table's file misses the
    cache), the recognised column names and yes/no words of the level
    rules, every option, and the code version (:data:`ROAD_CACHE_VERSION`,
    the network cache version and the package version).

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "roads.geojson"
    >>> _ = f.write_text('{"type": "FeatureCollection", "features": []}')
    >>> road_cache_key(f) == road_cache_key(f, tolerance=1.0), road_cache_key(f) == road_cache_key(f, tolerance=2)
    (True, False)
    """
    from planner import __version__
    from planner.engine.network import CACHE_VERSION

    table = load_road_classes(road_classes)
    h = hashlib.sha256()
    for f in road_source_files(path):
        h.update(f"{f.suffix.lower()}|{f.stat().st_size}|".encode())
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    settings = {
        "versions": [ROAD_CACHE_VERSION, CACHE_VERSION, __version__],
        "crs": str(crs), "tolerance": float(tolerance),
        "classes": sorted(table.walkable.items()), "classes_default": table.default,
        "aliases": {k: list(v) for k, v in sorted(ROAD_COLUMN_ALIASES.items())}, "no_words": sorted(_NO),
        "columns": sorted((columns or {}).items()), "layer": layer, "encoding": encoding,
        "layer_crs": str(layer_crs), "largest_component": bool(largest_component),
    }
    h.update(json.dumps(settings, ensure_ascii=False, sort_keys=True).encode())
    return "roads-" + h.hexdigest()[:24]


# ---------------------------------------------------------------------------
# large OpenStreetMap extracts, clipped to the study area before parsing


def area_bbox(bounds: tuple[float, float, float, float], buffer_m: float = 2000.0) -> list[float]:
    """A lon/lat bounding box ``bounds`` widened by ``buffer_m`` metres on every side.

    Examples
    --------
    >>> [round(v, 4) for v in area_bbox((117.0, 29.0, 117.1, 29.1), 1000)]
    [116.9897, 28.991, 117.1103, 29.109]
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    dlat = buffer_m / 111_320.0
    dlon = buffer_m / (111_320.0 * max(math.cos(math.radians(max(abs(miny), abs(maxy)))), 0.05))
    return [minx - dlon, miny - dlat, maxx + dlon, maxy + dlat]


def _pbf_area_pyosmium(path: Path, bbox: list[float]) -> tuple[np.ndarray, ...]:
    """Node ids, lon, lat and segment ends of the walkable ways inside ``bbox``, and ``[kept, total]`` ways.

    One pass: libosmium keeps the node locations (in C++) and hands Python
    only the ways tagged ``highway``; each is cut to its stretches inside the
    box, so the arrays built follow the study area, not the province.
    """
    import osmium
    from osmium.filter import EntityFilter, KeyFilter

    from planner.engine.network import _walkable

    minx, miny, maxx, maxy = bbox
    where: dict[int, tuple[float, float]] = {}
    us: list[int] = []
    vs: list[int] = []
    fp = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
          .with_filter(EntityFilter(osmium.osm.WAY)).with_filter(KeyFilter("highway")))
    keys = ("highway", "foot", "access", "area")
    total = kept = 0
    for w in fp:
        if not isinstance(w, osmium.osm.Way):  # the filter passes ways only; this tells mypy
            continue
        tags = w.tags
        if not _walkable({k: tags.get(k) or "" for k in keys}):
            continue
        total += 1
        before = len(us)
        prev = None
        for r in w.nodes:
            loc = r.location
            here = None
            # a clipped extract lacks some nodes (invalid location): the way is cut there
            if loc.valid() and minx <= loc.lon <= maxx and miny <= loc.lat <= maxy:
                here = r.ref
                where[here] = (loc.lon, loc.lat)
                if prev is not None:
                    us.append(prev)
                    vs.append(here)
            prev = here
        kept += len(us) > before
    ids = np.fromiter(where.keys(), dtype=np.int64, count=len(where))
    xy = np.array(list(where.values()), dtype=float).reshape(-1, 2)
    return (ids, xy[:, 0], xy[:, 1], np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64),
            np.array([kept, total]))


def read_osm_pbf_area(path: str | Path, bounds: tuple[float, float, float, float], *,
                      buffer_m: float = 2000.0, crs: Any = None, reader: str = "auto",
                      largest_component: bool = True) -> WalkNetwork:
    """The walking network of a large ``.osm.pbf`` (a province) inside the study area, clipped before parsing.

    Parameters
    ----------
    path : str or Path
        The extract.
    bounds : tuple
        The study area's (minlon, minlat, maxlon, maxlat), WGS-84.
    buffer_m : float
        Metres added on every side, so walks near the edge are not cut short
        (default 2 km: beyond a 15-minute walk).
    crs : optional
        Metric CRS of the network (local zone by default).
    reader : {'auto', 'pyosmium', 'pyrosm'}
        pyosmium (``osmium`` on PyPI) when installed: libosmium keeps the
        node locations in C++ and Python sees only the highways, cut to the
        box; else pyrosm with a bounding box, which still decodes the whole
        file (see ``benchmarks/bench_readers.py`` for both measured).
    largest_component : bool
        Keep only the largest connected piece.

    Returns
    -------
    WalkNetwork
    """
    path = Path(path)
    bbox = area_bbox(bounds, buffer_m)
    if reader == "auto":
        try:
            import osmium  # noqa: F401
            reader = "pyosmium"
        except ImportError:
            reader = "pyrosm"
    try:
        if reader == "pyosmium":
            ids, lon, lat, u, v, ways = _pbf_area_pyosmium(path, bbox)
            if u.size == 0:
                raise problem_of(NetworkError, "network_area_no_ways", path)
            net = network_from_arrays(ids, lon, lat, u, v, crs=crs, source=str(path),
                                      largest_component=largest_component)
            return _clipped(net, bbox, int(ways[0]), int(ways[1]))
        import pyrosm

        nodes, edges = pyrosm.OSM(str(path), bounding_box=bbox).get_network(network_type="walking",
                                                                             nodes=True)
    except NetworkError:
        raise
    except Exception as exc:  # both readers raise many kinds on corrupt input
        raise problem_of(NetworkError, "network_pbf_unreadable", path, (), detail=str(exc)) from exc
    if edges is None or len(edges) == 0:
        raise problem_of(NetworkError, "network_area_no_ways", path)
    net = network_from_arrays(nodes["id"].to_numpy(), nodes["lon"].to_numpy(), nodes["lat"].to_numpy(),
                              edges["u"].to_numpy(), edges["v"].to_numpy(), crs=crs, source=str(path),
                              largest_component=largest_component)
    return _clipped(net, bbox)


def _clipped(net: WalkNetwork, bbox: list[float], kept: int = -1, total: int = -1) -> WalkNetwork:
    """``net`` with its report saying the box it was clipped to and how many ways were kept."""
    report = dataclasses.replace(net.report, clip=(bbox[0], bbox[1], bbox[2], bbox[3]), ways_kept=kept,
                                 ways_total=total)
    log.info("%s", report.summary())
    return WalkNetwork(net.crs, net.node_id, net.x, net.y, net.u, net.v, net.length, report)

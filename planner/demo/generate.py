"""The generator of the synthetic demo county (示例县) and province: fixtures, not run time.

No Chinese street network can be downloaded offline, so this module *generates*
one: a county of about 20 km x 16 km centred near lon 117.20, lat 29.30 with a
county town (县城) on a perturbed street grid, a river that the walking network
crosses only at five bridges, 2 towns (镇) and 1 township (乡) of administrative
villages (行政村) linked by curvy rural roads, unit polygons (社区 / 行政村) with
populations, and a facility list with real coverage gaps.  Everything is
fictional (示例数据，非真实): the county code ``360999`` does not exist.

The generator is deterministic: the same ``seed`` gives byte-identical OSM XML
and identical tables on every run.  Geometry is built in metres in EPSG:4548
(CGCS2000 3-degree Gauss-Kruger, central meridian 117E) and written in
longitude/latitude (EPSG:4326).  Run time needs only :mod:`planner.demo.county`.

Main entry points
-----------------
:func:`make_demo_county`
    Build the county in memory (:class:`DemoCounty`).
:func:`write_demo_county`
    Write the GeoPackages, CSV, OSM XML and README into a ``data``-style folder.
:func:`make_demo_province`, :func:`write_demo_province`
    Several demo counties side by side (tests and benchmarks of ``--by county``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import Delaunay
from shapely.affinity import translate as shift
from shapely.geometry import LineString, Point, Polygon

from planner._util import UnionFind, component_labels
from planner.demo.county import _REL_PATHS, COUNTY_CODE, DEFAULT_SEED, DemoPaths

__all__ = [
    "COUNTY_NAME",
    "DemoCounty",
    "DemoProvince",
    "make_demo_county",
    "make_demo_province",
    "write_demo_county",
    "write_demo_province",
]

COUNTY_NAME = "示例县"
COUNTY_LABEL = "示例县 (synthetic demo county)"
METRIC_CRS = "EPSG:4548"
GEO_CRS = "EPSG:4326"
CENTRE_LONLAT = (117.20, 29.30)

RIVER_NAME = "清溪河"
RIVER_HALF_WIDTH = 30.0  # metres; the water polygon is the river line buffered by this
_RIVER_ZONE = 45.0  # no street (except bridges) comes closer to the river line
_GRID_PREC = 0.01  # metres; polygons are snapped to this grid so shared edges coincide

# --- names -------------------------------------------------------------------
_STREETS = (  # (3-digit code, name, kind)
    ("001", "城东街道", "street"),
    ("002", "城西街道", "street"),
    ("003", "滨江街道", "street"),
    ("101", "青山镇", "town"),
    ("102", "石桥镇", "town"),
    ("201", "白云乡", "township"),
)
_COMMUNITY_NAMES = (
    "东湖", "滨江", "新华", "人民", "解放", "文昌", "建设", "和平", "育才", "朝阳", "城南",
    "花园", "幸福", "光明", "南门", "北门", "五一", "胜利", "文化", "青年", "府前", "西园",
    "东门", "锦绣",
)
_VILLAGE_NAMES = (
    "李家", "杨树", "王家", "张家", "陈家", "刘家", "黄家", "周家", "吴家", "徐家", "孙家",
    "胡家", "朱家", "高家", "林家", "何家", "郭家", "罗家", "梁家", "宋家", "柳树", "桃园",
    "梅岭", "松林", "竹山", "石门", "龙潭", "枫林", "茶岭", "长塘", "新塘", "坪上", "岭下",
    "田心", "水口", "上坊", "下坊", "塘背", "洲上", "大湾", "白沙", "清水", "樟树", "桂花",
    "荷塘",
)
_MAIN_EW = ("人民路", "解放路", "建设路", "新华路", "中山路", "文化路")
_MAIN_NS = ("胜利路", "和平路", "光明路", "青年路", "五一路", "东风路")
_TOWN_BRIDGES = (("人民大桥", "tertiary"), ("滨江人行桥", "footway"), ("清溪大桥", "tertiary"))
_RURAL_BRIDGES = ("青山桥", "古石桥")


def _cn(n: int) -> str:
    """Chinese numeral for 1 <= n <= 99 (一, 十二, 二十七)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@dataclass(frozen=True)
class DemoCounty:
    """The generated demo county, all layers in EPSG:4326.

    Attributes
    ----------
    units : geopandas.GeoDataFrame
        社区 and 行政村 polygons: ``code, name, kind, street, street_code,
        population, pop60, urban_rural_class, geometry``.
    streets : geopandas.GeoDataFrame
        街道/乡镇 polygons: ``code`` (9 digits), ``name``, ``kind``
        (``street``/``town``/``township``), ``geometry``.
    county : geopandas.GeoDataFrame
        One polygon: ``code`` ``'360999000000'``, ``name`` ``'示例县'``.
    water : geopandas.GeoDataFrame
        The river as a polygon (``name``, ``geometry``), for maps.
    facilities : geopandas.GeoDataFrame
        ``facility_id, name, type, capacity, nursing_beds, status, geometry``.
    osm_xml : str
        The walking network (and the river) as OSM XML 0.6 text.
    seed : int
        The seed the county was generated from.
    roads : geopandas.GeoDataFrame or None
        The main roads (``class`` ``main``: county roads, the town's main
        streets and their bridges) and village roads (``minor``) of the
        network, one row per road name (``name``, ``class``, lines), for maps.
    """

    units: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    county: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    osm_xml: str
    seed: int = DEFAULT_SEED
    roads: gpd.GeoDataFrame | None = None


# --- small geometry helpers -------------------------------------------------------


def _rot(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


@dataclass(frozen=True)
class _River:
    """River centreline y = f(x) (local metres) as a sum of two sines."""

    y0: float
    a1: float
    l1: float
    p1: float
    a2: float
    l2: float
    p2: float

    def y(self, x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return (self.y0 + self.a1 * np.sin(2 * np.pi * x / self.l1 + self.p1)
                + self.a2 * np.sin(2 * np.pi * x / self.l2 + self.p2))

    def normal(self, x: float) -> np.ndarray:
        """Unit normal pointing north at ``x``."""
        dy = (self.a1 * 2 * np.pi / self.l1 * np.cos(2 * np.pi * x / self.l1 + self.p1)
              + self.a2 * 2 * np.pi / self.l2 * np.cos(2 * np.pi * x / self.l2 + self.p2))
        n = np.array([-dy, 1.0])
        return n / np.hypot(*n)

    def line(self, half_extent: float = 12000.0, step: float = 40.0) -> LineString:
        xs = np.arange(-half_extent, half_extent + step / 2, step)
        return LineString(np.column_stack([xs, self.y(xs)]))

    def north_of(self, xy: np.ndarray) -> np.ndarray:
        xy = np.atleast_2d(xy)
        return xy[:, 1] > self.y(xy[:, 0])


class _Net:
    """Accumulates nodes (local metres) and ways (node lists + tags)."""

    def __init__(self) -> None:
        self.xy: list[tuple[float, float]] = []
        self.ways: list[tuple[list[int], dict[str, str]]] = []
        self.lines: list[LineString] = []

    def add_nodes(self, xy: np.ndarray) -> np.ndarray:
        xy = np.atleast_2d(np.asarray(xy, dtype=float))
        start = len(self.xy)
        self.xy.extend((float(x), float(y)) for x, y in xy)
        return np.arange(start, start + len(xy))

    def add_way(self, refs: Sequence[int], **tags: str) -> None:
        refs = [int(r) for r in refs]
        self.ways.append((refs, tags))
        self.lines.append(LineString([self.xy[r] for r in refs]))

    def crosses_any(self, line: LineString) -> bool:
        if not self.lines:
            return False
        return bool(shapely.crosses(np.asarray(self.lines, dtype=object), line).any())

    def coords(self, refs: Sequence[int] | np.ndarray) -> np.ndarray:
        return np.array([self.xy[r] for r in refs])


def _grid_runs(ids: np.ndarray, h: np.ndarray, v: np.ndarray) -> list[tuple[str, int, list[int]]]:
    """Chain present grid edges into maximal runs along rows and columns.

    ``ids`` is (rows, cols) node ids; ``h[i, j]`` is the edge (i, j)-(i, j+1)
    and ``v[i, j]`` the edge (i, j)-(i+1, j).
    """
    runs: list[tuple[str, int, list[int]]] = []
    for i in range(h.shape[0]):
        run: list[int] = []
        for j in range(h.shape[1]):
            if h[i, j]:
                run = run or [int(ids[i, j])]
                run.append(int(ids[i, j + 1]))
            elif run:
                runs.append(("row", i, run))
                run = []
        if run:
            runs.append(("row", i, run))
    for j in range(v.shape[1]):
        run = []
        for i in range(v.shape[0]):
            if v[i, j]:
                run = run or [int(ids[i, j])]
                run.append(int(ids[i + 1, j]))
            elif run:
                runs.append(("col", j, run))
                run = []
        if run:
            runs.append(("col", j, run))
    return runs


def _dart(rng: np.random.Generator, region: Polygon, n: int, min_dist: float,
          existing: np.ndarray | None = None, max_tries: int = 20000) -> np.ndarray:
    """Sample ``n`` points in ``region`` at least ``min_dist`` apart (dart throwing).

    The distance is relaxed by 10 % whenever ``max_tries`` draws were not enough.
    """
    minx, miny, maxx, maxy = region.bounds
    pts: list[np.ndarray] = []
    other = np.empty((0, 2)) if existing is None else np.asarray(existing, dtype=float)
    d = min_dist
    while len(pts) < n:
        cand = rng.uniform([minx, miny], [maxx, maxy], size=(max_tries, 2))
        cand = cand[shapely.contains_xy(region, cand[:, 0], cand[:, 1])]
        for c in cand:
            ref = np.vstack([other, *pts]) if pts else other
            if len(ref) == 0 or np.min(np.hypot(*(ref - c).T)) >= d:
                pts.append(c)
                if len(pts) == n:
                    break
        d *= 0.9
    return np.array(pts)


def _curvy(rng: np.random.Generator, p: np.ndarray, q: np.ndarray, wiggle: float = 1.0) -> np.ndarray:
    """A gently curving polyline from ``p`` to ``q`` with vertices every 50-120 m."""
    d = q - p
    length = float(np.hypot(*d))
    steps = rng.uniform(50.0, 120.0, size=int(length / 50.0) + 2)
    t = np.cumsum(steps)
    t = t[t < length - 40.0] / length
    t = np.concatenate([[0.0], t, [1.0]])
    normal = np.array([-d[1], d[0]]) / max(length, 1e-9)
    a1 = np.clip(rng.normal(0.0, 0.05 * length), -250.0, 250.0) * wiggle
    a2 = rng.uniform(-0.03, 0.03) * length * wiggle
    a2 = float(np.clip(a2, -120.0, 120.0))
    phase = rng.uniform(0, 2 * np.pi)
    off = np.sin(np.pi * t) * (a1 + a2 * np.sin(2 * np.pi * t + phase))
    off[1:-1] += rng.normal(0.0, 4.0, size=len(t) - 2) * wiggle
    return p + np.outer(t, d) + np.outer(off, normal)


# --- the county frame: outline, river, county town -------------------------------------


@dataclass(frozen=True)
class _Frame:
    county: Polygon
    river: _River
    river_line: LineString
    river_zone: Polygon
    north_half: Polygon
    town: Polygon
    town_centre: np.ndarray
    theta: float
    forbid: Polygon  # where no rural road may go: river zone and outside the county


_TOWN_HALF = (1750.0, 1250.0)  # half width / height of the county town (u, v), metres


def _make_frame(rng: np.random.Generator) -> _Frame:
    tau = 2 * np.pi
    river = _River(y0=rng.uniform(-900, -500), a1=rng.uniform(300, 450), l1=rng.uniform(8000, 11000),
                   p1=rng.uniform(0, tau), a2=rng.uniform(100, 180), l2=rng.uniform(2800, 3800),
                   p2=rng.uniform(0, tau))
    # county outline: a noisy super-ellipse of about 20 km x 16 km
    t = np.linspace(0, tau, 181)[:-1]
    c, s = np.cos(t), np.sin(t)
    outline = np.column_stack([10000 * np.sign(c) * np.abs(c) ** 0.5, 8000 * np.sign(s) * np.abs(s) ** 0.5])
    noise = np.zeros_like(t)
    for k in range(2, 6):
        noise += rng.uniform(0.01, 0.03) * np.sin(k * t + rng.uniform(0, tau))
    county = Polygon(outline * (1 + noise)[:, None])
    river_line = river.line()
    north_half = Polygon([*river_line.coords, (12000.0, 20000.0), (-12000.0, 20000.0)])
    # county town: a rotated, slightly irregular rectangle across the river
    theta = float(rng.uniform(np.radians(5), np.radians(12)) * rng.choice([-1.0, 1.0]))
    tx = float(rng.uniform(-1200, -400))
    centre = np.array([tx, float(river.y(tx)) + 450.0])
    w, h = _TOWN_HALF
    corners = np.array([(-w, -h), (w, -h), (w, h), (-w, h), (-w, -h)])
    sides: list[np.ndarray] = []
    for a, b in zip(corners[:-1], corners[1:], strict=True):
        k = int(np.hypot(*(b - a)) / 150)
        sides.append(a + np.outer(np.arange(k) / k, b - a))
    ring = np.vstack(sides)
    phi = np.arctan2(ring[:, 1], ring[:, 0])
    delta = np.zeros(len(ring))
    for k in range(2, 6):
        delta += rng.uniform(20, 50) * np.sin(k * phi + rng.uniform(0, tau))
    ring = ring * (1 + delta / np.hypot(ring[:, 0], ring[:, 1]))[:, None]
    town = Polygon(ring @ _rot(theta).T + centre)
    river_zone = river_line.buffer(_RIVER_ZONE)
    outside = shapely.box(-15000, -15000, 15000, 15000).difference(county.buffer(-100))
    return _Frame(county=county, river=river, river_line=river_line, river_zone=river_zone,
                  north_half=north_half, town=town, town_centre=centre, theta=theta,
                  forbid=river_zone.union(outside))


# --- the county town street grid ----------------------------------------------------------


def _positions(rng: np.random.Generator, half: float) -> np.ndarray:
    steps = rng.uniform(110.0, 160.0, size=int(2 * half / 110.0) + 3)
    pos = np.concatenate([[0.0], np.cumsum(steps)])
    pos = pos[pos <= 2 * half]
    return pos - pos[-1] / 2


def _segments(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return shapely.linestrings(np.stack([a, b], axis=-2).reshape(-1, 2, 2))


def _town_grid(rng: np.random.Generator, fr: _Frame, net: _Net) -> list[int]:
    """Add the town's street grid, footpaths and 3 bridges; return the gate node ids."""
    w, h = _TOWN_HALF
    us, vs = _positions(rng, w + 80), _positions(rng, h + 80)
    uu, vv = np.meshgrid(us, vs)
    uu = uu + np.clip(rng.normal(0, 4, uu.shape), -9, 9)
    vv = vv + np.clip(rng.normal(0, 4, vv.shape), -9, 9)
    rot = _rot(fr.theta)
    xy = np.stack([uu, vv], axis=-1) @ rot.T + fr.town_centre
    nr, nc = uu.shape
    flat = xy.reshape(-1, 2)
    present = shapely.contains_xy(fr.town.buffer(-20), flat[:, 0], flat[:, 1]).reshape(nr, nc)
    near_river = (shapely.distance(fr.river_line, shapely.points(flat)) < 55.0).reshape(nr, nc)
    main_r = (np.arange(nr) - rng.integers(0, 4)) % 4 == 0
    main_c = (np.arange(nc) - rng.integers(0, 5)) % 5 == 0
    interior = ~main_r[:, None] & ~main_c[None, :]
    missing = interior & (rng.random((nr, nc)) < 0.05) & present & ~near_river
    present &= ~near_river & ~missing
    hh = present[:, :-1] & present[:, 1:] & (main_r[:, None] | (rng.random((nr, nc - 1)) >= 0.06))
    vv_ = present[:-1, :] & present[1:, :] & (main_c[None, :] | (rng.random((nr - 1, nc)) >= 0.06))
    hh &= ~shapely.intersects(_segments(xy[:, :-1], xy[:, 1:]), fr.river_zone).reshape(hh.shape)
    vv_ &= ~shapely.intersects(_segments(xy[:-1, :], xy[1:, :]), fr.river_zone).reshape(vv_.shape)
    ids = np.full((nr, nc), -1)
    ids[present] = net.add_nodes(xy[present])
    deg = np.zeros((nr, nc), int)
    deg[:, :-1] += hh
    deg[:, 1:] += hh
    deg[:-1, :] += vv_
    deg[1:, :] += vv_

    # street names: rows (roughly east-west) 纬X路 numbered from the north, columns 经X路
    row_names, col_names = {}, {}
    main_ew, main_ns = iter(_MAIN_EW), iter(_MAIN_NS)
    for k, i in enumerate(range(nr - 1, -1, -1), start=1):
        row_names[i] = next(main_ew, f"纬{_cn(k)}路") if main_r[i] else f"纬{_cn(k)}路"
    for j in range(nc):
        col_names[j] = next(main_ns, f"经{_cn(j + 1)}路") if main_c[j] else f"经{_cn(j + 1)}路"
    for kind, k, run in _grid_runs(ids, hh, vv_):
        main = main_r[k] if kind == "row" else main_c[k]
        net.add_way(run, highway="tertiary" if main else "residential",
                    name=row_names[k] if kind == "row" else col_names[k])

    # footpaths: diagonals across some closed blocks, and walks through "parks" (missing nodes)
    closed = hh[:-1, :] & hh[1:, :] & vv_[:, :-1] & vv_[:, 1:]
    cells = np.argwhere(closed)
    for i, j in cells[np.sort(rng.choice(len(cells), size=min(6, len(cells)), replace=False))]:
        if LineString([xy[i, j], xy[i + 1, j + 1]]).intersects(fr.river_zone):
            continue
        net.add_way([ids[i, j], ids[i + 1, j + 1]], highway="footway", name="街心步道")
    parks = ["中心公园", "东湖公园", "西山公园", "文昌公园", "人民公园", "花园绿地"]
    n_park = 0
    for i, j in np.argwhere(missing[1:-1, :]) + [1, 0]:
        walk = LineString([xy[i - 1, j], xy[i + 1, j]])
        if (present[i - 1, j] and present[i + 1, j] and rng.random() < 0.6
                and not walk.intersects(fr.river_zone)):
            net.add_way([ids[i - 1, j], ids[i + 1, j]], highway="footway",
                        name=f"{parks[n_park % len(parks)]}步道")
            n_park += 1

    # 3 bridges along columns at about 20 %, 50 % and 80 % of the town width
    dcol = rot @ np.array([0.0, 1.0])
    used: set[int] = set()
    north = fr.river.north_of(flat).reshape(nr, nc)
    for (bname, hw), frac in zip(_TOWN_BRIDGES, (-0.6, 0.0, 0.6), strict=True):
        order = np.argsort(np.abs(us - frac * w) + np.where(main_c | (hw == "footway"), 0.0, 300.0))
        for j in (int(c) for c in order if int(c) not in used):
            hit = shapely.get_coordinates(LineString(xy[:, j]).intersection(fr.river_line))
            if len(hit) != 1:
                continue
            ends = []
            for sgn in (1.0, -1.0):
                step = 20.0
                while fr.river_line.distance(Point(hit[0] + sgn * step * dcol)) < _RIVER_ZONE + 5.0:
                    step += 5.0
                ends.append(hit[0] + sgn * step * dcol)
            near = []
            for end, side in zip(ends, (True, False), strict=True):
                cand = np.flatnonzero((deg[:, j] > 0) & (north[:, j] == side))
                dist = np.hypot(*(xy[cand, j] - end).T)
                if len(cand) and dist.min() < 250.0:
                    near.append(int(cand[np.argmin(dist)]))
            if len(near) == 2:
                break
        else:
            raise RuntimeError("demo generator: no street column to put a bridge on")
        used.add(j)
        end_ids = net.add_nodes(np.array(ends))
        net.add_way([end_ids[1], end_ids[0]], highway=hw, bridge="yes", layer="1", name=bname)
        net.add_way([ids[near[0], j], end_ids[0]], highway=hw, name=bname if hw == "footway" else col_names[j])
        net.add_way([end_ids[1], ids[near[1], j]], highway=hw, name=bname if hw == "footway" else col_names[j])

    # gates: the outermost connected node of each row and column
    gates: set[int] = set()
    lines = [(deg[i, :], ids[i, :]) for i in range(nr)] + [(deg[:, j], ids[:, j]) for j in range(nc)]
    for line_deg, line_ids in lines:
        idx = np.flatnonzero(line_deg > 0)
        if len(idx):
            for e in (idx[0], idx[-1]):
                gates.add(int(line_ids[e]))
    return sorted(gates)


# --- villages, their street clusters and the rural roads ---------------------------------------


@dataclass(frozen=True)
class _Villages:
    centres: np.ndarray  # (n, 2) local metres
    township: np.ndarray  # index into the rural entries of _STREETS (0, 1, 2)
    seats: tuple[int, ...]  # village index of each township seat
    names: tuple[str, ...]
    clusters: tuple[np.ndarray, ...]  # node ids of each village's street cluster


_SEAT_TARGETS = np.array([(-6500.0, 2500.0), (6000.0, 3000.0), (1000.0, -5000.0)])


def _place_villages(rng: np.random.Generator, fr: _Frame) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    n = int(rng.integers(28, 33))
    region = (fr.county.buffer(-700).difference(fr.town.buffer(900))
              .difference(fr.river_line.buffer(450)))
    centres = _dart(rng, region, n, 2400.0)
    # order villages deterministically from north-west to south-east
    centres = centres[np.lexsort((centres[:, 0], -np.round(centres[:, 1], -2)))]
    seats = tuple(int(np.argmin(np.hypot(*(centres - t).T))) for t in _SEAT_TARGETS)
    dist = np.hypot(*(centres[:, None, :] - centres[list(seats)][None, :, :]).transpose(2, 0, 1))
    township = np.argmin(dist, axis=1)
    return centres, township, seats


def _village_cluster(rng: np.random.Generator, net: _Net, centre: np.ndarray, name: str) -> np.ndarray:
    """A small jittered street grid (6-24 nodes) around a village centre."""
    nr, nc = int(rng.integers(2, 5)), int(rng.integers(3, 7))
    spacing = rng.uniform(60.0, 90.0)
    uu, vv = np.meshgrid((np.arange(nc) - (nc - 1) / 2) * spacing, (np.arange(nr) - (nr - 1) / 2) * spacing)
    local = np.stack([uu, vv], axis=-1) + rng.normal(0, 8, (nr, nc, 2))
    xy = local @ _rot(rng.uniform(0, np.pi)).T + centre
    ids = net.add_nodes(xy.reshape(-1, 2)).reshape(nr, nc)
    # random spanning tree of the grid plus some extra edges
    edges = [("h", i, j) for i in range(nr) for j in range(nc - 1)]
    edges += [("v", i, j) for i in range(nr - 1) for j in range(nc)]
    weights = rng.random(len(edges))
    extra = rng.random(len(edges)) < 0.35
    uf = UnionFind(nr * nc)
    hh = np.zeros((nr, nc - 1), bool)
    vv_ = np.zeros((nr - 1, nc), bool)
    for k in np.argsort(weights, kind="stable"):
        kind, i, j = edges[k]
        a, b = i * nc + j, (i * nc + j + 1) if kind == "h" else ((i + 1) * nc + j)
        if uf.union(a, b) or extra[k]:
            (hh if kind == "h" else vv_)[i, j] = True
    for n_way, (_, _, run) in enumerate(_grid_runs(ids, hh, vv_), start=1):
        net.add_way(run, highway="residential", name=f"{name}村{_cn(n_way)}巷")
    return ids.ravel()


def _outward_node(net: _Net, cluster: np.ndarray, toward: np.ndarray) -> int:
    xy = net.coords(cluster)
    centre = xy.mean(axis=0)
    d = toward - centre
    return int(cluster[np.argmax((xy - centre) @ d)])


def _try_link(rng: np.random.Generator, net: _Net, fr: _Frame, a: int, b: int, wiggle: float,
              **tags: str) -> bool:
    """Add a curvy road between nodes ``a`` and ``b`` unless it would cross the river or a road."""
    p, q = np.array(net.xy[a]), np.array(net.xy[b])
    for w in (wiggle, 0.0):
        pts = _curvy(rng, p, q, w)
        line = LineString(pts)
        if line.intersects(fr.forbid) or net.crosses_any(line):
            continue
        ids = net.add_nodes(pts[1:-1])
        net.add_way([a, *ids.tolist(), b], **tags)
        return True
    return False


def _rural_network(rng: np.random.Generator, fr: _Frame, net: _Net, gates: list[int]) -> _Villages:
    centres, township, seats = _place_villages(rng, fr)
    n = len(centres)
    names = tuple(str(x) for x in rng.permutation(np.array(_VILLAGE_NAMES))[:n])
    clusters = tuple(_village_cluster(rng, net, c, nm) for c, nm in zip(centres, names, strict=True))
    # dead-end field paths out of some villages
    for v in range(n):
        if rng.random() < 0.4:
            ang = rng.uniform(0, 2 * np.pi)
            start = _outward_node(net, clusters[v], centres[v] + 1000 * np.array([np.cos(ang), np.sin(ang)]))
            p0 = np.array(net.xy[start])
            pts = p0 + np.outer([70.0, 150.0], [np.cos(ang), np.sin(ang)]) + rng.normal(0, 10, (2, 2))
            line = LineString(np.vstack([p0, pts]))
            if not line.intersects(fr.forbid) and not net.crosses_any(line):
                net.add_way([start, *net.add_nodes(pts).tolist()], highway="path", name="田间小路")
    north = fr.river.north_of(centres)
    gate_xy = net.coords(gates)
    gate_north = fr.river.north_of(gate_xy)
    uf = UnionFind(n + 1)  # n = the county town
    seat_set = set(seats)

    def vname(v: int) -> str:
        return "县城" if v == n else f"{names[v]}村"

    # two countryside bridges, west and east of the town
    for bname, xb in zip(_RURAL_BRIDGES, (-6500.0 + rng.uniform(-500, 500), 6300.0 + rng.uniform(-500, 500)),
                         strict=True):
        p = np.array([xb, float(fr.river.y(xb))])
        nrm = fr.river.normal(xb)
        ends = np.array([p + 55 * nrm, p - 55 * nrm, p + 200 * nrm, p - 200 * nrm])
        e = net.add_nodes(ends)
        net.add_way([e[1], e[0]], highway="tertiary", bridge="yes", layer="1", name=bname)
        net.add_way([e[2], e[0]], highway="tertiary", name=f"{bname}路")
        net.add_way([e[1], e[3]], highway="tertiary", name=f"{bname}路")
        side_v = []
        for end_id, side in ((e[2], True), (e[3], False)):
            end = np.array(net.xy[end_id])
            for v in np.argsort(np.hypot(*(centres - end).T) + np.where(north == side, 0, 1e9)):
                node = _outward_node(net, clusters[v], end)
                if _try_link(rng, net, fr, int(end_id), node, 0.6, highway="tertiary", name=f"{bname}路"):
                    side_v.append(int(v))
                    break
        uf.union(*side_v)

    # candidate links: Delaunay neighbours on the same bank, and each village to the town
    cands: list[tuple[float, int, int]] = []
    for simplex in Delaunay(centres).simplices:
        for a, b in ((0, 1), (1, 2), (0, 2)):
            va, vb = sorted((int(simplex[a]), int(simplex[b])))
            if north[va] == north[vb]:
                cands.append((float(np.hypot(*(centres[va] - centres[vb]))), va, vb))
    for v in range(n):
        d = np.hypot(*(gate_xy - centres[v]).T) + np.where(gate_north == north[v], 0, 1e9)
        if d.min() < 6000:
            cands.append((float(d.min()), v, n))
    cands = sorted(set(cands))

    def link(va: int, vb: int, wiggle: float, **tags: str) -> bool:
        if vb == n:
            d = np.hypot(*(gate_xy - centres[va]).T) + np.where(gate_north == north[va], 0, 1e9)
            node_b = gates[int(np.argmin(d))]
        else:
            node_b = _outward_node(net, clusters[vb], centres[va])
        node_a = _outward_node(net, clusters[va], np.array(net.xy[node_b]))
        return _try_link(rng, net, fr, node_a, node_b, wiggle, **tags)

    built = set()
    for length, va, vb in cands:  # Kruskal: a spanning tree of the villages and the town
        if uf.find(va) == uf.find(vb):
            continue
        major = vb == n or va in seat_set or vb in seat_set
        tags = ({"highway": "tertiary", "name": f"{vname(vb)}至{vname(va)}公路"} if major
                else {"highway": "unclassified", "name": f"{vname(va)}至{vname(vb)}村道"})
        if length < 6000 and link(va, vb, 1.0, **tags):
            uf.union(va, vb)
            built.add((va, vb))
    rest = [c for c in cands if (c[1], c[2]) not in built and c[0] < 3200]
    n_extra = 0
    for k in rng.permutation(len(rest)):
        _, va, vb = rest[k]
        tags = ({"highway": "track", "name": "机耕路"} if n_extra < 3
                else {"highway": "unclassified", "name": f"{vname(va)}至{vname(vb)}村道"})
        if link(va, vb, 1.0, **tags):
            n_extra += 1
            if n_extra == 5:
                break
    roots = {uf.find(v) for v in range(n + 1)}
    if len(roots) != 1:
        raise RuntimeError(f"demo generator: the rural road network is not connected ({len(roots)} parts)")
    return _Villages(centres=centres, township=township, seats=seats, names=names, clusters=clusters)


def _components(n: int, ways: list[tuple[list[int], dict[str, str]]]) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes of ``ways``."""
    rows: list[int] = []
    cols: list[int] = []
    for refs, _ in ways:
        rows += refs[:-1]
        cols += refs[1:]
    return component_labels(n, np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))


def _prune(net: _Net, keep_node: int) -> tuple[np.ndarray, list[tuple[list[int], dict[str, str]]], np.ndarray]:
    """Keep the ways of the connected component of ``keep_node`` and renumber their nodes.

    Returns the kept node coordinates, the ways with new node indices and the map
    old index -> new index (-1 when dropped).
    """
    n = len(net.xy)
    label = _components(n, net.ways)
    ways = [(refs, tags) for refs, tags in net.ways if label[refs[0]] == label[keep_node]]
    used = np.zeros(n, bool)
    for refs, _ in ways:
        used[refs] = True
    new_id = np.where(used, np.cumsum(used) - 1, -1)
    xy = np.asarray(net.xy)[used]
    return xy, [([int(new_id[r]) for r in refs], tags) for refs, tags in ways], new_id


# --- unit polygons -----------------------------------------------------------------------------


def _partition(points: np.ndarray, region: Polygon) -> list[Polygon]:
    """Voronoi cells of ``points`` clipped to ``region``; detached fragments go to a neighbour."""
    if len(points) == 1:
        return [region]
    vor = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=region.envelope.buffer(5000))
    cells = shapely.get_parts(vor)
    owner = [int(np.flatnonzero(shapely.contains_xy(cells, *p))[0]) for p in points]
    result: list[Polygon] = []
    orphans: list[Polygon] = []
    for k, p in enumerate(points):
        parts = [g for g in shapely.get_parts(cells[owner[k]].intersection(region))
                 if isinstance(g, Polygon) and g.area > 1.0]
        home = next(i for i, g in enumerate(parts) if g.contains(Point(p)))
        result.append(parts[home])
        orphans += [g for i, g in enumerate(parts) if i != home]
    for frag in sorted(orphans, key=lambda g: -g.area):
        shared = [frag.boundary.intersection(g.boundary).length for g in result]
        k = int(np.argmax(shared))
        result[k] = shapely.union(result[k], frag)
    return result


def _snap(geom):
    return shapely.set_precision(geom, _GRID_PREC)


def _clean_coverage(geoms: Sequence[Polygon]) -> list[Polygon]:
    """Snap polygons to the precision grid and node shared edges so they tile exactly.

    A vertex of one polygon that lies on an edge of its neighbour (e.g. where a
    Voronoi edge meets the river line) is inserted into that edge, so the
    polygons form a valid coverage without slivers.
    """
    snapped = _snap(np.asarray(geoms, dtype=object))
    vertices = shapely.multipoints(np.unique(shapely.get_coordinates(snapped), axis=0))
    noded = shapely.snap(snapped, vertices, tolerance=5 * _GRID_PREC)
    return list(_snap(noded))


@dataclass(frozen=True)
class _Units:
    table: pd.DataFrame  # code, name, kind, street, street_code, population, pop60, urban_rural_class
    geoms: list  # local metres, aligned with table
    centres: np.ndarray
    streets: pd.DataFrame  # code, name, kind
    street_geoms: list
    village: np.ndarray  # village index of each unit, -1 for communities


def _make_units(rng: np.random.Generator, fr: _Frame, vil: _Villages) -> _Units:
    county_n = fr.county.intersection(fr.north_half)
    county_s = fr.county.difference(fr.north_half)
    town_n, town_s = fr.town.intersection(fr.north_half), fr.town.difference(fr.north_half)
    west = Polygon(np.array([(-9000, -9000), (0, -9000), (0, 9000), (-9000, 9000)]) @ _rot(fr.theta).T
                   + fr.town_centre)
    # community centres, stratified by street: 城东 (north-east), 城西 (north-west), 滨江 (south bank)
    regions = ((0, town_n.difference(west), 5), (1, town_n.intersection(west), 5), (2, town_s, 4))
    cpt_parts: list[np.ndarray] = []
    cstreet_list: list[int] = []
    for s, region, n_pts in regions:
        prev = np.vstack(cpt_parts) if cpt_parts else None
        cpt_parts.append(_dart(rng, region.buffer(-150), n_pts, 550.0, existing=prev))
        cstreet_list += [s] * n_pts
    cpts = np.vstack(cpt_parts)
    cstreet = np.array(cstreet_list)
    north_c = cstreet < 2
    cgeom: list[Polygon | None] = [None] * len(cpts)
    for mask, region in ((north_c, town_n), (~north_c, town_s)):
        for k, g in zip(np.flatnonzero(mask), _partition(cpts[mask], region), strict=True):
            cgeom[k] = g
    vnorth = fr.river.north_of(vil.centres)
    vgeom: list[Polygon | None] = [None] * len(vil.centres)
    for mask, region in ((vnorth, county_n.difference(fr.town)), (~vnorth, county_s.difference(fr.town))):
        for k, g in zip(np.flatnonzero(mask), _partition(vil.centres[mask], region), strict=True):
            vgeom[k] = g

    rows: list[tuple] = []
    geoms: list[Polygon | None] = []
    centres: list[np.ndarray] = []
    village = [-1] * len(cpts)
    cnames = rng.permutation(np.array(_COMMUNITY_NAMES))
    n_c = 0
    for s in range(3):
        scode, sname, _ = _STREETS[s]
        members = np.flatnonzero(cstreet == s)
        members = members[np.lexsort((cpts[members, 0], -cpts[members, 1]))]
        for num, k in enumerate(members, start=1):
            pop = int(rng.integers(5000, 15001))
            rows.append((f"{COUNTY_CODE}{scode}{num:03d}", f"{cnames[n_c]}社区", "community", sname,
                         f"{COUNTY_CODE}{scode}", pop, int(round(pop * rng.uniform(0.185, 0.295))), "111"))
            geoms.append(cgeom[k])
            centres.append(cpts[k])
            n_c += 1
    for t in range(3):
        scode, sname, _ = _STREETS[3 + t]
        members = np.flatnonzero(vil.township == t)
        for num, k in enumerate(members, start=201):
            pop = int(rng.integers(500, 2501))
            rows.append((f"{COUNTY_CODE}{scode}{num:03d}", f"{vil.names[k]}村", "village", sname,
                         f"{COUNTY_CODE}{scode}", pop, int(round(pop * rng.uniform(0.225, 0.345))), "220"))
            geoms.append(vgeom[k])
            centres.append(vil.centres[k])
            village.append(int(k))
    table = pd.DataFrame(rows, columns=["code", "name", "kind", "street", "street_code", "population",
                                        "pop60", "urban_rural_class"])
    geoms = _clean_coverage(geoms)
    streets = pd.DataFrame([(f"{COUNTY_CODE}{c}", nm, kd) for c, nm, kd in _STREETS],
                           columns=["code", "name", "kind"])
    street_geoms = [_snap(shapely.union_all([g for g, sc in zip(geoms, table["street_code"], strict=True)
                                             if sc == code])) for code in streets["code"]]
    return _Units(table=table, geoms=geoms, centres=np.array(centres), streets=streets,
                  street_geoms=street_geoms, village=np.array(village))


# --- facilities ----------------------------------------------------------------------------------

_ANCHOR_HIGHWAYS = ("residential", "tertiary", "unclassified")


def _make_facilities(rng: np.random.Generator, fr: _Frame, units: _Units, seats: tuple[int, ...],
                     xy: np.ndarray, ways: list[tuple[list[int], dict[str, str]]]) -> pd.DataFrame:
    """Existing, planned and candidate facilities, placed 5-40 m off a street."""
    seg_a: list[np.ndarray] = []
    seg_b: list[np.ndarray] = []
    anchor_parts: list[np.ndarray] = []
    kind_list: list[str] = []
    for refs, tags in ways:
        seg_a.append(xy[refs[:-1]])
        seg_b.append(xy[refs[1:]])
        ok = tags["highway"] in _ANCHOR_HIGHWAYS and "bridge" not in tags
        anchor_parts.append(np.full(len(refs) - 1, ok))
        kind_list += [tags["highway"]] * (len(refs) - 1)
    a, b, anchor = np.vstack(seg_a), np.vstack(seg_b), np.concatenate(anchor_parts)
    kind = np.array(kind_list)
    mid = (a + b) / 2
    tree = shapely.STRtree(_segments(a, b))
    taken: list[np.ndarray] = []
    tab = units.table

    def place(u: int) -> np.ndarray:
        inner = units.geoms[u].buffer(-20.0)
        ok = anchor & shapely.contains_xy(inner, mid[:, 0], mid[:, 1])
        if tab.at[u, "kind"] == "village":  # near the village's own lanes, not out on a rural road
            ok &= (kind == "residential") & (np.hypot(*(mid - units.centres[u]).T) < 400.0)
        cand = np.flatnonzero(ok)
        for _ in range(500):
            k = int(cand[rng.integers(len(cand))])
            d = b[k] - a[k]
            nrm = np.array([-d[1], d[0]]) / np.hypot(*d)
            p = a[k] + rng.uniform(0.2, 0.8) * d + rng.uniform(8.0, 35.0) * rng.choice([-1.0, 1.0]) * nrm
            if not shapely.contains_xy(inner, p[0], p[1]):
                continue
            dist = float(tree.query_nearest(Point(p), return_distance=True)[1][0])
            if not 5.0 <= dist <= 40.0 or fr.river_line.distance(Point(p)) < 60.0:
                continue
            if taken and np.min(np.hypot(*(np.array(taken) - p).T)) < 40.0:
                continue
            taken.append(p)
            return p
        raise RuntimeError(f"demo generator: could not place a facility in {tab.at[u, 'name']}")

    rows: list[tuple] = []
    nan = float("nan")

    def add(prefix: str, name: str, ftype: str, cap: float | np.integer, beds: float, status: str,
            u: int) -> None:
        num = sum(r[0].startswith(prefix) for r in rows) + 1
        p = place(u)
        rows.append((f"{prefix}{num:02d}", name, ftype, float(cap), float(beds), status, p[0], p[1]))

    comm = np.flatnonzero(tab["kind"] == "community")
    vill = np.flatnonzero(tab["kind"] == "village")
    south = tab["street"].to_numpy() == _STREETS[2][1]
    north_c, south_c = comm[~south[comm]], comm[south[comm]]
    has_dc = np.sort(np.concatenate([rng.choice(north_c, len(north_c) - 3, replace=False),
                                     rng.choice(south_c, len(south_c) - 2, replace=False)]))
    no_dc = np.setdiff1d(comm, has_dc)
    cname = tab["name"].to_numpy()
    for u in has_dc:
        add("DC", f"{cname[u]}日间照料中心", "day_care", rng.integers(20, 41), nan, "existing", u)
    seat_unit = {t: int(np.flatnonzero(units.village == s)[0]) for t, s in enumerate(seats)}
    for s in range(2):  # 城东街道, 城西街道 (滨江街道 has none)
        u = int(rng.choice(np.flatnonzero(tab["street"].to_numpy() == _STREETS[s][1])))
        cap = int(rng.integers(40, 61))
        add("SC", f"{_STREETS[s][1]}综合养老服务中心", "street_centre", cap, cap // 2, "existing", u)
    add("SC", f"{_STREETS[3][1]}综合养老服务中心", "street_centre", 40, 16, "existing", seat_unit[0])
    by_pop60 = north_c[np.argsort(-tab["pop60"].to_numpy()[north_c], kind="stable")]
    add("EH", f"{cname[by_pop60[0]]}嵌入式养老院", "embedded_home", 30, 20, "existing", by_pop60[0])
    add("EH", f"{cname[by_pop60[1]]}嵌入式养老院", "embedded_home", 40, 30, "planned", by_pop60[1])
    n_ma = int(round(0.7 * len(vill)))
    has_ma = np.sort(rng.choice(vill, n_ma, replace=False))
    no_ma = np.setdiff1d(vill, has_ma)
    for u in has_ma:
        add("MA", f"{cname[u]}幸福院", "mutual_aid", rng.integers(10, 21), nan, "existing", u)
    planned_ma = int(rng.choice(no_ma))
    add("MA", f"{cname[planned_ma]}幸福院", "mutual_aid", 15, nan, "planned", planned_ma)
    for u in np.sort(rng.choice(comm, 3, replace=False)):
        add("MP", f"{cname[u]}老年食堂", "meal_point", rng.integers(40, 81), nan, "existing", u)
    for t in (1, 2):
        u = seat_unit[t]
        add("MP", f"{cname[u]}老年助餐点", "meal_point", rng.integers(30, 51), nan, "existing", u)
    county_home = int(rng.choice(north_c))
    add("NH", f"{COUNTY_NAME}社会福利中心", "nursing_home", 200, 110, "existing", county_home)
    add("NH", f"{_STREETS[4][1]}敬老院", "nursing_home", 60, 20, "existing", seat_unit[1])
    # candidate sites in the gaps
    for u in no_dc:
        for k in (1, 2):
            add("DC", f"{cname[u]}日间照料中心候选点{k}", "day_care", 30, nan, "candidate", u)
    for u in no_ma:
        if u != planned_ma:
            add("MA", f"{cname[u]}互助养老候选点", "mutual_aid", 15, nan, "candidate", u)
    table = pd.DataFrame(rows, columns=["facility_id", "name", "type", "capacity", "nursing_beds",
                                        "status", "x", "y"])
    return _institution_attributes(table)


# level of each type's facilities, for the plans' level-specific targets (县级, 乡镇级, 社区/村级)
_TYPE_LEVEL = {"day_care": "社区级", "street_centre": "街道级", "embedded_home": "社区级",
               "mutual_aid": "村级", "meal_point": "社区级", "nursing_home": "乡镇级"}
_OPERATORS = ("公办", "公建民营", "民办")


def _institution_attributes(table: pd.DataFrame) -> pd.DataFrame:
    """Level, disability care, grade and operator columns (deterministic; no random draws).

    The county welfare centre is the county-level institution mainly caring for the disabled
    (graded 二级); the township home is graded 一级; street centres in townships are 乡镇级;
    community and village facilities cycle through the three kinds of operator.
    """
    out = table.copy()
    name = out["name"].astype(str)
    ftype = out["type"].to_numpy()
    level = out["type"].map(_TYPE_LEVEL).to_numpy(dtype=object)
    county_home = (ftype == "nursing_home") & name.str.endswith("社会福利中心").to_numpy()
    level[county_home] = "县级"
    level[(ftype == "street_centre") & name.str.contains("镇|乡").to_numpy()] = "乡镇级"
    out["level"] = level
    out["disability_care"] = np.where(county_home, "是", "否")
    grade = np.full(len(out), "", dtype=object)
    grade[county_home] = "二级"
    grade[(ftype == "nursing_home") & ~county_home] = "一级"
    out["grade"] = grade
    order = np.arange(len(out))
    out["operator"] = [_OPERATORS[i % 3] if t in ("day_care", "mutual_aid", "meal_point", "embedded_home")
                       else "公办" for i, t in zip(order, ftype, strict=True)]
    return out



# --- output ------------------------------------------------------------------------------------


def _origin() -> np.ndarray:
    """EPSG:4548 coordinates (whole metres) of the county centre."""
    e, n = Transformer.from_crs(GEO_CRS, METRIC_CRS, always_xy=True).transform(*CENTRE_LONLAT)
    return np.round([e, n])


def _lonlat(xy: np.ndarray, origin: np.ndarray) -> np.ndarray:
    tr = Transformer.from_crs(METRIC_CRS, GEO_CRS, always_xy=True)
    lon, lat = tr.transform(xy[:, 0] + origin[0], xy[:, 1] + origin[1])
    return np.round(np.column_stack([lon, lat]), 7)


def _gdf(data: pd.DataFrame | dict, geoms: Sequence, origin: np.ndarray) -> gpd.GeoDataFrame:
    shifted = [shapely.transform(g, lambda c: c + origin) for g in geoms]
    out = gpd.GeoDataFrame(pd.DataFrame(data), geometry=gpd.GeoSeries(shifted, crs=METRIC_CRS))
    return out.to_crs(GEO_CRS)


def _check_bridges(river_line: LineString, xy: np.ndarray,
                   ways: list[tuple[list[int], dict[str, str]]]) -> None:
    lines = np.array([LineString(xy[refs]) for refs, _ in ways], dtype=object)
    crossing = shapely.intersects(lines, river_line)
    bad = [tags.get("name", "") for (_, tags), c in zip(ways, crossing, strict=True)
           if c and tags.get("bridge") != "yes"]
    if bad:
        raise RuntimeError(f"demo generator: ways cross the river without a bridge: {bad}")


def _osm_xml(lonlat: np.ndarray, ways: list[tuple[list[int], dict[str, str]]],
             label: str = COUNTY_LABEL) -> str:
    """OSM XML 0.6 text; nodes get ids 1..n in row order, ways 1..m in list order."""
    lo, hi = lonlat.min(axis=0), lonlat.max(axis=0)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<osm version="0.6" generator="planner demo">',
           f"  <!-- {label}: 示例数据，非真实 (fictional data for demonstration only) -->",
           f'  <bounds minlat="{lo[1]:.7f}" minlon="{lo[0]:.7f}" maxlat="{hi[1]:.7f}" maxlon="{hi[0]:.7f}"/>']
    out += [f'  <node id="{k}" lat="{lat:.7f}" lon="{lon:.7f}"/>'
            for k, (lon, lat) in enumerate(lonlat, start=1)]
    for w, (refs, tags) in enumerate(ways, start=1):
        out.append(f'  <way id="{w}">')
        out += [f'    <nd ref="{r + 1}"/>' for r in refs]
        out += [f"    <tag k={quoteattr(k)} v={quoteattr(tags[k])}/>" for k in sorted(tags)]
        out.append("  </way>")
    out.append("</osm>")
    return "\n".join(out) + "\n"


_ROAD_CLASSES = {"tertiary": "main", "unclassified": "minor"}
"""Road class of the map layer ``roads`` by the ways' ``highway`` tag (others are not drawn)."""


def _roads(xy: np.ndarray, ways: list[tuple[list[int], dict[str, str]]], origin: np.ndarray) -> gpd.GeoDataFrame:
    """The network's main and village roads as map lines, one row per (class, name), sorted."""
    groups: dict[tuple[str, str], list[LineString]] = {}
    for refs, tags in ways:
        cls = _ROAD_CLASSES.get(tags.get("highway", ""))
        if cls:
            groups.setdefault((cls, tags.get("name", "")), []).append(LineString(xy[refs]))
    keys = sorted(groups)
    geoms = [shapely.multilinestrings(shapely.get_parts(shapely.line_merge(shapely.multilinestrings(groups[k]))))
             for k in keys]
    return _gdf({"name": [k[1] for k in keys], "class": [k[0] for k in keys]}, geoms, origin)


def make_demo_county(seed: int = DEFAULT_SEED) -> DemoCounty:
    """Generate the synthetic demo county 示例县.

    Parameters
    ----------
    seed : int, default 2024
        Seed of the random generators; the same seed always gives the same county.

    Returns
    -------
    DemoCounty
        Units, streets, county outline, river polygon and facilities as
        GeoDataFrames in EPSG:4326, and the walking network as OSM XML text.

    Raises
    ------
    RuntimeError
        If the generator cannot build a consistent county for this seed (a bug).

    Examples
    --------
    >>> demo = make_demo_county()
    >>> demo.county.loc[0, "name"]
    '示例县'
    """
    rngs = [np.random.default_rng([seed, k]) for k in range(5)]
    fr = _make_frame(rngs[0])
    net = _Net()
    gates = _town_grid(rngs[1], fr, net)
    label = _components(len(net.xy), net.ways)
    main = np.bincount(label[[r for refs, _ in net.ways for r in refs]]).argmax()
    gates = [g for g in gates if label[g] == main]
    vil = _rural_network(rngs[2], fr, net, gates)
    xy, ways, new_id = _prune(net, gates[0])
    if any(new_id[c[0]] < 0 for c in vil.clusters):
        raise RuntimeError("demo generator: a village is cut off from the network")
    _check_bridges(fr.river_line, xy, ways)
    units = _make_units(rngs[3], fr, vil)
    fac = _make_facilities(rngs[4], fr, units, vil.seats, xy, ways)

    origin = _origin()
    river_xy = shapely.get_coordinates(fr.river_line.intersection(fr.county.buffer(300)))
    all_xy = np.vstack([xy, river_xy])
    river_refs = list(range(len(xy), len(all_xy)))
    osm = _osm_xml(_lonlat(all_xy, origin),
                   [*ways, (river_refs, {"waterway": "river", "name": RIVER_NAME})])

    unit_gdf = _gdf(units.table, units.geoms, origin)
    street_gdf = _gdf(units.streets, units.street_geoms, origin)
    county_gdf = _gdf({"code": [f"{COUNTY_CODE}000000"], "name": [COUNTY_NAME]}, [_snap(fr.county)], origin)
    water = _snap(fr.river_line.buffer(RIVER_HALF_WIDTH).intersection(fr.county))
    water_gdf = _gdf({"name": [RIVER_NAME]}, [water], origin)
    ll = _lonlat(fac[["x", "y"]].to_numpy(), origin)
    fac_gdf = gpd.GeoDataFrame(fac.drop(columns=["x", "y"]),
                               geometry=gpd.points_from_xy(ll[:, 0], ll[:, 1]), crs=GEO_CRS)
    return DemoCounty(units=unit_gdf, streets=street_gdf, county=county_gdf, water=water_gdf,
                      facilities=fac_gdf, osm_xml=osm, seed=seed, roads=_roads(xy, ways, origin))


def _facility_csv(fac: gpd.GeoDataFrame) -> str:
    table = pd.DataFrame(fac.drop(columns="geometry"))
    table["longitude"] = [f"{x:.7f}" for x in fac.geometry.x]
    table["latitude"] = [f"{y:.7f}" for y in fac.geometry.y]
    return table.to_csv(index=False, lineterminator="\n")


def _readme(demo: DemoCounty) -> str:
    units, fac = demo.units, demo.facilities
    n_nodes = demo.osm_xml.count("<node ")
    n_ways = demo.osm_xml.count("<way ")
    counts = fac.groupby(["type", "status"]).size()
    fac_lines = "\n".join(f"| `{t}` | {s} | {n} |" for (t, s), n in counts.items())
    return f"""# Demo data: {COUNTY_LABEL}

**示例数据，非真实。** Everything in this folder is *synthetic*: a fictional county
(code `{COUNTY_CODE}`, which does not exist) generated by `planner/demo/generate.py` so that
the tool runs offline and out of the box. Names, populations, facilities and the
street network are invented; do not use them for any real decision.

| file | content |
|---|---|
| `boundaries/demo_county.gpkg` | layers `units` ({(units.kind == "community").sum()} 社区 + {(units.kind == "village").sum()} 行政村: code, name, kind, street, street_code, population, pop60, urban_rural_class), `streets` (3 街道, 2 镇, 1 乡), `county` (示例县, `{COUNTY_CODE}000000`), `water` (the river {RIVER_NAME}, for maps), `roads` (name, class `main` / `minor`: the main and village roads of the network, for maps) |
| `facilities/demo_facilities.gpkg` | layer `facilities`: facility_id, name, type, capacity, nursing_beds, status, level, disability_care, grade, operator, point geometry |
| `facilities/demo_facilities.csv` | the same facilities as a table with longitude/latitude (WGS-84), UTF-8 with BOM (opens in Excel) |
| `network/demo_county.osm` | OSM XML 0.6 walking network: {n_nodes} nodes, {n_ways} ways (highway = residential / tertiary / unclassified / footway / path / track); the river is a `waterway=river` way and is crossed only by the 5 ways tagged `bridge=yes` |

All layers are in longitude/latitude (EPSG:4326, WGS-84); the geometry was
built in metres in EPSG:4548 (CGCS2000 / 3-degree Gauss-Kruger CM 117E) around
lon {CENTRE_LONLAT[0]:.2f}, lat {CENTRE_LONLAT[1]:.2f}.

Built-in coverage gaps (on purpose): not every community has a day-care centre
(several south of the river have none, and the walk to the north bank goes over
a bridge), fewer than 85 % of villages have a mutual-aid site, 滨江街道, 石桥镇 and
白云乡 have no comprehensive centre, and villages on the far bank of the river
must detour to the nearest bridge. `candidate` sites sit in these gaps.

`capacity` is places (day care, mutual aid, meal points) or beds (homes,
centres); `nursing_beds` (护理型床位) is empty where it does not apply.
`level` (县级/乡镇级/街道级/社区级/村级), `disability_care` (以失能照护为主: 是/否), `grade`
(等级) and `operator` (公办/公建民营/民办) serve the plans' level, grading and operator targets.

## Facilities

| type | status | count |
|---|---|---|
{fac_lines}

## Regenerate

```
python scripts/make_demo_county.py --out data   # seed {demo.seed}
```

The generator is deterministic: the same seed writes a byte-identical OSM file
(the GeoPackages hold identical values). `tests/test_demo.py` checks that these
files match the generator.
"""


GPKG_DATE = "2024-01-01T00:00:00.000Z"
"""The ``last_change`` the GeoPackages record, fixed so regenerated files are byte-identical."""


@contextlib.contextmanager
def _fixed_gpkg_date() -> Iterator[None]:
    """GeoPackages written inside the block record :data:`GPKG_DATE`, not the clock."""
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    """Write the layers into a new GeoPackage at ``path`` (replaced when there)."""
    path.unlink(missing_ok=True)
    with _fixed_gpkg_date():
        for layer, gdf in layers.items():
            gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")


def _write_all(demo: DemoCounty, out_dir: Path) -> dict[str, Path]:
    paths = {key: out_dir / rel for key, rel in _REL_PATHS.items()}
    for p in paths.values():
        p.parent.mkdir(parents=True, exist_ok=True)
    layers = {layer: getattr(demo, layer) for layer in ("units", "streets", "county", "water")}
    if demo.roads is not None:  # last: the other layers stay as they were
        layers["roads"] = demo.roads
    _write_gpkg(layers, paths["boundaries"])
    _write_gpkg({"facilities": demo.facilities}, paths["facilities"])
    paths["facilities_csv"].write_bytes(_facility_csv(demo.facilities).encode("utf-8-sig"))
    paths["network"].write_bytes(demo.osm_xml.encode("utf-8"))
    paths["readme"].write_bytes(_readme(demo).encode("utf-8"))
    return paths


def write_demo_county(out_dir: str | Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Generate the demo county and write it into a ``data``-style folder.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if needed); files are overwritten.
    seed : int, default 2024
        Seed passed to :func:`make_demo_county`.

    Returns
    -------
    dict of str to Path
        Keys ``boundaries``, ``facilities``, ``facilities_csv``, ``network``
        and ``readme``.
    """
    return _write_all(make_demo_county(seed), Path(out_dir))


# --- a multi-county test province -------------------------------------------------------------

PROVINCE_CODE_PREFIX = "3699"
"""Fictional prefecture code of the demo province's counties (``369901``, ``369902``, ...)."""
PROVINCE_LABEL = "示例市 (synthetic multi-county demo)"
_PROVINCE_GAP = 150.0  # metres between neighbouring county outlines
_BORDER_ROADS = 3  # roads built across each shared border
_BORDER_REACH = 4000.0  # a border road joins nodes at most this far apart (metres)


@dataclass(frozen=True)
class DemoProvince:
    """Several demo counties side by side, joined by roads across their borders (EPSG:4326).

    Same layers as :class:`DemoCounty`; ``county`` has one row per county
    (``code`` ``3699kk000000``, ``name`` 示例一县, 示例二县, ...), unit and
    street codes start with their county's 6-digit code and facility ids
    with ``<county code>-``.  ``border_roads`` lists the roads that cross a
    border (``name``, ``from_county``, ``to_county``, ``length_m``, geometry).
    """

    units: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    county: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    border_roads: gpd.GeoDataFrame
    osm_xml: str
    n_counties: int
    seed: int = DEFAULT_SEED


def _parse_demo_osm(text: str) -> tuple[np.ndarray, list[tuple[list[int], dict[str, str]]]]:
    """Node lon/lat (row k = id k+1, as :func:`_osm_xml` writes them) and ways with row refs."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    nodes = root.findall("node")
    ids = np.array([int(n.attrib["id"]) for n in nodes])
    if not np.array_equal(ids, np.arange(1, len(ids) + 1)):
        raise RuntimeError("demo generator: unexpected node numbering")
    lonlat = np.array([(float(n.attrib["lon"]), float(n.attrib["lat"])) for n in nodes])
    ways = [([int(nd.attrib["ref"]) - 1 for nd in w.findall("nd")],
             {t.attrib["k"]: t.attrib["v"] for t in w.findall("tag")}) for w in root.findall("way")]
    return lonlat, ways


def _translate(gdf: gpd.GeoDataFrame, dx: float, dy: float) -> gpd.GeoDataFrame:
    m = gdf.to_crs(METRIC_CRS)
    m = m.set_geometry(m.geometry.translate(dx, dy))
    return m.to_crs(GEO_CRS)


def _layout(polys: list[Polygon], n_cols: int, gap: float) -> list[tuple[float, float]]:
    """Offsets placing the outlines in rows of ``n_cols``, each ``gap`` from its neighbours.

    Each county starts clear of the others (bounding boxes apart) and is then
    pulled left, then up, by its distance to those placed minus ``gap``; a
    move of d shortens any distance by at most d, so no two overlap.
    """
    w = max(p.bounds[2] - p.bounds[0] for p in polys) + 2 * gap
    h = max(p.bounds[3] - p.bounds[1] for p in polys) + 2 * gap
    placed: list[Polygon] = []
    offsets = []
    x0, y0 = (polys[0].bounds[0] + polys[0].bounds[2]) / 2, (polys[0].bounds[1] + polys[0].bounds[3]) / 2
    for k, p in enumerate(polys):
        r, c = divmod(k, n_cols)
        cx, cy = (p.bounds[0] + p.bounds[2]) / 2, (p.bounds[1] + p.bounds[3]) / 2
        dx, dy = x0 + c * w - cx, y0 - r * h - cy
        if placed:
            others = shapely.union_all(placed)
            for _ in range(6):
                for ex, ey in ((-1.0, 0.0), (0.0, 1.0)):
                    if (ex and c == 0) or (ey and r == 0):
                        continue
                    step = shapely.distance(others, shift(p, dx, dy)) - gap
                    if step > 1.0:
                        dx, dy = dx + ex * step, dy + ey * step
        offsets.append((dx, dy))
        placed.append(shift(p, dx, dy))
    return offsets


def _border_roads(xy: np.ndarray, county_of: np.ndarray, a: int, b: int, polys: list[Polygon],
                  water, count: int) -> list[tuple[int, int]]:
    """Node pairs (a-side, b-side) to join by roads across the a|b border, spread along it."""
    from scipy.spatial import cKDTree

    ia = np.nonzero(county_of == a)[0]  # street nodes only (county_of is -1 on the river's)
    ib = np.nonzero(county_of == b)[0]
    near = ia[shapely.distance(polys[b], shapely.points(xy[ia])) < _BORDER_REACH]
    if near.size == 0:
        return []
    d, j = cKDTree(xy[ib]).query(xy[near])
    order = np.argsort(d, kind="stable")
    chosen: list[tuple[int, int]] = []
    mids: list[np.ndarray] = []
    for k in order:
        if d[k] > _BORDER_REACH or len(chosen) == count:
            break
        na, nb = int(near[k]), int(ib[j[k]])
        mid = (xy[na] + xy[nb]) / 2
        if any(np.hypot(*(mid - m)) < 3000.0 for m in mids):
            continue
        if LineString(xy[[na, nb]]).intersects(water):
            continue
        chosen.append((na, nb))
        mids.append(mid)
    return chosen


def make_demo_province(n_counties: int = 3, seed: int = DEFAULT_SEED) -> DemoProvince:
    """Several synthetic demo counties side by side, for multi-county (province-scale) runs.

    County ``k`` (0-based) is :func:`make_demo_county` with seed ``seed + k``,
    renamed 示例一县, 示例二县, ... with county code ``3699kk`` (``kk = k + 1``;
    fictional), and moved so that the outlines lie in rows of up to four,
    150 m apart.  Up to three roads (``highway=unclassified``) join the
    nearest network nodes across each shared border, so residents near a
    border can walk to a facility in the next county.

    Parameters
    ----------
    n_counties : int, default 3
        Number of counties, 1 to 99.
    seed : int, default 2024
        Seed of the first county (county 1 with the default seed is the demo county 示例县).

    Returns
    -------
    DemoProvince

    Examples
    --------
    >>> p = make_demo_province(2)
    >>> sorted(p.county["code"]), sorted(set(p.units["code"].str[:6]))
    (['369901000000', '369902000000'], ['369901', '369902'])
    """
    if not 1 <= n_counties <= 99:
        raise ValueError("n_counties must be between 1 and 99")
    counties = [make_demo_county(seed + k) for k in range(n_counties)]
    codes = [f"{PROVINCE_CODE_PREFIX}{k + 1:02d}" for k in range(n_counties)]
    names = [f"示例{_cn(k + 1)}县" for k in range(n_counties)]
    polys = [c.county.to_crs(METRIC_CRS).geometry.iloc[0] for c in counties]
    n_cols = int(np.ceil(n_counties / np.ceil(n_counties / 4)))
    offsets = _layout(polys, n_cols, _PROVINCE_GAP)
    moved = [shift(p, dx, dy) for p, (dx, dy) in zip(polys, offsets, strict=True)]

    to_m = Transformer.from_crs(GEO_CRS, METRIC_CRS, always_xy=True)
    xy_parts: list[np.ndarray] = []
    ways: list[tuple[list[int], dict[str, str]]] = []
    county_parts: list[np.ndarray] = []
    layers: dict[str, list[gpd.GeoDataFrame]] = {k: [] for k in ("units", "streets", "county", "water",
                                                                 "facilities")}
    base = 0
    for k, (c, code, name, (dx, dy)) in enumerate(zip(counties, codes, names, offsets, strict=True)):
        lonlat, cways = _parse_demo_osm(c.osm_xml)
        e, n = to_m.transform(lonlat[:, 0], lonlat[:, 1])
        xy_parts.append(np.column_stack([np.asarray(e) + dx, np.asarray(n) + dy]))
        county_parts.append(np.full(len(lonlat), k))
        ways += [([r + base for r in refs], tags) for refs, tags in cways]
        base += len(lonlat)

        def recode(s: pd.Series, code: str = code) -> pd.Series:
            return code + s.astype(str).str[len(COUNTY_CODE):]

        units = _translate(c.units, dx, dy)
        units["code"], units["street_code"] = recode(units["code"]), recode(units["street_code"])
        streets = _translate(c.streets, dx, dy)
        streets["code"] = recode(streets["code"])
        county = _translate(c.county, dx, dy)
        county["code"], county["name"] = recode(county["code"]), name
        water = _translate(c.water, dx, dy)
        fac = _translate(c.facilities, dx, dy)
        fac["facility_id"] = code + "-" + fac["facility_id"].astype(str)
        fac["name"] = fac["name"].str.replace(COUNTY_NAME, name, regex=False)
        for key, gdf in zip(layers, (units, streets, county, water, fac), strict=True):
            layers[key].append(gdf)
    xy = np.vstack(xy_parts)
    county_of = np.concatenate(county_parts)
    on_street = np.zeros(len(xy), bool)
    for refs, tags in ways:
        if "highway" in tags:
            on_street[refs] = True
    county_of[~on_street] = -1
    water_all = shapely.union_all([shift(c.water.to_crs(METRIC_CRS).geometry.iloc[0], dx, dy)
                                   for c, (dx, dy) in zip(counties, offsets, strict=True)])
    roads = []
    for k in range(n_counties):
        r, col = divmod(k, n_cols)
        for nb in ((k - 1) if col > 0 else None, (k - n_cols) if r > 0 else None):
            if nb is None:
                continue
            for i, (na, nb_node) in enumerate(_border_roads(xy, county_of, nb, k, moved, water_all,
                                                            _BORDER_ROADS), start=1):
                rname = f"{names[nb]}至{names[k]}县界公路{_cn(i)}"
                ways.append(([na, nb_node], {"highway": "unclassified", "name": rname}))
                roads.append({"name": rname, "from_county": codes[nb], "to_county": codes[k],
                              "length_m": round(float(np.hypot(*(xy[na] - xy[nb_node]))), 1),
                              "geometry": LineString(xy[[na, nb_node]])})
    origin = _origin()
    osm = _osm_xml(_lonlat(xy - origin, origin), ways, label=PROVINCE_LABEL)
    out = {key: gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=GEO_CRS)
           for key, parts in layers.items()}
    road_gdf = gpd.GeoDataFrame(pd.DataFrame(roads, columns=["name", "from_county", "to_county", "length_m",
                                                             "geometry"]),
                                geometry="geometry", crs=METRIC_CRS).to_crs(GEO_CRS)
    return DemoProvince(units=out["units"], streets=out["streets"], county=out["county"],
                        water=out["water"], facilities=out["facilities"], border_roads=road_gdf,
                        osm_xml=osm, n_counties=n_counties, seed=seed)


def write_demo_province(out_dir: str | Path, n_counties: int = 3, seed: int = DEFAULT_SEED) -> DemoPaths:
    """Generate :func:`make_demo_province` and write it like the demo county's files.

    Writes ``boundaries/demo_province.gpkg`` (layers ``units``, ``streets``,
    ``county``, ``water``, ``border_roads``), ``facilities/demo_province_facilities.gpkg``
    and ``.csv``, and ``network/demo_province.osm`` under ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if needed); files are overwritten.
    n_counties : int, default 3
        Counties side by side.
    seed : int, default 2024
        Seed passed to :func:`make_demo_province`.

    Returns
    -------
    DemoPaths
        Paths of the written files.
    """
    prov = make_demo_province(n_counties, seed)
    root = Path(out_dir)
    paths = DemoPaths(boundaries=root / "boundaries/demo_province.gpkg",
                      facilities=root / "facilities/demo_province_facilities.gpkg",
                      network=root / "network/demo_province.osm",
                      facilities_csv=root / "facilities/demo_province_facilities.csv")
    for p in (paths.boundaries, paths.facilities, paths.network):
        p.parent.mkdir(parents=True, exist_ok=True)
    _write_gpkg({layer: getattr(prov, layer) for layer in ("units", "streets", "county", "water", "border_roads")},
                paths.boundaries)
    _write_gpkg({"facilities": prov.facilities}, paths.facilities)
    paths.facilities_csv.write_bytes(_facility_csv(prov.facilities).encode("utf-8-sig"))
    paths.network.write_bytes(prov.osm_xml.encode("utf-8"))
    return paths

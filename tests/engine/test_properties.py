"""Property-based tests of the engine's invariants on random small networks.

Networks are random planar graphs (Delaunay triangulations of random points in
a 1.5 km square, some edges dropped) built in EPSG:4548 metres; facilities and
points are random positions snapped onto them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import Delaunay
from shapely.geometry import box

from planner.engine.network import network_from_arrays
from planner.engine.travel import add_site, nearest_sites, point_distances, snap_points

pytestmark = pytest.mark.slow  # hypothesis runs each test 25-30 times: a few seconds each

CRS = "EPSG:4548"  # CGCS2000 Gauss–Krüger CM 117E: metres
X0, Y0 = 500_000.0, 3_240_000.0  # near lon 117, lat 29.3
SIDE = 1500.0
TO_LONLAT = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _network(seed: int, n: int, drop: float = 0.25, order: np.random.Generator | None = None):
    """A random planar walking network; ``order`` permutes node ids and segment order."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, SIDE, size=(n, 2))
    tri = Delaunay(xy)
    edges = set()
    for a, b, c in tri.simplices:
        for p, q in ((a, b), (b, c), (a, c)):
            edges.add((min(p, q), max(p, q)))
    edges = np.array(sorted(edges))
    edges = edges[rng.random(len(edges)) >= drop] if len(edges) > n else edges
    ids = np.arange(n) * 7 + 3
    u, v = ids[edges[:, 0]], ids[edges[:, 1]]
    node_pos = np.arange(n)
    if order is not None:
        node_pos = order.permutation(n)
        perm_e = order.permutation(len(u))
        u, v = u[perm_e], v[perm_e]
        flip = order.random(len(u)) < 0.5
        u, v = np.where(flip, v, u), np.where(flip, u, v)
    lon, lat = TO_LONLAT.transform(X0 + xy[node_pos, 0], Y0 + xy[node_pos, 1])
    return network_from_arrays(ids[node_pos], lon, lat, u, v, crs=CRS)


def _xy(seed: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    p = rng.uniform(-100, SIDE + 100, size=(k, 2))
    return X0 + p[:, 0], Y0 + p[:, 1]


net_args = dict(seed=st.integers(0, 2**31 - 1), n=st.integers(5, 40))


@SETTINGS
@given(**net_args, n_sites=st.integers(1, 5), n_points=st.integers(1, 25))
def test_adding_a_site_never_lengthens_a_walk(seed, n, n_sites, n_points):
    net = _network(seed, n)
    sx, sy = _xy(seed, n_sites + 1)
    sites = snap_points(net, sx[:-1], sy[:-1])
    new = snap_points(net, sx[-1:], sy[-1:])
    px, py = _xy(seed + 7, n_points)
    pts = snap_points(net, px, py)
    field = nearest_sites(net, sites)
    d_before, _ = point_distances(net, field, pts, sites)
    grown = add_site(net, field, new, n_sites)
    all_sites = snap_points(net, sx, sy)
    d_after, _ = point_distances(net, grown, pts, all_sites)
    assert np.all(grown.dist <= field.dist + 1e-9)
    assert np.all(d_after <= d_before + 1e-9)
    # the incremental update equals a full recomputation
    full = nearest_sites(net, all_sites)
    np.testing.assert_allclose(grown.dist, full.dist, rtol=0, atol=1e-6)


@SETTINGS
@given(**net_args, n_sites=st.integers(1, 5), n_points=st.integers(1, 25))
def test_walk_is_never_shorter_than_the_straight_line(seed, n, n_sites, n_points):
    net = _network(seed, n)
    sx, sy = _xy(seed, n_sites)
    sites = snap_points(net, sx, sy)
    px, py = _xy(seed + 11, n_points)
    pts = snap_points(net, px, py)
    d, src = point_distances(net, nearest_sites(net, sites), pts, sites)
    ok = src >= 0
    assert np.all(np.isfinite(d[ok]))  # one connected component: everything is reachable
    straight = np.hypot(px[ok] - sx[src[ok]], py[ok] - sy[src[ok]])
    assert np.all(d[ok] >= straight - 1e-6)
    # and never shorter than the straight line to the nearest site of all
    nearest = np.min(np.hypot(px[:, None] - sx[None, :], py[:, None] - sy[None, :]), axis=1)
    assert np.all(d >= nearest - 1e-6)
    # time >= straight-line distance / speed, at any speed
    speed = 0.8
    assert np.all(d[ok] / speed >= straight / speed - 1e-6)


@SETTINGS
@given(**net_args, n_sites=st.integers(1, 6), n_points=st.integers(1, 25),
       perm_seed=st.integers(0, 2**31 - 1))
def test_results_do_not_depend_on_input_order(seed, n, n_sites, n_points, perm_seed):
    order = np.random.default_rng(perm_seed)
    net_a = _network(seed, n)
    net_b = _network(seed, n, order=order)
    sx, sy = _xy(seed, n_sites)
    px, py = _xy(seed + 3, n_points)
    ps = order.permutation(n_sites)
    pp = order.permutation(n_points)
    sites_a = snap_points(net_a, sx, sy)
    sites_b = snap_points(net_b, sx[ps], sy[ps])
    d_a, s_a = point_distances(net_a, nearest_sites(net_a, sites_a), snap_points(net_a, px, py), sites_a)
    d_b, s_b = point_distances(net_b, nearest_sites(net_b, sites_b), snap_points(net_b, px[pp], py[pp]),
                               sites_b)
    np.testing.assert_allclose(d_b, d_a[pp], rtol=0, atol=1e-6)
    # the nearest site is the same one wherever it is not an exact tie
    same = ps[s_b] == s_a[pp]
    assert same.mean() >= 0.5 or n_sites == 1 or not np.isfinite(d_a).any()


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(12, 40), n_fac=st.integers(0, 4))
def test_adding_a_facility_never_lowers_a_units_coverage(seed, n, n_fac):
    from planner.analysis.coverage import unit_coverage
    from planner.engine.model import build_model

    net = _network(seed, n, drop=0.1)
    half = SIDE / 2
    boxes = [box(X0, Y0, X0 + half, Y0 + SIDE), box(X0 + half, Y0, X0 + SIDE, Y0 + SIDE)]
    units = gpd.GeoDataFrame({"code": [None, None], "name": ["甲社区", "乙社区"], "kind": "community",
                              "street": None, "population": [1000.0, 800.0], "pop60": [200.0, 150.0]},
                             geometry=boxes, crs=CRS).to_crs(4326)
    fx, fy = _xy(seed, n_fac + 1)
    lon, lat = TO_LONLAT.transform(fx, fy)
    fac = gpd.GeoDataFrame({"facility_id": [f"F{i}" for i in range(n_fac)], "name": [f"中心{i}" for i in range(n_fac)],
                            "type": "day_care", "capacity": np.nan, "nursing_beds": np.nan,
                            "status": "existing"},
                           geometry=gpd.points_from_xy(lon[:-1], lat[:-1]), crs=4326)
    model = build_model(units, fac, net)
    grown = model.add_facility("day_care", float(lon[-1]), float(lat[-1]))
    d0, _ = model.demand_distance("day_care")
    d1, _ = grown.demand_distance("day_care")
    assert np.all(d1 <= d0 + 1e-9)
    c0, c1 = unit_coverage(model, ["day_care"]), unit_coverage(grown, ["day_care"])
    assert np.all(c1["day_care_share"].to_numpy() >= c0["day_care_share"].to_numpy() - 1e-12)
    assert np.all(c1["day_care_inside"].to_numpy() >= c0["day_care_inside"].to_numpy())
    # 60+-weighted share within 5, 10, 15 minutes, per unit
    unit, w60 = model.demand["unit"].to_numpy(), model.demand["w60"].to_numpy()
    for minutes in (5, 10, 15):
        reach = minutes * 60 * model.speed
        s0 = np.bincount(unit, w60 * (d0 <= reach), minlength=2)
        s1 = np.bincount(unit, w60 * (d1 <= reach), minlength=2)
        assert np.all(s1 >= s0 - 1e-9)

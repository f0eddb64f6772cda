"""Service-area polygons: reached streets inside, unreached streets outside."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.engine.isochrones import reached_pieces, service_area
from planner.engine.travel import nearest_sites, snap_points


def _setup(net, n=5, seed=5):
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = net.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    sites = snap_points(net, cx + rng.normal(0, 300, n), cy + rng.normal(0, 300, n))
    return sites, nearest_sites(net, sites)


def test_service_area_contains_reached_and_excludes_unreached(monaco):
    sites, field = _setup(monaco)
    limit, buf = 300.0, 20.0
    poly = service_area(monaco, field.dist, limit, sites=sites, buffer=buf)
    assert poly.is_valid and not poly.is_empty
    grown = poly.buffer(0.01)
    # every node within the walk is inside
    reached = field.dist <= limit
    pts = shapely.points(monaco.x[reached], monaco.y[reached])
    assert shapely.contains(grown, pts).all()
    # every reached stretch lies inside
    pieces = reached_pieces(monaco, field.dist, limit, sites)
    assert shapely.contains(grown, pieces).all()
    # a node clearly beyond the walk (by more than the buffer from any reached stretch) is outside
    far = field.dist > limit + 200
    fp = shapely.points(monaco.x[far], monaco.y[far])
    reached_lines = shapely.union_all(pieces)
    clear = shapely.distance(fp, reached_lines) > buf + 1.0
    assert clear.sum() > 100
    assert not shapely.intersects(poly, fp[clear]).any()


def test_partial_last_stretch_is_included(monaco):
    """A point partway along a half-reached segment is inside; the unreached end is not."""
    sites, field = _setup(monaco)
    limit = 250.0
    d = field.dist
    ru = limit - d[monaco.u]
    rv = limit - d[monaco.v]
    half = np.nonzero((ru > 5) & (rv < -50) & (monaco.length > 60) & (ru < monaco.length - 40))[0]
    assert half.size > 0
    poly = service_area(monaco, d, limit, sites=sites, buffer=5.0)
    e = half[0]
    inside = shapely.line_interpolate_point(monaco.segments[e], ru[e] - 2.0)
    assert poly.buffer(0.01).contains(inside)
    pieces = reached_pieces(monaco, d, limit, sites)
    far_end = shapely.Point(monaco.x[monaco.v[e]], monaco.y[monaco.v[e]])
    if shapely.distance(far_end, shapely.union_all(pieces)) > 6.0:
        assert not poly.contains(far_end)


def test_longer_walk_never_shrinks_area(monaco):
    sites, field = _setup(monaco)
    areas = [service_area(monaco, field.dist, m * 60.0, sites=sites).area for m in (5, 10, 15)]
    assert areas[0] < areas[1] < areas[2]


def test_service_area_is_smaller_than_convex_hull(monaco):
    sites, field = _setup(monaco, n=1)
    poly = service_area(monaco, field.dist, 900.0, sites=sites)
    reached = field.dist <= 900.0
    hull = shapely.multipoints(np.column_stack([monaco.x[reached], monaco.y[reached]])).convex_hull
    assert poly.area < hull.buffer(25).area


def test_tiled_dissolve_equals_one_dissolve(monaco):
    sites, field = _setup(monaco, n=8)
    one = service_area(monaco, field.dist, 600.0, sites=sites, tile=None)
    tiled = service_area(monaco, field.dist, 600.0, sites=sites, tile=150.0)
    assert tiled.is_valid
    assert shapely.symmetric_difference(one, tiled).area < 1e-6 * one.area


def test_grow_service_area_equals_recompute_after_an_add(monaco):
    """Adding a site: old polygon + the newly reached stretches equals a full rebuild."""
    from planner.engine.isochrones import grow_service_area
    from planner.engine.travel import Snapped, add_site

    sites, field = _setup(monaco, n=4, seed=9)
    x0, y0, x1, y1 = monaco.bounds
    new = snap_points(monaco, [x0 + 0.3 * (x1 - x0)], [y0 + 0.6 * (y1 - y0)])
    after = add_site(monaco, field, new, 4)
    both = Snapped.concat([sites, new])
    for limit in (300.0, 900.0):
        old = service_area(monaco, field.dist, limit, sites=sites)
        grown = grow_service_area(monaco, old, field.dist, after.dist, limit, sites=both)
        full = service_area(monaco, after.dist, limit, sites=both)
        assert grown.area > old.area
        assert grown.symmetric_difference(full).area < 1e-6 * full.area
    with pytest.raises(ValueError, match="grew"):
        grow_service_area(monaco, full, after.dist, field.dist, 900.0)


def test_outlines_drop_only_points_on_straight_runs():
    """The grid outline keeps its shape with fewer points (a county's areas: a third of the points)."""
    import contourpy

    from planner.engine.isochrones import CONTOUR_LEVEL, _drop_collinear

    rng = np.random.default_rng(7)
    z = np.zeros((62, 62))
    z[1:-1, 1:-1] = rng.random((60, 60)) < 0.55  # blobs with holes, diagonal steps and straight runs
    z[10:40, 5:50] = 1
    pts, offs, outer = contourpy.contour_generator(
        z=z, name="serial", corner_mask=False,
        fill_type=contourpy.FillType.ChunkCombinedOffsetOffset).filled(CONTOUR_LEVEL, 2.0)
    pts, offs, outer = pts[0], offs[0], outer[0]

    def polygons(p, o):
        rings = shapely.linearrings(p, indices=np.repeat(np.arange(o.size - 1), np.diff(o)))
        return shapely.multipolygons(shapely.polygons(rings, indices=np.repeat(np.arange(outer.size - 1),
                                                                                np.diff(outer))))

    kept, kept_offs = _drop_collinear(pts, offs)
    before, after = polygons(pts, offs), polygons(kept, kept_offs)
    assert kept.shape[0] < 0.8 * pts.shape[0]
    assert after.is_valid
    # the same outline, to rounding (points dropped lie on their neighbours' line to 1e-14 cells)
    assert shapely.symmetric_difference(before, after).area < 1e-9
    assert shapely.hausdorff_distance(before.boundary, after.boundary) < 1e-9
    # every ring still starts (and ends) where it did
    assert np.array_equal(kept[kept_offs[:-1]], pts[offs[:-1]])
    assert np.array_equal(kept[kept_offs[1:] - 1], pts[offs[1:] - 1])

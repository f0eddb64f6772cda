"""Incremental edits (add, move, remove, status) equal full recomputes, ties included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner import read_boundaries, read_facilities
from planner.analysis.coverage import score_profile, unit_coverage
from planner.demo.county import demo_paths
from planner.engine.model import _type_field, build_model
from planner.engine.network import WalkNetwork, load_network
from planner.engine.travel import nearest_sites, remove_sites, single_site_distances, snap_points


def _lattice(side: int = 25, step: float = 10.0) -> WalkNetwork:
    """A regular lattice with equal segment lengths: walks tie everywhere."""
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="xy")
    x = 500_000.0 + ii.ravel() * step
    y = 3_650_000.0 + jj.ravel() * step
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()]).astype(np.int32)
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()]).astype(np.int32)
    return WalkNetwork("EPSG:32650", node.ravel().astype(np.int64), x, y, u, v, np.full(u.size, step))


def _check_against_full(net, sites, labels, field, limit):
    """``field`` has the distances of a full recompute; a named source is really that near."""
    full = nearest_sites(net, sites, limit=limit)
    np.testing.assert_array_equal(field.dist, full.dist)
    reached = np.isfinite(full.dist)
    np.testing.assert_array_equal(field.source >= 0, reached)
    full_src = np.where(full.source >= 0, labels[np.clip(full.source, 0, None)], -1)
    differ = np.nonzero(field.source != full_src)[0]
    # sources may differ only where two sites are equally near
    pos_of = {int(lab): i for i, lab in enumerate(labels)}
    for lab in np.unique(field.source[differ]):
        d = single_site_distances(net, sites.take([pos_of[int(lab)]]), limit=limit)
        nodes = differ[field.source[differ] == lab]
        np.testing.assert_allclose(d[nodes], field.dist[nodes], rtol=0, atol=1e-9)
    return differ.size


@pytest.mark.parametrize("limit", [np.inf, 120.0])
def test_remove_sites_equals_full_recompute_with_ties(limit):
    net = _lattice()
    rng = np.random.default_rng(0)
    nodes = rng.choice(net.n_nodes, 12, replace=False)
    # sites on nodes and mid-segment (exact halves: more ties)
    x = net.x[nodes] + np.where(np.arange(12) % 3 == 0, 5.0, 0.0)
    sites = snap_points(net, x, net.y[nodes])
    labels = np.arange(100, 112)  # labels need not be positions
    field = nearest_sites(net, sites, limit=limit)
    field = type(field)(field.dist, labels[field.source], field.limit)
    for removed in ([100], [103, 104], [111, 100, 105]):
        keep = ~np.isin(labels, removed)
        got = remove_sites(net, field, removed, sites.take(keep), labels[keep])
        _check_against_full(net, sites.take(keep), labels[keep], got, limit)
        assert not np.isin(got.source, removed).any()
    # the lattice really has nodes equally near two sites
    each = np.array([single_site_distances(net, sites.take([i]), limit=limit) for i in range(12)])
    best = each.min(axis=0)
    assert ((each == best) & np.isfinite(best)).sum(axis=0).max() >= 2


def test_remove_sites_on_real_network(monaco):
    rng = np.random.default_rng(4)
    x0, y0, x1, y1 = monaco.bounds
    sites = snap_points(monaco, rng.uniform(x0, x1, 25), rng.uniform(y0, y1, 25))
    labels = np.arange(25)
    field = nearest_sites(monaco, sites, limit=600.0)
    for removed in ([0], [3, 17], list(range(0, 25, 2))):
        keep = ~np.isin(labels, removed)
        got = remove_sites(monaco, field, removed, sites.take(keep), labels[keep])
        _check_against_full(monaco, sites.take(keep), labels[keep], got, 600.0)


def test_removing_every_site_leaves_nothing_reached():
    net = _lattice(8)
    sites = snap_points(net, net.x[[3, 40]], net.y[[3, 40]])
    field = nearest_sites(net, sites)
    got = remove_sites(net, field, [0, 1], sites.take([]), np.empty(0, np.int64))
    assert np.isinf(got.dist).all() and (got.source == -1).all()


# -- the model: incremental edits against a model rebuilt from scratch --------------


@pytest.fixture(scope="module")
def demo():
    p = demo_paths()
    return read_boundaries(p.boundaries, layer="units"), read_facilities(p.facilities), load_network(p.network)


@pytest.fixture(scope="module")
def demo_model(demo):
    units, fac, net = demo
    return build_model(units, fac, net)


def _assert_same_model(edited, rebuilt):
    for t in set(edited.fields) | set(rebuilt.fields):
        mask = edited.type_mask(t)
        full = _type_field(edited.network, edited.facility_snap, mask, edited.limit)
        # adding sums a walk from its far end (a last-bit difference); removing is exact
        np.testing.assert_allclose(edited.fields[t].dist, full.dist, rtol=1e-12, atol=0)
        # the rebuild went through WGS-84 and back: coordinates move by ~1e-9 m
        np.testing.assert_allclose(edited.fields[t].dist, rebuilt.fields[t].dist, rtol=0, atol=1e-6)
        d_e, s_e = edited.demand_distance(t)
        d_r, s_r = rebuilt.demand_distance(t)
        np.testing.assert_allclose(d_e, d_r, rtol=0, atol=1e-6)
        ids_e = edited.facilities["facility_id"].to_numpy()[s_e[s_e >= 0]]
        ids_r = rebuilt.facilities["facility_id"].to_numpy()[s_r[s_r >= 0]]
        assert (ids_e == ids_r).mean() > 0.99  # ids may differ only on exact ties
    pd.testing.assert_frame_equal(unit_coverage(edited), unit_coverage(rebuilt), rtol=1e-9)
    assert [s.value for s in score_profile(edited)] == pytest.approx(
        [s.value for s in score_profile(rebuilt)], nan_ok=True)


def _rebuild(demo, model):
    units, _, net = demo
    fac = model.facilities.drop(columns=["unit"]).to_crs("EPSG:4326")
    return build_model(units, fac, net)


def test_edits_equal_full_rebuild(demo, demo_model):
    m = demo_model
    unit_coverage(m)  # fill the demand cache so that edits carry it over
    fac = m.facilities
    dc = fac.index[(fac["type"] == "day_care") & m.active].to_numpy()
    fid = str(fac["facility_id"].iloc[dc[len(dc) // 2]])
    other = str(fac["facility_id"].iloc[int(np.nonzero(fac["type"].to_numpy() != "day_care")[0][0])])
    x0, y0, x1, y1 = m.network.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    removed = m.remove_facility(fid)
    assert len(removed.facilities) == len(fac) - 1
    _assert_same_model(removed, _rebuild(demo, removed))

    moved = m.move_facility(fid, cx + 150.0, cy - 80.0, lonlat=False)
    _assert_same_model(moved, _rebuild(demo, moved))

    removed_other = m.remove_facility(other)  # shifts the positions of every later facility
    _assert_same_model(removed_other, _rebuild(demo, removed_other))

    added = m.add_facility("day_care", cx - 300.0, cy + 200.0, lonlat=False)
    _assert_same_model(added, _rebuild(demo, added))

    closed = m.with_status(fid, "closed")
    _assert_same_model(closed, _rebuild(demo, closed))
    reopened = closed.with_status(fid, "existing")
    np.testing.assert_allclose(reopened.fields["day_care"].dist, m.fields["day_care"].dist,
                               rtol=1e-12, atol=0)


def test_demand_cache_returns_copies(demo_model):
    d1, s1 = demo_model.demand_distance("day_care")
    d1[:] = -1.0
    d2, _ = demo_model.demand_distance("day_care")
    assert (d2 >= 0).all()


def test_edit_errors_are_worded_in_chinese(demo_model):
    from planner._errors import InputError
    from planner.schema import FACILITY_TYPES

    with pytest.raises(InputError) as err:
        demo_model.add_facility("spa", 0.0, 0.0, lonlat=False)
    e = err.value
    assert str(e) == f"unknown facility type 'spa' — use one of {', '.join(FACILITY_TYPES)}"
    assert (e.text("en"), e.fix_text("en")) == (e.message, e.hint)
    assert e.text("zh") == "未知的设施类型“spa”" and e.fix_text("zh").startswith("请使用以下类型之一：day_care")
    with pytest.raises(InputError) as err:
        demo_model.remove_facility("NOPE")
    e = err.value
    assert str(e) == "no facility with id 'NOPE'" and e.text("en") == e.message
    assert e.text("zh") == "没有编号为“NOPE”的设施"

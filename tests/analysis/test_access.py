"""Public accessibility API: E2SFCA on real OSM walks against PySAL access, capacity-limited
assignment against networkx min-cost flow, Gini against its definition, equity on the demo county."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from planner._errors import InputError
from planner.analysis.access import (
    accessibility,
    assign_capacity,
    capacity_assignment,
    enhanced_two_step_fca,
    equity_table,
    facility_catchments,
    gini,
    share_beyond,
)
from planner.engine.reach import dense_costs, od_matrix
from planner.engine.travel import snap_points

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")


@pytest.fixture(scope="module")
def demo_model(demo_analysis):
    return demo_analysis.model


def test_e2sfca_on_monaco_walks_matches_pysal_access(monaco):
    acc = pytest.importorskip("access")
    rng = np.random.default_rng(5)
    nodes = rng.choice(monaco.n_nodes, 160, replace=False)
    snap = snap_points(monaco, monaco.x[nodes], monaco.y[nodes])
    minutes = od_matrix(monaco, snap.take(np.arange(140)), snap.take(np.arange(140, 160)), speed=1.0,
                        max_minutes=20)  # demand × facilities
    demand = rng.integers(0, 300, 140).astype(float)
    supply = rng.integers(10, 80, 20).astype(float)
    ours, _ = enhanced_two_step_fca(minutes, demand, supply, 15.0)
    coo = minutes.tocoo()
    cost_df = pd.DataFrame({"origin": coo.row, "dest": coo.col, "cost": coo.data})
    dem = pd.DataFrame({"geoid": np.arange(140), "pop": demand})
    sup = pd.DataFrame({"geoid": np.arange(20), "places": supply})
    a = acc.Access(demand_df=dem, demand_index="geoid", demand_value="pop", supply_df=sup,
                   supply_index="geoid", supply_value="places", cost_df=cost_df,
                   cost_origin="origin", cost_dest="dest", cost_name="cost")
    low = np.exp(-0.5)
    fn = lambda c: (np.exp(-0.5 * (c / 15.0) ** 2) - low) / (1 - low)  # noqa: E731 - the same Gaussian
    ref = a.two_stage_fca(name="e", max_cost=15.0, weight_fn=fn)["e_places"]
    ref = ref.reindex(np.arange(140)).fillna(0.0).to_numpy()
    assert (ours > 0).sum() > 20
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)
    # the dense form (inf beyond the limit) gives the same
    np.testing.assert_allclose(enhanced_two_step_fca(dense_costs(minutes), demand, supply, 15.0)[0], ours)


def mcf_reference(cost: np.ndarray, demand, cap) -> tuple[float, float]:
    """networkx: the most demand servable, and the least total cost at that amount (integer data)."""
    g = nx.DiGraph()
    n_d, n_f = cost.shape
    for i in range(n_d):
        g.add_edge("s", ("d", i), capacity=int(demand[i]), weight=0)
        for j in range(n_f):
            if np.isfinite(cost[i, j]):
                g.add_edge(("d", i), ("f", j), capacity=int(demand[i]), weight=int(cost[i, j]))
    for j in range(n_f):
        g.add_edge(("f", j), "t", capacity=int(cap[j]), weight=0)
    flow = nx.max_flow_min_cost(g, "s", "t")
    value = sum(flow["s"][v] for v in flow["s"])
    return float(value), float(nx.cost_of_flow(g, flow))


@pytest.mark.parametrize("seed", range(5))
def test_assign_capacity_equals_networkx_min_cost_flow(seed):
    rng = np.random.default_rng(seed)
    cost = rng.integers(1, 30, (25, 5)).astype(float)
    cost[rng.random((25, 5)) < 0.4] = np.inf
    demand = rng.integers(0, 40, 25).astype(float)
    cap = rng.integers(10, 120, 5).astype(float)
    a = assign_capacity(cost, demand, cap)
    served, total = mcf_reference(cost, demand, cap)
    assert a.served.sum() == pytest.approx(served, abs=1e-6)
    assert a.total_cost == pytest.approx(total, abs=1e-6)
    assert np.all(a.load <= cap + 1e-6) and np.all(a.served <= demand + 1e-6)
    np.testing.assert_allclose(a.served + a.unmet, demand)
    f = a.flows.tocoo()
    assert np.isfinite(cost[f.row, f.col]).all()  # only pairs within reach
    # sparse input: the same
    i, j = np.nonzero(np.isfinite(cost))
    b = assign_capacity(sp.csr_matrix((cost[i, j], (i, j)), shape=cost.shape), demand, cap)
    assert b.total_cost == pytest.approx(a.total_cost, abs=1e-6)


def test_assign_capacity_bad_shape():
    with pytest.raises(InputError):
        assign_capacity(np.ones((3, 2)), [1, 1], [1, 1])


def test_errors_are_worded_in_chinese(demo_model):
    with pytest.raises(InputError) as err:
        equity_table(demo_model, "day_care", by="乡镇")
    e = err.value
    assert e.code == "access_no_column" and e.message == "the units have no column '乡镇'"
    assert e.text("zh") == "单元表中没有“乡镇”列" and e.fix_text("zh").startswith("现有的列：")
    assert e.fix_text("en") == e.hint and "kind" in e.hint
    with pytest.raises(InputError) as err:
        capacity_assignment(demo_model, "school")
    assert str(err.value).startswith("unknown facility type 'school' — use one of day_care, ")
    assert err.value.text("zh") == "未知的设施类型“school”"
    assert "day_care（社区日间照料中心）" in err.value.fix_text("zh")
    with pytest.raises(InputError) as err:
        assign_capacity(np.ones((3, 2)), [1, 1], [1, 1])
    assert str(err.value) == "cost matrix must be demand × facilities (2, 2), got (3, 2)"
    assert err.value.text("zh") == "费用矩阵的形状应为 需求点数 × 设施数 (2, 2)，实为 (3, 2)"


def test_gini_equals_definition():
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.random(30) * 10
        w = rng.integers(1, 9, 30).astype(float)
        ref = (np.abs(x[:, None] - x[None, :]) * w[:, None] * w[None, :]).sum() / (
            2 * w.sum() ** 2 * np.average(x, weights=w))
        assert gini(x, w) == pytest.approx(ref, rel=1e-12)
        # integer weights are repetitions
        assert gini(np.repeat(x, w.astype(int))) == pytest.approx(ref, rel=1e-12)
    assert gini([3, 3, 3]) == 0.0 and np.isnan(gini([]))
    with pytest.raises(InputError):
        gini([-1, 2])


def test_demo_capacity_assignment_and_equity(demo_model):
    m = demo_model
    table, a = capacity_assignment(m, "day_care")
    cap = pd.to_numeric(m.facilities.loc[m.type_mask("day_care"), "capacity"], errors="coerce").fillna(0)
    assert np.all(a.load <= cap.to_numpy() + 1e-6)
    w = m.demand["w60"].to_numpy(float)
    assert table["served"].sum() + table["unmet"].sum() == pytest.approx(w[m.demand["unit"] >= 0].sum())
    # nobody is served beyond the catchment: served ≤ the 60+ within 15 minutes
    mins, _ = m.demand_minutes("day_care")
    assert a.served.sum() <= w[mins <= 15].sum() + 1e-6
    assert ((table["mean_minutes"].dropna() >= 0) & (table["mean_minutes"].dropna() <= 15 + 1e-9)).all()

    far = share_beyond(m, "day_care", 15)
    unit = m.demand["unit"].to_numpy()
    u0 = int(unit[0])
    sel = unit == u0
    assert far.loc[u0, "share_beyond"] == pytest.approx(w[sel & ~(mins <= 15)].sum() / w[sel].sum())

    eq = equity_table(m, "day_care")
    acc = accessibility(m, "day_care")
    assert eq.loc[0, "gini_access"] == pytest.approx(gini(acc["places_per_1000"], far["pop60"]))
    assert eq.loc[0, "share_beyond"] == pytest.approx(w[(unit >= 0) & ~(mins <= 15)].sum() / w[unit >= 0].sum())
    by_kind = equity_table(m, "day_care", by="kind")
    assert set(by_kind["group"]) == set(m.units["kind"]) and by_kind["units"].sum() == len(m.units)

    cat = facility_catchments(m, "day_care")
    assert len(cat) == int(m.type_mask("day_care").sum())
    # each covered 60+ person has exactly one nearest facility
    assert cat["pop60_nearest"].sum() == pytest.approx(w[mins <= 15].sum(), rel=1e-9)
    assert (cat["pop60_within"] >= cat["pop60_nearest"] - 1e-9).all()


def test_facility_service_areas_cover_their_site_and_union_to_the_types_area(demo_analysis):
    """Each facility's own reach contains it; together they make the type's service area."""
    import shapely

    from planner.analysis.access import facility_service_areas
    from planner.analysis.result import service_area_layer

    model = demo_analysis.model
    own = facility_service_areas(model, "day_care", minutes=(10,), crs=None)
    sites = model.facilities.iloc[np.nonzero(model.type_mask("day_care"))[0]]
    assert len(own) == len(sites)
    # a site off the street is reached from its snap point: test the snap point instead
    snap = model.facility_snap.take(np.nonzero(model.type_mask("day_care"))[0])
    for poly, x, y in zip(own.geometry, snap.x, snap.y, strict=True):
        assert poly.buffer(1.0).contains(shapely.Point(x, y))
    union = shapely.union_all(own.geometry.values)
    whole = service_area_layer(model, ["day_care"], (10,)).to_crs(model.network.crs).geometry.iloc[0]
    # each outline is within ~5.5 m of the exact one (grid method), so the two differ only in
    # slivers narrower than ~12 m: nothing is left once they are shrunk by 6 m
    assert union.symmetric_difference(whole).buffer(-6.0).area < 1e-3 * whole.area

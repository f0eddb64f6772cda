"""2SFCA places per 1,000 elderly, against PySAL access on the same cost matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from planner._errors import InputError
from planner.analysis.capacity import capacity_access, gaussian_decay, two_step_fca

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def access_2sfca(cost: np.ndarray, demand, supply, max_cost, weight_fn=None) -> np.ndarray:
    """PySAL access's two_stage_fca on a dense cost matrix (inf = unreachable)."""
    acc = pytest.importorskip("access")
    i, j = np.nonzero(np.isfinite(cost))
    cost_df = pd.DataFrame({"origin": i, "dest": j, "cost": cost[i, j]})
    dem = pd.DataFrame({"geoid": np.arange(cost.shape[0]), "pop": np.asarray(demand, float)})
    sup = pd.DataFrame({"geoid": np.arange(cost.shape[1]), "places": np.asarray(supply, float)})
    a = acc.Access(demand_df=dem, demand_index="geoid", demand_value="pop", supply_df=sup,
                   supply_index="geoid", supply_value="places", cost_df=cost_df,
                   cost_origin="origin", cost_dest="dest", cost_name="cost")
    out = a.two_stage_fca(name="fca", max_cost=max_cost, weight_fn=weight_fn)
    return out["fca_places"].reindex(np.arange(cost.shape[0])).fillna(0.0).to_numpy()


def random_costs(seed, n_d=80, n_s=12):
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0, 30, (n_d, n_s))
    cost[rng.random((n_d, n_s)) < 0.3] = np.inf
    return cost, rng.integers(0, 500, n_d).astype(float), rng.integers(5, 60, n_s).astype(float)


@pytest.mark.parametrize("seed", range(4))
def test_matches_access_step(seed):
    cost, d, s = random_costs(seed)
    ours, _ = two_step_fca(cost, d, s, 15.0)
    np.testing.assert_allclose(ours, access_2sfca(cost, d, s, 15.0), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_matches_access_gaussian_decay(seed):
    acc = pytest.importorskip("access")
    cost, d, s = random_costs(seed)
    fn = acc.weights.gaussian(8.0)
    ours, _ = two_step_fca(cost, d, s, 20.0, decay=fn)
    np.testing.assert_allclose(ours, access_2sfca(cost, d, s, 20.0, weight_fn=fn), rtol=1e-9, atol=1e-12)
    own = gaussian_decay(20.0)
    assert own(0.0) == pytest.approx(1.0) and own(20.0) == pytest.approx(0.0)
    ours, _ = two_step_fca(cost, d, s, 20.0, decay="gaussian")
    np.testing.assert_allclose(ours, access_2sfca(cost, d, s, 20.0, weight_fn=lambda c: float(own(c))),
                               rtol=1e-9, atol=1e-12)


def test_sparse_and_dense_agree_and_zero_cost_kept():
    cost, d, s = random_costs(7)
    cost[0, 0] = 0.0
    i, j = np.nonzero(np.isfinite(cost))
    sparse = sp.csr_matrix((cost[i, j], (i, j)), shape=cost.shape)
    np.testing.assert_allclose(two_step_fca(sparse, d, s, 15.0)[0], two_step_fca(cost, d, s, 15.0)[0])
    with pytest.raises(InputError):
        two_step_fca(cost[:, :3], d, s, 15.0)


def test_errors_are_worded_in_chinese(demo_analysis):
    with pytest.raises(InputError) as err:
        capacity_access(demo_analysis.model, "school")
    e = err.value
    assert e.code == "capacity_unknown_type" and e.message == "unknown facility type 'school'"
    assert e.text("zh") == "未知的设施类型“school”" and "meal_point（老年助餐点）" in e.fix_text("zh")
    assert e.fix_text("en") == e.hint == ("use one of day_care, street_centre, embedded_home, mutual_aid, "
                                          "meal_point, nursing_home")
    cost, d, s = random_costs(3)
    with pytest.raises(InputError) as err:
        two_step_fca(cost, d, s, 15.0, decay="linear")
    assert str(err.value) == "unknown distance decay 'linear' — use None, 'gaussian' or a function of minutes"
    assert err.value.text("zh") == "未知的距离衰减方式“linear”" and "高斯衰减" in err.value.fix_text("zh")


def test_hand_example():
    # two facilities of 10 places; A reaches only F1, B reaches both
    cost = np.array([[5.0, np.inf], [5.0, 5.0]])
    a, r = two_step_fca(cost, [100, 100], [10, 10], 10)
    np.testing.assert_allclose(r, [10 / 200, 10 / 100])
    np.testing.assert_allclose(a, [0.05, 0.15])
    # without decay, supply is conserved: sum of demand x access = supply that reaches someone
    assert np.dot([100, 100], a) == pytest.approx(20.0)


def test_demo_county_matches_access(demo_analysis):
    from planner.siting import candidate_coverage

    m = demo_analysis.model
    res = capacity_access(m, "day_care")
    w = m.demand["w60"].to_numpy(float)
    idx = np.nonzero(m.type_mask("day_care"))[0]
    cap = m.facilities["capacity"].to_numpy(float)[idx]
    # conservation (no decay): the 60+ reached times their places per person sum to the places
    reached = res.facilities["pop60_in_catchment"].to_numpy() > 0
    assert np.dot(w, res.demand) / 1000 == pytest.approx(cap[reached].sum())
    # the same walking-minute matrix through PySAL access
    metres = candidate_coverage(m, m.facility_snap.take(idx), 15.0)
    cost = np.full(metres.shape[::-1], np.inf)
    coo = metres.tocoo()
    cost[coo.col, coo.row] = coo.data / 60.0
    ref = access_2sfca(cost, w, cap, 15.0)
    np.testing.assert_allclose(res.demand / 1000, ref, rtol=1e-9, atol=1e-12)
    # per unit: the 60+-weighted mean; communities in the town have places, most villages none
    u = res.units
    assert u.loc[u["kind"] == "community", "places_per_1000"].max() > 0
    unit = m.demand["unit"].to_numpy()
    k = int(u["places_per_1000"].idxmax())
    sel = unit == k
    assert u.loc[k, "places_per_1000"] == pytest.approx(np.average(res.demand[sel], weights=w[sel]))
    g = capacity_access(m, "day_care", decay="gaussian")
    assert g.decay == "gaussian" and np.all(np.isfinite(g.demand))

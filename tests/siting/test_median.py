"""p-median and p-center: brute force on small matrices, PySAL spopt (CBC) on real OSM walks of Monaco."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from planner._errors import InputError, SolverError
from planner.engine.reach import dense_costs, od_frame, od_matrix, reach_matrix
from planner.engine.travel import snap_points
from planner.siting.median import MedianProblem, p_center, p_median, walks

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp.*")


def random_matrix(seed: int, n_d: int = 30, n_c: int = 7, n_e: int = 2, reach: float | None = None):
    """Euclidean distances in the unit square: demand × (existing + candidates)."""
    rng = np.random.default_rng(seed)
    d = rng.random((n_d, 2))
    f = rng.random((n_e + n_c, 2))
    cost = np.hypot(*(d[:, None, :] - f[None, :, :]).transpose(2, 0, 1))
    if reach is not None:
        cost = np.where(cost <= reach, cost, np.inf)
    return cost, rng.integers(1, 20, n_d).astype(float)


def problem_of(cost, w, n_e, unserved=np.inf, capacity=None):
    ex = cost[:, :n_e].min(axis=1) if n_e else None
    return MedianProblem(cost[:, n_e:], w, ex, capacity=capacity, unserved=unserved)


def brute(problem: MedianProblem, k: int, what: str) -> float:
    best = np.inf
    for combo in itertools.combinations(range(problem.n_candidates), k):
        m, _ = walks(problem, combo)
        act = problem.active
        v = (float(np.sum(problem.weights[act] * m[act])) if what == "total"
             else float(np.max(m[act & (problem.weights > 0)])))
        best = min(best, v)
    return best


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_p_median_and_p_center_equal_brute_force(seed, k):
    cost, w = random_matrix(seed)
    p = problem_of(cost, w, 2)
    s = p_median(p, k, method="milp")
    assert s.optimal and s.chosen.size == k
    assert s.value == pytest.approx(brute(p, k, "total"))
    assert s.saving.sum() == pytest.approx(s.total_before - s.total_after)
    assert s.served.sum() == pytest.approx(w[s.assigned >= 0].sum())
    c = p_center(p, k, method="milp")
    assert c.optimal and c.value == pytest.approx(brute(p, k, "max"))
    # the p-center tie-break: least total walk among the sites meeting the worst walk
    assert c.total_after >= s.total_after - 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_unreachable_demand_is_reported_not_dropped(seed):
    cost, w = random_matrix(seed, n_d=40, reach=0.35)
    p = problem_of(cost, w, 2, unserved=0.35)
    s = p_median(p, 2)
    out = p.outside
    assert out.any()  # every seed has points nobody reaches (checked: 9, 13, 2, 1)
    assert s.n_outside == int(out.sum()) and s.weight_outside == pytest.approx(w[out].sum())
    assert np.isnan(s.minutes[out]).all() and (s.assigned[out] == -2).all()
    assert s.value == pytest.approx(brute(p, 2, "total"))
    left = ~out & ~np.isfinite(p.existing) & (s.assigned == -1)
    assert s.weight_unserved == pytest.approx(w[left].sum())
    # forcing every point to be served: fewer sites than needed is an error, not a silent drop
    hard = problem_of(cost, w, 2)
    with pytest.raises(SolverError):
        p_median(hard, 1)


@pytest.mark.parametrize("seed", range(6))
def test_greedy_is_labelled_and_within_bound(seed):
    cost, w = random_matrix(seed, n_d=60, n_c=10)
    p = problem_of(cost, w, 2)
    for k in (2, 3):
        g = p_median(p, k, method="greedy")
        e = p_median(p, k, method="milp")
        assert not g.optimal and "1 − 1/e" in g.bound
        assert g.value >= e.value - 1e-9
        assert g.total_before - g.total_after >= (1 - 1 / np.e) * (e.total_before - e.total_after) - 1e-9
        gc = p_center(p, k, method="greedy")
        assert not gc.optimal and gc.value >= p_center(p, k).value - 1e-9


@pytest.mark.parametrize("seed", range(3))
def test_capacitated_p_median_equals_brute_force(seed):
    from planner.analysis.access import assign_capacity

    cost, w = random_matrix(seed, n_d=25, n_c=6)
    cap = np.random.default_rng(seed).integers(20, 80, 6).astype(float)
    p = problem_of(cost, w, 2, capacity=cap)
    base = p.base
    for k in (1, 2):
        s = p_median(p, k)
        best = np.inf
        for combo in itertools.combinations(range(6), k):
            sub = cost[:, 2:][:, list(combo)]
            a = assign_capacity(np.where(sub < base[:, None], sub, np.inf), w, cap[list(combo)],
                                fallback=base)
            best = min(best, float(a.total_cost + (w - a.served) @ base))
        assert s.value == pytest.approx(best, rel=1e-7)
        assert np.all(s.served <= cap[s.chosen] + 1e-6)


def test_bad_input():
    with pytest.raises(InputError):
        MedianProblem(np.ones((3, 2)), [1, 2])
    with pytest.raises(InputError):
        p_median(MedianProblem(np.ones((2, 2)), [1, 1]), -1)
    with pytest.raises(InputError):
        p_center(MedianProblem(np.ones((2, 2)), [1, 1], capacity=[1, 1]), 1)


def test_bad_input_and_solver_failures_are_worded_in_chinese():
    with pytest.raises(InputError) as err:
        p_center(MedianProblem(np.ones((2, 2)), [1, 1], capacity=[1, 1]), 1)
    assert str(err.value) == "p-center does not use capacities — drop --capacitated, or use p-median"
    assert err.value.display("zh") == ("p-中心模型（最远步行最短）不考虑容量 — "
                                       "去掉 --capacitated，或改用 p-中值模型（pmedian）")
    with pytest.raises(InputError) as err:
        MedianProblem(np.ones((3, 2)), [1, 2])
    assert str(err.value) == "cost has 3 demand rows but 2 weights"
    assert err.value.text("zh") == "步行时间矩阵有 3 行需求点，但权重有 2 个"
    with pytest.raises(InputError) as err:
        p_median(MedianProblem(np.ones((2, 2)), [1, 1]), -1)
    assert err.value.text("zh") == "新增设施数量须为 0 或以上，当前为 -1"
    # two points, each reached by one candidate only: one new site cannot serve both
    apart = np.array([[1.0, np.inf], [np.inf, 1.0]])
    with pytest.raises(SolverError) as err:
        p_median(MedianProblem(apart, [1, 1]), 1, method="milp")
    assert str(err.value) == ("1 new sites cannot serve every point that only new sites reach — more sites, "
                              "more candidates, or a finite unserved charge")
    assert err.value.text("zh") == "1 处新增设施无法服务所有只有新增设施才能到达的需求点"
    assert "候选点" in err.value.fix_text("zh")
    with pytest.raises(SolverError) as err:
        p_center(MedianProblem(apart, [1, 1]), 1)
    assert str(err.value).startswith("1 sites cannot bring every point within reach — ")
    assert err.value.text("zh") == "1 处新增设施无法使所有需求点都在步行可达范围内"


# -- real OSM walks: Monaco ---------------------------------------------------------
@pytest.fixture(scope="module")
def monaco_case(monaco):
    rng = np.random.default_rng(7)
    nodes = rng.choice(monaco.n_nodes, 140, replace=False)
    demand, cands, existing = nodes[:110], nodes[110:136], nodes[136:]
    snap = snap_points(monaco, monaco.x[nodes], monaco.y[nodes])
    dsnap = snap.take(np.arange(110))
    fsnap = snap.take(np.r_[np.arange(136, 140), np.arange(110, 136)])  # existing first
    minutes = od_matrix(monaco, dsnap, fsnap, speed=1.0)
    w = rng.integers(1, 60, 110).astype(float)
    return dense_costs(minutes), w, 4, (demand, cands, existing)


@pytest.mark.parametrize("k", [2, 4])
def test_p_median_matches_spopt_on_monaco(monaco_case, k):
    pulp = pytest.importorskip("pulp")
    spopt = pytest.importorskip("spopt.locate")
    cost, w, n_e, _ = monaco_case
    assert np.isfinite(cost).all()  # the largest component: every pair connected
    pre = np.r_[np.ones(n_e), np.zeros(cost.shape[1] - n_e)].astype(int)
    ref = spopt.PMedian.from_cost_matrix(cost, w, p_facilities=n_e + k, predefined_facilities_arr=pre)
    ref = ref.solve(pulp.PULP_CBC_CMD(msg=False))
    ours = p_median(problem_of(cost, w, n_e), k)
    assert ours.optimal
    assert ours.value == pytest.approx(pulp.value(ref.problem.objective), rel=1e-9)


@pytest.mark.parametrize("k", [2, 4])
def test_p_center_matches_spopt_on_monaco(monaco_case, k):
    pulp = pytest.importorskip("pulp")
    spopt = pytest.importorskip("spopt.locate")
    cost, w, n_e, _ = monaco_case
    pre = np.r_[np.ones(n_e), np.zeros(cost.shape[1] - n_e)].astype(int)
    ref = spopt.PCenter.from_cost_matrix(cost, p_facilities=n_e + k, predefined_facilities_arr=pre)
    ref = ref.solve(pulp.PULP_CBC_CMD(msg=False))
    ours = p_center(problem_of(cost, w, n_e), k)
    assert ours.optimal
    # CBC prints the radius variable to 7 digits: compare the worst walk of spopt's own sites, exactly
    open_ = [j for j, v in enumerate(ref.fac_vars) if v.value() > 0.5]
    assert len(open_) == n_e + k and set(range(n_e)) <= set(open_)
    assert ours.value == pytest.approx(cost[:, open_].min(axis=1).max(), rel=1e-12)
    assert ours.value == pytest.approx(pulp.value(ref.problem.objective), rel=1e-6)


def test_od_matrix_equals_networkx_on_monaco(monaco):
    rng = np.random.default_rng(11)
    o = rng.choice(monaco.n_nodes, 15, replace=False)
    d = rng.choice(monaco.n_nodes, 40, replace=False)
    osnap = snap_points(monaco, monaco.x[o], monaco.y[o])
    dsnap = snap_points(monaco, monaco.x[d], monaco.y[d])
    G = nx.Graph()
    for a, b, length in zip(monaco.u.tolist(), monaco.v.tolist(), monaco.length.tolist(), strict=True):
        if not G.has_edge(a, b) or G[a][b]["w"] > length:
            G.add_edge(a, b, w=length)
    limit = 1200.0
    m = od_matrix(monaco, osnap, dsnap, max_metres=limit)
    full = dense_costs(od_matrix(monaco, osnap, dsnap))
    for r, node in enumerate(o):
        ref = nx.single_source_dijkstra_path_length(G, int(node), weight="w")
        want = np.array([ref.get(int(x), np.inf) for x in d])
        np.testing.assert_allclose(full[r], want, rtol=1e-9, atol=1e-6)
        row = dense_costs(m[r])[0]
        inside = want <= limit
        np.testing.assert_allclose(row[inside], want[inside], rtol=1e-9, atol=1e-6)
        assert not np.isfinite(row[~inside]).any()
    # walks are symmetric: searching from the destinations gives the same (od_matrix searches from
    # the smaller side), and the many-origins path returns origins as rows
    back = dense_costs(reach_matrix(monaco, dsnap, osnap, np.inf)).T
    np.testing.assert_allclose(back, full, rtol=1e-12, atol=1e-5)  # to 10 µm
    np.testing.assert_allclose(dense_costs(od_matrix(monaco, dsnap, osnap)), full.T, rtol=1e-12, atol=1e-5)
    # minutes at a speed, and the long table
    mins = od_matrix(monaco, osnap, dsnap, speed=0.8, max_minutes=25)
    assert sp.issparse(mins) and mins.nnz == int((full <= 0.8 * 25 * 60).sum())
    np.testing.assert_allclose(dense_costs(mins)[np.isfinite(dense_costs(mins))],
                               full[full <= 1200] / 0.8 / 60)
    table = od_frame(m, [f"o{i}" for i in range(15)], [f"d{i}" for i in range(40)], speed=1.0)
    assert list(table.columns) == ["origin_id", "destination_id", "minutes", "metres"]
    assert len(table) == m.nnz and (table["metres"] <= limit).all()
    np.testing.assert_allclose(table["minutes"], table["metres"] / 60.0)

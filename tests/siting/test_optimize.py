"""Site suggestions: MCLP/LSCP against brute force, PySAL spopt (CBC), and the model itself."""

from __future__ import annotations

import itertools
import json
import re
from types import SimpleNamespace

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import shapely

from planner._errors import InputError
from planner.analysis.coverage import score_target, unit_target_status
from planner.engine.travel import snap_points
from planner.siting import (
    CoverProblem,
    UnitRule,
    add_suggestions,
    candidate_coverage,
    evaluate,
    generate_candidates,
    maximal_covering,
    set_covering,
    suggest_sites,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp.*")


# -- fixtures ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_model(demo_analysis):
    return demo_analysis.model


def random_problem(seed: int, n_c: int = 9, n_d: int = 60, radius: float = 0.3, n_existing: int = 2):
    """Points in the unit square: a real (Euclidean) cost matrix, some demand pre-covered."""
    rng = np.random.default_rng(seed)
    dem = rng.random((n_d, 2))
    fac = rng.random((n_c + n_existing, 2))
    cost = np.hypot(*(dem[:, None, :] - fac[None, :, :]).transpose(2, 0, 1))  # demand × facilities
    w = rng.integers(1, 50, n_d).astype(float)
    return cost, w, radius


def problem_from_cost(cost, w, radius, n_existing):
    """Our problem: candidates are the columns after the existing ones."""
    existing = cost[:, :n_existing]
    cand = cost[:, n_existing:]
    covered = (existing <= radius).any(axis=1)
    cover = sp.csr_matrix(np.where(cand.T <= radius, cand.T + 1.0, 0.0))
    return CoverProblem(cover, w, covered)


def brute_mclp(problem: CoverProblem, k: int, objective: str = "population") -> float:
    best = -1.0
    for combo in itertools.combinations(range(problem.n_candidates), k):
        ev = evaluate(problem, combo)
        best = max(best, ev.units_met if objective == "units" else ev.weight)
    return best


def brute_lscp(problem: CoverProblem, needed: float, objective: str = "population") -> int | None:
    for k in range(problem.n_candidates + 1):
        for combo in itertools.combinations(range(problem.n_candidates), k):
            ev = evaluate(problem, combo)
            if (ev.units_met if objective == "units" else ev.weight) >= needed - 1e-9:
                return k
    return None


# -- exact methods on matrices -------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_mclp_equals_brute_force(seed, k):
    cost, w, r = random_problem(seed)
    p = problem_from_cost(cost, w, r, 2)
    sol = maximal_covering(p, k)
    assert sol.optimal and sol.chosen.size == k
    assert sol.after == pytest.approx(brute_mclp(p, k))
    # marginal gains add up to the total gain, in non-increasing order of first pick
    assert sol.gain_weight.sum() == pytest.approx(sol.after - sol.before)
    assert sol.before == pytest.approx(w[p.covered].sum())


@pytest.mark.parametrize("seed", range(6))
def test_mclp_matches_spopt(seed):
    pulp = pytest.importorskip("pulp")
    spopt = pytest.importorskip("spopt.locate")
    cost, w, r = random_problem(seed, n_c=12, n_d=120, radius=0.25, n_existing=3)
    k = 3
    pre = np.r_[np.ones(3), np.zeros(12)].astype(int)
    ref = spopt.MCLP.from_cost_matrix(cost, w, service_radius=r, p_facilities=k + 3,
                                      predefined_facilities_arr=pre)
    ref = ref.solve(pulp.PULP_CBC_CMD(msg=False))
    ours = maximal_covering(problem_from_cost(cost, w, r, 3), k)
    assert ours.after == pytest.approx(pulp.value(ref.problem.objective))


@pytest.mark.parametrize("seed", range(6))
def test_lscp_matches_spopt_and_brute_force(seed):
    pulp = pytest.importorskip("pulp")
    spopt = pytest.importorskip("spopt.locate")
    cost, w, r = random_problem(seed, n_c=10, n_d=80, radius=0.3, n_existing=2)
    reach = (cost <= r).any(axis=1)
    cost, w = cost[reach], w[reach]  # classic LSCP needs every demand point coverable
    pre = np.r_[np.ones(2), np.zeros(10)].astype(int)
    ref = spopt.LSCP.from_cost_matrix(cost, service_radius=r, predefined_facilities_arr=pre)
    ref = ref.solve(pulp.PULP_CBC_CMD(msg=False))
    p = problem_from_cost(cost, w, r, 2)
    ours = set_covering(p, 1.0)
    assert ours.met and ours.optimal
    assert ours.chosen.size + 2 == round(pulp.value(ref.problem.objective))
    assert ours.chosen.size == brute_lscp(p, w.sum())
    assert ours.after == pytest.approx(w.sum())


@pytest.mark.parametrize("seed", range(4))
def test_partial_lscp_equals_brute_force(seed):
    cost, w, r = random_problem(seed, radius=0.2)
    p = problem_from_cost(cost, w, r, 2)
    for share in (0.5, 0.7, 0.8):
        sol = set_covering(p, share)
        best = evaluate(p, range(p.n_candidates)).weight
        if best < share * w.sum():
            assert not sol.met
            assert sol.after == pytest.approx(best)  # as close as possible
            assert sol.chosen.size == brute_lscp(p, best)
        else:
            assert sol.met and sol.after >= share * w.sum() - 1e-9
            assert sol.chosen.size == brute_lscp(p, share * w.sum())


def test_infeasible_target_reports_how_close():
    cover = np.array([[1, 1, 0, 0], [0, 1, 0, 0]])
    sol = set_covering(CoverProblem(cover, [1, 1, 1, 1]), 0.9)
    assert sol.met is False
    assert sol.best_possible == pytest.approx(2.0)
    assert sol.chosen.tolist() == [0]  # one site already gets as close as possible


# -- greedy ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
def test_greedy_within_bound_and_labelled(seed):
    cost, w, r = random_problem(seed, n_c=10, n_d=80, radius=0.25)
    p = problem_from_cost(cost, w, r, 2)
    for k in (2, 3):
        g = maximal_covering(p, k, method="greedy")
        e = maximal_covering(p, k, method="milp")
        assert not g.optimal and "1 − 1/e" in g.bound
        assert e.after - e.before >= g.after - g.before - 1e-9
        assert g.after - g.before >= (1 - 1 / np.e) * (e.after - e.before) - 1e-9
    gl = set_covering(p, 0.6, method="greedy")
    el = set_covering(p, 0.6)
    assert gl.met == el.met and gl.chosen.size >= el.chosen.size


def test_greedy_known_worse_instance():
    # the classic trap: the big middle set first, then two more; the optimum is the two halves
    cover = np.array([[1, 1, 1, 1, 0, 0, 0, 0],   # left half
                      [0, 0, 0, 0, 1, 1, 1, 1],   # right half
                      [0, 0, 1, 1, 1, 1, 1, 0]])  # greedy's pick (5 points)
    p = CoverProblem(cover, np.ones(8))
    assert maximal_covering(p, 2, method="greedy").after == 7
    assert maximal_covering(p, 2).after == 8


# -- units objective ----------------------------------------------------------------
def unit_problem(seed, rule):
    rng = np.random.default_rng(seed)
    n_c, n_d, n_u = 8, 50, 10
    cover = (rng.random((n_c, n_d)) < 0.15).astype(float)
    w = rng.integers(1, 20, n_d).astype(float)
    d_unit = rng.integers(0, n_u, n_d)
    rule_ = UnitRule(demand_unit=d_unit, candidate_unit=rng.integers(-1, n_u, n_c),
                     applies=np.arange(n_u) < 8, rule=rule, unit_share=0.5,
                     inside_before=(np.arange(n_u) == 0).astype(int))
    return CoverProblem(cover, w, rng.random(n_d) < 0.2, units=rule_)


@pytest.mark.parametrize("rule", ["inside", "walk", "inside_or_walk"])
@pytest.mark.parametrize("seed", range(4))
def test_units_objective_equals_brute_force(rule, seed):
    p = unit_problem(seed, rule)
    for k in (1, 2, 3):
        sol = maximal_covering(p, k, objective="units")
        assert sol.after == brute_mclp(p, k, "units")
    n_applies = int(p.units.applies.sum())
    for share in (0.5, 0.75):
        sol = set_covering(p, share, objective="units")
        best = evaluate(p, range(p.n_candidates)).units_met
        goal = share * n_applies if best >= share * n_applies - 1e-9 else best
        assert sol.chosen.size == brute_lscp(p, goal, "units")


# -- capacitated ------------------------------------------------------------------
def max_flow_served(cover, resid, cap, sites) -> float:
    """Independent reference: demand servable by the open sites (networkx max flow)."""
    g = nx.DiGraph()
    for j in sites:
        g.add_edge("s", ("c", j), capacity=float(cap[j]))
        for i in np.nonzero(cover[j])[0]:
            g.add_edge(("c", j), ("d", i), capacity=float("inf"))
    for i in range(resid.size):
        g.add_edge(("d", i), "t", capacity=float(resid[i]))
    return nx.maximum_flow_value(g, "s", "t") if sites else 0.0


@pytest.mark.parametrize("seed", range(4))
def test_capacitated_equals_max_flow_brute_force(seed):
    rng = np.random.default_rng(seed)
    cover = (rng.random((7, 30)) < 0.25).astype(float)
    w = rng.integers(1, 10, 30).astype(float)
    cap = rng.integers(5, 30, 7).astype(float)
    covered = rng.random(30) < 0.2
    p = CoverProblem(sp.csr_matrix(cover * (1 + rng.random((7, 30)))), w, covered, capacity=cap)
    resid = np.where(covered, 0, w)
    for k in (1, 2, 3):
        sol = maximal_covering(p, k)
        best = max(max_flow_served(cover, resid, cap, list(c))
                   for c in itertools.combinations(range(7), k))
        assert sol.after - sol.before == pytest.approx(best, abs=1e-6)
        assert np.all(sol.served <= cap[sol.chosen] + 1e-6)
        g = maximal_covering(p, k, method="greedy")
        assert g.after - g.before <= best + 1e-6 and not g.optimal


# -- on the demo county ---------------------------------------------------------------
def test_demo_mclp_day_care_matches_model_and_spopt(demo_model):
    pulp = pytest.importorskip("pulp")
    spopt = pytest.importorskip("spopt.locate")
    m = demo_model
    s = suggest_sites(m, "day_care", count=3)
    assert s.optimal and s.objective == "population" and s.candidates_source == "model"
    assert len(s.chosen) == 3 and s.chosen["order"].tolist() == [1, 2, 3]
    assert set(s.chosen["candidate_id"]) <= {f"DC{i}" for i in range(10, 20)}
    # the model with the sites added covers exactly what the optimiser says
    after = add_suggestions(m, s)
    w = m.demand["w60"].to_numpy(float)
    mins, _ = after.demand_minutes("day_care")
    assert s.weight_after == pytest.approx(w[mins <= 15].sum(), rel=1e-9)
    mins0, _ = m.demand_minutes("day_care")
    assert s.weight_before == pytest.approx(w[mins0 <= 15].sum(), rel=1e-9)
    assert s.chosen["gain_pop60"].sum() == pytest.approx(s.after - s.before, abs=1e-2)
    # spopt on the same cost matrix: existing day-care centres + the 10 candidates, walking metres
    f = m.facilities
    ex = np.nonzero(m.type_mask("day_care"))[0]
    ca = np.nonzero(((f["status"] == "candidate") & (f["type"] == "day_care")).to_numpy())[0]
    sites = m.facility_snap.take(np.r_[ex, ca])
    metres = candidate_coverage(m, sites, 15.0)
    cost = np.full(metres.shape, 1e9)
    coo = metres.tocoo()
    cost[coo.row, coo.col] = coo.data
    ref = spopt.MCLP.from_cost_matrix(cost.T, w, service_radius=900.0, p_facilities=ex.size + 3,
                                      predefined_facilities_arr=np.r_[np.ones(ex.size), np.zeros(ca.size)].astype(int))
    ref = ref.solve(pulp.PULP_CBC_CMD(msg=False))
    assert s.after == pytest.approx(pulp.value(ref.problem.objective), rel=1e-9)


def test_demo_mutual_aid_85_percent_of_villages(demo_model):
    m = demo_model
    s = suggest_sites(m, "mutual_aid", target=0.85)
    assert s.objective == "units" and s.target_id == "mutual_aid_village"
    assert s.met and s.optimal and s.share_after >= 0.85
    t = next(t for t in m.profile.targets if t.id == "mutual_aid_village")
    after = add_suggestions(m, s)
    # our unit count agrees with the project's own scoring, before and after
    assert s.before == unit_target_status(m, t)["met"].sum()
    assert s.after == unit_target_status(after, t)["met"].sum()
    row = s.targets.set_index("target_id").loc["mutual_aid_village"]
    assert row["value_after"] == pytest.approx(score_target(after, t).value) and row["met_after"]
    # the fewest: no smaller subset of the 8 candidates reaches 85 %
    f = m.facilities
    ids = f.loc[(f["status"] == "candidate") & (f["type"] == "mutual_aid"), "facility_id"].tolist()
    need = int(np.ceil(0.85 * s.total - 1e-9))
    for combo in itertools.combinations(ids, len(s.chosen) - 1):
        mm = m
        for fid in combo:
            mm = mm.with_status(fid, "planned")
        assert unit_target_status(mm, t)["met"].sum() < need
    # promoted candidates keep their ids and names
    promoted = after.facilities.set_index("facility_id").loc[s.chosen["candidate_id"]]
    assert (promoted["status"] == "planned").all()


def test_demo_generated_candidates(demo_model):
    m = demo_model
    g = generate_candidates(m, "day_care", spacing=400.0)
    assert len(g) > 10 and g["candidate_id"].is_unique and g.crs.to_epsg() == 4326
    x, y = m.network.project(g.geometry.x.to_numpy(), g.geometry.y.to_numpy())
    cells = set(zip(np.floor(x / 400).astype(int), np.floor(y / 400).astype(int), strict=True))
    assert len(cells) == len(g)  # at most one per 400 m cell
    assert m.units.sindex.query(shapely.points(x, y), predicate="within")[0].size >= len(g)
    small = generate_candidates(m, "day_care", spacing=100.0, max_candidates=50)
    assert len(small) <= 50
    s = suggest_sites(m, "day_care", count=2, candidates="generate")
    assert s.candidates_source == "generated" and s.after > s.before


def test_given_candidates_and_custom_demand(demo_model):
    m = demo_model
    lon, lat = m.network.lonlat()
    rng = np.random.default_rng(3)
    pick = rng.choice(m.network.n_nodes, 40, replace=False)
    dem = pd.DataFrame({"point_id": [f"D{i}" for i in range(40)], "weight": rng.integers(1, 100, 40)})
    import geopandas as gpd

    dem = gpd.GeoDataFrame(dem, geometry=shapely.points(lon[pick], lat[pick]), crs="EPSG:4326")
    cand = gpd.GeoDataFrame({"point_id": ["A", "B", "C"]},
                            geometry=shapely.points(lon[pick[:3]], lat[pick[:3]]), crs="EPSG:4326")
    s = suggest_sites(m, "day_care", count=1, candidates=cand, demand=dem)
    assert s.candidates_source == "given" and s.total == pytest.approx(dem["weight"].sum())
    # brute force with the model: add each candidate, measure the weight within 15 min
    dsnap = snap_points(m.network, *m.network.project(lon[pick], lat[pick]))
    best = 0.0
    for i in range(3):
        mm = m.add_facility("day_care", lon[pick[i]], lat[pick[i]])
        d, _ = mm.point_distance(dsnap, "day_care")
        best = max(best, float(dem["weight"].to_numpy()[d / 60.0 <= 15].sum()))
    assert s.after == pytest.approx(best)


def test_bad_arguments(demo_model):
    with pytest.raises(InputError):
        suggest_sites(demo_model, "day_care")
    with pytest.raises(InputError):
        suggest_sites(demo_model, "day_care", count=2, target=0.5)
    with pytest.raises(InputError):
        suggest_sites(demo_model, "no_such_type", count=2)
    with pytest.raises(InputError):
        suggest_sites(demo_model, "mutual_aid", target=85)


def _is_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_bad_arguments_are_worded_in_chinese_and_english_unchanged(demo_model):
    with pytest.raises(InputError) as err:
        suggest_sites(demo_model, "day_care", count=2, target=0.5)
    exc = err.value
    assert exc.code == "siting_count_or_share"
    assert str(exc) == ("give either a number of sites or a target share, not both/neither — "
                        "--count K or --target SHARE (e.g. 0.85)")
    assert exc.text("zh") == "新增设施数量与目标比例须给出且只能给出其中一项"
    assert "--count K" in exc.fix_text("zh") and "--target" in exc.fix_text("zh")
    assert exc.text("en") == exc.message and exc.fix_text("en") == exc.hint
    with pytest.raises(InputError) as err:
        suggest_sites(demo_model, "mutual_aid", target=85)
    assert str(err.value) == "target share must be between 0 and 1, got 85 — write 85 % as 0.85"
    assert err.value.text("zh") == "目标比例须在 0 到 1 之间，当前为 85" and "0.85" in err.value.fix_text("zh")
    # a facility type is named in Chinese (the English text keeps its own words)
    with pytest.raises(InputError) as err:
        suggest_sites(demo_model, "no_such_type", count=2)
    assert str(err.value).startswith("unknown facility type 'no_such_type' — use one of day_care, ")
    assert err.value.text("zh") == "设施类型“no_such_type”无法识别"
    assert "day_care（社区日间照料中心）" in err.value.fix_text("zh")
    with pytest.raises(InputError) as err:
        suggest_sites(demo_model, "meal_point", target=0.5, objective="units")
    assert str(err.value) == "the profile has no unit target for 'meal_point' — use the population objective"
    assert "老年助餐点" in err.value.text("zh") and _is_chinese(err.value.fix_text("zh"))
    no_points = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    with pytest.raises(InputError) as err:
        suggest_sites(demo_model, "day_care", count=1, candidates=no_points)
    assert str(err.value).startswith("no candidate sites for 社区日间照料中心 (day_care) — pass --candidates")
    assert err.value.text("zh") == "没有社区日间照料中心的候选点" and "--candidates" in err.value.fix_text("zh")


def test_solver_arguments_are_worded_in_chinese():
    p = CoverProblem(np.ones((2, 3)), [1, 1, 1])
    with pytest.raises(InputError) as err:
        maximal_covering(p, 1, method="exact")
    assert str(err.value) == "unknown method 'exact' — use one of ('auto', 'milp', 'greedy')"
    assert (err.value.text("zh"), err.value.fix_text("zh")) == ("求解方法“exact”无法识别",
                                                                "请使用以下之一：auto、milp、greedy")
    with pytest.raises(InputError) as err:
        set_covering(p, 1.5)
    assert str(err.value) == "target share must be between 0 and 1, got 1.5 — e.g. 0.85 for 85 %"
    assert err.value.display("zh") == "目标比例须在 0 到 1 之间，当前为 1.5 — 如 85% 写作 0.85"
    with pytest.raises(InputError) as err:
        CoverProblem(np.ones((2, 3)), [1, 1])
    assert str(err.value) == "coverage has 3 demand columns but 2 weights"
    assert err.value.text("zh") == "覆盖矩阵有 3 列需求点，但权重有 2 个"


def test_a_time_limited_solve_falls_back_to_greedy_by_its_code(monkeypatch):
    from planner._errors import SolverError
    from planner.io.problems import problem_of
    from planner.siting import solvers

    cost, w, radius = random_problem(3)
    p = problem_from_cost(cost, w, radius, 2)

    def timed_out(*args, **kwargs):
        raise problem_of(SolverError, "siting_highs_time_limit", None, (), seconds=2.0)

    monkeypatch.setattr(solvers, "_milp_solve", timed_out)
    s = maximal_covering(p, 2, time_limit=2.0)
    assert s.solver.startswith("greedy") and "2 s time limit" in s.solver
    assert set_covering(p, 0.5, time_limit=2.0).solver.startswith("greedy")
    with pytest.raises(SolverError) as err:
        solvers._read_result(SimpleNamespace(status=1, x=None, message=""), 3, 2.0)
    assert str(err.value) == ("HiGHS found no solution within the 2 s time limit — raise the time limit, "
                              "use fewer candidates, or use the greedy method")
    assert err.value.text("zh") == "HiGHS 求解器在 2 秒的求解时限内未找到可行解"

    def failed(*args, **kwargs):  # any other failure is not hidden
        raise problem_of(SolverError, "siting_highs_failed", None, (), detail="no time limit here")

    monkeypatch.setattr(solvers, "_milp_solve", failed)
    with pytest.raises(SolverError, match="HiGHS failed: no time limit here"):
        maximal_covering(p, 2)


def test_cli_suggest_contradictory_options_in_chinese_first(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["suggest", "--type", "day_care", "--count", "2", "--target", "0.5",
                                   "--out", str(tmp_path / "out"), "--quiet"])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.startswith(("错误", "error"))]
    assert lines == ["错误：新增设施数量与目标比例须给出且只能给出其中一项 — "
                     "用 --count K 指定数量，或用 --target 比例 指定目标比例（如 0.85）",
                     "error: give either a number of sites or a target share, not both/neither — "
                     "--count K or --target SHARE (e.g. 0.85)"]


def test_cli_suggest(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["suggest", "--type", "mutual_aid", "--target", "0.85",
                                   "--out", str(out), "--quiet", "--lang", "en"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "suggestions.csv", encoding="utf-8-sig")
    assert list(table.columns[:3]) == ["Candidate id", "Order chosen", "Demand gained (60+ or weight)"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["target_met"] is True and summary["optimal"] is True
    assert summary["share_after"] >= 0.85 and len(table) == summary["n_chosen"]
    res = CliRunner().invoke(app, ["suggest", "--type", "day_care", "--out", str(out), "--quiet"])
    assert res.exit_code == 2 and "--count" in res.output

"""p-median/p-center through ``suggest_sites`` on the demo county, and the ``matrix``/``sweep``/``suggest`` commands."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner._errors import InputError
from planner.siting import add_suggestions, suggest_sites

DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def demo_model(demo_analysis):
    return demo_analysis.model


@pytest.mark.parametrize("kind", ["pmedian", "pcenter"])
def test_demo_p_median_and_center_equal_brute_force_with_the_model(demo_model, kind):
    m = demo_model
    s = suggest_sites(m, "day_care", count=2, objective=kind)
    assert s.problem == kind and s.optimal and len(s.chosen) == 2
    search = m.limit / m.speed / 60.0
    w = m.demand["w60"].to_numpy(float)
    mins0, _ = m.demand_minutes("day_care")
    f = m.facilities
    cands = f.loc[(f["status"] == "candidate") & (f["type"] == "day_care"), "facility_id"].tolist()
    # points no existing site nor candidate reaches stay out of the objective (reported in walk)
    every = m
    for c in cands:
        every = every.with_status(c, "planned")
    mins_all, _ = every.demand_minutes("day_care")
    outside = ~(mins_all <= search) & (w > 0)
    assert s.walk["demand_outside"] == pytest.approx(w[outside].sum())

    def value(model) -> float:
        mins, _ = model.demand_minutes("day_care")
        mm = np.where(mins <= search, mins, search)[~outside & (w > 0)]
        return float((w[~outside & (w > 0)] * mm).sum()) if kind == "pmedian" else float(mm.max())

    best = min(value(m.with_status(a, "planned").with_status(b, "planned"))
               for a, b in itertools.combinations(cands, 2))
    assert s.after == pytest.approx(best, rel=1e-9)
    assert s.after == pytest.approx(value(add_suggestions(m, s)), rel=1e-9)
    assert s.before == pytest.approx(value(m), rel=1e-9)
    # coverage within the catchment is reported too
    after, _ = add_suggestions(m, s).demand_minutes("day_care")
    assert s.weight_after == pytest.approx(w[after <= 15].sum()) and s.weight_before == pytest.approx(
        w[mins0 <= 15].sum())
    summ = s.summary()
    assert summ["problem"] == kind and summ["objective_value"] == pytest.approx(s.after, rel=1e-6)
    assert summ["objective_unit"] == ("person-minutes" if kind == "pmedian" else "minutes")


def test_capacitated_p_median_respects_places(demo_model):
    s = suggest_sites(demo_model, "day_care", count=3, objective="pmedian", capacitated=True)
    assert (s.chosen["served"] <= s.chosen["capacity"].fillna(np.inf) + 1e-6).all()
    free = suggest_sites(demo_model, "day_care", count=3, objective="pmedian")
    assert s.after >= free.after - 1e-6  # capping can only lengthen the walks
    assert "capacitated" in s.bound


def test_objective_needs_the_right_argument(demo_model):
    with pytest.raises(InputError):
        suggest_sites(demo_model, "day_care", target=0.5, objective="pmedian")
    with pytest.raises(InputError):
        suggest_sites(demo_model, "day_care", count=2, objective="lscp")
    with pytest.raises(InputError):
        suggest_sites(demo_model, "day_care", count=2, objective="median")
    s = suggest_sites(demo_model, "mutual_aid", target=0.85, objective="lscp")
    assert s.problem == "lscp" and s.objective == "units"


def run(*args):
    from planner.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_suggest_pmedian_english_summary(tmp_path):
    out = tmp_path / "out"
    r = run("suggest", "--type", "day_care", "--count", "2", "--objective", "pmedian", "--out", out,
            "--quiet", "--lang", "en")
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["problem"] == "pmedian" and summary["objective_unit"] == "person-minutes"
    assert summary["objective_value"] < summary["objective_value_before"]
    table = pd.read_csv(out / "suggestions.csv", encoding="utf-8-sig")
    assert table.columns[0] == "Candidate id" and len(table) == 2
    assert "person-minutes" in table.iloc[0, -1]


def test_cli_matrix_csv_and_parquet(tmp_path, monaco):
    lon, lat = monaco.lonlat()
    rng = np.random.default_rng(2)
    o = rng.choice(monaco.n_nodes, 4, replace=False)
    d = rng.choice(monaco.n_nodes, 25, replace=False)
    pd.DataFrame({"id": [f"O{i}" for i in range(4)], "longitude": lon[o], "latitude": lat[o]}).to_csv(
        tmp_path / "o.csv", index=False)
    pd.DataFrame({"id": [f"D{i}" for i in range(25)], "longitude": lon[d], "latitude": lat[d]}).to_csv(
        tmp_path / "d.csv", index=False)
    args = ["matrix", "--network", DATA / "monaco.osm.pbf", "--origins", tmp_path / "o.csv",
            "--destinations", tmp_path / "d.csv", "--speed", "0.8", "--max-minutes", "12", "-q"]
    r = run(*args, "--out", tmp_path / "od.csv")
    assert r.exit_code == 0, r.output
    csv = pd.read_csv(tmp_path / "od.csv", encoding="utf-8-sig", dtype={"origin_id": str, "destination_id": str})
    assert list(csv.columns) == ["origin_id", "destination_id", "minutes", "metres"]
    assert len(csv) > 0 and (csv["minutes"] <= 12).all()
    np.testing.assert_allclose(csv["minutes"], csv["metres"] / 0.8 / 60, atol=1e-3)
    # every pair within the limit is there, none beyond
    from planner.engine.reach import od_matrix
    from planner.engine.travel import snap_points

    x, y = monaco.project(lon[o], lat[o])
    full = od_matrix(monaco, snap_points(monaco, x, y), snap_points(monaco, *monaco.project(lon[d], lat[d])))
    assert len(csv) == int((full.data <= 12 * 0.8 * 60).sum())
    r = run(*args, "--out", tmp_path / "od.parquet")
    assert r.exit_code == 0, r.output
    pq = pd.read_parquet(tmp_path / "od.parquet")
    pd.testing.assert_frame_equal(pq, csv, check_dtype=False)
    r = run(*args, "--out", tmp_path / "od.txt")
    assert r.exit_code == 2 and ".parquet" in r.output


def test_cli_matrix_errors_in_chinese_first(tmp_path):
    args = ["matrix", "--network", DATA / "monaco.osm.pbf", "--origins", tmp_path / "o.csv",
            "--destinations", tmp_path / "d.csv", "-q"]
    r = run(*args, "--out", tmp_path / "od.txt")
    assert r.exit_code == 2
    lines = [ln for ln in r.output.splitlines() if ln.startswith(("错误", "error"))]
    assert lines == ["错误：od.txt: 输出文件须为 .csv 或 .parquet，当前为“od.txt”",
                     f"error: {tmp_path / 'od.txt'}: output must be .csv or .parquet, got 'od.txt'"]
    r = run(*args, "--out", tmp_path / "od.csv", "--max-minutes", "0")
    assert r.exit_code == 2
    lines = [ln for ln in r.output.splitlines() if ln.startswith(("错误", "error"))]
    assert lines == ["错误：--speed 和 --max-minutes 须为正数", "error: --speed and --max-minutes must be positive"]


def test_cli_matrix_names_repeated_point_ids_and_their_rows(tmp_path, monaco):
    lon, lat = monaco.lonlat()
    pd.DataFrame({"id": ["O1", "O2"], "longitude": lon[:2], "latitude": lat[:2]}).to_csv(tmp_path / "o.csv",
                                                                                      index=False)
    pd.DataFrame({"id": ["D1", "D2", "D1"], "longitude": lon[2:5], "latitude": lat[2:5]}).to_csv(
        tmp_path / "d.csv", index=False)
    r = run("matrix", "--network", DATA / "monaco.osm.pbf", "--origins", tmp_path / "o.csv",
            "--destinations", tmp_path / "d.csv", "--out", tmp_path / "od.csv", "-q")
    assert r.exit_code == 2 and not (tmp_path / "od.csv").exists()
    lines = [ln for ln in r.output.splitlines() if ln.startswith(("错误", "error"))]
    assert len(lines) == 2 and lines[0].startswith("错误：d.csv: 编号重复") and "“D1”，第 1、3 行" in lines[0]
    assert lines[1].startswith("error: ") and "D1" in lines[1]


def test_sweep_arguments_are_worded_in_chinese(tmp_path):
    from planner._errors import PlannerError
    from planner.siting.cli_methods import parse_numbers, run_sweep

    with pytest.raises(InputError) as err:
        parse_numbers("fast", "--speeds")
    assert str(err.value) == "--speeds must be numbers separated by commas, got 'fast'"
    assert err.value.text("zh") == "--speeds 须为以逗号分隔的数字，当前为“fast”"
    with pytest.raises(InputError) as err:
        parse_numbers("0.8,0", "--minutes")
    assert str(err.value) == "--minutes must be positive numbers, got '0.8,0'"
    assert err.value.text("zh") == "--minutes 须为正数，当前为“0.8,0”"
    with pytest.raises(InputError) as err:
        run_sweep(None, None, None, "sweep.csv", speeds="1.0", minutes=[15], profiles=[])
    assert str(err.value) == "--profiles needs at least one profile — e.g. national"
    assert err.value.display("zh") == "--profiles 至少需要一个标准 — 如 national"
    units = tmp_path / "units.gpkg"
    units.write_bytes(b"")
    with pytest.raises(PlannerError) as err:
        run_sweep(None, None, None, units, speeds="1.0", minutes=[15], profiles=["national"], inputs=[units])
    assert str(err.value) == f"{units}: --out would overwrite an input — choose another file"
    assert err.value.display("zh") == "units.gpkg: --out 会覆盖一个输入文件 — 请另选输出文件"


def test_cli_sweep_equals_one_model_per_combination(tmp_path, demo_inputs):
    from planner import build_model, load_profile, score_profile

    out = tmp_path / "sweep.csv"
    r = run("sweep", "--speeds", "0.8,1.2", "--minutes", "10,20", "--out", out, "-q")
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, encoding="utf-8-sig")
    assert set(t["speed"]) == {0.8, 1.2} and set(t["minutes"]) == {10.0, 20.0}
    units, fac, net = demo_inputs
    prof = load_profile("national").with_minutes(20)
    ref = {sc.target.id: sc.value for sc in score_profile(build_model(units, fac, net, profile=prof, speed=0.8))}
    got = t[(t["speed"] == 0.8) & (t["minutes"] == 20)].set_index("target_id")["value"]
    for k, v in ref.items():
        if np.isfinite(v):
            assert got[k] == pytest.approx(v, abs=1e-6)
    r = run("sweep", "--speeds", "fast", "--out", out, "-q")
    assert r.exit_code == 2 and "--speeds" in r.output


def test_cli_sweep_with_a_scenario_equals_the_edited_model(tmp_path, demo_inputs):
    """--scenario adds rows for the scenario: equal to scoring the baseline model with its edits."""
    from planner import build_model, load_profile, score_profile
    from planner.analysis.scenario import Edit, Scenario, apply_edits

    units, fac, net = demo_inputs
    cand = fac[(fac["type"] == "mutual_aid") & (fac["status"] == "candidate")]["facility_id"].iloc[:3]
    scen = Scenario(name="三个互助点", edits=tuple(Edit(op="status", facility_id=str(f), status="planned")
                                                 for f in cand))
    path = scen.save(tmp_path / "plan.geojson")
    out = tmp_path / "sweep.csv"
    r = run("sweep", "--speeds", "1.0", "--minutes", "15", "--scenario", path, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, encoding="utf-8-sig")
    assert set(t["scenario"]) == {"baseline", "三个互助点"}
    prof = load_profile("national").with_minutes(15)
    edited = apply_edits(build_model(units, fac, net, profile=prof, speed=1.0), scen.edits)
    ref = {sc.target.id: sc.value for sc in score_profile(edited)}
    got = t[t["scenario"] == "三个互助点"].set_index("target_id")["value"]
    base = t[t["scenario"] == "baseline"].set_index("target_id")["value"]
    for k, v in ref.items():
        if np.isfinite(v):
            assert got[k] == pytest.approx(v, abs=1e-6)
    assert got["mutual_aid_village"] > base["mutual_aid_village"]  # three more villages served


def test_cli_sweep_reads_the_planners_own_columns(tmp_path):
    """--columns reaches sweep's inputs: renamed columns give the demo's rows; without it, a named fix."""
    import geopandas as gpd

    from planner.demo import demo_paths

    demo = demo_paths()
    units = gpd.read_file(demo.boundaries, layer="units").rename(columns={"pop60": "A3", "name": "B1"})
    units.to_file(tmp_path / "村居.gpkg")
    common = ["sweep", "--speeds", "1.0", "--minutes", "15", "--facilities", demo.facilities,
              "--network", demo.network, "-q"]
    r = run(*common, "--boundaries", demo.boundaries, "--out", tmp_path / "given.csv")  # the demo's, given
    assert r.exit_code == 0, r.output
    r = run(*common, "--boundaries", tmp_path / "村居.gpkg", "--out", tmp_path / "own.csv")
    assert r.exit_code == 2 and "--columns pop60=" in r.output and not (tmp_path / "own.csv").exists()
    r = run(*common, "--boundaries", tmp_path / "村居.gpkg", "--columns", "pop60=A3,boundaries.name=B1",
            "--out", tmp_path / "own.csv")
    assert r.exit_code == 0, r.output
    given = pd.read_csv(tmp_path / "given.csv", encoding="utf-8-sig")
    own = pd.read_csv(tmp_path / "own.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(own, given)
    assert (own["n_units"] > 0).any()


def test_cli_matrix_takes_the_planners_columns_and_a_road_layer_named_by_layer(tmp_path, monaco):
    """--columns per point file, --layer/--crs addressed to the network: the same walks as the plain files."""
    import geopandas as gpd
    from shapely.geometry import box

    from tests.engine.test_noding import flawed_layer

    lines = flawed_layer(monaco)["lines"]
    roads = gpd.GeoDataFrame({"fclass": ["residential"] * len(lines)}, geometry=lines, crs=monaco.crs)
    roads.to_file(tmp_path / "one.gpkg", layer="roads")
    # the survey's GeoPackage: a polygon layer first, the roads in EPSG:3857 without a CRS of their own
    gpd.GeoDataFrame({"名称": ["水域"]}, geometry=[box(*roads.total_bounds)], crs=monaco.crs).to_file(
        tmp_path / "survey.gpkg", layer="water")
    bare = roads.to_crs("EPSG:3857").set_crs(None, allow_override=True)
    bare.to_file(tmp_path / "survey.gpkg", layer="道路中心线")
    lon, lat = monaco.lonlat()
    rng = np.random.default_rng(5)
    o, d = rng.choice(monaco.n_nodes, 5, replace=False), rng.choice(monaco.n_nodes, 20, replace=False)
    pd.DataFrame({"id": [f"O{i}" for i in range(5)], "longitude": lon[o], "latitude": lat[o]}).to_csv(
        tmp_path / "o.csv", index=False)
    pd.DataFrame({"编码": [f"D{i}" for i in range(20)], "东经": lon[d], "北纬": lat[d]}).to_csv(
        tmp_path / "d.csv", index=False)
    pd.DataFrame({"id": [f"D{i}" for i in range(20)], "longitude": lon[d], "latitude": lat[d]}).to_csv(
        tmp_path / "d_plain.csv", index=False)
    common = ["matrix", "--origins", tmp_path / "o.csv", "--max-minutes", "25", "-q"]
    r = run(*common, "--network", tmp_path / "one.gpkg", "--destinations", tmp_path / "d_plain.csv",
            "--out", tmp_path / "plain.csv")
    assert r.exit_code == 0, r.output
    own = [*common, "--network", tmp_path / "survey.gpkg", "--destinations", tmp_path / "d.csv",
           "--columns", "destinations.point_id=编码,destinations.longitude=东经,destinations.latitude=北纬",
           "--out", tmp_path / "own.csv"]
    r = run(*own, "--layer", "network=water")  # a polygon layer
    assert r.exit_code == 2 and "no line features" in r.output and not (tmp_path / "own.csv").exists()
    r = run(*own)  # the line layer is found, but has no CRS: asks for one, addressed to the network
    assert r.exit_code == 2 and "--crs network=" in r.output
    r = run(*own, "--layer", "network=道路中心线", "--crs", "network=EPSG:3857")
    assert r.exit_code == 0, r.output
    plain = pd.read_csv(tmp_path / "plain.csv", encoding="utf-8-sig")
    got = pd.read_csv(tmp_path / "own.csv", encoding="utf-8-sig")
    assert len(plain) > 20
    pd.testing.assert_frame_equal(got[["origin_id", "destination_id"]], plain[["origin_id", "destination_id"]])
    np.testing.assert_allclose(got["metres"], plain["metres"], atol=0.05)
    (tmp_path / "own.csv").unlink()
    r = run(*own, "--crs", "network=EPSG:3857")  # no --layer: the line layer is read, and the user told
    assert r.exit_code == 0, r.output
    said = [ln for ln in r.output.splitlines() if ln.startswith("  ! survey.gpkg")]
    assert any("“道路中心线”" in ln and "--layer network=名称" in ln for ln in said), r.output
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "own.csv", encoding="utf-8-sig"), got)

"""Coverage, gaps and target scores on the demo county and on real Monaco districts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from planner import read_boundaries
from planner.analysis.coverage import score_profile, unit_coverage
from planner.analysis.result import analyse, analysis_of, service_area_layer
from planner.engine.model import build_model
from planner.io.profiles import load_profile
from tests.conftest import DATA


@pytest.fixture(scope="module")
def demo(demo_inputs):
    return demo_inputs


@pytest.fixture(scope="module")
def demo_model(demo_analysis):
    return demo_analysis.model


def test_demand_weights_sum_to_unit_populations(demo_model):
    m = demo_model
    w60 = m.demand.groupby("unit")["w60"].sum().reindex(range(len(m.units)), fill_value=0)
    np.testing.assert_allclose(w60.to_numpy(), m.units["pop60"].to_numpy(float), rtol=1e-9)
    # every demand point lies inside its own unit (street points are clipped to it)
    inside = shapely.covers(m.units.geometry.values[m.demand["unit"].to_numpy()].buffer(1e-6),
                            m.demand.geometry.values)
    assert inside.all()


def test_inside_counts_match_a_spatial_join(demo_model):
    m = demo_model
    fac = m.facilities[m.active & (m.facilities["type"] == "day_care").to_numpy()]
    joined = gpd.sjoin(fac[["geometry"]], m.units[["geometry"]], predicate="within")
    expected = np.bincount(joined["index_right"].to_numpy(), minlength=len(m.units))
    np.testing.assert_array_equal(m.facilities_inside("day_care"), expected)


def test_share_is_weighted_share_of_demand_within_catchment(demo_model):
    m = demo_model
    cov = unit_coverage(m, ["mutual_aid"])
    minutes, _ = m.demand_minutes("mutual_aid")
    d = m.demand.assign(ok=minutes <= m.profile.catchment("mutual_aid"))
    for i in (0, 5, 20, 40):
        sub = d[d["unit"] == i]
        expected = (sub["w60"] * sub["ok"]).sum() / sub["w60"].sum()
        assert cov["mutual_aid_share"].iat[i] == pytest.approx(expected)


def test_demo_has_real_gaps_and_targets_are_scored(demo):
    units, fac, net = demo
    res = analyse(units, fac, net)
    by_id = {s.target.id: s for s in res.scores}
    # the demo is built with gaps: not every community has a day-care centre, < 85 % villages a mutual-aid site inside
    assert by_id["day_care_community"].n_units == (units["kind"] == "community").sum()
    assert by_id["mutual_aid_village"].n_units == (units["kind"] == "village").sum()
    assert res.units["gap"].any()
    assert by_id["county_nursing_home"].met
    gaps = res.units[res.units["gap"]]
    assert (gaps["gap_reason_zh"].str.len() > 0).all()
    summary = res.summary()
    assert summary["gap_units"] == int(res.units["gap"].sum())
    assert {t["id"] for t in summary["targets"]} == set(by_id)


def test_inside_rule_counts_units_with_a_facility(demo):
    units, fac, net = demo
    res = analyse(units, fac, net, profile="jingdezhen")
    s = {x.target.id: x for x in res.scores}["mutual_aid_village"]
    villages = res.units[res.units["kind"] == "village"]
    assert s.n_met == int((villages["mutual_aid_inside"] > 0).sum())
    assert s.value == pytest.approx(s.n_met / len(villages))
    assert s.met is (s.value >= 0.85)


def test_adding_a_facility_never_lowers_coverage_and_fills_a_gap(demo_model):
    m = demo_model
    base = analysis_of(m)
    cov0 = unit_coverage(m, ["mutual_aid"])
    # put a mutual-aid site at the centre of the least covered village
    villages = np.nonzero((m.units["kind"] == "village").to_numpy())[0]
    worst = villages[np.argmin(cov0["mutual_aid_share"].to_numpy()[villages])]
    pts = m.demand[m.demand["unit"] == worst]
    x, y = pts.geometry.x.median(), pts.geometry.y.median()
    lon, lat = m.network.transformer_to_lonlat.transform(x, y)
    m2 = m.add_facility("mutual_aid", lon, lat, name="新互助点")
    cov1 = unit_coverage(m2, ["mutual_aid"])
    assert np.all(cov1["mutual_aid_share"].to_numpy() >= cov0["mutual_aid_share"].to_numpy() - 1e-12)
    assert cov1["mutual_aid_share"].iat[worst] > cov0["mutual_aid_share"].iat[worst]
    assert cov1["mutual_aid_inside"].iat[worst] == cov0["mutual_aid_inside"].iat[worst] + 1
    after = {s.target.id: s for s in score_profile(m2)}
    before = {s.target.id: s for s in base.scores}
    assert after["mutual_aid_village"].n_met >= before["mutual_aid_village"].n_met
    # the incremental model equals a model built from scratch with the facility
    full = build_model(m.units.to_crs(4326), m2.facilities.drop(columns="unit").to_crs(4326), m.network)
    np.testing.assert_allclose(m2.fields["mutual_aid"].dist, full.fields["mutual_aid"].dist)
    np.testing.assert_allclose(m2.demand_minutes("mutual_aid")[0], full.demand_minutes("mutual_aid")[0])


def test_remove_and_move_equal_fresh_builds(demo_model):
    m = demo_model
    fid = m.facilities.loc[m.facilities["type"] == "day_care", "facility_id"].iloc[0]
    removed = m.remove_facility(fid)
    assert fid not in set(removed.facilities["facility_id"])
    fresh = build_model(m.units.to_crs(4326), removed.facilities.drop(columns="unit").to_crs(4326), m.network)
    for t in fresh.fields:
        np.testing.assert_allclose(removed.fields[t].dist, fresh.fields[t].dist)
    lon, lat = m.network.transformer_to_lonlat.transform(m.network.x[100], m.network.y[100])
    moved = m.move_facility(fid, lon, lat)
    fresh = build_model(m.units.to_crs(4326), moved.facilities.drop(columns="unit").to_crs(4326), m.network)
    np.testing.assert_allclose(moved.fields["day_care"].dist, fresh.fields["day_care"].dist)
    # the original model is untouched (edits return new models)
    assert fid in set(m.facilities["facility_id"])


def test_longer_catchment_never_lowers_coverage(demo):
    units, fac, net = demo
    prof = load_profile("national")
    vals = []
    for minutes in (5, 10, 15, 20):
        m = build_model(units, fac, net, profile=prof.with_minutes(minutes))
        vals.append(unit_coverage(m, ["day_care"])["day_care_share"].to_numpy())
    for a, b in zip(vals[:-1], vals[1:], strict=True):
        assert np.all(b >= a - 1e-12)
    slower = build_model(units, fac, net, speed=0.8)
    faster = build_model(units, fac, net, speed=1.2)
    assert np.all(unit_coverage(faster, ["day_care"])["day_care_share"].to_numpy()
                  >= unit_coverage(slower, ["day_care"])["day_care_share"].to_numpy() - 1e-12)


def test_service_area_layer_contains_the_facilities(demo_model):
    layer = service_area_layer(demo_model, ["day_care"], minutes=(5, 15))
    assert list(layer["minutes"]) == [5.0, 15.0]
    assert layer.geometry.is_valid.all()
    a5, a15 = layer.geometry.to_crs(demo_model.network.crs).area
    assert 0 < a5 < a15
    fac = demo_model.facilities[demo_model.type_mask("day_care")].to_crs(4326)
    assert layer.geometry.iloc[0].buffer(1e-6).contains(fac.geometry).all()


def test_monaco_real_districts_population_weighted(monaco):
    units = read_boundaries(DATA / "monaco_districts.geojson")
    # two day-care centres at real street positions
    lon, lat = monaco.lonlat()
    rng = np.random.default_rng(1)
    pick = rng.choice(monaco.n_nodes, 2, replace=False)
    fac = gpd.GeoDataFrame({"facility_id": ["A", "B"], "name": ["A", "B"], "type": ["day_care"] * 2,
                            "capacity": [30.0, 40.0], "nursing_beds": [np.nan] * 2,
                            "status": ["existing"] * 2},
                           geometry=gpd.points_from_xy(lon[pick], lat[pick]), crs=4326)
    res = analyse(units, fac, monaco)
    share = res.units["day_care_share"].to_numpy()
    assert ((share >= 0) & (share <= 1)).all()
    s = {x.target.id: x for x in res.scores}["circle15"]
    assert s.pop60 == pytest.approx(units["pop60"].sum())
    assert 0 <= s.pop60_covered <= s.pop60

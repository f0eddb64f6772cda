"""Scenarios: edits applied to a model, the scenario file (GeoJSON + edits), comparing."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from planner import (
    InputError,
    analyse,
    analysis_of,
    build_model,
)
from planner.analysis.scenario import (
    FORMAT_VERSION,
    Edit,
    Scenario,
    apply_edits,
    changes_frame,
    compare_scenarios,
    read_scenario,
    scenario_from_dict,
    score_changes,
)


@pytest.fixture(scope="module")
def demo(demo_inputs, demo_analysis):
    return (*demo_inputs, demo_analysis)


def _gap_village_site(analysis):
    """A street point inside the most populous village without mutual-aid coverage."""
    u = analysis.units
    pos = int(u.index[(u["kind"] == "village") & (u["met_mutual_aid_village"] == False)]  # noqa: E712
              .to_series().map(u["pop60"]).idxmax())
    dem = analysis.model.demand[analysis.model.demand["unit"] == pos]
    pt = gpd.GeoSeries([dem.geometry.iloc[int(np.argmax(dem["w60"].to_numpy()))]], crs=dem.crs).to_crs(4326)
    return pos, float(pt.x[0]), float(pt.y[0])


def test_edit_round_trip_and_validation():
    e = Edit("add", "NEW-1", type="mutual_aid", lon=117.2, lat=29.3, name="幸福院", capacity=20.0)
    assert Edit.from_dict(e.to_dict()) == e
    assert "status" not in Edit("move", "A", lon=1.0, lat=2.0).to_dict()
    with pytest.raises(InputError, match="edit 3: unknown operation 'delete'"):
        Edit.from_dict({"op": "delete", "facility_id": "X"}, 2)
    with pytest.raises(InputError, match="unknown facility type 'school'"):
        Edit.from_dict({"op": "add", "facility_id": "X", "type": "school", "lon": 117, "lat": 29})
    with pytest.raises(InputError, match="needs lon and lat"):
        Edit.from_dict({"op": "move", "facility_id": "X", "lon": 117})
    with pytest.raises(InputError, match="not WGS-84 degrees"):
        Edit.from_dict({"op": "add", "facility_id": "X", "type": "day_care", "lon": 500000, "lat": 3300000})
    with pytest.raises(InputError, match="must be a number"):
        Edit.from_dict({"op": "move", "facility_id": "X", "lon": "east", "lat": 29})
    with pytest.raises(InputError, match="status must be one of"):
        Edit.from_dict({"op": "status", "facility_id": "X", "status": "closed"})
    with pytest.raises(InputError, match="needs a facility_id"):
        Edit.from_dict({"op": "remove"})


def test_added_site_matches_a_full_recompute(demo):
    """Incremental add (one bounded search) scores exactly like a model built with the site."""
    units, fac, net, base = demo
    pos, lon, lat = _gap_village_site(base)
    sc = Scenario("test").with_edit(Edit("add", "NEW-T-1", type="mutual_aid", lon=lon, lat=lat, name="新点"))
    edited = analysis_of(sc.apply(base.model))
    # independent reference: the same facility in the input table, everything recomputed
    extra = fac.iloc[[0]].copy()
    extra["facility_id"], extra["name"], extra["type"], extra["status"] = "NEW-T-1", "新点", "mutual_aid", "planned"
    extra["capacity"] = np.nan
    extra = extra.set_geometry(gpd.points_from_xy([lon], [lat]), crs=4326)
    full = analyse(units, gpd.GeoDataFrame(pd.concat([fac, extra], ignore_index=True), crs=4326), net)
    for a, b in zip(edited.scores, full.scores, strict=True):
        assert a.target.id == b.target.id
        assert a.n_met == b.n_met
        assert a.value == pytest.approx(b.value, nan_ok=True)
    assert bool(edited.units.loc[pos, "met_mutual_aid_village"]) is True
    ch = {c.target_id: c for c in score_changes(base, edited, "zh")}
    village = ch["mutual_aid_village"]
    assert village.n_met_after == village.n_met_before + 1
    assert village.changed and not ch["circle15"].changed
    text = village.describe("zh")
    assert "→" in text and "+1个行政村" in text and "60岁以上人口+" in text
    assert "(+1 villages, +" in village.describe("en")
    assert village.delta_text().endswith("pp")


def test_move_remove_status_and_undo(demo):
    _, _, _, base = demo
    m0 = base.model
    fid = str(m0.facilities.loc[m0.facilities["status"] == "candidate", "facility_id"].iloc[0])
    ex = str(m0.facilities.loc[m0.facilities["status"] == "existing", "facility_id"].iloc[0])
    _, lon, lat = _gap_village_site(base)
    sc = Scenario("s", edits=(
        Edit("add", "N1", type="day_care", lon=lon, lat=lat),
        Edit("move", "N1", lon=lon + 0.001, lat=lat),
        Edit("status", fid, status="planned"),
        Edit("remove", ex),
    ))
    m = sc.apply(m0)
    f = m.facilities.set_index("facility_id")
    assert "N1" in f.index and ex not in f.index
    assert f.loc[fid, "status"] == "planned"
    assert len(sc.undo().edits) == 3 and sc.undo().apply(m0).facilities["facility_id"].eq(ex).any()
    assert len(Scenario().undo().edits) == 0
    with pytest.raises(InputError, match=r"edit 1 \(remove NOPE\)"):
        apply_edits(m0, [Edit("remove", "NOPE")])
    # a scenario placing a site outside the study area (another county, swapped or shifted
    # coordinates) is refused, naming the edit, not drawn 2,000 km away with a warning
    for far in (Edit("add", "N2", type="day_care", lon=100.0, lat=20.0), Edit("move", ex, lon=lat, lat=lon)):
        with pytest.raises(InputError) as err:
            apply_edits(m0, [Edit("add", "N1", type="day_care", lon=lon, lat=lat), far])
        assert err.value.code == "edit_outside_area" and err.value.params["n"] == 2
        assert f"方案第2项修改({far.facility_id})" in err.value.display("zh") and "不在研究区域内" in err.value.display("zh")
        assert f"scenario edit 2 ({far.facility_id})" in err.value.display("en")


def test_scenario_file_round_trip_is_geojson(demo, tmp_path):
    _, _, _, base = demo
    _, lon, lat = _gap_village_site(base)
    ex = str(base.model.facilities["facility_id"].iloc[0])
    sc = Scenario("方案甲", profile="national", speed=0.9, minutes=10.0,
                  inputs={"network": {"name": "n.osm", "sha256": "abc"}},
                  edits=(Edit("add", "N1", type="mutual_aid", lon=lon, lat=lat, name="互助点", capacity=12.0),
                         Edit("add", "N2", type="meal_point", lon=lon, lat=lat),
                         Edit("move", "N1", lon=lon + 0.002, lat=lat + 0.001),
                         Edit("remove", "N2"),
                         Edit("move", ex, lon=lon, lat=lat)))
    path = sc.save(tmp_path / "plan.geojson")
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["type"] == "FeatureCollection" and d["format_version"] == FORMAT_VERSION
    assert "方案甲" in path.read_text(encoding="utf-8")  # Chinese kept readable
    back = read_scenario(path)
    assert back == sc
    assert read_scenario(path.read_bytes()) == sc
    # opens as a point layer (QGIS/GDAL): the added facility at its final place, the moved one
    gdf = gpd.read_file(path)
    assert sorted(gdf["facility_id"]) == sorted(["N1", ex])
    n1 = gdf[gdf["facility_id"] == "N1"].iloc[0]
    assert (n1.geometry.x, n1.geometry.y) == pytest.approx((lon + 0.002, lat + 0.001))
    assert n1["change"] == "added" and n1["type_zh"] == "农村互助养老服务设施"
    assert back.check_inputs({"network": {"name": "other.osm", "sha256": "def"}})
    assert not back.check_inputs({"network": {"name": "n.osm", "sha256": "abc"}})
    # the app shows it in the planner's language
    assert back.check_inputs({"network": {"name": "other.osm", "sha256": "def"}}, "zh") == [
        "路网：方案基于“n.osm”制作，当前文件为“other.osm”（内容不同）"]


def test_bad_scenario_files_are_reported(tmp_path):
    with pytest.raises(InputError, match="not valid JSON"):
        read_scenario(b"{not json")
    with pytest.raises(InputError, match="not a scenario file"):
        read_scenario(json.dumps({"type": "FeatureCollection", "features": []}).encode())
    with pytest.raises(InputError, match="format version 99"):
        scenario_from_dict({"format_version": 99, "edits": []})
    with pytest.raises(InputError, match="edit 2"):
        scenario_from_dict({"format_version": 1, "edits": [
            {"op": "remove", "facility_id": "A"}, {"op": "add", "facility_id": "B", "type": "x"}]})
    with pytest.raises(InputError, match="added twice"):
        scenario_from_dict({"format_version": 1, "edits": [
            {"op": "add", "facility_id": "B", "type": "day_care", "lon": 1, "lat": 1}] * 2})
    with pytest.raises(InputError, match="speed must be positive"):
        scenario_from_dict({"format_version": 1, "edits": [], "speed": -1})
    p = tmp_path / "x.json"
    p.write_bytes("方案".encode("gbk"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_scenario(p)


def test_version_0_files_are_upgraded():
    old = {"scenario": "旧方案", "actions": [
        {"action": "add", "id": "N1", "type": "day_care", "x": 117.2, "y": 29.3},
        {"action": "remove", "id": "DC01"}]}
    sc = scenario_from_dict(old)
    assert sc.name == "旧方案"
    assert sc.edits == (Edit("add", "N1", type="day_care", lon=117.2, lat=29.3), Edit("remove", "DC01"))


def test_compare_scenarios_side_by_side(demo):
    _, _, net, base = demo
    _, lon, lat = _gap_village_site(base)
    plan = analysis_of(Scenario(edits=(Edit("add", "N1", type="mutual_aid", lon=lon, lat=lat),)).apply(base.model))
    slow = analysis_of(build_model(base.model.units.to_crs(4326), base.model.facilities.to_crs(4326)
                                   .drop(columns="unit"), net, speed=0.8))
    table = compare_scenarios({"现状": base, "方案": plan, "慢速": slow}, "zh")
    assert list(table.columns) == ["指标", "现状", "方案", "方案 变化", "慢速", "慢速 变化"]
    row = table[table["指标"].str.startswith("农村互助")].iloc[0]
    assert row["方案 变化"].startswith("+") and row["现状"].endswith("(未达标)")
    # slower walking can only lose coverage
    circle = table[table["指标"].str.startswith("城市15分钟")].iloc[0]
    assert circle["慢速 变化"].startswith("-")
    panel = changes_frame(score_changes(base, plan, "en"), "en")
    assert {"Target", "Scenario", "Target value", "Met", "Baseline", "Change"} <= set(panel.columns)


def test_bad_scenario_files_are_worded_in_chinese(tmp_path):
    """Chinese first: a bad scenario file opened by a planner is reported in Chinese, the English unchanged."""
    p = tmp_path / "plan.geojson"
    p.write_text(json.dumps({"format_version": 1, "edits": [
        {"op": "remove", "facility_id": "A"}, {"op": "add", "facility_id": "B", "type": "school"}]}),
        encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_scenario(p)
    e = err.value
    assert e.code == "scenario_unknown_type" and e.path == "plan.geojson"
    assert str(e) == ("plan.geojson: edit 2: unknown facility type 'school' — use one of day_care, street_centre, "
                      "embedded_home, mutual_aid, meal_point, nursing_home")
    assert e.text("zh") == "方案第2项修改：未知的设施类型“school”"
    assert "mutual_aid（农村互助养老服务设施）" in e.fix_text("zh")
    assert e.display("zh").startswith("plan.geojson: 方案第2项修改：未知的设施类型")
    assert (e.text("en"), e.fix_text("en")) == (e.message, e.hint)

    for raw, code, zh in (
            (b"{not json", "scenario_bad_json", "不是有效的 JSON 文件（第 1 行第 2 列有误）"),
            (b'{"edits": [], "format_version": 99}', "scenario_version_newer", "本工具最高只能读取版本 1"),
            (b'{"edits": [], "speed": "fast"}', "scenario_not_number", "步行速度（speed）应为数字，实为“fast”"),
            (b'{"edits": [{"op": "move", "facility_id": "X", "lon": 117}]}', "scenario_needs_lonlat",
             "方案第1项修改：移动设施需要经度 lon 和纬度 lat"),
            (b'{"actions": 5}', "scenario_edits_not_list", "修改列表（edits）应为 JSON 数组")):
        with pytest.raises(InputError) as err:
            read_scenario(raw)
        assert err.value.code == code and zh in err.value.text("zh"), err.value.text("zh")
        assert err.value.text("en") == err.value.message
    with pytest.raises(InputError, match="edit 1: status must be one of existing, planned, candidate, got None"):
        scenario_from_dict({"format_version": 1, "edits": [{"op": "status", "facility_id": "X"}]})


def test_a_failed_edit_is_worded_in_chinese(demo):
    _, _, _, base = demo
    with pytest.raises(InputError) as err:
        apply_edits(base.model, [Edit("remove", "NOPE")])
    e = err.value
    assert e.code == "scenario_edit_failed" and str(e).startswith("edit 1 (remove NOPE): ")
    assert e.text("zh").startswith("方案第1项修改（删除设施 NOPE）：")
    assert e.text("en") == e.message and e.fix_text("en") == e.hint
    assert e.fix_text("zh") and e.fix_text("zh") != e.hint

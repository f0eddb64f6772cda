"""The Streamlit app (AppTest, no browser) and its pure helpers in planner.appstate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from planner import analyse, load_network, read_boundaries, read_facilities
from planner import appstate as aps
from planner.demo import demo_paths
from planner.scenario import Edit, Scenario
from planner.schema import FACILITY_ALIASES

APP = str(Path(__file__).resolve().parents[1] / "app.py")


# --- helpers (no Streamlit) ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def analysis():
    p = demo_paths()
    return analyse(read_boundaries(p.boundaries, layer="units"), read_facilities(p.facilities),
                   load_network(p.network))


def test_model_chain_applies_only_new_edits(analysis):
    chain = aps.ModelChain()
    base = analysis.model
    site = aps.default_site(analysis, "mutual_aid")
    e1 = aps.add_edit(base, "mutual_aid", site.x, site.y)
    e2 = aps.add_edit(base, "day_care", site.x, site.y, edits=[e1], capacity=30)
    assert e1["facility_id"] != e2["facility_id"] and e2["capacity"] == 30.0
    m1 = chain.model("k", base, [e1])
    assert chain.applied == 1
    m2 = chain.model("k", base, [e1, e2])
    assert chain.applied == 1  # one more edit, not two
    assert len(m2.facilities) == len(base.facilities) + 2
    assert chain.model("k", base, [e1]) is m1 and chain.applied == 0  # undo is a cache hit
    assert chain.model("k", base, []) is base
    assert chain.model("other", base, [e1]) is not m1  # another base: recomputed
    a = chain.analysis("k", analysis, [e1])
    assert a.model is m1 and chain.analysis("k", analysis, [e1]) is a
    assert chain.analysis("k", analysis, []) is analysis


def test_default_site_is_in_a_gap_village_on_a_street(analysis):
    pt = aps.default_site(analysis, "mutual_aid")
    u = analysis.units
    hit = u[u.contains(pt)]
    assert len(hit) == 1 and hit["kind"].iloc[0] == "village" and bool(hit["gap"].iloc[0])
    assert hit["pop60"].iloc[0] == u.loc[u["gap"] & (u["kind"] == "village"), "pop60"].max()
    comm = aps.default_site(analysis, "day_care")
    assert u[u.contains(comm)]["kind"].iloc[0] == "community"


def test_clicks_and_edits(analysis):
    model = analysis.model
    assert aps.is_new_click({"lat": 29.3, "lng": 117.2}, None)
    assert not aps.is_new_click({"lat": 29.3, "lng": 117.2}, (29.3, 117.2))
    assert aps.is_new_click({"lat": 29.31, "lng": 117.2}, (29.3, 117.2))
    assert not aps.is_new_click(None, None) and aps.click_key({"lat": None}) is None
    add = aps.click_edit("add", 117.2, 29.3, model=model, facility_type="meal_point", edits=[], name=" 食堂 ")
    assert add["op"] == "add" and add["name"] == "食堂" and add["type"] == "meal_point"
    assert Edit.from_dict(add).status == "planned"
    fid = str(model.facilities["facility_id"].iloc[0])
    mv = aps.click_edit("move", 117.21, 29.31, model=model, facility_type="day_care", edits=[], selected=fid)
    assert mv == {"op": "move", "facility_id": fid, "lon": 117.21, "lat": 29.31}
    assert aps.click_edit("move", 117.2, 29.3, model=model, facility_type="day_care", edits=[]) is None
    assert aps.click_edit("select", 117.2, 29.3, model=model, facility_type="day_care", edits=[]) is None
    # an id freed by removing an added facility is not reused (the scenario file stays valid)
    removed = [add, {"op": "remove", "facility_id": add["facility_id"]}]
    assert aps.next_facility_id(model, "meal_point", removed) != add["facility_id"]
    assert "新增" in aps.edit_label(add, "zh") and "added" in aps.edit_label(add, "en")


def test_guess_columns_and_uploads(tmp_path):
    g = aps.guess_columns(["编号", "机构名称", "设施类型", "经度", "纬度", "床位数"], FACILITY_ALIASES)
    assert g == {"facility_id": "编号", "name": "机构名称", "type": "设施类型", "capacity": "床位数",
                 "nursing_beds": None, "status": None, "longitude": "经度", "latitude": "纬度"}
    p = aps.save_upload(b"abc", "../../etc/x.osm.pbf", tmp_path)
    assert p.name == "x.osm.pbf" and p.parent.parent == tmp_path and p.read_bytes() == b"abc"
    assert aps.save_upload(b"abc", "x.osm.pbf", tmp_path) == p
    assert "5分钟 ≈ 300米" in aps.implied_metres([5, 15], 1.0, "zh")
    assert "15 min ≈ 810 m" in aps.implied_metres([15], 0.9, "en")
    assert aps.tr("undo", "en") == "Undo the last edit" and aps.tr("undo") == "撤销上一步"


def test_downloads(analysis):
    assert aps.gap_table_xlsx(analysis)[:2] == b"PK"
    csv = aps.gap_table_csv(analysis, "zh").decode("utf-8-sig")
    assert "区划代码" in csv and analysis.units["name"].iloc[0] in csv
    gpkg = aps.units_gpkg(analysis)
    assert gpkg[:15] == b"SQLite format 3"
    from planner.maps import coverage_map

    html = aps.map_html(coverage_map(analysis)).decode("utf-8")
    assert "<html>" in html and 'src="https://cdn' not in html


# --- the app -------------------------------------------------------------------------------------

def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _run(at):
    """Run the app (``at`` may be the AppTest or a widget just set) and fail on any exception."""
    res = at.run()
    assert not res.exception, [e.value for e in res.exception]
    return res


@pytest.fixture
def app():
    return _run(AppTest.from_file(APP, default_timeout=120))


def test_app_starts_on_the_demo(app):
    m = _metrics(app)
    assert len(m) == 5
    assert m["农村互助养老服务设施行政村覆盖率"] == "73.3%"
    assert not app.error
    assert any("示例县" in i.value for i in app.info)
    assert app.session_state["edits"] == []


def test_adding_a_facility_changes_the_targets_panel(app):
    before = _metrics(app)["农村互助养老服务设施行政村覆盖率"]
    app.number_input(key="capacity").set_value(20.0)
    _run(app.button(key="add_coords").click())
    after = _metrics(app)["农村互助养老服务设施行政村覆盖率"]
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    delta = next(m.delta for m in app.metric if m.label == "农村互助养老服务设施行政村覆盖率")
    assert delta.startswith("+") and delta.endswith("pp")
    assert any("→" in s.value and "+1个行政村" in s.value for s in app.success)
    edits = app.session_state["edits"]
    assert len(edits) == 1 and edits[0]["op"] == "add" and edits[0]["capacity"] == 20.0
    assert app.session_state["last_edit_seconds"] < 30
    # English labels for the same state
    app.radio(key="lang").set_value("en")
    _run(app)
    assert "(+1 villages" in " ".join(s.value for s in app.success)
    # undo restores the baseline
    _run(app.button(key="undo_btn").click())
    assert app.session_state["edits"] == []
    assert _metrics(app)["Administrative villages with a rural mutual-aid site"] == before


@pytest.mark.slow
def test_bad_upload_shows_an_error_and_keeps_the_data(app, analysis):
    site = aps.default_site(analysis, "mutual_aid")
    app.session_state["edits"] = [aps.add_edit(analysis.model, "mutual_aid", site.x, site.y)]
    _run(app)
    before = _metrics(app)
    app.file_uploader(key="up_b").upload("村界.gpkg", b"this is not a geopackage", "application/octet-stream")
    _run(app)
    assert app.error and "无法读取上传的数据" in app.error[0].value
    _run(app.button(key="apply_data").click())
    assert app.error
    assert _metrics(app) == before
    assert "dataset" not in app.session_state or app.session_state["dataset"] is None
    assert len(app.session_state["edits"]) == 1  # nothing the user built is lost
    # a broken facility table: the reader's message, not a traceback
    app.file_uploader(key="up_b").clear()
    app.file_uploader(key="up_f").upload("设施.csv", "名称,经度,纬度\n甲,abc,29.3\n".encode(), "text/csv")
    _run(app)
    _run(app.button(key="apply_data").click())
    assert app.error and all("Traceback" not in e.value for e in app.error)
    assert _metrics(app) == before


@pytest.mark.slow
def test_scenario_file_loads_and_bad_one_is_refused(app, analysis):
    a = analysis
    site = aps.default_site(a, "mutual_aid")
    sc = Scenario("乙方案", edits=(Edit.from_dict(aps.add_edit(a.model, "mutual_aid", site.x, site.y)),))
    app.file_uploader(key="scenario_upload").upload("乙方案.geojson", sc.to_json().encode(), "application/json")
    _run(app)
    _run(app.button(key="load_scenario_btn").click())
    assert [e["facility_id"] for e in app.session_state["edits"]] == [sc.edits[0].facility_id]
    assert app.session_state["scenario_name"] == "乙方案"
    assert _metrics(app)["农村互助养老服务设施行政村覆盖率"] != "73.3%"
    bad = json.loads(sc.to_json())
    bad["edits"].append({"op": "remove", "facility_id": "NO-SUCH"})
    app.file_uploader(key="scenario_upload").upload("坏.geojson", json.dumps(bad).encode(), "application/json")
    _run(app)
    _run(app.button(key="load_scenario_btn").click())
    assert any("无法载入方案" in e.value and "NO-SUCH" in e.value for e in app.error)
    assert len(app.session_state["edits"]) == 1  # the loaded scenario is kept


def test_shapely_points_are_wgs84(analysis):
    pt = aps.default_site(analysis, "meal_point")
    assert isinstance(pt, shapely.Point) and 117 < pt.x < 118 and 29 < pt.y < 30
    assert np.isfinite([pt.x, pt.y]).all()


def test_remove_the_selected_facility_and_undo(app, analysis):
    fac = analysis.model.facilities
    homes = fac.loc[(fac["type"] == "nursing_home") & (fac["status"] == "existing"), "facility_id"]
    assert _metrics(app)["县级特困人员供养服务机构"] == str(len(homes))
    app.session_state["selected"] = str(homes.iloc[0])
    _run(app)
    _run(app.button(key="remove_btn").click())
    assert app.session_state["edits"] == [{"op": "remove", "facility_id": str(homes.iloc[0])}]
    assert _metrics(app)["县级特困人员供养服务机构"] == str(len(homes) - 1)
    _run(app.button(key="undo_btn").click())
    assert _metrics(app)["县级特困人员供养服务机构"] == str(len(homes))

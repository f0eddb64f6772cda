"""The Streamlit app (AppTest, no browser) and its pure helpers in planner.app."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from streamlit.testing.v1 import AppTest

import planner.app as aps
from planner.analysis.scenario import Edit, Scenario
from planner.io import guess_columns
from planner.schema import FACILITY_ALIASES
from planner.text import tr

APP = str(Path(__file__).resolve().parents[2] / "app.py")


# --- helpers (no Streamlit) ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def analysis(demo_analysis):
    return demo_analysis


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
    g = guess_columns(["编号", "机构名称", "设施类型", "经度", "纬度", "床位数"], FACILITY_ALIASES)
    expect = {"facility_id": "编号", "name": "机构名称", "type": "设施类型", "capacity": "床位数",
              "nursing_beds": None, "status": None, "longitude": "经度", "latitude": "纬度"}
    # the schema may grow optional columns (grade, operator ...): none of them is guessed here
    assert {k: g.get(k) for k in expect} == expect and all(g[k] is None for k in set(g) - set(expect))
    p = aps.save_upload(b"abc", "../../etc/x.osm.pbf", tmp_path)
    assert p.name == "x.osm.pbf" and p.parent.parent == tmp_path and p.read_bytes() == b"abc"
    assert aps.save_upload(b"abc", "x.osm.pbf", tmp_path) == p
    assert "5分钟 ≈ 300米" in aps.implied_metres([5, 15], 1.0, "zh")
    assert "15 min ≈ 810 m" in aps.implied_metres([15], 0.9, "en")
    assert tr("app.undo", "en") == "Undo the last edit" and tr("app.undo") == "撤销上一步"


def test_downloads(analysis):
    assert aps.gap_table_xlsx(analysis)[:2] == b"PK"
    csv = aps.gap_table_csv(analysis, "zh").decode("utf-8-sig")
    assert "区划代码" in csv and analysis.units["name"].iloc[0] in csv
    gpkg = aps.units_gpkg(analysis)
    assert gpkg[:15] == b"SQLite format 3"
    from planner.outputs.webmap import coverage_map

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


def _shown(element) -> str:
    """An alert's text as the browser shows it: the app escapes names and values for markdown."""
    return re.sub(r"\\(.)", r"\1", element.value)


def _open(at, *keys: str, is_open: bool = True):
    """Open the expanders ``keys`` (their content is drawn only when open) and run.

    An expander's session key carries the language (``exp_add@zh``), as the app's ``lkey``: its
    label changes with the language, and so would Streamlit's widget, closed.
    """
    for k in keys:
        at.session_state[f"{k}@{at.session_state['lang']}"] = is_open
    return _run(at)


def _tab(at, label_key: str):
    """Open the tab ``label_key`` (a hidden tab's widgets are drawn only when it is opened) and run."""
    at.session_state["main_tabs"] = tr(label_key, "zh")
    return _run(at)


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
    _open(app, "exp_add")
    _run(app.button(key="add_coords").click())
    after = _metrics(app)["农村互助养老服务设施行政村覆盖率"]
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    delta = next(m.delta for m in app.metric if m.label == "农村互助养老服务设施行政村覆盖率")
    assert delta.startswith("+") and delta.endswith(" 个百分点")  # Chinese throughout, not "pp"
    assert any("→" in s.value and "+1个行政村" in s.value for s in app.success)
    edits = app.session_state["edits"]
    assert len(edits) == 1 and edits[0]["op"] == "add" and edits[0]["capacity"] == 20.0
    assert app.session_state["last_edit_seconds"] < 30
    # English labels for the same state
    app.radio(key="lang").set_value("en")
    _run(app)
    assert "(+1 villages" in " ".join(s.value for s in app.success)
    delta_en = next(m.delta for m in app.metric if m.label == "Administrative villages with a rural mutual-aid site")
    assert delta_en == delta.replace(" 个百分点", " pp")
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
    assert app.error and "无法读取上传的数据" in _shown(app.error[0])
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
    assert app.error and all("Traceback" not in _shown(e) for e in app.error)
    assert _metrics(app) == before


def test_own_boundaries_alone_are_not_completed_with_the_demo(app, tmp_path):
    """Valid boundaries uploaded on the demo, without facilities and network: refused, naming both;
    the demo stays in use (a user's data is never mixed with the synthetic county)."""
    import geopandas as gpd

    from planner import demo_paths

    units = gpd.read_file(demo_paths().boundaries, layer="units")
    path = tmp_path / "mine.gpkg"
    units.to_file(path, layer="units")
    before = _metrics(app)
    app.file_uploader(key="up_b").upload("mine.gpkg", path.read_bytes(), "application/octet-stream")
    _run(app)
    _run(app.button(key="apply_data").click())
    assert app.error and any("设施" in _shown(e) and "路网" in _shown(e) for e in app.error)
    assert _metrics(app) == before
    assert "dataset" not in app.session_state or app.session_state["dataset"] is None


def test_an_upload_error_names_the_apps_choice_and_following_it_loads_the_data(app, tmp_path):
    """A boundaries file whose 60+ column has its own name: the fix names the app's 字段对应 choice,
    not a Python argument or a command-line option; choosing the column there loads the data."""
    import geopandas as gpd

    from planner import demo_paths

    demo = demo_paths()
    units = gpd.read_file(demo.boundaries, layer="units").rename(columns={"pop60": "A3"})
    units.to_file(tmp_path / "村界.gpkg", layer="units")
    before = _metrics(app)
    app.file_uploader(key="up_b").upload("村界.gpkg", (tmp_path / "村界.gpkg").read_bytes(), "application/octet-stream")
    app.file_uploader(key="up_f").upload("设施.gpkg", demo.facilities.read_bytes(), "application/octet-stream")
    app.file_uploader(key="up_n").upload("路网.osm", demo.network.read_bytes(), "application/octet-stream")
    _run(app)
    _run(app.button(key="apply_data").click())
    said = " ".join(_shown(e) for e in app.error)
    assert "“字段对应”（60岁以上人口 → 你的列名）" in said, said
    assert "columns=" not in said and "--columns" not in said
    assert _metrics(app) == before
    _run(app.selectbox(key="map_b_pop60@zh").set_value("A3"))
    _run(app.button(key="apply_data").click())
    assert not app.error and app.session_state["dataset"] is not None
    assert _metrics(app) == before  # the demo's own figures, read from the planner's files


def test_a_shapefile_without_prj_is_read_with_the_coordinate_system_the_planner_gives(app, tmp_path):
    """The zipped shapefile of a survey office, no .prj: refused naming the 坐标系（EPSG） field; filled in,
    the data load; a wrong one is refused by name."""
    import warnings
    import zipfile

    import geopandas as gpd

    from planner import demo_paths

    demo = demo_paths()
    folder = tmp_path / "shp"
    folder.mkdir()
    with warnings.catch_warnings():  # field names cut to 10 characters, as in any shapefile
        warnings.simplefilter("ignore")
        gpd.read_file(demo.boundaries, layer="units").to_crs("EPSG:4548").to_file(folder / "村界.shp",
                                                                                   encoding="utf-8")
    (folder / "村界.prj").unlink()
    with zipfile.ZipFile(tmp_path / "村界.zip", "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    before = _metrics(app)
    app.file_uploader(key="up_b").upload("村界.zip", (tmp_path / "村界.zip").read_bytes(), "application/zip")
    app.file_uploader(key="up_f").upload("设施.gpkg", demo.facilities.read_bytes(), "application/octet-stream")
    app.file_uploader(key="up_n").upload("路网.osm", demo.network.read_bytes(), "application/octet-stream")
    _run(app)
    assert "up_n_crs" not in {w.key for w in app.text_input}  # an OSM file carries its own
    _run(app.button(key="apply_data").click())
    said = " ".join(_shown(e) for e in app.error)
    assert "“坐标系（EPSG）”为 EPSG:4490" in said and "crs=" not in said, said
    _run(app.text_input(key="up_b_crs").set_value("EPSG:坏"))
    _run(app.button(key="apply_data").click())
    assert any("EPSG:坏" in _shown(e) for e in app.error)
    _run(app.text_input(key="up_b_crs").set_value("EPSG:4548"))
    _run(app.button(key="apply_data").click())
    assert not app.error and app.session_state["dataset"] is not None
    assert _metrics(app) == before  # the demo's figures, from the planner's projected shapefile


def test_names_in_error_messages_are_text_not_markdown(app):
    """A scenario file naming a facility as an image or a link: the error quotes it, escaped (the app's
    alerts render markdown), so the browser shows the characters and fetches nothing."""
    evil = "![x](http://example.invalid/p.png)[y](http://example.invalid)"
    sc = Scenario("坏", edits=(Edit("remove", evil),))
    app.file_uploader(key="scenario_upload").upload("坏.geojson", sc.to_json().encode(), "application/json")
    _tab(app, "app.tab_scenarios")
    _run(app.button(key="load_scenario_btn").click())
    raw = " ".join(e.value for e in app.error)
    assert evil in " ".join(_shown(e) for e in app.error), raw  # shown as written
    assert "](" not in raw and "![" not in raw  # never as markup


@pytest.mark.slow
def test_scenario_file_loads_and_bad_one_is_refused(app, analysis):
    a = analysis
    site = aps.default_site(a, "mutual_aid")
    sc = Scenario("乙方案", edits=(Edit.from_dict(aps.add_edit(a.model, "mutual_aid", site.x, site.y)),))
    app.file_uploader(key="scenario_upload").upload("乙方案.geojson", sc.to_json().encode(), "application/json")
    _tab(app, "app.tab_scenarios")
    _run(app.button(key="load_scenario_btn").click())
    assert [e["facility_id"] for e in app.session_state["edits"]] == [sc.edits[0].facility_id]
    assert app.session_state["scenario_name"] == "乙方案"
    assert _metrics(app)["农村互助养老服务设施行政村覆盖率"] != "73.3%"
    bad = json.loads(sc.to_json())
    bad["edits"].append({"op": "remove", "facility_id": "NO-SUCH"})
    app.file_uploader(key="scenario_upload").upload("坏.geojson", json.dumps(bad).encode(), "application/json")
    _run(app)
    _run(app.button(key="load_scenario_btn").click())
    assert any("无法载入方案" in _shown(e) and "NO-SUCH" in _shown(e) for e in app.error)
    assert len(app.session_state["edits"]) == 1  # the loaded scenario is kept


def test_shapely_points_are_wgs84(analysis):
    pt = aps.default_site(analysis, "meal_point")
    assert isinstance(pt, shapely.Point) and 117 < pt.x < 118 and 29 < pt.y < 30
    assert np.isfinite([pt.x, pt.y]).all()


def test_remove_the_selected_facility_and_undo(app, analysis):
    fac = analysis.model.facilities
    # the plan counts county-level institutions only: a township 敬老院 (…镇/…乡) is not one
    county_level = ~fac["name"].astype(str).str.contains("镇|乡")
    homes = fac.loc[(fac["type"] == "nursing_home") & (fac["status"] == "existing") & county_level,
                    "facility_id"]
    assert len(homes) >= 1
    assert _metrics(app)["县级特困人员供养服务机构"] == str(len(homes))
    app.session_state["selected"] = str(homes.iloc[0])
    _run(app)
    _run(app.button(key="remove_btn").click())
    assert app.session_state["edits"] == [{"op": "remove", "facility_id": str(homes.iloc[0])}]
    assert _metrics(app)["县级特困人员供养服务机构"] == str(len(homes) - 1)
    _run(app.button(key="undo_btn").click())
    assert _metrics(app)["县级特困人员供养服务机构"] == str(len(homes))


# --- map view, places per 1,000, move by coordinates ---------------------------------------------

def test_view_state_keeps_the_view_the_map_reported():
    from planner.io.crs import wgs84_to_gcj02
    from planner.outputs.webmap import MapView

    # before its first report streamlit-folium returns defaults: no centre, a meaningless zoom
    assert aps.view_state(None, {"last_clicked": None, "zoom": 1}, data_key="d") is None
    kept = aps.view_state(None, {"center": {"lat": 29.3, "lng": 117.2}, "zoom": 13.25}, data_key="d")
    assert kept == {"data": "d", "lon": 117.2, "lat": 29.3, "zoom": 13.25}
    assert aps.view_state(kept, {"zoom": 10}, data_key="d") == kept  # a rebuilt map's defaults
    assert aps.view_state(kept, None, data_key="d") == kept
    assert aps.view_state(kept, None, data_key="other") is None  # new data open fitted
    assert aps.kept_view(kept, "d") == MapView(117.2, 29.3, 13.25)
    assert aps.kept_view(kept, "other") is None and aps.kept_view(None, "d") is None
    # on the GCJ-02 basemap the map reports shifted coordinates: kept in WGS-84
    gx, gy = wgs84_to_gcj02(117.2, 29.3)
    amap = aps.view_state(None, {"center": {"lat": gy, "lng": gx}, "zoom": 12}, basemap="amap",
                          data_key="d")
    assert (amap["lon"], amap["lat"]) == pytest.approx((117.2, 29.3), abs=1e-7)


def test_places_column_is_2sfca_per_unit(analysis):
    from planner.engine.travel import nearest_sites, point_distances

    model = analysis.model
    col = aps.places_column(model, "day_care")
    assert len(col) == len(model.units) and col.attrs["minutes"] == model.profile.catchment("day_care")
    # reference: the textbook 2SFCA written out from one walk search per facility
    idx = np.flatnonzero(model.type_mask("day_care"))
    walk = model.profile.catchment("day_care") * 60 * model.speed
    dist = []
    for j in idx:
        site = model.facility_snap.take(np.array([j]))
        field = nearest_sites(model.network, site, limit=walk * 1.01)
        dist.append(point_distances(model.network, field, model.demand_snap, site)[0])
    reach = np.array(dist).T <= walk  # demand points × facilities
    w = model.demand["w60"].to_numpy(float)
    places = model.facilities["capacity"].to_numpy(float)[idx]
    load = (reach * w[:, None]).sum(axis=0)  # step 1: the elderly each facility serves
    ratio = np.divide(places, load, out=np.zeros_like(places), where=load > 0)
    access = (reach * ratio).sum(axis=1)  # step 2: places per person at each demand point
    unit = model.demand["unit"].to_numpy()
    wsum = np.bincount(unit, weights=w, minlength=len(model.units))
    ref = np.bincount(unit, weights=w * access, minlength=len(model.units)) / wsum * 1000
    np.testing.assert_allclose(col.to_numpy(), ref, rtol=1e-9, atol=1e-9)
    # every place of a facility that someone can walk to is shared out, none twice
    assert np.sum(wsum * col.to_numpy()) / 1000 == pytest.approx(places[load > 0].sum())
    # a unit without a place within its walk reads 0; 30 new places are shared out exactly
    assert (col.to_numpy() == 0).any()
    pt = aps.default_site(analysis, "day_care")
    col2 = aps.places_column(model.add_facility("day_care", pt.x, pt.y, name="新中心", capacity=30),
                             "day_care")
    gained = col2.to_numpy() - col.to_numpy()
    assert np.nanmax(gained) > 0
    assert np.sum(wsum * col2.to_numpy()) / 1000 == pytest.approx(places[load > 0].sum() + 30)


def test_places_table_and_chain_cache(analysis):
    model = analysis.model
    col = aps.places_column(model, "mutual_aid")
    tab = aps.places_table(analysis, col, "zh", facility_type="mutual_aid")
    villages = int((analysis.units["kind"] == "village").sum())
    assert len(tab) == villages and set(tab["类型"]) == {"行政村"}
    vals = tab["每千名老人床位/名额"].to_numpy(float)
    assert (np.diff(vals[np.isfinite(vals)]) >= 0).all()  # lowest first
    en = aps.places_table(analysis, col, "en")
    assert len(en) == len(analysis.units) and "Places per 1,000 aged 60+" in en.columns
    text = aps.places_summary(model, "mutual_aid", "zh")
    assert "农村互助养老服务设施" in text and "每千人" in text
    assert "per 1,000" in aps.places_summary(model, "mutual_aid", "en")
    chain = aps.ModelChain()
    site = aps.default_site(analysis, "mutual_aid")
    e1 = aps.add_edit(model, "mutual_aid", site.x, site.y, capacity=25)
    c0 = chain.places("k", model, [], "mutual_aid")
    c1 = chain.places("k", model, [e1], "mutual_aid")
    assert chain.places("k", model, [e1], "mutual_aid") is c1  # cached by the chain position
    assert chain.places("k", model, [], "mutual_aid") is c0
    assert np.nansum(c1.to_numpy()) > np.nansum(c0.to_numpy())
    np.testing.assert_allclose(c0.to_numpy(), col.to_numpy())


def test_move_edit_converts_chinese_coordinates(analysis):
    from planner.io.crs import wgs84_to_bd09, wgs84_to_gcj02

    model = analysis.model
    lon, lat = 117.2613, 29.3158
    for system, fwd in (("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)):
        e = aps.move_edit(model, "DC01", *fwd(lon, lat), system)
        assert e["op"] == "move" and e["facility_id"] == "DC01"
        assert (e["lon"], e["lat"]) == pytest.approx((lon, lat), abs=1e-6)
        assert abs(fwd(lon, lat)[0] - lon) > 1e-3  # the offset is real (hundreds of metres)
    assert aps.move_edit(model, "DC01", lon, lat, "cgcs2000")["lon"] == lon
    # the facility's place shown in each system round-trips
    wx, wy = aps.facility_lonlat(model, "DC01")
    gx, gy = aps.facility_lonlat(model, "DC01", "gcj02")
    assert (gx, gy) == pytest.approx(wgs84_to_gcj02(wx, wy), abs=1e-9)
    assert aps.in_study_area(model, wx, wy) and not aps.in_study_area(model, 100.0, 29.3)
    from planner._errors import CRSError, InputError

    with pytest.raises(InputError, match="NO-SUCH"):
        aps.move_edit(model, "NO-SUCH", lon, lat)
    with pytest.raises(CRSError):
        aps.move_edit(model, "DC01", lon, lat, "utm")
    # a new place outside the study area is refused, however it is given: moved, added, clicked
    for make in (lambda: aps.move_edit(model, "DC01", 100.0, 29.3),
                 lambda: aps.add_edit(model, "mutual_aid", 100.0, 29.3),
                 lambda: aps.click_edit("add", 100.0, 29.3, model=model, facility_type="day_care", edits=[]),
                 lambda: aps.click_edit("move", 100.0, 29.3, model=model, facility_type="day_care", edits=[],
                                        selected="DC01")):
        with pytest.raises(InputError) as err:
            make()
        assert err.value.code == "site_outside_area" and "不在研究区域内" in err.value.display("zh")
    assert aps.add_edit(model, "mutual_aid", wx, wy)["op"] == "add"  # inside: as before


def test_move_the_selected_facility_by_coordinates(app, analysis):
    from planner.analysis.result import analysis_of
    from planner.analysis.scenario import score_changes
    from planner.io.crs import wgs84_to_gcj02

    app.session_state["selected"] = "DC01"
    _open(app, "exp_move")
    # the inputs show the facility's place, in the chosen coordinate system
    wx, wy = aps.facility_lonlat(analysis.model, "DC01")
    assert app.number_input(key="move_lon").value == pytest.approx(wx, abs=1e-6)
    _run(app.selectbox(key="move_coord@zh").set_value("gcj02"))
    gx, gy = wgs84_to_gcj02(wx, wy)
    assert app.number_input(key="move_lat").value == pytest.approx(gy, abs=1e-6)
    # move it to the neediest gap village, typed as Amap (GCJ-02) coordinates
    site = aps.default_site(analysis, "mutual_aid")
    tx, ty = wgs84_to_gcj02(site.x, site.y)
    app.number_input(key="move_lon").set_value(round(tx, 6))
    app.number_input(key="move_lat").set_value(round(ty, 6))
    _run(app)
    _run(app.button(key="move_coords_btn").click())
    edits = app.session_state["edits"]
    assert len(edits) == 1 and edits[0]["op"] == "move" and edits[0]["facility_id"] == "DC01"
    assert (edits[0]["lon"], edits[0]["lat"]) == pytest.approx((site.x, site.y), abs=2e-6)
    assert any("已将东门社区日间照料中心移动到" in s.value for s in app.success)
    # the targets are those of the moved model, computed here without the app
    expect = score_changes(analysis, analysis_of(analysis.model.move_facility(
        "DC01", edits[0]["lon"], edits[0]["lat"])), "zh")
    shown = _metrics(app)
    assert shown == {c.short_label: c.value_text(c.after) for c in expect}
    assert shown["城市15分钟养老服务圈"] != next(c.value_text(c.before) for c in expect
                                                 if c.short_label == "城市15分钟养老服务圈")
    # a point outside the county is refused with a message, and nothing changes
    app.number_input(key="move_lon").set_value(100.0)
    _run(app)
    _run(app.button(key="move_coords_btn").click())
    assert any("不在研究区域内" in _shown(e) for e in app.error)
    assert len(app.session_state["edits"]) == 1


def test_places_view_in_both_languages(app):
    _run(app.selectbox(key="colour_by@zh").set_value("places:day_care"))
    assert any("全县现有及规划社区日间照料中心" in c.value for c in app.caption)
    tab = app.dataframe[0].value
    assert "每千名老人床位/名额" in tab.columns and set(tab["类型"]) == {"社区"}
    _run(app.radio(key="lang").set_value("en"))
    assert any("community day-care centres have" in c.value for c in app.caption)
    assert "Places per 1,000 aged 60+" in app.dataframe[0].value.columns
    # the choice moves over to the English widget (its key carries the language)
    assert app.selectbox(key="colour_by@en").value == "places:day_care"
    assert not app.error


def test_every_interface_text_has_chinese_and_english():
    import re
    import string

    from planner.outputs.webmap import TEXT
    from planner.text.app import WORDS

    cjk = re.compile(r"[\u4e00-\u9fff]")
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for table in (WORDS, TEXT):
        for key, (zh, en) in table.items():
            assert zh and en, key
            assert fields(zh) == fields(en), key  # the same placeholders, so both render
            if key != "app.language":  # the switch shows both on purpose
                assert not cjk.search(en), key
                assert cjk.search(zh) or zh == en, key
    for key in ("app.colour_places", "app.places_summary", "app.fit_county", "app.move_coords", "app.move_here",
                "app.moved_msg"):
        assert tr(key, "zh", type="x", places=1, pop60=2, rate=3, minutes=4, lon=1, lat=2, name="n") \
            != tr(key, "en", type="x", places=1, pop60=2, rate=3, minutes=4, lon=1, lat=2, name="n")


def test_report_downloads_are_real_files(tmp_path, demo_analysis):
    """The app's download helpers give the full report formats (issue 4, from the app)."""
    import io
    import zipfile

    from openpyxl import load_workbook

    import planner.app as aps

    res = demo_analysis
    pdf = aps.gap_map_print(res, "mutual_aid", fmt="pdf", paper="A3", lang="zh")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    png = aps.gap_map_print(res, "day_care", fmt="png", dpi=100)
    assert png.startswith(b"\x89PNG")
    z = zipfile.ZipFile(io.BytesIO(aps.layers_shapefile_zip(res, encoding="gbk")))
    names = z.namelist()
    assert any(n.endswith(".cpg") for n in names) and any(n.endswith(".dbf") for n in names)
    wb = load_workbook(io.BytesIO(aps.gap_table_xlsx(res, "zh")), read_only=True)
    assert len(wb.sheetnames) >= 3
    csv = aps.gap_table_csv(res, "zh")
    assert csv.startswith("\ufeff".encode()) and "行政村".encode() in csv


def test_add_by_chinese_coordinates_lands_on_the_same_site(app):
    """Add-by-coordinates in GCJ-02 gives the same edit as the WGS-84 site it shows."""
    from planner.io.crs import wgs84_to_gcj02

    _open(app, "exp_add")
    lon84, lat84 = float(app.session_state["add_lon"]), float(app.session_state["add_lat"])
    _run(app.selectbox(key="add_coord@zh").set_value("gcj02"))
    glon, glat = wgs84_to_gcj02(lon84, lat84)
    # the inputs now show the suggested site in GCJ-02 (a few hundred metres off in degrees)
    assert app.session_state["add_lon"] == pytest.approx(glon, abs=2e-6)
    assert app.session_state["add_lat"] == pytest.approx(glat, abs=2e-6)
    _run(app.button(key="add_coords").click())
    edit = app.session_state["edits"][-1]
    assert edit["op"] == "add"
    assert edit["lon"] == pytest.approx(lon84, abs=2e-6) and edit["lat"] == pytest.approx(lat84, abs=2e-6)
    assert not app.error


def test_service_area_cache_rebuilds_only_the_edited_type_and_matches_a_rebuild(analysis, monkeypatch):
    """After an add only the edited type's areas are made again, grown by the new site's reach alone
    (one small raster for all its walks), and they equal a rebuild; other types come from the cache."""
    import planner.engine.isochrones as iso
    from planner.analysis.result import service_area_layer

    calls = []
    real = iso.service_areas
    monkeypatch.setattr(iso, "service_areas", lambda *a, **k: calls.append(k.get("sites")) or real(*a, **k))
    cache = aps.ServiceAreaCache()
    model = analysis.model
    first = cache.layer(model, ["mutual_aid", "day_care"], (5, 15))
    assert len(calls) == 2  # one call per type, serving both walks
    assert cache.layer(model, ["mutual_aid", "day_care"], (5, 15)) is first  # unchanged: the same frame
    site = aps.default_site(analysis, "mutual_aid")
    added = model.add_facility("mutual_aid", site.x, site.y)
    # and two more next to existing sites, so the new reaches overlap the old areas
    lon, lat = added.network.lonlat()
    fac = added.facilities
    for k in np.nonzero(added.type_mask("mutual_aid"))[0][:2]:
        near = added.network.u[added.facility_snap.edge[k]]  # a node on the site's street
        added = added.add_facility("mutual_aid", float(lon[near]) + 0.001, float(lat[near]))
    grown = cache.layer(added, ["mutual_aid", "day_care"], (5, 15))
    assert grown is not first
    grown = grown.to_crs(model.network.crs)
    assert len(calls) == 3  # only the edited type again, from the newest cached areas
    assert len(calls[-1]) == 3  # grown by the three new sites' reaches, not rebuilt from all sites
    rebuilt = service_area_layer(added, ["mutual_aid", "day_care"], (5, 15)).to_crs(model.network.crs)
    for g, r in zip(grown.geometry, rebuilt.geometry, strict=True):
        # the same cells: equal but where marching squares splits a saddle cell differently
        assert g.symmetric_difference(r).area < 1e-4 * r.area
        assert g.symmetric_difference(r).buffer(-iso.DEFAULT_RESOLUTION / 2).is_empty  # slivers only
    assert len(fac) + 2 == len(added.facilities)
    # a removal makes walks longer: the cache rebuilds the type and matches the first layer
    fid = added.facilities["facility_id"].iloc[-1]
    removed = added.remove_facility(fid)
    back = cache.layer(removed, ["mutual_aid"], (5, 15)).to_crs(model.network.crs)
    assert len(calls[-1]) == int(removed.type_mask("mutual_aid").sum())  # all sites: a rebuild
    again = service_area_layer(removed, ["mutual_aid"], (5, 15)).to_crs(model.network.crs)
    for g, r in zip(back.geometry, again.geometry, strict=True):
        assert g.symmetric_difference(r).area < 1e-6 * r.area


# --- a planner's working day: downloads, tabs, names, defaults, policy, uploads -------------------

@pytest.fixture
def media(monkeypatch):
    """The media file manager of each AppTest run (the server's store of download files)."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.media_file_manager import MediaFileManager

    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return managers


def _downloads(at, mgr) -> dict[str, bytes]:
    """Press every download button once, in page order, as the server does: in another thread,
    outside the script run (where st.session_state is empty)."""
    import threading

    buttons = [b.proto for b in at.get("download_button")]
    out: dict[str, bytes] = {}
    errors: list[BaseException] = []

    def press() -> None:
        for p in buttons:
            key = p.id.rsplit("-", 1)[-1]
            try:
                url = mgr.execute_deferred(p.deferred_file_id) if p.deferred_file_id else p.url
                out[key] = bytes(mgr._storage.get_file(url.rsplit("/", 1)[-1]).content)
            except Exception as exc:  # collected: the test names the button
                errors.append(exc)
                out[key] = b""

    t = threading.Thread(target=press)
    t.start()
    t.join()
    assert not errors, errors
    return out


def _check_formats(files: dict[str, bytes]) -> None:
    import io
    import zipfile

    from openpyxl import load_workbook

    from planner.analysis.scenario import read_scenario

    assert set(files) == {"dl_scenario_tab", "dl_xlsx", "dl_csv", "dl_gpkg", "dl_scenario", "dl_html", "dl_shp",
                          "dl_pdf", "dl_png"}
    assert all(files.values()), [k for k, v in files.items() if not v]
    assert len(load_workbook(io.BytesIO(files["dl_xlsx"]), read_only=True).sheetnames) >= 3
    assert files["dl_csv"].startswith("\ufeff".encode()) and "区划代码".encode() in files["dl_csv"]
    assert files["dl_gpkg"].startswith(b"SQLite format 3")
    assert files["dl_scenario"] == files["dl_scenario_tab"]
    read_scenario(files["dl_scenario"])  # the file the app loads back
    assert b"<html" in files["dl_html"][:2000].lower()
    names = zipfile.ZipFile(io.BytesIO(files["dl_shp"])).namelist()
    assert any(n.endswith(".shp") for n in names) and any(n.endswith(".cpg") for n in names)
    assert files["dl_pdf"].startswith(b"%PDF") and files["dl_png"].startswith(b"\x89PNG")


def test_every_download_button_works_in_any_order(media):
    """Each button gives its file outside the script run, in sequence, and again after an edit."""
    import json

    at = _run(AppTest.from_file(APP, default_timeout=120))
    assert not at.get("download_button")  # drawn only on the tabs that hold them, when open

    def every_download() -> dict[str, bytes]:  # the scenario tab's button, then the downloads tab's
        _tab(at, "app.tab_scenarios")
        files = _downloads(at, media[-1])
        _tab(at, "app.tab_downloads")
        return {**files, **_downloads(at, media[-1])}

    first = every_download()
    _check_formats(first)
    assert json.loads(first["dl_scenario"])["edits"] == []
    # pressed again in reverse order: the same files (from the cache), no "Deferred file not found"
    again = _downloads(at, media[-1])
    assert again == {k: v for k, v in first.items() if k != "dl_scenario_tab"}
    # after an edit the new buttons give the edited scenario's files
    _open(at, "exp_add")
    _run(at.button(key="add_coords").click())
    assert len(at.session_state["edits"]) == 1
    after = every_download()
    _check_formats(after)
    sc = json.loads(after["dl_scenario"])
    assert [e["facility_id"] for e in sc["edits"]] == [at.session_state["edits"][0]["facility_id"]]
    assert after["dl_csv"] != first["dl_csv"]  # the gap table counts the added site


def test_download_makers_read_no_session_state(analysis):
    """The specs are bound to plain values: they work with no Streamlit at all, and cache by key."""
    from planner.app import downloads as dl

    sc = aps.scenario_of("甲", [], profile="national", speed=1.0, minutes=None, inputs={})
    specs = aps.table_downloads(analysis, state_key="k-test", lang="zh", stem="s",
                                scenario_json=aps.scenario_geojson(sc), scenario_name="甲")
    assert [s.key for s in specs] == ["dl_xlsx", "dl_csv", "dl_gpkg", "dl_scenario", "dl_shp"]
    assert specs[3].file_name == "甲.geojson" and json.loads(specs[3].make())["name"] == "甲"
    csv = specs[1].make()
    assert ("csv", "k-test", "zh") in dl._CACHE and specs[1].make() is csv  # the second click is a hit
    en = aps.table_downloads(analysis, state_key="k-test", lang="en", stem="s", scenario_json=b"{}",
                             scenario_name="x")[1].make()
    assert en != csv  # the language is part of the key
    pdf, png = aps.print_downloads(analysis, state_key="k-test", lang="zh", stem="s", facility_type="day_care")
    assert (pdf.file_name, png.mime) == ("s_day_care_A4.pdf", "image/png")


def test_a_scenario_is_dated_when_its_content_changes_not_when_the_page_is_drawn():
    """The same work gives the same file on every run (and from both tabs); a change gets a new date."""
    from dataclasses import replace

    def made(edits, created):
        return replace(aps.scenario_of("甲", edits, profile="national", speed=1.0, minutes=None, inputs={}),
                       created=created)

    edit = {"op": "add", "facility_id": "N1", "type": "day_care", "lon": 116.0, "lat": 39.0, "capacity": 20}
    first, stamp = aps.scenario_dated(made([], "2026-01-01T08:00:00+00:00"), None)
    assert first.created == "2026-01-01T08:00:00+00:00"
    again, stamp = aps.scenario_dated(made([], "2026-01-01T08:00:01+00:00"), stamp)  # a later run
    assert again.to_json() == first.to_json()
    edited, stamp = aps.scenario_dated(made([edit], "2026-01-01T08:05:00+00:00"), stamp)
    assert edited.created == "2026-01-01T08:05:00+00:00"
    renamed, _ = aps.scenario_dated(replace(made([edit], "2026-01-01T08:06:00+00:00"), name="乙"), stamp)
    assert renamed.created == "2026-01-01T08:06:00+00:00"


def _tabs_index(at) -> int:
    from streamlit.testing.v1.element_tree import Tab

    return next(i for i, node in at.main.children.items()
                if any(isinstance(c, Tab) for c in getattr(node, "children", {}).values()))


def test_tabs_keep_their_place_after_saving_a_scenario_or_an_edit(app):
    """A shifted st.tabs is a new element that opens on its first tab: messages and edits must not
    move it (this is what sent the planner back to the first tab after 保存/下载 on the 方案 tab)."""
    _open(app, "exp_add")
    _tab(app, "app.tab_scenarios")
    where = _tabs_index(app)
    _run(app.button(key="keep_btn").click())  # a success message at the top
    assert any("已保存方案" in s.value for s in app.success)
    assert _tabs_index(app) == where
    _run(app.button(key="load_scenario_btn").click())  # nothing uploaded: a warning
    assert app.warning and _tabs_index(app) == where
    _run(app.button(key="add_coords").click())  # the changes list grows
    assert app.session_state["edits"] and _tabs_index(app) == where
    _run(app.button(key="undo_btn").click())
    assert _tabs_index(app) == where
    assert len(app.tabs) == 4


def test_target_cards_show_full_names_existing_planned_and_policy_marks(analysis):
    """现状 and 规划 values, full names, 逾期 when the deadline passed unmet, 仅供参考 when informative."""
    from dataclasses import replace

    from planner.analysis.scenario import score_changes

    cards = aps.target_cards(analysis, analysis, "zh")
    by_id = {s.target.id: s for s in analysis.scores}
    assert [c.target_id for c in cards] == [s.target.id for s in analysis.scores]
    for c in cards:
        s = by_id[c.target_id]
        assert c.label == s.target.label("zh")  # the full name, not cut
        ch = next(x for x in score_changes(analysis, analysis, "zh") if x.target_id == c.target_id)
        assert c.value == ch.value_text(s.value) and c.existing == ch.value_text(s.value_existing)
        assert c.delta == ""  # the baseline against itself
    village = next(c for c in cards if c.target_id == "mutual_aid_village")
    assert (village.existing, village.value) == ("70.0%", "73.3%")  # the demo's planned site counts in 规划
    # a target past its deadline and unmet is overdue; an informative one is never judged
    s = by_id["mutual_aid_village"]
    overdue = replace(analysis, scores=[replace(x, overdue=True) if x is s else x for x in analysis.scores])
    card = next(c for c in aps.target_cards(analysis, overdue, "zh") if c.target_id == s.target.id)
    assert card.overdue and "逾期" in card.badges("zh") and "overdue" in card.badges("en")
    info_t = replace(s.target, informative=True)
    info = replace(analysis, scores=[replace(x, target=info_t, met=None) if x is s else x
                                     for x in analysis.scores])
    card = next(c for c in aps.target_cards(analysis, info, "zh") if c.target_id == s.target.id)
    assert card.informative and card.met == "仅供参考" and card.colour == "gray" and card.target == "—"


def test_delta_reads_percentage_points_in_chinese(analysis):
    from planner.analysis.scenario import score_changes

    site = aps.default_site(analysis, "mutual_aid")
    chain = aps.ModelChain()
    after = chain.analysis("k", analysis, [aps.add_edit(analysis.model, "mutual_aid", site.x, site.y)])
    ch = next(c for c in score_changes(analysis, after, "zh") if c.target_id == "mutual_aid_village")
    d = (ch.after - ch.before) * 100
    assert aps.delta_text(ch, "zh") == f"{d:+.1f} 个百分点" and aps.delta_text(ch, "en") == f"{d:+.1f} pp"
    assert "pp" not in aps.delta_text(ch, "zh")


def test_profile_heading_names_the_document_status():
    from planner.io import list_profiles, load_profile

    for name in list_profiles():
        p = load_profile(name)
        head = aps.profile_heading(p, "zh")
        assert head.startswith(p.title("zh"))
        if p.status == "draft":
            assert "征求意见稿" in head
        if p.status == "published":
            assert head.endswith("已正式发布")


def test_app_shows_the_full_target_names_and_existing_values(app, analysis):
    shown = " ".join(m.value for m in app.markdown).replace("\\", "")
    for s in analysis.scores:
        assert s.target.label("zh") in shown  # the full name, as the profile writes it
    assert any(c.value.startswith("现状 70.0% · 规划 73.3%") for c in app.caption)
    assert any("通用默认" in c.value for c in app.caption)


def test_usual_capacity_defaults_to_the_countys_median(analysis):
    fac = analysis.model.facilities
    for t in ("day_care", "mutual_aid", "meal_point", "nursing_home"):
        cap = fac.loc[(fac["type"] == t) & fac["status"].isin(["existing", "planned"]), "capacity"]
        cap = cap[cap > 0]
        assert aps.usual_capacity(fac, t) == (float(np.round(np.median(cap))), len(cap))
    none = fac[fac["type"] != "day_care"]
    assert aps.usual_capacity(none, "day_care") == (aps.TYPICAL_CAPACITY["day_care"], 0)


def test_new_site_capacity_starts_at_the_types_usual_size(app, analysis):
    fac = analysis.model.facilities
    mutual = fac.loc[(fac["type"] == "mutual_aid") & (fac["status"] != "candidate"), "capacity"]
    assert app.number_input(key="capacity").value == float(np.round(np.median(mutual)))
    _run(app.selectbox(key="ftype@zh").set_value("day_care"))
    day = fac.loc[(fac["type"] == "day_care") & (fac["status"] != "candidate"), "capacity"]
    assert app.number_input(key="capacity").value == float(np.round(np.median(day)))
    app.number_input(key="capacity").set_value(42.0)
    _run(app)
    assert app.number_input(key="capacity").value == 42.0  # what the planner typed stays
    _open(app, "exp_add")
    _run(app.button(key="add_coords").click())
    assert app.session_state["edits"][-1]["capacity"] == 42.0


def test_edit_list_names_sites_their_village_and_what_they_add(analysis):
    model = analysis.model
    fac = model.facilities
    cand = fac[(fac["status"] == "candidate") & (fac["type"] == "mutual_aid")].iloc[0]
    fid = str(cand["facility_id"])
    village = str(model.units["name"].iloc[int(cand["unit"])])
    names = aps.facility_names(model)
    note = {"unit": village, "gain_pop60": 320.4, "gain_units": 2, "unit_kind": "village"}
    line = aps.edit_label({"op": "status", "facility_id": fid, "status": "planned"}, "zh", names=names,
                          notes={fid: note})
    assert str(cand["name"]) in line and village in line and "规划" in line
    assert "新覆盖60岁以上320人" in line and "2个行政村新达标" in line
    en = aps.edit_label({"op": "status", "facility_id": fid, "status": "planned"}, "en", names=names,
                        notes={fid: note})
    assert "covers 320 more people 60+" in en and "2 more" in en
    # without names (old sessions) the id is still shown
    assert fid in aps.edit_label({"op": "remove", "facility_id": fid}, "zh")


def test_suggested_sites_are_named_in_the_edit_list(app):
    if not aps.suggest_available():
        pytest.skip("site suggestions not installed")
    _open(app, "exp_suggest")
    _run(app.button(key="suggest_btn").click())
    edits = app.session_state["edits"]
    notes = app.session_state["edit_notes"]
    assert edits and set(notes) == {str(e["facility_id"]) for e in edits}
    listed = [m.value for m in app.markdown if m.value.startswith("1. ")]
    assert listed, [m.value for m in app.markdown]
    text = listed[0].replace("\\", "")
    assert "状态改为" not in text or "[" in text  # a promoted candidate is named, not only its id
    assert text.count("新覆盖60岁以上") == len(edits)
    for e in edits:
        if e["op"] == "add":
            assert e["capacity"] and e["capacity"] > 0  # the usual size, not 0


# --- uploads on the server -----------------------------------------------------------------------

def test_upload_folder_is_private_written_once_and_removed(tmp_path, monkeypatch):
    import gc
    import os
    import stat

    from planner.io import uploads

    calls = []
    real = uploads.save_upload
    monkeypatch.setattr(uploads, "save_upload", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    folder = aps.UploadFolder(tmp_path)
    assert stat.S_IMODE(os.stat(folder.path).st_mode) == 0o700 and folder.path.parent == tmp_path
    data = "编号,名称,经度,纬度\n1,甲,117.2,29.3\n".encode()
    p = folder.save(data, "设施.csv", kind="facilities")
    mtime = p.stat().st_mtime_ns
    assert folder.save(data, "设施.csv", kind="facilities") == p and p.stat().st_mtime_ns == mtime
    assert calls == ["设施.csv"]  # checked and written once, not on every rerun
    assert p.read_bytes() == data and folder.path in p.parents
    made: list[int] = []
    assert folder.remember(("columns", str(p)), lambda: made.append(1) or ["名称"]) == ["名称"]
    assert folder.remember(("columns", str(p)), lambda: made.append(1) or ["x"]) == ["名称"] and made == [1]
    other = aps.UploadFolder(tmp_path)  # another session: another folder
    assert other.path != folder.path and not list(other.path.iterdir())
    path = folder.path
    del folder
    gc.collect()
    assert not path.exists()  # the session's state is gone: so are its uploads
    other.cleanup()
    assert not other.path.exists() and not other.alive


def test_error_messages_show_no_server_path(tmp_path):
    from planner._errors import InputError

    folder = aps.UploadFolder(tmp_path)
    p = folder.path / "abc" / "村界.gpkg"
    err = InputError("not a GeoPackage", path=p, hint="export it again")
    for lang in ("zh", "en"):
        text = aps.error_text(err, lang)
        assert "村界.gpkg" in text and str(tmp_path) not in text and "/" not in text.split("村界.gpkg")[0]
    text = aps.error_text(FileNotFoundError(2, "No such file", str(p)), "zh")
    assert "村界.gpkg" in text and str(tmp_path) not in text
    assert aps.hide_paths("步行速度 1.0 m/s，见 https://example.org/a/b") == "步行速度 1.0 m/s，见 https://example.org/a/b"
    folder.cleanup()


def test_app_keeps_uploads_in_its_own_folder_and_hides_paths(app):
    import tempfile

    folder = app.session_state["_uploads"]
    assert Path(tempfile.gettempdir()) in folder.path.parents or folder.path.parent == Path(tempfile.gettempdir())
    app.file_uploader(key="up_b").upload("村界.gpkg", b"this is not a geopackage", "application/octet-stream")
    _run(app)
    _run(app)  # a rerun does not write it again
    files = [p for p in folder.path.rglob("*") if p.is_file()]
    assert len(files) <= 1
    assert app.error and all(str(folder.path) not in _shown(e) and "/tmp" not in _shown(e) for e in app.error)
    folder.cleanup()


def test_targets_table_has_full_names_and_chinese_changes(analysis):
    site = aps.default_site(analysis, "mutual_aid")
    after = aps.ModelChain().analysis("k", analysis, [aps.add_edit(analysis.model, "mutual_aid", site.x, site.y)])
    tab = aps.targets_table(analysis, after, "zh")
    assert list(tab["指标"]) == [s.target.label("zh") for s in after.scores]
    row = tab.set_index("指标").loc[next(s.target.label("zh") for s in after.scores
                                       if s.target.id == "mutual_aid_village")]
    assert row["编辑前"] == "73.3%" and row["变化"].endswith(" 个百分点") and row["现状（仅现有设施）"] == "70.0%"
    assert not tab.astype(str).apply(lambda col: col.str.contains("pp")).any().any()
    assert "With planned facilities" in aps.targets_table(analysis, after, "en").columns


def test_hidden_tabs_send_no_tables_but_keep_their_widgets(app):
    """Only the open tab's tables are computed and sent; a hidden tab's choices stay as set."""
    assert app.session_state["main_tabs"] == "单元覆盖表" and len(app.dataframe) == 2  # units, targets
    _run(app.checkbox(key="gaps_only").check())
    app.session_state["main_tabs"] = "方案"
    _run(app)
    assert len(app.dataframe) == 1  # the scenario comparison only
    assert app.checkbox(key="gaps_only").value  # still there, still ticked
    app.session_state["main_tabs"] = "单元覆盖表"
    _run(app)
    gaps = len(app.dataframe[0].value)
    _run(app.checkbox(key="gaps_only").uncheck())
    assert len(app.dataframe) == 2 and 0 < gaps < len(app.dataframe[0].value)  # the ticked box filtered it


def test_closed_expanders_and_hidden_tabs_draw_no_widgets_but_keep_their_values(app):
    """A closed expander's or hidden tab's widgets are not drawn (each costs every browser work on
    every run); what the planner typed or chose there is there again when it is opened.  File
    uploaders are always drawn: a picked file is kept."""
    keys = {"add_lon", "suggest_k", "dl_paper", "dl_shp_enc", "scenario_name", "load_scenario_btn"}
    drawn = {w.key for kind in ("number_input", "selectbox", "radio", "text_input", "button")
             for w in app.get(kind)}
    assert not keys & drawn and not app.get("download_button")
    assert "scenario_upload" in {w.key for w in app.get("file_uploader")}
    _open(app, "exp_add", "exp_suggest")
    _run(app.number_input(key="add_lon").set_value(116.5))
    _run(app.number_input(key="suggest_k").set_value(7))
    _tab(app, "app.tab_downloads")
    _run(app.selectbox(key="dl_paper").set_value("A3"))
    _run(app.radio(key="dl_shp_enc").set_value("gbk"))
    _open(app, "exp_add", "exp_suggest", is_open=False)
    _tab(app, "app.tab_scenarios")
    _run(app.text_input(key="scenario_name").set_value("乙方案"))
    assert [b.key for b in app.get("download_button")] == ["dl_scenario_tab"]
    _tab(app, "app.tab_units")  # everything closed again, for a few runs
    _run(app)
    assert not app.get("download_button") and not {"add_lon", "suggest_k"} & {w.key for w in app.get("number_input")}
    _open(app, "exp_add", "exp_suggest")
    assert app.number_input(key="add_lon").value == 116.5 and app.number_input(key="suggest_k").value == 7
    _tab(app, "app.tab_downloads")
    assert app.selectbox(key="dl_paper").value == "A3" and app.radio(key="dl_shp_enc").value == "gbk"
    _tab(app, "app.tab_scenarios")
    assert app.text_input(key="scenario_name").value == "乙方案"
    assert not app.warning and not app.error


def test_an_open_expander_stays_open_when_the_language_changes(app):
    """Its label changes with the language; the planner's open 按坐标添加 stays open as "Add by
    coordinates", and one closed in English is closed again in Chinese."""
    _open(app, "exp_add")
    assert "add_coords" in {b.key for b in app.button}
    _run(app.radio(key="lang").set_value("en"))
    assert "add_coords" in {b.key for b in app.button}
    _open(app, "exp_add", is_open=False)
    assert "add_coords" not in {b.key for b in app.button}
    _run(app.radio(key="lang").set_value("zh"))
    assert "add_coords" not in {b.key for b in app.button}
    assert not app.error


def test_a_rerun_that_changes_nothing_on_the_map_draws_no_layers(app):
    """Panning, a checkbox or a tab rerun the app: the map's layers are neither built nor rendered
    again (the same objects and script); an edit draws them anew."""
    layers, rendered = app.session_state["_map_layers"], app.session_state["_layers_js"]["rendered"]
    _open(app, "exp_add")
    _run(app.checkbox(key="gaps_only").check())
    _run(app)
    assert app.session_state["_map_layers"] is layers
    assert app.session_state["_layers_js"]["rendered"] is rendered
    _run(app.button(key="add_coords").click())
    assert app.session_state["_map_layers"] is not layers
    new = app.session_state["_layers_js"]["rendered"]
    changed = [body for (body, digest) in new if digest not in {d for _, d in rendered}]
    assert any("NEW-" in body for body in changed)  # the new facility's symbol is sent


def test_same_objects_compares_by_identity_and_text_by_value():
    import pandas as pd

    frame = pd.DataFrame({"a": [1]})
    assert aps.same_objects((frame, "x", None), (frame, "x", None))
    assert not aps.same_objects((frame.copy(),), (frame,))  # equal content, another object
    assert not aps.same_objects((None,), (frame["a"],)) and not aps.same_objects((frame["a"],), (None,))
    assert not aps.same_objects(("x",), ("x", None))


def test_upload_columns_come_from_the_header_and_reads_take_turns(tmp_path, monkeypatch):
    """Listing a table's columns reads its header, not its rows; sessions' upload reads never overlap
    (several 40 MB tables parsed at once would each add hundreds of megabytes)."""
    import threading

    import planner.app.state as app_state
    import planner.io as pio

    table = tmp_path / "设施.csv"
    table.write_text("名称,经度,纬度,类型\n" + "".join(f"点{i},116.{i:05d},39.9,日间照料\n"
                                                     for i in range(5000)), encoding="gbk")
    rows = []
    real = pio.read_table
    monkeypatch.setattr(pio, "read_table", lambda *a, **k: rows.append(len(real(*a, **k))) or real(*a, **k))
    assert aps.raw_columns(table) == ["名称", "经度", "纬度", "类型"]
    assert rows == [app_state.COLUMN_SAMPLE_ROWS]

    inside, most, lock = [0], [0], threading.Lock()

    def slow_read(*a, **k):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        threading.Event().wait(0.05)
        with lock:
            inside[0] -= 1
        return real(*a, **k)

    monkeypatch.setattr(pio, "read_table", slow_read)
    threads = [threading.Thread(target=aps.raw_columns, args=(table,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == app_state.UPLOAD_READS_AT_ONCE == 1


def test_demo_is_never_completed_and_says_so_before_reading(tmp_path):
    from planner._errors import PlannerError

    """On the demo county a partial upload is refused by what is missing, before its file is parsed."""
    junk = tmp_path / "村界.geojson"
    junk.write_text("{ not json", encoding="utf-8")
    with pytest.raises(PlannerError) as err:
        aps.read_user_data(aps.demo_dataset(), boundaries=junk)
    assert err.value.code == "app_inputs_missing"


def test_upload_folders_of_a_server_that_died_are_removed_by_the_next(tmp_path):
    """A server killed before its sessions ended leaves their folders; the next session's server
    removes those of dead processes only."""
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that has ended
    stale = tmp_path / f"planner-session-{gone.pid}-abc"
    (stale / "x").mkdir(parents=True)
    (stale / "x" / "村界.gpkg").write_bytes(b"data")
    live = tmp_path / f"planner-session-{os.getpid()}-def"  # a running server's session
    live.mkdir()
    other = tmp_path / "planner-session-oldstyle"  # a name that says nothing of its server
    other.mkdir()
    folder = aps.UploadFolder(tmp_path)
    assert not stale.exists()
    assert live.exists() and other.exists() and folder.path.exists()
    assert folder.path.name.startswith(f"planner-session-{os.getpid()}-")
    folder.cleanup()


def test_a_session_waiting_for_the_upload_slot_is_told_so():
    import threading

    from planner.app.state import upload_reads

    told, done, release = [], threading.Event(), threading.Event()

    def other_session():
        with upload_reads():
            done.set()
            release.wait(5)

    t = threading.Thread(target=other_session)
    t.start()
    done.wait(5)
    threading.Timer(0.1, release.set).start()
    with upload_reads(waiting=lambda: told.append("waiting")):
        assert release.is_set()  # entered only after the other session's read ended
    t.join()
    assert told == ["waiting"]
    with upload_reads(waiting=lambda: told.append("again")):
        pass
    assert told == ["waiting"]  # a free slot: nothing to say


def test_only_a_session_holding_an_upload_collects_the_garbage_of_its_run():
    import gc
    import weakref

    class Parsed:  # stands in for what reading a large upload leaves in reference cycles
        pass

    def leave_a_cycle() -> weakref.ref:
        a, b = Parsed(), Parsed()
        a.other, b.other = b, a
        return weakref.ref(a)

    keys = ("up_b", "up_f")
    was = gc.isenabled()
    gc.disable()  # Python's own collector must not come round during the test
    try:
        left = leave_a_cycle()
        assert not aps.collect_after_uploads({"up_b": None, "other": object()}, keys)
        assert left() is not None  # a session without uploads pays nothing
        assert aps.collect_after_uploads({"up_f": object()}, keys)
        assert left() is None
    finally:
        if was:
            gc.enable()


def test_the_app_turns_off_streamlits_collection_after_every_run_and_collects_after_uploads():
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    app = (root / "app.py").read_text(encoding="utf-8")
    uploaders = [re.search(r'key="(\w+)"', part).group(1) for part in app.split("st.file_uploader(")[1:]]
    assert uploaders and all(f'"{k}"' in app.split("UPLOAD_WIDGETS = ", 1)[1].split("\n", 1)[0] for k in uploaders)
    assert "collect_after_uploads(ss, UPLOAD_WIDGETS)" in app


def test_layers_render_to_the_same_scripts_while_branca_defers_its_templates(analysis):
    """render_layers keeps branca from compiling the scripts it renders (a third of the time);
    the scripts are those that streamlit-folium makes with branca's own templates."""
    import threading

    import branca.element as be
    import streamlit_folium as sf
    from folium import Map

    from planner.app import mapframe
    from planner.outputs.webmap import coverage_map_parts

    def parts():
        return coverage_map_parts(analysis, facility_types=["day_care", "mutual_aid"], minutes=[5, 10, 15],
                                  base=False).shown_layers

    ours = mapframe.render_layers(parts())
    holder = Map(tiles=None)
    theirs = [sf._get_feature_group_string(fg, map=holder, idx=i) for i, fg in enumerate(parts())]
    assert len(ours) == len(theirs) >= 3
    for (body, _digest), code in zip(ours, theirs, strict=True):
        assert "GeoJson" in code or "marker" in code.lower() or "L." in code
        assert mapframe._FOLIUM_ID.sub("", code).startswith(mapframe._FOLIUM_ID.sub("", body))

    # inside the block only this thread defers; a deferred template renders as a compiled one
    seen = {}
    with mapframe._templates_deferred():
        deferred = be.Element("{{ 6 * 7 }} <b>{{ this._name }}</b>")
        other = threading.Thread(target=lambda: seen.setdefault("t", be.Element("{{ 1 }}")._template))
        other.start()
        other.join()
    assert type(deferred._template).__name__ == "_DeferredTemplate"
    assert deferred._template.render(this=deferred) == "42 <b>Element</b>"
    assert type(seen["t"]).__name__ == "Template" and seen["t"].render() == "1"
    assert type(be.Element("{{ 2 }}")._template).__name__ == "Template"  # outside the block: as branca


def test_the_app_script_has_no_stray_text_for_streamlit_magic():
    """Streamlit's magic writes a string standing alone on a line onto the page (a docstring after a
    constant once showed "Session keys of the file uploaders." under the map); only docstrings."""
    import ast

    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    docstrings = {id(body[0]) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                  for body in [node.body] if body}
    stray = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
             and isinstance(n.value.value, str) and id(n) not in docstrings]
    assert not stray, f"app.py lines {stray}: a bare string is shown on the page"

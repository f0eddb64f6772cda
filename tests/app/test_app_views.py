

def test_same_tab_keeps_the_open_tab_across_languages():
    import planner.app as aps
    from planner.text import tr

    keys = ("app.tab_units", "app.tab_scenarios", "app.tab_data", "app.tab_downloads")

    assert aps.same_tab(tr("app.tab_downloads", "zh"), keys, "en") == tr("app.tab_downloads", "en")
    assert aps.same_tab(tr("app.tab_scenarios", "en"), keys, "zh") == tr("app.tab_scenarios", "zh")
    assert aps.same_tab(tr("app.tab_data", "zh"), keys, "zh") == tr("app.tab_data", "zh")
    assert aps.same_tab(None, keys, "zh") is None
    assert aps.same_tab("not a tab", keys, "en") is None


def test_a_network_of_another_place_is_refused_in_the_planners_language(demo_inputs, monaco):
    """An uploaded network that does not overlap the boundaries: a worded error, not a bare string."""
    from planner.app import check_overlap, error_text

    units, _, net = demo_inputs
    assert check_overlap(units, net) is None
    err = check_overlap(units, monaco)  # Monaco's streets under a county of Jiangxi
    assert err is not None and err.code == "app_network_elsewhere"
    assert error_text(err, "zh") == "路网与边界不重叠（请检查二者是否为同一个县） — 请上传同一地区的路网"
    assert str(err).startswith("the network does not overlap the boundaries")


def test_edit_errors_are_worded_in_chinese(demo_analysis):
    """Chinese first: a bad position or facility in the edit panel is reported in Chinese."""
    import pytest

    from planner import InputError
    from planner.app import add_edit, facility_lonlat, lonlat_in, move_edit

    model = demo_analysis.model
    with pytest.raises(InputError) as err:
        move_edit(model, "NOPE", 117.2, 29.3)
    e = err.value
    assert str(e) == "there is no facility 'NOPE' — select a facility on the map first"
    assert e.display("zh") == "没有编号为“NOPE”的设施 — 请先在地图上选择一个设施"
    with pytest.raises(InputError) as err:
        add_edit(model, "clinic", 117.2, 29.3)
    assert str(err.value) == "unknown facility type 'clinic'"
    assert err.value.text("zh") == "未知的设施类型“clinic”"
    with pytest.raises(InputError) as err:
        lonlat_in(29.3, 117.2, "wgs84")
    e = err.value
    assert str(e) == "(29.3, 117.2) is not a longitude/latitude — longitude -180…180, latitude -90…90 (swapped?)"
    assert e.text("zh") == "坐标（29.3, 117.2）不是有效的经纬度" and "填反" in e.fix_text("zh")
    with pytest.raises(InputError) as err:
        facility_lonlat(model, "NOPE")
    assert err.value.text("zh") == "没有编号为“NOPE”的设施" and str(err.value) == "there is no facility 'NOPE'"


def test_a_road_layer_without_crs_is_loaded_with_the_one_given(monaco, tmp_path):
    """The app's network loader takes the CRS of a road layer that has none (a survey's shapefile)."""
    import warnings
    import zipfile

    import geopandas as gpd
    import pytest

    from planner import CRSError
    from planner.app import load_network_file
    from tests.engine.test_noding import flawed_layer

    lines = flawed_layer(monaco)["lines"]
    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame({"fclass": ["residential"] * len(lines)}, geometry=lines, crs=monaco.crs).to_file(
        folder / "道路.shp", encoding="utf-8")
    (folder / "道路.prj").unlink()
    with zipfile.ZipFile(tmp_path / "道路.zip", "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    with pytest.raises(CRSError):
        load_network_file(tmp_path / "道路.zip")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = load_network_file(tmp_path / "道路.zip", str(monaco.crs))
    assert net.n_nodes > 1000 and net.crs is not None


def test_the_models_warnings_and_place_notes_are_shown_in_the_planners_language(demo_inputs, demo_analysis):
    """Model warnings (a facility far from any street) and 2SFCA notes (no places given) name the
    facilities in the app's language, as text."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from planner import build_model
    from planner.app import default_site, md_text, places_column, places_notes

    units, fac, net = demo_inputs
    far = fac.iloc[[0]].copy()
    far["facility_id"], far["name"] = "FAR-1", "远处*站"
    far["geometry"] = [shapely.affinity.translate(far.geometry.iloc[0], 0.0, 0.03)]  # ~3 km north
    model = build_model(units, gpd.GeoDataFrame(pd.concat([fac, far], ignore_index=True), crs=fac.crs), net)
    zh, en = model.warning_texts("zh"), model.warning_texts("en")
    assert en == list(model.warnings)  # the English is the model's own
    assert any("设施距最近的步行道路超过" in w and "远处*站" in w for w in zh), zh
    assert model.with_status("FAR-1", "planned").warning_texts("zh") == zh  # edits keep them
    m = demo_analysis.model
    site = default_site(demo_analysis, "day_care")  # lon/lat
    assert places_notes(places_column(m, "day_care"), "zh") == []  # the demo gives every site's places
    added = m.add_facility("day_care", site.x, site.y, name="[点](javascript:x)")  # no places given
    notes = places_notes(places_column(added, "day_care"), "zh")
    assert len(notes) == 1 and "1 个设施未填床位" in notes[0] and md_text("[点](javascript:x)") in notes[0]
    assert "1 facilities without places" in places_notes(places_column(added, "day_care"), "en")[0]


def test_no_site_to_suggest_is_said_for_the_apps_panel(demo_analysis, monkeypatch):
    """When no candidate is left (the gaps covered), the suggest panel says so, not '--candidates'."""
    import geopandas as gpd
    import pytest

    import planner.siting.suggest as suggest
    from planner import InputError
    from planner.app import suggest_error_text, suggest_site_edits

    model = demo_analysis.model
    monkeypatch.setattr(suggest, "candidate_points",
                        lambda *a, **k: (gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), "generated"))
    with pytest.raises(InputError) as err:
        suggest_site_edits(model, "day_care", 1, [], "zh")
    assert err.value.code == "siting_no_candidates"
    zh, en = suggest_error_text(err.value, "zh"), suggest_error_text(err.value, "en")
    assert zh.startswith("没有可建议的社区日间照料中心点位") and "--candidates" not in zh
    assert en.startswith("No ") and "--candidates" not in en
    other = InputError("x", code="app_no_units", params={})
    assert suggest_error_text(other, "zh") == "没有任何单元（社区/行政村）"


def test_a_facility_table_in_projected_metres_is_read_with_the_crs_given(tmp_path):
    """The app's 坐标系（EPSG） field reaches a facility table whose X/Y are CGCS2000 metres."""
    import pandas as pd
    import pyproj
    import pytest

    from planner import InputError, demo_paths
    from planner.app import demo_dataset, read_user_data

    demo = demo_paths()
    to_metres = pyproj.Transformer.from_crs(4326, 4548, always_xy=True)
    x, y = to_metres.transform(117.2, 29.3)
    pd.DataFrame({"名称": ["甲站"], "类型": ["日间照料中心"], "X": [x], "Y": [y]}).to_csv(tmp_path / "设施.csv",
                                                                                  index=False)
    given = dict(boundaries=demo.boundaries, facilities=tmp_path / "设施.csv", network=demo.network,
                 boundary_layer="units", facility_columns={"longitude": "X", "latitude": "Y"})
    with pytest.raises(InputError):  # metres read as degrees: out of range, and the fix names the field
        read_user_data(demo_dataset(), **given)
    ds = read_user_data(demo_dataset(), **given, crs={"facilities": "EPSG:4548"})
    pt = ds.facilities.geometry.iloc[0]
    assert (pt.x, pt.y) == pytest.approx((117.2, 29.3), abs=1e-9) and ds.facilities.crs.to_epsg() == 4326

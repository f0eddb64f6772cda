"""Road centre-line layers read as walking networks: formats, CRSs, GBK, classes, levels.

The layer is the flawed Monaco line work of ``tests/engine/test_noding.py``,
written the way planning offices hold it (a zipped GBK shapefile in CGCS2000
with Chinese columns, a GeoPackage in a projected CRS with OSM columns, a
GeoJSON); each file must give the walking times of the OSM graph it came from.
"""

from __future__ import annotations

import warnings
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from planner._errors import CRSError, NetworkError, PlannerWarning
from planner.io.roads import (
    load_road_classes,
    network_from_roads,
    read_road_network,
    read_roads,
    road_columns,
    road_levels,
)
from tests.engine.test_noding import compare, flawed_layer, reference_graph


@pytest.fixture(scope="module")
def layer(monaco):
    return flawed_layer(monaco)


@pytest.fixture(scope="module")
def reference(layer, monaco):
    return reference_graph(monaco, layer["bridge_ends"], tolerance=1.0)


def chinese_frame(layer, crs) -> gpd.GeoDataFrame:
    """The layer with the columns of a Chinese survey: 道路等级, 桥梁 (是/否), 层."""
    words = {"residential": "支路", "motorway": "高速公路"}
    return gpd.GeoDataFrame(
        {"道路名称": [f"路{k}" for k in range(len(layer["lines"]))],
         "道路等级": [words[k] for k in layer["kind"]],
         "桥梁": ["是" if b else "否" for b in layer["bridge"]],
         "层": layer["layer"]},
        geometry=layer["lines"], crs=crs,
    )


def osm_frame(layer, crs) -> gpd.GeoDataFrame:
    """The layer with Geofabrik's shapefile columns: fclass, bridge (T/F), layer."""
    return gpd.GeoDataFrame(
        {"fclass": layer["kind"], "bridge": ["T" if b else "F" for b in layer["bridge"]],
         "layer": layer["layer"]},
        geometry=layer["lines"], crs=crs,
    )


def _times_match(net, monaco, reference) -> float:
    worst, pairs = compare(monaco, reference, net.x, net.y, net.csr, n_sources=10)
    assert pairs > 50_000
    return worst


def _planner_warnings(caught) -> list[PlannerWarning]:
    """The PlannerWarnings among those recorded: a stray warning from garbage collection is not ours."""
    return [w.message for w in caught if isinstance(w.message, PlannerWarning)]


def _zip_gbk_shapefile(frame: gpd.GeoDataFrame, tmp_path) -> str:
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "道路中心线.shp", encoding="gbk", engine="pyogrio")
    for cpg in folder.glob("*.cpg"):  # as most survey deliveries: no code page file
        cpg.unlink()
    target = tmp_path / "roads.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return str(target)


def test_zipped_gbk_shapefile_in_cgcs2000_gives_the_osm_walking_times(layer, monaco, reference, tmp_path):
    path = _zip_gbk_shapefile(chinese_frame(layer, monaco.crs).to_crs("EPSG:4490"), tmp_path)
    raw = read_roads(path)
    assert "道路等级" in raw.columns and set(raw["桥梁"]) == {"是", "否"}
    with pytest.warns(PlannerWarning) as caught:
        net = read_road_network(path, crs=monaco.crs)
    ours = _planner_warnings(caught)
    assert {"roads_classes_dropped", "roads_noded"} <= {w.code for w in ours}
    noded = next(w for w in ours if w.code == "roads_noded")
    assert "线端" in noded.text("zh") and "joined" in str(noded)
    assert _times_match(net, monaco, reference) <= 1.0


def test_geopackage_in_a_projected_crs_with_osm_columns(layer, monaco, reference, tmp_path):
    path = tmp_path / "roads.gpkg"
    osm_frame(layer, monaco.crs).to_crs("EPSG:3857").to_file(path)  # Web Mercator: not metres on the ground
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlannerWarning)
        net = read_road_network(path, crs=monaco.crs)
    assert _times_match(net, monaco, reference) <= 1.0


def test_geojson_without_a_crs_argument_works_in_the_local_zone(layer, monaco, tmp_path):
    path = tmp_path / "roads.geojson"
    osm_frame(layer, monaco.crs).to_crs(4326).to_file(path, driver="GeoJSON")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlannerWarning)
        net = read_road_network(path)
    assert net.crs == "EPSG:32632"  # the UTM zone of Monaco, chosen from the data
    assert net.n_nodes >= monaco.n_nodes
    assert abs(net.length.sum() - monaco.length.sum()) < 0.02 * monaco.length.sum() + 1000


def test_without_the_class_column_the_motorway_is_walked(layer, monaco, reference):
    frame = chinese_frame(layer, monaco.crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlannerWarning)
        net, report = network_from_roads(frame.drop(columns=["道路等级"]), crs=monaco.crs)
    assert _times_match(net, monaco, reference) > 5.0
    assert report.level_crossings >= 6


def test_road_class_table_from_a_file_overrides_the_default(tmp_path):
    f = tmp_path / "classes.toml"
    f.write_text('default = false\n[walkable]\n"高速公路" = true\n"支路" = true\n', encoding="utf-8")
    table = load_road_classes(f)
    assert table.is_walkable("高速公路") and table.is_walkable(" 支路 ")
    assert table.is_walkable("主干路")  # from the default table, under the file's entries
    assert not table.is_walkable("新的等级")  # the file's default for classes listed nowhere
    f.write_text('replace = true\n[walkable]\n"1" = false\n"2" = true\n', encoding="utf-8")
    codes = load_road_classes(f)  # numeric DLDJ codes: the user's own table only
    assert not codes.is_walkable(1) and codes.is_walkable(2.0) and codes.is_walkable("快速路")
    default = load_road_classes()
    assert default.is_walkable("主干路") and not default.is_walkable("快速路")
    assert not default.is_walkable("Motorway") and not default.is_walkable("trunk")
    assert default.is_walkable("新的等级")  # unknown classes: walkable by default


def test_road_class_table_given_as_file_wins_for_listed_classes_only(tmp_path):
    f = tmp_path / "classes.toml"
    f.write_text('[walkable]\n"快速路" = true\n', encoding="utf-8")
    table = load_road_classes(f)
    assert table.is_walkable("快速路") and not table.is_walkable("高速公路")


@pytest.mark.parametrize("text", ["[walkable\n", '[walkable]\n"x" = "yes"\n', 'default = "no"\n'])
def test_a_bad_class_table_names_the_file(tmp_path, text):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkError) as err:
        load_road_classes(f)
    assert err.value.code == "roads_classes_file" and "bad.toml" in str(err.value)
    assert "TOML" in err.value.fix_text("zh")


def test_columns_are_recognised_in_chinese_and_english():
    import pandas as pd

    assert road_columns(pd.DataFrame(columns=["道路 等级", "桥梁", "隧道", "层"])) == {
        "road_class": "道路 等级", "layer": "层", "bridge": "桥梁", "tunnel": "隧道"}
    assert road_columns(pd.DataFrame(columns=["HIGHWAY", "Tunnel"]))["road_class"] == "HIGHWAY"
    df = pd.DataFrame({"桥梁": ["是", "否", None, "1"], "隧道": [0, 1, 0, 0]})
    assert road_levels(df, road_columns(df)).tolist() == [1, -1, 0, 1]
    assert road_columns(df, {"road_class": "桥梁"})["road_class"] == "桥梁"


def test_a_polygon_layer_is_refused_with_a_fix(tmp_path):
    path = tmp_path / "units.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(NetworkError) as err:
        read_road_network(path)
    assert err.value.code == "roads_no_lines" and "units.gpkg" in str(err.value)
    assert "Polygon" in str(err.value) and "道路中心线" in err.value.fix_text("zh")


def test_a_survey_geopackage_gives_its_line_layer_when_the_first_is_polygons(tmp_path):
    """Water first, roads second: the roads are read, and the warning names them and the --layer fix;
    a GeoPackage whose first layer is lines keeps read_layer's own rule (the first, with its warning)."""
    path = tmp_path / "survey.gpkg"
    roads = gpd.GeoDataFrame({"fclass": ["residential", "residential"]}, crs=4326,
                             geometry=[LineString([(117.2, 29.3), (117.21, 29.3)]),
                                       LineString([(117.205, 29.29), (117.205, 29.31)])])
    gpd.GeoDataFrame({"name": ["水面"]}, geometry=[box(117.2, 29.3, 117.21, 29.31)], crs=4326).to_file(
        path, layer="water")
    roads.to_file(path, layer="道路")
    with pytest.warns(PlannerWarning) as caught:
        got = read_roads(path)
    assert len(got) == 2
    said = next(w for w in _planner_warnings(caught) if w.code == "roads_line_layer")
    assert "“道路”" in said.text("zh") and "'道路'" in said.text("en") and "layer=" in said.hint
    assert "several_layers" not in {w.code for w in _planner_warnings(caught)}
    first = tmp_path / "roads_first.gpkg"
    roads.to_file(first, layer="道路")
    gpd.GeoDataFrame({"name": ["水面"]}, geometry=[box(117.2, 29.3, 117.21, 29.31)], crs=4326).to_file(
        first, layer="water")
    with pytest.warns(PlannerWarning) as caught:
        assert len(read_roads(first)) == 2
    assert {w.code for w in _planner_warnings(caught)} == {"several_layers"}
    with pytest.raises(NetworkError) as err:  # a layer named by the user is read as named
        read_roads(path, layer="water")
    assert err.value.code == "roads_no_lines"


def test_points_among_the_lines_are_skipped_with_their_rows(tmp_path):
    path = tmp_path / "mixed.geojson"
    gpd.GeoDataFrame(
        {"fclass": ["residential", "residential", "residential"]},
        geometry=[LineString([(117.2, 29.3), (117.21, 29.3)]), Point(117.2, 29.3),
                  LineString([(117.205, 29.29), (117.205, 29.31)])], crs=4326,
    ).to_file(path, driver="GeoJSON")
    with pytest.warns(PlannerWarning) as caught:
        net = read_road_network(path)
    skipped = [w for w in _planner_warnings(caught) if w.code == "roads_non_lines"]
    assert skipped and skipped[0].rows == (2,)
    assert net.n_edges == 4 and net.crs == "EPSG:4548"  # CGCS2000 Gauss-Krueger 117E


def test_a_layer_without_crs_asks_for_one(tmp_path):
    path = tmp_path / "nocrs.shp"
    line = LineString([(500_000, 3_300_000), (500_100, 3_300_000)])  # Gauss-Krueger 120E metres
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "crs was not provided": the point of the test
        gpd.GeoDataFrame({"fclass": ["residential"]}, geometry=[line]).to_file(path)
    with pytest.raises(CRSError):
        read_road_network(path)
    net = read_road_network(path, layer_crs="EPSG:4549")
    assert net.n_edges == 1 and net.length[0] == pytest.approx(100, abs=1e-6)
    assert net.crs == "EPSG:4549"


def test_nothing_walkable_is_an_error_naming_the_classes(tmp_path):
    frame = gpd.GeoDataFrame({"等级": ["高速公路", "快速路"]},
                             geometry=[LineString([(0, 0), (100, 0)]), LineString([(0, 5), (100, 5)])],
                             crs="EPSG:4549")
    with pytest.raises(NetworkError) as err:
        network_from_roads(frame, source="r.shp")
    assert err.value.code == "roads_none_walkable"
    assert "高速公路" in err.value.text("zh") and "--road-classes" in err.value.fix_text("en")


# ---------------------------------------------------------------------------
# large extracts clipped to the study area


@pytest.mark.parametrize("reader", ["pyrosm", "pyosmium"])
def test_an_osm_extract_is_clipped_to_the_study_area_before_parsing(monaco, reader):
    from planner.io.roads import area_bbox, read_osm_pbf_area
    from tests.conftest import DATA

    if reader == "pyosmium":
        pytest.importorskip("osmium")
    area = (7.415, 43.728, 7.425, 43.735)  # a quarter of Monaco
    net = read_osm_pbf_area(DATA / "monaco.osm.pbf", area, buffer_m=200, reader=reader)
    lon, lat = net.lonlat()
    # pyosmium cuts ways at the box; pyrosm keeps the ways that touch it whole
    minx, miny, maxx, maxy = area_bbox(area, 200 if reader == "pyosmium" else 1000)
    assert lon.min() >= minx and lon.max() <= maxx and lat.min() >= miny and lat.max() <= maxy
    assert 0.3 * monaco.n_nodes < net.n_nodes < 0.8 * monaco.n_nodes
    if reader == "pyrosm":  # the whole extract's bounds: the whole network, as load_network reads it
        mlon, mlat = monaco.lonlat()
        whole = read_osm_pbf_area(DATA / "monaco.osm.pbf", (mlon.min(), mlat.min(), mlon.max(), mlat.max()),
                                  reader=reader, crs=monaco.crs)
        assert whole.n_nodes == monaco.n_nodes and whole.length.sum() == pytest.approx(monaco.length.sum())


def test_load_network_reads_road_layers(layer, monaco, reference, tmp_path):
    from planner.engine.network import load_network

    path = _zip_gbk_shapefile(chinese_frame(layer, monaco.crs).to_crs("EPSG:4490"), tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlannerWarning)
        net = load_network(path, crs=monaco.crs)
    assert _times_match(net, monaco, reference) <= 1.0


def test_an_unreadable_road_file_is_a_network_error_naming_it(tmp_path):
    p = tmp_path / "roads.shp"
    p.write_bytes(b"x")
    with pytest.raises(NetworkError) as err:
        read_road_network(p)
    assert "roads.shp" in str(err.value) and err.value.text("zh") != err.value.text("en")
    assert p.read_bytes() == b"x"


@pytest.mark.filterwarnings("ignore:Could not find any edges")  # pyrosm's own word for an empty clip
@pytest.mark.parametrize("reader", ["pyosmium", "pyrosm"])
def test_a_clipped_pbf_that_cannot_be_used_is_worded_in_chinese(tmp_path, reader):
    import re

    from planner.io.roads import read_osm_pbf_area
    from tests.conftest import DATA

    pytest.importorskip("osmium" if reader == "pyosmium" else "pyrosm")
    bad = tmp_path / "province.osm.pbf"
    bad.write_bytes(b"not a pbf extract")
    with pytest.raises(NetworkError) as err:
        read_osm_pbf_area(bad, (7.41, 43.72, 7.43, 43.74), buffer_m=0.0, reader=reader)
    e = err.value
    assert e.code == "network_pbf_unreadable" and str(e).startswith(f"{bad}: could not read the .osm.pbf file (")
    assert e.text("zh").startswith("无法读取 .osm.pbf 文件（") and e.text("en") == e.message
    assert e.fix_text("en") == "check the file is a complete OpenStreetMap PBF extract"
    assert re.search("[\u4e00-\u9fff]", e.fix_text("zh"))
    # far from Monaco: no walkable way in the study area
    with pytest.raises(NetworkError) as err:
        read_osm_pbf_area(DATA / "monaco.osm.pbf", (100.0, 30.0, 100.01, 30.01), buffer_m=0.0, reader=reader)
    e = err.value
    assert str(e) == (f"{DATA / 'monaco.osm.pbf'}: no walkable ways in the study area — "
                      "check the extract covers the study area")
    assert (e.code, e.text("zh"), e.fix_text("zh")) == ("network_area_no_ways", "研究区内没有可步行的道路",
                                                         "请检查路网文件是否覆盖研究区")

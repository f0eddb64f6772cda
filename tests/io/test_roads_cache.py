"""Road centre-line layers are noded once and cached; the key covers every part of a shapefile and the options."""

from __future__ import annotations

import shutil
import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from planner._errors import PlannerWarning
from planner.engine.network import load_network
from planner.io.roads import road_cache_key, road_source_files


def _grid(crs: str = "EPSG:4547") -> gpd.GeoDataFrame:
    """A 5 × 5 street grid 100 m apart whose crossings have no shared vertex, plus one motorway."""
    x0, y0 = 500_000.0, 3_300_000.0
    lines, kinds = [], []
    for k in range(5):
        lines.append(LineString([(x0, y0 + 100 * k), (x0 + 400, y0 + 100 * k)]))
        lines.append(LineString([(x0 + 100 * k, y0), (x0 + 100 * k, y0 + 400)]))
        kinds += ["支路", "支路"]
    lines.append(LineString([(x0 - 50, y0 + 250), (x0 + 450, y0 + 250)]))
    kinds.append("高速公路")
    return gpd.GeoDataFrame({"等级": kinds, "桥梁": ["否"] * len(kinds)}, geometry=lines, crs=crs)


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "networks"


@pytest.fixture()
def shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _grid().to_file(folder / "roads.shp", encoding="utf-8", engine="pyogrio")
    return folder / "roads.shp"


def _load(path, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        net = load_network(path, road_options=options or None)
    return net, sorted(w.message.code for w in caught if isinstance(w.message, PlannerWarning))


def test_a_shapefile_is_noded_once_then_read_from_the_cache(shapefile, cache):
    assert {p.suffix for p in road_source_files(shapefile)} >= {".shp", ".shx", ".dbf", ".prj", ".cpg"}
    first, codes1 = _load(shapefile)
    assert not first.report.from_cache and len(list(cache.glob("roads-*.npz"))) == 1
    again, codes2 = _load(shapefile)
    assert again.report.from_cache
    np.testing.assert_array_equal(again.length, first.length)
    np.testing.assert_array_equal(again.u, first.u)
    # what noding changed and the classes left out are said again from the cache
    assert "roads_noded" in codes1 and codes2 == codes1


def test_a_changed_class_value_in_the_dbf_misses_the_cache(shapefile, cache):
    first, _ = _load(shapefile)
    frame = gpd.read_file(shapefile)
    frame.loc[0, "等级"] = "高速公路"  # one street becomes a motorway: only the .dbf changes
    shp_before = shapefile.read_bytes()
    frame.to_file(shapefile, encoding="utf-8", engine="pyogrio")
    assert shapefile.read_bytes() == shp_before
    changed, _ = _load(shapefile)
    assert not changed.report.from_cache
    assert changed.length.sum() < first.length.sum() - 300  # the 400 m street is gone
    assert len(list(cache.glob("roads-*.npz"))) == 2


def test_a_changed_prj_or_a_missing_cpg_misses_the_cache(shapefile, cache):
    key = road_cache_key(shapefile)
    shapefile.with_suffix(".cpg").unlink()
    assert road_cache_key(shapefile) != key
    key = road_cache_key(shapefile)
    shapefile.with_suffix(".prj").write_text(gpd.GeoSeries([], crs="EPSG:4548").crs.to_wkt())
    assert road_cache_key(shapefile) != key


def test_tolerance_and_class_table_are_part_of_the_key(shapefile, cache, tmp_path):
    base, _ = _load(shapefile)
    wider, _ = _load(shapefile, tolerance=2.0)
    assert not wider.report.from_cache
    assert _load(shapefile, tolerance=2.0)[0].report.from_cache
    table = tmp_path / "classes.toml"
    table.write_text('[walkable]\n"高速公路" = true\n', encoding="utf-8")
    walked, _ = _load(shapefile, road_classes=table)
    assert not walked.report.from_cache and walked.length.sum() > base.length.sum()
    assert _load(shapefile, road_classes=table)[0].report.from_cache
    table.write_text('[walkable]\n"高速公路" = true\n"快速路" = true\n', encoding="utf-8")  # edited: a new key
    assert not _load(shapefile, road_classes=table)[0].report.from_cache
    # the key is the table's content once resolved: a file that restates the default shares its cache
    table.write_text('[walkable]\n"高速公路" = false\n', encoding="utf-8")
    assert _load(shapefile, road_classes=table)[0].report.from_cache


def test_zip_geopackage_and_geojson_layers_are_cached_too(shapefile, cache, tmp_path):
    target = tmp_path / "roads.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for f in road_source_files(shapefile):
            zf.write(f, f.name)
    gpkg = tmp_path / "roads.gpkg"
    _grid().to_file(gpkg, engine="pyogrio")
    geojson = tmp_path / "roads.geojson"
    _grid().to_crs(4326).to_file(geojson, engine="pyogrio")
    for path in (target, gpkg, geojson):
        first, _ = _load(path)
        assert not first.report.from_cache and _load(path)[0].report.from_cache
    # a copy under another name is the same content: the cache is shared
    copy = tmp_path / "copy.gpkg"
    shutil.copy(gpkg, copy)
    assert _load(copy)[0].report.from_cache

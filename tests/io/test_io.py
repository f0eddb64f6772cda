"""Tests of the planner.io readers (files, columns, boundaries, points): readers that validate at the edge."""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from shapely.geometry import MultiPoint, Point, Polygon, box

from planner import io
from planner._errors import CRSError, InputError, PlannerWarning
from planner.io import crs as pcrs

GEOD = pyproj.Geod(ellps="WGS84")


# --------------------------------------------------------------------------
# fixtures


def _boundaries_zh() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "区划代码": ["110101001001", "110101001002", "110101002201"],
            "名称": ["东华门社区", "多福巷社区", "前进村"],
            "类型": ["社区", "居委会", "行政村"],
            "街道": ["东华门街道", "东华门街道", "某乡"],
            "总人口": [5000, 4200.0, 800],
            "60岁以上人口": [1200, 900.0, 300],
            "备注": ["a", "b", "c"],
        },
        geometry=[
            box(116.40, 39.91, 116.41, 39.92),
            box(116.41, 39.91, 116.42, 39.92),
            box(116.42, 39.91, 116.43, 39.92),
        ],
        crs="EPSG:4490",
    )


def _boundaries_en() -> gpd.GeoDataFrame:
    g = _boundaries_zh().rename(
        columns={"区划代码": "Code", "名称": "Name", "类型": "unit_kind", "街道": "Street",
                 "总人口": "Population", "60岁以上人口": "Pop_60", "备注": "note"}
    )
    g["unit_kind"] = ["community", "urban", "village"]
    return g


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dir_hashes(folder: Path) -> dict[str, str]:
    return {p.name: _sha(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _facility_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "编号": ["001", "002", "003"],
            "设施名称": ["东华门日间照料中心", "朝阳敬老院", "前进村幸福院"],
            "设施类型": ["日间照料中心", "敬老院", "农村幸福院"],
            "床位数": [20, None, 8],
            "状态": ["现有", "规划", ""],
            "经度": [116.405, 116.47, 116.425],
            "纬度": [39.915, 39.93, 39.915],
        }
    )


# --------------------------------------------------------------------------
# helpers


def test_normalise_column_name():
    assert io.normalise_column_name(" Pop_60 ") == "pop60"
    assert io.normalise_column_name("街道（乡镇）") == "街道乡镇"
    assert io.normalise_column_name("Total-Population") == "totalpopulation"
    assert ".gpkg" in io.SUPPORTED_LAYER_SUFFIXES and ".shp" in io.SUPPORTED_LAYER_SUFFIXES


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        io.read_boundaries(tmp_path / "nope.gpkg")
    bad = tmp_path / "data.kml"
    bad.write_text("<kml/>")
    with pytest.raises(InputError, match=r"unsupported.*\.gpkg"):
        io.read_boundaries(bad)
    with pytest.raises(InputError, match="unsupported"):
        io.read_table(bad)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".csv", ".xlsx"])
def test_zero_byte_file(tmp_path, suffix):
    p = tmp_path / f"empty{suffix}"
    p.write_bytes(b"")
    reader = io.read_facilities if suffix in (".csv", ".xlsx") else io.read_boundaries
    with pytest.raises(InputError, match="empty"):
        reader(p)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".zip", ".xlsx"])
def test_corrupt_file(tmp_path, suffix):
    p = tmp_path / f"broken{suffix}"
    p.write_bytes(b"this is not what it claims to be \x00\x01\x02" * 10)
    reader = io.read_facilities if suffix == ".xlsx" else io.read_boundaries
    with pytest.raises(InputError) as info:
        reader(p)
    assert f"broken{suffix}" in str(info.value)
    # refused by its first bytes before any reader runs, or by the reader (the cause kept)
    assert info.value.code == "content_mismatch" or info.value.__cause__ is not None


# --------------------------------------------------------------------------
# boundaries


def test_read_boundaries_chinese_columns_gpkg(tmp_path):
    p = tmp_path / "boundaries.gpkg"
    _boundaries_zh().to_file(p, engine="pyogrio")
    before = _sha(p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean file reads without warnings
        g = io.read_boundaries(p)
    assert _sha(p) == before
    assert list(g.columns[:6]) == ["code", "name", "kind", "street", "population", "pop60"]
    assert list(g.columns[-1:]) == ["geometry"] and "备注" in g.columns
    assert g.crs.to_epsg() == 4326
    assert g["code"].tolist() == ["110101001001", "110101001002", "110101002201"]
    assert g["name"].tolist() == ["东华门社区", "多福巷社区", "前进村"]
    assert g["kind"].tolist() == ["community", "community", "village"]
    assert g["street"].tolist() == ["东华门街道", "东华门街道", "某乡"]
    assert g["population"].dtype == float and g["pop60"].tolist() == [1200.0, 900.0, 300.0]
    assert g.index.tolist() == [0, 1, 2]
    assert g.geometry.iloc[0].bounds == pytest.approx((116.40, 39.91, 116.41, 39.92))


def test_read_boundaries_english_columns_geojson(tmp_path):
    p = tmp_path / "units.geojson"
    g0 = _boundaries_en()
    g0["Code"] = [110101001001, 110101001002, 110101002201]  # numeric codes
    g0.to_crs(4326).to_file(p, engine="pyogrio")
    g = io.read_boundaries(p)
    assert g["kind"].tolist() == ["community", "community", "village"]
    assert g["code"].tolist() == ["110101001001", "110101001002", "110101002201"]
    assert "note" in g.columns and "Pop_60" not in g.columns


def test_read_boundaries_projected_input_converted(tmp_path):
    p = tmp_path / "gk.gpkg"
    _boundaries_zh().to_crs(4548).to_file(p, engine="pyogrio")
    g = io.read_boundaries(p)
    assert g.crs.to_epsg() == 4326
    assert g.total_bounds == pytest.approx([116.40, 39.91, 116.43, 39.92], abs=1e-6)


def test_explicit_columns_mapping(tmp_path):
    p = tmp_path / "b.gpkg"
    g0 = _boundaries_zh().rename(columns={"60岁以上人口": "老人数", "名称": "XM"})
    g0.to_file(p, engine="pyogrio")
    g = io.read_boundaries(p, columns={"pop60": "老人数", "name": "XM"})
    assert g["pop60"].tolist() == [1200.0, 900.0, 300.0]
    with pytest.raises(InputError, match="not in the file"):
        io.read_boundaries(p, columns={"pop60": "nope", "name": "XM"})


def test_missing_pop60_column(tmp_path):
    p = tmp_path / "boundaries.gpkg"
    _boundaries_zh().drop(columns=["60岁以上人口"]).to_file(p, engine="pyogrio")
    with pytest.raises(InputError) as info:
        io.read_boundaries(p)
    msg = str(info.value)
    assert "boundaries.gpkg" in msg and "pop60" in msg and "60岁以上人口" in msg
    assert "columns={'pop60': 'YOUR_COLUMN'}" in msg


def test_gbk_shapefile_without_cpg(tmp_path):
    p = tmp_path / "gbk.shp"
    g0 = _boundaries_zh().drop(columns=["60岁以上人口"])
    g0["老年人口"] = [1200, 900, 300]
    g0.to_file(p, engine="pyogrio", encoding="gbk")
    p.with_suffix(".cpg").unlink()
    g = io.read_boundaries(p)
    assert g["name"].tolist() == ["东华门社区", "多福巷社区", "前进村"]
    assert g["street"].tolist()[0] == "东华门街道"
    assert g["pop60"].tolist() == [1200.0, 900.0, 300.0]
    # an explicit (wrong) encoding wins
    raw = io.read_layer(p, encoding="ISO-8859-1")
    assert "名称" not in raw.columns


def test_utf8_shapefile_without_cpg(tmp_path):
    p = tmp_path / "u.shp"
    with warnings.catch_warnings():  # GDAL cuts '老年人口' mid-character at 10 bytes
        warnings.simplefilter("ignore")
        _boundaries_zh().drop(columns=["60岁以上人口"]).assign(老年人口=[1, 2, 3]).to_file(
            p, engine="pyogrio", encoding="utf-8"
        )
    p.with_suffix(".cpg").unlink(missing_ok=True)
    g = io.read_boundaries(p)
    assert g["name"].tolist()[2] == "前进村"


def test_truncated_shapefile_field_names(tmp_path):
    # DBF field names are cut at 10 bytes: '60岁以上人口' becomes '60岁以上人' in GBK
    p = tmp_path / "cut.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _boundaries_zh().to_file(p, engine="pyogrio", encoding="gbk")
    g = io.read_boundaries(p)
    assert g["pop60"].tolist() == [1200.0, 900.0, 300.0]


def test_zipped_shapefile(tmp_path):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    g0 = _boundaries_en()
    g0.to_file(shp_dir / "units.shp", engine="pyogrio")
    z = tmp_path / "units.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, arcname=f"units/{f.name}")
    before = _sha(z)
    g = io.read_boundaries(z)
    assert _sha(z) == before
    assert len(g) == 3 and g["name"].tolist()[0] == "东华门社区"
    assert g.crs.to_epsg() == 4326


def test_zip_with_gbk_shapefile_without_cpg(tmp_path):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    g0 = _boundaries_zh().drop(columns=["60岁以上人口"]).assign(老年人口=[1, 2, 3])
    g0.to_file(shp_dir / "units.shp", engine="pyogrio", encoding="gbk")
    z = tmp_path / "units.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in shp_dir.iterdir():
            if f.suffix != ".cpg":
                zf.write(f, arcname=f.name)
    g = io.read_boundaries(z)
    assert g["name"].tolist() == ["东华门社区", "多福巷社区", "前进村"]


def test_zip_path_traversal_rejected(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../evil.shp", b"x")
    with pytest.raises(InputError, match="unsafe"):
        io.read_boundaries(z)


def test_zip_without_dataset(tmp_path):
    z = tmp_path / "docs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", b"hello")
    with pytest.raises(InputError, match="no .shp"):
        io.read_boundaries(z)


def test_no_crs(tmp_path):
    p = tmp_path / "noprj.shp"
    _boundaries_en().to_file(p, engine="pyogrio")
    p.with_suffix(".prj").unlink()
    with pytest.raises(CRSError) as info:
        io.read_boundaries(p)
    assert "noprj.shp" in str(info.value) and "crs='EPSG:4490'" in str(info.value)
    g = io.read_boundaries(p, crs="EPSG:4490")
    assert g.crs.to_epsg() == 4326 and len(g) == 3


def test_projected_coordinates_with_degree_crs(tmp_path):
    p = tmp_path / "wrongprj.gpkg"
    g0 = _boundaries_en().to_crs(4548).set_crs(4490, allow_override=True)
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(CRSError, match="look projected"):
        io.read_boundaries(p)
    with pytest.warns(PlannerWarning, match="using crs"):
        g = io.read_boundaries(p, crs="EPSG:4548")
    assert g.total_bounds == pytest.approx([116.40, 39.91, 116.43, 39.92], abs=1e-6)


def test_bowtie_repaired_with_warning(tmp_path):
    p = tmp_path / "bowtie.gpkg"
    g0 = _boundaries_en()
    bowtie = Polygon([(116.42, 39.91), (116.43, 39.92), (116.43, 39.91), (116.42, 39.92)])
    assert not bowtie.is_valid
    g0.loc[2, "geometry"] = bowtie
    g0.to_file(p, engine="pyogrio")
    with pytest.warns(PlannerWarning, match="repaired.*feature 3"):
        g = io.read_boundaries(p)
    assert g.is_valid.all()
    assert set(g.geom_type) <= {"Polygon", "MultiPolygon"}
    assert g.geometry.iloc[2].area > 0


def test_non_polygon_rejected(tmp_path):
    p = tmp_path / "pts.gpkg"
    g0 = _boundaries_en()
    g0["geometry"] = [Point(116.405, 39.915), Point(116.415, 39.915), Point(116.425, 39.915)]
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="polygons"):
        io.read_boundaries(p)


def test_empty_layer(tmp_path):
    p = tmp_path / "empty.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(InputError, match="contains no features"):
        io.read_boundaries(p)


def test_population_violations(tmp_path):
    p = tmp_path / "bad.gpkg"
    g0 = _boundaries_en()
    g0["Pop_60"] = [6000, 900, 300]
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="feature 1"):
        io.read_boundaries(p)
    g0["Pop_60"] = [-1, 900, 300]
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="negative"):
        io.read_boundaries(p)
    g0["Pop_60"] = ["1,000", "n/a", "300"]
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match=r"not a number at feature 2 .*'n/a'"):
        io.read_boundaries(p)


def test_kind_inferred_or_required(tmp_path):
    p = tmp_path / "nokind.gpkg"
    _boundaries_zh().drop(columns=["类型"]).to_file(p, engine="pyogrio")
    with pytest.warns(PlannerWarning, match="inferred"):
        g = io.read_boundaries(p)
    assert g["kind"].tolist() == ["community", "community", "village"]
    g0 = _boundaries_zh().drop(columns=["类型", "区划代码"])
    g0["名称"] = ["东华门社区", "某小区", "前进村"]
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match=r"kind.*feature 2"):
        io.read_boundaries(p)


def test_kind_from_urban_rural_class_and_unknown(tmp_path):
    p = tmp_path / "urc.gpkg"
    g0 = _boundaries_zh().drop(columns=["类型"])
    g0["城乡分类代码"] = [111, 121, 220]
    g0.to_file(p, engine="pyogrio")
    assert io.read_boundaries(p)["kind"].tolist() == ["community", "community", "village"]
    g0["城乡分类代码"] = ["111", "xyz", "220"]
    g0.to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="'xyz'"):
        io.read_boundaries(p)


def test_code_normalisation_and_warning(tmp_path):
    p = tmp_path / "codes.gpkg"
    g0 = _boundaries_zh()
    g0["区划代码"] = ["010101001001.0", "110101001002", "1101"]
    g0.to_file(p, engine="pyogrio")
    with pytest.warns(PlannerWarning, match="12 digits.*feature 3"):
        g = io.read_boundaries(p)
    assert g["code"].tolist() == ["010101001001", "110101001002", "1101"]


def test_street_optional(tmp_path):
    p = tmp_path / "nostreet.gpkg"
    _boundaries_zh().drop(columns=["街道", "区划代码"]).to_file(p, engine="pyogrio")
    g = io.read_boundaries(p)
    assert g["street"].isna().all() and g["code"].isna().all()


def test_gpkg_multiple_layers(tmp_path):
    p = tmp_path / "multi.gpkg"
    _boundaries_zh().to_file(p, layer="units", engine="pyogrio")
    _boundaries_en().to_file(p, layer="other", engine="pyogrio")
    assert io.read_boundaries(p, layer="other")["name"].tolist()[0] == "东华门社区"
    with pytest.raises(InputError, match="no layer 'x'.*units"):
        io.read_boundaries(p, layer="x")
    with pytest.warns(PlannerWarning, match="2 layers"):
        io.read_boundaries(p)


def test_boundaries_inputs_unchanged(tmp_path):
    p = tmp_path / "keep.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _boundaries_zh().to_file(p, engine="pyogrio", encoding="gbk")
    p.with_suffix(".cpg").unlink()
    before = _dir_hashes(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        io.read_boundaries(p)
    assert _dir_hashes(tmp_path) == before


# --------------------------------------------------------------------------
# tables and facilities


def test_read_table_gbk_csv(tmp_path):
    p = tmp_path / "gbk.csv"
    _facility_table().to_csv(p, index=False, encoding="gbk")
    df = io.read_table(p)
    assert df.columns.tolist()[0] == "编号" and df["设施名称"].iloc[1] == "朝阳敬老院"


def test_read_table_semicolon_and_bom(tmp_path):
    p = tmp_path / "semi.csv"
    _facility_table().to_csv(p, index=False, sep=";", encoding="utf-8-sig")
    df = io.read_table(p, dtype=str)
    assert df.shape == (3, 7) and df["编号"].tolist() == ["001", "002", "003"]


def test_facilities_gbk_csv(tmp_path):
    p = tmp_path / "facilities.csv"
    _facility_table().to_csv(p, index=False, encoding="gbk")
    before = _sha(p)
    f = io.read_facilities(p)
    assert _sha(p) == before
    assert list(f.columns) == [
        "facility_id", "name", "type", "capacity", "nursing_beds", "status", "geometry"
    ]
    assert f["facility_id"].tolist() == ["001", "002", "003"]
    assert f["type"].tolist() == ["day_care", "nursing_home", "mutual_aid"]
    assert f["status"].tolist() == ["existing", "planned", "existing"]
    assert f["capacity"].iloc[0] == 20.0 and np.isnan(f["capacity"].iloc[1])
    assert f["nursing_beds"].isna().all()
    assert f.crs.to_epsg() == 4326
    assert (f.geometry.x.iloc[0], f.geometry.y.iloc[0]) == pytest.approx((116.405, 39.915))


def test_facilities_xlsx_english(tmp_path):
    p = tmp_path / "fac.xlsx"
    df = _facility_table().rename(
        columns={"编号": "ID", "设施名称": "Name", "设施类型": "Type", "床位数": "Beds",
                 "状态": "Status", "经度": "lng", "纬度": "lat"}
    )
    df["Type"] = ["day_care", "street_centre", "meal_point"]
    df["Status"] = ["existing", "candidate", None]
    df["contact"] = ["x", "y", "z"]
    df.to_excel(p, index=False, sheet_name="设施")
    f = io.read_facilities(p, sheet="设施", default_status="planned")
    assert f["type"].tolist() == ["day_care", "street_centre", "meal_point"]
    assert f["status"].tolist() == ["existing", "candidate", "planned"]
    assert f["facility_id"].tolist() == ["001", "002", "003"] or f["facility_id"].tolist() == [
        "1", "2", "3"
    ]
    assert "contact" in f.columns and "lng" not in f.columns
    with pytest.raises(InputError, match="no sheet"):
        io.read_facilities(p, sheet="nope")


def test_facilities_generated_ids_and_default_type(tmp_path):
    p = tmp_path / "fac.csv"
    df = _facility_table().drop(columns=["编号", "设施类型"])
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match="default_type"):
        io.read_facilities(p)
    f = io.read_facilities(p, default_type="幸福院")
    assert f["facility_id"].tolist() == ["F0001", "F0002", "F0003"]
    assert set(f["type"]) == {"mutual_aid"}


def test_facilities_gcj02_table(tmp_path):
    wgs = (116.397, 39.909)
    glon, glat = pcrs.wgs84_to_gcj02(*wgs)
    p = tmp_path / "amap.csv"
    pd.DataFrame({"name": ["A"], "type": ["day_care"], "lon": [glon], "lat": [glat]}).to_csv(
        p, index=False
    )
    f = io.read_facilities(p, coord_system="gcj02")
    x, y = f.geometry.x.iloc[0], f.geometry.y.iloc[0]
    ex, ey = pcrs.gcj02_to_wgs84(glon, glat)
    assert (x, y) == pytest.approx((ex, ey), abs=1e-12)
    assert (x, y) == pytest.approx(wgs, abs=1e-7)
    _, _, moved = GEOD.inv(glon, glat, x, y)
    assert 100 < moved < 700
    # Baidu
    blon, blat = pcrs.wgs84_to_bd09(*wgs)
    pd.DataFrame({"name": ["A"], "type": ["day_care"], "lon": [blon], "lat": [blat]}).to_csv(
        p, index=False
    )
    f = io.read_facilities(p, coord_system="bd09")
    assert (f.geometry.x.iloc[0], f.geometry.y.iloc[0]) == pytest.approx(wgs, abs=1e-7)
    with pytest.raises(CRSError, match="gcj02"):
        io.read_facilities(p, coord_system="mars")


def test_facilities_layer_with_gcj02(tmp_path):
    p = tmp_path / "fac.geojson"
    glon, glat = pcrs.wgs84_to_gcj02(116.397, 39.909)
    gpd.GeoDataFrame(
        {"名称": ["A"], "类型": ["助餐点"]}, geometry=[MultiPoint([(glon, glat)])], crs=4326
    ).to_file(p, engine="pyogrio")
    f = io.read_facilities(p, coord_system="gcj02")
    assert f.geom_type.tolist() == ["Point"]
    assert (f.geometry.x.iloc[0], f.geometry.y.iloc[0]) == pytest.approx((116.397, 39.909), abs=1e-7)
    assert f["type"].tolist() == ["meal_point"]


def test_facilities_swapped_lonlat(tmp_path):
    p = tmp_path / "swapped.csv"
    df = _facility_table()
    df.loc[1, ["经度", "纬度"]] = [39.93, 116.47]
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match=r"swapped.*row 2"):
        io.read_facilities(p)


def test_facilities_missing_and_out_of_range_coords(tmp_path):
    p = tmp_path / "coords.csv"
    df = _facility_table()
    df["经度"] = df["经度"].astype(object)
    df.loc[2, "经度"] = "abc"
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match=r"non-numeric.*row 3"):
        io.read_facilities(p)
    df = _facility_table()
    df.loc[0, "经度"] = 200.0
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match=r"out of range.*row 1"):
        io.read_facilities(p)


def test_facilities_projected_xy_with_crs(tmp_path):
    pt = gpd.GeoSeries([Point(116.397, 39.909)], crs=4326).to_crs(4548).iloc[0]
    p = tmp_path / "xy.csv"
    pd.DataFrame({"name": ["A"], "type": ["day_care"], "x": [pt.x], "y": [pt.y]}).to_csv(p, index=False)
    f = io.read_facilities(p, crs="EPSG:4548")
    assert (f.geometry.x.iloc[0], f.geometry.y.iloc[0]) == pytest.approx((116.397, 39.909), abs=1e-7)


def test_unknown_facility_type(tmp_path):
    p = tmp_path / "fac.csv"
    df = _facility_table()
    df.loc[1, "设施类型"] = "医院"
    df.to_csv(p, index=False)
    with pytest.raises(InputError) as info:
        io.read_facilities(p)
    msg = str(info.value)
    assert "'医院'" in msg and "day_care" in msg and "nursing_home" in msg and "fac.csv" in msg


def test_duplicate_facility_ids(tmp_path):
    p = tmp_path / "dup.csv"
    df = _facility_table()
    df["编号"] = ["A1", "A2", "A1"]
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match=r"duplicate.*'A1'"):
        io.read_facilities(p)


def test_facilities_unknown_status_and_negative_capacity(tmp_path):
    p = tmp_path / "f.csv"
    df = _facility_table()
    df.loc[0, "状态"] = "废弃"
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match="'废弃'"):
        io.read_facilities(p)
    df = _facility_table()
    df.loc[0, "床位数"] = -3
    df.to_csv(p, index=False)
    with pytest.raises(InputError, match="negative"):
        io.read_facilities(p)


def test_facilities_layer_without_crs_and_non_points(tmp_path):
    p = tmp_path / "f.shp"
    gdf = gpd.GeoDataFrame(
        {"name": ["A", "B"], "type": ["day_care", "敬老院"]},
        geometry=[Point(116.4, 39.9), Point(116.5, 39.95)],
        crs=4326,
    )
    gdf.to_file(p, engine="pyogrio")
    p.with_suffix(".prj").unlink()
    with pytest.raises(CRSError, match="no coordinate system"):
        io.read_facilities(p)
    assert len(io.read_facilities(p, crs="EPSG:4490")) == 2
    q = tmp_path / "poly.gpkg"
    gdf.set_geometry([box(116.4, 39.9, 116.41, 39.91)] * 2).to_file(q, engine="pyogrio")
    with pytest.raises(InputError, match="expected points"):
        io.read_facilities(q)


# --------------------------------------------------------------------------
# points


def test_read_points_table_and_layer(tmp_path):
    p = tmp_path / "pts.csv"
    pd.DataFrame(
        {"编号": ["a", "b"], "权重": [3, 5], "经度": [116.4, 116.5], "纬度": [39.9, 39.95], "备注": ["x", "y"]}
    ).to_csv(p, index=False, encoding="gbk")
    pts = io.read_points(p)
    assert pts["point_id"].tolist() == ["a", "b"]
    assert pts["weight"].tolist() == [3.0, 5.0]
    assert pts.columns[0] == "point_id" and pts.columns[-1] == "geometry"
    assert pts.crs.to_epsg() == 4326

    q = tmp_path / "pts.gpkg"
    gpd.GeoDataFrame({"label": ["u", "v"]}, geometry=[Point(116.4, 39.9), Point(116.5, 39.9)],
                     crs=4326).to_file(q, engine="pyogrio")
    pts = io.read_points(q)
    assert pts["point_id"].tolist() == ["P0001", "P0002"] and "weight" not in pts.columns
    pts = io.read_points(q, id_column="label")
    assert pts["point_id"].tolist() == ["u", "v"]


def test_read_points_gcj02_and_duplicates(tmp_path):
    p = tmp_path / "pts.xlsx"
    glon, glat = pcrs.wgs84_to_gcj02(121.47, 31.23)
    pd.DataFrame({"id": [1, 1], "lng": [glon, glon], "lat": [glat, glat]}).to_excel(p, index=False)
    with pytest.raises(InputError, match="duplicate"):
        io.read_points(p, coord_system="gcj02")
    pd.DataFrame({"id": [1, 2], "lng": [glon, glon], "lat": [glat, glat]}).to_excel(p, index=False)
    pts = io.read_points(p, coord_system="gcj02")
    assert pts["point_id"].tolist() == ["1", "2"]
    assert pts.geometry.x.iloc[0] == pytest.approx(121.47, abs=1e-7)

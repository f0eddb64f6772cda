"""Exports read back with independent readers and compared with the analysis.

XLSX with openpyxl, CSV with the csv module, GeoJSON with json, GeoPackage
and Shapefile with pyogrio directly (and the raw .dbf bytes for GBK), the
HTML map with html.parser.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pyogrio
import pytest

from planner._errors import InputError, PlannerWarning
from planner.analysis.result import analysis_of
from planner.outputs.export import write_analysis, write_report_xlsx, write_unit_csv
from planner.outputs.html import offline_html, write_html_map
from planner.outputs.layers import gis_layers, write_layers
from planner.outputs.tables import unit_labels, unit_table
from planner.outputs.writers import shapefile_field_names, write_shapefile_zip


@pytest.fixture(scope="module")
def analysis(demo_analysis):
    return demo_analysis


def test_unit_table_matches_analysis(analysis):
    u = analysis.units
    tab = unit_table(analysis)
    assert len(tab) == len(u)
    assert tab["code"].str.fullmatch(r"\d{12}").all()
    assert list(tab["code"]) == list(u["code"].astype(str))
    assert set(tab["kind"]) == {"社区", "行政村"}
    assert (tab["kind"] == "社区").sum() == (u["kind"] == "community").sum()
    np.testing.assert_allclose(tab["day_care_share"], u["day_care_share"], atol=1e-4)
    assert list(tab["day_care_own"]) == ["是" if v > 0 else "否" for v in u["day_care_inside"]]
    assert list(tab["gap"]) == ["是" if g else "否" for g in u["gap"]]
    # the target applies only to communities: blank for villages
    met = tab["met_day_care_community"]
    assert set(met[u["kind"].to_numpy() == "village"]) == {""}
    assert list(tab["gap_reason"]) == list(u["gap_reason_zh"])
    en = unit_table(analysis, "en")
    assert set(en["kind"]) == {"community", "village"} and set(en["gap"]) <= {"yes", "no"}


def test_xlsx_round_trip(analysis, tmp_path):
    from openpyxl import load_workbook

    path = write_report_xlsx(analysis, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["单元覆盖", "指标汇总", "街道乡镇", "假设与来源"]
    ws = wb["单元覆盖"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["区划代码", "名称", "类型", "街道/乡镇", "总人口", "60岁以上人口"]
    tg = {t.id: t for t in analysis.model.profile.targets}
    assert f"达标：{tg['day_care_community'].label_zh}" in header
    col = {h: i for i, h in enumerate(header)}
    u = analysis.units
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=False)):
        assert row[col["区划代码"]].value == str(u["code"].iat[r])
        assert row[col["区划代码"]].number_format == "@"
        assert row[col["名称"]].value == u["name"].iat[r]
        c = row[col["社区日间照料中心步行覆盖率"]]
        assert c.number_format == "0.0%" and c.value == pytest.approx(u["day_care_share"].iat[r], abs=1e-4)
        c = row[col["至社区日间照料中心步行分钟"]]
        assert c.number_format == "0.0"
        if np.isfinite(u["day_care_minutes"].iat[r]):
            assert c.value == pytest.approx(u["day_care_minutes"].iat[r], abs=0.01)
        assert row[col["60岁以上人口"]].number_format == "#,##0"
        assert row[col["单元内有社区日间照料中心"]].value in ("是", "否")
    assert ws.max_row == len(u) + 1

    ws = wb["指标汇总"]
    header = [c.value for c in ws[1]]
    assert {"层级", "期限", "现状(仅现有设施)", "规划(含规划设施)", "逾期", "依据文件", "原文", "依据类别"} <= set(header)
    assert "指标编号" not in header and "现状值" not in header
    col = {h: i for i, h in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(analysis.scores)
    ids = {s.target.id for s in analysis.scores}
    for row, s in zip(rows, analysis.scores, strict=True):
        t = s.target
        assert row[col["指标"]].value == t.label_zh
        # 现状 is existing facilities only, 规划 adds the planned ones (two different numbers)
        assert row[col["现状(仅现有设施)"]].value == pytest.approx(s.value_existing)
        assert row[col["规划(含规划设施)"]].value == pytest.approx(s.value)
        assert row[col["规划是否达标"]].value == ("是" if s.met else "否")
        assert row[col["考核对象数"]].value == s.n_units
        assert row[col["原文"]].value == t.citation.quote
        assert row[col["依据文件"]].value == t.citation.file
        expect = "0.0%" if t.is_share else "#,##0.##"
        for h in ("现状(仅现有设施)", "规划(含规划设施)", "目标值"):
            assert row[col[h]].number_format == expect
        # Chinese throughout: no internal id, no English status word
        assert not {c.value for c in row} & ids
        assert row[col["依据类别"]].value not in ("published", "draft", "standard", "reading")
        assert row[col["层级"]].value and row[col["层级"]].value.isascii() is False
    ws = wb["街道乡镇"]
    header = [c.value for c in ws[1]]
    assert not [h for h in header if h.isascii()], header
    assert f"{analysis.model.profile.targets[0].label_zh}(达标比例)" in header

    items = [r[0] for r in wb["假设与来源"].iter_rows(min_row=2, values_only=True)]
    assert "步行速度" in items and "标准配置" in items
    assert any(i.startswith("服务半径：") for i in items)
    assert sum(i.startswith("指标：") for i in items) == len(analysis.scores)


def test_csv_bom_chinese_and_deterministic(analysis, tmp_path):
    a = write_unit_csv(analysis, tmp_path / "a.csv")
    # a fresh analysis of the same model gives byte-identical output
    b = write_unit_csv(analysis_of(analysis.model), tmp_path / "b.csv")
    raw = a.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw == b.read_bytes()
    assert b"\r\n" not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(analysis.units)
    labels = unit_labels(analysis)
    assert rows[0]["名称"] == analysis.units["name"].iat[0]
    assert labels["met_circle15"] in rows[0]
    assert [r["区划代码"] for r in rows] == list(analysis.units["code"].astype(str))


def test_gpkg_and_geojson_round_trip(analysis, tmp_path):
    paths = write_layers(analysis, tmp_path, formats=("gpkg", "geojson"), minutes=(15,))
    layers = {str(r[0]) for r in pyogrio.list_layers(paths["gpkg"])}
    assert layers == {"units", "facilities", "service_areas"}
    units = pyogrio.read_dataframe(paths["gpkg"], layer="units")
    assert list(units["name"]) == list(analysis.units["name"])
    np.testing.assert_allclose(units["day_care_share"], analysis.units["day_care_share"])
    assert list(units["gap"]) == [int(g) for g in analysis.units["gap"]]
    fac = pyogrio.read_dataframe(paths["gpkg"], layer="facilities")
    assert len(fac) == len(analysis.model.facilities)
    assert "社区日间照料中心" in set(fac["type_zh"])

    gj = json.loads(paths["geojson:units"].read_text(encoding="utf-8"))
    assert [f["properties"]["name"] for f in gj["features"]] == list(analysis.units["name"])
    assert [f["properties"]["code"] for f in gj["features"]] == list(analysis.units["code"].astype(str))
    x, y = gj["features"][0]["geometry"]["coordinates"][0][0][:2]
    assert 110 < x < 125 and 25 < y < 35  # WGS-84 lon/lat order
    sa = json.loads(paths["geojson:service_areas"].read_text(encoding="utf-8"))
    assert {f["properties"]["minutes"] for f in sa["features"]} == {15.0}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_shapefile_zip_round_trip(analysis, tmp_path, encoding):
    layers = gis_layers(analysis, service_areas=False)
    path = write_shapefile_zip(layers, tmp_path / "layers.zip", encoding=encoding)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"units.shp", "units.shx", "units.dbf", "units.prj", "units.cpg", "fields.csv"} <= names
        assert zf.read("units.cpg").decode() == ("UTF-8" if encoding == "utf-8" else "GBK")
        dbf = zf.read("units.dbf")
        mapping = pd.read_csv(io.BytesIO(zf.read("fields.csv")), encoding="utf-8-sig")
    assert analysis.units["name"].iat[0].encode(encoding) in dbf
    assert mapping["field"].str.len().max() <= 10
    for _, grp in mapping.groupby("layer"):
        assert grp["field"].str.lower().is_unique
    got = pyogrio.read_dataframe(f"/vsizip/{path}/units.shp")
    fields = dict(zip(mapping.loc[mapping["layer"] == "units", "column"],
                      mapping.loc[mapping["layer"] == "units", "field"], strict=True))
    assert list(got[fields["name"]]) == list(analysis.units["name"])
    assert list(got[fields["street"]]) == list(analysis.units["street"])
    reasons = [r if isinstance(r, str) else "" for r in got[fields["gap_reason_zh"]]]
    assert reasons == list(analysis.units["gap_reason_zh"])
    np.testing.assert_allclose(got[fields["day_care_share"]], analysis.units["day_care_share"], atol=1e-9)


def test_gbk_refuses_characters_outside_gbk(analysis, tmp_path):
    layers = gis_layers(analysis, service_areas=False)
    units = layers["units"].copy()
    units.loc[0, "name"] = "\U00020000村"  # CJK extension B: not in GBK
    with pytest.raises(InputError, match="GBK"):
        write_shapefile_zip({"units": units}, tmp_path / "x.zip", encoding="gbk")
    assert not (tmp_path / "x.zip").exists()
    write_shapefile_zip({"units": units}, tmp_path / "y.zip", encoding="utf-8")
    assert pyogrio.read_dataframe(f"/vsizip/{tmp_path / 'y.zip'}/units.shp")["name"].iat[0] == "\U00020000村"


def test_layer_and_folder_errors_are_worded_in_chinese(analysis, tmp_path):
    from planner.outputs.writers import check_output_dir

    def refused(call, *args, **kw) -> InputError:
        with pytest.raises(InputError) as err:
            call(*args, **kw)
        return err.value

    units = gis_layers(analysis, service_areas=False)["units"].copy()
    units.loc[0, "name"] = "\U00020000村"
    err = refused(write_shapefile_zip, {"units": units}, tmp_path / "x.zip", encoding="gbk")
    assert err.text("zh") == "图层 units 的 name 列中的“\U00020000村”无法用 GBK 编码保存"
    assert "UTF-8" in err.fix_text("zh") and ".cpg" in err.fix_text("zh")
    assert str(err) == ("layer units, column name: '\U00020000村' cannot be written in GBK — export the shapefile "
                        "with encoding='utf-8' (QGIS and ArcGIS 10.x+ read the .cpg)")
    err = refused(write_shapefile_zip, {"units": units}, tmp_path / "x.zip", encoding="latin1")
    assert err.display("zh") == "不支持的 Shapefile 编码“latin1” — 请使用 'utf-8' 或 'gbk'"
    assert str(err) == "unsupported shapefile encoding 'latin1' — use 'utf-8' or 'gbk'"
    err = refused(write_layers, analysis, tmp_path / "layers", formats=("kml", "dxf"))
    assert err.display("zh") == "未知的图层格式：kml、dxf — 请使用 gpkg、geojson 或 shp"
    assert str(err) == "unknown layer format(s): kml, dxf — use gpkg, geojson, shp"
    (tmp_path / "gaps.csv").write_text("x", encoding="utf-8")
    err = refused(check_output_dir, tmp_path, [tmp_path / "gaps.csv"])
    assert err.display("zh") == f"gaps.csv: 把结果写入 {tmp_path} 会覆盖输入文件 gaps.csv — 用 --out 另选输出文件夹"
    assert str(err) == (f"{tmp_path / 'gaps.csv'}: writing results to {tmp_path} would overwrite the input gaps.csv"
                        " — choose another --out folder")
    err = refused(check_output_dir, tmp_path / "gaps.csv")
    assert err.display("zh") == "gaps.csv: 输出路径已存在，但不是文件夹 — --out 须指定一个文件夹"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaps.csv"]


def test_field_names_unique_and_short():
    cols = ["abcdefghijkl", "abcdefghijxx", "ABCDEFGHIJ", "met_day_care_community", "met_day_care_street",
            "day_care_nearest_id", "day_care_nearest", "short", "geometry"]
    names = shapefile_field_names(cols)
    assert "geometry" not in names
    assert all(len(v) <= 10 for v in names.values())
    assert len({v.lower() for v in names.values()}) == len(names)
    assert names["short"] == "short"
    assert names["day_care_nearest_id"] == "dc_nid"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.remote, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        url = a.get("src") if tag == "script" else a.get("href") if tag == "link" else None
        if url and (url.startswith(("http:", "https:", "//"))):
            self.remote.append(url)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _feature_collections(script: str) -> list[dict]:
    """GeoJSON objects that folium passes to its ``geo_json_<id>_add(...)`` calls."""
    import re

    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r"geo_json_\w+_add\(", script):
        try:
            obj, _ = dec.raw_decode(script, m.end())
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
            out.append(obj)
    return out


def test_html_map_offline_with_units(analysis, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PlannerWarning)
        path = write_html_map(analysis, tmp_path / "map.html")
    text = path.read_text(encoding="utf-8")
    p = _Tags()
    p.feed(text)
    assert p.remote == []
    js = "\n".join(p.scripts)
    assert "L.map(" in js and "Leaflet 1.9.4" in js
    names = set()
    for fc in _feature_collections(js):
        names |= {f["properties"].get("name") for f in fc["features"]}
    assert set(analysis.units["name"]) <= names
    assert any("\u4e00" <= ch <= "\u9fff" for n in names if n for ch in n)


def test_offline_html_strips_folium_cdn_assets():
    import folium

    html = folium.Map(location=[29.3, 117.2], tiles=None).get_root().render()
    assert "cdn.jsdelivr.net" in html
    with warnings.catch_warnings():
        warnings.simplefilter("error", PlannerWarning)
        out = offline_html(html)
    p = _Tags()
    p.feed(out)
    assert p.remote == []
    assert "data:image/png;base64," in out  # marker images inlined
    with pytest.warns(PlannerWarning, match="internet"):
        offline_html(html.replace("</head>", '<script src="https://example.org/x.js"></script></head>'))


def test_write_analysis_bundle_still_complete(analysis, tmp_path):
    paths = write_analysis(analysis, tmp_path, minutes=(10,))
    for key in ("coverage", "xlsx", "csv", "targets_csv", "service_areas", "summary"):
        assert paths[key].exists(), key
    assert json.loads(paths["summary"].read_text(encoding="utf-8"))["gap_units"] == int(analysis.units["gap"].sum())


def test_assumptions_sheet_says_the_plan_is_a_draft(demo_inputs, tmp_path):
    """A draft plan is named as a draft on the assumptions sheet, each target with its deadline and source."""
    from openpyxl import load_workbook

    from planner.analysis.result import analyse

    a = analyse(*demo_inputs, profile="jingdezhen")
    wb = load_workbook(write_report_xlsx(a, tmp_path / "j.xlsx"))
    rows = {r[0]: r for r in wb["假设与来源"].iter_rows(min_row=2, values_only=True)}
    prof = a.model.profile
    assert prof.is_draft
    assert rows["文件状态"][1] == prof.status_text("zh") and "征求意见稿" in rows["文件状态"][1]
    assert rows["依据文件"][1] == prof.document("zh")
    for t in prof.targets:
        row = rows[f"指标：{t.label_zh}"]
        assert t.citation.quote in row[2] and t.citation.file in row[2]
        if t.deadline:
            assert f"{t.deadline}年底" in row[1]
    # no server folders in a deliverable
    assert not [r for r in rows.values() if any(isinstance(v, str) and "/work/" in v for v in r)]

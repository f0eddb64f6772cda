"""Generate the corpus of bad inputs in this folder (deterministic; run once, commit the output).

    python tests/data/bad/make_bad_inputs.py

Every file is small and derived from the synthetic demo county (示例县, not real
data) so that the warning cases can be checked against the demo network.
``expected.csv`` lists each file with its kind, the expected outcome and a
substring of the expected message:

* ``expected``: ``InputError``, ``CRSError``, ``NetworkError``, ``ProfileError``
  (the loader refuses the file), ``warning`` (it loads, with a warning or a
  visible repair) or ``ok`` (it must load cleanly; ``message`` is then a text
  that must be in the loaded data);
* ``stage``: ``reader`` when the reader itself (planner.io readers, load_network,
  load_profile...) raises/warns, ``validate`` when only the validation report
  (planner.io.validate.validate_inputs, against the demo files) finds it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATE = (2024, 1, 1, 0, 0, 0)
CASES: list[tuple[str, str, str, str, str]] = []  # file, kind, expected, message, stage


def case(name: str, kind: str, expected: str, message: str, stage: str = "reader") -> Path:
    CASES.append((name, kind, expected, message, stage))
    return HERE / name


def _json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _fc(features, crs: str | None = None) -> dict:
    out = {"type": "FeatureCollection", "features": features}
    if crs:
        out["crs"] = {"type": "name", "properties": {"name": crs}}
    return out


def _feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": geom if isinstance(geom, dict) else shapely.geometry.mapping(geom)}


def _rounded(geom, nd: int = 6):
    return shapely.set_precision(geom, 10.0 ** -nd)


def _units() -> gpd.GeoDataFrame:
    u = gpd.read_file(REPO / "data" / "boundaries" / "demo_county.gpkg", layer="units").head(6)
    m = u.to_crs(4548)
    m["geometry"] = m.geometry.simplify(15.0)
    u = m.to_crs(4326)
    u["geometry"] = [_rounded(g) for g in u.geometry]
    return u[["code", "name", "kind", "street", "population", "pop60", "geometry"]].reset_index(drop=True)


def _unit_features(u: gpd.GeoDataFrame, drop=(), **changes) -> list[dict]:
    feats = []
    for i, row in u.iterrows():
        props = {k: (row[k].item() if hasattr(row[k], "item") else row[k])
                 for k in u.columns if k != "geometry" and k not in drop}
        for key, values in changes.items():
            if i < len(values) and values[i] is not None:
                props[key] = values[i]
        feats.append(_feature(props, row.geometry))
    return feats


def _facilities() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "facilities" / "demo_facilities.csv", dtype=str,
                       encoding="utf-8-sig")


def _csv(path: Path, df: pd.DataFrame, encoding: str = "utf-8") -> None:
    path.write_bytes(df.to_csv(index=False, lineterminator="\n").encode(encoding))


def _fixed_zip(path: Path, members: list[tuple[str, bytes]], compress=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", compression=compress) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def _deterministic_xlsx(path: Path) -> None:
    """openpyxl stamps the time into docProps/core.xml: fix it and the zip dates."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    fixed = []
    for name, data in members:
        if name == "docProps/core.xml":
            data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", data)
        fixed.append((name, data))
    _fixed_zip(path, fixed)


def _fix_dbf_date(path: Path) -> None:
    """A DBF header holds its write date (bytes 1–3): fix it."""
    raw = bytearray(path.read_bytes())
    raw[1:4] = bytes([124, 1, 1])
    path.write_bytes(bytes(raw))


def _shapefile(gdf: gpd.GeoDataFrame, path: Path, *, encoding: str = "UTF-8", keep=(".shp", ".shx", ".dbf", ".prj", ".cpg")) -> None:
    gdf.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding=encoding)
    for sfx in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        f = path.with_suffix(sfx)
        if f.exists() and sfx not in keep:
            f.unlink()
    _fix_dbf_date(path.with_suffix(".dbf"))


# ----------------------------------------------------------------------------


def boundaries() -> None:
    u = _units()
    _json(case("b01_missing_pop60.geojson", "boundaries", "InputError", "population aged 60+"),
          _fc(_unit_features(u, drop=("pop60",))))
    _json(case("b02_pop60_exceeds_population.geojson", "boundaries", "InputError", "exceeds the"),
          _fc(_unit_features(u, pop60=[None, 99999])))
    _json(case("b03_no_features.geojson", "boundaries", "InputError", "contains no features"), _fc([]))
    case("b04_zero_bytes.geojson", "boundaries", "InputError", "empty (0 bytes)").write_bytes(b"")
    _shapefile(u, case("b05_no_prj.shp", "boundaries", "CRSError", "no coordinate system"),
               keep=(".shp", ".shx", ".dbf", ".cpg"))
    _shapefile(u, case("b06_gbk_no_cpg.shp", "boundaries", "ok", "东门社区"), encoding="GBK",
               keep=(".shp", ".shx", ".dbf", ".prj"))
    # a bow-tie (self-intersecting) polygon: repaired and listed
    bow = u.copy()
    x0, y0, x1, y1 = bow.geometry.iloc[1].bounds
    bow.loc[1, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    _json(case("b07_bowtie.geojson", "boundaries", "warning", "repaired invalid polygons"),
          _fc(_unit_features(bow)))
    pts = [_feature({"name": r["name"], "population": int(r["population"]), "pop60": int(r["pop60"])},
                    _rounded(r.geometry.representative_point())) for _, r in u.iterrows()]
    _json(case("b08_points_not_polygons.geojson", "boundaries", "InputError", "must be polygons"), _fc(pts))
    feats = _unit_features(u)
    geom = json.loads(json.dumps(feats[0]["geometry"]))  # tuples -> lists
    geom["coordinates"][0] = geom["coordinates"][0][:-1]  # the ring does not close
    feats[0]["geometry"] = geom
    _json(case("b09_ring_not_closed.geojson", "boundaries", "warning", "do not close"), _fc(feats))
    ov = u.copy()
    grown = gpd.GeoSeries([ov.geometry.iloc[2]], crs=4326).to_crs(4548).buffer(250).to_crs(4326)
    ov.loc[2, "geometry"] = _rounded(grown.iloc[0])  # spills 250 m into its neighbours
    _json(case("b10_overlapping.geojson", "boundaries", "warning", "overlap", "validate"), _fc(_unit_features(ov)))
    case("b11_boundaries.kml", "boundaries", "InputError", "unsupported file type").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Placemark><name>东门社区</name></Placemark></Document></kml>\n", encoding="utf-8")
    case("b12_drawing.dwg", "boundaries", "InputError", "unsupported file type").write_bytes(
        b"AC1032" + bytes(58))
    # zip whose member climbs out of the extraction folder
    gj = json.dumps(_fc(_unit_features(u)), ensure_ascii=False).encode("utf-8")
    _fixed_zip(case("b13_path_traversal.zip", "boundaries", "InputError", "unsafe path"),
               [("../../evil/units.geojson", gj)])
    # zip bomb: 64 MB of zeros stored in ~64 KB (ratio ~1000)
    bomb = case("b14_zip_bomb.zip", "boundaries", "InputError", "decompression bomb")
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        info = zipfile.ZipInfo("units.geojson", date_time=DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(64):
                fh.write(block)
    _json(case("b15_text_in_population.geojson", "boundaries", "InputError", "not a number"),
          _fc(_unit_features(u, population=["约五千人"])))
    proj = u.to_crs(4548)
    feats = [_feature({"name": r["name"], "population": int(r["population"]), "pop60": int(r["pop60"])},
                      shapely.set_precision(r.geometry, 0.1)) for _, r in proj.iterrows()]
    _json(case("b16_metres_labelled_degrees.geojson", "boundaries", "CRSError", "look projected"), _fc(feats))
    _json(case("b17_short_codes.geojson", "boundaries", "warning", "not 12 digits"),
          _fc(_unit_features(u, code=[str(c)[:9] for c in u["code"]])))
    _json(case("b18_no_name_column.geojson", "boundaries", "InputError", "no column for the name"),
          _fc(_unit_features(u, drop=("name",))))
    case("b19_not_json.geojson", "boundaries", "InputError", "could not be").write_text(
        "区划代码,名称\n360999001001,东门社区\n", encoding="utf-8")
    # a village 5 km beyond the county's streets
    far = u.copy()
    c = far.to_crs(4548)
    shifted = shapely.affinity.translate(c.geometry.iloc[5], xoff=0, yoff=-30000)
    far.loc[5, "geometry"] = _rounded(gpd.GeoSeries([shifted], crs=4548).to_crs(4326).iloc[0])
    far.loc[5, "name"] = "远山村"
    far.loc[5, "kind"] = "village"
    _json(case("b20_village_without_streets.geojson", "boundaries", "warning", "no walkable street",
               "validate"), _fc(_unit_features(far)))
    _json(case("b21_unknown_kind.geojson", "boundaries", "InputError", "unknown unit kind"),
          _fc(_unit_features(u, kind=["小区"])))


def facilities() -> None:
    f = _facilities()
    small = f.head(12).copy()
    sw = small.copy()
    sw.loc[[3, 7], ["longitude", "latitude"]] = sw.loc[[3, 7], ["latitude", "longitude"]].to_numpy()
    _csv(case("f01_lonlat_swapped.csv", "facilities", "InputError", "look swapped"), sw)
    rng = small.copy()
    rng.loc[2, "longitude"] = "217.2"
    _csv(case("f02_lon_out_of_range.csv", "facilities", "InputError", "out of range"), rng)
    txt = small.copy()
    txt.loc[4, "longitude"] = "待定"
    _csv(case("f03_text_in_coordinates.csv", "facilities", "InputError", "non-numeric"), txt)
    dms = small.copy()  # degrees-minutes-seconds: converted with a warning naming the row
    dms.loc[4, "longitude"] = "东经117度12分"
    _csv(case("f03b_dms_coordinates.csv", "facilities", "warning", "degrees-minutes-seconds"), dms)
    addr = small.drop(columns=["longitude", "latitude"]).copy()
    addr["地址"] = [f"示例县城关镇{i + 1}号" for i in range(len(addr))]
    _csv(case("f04_addresses_only.csv", "facilities", "InputError", "has addresses"), addr)
    # Excel with a merged title row above the header
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "设施"
    ws.append(["示例县养老服务设施名录(2024年)"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws.append(["设施编号", "名称", "设施类型", "床位数", "护理型床位", "状态", "经度", "纬度"])
    for _, r in small.iterrows():
        ws.append([r.facility_id, r["name"], r.type, float(r.capacity) if r.capacity == r.capacity else None,
                   None, r.status, float(r.longitude), float(r.latitude)])
    p = case("f05_merged_title_row.xlsx", "facilities", "warning", "look like a title")
    wb.save(p)
    _deterministic_xlsx(p)
    unk = small.copy()
    unk.loc[5, "type"] = "老年大学"
    _csv(case("f06_unknown_type.csv", "facilities", "InputError", "unknown facility types"), unk)
    dup = small.copy()
    dup.loc[6, "facility_id"] = dup.loc[5, "facility_id"]
    _csv(case("f07_duplicate_ids.csv", "facilities", "InputError", "duplicate ids"), dup)
    from planner.io.crs import wgs84_to_bd09, wgs84_to_gcj02

    lon, lat = f["longitude"].astype(float).to_numpy(), f["latitude"].astype(float).to_numpy()
    for name, conv, msg in (("f08_gcj02_coordinates.csv", wgs84_to_gcj02, "GCJ-02"),
                            ("f09_bd09_coordinates.csv", wgs84_to_bd09, "BD-09")):
        x, y = conv(lon, lat)
        g = f.copy()
        g["longitude"] = [f"{v:.7f}" for v in x]
        g["latitude"] = [f"{v:.7f}" for v in y]
        _csv(case(name, "facilities", "warning", msg, "validate"), g)
    far = small.copy()
    far.loc[11, "longitude"] = f"{float(far.loc[11, 'longitude']) + 0.0:.7f}"
    far.loc[11, "latitude"] = f"{float(far.loc[11, 'latitude']) - 0.27:.7f}"  # ~30 km south
    _csv(case("f10_far_from_streets.csv", "facilities", "warning", "from any walkable street", "validate"), far)
    _csv(case("f11_gbk_no_bom.csv", "facilities", "ok", "东门社区日间照料中心"), small, encoding="gbk")
    dd = pd.concat([small, small.iloc[[2]].assign(facility_id="DC03-copy")], ignore_index=True)
    _csv(case("f12_duplicate_facilities.csv", "facilities", "warning", "look duplicated", "validate"), dd)
    out = small.copy()
    out.loc[0, "longitude"] = f"{float(out.loc[0, 'longitude']) + 0.2:.7f}"  # ~20 km east, beyond the county
    _csv(case("f13_outside_study_area.csv", "facilities", "warning", "outside the study area", "validate"), out)
    case("f14_header_only.csv", "facilities", "InputError", "contains no rows").write_text(
        ",".join(small.columns) + "\n", encoding="utf-8")
    u = _units()
    _json(case("f15_polygons_not_points.geojson", "facilities", "InputError", "expected points"),
          _fc([_feature({"name": "东门社区日间照料中心", "type": "day_care"}, u.geometry.iloc[0])]))
    _csv(case("f16_no_type_column.csv", "facilities", "InputError", "no column for the facility type"),
         small.drop(columns=["type"]))
    neg = small.copy()
    neg.loc[1, "capacity"] = "-20"
    _csv(case("f17_negative_capacity.csv", "facilities", "InputError", "is negative"), neg)
    st = small.copy()
    st.loc[2, "status"] = "已拆除?"
    _csv(case("f18_unknown_status.csv", "facilities", "InputError", "unknown status"), st)
    xy = small.copy()
    xy["longitude"] = [f"{500000 + 37 * i:.1f}" for i in range(len(xy))]
    xy["latitude"] = [f"{3240000 + 41 * i:.1f}" for i in range(len(xy))]
    _csv(case("f19_projected_xy_as_degrees.csv", "facilities", "InputError", "out of range"), xy)
    case("f20_binary_garbage.xlsx", "facilities", "InputError", "could not be read as an Excel").write_bytes(
        bytes(range(256)) * 4)


def network() -> None:
    case("n01_corrupt.osm", "network", "NetworkError", "not a valid OSM XML").write_text(
        '<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat="29.3" lon="117.2"/><way id="9">'
        '<nd ref="1"/>\n', encoding="utf-8")
    case("n02_not_a_pbf.osm.pbf", "network", "NetworkError", "could not read the .osm.pbf").write_bytes(
        b"This is not a protocol buffer file.\n" * 20)
    case("n03_wrong_content.graphml", "network", "NetworkError", "GraphML").write_text(
        '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<graph edgedefault="directed"><node id="a"/><node id="b"/><edge source="a" target="b"/>'
        "</graph></graphml>\n", encoding="utf-8")
    case("n04_no_highways.osm", "network", "NetworkError", "no walkable ways").write_text(
        '<?xml version="1.0"?>\n<osm version="0.6">'
        '<node id="1" lat="29.30" lon="117.20"/><node id="2" lat="29.31" lon="117.21"/>'
        '<way id="7"><nd ref="1"/><nd ref="2"/><tag k="waterway" v="river"/></way></osm>\n',
        encoding="utf-8")
    case("n05_zero_bytes.osm", "network", "NetworkError", "empty").write_bytes(b"")
    # a road centre-line layer is read (planner.io.roads), but one short street is no network
    case("n06_roads.geojson", "network", "NetworkError", "too small to analyse", "validate").write_text(
        json.dumps(_fc([_feature({"highway": "residential"},
                                 shapely.LineString([(117.2, 29.3), (117.21, 29.3)]))])), encoding="utf-8")
    # a valid network in another city: loads, but does not reach the study area
    nodes = [(i + 1, 39.90 + 0.001 * (i // 5), 116.39 + 0.001 * (i % 5)) for i in range(25)]
    ways = []
    for r in range(5):
        ways.append([r * 5 + c + 1 for c in range(5)])
        ways.append([c * 5 + r + 1 for c in range(5)])
    body = "".join(f'<node id="{i}" lat="{la:.6f}" lon="{lo:.6f}"/>' for i, la, lo in nodes)
    body += "".join(f'<way id="{100 + k}">' + "".join(f'<nd ref="{n}"/>' for n in w)
                    + '<tag k="highway" v="residential"/></way>' for k, w in enumerate(ways))
    case("n07_other_city.osm", "network", "NetworkError", "does not reach the study area",
         "validate").write_text(f'<?xml version="1.0"?>\n<osm version="0.6">{body}</osm>\n',
                                encoding="utf-8")


def points() -> None:
    f = _facilities().head(8)
    p = pd.DataFrame({"编号": [f"P{i + 1:02d}" for i in range(len(f))],
                      "经度": f["longitude"], "纬度": f["latitude"]})
    sw = p.copy()
    sw.loc[2, ["经度", "纬度"]] = sw.loc[2, ["纬度", "经度"]].to_numpy()
    _csv(case("p01_lonlat_swapped.csv", "points", "InputError", "look swapped"), sw)
    dup = p.copy()
    dup.loc[3, "编号"] = "P01"
    _csv(case("p02_duplicate_ids.csv", "points", "InputError", "duplicate ids"), dup)
    far = p.copy()
    far.loc[0, "纬度"] = f"{float(far.loc[0, '纬度']) - 0.3:.7f}"  # 33 km south, no street near
    _csv(case("p03_far_from_streets.csv", "points", "warning", "from any walkable street", "validate"), far)
    _csv(case("p04_no_coordinates.csv", "points", "InputError", "no column for the longitude"),
         p.drop(columns=["经度", "纬度"]).assign(备注="无"))


def profiles() -> None:
    nat = (REPO / "planner" / "profiles" / "national.toml").read_text(encoding="utf-8")
    case("pr01_negative_speed.toml", "profile", "ProfileError", "speed_mps must be positive").write_text(
        re.sub(r"(?m)^speed_mps\s*=.*$", "speed_mps = -1.0", nat, count=1), encoding="utf-8")
    case("pr02_not_toml.toml", "profile", "ProfileError", "not valid TOML").write_text(
        "[profile\nname = 全国\n", encoding="utf-8")
    case("pr03_share_above_one.toml", "profile", "ProfileError", "share must be between 0 and 1").write_text(
        re.sub(r"(?m)^share\s*=.*$", "share = 85", nat, count=1), encoding="utf-8")
    case("pr04_unknown_catchment_type.toml", "profile", "ProfileError", "unknown facility types").write_text(
        re.sub(r"(?m)^\[catchments\].*$", "[catchments]\nsenior_university = 15", nat, count=1),
        encoding="utf-8")


def scenarios() -> None:
    _json(case("s01_future_version.json", "scenario", "InputError", "format version 999"),
          {"format_version": 999, "name": "未来版本方案", "edits": []})
    case("s02_not_json.json", "scenario", "InputError", "not valid JSON").write_text("方案: 新增日间照料中心\n",
                                                                           encoding="utf-8")


def main() -> None:
    for old in HERE.iterdir():
        if old.name not in ("make_bad_inputs.py", "README.md") and old.is_file():
            old.unlink()
        elif old.is_dir() and old.name != "__pycache__":
            shutil.rmtree(old)
    boundaries()
    facilities()
    network()
    points()
    profiles()
    scenarios()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "kind", "expected", "message", "stage"])
    w.writerows(CASES)
    (HERE / "expected.csv").write_text(buf.getvalue(), encoding="utf-8")
    size = sum(p.stat().st_size for p in HERE.iterdir() if p.is_file())
    print(f"{len(CASES)} cases, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()

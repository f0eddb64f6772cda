"""Folium coverage maps: colours, tooltips, symbols, service areas, GCJ-02 shift, offline assets."""

from __future__ import annotations

import html as htmllib
import json
import re

import folium
import numpy as np
import pytest
import shapely

from planner.analysis.coverage import unit_target_status
from planner.io.crs import wgs84_to_gcj02
from planner.outputs.html import offline_assets
from planner.outputs.style import (
    COVERAGE_COLOURS,
    NO_DATA_COLOUR,
    PLACES_COLOURS,
    PLACES_NONE_COLOUR,
    SYMBOLS,
    coverage_colour,
    places_classes,
    places_colour,
)
from planner.outputs.webmap import (
    HOLE_PIXELS,
    MapView,
    coverage_map,
    coverage_map_parts,
    display_geometries,
    display_to_wgs84,
    display_tolerance,
    facility_id_from_tooltip,
    facility_tooltip,
    keep_view,
    legend_html,
    symbol_svg,
    unit_display_frame,
    view_from_return,
    wgs84_to_display,
)
from planner.schema import FACILITY_TYPES


@pytest.fixture(scope="module")
def analysis(demo_analysis):
    return demo_analysis


def _geojson_blocks(html: str) -> list[dict]:
    """FeatureCollections folium embedded in the page's script."""
    out, dec = [], json.JSONDecoder()
    for m in re.finditer(r"geo_json_\w+_add\(", html):
        try:
            obj, _ = dec.raw_decode(html, m.end())
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
            out.append(obj)
    return out


def _n_facilities(html: str) -> int:
    """Facility symbols the page draws (points carrying a symbol and a tooltip)."""
    return sum(1 for b in _geojson_blocks(html) for f in b["features"]
               if f["geometry"]["type"] == "Point" and "svg" in f["properties"])


def _has(html: str, text: str) -> bool:
    """Whether the page holds ``text`` as is or JSON-escaped (folium writes JS strings)."""
    return text in html or json.dumps(text)[1:-1] in html


def test_colours_and_symbols():
    assert coverage_colour(0.0) == COVERAGE_COLOURS[0]
    assert coverage_colour(0.49) == COVERAGE_COLOURS[1]
    assert coverage_colour(0.5) == COVERAGE_COLOURS[2]
    assert coverage_colour(1.0) == COVERAGE_COLOURS[-1]
    assert coverage_colour(float("nan")) == NO_DATA_COLOUR
    assert set(SYMBOLS) == set(FACILITY_TYPES)
    assert len({s.shape for s in SYMBOLS.values()}) == len(SYMBOLS)  # distinct shapes
    assert len({s.colour for s in SYMBOLS.values()}) == len(SYMBOLS)
    svg = symbol_svg("mutual_aid", "planned")
    assert svg.startswith("<svg") and "stroke-dasharray" in svg and SYMBOLS["mutual_aid"].colour in svg
    assert 'fill="white"' in symbol_svg("day_care", "candidate")
    legend = legend_html("en", facility_types=["day_care"], service_minutes=(5, 15), service_types=["day_care"])
    assert "community day-care centre" in legend and "15 min" in legend and "<script" not in legend


def test_tooltip_carries_the_facility_id(analysis):
    row = analysis.model.facilities.iloc[3]
    tip = facility_tooltip(row, "zh")
    assert facility_id_from_tooltip(tip) == row["facility_id"]
    # what the browser hands back is the tooltip's text
    assert facility_id_from_tooltip(re.sub("<[^>]+>", " ", tip)) == row["facility_id"]
    assert facility_id_from_tooltip("桃园村 360999102203 行政村") is None
    assert facility_id_from_tooltip(None) is None


def test_unit_display_frame(analysis):
    d = unit_display_frame(analysis, "day_care")
    u = analysis.units
    pos = u["pop60"] > 0
    np.testing.assert_allclose(d.loc[pos, "share"], u.loc[pos, "day_care_share"])
    np.testing.assert_allclose(d["nearest_minutes"].fillna(-1), u["day_care_minutes"].fillna(-1))
    assert (d.loc[u["day_care_minutes"].notna(), "nearest"] == u.loc[u["day_care_minutes"].notna(),
                                                                     "day_care_nearest"]).all()
    # default: villages by the mutual-aid target's walk share, communities by the 15-minute circle
    dflt = unit_display_frame(analysis)
    prof = analysis.model.profile
    for kind, tid in (("village", "mutual_aid_village"), ("community", "circle15")):
        target = next(t for t in prof.targets if t.id == tid)
        ref = unit_target_status(analysis.model, target)["share"]
        mask = (u["kind"] == kind) & pos
        np.testing.assert_allclose(dflt.loc[mask, "share"], ref[mask])
        # nearest minutes: the closest of the target's types
        mins = u.loc[mask, [f"{t}_minutes" for t in target.facility_types]].min(axis=1)
        np.testing.assert_allclose(dflt.loc[mask, "nearest_minutes"].fillna(-1), mins.fillna(-1))


def test_coverage_map_draws_units_facilities_and_legend(analysis):
    m = coverage_map(analysis, lang="zh")
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    blocks = _geojson_blocks(html)
    units = next(b for b in blocks if any("t_share" in f["properties"] for f in b["features"]))
    props = {f["properties"]["name"]: f["properties"] for f in units["features"]}
    assert set(props) == set(analysis.units["name"])
    gaps = set(analysis.units.loc[analysis.units["gap"], "name"])
    assert {n for n, p in props.items() if p["gap"]} == gaps and gaps
    share = unit_display_frame(analysis)["share"].to_numpy()
    for name, s in zip(analysis.units["name"], share, strict=True):
        assert props[name]["fill"] == coverage_colour(s)
    for alias in ("名称", "区划代码", "60岁以上人口", "步行覆盖率", "最近设施"):
        assert _has(html, alias)
    n_shown = int((analysis.model.facilities["status"] != "candidate").sum())
    n_all = len(analysis.model.facilities)
    assert _n_facilities(html) == n_all  # candidates: a hidden layer
    assert n_shown < n_all
    assert "L.PlannerTools.legend(" in html and _has(html, "60岁以上人口步行覆盖率")  # the legend control
    assert "L.tileLayer(" not in html  # no tiles: works offline


def test_service_areas_layers_and_english(analysis):
    m = coverage_map(analysis, lang="en", facility_types=["mutual_aid"], minutes=(5, 15))
    html = m.get_root().render()
    assert _has(html, "Service area: rural mutual-aid site")
    assert _has(html, "rural mutual-aid site · 15 min") and not _has(html, "rural mutual-aid site · 10 min")
    assert _has(html, "Share of 60+ population within walk")


def test_gcj02_basemap_shifts_data_and_clicks_back(analysis):
    m = coverage_map(analysis, basemap="amap")
    html = m.get_root().render()
    assert "autonavi.com" in html
    units = next(b for b in _geojson_blocks(html) if any("t_share" in f["properties"] for f in b["features"]))
    first = units["features"][0]
    ring = first["geometry"]["coordinates"][0]
    ring = ring[0] if isinstance(ring[0][0], list) else ring
    # the same vertex in WGS-84 from the plain map
    plain = next(b for b in _geojson_blocks(coverage_map(analysis).get_root().render())
                 if any("t_share" in f["properties"] for f in b["features"]))
    pring = plain["features"][0]["geometry"]["coordinates"][0]
    pring = pring[0] if isinstance(pring[0][0], list) else pring
    gx, gy = wgs84_to_gcj02(pring[0][0], pring[0][1])
    assert ring[0] == pytest.approx([gx, gy], abs=1e-9)
    assert abs(ring[0][0] - pring[0][0]) > 1e-3  # a visible shift (hundreds of metres)
    lon, lat = 117.21, 29.30
    assert display_to_wgs84(*wgs84_to_display(lon, lat, "amap"), "amap") == pytest.approx((lon, lat), abs=1e-8)
    assert display_to_wgs84(lon, lat, "none") == (lon, lat)
    with pytest.raises(ValueError, match="key"):
        coverage_map(analysis, basemap="tianditu")
    with pytest.raises(ValueError, match="basemap"):
        coverage_map(analysis, basemap="google")


def test_offline_assets_leave_no_remote_scripts(analysis):
    m = offline_assets(coverage_map(analysis, selected=str(analysis.model.facilities["facility_id"].iloc[0])))
    html = m.get_root().render()
    assert not re.findall(r'<script[^>]+src="https?:', html)
    assert not re.findall(r'<link[^>]+href="https?:', html)
    assert 'src="data:text/javascript;base64,' in html
    assert _has(html, 'stroke="black" stroke-width="5"')  # the selected facility's halo


def test_places_colours_and_classes():
    assert places_colour(0.0) == PLACES_NONE_COLOUR
    assert places_colour(0.3) == PLACES_COLOURS[0]
    assert places_colour(5.0) == PLACES_COLOURS[1]
    assert places_colour(19.9) == PLACES_COLOURS[2]
    assert places_colour(35.0) == places_colour(500.0) == PLACES_COLOURS[-1]
    assert places_colour(float("nan")) == NO_DATA_COLOUR
    zh, en = places_classes("zh"), places_classes("en")
    assert [c for c, _ in zh] == [PLACES_NONE_COLOUR, *PLACES_COLOURS, NO_DATA_COLOUR]
    assert zh[0][1].startswith("0") and "步行范围内无" in zh[0][1] and "none within walk" in en[0][1]
    assert en[-2][1] == "≥ 35" and zh[-1][1] == "无数据"


def test_coverage_map_coloured_by_places(analysis):
    from planner.app.views import places_column

    col = places_column(analysis.model, "mutual_aid").to_numpy()
    for lang, alias, legend in (("zh", "每千名老人可达床位/名额", "步行范围内每千名60岁以上老人床位/名额(2SFCA):农村互助养老服务设施"),
                                ("en", "Places per 1,000 aged 60+", "Places per 1,000 people 60+ within walk (2SFCA): rural mutual-aid site")):
        html = coverage_map(analysis, lang=lang, coverage_type="mutual_aid", places=col,
                            places_type="mutual_aid").get_root().render()
        units = next(b for b in _geojson_blocks(html) if any("t_share" in f["properties"] for f in b["features"]))
        props = {f["properties"]["name"]: f["properties"] for f in units["features"]}
        for name, v in zip(analysis.units["name"], col, strict=True):
            assert props[name]["fill"] == places_colour(v)
            assert props[name]["t_places"] == f"{v:,.1f}"
        assert _has(html, alias) and _has(html, legend)
        assert _has(html, places_classes(lang)[0][1])  # the places classes, not the coverage ones
    with pytest.raises(ValueError, match="one value per unit"):
        coverage_map(analysis, places=col[:-1])


def test_view_from_return():
    assert view_from_return(None) is None
    assert view_from_return({"last_clicked": None, "zoom": 1}) is None  # defaults before a report
    assert view_from_return({"center": {"lat": None, "lng": 1}, "zoom": 3}) is None
    v = view_from_return({"center": {"lat": 29.30000001, "lng": 117.2}, "zoom": 13.5})
    assert v == MapView(117.2, 29.3, 13.5)
    gx, gy = wgs84_to_gcj02(117.2, 29.3)
    a = view_from_return({"center": {"lat": gy, "lng": gx}, "zoom": 12}, "amap")
    assert (a.lon, a.lat) == pytest.approx((117.2, 29.3), abs=1e-7)


def test_keep_view_restores_without_changing_the_map_script(analysis):
    """The view travels in the page header: the map's script, which streamlit-folium hashes to
    decide whether to rebuild the map, is the same for every view (so panning never reloads it)."""
    streamlit_folium = pytest.importorskip("streamlit_folium")

    def build(view, basemap="none"):
        m = keep_view(offline_assets(coverage_map(analysis, basemap=basemap)), view, basemap)
        m.get_root().render()
        m.render()
        return m

    maps = [build(None), build(MapView(117.2, 29.3, 13.25)), build(MapView(117.3, 29.2, 15.0))]
    hashes = {streamlit_folium.generate_js_hash(streamlit_folium._get_map_string(m), "map") for m in maps}
    assert len(hashes) == 1
    assert '<meta name="planner-view"' not in maps[0].get_root().render()
    page = maps[1].get_root().render()
    meta = re.search(r'<meta name="planner-view" content="([^"]+)">', page)
    assert json.loads(meta.group(1).replace("&quot;", '"')) == {"lat": 29.3, "lng": 117.2, "zoom": 13.25}
    assert "map.setView([v.lat,v.lng],v.zoom" in page
    # the script restoring the view runs after the map is fitted to the county
    assert page.index("fitBounds") < page.index("JSON.parse(el.getAttribute")
    # on the GCJ-02 basemap the kept WGS-84 view is shown shifted, like the data
    shifted = build(MapView(117.2, 29.3, 13.0), "amap").get_root().render()
    meta = json.loads(re.search(r'<meta name="planner-view" content="([^"]+)">', shifted).group(1)
                      .replace("&quot;", '"'))
    assert (meta["lng"], meta["lat"]) == pytest.approx(wgs84_to_gcj02(117.2, 29.3), abs=1e-7)


EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script> [Z9]'


def test_names_are_text_in_tooltips_legend_and_html(analysis):
    """A unit and a facility named with markup: every place the page shows them holds escaped text."""
    import dataclasses

    units = analysis.units.copy()
    units.loc[units.index[0], "name"] = EVIL
    a = dataclasses.replace(analysis, units=units)
    html = coverage_map(a, lang="zh").get_root().render()
    units = next(b for b in _geojson_blocks(html) if any("t_share" in f["properties"] for f in b["features"]))
    names = [f["properties"]["name"] for f in units["features"]]
    assert htmllib.escape(EVIL) in names and EVIL not in names
    assert "<img" not in html and "<script>alert" not in html  # no live tag anywhere in the page
    row = analysis.model.facilities.iloc[0].copy()
    row["name"] = EVIL
    tip = facility_tooltip(row, "en")
    assert "<img" not in tip and "<script" not in tip
    # the browser hands back the tooltip's text: the id is found after a name holding brackets
    text = htmllib.unescape(re.sub("<[^>]+>", " ", tip))
    assert "[Z9]" in text and facility_id_from_tooltip(text) == row["facility_id"]


def test_display_geometries_simplify_to_a_pixel_and_keep_the_area():
    """Simplified to the tolerance (no topology checks), rounded; small holes filled, big ones kept."""
    ring = [(117.0 + 0.01 * np.cos(t), 29.0 + 0.01 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 4001)]
    small = shapely.box(117.0, 29.0, 117.0 + 3e-5, 29.0 + 3e-5).exterior.coords  # 3 x 3 pixels
    big = shapely.box(116.995, 28.995, 117.0 - 1e-3, 29.0 - 1e-3).exterior.coords
    poly = shapely.Polygon(ring, [small, big])
    tol = display_tolerance((116.99, 28.99, 117.01, 29.01), pixels=2000)
    assert tol == pytest.approx(1e-5)
    out = display_geometries([poly], tol, hole_pixels=HOLE_PIXELS)[0]
    assert shapely.get_num_coordinates(out) < shapely.get_num_coordinates(poly) / 10
    assert shapely.get_num_interior_rings(out) == 1  # the 9 px² hole is filled, the big one kept
    assert abs(out.area - shapely.Polygon(ring, [big]).area) < 0.01 * poly.area
    assert shapely.hausdorff_distance(out.exterior, poly.exterior) <= tol * 1.01
    xy = shapely.get_coordinates(out)
    assert np.allclose(xy, np.round(xy, 6))
    # the same object again: the memo, not a second simplification
    assert display_geometries([poly], tol, hole_pixels=HOLE_PIXELS)[0] is out
    assert shapely.equals_exact(display_geometries([poly], 0.0)[0], poly, tolerance=1e-7)  # only rounded


def test_parts_split_the_changing_layers_from_the_base(analysis):
    """The base map holds no units, service areas or facilities; the layers do; together they
    draw what :func:`coverage_map` draws."""
    parts = coverage_map_parts(analysis, facility_types=["mutual_aid"], show_candidates=False)
    base = parts.base.get_root().render()
    assert not any("t_share" in f["properties"] for b in _geojson_blocks(base) for f in b["features"])
    assert "planner-facility" not in base and "L.PlannerTools.legend(" in base
    names = [g.layer_name for g in parts.layers]
    assert names[0] == "社区/行政村覆盖" and any("服务范围" in n for n in names)
    assert "候选点位" in names and "候选点位" not in [g.layer_name for g in parts.shown_layers]
    assert parts.network_segments_hidden == 0  # the demo's network is drawn
    full = coverage_map(analysis, facility_types=["mutual_aid"]).get_root().render()
    assert _n_facilities(full) == len(analysis.model.facilities)



JINJA = "{{ 7*7 }}{% if true %}RAN{{ 6*7 }}{% endif %}"


def test_names_never_run_as_templates(demo_inputs):
    """branca renders the map script a second time as a Jinja template: a unit, street or facility
    named like a template must reach the page as typed (braces as entities), never evaluated."""
    from planner import analyse

    units, facilities, network = demo_inputs
    units = units.copy()
    facilities = facilities.copy()
    units.loc[units.index[0], "name"] = "U" + JINJA
    units.loc[units.index[1], "code"] = "C" + JINJA
    if "street" in units.columns:
        units.loc[units.index[:3], "street"] = "S" + JINJA
    facilities.loc[facilities.index[0], "name"] = "F" + JINJA
    a = analyse(units, facilities, network)
    page = coverage_map(a, facility_types=["day_care"]).get_root().render()
    for evaluated in ("U49", "C49", "F49", "S49", "RAN42"):
        assert evaluated not in page
    # what the browser shows (JSON strings read, entities decoded): the names as typed
    shown = htmllib.unescape(page.replace("\\u0026", "&"))
    for typed in ("U" + JINJA, "C" + JINJA, "F" + JINJA):
        assert typed in shown

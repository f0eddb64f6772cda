"""Map tools (fast): the search index and labels of the demo, escaping, shipped assets, offline pages."""

from __future__ import annotations

import fnmatch
import json
import math
import re
import tomllib
import warnings
from pathlib import Path

import folium
import numpy as np
import pytest
import shapely

from planner.io.crs import wgs84_to_gcj02
from planner.outputs.html import ASSETS, offline_assets, offline_html, static_root
from planner.outputs.maptools import (
    TOOL_ASSETS,
    add_context,
    add_legend_control,
    add_map_tools,
    add_scale,
    add_search,
    add_unit_labels,
    label_zoom,
    script_json,
    search_index,
    unit_labels,
)
from planner.outputs.printmap import context_layers
from planner.outputs.style import ROAD_STYLES, road_styles
from planner.outputs.webmap import legend_html

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>{{ 7*7 }}"


@pytest.fixture(scope="module")
def analysis(demo_analysis):
    return demo_analysis


@pytest.fixture(scope="module")
def context():
    from planner import demo_paths

    return context_layers(demo_paths().boundaries)


def _tool_elements(m):
    out, todo = [], [m]
    while todo:
        el = todo.pop()
        if el is not m and isinstance(getattr(el, "default_js", None), list):
            out.append(el)
        todo.extend(getattr(el, "_children", {}).values())
    return out


def _all_tools(analysis, context, **kw):
    m = folium.Map(tiles=None, control_scale=True)
    idx = search_index(analysis, "zh")
    idx.append({**idx[0], "label": HOSTILE})
    labels = unit_labels(analysis)
    labels.append({**labels[0], "text": HOSTILE})
    return add_map_tools(m, lang="zh", search_index=idx, labels=labels, context=context,
                         legend_html=legend_html("zh"), **kw)


# --- the index and the labels ---------------------------------------------------------------


def test_search_index_of_the_demo(analysis):
    idx = search_index(analysis, "zh")
    units, fac = analysis.units, analysis.model.facilities.to_crs("EPSG:4326")
    assert len(idx) == len(units) + len(fac)
    for k, e in enumerate(idx[:len(units)]):
        x0, y0, x1, y1 = units.geometry.iloc[k].bounds
        assert e["label"] == units["name"].iloc[k] and e["code"] == units["code"].iloc[k]
        assert e["kind"] in ("社区", "行政村")
        assert np.allclose(e["bounds"], [[y0, x0], [y1, x1]], atol=1e-6)
    for k, e in enumerate(idx[len(units):]):
        p = fac.geometry.iloc[k]
        assert e["label"] == fac["name"].iloc[k] and e["code"] == fac["facility_id"].iloc[k]
        assert np.allclose(e["bounds"], [[p.y, p.x], [p.y, p.x]], atol=1e-6)
    assert len(search_index(analysis, "en", facilities=False)) == len(units)
    json.dumps(idx)  # plain data


def test_search_index_follows_the_gcj02_basemap(analysis):
    plain, shifted = search_index(analysis, basemap="none"), search_index(analysis, basemap="amap")
    (s, w), _ = plain[0]["bounds"]
    gx, gy = wgs84_to_gcj02(np.array([w]), np.array([s]))
    assert shifted[0]["bounds"][0] == pytest.approx([float(gy[0]), float(gx[0])], abs=1e-6)
    assert abs(shifted[0]["bounds"][0][1] - w) > 1e-3  # a shift of hundreds of metres


def test_label_zoom_is_where_the_label_just_fits():
    lat, width, height = 29.3, 800.0, 400.0
    z = label_zoom("东门社区", width, height, lat)
    mpp = 2 * math.pi * 6378137 / 256 * math.cos(math.radians(lat)) / 2 ** z  # metres per pixel at z
    label_px = 12 * 4 + 6  # four CJK characters of 12 px, 3 px padding each side
    assert width / mpp >= label_px and height / mpp >= 12  # fits at z...
    assert width / mpp == pytest.approx(label_px / 0.9) or height / mpp == pytest.approx(12 * 1.6)  # ...just
    assert label_zoom("东门社区", 2 * width, 2 * height, lat) == pytest.approx(z - 1)
    assert label_zoom("x", 0.0, 10.0, lat) == math.inf


def test_unit_labels_sit_inside_their_units(analysis):
    labels = unit_labels(analysis)
    assert len(labels) == len(analysis.units)
    by_name = dict(zip(analysis.units["name"], analysis.units.geometry, strict=True))
    for lab in labels:
        assert by_name[lab["text"]].contains(shapely.Point(lab["lng"], lab["lat"]))
    # town communities are small: they are named only closer in than the large villages
    kinds = dict(zip(analysis.units["name"], analysis.units["kind"], strict=True))
    comm = [x["zoom"] for x in labels if kinds[x["text"]] == "community"]
    vill = [x["zoom"] for x in labels if kinds[x["text"]] == "village"]
    assert np.median(comm) > np.median(vill) + 1


# --- escaping ---------------------------------------------------------------------------------


def test_script_json_cannot_close_the_script():
    text = script_json({"name": HOSTILE, "sep": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert text.count("{") == 1 and text.count("}") == 1  # braces in strings escaped, not the object's
    assert json.loads(text) == {"name": HOSTILE, "sep": "\u2028"}


def test_hostile_names_reach_the_page_only_as_escaped_json(analysis, context):
    html = _all_tools(analysis, context).get_root().render()
    assert "<img src=x" not in html and "alert(2)</script>" not in html
    # branca renders scripts as Jinja twice: the payload must come through unchanged, not evaluated
    assert "{{" not in script_json(HOSTILE) and "49" not in script_json(HOSTILE)
    assert html.count(script_json(HOSTILE)) == 2  # search index and labels


def test_legend_control_drops_the_details_wrapper():
    m = folium.Map(tiles=None)
    add_legend_control(m, legend_html("zh"))
    (el,) = _tool_elements(m)
    data = json.loads(el.payload)
    assert "<details" not in data["html"] and "<summary" not in data["html"] and "0% – 25%" in data["html"]
    assert data["title"] == "图例" and data["collapsed"] is None


def test_measure_words_are_from_the_catalogue():
    from planner.outputs.maptools import add_measure

    for lang, (m_word, km_word) in (("zh", ("米", "千米")), ("en", ("m", "km"))):
        (el,) = _tool_elements(add_measure(folium.Map(tiles=None), lang=lang))
        data = json.loads(el.payload)
        assert data["unitControlLabel"]["metres"] == m_word and data["unitControlLabel"]["kilometres"] == km_word
        assert data["showClearControl"] and data["unit"] == "metres"
    assert data["measureControlTitleOn"] == "Measure a distance"


# --- scale, context ------------------------------------------------------------------------------


def test_scale_replaces_folium_imperial_scale():
    m = add_scale(folium.Map(tiles=None, control_scale=True))
    html = m.get_root().render()
    assert "L.control.scale()" not in html and "L.PlannerTools.scale" in html


def test_context_draws_water_and_roads(analysis, context):
    assert {"water", "roads"} <= set(context)
    roads = context["roads"]
    assert set(roads["class"]) == {"main", "minor"}
    m = add_context(folium.Map(tiles=None), context, lang="en")
    html = m.get_root().render()
    assert '"Water"' not in html  # FeatureGroup names live in the layer control only
    for colour, width in ROAD_STYLES.values():
        assert f'"colour": "{colour}"' in html and f'"width": {width}' in html
    assert "plannerRoads" in html and '"interactive": false' in html


def test_road_styles_by_class():
    assert road_styles(["main", "MINOR", None, "trail"]) == [ROAD_STYLES["main"], ROAD_STYLES["minor"],
                                                              ROAD_STYLES["minor"], ROAD_STYLES["minor"]]


def test_demo_roads_follow_the_walking_network(analysis, context):
    roads = context["roads"].to_crs(analysis.model.network.crs)
    net = shapely.multilinestrings(list(analysis.model.network.segments))
    pts = shapely.get_coordinates(roads.geometry.values)
    assert float(shapely.distance(shapely.points(pts), net).max()) < 1.0  # metres


# --- assets ------------------------------------------------------------------------------------


def _package_globs() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["setuptools"]["package-data"]["planner"]


def test_every_asset_is_shipped():
    root = static_root()
    globs = _package_globs()
    for a in ASSETS.values():
        assert a.file.is_file(), a.path
        assert a.file.resolve().is_relative_to(root.resolve())
        rel = "static/" + a.path
        assert any(fnmatch.fnmatch(rel, g) for g in globs), rel
    for folder in ("fullscreen", "polylinemeasure"):
        assert (root / folder / "LICENSE").is_file() and (root / folder / "README.md").is_file()
        assert any(fnmatch.fnmatch(f"static/{folder}/LICENSE", g) for g in globs)
    assert {n for names in TOOL_ASSETS.values() for n in names} <= set(ASSETS)


def test_offline_html_leaves_no_remote_url_with_every_tool(analysis, context):
    m = _all_tools(analysis, context)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = offline_html(m.get_root().render())
    assert not re.search(r'<(script|link)\b[^>]*(src|href)="(https?:)?//', html)
    assert "L.Control.PolylineMeasure" in html and "leaflet.fullscreen 5.3.3, MIT" in html
    assert "L.PlannerTools" in html


def test_offline_assets_data_uris(analysis, context):
    m = offline_assets(_all_tools(analysis, context))
    urls = [u for el in [m, *_tool_elements(m)] for _, u in [*el.default_js, *el.default_css]]
    assert urls and all(u.startswith("data:") for u in urls)
    html = m.get_root().render()
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_offline_assets_base_url(analysis, context):
    m = offline_assets(_all_tools(analysis, context), base_url="/app/static")
    entries = [e for el in [m, *_tool_elements(m)] for e in [*el.default_js, *el.default_css]]
    names = {n for n, _ in entries}
    assert {"leaflet", "leaflet_css", "planner_measure_js", "planner_fullscreen_css", "planner_maptools_js"} <= names
    for name, url in entries:
        assert url == "/app/static/" + ASSETS[name].path
        assert (static_root() / url.removeprefix("/app/static/")).is_file()
    html = m.get_root().render()
    assert 'src="/app/static/polylinemeasure/Leaflet.PolylineMeasure.js"' in html
    assert "data:text/javascript" not in html


def test_tools_only_load_what_they_use():
    m = add_search(folium.Map(tiles=None), [{"label": "a", "code": "1", "kind": "", "bounds": [[0, 0], [1, 1]]}])
    (el,) = _tool_elements(m)
    assert [n for n, _ in el.default_js] == ["planner_maptools_js"]
    m = add_unit_labels(folium.Map(tiles=None), [{"text": "a", "lat": 0, "lng": 0, "zoom": 12}], min_zoom=11)
    (el,) = _tool_elements(m)
    assert json.loads(el.payload)["minZoom"] == 11

"""Folium coverage maps: colours, tooltips, symbols, service areas, GCJ-02 shift, offline assets."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pytest

from planner import analyse, load_network, read_boundaries, read_facilities
from planner.coverage import unit_target_status
from planner.crs import wgs84_to_gcj02
from planner.demo import demo_paths
from planner.maps import (
    COVERAGE_COLOURS,
    NO_DATA_COLOUR,
    SYMBOLS,
    coverage_colour,
    coverage_map,
    display_to_wgs84,
    facility_id_from_tooltip,
    facility_tooltip,
    legend_html,
    offline_assets,
    symbol_svg,
    unit_display_frame,
    wgs84_to_display,
)
from planner.schema import FACILITY_TYPES


@pytest.fixture(scope="module")
def analysis():
    p = demo_paths()
    return analyse(read_boundaries(p.boundaries, layer="units"), read_facilities(p.facilities),
                   load_network(p.network))


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
    assert html.count('"className": "planner-facility"') == n_all  # candidates: a hidden layer
    assert n_shown < n_all
    assert "planner-legend" in html and _has(html, "60岁以上人口步行覆盖率")
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

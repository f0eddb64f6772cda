"""Main roads on the printed map: the demo's ``roads`` layer, drawn in the web map's colours."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.legend import Legend

from planner.demo.county import demo_paths
from planner.demo.generate import make_demo_county
from planner.outputs.printmap import context_layers, gap_map_figure
from planner.outputs.style import ROAD_STYLES


@pytest.fixture(scope="module")
def context():
    return context_layers(demo_paths().boundaries)


def test_shipped_roads_match_the_generator(context):
    demo = make_demo_county()
    shipped = context["roads"]
    assert list(shipped.columns) == ["name", "class", "geometry"]
    assert shipped[["name", "class"]].equals(demo.roads[["name", "class"]].reset_index(drop=True))
    assert shipped.geometry.geom_equals_exact(demo.roads.geometry, tolerance=1e-9).all()
    assert set(shipped["class"]) == {"main", "minor"}


def test_printed_map_draws_roads_in_the_web_colours(demo_analysis, context):
    fig = gap_map_figure(demo_analysis, facility_type="day_care", context=context, lang="en")
    ax = fig.axes[0]
    roads = [c for c in ax.collections if c.get_zorder() == 3.5]
    assert len(roads) == 1
    colours = {to_hex(c) for c in roads[0].get_colors()}
    assert colours == {ROAD_STYLES["main"][0], ROAD_STYLES["minor"][0]}
    assert len(roads[0].get_paths()) == sum(len(g.geoms) for g in context["roads"].geometry)
    widths = np.asarray(roads[0].get_linewidths())
    assert widths.max() / widths.min() == pytest.approx(ROAD_STYLES["main"][1] / ROAD_STYLES["minor"][1])
    labels = [t.get_text() for leg in fig.axes[1].findobj(Legend) for t in leg.get_texts()]
    assert any("main roads" in s for s in labels), labels


def test_no_roads_layer_no_roads(demo_analysis, context):
    ctx = {k: v for k, v in context.items() if k != "roads"}
    fig = gap_map_figure(demo_analysis, facility_type="day_care", context=ctx, lang="en")
    assert not [c for c in fig.axes[0].collections if c.get_zorder() == 3.5]
    assert isinstance(context["roads"], gpd.GeoDataFrame)

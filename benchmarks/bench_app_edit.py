"""Time from an edit in the app to the updated targets panel (and map), demo county and Monaco.

What the app does after a click in add mode, without Streamlit: the edit is
applied through :class:`planner.app.state.ModelChain` (one bounded search from
the new site), the analysis of the edited model is computed, the targets panel
(score changes against the baseline) is built; then the service areas of the
edited type are redrawn and the folium map is rebuilt and rendered.  A full rebuild of the model with the site (what the app avoids)
is timed for comparison.

    python benchmarks/bench_app_edit.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import planner.app as aps
from planner import analyse, build_model, load_network, read_boundaries
from planner.analysis.result import analysis_of, service_area_layer
from planner.analysis.scenario import changes_frame, score_changes
from planner.outputs.html import offline_assets
from planner.outputs.webmap import coverage_map

ROOT = Path(__file__).resolve().parents[1]


def monaco_inputs():
    """Monaco's real network and made-up districts, with a few facilities placed on streets."""
    net = load_network(ROOT / "tests" / "data" / "monaco.osm.pbf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = read_boundaries(ROOT / "tests" / "data" / "monaco_districts.geojson")
    rng = np.random.default_rng(7)
    lon, lat = net.lonlat()
    pick = rng.choice(net.n_nodes, size=6, replace=False)
    types = ["day_care", "day_care", "meal_point", "embedded_home", "street_centre", "nursing_home"]
    fac = gpd.GeoDataFrame(pd.DataFrame({
        "facility_id": [f"M{i}" for i in range(6)], "name": [f"facility {i}" for i in range(6)],
        "type": types, "capacity": 20.0, "nursing_beds": np.nan, "status": "existing"}),
        geometry=gpd.points_from_xy(lon[pick], lat[pick]), crs="EPSG:4326")
    return units, fac, net


def demo_inputs():
    ds = aps.demo_dataset()
    return ds.units, ds.facilities, load_network(ds.network_path)


def bench(name, units, fac, net, ftype, runs):
    t0 = time.perf_counter()
    base = analyse(units, fac, net)
    t_base = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    # sites: demand points (on streets, where people live)
    dem = base.model.demand.to_crs("EPSG:4326")
    sites = dem.geometry.iloc[rng.choice(len(dem), size=runs, replace=False)]
    panel, areas, grown, maps, full = [], [], [], [], []
    for pt in sites:
        cache = aps.ServiceAreaCache()
        cache.layer(base.model, [ftype], (5, 10, 15))  # the baseline's areas, already on screen
        chain = aps.ModelChain()
        edit = aps.add_edit(base.model, ftype, pt.x, pt.y)
        t = time.perf_counter()
        a = chain.analysis("k", base, [edit])
        changes_frame(score_changes(base, a, "zh"), "zh")
        panel.append(time.perf_counter() - t)
        t = time.perf_counter()
        sa = service_area_layer(a.model, [ftype])
        areas.append(time.perf_counter() - t)
        t = time.perf_counter()
        cache.layer(a.model, [ftype], (5, 10, 15))
        grown.append(time.perf_counter() - t)
        t = time.perf_counter()
        offline_assets(coverage_map(a, facility_types=[ftype], service_areas=sa)).get_root().render()
        maps.append(time.perf_counter() - t)
        t = time.perf_counter()
        extra = gpd.GeoDataFrame(pd.DataFrame({"facility_id": ["X"], "name": ["X"], "type": [ftype],
                                               "capacity": [np.nan], "nursing_beds": [np.nan],
                                               "status": ["planned"]}),
                                 geometry=[pt], crs="EPSG:4326")
        analysis_of(build_model(units, pd.concat([fac, extra], ignore_index=True), net))
        full.append(time.perf_counter() - t)
    med = statistics.median
    print(f"{name}: {net.n_nodes:,} nodes, {net.n_edges:,} segments, {len(units)} units, "
          f"{len(base.model.demand):,} demand points; baseline analysis {t_base:.2f} s")
    print(f"  edit -> targets panel (incremental): median {med(panel) * 1000:.0f} ms "
          f"(min {min(panel) * 1000:.0f}, max {max(panel) * 1000:.0f}; {len(panel)} runs)")
    print(f"  service areas of the edited type:    median {med(areas) * 1000:.0f} ms (rebuilt), "
          f"{med(grown) * 1000:.0f} ms (the app's cache, grown from the baseline's)")
    print(f"  map rebuild + render:                median {med(maps) * 1000:.0f} ms")
    print(f"  full rebuild with the site (avoided): median {med(full) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    bench("demo county", *demo_inputs(), "mutual_aid", args.runs)
    bench("Monaco (real OSM)", *monaco_inputs(), "day_care", args.runs)


if __name__ == "__main__":
    main()

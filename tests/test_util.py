"""The shared helpers of planner._util that the app relies on for speed: same results as the reference."""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pytest
import shapely

from planner._util import reproject, transformer

# a few CRS pairs the planner meets: WGS-84 and CGCS2000 to Gauss–Krüger, UTM and web mercator
PAIRS = [("EPSG:4326", "EPSG:4547"), ("EPSG:4547", "EPSG:4326"), ("EPSG:4326", "EPSG:32650"),
         ("EPSG:4490", "EPSG:4547"), ("EPSG:4326", "EPSG:3857")]


@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_reproject_equals_geopandas(src: str, dst: str) -> None:
    rng = np.random.default_rng(7)
    lon, lat = 113.5 + rng.random(50), 29.0 + rng.random(50)
    pts = gpd.GeoDataFrame({"k": np.arange(50)}, geometry=shapely.points(lon, lat), crs="EPSG:4326").to_crs(src)
    polys = pts.to_crs("EPSG:4547")
    polys["geometry"] = polys.buffer(500.0)  # 500 m discs, in the source CRS
    polys = polys.to_crs(src)
    for frame in (pts, polys, polys.geometry):
        ours, ref = reproject(frame, dst), frame.to_crs(dst)
        assert ours.crs == ref.crs
        got, want = shapely.get_coordinates(ours.geometry.values), shapely.get_coordinates(ref.geometry.values)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9 * max(1.0, np.abs(want).max()))
        assert list(ours.index) == list(ref.index)
    assert list(reproject(pts, dst).columns) == list(pts.columns)
    assert pts.crs.to_string() == src  # the input is not changed


@pytest.mark.parametrize("dst", ["EPSG:4326", "EPSG:4547"])
def test_reproject_without_a_copy_gives_the_same_frame_and_never_changes_its_input(dst: str) -> None:
    frame = gpd.GeoDataFrame({"k": [1, 2], "name": ["甲", "乙"]},
                             geometry=shapely.points([116.1, 117.3], [29.2, 30.1]), crs="EPSG:4326")
    before = frame.copy()
    shared, copied = reproject(frame, dst, copy=False), reproject(frame, dst)
    assert shared.crs == copied.crs
    assert shared.equals(copied) and list(shared.columns) == list(frame.columns)
    assert (shared is frame) == (dst == "EPSG:4326")  # already there: the frame itself, not a copy
    assert frame.equals(before) and frame.crs == before.crs  # its geometry and CRS stay as they were
    copied.loc[0, "k"] = 99
    assert frame.loc[0, "k"] == 1  # the default copy is a copy


def test_transformer_is_the_same_operation_in_a_new_thread() -> None:
    # Streamlit runs each rerun in a new thread: the kept transformer must give the same numbers there
    t = transformer("EPSG:4326", "EPSG:4547")
    ref = gpd.GeoSeries(shapely.points([116.1, 117.3], [29.2, 30.1]), crs="EPSG:4326").to_crs("EPSG:4547")
    out: list = []
    th = threading.Thread(target=lambda: out.append(t.transform([116.1, 117.3], [29.2, 30.1])))
    th.start()
    th.join()
    np.testing.assert_allclose(np.column_stack(out[0]), shapely.get_coordinates(ref.values), atol=1e-6)
    assert transformer("EPSG:4326", "EPSG:4547") is t


def test_reproject_refuses_data_without_crs() -> None:
    with pytest.raises(ValueError, match="without a CRS"):
        reproject(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]), "EPSG:4326")


def test_dask_client_errors_are_worded_in_chinese(monkeypatch) -> None:
    import sys
    import types

    from planner._errors import PlannerError
    from planner._util import dask_client

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # not installed
    with pytest.raises(PlannerError) as err:
        dask_client("tcp://127.0.0.1:8786")
    e = err.value
    assert str(e) == ('--scheduler needs Dask distributed, which is not installed — '
                      'pip install "eldercare-planner[province]"')
    assert (e.code, e.text("en"), e.fix_text("en")) == ("util_dask_missing", e.message, e.hint)
    assert e.text("zh") == "--scheduler 需要 Dask distributed，但尚未安装"
    assert e.fix_text("zh") == '请运行 pip install "eldercare-planner[province]" 安装'

    class Client:  # a scheduler nobody listens on
        def __init__(self, address, timeout):
            raise OSError("connection refused")

    monkeypatch.setitem(sys.modules, "dask.distributed", types.SimpleNamespace(Client=Client))
    with pytest.raises(PlannerError) as err:
        dask_client("tcp://127.0.0.1:8786")
    e = err.value
    assert e.message == "cannot reach the Dask scheduler at 'tcp://127.0.0.1:8786' (connection refused)"
    assert (e.code, e.text("en"), e.fix_text("en")) == ("util_dask_unreachable", e.message, e.hint)
    assert e.text("zh") == "无法连接 Dask 调度器“tcp://127.0.0.1:8786”（connection refused）"
    assert "dask scheduler" in e.fix_text("zh") and "本机" in e.fix_text("zh")

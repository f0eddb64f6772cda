"""Fixes name command-line options on the command line (--crs, --layer, --encoding) and arguments in Python."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from planner._errors import CRSError, InputError
from planner.demo import demo_paths
from planner.io import read_boundaries, validate_inputs
from planner.io.columns import parse_input_options
from planner.io.problems import hint_style, option_text, reading_input


@pytest.fixture()
def no_prj(tmp_path):
    g = gpd.GeoDataFrame({"code": ["360999001001"], "name": ["甲村"], "population": [100], "pop60": [20]},
                         geometry=[shapely.box(117.1, 29.2, 117.11, 29.21)], crs=4326)
    g.to_file(tmp_path / "units.shp")
    (tmp_path / "units.prj").unlink()
    return tmp_path / "units.shp"


def test_python_fixes_name_the_arguments(no_prj):
    with pytest.raises(CRSError) as err:
        read_boundaries(no_prj)
    assert "crs='EPSG:4490'" in str(err.value) and "--crs" not in str(err.value)
    assert "crs='EPSG:4490'" in err.value.fix_text("zh")


def test_command_line_fixes_name_the_options_for_the_input(no_prj):
    with hint_style("cli"):
        rep = validate_inputs(no_prj)
    issue = next(i for i in rep.issues if i.cause == "crs_missing")
    assert "--crs boundaries=EPSG:4490" in issue.fix and "--crs boundaries=EPSG:4490" in issue.fix_text("zh")
    assert "crs='" not in issue.fix


def test_option_text_per_input_and_style():
    assert option_text("layer", "NAME") == "layer='NAME'"
    with hint_style("cli"):
        assert option_text("layer", "NAME") == "--layer NAME"
        with reading_input("facilities"):
            assert option_text("encoding", "gbk") == "--encoding facilities=gbk"
            assert option_text("coord_system", "bd09") == "--coord-system bd09"


def test_input_options_parse_per_input_and_bare():
    assert parse_input_options(["boundaries=units", "network=roads"], "layer") == {
        "boundaries": "units", "network": "roads"}
    assert parse_input_options(["EPSG:4548"], "crs") == {"*": "EPSG:4548"}
    assert parse_input_options(None, "crs") == {}
    with pytest.raises(InputError) as err:
        parse_input_options(["boundaries=a", "boundaries=b"], "layer")
    assert err.value.code == "input_option_invalid" and "--layer boundaries=units" in err.value.fix_text("en")


def _validate(*args):
    return subprocess.run([sys.executable, "-m", "planner", "validate", "--lang", "en", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_the_command_line_takes_crs_and_layer_and_says_so(no_prj):
    r = _validate("--boundaries", no_prj)
    assert r.returncode == 2 and "--crs boundaries=EPSG:4490" in r.stdout + r.stderr
    assert "crs='" not in r.stdout + r.stderr
    assert _validate("--boundaries", no_prj, "--crs", "boundaries=EPSG:4490").returncode == 0
    gpkg = demo_paths().boundaries  # five layers: the first is read, with a warning naming --layer
    r = _validate("--boundaries", gpkg)
    assert "--layer boundaries=NAME" in r.stdout and "layer='" not in r.stdout
    r = _validate("--boundaries", gpkg, "--layer", "boundaries=units")
    assert r.returncode == 0 and "layers" not in r.stdout


def test_app_fixes_name_the_apps_choices(no_prj, tmp_path):
    """In the app (hint style 'app') a fix names its upload panel's choices, or the .prj to add."""
    import zipfile

    units = gpd.read_file(demo_paths().boundaries, layer="units").drop(columns=["pop60"])
    units.to_file(tmp_path / "u.gpkg")
    with hint_style("app"), pytest.raises(InputError) as err:
        read_boundaries(tmp_path / "u.gpkg")
    zh, en = err.value.fix_text("zh"), err.value.fix_text("en")
    assert "“字段对应”（60岁以上人口 → 你的列名）" in zh and "Column mapping (" in en
    assert "columns=" not in zh + en and "--columns" not in zh + en
    with zipfile.ZipFile(tmp_path / "u.zip", "w") as z:
        for f in no_prj.parent.glob("units.*"):
            z.write(f, f.name)
    with hint_style("app"), pytest.raises(CRSError) as err:
        read_boundaries(tmp_path / "u.zip")
    assert "“坐标系（EPSG）”为 EPSG:4490" in err.value.fix_text("zh") and "crs=" not in err.value.fix_text("zh")
    assert "Coordinate system (EPSG) EPSG:4490" in err.value.fix_text("en")

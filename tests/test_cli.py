"""The command line: `planner analyse` and `planner travel-times` end to end."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from planner.demo.county import demo_paths
from planner.text import tr
from tests.conftest import DATA


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyse")
    r = run("analyse", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out, r


def test_analyse_demo_writes_every_output(analysed):
    out, r = analysed
    for name in ("coverage.gpkg", "gaps.xlsx", "gaps.csv", "targets.csv", "service_areas.gpkg", "summary.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["speed_mps"] == 1.0
    assert {t["id"] for t in summary["targets"]} >= {"day_care_community", "mutual_aid_village"}
    for t in summary["targets"]:
        assert set(t) >= {"value", "target", "met", "n_units", "n_units_met"}
    # printed summary names each target
    assert "农村互助养老服务设施" in r.stdout
    assert "Traceback" not in r.stderr


ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{3,}(?:[ -][A-Za-z]{2,})+")
"""Two or more English words: a sentence or label left untranslated (codes, ids and file names are one word)."""
NOT_PROSE = {"eldercare-planner"}  # the program's name, written where the file says what made it


def test_chinese_deliverables_have_no_english_words(analysed):
    """gaps.xlsx (every sheet), gaps.csv and targets.csv of a Chinese run: Chinese throughout."""
    import csv

    out, _ = analysed
    cells = [v for ws in load_workbook(out / "gaps.xlsx", read_only=True).worksheets
             for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    for name in ("gaps.csv", "targets.csv"):
        with open(out / name, encoding="utf-8-sig", newline="") as f:
            cells += [v for row in csv.reader(f) for v in row]
    english = sorted({m for v in cells for m in ENGLISH_PHRASE.findall(v)} - NOT_PROSE)
    assert not english, english


def test_progress_is_in_the_commands_language(analysed, tmp_path):
    """Chinese progress lines by default (file paths aside), English with --lang en."""
    _, r = analysed
    lines = [re.sub(r"\S*/\S*", "", ln.split("]", 1)[1]) for ln in r.stderr.splitlines() if ln.startswith("[")]
    assert len(lines) >= 5 and not [ln for ln in lines if ENGLISH_PHRASE.search(ln)], lines
    assert any("吸附到路网" in ln for ln in lines) and "缺口单元：" in r.stdout
    en = run("analyse", "--out", str(tmp_path / "en"), "--lang", "en")
    assert en.returncode == 0 and "snapping and walking times" in en.stderr and "gap units:" in en.stdout


def test_analyse_outputs_agree_with_each_other(analysed):
    out, _ = analysed
    layers = {name for name, _ in pyogrio.list_layers(out / "coverage.gpkg")}
    assert {"units", "facilities"} <= layers
    units = gpd.read_file(out / "coverage.gpkg", layer="units")
    csv = pd.read_csv(out / "gaps.csv", encoding="utf-8-sig", dtype={"区划代码": str})
    assert len(csv) == len(units)
    assert csv["区划代码"].tolist() == units["code"].tolist()
    assert csv["名称"].tolist() == units["name"].tolist()
    wb = load_workbook(out / "gaps.xlsx", read_only=True)
    ws = wb.worksheets[0]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert "60岁以上人口" in header and "缺口原因" in header
    assert ws.max_row == len(units) + 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["gap_units"] == int(units["gap"].sum())
    sa = gpd.read_file(out / "service_areas.gpkg")
    assert set(sa["minutes"]) == {5.0, 10.0, 15.0}


def test_analyse_with_explicit_inputs_and_profile(tmp_path):
    p = demo_paths()
    r = run("analyse", "--boundaries", str(p.boundaries), "--facilities", str(p.facilities_csv),
            "--network", str(p.network), "--profile", "jingdezhen", "--speed", "0.8", "--out",
            str(tmp_path / "o"), "-q")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert s["profile"] == "jingdezhen" and s["speed_mps"] == 0.8


def test_analyse_bad_input_is_a_clear_error_and_input_untouched(tmp_path):
    p = demo_paths()
    units = gpd.read_file(p.boundaries, layer="units").drop(columns=["pop60"])
    bad = tmp_path / "units.geojson"
    units.to_file(bad, driver="GeoJSON")
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    r = run("analyse", "--boundaries", str(bad), "--facilities", str(p.facilities), "--network",
            str(p.network), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert "units.geojson" in r.stderr and "pop60" in r.stderr
    assert "Traceback" not in r.stderr
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before
    # Chinese first (the catalogue's words, the fix as a command-line option), then the English
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(("错误", "error"))]
    assert len(lines) == 2 and lines[0].startswith("错误：units.geojson") and lines[1].startswith("error: ")
    assert "缺少" in lines[0] and "--columns pop60=" in lines[0] and "no column for" in lines[1]


def test_an_error_without_chinese_words_is_printed_once(capsys):
    # every error the commands raise has catalogue words now (tests/test_text.py): _fail is fed one without
    import typer

    from planner._errors import PlannerError
    from planner.cli import _fail

    with pytest.raises(typer.Exit) as exit_:
        _fail(PlannerError("--speeds must be numbers separated by commas, got 'fast'"))
    assert exit_.value.exit_code == 2
    stderr = capsys.readouterr().err
    assert [ln for ln in stderr.splitlines() if "error" in ln] == [
        "错误 / error: --speeds must be numbers separated by commas, got 'fast'"]


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith(("错误", "error"))]


def test_report_option_error_is_chinese_first(tmp_path):
    r = run("report", "--by", "street", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "r"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert _error_lines(r.stderr) == ["错误：--scheduler 只能与 --by county 一起使用 — 请加上 --by county",
                                      "error: --scheduler works with --by county — add --by county"]
    assert not (tmp_path / "r").exists()


OPTION_ERRORS = {  # arguments ({tmp}: the test's folder) -> the Chinese line, then the English line as before
    "minutes_text": (["analyse", "--minutes", "5,abc", "--out", "{tmp}/o"],
                     "错误：--minutes 应为用逗号分隔的数字，当前为“5,abc”",
                     "error: --minutes must be numbers separated by commas, got '5,abc'"),
    "minutes_zero": (["analyse", "--minutes", "0", "--out", "{tmp}/o"],
                     "错误：--minutes 必须是正数，当前为“0”", "error: --minutes must be positive, got '0'"),
    "format": (["report", "--format", "jpg", "--out", "{tmp}/o"],
               "错误：--format 只能是 png、pdf 或 png,pdf，当前为“jpg”",
               "error: --format must be png, pdf or png,pdf, got 'jpg'"),
    "points": (["travel-times", "--out", "{tmp}/t.csv"],
               "错误：缺少 --points — 给出包含 id、经度、纬度列的 CSV 文件",
               "error: --points is required — a CSV with id, longitude, latitude columns"),
    "out_is_input": (["travel-times", "--points", "{tmp}/p.csv", "--out", "{tmp}/p.csv"],
                     "错误：p.csv: --out 会覆盖一个输入文件 — 请另选输出文件",
                     "error: {tmp}/p.csv: --out would overwrite an input — choose another file"),
    "out_is_file": (["report", "--out", "{tmp}/o.txt"],
                    "错误：o.txt: 输出路径已存在，但不是文件夹 — --out 须指定一个文件夹",
                    "error: {tmp}/o.txt: output path exists and is not a folder — pass a folder for --out"),
}


@pytest.mark.parametrize("case", sorted(OPTION_ERRORS))
def test_option_errors_are_chinese_first(tmp_path, case):
    from typer.testing import CliRunner

    from planner.cli import app

    tmp = tmp_path.resolve()
    (tmp / "o.txt").write_text("not a folder", encoding="utf-8")
    args, zh, en = OPTION_ERRORS[case]
    res = CliRunner().invoke(app, [a.format(tmp=tmp) for a in args])
    assert res.exit_code == 2, res.output
    assert _error_lines(res.stderr) == [zh, en.format(tmp=tmp)]
    assert sorted(p.name for p in tmp.iterdir()) == ["o.txt"]  # nothing written


def test_travel_times_keeps_ids_and_blanks_unreachable(tmp_path, monaco):
    lon, lat = monaco.lonlat()
    rng = np.random.default_rng(4)
    f = rng.choice(monaco.n_nodes, 3, replace=False)
    fac = pd.DataFrame({"id": ["F1", "F2", "F3"], "name": ["a", "b", "c"],
                        "type": ["day_care", "day_care", "meal_point"],
                        "longitude": lon[f], "latitude": lat[f]})
    fac.to_csv(tmp_path / "fac.csv", index=False)
    p = rng.choice(monaco.n_nodes, 20, replace=False)
    pts = pd.DataFrame({"id": [f"P{i:02d}" for i in range(20)], "longitude": lon[p], "latitude": lat[p]})
    pts.loc[0, ["longitude", "latitude"]] = [7.30, 43.60]  # far out at sea: flagged
    pts.to_csv(tmp_path / "pts.csv", index=False)
    r = run("travel-times", "--network", str(DATA / "monaco.osm.pbf"), "--facilities", str(tmp_path / "fac.csv"),
            "--points", str(tmp_path / "pts.csv"), "--max-minutes", "10", "--out", str(tmp_path / "t.csv"))
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert t["point_id"].tolist() == pts["id"].tolist()
    assert {"minutes_day_care", "minutes_meal_point", "snap_m", "far_from_street"} <= set(t.columns)
    assert bool(t.loc[0, "far_from_street"]) and t.loc[0, "snap_m"] > 300
    assert t["minutes_day_care"].dropna().le(10).all()
    # a point sitting on a facility's node walks zero minutes
    pts2 = pd.DataFrame({"id": ["X"], "longitude": [lon[f[0]]], "latitude": [lat[f[0]]]})
    pts2.to_csv(tmp_path / "p2.csv", index=False)
    r = run("travel-times", "--network", str(DATA / "monaco.osm.pbf"), "--facilities", str(tmp_path / "fac.csv"),
            "--points", str(tmp_path / "p2.csv"), "--out", str(tmp_path / "t2.csv"))
    t2 = pd.read_csv(tmp_path / "t2.csv", encoding="utf-8-sig")
    assert t2.loc[0, "minutes_day_care"] == pytest.approx(0.0, abs=0.01)


def test_analyse_merges_duplicates_on_request(tmp_path):
    """--merge-duplicates merges the copies (listed in summary.json); the input is not changed."""
    src = DATA / "bad" / "f12_duplicate_facilities.csv"
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    n_rows = len(pd.read_csv(src))
    d = demo_paths()  # a user's missing input is never filled with the demo's: give them all
    given = ("--boundaries", str(d.boundaries), "--network", str(d.network), "--facilities", str(src))
    plain = run("analyse", *given, "--out", str(tmp_path / "a"), "-q")
    merged = run("analyse", *given, "--merge-duplicates", "--out", str(tmp_path / "b"), "-q")
    assert plain.returncode == 0 and merged.returncode == 0, merged.stderr
    s_plain = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    s_merged = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    fac_plain = gpd.read_file(tmp_path / "a" / "coverage.gpkg", layer="facilities")
    fac_merged = gpd.read_file(tmp_path / "b" / "coverage.gpkg", layer="facilities")
    assert len(fac_plain) == n_rows and len(fac_merged) < n_rows
    assert any("duplicated" in w or "重复" in w for w in s_plain["warnings"])
    assert any("merged" in w or "合并" in w for w in s_merged["warnings"])
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_analyse_summary_carries_policy_fields_and_map(analysed):
    """summary.json names the document and its status; each target its level, deadline, 现状/规划 and source."""
    from planner.io.profiles import load_profile

    out, _ = analysed
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    prof = load_profile(s["profile"])
    assert s["profile_status"] == prof.status and s["document"] == prof.document("zh")
    assert isinstance(s["context"], list)
    by_id = {t.id: t for t in prof.targets}
    for t in s["targets"]:
        assert {"level", "deadline", "value_existing", "met_existing", "overdue", "informative",
                "figure"} <= set(t)
        assert t["source"] == by_id[t["id"]].citation.as_dict()
        assert t["level"] == by_id[t["id"]].level
        if t["value"] is not None and t["value_existing"] is not None:
            assert t["value_existing"] <= t["value"] + 1e-9  # planned facilities only add
    # the offline interactive map, as the app downloads it: no CDN, the units' names inside
    import re

    html = (out / "map.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and ("东门社区" in html or "\\u4e1c\\u95e8" in html)
    external = re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?://[^\"']+", html, flags=re.I)
    assert not external, external[:3]
    # with the map tools, and the boundaries file's water and main roads as on the printed map
    assert "L.PlannerTools.search(" in html and "L.control.polylineMeasure(" in html
    for layer in ("map.water_layer", "map.roads_layer"):
        name = tr(layer, "zh")
        assert name in html or json.dumps(name) in html, layer
    # targets.csv is read by people: percentages, not 0.8557696686388897
    rows = pd.read_csv(out / "targets.csv", encoding="utf-8-sig", dtype=str)
    shares = [by_id[t["id"]].is_share for t in s["targets"]]
    for v, share in zip(rows["规划(含规划设施)"].fillna(""), shares, strict=True):
        assert (v.endswith("%") and len(v.split(".")[-1]) == 2) if share and v else "%" not in v
    assert "指标编号" not in rows.columns


def test_profiles_json_and_text():
    from planner.io.profiles import describe_profile, load_profile, profiles_catalogue

    r = run("profiles", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data == json.loads(json.dumps(profiles_catalogue()))
    assert "景德镇" in r.stdout  # ensure_ascii=False: Chinese readable
    assert {"jingdezhen", "jilin", "chaoyang", "wolong", "national"} <= {p["name"] for p in data}
    for p in data:
        for t in p["targets"]:
            assert set(t["source"]) == {"file", "quote", "status"}
    r = run("profiles")
    assert r.returncode == 0
    for line in describe_profile(load_profile("jingdezhen"), "zh"):
        assert line in r.stdout
    assert "0.85" not in r.stdout and "≥ 85%" in r.stdout


def test_analyse_with_home_table_and_80_plus_weight(tmp_path):
    """--home and --weight reach the scores: household targets are counted from the table."""
    home = pd.DataFrame({"name": ["青山镇", "石桥镇"], "home_beds": [120, 200], "adaptations": [900, 1700]})
    home.to_csv(tmp_path / "home.csv", index=False)
    r = run("analyse", "--profile", "jingdezhen", "--home", str(tmp_path / "home.csv"), "--out",
            str(tmp_path / "o"), "-q")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    home_targets = [t for t in s["targets"] if t["measure"] == "home_count"]
    assert home_targets
    values = {t["id"]: t["value"] for t in home_targets}
    assert sorted(values.values()) == [320.0, 2600.0]
    assert s["weight"] == "pop60"


# --- planners' own data: never mixed with the demo; their column names; population tables ------


def _values(out) -> dict:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {t["id"]: t["value"] for t in summary["targets"]}


def test_a_missing_input_is_named_not_filled_with_the_demo(tmp_path):
    d = demo_paths()
    r = run("analyse", "--facilities", str(d.facilities_csv), "--out", str(tmp_path / "o"), "-q")
    assert r.returncode == 2
    assert "--boundaries" in r.stderr and "--network" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()


def test_own_column_names_and_a_population_table(analysed, tmp_path):
    """The demo's units with a renamed 60+ column (--columns), then without population columns at
    all but with a census-style table by 12-digit code (--population): the same scores as the demo."""
    d = demo_paths()
    units = gpd.read_file(d.boundaries, layer="units")
    renamed = tmp_path / "renamed.gpkg"
    units.rename(columns={"pop60": "pop_60plus_2020"}).to_file(renamed, layer="units")
    bare = tmp_path / "bare.gpkg"
    units.drop(columns=["population", "pop60"]).to_file(bare, layer="units")
    table = tmp_path / "census.csv"
    pd.DataFrame({"统计代码": units["code"].astype(str), "总人口": units["population"],
                  "60岁及以上": units["pop60"]}).to_csv(table, index=False, encoding="utf-8-sig")
    common = ("--facilities", str(d.facilities), "--network", str(d.network), "-q")

    refused = run("analyse", "--boundaries", str(renamed), *common, "--out", str(tmp_path / "x"))
    assert refused.returncode == 2 and "--columns" in refused.stderr

    a = run("analyse", "--boundaries", str(renamed), *common, "--columns", "pop60=pop_60plus_2020",
            "--out", str(tmp_path / "a"))
    b = run("analyse", "--boundaries", str(bare), *common, "--population", str(table),
            "--columns", "population.code=统计代码", "--out", str(tmp_path / "b"))
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    demo_values = _values(analysed[0])
    for out in (tmp_path / "a", tmp_path / "b"):
        got = _values(out)
        assert got.keys() == demo_values.keys()
        for k, v in demo_values.items():
            assert got[k] == pytest.approx(v, nan_ok=True), k


def test_population_raster_places_the_people(analysed, tmp_path):
    """--population-raster: each unit's people on the raster's cells changes coverage, and the
    run names the raster it read; a raster given without the other inputs is refused."""
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    d = demo_paths()
    units = gpd.read_file(d.boundaries, layer="units").to_crs(4326)
    x0, y0, x1, y1 = units.total_bounds
    size = 0.001
    ny, nx = int((y1 - y0) / size) + 2, int((x1 - x0) / size) + 2
    # people only on every fourth column of cells: each unit's elderly sit on a few north-south
    # lines instead of along all its streets
    values = np.zeros((ny, nx), dtype="float32")
    values[:, ::4] = 10.0
    path = tmp_path / "pop.tif"
    with rasterio.open(path, "w", driver="GTiff", width=nx, height=ny, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(x0, y1, size, size)) as dst:
        dst.write(values, 1)
    r = run("analyse", "--boundaries", str(d.boundaries), "--facilities", str(d.facilities), "--network",
            str(d.network), "--population-raster", str(path), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "pop.tif" in r.stderr
    assert _values(tmp_path / "o") != _values(analysed[0])
    alone = run("analyse", "--population-raster", str(path), "--out", str(tmp_path / "x"), "-q")
    assert alone.returncode == 2 and "--boundaries" in alone.stderr

"""Upload safety (planner.io.uploads): names, types, sizes, zip archives, last good state."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from planner._errors import InputError
from planner.io.uploads import (
    MAX_BYTES,
    check_upload,
    check_zip,
    safe_filename,
    save_upload,
    save_uploads,
    try_load,
)

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("raw, safe", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\张三\\社区边界.zip", "社区边界.zip"),
    ("/abs/path/设施.csv", "设施.csv"),
    ("bad\x00name.csv", "bad_name.csv"),
    (".hidden.csv", "hidden.csv"),
])
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize("raw", ["..", "/", "", "dir/"])
def test_unusable_names(raw):
    with pytest.raises(InputError, match="unusable file name"):
        safe_filename(raw)


def test_check_upload_types_and_sizes():
    assert check_upload("设施.csv", 10, "facilities") == "设施.csv"
    assert check_upload("hebei-latest.osm.pbf", 10, "network") == "hebei-latest.osm.pbf"
    with pytest.raises(InputError, match="not accepted here"):
        check_upload("边界.kml", 10, "boundaries")
    with pytest.raises(InputError, match="convert KML/DWG"):
        check_upload("边界.dwg", 10, "boundaries")
    with pytest.raises(InputError, match="not accepted here"):
        check_upload("run.py", 10, "facilities")
    with pytest.raises(InputError, match="empty"):
        check_upload("a.csv", 0, "facilities")
    with pytest.raises(InputError, match="too large"):
        check_upload("a.csv", MAX_BYTES["facilities"] + 1, "facilities")
    with pytest.raises(InputError, match="unknown upload kind"):
        check_upload("a.csv", 1, "pictures")


@pytest.mark.parametrize("name, head", [
    ("units.gpkg", b"PK\x03\x04 not sqlite"),
    ("units.zip", b"SQLite format 3\x00"),
    ("a.xlsx", b"id,name\n1,x"),
    ("net.osm.pbf", b"<?xml version='1.0'?><osm>"),
    ("units.geojson", b"MZ\x90\x00 a windows program"),
    ("a.csv", b"\x7fELF\x02\x01\x01"),
])
def test_content_must_match_the_suffix(name, head):
    kind = "network" if name.endswith("pbf") else ("facilities" if name.endswith(("csv", "xlsx")) else "boundaries")
    with pytest.raises(InputError, match="not a|program"):
        check_upload(name, len(head), kind, head=head)


def test_check_zip_accepts_a_shapefile_zip_and_ignores_clutter():
    data = _zip({"边界/units.shp": b"x", "边界/units.shx": b"x", "边界/units.dbf": b"x",
                 "边界/units.prj": b"x", "__MACOSX/._units.shp": b"x", "边界/readme.txt": b"x"})
    assert sorted(check_zip(data)) == ["边界/readme.txt", "边界/units.dbf", "边界/units.prj",
                                       "边界/units.shp", "边界/units.shx"]


@pytest.mark.parametrize("members, match", [
    ({"../../evil.geojson": b"{}"}, "unsafe path"),
    ({"/etc/cron.d/x.shp": b"x"}, "unsafe path"),
    ({"C:/x.shp": b"x"}, "unsafe path"),
    ({"units.shp": b"x", "inner.zip": b"PK"}, "archive or a program"),
    ({"units.shp": b"x", "setup.exe": b"MZ"}, "archive or a program"),
    ({"units.shp": b"x", "photo.jpg": b"x"}, "not an expected file type"),
])
def test_check_zip_refuses(members, match):
    with pytest.raises(InputError, match=match):
        check_zip(_zip(members))


def test_zip_bomb_is_refused_from_headers_without_unpacking():
    bomb = (BAD / "b14_zip_bomb.zip").read_bytes()
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="decompression bomb"):
        check_zip(bomb)
    # a total size limit catches many moderately compressed members too
    with pytest.raises(InputError, match="more than"):
        check_zip(_zip({f"part{i}.csv": bytes(2_000_000) for i in range(3)}), max_total=5_000_000)


def test_not_a_zip():
    with pytest.raises(InputError, match="not a valid zip"):
        check_zip(b"PK\x03\x04 broken")


def test_save_upload_writes_only_inside_the_folder(tmp_path):
    dest = tmp_path / "session"
    p = save_upload("../../../设施.csv", b"id,name\n1,x\n", "facilities", dest)
    assert p == dest / "设施.csv" and p.read_bytes() == b"id,name\n1,x\n"
    assert sorted(x.name for x in tmp_path.rglob("*") if x.is_file()) == ["设施.csv"]
    with pytest.raises(InputError, match="unsafe path") as err:
        save_upload("units.zip", (BAD / "b13_path_traversal.zip").read_bytes(), "boundaries", dest)
    assert "units.zip" in str(err.value)  # the planner's file is named, not "upload.zip"
    assert not (dest / "units.zip").exists()  # nothing left behind
    with pytest.raises(InputError, match="decompression bomb") as err:
        save_upload("村界_bomb.zip", (BAD / "b14_zip_bomb.zip").read_bytes(), "boundaries", dest)
    assert "村界_bomb.zip" in str(err.value)
    big = io.BytesIO(bytes(MAX_BYTES["profile"] + 10))
    with pytest.raises(InputError, match="too large"):
        save_upload("p.toml", big, "profile", dest)


def test_save_uploads_of_a_shapefile(tmp_path):
    parts = [(p.name, p.read_bytes()) for p in sorted(BAD.glob("b06_gbk_no_cpg.*"))]
    main = save_uploads(parts, "boundaries", tmp_path)
    assert main.name == "b06_gbk_no_cpg.shp"
    from planner.io import read_boundaries

    assert "东门社区" in read_boundaries(main)["name"].tolist()
    with pytest.raises(InputError, match=r"\.dbf file is missing"):
        save_uploads([p for p in parts if not p[0].endswith(".dbf")], "boundaries", tmp_path / "b")
    with pytest.raises(InputError, match="one dataset at a time"):
        save_uploads([("a.csv", b"x"), ("b.csv", b"y")], "facilities", tmp_path / "c")


def test_try_load_keeps_the_last_good_state():
    from planner.io import read_facilities

    good = try_load(read_facilities, BAD / "f11_gbk_no_bom.csv")
    assert good.ok and good.error is None and len(good.value) == 12
    bad = try_load(read_facilities, BAD / "f01_lonlat_swapped.csv", previous=good.value)
    assert not bad.ok and bad.value is good.value
    assert "look swapped" in bad.error
    warned = try_load(read_facilities, BAD / "f05_merged_title_row.xlsx", previous=good.value)
    assert warned.ok and any("title" in w for w in warned.warnings)
    with pytest.raises(TypeError):  # programming errors are not hidden
        try_load(read_facilities, BAD / "f11_gbk_no_bom.csv", not_an_option=1)

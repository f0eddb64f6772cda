"""Peak memory of reading the largest inputs the limits let through (and of refusing bombs).

Each case is read in a fresh process; the figure is the peak resident set size
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) of that process minus its size
after importing ``planner.io`` (the libraries themselves are not the input's
cost), and, with ``--trace``, the peak of Python allocations (``tracemalloc``).

Usage::

    python tests/io/measure_memory.py [--mb 50] [--keep DIR] [--only csv,geojson,xlsx,bomb] [--trace]

The stated bound: reading any accepted input of up to 50 MB (the upload limit
of facilities and points; boundaries are measured at the same size) stays
under 1 GB above the baseline; a decompression bomb is refused before it is
expanded (a few MB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MB = 1024 * 1024
LON, LAT = 117.2, 29.3

CHILD = r"""
import json, resource, sys, time, tracemalloc, warnings
import planner.io as io
from planner.io.population import read_population
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
reader, path = sys.argv[1], sys.argv[2]
fn = {"facilities": io.read_facilities, "boundaries": io.read_boundaries,
      "population": read_population}[reader]
trace = len(sys.argv) > 3 and sys.argv[3] == "trace"
if trace:  # Python allocations too (slows pure-Python parsing several times)
    tracemalloc.start()
t = time.perf_counter()
outcome = "read"
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        n = len(fn(path))
    except io.read_layer.__globals__["InputError"] as exc:
        n, outcome = 0, f"refused: {exc.code}"
secs = time.perf_counter() - t
py_peak = tracemalloc.get_traced_memory()[1] if trace else float("nan")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": n, "outcome": outcome, "seconds": secs, "rss_mb": (peak - base) / 1024,
                  "python_peak_mb": py_peak / 1048576}))
"""


def make_csv(folder: Path, mb: float) -> Path:
    """Facilities CSV of about ``mb`` megabytes (Chinese names, 8 columns)."""
    p = folder / "facilities.csv"
    rng = np.random.default_rng(0)
    head = "编号,名称,类型,经度,纬度,床位数,状态,地址\n"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(head)
        size, i = len(head.encode()), 0
        while size < mb * MB - 200:
            lon, lat = LON + rng.uniform(-0.2, 0.2), LAT + rng.uniform(-0.2, 0.2)
            line = f"F{i:07d},东门社区日间照料中心{i},日间照料中心,{lon:.6f},{lat:.6f},{i % 50},现有,城东街道{i}号\n"
            fh.write(line)
            size += len(line.encode())
            i += 1
    return p


def make_geojson(folder: Path, mb: float) -> Path:
    """Boundaries GeoJSON of about ``mb`` megabytes: squares with 200-vertex rings."""
    p = folder / "boundaries.geojson"
    side = 0.001
    with open(p, "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        size, i = 0, 0
        t = np.linspace(0, 2 * np.pi, 200)
        while size < mb * MB - 1000:
            cx, cy = LON + (i % 300) * side * 2, LAT + (i // 300) * side * 2
            ring = [[round(cx + side * np.cos(a), 7), round(cy + side * np.sin(a), 7)] for a in t]
            ring.append(ring[0])
            feat = {"type": "Feature", "properties": {"code": f"{360999000000 + i}", "name": f"村{i}", "kind": "行政村",
                                                      "population": 1000, "pop60": 200},
                    "geometry": {"type": "Polygon", "coordinates": [ring]}}
            text = ("," if i else "") + json.dumps(feat, ensure_ascii=False) + "\n"
            fh.write(text)
            size += len(text.encode())
            i += 1
        fh.write("]}\n")
    return p


def make_xlsx(folder: Path, sheet_mb: float) -> Path:
    """An .xlsx whose sheet XML is about ``sheet_mb`` megabytes uncompressed (facilities)."""
    import openpyxl

    small = folder / "_small.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["x"])
    wb.save(small)
    p = folder / "facilities.xlsx"
    rng = np.random.default_rng(1)
    heads = ["编号", "名称", "类型", "经度", "纬度", "床位数"]

    def cell(ref: str, v: object) -> str:
        if isinstance(v, str):
            return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
        return f'<c r="{ref}"><v>{v}</v></c>'

    with zipfile.ZipFile(small) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            row = '<row r="1">' + "".join(cell(f"{'ABCDEF'[j]}1", h) for j, h in enumerate(heads)) + "</row>"
            fh.write(row.encode())
            size, r = len(row), 2
            while size < sheet_mb * MB:
                vals = [f"F{r:07d}", f"设施{r}", "日间照料中心", round(LON + rng.uniform(-0.2, 0.2), 6),
                        round(LAT + rng.uniform(-0.2, 0.2), 6), int(rng.integers(0, 80))]
                row = f'<row r="{r}">' + "".join(cell(f"{'ABCDEF'[j]}{r}", v) for j, v in enumerate(vals)) + "</row>"
                data = row.encode()
                fh.write(data)
                size += len(data)
                r += 1
            fh.write(b"</sheetData></worksheet>")
    return p


def make_bomb(folder: Path, mb: int = 2048) -> Path:
    """A 2 MB-ish .xlsx whose sheet expands to ``mb`` megabytes of spaces."""
    p = folder / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b" " * MB
            for _ in range(mb):
                fh.write(chunk)
    return p


def run(reader: str, path: Path, trace: bool = False) -> dict:
    cmd = [sys.executable, "-c", CHILD, reader, str(path)] + (["trace"] if trace else [])
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return {"error": res.stderr[-500:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="size of the text inputs (MB)")
    ap.add_argument("--keep", type=Path, default=None, help="write the inputs here and keep them")
    ap.add_argument("--only", default="csv,geojson,xlsx,bomb", help="cases to run (comma-separated)")
    ap.add_argument("--trace", action="store_true", help="also trace Python allocations (much slower)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="planner-mem-"))
    folder.mkdir(parents=True, exist_ok=True)
    from planner.io.files import XLSX_MAX_TOTAL

    makers = {
        "csv": lambda: ("facilities", make_csv(folder, args.mb), f"CSV facilities, {args.mb:.0f} MB"),
        "geojson": lambda: ("boundaries", make_geojson(folder, args.mb), f"GeoJSON boundaries, {args.mb:.0f} MB"),
        "xlsx": lambda: ("facilities", make_xlsx(folder, XLSX_MAX_TOTAL / MB * 0.95),
                         "XLSX facilities at the expansion limit"),
        "bomb": lambda: ("facilities", make_bomb(folder), "XLSX bomb expanding to 2 GB"),
    }
    cases = [makers[k]() for k in makers if k in only]
    print(f"{'input':<42} {'file MB':>8} {'rows':>9} {'outcome':<22} {'s':>6} {'RSS+ MB':>8} {'py MB':>7}")
    for reader, path, label in cases:
        r = run(reader, path, args.trace)
        size = path.stat().st_size / MB
        if "error" in r:
            print(f"{label:<42} {size:8.1f}  FAILED {r['error']}")
            continue
        print(f"{label:<42} {size:8.1f} {r['rows']:9d} {r['outcome']:<22} {r['seconds']:6.1f} "
              f"{r['rss_mb']:8.0f} {r['python_peak_mb']:7.0f}")


if __name__ == "__main__":
    main()

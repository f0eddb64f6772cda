"""The validation report: every problem of the inputs, before any analysis.

:func:`validate_inputs` reads the boundaries, facilities (and points) and the
walking network with the :mod:`planner.io.readers` / :mod:`planner.engine.network` readers,
collects what they refuse (fatal errors) and what they repair or warn about,
and adds the checks that need several inputs together:

* facilities (points) and communities/villages far from any walkable street;
* GCJ-02 (Amap/Tencent) or BD-09 (Baidu) coordinates used as WGS-84: the
  points sit a consistent few hundred metres off the streets, and converting
  them puts them back on the streets;
* boundaries that overlap each other;
* facilities outside the study area;
* duplicate facilities (same type within 10 m, or same name and type), with
  the opt-in repair :func:`merge_duplicates`;
* a network that does not cover the study area at all (fatal).

Every problem is an :class:`Issue` naming the file, the rows/features
(1-based), the problem in Chinese and English and the fix.  Nothing is ever
written to the inputs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner._errors import InputError, NetworkError, PlannerError, PlannerWarning

__all__ = [
    "DUPLICATE_DISTANCE",
    "MODEL_REPORTED",
    "Issue",
    "ValidationReport",
    "find_duplicates",
    "merge_duplicates",
    "validate_inputs",
]

SEVERITIES = ("error", "warning", "repaired")
DUPLICATE_DISTANCE = 10.0  # metres: same-type facilities closer than this are one facility
OVERLAP_SHARE = 0.01  # overlap above 1 % of the smaller unit is reported
OFFSET_BEFORE = 150.0  # median metres to the street that makes a datum shift suspect ...
OFFSET_AFTER = 50.0  # ... when the converted points sit within this of the streets
_MIN_OFFSET_POINTS = 3
_MAX_LISTED = 10

MODEL_REPORTED = ("facility_far", "unit_no_street", "unit_far")
"""Issue codes that :func:`planner.engine.model.build_model` also reports in ``Model.warnings``."""


@dataclass(frozen=True)
class Issue:
    """One problem found in the inputs.

    Attributes
    ----------
    file : str
        The file's name (or ``'boundaries'``... for data passed in memory).
    severity : {'error', 'warning', 'repaired'}
        ``error`` stops the analysis; ``warning`` is carried into the
        reports; ``repaired`` says what was fixed automatically.
    rows : tuple of int
        1-based rows (tables, counted below the header) or features (layers).
    message_zh, message_en : str
        The problem.
    fix : str
        What to do about it.
    code : str
        A stable short name of the check (e.g. ``'gcj02_suspected'``).
    error : PlannerError, optional
        The exception behind an ``error`` issue.
    """

    file: str
    severity: str
    rows: tuple[int, ...]
    message_zh: str
    message_en: str
    fix: str = ""
    code: str = ""
    error: PlannerError | None = field(default=None, compare=False, repr=False)

    def message(self, lang: str = "zh") -> str:
        """The problem in ``lang``."""
        return self.message_zh if lang == "zh" else self.message_en

    def fix_text(self, lang: str = "zh") -> str:
        """What to do about it, in ``lang`` (Chinese where the check has a translation)."""
        if lang == "zh" and self.fix:
            return _FIX_ZH.get(self.code, self.fix)
        return self.fix

    def text(self, lang: str = "zh") -> str:
        """``file: problem — fix`` in one line."""
        out = f"{self.file}: {self.message(lang)}"
        fix = self.fix_text(lang)
        if fix:
            out += f" — {fix}"
        return out


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """All problems of one set of inputs, and the inputs as loaded.

    Attributes
    ----------
    issues : tuple of Issue
    units, facilities, points : GeoDataFrame or None
        As read (EPSG:4326), ``None`` when missing or unreadable.
    network : WalkNetwork or None
    """

    issues: tuple[Issue, ...]
    units: gpd.GeoDataFrame | None = None
    facilities: gpd.GeoDataFrame | None = None
    network: Any = None
    points: gpd.GeoDataFrame | None = None

    @property
    def fatal(self) -> tuple[Issue, ...]:
        """The issues that stop the analysis."""
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def ok(self) -> bool:
        """True when nothing is fatal."""
        return not self.fatal

    def codes(self) -> list[str]:
        """The codes of all issues, in order."""
        return [i.code for i in self.issues]

    def raise_if_fatal(self) -> None:
        """Raise the fatal problem(s) as a :class:`PlannerError`.

        One fatal problem re-raises its original exception (class, message,
        hint and file intact); several are joined into one error of the first
        one's class, each on its own line.
        """
        fatal = self.fatal
        if not fatal:
            return
        first = fatal[0].error or InputError(fatal[0].message_en, hint=fatal[0].fix, path=fatal[0].file)
        if len(fatal) == 1:
            raise first
        lines = "\n".join(f"  - {i.text('en')}" for i in fatal)
        raise type(first)(f"{len(fatal)} problems in the inputs:\n{lines}",
                          hint="fix them and run again (planner validate lists every problem)")

    def warning_texts(self, lang: str = "en", *, exclude: Sequence[str] = ()) -> list[str]:
        """Warnings and repairs as one line each (for ``summary.json`` and reports)."""
        return [i.text(lang) for i in self.issues
                if i.severity != "error" and i.code not in exclude]

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per issue: file, severity, rows, message, fix, code."""
        return pd.DataFrame({
            "file": [i.file for i in self.issues],
            "severity": [i.severity for i in self.issues],
            "rows": [", ".join(str(r) for r in i.rows) for i in self.issues],
            "message": [i.message(lang) for i in self.issues],
            "fix": [i.fix_text(lang) for i in self.issues],
            "code": [i.code for i in self.issues],
        }, columns=["file", "severity", "rows", "message", "fix", "code"])

    def to_text(self, lang: str = "zh") -> str:
        """The report as plain text, errors first."""
        if not self.issues:
            return "输入检查通过，未发现问题。" if lang == "zh" else "No problems found in the inputs."
        labels = {"error": ("错误", "ERROR"), "warning": ("警告", "warning"),
                  "repaired": ("已修复", "repaired")}
        order = sorted(self.issues, key=lambda i: SEVERITIES.index(i.severity))
        head = (f"输入检查：{len(self.fatal)} 个错误，{len(self.issues) - len(self.fatal)} 个警告/修复"
                if lang == "zh" else
                f"Input check: {len(self.fatal)} errors, {len(self.issues) - len(self.fatal)} warnings/repairs")
        lines = [head]
        for i in order:
            tag = labels[i.severity][0 if lang == "zh" else 1]
            lines.append(f"[{tag}] {i.text(lang)}")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# what to do, in Chinese, for the checks of this module (by Issue.code)

_FIX_ZH: dict[str, str] = {
    "gcj02_suspected": "按GCJ-02换算：命令行加 --coord-system gcj02，或在应用中选择“GCJ-02(高德、腾讯)”",
    "bd09_suspected": "按BD-09换算：命令行加 --coord-system bd09，或在应用中选择“BD-09(百度)”",
    "facility_far": "核对这些点的坐标(坐标系是否正确？)，或在路网中补充缺失的道路",
    "point_far": "核对这些点的坐标(坐标系是否正确？)，或在路网中补充缺失的道路",
    "unit_far": "核对路网是否覆盖这些单元(OpenStreetMap可能缺少村内道路：可在JOSM中补绘，或提供本地道路图层)",
    "unit_no_street": "在路网中补充缺失的道路，或提供建筑点位",
    "overlap": "在QGIS中清理边界(矢量 > 几何工具 > 检查有效性 / 拓扑检查器)",
    "outside_area": "核对其坐标；如为邻县设施且不需要，可删除",
    "duplicate": "从文件中删除重复项，或用 planner analyse --merge-duplicates 合并(记为已修复)",
}


# --------------------------------------------------------------------------
# messages of the readers, in Chinese

_ZH_PATTERNS: list[tuple[str, str]] = [
    (r"repaired invalid polygons", "已修复无效多边形(自相交等)，请在QGIS中核对"),
    (r"polygon rings that do not close", "多边形边界首尾不闭合，已自动闭合，请核对"),
    (r"are not 12 digits", "区划代码不是12位数字，请检查该列是否被截断或四舍五入"),
    (r"inferred the unit kind", "根据名称(…社区/…村)或区划代码推断了单元类型；可增加“类型”列明确指定"),
    (r"has \d+ layers", "文件包含多个图层，已读取第一个；可指定图层名"),
    (r"could not be decoded as UTF-8, GBK", "文本属性无法按UTF-8/GBK解码，可能乱码；请添加.cpg文件或指定编码"),
    (r"look like a title", "表格前几行像标题(合并单元格)，已使用其下一行作为表头"),
    (r"the file says", "文件自带坐标系与指定的不同，已按指定坐标系处理"),
    (r"look swapped", "经度和纬度疑似颠倒"),
    (r"out of range", "坐标超出范围(经度-180~180，纬度-90~90)"),
    (r"non-numeric longitude/latitude", "经纬度缺失或不是数字"),
    (r"has addresses .* but no longitude", "只有地址，没有经纬度，请先进行地址解析(地理编码)"),
    (r"no column for", "缺少必需的列"),
    (r"has no coordinate system", "缺少坐标系(.prj文件？)，请指定坐标系"),
    (r"coordinates look projected", "坐标像是投影坐标(米)，但坐标系是经纬度，请指定正确的投影坐标系"),
    (r"exceeds the\s+total population", "60岁以上人口大于总人口"),
    (r"is missing or not a number", "数值缺失或不是数字"),
    (r"is negative", "数值为负"),
    (r"duplicate ids", "编号重复"),
    (r"unknown facility types", "设施类型无法识别"),
    (r"unknown status", "状态无法识别"),
    (r"unknown unit kind", "单元类型无法识别"),
    (r"must be polygons", "边界必须是面(多边形)图层"),
    (r"expected points", "设施必须是点图层"),
    (r"could not be repaired", "无效多边形无法自动修复"),
    (r"contains no (features|rows)", "文件中没有数据"),
    (r"empty \(0 bytes\)|file is empty", "文件为空(0字节)"),
    (r"unsupported( network)? file type", "不支持的文件类型"),
    (r"file not found", "文件不存在"),
    (r"unsafe path", "压缩包内文件路径不安全(含“..”或绝对路径)"),
    (r"decompression bomb", "压缩包疑似压缩炸弹(解压后过大)"),
    (r"not a valid zip", "不是有效的zip压缩包"),
    (r"not a valid OSM XML", "不是有效的OSM XML文件"),
    (r"could not read the \.osm\.pbf", "无法读取.osm.pbf文件"),
    (r"could not read the GraphML", "无法读取GraphML文件"),
    (r"no walkable", "文件中没有可步行道路"),
    (r"could not be (read|opened) as a GIS layer", "无法作为GIS图层读取"),
    (r"could not be read as (CSV|an Excel)", "无法读取表格"),
    (r"neither UTF-8 nor GBK", "文本编码既不是UTF-8也不是GBK"),
]


def _zh(message: str) -> str:
    for pattern, zh in _ZH_PATTERNS:
        if re.search(pattern, message):
            return f"{zh}（{message}）"
    return message


def _rows_in(message: str) -> tuple[int, ...]:
    """1-based rows/features listed in a reader's message ('at rows 2, 5 (and 3 more)')."""
    m = re.search(r"\b(?:rows?|features?) (\d+(?:, \d+)*)", message)
    if not m:
        return ()
    return tuple(int(x) for x in m.group(1).split(", "))


def _listed(rows: Sequence[int]) -> str:
    rows = [int(r) for r in rows]
    more = f" (+{len(rows) - _MAX_LISTED})" if len(rows) > _MAX_LISTED else ""
    return ", ".join(str(r) for r in rows[:_MAX_LISTED]) + more


# --------------------------------------------------------------------------
# reading with every problem collected


def _file_name(source: Any, default: str) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name
    return default


def _read(kind: str, reader: Callable[..., Any], source: Any, issues: list[Issue], **kwargs: Any):
    """Run a reader; record its error or warnings as issues. Returns the data or None."""
    name = _file_name(source, kind)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlannerWarning)
        try:
            data = reader(source, **kwargs)
        except PlannerError as exc:
            data = None
            issues.append(_error_issue(exc, name, kind))
        except Exception as exc:  # a reader bug must still end in a clear message
            data = None
            err = (NetworkError if kind == "network" else InputError)(
                f"could not be read ({type(exc).__name__}: {exc})",
                hint="check the file opens in QGIS/JOSM; report this file to the developers",
                path=name)
            issues.append(_error_issue(err, name, kind))
    for w in caught:
        if not issubclass(w.category, PlannerWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            continue
        text = str(w.message)
        body = text[len(name) + 2:] if text.startswith(name + ": ") else text
        severity = "repaired" if re.search(r"\b(repaired|were closed)\b", body) else "warning"
        issues.append(Issue(name, severity, _rows_in(body), _zh(body), body,
                            fix="", code=f"{kind}_read"))
    return data


_DEFAULT_FIX = {
    "boundaries": "export the boundary layer again as GeoPackage or zipped Shapefile",
    "facilities": "export the facility table again (CSV UTF-8 or XLSX with 经度/纬度 columns)",
    "points": "export the points again (CSV UTF-8 or XLSX with 经度/纬度 columns)",
    "network": "export the walking network again (.osm.pbf from Geofabrik/BBBike, .osm from "
               "JOSM/Overpass, or .graphml saved by osmnx)",
}


def _error_issue(exc: PlannerError, name: str, kind: str) -> Issue:
    return Issue(Path(exc.path).name if exc.path else name, "error", _rows_in(exc.message),
                 _zh(exc.message), exc.message, exc.hint or _DEFAULT_FIX.get(kind, ""),
                 code=f"{kind}_error", error=exc)


# --------------------------------------------------------------------------
# checks that need several inputs


def _metric(gdf: gpd.GeoDataFrame, net) -> gpd.GeoDataFrame:
    if net is not None:
        return gdf.to_crs(net.crs)
    from planner.io.crs import local_metric_crs_for

    return gdf.to_crs(local_metric_crs_for(gdf))


def _access(net, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    from planner.engine.travel import snap_points

    x, y = net.project(lon, lat)
    return snap_points(net, x, y).access


def _check_offset(net, pts: gpd.GeoDataFrame, name: str, coord_system: str) -> Issue | None:
    """GCJ-02 / BD-09 coordinates read as WGS-84: converting them puts them on the streets."""
    from planner.io import crs as _crs

    if len(pts) < _MIN_OFFSET_POINTS or coord_system not in ("wgs84", "cgcs2000"):
        return None
    lon, lat = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    before = float(np.median(_access(net, lon, lat)))
    if before <= OFFSET_BEFORE:
        return None
    best = None
    for system, convert in (("gcj02", _crs.gcj02_to_wgs84), ("bd09", _crs.bd09_to_wgs84)):
        clon, clat = convert(lon, lat)
        after = float(np.median(_access(net, np.asarray(clon), np.asarray(clat))))
        if after < OFFSET_AFTER and after < before / 3 and (best is None or after < best[1]):
            x0, y0 = net.project(lon, lat)
            x1, y1 = net.project(np.asarray(clon), np.asarray(clat))
            shift = np.hypot(x1 - x0, y1 - y0)
            best = (system, after, float(np.percentile(shift, 10)), float(np.percentile(shift, 90)))
    if best is None:
        return None
    system, after, lo, hi = best
    label = {"gcj02": ("GCJ-02(高德/腾讯坐标)", "GCJ-02 (Amap/Tencent)"),
             "bd09": ("BD-09(百度坐标)", "BD-09 (Baidu)")}[system]
    return Issue(
        name, "warning", (),
        f"疑似{label[0]}：各点一致地偏离道路约{lo:,.0f}–{hi:,.0f}米(到道路距离中位数{before:,.0f}米；"
        f"按{system}换算后为{after:,.0f}米)",
        f"{label[1]} suspected: the points sit a consistent {lo:,.0f}–{hi:,.0f} m off the streets "
        f"(median {before:,.0f} m from a street; {after:,.0f} m once converted from {system})",
        fix=f"pass coord_system='{system}' (command line: --coord-system {system})",
        code=f"{system}_suspected",
    )


def _check_points_far(net, pts: gpd.GeoDataFrame, name: str, max_snap: float, what: str) -> Issue | None:
    access = _access(net, pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    far = np.flatnonzero(access > max_snap)
    if far.size == 0:
        return None
    rows = tuple(int(r) + 1 for r in far)
    names = pts["name"].iloc[far].astype(str).tolist() if "name" in pts else []
    shown = ("：" + "、".join(names[:_MAX_LISTED])) if names else ""
    shown_en = (": " + ", ".join(names[:_MAX_LISTED])) if names else ""
    zh_what = {"facilities": "个设施", "points": "个点"}[what]
    return Issue(
        name, "warning", rows,
        f"第 {_listed(rows)} 行：{far.size}{zh_what}距最近可步行道路超过{max_snap:,.0f}米"
        f"(最远{access[far].max():,.0f}米)，步行从最近道路起算并标记{shown}",
        f"rows {_listed(rows)}: {far.size} {what} are more than {max_snap:,.0f} m from any walkable "
        f"street (up to {access[far].max():,.0f} m): their walk starts at the nearest street and "
        f"they are marked{shown_en}",
        fix="check their coordinates (coordinate system?) or add the missing paths to the network",
        code="facility_far" if what == "facilities" else "point_far",
    )


def _check_unit_streets(net, units: gpd.GeoDataFrame, name: str, max_snap: float) -> list[Issue]:
    """Units without a street inside, or without one within ``max_snap``; fatal if none has any."""
    geoms = units.to_crs(net.crs).geometry.to_numpy()
    tree = net.tree
    inside = np.zeros(len(geoms), dtype=bool)
    hit, _ = tree.query(geoms, predicate="intersects")
    inside[hit] = True
    near = np.zeros(len(geoms), dtype=bool)
    hit, _ = tree.query(geoms, predicate="dwithin", distance=max_snap)
    near[hit] = True
    out: list[Issue] = []
    if not near.any():
        err = NetworkError(
            f"the walking network does not reach the study area (no street within {max_snap:,.0f} m "
            "of any community/village)", path=Path(str(net.report.source)).name,
            hint="use a network extract that covers the county (and boundaries in the right "
            "coordinate system)")
        out.append(Issue(err.path, "error", (), "步行路网未覆盖研究区(所有社区/行政村300米内均无道路)",
                         err.message, err.hint, code="network_elsewhere", error=err))
        return out
    kinds = {"community": ("社区", "communities"), "village": ("行政村", "villages")}

    def label(idx):
        k = units["kind"].iloc[idx].value_counts()
        zh = "、".join(f"{n}个{kinds.get(kd, (kd, kd))[0]}" for kd, n in k.items())
        en = ", ".join(f"{n} {kinds.get(kd, (kd, kd + 's'))[1]}" for kd, n in k.items())
        names = units["name"].iloc[idx].astype(str).tolist()[:_MAX_LISTED]
        return zh, en, names

    far = np.flatnonzero(~near)
    if far.size:
        zh, en, names = label(far)
        rows = tuple(int(r) + 1 for r in far)
        out.append(Issue(
            name, "warning", rows,
            f"{zh}在{max_snap:,.0f}米内没有可步行道路：其覆盖按最近道路计算并标记(" + "、".join(names) + ")",
            f"{en} have no walkable street within {max_snap:,.0f} m: their coverage is computed from "
            f"the nearest street and marked ({', '.join(names)})",
            fix="check the network covers them (OpenStreetMap may lack village lanes; add them in "
            "JOSM or supply a local road layer)", code="unit_far"))
    lone = np.flatnonzero(near & ~inside)
    if lone.size:
        zh, en, names = label(lone)
        rows = tuple(int(r) + 1 for r in lone)
        out.append(Issue(
            name, "warning", rows,
            f"{zh}内部没有可步行道路：人口置于内部一点并从最近道路起算(" + "、".join(names) + ")",
            f"{en} have no walkable street inside: their population is placed at one interior "
            f"point and walked from the nearest street ({', '.join(names)})",
            fix="add the missing lanes to the network, or supply building points",
            code="unit_no_street"))
    return out


def _check_overlaps(units: gpd.GeoDataFrame, metric: gpd.GeoDataFrame, name: str) -> Issue | None:
    geoms = metric.geometry.to_numpy()
    left, right = metric.sindex.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if left.size == 0:
        return None
    inter = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    bad = inter > OVERLAP_SHARE * smaller
    if not bad.any():
        return None
    pairs = list(zip(left[bad].tolist(), right[bad].tolist(), (inter[bad] / smaller[bad]).tolist(),
                     strict=True))
    nm = units["name"].astype(str).tolist()
    txt_zh = "；".join(f"{nm[a]}与{nm[b]}重叠{s:.0%}" for a, b, s in pairs[:_MAX_LISTED])
    txt_en = "; ".join(f"{nm[a]} / {nm[b]} {s:.0%}" for a, b, s in pairs[:_MAX_LISTED])
    rows = tuple(sorted({a + 1 for a, _, _ in pairs} | {b + 1 for _, b, _ in pairs}))
    return Issue(
        name, "warning", rows,
        f"{len(pairs)}对边界相互重叠(超过较小者面积的1%)：{txt_zh}。重叠区的人口会被重复计算",
        f"{len(pairs)} pairs of boundaries overlap (by more than 1 % of the smaller one): {txt_en}. "
        "Population in the overlap is counted twice",
        fix="clean the boundaries in QGIS (Vector > Geometry Tools > Check Validity / Topology Checker)",
        code="overlap")


def _check_outside(units_metric: gpd.GeoDataFrame, fac_metric: gpd.GeoDataFrame, name: str) -> Issue | None:
    area = shapely.union_all(units_metric.geometry.to_numpy())
    pts = fac_metric.geometry.to_numpy()
    dist = shapely.distance(area, pts)
    out = np.flatnonzero(dist > 0)
    if out.size == 0:
        return None
    rows = tuple(int(r) + 1 for r in out)
    return Issue(
        name, "warning", rows,
        f"第 {_listed(rows)} 行：{out.size}个设施位于研究区(所有社区/行政村)之外(最远{dist[out].max():,.0f}米)；"
        "它们仍为步行可达的单元服务",
        f"rows {_listed(rows)}: {out.size} facilities lie outside the study area (up to "
        f"{dist[out].max():,.0f} m beyond any community/village); they still serve units within "
        "walking distance",
        fix="check their coordinates, or remove facilities of neighbouring counties if unwanted",
        code="outside_area")


def find_duplicates(facilities: gpd.GeoDataFrame, *, distance: float = DUPLICATE_DISTANCE) -> list[list[int]]:
    """Groups of duplicate facilities (0-based positions, each group sorted).

    Two facilities are duplicates when they have the same type and lie within
    ``distance`` metres, or have the same type and the same name (ignoring
    spaces and full-/half-width differences).

    Parameters
    ----------
    facilities : GeoDataFrame
        As read by :func:`planner.io.readers.read_facilities`.
    distance : float
        Metres.

    Returns
    -------
    list of list of int
        Groups of two or more, in order of their first member.
    """
    from planner.io.readers import normalise_column_name

    n = len(facilities)
    if n < 2:
        return []
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    types = facilities["type"].astype(str).to_numpy()
    metric = _metric(facilities, None)
    geoms = metric.geometry.to_numpy()
    left, right = metric.sindex.query(geoms, predicate="dwithin", distance=distance)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a < b and types[a] == types[b]:
            union(a, b)
    keys = [(types[i], normalise_column_name(v)) for i, v in enumerate(facilities["name"].tolist())]
    first: dict[tuple[str, str], int] = {}
    for i, k in enumerate(keys):
        if k[1] in ("", "nan", "none"):
            continue
        if k in first:
            union(first[k], i)
        else:
            first[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def _check_duplicates(facilities: gpd.GeoDataFrame, name: str) -> Issue | None:
    groups = find_duplicates(facilities)
    if not groups:
        return None
    ids = facilities["facility_id"].astype(str).tolist()
    txt = "; ".join("+".join(ids[i] for i in g) for g in groups[:_MAX_LISTED])
    rows = tuple(i + 1 for g in groups for i in g)
    return Issue(
        name, "warning", rows,
        f"{len(groups)}组设施疑似重复(同类型且相距{DUPLICATE_DISTANCE:g}米内，或同名同类型)：{txt}",
        f"{len(groups)} groups of facilities look duplicated (same type within "
        f"{DUPLICATE_DISTANCE:g} m, or same name and type): {txt}",
        fix="delete the duplicates from the file, or merge them with planner analyse "
        "--merge-duplicates (Python: planner.io.validate.merge_duplicates; listed as repaired)",
        code="duplicate")


def merge_duplicates(
    facilities: gpd.GeoDataFrame, *, distance: float = DUPLICATE_DISTANCE, file: str = "facilities"
) -> tuple[gpd.GeoDataFrame, tuple[Issue, ...]]:
    """Merge duplicate facilities (opt-in repair); the input is not modified.

    Each group of :func:`find_duplicates` becomes its first row; empty
    capacity and nursing beds are filled from the other members (not added:
    a duplicate lists the same places twice), and a ``merged_ids`` column
    names the ids merged into it.

    Parameters
    ----------
    facilities : GeoDataFrame
    distance : float
        Metres (see :func:`find_duplicates`).
    file : str
        File name for the issues.

    Returns
    -------
    merged : GeoDataFrame
        Index ``0..n-1``.
    issues : tuple of Issue
        One ``repaired`` issue per merged group.
    """
    groups = find_duplicates(facilities, distance=distance)
    out = facilities.copy()
    out["merged_ids"] = ""
    if not groups:
        return out.reset_index(drop=True), ()
    drop: list[int] = []
    issues = []
    ids = facilities["facility_id"].astype(str).tolist()
    for g in groups:
        keep, rest = g[0], g[1:]
        for col in ("capacity", "nursing_beds"):
            if col in out and pd.isna(out[col].iloc[keep]):
                vals = out[col].iloc[rest].dropna()
                if len(vals):
                    out.iloc[keep, out.columns.get_loc(col)] = vals.iloc[0]
        out.iloc[keep, out.columns.get_loc("merged_ids")] = ";".join(ids[i] for i in rest)
        drop.extend(rest)
        names = "+".join(ids[i] for i in g)
        issues.append(Issue(file, "repaired", tuple(i + 1 for i in g),
                            f"已合并重复设施 {names}，保留 {ids[keep]}",
                            f"merged duplicate facilities {names} into {ids[keep]}",
                            code="duplicate_merged"))
    out = out.drop(index=out.index[drop]).reset_index(drop=True)
    return out, tuple(issues)


# --------------------------------------------------------------------------
# the report


def validate_inputs(
    boundaries: Any = None,
    facilities: Any = None,
    network: Any = None,
    *,
    points: Any = None,
    coord_system: str = "wgs84",
    max_snap: float = 300.0,
    boundaries_layer: str | None = None,
    facilities_layer: str | None = None,
    crs: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Check every input and list every problem with its rows and fix.

    Parameters
    ----------
    boundaries, facilities, points : path or GeoDataFrame, optional
        Files (read with :mod:`planner.io.readers`) or frames already read.
    network : path or WalkNetwork, optional
        A network file (read with :func:`planner.engine.network.load_network`) or a
        loaded network.
    coord_system : str
        Datum of the facilities'/points' degrees (see
        :func:`planner.io.readers.read_facilities`).
    max_snap : float
        Metres from a street beyond which points and units are reported.
    boundaries_layer, facilities_layer : str, optional
        Layers inside GeoPackages.
    crs : str, optional
        Coordinate system for layers without one (e.g. ``'EPSG:4490'``).
    progress : callable, optional
        Called with a line of text before each slow step.

    Returns
    -------
    ValidationReport
        Never raises for a bad input: call
        :meth:`ValidationReport.raise_if_fatal` to stop on fatal problems.
    """
    from planner.engine.network import WalkNetwork, load_network
    from planner.io.readers import read_boundaries, read_facilities, read_points

    say = progress or (lambda _text: None)
    issues: list[Issue] = []
    units = fac = pts = net = None
    if boundaries is not None:
        say(f"boundaries: {boundaries if not isinstance(boundaries, gpd.GeoDataFrame) else 'data'}")
        units = boundaries if isinstance(boundaries, gpd.GeoDataFrame) else _read(
            "boundaries", read_boundaries, boundaries, issues, layer=boundaries_layer, crs=crs)
    if facilities is not None:
        say(f"facilities: {facilities if not isinstance(facilities, gpd.GeoDataFrame) else 'data'}")
        fac = facilities if isinstance(facilities, gpd.GeoDataFrame) else _read(
            "facilities", read_facilities, facilities, issues, layer=facilities_layer,
            coord_system=coord_system, crs=crs)
    if points is not None:
        pts = points if isinstance(points, gpd.GeoDataFrame) else _read(
            "points", read_points, points, issues, coord_system=coord_system, crs=crs)
    if network is not None:
        say(f"network: {network if not isinstance(network, WalkNetwork) else 'data'}")
        net = network if isinstance(network, WalkNetwork) else _read(
            "network", load_network, network, issues)

    bname = _file_name(boundaries, "boundaries")
    fname = _file_name(facilities, "facilities")
    pname = _file_name(points, "points")
    system = coord_system.strip().lower().replace("-", "").replace("_", "")
    checks: list[Issue | None] = []
    if net is not None:  # a datum shift first: it explains the far and outside points
        say("checking positions against the streets")
        for frame, nm, what in ((fac, fname, "facilities"), (pts, pname, "points")):
            if frame is not None and len(frame):
                checks.append(_check_offset(net, frame, nm, system))
                checks.append(_check_points_far(net, frame, nm, max_snap, what))
        if units is not None and len(units):
            checks.extend(_check_unit_streets(net, units, bname, max_snap))
    units_m = None
    if units is not None and len(units):
        units_m = _metric(units, net)
        checks.append(_check_overlaps(units, units_m, bname))
    if fac is not None and len(fac):
        checks.append(_check_duplicates(fac, fname))
        if units_m is not None:
            checks.append(_check_outside(units_m, _metric(fac, net), fname))
    issues.extend(i for i in checks if i is not None)
    return ValidationReport(tuple(issues), units=units, facilities=fac, network=net, points=pts)

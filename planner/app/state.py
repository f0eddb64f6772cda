"""Pure helpers behind the Streamlit app (``app.py``), testable without Streamlit.

The app keeps what a planner built as plain data (a list of edit dicts, the
settings, the loaded inputs) and asks this module for everything else: the
models after the edits (:class:`ModelChain`, a small prefix cache so adding a
facility is one bounded search and undo is free), what a map click means
(:func:`click_edit`), uploads read into a :class:`DataSet`, the text of the
interface in 简体中文 and English (:func:`tr`), and the download files.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner._errors import InputError, PlannerError
from planner.analysis.scenario import Edit, Scenario, apply_edit
from planner.io.readers import normalise_column_name
from planner.schema import FACILITY_COLUMNS, FACILITY_TYPES
from planner.text import t as i18n_t

# --- interface text ------------------------------------------------------------------------------

APP_TEXT: dict[str, tuple[str, str]] = {
    "title": ("养老服务设施步行覆盖规划", "Elderly-care facility walking-coverage planner"),
    "subtitle": ("按老年人步行速度在真实路网上计算5/10/15分钟服务范围，评估社区和行政村覆盖缺口，模拟新增设施。",
                 "Walking service areas on the street network at elderly walking speed, coverage gaps of "
                 "communities and villages, and what-if facility placement."),
    "demo_note": ("当前为内置示例县（合成数据，非真实）。", "Showing the built-in demo county (synthetic, not real data)."),
    "language": ("语言 / Language", "Language / 语言"),
    "settings": ("评估标准与参数", "Standards and settings"),
    "profile": ("标准方案", "Standards profile"),
    "speed": ("步行速度(米/秒)", "Walking speed (m/s)"),
    "speed_help": ("老年人步行速度，默认1.0米/秒", "Elderly walking speed, default 1.0 m/s"),
    "use_profile_minutes": ("使用标准中各类设施的服务时间", "Use the profile's catchment minutes"),
    "minutes": ("统一服务时间(分钟)", "Catchment (minutes, all targets)"),
    "implies": ("对应步行距离：{text}", "Implied walking distance: {text}"),
    "basemap": ("底图", "Basemap"),
    "tianditu_key": ("天地图密钥(tk)", "Tianditu key (tk)"),
    "tianditu_needs_key": ("天地图需要密钥，已改为无底图。", "Tianditu needs a key; showing no basemap."),
    "layers": ("地图图层", "Map layers"),
    "colour_by": ("单元着色依据", "Colour units by"),
    "colour_default": ("各类单元的主要指标", "Main target of each unit kind"),
    "service_types": ("显示服务范围的设施类型", "Show service areas of"),
    "service_minutes": ("服务范围(分钟)", "Service areas (minutes)"),
    "show_candidates": ("显示候选点位", "Show candidate sites"),
    "show_network": ("显示步行路网", "Show the walking network"),
    "targets": ("指标达标情况", "Targets"),
    "targets_caption": ("标准：{profile}；步行速度 {speed:g} 米/秒。括号内为相对现状的变化。",
                        "Profile: {profile}; walking speed {speed:g} m/s. Deltas are against the baseline."),
    "target_value": ("目标 {target}", "target {target}"),
    "changes": ("本方案相对现状的变化", "Change of this scenario against the baseline"),
    "no_changes": ("尚未修改设施：点击地图添加规划设施。", "No edits yet: click the map to add a planned facility."),
    "updated_in": ("更新用时 {sec:.2f} 秒", "updated in {sec:.2f} s"),
    "edit_panel": ("设施编辑", "Edit facilities"),
    "mode": ("点击地图时", "Map click"),
    "mode_select": ("选择设施", "Select a facility"),
    "mode_add": ("添加设施", "Add a facility"),
    "mode_move": ("移动所选设施", "Move the selected facility"),
    "ftype": ("设施类型", "Facility type"),
    "capacity": ("床位/名额", "Places/beds"),
    "fname": ("名称(可选)", "Name (optional)"),
    "add_hint": ("在地图上点击放置新的{type}。", "Click the map to place a new {type}."),
    "move_hint": ("在地图上点击{name}的新位置。", "Click the new place of {name} on the map."),
    "select_hint": ("点击地图上的设施符号以选择。", "Click a facility symbol on the map to select it."),
    "no_selection": ("未选择设施。", "No facility selected."),
    "selected": ("已选择", "Selected"),
    "remove": ("删除所选设施", "Remove the selected facility"),
    "promote": ("将候选点位设为规划", "Make this candidate planned"),
    "undo": ("撤销上一步", "Undo the last edit"),
    "reset": ("清除全部修改", "Clear all edits"),
    "by_coords": ("按坐标添加", "Add by coordinates"),
    "lon": ("经度(WGS-84)", "Longitude (WGS-84)"),
    "lat": ("纬度(WGS-84)", "Latitude (WGS-84)"),
    "add_here": ("添加", "Add"),
    "edits": ("修改记录", "Edits"),
    "edit_add": ("新增 {type}「{name}」", "added {type} “{name}”"),
    "edit_move": ("移动 {id}", "moved {id}"),
    "edit_remove": ("删除 {id}", "removed {id}"),
    "edit_status": ("{id} 状态改为 {status}", "{id} set to {status}"),
    "added_msg": ("已添加{type}。", "Added a {type}."),
    "edit_failed": ("无法完成修改：{msg}", "The edit could not be made: {msg}"),
    "far_warning": ("该位置距最近道路 {m:,.0f} 米，步行从最近道路起算。",
                    "This place is {m:,.0f} m from the nearest street; walks start from that street."),
    "tab_units": ("单元覆盖表", "Unit table"),
    "tab_scenarios": ("方案", "Scenarios"),
    "tab_data": ("使用自己的数据", "Your own data"),
    "tab_downloads": ("下载", "Downloads"),
    "gaps_only": ("仅显示存在缺口的单元", "Only units with a gap"),
    "scenario_name": ("方案名称", "Scenario name"),
    "default_scenario": ("方案1", "Scenario 1"),
    "keep_scenario": ("保存到本次会话的方案列表", "Keep in this session's scenario list"),
    "kept": ("已保存方案「{name}」。", "Kept scenario “{name}”."),
    "download_scenario": ("下载方案文件(.geojson)", "Download the scenario file (.geojson)"),
    "load_scenario": ("载入方案文件", "Load a scenario file"),
    "load": ("载入", "Load"),
    "loaded_scenario": ("已载入方案「{name}」（{n}项修改）。", "Loaded scenario “{name}” ({n} edits)."),
    "scenario_error": ("无法载入方案：{msg}。当前方案未改变。", "Could not load the scenario: {msg}. The current scenario is unchanged."),
    "compare": ("方案对比", "Compare scenarios"),
    "compare_pick": ("选择要对比的方案", "Scenarios to compare"),
    "baseline": ("现状", "Baseline"),
    "current": ("当前方案", "Current scenario"),
    "restore": ("恢复此方案", "Restore this scenario"),
    "data_intro": ("上传边界、设施和路网文件，未上传的部分沿用当前数据。读取失败时保留原有数据。",
                   "Upload boundaries, facilities and a network; what you do not upload stays as it is. "
                   "If reading fails the current data are kept."),
    "up_boundaries": ("社区/行政村边界(GeoPackage、GeoJSON、压缩的Shapefile)",
                      "Community/village boundaries (GeoPackage, GeoJSON, zipped Shapefile)"),
    "up_facilities": ("设施(GeoPackage、GeoJSON、Shapefile压缩包、CSV、XLSX)",
                      "Facilities (GeoPackage, GeoJSON, zipped Shapefile, CSV, XLSX)"),
    "up_network": ("步行路网(.osm.pbf、.osm、.graphml)", "Walking network (.osm.pbf, .osm, .graphml)"),
    "layer": ("图层", "Layer"),
    "column_map": ("字段对应", "Column mapping"),
    "column_for": ("{label}对应的字段", "Column for {label}"),
    "not_present": ("（无）", "(none)"),
    "coord_system": ("经纬度坐标系", "Coordinate system of lon/lat"),
    "default_type": ("无类型字段时的设施类型", "Facility type when there is no type column"),
    "apply_data": ("载入数据", "Load the data"),
    "use_demo": ("恢复示例县", "Back to the demo county"),
    "loading": ("正在读取数据…", "Reading the data…"),
    "loading_network": ("正在读取路网（大文件可能需要一两分钟，之后会缓存）…",
                        "Reading the network (a big file can take a minute or two; it is cached afterwards)…"),
    "loaded": ("已载入：{what}", "Loaded: {what}"),
    "upload_error": ("无法读取上传的数据：{msg}。原有数据保持不变。",
                     "Could not read the upload: {msg}. The previous data are kept."),
    "nothing_uploaded": ("请先选择要上传的文件。", "Choose a file to upload first."),
    "edits_stashed": ("原数据上的修改已另存为方案「{name}」。", "The edits on the previous data were kept as scenario “{name}”."),
    "dl_xlsx": ("缺口表 XLSX", "Gap table XLSX"),
    "dl_csv": ("缺口表 CSV", "Gap table CSV"),
    "dl_gpkg": ("单元覆盖 GeoPackage", "Units with coverage GeoPackage"),
    "dl_scenario": ("方案文件 GeoJSON", "Scenario file GeoJSON"),
    "dl_html": ("地图 HTML", "Map HTML"),
    "dl_print": ("打印用缺口地图", "Printable gap map"),
    "dl_print_type": ("设施类型", "Facility type"),
    "dl_paper": ("纸张", "Paper"),
    "dl_orientation": ("方向", "Orientation"),
    "landscape": ("横向", "landscape"),
    "portrait": ("纵向", "portrait"),
    "dl_pdf": ("地图 PDF", "Map PDF"),
    "dl_png": ("地图 PNG (300 dpi)", "Map PNG (300 dpi)"),
    "dl_shp": ("Shapefile (zip)", "Shapefile (zip)"),
    "dl_shp_encoding": ("Shapefile 编码", "Shapefile encoding"),
    "warnings": ("数据提示", "Data notes"),
    "suggest": ("建议选址", "Suggest sites"),
    "suggest_k": ("建议数量", "Number of sites"),
    "suggest_run": ("计算并添加建议点位", "Suggest and add sites"),
    "suggest_done": ("已添加{n}个建议点位。", "Added {n} suggested sites."),
    "suggest_missing": ("选址建议模块尚未安装。", "Site suggestions are not available in this version."),
    "network_summary": ("路网：{nodes:,}个节点，{edges:,}段", "Network: {nodes:,} nodes, {edges:,} segments"),
    "summary_line": ("{units}个单元（{communities}个社区、{villages}个行政村），60岁以上人口{pop60:,.0f}人，{gaps}个单元存在缺口",
                     "{units} units ({communities} communities, {villages} villages), {pop60:,.0f} people 60+, "
                     "{gaps} units with a gap"),
    "coverage_metric": ("{label}", "{label}"),
    "facility_count": ("设施", "facilities"),
    "colour_places": ("床位/名额可达性(2SFCA)：{type}", "Places per 1,000 aged 60+ (2SFCA): {type}"),
    "places_heading": ("每千名60岁以上老人步行可达床位/名额：{type}",
                       "Places per 1,000 people 60+ within walk: {type}"),
    "places_summary": ("全县现有及规划{type}共{places:,.0f}个床位/名额，60岁以上老人{pop60:,.0f}人，"
                       "合每千人{rate:,.1f}个；各单元数值按步行{minutes:g}分钟内的名额与老人数分摊"
                       "（两步移动搜索法），数值低的单元排在前面。",
                       "The county's existing and planned {type}s have {places:,.0f} places for "
                       "{pop60:,.0f} people 60+, {rate:,.1f} per 1,000; each unit's figure shares the "
                       "places within a {minutes:g}-minute walk among the elderly who can reach them "
                       "(two-step floating catchment). Lowest first."),
    "places_col": ("每千名老人床位/名额", "Places per 1,000 aged 60+"),
    "places_failed": ("无法计算床位/名额可达性：{msg}", "Places per 1,000 could not be computed: {msg}"),
    "fit_county": ("显示全县", "Fit the county"),
    "move_coords": ("按坐标移动所选设施", "Move the selected facility to coordinates"),
    "move_lon": ("经度", "Longitude"),
    "move_lat": ("纬度", "Latitude"),
    "move_coord_system": ("坐标系", "Coordinate system"),
    "move_here": ("移动到此坐标", "Move here"),
    "move_help": ("高德、腾讯坐标选GCJ-02，百度坐标选BD-09，将自动换算为WGS-84。",
                  "Pick GCJ-02 for Amap/Tencent and BD-09 for Baidu coordinates; they are converted "
                  "to WGS-84."),
    "moved_msg": ("已将{name}移动到 {lon:.6f}, {lat:.6f} (WGS-84)。",
                  "Moved {name} to {lon:.6f}, {lat:.6f} (WGS-84)."),
    "outside_area": ("坐标 {lon:.6f}, {lat:.6f} (WGS-84) 不在研究区域内，请检查坐标系和经纬度。",
                     "{lon:.6f}, {lat:.6f} (WGS-84) is outside the study area: check the coordinate "
                     "system and the numbers."),
}


def tr(key: str, lang: str = "zh", **fmt) -> str:
    """Interface text in ``lang`` (falls back to :func:`planner.text.catalogue.t`)."""
    pair = APP_TEXT.get(key)
    if pair is None:
        return i18n_t(key, lang, **fmt)
    s = pair[0] if lang == "zh" else pair[1]
    return s.format(**fmt) if fmt else s


def type_name(facility_type: str, lang: str = "zh") -> str:
    """The facility type's name in ``lang`` (the key itself when unknown)."""
    ft = FACILITY_TYPES.get(facility_type)
    if ft is None:
        return str(facility_type)
    return ft.zh if lang == "zh" else ft.en


def error_text(exc: BaseException) -> str:
    """A planner-facing message for an exception (no traceback)."""
    if isinstance(exc, PlannerError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# --- inputs --------------------------------------------------------------------------------------


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def upload_dir() -> Path:
    """Folder where uploaded files are kept (content-addressed) for this machine's sessions."""
    d = Path(tempfile.gettempdir()) / "planner-uploads"
    d.mkdir(parents=True, exist_ok=True)
    return d


def save_upload(data: bytes, filename: str, folder: str | Path | None = None, *,
                kind: str | None = None) -> Path:
    """Check uploaded bytes and write them to ``folder/<hash>/<filename>`` (reused when there).

    The name is kept because readers choose by suffix (``.osm.pbf``, ``.zip``...).
    With ``kind`` ('boundaries', 'facilities', 'network', 'scenario') the
    upload is first checked by :func:`planner.io.uploads.save_upload` (type by
    suffix and content, size, zip safety), which raises :class:`InputError`.
    """
    root = Path(folder) if folder is not None else upload_dir()
    dest = root / sha256_bytes(data)[:20]
    if kind is not None:
        try:
            from planner.io import uploads
        except ImportError:  # pragma: no cover - the checks module ships with the package
            uploads = None
        if uploads is not None and kind in uploads.ALLOWED_SUFFIXES:
            return uploads.save_upload(filename, data, kind, dest)
    safe = Path(filename).name or "upload"
    target = dest / safe
    if not (target.is_file() and target.stat().st_size == len(data)):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


@dataclass(frozen=True, eq=False)
class DataSet:
    """The inputs the app analyses: boundaries, facilities and a network file.

    Attributes
    ----------
    units, facilities : GeoDataFrame
        As returned by :func:`planner.io.readers.read_boundaries` / :func:`planner.io.readers.read_facilities`.
    network_path : Path
    inputs : dict
        Role → {'name', 'sha256'} of the files (for scenario files).
    is_demo : bool
    """

    units: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    network_path: Path
    inputs: dict = field(default_factory=dict)
    is_demo: bool = False

    @property
    def key(self) -> str:
        """A short key identifying the inputs (for caches)."""
        blob = json.dumps(self.inputs, sort_keys=True).encode()
        return ("demo-" if self.is_demo else "data-") + sha256_bytes(blob)[:16]

    @property
    def network_sha(self) -> str:
        """SHA-256 of the network file."""
        return self.inputs.get("network", {}).get("sha256", "")


def demo_dataset() -> DataSet:
    """The built-in demo county (示例县) as a :class:`DataSet`."""
    from planner.demo.county import demo_paths
    from planner.io.readers import read_boundaries, read_facilities

    p = demo_paths()
    units = read_boundaries(p.boundaries, layer="units")
    fac = read_facilities(p.facilities)
    inputs = {role: {"name": Path(path).name, "sha256": sha256_file(path)}
              for role, path in (("boundaries", p.boundaries), ("facilities", p.facilities),
                                 ("network", p.network))}
    return DataSet(units=units, facilities=fac, network_path=Path(p.network), inputs=inputs, is_demo=True)


def empty_facilities() -> gpd.GeoDataFrame:
    """A facility layer with no rows (planning from scratch)."""
    df = pd.DataFrame({c: pd.Series(dtype=float if c in ("capacity", "nursing_beds") else object)
                       for c in FACILITY_COLUMNS})
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def guess_columns(columns: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    """For each canonical column the user's column that matches one of its aliases (or None).

    Matching ignores case, spaces, underscores and hyphens, as the readers do.
    """
    norm = {normalise_column_name(c): c for c in columns if c != "geometry"}
    out: dict[str, str | None] = {}
    used: set[str] = set()
    for canon, names in aliases.items():
        hit = None
        for a in (canon, *names):
            c = norm.get(normalise_column_name(a))
            if c is not None and c not in used:
                hit = c
                break
        out[canon] = hit
        if hit is not None:
            used.add(hit)
    return out


def layer_names(path: str | Path) -> list[str]:
    """Layer names of a GeoPackage (empty for other files or unreadable ones)."""
    if not str(path).lower().endswith(".gpkg"):
        return []
    try:
        import pyogrio

        return [str(r[0]) for r in pyogrio.list_layers(str(path))]
    except Exception:  # unreadable files are reported by the reader itself
        return []


def raw_columns(path: str | Path, layer: str | None = None) -> list[str]:
    """Column names of an uploaded layer or table, for the mapping widgets.

    Raises
    ------
    InputError
        The file cannot be read.
    """
    from planner.io.readers import read_layer, read_table

    p = Path(path)
    if p.suffix.lower() in (".csv", ".txt", ".xlsx", ".xls"):
        return [str(c) for c in read_table(p).columns]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = read_layer(p, layer=layer)
    return [str(c) for c in gdf.columns if c != gdf.geometry.name]


def read_user_data(current: DataSet, *, boundaries: Path | None = None, facilities: Path | None = None,
                   network: Path | None = None, boundary_columns: Mapping[str, str] | None = None,
                   facility_columns: Mapping[str, str] | None = None, boundary_layer: str | None = None,
                   facility_layer: str | None = None, coord_system: str = "wgs84",
                   default_type: str | None = None, load_network=None) -> DataSet:
    """A new :class:`DataSet`: the uploaded parts read, the rest kept from ``current``.

    Parameters
    ----------
    load_network : callable, optional
        ``load_network(path)`` used to check the network (the app passes its
        cached loader); default :func:`planner.engine.network.load_network`.

    Raises
    ------
    PlannerError
        Any part cannot be read (nothing is changed then).
    """
    import warnings

    from planner.engine.network import load_network as _load
    from planner.io.readers import read_boundaries, read_facilities

    inputs = dict(current.inputs)
    units, fac, net_path = current.units, current.facilities, current.network_path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if boundaries is not None:
            units = read_boundaries(boundaries, layer=boundary_layer,
                                    columns={k: v for k, v in (boundary_columns or {}).items() if v})
            inputs["boundaries"] = {"name": boundaries.name, "sha256": sha256_file(boundaries)}
        if facilities is not None:
            fac = read_facilities(facilities, layer=facility_layer, coord_system=coord_system,
                                  columns={k: v for k, v in (facility_columns or {}).items() if v},
                                  default_type=default_type)
            inputs["facilities"] = {"name": facilities.name, "sha256": sha256_file(facilities)}
    if network is not None:
        (load_network or _load)(network)
        net_path = network
        inputs["network"] = {"name": network.name, "sha256": sha256_file(network)}
    return DataSet(units=units, facilities=fac, network_path=Path(net_path), inputs=inputs, is_demo=False)


def check_overlap(units: gpd.GeoDataFrame, network) -> str | None:
    """A warning when the boundaries and the network do not overlap (None when they do)."""
    import shapely

    if not len(units) or network.n_nodes == 0:
        return None
    lon, lat = network.lonlat()
    x0, y0, x1, y1 = units.to_crs("EPSG:4326").total_bounds
    inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    if inside.mean() > 0 or shapely.box(x0, y0, x1, y1).intersects(
            shapely.box(lon.min(), lat.min(), lon.max(), lat.max())):
        return None
    return "the network does not overlap the boundaries (check that both cover the same county)"


# --- settings ------------------------------------------------------------------------------------


def settings_profile(profile: str, speed: float | None = None, minutes: float | None = None):
    """The standards profile with the app's speed and catchment settings applied."""
    from planner.io.profiles import load_profile

    prof = load_profile(profile)
    if speed is not None:
        prof = prof.with_speed(speed)
    if minutes is not None:
        prof = prof.with_minutes(minutes)
    return prof


def implied_metres(minutes: Sequence[float], speed: float, lang: str = "zh") -> str:
    """'5分钟 ≈ 300米，10分钟 ≈ 600米' for the settings panel."""
    parts = [i18n_t("minutes_metres", lang, minutes=float(m), metres=float(m) * 60 * speed) for m in minutes]
    return ("，" if lang == "zh" else ", ").join(parts)


# --- edits ---------------------------------------------------------------------------------------


def edits_from_dicts(edits: Sequence[Mapping]) -> tuple[Edit, ...]:
    """Validated edits from the plain dicts kept in the session."""
    return tuple(Edit.from_dict(e, i) for i, e in enumerate(edits))


def next_facility_id(model, facility_type: str, edits: Sequence[Mapping] = ()) -> str:
    """A new facility id unused by the model's facilities and by earlier edits."""
    prefix = "NEW-" + facility_type.upper().replace("_", "")[:4]
    taken = set(model.facilities["facility_id"].astype(str)) | {str(e.get("facility_id")) for e in edits}
    k = 1
    while f"{prefix}-{k:03d}" in taken:
        k += 1
    return f"{prefix}-{k:03d}"


def add_edit(model, facility_type: str, lon: float, lat: float, *, edits: Sequence[Mapping] = (),
             name: str | None = None, capacity: float | None = None,
             coord_system: str = "wgs84") -> dict:
    """The edit dict that adds a planned facility at ``lon``/``lat``.

    The coordinates are in ``coord_system`` (WGS-84 by default; GCJ-02 and
    BD-09 positions from Amap/Tencent/Baidu are converted to WGS-84).
    """
    if facility_type not in FACILITY_TYPES:
        raise InputError(f"unknown facility type {facility_type!r}")
    lon, lat = _lonlat_in(lon, lat, coord_system)
    fid = next_facility_id(model, facility_type, edits)
    ft = FACILITY_TYPES[facility_type]
    cap = None if capacity is None or not np.isfinite(capacity) or capacity <= 0 else float(capacity)
    nm = (name or "").strip() or f"规划{ft.zh}{fid[-3:]}"
    return Edit("add", fid, type=facility_type, lon=round(float(lon), 7), lat=round(float(lat), 7),
                name=nm, capacity=cap, status="planned").to_dict()


def click_edit(mode: str, lon: float, lat: float, *, model, facility_type: str, edits: Sequence[Mapping],
               selected: str | None = None, name: str | None = None,
               capacity: float | None = None) -> dict | None:
    """The edit a map click makes in ``mode`` ('add', 'move', 'select'), or None."""
    if mode == "add":
        return add_edit(model, facility_type, lon, lat, edits=edits, name=name, capacity=capacity)
    if mode == "move" and selected:
        if selected not in set(model.facilities["facility_id"].astype(str)):
            return None
        return Edit("move", selected, lon=round(float(lon), 7), lat=round(float(lat), 7)).to_dict()
    return None


def click_key(click: Mapping | None) -> tuple | None:
    """A comparable signature of a streamlit-folium click (None when there is none)."""
    if not click:
        return None
    try:
        return (round(float(click["lat"]), 9), round(float(click["lng"]), 9))
    except (KeyError, TypeError, ValueError):
        return None


def is_new_click(click: Mapping | None, last: tuple | None) -> bool:
    """Whether a click has not been acted on yet (reruns return the last click again)."""
    key = click_key(click)
    return key is not None and key != (tuple(last) if last is not None else None)


def edit_label(edit: Mapping, lang: str = "zh") -> str:
    """A line of the edit list."""
    from planner.schema import STATUS_LABELS

    op = edit.get("op")
    if op == "add":
        ft = FACILITY_TYPES.get(edit.get("type"), None)
        tname = (ft.zh if lang == "zh" else ft.en) if ft else str(edit.get("type"))
        return tr("edit_add", lang, type=tname, name=edit.get("name") or edit.get("facility_id"))
    if op == "move":
        return tr("edit_move", lang, id=edit.get("facility_id"))
    if op == "remove":
        return tr("edit_remove", lang, id=edit.get("facility_id"))
    st = STATUS_LABELS.get(edit.get("status"), {}).get(lang, edit.get("status"))
    return tr("edit_status", lang, id=edit.get("facility_id"), status=st)


class ModelChain:
    """Models after each prefix of the edit list, kept in a small LRU cache.

    ``model(base_key, base, edits)`` starts from the longest cached prefix of
    ``edits`` and applies only the rest, so appending an edit costs one edit
    (an added facility is one bounded search) and undo is a cache hit.
    """

    def __init__(self, max_entries: int = 48):
        self.max_entries = max_entries
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._analyses: OrderedDict[tuple, object] = OrderedDict()
        self._places: OrderedDict[tuple, pd.Series] = OrderedDict()
        self.last_apply_seconds = 0.0
        self.applied = 0  # edits applied by the last call (0 = cache hit)

    @staticmethod
    def key(base_key: str, edits: Sequence[Mapping]) -> tuple:
        """Cache key of a base and an edit list."""
        return (base_key, *(json.dumps(dict(e), sort_keys=True) for e in edits))

    def _put(self, store: OrderedDict, key: tuple, value) -> None:
        store[key] = value
        store.move_to_end(key)
        while len(store) > self.max_entries:
            store.popitem(last=False)

    def model(self, base_key: str, base, edits: Sequence[Mapping]):
        """The base model with the edits applied (incrementally from the cache)."""
        t0 = time.perf_counter()
        full = self.key(base_key, edits)
        n = len(edits)
        start, model = 0, base
        for k in range(n, 0, -1):
            hit = self._cache.get(full[: k + 1])
            if hit is not None:
                start, model = k, hit
                self._cache.move_to_end(full[: k + 1])
                break
        for i in range(start, n):
            model = apply_edit(model, Edit.from_dict(edits[i], i), i)
            self._put(self._cache, full[: i + 2], model)
        self.applied = n - start
        self.last_apply_seconds = time.perf_counter() - t0
        return model

    def analysis(self, base_key: str, base_analysis, edits: Sequence[Mapping]):
        """The analysis of the edited model (the base analysis when there are no edits)."""
        from planner.analysis.result import analysis_of

        if not edits:
            return base_analysis
        key = self.key(base_key, edits)
        hit = self._analyses.get(key)
        if hit is not None:
            self._analyses.move_to_end(key)
            return hit
        a = analysis_of(self.model(base_key, base_analysis.model, edits))
        self._put(self._analyses, key, a)
        return a

    def places(self, base_key: str, base_model, edits: Sequence[Mapping], facility_type: str) -> pd.Series:
        """:func:`places_column` of the edited model, cached by the position in the chain."""
        key = (*self.key(base_key, edits), "places", facility_type)
        hit = self._places.get(key)
        if hit is not None:
            self._places.move_to_end(key)
            return hit
        col = places_column(self.model(base_key, base_model, edits), facility_type)
        self._put(self._places, key, col)
        return col

    def clear(self) -> None:
        """Forget every cached model."""
        self._cache.clear()
        self._analyses.clear()
        self._places.clear()


class ServiceAreaCache:
    """Service-area polygons per facility type, reused while that type's distances are unchanged."""

    def __init__(self, max_entries: int = 64):
        self.max_entries = max_entries
        self._store: OrderedDict[tuple, tuple] = OrderedDict()

    def layer(self, model, facility_types: Sequence[str], minutes: Sequence[float]) -> gpd.GeoDataFrame:
        """Polygons of the types (WGS-84), computed only for types whose distances changed.

        After an add (distances only shrank) the last polygons of the type are
        grown by what the new site reaches (:func:`planner.engine.isochrones.grow_service_area`)
        instead of being rebuilt.
        """
        from planner.analysis.result import service_area_frame

        parts = []
        mins = tuple(sorted(float(m) for m in minutes))
        for t in facility_types:
            fld = model.fields.get(t)
            if fld is None:
                continue
            key = (t, mins, id(fld.dist), model.speed)
            hit = self._store.get(key)
            if hit is None or hit[0] is not fld.dist:
                polys = self._polygons(model, t, mins, fld.dist)
                hit = (fld.dist, service_area_frame(model, {t: polys}, mins), polys, id(model.network))
                self._store[key] = hit
                while len(self._store) > self.max_entries:
                    self._store.popitem(last=False)
            self._store.move_to_end(key)
            parts.append(hit[1])
        if not parts:
            return gpd.GeoDataFrame({"facility_type": [], "minutes": [], "metres": []}, geometry=[],
                                    crs="EPSG:4326")
        return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")

    def _polygons(self, model, t: str, mins: tuple, dist: np.ndarray) -> list:
        """Metric polygons of type ``t``: grown from the latest cached ones when only walks shrank."""
        from planner.engine.isochrones import grow_service_area, service_area
        from planner.engine.travel import to_metres

        sites = model.facility_snap.take(np.nonzero(model.type_mask(t))[0])
        limits = [float(to_metres(m, model.speed)) for m in mins]
        for (kt, kmins, _, kspeed), (old_dist, _, old_polys, net_id) in reversed(self._store.items()):
            if (kt, kmins, kspeed) == (t, mins, model.speed) and net_id == id(model.network):
                if old_dist.shape == dist.shape and np.all(dist <= old_dist):
                    return [grow_service_area(model.network, p, old_dist, dist, lim, sites=sites)
                            for p, lim in zip(old_polys, limits, strict=True)]
                break
        return [service_area(model.network, dist, lim, sites=sites) for lim in limits]


# --- map view and places per 1,000 -----------------------------------------------------------------


def view_state(kept: Mapping | None, out: Mapping | None, *, basemap: str = "none",
               data_key: str = "") -> dict | None:
    """The map view to keep after a run: the one the map reported, else the kept one.

    ``kept`` is the previous result of this function (a plain dict kept in the
    session: ``data``, ``lon``, ``lat``, ``zoom``); ``out`` what
    ``st_folium`` returned (``center``/``zoom`` in display coordinates).  A
    view of other data (after an upload) is dropped, so new data open fitted.
    """
    from planner.outputs.webmap import view_from_return

    view = view_from_return(dict(out) if out else None, basemap)
    if view is not None:
        return {"data": data_key, "lon": view.lon, "lat": view.lat, "zoom": view.zoom}
    if kept and kept.get("data") == data_key:
        return dict(kept)
    return None


def kept_view(kept: Mapping | None, data_key: str = ""):
    """The :class:`planner.outputs.webmap.MapView` to open the map at (None: fit the data)."""
    from planner.outputs.webmap import MapView

    if not kept or kept.get("data") != data_key:
        return None
    try:
        return MapView(float(kept["lon"]), float(kept["lat"]), float(kept["zoom"]))
    except (KeyError, TypeError, ValueError):
        return None


def places_column(model, facility_type: str) -> pd.Series:
    """Places per 1,000 people 60+ within the walk of each unit (2SFCA).

    The 60+-weighted mean over the unit's demand points of
    :func:`planner.analysis.capacity.capacity_access` (the type's active facilities,
    their ``capacity``, the profile's catchment minutes).  Aligned with
    ``model.units`` by position; NaN where a unit has no 60+ population.
    ``attrs['notes']`` carries the notes (e.g. facilities without places).
    """
    from planner.analysis.capacity import capacity_access

    acc = capacity_access(model, facility_type)
    col = pd.Series(acc.units["places_per_1000"].to_numpy(float), index=model.units.index,
                    name="places_per_1000")
    col.attrs["notes"] = tuple(acc.notes)
    col.attrs["minutes"] = float(acc.minutes)
    return col


def places_table(analysis, column: pd.Series, lang: str = "zh", *,
                 facility_type: str | None = None) -> pd.DataFrame:
    """The small per-unit table of places per 1,000 shown under the map (lowest first).

    With ``facility_type`` of community or village level only the units of
    that kind are listed (a rural mutual-aid site serves villages).
    """
    from planner.text import column_label, kind_label

    u = analysis.units
    level = FACILITY_TYPES[facility_type].level if facility_type in FACILITY_TYPES else None
    keep = np.ones(len(u), bool)
    if level in ("community", "village") and (u["kind"] == level).any():
        keep = (u["kind"] == level).to_numpy()
    u = u[keep]
    column = np.asarray(column, float)[keep]
    df = pd.DataFrame({
        column_label("name", lang): u["name"].to_numpy(),
        column_label("kind", lang): [kind_label(k, lang) for k in u["kind"]],
        column_label("pop60", lang): u["pop60"].to_numpy(float).round(0),
        tr("places_col", lang): np.round(np.asarray(column, float), 1),
    })
    return df.sort_values(tr("places_col", lang), na_position="last", kind="stable").reset_index(drop=True)


def places_summary(model, facility_type: str, lang: str = "zh", *, minutes: float | None = None) -> str:
    """One line: the county's places of the type per 1,000 people 60+ and how units are measured."""
    mask = model.type_mask(facility_type)
    places = float(np.nansum(pd.to_numeric(model.facilities.loc[mask, "capacity"], errors="coerce")))
    pop60 = float(model.units["pop60"].sum())
    ft = FACILITY_TYPES[facility_type]
    return tr("places_summary", lang, type=ft.zh if lang == "zh" else ft.en, places=places, pop60=pop60,
              rate=places / pop60 * 1000 if pop60 > 0 else float("nan"),
              minutes=float(minutes if minutes is not None else model.profile.catchment(facility_type)))


def move_edit(model, facility_id: str, lon: float, lat: float, coord_system: str = "wgs84") -> dict:
    """The edit moving a facility to ``lon``/``lat`` given in ``coord_system``.

    GCJ-02 (Amap, Tencent) and BD-09 (Baidu) coordinates are converted to
    WGS-84 with :func:`planner.io.crs.to_wgs84`.

    Raises
    ------
    InputError
        Unknown facility, or coordinates that are not a longitude/latitude.
    CRSError
        Unknown coordinate system.
    """
    if str(facility_id) not in set(model.facilities["facility_id"].astype(str)):
        raise InputError(f"there is no facility {facility_id!r}", hint="select a facility on the map first")
    x, y = _lonlat_in(lon, lat, coord_system)
    return Edit("move", str(facility_id), lon=round(float(x), 7), lat=round(float(y), 7)).to_dict()


def _lonlat_in(lon: float, lat: float, coord_system: str) -> tuple[float, float]:
    """WGS-84 lon/lat of a position given in ``coord_system``, checked for range."""
    from planner.io.crs import to_wgs84

    lon, lat = float(lon), float(lat)
    if not (np.isfinite([lon, lat]).all() and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputError(f"({lon}, {lat}) is not a longitude/latitude",
                         hint="longitude -180…180, latitude -90…90 (swapped?)")
    if coord_system in (None, "", "wgs84"):
        return lon, lat
    x, y = to_wgs84(lon, lat, coord_system)
    return float(x), float(y)


def in_study_area(model, lon: float, lat: float, *, margin_m: float = 2000.0) -> bool:
    """Whether a WGS-84 point lies within ``margin_m`` of the study area's units."""
    x, y = model.network.project(np.array([float(lon)]), np.array([float(lat)]))
    x0, y0, x1, y1 = model.units.total_bounds  # the model works in the network's metric CRS
    px, py = float(np.ravel(x)[0]), float(np.ravel(y)[0])
    return bool(x0 - margin_m <= px <= x1 + margin_m and y0 - margin_m <= py <= y1 + margin_m)


def facility_lonlat(model, facility_id: str, coord_system: str = "wgs84") -> tuple[float, float]:
    """A facility's position as longitude/latitude in ``coord_system`` (WGS-84, GCJ-02, BD-09...)."""
    fac = model.facilities
    row = fac.loc[fac["facility_id"].astype(str) == str(facility_id)]
    if not len(row):
        raise InputError(f"there is no facility {facility_id!r}")
    pt = gpd.GeoSeries([row.geometry.iloc[0]], crs=fac.crs).to_crs("EPSG:4326").iloc[0]
    return lonlat_as(pt.x, pt.y, coord_system)


def lonlat_as(lon: float, lat: float, coord_system: str = "wgs84") -> tuple[float, float]:
    """A WGS-84 position expressed in ``coord_system`` (GCJ-02, BD-09; others unchanged)."""
    from planner.io.crs import normalise_coord_system, wgs84_to_bd09, wgs84_to_gcj02

    key = normalise_coord_system(coord_system)
    if key == "gcj02":
        lon, lat = wgs84_to_gcj02(lon, lat)
    elif key == "bd09":
        lon, lat = wgs84_to_bd09(lon, lat)
    return float(lon), float(lat)


def scenario_of(name: str, edits: Sequence[Mapping], *, profile: str, speed: float | None,
                minutes: float | None, inputs: Mapping) -> Scenario:
    """The session's current work as a :class:`Scenario`."""
    return Scenario(name=name, edits=edits_from_dicts(edits), profile=profile, speed=speed,
                    minutes=minutes, inputs={k: dict(v) for k, v in inputs.items()})


# --- summaries and downloads ---------------------------------------------------------------------


def summary_text(analysis, lang: str = "zh") -> str:
    """One line describing the study area."""
    u = analysis.units
    kinds = u["kind"].value_counts()
    return tr("summary_line", lang, units=len(u), communities=int(kinds.get("community", 0)),
              villages=int(kinds.get("village", 0)), pop60=float(u["pop60"].sum()),
              gaps=int(u["gap"].sum()))


def unit_view(analysis, lang: str = "zh", *, gaps_only: bool = False) -> pd.DataFrame:
    """The per-unit table shown in the app (labelled columns, shares in per cent)."""
    from planner.outputs.export import unit_table
    from planner.text import column_label

    df = unit_table(analysis, lang)
    if gaps_only:
        df = df[analysis.units["gap"].to_numpy()]
    keep = [c for c in df.columns if not c.endswith("_nearest_id") and not c.startswith("reason_")]
    df = df[keep].copy()
    for c in df.columns:
        if c.endswith("_share"):
            df[c] = (df[c].astype(float) * 100).round(1)
        elif c.endswith("_minutes"):
            df[c] = df[c].astype(float).round(1)
    df.columns = [column_label(c, lang) + (" %" if c.endswith("_share") else "") for c in df.columns]
    return df


def _bytes_of(writer, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out{suffix}"
        writer(path)
        return path.read_bytes()


def gap_table_xlsx(analysis, lang: str = "zh") -> bytes:
    """The report workbook (units, targets, districts, assumptions) as bytes."""
    from planner.outputs.export import write_report_xlsx

    return _bytes_of(lambda p: write_report_xlsx(analysis, p, lang=lang), ".xlsx")


def gap_table_csv(analysis, lang: str = "zh") -> bytes:
    """The per-unit gap table as CSV bytes (UTF-8 with BOM for Excel)."""
    from planner.outputs.export import write_unit_csv

    return _bytes_of(lambda p: write_unit_csv(analysis, p, lang=lang), ".csv")


def gap_map_print(analysis, facility_type: str, *, fmt: str = "pdf", paper: str = "A4",
                  orientation: str = "landscape", lang: str = "zh", dpi: int = 300) -> bytes:
    """The printable gap map (PDF, or PNG at ``dpi``) of one facility type as bytes."""
    from planner.outputs.printmap import print_gap_map

    return _bytes_of(lambda p: print_gap_map(analysis, p, facility_type=facility_type, paper=paper,
                                             orientation=orientation, lang=lang, dpi=dpi), f".{fmt}")


def layers_shapefile_zip(analysis, *, encoding: str = "utf-8") -> bytes:
    """Units, facilities and service areas as zipped shapefiles (.cpg, ≤ 10-character fields)."""
    from planner.outputs.export import gis_layers, write_shapefile_zip

    return _bytes_of(lambda p: write_shapefile_zip(gis_layers(analysis), p, encoding=encoding), ".zip")


def units_gpkg(analysis) -> bytes:
    """Units with coverage and the facilities as a GeoPackage (bytes)."""
    from planner.outputs.export import write_gpkg

    fac = analysis.model.facilities.drop(columns=["unit"], errors="ignore").to_crs("EPSG:4326")
    return _bytes_of(lambda p: write_gpkg({"units": analysis.units, "facilities": fac}, p), ".gpkg")


def map_html(folium_map) -> bytes:
    """The folium map as a standalone HTML page that opens offline (bytes)."""
    from planner.outputs.webmap import offline_assets

    return offline_assets(folium_map).get_root().render().encode("utf-8")


def suggest_available() -> bool:
    """Whether the site-suggestion module (``planner.siting.optimize.suggest_sites``) is installed."""
    try:
        from planner.siting import optimize  # noqa: F401
    except ImportError:
        return False
    return hasattr(optimize, "suggest_sites")


def suggestion_edits(model, facility_type: str, count: int, edits: Sequence[Mapping],
                     lang: str = "zh") -> list[dict]:
    """Edits realising the sites :func:`planner.siting.optimize.suggest_sites` chooses.

    A chosen candidate that is already one of the model's facilities (status
    'candidate') is set to 'planned'; any other chosen point is added.
    """
    from planner.siting.optimize import suggest_sites

    res = suggest_sites(model, facility_type, count=int(count))
    fac = model.facilities
    candidates = set(fac.loc[fac["status"] == "candidate", "facility_id"].astype(str))
    out: list[dict] = []
    for k, (_, row) in enumerate(res.chosen.iterrows(), start=1):
        cid = str(row.get("candidate_id", ""))
        if cid in candidates:
            out.append({"op": "status", "facility_id": cid, "status": "planned"})
            continue
        ft = FACILITY_TYPES[facility_type]
        name = f"建议{ft.zh}{k}" if lang == "zh" else f"suggested {ft.en} {k}"
        out.append(add_edit(model, facility_type, float(row["lon"]), float(row["lat"]),
                            edits=[*edits, *out], name=name))
    return out


def default_site(analysis, facility_type: str):
    """A sensible place to try a new facility: where the elderly of the neediest gap unit live.

    Takes the gap unit with the most people 60+ among the units of the kind
    the type serves (villages for mutual-aid sites, communities otherwise),
    and returns its demand point nearest to the 60+-weighted centre of its
    demand points (a point on a street, where people live), as a shapely
    Point in WGS-84.
    """
    import shapely

    units = analysis.units
    model = analysis.model
    level = FACILITY_TYPES[facility_type].level if facility_type in FACILITY_TYPES else None
    kind = "village" if level == "village" else "community"
    for mask in (units["gap"].to_numpy() & (units["kind"].to_numpy() == kind),
                 units["gap"].to_numpy(), np.ones(len(units), bool)):
        if mask.any():
            pos = int(np.argmax(np.where(mask, units["pop60"].to_numpy(float), -np.inf)))
            break
    else:
        raise InputError("there are no units")
    dem = model.demand[model.demand["unit"].to_numpy() == pos]
    if not len(dem):
        return units.geometry.iloc[pos].representative_point()
    x = shapely.get_x(dem.geometry.values)
    y = shapely.get_y(dem.geometry.values)
    w = dem["w60"].to_numpy(float) + 1e-9
    cx, cy = np.average(x, weights=w), np.average(y, weights=w)
    k = int(np.argmin((x - cx) ** 2 + (y - cy) ** 2))
    return gpd.GeoSeries([dem.geometry.iloc[k]], crs=dem.crs).to_crs("EPSG:4326").iloc[0]

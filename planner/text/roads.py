"""Catalogue entries of road centre-line layers (reading, noding, coverage gaps): ``key -> (zh, en)``.

Also the recognised column names and yes/no words of road layers (the
readers' vocabulary; Chinese literals live in the catalogue package).
"""

from __future__ import annotations

ROAD_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "road_class": ("道路等级", "等级", "DLDJ", "道路类型", "道路类别", "道路分类", "道路级别", "公路等级",
                   "技术等级", "fclass", "highway", "class", "road_class", "roadclass", "rclass", "grade"),
    "layer": ("layer", "层", "层级", "图层高度", "level", "lvl"),
    "bridge": ("bridge", "桥梁", "桥", "是否桥梁", "is_bridge", "brunnel"),
    "tunnel": ("tunnel", "隧道", "是否隧道", "is_tunnel"),
}
"""Columns of a road layer recognised by :mod:`planner.io.roads` (case, spaces, underscores ignored)."""

NO_WORDS: tuple[str, ...] = ("", "0", "no", "n", "false", "f", "否", "无", "非", "不是", "nan", "none", "null")
"""Values of a bridge/tunnel column that mean "no" (anything else means yes)."""

TEXT: dict[str, tuple[str, str]] = {
    "roads.noding_summary": (
        "道路线 {n_lines:,} 条已转为步行网络:{crossings:,} 处无公共节点的交叉已打断成路口,"
        "{joins:,} 个未接上的线端已在 {tolerance:g} 米内接到道路,{junctions:,} 处穿过路口的长线已在路口打断,"
        "{levels:,} 处不同层(桥梁/隧道)的交叉未连通",
        "{n_lines:,} road lines made into a walking network: {crossings:,} crossings without a shared "
        "vertex made junctions, {joins:,} line ends joined to a street within {tolerance:g} m, "
        "{junctions:,} polylines split at the junctions they run through, {levels:,} crossings at "
        "different levels (bridge/tunnel) left unconnected",
    ),
    "err.roads_noded": (
        "{summary}",
        "{summary}",
    ),
    "fix.roads_noded": (
        "请在地图上核对接上的线端;若道路本应相连却未接上,可加大 --snap-tolerance(默认 1 米)",
        "check the joined ends on the map; if streets that meet were not joined, raise "
        "--snap-tolerance (default 1 m)",
    ),
    "err.roads_no_lines": (
        "图层中没有线要素(道路中心线),共 {n} 个要素,几何类型:{types}",
        "the layer has no line features (road centre lines): {n} features of type {types}",
    ),
    "fix.roads_no_lines": (
        "请选择道路中心线图层(线要素),而不是面或点图层",
        "pass the road centre-line layer (lines), not a polygon or point layer",
    ),
    "err.roads_line_layer": (
        "文件包含 {n} 个图层({layers}),第一个不是线图层,已读取线图层“{layer}”作为道路中心线",
        "has {n} layers ({layers}) and the first holds no lines; reading the line layer {layer!r} as the "
        "road centre lines",
    ),
    "fix.roads_line_layer": (
        "若道路中心线在其他图层,请用 {layer_arg} 指定",
        "if the road centre lines are in another layer, pass {layer_arg}",
    ),
    "err.roads_non_lines": (
        "{n} 个非线要素已忽略({at})",
        "{n} features that are not lines were skipped ({at})",
    ),
    "err.roads_none_walkable": (
        "按道路等级列“{column}”,没有一条可步行的道路(等级:{values})",
        "by the road-class column {column!r} no road is walkable (classes: {values})",
    ),
    "fix.roads_none_walkable": (
        "请检查道路等级对照表,或用 --road-classes 指定自己的对照表(TOML)",
        "check the road-class table, or pass your own with --road-classes (TOML)",
    ),
    "err.roads_classes_dropped": (
        "按道路等级列“{column}”去掉了 {n} 条不可步行的道路:{values}",
        "{n} roads not walkable by the road-class column {column!r} were left out: {values}",
    ),
    "fix.roads_classes_dropped": (
        "如这些道路可以步行,请在道路等级对照表中改为 true,并用 --road-classes 指定该文件",
        "if these roads are walkable, set them to true in a road-class table and pass it with "
        "--road-classes",
    ),
    "err.roads_classes_file": (
        "道路等级对照表无法读取:{detail}",
        "the road-class table cannot be read: {detail}",
    ),
    "fix.roads_classes_file": (
        "对照表为 TOML 文件,格式见 planner/data/road_classes.toml:[walkable] 下每行 \"等级\" = true 或 false",
        "the table is a TOML file laid out as planner/data/road_classes.toml: under [walkable] one "
        "\"class\" = true or false per line",
    ),
    "err.roads_coverage_gap": (
        "{n} 个单元(共 {population:,.0f} 人)在 {max_snap:.0f} 米内没有道路:{names}",
        "{n} units ({population:,.0f} people) have no street within {max_snap:.0f} m: {names}",
    ),
    "fix.roads_coverage_gap": (
        "道路图层缺少这些地方的道路:请补画村内道路(或使用覆盖这些地方的道路数据),否则其步行时间只能从最近的道路估算",
        "the road layer misses streets there: add the village streets (or use road data that covers "
        "them); until then their walk is estimated from the nearest street",
    ),
}

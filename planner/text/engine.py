"""Catalogue entries of the engine domain: ``key -> (zh, en)``."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "engine.network_summary": (
        "步行网络 {n_nodes:,} 个节点、{n_edges:,} 条路段；去除 {pieces} 个不连通部分({dropped:,} 个节点)",
        "walking network: {n_nodes:,} nodes, {n_edges:,} segments; "
        "dropped {pieces} disconnected pieces ({dropped:,} nodes)",
    ),
    "engine.network_clipped": (
        "；大文件已按研究区范围(含缓冲)裁剪后读取，经纬度范围 {box}",
        "; the extract was clipped to the study area (with its buffer) before parsing, lon/lat box {box}",
    ),
    "engine.network_clipped_ways": (
        "，保留可步行道路 {kept:,} 条(全文件共 {total:,} 条)",
        ", keeping {kept:,} of the file's {total:,} walkable ways",
    ),
    "engine.far_facilities": (
        "{n} 个设施距最近的步行道路超过 {max_snap:.0f} 米(步行从最近的道路算起,已标出):{names}",
        "{n} facilities are more than {max_snap:.0f} m from any walkable street "
        "(their walk starts at the nearest street, marked): {names}",
    ),
    "engine.units_without_streets": (
        "{n} 个单元内没有步行道路:其人口放在单元内一点,从最近的道路步行:{names}",
        "{n} units have no walkable street inside: their population is placed at "
        "one interior point and walked from the nearest street: {names}",
    ),
    "engine.far_homes": (
        "{n} 个单元有住处距最近的道路超过 {max_snap:.0f} 米(覆盖从最近的道路算起,已标出):{names}",
        "{n} units have homes more than {max_snap:.0f} m from any street "
        "(coverage computed from the nearest street, marked): {names}",
    ),
    "err.cache_rebuilt": ("路网缓存 {cache} 未被使用(已损坏或被改动),已删除并从 {source} 重建",
                          "network cache {cache} was not used (damaged or changed); deleted and rebuilt "
                          "from {source}"),
    "err.cache_digest": ("路网缓存与其校验值不符(已被改动或损坏)",
                         "network cache does not match its digest (changed or damaged)"),
    "fix.cache_digest": ("删除该文件;会从源文件重建", "delete it; it is rebuilt from the source file"),
    "err.cache_source": ("路网缓存由另一个源文件生成", "network cache was built from another source"),
    "fix.cache_source": ("删除该文件;会从源文件重建", "delete it; it is rebuilt from the source file"),
    "err.cache_lengths": ("路网缓存中的路段长度与坐标不符",
                          "segment lengths in the network cache do not match its coordinates"),
    "fix.cache_lengths": ("删除该文件;会从源文件重建", "delete it; it is rebuilt from the source file"),
    "err.cache_unreadable": ("无法读取路网缓存(文件不完整或不是缓存文件)",
                             "unreadable network cache (incomplete, or not a cache file)"),
    "fix.cache_unreadable": ("删除该文件;会从源文件重建", "delete it; it is rebuilt from the source file"),
}

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
    # errors of the walking network (planner.engine.network, planner.io.roads)
    "err.network_no_streets": ("步行网络中没有可步行的道路", "the network has no walkable streets"),
    "fix.network_no_streets": ("请检查路网文件是否覆盖研究区、是否含有 highway=* 道路",
                               "check that the file covers the study area and has highway=* ways"),
    "err.network_duplicate_nodes": ("步行网络中有重复的节点编号", "duplicate node ids in the network"),
    "err.network_no_lines": ("没有可用于构建步行网络的线要素", "no lines to build a network from"),
    "err.network_graph_empty": ("路网图中没有节点", "the graph has no nodes"),
    "err.network_osm_xml": ("不是有效的 OSM XML 文件（{detail}）", "not a valid OSM XML file ({detail})"),
    "fix.network_osm_xml": ("请从 JOSM 或 Overpass 导出 .osm 文件，或改用 .osm.pbf、.graphml 文件",
                            "export .osm from JOSM/Overpass or use .osm.pbf or .graphml"),
    "err.network_osm_no_ways": ("文件中没有节点齐全的可步行道路（highway=*）",
                                "no walkable ways (highway=*) with their nodes in the file"),
    "fix.network_osm_no_ways": ("请检查路网文件是否覆盖研究区", "check the extract covers the study area"),
    "err.network_pbf_unreadable": ("无法读取 .osm.pbf 文件（{detail}）", "could not read the .osm.pbf file ({detail})"),
    "fix.network_pbf_unreadable": ("请检查该文件是否为完整的 OpenStreetMap PBF 数据",
                                   "check the file is a complete OpenStreetMap PBF extract"),
    "err.network_pbf_no_ways": ("文件中没有可步行的道路", "no walkable ways in the file"),
    "err.network_area_no_ways": ("研究区内没有可步行的道路", "no walkable ways in the study area"),
    "fix.network_area_no_ways": ("请检查路网文件是否覆盖研究区", "check the extract covers the study area"),
    "err.network_graphml": ("无法读取 GraphML 文件（{detail}）", "could not read the GraphML file ({detail})"),
    "fix.network_graphml": ("请用 osmnx.save_graphml 保存该文件", "save it with osmnx.save_graphml"),
    "err.network_cache_version": ("路网缓存由其他版本生成", "network cache from another version"),
    "fix.network_cache_version": ("删除该文件；会从源文件重建", "delete it; it is rebuilt from the source file"),
    "err.network_area": ("研究区范围应为（最小经度，最小纬度，最大经度，最大纬度），实为 {area}",
                         "the study area must be (minlon, minlat, maxlon, maxlat), got {area}"),
    "err.network_not_found": ("路网文件不存在", "network file not found"),
    "fix.network_not_found": ("请指定已有的路网文件（{suffixes}）", "pass an existing file ({suffixes})"),
    "err.network_empty_file": ("路网文件为空", "the network file is empty"),
    "err.network_suffix": ("不支持的路网文件类型“{suffix}”", "unsupported network file type {suffix!r}"),
    "fix.network_suffix": ("请使用以下格式之一：{suffixes}", "use one of {suffixes}"),
    "err.network_place_or_polygon": ("place 和 polygon 须给出其中一个，且只能给一个",
                                     "give exactly one of place or polygon"),
    "err.network_download": ("下载失败（{detail}）", "download failed ({detail})"),
    "fix.network_download": ("请检查网络连接和地名，或改用本地 .osm.pbf 文件",
                             "check the internet connection and the place name, or load a local .osm.pbf file"),
    # errors of the model and of snapping (planner.engine.model, planner.engine.travel)
    "err.model_unknown_type": ("未知的设施类型“{facility_type}”", "unknown facility type {facility_type!r}"),
    "fix.model_unknown_type": ("请使用以下类型之一：{types}", "use one of {types}"),
    "err.model_no_facility": ("没有编号为“{facility_id}”的设施", "no facility with id {facility_id!r}"),
    "err.travel_bad_coordinates": ("有点的坐标缺失或为无穷大，无法接入步行网络",
                                   "points with missing or infinite coordinates cannot be snapped"),
    # errors of planner._util
    "err.util_dask_missing": ("--scheduler 需要 Dask distributed，但尚未安装",
                              "--scheduler needs Dask distributed, which is not installed"),
    "fix.util_dask_missing": ('请运行 pip install "eldercare-planner[province]" 安装',
                              'pip install "eldercare-planner[province]"'),
    "err.util_dask_unreachable": ("无法连接 Dask 调度器“{scheduler}”（{detail}）",
                                  "cannot reach the Dask scheduler at {scheduler!r} ({detail})"),
    "fix.util_dask_unreachable": ("请用 `dask scheduler` 启动调度器（并用 `dask worker 地址` 启动工作进程），"
                                  "或去掉 --scheduler 在本机运行",
                                  "start it with `dask scheduler` (and workers with `dask worker ADDRESS`), "
                                  "or drop --scheduler to run on this machine"),
    # a fatal problem of the input check made without an error of its own (planner.io.validate)
    "err.validate_issue": ("{message}", "{message}"),
    "fix.validate_issue": ("{fix}", "{fix}"),
}

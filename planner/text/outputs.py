"""Catalogue entries of the outputs domain: ``key -> (zh, en)``.

The errors of writing results: the output folder (:mod:`planner.outputs.rundir`,
:mod:`planner.outputs.writers`), GIS layers (:mod:`planner.outputs.layers`),
printed maps (:mod:`planner.outputs.printmap`), district reports
(:mod:`planner.outputs.report`) and province runs
(:mod:`planner.outputs.province`).  The English entries are the errors' own
``str()`` texts: the raises build their messages from them.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}

# the output folder (planner.outputs.rundir, planner.outputs.writers)
OUTPUT: dict[str, tuple[str, str]] = {
    "output.another_run": ("另一次运行", "another run"),
    "output.another_run_named": ("另一次运行（进程 {pid}，命令 `{command}`，开始于 {started}）",
                                 "another run (pid {pid}, `{command}`, started {started})"),
    "output.more": (" 等", " …"),
    "err.output_locked": ("{holder}正在写入输出文件夹 {out}", "the output folder {out} is being written by {holder}"),
    "fix.output_locked": ("请等它完成，或用 --out 另选输出文件夹", "wait for it to finish, or choose another --out folder"),
    "err.output_not_folder": ("输出路径已存在，但不是文件夹", "output path exists and is not a folder"),
    "fix.output_not_folder": ("--out 须指定一个文件夹", "pass a folder for --out"),
    "err.output_holds_input": ("输入文件 {name} 位于输出文件夹 {out} 内，而结果会替换整个文件夹",
                               "the input {name} is inside the output folder {out}; its results replace the "
                               "whole folder"),
    "fix.output_holds_input": ("用 --out 另选输出文件夹", "choose another --out folder"),
    "err.output_inside_input": ("输出文件夹 {out} 位于输入 {input} 之内", "the output folder {out} is inside the input {input}"),
    "fix.output_inside_input": ("用 --out 另选输出文件夹", "choose another --out folder"),
    "err.output_other_command": ("{out} 中是 `planner {previous}` 的结果，`planner {command}` 不会替换它们",
                                 "{out} holds the results of `planner {previous}`; `planner {command}` does not "
                                 "replace them"),
    "fix.output_other_command": ("为 `planner {command}` 用 --out 另选输出文件夹",
                                 "choose another --out folder for `planner {command}`"),
    "err.output_foreign_files": ("{out} 中有不是本工具写入的文件（{files}），写入结果会替换掉它们",
                                 "{out} holds files a run did not write ({files}); its results would replace them"),
    "fix.output_foreign_files": ("用 --out 指定一个新的或空的输出文件夹", "choose a new or empty --out folder"),
    "err.output_overwrites_input": ("把结果写入 {out} 会覆盖输入文件 {name}",
                                    "writing results to {out} would overwrite the input {name}"),
    "fix.output_overwrites_input": ("用 --out 另选输出文件夹", "choose another --out folder"),
}
TEXT.update(OUTPUT)

# GIS layers and shapefiles (planner.outputs.layers, planner.outputs.writers)
LAYERS: dict[str, tuple[str, str]] = {
    "err.layers_format_unknown": ("未知的图层格式：{formats}", "unknown layer format(s): {formats}"),
    "fix.layers_format_unknown": ("请使用 gpkg、geojson 或 shp", "use gpkg, geojson, shp"),
    "err.layers_encoding_unknown": ("不支持的 Shapefile 编码“{encoding}”", "unsupported shapefile encoding {encoding!r}"),
    "fix.layers_encoding_unknown": ("请使用 'utf-8' 或 'gbk'", "use 'utf-8' or 'gbk'"),
    "err.layers_not_encodable": ("图层 {layer} 的 {column} 列中的“{value}”无法用 {encoding} 编码保存",
                                 "layer {layer}, column {column}: {value!r} cannot be written in {encoding}"),
    "fix.layers_not_encodable": ("导出 Shapefile 时改用 UTF-8 编码（encoding='utf-8'；QGIS 和 ArcGIS 10.x 及以上版本"
                                 "能读取 .cpg 文件）",
                                 "export the shapefile with encoding='utf-8' (QGIS and ArcGIS 10.x+ read the .cpg)"),
}
TEXT.update(LAYERS)

# printed maps (planner.outputs.printmap)
MAPS: dict[str, tuple[str, str]] = {
    "err.no_cjk_font": ("找不到中文（CJK）字体，无法绘制中文专题图",
                        "no Chinese (CJK) font found, so the map cannot be drawn in Chinese"),
    "fix.no_cjk_font": ("重新安装本软件包（它依赖的 mplfonts 自带 Noto Sans CJK SC 字体），或安装中文字体"
                        "（Debian/Ubuntu：apt-get install fonts-wqy-microhei），或把环境变量 PLANNER_CJK_FONT "
                        "设为一个 .ttf/.otf/.ttc 字体文件",
                        "reinstall the package (it depends on mplfonts, which ships Noto Sans CJK SC), or install "
                        "a CJK font (Debian/Ubuntu: apt-get install fonts-wqy-microhei) or set PLANNER_CJK_FONT "
                        "to a .ttf/.otf/.ttc file"),
    "err.map_paper_unknown": ("未知的纸张大小“{paper}”", "unknown paper size {paper!r}"),
    "fix.map_paper_unknown": ("请使用 A4 或 A3", "use A4 or A3"),
    "err.map_orientation_unknown": ("未知的图幅方向“{orientation}”", "unknown orientation {orientation!r}"),
    "fix.map_orientation_unknown": ("请使用 landscape（横向）或 portrait（纵向）", "use landscape or portrait"),
    "err.map_type_unknown": ("未知的设施类型“{facility_type}”", "unknown facility type {facility_type!r}"),
    "fix.map_type_unknown": ("可选的类型：{types}", "one of: {types}"),
    "err.map_no_units": ("没有可绘制的单元", "no units to draw"),
    "fix.map_no_units": ("所选的街道/乡镇范围为空", "the district selection is empty"),
    "map.file_suffix": ("“{suffix}”格式", "{suffix}"),
    "map.file_no_suffix": ("无扩展名的文件", "a file without suffix"),
    "err.map_file_format": ("专题图不能保存为{suffix}", "cannot write a map as {suffix}"),
    "fix.map_file_format": ("文件名请以 .png 或 .pdf 结尾", "use a .png or .pdf file name"),
}
TEXT.update(MAPS)

# district reports (planner.outputs.report)
REPORTS: dict[str, tuple[str, str]] = {
    "err.report_by_unknown": ("未知的片区级别“{by}”", "unknown district level {by!r}"),
    "fix.report_by_unknown": ("请使用 street（街道）、township（乡镇）或 county（全县）", "use street, township or county"),
    "err.report_no_street_column": ("边界数据没有街道/乡镇列", "the boundaries have no street/township column"),
    "fix.report_no_street_column": ("在边界数据中增加“{column}”列，或使用 --by county",
                                    "add a {column} column to the boundaries, or use --by county"),
    "err.report_no_streets": ("没有包含社区的街道", "no streets with communities"),
    "fix.report_no_streets": ("改用 --by township 或 --by county", "try --by township or --by county"),
    "err.report_no_townships": ("没有包含行政村的乡镇", "no townships with villages"),
    "fix.report_no_townships": ("改用 --by street 或 --by county", "try --by street or --by county"),
}
TEXT.update(REPORTS)

# province runs, one county at a time (planner.outputs.province)
PROVINCE: dict[str, tuple[str, str]] = {
    "province.county_empty": ("的县为空", "an empty county"),
    "province.no_code": ("没有12位区划代码", "no 12-digit division code"),
    "err.province_no_county_column": ("边界数据既没有区划代码列也没有县列，无法区分各县",
                                      "the boundaries have no code or county column, so counties cannot be told apart"),
    "fix.province_no_county_column": ("增加12位“{code_label}”列或“{county_label}”列",
                                      "add the 12-digit division code ({code_label}) or a county ({county_label}) "
                                      "column"),
    "err.province_unit_no_county": ("{n} 个单元{what}（第 {rows} 行）", "{n} units have {what} (rows {rows})"),
    "fix.province_unit_no_county": ("填写12位“{code_label}”，或增加“{county_label}”列",
                                    "fill in the 12-digit code ({code_label}) or add a county ({county_label}) column"),
    "err.province_no_network": ("县域及其边界缓冲区内没有步行路网",
                                "no walking network within the county and its border buffer"),
    "fix.province_no_network": ("检查路网是否覆盖边界数据中的每个县", "check that the network covers every county of the boundaries"),
    "err.province_buffer_negative": ("县界缓冲距离须大于或等于 0 米，当前为 {buffer:g}",
                                     "the border buffer must be 0 or more metres, got {buffer:g}"),
}
TEXT.update(PROVINCE)

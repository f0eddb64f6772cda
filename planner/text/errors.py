"""Catalogue entries of the errors domain: ``key -> (zh, en)``.

``err.<code>`` says what is wrong, ``fix.<code>`` what to do; both are filled
with the error's params (``{at}``, ``{values}``... are worded per language, see
:func:`planner._errors.localised`).  The English entries are the errors' own
``str()`` texts: the readers build their messages from them.  ``io.*`` entries
are the pieces those messages are made of (row lists, column names).
"""

from __future__ import annotations

HEMISPHERE_WORDS: dict[str, tuple[str, ...] | str] = {
    "north": ("北纬", "北"), "south": ("南纬", "南"), "east": ("东经", "东"), "west": ("西经", "西"),
    "degree": "度", "minute": "分", "second": "秒",
}
"""Words of degrees-minutes-seconds coordinates (:mod:`planner.io.degrees`): hemispheres and unit marks."""

# pieces of messages
PIECES: dict[str, tuple[str, str]] = {
    "io.at.row": ("第 {rows} 行", "row {rows}"),
    "io.at.rows": ("第 {rows} 行", "rows {rows}"),
    "io.at.feature": ("第 {rows} 个要素", "feature {rows}"),
    "io.at.features": ("第 {rows} 个要素", "features {rows}"),
    "io.more": (" 等(另有 {n} 个)", " (and {n} more)"),
    "io.sep.list": ("、", ", "),
    "io.sep.clauses": ("；", "; "),
    "io.quoted": ("“{v}”", "{v!r}"),
    "io.names_after": ("：{names}", ": {names}"),
    "io.missing_column_part": ("{label}(查找了 {looked})", "{label} (looked for {looked})"),
    "io.kind.no_column": ("缺少", "no column for"),
    "io.kind.empty": ("为空的", "empty values of"),
    "io.your_column": ("你的列名", "YOUR_COLUMN"),
    # what to do in the app (hint style 'app'): the upload panel's choices, or a file beside the upload
    "io.app_hint.columns": ("“字段对应”（{pairs}）", "Column mapping ({pairs})"),
    "io.app_hint.pair": ("{label} → {column}", "{label} → {column}"),
    "io.app_hint.layer": ("“图层”选择“{value}”", "Layer {value!r}"),
    "io.app_hint.coord_system": ("“经纬度坐标系”选择 {value}", "Coordinate system of lon/lat {value}"),
    "io.app_hint.crs": ("“坐标系（EPSG）”为 {value}", "Coordinate system (EPSG) {value}"),
    "io.app_hint.encoding": ("编码 {value}（在压缩包中附上内容为 {value} 的 .cpg 文件）",
                             "encoding {value} (a .cpg file reading {value} in the zip)"),
}

# opening files (planner.io.files)
FILES: dict[str, tuple[str, str]] = {
    "err.file_not_found": ("文件不存在", "file not found"),
    "fix.file_not_found": ("检查路径和文件名拼写", "check the path and spelling"),
    "err.is_folder": ("这是文件夹，不是文件", "is a folder, not a file"),
    "fix.is_folder": ("请选择其中的 .shp/.gpkg/.geojson/.csv/.xlsx 文件",
                      "give the .shp/.gpkg/.geojson/.csv/.xlsx file inside it"),
    "err.unsupported_type": ("不支持的文件类型 {suffix!r}", "unsupported file type {suffix!r}"),
    "fix.unsupported_type": ("支持：{supported}", "supported: {supported}"),
    "err.file_empty": ("文件为空(0字节)", "file is empty (0 bytes)"),
    "fix.file_empty": ("重新导出数据", "export the data again"),
    "err.zip_invalid": ("不是有效的zip压缩包", "is not a valid zip archive"),
    "fix.zip_invalid": ("重新压缩Shapefile的各个文件", "zip the shapefile's files again"),
    "err.zip_unsafe_path": ("压缩包内文件路径不安全(含“..”或绝对路径)：{entry!r}",
                            "zip entry {entry!r} has an unsafe path (absolute or with '..')"),
    "fix.zip_unsafe_path": ("用普通的相对文件名重新压缩", "re-create the zip with plain relative file names"),
    "err.zip_no_dataset": ("压缩包中没有 .shp、.gpkg 或 .geojson 文件",
                           "zip contains no .shp, .gpkg or .geojson file"),
    "fix.zip_no_dataset": ("将 .shp 与其 .shx、.dbf、.prj 一起压缩",
                           "zip the .shp together with its .shx, .dbf and .prj"),
    "err.zip_many_datasets": ("压缩包中有多个数据集：{values}", "zip contains several datasets: {values}"),
    "io.name_placeholder": ("名称", "NAME"),
    "err.dms_converted": ("列 {column!r} 中 {n} 个坐标为度分秒格式(如 {example})，已换算为十进制度数：{at}",
                          "{n} coordinate(s) in column {column!r} are in degrees-minutes-seconds (e.g. "
                          "{example}); converted to decimal degrees at {at}"),
    "fix.dms_converted": ("核对这些点的位置；导出时可改用十进制度数，如 116.3915",
                          "check these points; export decimal degrees (e.g. 116.3915) to silence this"),
    "err.dms_invalid": ("列 {column!r} 中的度分秒坐标不可能成立(分或秒不小于60、度数超限、半球字母与列不符等)：{at}",
                        "impossible degrees-minutes-seconds in column {column!r} (minutes or seconds of 60 or "
                        "more, degrees out of range, a hemisphere of the other axis...) at {at}"),
    "fix.dms_invalid": ("改正这些单元格，如 116°23'29.5\"E 或 39°54'27\"N(分、秒须小于60)",
                        "correct these cells, e.g. 116°23'29.5\"E or 39°54'27\"N (minutes and seconds below 60)"),
    "err.input_option_invalid": ("{option} {value!r} 无法识别(或同一输入给了两个不同的值)",
                                 "{option} {value!r} is not understood (or one input was given two values)"),
    "fix.input_option_invalid": ("写成 输入=值(输入为 {inputs} 之一)，或只写值表示所有输入，如 {option} boundaries=units",
                                 "write INPUT=VALUE (INPUT one of {inputs}), or a bare value for every input, "
                                 "e.g. {option} boundaries=units"),
    "fix.zip_many_datasets": ("用 {layer_arg} 指定其中之一：{stems}", "pass {layer_arg} with one of {stems}"),
    "err.text_garbled": ("文本属性无法按UTF-8/GBK/GB18030解码，可能乱码；请添加.cpg文件或指定编码 {encoding_arg}",
                         "text attributes could not be decoded as UTF-8, GBK or GB18030 and may be "
                         "garbled; add a .cpg file or pass {encoding_arg}."),
    "err.rings_closed": ("多边形边界首尾不闭合，已在 {n} 个要素处自动闭合，请在QGIS中核对",
                         "polygon rings that do not close (首尾不闭合) were closed at {n} feature(s); "
                         "check the boundaries in QGIS."),
    "err.text_undecodable": ("属性文本无法解码({detail})", "attribute text could not be decoded ({detail})"),
    "fix.text_undecodable": ("指定正确的编码，如 {encoding_arg} 或 'utf-8'(GDAL名称如 'ISO-8859-1'、'CP936')，"
                             "或添加 .cpg 文件",
                             "pass the right encoding, e.g. {encoding_arg} or 'utf-8' (GDAL names such as "
                             "'ISO-8859-1', 'CP936'), or add a .cpg file"),
    "err.layer_unreadable": ("无法作为GIS图层读取({detail})", "could not be read as a GIS layer ({detail})"),
    "fix.layer_unreadable": ("检查文件能否在QGIS中打开；Shapefile需要 .shx、.dbf 和 .prj 与 .shp 放在一起(或一起压缩)",
                             "check the file opens in QGIS; a shapefile needs its .shx, .dbf and .prj "
                             "next to the .shp (or zip them all together)"),
    "err.layer_damaged": ("文件已损坏或不完整(可能在复制或上传时中断)",
                          "is damaged or incomplete (perhaps cut short while copied or uploaded)"),
    "fix.layer_damaged": ("从原软件(如QGIS、ArcGIS)重新导出或重新复制该文件后再试",
                          "export or copy the file again from its source (e.g. QGIS, ArcGIS) and retry"),
    "err.layer_unopenable": ("无法作为GIS图层打开({detail})", "could not be opened as a GIS layer ({detail})"),
    "fix.layer_unopenable": ("检查文件能否在QGIS中打开；Shapefile需要 .shx 和 .dbf 与 .shp 放在一起(或一起压缩)",
                             "check the file opens in QGIS; a shapefile needs its .shx and .dbf "
                             "next to the .shp (or zip them all together)"),
    "err.no_layer": ("没有图层 {layer!r}", "has no layer {layer!r}"),
    "fix.no_layer": ("可用的图层：{layers}", "available layers: {layers}"),
    "err.several_layers": ("文件包含 {n} 个图层({layers})，已读取 {layer!r}；可用 {layer_arg} 指定其他图层",
                           "has {n} layers ({layers}); reading {layer!r}. Pass {layer_arg} to choose another."),
    "err.csv_encoding": ("文本编码既不是UTF-8也不是GBK/GB18030", "text is neither UTF-8 nor GBK/GB18030"),
    "fix.csv_encoding": ("在Excel/WPS中另存为“CSV UTF-8”", "save the CSV as 'CSV UTF-8' in Excel/WPS"),
    "err.no_rows": ("文件中没有数据行", "contains no rows"),
    "fix.no_rows": ("检查导出的文件", "check the export"),
    "err.no_rows_below_header": ("文件中没有数据行", "contains no rows"),
    "fix.no_rows_below_header": ("检查工作表/导出文件在表头下方有数据",
                                 "check the sheet/export has data below the header"),
    "err.csv_unreadable": ("无法读取表格(CSV：{detail})", "could not be read as CSV ({detail})"),
    "fix.csv_unreadable": ("检查每一行的列数是否相同", "check that every line has the same number of columns"),
    "err.xls_needs_xlrd": ("读取旧版 .xls 文件需要安装 xlrd", "reading old .xls files needs the 'xlrd' package"),
    "fix.xls_needs_xlrd": ("将工作表另存为 .xlsx(或 .csv)，或 pip install xlrd",
                           "save the sheet as .xlsx (or .csv), or pip install xlrd"),
    "err.no_sheet": ("没有工作表 {sheet!r}", "has no sheet {sheet!r}"),
    "fix.no_sheet": ("可用的工作表：{sheets}", "available sheets: {sheets}"),
    "err.excel_unreadable": ("无法读取表格(Excel：{detail})", "could not be read as an Excel workbook ({detail})"),
    "fix.excel_unreadable": ("在Excel/WPS中打开并另存为 .xlsx", "open and re-save it in Excel/WPS as .xlsx"),
    "err.no_features": ("文件中没有数据(要素)", "contains no features"),
    "fix.no_features": ("重新导出该图层", "export the layer again"),
    "err.boundaries_no_features": ("文件中没有数据(要素)", "contains no features"),
    "fix.boundaries_no_features": ("重新导出边界图层", "export the boundary layer again"),
}

# columns and values (planner.io.columns)
COLUMNS: dict[str, tuple[str, str]] = {
    "err.unknown_mapping_key": ("列对应关系中有未知的字段 {key!r}", "the column mapping names unknown field {key!r}"),
    "fix.unknown_mapping_key": ("字段名必须是：{keys}", "the fields must be among {keys}"),
    "err.mapped_column_missing": ("为 {key!r} 指定的列 {column!r} 不在文件中",
                                  "column {column!r} given for {key!r} is not in the file"),
    "fix.mapped_column_missing": ("文件中的列：{columns}", "available columns: {columns}"),
    "err.missing_column": ("缺少必需的列：{label}(查找了 {looked}；文件中的列为 {has})",
                           "no column for {label} (looked for {looked}; the file has {has})"),
    "fix.missing_column": ("重命名该列，或用 {set} 指定", "rename your column or pass {set}"),
    "err.missing_columns": ("缺少必需的列：{missing}", "no columns for {missing}"),
    "fix.missing_columns": ("重命名这些列，或用 {set} 指定；文件中的列为 {has}",
                            "rename your columns or pass {set}; the file has {has}"),
    "err.not_number": ("{label}(列 {column!r})数值缺失或不是数字：{at}(值：{values})",
                       "{label} in column {column!r} is missing or not a number at {at} (values: {values})"),
    "fix.not_number": ("填写纯数字(不带单位或文字)", "fill in plain numbers (no units or text)"),
    "err.negative": ("{label}(列 {column!r})数值为负：{at}", "{label} in column {column!r} is negative at {at}"),
    "fix.negative": ("数值必须大于或等于0", "values must be 0 or more"),
    "err.id_empty": ("{label}(列 {column!r})为空：{at}", "{label} in column {column!r} is empty at {at}"),
    "fix.id_empty": ("填写每一个编号，或删除该列以自动生成编号",
                     "fill in every id, or remove the column to have ids generated"),
    "err.duplicate_ids": ("编号重复({column_zh}，列 {column!r})：{values}，{at}",
                          "duplicate ids ({column_zh}) in column {column!r}: {values} at {at}"),
    "fix.duplicate_ids": ("使每个编号唯一", "make every id unique"),
}

# boundaries (planner.io.boundaries)
BOUNDARIES: dict[str, tuple[str, str]] = {
    "err.unit_no_geometry": ("缺少几何图形：{at}", "has no geometry at {at}"),
    "fix.unit_no_geometry": ("绘制边界或删除该行", "draw the boundary or delete the row"),
    "err.not_polygons": ("边界必须是面(多边形)图层，但{at}为 {values}",
                         "boundaries must be polygons but found {values} at {at}"),
    "fix.not_polygons": ("提供社区/行政村的边界多边形，而不是点或线",
                         "give the community/village boundary polygons, not points or lines"),
    "err.polygons_unrepairable": ("无效多边形无法自动修复：{at}", "invalid polygons could not be repaired at {at}"),
    "fix.polygons_unrepairable": ("在QGIS中修复(矢量 > 几何工具 > 修复几何)",
                                  "fix them in QGIS (Vector > Geometry Tools > Fix Geometries)"),
    "err.polygons_repaired": ("已修复无效多边形(自相交等)：{at}，请在QGIS中核对",
                              "repaired invalid polygons (self-intersections etc.) at {at}; check them in QGIS."),
    "err.codes_not_12_digits": ("{column_zh}(列 {column!r})不是12位数字：{at}(如 {values})，请检查该列是否被截断或四舍五入",
                                "division codes ({column_zh}) in column {column!r} are not 12 digits at {at} "
                                "(e.g. {values}); check the column is not rounded or cut."),
    "err.unit_name_empty": ("{label}(列 {column!r})为空：{at}", "{label} in column {column!r} is empty at {at}"),
    "fix.unit_name_empty": ("为每个社区/行政村填写名称", "give every community/village a name"),
    "err.unknown_kind": ("单元类型无法识别({column_zh}，列 {column!r})：{values}，{at}",
                         "unknown unit kind ({column_zh}) values {values} in column {column!r} at {at}"),
    "fix.unknown_kind": ("使用 社区/community 或 行政村/village(或城乡分类代码 111–220)",
                         "use 社区/community or 行政村/village (or urban-rural codes 111–220)"),
    "err.kind_not_inferred": ("{what}{label}，且无法根据名称或区划代码推断：{at}",
                              "{what} {label} and it cannot be inferred from the name or code at {at}"),
    "fix.kind_not_inferred": ("增加“类型”列，填写 社区 或 行政村(或用 {set} 指定)",
                              "add a column 类型 with 社区 or 行政村 (or pass {set})"),
    "err.kind_inferred": ("根据名称(…社区/…村)或区划代码推断了 {n} 个单元的{column_zh}；可增加“类型”列明确指定",
                          "inferred the unit kind ({column_zh}) of {n} feature(s) from names (…社区 / …村) or "
                          "division codes; add a 类型 column to set it explicitly."),
    "err.pop60_exceeds": ("60岁以上人口(列 {pop60_column!r})大于总人口(列 {population_column!r})：{at}",
                          "the population aged 60+ (60岁以上人口, column {pop60_column!r}) exceeds the total "
                          "population (总人口, column {population_column!r}) at {at}"),
    "fix.pop60_exceeds": ("检查两列是否填反，并使用同一人口口径",
                          "check the two columns are not swapped and use the same population basis"),
}

# points and facilities (planner.io.points)
POINTS: dict[str, tuple[str, str]] = {
    "err.default_type_unknown": ("default_type={value!r} 不是设施类型", "default_type={value!r} is not a facility type"),
    "fix.default_type_unknown": ("使用以下之一：{accepted}", "use one of {accepted}"),
    "err.default_status_unknown": ("default_status={value!r} 不是状态", "default_status={value!r} is not a status"),
    "fix.default_status_unknown": ("使用 existing、planned 或 candidate", "use existing, planned or candidate"),
    "err.facility_name_empty": ("{label}(列 {column!r})为空：{at}", "{label} in column {column!r} is empty at {at}"),
    "fix.facility_name_empty": ("为每个设施填写名称(候选点可用其编号命名)",
                                "give every facility a name (candidate sites can be named after their id)"),
    "err.unknown_type": ("{column_zh}无法识别(列 {column!r})：{values}，{at}",
                         "unknown facility types ({column_zh}) {values} in column {column!r} at {at}"),
    "fix.unknown_type": ("使用 {accepted} 之一，或中文名称如 日间照料中心、综合养老服务中心、嵌入式养老院、农村幸福院、老年助餐点、敬老院",
                         "use one of {accepted} or a Chinese name such as 日间照料中心, 综合养老服务中心, "
                         "嵌入式养老院, 农村幸福院, 老年助餐点, 敬老院"),
    "err.type_empty": ("{label}为空：{at}", "{label} is empty at {at}"),
    "fix.type_empty": ("填写类型，或用 default_type= 指定以下之一：{accepted}",
                       "fill it in or pass default_type= one of {accepted}"),
    "err.missing_type_column": ("缺少必需的列：{label}(查找了 {looked})", "no column for {label} (looked for {looked})"),
    "fix.missing_type_column": ("增加类型列，或用 {set} 指定，或用 default_type= 指定以下之一：{accepted}",
                                "add a type column, pass {set}, or pass default_type= one of {accepted}"),
    "err.unknown_status": ("{column_zh}无法识别(列 {column!r})：{values}，{at}",
                           "unknown status ({column_zh}) values {values} in column {column!r} at {at}"),
    "fix.unknown_status": ("使用 existing/现有、planned/规划 或 candidate/候选",
                           "use existing/现有, planned/规划 or candidate/候选"),
    "err.addresses_only": ("只有地址(列 {column!r})，没有经纬度列，请先进行地址解析(地理编码)",
                           "has addresses (column {column!r}) but no longitude/latitude (经度/纬度) columns"),
    "fix.addresses_only": ("先对地址进行批量地理编码(如高德/百度)，增加“经度/纬度”列，并指定 {coord_system_arg}(高德)或 'bd09'(百度)",
                           "geocode the addresses first (e.g. Amap/Baidu batch geocoding), add the "
                           "经度/纬度 columns and pass {coord_system_arg} (Amap) or 'bd09' (Baidu)"),
    "err.coords_not_numeric": ("经纬度缺失或不是数字：{at}", "missing or non-numeric longitude/latitude (经度/纬度) at {at}"),
    "fix.coords_not_numeric": ("填写十进制度数，如 116.397 和 39.909(行号从表头下一行起算)",
                               "fill in decimal degrees such as 116.397 and 39.909 (rows counted from the first "
                               "row below the header)"),
    "err.lonlat_swapped": ("经度和纬度疑似颠倒：{at}(列 {lon_column!r} 与 {lat_column!r})",
                           "longitude and latitude look swapped (经度/纬度颠倒) at {at}: columns {lon_column!r} "
                           "and {lat_column!r}"),
    "fix.lonlat_swapped": ("交换两列(在中国经度约73–135，纬度约18–53)，或指定 {set}",
                           "swap the two columns (longitude ~73–135, latitude ~18–53 in China), or pass {set}"),
    "err.lonlat_swapped_layer": ("经度和纬度疑似颠倒：{at}", "longitude and latitude look swapped (经度/纬度颠倒) at {at}"),
    "fix.lonlat_swapped_layer": ("图层的x/y轴互换了；修正 .prj/坐标轴顺序后重新导出",
                                 "the layer's x/y axes are exchanged; fix the .prj / axis order and export again"),
    "err.coords_out_of_range": ("坐标超出范围(经度-180~180，纬度-90~90)：{at}",
                                "coordinates out of range (longitude -180..180, latitude -90..90) at {at}"),
    "fix.coords_out_of_range": ("填写十进制度数；如为投影坐标x/y(米)，请指定 {crs_arg}",
                                "give decimal degrees; for projected x/y (metres) pass {crs_arg}"),
    "err.point_no_geometry": ("缺少几何图形：{at}", "has no geometry at {at}"),
    "fix.point_no_geometry": ("放置该点或删除该行", "place the point or delete the row"),
    "err.multipoint_several": ("多点要素包含多个点：{at}", "MultiPoint features with several points at {at}"),
    "fix.multipoint_several": ("拆分为单点(QGIS：多部件转单部件)",
                               "explode them into single points (QGIS: Multipart to Singleparts)"),
    "err.not_points": ("设施必须是点图层，但{at}为 {values}", "expected points but found {values} at {at}"),
    "fix.not_points": ("每个设施一个点(QGIS：面转质心)", "give one point per facility (QGIS: Centroids for polygons)"),
    "err.title_rows": ("表格前 {n} 行像标题(合并单元格)，已使用第 {header_row} 行作为表头；删除标题行可消除此警告",
                       "the first {n} row(s) look like a title (标题行/合并单元格); row {header_row} of the sheet "
                       "was used as the header. Delete the title rows to silence this warning."),
}

# coordinate systems (planner.io.crs)
CRS: dict[str, tuple[str, str]] = {
    "err.unknown_coord_system": ("未知的坐标系 {system!r}", "unknown coordinate system {system!r}"),
    "fix.unknown_coord_system": ("使用以下之一：{systems}(gcj02 = 高德/腾讯，bd09 = 百度，wgs84 = GPS/OpenStreetMap)",
                                 "use one of {systems} (gcj02 = Amap/Tencent, bd09 = Baidu, "
                                 "wgs84 = GPS/OpenStreetMap)"),
    "err.crs_bad_centre": ("无法为中心点 ({lon}, {lat}) 选择投影", "cannot choose a projection for centre ({lon}, {lat})"),
    "fix.crs_bad_centre": ("经度应在-180~180，纬度应在-90~90度之间",
                           "give longitude in -180..180 and latitude in -90..90 degrees"),
    "err.layer_no_crs": ("图层缺少坐标系", "the layer has no coordinate system"),
    "fix.layer_no_crs": ("先设置坐标系，如 gdf.set_crs('EPSG:4326')", "set one first, e.g. gdf.set_crs('EPSG:4326')"),
    "err.no_geometry_to_centre": ("图层没有可用于确定投影中心的几何图形",
                                  "the layer has no geometry to centre a projection on"),
    "err.crs_invalid": ("{crs_arg} 不是可识别的坐标系", "{crs_arg} is not a coordinate system pyproj understands"),
    "fix.crs_invalid": ("使用EPSG代码，如 'EPSG:4490' 或 'EPSG:4548'", "use an EPSG code such as 'EPSG:4490' or 'EPSG:4548'"),
    "err.crs_overridden": ("文件自带坐标系({file_crs})与指定的不同，已按指定坐标系 {crs_arg} 处理",
                           "the file says {file_crs}; using {crs_arg} as you asked."),
    "err.crs_missing": ("缺少坐标系(.prj文件缺失？)", "has no coordinate system (.prj missing?)"),
    "fix.crs_missing": ("指定 {crs_arg} 或正确的坐标系(如CGCS2000高斯-克吕格中央经线117°E为 'EPSG:4548')，或补充 .prj 文件",
                        "pass {crs_arg} or the right one (e.g. 'EPSG:4548' for CGCS2000 Gauss-Krüger CM "
                        "117E), or add the .prj file"),
    "err.crs_looks_projected": ("坐标像是投影坐标(米；范围 {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f})，"
                                "但坐标系 {crs} 是经纬度",
                                "coordinates look projected (bounds {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) "
                                "but the coordinate system {crs} is in degrees"),
    "fix.crs_looks_projected": ("指定真实的投影坐标系，如 {crs_arg}(CGCS2000 3度带高斯-克吕格，中央经线117°E)",
                                "pass the real projected crs, e.g. {crs_arg} (CGCS2000 3-degree "
                                "Gauss-Krüger CM 117E)"),
    "err.crs_convert_failed": ("无法从 {crs} 转换为WGS-84({detail})", "could not convert from {crs} to WGS-84 ({detail})"),
    "fix.crs_convert_failed": ("检查 .prj 文件或指定 {crs_arg}", "check the .prj or pass {crs_arg}"),
}

TEXT: dict[str, tuple[str, str]] = {**PIECES, **FILES, **COLUMNS, **BOUNDARIES, **POINTS, **CRS}

# the validation report (planner.io.validate)
VALIDATE: dict[str, tuple[str, str]] = {
    "validate.none": ("输入检查通过，未发现问题。", "No problems found in the inputs."),
    "validate.progress.reading": ("{role}：{what}", "{role}: {what}"),
    "validate.progress.data": ("（已读入的数据）", "data"),
    "validate.progress.positions": ("核对各点与道路的位置", "checking positions against the streets"),
    "validate.head": ("输入检查：{errors} 个错误，{others} 个警告/修复",
                      "Input check: {errors} errors, {others} warnings/repairs"),
    "validate.severity.error": ("错误", "ERROR"),
    "validate.severity.warning": ("警告", "warning"),
    "validate.severity.repaired": ("已修复", "repaired"),
    "validate.default_fix.boundaries": ("重新导出边界图层为GeoPackage或压缩的Shapefile",
                                        "export the boundary layer again as GeoPackage or zipped Shapefile"),
    "validate.default_fix.facilities": ("重新导出设施表(CSV UTF-8 或带“经度/纬度”列的 XLSX)",
                                        "export the facility table again (CSV UTF-8 or XLSX with 经度/纬度 columns)"),
    "validate.default_fix.points": ("重新导出点数据(CSV UTF-8 或带“经度/纬度”列的 XLSX)",
                                    "export the points again (CSV UTF-8 or XLSX with 经度/纬度 columns)"),
    "validate.default_fix.network": ("重新导出步行路网(Geofabrik/BBBike 的 .osm.pbf、JOSM/Overpass 的 .osm，"
                                     "或 osmnx 保存的 .graphml)",
                                     "export the walking network again (.osm.pbf from Geofabrik/BBBike, .osm from "
                                     "JOSM/Overpass, or .graphml saved by osmnx)"),
    "validate.count.community": ("{n}个社区", "{n} communities"),
    "validate.count.village": ("{n}个行政村", "{n} villages"),
    "validate.count.other": ("{n}个{kind}", "{n} {kind}s"),
    "validate.overlap_pair": ("{a}与{b}重叠{share:.0%}", "{a} / {b} {share:.0%}"),
    "err.reader_failed": ("无法读取({detail})", "could not be read ({detail})"),
    "fix.reader_failed": ("检查文件能否在QGIS/JOSM中打开；并将此文件报告给开发者",
                          "check the file opens in QGIS/JOSM; report this file to the developers"),
    "err.several_problems": ("输入中有 {n} 个问题：\n{lines}", "{n} problems in the inputs:\n{lines}"),
    "fix.several_problems": ("修正后重新运行(planner validate 会列出所有问题)",
                             "fix them and run again (planner validate lists every problem)"),
    "err.network_elsewhere": ("步行路网未覆盖研究区(所有社区/行政村{max_snap:,.0f}米内均无道路)",
                              "the walking network does not reach the study area (no street within "
                              "{max_snap:,.0f} m of any community/village)"),
    "fix.network_elsewhere": ("使用覆盖本县的路网数据(并确认边界的坐标系正确)",
                              "use a network extract that covers the county (and boundaries in the right "
                              "coordinate system)"),
    "err.gcj02_suspected": ("疑似GCJ-02(高德/腾讯坐标)：各点一致地偏离道路约{lo:,.0f}–{hi:,.0f}米(到道路距离中位数"
                            "{before:,.0f}米；按gcj02换算后为{after:,.0f}米)",
                            "GCJ-02 (Amap/Tencent) suspected: the points sit a consistent {lo:,.0f}–{hi:,.0f} m off "
                            "the streets (median {before:,.0f} m from a street; {after:,.0f} m once converted from "
                            "gcj02)"),
    "fix.gcj02_suspected": ("按GCJ-02换算：指定 {coord_system_arg}，或在应用中选择“GCJ-02(高德、腾讯)”",
                            "pass {coord_system_arg} (in the app: GCJ-02 (Amap, Tencent))"),
    "err.bd09_suspected": ("疑似BD-09(百度坐标)：各点一致地偏离道路约{lo:,.0f}–{hi:,.0f}米(到道路距离中位数"
                           "{before:,.0f}米；按bd09换算后为{after:,.0f}米)",
                           "BD-09 (Baidu) suspected: the points sit a consistent {lo:,.0f}–{hi:,.0f} m off the "
                           "streets (median {before:,.0f} m from a street; {after:,.0f} m once converted from bd09)"),
    "fix.bd09_suspected": ("按BD-09换算：指定 {coord_system_arg}，或在应用中选择“BD-09(百度)”",
                           "pass {coord_system_arg} (in the app: BD-09 (Baidu))"),
    "err.facility_far": ("第 {listed} 行：{n}个设施距最近可步行道路超过{max_snap:,.0f}米(最远{farthest:,.0f}米)，"
                         "步行从最近道路起算并标记{names}",
                         "rows {listed}: {n} facilities are more than {max_snap:,.0f} m from any walkable street "
                         "(up to {farthest:,.0f} m): their walk starts at the nearest street and they are "
                         "marked{names}"),
    "fix.facility_far": ("核对这些点的坐标(坐标系是否正确？)，或在路网中补充缺失的道路",
                         "check their coordinates (coordinate system?) or add the missing paths to the network"),
    "err.point_far": ("第 {listed} 行：{n}个点距最近可步行道路超过{max_snap:,.0f}米(最远{farthest:,.0f}米)，"
                      "步行从最近道路起算并标记{names}",
                      "rows {listed}: {n} points are more than {max_snap:,.0f} m from any walkable street "
                      "(up to {farthest:,.0f} m): their walk starts at the nearest street and they are "
                      "marked{names}"),
    "fix.point_far": ("核对这些点的坐标(坐标系是否正确？)，或在路网中补充缺失的道路",
                      "check their coordinates (coordinate system?) or add the missing paths to the network"),
    "err.unit_far": ("{units}在{max_snap:,.0f}米内没有可步行道路：其覆盖按最近道路计算并标记({names})",
                     "{units} have no walkable street within {max_snap:,.0f} m: their coverage is computed from "
                     "the nearest street and marked ({names})"),
    "fix.unit_far": ("核对路网是否覆盖这些单元(OpenStreetMap可能缺少村内道路：可在JOSM中补绘，或提供本地道路图层)",
                     "check the network covers them (OpenStreetMap may lack village lanes; add them in JOSM or "
                     "supply a local road layer)"),
    "err.unit_no_street": ("{units}内部没有可步行道路：人口置于内部一点并从最近道路起算({names})",
                           "{units} have no walkable street inside: their population is placed at one interior "
                           "point and walked from the nearest street ({names})"),
    "fix.unit_no_street": ("在路网中补充缺失的道路，或提供建筑点位",
                           "add the missing lanes to the network, or supply building points"),
    "err.overlap": ("{n}对边界相互重叠(超过较小者面积的1%)：{pairs}。重叠区的人口会被重复计算",
                    "{n} pairs of boundaries overlap (by more than 1 % of the smaller one): {pairs}. "
                    "Population in the overlap is counted twice"),
    "fix.overlap": ("在QGIS中清理边界(矢量 > 几何工具 > 检查有效性 / 拓扑检查器)",
                    "clean the boundaries in QGIS (Vector > Geometry Tools > Check Validity / Topology Checker)"),
    "err.site_outside_area": ("坐标 {lon:.6f}, {lat:.6f} (WGS-84) 不在研究区域内",
                              "{lon:.6f}, {lat:.6f} (WGS-84) is outside the study area"),
    "err.edit_outside_area": ("方案第{n}项修改({id})：坐标 {lon:.6f}, {lat:.6f} (WGS-84) 不在研究区域内",
                              "scenario edit {n} ({id}): {lon:.6f}, {lat:.6f} (WGS-84) is outside the study area"),
    "fix.edit_outside_area": ("该方案可能是为其他县或其他坐标系制作的：核对方案文件中的经纬度(WGS-84)，或删除该项修改",
                              "the scenario was probably made for another county or coordinate system: check the "
                              "edit's longitude/latitude (WGS-84) in the scenario file, or delete the edit"),
    "fix.site_outside_area": ("新设施须在研究区内(各社区/行政村外2公里以内)：请检查坐标系和经纬度，或在地图上点击县内位置",
                              "a facility must be placed within the study area (2 km around its communities and "
                              "villages): check the coordinate system and the numbers, or click inside the county"),
    "err.outside_area": ("第 {listed} 行：{n}个设施位于研究区(所有社区/行政村)之外(最远{farthest:,.0f}米)；"
                         "它们仍为步行可达的单元服务",
                         "rows {listed}: {n} facilities lie outside the study area (up to {farthest:,.0f} m beyond "
                         "any community/village); they still serve units within walking distance"),
    "fix.outside_area": ("核对其坐标；如为邻县设施且不需要，可删除",
                         "check their coordinates, or remove facilities of neighbouring counties if unwanted"),
    "err.duplicate": ("{n}组设施疑似重复(同类型且相距{distance:g}米内，或同名同类型)：{groups}",
                      "{n} groups of facilities look duplicated (same type within {distance:g} m, or same name "
                      "and type): {groups}"),
    "fix.duplicate": ("从文件中删除重复项，或用 planner analyse --merge-duplicates 合并(记为已修复)",
                      "delete the duplicates from the file, or merge them with planner analyse "
                      "--merge-duplicates (Python: planner.io.validate.merge_duplicates; listed as repaired)"),
    "err.duplicate_merged": ("已合并重复设施 {ids}，保留 {kept}", "merged duplicate facilities {ids} into {kept}"),
}

TEXT.update(VALIDATE)

# uploads (planner.io.uploads)
UPLOADS: dict[str, tuple[str, str]] = {
    "upload.and": ("和", " and "),
    "err.unusable_name": ("无法使用的文件名 {name!r}", "unusable file name {name!r}"),
    "fix.unusable_name": ("重命名文件后重新上传", "rename the file and upload it again"),
    "err.unknown_upload_kind": ("未知的上传类型 {kind!r}", "unknown upload kind {kind!r}"),
    "fix.unknown_upload_kind": ("使用以下之一：{kinds}", "one of {kinds}"),
    "err.upload_type_refused": ("不支持的文件类型 {suffix!r}",
                                "file type {suffix!r} is not accepted here (不支持的文件类型)"),
    "fix.upload_type_refused": ("可接受：{accepted}", "accepted: {accepted}"),
    "err.upload_cad_refused": ("不支持的文件类型 {suffix!r}",
                               "file type {suffix!r} is not accepted here (不支持的文件类型)"),
    "fix.upload_cad_refused": ("可接受：{accepted}；请先在QGIS中将KML/DWG/CAD图纸转换为GeoPackage或Shapefile",
                               "accepted: {accepted}; convert KML/DWG/CAD drawings to GeoPackage or Shapefile "
                               "in QGIS first"),
    "err.upload_too_large": ("文件过大({mb:,.1f} MB；{kind} 的上限为 {limit:,.0f} MB)",
                             "file is too large ({mb:,.1f} MB; limit {limit:,.0f} MB for {kind}) (文件过大)"),
    "fix.upload_too_large": ("将数据裁剪到本县，或改用命令行(planner analyse)",
                             "clip the data to the county, or run the command line (planner analyse) instead"),
    "err.upload_executable": ("看起来是程序或脚本(可执行文件)，不是数据",
                              "looks like a program or script, not data (可执行文件)"),
    "fix.upload_executable": ("上传数据文件本身", "upload the data file itself"),
    "err.upload_content_mismatch": ("文件内容与扩展名不符：不是 {suffix} 文件",
                                    "the content is not a {suffix} file (文件内容与扩展名不符)"),
    "fix.upload_content_mismatch": ("检查文件确实以该格式导出，而不是改了扩展名",
                                    "check the file was exported in that format and not renamed"),
    "err.upload_zip_invalid": ("不是有效的zip压缩包", "is not a valid zip archive"),
    "fix.upload_zip_invalid": ("重新压缩这些文件", "zip the files again"),
    "err.zip_too_many_members": ("压缩包有 {n:,} 个文件(上限 {limit:,})", "zip has {n:,} members (limit {limit:,})"),
    "fix.zip_too_many_members": ("只压缩一个图层的文件", "zip only the files of one layer"),
    "err.upload_zip_unsafe_path": ("压缩包内文件路径不安全(含“..”或绝对路径)：{entry!r}",
                                   "zip entry {entry!r} has an unsafe path (absolute or with '..') (压缩包路径不安全)"),
    "fix.upload_zip_unsafe_path": ("用普通的相对文件名重新压缩", "re-create the zip with plain relative file names"),
    "err.zip_symlink": ("压缩包内的 {entry!r} 是符号链接", "zip entry {entry!r} is a symbolic link"),
    "fix.zip_symlink": ("压缩文件本身", "zip the files themselves"),
    "err.zip_encrypted": ("压缩包内的 {entry!r} 已加密", "zip entry {entry!r} is encrypted"),
    "fix.zip_encrypted": ("不设密码重新压缩", "zip it without a password"),
    "err.zip_too_large": ("压缩包解压后将超过 {limit:,.0f} MB(疑似压缩炸弹)",
                          "zip would unpack to more than {limit:,.0f} MB (decompression bomb?) (解压后过大)"),
    "fix.zip_too_large": ("直接上传图层，或将其裁剪到本县", "upload the layer itself or clip it to the county"),
    "err.zip_bomb": ("压缩包疑似压缩炸弹：{entry!r} 解压后是压缩大小的 {ratio:,.0f} 倍({mb:,.0f} MB)",
                     "zip entry {entry!r} unpacks {ratio:,.0f} times larger than stored ({mb:,.0f} MB): "
                     "a decompression bomb? (疑似压缩炸弹)"),
    "fix.zip_bomb": ("不要使用此压缩包，直接上传数据", "upload the data without this archive"),
    "err.zip_archive_member": ("压缩包内的 {entry!r} 是压缩包或程序，不是数据",
                               "zip entry {entry!r} is an archive or a program, not data"),
    "fix.zip_archive_member": ("只压缩图层的文件(.shp .shx .dbf .prj .cpg)",
                               "zip only the layer's files (.shp .shx .dbf .prj .cpg)"),
    "err.zip_unexpected_member": ("压缩包内的 {entry!r} 不是预期的文件类型({suffix})",
                                  "zip entry {entry!r} is not an expected file type ({suffix})"),
    "fix.zip_unexpected_member": ("只压缩图层的文件(.shp .shx .dbf .prj .cpg)",
                                  "zip only the layer's files (.shp .shx .dbf .prj .cpg)"),
    "err.upload_limit": ("文件过大(上限 {limit:,.0f} MB)", "file is too large (limit {limit:,.0f} MB) (文件过大)"),
    "fix.upload_limit": ("将数据裁剪到本县", "clip the data to the county"),
    "err.unsafe_file_name": ("文件名不安全", "unsafe file name"),
    "err.uploads_too_large": ("这些文件合计过大(上限 {limit:,.0f} MB)",
                              "the files are too large together (limit {limit:,.0f} MB)"),
    "fix.uploads_too_large": ("将数据裁剪到本县", "clip the data to the county"),
    "err.no_upload": ("没有上传文件", "no file was uploaded"),
    "fix.no_upload": ("请选择文件", "choose a file"),
    "err.several_shapefiles": ("一次上传了多个Shapefile：{names}", "several shapefiles uploaded at once: {names}"),
    "fix.several_shapefiles": ("一次上传一个图层", "upload one layer at a time"),
    "err.shapefile_parts_missing": ("Shapefile缺少 {parts} 文件", "the shapefile's {parts} file is missing"),
    "fix.shapefile_parts_missing": ("将 .shp 与其 .shx、.dbf、.prj(和 .cpg)一起上传，或将它们压缩后上传",
                                    "upload the .shp together with its .shx, .dbf, .prj (and .cpg), or zip them"),
    "err.one_dataset": ("一次只能上传一个数据集：{names}", "upload one dataset at a time: {names}"),
    "fix.one_dataset": ("Shapefile请同时上传 .shp、.shx、.dbf、.prj", "for a shapefile upload .shp, .shx, .dbf, .prj together"),
}

TEXT.update(UPLOADS)

# opening files safely (planner.io.files): allow-listed formats, content checks, size limits
SAFETY: dict[str, tuple[str, str]] = {
    "io.format.gpkg": ("GeoPackage(.gpkg)", "a GeoPackage (.gpkg)"),
    "io.format.geojson": ("GeoJSON(.geojson)", "GeoJSON (.geojson)"),
    "io.format.json": ("GeoJSON(.json)", "GeoJSON (.json)"),
    "io.format.shp": ("Shapefile(.shp)", "a shapefile (.shp)"),
    "io.format.zip": ("zip压缩包", "a zip archive"),
    "io.format.xlsx": ("Excel工作簿(.xlsx)", "an Excel workbook (.xlsx)"),
    "io.format.xls": ("Excel 97-2003工作簿(.xls)", "an Excel 97-2003 workbook (.xls)"),
    "io.format.csv": ("CSV文本表格", "a CSV text table"),
    "io.format.osm": ("OSM XML", "OSM XML"),
    "io.format.graphml": ("GraphML", "GraphML"),
    "io.format.pbf": ("OSM PBF", "OSM PBF"),
    "io.content.empty": ("空内容", "nothing"),
    "io.content.sqlite": ("SQLite数据库", "an SQLite database"),
    "io.content.zip": ("zip压缩包(或.xlsx)", "a zip archive (or .xlsx)"),
    "io.content.ole": ("旧版Office文件(.xls/.doc)", "an old Office file (.xls/.doc)"),
    "io.content.shp": ("Shapefile几何", "shapefile geometry"),
    "io.content.pbf": ("OSM PBF", "OSM PBF"),
    "io.content.json": ("JSON文本", "JSON text"),
    "io.content.vrt": ("GDAL虚拟图层", "a GDAL virtual layer"),
    "io.content.xml": ("XML/HTML文本", "XML/HTML text"),
    "io.content.text": ("普通文本", "plain text"),
    "io.content.binary": ("二进制数据", "binary data"),
    "err.content_mismatch": ("无法作为{what}读取：文件内容是{found}，与扩展名 {suffix} 不符",
                             "could not be read as {what}: the content is {found}, not what {suffix} says"),
    "fix.content_mismatch": ("确认文件确实按该格式导出(不是改了扩展名)；在QGIS中打开并另存为所需格式",
                             "check that the file was exported in that format, not renamed; open it in QGIS "
                             "and save it in the format needed"),
    "err.content_vrt": ("文件是GDAL虚拟图层(VRT)，不是 {suffix} 数据；虚拟图层会读取其他文件或网址，出于安全原因拒绝",
                        "is a GDAL virtual layer (VRT), not {suffix} data; virtual layers read other files or "
                        "URLs and are refused for safety"),
    "fix.content_vrt": ("在QGIS中打开该虚拟图层，导出为GeoPackage或GeoJSON后再使用",
                        "open the virtual layer in QGIS and export it as GeoPackage or GeoJSON"),
    "err.path_refused": ("路径 {path!r} 是GDAL连接串、虚拟文件系统(/vsi…)或网址，不是本地文件",
                         "the path {path!r} is a GDAL connection string, a virtual file system (/vsi…) or "
                         "a URL, not a local file"),
    "fix.path_refused": ("先把数据下载或导出为本地文件，再给出该文件的路径",
                         "download or export the data to a local file and give its path"),
    "err.not_regular_file": ("不是普通文件(设备、管道等)", "is not a regular file (a device or a pipe)"),
    "fix.not_regular_file": ("给出数据文件本身的路径", "give the path of the data file itself"),
    "err.file_too_large": ("文件过大({mb:.0f} MB，上限 {limit:.0f} MB)",
                           "is too large ({mb:.0f} MB; the limit is {limit:.0f} MB)"),
    "fix.file_too_large": ("只导出研究区范围内的数据，或改存为GeoPackage(.gpkg)",
                           "export only the study area, or save it as GeoPackage (.gpkg)"),
    "err.xlsx_bomb": ("Excel文件内 {entry!r} 解压后达 {mb:,.0f} MB(压缩比 {ratio:,.0f}:1)，疑似解压炸弹",
                      "the workbook member {entry!r} expands to {mb:,.0f} MB (ratio {ratio:,.0f}:1), "
                      "a decompression bomb"),
    "fix.xlsx_bomb": ("在Excel/WPS中打开并另存为 .xlsx，或另存为CSV", "re-save it in Excel/WPS as .xlsx, or as CSV"),
    "err.xlsx_too_large": ("Excel文件解压后为 {mb:,.0f} MB，超过上限 {limit:,.0f} MB",
                           "the workbook expands to {mb:,.0f} MB, above the limit of {limit:,.0f} MB"),
    "fix.xlsx_too_large": ("删除无关的工作表和格式，或另存为CSV", "delete unrelated sheets and formatting, or save it as CSV"),
}
TEXT.update(SAFETY)

# column names (planner.io.columns): choices the tool does not guess, and --columns options
COLUMN_CHOICES: dict[str, tuple[str, str]] = {
    "err.ambiguous_column": ("有多个列都可能是{label}：{values}，无法确定使用哪一列",
                             "several columns could be {label}: {values}; the tool does not guess"),
    "fix.ambiguous_column": ("用 {set} 或 {set2} 指定其中一列", "choose one with {set} or {set2}"),
    "err.column_option_invalid": ("列对应关系 {option!r} 的格式不对", "the column mapping {option!r} is malformed"),
    "fix.column_option_invalid": ("写成 字段=你的列名，如 --columns pop60=老年人口",
                                  "write canonical=your column, e.g. --columns pop60=pop_60plus"),
    "err.column_option_twice": ("字段 {key!r} 被指定了两次：{first!r} 和 {second!r}",
                                "{key!r} is mapped twice: to {first!r} and to {second!r}"),
    "fix.column_option_twice": ("每个字段只指定一列", "map each field to one column"),
}
TEXT.update(COLUMN_CHOICES)

# checks that used to let bad boundaries through (planner.io.boundaries)
UNIT_CHECKS: dict[str, tuple[str, str]] = {
    "err.unit_zero_area": ("单元没有面积(小于 {min_area:g} 平方米，可能是线或点被存成了面)：{at}",
                           "units without area (under {min_area:g} m², a line or point stored as a polygon) at {at}"),
    "fix.unit_zero_area": ("在QGIS中检查并重画这些单元的边界，或删除它们", "redraw or delete these units in QGIS"),
    "err.unit_sliver": ("{n} 个单元疑似数字化残留的碎片(面积小于 {area:g} 平方米或极其狭长，最小 {smallest:.1f} 平方米)：{at}",
                        "{n} unit(s) look like digitising slivers (under {area:g} m² or extremely thin; the "
                        "smallest is {smallest:.1f} m²) at {at}"),
    "fix.unit_sliver": ("在QGIS中将碎片合并到相邻单元，或删除它们", "merge the slivers into their neighbours in QGIS, or delete them"),
    "err.duplicate_unit_codes": ("区划代码重复(列 {column!r})：{values}，{at}",
                                 "duplicate division codes in column {column!r}: {values} at {at}"),
    "fix.duplicate_unit_codes": ("每个社区/行政村的12位区划代码必须唯一；合并重复的单元或改正代码",
                                 "every community/village needs its own 12-digit code; merge the duplicated "
                                 "units or correct the codes"),
    "err.pop80_exceeds": ("80岁以上人口(列 {pop80_column!r})大于60岁以上人口(列 {pop60_column!r})：{at}",
                          "the population aged 80+ (column {pop80_column!r}) exceeds the population aged 60+ "
                          "(column {pop60_column!r}) at {at}"),
    "fix.pop80_exceeds": ("检查两列是否填反", "check whether the two columns are swapped"),
}
TEXT.update(UNIT_CHECKS)

# coordinates that used to get the wrong advice (planner.io.points, planner.io.crs)
COORD_CHECKS: dict[str, tuple[str, str]] = {
    "err.decimal_comma": ("列 {column!r} 中 {n} 个坐标使用小数逗号(如 117,2345)，已按小数点读取：{at}",
                          "{n} coordinate(s) in column {column!r} use a decimal comma (e.g. 117,2345); read "
                          "as a decimal point at {at}"),
    "fix.decimal_comma": ("核对这些点的位置；导出时可把小数分隔符设为“.”", "check these points; export with '.' as the decimal separator"),
    "err.axes_swapped": ("x 与 y 疑似互换：x 在 {minx:.2f}…{maxx:.2f}(像纬度)，y 在 {miny:.2f}…{maxy:.2f}(像经度)，坐标系 {crs}",
                         "x and y look swapped: x spans {minx:.2f}…{maxx:.2f} (latitudes) and y spans "
                         "{miny:.2f}…{maxy:.2f} (longitudes) in {crs}"),
    "fix.axes_swapped": ("图层按“纬度, 经度”顺序保存了；在QGIS中用“交换X和Y坐标”(Swap X and Y)处理后重新导出，不要改为投影坐标系",
                         "the layer was saved as latitude, longitude; swap X and Y in QGIS (Swap X and Y "
                         "coordinates) and export again; do not assign a projected CRS"),
}
TEXT.update(COORD_CHECKS)

# checks of several inputs together that used to let meaningless analyses run (planner.io.validate)
CROSS_CHECKS: dict[str, tuple[str, str]] = {
    "err.network_too_small": ("步行路网太小，无法分析：只有 {n} 段道路、共 {metres:,.0f} 米(至少需要 {min_edges} 段、{min_metres:,.0f} 米)",
                              "the walking network is too small to analyse: {n} segment(s), {metres:,.0f} m in "
                              "all (at least {min_edges} segments and {min_metres:,.0f} m are needed)"),
    "fix.network_too_small": ("使用覆盖全县道路的路网数据(如县域 .osm.pbf 或道路中心线图层)",
                              "use a network covering the county's streets (a county .osm.pbf or a road "
                              "centre-line layer)"),
    "err.network_sparse": ("步行路网只覆盖了 {reached}/{n} 个社区/行政村({max_snap:,.0f}米内有道路)，不足 {share:.0f}%，分析结果没有意义",
                           "the walking network reaches only {reached} of {n} communities/villages (a street "
                           "within {max_snap:,.0f} m), under {share:.0f} %: the results would be meaningless"),
    "fix.network_sparse": ("使用覆盖全县的路网数据，并确认边界与路网是同一地区、坐标系正确",
                           "use a network covering the whole county, and check that boundaries and network "
                           "are the same place in the right coordinate systems"),
    "err.facilities_elsewhere": ("全部 {n} 个设施都在研究区以外，最近的也在 {nearest:,.0f} 米外(超过 {far:,.0f} 米)",
                                 "all {n} facilities lie outside the study area, the nearest {nearest:,.0f} m "
                                 "away (over {far:,.0f} m)"),
    "fix.facilities_elsewhere": ("检查设施文件是否属于本县，以及经纬度列是否填反、坐标系是否正确",
                                 "check that the facilities belong to this county, that longitude and latitude "
                                 "are not swapped and the coordinate system is right"),
    "err.units_gcj02_suspected": ("边界疑似GCJ-02(高德/腾讯坐标)却被当作WGS-84：边界顶点到道路距离中位数{before:,.0f}米，"
                                  "按GCJ-02换算后为{after:,.0f}米",
                                  "the boundaries look like GCJ-02 (Amap/Tencent) read as WGS-84: their vertices "
                                  "lie a median {before:,.0f} m from the streets, {after:,.0f} m once converted "
                                  "from GCJ-02"),
    "fix.units_gcj02_suspected": ("先把边界从GCJ-02转换为WGS-84(如QGIS的GeoHey或coordTransform插件)，再重新运行",
                                  "convert the boundaries from GCJ-02 to WGS-84 first (e.g. the QGIS GeoHey or "
                                  "coordTransform plugin), then run again"),
    "err.units_bd09_suspected": ("边界疑似BD-09(百度坐标)却被当作WGS-84：边界顶点到道路距离中位数{before:,.0f}米，"
                                 "按BD-09换算后为{after:,.0f}米",
                                 "the boundaries look like BD-09 (Baidu) read as WGS-84: their vertices lie a "
                                 "median {before:,.0f} m from the streets, {after:,.0f} m once converted from BD-09"),
    "fix.units_bd09_suspected": ("先把边界从BD-09转换为WGS-84(如QGIS的coordTransform插件)，再重新运行",
                                 "convert the boundaries from BD-09 to WGS-84 first (e.g. the QGIS coordTransform "
                                 "plugin), then run again"),
}
TEXT.update(CROSS_CHECKS)

# population tables (planner.io.population)
POPULATION: dict[str, tuple[str, str]] = {
    "err.population_no_key": ("人口表没有区划代码列也没有名称列(文件中的列为 {has})",
                              "the population table has neither a division code nor a name column (it has {has})"),
    "fix.population_no_key": ("增加12位区划代码列(统计用区划代码)，或用 {set} 指定",
                              "add the 12-digit division code column, or pass {set}"),
    "err.population_codes_not_12_digits": ("区划代码不是12位数字(列 {column!r})：{values}，{at}",
                                           "division codes are not 12 digits in column {column!r}: {values} at {at}"),
    "fix.population_codes_not_12_digits": ("使用统计用区划代码(12位，以文本保存以免丢失前导零或变成科学计数法)",
                                           "use the 12-digit statistical division codes (stored as text so "
                                           "Excel keeps every digit)"),
    "err.population_total_rows": ("已跳过合计行：{at}", "skipped total rows (合计) at {at}"),
    "err.population_no_match": ("人口表与边界 {units_file} 没有任何单元能对应(边界代码如 {unit_codes}；人口表代码如 {table_codes})",
                                "no unit of {units_file} matches the population table (boundary codes such as "
                                "{unit_codes}; table codes such as {table_codes})"),
    "fix.population_no_match": ("确认两者是同一地区、同一版本的区划代码，且代码列选对了",
                                "check that both cover the same area with the same edition of division codes, "
                                "and that the right code columns are used"),
    "err.population_rows_unmatched": ("人口表中 {n} 行在边界 {units_file} 中找不到对应单元：{values}，{at}",
                                      "{n} row(s) of the population table match no unit of {units_file}: "
                                      "{values} at {at}"),
    "fix.population_rows_unmatched": ("检查这些代码；若边界缺少这些社区/行政村，请补充边界",
                                      "check these codes; add the missing communities/villages to the boundaries"),
    "err.population_units_unmatched": ("{n} 个单元在人口表 {file} 中找不到人口数据，且边界本身也没有：{values}，{at}",
                                       "{n} unit(s) have no row in the population table {file} and no population "
                                       "of their own: {values} at {at}"),
    "fix.population_units_unmatched": ("在人口表中补充这些单元(按12位区划代码)，或从边界中删除它们",
                                       "add these units to the population table (by 12-digit code), or remove "
                                       "them from the boundaries"),
    "err.population_units_kept": ("{n} 个单元在人口表 {file} 中找不到，沿用边界文件自带的人口：{values}，{at}",
                                  "{n} unit(s) have no row in the population table {file}; their own population "
                                  "from the boundaries is used: {values} at {at}"),
    "err.population_joined_by_name": ("{n} 个单元按名称(而非区划代码)与人口表 {file} 对应：{values}，{at}；请核对",
                                      "{n} unit(s) were matched to the population table {file} by name, not by "
                                      "code: {values} at {at}; check them"),
    "fix.population_joined_by_name": ("在边界和人口表中都填写12位区划代码，按代码对应更可靠",
                                      "fill in the 12-digit codes in both files: matching by code is reliable"),
}
TEXT.update(POPULATION)

SAFETY_MORE: dict[str, tuple[str, str]] = {
    "io.content.utf16": ("UTF-16文本", "UTF-16 text"),
    "err.codes_scientific": ("区划代码被Excel存成了科学计数法，已丢失数字(列 {column!r})：{values}，{at}",
                             "Excel stored the division codes in scientific notation and lost digits "
                             "(column {column!r}): {values} at {at}"),
    "fix.codes_scientific": ("在Excel中把代码列设为“文本”格式后重新填写(或从原始数据重新导出)，再另存",
                             "format the code column as Text in Excel and enter the codes again (or export them "
                             "again from the source), then save"),
}
TEXT.update(SAFETY_MORE)

TEXT.update({
    "err.app_inputs_missing": ("请同时上传{missing}：示例县的数据不会与您的数据混用",
                               "upload the {missing} too: the demo county is not mixed with your data"),
    "fix.app_inputs_missing": ("边界、设施和路网三项一起上传后再点“载入”",
                               "upload boundaries, facilities and network together, then load"),
})

TEXT.update({
    "err.raster_not_tiff": ("人口栅格必须是GeoTIFF文件(.tif)", "a population raster must be a GeoTIFF (.tif)"),
    "fix.raster_not_tiff": ("在QGIS中另存为GeoTIFF", "save it as GeoTIFF in QGIS"),
    "err.raster_no_crs": ("人口栅格没有坐标系", "the population raster has no coordinate system"),
    "fix.raster_no_crs": ("在QGIS中为栅格指定坐标系后另存", "assign its coordinate system in QGIS and save it again"),
    "err.raster_outside": ("人口栅格不覆盖研究区域(或区域内没有人口)",
                           "the population raster does not cover the study area (or holds no people there)"),
    "fix.raster_outside": ("使用覆盖本县的栅格(如WorldPop中国100米数据)",
                           "use a raster covering the county (e.g. WorldPop China 100 m)"),
    "err.raster_too_large": ("人口栅格在研究区内有 {cells:,} 个像元，超过上限 {limit:,}",
                             "the population raster has {cells:,} cells over the study area, above the limit of {limit:,}"),
    "fix.raster_too_large": ("先在QGIS中裁剪到本县或重采样到100米", "clip it to the county or resample it to 100 m in QGIS first"),
    "err.raster_unreadable": ("无法读取人口栅格({detail})", "cannot read the population raster ({detail})"),
    "fix.raster_unreadable": ("检查文件是否完整，或在QGIS中另存为GeoTIFF",
                              "check that the file is complete, or save it as GeoTIFF in QGIS"),
})

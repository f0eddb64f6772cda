"""The input vocabulary: names of types, kinds, statuses, coordinate systems, and aliases.

The aliases are the names users' files may use for columns and values.

:mod:`planner.schema` builds the data model from these tables; the readers
(:mod:`planner.io.columns`) match users' column names and values against the
aliases (ignoring case, spaces, underscores, hyphens and brackets).  ``TEXT``
holds the people-facing names as catalogue entries (``key -> (zh, en)``); the
statuses' entries ``status.<key>`` are in :mod:`planner.text.common`.
"""

from __future__ import annotations

# --- facility types: key -> (zh, en) -----------------------------------------
FACILITY_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "day_care": ("社区日间照料中心", "community day-care centre"),
    "street_centre": ("街道(乡镇)综合养老服务中心", "street/township comprehensive centre"),
    "embedded_home": ("社区嵌入式养老院", "community embedded care home"),
    "mutual_aid": ("农村互助养老服务设施", "rural mutual-aid site"),
    "meal_point": ("老年助餐点", "meal-aid point"),
    "nursing_home": ("养老院/敬老院", "nursing home"),
}

FACILITY_TYPE_ALIASES: dict[str, str] = {
    **{k: k for k in FACILITY_TYPE_NAMES},
    "日间照料中心": "day_care",
    "社区日间照料中心": "day_care",
    "社区老年人日间照料中心": "day_care",
    "社区养老服务站": "day_care",
    "养老服务站": "day_care",
    "综合养老服务中心": "street_centre",
    "街道综合养老服务中心": "street_centre",
    "乡镇综合养老服务中心": "street_centre",
    "街道(乡镇)综合养老服务中心": "street_centre",
    "区域养老服务中心": "street_centre",
    "嵌入式养老院": "embedded_home",
    "社区嵌入式养老院": "embedded_home",
    "互助养老": "mutual_aid",
    "农村互助养老服务设施": "mutual_aid",
    "农村幸福院": "mutual_aid",
    "幸福院": "mutual_aid",
    "邻里互助点": "mutual_aid",
    "养老服务大院": "mutual_aid",
    "老年驿站": "mutual_aid",
    "老年食堂": "meal_point",
    "老年助餐点": "meal_point",
    "助餐点": "meal_point",
    "养老院": "nursing_home",
    "敬老院": "nursing_home",
    "特困人员供养服务机构": "nursing_home",
    "光荣院": "nursing_home",
}

# --- unit kinds ----------------------------------------------------------------
UNIT_KIND_NAMES: dict[str, tuple[str, str]] = {
    "community": ("社区", "community"),
    "village": ("行政村", "administrative village"),
}

UNIT_KIND_ALIASES: dict[str, str] = {
    "community": "community",
    "社区": "community",
    "居委会": "community",
    "居民委员会": "community",
    "社区居委会": "community",
    "urban": "community",
    "village": "village",
    "行政村": "village",
    "村": "village",
    "村委会": "village",
    "村民委员会": "village",
    "rural": "village",
}

# name endings that tell a unit's kind when the file has no kind column
COMMUNITY_NAME_ENDINGS = ("社区", "居委会", "居民委员会", "社区居委会")
VILLAGE_NAME_ENDINGS = ("村", "村委会", "村民委员会")

# --- statuses --------------------------------------------------------------------
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "existing": ("现有", "existing"),
    "planned": ("规划", "planned"),
    "candidate": ("候选", "candidate"),
}

STATUS_ALIASES: dict[str, str] = {
    "existing": "existing",
    "现有": "existing",
    "已建": "existing",
    "在建": "planned",
    "planned": "planned",
    "规划": "planned",
    "拟建": "planned",
    "candidate": "candidate",
    "候选": "candidate",
    "备选": "candidate",
}

# --- coordinate systems of longitude/latitude tables -----------------------------
COORD_SYSTEM_NAMES: dict[str, tuple[str, str]] = {
    "wgs84": ("WGS-84 (GPS、OpenStreetMap)", "WGS-84 (GPS, OpenStreetMap)"),
    "cgcs2000": ("CGCS2000 (国家大地坐标系)", "CGCS2000 (China geodetic)"),
    "gcj02": ("GCJ-02 (高德、腾讯)", "GCJ-02 (Amap, Tencent)"),
    "bd09": ("BD-09 (百度)", "BD-09 (Baidu)"),
}

# --- column aliases: canonical column -> names recognised in users' files --------
_POP60 = ("pop60", "pop_60", "population_60", "pop60plus", "pop_60plus", "pop60+", "age60plus", "age60+",
          "aged60plus", "over60", "60plus", "60+", "elderly", "elderly_population", "elderly60",
          "60岁以上人口", "60岁及以上人口", "60周岁以上人口", "60周岁及以上人口", "60岁以上", "60岁及以上",
          "60周岁以上", "60周岁及以上", "60岁+", "60岁以上老年人口", "60岁及以上老年人口", "老年人口",
          "老年人口数", "老年人数", "老年人")
_POP80 = ("pop80", "pop_80", "population_80", "pop80plus", "pop_80plus", "pop80+", "age80plus", "age80+",
          "aged80plus", "over80", "80plus", "80+", "80岁以上人口", "80岁及以上人口", "80周岁以上人口",
          "80周岁及以上人口", "80岁以上", "80岁及以上", "80周岁及以上", "80岁+", "高龄人口", "高龄老人",
          "高龄老年人口")
_POPULATION = ("population", "pop", "pop_total", "total_population", "total_pop", "总人口", "总人口数",
               "人口总数", "常住人口", "常住人口数", "户籍人口", "户籍人口数", "人口", "人口数")
_CODE = ("code", "division_code", "admin_code", "adcode", "village_code", "区划代码", "统计用区划代码",
         "代码", "编码", "行政区划代码", "村居代码", "12位区划代码", "区划码")
_UNIT_NAME = ("name", "unit_name", "名称", "社区名称", "村名", "村居名称", "单元名称", "社区村名称",
              "村社区名称", "村(社区)名称", "社区(村)名称")

BOUNDARY_ALIASES: dict[str, tuple[str, ...]] = {
    "code": _CODE,
    "name": _UNIT_NAME,
    "kind": ("kind", "type", "unit_kind", "类型", "类别", "单元类型", "社区村类型", "城乡分类代码",
             "urban_rural_code"),
    "street": ("street", "township", "street_name", "街道", "乡镇", "街道乡镇", "所属街道",
               "所属乡镇", "所属街道乡镇"),
    "population": _POPULATION,
    "pop60": _POP60,
    # optional: kept under these names when present
    "pop80": _POP80,
    "street_kind": ("street_kind", "街道类型", "街乡类型", "乡镇街道类型", "街道乡镇类型"),
}

FACILITY_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("facility_id", "id", "fid_", "编号", "设施编号", "序号"),
    "name": ("name", "facility_name", "名称", "设施名称", "机构名称"),
    "type": ("type", "facility_type", "kind", "类型", "设施类型", "类别"),
    "capacity": ("capacity", "places", "beds", "床位", "床位数", "床位数量", "容量", "服务人数", "规模"),
    "nursing_beds": ("nursing_beds", "护理型床位", "护理型床位数"),
    "status": ("status", "state", "状态", "建设状态"),
    "longitude": ("longitude", "lon", "lng", "x", "经度"),
    "latitude": ("latitude", "lat", "y", "纬度"),
    # optional: kept under these names when present (read by the standards measures)
    "level": ("level", "级别", "机构级别", "机构层级", "层级"),
    "disability_care": ("disability_care", "失能照护", "以失能照护为主", "是否失能照护", "是否以失能照护为主"),
    "grade": ("grade", "等级", "评定等级", "机构等级", "星级"),
    "operator": ("operator", "运营方式", "运营主体", "举办性质", "经营性质"),
    "dementia_beds": ("dementia_beds", "失智床位", "失智床位数", "认知障碍照护床位", "认知障碍照护床位数",
                      "失智照护床位", "失智照护床位数"),
}

POINT_ALIASES: dict[str, tuple[str, ...]] = {
    "point_id": ("point_id", "id", "pid", "编号", "点编号", "序号"),
    "weight": ("weight", "权重", "人数", "w"),
    "longitude": FACILITY_ALIASES["longitude"],
    "latitude": FACILITY_ALIASES["latitude"],
}

POPULATION_ALIASES: dict[str, tuple[str, ...]] = {
    "code": _CODE,
    "name": _UNIT_NAME,
    "population": _POPULATION,
    "pop60": _POP60,
    "pop80": _POP80,
}
"""Columns of a population table (总人口、60岁以上人口 by 12-digit division code)."""

TOTAL_ROW_WORDS = ("合计", "总计", "小计", "全县", "全区", "全市", "total", "sum")
"""Names of the total rows of statistical tables (dropped: summing them would double the county)."""

COMMITTEE_ENDINGS: dict[str, str] = {
    "社区居民委员会": "社区", "居民委员会": "社区", "社区居委会": "社区", "居委会": "社区",
    "村民委员会": "村", "村委会": "村",
}
"""Endings of committee names and the unit word they stand for (东门社区居委会 is 东门社区), longest first."""

ADDRESS_COLUMN_NAMES = ("address", "addr", "地址", "详细地址", "地点", "位置", "门牌地址")
"""Columns that hold addresses (a table with only these needs geocoding first)."""

# --- names of the input columns in messages: canonical -> (zh, en) ---------------
INPUT_COLUMN_NAMES: dict[str, tuple[str, str]] = {
    "code": ("区划代码", "the 12-digit division code"),
    "name": ("名称", "the name"),
    "kind": ("类型 (社区/行政村)", "the unit kind (community or village)"),
    "street": ("街道/乡镇", "the street/township"),
    "population": ("总人口", "the total population"),
    "pop60": ("60岁以上人口", "the population aged 60+"),
    "facility_id": ("设施编号", "the facility id"),
    "type": ("设施类型", "the facility type"),
    "capacity": ("床位数", "the capacity (beds/places)"),
    "nursing_beds": ("护理型床位", "the nursing beds"),
    "status": ("状态", "the status"),
    "longitude": ("经度", "the longitude"),
    "latitude": ("纬度", "the latitude"),
    "point_id": ("编号", "the point id"),
    "weight": ("权重", "the weight"),
    "pop80": ("80岁以上人口", "the population aged 80+"),
    "street_kind": ("街道类型 (街道/乡镇)", "the street kind (街道 or 乡镇)"),
    "level": ("机构级别", "the facility level"),
    "disability_care": ("以失能照护为主", "mainly disability care"),
    "grade": ("等级", "the grade"),
    "operator": ("运营方式", "the operator"),
    "dementia_beds": ("失智照护床位", "the dementia-care beds"),
}

TEXT: dict[str, tuple[str, str]] = {
    **{f"type.{k}": v for k, v in FACILITY_TYPE_NAMES.items()},
    **{f"kind.{k}": v for k, v in UNIT_KIND_NAMES.items()},
    **{f"coord.{k}": v for k, v in COORD_SYSTEM_NAMES.items()},
    **{f"input.column.{k}": v for k, v in INPUT_COLUMN_NAMES.items()},
}


LIST_SEPARATORS: tuple[str, ...] = ("，", "、", "；", ";")
"""Separators people type between list items besides the ASCII comma (e.g. ``5，10，15``)."""

BUILDING_WEIGHT_COLUMNS: tuple[str, ...] = ("population", "pop", "households", "floor_area", "人口", "户数")
"""Columns of a buildings layer that weight its demand, in order of preference."""

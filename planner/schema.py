"""The data model: canonical column names, facility types, unit kinds, statuses.

Every reader turns its input into these columns, so everything downstream
(travel times, coverage, exports, the app) speaks one vocabulary.  Column names
in users' files may be Chinese or English; :data:`BOUNDARY_ALIASES` and
:data:`FACILITY_ALIASES` list what is recognised (matching ignores case,
spaces, underscores and hyphens).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- administrative units -------------------------------------------------
UNIT_KINDS = ("community", "village")
"""Kinds of the basic units that coverage is scored on: 社区 and 行政村."""

UNIT_KIND_LABELS = {
    "community": {"zh": "社区", "en": "community"},
    "village": {"zh": "行政村", "en": "administrative village"},
}

UNIT_KIND_ALIASES = {
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

# urban-rural class codes (城乡分类代码): 1xx urban-like, 2xx rural
URBAN_RURAL_CLASS = {
    "111": "community",
    "112": "community",
    "121": "community",
    "122": "community",
    "123": "community",
    "210": "village",
    "220": "village",
}

BOUNDARY_COLUMNS = ("code", "name", "kind", "street", "population", "pop60")
"""Canonical boundary columns. ``street`` (街道/乡镇 name) is optional."""

BOUNDARY_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "division_code", "admin_code", "adcode", "区划代码", "统计用区划代码",
             "代码", "编码", "行政区划代码", "村居代码"),
    "name": ("name", "unit_name", "名称", "社区名称", "村名", "村居名称", "单元名称", "社区村名称"),
    "kind": ("kind", "type", "unit_kind", "类型", "类别", "单元类型", "社区村类型", "城乡分类代码",
             "urban_rural_code"),
    "street": ("street", "township", "street_name", "街道", "乡镇", "街道乡镇", "所属街道",
               "所属乡镇", "所属街道乡镇"),
    "population": ("population", "pop", "pop_total", "total_population", "总人口", "常住人口",
                   "户籍人口", "人口"),
    "pop60": ("pop60", "pop_60", "population_60", "elderly", "elderly_population",
              "60岁以上人口", "60岁及以上人口", "老年人口", "60岁以上", "老年人数"),
}

# --- facilities -----------------------------------------------------------


@dataclass(frozen=True)
class FacilityType:
    """One facility type of the vocabulary (see ``DOMAIN.md``)."""

    key: str
    zh: str
    en: str
    level: str  # the unit level it serves: community, village, street, county


FACILITY_TYPES: dict[str, FacilityType] = {
    t.key: t
    for t in (
        FacilityType("day_care", "社区日间照料中心", "community day-care centre", "community"),
        FacilityType("street_centre", "街道(乡镇)综合养老服务中心", "street/township comprehensive centre", "street"),
        FacilityType("embedded_home", "社区嵌入式养老院", "community embedded care home", "community"),
        FacilityType("mutual_aid", "农村互助养老服务设施", "rural mutual-aid site", "village"),
        FacilityType("meal_point", "老年助餐点", "meal-aid point", "community"),
        FacilityType("nursing_home", "养老院/敬老院", "nursing home", "county"),
    )
}

FACILITY_TYPE_ALIASES = {
    **{k: k for k in FACILITY_TYPES},
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

FACILITY_STATUSES = ("existing", "planned", "candidate")
STATUS_ALIASES = {
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
STATUS_LABELS = {
    "existing": {"zh": "现有", "en": "existing"},
    "planned": {"zh": "规划", "en": "planned"},
    "candidate": {"zh": "候选", "en": "candidate"},
}

FACILITY_COLUMNS = ("facility_id", "name", "type", "capacity", "nursing_beds", "status")
"""Canonical facility columns (plus a point geometry)."""

FACILITY_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("facility_id", "id", "fid_", "编号", "设施编号", "序号"),
    "name": ("name", "facility_name", "名称", "设施名称", "机构名称"),
    "type": ("type", "facility_type", "kind", "类型", "设施类型", "类别"),
    "capacity": ("capacity", "places", "beds", "床位", "床位数", "床位数量", "容量", "服务人数", "规模"),
    "nursing_beds": ("nursing_beds", "护理型床位", "护理型床位数"),
    "status": ("status", "state", "状态", "建设状态"),
    "longitude": ("longitude", "lon", "lng", "x", "经度"),
    "latitude": ("latitude", "lat", "y", "纬度"),
}

COORD_SYSTEMS = ("wgs84", "cgcs2000", "gcj02", "bd09")
"""Coordinate systems of longitude/latitude tables: WGS-84, CGCS2000 (≈ WGS-84
at map scale), GCJ-02 (Amap, Tencent) and BD-09 (Baidu)."""

COORD_SYSTEM_LABELS = {
    "wgs84": {"zh": "WGS-84 (GPS、OpenStreetMap)", "en": "WGS-84 (GPS, OpenStreetMap)"},
    "cgcs2000": {"zh": "CGCS2000 (国家大地坐标系)", "en": "CGCS2000 (China geodetic)"},
    "gcj02": {"zh": "GCJ-02 (高德、腾讯)", "en": "GCJ-02 (Amap, Tencent)"},
    "bd09": {"zh": "BD-09 (百度)", "en": "BD-09 (Baidu)"},
}

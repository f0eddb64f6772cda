"""Interface text in 简体中文 (default) and English.

One dictionary of messages and one of column headers, shared by the app, the
exports and the command line, so a label is written once.
"""

from __future__ import annotations

from planner.schema import FACILITY_TYPES

LANGS = ("zh", "en")

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "code": ("区划代码", "Division code"),
    "name": ("名称", "Name"),
    "kind": ("类型", "Kind"),
    "street": ("街道/乡镇", "Street/township"),
    "population": ("总人口", "Population"),
    "pop60": ("60岁以上人口", "Population 60+"),
    "gap": ("存在缺口", "Gap"),
    "gap_reason_zh": ("缺口原因", "Gap reason (zh)"),
    "gap_reason_en": ("缺口原因(英文)", "Gap reason"),
    "gap_reason": ("缺口原因", "Gap reason"),
    "facility_id": ("设施编号", "Facility id"),
    "type": ("设施类型", "Facility type"),
    "capacity": ("床位/名额", "Places/beds"),
    "nursing_beds": ("护理型床位", "Nursing-type beds"),
    "status": ("状态", "Status"),
    "target_id": ("指标编号", "Target id"),
    "label": ("指标", "Target"),
    "facility_types": ("设施类型", "Facility types"),
    "unit_kind": ("考核单元", "Unit"),
    "rule": ("规则", "Rule"),
    "minutes": ("步行分钟", "Walk (min)"),
    "measure": ("口径", "Measure"),
    "value": ("现状值", "Value"),
    "target": ("目标值", "Target"),
    "met": ("是否达标", "Met"),
    "n_units": ("单元数", "Units"),
    "n_met": ("达标单元数", "Units met"),
    "pop60_covered": ("覆盖60岁以上人口", "60+ covered"),
    "note": ("说明", "Note"),
    "source": ("依据", "Source"),
    "tag": ("依据类别", "Source tag"),
    "point_id": ("点编号", "Point id"),
    "snap_m": ("距道路距离(米)", "Distance to street (m)"),
    "n_units_street": ("单元数", "Units"),
    "candidate_id": ("候选点编号", "Candidate id"),
    "order": ("选入顺序", "Order chosen"),
    "demand_gained": ("新增覆盖(60岁以上人口/需求权重)", "Demand gained (60+ or weight)"),
    "gain_units": ("新增达标单元数", "Units brought to target"),
    "served": ("按名额服务人数", "Served within places"),
    "reason": ("选址理由", "Why chosen"),
    "unit": ("所在单元", "Unit"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
}

_TYPE_SUFFIX = {
    "inside": ("单元内数量", "inside"),
    "share": ("步行覆盖率", "share covered"),
    "minutes": ("最近步行分钟", "nearest (min)"),
    "nearest": ("最近设施", "nearest facility"),
    "nearest_id": ("最近设施编号", "nearest id"),
    "own": ("单元内有设施", "own facility"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "app_title": ("养老服务设施步行覆盖规划", "Elderly-care facility walking-coverage planner"),
    "synthetic": ("示例县为合成数据，非真实", "The demo county is synthetic, not real data"),
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "community": ("社区", "community"),
    "village": ("行政村", "village"),
    "street": ("街道/乡镇", "street/township"),
    "county": ("县", "county"),
    "speed": ("步行速度(米/秒)", "Walking speed (m/s)"),
    "minutes_metres": ("{minutes:g}分钟 ≈ {metres:,.0f}米", "{minutes:g} min ≈ {metres:,.0f} m"),
}


def t(key: str, lang: str = "zh", **fmt) -> str:
    """A message in ``lang``; unknown keys come back as themselves."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fmt) if fmt else text


def column_label(col: str, lang: str = "zh") -> str:
    """Header for a table column, including per-type and per-target columns."""
    if col in COLUMN_LABELS:
        zh, en = COLUMN_LABELS[col]
        return zh if lang == "zh" else en
    for ftype, ft in FACILITY_TYPES.items():
        prefix = ftype + "_"
        if col.startswith(prefix) and col[len(prefix):] in _TYPE_SUFFIX:
            zh, en = _TYPE_SUFFIX[col[len(prefix):]]
            return f"{ft.zh}{zh}" if lang == "zh" else f"{ft.en}: {en}"
    if col.startswith("met_"):
        return f"达标:{col[4:]}" if lang == "zh" else f"met: {col[4:]}"
    if col.startswith("minutes_"):
        ftype = col[len("minutes_"):]
        if ftype in FACILITY_TYPES:
            return (f"至{FACILITY_TYPES[ftype].zh}步行分钟" if lang == "zh"
                    else f"walk to {FACILITY_TYPES[ftype].en} (min)")
    return col


def kind_label(kind: str, lang: str = "zh") -> str:
    """Label of a unit kind."""
    return t(kind, lang)


def type_label(ftype: str, lang: str = "zh") -> str:
    """Label of a facility type."""
    ft = FACILITY_TYPES.get(ftype)
    if ft is None:
        return ftype
    return ft.zh if lang == "zh" else ft.en

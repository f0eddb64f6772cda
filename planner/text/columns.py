"""Headers of table columns (zh, en), including the per-facility-type suffixes."""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, str]] = {
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


TYPE_SUFFIX = {
    "inside": ("单元内数量", "inside"),
    "share": ("步行覆盖率", "share covered"),
    "minutes": ("最近步行分钟", "nearest (min)"),
    "nearest": ("最近设施", "nearest facility"),
    "nearest_id": ("最近设施编号", "nearest id"),
    "own": ("单元内有设施", "own facility"),
}


TEXT: dict[str, tuple[str, str]] = {f"col.{k}": v for k, v in COLUMNS.items()}

"""Catalogue entries of the analysis domain (coverage, scenarios, site suggestions): ``key -> (zh, en)``."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # coverage: joining a unit's gap reasons
    "analysis.reason_sep": ("；", "; "),
    # scenarios
    "analysis.scenario_name": ("方案", "scenario"),
    "analysis.scenario_file": ("方案文件", "scenario file"),
    "analysis.save_scenario": ("保存方案", "Save scenario"),
    "analysis.kind_count.community": ("个社区", "communities"),
    "analysis.kind_count.village": ("个行政村", "villages"),
    "analysis.kind_count.street": ("个街道/乡镇", "streets/townships"),
    "analysis.kind_count.county": ("个县", "counties"),
    "analysis.kind_count.unit": ("个单元", "units"),
    "analysis.units_change": ("{dn:+d}{kind}", "{dn:+d} {kind}"),
    "analysis.pop60_change": ("60岁以上人口{dp:+,.0f}人", "{dp:+,.0f} people 60+"),
    "analysis.change_parts": ("（{parts}）", " ({parts})"),
    "analysis.list_sep": ("，", ", "),
    "analysis.col.target": ("指标", "Target"),
    "analysis.col.scenario": ("方案值", "Scenario"),
    "analysis.col.target_value": ("目标值", "Target value"),
    "analysis.col.met": ("是否达标", "Met"),
    "analysis.col.baseline": ("编辑前", "Baseline"),
    "analysis.delta_pp": ("{d:+.1f} 个百分点", "{d:+.1f} pp"),
    "analysis.col.change": ("变化", "Change"),
    "analysis.col.units_met": ("达标单元", "Units met"),
    "analysis.col.name_change": ("{name} 变化", "{name} change"),
    # site suggestions: why each site was chosen, and the printed report
    "siting.reason_chosen": ("第{order}个选入：新增步行{minutes:g}分钟内{type}覆盖{gain:,.0f}人(60岁以上)",
                             "chosen {order}: adds {gain:,.0f} people (60+) within {minutes:g} min of a {type}"),
    "siting.reason_units": ("，使{n}个{kind}新达标", "; brings {n} {kind} to the target"),
    "siting.reason_capped": ("(按名额上限)", " (capped by its places)"),
    "siting.reason_in_unit": ("；位于{unit}", "; in {unit}"),
    "siting.reason_no_gain": ("；无新增覆盖(仅为凑足数量)", "; no further gain (fills the requested number)"),
    "siting.what_units": ("单元", "units"),
    "siting.what_pop60": ("60岁以上人口", "60+"),
    "siting.reason_median": ("第{order}个选入：{served:,.0f}人(60岁以上)改到此{type}，合计少走{saving:,.0f}人·分钟",
                             "chosen {order}: {served:,.0f} people (60+) walk to this {type} instead, "
                             "saving {saving:,.0f} person-minutes"),
    "siting.walk_line": ("  平均步行 {mean0:.1f} → {mean1:.1f} 分钟；最远 {max0:.1f} → {max1:.1f} 分钟",
                         "  mean walk {mean0:.1f} → {mean1:.1f} min; worst {max0:.1f} → {max1:.1f} min"),
}

"""Catalogue entries of the profiles domain: ``key -> (zh, en)``.

Also the words that institution attributes are written with in users' tables
(:data:`INSTITUTION_WORDS`), used by :mod:`planner.analysis.standards` to read
the ``level``, ``disability_care``, ``grade`` and ``operator`` columns and, when
no level column is given, to guess an institution's level from its name.
"""

from __future__ import annotations

from typing import Any

TEXT: dict[str, tuple[str, str]] = {
    # document status, wherever a profile is named
    "profiles.status.published": ("已正式发布", "published"),
    "profiles.status.draft": ("征求意见稿（未正式发布）", "consultation draft (not yet adopted)"),
    "profiles.status.default": ("通用默认（非国家文件）", "generic default (not a national document)"),
    "profiles.draft_note": ("本标准所据文件为征求意见稿，指标可能在正式发布时改变。",
                            "This profile reads a consultation draft; its figures may change when adopted."),
    "profiles.default_note": ("通用默认不是国家标准：各项数值注明出处（规划文件、国家文件编号或本工具的解读）。",
                              "The generic default is not a national standard: each figure names its origin "
                              "(a plan, a national document by number, or the tool's reading)."),
    # source status of one figure
    "profiles.source.published": ("已发布文件原文", "stated in a published document"),
    "profiles.source.draft": ("征求意见稿原文", "stated in a consultation draft"),
    "profiles.source.standard": ("国家文件/标准", "national document or standard"),
    "profiles.source.reading": ("本工具的解读（原文无此数值）",
                                "the tool's reading (the text states no such figure)"),
    "profiles.catchment_reading": ("各类设施服务时间为本工具的默认解读，规划文件未作规定。",
                                   "Catchment minutes are the tool's defaults; no plan states them."),
    # levels
    "profiles.level.county": ("县（区）", "county"),
    "profiles.level.township": ("乡镇", "township"),
    "profiles.level.street": ("街道", "street"),
    "profiles.level.community": ("社区", "community"),
    "profiles.level.village": ("行政村", "village"),
    "profiles.level.home": ("家庭", "household"),
    "profiles.level.institution": ("养老机构", "institution"),
    # context entries
    "profiles.context.status": ("现状（非目标）", "reported status (not a target)"),
    "profiles.context.not_scored": ("规划要求（本工具无法测算）", "in the plan, not measurable here"),
    # scoring words
    "profiles.overdue": ("逾期", "overdue"),
    "profiles.informative": ("仅供参考", "shown only"),
    "profiles.value_existing": ("现状", "existing"),
    "profiles.value_planned": ("含规划", "with planned"),
    "profiles.deadline": ("{year}年底", "end-{year}"),
    "profiles.no_deadline": ("未设期限", "no deadline"),
    # notes on a score
    "profiles.note.no_units": ("无此类单元", "no units of this kind"),
    "profiles.note.no_street": ("边界数据无街道/乡镇列", "boundaries have no street/township column"),
    "profiles.note.no_beds": ("无床位数据", "no bed data"),
    "profiles.note.no_column": ("数据缺少“{column}”列", "the data have no {column} column"),
    "profiles.note.no_home_table": ("未提供家庭层面数据表", "no household-level table given"),
    "profiles.note.no_institutions": ("无此类养老机构", "no institutions of this kind"),
    "profiles.note.level_guessed": ("机构级别由名称推断", "institution level guessed from names"),
    "profiles.note.flag_unchecked": ("缺少失能照护标记，未核对", "no disability-care flag; not checked"),
    "profiles.note.province_wide": ("全省指标，县域分析仅供参考", "a province-wide figure; shown only"),
    # why a unit misses a target
    "profiles.reason.no_inside": ("单元内无{types}", "no {types} inside"),
    "profiles.reason.walk_share": ("步行{minutes}分钟内仅覆盖{share:.0%}的60岁以上人口",
                                   "only {share:.0%} of the 60+ population within {minutes} min walk"),
    "profiles.reason.join": ("，", "; "),
    "profiles.type_sep": ("、", ", "),
    # errors
    "err.profile_source_missing": ("指标“{target}”缺少出处（文件、原文、状态）",
                                   "target {target!r}: every target needs a source = {{file, quote, status}}"),
    "fix.profile_source_missing": ("为每个指标写 source = {{file, quote, status}}：规划文件名或国家标准名称和编号、原文、状态",
                                   "name the plan's file (or the national standard's title and number), quote its "
                                   "words and give the status"),
    "err.profile_source_quote": ("指标“{target}”的出处缺少规划原文（quote）",
                                 "target {target!r}: the source needs the plan's words (quote)"),
    "fix.profile_source_quote": ("在 source 中写 quote = \"规划原文\"（状态为 standard 的国家标准可不写）",
                                 "give quote = \"the plan's words\" in the source (a national standard, status "
                                 "standard, needs none)"),
    "profiles.what.status": ("标准状态（status）", "profile status"),
    "profiles.what.source_status": ("指标“{item}”的出处状态（source.status）", "target {item!r}: source status"),
    "profiles.what.institution_level": ("指标“{item}”的机构层级（institution_level）",
                                        "target {item!r}: institution_level"),
    "profiles.what.street_kinds": ("指标“{item}”的街道类型（street_kinds）", "target {item!r}: street_kinds"),
    "profiles.what.context_kind": ("背景项“{item}”的类型（kind）", "context {item!r}: kind"),
    "err.profile_source_status": ("{what}应为 {allowed} 之一，实为“{value}”",
                                  "{what} must be one of {allowed}, got {value}"),
    "fix.profile_source_status": ("published（已发布）、draft（征求意见稿）、standard（国家标准）或 reading（本工具解读）",
                                  "use published, draft, standard or reading"),
    "err.profile_status": ("{what}应为 {allowed} 之一，实为“{value}”",
                           "{what} must be one of {allowed}, got {value}"),
    "fix.profile_status": ("使用 published、draft 或 default", "use published, draft or default"),
    "err.profile_choice": ("{what}应为 {allowed} 之一，实为“{value}”",
                           "{what} must be one of {allowed}, got {value}"),
    "fix.profile_choice": ("按说明改正该字段", "correct the field as described"),
    "err.profile_deadline": ("指标“{target}”的期限应为年份，实为 {value}",
                             "target {target!r}: deadline must be a year, got {value}"),
    "fix.profile_deadline": ("写成 deadline = 2025，或删去该行", "write deadline = 2025, or drop the line"),
    "err.profile_speed": ("步行速度必须为正数，实为 {speed}", "walking speed must be positive, got {speed}"),
    "err.profile_toml": ("不是有效的 TOML 文件：{detail}", "not valid TOML: {detail}"),
    "err.profile_not_found": ("标准配置文件不存在", "profile file not found"),
    "fix.profile_not_found": ("请使用内置评价标准（{profiles}）或已有的 .toml 文件",
                              "use a shipped profile ({profiles}) or an existing .toml file"),
    "err.profile_unknown": ("没有名为“{name}”的评价标准", "unknown profile {name!r}"),
    "fix.profile_unknown": ("内置评价标准：{profiles}；也可指定 .toml 标准配置文件",
                            "shipped profiles: {profiles}; or pass a .toml file"),
    "err.profile_numbers": ("speed_mps 和 catchments 的值必须为数字（{detail}）",
                            "speed_mps and catchments must be numbers ({detail})"),
    "err.profile_speed_mps": ("speed_mps（步行速度，米/秒）必须为正数", "speed_mps must be positive"),
    "err.profile_catchment_types": ("[catchments] 中有未知的设施类型：{unknown}",
                                    "unknown facility types in [catchments]: {unknown}"),
    "fix.profile_catchment_types": ("设施类型应为：{types}", "use {types}"),
    "err.profile_duplicate_ids": ("指标 id 有重复，每个指标的 id 必须唯一", "target ids must be unique"),
    "err.profile_target_id": ("每个 [[targets]] 条目都须有 id", "every [[targets]] entry needs an id"),
    "err.profile_facility_types": ("指标“{target}”：facility_types 应为非空列表，取值为 {allowed}，实为 {types}",
                                   "target {target!r}: facility_types {types} must be a non-empty list of {allowed}"),
    "err.profile_target_field": ("指标“{target}”：{key} 应为 {allowed} 之一，实为 {value}",
                                 "target {target!r}: {key} must be one of {allowed}, got {value}"),
    "err.profile_share": ("指标“{target}”：share 应在 0 到 1 之间，实为 {share}",
                          "target {target!r}: share must be between 0 and 1, got {share}"),
    "err.profile_home_column": ("指标“{target}”：home_count 类指标须填写 home_column（家庭层面数据表中的列名）",
                                "target {target!r}: a home_count target needs home_column"),
    "err.profile_context_id": ("每个 [[context]] 条目都须有 id", "every [[context]] entry needs an id"),
    # how a profile's value is shown in a Chinese message
    "profiles.value_missing": ("（未填写）", "(missing)"),
    "profiles.value_empty": ("（空）", "(empty)"),
}

INSTITUTION_WORDS: dict[str, Any] = {
    # values of the ``level`` column
    "level": {
        "county": ("county", "city", "district", "县级", "县", "区级", "市级", "县区级", "县（市、区）级"),
        "township": ("township", "street", "乡镇级", "乡镇", "乡级", "镇级", "街道级", "街道"),
        "community": ("community", "village", "社区级", "社区", "村级", "村"),
    },
    # values of the ``operator`` column
    "operator": {
        "public": ("public", "公办", "公办公营", "政府", "国有"),
        "public_private": ("public_private", "公建民营", "公办民营"),
        "private": ("private", "民办", "民营", "社会力量", "社会办"),
    },
    # true values of the ``disability_care`` column
    "yes": ("1", "true", "yes", "y", "是", "有", "√", "以失能照护为主"),
    # name fragments that tell an institution's level when no level column is given;
    # checked in this order (社区 contains 区, so community first)
    "name_community": ("社区", "村"),
    "name_township": ("乡", "镇", "街道"),
    "name_county": ("县", "区", "市", "旗"),
    # values of a ``street_kind`` column, and the endings of street/township names
    "street_kind": {
        "street": ("street", "街道", "街道办事处", "办事处"),
        "county_town": ("county_town", "县城镇", "县城", "城关镇"),
        "township": ("township", "town", "乡镇", "镇", "乡"),
    },
    # grade words (一级 … 五级)
    "grade": ("一", "二", "三", "四", "五"),
}

"""Catalogue entries of the cli domain: ``key -> (zh, en)``.

The command line prints both languages at once (``"en / zh"``), so these are
joined by :func:`planner.cli` rather than picked by ``lang``.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "cli.help": ("养老服务设施步行覆盖与选址", "elderly-care facility coverage on the walking network."),
    "cli.error": ("错误", "error"),
    "cli.error_line": ("错误：{text}", "error: {text}"),
    "cli.out_folder": ("输出文件夹", "output folder"),
    "cli.gap_units": ("缺口单元", "gap units"),
    "cli.report_by": ("按街道、乡镇或全县", "street, township or county"),
    "cli.rows_note": ("行号按数据行计，不含表头：第 2 行即电子表格中的第 3 行",
                      "rows count data rows below the header: row 2 is row 3 of the spreadsheet"),
    "err.inputs_missing": ("缺少 {missing}（已给出：{given}）；只有在一个输入也未给出时才使用示例县",
                           "missing {missing} (given: {given}); the demo county is used only when no "
                           "input is given at all"),
    "fix.inputs_missing": ("请同时提供 {missing}", "pass {missing} too"),
    "siting.demand_area": ("需求点所在范围", "area of the demand points"),
    "cli.demand_only": ("未给出边界：研究区为需求点的凸包外扩 {buffer:g} 米，作为一个单元；只评价人口类指标",
                        "no boundaries: the study area is the demand points' convex hull plus {buffer:g} m, "
                        "one unit; only population targets are scored"),
    "err.demand_no_weight": ("需求点缺少权重(人数)列，或权重全为零", "demand points need a weight column"),
    "fix.demand_no_weight": ("CSV 需包含 id、经度、纬度、权重(weight/人数)列",
                             "CSV: id, longitude, latitude, weight"),
    "err.demand_empty": ("没有需求点", "no demand points"),
    "fix.demand_empty": ("至少提供一个需求点", "give at least one point"),
    "err.demand_units_objective": ("按单元达标的目标需要边界数据", "the units objective needs boundaries"),
    "fix.demand_units_objective": ("使用人口目标(给出 --demand 时的默认目标)",
                                   "use the population objective (the default with --demand)"),
    "err.suggest_nothing": ("缺少 --boundaries 或 --demand：选址需要边界(按单元计分)或带权重的需求点",
                            "give --boundaries or --demand: suggestions need units to score or weighted "
                            "demand points"),
    "fix.suggest_nothing": ("给出 --boundaries(及 --facilities、--network)，或 --demand 与 --network",
                            "pass --boundaries (with --facilities and --network), or --demand with --network"),
    # errors of the command line's own options (planner.cli)
    "err.cli_minutes_not_numbers": ("--minutes 应为用逗号分隔的数字，当前为“{text}”",
                                    "--minutes must be numbers separated by commas, got {text!r}"),
    "err.cli_minutes_not_positive": ("--minutes 必须是正数，当前为“{text}”", "--minutes must be positive, got {text!r}"),
    "err.cli_demand_layers_both": ("--buildings 与 --population-raster 只能给出其中之一",
                                   "give --buildings or --population-raster, not both"),
    "fix.cli_demand_layers_both": ("二者都用来确定各单元人口的居住位置，给出一个即可", "one of them places each unit's people"),
    "err.cli_points_missing": ("缺少 --points", "--points is required"),
    "fix.cli_points_missing": ("给出包含 id、经度、纬度列的 CSV 文件", "a CSV with id, longitude, latitude columns"),
    "err.cli_out_is_input": ("--out 会覆盖一个输入文件", "--out would overwrite an input"),
    "fix.cli_out_is_input": ("请另选输出文件", "choose another file"),
    "err.cli_format_invalid": ("--format 只能是 png、pdf 或 png,pdf，当前为“{format}”",
                               "--format must be png, pdf or png,pdf, got {format!r}"),
    "err.cli_scheduler_needs_county": ("--scheduler 只能与 --by county 一起使用", "--scheduler works with --by county"),
    "fix.cli_scheduler_needs_county": ("请加上 --by county", "add --by county"),
    "err.report_all_failed": ("所有片区均未能生成结果；--out 中原有的结果保持不变",
                              "every district failed; the previous results in --out are kept"),
    "fix.report_all_failed": ("请查看上方的错误信息", "see the errors above"),
}

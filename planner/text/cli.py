"""Catalogue entries of the cli domain: ``key -> (zh, en)``.

The command line prints both languages at once (``"en / zh"``), so these are
joined by :func:`planner.cli` rather than picked by ``lang``.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "cli.help": ("养老服务设施步行覆盖与选址", "elderly-care facility coverage on the walking network."),
    "cli.error": ("错误", "error"),
    "cli.out_folder": ("输出文件夹", "output folder"),
    "cli.gap_units": ("缺口单元", "gap units"),
    "cli.report_by": ("按街道、乡镇或全县", "street, township or county"),
    "cli.rows_note": ("行号按数据行计，不含表头：第 2 行即电子表格中的第 3 行",
                      "rows count data rows below the header: row 2 is row 3 of the spreadsheet"),
    "err.inputs_missing": ("缺少 {missing}（已给出：{given}）；只有在一个输入也未给出时才使用示例县",
                           "missing {missing} (given: {given}); the demo county is used only when no "
                           "input is given at all"),
    "fix.inputs_missing": ("请同时提供 {missing}", "pass {missing} too"),
}

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
}

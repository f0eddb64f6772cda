"""Words used across the app, the exports and the command line (zh, en)."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
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
    "col_met_of": ("达标:{target}", "met: {target}"),
    "col_walk_to": ("至{type}步行分钟", "walk to {type} (min)"),
    # the input files by role (scenario files, printed maps' sources, the settings sheet)
    "input.role.boundaries": ("边界", "boundaries"),
    "input.role.facilities": ("设施", "facilities"),
    "input.role.network": ("路网", "network"),
    "input.role.population": ("人口表", "population"),
    "input.role.home": ("居家养老统计表", "home"),
    "status.existing": ("现有", "existing"),
    "status.planned": ("规划", "planned"),
    "status.candidate": ("候选", "candidate"),
}

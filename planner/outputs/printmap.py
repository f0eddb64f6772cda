"""Printable gap maps (PNG at 300 dpi, PDF) for reports and meetings.

:func:`print_gap_map` draws one facility type's walking coverage on A4 or A3
paper: units shaded by the share of their 60+ population within the walk,
gap units hatched, facilities by type, the service area, a legend, a true
scale bar (the map is drawn in the network's metric CRS), a north arrow, and
the data source, date, standards profile and walking speed.  No basemap tiles
are needed.  Chinese text needs a CJK font: :func:`find_cjk_font` takes the
file named by ``$PLANNER_CJK_FONT``, else Noto Sans CJK SC shipped with the
``mplfonts`` dependency (SIL Open Font License), else an installed one
(WenQuanYi, Noto Sans CJK, Source Han …).  A Chinese map is never drawn in
English: without a CJK font it is refused with a clear error.
"""

from __future__ import annotations

import datetime
import functools
import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np

from planner._errors import InputError, PlannerError, PlannerWarning
from planner._util import atomic_path
from planner.io.problems import problem_of
from planner.outputs.style import (
    GAP_COLOUR,
    OTHER_UNIT_COLOURS,
    ROAD_STYLES,
    SYMBOLS,
    WATER_COLOURS,
    coverage_classes,
    coverage_colour,
    road_styles,
    service_area_opacity,
    symbol,
)
from planner.settings import DEFAULT_DPI
from planner.text import kind_label, tr, type_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from planner.analysis.result import Analysis
    from planner.engine.model import Model

PAPERS_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
"""Paper sizes (long side, short side) in millimetres."""

CJK_FONT_NAMES = (
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC",
    "Heiti SC", "Noto Serif CJK SC", "AR PL UMing CN", "AR PL UKai CN",
)
"""CJK font families looked for, in order of preference."""

UNIT_EDGE = "#636363"
"""Outline of the shaded units."""


def _tx(key: str, lang: str, **fmt: Any) -> str:
    return tr(f"map.print.{key}", lang, **fmt)


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Family name of an installed CJK font, or ``None``.

    ``$PLANNER_CJK_FONT`` (a font file) comes first; then the families of
    :data:`CJK_FONT_NAMES`; then any family whose name says CJK/Han Sans.
    """
    from matplotlib import font_manager

    path = os.environ.get("PLANNER_CJK_FONT")
    if path:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        warnings.warn(f"PLANNER_CJK_FONT={path} is not a file; looking for an installed CJK font",
                      PlannerWarning, stacklevel=2)
    shipped = packaged_cjk_font()
    if shipped is not None:
        try:
            font_manager.fontManager.addfont(str(shipped))
            return font_manager.FontProperties(fname=str(shipped)).get_name()
        except (OSError, RuntimeError, ValueError):
            pass  # a damaged install: look for a system font
    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in CJK_FONT_NAMES:
        if n in names:
            return n
    for n in sorted(names):
        if any(k in n for k in ("CJK", "Han Sans", "WenQuanYi", "Hei")):
            return n
    # matplotlib's font cache predates a font installed later: look at the files
    for f in sorted(font_manager.findSystemFonts()):
        if any(k in Path(f).name.lower() for k in _CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(f)
                return font_manager.FontProperties(fname=f).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


PACKAGED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
"""The CJK font shipped through a dependency: (package, file).  Only this file of ``mplfonts`` is
used: Noto Sans CJK SC is under the SIL Open Font License (the package also bundles SimHei, whose
licence is not free, and it is never loaded)."""


def packaged_cjk_font() -> Path | None:
    """The Noto Sans CJK SC file shipped with the ``mplfonts`` package, or ``None`` when it is not installed."""
    from importlib import resources

    package, name = PACKAGED_FONT
    try:
        ref = resources.files(package).joinpath(name)
    except (ModuleNotFoundError, TypeError):
        return None
    path = Path(str(ref))
    return path if path.is_file() else None


_CJK_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "sourcehansans", "simhei", "msyh", "pingfang",
                   "uming", "ukai", "droidsansfallback")


def map_language(lang: str = "zh") -> tuple[str, str | None]:
    """The language a map is drawn in and the CJK font to use.

    Raises
    ------
    PlannerError
        ``lang`` is ``zh`` and no CJK font can be found: a Chinese map is
        never drawn in boxes, nor silently in English.
    """
    font = find_cjk_font()
    if lang == "zh" and font is None:
        raise problem_of(PlannerError, "no_cjk_font")
    return ("zh" if lang == "zh" else "en"), font


def coverage_share(analysis: Analysis, facility_type: str, minutes: float) -> np.ndarray:
    """Share of each unit's 60+ population within ``minutes`` of ``facility_type`` (from the analysis).

    Parameters
    ----------
    analysis : Analysis
        The analysis holding the shares (see :meth:`Analysis.coverage_share`).
    facility_type : str
        The facility type.
    minutes : float
        The walk.

    Returns
    -------
    ndarray of float
        One share (0–1) per unit, read-only.
    """
    return analysis.coverage_share(facility_type, minutes)


def gap_units(analysis: Analysis, facility_type: str) -> np.ndarray:
    """Units failing a unit target that counts ``facility_type`` (else any gap), from the analysis."""
    return analysis.gap_flags(facility_type)


def context_layers(boundaries: str | Path | None) -> dict[str, gpd.GeoDataFrame]:
    """Optional context from a boundaries GeoPackage: its ``water``, ``county`` and ``roads`` layers, if any.

    ``roads`` are lines with a ``class`` column (``main``, ``minor``), drawn on
    the printed and the web map in :data:`planner.outputs.style.ROAD_STYLES`.
    Only a GeoPackage is opened (its layers are listed by name): any other
    boundaries file has no context, and nothing more is read from it.
    """
    if boundaries is None or Path(boundaries).suffix.lower() != ".gpkg":
        return {}
    try:
        import pyogrio

        names = [str(r[0]) for r in pyogrio.list_layers(boundaries)]
        out: dict[str, gpd.GeoDataFrame] = {}
        for name in ("water", "county", "roads"):
            if name in names:
                lay = gpd.read_file(boundaries, layer=name, engine="pyogrio")
                out[name] = lay if lay.crs else lay.set_crs("EPSG:4326")
        return out
    except Exception:  # noqa: BLE001 - context is optional, never fail the map for it
        return {}


def _nice_length(max_m: float) -> float:
    exp = 10 ** math.floor(math.log10(max_m))
    for f in (5, 2, 1):
        if f * exp <= max_m:
            return f * exp
    return exp


def _fit_extent(bounds: Sequence[float], box_w: float, box_h: float,
                pad: float = 0.05) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    minx, maxx = minx - w * pad, maxx + w * pad
    miny, maxy = miny - h * pad, maxy + h * pad
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h > box_w / box_h:
        h = w * box_h / box_w
    else:
        w = h * box_w / box_h
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _scale_bar(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float], lang: str, fs: float) -> float:
    from matplotlib.patches import Rectangle

    width = xlim[1] - xlim[0]
    length = _nice_length(width * 0.25)
    x0 = xlim[0] + width * 0.04
    y0 = ylim[0] + (ylim[1] - ylim[0]) * 0.04
    hgt = (ylim[1] - ylim[0]) * 0.012
    half = length / 2
    ax.add_patch(Rectangle((x0 - width * 0.015, y0 - hgt * 1.5), length + width * 0.07, hgt * 6.5,
                           facecolor="white", edgecolor="none", alpha=0.8, zorder=19))
    for k, colour in enumerate(("black", "white", "black", "white")):
        ax.add_patch(Rectangle((x0 + k * half / 2, y0), half / 2, hgt, facecolor=colour,
                               edgecolor="black", linewidth=0.6, zorder=20))
    unit_km = length >= 1000
    for v in (0, half, length):
        label = f"{v / 1000:g}" if unit_km else f"{v:g}"
        ax.text(x0 + v, y0 + hgt * 1.6, label, ha="center", va="bottom", fontsize=fs, zorder=20)
    ax.text(x0 + length + width * 0.01, y0 + hgt / 2, _tx("km" if unit_km else "m", lang),
            ha="left", va="center", fontsize=fs, zorder=20)
    return length


def _north_arrow(ax: Axes, fs: float) -> None:
    ax.annotate("", xy=(0.95, 0.95), xytext=(0.95, 0.86), xycoords="axes fraction",
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 10,
                            "headlength": 10}, zorder=20)
    ax.text(0.95, 0.955, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=fs * 1.3,
            zorder=20)


def gap_map_figure(
    analysis: Analysis,
    *,
    facility_type: str = "day_care",
    minutes: float | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str = "zh",
    units_mask: Sequence[bool] | np.ndarray | None = None,
    title: str | None = None,
    area: str | None = None,
    service_areas: gpd.GeoDataFrame | bool = True,
    context: dict[str, gpd.GeoDataFrame] | None = None,
    source: str | None = None,
    date: str | None = None,
    label_units: bool = True,
) -> Figure:
    """Draw a printable gap map and return the matplotlib ``Figure``.

    This one writes nothing (for the app and notebooks).

    Parameters
    ----------
    analysis : Analysis
        The analysis to map.
    facility_type : str
        The type whose coverage is shaded (default day-care centres).
    minutes : float, optional
        The walk (minutes); default the profile's catchment of the type.
    paper : {'A4', 'A3'}
        Paper size.
    orientation : {'landscape', 'portrait'}
        Page orientation.
    lang : {'zh', 'en'}
        ``zh`` needs a CJK font (the packaged Noto Sans CJK SC); without one an error, never English.
    units_mask : array of bool, optional
        Units to map (one street/township); the others are drawn in grey.
    title : str, optional
        Default "<area><type>步行<minutes>分钟覆盖与缺口图".
    area : str, optional
        Name of the mapped area in the title (default from the context and streets).
    service_areas : GeoDataFrame or bool
        A precomputed service-area layer, True to compute it, False for none.
    context : dict, optional
        Context layers (``water``, ``county``), see :func:`context_layers`.
    source : str, optional
        Data source for the footer (default: the network file).
    date : str, optional
        Date for the footer (default today).
    label_units : bool
        Write the unit names on the map (Chinese maps only).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    paper = paper.upper()
    if paper not in PAPERS_MM:
        raise problem_of(InputError, "map_paper_unknown", None, (), paper=paper)
    if orientation not in ("landscape", "portrait"):
        raise problem_of(InputError, "map_orientation_unknown", None, (), orientation=orientation)
    model = analysis.model
    if facility_type not in model.fields and f"{facility_type}_share" not in analysis.units.columns:
        raise problem_of(InputError, "map_type_unknown", None, (), facility_type=facility_type,
                         **{f"types@{lang}": tr("io.sep.list", lang).join(sorted(model.fields))
                            for lang in ("zh", "en")})
    lang, font = map_language(lang)
    minutes = float(minutes if minutes is not None else model.profile.catchment(facility_type))
    metres = minutes * 60 * model.speed
    crs = model.network.crs
    n = len(model.units)
    mask = np.ones(n, bool) if units_mask is None else np.asarray(units_mask, bool)
    if not mask.any():
        raise problem_of(InputError, "map_no_units")

    # units without 60+ population have no share: grey, as on the web map
    pop60 = analysis.units["pop60"].to_numpy(float)
    share = np.where(pop60 > 0, coverage_share(analysis, facility_type, minutes), np.nan)
    units = gpd.GeoDataFrame({"share": share,
                              "gap": gap_units(analysis, facility_type),
                              "name": analysis.units["name"].astype(str).to_numpy()},
                             geometry=model.units.geometry.to_numpy(), crs=crs)
    kinds = relevant_kinds(analysis, facility_type)
    scored = mask & analysis.units["kind"].isin(kinds).to_numpy()
    # the page frames what is scored (a village type: the villages, not the whole county)
    focus = units[scored] if scored.any() else units[mask]
    shaded = units[scored]
    long_mm, short_mm = PAPERS_MM[paper]
    w_mm, h_mm = (long_mm, short_mm) if orientation == "landscape" else (short_mm, long_mm)
    scale = short_mm / 210.0
    fs = 7.0 * scale
    rc: dict[str, Any] = {"font.family": ([font] if font else []) + ["DejaVu Sans"], "axes.unicode_minus": False,
                          "pdf.fonttype": 42, "hatch.linewidth": 0.8}
    import matplotlib

    with matplotlib.rc_context(rc):  # type: ignore[arg-type]  # keys checked by matplotlib
        fig = Figure(figsize=(w_mm / 25.4, h_mm / 25.4))
        margin = 10.0
        title_h = 18.0 * scale
        footer = _footer_lines(analysis, model, facility_type, minutes, metres, mask, lang, source, date)
        foot_h = (5.0 + 4.6 * len(footer)) * scale
        if orientation == "landscape":
            leg_w = 68.0 * scale
            map_box = (margin, margin + foot_h, w_mm - 2 * margin - leg_w - 4, h_mm - 2 * margin - title_h - foot_h)
            leg_box = (w_mm - margin - leg_w, margin + foot_h, leg_w, map_box[3])
        else:
            leg_h = 62.0 * scale
            map_box = (margin, margin + foot_h + leg_h + 3, w_mm - 2 * margin,
                       h_mm - 2 * margin - title_h - foot_h - leg_h - 3)
            leg_box = (margin, margin + foot_h, w_mm - 2 * margin, leg_h)
        ax = fig.add_axes((map_box[0] / w_mm, map_box[1] / h_mm, map_box[2] / w_mm, map_box[3] / h_mm))
        lax = fig.add_axes((leg_box[0] / w_mm, leg_box[1] / h_mm, leg_box[2] / w_mm, leg_box[3] / h_mm))
        lax.axis("off")
        x0, x1, y0, y1 = _fit_extent(focus.total_bounds, map_box[2], map_box[3])

        for name, layer in (context or {}).items():
            lay = layer.to_crs(crs) if layer.crs is not None else layer
            if name == "water":
                lay.plot(ax=ax, facecolor=WATER_COLOURS[0], edgecolor=WATER_COLOURS[1], linewidth=0.4, zorder=1)
            elif name == "roads" and len(lay):
                # as on the web map: main roads wider and darker, above the unit colours (zorder 3)
                styles = road_styles(lay["class"] if "class" in lay.columns else [None] * len(lay))
                lay.plot(ax=ax, color=[c for c, _ in styles], linewidth=[w / 3 * scale for _, w in styles],
                         zorder=3.5)
        others = units[~scored]
        if len(others):
            others.plot(ax=ax, facecolor=OTHER_UNIT_COLOURS[0], edgecolor=OTHER_UNIT_COLOURS[1], linewidth=0.4,
                        zorder=2)
        if len(shaded):
            shaded.plot(ax=ax, color=[coverage_colour(v) for v in shaded["share"]], edgecolor=UNIT_EDGE,
                        linewidth=0.5, alpha=0.85, zorder=3)
        sa = _service_area(model, facility_type, minutes, service_areas)
        sa_colour, sa_alpha = symbol(facility_type).colour, service_area_opacity(minutes)
        if sa is not None and len(sa):
            sa.plot(ax=ax, facecolor=sa_colour, alpha=sa_alpha, edgecolor="none", zorder=4)
            sa.boundary.plot(ax=ax, color=sa_colour, linewidth=0.4, zorder=5)
        gaps = shaded[shaded["gap"]]
        if len(gaps):
            gaps.plot(ax=ax, facecolor="none", edgecolor=GAP_COLOUR, hatch="////", linewidth=1.2, zorder=6)
        fac = model.facilities
        act = model.active if hasattr(model, "active") else np.ones(len(fac), bool)
        fx, fy = fac.geometry.x.to_numpy(), fac.geometry.y.to_numpy()
        inview = (fx >= x0) & (fx <= x1) & (fy >= y0) & (fy <= y1)
        shown_types = []
        for ftype in list(SYMBOLS) + sorted(set(fac["type"]) - set(SYMBOLS)):
            sel = (fac["type"].to_numpy() == ftype) & act & inview
            if not sel.any():
                continue
            shown_types.append(ftype)
            marker, colour = symbol(ftype).marker, symbol(ftype).colour
            size = (46 if ftype == facility_type else 22) * scale
            planned = sel & (fac["status"].to_numpy() == "planned")
            existing = sel & ~planned
            ax.scatter(fx[existing], fy[existing], marker=marker, s=size, c=colour, edgecolors="black",
                       linewidths=0.5, zorder=8 if ftype == facility_type else 7)
            if planned.any():
                ax.scatter(fx[planned], fy[planned], marker=marker, s=size, facecolors="white",
                           edgecolors=colour, linewidths=1.2, zorder=8)
        if label_units and lang == "zh":
            for _, r in focus.iterrows():
                p = r.geometry.representative_point()
                ax.text(p.x, p.y, r["name"], fontsize=fs * 0.75, ha="center", va="center", color="#252525",
                        zorder=9, clip_on=True)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        _scale_bar(ax, (x0, x1), (y0, y1), lang, fs)
        _north_arrow(ax, fs)

        tname = type_label(facility_type, lang)
        if area is None:
            area = _default_area(analysis, mask, lang, context)
        fig.text(0.5, 1 - (margin + title_h * 0.45) / h_mm,
                 title or _tx("title", lang, area=area, type=tname, minutes=minutes),
                 ha="center", va="center", fontsize=15 * scale)
        no_data = bool(len(shaded)) and not np.isfinite(shaded["share"].to_numpy(float)).all()
        handles = [Patch(facecolor=c, edgecolor=UNIT_EDGE, label=label)
                   for c, label in coverage_classes(lang, no_data=no_data)]
        handles.append(Patch(facecolor="none", edgecolor=GAP_COLOUR, hatch="////", label=_tx("gap", lang)))
        if sa is not None and len(sa):
            handles.append(Patch(facecolor=sa_colour, alpha=min(1.0, sa_alpha + 0.1), edgecolor=sa_colour,
                                 linestyle="--", label=_tx("service", lang, type=tname, minutes=minutes)))
        if "water" in (context or {}):
            handles.append(Patch(facecolor=WATER_COLOURS[0], edgecolor=WATER_COLOURS[1], label=_tx("water", lang)))
        if len((context or {}).get("roads", ())):
            colour, width = ROAD_STYLES["main"]
            handles.append(Line2D([], [], color=colour, linewidth=width / 3 * scale,  # type: ignore[arg-type]
                                  label=_tx("roads", lang)))  # a line among the patches
        if len(others):
            handles.append(Patch(facecolor=OTHER_UNIT_COLOURS[0], edgecolor=OTHER_UNIT_COLOURS[1],
                                 label=_other_label(kinds, mask, lang)))
        fac_handles = []
        for ftype in shown_types:
            marker, colour = symbol(ftype).marker, symbol(ftype).colour
            fac_handles.append(Line2D([], [], linestyle="none", marker=marker, markerfacecolor=colour,
                                      markeredgecolor="black", markersize=6 * scale,
                                      label=type_label(ftype, lang)))
        if (fac["status"].to_numpy() == "planned").any():
            fac_handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                                      markeredgecolor="#333333", markersize=6 * scale,
                                      label=_tx("planned", lang)))
        ncol = 1 if orientation == "landscape" else 2
        # labels wrapped to the legend's width (English ones were cut at the page edge)
        room_mm = leg_box[2] / ncol - 12.0 * scale
        for h in [*handles, *fac_handles]:
            h.set_label(wrap_label(str(h.get_label()), room_mm, fs, lang))
        leg1 = lax.legend(handles=handles, loc="upper left", fontsize=fs, title_fontsize=fs * 1.1,
                          title=_tx("share", lang, minutes=minutes), frameon=False, ncol=ncol,
                          alignment="left")
        lax.add_artist(leg1)
        if fac_handles:
            lax.legend(handles=fac_handles, loc="lower left" if orientation == "landscape" else "upper right",
                       fontsize=fs, title=_tx("facilities", lang), title_fontsize=fs * 1.1, frameon=False,
                       ncol=1 if orientation == "landscape" else 2, alignment="left")
        step = 4.6 * scale
        for k, line in enumerate(footer):
            fig.text(margin / w_mm, (margin + foot_h - 2.5 * scale - step * (k + 0.5)) / h_mm, line, ha="left",
                     va="center", fontsize=fs * 0.95)
    return fig


def _footer_lines(analysis: Analysis, model: Model, facility_type: str, minutes: float, metres: float,
                  mask: np.ndarray, lang: str, source: str | None, date: str | None) -> list[str]:
    """The footer: the profile with its document's status, the mapped type's targets (现状/规划, 逾期), source."""
    prof = model.profile
    tname = type_label(facility_type, lang)
    profile = tr("map.print.profile_status", lang, title=prof.title(lang), status=prof.status_text(lang))
    lines = [_tx("profile", lang, profile=profile, speed=model.speed, type=tname, minutes=minutes, metres=metres)]
    lines += target_lines(analysis, facility_type, mask, lang)
    lines.append(_tx("source", lang, source=source or _default_source(model, lang)) + "    "
                 + _tx("date", lang, date=date or datetime.date.today().isoformat()))
    return lines


def target_lines(analysis: Analysis, facility_type: str, mask: np.ndarray | None = None, lang: str = "zh",
                 limit: int = 3) -> list[str]:
    """Footer lines of the targets counting ``facility_type``: figure, 现状 (existing), 规划 (planned), 逾期.

    Parameters
    ----------
    analysis : Analysis
        The analysis.
    facility_type : str
        The mapped type.
    mask : array of bool, optional
        The mapped units (targets scored over them); all units by default.
    lang : str
        ``zh`` or ``en``.
    limit : int
        At most this many targets (the page has room for a few).

    Returns
    -------
    list of str
    """
    from planner.outputs.tables import share_text

    whole = mask is None or bool(np.all(mask))
    scores = analysis.scores_over(None if whole else mask)
    out = []
    for sc in scores:
        t = sc.target
        if facility_type not in t.facility_types or t.informative:
            continue
        fig = t.figure_text(lang)
        text = tr("map.print.target_line", lang, target=t.label(lang), figure=fig,
                  existing=share_text(sc.value_existing, t.is_share) or "—",
                  planned=share_text(sc.value, t.is_share) or "—")
        if sc.overdue:
            text += tr("map.print.overdue", lang, year=t.deadline)
        out.append(text)
        if len(out) == limit:
            break
    return out


def wrap_label(text: str, room_mm: float, fontsize: float, lang: str) -> str:
    r"""``text`` broken into lines that fit ``room_mm`` at ``fontsize`` points.

    Examples
    --------
    >>> wrap_label("other units (not scored for communities)", 30, 7, "en").count("\n") >= 1
    True
    >>> wrap_label("水系", 30, 7, "zh")
    '水系'
    """
    import textwrap

    em_mm = fontsize * 25.4 / 72
    if lang == "zh":  # CJK characters are one em wide; break anywhere
        per_line = max(4, int(room_mm / em_mm))
        width = 0.0
        out: list[str] = []
        for ch in text:
            w = 1.0 if ord(ch) > 0x2E80 else 0.55
            if width + w > per_line and out and not ch.isspace():
                out.append("\n")
                width = 0.0
            out.append(ch)
            width += w
        return "".join(out)
    per_line = max(8, int(room_mm / (em_mm * 0.55)))
    return "\n".join(textwrap.wrap(text, per_line)) or text


def _service_area(model: Model, facility_type: str, minutes: float,
                  service_areas: gpd.GeoDataFrame | bool | None) -> gpd.GeoDataFrame | None:
    if service_areas is False or service_areas is None:
        return None
    if service_areas is True:
        from planner.analysis.result import service_area_layer

        return service_area_layer(model, [facility_type], minutes=(minutes,), crs=None)
    sa = service_areas
    if "facility_type" in sa.columns:
        sa = sa[sa["facility_type"] == facility_type]
    if "minutes" in sa.columns:
        sa = sa[np.isclose(sa["minutes"].astype(float), minutes)]
    return sa.to_crs(model.network.crs)


def _default_area(analysis: Analysis, mask: np.ndarray, lang: str,
                  context: dict[str, gpd.GeoDataFrame] | None = None) -> str:
    u = analysis.units
    county = ""
    if context and "county" in context and "name" in context["county"].columns and len(context["county"]):
        county = str(context["county"]["name"].iloc[0])
    if "street" in u.columns:
        streets = sorted(set(u.loc[mask, "street"].dropna().astype(str)))
        if len(streets) == 1 and mask.sum() < len(u):
            return (county + streets[0]) if lang == "zh" else ""
    if lang != "zh":
        return ""
    return county or _tx("area", lang)


def relevant_kinds(analysis: Analysis, facility_type: str) -> list[str]:
    """Unit kinds scored on ``facility_type`` by some target (all kinds if none)."""
    kinds = sorted({t.unit_kind for t in analysis.model.profile.targets
                    if facility_type in t.facility_types and t.unit_kind in ("community", "village")})
    return kinds or ["community", "village"]


def _other_label(kinds: Sequence[str], mask: np.ndarray, lang: str) -> str:
    """What the grey units are: the kinds this map's targets do not score, or units outside the district."""
    sep = tr("table.list_sep", lang)
    rest = [k for k in ("community", "village") if k not in kinds]
    if rest:
        return tr("map.print.other_kinds", lang, others=sep.join(kind_label(k, lang) for k in rest),
                  scored=sep.join(kind_label(k, lang) for k in kinds))
    return tr("map.print.other_area", lang) if not np.all(mask) else tr("map.print.other_kinds_none", lang)


def _default_source(model: Model, lang: str) -> str:
    return _tx("default_source", lang, network=Path(str(model.network.report.source)).name)


def print_gap_map(
    analysis: Analysis,
    path: str | Path,
    *,
    facility_type: str = "day_care",
    minutes: float | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str = "zh",
    units_mask: Sequence[bool] | np.ndarray | None = None,
    title: str | None = None,
    dpi: int = DEFAULT_DPI,
    **options: Any,
) -> Path:
    """Write a printable gap map as PNG or PDF (by the file's suffix), atomically.

    Parameters
    ----------
    analysis : Analysis
    path : path
        ``.png`` or ``.pdf``.
    facility_type : str
        The type whose coverage is shaded (default day-care centres).
    minutes : float, optional
        The walk (minutes); default the profile's catchment of the type.
    paper : {'A4', 'A3'}
        Paper size.
    orientation : {'landscape', 'portrait'}
        Page orientation.
    lang : {'zh', 'en'}
        ``zh`` needs a CJK font (the packaged Noto Sans CJK SC); without one an error, never English.
    units_mask : array of bool, optional
        Units to map (one street/township); the others are drawn in grey.
    title : str, optional
        Default "<area><type>步行<minutes>分钟覆盖与缺口图".
    dpi : int
        Resolution of PNG files (300 for print).
    **options
        ``area``, ``service_areas`` (a precomputed layer, or False),
        ``context`` ({'water': GeoDataFrame}), ``source``, ``date``,
        ``label_units`` — see :func:`gap_map_figure`.

    Returns
    -------
    Path
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        suffix = {f"suffix@{lang}": (tr("map.file_suffix", lang, suffix=path.suffix) if path.suffix
                                     else tr("map.file_no_suffix", lang)) for lang in ("zh", "en")}
        raise problem_of(InputError, "map_file_format", path, (), **suffix)
    fig = gap_map_figure(analysis, facility_type=facility_type, minutes=minutes, paper=paper,
                         orientation=orientation, lang=lang, units_mask=units_mask, title=title, **options)
    import matplotlib

    font = find_cjk_font()
    rc: dict[str, Any] = {"font.family": ([font] if font else []) + ["DejaVu Sans"], "pdf.fonttype": 42}
    with matplotlib.rc_context(rc), atomic_path(path) as tmp:  # type: ignore[arg-type]
        meta = {"Title": title or "gap map", "Creator": "eldercare-planner"} if fmt == "pdf" else None
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta)
    return path

"""Printable gap maps: rendered, read back (PIL, poppler), Chinese glyphs checked."""

from __future__ import annotations

import shutil
import subprocess
import warnings

import numpy as np
import pytest
from PIL import Image

from planner._errors import InputError, PlannerError, PlannerWarning
from planner.demo.county import demo_paths
from planner.outputs import printmap
from planner.outputs.printmap import (
    context_layers,
    coverage_share,
    find_cjk_font,
    gap_map_figure,
    gap_units,
    print_gap_map,
    relevant_kinds,
)


@pytest.fixture(scope="module")
def analysis(demo_analysis):
    return demo_analysis


@pytest.fixture(scope="module")
def context():
    return context_layers(demo_paths().boundaries)


needs_font = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (fonts-wqy-microhei)")


def _ink(img: Image.Image) -> float:
    """Share of pixels that are not (near) white."""
    a = np.asarray(img.convert("L"), float)
    return float((a < 245).mean())


def _render_text(text: str, font: str) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 1), dpi=100)
    FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.text(0.05, 0.5, text, fontsize=20, family=font, va="center")
        fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., 0].copy()


@needs_font
def test_cjk_font_draws_real_glyphs():
    font = find_cjk_font()
    chinese = _render_text("示例县缺口", font)
    notdef = _render_text("\ue000\ue001\ue002\ue003\ue004", font)  # private use: the .notdef box
    assert (chinese < 128).sum() > 50
    assert not np.array_equal(chinese, notdef)
    # different characters give different pictures (tofu boxes would all look alike)
    assert not np.array_equal(_render_text("缺", font), _render_text("口", font))


def test_coverage_share_matches_gap_table(analysis):
    share = coverage_share(analysis, "day_care", analysis.model.profile.catchment("day_care"))
    np.testing.assert_allclose(share, analysis.units["day_care_share"].to_numpy(), atol=1e-12)
    assert relevant_kinds(analysis, "day_care") == ["community"]
    assert relevant_kinds(analysis, "mutual_aid") == ["village"]
    gap = gap_units(analysis, "mutual_aid")
    met = analysis.units["met_mutual_aid_village"]
    assert list(gap) == [v is not None and not v for v in met]


@needs_font
def test_png_a4_landscape_300dpi(analysis, context, tmp_path):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        path = print_gap_map(analysis, tmp_path / "map.png", context=context, date="2025-01-01")
    assert not [w for w in rec if "missing from font" in str(w.message) or issubclass(w.category, PlannerWarning)]
    img = Image.open(path)
    assert img.size == pytest.approx((3508, 2480), abs=3)  # 297 x 210 mm at 300 dpi
    assert img.info["dpi"][0] == pytest.approx(300, abs=0.5)
    assert _ink(img) > 0.15


def test_map_elements_drawn_in_metres(analysis, context):
    fig = gap_map_figure(analysis, facility_type="mutual_aid", context=context, lang="en")
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bx0, by0, bx1, by1 = analysis.model.units.total_bounds
    assert x0 <= bx0 and x1 >= bx1 and y0 <= by0 and y1 >= by1
    # the page keeps the map's proportions: metres per mm equal along x and y
    pos = ax.get_position()
    w_in, h_in = fig.get_size_inches()
    assert (x1 - x0) / (pos.width * w_in) == pytest.approx((y1 - y0) / (pos.height * h_in), rel=1e-6)
    # gap units hatched: one hatched path per village failing the mutual-aid target
    hatched = [c for c in ax.collections if c.get_hatch() == "////"]
    assert len(hatched) == 1
    assert len(hatched[0].get_paths()) == int(gap_units(analysis, "mutual_aid").sum())
    texts = [t.get_text() for t in ax.texts]
    assert "N" in texts and "km" in texts  # north arrow, scale bar in km over a ~10 km county
    bar_len = max(float(t) for t in texts if t.replace(".", "").isdigit()) * 1000
    assert bar_len <= 0.25 * (x1 - x0) and str(bar_len / 1000).lstrip("0.")[0] in "125"


@needs_font
def test_pdf_a3_portrait_renders_with_chinese(analysis, context, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) not installed")
    mask = (analysis.units["street"] == "城东街道").to_numpy()
    path = print_gap_map(analysis, tmp_path / "map.pdf", paper="A3", orientation="portrait",
                         units_mask=mask, context=context)
    assert path.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-singlefile", str(path), str(tmp_path / "page")],
                   check=True)
    img = Image.open(tmp_path / "page.png")
    w, h = img.size
    assert h / w == pytest.approx(420 / 297, rel=0.02)
    assert _ink(img) > 0.1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "示例县城东街道社区日间照料中心步行15分钟覆盖与缺口图" in text
        assert "东门社区" in text


def test_no_cjk_font_is_an_error_never_english(analysis, monkeypatch):
    monkeypatch.setattr(printmap, "find_cjk_font", lambda: None)
    with pytest.raises(PlannerError, match="CJK") as err:
        gap_map_figure(analysis, service_areas=False)
    assert err.value.code == "no_cjk_font" and "mplfonts" in str(err.value)
    # an English map needs no CJK font
    fig = gap_map_figure(analysis, service_areas=False, lang="en")
    assert [t.get_text() for t in fig.texts][0].isascii()


def test_shipped_font_is_noto_cjk_and_draws_chinese(monkeypatch):
    """The font comes from the mplfonts dependency (OFL Noto Sans CJK SC), before any system font."""
    from matplotlib import font_manager

    path = printmap.packaged_cjk_font()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"
    monkeypatch.delenv("PLANNER_CJK_FONT", raising=False)
    find_cjk_font.cache_clear()
    try:
        name = find_cjk_font()
    finally:
        find_cjk_font.cache_clear()
    assert name == font_manager.FontProperties(fname=str(path)).get_name() == "Noto Sans CJK SC"
    chinese = _render_text("示例县缺口", name)
    notdef = _render_text("\ue000\ue001\ue002\ue003\ue004", name)
    assert not np.array_equal(chinese, notdef)


def test_village_type_frames_the_villages(analysis):
    """A type scored on villages is printed at the villages' extent, not the county's with its town."""
    u = analysis.units
    fig = gap_map_figure(analysis, facility_type="mutual_aid", service_areas=False)
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    geo = analysis.model.units.geometry
    villages = geo[(u["kind"] == "village").to_numpy()].total_bounds
    every = geo.total_bounds
    # the frame holds every village and is fitted to them (5 % padding, paper aspect)
    assert x0 <= villages[0] and x1 >= villages[2]
    vw, fw = villages[2] - villages[0], x1 - x0
    assert fw <= vw * 1.6  # not a whole-county frame padded far beyond the villages
    lax = fig.axes[1]
    legends = [lax.get_legend(), *[a for a in lax.artists if hasattr(a, "get_texts")]]
    labels = [t.get_text().replace("\n", "") for lg in legends for t in lg.get_texts()]
    assert any("只考核行政村" in t and t.startswith("社区") for t in labels), labels
    assert not any("其他单元" in t for t in labels)
    # the communities (the town) lie inside the villages' ring here, so the frame is the county's too
    assert every[0] >= x0 - 1


def test_english_legend_fits_the_page(analysis, tmp_path):
    """Every legend label ends inside the page (long English labels are wrapped)."""
    fig = gap_map_figure(analysis, service_areas=True, lang="en",
                         context=context_layers(demo_paths().boundaries))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width = fig.bbox.width
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None]
    legends += [c for a in fig.axes for c in a.artists if hasattr(c, "get_texts")]
    texts = [t for lg in legends for t in lg.get_texts()]
    assert texts
    for t in texts:
        assert t.get_window_extent(renderer).x1 <= width - 5, t.get_text()


def test_footer_names_profile_status_existing_planned_and_overdue(demo_inputs):
    """The footer says the plan is a draft and gives 现状/规划 per target, with 逾期 once past the deadline."""
    import datetime

    from planner.analysis.result import analyse

    units, fac, net = demo_inputs
    a = analyse(units, fac, net, profile="jingdezhen", today=datetime.date(2026, 12, 5))
    fig = gap_map_figure(a, facility_type="day_care", service_areas=False)
    footer = " ".join(t.get_text() for t in fig.texts[1:])
    assert "征求意见稿" in footer
    day = next(s for s in a.scores if s.target.id == "day_care_community")
    assert f"现状 {day.value_existing:.1%}" in footer and f"规划 {day.value:.1%}" in footer
    assert ("已逾期" in footer) == any(s.overdue for s in a.scores if "day_care" in s.target.facility_types
                                        and not s.target.informative)
    early = analyse(units, fac, net, profile="jingdezhen", today=datetime.date(2024, 1, 1))
    footer = " ".join(t.get_text() for t in gap_map_figure(early, service_areas=False).texts[1:])
    assert "已逾期" not in footer


def test_font_from_environment(monkeypatch):
    from matplotlib import font_manager

    files = [f for f in font_manager.findSystemFonts() if "wqy" in f.lower() or "cjk" in f.lower()]
    if not files:
        pytest.skip("no CJK font file installed")
    monkeypatch.setenv("PLANNER_CJK_FONT", files[0])
    find_cjk_font.cache_clear()
    try:
        name = find_cjk_font()
        assert name == font_manager.FontProperties(fname=files[0]).get_name()
    finally:
        find_cjk_font.cache_clear()


def test_bad_requests(analysis, tmp_path):
    with pytest.raises(InputError, match="png or .pdf"):
        print_gap_map(analysis, tmp_path / "map.jpg")
    with pytest.raises(InputError, match="paper"):
        gap_map_figure(analysis, paper="B5")
    with pytest.raises(InputError, match="facility type"):
        gap_map_figure(analysis, facility_type="spa")
    assert not list(tmp_path.iterdir())


def test_bad_requests_are_worded_in_chinese(analysis, tmp_path, monkeypatch):
    def refused(call, *args, **kw) -> PlannerError:
        with pytest.raises(PlannerError) as err:
            call(analysis, *args, **kw)
        return err.value

    err = refused(print_gap_map, tmp_path / "map.jpg")
    assert err.display("zh") == "map.jpg: 专题图不能保存为“.jpg”格式 — 文件名请以 .png 或 .pdf 结尾"
    err = refused(print_gap_map, tmp_path / "map")
    assert err.text("zh") == "专题图不能保存为无扩展名的文件"
    assert str(err) == f"{tmp_path / 'map'}: cannot write a map as a file without suffix — use a .png or .pdf file name"
    assert refused(gap_map_figure, paper="B5").display("zh") == "未知的纸张大小“B5” — 请使用 A4 或 A3"
    err = refused(gap_map_figure, orientation="upright")
    assert err.display("zh") == "未知的图幅方向“upright” — 请使用 landscape（横向）或 portrait（纵向）"
    err = refused(gap_map_figure, facility_type="spa")
    assert err.text("zh") == "未知的设施类型“spa”"
    assert err.fix_text("zh") == "可选的类型：" + "、".join(sorted(analysis.model.fields))
    err = refused(gap_map_figure, units_mask=np.zeros(len(analysis.units), bool), service_areas=False)
    assert err.display("zh") == "没有可绘制的单元 — 所选的街道/乡镇范围为空"
    monkeypatch.setattr(printmap, "find_cjk_font", lambda: None)
    err = refused(gap_map_figure, service_areas=False)
    assert err.text("zh") == "找不到中文（CJK）字体，无法绘制中文专题图"
    assert "mplfonts" in err.fix_text("zh") and "PLANNER_CJK_FONT" in err.fix_text("zh")
    assert not list(tmp_path.iterdir())

"""Printable gap maps: rendered, read back (PIL, poppler), Chinese glyphs checked."""

from __future__ import annotations

import shutil
import subprocess
import warnings

import numpy as np
import pytest
from PIL import Image

from planner._errors import InputError, PlannerWarning
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


def test_no_cjk_font_falls_back_to_english(analysis, tmp_path, monkeypatch):
    monkeypatch.setattr(printmap, "find_cjk_font", lambda: None)
    printmap._warn_no_font.cache_clear()
    with pytest.warns(PlannerWarning, match="fonts-wqy-microhei"):
        fig = gap_map_figure(analysis, service_areas=False)
    title = [t.get_text() for t in fig.texts][0]
    assert title.isascii() and "walking coverage" in title
    printmap._warn_no_font.cache_clear()


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

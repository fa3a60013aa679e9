"""bookkit.figures: the shared figure style finds a CJK font, or says how to install one."""

from __future__ import annotations

import os
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from bookkit import figures


def _need_cjk_font():
    if figures.cjk_font() is None:
        message = f"no CJK font here: {figures.INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_use_book_style_sets_the_cjk_font_first_when_one_is_installed():
    _need_cjk_font()
    font = figures.cjk_font()
    assert figures.use_book_style() == font
    assert matplotlib.rcParams["font.sans-serif"][0] == font
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_chinese_text_is_drawn_with_glyphs_not_boxes():
    """matplotlib warns "Glyph ... missing from font(s)" when it has to draw a box."""
    _need_cjk_font()
    figures.use_book_style()
    fig, ax = plt.subplots()
    ax.set_title("反向传播的计算图")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    plt.close(fig)


def test_without_a_cjk_font_the_style_warns_with_the_install_command(monkeypatch):
    monkeypatch.setattr(figures, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        assert figures.use_book_style() is None


def test_smallest_text_pt_covers_ticks_legends_and_annotations():
    figures.use_book_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], label="曲线")
    ax.legend(fontsize=10)
    ax.set_title("标题")
    assert figures.smallest_text_pt(fig) == pytest.approx(10.0)   # tick labels and legend
    ax.annotate("注", (0.5, 0.5), fontsize=7)
    assert figures.smallest_text_pt(fig) == pytest.approx(7.0)
    meta = figures.figure_png_metadata(fig)["bookkit"]
    assert meta == {"min_text_pt": 7.0, "dpi": float(figures.DPI)}
    plt.close(fig)


def test_the_book_style_keeps_10_pt_text_at_9_pt_or_more_on_the_pdf_page():
    figures.use_book_style()
    sizes = [matplotlib.rcParams[k] for k in ("font.size", "legend.fontsize", "axes.labelsize")]
    assert min(sizes) * figures.PDF_TEXT_WIDTH_IN / figures.MAX_WIDTH_IN >= figures.MIN_TEXT_PT
    assert matplotlib.rcParams["figure.dpi"] == figures.DPI >= 150   # print resolution

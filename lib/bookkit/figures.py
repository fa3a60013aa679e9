"""The book's figure style: Chinese text in one CJK font, the same sizes in every chapter.

Every chapter calls :func:`use_book_style` once (in a hidden set-up cell) before drawing.  Figure
text — labels, legends, titles — is Chinese, drawn in Noto Sans CJK SC (Debian's
``fonts-noto-cjk``, which ``.ci/run`` installs).  On a machine without that font the chapters
still execute: matplotlib falls back to its default font, the Chinese glyphs may be drawn as empty
boxes, and :func:`use_book_style` says so once with the command that installs the font.

Figures are drawn at print resolution (200 dpi) and no wider than :data:`MAX_WIDTH_IN`, with no
text smaller than :data:`MIN_TEXT_PT`, so that no text is below 9 pt on the PDF page (whose text
column is :data:`PDF_TEXT_WIDTH_IN` wide) nor below 11 CSS px on the site.  In a notebook,
:func:`use_book_style` also records, with every PNG a figure is displayed (or glued) as, the
smallest font size the figure draws and its resolution (the output's ``image/png`` metadata,
key ``bookkit``: see :func:`figure_png_metadata`); the book's page tests read them.
"""

from __future__ import annotations

import warnings

__all__ = ["CJK_FAMILIES", "DPI", "MAX_WIDTH_IN", "MIN_TEXT_PT", "PDF_TEXT_WIDTH_IN", "cjk_font",
           "figure_png_metadata", "smallest_text_pt", "use_book_style"]

#: Resolution of the book's figures (print resolution at the PDF's text width).
DPI = 200
#: Width of the PDF's text column (A4, 2.2 cm margins), in inches; wider figures are scaled down.
PDF_TEXT_WIDTH_IN = (21.0 - 2 * 2.2) / 2.54
#: The smallest figure text a reader should have to read, in points on the PDF page.
MIN_TEXT_PT = 9.0
#: The widest figure whose 10 pt text stays at or above MIN_TEXT_PT once scaled to the page.
MAX_WIDTH_IN = 7.0

# Preferred CJK sans-serif families, first found wins.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")

INSTALL_HINT = ("install a CJK font so Chinese figure text renders: `sudo apt-get install "
                "fonts-noto-cjk` (Debian/Ubuntu) or `brew install --cask font-noto-sans-cjk-sc` "
                "(macOS)")


def cjk_font() -> str | None:
    """The name of the CJK font matplotlib will use, or ``None`` when none is installed.

    Looks in matplotlib's font list first; fonts installed after matplotlib built its cache are
    found by scanning the system font files for Noto CJK and registering them.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    found = known()
    if found is None:
        for path in font_manager.findSystemFonts():
            if "NotoSansCJK" in path or "NotoSansSC" in path:
                font_manager.fontManager.addfont(path)
        found = known()
    return found


def use_book_style() -> str | None:
    """Set matplotlib's defaults for the book's figures; return the CJK font used (or ``None``).

    Sizes suit a page column; the minus sign is the ASCII hyphen (CJK fonts lack U+2212).
    """
    import matplotlib as mpl

    font = cjk_font()
    mpl.rcParams.update({
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    if font is not None:
        mpl.rcParams["font.family"] = "sans-serif"
        mpl.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    else:
        warnings.warn(f"no CJK font found: Chinese figure text may show as boxes; {INSTALL_HINT}",
                      stacklevel=2)
    _record_text_size_with_png()
    return font


def smallest_text_pt(fig) -> float | None:
    """The smallest font size (points) of the visible, non-empty text of ``fig``; ``None`` if none.

    Draws the figure first, so that tick labels exist.  Covers titles, axis labels, tick labels,
    legends, annotations and ``fig.text``.
    """
    from matplotlib.text import Text

    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_figure() is fig]
    return min(sizes) if sizes else None


def figure_png_metadata(fig) -> dict:
    """``{"bookkit": {"min_text_pt": ..., "dpi": ...}}``: what the page tests need of a figure.

    With the PNG's width in pixels, ``min_text_pt * min(1, PDF_TEXT_WIDTH_IN * dpi / width)`` is
    the smallest text size on the PDF page (LaTeX scales a wider figure down to the line).
    """
    return {"bookkit": {"min_text_pt": smallest_text_pt(fig), "dpi": float(fig.dpi)}}


def _png_with_metadata(fig):
    from IPython.core.pylabtools import print_figure

    data = print_figure(fig, "png", bbox_inches="tight", base64=True)
    return data, figure_png_metadata(fig)


def _record_text_size_with_png() -> None:
    """In IPython, display (and glue) figures as PNG with :func:`figure_png_metadata`."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks' kernel
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    # Resolve the backend now: matplotlib picks it on first use, and the inline backend then
    # installs its own PNG formatter, which would replace this one.
    plt.close(plt.figure())
    shell.display_formatter.formatters["image/png"].for_type(Figure, _png_with_metadata)

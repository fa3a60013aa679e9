"""The book's figure style: Chinese text in one CJK font, the same sizes in every chapter.

Every chapter calls :func:`use_book_style` once (in a hidden set-up cell) before drawing.  Figure
text — labels, legends, titles — is Chinese, drawn in Noto Sans CJK SC (Debian's
``fonts-noto-cjk``, which ``.ci/run`` installs).  On a machine without that font the chapters
still execute: matplotlib falls back to its default font, the Chinese glyphs may be drawn as empty
boxes, and :func:`use_book_style` says so once with the command that installs the font.
"""

from __future__ import annotations

import warnings

__all__ = ["CJK_FAMILIES", "cjk_font", "use_book_style"]

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
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
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
    return font

"""The printed page as the LaTeX build will set it: how many characters fit one line.

:mod:`bookkit.sphinxext.latex_tables` sizes table columns in *Latin columns*: half a Chinese
character, i.e. half the font size (the Noto CJK fonts of :mod:`bookkit.sphinxext.latex` set an
ideograph one em wide and a monospaced Latin character half an em).  How many of them fit a line
follows from the paper, the left and right margins and the point size, which ``latex_elements``
sets (:data:`bookkit.sphinxext.latex.LATEX_ELEMENTS`, overridden by ``_config.yml``) and
``latex_theme_options`` may override.  :func:`page_geometry` reads them as finally configured;
:func:`table_sizes` turns them into the font sizes a table may use with their line widths.  A
setting it cannot read (a paper size or unit it does not know, a margin computed by a TeX
expression, a geometry package line of one's own) is a ``ValueError``, which
:mod:`bookkit.sphinxext.latex` raises as a ``ConfigError`` at ``config-inited``: the book refuses
an override it cannot honour instead of fitting tables to the wrong line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PageGeometry", "page_geometry", "split_keyvals", "table_sizes", "to_points"]

#: TeX points per unit (TeXbook, chapter 10).
UNIT_POINTS = {
    "pt": 1.0,
    "in": 72.27,
    "bp": 72.27 / 72,
    "mm": 72.27 / 25.4,
    "cm": 72.27 / 2.54,
    "pc": 12.0,
    "dd": 1238 / 1157,
    "cc": 12 * 1238 / 1157,
    "sp": 1 / 65536,
}

#: Paper widths the standard classes know (``\documentclass[...]``), in TeX points.
PAPER_WIDTHS = {
    "a4paper": 210 * UNIT_POINTS["mm"],
    "a5paper": 148 * UNIT_POINTS["mm"],
    "b5paper": 176 * UNIT_POINTS["mm"],
    "letterpaper": 8.5 * UNIT_POINTS["in"],
    "legalpaper": 8.5 * UNIT_POINTS["in"],
    "executivepaper": 7.25 * UNIT_POINTS["in"],
}

#: ``\normalsize``, ``\small`` and ``\footnotesize`` in points for each class point size
#: (size10.clo, size11.clo, size12.clo of the standard classes, which Sphinx's sphinxmanual and
#: sphinxhowto build on).
FONT_SIZES = {
    "10pt": {"": 10.0, "\\small": 9.0, "\\footnotesize": 8.0},
    "11pt": {"": 10.95, "\\small": 10.0, "\\footnotesize": 9.0},
    "12pt": {"": 12.0, "\\small": 10.95, "\\footnotesize": 10.0},
}

#: Sphinx's defaults where ``latex_elements`` leaves a key empty (sphinx/builders/latex/theming.py,
#: sphinx.sty's ``hmargin`` option).
DEFAULT_PAPER = "letterpaper"
DEFAULT_POINTSIZE = "10pt"
DEFAULT_HMARGIN = "1in"
#: The only ``geometry`` element whose text width follows from ``hmargin`` alone: Sphinx's default,
#: which loads geometry.sty with the options sphinx.sty passes from ``sphinxsetup``.
SPHINX_GEOMETRY = "\\usepackage{geometry}"

_DIMENSION = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]{2})\s*")


@dataclass(frozen=True)
class PageGeometry:
    """The text block's width and the class's font sizes.

    ``text_width``: the line length in TeX points; ``font_sizes``: ``{size command: points}``,
    ``""`` for the body size, then ``\\small`` and ``\\footnotesize``.
    """

    text_width: float
    font_sizes: Mapping[str, float]

    def columns(self, size: str = "") -> int:
        """Latin columns (half an em each) on one line at ``size`` (a key of ``font_sizes``)."""
        return math.floor(self.text_width / (self.font_sizes[size] / 2))


def to_points(dimension: str) -> float:
    """A TeX dimension such as ``2.2cm`` or ``1in`` in TeX points; ``ValueError`` otherwise.

    Relative units (``em``, ``ex``) and expressions (``\\dimexpr``) are not read: they depend on
    TeX's state.
    """
    if not isinstance(dimension, str):
        raise TypeError(f"a dimension is a string such as '2.2cm', not {type(dimension).__name__}")
    match = _DIMENSION.fullmatch(dimension)
    if match is None or match.group(2) not in UNIT_POINTS:
        raise ValueError(f"cannot read {dimension!r} as a length (a number and one of "
                         f"{', '.join(UNIT_POINTS)})")
    return float(match.group(1)) * UNIT_POINTS[match.group(2)]


def _split_commas(text: str) -> list[str]:
    """``text`` split at the commas outside braces."""
    items, depth, current = [], 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return items


def split_keyvals(text: str) -> dict[str, str]:
    """``"a=1, b={x,y}, c"`` -> ``{"a": "1", "b": "{x,y}", "c": ""}``: commas inside braces stay.

    The form of ``sphinxsetup`` (and of LaTeX package options); a later key wins, as in LaTeX.
    """
    found = {}
    for item in _split_commas(text):
        key, _, value = item.partition("=")
        if key.strip():
            found[key.strip()] = value.strip()
    return found


def _unbrace(text: str) -> str:
    text = text.strip()
    return text[1:-1].strip() if text.startswith("{") and text.endswith("}") else text


def _margins(sphinxsetup: str) -> tuple[float, float]:
    """Left and right margin (points) from ``sphinxsetup``'s ``hmargin`` (``{l,r}`` or one)."""
    value = _unbrace(split_keyvals(sphinxsetup).get("hmargin", DEFAULT_HMARGIN))
    parts = _split_commas(value)
    if len(parts) not in (1, 2):
        raise ValueError(f"sphinxsetup hmargin={value!r}: expected one length or {{left,right}}")
    try:
        left, right = to_points(parts[0]), to_points(parts[-1])
    except ValueError as err:
        raise ValueError(f"latex_elements['sphinxsetup'] hmargin: {err}") from None
    return left, right


def page_geometry(latex_elements: Mapping[str, str],
                  theme_options: Mapping[str, str] | None = None) -> PageGeometry:
    """The text width and font sizes that ``latex_elements`` (and ``latex_theme_options``) give.

    Reads ``papersize``, ``pointsize``, ``sphinxsetup``'s ``hmargin``, and checks that
    ``geometry`` and ``extraclassoptions`` leave the text width to them.  Raises ``ValueError``
    naming the setting it cannot honour.
    """
    if not isinstance(latex_elements, Mapping):
        raise TypeError(f"latex_elements must be a mapping, not {type(latex_elements).__name__}")
    theme_options = theme_options or {}

    def setting(key: str, default: str) -> str:
        if key in theme_options:
            return str(theme_options[key])
        return str(latex_elements.get(key) or default)

    paper, pointsize = setting("papersize", DEFAULT_PAPER), setting("pointsize", DEFAULT_POINTSIZE)
    if paper not in PAPER_WIDTHS:
        raise ValueError(f"papersize {paper!r}: table widths are derived only for "
                         f"{', '.join(PAPER_WIDTHS)}")
    if pointsize not in FONT_SIZES:
        raise ValueError(f"pointsize {pointsize!r}: table widths are derived only for "
                         f"{', '.join(FONT_SIZES)}")
    geometry = latex_elements.get("geometry", SPHINX_GEOMETRY)
    if geometry.strip() != SPHINX_GEOMETRY:
        raise ValueError(f"latex_elements['geometry'] = {geometry!r}: table widths are derived "
                         f"only for Sphinx's {SPHINX_GEOMETRY!r}; set the margins with "
                         "sphinxsetup's hmargin instead")
    options = set(split_keyvals(latex_elements.get("extraclassoptions", "")))
    unsupported = sorted(options & {"twocolumn", "landscape", *PAPER_WIDTHS, *FONT_SIZES})
    if unsupported:
        raise ValueError(f"latex_elements['extraclassoptions'] sets {', '.join(unsupported)}: "
                         "table widths are derived from papersize, pointsize and hmargin only, "
                         "for one column in portrait")
    left, right = _margins(latex_elements.get("sphinxsetup", ""))
    width = PAPER_WIDTHS[paper] - left - right
    if width <= 0:
        raise ValueError(f"hmargin leaves no text width on {paper} ({left + right:.0f} pt of "
                         f"{PAPER_WIDTHS[paper]:.0f} pt)")
    return PageGeometry(text_width=width, font_sizes=dict(FONT_SIZES[pointsize]))


def table_sizes(geometry: PageGeometry) -> tuple[tuple[str, int], ...]:
    """The font sizes a table may shrink to, each with its line width in Latin columns.

    Body size first, then ``\\small``, then ``\\footnotesize``; for A4, 2.2 cm margins and 10 pt,
    ``(("", 94), ("\\small", 104), ("\\footnotesize", 118))``.
    """
    return tuple((size, geometry.columns(size)) for size in geometry.font_sizes)

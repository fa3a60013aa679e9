"""Presentation helpers for chapters: Markdown tables and Chinese-style large-number formatting.

The book shows results as tables rendered from a cell's Markdown output (chapters 1, 2, 6, 7, 8
and 10) and writes large counts the way Chinese technical texts do (万 = 10^4, 亿 = 10^8,
万亿 = 10^12), e.g. GPT-3's "1750 亿参数".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from minidl.validation import check_int, check_real

__all__ = ["markdown_table", "format_count_zh", "format_sci_zh", "format_vector", "magnitude_zh"]

_UNITS = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))


def format_count_zh(n: float, digits: int = 4) -> str:
    """Format a count with the largest Chinese unit it reaches, ``digits`` significant digits.

    ``format_count_zh(343681) == '34.37 万'``, ``format_count_zh(1.75e11) == '1750 亿'``;
    counts below 10,000 are written in full with thousands separators (``'9,999'``).
    """
    n = check_real(n, "n", min_value=0.0)
    digits = check_int(digits, "digits", min_value=1)
    for size, unit in _UNITS:
        if n >= size:
            return f"{n / size:.{digits}g} {unit}"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:.{digits}g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_sci_zh(x: float, digits: int = 3) -> str:
    """A number for Chinese prose: ``3.14 × 10²³`` instead of ``3.14e+23``.

    ``digits`` significant digits; numbers whose exponent is between -3 and 4 are written plainly
    (``format_sci_zh(0.0123) == '0.0123'``, ``format_sci_zh(-2.21e-4) == '-2.21 × 10⁻⁴'``).  The
    minus sign of a negative number is the ASCII hyphen, as in the book's code outputs.
    """
    x = check_real(x, "x")
    digits = check_int(digits, "digits", min_value=1)
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    exp = int(exponent)
    if -3 <= exp <= 4:
        return f"{float(f'{x:.{digits}g}'):.{max(digits - 1 - exp, 0)}f}"
    return f"{mantissa} × 10{str(exp).translate(_SUPERSCRIPT)}"


def format_vector(a, digits: int = 4) -> str:
    """A vector or matrix for prose and tables: ``'[0.5000, 1.1000]'``, matrix rows joined with
    ``'; '`` (``'[1.00, 2.00; 3.00, 4.00]'``); ``digits`` decimals.  a: scalar, (n,) or (m, n)."""
    import numpy as np

    digits = check_int(digits, "digits", min_value=0)
    arr = np.asarray(a, dtype=float)
    if arr.ndim > 2:
        raise ValueError(f"a must be a scalar, vector or matrix, got shape {arr.shape}")
    rows = [", ".join(f"{v:.{digits}f}" for v in row) for row in np.atleast_2d(arr)]
    return "[" + "; ".join(rows) + "]"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                   align: str | None = None) -> str:
    """A GitHub/MyST Markdown table: ``headers`` (k names), ``rows`` (each k values, ``str()``-ed).

    ``align`` is one character per column, ``l``, ``r`` or ``c`` (default: all left).
    Raises ``ValueError`` if a row or ``align`` does not have k entries.
    """
    k = len(headers)
    if k == 0:
        raise ValueError("headers is empty")
    align = align or "l" * k
    if len(align) != k or set(align) - set("lrc"):
        raise ValueError(f"align must be {k} characters from 'l', 'r', 'c', got {align!r}")
    for i, row in enumerate(rows):
        if len(row) != k:
            raise ValueError(f"row {i} has {len(row)} values but there are {k} headers: {row!r}")
    rule = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "| " + " | ".join(rule[a] for a in align) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def magnitude_zh(value: float) -> str:
    """The order of magnitude of a positive number for Chinese prose: ``'10⁶'`` for 3.2e6.

    ``10`` to the power ``floor(log10(value))``, written as :func:`format_sci_zh` writes powers
    (``magnitude_zh(0.004) == '10⁻³'``, ``magnitude_zh(7.0) == '10⁰'``): for a value whose digits
    vary between machines while its size does not (chapter 5's exploding ReLU states).
    """
    value = check_real(value, "value", min_value=0.0, min_open=True)
    return "10" + str(math.floor(math.log10(value))).translate(_SUPERSCRIPT)

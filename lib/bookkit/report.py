"""Presentation helpers for chapters: Markdown tables and Chinese-style large-number formatting.

The book shows results as tables rendered from a cell's Markdown output (chapters 1, 2, 6, 7, 8
and 10) and writes large counts the way Chinese technical texts do (万 = 10^4, 亿 = 10^8,
万亿 = 10^12), e.g. GPT-3's "1750 亿参数".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from minidl.validation import check_int, check_real

__all__ = ["markdown_table", "format_count_zh", "format_sci_zh", "format_vector", "format_value",
           "format_column", "format_tex", "format_tex_matrix", "magnitude_zh"]

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


def format_vector(a, digits: int = 4, *, fmt=None) -> str:
    """A vector or matrix for prose and tables: ``'[0.5000, 1.1000]'``, matrix rows joined with
    ``'; '`` (``'[1.00, 2.00; 3.00, 4.00]'``); ``digits`` decimals.  a: scalar, (n,) or (m, n).

    ``fmt``: a callable float -> str for each entry instead of ``digits`` decimals, e.g.
    ``functools.partial(format_sci_zh, digits=3)`` (``'[-2.21 × 10⁻⁴, 0.0452]'``) or
    ``"{:.2e}".format``.
    """
    import numpy as np

    digits = check_int(digits, "digits", min_value=0)
    if fmt is None:
        def fmt(v):
            return f"{v:.{digits}f}"
    elif not callable(fmt):
        raise TypeError(f"fmt must be a callable float -> str, got {type(fmt).__name__}")
    arr = np.asarray(a, dtype=float)
    if arr.ndim > 2:
        raise ValueError(f"a must be a scalar, vector or matrix, got shape {arr.shape}")
    rows = [", ".join(fmt(float(v)) for v in row) for row in np.atleast_2d(arr)]
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


def format_value(a, fmt) -> str:
    """A scalar as ``fmt(a)``, a vector or matrix as :func:`format_vector` with ``fmt``.

    For table cells that hold either (chapter 4's table of the article's claims): ``0.1054``,
    ``[3, 10]``, ``[0.2689, 0.4714; 0.4714, 0.7311]``.  a: scalar, (n,) or (m, n); a size-1
    array counts as a scalar.  fmt: a callable float -> str.
    """
    import numpy as np

    if not callable(fmt):
        raise TypeError(f"fmt must be a callable float -> str, got {type(fmt).__name__}")
    arr = np.asarray(a, dtype=float)
    return fmt(float(arr.reshape(()))) if arr.size == 1 else format_vector(arr, fmt=fmt)


def format_column(a, digits: int = 4) -> str:
    """Numbers as they stand in a box of a diagram: one line per entry of a vector, one line per
    row of a matrix (entries two spaces apart), ``digits`` decimals (chapter 4's computational
    graph).  a: scalar, (n,) or (m, n)."""
    import numpy as np

    digits = check_int(digits, "digits", min_value=0)
    arr = np.asarray(a, dtype=float)
    if arr.ndim > 2:
        raise ValueError(f"a must be a scalar, vector or matrix, got shape {arr.shape}")
    rows = arr.reshape(-1, 1) if arr.ndim < 2 else arr
    return "\n".join("  ".join(f"{v:.{digits}f}" for v in row) for row in rows)


def format_tex(x: float, digits: int = 2) -> str:
    """A number for TeX math: four decimals (``0.0452``), or ``9.08 \\times 10^{-5}`` (``digits``
    decimals of the mantissa) when its magnitude is below 10⁻³ (chapter 11's errata table)."""
    x = check_real(x, "x")
    digits = check_int(digits, "digits", min_value=0)
    if x == 0 or abs(x) >= 1e-3:
        return f"{x:.4f}"
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def format_tex_matrix(m, fmt=format_tex) -> str:
    """A matrix as a TeX ``bmatrix``, each entry ``fmt(entry)``.  m: (rows, columns)."""
    import numpy as np

    if not callable(fmt):
        raise TypeError(f"fmt must be a callable float -> str, got {type(fmt).__name__}")
    arr = np.asarray(m, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"m must be a matrix (rows, columns), got shape {arr.shape}")
    body = " \\\\ ".join(" & ".join(fmt(float(x)) for x in row) for row in arr)
    return "\\begin{bmatrix}" + body + "\\end{bmatrix}"


def magnitude_zh(value: float) -> str:
    """The order of magnitude of a positive number for Chinese prose: ``'10⁶'`` for 3.2e6.

    ``10`` to the power ``floor(log10(value))``, written as :func:`format_sci_zh` writes powers
    (``magnitude_zh(0.004) == '10⁻³'``, ``magnitude_zh(7.0) == '10⁰'``): for a value whose digits
    vary between machines while its size does not (chapter 5's exploding ReLU states).
    """
    value = check_real(value, "value", min_value=0.0, min_open=True)
    return "10" + str(math.floor(math.log10(value))).translate(_SUPERSCRIPT)

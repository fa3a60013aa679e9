"""The article the book rewrites (article/article.txt), as the tests read it.

``article/article.txt`` holds three generated versions of the article one after the other; see
``article/README.md`` for where each begins.  Quotations are compared with whitespace normalised
(every run of whitespace is one space) and nothing else.
"""

from __future__ import annotations

import hashlib
import re

from .bookfiles import ROOT

PATH = ROOT / "article" / "article.txt"
SHA256 = "badd3079906b93b44415c6f544a2a24ad669073754c79ec185375dd7a3377620"
# first line (1-based) of each version in article.txt
VERSION_STARTS = (1, 477, 958)


def raw() -> str:
    return PATH.read_text(encoding="utf-8")


def sha256() -> str:
    return hashlib.sha256(PATH.read_bytes()).hexdigest()


def versions() -> list[str]:
    """The three versions, 第一版 to 第三版, as lists of lines joined back into text."""
    lines = raw().splitlines(keepends=True)
    bounds = [s - 1 for s in VERSION_STARTS] + [len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def normalise(text: str) -> str:
    """Every run of whitespace as one space, stripped: the only normalisation quotations get."""
    return re.sub(r"\s+", " ", text).strip()


def contains(quote: str, text: str | None = None) -> bool:
    """Whether ``quote`` occurs verbatim (whitespace normalised) in the article (or ``text``)."""
    return normalise(quote) in normalise(raw() if text is None else text)

"""The article the book rewrites (article/article.txt), as the tests read it.

``article/article.txt`` holds three generated versions of the article one after the other;
``bookkit.article.versions`` splits them (where each begins is defined there, once).  Quotations
are compared with whitespace normalised (every run of whitespace is one space) and nothing else.
"""

from __future__ import annotations

import hashlib
import re

from bookkit.article import versions  # noqa: F401 (where each version begins: defined there, once)

from .bookfiles import ROOT

PATH = ROOT / "article" / "article.txt"
SHA256 = "badd3079906b93b44415c6f544a2a24ad669073754c79ec185375dd7a3377620"


def raw() -> str:
    return PATH.read_text(encoding="utf-8")


def sha256() -> str:
    return hashlib.sha256(PATH.read_bytes()).hexdigest()


def normalise(text: str) -> str:
    """Every run of whitespace as one space, stripped: the only normalisation quotations get."""
    return re.sub(r"\s+", " ", text).strip()


def contains(quote: str, text: str | None = None) -> bool:
    """Whether ``quote`` occurs verbatim (whitespace normalised) in the article (or ``text``)."""
    return normalise(quote) in normalise(raw() if text is None else text)

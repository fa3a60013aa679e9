"""The book's bibliography (``references.bib``) read as plain text.

Chapter 10 prints the article's reference list beside the corrected entries, and the errata
appendix (勘误表) quotes corrected references; both read them from ``references.bib`` through
these helpers, so a corrected entry is typed exactly once.  :func:`load` reads the book's copy
through :mod:`bookkit.resources` (the installed package's, or ``$BOOKKIT_BOOK_DIR``'s), wherever
the chapter runs.
"""

from __future__ import annotations

from pathlib import Path

from pybtex.database import BibliographyData, Entry, parse_file
from pybtex.richtext import Text

from bookkit import resources

__all__ = ["load", "plain", "last_names", "authors", "venue", "identifier"]


def load(path: str | Path | None = None) -> BibliographyData:
    """Parse the BibTeX file ``path`` (default: the book's ``references.bib``, found by
    :func:`bookkit.resources.path`; a missing one is a ``FileNotFoundError`` saying what to do).

    Raises ``TypeError`` for a ``path`` that is not a path, ``FileNotFoundError`` for a missing
    file.
    """
    if path is None:
        path = resources.path("references.bib")
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a path or None, got {type(path).__name__}")
    if not Path(path).is_file():
        raise FileNotFoundError(f"no BibTeX file at {path}")
    return parse_file(Path(path))


def plain(latex: str) -> str:
    """A BibTeX field as plain text: ``'{G}{\\'e}ron'`` -> ``'Géron'``."""
    return Text.from_latex(latex).render_as("text")


def last_names(entry: Entry, role: str = "author") -> list[str]:
    """Plain-text last names of the entry's authors (or editors), in order."""
    if role not in entry.persons:
        raise ValueError(f"entry has no {role!r} field (it has {sorted(entry.persons)})")
    return [plain(" ".join(p.last_names)) for p in entry.persons[role]]


def authors(entry: Entry) -> str:
    """Chinese-style author list: ``'Tan、Le'``; more than three (or "and others") -> ``'X 等'``."""
    role = "author" if "author" in entry.persons else "editor"
    names = last_names(entry, role)
    if entry.fields.get(role, "").endswith("others") or len(names) > 3:
        return f"{names[0]} 等"
    return "、".join(names)


def venue(entry: Entry) -> str:
    """Where it appeared: booktitle, journal, institution, howpublished or publisher, or ''."""
    for key in ("booktitle", "journal", "institution", "howpublished", "publisher"):
        if key in entry.fields:
            return plain(entry.fields[key])
    return ""


def identifier(entry: Entry) -> str:
    """The most stable identifier: ``doi:…``, ``arXiv:…``, ``ISBN …`` or the URL ('' if none)."""
    f = entry.fields
    if "doi" in f:
        return f"doi:{f['doi']}"
    if "eprint" in f:
        return f"arXiv:{f['eprint']}"
    if "isbn" in f:
        return f"ISBN {f['isbn']}"
    return f.get("url", "")

"""The glossary (附录 术语表) and the chapters agree.

For every row of ``chapters/appendix-glossary.md`` (本书用语 | 英文 | d2l-zh | 首次出现):

* 首次出现 names the first chapter, in reading order, whose prose uses the term;
* that chapter gives the English on first use, as 术语（English）, and it is the glossary's;
* no chapter glosses the term with other English (a pairing such as 遗忘门（input gate） once
  passed every test).

Prose is the Markdown cells of ``chapters/NN-slug.md`` (not code, not the glued values).
"""

from __future__ import annotations

import re
from functools import cache

import jupytext
import pytest

from tests.book.support.bookfiles import CHAPTERS, toc_entries

GLOSSARY = CHAPTERS / "appendix-glossary.md"
ROW = re.compile(r"^\| (?P<zh>[^|]+?) \| (?P<en>[^|]+?) \| [^|]*? \| "
                 r"\{doc\}`第 (?P<n>\d+) 章 <(?P<doc>[^>]+)>` \|$", re.M)
#: Rows whose chapter is rewritten elsewhere (shrink-only): term -> why it is not checked yet.
WAITING: dict[str, str] = {}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def chapter_prose() -> dict[str, str]:
    """docname -> the Markdown prose of each executed chapter, in reading order."""
    prose = {}
    for doc in toc_entries():
        if not re.fullmatch(r"chapters/\d\d-[\w-]+", doc):
            continue
        cells = jupytext.read(CHAPTERS.parent / f"{doc}.md").cells
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        prose[doc] = re.sub(r"\{(?:glue:text|cite|doc|numref|eq|ref)\}`[^`]*`", " ", text)
    return prose


def glossary_rows() -> list[dict]:
    rows = []
    for m in ROW.finditer(GLOSSARY.read_text(encoding="utf-8")):
        term = re.sub(r"（[^）]*）", "", m["zh"]).strip()
        english = [e for e in (re.sub(r"\([^)]*\)", "", alt).strip()
                               for alt in m["en"].split(" / ")) if e]
        rows.append({"term": term, "english": english, "doc": f"chapters/{m['doc']}",
                     "number": int(m["n"]), "line": m.group(0)})
    return rows


ROWS = glossary_rows()


def test_the_glossary_has_rows():
    assert len(ROWS) > 30, f"only {len(ROWS)} glossary rows parsed"


def _glosses(text: str, term: str) -> list[str]:
    """The English given right after ``term``: 术语（English，...）, **术语**（English）,
    “术语”（English）, or inside a parenthesis, （术语，English）."""
    pattern = (re.escape(term)
               + r"(?:\*\*|”)?(?:[（(]|[，,]\s*)([A-Za-z][^）)，,]*(?:[，,][^）)]*)?)")
    return [m.group(1) for m in re.finditer(pattern, text)]


@pytest.mark.parametrize("row", ROWS, ids=[r["term"] for r in ROWS])
def test_glossary_entry_agrees_with_the_chapters(row):
    if row["term"] in WAITING:
        pytest.skip(WAITING[row["term"]])
    assert row["doc"].startswith(f"chapters/{row['number']:02d}-"), (
        f"{row['term']}: the link text says 第 {row['number']} 章 but it links to {row['doc']}")
    prose = chapter_prose()
    term, english = row["term"], [_norm(e) for e in row["english"]]
    first = next((doc for doc, text in prose.items() if term in text), None)
    if len(term) > 1:
        assert first == row["doc"], (
            f"{term}: the glossary says it first appears in {row['doc']}, but the first chapter "
            f"that uses it is {first}")
    given = _glosses(prose.get(row["doc"], ""), term)
    assert any(any(e in _norm(g) for e in english) for g in given), (
        f"{term}: {row['doc']} does not give the glossary's English {row['english']} on first "
        f"use (术语（English）); it gives {given}")
    for doc, text in prose.items():
        for g in _glosses(text, term):
            if re.fullmatch(r"[a-z][a-z \-]+", g.split("，")[0].split(",")[0].strip()):
                head = _norm(g.split("，")[0].split(",")[0])
                assert any(e in head or head in e for e in english), (
                    f"{doc} glosses {term} as {g!r}; the glossary says {row['english']}")

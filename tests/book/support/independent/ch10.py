"""Chapter 10 (references): the counts, from the rendered table and from references.bib's text."""

from __future__ import annotations

import re

import nbformat

from ..bookfiles import CHAPTERS, ROOT

NOTEBOOK = "10-references"


def problems() -> list[str]:
    """The 问题 column of chapter 10's table of the article's references."""
    nb = nbformat.read(CHAPTERS / f"{NOTEBOOK}.ipynb", as_version=4)
    tables = [o["data"]["text/markdown"] for c in nb.cells for o in c.get("outputs", [])
              if o.get("data", {}).get("text/markdown", "").startswith("| 原文条目 |")]
    assert len(tables) == 1
    return [re.split(r"(?<!\\)\|", line)[2].strip() for line in tables[0].splitlines()[2:]]


def expected() -> dict[str, object]:
    col = problems()
    ok = sum(p.startswith("正确") or p.startswith("此处正确") for p in col)
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    return {"ch10_n_wrong": len(col) - ok, "ch10_n_ok": ok,
            "ch10_n_entries": len(re.findall(r"^@\w+\s*\{", bib, re.M))}

"""The book builds with warnings as errors from the committed notebook outputs."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from bs4 import BeautifulSoup

from tests.book.support.bookfiles import ROOT, build_book, toc_entries

pytestmark = pytest.mark.slow


def test_book_builds_strictly_and_every_toc_page_exists(built_site):
    for entry in toc_entries():
        page = built_site / f"{entry}.html"
        assert page.exists(), f"{entry} is in _toc.yml but {page.name} was not built"


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_chapter_pages_show_executed_outputs(built_site):
    """Every line a shown cell printed (stdout) is on the chapter's page, one output block per such
    cell at least: the page is the executed notebook, not a page with one stray output."""
    checked = 0
    for entry in toc_entries():
        nb_path = ROOT / f"{entry}.ipynb"
        if not entry.startswith("chapters/") or not nb_path.exists():
            continue
        soup = BeautifulSoup((built_site / f"{entry}.html").read_text(encoding="utf-8"),
                             "html.parser")
        page = _words(" ".join(o.get_text(" ") for o in soup.select("div.cell_output")))
        printed = []
        for cell in nbformat.read(nb_path, as_version=4).cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell.cell_type != "code" or tags & {"remove-cell", "remove-output"}:
                continue
            text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                           if o.get("output_type") == "stream" and o.get("name") == "stdout")
            if text.strip():
                printed.append(text)
        assert len(soup.select("div.cell_output")) >= len(printed), (
            f"{entry}.html shows fewer output blocks than the {len(printed)} cells that print")
        for text in printed:
            for line in filter(None, (_words(x) for x in text.splitlines())):
                assert line in page, f"{entry}.html does not show the executed output {line!r}"
                checked += 1
    assert checked > 100, f"only {checked} printed lines found in the chapters"


def test_a_broken_cross_reference_fails_the_build(tmp_path):
    """The strict configuration is really strict: the book's own _config.yml, a one-page toc and a
    dangling {ref} must fail the build (a copy, so the real book is untouched)."""
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (book / "index.md").write_text("# 测试\n\n见 {ref}`no-such-label-anywhere`。\n",
                                   encoding="utf-8")
    proc = build_book(tmp_path / "out", root=book)
    assert proc.returncode != 0, "a dangling cross-reference did not fail the -W build"
    assert "no-such-label-anywhere" in proc.stdout + proc.stderr

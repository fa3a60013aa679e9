"""The book builds with warnings as errors from the committed notebook outputs."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from bookfiles import ROOT, build_book, plain_pages, toc_entries

pytestmark = pytest.mark.slow


def test_book_builds_strictly_and_every_toc_page_exists(built_site):
    for entry in toc_entries():
        page = built_site / f"{entry}.html"
        assert page.exists(), f"{entry} is in _toc.yml but {page.name} was not built"


def test_chapter_pages_show_executed_outputs(built_site):
    plain = {f"chapters/{page.stem}" for page in plain_pages()}   # no code, no outputs
    for entry in toc_entries():
        if not entry.startswith("chapters/") or entry in plain:
            continue
        html = (built_site / f"{entry}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        outputs = soup.select("div.cell_output")
        assert outputs, f"{entry}.html shows no cell outputs: the notebook was not executed"


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

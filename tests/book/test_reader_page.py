"""The page the reader sees, read from the built site's HTML (no browser needed).

Each test names the defect it keeps out of the book (issue 26):

* a figure drawn twice on a page (the drawing cell showed its figure, then ``{glue:figure}``
  showed it again): every figure image appears once per page;
* two figures or tables with the same number (the performance appendix's figure was "图 1" on
  the site and a second "图 2.1" in the PDF): numbers are unique across the book;
* a table printed as raw Markdown pipes (a cell without ``markdown_format: gfm``);
* the same paragraph printed twice (chapter 7 once did);
* the book's machinery (tests, nbval, budgets, audits, test file names, raw Sphinx roles) in the
  reader's text, outside the 前言's "本书如何验证" box (``machinery_words.py``).

The browser checks of the same pages (widths at 1280 px, the first screen at 390 px, figure text
size) are in ``test_site.py``; the PDF's in ``test_pdf.py``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.book.support.bookfiles import toc_entries
from tests.book.support.machinery_words import VERIFICATION_CLASS, machinery_found
from tests.book.support.rendered import RAW_TABLE, image_key

pytestmark = pytest.mark.slow

PAGES = toc_entries()
#: Paragraphs shorter than this may repeat (a short formula line, "见上表").
MIN_REPEATED_CHARS = 40


@cache
def _article(site: Path, page: str) -> BeautifulSoup:
    soup = BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article.bd-article") or soup.select_one("main")


#: Pages whose machinery words another issue removes (shrink-only): page -> why it waits.
MACHINERY_WAITING: dict[str, str] = {}


def _reader_text(site: Path, page: str, keep_verification_box: bool = True) -> str:
    """The text of ``page`` a reader reads: everything but the source of code cells, shell
    commands, and the API appendix's English reference generated from minidl's docstrings."""
    article = BeautifulSoup(str(_article(site, page)), "html.parser")
    for node in article.select("div.cell_input, script, style, .headerlink, .api-reference, "
                               "div.highlight-bash, div.highlight-shell, div.highlight-console"):
        node.decompose()
    if not keep_verification_box:
        for node in article.select(f".{VERIFICATION_CLASS}"):
            node.decompose()
    return article.get_text(" ")


def figure_images(site: Path, page: str) -> list[Path]:
    """The image files the article of ``page`` shows (figures and images in cell outputs)."""
    found = []
    for img in _article(site, page).select("img[src]"):
        src = img["src"]
        if "://" in src or src.startswith("data:"):
            continue
        found.append(((site / page).parent / src).resolve())
    return found


def test_every_figure_image_appears_once_per_page(built_site):
    repeated = {}
    checked = 0
    for page in PAGES:
        images = figure_images(built_site, page)
        checked += len(images)
        keys = Counter(image_key(p) for p in images)
        twice = [p.name for p in images if keys[image_key(p)] > 1]
        if twice:
            repeated[page] = twice
    assert checked, "no figure image on any page"
    assert not repeated, ("figures shown twice on a page (close the figure in the cell that "
                          f"draws it: plt.close(fig)): {repeated}")


def caption_numbers(site: Path) -> dict[str, list[str]]:
    """"图 B.1" / "表 2.3" -> the pages whose captions carry that number."""
    found = defaultdict(list)
    for page in PAGES:
        for number in _article(site, page).select(
                "figcaption .caption-number, table caption .caption-number"):
            found[number.get_text(strip=True)].append(page)
    return found


def test_figure_and_table_numbers_are_unique_across_the_book(built_site):
    numbers = caption_numbers(built_site)
    assert numbers, "no numbered figure in the book"
    repeated = {n: pages for n, pages in numbers.items() if len(pages) > 1}
    assert not repeated, f"the same figure or table number twice: {repeated}"
    unnumbered = [n for n in numbers if not re.fullmatch(r"[图表] ([A-Z]|\d+)\.\d+", n)]
    assert not unnumbered, f"numbers without their chapter (图 1 instead of 图 B.1): {unnumbered}"


def test_no_raw_markdown_table_on_any_page(built_site):
    raw = {}
    for page in PAGES:
        article = BeautifulSoup(str(_article(built_site, page)), "html.parser")
        for node in article.select("div.cell_input, pre, script, style, .math"):
            node.decompose()
        found = [m.group(0)[:80] for m in RAW_TABLE.finditer(article.get_text("\n"))]
        if found:
            raw[page] = found[:3]
    assert not raw, ("tables printed as Markdown pipes (give the cell `mystnb: markdown_format: "
                     f"gfm`): {raw}")


def test_no_paragraph_of_prose_appears_twice_in_the_book(built_site):
    seen = defaultdict(list)
    for page in PAGES:
        for p in _article(built_site, page).select("p"):
            if p.find_parent(["div"], class_=re.compile(r"cell_output|cell_input")) or \
                    p.find_parent(class_="api-reference"):   # autodoc: parameters repeat
                continue
            text = re.sub(r"\s+", " ", p.get_text(" ")).strip()
            if len(text) >= MIN_REPEATED_CHARS:
                seen[text].append(page)
    repeated = {t[:60]: pages for t, pages in seen.items() if len(pages) > 1}
    assert not repeated, f"paragraphs printed twice: {repeated}"


def test_machinery_words_stay_out_of_the_readers_text(built_site):
    found = {}
    for page in PAGES:
        if page in MACHINERY_WAITING:
            continue
        hits = machinery_found(_reader_text(built_site, page, keep_verification_box=False))
        if hits:
            found[page] = hits[:5]
    assert not found, ("the book's machinery in the reader's text (machinery_words.py says what "
                       "to write instead; the 前言's 本书如何验证 box is the one place for it):\n"
                       + "\n".join(f"{p}: {h}" for p, h in found.items()))


def test_the_verification_box_is_the_one_marked_place(built_site):
    boxes = {page: len(_article(built_site, page).select(f".{VERIFICATION_CLASS}"))
             for page in PAGES}
    assert boxes.get("index") == 1, "the 前言 has no 本书如何验证 box"
    assert sum(boxes.values()) == 1, f"more than one verification box: {boxes}"
    assert machinery_found(_reader_text(built_site, "index")), \
        "the check is vacuous: the verification box names none of the machinery words"


#: English interface text the site once showed beside Chinese (the solutions' toggle said 点击显示).
ENGLISH_UI = re.compile(r"Show code cell|Hide code cell|Show code|Hide code|Click to show")


def test_the_page_interface_speaks_chinese(built_site):
    found = {page: sorted(set(ENGLISH_UI.findall(str(_article(built_site, page)))))
             for page in PAGES}
    found = {page: words for page, words in found.items() if words}
    assert not found, f"English toggle labels on the pages: {found}"

"""bookkit.sphinxext.downloads: the site's download menu (.ipynb, .md, the book's PDF and wheel).

The menu's entries are checked as data; the links, on a two-page Sphinx project with the book's
theme.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bookkit.sphinxext.downloads import (
    add_markdown_entry,
    add_pdf_entry,
    add_wheel_entry,
    download_menu,
)

WHEEL = "minidl-0.1.0-py3-none-any.whl"


def _theme_menu() -> list[dict]:
    """The download menu as sphinx-book-theme builds it for a chapter page."""
    return [{"label": "download-source-button", "text": ".ipynb"},
            {"label": "download-pdf-button", "text": ".pdf", "type": "javascript"}]


def test_the_menu_is_found_in_the_page_context_and_edited_in_place():
    entries = _theme_menu()
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": []},
                                  {"label": "download-buttons", "buttons": entries}]}
    assert download_menu(context) is entries
    assert download_menu({"header_buttons": [{"label": "launch-buttons", "buttons": []}]}) is None
    assert download_menu({}) is None


def test_all_entries_together_come_in_reading_order_once():
    entries = _theme_menu()
    for _ in range(2):  # idempotent
        add_markdown_entry(entries, "../_sources/chapters/01-a.md")
        add_pdf_entry(entries, "../book.pdf")
        add_wheel_entry(entries, f"../{WHEEL}")
    assert [e["label"] for e in entries] == [
        "download-book-pdf-button", "download-source-button", "download-md-button",
        "download-wheel-button", "download-pdf-button"]
    assert [e["text"] for e in entries] == ["全书 PDF", ".ipynb", ".md", ".whl", "打印本页"]
    assert entries[1]["tooltip"] == "下载执行后的笔记本（.ipynb）"


def test_the_wheel_entry_follows_the_md_entry_once():
    entries = [{"label": "download-book-pdf-button"}, {"label": "download-source-button"},
               {"label": "download-md-button"}, {"label": "download-pdf-button"}]
    add_wheel_entry(entries, f"../{WHEEL}")
    add_wheel_entry(entries, f"../{WHEEL}")  # idempotent
    assert [e["label"] for e in entries] == [
        "download-book-pdf-button", "download-source-button", "download-md-button",
        "download-wheel-button", "download-pdf-button"]
    assert entries[3]["url"] == f"../{WHEEL}" and entries[3]["text"] == ".whl"


# --- the book's wheel -------------------------------------------------------------------------


def _write_project(src: Path, setting: str) -> Path:
    """A two-page Sphinx project (index.md and sub/page.md) under ``src`` with the book's
    extension, the download button on, and ``setting`` (one line of conf.py)."""
    (src / "sub").mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'bookkit.sphinxext']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "html_theme_options = {'use_download_button': True}\n"
        "language = 'zh_CN'\n"
        f"{setting}\n", encoding="utf-8")
    (src / "index.md").write_text("# 首页\n\n```{toctree}\nsub/page\n```\n", encoding="utf-8")
    (src / "sub" / "page.md").write_text("# 一页\n\n正文。\n", encoding="utf-8")
    return src


def test_with_a_wheel_every_page_links_to_its_copy_under_its_own_name(tmp_path):
    src = _write_project(tmp_path / "src", "bookkit_wheel_dir = 'built'")
    html = tmp_path / "html"
    build = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src), str(html)]
    proc = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert WHEEL not in (html / "index.html").read_text(encoding="utf-8")  # no wheel, no link
    (src / "built").mkdir()
    (src / "built" / WHEEL).write_bytes(b"PK\x05\x06" + bytes(18))
    proc = subprocess.run([*build[:-1], "-E", str(html)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (html / WHEEL).read_bytes() == (src / "built" / WHEEL).read_bytes()
    for page in ("index.html", "sub/page.html"):
        soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")
                 if a["href"].endswith(".whl")]
        assert links, f"{page} has no wheel link"
        assert (Path(html / page).parent / links[0]).resolve() == (html / WHEEL).resolve()


# --- the book's PDF ---------------------------------------------------------------------------


def test_the_pdf_entry_comes_first_and_the_print_button_is_renamed():
    entries = [{"label": "download-source-button", "text": ".md"},
               {"label": "download-pdf-button", "text": ".pdf", "type": "javascript"}]
    add_pdf_entry(entries, "../book.pdf")
    add_pdf_entry(entries, "../book.pdf")  # idempotent
    assert [e["label"] for e in entries] == ["download-book-pdf-button",
                                             "download-source-button", "download-pdf-button"]
    assert entries[0]["url"] == "../book.pdf" and entries[0]["text"] == "全书 PDF"
    assert entries[2]["text"] == "打印本页"


def _build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src),
                           str(out)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> Path:
    return _write_project(tmp_path_factory.mktemp("downloads"), "bookkit_pdf = 'built/book.pdf'")


def test_without_a_pdf_the_site_has_no_link(small_project, tmp_path):
    proc = _build(small_project, tmp_path / "html")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (tmp_path / "html" / "book.pdf").exists()
    assert "book.pdf" not in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")


def test_with_a_pdf_every_page_links_to_its_copy(small_project, tmp_path):
    pdf = small_project / "built" / "book.pdf"
    pdf.parent.mkdir(exist_ok=True)
    pdf.write_bytes(b"%PDF-1.5\n%test\n")
    try:
        proc = _build(small_project, tmp_path / "html")
    finally:
        shutil.rmtree(pdf.parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = tmp_path / "html"
    assert (html / "book.pdf").read_bytes() == b"%PDF-1.5\n%test\n"
    for page in ("index.html", "sub/page.html"):
        soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.select(".dropdown-download-buttons a[href]")
                 if a["href"].endswith("book.pdf")]
        assert links, f"{page} has no PDF link"
        assert ((html / page).parent / links[0]["href"]).resolve() == (html / "book.pdf").resolve()

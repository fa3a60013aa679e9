"""The site's download menu: the chapter's notebook and source, the book's PDF and its package.

sphinx-book-theme puts a download menu on every page (``html.use_download_button``), offering the
page's source (for a chapter, the executed ``chapters/NN-slug.ipynb`` it is rendered from) and the
browser's print dialog (".pdf").  This module edits that menu, in one place
(:func:`_edit_download_menu`, through :func:`download_menu`), so that it offers:

* **全书 PDF**, first, when ``make pdf`` has written the PDF to ``bookkit_pdf`` (default
  ``_build/pdf/book.pdf``, relative to the book's source directory): the file is copied into the
  site as ``book.pdf``; the theme's ".pdf" entry is relabelled 打印本页, so the two are not
  confused;
* **.ipynb**, the executed notebook (the theme's entry, with a Chinese tooltip);
* **.md**, the paired MyST Markdown source of a chapter, published as
  ``_sources/chapters/NN-slug.md``;
* **.whl**, when ``make wheel`` (run by ``make book``) has written one ``minidl-*.whl`` to
  ``bookkit_wheel_dir`` (default ``_build/wheel``): the book's Python package
  (:mod:`bookkit.wheel`), copied into the site under its own name (pip needs the name), so that
  a downloaded notebook can be run (前言 says so; :mod:`bookkit.launch` writes the same in each
  notebook's first cell);
* the print entry (打印本页).

Without a PDF or a wheel the site is built as before, with no link to a missing file.  The
notebook and source entries are real downloads (a ``download`` attribute) instead of new tabs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from bookkit.sphinxext.config import add_config_value

__all__ = ["PDF_NAME", "add_markdown_entry", "add_pdf_entry", "add_wheel_entry", "book_pdf",
           "book_wheel", "download_menu", "paired_markdown", "setup_downloads"]

#: The PDF's name in the built site (at its root).
PDF_NAME = "book.pdf"

#: The label sphinx-book-theme gives its download menu (a header button group).
MENU_LABEL = "download-buttons"

_DOWNLOAD_ATTRIBUTE_JS = """
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".dropdown-download-buttons a[href*='_sources/']").forEach((a) => {
    a.setAttribute("download", "");
    a.removeAttribute("target");
  });
});
""".strip()


def download_menu(context: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The entries of a page's download menu (the theme's ``download-buttons`` group in
    ``context["header_buttons"]``), to be edited in place; None when the page has no menu."""
    buttons = context.get("header_buttons") or []
    group = next((b for b in buttons if b.get("label") == MENU_LABEL), None)
    return None if group is None else group["buttons"]


def _has(entries: list[dict[str, Any]], label: str) -> bool:
    return any(e.get("label") == label for e in entries)


def add_markdown_entry(entries: list[dict[str, Any]], url: str) -> None:
    """Put the ``.md`` link right after the notebook (``download-source-button``) entry of
    ``entries`` (in place, once), and give the notebook entry a Chinese tooltip."""
    if _has(entries, "download-md-button"):
        return
    at = next((i + 1 for i, e in enumerate(entries) if e.get("label") == "download-source-button"),
              len(entries))
    for entry in entries:
        if entry.get("label") == "download-source-button":
            entry["tooltip"] = "下载执行后的笔记本（.ipynb）"
    entries.insert(at, {
        "type": "link",
        "url": url,
        "text": ".md",
        "tooltip": "下载 MyST Markdown 源文件（.md，用 jupytext 配对）",
        "icon": "fab fa-markdown",
        "label": "download-md-button",
    })


def add_pdf_entry(entries: list[dict[str, Any]], url: str) -> None:
    """Put the book-PDF link first in ``entries`` (in place, once); the theme's print entry
    becomes 打印本页."""
    if _has(entries, "download-book-pdf-button"):
        return
    for entry in entries:
        if entry.get("label") == "download-pdf-button":  # the theme's window.print()
            entry["text"] = "打印本页"
            entry["tooltip"] = "打印本页（或在打印对话框中另存为 PDF）"
            entry["icon"] = "fas fa-print"
    entries.insert(0, {
        "type": "link",
        "url": url,
        "text": "全书 PDF",
        "tooltip": "下载全书 PDF（XeLaTeX 排版）",
        "icon": "fas fa-file-pdf",
        "label": "download-book-pdf-button",
    })


def add_wheel_entry(entries: list[dict[str, Any]], url: str) -> None:
    """Put the wheel link after the ``.md`` (or ``.ipynb``) entry of ``entries`` (in place,
    once)."""
    if _has(entries, "download-wheel-button"):
        return
    labels = [e.get("label") for e in entries]
    after = next((labels.index(x) + 1 for x in ("download-md-button", "download-source-button")
                  if x in labels), len(entries))
    entries.insert(after, {
        "type": "link",
        "url": url,
        "text": ".whl",
        "tooltip": ("下载本书的 Python 包（wheel：minidl、bookkit 与数据），"
                    "pip install 后即可运行下载的笔记本"),
        "icon": "fas fa-box",
        "label": "download-wheel-button",
    })


def paired_markdown(app: Sphinx, pagename: str) -> Path | None:
    """``chapters/NN-slug.md`` when the page is rendered from ``chapters/NN-slug.ipynb``."""
    if pagename not in app.env.all_docs:
        return None
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".ipynb":
        return None
    markdown = source.with_suffix(".md")
    return markdown if markdown.is_file() else None


def book_pdf(app: Sphinx) -> Path | None:
    """The built PDF (``bookkit_pdf`` under the source directory), or None when absent."""
    setting = app.config.bookkit_pdf
    if not setting:
        return None
    path = Path(app.srcdir, setting)
    return path if path.is_file() else None


def book_wheel(app: Sphinx) -> Path | None:
    """The built wheel (the one ``minidl-*.whl`` in ``bookkit_wheel_dir``), or None."""
    setting = app.config.bookkit_wheel_dir
    if not setting:
        return None
    found = sorted(Path(app.srcdir, setting).glob("minidl-*.whl"))
    return found[0] if len(found) == 1 else None


def _edit_download_menu(app: Sphinx, pagename: str, templatename: str, context: dict,
                        doctree: nodes.Node | None) -> None:
    entries = download_menu(context)
    if entries is None or app.builder.format != "html":
        return
    app.add_js_file(None, body=_DOWNLOAD_ATTRIBUTE_JS)
    markdown = paired_markdown(app, pagename)
    if markdown is not None:
        target = Path(app.outdir, "_sources", f"{pagename}.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(markdown, target)
        add_markdown_entry(entries, f"{context['pathto']('_sources', 1)}/{pagename}.md")
    if book_pdf(app) is not None:
        add_pdf_entry(entries, context["pathto"](PDF_NAME, 1))
    wheel = book_wheel(app)
    if wheel is not None:
        add_wheel_entry(entries, context["pathto"](wheel.name, 1))


def _copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    """The PDF and the wheel into the site's root, when built."""
    if exception is not None or app.builder.format != "html":
        return
    pdf, wheel = book_pdf(app), book_wheel(app)
    if pdf is not None:
        shutil.copyfile(pdf, Path(app.outdir, PDF_NAME))
    if wheel is not None:
        shutil.copyfile(wheel, Path(app.outdir, wheel.name))


def setup_downloads(app: Sphinx) -> None:
    add_config_value(app, "bookkit_pdf", "_build/pdf/book.pdf", "html", [str])
    add_config_value(app, "bookkit_wheel_dir", "_build/wheel", "html", [str])
    # sphinx-book-theme builds the menu in its html-page-context handler of priority 501
    app.connect("html-page-context", _edit_download_menu, priority=502)
    app.connect("build-finished", _copy_downloads)

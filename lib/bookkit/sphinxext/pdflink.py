"""The site offers the book's PDF: a "全书 PDF" entry in every page's download menu.

``make pdf`` writes the PDF to ``bookkit_pdf`` (default ``_build/pdf/book.pdf``, relative to the
book's source directory).  When that file exists at HTML build time, this module copies it into
the site as ``book.pdf`` and puts a link to it first in the download menu of every page; the
theme's own ".pdf" entry (the browser's print dialog for the current page) is relabelled
"打印本页" so the two are not confused.  Without the file (no TeX installed) the site is built
exactly as before, with no link to a missing file.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["PDF_NAME", "book_pdf", "add_pdf_entry", "setup_pdflink"]

#: The PDF's name in the built site (at its root).
PDF_NAME = "book.pdf"


def book_pdf(app: Sphinx) -> Path | None:
    """The built PDF (``bookkit_pdf`` under the source directory), or None when absent."""
    setting = app.config.bookkit_pdf
    if not setting:
        return None
    path = Path(app.srcdir, setting)
    return path if path.is_file() else None


def add_pdf_entry(entries: list[dict[str, Any]], url: str) -> None:
    """Put the book-PDF link first in a download menu's ``entries`` (in place, once)."""
    if any(e.get("label") == "download-book-pdf-button" for e in entries):
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


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                  doctree: nodes.Node | None) -> None:
    if app.builder.format != "html" or book_pdf(app) is None:
        return
    buttons = context.get("header_buttons") or []
    group = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if group is not None:
        add_pdf_entry(group["buttons"], context["pathto"](PDF_NAME, 1))


def _copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    pdf = book_pdf(app)
    if exception is None and pdf is not None and app.builder.format == "html":
        shutil.copyfile(pdf, Path(app.outdir, PDF_NAME))


def setup_pdflink(app: Sphinx) -> None:
    app.add_config_value("bookkit_pdf", "_build/pdf/book.pdf", "html", [str])
    # after sphinx-book-theme's header buttons (501) and the .md entry (502)
    app.connect("html-page-context", _page_context, priority=503)
    app.connect("build-finished", _copy_pdf)

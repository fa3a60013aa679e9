"""The site offers the book's Python package: a wheel entry in every page's download menu.

``make wheel`` (run by ``make book``) builds the wheel (:mod:`bookkit.wheel`) into
``bookkit_wheel_dir`` (default ``_build/wheel``, relative to the book's source directory).  When
one ``minidl-*.whl`` is there at HTML build time, this module copies it into the site under its own
name (pip needs the name) and adds a link to it to the download menu, after the ``.ipynb`` and
``.md`` entries: a reader downloads a chapter's notebook and the wheel, runs ``pip install`` on
the wheel, and opens the notebook (前言 says so; :mod:`bookkit.launch` writes the same in each
notebook's first cell).  Without a wheel the site is built as before, with no link to a missing
file.  The same mechanism as :mod:`bookkit.sphinxext.pdflink`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["add_wheel_entry", "book_wheel", "setup_wheellink"]


def book_wheel(app: Sphinx) -> Path | None:
    """The built wheel (the one ``minidl-*.whl`` in ``bookkit_wheel_dir``), or None."""
    setting = app.config.bookkit_wheel_dir
    if not setting:
        return None
    found = sorted(Path(app.srcdir, setting).glob("minidl-*.whl"))
    return found[0] if len(found) == 1 else None


def add_wheel_entry(entries: list[dict[str, Any]], url: str) -> None:
    """Put the wheel link after the ``.md`` (or ``.ipynb``) entry of ``entries`` (in place,
    once)."""
    if any(e.get("label") == "download-wheel-button" for e in entries):
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


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                  doctree: nodes.Node | None) -> None:
    wheel = book_wheel(app)
    if app.builder.format != "html" or wheel is None:
        return
    buttons = context.get("header_buttons") or []
    group = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if group is not None:
        add_wheel_entry(group["buttons"], context["pathto"](wheel.name, 1))


def _copy_wheel(app: Sphinx, exception: Exception | None) -> None:
    wheel = book_wheel(app)
    if exception is None and wheel is not None and app.builder.format == "html":
        shutil.copyfile(wheel, Path(app.outdir, wheel.name))


def setup_wheellink(app: Sphinx) -> None:
    app.add_config_value("bookkit_wheel_dir", "_build/wheel", "html", [str])
    # after sphinx-book-theme's header buttons (501), the .md entry (502) and the PDF (503)
    app.connect("html-page-context", _page_context, priority=504)
    app.connect("build-finished", _copy_wheel)

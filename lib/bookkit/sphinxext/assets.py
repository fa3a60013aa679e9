"""The book's own page assets: ``bookkit.css`` on every page, and no script listed twice.

* ``bookkit.css`` (beside this module: the article's heading under a chapter title, tables that
  wrap in the content column) is linked from every page and copied into ``_static``.
* Sphinx 7.4 lists an inline script that an extension adds after the builder started twice (once
  with filename ``None``, once with ``''``); sphinx-thebe's ``const THEBE_JS_URL = ...`` is such a
  script, so every page threw "Identifier 'THEBE_JS_URL' has already been declared".
  :func:`drop_duplicate_scripts` keeps the first of each.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["CSS", "drop_duplicate_scripts", "setup_assets"]

CSS = Path(__file__).with_name("bookkit.css")


def drop_duplicate_scripts(scripts: list[Any]) -> None:
    """Remove, in place, every script of ``scripts`` (Sphinx ``_JavaScript`` entries or plain
    file names) that repeats an earlier one's file name (``None`` and ``''`` alike), priority and
    attributes (an inline script's body among them)."""
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "", getattr(script, "priority", 500),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                            doctree: nodes.Node | None) -> None:
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        drop_duplicate_scripts(scripts)  # in place: it is the builder's list for this page


def _copy_css(app: Sphinx, exception: Exception | None) -> None:
    """Put bookkit.css into ``_static``."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CSS, static / CSS.name)


def setup_assets(app: Sphinx) -> None:
    app.add_css_file(CSS.name)
    app.connect("build-finished", _copy_css)
    # last of the page's handlers, so that scripts added by any of them are seen
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)

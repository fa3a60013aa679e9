"""The book's Sphinx extension: what the published site adds for its readers.

Enabled in ``_config.yml`` (``sphinx: extra_extensions: [bookkit.sphinxext]``).  It lives in the
installed ``bookkit`` package rather than beside the book so that every build imports the same code:
``make book``, the test suite's build into a temporary directory, and builds of temporary copies of
the book.  Nothing in ``minidl`` imports it; it needs Sphinx, the library does not.

What it does
------------
* **Chinese search** (:mod:`bookkit.sphinxext.search`): the book's domain dictionary for jieba, the
  same segmentation for the query in the browser, and term-frequency ranking.
* **Downloads**: every chapter page is rendered from the executed ``chapters/NN-slug.ipynb``; the
  theme's download menu offers that notebook.  This extension publishes the paired MyST Markdown
  source ``chapters/NN-slug.md`` next to it (``_sources/chapters/NN-slug.md``), adds a ``.md`` entry
  to the menu, and makes both entries real downloads (``download`` attribute) instead of new tabs.
* **Long outputs** (``minidl_collapse_output_lines``, default 30): a code cell output with more
  text lines than this is collapsed behind a "显示输出" toggle, with MyST-NB's own ``hide-output``
  machinery (the same as tagging the cell ``hide-output``).  ``0`` turns this off.
* **Chinese line breaks** (:mod:`bookkit.sphinxext.cjk`): a source line break between two Chinese
  characters is removed, so it is neither drawn as a space nor splits a word for the search index.
* **The PDF** (:mod:`bookkit.sphinxext.latex`, :mod:`bookkit.sphinxext.pdflink`): the LaTeX
  builder set up for a Chinese book (``make pdf``), and a "全书 PDF" entry in every page's download
  menu when the PDF has been built.
* **The wheel** (:mod:`bookkit.sphinxext.wheellink`): a ``.whl`` entry in every page's download menu
  (the book's package, built by ``make wheel``), so a downloaded notebook can be run.
* **A clean console**: Sphinx 7.4 lists an inline script that an extension adds after the builder
  started twice (once with filename ``None``, once with ``''``); sphinx-thebe's
  ``const THEBE_JS_URL = ...`` is such a script, so every page threw "Identifier 'THEBE_JS_URL' has
  already been declared".  Duplicate scripts are dropped from each page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from bookkit.sphinxext.cjk import JoinCjkLineBreaks
from bookkit.sphinxext.latex import setup_latex
from bookkit.sphinxext.numbering import setup_numbering
from bookkit.sphinxext.pdflink import setup_pdflink
from bookkit.sphinxext.search import BookChineseSearch, count_terms
from bookkit.sphinxext.wheellink import setup_wheellink

__all__ = ["setup", "count_terms", "BookChineseSearch", "CollapseLongOutputs",
           "JoinCjkLineBreaks"]

_SKIP_TEXT_IN = (nodes.literal_block, nodes.raw, nodes.comment, nodes.literal)

_DOWNLOAD_ATTRIBUTE_JS = """
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".dropdown-download-buttons a[href*='_sources/']").forEach((a) => {
    a.setAttribute("download", "");
    a.removeAttribute("target");
  });
});
""".strip()


# --- search: per-page counts of the domain terms -------------------------------------------------


def _page_text(doctree: nodes.Node) -> str:
    """The prose of a page: its text nodes outside code, literals and raw HTML."""
    parts = []
    for text in doctree.findall(nodes.Text):
        parent = text.parent
        if parent is not None and isinstance(parent, _SKIP_TEXT_IN):
            continue
        parts.append(str(text))
    return "\n".join(parts)


def _init_counts(app: Sphinx, env: Any, docnames: list[str]) -> None:
    if not hasattr(env, "minidl_term_counts"):
        env.minidl_term_counts = {}


def _collect_counts(app: Sphinx, doctree: nodes.document) -> None:
    """Count the domain terms of a page; reference pages (``minidl_search_reference_pages``, e.g.
    the API appendix, which names every function) are left out, so that a reader searching for a
    concept lands on the chapter that teaches it, not on the list of functions."""
    env = app.env
    if env.docname in app.config.minidl_search_reference_pages:
        env.minidl_term_counts.pop(env.docname, None)
        return
    env.minidl_term_counts[env.docname] = count_terms(_page_text(doctree))


def _purge_counts(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "minidl_term_counts", {}).pop(docname, None)


def _merge_counts(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    if not hasattr(env, "minidl_term_counts"):
        env.minidl_term_counts = {}
    for docname in docnames:
        if docname in getattr(other, "minidl_term_counts", {}):
            env.minidl_term_counts[docname] = other.minidl_term_counts[docname]


def term_counts_by_term(per_doc: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """``{docname: {term: n}}`` -> ``{term: {docname: n}}`` (sorted, for a stable search page)."""
    by_term: dict[str, dict[str, int]] = {}
    for docname in sorted(per_doc):
        for term, n in sorted(per_doc[docname].items()):
            by_term.setdefault(term, {})[docname] = n
    return by_term


# --- page context: search data, .md downloads ---------------------------------------------------


def _paired_markdown(app: Sphinx, pagename: str) -> Path | None:
    """``chapters/NN-slug.md`` when the page is rendered from ``chapters/NN-slug.ipynb``."""
    if pagename not in app.env.all_docs:
        return None
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".ipynb":
        return None
    markdown = source.with_suffix(".md")
    return markdown if markdown.is_file() else None


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                  doctree: nodes.Node | None) -> None:
    if pagename == "search":
        counts = term_counts_by_term(getattr(app.env, "minidl_term_counts", {}))
        payload = json.dumps(counts, ensure_ascii=False, sort_keys=True)
        app.add_js_file(None, body=f"var MINIDL_TERM_COUNTS = {payload};")
        return

    markdown = _paired_markdown(app, pagename)
    buttons = context.get("header_buttons") or []
    group = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if group is None:
        return
    app.add_js_file(None, body=_DOWNLOAD_ATTRIBUTE_JS)
    if markdown is None:
        return

    target = Path(app.outdir, "_sources", f"{pagename}.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(markdown, target)

    entries = group["buttons"]
    at = next((i + 1 for i, b in enumerate(entries) if b.get("label") == "download-source-button"),
              len(entries))
    for entry in entries:
        if entry.get("label") == "download-source-button":
            entry["tooltip"] = "下载执行后的笔记本（.ipynb）"
    entries.insert(at, {
        "type": "link",
        "url": f"{context['pathto']('_sources', 1)}/{pagename}.md",
        "text": ".md",
        "tooltip": "下载 MyST Markdown 源文件（.md，用 jupytext 配对）",
        "icon": "fab fa-markdown",
        "label": "download-md-button",
    })


def _drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict,
                            doctree: nodes.Node | None) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "", getattr(script, "priority", 500),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: it is the builder's list for this page


# --- long outputs -------------------------------------------------------------------------------


#: The toggles of cells tagged hide-input / hide-output / hide-cell, in Chinese (MyST-NB's
#: ``nb_code_prompt_show`` is one English template, "Show code cell {type}", for all three).
TOGGLE_PROMPTS = {"input": ("显示代码", "隐藏代码"), "output": ("显示输出", "隐藏输出"),
                  "all": ("显示代码与输出", "隐藏代码与输出")}


class CollapseLongOutputs(SphinxPostTransform):
    """Mark code cells whose text output is long as ``hide_mode = "output"`` (collapsed).

    Also gives every folded cell's toggle its Chinese label (:data:`TOGGLE_PROMPTS`).

    Runs just before MyST-NB's ``HideInputCells`` (priority 199), which wraps such outputs in a
    ``<details>`` toggle.  Cells that already carry a hide tag are left alone.
    """

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        limit = self.config.minidl_collapse_output_lines
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") == "cell_code" and cell.get("hide_mode") in TOGGLE_PROMPTS:
                cell["prompt_show"], cell["prompt_hide"] = TOGGLE_PROMPTS[cell["hide_mode"]]
        if not limit:
            return
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code" or cell.get("hide_mode") or not cell.children:
                continue
            output = cell.children[-1]
            if output.get("nb_element") != "cell_code_output":
                continue
            lines = sum(len(block.astext().splitlines())
                        for block in output.findall(nodes.literal_block))
            if lines > limit:
                cell["hide_mode"] = "output"
                cell["prompt_show"] = f"显示输出（共 {lines} 行）"
                cell["prompt_hide"] = "隐藏输出"
                cell["classes"].append("minidl-long-output")


CSS = Path(__file__).with_name("bookkit.css")


def _copy_css(app: Sphinx, exception: Exception | None) -> None:
    """Put bookkit.css (the book's own styles, linked from every page) into ``_static``."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CSS, static / CSS.name)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_css_file(CSS.name)
    app.connect("build-finished", _copy_css)
    app.add_config_value("minidl_collapse_output_lines", 30, "env", [int])
    app.add_config_value("minidl_search_reference_pages", [], "env", [list])
    app.add_search_language(BookChineseSearch)
    app.add_transform(JoinCjkLineBreaks)
    app.connect("env-before-read-docs", _init_counts)
    app.connect("doctree-read", _collect_counts)
    app.connect("env-purge-doc", _purge_counts)
    app.connect("env-merge-info", _merge_counts)
    # after sphinx-book-theme's header buttons (priority 501)
    app.connect("html-page-context", _page_context, priority=502)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)  # after all additions
    app.add_post_transform(CollapseLongOutputs)
    setup_latex(app)
    setup_numbering(app)
    setup_pdflink(app)
    setup_wheellink(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 2}

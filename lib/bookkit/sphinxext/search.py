"""Chinese full-text search for the book: one segmentation for the index and the query.

Sphinx's Chinese search (``sphinx.search.zh``) indexes text with ``jieba.cut_for_search`` but
splits the reader's query in the browser only at spaces and punctuation.  A query such as
反向传播 is therefore looked up as one word, while jieba's default dictionary cut the text into
反向 / 传播: the search finds nothing.  This module fixes both sides:

* **Index** (:class:`BookChineseSearch`): jieba is taught the book's domain vocabulary
  (``zh_terms.txt``, one term a line, jieba user-dictionary format), so 反向传播, 交叉熵,
  长短期记忆, 损失函数 ... are index terms of their own (jieba still adds their parts, e.g.
  反向, 传播); tokens longer than four characters also contribute every dictionary word inside
  them, so 大语言模型 indexes 语言模型 as well.
* **Query** (``search.js``, shipped as the language's ``splitQuery``): each Chinese run of the
  query is segmented by longest match against the index's own vocabulary, so every query word is
  a word the index knows (反向传播算法 -> 反向传播 + 算法).
* **Ranking**: Sphinx scores every page that contains a term the same (unless the term is in a
  title).  ``search.js`` adds ``BOOKKIT_SEARCH.titleBoost`` (30) points per query term that the
  page's own title contains (the chapter named after the term comes first), and up to
  ``BOOKKIT_SEARCH.boost`` (20) points per query term in proportion to the page's count of it
  relative to the page that uses it most, so the chapter that is *about* 梯度 comes before
  chapters that mention it.  The counts: while the book is read, :func:`count_terms` counts each
  dictionary term in a page's prose (kept in ``env.bookkit_term_counts``; pages listed in
  ``bookkit_search_reference_pages``, such as the API appendix, are left out), and the search page
  receives them inverted per term (:func:`term_counts_by_term`) as ``BOOKKIT_TERM_COUNTS``.

jieba is used through a tokenizer of this module's own (:func:`book_tokenizer`), built once per
dictionary: jieba's global tokenizer, which other code in the process may use, is left as it is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search.zh import SearchChinese

from bookkit.sphinxext.config import add_config_value

__all__ = ["BookChineseSearch", "book_tokenizer", "count_terms", "domain_terms", "page_text",
           "setup_search", "splitter_code", "term_counts_by_term"]

HERE = Path(__file__).resolve().parent
TERMS_FILE = HERE / "zh_terms.txt"
SEARCH_JS = HERE / "search.js"

#: Tokens longer than this also index the dictionary words inside them.
_SUBWORD_MIN_TOKEN = 5
#: Node types whose text is not prose: code, literals, raw HTML, comments.
_SKIP_TEXT_IN = (nodes.literal_block, nodes.raw, nodes.comment, nodes.literal)


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """The book's domain vocabulary: the first field of each non-empty line of ``zh_terms.txt``."""
    terms = []
    for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line.split()[0])
    return tuple(terms)


@lru_cache(maxsize=1)
def splitter_code() -> str:
    """``search.js``: the query splitter and ranking Sphinx puts into ``language_data.js``."""
    return SEARCH_JS.read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def book_tokenizer(extra: str | None = None):
    """A jieba tokenizer of its own with ``zh_terms.txt`` (and ``extra``, a jieba user
    dictionary, if given) loaded; built once per ``extra``.  Returns a ``jieba.Tokenizer``.

    Raises ``ValueError`` when ``extra`` names no file.
    """
    import jieba

    if extra and not Path(extra).is_file():
        raise ValueError(f"html_search_options['dict'] = {extra!r} is not a file")
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict ..." chatter in build logs
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(TERMS_FILE))
    if extra:
        tokenizer.load_userdict(str(extra))
    return tokenizer


def count_terms(text: str, terms: Iterable[str] | None = None) -> dict[str, int]:
    """Occurrences of each domain term in ``text`` (case-insensitive; keys lowercased).

    Terms that do not occur are left out: ``count_terms("梯度的梯度", ["梯度", "量化"])`` is
    ``{"梯度": 2}``.
    """
    lowered = text.lower()
    counts = {}
    for term in domain_terms() if terms is None else terms:
        n = lowered.count(term.lower())
        if n:
            counts[term.lower()] = n
    return counts


def term_counts_by_term(per_doc: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """``{docname: {term: n}}`` -> ``{term: {docname: n}}`` (sorted, for a stable search page)."""
    by_term: dict[str, dict[str, int]] = {}
    for docname in sorted(per_doc):
        for term, n in sorted(per_doc[docname].items()):
            by_term.setdefault(term, {})[docname] = n
    return by_term


def page_text(doctree: nodes.Node) -> str:
    """The prose of a page: its text nodes outside code, literals, comments and raw HTML."""
    parts = []
    for text in doctree.findall(nodes.Text):
        parent = text.parent
        if parent is not None and isinstance(parent, _SKIP_TEXT_IN):
            continue
        parts.append(str(text))
    return "\n".join(parts)


class BookChineseSearch(SearchChinese):
    """``html_search_language = "zh"`` with the book's dictionary and query segmentation."""

    lang = "zh"
    language_name = "Chinese"

    @property
    def js_splitter_code(self) -> str:  # read when the search index is written, not on import
        return splitter_code()

    def init(self, options: dict[str, str]) -> None:
        self._tokenizer = book_tokenizer(options.get("dict") or None)
        super().init({})  # the extra dictionary (if any) is loaded above, with a clear error

    def split(self, input: str) -> list[str]:
        """jieba's search segmentation (Sphinx's, with the book's tokenizer), plus the
        dictionary words of four or more characters inside tokens longer than four."""
        latin = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.extend(latin)
        words = [*self._tokenizer.cut_for_search(input), *latin]
        freq = self._tokenizer.FREQ
        extra = []
        for token in words:
            if len(token) < _SUBWORD_MIN_TOKEN:
                continue
            for size in range(4, len(token)):
                for start in range(len(token) - size + 1):
                    sub = token[start:start + size]
                    if freq.get(sub):
                        extra.append(sub)
        return words + extra


# --- per-page counts of the domain terms, kept in the environment ------------------------------


def _init_counts(app: Sphinx, env: Any, docnames: list[str]) -> None:
    if not hasattr(env, "bookkit_term_counts"):
        env.bookkit_term_counts = {}


def _collect_counts(app: Sphinx, doctree: nodes.document) -> None:
    """Count the domain terms of a page; reference pages (``bookkit_search_reference_pages``,
    e.g. the API appendix, which names every function) are left out, so that a reader searching
    for a concept lands on the chapter that teaches it, not on the list of functions."""
    env = app.env
    if env.docname in app.config.bookkit_search_reference_pages:
        env.bookkit_term_counts.pop(env.docname, None)
        return
    env.bookkit_term_counts[env.docname] = count_terms(page_text(doctree))


def _purge_counts(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "bookkit_term_counts", {}).pop(docname, None)


def _merge_counts(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    if not hasattr(env, "bookkit_term_counts"):
        env.bookkit_term_counts = {}
    for docname in docnames:
        if docname in getattr(other, "bookkit_term_counts", {}):
            env.bookkit_term_counts[docname] = other.bookkit_term_counts[docname]


def _search_page_counts(app: Sphinx, pagename: str, templatename: str, context: dict,
                        doctree: nodes.Node | None) -> None:
    """The search page receives the counts, per term, as ``BOOKKIT_TERM_COUNTS``."""
    if pagename != "search":
        return
    counts = term_counts_by_term(getattr(app.env, "bookkit_term_counts", {}))
    payload = json.dumps(counts, ensure_ascii=False, sort_keys=True)
    app.add_js_file(None, body=f"var BOOKKIT_TERM_COUNTS = {payload};")


def setup_search(app: Sphinx) -> None:
    add_config_value(app, "bookkit_search_reference_pages", [], "env", [list],
                     old_name="minidl_search_reference_pages")
    app.add_search_language(BookChineseSearch)
    app.connect("env-before-read-docs", _init_counts)
    app.connect("doctree-read", _collect_counts)
    app.connect("env-purge-doc", _purge_counts)
    app.connect("env-merge-info", _merge_counts)
    app.connect("html-page-context", _search_page_counts)

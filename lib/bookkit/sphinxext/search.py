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
  title).  ``search.js`` adds ``MINIDL_SEARCH.titleBoost`` (30) points per query term that the
  page's own title contains (the chapter named after the term comes first), and up to
  ``MINIDL_SEARCH.boost`` (20) points per query term in proportion to the page's count of it
  relative to the page that uses it most (:func:`count_terms` counts each dictionary term per page
  while the book is read; the search page receives the counts), so the chapter that is *about*
  梯度 comes before chapters that mention it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from sphinx.search.zh import SearchChinese

HERE = Path(__file__).resolve().parent
TERMS_FILE = HERE / "zh_terms.txt"
SEARCH_JS = HERE / "search.js"

#: Tokens longer than this also index the dictionary words inside them.
_SUBWORD_MIN_TOKEN = 5


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """The book's domain vocabulary: the first field of each non-empty line of ``zh_terms.txt``."""
    terms = []
    for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line.split()[0])
    return tuple(terms)


def load_jieba_dictionary(extra: str | Path | None = None):
    """Load ``zh_terms.txt`` (and ``extra``, a jieba user dictionary, if given) into jieba.

    Returns the ``jieba`` module.  Raises ``ValueError`` when ``extra`` names no file.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict ..." chatter in build logs
    jieba.load_userdict(str(TERMS_FILE))
    if extra:
        if not Path(extra).is_file():
            raise ValueError(f"html_search_options['dict'] = {extra!r} is not a file")
        jieba.load_userdict(str(extra))
    return jieba


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


class BookChineseSearch(SearchChinese):
    """``html_search_language = "zh"`` with the book's dictionary and query segmentation."""

    lang = "zh"
    language_name = "Chinese"
    js_splitter_code = SEARCH_JS.read_text(encoding="utf-8")

    def init(self, options: dict[str, str]) -> None:
        self._jieba = load_jieba_dictionary(options.get("dict"))
        super().init({})  # the extra dictionary (if any) is loaded above, with a clear error

    def split(self, input: str) -> list[str]:
        words = super().split(input)
        freq = self._jieba.dt.FREQ
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

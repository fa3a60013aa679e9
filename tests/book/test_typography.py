"""Chinese typography of the rendered pages: one place that checks what the reader sees.

The book's prose follows one set of rules, written down here and checked below: numbers in
Chinese prose are written 3.14 × 10²³, never 3.14e+23 (``bookkit.report.format_sci_zh``); ranges
use one dash, "–"; brackets around or beside Chinese text are full-width （）; no space between a
cross-reference whose text is Chinese ("第 4 章") and the Chinese text that follows or precedes
it.

The test reads the HTML of every page of ``_toc.yml`` as built by ``jupyter-book build`` (the
``built_site`` fixture) and scans the text of the article -- prose, headings, lists, admonitions,
table cells written in Markdown, figure captions -- outside code, cell inputs and outputs, and math.
Glued values (``{glue:text}``) are part of the prose and are scanned with it.

Every page must pass; only the API appendix (English by design) is exempt.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString

from tests.book.support.bookfiles import toc_entries

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d"
_CJK_CHAR = re.compile(f"[{CJK}]")

E_NOTATION = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?[eE][-+]?\d+(?![\w.])")
EM_DASH_RANGE = re.compile(r"\d\s*[—―]\s*\d")
HYPHEN_RANGE = re.compile(r"(?<![\w.\-])(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(?![\w.\-])")
HALF_BRACKETS = re.compile(r"\(([^()]*)\)")

# Removed before scanning: code, notebook cells (inputs and outputs), math, the bibliography list.
NOT_PROSE = ("div.cell", "div.highlight", "pre", "code", "kbd", ".math", "span.math", "div.math",
             "span.eqno", "mjx-container", "script", "style", "a.headerlink", "div.citation",
             "dl.citation", "div.cell_output", "div.output",
             # equation references render as (1.1), the convention d2l-zh follows as well
             "a[href*='#equation-']")
BLOCKS = "p, li, td, th, dt, dd, h1, h2, h3, h4, h5, h6, figcaption, caption, .admonition-title"

def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(re.match(f"[{CJK}{CJK_PUNCT}]", ch))


def _neighbour(text: str, start: int, step: int) -> str:
    """The first non-space character from ``start`` in direction ``step`` ('' at the edge)."""
    i = start
    while 0 <= i < len(text) and text[i].isspace():
        i += step
    return text[i] if 0 <= i < len(text) else ""


def prose_violations(text: str) -> list[str]:
    """Typography rules broken in one block of prose text."""
    found = []
    for m in E_NOTATION.finditer(text):
        found.append(f"e-notation {m.group(0)!r}")
    for m in EM_DASH_RANGE.finditer(text):
        found.append(f"range with an em dash {m.group(0)!r} (use –)")
    for m in HYPHEN_RANGE.finditer(text):
        before, after = _neighbour(text, m.start() - 1, -1), _neighbour(text, m.end(), 1)
        if _is_cjk(before) or _is_cjk(after):
            found.append(f"range with a hyphen {m.group(0)!r} in Chinese text (use –)")
    for m in HALF_BRACKETS.finditer(text):
        inner = m.group(1)
        before, after = _neighbour(text, m.start() - 1, -1), _neighbour(text, m.end(), 1)
        if _CJK_CHAR.search(inner) or (_is_cjk(before) and (_is_cjk(after) or after == "")):
            found.append(f"half-width brackets {m.group(0)!r} in Chinese text (use （）)")
    return found


def link_spacing_violations(article) -> list[str]:
    """A space between a link whose text is Chinese at that end and Chinese text beside it."""
    found = []
    for a in article.find_all("a"):
        label = a.get_text()
        if not label.strip():
            continue
        after = a.next_sibling
        if (isinstance(after, NavigableString) and _is_cjk(label.rstrip()[-1:])
                and re.match(rf"\s+[{CJK}]", str(after))):
            found.append(f"space after the link {label.strip()!r}: {str(after)[:12]!r}")
        before = a.previous_sibling
        if (isinstance(before, NavigableString) and _is_cjk(label.lstrip()[:1])
                and re.search(rf"[{CJK}]\s+$", str(before))):
            found.append(f"space before the link {label.strip()!r}: {str(before)[-12:]!r}")
    return found


def page_violations(html_file: Path) -> list[str]:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    assert article is not None, f"{html_file}: no article element"
    for selector in NOT_PROSE:
        for node in article.select(selector):
            node.decompose()
    found = []
    for block in article.select(BLOCKS):
        found.extend(prose_violations(block.get_text("")))
    found.extend(link_spacing_violations(article))
    return list(dict.fromkeys(found))


# Pages whose text is English by design: the API reference renders minidl's English docstrings
# (autodoc), where 1e-7 and (half-width brackets) are the right typography.
PAGES_IN_ENGLISH = {"chapters/appendix-api"}


def _page_param(page: str):
    marks = ()
    if page in PAGES_IN_ENGLISH:
        marks = pytest.mark.skip(reason="English page (API reference): Chinese typography rules "
                                        "do not apply")
    return pytest.param(page, marks=marks, id=page)


@pytest.mark.parametrize("page", [_page_param(p) for p in toc_entries()])
def test_page_follows_chinese_typography(built_site, page):
    violations = page_violations(built_site / f"{page}.html")
    assert not violations, f"{page}:\n  " + "\n  ".join(violations)


@pytest.mark.parametrize("text, rule", [
    ("约需 3.14e+23 次浮点运算", "e-notation"),
    ("见 6.1—6.5 节", "em dash"),
    ("数字 0-9 共十个", "hyphen"),
    ("GPT-3 权重 (GB) 需要", "half-width"),
    ("这是（中文）与 (中文) 的区别", "half-width"),
])
def test_rules_catch_the_reviewed_examples(text, rule):
    assert any(rule in v for v in prose_violations(text)), prose_violations(text)


@pytest.mark.parametrize("text", [
    "约需 3.14 × 10²³ 次浮点运算", "2012–2021 年", "2-3-2 网络与 64-128-64-10 多层感知机",
    "GPT-2 (124M) is small", "权重（GB）", "GPT-3 175B 与 ResNet-50", "arXiv:1312.6114 首次公开",
])
def test_rules_accept_book_style(text):
    assert prose_violations(text) == []



MACHINERY = ("NBVAL", "glue(", "inspect.getsource", "审计清单")
@pytest.mark.parametrize("page", toc_entries())
def test_page_shows_no_test_machinery(built_site, page):
    """What the reader sees holds no test scaffolding: nbval markers, glue calls in visible code,
    library source dumps, or the name of an internal checklist."""
    soup = BeautifulSoup((built_site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    text = article.get_text("")
    shown = {word: text.count(word) for word in MACHINERY if word in text}
    assert not shown, f"{page} shows {shown}"

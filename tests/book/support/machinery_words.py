"""The words of the book's machinery, which a reader of a chapter never meets.

How the book is verified (tests, nbval, glue, independent checks, budgets, CI) is told once, in
the 前言's "本书如何验证" box (the admonition of class ``book-verification``); a chapter page
teaches its subject.  This is the one list the chapters are held to: ``test_reader_page.py``
fails on any of these patterns in the text a reader sees on the site (prose, tables, outputs,
captions; not the source of code cells, which may ``assert``), outside that box.

Each entry: a regular expression -> what it is and what to write instead.  A word that is also
ordinary Chinese (测试集, 测试准确率, 单元格) is not listed; its machinery uses are
(单元格断言, 隐藏的单元格, 回归检查).
"""

from __future__ import annotations

import re

MACHINERY_WORDS: dict[str, str] = {
    r"断言": "assert: say what holds (“……成立”), not that a cell asserts it",
    r"预算": "the build's time budget: a reader has no budget",
    r"(?i:\bnbval\b)": "the re-execution plugin: machinery",
    r"(?i:\bglue\b)": "MyST-NB's glue: say the value comes from the code",
    r"审计": "the pre-writing audit: machinery",
    r"单元测试": "unit tests: machinery",
    r"回归检查": "regression checks: machinery",
    r"持续集成": "CI: machinery",
    r"维护者": "the book's maintainers: the reader is not one",
    r"隐藏的单元格": "a hidden cell: say what the code computes",
    r"单元格(里|中)?的?断言": "a cell's assert: machinery",
    # "2 个核", "2 核的平均负载" (not "float32 核矩阵", "int8 核对"): one run's machine
    r"(?<![A-Za-z0-9_.])\d+\s*个?核(?![矩对心函])":
        "the core count of the machine that ran the page: machinery",
    r"\btests/": "a test file path: machinery",
    r"\btest_\w+\.py\b": "a test file name: machinery",
    r"(?i:\bpytest\b)": "the test runner: machinery",
    r"make\s+test\b": "the test command: machinery (README and the 前言's box say how to run)",
    r":(?:func|class|meth|mod|attr|data|obj|exc|ref|doc|numref|eq|cite):`":
        "a Sphinx role printed raw",
}

PATTERN = re.compile("|".join(f"(?:{p})" for p in MACHINERY_WORDS))

#: The one place that explains how the book is verified: the admonition of this class.
VERIFICATION_CLASS = "book-verification"


def machinery_found(text: str) -> list[str]:
    """The machinery words in ``text``, each with 30 characters of context on either side."""
    return [text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
            for m in PATTERN.finditer(text)]

"""No function is defined twice across the chapters and ``lib/``.

A helper a chapter needs twice, or one the library already has, lives in the library (with a test)
and the chapters import it.  Two definitions are the same when they have the same parameters and
body once names of parameters, docstrings, comments and annotations are set aside
(``support.chapter_code.normalised``).  Fails on any such pair where one side is a chapter:
two chapters, a chapter twice, or a chapter and ``lib/minidl`` / ``lib/bookkit`` (any name).
"""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.book.support.bookfiles import ROOT, chapter_sources
from tests.book.support.chapter_code import code_trees, function_definitions, normalised

# Duplicates known when this test was written, "place:function" pairs, while their owners move
# them into the library (shrink-only: remove an entry once its duplicate is gone; a stale entry
# fails).
KNOWN: set[frozenset[str]] = set()


def definitions() -> dict[str, list[str]]:
    """Normalised definition -> where it is defined, ``"NN-slug:name"`` or ``"lib/...py:name"``."""
    found = defaultdict(list)
    for source in chapter_sources():
        for tree in code_trees(source):
            for fn in function_definitions(tree):
                found[normalised(fn)].append(f"{source.stem}:{fn.name}")
    for path in sorted((ROOT / "lib").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in function_definitions(tree):
            found[normalised(fn)].append(f"{path.relative_to(ROOT).as_posix()}:{fn.name}")
    return found


def duplicates(found: dict[str, list[str]]) -> set[frozenset[str]]:
    """The groups of places defining the same function, where at least one place is a chapter."""
    return {frozenset(places) for places in found.values()
            if len(places) > 1 and any(not p.startswith("lib/") for p in places)}


def test_the_rule_sees_a_copy_under_other_names_and_not_a_different_body():
    def parsed(code):
        return normalised(ast.parse(code).body[0])

    lib = parsed('def sigmoid(z):\n    """Logistic."""\n    return 1 / (1 + np.exp(-z))')
    assert parsed("def sig(v: float) -> float:\n    return 1 / (1 + np.exp(-v))  # σ") == lib
    assert parsed("def sigmoid(z):\n    return 1 / (1 + math.exp(-z))") != lib
    assert parsed("def sigmoid(z, k=1):\n    return 1 / (1 + np.exp(-z))") != lib
    assert duplicates({"a": ["04-math:f", "lib/minidl/x.py:g"], "b": ["lib/minidl/x.py:h",
                                                                    "lib/bookkit/y.py:h"]}) == {
        frozenset({"04-math:f", "lib/minidl/x.py:g"})}


def test_no_function_is_defined_twice_across_chapters_and_lib():
    found = duplicates(definitions())
    new = sorted(sorted(group) for group in found - KNOWN)
    assert not new, (
        f"functions defined twice (chapter or library): {new}. Keep one definition in "
        "lib/minidl (the subject) or lib/bookkit (the book's machinery), with a test, and "
        "import it")
    stale = sorted(sorted(group) for group in KNOWN - found)
    assert not stale, f"no longer duplicates, remove them from KNOWN here: {stale}"

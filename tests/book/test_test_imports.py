"""Tests share helpers through ``tests/book/support`` and the other helper modules, never by
importing another test module.

Under pytest's importlib mode (pyproject.toml) no test directory is on ``sys.path``: ``from
test_reader_page import RAW_TABLE`` inside a test function passed where the folder happened to be
importable and failed in CI with ``ModuleNotFoundError`` (two PDF tests, issue 25).  A name one
test module needs from another moves to a helper module.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def test_no_test_module_imports_another():
    offending = []
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 20, f"only {len(files)} test files under {TESTS}"
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            parts = module.lstrip(".").split(".")
            if any(p.startswith("test_") or p == "conftest" for p in parts):
                offending.append(f"{path.relative_to(TESTS.parent)}:{line}: {module}")
    assert not offending, ("a test imports another test module (move the shared name to a "
                           f"helper module such as tests/book/support): {offending}")

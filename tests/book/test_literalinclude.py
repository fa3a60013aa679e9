"""Code a chapter shows with ``literalinclude`` is the code a reader can read: the selected lines of
a function start at its ``def``, leave its docstring out (Sphinx roles such as ``:func:`` would be
printed raw on the page), and hold its body.  Sphinx's own reader applies each directive's options,
so a change in the library that shifts the lines fails here with the file and function named."""

from __future__ import annotations

import re

import pytest
from sphinx.config import Config
from sphinx.directives.code import LiteralIncludeReader

from tests.book.support.bookfiles import CHAPTERS, chapter_sources

_DIRECTIVE = re.compile(r"```\{literalinclude\} (?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)```")


def _includes():
    for md in chapter_sources():
        for m in _DIRECTIVE.finditer(md.read_text(encoding="utf-8")):
            options = dict(re.findall(r"^:([\w-]+):\s*(.*)$", m["options"], re.M))
            yield pytest.param(md, m["path"], options, id=f"{md.stem}:{options.get('pyobject')}")


@pytest.mark.parametrize("md, path, options", list(_includes()))
def test_literalinclude_shows_a_function_without_its_docstring(md, path, options):
    if "pyobject" not in options:
        pytest.skip("not a function")
    text, _ = LiteralIncludeReader(str((CHAPTERS / path).resolve()), options, Config()).read()
    assert text.lstrip().startswith(f"def {options['pyobject']}("), (md.name, text[:200])
    assert ":func:" not in text and ":class:" not in text and ":mod:" not in text, (md.name, text)
    if "lines" in options:
        assert '"""' not in text, (md.name, "the docstring is partly shown:", text)
    assert "return" in text, (md.name, "the body is cut off")

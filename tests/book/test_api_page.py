"""The API appendix (``chapters/appendix-api.md``) documents every public module of minidl.

Each public module (``lib/minidl/*.py`` not starting with ``_``) has one section headed
``## 中文名：`minidl.X```, a Chinese paragraph that says what it is for, and its English autodoc in
an HTML-only container (the PDF carries the Chinese sections only).
"""

from __future__ import annotations

import re

import pytest

from tests.book.support.bookfiles import CHAPTERS, ROOT

API = CHAPTERS / "appendix-api.md"
MODULES = sorted(p.stem for p in (ROOT / "lib" / "minidl").glob("*.py")
                 if not p.stem.startswith("_"))
SECTION = re.compile(r"^## [^\n`]*`minidl\.(\w+)`\n(?P<body>.*?)(?=^## |\Z)", re.S | re.M)


def sections() -> dict[str, str]:
    return {m[1]: m["body"] for m in SECTION.finditer(API.read_text(encoding="utf-8"))}


def test_every_public_module_has_a_section():
    missing = sorted(set(MODULES) - set(sections()))
    assert not missing, f"appendix-api.md has no section for minidl.{', minidl.'.join(missing)}"


@pytest.mark.parametrize("module", MODULES)
def test_section_says_in_chinese_what_the_module_is_for_and_shows_autodoc_on_the_site_only(module):
    body = sections().get(module)
    if body is None:
        pytest.skip(f"no section for minidl.{module} (test_every_public_module_has_a_section)")
    prose = body.split("`````{only} html")[0]
    assert len(re.findall(r"[\u4e00-\u9fff]", prose)) >= 10, (
        f"minidl.{module}: no Chinese paragraph before the English reference")
    assert re.search(r"`````\{only\} html\n````\{container\} api-reference\n```\{eval-rst\}\n"
                     rf"\.\. automodule:: minidl\.{module}\n", body), (
        f"minidl.{module}: its automodule must sit in the HTML-only api-reference container")

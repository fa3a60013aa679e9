"""Facts about the repository are written down once; the other places read them.

- The TeX packages ``make pdf`` and the PDF tests need: ``.ci/tex-packages.txt``, read by the
  Makefile, ``.ci/run``, ``tests/book/test_pdf.py`` and the README's install command.
- Where the article's three versions begin: ``bookkit.article``; ``article/README.md`` states the
  line numbers, checked here.
"""

from __future__ import annotations

import re

import pytest

from tests.book.support.bookfiles import ROOT

TEX_LIST = ROOT / ".ci" / "tex-packages.txt"
#: The files that need the TeX package list and must read it from TEX_LIST, not repeat it.
TEX_READERS = ("Makefile", ".ci/run", "tests/book/test_pdf.py", "README.md")
#: How many package names within a few lines make a copy of the list (a single name in prose,
#: "`poppler-utils` is for the tests only", is not one).
COPY_NAMES, COPY_LINES = 3, 4


def tex_packages() -> list[str]:
    lines = TEX_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_tex_package_list_is_a_list_of_debian_names():
    names = tex_packages()
    assert len(names) == len(set(names)) >= 5, names
    assert all(n.replace("-", "").isalnum() and n == n.lower() for n in names), names


@pytest.mark.parametrize("reader", TEX_READERS)
def test_tex_package_list_is_read_not_copied(reader):
    """Each reader names .ci/tex-packages.txt and holds no copy of its list."""
    text = (ROOT / reader).read_text(encoding="utf-8")
    assert "tex-packages.txt" in text, f"{reader} does not read .ci/tex-packages.txt"
    names = tex_packages()
    lines = text.splitlines()
    for i in range(len(lines)):
        window = " ".join(lines[i:i + COPY_LINES])
        found = sorted({n for n in names if n in window.split() or f"`{n}`" in window
                        or f'"{n}' in window or f"{n}\"" in window})
        assert len(found) < COPY_NAMES, (
            f"{reader}:{i + 1} repeats the TeX package list ({', '.join(found)}); read "
            f".ci/tex-packages.txt instead")


def test_article_readme_states_the_version_lines_bookkit_finds():
    """article/README.md's table of line ranges agrees with bookkit.article, which defines them."""
    from bookkit.article import text, version_starts

    readme = (ROOT / "article" / "README.md").read_text(encoding="utf-8")
    ranges = [(int(a), int(b)) for a, b in re.findall(r"^\| 第.版 \| (\d+)–(\d+) \|", readme, re.M)]
    starts = version_starts()
    ends = [s - 1 for s in starts[1:]] + [len(text().splitlines())]
    assert ranges == list(zip(starts, ends, strict=True)), (ranges, starts, ends)

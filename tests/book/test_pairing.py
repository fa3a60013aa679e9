"""Every chapter is a pair (MyST .md source + executed .ipynb) and both are in the book.

The book renders the .ipynb and nbval re-executes it, so an .md edited without re-execution would
publish stale text.  These tests catch that and say how to fix it.
"""

from __future__ import annotations

import functools
import importlib
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from tests.book.support import independent
from tests.book.support.bookfiles import (
    CHAPTERS,
    ROOT,
    chapter_notebooks,
    chapter_sources,
    plain_pages,
    toc_entries,
)

FIX = "run `make execute` (re-executes the notebooks from their .md sources) and commit both files"


# Cell metadata that execution writes (timestamps, UI state): everything else must agree, so a
# tag (remove-cell, nbval-ignore-output, hide-input) or a caption (mystnb.figure.caption) edited
# in the .md without re-execution is caught like an edited source.
EXECUTION_METADATA = {"execution", "ExecuteTime", "collapsed", "scrolled",
                      "jp-MarkdownHeadingCollapsed"}


def _metadata(cell) -> dict:
    return {k: v for k, v in cell.get("metadata", {}).items() if k not in EXECUTION_METADATA}


def _cells(nb):
    return [(c.cell_type, c.source.strip(), _metadata(c)) for c in nb.cells]


def test_there_is_at_least_one_chapter():
    assert chapter_sources(), "no chapters/*.md found"


@pytest.mark.parametrize("md", chapter_sources(), ids=lambda p: p.name)
def test_md_is_a_jupytext_myst_notebook(md):
    head = md.read_text(encoding="utf-8").split("\n", 12)
    assert head[0] == "---" and any(line.startswith("jupytext:") for line in head), (
        f"{md.relative_to(ROOT)} has no jupytext header; create it with "
        "`jupytext --to md:myst chapters/NAME.ipynb`"
    )


@pytest.mark.parametrize("md", chapter_sources(), ids=lambda p: p.name)
def test_md_and_ipynb_have_identical_cells(md):
    nb_path = md.with_suffix(".ipynb")
    rel = md.relative_to(ROOT)
    assert nb_path.exists(), f"{rel} has no executed twin {nb_path.name}: {FIX}"
    source = jupytext.read(md)
    executed = nbformat.read(nb_path, as_version=4)
    src_cells, nb_cells = _cells(source), _cells(executed)
    if src_cells == nb_cells:
        return
    for i, (a, b) in enumerate(zip(src_cells, nb_cells, strict=False)):
        if a[:2] != b[:2]:
            pytest.fail(
                f"{rel} and {nb_path.name} differ at cell {i} ({a[0]} vs {b[0]}):\n"
                f"  .md:    {a[1][:120]!r}\n  .ipynb: {b[1][:120]!r}\n"
                f"The .md was edited without re-execution: {FIX}."
            )
        if a[2] != b[2]:
            pytest.fail(
                f"{rel} and {nb_path.name} differ in the metadata (tags, captions) of cell {i}:\n"
                f"  .md:    {a[2]!r}\n  .ipynb: {b[2]!r}\n"
                f"The .md was edited without re-execution: {FIX}."
            )
    pytest.fail(
        f"{rel} has {len(src_cells)} cells but {nb_path.name} has {len(nb_cells)}: {FIX}."
    )


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_ipynb_is_executed(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{nb_path.name} has no code cells"
    unexecuted = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and c.source.strip() and c.get("execution_count") is None]
    assert not unexecuted, f"{nb_path.name}: cells {unexecuted} were never executed: {FIX}"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{nb_path.name} has error outputs: {[e.ename for e in errors]}"


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_every_ipynb_has_its_md_source(nb_path):
    assert nb_path.with_suffix(".md").exists(), (
        f"{nb_path.name} has no .md source; create it with `jupytext --to md:myst {nb_path}`"
    )


def test_every_chapter_is_in_the_toc():
    listed = set(toc_entries())
    pages = chapter_sources() + plain_pages()
    missing = [p.name for p in pages if f"chapters/{p.stem}" not in listed]
    assert not missing, f"chapters not in _toc.yml: {missing}"


@pytest.mark.parametrize("page", plain_pages(), ids=lambda p: p.name)
def test_plain_pages_are_not_notebooks(page):
    """appendix-*.md pages are rendered as they are: no jupytext header, no code cells, no twin."""
    text = page.read_text(encoding="utf-8")
    assert "jupytext:" not in text.split("\n---", 1)[0], (
        f"{page.name} is a notebook: name it chapters/NN-slug.md so it is executed and paired")
    assert "```{code-cell}" not in text, f"{page.name} has code cells but is never executed"
    assert not page.with_suffix(".ipynb").exists(), f"{page.name} has an .ipynb twin"


def test_every_md_in_chapters_is_a_chapter_or_a_plain_page():
    known = set(chapter_sources()) | set(plain_pages())
    stray = [p.name for p in CHAPTERS.glob("*.md") if p not in known]
    assert not stray, (f"chapters/ holds {stray}: name executed chapters NN-slug.md and pages "
                       "without code appendix-NAME.md")


def test_every_toc_entry_exists():
    missing = [
        entry for entry in toc_entries()
        if not any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb"))
    ]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_chapter_directory_holds_only_pairs():
    stray = [p.name for p in CHAPTERS.iterdir()
             if p.is_file() and p.suffix not in (".md", ".ipynb")]
    assert not stray, f"unexpected files in chapters/: {stray}"


# ------------------------------------------------------------------- numbers in figure captions
# A number in a caption is glued ({glue:text}), or it sits in math, code, a cross-reference or a
# name (ResNet-50, GPT-3, 124M, 2-3-2); ordinals (第 1 轮) are words.  Typed numbers that remain,
# per chapter, until their owners glue them.  The list may only shrink: a listed number that is
# no longer typed fails too, so delete it from here when you glue it.
TYPED_IN_CAPTIONS = {
    "01-background": ["2012", "2021", "1", "1"],     # years of the plot's range; 1 亿 / 1 万亿
    "05-lstm-mnist": ["8", "1", "2", "3"],           # branch mnist
    "06-applications": ["1"],                        # features per step
    "08-trends": ["3"],                              # "3 位"
}


def captions(md) -> list[str]:
    """Figure captions of a chapter: bodies of {glue:figure}/{figure} directives, and
    ``mystnb.figure.caption`` of code cells."""
    found = []
    for cell in jupytext.read(md).cells:
        caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
        if caption:
            found.append(caption)
        if cell.cell_type == "markdown":
            for m in re.finditer(r"```\{(?:glue:figure|figure)\}[^\n]*\n(.*?)```", cell.source,
                                 re.S):
                found.append("\n".join(line for line in m.group(1).splitlines()
                                        if not line.startswith(":")))
    return found


def typed_numbers(caption: str) -> list[str]:
    text = re.sub(r"\{[a-z:]+\}`[^`]*`|`[^`]*`|\$[^$]*\$", " ", caption)
    text = re.sub(r"第\s*\d+", " ", text)                         # ordinals
    # names and shapes are words too: ResNet-50, GPT-3, 124M, 2-3-2, 64-128-64-10
    return re.findall(r"(?<![A-Za-z\d.\-])\d+(?:\.\d+)?(?![A-Za-z\d]|-\d)", text)


@pytest.mark.parametrize("md", chapter_sources(), ids=lambda p: p.name)
def test_figure_captions_glue_their_numbers(md):
    found = [n for c in captions(md) for n in typed_numbers(c)]
    allowed = TYPED_IN_CAPTIONS.get(md.stem, [])
    assert sorted(found) == sorted(allowed), (
        f"{md.name}: numbers typed in figure captions {found}; known and not yet glued: "
        f"{allowed}. Glue new numbers ({{glue:text}}`name`) instead of typing them; when you "
        "glue a listed one, remove it from TYPED_IN_CAPTIONS in tests/book/test_pairing.py")


# ------------------------------------------------------------------- nbval markers are cell tags
# nbval's comment markers (`# NBVAL_IGNORE_OUTPUT`) are code the reader sees on the page; the book
# uses cell tags instead (`nbval-ignore-output`, `nbval-skip`, ...).  Chapters still to convert, by
# owner; the list may only shrink (a listed chapter without markers fails too).
NBVAL_COMMENTS_LEFT: dict[str, str] = {}


@pytest.mark.parametrize("md", chapter_sources(), ids=lambda p: p.name)
def test_nbval_markers_are_cell_tags_not_comments(md):
    lines = [i for i, line in enumerate(md.read_text(encoding="utf-8").splitlines(), start=1)
             if "NBVAL_" in line]
    if md.stem in NBVAL_COMMENTS_LEFT:
        assert lines, (f"{md.name} has no NBVAL_ comment left: remove it from "
                       "NBVAL_COMMENTS_LEFT in tests/book/test_pairing.py")
    else:
        assert not lines, (f"{md.name} lines {lines}: use the cell tag `nbval-ignore-output` "
                           "(`:tags: [nbval-ignore-output]`) instead of a `# NBVAL_` comment")


# ------------------------------------------------------------- what an output-ignored cell may do
# nbval does not compare the output of a cell tagged `nbval-ignore-output` (or marked with an
# NBVAL_IGNORE_OUTPUT comment), so such a cell must assert what the prose claims (plumbing
# cells tagged remove-cell excepted), and must not be
# where a deterministic value comes from: a value it glues may only have a bound check in
# tests/book/support/independent/ (a function), never an exact expected value.  Known exceptions,
# until their owners split the cells (shrink-only):
DETERMINISTIC_IN_IGNORED_CELLS = {
    # branch mnist: a setting (200 steps) and two results glued in output-ignored cells
    "05-lstm-mnist": {"ch5_article_nan_share", "ch5_growth_steps", "ch5_numpy_same_class"},
}


def _ignored_cells(nb_path):
    for cell in nbformat.read(nb_path, as_version=4).cells:
        if cell.cell_type == "code" and (
                "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
                or "NBVAL_IGNORE_OUTPUT" in cell.source):
            yield cell


@functools.cache
def _independent_expected(stem):
    """expected() of the chapter's tests/book/support/independent module, or None."""
    for path in Path(independent.__file__).parent.glob("ch*.py"):
        if f'NOTEBOOK = "{stem}"' not in path.read_text(encoding="utf-8"):
            continue
        return importlib.import_module(f"{independent.__name__}.{path.stem}").expected()
    return None


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_output_ignored_cells_assert_and_compute_nothing_deterministic(nb_path):
    tagged = [c for c in _ignored_cells(nb_path) if "NBVAL_" not in c.source]
    plumbing = [c for c in tagged if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    silent = [c.source.splitlines()[0] for c in tagged
              if "assert " not in c.source and c not in plumbing]
    assert not silent, (f"{nb_path.name}: output-ignored cells without an assert of what the "
                        f"prose claims: {silent}")
    expected = _independent_expected(nb_path.stem)
    if expected is None:
        return
    glued = {o["metadata"]["scrapbook"]["name"] for c in _ignored_cells(nb_path)
             for o in c.get("outputs", []) if "scrapbook" in o.get("metadata", {})}
    exact = {k for k in glued if k in expected and not callable(expected[k])
             and not str(expected[k]).startswith("<Figure")}    # a figure's size is no value
    known = DETERMINISTIC_IN_IGNORED_CELLS.get(nb_path.stem, set())
    assert exact == known, (
        f"{nb_path.name}: deterministic values glued in output-ignored cells: {sorted(exact)} "
        f"(known, to be split: {sorted(known)}). Compute them in a compared cell; remove a "
        "split one from DETERMINISTIC_IN_IGNORED_CELLS")

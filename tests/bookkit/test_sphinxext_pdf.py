"""bookkit.sphinxext.latex and .pdflink: the pieces of the PDF and of the site's link to it.

The whole PDF is built and read back by tests/book/test_pdf.py (when XeLaTeX is installed); these
tests need no TeX.  The link is checked on a two-page Sphinx project with the book's theme.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes

import bookkit.sphinxext.latex as bookkit_latex
from bookkit.sphinxext.latex import (
    LATEX_ELEMENTS,
    STYLE,
    chars_file_text,
    column_alignments,
    column_widths,
    drop_hidden_inputs,
    fallback_candidates,
    fit_table_columns,
    math_to_text,
)
from bookkit.sphinxext.pdflink import add_pdf_entry

# --- LaTeX ---------------------------------------------------------------------------------


def test_fallback_candidates_leave_out_ascii_and_chinese():
    assert fallback_candidates("abc 中文，标点。✗ ᵀ ŷ ⌈x⌉ —“引”") == \
        sorted("✗ᵀŷ⌈⌉—“”")


def test_the_chars_file_names_each_character_in_ascii():
    text = chars_file_text(["✗", "\U0001d400"])
    assert "\\bookzhcheckchar{^^^^2717}{2717}" in text
    assert "\\bookzhcheckchar{^^^^^^01d400}{1D400}" in text
    assert text.isascii()


def test_math_in_headings_gets_a_readable_bookmark():
    assert math_to_text(r"\delta_o") == "δo"
    assert math_to_text(r"\sigma'(Z_h)") == "σ'(Zh)"
    assert math_to_text(r"\lambda \mathbf{x}") == "λ x"


def test_column_widths_cover_headers_and_unbreakable_words():
    rows = [["编号", "原文写道", "判定"],
            ["1.1", "很长的一段中文说明" * 6, "错误"],
            ["4.10", "SparseCategoricalCrossentropy", "错误（审计之外）"]]
    widths, size = column_widths(rows)
    assert size == ""
    assert widths[0] >= 4 + 3  # header 编号 (4 columns) and padding
    assert widths[1] >= len("SparseCategoricalCrossentropy") + 3
    assert widths[1] > widths[2] > widths[0] - 1
    assert sum(widths) <= 94


def test_a_table_too_wide_for_the_line_gets_a_smaller_font():
    rows = [[f"h{j}" for j in range(6)], ["x" * 18] * 6]
    widths, size = column_widths(rows)
    assert size in ("\\small", "\\footnotesize")
    assert all(w >= 18 + 3 for w in widths)


def _table(rows: list[list[str]]) -> nodes.table:
    ncols = len(rows[0])
    tgroup = nodes.tgroup(cols=ncols)
    tgroup += [nodes.colspec(colwidth=1) for _ in range(ncols)]
    head, body = nodes.thead(), nodes.tbody()
    for i, cells in enumerate(rows):
        row = nodes.row()
        for text in cells:
            row += nodes.entry("", nodes.paragraph(text, text))
        (head if i == 0 else body).append(row)
    tgroup += [head, body]
    return nodes.table("", tgroup)


def test_tables_get_a_ragged_column_spec_and_heading_rows_span():
    section = nodes.section()
    table = _table([["编号", "原文", "更正"], ["第 3 节", "", ""], ["3.1", "原文的话", "更正"]])
    section += table
    fit_table_columns(table)
    spec = section[0]
    assert isinstance(spec, addnodes.tabular_col_spec)
    assert spec["spec"].count("\\bookzhcolumn") == 3
    heading = list(table.findall(nodes.row))[1]
    assert len(heading.children) == 1 and heading[0]["morecols"] == 2
    fit_table_columns(table)  # a second pass keeps the spec it has
    assert sum(isinstance(n, addnodes.tabular_col_spec) for n in section.children) == 1


def test_hidden_code_is_left_out_but_its_output_stays():
    cell = nodes.container(nb_element="cell_code", hide_mode="input")
    cell += nodes.container("", nodes.literal_block("x = 1", "x = 1"),
                            nb_element="cell_code_source")
    cell += nodes.container("", nodes.literal_block("1", "1"), nb_element="cell_code_output")
    shown = nodes.container(nb_element="cell_code")
    shown += nodes.container("", nodes.literal_block("y", "y"), nb_element="cell_code_source")
    doc = nodes.section("", cell, shown)
    assert drop_hidden_inputs(doc) == 1
    assert [c["nb_element"] for c in cell.children] == ["cell_code_output"]
    assert [c["nb_element"] for c in shown.children] == ["cell_code_source"]


def test_latex_defaults_use_noto_cjk_and_the_style_file_exists():
    assert "Noto Serif CJK SC" in LATEX_ELEMENTS["fontpkg"]
    assert "Noto Sans Mono CJK SC" in LATEX_ELEMENTS["fontpkg"]
    assert LATEX_ELEMENTS["fncychap"] == ""  # no "CHAPTER 1"
    style = STYLE.read_text(encoding="utf-8")
    for caption in ("目录", "参考文献", "附录", "第\\,\\thechapter\\,章"):
        assert caption in style


# --- the site's link ------------------------------------------------------------------------


def test_the_pdf_entry_comes_first_and_the_print_button_is_renamed():
    entries = [{"label": "download-source-button", "text": ".md"},
               {"label": "download-pdf-button", "text": ".pdf", "type": "javascript"}]
    add_pdf_entry(entries, "../book.pdf")
    add_pdf_entry(entries, "../book.pdf")  # idempotent
    assert [e["label"] for e in entries] == ["download-book-pdf-button",
                                             "download-source-button", "download-pdf-button"]
    assert entries[0]["url"] == "../book.pdf" and entries[0]["text"] == "全书 PDF"
    assert entries[2]["text"] == "打印本页"


def _build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src),
                           str(out)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("pdflink")
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'bookkit.sphinxext']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "html_theme_options = {'use_download_button': True}\n"
        "language = 'zh_CN'\n"
        "bookkit_pdf = 'built/book.pdf'\n", encoding="utf-8")
    (src / "index.md").write_text("# 首页\n\n```{toctree}\nsub/page\n```\n", encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "page.md").write_text("# 一页\n\n正文。\n", encoding="utf-8")
    return src


def test_without_a_pdf_the_site_has_no_link(small_project, tmp_path):
    proc = _build(small_project, tmp_path / "html")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (tmp_path / "html" / "book.pdf").exists()
    assert "book.pdf" not in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")


def test_with_a_pdf_every_page_links_to_its_copy(small_project, tmp_path):
    pdf = small_project / "built" / "book.pdf"
    pdf.parent.mkdir(exist_ok=True)
    pdf.write_bytes(b"%PDF-1.5\n%test\n")
    try:
        proc = _build(small_project, tmp_path / "html")
    finally:
        shutil.rmtree(pdf.parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = tmp_path / "html"
    assert (html / "book.pdf").read_bytes() == b"%PDF-1.5\n%test\n"
    for page in ("index.html", "sub/page.html"):
        soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.select(".dropdown-download-buttons a[href]")
                 if a["href"].endswith("book.pdf")]
        assert links, f"{page} has no PDF link"
        assert ((html / page).parent / links[0]["href"]).resolve() == (html / "book.pdf").resolve()


def test_numeric_columns_keep_their_alignment_in_the_pdf():
    """A Markdown column written ``---:`` (class text-right on its cells) was set ragged-right
    like prose; its numbers lost their alignment."""
    section = nodes.section()
    table = _table([["模型", "参数量", "一致"], ["BERT", "110M", "✓"], ["GPT-2", "124M", "✓"]])
    for row in list(table.findall(nodes.row)):
        entries = list(row.findall(nodes.entry))
        entries[1]["classes"].append("text-right")
        entries[2]["classes"].append("text-center")
    section += table
    assert column_alignments(next(table.findall(nodes.tgroup)), 3) == ["left", "right", "center"]
    fit_table_columns(table)
    spec = section[0]["spec"]
    assert spec.index("\\bookzhcolumn") < spec.index("\\bookzhrcolumn") < spec.index(
        "\\bookzhccolumn"), spec


def test_a_column_with_mixed_alignment_stays_left():
    table = _table([["a", "b"], ["1", "2"], ["3", "4"]])
    rows = list(table.findall(nodes.row))
    list(rows[1].findall(nodes.entry))[1]["classes"].append("text-right")
    assert column_alignments(next(table.findall(nodes.tgroup)), 2) == ["left", "left"]


def test_the_style_file_letters_appendix_figures_and_copies_text_as_typed():
    style = (Path(bookkit_latex.__file__).with_name("bookzh.sty")).read_text(encoding="utf-8")
    assert "\\XeTeXgenerateactualtext=1" in style
    assert "\\def\\thefigure{\\thechapter.\\arabic{figure}}" in style
    assert "\\newcolumntype{\\bookzhrcolumn}" in style


def test_a_long_table_may_break_across_pages():
    """The errata's section 4 table (22 rows of formulas) was a tabular and ran off the page."""
    long_rows = [["编号", "原文", "更正"]] + [[f"4.{i}", "原文", "更正"] for i in range(20)]
    long_table, short_table = _table(long_rows), _table(long_rows[:5])
    for table in (long_table, short_table):
        section = nodes.section()
        section += table
        fit_table_columns(table)
    assert "longtable" in long_table["classes"]
    assert "longtable" not in short_table["classes"]

"""bookkit.sphinxext.latex, .latex_geometry and .latex_tables: the pieces of the PDF.

The whole PDF is built and read back by tests/book/test_pdf.py (when XeLaTeX is installed); these
tests need no TeX.  The site's link to the PDF: test_sphinxext_downloads.py.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError

import bookkit.sphinxext.latex as bookkit_latex
from bookkit.sphinxext.latex import (
    LATEX_ELEMENTS,
    STYLE,
    chars_file_text,
    drop_hidden_inputs,
    fallback_candidates,
    math_to_text,
)
from bookkit.sphinxext.latex_geometry import page_geometry, table_sizes, to_points
from bookkit.sphinxext.latex_tables import column_alignments, column_widths, fit_table_columns

#: The line at each table font size on the book's page (A4, 2.2 cm margins, 10 pt).
SIZES = table_sizes(page_geometry(LATEX_ELEMENTS))

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
    widths, size = column_widths(rows, SIZES)
    assert size == ""
    assert widths[0] >= 4 + 3  # header 编号 (4 columns) and padding
    assert widths[1] >= len("SparseCategoricalCrossentropy") + 3
    assert widths[1] > widths[2] > widths[0] - 1
    assert sum(widths) <= 94


def test_a_table_too_wide_for_the_line_gets_a_smaller_font():
    rows = [[f"h{j}" for j in range(6)], ["x" * 18] * 6]
    widths, size = column_widths(rows, SIZES)
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
    fit_table_columns(table, SIZES)
    spec = section[0]
    assert isinstance(spec, addnodes.tabular_col_spec)
    assert spec["spec"].count("\\bookzhcolumn") == 3
    heading = list(table.findall(nodes.row))[1]
    assert len(heading.children) == 1 and heading[0]["morecols"] == 2
    fit_table_columns(table, SIZES)  # a second pass keeps the spec it has
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
    fit_table_columns(table, SIZES)
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
        fit_table_columns(table, SIZES)
    assert "longtable" in long_table["classes"]
    assert "longtable" not in short_table["classes"]


# --- the page's line, from the configured geometry --------------------------------------------


def test_the_books_page_gives_the_line_the_tables_were_tuned_for():
    """A4, 2.2 cm margins, 10 pt: 94 Latin columns, 104 in \\small, 117 in \\footnotesize (the
    numbers typed into latex.py before they were derived), each within one column."""
    derived = dict(SIZES)
    assert list(derived) == ["", "\\small", "\\footnotesize"]
    for size, typed in (("", 94), ("\\small", 104), ("\\footnotesize", 117)):
        assert abs(derived[size] - typed) <= 1, (size, derived[size], typed)


def test_other_margins_paper_or_point_size_give_another_line():
    wide = page_geometry({**LATEX_ELEMENTS,
                          "sphinxsetup": "verbatimwrapslines=true, hmargin={1.5cm,1.5cm}"})
    assert table_sizes(wide)[0][1] > SIZES[0][1]
    # one value for both margins; 1in = 2.54 cm on each side of A4 leaves 159.2 mm: 90 columns
    assert table_sizes(page_geometry({**LATEX_ELEMENTS, "sphinxsetup": "hmargin=1in"}))[0][1] == 90
    assert table_sizes(page_geometry({**LATEX_ELEMENTS, "pointsize": "12pt"}))[0][1] < SIZES[0][1]
    letter = page_geometry({**LATEX_ELEMENTS, "papersize": "letterpaper"})
    assert letter.text_width > page_geometry(LATEX_ELEMENTS).text_width
    # Sphinx's own defaults (letter paper, 1 in margins, 10 pt): 6.5 in of text
    assert page_geometry({}).text_width == pytest.approx(6.5 * 72.27)


def test_a_narrower_line_changes_the_table_layout():
    rows = [[f"h{j}" for j in range(5)], ["x" * 15] * 5]
    assert column_widths(rows, SIZES)[1] == ""
    narrow = table_sizes(page_geometry({**LATEX_ELEMENTS, "papersize": "a5paper"}))
    assert column_widths(rows, narrow)[1] != ""


@pytest.mark.parametrize(("override", "message"), [
    ({"sphinxsetup": "hmargin={\\dimexpr 2cm\\relax,2cm}"}, "hmargin"),
    ({"sphinxsetup": "hmargin=3em"}, "hmargin"),
    ({"papersize": "a3paper"}, "papersize 'a3paper'"),
    ({"pointsize": "9pt"}, "pointsize '9pt'"),
    ({"geometry": "\\usepackage[margin=1cm]{geometry}"}, "geometry"),
    ({"extraclassoptions": "openany,twocolumn"}, "twocolumn"),
    ({"sphinxsetup": "hmargin={11cm,11cm}"}, "no text width"),
])
def test_a_page_override_the_tables_cannot_honour_is_refused(override, message):
    with pytest.raises(ValueError, match=message.replace("\\", "\\\\")):
        page_geometry({**LATEX_ELEMENTS, **override})


def test_an_unreadable_page_override_stops_the_build_at_config_inited():
    config = SimpleNamespace(latex_elements={"sphinxsetup": "hmargin=3em"},
                             latex_theme_options={})
    with pytest.raises(ConfigError, match="hmargin"):
        bookkit_latex._latex_defaults(None, config)
    config = SimpleNamespace(latex_elements={"pointsize": "11pt"}, latex_theme_options={})
    bookkit_latex._latex_defaults(None, config)  # a readable override is honoured
    assert config.latex_elements["pointsize"] == "11pt"
    assert config.latex_elements["fontpkg"] == LATEX_ELEMENTS["fontpkg"]


def test_latex_theme_options_win_over_latex_elements_as_in_sphinx():
    geometry = page_geometry(LATEX_ELEMENTS, {"papersize": "b5paper"})
    assert geometry.text_width == pytest.approx(to_points("176mm") - 2 * to_points("2.2cm"))


def test_lengths_are_read_in_tex_points():
    assert to_points("1in") == pytest.approx(72.27)
    assert to_points("2.54cm") == pytest.approx(72.27)
    assert to_points(" 72bp ") == pytest.approx(72.27)
    with pytest.raises(TypeError):
        to_points(2.2)
    with pytest.raises(ValueError, match="cannot read"):
        to_points("2.2")


def test_table_sizes_are_checked():
    with pytest.raises(TypeError, match="sizes"):
        column_widths([["a"]], ())
    with pytest.raises(ValueError, match="positive"):
        column_widths([["a"]], (("", 0),))


def test_the_books_tables_are_fitted_to_the_configured_page():
    """With the margins or paper changed in ``_config.yml``, tables follow (they were fitted to a
    line typed for A4 and 2.2 cm margins, whatever the configuration said)."""
    from docutils import frontend
    from docutils.parsers import rst
    from docutils.utils import new_document

    def fitted(elements: dict[str, str]) -> list[str]:
        doc = new_document("test", frontend.get_default_settings(rst.Parser))
        doc.settings.env = SimpleNamespace(config=SimpleNamespace(
            latex_elements={**LATEX_ELEMENTS, **elements}, latex_theme_options={}))
        section = nodes.section()
        section += _table([[f"h{j}" for j in range(5)], ["x" * 15] * 5])
        doc += section
        bookkit_latex.BookLatexStructure(doc)._fit_tables()
        return [n.astext() for n in section.findall(nodes.raw)]

    assert fitted({}) == []
    assert fitted({"papersize": "a5paper"}) == ["\\begingroup\\footnotesize\n", "\\endgroup\n"]

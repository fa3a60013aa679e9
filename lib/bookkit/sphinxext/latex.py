"""The book as a Chinese PDF: Sphinx's LaTeX builder set up for XeLaTeX, xeCJK and Noto CJK.

``make pdf`` runs ``jupyter-book build --builder latex`` and then ``latexmk -xelatex``
(_config.yml sets ``latex_engine: xelatex`` and switches sphinx-jupyterbook-latex off).  This
module supplies what Sphinx's defaults lack for a Chinese book:

* ``latex_elements`` defaults (a value set in ``_config.yml`` wins): A4, one-sided, Noto CJK fonts
  for serif, sans and mono (Latin and Chinese alike, so a Chinese character in code is exactly two
  Latin columns wide), long code lines force-wrapped, no fncychap ("CHAPTER"), no index;
* ``bookzh.sty`` (copied next to the ``.tex``): Chinese captions (目录, 第 N 章, 附录 A, 参考文献),
  chapter heads and running heads, and a glyph fallback to DejaVu for the few symbols Noto CJK
  lacks;
* :class:`BookLatexStructure`, a post-transform on the assembled single-document tree: the root
  page becomes the unnumbered 前言, ``\\appendix`` goes before the first page of the toctree
  captioned ``bookkit_latex_appendix_caption`` (default 附录), code hidden behind a toggle on the
  site is left out, tables get column widths that fit the page, displayed math from outputs is
  shrunk to the line, math in headings gets a plain-text PDF bookmark, and every non-ASCII
  character of the book is listed in ``bookzhchars.tex`` so that ``bookzh.sty`` can check the
  fonts for it.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["BookLatexStructure", "LATEX_ELEMENTS", "column_alignments", "column_widths",
           "drop_hidden_inputs",
           "fallback_candidates", "fit_table_columns", "math_to_text", "setup_latex"]

STYLE = Path(__file__).with_name("bookzh.sty")
CHARS_FILE = "bookzhchars.tex"

FONTS = r"""
\setmainfont{Noto Serif CJK SC}[AutoFakeSlant=0.15]
\setsansfont{Noto Sans CJK SC}[AutoFakeSlant=0.15]
\setmonofont{Noto Sans Mono CJK SC}[AutoFakeSlant=0.15]
\IfFontExistsTF{AR PL KaitiM GB}
  {\setCJKmainfont{Noto Serif CJK SC}[ItalicFont=AR PL KaitiM GB]}
  {\setCJKmainfont{Noto Serif CJK SC}[ItalicFont=Noto Serif CJK SC]}
\setCJKsansfont{Noto Sans CJK SC}[ItalicFont=Noto Sans CJK SC]
\setCJKmonofont{Noto Sans Mono CJK SC}[ItalicFont=Noto Sans Mono CJK SC]
""".strip()

#: Defaults for ``latex_elements``; keys set in ``_config.yml`` (``sphinx.config``) win.
LATEX_ELEMENTS: dict[str, str] = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "extraclassoptions": "openany,oneside",
    "fontpkg": FONTS,
    # cmap.sty is for pdfTeX only (under XeTeX it warns and does nothing).
    "cmappkg": "",
    # Sphinx's default "Bjarne"/"Sonny" heads print "CHAPTER 1"; bookzh.sty draws 第 1 章.
    "fncychap": "",
    # Long code and output lines wrap, inside words if they must, never past the margin.
    "sphinxsetup": ("verbatimwrapslines=true, verbatimforcewraps=true, verbatimmaxunderfull=0, "
                    "hmargin={2.2cm,2.2cm}, vmargin={2.5cm,2.5cm}"),
    "preamble": r"\usepackage{bookzh}",
    # The book has no index entries; an empty index would print an English "Index" page.
    "makeindex": "",
    "printindex": "",
}


def _latex_defaults(app: Sphinx, config: Config) -> None:
    elements = dict(LATEX_ELEMENTS)
    elements.update(config.latex_elements or {})
    config.latex_elements = elements


def _copy_style(app: Sphinx) -> None:
    if app.builder.format != "latex":
        return
    Path(app.outdir).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLE, Path(app.outdir, STYLE.name))


def fallback_candidates(text: str) -> list[str]:
    """The characters of ``text`` that ``bookzh.sty`` should check the fonts for, sorted.

    Every non-ASCII character except the CJK ranges (xeCJK typesets those with the CJK font,
    which covers them) and format characters (zero-width joiners and the like).
    """
    found = set()
    for ch in text:
        code = ord(ch)
        if code < 0x80 or code in (0xA0,):
            continue
        if (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
                or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFFEF or code >= 0x20000):
            continue
        if 0x200B <= code <= 0x200F or 0x2060 <= code <= 0x206F or code == 0xFEFF:
            continue
        found.add(ch)
    return sorted(found)


def chars_file_text(chars: list[str]) -> str:
    r"""``bookzhchars.tex``: one ``\bookzhcheckchar{^^^^xxxx}{xxxx}`` per character."""
    lines = ["% Written by bookkit.sphinxext.latex: the non-ASCII characters of the book."]
    for ch in chars:
        code = ord(ch)
        caret = f"^^^^{code:04x}" if code <= 0xFFFF else f"^^^^^^{code:06x}"
        lines.append(f"\\bookzhcheckchar{{{caret}}}{{{code:04X}}}")
    return "\n".join(lines) + "\n"


class BookLatexStructure(SphinxPostTransform):
    """Front matter, appendices and the character list, on the assembled LaTeX document."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        root = self.config.root_doc
        if self.document.get("docname") != root:
            return  # a single page, not the assembled book
        self._preface()
        self._appendix(root)
        drop_hidden_inputs(self.document)
        for table in list(self.document.findall(nodes.table)):
            fit_table_columns(table)
        for block in list(self.document.findall(nodes.math_block)):
            if _in_cell_output(block) and not block.get("nowrap") and not block.get("label"):
                block.replace_self(nodes.raw(
                    "", "\n\\begin{center}\\bookzhfitmath{\\begin{aligned}"
                    f"{block.astext()}\\end{{aligned}}}}\\end{{center}}\n", format="latex"))
        for math in list(self.document.findall(nodes.math)):
            if isinstance(math.parent, nodes.title):
                math.replace_self(nodes.raw(
                    "", f"\\texorpdfstring{{\\protect\\({math.astext()}\\protect\\)}}"
                    f"{{{_tex_escape(math_to_text(math.astext()))}}}", format="latex"))
        chars = fallback_candidates(self.document.astext())
        Path(self.app.outdir, CHARS_FILE).write_text(chars_file_text(chars), encoding="utf-8")

    def _preface(self) -> None:
        """The root page: its title is the book's (dropped by Sphinx); make it 前言, unnumbered.

        Its own sections (before the inlined chapters) become unnumbered ``\\section*``.
        """
        top = next(iter(self.document.findall(nodes.section)), None)
        if top is None or not top.children or not isinstance(top[0], nodes.title):
            return
        title = top[0].astext()
        top.insert(1, nodes.raw("", f"\\bookzhfrontchapter{{{_tex_escape(title)}}}\n",
                                format="latex"))
        for section in [c for c in top.children if isinstance(c, nodes.section)]:
            if any(True for _ in section.findall(addnodes.start_of_file)):
                break
            head = section[0].astext() if isinstance(section[0], nodes.title) else ""
            replacement: list[nodes.Node] = [nodes.raw(
                "", f"\\section*{{{_tex_escape(head)}}}\n", format="latex")]
            if section["ids"]:
                replacement.append(nodes.target("", "", ids=list(section["ids"])))
            replacement.extend(section.children[1:])
            section.replace_self(replacement)

    def _appendix(self, root: str) -> None:
        caption = self.config.bookkit_latex_appendix_caption
        tree = self.env.get_doctree(root)
        first = next((toc["includefiles"][0] for toc in tree.findall(addnodes.toctree)
                      if toc.get("caption") == caption and toc.get("includefiles")), None)
        if first is None:
            return
        for start in self.document.findall(addnodes.start_of_file):
            if start.get("docname") == first:
                start.parent.insert(start.parent.index(start),
                                    nodes.raw("", "\\appendix\n", format="latex"))
                return


def _display_width(text: str) -> int:
    """Width of ``text`` in Latin columns: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


#: Text width in Latin columns (half a Chinese character): A4, 2.2 cm margins, 10 pt.
LINE_COLUMNS = 94
#: What each table column loses to its padding (2 \\tabcolsep), in Latin columns.
COLUMN_PADDING = 3
#: A table with more rows than this is set as a longtable, which breaks across pages (Sphinx's
#: own limit is 30 rows; the errata's section 4, 22 rows of formulas, ran off the page).
LONG_TABLE_ROWS = 6
#: Font sizes a table may shrink to, with how many Latin columns then fit a line.
TABLE_SIZES = (("", LINE_COLUMNS), ("\\small", 104), ("\\footnotesize", 117))
# A word LaTeX cannot break: a run of anything but spaces, the punctuation prose breaks after,
# and Chinese characters (breakable anywhere).
_WORD = re.compile(r"[^\s/.,;:!?()\[\]{}=&\-\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")


def column_widths(rows: list[list[str]]) -> tuple[list[int], str]:
    """Column widths (in Latin columns) and a font size for a table with cells ``rows``.

    ``rows`` holds the cells' texts, row-major, the header first.  Sphinx typesets a table of
    more than 30 rows as a ``longtable`` of ``l`` columns, which never wrap (the errata table ran
    off the page), and tabulary squeezes a column of unbreakable words (a bibliography key) below
    their width.  Here each column needs at least its header's width (up to 8) and its longest
    unbreakable non-Chinese word, and wants its mean text width (up to 40), or its longest cell
    when no cell is longer than 16; the line is shared accordingly.  When the needs alone
    overflow the line, the table gets a smaller font (the second value: "", "\\small" or
    "\\footnotesize").
    """
    if not rows:
        return [], ""
    ncols = max(len(r) for r in rows)
    need, want = [], []
    for j in range(ncols):
        cells = [r[j] for r in rows if j < len(r)]
        head = min(_display_width(cells[0]), 8) if cells else 0
        mean = sum(_display_width(c) for c in cells[1:]) / max(len(cells) - 1, 1)
        word = max((_display_width(w) for c in cells for w in _WORD.findall(c)), default=0)
        longest = max((_display_width(c) for c in cells[1:]), default=0)
        need.append(max(4, head, word) + COLUMN_PADDING)
        # a column of short cells (判定: "错误（审计之外）") keeps each on one line
        want.append(max(need[-1], (longest if longest <= 16 else min(mean, 40)) + COLUMN_PADDING))
    size, line = next(((size, line) for size, line in TABLE_SIZES if sum(need) <= line),
                      TABLE_SIZES[-1])
    if sum(want) <= line:
        return [round(w) for w in want], size
    spare = line - sum(need)
    extra = sum(w - n for w, n in zip(want, need, strict=True))
    return [round(n + (spare * (w - n) / extra if extra and spare > 0 else 0))
            for w, n in zip(want, need, strict=True)], size


def _cell_text(entry: nodes.Element) -> str:
    """A cell's text; inline code (which breaks only at spaces) with its punctuation protected.

    :func:`column_widths` splits words at punctuation, where LaTeX can break prose; inline code
    (``\\sphinxupquote``) breaks only after ``. , ; ? ! / ( =`` (bookzh.sty adds the last two),
    so its other characters are measured as letters (``x``).
    """
    parts = []
    for node in entry.findall(nodes.Text):
        text = str(node)
        if isinstance(node.parent, nodes.literal):
            text = re.sub(r"[^\s.,;?!/(=]", "x", text)
        parts.append(text)
    return "".join(parts)


def _merge_heading_rows(tgroup: nodes.tgroup) -> None:
    """A body row with text in its first cell only (a group heading) spans the whole row."""
    ncols = int(tgroup.get("cols", 0))
    if ncols < 3:
        return
    for tbody in tgroup.findall(nodes.tbody):
        for row in tbody.children:
            entries = [e for e in row.children if isinstance(e, nodes.entry)]
            if (len(entries) == ncols and entries[0].astext().strip()
                    and not any(e.astext().strip() for e in entries[1:])
                    and not any(e.get("morecols") or e.get("morerows") for e in entries)):
                for entry in entries[1:]:
                    row.remove(entry)
                entries[0]["morecols"] = ncols - 1


def column_alignments(tgroup: nodes.tgroup, ncols: int) -> list[str]:
    """Each column's alignment, ``left``, ``right`` or ``center``, from its body cells' classes.

    MyST gives the cells of a Markdown table column written ``---:`` the class ``text-right``
    (``:---:``: ``text-center``); the site aligns them with CSS.  A column is right (centre)
    aligned when every body cell of it is; otherwise left.
    """
    found: list[set[str]] = [set() for _ in range(ncols)]
    for tbody in tgroup.findall(nodes.tbody):
        for row in tbody.children:
            entries = [e for e in row.children if isinstance(e, nodes.entry)]
            if len(entries) != ncols:
                continue
            for j, entry in enumerate(entries):
                classes = set(entry.get("classes", []))
                found[j].add("right" if "text-right" in classes else
                             "center" if "text-center" in classes else "left")
    return [kinds.pop() if len(kinds) == 1 else "left" for kinds in found]


def fit_table_columns(table: nodes.table) -> None:
    """Give ``table`` ragged-right columns of the widths :func:`column_widths` finds.

    Unless it already has a column spec (``tabularcolumns``) or given widths.  Group-heading
    rows (text in the first cell only) are merged across the row first.
    """
    previous = table.previous_sibling() if table.parent is not None else None
    if "colwidths-given" in table["classes"] or isinstance(previous, addnodes.tabular_col_spec):
        return
    tgroups = list(table.findall(nodes.tgroup))
    if len(tgroups) != 1:
        return
    rows = [[_cell_text(entry) for entry in row.findall(nodes.entry)]
            for row in tgroups[0].findall(nodes.row)]
    widths, size = column_widths(rows)
    if len(widths) != int(tgroups[0].get("cols", 0)):
        return
    aligns = column_alignments(tgroups[0], len(widths))
    _merge_heading_rows(tgroups[0])
    if len(rows) > LONG_TABLE_ROWS and "longtable" not in table["classes"]:
        table["classes"].append("longtable")   # may break across pages
    total = sum(widths)
    kind = {"left": "\\bookzhcolumn", "right": "\\bookzhrcolumn", "center": "\\bookzhccolumn"}
    spec = "".join(f"{kind[a]}{{{w}}}{{{total}}}" for a, w in zip(aligns, widths, strict=True))
    at = table.parent.index(table)
    table.parent.insert(at, addnodes.tabular_col_spec(spec=spec))
    if size:
        table.parent.insert(at, nodes.raw("", f"\\begingroup{size}\n", format="latex"))
        table.parent.insert(table.parent.index(table) + 1,
                            nodes.raw("", "\\endgroup\n", format="latex"))


_GREEK = {name: unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}")
          for name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
                       "lamda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi",
                       "psi", "omega")}


def math_to_text(latex: str) -> str:
    """A plain-text rendering of inline math for PDF bookmarks: ``\\delta_o`` -> ``δo``."""
    def letter(match: re.Match) -> str:
        name = match.group(1)
        return _GREEK.get("lamda" if name == "lambda" else name, "")

    text = re.sub(r"\\([A-Za-z]+)", letter, latex)
    return re.sub(r"[_^{}\\]", "", text).strip()


def drop_hidden_inputs(document: nodes.Node) -> int:
    """Remove the source of code cells tagged ``hide-input`` (or ``hide-cell``); returns how many.

    On the site such code sits behind a "显示代码" toggle; a printed page cannot unfold it, and the
    code (the errata table's data, for instance) would fill pages.  Its output stays.
    """
    dropped = 0
    for cell in list(document.findall(nodes.container)):
        if cell.get("nb_element") == "cell_code" and cell.get("hide_mode") in ("input", "all"):
            for child in list(cell.children):
                if isinstance(child, nodes.Element) and \
                        child.get("nb_element") == "cell_code_source":
                    cell.remove(child)
                    dropped += 1
    return dropped


def _in_cell_output(node: nodes.Node) -> bool:
    """Whether ``node`` is part of a code cell's output (a MyST-NB ``cell_code_output``)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and parent.get("nb_element") == "cell_code_output":
            return True
        parent = parent.parent
    return False


_TEX_SPECIALS = {c: f"\\{c}" for c in "#$%&_{}"}


def _tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIALS.get(c, c) for c in text)


def setup_latex(app: Sphinx) -> None:
    app.add_config_value("bookkit_latex_appendix_caption", "附录", "env", [str])
    app.connect("config-inited", _latex_defaults, priority=900)
    app.connect("builder-inited", _copy_style)
    app.add_post_transform(BookLatexStructure)

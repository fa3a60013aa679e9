"""The book as a Chinese PDF: Sphinx's LaTeX builder set up for XeLaTeX, xeCJK and Noto CJK.

``make pdf`` runs ``jupyter-book build --builder latex`` and then ``latexmk -xelatex``
(_config.yml sets ``latex_engine: xelatex`` and switches sphinx-jupyterbook-latex off).  This
module supplies what Sphinx's defaults lack for a Chinese book:

* ``latex_elements`` defaults (a value set in ``_config.yml`` wins): A4, one-sided, Noto CJK fonts
  for serif, sans and mono (Latin and Chinese alike, so a Chinese character in code is exactly two
  Latin columns wide), long code lines force-wrapped, no fncychap ("CHAPTER"), no index.  The
  line length that tables are fitted to is derived from the paper, margins and point size as
  finally configured (:mod:`bookkit.sphinxext.latex_geometry`); an override it cannot read stops
  the build at ``config-inited`` with a ``ConfigError``;
* ``bookzh.sty`` (copied next to the ``.tex``): Chinese captions (目录, 第 N 章, 附录 A, 参考文献),
  chapter heads and running heads, and a glyph fallback to DejaVu for the few symbols Noto CJK
  lacks;
* :class:`BookLatexStructure`, a post-transform on the assembled single-document tree: the root
  page becomes the unnumbered 前言, ``\\appendix`` goes before the first page of the toctree
  captioned ``bookkit_latex_appendix_caption`` (default 附录), code hidden behind a toggle on the
  site is left out, tables get column widths that fit the line
  (:mod:`bookkit.sphinxext.latex_tables`), displayed math from outputs is shrunk to the line,
  math in headings gets a plain-text PDF bookmark, and every non-ASCII character of the book is
  listed in ``bookzhchars.tex`` so that ``bookzh.sty`` can check the fonts for it.
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
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform

from bookkit.sphinxext.config import add_config_value
from bookkit.sphinxext.latex_geometry import page_geometry, table_sizes
from bookkit.sphinxext.latex_tables import fit_table_columns

__all__ = ["BookLatexStructure", "LATEX_ELEMENTS", "drop_hidden_inputs", "fallback_candidates",
           "math_to_text", "setup_latex"]

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
    """Merge :data:`LATEX_ELEMENTS` under ``_config.yml``'s ``latex_elements``, and refuse a page
    whose line length :mod:`bookkit.sphinxext.latex_geometry` cannot derive (tables are fitted
    to it)."""
    elements = dict(LATEX_ELEMENTS)
    elements.update(config.latex_elements or {})
    config.latex_elements = elements
    try:
        page_geometry(elements, config.latex_theme_options)
    except ValueError as err:
        raise ConfigError(f"bookkit.sphinxext.latex cannot fit tables to this page: {err}") \
            from None


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
        self._fit_tables()
        self._fit_output_math()
        self._bookmark_heading_math()
        chars = fallback_candidates(self.document.astext())
        Path(self.app.outdir, CHARS_FILE).write_text(chars_file_text(chars), encoding="utf-8")

    def _fit_tables(self) -> None:
        """Every table gets column widths that fit the configured page (:mod:`.latex_tables`)."""
        geometry = page_geometry(self.config.latex_elements, self.config.latex_theme_options)
        sizes = table_sizes(geometry)
        for table in list(self.document.findall(nodes.table)):
            fit_table_columns(table, sizes)

    def _fit_output_math(self) -> None:
        """Displayed math printed by a cell (an unlabelled ``math_block`` in its output) is set as
        one ``aligned`` block, shrunk to the line if wider (``\\bookzhfitmath``, bookzh.sty)."""
        for block in list(self.document.findall(nodes.math_block)):
            if _in_cell_output(block) and not block.get("nowrap") and not block.get("label"):
                block.replace_self(nodes.raw(
                    "", "\n\\begin{center}\\bookzhfitmath{\\begin{aligned}"
                    f"{block.astext()}\\end{{aligned}}}}\\end{{center}}\n", format="latex"))

    def _bookmark_heading_math(self) -> None:
        """Math in a heading is typeset as math, with a plain-text PDF bookmark
        (:func:`math_to_text`): a bookmark cannot show TeX."""
        for math in list(self.document.findall(nodes.math)):
            if isinstance(math.parent, nodes.title):
                math.replace_self(nodes.raw(
                    "", f"\\texorpdfstring{{\\protect\\({math.astext()}\\protect\\)}}"
                    f"{{{_tex_escape(math_to_text(math.astext()))}}}", format="latex"))

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
    add_config_value(app, "bookkit_latex_appendix_caption", "附录", "env", [str])
    app.connect("config-inited", _latex_defaults, priority=900)
    app.connect("builder-inited", _copy_style)
    app.add_post_transform(BookLatexStructure)

"""Tables in the PDF: column widths that fit the printed line, ragged right, numbers aligned.

Sphinx typesets a table of more than 30 rows as a ``longtable`` of ``l`` columns, which never
wrap (the errata table ran off the page), and tabulary squeezes a column of unbreakable words (a
bibliography key) below their width.  :func:`fit_table_columns` instead gives every table a
column spec of relative widths (``\\bookzhcolumn`` and its right-aligned and centred variants,
defined in ``bookzh.sty``), found by :func:`column_widths` from the cells' text, and a smaller font
when the table needs it.  Widths are counted in *Latin columns* (half a Chinese character); how
many fit the line at each font size comes from the page (:func:`bookkit.sphinxext.latex_geometry.
table_sizes`), passed in as ``sizes``.  :class:`bookkit.sphinxext.latex.BookLatexStructure` calls
it on every table of the assembled book.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from docutils import nodes
from sphinx import addnodes

__all__ = ["COLUMN_PADDING", "HEADER_NEED_MAX", "LONG_TABLE_ROWS", "MEAN_WANT_MAX", "MIN_COLUMN",
           "SHORT_CELLS", "column_alignments", "column_widths", "display_width",
           "fit_table_columns"]

#: What each table column loses to its padding (2 \\tabcolsep), in Latin columns.
COLUMN_PADDING = 3
#: A table with more rows than this is set as a longtable, which breaks across pages (Sphinx's
#: own limit is 30 rows; the errata's section 4, 22 rows of formulas, ran off the page).
LONG_TABLE_ROWS = 6
#: The narrowest column's text, in Latin columns: two Chinese characters.
MIN_COLUMN = 4
#: A column needs its header's width up to this (four Chinese characters); a longer header wraps.
HEADER_NEED_MAX = 8
#: A column whose cells are all at most this wide wants its longest cell, so that each cell keeps
#: to one line (判定: "错误（审计之外）").
SHORT_CELLS = 16
#: A column of longer cells wants their mean width, up to this: a column of paragraphs shares the
#: line instead of claiming it.
MEAN_WANT_MAX = 40

# A word LaTeX cannot break: a run of anything but spaces, the punctuation prose breaks after,
# and Chinese characters (breakable anywhere).
_WORD = re.compile(r"[^\s/.,;:!?()\[\]{}=&\-\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")


def display_width(text: str) -> int:
    """Width of ``text`` in Latin columns: a CJK (wide or full-width) character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _check_sizes(sizes: Sequence[tuple[str, int]]) -> None:
    if not isinstance(sizes, Sequence) or not sizes:
        raise TypeError("sizes must be a non-empty sequence of (size command, line columns) "
                        "pairs, as bookkit.sphinxext.latex_geometry.table_sizes returns")
    for size, line in sizes:
        if not isinstance(size, str) or not isinstance(line, int) or line <= 0:
            raise ValueError(f"sizes holds ({size!r}, {line!r}): expected a size command such "
                             "as '\\\\small' and a positive number of columns")


def column_widths(rows: list[list[str]],
                  sizes: Sequence[tuple[str, int]]) -> tuple[list[int], str]:
    """Column widths (in Latin columns) and a font size for a table with cells ``rows``.

    ``rows``: the cells' texts, row-major, the header first (rows may be ragged).  ``sizes``: the
    font sizes the table may use, largest first, each with how many Latin columns fit the line
    (:func:`bookkit.sphinxext.latex_geometry.table_sizes`).  Returns one width per column (the
    widest row's count) and the size command (``""`` for the body size).

    Each column *needs* its header's width (up to :data:`HEADER_NEED_MAX`), its longest
    unbreakable non-Chinese word and at least :data:`MIN_COLUMN`; it *wants* its longest cell
    when no cell is longer than :data:`SHORT_CELLS`, else its mean cell width (up to
    :data:`MEAN_WANT_MAX`).  The first size whose line holds the needs is used (else the last);
    the line is shared in proportion to what each column wants beyond its need.
    """
    _check_sizes(sizes)
    if not rows:
        return [], ""
    ncols = max(len(r) for r in rows)
    need, want = [], []
    for j in range(ncols):
        cells = [r[j] for r in rows if j < len(r)]
        head = min(display_width(cells[0]), HEADER_NEED_MAX) if cells else 0
        mean = sum(display_width(c) for c in cells[1:]) / max(len(cells) - 1, 1)
        word = max((display_width(w) for c in cells for w in _WORD.findall(c)), default=0)
        longest = max((display_width(c) for c in cells[1:]), default=0)
        need.append(max(MIN_COLUMN, head, word) + COLUMN_PADDING)
        wanted = longest if longest <= SHORT_CELLS else min(mean, MEAN_WANT_MAX)
        want.append(max(need[-1], wanted + COLUMN_PADDING))
    size, line = next(((size, line) for size, line in sizes if sum(need) <= line), sizes[-1])
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


def fit_table_columns(table: nodes.table, sizes: Sequence[tuple[str, int]]) -> None:
    """Give ``table`` ragged-right columns of the widths :func:`column_widths` finds.

    ``sizes`` as for :func:`column_widths`.  Unless the table already has a column spec
    (``tabularcolumns``) or given widths.  Group-heading rows (text in the first cell only) are
    merged across the row first; a table of more than :data:`LONG_TABLE_ROWS` rows may break
    across pages.
    """
    previous = table.previous_sibling() if table.parent is not None else None
    if "colwidths-given" in table["classes"] or isinstance(previous, addnodes.tabular_col_spec):
        return
    tgroups = list(table.findall(nodes.tgroup))
    if len(tgroups) != 1:
        return
    rows = [[_cell_text(entry) for entry in row.findall(nodes.entry)]
            for row in tgroups[0].findall(nodes.row)]
    widths, size = column_widths(rows, sizes)
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

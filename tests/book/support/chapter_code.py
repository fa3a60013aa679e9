"""A chapter's code as Python: the code cells of ``chapters/NN-slug.md`` parsed with ``ast``.

For the tests that read what a chapter's code says rather than what it printed: the argument a
call passes (``independent.common.call_argument``), where a glued setting comes from
(``test_settings_glued``), the functions a chapter defines (``test_no_duplicate_functions``).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import jupytext


@functools.cache
def code_cells(source: Path) -> tuple[str, ...]:
    """The code of every code cell of a chapter's MyST source, in order.

    Lines of IPython magics and shell escapes (``%...``, ``!...``) are left out, so each entry is
    plain Python that ``ast.parse`` accepts.
    """
    cells = []
    for cell in jupytext.read(Path(source)).cells:
        if cell.cell_type == "code":
            cells.append("\n".join(line for line in cell.source.splitlines()
                                   if not line.startswith(("%", "!"))))
    return tuple(cells)


def code_trees(source: Path) -> list[ast.Module]:
    """``ast.parse`` of each code cell of :func:`code_cells`."""
    return [ast.parse(code) for code in code_cells(Path(source))]


def called_name(node: ast.AST) -> str | None:
    """The name a call is made by: ``f`` for ``f(...)`` and ``obj.f(...)``; None otherwise."""
    if not isinstance(node, ast.Call):
        return None
    return getattr(node.func, "id", getattr(node.func, "attr", None))

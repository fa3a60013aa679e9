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


def function_definitions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every ``def`` in ``tree``: module level, nested and methods."""
    return [node for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


class _Renamed(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg, node.annotation = self.names.get(node.arg, node.arg), None
        return node


def normalised(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """A function's parameters and body, as written but for what does not change what it does.

    Left out: its name, docstring, comments, annotations and decorators, and the names of its
    parameters (renamed by position, in the signature and the body).  Two definitions with the
    same result compute the same thing from the same arguments.
    """
    function = ast.parse(ast.unparse(function)).body[0]    # a copy, without positions
    body = function.body
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]
    a = function.args
    params = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if p]
    renamed = _Renamed({name: f"_{i}" for i, name in enumerate(params)})
    return ast.dump(renamed.visit(a)) + "".join(ast.dump(renamed.visit(s)) for s in body)

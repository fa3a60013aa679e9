"""Every chapter runs alone, where readers run notebooks (issue 23).

The run itself is ``make test-notebooks`` (tests/plugins/standalone.py: nbval on each notebook
copied alone into an empty directory, importing the book's wheel).  These tests check what makes
it possible and what tells the reader how:

* the wheel holds the package, MNIST (checksums verified) and every file of bookkit.resources;
* no chapter, and no library module the chapters read files through, finds a file from the
  working directory or by walking up the tree;
* every chapter's first cell is the one bookkit.launch makes from _config.yml's repository, and
  the ``notebooks`` extra it installs covers every library the chapters import;
* README, 前言 and Binder's files say and do the same.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import re
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat
import pytest

from bookkit import launch, resources
from bookkit.wheel import build
from minidl.data import MNIST_FILES

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
URL, BRANCH = launch.repository(ROOT / "_config.yml")
VERSION = PYPROJECT["project"]["version"]
FIRST_CELL = launch.first_cell(URL, BRANCH, VERSION)
WHEEL_LIMIT_MIB = 15


def _code_cells(nb_path: Path) -> list[str]:
    nb = nbformat.read(nb_path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build(ROOT, tmp_path_factory.mktemp("wheel"))


def test_wheel_holds_mnist_and_every_file_the_chapters_read(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for name, sha256, _ in MNIST_FILES.values():
            raw = gzip.decompress(z.read(f"minidl/mnist/{name}.gz"))
            assert hashlib.sha256(raw).hexdigest() == sha256, name
        assert "minidl/mnist/README.md" in names  # source, licence (CC BY-SA 3.0), citation
        for name, where in resources.FILES.items():
            assert z.read(f"bookkit/book/{name}") == (ROOT / where).read_bytes(), name
        modules = {p.relative_to(ROOT / "lib").as_posix()
                   for p in (ROOT / "lib").glob("*/**/*.py")}
        assert modules <= names, f"modules missing from the wheel: {sorted(modules - names)}"
        assert "bookkit/sphinxext/zh_terms.txt" in names
        assert not [n for n in names if n.startswith(("chapters/", "tests/", "data/"))]
    size = wheel.stat().st_size / 2**20
    assert size < WHEEL_LIMIT_MIB, f"{wheel.name} is {size:.1f} MiB"


# Finding a file from the working directory or by walking up: what a downloaded notebook cannot do.
_WALKS = re.compile(r"Path\.cwd\(|os\.getcwd\(|\.parents\b|\.parent\b|\"\.\.\"|'\.\.'|\.\./")


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_finds_files_from_the_working_directory(nb_path):
    for source in _code_cells(nb_path):
        assert not _WALKS.search(source), (
            f"{nb_path.name}: a cell looks for files around the working directory "
            f"({_WALKS.search(source).group(0)!r}); read them with bookkit.resources or "
            f"minidl.data instead:\n{source[:400]}")


@pytest.mark.parametrize("module", ["minidl/data.py", "bookkit/resources.py",
                                    "bookkit/bibliography.py"])
def test_the_lookups_do_not_search_the_working_directory(module):
    text = (ROOT / "lib" / module).read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = ast.unparse(ast.parse(code))  # docstrings may say what is *not* done
    assert not re.search(r"cwd\(|getcwd|\.parents\b", body), module


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_begins_with_how_to_run_it(nb_path):
    """The first cell of the .ipynb (and so of its paired .md) is bookkit.launch's, hidden on the
    site; after a change of _config.yml's repository: `python -m bookkit.launch`, then
    `jupytext --update --to ipynb chapters/NN-slug.md` for each chapter."""
    nb = nbformat.read(nb_path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.source == FIRST_CELL, (
        f"{nb_path.name}: the first cell is not the one bookkit.launch makes from _config.yml "
        f"({URL}@{BRANCH}); run `python -m bookkit.launch` and update the notebooks")
    assert first.metadata.get("tags") == ["remove-cell"]
    assert not first.get("outputs"), "in the book's environment the cell installs nothing"
    assert nb.cells[1].cell_type == "markdown" and nb.cells[1].source.startswith("# ")


def _module_names(nodes) -> set[str]:
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in {"minidl", "bookkit"}}


def _top_level(body):
    """The statements run on import: not those inside functions or classes."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from _top_level(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            yield from _top_level(node.body)


def _normal(name: str) -> str:
    return re.split(r"[<>=!\[ ;@]", name)[0].lower().replace("_", "-")


def test_the_notebooks_extra_covers_what_the_chapters_import():
    """What the first cell installs in Colab: the chapters' imports and those the library modules
    make on import (not bookkit.sphinxext: the site's build)."""
    modules = set()
    for nb_path in CHAPTERS:
        for source in _code_cells(nb_path):
            code = "\n".join(line for line in source.splitlines()
                             if not line.startswith(("%", "!")))
            modules |= _module_names(ast.walk(ast.parse(code)))
    for path in (ROOT / "lib").glob("*/*.py"):
        modules |= _module_names(_top_level(ast.parse(path.read_text(encoding="utf-8")).body))
    dists = packages_distributions()
    needed = {_normal(dists[m][0]) for m in modules}
    declared = {_normal(d) for d in PYPROJECT["project"]["dependencies"]
                + PYPROJECT["project"]["optional-dependencies"][launch.EXTRA]}
    assert needed <= declared, f"missing from [{launch.EXTRA}]: {sorted(needed - declared)}"


def test_readme_and_preface_say_what_the_first_cell_says():
    spec = launch.install_spec(URL, BRANCH)
    wheel = launch.wheel_name(VERSION)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    preface = (ROOT / "index.md").read_text(encoding="utf-8")
    for name, text in (("README.md", readme), ("index.md", preface)):
        assert f'pip install "{spec}"' in text, name
        assert f'pip install "{wheel}[{launch.EXTRA}]"' in text, name
        assert URL in text, name
        others = set(re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", text)) - {URL}
        assert not others, f"{name} names another repository than _config.yml's: {others}"


def test_binder_installs_the_pinned_versions_then_the_package():
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"^pip install --no-deps \.$", post_build.read_text("utf-8"), re.M)
    runtime = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    # runtime.txt names major.minor only (repo2docker installs that series' newest release);
    # requires-python may name a patch release of that series (>=3.11.5)
    python, requires = runtime.removeprefix("python-"), PYPROJECT["project"]["requires-python"]
    assert re.fullmatch(rf">={re.escape(python)}(\.\d+)?", requires), (runtime, requires)

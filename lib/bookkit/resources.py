"""Where the book's files are: the one lookup the chapters use to read a file of the book.

A chapter never walks up from its working directory to find the repository: a downloaded
notebook runs in any directory, with the book's package installed from a wheel or from the
repository (``pip install``), and there is no checkout around it.  The files the chapters read
ship with the package instead, as package data of ``bookkit`` (``bookkit/book/``; in the
repository each is a symbolic link to the one copy, which building a wheel copies in):

- ``article.txt``: ``article/article.txt`` in the repository (chapter 11, 勘误表);
- ``references.bib``: ``references.bib`` (chapters 7, 10, 11, through :mod:`.bibliography`);
- ``requirements.txt``: ``requirements.txt``, the complete lock (chapters 7 and 11);
- ``requirements.in``: ``requirements.in``, the packages the book needs directly, which
  ``make lock`` compiles into the lock;
- ``errata.toml``: ``data/errata.toml``, the errata records (chapter 11, through :mod:`.errata`);
- ``ch5_tuning.json``: ``benchmarks/results/ch5_tuning.json`` (chapter 5's recorded tuning runs);
- ``latest.json``: ``benchmarks/results/latest.json`` (``make bench``'s results; read by
  ``bookkit.bench.results.load_results()``).

MNIST is read by :mod:`minidl.data` (the subject library, which never imports ``bookkit``) from its
own package data; :func:`minidl.data.mnist_dir` documents that search.

The search order of :func:`path`:

1. ``$BOOKKIT_BOOK_DIR`` (:data:`ENV`), when set: a clone of the book's repository, whose files
   are read at their place in the repository (listed above);
2. the installed package's copy, ``bookkit/book/NAME`` (an editable install of a clone: that
   clone's files, through the links).

Nothing else is searched.  A missing file is a ``FileNotFoundError`` that says what to install or
set.
"""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = ["ENV", "FILES", "path", "read_json", "read_text"]

#: The environment variable naming a clone of the repository to read the files from instead.
ENV = "BOOKKIT_BOOK_DIR"

#: name -> where the file is in the repository (relative to its root).
FILES = {
    "article.txt": "article/article.txt",
    "references.bib": "references.bib",
    "requirements.txt": "requirements.txt",
    "requirements.in": "requirements.in",
    "errata.toml": "data/errata.toml",
    "ch5_tuning.json": "benchmarks/results/ch5_tuning.json",
    "latest.json": "benchmarks/results/latest.json",
}


def path(name: str) -> Path:
    """The file of the book called ``name`` (a key of :data:`FILES`), found as the module says.

    Raises
    ------
    TypeError
        if ``name`` is not a string.
    ValueError
        if ``name`` is not one of :data:`FILES`.
    FileNotFoundError
        if the file is not where the search order says, with what to install or set.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if name not in FILES:
        raise ValueError(f"the book has no file called {name!r}; known: {', '.join(FILES)}")
    root = os.environ.get(ENV)
    if root:
        found = Path(root, FILES[name])
        if not found.is_file():
            raise FileNotFoundError(
                f"{ENV}={root} is set but {FILES[name]} is not there: set it to a clone of the "
                f"book's repository, or unset it to read the installed package's copy")
        return found
    found = Path(str(files("bookkit").joinpath("book", name)))
    if not found.is_file():
        raise FileNotFoundError(
            f"{name} is missing from the installed package ({found.parent}): install the book's "
            f"package with its data (the wheel in the book's download menu, or `pip install` "
            f"the repository), or set {ENV} to a clone of the repository")
    return found


def read_text(name: str) -> str:
    """The text of the book's file ``name`` (UTF-8); see :func:`path`."""
    return path(name).read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    """The book's JSON file ``name`` parsed (``ch5_tuning.json``, ``latest.json``)."""
    return json.loads(read_text(name))

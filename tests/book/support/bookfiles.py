"""Where the book's files are: shared by the pairing, nbval and build tests."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[3]
CHAPTERS = ROOT / "chapters"
GLUE_MIME = "application/papermill.record/text/plain"


def toc_entries() -> list[str]:
    """Every ``file:`` of ``_toc.yml`` (root included), as written (no extension)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return found


def chapter_sources() -> list[Path]:
    """The jupytext MyST sources of the executed chapters, ``chapters/NN-slug.md``."""
    return sorted(CHAPTERS.glob("[0-9][0-9]-*.md"))


def plain_pages() -> list[Path]:
    """Pages with no code (notation, glossary, API reference): ``chapters/appendix-*.md``.

    Sphinx renders them directly; they have no .ipynb twin.
    """
    return sorted(CHAPTERS.glob("appendix-*.md"))


def chapter_notebooks() -> list[Path]:
    """The executed notebooks ``chapters/*.ipynb``."""
    return sorted(CHAPTERS.glob("*.ipynb"))


def build_book(out_dir: Path, root: Path = ROOT) -> subprocess.CompletedProcess:
    """Build the book at ``root`` strictly (-W -n --keep-going) into ``out_dir``."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(root), "--path-output", str(out_dir),
           "-W", "-n", "--keep-going"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def figure_records() -> dict[str, dict]:
    """sha256 of every PNG a chapter notebook displays or glues -> what is known of it.

    ``{"notebook": "NN-slug.ipynb", "min_text_pt": ..., "dpi": ...}``: the last two are the
    ``bookkit`` metadata that bookkit.figures records with each figure (absent in a notebook
    executed before it did).  The site and the PDF hold the same PNG bytes, so their image files
    are found here by their hash.
    """
    import base64
    import hashlib

    found = {}
    for nb_path in chapter_notebooks():
        for cell in nbformat.read(nb_path, as_version=4).cells:
            for out in cell.get("outputs", []):
                for mime, data in out.get("data", {}).items():
                    if mime.endswith("image/png"):
                        digest = hashlib.sha256(base64.b64decode(data)).hexdigest()
                        meta = out.get("metadata", {}).get("image/png", {}).get("bookkit", {})
                        found[digest] = {"notebook": nb_path.name, **meta}
    return found


def glue_records(nb_path) -> dict[str, object]:
    """Every glued value of an executed notebook: key -> Python value of its text/plain record."""
    nb = nbformat.read(nb_path, as_version=4)
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if GLUE_MIME in data:
                text = data[GLUE_MIME]
                try:
                    found[out["metadata"]["scrapbook"]["name"]] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    found[out["metadata"]["scrapbook"]["name"]] = text
    return found

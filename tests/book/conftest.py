"""Book-level fixtures: the book built once per test session from the committed outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.book.support.bookfiles import build_book


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The strict build of the book, in a temporary directory; yields its ``_build/html``.

    Fails (rather than skips) when the build emits any warning, so every test that needs the site
    also guards the strict build.
    """
    out = tmp_path_factory.mktemp("book")
    proc = build_book(out)
    if proc.returncode != 0:
        pytest.fail(
            "jupyter-book build -W -n --keep-going failed "
            f"(exit {proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
        )
    html = out / "_build" / "html"
    assert (html / "index.html").exists(), f"no index.html under {html}"
    return html

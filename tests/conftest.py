"""Shared fixtures: the book built once per test session from the committed outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/bookfiles.py
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bookfiles import ROOT  # noqa: E402


def build_book(out_dir: Path, root: Path = ROOT) -> subprocess.CompletedProcess:
    """Build the book at ``root`` strictly (-W -n --keep-going) into ``out_dir``."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(root), "--path-output", str(out_dir),
           "-W", "-n", "--keep-going"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


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

"""The book's wheel: the installable package (minidl, bookkit and their data) a reader downloads.

:func:`build` makes it from a clean copy of the repository (``pip wheel --no-deps
--no-build-isolation --no-index``: offline, with the setuptools already installed), so a
``build/`` or ``*.egg-info`` left by an earlier build cannot slip stale files into it.  Used by
``make wheel`` (the site offers the result in every chapter's download menu,
:mod:`bookkit.sphinxext.downloads`) and by ``make test-notebooks`` (``tests/plugins/standalone.py``
runs every chapter against it).  ``python -m bookkit.wheel OUT_DIR [ROOT]`` builds into ``OUT_DIR``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["build"]

_IGNORE = shutil.ignore_patterns(".git", ".venv", "_build", "build", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".hypothesis", ".ruff_cache",
                                 ".ipynb_checkpoints")


def build(root: str | Path, out_dir: str | Path) -> Path:
    """Build the wheel of the repository at ``root`` into ``out_dir`` (replacing an older
    ``minidl-*.whl`` there); returns its path."""
    root, out_dir = Path(root).resolve(), Path(out_dir).resolve()
    if not (root / "pyproject.toml").is_file():
        raise FileNotFoundError(f"no pyproject.toml in {root}: not the book's repository")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("minidl-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="book-wheel-") as tmp:
        source = Path(tmp, "source")
        shutil.copytree(root, source, symlinks=True, ignore=_IGNORE)
        env = dict(os.environ, PYTHONWARNINGS="ignore")  # setuptools: "[tool.setuptools] is beta"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--no-build-isolation", "--no-index", "--wheel-dir", str(out_dir),
                        str(source)], check=True, env=env)
    (wheel,) = out_dir.glob("minidl-*.whl")
    return wheel


if __name__ == "__main__":
    built = build(sys.argv[2] if len(sys.argv) > 2 else ".", sys.argv[1])
    print(f"Wrote {built} ({built.stat().st_size / 2**20:.1f} MiB)")

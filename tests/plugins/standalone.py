"""Run nbval on the chapters as a reader runs them: each notebook alone, with the book's wheel.

``make test-notebooks`` calls this script; nbval's comparison of every stored output with a fresh
execution is then also the check that each chapter runs outside the repository.  What it does:

1. builds the wheel of this checkout (:func:`bookkit.wheel.build`: offline, from a clean copy);
2. makes an empty temporary directory with a bare virtual environment that sees the installed
   packages of ``.venv`` (one ``.pth`` line naming its site-packages, so the ``.pth`` files in it,
   among them the editable install of a checkout's ``lib/``, are *not* processed) and installs the
   wheel into it (``pip install --no-deps --target``, not editable);
3. copies each notebook alone into its own empty directory there, checks that ``minidl`` and
   ``bookkit`` import from the wheel and that no directory of the checkout is on ``sys.path``;
4. runs pytest with nbval (strict, with ``tests/plugins``' plugin and sanitizer, copied) in that
   environment, the chapters' directories as the kernels' working directories.  No network is
   used (``--no-index``); environment variables pass through (``OPENBLAS_CORETYPE``...), except
   ``PYTHONPATH`` (replaced), ``MINIDL_MNIST_DIR`` and ``BOOKKIT_BOOK_DIR`` (removed).

Usage: ``python tests/plugins/standalone.py [--keep] NOTEBOOK... [-- PYTEST_ARGS...]``; the exit
status is pytest's.  ``--keep`` keeps the temporary directory (printed) for inspection.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = Path(__file__).resolve().parent
# This checkout's bookkit.wheel, even where .venv's editable install points at another checkout
# (a git worktree): this script's own process only, never the notebooks'.
sys.path.insert(0, str(ROOT / "lib"))  # noqa: TID251

from bookkit.wheel import build as build_wheel  # noqa: E402

CHECK = """
import sys
from pathlib import Path
import bookkit, minidl
from bookkit import resources
from minidl.data import mnist_dir
site, root = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
for module in (minidl, bookkit):
    assert site in Path(module.__file__).resolve().parents, (module.__name__, module.__file__)
for name in resources.FILES:
    assert site in resources.path(name).resolve().parents, name
assert site in mnist_dir().resolve().parents, mnist_dir()
reachable = [p for p in sys.path if p and (Path(p).resolve() == root
                                           or root in Path(p).resolve().parents)
             and not Path(p).resolve().is_relative_to(root / ".venv")]
assert not reachable, f"the checkout is on sys.path: {reachable}"
others = [p for p in sys.path if p and Path(p).resolve() != site
          and any((Path(p) / pkg).exists() for pkg in ("minidl", "bookkit"))]
assert not others, f"another copy of the book's package is on sys.path: {others}"
"""


def make_environment(tmp: Path, wheel: Path) -> Path:
    """A venv in ``tmp/venv`` seeing .venv's packages and the installed wheel; its python."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True)
    shared = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    # A plain path line: .venv's site-packages joins sys.path after the wheel's, and its own .pth
    # files (the editable install of some checkout's lib/) are not processed.
    (site / "zz_book_venv.pth").write_text(
        "".join(f"{Path(p).resolve()}\n" for p in sorted(shared)), encoding="utf-8")
    return python


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    argv = [a for a in argv if a != "--keep"]
    if "--" in argv:
        i = argv.index("--")
        notebooks, extra = argv[:i], argv[i + 1:]
    else:
        notebooks, extra = argv, []
    if not notebooks:
        print(__doc__)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="book-standalone-"))
    try:
        wheel = build_wheel(ROOT, tmp / "wheel")
        python = make_environment(tmp, wheel)
        print(f"standalone: {wheel.name} ({wheel.stat().st_size / 2**20:.1f} MiB) installed in "
              f"{tmp}; {len(notebooks)} notebook(s), each alone in an empty directory")
        plugins = tmp / "plugins"
        plugins.mkdir()
        for name in ("nbval_plugin.py", "nbval_sanitize.cfg"):
            shutil.copy(PLUGINS / name, plugins / name)
        copies = []
        for nb in notebooks:
            source = (ROOT / nb) if not Path(nb).is_absolute() else Path(nb)
            target = tmp / "chapters" / source.stem / source.name
            target.parent.mkdir(parents=True)
            shutil.copy(source, target)
            copies.append(str(target))
        # a reader has none of these: PYTHONPATH (a checkout's lib/), the lookups' overrides
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "MINIDL_MNIST_DIR", "BOOKKIT_BOOK_DIR")}
        env["PYTHONPATH"] = str(plugins)
        site = next((tmp / "venv" / "lib").glob("python*/site-packages"))
        if subprocess.run([str(python), "-c", CHECK, str(site), str(ROOT)],
                          cwd=tmp / "chapters", env=env).returncode:
            print("standalone: the installed wheel is not what the chapters would import "
                  "(see the assertion above)", file=sys.stderr)
            return 1
        cmd = [str(python), "-m", "pytest", "-q", "-p", "nbval_plugin", "--nbval",
               "--nbval-current-env", "--nbval-sanitize-with", str(plugins / "nbval_sanitize.cfg"),
               "--nbval-cell-timeout", "900", "-p", "no:cacheprovider", "--rootdir", str(tmp),
               "-o", "testpaths=", "-o", "addopts=", *extra, *copies]
        return subprocess.run(cmd, cwd=tmp, env=env).returncode
    finally:
        if keep:
            print(f"standalone: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""How a chapter tells its reader to run it: the first cell of every chapter, made from _config.yml.

A notebook downloaded from the site, opened in Colab or in Binder, needs the book's package
(``minidl``, with ``bookkit``, MNIST and the files of :mod:`bookkit.resources`) and the libraries
the chapters import.  Every chapter therefore begins with one code cell (tagged ``remove-cell``:
the site does not show it; a downloaded notebook does) that says what to install and installs the
package from the book's repository when it is missing.  The repository is written in one place,
``repository.url`` and ``repository.branch`` of ``_config.yml``; :func:`first_cell` makes the
cell's text from them and ``python -m bookkit.launch`` writes it into every ``chapters/NN-*.md``
(then ``jupytext --update`` carries it into the paired ``.ipynb``; the cell has no output).
``tests/book/test_standalone.py`` checks that every chapter's first cell is this text.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

__all__ = ["EXTRA", "MARKER", "first_cell", "install_spec", "package_version", "repository",
           "wheel_name", "with_first_cell", "write_first_cells"]

#: The optional dependencies (pyproject.toml) that hold what the chapters import besides minidl.
EXTRA = "notebooks"

#: The first line of the cell: how :func:`write_first_cells` recognises it.
MARKER = "# 运行本章需要本书的 Python 包 minidl"


def repository(config: str | Path) -> tuple[str, str]:
    """``(url, branch)`` of ``repository:`` in the book's ``_config.yml`` at ``config``."""
    import yaml  # only here: the installed package does not need PyYAML

    data = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    repo = data.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch") or "main"
    if not isinstance(url, str) or not re.fullmatch(r"https://[^\s@]+", url):
        raise ValueError(f"{config}: repository.url must be an https URL, got {url!r}")
    return url.rstrip("/"), str(branch)


def install_spec(url: str, branch: str) -> str:
    """What pip installs: the package with the chapters' libraries, from the repository."""
    return f"minidl[{EXTRA}] @ git+{url}@{branch}"


def wheel_name(version: str) -> str:
    """The file name of the book's wheel (pure Python) for the package ``version``."""
    return f"minidl-{version}-py3-none-any.whl"


def package_version(pyproject: str | Path) -> str:
    """``project.version`` of ``pyproject.toml`` at ``pyproject``."""
    import tomllib

    with open(pyproject, "rb") as f:
        return tomllib.load(f)["project"]["version"]


def first_cell(url: str, branch: str, version: str) -> str:
    """The source of every chapter's first cell (comments in Chinese: the reader sees them)."""
    spec = install_spec(url, branch)
    return f'''{MARKER}（含 bookkit、MNIST 数据和本书读取的文件）
# 以及 TensorFlow、Keras 等库。在 Colab 或别的环境中，下面几行在缺少它时从本书的仓库安装：
#     pip install "{spec}"
# 也可以下载网页下载菜单中的 wheel 文件，再执行 pip install "{wheel_name(version)}[{EXTRA}]"。
# 版本与本书完全相同的环境：克隆仓库（{url}），执行 make lab。
# 在其他版本的库下，印出的数字可能在最后几位略有不同。
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("bookkit") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "{spec}"], check=True)'''


def _cell_block(source: str) -> str:
    return f"```{{code-cell}} ipython3\n:tags: [remove-cell]\n\n{source}\n```\n\n"


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n\n?", re.S)
_EXISTING = re.compile(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n\n"
                       + re.escape(MARKER) + r".*?\n```\n\n", re.S)


def with_first_cell(text: str, source: str) -> str:
    """The MyST notebook ``text`` with ``source`` as its first cell (replacing an older one)."""
    front = _FRONT_MATTER.match(text)
    if front is None:
        raise ValueError("not a MyST notebook: no front matter (--- ... ---) at the top")
    body = text[front.end():]
    old = _EXISTING.match(body)
    if old is not None:
        body = body[old.end():]
    return text[:front.end()] + _cell_block(source) + body


def write_first_cells(root: str | Path) -> list[Path]:
    """Write the first cell into every ``chapters/NN-*.md`` under ``root``; the files changed."""
    root = Path(root)
    source = first_cell(*repository(root / "_config.yml"), package_version(root / "pyproject.toml"))
    changed = []
    for md in sorted((root / "chapters").glob("[0-9][0-9]-*.md")):
        text = md.read_text(encoding="utf-8")
        new = with_first_cell(text, source)
        if new != text:
            md.write_text(new, encoding="utf-8")
            changed.append(md)
    return changed


if __name__ == "__main__":  # python -m bookkit.launch [ROOT]
    for path in write_first_cells(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(f"wrote the first cell of {path}")

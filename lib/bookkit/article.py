"""The article the book rewrites, 《大模型重塑创业黄金时代》, and its three versions.

``article/article.txt`` (shipped as book data, read through :mod:`.resources`) holds three
generated versions of the article one after the other; ``article/README.md`` describes them.  Where
each begins is defined here, once, by the line that opens it (:data:`VERSION_MARKERS`); chapter
11 (勘误表) compares the versions and the tests split the file with :func:`versions` too.
"""

from __future__ import annotations

from .resources import read_text

__all__ = ["VERSION_MARKERS", "text", "version_starts", "versions"]

#: How the line that opens each version begins: 第一版 at the top of the file, 第二版 with the
#: generator's note (``## 文章标题`` follows on the same line), 第三版 with the title as a
#: level-3 heading.
VERSION_MARKERS = (None, "以上是按照要求撰写的完整文章", "### 大模型重塑创业黄金时代")


def text() -> str:
    """The whole article as given (``article/article.txt``), all three versions."""
    return read_text("article.txt")


def version_starts(article: str | None = None) -> tuple[int, ...]:
    """The 1-based line number where each version begins: ``(1, …, …)``, one per version.

    ``article``: the text to split (default: :func:`text`).  Raises ``ValueError`` unless each
    marker opens exactly one line, in order.
    """
    lines = (text() if article is None else article).splitlines()
    starts = []
    for marker in VERSION_MARKERS:
        if marker is None:
            starts.append(1)
            continue
        found = [i + 1 for i, line in enumerate(lines) if line.startswith(marker)]
        if len(found) != 1:
            raise ValueError(f"{len(found)} lines of the article begin with {marker!r}; "
                             "expected exactly one")
        starts.append(found[0])
    if starts != sorted(set(starts)):
        raise ValueError(f"the versions' first lines are out of order: {starts}")
    return tuple(starts)


def versions(article: str | None = None) -> list[str]:
    """The versions, 第一版 to 第三版, each the text of its lines (line endings kept).

    Joined together they give the article back unchanged.
    """
    article = text() if article is None else article
    lines = article.splitlines(keepends=True)
    bounds = [s - 1 for s in version_starts(article)] + [len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]

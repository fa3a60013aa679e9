"""Join source lines inside Chinese text.

Markdown keeps a line break inside a paragraph as a "soft" break, and browsers draw it as a space:
a chapter whose source wraps after 反向传播、 shows 反向传播、 均方误差 on the page.  The break also
splits words for the search index: jieba never sees 反向传播 when the source wrapped it as
反向 / 传播.  Chinese text has no spaces between words, so a line break between two Chinese
characters (or full-width punctuation) is removed; a break next to Latin text stays a space
(中文 Keras 中文).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

#: Han, kana, CJK symbols and punctuation, full-width forms, and the quotes, dash and ellipsis that
#: Chinese text uses (“”‘’—…).
CJK = ("[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
       "\ufe30-\ufe4f\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019]")
_CJK_CHAR = re.compile(CJK)
_BREAK = re.compile(rf"(?<={CJK})[ \t]*\n[ \t]*(?={CJK})")

#: Text under these nodes is code or markup, never prose.
_VERBATIM = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw,
             nodes.comment, nodes.doctest_block)


def join_cjk_lines(text: str) -> str:
    """Remove each line break (and the blanks around it) that has Chinese on both sides.

    ``join_cjk_lines("反向传播、\\n均方误差")`` is ``"反向传播、均方误差"``;
    ``join_cjk_lines("用\\nKeras")`` is unchanged.
    """
    return _BREAK.sub("", text)


def _is_cjk(char: str) -> bool:
    return bool(char) and _CJK_CHAR.fullmatch(char) is not None


def _block(node: nodes.Node) -> nodes.Node | None:
    """The nearest ancestor that is not inline markup (the paragraph, title, caption ...)."""
    parent = node.parent
    while parent is not None and isinstance(parent, nodes.Inline):
        parent = parent.parent
    return parent


def _verbatim(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _VERBATIM):
            return True
        parent = parent.parent
    return False


class JoinCjkLineBreaks(SphinxTransform):
    """Apply :func:`join_cjk_lines` to the prose of every document, also across inline markup
    (``重写\\n**可执行**``)."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        texts = [t for t in self.document.findall(nodes.Text) if not _verbatim(t)]
        originals = [str(t) for t in texts]
        blocks = [_block(t) for t in texts]
        for i, node in enumerate(texts):
            before = originals[i - 1] if i > 0 and blocks[i - 1] is blocks[i] else ""
            after = (originals[i + 1]
                     if i + 1 < len(texts) and blocks[i + 1] is blocks[i] else "")
            new = _join_at_edges(join_cjk_lines(originals[i]), before, after)
            if new != originals[i]:
                node.parent.replace(node, nodes.Text(new))


def _join_at_edges(text: str, before: str, after: str) -> str:
    """Drop a line break at the start or end of ``text`` that has Chinese on both sides, where
    the other side is the neighbouring text node (``before`` / ``after``) of the same block."""
    body = text.strip(" \t\n")
    head, tail = text[:len(text) - len(text.lstrip(" \t\n"))], text[len(text.rstrip(" \t\n")):]
    if not body:  # only blanks between two inline nodes: 中文**粗体**\n**粗体**中文
        return "" if "\n" in text and _is_cjk(before[-1:]) and _is_cjk(after[:1]) else text
    if "\n" in tail and _is_cjk(body[-1]) and _is_cjk(after[:1]):
        tail = ""
    if "\n" in head and _is_cjk(body[0]) and _is_cjk(before[-1:]):
        head = ""
    return head + body + tail

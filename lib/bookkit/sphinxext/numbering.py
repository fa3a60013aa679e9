"""Appendix figures and tables numbered B.1, B.2, ... on the site, as in the PDF.

Sphinx numbers figures per chapter from the toctree's section numbers.  The appendices sit in a
toctree part that is not numbered (``_toc.yml``: caption 附录), so on the site a figure of the
second appendix was numbered "图 1", while LaTeX (``\\appendix``) letters the chapters A, B, ...
Here every figure, table and code-block number of the N-th page of that part becomes
(letter, n): "图 B.1" on the site, the number the PDF prints (``bookzh.sty`` makes the PDF's
appendix figures use the chapter letter too).
"""

from __future__ import annotations

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

__all__ = ["appendix_letters", "letter_appendix_numbers", "setup_numbering"]


def appendix_letters(env: BuildEnvironment, caption: str) -> dict[str, str]:
    """Docname -> its appendix letter (A, B, ...), for the pages of the toctree ``caption``."""
    root = env.config.root_doc
    if root not in env.found_docs:
        return {}
    tree = env.get_doctree(root)
    docs = [doc for toc in tree.findall(addnodes.toctree) if toc.get("caption") == caption
            for doc in toc.get("includefiles", [])]
    return {doc: chr(ord("A") + k) for k, doc in enumerate(docs)}


def letter_appendix_numbers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Give the appendix pages' figures (and tables, code blocks) numbers (letter, n)."""
    letters = appendix_letters(env, app.config.bookkit_latex_appendix_caption)
    for doc, letter in letters.items():
        for numbers in env.toc_fignumbers.get(doc, {}).values():
            for target, number in list(numbers.items()):
                if number and number[0] != letter:
                    numbers[target] = (letter, number[-1])
    return []


def setup_numbering(app: Sphinx) -> None:
    # after Sphinx's TocTreeCollector has assigned the numbers (priority 500)
    app.connect("env-get-updated", letter_appendix_numbers, priority=900)

"""The book's Sphinx extension: what the published site and the PDF add for their readers.

Enabled in ``_config.yml`` (``sphinx: extra_extensions: [bookkit.sphinxext]``).  It lives in the
installed ``bookkit`` package rather than beside the book so that every build imports the same code:
``make book``, the test suite's build into a temporary directory, and builds of temporary copies of
the book.  Nothing in ``minidl`` imports it; it needs Sphinx, the library does not.

One module per concern; :func:`setup` wires them up:

* :mod:`.search`: Chinese search (the book's dictionary for jieba, the same segmentation for the
  query in the browser, ranking by term counts);
* :mod:`.downloads`: the download menu (the chapter's ``.ipynb`` and ``.md``, the book's PDF and
  wheel);
* :mod:`.outputs`: long code-cell outputs collapsed behind a toggle, toggles labelled in Chinese;
* :mod:`.cjk`: a source line break between two Chinese characters is removed;
* :mod:`.numbering`: figures and tables of an appendix are numbered with its letter;
* :mod:`.latex` (with :mod:`.latex_geometry` and :mod:`.latex_tables`): the LaTeX builder set up
  for a Chinese book (``make pdf``);
* :mod:`.assets`: ``bookkit.css`` on every page, duplicate inline scripts dropped;
* :mod:`.config`: the ``bookkit_*`` config values' old ``minidl_*`` names, deprecated.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from bookkit.sphinxext.assets import setup_assets
from bookkit.sphinxext.cjk import JoinCjkLineBreaks
from bookkit.sphinxext.downloads import setup_downloads
from bookkit.sphinxext.latex import setup_latex
from bookkit.sphinxext.numbering import setup_numbering
from bookkit.sphinxext.outputs import setup_outputs
from bookkit.sphinxext.search import setup_search

__all__ = ["setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    setup_assets(app)
    setup_search(app)
    app.add_transform(JoinCjkLineBreaks)
    setup_downloads(app)
    setup_outputs(app)
    setup_latex(app)
    setup_numbering(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 3}

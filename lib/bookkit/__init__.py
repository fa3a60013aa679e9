"""bookkit — the book's machinery, not its subject.

What only the book needs lives here: the Sphinx extension (Chinese search, downloads, collapsed
outputs, CJK line joining), the bibliography reader, tables and number formatting for pages, and
the benchmark harness (timers, interleaving, machine information).

Imports go one way: ``bookkit`` may import ``minidl``; ``minidl`` never imports ``bookkit`` (an
import-linter contract in ``pyproject.toml``, checked by ``make lint``).  Touching ``minidl`` means
re-executing the chapters (``make execute``); touching ``bookkit`` means rebuilding the site
(``make book``) and, for the benchmark harness, re-running ``make bench``.
"""

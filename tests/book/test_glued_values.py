"""Every glued number of the computed chapters is recomputed independently and compared.

nbval proves that re-executing a chapter reproduces its stored outputs; it cannot see a wrong
formula in a chapter, or the wrong variable glued, once that mistake has been re-executed and
committed.  These tests can: for each chapter in ``REQUIRED`` (and any other chapter that has a
module here), ``tests/book/support/independent/chNN.py`` recomputes every value the chapter
glues from first principles -- NumPy, sympy, Keras, exact ``fractions`` -- never through the
chapter's own code path, and the value stored in the executed notebook must equal it.

A module ``tests/book/support/independent/chNN.py`` defines

- ``NOTEBOOK = "NN-slug"`` (the chapter), and
- ``expected() -> dict[str, object]``: glued name -> either the independent value (int and str
  compared exactly; float compared to 1e-9 relative, 1e-12 absolute; sequences element-wise) or a
  callable ``check(stored, glued)`` that asserts, for values that vary by CPU (training results:
  their stated bounds, and agreement with the other glued values passed in ``glued``).

Coverage is enforced: a glued name without an entry fails ``test_every_glued_name_is_checked``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.book.support import independent
from tests.book.support.bookfiles import CHAPTERS, glue_records

HERE = Path(independent.__file__).parent
# The chapters whose numbers are computed rather than cited: each must have a module.
REQUIRED: tuple[str, ...] = ("01-background", "02-concepts", "03-algorithms", "04-math",
                              "05-lstm-mnist", "06-applications", "07-tools", "08-trends",
                              "09-faq", "10-references", "11-errata", "12-performance")


def _load(path: Path):
    return importlib.import_module(f"{independent.__name__}.{path.stem}")


MODULES = {m.NOTEBOOK: m for m in (_load(p) for p in sorted(HERE.glob("ch*.py")))}


def test_every_required_chapter_has_independent_checks():
    missing = [nb for nb in REQUIRED if nb not in MODULES]
    assert not missing, f"no tests/book/support/independent module for {missing}"


@pytest.fixture(scope="module", params=sorted(MODULES))
def chapter(request):
    module = MODULES[request.param]
    nb = CHAPTERS / f"{module.NOTEBOOK}.ipynb"
    assert nb.exists(), f"{nb} is missing"
    return module.NOTEBOOK, glue_records(nb), module.expected()


def test_every_glued_name_is_checked(chapter):
    name, glued, expected = chapter
    # Exercise answers (names starting with ex_) are checked, and their coverage enforced, by
    # tests/book/test_exercises_narrative.py.
    unchecked = sorted(k for k in set(glued) - set(expected) if not k.startswith("ex_"))
    assert not unchecked, (f"{name}: glued values with no independent check: {unchecked} -- add "
                           f"them to tests/book/support/independent/")
    stale = sorted(set(expected) - set(glued))
    assert not stale, f"{name}: checks for names the chapter no longer glues: {stale}"


def _same(stored, want, path="value"):
    if isinstance(want, bool) or isinstance(stored, bool):
        assert stored is want or stored == want, f"{path}: stored {stored!r}, expected {want!r}"
    elif isinstance(want, int) and isinstance(stored, int):
        assert stored == want, f"{path}: stored {stored}, expected {want}"
    elif isinstance(want, (int, float, np.floating, np.integer)):
        assert isinstance(stored, (int, float)), f"{path}: stored {stored!r} is not a number"
        assert math.isclose(stored, float(want), rel_tol=1e-9, abs_tol=1e-12), (
            f"{path}: stored {stored!r}, independent {float(want)!r}")
    elif isinstance(want, str):
        assert stored == want, f"{path}: stored {stored!r}, expected {want!r}"
    else:
        want = list(np.asarray(want, dtype=object).ravel()) if isinstance(want, np.ndarray) \
            else list(want)
        stored = list(np.asarray(stored, dtype=object).ravel()) if isinstance(stored, np.ndarray) \
            else list(stored)
        assert len(stored) == len(want), f"{path}: {len(stored)} elements, expected {len(want)}"
        for i, (s, w) in enumerate(zip(stored, want, strict=True)):
            _same(s, w, f"{path}[{i}]")


def test_glued_values_equal_their_independent_recomputation(chapter):
    name, glued, expected = chapter
    failures = []
    for key in sorted(set(glued) & set(expected)):
        want = expected[key]
        try:
            if isinstance(want, Callable):
                want(glued[key], glued)
            else:
                _same(glued[key], want, key)
        except AssertionError as exc:
            failures.append(f"{key}: {exc}")
    assert not failures, f"{name}:\n" + "\n".join(failures)

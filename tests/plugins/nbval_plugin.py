"""pytest plugin: what nbval compares, beyond its defaults.

Loaded by ``make test-notebooks`` with ``-p nbval_plugin`` (tests/plugins/ is on PYTHONPATH).

* stderr is not compared.  nbval (0.11) compares stderr streams like stdout; TensorFlow and its
  libraries print platform-dependent notices there (CPU features, oneDNN, absl) that a reader does
  not need and that differ between machines.  We drop ``stream/stderr`` outputs from both sides.
* Glued figures are not compared byte for byte.  nbval already skips ``image/png``, but a figure
  glued with ``myst_nb.glue`` is stored under ``application/papermill.record/image/png``; we skip
  that key too.  That a glued figure really renders is checked on the built site instead
  (tests/book/test_site.py: every image on every page has loaded).
* Glued numbers are compared to 10 significant digits.  A glue record stores the full ``repr`` of
  a float (``0.059573966441156874``); its last digits are float rounding that another CPU's BLAS
  kernels change (``...685`` under OpenBLAS's SkylakeX kernels).  The prose shows at most a few
  digits, and tests/book/test_glued_values.py checks every glued value against an independent
  recomputation to 1e-9 relative, so nbval compares the records rounded to 10 digits.
"""

from __future__ import annotations

import ast
import copy

from nbval.plugin import IPyNbCell

_compare = IPyNbCell.compare_outputs
_GLUED_IMAGES = ("application/papermill.record/image/png",
                 "application/papermill.record/image/jpeg",
                 # vector figures (bookkit.diagrams.vector_figures): SVG for the site, PDF for
                 # the PDF book
                 "application/papermill.record/image/svg+xml",
                 "application/papermill.record/application/pdf")


def _without_stderr(outputs):
    return [o for o in outputs
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


_GLUED_TEXT = "application/papermill.record/text/plain"
_DIGITS = 10


def _rounded(value):
    if isinstance(value, float):
        return float(f"{value:.{_DIGITS}g}")
    if isinstance(value, (list, tuple)):
        return type(value)(_rounded(v) for v in value)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _glued_numbers_rounded(outputs):
    """Outputs with every glued number's text/plain record rounded to ``_DIGITS`` digits."""
    result = []
    for out in outputs:
        text = out.get("data", {}).get(_GLUED_TEXT) if isinstance(out, dict) else None
        if isinstance(text, str):
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                value = None
            if isinstance(value, (float, list, tuple, dict)):
                out = copy.deepcopy(out)
                out["data"][_GLUED_TEXT] = repr(_rounded(value))
        result.append(out)
    return result


def compare_outputs(self, test, ref, skip_compare=None):
    skip = tuple(skip_compare or self.parent.skip_compare) + _GLUED_IMAGES
    test = _glued_numbers_rounded(_without_stderr(test))
    ref = _glued_numbers_rounded(_without_stderr(ref))
    return _compare(self, test, ref, skip)


IPyNbCell.compare_outputs = compare_outputs

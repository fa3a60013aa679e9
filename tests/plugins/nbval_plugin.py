"""pytest plugin: what nbval compares, beyond its defaults.

Loaded by ``make test-notebooks`` with ``-p nbval_plugin`` (tests/plugins/ is on PYTHONPATH).

* stderr is not compared.  nbval (0.11) compares stderr streams like stdout; TensorFlow and its
  libraries print platform-dependent notices there (CPU features, oneDNN, absl) that a reader does
  not need and that differ between machines.  We drop ``stream/stderr`` outputs from both sides.
* Glued figures are not compared byte for byte.  nbval already skips ``image/png``, but a figure
  glued with ``myst_nb.glue`` is stored under ``application/papermill.record/image/png``; we skip
  that key too.  That a glued figure really renders is checked on the built site instead
  (tests/book/test_site.py: every image on every page has loaded).
"""

from __future__ import annotations

from nbval.plugin import IPyNbCell

_compare = IPyNbCell.compare_outputs
_GLUED_IMAGES = ("application/papermill.record/image/png",
                 "application/papermill.record/image/jpeg")


def _without_stderr(outputs):
    return [o for o in outputs
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def compare_outputs(self, test, ref, skip_compare=None):
    skip = tuple(skip_compare or self.parent.skip_compare) + _GLUED_IMAGES
    return _compare(self, _without_stderr(test), _without_stderr(ref), skip)


IPyNbCell.compare_outputs = compare_outputs

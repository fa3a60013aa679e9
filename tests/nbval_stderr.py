"""pytest plugin: nbval compares everything a cell shows the reader except stderr.

nbval (0.11) compares stderr streams like stdout.  TensorFlow and its libraries print
platform-dependent notices there (CPU features, oneDNN, absl) that a reader does not need and that
differ between machines, so we drop ``stream/stderr`` outputs from both sides before nbval
compares.  Loaded by ``make test`` with ``-p nbval_stderr`` (tests/ is on PYTHONPATH).
"""

from __future__ import annotations

from nbval.plugin import IPyNbCell

_compare = IPyNbCell.compare_outputs


def _without_stderr(outputs):
    return [o for o in outputs
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def compare_outputs(self, test, ref, skip_compare=None):
    return _compare(self, _without_stderr(test), _without_stderr(ref), skip_compare)


IPyNbCell.compare_outputs = compare_outputs

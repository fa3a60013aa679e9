"""Settings shared by every test: TensorFlow quiet before anything imports it; hypothesis
derandomized, so that a property test draws the same examples in every run (a fresh clone or CI
must not fail on an example no earlier run tried; widen the search locally with
``--hypothesis-seed=N`` or ``--hypothesis-profile=explore``)."""

from __future__ import annotations

import os

from hypothesis import settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

settings.register_profile("book", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("book")

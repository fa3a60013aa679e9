"""The one seeding helper of the book.

Every chapter and every test that uses randomness calls :func:`set_seed` once, so that a rerun
reproduces the committed notebook outputs that nbval compares against.  It seeds Python's
``random``, NumPy's legacy global generator, and — when TensorFlow/Keras is importable — Keras
(``keras.utils.set_random_seed``) and TensorFlow's op determinism.

It does not touch ``PYTHONHASHSEED``: the hash seed is read once when the interpreter starts, so
setting it inside a running process changes nothing.  The Makefile exports ``PYTHONHASHSEED=0``
for the kernels that execute the chapters; code whose result must not depend on it (set
iteration order, ``hash()``) should not rely on it at all.

Library code itself never draws from a global generator: functions that need randomness take an
explicit ``numpy.random.Generator``; :func:`set_seed` returns one for the caller's convenience.
"""

from __future__ import annotations

import os
import random

import numpy as np

from minidl.validation import check_int

__all__ = ["set_seed"]


def set_seed(seed: int = 0, *, tensorflow: bool | None = None) -> np.random.Generator:
    """Seed Python, NumPy and (optionally) TensorFlow/Keras; return ``np.random.default_rng(seed)``.

    Parameters
    ----------
    seed:
        A non-negative integer.
    tensorflow:
        ``True`` seeds Keras/TensorFlow and turns on deterministic TF ops (importing TensorFlow if
        needed); ``False`` leaves TensorFlow alone; ``None`` (default) seeds it only if it has
        already been imported, so NumPy-only chapters do not pay TensorFlow's import time.

    Returns
    -------
    numpy.random.Generator
        A fresh generator seeded with ``seed``, for code that takes an explicit ``rng``.
    """
    seed = check_int(seed, "seed", min_value=0)
    random.seed(seed)
    np.random.seed(seed)
    import sys

    if tensorflow is None:
        tensorflow = "tensorflow" in sys.modules or "keras" in sys.modules
    if tensorflow:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        try:
            tf.config.experimental.enable_op_determinism()
        except AttributeError:  # very old TF: best effort
            pass
    return np.random.default_rng(seed)

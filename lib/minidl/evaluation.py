"""Evaluating a model honestly: a train/validation/test split and an inference-latency timer.

Chapter 3 uses these for the article's 模型训练 steps (split once; choose hyperparameters on the
validation set only; touch the test set once, at the end) and 模型部署 steps (single-sample versus
batched latency on this CPU).

Arrays are batch-first: ``x: (N, ...)``, ``y: (N, ...)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

__all__ = ["train_val_test_split", "median_latency"]


def train_val_test_split(x, y, *, val_size: float, test_size: float, rng: np.random.Generator):
    """Shuffle ``(x, y)`` once with ``rng`` and cut it into train, validation and test parts.

    Parameters
    ----------
    x: (N, ...) inputs.
    y: (N, ...) targets, same first dimension as ``x``.
    val_size, test_size: fractions of N in (0, 1) with ``val_size + test_size < 1``; each part
        gets ``round(fraction * N)`` samples (at least one), the training part the rest.
    rng: the ``numpy.random.Generator`` that draws the permutation (no global state).

    Returns
    -------
    (x_train, y_train, x_val, y_val, x_test, y_test): disjoint parts whose union is the input.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim == 0 or y.ndim == 0 or x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x and y need the same first (batch) dimension, got x: {x.shape} and y: {y.shape}"
        )
    for name, frac in (("val_size", val_size), ("test_size", test_size)):
        if not (0 < frac < 1):
            raise ValueError(f"{name} must be a fraction in (0, 1), got {frac!r}")
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must be < 1 to leave training data, got "
            f"{val_size!r} + {test_size!r}"
        )
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    n = x.shape[0]
    n_val = max(1, round(val_size * n))
    n_test = max(1, round(test_size * n))
    if n_val + n_test >= n:
        raise ValueError(
            f"{n} samples are too few for {n_val} validation and {n_test} test samples plus "
            "at least one training sample"
        )
    order = rng.permutation(n)
    test_idx = order[:n_test]
    val_idx = order[n_test:n_test + n_val]
    train_idx = order[n_test + n_val:]
    return x[train_idx], y[train_idx], x[val_idx], y[val_idx], x[test_idx], y[test_idx]


def median_latency(fn: Callable, *args, number: int = 10, repeat: int = 5,
                   warmup: int = 1) -> float:
    """Median wall-clock seconds of one call ``fn(*args)``.

    Calls ``fn`` ``warmup`` times untimed (tracing, caches), then times ``repeat`` rounds of
    ``number`` calls each with ``time.perf_counter`` and returns the median over rounds of the
    mean time per call.  The median resists the odd slow round on a shared machine.
    """
    for name, value, low in (("number", number, 1), ("repeat", repeat, 1), ("warmup", warmup, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    for _ in range(warmup):
        fn(*args)
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        rounds.append((time.perf_counter() - start) / number)
    return float(np.median(rounds))

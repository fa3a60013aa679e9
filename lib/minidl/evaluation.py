"""Evaluating a model honestly: one train/validation/test split.

For the article's 模型训练 steps: split once; fit standardisation statistics and weights on the
training part; choose hyperparameters on the validation part only; touch the test part once, at
the end.

Arrays are batch-first: ``x: (N, ...)``, ``y: (N, ...)``.
"""

from __future__ import annotations

import numpy as np

from minidl.validation import check_real, check_rng

__all__ = ["train_val_test_split"]


def train_val_test_split(x, y, *, val_size: float, test_size: float, rng: np.random.Generator):
    """Shuffle ``(x, y)`` once with ``rng`` and cut it into train, validation and test parts.

    Parameters
    ----------
    x
        (N, ...) inputs.
    y
        (N, ...) targets, same first dimension as ``x``.
    val_size, test_size
        fractions of N in (0, 1) with ``val_size + test_size < 1``; each part
        gets ``round(fraction * N)`` samples (at least one), the training part the rest.
    rng
        the ``numpy.random.Generator`` that draws the permutation (no global state).

    Returns
    -------
    tuple
        ``(x_train, y_train, x_val, y_val, x_test, y_test)``, disjoint parts whose union is the
        input.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim == 0 or y.ndim == 0 or x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x and y need the same first (batch) dimension, got x: {x.shape} and y: {y.shape}"
        )
    val_size = check_real(val_size, "val_size", min_value=0.0, max_value=1.0, min_open=True,
                          max_open=True)
    test_size = check_real(test_size, "test_size", min_value=0.0, max_value=1.0, min_open=True,
                           max_open=True)
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must be < 1 to leave training data, got "
            f"{val_size!r} + {test_size!r}"
        )
    check_rng(rng)
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

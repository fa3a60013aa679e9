"""Evaluating a model honestly: one train/validation/test split, accuracy and the confusion matrix.

For the article's 模型训练 steps: split once; fit standardisation statistics and weights on the
training part; choose hyperparameters on the validation part only; touch the test part once, at
the end.

``accuracy`` and ``confusion_matrix`` count what a classifier got right from its class scores
(logits or probabilities, ``(N, C)``) or its predicted labels ``(N,)``: chapters 3 and 5 report
test accuracy and errors through them.

Arrays are batch-first: ``x: (N, ...)``, ``y: (N, ...)``.
"""

from __future__ import annotations

import numpy as np

from minidl.validation import check_int, check_real, check_rng

__all__ = ["accuracy", "confusion_matrix", "predicted_labels", "train_val_test_split"]


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


def predicted_labels(scores) -> np.ndarray:
    """Class labels ``(N,)`` from class scores ``(N, C)`` (argmax of each row), or labels ``(N,)``
    passed through.  Scores may be logits or probabilities; a row with NaN raises ValueError (its
    argmax would silently be the first NaN's column)."""
    scores = np.asarray(scores)
    if scores.ndim == 2:
        if scores.shape[1] < 2:
            raise ValueError(f"scores need one column per class (C >= 2), got {scores.shape}; "
                             "a single sigmoid output is a binary classifier")
        if np.isnan(scores).any():
            raise ValueError(f"scores contain NaN in {int(np.isnan(scores).any(axis=1).sum())} "
                             "rows: no class is predicted there")
        return scores.argmax(axis=1)
    if scores.ndim == 1 and np.issubdtype(scores.dtype, np.integer):
        return scores
    raise ValueError(f"expected class scores (N, C) or integer labels (N,), got {scores.dtype} "
                     f"array of shape {scores.shape}")


def _labels_pair(scores, y):
    pred = predicted_labels(scores)
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels (N,), got {y.dtype} array of shape {y.shape}")
    if pred.shape != y.shape:
        raise ValueError(f"{pred.shape[0]} predictions for {y.shape[0]} labels")
    if y.size == 0:
        raise ValueError("no samples to evaluate")
    return pred, y


def accuracy(scores, y) -> float:
    """Fraction of samples whose predicted class equals the label.

    scores: (N, C) class scores (logits or probabilities; the argmax is the prediction) or (N,)
    integer predicted labels; y: (N,) integer labels.  Returns a float in [0, 1].
    """
    pred, y = _labels_pair(scores, y)
    return float(np.count_nonzero(pred == y) / y.size)


def confusion_matrix(scores, y, num_classes: int) -> np.ndarray:
    """(num_classes, num_classes) counts: row i, column j = samples of class i predicted as j.

    scores: (N, C) class scores or (N,) integer predicted labels; y: (N,) integer labels in
    ``[0, num_classes)``.  The trace is the number of correct predictions; the matrix sums to N.
    """
    num_classes = check_int(num_classes, "num_classes", min_value=1)
    pred, y = _labels_pair(scores, y)
    for name, labels in (("y", y), ("predicted labels", pred)):
        if labels.min() < 0 or labels.max() >= num_classes:
            raise ValueError(f"{name} must lie in [0, {num_classes}), got "
                             f"[{labels.min()}, {labels.max()}]")
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (y, pred), 1)
    return counts

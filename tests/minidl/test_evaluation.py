"""Tests for minidl.evaluation: the train/validation/test split, accuracy, confusion matrix."""

from __future__ import annotations

import numpy as np
import pytest

from minidl.evaluation import accuracy, confusion_matrix, predicted_labels, train_val_test_split


def test_split_parts_are_disjoint_cover_the_data_and_have_the_requested_sizes():
    x = np.arange(100 * 3).reshape(100, 3)
    y = np.arange(100)
    xtr, ytr, xva, yva, xte, yte = train_val_test_split(
        x, y, val_size=0.2, test_size=0.15, rng=np.random.default_rng(0))
    assert (len(xtr), len(xva), len(xte)) == (65, 20, 15)
    ids = np.concatenate([ytr, yva, yte])
    assert sorted(ids.tolist()) == list(range(100))
    for xs, ys in ((xtr, ytr), (xva, yva), (xte, yte)):
        np.testing.assert_array_equal(xs[:, 0], 3 * ys)  # rows stay with their labels


def test_split_is_reproducible_with_the_same_seed_and_differs_with_another():
    x = np.arange(50)[:, None]
    y = np.arange(50)
    a = train_val_test_split(x, y, val_size=0.2, test_size=0.2, rng=np.random.default_rng(3))
    b = train_val_test_split(x, y, val_size=0.2, test_size=0.2, rng=np.random.default_rng(3))
    c = train_val_test_split(x, y, val_size=0.2, test_size=0.2, rng=np.random.default_rng(4))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[5], c[5])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"val_size": 0.0, "test_size": 0.2}, r"val_size must be a finite number in \(0.0, 1.0\)"),
        ({"val_size": 0.2, "test_size": 1.5}, r"test_size must be a finite number in \(0.0, 1.0\)"),
        ({"val_size": 0.6, "test_size": 0.5}, "must be < 1"),
    ],
)
def test_split_rejects_bad_fractions(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), rng=np.random.default_rng(0),
                             **kwargs)


def test_split_rejects_mismatched_lengths_naming_both_shapes():
    with pytest.raises(ValueError, match=r"x: \(10, 2\) and y: \(9,\)"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9), val_size=0.2, test_size=0.2,
                             rng=np.random.default_rng(0))


def test_split_rejects_too_few_samples_and_missing_generator():
    with pytest.raises(ValueError, match="too few"):
        train_val_test_split(np.zeros((2, 1)), np.zeros(2), val_size=0.4, test_size=0.4,
                             rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        train_val_test_split(np.zeros((10, 1)), np.zeros(10), val_size=0.2, test_size=0.2,
                             rng=0)
    with pytest.raises(TypeError, match="val_size must be a real number"):
        train_val_test_split(np.zeros((10, 1)), np.zeros(10), val_size="0.2", test_size=0.2,
                             rng=np.random.default_rng(0))


def test_accuracy_counts_argmax_hits_of_scores_and_of_labels():
    scores = np.array([[2.0, 1.0, 0.0], [0.1, 0.2, 0.7], [0.5, 0.4, 0.1], [-1.0, 3.0, 0.0]])
    y = np.array([0, 2, 1, 1])
    assert accuracy(scores, y) == 0.75                     # rows 0, 1, 3 right; row 2 wrong
    assert accuracy(np.array([0, 2, 0, 1]), y) == 0.75
    assert accuracy(scores[:, ::-1], y[::-1] * 0) == 0.25  # only row 3 (argmax 1 -> column 1)


def test_confusion_matrix_rows_are_true_classes_and_trace_is_the_hits():
    y = np.array([0, 0, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 2, 0, 2])
    cm = confusion_matrix(pred, y, 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert cm.sum() == len(y) and np.trace(cm) == round(accuracy(pred, y) * len(y))


def test_evaluation_refuses_nan_scores_single_columns_and_mismatched_lengths():
    with pytest.raises(ValueError, match="NaN in 1 rows"):
        accuracy(np.array([[0.1, 0.9], [np.nan, 0.0]]), np.array([1, 0]))
    with pytest.raises(ValueError, match="C >= 2"):
        predicted_labels(np.ones((3, 1)))
    with pytest.raises(ValueError, match="2 predictions for 3 labels"):
        accuracy(np.array([0, 1]), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"y must be integer labels"):
        accuracy(np.array([0, 1]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), 2)
    with pytest.raises(TypeError):
        confusion_matrix(np.array([0, 1]), np.array([0, 1]), 2.0)

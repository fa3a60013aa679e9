"""Chapter 3 (03-algorithms), recomputed without minidl or the chapter's code.

The data, the split and the initial weights are rebuilt from their definitions (scikit-learn's
digits, a seeded permutation, Glorot-uniform draws); the forward pass, the softmax/cross-entropy
gradient, one SGD step and Adam's first step are written out in NumPy.  Training curves depend
on the CPU's floating-point rounding over thousands of steps, so their values are checked against
what the prose claims about them and against each other.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

NOTEBOOK = "03-algorithms"


def _data():
    digits = load_digits()
    x, y = digits.data, digits.target
    n = len(x)
    n_val = n_test = round(0.2 * n)
    order = np.random.default_rng(0).permutation(n)          # minidl.set_seed(0)'s generator
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    scaler = StandardScaler().fit(x[train])
    return x, y, scaler, x[train], y[train], x[val], x[test]


def _init(d_in, hidden, k, seed=1):
    rng = np.random.default_rng(seed)
    a1, a2 = math.sqrt(6 / (d_in + hidden)), math.sqrt(6 / (hidden + k))
    W1 = rng.uniform(-a1, a1, size=(d_in, hidden))
    W2 = rng.uniform(-a2, a2, size=(hidden, k))
    return {"W1": W1, "b1": np.zeros(hidden), "W2": W2, "b2": np.zeros(k)}


def _forward(p, x):
    a1 = np.maximum(x @ p["W1"] + p["b1"], 0.0)
    z2 = a1 @ p["W2"] + p["b2"]
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    return a1, e / e.sum(axis=1, keepdims=True)


def _loss(p, x, y):
    """Keras's sparse categorical cross-entropy: probabilities clipped to [1e-7, 1 - 1e-7]."""
    _, probs = _forward(p, x)
    return float(np.mean(-np.log(np.clip(probs[np.arange(len(y)), y], 1e-7, 1 - 1e-7))))


def _grads(p, x, y):
    a1, probs = _forward(p, x)
    d2 = (probs - np.eye(probs.shape[1])[y]) / len(x)
    d1 = (d2 @ p["W2"].T) * (a1 > 0)
    return {"W1": x.T @ d1, "b1": d1.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0)}


def _between(lo, hi):
    def check(stored, glued):
        assert lo < stored < hi, f"{stored!r} outside ({lo}, {hi})"
    return check


def expected() -> dict[str, object]:
    x, y, scaler, x_train, y_train, x_val, x_test = _data()
    x_train_s = scaler.transform(x_train)
    v: dict[str, object] = {}
    v["ch3_n_samples"], v["ch3_n_features"] = x.shape
    v["ch3_n_classes"] = len(set(y.tolist()))
    v["ch3_pixel_max"] = int(x.max())
    v["ch3_n_train"], v["ch3_n_val"], v["ch3_n_test"] = len(x_train), len(x_val), len(x_test)
    v["ch3_n_constant_pixels"] = int(np.sum(x_train.std(axis=0) == 0))
    d_in, hidden, k = x.shape[1], 32, 10
    v["ch3_hidden"] = hidden
    v["ch3_n_params"] = d_in * hidden + hidden + hidden * k + k
    v["ch3_glorot_limit"] = math.sqrt(6 / (d_in + hidden))
    p = _init(d_in, hidden, k)
    v["ch3_initial_loss"] = _loss(p, x_train_s, y_train)
    v["ch3_ln10"] = math.log(10)
    v["ch3_initial_excess"] = v["ch3_initial_loss"] - math.log(10)
    assert 0 < v["ch3_initial_excess"] < 0.5               # "slightly larger than ln 10"

    # one SGD step on the first 4 training samples
    eta = 0.01
    x4, y4 = x_train_s[:4], y_train[:4]
    g = _grads(p, x4, y4)
    v["ch3_sgd_lr"], v["ch3_step_n"] = eta, 4
    v["ch3_step_loss_before"] = _loss(p, x4, y4)
    v["ch3_step_loss_after"] = _loss({n: w - eta * g[n] for n, w in p.items()}, x4, y4)
    drops = [v["ch3_step_loss_before"] - _loss({n: w - s * g[n] for n, w in p.items()}, x4, y4)
             for s in (eta, 2 * eta)]
    v["ch3_ex_drop_1"], v["ch3_ex_drop_2"] = drops
    v["ch3_ex_drop_ratio"] = drops[1] / drops[0]
    assert 1 < v["ch3_ex_drop_ratio"] < 2

    # Adam's first step (Keras's form): lr * sqrt(1 - b2) / (1 - b1) * m / (sqrt(v) + eps)
    lr, b1_, b2_, eps = 0.001, 0.9, 0.999, 1e-7
    ratios = []
    for gn in g.values():
        m, vv = (1 - b1_) * gn, (1 - b2_) * gn ** 2
        step = lr * math.sqrt(1 - b2_) / (1 - b1_) * m / (np.sqrt(vv) + eps)
        ratios.append((np.abs(step) / lr)[np.abs(gn) > 1e-2])
    ratios = np.concatenate(ratios)
    v["ch3_ex_adam_min"], v["ch3_ex_adam_max"] = float(ratios.min()), float(ratios.max())
    v["ch3_adam_lr"] = lr

    # training comparison (SGD vs Adam): settings exact, results by what the prose claims
    v["ch3_cmp_epochs"], v["ch3_cmp_early"] = 20, 5

    def adam_faster(stored, glued):
        assert glued["ch3_adam_val_loss_5"] < glued["ch3_sgd_val_loss_5"]
        assert glued["ch3_adam_val_loss_20"] < glued["ch3_adam_val_loss_5"]
        assert glued["ch3_sgd_val_loss_20"] < glued["ch3_sgd_val_loss_5"]

    for key in ("ch3_sgd_val_loss_5", "ch3_adam_val_loss_5", "ch3_sgd_val_loss_20",
                "ch3_adam_val_loss_20"):
        v[key] = adam_faster
    v["ch3_sgd_val_acc"] = _between(0.8, 1.0)
    v["ch3_adam_val_acc"] = _between(0.85, 1.0)

    # the grid
    grid_hidden, grid_lr = (16, 64), (0.001, 0.01)
    v["ch3_grid_h_small"], v["ch3_grid_h_large"] = grid_hidden
    v["ch3_grid_lr_small"], v["ch3_grid_lr_large"] = grid_lr
    v["ch3_grid_batch"], v["ch3_grid_epochs"] = 64, 30

    def selection(stored, glued):
        assert glued["ch3_best_hidden"] in grid_hidden and glued["ch3_best_lr"] in grid_lr
        assert 1 <= glued["ch3_best_epoch"] <= 30
        assert glued["ch3_overfit_turn"] == glued["ch3_best_epoch"]
        assert glued["ch3_overfit_val_min"] == glued["ch3_best_val_loss"]
        assert glued["ch3_overfit_val_last"] > glued["ch3_overfit_val_min"]   # over-fitting
        assert glued["ch3_overfit_train_last"] < 0.01 < glued["ch3_overfit_val_min"]

    for key in ("ch3_best_hidden", "ch3_best_lr", "ch3_best_epoch", "ch3_best_val_loss",
                "ch3_overfit_turn", "ch3_overfit_val_min", "ch3_overfit_val_last",
                "ch3_overfit_train_last"):
        v[key] = selection

    n_test = len(x_test)

    def test_result(stored, glued):
        assert 0.9 < glued["ch3_test_acc"] <= 1.0
        assert glued["ch3_test_correct"] == round(glued["ch3_test_acc"] * n_test)
        assert 0 < glued["ch3_test_loss"] < 0.5
        assert abs(glued["ch3_int8_test_acc"] - glued["ch3_test_acc"]) <= 0.01

    for key in ("ch3_test_acc", "ch3_test_correct", "ch3_test_loss", "ch3_int8_test_acc"):
        v[key] = test_result

    def sizes(stored, glued):
        h = glued["ch3_best_hidden"]
        n_w, n_b = d_in * h + h * k, h + k
        assert glued["ch3_f32_bytes"] == 4 * (n_w + n_b)
        assert glued["ch3_int8_bytes"] == n_w + 2 * 4 + 4 * n_b   # int8 weights, 2 scales, f32 b
        assert 5 < glued["ch3_model_kib"] < 200

    for key in ("ch3_f32_bytes", "ch3_int8_bytes", "ch3_model_kib"):
        v[key] = sizes

    def timings(stored, glued):
        g_ = glued
        assert all(g_[key] > 0 for key in ("ch3_keras_predict_single_ms", "ch3_keras_pob_single_ms",
                                            "ch3_keras_pob_batch_ms", "ch3_numpy_single_us"))
        per = g_["ch3_keras_pob_batch_ms"] * 1e3 / n_test
        assert math.isclose(g_["ch3_keras_pob_batch_us_per_sample"], per, rel_tol=1e-9)
        assert math.isclose(g_["ch3_batch_speedup"], g_["ch3_keras_pob_single_ms"] * 1e3 / per,
                            rel_tol=1e-9)
        assert g_["ch3_keras_pob_single_ms"] < g_["ch3_keras_predict_single_ms"]

    for key in ("ch3_keras_predict_single_ms", "ch3_keras_pob_single_ms",
                "ch3_keras_pob_batch_ms", "ch3_keras_pob_batch_us_per_sample",
                "ch3_batch_speedup", "ch3_numpy_single_us"):
        v[key] = timings

    # exercises
    v["ch3_ex_ce_uniform"] = math.log(10)
    v["ch3_ex_ce_half"] = math.log(2)
    v["ch3_ex_params_small"] = d_in * 16 + 16 + 16 * k + k
    v["ch3_ex_params_large"] = d_in * 64 + 64 + 64 * k + k
    v["ch3_ex_glorot2"] = math.sqrt(6 / (hidden + k))
    return v

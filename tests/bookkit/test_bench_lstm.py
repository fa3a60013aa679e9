"""bookkit.bench.lstm: the NumPy LSTM against Keras's, its FLOP count and the matmul ceiling.

No test asserts a time; they check what is counted and that both sides compute the same thing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bookkit.bench.lstm import compare_lstm, lstm_matmul_flops, matmul_gflops


def test_lstm_matmul_flops_counts_input_and_recurrent_products():
    n, t, d, h = 3, 5, 2, 4
    per_step = 2 * n * d * 4 * h + 2 * n * h * 4 * h   # x_t @ kernel + h @ recurrent_kernel
    assert lstm_matmul_flops(n, t, d, h) == t * per_step


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError), (2.5, TypeError),
                                        (True, TypeError)])
def test_lstm_matmul_flops_rejects_non_positive_sizes(bad, error):
    with pytest.raises(error, match="h must be a positive integer|h must be an integer"):
        lstm_matmul_flops(1, 1, 1, bad)


def test_matmul_gflops_is_positive_and_finite():
    g = matmul_gflops(8, 4, 6, calls=3, repeat=2)
    assert math.isfinite(g) and g > 0


@pytest.mark.slow
def test_compare_lstm_times_the_same_computation_on_both_sides():
    r = compare_lstm(4, 3, 2, 5, repeat=2)
    assert (r["n"], r["t"], r["d"], r["h"]) == (4, 3, 2, 5)
    for key in ("numpy_forward_s", "keras_forward_s", "numpy_train_s", "keras_train_s",
                "forward_ratio", "train_ratio", "forward_ratio_fastest", "train_ratio_fastest",
                "numpy_forward_gflops", "keras_train_gflops"):
        assert math.isfinite(r[key]) and r[key] > 0, key
    assert all(len(v) == 2 for v in r["times"].values())
    # NumPy and Keras computed the same forward pass and the same gradients (float32).
    assert r["max_abs_diff_forward"] < 1e-5
    assert 0 <= r["grads_relative_error"] < 1e-4
    assert r["flops_forward"] == lstm_matmul_flops(4, 3, 2, 5)


@pytest.mark.slow
def test_compare_lstm_reports_gradcheck_relative_error(monkeypatch):
    """The gradients' difference is minidl.gradcheck.relative_error (scaled by the larger side),
    the largest over the four gradients, whatever the two sides return."""
    import minidl.gradcheck

    seen = []

    def spy(a, b):
        value = float(np.abs(np.asarray(a) - np.asarray(b)).max()) + 1.0 + len(seen)
        seen.append(value)
        return value

    monkeypatch.setattr(minidl.gradcheck, "relative_error", spy)
    r = compare_lstm(2, 2, 1, 3, repeat=1)
    assert len(seen) == 4                                   # x, kernel, recurrent_kernel, bias
    assert r["grads_relative_error"] == max(seen)

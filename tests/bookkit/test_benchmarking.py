"""bookkit.benchmarking: the measuring helpers behind `make bench` and chapter 12.

No test asserts a time (times depend on the machine and its load); they check what is counted,
what is compared, and the shapes of the results.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from bookkit.benchmarking import (
    EpochTimer,
    compare_lstm,
    format_value,
    interleaved_times,
    lstm_matmul_flops,
    lstm_weights,
    machine_info,
    matmul_gflops,
    results_table,
)


def test_lstm_matmul_flops_counts_input_and_recurrent_products():
    n, t, d, h = 3, 5, 2, 4
    per_step = 2 * n * d * 4 * h + 2 * n * h * 4 * h   # x_t @ kernel + h @ recurrent_kernel
    assert lstm_matmul_flops(n, t, d, h) == t * per_step


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError), (2.5, TypeError),
                                        (True, TypeError)])
def test_lstm_matmul_flops_rejects_non_positive_sizes(bad, error):
    with pytest.raises(error, match="h must be a positive integer|h must be an integer"):
        lstm_matmul_flops(1, 1, 1, bad)


def test_interleaved_times_alternates_and_counts_every_call():
    calls = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = interleaved_times(fns, repeat=3, number=2, warmup=1)
    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3
    assert set(times) == {"a", "b"}
    assert all(len(v) == 3 and all(s >= 0 for s in v) for v in times.values())


@pytest.mark.parametrize("kwargs, error, message", [
    ({"repeat": 0}, ValueError, "repeat must be a positive integer"),
    ({"number": 1.5}, TypeError, "number must be an integer"),
    ({"warmup": -1}, ValueError, "warmup must be a non-negative integer"),
])
def test_interleaved_times_rejects_bad_counts(kwargs, error, message):
    with pytest.raises(error, match=message):
        interleaved_times({"a": lambda: None}, **kwargs)


def test_interleaved_times_needs_a_callable():
    with pytest.raises(ValueError, match="at least one callable"):
        interleaved_times({})


def test_matmul_gflops_is_positive_and_finite():
    g = matmul_gflops(8, 4, 6, calls=3, repeat=2)
    assert math.isfinite(g) and g > 0


def test_blas_threads_limits_numpy_blas_inside_only():
    from threadpoolctl import threadpool_info

    from bookkit.benchmarking import blas_threads

    def blas():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas()
    with blas_threads(1):
        assert set(blas()) == {1}
    assert blas() == before
    with blas_threads(None):
        assert blas() == before
    with pytest.raises(ValueError, match="blas_threads must be a positive integer"):
        blas_threads(0)


def test_lstm_weights_have_keras_shapes_forget_bias_and_orthonormal_recurrence():
    kernel, rec, bias = lstm_weights(3, 5, rng=np.random.default_rng(0))
    assert kernel.shape == (3, 20) and rec.shape == (5, 20) and bias.shape == (20,)
    assert kernel.dtype == rec.dtype == bias.dtype == np.float32
    np.testing.assert_array_equal(bias, np.r_[np.zeros(5), np.ones(5), np.zeros(10)])
    np.testing.assert_allclose(rec @ rec.T, np.eye(5), atol=1e-6)
    assert np.abs(kernel).max() <= np.sqrt(6 / (3 + 20))


def test_machine_info_describes_the_machine_without_importing_tensorflow():
    code = ("import sys; from bookkit.benchmarking import machine_info; m = machine_info(); "
            "print(sorted(m), m['cores'] >= 1, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out.endswith("True False"), out
    info = machine_info()
    for key in ("cpu", "cores", "load_average", "blas", "python", "numpy", "tensorflow", "keras"):
        assert key in info
    assert info["numpy"] == np.__version__


def test_machine_info_names_the_blas_kernel_and_the_openblas_variables(monkeypatch):
    from threadpoolctl import threadpool_info

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.delenv("OPENBLAS_L2_SIZE", raising=False)
    info = machine_info()
    assert info["openblas_env"] == {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": None}
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    if blas and blas[0].get("architecture"):       # OpenBLAS reports the kernels it runs
        assert info["blas_kernel"] == f"{blas[0]['internal_api']} {blas[0]['architecture']}"


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
    assert r["max_rel_diff_grads"] < 1e-4
    assert r["flops_forward"] == lstm_matmul_flops(4, 3, 2, 5)


@pytest.mark.slow
def test_epoch_timer_records_one_time_per_epoch():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    from minidl.seeding import set_seed

    rng = set_seed(0, tensorflow=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    timer = EpochTimer()
    model.fit(rng.random((8, 3)), rng.random(8), epochs=3, batch_size=4, verbose=0,
              callbacks=[timer.callback()])
    assert len(timer.seconds) == 3 and all(s > 0 for s in timer.seconds)
    assert timer.steady() == pytest.approx(float(np.median(timer.seconds[1:])))


@pytest.mark.slow
def test_train_interleaved_times_every_epoch_of_every_model_and_trains_them():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    from bookkit.benchmarking import train_interleaved
    from minidl.seeding import set_seed

    rng = set_seed(0, tensorflow=True)
    x = rng.random((16, 3)).astype("float32")
    y = x.sum(axis=1)

    def model():
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return m

    models = {"a": model(), "b": model()}
    before = models["a"].evaluate(x, y, verbose=0)
    seconds = train_interleaved(models, x, y, epochs=3, batch_size=4)
    assert set(seconds) == {"a", "b"}
    assert all(len(v) == 3 and all(s > 0 for s in v) for v in seconds.values())
    assert models["a"].evaluate(x, y, verbose=0) < before      # it really trained


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"epochs": 1, "batch_size": 0}, "batch_size must be a positive integer"),
])
def test_train_interleaved_rejects_bad_counts(kwargs, message):
    from bookkit.benchmarking import train_interleaved

    with pytest.raises(ValueError, match=message):
        train_interleaved({"m": object()}, np.zeros((2, 1)), np.zeros(2), **kwargs)


def test_train_interleaved_needs_matching_samples_and_a_model():
    from bookkit.benchmarking import train_interleaved

    with pytest.raises(ValueError, match="same number of samples, got 2 and 3"):
        train_interleaved({"m": object()}, np.zeros((2, 1)), np.zeros(3), epochs=1)
    with pytest.raises(ValueError, match="at least one compiled Keras model"):
        train_interleaved({}, np.zeros((2, 1)), np.zeros(2), epochs=1)


def test_epoch_timer_without_epochs_says_how_to_use_it():
    with pytest.raises(ValueError, match="timer.callback"):
        EpochTimer().steady()


def test_results_table_is_one_markdown_table_in_english_or_chinese():
    rows = [{"piece": "lstm", "name": "forward ratio", "value": 0.8712, "unit": "x",
             "goal": "<= 1.0", "met": True},
            {"piece": "gpu", "name": "cuDNN | fused", "value": None, "unit": "", "goal": "",
             "met": None}]
    en = results_table(rows).splitlines()
    assert en[0] == "| piece | figure | value | unit | goal | met |"
    assert en[1] == "| :--- | :--- | ---: | :--- | :--- | :--- |"
    assert en[2] == "| lstm | forward ratio | 0.871 | x | <= 1.0 | yes |"
    assert en[3] == "| gpu | cuDNN \\| fused | - |  |  |  |"
    zh = results_table(rows[:1], language="zh", with_piece=False).splitlines()
    assert zh[0] == "| 项目 | 数值 | 单位 | 目标 | 达到 |"
    assert zh[2] == "| forward ratio | 0.871 | x | <= 1.0 | 是 |"
    with pytest.raises(ValueError, match="language must be one of"):
        results_table(rows, language="fr")


@pytest.mark.parametrize("value, text", [(None, "-"), (3, "3"), (0.0, "0"), (123.4, "123"),
                                         (12.34, "12.3"), (1.234, "1.23"), (0.01234, "0.012"),
                                         (0.001234, "1.23e-03")])
def test_format_value_keeps_about_three_digits(value, text):
    assert format_value(value) == text

"""The NumPy LSTM of :mod:`minidl.lstm` against ``keras.layers.LSTM``: same weights, same inputs.

``benchmarks/bench_lstm.py`` runs :func:`compare_lstm` at full size; chapter 12 runs it with
fewer rounds and sets it beside the BLAS ceiling (:func:`matmul_gflops`) and the FLOP count
(:func:`lstm_matmul_flops`).

Arrays are batch-first: ``x: (N, T, D)`` for sequences of T steps of D features; LSTM weights are
in Keras layout (``kernel: (D, 4H)``, ``recurrent_kernel: (H, 4H)``, ``bias: (4H,)``), drawn by
:func:`minidl.bptt.lstm_init` (Keras's default initialisers).
"""

from __future__ import annotations

import os

import numpy as np

from bookkit.bench.timing import interleaved_times
from minidl.blas import blas_threads
from minidl.validation import check_counts

__all__ = ["lstm_matmul_flops", "matmul_gflops", "compare_lstm"]


def lstm_matmul_flops(n: int, t: int, d: int, h: int) -> int:
    """Floating-point operations of the matrix products in one LSTM forward pass.

    Per step the gate pre-activations are ``x_t @ kernel`` ((N, D) @ (D, 4H)) plus
    ``h_{t-1} @ recurrent_kernel`` ((N, H) @ (H, 4H)), 2 operations per multiply-add:
    ``2 * N * T * (D + H) * 4H``.  The elementwise gate arithmetic (about ``20 * N * T * H``)
    is left out: it is a few percent of the total for H >= 32.  The backward pass does twice the
    forward's matrix work (the gradients of the input and of the weights), so forward plus
    backward is ``3 *`` this.
    """
    n, t, d, h = check_counts(n=n, t=t, d=d, h=h)
    return 2 * n * t * (d + h) * 4 * h


def matmul_gflops(m: int, k: int, n: int, *, dtype=np.float32, calls: int = 1,
                  repeat: int = 7, seed: int = 0, threads: int | None = None) -> float:
    """Achieved GFLOP/s of NumPy's ``(m, k) @ (k, n)``, a machine's practical ceiling.

    ``calls`` products are timed back to back per round (``calls > 1`` with small shapes mimics
    the LSTM's one small product per step); returns ``2*m*k*n*calls / median round seconds / 1e9``.
    ``threads`` limits BLAS threads (None: NumPy's default, usually one per core).
    """
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    out = np.empty((m, n), dtype)

    def run():
        for _ in range(calls):
            np.matmul(a, b, out=out)

    with blas_threads(threads):
        seconds = float(np.median(interleaved_times({"matmul": run}, repeat=repeat)["matmul"]))
    return 2.0 * m * k * n * calls / seconds / 1e9


def compare_lstm(n: int = 256, t: int = 28, d: int = 28, h: int = 128, *, repeat: int = 11,
                 seed: int = 0, activation: str = "tanh") -> dict:
    """Time :mod:`minidl.lstm` against ``keras.layers.LSTM`` on the same weights and inputs.

    Forward: ``minidl.lstm.lstm_forward`` versus ``Model.predict_on_batch`` of a Keras model that
    is one ``LSTM(h, return_sequences=True)`` layer.  Forward + backward: ``lstm_forward`` then
    ``lstm_backward`` (gradients of ``sum(h_seq * dy)`` with respect to the input and all
    weights) versus a ``tf.function`` that computes the same gradients with ``tf.GradientTape``.
    float32 throughout; the two sides' outputs are compared so that both are known to compute the
    same thing.

    n, t, d, h: batch size N, steps T, features D, units H; x is (N, T, D).  repeat: interleaved
    rounds (see :func:`bookkit.bench.timing.interleaved_times`); the medians are reported.

    Returns a dict with the sizes, ``flops_forward`` (:func:`lstm_matmul_flops`), median seconds
    ``numpy_forward_s``, ``keras_forward_s``, ``numpy_train_s``, ``keras_train_s`` (train =
    forward + backward), the medians of the per-round ratios ``forward_ratio`` and
    ``train_ratio`` (NumPy / Keras: below 1 means NumPy is faster), the ratios of each side's
    fastest round ``forward_ratio_fastest`` and ``train_ratio_fastest`` (the rounds least
    disturbed by other processes: an estimate for an idle machine), achieved GFLOP/s of each,
    the per-round ``times``, ``max_abs_diff_forward`` (``max |NumPy - Keras|`` of the forward
    outputs (N, T, H)) and ``grads_relative_error``: the largest, over the four gradients (input,
    kernel, recurrent kernel, bias), of :func:`minidl.gradcheck.relative_error`, ``max|a - b| /
    max(max|a|, max|b|)``.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    from minidl.bptt import lstm_init
    from minidl.gradcheck import relative_error
    from minidl.lstm import lstm_backward, lstm_forward

    flops = lstm_matmul_flops(n, t, d, h)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, t, d)).astype(np.float32)
    dy = rng.standard_normal((n, t, h)).astype(np.float32)
    kernel, recurrent, bias = (w.astype(np.float32) for w in lstm_init(d, h, rng))

    inputs = keras.Input((t, d), dtype="float32")
    layer = keras.layers.LSTM(h, activation=activation, return_sequences=True)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([kernel, recurrent, bias])
    x_tf = tf.constant(x)
    dy_tf = tf.constant(dy)

    @tf.function
    def keras_grads(xb):
        with tf.GradientTape() as tape:
            tape.watch(xb)
            loss = tf.reduce_sum(layer(xb) * dy_tf)
        return tape.gradient(loss, [xb, *layer.trainable_variables])

    def numpy_forward():
        return lstm_forward(x, kernel, recurrent, bias, activation=activation)[0].h_seq

    def keras_forward():
        return model.predict_on_batch(x)

    def numpy_train():
        _, cache = lstm_forward(x, kernel, recurrent, bias, activation=activation)
        g = lstm_backward(dy, cache)
        return [g["x"], g["kernel"], g["recurrent_kernel"], g["bias"]]

    def keras_train():
        return [g.numpy() for g in keras_grads(x_tf)]

    # Same results on both sides (checked once, before timing).
    fwd_diff = float(np.max(np.abs(numpy_forward() - np.asarray(keras_forward()))))
    grads_error = max(relative_error(a, b)
                      for a, b in zip(numpy_train(), keras_train(), strict=True))

    times = interleaved_times({"numpy_forward": numpy_forward, "keras_forward": keras_forward,
                               "numpy_train": numpy_train, "keras_train": keras_train},
                              repeat=repeat)
    med = {k: float(np.median(v)) for k, v in times.items()}

    def ratio(a, b):
        return float(np.median(np.asarray(times[a]) / np.asarray(times[b])))

    return {
        "n": n, "t": t, "d": d, "h": h, "activation": activation, "repeat": repeat,
        "flops_forward": flops,
        "numpy_forward_s": med["numpy_forward"], "keras_forward_s": med["keras_forward"],
        "numpy_train_s": med["numpy_train"], "keras_train_s": med["keras_train"],
        "forward_ratio": ratio("numpy_forward", "keras_forward"),
        "train_ratio": ratio("numpy_train", "keras_train"),
        "forward_ratio_fastest": min(times["numpy_forward"]) / min(times["keras_forward"]),
        "train_ratio_fastest": min(times["numpy_train"]) / min(times["keras_train"]),
        "numpy_forward_gflops": flops / med["numpy_forward"] / 1e9,
        "keras_forward_gflops": flops / med["keras_forward"] / 1e9,
        "numpy_train_gflops": 3 * flops / med["numpy_train"] / 1e9,
        "keras_train_gflops": 3 * flops / med["keras_train"] / 1e9,
        "times": times,
        "max_abs_diff_forward": fwd_diff,
        "grads_relative_error": grads_error,
    }

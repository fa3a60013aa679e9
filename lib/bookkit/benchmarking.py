"""Measuring speed honestly on a shared machine: interleaved repeats, medians, ratios.

``make bench`` (``benchmarks/run.py``) and the performance appendix (chapter 12) call these
functions; the benchmark scripts run them at full size, the chapter at a reduced size that executes
in seconds.  Nothing here asserts a time: times depend on the machine and on what else runs on it.

Method: every contender is timed in *rounds* that alternate between the contenders (NumPy, Keras,
NumPy, Keras, ...), so a burst of load from another process slows both sides of a round alike; the
report gives the median over rounds of each time and the median over rounds of the per-round
ratio, which resist the odd slow round.

Arrays are batch-first: ``x: (N, T, D)`` for sequences of T steps of D features; LSTM weights are
in Keras layout (``kernel: (D, 4H)``, ``recurrent_kernel: (H, 4H)``, ``bias: (4H,)``).
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from importlib import metadata

import numpy as np

from bookkit.report import markdown_table
from minidl._blas import blas_threads
from minidl.validation import check_choice, check_counts, check_int

__all__ = [
    "machine_info",
    "interleaved_times",
    "lstm_matmul_flops",
    "blas_threads",
    "matmul_gflops",
    "lstm_weights",
    "compare_lstm",
    "EpochTimer",
    "train_interleaved",
    "format_value",
    "results_table",
]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    """Describe the machine a measurement came from.

    Returns a dict with ``cpu`` (model name from ``/proc/cpuinfo``), ``cores`` (usable by this
    process), ``load_average`` (1, 5 and 15 minutes, or None), ``blas`` (NumPy's BLAS and its
    thread count), ``blas_kernel`` (the kernels NumPy's BLAS runs, as ``threadpoolctl`` reports
    them: ``"openblas SkylakeX"``, say; None when unknown), ``openblas_env`` (the values of
    ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` in this process's environment, None where
    unset: the first forces OpenBLAS's kernels), ``platform``, and the versions of ``python``,
    ``numpy``, ``tensorflow`` and ``keras`` (None when not installed).  Imports neither TensorFlow
    nor Keras.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count()
    try:
        load = [round(v, 2) for v in os.getloadavg()]
    except OSError:
        load = None
    blas = None
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{deps.get('name')} {deps.get('version')}"
    except Exception:  # the config layout is not a stable API
        pass
    kernel = None
    try:
        from threadpoolctl import threadpool_info

        libs = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas and libs:
            blas += f", {libs[0]['num_threads']} threads"
        if libs and libs[0].get("architecture"):
            kernel = f"{libs[0].get('internal_api')} {libs[0]['architecture']}"
    except ImportError:
        pass
    return {
        "cpu": _cpu_model(),
        "cores": cores,
        "load_average": load,
        "blas": blas,
        "blas_kernel": kernel,
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": _version("tensorflow"),
        "keras": _version("keras"),
    }


def interleaved_times(fns: dict[str, Callable[[], object]], *, repeat: int = 7,
                      number: int = 1, warmup: int = 1) -> dict[str, list[float]]:
    """Time several callables in alternating rounds; return each one's seconds per call.

    Parameters
    ----------
    fns: name -> callable taking no arguments.
    repeat: number of rounds; in each round every callable runs ``number`` times in a row, in
        the order given.
    warmup: untimed calls of each callable first (tracing, caches, thread start-up).

    Returns
    -------
    name -> list of ``repeat`` floats, the mean seconds per call in each round.
    """
    if not fns:
        raise ValueError("fns must name at least one callable")
    number, repeat = check_counts(number=number, repeat=repeat)
    warmup = check_int(warmup, "warmup", min_value=0)
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return times


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


def lstm_weights(d: int, h: int, *, rng: np.random.Generator, dtype=np.float32):
    """Random LSTM weights in Keras layout, scaled like Keras's initialisers.

    Returns ``(kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,))``: Glorot-uniform kernel,
    a recurrent kernel with orthonormal rows (the whole (H, 4H) matrix, as ``q.T`` of the QR
    factor of a (4H, H) Gaussian; one gate's (H, H) block is not orthonormal), bias zero except
    1 on the forget gate
    (Keras's ``unit_forget_bias=True``).
    """
    limit = np.sqrt(6.0 / (d + 4 * h))
    kernel = rng.uniform(-limit, limit, (d, 4 * h))
    q, _ = np.linalg.qr(rng.standard_normal((4 * h, h)))   # (4H, H) with orthonormal columns
    recurrent = q.T                                        # (H, 4H)
    bias = np.zeros(4 * h)
    bias[h:2 * h] = 1.0
    return kernel.astype(dtype), recurrent.astype(dtype), bias.astype(dtype)


def compare_lstm(n: int = 256, t: int = 28, d: int = 28, h: int = 128, *, repeat: int = 11,
                 seed: int = 0, activation: str = "tanh") -> dict:
    """Time :mod:`minidl.lstm` against ``keras.layers.LSTM`` on the same weights and inputs.

    Forward: ``minidl.lstm.lstm_forward`` versus ``Model.predict_on_batch`` of a Keras model that
    is one ``LSTM(h, return_sequences=True)`` layer.  Forward + backward: ``lstm_forward`` then
    ``lstm_backward`` (gradients of ``sum(h_seq * dy)`` with respect to the input and all
    weights) versus a ``tf.function`` that computes the same gradients with ``tf.GradientTape``.
    float32 throughout; the two sides' outputs are compared so that both are known to compute the
    same thing.

    Parameters
    ----------
    n, t, d, h: batch size N, steps T, features D, units H; x is (N, T, D).
    repeat: interleaved rounds (see :func:`interleaved_times`); the medians are reported.

    Returns
    -------
    dict with the sizes, ``flops_forward`` (:func:`lstm_matmul_flops`), median seconds
    ``numpy_forward_s``, ``keras_forward_s``, ``numpy_train_s``, ``keras_train_s`` (train =
    forward + backward), the medians of the per-round ratios ``forward_ratio`` and
    ``train_ratio`` (NumPy / Keras: below 1 means NumPy is faster), the ratios of each side's
    fastest round ``forward_ratio_fastest`` and ``train_ratio_fastest`` (the rounds least
    disturbed by other processes: an estimate for an idle machine), achieved GFLOP/s of each,
    the per-round ``times``, and ``max_abs_diff_forward`` / ``max_rel_diff_grads`` between the
    two sides' results.
    """
    import os as _os

    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    from minidl.lstm import lstm_backward, lstm_forward

    flops = lstm_matmul_flops(n, t, d, h)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, t, d)).astype(np.float32)
    dy = rng.standard_normal((n, t, h)).astype(np.float32)
    kernel, recurrent, bias = lstm_weights(d, h, rng=rng)

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
    rel = []
    for a, b in zip(numpy_train(), keras_train(), strict=True):
        rel.append(float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-30)))

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
        "max_rel_diff_grads": max(rel),
    }


class EpochTimer:
    """A Keras callback that records the wall-clock seconds of every training epoch.

    Use: ``timer = EpochTimer(); model.fit(..., callbacks=[timer.callback()])``; then
    ``timer.seconds`` is a list with one float per epoch.  The first epoch includes tracing and
    graph building; :meth:`steady` is the median of the later ones.
    """

    def __init__(self):
        self.seconds: list[float] = []
        self._start = None

    def callback(self):
        import keras

        timer = self

        class _Callback(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                timer._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                timer.seconds.append(time.perf_counter() - timer._start)

        return _Callback()

    def steady(self) -> float:
        """Median seconds per epoch, leaving out the first epoch when there are two or more."""
        if not self.seconds:
            raise ValueError("no epoch was timed: pass timer.callback() to model.fit")
        later = self.seconds[1:] or self.seconds
        return float(np.median(later))


def train_interleaved(models: dict, x, y, *, epochs: int, batch_size: int = 32,
                      shuffle: bool = True) -> dict[str, list[float]]:
    """Train several compiled Keras models one epoch at a time, in alternation; time each epoch.

    Each round calls ``model.fit(x, y, epochs=1, ...)`` once per model, in the order given, so a
    burst of load from another process slows every model's epoch of that round alike.  The first
    round includes tracing and graph building (Keras reuses the traced step afterwards).

    Parameters
    ----------
    models: name -> compiled Keras model taking ``x``.
    x: (N, T, D) inputs; y: (N,) or (N, k) targets, the same for every model.
    epochs: rounds (epochs per model); batch_size: as in ``fit`` (the same for all models).

    Returns
    -------
    name -> list of ``epochs`` floats, the wall-clock seconds of each epoch.
    """
    if not models:
        raise ValueError("models must name at least one compiled Keras model")
    epochs, batch_size = check_counts(epochs=epochs, batch_size=batch_size)
    if len(x) != len(y):
        raise ValueError(f"x and y need the same number of samples, got {len(x)} and {len(y)}")
    seconds: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(epochs):
        for name, model in models.items():
            start = time.perf_counter()
            model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=shuffle, verbose=0)
            seconds[name].append(time.perf_counter() - start)
    return seconds


def format_value(value) -> str:
    """A benchmark figure as the tables print it: 3 significant digits or so, ``-`` for None."""
    if value is None:
        return "-"
    if isinstance(value, (str, bool, int)):
        return str(value)
    a = abs(value)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{value:.0f}"
    if a >= 10:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}"
    if a >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2e}"


_TABLE_WORDS = {
    "en": (("piece", "figure", "value", "unit", "goal", "met"), {True: "yes", False: "NO"}),
    "zh": (("部分", "项目", "数值", "单位", "目标", "达到"), {True: "是", False: "否"}),
}


def results_table(rows, *, language: str = "en", with_piece: bool = True) -> str:
    """The Markdown table of benchmark result rows, for ``benchmarks/results/latest.md`` and
    chapter 12 (one renderer: :func:`bookkit.report.markdown_table`).

    rows: dicts (or objects) with ``name``, ``value``, ``unit``, ``goal``, ``met`` (True, False or
    None) and, when ``with_piece``, ``piece``; language: ``"en"`` or ``"zh"`` (headers and the
    met column).
    """
    check_choice(language, "language", sorted(_TABLE_WORDS))
    headers, met_words = _TABLE_WORDS[language]

    def get(row, key):
        return row[key] if isinstance(row, dict) else getattr(row, key)

    body = [[get(r, "piece"), get(r, "name"), format_value(get(r, "value")), get(r, "unit"),
             get(r, "goal"), met_words.get(get(r, "met"), "")] for r in rows]
    align = "llrlll"
    if not with_piece:
        headers, align, body = headers[1:], align[1:], [line[1:] for line in body]
    return markdown_table(list(headers), body, align=align)

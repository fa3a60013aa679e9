"""minidl.lstm (NumPy) versus keras.layers.LSTM: forward and forward+backward, float32.

Batch 256, 28 steps, 28 features, 128 units (MNIST rows as steps).  Goals: NumPy / Keras <= 1.0
for the forward pass and for forward+backward.  Also the achieved GFLOP/s against two plain
matmuls: one product with the same FLOPs as the whole forward pass (the BLAS ceiling), and 28
products of the per-step size (N, H) @ (H, 4H) (the ceiling of a step-by-step recurrence).
"""

from __future__ import annotations

from _common import Row

from bookkit.bench.lstm import compare_lstm, matmul_gflops

SIZES = {"n": 256, "t": 28, "d": 28, "h": 128}


def run(quick: bool = False) -> list[Row]:
    n, t, d, h = SIZES["n"], SIZES["t"], SIZES["d"], SIZES["h"]
    repeat = 5 if quick else 21
    r = compare_lstm(n, t, d, h, repeat=repeat)
    big = {k: matmul_gflops(n * t, d + h, 4 * h, repeat=repeat, threads=k) for k in (None, 1)}
    step = {k: matmul_gflops(n, h, 4 * h, calls=t, repeat=repeat, threads=k) for k in (None, 1)}
    ceiling = max(*big.values(), *step.values())
    size = f"N={n} T={t} D={d} H={h} float32, median of {repeat} interleaved rounds"
    p = "lstm"
    return [
        Row(p, "forward NumPy", r["numpy_forward_s"] * 1e3, "ms", note=size),
        Row(p, "forward Keras predict_on_batch", r["keras_forward_s"] * 1e3, "ms"),
        Row(p, "forward NumPy/Keras", r["forward_ratio"], "x", "<= 1.0",
            r["forward_ratio"] <= 1.0),
        Row(p, "fwd+bwd NumPy", r["numpy_train_s"] * 1e3, "ms"),
        Row(p, "fwd+bwd Keras tf.function+GradientTape", r["keras_train_s"] * 1e3, "ms"),
        Row(p, "fwd+bwd NumPy/Keras", r["train_ratio"], "x", "<= 1.0", r["train_ratio"] <= 1.0),
        Row(p, "forward NumPy/Keras, fastest rounds", r["forward_ratio_fastest"], "x",
            note="ratio of each side's fastest round: the rounds least disturbed by other "
                 "processes, an estimate for an idle machine"),
        Row(p, "fwd+bwd NumPy/Keras, fastest rounds", r["train_ratio_fastest"], "x"),
        Row(p, "forward NumPy", r["numpy_forward_gflops"], "GFLOP/s",
            note="LSTM GFLOP/s count the matrix products only (2*N*T*(D+H)*4H forward, 3x that "
                 "for fwd+bwd)"),
        Row(p, "forward Keras", r["keras_forward_gflops"], "GFLOP/s"),
        Row(p, "fwd+bwd NumPy", r["numpy_train_gflops"], "GFLOP/s"),
        Row(p, "fwd+bwd Keras", r["keras_train_gflops"], "GFLOP/s"),
        Row(p, "matmul, same FLOPs in one call", big[None], "GFLOP/s",
            note=f"({n * t}, {d + h}) @ ({d + h}, {4 * h}); BLAS default threads unless "
                 "'1 thread'"),
        Row(p, "matmul, same FLOPs in one call, 1 thread", big[1], "GFLOP/s"),
        Row(p, f"matmul, {t} step-sized calls", step[None], "GFLOP/s",
            note=f"{t} x ({n}, {h}) @ ({h}, {4 * h}), the recurrence's products"),
        Row(p, f"matmul, {t} step-sized calls, 1 thread", step[1], "GFLOP/s"),
        Row(p, "forward NumPy / best matmul", r["numpy_forward_gflops"] / ceiling, "x",
            note="fraction of the best matmul GFLOP/s above that the NumPy forward achieves"),
        Row(p, "forward NumPy / step-sized matmul", r["numpy_forward_gflops"] / max(step.values()),
            "x", note="fraction of the step-sized matmuls' GFLOP/s (the faster of default and 1 "
                      "thread) that the NumPy forward achieves"),
        Row(p, "forward max |NumPy - Keras|", r["max_abs_diff_forward"], ""),
        Row(p, "gradients relative error NumPy vs Keras", r["grads_relative_error"], "",
            note="minidl.gradcheck.relative_error, max|a - b| / max(max|a|, max|b|), the largest "
                 "over the gradients of x, kernel, recurrent_kernel and bias"),
    ]

"""The fast LSTM path behind :func:`minidl.lstm.lstm_forward` / :func:`~minidl.lstm.lstm_backward`
(private module).

It computes exactly what :func:`minidl.lstm.lstm_forward_reference` computes — the plain loop over
:func:`minidl.lstm.lstm_step` that chapter 5 shows — and ``tests/minidl/test_lstm.py`` checks the
two equal on odd shapes, both activation pairs, float32 and float64.  What it adds, for speed:

- the input projection ``x @ kernel + bias`` for all T steps is one matmul (the bias as one more
  kernel row, multiplied by a column of ones);
- the gate columns are reordered to (i, f, o, c) once, so the recurrent activation is applied to
  one contiguous 3H block and the cell activation to one H block per step; for Keras's default
  pair (tanh, sigmoid) one exp serves all four gates (tanh(z) = 2 sigmoid(2z) - 1);
- arrays are time-major inside, (T, N, ·), so each step reads and writes contiguous memory; the
  returned ``h_seq`` is a (N, T, H) *view* of that buffer (feeding it to another ``lstm_forward``
  costs no copy);
- the step loops write into preallocated buffers (no allocation per step);
- the samples of a batch are independent, so large batches are split into row blocks run by
  threads (NumPy releases the GIL inside its loops), each with single-threaded BLAS
  (``threadpoolctl``, a declared dependency): the per-step matmuls, (N, H) @ (H, 4H), are too
  small for BLAS's own threads, which on a busy machine wait for each other and can make a step
  tens of times slower;
- the backward pass keeps only the per-step recurrence in the loop; the weight gradients and
  ``dx`` are matmuls over all steps (split over time blocks between the threads).

Inputs are validated by :mod:`minidl.lstm` before they get here.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from minidl._blas import blas_threads

__all__ = ["KERNELS", "MIN_ROWS_PER_THREAD", "n_threads", "forward", "backward"]


def _sigmoid_(a, out):
    """``out[...] = sigmoid(a)`` without a temporary: 1 / (1 + exp(-a)).

    exp(-a) may overflow to inf for a < -88 (float32), giving exactly 0 — the right value to
    float precision; the caller silences that warning for the whole loop.
    """
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def _tanh_(a, out):
    np.tanh(a, out=out)


def _relu_(a, out):
    np.maximum(a, 0, out=out)


def _linear_(a, out):
    if out is not a:
        out[...] = a


def _sigmoid_d_(y, out):
    np.subtract(1, y, out=out)
    out *= y                                   # y (1 - y)


def _tanh_d_(y, out):
    np.multiply(y, y, out=out)
    np.subtract(1, out, out=out)               # 1 - y^2


def _relu_d_(y, out):
    np.greater(y, 0, out=out)                  # [y > 0] (0 at 0, as TensorFlow)


def _linear_d_(y, out):
    out.fill(1)


# name -> (in-place kernel f(a, out), in-place derivative d(y, out) expressed through the output
# y = f(z)).  Tests check that each kernel equals minidl.activations, and each derivative
# minidl.activations.*_grad, to float rounding.  Writing into preallocated buffers keeps the step
# loops free of allocations; expressing the derivative through y (sigmoid: y(1-y), tanh: 1-y^2,
# relu: [y>0]) saves recomputing f(z) when going back.
KERNELS = {
    "sigmoid": (_sigmoid_, _sigmoid_d_),
    "tanh": (_tanh_, _tanh_d_),
    "relu": (_relu_, _relu_d_),
    "linear": (_linear_, _linear_d_),
}


def _swap_co(a, H):
    """Swap the last two H-wide column blocks: (i, f, c, o) <-> (i, f, o, c)."""
    return np.concatenate([a[..., : 2 * H], a[..., 3 * H :], a[..., 2 * H : 3 * H]], axis=-1)


#: Below this many samples per thread, splitting a batch costs more than it gains.
MIN_ROWS_PER_THREAD = 32


def n_threads(threads, N):
    """How many threads to split a batch of N samples over (``threads`` already validated)."""
    if threads is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cores = os.cpu_count() or 1
        return max(1, min(cores, N // MIN_ROWS_PER_THREAD))
    return min(int(threads), N)


def _blocks(n, k):
    """``k`` contiguous (start, stop) ranges covering ``range(n)`` as evenly as possible."""
    edges = np.linspace(0, n, k + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def _parallel(fn, ranges):
    """Run ``fn(start, stop)`` for every range; the calling thread takes the first one."""
    if len(ranges) == 1:
        fn(*ranges[0])
        return
    with ThreadPoolExecutor(max_workers=len(ranges) - 1) as pool:
        futures = [pool.submit(fn, a, b) for a, b in ranges[1:]]
        fn(*ranges[0])
        for f in futures:
            f.result()   # re-raises a worker's exception


def forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype, activation, recurrent_activation,
            threads):
    """``(h_seq, h_last, c_last, cache)`` for validated inputs; ``dtype`` the result dtype."""
    k = n_threads(threads, x.shape[0])
    with blas_threads(1):
        return _forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype,
                        KERNELS[activation], KERNELS[recurrent_activation], k)


def backward(dh_seq, cache, dh_last, dc_last, threads):
    """The gradients dict of :func:`minidl.lstm.lstm_backward` for validated upstream gradients."""
    k = n_threads(threads, cache["shape"][0])
    with blas_threads(1):
        return _backward(dh_seq, cache, dh_last, dc_last, k)


def _forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype, act_entry, ract_entry, k):
    N, T, D = x.shape
    H = kernel.shape[1] // 4
    H2, H3 = 2 * H, 3 * H
    act, act_d = act_entry
    ract, ract_d = ract_entry
    # Keras's default pair (tanh, sigmoid) takes a fused path: with sigmoid(z) = 1/(1 + e^-z) and
    # tanh(z) = 2 sigmoid(2z) - 1, one exp serves all four gates when the gate columns are
    # pre-multiplied by -1 (i, f, o) and -2 (c).  Those factors are powers of two, so the scaled
    # weights are exact and the unscaled ones are kept for the backward pass.
    fused = act is _tanh_ and ract is _sigmoid_

    # Gate columns reordered once to (i, f, o, c): one sigmoid block, one tanh block per step.
    # The bias rides along as one more input row: [x_t, 1] @ [kernel; bias].
    Wa = _swap_co(np.concatenate([kernel, bias[None, :]]).astype(dtype, copy=False), H)
    Wr = np.ascontiguousarray(_swap_co(recurrent_kernel.astype(dtype, copy=False), H))
    if fused:
        scale = np.concatenate([np.full(H3, -1, dtype), np.full(H, -2, dtype)])
        Wa_step, Wr_step = Wa * scale, Wr * scale
    else:
        Wa_step, Wr_step = Wa, Wr
    xa = np.empty((T, N, D + 1), dtype)      # time-major inputs with a ones column
    xa[..., :D] = x.transpose(1, 0, 2)
    xa[..., D] = 1
    z = np.empty((T, N, 4 * H), dtype)       # pre-activations, then (in place) the gates
    hs = np.empty((T + 1, N, H), dtype)      # hs[0] = h0, hs[t + 1] = h_t
    cs = np.empty((T + 1, N, H), dtype)      # cs[0] = c0, cs[t + 1] = c_t
    hs[0] = 0 if h0 is None else h0
    cs[0] = 0 if c0 is None else c0
    act_c = np.empty((T, N, H), dtype)       # activation(c_t)

    def rows(a, b):
        n = b - a
        # The input projection of all T steps is one matmul: (T, n, D+1) @ (D+1, 4H).
        np.matmul(xa[:, a:b], Wa_step, out=z[:, a:b])
        rec, ig = np.empty((n, 4 * H), dtype), np.empty((n, H), dtype)
        # Each step adds h_{t-1} @ recurrent_kernel and applies the activations in place, so
        # z[t] becomes the step's gates (i, f, o, g).
        with np.errstate(over="ignore", under="ignore"):   # e^-z -> inf: sigmoid 0, exactly
            for t in range(T):
                g = z[t, a:b]
                np.matmul(hs[t, a:b], Wr_step, out=rec)
                g += rec
                if fused:                                    # g holds -z (i, f, o), -2z (c)
                    np.exp(g, out=g)
                    g += 1
                    np.reciprocal(g, out=g)                  # sigmoid(z), sigmoid(2 z_c)
                    g[:, H3:] *= 2
                    g[:, H3:] -= 1                           # tanh(z_c)
                else:
                    ract(g[:, :H3], out=g[:, :H3])           # i, f, o
                    act(g[:, H3:], out=g[:, H3:])            # g (candidate cell)
                c, ac = cs[t + 1, a:b], act_c[t, a:b]
                np.multiply(g[:, H:H2], cs[t, a:b], out=c)   # c = f * c_{t-1}
                np.multiply(g[:, :H], g[:, H3:], out=ig)     #   + i * g
                c += ig
                if fused:                                    # tanh(c) = 2 sigmoid(2c) - 1
                    np.multiply(c, -2, out=ac)
                    np.exp(ac, out=ac)
                    ac += 1
                    np.reciprocal(ac, out=ac)
                    ac *= 2
                    ac -= 1
                else:
                    act(c, out=ac)
                np.multiply(g[:, H2:H3], ac, out=hs[t + 1, a:b])   # h = o * activation(c)

    _parallel(rows, _blocks(N, k))
    cache = {
        "xa": xa, "Wa": Wa, "Wr": Wr, "hs": hs, "cs": cs, "gates": z, "act_c": act_c,
        "act_d": act_d, "ract_d": ract_d, "shape": (N, T, D, H), "dtype": dtype, "path": "fast",
    }
    return hs[1:].transpose(1, 0, 2), hs[T], cs[T], cache


def _backward(dh_seq, cache, dh_last, dc_last, k):
    N, T, D, H = cache["shape"]
    H2, H3 = 2 * H, 3 * H
    dtype = cache["dtype"]
    xa, hs, cs, gates, act_c = (cache[n] for n in ("xa", "hs", "cs", "gates", "act_c"))
    act_d, ract_d = cache["act_d"], cache["ract_d"]
    WrT = np.ascontiguousarray(cache["Wr"].T)                       # (4H, H)
    WkT = np.ascontiguousarray(cache["Wa"][:D].T)                   # (4H, D)
    dseq = None if dh_seq is None else np.asarray(dh_seq, dtype).transpose(1, 0, 2)

    dz = np.empty((T, N, 4 * H), dtype)     # dL/d(pre-activations), columns (i, f, o, c)
    dh = np.zeros((N, H), dtype) if dh_last is None else np.array(dh_last, dtype)
    dc = np.zeros((N, H), dtype) if dc_last is None else np.array(dc_last, dtype)

    def rows(a, b):
        n = b - a
        tmp, tmp2, dgate = np.empty((n, H), dtype), np.empty((n, H), dtype), np.empty((n, 4 * H),
                                                                                      dtype)
        dh_, dc_ = dh[a:b], dc[a:b]
        with np.errstate(under="ignore"):
            for t in range(T - 1, -1, -1):
                if dseq is not None:
                    dh_ += dseq[t, a:b]                          # dL/dh_t
                g, d, ac = gates[t, a:b], dz[t, a:b], act_c[t, a:b]
                np.multiply(dh_, ac, out=d[:, H2:H3])            # dL/do = dh * act(c_t)
                np.multiply(dh_, g[:, H2:H3], out=tmp)           # dL/dc_t += dh*o*act'(c_t)
                act_d(ac, out=tmp2)
                tmp *= tmp2
                dc_ += tmp
                np.multiply(dc_, g[:, H3:], out=d[:, :H])        # dL/di = dc * g
                np.multiply(dc_, cs[t, a:b], out=d[:, H:H2])     # dL/df = dc * c_{t-1}
                np.multiply(dc_, g[:, :H], out=d[:, H3:])        # dL/dg = dc * i
                ract_d(g[:, :H3], out=dgate[:, :H3])             # through the activations
                act_d(g[:, H3:], out=dgate[:, H3:])
                d *= dgate
                dc_ *= g[:, H:H2]                                # dL/dc_{t-1} = dc * f
                np.matmul(d, WrT, out=dh_)                       # dL/dh_{t-1}

    _parallel(rows, _blocks(N, k))

    # Weight gradients and dx: matmuls over all steps, split into time blocks.  The ones column
    # of xa turns the bias gradient (the sum over steps and samples) into the last row of dWa.
    spans = _blocks(T, k)
    dWa = np.empty((len(spans), D + 1, 4 * H), dtype)
    drec = np.empty((len(spans), H, 4 * H), dtype)
    dx = np.empty((T, N, D), dtype)

    def steps(a, b):
        j = spans.index((a, b))
        dz_ = dz[a:b].reshape(-1, 4 * H)
        np.matmul(xa[a:b].reshape(-1, D + 1).T, dz_, out=dWa[j])
        np.matmul(hs[a:b].reshape(-1, H).T, dz_, out=drec[j])
        np.matmul(dz_, WkT, out=dx[a:b].reshape(-1, D))

    _parallel(steps, spans)
    dWa = _swap_co(dWa.sum(axis=0), H)
    return {
        "x": dx.transpose(1, 0, 2),
        "kernel": dWa[:D],
        "recurrent_kernel": _swap_co(drec.sum(axis=0), H),
        "bias": dWa[D],
        "h0": dh,
        "c0": dc,
    }

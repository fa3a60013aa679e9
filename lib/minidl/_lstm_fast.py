"""The fast LSTM path behind :func:`minidl.lstm.lstm_forward` / :func:`~minidl.lstm.lstm_backward`
(private module).

It computes exactly what :func:`minidl.lstm.lstm_forward_reference` computes — the plain loop over
:func:`minidl.lstm.lstm_step` that chapter 5 shows — and ``tests/minidl/test_lstm.py`` checks the
two equal on odd shapes, both activation pairs, float32 and float64.  What it adds, for speed:

- each step is one matmul, ``[x_t, 1, h_{t-1}] @ [kernel; bias; recurrent_kernel]``: inputs, a
  column of ones and the previous hidden state sit side by side in one time-major buffer, and
  each step writes its ``h_t`` into the next step's row; going back, one product over all steps
  gives the kernel, bias and recurrent-kernel gradients together;
- the gate columns are reordered to (i, f, o, c) once, so the recurrent activation is applied to
  one contiguous 3H block and the cell activation to one H block per step; for Keras's default
  pair (tanh, sigmoid) one tanh serves all four gates (sigmoid(z) = (1 + tanh(z/2)) / 2, the 1/2
  folded into the weights);
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
    # Keras's default pair (tanh, sigmoid) takes a fused path: with sigmoid(z) = (1 + tanh(z/2))/2,
    # one tanh serves all four gates when the i, f, o columns are pre-multiplied by 1/2 (a power of
    # two: the scaled weights are exact; the unscaled ones are kept for the backward pass).  NumPy's
    # float32 tanh is about twice as fast as its exp, and needs no 1/(1 + e) afterwards.
    fused = act is _tanh_ and ract is _sigmoid_

    # Gate columns reordered once to (i, f, o, c): one sigmoid block, one tanh block per step.
    # Each step is one matmul [x_t, 1, h_{t-1}] @ [kernel; bias; recurrent_kernel]: the inputs,
    # the bias (a column of ones) and the previous hidden state sit side by side in one buffer,
    # and each step writes its h_t into the next step's row.
    K = D + 1 + H
    W = _swap_co(np.concatenate([kernel, bias[None, :], recurrent_kernel]).astype(dtype,
                                                                                 copy=False), H)
    if fused:
        W_step = W * np.concatenate([np.full(H3, 0.5, dtype), np.ones(H, dtype)])
    else:
        W_step = W
    xh = np.empty((T + 1, N, K), dtype)      # xh[t] = [x_t, 1, h_{t-1}]; xh[T] holds only h_T
    xh[:T, :, :D] = x.transpose(1, 0, 2)
    xh[T, :, :D + 1] = 0
    xh[:T, :, D] = 1
    hs = xh[..., D + 1:]                     # hs[0] = h0, hs[t + 1] = h_t (a view)
    hs[0] = h0
    z = np.empty((T, N, 4 * H), dtype)       # pre-activations, then (in place) the gates
    cs = np.empty((T + 1, N, H), dtype)      # cs[0] = c0, cs[t + 1] = c_t
    cs[0] = c0
    act_c = np.empty((T, N, H), dtype)       # activation(c_t)

    def rows(a, b):
        n = b - a
        ig = np.empty((n, H), dtype)
        # Each step computes its pre-activations in one matmul and applies the activations in
        # place, so z[t] becomes the step's gates (i, f, o, g).
        with np.errstate(over="ignore", under="ignore"):   # e^-z -> inf: sigmoid 0, exactly
            for t in range(T):
                g = z[t, a:b]
                np.matmul(xh[t, a:b], W_step, out=g)
                if fused:                                    # g holds z/2 (i, f, o), z (c)
                    np.tanh(g, out=g)                        # tanh(z/2), tanh(z_c)
                    sig = g[:, :H3]
                    sig *= 0.5
                    sig += 0.5                               # sigmoid(z) = (1 + tanh(z/2)) / 2
                else:
                    ract(g[:, :H3], out=g[:, :H3])           # i, f, o
                    act(g[:, H3:], out=g[:, H3:])            # g (candidate cell)
                c, ac = cs[t + 1, a:b], act_c[t, a:b]
                np.multiply(g[:, H:H2], cs[t, a:b], out=c)   # c = f * c_{t-1}
                np.multiply(g[:, :H], g[:, H3:], out=ig)     #   + i * g
                c += ig
                act(c, out=ac)
                np.multiply(g[:, H2:H3], ac, out=hs[t + 1, a:b])   # h = o * activation(c)

    _parallel(rows, _blocks(N, k))
    cache = {
        "xh": xh, "W": W, "cs": cs, "gates": z, "act_c": act_c,
        "act_d": act_d, "ract_d": ract_d, "shape": (N, T, D, H), "dtype": dtype, "path": "fast",
    }
    return hs[1:].transpose(1, 0, 2), hs[T], cs[T], cache


def _backward(dh_seq, cache, dh_last, dc_last, k):
    N, T, D, H = cache["shape"]
    H2, H3 = 2 * H, 3 * H
    dtype = cache["dtype"]
    xh, cs, gates, act_c = (cache[n] for n in ("xh", "cs", "gates", "act_c"))
    act_d, ract_d = cache["act_d"], cache["ract_d"]
    K = D + 1 + H
    WrT = np.ascontiguousarray(cache["W"][D + 1:].T)                # (4H, H)
    WkT = np.ascontiguousarray(cache["W"][:D].T)                    # (4H, D)
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

    # Weight gradients and dx: matmuls over all steps, split into time blocks.  xh[t] holds
    # [x_t, 1, h_{t-1}], so one product gives the kernel, bias (the ones column: the sum over
    # steps and samples) and recurrent-kernel gradients together.
    spans = _blocks(T, k)
    dW = np.empty((len(spans), K, 4 * H), dtype)
    dx = np.empty((T, N, D), dtype)

    def steps(a, b):
        j = spans.index((a, b))
        dz_ = dz[a:b].reshape(-1, 4 * H)
        np.matmul(xh[a:b].reshape(-1, K).T, dz_, out=dW[j])
        np.matmul(dz_, WkT, out=dx[a:b].reshape(-1, D))

    _parallel(steps, spans)
    dW = _swap_co(dW.sum(axis=0), H)
    return {
        "x": dx.transpose(1, 0, 2),
        "kernel": dW[:D],
        "recurrent_kernel": dW[D + 1:],
        "bias": dW[D],
        "h0": dh,
        "c0": dc,
    }

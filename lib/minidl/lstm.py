"""A NumPy LSTM layer whose weights are exactly Keras's, forward and backward.

Chapter 5 uses it to recompute the predictions of a trained ``keras.layers.LSTM`` from the layer's
own ``get_weights()`` — the LSTM is not a black box, it is twenty lines of array code.

Weights (the arrays ``keras.layers.LSTM(units).get_weights()`` returns, gate order i, f, c, o):

- ``kernel``: (D, 4H) — input weights;
- ``recurrent_kernel``: (H, 4H) — hidden-state weights;
- ``bias``: (4H,).

One step, with ``z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`` split into four H-wide
blocks ``z_i, z_f, z_c, z_o``::

    i = recurrent_activation(z_i)      f = recurrent_activation(z_f)
    o = recurrent_activation(z_o)      g = activation(z_c)
    c_t = f * c_{t-1} + i * g          h_t = o * activation(c_t)

Implementation notes (the code is written for speed where that costs no clarity):

- the input projection ``x @ kernel + bias`` for all T steps is one matmul (the bias as one more
  kernel row, multiplied by a column of ones);
- internally the gate columns are reordered to (i, f, o, c) once, so the recurrent activation is
  applied to one contiguous 3H block and the cell activation to one H block per step; for Keras's
  default pair (tanh, sigmoid) one exp serves all four gates (tanh(z) = 2 sigmoid(2z) - 1);
- arrays are time-major inside, (T, N, ·), so each step reads and writes contiguous memory; the
  returned ``h_seq`` is a (N, T, H) *view* of that buffer (feeding it to another ``lstm_forward``
  costs no copy);
- the step loops write into preallocated buffers (no allocation per step);
- the samples of a batch are independent, so large batches are split into row blocks run by
  threads (NumPy releases the GIL inside its loops), each with single-threaded BLAS: the per-step
  matmuls, (N, H) @ (H, 4H), are too small for BLAS's own threads, which on a busy machine wait
  for each other and can make a step tens of times slower;
- the backward pass keeps only the per-step recurrence in the loop; the weight gradients and ``dx``
  are matmuls over all steps (split over time blocks between the threads);
- float32 in, float32 out (the dtype is ``numpy.result_type`` of the inputs and weights).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from minidl import activations as _act
from minidl._blas import blas_threads as _blas_threads

__all__ = ["lstm_forward", "lstm_backward", "ACTIVATIONS"]


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


# name -> (reference function, in-place kernel f(a, out), in-place derivative d(y, out) expressed
# through the output y = f(z)).  The reference is minidl.activations; tests check that each kernel
# equals it, and each derivative equals minidl.activations.*_grad, to float rounding.  Writing into
# preallocated buffers keeps the step loops free of allocations; expressing the derivative
# through y (sigmoid: y(1-y), tanh: 1-y^2, relu: [y>0]) saves recomputing f(z) when going back.
ACTIVATIONS = {
    "sigmoid": (_act.sigmoid, _sigmoid_, _sigmoid_d_),
    "tanh": (_act.tanh, _tanh_, _tanh_d_),
    "relu": (_act.relu, _relu_, _relu_d_),
    "linear": (_act.linear, _linear_, _linear_d_),
}


def _lookup(name, role):
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{role} must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def _swap_co(a, H):
    """Swap the last two H-wide column blocks: (i, f, c, o) <-> (i, f, o, c)."""
    return np.concatenate([a[..., : 2 * H], a[..., 3 * H :], a[..., 2 * H : 3 * H]], axis=-1)


def _check_float(a, name):
    a = np.asarray(a)
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"{name} must be a real numeric array, got dtype {a.dtype}")
    return a


#: Below this many samples per thread, splitting a batch costs more than it gains.
MIN_ROWS_PER_THREAD = 32


def _n_threads(threads, N):
    if threads is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cores = os.cpu_count() or 1
        return max(1, min(cores, N // MIN_ROWS_PER_THREAD))
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"threads must be a positive int or None, got {threads!r}")
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


def lstm_forward(x, kernel, recurrent_kernel, bias, h0=None, c0=None,
                 activation="tanh", recurrent_activation="sigmoid", *, threads=None):
    """Run an LSTM over a batch of sequences.

    Parameters
    ----------
    x: (N, T, D) batch-first inputs.
    kernel: (D, 4H), recurrent_kernel: (H, 4H), bias: (4H,) — Keras ``LSTM.get_weights()``,
        gate order i, f, c, o.
    h0, c0: (N, H) initial hidden and cell states; zeros when ``None`` (as in Keras).
    activation, recurrent_activation: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"``
        (Keras's argument names and defaults).
    threads: threads over blocks of the batch; ``None`` (default) uses one per available core,
        but keeps at least ``MIN_ROWS_PER_THREAD`` samples per thread.  BLAS runs single-threaded
        inside the call (``threadpoolctl``).  The result does not depend on it beyond float
        rounding.

    Returns
    -------
    h_seq: (N, T, H) hidden state at every step (Keras ``return_sequences=True``), a view of a
        time-major buffer;
    h_last: (N, H) last hidden state (Keras ``return_sequences=False``, and the first state of
        ``return_state=True``); c_last: (N, H) last cell state (the second state);
    cache: what :func:`lstm_backward` needs.

    The result dtype is ``numpy.result_type`` of x and the weights (float32 stays float32).
    Raises ``ValueError`` naming the shapes when they do not fit.
    """
    x = _check_float(x, "x")
    kernel = _check_float(kernel, "kernel")
    recurrent_kernel = _check_float(recurrent_kernel, "recurrent_kernel")
    bias = _check_float(bias, "bias")
    _lookup(activation, "activation")
    _lookup(recurrent_activation, "recurrent_activation")
    if x.ndim != 3:
        raise ValueError(f"x must be 3-D (N, T, D) (batch, steps, features), got shape {x.shape}")
    N, T, D = x.shape
    if N == 0 or T == 0:
        raise ValueError(f"x needs at least one sample and one step, got shape {x.shape}")
    if kernel.ndim != 2 or kernel.shape[0] != D or kernel.shape[1] % 4 or kernel.shape[1] == 0:
        raise ValueError(
            f"kernel must be (D, 4H) with D = {D} features to match x {x.shape}, "
            f"got kernel shape {kernel.shape}")
    H = kernel.shape[1] // 4
    if recurrent_kernel.shape != (H, 4 * H):
        raise ValueError(
            f"recurrent_kernel must be (H, 4H) = {(H, 4 * H)} to match kernel {kernel.shape}, "
            f"got shape {recurrent_kernel.shape}")
    if bias.shape != (4 * H,):
        raise ValueError(
            f"bias must be (4H,) = {(4 * H,)} to match kernel {kernel.shape}, "
            f"got shape {bias.shape}")
    for name, s in (("h0", h0), ("c0", c0)):
        if s is not None and np.shape(s) != (N, H):
            raise ValueError(f"{name} must be (N, H) = {(N, H)}, got shape {np.shape(s)}")
    dtype = np.result_type(x, kernel, recurrent_kernel, bias)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float64)
    for name, a in (("x", x), ("kernel", kernel), ("recurrent_kernel", recurrent_kernel),
                    ("bias", bias)):
        if not np.isfinite(a).all():
            raise ValueError(f"{name} contains NaN or inf (shape {a.shape})")
    k = _n_threads(threads, N)

    with _blas_threads(1):
        return _forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype,
                        ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation], k)


def lstm_backward(dh_seq, cache, dh_last=None, dc_last=None, *, threads=None):
    """Back-propagate through :func:`lstm_forward` (back-propagation through time).

    Parameters
    ----------
    dh_seq: (N, T, H) gradient of the loss w.r.t. ``h_seq``, or ``None`` when the loss does not
        use the sequence (Keras ``return_sequences=False``).
    cache: from :func:`lstm_forward` (not modified: the backward pass can be run again).
    dh_last: (N, H) gradient w.r.t. ``h_last``, or ``None``.
    dc_last: (N, H) gradient w.r.t. ``c_last``, or ``None``.
    threads: as in :func:`lstm_forward`.

    Returns
    -------
    dict with ``dx`` (N, T, D), ``dkernel`` (D, 4H), ``drecurrent_kernel`` (H, 4H),
    ``dbias`` (4H,), ``dh0`` (N, H), ``dc0`` (N, H); gate order i, f, c, o as in Keras.
    """
    if not isinstance(cache, dict) or "gates" not in cache:
        raise ValueError("cache must be the fourth value returned by lstm_forward")
    N, T, D, H = cache["shape"]
    if dh_seq is not None and np.shape(dh_seq) != (N, T, H):
        raise ValueError(f"dh_seq must be (N, T, H) = {(N, T, H)}, got shape {np.shape(dh_seq)}")
    for name, s in (("dh_last", dh_last), ("dc_last", dc_last)):
        if s is not None and np.shape(s) != (N, H):
            raise ValueError(f"{name} must be (N, H) = {(N, H)}, got shape {np.shape(s)}")
    if dh_seq is None and dh_last is None and dc_last is None:
        raise ValueError("give at least one of dh_seq, dh_last, dc_last")
    k = _n_threads(threads, N)

    with _blas_threads(1):
        return _backward(dh_seq, cache, dh_last, dc_last, k)


def _forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype, act_entry, ract_entry, k):
    N, T, D = x.shape
    H = kernel.shape[1] // 4
    H2, H3 = 2 * H, 3 * H
    _, act, act_d = act_entry
    _, ract, ract_d = ract_entry
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
        "act_d": act_d, "ract_d": ract_d, "shape": (N, T, D, H), "dtype": dtype,
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
        "dx": dx.transpose(1, 0, 2),
        "dkernel": dWa[:D],
        "drecurrent_kernel": _swap_co(drec.sum(axis=0), H),
        "dbias": dWa[D],
        "dh0": dh,
        "dc0": dc,
    }

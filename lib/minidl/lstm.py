"""The LSTM layer in NumPy, with exactly Keras's weights, forward and backward.

Weights (the arrays ``keras.layers.LSTM(units).get_weights()`` returns, gate order i, f, c, o):

- ``kernel``: (D, 4H) — input weights ``[W_i W_f W_c W_o]``;
- ``recurrent_kernel``: (H, 4H) — hidden-state weights ``[U_i U_f U_c U_o]``;
- ``bias``: (4H,).

Two implementations of one layer:

- the **reference**, :func:`lstm_step` (one step: the gate equations as the book writes them,
  nothing else) with :func:`lstm_step_backward`, and :func:`lstm_forward_reference` /
  :func:`lstm_backward_reference`, plain loops over the steps (cs231n's pattern).  This is the
  LSTM the book shows; tests check it against ``keras.layers.LSTM`` and ``tf.GradientTape``;
- the **fast path**, :func:`lstm_forward` / :func:`lstm_backward`, same arguments (plus
  ``threads`` and ``workspace``), same results (tested equal to the reference): the gates stored
  gate-major and contiguous, one exp-free activation for all four gates, work buffers reused
  between calls (a :class:`Workspace`), a thread per block of the batch (the private module
  ``minidl._lstm_fast`` says how).  Benchmarks and :func:`minidl.keras_models.numpy_predict`
  use it.  Like the reference, it returns arrays of its own: writing into ``out`` never changes
  what the backward pass computes.

Both follow minidl's layer contract: ``*_forward(...) -> (out, cache)`` with ``out`` an
:class:`LSTMOutput` ``(h_seq, h_last, c_last)``, and ``*_backward(dout, cache) -> dict`` of
gradients keyed by the forward pass's argument names (``"x"``, ``"kernel"``,
``"recurrent_kernel"``, ``"bias"``, ``"h0"``, ``"c0"``).  float32 in, float32 out (the result
dtype is ``numpy.result_type`` of the inputs and weights).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from minidl import _lstm_fast
from minidl._lstm_fast import Workspace, default_workspace
from minidl.activations import ELEMENTWISE
from minidl.activations import get as _activation
from minidl.validation import as_float_array, check_choice, check_int, check_shape, shape_str

__all__ = [
    "LSTMOutput",
    "ACTIVATIONS",
    "lstm_step",
    "lstm_step_backward",
    "lstm_forward_reference",
    "lstm_backward_reference",
    "lstm_forward",
    "lstm_backward",
    "Workspace",
    "default_workspace",
]

#: The names ``activation`` and ``recurrent_activation`` accept: the elementwise activations of
#: :mod:`minidl.activations` (the same tuple, :data:`minidl.activations.ELEMENTWISE`).
ACTIVATIONS = ELEMENTWISE


class LSTMOutput(NamedTuple):
    """The ``out`` of :func:`lstm_forward`; also the form of the upstream gradient ``dout``."""

    #: (N, T, H) hidden state at every step (Keras ``return_sequences=True``)
    h_seq: np.ndarray
    #: (N, H) last hidden state (Keras ``return_sequences=False``; first state of
    #: ``return_state=True``)
    h_last: np.ndarray
    #: (N, H) last cell state (the second state of ``return_state=True``)
    c_last: np.ndarray


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias,
              activation="tanh", recurrent_activation="sigmoid"):
    """One LSTM step, Keras gate order i, f, c, o.

    x_t: (N, D); h_prev, c_prev: (N, H); kernel: (D, 4H); recurrent_kernel: (H, 4H);
    bias: (4H,).  Returns ``(h_t, c_t, cache)``, h_t and c_t: (N, H), ``cache`` for
    :func:`lstm_step_backward`.  No input checks (:func:`lstm_forward_reference` makes them).
    """
    sigma = _activation(recurrent_activation).fn           # σ, Keras default sigmoid
    phi = _activation(activation).fn                       # φ, Keras default tanh
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias    # (N, 4H)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)
    i = sigma(z_i)                                         # input gate
    f = sigma(z_f)                                         # forget gate
    g = phi(z_c)                                           # candidate cell state
    o = sigma(z_o)                                         # output gate
    c_t = f * c_prev + i * g
    h_t = o * phi(c_t)
    cache = (x_t, h_prev, c_prev, kernel, recurrent_kernel, z, i, f, g, o, c_t,
             activation, recurrent_activation)
    return h_t, c_t, cache


def lstm_step_backward(dh_t, dc_t, cache):
    """Back-propagate one :func:`lstm_step`: the chain rule through its six lines.

    dh_t, dc_t: (N, H) gradients of the loss w.r.t. h_t and c_t; cache: from :func:`lstm_step`.
    Returns a dict keyed by :func:`lstm_step`'s argument names: ``"x_t"`` (N, D),
    ``"h_prev"`` and ``"c_prev"`` (N, H), ``"kernel"`` (D, 4H), ``"recurrent_kernel"`` (H, 4H),
    ``"bias"`` (4H,).
    """
    x_t, h_prev, c_prev, kernel, recurrent_kernel, z, i, f, g, o, c_t, act, ract = cache
    d_sigma = _activation(ract).grad
    phi, d_phi = _activation(act).fn, _activation(act).grad
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)
    do = dh_t * phi(c_t)                                   # h_t = o * φ(c_t)
    dc = dc_t + dh_t * o * d_phi(c_t)
    di, df, dg = dc * g, dc * c_prev, dc * i               # c_t = f * c_prev + i * g
    dz = np.concatenate([di * d_sigma(z_i), df * d_sigma(z_f), dg * d_phi(z_c),
                         do * d_sigma(z_o)], axis=1)       # (N, 4H), order i, f, c, o
    return {"x_t": dz @ kernel.T, "h_prev": dz @ recurrent_kernel.T, "c_prev": dc * f,
            "kernel": x_t.T @ dz, "recurrent_kernel": h_prev.T @ dz, "bias": dz.sum(axis=0)}


# --------------------------------------------------------------------------------- validation
def _check_inputs(x, kernel, recurrent_kernel, bias, h0, c0, activation, recurrent_activation):
    """Validated arrays and the result dtype; the messages name the shapes that do not fit."""
    x = as_float_array(x, "x", finite=False)
    kernel = as_float_array(kernel, "kernel", finite=False)
    recurrent_kernel = as_float_array(recurrent_kernel, "recurrent_kernel", finite=False)
    bias = as_float_array(bias, "bias", finite=False)
    check_choice(activation, "activation", ACTIVATIONS)
    check_choice(recurrent_activation, "recurrent_activation", ACTIVATIONS)
    if x.ndim != 3:
        raise ValueError(f"x must be 3-D (N, T, D) (batch, steps, features), got shape "
                         f"{shape_str(x.shape)}")
    N, T, D = x.shape
    if N == 0 or T == 0:
        raise ValueError(f"x needs at least one sample and one step, got shape "
                         f"{shape_str(x.shape)}")
    if kernel.ndim != 2 or kernel.shape[0] != D or kernel.shape[1] % 4 or kernel.shape[1] == 0:
        raise ValueError(
            f"kernel must be (D, 4H) with D = {D} features to match x {shape_str(x.shape)}, "
            f"got kernel shape {shape_str(kernel.shape)}")
    H = kernel.shape[1] // 4
    context = f" to match kernel {shape_str(kernel.shape)}"
    check_shape(recurrent_kernel, "recurrent_kernel", (H, 4 * H), "(H, 4H)", context)
    check_shape(bias, "bias", (4 * H,), "(4H,)", context)
    dtype = np.result_type(x, kernel, recurrent_kernel, bias)
    states = []
    for name, s in (("h0", h0), ("c0", c0)):
        if s is None:
            states.append(np.zeros((N, H), dtype))
            continue
        s = as_float_array(s, name)
        check_shape(s, name, (N, H), "(N, H)", f" to match x {shape_str(x.shape)}")
        states.append(s.astype(dtype, copy=False))
    for name, a in (("x", x), ("kernel", kernel), ("recurrent_kernel", recurrent_kernel),
                    ("bias", bias)):
        if not np.isfinite(a).all():
            raise ValueError(f"{name} contains NaN or inf (shape {shape_str(a.shape)})")
    return x, kernel, recurrent_kernel, bias, states[0], states[1], dtype


def _check_dout(dout, shape, dtype):
    """``(dh_seq, dh_last, dc_last)`` from an (N, T, H) array or a 3-tuple with ``None``s."""
    N, T, _, H = shape
    if isinstance(dout, tuple):
        if len(dout) != 3:
            raise ValueError(f"dout must be (dh_seq, dh_last, dc_last), got {len(dout)} values")
        parts = list(dout)
    else:
        parts = [dout, None, None]
    if all(p is None for p in parts):
        raise ValueError("dout needs at least one of dh_seq, dh_last, dc_last (not all None)")
    for k, (name, want, what) in enumerate((("dh_seq", (N, T, H), "(N, T, H)"),
                                            ("dh_last", (N, H), "(N, H)"),
                                            ("dc_last", (N, H), "(N, H)"))):
        if parts[k] is not None:
            parts[k] = as_float_array(parts[k], name)
            check_shape(parts[k], name, want, what)
            parts[k] = parts[k].astype(dtype, copy=False)
    return parts


def _check_cache(cache, path):
    if not isinstance(cache, dict) or cache.get("path") != path:
        fn = "lstm_forward" if path == "fast" else "lstm_forward_reference"
        raise ValueError(f"cache must be the second value returned by {fn}")
    return cache


# ---------------------------------------------------------------------------------- reference
def lstm_forward_reference(x, kernel, recurrent_kernel, bias, h0=None, c0=None,
                           activation="tanh", recurrent_activation="sigmoid"):
    """Run :func:`lstm_step` over the steps of a batch of sequences (the readable LSTM).

    Same arguments and results as :func:`lstm_forward` (without ``threads``).
    """
    x, kernel, recurrent_kernel, bias, h, c, dtype = _check_inputs(
        x, kernel, recurrent_kernel, bias, h0, c0, activation, recurrent_activation)
    kernel, recurrent_kernel, bias = (a.astype(dtype, copy=False)
                                      for a in (kernel, recurrent_kernel, bias))
    steps, hs = [], []
    for t in range(x.shape[1]):
        h, c, step_cache = lstm_step(x[:, t].astype(dtype, copy=False), h, c, kernel,
                                     recurrent_kernel, bias, activation, recurrent_activation)
        steps.append(step_cache)
        hs.append(h)
    cache = {"path": "reference", "steps": steps, "shape": (*x.shape, h.shape[1]),
             "dtype": dtype}
    # Copies: the last step's cache holds c (and lstm_step_backward reads it), so handing out the
    # same array would let a write into out.c_last change the gradients.
    return LSTMOutput(np.stack(hs, axis=1), h.copy(), c.copy()), cache


def lstm_backward_reference(dout, cache):
    """Back-propagation through time over :func:`lstm_step_backward` (the readable backward).

    Same arguments and results as :func:`lstm_backward` (without ``threads``); ``cache`` from
    :func:`lstm_forward_reference`.
    """
    cache = _check_cache(cache, "reference")
    N, T, D, H = cache["shape"]
    dh_seq, dh, dc = _check_dout(dout, cache["shape"], cache["dtype"])
    zeros = np.zeros((N, H), cache["dtype"])
    dh = zeros if dh is None else dh
    dc = zeros if dc is None else dc
    grads = {"x": np.zeros((N, T, D), cache["dtype"])}
    for t in reversed(range(T)):
        if dh_seq is not None:
            dh = dh + dh_seq[:, t]
        step = lstm_step_backward(dh, dc, cache["steps"][t])
        grads["x"][:, t] = step["x_t"]
        for name in ("kernel", "recurrent_kernel", "bias"):
            grads[name] = grads[name] + step[name] if name in grads else step[name]
        dh, dc = step["h_prev"], step["c_prev"]
    grads["h0"], grads["c0"] = dh, dc
    return grads


# ---------------------------------------------------------------------------------- fast path
def lstm_forward(x, kernel, recurrent_kernel, bias, h0=None, c0=None,
                 activation="tanh", recurrent_activation="sigmoid", *, threads=None,
                 workspace=None):
    """Run an LSTM over a batch of sequences (the fast path; equal to
    :func:`lstm_forward_reference`).

    Parameters
    ----------
    x : array, (N, T, D)
        Batch-first inputs.
    kernel, recurrent_kernel, bias : arrays, (D, 4H), (H, 4H), (4H,)
        Keras ``LSTM.get_weights()``, gate order i, f, c, o.
    h0, c0 : arrays, (N, H), optional
        Initial hidden and cell states; zeros when ``None`` (as in Keras).
    activation, recurrent_activation : str
        ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"`` (Keras's names and defaults).
    threads : int, optional
        Threads over blocks of the batch; ``None`` (default) uses one per available core, but
        keeps at least ``MIN_ROWS_PER_THREAD`` (32) samples per thread.  BLAS runs
        single-threaded inside the call.  The result does not depend on it beyond float rounding.
    workspace : Workspace, optional
        Where the large work arrays (and ``h_seq``) come from and return to between calls;
        ``None`` uses :func:`default_workspace` (created on first use; ``.clear()`` frees it).

    Returns
    -------
    out : LSTMOutput
        ``(h_seq, h_last, c_last)``: (N, T, H), (N, H), (N, H), arrays of their own (copies,
        never views of ``cache``): writing into them does not change what :func:`lstm_backward`
        returns.
    cache : dict
        What :func:`lstm_backward` needs.

    Raises
    ------
    TypeError
        For non-numeric arrays or non-string activation names.
    ValueError
        Naming the shapes when they do not fit, or a NaN/inf entry.
    """
    x, kernel, recurrent_kernel, bias, h0, c0, dtype = _check_inputs(
        x, kernel, recurrent_kernel, bias, h0, c0, activation, recurrent_activation)
    if threads is not None:
        threads = check_int(threads, "threads", min_value=1)
    h_seq, h_last, c_last, cache = _lstm_fast.forward(
        x, kernel, recurrent_kernel, bias, h0, c0, dtype, activation, recurrent_activation,
        threads, _check_workspace(workspace))
    return LSTMOutput(h_seq, h_last, c_last), cache


def lstm_backward(dout, cache, *, threads=None, workspace=None):
    """Back-propagate through :func:`lstm_forward` (back-propagation through time, fast path).

    Parameters
    ----------
    dout : array (N, T, H), or a tuple ``(dh_seq, dh_last, dc_last)``
        The gradient of the loss w.r.t. ``out``: an array is ``dh_seq`` alone (the loss uses the
        whole sequence); a tuple (an :class:`LSTMOutput` of gradients, say) gives the gradients
        w.r.t. ``h_seq`` (N, T, H), ``h_last`` (N, H) and ``c_last`` (N, H), any of them ``None``
        when the loss does not use that output (Keras ``return_sequences=False``: only
        ``dh_last``).
    cache : dict
        From :func:`lstm_forward` (not modified: the backward pass can be run again).
    threads, workspace : optional
        As in :func:`lstm_forward`.

    Returns
    -------
    dict
        Gradients keyed by :func:`lstm_forward`'s argument names: ``"x"`` (N, T, D),
        ``"kernel"`` (D, 4H), ``"recurrent_kernel"`` (H, 4H), ``"bias"`` (4H,), ``"h0"`` and
        ``"c0"`` (N, H); gate order i, f, c, o as in Keras.
    """
    cache = _check_cache(cache, "fast")
    dh_seq, dh_last, dc_last = _check_dout(dout, cache["shape"], cache["dtype"])
    if threads is not None:
        threads = check_int(threads, "threads", min_value=1)
    return _lstm_fast.backward(dh_seq, cache, dh_last, dc_last, threads,
                               _check_workspace(workspace))


def _check_workspace(workspace) -> Workspace:
    if workspace is None:
        return default_workspace()
    if not isinstance(workspace, Workspace):
        raise TypeError(f"workspace must be a minidl.lstm.Workspace or None, "
                        f"got {type(workspace).__name__}")
    return workspace

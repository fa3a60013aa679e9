"""The plain (Elman) recurrent network in NumPy, with Keras ``SimpleRNN``'s weights (chapter 5).

Chapter 5 compares how far a gradient travels back through time in this network and in an LSTM
(:mod:`minidl.bptt`).  One step is

    H_t = φ(X_t W + H_{t-1} U + b)

with the arrays ``keras.layers.SimpleRNN(units).get_weights()`` returns:

- ``kernel`` W: (D, H); ``recurrent_kernel`` U: (H, H); ``bias`` b: (H,).

Same contract as :mod:`minidl.lstm`'s reference path: :func:`rnn_step` /
:func:`rnn_step_backward` for one step, :func:`rnn_forward` / :func:`rnn_backward` for a batch of
sequences (back-propagation through time as a plain loop over the steps).  The loss may depend on
every hidden state: ``rnn_backward`` takes the gradient with respect to the whole sequence
``h_seq`` (N, T, H).  Tests compare it with ``keras.layers.SimpleRNN``, ``tf.GradientTape`` and
finite differences.
"""

from __future__ import annotations

import numpy as np

from minidl.activations import get as _activation
from minidl.validation import as_float_array, check_choice, check_shape, shape_str

__all__ = ["ACTIVATIONS", "rnn_step", "rnn_step_backward", "rnn_forward", "rnn_backward"]

#: The names ``activation`` accepts (Keras's names; the default is tanh, as in Keras).
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")


def rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias, activation="tanh"):
    """One step ``h_t = φ(x_t W + h_prev U + b)``.

    x_t: (N, D); h_prev: (N, H); kernel: (D, H); recurrent_kernel: (H, H); bias: (H,).
    Returns ``(h_t, cache)``, h_t: (N, H), ``cache`` for :func:`rnn_step_backward`.  No input
    checks (:func:`rnn_forward` makes them).
    """
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias    # (N, H)
    h_t = _activation(activation).fn(z)
    return h_t, (x_t, h_prev, kernel, recurrent_kernel, z, activation)


def rnn_step_backward(dh_t, cache):
    """Back-propagate one :func:`rnn_step`.

    dh_t: (N, H), the gradient of the loss w.r.t. h_t.  Returns a dict keyed by
    :func:`rnn_step`'s argument names: ``"x_t"`` (N, D), ``"h_prev"`` (N, H), ``"kernel"``
    (D, H), ``"recurrent_kernel"`` (H, H), ``"bias"`` (H,).
    """
    x_t, h_prev, kernel, recurrent_kernel, z, activation = cache
    dz = dh_t * _activation(activation).grad(z)            # (N, H)
    return {"x_t": dz @ kernel.T, "h_prev": dz @ recurrent_kernel.T,
            "kernel": x_t.T @ dz, "recurrent_kernel": h_prev.T @ dz, "bias": dz.sum(axis=0)}


def rnn_forward(x, kernel, recurrent_kernel, bias, h0=None, activation="tanh"):
    """Run :func:`rnn_step` over the steps of a batch of sequences.

    x: (N, T, D) batch-first; kernel: (D, H); recurrent_kernel: (H, H); bias: (H,);
    h0: (N, H) or ``None`` (zeros, as in Keras); activation: one of :data:`ACTIVATIONS`.
    Returns ``(h_seq, cache)``: h_seq (N, T, H), the hidden state at every step (Keras
    ``return_sequences=True``), and what :func:`rnn_backward` needs.  The dtype is
    ``numpy.result_type`` of the inputs.

    Raises ``TypeError`` for non-numeric arrays and ``ValueError`` naming the shapes that do not
    fit, an unknown activation or a NaN/inf entry.
    """
    x = as_float_array(x, "x")
    kernel = as_float_array(kernel, "kernel")
    recurrent_kernel = as_float_array(recurrent_kernel, "recurrent_kernel")
    bias = as_float_array(bias, "bias")
    check_choice(activation, "activation", ACTIVATIONS)
    if x.ndim != 3 or 0 in x.shape[:2]:
        raise ValueError(f"x must be 3-D (N, T, D) (batch, steps, features) with at least one "
                         f"sample and one step, got shape {shape_str(x.shape)}")
    N, T, D = x.shape
    if kernel.ndim != 2 or kernel.shape[0] != D or kernel.shape[1] == 0:
        raise ValueError(f"kernel must be (D, H) with D = {D} features to match x "
                         f"{shape_str(x.shape)}, got kernel shape {shape_str(kernel.shape)}")
    H = kernel.shape[1]
    context = f" to match kernel {shape_str(kernel.shape)}"
    check_shape(recurrent_kernel, "recurrent_kernel", (H, H), "(H, H)", context)
    check_shape(bias, "bias", (H,), "(H,)", context)
    dtype = np.result_type(x, kernel, recurrent_kernel, bias)
    if h0 is None:
        h = np.zeros((N, H), dtype)
    else:
        h = as_float_array(h0, "h0")
        check_shape(h, "h0", (N, H), "(N, H)", f" to match x {shape_str(x.shape)}")
        h = h.astype(dtype, copy=False)
    kernel, recurrent_kernel, bias = (a.astype(dtype, copy=False)
                                      for a in (kernel, recurrent_kernel, bias))
    steps, hs = [], []
    for t in range(T):
        h, step_cache = rnn_step(x[:, t].astype(dtype, copy=False), h, kernel, recurrent_kernel,
                                 bias, activation)
        steps.append(step_cache)
        hs.append(h)
    return np.stack(hs, axis=1), {"steps": steps, "shape": (N, T, D, H), "dtype": dtype}


def rnn_backward(dh_seq, cache):
    """Back-propagation through time over :func:`rnn_step_backward`.

    dh_seq: (N, T, H), the gradient of the loss w.r.t. every hidden state of
    :func:`rnn_forward`'s ``h_seq`` (zeros where the loss does not use a step: a loss on the last
    state alone has ``dh_seq[:, :-1] = 0``).  Returns a dict keyed by :func:`rnn_forward`'s
    argument names: ``"x"`` (N, T, D), ``"kernel"`` (D, H), ``"recurrent_kernel"`` (H, H),
    ``"bias"`` (H,), ``"h0"`` (N, H); and ``"h_seq"`` (N, T, H), the total gradient reaching
    each hidden state (from its own step's loss and from all later steps).
    """
    if not isinstance(cache, dict) or "steps" not in cache or "shape" not in cache:
        raise ValueError("cache must be the second value returned by rnn_forward")
    N, T, D, H = cache["shape"]
    dh_seq = as_float_array(dh_seq, "dh_seq")
    check_shape(dh_seq, "dh_seq", (N, T, H), "(N, T, H)", " to match rnn_forward's h_seq")
    dh_seq = dh_seq.astype(cache["dtype"], copy=False)
    grads = {"x": np.zeros((N, T, D), cache["dtype"]),
             "h_seq": np.zeros((N, T, H), cache["dtype"])}
    dh = np.zeros((N, H), cache["dtype"])
    for t in reversed(range(T)):
        dh = dh + dh_seq[:, t]
        grads["h_seq"][:, t] = dh
        step = rnn_step_backward(dh, cache["steps"][t])
        grads["x"][:, t] = step["x_t"]
        for name in ("kernel", "recurrent_kernel", "bias"):
            grads[name] = grads[name] + step[name] if name in grads else step[name]
        dh = step["h_prev"]
    grads["h0"] = dh
    return grads

"""The fully connected (dense) layer: forward and backward pass.

``z = x @ W + b`` with the weights in Keras's layout, so the same arrays move between minidl and
``keras.layers.Dense`` (``layer.set_weights([W, b])`` / ``W, b = layer.get_weights()``):

- ``x``: (N, D_in) — batch-first, one sample per row;
- ``W``: (D_in, D_out) — Keras's ``kernel``; note this is the *transpose* of the θ in the
  article's ``θX`` (which is (D_out, D_in));
- ``b``: (D_out,) — one bias per output unit.

A single sample may be given as a 1-D ``x`` of shape (D_in,): it is promoted to a batch of one,
(1, D_in), so ``z`` is then (1, D_out).  Outputs are always 2-D.

The pattern is cs231n's, and the contract of every layer in minidl (:mod:`minidl.lstm` too):
``dense_forward(...)`` returns ``(out, cache)`` and ``dense_backward(dout, cache)`` takes the
upstream gradient and that cache, which is the only thing passing between the two, and returns a
dict of gradients keyed by the forward pass's argument names (``{"x": dx, "W": dW, "b": db}``).
"""

from __future__ import annotations

import numpy as np

from minidl.validation import as_float_array, shape_str

__all__ = ["dense_forward", "dense_backward", "check_dense_weights", "check_dense_shapes"]


def check_dense_weights(W_shape, b_shape) -> None:
    """Raise ``ValueError`` unless W (D_in, D_out) and b (D_out,) fit together.

    The message names both shapes involved, e.g. the article's 2-3-2 example with a single 2×2 θ
    and a 3-element b gives ``bias has shape (3,) but W has 2 output units (W: (2, 2))``.
    """
    W_shape, b_shape = tuple(W_shape), tuple(b_shape)
    if len(W_shape) != 2:
        raise ValueError(
            f"W must be 2-D (D_in, D_out) like a Keras Dense kernel, got shape {shape_str(W_shape)}"
        )
    d_in, d_out = W_shape
    if len(b_shape) != 1:
        raise ValueError(
            f"bias must be 1-D (D_out,), got shape {shape_str(b_shape)} (W: {shape_str(W_shape)})"
        )
    if b_shape[0] != d_out:
        raise ValueError(
            f"bias has shape {shape_str(b_shape)} but W has {d_out} output units "
            f"(W: {shape_str(W_shape)})"
        )


def check_dense_shapes(x_shape, W_shape, b_shape) -> None:
    """Raise ``ValueError`` unless x (N, D_in), W (D_in, D_out) and b (D_out,) fit together
    (:func:`check_dense_weights`, then x against W)."""
    check_dense_weights(W_shape, b_shape)
    x_shape, (d_in, d_out) = tuple(x_shape), tuple(W_shape)
    if len(x_shape) != 2:
        raise ValueError(
            f"x must be 2-D (N, D_in) (or 1-D (D_in,) for one sample), got shape "
            f"{shape_str(x_shape)}"
        )
    if x_shape[1] != d_in:
        hint = ""
        if x_shape[1] == d_out and d_in != d_out:
            hint = (
                "; W looks transposed: minidl and Keras store W as (D_in, D_out), "
                "the transpose of the θ in θx"
            )
        raise ValueError(
            f"x has {x_shape[1]} features (x: {shape_str(x_shape)}) but W expects {d_in} inputs "
            f"(W: {shape_str(W_shape)}){hint}"
        )


def dense_forward(x, W, b):
    """Affine map ``z = x @ W + b``.

    x: (N, D_in), or (D_in,) for one sample (promoted to (1, D_in));
    W: (D_in, D_out) (Keras kernel layout); b: (D_out,).
    Returns ``(z, cache)`` with z: (N, D_out) and ``cache = (x, W)`` (x as 2-D) for
    :func:`dense_backward`.
    Raises ``ValueError`` naming both shapes when they do not fit, or naming a NaN/inf entry.
    """
    x = as_float_array(x, "x", ndim=(1, 2))
    W = as_float_array(W, "W")
    b = as_float_array(b, "b")
    if x.ndim == 1:
        x = x[np.newaxis, :]
    check_dense_shapes(x.shape, W.shape, b.shape)
    z = x @ W + b
    return z, (x, W)


def dense_backward(dout, cache):
    """Gradients of a dense layer given the upstream gradient ``dout = dL/dz``.

    dout: (N, D_out); cache: ``(x, W)`` from :func:`dense_forward`, x (N, D_in), W (D_in, D_out).
    Returns a dict keyed by :func:`dense_forward`'s argument names: ``"x"``: dout @ W.T (N, D_in),
    ``"W"``: x.T @ dout (D_in, D_out), ``"b"``: dout summed over the batch (D_out,).  Summing (not
    averaging) over the batch is right because ``dout`` already carries the loss's ``1/N``.
    """
    try:
        x, W = cache
    except (TypeError, ValueError):
        raise ValueError("cache must be the (x, W) tuple returned by dense_forward") from None
    dout = as_float_array(dout, "dout", ndim=(1, 2))
    if dout.ndim == 1:
        dout = dout[np.newaxis, :]
    want = (x.shape[0], W.shape[1])
    if dout.shape != want:
        raise ValueError(
            f"dout has shape {shape_str(dout.shape)} but the layer's output z has shape "
            f"{shape_str(want)} (x: {shape_str(x.shape)}, W: {shape_str(W.shape)})"
        )
    return {"x": dout @ W.T, "W": x.T @ dout, "b": dout.sum(axis=0)}

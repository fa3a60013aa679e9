"""Activation functions and their derivatives.

Every function is elementwise except :func:`softmax`, which normalises along one axis.  The
``*_grad`` functions take the **pre-activation** ``z`` (what a layer computes before the
nonlinearity) and return ``d activation / d z`` elementwise, the factor the chain rule multiplies
by in back-propagation.  :func:`softmax_backward` is the vector-Jacobian product of softmax.

All functions are numerically stable: for ``|z|`` up to 1e4 (and beyond) they return finite values
and raise no floating-point warning, not even underflow (``np.errstate(all="raise")`` passes).
Inputs may have any shape; ints become float64, float32 stays float32.  A 0-d input gives a NumPy
scalar, so ``float(sigmoid(3))`` prints the value the article should have printed.

Each derivative here is derived symbolically in :mod:`minidl.symbolic` and checked against it and
against finite differences in ``tests/minidl/test_activations.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from minidl.validation import as_float_array, check_int, shape_str

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "linear",
    "linear_grad",
    "softmax",
    "softmax_backward",
    "get",
    "Activation",
    "NAMES",
    "ELEMENTWISE",
]


def _safe_exp(x: np.ndarray) -> np.ndarray:
    """``exp(x)`` for ``x <= 0`` with no underflow flag: results below the smallest normal are 0.

    ``exp`` of a very negative number is a subnormal or zero and sets NumPy's underflow flag; this
    helper writes 0 there instead, which is the value to the precision the library works at, so
    that the library runs clean even under ``np.errstate(all="raise")``.  Callers pass only
    non-positive arguments (``z - max(z)``, ``-|z|``), so ``exp`` cannot overflow.
    """
    x = np.asarray(x)
    lo = np.log(np.finfo(x.dtype).tiny) + 1.0  # a margin so rounding cannot go subnormal
    out = np.zeros_like(x)
    np.exp(x, out=out, where=x > lo)
    return out


def _out(a: np.ndarray):
    """0-d arrays become NumPy scalars; everything else is returned as is."""
    return a[()] if a.ndim == 0 else a


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The library's one sigmoid, without input checks (losses and the LSTM call it directly)."""
    e = _safe_exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """The library's one softmax, without input checks (losses call it directly)."""
    e = _safe_exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, elementwise.

    z: any shape; returns the same shape, values in [0, 1].
    Computed as ``1/(1+e)`` for ``z >= 0`` and ``e/(1+e)`` for ``z < 0`` with ``e = exp(-|z|)``,
    so ``exp`` never overflows.
    """
    return _out(_sigmoid(as_float_array(z, "z")))


def sigmoid_grad(z):
    """``d sigmoid(z) / dz = sigmoid(z) * (1 - sigmoid(z))``, elementwise; at most 0.25.

    z: the pre-activation, any shape; returns the same shape.
    """
    s = np.asarray(sigmoid(z))
    return _out(s * (1.0 - s))


def tanh(z):
    """Hyperbolic tangent, elementwise.  z: any shape; returns the same shape, values in [-1, 1]."""
    z = as_float_array(z, "z")
    return _out(np.tanh(z))


def tanh_grad(z):
    """``d tanh(z) / dz = 1 - tanh(z)**2``, elementwise.  z: the pre-activation, any shape."""
    t = np.tanh(as_float_array(z, "z"))
    return _out(1.0 - t * t)


def relu(z):
    """Rectified linear unit ``max(z, 0)``, elementwise.  z: any shape."""
    z = as_float_array(z, "z")
    return _out(np.maximum(z, 0.0).astype(z.dtype, copy=False))


def relu_grad(z):
    """``d relu(z) / dz``: 1 where ``z > 0``, else 0, elementwise.

    The derivative does not exist at ``z = 0``; like TensorFlow/Keras, minidl uses 0 there.
    z: the pre-activation, any shape.
    """
    z = as_float_array(z, "z")
    return _out((z > 0).astype(z.dtype))


def linear(z):
    """Identity ``z`` (Keras's ``activation="linear"`` / ``None``).  z: any shape."""
    return _out(as_float_array(z, "z").copy())


def linear_grad(z):
    """``d z / d z = 1``, elementwise.  z: any shape."""
    z = as_float_array(z, "z")
    return _out(np.ones_like(z))


def _check_axis(axis: int, ndim: int, name: str) -> int:
    axis = check_int(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for {name} with {ndim} dimension(s)")
    return int(axis)


def softmax(z, axis: int = -1):
    """Softmax along ``axis``: ``exp(z_k) / sum_j exp(z_j)``.

    z: (..., K) for the default ``axis=-1`` (at least 1-D); returns the same shape, each slice
    along ``axis`` non-negative and summing to 1.  Stable: ``max(z)`` is subtracted first.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("softmax needs at least a 1-D z (the classes along axis), got a scalar")
    axis = _check_axis(axis, z.ndim, "z")
    return _softmax(z, axis)


def softmax_backward(dout, s, axis: int = -1):
    """Vector-Jacobian product of softmax: given ``dout = dL/ds`` and ``s = softmax(z)``, ``dL/dz``.

    ``dL/dz = s * (dout - sum(dout * s, axis))`` — the Jacobian ``diag(s) - s s^T`` applied to
    ``dout`` without forming it.
    dout: same shape as ``s``; s: (..., K), the softmax output; returns the shape of ``s``.
    """
    g = as_float_array(dout, "dout")
    s = as_float_array(s, "s")
    if g.shape != s.shape:
        raise ValueError(
            f"dout has shape {shape_str(g.shape)} but s has shape {shape_str(s.shape)}; "
            "they must match"
        )
    if s.ndim == 0:
        raise ValueError("softmax_backward needs at least 1-D arrays, got scalars")
    axis = _check_axis(axis, s.ndim, "s")
    return s * (g - (g * s).sum(axis=axis, keepdims=True))


class Activation(NamedTuple):
    """What :func:`get` returns: the canonical name, the function and its derivative."""

    name: str
    #: the activation, ``fn(z)``
    fn: Callable
    #: ``d fn / d z`` at the pre-activation z, elementwise (``None`` for softmax, whose
    #: vector-Jacobian product is :func:`softmax_backward`)
    grad: Callable | None


_ELEMENTWISE: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "linear": (linear, linear_grad),
}

#: Names of the elementwise activations, all but softmax; what an LSTM's ``activation`` and
#: ``recurrent_activation`` accept (:data:`minidl.lstm.ACTIVATIONS`,
#: :func:`minidl.keras_models.lstm_classifier`).  The one list; tests check that the LSTM's fast
#: kernels and :mod:`minidl.symbolic` cover it.
ELEMENTWISE = tuple(_ELEMENTWISE)

#: Activation names that :func:`get` and :class:`minidl.network.MLP` accept.
NAMES = (*ELEMENTWISE, "softmax")


def get(name: str | None) -> Activation:
    """The :class:`Activation` ``(name, fn, grad)`` for an activation name.

    name: ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"linear"`` or ``"softmax"``; ``None`` means
    ``"linear"`` as in Keras.  For ``"softmax"`` ``grad`` is ``None``: its derivative is not
    elementwise, use :func:`softmax_backward`.  Like :func:`minidl.losses.get` and
    :func:`minidl.optim.get`, it returns a named object with a ``name`` field.
    Raises ``TypeError`` for a non-string name, ``ValueError`` for an unknown one.
    """
    if name is None:
        name = "linear"
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str or None, got {name!r}")
    if name == "softmax":
        return Activation("softmax", softmax, None)
    if name not in _ELEMENTWISE:
        raise ValueError(f"unknown activation {name!r}; expected one of {list(NAMES)}")
    return Activation(name, *_ELEMENTWISE[name])

"""Finite-difference gradient checking.

The third witness for every derivative in the book, next to the sympy derivation
(:mod:`minidl.symbolic`) and the analytic code: :func:`numerical_gradient` estimates the gradient
of a scalar function by central differences, :func:`relative_error` says how far two gradients are
apart.  A central difference with ``eps=1e-6`` in float64 is accurate to about 1e-9 relative for
smooth functions of moderate size, so analytic gradients are expected to agree to that order.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import numpy as np

from minidl.validation import as_float_array, check_real, shape_str

__all__ = ["numerical_gradient", "numerical_gradient_wrt", "relative_error"]


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every i.

    f: a scalar function of an array (it may return a Python float, a NumPy scalar or a 0-d/size-1
    array); x: the point, any shape; eps: the step, > 0.
    Returns an array of the shape of ``x`` in float64.  ``x`` is converted to a float64 copy
    (float32 steps of 1e-6 would be rounding noise), so the caller's array is never modified; f
    is called ``2 * x.size`` times with arrays of x's shape.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array, got {type(f).__name__}")
    eps = check_real(eps, "eps", min_value=0.0, min_open=True)
    x = as_float_array(x, "x").astype(np.float64, copy=True)
    grad = np.empty_like(x)
    flat_x = x.reshape(-1)  # a view: writing it writes x
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        f_plus = _scalar(f(x))
        flat_x[i] = old - eps
        f_minus = _scalar(f(x))
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def numerical_gradient_wrt(f: Callable[[], float], params: MutableMapping[str, np.ndarray],
                           name: str, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to ``params[name]``.

    The loss as a function of one parameter: ``f`` takes no argument and reads ``params`` (e.g.
    ``numerical_gradient_wrt(lambda: net.loss(x, y, "mse"), net.params, "W2")`` for a
    :class:`minidl.network.MLP`); each entry of ``params[name]`` is perturbed in place, ``f`` is
    called, and the array is restored afterwards (also when ``f`` raises).
    params: dict name -> float64 array (float32 steps of ``eps`` would be rounding noise);
    returns an array of the shape of ``params[name]``, comparable with the analytic gradient.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments, got {type(f).__name__}")
    if not isinstance(params, MutableMapping):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    if name not in params:
        raise ValueError(f"params has no {name!r}; its keys are {sorted(params)}")
    p = params[name]
    if not isinstance(p, np.ndarray) or p.dtype != np.float64:
        raise TypeError(
            f"params[{name!r}] must be a float64 NumPy array (it is perturbed in place), got "
            + (f"dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__))
    saved = p.copy()

    def f_of(value):
        p[...] = value
        return f()

    try:
        return numerical_gradient(f_of, saved, eps)
    finally:
        p[...] = saved


def _scalar(value) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(f"f must return a scalar, got an array of shape {shape_str(arr.shape)}")
    out = float(arr.reshape(()))
    if not np.isfinite(out):
        raise ValueError(f"f returned {out!r}; numerical_gradient needs finite values")
    return out


def relative_error(a, b) -> float:
    """``max|a - b| / max(max|a|, max|b|)``: the largest difference relative to the largest entry.

    a, b: arrays of the same shape.  Returns 0.0 when both are all zeros.  Scaling by the largest
    entry (rather than entry by entry) keeps tiny entries, where finite differences are all
    rounding noise, from dominating the measure.
    """
    a = as_float_array(a, "a").astype(np.float64)
    b = as_float_array(b, "b").astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"a has shape {shape_str(a.shape)} but b has shape {shape_str(b.shape)}; "
            "they must match"
        )
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max())
    if scale == 0:
        return 0.0
    return float(np.abs(a - b).max() / scale)

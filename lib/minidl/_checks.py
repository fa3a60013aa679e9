"""Input validation shared by the public functions of :mod:`minidl` (private module).

Every public function validates its arguments once, at the boundary, and raises ``ValueError``
with a message that names the offending shape or value, so that a reader can act on it.  The
helpers here also hold the one overflow- and underflow-free exponential the library uses.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_float_array", "check_finite", "shape_str", "safe_exp"]


def shape_str(shape: tuple[int, ...]) -> str:
    """``(3,)`` / ``(2, 2)``: a shape written the way NumPy prints it."""
    return str(tuple(int(s) for s in shape))


def _first_bad(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def check_finite(a: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` naming the first NaN or infinity in ``a`` and where it sits."""
    if a.size and not np.isfinite(a).all():
        bad = ~np.isfinite(a)
        idx = _first_bad(bad)
        value = a[idx].item() if idx else a[()].item()
        raise ValueError(
            f"{name} contains {value} at index {idx} (shape {shape_str(a.shape)}); "
            "inputs must be finite (no NaN or inf)"
        )


def as_float_array(
    a, name: str, *, ndim: int | tuple[int, ...] | None = None, finite: bool = True
) -> np.ndarray:
    """Convert ``a`` to a floating NumPy array (ints and bools become float64).

    float32 and float64 inputs keep their dtype.  ``ndim`` restricts the number of dimensions;
    ``finite`` rejects NaN and inf.  Raises ``ValueError`` naming ``name`` otherwise.
    """
    try:
        arr = np.asarray(a)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {shape_str(arr.shape)}")
    if finite:
        check_finite(arr, name)
    return arr


def safe_exp(x: np.ndarray) -> np.ndarray:
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

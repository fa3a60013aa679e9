"""Input validation: the one set of checks behind every public function of :mod:`minidl`.

Public functions validate their arguments at the boundary with these helpers (the pattern of
scikit-learn's ``check_scalar``), and ``bookkit`` uses them too.  Every public function of
:mod:`minidl` keeps this contract, for a wrong count (``"3"``, ``2.0``, ``True``) as for any other
argument:

- a wrong **type** raises ``TypeError`` (a string where a number belongs, a float where an integer
  belongs, an object array, a ``bool`` for a count);
- a wrong **value** raises ``ValueError`` (out of range, NaN or inf, a shape that does not fit);

and the message names the argument and the offending value or shape, so that a reader can act on
it.  NumPy scalars (``np.int64(3)``, ``np.float32(0.3)``) are accepted wherever Python numbers are.
Every helper takes the value first and its name second, ``check_int(value, name, ...)``, and
returns the validated value::

    >>> check_int(np.int64(3), "epochs", min_value=1)
    3
    >>> check_real(0.5, "dropout", min_value=0.0, max_value=1.0, max_open=True)
    0.5
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "check_finite",
    "check_int",
    "check_counts",
    "check_real",
    "check_choice",
    "check_rng",
    "check_shape",
    "shape_str",
    "first_bad_index",
]


def check_int(value, name: str, *, min_value: int | None = None,
              max_value: int | None = None) -> int:
    """``value`` as a Python ``int``, checked to lie in ``[min_value, max_value]``.

    Python and NumPy integers are accepted; ``bool`` and floats (even ``3.0``) raise
    ``TypeError``; a value outside the bounds raises ``ValueError``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if (min_value is not None and value < min_value) or (
            max_value is not None and value > max_value):
        if max_value is None and min_value in (0, 1):
            want = "a positive integer" if min_value == 1 else "a non-negative integer"
        else:
            want = f"an integer {_interval(min_value, max_value)}"
        raise ValueError(f"{name} must be {want}, got {value}")
    return value


def check_counts(**counts) -> list[int]:
    """Several positive integer counts at once, by name: ``check_counts(units=64, layers=2)``
    is ``[check_int(64, "units", min_value=1), check_int(2, "layers", min_value=1)]``."""
    return [check_int(value, name, min_value=1) for name, value in counts.items()]


def check_real(value, name: str, *, min_value: float | None = None,
               max_value: float | None = None, min_open: bool = False,
               max_open: bool = False) -> float:
    """``value`` as a finite Python ``float``, checked against the interval's bounds.

    Python and NumPy integers and floats are accepted; ``bool``, strings, arrays raise
    ``TypeError``; NaN, inf and values outside the interval raise ``ValueError``.  ``min_open`` /
    ``max_open`` exclude the bound itself.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    lo_ok = min_value is None or (value > min_value if min_open else value >= min_value)
    hi_ok = max_value is None or (value < max_value if max_open else value <= max_value)
    if not (math.isfinite(value) and lo_ok and hi_ok):
        if max_value is None and min_value == 0:
            want = "a positive finite number" if min_open else "a non-negative finite number"
        else:
            interval = _interval(min_value, max_value, min_open, max_open)
            want = f"a finite number {interval}" if interval else "a finite number"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return value


def _interval(lo, hi, lo_open=False, hi_open=False) -> str:
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {hi}"
    return ""


def check_choice(value, name: str, choices) -> str:
    """``value`` if it is one of the strings ``choices``: ``TypeError`` for a non-string,
    ``ValueError`` (listing the choices) for an unknown one."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {list(choices)}, got {value!r}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` if it is a ``numpy.random.Generator``, else ``TypeError`` saying how to make one."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"got {type(rng).__name__}")
    return rng


def check_shape(a: np.ndarray, name: str, shape: tuple, what: str = "",
                context: str = "") -> None:
    """``ValueError`` unless ``a.shape`` equals ``shape`` (``None`` entries match any size).

    ``what`` names the axes for the message, ``context`` says where the sizes come from, e.g.
    ``check_shape(h0, "h0", (2, 3), "(N, H)", " to match x (2, 5, 4)")`` gives
    ``h0 must be (N, H) = (2, 3) to match x (2, 5, 4), got shape (3, 2)``.
    """
    ok = a.ndim == len(shape) and all(w is None or s == w for s, w in zip(a.shape, shape,
                                                                          strict=True))
    if not ok:
        want = "(" + ", ".join("·" if w is None else str(w) for w in shape) + \
            ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must be {what + ' = ' if what else ''}{want}{context}, "
                         f"got shape {shape_str(a.shape)}")


def shape_str(shape: tuple[int, ...]) -> str:
    """``(3,)`` / ``(2, 2)``: a shape written the way NumPy prints it."""
    return str(tuple(int(s) for s in shape))


def first_bad_index(mask: np.ndarray) -> tuple[int, ...]:
    """The index of the first ``True`` entry of ``mask`` as a tuple of ints, for messages."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def check_finite(a: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` naming the first NaN or infinity in ``a`` and where it sits."""
    if a.size and not np.isfinite(a).all():
        bad = ~np.isfinite(a)
        idx = first_bad_index(bad)
        value = a[idx].item() if idx else a[()].item()
        raise ValueError(
            f"{name} contains {value} at index {idx} (shape {shape_str(a.shape)}); "
            "inputs must be finite (no NaN or inf)"
        )


def as_float_array(
    a, name: str, *, ndim: int | tuple[int, ...] | None = None, finite: bool = True,
    nonempty: bool = False, int_dtype=np.float64,
) -> np.ndarray:
    """Convert ``a`` to a floating NumPy array (ints and bools become ``int_dtype``, float64 by
    default).

    Floating inputs keep their dtype.  ``ndim`` restricts the number of dimensions; ``finite``
    rejects NaN and inf; ``nonempty`` rejects an array without elements.  Raises ``TypeError``
    for non-numeric or complex data and ``ValueError`` (naming ``name`` and the shape or the bad
    entry) for the rest.
    """
    try:
        arr = np.asarray(a)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(int_dtype)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {shape_str(arr.shape)}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {shape_str(arr.shape)})")
    if finite:
        check_finite(arr, name)
    return arr

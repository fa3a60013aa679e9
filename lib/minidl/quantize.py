"""Post-training quantization of weights in NumPy: float16 and int8.

Chapter 8 (the article's first trend, 模型压缩与优化) uses this module to store a trained model's
weights in fewer bits and to measure what that costs in size and accuracy.  Only the *stored*
weights are quantized; arithmetic is done after dequantizing back to float32 ("weight-only"
quantization, the simplest post-training scheme — no calibration data, no retraining).

Schemes
-------
float16
    ``w.astype(float16)``: half the bytes, about 3 significant decimal digits; values beyond
    ±65504 would overflow, so they raise ``ValueError``.
int8, symmetric (default)
    ``q = clip(round(w / s), -127, 127)`` with scale ``s = max|w| / 127`` and zero point 0; the
    range is symmetric so that 0.0 is exact and -128 is unused.  Dequantized ``w' = s * q``;
    ``|w - w'| <= s / 2`` for every element.
int8, asymmetric (affine)
    ``q = clip(round(w / s) + z, -128, 127)`` with ``s = (max(w, 0) - min(w, 0)) / 255`` and
    integer zero point ``z = round(-128 - min(w, 0) / s)`` (the range always contains 0, so 0.0 is
    exact); ``w' = s * (q - z)``.  Uses all 256 levels, which helps one-sided tensors.
fewer bits
    :func:`quantize_int` does the same with ``bits`` from 2 to 8: ``127`` becomes
    ``2**(bits-1) - 1`` and ``255`` becomes ``2**bits - 1``.  The codes are still held in an int8
    array; sizes count them as if bit-packed (``ceil(n * bits / 8)`` bytes), which is what a
    storage format for 4-bit weights does.

Granularity: per tensor (one scale) or per channel (``axis=k``: one scale per index along axis
``k``, the statistics taken over all other axes).  For a Keras ``Dense`` kernel ``(D_in, D_out)``
per-channel means ``axis=-1``: one scale per output unit.

Sizes count the stored payload: the integer codes (bit-packed) or float16 array, plus float32
scales and int32 zero points (zero points are not stored for symmetric schemes).  File-format
overhead is not counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from minidl.validation import as_float_array, check_choice, check_int

__all__ = [
    "QuantizedTensor",
    "quantize_float16",
    "quantize_int",
    "quantize_int8",
    "dequantize",
    "quantize_params",
    "dequantize_params",
    "nbytes",
]

_FLOAT16_MAX = float(np.finfo(np.float16).max)


@dataclass(frozen=True)
class QuantizedTensor:
    """An integer-quantized tensor with its scales.

    ``q``: int8 array of the original shape holding ``bits``-bit codes; ``scale``: float32, shape
    ``()`` per tensor or ``(shape[axis],)`` per channel; ``zero_point``: int32 of the same shape as
    ``scale`` (all zero when ``symmetric``); ``axis``: the channel axis (non-negative) or ``None``;
    ``bits``: 2 to 8.
    """

    q: np.ndarray
    scale: np.ndarray
    zero_point: np.ndarray
    axis: int | None
    symmetric: bool
    bits: int = 8

    @property
    def shape(self) -> tuple[int, ...]:
        return self.q.shape

    @property
    def nbytes(self) -> int:
        """Bytes of the payload, i.e. the bit-packed codes (``ceil(size * bits / 8)``) plus the
        float32 scales (plus int32 zero points if affine)."""
        extra = 0 if self.symmetric else self.zero_point.nbytes
        packed = -(-self.q.size * self.bits // 8)
        return int(packed + self.scale.nbytes + extra)


def _stored_precision(arr: np.ndarray) -> np.ndarray:
    """A validated float array as float64 if it is float64, else float32 (how weights are kept)."""
    return arr if arr.dtype == np.float64 else arr.astype(np.float32)


def quantize_float16(w) -> np.ndarray:
    """Round ``w`` (any shape) to float16; returns a float16 array of the same shape.

    Raises ``ValueError`` if an element is non-finite or beyond float16's range (±65504).
    """
    arr = _stored_precision(as_float_array(w, "w", nonempty=True, int_dtype=np.float32))
    peak = float(np.max(np.abs(arr)))
    if peak > _FLOAT16_MAX:
        raise ValueError(f"|w| reaches {peak:g}, beyond the float16 range (max {_FLOAT16_MAX:g})")
    return arr.astype(np.float16)


def quantize_int(w, bits: int = 8, *, axis: int | None = None,
                 symmetric: bool = True) -> QuantizedTensor:
    """Quantize ``w`` (any shape) to ``bits``-bit integers (2 to 8), per tensor (``axis=None``)
    or per channel along ``axis``.

    See the module docstring for the symmetric and asymmetric (affine) formulas.  A tensor (or
    channel) that is all zeros gets scale 1 so that it round-trips exactly.
    """
    bits = check_int(bits, "bits", min_value=2, max_value=8)
    arr = _stored_precision(as_float_array(w, "w", nonempty=True, int_dtype=np.float32))
    if axis is not None:
        axis = check_int(axis, "axis")
        if not -arr.ndim <= axis < arr.ndim:
            raise ValueError(f"axis={axis!r} is out of range for w of shape {arr.shape}")
        axis = int(axis) % arr.ndim
        reduce_axes = tuple(i for i in range(arr.ndim) if i != axis)
    else:
        reduce_axes = None

    # Scales are computed in float64, then rounded to the float32 that is stored, and the integer
    # codes are computed with that stored scale, so that dequantize() inverts exactly this step.
    # A scale that is zero (all-zero channel) or underflows float32 is replaced by 1.
    arr64 = arr.astype(np.float64)
    if symmetric:
        peak = np.max(np.abs(arr64), axis=reduce_axes, keepdims=True)
        qmax = 2 ** (bits - 1) - 1
        scale = _stored_scale(peak / qmax)
        zero = np.zeros_like(scale)
        q = np.clip(np.rint(arr64 / scale), -qmax, qmax)
    else:
        lo = np.minimum(np.min(arr64, axis=reduce_axes, keepdims=True), 0.0)
        hi = np.maximum(np.max(arr64, axis=reduce_axes, keepdims=True), 0.0)
        qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        scale = _stored_scale((hi - lo) / (2**bits - 1))
        zero = np.clip(np.rint(qmin - lo / scale), qmin, qmax)
        q = np.clip(np.rint(arr64 / scale) + zero, qmin, qmax)

    squeeze = (lambda a: a.reshape(())) if axis is None else (lambda a: a.reshape(-1))
    return QuantizedTensor(
        q=q.astype(np.int8),
        scale=squeeze(scale).astype(np.float32),
        zero_point=squeeze(zero).astype(np.int32),
        axis=axis,
        symmetric=symmetric,
        bits=bits,
    )


def quantize_int8(w, *, axis: int | None = None, symmetric: bool = True) -> QuantizedTensor:
    """``quantize_int(w, 8, axis=axis, symmetric=symmetric)``: the usual 8-bit scheme."""
    return quantize_int(w, 8, axis=axis, symmetric=symmetric)


def _stored_scale(scale: np.ndarray) -> np.ndarray:
    stored = scale.astype(np.float32)
    return np.where(stored > 0, stored, np.float32(1.0)).astype(np.float64)


def dequantize(t) -> np.ndarray:
    """Back to float32: ``scale * (q - zero_point)`` for a :class:`QuantizedTensor`, or
    ``astype(float32)`` for a float16 array.  Returns an array of the original shape."""
    if isinstance(t, QuantizedTensor):
        scale, zero = t.scale, t.zero_point
        if t.axis is not None:
            shape = [1] * t.q.ndim
            shape[t.axis] = -1
            scale, zero = scale.reshape(shape), zero.reshape(shape)
        return (scale * (t.q.astype(np.float32) - zero.astype(np.float32))).astype(np.float32)
    arr = np.asarray(t)
    if arr.dtype.kind != "f":
        raise TypeError(f"dequantize expects a QuantizedTensor or a float array, got {arr.dtype}")
    return arr.astype(np.float32)


_SCHEMES = ("float32", "float16", "int")


def quantize_params(params: Mapping[str, np.ndarray], scheme: str = "int", *, bits: int = 8,
                    per_channel: bool = False, symmetric: bool = True,
                    min_ndim: int = 2) -> dict:
    """Quantize every array of a ``{name: array}`` dict of weights (e.g. ``MLP.params``, or
    ``keras.Model.get_weights()`` turned into a dict).

    ``scheme``: ``"float32"`` (copy, the baseline), ``"float16"``, or ``"int"`` — ``bits``-bit
    integers (:func:`quantize_int`), symmetric or affine, per tensor or ``per_channel`` (one scale
    per output unit: the last axis, as for a Keras ``Dense`` kernel ``(D_in, D_out)``).  Arrays
    with fewer than ``min_ndim`` dimensions (biases, by default) stay float32 under ``"int"`` —
    they are a small fraction of the weights and quantizing them costs accuracy for almost no
    saving — and become float16 under ``"float16"``.
    """
    check_choice(scheme, "scheme", _SCHEMES)
    bits = check_int(bits, "bits", min_value=2, max_value=8)
    min_ndim = check_int(min_ndim, "min_ndim", min_value=0)
    out: dict = {}
    for name, w in params.items():
        arr = _stored_precision(as_float_array(w, name, nonempty=True, int_dtype=np.float32))
        if scheme == "float32":
            out[name] = arr.astype(np.float32)
        elif scheme == "float16":
            out[name] = quantize_float16(arr)
        elif arr.ndim < min_ndim:
            out[name] = arr.astype(np.float32)
        else:
            out[name] = quantize_int(arr, bits, axis=-1 if per_channel else None,
                                     symmetric=symmetric)
    return out


def dequantize_params(qparams: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Inverse of :func:`quantize_params`: every entry back to a float32 array."""
    return {name: dequantize(t) for name, t in qparams.items()}


def nbytes(obj) -> int:
    """Stored bytes of an array, a :class:`QuantizedTensor`, or a dict/list of them."""
    if isinstance(obj, QuantizedTensor):
        return obj.nbytes
    if isinstance(obj, Mapping):
        return sum(nbytes(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(nbytes(v) for v in obj)
    return int(np.asarray(obj).nbytes)

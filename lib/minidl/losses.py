"""Loss functions and their gradients, equal to Keras's.

Conventions, chosen to match Keras 3 exactly:

- Argument order ``(y_true, y_pred)`` and ``from_logits=False``, as in ``keras.losses.*``.
- Each loss function returns the **per-sample** loss, like the function ``keras.losses.<name>``:
  for ``y_pred`` of shape (N, K) a vector of shape (N,) (the loss is reduced over the last axis:
  a mean for MSE and BCE, a sum over classes for the cross-entropies).  The scalar a Keras
  ``Loss`` object (``keras.losses.MeanSquaredError()(y_true, y_pred)``) or ``model.fit`` reports is
  the mean of that vector over the batch (``reduction="sum_over_batch_size"``):
  ``loss(y_true, y_pred).mean()``.
- Each ``*_grad`` returns the gradient of that **batch mean** with respect to ``y_pred`` (or to the
  logits when ``from_logits=True``), with the shape of ``y_pred`` — i.e. it already contains the
  ``1/N``, ready to be back-propagated.
- Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` with ``EPSILON = 1e-7``
  (``keras.config.epsilon()``) before the logarithm, exactly where Keras clips them, so a
  prediction of exactly 0 or 1 gives a large finite loss instead of ``inf``.  Where a probability
  is clipped the loss no longer depends on it and its gradient is 0 (as ``tf.GradientTape`` finds).
  ``categorical_crossentropy`` first rescales each row of ``y_pred`` to sum to 1, as Keras does;
  ``sparse_categorical_crossentropy`` clips first and normalises afterwards, as Keras does.
- ``from_logits=True`` uses the log-sum-exp forms (``softplus`` / ``logsumexp``): finite losses
  and gradients for logits of any size (tested at ±1e4).  Keras itself switches to these forms
  when ``y_pred`` comes straight out of a sigmoid/softmax layer, and so does
  :class:`minidl.network.MLP`.
- Shapes as in Keras's ``Loss`` classes: if ``y_true`` and ``y_pred`` differ in rank by one and
  the longer one ends in a 1, e.g. labels (N,) against a sigmoid output (N, 1), they are aligned.
  Any other mismatch is a ``ValueError`` naming both shapes.

Bad input raises ``ValueError`` naming the offending value: NaN/inf anywhere, probabilities or
binary/one-hot targets outside [0, 1], sparse labels not in [0, K); wrong types (non-numeric
arrays, sparse labels that are not integers) raise ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from minidl.activations import _safe_exp, _sigmoid, _softmax
from minidl.validation import as_float_array, first_bad_index, shape_str

__all__ = [
    "EPSILON",
    "mean_squared_error",
    "mean_squared_error_grad",
    "binary_crossentropy",
    "binary_crossentropy_grad",
    "categorical_crossentropy",
    "categorical_crossentropy_grad",
    "sparse_categorical_crossentropy",
    "sparse_categorical_crossentropy_grad",
    "get",
    "Loss",
    "NAMES",
]

#: Keras's fuzz factor ``keras.config.epsilon()``; probabilities are clipped to
#: [EPSILON, 1 - EPSILON].
EPSILON = 1e-7


# ----------------------------------------------------------------------------- validation helpers
def _check_range(a: np.ndarray, name: str, hint: str = "") -> None:
    bad = (a < 0) | (a > 1)
    if bad.any():
        idx = first_bad_index(bad)
        raise ValueError(
            f"{name} has value {a[idx].item()} at index {idx}, outside [0, 1]{hint}"
        )


def _align(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras's ``squeeze_or_expand_to_same_rank`` followed by an exact shape check."""
    t, p = y_true, y_pred
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        if p.ndim == 1:
            p = p[:, np.newaxis]
        else:
            t = t[..., 0]
    elif p.ndim == t.ndim + 1 and p.shape[-1] == 1:
        if t.ndim == 1:
            t = t[:, np.newaxis]
        else:
            p = p[..., 0]
    if t.shape != p.shape:
        raise ValueError(
            f"y_true has shape {shape_str(y_true.shape)} but y_pred has shape "
            f"{shape_str(y_pred.shape)}; they must match"
        )
    return t, p


def _prepare(y_true, y_pred, *, probs: bool, targets_01: bool, name: str):
    p = as_float_array(y_pred, "y_pred")
    if p.ndim == 0:
        raise ValueError(f"{name}: y_pred must be at least 1-D (batch first), got a scalar")
    t = as_float_array(y_true, "y_true").astype(p.dtype, copy=False)
    t, p_al = _align(t, p)
    if probs:
        _check_range(
            p_al, "y_pred", "; probabilities must lie in [0, 1] (pass from_logits=True for logits)"
        )
    if targets_01:
        _check_range(
            t,
            "y_true",
            f"; {name} needs targets in [0, 1]"
            + (
                " (for integer class labels use sparse_categorical_crossentropy)"
                if name == "binary_crossentropy"
                else ""
            ),
        )
    return t, p, p_al


def _clip(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip to [EPSILON, 1-EPSILON] in p's dtype; also return where the clip is inactive."""
    lo = np.asarray(EPSILON, dtype=p.dtype)
    hi = np.asarray(1.0 - EPSILON, dtype=p.dtype)
    return np.clip(p, lo, hi), (p >= lo) & (p <= hi)


def _n_samples(p: np.ndarray) -> int:
    """Number of per-sample loss values the batch mean divides by: prod(shape[:-1]) (1 if 1-D)."""
    return int(np.prod(p.shape[:-1], dtype=np.int64))


def _softplus_neg_abs(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(-|z|))``, stable."""
    return np.log1p(_safe_exp(-np.abs(z)))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """``z - logsumexp(z)``; the largest term's exp(0) = 1 is taken out of the sum and the rest
    goes through ``log1p``, so confident predictions keep full relative precision."""
    shifted = z - z.max(axis=-1, keepdims=True)
    e = _safe_exp(shifted)
    np.put_along_axis(e, np.argmax(z, axis=-1)[..., np.newaxis], 0.0, axis=-1)
    return shifted - np.log1p(e.sum(axis=-1, keepdims=True))


# ----------------------------------------------------------------------------------------- MSE
def mean_squared_error(y_true, y_pred):
    """Per-sample mean squared error ``mean((y_true - y_pred)**2, axis=-1)``.

    y_true, y_pred: (N, D) (any matching shape, see the module docstring); returns (N,).
    Equals ``keras.losses.mean_squared_error``.  Note this is the Keras ``1/D`` mean, not the
    ``1/2 * sum`` that textbooks (and the article) use.
    """
    t, _, p = _prepare(y_true, y_pred, probs=False, targets_01=False, name="mean_squared_error")
    return np.mean((t - p) ** 2, axis=-1)


def mean_squared_error_grad(y_true, y_pred):
    """Gradient of the batch mean of :func:`mean_squared_error` w.r.t. ``y_pred``.

    ``2 * (y_pred - y_true) / y_pred.size`` — shape of ``y_pred``.
    """
    t, p0, p = _prepare(y_true, y_pred, probs=False, targets_01=False, name="mean_squared_error")
    return (2.0 * (p - t) / p.size).reshape(p0.shape)


# ----------------------------------------------------------------------------------------- BCE
def binary_crossentropy(y_true, y_pred, from_logits: bool = False):
    """Per-sample binary cross-entropy, averaged over the last axis.

    Elementwise ``-(t log p + (1 - t) log(1 - p))`` with p clipped to [1e-7, 1 - 1e-7]; with
    ``from_logits=True``, ``max(z, 0) - z t + log(1 + exp(-|z|))`` for logits z.
    y_true: targets in [0, 1], shape of y_pred; y_pred: (N, D) probabilities (or logits);
    returns (N,).  Equals ``keras.losses.binary_crossentropy``.
    """
    t, _, p = _prepare(
        y_true, y_pred, probs=not from_logits, targets_01=True, name="binary_crossentropy"
    )
    if from_logits:
        elem = np.maximum(p, 0) - p * t + _softplus_neg_abs(p)
    else:
        c, _ = _clip(p)
        elem = -(t * np.log(c) + (1 - t) * np.log(1 - c))
    return np.mean(elem, axis=-1)


def binary_crossentropy_grad(y_true, y_pred, from_logits: bool = False):
    """Gradient of the batch mean of :func:`binary_crossentropy` w.r.t. ``y_pred`` (or logits).

    Probabilities: ``(-t/p + (1-t)/(1-p)) / y_pred.size`` where p is not clipped, else 0.
    Logits: ``(sigmoid(z) - t) / y_pred.size`` — the fused sigmoid + BCE gradient.
    Shape of ``y_pred``.
    """
    t, p0, p = _prepare(
        y_true, y_pred, probs=not from_logits, targets_01=True, name="binary_crossentropy"
    )
    if from_logits:
        g = _sigmoid(p) - t
    else:
        c, inside = _clip(p)
        g = np.where(inside, -t / c + (1 - t) / (1 - c), 0.0)
    return (g / p.size).astype(p.dtype, copy=False).reshape(p0.shape)


# ----------------------------------------------------------------------------------------- CCE
def _check_rows(p: np.ndarray) -> np.ndarray:
    s = p.sum(axis=-1, keepdims=True)
    if (s == 0).any():
        idx = first_bad_index(s[..., 0] == 0)
        raise ValueError(
            f"y_pred row {idx} sums to 0; categorical_crossentropy needs a probability "
            "distribution over the last axis (pass from_logits=True for logits)"
        )
    return s


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """Per-sample categorical cross-entropy ``-sum_k t_k log p_k`` over the last (class) axis.

    y_true: (N, K) one-hot (or soft) targets in [0, 1]; y_pred: (N, K) probabilities (rows are
    rescaled to sum to 1, then clipped to [1e-7, 1 - 1e-7], as Keras does) or logits with
    ``from_logits=True`` (``-sum_k t_k log softmax(z)_k``).  Returns (N,).
    Equals ``keras.losses.categorical_crossentropy``.
    """
    t, _, p = _prepare(
        y_true, y_pred, probs=not from_logits, targets_01=True, name="categorical_crossentropy"
    )
    if from_logits:
        return -(t * _log_softmax(p)).sum(axis=-1)
    q = p / _check_rows(p)
    c, _ = _clip(q)
    return -(t * np.log(c)).sum(axis=-1)


def categorical_crossentropy_grad(y_true, y_pred, from_logits: bool = False):
    """Gradient of the batch mean of :func:`categorical_crossentropy` w.r.t. ``y_pred``/logits.

    Logits: ``(softmax(z) * sum_k t_k - t) / N``, i.e. the fused ``(p - y) / N`` for one-hot y.
    Probabilities: the exact gradient through Keras's row rescaling and clipping,
    ``(g - sum_k g_k q_k) / sum_k p_k / N`` with ``q = p / sum_k p_k`` and ``g = -t / q`` (0 where
    q is clipped); for rows that already sum to 1 and one-hot t this is ``-t / p + 1`` over N.
    Shape of ``y_pred``; N is the number of samples (all axes but the last).
    """
    t, p0, p = _prepare(
        y_true, y_pred, probs=not from_logits, targets_01=True, name="categorical_crossentropy"
    )
    n = _n_samples(p)
    if from_logits:
        g = _softmax(p) * t.sum(axis=-1, keepdims=True) - t
    else:
        s = _check_rows(p)
        q = p / s
        c, inside = _clip(q)
        gq = np.where(inside, -t / c, 0.0)
        g = (gq - (gq * q).sum(axis=-1, keepdims=True)) / s
    return (g / n).astype(p.dtype, copy=False).reshape(p0.shape)


# ---------------------------------------------------------------------------------------- SCCE
def _prepare_sparse(y_true, y_pred, from_logits: bool):
    p = as_float_array(y_pred, "y_pred")
    if p.ndim == 0:
        raise ValueError(
            "sparse_categorical_crossentropy: y_pred must be at least 1-D (N, K), got a scalar"
        )
    try:
        y = np.asarray(y_true)
    except Exception as exc:
        raise ValueError(f"y_true could not be converted to an array: {exc}") from exc
    if y.dtype == np.bool_ or not np.issubdtype(y.dtype, np.integer):
        example = y.reshape(-1)[0].item() if y.size else None
        raise TypeError(
            f"y_true must hold integer class labels, got dtype {y.dtype} "
            f"(first value {example!r}); convert with y_true.astype(int)"
        )
    if y.ndim == p.ndim and y.ndim > 0 and y.shape[-1] == 1:
        y = y[..., 0]
    if y.shape != p.shape[:-1]:
        raise ValueError(
            f"y_true has shape {shape_str(np.shape(y_true))} but y_pred has shape "
            f"{shape_str(p.shape)}; y_true must have shape y_pred.shape[:-1] = "
            f"{shape_str(p.shape[:-1])} (one integer label per sample)"
        )
    k = p.shape[-1]
    bad = (y < 0) | (y >= k)
    if bad.any():
        idx = first_bad_index(bad)
        raise ValueError(
            f"label {y[idx].item()} at index {idx} is out of range for {k} classes "
            f"(y_pred: {shape_str(p.shape)}); labels must be in [0, {k})"
        )
    if not from_logits:
        _check_range(
            p, "y_pred", "; probabilities must lie in [0, 1] (pass from_logits=True for logits)"
        )
    onehot = np.zeros_like(p)
    np.put_along_axis(onehot, y[..., np.newaxis].astype(np.intp), 1.0, axis=-1)
    return y, p, onehot


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """Per-sample cross-entropy with integer labels: ``-log p[label]``.

    y_true: (N,) (or (N, 1)) integer labels in [0, K); y_pred: (N, K) probabilities or logits.
    Probabilities are clipped to [1e-7, 1 - 1e-7] and then renormalised (Keras's order:
    ``-log(c[label] / sum(c))`` with ``c`` the clipped row).  Returns (N,).
    Equals ``keras.losses.sparse_categorical_crossentropy``.
    """
    _, p, onehot = _prepare_sparse(y_true, y_pred, from_logits)
    if from_logits:
        return -(onehot * _log_softmax(p)).sum(axis=-1)
    c, _ = _clip(p)
    return np.log(c.sum(axis=-1)) - (onehot * np.log(c)).sum(axis=-1)


def sparse_categorical_crossentropy_grad(y_true, y_pred, from_logits: bool = False):
    """Gradient of the batch mean of :func:`sparse_categorical_crossentropy` w.r.t. y_pred/logits.

    Logits: ``(softmax(z) - onehot(y)) / N`` — the fused softmax + cross-entropy gradient p - y.
    Probabilities: ``(1 / sum(c) - onehot(y) / c) / N`` where p is not clipped, else 0.
    Shape of ``y_pred``.
    """
    _, p, onehot = _prepare_sparse(y_true, y_pred, from_logits)
    n = _n_samples(p)
    if from_logits:
        g = _softmax(p) - onehot
    else:
        c, inside = _clip(p)
        g = np.where(inside, 1.0 / c.sum(axis=-1, keepdims=True) - onehot / c, 0.0)
    return (g / n).astype(p.dtype, copy=False)


# ------------------------------------------------------------------------------------ accuracy
def _sparse_accuracy(y_true, y_pred, from_logits: bool = False) -> float:
    """Share of samples whose largest score is at the integer label (Keras's
    ``sparse_categorical_accuracy``); y_true (N,), y_pred (N, K) probabilities or logits."""
    y = np.asarray(y_true)
    return float(np.mean(np.argmax(y_pred, axis=-1) == y.reshape(np.shape(y_pred)[:-1])))


def _categorical_accuracy(y_true, y_pred, from_logits: bool = False) -> float:
    """Share of samples whose largest score is at the one-hot target's 1 (Keras's
    ``categorical_accuracy``); y_true, y_pred (N, K)."""
    return float(np.mean(np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)))


def _binary_accuracy(y_true, y_pred, from_logits: bool = False) -> float:
    """Share of outputs on the target's side of the threshold (Keras's ``binary_accuracy``):
    0.5 for probabilities, 0 for logits; y_true, y_pred (N, D)."""
    threshold = 0.0 if from_logits else 0.5
    y_pred = np.asarray(y_pred)
    return float(np.mean((y_pred > threshold) == (np.asarray(y_true).reshape(y_pred.shape) > 0.5)))


# ------------------------------------------------------------------------------------ registry
class Loss(NamedTuple):
    """What :func:`get` returns: the loss, its gradient, and what the loss implies for a model.

    A trainer (:func:`minidl.training.fit`, :class:`minidl.network.MLP`) asks these fields
    instead of keeping tables of loss names.
    """

    name: str
    #: ``fn(y_true, y_pred, ...)``, the per-sample loss, (N,)
    fn: Callable
    #: ``grad(y_true, y_pred, ...)``, the gradient of the batch mean w.r.t. ``y_pred``
    grad: Callable
    #: the output activation this loss fuses with (``"softmax"``, ``"sigmoid"``): a model ending
    #: in it back-propagates ``grad(y_true, z, from_logits=True)`` from the logits ``z``, as Keras
    #: does.  ``None``: no fused form (and no ``from_logits``).
    fused_activation: str | None = None
    #: ``accuracy(y_true, y_pred, from_logits=False) -> float`` for a classification loss
    #: (Keras's matching ``*_accuracy`` metric); ``None`` for a regression loss.
    accuracy: Callable | None = None

    @property
    def classification(self) -> bool:
        """Whether the loss is a classification loss (it has an accuracy)."""
        return self.accuracy is not None


_LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    Loss("mean_squared_error", mean_squared_error, mean_squared_error_grad),
    Loss("binary_crossentropy", binary_crossentropy, binary_crossentropy_grad,
         "sigmoid", _binary_accuracy),
    Loss("categorical_crossentropy", categorical_crossentropy, categorical_crossentropy_grad,
         "softmax", _categorical_accuracy),
    Loss("sparse_categorical_crossentropy", sparse_categorical_crossentropy,
         sparse_categorical_crossentropy_grad, "softmax", _sparse_accuracy),
)}
_ALIASES = {"mse": "mean_squared_error"}

#: Loss names that :func:`get` and :func:`minidl.training.fit` accept (plus the alias "mse").
NAMES = tuple(_LOSSES)


def get(name: str) -> Loss:
    """The :class:`Loss` for a loss name such as ``"mse"`` or ``"sparse_categorical_crossentropy"``
    (``name`` is the canonical one, ``"mean_squared_error"`` for ``"mse"``).  Like
    :func:`minidl.activations.get` and :func:`minidl.optim.get`, it returns a named object with a
    ``name`` field.
    Raises ``TypeError`` for a non-string name, ``ValueError`` for an unknown one.
    """
    if not isinstance(name, str):
        raise TypeError(f"loss name must be a str, got {name!r}")
    key = _ALIASES.get(name, name)
    if key not in _LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {[*NAMES, *_ALIASES]}")
    return _LOSSES[key]

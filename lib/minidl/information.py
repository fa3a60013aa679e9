"""Entropy and Kullback-Leibler divergence of discrete distributions.

Chapter 4 (损失函数) uses these to show what cross-entropy is — and that it is not an "entropy
difference", as the article says: for a target distribution ``p`` and a prediction ``q``,

    H(p, q) = H(p) + KL(p || q),

where the cross-entropy ``H(p, q)`` is :func:`minidl.losses.categorical_crossentropy` (without the
batch mean), ``H(p)`` is :func:`entropy` and ``KL(p || q)`` is :func:`kl_divergence`.  For a
one-hot target ``H(p) = 0``, so cross-entropy equals the KL divergence.

Distributions lie along the last axis: ``p, q: (..., K)``; results have shape ``(...)``.
Logarithms are natural (nats) unless ``base`` is given (``base=2`` gives bits), matching Keras,
which uses the natural logarithm.  The convention ``0 log 0 = 0`` is used throughout.
"""

from __future__ import annotations

import numpy as np

from minidl.validation import as_float_array, check_real

__all__ = ["entropy", "kl_divergence"]

_ATOL = 1e-6


def _as_distribution(p, name: str) -> np.ndarray:
    p = as_float_array(p, name).astype(np.float64, copy=False)
    if p.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (classes last), got a scalar {p!r}")
    if p.shape[-1] == 0:
        raise ValueError(f"{name} has shape {p.shape}: the class axis (last) is empty")
    if np.any(p < 0):
        raise ValueError(f"{name} has negative entries (min {p.min()!r}); probabilities are >= 0")
    sums = p.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0, atol=_ATOL):
        worst = sums.flat[np.argmax(np.abs(sums - 1.0))]
        raise ValueError(
            f"{name} of shape {p.shape} does not sum to 1 along the last axis (found a sum of "
            f"{worst!r})"
        )
    return p


def _log(x: np.ndarray, base: float | None) -> np.ndarray:
    out = np.log(x)
    if base is not None:
        base = check_real(base, "base", min_value=0.0, min_open=True)
        if base == 1:
            raise ValueError("base must be a positive number other than 1, got 1.0")
        out = out / np.log(base)
    return out


def entropy(p, *, base: float | None = None) -> np.ndarray:
    """Shannon entropy ``H(p) = -sum_k p_k log p_k`` along the last axis.

    Parameters
    ----------
    p
        (..., K) array of probabilities (non-negative, summing to 1 along the last axis).
    base
        logarithm base; ``None`` means natural logarithm (nats).

    Returns
    -------
    array
        Shape (...), a NumPy float for a single distribution ``p`` of shape (K,).
    """
    p = _as_distribution(p, "p")
    safe = np.where(p > 0, p, 1.0)  # 0 log 0 = 0
    return 0.0 - np.sum(p * _log(safe, base), axis=-1)  # 0.0 - x: no negative zero


def kl_divergence(p, q, *, base: float | None = None) -> np.ndarray:
    """Kullback-Leibler divergence ``KL(p || q) = sum_k p_k log(p_k / q_k)`` along the last axis.

    Parameters
    ----------
    p
        (..., K) target distribution.
    q
        (..., K) predicted distribution, same shape as ``p``.
    base
        logarithm base; ``None`` means natural logarithm (nats).

    Returns
    -------
    array
        Shape (...), non-negative; ``inf`` where some ``q_k = 0`` while ``p_k > 0``.
    """
    p = _as_distribution(p, "p")
    q = _as_distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got p: {p.shape} and q: {q.shape}")
    support = p > 0
    safe_p = np.where(support, p, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = _log(safe_p, base) - _log(q, base)  # inf only where q == 0
        terms = np.where(support, p * log_ratio, 0.0)
    return np.sum(terms, axis=-1)

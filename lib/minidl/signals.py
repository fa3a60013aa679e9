"""Synthetic periodic signals for a small, honest sequence-classification example.

:func:`synthetic_rhythms` draws noisy sine waves whose frequency falls in one of three bands
("slow", "medium", "fast"), at a random phase.  It stands in for the article's 健康监测 example
(e.g. telling heart-rate ranges apart in a pulse signal) without pretending to be physiological
data: the bands are in cycles per time step, not beats per minute.

The classes are built so that *order* matters: every class has the same distribution of values
(a sine at a random phase), so a model that sees the values as an unordered bag, or a linear model
on the raw samples (the random phase shifts every pattern), is at chance level; a recurrent model
that looks at how the signal changes from step to step can separate them — and so can one
hand-made feature, :func:`zero_crossings` (a sine of frequency f crosses zero about 2 f T times),
which keeps the example honest.
"""

from __future__ import annotations

import numpy as np

from minidl.validation import as_float_array, check_int, check_real, check_rng

__all__ = ["RHYTHM_BANDS", "RHYTHM_NAMES", "synthetic_rhythms", "zero_crossings"]

#: Frequency bands (cycles per step) of the three classes (slow, medium, fast).
RHYTHM_BANDS: tuple[tuple[float, float], ...] = ((1 / 24, 1 / 16), (1 / 12, 1 / 9), (1 / 7, 1 / 5))
#: Names of the three classes, in label order.
RHYTHM_NAMES: tuple[str, ...] = ("slow", "medium", "fast")


def synthetic_rhythms(n: int, *, steps: int = 40, noise: float = 0.3,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` labelled signals.

    For each sample: a class ``k`` uniformly from {0, 1, 2}, a frequency ``f`` uniformly in
    ``RHYTHM_BANDS[k]``, a phase uniformly in [0, 2π);
    ``x[t] = sin(2π f t + phase) + noise * N(0, 1)`` for ``t = 0 .. steps-1``.

    Returns ``x``: (n, steps, 1) float32 — batch-first, one feature per step, the layout of
    ``keras.layers.LSTM`` — and ``y``: (n,) int64 class labels.
    """
    n = check_int(n, "n", min_value=1)
    steps = check_int(steps, "steps", min_value=1)
    noise = check_real(noise, "noise", min_value=0.0)
    check_rng(rng)
    y = rng.integers(0, len(RHYTHM_BANDS), n)
    bands = np.asarray(RHYTHM_BANDS)[y]                     # (n, 2)
    freq = rng.uniform(bands[:, 0], bands[:, 1])[:, None]   # (n, 1)
    phase = rng.uniform(0.0, 2 * np.pi, (n, 1))
    t = np.arange(steps)[None, :]
    x = np.sin(2 * np.pi * freq * t + phase) + noise * rng.standard_normal((n, steps))
    return x[..., None].astype(np.float32), y.astype(np.int64)


def zero_crossings(x) -> np.ndarray:
    """Number of sign changes along the time axis: x (N, T, 1) or (N, T) -> (N, 1) float64."""
    arr = as_float_array(x, "x").astype(np.float64, copy=False)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError(f"x must be (N, T, 1) or (N, T) with T >= 2, got shape {np.shape(x)}")
    s = np.sign(arr)
    return np.sum(s[:, 1:] != s[:, :-1], axis=1, keepdims=True).astype(np.float64)

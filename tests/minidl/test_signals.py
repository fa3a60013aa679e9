"""minidl.signals: synthetic rhythms have the documented shapes, labels and frequencies."""

from __future__ import annotations

import numpy as np
import pytest

from minidl.signals import RHYTHM_BANDS, synthetic_rhythms, zero_crossings


def test_shapes_dtypes_and_labels():
    x, y = synthetic_rhythms(50, steps=30, rng=np.random.default_rng(0))
    assert x.shape == (50, 30, 1) and x.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64
    assert set(np.unique(y)) <= {0, 1, 2}


def test_same_seed_same_signals():
    a = synthetic_rhythms(20, rng=np.random.default_rng(3))
    b = synthetic_rhythms(20, rng=np.random.default_rng(3))
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


def test_noiseless_dominant_frequency_lies_in_the_class_band():
    steps = 480  # long enough for a fine frequency grid (1/480 cycles per step)
    x, y = synthetic_rhythms(60, steps=steps, noise=0.0, rng=np.random.default_rng(1))
    freqs = np.fft.rfftfreq(steps)
    for signal, label in zip(x[..., 0], y, strict=True):
        peak = freqs[np.argmax(np.abs(np.fft.rfft(signal)))]
        lo, hi = RHYTHM_BANDS[label]
        assert lo - 1 / steps <= peak <= hi + 1 / steps


def test_classes_share_the_value_distribution():
    """Order is what distinguishes the classes: sorted values look alike across classes."""
    x, y = synthetic_rhythms(3000, noise=0.0, rng=np.random.default_rng(2))
    means = [np.sort(x[y == k, :, 0], axis=1).mean(axis=0) for k in range(3)]
    assert max(np.abs(means[i] - means[j]).max() for i in range(3) for j in range(i)) < 0.15


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n": 0}, "n must be a positive integer, got 0"),
        ({"n": 5, "noise": -1.0}, "noise must be a non-negative finite number, got -1.0"),
        ({"n": 5, "noise": float("nan")}, "noise must be a non-negative finite number"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic_rhythms(rng=np.random.default_rng(0), **kwargs)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n": 5, "steps": 2.5}, "steps must be an integer"),
        ({"n": 5, "noise": "low"}, "noise must be a real number"),
        ({"n": 5, "rng": 0}, "rng must be a numpy.random.Generator"),
    ],
)
def test_wrong_types_raise_type_error(kwargs, match):
    with pytest.raises(TypeError, match=match):
        synthetic_rhythms(**{"rng": np.random.default_rng(0), **kwargs})


def test_numpy_scalars_are_accepted():
    a = synthetic_rhythms(np.int64(4), steps=np.int32(5), noise=np.float32(0.25),
                          rng=np.random.default_rng(1))
    b = synthetic_rhythms(4, steps=5, noise=0.25, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a[0], b[0])


def test_zero_crossings_counts_sign_changes_and_tracks_frequency():
    assert zero_crossings(np.array([[1.0, -1.0, -2.0, 3.0, 4.0]])).tolist() == [[2.0]]
    x, y = synthetic_rhythms(300, steps=200, noise=0.0, rng=np.random.default_rng(4))
    zc = zero_crossings(x)[:, 0]
    assert zc.shape == (300,)
    means = [zc[y == k].mean() for k in range(3)]
    assert means[0] < means[1] < means[2]


def test_zero_crossings_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"must be \(N, T, 1\) or \(N, T\)"):
        zero_crossings(np.zeros((3, 4, 2)))

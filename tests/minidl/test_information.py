"""Tests for minidl.information: entropy and KL divergence, against SciPy and by identity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import entr, rel_entr

from minidl.information import entropy, kl_divergence


def _random_distributions(rng, shape):
    x = rng.random(shape) + 1e-3
    return x / x.sum(axis=-1, keepdims=True)


def test_entropy_of_uniform_is_log_k_in_nats_and_bits():
    for k in (2, 3, 10):
        p = np.full(k, 1.0 / k)
        assert entropy(p) == pytest.approx(np.log(k), rel=1e-12)
        assert entropy(p, base=2) == pytest.approx(np.log2(k), rel=1e-12)


def test_entropy_of_one_hot_is_zero_using_0_log_0_convention():
    with np.errstate(all="raise"):
        h = entropy([0.0, 1.0, 0.0])
    assert h == 0.0 and not np.signbit(h)  # prints as 0.0000, not -0.0000


def test_entropy_matches_scipy_entr_batched():
    rng = np.random.default_rng(0)
    p = _random_distributions(rng, (4, 5, 6))
    np.testing.assert_allclose(entropy(p), entr(p).sum(axis=-1), rtol=1e-12)
    assert entropy(p).shape == (4, 5)


def test_kl_matches_scipy_rel_entr_batched():
    rng = np.random.default_rng(1)
    p = _random_distributions(rng, (7, 3))
    q = _random_distributions(rng, (7, 3))
    np.testing.assert_allclose(kl_divergence(p, q), rel_entr(p, q).sum(axis=-1), rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(k=st.integers(1, 8), n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_cross_entropy_equals_entropy_plus_kl(k, n, seed):
    rng = np.random.default_rng(seed)
    p = _random_distributions(rng, (n, k))
    q = _random_distributions(rng, (n, k))
    cross_entropy = -np.sum(p * np.log(q), axis=-1)
    np.testing.assert_allclose(entropy(p) + kl_divergence(p, q), cross_entropy,
                               rtol=1e-10, atol=1e-12)
    assert np.all(kl_divergence(p, q) >= -1e-12)
    np.testing.assert_allclose(kl_divergence(p, p), 0.0, atol=1e-12)


def test_kl_with_zero_target_mass_ignores_zero_predictions_without_warnings():
    with np.errstate(all="raise"):
        assert kl_divergence([0.0, 1.0], [0.0, 1.0]) == 0.0
        assert kl_divergence([0.0, 1.0], [0.9, 0.1]) == pytest.approx(-np.log(0.1))


def test_kl_is_inf_where_prediction_misses_target_support():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf


@pytest.mark.parametrize(
    ("p", "match"),
    [
        ([0.5, 0.6], "does not sum to 1"),
        ([-0.1, 1.1], "negative entries"),
        ([np.nan, 1.0], r"p contains nan at index \(0,\)"),
        (0.5, "scalar"),
        (np.zeros((2, 0)), "class axis"),
    ],
)
def test_entropy_rejects_non_distributions_naming_the_value(p, match):
    with pytest.raises(ValueError, match=match):
        entropy(p)


def test_kl_rejects_mismatched_shapes_naming_both():
    with pytest.raises(ValueError, match=r"p: \(2,\) and q: \(3,\)"):
        kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])


def test_bad_base_is_rejected():
    with pytest.raises(ValueError, match="base"):
        entropy([0.5, 0.5], base=1)
    with pytest.raises(ValueError, match="base must be a positive finite number"):
        entropy([0.5, 0.5], base=-2)
    with pytest.raises(TypeError, match="base must be a real number"):
        entropy([0.5, 0.5], base="e")
    assert entropy([0.5, 0.5], base=np.int64(2)) == pytest.approx(1.0)


def test_kl_matches_keras_kl_divergence():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(2)
    p = _random_distributions(rng, (5, 4))
    q = _random_distributions(rng, (5, 4))
    expected = np.asarray(keras.losses.kl_divergence(p, q), dtype=float)
    np.testing.assert_allclose(kl_divergence(p, q), expected, rtol=1e-5, atol=1e-6)

"""minidl.layers: the dense layer equals keras.layers.Dense, its backward pass equals finite
differences and tf.GradientTape, and shape errors name both shapes."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from minidl.gradcheck import numerical_gradient, relative_error
from minidl.layers import dense_backward, dense_forward

SETTINGS = settings(max_examples=30, deadline=None)
dims = st.integers(1, 5)


def _random_layer(seed, n, d_in, d_out):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d_in)), rng.normal(size=(d_in, d_out)), rng.normal(size=d_out)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=dims, d_in=dims, d_out=dims)
def test_dense_backward_matches_finite_differences(seed, n, d_in, d_out):
    x, W, b = _random_layer(seed, n, d_in, d_out)
    g = np.random.default_rng(seed + 1).normal(size=(n, d_out))  # upstream dL/dz

    def loss(x_, W_, b_):
        return np.sum(g * dense_forward(x_, W_, b_)[0])

    z, cache = dense_forward(x, W, b)
    assert z.shape == (n, d_out)
    grads = dense_backward(g, cache)
    assert list(grads) == ["x", "W", "b"]
    dx, dW, db = grads["x"], grads["W"], grads["b"]
    assert (dx.shape, dW.shape, db.shape) == (x.shape, W.shape, b.shape)
    assert relative_error(dx, numerical_gradient(lambda v: loss(v, W, b), x)) < 1e-7
    assert relative_error(dW, numerical_gradient(lambda v: loss(x, v, b), W)) < 1e-7
    assert relative_error(db, numerical_gradient(lambda v: loss(x, W, v), b)) < 1e-7


def test_dense_forward_matches_keras_dense_with_same_weights():
    x, W, b = _random_layer(0, 4, 3, 2)
    layer = keras.layers.Dense(2, dtype="float64")
    layer.build((None, 3))
    layer.set_weights([W, b])  # minidl's layout is Keras's: no transpose
    np.testing.assert_allclose(dense_forward(x, W, b)[0], np.asarray(layer(x)), atol=1e-14)


def test_dense_backward_matches_gradient_tape_float64():
    x, W, b = _random_layer(1, 5, 4, 3)
    g = np.random.default_rng(2).normal(size=(5, 3))
    xv, Wv, bv = tf.Variable(x), tf.Variable(W), tf.Variable(b)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(g * (xv @ Wv + bv))
    expected = tape.gradient(loss, [xv, Wv, bv])
    got = dense_backward(g, dense_forward(x, W, b)[1])
    for e, a in zip(expected, got.values(), strict=True):
        assert relative_error(a, e.numpy()) <= 1e-12


def test_one_sample_is_promoted_to_a_batch_of_one():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    z, cache = dense_forward([1.0, 2.0], W, np.zeros(2))
    assert z.shape == (1, 2)
    np.testing.assert_array_equal(z, [[7.0, 10.0]])  # x @ W, Keras layout
    grads = dense_backward(np.ones(2), cache)
    assert grads["x"].shape == (1, 2) and grads["W"].shape == (2, 2) and grads["b"].shape == (2,)


def test_forward_keeps_float32():
    x, W, b = (a.astype(np.float32) for a in _random_layer(3, 2, 3, 4))
    assert dense_forward(x, W, b)[0].dtype == np.float32


# ----------------------------------------------------------------------------------- bad input
def test_article_2x2_theta_with_3_element_bias_raises_a_readable_message():
    theta = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(
        ValueError, match=r"^bias has shape \(3,\) but W has 2 output units \(W: \(2, 2\)\)$"
    ):
        dense_forward(np.array([[1.0, 2.0]]), theta, np.array([0.1, 0.2, 0.3]))


def test_feature_mismatch_names_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"x has 4 features \(x: \(2, 4\)\) but W expects 3 inputs \(W: \(3, 2\)\)$",
    ):
        dense_forward(np.zeros((2, 4)), np.zeros((3, 2)), np.zeros(2))


def test_transposed_kernel_gets_a_hint():
    with pytest.raises(ValueError, match=r"W looks transposed: .* \(D_in, D_out\)"):
        dense_forward(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(3))


@pytest.mark.parametrize(
    "x_shape,W_shape,b_shape,message",
    [
        ((2, 3), (3,), (3,), r"W must be 2-D \(D_in, D_out\) .* got shape \(3,\)"),
        (
            (2, 3), (3, 2), (1, 2),
            r"bias must be 1-D \(D_out,\), got shape \(1, 2\) \(W: \(3, 2\)\)",
        ),
        ((2, 1, 3), (3, 2), (2,), r"x must be 1-D or 2-D, got shape \(2, 1, 3\)"),
    ],
)
def test_wrong_ranks_raise_naming_the_shape(x_shape, W_shape, b_shape, message):
    with pytest.raises(ValueError, match=message):
        dense_forward(np.zeros(x_shape), np.zeros(W_shape), np.zeros(b_shape))


def test_nan_in_weights_raises_naming_the_value():
    W = np.zeros((2, 2))
    W[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"W contains nan at index \(1, 0\)"):
        dense_forward(np.zeros((1, 2)), W, np.zeros(2))


def test_backward_with_wrong_dz_shape_names_both_shapes():
    _, cache = dense_forward(np.zeros((4, 3)), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(
        ValueError, match=r"dout has shape \(4, 3\) but the layer's output z has shape \(4, 2\)"
    ):
        dense_backward(np.zeros((4, 3)), cache)


def test_backward_with_a_bad_cache_raises():
    with pytest.raises(ValueError, match="cache must be the"):
        dense_backward(np.zeros((1, 2)), None)

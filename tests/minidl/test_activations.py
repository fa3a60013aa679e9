"""minidl.activations: values equal Keras, derivatives equal finite differences, no overflow."""

from __future__ import annotations

import warnings

import hypothesis.extra.numpy as hnp
import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from minidl import activations as A
from minidl.gradcheck import numerical_gradient

SETTINGS = settings(max_examples=30, deadline=None)
shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4)
# Values away from 0 so that relu's kink is never inside a finite-difference step.
away_from_zero = st.floats(1e-3, 15.0).flatmap(lambda v: st.sampled_from([v, -v]))

ELEMENTWISE = [
    ("sigmoid", A.sigmoid, A.sigmoid_grad, keras.activations.sigmoid),
    ("tanh", A.tanh, A.tanh_grad, keras.activations.tanh),
    ("relu", A.relu, A.relu_grad, keras.activations.relu),
    ("linear", A.linear, A.linear_grad, keras.activations.linear),
]


@pytest.mark.parametrize("name,f,f_grad,keras_f", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
@SETTINGS
@given(z=hnp.arrays(np.float64, shapes, elements=away_from_zero))
def test_elementwise_grad_matches_finite_differences(name, f, f_grad, keras_f, z):
    w = np.linspace(0.5, 1.5, z.size).reshape(z.shape)  # weights make a scalar of f
    numeric = numerical_gradient(lambda v: np.sum(w * f(v)), z)
    np.testing.assert_allclose(w * f_grad(z), numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name,f,f_grad,keras_f", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-6), (np.float64, 1e-15)])
def test_elementwise_values_and_grads_match_keras(name, f, f_grad, keras_f, dtype, tol):
    z = np.concatenate([np.linspace(-30, 30, 61), [-1e4, -800.0, -0.0, 0.0, 800.0, 1e4]])
    z = z.astype(dtype)
    np.testing.assert_allclose(f(z), np.asarray(keras_f(z)), rtol=tol, atol=tol)
    assert f(z).dtype == dtype
    zv = tf.Variable(z)
    with tf.GradientTape() as tape:
        out = keras_f(zv)
    tape_grad = tape.gradient(out, zv).numpy()
    np.testing.assert_allclose(f_grad(z), tape_grad, rtol=10 * tol, atol=tol)


def test_relu_grad_at_zero_is_zero_like_tensorflow():
    zv = tf.Variable(np.zeros(3))
    with tf.GradientTape() as tape:
        out = tf.nn.relu(zv)
    assert np.all(tape.gradient(out, zv).numpy() == 0.0)
    assert np.all(A.relu_grad(np.zeros(3)) == 0.0)


def test_sigmoid_grad_is_at_most_a_quarter():
    z = np.linspace(-10, 10, 2001)
    assert A.sigmoid_grad(z).max() == pytest.approx(0.25)
    assert float(A.sigmoid_grad(0.0)) == 0.25


def test_scalar_input_gives_scalar_sigma_of_three():
    s = A.sigmoid(3)
    assert np.ndim(s) == 0
    assert float(s) == pytest.approx(1 / (1 + np.exp(-3.0)), rel=1e-15)


@SETTINGS
@given(
    z=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                 elements=st.floats(-15, 15)),
    seed=st.integers(0, 2**32 - 1),
)
def test_softmax_backward_matches_finite_differences(z, seed):
    g = np.random.default_rng(seed).normal(size=z.shape)
    numeric = numerical_gradient(lambda v: np.sum(g * A.softmax(v)), z)
    np.testing.assert_allclose(A.softmax_backward(g, A.softmax(z)), numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_matches_keras_and_sums_to_one(axis):
    z = np.random.default_rng(1).normal(0, 5, (4, 6))
    s = A.softmax(z, axis=axis)
    np.testing.assert_allclose(s, np.asarray(keras.activations.softmax(z, axis=axis)), atol=1e-15)
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, atol=1e-15)


def test_softmax_backward_on_axis_0_matches_gradient_tape():
    z = np.random.default_rng(2).normal(size=(3, 4))
    g = np.random.default_rng(3).normal(size=(3, 4))
    zv = tf.Variable(z)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(g * tf.nn.softmax(zv, axis=0))
    expected = tape.gradient(loss, zv).numpy()
    got = A.softmax_backward(g, A.softmax(z, axis=0), axis=0)
    np.testing.assert_allclose(got, expected, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_are_finite_without_fp_warnings_for_z_up_to_1e4(dtype):
    z = np.array([[-1e4, -1e3, -100.0, -1.0, 0.0, 1.0, 100.0, 1e3, 1e4]], dtype=dtype)
    g = np.ones_like(z)
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = [f(z) for _, f, f_grad, _ in ELEMENTWISE] + [
            f_grad(z) for _, f, f_grad, _ in ELEMENTWISE
        ]
        s = A.softmax(z)
        outs += [s, A.softmax_backward(g, s), A.softmax(z, axis=0)]
    for out in outs:
        assert np.all(np.isfinite(out))
    assert A.sigmoid(z)[0, 0] == 0.0 and A.sigmoid(z)[0, -1] == 1.0
    assert s[0, -1] == 1.0


# ----------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("f", [A.sigmoid, A.tanh, A.relu, A.sigmoid_grad, A.softmax])
def test_nan_input_raises_naming_the_value(f):
    with pytest.raises(ValueError, match=r"z contains nan at index \(1,\)"):
        f(np.array([0.0, np.nan]))


def test_inf_input_raises_naming_the_value():
    with pytest.raises(ValueError, match=r"z contains -inf at index \(0, 1\)"):
        A.tanh_grad(np.array([[0.0, -np.inf]]))


def test_softmax_of_scalar_raises():
    with pytest.raises(ValueError, match="at least a 1-D z"):
        A.softmax(1.0)


def test_softmax_axis_out_of_range_raises():
    with pytest.raises(ValueError, match="axis 2 is out of range for z with 2 dimension"):
        A.softmax(np.zeros((2, 3)), axis=2)


def test_softmax_backward_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"dout has shape \(2, 3\) but s has shape \(3, 2\)"):
        A.softmax_backward(np.zeros((2, 3)), np.full((3, 2), 0.5))


def test_non_numeric_input_raises_type_error():
    with pytest.raises(TypeError, match="z must be numeric"):
        A.sigmoid(np.array(["a", "b"]))


def test_unknown_activation_name_raises_listing_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'gelu'; expected one of"):
        A.get("gelu")
    with pytest.raises(TypeError, match="activation name must be a str"):
        A.get(3)


def test_get_returns_a_named_activation_like_losses_get():
    assert A.get(None) == A.Activation("linear", A.linear, A.linear_grad)
    assert A.get("softmax") == ("softmax", A.softmax, None)
    assert A.get("tanh").grad is A.tanh_grad


# -------------------------------------------------------------- one activation list, covered
def test_the_activation_list_lives_once_and_every_implementation_covers_it():
    """minidl.activations.ELEMENTWISE is the one list: the LSTM accepts exactly it, its fast
    kernels implement every entry, and minidl.symbolic derives every derivative it has."""
    from minidl import keras_models, lstm
    from minidl import symbolic as S
    from minidl._lstm_fast import KERNELS

    assert A.NAMES == (*A.ELEMENTWISE, "softmax")
    assert lstm.ACTIVATIONS is A.ELEMENTWISE
    assert set(KERNELS) == set(A.ELEMENTWISE)
    with pytest.raises(ValueError, match=r"activation must be one of \['sigmoid', 'tanh', "):
        keras_models.lstm_classifier(features=2, activation="softmax")
    symbolic = {"sigmoid": S.sigmoid_derivative, "tanh": S.tanh_derivative,
                "relu": S.relu_derivative, "linear": None,         # d z / d z = 1
                "softmax": S.softmax_cross_entropy_gradient}
    assert set(symbolic) == set(A.NAMES)
    assert set(S._ACTS) <= set(A.ELEMENTWISE)


def test_every_registered_activation_has_its_keras_oracle_here():
    """The Keras oracle table of this file covers the registry: a new elementwise activation
    without a Keras counterpart in ELEMENTWISE (softmax has its own tests) fails."""
    assert [name for name, *_ in ELEMENTWISE] == list(A.ELEMENTWISE)
    for name, f, f_grad, _ in ELEMENTWISE:
        assert (A.get(name).fn, A.get(name).grad) == (f, f_grad)

"""minidl.rnn: the plain RNN equals keras.layers.SimpleRNN on Keras's own weights (float32 and
float64), its back-propagation through time equals tf.GradientTape and finite differences, and bad
input raises TypeError / ValueError naming it."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from minidl.gradcheck import numerical_gradient, relative_error
from minidl.rnn import rnn_backward, rnn_forward, rnn_step, rnn_step_backward
from tests.minidl.keras_layers import with_random_weights

SHAPES = [(1, 1, 1, 1), (3, 5, 2, 4), (2, 7, 3, 1)]   # (N, T, D, H)


def _keras_rnn(rng, T, D, H, activation, dtype):
    layer = keras.layers.SimpleRNN(H, activation=activation, dtype=dtype, return_sequences=True)
    return with_random_weights(layer, rng, T, D)


@pytest.mark.parametrize("dtype, tol", [("float32", 1e-6), ("float64", 1e-12)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shape", SHAPES)
def test_rnn_forward_matches_keras_simple_rnn(shape, activation, dtype, tol):
    N, T, D, H = shape
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=(N, T, D)).astype(dtype)
    layer, (kernel, rec, bias) = _keras_rnn(rng, T, D, H, activation, dtype)
    h_seq, _ = rnn_forward(x, kernel, rec, bias, activation=activation)
    assert h_seq.dtype == np.dtype(dtype) and h_seq.shape == (N, T, H)
    assert np.max(np.abs(h_seq - np.asarray(layer(x)))) < tol


@pytest.mark.parametrize("shape", SHAPES)
def test_rnn_backward_matches_gradient_tape_float64(shape):
    N, T, D, H = shape
    rng = np.random.default_rng(10 + sum(shape))
    x = rng.normal(size=(N, T, D))
    layer, (kernel, rec, bias) = _keras_rnn(rng, T, D, H, "tanh", "float64")
    h0 = rng.normal(size=(N, H))
    dh_seq = rng.normal(size=(N, T, H))        # a loss that uses every step: sum(dh_seq * h_seq)
    h_seq, cache = rnn_forward(x, kernel, rec, bias, h0=h0)
    grads = rnn_backward(dh_seq, cache)
    xt, h0t = tf.Variable(x), tf.Variable(h0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(xt, initial_state=[h0t]) * dh_seq)
    taped = tape.gradient(loss, [xt, h0t, *layer.trainable_variables])
    for name, g in zip(["x", "h0", "kernel", "recurrent_kernel", "bias"], taped, strict=True):
        assert relative_error(grads[name], np.asarray(g)) < 1e-10, name


def test_rnn_h_seq_gradient_is_the_total_gradient_reaching_each_state():
    """grads["h_seq"][:, t] = ∂L/∂H_t through every later step, by finite differences on H_t."""
    rng = np.random.default_rng(3)
    N, T, D, H = 2, 4, 3, 3
    x = rng.normal(size=(N, T, D))
    kernel, rec, bias = rng.normal(size=(D, H)), rng.normal(size=(H, H)), rng.normal(size=H)
    dh_seq = rng.normal(size=(N, T, H))
    _, cache = rnn_forward(x, kernel, rec, bias)
    grads = rnn_backward(dh_seq, cache)
    t = 1                                       # perturb H_1 and run steps 2.. onwards

    def loss_from(h_t):
        h, total = h_t, np.sum(dh_seq[:, t] * h_t)
        for s in range(t + 1, T):
            h, _ = rnn_step(x[:, s], h, kernel, rec, bias)
            total += np.sum(dh_seq[:, s] * h)
        return total

    h_t = rnn_forward(x[:, :t + 1], kernel, rec, bias)[0][:, -1]
    assert relative_error(grads["h_seq"][:, t], numerical_gradient(loss_from, h_t)) < 1e-8


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
def test_rnn_step_backward_matches_finite_differences(activation):
    rng = np.random.default_rng(7)
    x_t, h_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    kernel, rec, bias = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    dh = rng.normal(size=(2, 4))
    _, cache = rnn_step(x_t, h_prev, kernel, rec, bias, activation)
    grads = rnn_step_backward(dh, cache)
    args = {"x_t": x_t, "h_prev": h_prev, "kernel": kernel, "recurrent_kernel": rec, "bias": bias}
    for name, value in args.items():
        def loss(v, name=name):
            return np.sum(dh * rnn_step(**{**args, name: v}, activation=activation)[0])
        assert relative_error(grads[name], numerical_gradient(loss, value)) < 1e-7, name


def test_rnn_forward_rejects_bad_input_naming_it():
    x, k, r, b = np.zeros((2, 3, 4)), np.zeros((4, 5)), np.zeros((5, 5)), np.zeros(5)
    with pytest.raises(ValueError, match=r"x must be 3-D"):
        rnn_forward(np.zeros((3, 4)), k, r, b)
    with pytest.raises(ValueError, match=r"kernel must be \(D, H\) with D = 4"):
        rnn_forward(x, np.zeros((3, 5)), r, b)
    with pytest.raises(ValueError, match=r"recurrent_kernel must be \(H, H\) = \(5, 5\)"):
        rnn_forward(x, k, np.zeros((5, 4)), b)
    with pytest.raises(ValueError, match=r"bias must be \(H,\) = \(5,\)"):
        rnn_forward(x, k, r, np.zeros(4))
    with pytest.raises(ValueError, match=r"h0 must be \(N, H\) = \(2, 5\)"):
        rnn_forward(x, k, r, b, h0=np.zeros((5, 2)))
    with pytest.raises(ValueError, match="activation"):
        rnn_forward(x, k, r, b, activation="softmax")
    with pytest.raises(ValueError, match="NaN|nan"):
        rnn_forward(np.full((2, 3, 4), np.nan), k, r, b)
    with pytest.raises(TypeError, match="x must be numeric"):
        rnn_forward(np.full((2, 3, 4), "a"), k, r, b)
    _, cache = rnn_forward(x, k, r, b)
    with pytest.raises(ValueError, match=r"dh_seq must be \(N, T, H\) = \(2, 3, 5\)"):
        rnn_backward(np.zeros((2, 5)), cache)
    with pytest.raises(ValueError, match="cache must be the second value returned by rnn_forward"):
        rnn_backward(np.zeros((2, 3, 5)), {"path": "fast"})

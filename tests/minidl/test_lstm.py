"""minidl.lstm: the readable reference LSTM (lstm_step looped) equals keras.layers.LSTM on Keras's
own weights (forward, float32 and float64) and its backward pass equals tf.GradientTape and finite
differences; the fast path equals the reference on odd shapes, both activation pairs, float32 and
float64; bad input raises TypeError / ValueError naming it."""

from __future__ import annotations

import zlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from minidl import activations
from minidl._lstm_fast import KERNELS
from minidl.gradcheck import numerical_gradient, relative_error
from minidl.lstm import (
    ACTIVATIONS,
    LSTMOutput,
    Workspace,
    default_workspace,
    lstm_backward,
    lstm_backward_reference,
    lstm_forward,
    lstm_forward_reference,
    lstm_step,
)
from tests.minidl.keras_layers import with_random_weights, with_weights

# (N, T, D, H): batch 1, one step, one unit, and ordinary sizes.
SHAPES = [(1, 1, 1, 1), (1, 5, 3, 1), (3, 1, 2, 4), (4, 6, 3, 5), (2, 9, 1, 3)]


def _seed(*parts) -> int:
    """A seed that depends on the test case but not on PYTHONHASHSEED."""
    return zlib.crc32(repr(parts).encode())


def _keras_lstm(rng, T, D, H, activation, dtype, **kw):
    """A built keras.layers.LSTM with random weights (non-zero bias), and those weights."""
    return with_random_weights(keras.layers.LSTM(H, activation=activation, dtype=dtype, **kw),
                               rng, T, D)


@pytest.mark.parametrize("dtype, tol", [("float32", 1e-6), ("float64", 1e-12)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shape", SHAPES)
def test_lstm_forward_reference_matches_keras_lstm(shape, activation, dtype, tol):
    N, T, D, H = shape
    rng = np.random.default_rng(_seed(shape, activation, dtype))
    x = rng.normal(size=(N, T, D)).astype(dtype)
    layer, (kernel, rec, bias) = _keras_lstm(rng, T, D, H, activation, dtype,
                                             return_sequences=True, return_state=True)
    seq, h, c = (np.asarray(a) for a in layer(x))
    (h_seq, h_last, c_last), _ = lstm_forward_reference(x, kernel, rec, bias,
                                                        activation=activation)
    assert h_seq.shape == (N, T, H) and h_last.shape == c_last.shape == (N, H)
    assert h_seq.dtype == h_last.dtype == c_last.dtype == np.dtype(dtype)
    for ours, theirs in ((h_seq, seq), (h_last, h), (c_last, c)):
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


@pytest.mark.parametrize("return_sequences", [True, False])
def test_lstm_forward_matches_keras_return_sequences_and_initial_state(return_sequences):
    rng = np.random.default_rng(7)
    N, T, D, H = 3, 4, 2, 3
    x = rng.normal(size=(N, T, D))
    h0, c0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    layer, w = _keras_lstm(rng, T, D, H, "tanh", "float64", return_sequences=return_sequences)
    expected = np.asarray(layer(x, initial_state=[h0, c0]))
    for forward in (lstm_forward_reference, lstm_forward):
        (h_seq, h_last, _), _ = forward(x, *w, h0=h0, c0=c0)
        np.testing.assert_allclose(h_seq if return_sequences else h_last, expected, atol=1e-12)
        np.testing.assert_array_equal(h_seq[:, -1], h_last)


def _random_problem(rng, N, T, D, H):
    x = rng.normal(size=(N, T, D))
    w = [0.6 * rng.normal(size=s) for s in ((D, 4 * H), (H, 4 * H), (4 * H,))]
    h0, c0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    # Upstream gradients: on the whole sequence, on h_last and on c_last (return_state=True).
    g_seq, g_h, g_c = rng.normal(size=(N, T, H)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    return x, w, h0, c0, (g_seq, g_h, g_c)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shape", SHAPES)
def test_lstm_backward_reference_matches_gradient_tape_float64(shape, activation):
    rng = np.random.default_rng(_seed(shape, activation))
    N, T, D, H = shape
    x, w, h0, c0, (g_seq, g_h, g_c) = _random_problem(rng, N, T, D, H)
    layer = with_weights(keras.layers.LSTM(H, activation=activation, dtype="float64",
                                           return_sequences=True, return_state=True), T, D, w)
    xv, h0v, c0v = tf.Variable(x), tf.Variable(h0), tf.Variable(c0)
    with tf.GradientTape() as tape:
        seq, h, c = layer(xv, initial_state=[h0v, c0v])
        loss = tf.reduce_sum(seq * g_seq) + tf.reduce_sum(h * g_h) + tf.reduce_sum(c * g_c)
    expected = tape.gradient(loss, [xv, *layer.trainable_weights, h0v, c0v])

    _, cache = lstm_forward_reference(x, *w, h0=h0, c0=c0, activation=activation)
    grads = lstm_backward_reference((g_seq, g_h, g_c), cache)
    names = ["x", "kernel", "recurrent_kernel", "bias", "h0", "c0"]
    assert sorted(grads) == sorted(names)
    for name, ref in zip(names, expected, strict=True):
        ref = np.asarray(ref)
        assert grads[name].shape == ref.shape, name
        assert relative_error(grads[name], ref) <= 1e-9, name


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_lstm_backward_reference_matches_finite_differences(activation):
    rng = np.random.default_rng(3)
    x, (kernel, rec, bias), h0, c0, (g_seq, g_h, g_c) = _random_problem(rng, 2, 3, 2, 2)
    args = {"x": x, "kernel": kernel, "recurrent_kernel": rec, "bias": bias, "h0": h0, "c0": c0}

    def loss(**kw):
        (h_seq, h_last, c_last), _ = lstm_forward_reference(**{**args, **kw},
                                                            activation=activation)
        return np.sum(h_seq * g_seq) + np.sum(h_last * g_h) + np.sum(c_last * g_c)

    _, cache = lstm_forward_reference(**args, activation=activation)
    grads = lstm_backward_reference(LSTMOutput(g_seq, g_h, g_c), cache)
    for name in args:
        num = numerical_gradient(lambda v, name=name: loss(**{name: v}), args[name])
        assert relative_error(grads[name], num) < 1e-7, name


# Odd shapes for fast == reference: one sample, one step, one unit, more threads' worth of rows.
ODD_SHAPES = [(1, 1, 1, 1), (3, 7, 5, 2), (33, 2, 1, 3), (70, 3, 2, 1)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation, recurrent_activation",
                         [("tanh", "sigmoid"), ("relu", "sigmoid"), ("linear", "tanh")])
@pytest.mark.parametrize("shape", ODD_SHAPES)
def test_fast_lstm_equals_reference(shape, activation, recurrent_activation, dtype):
    rng = np.random.default_rng(_seed("fast", shape, activation, dtype))
    N, T, D, H = shape
    x, w, h0, c0, (g_seq, g_h, g_c) = _random_problem(rng, N, T, D, H)
    x, h0, c0, g_seq, g_h, g_c = (a.astype(dtype) for a in (x, h0, c0, g_seq, g_h, g_c))
    w = [a.astype(dtype) for a in w]
    kw = {"activation": activation, "recurrent_activation": recurrent_activation}
    fast, fast_cache = lstm_forward(x, *w, h0=h0, c0=c0, **kw, threads=2)
    ref, ref_cache = lstm_forward_reference(x, *w, h0=h0, c0=c0, **kw)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for name, a, b in zip(LSTMOutput._fields, fast, ref, strict=True):
        assert a.dtype == b.dtype == np.dtype(dtype), name
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=name)
    dout = (g_seq, g_h, g_c)
    fast_g = lstm_backward(dout, fast_cache, threads=2)
    ref_g = lstm_backward_reference(dout, ref_cache)
    assert fast_g.keys() == ref_g.keys()
    for name in ref_g:
        assert fast_g[name].dtype == ref_g[name].dtype == np.dtype(dtype), name
        assert relative_error(fast_g[name], ref_g[name]) < 10 * tol, name


def test_lstm_step_is_one_step_of_the_reference():
    rng = np.random.default_rng(11)
    x, w, h0, c0, _ = _random_problem(rng, 2, 1, 3, 2)
    h1, c1, _ = lstm_step(x[:, 0], h0, c0, *w)
    (h_seq, h_last, c_last), _ = lstm_forward_reference(x, *w, h0=h0, c0=c0)
    np.testing.assert_array_equal(h1, h_last)
    np.testing.assert_array_equal(c1, c_last)
    np.testing.assert_array_equal(h1, h_seq[:, 0])


def test_lstm_backward_without_sequence_gradient_equals_zero_sequence_gradient():
    rng = np.random.default_rng(4)
    x, w, _, _, (g_seq, g_h, _) = _random_problem(rng, 2, 4, 3, 2)
    _, cache = lstm_forward(x, *w)
    a = lstm_backward((None, g_h, None), cache)
    b = lstm_backward((np.zeros_like(g_seq), g_h, None), cache)
    again = lstm_backward((None, g_h, None), cache)  # the cache is not consumed or modified
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
        np.testing.assert_array_equal(a[k], again[k])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_step_kernels_equal_minidl_activations_and_their_gradients(name):
    kernel, derivative = KERNELS[name]
    reference, grad = activations.get(name).fn, activations.get(name).grad
    for dtype in (np.float32, np.float64):
        z = np.concatenate([np.linspace(-30, 30, 601), [-1e4, -50, 0.0, 50, 1e4]]).astype(dtype)
        y = np.empty_like(z)
        with np.errstate(over="ignore"):
            kernel(z, out=y)
        np.testing.assert_allclose(y, reference(z), rtol=4 * np.finfo(dtype).eps, atol=1e-30)
        d = np.empty_like(z)
        derivative(y, out=d)
        np.testing.assert_allclose(d, grad(z), rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=4 * np.finfo(dtype).eps)


def test_lstm_keeps_float32_and_promotes_integers():
    rng = np.random.default_rng(5)
    w32 = [rng.normal(size=s).astype(np.float32) for s in ((2, 4), (1, 4), (4,))]
    (h_seq, h_last, c_last), cache = lstm_forward(np.ones((1, 2, 2), np.float32), *w32)
    assert h_seq.dtype == h_last.dtype == c_last.dtype == np.float32
    grads = lstm_backward(np.ones((1, 2, 1), np.float64), cache)
    assert all(g.dtype == np.float32 for g in grads.values())
    assert lstm_forward(np.ones((1, 2, 2), int), *w32)[0].h_seq.dtype == np.float64


def test_lstm_is_finite_and_silent_for_extreme_inputs():
    rng = np.random.default_rng(6)
    x = 1e4 * rng.choice([-1.0, 1.0], size=(3, 5, 2))
    w = [rng.normal(size=s) for s in ((2, 8), (2, 8), (8,))]
    for forward, backward in ((lstm_forward, lstm_backward),
                              (lstm_forward_reference, lstm_backward_reference)):
        with np.errstate(all="raise"):
            (h_seq, _, c_last), cache = forward(x, *w)
            grads = backward(np.ones_like(h_seq), cache)
        assert np.isfinite(h_seq).all() and np.abs(h_seq).max() <= 1
        assert all(np.isfinite(g).all() for g in grads.values())


def test_stacked_lstms_take_the_returned_sequence_view():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 3, 4))
    w1 = [rng.normal(size=s) for s in ((4, 20), (5, 20), (20,))]
    w2 = [rng.normal(size=s) for s in ((5, 8), (2, 8), (8,))]
    seq1 = lstm_forward(x, *w1)[0].h_seq
    out = lstm_forward(seq1, *w2)[0].h_last
    np.testing.assert_array_equal(out, lstm_forward(np.array(seq1), *w2)[0].h_last)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_threads_split_the_batch_without_changing_results(activation):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(10, 4, 3))
    w = [rng.normal(size=s) for s in ((3, 24), (6, 24), (24,))]
    g = rng.normal(size=(10, 4, 6))
    one, one_cache = lstm_forward(x, *w, activation=activation, threads=1)
    grads_one = lstm_backward(g, one_cache, threads=1)
    for threads in (2, np.int64(3), 64):   # more threads than samples or steps: capped
        many, many_cache = lstm_forward(x, *w, activation=activation, threads=threads)
        for a, b in zip(one, many, strict=True):   # BLAS blocking: rounding only
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)
        grads = lstm_backward(g, many_cache, threads=threads)
        for key in grads_one:
            np.testing.assert_allclose(grads[key], grads_one[key], rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match="threads must be a positive integer, got 0"):
        lstm_forward(x, *w, threads=0)
    with pytest.raises(TypeError, match="threads must be an integer"):
        lstm_forward(x, *w, threads=2.0)


@pytest.mark.parametrize(
    "x_shape, k_shape, r_shape, b_shape, kw, match",
    [
        ((2, 3), (3, 8), (2, 8), (8,), {}, r"x must be 3-D .* got shape \(2, 3\)"),
        ((2, 3, 4), (3, 8), (2, 8), (8,), {}, r"kernel must be \(D, 4H\) with D = 4 .*\(3, 8\)"),
        ((2, 3, 4), (4, 6), (2, 8), (8,), {}, r"got kernel shape \(4, 6\)"),
        ((2, 3, 4), (4, 8), (8, 2), (8,), {}, r"recurrent_kernel must be \(H, 4H\) = \(2, 8\)"),
        ((2, 3, 4), (4, 8), (2, 8), (4,), {}, r"bias must be \(4H,\) = \(8,\).*got shape \(4,\)"),
        ((2, 0, 4), (4, 8), (2, 8), (8,), {}, r"at least one sample and one step"),
        ((2, 3, 4), (4, 8), (2, 8), (8,), {"h0": np.zeros((3, 2))},
         r"h0 must be \(N, H\) = \(2, 2\) to match x \(2, 3, 4\), got shape \(3, 2\)"),
        ((2, 3, 4), (4, 8), (2, 8), (8,), {"activation": "gelu"}, r"activation must be one of"),
        ((2, 3, 4), (4, 8), (2, 8), (8,), {"recurrent_activation": "hard_sigmoid"},
         r"recurrent_activation must be one of"),
    ],
)
@pytest.mark.parametrize("forward", [lstm_forward, lstm_forward_reference])
def test_lstm_forward_bad_shapes_raise_value_error_naming_them(forward, x_shape, k_shape, r_shape,
                                                               b_shape, kw, match):
    with pytest.raises(ValueError, match=match):
        forward(np.zeros(x_shape), np.zeros(k_shape), np.zeros(r_shape), np.zeros(b_shape), **kw)


def test_lstm_forward_rejects_nan_and_wrong_types():
    x = np.zeros((1, 2, 3))
    x[0, 1, 2] = np.nan
    w = np.zeros((3, 4)), np.zeros((1, 4)), np.zeros(4)
    with pytest.raises(ValueError, match="x contains NaN"):
        lstm_forward(x, *w)
    with pytest.raises(TypeError, match="x must be numeric"):
        lstm_forward(np.full((1, 2, 3), "a"), *w)
    with pytest.raises(TypeError, match="activation must be a str"):
        lstm_forward(np.zeros((1, 2, 3)), *w, activation=None)


@pytest.mark.parametrize("forward, backward", [(lstm_forward, lstm_backward),
                                               (lstm_forward_reference, lstm_backward_reference)])
def test_lstm_backward_bad_gradients_raise_value_error(forward, backward):
    _, cache = forward(np.zeros((2, 3, 4)), np.zeros((4, 8)), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(ValueError, match=r"dh_seq must be \(N, T, H\) = \(2, 3, 2\)"):
        backward(np.zeros((2, 2, 3)), cache)
    with pytest.raises(ValueError, match=r"dh_last must be \(N, H\) = \(2, 2\)"):
        backward((None, np.zeros(2), None), cache)
    with pytest.raises(ValueError, match="at least one of"):
        backward((None, None, None), cache)
    with pytest.raises(ValueError, match="dout must be"):
        backward((None, None), cache)
    with pytest.raises(ValueError, match="cache must be the second value returned by"):
        backward(np.zeros((2, 3, 2)), {"shape": (2, 3, 4, 2)})


def test_workspace_hands_out_only_arrays_nobody_else_holds():
    pool = Workspace(max_bytes=1000, min_bytes=40)
    a = pool.empty((3, 4), np.float32)                # 48 bytes: pooled
    address = a.__array_interface__["data"][0]
    view = a[1:].T                                     # a view keeps its memory's owner alive
    del a
    b = pool.empty((3, 4), np.float32)
    assert not np.shares_memory(b, view)
    del view, b
    c = pool.empty((3, 4), np.float32)                # free again: the first array comes back
    assert c.__array_interface__["data"][0] == address
    assert c.shape == (3, 4) and c.dtype == np.float32
    assert pool.nbytes() == 2 * 48                     # the first and the second
    assert pool.empty((3, 4), np.float64).dtype == np.float64   # the dtype is part of the key
    del c
    pool.empty((9,), np.float32)                      # 36 bytes: below min_bytes, not kept
    assert pool.nbytes() == 2 * 48 + 96
    big = pool.empty((200, 2), np.float64)            # 3,200 bytes: over max_bytes, not kept
    assert big.shape == (200, 2) and pool.nbytes() <= 1000


def test_workspace_makes_room_by_dropping_free_arrays_of_old_shapes():
    pool = Workspace(max_bytes=200, min_bytes=0)
    held = pool.empty((10,), np.float32)               # 40 bytes, still held below
    pool.empty((20,), np.float32)                      # 80 bytes, free at once
    assert pool.nbytes() == 120
    pool.empty((30,), np.float32)                      # 120 more: the free 80 make room
    assert pool.nbytes() == 40 + 120
    assert held.shape == (10,)
    pool.clear()
    assert pool.nbytes() == 0 and held.shape == (10,)


def test_fast_lstm_results_survive_later_calls():
    """The workspace's buffers behind one call's outputs and cache are not reused while held."""
    pool = Workspace(min_bytes=0)                      # pool even these small arrays
    rng = np.random.default_rng(11)
    N, T, D, H = 5, 4, 3, 6
    w = [rng.normal(size=s) for s in ((D, 4 * H), (H, 4 * H), (4 * H,))]
    x1, x2 = rng.normal(size=(2, N, T, D))
    g = rng.normal(size=(N, T, H))
    out1, cache1 = lstm_forward(x1, *w, workspace=pool)
    kept = [np.array(a) for a in out1]
    grads1 = lstm_backward(g, cache1, workspace=pool)
    for _ in range(2):                                 # later calls, same shapes
        out2, cache2 = lstm_forward(x2, *w, workspace=pool)
        lstm_backward(g, cache2, workspace=pool)
    for got, want in zip(out1, kept, strict=True):
        np.testing.assert_array_equal(got, want)
    grads1_again = lstm_backward(g, cache1, workspace=pool)
    for key in grads1:
        np.testing.assert_array_equal(grads1_again[key], grads1[key])
    ref = lstm_forward_reference(x2, *w)[0]
    np.testing.assert_allclose(out2.h_seq, ref.h_seq, rtol=1e-12, atol=1e-12)
    held = pool.nbytes()
    del out1, cache1, out2, cache2, got
    lstm_forward(x1, *w, workspace=pool)               # buffers free again: nothing new
    assert pool.nbytes() == held


@pytest.mark.parametrize("forward, backward", [(lstm_forward, lstm_backward),
                                               (lstm_forward_reference, lstm_backward_reference)])
def test_writing_into_the_outputs_does_not_change_the_gradients(forward, backward):
    """out.h_seq, out.h_last and out.c_last are the caller's: halving them after the forward
    pass leaves every gradient of the backward pass as it was (no aliasing of the cache)."""
    rng = np.random.default_rng(12)
    N, T, D, H = 4, 5, 3, 6
    w = [rng.normal(size=s) for s in ((D, 4 * H), (H, 4 * H), (4 * H,))]
    x, g = rng.normal(size=(N, T, D)), rng.normal(size=(N, T, H))
    dout = (g, rng.normal(size=(N, H)), rng.normal(size=(N, H)))
    out, cache = forward(x, *w)
    want = backward(dout, cache)
    for a in out:
        a *= 0.5
    got = backward(dout, cache)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)
    assert not any(np.shares_memory(a, b) for a in out for b in cache.values()
                   if isinstance(b, np.ndarray))


def test_the_default_workspace_is_created_lazily_and_can_be_cleared():
    from minidl import _lstm_fast

    assert isinstance(default_workspace(), Workspace)
    assert default_workspace() is default_workspace() is _lstm_fast._DEFAULT
    lstm_forward(np.zeros((64, 40, 8)), np.zeros((8, 256)), np.zeros((64, 256)), np.zeros(256))
    assert default_workspace().nbytes() > 0
    default_workspace().clear()
    assert default_workspace().nbytes() == 0
    with pytest.raises(TypeError, match="workspace must be a minidl.lstm.Workspace"):
        lstm_forward(np.zeros((1, 1, 1)), np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4),
                     workspace={})

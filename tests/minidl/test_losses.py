"""minidl.losses: values equal keras.losses (per sample and batch mean), gradients equal
tf.GradientTape and finite differences, logits of ±1e4 stay finite, bad input is named."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from minidl import losses as L
from minidl.gradcheck import numerical_gradient, relative_error

SETTINGS = settings(max_examples=30, deadline=None)
TOL = {np.float32: 1e-6, np.float64: 1e-12}

KERAS_FN = {
    "mean_squared_error": keras.losses.mean_squared_error,
    "binary_crossentropy": keras.losses.binary_crossentropy,
    "categorical_crossentropy": keras.losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": keras.losses.sparse_categorical_crossentropy,
}
KERAS_CLASS = {
    "mean_squared_error": keras.losses.MeanSquaredError,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
}
CASES = [
    ("mean_squared_error", False),
    ("binary_crossentropy", False),
    ("binary_crossentropy", True),
    ("categorical_crossentropy", False),
    ("categorical_crossentropy", True),
    ("sparse_categorical_crossentropy", False),
    ("sparse_categorical_crossentropy", True),
]
IDS = [f"{n}{'-logits' if lg else ''}" for n, lg in CASES]


def make_data(name, from_logits, rng, n=6, k=4, dtype=np.float64, edges=True, scale=3.0):
    """(y_true, y_pred) for a loss; with ``edges`` some probabilities are exactly 0 and 1 so that
    Keras's clipping is exercised."""
    if from_logits or name == "mean_squared_error":
        y_pred = rng.normal(0, scale, (n, k))
    elif name == "binary_crossentropy":
        y_pred = rng.uniform(0, 1, (n, k))
    else:
        y_pred = rng.dirichlet(np.ones(k), size=n)
    if edges and not from_logits and name != "mean_squared_error":
        y_pred[0, 0], y_pred[0, 1] = 0.0, 1.0
        y_pred[1, -1] = 1.0 - 1e-9
        if name == "categorical_crossentropy":
            y_pred[0] = np.eye(k)[1]  # row [0, 1, 0, ...]: a probability distribution
    labels = rng.integers(0, k, n)
    labels[0] = 0  # the sample whose predicted probability for its label is exactly 0
    if name == "sparse_categorical_crossentropy":
        y_true = labels
    elif name == "categorical_crossentropy":
        y_true = np.eye(k)[labels]
    elif name == "binary_crossentropy":
        y_true = rng.integers(0, 2, (n, k)).astype(float)
        y_true[0, 0] = 1.0
    else:
        y_true = rng.normal(size=(n, k))
    if name != "sparse_categorical_crossentropy":
        y_true = y_true.astype(dtype)
    return y_true, y_pred.astype(dtype)


def _kwargs(name, from_logits):
    return {} if name == "mean_squared_error" else {"from_logits": from_logits}


@pytest.mark.parametrize("name,from_logits", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_sample_loss_equals_keras_function(name, from_logits, dtype):
    fn = L.get(name).fn
    y_true, y_pred = make_data(name, from_logits, np.random.default_rng(0), dtype=dtype)
    ours = fn(y_true, y_pred, **_kwargs(name, from_logits))
    theirs = np.asarray(KERAS_FN[name](y_true, y_pred, **_kwargs(name, from_logits)))
    assert ours.shape == theirs.shape == (6,)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, theirs, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("name,from_logits", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grad_equals_gradient_tape_of_keras_loss_class(name, from_logits, dtype):
    """*_grad is the gradient of the batch mean, which is what a Keras Loss object returns
    (reduction="sum_over_batch_size"); clipped probabilities get gradient 0 in both."""
    fn, grad = L.get(name).fn, L.get(name).grad
    y_true, y_pred = make_data(name, from_logits, np.random.default_rng(1), dtype=dtype)
    loss_obj = KERAS_CLASS[name](dtype=np.dtype(dtype).name, **_kwargs(name, from_logits))
    pv = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        value = loss_obj(y_true, pv)
    expected = tape.gradient(value, pv).numpy()
    tol = TOL[dtype]
    assert float(value) == pytest.approx(
        float(fn(y_true, y_pred, **_kwargs(name, from_logits)).mean()), rel=tol, abs=tol
    )
    ours = grad(y_true, y_pred, **_kwargs(name, from_logits))
    assert ours.shape == y_pred.shape and ours.dtype == dtype
    np.testing.assert_allclose(ours, expected, rtol=10 * tol, atol=tol)


@pytest.mark.parametrize("name,from_logits", CASES, ids=IDS)
@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 6),
    k=st.integers(2, 6),
    scale=st.sampled_from([0.1, 3.0, 50.0]),
    edges=st.booleans(),
)
def test_loss_equals_keras_on_random_batches_float64(name, from_logits, seed, n, k, scale, edges):
    fn = L.get(name).fn
    y_true, y_pred = make_data(
        name, from_logits, np.random.default_rng(seed), n=max(n, 2), k=k, edges=edges, scale=scale
    )
    kw = _kwargs(name, from_logits)
    np.testing.assert_allclose(
        fn(y_true, y_pred, **kw), np.asarray(KERAS_FN[name](y_true, y_pred, **kw)),
        rtol=1e-12, atol=1e-12,
    )


@pytest.mark.parametrize("name,from_logits", CASES, ids=IDS)
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5), k=st.integers(2, 5))
def test_grad_matches_finite_differences(name, from_logits, seed, n, k):
    fn, grad = L.get(name).fn, L.get(name).grad
    rng = np.random.default_rng(seed)
    y_true, y_pred = make_data(name, from_logits, rng, n=n, k=k, edges=False)
    if not from_logits and name != "mean_squared_error":
        y_pred = np.clip(y_pred, 0.02, 0.98)  # keep finite-difference steps inside the clip
    kw = _kwargs(name, from_logits)
    numeric = numerical_gradient(lambda p: fn(y_true, p, **kw).mean(), y_pred)
    assert relative_error(grad(y_true, y_pred, **kw), numeric) < 1e-6


@pytest.mark.parametrize(
    "name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logits_of_1e4_give_finite_losses_and_grads_without_fp_warnings(name, dtype):
    fn, grad = L.get(name).fn, L.get(name).grad
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype)
    labels = np.array([1, 0])
    y_true = labels if name.startswith("sparse") else np.eye(3, dtype=dtype)[labels]
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        value = fn(y_true, z, from_logits=True)
        g = grad(y_true, z, from_logits=True)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(g))
    expected = np.asarray(KERAS_FN[name](y_true, z, from_logits=True))
    np.testing.assert_allclose(value, expected, rtol=TOL[dtype])
    if name != "binary_crossentropy":
        assert value[0] == pytest.approx(2e4)  # -log softmax = 1e4 - (-1e4)


def test_probabilities_of_exactly_0_and_1_give_keras_finite_clipped_loss():
    # -log(1e-7) = 16.118..., Keras's ceiling for one wrong, certain prediction
    value = L.binary_crossentropy([[1.0]], [[0.0]])
    assert value[0] == pytest.approx(-np.log(1e-7), rel=1e-9)
    assert L.binary_crossentropy_grad([[1.0]], [[0.0]])[0, 0] == 0.0  # clipped: no gradient


def test_article_cross_entropy_and_squared_error_examples():
    """Section 4 of the article: -[0 log 0.9 + 1 log 0.1] is 2.3026 (not 0.1054) and the
    1/n mean squared error of the same pair is 0.81 (not 0.0225)."""
    y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[0.9, 0.1]])
    assert L.categorical_crossentropy(y_true, y_pred)[0] == pytest.approx(np.log(10), rel=1e-12)
    assert L.mean_squared_error(y_true, y_pred)[0] == pytest.approx(0.81, rel=1e-12)


def test_labels_of_shape_n_align_with_sigmoid_output_of_shape_n_by_1_like_keras():
    y = np.array([0.0, 1.0, 1.0])
    p = np.array([[0.2], [0.7], [0.9]])
    ours = L.binary_crossentropy(y, p)
    assert ours.shape == (3,)
    theirs = keras.losses.BinaryCrossentropy(reduction=None, dtype="float64")(y, p)
    np.testing.assert_allclose(ours, np.asarray(theirs), atol=1e-12)
    assert L.binary_crossentropy_grad(y, p).shape == (3, 1)
    assert L.mean_squared_error_grad(p, y).shape == (3,)
    sparse = L.sparse_categorical_crossentropy(np.array([[1], [0]]), np.array([[0.3, 0.7]] * 2))
    assert sparse.shape == (2,)


def test_one_dimensional_prediction_reduces_to_a_scalar_like_keras():
    y, p = np.array([0.0, 1.0]), np.array([0.2, 0.6])
    np.testing.assert_allclose(
        L.binary_crossentropy(y, p), np.asarray(keras.losses.binary_crossentropy(y, p)), atol=1e-12
    )
    assert np.ndim(L.mean_squared_error(y, p)) == 0


# ----------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
)
def test_probability_outside_0_1_raises_naming_the_value(name):
    fn, grad = L.get(name).fn, L.get(name).grad
    y_pred = np.array([[0.5, 1.5], [0.2, 0.8]])
    y_true = np.array([0, 1]) if name.startswith("sparse") else np.array([[0.0, 1.0]] * 2)
    for f in (fn, grad):
        with pytest.raises(
            ValueError, match=r"y_pred has value 1.5 at index \(0, 1\), outside \[0, 1\].*logits"
        ):
            f(y_true, y_pred)
    fn(y_true, y_pred, from_logits=True)  # fine as logits


@pytest.mark.parametrize("name", list(KERAS_FN))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_raises_naming_the_value(name, bad):
    fn, grad = L.get(name).fn, L.get(name).grad
    y_pred = np.array([[0.3, 0.7], [0.5, 0.5]])
    y_pred[1, 0] = bad
    y_true = np.array([0, 1]) if name.startswith("sparse") else np.array([[0.0, 1.0]] * 2)
    for f in (fn, grad):
        with pytest.raises(ValueError, match=rf"y_pred contains {bad} at index \(1, 0\)"):
            f(y_true, y_pred)


def test_nan_in_targets_raises():
    with pytest.raises(ValueError, match=r"y_true contains nan at index \(0, 1\)"):
        L.mean_squared_error([[0.0, np.nan]], [[0.0, 0.0]])


def test_article_section5_bce_on_digit_labels_raises_and_points_to_sparse_ce():
    """The article trains Dense(1, sigmoid) with binary_crossentropy on MNIST labels 0-9."""
    with pytest.raises(
        ValueError,
        match=r"y_true has value 7.0 at index \(1, 0\), outside \[0, 1\].*sparse_categorical",
    ):
        L.binary_crossentropy(np.array([[0], [7]]), np.array([[0.4], [0.6]]))


def test_one_hot_targets_outside_0_1_raise():
    with pytest.raises(ValueError, match=r"y_true has value 2.0 at index \(0, 1\)"):
        L.categorical_crossentropy([[0.0, 2.0]], [[0.5, 0.5]])


def test_sparse_labels_out_of_range_raise_naming_the_label():
    with pytest.raises(
        ValueError, match=r"label 10 at index \(2,\) is out of range for 10 classes.*\[0, 10\)"
    ):
        L.sparse_categorical_crossentropy(np.array([0, 9, 10]), np.full((3, 10), 0.1))
    with pytest.raises(ValueError, match=r"label -1 at index \(0,\)"):
        L.sparse_categorical_crossentropy_grad(np.array([-1]), np.full((1, 3), 0.3))


@pytest.mark.parametrize("labels", [np.array([1.0, 0.0]), np.array([True, False])])
def test_sparse_labels_of_non_integer_dtype_raise(labels):
    with pytest.raises(TypeError, match=r"y_true must hold integer class labels, got dtype"):
        L.sparse_categorical_crossentropy(labels, np.full((2, 2), 0.5))


def test_sparse_label_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\) but y_pred has shape \(2, 4\)"):
        L.sparse_categorical_crossentropy(np.array([0, 1, 2]), np.full((2, 4), 0.25))


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(
        ValueError, match=r"y_true has shape \(2, 3\) but y_pred has shape \(2, 2\)"
    ):
        L.mean_squared_error(np.zeros((2, 3)), np.zeros((2, 2)))


def test_all_zero_probability_row_raises():
    with pytest.raises(ValueError, match=r"y_pred row \(1,\) sums to 0"):
        L.categorical_crossentropy([[1.0, 0.0]] * 2, [[0.5, 0.5], [0.0, 0.0]])


def test_unknown_loss_name_raises():
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'"):
        L.get("hinge")
    assert L.get("mse").name == "mean_squared_error"
    with pytest.raises(TypeError, match="loss name must be a str"):
        L.get(None)


def test_get_returns_a_named_loss_like_activations_get():
    loss = L.get("mse")
    assert isinstance(loss, L.Loss)
    assert (loss.name, loss.fn, loss.grad) == ("mean_squared_error", L.mean_squared_error,
                                               L.mean_squared_error_grad)


def test_bce_from_logits_gradient_has_the_values_of_sigmoid_minus_target():
    """(σ(z) − t)/N at logits from −30 to 40, against σ computed in 40-digit decimal arithmetic:
    the values, to float64 rounding, not one particular formula."""
    from decimal import Decimal, localcontext

    z = np.array([[-30.0, -1.0, 0.0, 2.0, 40.0]])
    t = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    with localcontext() as ctx:
        ctx.prec = 40
        sigma = [float(1 / (1 + (-Decimal(v)).exp())) for v in z[0]]
    got = L.binary_crossentropy_grad(t, z, from_logits=True)[0]
    np.testing.assert_allclose(got * z.size + t[0], sigma, rtol=1e-14, atol=0)
    assert got[0] > 0 and got[1] < 0 and got[2] == -0.1   # σ(0) = 1/2 exactly


# --------------------------------------------------------------------- the registry covers itself
KERAS_ACCURACY = {
    "binary_crossentropy": keras.metrics.binary_accuracy,
    "categorical_crossentropy": keras.metrics.categorical_accuracy,
    "sparse_categorical_crossentropy": keras.metrics.sparse_categorical_accuracy,
}


def test_every_registered_loss_has_a_keras_oracle_and_test_cases():
    """A loss added to the registry without its Keras oracles (or without a case here) fails."""
    assert set(KERAS_FN) == set(KERAS_CLASS) == {name for name, _ in CASES} == set(L.NAMES)
    assert {name for name, logits in CASES if logits} == {
        name for name in L.NAMES if L.get(name).fused_activation is not None}
    assert set(KERAS_ACCURACY) == {name for name in L.NAMES if L.get(name).classification}


@pytest.mark.parametrize("name", sorted(KERAS_ACCURACY))
@pytest.mark.parametrize("from_logits", [False, True])
def test_registry_accuracy_equals_keras_metric(name, from_logits):
    rng = np.random.default_rng(5)
    y_true, y_pred = make_data(name, from_logits, rng, n=40, k=3, edges=False)
    theirs = KERAS_ACCURACY[name](y_true, y_pred if not from_logits or name != "binary_crossentropy"
                                  else keras.ops.sigmoid(y_pred))
    ours = L.get(name).accuracy(y_true, y_pred, from_logits)
    assert ours == pytest.approx(float(np.mean(np.asarray(theirs))), abs=1e-6)   # float32


@pytest.mark.parametrize("name", [n for n in L.NAMES if L.get(n).fused_activation is not None])
def test_fused_gradient_equals_the_chain_rule_through_the_fused_activation(name):
    """grad(y, z, from_logits=True) is what back-propagating grad(y, f(z)) through f gives, for
    the activation f the registry fuses the loss with (values at unclipped probabilities)."""
    from minidl import activations as A

    spec = L.get(name)
    rng = np.random.default_rng(7)
    y_true, z = make_data(name, True, rng, n=5, k=4, scale=1.0)
    p = A.get(spec.fused_activation).fn(z)
    g_p = spec.grad(y_true, p)
    if spec.fused_activation == "softmax":
        chained = A.softmax_backward(g_p, p)
    else:
        chained = g_p * A.get(spec.fused_activation).grad(z)
    np.testing.assert_allclose(spec.grad(y_true, z, from_logits=True), chained, rtol=1e-10,
                               atol=1e-15)
    np.testing.assert_allclose(spec.fn(y_true, z, from_logits=True), spec.fn(y_true, p),
                               rtol=1e-10)

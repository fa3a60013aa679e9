"""minidl.network.MLP: backward equals tf.GradientTape (float64, rel. error <= 1e-9) and finite
differences, fit equals keras.Model.fit, and bad shapes are named."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from minidl import activations as A
from minidl import losses as L
from minidl.gradcheck import numerical_gradient_wrt, relative_error
from minidl.network import MLP
from minidl.optim import SGD, Adam

KERAS_LOSS = {
    "mean_squared_error": keras.losses.MeanSquaredError,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
}


def make_targets(loss, rng, n, k):
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, k, n)
    if loss == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, n)]
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.normal(size=(n, k))


def keras_twin(net: MLP) -> keras.Model:
    """The same network in Keras, float64, with minidl's weights copied unchanged."""
    layers = [keras.Input((net.layer_sizes[0],), dtype="float64")]
    layers += [
        keras.layers.Dense(units, activation=a, dtype="float64")
        for units, a in zip(net.layer_sizes[1:], net.activations, strict=True)
    ]
    model = keras.Sequential(layers)
    model.set_weights(net.get_weights())
    return model


# (layer sizes, activations, loss, from_logits)
CASES = [
    ([2, 3, 2], ["sigmoid", "sigmoid"], "mean_squared_error", False),  # the article's network
    ([4, 5, 3], ["relu", "softmax"], "sparse_categorical_crossentropy", False),  # fused
    ([4, 5, 3], ["tanh", "softmax"], "categorical_crossentropy", False),  # fused
    ([3, 4, 2], ["relu", "sigmoid"], "binary_crossentropy", False),  # fused
    ([4, 6, 3], ["tanh", "linear"], "sparse_categorical_crossentropy", True),  # logits
    ([3, 4, 2], ["sigmoid", "softmax"], "mean_squared_error", False),  # softmax_backward
    ([5, 4, 3, 2], ["relu", "tanh", "linear"], "mean_squared_error", False),  # 3 layers
]
IDS = ["-".join(map(str, c[0])) + "-" + "-".join(c[1]) + "-" + c[2] for c in CASES]


@pytest.mark.parametrize("sizes,acts,loss,from_logits", CASES, ids=IDS)
def test_mlp_backward_matches_gradient_tape_float64(sizes, acts, loss, from_logits):
    rng = np.random.default_rng(42)
    net = MLP.glorot(sizes, acts, rng=rng)
    for k in net.params:  # non-zero biases so that their gradients are exercised too
        net.params[k] += rng.normal(scale=0.3, size=net.params[k].shape)
    x = rng.normal(size=(7, sizes[0]))
    y = make_targets(loss, rng, 7, sizes[-1])

    value, grads, _ = net.loss_and_grads(x, y, loss, from_logits=from_logits)

    model = keras_twin(net)
    loss_obj = KERAS_LOSS[loss](dtype="float64", **({"from_logits": True} if from_logits else {}))
    xv = tf.Variable(x)
    with tf.GradientTape() as tape:
        keras_value = loss_obj(y, model(xv))
    tape_grads = tape.gradient(keras_value, [*model.trainable_variables, xv])

    assert value == pytest.approx(float(keras_value), rel=1e-12)
    for name, g in zip(net.params, tape_grads[:-1], strict=True):
        assert relative_error(grads[name], g.numpy()) <= 1e-9, name
    # backward's "x" is dL/dx; drive it by hand, as a chapter would
    spec = L.get(loss)
    y_hat, cache = net.forward(x)
    if spec.fused_activation == acts[-1]:
        dx = net.backward(spec.grad(y, cache[f"Z{net.n_layers}"], from_logits=True), cache,
                          wrt="logits")["x"]
    else:
        kw = {} if spec.fused_activation is None else {"from_logits": from_logits}
        dx = net.backward(spec.grad(y, y_hat, **kw), cache)["x"]
    assert relative_error(dx, tape_grads[-1].numpy()) <= 1e-9


# keras.activations (not tf.nn): their sigmoid/softmax outputs carry the logits, so Keras's
# cross-entropies use the fused logits form exactly as minidl does and as a Keras model does.
TF_ACT = {name: keras.activations.get(name) for name in A.NAMES}


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    head=st.sampled_from([
        ("linear", "mean_squared_error", False),
        ("sigmoid", "mean_squared_error", False),
        ("softmax", "categorical_crossentropy", False),
        ("softmax", "sparse_categorical_crossentropy", False),
        ("sigmoid", "binary_crossentropy", False),
        ("linear", "sparse_categorical_crossentropy", True),
        ("linear", "binary_crossentropy", True),
    ]),
    n=st.integers(1, 6),
)
def test_mlp_backward_matches_gradient_tape_float64_for_random_architectures(
    seed, sizes, hidden, head, n
):
    out, loss, from_logits = head
    if loss.endswith("categorical_crossentropy") and sizes[-1] < 2:
        sizes = [*sizes[:-1], 2]
    rng = np.random.default_rng(seed)
    net = MLP.glorot(sizes, [hidden] * (len(sizes) - 2) + [out], rng=rng)
    for k in net.params:
        net.params[k] += rng.normal(scale=0.5, size=net.params[k].shape)
    x = rng.normal(size=(n, sizes[0]))
    y = make_targets(loss, rng, n, sizes[-1])
    value, grads, _ = net.loss_and_grads(x, y, loss, from_logits=from_logits)

    tf_params = {k: tf.Variable(v) for k, v in net.params.items()}
    with tf.GradientTape() as tape:
        a = tf.constant(x)
        for i, name in enumerate(net.activations, start=1):
            a = TF_ACT[name](a @ tf_params[f"W{i}"] + tf_params[f"b{i}"])
        kw = {"from_logits": True} if from_logits else {}
        tf_loss = KERAS_LOSS[loss](dtype="float64", **kw)(y, a)
    tape_grads = tape.gradient(tf_loss, tf_params)
    assert value == pytest.approx(float(tf_loss), rel=1e-9, abs=1e-12)
    # float64 both sides; 1e-8 leaves room for the rounding of long sums of saturated sigmoids
    # (a random architecture once gave 1.6e-9) while any wrong term would be off by far more.
    for k, g in tape_grads.items():
        assert relative_error(grads[k], g.numpy()) <= 1e-8, k


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
    out=st.sampled_from(["sigmoid", "tanh", "linear", "softmax"]),
    n=st.integers(1, 4),
)
def test_mlp_backward_matches_finite_differences(seed, sizes, hidden, out, n):
    rng = np.random.default_rng(seed)
    net = MLP.glorot(sizes, [hidden] * (len(sizes) - 2) + [out], rng=rng)
    x = rng.normal(size=(n, sizes[0]))
    # keep relu pre-activations away from 0 (the kink) so finite differences are meaningful
    for k in net.params:
        if k.startswith("b"):
            net.params[k][...] = rng.choice([-1.0, 1.0], size=net.params[k].shape) * 0.5
    y = rng.normal(size=(n, sizes[-1]))
    grads = net.loss_and_grads(x, y, "mse").grads
    for name in net.params:
        numeric = numerical_gradient_wrt(lambda: net.loss(x, y, "mse"), net.params, name)
        # Central differences carry ~1e-10 of absolute rounding noise (eps = 1e-6 on an O(1)
        # loss): a gradient much smaller than that can only be checked absolutely.
        err = relative_error(grads[name], numeric)
        assert err < 1e-6 or np.abs(grads[name] - numeric).max() < 1e-9, (name, err)


def test_forward_intermediates_of_the_hand_written_2_3_2_network():
    W1 = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])  # (D_in=2, D_h=3), Keras layout
    b1 = np.array([0.1, 0.1, 0.1])
    W2 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])  # (3, 2)
    b2 = np.array([0.2, 0.2])
    net = MLP([(W1, b1), (W2, b2)], ["sigmoid", "sigmoid"])
    assert net.layer_sizes == (2, 3, 2) and net.count_params() == 17
    y_hat, inter = net.forward(np.array([1.0, 2.0]))
    assert set(inter) == {"x", "Z1", "A1", "Z2", "A2"}
    np.testing.assert_allclose(inter["Z1"], [[1.0, 1.3, 1.6]])  # Z_h = x W1 + b1
    np.testing.assert_allclose(inter["A1"], A.sigmoid(inter["Z1"]))  # h
    np.testing.assert_allclose(inter["Z2"], inter["A1"] @ W2 + b2)  # Z_o
    np.testing.assert_array_equal(inter["A2"], y_hat)  # y_hat
    assert y_hat.shape == (1, 2)


def test_constructor_copies_so_training_leaves_callers_arrays_alone():
    W, b = np.ones((2, 1)), np.zeros(1)
    net = MLP([(W, b)], ["linear"])
    net.fit(np.ones((4, 2)), np.zeros((4, 1)), loss="mse", optimizer=SGD(0.1), epochs=2)
    np.testing.assert_array_equal(W, 1.0)
    assert not np.allclose(net.params["W1"], 1.0)


def test_glorot_init_is_reproducible_and_within_keras_limits():
    a = MLP.glorot([784, 64, 10], ["relu", "softmax"], rng=np.random.default_rng(0))
    b = MLP.glorot([784, 64, 10], ["relu", "softmax"], rng=np.random.default_rng(0))
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert np.abs(a.params["W1"]).max() <= np.sqrt(6 / (784 + 64))
    assert np.all(a.params["b1"] == 0)
    assert a.count_params() == keras_twin(a).count_params() == 50890


def test_fit_learns_xor_and_reports_history():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    net = MLP.glorot([2, 8, 2], ["tanh", "softmax"], rng=np.random.default_rng(0))
    hist = net.fit(x, y, loss="sparse_categorical_crossentropy", optimizer=Adam(0.05),
                   epochs=200, batch_size=4, validation_data=(x, y),
                   rng=np.random.default_rng(1))
    assert set(hist) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 200 for v in hist.values())
    assert hist["loss"][-1] < 0.05 < hist["loss"][0]
    assert hist["val_accuracy"][-1] == 1.0


def test_fit_regression_history_has_no_accuracy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]])
    net = MLP.glorot([3, 1], ["linear"], rng=rng)
    hist = net.fit(x, y, loss="mse", optimizer=SGD(0.1), epochs=50, batch_size=5)
    assert set(hist) == {"loss"}
    assert hist["loss"][-1] < 1e-6


@pytest.fixture
def float64_keras():
    old = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(old)


@pytest.mark.parametrize(
    "acts,loss,optimizer",
    [
        (["relu", "softmax"], "sparse_categorical_crossentropy", "sgd"),
        (["tanh", "sigmoid"], "binary_crossentropy", "adam"),
        (["sigmoid", "sigmoid"], "mean_squared_error", "sgd"),
    ],
)
def test_fit_matches_keras_fit_float64(float64_keras, acts, loss, optimizer):
    """Same data, weights, batch order (no shuffle) and optimizer: same history and weights."""
    rng = np.random.default_rng(3)
    k = 1 if loss == "binary_crossentropy" else 3
    x, x_val = rng.normal(size=(22, 4)), rng.normal(size=(6, 4))
    y, y_val = make_targets(loss, rng, 22, k), make_targets(loss, rng, 6, k)
    net = MLP.glorot([4, 5, k], acts, rng=rng)
    model = keras_twin(net)
    lr = 2.0**-4  # exact in float32 (Keras's learning-rate variable)
    if optimizer == "sgd":
        ours, theirs = SGD(lr, momentum=0.5), keras.optimizers.SGD(lr, momentum=0.5)
    else:
        ours, theirs = Adam(lr, beta_1=0.75, beta_2=0.875, epsilon=2.0**-20), \
            keras.optimizers.Adam(lr, beta_1=0.75, beta_2=0.875, epsilon=2.0**-20)
    classification = loss != "mean_squared_error"
    model.compile(optimizer=theirs, loss=KERAS_LOSS[loss](),
                  metrics=["accuracy"] if classification else [], run_eagerly=True)
    keras_hist = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                           validation_data=(x_val, y_val)).history
    hist = net.fit(x, y, loss=loss, optimizer=ours, epochs=3, batch_size=8,
                   validation_data=(x_val, y_val))
    assert set(hist) == set(keras_hist)
    for key in hist:
        np.testing.assert_allclose(hist[key], keras_hist[key], rtol=1e-10, err_msg=key)
    for ours_w, theirs_w in zip(net.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(ours_w, theirs_w, rtol=1e-10, atol=1e-12)


def test_article_forward_pass_with_theta_used_consistently():
    """Errata audit, section 4: with θ = [[1, 2], [3, 4]] in both layers (θx, i.e. W = θᵀ in
    Keras layout), zero biases and x = [1, 2]: Z_h = [5, 11], h = σ(Z_h) = [0.9933, 1.0000],
    Z_o = [2.9933, 6.9799], ŷ = [0.9523, 0.9991]."""
    theta = np.array([[1.0, 2.0], [3.0, 4.0]])
    net = MLP([(theta.T, np.zeros(2)), (theta.T, np.zeros(2))], ["sigmoid"] * 2)
    y_hat, inter = net.forward(np.array([1.0, 2.0]))
    np.testing.assert_allclose(inter["Z1"], [[5.0, 11.0]])
    np.testing.assert_allclose(inter["A1"], [[0.9933, 1.0000]], atol=5e-5)
    np.testing.assert_allclose(inter["Z2"], [[2.9933, 6.9799]], atol=5e-5)
    np.testing.assert_allclose(y_hat, [[0.9523, 0.9991]], atol=5e-5)
    assert float(A.sigmoid(3.0)) == pytest.approx(0.9526, abs=5e-5)  # not 0.7311 = σ(1)


def test_float32_network_stays_float32():
    net = MLP.glorot([3, 4, 2], ["relu", "softmax"], rng=np.random.default_rng(0), dtype=np.float32)
    y_hat = net.predict(np.ones((2, 3)))
    assert y_hat.dtype == np.float32
    _, grads, _ = net.loss_and_grads(np.ones((2, 3)), np.array([0, 1]),
                                     "sparse_categorical_crossentropy")
    assert all(g.dtype == np.float32 for g in grads.values())


def test_single_sample_loss_promotes_its_target_like_its_input():
    net = MLP.glorot([2, 3, 2], ["sigmoid", "sigmoid"], rng=np.random.default_rng(0))
    x, t = np.array([1.0, 2.0]), np.array([0.9, 0.95])
    assert net.loss(x, t, "mse") == net.loss(x[None], t[None], "mse")
    single, grads, _ = net.loss_and_grads(x, t, "mse")
    batch, batch_grads, _ = net.loss_and_grads(x[None], t[None], "mse")
    assert single == batch
    for k, g in batch_grads.items():
        np.testing.assert_array_equal(g, grads[k])
    clf = MLP.glorot([2, 3], ["softmax"], rng=np.random.default_rng(0))
    assert clf.loss(x, 2, "sparse_categorical_crossentropy") == clf.loss(
        x[None], np.array([2]), "sparse_categorical_crossentropy")


# ----------------------------------------------------------------------------------- bad input
def test_article_single_theta_with_3_element_bias_raises_a_readable_message():
    theta = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([0.1, 0.2, 0.3])
    with pytest.raises(
        ValueError,
        match=r"^layer 1: bias has shape \(3,\) but W has 2 output units \(W: \(2, 2\)\)$",
    ):
        MLP([(theta, b), (theta, b)], ["sigmoid", "sigmoid"])


def test_layers_that_do_not_chain_name_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"layer 2: W2 has 2 inputs \(W2: \(2, 2\)\) but layer 1 has 3 output units "
        r"\(W1: \(2, 3\)\)",
    ):
        MLP([(np.zeros((2, 3)), np.zeros(3)), (np.zeros((2, 2)), np.zeros(2))],
            ["sigmoid", "sigmoid"])


def test_input_with_wrong_width_names_both_shapes():
    net = MLP.glorot([2, 3, 2], ["sigmoid", "sigmoid"], rng=np.random.default_rng(0))
    with pytest.raises(
        ValueError, match=r"x has 3 features \(x: \(1, 3\)\) but the network expects 2 inputs"
    ):
        net.forward(np.zeros((1, 3)))


@pytest.mark.parametrize(
    "acts,message",
    [
        (["sigmoid"], r"got 1 activation\(s\) \['sigmoid'\] for 2 layer\(s\)"),
        (["sigmoid", "swish"], r"unknown activation 'swish'"),
    ],
)
def test_bad_activation_lists_raise(acts, message):
    with pytest.raises(ValueError, match=message):
        MLP.glorot([2, 3, 2], acts, rng=np.random.default_rng(0))


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError, match=r"activations must be a list with one name per layer"):
        MLP.glorot([2, 3, 2], "sigmoid", rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        MLP.glorot([2, 3, 2], ["sigmoid", "sigmoid"], rng=None)
    with pytest.raises(TypeError, match="every layer size must be an integer"):
        MLP.glorot([2, 3.0, 2], ["sigmoid", "sigmoid"], rng=np.random.default_rng(0))


def test_numpy_integers_are_accepted_as_sizes():
    net = MLP.glorot([np.int64(2), np.int32(3), 2], ["sigmoid", "sigmoid"],
                     rng=np.random.default_rng(0))
    assert net.layer_sizes == (2, 3, 2) and net.count_params() == 17


def test_backward_without_its_cache_and_with_wrong_shape_raise():
    net = MLP.glorot([2, 3, 2], ["sigmoid", "sigmoid"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"cache must be the second value returned by"):
        net.backward(np.zeros((1, 2)), None)
    _, cache = net.forward(np.zeros((4, 2)))
    with pytest.raises(
        ValueError, match=r"dout has shape \(4, 3\) but the network output y_hat has shape"
    ):
        net.backward(np.zeros((4, 3)), cache)


def test_the_network_keeps_no_state_between_forward_and_backward():
    """Two forward passes, then the backward of the first: its gradients, not the second's."""
    net = MLP.glorot([3, 4, 2], ["tanh", "sigmoid"], rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    x1, x2, dout = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    _, cache1 = net.forward(x1)
    first = net.backward(dout, cache1)
    net.forward(x2)
    again = net.backward(dout, cache1)
    assert set(vars(net)) == {"dtype", "params", "activations", "layer_sizes"}
    for k in first:
        np.testing.assert_array_equal(first[k], again[k])


def test_from_logits_with_a_softmax_output_raises():
    net = MLP.glorot([2, 3], ["softmax"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"from_logits=True needs a 'linear' output layer"):
        net.loss_and_grads(np.zeros((1, 2)), np.array([0]), "sparse_categorical_crossentropy",
                           from_logits=True)


def test_fit_with_mismatched_sample_counts_raises():
    net = MLP.glorot([2, 1], ["linear"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"x has 4 samples \(x: \(4, 2\)\) but y has 3"):
        net.fit(np.zeros((4, 2)), np.zeros((3, 1)), loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        net.fit(np.zeros((4, 2)), np.zeros((4, 1)), loss="mse", optimizer="sgd", batch_size=0)


def test_fit_with_malformed_validation_data_raises():
    net = MLP.glorot([2, 1], ["linear"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"validation_data must be a pair \(x_val, y_val\)"):
        net.fit(np.zeros((4, 2)), np.zeros((4, 1)), loss="mse", optimizer="sgd",
                validation_data=np.zeros((4, 2)))


def test_fit_with_an_unknown_loss_or_optimizer_raises():
    net = MLP.glorot([2, 1], ["sigmoid"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'"):
        net.fit(np.zeros((4, 2)), np.zeros((4, 1)), loss="hinge", optimizer="sgd")
    with pytest.raises(ValueError, match=r"unknown optimizer 'rmsprop'"):
        net.fit(np.zeros((4, 2)), np.zeros((4, 1)), loss="mse", optimizer="rmsprop")


def test_constructor_needs_pairs():
    with pytest.raises(TypeError, match=r"weights must be a list of \(W, b\) pairs"):
        MLP([np.zeros((2, 2))], ["linear"])
    with pytest.raises(ValueError, match="at least one"):
        MLP([], [])


def test_digit_labels_with_a_sigmoid_bce_head_raise_like_the_article_should_have():
    """The article's Dense(1, sigmoid) + binary_crossentropy on labels 0-9."""
    net = MLP.glorot([4, 1], ["sigmoid"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"y_true has value 3.0 .* outside \[0, 1\]"):
        net.fit(np.zeros((3, 4)), np.array([[0], [3], [9]]), loss="binary_crossentropy",
                optimizer="adam")

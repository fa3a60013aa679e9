"""minidl.validation: the one validator, and the contract it gives every public function.

The walk at the end calls every public function (and class) of every public minidl module with
``"3"``, ``2.0`` and ``True`` where a count belongs — each must raise ``TypeError`` — and with
``np.int64(n)``, which must be accepted.  A public function missing from both tables fails the
walk, so a new function is held to the contract from the day it is added.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import minidl
from minidl import validation as V


# ------------------------------------------------------------------------------ the helpers
def test_check_int_returns_python_ints_and_separates_type_from_value():
    assert V.check_int(np.int64(3), "n", min_value=1) == 3
    assert type(V.check_int(np.int32(3), "n")) is int
    for bad in ("3", 2.0, True, np.bool_(True), None, [3]):
        with pytest.raises(TypeError, match="n must be an integer"):
            V.check_int(bad, "n")
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        V.check_int(0, "n", min_value=1)
    with pytest.raises(ValueError, match=r"n must be an integer in \[2, 6\], got 7"):
        V.check_int(7, "n", min_value=2, max_value=6)


def test_check_real_checks_finiteness_and_open_bounds():
    assert V.check_real(np.float32(0.5), "p") == 0.5 and V.check_real(2, "p") == 2.0
    for bad in ("0.5", True, None, np.array([0.5])):
        with pytest.raises(TypeError, match="p must be a real number"):
            V.check_real(bad, "p")
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="p must be a finite number"):
            V.check_real(bad, "p")
    with pytest.raises(ValueError, match="p must be a positive finite number, got 0.0"):
        V.check_real(0.0, "p", min_value=0.0, min_open=True)
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0.0, 1.0\), got 1.0"):
        V.check_real(1.0, "p", min_value=0.0, max_value=1.0, max_open=True)


def test_check_counts_names_the_bad_one():
    assert V.check_counts(a=1, b=np.int64(2)) == [1, 2]
    with pytest.raises(ValueError, match="b must be a positive integer, got 0"):
        V.check_counts(a=1, b=0)


def test_as_float_array_dtype_policy_and_checks():
    assert V.as_float_array([1, 2], "a").dtype == np.float64
    assert V.as_float_array([1, 2], "a", int_dtype=np.float32).dtype == np.float32
    assert V.as_float_array(np.ones(2, np.float32), "a").dtype == np.float32
    with pytest.raises(TypeError, match="a must be numeric"):
        V.as_float_array(["x"], "a")
    with pytest.raises(ValueError, match=r"a contains nan at index \(1,\)"):
        V.as_float_array([0.0, np.nan], "a")
    with pytest.raises(ValueError, match=r"a is empty \(shape \(0, 2\)\)"):
        V.as_float_array(np.zeros((0, 2)), "a", nonempty=True)
    with pytest.raises(ValueError, match=r"a must be 2-D, got shape \(3,\)"):
        V.as_float_array(np.zeros(3), "a", ndim=2)


def test_choice_rng_and_shape():
    assert V.check_choice("b", "x", ("a", "b")) == "b"
    with pytest.raises(TypeError):
        V.check_choice(1, "x", ("a", "b"))
    with pytest.raises(ValueError, match=r"x must be one of \['a', 'b'\], got 'c'"):
        V.check_choice("c", "x", ("a", "b"))
    with pytest.raises(TypeError, match=r"np.random.default_rng\(0\)"):
        V.check_rng(0)
    with pytest.raises(ValueError, match=r"h0 must be \(N, H\) = \(2, 3\), got shape \(3, 2\)"):
        V.check_shape(np.zeros((3, 2)), "h0", (2, 3), "(N, H)")
    assert V.first_bad_index(np.array([[False, False], [False, True]])) == (1, 1)


def test_doctest_examples_of_the_module_hold():
    import doctest

    assert doctest.testmod(V, extraglobs={"np": np}).failed == 0


# ------------------------------------------------------------------ the walk over all of minidl
def _keras_input(d):
    import keras

    return keras.Input(shape=(3, d))


_MODEL = []


def _model():
    from minidl.keras_models import lstm_classifier

    if not _MODEL:
        _MODEL.append(lstm_classifier(2, 2, 2, units=2))
    return _MODEL[0]


def _lstm_cache():
    from minidl.lstm import lstm_forward

    return lstm_forward(np.zeros((1, 2, 1)), np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4))[1]


def _fit(**kw):
    from minidl.network import MLP
    from minidl.training import fit

    net = MLP([(np.ones((2, 1)), np.zeros(1))], ["linear"])
    return fit(net, np.ones((4, 2)), np.zeros((4, 1)), loss="mse", optimizer="sgd", **kw)


def _import(name):
    return importlib.import_module(f"minidl.{name}")


#: public function -> calls with ``n`` where a count (or an axis) belongs, one per such argument;
#: 3 is a valid value in each.
COUNTS = {
    "activations.softmax": [lambda n: _import("activations").softmax(np.zeros((2,) * 4), axis=n)],
    "activations.softmax_backward": [
        lambda n: _import("activations").softmax_backward(np.zeros((2,) * 4),
                                                          np.full((2,) * 4, 0.5), axis=n)],
    "data.load_digit_sequences": [
        lambda n: _import("data").load_digit_sequences(validation_size=n, data_dir="/nonexistent"),
        lambda n: _import("data").load_digit_sequences(seed=n, data_dir="/nonexistent")],
    "keras_models.article_model": [lambda n: _import("keras_models").article_model(features=n)],
    "keras_models.lstm_classifier": [
        lambda n: _import("keras_models").lstm_classifier(steps=n, features=2, units=2),
        lambda n: _import("keras_models").lstm_classifier(features=n, units=2),
        lambda n: _import("keras_models").lstm_classifier(features=2, num_classes=n, units=2),
        lambda n: _import("keras_models").lstm_classifier(features=2, units=n),
        lambda n: _import("keras_models").lstm_classifier(features=2, units=2, layers=n)],
    "keras_models.corrected_model": [
        lambda n: _import("keras_models").corrected_model(n, batch_size=2, learning_rate=0.1,
                                                          epochs=1, units=2),
        lambda n: _import("keras_models").corrected_model(4, batch_size=n, learning_rate=0.1,
                                                          epochs=1, units=2),
        lambda n: _import("keras_models").corrected_model(4, batch_size=2, learning_rate=0.1,
                                                          epochs=n, units=2),
        lambda n: _import("keras_models").corrected_model(4, batch_size=2, learning_rate=0.1,
                                                          epochs=1, steps=n, units=2),
        lambda n: _import("keras_models").corrected_model(4, batch_size=2, learning_rate=0.1,
                                                          epochs=1, features=n, units=2),
        lambda n: _import("keras_models").corrected_model(4, batch_size=2, learning_rate=0.1,
                                                          epochs=1, units=n)],
    "keras_models.numpy_predict": [
        lambda n: _import("keras_models").numpy_predict(_model(), np.zeros((1, 2, 2)),
                                                        batch_size=n)],
    "blas.blas_threads": [lambda n: _import("blas").blas_threads(n)],
    "lstm.lstm_forward": [
        lambda n: _import("lstm").lstm_forward(np.zeros((1, 2, 1)), np.zeros((1, 4)),
                                               np.zeros((1, 4)), np.zeros(4), threads=n)],
    "lstm.lstm_backward": [
        lambda n: _import("lstm").lstm_backward(np.zeros((1, 2, 1)), _lstm_cache(), threads=n)],
    "lstm.Workspace": [lambda n: _import("lstm").Workspace(max_bytes=n),
                       lambda n: _import("lstm").Workspace(min_bytes=n)],
    "network.MLP.glorot": [
        lambda n: _import("network").MLP.glorot([2, n, 2], ["relu", "linear"],
                                                rng=np.random.default_rng(0))],
    "params.dense_params": [lambda n: _import("params").dense_params(n, 2),
                            lambda n: _import("params").dense_params(2, n)],
    "params.lstm_params": [lambda n: _import("params").lstm_params(n, 2),
                           lambda n: _import("params").lstm_params(2, n)],
    "params.embedding_params": [lambda n: _import("params").embedding_params(n, 2)],
    "params.layer_norm_params": [lambda n: _import("params").layer_norm_params(n)],
    "params.multi_head_attention_params": [
        lambda n: _import("params").multi_head_attention_params(n, 1),
        lambda n: _import("params").multi_head_attention_params(6, n),
        lambda n: _import("params").multi_head_attention_params(6, 2, key_dim=n)],
    "params.feed_forward_params": [lambda n: _import("params").feed_forward_params(2, n)],
    "params.transformer_block_params": [
        lambda n: _import("params").transformer_block_params(n),
        lambda n: _import("params").transformer_block_params(2, d_ff=n)],
    "params.transformer_block": [
        lambda n: _import("params").transformer_block(_keras_input(6), 6, n)],
    "params.decoder_only_transformer_breakdown": [
        lambda n: _import("params").decoder_only_transformer_breakdown(n, 4, 10, 8),
        lambda n: _import("params").decoder_only_transformer_breakdown(1, 4, 10, n)],
    "params.bert_breakdown": [lambda n: _import("params").bert_breakdown(n, 4),
                              lambda n: _import("params").bert_breakdown(1, 4, n_segments=n)],
    "quantize.quantize_int": [lambda n: _import("quantize").quantize_int(np.ones(3), bits=n),
                              lambda n: _import("quantize").quantize_int(np.ones((2,) * 4),
                                                                         axis=n)],
    "quantize.quantize_int8": [lambda n: _import("quantize").quantize_int8(np.ones((2,) * 4),
                                                                           axis=n)],
    "quantize.quantize_params": [
        lambda n: _import("quantize").quantize_params({"W": np.ones((2, 2))}, bits=n),
        lambda n: _import("quantize").quantize_params({"W": np.ones((2, 2))}, min_ndim=n)],
    "seeding.set_seed": [lambda n: _import("seeding").set_seed(n, tensorflow=False)],
    "signals.synthetic_rhythms": [
        lambda n: _import("signals").synthetic_rhythms(n, rng=np.random.default_rng(0)),
        lambda n: _import("signals").synthetic_rhythms(2, steps=n, rng=np.random.default_rng(0))],
    "symbolic.softmax_cross_entropy_gradient": [
        lambda n: _import("symbolic").softmax_cross_entropy_gradient(n)],
    "symbolic.mse_gradient": [lambda n: _import("symbolic").mse_gradient(n)],
    "symbolic.two_layer_network_gradients": [
        lambda n: _import("symbolic").two_layer_network_gradients(n, 1, 1)],
    "training.fit": [lambda n: _fit(epochs=n), lambda n: _fit(batch_size=n)],
    "bptt.rnn_init": [lambda n: _import("bptt").rnn_init(n, 2, np.random.default_rng(0)),
                      lambda n: _import("bptt").rnn_init(2, n, np.random.default_rng(0))],
    "bptt.lstm_init": [lambda n: _import("bptt").lstm_init(n, 2, np.random.default_rng(0)),
                       lambda n: _import("bptt").lstm_init(2, n, np.random.default_rng(0))],
    "bptt.decay_per_step": [lambda n: _import("bptt").decay_per_step(np.ones(6), n, 5),
                            lambda n: _import("bptt").decay_per_step(np.ones(6), 0, n)],
    "settings.batch_size_from_steps": [
        lambda n: _import("settings").batch_size_from_steps(n, 1),
        lambda n: _import("settings").batch_size_from_steps(7, n)],
    "evaluation.confusion_matrix": [
        lambda n: _import("evaluation").confusion_matrix(np.array([0, 1]), np.array([0, 1]), n)],
    "validation.check_int": [lambda n: V.check_int(n, "n")],
    "validation.check_counts": [lambda n: V.check_counts(n=n)],
}

#: public functions and classes that take no count.
NO_COUNT = {
    *(f"activations.{n}" for n in ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu",
                                   "relu_grad", "linear", "linear_grad", "get", "Activation")),
    "data.DigitSequences", "data.load_mnist", "data.read_idx",
    "evaluation.train_val_test_split", "evaluation.accuracy", "evaluation.predicted_labels",
    "settings.keras_settings", "data.mnist_dir", "training.History",
    "bptt.input_gradient_norms", "bptt.lstm_forget_gates",
    "rnn.rnn_step", "rnn.rnn_step_backward", "rnn.rnn_forward", "rnn.rnn_backward",
    "gradcheck.numerical_gradient", "gradcheck.numerical_gradient_wrt", "gradcheck.relative_error",
    "information.entropy", "information.kl_divergence",
    "keras_models.cudnn_eligible",
    "layers.dense_forward", "layers.dense_backward", "layers.check_dense_weights",
    "layers.check_dense_shapes",
    *(f"losses.{n}" for n in ("mean_squared_error", "mean_squared_error_grad",
                              "binary_crossentropy", "binary_crossentropy_grad",
                              "categorical_crossentropy", "categorical_crossentropy_grad",
                              "sparse_categorical_crossentropy",
                              "sparse_categorical_crossentropy_grad", "get", "Loss")),
    "lstm.LSTMOutput", "lstm.lstm_step", "lstm.lstm_step_backward", "lstm.lstm_forward_reference",
    "lstm.lstm_backward_reference", "lstm.default_workspace",
    "network.MLP", "network.LossAndGrads",
    "optim.Optimizer", "optim.SGD", "optim.Adam", "optim.get",
    "params.PublishedConfig", "params.published_config_params", "params.Landmark",
    "quantize.QuantizedTensor", "quantize.quantize_float16", "quantize.dequantize",
    "quantize.dequantize_params", "quantize.nbytes",
    "signals.zero_crossings",
    *(f"symbolic.{n}" for n in ("sigma", "Derivation", "NetworkDerivation", "sigmoid_derivative",
                                "tanh_derivative", "relu_derivative", "sigmoid_bce_gradient",
                                "lambdify")),
    *(f"validation.{n}" for n in ("as_float_array", "check_finite", "check_real", "check_choice",
                                  "check_rng", "check_shape", "shape_str", "first_bad_index")),
}


def public_callables() -> set[str]:
    """``module.name`` for every function and class in a public module's ``__all__``, plus the
    public classmethods of those classes (``network.MLP.glorot``)."""
    found = set()
    for info in pkgutil.iter_modules(minidl.__path__):
        if info.name.startswith("_"):
            continue
        module = _import(info.name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            home = getattr(obj, "__module__", "")
            if home != module.__name__ and not home.startswith("minidl._"):
                continue                                # re-exported from a public module
            found.add(f"{info.name}.{name}")
            if inspect.isclass(obj):
                found |= {f"{info.name}.{name}.{k}" for k, v in vars(obj).items()
                          if isinstance(v, classmethod) and not k.startswith("_")}
    return found


def test_every_public_function_is_in_the_table():
    """A new public function fails here until it is listed with its count arguments (COUNTS)
    or as taking none (NO_COUNT)."""
    found = public_callables()
    assert not set(COUNTS) & NO_COUNT
    assert found - set(COUNTS) - NO_COUNT == set(), "unlisted public functions"
    assert (set(COUNTS) | NO_COUNT) - found == set(), "listed but no longer public"


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_a_count_of_the_wrong_type_raises_type_error_and_a_numpy_integer_is_accepted(name):
    for call in COUNTS[name]:
        for bad in ("3", 2.0, True):
            with pytest.raises(TypeError, match="must be an integer"):
                call(bad)
        try:
            call(np.int64(3))
        except (TypeError, ValueError) as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{name}: np.int64(3) was refused: {exc!r}")
        except OSError:
            pass                                # load_digit_sequences: validated, then no file

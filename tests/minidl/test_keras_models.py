"""minidl.keras_models: the article's model exactly as written (Keras 3 syntax), the corrected
classifier, minidl's NumPy forward equal to model.predict, data-parallel training under
MirroredStrategy on two logical CPUs, and the whole chapter-5 code path on a slice of MNIST."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from minidl.data import load_digit_sequences
from minidl.keras_models import article_model, lstm_classifier, numpy_predict
from minidl.params import dense_params, lstm_params
from minidl.seeding import set_seed


def _lstms(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]


def test_article_model_is_the_article_code_in_keras3_syntax():
    model = article_model()
    lstms = _lstms(model)
    assert [layer.units for layer in lstms] == [128, 128, 128]
    assert [layer.get_config()["activation"] for layer in lstms] == ["relu"] * 3
    assert [layer.return_sequences for layer in lstms] == [True, True, False]
    dense = model.layers[-1]
    assert isinstance(dense, keras.layers.Dense)
    assert (dense.units, dense.get_config()["activation"]) == (1, "sigmoid")
    assert model.input_shape == (None, None, 28)
    assert model.loss == "binary_crossentropy"
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    # The article's "large model": 343,681 parameters, by formula and by Keras.
    expected = lstm_params(28, 128) + 2 * lstm_params(128, 128) + dense_params(128, 1)
    assert model.count_params() == expected == 343_681
    assert article_model(features=8).count_params() == expected - 4 * 128 * 20


def test_lstm_classifier_is_tanh_with_logits_and_sparse_crossentropy():
    model = lstm_classifier(8, 8, units=32, layers=2, dropout=0.25)
    lstms = _lstms(model)
    assert [layer.dropout for layer in lstms] == [0.25, 0.25]
    assert [layer.recurrent_dropout for layer in lstms] == [0, 0]   # keeps cuDNN eligibility
    assert [layer.get_config()["activation"] for layer in lstms] == ["tanh", "tanh"]
    assert [layer.get_config()["recurrent_activation"] for layer in lstms] == ["sigmoid"] * 2
    assert [layer.return_sequences for layer in lstms] == [True, False]
    dense = model.layers[-1]
    assert (dense.units, dense.get_config()["activation"]) == (10, "linear")
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert model.loss.get_config()["from_logits"] is True
    assert model.input_shape == (None, 8, 8)
    assert model.count_params() == lstm_params(8, 32) + lstm_params(32, 32) + dense_params(32, 10)
    relu = lstm_classifier(8, 8, units=32, layers=3, activation="relu")
    assert [layer.get_config()["activation"] for layer in _lstms(relu)] == ["relu"] * 3
    assert relu.count_params() == model.count_params() + lstm_params(32, 32)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"units": 0}, ValueError, "units must be a positive integer"),
    ({"layers": 1.5}, TypeError, "layers must be an integer"),
    ({"learning_rate": -1e-3}, ValueError, "learning_rate must be a positive finite number"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate must be a real number"),
    ({"steps": 0}, ValueError, "steps must be a positive integer"),
    ({"dropout": 1.0}, ValueError, r"dropout must be a finite number in \[0.0, 1.0\)"),
    ({"activation": "gelu"}, ValueError,
     r"activation must be one of \['sigmoid', 'tanh', 'relu', 'linear'\]"),
])
def test_lstm_classifier_bad_arguments_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        lstm_classifier(**{"features": 8, **kwargs})


@pytest.mark.parametrize("build", [
    lambda: article_model(features=5),
    lambda: lstm_classifier(None, 5, units=16, layers=2),
])
def test_numpy_predict_equals_keras_predict(build):
    set_seed(0, tensorflow=True)
    model = build()
    rng = np.random.default_rng(0)
    # Perturb the weights (incl. biases) so the check does not rely on Keras's initial zeros.
    model.set_weights([w + 0.2 * rng.standard_normal(w.shape).astype(w.dtype)
                       for w in model.get_weights()])
    x = rng.random((70, 7, 5), dtype=np.float32)
    expected = model.predict(x, verbose=0)
    ours = numpy_predict(model, x, batch_size=32)   # several batches, the last one partial
    assert ours.shape == expected.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, expected, atol=1e-5, rtol=1e-5)


def test_numpy_predict_rejects_unknown_layers_and_wrong_inputs():
    model = keras.Sequential([keras.Input((3, 2)), keras.layers.LSTM(4), keras.layers.Dropout(0.5),
                              keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="knows LSTM and Dense layers, not Dropout"):
        numpy_predict(model, np.zeros((1, 3, 2)))
    model = lstm_classifier(3, 2, units=4)
    with pytest.raises(ValueError, match=r"x has 5 features .* first LSTM expects 2"):
        numpy_predict(model, np.zeros((1, 3, 5)))
    with pytest.raises(ValueError, match=r"x must be \(N, T, D\)"):
        numpy_predict(model, np.zeros((3, 2)))


@pytest.mark.slow
def test_chapter5_code_path_runs_on_a_slice_of_mnist():
    """Chapter 5's calls, in order, on the first images of the shipped MNIST (28 x 28)."""
    data = load_digit_sequences(seed=0)
    (x_train, y_train), (x_val, y_val) = data.train, data.validation
    x_test, y_test = data.test[0][:64], data.test[1][:64]
    steps, features = data.info["steps"], data.info["features"]
    assert (steps, features) == (28, 28)

    set_seed(0, tensorflow=True)
    article = article_model(features)
    article.fit(x_train[:64], y_train[:64], epochs=1, batch_size=32, verbose=0)
    loss, acc = article.evaluate(x_test, y_test, batch_size=32, verbose=0)
    assert np.isfinite(loss) and 0 <= acc <= np.isin(y_test, [0, 1]).mean()

    model = lstm_classifier(steps, features, units=16)
    history = model.fit(x_train[:320], y_train[:320], validation_data=(x_val[:64], y_val[:64]),
                        epochs=1, batch_size=32, verbose=0)
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    scores = numpy_predict(model, x_test)
    assert scores.shape == (len(y_test), 10)
    np.testing.assert_allclose(scores, model.predict(x_test, verbose=0), atol=1e-5, rtol=1e-5)


MIRRORED_SCRIPT = textwrap.dedent("""
    import json, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
    from minidl.data import load_digit_sequences
    from minidl.keras_models import lstm_classifier
    from minidl.seeding import set_seed

    data = load_digit_sequences(seed=0)
    (x, y), (xt, yt) = (a[:3000] for a in data.train), (a[:1000] for a in data.test)
    result = {"devices": [d.name for d in tf.config.list_logical_devices("CPU")]}
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    result["replicas"] = strategy.num_replicas_in_sync
    for name, strat in (("one", None), ("mirrored", strategy)):
        set_seed(0, tensorflow=True)
        model = lstm_classifier(28, 28, units=32, learning_rate=5e-3, strategy=strat)
        model.fit(x, y, epochs=4, batch_size=64, verbose=0)
        result[name] = float(model.evaluate(xt, yt, verbose=0)[1])
        result[name + "_variable"] = type(model.trainable_variables[0].value).__name__
    print("RESULT " + json.dumps(result))
""")


@pytest.mark.slow
def test_mirrored_strategy_on_two_logical_cpus_trains_like_one_device():
    # Logical devices must be configured before TensorFlow initialises its devices, so this runs
    # in a fresh interpreter.
    proc = subprocess.run([sys.executable, "-c", MIRRORED_SCRIPT], capture_output=True,
                          text=True, timeout=600)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert len(result["devices"]) == 2 and result["replicas"] == 2
    # The model's weights really are mirrored across the two devices.
    assert result["mirrored_variable"] == "MirroredVariable", result
    # Same kind of result: both learn MNIST far above chance (10%), within a few points.
    assert result["one"] > 0.6 and result["mirrored"] > 0.6, result
    assert abs(result["one"] - result["mirrored"]) < 0.1, result


# --------------------------------------------------------------------------------- cudnn_eligible
@pytest.mark.parametrize(
    "kw, expected",
    [({}, True), ({"activation": "relu"}, False), ({"recurrent_activation": "hard_sigmoid"}, False),
     ({"unroll": True}, False), ({"use_bias": False}, False)],
)
def test_cudnn_eligible_follows_keras_rule_and_its_restatement(kw, expected):
    from minidl.keras_models import _cudnn_rule, cudnn_eligible

    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, **kw),
                              keras.layers.Dense(2)])
    assert cudnn_eligible(model) == [expected]
    cell = model.layers[0].cell
    assert _cudnn_rule(cell.activation, cell.recurrent_activation, model.layers[0].unroll,
                       cell.use_bias) == expected


@pytest.mark.parametrize("kw, expected", [({"dropout": 0.2}, True),
                                          ({"recurrent_dropout": 0.2}, False),
                                          ({"use_cudnn": False}, False)])
def test_cudnn_eligible_lets_dropout_through_but_not_recurrent_dropout(kw, expected):
    """Keras's LSTM.inner_loop: ``if not self.recurrent_dropout:`` guards the cuDNN call, and
    ``dropout`` is applied to the inputs before it (the evidence lstm_classifier cites)."""
    import inspect

    from minidl.keras_models import cudnn_eligible

    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, **kw)])
    assert cudnn_eligible(model) == [expected]
    source = inspect.getsource(keras.layers.LSTM.inner_loop)
    assert "if not self.recurrent_dropout:" in source and "backend.lstm(" in source
    assert "dp_sequences = sequences * dp_mask" in source


def test_cudnn_eligible_article_model_none_corrected_model_all():
    from minidl.keras_models import cudnn_eligible

    assert cudnn_eligible(article_model(8)) == [False, False, False]
    assert cudnn_eligible(lstm_classifier(8, 8, units=8, layers=2)) == [True, True]
    assert cudnn_eligible(lstm_classifier(8, 8, units=8, dropout=0.25)) == [True]


def test_corrected_model_is_chapter5s_recipe_cosine_decay_over_the_whole_training():
    from minidl.keras_models import corrected_model

    model = corrected_model(1000, batch_size=128, learning_rate=2e-3, epochs=8)
    schedule = model.optimizer._learning_rate              # the schedule, not its current value
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay), schedule
    cfg = schedule.get_config()
    assert cfg["initial_learning_rate"] == 2e-3
    assert cfg["decay_steps"] == 8 * 8                      # 8 epochs of ceil(1000 / 128) steps
    assert cfg["alpha"] == 0.0                              # down to 0 at the end
    lstm, dense = model.layers
    assert (lstm.units, lstm.get_config()["activation"], dense.units) == (128, "tanh", 10)
    assert model.input_shape == (None, 28, 28)
    assert model.loss.get_config()["from_logits"] is True


@pytest.mark.parametrize("kwargs, error, match", [
    ({"learning_rate": 0.0}, ValueError, "learning_rate must be"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate must be a real number"),
    ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
])
def test_corrected_model_bad_arguments_raise(kwargs, error, match):
    from minidl.keras_models import corrected_model

    args = {"batch_size": 32, "learning_rate": 1e-3, "epochs": 1, **kwargs}
    with pytest.raises(error, match=match):
        corrected_model(100, **args)

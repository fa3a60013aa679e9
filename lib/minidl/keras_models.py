"""The article's Keras LSTM model, the corrected one, and a NumPy recomputation.

- :func:`article_model` — section 5 of the article as written: three ``LSTM(128,
  activation='relu')`` layers, ``Dense(1, activation='sigmoid')``, compiled with ``adam``,
  ``binary_crossentropy`` and ``metrics=['accuracy']``.  Only the Keras 3 syntax changes
  (``keras.Input`` instead of the deprecated ``input_shape=`` argument).
- :func:`lstm_classifier` — the corrected model for ten classes: ``tanh`` LSTM layers (Keras's
  default, eligible for cuDNN on a GPU), ``Dense(num_classes)`` logits,
  ``SparseCategoricalCrossentropy(from_logits=True)``, Adam, accuracy.  Built and compiled under a
  ``tf.distribute`` strategy when one is given, so ``model.fit`` trains data-parallel.
- :func:`corrected_model` — chapter 5's training recipe for it, defined once (chapter 5 and
  ``benchmarks/tune_ch5.py`` both call it): one LSTM(128), Adam with a learning rate that falls
  along a cosine to 0 over the whole training (``keras.optimizers.schedules.CosineDecay``).
- :func:`numpy_predict` — the model's output computed by :mod:`minidl.lstm` and
  :mod:`minidl.layers` from the model's own weights, without Keras.
- :func:`cudnn_eligible` — for each LSTM layer of a model, whether Keras would run it with the
  cuDNN kernel on a GPU (the article's ReLU layers would not).

Shapes: inputs ``x: (N, T, D)`` (batch, steps, features); outputs ``(N, units of the last Dense)``.
"""

from __future__ import annotations

import os

import numpy as np

from minidl.activations import ELEMENTWISE
from minidl.activations import get as _get_activation
from minidl.layers import dense_forward
from minidl.lstm import lstm_forward
from minidl.validation import check_choice, check_counts, check_int, check_real

__all__ = ["article_model", "lstm_classifier", "corrected_model", "numpy_predict",
           "cudnn_eligible"]


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    return keras


def article_model(features: int = 28):
    """The article's model, compiled as the article compiles it.

    features: input features per step (28 for MNIST rows, as in the article's
    ``input_shape=(None, 28)``).  The number of steps is left open
    (``None``), as in the article.  Returns a compiled ``keras.Sequential``; output (N, 1).
    """
    features = check_int(features, "features", min_value=1)
    keras = _keras()
    model = keras.Sequential([
        keras.Input(shape=(None, features)),
        keras.layers.LSTM(128, activation="relu", return_sequences=True),
        keras.layers.LSTM(128, activation="relu", return_sequences=True),
        keras.layers.LSTM(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def lstm_classifier(steps: int | None = None, features: int = 28, num_classes: int = 10, *,
                    units: int = 128, layers: int = 1, learning_rate: float = 1e-3,
                    dropout: float = 0.0, activation: str = "tanh", strategy=None):
    """The corrected sequence classifier: LSTM(tanh) layers, then ``Dense(num_classes)`` logits.

    Parameters
    ----------
    steps, features
        input shape (T, D) per sample; ``steps=None`` accepts any length.
    num_classes
        output units (class scores are logits: no softmax in the model).
    units, layers
        LSTM units H per layer, and the number of stacked LSTM layers.
    learning_rate
        Adam's step size, a number or a ``keras.optimizers.schedules`` schedule.
    dropout
        fraction of each LSTM layer's inputs dropped while training (Keras's ``dropout``).
        Unlike ``recurrent_dropout`` it keeps the layer eligible for cuDNN: Keras 3.15's
        ``LSTM.inner_loop`` (``keras/src/layers/rnn/lstm.py``, lines 533–563) tests only
        ``if not self.recurrent_dropout:``, multiplies the inputs by the dropout mask and still
        calls ``backend.lstm`` (cuDNN); its docstring's list of cuDNN requirements names only
        ``recurrent_dropout == 0`` (GRU's still says ``dropout == 0 and recurrent_dropout ==
        0``).  :func:`cudnn_eligible` applies that rule.  No effect on ``predict``.
    activation
        the LSTM layers' ``activation`` (``"tanh"``: Keras's default and the corrected model's;
        ``"relu"`` stacks time the activation alone).
    strategy
        a ``tf.distribute.Strategy`` (e.g. ``MirroredStrategy``) or None; when given, the
        model is built and compiled in ``strategy.scope()``, so ``fit`` splits each batch across
        its devices.

    Returns
    -------
    keras.Sequential
        Compiled with loss ``SparseCategoricalCrossentropy(from_logits=True)`` on integer labels
        (N,) and metric ``accuracy``; output (N, num_classes) logits.
    """
    if steps is not None:
        steps = check_int(steps, "steps", min_value=1)
    features, num_classes, units, layers = check_counts(
        features=features, num_classes=num_classes, units=units, layers=layers)
    dropout = check_real(dropout, "dropout", min_value=0.0, max_value=1.0, max_open=True)
    check_choice(activation, "activation", ELEMENTWISE)
    keras = _keras()
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        learning_rate = check_real(learning_rate, "learning_rate", min_value=0.0, min_open=True)

    def build():
        stack = [keras.Input(shape=(steps, features))]
        for i in range(layers):
            stack.append(keras.layers.LSTM(units, activation=activation, dropout=dropout,
                                           return_sequences=i < layers - 1))
        stack.append(keras.layers.Dense(num_classes))
        model = keras.Sequential(stack)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        return model

    if strategy is None:
        return build()
    with strategy.scope():
        return build()


def corrected_model(n_train: int, *, batch_size: int, learning_rate: float, epochs: int,
                    steps: int | None = 28, features: int = 28, units: int = 128, strategy=None):
    """Chapter 5's corrected model, compiled with its training recipe.

    :func:`lstm_classifier` (one LSTM of ``units`` tanh units, ``Dense(10)`` logits, sparse
    categorical cross-entropy) trained by Adam whose step size starts at ``learning_rate`` and
    falls along a cosine to 0 (``keras.optimizers.schedules.CosineDecay``) over the whole
    training: ``epochs * ceil(n_train / batch_size)`` steps, so train it with
    ``model.fit(x, y, batch_size=batch_size, epochs=epochs)`` on ``n_train`` samples
    ``x: (n_train, steps, features)``.  ``benchmarks/tune_ch5.py`` chooses batch size, learning
    rate and epochs on the validation split; chapter 5 trains the chosen ones.  ``strategy`` as in
    :func:`lstm_classifier`.  Returns the compiled ``keras.Sequential``; output (N, 10) logits.
    """
    n_train, batch_size, epochs = check_counts(n_train=n_train, batch_size=batch_size,
                                               epochs=epochs)
    learning_rate = check_real(learning_rate, "learning_rate", min_value=0.0, min_open=True)
    keras = _keras()
    decay_steps = epochs * -(-n_train // batch_size)        # epochs * ceil(n_train / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps)
    return lstm_classifier(steps, features, units=units, learning_rate=schedule,
                           strategy=strategy)


def _activation_name(layer, key):
    name = layer.get_config()[key]
    if isinstance(name, dict):  # a serialised activation object
        name = name.get("config", {}).get("name", name.get("class_name"))
    return "linear" if name is None else name


def numpy_predict(model, x, *, batch_size: int = 1024):
    """The output of a Keras model of ``LSTM`` and ``Dense`` layers, computed with minidl.

    model: a built Keras model whose layers, in order, are LSTMs (any activations minidl.lstm
    knows, ``return_sequences`` as configured) and Dense layers; x: (N, T, D).
    Returns the model's output as float32 NumPy array — for :func:`lstm_classifier` the class
    logits (N, num_classes), for :func:`article_model` the sigmoid output (N, 1); equal to
    ``model.predict(x)`` up to float32 rounding.

    Raises ``ValueError`` for a layer it does not know (the message names it) or an input whose
    shape does not fit the first layer.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"x must be (N, T, D), got shape {x.shape}")
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    plan = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        if kind == "LSTM":
            cfg = layer.get_config()
            if cfg.get("go_backwards") or cfg.get("stateful"):
                raise ValueError(f"layer {layer.name!r}: go_backwards/stateful LSTMs are not "
                                 "supported by numpy_predict")
            w = layer.get_weights()
            if not cfg.get("use_bias", True):
                w.append(np.zeros(w[0].shape[1], w[0].dtype))
            plan.append(("lstm", w, _activation_name(layer, "activation"),
                         _activation_name(layer, "recurrent_activation"),
                         bool(cfg.get("return_sequences"))))
        elif kind == "Dense":
            w = layer.get_weights()
            if len(w) == 1:
                w.append(np.zeros(w[0].shape[1], w[0].dtype))
            plan.append(("dense", w, _activation_name(layer, "activation")))
        else:
            raise ValueError(f"numpy_predict knows LSTM and Dense layers, not {kind} "
                             f"(layer {layer.name!r})")
    if not plan:
        raise ValueError("the model has no LSTM or Dense layer")
    if plan[0][0] == "lstm" and plan[0][1][0].shape[0] != x.shape[2]:
        raise ValueError(f"x has {x.shape[2]} features (x: {x.shape}) but the first LSTM expects "
                         f"{plan[0][1][0].shape[0]} (kernel: {plan[0][1][0].shape})")

    outputs = []
    for start in range(0, x.shape[0], batch_size):
        h = x[start:start + batch_size]
        for step in plan:
            if step[0] == "lstm":
                _, weights, act, ract, return_sequences = step
                out, _ = lstm_forward(h, *weights, activation=act, recurrent_activation=ract)
                h = out.h_seq if return_sequences else out.h_last
            else:
                _, (W, b), act = step
                if h.ndim != 2:
                    raise ValueError(f"Dense after a sequence output (shape {h.shape}) is not "
                                     "supported by numpy_predict")
                h = _get_activation(act).fn(dense_forward(h, W, b)[0])
        outputs.append(np.asarray(h, np.float32))
    return np.concatenate(outputs)


def _cudnn_rule(activation, recurrent_activation, unroll, use_bias) -> bool:
    """Keras 3's condition for the cuDNN LSTM kernel, restated: tanh, sigmoid, no unroll, bias."""
    def name(fn):
        return getattr(fn, "__name__", str(fn))

    return (name(activation) == "tanh" and name(recurrent_activation) == "sigmoid"
            and not unroll and bool(use_bias))


def cudnn_eligible(model) -> list[bool]:
    """For each ``keras.layers.LSTM`` among ``model.layers``: would Keras run it with cuDNN?

    Keras 3 (TensorFlow backend) uses the fast cuDNN kernel on a GPU only for an LSTM with
    ``activation="tanh"``, ``recurrent_activation="sigmoid"``, ``unroll=False``,
    ``use_bias=True``, ``recurrent_dropout=0`` and ``use_cudnn`` not ``False``.  The first four
    conditions live in a private Keras function
    (``keras.src.backend.tensorflow.rnn._do_lstm_arguments_support_cudnn``), which this asks when
    it exists (else it applies the same four); the last two are the test in ``LSTM.inner_loop``
    (``if self.use_cudnn in ("auto", True): if not self.recurrent_dropout:``), which lets
    ``dropout`` through (see :func:`lstm_classifier`).  ``tests/minidl/test_keras_models.py``
    checks the two agree, so a Keras upgrade that changes the rule fails a unit test, not a
    chapter.  Returns one bool per LSTM layer, in order (the article's ReLU model: all False).
    """
    keras = _keras()
    try:
        from keras.src.backend.tensorflow.rnn import _do_lstm_arguments_support_cudnn as rule
    except ImportError:  # pragma: no cover - another backend or a Keras that moved it
        rule = _cudnn_rule
    return [bool(rule(layer.cell.activation, layer.cell.recurrent_activation, layer.unroll,
                      layer.cell.use_bias))
            and not layer.cell.recurrent_dropout and layer.use_cudnn in ("auto", True)
            for layer in model.layers if isinstance(layer, keras.layers.LSTM)]

"""minidl.settings: the settings read back from a Keras model and its history are the ones that
ran (learning rate, schedule, epochs, early stop, steps, batch size, units)."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from minidl.keras_models import lstm_classifier
from minidl.settings import batch_size_from_steps, keras_settings


@pytest.mark.parametrize("n, batch", [(54_000, 128), (600, 7), (10, 10), (1000, 1), (97, 13)])
def test_batch_size_from_steps_inverts_ceil_when_unique(n, batch):
    steps = math.ceil(n / batch)
    fits = [b for b in range(1, n + 1) if math.ceil(n / b) == steps]
    if len(fits) == 1:
        assert batch_size_from_steps(n, steps) == batch
    else:
        with pytest.raises(ValueError, match="not determined"):
            batch_size_from_steps(n, steps)


def test_batch_size_from_steps_refuses_an_ambiguous_split():
    with pytest.raises(ValueError, match=r"\[32, 33\]"):
        batch_size_from_steps(600, 19)


@pytest.mark.parametrize("bad, exc", [("3", TypeError), (2.0, TypeError), (True, TypeError),
                                      (0, ValueError)])
def test_batch_size_from_steps_checks_its_counts(bad, exc):
    with pytest.raises(exc):
        batch_size_from_steps(bad, 1)


def test_keras_settings_reads_what_fit_ran():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(120, 6, 1)), rng.integers(0, 3, size=120)
    model = lstm_classifier(6, 1, 3, units=5, learning_rate=0.02)
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    history = model.fit(x, y, epochs=7, batch_size=7, verbose=0, callbacks=[stop])
    got = keras_settings(model, history, n_train=len(x))
    assert got == {"optimizer": "Adam", "learning_rate": 0.02, "schedule": None, "units": [5, 3],
                   "epochs": 7, "epochs_run": 2, "steps": 18, "batch_size": 7}


def test_keras_settings_gives_a_schedules_initial_rate():
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=100)
    got = keras_settings(lstm_classifier(4, 1, 2, units=3, learning_rate=schedule))
    assert (got["learning_rate"], got["schedule"]) == (3e-3, "CosineDecay")
    with pytest.raises(ValueError, match="history"):
        keras_settings(lstm_classifier(4, 1, 2, units=3), n_train=10)


def test_keras_settings_needs_a_compiled_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not compiled"):
        keras_settings(model)

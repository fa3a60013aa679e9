"""minidl.training.fit: the loop apart from the model; what a loss implies comes from the loss
registry (its accuracy), not from a table of loss names in the trainer or the model."""

from __future__ import annotations

import numpy as np
import pytest

from minidl import losses as L
from minidl.network import MLP
from minidl.optim import Adam
from minidl.training import fit


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3))
    return x, (x[:, 0] > 0).astype(int)


def test_fit_is_what_mlp_fit_delegates_to():
    x, y = _data()
    a = MLP.glorot([3, 4, 2], ["tanh", "softmax"], rng=np.random.default_rng(1))
    b = MLP([(a.params["W1"], a.params["b1"]), (a.params["W2"], a.params["b2"])], a.activations)
    kw = dict(loss="sparse_categorical_crossentropy", epochs=3, batch_size=8,
              validation_data=(x, y))
    ha = fit(a, x, y, optimizer=Adam(0.01), rng=np.random.default_rng(2), **kw)
    hb = b.fit(x, y, optimizer=Adam(0.01), rng=np.random.default_rng(2), **kw)
    assert ha == hb
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])


def test_fit_counts_accuracy_the_way_the_loss_registry_says(monkeypatch):
    """Replace the registry's accuracy of one loss: the history follows it."""
    x, y = _data()
    spec = L.get("sparse_categorical_crossentropy")
    monkeypatch.setitem(L._LOSSES, spec.name, spec._replace(accuracy=lambda t, p, logits: 0.25))
    net = MLP.glorot([3, 2], ["softmax"], rng=np.random.default_rng(1))
    hist = fit(net, x, y, loss=spec.name, optimizer="sgd", epochs=2, validation_data=(x, y))
    assert hist["accuracy"] == hist["val_accuracy"] == [0.25, 0.25]
    monkeypatch.setitem(L._LOSSES, spec.name, spec._replace(accuracy=None))   # regression now
    assert set(fit(net, x, y, loss=spec.name, optimizer="sgd")) == {"loss"}


def test_fit_does_not_change_the_callers_data():
    x, y = _data()
    x0, y0 = x.copy(), y.copy()
    net = MLP.glorot([3, 2], ["softmax"], rng=np.random.default_rng(1))
    fit(net, x, y, loss="sparse_categorical_crossentropy", optimizer="adam", epochs=2,
        rng=np.random.default_rng(0))
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_fit_rejects_a_bad_rng():
    x, y = _data()
    net = MLP.glorot([3, 2], ["softmax"], rng=np.random.default_rng(1))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        fit(net, x, y, loss="sparse_categorical_crossentropy", optimizer="sgd", rng=0)


def test_history_params_are_the_settings_that_ran():
    x, y = _data()
    net = MLP.glorot([3, 5, 2], ["relu", "softmax"], rng=np.random.default_rng(1))
    history = fit(net, x, y, loss="sparse_categorical_crossentropy", optimizer=Adam(0.02),
                  epochs=4, batch_size=7)
    assert history.params == {"epochs": 4, "batch_size": 7, "steps": 5, "samples": 30,
                              "loss": "sparse_categorical_crossentropy", "optimizer": "Adam",
                              "learning_rate": 0.02, "layer_sizes": (3, 5, 2)}
    assert len(history["loss"]) == history.params["epochs"]

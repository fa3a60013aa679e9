"""On a GPU: the article's relu LSTM (not cuDNN-eligible) versus the same model with tanh (cuDNN).

Runs only when TensorFlow sees a GPU; otherwise returns one row saying it was skipped.  Same
architecture (``minidl.keras_models.lstm_classifier(layers=3)``: three LSTM(128) layers,
Dense(10) logits, Adam), same random MNIST-shaped data, same batch size 32; only the activation
differs, so the ratio is what cuDNN eligibility buys.
"""

from __future__ import annotations

import numpy as np
from _common import Row


def run(quick: bool = False) -> list[Row]:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        print("gpu: skipped (TensorFlow sees no GPU)")
        return [Row("gpu", "cuDNN tanh vs relu LSTM", "skipped", "",
                    note="no GPU visible to TensorFlow on this machine")]
    from bookkit.bench.timing import EpochTimer
    from minidl.keras_models import lstm_classifier
    from minidl.seeding import set_seed

    rng = set_seed(0, tensorflow=True)
    n = 3200 if quick else 12800
    x = rng.random((n, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n)
    seconds = {}
    for activation in ("tanh", "relu"):
        timer = EpochTimer()
        model = lstm_classifier(28, 28, units=128, layers=3, activation=activation)
        model.fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[timer.callback()])
        seconds[activation] = timer.steady()
    ratio = seconds["relu"] / seconds["tanh"]
    note = f"{gpus[0].name}; {n} samples of 28x28, batch 32, median of epochs 2-3"
    return [
        Row("gpu", "epoch, 3xLSTM(128) tanh (cuDNN)", seconds["tanh"], "s", note=note),
        Row("gpu", "epoch, 3xLSTM(128) relu (article)", seconds["relu"], "s"),
        Row("gpu", "relu / tanh epoch time", ratio, "x"),
    ]

"""The article's model versus the corrected model: seconds per epoch and test accuracy.

Article: three LSTM(128, relu) layers, Dense(1, sigmoid), binary cross-entropy, "accuracy" (which
Keras turns into binary accuracy: only labels 0 and 1 can ever match).  Corrected:
``minidl.keras_models.lstm_classifier`` (one LSTM(128, tanh), Dense(10) logits, sparse categorical
cross-entropy).  Same data (``minidl.data.load_digit_sequences``: MNIST from the files in
data/mnist), same batch size 32 (the article's), same number of epochs, trained in
alternating epochs.  Goals: the corrected model >= 1.8x faster per epoch, and far more accurate.
"""

from __future__ import annotations

import numpy as np
from _common import Row

SPEED_GOAL = 1.8
BATCH = 32


def run(quick: bool = False) -> list[Row]:
    from bookkit.bench.timing import train_interleaved
    from minidl.data import load_digit_sequences
    from minidl.keras_models import article_model, lstm_classifier
    from minidl.seeding import set_seed

    data = load_digit_sequences()
    info = data.info
    epochs = 2 if quick else 4
    set_seed(0, tensorflow=True)
    models = {"article": article_model(features=info["features"]),
              "corrected": lstm_classifier(steps=info["steps"], features=info["features"])}
    x, y = data.train
    seconds = train_interleaved(models, x, y, epochs=epochs, batch_size=BATCH)
    steady = {k: float(np.median(v[1:])) for k, v in seconds.items()}
    ratio = float(np.median(np.asarray(seconds["article"][1:])
                            / np.asarray(seconds["corrected"][1:])))
    x_te, y_te = data.test
    acc = {k: float(m.evaluate(x_te, y_te, batch_size=BATCH, verbose=0, return_dict=True)
                    ["accuracy"]) for k, m in models.items()}
    params = {k: int(m.count_params()) for k, m in models.items()}
    p = "models"
    return [
        Row(p, "epoch, article 3xLSTM(128) relu", steady["article"], "s",
            note=f"{data.summary()}; batch {BATCH}; {epochs} epochs each, alternating; median "
                 f"of epochs 2-{epochs}; {params['article']:,} parameters"),
        Row(p, "epoch, corrected LSTM(128) tanh", steady["corrected"], "s",
            note=f"{params['corrected']:,} parameters"),
        Row(p, "speed-up per epoch (article / corrected)", ratio, "x", f">= {SPEED_GOAL}",
            ratio >= SPEED_GOAL),
        Row(p, "test accuracy, article (Keras 'accuracy')", acc["article"], "",
            note="binary accuracy: round(sigmoid output) == label, so only digits 0 and 1 "
                 "can count as right"),
        Row(p, "test accuracy, corrected", acc["corrected"], "", ">= article + 0.5",
            acc["corrected"] >= acc["article"] + 0.5),
    ]

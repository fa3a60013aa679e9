"""Choose chapter 5's training settings on the validation split (never the test set).

Trains the corrected model with chapter 5's recipe (``minidl.keras_models.corrected_model``: one
LSTM(128, tanh), Dense(10) logits, sparse categorical cross-entropy, Adam with a cosine-decayed
learning rate) on
MNIST's training part (``minidl.data.load_digit_sequences()``: 54,000 images) for each candidate
setting, records the validation accuracy after every epoch and the wall-clock time, and writes
``benchmarks/results/ch5_tuning.json``.  The test images are never loaded into a model here.
Chapter 5 shows the recorded table and trains the chosen setting.

Run: ``.venv/bin/python benchmarks/tune_ch5.py`` (about 10 minutes on an idle 2-core machine).
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

RESULTS = Path(__file__).resolve().parent / "results" / "ch5_tuning.json"
# (batch size, initial learning rate, epochs): one epoch is ~10 s at batch 128 on 2 idle cores,
# so every candidate fits the chapter's budget of about 2 minutes of training.
CANDIDATES = [(64, 1e-3, 5), (128, 1e-3, 8), (128, 2e-3, 8), (128, 3e-3, 8), (256, 3e-3, 10)]


def main() -> None:
    from minidl.data import load_digit_sequences
    from minidl.keras_models import corrected_model
    from minidl.seeding import set_seed

    data = load_digit_sequences(seed=0)
    (x, y), (xv, yv) = data.train, data.validation
    runs = []
    for batch, lr, epochs in CANDIDATES:
        set_seed(0, tensorflow=True)
        model = corrected_model(len(x), batch_size=batch, learning_rate=lr, epochs=epochs)
        load = os.getloadavg()[0]
        trained, val_acc, seconds = 0.0, [], []
        for _ in range(epochs):
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
            trained += time.perf_counter() - start
            seconds.append(trained)          # training time so far (validation not counted)
            val_acc.append(float(model.evaluate(xv, yv, batch_size=1024, verbose=0)[1]))
        runs.append({"batch_size": batch, "learning_rate": lr, "epochs": epochs,
                     "val_accuracy": val_acc, "seconds": seconds, "load_average_start": load})
        print(json.dumps(runs[-1]), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({
        "what": "validation accuracy of chapter 5's corrected model per epoch (54,000 training "
                "images, 6,000 validation images; the test set is not used)",
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()},
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "runs": runs}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

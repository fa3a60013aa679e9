"""Chapter 6 (applications): backbone sizes layer by layer; the rhythm experiment's results
(which vary with the CPU) against the bounds the prose states and against each other."""

from __future__ import annotations

from independent.common import (
    dense,
    densenet121_backbone,
    inception_v3_backbone,
    is_fraction_of,
    lstm,
    zh_count,
)

NOTEBOOK = "06-applications"
N_TEST = 600          # synthetic_rhythms(600) for the test set (the chapter's setting)


def accuracy(stored, glued):
    assert is_fraction_of(stored, N_TEST), f"{stored} is not k/{N_TEST}"


def baselines_near_chance(stored, glued):
    """'都与随机猜测相去不远': raw and sorted samples stay far below the hand-made feature."""
    accuracy(stored, glued)
    assert stored < 0.5 < glued["ch6_zc_acc"], (stored, glued["ch6_zc_acc"])


def zero_crossings(stored, glued):
    accuracy(stored, glued)
    assert stored > 0.8


def lstm_accuracy(stored, glued):
    """The LSTM learns the bands from raw samples: above 0.9 (the cell's assert), far above the
    order-free baseline."""
    assert 0.9 < stored <= 1.0 and stored > glued["ch6_sorted_acc"] + 0.4


def epochs_run(stored, glued):
    """EarlyStopping(patience=4) within epochs=10: between 5 and 10 epochs ran."""
    assert 5 <= stored <= 10, stored


def val_acc_min(stored, glued):
    """The lowest validation accuracy of the run: k/200, not above the highest."""
    assert is_fraction_of(stored, 200) and stored <= glued["ch6_val_acc_max"]


def val_acc_max(stored, glued):
    """The highest validation accuracy of the run: k/200, well above chance (1/3)."""
    assert is_fraction_of(stored, 200) and 0.8 < stored <= 1.0


def expected() -> dict[str, object]:
    inception, densenet = inception_v3_backbone(), densenet121_backbone()
    return {
        "ch6_dalle_zh": zh_count(12 * 10**9),                 # Ramesh et al. 2021: 12 billion
        "ch6_inception_params": inception, "ch6_inception_zh": zh_count(inception),
        "ch6_densenet_params": densenet, "ch6_densenet_zh": zh_count(densenet),
        "ch6_fig_rhythms": "<Figure size 1400x580 with 3 Axes>",
        "ch6_steps": 40, "ch6_n_train": 600, "ch6_n_test": N_TEST,
        "ch6_raw_acc": baselines_near_chance, "ch6_sorted_acc": baselines_near_chance,
        "ch6_zc_acc": zero_crossings, "ch6_chance": 1 / 3,
        "ch6_lstm_params": lstm(1, 16) + dense(16, 3),
        "ch6_lstm_test_acc": lstm_accuracy,
        "ch6_n_val": 200, "ch6_one_val_sample": 1 / 200,
        "ch6_epochs_run": epochs_run,
        "ch6_val_acc_min": val_acc_min, "ch6_val_acc_max": val_acc_max,
    }

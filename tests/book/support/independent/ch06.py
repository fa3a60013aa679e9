"""Chapter 6 (applications): backbone sizes layer by layer; the rhythm experiment's results
(which vary with the CPU) against the bounds the prose states and against each other."""

from __future__ import annotations

from .common import (
    call_argument,
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


def accuracy_floor(stored, glued):
    """The bound the prose states for the LSTM's test accuracy ('不低于'): far above the
    order-free baseline and chance; the training cell asserts the run reaches it."""
    assert stored == 0.9 and stored > glued["ch6_sorted_acc"] + 0.3 and stored > glued["ch6_chance"]


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
        "ch6_n_val": 200, "ch6_one_val_sample": 1 / 200,
        # the settings that ran, against the arguments written in the chapter's code
        "ch6_lr": call_argument(NOTEBOOK, "lstm_classifier", "learning_rate"),
        "ch6_units": call_argument(NOTEBOOK, "lstm_classifier", "units"),
        "ch6_epochs": call_argument(NOTEBOOK, "fit", "epochs"),
        "ch6_patience": call_argument(NOTEBOOK, "EarlyStopping", "patience"),
        "ch6_acc_floor": accuracy_floor,
    }

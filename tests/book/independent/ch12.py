"""Chapter 12 (performance): the deterministic values (parameter counts, FLOPs, the share of
zeros and ones) recomputed; the timings against the claims the page makes and each other."""

from __future__ import annotations

from independent.common import (
    dense,
    digits_split_labels,
    is_fraction_of,
    lstm,
    share_of_zeros_and_ones,
)

NOTEBOOK = "12-performance"
N, T, D, H = 256, 28, 28, 128                 # the page's benchmark shape
FEATURES = 8                                  # offline digits: 8 steps x 8 features


def cores(stored, glued):
    assert isinstance(stored, int) and stored >= 1


def ratio(stored, glued):
    assert 0 < stored < 100


def faster(name):
    def check(stored, glued):
        assert stored == ("更快" if glued[name] < 1 else "更慢"), (stored, glued[name])
    return check


def positive(stored, glued):
    assert stored > 0


def slower_article(stored, glued):
    """'原文的模型每轮慢 … 倍': the article's three-layer model is slower per epoch."""
    assert stored > 1


def accuracy_article(stored, glued):
    """Binary accuracy cannot exceed the share of labels 0 and 1 (the page's claim)."""
    assert is_fraction_of(stored, len(digits_split_labels())), "an accuracy over the test set"
    assert 0 <= stored <= float(share_of_zeros_and_ones()) + 1e-9


def accuracy_corrected(stored, glued):
    assert is_fraction_of(stored, len(digits_split_labels())), "an accuracy over the test set"
    assert glued["perf_acc_article"] < stored <= 1


def expected() -> dict[str, object]:
    article = lstm(FEATURES, 128) + 2 * lstm(128, 128) + dense(128, 1)
    corrected = lstm(FEATURES, 128) + dense(128, 10)
    return {
        "perf_fwd_ratio": ratio, "perf_train_ratio": ratio,
        "perf_fwd_ratio_fastest": ratio, "perf_train_ratio_fastest": ratio,
        "perf_fwd_faster": faster("perf_fwd_ratio"),
        "perf_train_faster": faster("perf_train_ratio"),
        "perf_fig_gflops": "<Figure size 700x320 with 1 Axes>",
        "perf_fwd_share": positive,
        # input and recurrent projections, one multiply-add (2 FLOPs) each, per step
        "perf_flops_forward": 2 * N * T * (D + H) * 4 * H / 1e9,
        "perf_epochs": 4, "perf_epoch_ratio": slower_article,
        "perf_acc_article": accuracy_article, "perf_acc_corrected": accuracy_corrected,
        "perf_params_article": f"{article:,}", "perf_params_corrected": f"{corrected:,}",
        "perf_share_01": float(share_of_zeros_and_ones()),
        "perf_fig_epochs": "<Figure size 600x300 with 1 Axes>",
        # MNIST images are 28 x 28: rows as steps, pixels as features
        "perf_N": N, "perf_T": 28, "perf_D": 28, "perf_H": H,
        "perf_step_matmul": f"({N}, {H}) × ({H}, {4 * H})",
        "perf_cores": cores,
    }

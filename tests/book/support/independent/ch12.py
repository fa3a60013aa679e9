"""Chapter 12 (performance): the deterministic values (benchmark shape, FLOPs) recomputed; the
timings against the claims the page makes and each other.  The model comparison the page pastes
from chapter 5 is checked by ``ch05.py``."""

from __future__ import annotations

NOTEBOOK = "12-performance"
N, H = 256, 128                               # the page's benchmark batch and units
T = D = 28                                    # MNIST images are 28 x 28: rows as steps


def ratio(stored, glued):
    assert 0 < stored < 100


def faster(name):
    def check(stored, glued):
        assert stored == ("更快" if glued[name] < 1 else "更慢"), (stored, glued[name])
    return check


def positive(stored, glued):
    assert stored > 0


def expected() -> dict[str, object]:
    return {
        "perf_fwd_ratio": ratio, "perf_train_ratio": ratio,
        "perf_fwd_ratio_fastest": ratio, "perf_train_ratio_fastest": ratio,
        "perf_fwd_faster": faster("perf_fwd_ratio"),
        "perf_train_faster": faster("perf_train_ratio"),
        "perf_fig_gflops": "<Figure size 1400x640 with 1 Axes>",
        "perf_fwd_share": positive,
        # input and recurrent projections, one multiply-add (2 FLOPs) each, per step
        "perf_flops_forward": 2 * N * T * (D + H) * 4 * H / 1e9,
        "perf_N": N, "perf_T": T, "perf_D": D, "perf_H": H,
        "perf_step_matmul": f"({N}, {H}) × ({H}, {4 * H})",
    }

"""Chapter 8 (trends): storage sizes of the quantised 64-128-64-10 network counted byte by byte;
accuracies (they depend on the trained weights) against the prose's claims and each other."""

from __future__ import annotations

from .common import gpt, is_fraction_of, zh_count

NOTEBOOK = "08-trends"

LAYERS = [(64, 128), (128, 64), (64, 10)]                  # MLP([64, 128, 64, 10])
KERNELS = sum(a * b for a, b in LAYERS)                     # weights
UNITS = sum(b for _, b in LAYERS)                           # biases = output channels
N_TEST = round(0.25 * 1797)                                 # test_size=0.25 of load_digits()
FP32 = 4 * (KERNELS + UNITS)
BIASES = 4 * UNITS                                          # float32 biases
SCALES = 4 * UNITS                                          # one float32 scale per channel


def int_per_channel_bytes(bits):
    return KERNELS * bits // 8 + SCALES + BIASES


def accuracy(stored, glued):
    assert is_fraction_of(stored, N_TEST), f"{stored} is not k/{N_TEST}"


def close_to_fp32(stored, glued):
    """8 and 4 bits per channel: 'almost no cost', within two points of float32."""
    accuracy(stored, glued)
    assert abs(stored - glued["ch8_acc_fp32"]) < 0.02


def fp16(stored, glued):
    accuracy(stored, glued)
    assert abs(stored - glued["ch8_acc_fp32"]) <= 1 / N_TEST


def int3(stored, glued):
    accuracy(stored, glued)
    assert stored > 0.9


def int2_per_tensor(stored, glued):
    """'跌到': 2-bit per-tensor loses more than ten points; per channel is better."""
    accuracy(stored, glued)
    assert stored < glued["ch8_acc_fp32"] - 0.1 and stored < glued["ch8_acc_int2pc"]


def int2_per_channel(stored, glued):
    accuracy(stored, glued)
    assert glued["ch8_acc_int2pt"] < stored < glued["ch8_acc_int3pc"]


def fp32(stored, glued):
    accuracy(stored, glued)
    assert stored > 0.9


def expected() -> dict[str, object]:
    gpt3 = gpt(96, 12288, 50257, 2048)
    return {
        "ch8_n_params": KERNELS + UNITS, "ch8_n_test": N_TEST,
        "ch8_acc_fp32": fp32, "ch8_bytes_fp32": FP32, "ch8_acc_fp16": fp16,
        "ch8_acc_int8pc": close_to_fp32, "ch8_int8pc_ratio": int_per_channel_bytes(8) / FP32,
        "ch8_int8pc_bytes": int_per_channel_bytes(8),
        "ch8_acc_int4pc": close_to_fp32, "ch8_int4pc_ratio": int_per_channel_bytes(4) / FP32,
        "ch8_bias_bytes": BIASES,
        "ch8_fig_quant_bits": "<Figure size 1400x680 with 2 Axes>",
        "ch8_fig_quant_grid": "<Figure size 1400x840 with 2 Axes>",
        "ch8_grid_bits": 3, "ch8_grid_levels": 2 * (2 ** (3 - 1) - 1) + 1,   # codes -3..3
        "ch8_acc_int2pt": int2_per_tensor, "ch8_acc_int2pc": int2_per_channel,
        "ch8_acc_int3pc": int3,
        "ch8_gpt3_int4_gb": gpt3 * 4 / 8 / 1e9, "ch8_gpt3_fp32_gb": gpt3 * 4 / 1e9,
        "ch8_gpt3_published_zh": zh_count(175 * 10**9), "ch8_dalle_zh": zh_count(12 * 10**9),
    }

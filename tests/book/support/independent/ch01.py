"""Chapter 1 (background): parameter counts from the papers' configurations, Keras's vision
models layer by layer, GPT-3's memory and training compute."""

from __future__ import annotations

import math

from .common import LARGE_LOW, bert, efficientnet_b0, gpt, resnet50, zh_count

NOTEBOOK = "01-background"

GPT3 = gpt(96, 12288, 50257, 2048)
# (name, kind, layers, d_model, published parameters) -- Devlin et al. 2019, Radford et al. 2019,
# Brown et al. 2020 (table 2.1)
CONFIGS = [("BERT-Base", "bert", 12, 768, 110e6), ("BERT-Large", "bert", 24, 1024, 340e6),
           ("GPT-2 117M", "gpt2", 12, 768, 117e6), ("GPT-2 345M", "gpt2", 24, 1024, 345e6),
           ("GPT-2 762M", "gpt2", 36, 1280, 762e6), ("GPT-2 1542M", "gpt2", 48, 1600, 1542e6),
           ("GPT-3 Small", "gpt3", 12, 768, 125e6), ("GPT-3 Medium", "gpt3", 24, 1024, 350e6),
           ("GPT-3 Large", "gpt3", 24, 1536, 760e6), ("GPT-3 XL", "gpt3", 24, 2048, 1.3e9),
           ("GPT-3 2.7B", "gpt3", 32, 2560, 2.7e9), ("GPT-3 6.7B", "gpt3", 32, 4096, 6.7e9),
           ("GPT-3 13B", "gpt3", 40, 5140, 13.0e9), ("GPT-3 175B", "gpt3", 96, 12288, 175.0e9)]


def count(kind, layers, d):
    if kind == "bert":
        return bert(layers, d)
    return gpt(layers, d, 50257, 1024 if kind == "gpt2" else 2048)


def expected() -> dict[str, object]:
    rel = {name: abs(count(kind, n, d) / pub - 1) for name, kind, n, d, pub in CONFIGS}
    gpt2s, gpt2m = gpt(12, 768, 50257, 1024), gpt(24, 1024, 50257, 1024)
    resnet, effb0 = resnet50(), efficientnet_b0()
    fp16_gb = GPT3 * 2 / 1e9
    return {
        "ch1_low_zh": zh_count(LARGE_LOW), "ch1_high_zh": zh_count(10**12),
        "ch1_gpt3_params": GPT3, "ch1_gpt3_zh": zh_count(GPT3),
        "ch1_gpt3_published_zh": zh_count(175 * 10**9),
        "ch1_gpt3_rel": abs(GPT3 / 175e9 - 1),
        "ch1_gpt2s_params": gpt2s, "ch1_gpt2s_zh": zh_count(gpt2s), "ch1_gpt2m_zh": zh_count(gpt2m),
        "ch1_max_rel": max(v for k, v in rel.items() if k not in ("GPT-2 117M", "GPT-2 345M")),
        "ch1_gpt3_blocks_share": 96 * (12 * 12288**2 + 13 * 12288) / GPT3,
        "ch1_resnet50_params": resnet, "ch1_resnet50_zh": zh_count(resnet),
        "ch1_effb0_params": effb0, "ch1_effb0_zh": zh_count(effb0),
        "ch1_resnet50_vs_low": resnet / LARGE_LOW, "ch1_effb0_vs_low": effb0 / LARGE_LOW,
        "ch1_fig_param_growth": "<Figure size 1400x880 with 1 Axes>",
        "ch1_growth_factor": GPT3 / 60e6,               # AlexNet: 60 million (Krizhevsky 2012)
        "ch1_growth_years": 2020 - 2012,
        "ch1_gpt3_fp16_gb": fp16_gb,
        "ch1_gpt3_fp16_cards": float(math.ceil(fp16_gb / 80)),
        "ch1_gpt3_tokens_zh": zh_count(300 * 10**9),    # Brown et al. 2020, section 2.2
        "ch1_gpt3_flops": 6 * GPT3 * 300e9,
        "ch1_gpt3_reported_flops": 3.64e3 * 1e15 * 86400,   # 3.64e3 PF/s-days, appendix D
        # both round to 3.14 x 10^23 at three significant digits (bookkit.report.format_sci_zh)
        "ch1_gpt3_flops_zh": "3.14 × 10²³", "ch1_gpt3_reported_flops_zh": "3.14 × 10²³",
    }

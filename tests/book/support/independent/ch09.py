"""Chapter 9 (FAQ): the article's model against the article's 数亿 and against GPT-3."""

from __future__ import annotations

import math

from .common import LARGE_LOW, dense, gpt, lstm, zh_count

NOTEBOOK = "09-faq"


def expected() -> dict[str, object]:
    article = lstm(28, 128) + 2 * lstm(128, 128) + dense(128, 1)
    gpt3 = gpt(96, 12288, 50257, 2048)
    return {
        "ch9_article_params": article, "ch9_article_shortfall": LARGE_LOW / article,
        "ch9_orders": math.log10(LARGE_LOW / article), "ch9_gpt3_fp16_gb": gpt3 * 2 / 1e9,
        "ch9_gpt3_zh": zh_count(gpt3), "ch9_gpt3_vs_article": gpt3 / article,
    }

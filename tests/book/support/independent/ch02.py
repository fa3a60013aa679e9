"""Chapter 2 (concepts): parameter counts by formula, and the table of Keras checks re-read."""

from __future__ import annotations

import re

import nbformat

from ..bookfiles import CHAPTERS
from .common import LARGE_LOW, bert, dense, gpt, lstm, transformer_block, zh_count

NOTEBOOK = "02-concepts"

# the layers chapter 2 builds in Keras, counted here by formula (d = 64, 4 heads, d_ff = 256)
LAYER_CHECKS = [dense(784, 128), lstm(28, 128), lstm(128, 128), 4 * (64 * 64 + 64), 2 * 64,
                transformer_block(64, 256)]


def keras_table_counts() -> list[tuple[int, int]]:
    """(Keras count, minidl count) of each row of chapter 2's table of layer checks."""
    nb = nbformat.read(CHAPTERS / f"{NOTEBOOK}.ipynb", as_version=4)
    tables = [o["data"]["text/markdown"] for c in nb.cells for o in c.get("outputs", [])
              if o.get("data", {}).get("text/markdown", "").startswith("| 层 | Keras")]
    rows = [re.split(r"\s*\|\s*", line)[1:-1] for line in tables[0].splitlines()[2:]]
    return [(int(r[1].replace(",", "")), int(r[2].replace(",", ""))) for r in rows
            if r[0] != "合计" and r[3:] in (["✓"], ["✗"])]


def check_n_checks(stored, glued):
    rows = keras_table_counts()
    assert stored == len(LAYER_CHECKS) == len(rows), (stored, len(rows))
    assert [k for k, _ in rows] == [m for _, m in rows] == LAYER_CHECKS, rows


def expected() -> dict[str, object]:
    bert_base = bert(12, 768)
    blocks = 12 * transformer_block(768)
    gpt3 = gpt(96, 12288, 50257, 2048)
    article = lstm(28, 128) + 2 * lstm(128, 128) + dense(128, 1)
    return {
        "ch2_dense_count": 2 * 3 + 3,
        "ch2_n_checks": check_n_checks,
        "ch2_bert_base_total": bert_base, "ch2_bert_base_zh": zh_count(bert_base),
        "ch2_bert_block_share": blocks / bert_base,
        "ch2_bert_block_params": 12 * 768 * 768 + 13 * 768,
        "ch2_fig_param_breakdown": "<Figure size 1400x560 with 1 Axes>",
        "ch2_gpt3_block_share": 96 * transformer_block(12288) / gpt3,
        "ch2_article_params": article, "ch2_article_vs_low": article / LARGE_LOW,
        "ch2_article_zh": zh_count(article), "ch2_article_mb": article * 4 / 1e6,
    }

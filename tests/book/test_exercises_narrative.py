"""The computed answers of the exercises (练习) of the narrative chapters, recomputed independently.

Chapters 1, 2 and 6-10 end with exercises whose solutions compute an answer in a cell and glue it
under a name starting with ``ex_``.  Each test here recomputes one chapter's answers from first
principles -- closed-form parameter counts, plain NumPy, pybtex on ``references.bib`` -- never
through ``minidl`` or the chapter's code, and compares them with the values stored in the executed
notebook.  Every ``ex_`` name a chapter glues must have a check here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pybtex.database import parse_file

from tests.book.support.bookfiles import CHAPTERS, ROOT, glue_records
from tests.book.support.independent.common import gpt, lstm
from tests.book.support.independent.common import transformer_block as block

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def gpt3() -> int:
    """GPT-3 175B: 96 blocks, d = 12288, vocabulary 50257, context 2048, final LN, tied output."""
    return gpt(96, 12288, 50257, 2048)


def sci_zh(x: float, digits: int = 3) -> str:
    """'8.82 × 10⁻⁵', written independently of bookkit.report.format_sci_zh."""
    exp = math.floor(math.log10(abs(x)))
    mantissa = x / 10**exp
    if round(abs(mantissa), digits - 1) >= 10:
        exp, mantissa = exp + 1, mantissa / 10
    return f"{mantissa:.{digits - 1}f} × 10{str(exp).translate(SUPERSCRIPT)}"


def expected_01(glued):
    d = 12288
    n = gpt3()
    rel = block(d) / (12 * d * d) - 1
    flops = 6 * n * 300e9
    n_opt = math.sqrt(flops / (6 * 20))
    return {
        "ex_ch1_block_params": block(d),
        "ex_ch1_block_rel": rel,
        "ex_ch1_block_rel_zh": sci_zh(rel),
        "ex_ch1_chinchilla_n": n_opt,
        "ex_ch1_chinchilla_d": 20 * n_opt,
        "ex_ch1_chinchilla_n_zh": f"{n_opt / 1e8:.0f} 亿",
        "ex_ch1_chinchilla_d_zh": f"{20 * n_opt / 1e12:.2f} 万亿",
        "ex_ch1_chinchilla_n_ratio": n_opt / n,
        "ex_ch1_chinchilla_d_ratio": 20 * n_opt / 300e9,
        "ex_ch1_int8_gb": n / 1e9,
        "ex_ch1_int8_cards": math.ceil(n / 1e9 / 80),
    }


def expected_02(glued):
    d, layers = 1024, 24
    embeddings = (30522 + 512 + 2) * d + 2 * d
    blocks = layers * block(d)
    total = embeddings + blocks + d * d + d
    return {
        "ex_ch2_lstm_params": lstm(10, 64),
        "ex_ch2_mha_params": 4 * 512 * 512 + 4 * 512,
        "ex_ch2_bert_large_total": total,
        "ex_ch2_bert_large_block_share": blocks / total,
    }


def expected_06(glued):
    backbone = glued["ch6_inception_params"]
    esteva = backbone + 2048 * 757 + 757
    bands = [(1 / 24, 1 / 16), (1 / 12, 1 / 9), (1 / 7, 1 / 5)]
    t = np.arange(glued["ch6_steps"])
    crossings = []
    for lo, hi in bands:
        x = np.sin(2 * np.pi * (lo + hi) / 2 * t + 0.3)
        positive = x > 0
        crossings.append(int(np.count_nonzero(positive[1:] != positive[:-1])))
    return {
        "ex_ch6_esteva_params": esteva,
        "ex_ch6_esteva_vs_low": esteva / 1e8,
        "ex_ch6_crossings": crossings,
    }


def expected_07(glued):
    bib = parse_file(ROOT / "references.bib")
    names = [" ".join(p.last_names) for p in bib.entries["tan2019efficientnet"].persons["author"]]
    return {"ex_ch7_backend": "tensorflow", "ex_ch7_effnet_authors": "、".join(names)}


def expected_08(glued):
    w = np.array([-0.5, 0.1, 0.26, 0.5])
    s = 0.5 / 127
    sizes = [64, 128, 64, 10]
    kernel = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    units = sum(sizes[1:])
    stored = kernel + 4 * units + 4 * units
    return {
        "ex_ch8_codes": [int(v) for v in np.round(w / s)],
        "ex_ch8_int8pc_bytes": stored,
        "ex_ch8_int8pc_ratio": stored / (4 * (kernel + units)),
    }


def expected_09(glued):
    one = lstm(28, 128) + 128 + 1
    train_gb = gpt3() * 16 / 1e9
    return {
        "ex_ch9_one_layer": one,
        "ex_ch9_one_layer_orders": math.log10(1e8 / one),
        "ex_ch9_train_gb": train_gb,
        "ex_ch9_train_cards": math.ceil(train_gb / 80),
    }


def expected_10(glued):
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    n_misc = sum(1 for line in text.splitlines() if line.lower().startswith("@misc{"))
    return {"ex_ch10_n_misc": n_misc, "ex_ch10_vae_year": 2013, "ex_ch10_vae_month": 12}


CHAPTERS_WITH_EXERCISES = {
    "01-background": expected_01,
    "02-concepts": expected_02,
    "06-applications": expected_06,
    "07-tools": expected_07,
    "08-trends": expected_08,
    "09-faq": expected_09,
    "10-references": expected_10,
}


def _same(stored, want, key):
    if isinstance(want, str) or isinstance(want, int) and not isinstance(want, bool):
        assert stored == want, f"{key}: stored {stored!r}, independent {want!r}"
    elif isinstance(want, list):
        assert list(stored) == want, f"{key}: stored {stored!r}, independent {want!r}"
    else:
        assert math.isclose(stored, want, rel_tol=1e-9, abs_tol=1e-12), (
            f"{key}: stored {stored!r}, independent {want!r}")


@pytest.mark.parametrize("notebook", sorted(CHAPTERS_WITH_EXERCISES))
def test_exercise_answers_equal_their_independent_recomputation(notebook):
    glued = glue_records(CHAPTERS / f"{notebook}.ipynb")
    expected = CHAPTERS_WITH_EXERCISES[notebook](glued)
    exercise_names = {k for k in glued if k.startswith("ex_")}
    unchecked = sorted(exercise_names - set(expected))
    stale = sorted(set(expected) - exercise_names)
    assert not unchecked and not stale, (
        f"{notebook}: exercise glues without a check here: {unchecked}; "
        f"checks for names no longer glued: {stale}")
    for key, want in expected.items():
        _same(glued[key], want, key)


@pytest.mark.parametrize("notebook", sorted(CHAPTERS_WITH_EXERCISES))
def test_chapter_ends_with_summary_and_exercises(notebook):
    source = (CHAPTERS / f"{notebook}.md").read_text(encoding="utf-8")
    headings = [line for line in source.splitlines() if line.startswith("## ")]
    assert "## 小结" in headings and "## 练习" in headings, f"{notebook}: no 小结 / 练习 section"
    assert headings.index("## 练习") == headings.index("## 小结") + 1
    n_exercises = source.count("```{exercise}")
    assert n_exercises >= 2, f"{notebook}: {n_exercises} exercises, expected at least 2"
    solved = source.count("```{solution-start}") + source.count("```{solution}")
    assert solved == n_exercises, f"{notebook}: {n_exercises} exercises but {solved} solutions"
    assert source.count(":class: dropdown") >= n_exercises, f"{notebook}: solutions must be folded"

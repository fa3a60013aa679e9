"""Formulas shared by the independent checks: parameter counts written out layer by layer from
the papers and from Keras's layer definitions, a Chinese count formatter, the offline digits split.

Nothing here imports ``minidl`` or ``bookkit``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

LARGE_LOW = 10**8          # the article's 数亿, read as generously as possible: from 1亿


# --------------------------------------------------------------------------- layers
def dense(d_in, units, bias=True):
    return d_in * units + (units if bias else 0)


def lstm(d_in, units):
    """Keras LSTM: kernel (d_in, 4u), recurrent kernel (u, 4u), bias (4u)."""
    return 4 * units * d_in + 4 * units * units + 4 * units


def conv(kh, kw, c_in, c_out, bias=True):
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def batchnorm(c, scale=True):
    """gamma (if scale), beta, moving mean, moving variance: all counted by count_params()."""
    return (4 if scale else 3) * c


def transformer_block(d, d_ff=None):
    """Post-norm block: Q, K, V, O projections with biases, 2 LayerNorms, 2-layer FFN."""
    d_ff = 4 * d if d_ff is None else d_ff
    return 4 * (d * d + d) + 2 * 2 * d + (d * d_ff + d_ff) + (d_ff * d + d)


def gpt(layers, d, vocab, ctx):
    """GPT-2/3: token and position embeddings, blocks, final LayerNorm (tied output)."""
    return vocab * d + ctx * d + layers * transformer_block(d) + 2 * d


def bert(layers, d, vocab=30522, ctx=512, types=2):
    """BERT: token, position, type embeddings + LayerNorm, blocks, pooler."""
    return (vocab + ctx + types) * d + 2 * d + layers * transformer_block(d) + (d * d + d)


# --------------------------------------------------------------------------- Keras applications
def resnet50() -> int:
    """keras.applications.ResNet50 (biased convolutions, full BN, 1000 classes)."""
    n, c_in = conv(7, 7, 3, 64) + batchnorm(64), 64
    for blocks, f in zip((3, 4, 6, 3), (64, 128, 256, 512), strict=True):
        for b in range(blocks):
            if b == 0:
                n += conv(1, 1, c_in, 4 * f) + batchnorm(4 * f)
            n += (conv(1, 1, c_in, f) + conv(3, 3, f, f) + conv(1, 1, f, 4 * f)
                  + batchnorm(f) + batchnorm(f) + batchnorm(4 * f))
            c_in = 4 * f
    return n + dense(2048, 1000)


def efficientnet_b0() -> int:
    """keras.applications.EfficientNetB0: Normalization (mean, variance, count), MBConv blocks
    with squeeze-and-excitation (ratio 0.25), unbiased convolutions with BN, 1000 classes."""
    n = 3 + 3 + 1                                            # Normalization layer
    n += conv(3, 3, 3, 32, bias=False) + batchnorm(32)       # stem
    # (kernel, repeats, filters in, filters out, expand ratio) from Tan & Le (2019), table 1
    blocks = [(3, 1, 32, 16, 1), (3, 2, 16, 24, 6), (5, 2, 24, 40, 6), (3, 3, 40, 80, 6),
              (5, 3, 80, 112, 6), (5, 4, 112, 192, 6), (3, 1, 192, 320, 6)]
    for k, repeats, f_in, f_out, expand in blocks:
        for r in range(repeats):
            c_in = f_in if r == 0 else f_out
            c = c_in * expand
            if expand != 1:
                n += conv(1, 1, c_in, c, bias=False) + batchnorm(c)
            n += k * k * c + batchnorm(c)                    # depthwise
            se = max(1, int(c_in * 0.25))
            n += conv(1, 1, c, se) + conv(1, 1, se, c)       # squeeze, excite (biased)
            n += conv(1, 1, c, f_out, bias=False) + batchnorm(f_out)
    n += conv(1, 1, 320, 1280, bias=False) + batchnorm(1280)  # top
    return n + dense(1280, 1000)


def inception_v3_backbone() -> int:
    """keras.applications.InceptionV3(include_top=False): conv2d_bn = unbiased conv + BN without
    scale (3 numbers per channel)."""
    def cb(c_in, c_out, kh, kw):
        return conv(kh, kw, c_in, c_out, bias=False) + batchnorm(c_out, scale=False)

    n = cb(3, 32, 3, 3) + cb(32, 32, 3, 3) + cb(32, 64, 3, 3) + cb(64, 80, 1, 1) + cb(80, 192, 3, 3)
    c = 192
    for pool in (32, 64, 64):                                 # mixed 0-2 (35 x 35)
        n += (cb(c, 64, 1, 1) + cb(c, 48, 1, 1) + cb(48, 64, 5, 5)
              + cb(c, 64, 1, 1) + cb(64, 96, 3, 3) + cb(96, 96, 3, 3) + cb(c, pool, 1, 1))
        c = 64 + 64 + 96 + pool
    n += cb(c, 384, 3, 3) + cb(c, 64, 1, 1) + cb(64, 96, 3, 3) + cb(96, 96, 3, 3)   # mixed 3
    c = 384 + 96 + c
    for m in (128, 160, 160, 192):                            # mixed 4-7 (17 x 17)
        n += (cb(c, 192, 1, 1)
              + cb(c, m, 1, 1) + cb(m, m, 1, 7) + cb(m, 192, 7, 1)
              + cb(c, m, 1, 1) + cb(m, m, 7, 1) + cb(m, m, 1, 7) + cb(m, m, 7, 1) + cb(m, 192, 1, 7)
              + cb(c, 192, 1, 1))
        c = 4 * 192
    n += (cb(c, 192, 1, 1) + cb(192, 320, 3, 3)               # mixed 8
          + cb(c, 192, 1, 1) + cb(192, 192, 1, 7) + cb(192, 192, 7, 1) + cb(192, 192, 3, 3))
    c = 320 + 192 + c
    for _ in range(2):                                        # mixed 9, 10 (8 x 8)
        n += (cb(c, 320, 1, 1)
              + cb(c, 384, 1, 1) + cb(384, 384, 1, 3) + cb(384, 384, 3, 1)
              + cb(c, 448, 1, 1) + cb(448, 384, 3, 3) + cb(384, 384, 1, 3) + cb(384, 384, 3, 1)
              + cb(c, 192, 1, 1))
        c = 320 + 768 + 768 + 192
    return n


def densenet121_backbone() -> int:
    """keras.applications.DenseNet121(include_top=False): unbiased convolutions, full BN,
    blocks of 6, 12, 24, 16 layers, growth rate 32, bottleneck 4 x 32, compression 0.5."""
    n, c = conv(7, 7, 3, 64, bias=False) + batchnorm(64), 64
    for i, layers in enumerate((6, 12, 24, 16)):
        for _ in range(layers):
            n += batchnorm(c) + conv(1, 1, c, 128, bias=False) + batchnorm(128)
            n += conv(3, 3, 128, 32, bias=False)
            c += 32
        if i < 3:
            n += batchnorm(c) + conv(1, 1, c, c // 2, bias=False)
            c //= 2
    return n + batchnorm(c)


# --------------------------------------------------------------------------- formatting
def zh_count(n, digits=4) -> str:
    """A count in the largest Chinese unit it reaches (万亿, 亿, 万), `digits` significant."""
    for size, unit in ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")):
        if n >= size:
            value = float(n) / size
            decimals = max(0, digits - 1 - math.floor(math.log10(value)))
            text = f"{value:.{decimals}f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + f" {unit}"
    return f"{n:,}"


# --------------------------------------------------------------------------- data
def digits_split_labels(seed=0, val_fraction=0.1, test_fraction=0.2):
    """Labels of the offline digit split used by chapters 5 and 12 (minidl.data's documented rule:
    one permutation by numpy.random.default_rng(seed); the first round(0.2 N) are the test set)."""
    from sklearn.datasets import load_digits

    y = load_digits().target
    order = np.random.default_rng(seed).permutation(len(y))
    return y[order[:round(test_fraction * len(y))]]


def share_of_zeros_and_ones() -> Fraction:
    y = digits_split_labels()
    return Fraction(int(np.isin(y, [0, 1]).sum()), len(y))


def is_fraction_of(value, n: int) -> bool:
    """Whether a float is k/n for an integer k (an accuracy over n samples)."""
    k = round(value * n)
    return 0 <= k <= n and math.isclose(value, k / n, rel_tol=1e-6, abs_tol=1e-9)


# --------------------------------------------------------------------------- settings in the source
def call_argument(notebook: str, function: str, keyword: str):
    """The literal value of ``keyword=`` in the one call of ``function`` in a chapter's code.

    Read from the chapter's source text (chapters/NN-slug.md), not from the executed objects: the
    setting a chapter glues from its model, history or callback must be the one its code passed.
    """
    import ast

    from ..bookfiles import CHAPTERS
    from ..chapter_code import called_name, code_trees

    found = []
    for tree in code_trees(CHAPTERS / f"{notebook}.md"):
        for node in ast.walk(tree):
            if called_name(node) == function:
                found += [ast.literal_eval(k.value) for k in node.keywords if k.arg == keyword]
    assert len(found) == 1, f"{notebook}: {function}(..., {keyword}=...) found {len(found)} times"
    return found[0]

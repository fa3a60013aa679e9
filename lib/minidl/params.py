"""Parameter counts of Dense, LSTM and Transformer models, as closed-form formulas.

A model's *parameters* are exactly its trainable weights and biases; this module counts them from
the layer sizes alone, without building anything (:func:`transformer_block` builds the counted
block in Keras, so that the count can be checked against ``count_params()``): the published
sizes of BERT, GPT-2 and GPT-3 recomputed from their configurations, Dense, LSTM and Transformer
blocks checked against Keras ``count_params()``, the article's own 343,681-parameter "large
model", the memory needed to store a model at 32, 16 and 8 bits.

Conventions and assumptions (each formula's docstring repeats the ones it uses):

* ``Dense(units)`` on ``input_dim`` features: kernel ``(input_dim, units)`` + bias ``(units,)``,
  Keras layout.
* ``LSTM(units)`` on ``input_dim`` features: Keras's kernel ``(input_dim, 4*units)``, recurrent
  kernel ``(units, 4*units)`` and one bias ``(4*units,)`` (gates i, f, c, o).  Frameworks that keep
  two biases per gate (cuDNN, PyTorch) count ``4*units`` more.
* A Transformer block (encoder block, or GPT decoder block without cross-attention) is multi-head
  self-attention with biased query/key/value/output projections whose heads together span
  ``d_model`` (``num_heads * head_dim == d_model``), a two-layer position-wise feed-forward network
  ``d_model -> d_ff -> d_model`` with biases, and two layer normalisations (scale and offset each).
  Pre- or post-normalisation, GELU or ReLU, dense or sparse attention patterns do not change the
  count.
* A decoder-only (GPT-style) language model adds a token embedding ``(vocab_size, d_model)``,
  learned position embeddings ``(n_ctx, d_model)`` and a final layer normalisation (GPT-2/GPT-3);
  the output projection is tied to the token embedding (adds nothing) unless
  ``tied_embeddings=False`` (adds ``vocab_size * d_model``, no bias).
* A BERT encoder adds token, position and segment embeddings with a layer normalisation, and a
  pooler ``Dense(d_model, d_model)``; the pre-training heads are not counted (they are not part of
  the released encoder).

Whole models have one function each, returning the count by part and its ``"total"``
(:func:`decoder_only_transformer_breakdown`, :func:`bert_breakdown`).  Published configurations
are in :data:`PUBLISHED_CONFIGS`; :func:`published_config_params` recomputes each one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from minidl.validation import check_counts, check_int

__all__ = [
    "dense_params",
    "lstm_params",
    "embedding_params",
    "layer_norm_params",
    "multi_head_attention_params",
    "feed_forward_params",
    "transformer_block_params",
    "transformer_block",
    "decoder_only_transformer_breakdown",
    "bert_breakdown",
    "PublishedConfig",
    "PUBLISHED_CONFIGS",
    "published_config_params",
    "Landmark",
    "LANDMARK_MODELS",
]


def dense_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """Parameters of ``keras.layers.Dense(units)`` on ``input_dim`` input features.

    Kernel ``(input_dim, units)`` plus bias ``(units,)``: ``input_dim*units + units``.
    """
    input_dim, units = check_counts(input_dim=input_dim, units=units)
    return input_dim * units + (units if use_bias else 0)


def lstm_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """Parameters of ``keras.layers.LSTM(units)`` on ``input_dim`` features per time step.

    Four gates (i, f, c, o), each with an input kernel ``(input_dim, units)``, a recurrent kernel
    ``(units, units)`` and a bias ``(units,)``: ``4 * (input_dim*units + units*units + units)``.
    The count does not depend on the sequence length or the activation.
    """
    input_dim, units = check_counts(input_dim=input_dim, units=units)
    return 4 * (input_dim * units + units * units + (units if use_bias else 0))


def embedding_params(vocab_size: int, d_model: int) -> int:
    """Parameters of ``keras.layers.Embedding(vocab_size, d_model)``: one vector per token."""
    vocab_size, d_model = check_counts(vocab_size=vocab_size, d_model=d_model)
    return vocab_size * d_model


def layer_norm_params(d_model: int) -> int:
    """Parameters of a layer normalisation over ``d_model`` features: scale + offset.

    ``2*d_model`` (gamma and beta).
    """
    d_model = check_int(d_model, "d_model", min_value=1)
    return 2 * d_model


def multi_head_attention_params(
    d_model: int,
    num_heads: int,
    key_dim: int | None = None,
    value_dim: int | None = None,
    use_bias: bool = True,
) -> int:
    """Parameters of ``keras.layers.MultiHeadAttention(num_heads, key_dim, value_dim)`` used as
    self-attention on inputs of width ``d_model`` (output projected back to ``d_model``).

    Query and key projections ``(d_model, num_heads, key_dim)`` with biases ``(num_heads,
    key_dim)``; value projection ``(d_model, num_heads, value_dim)`` with bias; output projection
    ``(num_heads, value_dim, d_model)`` with bias ``(d_model,)``.  ``key_dim`` defaults to
    ``d_model // num_heads`` (which must then divide exactly) and ``value_dim`` to ``key_dim``;
    with those defaults the count is ``4*d_model**2 + 4*d_model``.
    """
    d_model, num_heads = check_counts(d_model=d_model, num_heads=num_heads)
    if key_dim is None:
        if d_model % num_heads:
            raise ValueError(
                f"d_model={d_model} is not divisible by num_heads={num_heads}; pass key_dim"
            )
        key_dim = d_model // num_heads
    value_dim = key_dim if value_dim is None else value_dim
    key_dim, value_dim = check_counts(key_dim=key_dim, value_dim=value_dim)
    qk = 2 * (d_model * num_heads * key_dim + (num_heads * key_dim if use_bias else 0))
    v = d_model * num_heads * value_dim + (num_heads * value_dim if use_bias else 0)
    out = num_heads * value_dim * d_model + (d_model if use_bias else 0)
    return qk + v + out


def feed_forward_params(d_model: int, d_ff: int, use_bias: bool = True) -> int:
    """Position-wise feed-forward network ``Dense(d_ff)`` then ``Dense(d_model)``:
    ``2*d_model*d_ff + d_ff + d_model`` with biases."""
    return dense_params(d_model, d_ff, use_bias) + dense_params(d_ff, d_model, use_bias)


def transformer_block_params(d_model: int, d_ff: int | None = None, use_bias: bool = True) -> int:
    """One Transformer block: self-attention + feed-forward + two layer normalisations.

    ``d_ff`` defaults to ``4*d_model`` (Transformer, BERT, GPT-2, GPT-3).  Assumes the heads span
    ``d_model`` (``num_heads*head_dim == d_model``), so the number of heads does not enter:
    ``4*d**2 + 4*d + 2*d*d_ff + d_ff + d + 4*d``.  Same count for an encoder block and a GPT
    decoder block (causal masking has no parameters).
    """
    d_model = check_int(d_model, "d_model", min_value=1)
    d_ff = 4 * d_model if d_ff is None else d_ff
    d_ff = check_int(d_ff, "d_ff", min_value=1)
    attention = 4 * d_model * d_model + (4 * d_model if use_bias else 0)
    return attention + feed_forward_params(d_model, d_ff, use_bias) + 2 * layer_norm_params(d_model)


def transformer_block(x, d_model: int, num_heads: int, d_ff: int | None = None):
    """The block :func:`transformer_block_params` counts, built from ``keras.layers``.

    One post-norm Transformer block (Vaswani et al. 2017, BERT):
    ``y = LayerNorm(x + MultiHeadAttention(x, x))``, then ``LayerNorm(y + FFN(y))`` with
    ``FFN = Dense(d_model)(Dense(d_ff, gelu))``; the heads span ``d_model``
    (``key_dim = d_model // num_heads``).  x: a Keras tensor (N, T, d_model); returns one of the
    same shape, whose layers' ``count_params()`` add up to
    ``transformer_block_params(d_model, d_ff)`` (``tests/minidl/test_params.py`` checks it).
    Imports Keras when called; nothing else in this module does.
    """
    d_model, num_heads = check_counts(d_model=d_model, num_heads=num_heads)
    d_ff = 4 * d_model if d_ff is None else check_int(d_ff, "d_ff", min_value=1)
    if d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from keras import layers

    attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=d_model // num_heads)
    y = layers.LayerNormalization()(layers.Add()([x, attention(x, x)]))
    ff = layers.Dense(d_model)(layers.Dense(d_ff, activation="gelu")(y))
    return layers.LayerNormalization()(layers.Add()([y, ff]))


def decoder_only_transformer_breakdown(
    n_layers: int,
    d_model: int,
    vocab_size: int,
    n_ctx: int,
    d_ff: int | None = None,
    *,
    tied_embeddings: bool = True,
    learned_positions: bool = True,
    final_layer_norm: bool = True,
) -> dict[str, int]:
    """Parameters of a GPT-style decoder-only language model, by part.

    Returns a dict with keys ``token_embedding`` (``vocab_size*d_model``), ``position_embedding``
    (``n_ctx*d_model`` if learned, else 0 — sinusoidal positions have no parameters), ``blocks``
    (``n_layers`` × :func:`transformer_block_params`), ``final_layer_norm`` (``2*d_model`` or 0),
    ``output_projection`` (0 when tied to the token embedding, else ``vocab_size*d_model``) and
    ``total`` (their sum).  For large models the blocks dominate: about
    ``12 * n_layers * d_model**2`` when ``d_ff = 4*d_model``.
    """
    n_layers, d_model, vocab_size, n_ctx = check_counts(
        n_layers=n_layers, d_model=d_model, vocab_size=vocab_size, n_ctx=n_ctx)
    parts = {
        "token_embedding": embedding_params(vocab_size, d_model),
        "position_embedding": embedding_params(n_ctx, d_model) if learned_positions else 0,
        "blocks": n_layers * transformer_block_params(d_model, d_ff),
        "final_layer_norm": layer_norm_params(d_model) if final_layer_norm else 0,
        "output_projection": 0 if tied_embeddings else vocab_size * d_model,
    }
    parts["total"] = sum(parts.values())
    return parts


def bert_breakdown(
    n_layers: int,
    d_model: int,
    vocab_size: int = 30522,
    n_positions: int = 512,
    n_segments: int = 2,
    d_ff: int | None = None,
    pooler: bool = True,
) -> dict[str, int]:
    """Parameters of a BERT encoder by part: ``embeddings``, ``blocks``, ``pooler``, and ``total``
    (their sum).

    Embeddings: token ``(vocab_size, d_model)``, learned position ``(n_positions, d_model)``,
    segment ``(n_segments, d_model)``, one layer normalisation.  Blocks: ``n_layers`` ×
    :func:`transformer_block_params` — BERT *is* a stack of Transformer encoder blocks.  Pooler:
    ``Dense(d_model)`` on the first token.  The default vocabulary is the released uncased
    WordPiece vocabulary (30,522 entries; the paper rounds it to 30,000).  Masked-LM and
    next-sentence heads are not counted.
    """
    n_layers, d_model, vocab_size, n_positions, n_segments = check_counts(
        n_layers=n_layers, d_model=d_model, vocab_size=vocab_size, n_positions=n_positions,
        n_segments=n_segments)
    parts = {
        "embeddings": (vocab_size + n_positions + n_segments) * d_model
        + layer_norm_params(d_model),
        "blocks": n_layers * transformer_block_params(d_model, d_ff),
        "pooler": dense_params(d_model, d_model) if pooler else 0,
    }
    parts["total"] = sum(parts.values())
    return parts


@dataclass(frozen=True)
class PublishedConfig:
    """A model configuration and parameter count as published.

    ``published_params`` is the figure printed by ``source`` (a key of the book's
    ``references.bib``); ``kind`` is ``"gpt"`` (decoder-only, tied embeddings) or ``"bert"``.
    ``revised_params`` is a later figure for the same model from ``revised_source`` (OpenAI's GPT-2
    model card gives 124M, 355M, 774M and 1.5B for the models the paper lists as 117M, 345M,
    762M and 1542M).
    """

    name: str
    kind: str
    year: int
    n_layers: int
    d_model: int
    vocab_size: int
    n_ctx: int
    published_params: float
    source: str
    d_ff: int | None = None
    revised_params: float | None = None
    revised_source: str | None = None


#: Configurations as printed in the papers (GPT-2 in Radford et al. 2019, table 2; GPT-3 in Brown
#: et al. 2020, table 2.1; BERT in Devlin et al. 2019, section 3).  GPT-2 and GPT-3 use GPT-2's
#: byte-level BPE vocabulary of 50,257 tokens (GPT-3 "uses the same model and architecture as
#: GPT-2"); GPT-2 has a 1,024-token context, GPT-3 2,048.  GPT-3 13B is listed with
#: d_model = 5140 as printed in the paper (40 heads × 128 = 5120 suggests a typo; the difference
#: is 0.8% of the count).
PUBLISHED_CONFIGS: tuple[PublishedConfig, ...] = (
    PublishedConfig("BERT-Base", "bert", 2018, 12, 768, 30522, 512, 110e6, "devlin2019bert"),
    PublishedConfig("BERT-Large", "bert", 2018, 24, 1024, 30522, 512, 340e6, "devlin2019bert"),
    PublishedConfig("GPT-2 117M", "gpt", 2019, 12, 768, 50257, 1024, 117e6, "radford2019language",
                    revised_params=124e6, revised_source="openai2019gpt2card"),
    PublishedConfig("GPT-2 345M", "gpt", 2019, 24, 1024, 50257, 1024, 345e6, "radford2019language",
                    revised_params=355e6, revised_source="openai2019gpt2card"),
    PublishedConfig("GPT-2 762M", "gpt", 2019, 36, 1280, 50257, 1024, 762e6, "radford2019language",
                    revised_params=774e6, revised_source="openai2019gpt2card"),
    PublishedConfig("GPT-2 1542M", "gpt", 2019, 48, 1600, 50257, 1024, 1542e6,
                    "radford2019language", revised_params=1.5e9,
                    revised_source="openai2019gpt2card"),
    PublishedConfig("GPT-3 Small", "gpt", 2020, 12, 768, 50257, 2048, 125e6, "brown2020language"),
    PublishedConfig("GPT-3 Medium", "gpt", 2020, 24, 1024, 50257, 2048, 350e6, "brown2020language"),
    PublishedConfig("GPT-3 Large", "gpt", 2020, 24, 1536, 50257, 2048, 760e6, "brown2020language"),
    PublishedConfig("GPT-3 XL", "gpt", 2020, 24, 2048, 50257, 2048, 1.3e9, "brown2020language"),
    PublishedConfig("GPT-3 2.7B", "gpt", 2020, 32, 2560, 50257, 2048, 2.7e9, "brown2020language"),
    PublishedConfig("GPT-3 6.7B", "gpt", 2020, 32, 4096, 50257, 2048, 6.7e9, "brown2020language"),
    PublishedConfig("GPT-3 13B", "gpt", 2020, 40, 5140, 50257, 2048, 13.0e9, "brown2020language"),
    PublishedConfig("GPT-3 175B", "gpt", 2020, 96, 12288, 50257, 2048, 175.0e9,
                    "brown2020language"),
)


def published_config_params(config: PublishedConfig) -> int:
    """Recompute the parameter count of a :class:`PublishedConfig` with the formulas above."""
    if config.kind == "gpt":
        return decoder_only_transformer_breakdown(
            config.n_layers, config.d_model, config.vocab_size, config.n_ctx, config.d_ff
        )["total"]
    if config.kind == "bert":
        return bert_breakdown(config.n_layers, config.d_model, config.vocab_size, config.n_ctx,
                              d_ff=config.d_ff)["total"]
    raise ValueError(f"unknown kind {config.kind!r} (expected 'gpt' or 'bert')")


@dataclass(frozen=True)
class Landmark:
    """A landmark model, the year it was published and its size as its source states it.

    ``where`` says where in ``source`` (a key of ``references.bib``) the figure is printed;
    ``config`` names the :data:`PUBLISHED_CONFIGS` entry that recomputes it, if any.
    """

    name: str
    year: int
    published_params: float
    source: str
    where: str
    config: str | None = None


#: Landmark models with their sizes as printed by the cited source.
LANDMARK_MODELS: tuple[Landmark, ...] = (
    Landmark("AlexNet", 2012, 60e6, "krizhevsky2012imagenet", "abstract: 60 million parameters"),
    Landmark("VGG-16", 2014, 138e6, "simonyan2015very", "table 2, configuration D: 138M"),
    Landmark("ResNet-50", 2015, 26e6, "tan2019efficientnet", "table 2: 26M"),
    Landmark("Transformer (big)", 2017, 213e6, "vaswani2017attention", "table 3: 213M"),
    Landmark("BERT-Large", 2018, 340e6, "devlin2019bert", "section 3: 340M", "BERT-Large"),
    Landmark("GPT-2", 2019, 1542e6, "radford2019language", "table 2: 1542M", "GPT-2 1542M"),
    Landmark("EfficientNet-B0", 2019, 5.3e6, "tan2019efficientnet", "table 2: 5.3M"),
    Landmark("GPT-3", 2020, 175e9, "brown2020language", "table 2.1: 175.0B", "GPT-3 175B"),
    Landmark("DALL-E", 2021, 12e9, "ramesh2021zero", "section 1: 12-billion parameter transformer"),
)

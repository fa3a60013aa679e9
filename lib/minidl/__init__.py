"""minidl — the small deep-learning library behind the executable book.

Every number the book prints about forward/backward propagation, losses, optimizers and LSTMs is
computed here, and every derivative used here is verified by sympy, finite differences and Keras
(see ``tests/``).  Arrays are batch-first; weights use the layouts Keras stores.

Public API (one concept per module)
-----------------------------------
minidl.seeding
    set_seed(seed=0, *, tensorflow=None) -> numpy.random.Generator
minidl.params
    dense_params(input_dim, units, use_bias=True), lstm_params(input_dim, units, use_bias=True),
    embedding_params, layer_norm_params, multi_head_attention_params(d_model, num_heads, ...),
    feed_forward_params, transformer_block_params(d_model, d_ff=None),
    decoder_only_transformer_params(n_layers, d_model, vocab_size, n_ctx, d_ff=None, *,
    tied_embeddings=True, ...) and ..._breakdown(...) -> dict, bert_params(n_layers, d_model, ...),
    PUBLISHED_CONFIGS (BERT, GPT-2, GPT-3 as published), published_config_params(config) -> int
minidl.quantize
    quantize_float16(w), quantize_int8(w, *, axis=None, symmetric=True) -> QuantizedTensor,
    dequantize(t) -> float32 array, quantize_params(params, scheme) / dequantize_params(qparams)
    (schemes float32, float16, int8, int8-per-channel, int8-affine), nbytes(obj) -> int
"""

from minidl.seeding import set_seed

__all__ = ["set_seed"]
__version__ = "0.1.0"

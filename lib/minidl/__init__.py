"""minidl — the small deep-learning library behind the executable book.

Every number the book prints about forward/backward propagation, losses, optimizers and LSTMs is
computed here, and every derivative used here is verified by sympy, finite differences and Keras
(see ``tests/``).  Arrays are batch-first; weights use the layouts Keras stores.

Public API (one concept per module)
-----------------------------------
minidl.seeding
    set_seed(seed=0, *, tensorflow=None) -> numpy.random.Generator
minidl.activations
    sigmoid(z), tanh(z), relu(z), linear(z), softmax(z, axis=-1) -> array (shape of z);
    sigmoid_grad(z), tanh_grad(z), relu_grad(z), linear_grad(z) -> d act / d z at the
    pre-activation z; softmax_backward(grad_out, s, axis=-1) -> dL/dz (vector-Jacobian product);
    get(name) -> (f, f_grad or None), NAMES
minidl.layers
    dense_forward(x, W, b) -> (z, cache)  x (N, D_in) or (D_in,), W (D_in, D_out), b (D_out,);
    dense_backward(dz, cache) -> (dx, dW, db); check_dense_shapes(x_shape, W_shape, b_shape)
minidl.losses  (per-sample loss like keras.losses.<fn>; *_grad = d mean-over-batch / d y_pred)
    mean_squared_error(y_true, y_pred) -> (N,), mean_squared_error_grad(y_true, y_pred);
    binary_crossentropy(y_true, y_pred, from_logits=False) -> (N,), binary_crossentropy_grad(...);
    categorical_crossentropy(y_true, y_pred, from_logits=False), categorical_crossentropy_grad;
    sparse_categorical_crossentropy(y_true, y_pred, from_logits=False), ..._grad;
    get(name) -> (canonical_name, loss, loss_grad), NAMES, EPSILON = 1e-7 (Keras's clip)
minidl.gradcheck
    numerical_gradient(f, x, eps=1e-6) -> array (shape of x), relative_error(a, b) -> float
minidl.optim  (Keras 3 update rules; step(params, grads) updates the dict of arrays in place)
    SGD(learning_rate=0.01, momentum=0.0), Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7); .step(params, grads) -> None, .iterations; get(name_or_instance) -> Optimizer
minidl.network
    MLP(layer_sizes, activations, *, rng, dtype=float64)  Glorot-uniform W, zero b (Keras Dense);
    MLP.from_weights([(W1, b1), (W2, b2), ...], activations, *, dtype=float64) -> MLP;
    .params / .grads: dict "W1", "b1", ... ; .forward(x, *, return_intermediates=False) -> y_hat
    (N, D_out) or (y_hat, {"x", "Z1", "A1", ..., "ZL", "AL"}); .backward(grad_out, *,
    wrt="output"|"logits") -> dL/dx (fills .grads); .loss(x, y, loss, *, from_logits=False)
    -> float; .loss_and_grads(x, y, loss, *, from_logits=False) -> float (fused softmax/sigmoid +
    cross-entropy); .fit(x, y, *, loss, optimizer, epochs=1, batch_size=32, validation_data=None,
    rng=None, from_logits=False) -> {"loss", "val_loss", ["accuracy", "val_accuracy"]};
    .predict(x), .get_weights() / .set_weights(list) (Keras order), .count_params(),
    .layer_sizes, .activations, .n_layers
minidl.symbolic  (sympy; each result has .holds(), .latex(), .lambdify(which))
    sigma (sympy Function σ), sigmoid_derivative(), tanh_derivative(), relu_derivative(),
    softmax_cross_entropy_gradient(k=3), sigmoid_bce_gradient(), mse_gradient(k=2,
    convention="mean"|"half_sum") -> Derivation(variables, wrt, function, derivative, closed_form,
    definitions, conditions, ...); two_layer_network_gradients(n_in=2, n_hidden=3, n_out=2, *,
    activations=("sigmoid", "sigmoid"), loss="half_sum_squares"|"mse") -> NetworkDerivation(
    symbols, forward, loss, gradients, deltas, backprop, readable; .lambdify(which)(x, t, W1, b1,
    W2, b2) -> dict of arrays); lambdify(args, expr) -> numpy function
minidl.params
    dense_params(input_dim, units, use_bias=True), lstm_params(input_dim, units, use_bias=True),
    embedding_params, layer_norm_params, multi_head_attention_params(d_model, num_heads, ...),
    feed_forward_params, transformer_block_params(d_model, d_ff=None),
    decoder_only_transformer_params(n_layers, d_model, vocab_size, n_ctx, d_ff=None, *,
    tied_embeddings=True, ...) and ..._breakdown(...) -> dict, bert_params(n_layers, d_model, ...)
    and bert_breakdown(...) -> dict,
    PUBLISHED_CONFIGS (BERT, GPT-2, GPT-3 as published), published_config_params(config) -> int
    LANDMARK_MODELS (name, year, published size, source) for chapter 1's figure
minidl.quantize
    quantize_float16(w), quantize_int(w, bits=8, *, axis=None, symmetric=True) -> QuantizedTensor,
    quantize_int8(w, ...), dequantize(t) -> float32 array, quantize_params(params, scheme="int", *,
    bits=8, per_channel=False, symmetric=True) (schemes float32, float16, int) /
    dequantize_params(qparams), nbytes(obj) -> int (bit-packed codes + scales)
minidl.signals
    synthetic_rhythms(n, *, steps=40, noise=0.3, rng) -> (x (n, steps, 1), y (n,)), RHYTHM_BANDS,
    RHYTHM_NAMES, zero_crossings(x) -> (N, 1)
minidl.information  (natural log unless base=...; distributions along the last axis)
    entropy(p, *, base=None) -> (...), kl_divergence(p, q, *, base=None) -> (...);
    H(p, q) = entropy(p) + kl_divergence(p, q) with H(p, q) = losses.categorical_crossentropy
minidl.evaluation
    train_val_test_split(x, y, *, val_size, test_size, rng) -> (x_train, y_train, x_val, y_val,
    x_test, y_test)
minidl.lstm  (weights exactly keras.layers.LSTM(H).get_weights(), gate order i, f, c, o)
    lstm_forward(x (N, T, D), kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,), h0=None,
    c0=None, activation="tanh", recurrent_activation="sigmoid", *, threads=None) -> (h_seq
    (N, T, H), h_last (N, H), c_last (N, H), cache); lstm_backward(dh_seq, cache, dh_last=None,
    dc_last=None, *, threads=None) -> {"dx", "dkernel", "drecurrent_kernel", "dbias", "dh0",
    "dc0"}; ACTIVATIONS (names: sigmoid, tanh, relu, linear)
minidl.data  (chapter 5; MNIST from the IDX files in data/mnist/, SHA-256 checked)
    load_mnist(data_dir=None) -> ((x_train (60000, 28, 28), y_train), (x_test (10000, 28, 28),
    y_test)) uint8; read_idx(path) -> array; load_digit_sequences(*, validation_size=6000,
    seed=0, data_dir=None) -> DigitSequences(train, validation, test: (x (N, 28, 28) float32
    pixel / 255, y (N,) int64), info: dict); MNIST_DIR, MNIST_FILES
minidl.keras_models  (chapter 5; Keras imported on first call)
    article_model(features=28) -> the article's compiled 3 x LSTM(128, relu) + Dense(1, sigmoid);
    lstm_classifier(steps=None, features=28, num_classes=10, *, units=128, layers=1,
    learning_rate=1e-3, dropout=0.0, strategy=None) -> compiled LSTM(tanh) + Dense(num_classes)
    logits, SparseCategoricalCrossentropy(from_logits=True), Adam; numpy_predict(model, x, *,
    batch_size=1024) -> model output (N, units of last Dense) computed by minidl
"""

from minidl.seeding import set_seed

__all__ = ["set_seed"]
__version__ = "0.1.0"

"""minidl.optim: SGD and Adam equal keras.optimizers.SGD / Adam step for step."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from minidl.optim import SGD, Adam, get

N_STEPS = 6
# Hyperparameters exact in float32: for float64 weights Keras rounds learning_rate, momentum and
# the betas to float32 (see minidl.optim's docstring), so only such values agree to 1e-14.
LR = 2.0**-7


def _run_both(make_ours, make_keras, dtype, seed=0):
    """Apply the same gradient sequence to minidl and Keras; return both weight histories."""
    rng = np.random.default_rng(seed)
    init = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=2)}
    grads_seq = [
        {k: rng.normal(scale=s, size=v.shape) for k, v in init.items()}
        for s in (1.0, 0.1, 10.0, 1e-3, 1.0, 0.5)[:N_STEPS]
    ]
    params = {k: v.astype(dtype) for k, v in init.items()}
    ours = make_ours()
    kvars = [keras.Variable(v.astype(dtype), dtype=np.dtype(dtype).name) for v in init.values()]
    theirs = make_keras()
    hist_ours, hist_theirs = [], []
    for grads in grads_seq:
        g = {k: v.astype(dtype) for k, v in grads.items()}
        ours.step(params, g)
        theirs.apply_gradients(zip([g["W1"], g["b1"]], kvars, strict=True))
        hist_ours.append([params["W1"].copy(), params["b1"].copy()])
        hist_theirs.append([np.asarray(v) for v in kvars])
    return hist_ours, hist_theirs


CONFIGS = [
    ("sgd", lambda: SGD(LR), lambda: keras.optimizers.SGD(LR)),
    ("sgd-momentum", lambda: SGD(LR, momentum=0.75),
     lambda: keras.optimizers.SGD(LR, momentum=0.75)),
    ("adam", lambda: Adam(LR, beta_1=0.75, beta_2=1 - 2.0**-8, epsilon=1e-3),
     lambda: keras.optimizers.Adam(LR, beta_1=0.75, beta_2=1 - 2.0**-8, epsilon=1e-3)),
    ("adam-defaults", lambda: Adam(), lambda: keras.optimizers.Adam()),
    ("sgd-momentum-0.9", lambda: SGD(0.01, momentum=0.9),
     lambda: keras.optimizers.SGD(0.01, momentum=0.9)),
]
# Keras's float32 rounding of 0.001, 0.9, 0.999 shows up at ~1e-8 relative in float64.
ROUNDED = {"adam-defaults", "sgd-momentum-0.9"}


@pytest.mark.parametrize("name,ours,theirs", CONFIGS, ids=[c[0] for c in CONFIGS])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_updates_equal_keras_step_for_step(name, ours, theirs, dtype):
    hist_ours, hist_theirs = _run_both(ours, theirs, dtype)
    rtol = {np.float32: 2e-6, np.float64: 1e-7 if name in ROUNDED else 1e-14}[dtype]
    for step, (a, b) in enumerate(zip(hist_ours, hist_theirs, strict=True), start=1):
        for x, y in zip(a, b, strict=True):
            assert x.dtype == dtype
            np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol, err_msg=f"step {step}")


def test_adam_first_step_is_lr_g_over_abs_g_plus_epsilon_hat():
    """At t = 1, m = (1-b1) g and v = (1-b2) g**2, so the step is lr * g / (|g| + eps / sqrt(1-b2)):
    about lr for large |g|, less for |g| comparable to eps / sqrt(1 - b2) (epsilon sits outside
    the bias correction, as in Keras)."""
    g = np.array([5.0, -1e-3, 0.2, 1e-6])
    params = {"w": np.zeros(4)}
    Adam(learning_rate=0.1).step(params, {"w": g})
    expected = -0.1 * g / (np.abs(g) + 1e-7 / np.sqrt(1 - 0.999))
    np.testing.assert_allclose(params["w"], expected, rtol=1e-12)
    assert abs(params["w"][0]) == pytest.approx(0.1, rel=1e-6)


def test_step_updates_in_place_and_counts_iterations():
    w = np.ones(2)
    params = {"w": w}
    opt = SGD(0.5)
    opt.step(params, {"w": np.array([1.0, 2.0])})
    assert params["w"] is w
    np.testing.assert_array_equal(w, [0.5, 0.0])
    assert opt.iterations == 1


def test_get_accepts_names_and_instances():
    assert isinstance(get("adam"), Adam) and isinstance(get("SGD"), SGD)
    opt = Adam()
    assert get(opt) is opt
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        get("rmsprop")


# ----------------------------------------------------------------------------------- bad input
def test_mismatched_keys_raise_listing_both():
    with pytest.raises(
        ValueError, match=r"grads has keys \['W1'\] but params has keys \['W1', 'b1'\]"
    ):
        SGD().step({"W1": np.zeros(2), "b1": np.zeros(1)}, {"W1": np.zeros(2)})


def test_mismatched_shapes_raise_naming_the_key_and_both_shapes():
    with pytest.raises(
        ValueError, match=r"grads\['W1'\] has shape \(3, 2\) but params\['W1'\] has shape \(2, 3\)"
    ):
        Adam().step({"W1": np.zeros((2, 3))}, {"W1": np.zeros((3, 2))})


def test_nan_gradient_raises_before_any_update():
    params = {"a": np.zeros(2), "b": np.zeros(2)}
    with pytest.raises(ValueError, match=r"grads\['b'\] contains nan at index \(1,\)"):
        SGD(0.1).step(params, {"a": np.ones(2), "b": np.array([0.0, np.nan])})
    np.testing.assert_array_equal(params["a"], 0.0)


def test_non_array_or_integer_params_raise():
    with pytest.raises(TypeError, match=r"params\['w'\] must be a float NumPy array.*list"):
        SGD().step({"w": [1.0]}, {"w": [1.0]})
    with pytest.raises(TypeError, match=r"params\['w'\] .* of dtype int64"):
        SGD().step({"w": np.array([1])}, {"w": np.array([1])})


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda: SGD(0.0), r"learning_rate must be a positive finite number, got 0.0"),
        (lambda: SGD(0.1, momentum=1.5), r"momentum must be a finite number in \[0.0, 1.0\), "
                                         r"got 1.5"),
        (lambda: Adam(beta_1=1.0), r"beta_1 must be a finite number in \[0.0, 1.0\), got 1.0"),
        (lambda: Adam(epsilon=-1.0), r"epsilon must be a non-negative finite number, got -1.0"),
        (lambda: Adam(learning_rate=np.nan), r"learning_rate must be a positive finite number"),
    ],
)
def test_bad_hyperparameters_raise_naming_the_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_hyperparameter_types_raise_type_error_and_numpy_scalars_are_accepted():
    with pytest.raises(TypeError, match=r"learning_rate must be a real number, got 'fast'"):
        Adam(learning_rate="fast")
    with pytest.raises(TypeError, match="momentum must be a real number, got True"):
        SGD(momentum=True)
    with pytest.raises(TypeError, match="optimizer must be a name"):
        get(3)
    opt = SGD(np.float32(0.5), momentum=np.float64(0.25))
    assert (opt.learning_rate, opt.momentum) == (0.5, 0.25)
    assert type(opt.learning_rate) is float

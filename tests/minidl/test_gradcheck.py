"""minidl.gradcheck: central differences are accurate and leave the input untouched."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minidl.gradcheck import numerical_gradient, numerical_gradient_wrt, relative_error


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), m=st.integers(1, 4))
def test_numerical_gradient_of_quadratic_form_is_exact_up_to_rounding(seed, n, m):
    rng = np.random.default_rng(seed)
    A, x = rng.normal(size=(n * m, n * m)), rng.normal(size=(n, m))
    f = lambda v: v.reshape(-1) @ A @ v.reshape(-1)  # noqa: E731
    expected = ((A + A.T) @ x.reshape(-1)).reshape(n, m)
    assert relative_error(numerical_gradient(f, x), expected) < 1e-7


def test_numerical_gradient_does_not_modify_input_and_returns_float64():
    x = np.array([1.0, 2.0], dtype=np.float32)
    before = x.copy()
    g = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, before)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, np.cos(x.astype(np.float64)), rtol=1e-9)


def test_numerical_gradient_of_scalar_input():
    assert float(numerical_gradient(lambda v: v**3, 2.0)) == pytest.approx(12.0, rel=1e-9)


def test_relative_error_is_scaled_by_the_largest_entry():
    assert relative_error([1.0, 0.0], [1.0, 1e-12]) == pytest.approx(1e-12)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([2.0], [1.0]) == 0.5


def test_non_scalar_f_raises_naming_the_shape():
    with pytest.raises(ValueError, match=r"f must return a scalar, got an array of shape \(2,\)"):
        numerical_gradient(lambda v: v, np.zeros(2))


def test_non_finite_f_raises():
    with pytest.raises(ValueError, match="f returned nan"):
        numerical_gradient(lambda v: np.sum(v) * np.nan, np.zeros(2))


@pytest.mark.parametrize("eps", [0.0, -1e-6, np.nan])
def test_bad_eps_raises(eps):
    with pytest.raises(ValueError, match="eps must be a positive finite number"):
        numerical_gradient(np.sum, np.zeros(2), eps=eps)


def test_relative_error_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"a has shape \(2,\) but b has shape \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_wrt_one_parameter_of_a_dict_restores_it():
    rng = np.random.default_rng(0)
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    x = rng.normal(size=(4, 3))
    before = {k: v.copy() for k, v in params.items()}

    def loss():
        return float(np.sum((x @ params["W"] + params["b"]) ** 2))

    z = x @ params["W"] + params["b"]
    analytic = {"W": 2 * x.T @ z, "b": 2 * z.sum(axis=0)}
    for name in params:
        assert relative_error(numerical_gradient_wrt(loss, params, name), analytic[name]) < 1e-8
        np.testing.assert_array_equal(params[name], before[name])


def test_numerical_gradient_wrt_rejects_bad_arguments_and_restores_on_error():
    params = {"w": np.ones(2), "w32": np.ones(2, np.float32)}
    with pytest.raises(ValueError, match=r"params has no 'v'; its keys are \['w', 'w32'\]"):
        numerical_gradient_wrt(lambda: 0.0, params, "v")
    with pytest.raises(TypeError, match=r"params\['w32'\] must be a float64 NumPy array"):
        numerical_gradient_wrt(lambda: 0.0, params, "w32")
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient_wrt(3, params, "w")
    with pytest.raises(ZeroDivisionError):
        numerical_gradient_wrt(lambda: 1 / 0, params, "w")
    np.testing.assert_array_equal(params["w"], 1.0)

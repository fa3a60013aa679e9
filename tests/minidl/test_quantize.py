"""minidl.quantize: float16 / int8 post-training weight quantization round trips and sizes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minidl import quantize as Q

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=32)
arrays = hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                    elements=finite)


@settings(max_examples=200, deadline=None)
@given(arrays)
def test_symmetric_int8_round_trip_error_is_at_most_half_a_step(w):
    t = Q.quantize_int8(w)
    assert t.q.dtype == np.int8 and t.q.shape == w.shape and t.scale.shape == ()
    assert t.q.min() >= -127  # symmetric: -128 unused
    err = np.abs(Q.dequantize(t) - w)
    assert np.all(err <= t.scale / 2 * (1 + 1e-5) + 1e-30)


@settings(max_examples=200, deadline=None)
@given(arrays, st.data())
def test_per_channel_int8_has_one_scale_per_channel_and_half_step_error(w, data):
    axis = data.draw(st.integers(-w.ndim, w.ndim - 1))
    t = Q.quantize_int8(w, axis=axis)
    assert t.scale.shape == (w.shape[axis],)
    shape = [1] * w.ndim
    shape[axis] = -1
    err = np.abs(Q.dequantize(t) - w)
    assert np.all(err <= t.scale.reshape(shape) / 2 * (1 + 1e-5) + 1e-30)


@settings(max_examples=200, deadline=None)
@given(arrays)
def test_affine_int8_round_trip_error_is_at_most_half_a_step_and_zero_is_exact(w):
    t = Q.quantize_int8(w, symmetric=False)
    assert -128 <= int(t.zero_point) <= 127
    err = np.abs(Q.dequantize(t) - w)
    assert np.all(err <= t.scale / 2 * (1 + 1e-4) + 1e-30)
    zero = Q.quantize_int8(np.append(w.ravel(), 0.0), symmetric=False)
    assert Q.dequantize(zero)[-1] == 0.0


def test_per_channel_beats_per_tensor_when_channels_differ_in_scale():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 4)) * np.array([100.0, 1.0, 0.01, 1.0])  # Dense kernel (D_in, D_out)
    w = w.astype(np.float32)
    per_tensor = np.abs(Q.dequantize(Q.quantize_int8(w)) - w)[:, 2].max()
    per_channel = np.abs(Q.dequantize(Q.quantize_int8(w, axis=-1)) - w)[:, 2].max()
    assert per_channel < per_tensor / 100


def test_known_values_symmetric():
    t = Q.quantize_int8(np.array([-1.0, 0.0, 0.5, 1.27], dtype=np.float32))
    assert t.scale == np.float32(0.01)
    assert t.q.tolist() == [-100, 0, 50, 127]


def test_known_values_affine():
    t = Q.quantize_int8(np.array([0.0, 1.0, 2.55], dtype=np.float32), symmetric=False)
    assert np.isclose(t.scale, 0.01) and int(t.zero_point) == -128
    assert t.q.tolist() == [-128, -28, 127]


@settings(max_examples=150, deadline=None)
@given(arrays, st.integers(2, 8), st.booleans(), st.booleans())
def test_n_bit_codes_stay_in_range_and_error_is_half_a_step(w, bits, symmetric, per_channel):
    t = Q.quantize_int(w, bits, axis=-1 if per_channel else None, symmetric=symmetric)
    lo = -(2 ** (bits - 1)) + (1 if symmetric else 0)
    assert t.bits == bits and lo <= t.q.min() and t.q.max() <= 2 ** (bits - 1) - 1
    scale = t.scale if t.axis is None else t.scale.reshape([1] * (w.ndim - 1) + [-1])
    err = np.abs(Q.dequantize(t) - w)
    assert np.all(err <= scale / 2 * (1 + 1e-4) + 1e-30)


def test_fewer_bits_give_larger_error_and_smaller_size():
    w = np.random.default_rng(2).normal(size=(256, 64)).astype(np.float32)
    errs, sizes = [], []
    for bits in (8, 6, 4, 3, 2):
        t = Q.quantize_int(w, bits, axis=-1)
        errs.append(float(np.abs(Q.dequantize(t) - w).mean()))
        sizes.append(Q.nbytes(t))
    assert errs == sorted(errs) and sizes == sorted(sizes, reverse=True)
    assert sizes[2] == 256 * 64 // 2 + 4 * 64  # 4-bit: two codes per byte


def test_all_zero_tensor_round_trips_exactly():
    z = np.zeros((3, 2), np.float32)
    for kw in ({}, {"axis": 1}, {"symmetric": False}):
        t = Q.quantize_int8(z, **kw)
        assert np.array_equal(Q.dequantize(t), z)


@settings(max_examples=100, deadline=None)
@given(arrays)
def test_float16_round_trip_has_relative_error_below_2_to_minus_11(w):
    h = Q.quantize_float16(w)
    assert h.dtype == np.float16
    back = Q.dequantize(h)
    big = np.abs(w) > 1e-4  # normal float16 range
    rel = np.abs(back - w)[big] / np.abs(w)[big]
    assert np.all(rel <= 2.0**-11 * (1 + 1e-6))


def test_sizes_int8_is_a_quarter_of_float32_plus_scales():
    w = np.ones((100, 10), np.float32)
    assert Q.nbytes(w) == 4000
    assert Q.nbytes(Q.quantize_float16(w)) == 2000
    assert Q.nbytes(Q.quantize_int8(w)) == 1000 + 4
    assert Q.nbytes(Q.quantize_int8(w, axis=-1)) == 1000 + 4 * 10
    assert Q.nbytes(Q.quantize_int8(w, symmetric=False)) == 1000 + 4 + 4


def test_quantize_params_keeps_biases_float32_and_sizes_add_up():
    rng = np.random.default_rng(1)
    params = {"W1": rng.normal(size=(64, 32)).astype(np.float32),
              "b1": rng.normal(size=32).astype(np.float32),
              "W2": rng.normal(size=(32, 10)).astype(np.float32),
              "b2": rng.normal(size=10).astype(np.float32)}
    base = Q.nbytes(Q.quantize_params(params, "float32"))
    assert base == 4 * (64 * 32 + 32 + 32 * 10 + 10)
    assert Q.nbytes(Q.quantize_params(params, "float16")) == base // 2
    q8 = Q.quantize_params(params, "int")
    assert isinstance(q8["W1"], Q.QuantizedTensor) and q8["b1"].dtype == np.float32
    assert Q.nbytes(q8) == (64 * 32 + 4) + 4 * 32 + (32 * 10 + 4) + 4 * 10
    q4 = Q.quantize_params(params, "int", bits=4)
    assert Q.nbytes(q4) == (64 * 32 // 2 + 4) + 4 * 32 + (32 * 10 // 2 + 4) + 4 * 10
    pc = Q.quantize_params(params, "int", per_channel=True)
    assert pc["W1"].scale.shape == (32,) and pc["W2"].scale.shape == (10,)
    back = Q.dequantize_params(Q.quantize_params(params, "int", symmetric=False))
    assert set(back) == set(params)
    assert all(back[k].dtype == np.float32 and back[k].shape == params[k].shape for k in params)
    assert np.array_equal(back["b1"], params["b1"])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: Q.quantize_int8(np.array([1.0, np.nan])), r"w contains nan at index \(1,\)"),
        (lambda: Q.quantize_int8(np.array([np.inf])), r"w contains inf at index \(0,\)"),
        (lambda: Q.quantize_int8(np.zeros((0, 3))), r"empty \(shape \(0, 3\)\)"),
        (lambda: Q.quantize_int8(np.ones((2, 3)), axis=2), r"axis=2 is out of range .*\(2, 3\)"),
        (lambda: Q.quantize_float16(np.array([1e5])), "beyond the float16 range"),
        (lambda: Q.quantize_params({"W": np.ones((2, 2))}, "int4"),
         r"scheme must be one of \['float32', 'float16', 'int'\]"),
        (lambda: Q.quantize_int(np.ones(3), bits=1), r"bits must be an integer in \[2, 8\], got 1"),
        (lambda: Q.quantize_int(np.ones(3), bits=16), r"bits must be an integer in \[2, 8\]"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: Q.quantize_int8(np.array(["a"])), "w must be numeric"),
        (lambda: Q.quantize_int(np.ones(3), bits=8.0), "bits must be an integer"),
        (lambda: Q.dequantize(np.array([1, 2], dtype=np.int8)), "QuantizedTensor or a float"),
    ],
)
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_numpy_integer_bits_are_accepted():
    w = np.linspace(-1, 1, 7)
    assert np.array_equal(Q.quantize_int(w, bits=np.int64(4)).q, Q.quantize_int(w, bits=4).q)

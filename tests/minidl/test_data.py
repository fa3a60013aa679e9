"""minidl.data: digit images as row sequences — offline digits, MNIST from a file in Keras's
format (a small synthetic mnist.npz here), the "auto" fallback, and deterministic, disjoint
train/validation/test splits."""

from __future__ import annotations

import numpy as np
import pytest

from minidl import data as data_module
from minidl.data import load_digit_sequences


def write_fake_mnist(path, n_train=120, n_test=40, size=28, seed=0):
    """A file in the format of keras.datasets.mnist (uint8 images 0..255, uint8 labels)."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, size, size), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, size, size), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test).astype(np.uint8),
    }
    np.savez(path, **arrays)
    return arrays


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No cached MNIST (an empty KERAS_HOME) and no network."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(data_module, "_reachable", lambda *a, **k: False)


def test_digits_are_8_steps_of_8_features_scaled_to_unit_interval():
    d = load_digit_sequences("digits")
    info = d.info
    assert (info["source"], info["steps"], info["features"], info["pixel_max"]) == \
        ("digits", 8, 8, 16.0)
    assert info["scaling"] == "x / 16" and info["notice"] is None
    total = 0
    for name, (x, y) in zip(("train", "validation", "test"), (d.train, d.validation, d.test),
                            strict=True):
        assert x.dtype == np.float32 and y.dtype == np.int64
        assert x.shape == (len(y), 8, 8) == info["shapes"][name]
        assert info["counts"][name] == len(y)
        assert 0 <= x.min() and x.max() <= 1 and set(np.unique(y)) <= set(range(10))
        total += len(y)
    assert total == 1797
    assert info["counts"]["test"] == round(0.2 * 1797)
    assert d.summary() == (f"digits: 8 steps x 8 features, train {info['counts']['train']}, "
                           f"validation {info['counts']['validation']}, test "
                           f"{info['counts']['test']}")


def test_digit_splits_are_disjoint_and_cover_every_image():
    from sklearn.datasets import load_digits

    d = load_digit_sequences("digits", seed=3)
    raw = load_digits()   # its 1,797 images are all different, so images identify samples
    everything = {(img.tobytes(), int(t)) for img, t in
                  zip((raw.images / np.float32(16)).astype(np.float32), raw.target, strict=True)}
    assert len(everything) == 1797
    parts = [{(x.tobytes(), int(t)) for x, t in zip(*p, strict=True)}
             for p in (d.train, d.validation, d.test)]
    assert sum(len(p) for p in parts) == 1797
    assert parts[0] | parts[1] | parts[2] == everything


def test_splits_depend_on_the_seed_only():
    a, b = load_digit_sequences("digits", seed=1), load_digit_sequences("digits", seed=1)
    c = load_digit_sequences("digits", seed=2)
    np.testing.assert_array_equal(a.test[0], b.test[0])
    np.testing.assert_array_equal(a.train[1], b.train[1])
    assert not np.array_equal(a.test[1], c.test[1])


def test_mnist_file_is_parsed_scaled_and_split(tmp_path):
    path = tmp_path / "mnist.npz"
    raw = write_fake_mnist(path, n_train=120, n_test=40)
    d = load_digit_sequences(path=path, validation_fraction=0.25, seed=0)
    info = d.info
    assert (info["source"], info["steps"], info["features"], info["pixel_max"]) == \
        ("mnist", 28, 28, 255.0)
    assert info["origin"] == str(path) and info["scaling"] == "x / 255"
    assert info["counts"] == {"train": 90, "validation": 30, "test": 40}
    # The official test set is kept as is; validation is cut from the training images.
    np.testing.assert_array_equal(d.test[0], (raw["x_test"] / np.float32(255)).astype(np.float32))
    np.testing.assert_array_equal(d.test[1], raw["y_test"])
    x_all = np.concatenate([d.train[0], d.validation[0]])
    assert x_all.dtype == np.float32 and x_all.shape == (120, 28, 28)
    assert sorted(map(bytes, (x_all * 255).round().astype(np.uint8))) == \
        sorted(map(bytes, raw["x_train"]))
    again = load_digit_sequences(path=path, validation_fraction=0.25, seed=0)
    np.testing.assert_array_equal(again.validation[1], d.validation[1])


def test_auto_falls_back_to_digits_with_a_one_line_notice(offline, capsys):
    d = load_digit_sequences("auto")
    out = capsys.readouterr().out
    assert d.info["source"] == "digits"
    assert out.count("\n") == 1 and out.startswith("MNIST unavailable")
    assert "digits" in out and d.info["notice"] == out.strip()
    load_digit_sequences("auto", verbose=False)
    assert capsys.readouterr().out == ""


def test_mnist_unavailable_raises_file_not_found(offline, tmp_path):
    with pytest.raises(FileNotFoundError, match="MNIST unavailable: not cached"):
        load_digit_sequences("mnist")
    with pytest.raises(FileNotFoundError, match="no MNIST file at"):
        load_digit_sequences(path=tmp_path / "missing.npz")


def test_unreachable_host_answers_false_quickly():
    import time

    start = time.perf_counter()
    assert data_module._reachable("host.invalid", timeout=1.0) is False
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("kwargs, match", [
    ({"source": "cifar"}, "source must be one of"),
    ({"source": "digits", "validation_fraction": 0}, r"validation_fraction must be in \(0, 1\)"),
    ({"source": "digits", "test_fraction": 1.0}, r"test_fraction must be in \(0, 1\)"),
    ({"source": "digits", "seed": -1}, "seed must be a non-negative integer"),
    ({"source": "digits", "path": "mnist.npz"}, "is an MNIST file, but source='digits'"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_digit_sequences(**kwargs)


def test_malformed_mnist_files_raise_value_error(tmp_path):
    bad_keys = tmp_path / "keys.npz"
    np.savez(bad_keys, x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"missing arrays \['x_test', 'y_test', 'y_train'\]"):
        load_digit_sequences(path=bad_keys)
    bad_labels = tmp_path / "labels.npz"
    np.savez(bad_labels, x_train=np.zeros((4, 28, 28), np.uint8), y_train=np.array([0, 1, 2, 12]),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.array([3]))
    with pytest.raises(ValueError, match=r"labels must be digits 0-9, got range 0..12"):
        load_digit_sequences(path=bad_labels)
    bad_shape = tmp_path / "shape.npz"
    np.savez(bad_shape, x_train=np.zeros((4, 784), np.uint8), y_train=np.zeros(4, np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.array([3]))
    with pytest.raises(ValueError, match=r"images must be \(N, rows, cols\), got shape \(4, 784\)"):
        load_digit_sequences(path=bad_shape)

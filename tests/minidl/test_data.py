"""minidl.data: MNIST read from the shipped IDX files -- the facts that identify the real MNIST
(data/mnist/README.md), checksums, clear errors for missing or corrupt files, and the row-sequence
split chapter 5 uses."""

from __future__ import annotations

import gzip
import re
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from minidl.data import (
    MNIST_DIR,
    MNIST_ENV,
    MNIST_FILES,
    load_digit_sequences,
    load_mnist,
    mnist_dir,
    read_idx,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


@pytest.fixture(scope="module")
def sequences():
    return load_digit_sequences(seed=0)


def test_mnist_has_60000_training_and_10000_test_images_of_28x28_uint8(mnist):
    (x, y), (xt, yt) = mnist
    assert x.shape == (60000, 28, 28) and y.shape == (60000,)
    assert xt.shape == (10000, 28, 28) and yt.shape == (10000,)
    assert {a.dtype for a in (x, y, xt, yt)} == {np.dtype(np.uint8)}
    assert x.min() == 0 and x.max() == 255 and set(np.unique(y)) == set(range(10))


def test_mnist_matches_the_provenance_facts(mnist):
    """data/mnist/README.md (from the provenance record): labels, counts, mean pixel."""
    (x, y), (_, yt) = mnist
    assert y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(y, minlength=10).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918,
                                                     6265, 5851, 5949]
    assert np.bincount(yt, minlength=10).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                                      974, 1009]
    assert round(float(x.mean(dtype=np.float64)), 4) == 33.3184


def test_readme_lists_the_checksums_the_loader_checks():
    readme = (MNIST_DIR / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"\| `([a-z0-9-]+)\.gz` \| \d+ \| `([0-9a-f]{64})` \|", readme))
    assert rows == {name: sha for name, sha, _ in MNIST_FILES.values()}
    assert "CC BY-SA 3.0" in readme and "lecun1998gradient" in readme


def test_package_copy_is_the_repositorys_data_mnist_from_any_working_directory(tmp_path,
                                                                             monkeypatch):
    """MNIST_DIR is package data (minidl/mnist, a link to data/mnist), not found from the cwd."""
    monkeypatch.delenv(MNIST_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert mnist_dir() == MNIST_DIR and MNIST_DIR.parent == Path(__file__).resolve().parents[2] \
        / "lib" / "minidl"
    assert MNIST_DIR.resolve() == (ROOT / "data" / "mnist").resolve()
    for name, _, _ in MNIST_FILES.values():
        assert (MNIST_DIR / f"{name}.gz").is_file()


def test_environment_variable_overrides_the_package_copy(tmp_path, monkeypatch):
    target = _copy_mnist(tmp_path)
    monkeypatch.setenv(MNIST_ENV, str(target))
    assert mnist_dir() == target and mnist_dir(MNIST_DIR) == MNIST_DIR
    assert load_digit_sequences(validation_size=10).info["origin"] == str(target)
    (target / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte.gz is missing from .*; "
                                                r"the book's package ships the four files .* or "
                                                r"set MINIDL_MNIST_DIR"):
        load_mnist()
    with pytest.raises(TypeError, match="data_dir must be a path or None, got int"):
        mnist_dir(3)


def test_read_idx_parses_header_shape_and_big_endian_values(tmp_path):
    values = np.array([[1, -2, 300], [4, 5, -70000]], dtype=">i4")
    path = tmp_path / "small-idx2-int.gz"
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 0x0C, 2]) + struct.pack(">II", 2, 3) + values.tobytes())
    got = read_idx(path)
    assert got.shape == (2, 3) and got.dtype.byteorder in "=|<"
    np.testing.assert_array_equal(got, values)


def test_read_idx_rejects_wrong_magic_and_truncated_files(tmp_path):
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match=r"bad.idx is not an IDX file \(magic number 504b0304\)"):
        read_idx(bad)
    short = tmp_path / "short.idx"
    short.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 5) + b"\x01\x02")
    with pytest.raises(ValueError, match=r"short.idx: IDX header says shape \(5,\) \(13 bytes\) "
                                         r"but the file has 10 bytes"):
        read_idx(short)
    with pytest.raises(FileNotFoundError, match="no IDX file at"):
        read_idx(tmp_path / "absent.gz")


def _copy_mnist(tmp_path):
    target = tmp_path / "mnist"
    target.mkdir()
    for name, _, _ in MNIST_FILES.values():
        shutil.copy(MNIST_DIR / f"{name}.gz", target / f"{name}.gz")
    return target


def test_missing_file_is_named(tmp_path):
    target = _copy_mnist(tmp_path)
    (target / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"MNIST file t10k-labels-idx1-ubyte.gz is missing "
                                                r"from .*data/mnist/README.md"):
        load_mnist(target)


def test_corrupt_file_is_named_with_its_checksum(tmp_path):
    target = _copy_mnist(tmp_path)
    path = target / "train-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[8] = (raw[8] + 1) % 10          # the first label, 5, becomes 6: still valid IDX
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(ValueError, match=r"MNIST file train-labels-idx1-ubyte.gz in .* is corrupt: "
                                         r"the SHA-256 of its 60008 decompressed bytes is [0-9a-f]"
                                         r"{64}, expected 65a50cbb"):
        load_mnist(target)
    path.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte.gz is not a readable gzip file"):
        load_mnist(target)


def test_sequences_are_28_steps_of_28_features_scaled_by_255(sequences, mnist):
    d, (_, (xt, yt)) = sequences, mnist
    info = d.info
    assert (info["source"], info["steps"], info["features"], info["pixel_max"]) == \
        ("mnist", 28, 28, 255.0)
    assert info["counts"] == {"train": 54000, "validation": 6000, "test": 10000}
    for name, (xs, ys) in zip(("train", "validation", "test"), (d.train, d.validation, d.test),
                              strict=True):
        assert xs.dtype == np.float32 and ys.dtype == np.int64
        assert xs.shape == (len(ys), 28, 28) == info["shapes"][name]
    # The test set is untouched: same images, same order, pixel / 255.0 as the article does it.
    np.testing.assert_array_equal(d.test[0], (xt / 255.0).astype("float32"))
    np.testing.assert_array_equal(d.test[1], yt)
    assert d.summary() == "mnist: 28 steps x 28 features, train 54000, validation 6000, test 10000"


def test_validation_is_a_seeded_disjoint_part_of_the_training_images(sequences, mnist):
    d, ((x, y), _) = sequences, mnist
    order = np.random.default_rng(0).permutation(60000)
    back = np.concatenate([d.validation[0], d.train[0]]) * 255
    np.testing.assert_array_equal(np.rint(back).astype(np.uint8), x[order])
    np.testing.assert_array_equal(np.concatenate([d.validation[1], d.train[1]]), y[order])
    other = load_digit_sequences(seed=1, validation_size=100)
    assert other.info["counts"]["validation"] == 100
    assert not np.array_equal(other.validation[1], d.validation[1][:100])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"validation_size": 0}, ValueError,
     r"validation_size must be an integer in \[1, 59999\], got 0"),
    ({"validation_size": 60000}, ValueError, r"validation_size must be an integer in \[1, 59999\]"),
    ({"seed": -1}, ValueError, "seed must be a non-negative integer"),
    ({"validation_size": 0.1}, TypeError, r"validation_size must be an integer, got 0.1 \(float\)"),
])
def test_bad_arguments_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_digit_sequences(**kwargs)

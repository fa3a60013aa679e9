"""bookkit.environment: the lock's pins and the Python they need."""

from __future__ import annotations

from importlib.metadata import metadata, version

import pytest

from bookkit.environment import pinned_versions, python_declared, python_minimum

LOCK = """\
# comment
--index-url https://example.org
numpy==2.4.6
    # via tensorflow
keras == 3.15.1  # an inline comment
Pillow==12.0.0 ; python_version >= "3.11"
-e .
"""


def test_pinned_versions_reads_every_exact_pin_in_order():
    assert pinned_versions(LOCK) == {"numpy": "2.4.6", "keras": "3.15.1", "Pillow": "12.0.0"}


def test_pinned_versions_reads_the_books_lock():
    pins = pinned_versions()
    assert pins["numpy"] == version("numpy") and len(pins) > 50


def _bound(name):
    """The ``>=`` bound of a package's Requires-Python, as integers."""
    spec = metadata(name)["Requires-Python"]
    (bound,) = [s.strip()[2:] for s in spec.split(",") if s.strip().startswith(">=")]
    return tuple(int(x) for x in bound.split("."))


def test_python_minimum_is_the_highest_lower_bound_with_all_its_digits():
    names = ["numpy", "soupsieve"]
    pins = {n: version(n) for n in names}
    got = python_minimum(pins=pins)
    want = max(_bound(n) for n in names)
    assert tuple(int(x) for x in got.version.split(".")) == want
    assert got.packages == tuple(n for n in sorted(names) if _bound(n) == want)
    assert got.checked == 2 and got.skipped == ()


def test_python_minimum_skips_a_package_not_installed_at_its_pin():
    pins = {"numpy": version("numpy"), "soupsieve": "0.0.1", "not-a-package": "1.0"}
    got = python_minimum(pins=pins)
    assert got.skipped == ("soupsieve", "not-a-package")
    assert got.packages == ("numpy",) and got.checked == 1


def test_python_minimum_of_some_packages():
    pins = {"numpy": version("numpy"), "soupsieve": version("soupsieve")}
    assert python_minimum(["numpy"], pins=pins).packages == ("numpy",)


def test_python_minimum_rejects_bad_names():
    pins = {"numpy": version("numpy")}
    with pytest.raises(TypeError, match="list of package names"):
        python_minimum("numpy", pins=pins)
    with pytest.raises(ValueError, match="not pinned"):
        python_minimum(["scipy"], pins=pins)
    with pytest.raises(ValueError, match="none of 1 packages"):
        python_minimum(pins={"numpy": "0.0.1"})


def test_pinned_versions_rejects_a_non_string():
    with pytest.raises(TypeError, match="text of a requirements file"):
        pinned_versions(["numpy==1"])


def test_python_declared_reads_a_single_lower_bound():
    assert python_declared("numpy") == metadata("numpy")["Requires-Python"].strip()[2:]
    with pytest.raises(ValueError, match="single '>=X.Y.Z'"):
        python_declared("nbval")   # ">=3.7, <4"

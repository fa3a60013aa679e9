"""The environment is locked: requirements.txt pins every package of the book's .venv.

requirements.in names what the book needs; `make lock` compiles it with pip-tools into
requirements.txt, the complete lock that `make install` installs.  An unpinned package (a
dependency of a dependency) could change a printed output on the next fresh install, so every
distribution installed in the running environment must be pinned, at the installed version.
"""

from __future__ import annotations

import re
from importlib import metadata

from tests.book.support.bookfiles import ROOT

# pip, setuptools and wheel manage the environment (pip freeze leaves them out too); minidl is this
# repository, installed editable.
NOT_LOCKED = {"pip", "setuptools", "wheel", "minidl"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line.strip()):
            found[normalise(match[1])] = match[2]
    return found


def test_every_installed_distribution_is_pinned_at_its_version():
    locked = pins(ROOT / "requirements.txt")
    installed = {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}
    unpinned = sorted(set(installed) - set(locked) - NOT_LOCKED)
    assert not unpinned, (
        f"installed but not pinned in requirements.txt: {unpinned}; add what the book needs to "
        "requirements.in and run `make lock`"
    )
    differ = {n: (installed[n], v) for n, v in locked.items()
              if n in installed and installed[n] != v}
    assert not differ, f"installed != locked (installed, locked): {differ}; run `make install`"
    missing = sorted(set(locked) - set(installed))
    assert not missing, f"pinned in requirements.txt but not installed: {missing}; `make install`"


def test_the_lock_keeps_every_direct_pin_of_requirements_in():
    direct, locked = pins(ROOT / "requirements.in"), pins(ROOT / "requirements.txt")
    assert direct, "requirements.in pins nothing"
    differ = {n: (v, locked.get(n)) for n, v in direct.items() if locked.get(n) != v}
    assert not differ, f"requirements.in != requirements.txt (in, lock): {differ}; run `make lock`"

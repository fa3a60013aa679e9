"""The book's environment: the locked package versions and the Python they need.

``requirements.txt`` (the complete lock, read through :mod:`.resources`) pins every package of the
book's environment.  Python itself is not in it: each package declares the Pythons it supports in
its metadata (``Requires-Python``), and the book needs the highest of those lower bounds.  That
is the one definition of the book's minimum Python; ``pyproject.toml`` declares it
(``requires-python``) and chapter 7 checks that the two agree exactly.  Chapters 7 (工具) and 11
(勘误表) use this module; chapter 5 can ask for the packages it imports.
"""

from __future__ import annotations

import re
from importlib import metadata
from typing import NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from .resources import read_text

__all__ = ["PythonMinimum", "pinned_versions", "python_declared", "python_minimum"]

#: The distribution that carries minidl and bookkit (pyproject.toml's ``name``).
DISTRIBUTION = "minidl"

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*==\s*([^\s#;]+)")


def pinned_versions(lock: str | None = None) -> dict[str, str]:
    """Every ``name==version`` line of the lock: package name -> pinned version, in file order.

    ``lock`` is the text of a requirements file; default: the book's ``requirements.txt``.
    Comments, options and lines without ``==`` are skipped.
    """
    if lock is None:
        lock = read_text("requirements.txt")
    if not isinstance(lock, str):
        raise TypeError(f"lock must be the text of a requirements file, got {type(lock).__name__}")
    return {m.group(1): m.group(2) for m in map(_PIN.match, lock.splitlines()) if m}


class PythonMinimum(NamedTuple):
    """What :func:`python_minimum` found."""

    #: the highest lower bound, as declared (``"3.11.5"``)
    version: str
    #: the packages that declare exactly that bound, sorted
    packages: tuple[str, ...]
    #: how many packages' metadata was read
    checked: int
    #: pinned packages not installed at their pinned version (their metadata is not the lock's)
    skipped: tuple[str, ...]


def _lower_bound(requires_python: str) -> Version | None:
    try:
        specs = SpecifierSet(requires_python or "")
    except InvalidSpecifier as err:
        raise ValueError(f"unreadable Requires-Python {requires_python!r}: {err}") from None
    return max((Version(s.version) for s in specs if s.operator in (">=", "~=")), default=None)


def python_minimum(names=None, pins: dict[str, str] | None = None) -> PythonMinimum:
    """The lowest Python the locked packages allow: the highest ``Requires-Python`` lower bound.

    ``names``: the packages to consider (default: every package of ``pins``); ``pins``: name ->
    pinned version (default: :func:`pinned_versions` of the book's lock).  A package installed at
    another version than its pin (or not installed) is skipped and listed in ``skipped``: its
    metadata says nothing about the pinned version.  Raises ``ValueError`` if no package is left.
    """
    pins = pinned_versions() if pins is None else pins
    if names is None:
        names = list(pins)
    elif isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise TypeError("names must be a list of package names")
    unknown = [n for n in names if n not in pins]
    if unknown:
        raise ValueError(f"not pinned in the lock: {', '.join(unknown)}")
    bounds, skipped = {}, []
    for name in names:
        try:
            installed = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            skipped.append(name)
            continue
        if installed["Version"] != pins[name]:
            skipped.append(name)
            continue
        bound = _lower_bound(installed.get("Requires-Python") or "")
        if bound is not None:
            bounds[name] = bound
    if not bounds:
        raise ValueError(f"none of {len(names)} packages is installed at its pinned version "
                         "with a Requires-Python lower bound")
    highest = max(bounds.values())
    return PythonMinimum(str(highest), tuple(sorted(n for n, b in bounds.items() if b == highest)),
                         len(names) - len(skipped), tuple(skipped))


def python_declared(distribution: str = DISTRIBUTION) -> str:
    """The lowest Python the book's package declares: ``X.Y.Z`` of its ``Requires-Python: >=X.Y.Z``.

    Raises ``ValueError`` if the declaration is not a single ``>=`` bound.
    """
    declared = metadata.metadata(distribution).get("Requires-Python") or ""
    m = re.fullmatch(r"\s*>=\s*(\d+(?:\.\d+)*)\s*", declared)
    if not m:
        raise ValueError(f"{distribution} declares Requires-Python {declared!r}; "
                         "expected a single '>=X.Y.Z'")
    return m.group(1)

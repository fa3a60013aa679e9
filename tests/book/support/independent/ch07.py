"""Chapter 7 (tools): the Python requirement, read from pyproject.toml and from the pinned
packages' Requires-Python with a regular expression (the chapter uses ``packaging``)."""

from __future__ import annotations

import re
from importlib.metadata import metadata

from ..bookfiles import ROOT
from .ch11 import python_requirement

NOTEBOOK = "07-tools"


def highest_lower_bound() -> str:
    """The highest ``>=X.Y[.Z]`` of the pinned packages' Requires-Python, compared as integers
    (all its digits: soupsieve's 3.11.5 is above 3.11)."""
    bounds = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==", line)
        if m:
            req = metadata(m.group(1)).get("Requires-Python") or ""
            bounds += [v for v in re.findall(r">=\s*(\d+(?:\.\d+)*)", req)]
    return max(bounds, key=lambda v: tuple(int(x) for x in v.split(".")))


def expected() -> dict[str, object]:
    py = python_requirement()
    assert highest_lower_bound() == py, (
        f"pyproject.toml declares Python >={py}; the pinned packages need "
        f">={highest_lower_bound()}")
    return {"ch7_python_min": py}

"""Chapter 7 (tools): the Python requirement, read from pyproject.toml and from the pinned
packages' Requires-Python with a regular expression (the chapter uses ``packaging``)."""

from __future__ import annotations

import re
from importlib.metadata import metadata

from ..bookfiles import ROOT
from .ch11 import python_requirement

NOTEBOOK = "07-tools"


def highest_lower_bound() -> str:
    bounds = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==", line)
        if m:
            req = metadata(m.group(1)).get("Requires-Python") or ""
            bounds += [tuple(int(x) for x in v.split(".")[:2])
                       for v in re.findall(r">=\s*(\d+\.\d+)", req)]
    return "{}.{}".format(*max(bounds))


def expected() -> dict[str, object]:
    py = python_requirement()
    assert highest_lower_bound() == py, (highest_lower_bound(), py)
    return {"ch7_python_min": py}

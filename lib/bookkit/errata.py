"""The errata records of the article (``data/errata.toml``) and how their texts are filled in.

The book's 勘误表 (chapter 11, 附录 A) is data: one record per point the book corrects or checks,
grouped by the article's section, in ``data/errata.toml`` (shipped as book data and read through
:mod:`.resources`; its header describes the fields).  Chapter 11 computes the values the records
name and renders the tables; the tests read the same records.

A record's texts may hold placeholders, ``{{name}}`` or ``{{name:spec}}``: :func:`fill` replaces
each with ``fields[name]`` formatted by the format spec; a vector or matrix value is formatted
entry by entry (:func:`bookkit.report.format_vector`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import NamedTuple

from .report import format_vector
from .resources import read_text

__all__ = ["PLACEHOLDER", "VERDICTS", "Group", "Item", "chapter_link", "fill", "load",
           "placeholders"]

#: The verdicts, as the page writes them: wrong; runs but not to be copied; checked and holds.
VERDICTS = ("错误", "不妥", "无误")

#: ``{{name}}`` or ``{{name:spec}}``.
PLACEHOLDER = re.compile(r"\{\{(\w+)(?::([^{}]*))?\}\}")


class Item(NamedTuple):
    """One point of the errata (see the header of ``data/errata.toml``)."""

    id: str
    verdict: str
    where: str
    quote: str
    fix: str
    chapter: str | None
    beyond_audit: bool


class Group(NamedTuple):
    """The points of one section of the article."""

    key: str
    title: str
    items: tuple[Item, ...]


_FIELDS = {"id": str, "verdict": str, "where": str, "quote": str, "fix": str, "chapter": str,
           "beyond_audit": bool}
_REQUIRED = set(_FIELDS) - {"chapter"}


def load(text: str | None = None) -> list[Group]:
    """The errata groups in the order of the file; ``text``: TOML (default: the book's file).

    Raises ``ValueError`` on an unknown or missing field, a verdict not in :data:`VERDICTS`, a
    location holding "：" (the page joins location and quotation with it), a chapter that is not
    ``NN-slug``, or an id used twice.
    """
    data = tomllib.loads(read_text("errata.toml") if text is None else text)
    groups, seen = [], set()
    for group in data.get("group", []):
        items = []
        for raw in group.get("item", []):
            where = f"errata item {raw.get('id', '?')}"
            unknown, missing = set(raw) - set(_FIELDS), _REQUIRED - set(raw)
            if unknown or missing:
                raise ValueError(f"{where}: unknown fields {sorted(unknown)}, "
                                 f"missing {sorted(missing)}")
            for name, value in raw.items():
                if not isinstance(value, _FIELDS[name]):
                    raise ValueError(f"{where}: {name} must be a {_FIELDS[name].__name__}")
            if raw["verdict"] not in VERDICTS:
                raise ValueError(f"{where}: verdict {raw['verdict']!r} is not one of {VERDICTS}")
            if "：" in raw["where"]:
                raise ValueError(f"{where}: the location must not contain '：'")
            if "chapter" in raw and not re.fullmatch(r"\d\d-[a-z0-9-]+", raw["chapter"]):
                raise ValueError(f"{where}: chapter {raw['chapter']!r} is not NN-slug")
            if raw["id"] in seen:
                raise ValueError(f"{where}: the id is used twice")
            seen.add(raw["id"])
            items.append(Item(raw["id"], raw["verdict"], raw["where"], raw["quote"], raw["fix"],
                              raw.get("chapter"), raw["beyond_audit"]))
        groups.append(Group(group["key"], group["title"], tuple(items)))
    return groups


def placeholders(template: str) -> list[tuple[str, str]]:
    """The ``(name, spec)`` of every placeholder in ``template``, in order (spec "" if none)."""
    return [(m.group(1), m.group(2) or "") for m in PLACEHOLDER.finditer(template)]


def fill(template: str, fields: Mapping[str, object]) -> str:
    """``template`` with every placeholder replaced by its field, formatted by its spec.

    A str, int or float field goes through ``format(value, spec)``; a sequence or array through
    :func:`bookkit.report.format_vector` with the spec for each entry (``"[0.5000, 1.1000]"``).
    Raises ``KeyError`` naming a placeholder that ``fields`` lacks.
    """
    def one(m):
        name, spec = m.group(1), m.group(2) or ""
        if name not in fields:
            raise KeyError(f"the errata text names {{{{{name}}}}}, which is not computed")
        value = fields[name]
        if isinstance(value, (str, int, float)) or getattr(value, "ndim", None) == 0:
            return format(value, spec)
        return format_vector(value, fmt=lambda v: format(v, spec))

    return PLACEHOLDER.sub(one, template)


def chapter_link(slug: str) -> str:
    """The MyST link to a chapter, ``{doc}`第 5 章 <05-lstm-mnist>```, from its ``NN-slug``."""
    return f"{{doc}}`第 {int(slug[:2])} 章 <{slug}>`"

"""bookkit.errata: the errata records as data, and how their placeholders are filled."""

from __future__ import annotations

import numpy as np
import pytest

from bookkit.errata import VERDICTS, chapter_link, fill, load, placeholders

ONE = """
[[group]]
key = 's4'
title = '第 4 节'

[[group.item]]
id = '4.2'
verdict = '错误'
where = '前向传播，第 1 步'
quote = '$Z_h = \\theta \\cdot X$'
fix = '$\\theta X = [{{x:.0f}}]$，见 {{v:.2f}}。'
chapter = '04-math'
beyond_audit = false
"""


def test_load_reads_groups_and_items_in_order():
    (group,) = load(ONE)
    assert (group.key, group.title) == ("s4", "第 4 节")
    (item,) = group.items
    assert item.id == "4.2" and item.verdict == "错误" and item.chapter == "04-math"
    assert item.quote == "$Z_h = \\theta \\cdot X$"          # literal TOML: TeX as written
    assert placeholders(item.fix) == [("x", ".0f"), ("v", ".2f")]


def test_the_books_records_load_with_unique_ids_and_known_verdicts():
    groups = load()
    items = [item for g in groups for item in g.items]
    assert len(groups) >= 5 and len(items) >= 50
    assert {item.verdict for item in items} == set(VERDICTS)


@pytest.mark.parametrize(("change", "message"), [
    (("verdict = '错误'", "verdict = 'wrong'"), "verdict 'wrong'"),
    (("where = '前向传播，第 1 步'", "where = '前向传播：第 1 步'"), "must not contain"),
    (("chapter = '04-math'", "chapter = 'math'"), "not NN-slug"),
    (("beyond_audit = false", "beyond_audit = 'no'"), "beyond_audit must be a bool"),
    (("beyond_audit = false", "beyond_audit = false\nsource = 'x'"), "unknown fields"),
    (("id = '4.2'\n", ""), "missing \\['id'\\]"),
])
def test_load_rejects_a_bad_record(change, message):
    with pytest.raises(ValueError, match=message):
        load(ONE.replace(*change))


def test_load_rejects_an_id_used_twice():
    second = ONE[ONE.index("[[group.item]]"):]
    with pytest.raises(ValueError, match="used twice"):
        load(ONE + second)


def test_fill_formats_scalars_vectors_and_texts():
    fields = {"x": 5.0, "v": np.array([0.5, 1.25]), "n": np.int64(10000), "s": "3.11.5"}
    assert fill("{{x:.0f}} {{v:.2f}} {{n:,}} {{s}} \\frac{1}{2}", fields) == (
        "5 [0.50, 1.25] 10,000 3.11.5 \\frac{1}{2}")


def test_fill_names_a_missing_field():
    with pytest.raises(KeyError, match="{{y}}"):
        fill("{{y}}", {})


def test_chapter_link_numbers_the_chapter():
    assert chapter_link("05-lstm-mnist") == "{doc}`第 5 章 <05-lstm-mnist>`"
    assert chapter_link("10-references") == "{doc}`第 10 章 <10-references>`"

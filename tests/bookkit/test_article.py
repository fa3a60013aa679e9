"""bookkit.article: the article's three versions, found by the line that opens each."""

from __future__ import annotations

import re

import pytest

from bookkit.article import VERSION_MARKERS, text, version_starts, versions

SECTIONS = ("背景介绍", "核心概念与联系", "核心算法原理", "数学模型和公式", "项目实践",
            "实际应用场景", "工具和资源推荐", "总结", "常见问题与解答")


def test_versions_join_back_into_the_article():
    assert "".join(versions()) == text()
    assert len(versions()) == len(VERSION_MARKERS) == 3


def test_each_version_holds_every_section_heading_once():
    for n, version in enumerate(versions(), start=1):
        for section in SECTIONS:
            headings = re.findall(rf"^#+ [^\n]*{section}", version, re.M)
            assert len(headings) == 1, f"第{n}版: {len(headings)} headings of {section}"


def test_each_version_begins_at_its_marker():
    lines = text().splitlines()
    starts = version_starts()
    assert starts[0] == 1
    for start, marker in zip(starts[1:], VERSION_MARKERS[1:], strict=True):
        assert lines[start - 1].startswith(marker)
        assert not lines[start - 2].strip(), "a version begins after a blank line"


def test_version_starts_rejects_a_missing_or_repeated_marker():
    with pytest.raises(ValueError, match="0 lines"):
        version_starts("one version only\n")
    twice = f"{VERSION_MARKERS[1]}\n{VERSION_MARKERS[1]}\n{VERSION_MARKERS[2]}\n"
    with pytest.raises(ValueError, match="2 lines"):
        version_starts(twice)
    with pytest.raises(ValueError, match="out of order"):
        version_starts(f"x\n{VERSION_MARKERS[2]}\n{VERSION_MARKERS[1]}\n")

"""bookkit.sphinxext: the book's Sphinx glue (search segmentation, ranking data, CJK lines).

The built site is checked in a browser by tests/book/test_site.py; these tests pin down the pieces.
"""

from __future__ import annotations

import pytest
from docutils import frontend, nodes
from docutils.parsers import rst
from docutils.utils import new_document

from bookkit.sphinxext import term_counts_by_term
from bookkit.sphinxext.cjk import JoinCjkLineBreaks, join_cjk_lines
from bookkit.sphinxext.search import (
    BookChineseSearch,
    count_terms,
    domain_terms,
    load_jieba_dictionary,
)


@pytest.fixture(scope="module")
def zh():
    return BookChineseSearch({})


def test_the_dictionary_holds_the_terms_readers_search_for():
    terms = domain_terms()
    assert len(terms) == len(set(terms)), "zh_terms.txt lists a term twice"
    for term in ("反向传播", "交叉熵", "长短期记忆", "梯度", "损失函数", "量化"):
        assert term in terms


@pytest.mark.parametrize(("text", "words"), [
    ("反向传播", {"反向传播", "反向", "传播"}),
    ("反向传播算法", {"反向传播", "算法"}),
    ("交叉熵损失函数", {"交叉熵", "损失函数", "损失", "函数"}),
    ("长短期记忆网络", {"长短期记忆", "网络"}),
    ("模型量化", {"量化"}),
    ("大语言模型", {"大语言模型", "语言模型"}),  # a dictionary word inside a longer token
    ("LSTM 的梯度", {"LSTM", "梯度"}),
])
def test_index_segmentation_keeps_domain_terms_whole(zh, text, words):
    split = set(zh.split(text))
    assert words <= split, f"{text!r} split into {sorted(split)}"


def test_count_terms_counts_case_insensitively_and_leaves_out_absent_terms():
    counts = count_terms("梯度的梯度，LSTM 与 lstm", ["梯度", "量化", "LSTM"])
    assert counts == {"梯度": 2, "lstm": 2}
    assert count_terms("") == {}


def test_term_counts_are_inverted_per_term():
    per_doc = {"b": {"梯度": 1}, "a": {"梯度": 3, "量化": 2}}
    assert term_counts_by_term(per_doc) == {"梯度": {"a": 3, "b": 1}, "量化": {"a": 2}}


def test_an_extra_dictionary_that_is_not_a_file_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no-such.txt"):
        load_jieba_dictionary(tmp_path / "no-such.txt")


@pytest.mark.parametrize(("text", "joined"), [
    ("反向传播、\n均方误差", "反向传播、均方误差"),
    ("前文  \n  后文", "前文后文"),
    ("用\nKeras 训练", "用\nKeras 训练"),  # next to Latin text the break stays a space
    ("English\nprose", "English\nprose"),
    ("“引文”\n——破折号", "“引文”——破折号"),
])
def test_line_breaks_between_chinese_characters_are_removed(text, joined):
    assert join_cjk_lines(text) == joined


def test_line_breaks_are_joined_across_inline_markup_but_not_in_code():
    doc = new_document("test", frontend.get_default_settings(rst.Parser))
    para = nodes.paragraph("", "", nodes.Text("本书是\n"), nodes.strong("", "可执行"),
                           nodes.Text("\n的重写，\n"), nodes.literal("", "代码\n代码"),
                           nodes.Text("\nKeras 与\n中文"))
    doc += para
    JoinCjkLineBreaks(doc).apply()
    assert para.astext() == "本书是可执行的重写，\n代码\n代码\nKeras 与中文"


def test_appendix_figures_are_numbered_with_their_letter(monkeypatch):
    """The second appendix's figure was "图 1" on the site (and "图 2.1" in the PDF)."""
    from types import SimpleNamespace

    from bookkit.sphinxext import numbering

    env = SimpleNamespace(toc_fignumbers={
        "chapters/02-concepts": {"figure": {"fig-a": (2, 1)}},
        "chapters/12-performance": {"figure": {"fig-b": (1,), "fig-c": (2,)},
                                    "table": {"tab-d": (1,)}},
    })
    app = SimpleNamespace(config=SimpleNamespace(bookkit_latex_appendix_caption="附录"))
    monkeypatch.setattr(numbering, "appendix_letters",
                        lambda env, caption: {"chapters/11-errata": "A",
                                              "chapters/12-performance": "B"})
    assert numbering.letter_appendix_numbers(app, env) == []
    assert env.toc_fignumbers["chapters/12-performance"] == {
        "figure": {"fig-b": ("B", 1), "fig-c": ("B", 2)}, "table": {"tab-d": ("B", 1)}}
    assert env.toc_fignumbers["chapters/02-concepts"] == {"figure": {"fig-a": (2, 1)}}

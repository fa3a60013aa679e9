"""bookkit.sphinxext: search segmentation and ranking data, CJK lines, appendix numbering, the
deprecated config names, page assets.

The built site is checked in a browser by tests/book/test_site.py; these tests pin down the pieces.
The download menu: test_sphinxext_downloads.py; the PDF: test_sphinxext_latex.py.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from docutils import frontend, nodes
from docutils.parsers import rst
from docutils.utils import new_document

from bookkit.sphinxext import config as bookkit_config
from bookkit.sphinxext.assets import drop_duplicate_scripts
from bookkit.sphinxext.cjk import JoinCjkLineBreaks, join_cjk_lines
from bookkit.sphinxext.outputs import CollapseLongOutputs
from bookkit.sphinxext.search import (
    SEARCH_JS,
    BookChineseSearch,
    book_tokenizer,
    count_terms,
    domain_terms,
    term_counts_by_term,
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
        book_tokenizer(str(tmp_path / "no-such.txt"))


def test_the_search_leaves_jiebas_global_tokenizer_alone(zh):
    """BookChineseSearch.init loaded the book's dictionary into jieba's global tokenizer on every
    build; it now has a tokenizer of its own."""
    import jieba

    jieba.dt.check_initialized()
    BookChineseSearch({})
    assert zh._tokenizer.FREQ.get("长短期记忆"), "the book's tokenizer lacks the book's terms"
    assert not jieba.dt.FREQ.get("长短期记忆"), "the book's terms leaked into jieba's tokenizer"


def test_importing_the_search_module_reads_no_file():
    """search.js was read when the module was imported (a class attribute); now on first use."""
    code = ("import pathlib\n"
            "def refuse(self, *a, **k): raise AssertionError(f'read {self} on import')\n"
            "pathlib.Path.read_text = refuse\n"
            "pathlib.Path.read_bytes = refuse\n"
            "import bookkit.sphinxext.search\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_query_splitter_is_search_js(zh):
    assert zh.js_splitter_code == SEARCH_JS.read_text(encoding="utf-8")
    assert "BOOKKIT_TERM_COUNTS" in zh.js_splitter_code


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


# --- config names ---------------------------------------------------------------------------


class _Warnings:
    def __init__(self):
        self.messages = []

    def warning(self, msg, *args, **kwargs):
        self.messages.append((msg % args, kwargs.get("subtype")))


@pytest.fixture
def warnings(monkeypatch) -> _Warnings:
    """The warnings bookkit.sphinxext.config logs, recorded."""
    recorded = _Warnings()
    monkeypatch.setattr(bookkit_config, "logger", recorded)
    return recorded


def test_an_old_config_name_still_works_with_a_deprecation_warning(warnings):
    config = SimpleNamespace(bookkit_collapse_output_lines=30, minidl_collapse_output_lines=12)
    bookkit_config.move_deprecated_value(config, "bookkit_collapse_output_lines",
                                         "minidl_collapse_output_lines", 30)
    assert config.bookkit_collapse_output_lines == 12
    [(message, subtype)] = warnings.messages
    assert "minidl_collapse_output_lines" in message and "bookkit_collapse_output_lines" in message
    assert subtype == "deprecated_config"


def test_the_new_config_name_wins_over_the_old_one(warnings):
    config = SimpleNamespace(bookkit_collapse_output_lines=50, minidl_collapse_output_lines=12)
    bookkit_config.move_deprecated_value(config, "bookkit_collapse_output_lines",
                                         "minidl_collapse_output_lines", 30)
    assert config.bookkit_collapse_output_lines == 50
    assert "ignored" in warnings.messages[0][0]
    unset = SimpleNamespace(bookkit_collapse_output_lines=30, minidl_collapse_output_lines=None)
    bookkit_config.move_deprecated_value(unset, "bookkit_collapse_output_lines",
                                         "minidl_collapse_output_lines", 30)
    assert unset.bookkit_collapse_output_lines == 30 and len(warnings.messages) == 1


def test_a_build_with_an_old_config_name_warns(tmp_path):
    """The strict (-W) build fails on the old name, saying the new one; without -W it builds."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['bookkit.sphinxext']\n"
        "minidl_search_reference_pages = ['index']\n", encoding="utf-8")
    (src / "index.rst").write_text("Page\n====\n\nText.\n", encoding="utf-8")
    build = [sys.executable, "-m", "sphinx", "-b", "dummy", "-q", str(src), str(tmp_path / "out"),
             "-E"]
    proc = subprocess.run([*build, "-W"], capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "rename it to bookkit_search_reference_pages" in proc.stderr, proc.stderr[-2000:]
    proc = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "minidl_search_reference_pages is deprecated" in proc.stderr


def test_config_names_say_bookkit():
    assert set(bookkit_config.DEPRECATED_NAMES.values()) <= {
        "bookkit_collapse_output_lines", "bookkit_search_reference_pages"}
    with pytest.raises(ValueError, match="bookkit_"):
        bookkit_config.add_config_value(SimpleNamespace(), "minidl_x", 1, "env")


# --- page assets ----------------------------------------------------------------------------


def test_an_inline_script_listed_twice_is_kept_once():
    script = SimpleNamespace(filename=None, priority=500, attributes={"body": "const A = 1;"})
    again = SimpleNamespace(filename="", priority=500, attributes={"body": "const A = 1;"})
    other = SimpleNamespace(filename=None, priority=500, attributes={"body": "const B = 2;"})
    scripts = [script, "_static/a.js", again, other, "_static/a.js"]
    drop_duplicate_scripts(scripts)
    assert scripts == [script, "_static/a.js", other]


# --- long outputs ---------------------------------------------------------------------------


def _cell(output_lines: int, **attributes) -> nodes.container:
    cell = nodes.container(nb_element="cell_code", **attributes)
    cell += nodes.container("", nodes.literal_block("x", "x"), nb_element="cell_code_source")
    text = "\n".join(f"第 {i} 行" for i in range(output_lines))
    cell += nodes.container("", nodes.literal_block(text, text), nb_element="cell_code_output")
    return cell


def test_long_outputs_are_collapsed_with_a_chinese_toggle():
    doc = new_document("test", frontend.get_default_settings(rst.Parser))
    doc.settings.env = SimpleNamespace(config=SimpleNamespace(bookkit_collapse_output_lines=3))
    long, short, tagged = _cell(4), _cell(3), _cell(1, hide_mode="input")
    doc += [long, short, tagged]
    CollapseLongOutputs(doc).run()
    assert long["hide_mode"] == "output" and long["prompt_show"] == "显示输出（共 4 行）"
    assert long["classes"] == ["bookkit-long-output"]
    assert not short.get("hide_mode") and not short["classes"]
    assert (tagged["prompt_show"], tagged["prompt_hide"]) == ("显示代码", "隐藏代码")

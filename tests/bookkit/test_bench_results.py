"""bookkit.bench.results: result rows, the results file and its two tables."""

from __future__ import annotations

import json

import pytest

from bookkit.bench.results import (
    MET_WORDS,
    Row,
    format_figure,
    load_results,
    piece_record,
    results_table,
    rows_of,
    save_results,
    text_table,
)

ROWS = [{"piece": "lstm", "name": "forward ratio", "value": 0.8712, "unit": "x",
         "goal": "<= 1.0", "met": True},
        {"piece": "gpu", "name": "cuDNN | fused", "value": None, "unit": "", "goal": "",
         "met": None}]


def test_results_table_is_one_markdown_table():
    lines = results_table(ROWS).splitlines()
    assert lines[0] == "| piece | figure | value | unit | goal | met |"
    assert lines[1] == "| :--- | :--- | ---: | :--- | :--- | :--- |"
    assert lines[2] == "| lstm | forward ratio | 0.871 | x | <= 1.0 | yes |"
    assert lines[3] == "| gpu | cuDNN \\| fused | - |  |  |  |"


def test_text_table_aligns_the_same_cells_and_the_same_words():
    rows = [Row(**ROWS[0]), Row("models", "speed-up", 1.2345, "x", ">= 1.8", False)]
    lines = text_table(rows).splitlines()
    assert lines[0].split() == ["piece", "figure", "value", "unit", "goal", "met"]
    assert lines[2].split() == ["lstm", "forward", "ratio", "0.871", "x", "<=", "1.0", "yes"]
    assert lines[3].endswith(f">= 1.8  {MET_WORDS[False]}")
    assert lines[2].index("0.871") + len("0.871") == lines[3].index("1.23") + len("1.23")


@pytest.mark.parametrize("value, text", [(None, "-"), (3, "3"), (0.0, "0"), (123.4, "123"),
                                         (12.34, "12.3"), (1.234, "1.23"), (0.01234, "0.012"),
                                         (0.001234, "1.23e-03")])
def test_format_figure_keeps_about_three_digits(value, text):
    assert format_figure(value) == text


def test_save_merges_pieces_and_load_reads_them_back(tmp_path):
    path = tmp_path / "results" / "latest.json"
    assert load_results(path) == {"pieces": {}}
    first = piece_record([Row("lstm", "forward", 1.5, "ms")], started=0.0, load_before=[1, 2, 3])
    save_results({"lstm": first}, {"cpu": "A"}, path)
    second = piece_record([Row("gpu", "skipped", "skipped")], started=0.0, load_before=None)
    data = save_results({"gpu": second}, {"cpu": "B"}, path)
    assert set(data["pieces"]) == {"lstm", "gpu"} and data["machine"] == {"cpu": "B"}
    assert load_results(path) == json.loads(path.read_text(encoding="utf-8")) == data
    rows = rows_of(data, ["gpu", "lstm"])
    assert [(r.piece, r.name, r.value) for r in rows] == [("gpu", "skipped", "skipped"),
                                                          ("lstm", "forward", 1.5)]


def test_load_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "latest.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="is not a results file"):
        load_results(path)


def test_load_without_a_path_reads_the_books_copy_through_resources(tmp_path, monkeypatch):
    from bookkit import resources

    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "latest.json").write_text(
        json.dumps({"pieces": {"lstm": {"rows": []}}}), encoding="utf-8")
    monkeypatch.setenv(resources.ENV, str(tmp_path))
    assert load_results() == {"pieces": {"lstm": {"rows": []}}}

"""bookkit.report: Markdown tables and Chinese large-number formatting."""

from __future__ import annotations

import pytest

from bookkit.report import format_count_zh, format_sci_zh, format_vector, markdown_table


@pytest.mark.parametrize(
    "n,expected",
    [
        (0, "0"),
        (129, "129"),
        (9999, "9,999"),
        (343_681, "34.37 万"),
        (124_439_808, "1.244 亿"),
        (174_604_259_328, "1746 亿"),
        (1.75e11, "1750 亿"),
        (2e12, "2 万亿"),
        (0.5, "0.5"),
    ],
)
def test_format_count_zh_uses_the_largest_unit_reached(n, expected):
    assert format_count_zh(n) == expected


def test_format_count_zh_digits():
    assert format_count_zh(343_681, digits=2) == "34 万"


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_format_count_zh_rejects_bad_numbers(bad):
    with pytest.raises(ValueError, match="n must be"):
        format_count_zh(bad)


@pytest.mark.parametrize("bad", ["3", True])
def test_format_count_zh_rejects_what_is_not_a_number_with_type_error(bad):
    with pytest.raises(TypeError, match="n must be a real number"):
        format_count_zh(bad)
    with pytest.raises(TypeError, match="digits must be an integer"):
        format_count_zh(3, digits=bad)


def test_markdown_table_layout_and_escaping():
    text = markdown_table(["模型", "参数"], [["a|b", 1], ["c", 2.5]], align="lr")
    assert text.splitlines() == [
        "| 模型 | 参数 |",
        "| :--- | ---: |",
        "| a\\|b | 1 |",
        "| c | 2.5 |",
    ]


def test_markdown_table_rejects_ragged_rows_and_bad_align():
    with pytest.raises(ValueError, match="row 1 has 1 values but there are 2 headers"):
        markdown_table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="align must be 2 characters"):
        markdown_table(["a", "b"], [[1, 2]], align="x")
    with pytest.raises(ValueError, match="headers is empty"):
        markdown_table([], [])


@pytest.mark.parametrize(("x", "digits", "text"), [
    (3.14e23, 3, "3.14 × 10²³"),
    (-2.21e-4, 3, "-2.21 × 10⁻⁴"),
    (1e-8, 1, "1 × 10⁻⁸"),
    (0.0123, 3, "0.0123"),
    (0.9512, 4, "0.9512"),
    (0, 3, "0"),
])
def test_format_sci_zh_writes_powers_of_ten_for_chinese_prose(x, digits, text):
    assert format_sci_zh(x, digits) == text


@pytest.mark.parametrize("bad, error", [(float("nan"), ValueError), (float("inf"), ValueError),
                                        ("1e3", TypeError), (True, TypeError)])
def test_format_sci_zh_rejects_what_is_not_a_finite_number(bad, error):
    with pytest.raises(error, match="x must be a (finite|real) number"):
        format_sci_zh(bad)


@pytest.mark.parametrize(("a", "digits", "text"), [
    ([0.95257, 1.0], 4, "[0.9526, 1.0000]"),
    ([[1, 2], [3, 4]], 2, "[1.00, 2.00; 3.00, 4.00]"),
    (0.5, 1, "[0.5]"),
])
def test_format_vector_writes_rows_with_fixed_decimals(a, digits, text):
    assert format_vector(a, digits) == text


def test_format_vector_rejects_arrays_of_three_dimensions():
    with pytest.raises(ValueError, match=r"shape \(1, 1, 1\)"):
        format_vector([[[1.0]]])


# ------------------------------------------------ format_vector(fmt=), format_value, TeX, boxes
def test_format_vector_formats_each_entry_with_fmt():
    from functools import partial

    from bookkit.report import format_sci_zh as sci

    assert format_vector([-2.21e-4, 0.0452], fmt=partial(sci, digits=3)) == "[-2.21 × 10⁻⁴, 0.0452]"
    assert format_vector([[1, 2], [3, 4]], fmt="{:g}".format) == "[1, 2; 3, 4]"
    with pytest.raises(TypeError, match="fmt must be a callable"):
        format_vector([1.0], fmt=".2f")


@pytest.mark.parametrize(("a", "text"), [
    (0.1054, "0.1054"), ([[0.5]], "0.5"), ([7.0], "7"), ([3, 10], "[3, 10]"),
    ([[0.25, 0.5], [1, 2]], "[0.25, 0.5; 1, 2]"),
])
def test_format_value_writes_a_scalar_bare_and_an_array_in_brackets(a, text):
    from bookkit.report import format_value

    assert format_value(a, "{:g}".format) == text


def test_format_value_rejects_a_spec_string():
    from bookkit.report import format_value

    with pytest.raises(TypeError, match="fmt must be a callable"):
        format_value(1.0, "{:g}")


@pytest.mark.parametrize(("a", "text"), [
    ([1, 2], "1.0000\n2.0000"), (0.5, "0.5000"),
    ([[1, 2], [3, 4]], "1.0000  2.0000\n3.0000  4.0000"),
])
def test_format_column_writes_one_entry_or_row_a_line(a, text):
    from bookkit.report import format_column

    assert format_column(a) == text


def test_format_column_rejects_three_dimensions():
    from bookkit.report import format_column

    with pytest.raises(ValueError, match=r"shape \(1, 1, 1\)"):
        format_column([[[0.0]]])


@pytest.mark.parametrize(("x", "digits", "text"), [
    (0.0452, 2, "0.0452"), (-0.5, 2, "-0.5000"), (9.0796e-5, 2, "9.08 \\times 10^{-5}"),
    (-1.234e-7, 1, "-1.2 \\times 10^{-7}"), (0.0, 2, "0.0000"),
])
def test_format_tex_writes_small_numbers_as_powers_of_ten(x, digits, text):
    from bookkit.report import format_tex

    assert format_tex(x, digits) == text


def test_format_tex_matrix_is_a_bmatrix():
    from bookkit.report import format_tex_matrix

    assert format_tex_matrix([[1e-5, 0.5], [0.25, 2.0]]) == (
        "\\begin{bmatrix}1.00 \\times 10^{-5} & 0.5000 \\\\ 0.2500 & 2.0000\\end{bmatrix}")
    assert format_tex_matrix([[1, 2]], fmt="{:g}".format) == "\\begin{bmatrix}1 & 2\\end{bmatrix}"
    with pytest.raises(ValueError, match="must be a matrix"):
        format_tex_matrix([1.0, 2.0])


@pytest.mark.parametrize(("value", "text"), [(3.2e6, "10⁶"), (1e3, "10³"), (999.9, "10²"),
                                             (7.0, "10⁰"), (0.004, "10⁻³"), (2.5e-12, "10⁻¹²")])
def test_magnitude_zh_is_ten_to_the_floor_of_log10(value, text):
    from bookkit.report import magnitude_zh

    assert magnitude_zh(value) == text


@pytest.mark.parametrize("bad, error", [(0.0, ValueError), (-5.0, ValueError),
                                        (float("inf"), ValueError), ("1e3", TypeError)])
def test_magnitude_zh_rejects_what_has_no_magnitude(bad, error):
    from bookkit.report import magnitude_zh

    with pytest.raises(error, match="value must be"):
        magnitude_zh(bad)

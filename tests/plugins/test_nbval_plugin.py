"""tests/plugins/nbval_plugin.py: glued numbers compared to 10 significant digits, no looser."""

from __future__ import annotations

from tests.plugins import nbval_plugin

GLUE = "application/papermill.record/text/plain"


def _record(text):
    return [{"output_type": "display_data", "data": {GLUE: text}, "metadata": {}}]


def test_last_digits_of_a_glued_float_are_float_rounding():
    # chapter 4's loss under OpenBLAS's Haswell and SkylakeX kernels
    a = nbval_plugin._glued_numbers_rounded(_record("0.059573966441156874"))
    b = nbval_plugin._glued_numbers_rounded(_record("0.05957396644115685"))
    assert a == b


def test_a_changed_digit_within_ten_significant_digits_still_differs():
    a = nbval_plugin._glued_numbers_rounded(_record("0.059573966441156874"))
    b = nbval_plugin._glued_numbers_rounded(_record("0.05957396654115685"))
    assert a != b


def test_vectors_are_rounded_element_wise_and_strings_are_left_alone():
    a = nbval_plugin._glued_numbers_rounded(_record("[352.33650665423835, 1.0]"))
    b = nbval_plugin._glued_numbers_rounded(_record("[352.3365066542382, 1.0]"))
    assert a == b
    s = nbval_plugin._glued_numbers_rounded(_record("'0.5987, 0.1234'"))
    assert s[0]["data"][GLUE] == "'0.5987, 0.1234'"

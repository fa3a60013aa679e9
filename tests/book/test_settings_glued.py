"""Settings the prose states are glued from the objects that trained, never from a variable beside.

Doubling a learning rate in a chapter's ``fit`` call while the glue keeps reading the variable
typed next to it would leave the prose stating a setting that did not run.  So every glued
training setting -- a name ending in one of ``SETTING_SUFFIXES`` -- must take its value from what
trained: a settings dict read back by ``minidl.settings.keras_settings`` or a minidl history's
``params`` (``settings[...]``, ``.params[...]``), the optimizer, a layer's config, a callback's
attribute, the shape of the weights a computation ran with.  The independent checks
(tests/book/support/independent) then compare each such value with the argument written in the
chapter's code.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.book.support.bookfiles import chapter_sources
from tests.book.support.chapter_code import code_trees

SETTING_SUFFIXES = ("_lr", "_learning_rate", "_epochs", "_batch", "_batch_size", "_units",
                    "_hidden", "_patience", "_seed")
# What a value read from a trained object looks like in the glue call's value expression.
FROM_OBJECT = re.compile(r"settings\[|\.params\[|\.optimizer\b|get_config\(|\.patience\b|"
                         r"\.units\b|\.layer_sizes\b|\.shape\[")


def setting_glues(source) -> list[tuple[str, str]]:
    """(glued name, value expression) of every glue call of a setting in a chapter's code."""
    found = []
    for tree in code_trees(source):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "glue"
                    and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).endswith(SETTING_SUFFIXES)):
                found.append((node.args[0].value, ast.unparse(node.args[1])))
    return found


def test_the_setting_rule_sees_a_setting_typed_beside_the_call():
    """The rule itself: a learning rate glued from a variable fails, one read back passes."""
    assert not FROM_OBJECT.search("sgd_lr")
    assert not FROM_OBJECT.search("2 * adam_lr")
    assert FROM_OBJECT.search("settings['learning_rate']")
    assert FROM_OBJECT.search("curves['SGD'].params['learning_rate']")


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_glued_settings_are_read_from_what_trained(source):
    typed = [(name, expr) for name, expr in setting_glues(source) if not FROM_OBJECT.search(expr)]
    assert not typed, (
        f"{source.name} glues training settings from values typed beside the training call: "
        f"{typed}. Read them back from what trained: minidl.settings.keras_settings(model, "
        "history) for Keras, history.params for minidl.training.fit, the optimizer, the layer "
        "config, the callback.")

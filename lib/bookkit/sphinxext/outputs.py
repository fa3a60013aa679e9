"""Long cell outputs on the site: collapsed behind a "显示输出（共 N 行）" toggle.

A code cell output with more text lines than ``bookkit_collapse_output_lines`` (default 30;
``0`` turns this off) is collapsed with MyST-NB's own ``hide-output`` machinery, the same as
tagging the cell ``hide-output``, and marked with the CSS class ``bookkit-long-output``.  Every
folded cell's toggle (hide-input, hide-output, hide-cell) is labelled in Chinese
(:data:`TOGGLE_PROMPTS`).  The PDF is not affected (``formats = ("html",)``).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from bookkit.sphinxext.config import add_config_value

__all__ = ["LONG_OUTPUT_CLASS", "TOGGLE_PROMPTS", "CollapseLongOutputs", "setup_outputs"]

#: The toggles of cells tagged hide-input / hide-output / hide-cell, in Chinese (MyST-NB's
#: ``nb_code_prompt_show`` is one English template, "Show code cell {type}", for all three).
TOGGLE_PROMPTS = {"input": ("显示代码", "隐藏代码"), "output": ("显示输出", "隐藏输出"),
                  "all": ("显示代码与输出", "隐藏代码与输出")}

#: The class of a cell whose output this module collapsed.
LONG_OUTPUT_CLASS = "bookkit-long-output"


class CollapseLongOutputs(SphinxPostTransform):
    """Mark code cells whose text output is long as ``hide_mode = "output"`` (collapsed).

    Also gives every folded cell's toggle its Chinese label (:data:`TOGGLE_PROMPTS`).

    Runs just before MyST-NB's ``HideInputCells`` (priority 199), which wraps such outputs in a
    ``<details>`` toggle.  Cells that already carry a hide tag are left alone.
    """

    default_priority = 198
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        limit = self.config.bookkit_collapse_output_lines
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") == "cell_code" and cell.get("hide_mode") in TOGGLE_PROMPTS:
                cell["prompt_show"], cell["prompt_hide"] = TOGGLE_PROMPTS[cell["hide_mode"]]
        if not limit:
            return
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code" or cell.get("hide_mode") or not cell.children:
                continue
            output = cell.children[-1]
            if output.get("nb_element") != "cell_code_output":
                continue
            lines = sum(len(block.astext().splitlines())
                        for block in output.findall(nodes.literal_block))
            if lines > limit:
                cell["hide_mode"] = "output"
                cell["prompt_show"] = f"显示输出（共 {lines} 行）"
                cell["prompt_hide"] = "隐藏输出"
                cell["classes"].append(LONG_OUTPUT_CLASS)


def setup_outputs(app: Sphinx) -> None:
    add_config_value(app, "bookkit_collapse_output_lines", 30, "env", [int],
                     old_name="minidl_collapse_output_lines")
    app.add_post_transform(CollapseLongOutputs)

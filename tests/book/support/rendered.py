"""What the site's and the PDF's tests both look for in the rendered book: a table left as
Markdown pipes, and the same figure image shown twice."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

#: A Markdown table's alignment row (docutils' smart quotes turn its "---" into "—"), or a
#: line of cells, left as text.
RAW_TABLE = re.compile(r"\|\s*:?(?:-{3,}|—+|–+):?\s*\||^\s*\|.*\|\s*\|.*\|\s*$", re.M)


@cache
def image_key(path: Path) -> tuple:
    """The image, downscaled to 24 x 24 grey levels quantised to 16: equal for the same figure
    rendered twice (by the drawing cell and by glue), different for different figures."""
    from PIL import Image

    if path.suffix in (".svg", ".pdf"):      # a vector figure: the same drawing, the same file
        return (path.read_bytes(),)
    with Image.open(path) as img:
        small = img.convert("L").resize((24, 24))
        return tuple(v // 16 for v in small.tobytes())

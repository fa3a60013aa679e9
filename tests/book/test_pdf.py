"""The book as a Chinese PDF (``make pdf``): built once per session, then read back.

The PDF is built like ``make pdf`` (Sphinx's LaTeX builder with -W, then ``latexmk -xelatex``) from
the committed outputs into a temporary directory, and checked with the LaTeX log and poppler's
``pdffonts``, ``pdftotext`` and ``pdfimages``: no glyph is missing, every LaTeX warning is one we
understand, nothing runs off the page, the Chinese fonts are embedded, the text holds 目录, every
chapter, 参考文献 and every glued value the prose shows, no English boilerplate is left, and the
site built with the PDF links to it from every page.

Without XeLaTeX (or poppler-utils) the tests are skipped with the command that installs them; in CI
(``CI=true``) they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.book.support.bookfiles import (
    CHAPTERS,
    GLUE_MIME,
    ROOT,
    figure_records,
    glue_records,
    toc_entries,
)
from tests.book.support.rendered import RAW_TABLE, image_key

pytestmark = pytest.mark.slow

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TOOLS = ("xelatex", "latexmk", "pdftotext", "pdffonts", "pdfinfo", "pdfimages")
#: The Debian/Ubuntu packages, listed once in .ci/tex-packages.txt (one a line, # comments).
TEX_PACKAGES = [line.strip() for line in
                (ROOT / ".ci" / "tex-packages.txt").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
INSTALL = "sudo apt-get install --no-install-recommends " + " ".join(TEX_PACKAGES)

#: LaTeX warnings the build may print, each with why it is harmless.  Anything else fails.
EXPLAINED_WARNINGS: dict[str, str] = {
    # latexmk reruns XeLaTeX until references settle; the last run may still say this when a
    # page break moved by a line, which does not change a page number.
    r"LaTeX Warning: Label\(s\) may have changed": "settled by latexmk's reruns",
}
#: An overfull line this much wider than the text block is visible to a reader (the margins are
#: 2.2 cm, about 62 pt, so it is still on the page, but it runs into the margin).
MAX_OVERFULL_PT = 8.0
#: The length a reader would expect of this book (125 pages with the API appendix, November 2026).
PAGES = (60, 400)
#: Words of Sphinx's English templates that must not survive as headings or labels.
ENGLISH_HEADINGS = re.compile(
    r"^\s*(Contents|Table of Contents|Bibliography|References|Index|Python Module Index|"
    r"(CHAPTER|Chapter|APPENDIX|Appendix)\s+[0-9A-Z]+\.?|Release.*|"
    r"continues on next page|Continued on next page|continued from previous page)\s*$",
    re.MULTILINE)
GLUE_ROLE = re.compile(r"\{glue:text\}`([^`]+)`")


@dataclass
class BuiltPdf:
    pdf: Path
    latex_dir: Path
    log: str
    text: str  # pdftotext, reading order
    pages: int
    seconds: float


def _missing_tools() -> list[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        missing += [f"font {f!r}" for f in ("Noto Serif CJK SC", "Noto Sans Mono CJK SC",
                                            "DejaVu Sans Mono") if f not in fonts]
    return missing


def _skip_or_fail(message: str):
    if IN_CI:
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


def _run(cmd: list[str], cwd: Path | None = None,
         timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def built_pdf(tmp_path_factory) -> BuiltPdf:
    """The book's PDF, built like ``make pdf`` into a temporary directory."""
    missing = _missing_tools()
    if missing:
        _skip_or_fail(f"the PDF tests need {', '.join(missing)}: {INSTALL}")
    out = tmp_path_factory.mktemp("pdf")
    jb = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    proc = _run([str(jb), "build", str(ROOT), "--builder", "latex", "--path-output", str(out),
                 "-W", "-n", "--keep-going"])
    if proc.returncode != 0:
        pytest.fail(f"jupyter-book build --builder latex -W failed (exit {proc.returncode}):\n"
                    f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    latex_dir = out / "_build" / "latex"
    proc = _run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "book.tex"],
                cwd=latex_dir)
    log = (latex_dir / "book.log").read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        errors = "\n".join(m.group(0) for m in re.finditer(r"^!.*(?:\n.*){0,6}", log, re.M))
        pytest.fail(f"latexmk -xelatex failed (exit {proc.returncode}):\n{errors or log[-4000:]}")
    seconds = time.perf_counter() - start
    pdf = latex_dir / "book.pdf"
    text = _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"]).stdout
    info = _run(["pdfinfo", str(pdf)]).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    print(f"\nPDF: {pages} pages in {seconds:.0f} s ({pdf})")
    return BuiltPdf(pdf, latex_dir, log, text, pages, seconds)


def _compact(text: str) -> str:
    """Text without whitespace, with the hyphen and minus variants XeLaTeX emits made ASCII."""
    text = text.translate(str.maketrans({"\u2011": "-", "\u2010": "-", "\u2212": "-"}))
    return re.sub(r"\s+", "", text)


def _pages() -> list[tuple[str, Path]]:
    """(docname, source) of every page after the preface, in _toc.yml order."""
    return [(entry, ROOT / f"{entry}.md") for entry in toc_entries()[1:]]


def _h1(source: Path) -> str:
    """The page's '# ' title, outside code blocks (a chapter's first cell is code with '#'
    comments)."""
    fence = None
    for line in source.read_text(encoding="utf-8").splitlines():
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        elif fence is None and line.startswith("# "):
            return re.sub(r"[`*]", "", line[2:]).strip()
    raise AssertionError(f"{source} has no '# ' title")


def _appendix_docs() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return {c["file"] for part in toc.get("parts", []) if part.get("caption") == "附录"
            for c in part.get("chapters", [])}


# --- the LaTeX log ------------------------------------------------------------------------------


def test_no_glyph_is_missing_from_the_fonts(built_pdf):
    missing = sorted(set(re.findall(r"^Missing character: .*$", built_pdf.log, re.M)))
    assert not missing, ("XeLaTeX lacks glyphs (add a fallback in "
                         "lib/bookkit/sphinxext/bookzh.sty):\n" + "\n".join(missing))


def test_every_latex_warning_is_explained(built_pdf):
    warnings = re.findall(r"^(?:LaTeX|Package|Class) [^\n]*Warning:[^\n]*(?:\n\([^)]*\)[^\n]*)*",
                          built_pdf.log, re.M)
    unexplained = [w for w in warnings
                   if not any(re.search(pattern, w) for pattern in EXPLAINED_WARNINGS)]
    assert not unexplained, ("LaTeX warnings nobody has explained (fix them, or add them to "
                             "EXPLAINED_WARNINGS with the reason):\n" + "\n".join(unexplained[:20]))


def test_nothing_runs_into_the_margin(built_pdf):
    overfull = [(float(pt), where) for pt, where in
                re.findall(r"^Overfull \\hbox \(([\d.]+)pt too wide\) (.*)$", built_pdf.log, re.M)]
    wide = sorted(((pt, where) for pt, where in overfull if pt > MAX_OVERFULL_PT), reverse=True)
    assert not wide, (f"lines wider than the text by more than {MAX_OVERFULL_PT} pt "
                      f"(book.tex lines):\n" + "\n".join(f"{pt} pt {w}" for pt, w in wide[:10]))


# --- the PDF ------------------------------------------------------------------------------------


def test_the_chinese_fonts_are_embedded(built_pdf):
    listing = _run(["pdffonts", str(built_pdf.pdf)]).stdout.splitlines()[2:]
    assert listing, "pdffonts lists no fonts"
    not_embedded = [line for line in listing if line.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)
    names = " ".join(line.split()[0] for line in listing)
    # xdvipdfmx names a face of a TrueType collection after the collection's first face
    # ("NotoSerifCJKjp-Regular") while it embeds the glyphs of the face XeTeX chose (SC: the
    # simplified forms of 骨 and 直 were checked by eye); so the names say CJK, not SC.
    for family in ("NotoSerifCJK", "NotoSansCJK"):
        assert family.lower() in names.lower(), f"{family} is not embedded: {names}"


def test_page_count_is_sane(built_pdf):
    low, high = PAGES
    assert low <= built_pdf.pages <= high, f"{built_pdf.pages} pages"


def test_title_contents_chapters_and_bibliography_are_there(built_pdf):
    text = _compact(built_pdf.text)
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    for part in title.split("："):  # the title page sets the subtitle after the colon apart
        assert _compact(part) in text[:300], f"the title page does not show {part!r}"
    for heading in ("目录", "前言", "参考文献"):
        assert heading in text, f"no {heading} in the PDF"
    appendices = _appendix_docs()
    main = [doc for doc, _ in _pages() if doc not in appendices]
    for doc, source in _pages():
        title = _compact(_h1(source))
        assert text.count(title) >= 2, f"{doc}: title {title!r} not in the contents and the body"
    for n in range(1, len(main) + 1):
        assert f"第{n}章" in text, f"no chapter head 第 {n} 章"
    for k in range(len(appendices)):
        assert f"附录{chr(ord('A') + k)}" in text, f"no appendix head 附录 {chr(ord('A') + k)}"


def test_no_english_boilerplate_remains(built_pdf):
    found = sorted({m.group(0).strip() for m in ENGLISH_HEADINGS.finditer(built_pdf.text)})
    assert not found, f"English template text in the PDF: {found}"


def _without_running_heads(text: str) -> str:
    """pdftotext's text with each page's running head and foot removed, so that a sentence
    broken by a page break reads on ("1.244" + "亿" across pages 4 and 5)."""
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    pages = []
    for page in text.split("\f"):
        page = re.sub(r"(?:\n\n[\dA-Z.]+\n\n[^\n]{1,60})?\n\n\d+\n*$", "\n", page)
        page = page[len(title):] if page.startswith(title) else page
        pages.append(page)
    return "".join(pages)


def test_every_glued_value_in_the_prose_is_in_the_pdf(built_pdf):
    from myst_nb.core.variables import format_plain_text

    text = _compact(_without_running_heads(built_pdf.text))
    records = {nb.name: _plain_records(nb) for nb in sorted(CHAPTERS.glob("*.ipynb"))}
    checked, absent = 0, []
    for doc, source in [("index", ROOT / "index.md"), *_pages()]:
        for ref in GLUE_ROLE.findall(source.read_text(encoding="utf-8")):
            if "::" in ref:
                nb_path, ref = ref.split("::", 1)
                notebook = Path(nb_path).name
            else:
                notebook = f"{Path(doc).name}.ipynb"
            key, _, fmt = ref.partition(":")
            plain = records.get(notebook, {}).get(key)
            if plain is None:
                absent.append(f"{doc}: {key} has no glue record in {notebook}")
                continue
            shown = _compact(format_plain_text(plain, fmt))
            checked += 1
            if shown not in text:
                absent.append(f"{doc}: {key} = {shown!r}")
    assert checked, "no {glue:text} role found"
    assert not absent, f"{len(absent)} of {checked} glued values are not in the PDF:\n" + \
        "\n".join(absent[:20])


def _plain_records(nb_path: Path) -> dict[str, str]:
    import nbformat

    found = {}
    for cell in nbformat.read(nb_path, as_version=4).cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in out.get("data", {}):
                found[name] = out["data"][GLUE_MIME]
    return found


def test_the_corrected_cross_entropy_is_printed(built_pdf):
    """The book's headline correction: the article's example cross-entropy is about 2.3026."""
    value = glue_records(CHAPTERS / "04-math.ipynb")["ch4_ce_article_example"]
    assert f"{value:.4f}" == "2.3026"
    assert "2.3026" in built_pdf.text


def test_figures_and_citations_are_there(built_pdf):
    tex = (built_pdf.latex_dir / "book.tex").read_text(encoding="utf-8")
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+)\}", tex)
    assert graphics, "no figure in book.tex"
    listing = _run(["pdfimages", "-list", str(built_pdf.pdf)]).stdout.splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    # Vector figures (bookkit.diagrams.vector_figures) are included as PDF files: they hold no
    # raster image, so they are counted from the files the LaTeX build included.
    vector = {g for g in set(graphics) if (built_pdf.latex_dir / f"{g}.pdf").is_file()}
    assert len(images) + len(vector) >= len(set(graphics)), (
        f"{len(images)} images and {len(vector)} vector figures in the PDF, "
        f"{len(set(graphics))} figures in book.tex")
    items = re.findall(r"\\bibitem\[[^\]]*\]\{([^}]+)\}", tex)
    assert items, "the PDF has no bibliography"
    uncited = [key for key in items if f"cite.{key}" not in tex]
    assert not uncited, f"references listed but never cited: {uncited}"
    assert re.search(r"\[[^\]\n]+ et al\.,\s*\d{4}\]", built_pdf.text), "no citation in the text"


# --- the site offers the PDF --------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_with_pdf(built_pdf, tmp_path_factory) -> Path:
    """The HTML site built with ``bookkit_pdf`` pointing at the PDF just built."""
    out = tmp_path_factory.mktemp("site-with-pdf")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("sphinx", {}).setdefault("config", {})["bookkit_pdf"] = str(built_pdf.pdf)
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = _run([str(jb), "build", str(ROOT), "--config", str(config_path),
                 "--path-output", str(out), "-W", "-n", "--keep-going"])
    if proc.returncode != 0:
        pytest.fail(f"HTML build with the PDF failed:\n{proc.stdout[-4000:]}\n"
                    f"{proc.stderr[-4000:]}")
    return out / "_build" / "html"


def test_every_page_of_the_site_links_to_the_pdf(site_with_pdf, built_pdf):
    copied = site_with_pdf / "book.pdf"
    assert copied.read_bytes() == built_pdf.pdf.read_bytes(), "the site does not hold the PDF"
    for entry in toc_entries():
        page = site_with_pdf / f"{entry}.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.select(".dropdown-download-buttons a[href]")
                 if a["href"].endswith("book.pdf")]
        assert links, f"{entry}.html has no link to the PDF in its download menu"
        assert (page.parent / links[0]["href"]).resolve() == copied.resolve(), links[0]["href"]
        assert "全书 PDF" in links[0].get_text()


# --- the page the reader sees (issue 26) ----------------------------------------------------------

#: Smallest figure text on the PDF page, in points.
MIN_FIGURE_TEXT_PT = 9.0
#: Chapters whose figures are redrawn elsewhere (shrink-only): issue 27 redraws chapter 4's
#: computational graph and chapter 5's figures (bookkit.diagrams) and re-executes them.
FIGURE_TEXT_WAITING: set[str] = set()
#: Width of the PDF's text column in inches (A4, 2.2 cm margins: latex.py's sphinxsetup).
TEXT_WIDTH_IN = (21.0 - 2 * 2.2) / 2.54
_INCLUDED = re.compile(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+)\}(\.\w+)?\}?")


def _included_images(built_pdf) -> list[Path]:
    tex = (built_pdf.latex_dir / "book.tex").read_text(encoding="utf-8")
    return [built_pdf.latex_dir / f"{name}{ext or ''}" for name, ext in _INCLUDED.findall(tex)]


def test_every_figure_appears_once_in_the_pdf(built_pdf):
    """A figure drawn by its cell and again by {glue:figure} was printed twice (pages 9-10)."""
    images = _included_images(built_pdf)
    assert images, "no figure in book.tex"
    keys: dict[tuple, list[str]] = {}
    for path in images:
        keys.setdefault(image_key(path), []).append(path.name)
    twice = [names for names in keys.values() if len(names) > 1]
    assert not twice, f"figures printed twice in the PDF: {twice}"


def test_figure_and_table_numbers_are_unique_in_the_pdf(built_pdf):
    """The performance appendix's figure was a second 图 2.1 (LaTeX numbered it by \\arabic)."""
    aux = (built_pdf.latex_dir / "book.aux").read_text(encoding="utf-8", errors="replace")
    numbers = re.findall(r"\\contentsline \{(figure|table)\}\{\\numberline \{([^}]*)\}", aux)
    assert numbers, "no numbered figure in book.aux"
    counts = {}
    for kind, number in numbers:
        counts[(kind, number)] = counts.get((kind, number), 0) + 1
    repeated = sorted(f"{'图' if k == 'figure' else '表'} {n}" for (k, n), c in counts.items()
                      if c > 1)
    assert not repeated, f"numbers printed twice in the PDF: {repeated}"


def test_no_raw_markdown_table_in_the_pdf(built_pdf):
    found = [m.group(0)[:80] for m in RAW_TABLE.finditer(built_pdf.text)]
    assert not found, f"tables printed as Markdown pipes in the PDF: {found[:5]}"


def _visible_code_lines() -> list[str]:
    """ASCII lines (20-70 characters, so not wrapped) of the code cells the PDF prints, without
    trailing comments (pdftotext reads an aligned comment column apart from its code)."""
    import nbformat

    hidden = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
    lines = []
    for nb_path in sorted(CHAPTERS.glob("[0-9][0-9]-*.ipynb")):
        for cell in nbformat.read(nb_path, as_version=4).cells:
            if cell.cell_type != "code" or hidden & set(cell.metadata.get("tags", [])):
                continue
            code = [line.split("  #")[0].strip() for line in cell.source.splitlines()]
            lines += [line for line in code if line.isascii() and 20 <= len(line) <= 70
                      and not line.startswith("#")]
    return lines


def test_code_copied_from_the_pdf_is_the_ascii_of_its_source(built_pdf):
    """Copied from the PDF, `np.sum((y_hat - y) ** 2)` came out with U+2011 for each hyphen."""
    # URLs in the bibliography are set by url.sty in math mode, outside ActualText: not code.
    prose = re.sub(r"https?://\S+(?:\n\S+)?", " ", built_pdf.text)
    lookalikes = sorted({f"U+{ord(c):04X}" for c in prose if c in "\u2010\u2011"})
    assert not lookalikes, f"the PDF's text holds {lookalikes} where the source has '-'"
    text = re.sub(r"\s+", "", built_pdf.text)
    lines = _visible_code_lines()
    missing = [line for line in lines if re.sub(r"\s+", "", line) not in text]
    assert len(lines) > 100, f"only {len(lines)} code lines checked"
    assert not missing, (f"{len(missing)} of {len(lines)} code lines do not come out of the PDF "
                         f"as typed: {missing[:8]}")


def test_figure_text_is_at_least_9_pt_on_the_pdf_page(built_pdf):
    """The computational graph's numbers were about 5.5 pt on the page."""
    import hashlib

    from PIL import Image

    records = figure_records()
    small, checked = [], 0
    for path in _included_images(built_pdf):
        if path.suffix == ".pdf":
            # a vector diagram (bookkit.diagrams.vector_figures): its text size at the PDF's text
            # width is checked where it is drawn (tests/bookkit/test_diagrams.py)
            continue
        record = records.get(hashlib.sha256(path.read_bytes()).hexdigest())
        if record is None or record["notebook"] in FIGURE_TEXT_WAITING:
            continue
        if not record.get("min_text_pt"):
            small.append(f"{path.name} ({record['notebook']}): no recorded text size; "
                         "re-execute the chapter")
            continue
        with Image.open(path) as img:
            width_in = img.width / record["dpi"]
        pt = record["min_text_pt"] * min(1.0, TEXT_WIDTH_IN / width_in)
        checked += 1
        if pt < MIN_FIGURE_TEXT_PT:
            small.append(f"{path.name} ({record['notebook']}): {record['min_text_pt']} pt text in "
                         f"a {width_in:.1f} in figure is {pt:.1f} pt on the page")
    assert checked, "no figure with a recorded text size"
    assert not small, f"figure text below {MIN_FIGURE_TEXT_PT} pt in the PDF:\n" + "\n".join(small)


def test_nothing_runs_off_the_bottom_of_the_page(built_pdf):
    """A table that cannot break across pages (the errata's section 4, 22 rows of formulas, once
    a tabular) ran 275 pt past the bottom margin, over the page's foot."""
    found = re.findall(r"^Overfull \\vbox \(([\d.]+)pt too high\) has occurred while \\output is "
                       r"active", built_pdf.log, re.M)
    assert not found, (f"{len(found)} pages whose body runs past the bottom margin by "
                       f"{', '.join(found)} pt (a table too long for a page: it must be a "
                       "longtable, bookkit.sphinxext.latex_tables.LONG_TABLE_ROWS)")

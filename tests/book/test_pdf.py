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

from bookfiles import CHAPTERS, GLUE_MIME, ROOT, glue_records, toc_entries

pytestmark = pytest.mark.slow

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TOOLS = ("xelatex", "latexmk", "pdftotext", "pdffonts", "pdfinfo", "pdfimages")
INSTALL = ("sudo apt-get install --no-install-recommends texlive-xetex texlive-lang-chinese "
           "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk xindy "
           "fonts-noto-cjk fonts-dejavu-core poppler-utils")

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
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
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


def test_every_glued_value_in_the_prose_is_in_the_pdf(built_pdf):
    from myst_nb.core.variables import format_plain_text

    text = _compact(built_pdf.text)
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

"""The published site as readers meet it: the strict build, served on 127.0.0.1, in a real browser.

Two kinds of tests share the ``built_site`` fixture (the strict build, see conftest.py):

* file checks (no browser): MathJax is served from the site, downloads exist, long outputs are
  collapsed, navigation is numbered, figure captions are numbered in Chinese, search data exist;
* browser checks (Playwright driving the system Chromium, every request that does not go to
  127.0.0.1 blocked): every page loads with no failed request and no console error, its math is
  typeset, its images load, its internal links resolve; Chinese queries find the right chapters;
  the title area draws real Chinese glyphs, not boxes (a screenshot of chapter 4 is saved into the
  build output, ``_build/html/_screenshots/``, for a maintainer to look at).

Without Chromium the browser checks are skipped with the command that enables them; in CI
(``CI=true``) a missing Chromium fails them instead.  The data the checks are driven by (which
query must find which chapter) name chapters; checks of chapters that are not in ``_toc.yml``
yet are skipped, so the suite grows with the book.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from functools import cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from bookkit.sphinxext.cjk import CJK
from tests.book.support import bookfiles
from tests.book.support.bookfiles import ROOT, toc_entries

pytestmark = pytest.mark.slow

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
# Executed chapters (chapters/NN-slug); plain pages (chapters/appendix-*) have no notebook.
CHAPTER_ENTRIES = [e for e in toc_entries()
                   if e.startswith("chapters/") and not e.startswith("chapters/appendix-")]
PAGES = [*toc_entries(), "genindex", "search"]

#: A reader's query -> the chapter that must be the first result (checked once it is in the toc).
EXPECTED_SEARCH = {
    "反向传播": "chapters/04-math",
    "交叉熵": "chapters/04-math",
    "梯度": "chapters/04-math",
    "损失函数": "chapters/04-math",
    "长短期记忆": "chapters/05-lstm-mnist",
    "LSTM": "chapters/05-lstm-mnist",
    "量化": "chapters/08-trends",
    "均方误差": "chapters/04-math",
    "勘误": "chapters/11-errata",
}

#: The page whose screenshot a maintainer looks at (the index page until chapter 4 exists).
SCREENSHOT_PAGE = "chapters/04-math" if "chapters/04-math" in toc_entries() else "index"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ENABLE = ("install a system Chromium and a CJK font to run the browser tests: "
          "`sudo apt-get install chromium fonts-noto-cjk` (Debian/Ubuntu), "
          "or set CHROMIUM=/path/to/chromium")
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# --- helpers --------------------------------------------------------------------------------------


def _parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def _soup(path: Path) -> BeautifulSoup:
    """The parsed page, shared between tests: do not modify it (use :func:`_parse`)."""
    return _parse(path)


@cache
def _anchors(path: Path) -> frozenset[str]:
    soup = _soup(path)
    return frozenset(t.get("id") or t.get("name") for t in soup.find_all(id=True) +
                     soup.find_all(attrs={"name": True}))


def _needs_chapter(docname: str):
    """Fail (not skip) when a page a test expects has left the book: a silent skip would hide it."""
    if docname not in toc_entries():
        pytest.fail(f"{docname} is not in _toc.yml, but this test expects it there")


def find_chromium() -> str | None:
    """The Chromium executable: $CHROMIUM if set (then only it), else `chromium` on PATH."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _search_index(built_site: Path) -> dict:
    text = (built_site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def _docs_with_term(index: dict, term: str) -> set[str]:
    found = set()
    for table in ("terms", "titleterms"):
        files = index[table].get(term.lower(), [])
        found |= {index["docnames"][i] for i in ([files] if isinstance(files, int) else files)}
    return found


# --- file checks (no browser) -------------------------------------------------------------------


def test_every_built_page_is_checked_in_the_browser(built_site):
    built = {p.relative_to(built_site).with_suffix("").as_posix()
             for p in built_site.rglob("*.html")
             if not p.relative_to(built_site).parts[0].startswith("_")}
    assert built == set(PAGES), "pages built but not in PAGES (add them): " \
        f"{sorted(built - set(PAGES))}; in PAGES but not built: {sorted(set(PAGES) - built)}"


def test_mathjax_is_served_from_the_site_not_a_cdn(built_site):
    mathjax = CONFIG["sphinx"]["config"]["mathjax_path"]
    assert "://" not in mathjax and not mathjax.startswith("//"), \
        f"mathjax_path {mathjax!r} points at another host"
    assert (built_site / "_static" / mathjax).is_file(), \
        f"_static/{mathjax} was not copied into the site (is sphinx-mathjax-offline installed?)"
    pages_with_math = 0
    for page in PAGES:
        soup = _soup(built_site / f"{page}.html")
        remote = [s["src"] for s in soup.find_all("script", src=True)
                  if re.match(r"^(https?:)?//", s["src"])]
        assert not remote, f"{page}.html loads scripts from other hosts: {remote}"
        if soup.select(".math"):
            pages_with_math += 1
            srcs = [s["src"] for s in soup.find_all("script", src=True)]
            assert any(src.endswith(f"_static/{mathjax}") for src in srcs), \
                f"{page}.html has math but does not load _static/{mathjax}: {srcs}"
    if any(e in toc_entries() for e in ("chapters/04-math",)):
        assert pages_with_math, "chapter 4 is in the book but no page has math"


@pytest.mark.parametrize("entry", CHAPTER_ENTRIES)
def test_chapter_offers_its_notebook_and_markdown_source(built_site, entry):
    soup = _soup(built_site / f"{entry}.html")
    menu = {a.get_text(strip=True): a["href"]
            for a in soup.select(".dropdown-download-buttons a.dropdown-item[href]")}
    assert ".ipynb" in menu and ".md" in menu, f"{entry}: download menu offers only {menu}"
    page_dir = (built_site / entry).parent
    notebook = (page_dir / menu[".ipynb"]).resolve()
    markdown = (page_dir / menu[".md"]).resolve()
    assert notebook.read_bytes() == (ROOT / f"{entry}.ipynb").read_bytes(), \
        f"{entry}: the downloadable .ipynb differs from the committed notebook"
    nb = nbformat.read(notebook, as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        f"{entry}: the downloadable .ipynb has no outputs (not the executed notebook)"
    assert markdown.read_bytes() == (ROOT / f"{entry}.md").read_bytes(), \
        f"{entry}: the downloadable .md differs from chapters source {entry}.md"


def test_long_outputs_are_collapsed(built_site):
    limit = CONFIG["sphinx"]["config"]["bookkit_collapse_output_lines"]
    long_outputs = 0
    for entry in CHAPTER_ENTRIES:
        for output in _soup(built_site / f"{entry}.html").select("div.cell_output"):
            lines = sum(len(pre.get_text().splitlines()) for pre in output.select("pre"))
            if lines > limit:
                long_outputs += 1
                details = output.find_parent("details")
                assert details is not None and "hide" in details.get("class", []), (
                    f"{entry}: an output of {lines} lines (> {limit}) is not collapsed")
                assert not details.has_attr("open"), f"{entry}: a long output starts open"
    if not long_outputs:
        pytest.skip(f"no chapter output is longer than {limit} lines")


def _numbered_toc_entries() -> list[str]:
    """The ``file:`` entries of the ``numbered: true`` parts of ``_toc.yml``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc.get("parts", []) if part.get("numbered")
            for c in part.get("chapters") or []]


def test_navigation_is_numbered_and_the_title_page_is_clear(built_site):
    soup = _soup(built_site / "index.html")
    brand = soup.select_one(".navbar-brand")
    assert brand is not None and CONFIG["title"] in brand.get_text("", strip=True), \
        "the book title is not shown in the sidebar of the title page"
    assert soup.select_one("article h1"), "the title page has no heading"
    links = [a.get_text(" ", strip=True)
             for a in soup.select("nav.bd-links a.reference.internal")]
    numbered = _numbered_toc_entries()
    for number, entry in enumerate(numbered, start=1):
        title = _soup(built_site / f"{entry}.html").select_one("article h1")
        assert title is not None, f"{entry} has no title"
        text = title.get_text(" ", strip=True)
        assert text.startswith(f"{number}."), f"{entry}: title {text!r} is not numbered {number}."
        assert any(link.startswith(f"{number}.") for link in links), \
            f"the sidebar does not number chapter {number} ({entry}): {links}"


def test_figure_captions_are_numbered_in_chinese(built_site):
    captions = []
    for entry in CHAPTER_ENTRIES:
        for fig in _soup(built_site / f"{entry}.html").select("figure figcaption"):
            number = fig.select_one(".caption-number")
            assert number is not None, f"{entry}: a figure caption has no number: {fig.get_text()}"
            captions.append(number.get_text(strip=True))
    if not captions:
        pytest.skip("no chapter has a figure yet")
    bad = [c for c in captions if not re.fullmatch(r"图 (\d+|[A-Z])(\.\d+)*", c)]
    assert not bad, f"figure numbers not in the form '图 N.n' (appendices '图 B.n'): {bad}"


def test_chinese_prose_has_no_line_breaks_drawn_as_spaces(built_site):
    """A source line break between two Chinese characters renders as a space (反向传播、 均方误差)
    and splits words for search; bookkit.sphinxext.cjk removes them."""
    broken = re.compile(rf"{CJK}[ \t]*\n[ \t]*{CJK}")
    found = []
    for page in toc_entries():
        article = _parse(built_site / f"{page}.html").select_one("article")
        for verbatim in article.select("pre, code, script, style, .math"):
            verbatim.decompose()
        found += [f"{page}: {m.group()!r}" for string in article.find_all(string=True)
                  for m in broken.finditer(string)]
    assert not found, "line breaks between Chinese characters:\n  " + "\n  ".join(found[:20])


def test_search_data_hold_the_domain_terms(built_site):
    index = _search_index(built_site)
    for query, chapter in EXPECTED_SEARCH.items():
        if chapter in toc_entries():
            assert chapter in _docs_with_term(index, query), \
                f"the search index does not list {chapter} under {query!r}"
    search_page = (built_site / "search.html").read_text(encoding="utf-8")
    assert "BOOKKIT_TERM_COUNTS" in search_page, "the search page lacks the term counts"


# --- the browser ----------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".md": "text/markdown; charset=utf-8", ".ipynb": "application/x-ipynb+json"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    """The built site served over HTTP on 127.0.0.1 (a threaded server, for this module)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(_QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def playwright_chromium():
    """(Playwright, the Chromium executable); skips -- or, in CI, fails -- without Chromium."""
    executable = find_chromium()
    if executable is None:
        message = f"no Chromium found: {ENABLE}"
        if IN_CI:
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is pinned in requirements.txt
        pytest.fail(f"playwright is not installed ({exc}); run `make install`")
    pw = sync_playwright().start()
    yield pw, executable
    pw.stop()


@pytest.fixture(scope="module")
def chromium(playwright_chromium):
    """The system Chromium, headless, driven by Playwright."""
    pw, executable = playwright_chromium
    browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class Visit:
    """One page opened in a fresh browser context, with every problem a reader would meet."""

    def __init__(self, browser, url: str, block: str | None = None,
                 viewport: dict | None = None):
        self.url = url
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                           locale="zh-CN", accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        self.page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(
            f"{r.url}: HTTP {r.status}"))
        self._block_local = block

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if host != "127.0.0.1" or (self._block_local and self._block_local in url):
            self.blocked.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def open(self, path: str = ""):
        self.page.goto(f"{self.url}/{path}", wait_until="load")
        self.page.evaluate(_WAIT_FOR_MATHJAX)
        return self

    def close(self):
        self.context.close()

    def problems(self) -> list[str]:
        return ([f"blocked request to {u}" for u in self.blocked]
                + [f"failed request {f}" for f in self.failed]
                + [f"console error: {c}" for c in self.console_errors])


_WAIT_FOR_MATHJAX = """async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; }
  if (document.fonts) { await document.fonts.ready; }
  return true;
}"""

_PAGE_REPORT = """async () => {
  const article = document.querySelector("article.bd-article") || document.body;
  const math = [...article.querySelectorAll(".math")];
  const untypeset = math.filter((m) => !m.querySelector("mjx-container"))
                        .map((m) => m.textContent.trim().slice(0, 60));
  const errors = [...article.querySelectorAll("mjx-merror")].map((e) => e.textContent);
  const clone = article.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, mjx-container").forEach((n) => n.remove());
  const raw = (clone.textContent.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/g) || []);
  for (const img of document.images) { img.loading = "eager"; }
  await Promise.all([...document.images].map((img) => img.complete ? null : new Promise((ok) => {
    img.addEventListener("load", ok); img.addEventListener("error", ok); setTimeout(ok, 5000);
  })));
  const broken = [...document.images].filter((i) => !i.complete || i.naturalWidth === 0)
                                      .map((i) => i.src);
  const inputs = article.querySelectorAll("div.cell_input div.highlight").length;
  const copyInputs = article.querySelectorAll("div.cell_input button.copybtn").length;
  const copyOutputs = article.querySelectorAll("div.cell_output button.copybtn").length;
  const openLong = [...article.querySelectorAll(".bookkit-long-output details")]
                     .filter((d) => d.open).length;
  const links = [...document.querySelectorAll("a[href]")].map((a) => a.href);
  // What runs past the content column (code blocks may scroll; tables and math may not).
  const column = article.getBoundingClientRect();
  const wide = [...article.querySelectorAll("table, mjx-container")]
    .filter((el) => !el.closest("table") || el.tagName === "TABLE")
    .filter((el) => {
      const width = el.getBoundingClientRect().width;
      const block = el.tagName === "TABLE" || el.getAttribute("display") === "true";
      return width > column.width + 1 || (block && el.scrollWidth > width + 1);
    })
    .map((el) => `${el.tagName.toLowerCase()} ${Math.round(el.scrollWidth)} px: `
                 + el.textContent.trim().slice(0, 50));
  const shown = [...article.querySelectorAll("img")].map((img) => ({
    src: img.currentSrc || img.src, natural: img.naturalWidth,
    width: img.getBoundingClientRect().width}));
  return {math: math.length, untypeset, errors, raw, broken, inputs, copyInputs, copyOutputs,
          openLong, links, images: document.images.length, wide, column: column.width, shown};
}"""


def _link_problems(built_site: Path, base: str, links: list[str]) -> list[str]:
    bad = []
    for link in links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != base:
            continue  # external links (the repository, citations' DOIs): not fetched offline
        target = built_site / unquote(parts.path).lstrip("/")
        if parts.path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            bad.append(f"{link}: no such file")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in _anchors(target):
            bad.append(f"{link}: no element with id {fragment!r}")
    return bad


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_works_offline_in_the_browser(built_site, site_url, chromium, page):
    visit = Visit(chromium, site_url).open(f"{page}.html")
    try:
        report = visit.page.evaluate(_PAGE_REPORT)
    finally:
        visit.close()
    problems = visit.problems()
    problems += [f"math not typeset by MathJax: {m!r}" for m in report["untypeset"]]
    problems += [f"MathJax error: {e!r}" for e in report["errors"]]
    problems += [f"raw TeX left in the text: {r!r}" for r in report["raw"]]
    problems += [f"image did not load: {src}" for src in report["broken"]]
    problems += [f"broken link {b}" for b in _link_problems(built_site, site_url, report["links"])]
    if report["copyInputs"] != report["inputs"]:
        problems.append(f"{report['inputs']} code cells but {report['copyInputs']} copy buttons")
    if report["copyOutputs"]:
        problems.append(f"{report['copyOutputs']} copy buttons on outputs")
    if report["openLong"]:
        problems.append(f"{report['openLong']} long outputs are not collapsed")
    if page not in WIDTH_WAITING:
        problems += [f"wider than the {report['column']:.0f} px content column at 1280 px (a "
                     f"reader must scroll to read it; split the table or break the formula): {w}"
                     for w in report["wide"]]
    problems += _small_figure_text(built_site, site_url, page, report["shown"])
    assert not problems, f"{page}.html:\n  " + "\n  ".join(problems)


#: Pages whose over-wide math another issue fixes (shrink-only): issue 27 rewrites chapter 4's
#: sympy output (the book's symbols, one term a line).
WIDTH_WAITING: set[str] = set()
#: The smallest figure text a reader should meet on the site at 1280 px, in CSS px.
MIN_FIGURE_TEXT_PX = 11.0
#: Pages whose figures are redrawn elsewhere (shrink-only): issue 27 redraws chapter 4's
#: computational graph and chapter 5's figures (bookkit.diagrams) and re-executes them.
FIGURE_TEXT_WAITING: set[str] = set()


figure_records = cache(bookfiles.figure_records)


def _small_figure_text(built_site: Path, base: str, page: str, shown: list[dict]) -> list[str]:
    """Figures of ``page`` whose smallest text is drawn below MIN_FIGURE_TEXT_PX at 1280 px."""
    import hashlib

    if page in FIGURE_TEXT_WAITING:
        return []
    bad = []
    for img in shown:
        parts = urlsplit(img["src"])
        if f"{parts.scheme}://{parts.netloc}" != base or not img["natural"]:
            continue
        path = built_site / unquote(parts.path).lstrip("/")
        record = figure_records().get(hashlib.sha256(path.read_bytes()).hexdigest())
        if record is None:
            continue  # not a chapter's figure (a logo, an icon)
        if not record.get("min_text_pt"):
            bad.append(f"figure {path.name} ({record['notebook']}) has no recorded text size: "
                       "re-execute the chapter (bookkit.figures.use_book_style records it)")
            continue
        px = record["min_text_pt"] / 72 * record["dpi"] * img["width"] / img["natural"]
        if px < MIN_FIGURE_TEXT_PX:
            bad.append(f"figure {path.name}: its smallest text ({record['min_text_pt']} pt at "
                       f"{record['dpi']:.0f} dpi) is {px:.1f} CSS px at 1280 px, below "
                       f"{MIN_FIGURE_TEXT_PX}: draw it narrower or with larger text")
    return bad


#: A phone's first screen (CSS px): the chapter title and the first paragraph must fit in it.
PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.parametrize("entry", CHAPTER_ENTRIES)
def test_title_and_first_paragraph_fit_a_phones_first_screen(site_url, chromium, entry):
    """The article's long bilingual headings once filled a whole phone screen (chapter 4)."""
    visit = Visit(chromium, site_url, viewport=PHONE).open(f"{entry}.html")
    try:
        r = visit.page.evaluate(_FIRST_SCREEN)
    finally:
        visit.close()
    assert "error" not in r, f"{entry}: {r}"
    assert r["bottom"] <= PHONE["height"], (
        f"{entry}: on a {PHONE['width']} px phone the title and first paragraph end at "
        f"{r['bottom']:.0f} px, below the first screen ({PHONE['height']} px); title "
        f"{r['title']!r} is {r['titleHeight']:.0f} px tall")


_FIRST_SCREEN = """() => {
  const article = document.querySelector("article.bd-article");
  const h1 = article && article.querySelector("h1");
  if (!h1) return {error: "no h1"};
  const paragraphs = [...article.querySelectorAll("p")].filter((p) =>
    (h1.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING)
    && !p.closest(".article-heading") && !p.classList.contains("admonition-title")
    && p.textContent.trim().length > 0);
  if (!paragraphs.length) return {error: "no paragraph after the title"};
  const first = paragraphs[0].getBoundingClientRect();
  return {bottom: first.bottom + window.scrollY, title: h1.textContent.trim(),
          titleHeight: h1.getBoundingClientRect().height};
}"""


def _search(chromium, site_url: str, query: str) -> tuple[list[str], list[str]]:
    """Type ``query`` into the search page like a reader; the result docnames, in order."""
    visit = Visit(chromium, site_url).open("search.html")
    try:
        box = visit.page.locator(".bd-search-container form.bd-search input[name=q]")
        box.fill(query)
        box.press("Enter")
        visit.page.wait_for_url(re.compile(r"search\.html\?q="))
        visit.page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s !== null && s.textContent.trim().length > 0; }", timeout=20_000)
        hrefs = visit.page.eval_on_selector_all(
            "#search-results ul.search > li > a", "els => els.map((a) => a.href)")
    finally:
        visit.close()
    docs = []
    for href in hrefs:
        doc = urlsplit(href).path.lstrip("/").removesuffix(".html")
        if doc not in docs:
            docs.append(doc)
    return docs, visit.problems()


@pytest.mark.browser
@pytest.mark.parametrize("query", EXPECTED_SEARCH)
def test_chinese_search_finds_the_chapter_first(site_url, chromium, query):
    expected = EXPECTED_SEARCH[query]
    _needs_chapter(expected)
    docs, problems = _search(chromium, site_url, query)
    assert not problems, f"search page for {query!r}: {problems}"
    assert docs, f"searching {query!r} found nothing"
    assert docs[0] == expected, f"searching {query!r}: first result {docs[0]}, expected " \
        f"{expected}; all results: {docs}"


@pytest.mark.browser
def test_a_query_of_several_words_in_one_run_is_segmented(built_site, site_url, chromium):
    """反向传播原文 is one run of characters but two index words; the default splitter looks it
    up as one word and finds nothing."""
    index = _search_index(built_site)
    both = _docs_with_term(index, "反向传播") & _docs_with_term(index, "原文")
    if not both:
        pytest.skip("no page uses both 反向传播 and 原文")
    docs, problems = _search(chromium, site_url, "反向传播原文")
    assert not problems
    # Sphinx requires only the words longer than two characters; pages with both come first.
    assert docs and docs[0] in both and both <= set(docs), \
        f"searching 反向传播原文 found {docs}; pages with both words: {sorted(both)}"


_TOFU_REPORT = """(selector) => {
  const el = document.querySelector(selector);
  if (el === null) return {error: "no element " + selector};
  const style = getComputedStyle(el);
  const text = el.textContent.trim();
  const han = [...new Set([...text].filter((c) => /\\p{Script=Han}/u.test(c)))];
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  ctx.font = `${style.fontStyle} ${style.fontWeight} 40px ${style.fontFamily}`;
  const draw = (ch) => {
    ctx.clearRect(0, 0, 64, 64); ctx.fillText(ch, 8, 48);
    const alpha = ctx.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3);
    return alpha.join(",");
  };
  const missing = draw(String.fromCodePoint(0x10FFFD));  // no font has this: the .notdef box
  const glyphs = han.map(draw);
  return {text, font: ctx.font, han: han.length,
          asMissing: han.filter((_, i) => glyphs[i] === missing),
          distinct: new Set(glyphs).size};
}"""

TITLE_AREA = ["article.bd-article h1", ".navbar-brand"]


def _tofu(page, selector: str) -> list[str]:
    """Why the Chinese text of ``selector`` is drawn as boxes (empty when it is drawn fine)."""
    r = page.evaluate(_TOFU_REPORT, selector)
    if "error" in r:
        return [r["error"]]
    if not r["han"]:
        return [f"{selector} has no Chinese text: {r['text']!r}"]
    bad = []
    if r["asMissing"]:
        bad.append(f"{selector}: {''.join(r['asMissing'])} drawn like a missing glyph (font "
                   f"{r['font']})")
    if r["distinct"] < r["han"]:
        bad.append(f"{selector}: {r['han']} different characters give only {r['distinct']} "
                   f"different drawings (font {r['font']})")
    return bad


@pytest.mark.browser
def test_screenshot_shows_chinese_not_boxes(built_site, site_url, chromium):
    visit = Visit(chromium, site_url).open(f"{SCREENSHOT_PAGE}.html")
    try:
        shots = built_site / "_screenshots"
        shots.mkdir(exist_ok=True)
        shot = shots / f"{Path(SCREENSHOT_PAGE).name}.png"
        visit.page.screenshot(path=str(shot))
        problems = [p for sel in TITLE_AREA for p in _tofu(visit.page, sel)]
    finally:
        visit.close()
    assert shot.stat().st_size > 10_000, f"{shot} is suspiciously small"
    assert not problems, ("the title area is drawn as boxes (no CJK font? install "
                          f"fonts-noto-cjk); screenshot {shot}:\n  " + "\n  ".join(problems))


# --- the checks can fail ----------------------------------------------------------------------


@pytest.mark.browser
def test_blocking_the_local_mathjax_is_detected(site_url, chromium):
    """The page check is not vacuous: with _static/mathjax/ unreachable (as with a CDN that is
    blocked) a page with math reports the failed request and untypeset math."""
    page = next((p for p in PAGES if "math" in p), None)
    if page is None:
        pytest.skip("no chapter with math yet")
    visit = Visit(chromium, site_url, block="/_static/mathjax/").open(f"{page}.html")
    try:
        report = visit.page.evaluate(_PAGE_REPORT)
    finally:
        visit.close()
    assert any("mathjax" in b for b in visit.blocked)
    assert report["math"] and len(report["untypeset"]) == report["math"]


@pytest.mark.browser
def test_a_browser_without_cjk_fonts_is_detected(tmp_path, site_url, playwright_chromium):
    """The tofu check is not vacuous: Chromium restricted to Latin fonts draws boxes, and the
    check says so."""
    latin = [d for d in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
             if Path(d).is_dir()]
    if not latin:
        pytest.skip("needs the DejaVu or Liberation fonts (Debian fonts-dejavu-core)")
    conf = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{d}</dir>" for d in latin)
    conf.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}'
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    pw, executable = playwright_chromium
    browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS,
                                 env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    try:
        visit = Visit(browser, site_url).open("index.html")
        problems = _tofu(visit.page, TITLE_AREA[0])
        visit.close()
    finally:
        browser.close()
    assert problems, "a Chromium without CJK fonts passed the tofu check"


@pytest.mark.browser
def test_the_md_download_is_a_real_download(site_url, chromium):
    if not CHAPTER_ENTRIES:
        pytest.skip("no chapter yet")
    entry = CHAPTER_ENTRIES[0]
    visit = Visit(chromium, site_url).open(f"{entry}.html")
    try:
        visit.page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
        with visit.page.expect_download() as info:
            visit.page.locator(".btn-download-md-button").click()
        download = info.value
        assert download.suggested_filename == f"{Path(entry).name}.md"
        assert Path(download.path()).read_bytes() == (ROOT / f"{entry}.md").read_bytes()
    finally:
        visit.close()

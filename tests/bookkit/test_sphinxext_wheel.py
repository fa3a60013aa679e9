"""bookkit.sphinxext.wheellink: the site's download menu offers the book's wheel, when built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from bookkit.sphinxext.wheellink import add_wheel_entry

WHEEL = "minidl-0.1.0-py3-none-any.whl"


def test_the_wheel_entry_follows_the_md_entry_once():
    entries = [{"label": "download-book-pdf-button"}, {"label": "download-source-button"},
               {"label": "download-md-button"}, {"label": "download-pdf-button"}]
    add_wheel_entry(entries, f"../{WHEEL}")
    add_wheel_entry(entries, f"../{WHEEL}")  # idempotent
    assert [e["label"] for e in entries] == [
        "download-book-pdf-button", "download-source-button", "download-md-button",
        "download-wheel-button", "download-pdf-button"]
    assert entries[3]["url"] == f"../{WHEEL}" and entries[3]["text"] == ".whl"


def test_with_a_wheel_every_page_links_to_its_copy_under_its_own_name(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'bookkit.sphinxext']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "html_theme_options = {'use_download_button': True}\n"
        "language = 'zh_CN'\n"
        "bookkit_wheel_dir = 'built'\n", encoding="utf-8")
    (src / "index.md").write_text("# 首页\n\n```{toctree}\nsub/page\n```\n", encoding="utf-8")
    (src / "sub" / "page.md").write_text("# 一页\n\n正文。\n", encoding="utf-8")
    html = tmp_path / "html"
    build = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src), str(html)]
    proc = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert WHEEL not in (html / "index.html").read_text(encoding="utf-8")  # no wheel, no link
    (src / "built").mkdir()
    (src / "built" / WHEEL).write_bytes(b"PK\x05\x06" + bytes(18))
    proc = subprocess.run([*build[:-1], "-E", str(html)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (html / WHEEL).read_bytes() == (src / "built" / WHEEL).read_bytes()
    for page in ("index.html", "sub/page.html"):
        soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")
                 if a["href"].endswith(".whl")]
        assert links, f"{page} has no wheel link"
        assert (Path(html / page).parent / links[0]).resolve() == (html / WHEEL).resolve()

"""bookkit.resources: every file a chapter reads is found without the working directory, the
same file as in the repository, in the documented order; clear errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookkit import resources

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(resources.FILES))
def test_each_file_is_the_repositorys_copy_from_any_working_directory(name, tmp_path,
                                                                        monkeypatch):
    monkeypatch.delenv(resources.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    found = resources.path(name)
    assert found.read_bytes() == (ROOT / resources.FILES[name]).read_bytes()
    assert tmp_path not in found.parents


def test_package_data_links_are_exactly_the_listed_files():
    """lib/bookkit/book/ holds one link per entry of FILES, to the file FILES names."""
    book = ROOT / "lib" / "bookkit" / "book"
    assert sorted(p.name for p in book.iterdir()) == sorted(resources.FILES)
    for name, where in resources.FILES.items():
        assert (book / name).resolve() == (ROOT / where).resolve(), name


def test_environment_variable_comes_first(tmp_path, monkeypatch):
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "latest.json").write_text('{"pieces": {}}', "utf-8")
    monkeypatch.setenv(resources.ENV, str(tmp_path))
    assert resources.read_json("latest.json") == {"pieces": {}}
    with pytest.raises(FileNotFoundError, match=r"BOOKKIT_BOOK_DIR=.* is set but "
                                                r"article/article.txt is not there"):
        resources.path("article.txt")


def test_missing_package_copy_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.delenv(resources.ENV, raising=False)
    fake = tmp_path / "bookkit"
    (fake / "book").mkdir(parents=True)
    monkeypatch.setattr(resources, "files", lambda package: fake)
    with pytest.raises(FileNotFoundError, match=r"references.bib is missing from the installed "
                                                r"package .* install the book's package"):
        resources.path("references.bib")


def test_bad_names_are_type_and_value_errors():
    with pytest.raises(TypeError, match="name must be a string, got PosixPath"):
        resources.path(Path("references.bib"))
    with pytest.raises(ValueError, match=r"no file called 'setup.py'; known: article.txt"):
        resources.path("setup.py")

from pathlib import Path

import pytest
from pybtex.database import Entry

from bookkit import bibliography as B

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bib():
    return B.load()  # the book's references.bib, through bookkit.resources


def test_load_reads_the_books_bibliography_wherever_the_cwd_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no references.bib here or above: it is not searched for
    assert B.load().entries.keys() == B.load(ROOT / "references.bib").entries.keys()


def test_plain_turns_latex_accents_and_braces_into_text():
    assert B.plain("{G}{\\'e}ron") == "Géron"
    assert B.plain("{EfficientNet}: Rethinking") == "EfficientNet: Rethinking"


def test_corrected_references_read_back(bib):
    tan = bib.entries["tan2019efficientnet"]
    assert B.last_names(tan) == ["Tan", "Le"]
    assert B.authors(tan) == "Tan、Le"
    assert B.identifier(bib.entries["kingma2014auto"]) == "arXiv:1312.6114"
    assert B.plain(bib.entries["brown2020language"].fields["title"]) == (
        "Language Models are Few-Shot Learners")


def test_long_author_lists_are_shortened(bib):
    assert B.authors(bib.entries["brown2020language"]).endswith(" 等")


def test_venue_prefers_the_conference_or_journal(bib):
    tan = bib.entries["tan2019efficientnet"]
    assert B.venue(tan) == ("Proceedings of the 36th International Conference on Machine Learning "
                            "(ICML 2019)")
    # the order: booktitle, journal, institution, howpublished, publisher; '' when none is there
    fields = {"booktitle": "Conf", "journal": "Journal", "institution": "Lab",
              "howpublished": "Web", "publisher": "Press"}
    for i, key in enumerate(fields):
        entry = Entry("misc", fields={k: v for k, v in list(fields.items())[i:]})
        assert B.venue(entry) == fields[key], key
    assert B.venue(Entry("misc", fields={"title": "T"})) == ""


def test_missing_bibliography_and_role_are_clear_errors(tmp_path, bib):
    with pytest.raises(FileNotFoundError, match="no BibTeX file at"):
        B.load(tmp_path / "references.bib")
    with pytest.raises(TypeError, match="path must be a path or None, got int"):
        B.load(3)
    with pytest.raises(ValueError, match="no 'editor' field"):
        B.last_names(bib.entries["tan2019efficientnet"], "editor")

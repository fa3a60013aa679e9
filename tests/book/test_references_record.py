"""The bibliography matches its reviewed record: an edit of references.bib alone fails.

The book states and corrects bibliographic facts (authors, years, venues, titles; chapters 7, 10
and the errata).  Each entry of references.bib was checked against the original publication and
recorded in tests/book/reviewed_references.json; this test reads the .bib with pybtex and
compares every entry with that record.  A changed year, author or venue in the .bib (or a new
entry) must be reviewed and recorded too.
"""

from __future__ import annotations

import json

import pytest
from pybtex.database import parse_file

from tests.book.support.bookfiles import ROOT

VENUE_FIELDS = ("journal", "booktitle", "publisher", "howpublished", "organization",
                "institution", "school")
RECORD = json.loads((ROOT / "tests" / "book" / "reviewed_references.json").read_text("utf-8"))
BIB = parse_file(str(ROOT / "references.bib")).entries


def facts(entry) -> dict:
    fields = entry.fields
    return {"type": entry.type,
            "authors": [" ".join(p.last_names) for p in entry.persons.get("author", [])],
            "title": fields.get("title"), "year": fields.get("year"),
            "venue": {k: fields[k] for k in VENUE_FIELDS if k in fields}}


def test_every_entry_is_recorded_and_every_record_is_an_entry():
    assert sorted(BIB) == sorted(RECORD["entries"]), (
        f"only in references.bib: {sorted(set(BIB) - set(RECORD['entries']))}; only in the "
        f"record: {sorted(set(RECORD['entries']) - set(BIB))}")


@pytest.mark.parametrize("key", sorted(BIB))
def test_entry_states_the_reviewed_authors_title_year_and_venue(key):
    recorded = RECORD["entries"].get(key)
    assert recorded is not None, f"{key} is not in tests/book/reviewed_references.json"
    got = facts(BIB[key])
    differ = {k: (got[k], recorded[k]) for k in recorded if got[k] != recorded[k]}
    assert not differ, f"{key}: references.bib != reviewed record (bib, record): {differ}"

"""Blocking: the same candidate pairs however the rows arrive, and no quadratic blocks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from linkage import blocking
from linkage.blocking import CandidateIndex
from linkage.encode import Identity
from linkage.schema import default_schema
from linkage.table import EncodingTable

BORN = dt.date(1999, 4, 5)


def pairs_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in pairs}


@pytest.fixture()
def table(encoder) -> EncodingTable:
    people = [
        Identity("Iulia", "Țurcanu", BORN), Identity("Yulia", "Tsurkanu", BORN),
        Identity("Iulia", "Turcanu", dt.date(1999, 5, 4)),  # day and month swapped
        Identity("Iulia", "Turcanu", dt.date(2000, 4, 5)),  # year one off
        Identity("Iulia", "Turcanu"),  # no date of birth
        Identity("Turcanu", "Iulia", BORN),  # swapped names
        Identity("Blessing", "Osagie", dt.date(1990, 1, 1)),
        Identity("Blessing", "Osagie", dt.date(1971, 9, 30)),  # namesake: shares nothing
    ]
    t = EncodingTable(default_schema().filter_bytes)
    t.append([encoder.encode_identity(p) for p in people])
    return t


def test_recording_variants_are_candidates_and_unrelated_dates_are_not(table):
    pairs = pairs_set(CandidateIndex().add(table, range(table.size)))
    for other in range(1, 6):
        assert (0, other) in pairs
    assert (6, 7) not in pairs  # dated namesakes whose dates share nothing
    assert (0, 6) not in pairs


def test_rows_added_one_by_one_give_the_pairs_of_one_batch(table):
    batch = pairs_set(CandidateIndex().add(table, range(table.size)))
    index, nightly = CandidateIndex(), set()
    for row in range(table.size):
        nightly |= pairs_set(index.add(table, [row]))
    assert nightly == batch


def test_a_restored_index_finds_the_pairs_of_new_rows(table):
    full = pairs_set(CandidateIndex().add(table, range(table.size)))
    restored = CandidateIndex()
    restored.index_only(table, np.arange(5))
    new = pairs_set(restored.add(table, range(5, table.size)))
    assert new == {p for p in full if p[1] >= 5}


def test_undated_sightings_skip_a_too_common_name(table, monkeypatch):
    monkeypatch.setattr(blocking, "UNDATED_GROUP_CAP", 3)
    pairs = pairs_set(CandidateIndex().add(table, range(table.size)))
    assert not any(4 in p for p in pairs)


@pytest.mark.parametrize("cap", [2, 3, 5])
def test_the_undated_cap_gives_the_same_pairs_however_rows_are_batched(table, monkeypatch, cap):
    monkeypatch.setattr(blocking, "UNDATED_GROUP_CAP", cap)
    batch = pairs_set(CandidateIndex().add(table, range(table.size)))
    for size in (1, 2, 3):
        index, nightly = CandidateIndex(), set()
        for start in range(0, table.size, size):
            nightly |= pairs_set(index.add(table, range(start, min(start + size, table.size))))
        assert nightly == batch
    # a probe is taken as the next row to arrive
    index = CandidateIndex()
    index.add(table, range(table.size - 1))
    probe = pairs_set(index.query(table, table, [table.size - 1]))
    assert probe == {p for p in batch if p[1] == table.size - 1}


def test_removed_rows_are_no_candidates(table):
    index = CandidateIndex()
    index.add(table, [0, 2, 3])
    index.remove_rows(np.array([0]))
    pairs = pairs_set(index.add(table, [1]))
    assert (0, 1) not in pairs
    assert {(1, 2), (1, 3)} <= pairs

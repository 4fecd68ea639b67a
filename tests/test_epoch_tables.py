"""Per-epoch tables at the hub: compare within an epoch only, bridge through dual encodings."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from hub.epoch_tables import EpochTables, neutral_score
from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema

SECRET_1, SECRET_2 = b"\x01" * 32, b"\x02" * 32
POLICY = MatchPolicy()
ELENA = Identity("Iulia", "Turcanu", dt.date(1998, 3, 14), "f")


@pytest.fixture(scope="module")
def encoders():
    schema = default_schema()
    return {1: Encoder(schema, derive_purpose_keys(SECRET_1, 1)),
            2: Encoder(schema, derive_purpose_keys(SECRET_2, 2))}


def rows(encoders):
    """Elena before (epoch 1), during (both) and after (epoch 2) a rotation."""
    return [
        {1: encoders[1].encode_identity(ELENA)},
        {1: encoders[1].encode_identity(ELENA), 2: encoders[2].encode_identity(ELENA)},
        {2: encoders[2].encode_identity(ELENA)},
    ]


def scorer(table, a, b):
    return score_pairs(table, a, b, POLICY)


def test_candidates_only_within_an_epoch(encoders):
    tables = EpochTables(default_schema())
    added = tables.append(rows(encoders))
    pairs = tables.candidates(added)
    assert sorted(map(tuple, pairs.tolist())) == [(0, 1), (1, 2)]


def test_one_by_one_gives_the_same_candidates_as_all_at_once(encoders):
    bulk = EpochTables(default_schema())
    all_at_once = bulk.candidates(bulk.append(rows(encoders)))
    nightly = EpochTables(default_schema())
    found = [nightly.candidates(nightly.append([r])) for r in rows(encoders)]
    assert np.array_equal(np.concatenate(found), all_at_once)


def test_scores_use_a_shared_epoch_and_incomparable_pairs_are_neutral(encoders):
    tables = EpochTables(default_schema())
    tables.append(rows(encoders))
    neutral = neutral_score(POLICY)
    scores = tables.score(np.array([0, 1, 0]), np.array([1, 2, 2]), scorer, neutral)
    assert scores[0] >= POLICY.threshold and scores[1] >= POLICY.threshold
    assert scores[2] == np.float32(neutral)
    # a cross-epoch comparison of the same person would be garbage: that is why it is never made
    garbage = EpochTables(default_schema())
    garbage.append([{1: rows(encoders)[0][1]}, {1: rows(encoders)[2][2]}])
    assert garbage.score(np.array([0]), np.array([1]), scorer, neutral)[0] < POLICY.threshold


def test_newest_shared_epoch_decides(encoders):
    tables = EpochTables(default_schema())
    other = Identity("Iulia", "Turcanu", dt.date(1998, 3, 15), "f")
    tables.append([
        {1: encoders[1].encode_identity(ELENA), 2: encoders[2].encode_identity(ELENA)},
        {1: encoders[1].encode_identity(ELENA), 2: encoders[2].encode_identity(other)},
    ])
    [score] = tables.score(np.array([0]), np.array([1]), scorer, 0.0)
    epoch2 = scorer(tables.tables[2], np.array([0]), np.array([1]))[0]
    assert score == epoch2


# the veto as high as a consistent policy allows: at the clustering's mean bar
@pytest.mark.parametrize("changes", [{}, {"cluster_mean": 9.0}, {"veto": POLICY.cluster_mean}])
def test_neutral_score_never_links_and_never_vetoes(changes):
    policy = dataclasses.replace(POLICY, **changes)
    neutral = neutral_score(policy)
    assert neutral < policy.threshold
    assert neutral >= policy.veto
    assert neutral <= policy.cluster_mean


def test_reserved_room_is_taken_by_appends_without_copying_the_tables(encoders):
    tables = EpochTables(default_schema())
    tables.append(rows(encoders)[:1])  # epoch 1's table exists before the room is reserved
    tables.reserve(5000)
    tables.append(rows(encoders)[1:])  # epoch 2's table is made afterwards, with the room
    held = {epoch: table.filters for epoch, table in tables.tables.items()}
    assert all(len(table.popcounts) >= 5000 for table in tables.tables.values())
    for _ in range(1500):  # 3,000 more rows under each epoch: inside the room
        tables.append(rows(encoders)[1:2])
    assert all(tables.tables[epoch].filters is filters for epoch, filters in held.items())
    # the rows written before and after the reservation are all still there
    assert tables.tables[1].size == 2 + 1500 and tables.tables[2].size == 2 + 1500
    first = tables.tables[1]
    assert first.filter_bytes(0) == first.filter_bytes(first.size - 1)
    assert first.filter_bytes(0) == rows(encoders)[0][1].name_filter

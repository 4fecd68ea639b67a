"""Name rarity: an agreeing name few sightings share says more than the commonest name.

The hub counts how many sightings share each identical name filter (a snapshot,
linkage/rarity.py) and scores every pair against the same snapshot until its
sightings have doubled, so a night's link run still equals a relink.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3

import numpy as np
import pytest

from hub import linked_with
from hub.linker import Linker
from hub.store import HubStore
from linkage import rarity
from linkage.compare import MatchPolicy, design, features, score_pairs
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.linking import link_all
from linkage.population import name_keys
from linkage.rarity import NameCounts, weigh_names
from linkage.schema import default_schema
from tests.linker_support import encoded_sightings, identity_table, nightly_batches, partition
from zichtlijn import wire

KEYS = np.array([5, 7, 7, 9, 9, 9], dtype=np.uint64)


@pytest.fixture(scope="module")
def uploads():
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    return nightly_batches(encoded_sightings(encoder, 250, seed=3), 97)


def test_counts_keep_only_names_shared_by_more_than_one_sighting():
    counts = NameCounts.of(KEYS)
    assert counts.keys.tolist() == [7, 9] and counts.counts.tolist() == [2, 3]
    assert counts.sightings == 6
    # a name seen once leaves no key behind: it counts once whether kept or not
    assert counts.count(np.array([5, 11], dtype=np.uint64)).tolist() == [1, 1]


def test_copies_of_one_record_count_once():
    copies = np.array([0, 1, 1, 0, 2, 3])  # rows 1 and 2: one record sent twice
    counts = NameCounts.of(KEYS, copies)
    assert counts.keys.tolist() == [9] and counts.counts.tolist() == [3]
    assert counts.sightings == 5


def test_rarity_is_one_for_a_name_no_other_sighting_shares_and_falls_with_sharing():
    many = NameCounts(np.array([7, 9], dtype=np.uint64), np.array([2, 300]), 50_000)
    got = many.rarity(np.array([5, 7, 9], dtype=np.uint64))
    assert got[0] == 1.0
    assert got[1] == pytest.approx(1 - math.log(2) / math.log(50_000))
    assert got[2] == pytest.approx(1 - math.log(300) / math.log(50_000))
    assert NameCounts.empty().rarity(np.array([5], dtype=np.uint64)).tolist() == [1.0]


def test_among_few_sightings_a_shared_name_is_not_thereby_common():
    # two of six sightings share name 7: read as among SCALE_FLOOR, not as a third of all
    got = NameCounts.of(KEYS).rarity(np.array([7], dtype=np.uint64))
    assert got[0] == pytest.approx(1 - math.log(2) / math.log(rarity.SCALE_FLOOR))


def test_counts_go_stale_when_never_taken_or_doubled_past_the_floor(monkeypatch):
    assert not NameCounts.empty().stale({}) and NameCounts.empty().stale({1: 1})
    small = NameCounts.of(KEYS, epochs=np.ones(6))  # 6 sightings counted under epoch 1
    assert small.epochs == {1: 6}
    assert not small.stale({1: 12})  # doubled, but a small hub's counts say little
    monkeypatch.setattr(rarity, "REFRESH_FLOOR", 10)
    assert not small.stale({1: 11}) and small.stale({1: 12})


def test_a_new_key_epoch_is_counted_once_it_holds_the_floor(monkeypatch):
    """After a rotation the new epoch's filters are keys the counts have never seen:
    its names would all count as unseen, however common."""
    monkeypatch.setattr(rarity, "REFRESH_FLOOR", 10)
    counted = NameCounts.of(KEYS, epochs=np.array([1, 1, 1, 1, 2, 2]))
    assert counted.epochs == {1: 4, 2: 2} and counted.sightings == 6
    assert not counted.stale({1: 7, 3: 9})
    assert counted.stale({1: 7, 3: 10})


def test_counts_survive_their_stored_form_and_digest_what_they_hold():
    counts = NameCounts.of(KEYS)
    again = NameCounts.from_bytes(*counts.to_bytes(), counts.sightings, counts.epochs)
    assert again.keys.tolist() == counts.keys.tolist()
    assert again.counts.tolist() == counts.counts.tolist()
    assert again.digest() == counts.digest() and again.epochs == counts.epochs
    assert NameCounts.of(KEYS[:-1]).digest() != counts.digest()


MARIA = Identity("Maria", "Popa", dt.date(1999, 3, 4))
MARIA_OTHER_DATE = Identity("Maria", "Popa", dt.date(2001, 8, 20))
MARIA_UNDATED = Identity("Maria", "Popa", None)
ELENA = Identity("Elena", "Rusu", dt.date(1999, 3, 4))


def test_rarity_counts_only_where_names_agree_and_both_are_dated(encoder):
    table = identity_table(encoder, [MARIA, MARIA, MARIA_OTHER_DATE, MARIA_UNDATED, ELENA])
    table.rarity[:5] = [0.9, 0.5, 0.8, 0.7, 1.0]
    left, right = np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4])
    found = features(table, left, right)
    # the rarer side's, whatever the dates say (their own weight speaks for them); an
    # undated sighting attaches by the undated rule, not by a rare name
    assert found.rare.tolist() == pytest.approx([0.5, 0.8, 0.0, 0.0])
    columns = design(found)
    assert columns["rare_name_dice"][0] == pytest.approx(0.5 * (found.dice[0] - 0.6))


def test_the_same_pair_scores_higher_when_its_name_is_rare(encoder):
    table = identity_table(encoder, [MARIA, MARIA])
    key = name_keys(table.filters, np.array([0]))
    rare = float(score_pairs(table, [0], [1], MatchPolicy())[0])
    # as if 500 of 10,000 sightings bore this exact name
    common = NameCounts(key, np.array([500]), 10_000)
    weigh_names(table, common)
    assert float(score_pairs(table, [0], [1], MatchPolicy())[0]) < rare - 3


def test_link_all_weighs_names_by_the_table_itself_unless_given_counts(encoder):
    table = identity_table(encoder, [MARIA, MARIA, ELENA])
    link_all(table, MatchPolicy())
    shared = 1 - math.log(2) / math.log(rarity.SCALE_FLOOR)
    assert table.rarity[:3].tolist() == pytest.approx([shared, shared, 1.0])
    link_all(table, MatchPolicy(), counts=NameCounts.empty())
    assert table.rarity[:3].tolist() == [1.0, 1.0, 1.0]


def _serve(store: HubStore, uploads, linker: Linker) -> None:
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        linker.link_pending()


def test_the_hub_counts_names_at_its_first_link_run_and_keeps_the_counts(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    _serve(store, uploads[:1], linker)
    counts = linker.encodings.counts
    assert counts.sightings == len(uploads[0][1]) and len(counts.keys)
    assert (counts.counts >= 2).all()
    with store.lock:
        entries = [json.loads(e) for (e,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]
    run = next(e for e in entries if e["action"] == "link_run")
    assert run["name_counts"] == counts.digest()
    assert run["names_counted"] == counts.sightings
    _serve(store, uploads[1:3], linker)  # too few to count again
    assert linker.encodings.counts.digest() == counts.digest()
    restarted = Linker(store, default_schema(), MatchPolicy())
    assert restarted.encodings.counts.digest() == counts.digest()
    left, right = np.array([0, 1, 2]), np.array([3, 4, 5])
    assert restarted.score(left, right).tolist() == linker.score(left, right).tolist()
    store.close()


def test_the_hub_counts_again_and_relinks_when_its_sightings_double(tmp_path, uploads,
                                                                  monkeypatch):
    monkeypatch.setattr(rarity, "REFRESH_FLOOR", 50)
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    counted, relinked = [], []
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        run = linker.link_pending()
        counted.append(linker.encodings.counts.sightings)
        relinked.append(run.relinked_at is not None)
    held = sum(len(batch) for _, batch in uploads)
    assert counted[0] == len(uploads[0][1]) and counted[-1] > held / 2
    assert counted == sorted(counted)
    assert sum(relinked) == len(set(counted)) - 1  # every count after the first relinks
    with store.lock:
        kept = linked_with.name_counts(store.db.conn)
    assert kept.digest() == linker.encodings.counts.digest()
    nightly = partition(store)
    linker.relink_all()  # against the same counts: the persons the nights built
    assert partition(store) == nightly
    assert linker.encodings.counts.digest() == kept.digest()
    store.close()


def test_stored_counts_hold_no_filter_and_no_name_seen_once(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    _serve(store, uploads, linker)
    store.close()
    with sqlite3.connect(tmp_path / "hub.db") as conn:
        keys, counts = conn.execute("SELECT keys, counts FROM name_counts").fetchone()
    assert len(keys) == 8 * len(np.frombuffer(counts, dtype="<i8"))
    assert (np.frombuffer(counts, dtype="<i8") >= 2).all()


def test_companions_are_grouped_by_weights_without_name_rarity():
    """The hub counts the women's names, not the men's beside them."""
    from hub.alerts.companions import COMPANION_THRESHOLD_SHIFT, companion_policy

    hub_policy = MatchPolicy(threshold=5.0, merge_margin=0.5)
    men = companion_policy(hub_policy)
    assert not set(rarity.RARITY_COLUMNS) & (set(men.weights) | set(men.weights_without_entities))
    assert men.threshold == 5.0 + COMPANION_THRESHOLD_SHIFT and men.merge_margin == 0.5


def test_a_copied_or_grown_table_keeps_its_weights(encoder):
    table = identity_table(encoder, [MARIA, ELENA])
    table.rarity[:2] = [0.25, 0.75]
    assert table.take([1, 0]).rarity[:2].tolist() == [0.75, 0.25]
    table.append([encoder.encode_identity(MARIA)] * 2000)  # grows past its capacity
    assert table.rarity[:3].tolist() == [0.25, 0.75, 1.0]


def test_a_date_that_differs_counts_against_a_pair_in_both_weight_sets():
    """Clustering weighs every cross pair of two persons, most of them women of other
    names and dates: when a refit once gave a differing date a positive weight (the
    rarity columns gated on the dates), FEBRL2 through the command line merged
    different women (precision 0.86)."""
    policy = MatchPolicy()
    for weights in (policy.weights, policy.weights_without_entities):
        assert weights["dob_different"] < -3
        assert weights["dob_different"] < weights["dob_partial"] < weights["dob_exact"]

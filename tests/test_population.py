"""How many namesakes a population holds (linkage/population.py), and the hub's own
count of them, which its automatic threshold follows (hub/settings.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest

from hub.linker import Linker
from hub.store import HubStore
from linkage import population
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.population import NameCounts, name_keys, namesakes, rise_names_need
from linkage.schema import default_schema
from node.csv_import import parse_row
from node.importer import encode_sighting
from zichtlijn import wire

ENCODER = Encoder(default_schema(), derive_purpose_keys(b"\x0b" * 32, 1))


def filters(*rows: list[int]) -> np.ndarray:
    return np.array(rows, dtype=np.uint64)


def test_equal_filters_of_one_epoch_share_a_key_and_nothing_else_does():
    table = filters([1, 2, 3], [1, 2, 3], [1, 2, 2], [3, 2, 1])
    keys = name_keys(table)
    assert keys[0] == keys[1]
    assert len({int(k) for k in keys[1:]}) == 3  # one bit off, or the words reordered
    assert name_keys(table, epoch=2)[0] != keys[0]  # another key epoch, unrelated bits
    assert name_keys(table, np.array([3, 0])).tolist() == [keys[3], keys[0]]


def test_keys_do_not_depend_on_how_many_rows_are_hashed_at_once(monkeypatch):
    table = np.random.default_rng(1).integers(0, 2**63, size=(7, 4), dtype=np.uint64)
    whole = name_keys(table)
    monkeypatch.setattr(population, "_CHUNK_ROWS", 2)
    assert name_keys(table).tolist() == whole.tolist()


def test_namesakes_count_the_other_persons_sharing_each_of_a_persons_keys():
    #        key:  a  a  b  a  c  d  d
    keys = np.array([1, 1, 2, 1, 3, 4, 4], dtype=np.uint64)
    persons = np.array([10, 10, 20, 30, 40, 40, 50])
    # a: persons 10 and 30 (one other each); d: 40 and 50; b and c: nobody else
    assert namesakes(keys, persons) == pytest.approx((1 + 1 + 1 + 1) / 5)
    assert namesakes(keys, np.arange(7)) == pytest.approx((3 * 2 + 2 * 1) / 7)
    assert namesakes(keys, np.zeros(7)) == 0.0  # one person written four ways
    assert namesakes(np.empty(0, dtype=np.uint64), np.empty(0)) == 0.0


def sighting(given: str, surname: str, born: str) -> object:
    row = {"case_ref": "X-1", "observed_on": "2026-10-01", "given_names": given,
           "surname": surname, "date_of_birth": born}
    message = encode_sighting(parse_row(2, row, dt.date(2026, 11, 23)), ENCODER)
    message.sighting_uuid = str(uuid.uuid4())
    return message


def test_the_hub_counts_the_namesakes_among_the_persons_it_linked(tmp_path):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    assert linker.population().namesakes == 0.0 and linker.population().persons == 0
    batch = [sighting("Maria", "Popa", "14-03-1998"), sighting("Maria", "Popa", "14-03-1998"),
             sighting("Maria", "Popa", "02-11-1975"),  # a namesake: another woman
             sighting("Oksana", "Melnyk", "05-06-2001")]
    store.store_batch("GM0363", wire.batch_digest(batch), batch)
    linker.link_pending()
    held = linker.population()
    # three persons; the two Maria Popas each share their filter with the other
    assert held.persons == 3 and held.namesakes == pytest.approx(2 / 3)
    # a restarted hub counts the same from what it loads
    assert Linker(store, default_schema(), MatchPolicy()).population() == held
    store.close()


def test_name_counts_tell_other_persons_per_name_and_nothing_of_an_epoch_not_counted():
    # persons 1 and 2 carry name 10, person 3 carries 20 (twice); epoch 1 counted
    counts = NameCounts.of(np.array([10, 10, 20, 20], dtype=np.uint64),
                           np.array([1, 2, 3, 3]), epochs=[1])
    others = counts.others(np.array([10, 20, 30, 10], dtype=np.uint64), np.array([1, 1, 1, 2]))
    assert others.tolist() == [1.0, 0.0, 0.0, float("inf")]  # 30: no one; epoch 2: unknown
    # names borne by no more than `fitted` others are not kept: they need no rise either
    kept = NameCounts.of(np.array([10, 10, 10, 20], dtype=np.uint64), np.array([1, 2, 3, 4]),
                         epochs=[1], fitted=1.5)
    assert kept.keys.tolist() == [10] and kept.persons.tolist() == [3]


def test_a_names_keys_under_two_epochs_are_one_name_where_a_sighting_carries_both():
    keys = np.array([[50, 0], [50, 7], [9, 7], [60, 0], [0, 0], [80, 3], [3, 40]],
                    dtype=np.uint64)
    present = np.array([[1, 0], [1, 1], [1, 1], [1, 0], [0, 0], [1, 1], [1, 1]], dtype=bool)
    # 50-7 and 9-7 chain into one name (label: its smallest key); 80-3-40 likewise
    assert population.name_classes(keys, present).tolist() == [7, 7, 7, 60, 0, 3, 3]
    # one epoch: each key is its own name
    assert population.name_classes(keys[:, :1], present[:, :1]).tolist() == [
        50, 50, 9, 60, 0, 80, 3]
    counts = NameCounts.across_epochs(keys, present, np.array([1, 2, 3, 4, 5, 6, 6]), [1, 2])
    # every key of the chained name carries its three persons, whichever epoch asks;
    # names one person bears are not kept
    assert dict(zip(counts.keys.tolist(), counts.persons.tolist(), strict=True)) == {
        7: 3, 9: 3, 50: 3}
    assert counts.others_across_epochs(keys[[0, 5]], present[[0, 5]],
                                       [1, 2]).tolist() == [2.0, 0.0]
    # a key bridged after the count, or never seen, says less than the whole count of
    # the other epoch; an epoch not counted says nothing
    assert counts.others_across_epochs(np.array([[50, 999], [50, 7]], dtype=np.uint64),
                                       np.ones((2, 2), dtype=bool), [1, 2]).tolist() == [
        2.0, 2.0]
    only_old = NameCounts(counts.keys, counts.persons, frozenset({1}))
    assert only_old.others_across_epochs(np.array([[50, 7], [0, 7]], dtype=np.uint64),
                                         np.array([[1, 1], [0, 1]], dtype=bool),
                                         [1, 2]).tolist() == [2.0, float("inf")]


def test_a_pair_needs_the_rise_of_its_name_between_none_and_all_of_it():
    fitted = 2.0
    others = np.array([0.0, 2.0, 2.0 * np.e, 2.0 * np.e ** 3, np.inf])
    assert rise_names_need(others, 2.0, fitted).tolist() == pytest.approx(
        [0.0, 0.0, 1.0, 2.0, 2.0])

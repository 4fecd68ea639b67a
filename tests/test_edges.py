"""EdgeStore: scored links in numpy arrays behave like a dict of neighbours."""

from __future__ import annotations

import numpy as np

from linkage.edges import EdgeStore


def neighbours(store: EdgeStore, row: int) -> dict[int, float]:
    others, scores = store.neighbours(row)
    return dict(zip(others.tolist(), scores.tolist(), strict=True))


def test_a_link_is_seen_from_both_ends_with_its_score():
    store = EdgeStore()
    store.add(np.array([0, 2]), np.array([1, 0]), np.array([3.5, -1.25], dtype=np.float32))
    assert neighbours(store, 0) == {1: 3.5, 2: -1.25}
    assert neighbours(store, 1) == {0: 3.5}
    assert neighbours(store, 2) == {0: -1.25}
    assert len(store) == 2


def test_rows_without_links_and_rows_beyond_the_store_have_no_neighbours():
    store = EdgeStore()
    store.grow(5)
    store.add(np.array([1]), np.array([3]), np.array([1.0]))
    assert store.rows == 5
    assert neighbours(store, 0) == {} and neighbours(store, 4) == {}
    assert neighbours(store, 1_000) == {}


def test_scores_keep_their_float32_value():
    store = EdgeStore()
    score = np.float32(2.3)  # not exactly 2.3: the stored value must be this one
    store.add(np.array([0]), np.array([1]), np.array([score]))
    assert store.neighbours(0)[1][0] == score


def test_links_added_in_many_calls_grow_the_store_like_one_call():
    rng = np.random.default_rng(7)
    left = rng.integers(0, 3000, 20_000)
    right = rng.integers(0, 3000, 20_000)
    keep = left != right
    left, right = left[keep], right[keep]
    scores = rng.normal(size=len(left)).astype(np.float32)
    once = EdgeStore()
    once.add(left, right, scores)
    grown = EdgeStore()  # starts empty: every call grows rows and link arrays
    for start in range(0, len(left), 997):
        grown.add(left[start : start + 997], right[start : start + 997],
                  scores[start : start + 997])
    expected: dict[int, list[tuple[int, float]]] = {}
    for a, b, s in zip(left.tolist(), right.tolist(), scores.tolist(), strict=True):
        expected.setdefault(a, []).append((b, s))
        expected.setdefault(b, []).append((a, s))
    for store in (once, grown):
        assert len(store) == len(left)
        for row in range(store.rows):
            others, found = store.neighbours(row)
            assert sorted(zip(others.tolist(), found.tolist(), strict=True)) == sorted(
                expected.get(row, []))


def test_removing_rows_drops_their_links_at_both_ends():
    store = EdgeStore()
    store.add(np.array([0, 0, 1, 3, 4]), np.array([1, 2, 2, 4, 5]),
              np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    lost = store.remove_rows(np.array([0, 4]))
    assert lost.tolist() == [1, 2, 3, 5]  # the rows that lost a link, not the removed ones
    assert neighbours(store, 0) == {} and neighbours(store, 4) == {}
    assert neighbours(store, 1) == {2: 3.0}
    assert neighbours(store, 2) == {1: 3.0}
    assert neighbours(store, 3) == {} and neighbours(store, 5) == {}
    assert len(store) == 1
    store.add(np.array([0]), np.array([5]), np.array([6.0]))  # a removed row can link again
    assert neighbours(store, 5) == {0: 6.0}


def test_removing_nothing_or_unknown_rows_changes_nothing():
    store = EdgeStore()
    store.add(np.array([0]), np.array([1]), np.array([1.0]))
    assert store.remove_rows(np.array([], dtype=np.int64)).tolist() == []
    assert store.remove_rows(np.array([7])).tolist() == []
    assert neighbours(store, 0) == {1: 1.0}


# -- found by mutation testing: sizes at the edges and the order of a row's links ---------


def test_an_empty_store_has_no_rows_and_adding_no_links_changes_nothing():
    store = EdgeStore()
    assert (store.rows, len(store)) == (0, 0)
    store.add(np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([]))
    assert (store.rows, len(store)) == (0, 0)
    store.add(np.array([0]), np.array([3]), np.array([1.0]))
    assert store.rows == 4  # rows 0..3, the largest end
    store.add(np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([]))
    assert (store.rows, len(store)) == (4, 1)


def test_growing_twice_makes_room_for_exactly_the_rows_asked():
    store = EdgeStore()
    store.grow(5)
    store.grow(8)
    store.grow(3)  # never shrinks
    assert store.rows == 8


def test_the_row_just_past_the_store_has_no_neighbours_and_removing_it_is_ignored():
    store = EdgeStore()
    store.add(np.array([0]), np.array([1]), np.array([1.0]))
    assert neighbours(store, store.rows) == {}
    assert store.remove_rows(np.array([store.rows])).tolist() == []
    assert neighbours(store, 0) == {1: 1.0}


def test_a_rows_new_links_follow_its_old_ones_in_the_order_given():
    store = EdgeStore()
    store.add(np.array([0]), np.array([5]), np.array([1.0]))
    store.add(np.array([0, 0]), np.array([2, 4]), np.array([2.0, 4.0]))
    others, scores = store.neighbours(0)
    assert others.tolist() == [5, 2, 4]
    assert scores.tolist() == [1.0, 2.0, 4.0]

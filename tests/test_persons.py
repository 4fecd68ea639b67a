"""PersonGraph: undated sightings attach only when unambiguous; big chains are split."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from linkage.compare import MatchPolicy
from linkage.persons import MAX_COMPONENT, PersonGraph

POLICY = MatchPolicy(threshold=1.5, cluster_mean=-1.0, veto=-6.0, link_floor=-3.0,
                     attach_mean=-3.0)


def scorer_from(pairs: dict[tuple[int, int], float], default: float = -10.0):
    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.array([pairs.get((min(a, b), max(a, b)), default)
                         for a, b in zip(left.tolist(), right.tolist(), strict=True)],
                        dtype=np.float32)
    return score


def build(n: int, pairs: dict[tuple[int, int], float], dated: list[bool]) -> PersonGraph:
    graph = PersonGraph(POLICY)
    graph.add_rows(range(n))
    links = [p for p, s in pairs.items() if s >= POLICY.link_floor]
    graph.add_links(links, [pairs[p] for p in links])
    graph.update(range(n), scorer_from(pairs), np.array(dated))
    return graph


def test_undated_sighting_joins_the_only_person_it_agrees_with():
    # 0,1: one dated woman; 2: the same name without a date of birth
    graph = build(3, {(0, 1): 9.0, (0, 2): -1.0, (1, 2): -1.5}, [True, True, False])
    assert graph.person_root(2) == graph.person_root(0) == 0


def test_undated_sighting_joins_the_one_namesake_it_clearly_agrees_with():
    # 0 and 1 are two women of one name; 2 agrees with 0 well and with 1 only barely
    # (both at attach_mean): 0 is the only one at attach_clear, so 2 is hers
    assert POLICY.attach_mean <= -2.5 < POLICY.attach_clear <= -1.0
    pairs = {(0, 1): -20.0, (0, 2): -1.0, (1, 2): -2.5}
    graph = build(3, pairs, [True, True, False])
    assert graph.person_root(2) == graph.person_root(0) == 0
    # with one bar (attach_clear no higher than attach_mean) the same is ambiguous
    one_bar = PersonGraph(replace(POLICY, attach_clear=POLICY.attach_mean))
    one_bar.add_rows(range(3))
    one_bar.add_links(list(pairs), list(pairs.values()))
    one_bar.update(range(3), scorer_from(pairs), np.array([True, True, False]))
    assert one_bar.person_root(2) == 2


def test_undated_sighting_clear_with_two_namesakes_stays_alone():
    pairs = {(0, 1): -20.0, (0, 2): -1.0, (1, 2): -1.5}
    graph = build(3, pairs, [True, True, False])
    assert graph.person_root(2) == 2


def test_undated_sighting_between_two_namesakes_stays_alone():
    # 0 and 1 are two women with the same common name and different dates of birth
    pairs = {(0, 1): -20.0, (0, 2): -1.0, (1, 2): -1.0}
    graph = build(3, pairs, [True, True, False])
    assert {graph.person_root(r) for r in range(3)} == {0, 1, 2}


def random_links(rng: np.random.Generator, n: int
                 ) -> tuple[dict[tuple[int, int], float], list[bool]]:
    """Scores for 8% of the pairs of n rows (strong, weak, veto), and which rows are dated."""
    pairs = {}
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < 0.08:
                pairs[(a, b)] = float(rng.choice([-8.0, -2.0, 3.0, 9.0]))
    return pairs, list(rng.random(n) < 0.8)


def test_incremental_update_equals_one_update():
    n = 60
    pairs, dated = random_links(np.random.default_rng(4), n)
    once = build(n, pairs, dated)

    graph = PersonGraph(POLICY)
    for night in range(0, n, 7):
        rows = range(night, min(night + 7, n))
        graph.add_rows(rows)
        new = [p for p, s in pairs.items() if s >= POLICY.link_floor and p[1] in rows]
        graph.add_links(new, [pairs[p] for p in new])
        graph.update(rows, scorer_from(pairs), np.array(dated))
    assert [graph.person_root(r) for r in range(n)] == [once.person_root(r) for r in range(n)]


def test_an_oversized_chain_is_split_before_clustering():
    n = MAX_COMPONENT * 2 + 10
    # one long chain of weak-but-strong links, with tight pairs along it
    pairs = {(i, i + 1): 2.0 for i in range(n - 1)}
    pairs.update({(i, i + 1): 12.0 for i in range(0, n - 1, 2)})
    graph = build(n, pairs, [True] * n)
    sizes = sorted(len(m) for m in graph.clusters())
    assert max(sizes) <= 2  # the tight pairs survive, the chain does not
    assert graph.person_root(1) == graph.person_root(0)


def test_splitting_a_grown_component_keeps_every_row_in_a_cluster():
    """A person first clustered whole, then split when the chain grows past the limit."""
    n = MAX_COMPONENT + 50
    pairs = {(i, i + 1): 3.0 for i in range(n - 1)}
    scorer = scorer_from(pairs, default=0.0)  # unrelated pairs: neutral, not vetoing
    graph = PersonGraph(POLICY)
    first = range(MAX_COMPONENT - 10)
    graph.add_rows(first)
    links = [(i, i + 1) for i in range(len(first) - 1)]
    graph.add_links(links, [3.0] * len(links))
    graph.update(first, scorer, np.ones(n, dtype=bool))
    rest = range(len(first), n)
    graph.add_rows(rest)
    links = [(i, i + 1) for i in range(len(first) - 1, n - 1)]
    graph.add_links(links, [3.0] * len(links))
    graph.update(rest, scorer, np.ones(n, dtype=bool))
    for row in range(n):
        assert row in graph.members(graph.base(row))


def test_scoring_in_slices_gives_the_scores_of_one_call(monkeypatch):
    from linkage import persons

    calls = []
    scorer = scorer_from({(0, 1): 9.0, (2, 3): 4.0, (0, 3): -2.0})

    def counted(left, right):
        calls.append(len(left))
        return scorer(left, right)

    left, right = np.array([0, 2, 0, 1, 1]), np.array([1, 3, 3, 2, 3])
    monkeypatch.setattr(persons, "SCORE_SLICE", 2)
    sliced = persons.score_in_slices(counted, left, right)
    assert calls == [2, 2, 1]
    assert sliced.tolist() == scorer(left, right).tolist()


def test_clusters_restored_at_start_up_keep_their_rows_in_order():
    graph = PersonGraph(POLICY)
    graph.add_rows(range(6), [0, 0, 2, 0, 2, 5])
    assert graph.clusters() == [[0, 1, 3], [2, 4], [5]]
    assert graph.members(graph.base(3)) == [0, 1, 3]
    assert graph.person_root(4) == 2


def test_a_graph_grows_past_its_first_capacity_night_by_night():
    n = 3000  # the first allocation holds 1024 rows
    pairs = {(i, i + 1): 9.0 for i in range(0, n - 1, 3)}
    graph = PersonGraph(POLICY)
    for night in range(0, n, 400):
        rows = range(night, min(night + 400, n))
        graph.add_rows(rows)
        new = [p for p in pairs if p[1] in rows]
        graph.add_links(new, [pairs[p] for p in new])
        graph.update(rows, scorer_from(pairs), np.ones(n, dtype=bool))
    assert graph.clusters() == [[i, i + 1] if i % 3 == 0 else [i] for i in range(n)
                                if i % 3 != 1]


def test_removing_rows_then_updating_gives_the_persons_of_the_rest():
    n = 60
    pairs, dated = random_links(np.random.default_rng(11), n)
    gone = {3, 17, 18, 40}
    graph = build(n, pairs, dated)
    affected = graph.remove_rows(gone)
    graph.update(sorted(affected), scorer_from(pairs), np.array(dated))
    rest = {p: s for p, s in pairs.items() if not gone & set(p)}
    once = build(n, rest, dated)
    assert all(graph.base(r) is None for r in gone)
    assert [graph.person_root(r) for r in range(n) if r not in gone] == [
        once.person_root(r) for r in range(n) if r not in gone]

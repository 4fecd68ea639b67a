"""Clustering: strong links merge, contradictions never do, order never matters."""

from __future__ import annotations

import numpy as np

from linkage.cluster import cluster_component, components
from linkage.compare import MatchPolicy

POLICY = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0)


def scorer_from(pairs: dict[tuple[int, int], float], default: float = -10.0):
    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.array([pairs.get((min(a, b), max(a, b)), default)
                         for a, b in zip(left, right, strict=True)], dtype=np.float32)
    return score


def test_a_strong_pair_is_one_person():
    assert cluster_component([0, 1], scorer_from({(0, 1): 9.0}), POLICY) == [[0, 1]]


def test_chain_does_not_merge_contradicting_ends():
    # A~B and B~C are links, but A and C contradict each other (e.g. DOBs differ)
    score = scorer_from({(0, 1): 9.0, (1, 2): 8.0, (0, 2): -8.0})
    assert cluster_component([0, 1, 2], score, POLICY) == [[0, 1], [2]]


def test_chain_merges_when_the_ends_are_merely_unsure():
    # A and C are weak (missing DOB) but not contradictory: the mean decides
    score = scorer_from({(0, 1): 9.0, (1, 2): 8.0, (0, 2): 2.0})
    assert cluster_component([0, 1, 2], score, POLICY) == [[0, 1, 2]]


def test_two_sisters_bridged_by_an_ambiguous_sighting_stay_apart():
    # 0,1 = sister one; 3,4 = sister two; 2 looks like both
    pairs = {(0, 1): 12.0, (3, 4): 12.0, (0, 2): 7.0, (1, 2): 7.0, (2, 3): 6.5, (2, 4): 6.5,
             (0, 3): -5.0, (0, 4): -5.0, (1, 3): -5.0, (1, 4): -5.0}
    result = cluster_component([0, 1, 2, 3, 4], scorer_from(pairs), POLICY)
    assert result == [[0, 1, 2], [3, 4]]


def test_result_does_not_depend_on_member_order():
    pairs = {(0, 1): 9.0, (1, 2): 8.0, (0, 2): -8.0, (2, 3): 10.0}
    score = scorer_from(pairs)
    assert cluster_component([3, 2, 1, 0], score, POLICY) == cluster_component(
        [0, 1, 2, 3], score, POLICY)


def test_components_are_connected_sets():
    assert components([(1, 2), (2, 3), (7, 8)], nodes=[5]) == [[1, 2, 3], [5], [7, 8]]


def test_two_persons_seen_twice_need_a_clear_match_to_merge():
    # 0,1 = one woman (her own date of birth twice), 2,3 = a namesake (hers twice); the
    # pairs across score just above the link threshold (dates one apart), none clearly
    policy = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0, merge_margin=1.0)
    across = {(a, b): 6.4 for a in (0, 1) for b in (2, 3)}
    pairs = {(0, 1): 12.0, (2, 3): 12.0, **across}
    assert cluster_component([0, 1, 2, 3], scorer_from(pairs), policy) == [[0, 1], [2, 3]]
    # one clear match across (her date of birth written the same) merges them
    assert cluster_component([0, 1, 2, 3], scorer_from({**pairs, (1, 2): 7.5}), policy) == [
        [0, 1, 2, 3]]
    # without the margin the borderline pairs merge them
    no_margin = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0, merge_margin=0.0)
    assert cluster_component([0, 1, 2, 3], scorer_from(pairs), no_margin) == [[0, 1, 2, 3]]


def test_copies_of_one_record_count_as_one_sighting_under_the_merge_margin():
    # 0,1 = one gemeente's record of her written twice (one copy key), 2,3 = her other
    # controls, under a date one off: every pair across is borderline
    policy = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0, merge_margin=1.0)
    pairs = {(0, 1): 12.0, (2, 3): 12.0, **{(a, b): 6.4 for a in (0, 1) for b in (2, 3)}}
    copies = np.zeros(10, dtype=np.int64)
    copies[[0, 1]] = 77
    assert cluster_component([0, 1, 2, 3], scorer_from(pairs), policy, copies=copies) == [
        [0, 1, 2, 3]]
    # two sightings that are not one record's copies are a person seen twice, as before
    copies[1] = 78
    assert cluster_component([0, 1, 2, 3], scorer_from(pairs), policy, copies=copies) == [
        [0, 1], [2, 3]]
    # rows without a key (0) or past the array have keys of their own, never shared
    assert cluster_component([0, 1, 2, 3], scorer_from(pairs), policy,
                             copies=np.zeros(2, dtype=np.int64)) == [[0, 1], [2, 3]]
    # the margin is all copies change: a veto across still keeps them apart
    vetoed = {**pairs, (1, 3): -5.0}
    copies[1] = 77
    assert cluster_component([0, 1, 2, 3], scorer_from(vetoed), policy, copies=copies) == [
        [0, 1], [2, 3]]


def test_a_single_sighting_joins_a_person_on_a_borderline_link():
    policy = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0, merge_margin=1.0)
    pairs = {(0, 1): 12.0, (0, 2): 6.4, (1, 2): 6.4}
    assert cluster_component([0, 1, 2], scorer_from(pairs), policy) == [[0, 1, 2]]

"""Clustering: strong links merge, contradictions never do, order never matters."""

from __future__ import annotations

import itertools

import numpy as np

from linkage.cluster import (
    attach_choice,
    attach_pairs,
    cluster_component,
    component_pairs,
    components,
)
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


# -- found by mutation testing: the boundaries, and the attachment of undated sightings ---
# Every bar is inclusive ("at least"): a pair scoring exactly the threshold links, a
# cross pair exactly at the veto does not veto, a mean exactly at cluster_mean merges.


def test_a_pair_exactly_at_the_bars_is_one_person_and_just_below_is_not():
    assert cluster_component([0, 1], scorer_from({(0, 1): 6.0}), POLICY) == [[0, 1]]
    assert cluster_component([0, 1], scorer_from({(0, 1): 5.9}), POLICY) == [[0], [1]]
    # a link (at the threshold) whose score is below cluster_mean stays two persons,
    # as it would in a larger component
    strict_mean = MatchPolicy(threshold=2.0, cluster_mean=4.0, veto=-3.0)
    assert cluster_component([0, 1], scorer_from({(0, 1): 3.0}), strict_mean) == [[0], [1]]
    assert cluster_component([0, 1], scorer_from({(0, 1): 4.0}), strict_mean) == [[0, 1]]


def test_links_exactly_at_the_threshold_grow_clusters():
    score = scorer_from({(0, 1): 9.0, (0, 2): 6.0, (1, 2): 6.0})
    assert cluster_component([0, 1, 2], score, POLICY) == [[0, 1, 2]]


def test_a_cross_pair_exactly_at_the_veto_does_not_veto():
    # {0, 1} first; 2 joins on (1, 2) when its cross pairs average at least 4.0
    assert cluster_component([0, 1, 2], scorer_from({(0, 1): 12.0, (1, 2): 11.5, (0, 2): -3.0}),
                             POLICY) == [[0, 1, 2]]
    assert cluster_component([0, 1, 2], scorer_from({(0, 1): 12.0, (1, 2): 11.5, (0, 2): -3.5}),
                             POLICY) == [[0, 1], [2]]


def test_cross_pairs_averaging_exactly_cluster_mean_merge():
    assert cluster_component([0, 1, 2], scorer_from({(0, 1): 12.0, (1, 2): 10.0, (0, 2): -2.0}),
                             POLICY) == [[0, 1, 2]]
    assert cluster_component([0, 1, 2], scorer_from({(0, 1): 12.0, (1, 2): 10.0, (0, 2): -2.5}),
                             POLICY) == [[0, 1], [2]]


def test_one_cross_pair_exactly_at_threshold_plus_margin_is_a_clear_match():
    policy = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0, merge_margin=1.0)
    across = {(a, b): 6.4 for a in (0, 1) for b in (2, 3)}
    pairs = {(0, 1): 12.0, (2, 3): 12.0, **across}
    assert cluster_component([0, 1, 2, 3], scorer_from({**pairs, (1, 2): 7.0}), policy) == [
        [0, 1, 2, 3]]
    assert cluster_component([0, 1, 2, 3], scorer_from({**pairs, (1, 2): 6.9}), policy) == [
        [0, 1], [2, 3]]


def test_the_strongest_link_is_taken_first():
    """1 is linked to 0 (10.0) and to 2 (8.0), and 0 and 2 contradict: 1 goes with 0,
    whatever the row order."""
    pairs = {(0, 1): 10.0, (1, 2): 8.0, (0, 2): -8.0}
    assert cluster_component([0, 1, 2], scorer_from(pairs), POLICY) == [[0, 1], [2]]
    swapped = {(0, 1): 8.0, (1, 2): 10.0, (0, 2): -8.0}
    assert cluster_component([0, 1, 2], scorer_from(swapped), POLICY) == [[0], [1, 2]]


def test_precomputed_scores_are_used_in_component_pair_order():
    members = [7, 3, 5]
    left, right = component_pairs(members)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(3, 5), (3, 7), (5, 7)]
    pairs = {(3, 5): 9.0, (3, 7): -8.0, (5, 7): 8.0}
    scores = scorer_from(pairs)(left, right)
    assert cluster_component(members, None, POLICY, scores=scores) == [[3, 5], [7]]


def test_components_include_isolated_nodes_and_order_by_smallest_member():
    assert components([(9, 4), (4, 2)], nodes=[7, 2]) == [[2, 4, 9], [7]]
    assert components([]) == []


ATTACH = MatchPolicy(veto=-10.0, attach_mean=-2.5, attach_clear=-2.0)


def test_attach_pairs_list_every_undated_row_against_every_dated_row():
    left, right = attach_pairs([10, 11], [[1, 2], [3]])
    assert left.tolist() == [10, 10, 10, 11, 11, 11]
    assert right.tolist() == [1, 2, 3, 1, 2, 3]


def _choice(blocks: list[list[float]], undated: int = 1) -> int | None:
    """attach_choice for one undated sighting's scores against each dated cluster."""
    sizes = [len(b) // undated for b in blocks]
    scores = np.array([score for u in range(undated)
                       for block, size in zip(blocks, sizes, strict=True)
                       for score in block[u * size : (u + 1) * size]], dtype=np.float32)
    return attach_choice(scores, undated, sizes, ATTACH)


def test_an_undated_sighting_joins_the_only_person_it_agrees_with():
    assert _choice([[-1.0, -1.0], [-6.0]]) == 0
    assert _choice([[-6.0], [-1.0, -1.0]]) == 1
    assert _choice([[-6.0], [-6.0]]) is None


def test_the_clear_bar_picks_one_person_when_others_agree_only_at_the_lower_bar():
    assert _choice([[-2.4], [-2.0]]) == 1  # exactly attach_clear
    assert _choice([[-2.4], [-1.0]]) == 1
    assert _choice([[-2.5], [-2.6]]) == 0  # exactly attach_mean, alone
    assert _choice([[-2.4], [-2.4]]) is None  # two at the lower bar: ambiguous
    assert _choice([[-1.0], [-1.5]]) is None  # two at the clear bar: ambiguous


def test_the_mean_is_over_every_sighting_of_the_person():
    assert _choice([[0.0, -4.9], [-9.0]]) == 0  # mean -2.45
    assert _choice([[0.0, -5.1], [-9.0]]) is None  # mean -2.55


def test_one_pair_below_the_veto_rules_a_person_out():
    assert _choice([[30.0, -10.0], [-9.0]]) == 0  # exactly the veto still counts
    assert _choice([[30.0, -10.5], [-9.0]]) is None


def test_an_undated_cluster_of_two_is_averaged_over_both_sightings():
    # rows: undated u0 and u1; dated clusters [a, b] and [c]
    blocks = [[-1.0, -1.0, -4.0, -4.0], [-3.0, -3.0]]  # u0: a, b; u1: a, b
    assert _choice(blocks, undated=2) == 0  # mean -2.5 vs -3.0


def test_a_single_sighting_is_its_own_person_without_scoring():
    assert cluster_component([5], None, POLICY) == [[5]]


def test_persons_are_ordered_by_their_smallest_row():
    pairs = {(0, 2): 9.0, (0, 1): -8.0, (1, 2): 8.0}
    assert cluster_component([0, 1, 2], scorer_from(pairs), POLICY) == [[0, 2], [1]]


def test_components_follow_chains_of_any_depth():
    assert components([(3, 4), (2, 3), (1, 2)]) == [[1, 2, 3, 4]]
    assert components([(5, 6), (4, 5), (3, 4), (2, 3), (1, 2), (0, 1)]) == [list(range(7))]


def test_large_components_list_every_pair_once():
    """Past the cached sizes (64) the pairs are still every pair i < j exactly once."""
    for m in (64, 65, 70):
        left, right = component_pairs(list(range(100, 100 + m)))
        assert list(zip(left.tolist(), right.tolist(), strict=True)) == list(
            itertools.combinations(range(100, 100 + m), 2))


def test_a_row_without_a_copy_key_is_never_taken_for_a_copy_of_a_keyed_row():
    """Keyless rows get keys of their own that cannot equal a real (positive) copy key."""
    policy = MatchPolicy(threshold=6.0, cluster_mean=4.0, veto=-3.0, merge_margin=1.0)
    copies = np.zeros(10, dtype=np.int64)
    copies[1] = 1
    for a, b in ((1, 2), (0, 1)):  # row 1 keyed 1, its partner keyless
        pairs = {(a, b): 12.0, (3, 4): 12.0, **{(x, y): 6.4 for x in (a, b) for y in (3, 4)}}
        assert cluster_component([a, b, 3, 4], scorer_from(pairs), policy, copies=copies) == [
            [a, b], [3, 4]]


def test_a_veto_rules_out_only_that_person():
    assert _choice([[30.0, -10.5], [-1.0]]) == 1
    assert _choice([[-1.0], [30.0, -10.5]]) == 0


def test_the_choice_names_the_right_person_among_several():
    assert _choice([[-6.0], [-6.0, -6.0], [-1.0]]) == 2
    assert _choice([[-6.0], [-1.0, -1.0], [-6.0], [-7.0]]) == 1

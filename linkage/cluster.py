"""Clustering of linked sightings into pseudonymous persons, resisting chaining.

Links (pairs at or above the policy threshold) define connected components.
Inside a component, clusters grow greedily from the strongest link down, and
two clusters merge only when *all* their cross pairs support it: none below
the veto and their mean at least `cluster_mean`. So A~B and B~C never merge A
with C when A and C contradict each other. Two clusters of two or more
sightings each also need one cross pair at least `merge_margin` above the
threshold: a person seen several times is joined to another such person by a
clear match, not by the one borderline pair two namesakes happen to share.
Copies of one record (a gemeente writing its earlier record of a woman again:
the same copy key, see `linking.copy_key`) count as one sighting there: one
record re-used is not a person seen several times.

The result for a component depends only on its members and their scores, so
linking sightings night by night gives the same persons as one batch run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np

from linkage.compare import MatchPolicy

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


class DisjointSets:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.find(parent)
            self.parent[item] = parent
        return parent

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(links: Iterable[tuple[int, int]], nodes: Iterable[int] = ()) -> list[list[int]]:
    """Connected components (each sorted, ordered by smallest member)."""
    sets = DisjointSets()
    for node in nodes:
        sets.find(node)
    for a, b in links:
        sets.union(a, b)
    groups: dict[int, list[int]] = {}
    for node in list(sets.parent):
        groups.setdefault(sets.find(node), []).append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


_KEPT_PAIRS = 64  # components up to this size: well under a megabyte of index arrays


@lru_cache(maxsize=_KEPT_PAIRS)
def _kept_upper_pairs(m: int) -> tuple[np.ndarray, np.ndarray]:
    left, right = np.triu_indices(m, k=1)
    left.flags.writeable = right.flags.writeable = False
    return left, right


def _upper_pairs(m: int) -> tuple[np.ndarray, np.ndarray]:
    """np.triu_indices(m, k=1); kept for small m: a night asks it of tens of thousands
    of small components, and building its m x m mask cost more than their clustering."""
    return _kept_upper_pairs(m) if m <= _KEPT_PAIRS else np.triu_indices(m, k=1)


def component_pairs(members: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of a component's rows, in the order `cluster_component` expects scores."""
    rows = np.array(sorted(members), dtype=np.int64)
    left, right = _upper_pairs(len(rows))
    return rows[left], rows[right]


def _copy_ids(rows: np.ndarray, copies: np.ndarray | None) -> np.ndarray | None:
    """Each row's copy key, or a key of its own (no key: 0, or a row past `copies`)."""
    if copies is None:
        return None
    inside = rows < len(copies)
    keys = np.zeros(len(rows), dtype=np.int64)
    keys[inside] = copies[rows[inside]]
    return np.where(keys != 0, keys, -1 - rows)  # copy keys are positive


def cluster_component(
    members: Sequence[int], scorer: Scorer | None, policy: MatchPolicy,
    scores: np.ndarray | None = None, copies: np.ndarray | None = None,
) -> list[list[int]]:
    """Split one component of strong links into persons; members are row ids.

    `scores` may hold the scores of `component_pairs(members)` computed
    beforehand (many components scored in one call); otherwise `scorer` is used.
    `copies`: a copy key per row id (0: none), rows sharing one are one record's copies.
    """
    rows = np.array(sorted(members), dtype=np.int64)
    m = len(rows)
    if m == 1:
        return [[int(rows[0])]]
    left, right = _upper_pairs(m)
    if scores is None:
        scores = scorer(rows[left], rows[right])
    if m == 2:  # most components: what the greedy merge below decides, without its setup
        score = float(scores[0])
        if score >= max(policy.threshold, policy.cluster_mean, policy.veto):
            return [[int(rows[0]), int(rows[1])]]
        return [[int(rows[0])], [int(rows[1])]]
    matrix = np.full((m, m), np.inf, dtype=np.float32)
    matrix[left, right] = scores
    matrix[right, left] = scores

    candidates = np.flatnonzero(scores >= policy.threshold)
    order = sorted(candidates, key=lambda k: (-float(scores[k]), int(left[k]), int(right[k])))
    groups = _greedy_merge(m, [(int(left[k]), int(right[k])) for k in order], matrix, policy,
                           _copy_ids(rows, copies))
    clusters = [sorted(int(rows[i]) for i in group) for group in groups]
    return sorted(clusters, key=lambda c: c[0])


def _seen_once(members: list[int], copy_ids: np.ndarray | None) -> bool:
    return len(members) == 1 or (copy_ids is not None
                                 and bool((copy_ids[members] == copy_ids[members[0]]).all()))


def _compatible(matrix: np.ndarray, a: list[int], b: list[int], policy: MatchPolicy,
                copy_ids: np.ndarray | None = None) -> bool:
    cross = matrix[a][:, b]
    # sum / size is what mean() computes, without its wrapper's cost on tiny arrays
    if cross.min() < policy.veto or cross.sum() / cross.size < policy.cluster_mean:
        return False
    # two persons already seen more than once: one of them must be a clear match
    return (bool(cross.max() >= policy.threshold + policy.merge_margin)
            or _seen_once(a, copy_ids) or _seen_once(b, copy_ids))


def _greedy_merge(m: int, edges: list[tuple[int, int]], matrix: np.ndarray,
                  policy: MatchPolicy, copy_ids: np.ndarray | None = None) -> list[list[int]]:
    cluster_of = list(range(m))
    members_of: dict[int, list[int]] = {i: [i] for i in range(m)}
    for i, j in edges:
        a, b = cluster_of[i], cluster_of[j]
        if a == b or not _compatible(matrix, members_of[a], members_of[b], policy, copy_ids):
            continue
        keep, gone = min(a, b), max(a, b)
        for k in members_of[gone]:
            cluster_of[k] = keep
        members_of[keep].extend(members_of.pop(gone))
    return list(members_of.values())


def attach_pairs(
    undated: list[int], dated_clusters: list[list[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Every (undated row, dated row) pair `attach_choice` needs scores for, in its order."""
    right = np.concatenate([np.array(c, dtype=np.int64) for c in dated_clusters])
    left = np.repeat(np.array(undated, dtype=np.int64), len(right))
    return left, np.tile(right, len(undated))


def attach_choice(
    scores: np.ndarray, undated: int, sizes: list[int], policy: MatchPolicy
) -> int | None:
    """Which dated cluster an undated cluster joins: the only compatible one, or None.

    A sighting without a date of birth rarely reaches the link threshold on its
    own. It joins the one dated person its weak links point to when it agrees
    with all of that person's sightings well enough, and stays apart when it
    agrees with two or more (a common name: the data cannot say which of the
    namesakes it was). Two bars: the only person it agrees with at
    `attach_clear` is chosen even when others agree at the lower `attach_mean`;
    else the only one at `attach_mean`. In a large population more namesakes
    pass the lower bar, so one bar low enough for a small one turns choices
    ambiguous there. `scores` are those of `attach_pairs`.
    """
    # every cluster's block of columns at once: a night asks this of ten thousand undated
    # clusters with a score or two dozen candidates each, where a loop spent its time in
    # numpy's per-call overhead. Sums in float64, so their order does not matter
    matrix = scores.reshape(undated, sum(sizes)).astype(np.float64)
    starts = np.cumsum([0, *sizes[:-1]])
    lowest = np.minimum.reduceat(matrix, starts, axis=1).min(axis=0)
    mean = np.add.reduceat(matrix, starts, axis=1).sum(axis=0) / (undated * np.asarray(sizes))
    compatible = lowest >= policy.veto
    for bar in (max(policy.attach_clear, policy.attach_mean), policy.attach_mean):
        [matches] = np.nonzero(compatible & (mean >= bar))
        if len(matches):
            return int(matches[0]) if len(matches) == 1 else None
    return None

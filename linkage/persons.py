"""The person graph: links in, persons out, updated incrementally or all at once.

Strong links (score >= threshold) form components; each component is split
into clusters by `cluster_component` (chaining-resistant). A cluster with no
date of birth on any sighting then joins the one dated cluster its weak links
(score >= link floor) point to, if exactly one is compatible, or exactly one
agrees with it clearly (`attach_choice`).

`update(new_rows)` recomputes only what new rows can change: the strong
components they touch, and every undated cluster that has a weak link into
those components. Both steps depend only on their inputs, so updating night
by night gives exactly the persons of one update over everything, which is
what `link_all` and `relink` do.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable

import numpy as np

from linkage.cluster import attach_choice, attach_pairs, cluster_component, component_pairs
from linkage.compare import MatchPolicy
from linkage.edges import EdgeStore

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: A component larger than this is split by raising the link bar inside it
#: (one log-odds step at a time) before clustering: chains of coincidences
#: (a common name and a shared birthday) can join hundreds of women at
#: national scale, and clustering costs the square of a component's size.
MAX_COMPONENT = 400
_SPLIT_STEP = 1.0


#: pairs per scoring call: a call builds a dozen feature arrays of this length, so a
#: relink of a million sightings would otherwise hold gigabytes of them at once
SCORE_SLICE = 500_000


def score_in_slices(scorer: Scorer, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """`scorer(left, right)`, computed SCORE_SLICE pairs at a time."""
    if len(left) <= SCORE_SLICE:
        return scorer(left, right)
    return np.concatenate([scorer(left[i : i + SCORE_SLICE], right[i : i + SCORE_SLICE])
                           for i in range(0, len(left), SCORE_SLICE)])


class PersonGraph:
    """Links, clusters and persons of rows 0..size-1, held in numpy arrays.

    Per row: its cluster's base (the cluster's first row; -1 once removed),
    the next row of its cluster (clusters are chains in ascending row order,
    -1 ends one) and, for a base, the base of the dated cluster an undated
    cluster joined (-1: none). Links are an EdgeStore, strong and weak ones
    alike, told apart by their score. At a million rows dicts of these cost
    gigabytes; the arrays cost 12 bytes a row and 8 bytes a link end.
    """

    def __init__(self, policy: MatchPolicy) -> None:
        self.policy = policy
        self.links = EdgeStore()
        self.size = 0
        self._base = np.empty(0, dtype=np.int32)
        self._next = np.empty(0, dtype=np.int32)
        self._target = np.empty(0, dtype=np.int32)
        # each row's copy key (linking.copy_key; 0: none): copies count as one sighting
        # when clustering asks whether two persons were each seen more than once
        self.copies = np.empty(0, dtype=np.int64)

    def _grow(self, size: int) -> None:
        if size > len(self._base):
            capacity = max(size, 2 * len(self._base), 1024)
            for name in ("_base", "_next", "_target"):
                grown = np.full(capacity, -1, dtype=np.int32)
                old = getattr(self, name)
                grown[: len(old)] = old
                setattr(self, name, grown)
            copies = np.zeros(capacity, dtype=np.int64)
            copies[: len(self.copies)] = self.copies
            self.copies = copies
        self.size = max(self.size, size)
        self.links.grow(self.size)

    # -- reading ------------------------------------------------------------------------

    def base(self, row: int) -> int | None:
        """The first row of the cluster `row` is in (None: not in the graph)."""
        if row >= self.size or self._base[row] < 0:
            return None
        return int(self._base[row])

    def members(self, base: int) -> list[int]:
        """The rows of the cluster named after `base`, ascending."""
        out, row = [], base
        while row >= 0:
            out.append(row)
            row = int(self._next[row])
        return out

    def clusters(self) -> list[list[int]]:
        """Every cluster, in order of its first row."""
        bases = np.flatnonzero(self._base[: self.size] == np.arange(self.size))
        return [self.members(int(base)) for base in bases]

    def linked(self, row: int) -> list[int]:
        """Every row linked to `row`, strongly or weakly."""
        return self.links.neighbours(row)[0].tolist()

    def _strong(self, row: int, bar: float) -> list[int]:
        others, scores = self.links.neighbours(row)
        # compared as float64, as the scores (float32 values) always were
        return others[scores.astype(np.float64) >= bar].tolist()

    def person_root(self, row: int) -> int:
        """The row a person is named after: the first row of its dated cluster."""
        base = int(self._base[row])
        target = int(self._target[base])
        return base if target < 0 else target

    def bases(self, rows: np.ndarray) -> np.ndarray:
        """`base` of each of `rows` (all in the graph)."""
        return self._base[np.asarray(rows, dtype=np.int64)].astype(np.int64)

    def person_roots(self, rows: np.ndarray) -> np.ndarray:
        """`person_root` of each of `rows`."""
        bases = self._base[np.asarray(rows, dtype=np.int64)]
        targets = self._target[bases]
        return np.where(targets < 0, bases, targets).astype(np.int64)

    # -- changing -----------------------------------------------------------------------

    def add_rows(self, rows: Iterable[int], bases: Iterable[int] | None = None,
                 copies: np.ndarray | None = None) -> None:
        """New rows as their own clusters, or restored into known clusters (hub start-up).

        Restored clusters must come with their first row (the base) among `rows`.
        `copies`: each row's copy key (`linking.copy_key`), if known.
        """
        rows = np.fromiter(rows, dtype=np.int64)
        if not len(rows):
            return
        bases = rows if bases is None else np.fromiter(bases, dtype=np.int64, count=len(rows))
        self._grow(int(rows.max()) + 1)
        if copies is not None:
            self.copies[rows] = copies
        self._base[rows] = bases
        self._target[rows] = -1
        # chain each cluster's rows in ascending order
        order = np.lexsort((rows, bases))
        rows, bases = rows[order], bases[order]
        same = bases[1:] == bases[:-1]
        self._next[rows] = -1
        self._next[rows[:-1][same]] = rows[1:][same]

    def add_links(self, links: np.ndarray | Iterable[tuple[int, int]],
                  scores: np.ndarray | Iterable[float]) -> None:
        """Links (pairs of rows) at or above the link floor, with their scores."""
        pairs = np.asarray(links if isinstance(links, np.ndarray) else list(links),
                           dtype=np.int32).reshape(-1, 2)  # rows, as EdgeStore holds them
        values = np.asarray(scores if isinstance(scores, np.ndarray) else list(scores),
                            dtype=np.float32)
        self.links.add(pairs[:, 0], pairs[:, 1], values)

    def _set_cluster(self, cluster: list[int]) -> None:
        """Make the ascending rows `cluster` one cluster named after its first row."""
        base = cluster[0]
        for row, following in itertools.pairwise(cluster):
            self._base[row] = base
            self._next[row] = following
        self._base[cluster[-1]] = base
        self._next[cluster[-1]] = -1
        self._target[base] = -1

    def _component(self, start: int, seen: set[int], bar: float | None = None,
                   within: set[int] | None = None) -> list[int]:
        bar = self.policy.threshold if bar is None else bar
        queue, members = deque([start]), []
        seen.add(start)
        while queue:
            row = queue.popleft()
            members.append(row)
            for other in self._strong(row, bar):
                if other in seen or (within is not None and other not in within):
                    continue
                seen.add(other)
                queue.append(other)
        return members

    def _split(self, component: list[int], bar: float) -> list[list[int]]:
        """Parts of an oversized component held together by links of at least `bar`."""
        if len(component) <= MAX_COMPONENT:
            return [component]
        within, seen, parts = set(component), set(), []
        for row in sorted(component):
            if row not in seen:
                part = self._component(row, seen, bar, within)
                parts += self._split(part, bar + _SPLIT_STEP)
        return parts

    def update(self, new_rows: Iterable[int], scorer: Scorer, dated: np.ndarray) -> set[int]:
        """Re-cluster what `new_rows` can change; returns the rows whose person may differ."""
        seen: set[int] = set()
        components = [self._component(row, seen) for row in new_rows if row not in seen]
        touched = [row for component in components for row in component]
        components = [part for component in components
                      for part in self._split(component, self.policy.threshold + _SPLIT_STEP)]
        # few scoring calls for every pair of every touched component: per-call
        # overhead, not arithmetic, dominates when components are small
        pairs = [component_pairs(c) for c in components if len(c) > 1]
        scores = iter(())
        if pairs:
            flat = score_in_slices(scorer, np.concatenate([p[0] for p in pairs]),
                                   np.concatenate([p[1] for p in pairs]))
            bounds = np.cumsum([0] + [len(p[0]) for p in pairs])
            scores = iter(flat[a:b] for a, b in itertools.pairwise(bounds))
            del pairs
        # an old cluster lies inside one component, so its base is touched too: forgetting
        # the attachments of the touched bases forgets every old cluster's
        if touched:
            old = self._base[np.array(touched, dtype=np.int64)]
            self._target[old[old >= 0]] = -1
        for component in components:
            self._recluster(component, next(scores) if len(component) > 1 else None)
        base = self._base
        undated_bases = {int(base[r]) for r in touched if not dated[r]}
        for row in touched:
            for other in self.linked(row):
                if not dated[other]:
                    undated_bases.add(int(base[other]))
        changed = set(touched)
        jobs = []
        for undated in sorted(undated_bases):
            rows = self.members(undated)
            self._target[undated] = -1
            if dated[rows].any():
                continue
            changed.update(rows)
            candidates = sorted({int(base[other]) for row in rows
                                 for other in self.linked(row) if dated[other]})
            if candidates:
                jobs.append((undated, rows, candidates))
        self._attach_all(jobs, scorer)
        return changed

    def _recluster(self, component: list[int], scores: np.ndarray | None) -> None:
        for cluster in cluster_component(component, None, self.policy, scores, self.copies):
            self._set_cluster(cluster)

    def _attach_all(self, jobs: list[tuple[int, list[int], list[int]]],
                    scorer: Scorer) -> None:
        """Decide every undated cluster's person, all pairs scored in one call."""
        if not jobs:
            return
        # each candidate person's rows, walked once for its pairs and its size
        persons = [[self.members(c) for c in candidates] for _, _, candidates in jobs]
        pairs = [attach_pairs(rows, of_job) for (_, rows, _), of_job in zip(jobs, persons,
                                                                            strict=True)]
        flat = score_in_slices(scorer, np.concatenate([p[0] for p in pairs]),
                               np.concatenate([p[1] for p in pairs]))
        start = 0
        for (undated, rows, candidates), of_job, (left, _) in zip(jobs, persons, pairs,
                                                                  strict=True):
            scores = flat[start : start + len(left)]
            start += len(left)
            choice = attach_choice(scores, len(rows), [len(p) for p in of_job], self.policy)
            if choice is not None:
                self._target[undated] = candidates[choice]

    def not_linked(self, pairs: np.ndarray) -> np.ndarray:
        """The pairs (rows) that are not links of the graph yet."""
        if not len(pairs):
            return pairs
        held = np.array([int(a) in set(self.links.neighbours(int(b))[0].tolist())
                         for a, b in pairs], dtype=bool)
        return pairs[~held]

    def remove_rows(self, rows: Iterable[int]) -> set[int]:
        """Take rows out of the graph (withdrawn or purged sightings); the rows to `update`.

        Their links go. Every cluster that held one of them is dissolved into
        single rows: without it the cluster may fall apart, or its person may
        be named after another first row. Undated clusters attached to such a
        cluster, or weakly linked to a removed row, must choose again. Passing
        the returned rows to `update` re-clusters and re-attaches all of that
        as if those rows had just arrived, so the result is what one update
        over the remaining rows gives.
        """
        gone = {row for row in rows if self.base(row) is not None}
        affected = set(self.links.remove_rows(np.array(sorted(gone), dtype=np.int64)).tolist())
        dissolved = {int(self._base[r]) for r in gone}
        for base in dissolved:
            for member in self.members(base):
                self._next[member] = -1
                self._target[member] = -1
                if member in gone:
                    self._base[member] = -1
                else:
                    self._base[member] = member
                    affected.add(member)
        if dissolved:
            attached = np.flatnonzero(np.isin(self._target[: self.size], sorted(dissolved)))
            for undated in attached.tolist():
                affected.update(self.members(undated))
        return affected - gone

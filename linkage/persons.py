"""The person graph: links in, persons out, updated incrementally or all at once.

Strong links (score >= threshold) form components; each component is split
into clusters by `cluster_component` (chaining-resistant). A cluster with no
date of birth on any sighting then joins the one dated cluster its weak links
(score >= link floor) point to, if exactly one is compatible (`attach_choice`).

`update(new_rows)` recomputes only what new rows can change: the strong
components they touch, and every undated cluster that has a weak link into
those components. Both steps depend only on their inputs, so updating night
by night gives exactly the persons of one update over everything, which is
what `link_all` and `relink` do.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from linkage.cluster import attach_choice, attach_pairs, cluster_component, component_pairs
from linkage.compare import MatchPolicy

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
    def __init__(self, policy: MatchPolicy) -> None:
        self.policy = policy
        self.strong: dict[int, dict[int, float]] = {}
        self.weak: dict[int, set[int]] = {}
        self.base_of: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.target: dict[int, int] = {}

    def add_rows(self, rows: Iterable[int], bases: Iterable[int] | None = None) -> None:
        """New rows as their own clusters, or restored into known clusters (hub start-up)."""
        rows = list(rows)
        for row, base in zip(rows, bases if bases is not None else rows, strict=True):
            self.base_of[row] = base
            self.members.setdefault(base, []).append(row)

    def add_links(self, links: Iterable[tuple[int, int]], scores: Iterable[float]) -> None:
        # a link is kept once: strong, or weak (below the threshold); at a million rows a
        # second copy of every strong link as a weak one costs hundreds of megabytes
        for (a, b), score in zip(links, scores, strict=True):
            if score >= self.policy.threshold:
                self.strong.setdefault(a, {})[b] = score
                self.strong.setdefault(b, {})[a] = score
            else:
                self.weak.setdefault(a, set()).add(b)
                self.weak.setdefault(b, set()).add(a)

    def linked(self, row: int) -> Iterator[int]:
        """Every row linked to `row`, strongly or weakly."""
        yield from self.strong.get(row, ())
        yield from self.weak.get(row, ())

    def _component(self, start: int, seen: set[int], bar: float | None = None,
                   within: set[int] | None = None) -> list[int]:
        queue, members = deque([start]), []
        seen.add(start)
        while queue:
            row = queue.popleft()
            members.append(row)
            for other, score in self.strong.get(row, {}).items():
                if other in seen or (bar is not None and score < bar):
                    continue
                if within is not None and other not in within:
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
        # forget every old cluster first: an old cluster may span two parts of a split
        for row in touched:
            base = self.base_of.get(row)
            if base is not None and self.members.pop(base, None) is not None:
                self.target.pop(base, None)
        for component in components:
            self._recluster(component, next(scores) if len(component) > 1 else None)
        undated_bases = {self.base_of[r] for r in touched if not dated[r]}
        for row in touched:
            for other in self.linked(row):
                if not dated[other]:
                    undated_bases.add(self.base_of[other])
        changed = set(touched)
        jobs = []
        for base in sorted(undated_bases):
            rows = self.members[base]
            self.target.pop(base, None)
            if dated[rows].any():
                continue
            changed.update(rows)
            candidates = sorted({self.base_of[other] for row in rows
                                 for other in self.linked(row) if dated[other]})
            if candidates:
                jobs.append((base, rows, candidates))
        self._attach_all(jobs, scorer)
        return changed

    def _recluster(self, component: list[int], scores: np.ndarray | None) -> None:
        for cluster in cluster_component(component, None, self.policy, scores):
            self.members[cluster[0]] = cluster
            for row in cluster:
                self.base_of[row] = cluster[0]

    def _attach_all(self, jobs: list[tuple[int, list[int], list[int]]],
                    scorer: Scorer) -> None:
        """Decide every undated cluster's person, all pairs scored in one call."""
        if not jobs:
            return
        pairs = [attach_pairs(rows, [self.members[c] for c in candidates])
                 for _, rows, candidates in jobs]
        flat = score_in_slices(scorer, np.concatenate([p[0] for p in pairs]),
                               np.concatenate([p[1] for p in pairs]))
        start = 0
        for (base, rows, candidates), (left, _) in zip(jobs, pairs, strict=True):
            scores = flat[start : start + len(left)]
            start += len(left)
            sizes = [len(self.members[c]) for c in candidates]
            choice = attach_choice(scores, len(rows), sizes, self.policy)
            if choice is not None:
                self.target[base] = candidates[choice]

    def person_root(self, row: int) -> int:
        """The row a person is named after: the first row of its dated cluster."""
        base = self.base_of[row]
        return self.target.get(base, base)

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
        gone = set(rows)
        affected: set[int] = set()
        for row in gone:
            for other in self.strong.pop(row, {}):
                if other not in gone:
                    self.strong[other].pop(row, None)
                    affected.add(other)
            for other in self.weak.pop(row, set()):
                if other not in gone:
                    self.weak[other].discard(row)
                    affected.add(other)
        dissolved = {self.base_of[r] for r in gone if r in self.base_of}
        for base in dissolved:
            self.target.pop(base, None)
            for member in self.members.pop(base, []):
                if member in gone:
                    del self.base_of[member]
                else:
                    self.base_of[member] = member
                    self.members[member] = [member]
                    affected.add(member)
        for undated, target in list(self.target.items()):
            if target in dissolved:
                affected.update(self.members[undated])
        return affected - gone

"""Scored undirected links between rows, held as numpy arrays (compressed sparse rows).

At a million sightings the hub holds millions of links. As Python dicts and
sets they cost about 200 bytes a link end; here a link end is 8 bytes: the
other row (int32) and the score (float32, the dtype scores are computed in,
so nothing is rounded). Each row's link ends are one contiguous slice:
`others[start[row]:start[row + 1]]`.

New links are inserted into the slices of their rows in one `np.insert` per
call, which copies the arrays once (linear in the links held). Link runs add
links a chunk at a time, so that copy happens a few dozen times in a full
relink and once a night; into an empty store (a hub start) the sorted links
are the arrays, with nothing to insert into.
"""

from __future__ import annotations

import numpy as np


class EdgeStore:
    """Links between rows 0..rows-1, each stored at both ends with its score."""

    def __init__(self) -> None:
        self.start = np.zeros(1, dtype=np.int64)  # row r's link ends: start[r]:start[r + 1]
        self.others = np.empty(0, dtype=np.int32)
        self.scores = np.empty(0, dtype=np.float32)

    @property
    def rows(self) -> int:
        return len(self.start) - 1

    def __len__(self) -> int:
        """How many links (each counted once, not per end)."""
        return len(self.others) // 2

    def grow(self, rows: int) -> None:
        """Make room for rows up to `rows - 1` (without links yet)."""
        if rows > self.rows:
            self.start = np.concatenate(
                [self.start, np.full(rows - self.rows, self.start[-1], dtype=np.int64)])

    def add(self, left: np.ndarray, right: np.ndarray, scores: np.ndarray) -> None:
        """Add the links (left[i], right[i]) with scores[i]."""
        # int32 ends, and each temporary dropped once used: a hub start adds its
        # millions of stored links in one call, and int64 copies of every end held at
        # once were the start's memory peak (hundreds of megabytes at a million sightings)
        left = np.asarray(left, dtype=np.int32)
        if not len(left):
            return
        right = np.asarray(right, dtype=np.int32)
        ends = np.concatenate([left, right])
        self.grow(int(ends.max()) + 1)
        added = np.bincount(ends, minlength=self.rows)
        # stable: a row's new ends follow its old ones in the order given
        order = np.argsort(ends, kind="stable")
        at = self.start[1:][ends[order]] if len(self.others) else None  # each row's slice end
        del ends
        others = np.concatenate([right, left])[order]
        values = np.tile(np.asarray(scores, dtype=np.float32), 2)[order]
        del order
        if at is None:  # nothing to insert into (a hub start, a relink): the sorted ends
            self.others, self.scores = others, values
        else:
            self.others = np.insert(self.others, at, others)
            self.scores = np.insert(self.scores, at, values)
        self.start[1:] += np.cumsum(added)

    def neighbours(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows linked to `row` and the links' scores (views; do not modify)."""
        if row >= self.rows:
            return self.others[:0], self.scores[:0]
        lo, hi = self.start[row], self.start[row + 1]
        return self.others[lo:hi], self.scores[lo:hi]

    def remove_rows(self, rows: np.ndarray) -> np.ndarray:
        """Drop every link of `rows`; returns the other rows that lost a link (sorted)."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[rows < self.rows]
        if not len(rows) or not len(self.others):
            return np.empty(0, dtype=np.int64)
        gone = np.zeros(self.rows, dtype=bool)
        gone[rows] = True
        ends = np.repeat(np.arange(self.rows, dtype=np.int32), np.diff(self.start))
        drop = gone[ends] | gone[self.others]
        lost = np.unique(ends[drop & ~gone[ends]]).astype(np.int64)
        keep = ~drop
        self.others = self.others[keep]
        self.scores = self.scores[keep]
        self.start[1:] = np.cumsum(np.bincount(ends[keep], minlength=self.rows))
        return lost

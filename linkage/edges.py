"""Scored undirected links between rows, held as numpy arrays (compressed sparse rows).

At a million sightings the hub holds millions of links. As Python dicts and
sets they cost about 200 bytes a link end; here a link end is 8 bytes: the
other row (int32) and the score (float32, the dtype scores are computed in,
so nothing is rounded). Each row's link ends are one contiguous slice:
`others[start[row]:start[row + 1]]`.

New links are inserted into the slices of their rows in one `np.insert` per
call, which copies the arrays once (linear in the links held). Link runs add
links a chunk at a time, so that copy happens a few dozen times in a full
relink and once a night.
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
        left = np.asarray(left, dtype=np.int64)
        if not len(left):
            return
        right = np.asarray(right, dtype=np.int64)
        ends = np.concatenate([left, right])
        others = np.concatenate([right, left]).astype(np.int32)
        values = np.tile(np.asarray(scores, dtype=np.float32), 2)
        self.grow(int(ends.max()) + 1)
        # stable: a row's new ends follow its old ones in the order given
        order = np.argsort(ends, kind="stable")
        ends, others, values = ends[order], others[order], values[order]
        at = self.start[ends + 1]  # the end of each row's slice
        self.others = np.insert(self.others, at, others)
        self.scores = np.insert(self.scores, at, values)
        self.start[1:] += np.cumsum(np.bincount(ends, minlength=self.rows))

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

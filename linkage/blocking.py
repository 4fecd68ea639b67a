"""Candidate generation: which pairs are worth scoring at all.

Blocking keys are built at the hub from parts of the encoding it already
holds (date tokens and name buckets), so blocking adds nothing to what the
hub learns. Each key covers one kind of recording error: the exact or
swapped date of birth; a given-name bucket with two of the three date parts
(a typo or off-by-one in the third); and a given-name with a surname bucket,
unordered (a missing or wholly different date, swapped names).

A pair is a candidate when the two rows share any key, so adding rows one by
one or all at once yields the same candidate pairs.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from linkage.table import NO_BUCKET, EncodingTable


def row_keys(table: EncodingTable, row: int) -> set[tuple]:
    dob = [int(v) for v in table.dob[row]]
    given = [int(b) for b in table.given[row] if b != NO_BUCKET]
    surname = [int(b) for b in table.surname[row] if b != NO_BUCKET]
    keys: set[tuple] = set()
    if dob[0]:
        keys.add(("dob", dob[0]))
        keys.add(("dob-swap", dob[1]))
        for g in given + surname:
            keys.add(("dm", g, dob[2]))
            keys.add(("my", g, dob[3]))
            keys.add(("dy", g, dob[4]))
    for g in given:
        for s in surname:
            keys.add(("gs", min(g, s), max(g, s)))
    return keys


class CandidateIndex:
    """Inverted index from blocking key to the rows holding it."""

    def __init__(self) -> None:
        self._rows_of: dict[tuple, list[int]] = defaultdict(list)

    def add(self, table: EncodingTable, rows: range | list[int]) -> np.ndarray:
        """Index `rows` (in order) and return the new candidate pairs (earlier, later)."""
        pairs: set[tuple[int, int]] = set()
        for row in rows:
            for key in row_keys(table, row):
                bucket = self._rows_of[key]
                pairs.update((other, row) for other in bucket)
                bucket.append(row)
        if not pairs:
            return np.empty((0, 2), dtype=np.int64)
        return np.array(sorted(pairs), dtype=np.int64)

    def remove(self, table: EncodingTable, row: int) -> None:
        for key in row_keys(table, row):
            bucket = self._rows_of.get(key)
            if bucket and row in bucket:
                bucket.remove(row)

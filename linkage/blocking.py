"""Candidate generation: which pairs are worth scoring at all, in near-linear time.

Blocking keys are built at the hub from parts of the encoding it already
holds (date tokens and name buckets), so blocking adds nothing to what the
hub learns. Each key family covers one kind of recording error:

- a name bucket (any given-name or surname word) with the full date of
  birth, with the day/month-swapped date, or with two of its three parts
  (a typo or off-by-one in the third);
- the document number or one of its one-typo variants;
- a given-name bucket with a surname bucket, unordered (swapped names, a
  missing date). Only pairs with an undated side come from this family
  (two dated sightings whose dates share nothing already differ), and only
  among the first `UNDATED_GROUP_CAP` rows to arrive with that bucket pair:
  a later date-less sighting of so common a name could not be attached to
  one woman anyway, and the cap keeps these blocks from growing
  quadratically at national scale.

A pair is a candidate when the two rows share a key (and, in the undated
family, the later of the two ranks below the cap in arrival order), so
adding rows one by one or all at once yields the same candidate pairs. The index is a pair of
sorted numpy arrays (key, row), so a million rows with a dozen keys each
fit in a few hundred megabytes and are searched with `searchsorted`.
"""

from __future__ import annotations

import numpy as np

from linkage.table import NO_BUCKET, EncodingTable

_EXACT_FAMILIES = ((1, 0), (2, 1))  # (family, dob slot): full date, swapped date
_PART_FAMILIES = ((3, 2), (4, 3), (5, 4))  # day+month, month+year, day+year
_UNDATED_FAMILY = 6
_DOCUMENT_FAMILY = 7
#: An undated sighting is not paired through a name-bucket pair shared by more
#: rows than this: so common a name without a date could not be attached to one
#: person anyway (the clustering leaves ambiguous undated sightings alone).
UNDATED_GROUP_CAP = 300
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_LARGE_GROUP = 64


def _mix(*parts: np.ndarray) -> np.ndarray:
    """SplitMix64-style combination of integer columns into one 64-bit key."""
    with np.errstate(over="ignore"):
        h = np.zeros(len(parts[0]), dtype=np.uint64)
        for part in parts:
            h = (h ^ part.astype(np.uint64)) * _M1
            h ^= h >> np.uint64(31)
            h *= _M2
            h ^= h >> np.uint64(29)
            h *= _M3
    return h


def _name_pairs(table: EncodingTable, rows: np.ndarray):
    """(row index, low bucket, high bucket) for every given x surname bucket pair."""
    given, surname = table.given[rows], table.surname[rows]
    for i in range(given.shape[1]):
        for j in range(surname.shape[1]):
            g, s = given[:, i], surname[:, j]
            has = (g != NO_BUCKET) & (s != NO_BUCKET)
            yield np.flatnonzero(has), np.minimum(g[has], s[has]), np.maximum(g[has], s[has])


def _dedupe(rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rows, keys))
    rows, keys = rows[order], keys[order]
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
    return rows[keep], keys[keep]


def date_keys(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of the date and document families, sorted by key."""
    rows = np.asarray(rows, dtype=np.int64)
    dob = table.dob[rows]
    dated = dob[:, 0] != 0
    names = np.concatenate([table.given[rows], table.surname[rows]], axis=1)
    out_rows, out_keys = [], []
    for slot in range(names.shape[1]):
        has = dated & (names[:, slot] != NO_BUCKET)
        for family, dob_slot in _EXACT_FAMILIES:
            out_rows.append(rows[has])
            out_keys.append(_mix(np.full(has.sum(), family), dob[has, dob_slot],
                                 names[has, slot]))
    for index, low, high in _name_pairs(table, rows):
        on = dated[index]
        index, low, high = index[on], low[on], high[on]
        for family, dob_slot in _PART_FAMILIES:
            out_rows.append(rows[index])
            out_keys.append(_mix(np.full(len(index), family), dob[index, dob_slot], low, high))
    # the document number, exact or one typo apart (its deletion tokens), whatever the
    # date and name say: a replaced date or given name is no reason to never compare
    near = table.document_near[rows]
    for slot in range(near.shape[1]):
        has = near[:, slot] != 0
        out_rows.append(rows[has])
        out_keys.append(_mix(np.full(has.sum(), _DOCUMENT_FAMILY), near[has, slot]))
    return _dedupe(np.concatenate(out_rows), np.concatenate(out_keys))


def name_keys(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of the undated family (bucket pairs), for every row, sorted by key."""
    rows = np.asarray(rows, dtype=np.int64)
    out_rows, out_keys = [], []
    for index, low, high in _name_pairs(table, rows):
        out_rows.append(rows[index])
        out_keys.append(_mix(np.full(len(index), _UNDATED_FAMILY), low, high))
    return _dedupe(np.concatenate(out_rows), np.concatenate(out_keys))


def _pairs_within(keys: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """All row pairs sharing a key inside one key-sorted array."""
    out = []
    if len(keys) < 2:
        return out
    starts = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1])
    sizes = np.diff(np.concatenate([starts, [len(keys)]]))
    small = sizes <= _LARGE_GROUP
    group_end = np.repeat(starts + sizes, sizes)
    in_small = np.repeat(small, sizes)
    position = np.arange(len(keys))
    max_small = int(sizes[small].max()) if small.any() else 0
    for offset in range(1, max_small):
        idx = position[in_small & (position + offset < group_end)]
        out.append(np.stack([rows[idx], rows[idx + offset]], axis=1))
    for start, size in zip(starts[~small], sizes[~small], strict=True):
        left, right = np.triu_indices(size, k=1)
        out.append(np.stack([rows[start + left], rows[start + right]], axis=1))
    return out


def _matches(sorted_keys: np.ndarray, sorted_rows: np.ndarray, keys: np.ndarray,
             rows: np.ndarray, cap: int | None = None) -> np.ndarray:
    """Pairs (indexed row, query row) for every query key found in a sorted index."""
    lo = np.searchsorted(sorted_keys, keys, side="left")
    hi = np.searchsorted(sorted_keys, keys, side="right")
    if cap is not None:
        hi = np.where(hi - lo > cap, lo, hi)
    query, found = _spans(lo, hi)
    return np.stack([sorted_rows[found], rows[query]], axis=1)


class _SortedKeys:
    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        # int32: rows number sightings (far below 2**31), and at 13 keys a sighting the
        # index is the hub's largest array after the encodings
        self.rows = np.empty(0, dtype=np.int32)

    def merge(self, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Insert (row, key) entries; returns where they now stand.

        Rows arrive in increasing order, so within a key the entries stay in
        arrival order: an entry's place in its group is its arrival rank.
        """
        # insert into the sorted arrays rather than sort everything again: a night's
        # keys cost one copy of the index, not a sort order and two copies of it
        order = np.lexsort((rows, keys))
        at = np.searchsorted(self.keys, keys[order], side="right")
        self.keys = np.insert(self.keys, at, keys[order])
        self.rows = np.insert(self.rows, at, rows[order])
        return at + np.arange(len(at))

    def drop(self, rows: np.ndarray) -> None:
        keep = ~np.isin(self.rows, rows)
        self.keys, self.rows = self.keys[keep], self.rows[keep]


class CandidateIndex:
    """Sorted (key, row) arrays of every row indexed so far, one per key family."""

    def __init__(self) -> None:
        self._dates = _SortedKeys()
        self._names = _SortedKeys()

    def __len__(self) -> int:
        return len(self._dates.keys) + len(self._names.keys)

    def add(self, table: EncodingTable, rows: range | list[int] | np.ndarray) -> np.ndarray:
        """Index `rows` and return the new candidate pairs as (earlier row, later row)."""
        rows = np.asarray(list(rows) if isinstance(rows, range) else rows, dtype=np.int64)
        if not len(rows):
            return np.empty((0, 2), dtype=np.int64)
        dated = table.dob[:, 0] != 0
        found: list[np.ndarray] = []

        date_rows, date_keys_ = date_keys(table, rows)
        found += _pairs_within(date_keys_, date_rows)
        found.append(_matches(self._dates.keys, self._dates.rows, date_keys_, date_rows))
        self._dates.merge(date_rows, date_keys_)

        name_rows, name_keys_ = name_keys(table, rows)
        positions = self._names.merge(name_rows, name_keys_)
        found.append(_undated_pairs(self._names, positions, dated))
        return _unique_pairs(np.concatenate(found) if found else np.empty((0, 2), np.int64))

    def index_only(self, table: EncodingTable, rows: np.ndarray) -> None:
        """Index rows whose pairs are known already (restoring the index at start-up)."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows):
            self._dates.merge(*date_keys(table, rows))
            self._names.merge(*name_keys(table, rows))

    def remove_rows(self, rows: np.ndarray) -> None:
        """Forget rows (withdrawn or purged sightings)."""
        self._dates.drop(rows)
        self._names.drop(rows)

    def query(self, indexed: EncodingTable, probes: EncodingTable,
              rows: range | list[int] | np.ndarray) -> np.ndarray:
        """The pairs `add` would return for each probe row, without indexing anything.

        `indexed` is the table this index covers, `probes` another table (same
        schema and keys) holding the probes. Each probe row is taken as if it
        were the only row added. Returns unique (indexed row, probe row) pairs.
        """
        rows = np.asarray(list(rows) if isinstance(rows, range) else rows, dtype=np.int64)
        if not len(rows) or not len(self):
            return np.empty((0, 2), dtype=np.int64)
        date_rows, date_keys_ = date_keys(probes, rows)
        found = [_matches(self._dates.keys, self._dates.rows, date_keys_, date_rows)]
        name_rows, name_keys_ = name_keys(probes, rows)
        # the probe ranks after every indexed row of its group, as the next row added would
        hits = _matches(self._names.keys, self._names.rows, name_keys_, name_rows,
                        UNDATED_GROUP_CAP - 1)
        either_undated = (indexed.dob[hits[:, 0], 0] == 0) | (probes.dob[hits[:, 1], 0] == 0)
        found.append(hits[either_undated])
        pairs = np.concatenate(found)
        return np.unique(pairs, axis=0) if len(pairs) else pairs


def _spans(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) for every position in each half-open span [lo[i], hi[i])."""
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo)), counts)
    return owner, np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts,
                                                                         counts)


def _undated_pairs(index: _SortedKeys, positions: np.ndarray, dated: np.ndarray
                   ) -> np.ndarray:
    """Pairs of the undated family for the entries just merged at `positions`.

    An entry meets the entries before it in its key group (earlier rows and
    earlier rows of its own batch) when it is among the first
    `UNDATED_GROUP_CAP` rows of the group, and only where one side of the
    pair has no date of birth. Rank in arrival order decides, so the pairs
    are the same however the rows are split into batches.
    """
    if not len(positions):
        return np.empty((0, 2), dtype=np.int64)
    starts = np.searchsorted(index.keys, index.keys[positions], side="left")
    keep = positions - starts < UNDATED_GROUP_CAP
    positions, starts = positions[keep], starts[keep]
    later = index.rows[positions]
    undated_later = ~dated[later]
    # an undated entry meets every entry before it in its group...
    owner, at = _spans(starts[undated_later], positions[undated_later])
    found = [np.stack([index.rows[at], later[undated_later][owner]], axis=1)]
    # ...a dated one only the undated entries before it (dated pairs come from the dates)
    undated_at = np.flatnonzero(~dated[index.rows])
    owner, at = _spans(np.searchsorted(undated_at, starts[~undated_later]),
                       np.searchsorted(undated_at, positions[~undated_later]))
    found.append(np.stack([index.rows[undated_at[at]], later[~undated_later][owner]], axis=1))
    return np.concatenate(found)


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    a, b = pairs[:, 0], pairs[:, 1]
    low, high = np.minimum(a, b), np.maximum(a, b)
    distinct = low != high
    packed = np.sort((low[distinct].astype(np.uint64) << np.uint64(32))
                     | high[distinct].astype(np.uint64))
    # sort and drop repeats: several times faster than np.unique's hashing here
    packed = packed[np.concatenate([[True], packed[1:] != packed[:-1]])] if len(packed) else packed
    return np.stack([(packed >> np.uint64(32)).astype(np.int64),
                     (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)], axis=1)

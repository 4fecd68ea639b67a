"""Candidate generation: which pairs are worth scoring at all, in near-linear time.

Blocking keys are built at the hub from what it holds anyway (the name filter,
date tokens, document tokens, contact tokens), so blocking adds nothing to
what the hub learns, and nothing is stored for blocking alone: until schema
version 5 (2026-12-05, night) the keys were keyed buckets of each name word's first
letters, whose frequencies named the commonest given names (README "Privacy,
measured"). Each key family covers one kind of recording error:

- similar names with the same date of birth or its day/month swap: a band
  of the name filter (see below) with the swap-invariant date token;
- similar names with two of the three date parts (a typo or off-by-one in
  the third): a band with the day and month, the month and year, or the day
  and year; a date part leaves thousands of rows in a block at national
  scale, so these bands are wider, and only names nearly alike link on two
  date parts anyway;
- similar names with a date one year apart: a band with the full date of
  the earlier row, met by the later row's band with one of the two dates a
  year from its own ("near" tokens: 29 February's is the 28th, which no
  date-part family meets). Dates a day or a month apart share a date part,
  so the date-part families meet them;
- the document number or one of its one-typo variants;
- similar names where a side has no date: a wide band of the name filter
  alone, among the first `UNDATED_GROUP_CAP` rows to arrive with it, only
  for pairs with an undated side (two dated sightings whose dates share
  nothing already differ). A later date-less sighting of so common a name
  could not be attached to one woman anyway, and the cap keeps these blocks
  from growing quadratically at national scale;
- two names whose short forms agree (first given name, last surname word: a
  dropped second given name, a married or double surname) with the same date
  of birth or its swap: a band of the short name filter with the
  swap-invariant date token (schema version 6);
- a shared phone number or advert, among the first `CONTACT_GROUP_CAP`
  rows to arrive with it, dated or not: her own number joins the sightings
  where her name was written another way (an alias, a married name, a
  transliteration) and her date is missing or one apart, pairs no
  name-and-date key meets. The entity tokens are what the hub compares
  anyway. A car or an address was measured as a key too and moved F1 by at
  most 0.0001 for 1.4 times the candidates (README, "Blocking").

Bands are locality-sensitive hashing by bit sampling: a band is the filter's
bits at fixed positions drawn once per family from a public seed, so two
filters agree on a band with probability about (1 - hamming / bits) ** width.
The filter is what the hub compares anyway, so a band tells it nothing new.
Only pairs the matcher could link need to be found: with the same date a
Dice of 0.6 to 0.7 links given a shared place or address, so the date
family's bands are the narrowest (10 bits) and the most (16); with a date
part wrong, one apart or missing it needs about 0.8 (filters some 120 bits
apart), so those bands are wider (16 or 20 bits) and fewer. A band samples
the whole pooled filter where a bucket took one name word: at a few
thousand women the bands meet fewer true pairs than the buckets did; at a
million they miss fewer of the pairs that would link, for two thirds of
the candidates (README "Blocking").

A pair is a candidate when the two rows share a key (in the undated and
contact families, the later of the two ranks below the cap in arrival
order; in the near family, the earlier row's date is a neighbour of the
later row's), so adding rows one by one or all at once yields the same
candidate pairs. The index is sorted numpy arrays (key, row), so a million
rows with a few dozen keys each fit in a few hundred megabytes and are
searched with `searchsorted`; each family's arrays are split by the key's
first bits into shards, so that inserting a night's keys copies a shard at
a time, not the family.
"""

from __future__ import annotations

import functools

import numpy as np

from linkage import kernels
from linkage.compare import ENTITY_EVIDENCE
from linkage.schema import DAY_WINDOW_SLOT, YEAR_NEAR_SLOTS
from linkage.table import ENTITY_KINDS, EncodingTable

#: The version of the key families below, part of the hub's matching settings
#: (`linking.policy_digest`): 2 (2026-12-05, late) added the contact family; 3
#: (2026-12-05, night) keyed the date and undated families by filter bands, not name buckets;
#: 4 (2026-12-06, schema version 6) added the short-name family; 5 (2026-12-07, schema
#: version 7) the day-window family.
CANDIDATE_KEYS = 5
#: The dated families: (family, dob slot, bands, bits a band). The swapped-date token
#: is the same for a date and its day/month swap, so its family holds exact dates too;
#: a date narrows its block to a few rows, so its bands are narrow enough to meet most
#: names 0.7 alike (a dropped given name), and a married surname (0.5 to 0.65) about
#: one time in two: such a pair links only with a shared phone, which the contact
#: family meets. A pair of date parts leaves thousands of rows in a block at national
#: scale, so those bands are wider.
DATE_BAND_FAMILIES = ((1, 1, 16, 10),  # the date or its swap
                      (3, 2, 4, 20), (4, 3, 4, 20), (5, 4, 4, 20),  # two of three parts
                      # the window of three days: a date a day off and a name a letter
                      # off, as the near family meets a year off (few rows a window)
                      (12, DAY_WINDOW_SLOT, 8, 16))
_UNDATED_FAMILY = 6
_DOCUMENT_FAMILY = 7
_NEAR_FAMILY = 8
_CONTACT_FAMILY = 10
_SHORT_NAME_FAMILY = 11
#: Bands of the short-name family: the short name filter (first given name, last surname
#: word, keyed with the year of birth) with the date or its swap. The pairs it is for
#: have short names equal or a typo apart where the whole names are 0.5 to 0.8 alike.
SHORT_NAME_BANDS, SHORT_NAME_BAND_BITS = 4, 10
_NEAR_SLOTS = YEAR_NEAR_SLOTS  # the dob slots of the dates a year earlier and later
#: Bands of the undated family: a name alone is the block, so the bands are wide.
UNDATED_BANDS, UNDATED_BAND_BITS = 12, 20
#: An undated sighting is not paired through a band shared by more rows than this:
#: so common a name without a date could not be attached to one person anyway (the
#: clustering leaves ambiguous undated sightings alone).
UNDATED_GROUP_CAP = 100
#: Bands of the near family: few and wide, because the date already narrows the
#: block to a few rows; a band of 16 bits still agrees for 14% of pairs 120 bits
#: apart (Dice about 0.82, what a one-apart date needs to link).
NEAR_BANDS, NEAR_BAND_BITS = 8, 16
#: A phone or advert shared by more rows than this is a network's, not one woman's:
#: the first rows to carry it still meet (arrival order, as in the capped families
#: above), later ones only through their names and dates.
CONTACT_GROUP_CAP = 50
#: entity slots (linkage/table.py) of the contact tokens: phone and advert
_CONTACT_SLOTS = tuple(number - 1 for number, kind in ENTITY_KINDS.items()
                       if kind in dict(ENTITY_EVIDENCE)["contact"])
_BAND_SEED = 20261201  # public: positions are no secret, the filter is keyed
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_LARGE_GROUP = 64


def _mix(*parts: np.ndarray) -> np.ndarray:
    """SplitMix64-style combination of integer columns into one 32-bit key.

    32 bits, not 64: two different keys colliding only adds a candidate pair,
    scored and dropped like any other (fewer than one in a hundred lookups at a
    million sightings meets a stranger's key), and at four dozen keys a
    sighting the four bytes saved are 190 MB of the hub's memory there.
    """
    with np.errstate(over="ignore"):
        h = np.zeros(len(parts[0]), dtype=np.uint64)
        for part in parts:
            h = (h ^ part.astype(np.uint64)) * _M1
            h ^= h >> np.uint64(31)
            h *= _M2
            h ^= h >> np.uint64(29)
            h *= _M3
    return (h ^ (h >> np.uint64(32))).astype(np.uint32)


def _dedupe(rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each (row, key) once, sorted by key, then row. Rows are table rows (below 2^32)
    and keys 32 bits, so one sort of both packed into 64 bits does it: a quarter of the
    time of a lexsort of the two columns."""
    packed = np.sort((keys.astype(np.uint64) << np.uint64(32)) | rows.astype(np.uint64))
    keep = np.ones(len(packed), dtype=bool)
    keep[1:] = packed[1:] != packed[:-1]
    packed = packed[keep]
    return ((packed & np.uint64(0xFFFFFFFF)).astype(np.int64),
            (packed >> np.uint64(32)).astype(np.uint32))


def date_keys(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of the dated band families and the document family, sorted by key."""
    rows = np.asarray(rows, dtype=np.int64)
    dated = _dated(table, rows)
    out_rows, out_keys = [], []
    for family, dob_slot, bands, bits in DATE_BAND_FAMILIES:
        values = filter_bands(table, dated, family, bands, bits)
        more_rows, more_keys = _band_keys(dated, values, family, [table.dob[dated, dob_slot]])
        out_rows.append(more_rows)
        out_keys.append(more_keys)
    if table.short_filter_words:
        short = dated[table.short_popcounts[dated] != 0]
        positions = _band_positions(table.short_filter_words * 64, _SHORT_NAME_FAMILY,
                                    SHORT_NAME_BANDS, SHORT_NAME_BAND_BITS)
        values = kernels.filter_bands(table.short_filters, short, positions)
        more_rows, more_keys = _band_keys(short, values, _SHORT_NAME_FAMILY, [table.dob[short, 1]])
        out_rows.append(more_rows)
        out_keys.append(more_keys)
    # the document number, exact or one typo apart (its deletion tokens), whatever the
    # date and name say: a replaced date or given name is no reason to never compare
    near = table.document_near[rows]
    for slot in range(near.shape[1]):
        has = near[:, slot] != 0
        out_rows.append(rows[has])
        out_keys.append(_mix(np.full(has.sum(), _DOCUMENT_FAMILY), near[has, slot]))
    return _dedupe(np.concatenate(out_rows), np.concatenate(out_keys))


@functools.cache
def _band_positions(bits: int, family: int, bands: int, width: int) -> np.ndarray:
    """Filter bit positions of each band (bands x width) of a family, the same on every hub.

    Each family draws its own: two families sampling the same bits would miss the
    same pairs (a pair one year apart is met by the near family or a date-part one).
    """
    rng = np.random.default_rng([_BAND_SEED, bits, family, bands, width])
    return np.stack([rng.choice(bits, size=width, replace=False) for _ in range(bands)])


def filter_bands(table: EncodingTable, rows: np.ndarray, family: int, bands: int,
                 width: int) -> np.ndarray:
    """(len(rows), bands) band values: each the filter bits at that band's positions."""
    positions = _band_positions(table.filter_words * 64, family, bands, width)
    return kernels.filter_bands(table.filters, np.asarray(rows, dtype=np.int64), positions)


def _band_keys(rows: np.ndarray, values: np.ndarray, family: int,
               tokens: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of (family, band, band value[, token]) for each band (and token column).

    Distinct per row already (the band is part of the key), so nothing to dedupe.
    """
    bands = values.shape[1]
    tag = np.broadcast_to(family * 256 + np.arange(bands, dtype=np.uint64), values.shape).ravel()
    flat = values.ravel()
    repeated = np.repeat(rows, bands)
    if tokens is None:
        return repeated, _mix(tag, flat)
    keys = [_mix(tag, flat, np.repeat(token, bands)) for token in tokens]
    return np.tile(repeated, len(tokens)), np.concatenate(keys)


def _dated(table: EncodingTable, rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.int64)
    return rows[table.dob[rows, 0] != 0]


def near_bands(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The dated rows among `rows` and their near-family band values: what `near_keys`
    and `near_probes` are made of (computed once when a row is both indexed and looked
    up)."""
    rows = _dated(table, rows)
    return rows, filter_bands(table, rows, _NEAR_FAMILY, NEAR_BANDS, NEAR_BAND_BITS)


def near_keys(table: EncodingTable, rows: np.ndarray,
              bands: tuple[np.ndarray, np.ndarray] | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) the near family indexes: each band with the row's own date."""
    rows, values = bands if bands is not None else near_bands(table, rows)
    return _band_keys(rows, values, _NEAR_FAMILY, [table.dob[rows, 0]])


def near_probes(table: EncodingTable, rows: np.ndarray,
                bands: tuple[np.ndarray, np.ndarray] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) the near family looks up, sorted by key: each band with each neighbouring date.

    A neighbour token is made like a full-date token (encode.py), so it equals
    the full-date token of a row born a year earlier or later.
    """
    rows, values = bands if bands is not None else near_bands(table, rows)
    rows, keys = _band_keys(rows, values, _NEAR_FAMILY,
                            [table.dob[rows, slot] for slot in _NEAR_SLOTS])
    # sorted, because searchsorted runs several times faster on sorted needles
    order = np.argsort(keys)
    return rows[order], keys[order]


def undated_keys(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of the undated family: the wide bands of every row's name filter."""
    rows = np.asarray(rows, dtype=np.int64)
    values = filter_bands(table, rows, _UNDATED_FAMILY, UNDATED_BANDS, UNDATED_BAND_BITS)
    return _band_keys(rows, values, _UNDATED_FAMILY)


def contact_keys(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, key) of the contact family (phone and advert tokens), sorted by key."""
    rows = np.asarray(rows, dtype=np.int64)
    out_rows, out_keys = [], []
    for slot in _CONTACT_SLOTS:
        tokens = table.entities[rows, slot]
        has = tokens != 0
        out_rows.append(rows[has])
        out_keys.append(_mix(np.full(has.sum(), _CONTACT_FAMILY), np.full(has.sum(), slot),
                             tokens[has]))
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
        self.keys = np.empty(0, dtype=np.uint32)
        # int32: rows number sightings (far below 2**31), and at four dozen keys a sighting
        # the index is the hub's largest array after the encodings
        self.rows = np.empty(0, dtype=np.int32)

    def merge(self, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Insert (row, key) entries; returns where they now stand.

        Rows arrive in increasing order, so within a key the entries stay in
        arrival order: an entry's place in its group is its arrival rank.
        """
        # insert into the sorted arrays rather than sort everything again: a night's
        # keys cost one copy of the index, not a sort order and two copies of it
        if len(rows) < 2 or np.all(rows[1:] >= rows[:-1]):
            order = np.argsort(keys, kind="stable")  # rows already in order: one sort key
        else:
            order = np.lexsort((rows, keys))
        at = np.searchsorted(self.keys, keys[order], side="right")
        self.keys = np.insert(self.keys, at, keys[order])
        self.rows = np.insert(self.rows, at, rows[order].astype(np.int32))
        return at + np.arange(len(at))

    def drop(self, rows: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Remove the entries of `rows`. Returns the new positions of the entries that
        moved below `cap` in their key group because an entry ranked before them went."""
        gone = np.isin(self.rows, rows)
        promoted = np.empty(0, dtype=np.int64)
        if cap is not None and gone.any():
            gone_at = np.flatnonzero(gone)
            groups = np.unique(np.searchsorted(self.keys, self.keys[gone_at], side="left"))
            owner, at = _spans(groups, np.searchsorted(self.keys, self.keys[groups],
                                                       side="right"))
            # removed entries before each position: counted among the removed ones only,
            # not with a running count over the whole index (tens of millions of entries)
            before = np.searchsorted(gone_at, at)
            rank = at - groups[owner]
            new_rank = rank - (before - np.searchsorted(gone_at, groups)[owner])
            moved = ~gone[at] & (rank >= cap) & (new_rank < cap)
            promoted = at[moved] - before[moved]
        keep = ~gone
        self.keys, self.rows = self.keys[keep], self.rows[keep]
        return promoted


#: A family's index is split into 2**SHARD_BITS shards by its keys' first bits.
SHARD_BITS = 4


class _ShardedKeys:
    """One family's (key, row) entries as shards of sorted arrays, split by the key's
    first bits.

    Inserting into sorted arrays copies them (`_SortedKeys.merge`); at a million
    sightings the date family holds some 30 million entries, so one array per family
    made each night's insert a moment of some 160 MB more memory (sampled). A shard's
    copy is a sixteenth of that. Equal keys fall in one shard, so a key group, its arrival
    order and the caps are a shard's own and every pair comes out as before.
    """

    def __init__(self) -> None:
        self._shards = [_SortedKeys() for _ in range(1 << SHARD_BITS)]

    def __len__(self) -> int:
        return sum(len(shard.keys) for shard in self._shards)

    def _split(self, keys: np.ndarray) -> list[tuple[_SortedKeys, np.ndarray]]:
        """Each shard that `keys` reach, with the positions of its keys (in their order)."""
        shard_of = keys >> np.uint32(32 - SHARD_BITS)
        order = np.argsort(shard_of, kind="stable")
        bounds = np.searchsorted(shard_of[order], np.arange(len(self._shards) + 1))
        return [(shard, order[lo:hi]) for shard, lo, hi
                in zip(self._shards, bounds[:-1], bounds[1:], strict=True) if lo < hi]

    def merge(self, rows: np.ndarray, keys: np.ndarray) -> None:
        for shard, at in self._split(keys):
            shard.merge(rows[at], keys[at])

    def merge_capped(self, rows: np.ndarray, keys: np.ndarray, cap: int,
                     dated: np.ndarray | None = None) -> np.ndarray:
        """Insert the entries; the pairs they make in a capped family (`_capped_pairs`)."""
        return _concat_pairs([_capped_pairs(shard, shard.merge(rows[at], keys[at]), cap, dated)
                              for shard, at in self._split(keys)])

    def matches(self, keys: np.ndarray, rows: np.ndarray, cap: int | None = None) -> np.ndarray:
        """(indexed row, query row) for every query key found (`_matches`)."""
        return _concat_pairs([_matches(shard.keys, shard.rows, keys[at], rows[at], cap)
                              for shard, at in self._split(keys)])

    def drop(self, rows: np.ndarray) -> None:
        for shard in self._shards:
            shard.drop(rows)

    def drop_capped(self, rows: np.ndarray, cap: int,
                    dated: np.ndarray | None = None) -> np.ndarray:
        """Remove the entries of `rows`; the pairs of the entries that moved up under
        the cap in their groups."""
        return _concat_pairs([_capped_pairs(shard, shard.drop(rows, cap), cap, dated)
                              for shard in self._shards])


def _concat_pairs(found: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)


class CandidateIndex:
    """Sorted (key, row) arrays of every row indexed so far, per key family in shards."""

    def __init__(self) -> None:
        self._dates = _ShardedKeys()
        self._undated = _ShardedKeys()
        self._near = _ShardedKeys()
        self._contacts = _ShardedKeys()

    def _families(self) -> tuple[_ShardedKeys, ...]:
        return self._dates, self._undated, self._near, self._contacts

    def __len__(self) -> int:
        return sum(len(family) for family in self._families())

    def add(self, table: EncodingTable, rows: range | list[int] | np.ndarray) -> np.ndarray:
        """Index `rows` and return the new candidate pairs as (earlier row, later row)."""
        rows = np.asarray(list(rows) if isinstance(rows, range) else rows, dtype=np.int64)
        if not len(rows):
            return np.empty((0, 2), dtype=np.int64)
        dated = table.dob[:, 0] != 0
        found: list[np.ndarray] = []

        date_rows, date_keys_ = date_keys(table, rows)
        found += _pairs_within(date_keys_, date_rows)
        found.append(self._dates.matches(date_keys_, date_rows))
        self._dates.merge(date_rows, date_keys_)

        undated_rows, undated_keys_ = undated_keys(table, rows)
        found.append(self._undated.merge_capped(undated_rows, undated_keys_, UNDATED_GROUP_CAP,
                                                dated))

        # near dates: a new row meets the rows before it (earlier batches and its own)
        # whose date is a year from its own; taking only earlier rows makes the
        # pairs independent of batching even where "one year apart" is not
        # symmetric (29 February 1996 -> 28 February 1997 -> 28 February 1996)
        bands = near_bands(table, rows)
        self._near.merge(*near_keys(table, rows, bands))
        probe_rows, probe_keys = near_probes(table, rows, bands)
        hits = self._near.matches(probe_keys, probe_rows)
        found.append(hits[hits[:, 0] < hits[:, 1]])

        contact_rows, contact_keys_ = contact_keys(table, rows)
        found.append(self._contacts.merge_capped(contact_rows, contact_keys_, CONTACT_GROUP_CAP))
        return _unique_pairs(np.concatenate(found) if found else np.empty((0, 2), np.int64))

    def index_only(self, table: EncodingTable, rows: np.ndarray) -> None:
        """Index rows whose pairs are known already (restoring the index at start-up)."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows):
            self._dates.merge(*date_keys(table, rows))
            self._undated.merge(*undated_keys(table, rows))
            self._near.merge(*near_keys(table, rows))
            self._contacts.merge(*contact_keys(table, rows))

    def remove_rows(self, table: EncodingTable, rows: np.ndarray) -> np.ndarray:
        """Forget rows (withdrawn or purged sightings); returns the pairs this makes.

        In a capped family the rows that arrived next move up in place of the
        removed ones, as they rank when the remaining rows are indexed afresh,
        and meet the rows before them: those pairs are new candidates.
        """
        self._dates.drop(rows)
        self._near.drop(rows)
        dated = table.dob[:, 0] != 0
        found = [self._undated.drop_capped(rows, UNDATED_GROUP_CAP, dated),
                 self._contacts.drop_capped(rows, CONTACT_GROUP_CAP)]
        return _unique_pairs(np.concatenate(found))

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
        found = [self._dates.matches(date_keys_, date_rows)]
        undated_rows, undated_keys_ = undated_keys(probes, rows)
        # the probe ranks after every indexed row of its group, as the next row added would
        hits = self._undated.matches(undated_keys_, undated_rows, UNDATED_GROUP_CAP - 1)
        either_undated = (indexed.dob[hits[:, 0], 0] == 0) | (probes.dob[hits[:, 1], 0] == 0)
        found.append(hits[either_undated])
        # every indexed row arrived before the probe, so all near hits count
        probe_rows, probe_keys = near_probes(probes, rows)
        found.append(self._near.matches(probe_keys, probe_rows))
        contact_rows, contact_keys_ = contact_keys(probes, rows)
        found.append(self._contacts.matches(contact_keys_, contact_rows, CONTACT_GROUP_CAP - 1))
        pairs = np.concatenate(found)
        return np.unique(pairs, axis=0) if len(pairs) else pairs


def _spans(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) for every position in each half-open span [lo[i], hi[i])."""
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo)), counts)
    return owner, np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts,
                                                                         counts)


def _capped_pairs(index: _SortedKeys, positions: np.ndarray, cap: int,
                  dated: np.ndarray | None = None) -> np.ndarray:
    """Pairs of a capped family (undated, contact) for the entries at `positions`.

    An entry meets the entries before it in its key group (earlier rows and
    earlier rows of its own batch) when it is among the first `cap` rows of
    the group; given `dated`, only where one side of the pair has no date of
    birth. Rank in arrival order decides, so the pairs are the same however
    the rows are split into batches.
    """
    if not len(positions):
        return np.empty((0, 2), dtype=np.int64)
    starts = np.searchsorted(index.keys, index.keys[positions], side="left")
    keep = positions - starts < cap
    positions, starts = positions[keep], starts[keep]
    later = index.rows[positions]
    if dated is None:
        owner, at = _spans(starts, positions)
        return np.stack([index.rows[at], later[owner]], axis=1)
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

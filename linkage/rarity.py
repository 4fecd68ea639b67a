"""How rare a sighting's name is among the sightings the hub holds: term-frequency
evidence without a key.

Two sightings agreeing on a name that few other sightings carry are more likely one
woman than two agreeing on the commonest name; the plaintext baseline weighs this by
word frequency, and without it zichtlijn stayed up to 0.017 F1 below that baseline on
data unlike its own generator (README "Name rarity"). The hub can weigh the same thing
by counting how many sightings share a sighting's *identical* name filter, which is
what the frequency alignment attack already groups and ranks (README "Privacy,
measured"): no new leak.

A pair's score must not drift as sightings arrive, or a nightly link run would no
longer give what a relink gives. The counts are therefore a snapshot (`NameCounts`):
every pair is scored against the same snapshot until the hub takes a new one, and then
it links everything again (hub/linker.py). A filter no other sighting shared when the
snapshot was taken is absent from it and counts once, so a sighting seen once leaves no
key behind, and withdrawing a sighting changes no score.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from linkage.population import name_keys
from linkage.table import EncodingTable

#: names at least this alike (Dice) carry the rarity evidence: a woman's name written
#: with a dropped second given name or another transliteration (0.6-0.8) agrees, two
#: women sharing only a surname (below 0.6) do not
AGREEING_DICE = 0.6
#: the evidence columns rarity adds to `linkage.compare.design`
RARITY_COLUMNS = ("rare_name", "rare_name_dice")
#: counts are read as if among at least this many sightings (about the fitting sample's
#: 10,041): among few, a name two of three sightings share is not thereby common, and
#: an exact name and date of birth must link in a hub of two sightings as in one of many
SCALE_FLOOR = 10_000
#: a snapshot is refreshed once the sightings held reach this multiple of those counted
REFRESH_GROWTH = 2.0
#: ... and this many: a small hub's counts say little and every refresh relinks
REFRESH_FLOOR = 1_000


@dataclass(frozen=True)
class NameCounts:
    """How many sightings (copies of one record once) shared each name key shared by
    more than one, out of `sightings` counted, `epochs` of them under each key epoch.
    `keys` sorted, `counts` aligned."""

    keys: np.ndarray  # uint64
    counts: np.ndarray  # int64, each at least 2
    sightings: int
    epochs: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> NameCounts:
        return cls(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64), 0)

    @classmethod
    def of(cls, keys: np.ndarray, copies: np.ndarray | None = None,
           epochs: np.ndarray | None = None) -> NameCounts:
        """Counts of `keys` (one per sighting and key epoch). `copies[i]`: the copy key of
        keys[i]'s sighting (`linkage.linking.copy_key`; 0 or None: a sighting of its own);
        copies of one record share a copy key and count once. `epochs[i]`: the key epoch
        of keys[i] (None: all of one epoch, 0)."""
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(keys):
            return cls.empty()
        if copies is None:
            groups = np.arange(len(keys), dtype=np.int64)
        else:
            copies = np.asarray(copies, dtype=np.int64)
            groups = np.where(copies == 0, -1 - np.arange(len(keys), dtype=np.int64), copies)
        order = np.lexsort((groups, keys))
        sorted_keys, sorted_groups = keys[order], groups[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = ((sorted_keys[1:] != sorted_keys[:-1])
                     | (sorted_groups[1:] != sorted_groups[:-1]))
        distinct, per_key = np.unique(sorted_keys[first], return_counts=True)
        shared = per_key > 1
        epoch_of = np.zeros(len(keys), dtype=np.int64) if epochs is None else np.asarray(
            epochs, dtype=np.int64)
        in_epoch = np.unique(np.column_stack([epoch_of, groups]), axis=0)[:, 0]
        numbers, sightings = np.unique(in_epoch, return_counts=True)
        return cls(distinct[shared], per_key[shared].astype(np.int64),
                   len(np.unique(groups)),
                   dict(zip(numbers.tolist(), sightings.tolist(), strict=True)))

    def count(self, keys: np.ndarray) -> np.ndarray:
        """Sightings that shared each key (1 where it is not in the snapshot)."""
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(self.keys):
            return np.ones(len(keys), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.counts[at], 1)

    def rarity(self, keys: np.ndarray) -> np.ndarray:
        """1 - log(count) / log(sightings) per key (sightings at least SCALE_FLOOR): 1 for
        a filter no other sighting shared, towards 0 for one every sighting shares."""
        scale = np.log(max(self.sightings, SCALE_FLOOR))
        return np.clip(1.0 - np.log(self.count(keys)) / scale, 0.0, 1.0).astype(np.float32)

    def stale(self, held: Mapping[int, int]) -> bool:
        """Whether the hub, holding `held[epoch]` sightings under each key epoch, should
        count again: it has never counted, or under some epoch it holds REFRESH_GROWTH
        times the sightings counted there and REFRESH_FLOOR. Per epoch because after a
        key rotation the new epoch's filters are new keys: its names would all count
        as unseen until they are counted."""
        if self.sightings == 0:
            return sum(held.values()) > 0
        return any(count >= max(REFRESH_GROWTH * self.epochs.get(epoch, 0), REFRESH_FLOOR)
                   for epoch, count in held.items())

    def digest(self) -> str:
        """A short digest of the snapshot (for the audit log: which counts scored)."""
        h = hashlib.sha256(self.sightings.to_bytes(8, "big"))
        h.update(self.keys.astype("<u8").tobytes())
        h.update(self.counts.astype("<i8").tobytes())
        return "n-" + h.hexdigest()[:12]

    def to_bytes(self) -> tuple[bytes, bytes]:
        return self.keys.astype("<u8").tobytes(), self.counts.astype("<i8").tobytes()

    @classmethod
    def from_bytes(cls, keys: bytes, counts: bytes, sightings: int,
                   epochs: Mapping[int, int] | None = None) -> NameCounts:
        return cls(np.frombuffer(keys, dtype="<u8").astype(np.uint64),
                   np.frombuffer(counts, dtype="<i8").astype(np.int64), sightings,
                   dict(epochs or {}))


def weigh_names(table: EncodingTable, counts: NameCounts, rows: np.ndarray | range | None = None,
                epoch: int = 0) -> None:
    """Set `table.rarity` of `rows` (all rows without) from `counts`; `epoch`: the key
    epoch the table's filters were made under, as `counts` keyed them."""
    rows = np.arange(table.size) if rows is None else np.asarray(rows, dtype=np.int64)
    if len(rows):
        table.rarity[rows] = counts.rarity(name_keys(table.filters, rows, epoch))


def weigh_own_names(table: EncodingTable, copies: np.ndarray | None = None) -> NameCounts:
    """Weigh every row of `table` by the counts of the table itself (a batch: every
    sighting there is); returns those counts."""
    counts = NameCounts.of(name_keys(table.filters[: table.size]),
                           None if copies is None else np.asarray(copies)[: table.size])
    weigh_names(table, counts)
    return counts


def rare_name(rarity_left: np.ndarray, rarity_right: np.ndarray, dice: np.ndarray,
              both_dated: np.ndarray) -> np.ndarray:
    """The rarer side's rarity where the names agree (Dice at least AGREEING_DICE) and
    both sightings carry a date of birth; 0 elsewhere.

    Both dated, whatever the dates say (their own weight speaks for them). Without a
    date, a rare name alone scored above the threshold: an undated sighting then
    linked strongly to every woman of that name and joined two of them into one
    person, where it should attach to one only when she is the only candidate
    (`attach_mean`); outside data F1 was 0.004 higher for that. Gated on dates that do
    not differ instead, the fit gave a differing date a positive weight (+3.5, making
    up for the rarity such pairs lacked) and clustering, which weighs every cross pair
    of two persons, merged women of different dates (FEBRL2 through the command line:
    precision 0.86)."""
    rare = np.minimum(rarity_left, rarity_right).astype(np.float64)
    return np.where((dice >= AGREEING_DICE) & both_dated, rare, 0.0)

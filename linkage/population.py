"""How many namesakes a population holds, as the hub can tell from its own encodings.

The link threshold is a prior: the more women bear a name, the less an agreeing
name says that two sightings are one woman. Counting persons alone takes every
population to be as concentrated in its names as the one the shipped settings were
chosen on; counting, for each person, the other persons whose sightings carry one of
her exact name filters measures the concentration itself. The hub learns nothing it
did not hold: how many sightings share a filter is what the frequency alignment attack
of tests/benchmarks/attacks.py already ranks (README "Privacy, measured").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: spreads every bit
_CHUNK_ROWS = 65_536  # rows hashed at a time: a million filters at once would be 128 MB


def name_keys(filters: np.ndarray, rows: np.ndarray | None = None,
              epoch: int = 0) -> np.ndarray:
    """A 64-bit key for each of `rows` of `filters` (rows of uint64 words; all of them
    without `rows`), equal for equal filters of one key epoch. Filters of different
    epochs are unrelated bit patterns, so the epoch is part of the key. Distinct
    filters share a key with odds of about one in 2^64 a pair."""
    count = len(filters) if rows is None else len(rows)
    out = np.empty(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, count, _CHUNK_ROWS):
            stop = min(start + _CHUNK_ROWS, count)
            words = filters[start:stop] if rows is None else filters[rows[start:stop]]
            key = np.full(stop - start, np.uint64(epoch) * _MULTIPLIER, dtype=np.uint64)
            for column in range(words.shape[1]):
                key = (key ^ words[:, column].astype(np.uint64)) * _MULTIPLIER
                key ^= key >> np.uint64(31)
            out[start:stop] = key
    return out


def persons_per_name(keys: np.ndarray, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct name keys, sorted, and how many persons carry each.

    `keys[i]` and `persons[i]` belong to one sighting."""
    keys = np.asarray(keys, dtype=np.uint64)
    persons = np.asarray(persons, dtype=np.int64)
    # sorted by key, then person: each (key, person) once, then persons per key (a
    # lexsort takes a tenth of np.unique over stacked pairs at a million sightings)
    order = np.lexsort((persons, keys))
    keys, persons = keys[order], persons[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (persons[1:] != persons[:-1])
    distinct_keys = keys[first]
    starts = np.flatnonzero(np.r_[True, distinct_keys[1:] != distinct_keys[:-1], True])
    return distinct_keys[starts[:-1]], np.diff(starts).astype(np.int64)


def name_classes(keys: np.ndarray, present: np.ndarray) -> np.ndarray:
    """One label per sighting for its name across key epochs.

    `keys[i, e]` is the key of sighting i's name filter under its e-th key epoch,
    where `present[i, e]`. A sighting made during a rotation's overlap carries its
    name under two epochs, which makes those two keys one name; sightings whose keys
    are joined so, directly or through others, share a label: the smallest key of
    their class (0 for a sighting with no key). Without an overlap each key is its
    own class and the label is the key itself."""
    keys = np.asarray(keys, dtype=np.uint64)
    present = np.asarray(present, dtype=bool)
    distinct, node = np.unique(keys[present], return_inverse=True)
    nodes = np.full(keys.shape, -1, dtype=np.int64)
    nodes[present] = node
    first = nodes.max(axis=1, initial=-1)  # any one of its keys (-1: none)
    # the keys a sighting carries under two epochs are one name: join them to its first
    rows, columns = np.nonzero(present)
    joined = nodes[rows, columns] != first[rows]
    a, b = first[rows[joined]], nodes[rows[joined], columns[joined]]
    label = np.arange(len(distinct), dtype=np.int64)
    while len(a):  # each key joins the smallest label it reaches; classes are a few keys
        smallest = np.minimum(label[a], label[b])
        before = label.copy()
        np.minimum.at(label, a, smallest)
        np.minimum.at(label, b, smallest)
        label = label[label]
        if np.array_equal(label, before):
            break
    out = np.zeros(len(keys), dtype=np.uint64)
    has = first >= 0
    out[has] = distinct[label[first[has]]]
    return out


def namesakes(keys: np.ndarray, persons: np.ndarray) -> float:
    """The mean, over persons, of how many other persons share each of her name keys,
    summed over her keys.

    `keys[i]` and `persons[i]` belong to one sighting. A person written several ways
    has several keys; one woman split into two persons counts as two namesakes, as
    she would to the linker. 0.0 for no sightings."""
    if not len(keys):
        return 0.0
    per_key = persons_per_name(keys, persons)[1].astype(np.float64)
    return float((per_key * (per_key - 1)).sum() / len(np.unique(persons)))


@dataclass(frozen=True)
class NameCounts:
    """How many persons carried each name key when the hub counted them (a snapshot:
    linking scores against it, so it changes only when everything is linked again)."""

    keys: np.ndarray  # sorted, uint64
    persons: np.ndarray  # per key, int64
    epochs: frozenset[int]  # the key epochs counted

    @classmethod
    def of(cls, keys: np.ndarray, persons: np.ndarray, epochs: Iterable[int],
           fitted: float = 0.0) -> NameCounts:
        """The counts of names borne by more than `fitted` other persons: a name fewer
        bear needs none of a rise (`rise_names_need`), as a name no one bore, so it is
        not kept (nor is a woman's rare name kept beside her sightings)."""
        keys = np.asarray(keys, dtype=np.uint64)
        return cls.across_epochs(keys[:, None], np.ones((len(keys), 1), dtype=bool),
                                 persons, epochs, fitted)

    @classmethod
    def across_epochs(cls, keys: np.ndarray, present: np.ndarray, persons: np.ndarray,
                      epochs: Iterable[int], fitted: float = 0.0) -> NameCounts:
        """`of` for sightings carrying their name under several key epochs (`keys`,
        `present` as for `name_classes`): a name is counted over every epoch it was
        bridged to, and each of its keys carries that count, so after a rotation the
        new epoch's keys of a name seen in the overlap count the persons of the old."""
        keys = np.asarray(keys, dtype=np.uint64)
        present = np.asarray(present, dtype=bool)
        labels = name_classes(keys, present)
        counted, per_class = persons_per_name(labels, persons)
        member, first = np.unique(keys[present], return_index=True)
        of_member = per_class[np.searchsorted(
            counted, np.broadcast_to(labels[:, None], keys.shape)[present][first])]
        common = of_member - 1 > fitted
        return cls(member[common], of_member[common], frozenset(int(e) for e in epochs))

    def others(self, keys: np.ndarray, epochs: np.ndarray) -> np.ndarray:
        """For each key (of the epoch beside it): how many other persons carried it, 0
        for a name no one carried; infinite for a key of an epoch not counted, whose
        names the counts cannot tell rare from common."""
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.zeros(len(keys), dtype=np.float64)
        if len(self.keys):
            at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
            found = self.keys[at] == keys
            out[found] = self.persons[at[found]] - 1
        out[~np.isin(np.asarray(epochs, dtype=np.int64), sorted(self.epochs))] = np.inf
        return out

    def others_across_epochs(self, keys: np.ndarray, present: np.ndarray,
                             epochs: Iterable[int]) -> np.ndarray:
        """`others` for sightings carrying their name under several key epochs (`keys`,
        `present` as for `name_classes`, a column per epoch of `epochs`): the most any
        counted epoch gives (a name bridged to the new epoch after its count was taken
        has a partial count there, or none; the old epoch's is whole), so a sighting of a
        rotation's overlap is read through the old epoch; infinite for a sighting with
        no key of an epoch counted."""
        return self.others_and_bridged(keys, present, epochs)[0]

    def bridged_since(self, keys: np.ndarray, present: np.ndarray,
                      epochs: Iterable[int]) -> np.ndarray:
        """Per sighting (`keys`, `present` as for `others_across_epochs`): does it carry
        its name under two counted epochs whose counts differ? Counted across epochs,
        every key of a name carries one count, so such a sighting bridges keys the
        counts took for two names: made in a rotation's overlap, received after they
        were counted (a node that synced late)."""
        return self.others_and_bridged(keys, present, epochs)[1]

    def others_and_bridged(self, keys: np.ndarray, present: np.ndarray,
                           epochs: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """`others_across_epochs` and `bridged_since` in one pass over the epochs."""
        most = np.full(len(keys), -np.inf, dtype=np.float64)
        least = np.full(len(keys), np.inf, dtype=np.float64)
        for column, epoch in enumerate(epochs):
            if epoch not in self.epochs:
                continue
            here = np.flatnonzero(present[:, column])
            others = self.others(keys[here, column], np.full(len(here), epoch, dtype=np.int64))
            most[here] = np.maximum(most[here], others)
            least[here] = np.minimum(least[here], others)
        bridged = most > least
        most[most == -np.inf] = np.inf
        return most, bridged


def rise_names_need(others: np.ndarray, rise: float, fitted: float) -> np.ndarray:
    """The part of a threshold `rise` two sightings' names need, `others` the larger of
    their counts of other persons bearing their name (`NameCounts.others`): the change
    in prior odds for that name, ln(others / fitted), between 0 and the whole rise.
    `fitted` is the namesakes of the population the weights were fitted on: a name
    shared by fewer agrees by coincidence no more often than it did there."""
    with np.errstate(divide="ignore"):
        need = np.log(np.asarray(others, dtype=np.float64) / fitted)
    return np.clip(need, 0.0, rise)

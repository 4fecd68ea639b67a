"""What the linker knows per row (sighting), in numpy columns rather than Python lists.

Per row: the sighting's seq in the database, its person and its cluster (the
seq of the cluster's first sighting). At a million rows Python lists of these
(an int or str object per row, a dict from seq to row) cost hundreds of
megabytes; the columns cost 25 bytes a row.

A person id is "P-" and 12 hex digits (`person_id_for`), so it is held as the
48-bit number those digits spell, -1 meaning none. The sighting UUIDs a
person id is made from are not held at all: the linker reads the few it needs
from the database.
"""

from __future__ import annotations

import re

import numpy as np

NONE = -1
_PERSON_ID = re.compile(r"^P-[0-9a-f]{12}$")


class StoredPersonError(ValueError):
    """The hub database holds a person id the hub never writes (a hand edit)."""


class StoredClusterError(ValueError):
    """The hub database holds a cluster_seq naming no linked sighting (a hand edit)."""


def person_code(person_id: str | None) -> int:
    """The number a person id is held as (NONE for no person)."""
    if person_id is None:
        return NONE
    if not _PERSON_ID.match(person_id):
        raise StoredPersonError(f"hub database: person id {person_id[:40]!r} is not P- and "
                                "12 hex digits; restore the database from a backup")
    return int(person_id[2:], 16)


class LinkerUnusableError(RuntimeError):
    """A failed link run or removal left memory that could not be rebuilt from the database."""


class LinkerBusyError(RuntimeError):
    """A lookup waited as long as its deadline allows for a link run or relink to end."""


def cluster_code(seq: int, cluster_seq: object) -> int:
    """The number a stored cluster_seq is held as (NONE for none).

    SQLite keeps whatever a hand edit puts in an INTEGER column, so a text or
    fractional value is refused here rather than cast into some other seq.
    """
    if cluster_seq is None:
        return NONE
    if type(cluster_seq) is not int:
        raise StoredClusterError(f"hub database: sighting seq {seq} has cluster_seq "
                                 f"{str(cluster_seq)[:40]!r}, which is not a sighting seq; "
                                 "restore the database from a backup")
    return cluster_seq


def person_name(code: int) -> str | None:
    """The person id held as `code`."""
    return None if code < 0 else f"P-{code:012x}"


class LinkerRows:
    """Growable columns: seq, person code and cluster seq per linker row."""

    def __init__(self) -> None:
        self.size = 0
        self.seq = np.empty(0, dtype=np.int64)
        self.person = np.empty(0, dtype=np.int64)
        self.cluster = np.empty(0, dtype=np.int64)
        self.present = np.empty(0, dtype=bool)  # False once removed (withdrawn, purged)
        # rows arrive in seq order (seqs only grow), so a seq is found by bisection
        self._ascending = True

    def _grow(self, needed: int) -> None:
        if needed <= len(self.seq):
            return
        capacity = max(needed, 2 * len(self.seq), 1024)
        for name, fill in (("seq", 0), ("person", NONE), ("cluster", NONE),
                           ("present", False)):
            old = getattr(self, name)
            grown = np.full(capacity, fill, dtype=old.dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)

    def append(self, seqs: list[int], persons: list[str | None],
               clusters: list[int | None]) -> range:
        """New rows, in arrival order; returns their row numbers."""
        start, count = self.size, len(seqs)
        self._grow(start + count)
        added = np.asarray(seqs, dtype=np.int64)
        if count and ((start and added[0] <= self.seq[start - 1])
                      or (np.diff(added) <= 0).any()):
            self._ascending = False
        self.seq[start : start + count] = added
        self.person[start : start + count] = [person_code(p) for p in persons]
        self.cluster[start : start + count] = [
            cluster_code(seq, cluster) for seq, cluster in zip(seqs, clusters, strict=True)]
        self.present[start : start + count] = True
        self.size = start + count
        return range(start, self.size)

    def rows_of(self, seqs: np.ndarray) -> np.ndarray:
        """The row of each seq; NONE where no present row has it."""
        seqs = np.asarray(seqs, dtype=np.int64)
        if not self.size:
            return np.full(len(seqs), NONE, dtype=np.int64)
        held = self.seq[: self.size]
        if self._ascending:
            rows = np.minimum(np.searchsorted(held, seqs), self.size - 1)
        else:  # never expected (seqs only grow); still correct, only slower
            order = np.argsort(held, kind="stable")
            rows = order[np.minimum(np.searchsorted(held[order], seqs), self.size - 1)]
        found = (held[rows] == seqs) & self.present[rows]
        return np.where(found, rows, NONE)

    def row_of(self, seq: int) -> int | None:
        row = int(self.rows_of(np.array([seq]))[0])
        return None if row == NONE else row

    def person_id(self, row: int) -> str | None:
        return person_name(int(self.person[row]))

    def remove(self, rows: list[int]) -> None:
        """Rows whose sightings are gone: no person, no cluster, no seq lookup."""
        self.person[rows] = NONE
        self.cluster[rows] = NONE
        self.present[rows] = False

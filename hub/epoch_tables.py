"""The linker's encodings split by key epoch, so only encodings of one epoch are compared.

Encodings made under different epochs' keys are unrelated bit patterns: a
comparison across epochs says nothing. Each epoch therefore has its own
EncodingTable and blocking index. A sighting is one linker row; it has a
row in the table of every epoch it was encoded under. A sighting made during
a rotation's overlap is encoded under both epochs and so has a row in both
tables: it links to earlier sightings through the old epoch and to later
ones through the new, and the person's sightings before and after the
rotation end up in one component.

Scoring a pair of sightings uses the newest epoch both were encoded under.
A pair without a common epoch (one seen only before, one only after the
rotation) has no comparable evidence; it gets a neutral score (see
`neutral_score`) that neither vetoes a merge nor moves a cluster's mean
towards or away from the merge bar, and never counts as a link itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import MatchPolicy
from linkage.encode import IdentityEncoding
from linkage.population import name_keys
from linkage.schema import LinkageSchema
from linkage.table import EncodingTable, EntityTokens

TableScorer = Callable[[EncodingTable, np.ndarray, np.ndarray], np.ndarray]


def neutral_score(policy: MatchPolicy) -> float:
    """Score of a pair that cannot be compared.

    Equal to the clustering's mean bar, so adding such pairs to a cross block
    leaves "mean >= cluster_mean" exactly as the comparable pairs decide it,
    and above the veto, so it never blocks a merge. Kept below the link
    threshold so an incomparable pair never becomes a link on its own.
    """
    return float(min(policy.cluster_mean, np.nextafter(policy.threshold, -np.inf)))


class EpochTables:
    """Per-epoch EncodingTables and blocking indexes over one numbering of sightings."""

    def __init__(self, schema: LinkageSchema) -> None:
        self.schema = schema
        self.size = 0  # sightings (linker rows)
        self._room = 1024  # rows each epoch's table is made with room for (`reserve`)
        self.tables: dict[int, EncodingTable] = {}
        self._indexes: dict[int, CandidateIndex] = {}
        # per epoch: table row of each sighting (-1: not encoded under that epoch) ...
        self._table_row: dict[int, np.ndarray] = {}
        # ... and linker row of each table row (an array: a list costs 36 bytes an entry)
        self._sighting: dict[int, np.ndarray] = {}

    @property
    def epochs(self) -> list[int]:
        return sorted(self.tables, reverse=True)

    def reserve(self, sightings: int) -> None:
        """Room in every epoch's table (and any made later) for `sightings` rows, taken
        before loading them so the table is never copied to grow while it loads, nor on
        the nights after (`EncodingTable.reserve`: the room costs nothing until used)."""
        self._room = max(self._room, sightings)
        for table in self.tables.values():
            table.reserve(self._room)

    def _epoch(self, epoch: int) -> None:
        if epoch not in self.tables:
            self.tables[epoch] = EncodingTable.for_schema(self.schema, capacity=self._room)
            self._indexes[epoch] = CandidateIndex()
            self._table_row[epoch] = np.full(max(self.size, 1024), -1, dtype=np.int64)
            self._sighting[epoch] = np.empty(1024, dtype=np.int64)

    def _grow(self, needed: int) -> None:
        for epoch, rows in self._table_row.items():
            if len(rows) < needed:
                grown = np.full(max(needed, 2 * len(rows)), -1, dtype=np.int64)
                grown[: len(rows)] = rows
                self._table_row[epoch] = grown

    def append(self, encodings: list[Mapping[int, IdentityEncoding]],
               entities: list[Mapping[int, EntityTokens]] | None = None) -> range:
        """Add sightings (each: epoch -> subject encoding, and epoch -> its entity
        tokens under that epoch's key); returns their linker rows."""
        start = self.size
        for mapping in encodings:
            for epoch in mapping:
                self._epoch(epoch)
        self._grow(start + len(encodings))
        by_epoch: dict[int, list[tuple[int, IdentityEncoding, EntityTokens]]] = {}
        for offset, mapping in enumerate(encodings):
            tokens = entities[offset] if entities is not None else {}
            for epoch, encoding in mapping.items():
                by_epoch.setdefault(epoch, []).append(
                    (start + offset, encoding, tokens.get(epoch, ())))
        for epoch, items in by_epoch.items():
            added = self.tables[epoch].append([enc for _, enc, _ in items],
                                              [tokens for _, _, tokens in items])
            sightings = np.array([sighting for sighting, _, _ in items], dtype=np.int64)
            self._table_row[epoch][sightings] = np.arange(added.start, added.stop)
            back = self._sighting[epoch]
            if len(back) < added.stop:
                grown = np.empty(max(added.stop, 2 * len(back)), dtype=np.int64)
                grown[: added.start] = back[: added.start]
                back = self._sighting[epoch] = grown
            back[added.start : added.stop] = sightings
        self.size = start + len(encodings)
        return range(start, self.size)

    def index_only(self, rows: range) -> None:
        """Index sightings whose links are already known (hub start-up)."""
        for epoch, index in self._indexes.items():
            mapped = self._table_row[epoch][rows.start : rows.stop]
            index.index_only(self.tables[epoch], mapped[mapped >= 0])

    def candidates(self, rows: range) -> np.ndarray:
        """Index the given (new) sightings in every epoch; new candidate pairs, as linker rows."""
        found: list[np.ndarray] = []
        for epoch, index in self._indexes.items():
            mapped = self._table_row[epoch][rows.start : rows.stop]
            table_rows = mapped[mapped >= 0]
            if not len(table_rows):
                continue
            pairs = index.add(self.tables[epoch], table_rows)
            if len(pairs):
                found.append(self._sighting[epoch][pairs])
        if not found:
            return np.empty((0, 2), dtype=np.int64)
        return np.unique(np.concatenate(found), axis=0)

    def name_keys(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """For each of `rows`, the key of its name filter under each epoch it was encoded
        under (`linkage.population.name_keys`): keys and whether present, one column per
        epoch of the returned list (newest first)."""
        rows = np.asarray(rows, dtype=np.int64)
        epochs = self.epochs
        keys = np.zeros((len(rows), len(epochs)), dtype=np.uint64)
        present = np.zeros((len(rows), len(epochs)), dtype=bool)
        for column, epoch in enumerate(epochs):
            mapped = self._table_row[epoch][rows]
            here = np.flatnonzero(mapped >= 0)
            if len(here):
                keys[here, column] = name_keys(self.tables[epoch].filters, mapped[here], epoch)
                present[here, column] = True
        return keys, present, epochs

    def any_only_under(self, epochs: set[int]) -> bool:
        """Does some sighting held carry encodings of `epochs` only (none of the others)?"""
        inside = np.zeros(self.size, dtype=bool)
        outside = np.zeros(self.size, dtype=bool)
        for epoch in self.epochs:
            held = self._table_row[epoch][: self.size] >= 0
            if epoch in epochs:
                inside |= held
            else:
                outside |= held
        return bool((inside & ~outside).any())

    def dated(self) -> np.ndarray:
        """Per sighting: does it carry a date of birth (the same under every epoch)."""
        out = np.zeros(self.size, dtype=bool)
        for epoch, table in self.tables.items():
            rows = self._table_row[epoch][: self.size]
            present = rows >= 0
            out[present] |= table.dob[rows[present], 0] != 0
        return out

    def score(self, left: np.ndarray, right: np.ndarray, scorer: TableScorer,
              incomparable: float) -> np.ndarray:
        """Scores of sighting pairs under the newest epoch each pair shares."""
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        out = np.full(len(left), incomparable, dtype=np.float32)
        pending = np.ones(len(left), dtype=bool)
        for epoch in self.epochs:
            rows = self._table_row[epoch]
            a, b = rows[left], rows[right]
            here = pending & (a >= 0) & (b >= 0)
            if here.any():
                out[here] = scorer(self.tables[epoch], a[here], b[here])
                pending &= ~here
            if not pending.any():
                break
        return out

    # -- removal and probes (withdrawal, retention, lookups) -----------------------------

    def forget(self, rows: list[int]) -> np.ndarray:
        """Take sightings out of every epoch: out of the blocking indexes, encodings blanked.

        The linker row numbers stay (rows are positions); a forgotten row has no
        table row in any epoch, so it is never a candidate again, scores as
        incomparable and counts as undated. Returns the candidate pairs (linker
        rows) the removal makes: sightings that move up into a capped block.
        """
        found = [np.empty((0, 2), dtype=np.int64)]
        if not rows:
            return found[0]
        linker_rows = np.asarray(rows, dtype=np.int64)
        for epoch, table in self.tables.items():
            mapped = self._table_row[epoch][linker_rows]
            present = mapped[mapped >= 0]
            if not len(present):
                continue
            found.append(self._sighting[epoch][self._indexes[epoch].remove_rows(table, present)])
            for row in present.tolist():
                table.blank_row(row)
            self._table_row[epoch][linker_rows] = -1
        pairs = np.concatenate(found)
        return np.unique(np.sort(pairs, axis=1), axis=0) if len(pairs) else pairs

    def probe_candidates(self, probe: Mapping[int, IdentityEncoding],
                         entities: Mapping[int, EntityTokens] | None = None) -> np.ndarray:
        """Linker rows a new sighting with these encodings (and entity tokens per epoch:
        a shared phone or advert is a key of its own) would be paired with (sorted)."""
        found: list[np.ndarray] = []
        for epoch, encoding in probe.items():
            if epoch not in self.tables:
                continue
            single = EncodingTable.for_schema(self.schema, capacity=1)
            single.append([encoding], [(entities or {}).get(epoch, ())])
            pairs = self._indexes[epoch].query(self.tables[epoch], single, [0])
            if len(pairs):
                found.append(self._sighting[epoch][pairs[:, 0]])
        if not found:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(found))

    def score_probe(self, probe: Mapping[int, IdentityEncoding], rows: np.ndarray,
                    scorer: TableScorer, incomparable: float,
                    entities: Mapping[int, EntityTokens] | None = None) -> np.ndarray:
        """Scores of (row, probe) for each linker row, under the newest epoch both hold;
        `entities`: the probe's entity tokens per epoch."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.full(len(rows), incomparable, dtype=np.float32)
        pending = np.ones(len(rows), dtype=bool)
        for epoch in self.epochs:
            if epoch not in probe or not pending.any():
                continue
            mapped = self._table_row[epoch][rows]
            here = pending & (mapped >= 0)
            if here.any():
                copy = self.tables[epoch].take(mapped[here])
                count = copy.size
                copy.append([probe[epoch]], [(entities or {}).get(epoch, ())])
                # the stored row first, the probe second: as a link run pairs (earlier, later)
                out[here] = scorer(copy, np.arange(count), np.full(count, count))
                pending &= ~here
        return out

    def dated_rows(self, rows: np.ndarray) -> np.ndarray:
        """`dated()` for the given linker rows only."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=bool)
        for epoch, table in self.tables.items():
            mapped = self._table_row[epoch][rows]
            present = mapped >= 0
            out[present] |= table.dob[mapped[present], 0] != 0
        return out

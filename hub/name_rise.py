"""The automatic threshold's rise, paid per name (README "The rise taken per name").

The rise is the change in prior odds for the average name in the hub; a name fewer
persons bear than in the population the weights were fitted on agrees by coincidence
no more often than it did there. So a pair of dated sightings gets back, on its score,
the part of the rise its name does not need (`linkage.population.rise_names_need`),
judged by how many persons bore the two names when the threshold last stepped. The
counts are a snapshot, kept in the database (`hub.linked_with`), so that night-by-night
linking gives the persons of a relink.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from hub import settings
from hub.epoch_tables import EpochTables
from hub.linker_rows import NONE
from linkage.encode import IdentityEncoding
from linkage.population import NameCounts, name_keys, rise_names_need
from linkage.schema import LinkageSchema
from linkage.table import EncodingTable


class NameRise:
    """The name counts a linker scores against (None: not counted, every pair pays the
    whole rise), and per linker row how many other persons bore its name (infinite for
    a sighting without a date of birth or of an epoch not counted: it pays it all)."""

    def __init__(self, counts: NameCounts | None) -> None:
        self.counts = counts
        self._others = np.zeros(0, dtype=np.float64)
        # a row taken bridges a name's keys under two counted epochs that the counts
        # gave different numbers (`NameCounts.bridged_since`): they no longer fit
        self.bridged_since_counted = False

    def append(self, tables: EpochTables, rows: range) -> None:
        """Take the linker rows just appended to `tables`."""
        if self.counts is None:
            return
        rows_array = np.arange(rows.start, rows.stop, dtype=np.int64)
        others, bridged = self.counts.others_and_bridged(*tables.name_keys(rows_array))
        others[~tables.dated_rows(rows_array)] = np.inf
        self.bridged_since_counted |= bool(bridged.any())
        self._others = np.concatenate([self._others[: rows.start], others])

    def allowance(self, left: np.ndarray, right: np.ndarray, rise: float) -> np.ndarray | None:
        """What pairs of linker rows get back of `rise` (None when nothing is counted)."""
        if self.counts is None:
            return None
        return _given_back(np.maximum(self._others[left], self._others[right]), rise)

    def probe_others(self, schema: LinkageSchema,
                     probe: Mapping[int, IdentityEncoding]) -> float:
        """How many other persons bore a lookup's probe's name, as for a stored row."""
        if self.counts is None or not len(probe[max(probe)].dob_tokens):
            return np.inf
        epochs = sorted(probe, reverse=True)
        keys = np.zeros((1, len(epochs)), dtype=np.uint64)
        for column, epoch in enumerate(epochs):
            table = EncodingTable.for_schema(schema, capacity=1)
            table.append([probe[epoch]], [()])
            keys[0, column] = name_keys(table.filters, None, epoch)[0]
        return float(self.counts.others_across_epochs(
            keys, np.ones(keys.shape, dtype=bool), epochs)[0])

    def probe_allowance(self, probe_others: float, rows: np.ndarray,
                        rise: float) -> np.ndarray:
        """What a probe (`probe_others`) paired with each of `rows` gets back of `rise`."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.counts is None:
            return np.zeros(len(rows), dtype=np.float32)
        return _given_back(np.maximum(probe_others, self._others[rows]), rise)


def counted_names(tables: EpochTables, persons: np.ndarray,
                  overlap_ongoing: bool = False) -> NameCounts:
    """How many of the linked persons bear each name borne by more than the fitted
    namesakes (`persons`: each linker row's person, NONE for none), a name's keys under
    every epoch it was seen in counted as one (`NameCounts.across_epochs`).

    `overlap_ongoing`: some node is still in a rotation's overlap, so names are still
    being bridged to the newest epoch; it is then not counted (its keys read as unknown,
    not as rare), and is counted once the overlap has ended (`Linker`)."""
    keys, present, epochs = tables.name_keys(np.arange(tables.size, dtype=np.int64))
    kept = present.any(axis=1) & (persons[: tables.size] != NONE)
    counted = [epoch for column, epoch in enumerate(epochs) if present[kept, column].any()]
    if overlap_ongoing and len(counted) > 1:
        counted.remove(max(counted))
    return NameCounts.across_epochs(keys[kept], present[kept], persons[: tables.size][kept],
                                    counted, settings.FITTED_NAMESAKES)


def _given_back(others: np.ndarray, rise: float) -> np.ndarray:
    if rise <= 0:
        return np.zeros(len(others), dtype=np.float32)
    # the fitted figure the threshold's own rule reads (read here, so that one setting
    # moves both)
    return (rise - rise_names_need(others, rise, settings.FITTED_NAMESAKES)).astype(
        np.float32)

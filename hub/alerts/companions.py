"""Companion persons: the same controlling man recorded beside women in several towns.

Companions arrive as IdentityEncodings like subjects, so the linker's own
comparison (blocking, scoring, chain-resistant clustering) groups them into
companion persons. That is what lets the network rule see "three women, each
with the same man, in two towns" without anyone holding his name.

Encodings made under different key epochs are unrelated bit patterns, so
companions are grouped per epoch. `CompanionPersons` keeps the grouping in
memory and adds each night's companions the way the hub's linker adds
sightings (same blocking, scoring and person graph), so it gives exactly the
grouping of one batch run over all of them, and says which companions
changed person: their sightings' networks must be looked at again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import MatchPolicy
from linkage.linking import scored_links, table_scorer, unlink_rows
from linkage.persons import PersonGraph
from linkage.schema import LinkageSchema
from linkage.table import EncodingTable, EntityTokens
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2

CompanionKey = tuple[str, int]  # (sighting UUID, position of the companion in it)

#: the sighting's entity tokens a companion is compared by besides his own encoding: two
#: companions recorded at sightings sharing a phone, plate or advert are likely one man
#: (benchmarks/companions.py: recall 0.70-0.73 -> 0.81-0.86 at the same precision). Not
#: the address: a window or club address is shared by unrelated women and their men.
COMPANION_ENTITY_KINDS = frozenset({wire.ENTITY_KINDS[kind]
                                    for kind in ("phone", "vehicle_plate", "advert")})


#: names how companions are grouped; when it changes, the hub's next start evaluates every
#: alert again (1: by the encoding alone; 2: and by the sighting's tokens, 2026-12-05)
COMPANION_GROUPING = "2"


class CompanionRow(NamedTuple):
    sighting_uuid: str
    position: int  # of the companion in the sighting
    epoch: int
    encoding: bytes
    entities: EntityTokens = ()  # the sighting's (kind, token) pairs


def companion_entities(tokens: Iterable[tuple[int, bytes]]) -> EntityTokens:
    """The tokens of a sighting that its companions are compared by."""
    return [(kind, token) for kind, token in tokens if kind in COMPANION_ENTITY_KINDS]


def companion_id_for(key: CompanionKey) -> str:
    """Pseudonymous companion id, named after the cluster's first-received member."""
    digest = hashlib.sha256(f"zichtlijn-companion\x00{key[0]}\x00{key[1]}".encode()).hexdigest()
    return "C-" + digest[:12]


class _EpochCompanions:
    """The companions of one key epoch: their table, blocking index and person graph."""

    def __init__(self, schema: LinkageSchema, policy: MatchPolicy) -> None:
        self.policy = policy
        self.table = EncodingTable.for_schema(schema)
        self.index = CandidateIndex()
        self.graph = PersonGraph(policy)
        self.keys: list[CompanionKey] = []
        self.row_of: dict[CompanionKey, int] = {}
        self.scorer = table_scorer(self.table, policy)

    def add(self, rows: Sequence[CompanionRow]) -> set[int]:
        """Add companions in arrival order; returns the rows whose person may have changed."""
        added = self.table.append(
            [wire.identity_from_wire(encoding_pb2.IdentityEncoding.FromString(row.encoding))
             for row in rows], [companion_entities(row.entities) for row in rows])
        for row, companion in zip(added, rows, strict=True):
            key = (companion.sighting_uuid, companion.position)
            self.keys.append(key)
            self.row_of[key] = row
        self.graph.add_rows(added)
        dated = self._dated()
        links, scores = scored_links(self.index.add(self.table, added), self.scorer,
                                     self.policy, dated)
        self.graph.add_links(links, scores)
        return set(self.graph.update(added, self.scorer, dated)) | set(added)

    def remove(self, keys: Sequence[CompanionKey]) -> set[int]:
        """Take companions out (their sighting was withdrawn, corrected or purged); returns
        the remaining rows whose person may have changed. What is left is grouped as one
        batch of the remaining companions would group it, as the hub's linker does."""
        rows = np.array(sorted(self.row_of.pop(key) for key in keys), dtype=np.int64)
        moved_up = self.index.remove_rows(self.table, rows)
        for row in rows.tolist():
            self.table.blank_row(row)
        touched, _, _ = unlink_rows(self.graph, rows.tolist(), moved_up, self.scorer,
                                    self.policy, self._dated())
        return touched

    def _dated(self) -> np.ndarray:
        return self.table.dob[: self.table.size, 0] != 0

    def person_of(self, row: int) -> str:
        return companion_id_for(self.keys[self.graph.person_root(row)])


class CompanionPersons:
    """Companion person per (sighting UUID, position), kept current as companions arrive."""

    def __init__(self, schema: LinkageSchema, policy: MatchPolicy) -> None:
        self.schema = schema
        self.policy = policy
        self._epochs: dict[int, _EpochCompanions] = {}
        self.person_of: dict[CompanionKey, str] = {}
        self.members: dict[str, set[CompanionKey]] = defaultdict(set)
        self._keys_of_sighting: dict[str, list[CompanionKey]] = defaultdict(list)
        self._epoch_of: dict[CompanionKey, int] = {}
        self._room = 0  # companions each epoch's table is made with room for (`reserve`)

    def reserve(self, companions: int) -> None:
        """Room for `companions` rows in each epoch's table, made now or later, so that a
        rebuild and the nights after it do not copy the tables as they grow
        (`EncodingTable.reserve`: the room costs nothing until used)."""
        self._room = max(self._room, companions)
        for state in self._epochs.values():
            state.table.reserve(self._room)

    def companions_of(self, sighting_uuid: str) -> list[str]:
        """Companion person ids on one sighting, in the order they were recorded."""
        return [self.person_of[key] for key in self._keys_of_sighting.get(sighting_uuid, ())]

    def add(self, rows: Sequence[CompanionRow | tuple]) -> set[CompanionKey]:
        """Add companions (in arrival order); returns those now in another person or new."""
        by_epoch: dict[int, list[CompanionRow]] = defaultdict(list)
        for row in (CompanionRow(*row) for row in rows):
            by_epoch[row[2]].append(row)
            self._keys_of_sighting[row[0]].append((row[0], row[1]))
            self._epoch_of[(row[0], row[1])] = row[2]
        moved: set[CompanionKey] = set()
        for epoch, group in by_epoch.items():
            state = self._epochs.get(epoch)
            if state is None:
                state = self._epochs[epoch] = _EpochCompanions(self.schema, self.policy)
                state.table.reserve(self._room)
            moved |= self._rename(state, state.add(group))
        return moved

    def remove(self, sighting_uuids: Iterable[str]) -> set[CompanionKey]:
        """Forget the companions of removed sightings; returns the companions left that
        are now in another person (a removed one may have named or joined theirs)."""
        by_epoch: dict[int, list[CompanionKey]] = defaultdict(list)
        for uuid in sighting_uuids:
            for key in self._keys_of_sighting.pop(uuid, ()):
                by_epoch[self._epoch_of.pop(key)].append(key)
                self._leave(self.person_of.pop(key), key)
        moved: set[CompanionKey] = set()
        for epoch, keys in by_epoch.items():
            state = self._epochs[epoch]
            moved |= self._rename(state, state.remove(keys))
        return moved

    def _leave(self, person: str, key: CompanionKey) -> None:
        """`key` is no longer one of `person`'s; a person left with none is gone."""
        self.members[person].discard(key)
        if not self.members[person]:
            del self.members[person]

    def _rename(self, state: _EpochCompanions, rows: set[int]) -> set[CompanionKey]:
        """Record the person of each of `rows`; returns the keys whose person changed."""
        moved: set[CompanionKey] = set()
        for row in sorted(rows):
            key, person = state.keys[row], state.person_of(row)
            old = self.person_of.get(key)
            if old == person:
                continue
            if old is not None:
                self._leave(old, key)
            self.person_of[key] = person
            self.members[person].add(key)
            moved.add(key)
        return moved


def companion_persons(rows: Sequence[CompanionRow | tuple], schema: LinkageSchema,
                      policy: MatchPolicy) -> dict[CompanionKey, str]:
    """Map (sighting UUID, position) -> companion person id, in one batch.

    `rows` are in arrival order, so a cluster is named after its earliest
    member whatever arrives later.
    """
    persons = CompanionPersons(schema, policy)
    persons.add(rows)
    return dict(persons.person_of)

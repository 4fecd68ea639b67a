"""A full alert evaluation that reads the persons a chunk at a time instead of all at once.

At a million sightings the facts of every sighting are gigabytes of Python
objects. None of the rules needs them all at once:

- carousel and accumulation are functions of one person's facts, so persons
  are read in chunks (all sightings of each person in the same chunk) and
  their findings made chunk by chunk;
- a network is made of anchors that qualify (enough persons in enough
  municipalities carry them). Which anchors can qualify under the most
  lenient enabled network rule (`Reach`) is worked out first: entity
  anchors by one grouping query in SQLite, companion anchors from the
  companion grouping held in memory. Only the facts carrying such an anchor
  are kept for the network rule. Every carrier of a qualifying anchor is
  among them and an anchor that cannot qualify over all facts cannot
  qualify over fewer, so the networks are those of all facts.

What is kept beyond a chunk: the findings and the facts carrying a
qualifying anchor. The findings are packed (`PackedFindings`) and those facts
are read again after the last chunk: at a million sightings some 200,000
findings and 155,000 facts kept as Python objects made the evaluation grow
by 260 MB, most of it memory of the chunks they pinned; packed, 100 MB
(README "National scale"). The reconciler unpacks the findings and reads the
facts it records (gemeente, date, signals of a finding's sightings) again, a
batch of findings at a time (`sighting_facts`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import overload
from uuid import UUID

from hub.alerts.config import AlertConfig
from hub.alerts.rules import (
    Anchor,
    Fact,
    Finding,
    network_findings,
    person_findings,
)
from hub.alerts.scope import KIND_NAMES, Carrier, Reach

#: persons read per chunk; a chunk is two queries with this many bound parameters
PERSONS_PER_CHUNK = 500
_KIND_NUMBERS = {name: number for number, name in KIND_NAMES.items()}


class PackedFindings:
    """Findings in a few flat arrays instead of a set of UUID strings each.

    Findings outlive the chunk of facts they were made from; held as Python
    objects they pin the memory of every chunk. A sighting is its 16-byte
    UUID here: hub/validate.py admits only lower-case UUIDs, so `finding`
    gives back exactly the strings.
    """

    def __init__(self) -> None:
        self._rules: list[str] = []  # distinct rule names and region sets: a handful
        self._region_sets: list[frozenset[str]] = []
        self._rule = array("H")
        self._regions = array("I")
        self._score = array("d")
        self._end = array("Q")  # where each finding's UUIDs end in _uuids
        self._uuids = bytearray()

    def __len__(self) -> int:
        return len(self._score)

    def add(self, finding: Finding) -> None:
        self._rule.append(_index_of(self._rules, finding.rule))
        self._regions.append(_index_of(self._region_sets, finding.regions))
        self._score.append(finding.score)
        for uuid in sorted(finding.sightings):
            self._uuids += UUID(uuid).bytes
        self._end.append(len(self._uuids))

    def finding(self, i: int) -> Finding:
        return Finding(self._rules[self._rule[i]],
                       frozenset(_uuids_in(self._uuids[self._start(i) : self._end[i]])),
                       self._score[i], self._region_sets[self._regions[i]])

    def _start(self, i: int) -> int:
        return self._end[i - 1] if i else 0

    def in_order(self) -> Sequence[Finding]:
        """The findings in `finding_order`, unpacked as they are read (a batch at a time)."""
        return _InOrder(self)

    def order(self) -> list[int]:
        """Indices in `finding_order`: by rule, then first sighting (its UUIDs are sorted,
        and fixed-length lower-case hex sorts as the bytes it spells)."""
        def first(i: int) -> bytes:
            return bytes(self._uuids[self._start(i) : self._start(i) + 16])
        return sorted(range(len(self)), key=lambda i: (self._rules[self._rule[i]], first(i)))


class _InOrder(Sequence[Finding]):
    def __init__(self, packed: PackedFindings) -> None:
        self._packed = packed
        self._order = packed.order()

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, at: int) -> Finding: ...
    @overload
    def __getitem__(self, at: slice) -> list[Finding]: ...
    def __getitem__(self, at: int | slice) -> Finding | list[Finding]:
        if isinstance(at, slice):
            return [self._packed.finding(i) for i in self._order[at]]
        return self._packed.finding(self._order[at])


def _uuids_in(packed: bytes | bytearray) -> list[str]:
    """The UUID strings of 16-byte UUIDs packed end to end."""
    return [str(UUID(bytes=bytes(packed[i : i + 16]))) for i in range(0, len(packed), 16)]


def _index_of(values: list, value: object) -> int:
    if value not in values:
        values.append(value)
    return values.index(value)


@dataclass(frozen=True)
class FullEvaluation:
    sightings: int  # facts read
    findings: PackedFindings


def entity_anchors_that_may_qualify(conn: sqlite3.Connection, reach: Reach) -> set[Anchor]:
    """Entity anchors whose counted carriers reach `reach`'s persons and municipalities."""
    kinds = sorted(_KIND_NUMBERS[k] for k in reach.link_kinds if k in _KIND_NUMBERS)
    if not kinds:
        return set()
    where = f"s.person_id IS NOT NULL AND e.kind IN ({','.join('?' * len(kinds))})"
    params: list[object] = list(kinds)
    ignored = sorted(reach.ignore_address_in_settings)
    if ignored and "address" in _KIND_NUMBERS:
        # ifnull: a sighting without a setting is never ignored (NULL IN (...) is NULL)
        where += (f" AND NOT (e.kind = ? AND ifnull(s.setting IN "
                  f"({','.join('?' * len(ignored))}), 0))")
        params += [_KIND_NUMBERS["address"], *ignored]
    rows = conn.execute(
        "SELECT e.kind, e.token, s.epoch FROM entities e JOIN sightings s "
        f"ON s.seq = e.sighting_seq WHERE {where} GROUP BY e.kind, e.token, s.epoch "
        "HAVING count(DISTINCT s.person_id) >= ? AND count(DISTINCT s.gemeente) >= ?",
        [*params, reach.min_persons, reach.min_gemeenten]).fetchall()
    return {(KIND_NAMES[kind], f"{epoch}:{bytes(token).hex()}") for kind, token, epoch in rows}


def companion_anchors_that_may_qualify(conn: sqlite3.Connection, reach: Reach,
                                       carriers_of: dict[str, set[str]]) -> set[Anchor]:
    """Companion anchors that qualify under `reach`; `carriers_of`: companion id -> the
    UUIDs of the sightings recorded with that companion person."""
    if "companion" not in reach.link_kinds:
        return set()
    # a companion on fewer sightings than min_persons cannot have that many persons
    candidates = {c: uuids for c, uuids in carriers_of.items()
                  if len(uuids) >= reach.min_persons}
    wanted = sorted({u for uuids in candidates.values() for u in uuids})
    carrier: dict[str, Carrier] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        carrier.update((uuid, (person, gemeente, setting)) for uuid, person, gemeente, setting
                       in conn.execute(
                           "SELECT sighting_uuid, person_id, gemeente, setting FROM sightings "
                           f"WHERE person_id IS NOT NULL AND sighting_uuid IN "
                           f"({','.join('?' * len(chunk))})", chunk))
    return {("companion", companion) for companion, uuids in sorted(candidates.items())
            if reach.qualifies("companion", [carrier[u] for u in sorted(uuids)
                                             if u in carrier])}


def person_chunks(conn: sqlite3.Connection, size: int = PERSONS_PER_CHUNK
                  ) -> Iterator[set[str]]:
    """Every person with a linked sighting, `size` at a time; read now (under the caller's
    lock), made into sets as they are taken."""
    persons = [p for (p,) in conn.execute(
        "SELECT DISTINCT person_id FROM sightings WHERE person_id IS NOT NULL "
        "ORDER BY person_id")]
    return (set(persons[start : start + size]) for start in range(0, len(persons), size))


def evaluate_in_chunks(chunks: Iterator[set[str]], load_facts: Callable[[set[str]], list[Fact]],
                       load_sightings: Callable[[Iterable[str]], list[Fact]],
                       config: AlertConfig, may_qualify: set[Anchor]) -> FullEvaluation:
    """The findings of `rules.evaluate` over the facts of every chunk of persons.

    The facts for the network rule are read again after the chunks (`load_sightings`)
    rather than kept from them, for the reason `PackedFindings` gives."""
    read = 0
    findings = PackedFindings()
    carrying = bytearray()  # UUIDs of the sightings carrying an anchor that may qualify
    for persons in chunks:
        facts = load_facts(persons)
        read += len(facts)
        for finding in person_findings(facts, config):
            findings.add(finding)
        for fact in facts:
            if not may_qualify.isdisjoint(fact.anchors):
                carrying += UUID(fact.sighting_uuid).bytes
        del facts
    for finding in network_findings(_network_facts(carrying, load_sightings, may_qualify),
                                    config):
        findings.add(finding)
    return FullEvaluation(read, findings)


def _network_facts(carrying: bytearray, load_sightings: Callable[[Iterable[str]], list[Fact]],
                   may_qualify: set[Anchor], per_read: int = 500) -> list[Fact]:
    """The facts of the `carrying` sightings as the network rule needs them: with only
    the anchors that may qualify (no other can join a network) and the strings they
    share shared, read `per_read` at a time (at a million sightings ~150,000 facts)."""
    canonical = {anchor: anchor for anchor in may_qualify}
    shared: dict[str | None, str | None] = {}
    facts: list[Fact] = []
    step = 16 * per_read
    for start in range(0, len(carrying), step):
        uuids = _uuids_in(carrying[start : start + step])
        facts += [
            replace(fact, person_id=shared.setdefault(fact.person_id, fact.person_id),
                    gemeente=shared.setdefault(fact.gemeente, fact.gemeente),
                    setting=shared.setdefault(fact.setting, fact.setting),
                    anchors=tuple(canonical[a] for a in fact.anchors if a in canonical))
            for fact in load_sightings(uuids)]
    return facts


def sighting_facts(conn: sqlite3.Connection, uuids: Iterable[str]) -> dict[str, Fact]:
    """The facts of the sightings `uuids` that are still stored and linked, without anchors
    (the reconciler records no anchors)."""
    wanted = sorted(uuids)
    found: dict[str, Fact] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for uuid, gemeente, observed_on, setting, licensed, signals, person in conn.execute(
                "SELECT sighting_uuid, gemeente, observed_on, setting, licensed, signals, "
                "person_id FROM sightings WHERE person_id IS NOT NULL AND sighting_uuid IN "
                f"({','.join('?' * len(chunk))})", chunk):
            found[uuid] = Fact(
                sighting_uuid=uuid, person_id=person, gemeente=gemeente,
                observed_on=dt.date.fromisoformat(observed_on), setting=setting,
                licensed=None if licensed is None else bool(licensed),
                signals=tuple(c for c in signals.split(";") if c))
    return found


def carriers_by_companion(members: dict[str, set[tuple[str, int]]]) -> dict[str, set[str]]:
    """Companion id -> UUIDs of the sightings carrying it, from CompanionPersons.members."""
    return {companion: {uuid for uuid, _ in keys} for companion, keys in members.items()
            if keys}


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
qualifying anchor. The reconciler reads the facts it records (gemeente,
date, signals of a finding's sightings) again, a batch of findings at a
time (`sighting_facts`): at a million sightings most are in some finding.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from hub.alerts.config import AlertConfig
from hub.alerts.rules import (
    Anchor,
    Fact,
    Finding,
    finding_order,
    network_findings,
    person_findings,
)
from hub.alerts.scope import KIND_NAMES, Carrier, Reach

#: persons read per chunk; a chunk is two queries with this many bound parameters
PERSONS_PER_CHUNK = 500
_KIND_NUMBERS = {name: number for number, name in KIND_NAMES.items()}


@dataclass(frozen=True)
class FullEvaluation:
    sightings: int  # facts read
    findings: list[Finding]  # in the order `rules.evaluate` gives them


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
    """Every person with a linked sighting, `size` at a time."""
    persons = [p for (p,) in conn.execute(
        "SELECT DISTINCT person_id FROM sightings WHERE person_id IS NOT NULL "
        "ORDER BY person_id")]
    for start in range(0, len(persons), size):
        yield set(persons[start : start + size])


def evaluate_in_chunks(chunks: Iterator[set[str]], load_facts: Callable[[set[str]], list[Fact]],
                       config: AlertConfig, may_qualify: set[Anchor]) -> FullEvaluation:
    """The findings of `rules.evaluate` over the facts of every chunk of persons."""
    read = 0
    findings: list[Finding] = []
    carrying: list[Fact] = []
    for persons in chunks:
        facts = load_facts(persons)
        read += len(facts)
        findings += person_findings(facts, config)
        carrying += [f for f in facts if not may_qualify.isdisjoint(f.anchors)]
    findings += network_findings(carrying, config)
    return FullEvaluation(read, sorted(findings, key=finding_order))


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


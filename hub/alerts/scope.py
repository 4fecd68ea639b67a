"""Which persons a nightly alert evaluation must read: the changed ones and their networks.

The rules are functions of persons (carousel, accumulation) and of networks
(persons joined by shared anchors). A finding can change only if one of its
persons changed: a new sighting, a re-clustering, a companion that moved to
another companion person. So the nightly evaluation starts from those
persons and widens the set until it is closed:

- every sighting of a person in the set is read;
- every anchor on those sightings that could make a network (a link kind of
  some enabled network rule, not a venue address every rule ignores) is
  followed to all its carriers; if the anchor qualifies under the most
  lenient enabled rule, their persons join the set.

Evaluated on a closed set, the rules give exactly the findings a full
evaluation gives for those persons and networks: each person has all its
sightings, and each network has all its qualifying anchors with all their
carriers. Every other finding is unchanged, and an unchanged finding leaves
its alert alone (hub/alerts/reconcile.py), so nothing else needs reading.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hub.alerts.config import AlertConfig
from hub.alerts.rules import Anchor
from zichtlijn import wire

_CHUNK = 500  # stay far below SQLite's limit on bound parameters
KIND_NAMES = {number: name for name, number in wire.ENTITY_KINDS.items()}

#: (person id, gemeente, setting) of one sighting carrying an anchor
Carrier = tuple[str, str, str | None]


@dataclass(frozen=True)
class Reach:
    """How far a change can travel: the union of the enabled network rules."""

    link_kinds: frozenset[str]
    ignore_address_in_settings: frozenset[str]  # ignored by every enabled rule
    min_persons: int
    min_gemeenten: int

    def counts(self, kind: str, setting: str | None) -> bool:
        return kind in self.link_kinds and not (
            kind == "address" and setting in self.ignore_address_in_settings)

    def qualifies(self, kind: str, carriers: Iterable[Carrier]) -> set[str] | None:
        """The carriers' persons if the anchor can make a network, else None."""
        counted = [c for c in carriers if self.counts(kind, c[2])]
        persons = {person for person, _, _ in counted}
        if (len(persons) >= self.min_persons
                and len({gemeente for _, gemeente, _ in counted}) >= self.min_gemeenten):
            return persons
        return None


def reach_of(config: AlertConfig) -> Reach | None:
    """None when no region has the network rule on: changes then stay with their person."""
    rules = [config.rules_of(region).network for region in config.rules]
    rules = [rule for rule in rules if rule.enabled]
    if not rules:
        return None
    return Reach(
        link_kinds=frozenset().union(*(rule.link_kinds for rule in rules)),
        ignore_address_in_settings=frozenset.intersection(
            *(rule.ignore_address_in_settings for rule in rules)),
        min_persons=min(rule.min_persons for rule in rules),
        min_gemeenten=min(rule.min_gemeenten for rule in rules),
    )


def in_chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _entity_anchors(conn: sqlite3.Connection, seqs: list[int]
                    ) -> list[tuple[str, int, bytes, int]]:
    """(kind name, kind number, token, epoch) of the entities on the sightings `seqs`."""
    found = []
    for chunk in in_chunks(seqs):
        found += conn.execute(
            "SELECT e.kind, e.token, s.epoch FROM entities e JOIN sightings s "
            f"ON s.seq = e.sighting_seq WHERE e.sighting_seq IN ({','.join('?' * len(chunk))})",
            chunk).fetchall()
    return [(KIND_NAMES[kind], kind, bytes(token), epoch) for kind, token, epoch in found
            if kind in KIND_NAMES]


def _entity_carriers(conn: sqlite3.Connection, kind: int, token: bytes, epoch: int
                     ) -> list[Carrier]:
    return conn.execute(
        "SELECT s.person_id, s.gemeente, s.setting FROM entities e JOIN sightings s "
        "ON s.seq = e.sighting_seq WHERE e.kind = ? AND e.token = ? AND s.epoch = ? "
        "AND s.person_id IS NOT NULL", [kind, token, epoch]).fetchall()


def persons_in_alerts(conn: sqlite3.Connection, alert_ids: Iterable[str]) -> set[str]:
    """The persons of the sightings the alerts `alert_ids` hold as evidence now."""
    found: set[str] = set()
    for chunk in in_chunks(sorted(alert_ids)):
        found.update(p for (p,) in conn.execute(
            "SELECT DISTINCT s.person_id FROM alert_sightings a JOIN sightings s "
            "ON s.sighting_uuid = a.sighting_uuid WHERE s.person_id IS NOT NULL "
            f"AND a.alert_id IN ({','.join('?' * len(chunk))})", chunk))
    return found


def carriers_by_uuid(conn: sqlite3.Connection, uuids: Iterable[str]) -> list[Carrier]:
    found: list[Carrier] = []
    for chunk in in_chunks(sorted(uuids)):
        found += conn.execute(
            "SELECT person_id, gemeente, setting FROM sightings WHERE person_id IS NOT NULL "
            f"AND sighting_uuid IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return found


def closed_scope(conn: sqlite3.Connection, changed: set[str], reach: Reach | None,
                 companions_of: Callable[[str], list[str]],
                 companion_carriers: Callable[[str], set[str]]) -> set[str]:
    """The persons to evaluate: `changed` widened until no network reaches outside.

    `companions_of(uuid)` gives the companion person ids on a sighting,
    `companion_carriers(companion id)` the UUIDs of the sightings carrying one.
    """
    if reach is None:
        return set(changed)
    scope: set[str] = set()
    frontier = set(changed)
    followed: set[Anchor] = set()
    while frontier:
        scope |= frontier
        rows: list[tuple[int, str]] = []
        for chunk in in_chunks(sorted(frontier)):
            rows += conn.execute(
                "SELECT seq, sighting_uuid FROM sightings "
                f"WHERE person_id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        reached: set[str] = set()
        for name, kind, token, epoch in _entity_anchors(conn, [seq for seq, _ in rows]):
            anchor = (name, f"{epoch}:{token.hex()}")
            if name in reach.link_kinds and anchor not in followed:
                followed.add(anchor)
                carriers = _entity_carriers(conn, kind, token, epoch)
                reached |= reach.qualifies(name, carriers) or set()
        if "companion" in reach.link_kinds:
            for _, uuid in rows:
                for companion in companions_of(uuid):
                    anchor = ("companion", companion)
                    if anchor not in followed:
                        followed.add(anchor)
                        carriers = carriers_by_uuid(conn, companion_carriers(companion))
                        reached |= reach.qualifies("companion", carriers) or set()
        frontier = reached - scope
    return scope

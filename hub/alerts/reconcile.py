"""From findings to alerts: the same evidence never makes a second alert.

An alert is recognised by its evidence, not by a person id: a finding of a
rule belongs to the existing alert of that rule that holds one of its
sightings. Person ids change when the linker re-clusters (a relink, a
merge of two persons), sighting UUIDs never do, so this survives both.

- no alert holds any of its sightings: a new alert, state `new` per region;
- the evidence is the same: nothing happens (no event, no audit entry);
- it changed: the alert is updated and its version raised; if it holds a
  sighting the alert never held before (new evidence), every region sees it
  as `changed`, and a region that had closed it sees it reopened;
- it holds sightings of several alerts (two persons became one): the oldest
  alert takes the evidence, the others are closed as `merged` into it and the
  regions that had them receive the surviving alert;
- an alert no finding matches any more keeps its last evidence and state;
- a region none of whose municipalities the evidence touches any more (its
  sightings there were withdrawn, corrected or erased) sees the alert closed as
  `evidence_left_region`, without sightings, and no later change of it; new
  evidence from its region routes the alert to it again, reopened.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from hub import audit_log
from hub.alerts.rules import Fact, Finding
from hub.alerts.store import LEFT_REGION, record_event
from zichtlijn.v1 import encoding_pb2

ACTOR = "hub:hub"
MERGED = "merged"
LEFT = "left"  # in `_regions`: the region the alert left (closed as LEFT_REGION)
_CHUNK = 500  # stay far below SQLite's limit on bound parameters


@dataclass
class ReconcileReport:
    created: int = 0
    updated: int = 0
    reopened: int = 0
    merged: int = 0
    unchanged: int = 0
    # alerts a finding of this evaluation matched (updated, unchanged or merged away):
    # an alert in the evaluation's scope that is not here has no rule firing on it
    supported: set[str] = field(default_factory=set)

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.merged


def evidence_digest(finding: Finding) -> bytes:
    return evidence_digest_of(finding.rule, finding.score, finding.sightings)


def evidence_digest_of(rule: str, score: float, sightings: Iterable[str]) -> bytes:
    """SHA-256 over an alert's rule, score and sighting UUIDs: what its entries log, and
    what the audit export recomputes from the alert as RIECs are shown it."""
    digest = hashlib.sha256(b"zichtlijn-alert-evidence\x00" + rule.encode())
    digest.update(f"\x00{score:.6f}".encode())
    for uuid in sorted(sightings):
        digest.update(b"\x00" + uuid.encode())
    return digest.digest()


def _alert_id(conn: sqlite3.Connection, finding: Finding) -> str:
    seed = f"zichtlijn-alert\x00{finding.rule}\x00{min(finding.sightings)}"
    for attempt in range(100):
        digest = hashlib.sha256(f"{seed}\x00{attempt}".encode()).hexdigest()
        alert_id = "A-" + digest[:10]
        if conn.execute("SELECT 1 FROM alerts WHERE alert_id = ?", [alert_id]).fetchone() is None:
            return alert_id
    raise RuntimeError("no free alert id")  # 100 collisions of 40 bits: not in this universe


def _matching_alerts(conn: sqlite3.Connection, finding: Finding) -> list[str]:
    """Live (not merged) alerts of the rule that hold one of the finding's sightings."""
    found: dict[str, str] = {}
    uuids = sorted(finding.sightings)
    for start in range(0, len(uuids), _CHUNK):
        chunk = uuids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT DISTINCT a.alert_id, a.created_at FROM alerts a JOIN alert_sightings s "
            "ON s.alert_id = a.alert_id WHERE a.rule = ? AND a.merged_into IS NULL "
            f"AND s.current = 1 AND s.sighting_uuid IN ({marks})",
            [finding.rule, *chunk],
        ).fetchall()
        found.update(rows)
    return [alert_id for alert_id, _ in sorted(found.items(), key=lambda kv: (kv[1], kv[0]))]


def undated_among(conn: sqlite3.Connection, uuids: list[str]) -> set[str]:
    """The sightings among `uuids` whose subject carries no date of birth."""
    found: set[str] = set()
    for start in range(0, len(uuids), _CHUNK):
        chunk = uuids[start : start + _CHUNK]
        for uuid, subject in conn.execute(
                "SELECT sighting_uuid, subject FROM sightings WHERE sighting_uuid IN "
                f"({','.join('?' * len(chunk))})", chunk):
            if not encoding_pb2.IdentityEncoding.FromString(bytes(subject)).dob_tokens:
                found.add(uuid)
    return found


def _write_sightings(conn: sqlite3.Connection, alert_id: str, finding: Finding,
                     facts: dict[str, Fact]) -> None:
    conn.execute("UPDATE alert_sightings SET current = 0 WHERE alert_id = ?", [alert_id])
    uuids = sorted(finding.sightings)
    undated = undated_among(conn, uuids)
    conn.executemany(
        "INSERT OR REPLACE INTO alert_sightings "
        "(alert_id, sighting_uuid, gemeente, observed_on, signals, current, undated) "
        "VALUES (?, ?, ?, ?, ?, 1, ?)",
        [(alert_id, u, facts[u].gemeente, facts[u].observed_on.isoformat(),
          ";".join(sorted(facts[u].signals)), int(u in undated)) for u in uuids],
    )


def _gemeenten(finding: Finding, facts: dict[str, Fact]) -> int:
    return len({facts[u].gemeente for u in finding.sightings})


class Reconciler:
    def __init__(self, conn: sqlite3.Connection, facts: dict[str, Fact], now: str,
                 region_of: Callable[[str], str | None] | None = None) -> None:
        """`region_of` maps a gemeente to its RIEC region (regions.toml); without it no
        region ever leaves an alert."""
        self.conn = conn
        self.facts = facts
        self.now = now
        self.region_of = region_of
        self.report = ReconcileReport()

    def apply(self, finding: Finding) -> None:
        matches = _matching_alerts(self.conn, finding)
        if not matches:
            self._create(finding)
            return
        target, others = matches[0], matches[1:]
        self.report.supported.update(matches)
        inherited: set[str] = set()
        for other in others:
            inherited |= self._merge(other, into=target)
        self._update(target, finding, inherited)

    def _create(self, finding: Finding) -> None:
        conn = self.conn
        alert_id = _alert_id(conn, finding)
        digest = evidence_digest(finding)
        conn.execute(
            "INSERT INTO alerts (alert_id, rule, score, version, evidence_digest, created_at, "
            "updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
            [alert_id, finding.rule, finding.score, digest, self.now, self.now],
        )
        _write_sightings(conn, alert_id, finding, self.facts)
        for region in sorted(finding.regions):
            self._add_region(alert_id, region)
        audit_log.append(conn, self.now, ACTOR, "alert_created", alert=alert_id,
                         rule=finding.rule, version=1, sightings=len(finding.sightings),
                         gemeenten=_gemeenten(finding, self.facts),
                         regions=sorted(finding.regions), evidence=digest.hex())
        self.report.created += 1

    def _add_region(self, alert_id: str, region: str) -> None:
        self.conn.execute(
            "INSERT INTO alert_regions (alert_id, region, state, changed, close_reason, state_at) "
            "VALUES (?, ?, 'new', 0, NULL, ?)",
            [alert_id, region, self.now],
        )
        record_event(self.conn, alert_id, region, "created", self.now)

    def _regions(self, alert_id: str) -> dict[str, str]:
        """{region: state} of the regions the alert is routed to, LEFT for those it left."""
        return {region: LEFT if reason == LEFT_REGION else state
                for region, state, reason in self.conn.execute(
                    "SELECT region, state, close_reason FROM alert_regions WHERE alert_id = ?",
                    [alert_id])}

    def _touched(self, finding: Finding) -> set[str] | None:
        """The regions of the finding's sightings; None when regions are not known here."""
        if self.region_of is None:
            return None
        return {r for u in finding.sightings
                if (r := self.region_of(self.facts[u].gemeente)) is not None}

    def _set_region_state(self, alert_id: str, region: str, state: str, changed: bool,
                          reason: str | None, change: str) -> None:
        self.conn.execute(
            "UPDATE alert_regions SET state = ?, changed = ?, close_reason = ?, state_at = ? "
            "WHERE alert_id = ? AND region = ?",
            [state, int(changed), reason, self.now, alert_id, region])
        record_event(self.conn, alert_id, region, change, self.now)

    def _merge(self, alert_id: str, into: str) -> set[str]:
        conn = self.conn
        conn.execute("UPDATE alerts SET merged_into = ?, updated_at = ? WHERE alert_id = ?",
                     [into, self.now, alert_id])
        regions = {r: s for r, s in self._regions(alert_id).items() if s != LEFT}
        for region in sorted(regions):
            self._set_region_state(alert_id, region, "closed", False, f"{MERGED}:{into}",
                                   MERGED)
        audit_log.append(conn, self.now, ACTOR, "alert_merged", alert=alert_id, into=into,
                         regions=sorted(regions))
        self.report.merged += 1
        return set(regions)

    def _update(self, alert_id: str, finding: Finding, inherited: set[str]) -> None:
        conn = self.conn
        version, old_digest = conn.execute(
            "SELECT version, evidence_digest FROM alerts WHERE alert_id = ?", [alert_id]
        ).fetchone()
        digest = evidence_digest(finding)
        regions = self._regions(alert_id)
        routed = finding.regions | inherited
        added = sorted(routed - set(regions))
        returning = sorted(r for r, state in regions.items() if state == LEFT and r in routed)
        # the rows shown, too: a correction can take a sighting out of an alert's rows
        # (hub/alert_evidence.py rectify) and a later one put it back under the same
        # digest, which left the region reopened onto evidence without its own control
        # and `audit verify` reporting it (the review of the day's change)
        rows = dict(conn.execute(  # sighting UUID -> whether it is shown (current)
            "SELECT sighting_uuid, current FROM alert_sightings WHERE alert_id = ?",
            [alert_id]).fetchall())
        shown = {u for u, current in rows.items() if current}
        evidence_changed = bytes(old_digest) != digest or shown != set(finding.sightings)
        if not evidence_changed and not added and not returning:
            self.report.unchanged += 1
            return
        new_evidence = sorted(finding.sightings - rows.keys())
        staying = {r: state for r, state in regions.items() if state != LEFT}
        leaving: list[str] = []
        if evidence_changed:
            version += 1
            _write_sightings(conn, alert_id, finding, self.facts)
            conn.execute(
                "UPDATE alerts SET score = ?, version = ?, evidence_digest = ?, updated_at = ? "
                "WHERE alert_id = ?",
                [finding.score, version, digest, self.now, alert_id],
            )
            touched = self._touched(finding)
            if touched is not None:
                leaving = sorted(r for r in staying if r not in touched)
            for region in leaving:
                del staying[region]
                self._set_region_state(alert_id, region, "closed", False, LEFT_REGION, "closed")
            self.report.reopened += self._mark_regions(alert_id, staying, bool(new_evidence))
        for region in returning:
            self._set_region_state(alert_id, region, "new", True, None, "reopened")
            self.report.reopened += 1
        for region in added:
            self._add_region(alert_id, region)
        details: dict[str, object] = {}
        if leaving:
            details["regions_left"] = leaving
        if returning:
            details["regions_returned"] = returning
        audit_log.append(conn, self.now, ACTOR, "alert_updated", alert=alert_id,
                         rule=finding.rule, version=version, sightings=len(finding.sightings),
                         new_sightings=len(new_evidence),
                         gemeenten=_gemeenten(finding, self.facts), regions_added=added,
                         evidence=digest.hex(), **details)
        self.report.updated += 1

    def _mark_regions(self, alert_id: str, regions: dict[str, str], new_evidence: bool) -> int:
        """Record the evidence change for each region; returns how many reopened."""
        reopened = 0
        for region, state in sorted(regions.items()):
            if new_evidence and state == "closed":
                self._set_region_state(alert_id, region, "new", True, None, "reopened")
                reopened += 1
                continue
            if new_evidence:
                self.conn.execute(
                    "UPDATE alert_regions SET changed = 1 WHERE alert_id = ? AND region = ?",
                    [alert_id, region])
            record_event(self.conn, alert_id, region, "updated", self.now)
        return reopened

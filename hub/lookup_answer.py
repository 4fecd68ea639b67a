"""What a lookup answers: counts, dates, signal codes and open alert ids; nothing else.

No sighting UUID, case reference, gemeente code or person id leaves the hub
in an answer: the inspector learns how often and how widely the person was
seen, and which alert the RIEC can look up.
"""

from __future__ import annotations

import sqlite3

from hub.probe import AMBIGUOUS, PERSON, ProbeMatch
from zichtlijn.v1 import lookup_pb2

_OUTCOMES = {
    PERSON: lookup_pb2.LOOKUP_OUTCOME_PERSON,
    AMBIGUOUS: lookup_pb2.LOOKUP_OUTCOME_AMBIGUOUS,
}
_CHUNK = 500


def _sightings(conn: sqlite3.Connection, seqs: tuple[int, ...]) -> list[tuple[str, str, str, str]]:
    rows = []
    for start in range(0, len(seqs), _CHUNK):
        chunk = seqs[start : start + _CHUNK]
        rows += conn.execute(
            "SELECT sighting_uuid, gemeente, observed_on, signals FROM sightings "
            f"WHERE seq IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return rows


def open_alerts(conn: sqlite3.Connection, uuids: list[str]) -> list[str]:
    """Alerts not merged away and still open in at least one region, holding any of `uuids`."""
    found: set[str] = set()
    for start in range(0, len(uuids), _CHUNK):
        chunk = uuids[start : start + _CHUNK]
        found.update(r[0] for r in conn.execute(
            "SELECT DISTINCT a.alert_id FROM alerts a "
            "JOIN alert_sightings s ON s.alert_id = a.alert_id AND s.current = 1 "
            "JOIN alert_regions r ON r.alert_id = a.alert_id AND r.state != 'closed' "
            f"WHERE a.merged_into IS NULL AND s.sighting_uuid IN ({','.join('?' * len(chunk))})",
            chunk))
    return sorted(found)


def open_in_region(conn: sqlite3.Connection, alert_ids: list[str], region: str) -> list[str]:
    """Those of `alert_ids` open for `region`: the ones its RIEC can look up."""
    return sorted(a for a in alert_ids if conn.execute(
        "SELECT 1 FROM alert_regions WHERE alert_id = ? AND region = ? AND state != 'closed'",
        [a, region]).fetchone())


def build_answer(conn: sqlite3.Connection, match: ProbeMatch, probe_dated: bool,
                 alerts_available: bool, asking: str = "",
                 asking_region: str | None = None) -> lookup_pb2.LookupAnswer:
    """Call with the store's lock held; `alerts_available`: the hub runs alert rules;
    `asking`: the gemeente of the node asking, whose own sightings are counted apart;
    `asking_region`: its RIEC region, whose open alerts are named apart."""
    answer = lookup_pb2.LookupAnswer(
        outcome=_OUTCOMES.get(match.outcome, lookup_pb2.LOOKUP_OUTCOME_NO_MATCH),
        possible_persons=match.possible_persons, probe_dated=probe_dated,
        alerts_available=alerts_available)
    rows = _sightings(conn, match.seqs)
    if not rows:
        if answer.outcome == lookup_pb2.LOOKUP_OUTCOME_PERSON:  # removed meanwhile
            answer.outcome = lookup_pb2.LOOKUP_OUTCOME_NO_MATCH
        return answer
    dates = sorted(r[2] for r in rows)
    answer.earlier_sightings = len(rows)
    answer.municipalities = len({r[1] for r in rows})
    answer.in_own_municipality = sum(1 for r in rows if r[1] == asking)
    answer.first_seen, answer.last_seen = dates[0], dates[-1]
    answer.signals.extend(sorted({c for r in rows for c in r[3].split(";") if c}))
    if answer.alerts_available:
        answer.open_alert_ids.extend(open_alerts(conn, [r[0] for r in rows]))
        if asking_region is not None:
            answer.own_region_alert_ids.extend(
                open_in_region(conn, list(answer.open_alert_ids), asking_region))
    return answer

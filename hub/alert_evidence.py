"""Alerts follow withdrawn and purged sightings: nothing may keep referring to them.

`forget` runs inside the transaction that deletes the sightings: it takes
them out of every alert's evidence (also evidence an alert held earlier) and
out of the alert change feed's snapshots, so no alert, event or RIEC view
names a sighting the hub no longer holds. `settle` runs right after: the
rules are evaluated again for what the removal can have changed
(`AlertEngine.evaluate_after_removal`), which updates every alert
whose rule still fires on the remaining evidence; an alert no rule supports
any more is closed, in every region still holding it open, with the reason
`evidence_withdrawn` (or `evidence_purged` after a retention purge). Each
closure is an audit entry and an event on the RIECs' feed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import NamedTuple

from hub import audit_log
from hub.alerts.config import AlertConfig
from hub.alerts.engine import AlertEngine
from hub.alerts.reconcile import undated_among
from hub.alerts.rules import accumulation_score, carousel_score
from hub.alerts.store import LEFT_REGION, record_event
from hub.store import HubStore, utc_now
from zichtlijn.v1 import alerts_pb2

WITHDRAWN = "evidence_withdrawn"
PURGED = "evidence_purged"
CORRECTED = "evidence_corrected"
ACTOR = "hub:hub"
_CHUNK = 500
log = logging.getLogger("zichtlijn.hub.alerts")


def _have_alerts(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'alert_sightings'").fetchone() is not None


def _score(rule: str, sightings: Iterable[tuple[str, Iterable[str]]],
           config: AlertConfig) -> float | None:
    """A carousel's or accumulation's score over (gemeente, signal codes) of the sightings
    it shows (the person's sightings, so exactly what the rule scored), or None for a
    network, whose score counts persons the sightings do not show."""
    if rule == "carousel":
        return carousel_score((g for g, _ in sightings), config.regions.town)
    if rule == "accumulation":
        return accumulation_score((codes for _, codes in sightings), config.signals)
    return None


def _score_again(alert: alerts_pb2.Alert, config: AlertConfig | None) -> None:
    """A past event's score over the sightings it shows now."""
    if config is not None and (score := _score(
            alert.rule, [(s.gemeente, s.signals) for s in alert.sightings], config)) is not None:
        alert.score = score


def _set_towns(alert: alerts_pb2.Alert) -> None:
    gemeenten = sorted({s.gemeente for s in alert.sightings})
    del alert.gemeenten[:]
    alert.gemeenten.extend(gemeenten)
    alert.sighting_count, alert.gemeente_count = len(alert.sightings), len(gemeenten)


def _scrub(snapshot: bytes, gone: set[str], config: AlertConfig | None = None) -> bytes | None:
    alert = alerts_pb2.Alert.FromString(snapshot)
    kept = [s for s in alert.sightings if s.sighting_uuid not in gone]
    if len(kept) == len(alert.sightings):
        return None
    del alert.sightings[:]
    alert.sightings.extend(kept)
    _set_towns(alert)
    # the score too: it kept the removed sighting's weight or town (the RIEC review read
    # an erased sighting's weight off a replayed feed)
    _score_again(alert, config)
    return alert.SerializeToString(deterministic=True)


def alerts_holding(store: HubStore, uuids: list[str]) -> dict[str, bytes]:
    """{alert id: evidence digest} of the alerts that hold any of `uuids` as evidence."""
    held: dict[str, bytes] = {}
    with store.lock:
        if not _have_alerts(store.db.conn):
            return held
        for start in range(0, len(uuids), _CHUNK):
            chunk = uuids[start : start + _CHUNK]
            held.update((a, bytes(d)) for a, d in store.db.execute(
                "SELECT DISTINCT a.alert_id, a.evidence_digest FROM alerts a "
                "JOIN alert_sightings s ON s.alert_id = a.alert_id "
                f"WHERE s.sighting_uuid IN ({','.join('?' * len(chunk))})", chunk))
    return held


def forget(conn: sqlite3.Connection, uuids: list[str],
           config: AlertConfig | None = None) -> dict[str, bytes]:
    """Remove `uuids` from all alert evidence; {alert id: evidence digest} of those touched.
    With the alert `config` the past events' scores are taken again without them."""
    if not uuids or not _have_alerts(conn):
        return {}
    touched: dict[str, bytes] = {}
    for start in range(0, len(uuids), _CHUNK):
        chunk = uuids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        touched.update((a, bytes(d)) for a, d in conn.execute(
            "SELECT DISTINCT a.alert_id, a.evidence_digest FROM alerts a JOIN alert_sightings s "
            f"ON s.alert_id = a.alert_id WHERE s.sighting_uuid IN ({marks})", chunk))
        conn.execute(f"DELETE FROM alert_sightings WHERE sighting_uuid IN ({marks})", chunk)
    gone = set(uuids)
    # made by the alert engine's tables since 2026-12-07; a hub opened without one (an
    # older database, `hub erase` before the first start) would scan every event per alert
    conn.execute("CREATE INDEX IF NOT EXISTS alert_events_alert ON alert_events(alert_id)")
    for alert_id in touched:
        _rewrite_events(conn, alert_id, lambda snapshot: _scrub(snapshot, gone, config))
    return touched


def _rewrite_events(conn: sqlite3.Connection, alert_id: str,
                    rewrite: Callable[[bytes], bytes | None]) -> None:
    """Each past event of the alert as `rewrite` gives it (None: as it is)."""
    for cursor, snapshot in conn.execute(
            "SELECT cursor, snapshot FROM alert_events WHERE alert_id = ?",
            [alert_id]).fetchall():
        rewritten = rewrite(bytes(snapshot))
        if rewritten is not None:
            conn.execute("UPDATE alert_events SET snapshot = ? WHERE cursor = ?",
                         [rewritten, cursor])


def _rewrite(snapshot: bytes, shown: alerts_pb2.AlertSighting,
             config: AlertConfig | None) -> bytes | None:
    alert = alerts_pb2.Alert.FromString(snapshot)
    for sighting in alert.sightings:
        if sighting.sighting_uuid == shown.sighting_uuid and sighting != shown:
            sighting.CopyFrom(shown)
            _set_towns(alert)
            _score_again(alert, config)
            return alert.SerializeToString(deterministic=True)
    return None


def rectify(store: HubStore, sighting_uuid: str, alert_ids: Collection[str],
            supported: Collection[str], config: AlertConfig | None = None) -> set[str]:
    """After a correction of `sighting_uuid`, evaluated: what the RIECs see of it is
    corrected too (AVG art. 16), in each alert of `alert_ids` (those that held it before;
    `supported`: those a rule still fires on).

    An alert whose evidence no longer holds it (updated without it, or no rule holds the
    alert and the correction took the sighting out of the persons it shows) forgets it
    as after a withdrawal: its row and its copies in the alert's past events (a closed
    alert went on showing another woman's control as its evidence). One that still holds
    it, or that no rule holds but whose sighting is still one of its persons' (a date
    corrected out of the carousel's window: still her control, in her town), shows the
    corrected control (date, municipality, signal codes, whether dated) in its row and in
    its past events: the evaluation rewrites an alert's rows only when its evidence or
    score changed, so a corrected date went on showing the old one.

    The alerts that showed it as evidence and no longer do."""
    left: set[str] = set()
    with store.transaction() as conn:
        if not alert_ids or not _have_alerts(conn):
            return left
        row = conn.execute("SELECT gemeente, observed_on, signals FROM sightings "
                           "WHERE sighting_uuid = ?", [sighting_uuid]).fetchone()
        for alert_id in sorted(alert_ids):
            held = conn.execute("SELECT current FROM alert_sightings WHERE alert_id = ? "
                                "AND sighting_uuid = ?", [alert_id, sighting_uuid]).fetchone()
            if held is None:
                continue
            shown = None
            if row is None or not held[0] or (alert_id not in supported
                                              and not _still_hers(conn, alert_id,
                                                                  sighting_uuid)):
                conn.execute("DELETE FROM alert_sightings WHERE alert_id = ? AND "
                             "sighting_uuid = ?", [alert_id, sighting_uuid])
                if held[0]:
                    left.add(alert_id)
            else:
                gemeente, observed_on, signals = row
                codes = sorted(c for c in signals.split(";") if c)
                undated = bool(undated_among(conn, [sighting_uuid]))
                conn.execute("UPDATE alert_sightings SET gemeente = ?, observed_on = ?, "
                             "signals = ?, undated = ? WHERE alert_id = ? AND "
                             "sighting_uuid = ?", [gemeente, observed_on, ";".join(codes),
                                                   int(undated), alert_id, sighting_uuid])
                shown = alerts_pb2.AlertSighting(sighting_uuid=sighting_uuid,
                                                 gemeente=gemeente, observed_on=observed_on,
                                                 signals=codes, undated=undated)
                _rescore_closed(conn, alert_id, supported, config)
            _rewrite_events(conn, alert_id, (
                (lambda snapshot: _scrub(snapshot, {sighting_uuid}, config)) if shown is None
                else (lambda snapshot, shown=shown: _rewrite(snapshot, shown, config))))
    return left


def _rescore_closed(conn: sqlite3.Connection, alert_id: str, supported: Collection[str],
                    config: AlertConfig | None) -> None:
    """A closed alert no rule holds shows the score of its corrected evidence (its open
    regions, if any, are closed right after by close_unsupported, which rescores it):
    one every region had closed kept the corrected sighting's old weight."""
    if alert_id not in supported and conn.execute(
            "SELECT 1 FROM alert_regions WHERE alert_id = ? AND state != 'closed'",
            [alert_id]).fetchone() is None:
        _take_score_again(conn, alert_id, config)


def _take_score_again(conn: sqlite3.Connection, alert_id: str,
                      config: AlertConfig | None) -> None:
    """A closed alert's stored score over what is left of its evidence; its evidence
    digest stays the one last logged."""
    if config is None:
        return
    [rule] = conn.execute("SELECT rule FROM alerts WHERE alert_id = ?", [alert_id]).fetchone()
    shown = conn.execute("SELECT gemeente, signals FROM alert_sightings "
                         "WHERE alert_id = ? AND current = 1", [alert_id]).fetchall()
    score = _score(rule, [(gemeente, [c for c in signals.split(";") if c])
                          for gemeente, signals in shown], config)
    if score is not None:
        conn.execute("UPDATE alerts SET score = ? WHERE alert_id = ?", [score, alert_id])


def _still_hers(conn: sqlite3.Connection, alert_id: str, sighting_uuid: str) -> bool:
    """Is the sighting in the person of one of the alert's other sightings?"""
    return conn.execute(
        "SELECT 1 FROM alert_sightings a JOIN sightings s ON s.sighting_uuid = a.sighting_uuid "
        "WHERE a.alert_id = ? AND a.current = 1 AND a.sighting_uuid != ? AND s.person_id = "
        "(SELECT person_id FROM sightings WHERE sighting_uuid = ?) LIMIT 1",
        [alert_id, sighting_uuid, sighting_uuid]).fetchone() is not None


class Settled(NamedTuple):
    alerts_changed: int
    sightings_read: int  # by the alert evaluation


def _regions_left(conn: sqlite3.Connection, alert_id: str, regions: Mapping[str, str],
                  region_of: Callable[[str], str | None] | None) -> list[str]:
    """The regions of `regions` none of whose municipalities the alert's evidence holds;
    none when nothing is left of it (every region then hears why it closed)."""
    if region_of is None:
        return []
    touched = {region_of(g) for (g,) in conn.execute(
        "SELECT DISTINCT gemeente FROM alert_sightings WHERE alert_id = ? AND current = 1",
        [alert_id])}
    return sorted(r for r in regions if r not in touched) if touched else []


def settle(store: HubStore, engine: AlertEngine | None, removed: Collection[str],
           before: dict[str, bytes], reason: str) -> Settled:
    """Evaluate again; close the alerts nothing supports any more.

    `removed` are the UUIDs taken out, `before` what `forget` returned for them.
    """
    if not before:
        return Settled(0, 0)
    if engine is None:
        # closing needs the rules evaluated first: an unchanged evidence digest means "no
        # rule fires any more" only after an evaluation. Left open, with the removed
        # sightings taken out; the persons stay queued for the next engine's evaluation.
        log.warning("%d alert(s) held removed sightings and were not evaluated again: "
                    "the hub has no alert configuration (hub.toml: alerts = DIR)", len(before))
        return Settled(0, 0)
    read = engine.evaluate_after_removal(removed, before.keys()).sightings
    # a withdrawn or purged UUID can be in no finding, so an alert whose evidence digest
    # is still the one before the removal has no rule firing on what is left of it
    close_unsupported(store, before, reason, region_of=engine.config.regions.region_of,
                      config=engine.config)
    engine.signal.notify()
    return Settled(len(before), read)


def close_unsupported(store: HubStore, before: Mapping[str, bytes], reason: str,
                      only_open: bool = False,
                      region_of: Callable[[str], str | None] | None = None,
                      config: AlertConfig | None = None) -> int:
    """Close, with `reason`, each alert of `before` (id: its evidence digest before the
    evaluation) that is still as it was: not merged away, its digest unchanged (no finding
    updated it, also not one of another evaluation meanwhile: checked in the transaction
    that closes it). It is closed in every region holding it open; each closure is an
    audit entry and an event on the RIECs' feed. `only_open`: leave out an alert no
    region holds open (its evidence did not change either). With `region_of` (gemeente to
    RIEC region), a region none of whose municipalities the evidence left touches leaves
    the alert as the reconciler lets it leave (`evidence_left_region`, no sightings shown).
    How many were closed."""
    now = utc_now()
    closed_alerts = 0
    with store.transaction() as conn:
        for alert_id, digest in sorted(before.items()):
            current, merged, version = conn.execute(
                "SELECT evidence_digest, merged_into, version FROM alerts WHERE alert_id = ?",
                [alert_id]).fetchone()
            if merged is not None or bytes(current) != digest:
                continue
            regions = dict(conn.execute(  # a region the alert left hears no more of it
                "SELECT region, state FROM alert_regions WHERE alert_id = ? "
                "AND coalesce(close_reason, '') != ?", [alert_id, LEFT_REGION]))
            leaving = _regions_left(conn, alert_id, regions, region_of)
            closed = sorted(r for r, state in regions.items()
                            if state != "closed" and r not in leaving)
            if only_open and not closed and not leaving:
                continue
            closed_alerts += 1
            conn.execute("UPDATE alerts SET version = ?, updated_at = ? WHERE alert_id = ?",
                         [version + 1, now, alert_id])
            # it kept the removed sighting's weight or town, which told a RIEC what was
            # erased (the privacy officer's review)
            _take_score_again(conn, alert_id, config)
            conn.executemany(
                "UPDATE alert_regions SET state = 'closed', changed = 0, close_reason = ?, "
                "state_at = ? WHERE alert_id = ? AND region = ?",
                [(reason, now, alert_id, region) for region in closed]
                + [(LEFT_REGION, now, alert_id, region) for region in leaving])
            for region in sorted(regions):
                record_event(conn, alert_id, region,
                             "closed" if region in closed or region in leaving else "updated",
                             now)
            left = conn.execute("SELECT count(*) FROM alert_sightings WHERE alert_id = ? "
                                "AND current = 1", [alert_id]).fetchone()[0]
            details = {"regions_left": leaving} if leaving else {}
            audit_log.append(conn, now, ACTOR, "alert_closed", alert=alert_id, reason=reason,
                             version=version + 1, regions=closed, sightings_left=left,
                             **details)
    return closed_alerts

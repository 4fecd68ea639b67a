"""Erasing every sighting of one municipality at the hub: it left the arrangement, or a
supervisor ordered it.

A municipality that leaves takes its controls with it, and its node may be gone by
then, so the hub operator erases them on its written request: every sighting, its
encodings, companions and links, as the retention purge does (hub/linker.py `remove`:
the persons it was part of are clustered again; alerts drop its sightings, and close as
`evidence_withdrawn` when no rule fires on what is left). Its epoch reports and last
contact go too. One `gemeente_erased` log entry names the batch and content digest of
each sighting removed, as `audit verify` needs to account for them. Revoke the node's
certificate first (`hub revoke --reason left`), so nothing comes back
(README "A municipality leaves").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from hub import alert_evidence, audit_log
from hub.alerts.engine import AlertEngine
from hub.linker import Linker, RemovalRun
from hub.store import HubStore, utc_now
from zichtlijn.erasure import truncate_wal

ACTION = "gemeente_erased"  # read by zichtlijn/audit_removals.py
REASONS = ("left", "supervisor_order")


@dataclass(frozen=True)
class Erased:
    sightings: int
    persons_changed: int
    alerts_changed: int


def erase_gemeente(store: HubStore, linker: Linker, gemeente: str, reason: str, actor: str,
                   alerts: AlertEngine | None = None) -> Erased:
    with store.lock:
        due = store.db.execute(
            "SELECT seq, sighting_uuid, batch_digest, digest FROM sightings "
            "WHERE gemeente = ?", [gemeente]).fetchall()
    removed: dict[str, list[str]] = {}
    for _, _, batch, digest in due:
        removed.setdefault(bytes(batch).hex(), []).append(bytes(digest).hex())
    uuids = [row[1] for row in due]
    touched: dict[str, bytes] = {}

    def record(conn: sqlite3.Connection, run: RemovalRun) -> None:
        touched.update(alert_evidence.forget(conn, uuids, alerts.config if alerts else None))
        conn.execute("DELETE FROM node_epochs WHERE gemeente = ?", [gemeente])
        conn.execute("DELETE FROM node_contacts WHERE gemeente = ?", [gemeente])
        audit_log.append(conn, utc_now(), actor, ACTION, gemeente=gemeente, reason=reason,
                         sightings=len(due), persons_changed=run.persons_changed,
                         linked=run.linked,
                         removed={b: sorted(d) for b, d in sorted(removed.items())},
                         **run.logged())

    run = linker.remove([row[0] for row in due], record)
    changed, _ = alert_evidence.settle(store, alerts, uuids, touched,
                                       alert_evidence.WITHDRAWN)
    with store.lock:
        truncate_wal(store.db.conn)
    return Erased(len(due), run.persons_changed, changed)

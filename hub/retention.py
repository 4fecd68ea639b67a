"""Retention at the hub: sightings are purged once the retention period has passed.

On day D every sighting observed on or before D minus the retention period
(calendar months; the day is clamped to the month's end, so 31 August minus
18 months is 28 February) is purged: its row, encodings, companions, entities
and links, and the persons it was part of are re-clustered (hub/linker.py
`remove`). Alerts drop the purged sightings and are updated, or closed as
`evidence_purged` when no rule fires on what is left (hub/alert_evidence.py).
Withdrawal tombstones older than the cutoff go too. Each run is one audit
entry with the counts, also when nothing was due, so the log shows that the
job ran.

`zichtlijn hub serve` runs the purge at start and then daily
(`RetentionJob`); `zichtlijn hub purge` runs it on demand.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from hub import alert_evidence, audit_log
from hub.alerts.engine import AlertEngine
from hub.linker import Linker, RemovalRun
from hub.store import HubStore, utc_now
from zichtlijn.dates import months_before
from zichtlijn.erasure import truncate_wal

log = logging.getLogger("zichtlijn.hub.retention")
DAY_S = 24 * 3600.0


@dataclass(frozen=True)
class PurgeOutcome:
    cutoff: dt.date
    sightings: int
    by_gemeente: dict[str, int]
    persons_changed: int
    tombstones: int
    alerts_changed: int
    alert_sightings_read: int = 0  # by the alert evaluation that followed


def purge(store: HubStore, linker: Linker, today: dt.date, months: int,
          actor: str = "hub:hub", alerts: AlertEngine | None = None) -> PurgeOutcome:
    cutoff = months_before(today, months)
    with store.lock:
        due = store.db.execute(
            "SELECT seq, gemeente, sighting_uuid, batch_digest, digest FROM sightings "
            "WHERE observed_on <= ?", [cutoff.isoformat()]).fetchall()
    by_gemeente = dict(sorted(Counter(row[1] for row in due).items()))
    removed: dict[str, list[str]] = {}  # what `audit verify` needs, per upload batch
    for *_, batch, digest in due:
        removed.setdefault(bytes(batch).hex(), []).append(bytes(digest).hex())
    tombstones = 0
    touched: dict[str, bytes] = {}

    def record(conn: sqlite3.Connection, run: RemovalRun) -> None:
        nonlocal tombstones
        touched.update(alert_evidence.forget(conn, [row[2] for row in due],
                                             alerts.config if alerts else None))
        # a tombstone outlives its sighting's own retention: withdrawn_at >= observed_on
        tombstones = conn.execute("DELETE FROM withdrawn_sightings WHERE withdrawn_at < ?",
                                  [(cutoff + dt.timedelta(days=1)).isoformat()]).rowcount
        audit_log.append(conn, utc_now(), actor, "retention_purge", cutoff=cutoff.isoformat(),
                         retention_months=months, sightings=len(due), gemeenten=by_gemeente,
                         persons_changed=run.persons_changed, tombstones=tombstones,
                         linked=run.linked,
                         removed={b: sorted(d) for b, d in sorted(removed.items())},
                         **run.logged())

    run = linker.remove([row[0] for row in due], record)
    settled = alert_evidence.settle(store, alerts, [row[2] for row in due], touched,
                                    alert_evidence.PURGED)
    if due:
        with store.lock:
            truncate_wal(store.db.conn)
    outcome = PurgeOutcome(cutoff, len(due), by_gemeente, run.persons_changed, tombstones,
                           *settled)
    log.info("retention purge up to %s: %d sightings, %d person changes", cutoff,
             outcome.sightings, outcome.persons_changed)
    return outcome


class RetentionJob:
    """Runs `purge` now and then every `interval_s` seconds until stopped."""

    def __init__(self, run: Callable[[], object], interval_s: float = DAY_S) -> None:
        self._run = run
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)

    def start(self) -> RetentionJob:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._run()
            except Exception:  # the next day tries again; the log says what failed
                log.exception("retention purge failed")
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

"""Evaluate the alert rules over everything linked so far and record the outcome.

Runs after every link run (SyncService) and on demand (`zichtlijn hub
evaluate`, hub start). It reads the linked sightings, groups companions into
companion persons, applies the rules and reconciles the findings with the
stored alerts in one transaction, so an evaluation is applied whole or not at
all, and evaluating twice without new data changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from hub import audit_log
from hub.alerts.companions import companion_persons
from hub.alerts.config import AlertConfig
from hub.alerts.reconcile import ACTOR, Reconciler, ReconcileReport
from hub.alerts.rules import Anchor, Fact, evaluate
from hub.alerts.store import ChangeSignal, create_tables, get_meta, set_meta
from hub.store import HubStore, utc_now
from linkage.compare import MatchPolicy
from linkage.schema import LinkageSchema
from zichtlijn import wire

log = logging.getLogger("zichtlijn.hub.alerts")
KIND_NAMES = {number: name for name, number in wire.ENTITY_KINDS.items()}


@dataclass(frozen=True)
class Evaluation:
    sightings: int
    findings: int
    report: ReconcileReport
    seconds: float


class AlertEngine:
    def __init__(self, store: HubStore, config: AlertConfig, schema: LinkageSchema,
                 policy: MatchPolicy, signal: ChangeSignal | None = None) -> None:
        self.store = store
        self.config = config
        self.schema = schema
        self.policy = policy
        self.signal = signal or ChangeSignal()
        self._lock = threading.Lock()
        with store.lock:  # executescript commits on its own: not inside a transaction
            create_tables(store.db.conn)
        with store.transaction() as conn:
            if get_meta(conn, "config_digest") != config.digest:
                # a rule change is an audit-log entry (DESIGN §8)
                audit_log.append(conn, utc_now(), ACTOR, "alert_rules_loaded",
                                 config=config.digest, regions=len(config.regions.gemeenten_of),
                                 signals=len(config.signals.signals))
                set_meta(conn, "config_digest", config.digest)
        self._warn_unknown_codes()

    def _warn_unknown_codes(self) -> None:
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT signals FROM sightings WHERE signals != ''").fetchall()
        unknown = {c for (s,) in rows for c in s.split(";")} - self.config.signals.codes
        if unknown:
            log.warning("stored sightings carry %d signal code(s) no longer in signals.toml; "
                        "they weigh 0: %s", len(unknown), ", ".join(sorted(unknown)))

    def load_facts(self) -> list[Fact]:
        with self.store.lock:
            db = self.store.db
            sightings = db.execute(
                "SELECT seq, sighting_uuid, gemeente, observed_on, setting, licensed, signals, "
                "person_id FROM sightings WHERE person_id IS NOT NULL ORDER BY seq").fetchall()
            entities = db.execute(
                "SELECT e.sighting_seq, e.kind, e.token, s.epoch FROM entities e JOIN sightings s "
                "ON s.seq = e.sighting_seq WHERE s.person_id IS NOT NULL").fetchall()
            companions = db.execute(
                "SELECT s.sighting_uuid, c.position, s.epoch, c.encoding FROM companions c "
                "JOIN sightings s ON s.seq = c.sighting_seq WHERE s.person_id IS NOT NULL "
                "ORDER BY c.sighting_seq, c.position").fetchall()
        anchors: dict[object, list[Anchor]] = defaultdict(list)
        for seq, kind, token, epoch in entities:
            if kind in KIND_NAMES:  # a token means something only within its key epoch
                anchors[seq].append((KIND_NAMES[kind], f"{epoch}:{bytes(token).hex()}"))
        for (uuid, _), name in companion_persons(
                [(u, p, e, bytes(b)) for u, p, e, b in companions], self.schema,
                self.policy).items():
            anchors[uuid].append(("companion", name))
        return [
            Fact(sighting_uuid=uuid, person_id=person, gemeente=gemeente,
                 observed_on=dt.date.fromisoformat(observed_on), setting=setting,
                 licensed=None if licensed is None else bool(licensed),
                 signals=tuple(c for c in signals.split(";") if c),
                 anchors=tuple(anchors.get(seq, ())) + tuple(anchors.get(uuid, ())))
            for seq, uuid, gemeente, observed_on, setting, licensed, signals, person in sightings
        ]

    def evaluate(self) -> Evaluation:
        """Apply every rule to everything linked; safe to call from any thread."""
        with self._lock:
            started = time.perf_counter()
            facts = self.load_facts()
            findings = evaluate(facts, self.config)
            by_uuid = {f.sighting_uuid: f for f in facts}
            with self.store.transaction() as conn:
                reconciler = Reconciler(conn, by_uuid, utc_now())
                for finding in findings:
                    reconciler.apply(finding)
            report = reconciler.report
        if report.changes:
            self.signal.notify()
        seconds = time.perf_counter() - started
        log.info("alert evaluation: %d sightings, %d findings, %d created, %d updated "
                 "(%d reopened), %d merged, %.2fs", len(facts), len(findings), report.created,
                 report.updated, report.reopened, report.merged, seconds)
        return Evaluation(len(facts), len(findings), report, seconds)


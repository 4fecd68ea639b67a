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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from hub import audit_log
from hub.alerts.companions import COMPANION_GROUPING, CompanionPersons, CompanionRow
from hub.alerts.config import AlertConfig
from hub.alerts.full import (
    PackedFindings,
    carriers_by_companion,
    companion_anchors_that_may_qualify,
    entity_anchors_that_may_qualify,
    evaluate_in_chunks,
    person_chunks,
    sighting_facts,
)
from hub.alerts.reconcile import ACTOR, Reconciler, ReconcileReport
from hub.alerts.rules import RULES_MEANING, Anchor, Fact, Finding, evaluate
from hub.alerts.scope import (
    KIND_NAMES,
    carriers_by_uuid,
    closed_scope,
    in_chunks,
    persons_in_alerts,
    reach_of,
)
from hub.alerts.store import (
    FULL_EVALUATION,
    ChangeSignal,
    create_tables,
    get_meta,
    mark_full_evaluation,
    set_meta,
)
from hub.linker import ROOM_FACTOR
from hub.store import HubStore, utc_now
from linkage.compare import MatchPolicy
from linkage.schema import LinkageSchema

log = logging.getLogger("zichtlijn.hub.alerts")

COMPANION_SEQS = 50_000
RECONCILE_BATCH = 2_000  # findings whose facts a full evaluation reads at a time


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
        self._companions: CompanionPersons | None = None  # built by the first evaluation
        self._companions_through = 0  # last sighting seq whose companions are in it
        self._reach = reach_of(config)  # how far a change can travel under these rules
        with store.lock:  # executescript commits on its own: not inside a transaction
            create_tables(store.db.conn)
        with store.transaction() as conn:
            # rules changed since the last evaluation (or never evaluated): the first
            # evaluation must then read everything
            self.rules_changed = get_meta(conn, "config_digest") != config.digest
            if self.rules_changed:
                # a rule change is an audit-log entry (DESIGN §8)
                audit_log.append(conn, utc_now(), ACTOR, "alert_rules_loaded",
                                 config=config.digest, regions=len(config.regions.gemeenten_of),
                                 signals=len(config.signals.signals))
                set_meta(conn, "config_digest", config.digest)
            # companions grouped another way than when the alerts were last evaluated (an
            # upgrade): only a full evaluation brings every network alert up to date
            self.grouping_changed = (get_meta(conn, "companion_grouping")
                                     != COMPANION_GROUPING)
            if self.grouping_changed:
                set_meta(conn, "companion_grouping", COMPANION_GROUPING)
            # the same after an upgrade that changed what a rule means (rules.RULES_MEANING)
            self.meaning_changed = get_meta(conn, "rules_meaning") != RULES_MEANING
            if self.meaning_changed:
                set_meta(conn, "rules_meaning", RULES_MEANING)
            if self.rules_changed or self.grouping_changed or self.meaning_changed:
                mark_full_evaluation(conn)
            # cleared by the end of a full evaluation (`_evaluate`)
            self.full_pending = get_meta(conn, FULL_EVALUATION) is not None
        self._warn_unknown_codes()

    def _warn_unknown_codes(self) -> None:
        with self.store.lock:
            # distinct first, in SQLite: most sightings share a few combinations of codes
            rows = self.store.db.execute(
                "SELECT DISTINCT signals FROM sightings WHERE signals != ''").fetchall()
        unknown = {c for (s,) in rows for c in s.split(";")} - self.config.signals.codes
        if unknown:
            log.warning("stored sightings carry %d signal code(s) not in signals.toml; "
                        "they weigh 0: %s", len(unknown), ", ".join(sorted(unknown)))

    def _update_companions(self, rebuild: bool) -> set[str]:
        """Add the companions linked since the last evaluation; UUIDs of sightings whose
        companion person is new or changed.

        A rebuild groups every companion afresh and reports none as moved: the
        grouping is what it was before (a restart), and a later arrival that
        renamed a companion is in a changed person's network, which the scope
        follows.
        """
        if rebuild:
            self._companions = CompanionPersons(self.schema, self.policy)
            self._companions_through = 0
        with self.store.lock:
            last, = self.store.db.execute(
                "SELECT coalesce(max(seq), 0) FROM sightings").fetchone()
            if rebuild:
                count, = self.store.db.execute(
                    "SELECT count(*) FROM companions c JOIN sightings s ON s.seq = "
                    "c.sighting_seq WHERE s.person_id IS NOT NULL").fetchone()
                self._companions.reserve(ROOM_FACTOR * count)
        moved: set[tuple[str, int]] = set()
        start = self._companions_through
        while start < last:
            # a rebuild reads the companions of COMPANION_SEQS sightings at a time (added
            # in arrival order they group as in one batch), not all at once; a night's
            # are few
            end = min(start + COMPANION_SEQS, last) if rebuild else last
            with self.store.lock:
                rows = self.store.db.execute(
                    "SELECT s.seq, s.sighting_uuid, c.position, s.epoch, c.encoding "
                    "FROM companions c JOIN sightings s ON s.seq = c.sighting_seq "
                    "WHERE s.seq > ? AND s.seq <= ? AND s.person_id IS NOT NULL "
                    "ORDER BY s.seq, c.position", [start, end]).fetchall()
                tokens: dict[int, list[tuple[int, bytes]]] = defaultdict(list)
                for seq, kind, token in self.store.db.execute(
                        "SELECT e.sighting_seq, e.kind, e.token FROM entities e WHERE "
                        "e.sighting_seq > ? AND e.sighting_seq <= ? AND e.sighting_seq IN "
                        "(SELECT sighting_seq FROM companions WHERE sighting_seq > ? "
                        "AND sighting_seq <= ?)", [start, end, start, end]):
                    tokens[seq].append((kind, bytes(token)))
            if rows:
                self._companions_through = rows[-1][0]
                moved |= self._companions.add([
                    CompanionRow(uuid, position, epoch, bytes(blob), tokens.get(seq, ()))
                    for seq, uuid, position, epoch, blob in rows])
            start = end
        return set() if rebuild else {uuid for uuid, _ in moved}

    def _companions_of(self, uuid: str) -> list[str]:
        return self._companions.companions_of(uuid) if self._companions is not None else []

    def _companion_carriers(self, companion: str) -> set[str]:
        if self._companions is None:
            return set()
        return {uuid for uuid, _ in self._companions.members.get(companion, ())}

    def load_facts(self, persons: set[str] | None = None) -> list[Fact]:
        """Facts of every linked sighting, or of the sightings of `persons`."""
        if persons is None:
            return self._facts_where("s.person_id IS NOT NULL", [[]])
        return self._facts_where("s.person_id IN ({})", in_chunks(sorted(persons)))

    def load_sighting_facts(self, uuids: Iterable[str]) -> list[Fact]:
        """Facts of the sightings `uuids` that are linked."""
        return self._facts_where("s.person_id IS NOT NULL AND s.sighting_uuid IN ({})",
                                 in_chunks(sorted(uuids)))

    def _facts_where(self, where: str, chunks: Iterable[list[str]]) -> list[Fact]:
        sightings, entities = [], []
        with self.store.lock:
            db = self.store.db
            for chunk in chunks:
                condition = where.format(",".join("?" * len(chunk)))
                sightings += db.execute(
                    "SELECT s.seq, s.sighting_uuid, s.gemeente, s.observed_on, s.setting, "
                    f"s.licensed, s.signals, s.person_id FROM sightings s WHERE {condition} "
                    "ORDER BY s.seq", chunk).fetchall()
                entities += db.execute(
                    "SELECT e.sighting_seq, e.kind, e.token, s.epoch FROM entities e "
                    f"JOIN sightings s ON s.seq = e.sighting_seq WHERE {condition}",
                    chunk).fetchall()
        sightings.sort()
        anchors: dict[object, list[Anchor]] = defaultdict(list)
        for seq, kind, token, epoch in entities:
            if kind in KIND_NAMES:  # a token means something only within its key epoch
                anchors[seq].append((KIND_NAMES[kind], f"{epoch}:{bytes(token).hex()}"))
        for _, uuid, *_ in sightings:
            anchors[uuid] += [("companion", name) for name in self._companions_of(uuid)]
        return [
            Fact(sighting_uuid=uuid, person_id=person, gemeente=gemeente,
                 observed_on=dt.date.fromisoformat(observed_on), setting=setting,
                 licensed=None if licensed is None else bool(licensed),
                 signals=tuple(c for c in signals.split(";") if c),
                 anchors=tuple(anchors.get(seq, ())) + tuple(anchors.get(uuid, ())))
            for seq, uuid, gemeente, observed_on, setting, licensed, signals, person in sightings
        ]

    def evaluate(self, full: bool = False) -> Evaluation:
        """Apply the rules and record the outcome; safe to call from any thread.

        By default only the persons changed since the last evaluation and the
        networks they touch are read (hub/alerts/scope.py), which gives the
        same alerts as reading everything; the first evaluation of an engine
        also groups all companions (a hub restart). `full` reads everything
        and groups the companions again: after a rule change
        (`rules_changed`) and on the operator's `hub evaluate`.
        """
        return self._evaluate(full)

    def evaluate_after_removal(self, uuids: Collection[str],
                               alert_ids: Collection[str]) -> Evaluation:
        """Evaluate again after sightings were removed or corrected (`uuids`).

        Reads the persons the removal changed (the linker queued them), the
        persons of what is left of `alert_ids` (the alerts that held a removed
        sighting: a network it joined may have lost its only link to some of
        them) and their networks, as a nightly evaluation does; the removed
        sightings' companions leave the companion grouping, which re-clusters
        only what they touched. At a million sightings that is seconds where a
        full evaluation takes minutes, with the same alerts
        (tests/test_alert_scope.py).
        """
        with self.store.lock:
            also = persons_in_alerts(self.store.db.conn, alert_ids)
        return self._evaluate(False, also=also, removed=uuids)

    def _evaluate(self, full: bool, also: set[str] = frozenset(),
                  removed: Collection[str] = ()) -> Evaluation:
        with self._lock:
            started = time.perf_counter()
            rebuild = full or self._companions is None
            with self.store.lock:
                through, = self.store.db.execute(
                    "SELECT coalesce(max(change_seq), 0) FROM person_changes").fetchone()
            moved: set[str] = set()
            if removed and not rebuild:
                moved = {uuid for uuid, _ in self._companions.remove(removed)}
            moved |= self._update_companions(rebuild)
            by_uuid: dict[str, Fact] = {}
            if full:
                read, packed = self._evaluate_all()
                findings: Sequence[Finding] = packed.in_order()
            else:
                # read only here: after a relink every person has changed, and a full
                # evaluation, which reads them all anyway, need not hold their ids
                with self.store.lock:
                    changed = also | {p for (p,) in self.store.db.execute(
                        "SELECT DISTINCT person_id FROM person_changes WHERE change_seq <= ?",
                        [through])}
                    changed |= {person for person, _, _ in
                                carriers_by_uuid(self.store.db.conn, moved)}
                    persons = closed_scope(self.store.db.conn, changed, self._reach,
                                           self._companions_of, self._companion_carriers)
                facts = self.load_facts(persons)
                read, findings = len(facts), evaluate(facts, self.config)
                by_uuid = {f.sighting_uuid: f for f in facts}
                del facts
            skipped = 0
            with self.store.transaction() as conn:
                reconciler = Reconciler(conn, by_uuid, utc_now(), self.config.regions.region_of)
                for start in range(0, len(findings), RECONCILE_BATCH):
                    batch = findings[start : start + RECONCILE_BATCH]
                    if full:  # read again rather than kept: most sightings are in a finding
                        reconciler.facts = sighting_facts(
                            conn, {u for finding in batch for u in finding.sightings})
                    for finding in batch:
                        if not all(u in reconciler.facts for u in finding.sightings):
                            skipped += 1  # removed meanwhile; their removal is queued
                            continue
                        reconciler.apply(finding)
                conn.execute("DELETE FROM person_changes WHERE change_seq <= ?", [through])
                if full:
                    conn.execute("DELETE FROM alert_meta WHERE key = ?", [FULL_EVALUATION])
                    self.full_pending = False
            report = reconciler.report
        if skipped:
            log.warning("alert evaluation: %d finding(s) left for the next evaluation: "
                        "sightings in them were removed while it ran", skipped)
        if report.changes:
            self.signal.notify()
        seconds = time.perf_counter() - started
        log.info("alert evaluation (%s): %d sightings, %d findings, %d created, %d updated "
                 "(%d reopened), %d merged, %.2fs", "full" if full else "changed persons",
                 read, len(findings), report.created, report.updated, report.reopened,
                 report.merged, seconds)
        return Evaluation(read, len(findings), report, seconds)

    def _evaluate_all(self) -> tuple[int, PackedFindings]:
        """Every person's findings, reading the persons a chunk at a time (hub/alerts/full.py)."""
        may_qualify: set[Anchor] = set()
        with self.store.lock:
            conn = self.store.db.conn
            if self._reach is not None:
                may_qualify = entity_anchors_that_may_qualify(conn, self._reach)
                if self._companions is not None:
                    may_qualify |= companion_anchors_that_may_qualify(
                        conn, self._reach, carriers_by_companion(self._companions.members))
            chunks = person_chunks(conn)
        done = evaluate_in_chunks(chunks, self.load_facts, self.load_sighting_facts,
                                  self.config, may_qualify)
        return done.sightings, done.findings


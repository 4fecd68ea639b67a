"""Linking at the hub: new sightings in, persons out, the same night by night as in bulk.

The linker keeps every linked subject encoding in memory in an EncodingTable
per key epoch (hub/epoch_tables.py; row order = arrival order), their blocking
indexes and the link graph. Only encodings of the same epoch are compared; a
sighting encoded under two epochs during a rotation's overlap bridges them. A link run
scores the candidates of the new rows, adds the links at or above the link floor,
and re-clusters only the components those links touch. Because a component's
clustering depends only on its members, `relink_all` reproduces exactly what
the nightly runs built.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from hub import audit_log, epochs, linked_with, partition, settings
from hub.alerts.store import mark_full_evaluation
from hub.epoch_tables import EpochTables, neutral_score
from hub.linker_rows import (
    NONE,
    LinkerBusyError,
    LinkerRows,
    LinkerUnusableError,
    StoredClusterError,
    person_code,
    person_name,
)
from hub.name_rise import NameRise, counted_names
from hub.probe import ProbeMatch, match_probe
from hub.settings import Population
from hub.store import HubStore, utc_now
from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import IdentityEncoding
from linkage.linking import copy_key, policy_digest, scored_links, unlink_rows
from linkage.persons import PersonGraph
from linkage.population import NameCounts, name_classes, namesakes
from linkage.schema import LinkageSchema, SchemaError
from linkage.table import EntityTokens
from zichtlijn import wire
from zichtlijn.errors import describe
from zichtlijn.v1 import encoding_pb2

log = logging.getLogger("zichtlijn.hub.linker")


@dataclass(frozen=True)
class LinkRun:
    new_sightings: int
    candidate_pairs: int
    new_links: int
    components_reclustered: int
    persons_changed: int
    seconds: float
    # the automatic threshold rose after this run and every sighting was linked again
    relinked_at: float | None = None

    def then(self, later: LinkRun) -> LinkRun:
        """This run and a later one, as one."""
        return LinkRun(self.new_sightings + later.new_sightings,
                       self.candidate_pairs + later.candidate_pairs,
                       self.new_links + later.new_links,
                       self.components_reclustered + later.components_reclustered,
                       self.persons_changed + later.persons_changed,
                       self.seconds + later.seconds, later.relinked_at or self.relinked_at)


@dataclass(frozen=True)
class RemovalRun:
    removed: int
    components_reclustered: int
    persons_changed: int
    seconds: float
    linked: int = 0  # how many of the removed sightings had been linked (for the audit log)
    # the persons after the removal (hub/partition.py); "" when nothing was removed
    partition: str = ""

    def logged(self) -> dict[str, object]:
        """The `partition` field of the removal's log entry, when it changed anything."""
        return {partition.FIELD: self.partition} if self.partition else {}


CHUNK_ROWS = 20_000
#: Encoding tables are made with room for this many times the sightings a hub loads
#: or relinks: the room costs no memory until used, and a table that had to grow on a
#: night would hold its old and new copies at once (`EncodingTable.reserve`).
ROOM_FACTOR = 2
#: sightings per link run: between runs a lookup at the door gets the linker. Each run
#: reclusters the components it touches, and the large ones of common names are touched
#: by every run, so runs of 5,000 made a night of 10,000 at a million sightings 18 s
#: instead of 13 s; at 10,000 such a night is one run
LINK_RUN_SIGHTINGS = 10_000
T = TypeVar("T")
#: the partition of a hub holding no person (a relink's entry: every person forgotten)
_NO_PERSONS = partition.partition_digest(*(np.empty(0, dtype=np.int64),) * 3)


def note_person_changes(conn: sqlite3.Connection, persons: Iterable[str]) -> None:
    """Queue persons whose sightings changed for the next alert evaluation."""
    conn.executemany("INSERT INTO person_changes (person_id) VALUES (?)",
                     [(p,) for p in sorted(persons)])


#: Why a hub counted its names again between steps: the `reason` of its `relink` entry.
COUNT_AGAIN_BECAUSE = {
    "new_key_epoch": "sightings under a new key epoch only (a rotation's overlap ended)",
    "counted_sightings_gone": (f"fewer than {settings.RECOUNT_WHEN_LEFT:.0%} of the "
                               "sightings the names were counted on are still held"),
    "names_bridged_late": ("a sighting made in a rotation's overlap, received after the "
                           "names were counted, joins a name's keys under two epochs "
                           "that the counts took for two names (a node synced late)"),
}


def person_id_for(sighting_uuid: str) -> str:
    """Pseudonymous person id: named after the person's first-received sighting."""
    return "P-" + hashlib.sha256(b"zichtlijn-person\x00" + sighting_uuid.encode()).hexdigest()[:12]


class Linker:
    def __init__(self, store: HubStore, schema: LinkageSchema, policy: MatchPolicy,
                 auto_threshold: Callable[[Population], float] | None = None,
                 alerts: bool = True) -> None:
        """`auto_threshold(population)`, when given, is the threshold the hub's population
        needs (hub/settings.py `threshold_step`): the linker raises its threshold to it
        after a link run and links everything again. `policy.threshold` is where it
        starts; how far it has risen is kept in the database.

        `alerts`: whether an alert engine will read the persons it changes
        (`person_changes`). Without one nobody empties that queue, which grew by every
        person at each relink, so a hub without alert rules queues nothing and drops
        what an earlier run queued; given rules later, its first evaluation reads all
        (hub/alerts/store.py FULL_EVALUATION)."""
        self.store = store
        self.queues_changes = alerts
        if not alerts:
            with store.transaction() as conn:
                conn.execute("DELETE FROM person_changes")
                # what the queue held is read again by the next engine's full evaluation
                mark_full_evaluation(conn)
        self.schema = schema
        self.auto_threshold = auto_threshold
        self._start_threshold = policy.threshold
        if auto_threshold is not None:
            with store.lock:
                rise = linked_with.threshold_rise(store.db.conn)
            if rise is not None and rise > 0:
                policy = replace(policy, threshold=policy.threshold + rise)
        self.policy = policy
        # how many persons bore each name when the threshold last stepped (hub/name_rise.py)
        self._name_counts: NameCounts | None = None
        if auto_threshold is not None:
            with store.transaction() as conn:
                self._name_counts = linked_with.name_counts(conn)
                if self._name_counts is not None:
                    linked_with.start_count_basis(conn)
            if self._name_counts is None and policy.threshold > self._start_threshold:
                log.warning("the hub's threshold rose before it counted names, so every "
                            "pair pays the whole rise until the next step; `zichtlijn hub "
                            "relink` counts them now (README \"The rise taken per name\")")
        self._lock = threading.Lock()
        self._busy_with: str | None = None  # what holds the lock, for a lookup kept waiting
        self._unusable: str | None = None  # why memory could not be rebuilt, if it could not
        self._require_one_schema()
        self._reset()
        self._load()
        # persons changed in hub.db outside the hub were linked again: alerts follow
        self.relinked_at_start = self.check_persons() is not None

    def _require_one_schema(self) -> None:
        """Refuse a database holding encodings of another schema: compared with this
        schema's they would give scores that mean nothing, and silently so."""
        with self.store.lock:
            others = self.store.db.execute(
                "SELECT schema_fingerprint, count(*) FROM sightings "
                "WHERE schema_fingerprint != ? GROUP BY schema_fingerprint ORDER BY 2 DESC",
                [self.schema.fingerprint]).fetchall()
        if others:
            fingerprint, count = others[0]
            raise SchemaError(
                f"hub database: {count:,} sighting(s) were encoded under linkage schema "
                f"{bytes(fingerprint).hex()[:12]}, this hub runs {self.schema.label}; "
                "encodings of two schemas cannot be compared: see README "
                "\"Changing the linkage schema\"")

    def _reset(self) -> None:
        self.encodings = EpochTables(self.schema)
        self.rows = LinkerRows()
        self.graph = PersonGraph(self.policy)
        self._names = NameRise(self._name_counts)  # each row's count goes with the rows

    @property
    def _rise(self) -> float:
        return self.policy.threshold - self._start_threshold

    def _score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        scores = self.encodings.score(
            left, right, lambda table, a, b: score_pairs(table, a, b, self.policy),
            neutral_score(self.policy))
        given_back = self._names.allowance(left, right, self._rise)
        return scores if given_back is None else scores + given_back

    def probe_names(self, probe: Mapping[int, IdentityEncoding]) -> float:
        """How many other persons bore a lookup's probe's name (hub/name_rise.py)."""
        return self._names.probe_others(self.schema, probe)

    def probe_allowance(self, probe_names: float, rows: np.ndarray) -> np.ndarray:
        """What a probe whose name `probe_names` others bore, paired with each of `rows`,
        gets back of the threshold's rise, as a stored sighting would."""
        return self._names.probe_allowance(probe_names, rows, self._rise)

    def _append(self, rows: list[tuple[int, int, bytes, str | None, int | None, str]]
                ) -> tuple[range, np.ndarray]:
        """Rows of (seq, epoch, subject, person_id, cluster_seq, gemeente), in seq order;
        the table rows they took and their copy keys (`linking.copy_key`)."""
        seqs = [row[0] for row in rows]
        with self.store.lock:
            others = epochs.other_epoch_parts(self.store.db.conn, seqs)
            own = epochs.entity_tokens(self.store.db.conn, seqs)
        parts = [{**others.get(seq, {}), epoch: (subject, own.get(seq, []))}
                 for seq, epoch, subject, _, _, _ in rows]
        copies = np.array([
            copy_key(gemeente, [epoch.to_bytes(8, "big"), bytes(subject),
                                *(kind.to_bytes(2, "big") + bytes(token)
                                  for kind, token in sorted(own.get(seq, [])))])
            for seq, epoch, subject, _, _, gemeente in rows], dtype=np.int64)
        encodings = [
            {e: wire.identity_from_wire(encoding_pb2.IdentityEncoding.FromString(blob))
             for e, (blob, _) in mapping.items()}
            for mapping in parts
        ]
        added = self.encodings.append(
            encodings, [{e: tokens for e, (_, tokens) in mapping.items()} for mapping in parts])
        appended = self.rows.append([row[0] for row in rows], [row[3] for row in rows],
                                    [row[4] for row in rows])
        if appended != added:
            # not an assert, which python -O drops: out of step, every later row would pair
            # one sighting's encodings with another's seq and person
            raise RuntimeError(f"linker rows out of step: encodings took rows {added}, "
                               f"seqs and persons took rows {appended}")
        self._names.append(self.encodings, added)
        return added, copies

    def _load(self) -> None:
        """Rebuild memory from the database (hub start-up), one chunk at a time."""
        with self.store.lock:
            linked, = self.store.db.conn.execute(
                "SELECT count(*) FROM sightings WHERE linked = 1").fetchone()
            self.encodings.reserve(ROOM_FACTOR * linked)
            cursor = self.store.db.conn.execute(
                "SELECT seq, epoch, subject, person_id, cluster_seq, gemeente "
                "FROM sightings WHERE linked = 1 ORDER BY seq")
            copies = []
            while rows := cursor.fetchmany(CHUNK_ROWS):
                added, chunk_copies = self._append(rows)
                self.encodings.index_only(added)
                copies.append(chunk_copies)
            loaded = np.arange(self.rows.size, dtype=np.int64)
            clusters = self.rows.cluster[: self.rows.size]
            bases = np.where(clusters == NONE, loaded, self.rows.rows_of(clusters))
            if len(broken := np.flatnonzero(bases == NONE)):
                raise self._cluster_error(broken)
            self.graph.add_rows(loaded, bases,
                                np.concatenate(copies) if copies else None)
            # in chunks: millions of fetched rows at once would leave the process holding
            # their memory long after they are freed
            ends, scores = [], []
            cursor = self.store.db.conn.execute("SELECT a, b, score FROM links")
            while links := cursor.fetchmany(CHUNK_ROWS * 5):
                count = len(links)
                seqs = np.fromiter((seq for a, b, _ in links for seq in (a, b)),
                                   dtype=np.int64, count=2 * count)
                ends.append(self.rows.rows_of(seqs).astype(np.int32))
                scores.append(np.fromiter((score for _, _, score in links),
                                          dtype=np.float32, count=count))
            del links
            if ends:
                pairs, values = np.concatenate(ends).reshape(-1, 2), np.concatenate(scores)
                del ends, scores  # the chunks, copied: not held through add_links's peak
                self.graph.add_links(pairs, values)

    def partition(self) -> str:
        """The digest of who is linked with whom as held in memory (hub/partition.py)."""
        size = self.rows.size
        linked = self.rows.present[:size] & (self.rows.person[:size] != NONE)
        return partition.partition_digest(self.rows.seq[:size][linked],
                                          self.rows.person[:size][linked],
                                          self.rows.cluster[:size][linked])

    def check_persons(self) -> LinkRun | None:
        """Link every sighting again when the persons loaded are not those the log last
        recorded: someone changed them in hub.db outside the hub (a restore logs the
        persons it brings). Linking is reproducible from the encodings, so this gives
        back what the linker decides; the `relink` entry (reason `stored_persons_differ`)
        names the entry whose persons were not found. None when they agree, or when no
        entry records them (a log from before entries did)."""
        with self.store.lock:
            logged = partition.last_logged(self.store.db.conn)
        if logged is None or logged[1] == self.partition():
            return None
        log.warning("hub database: its persons are not those log entry #%d recorded (changed "
                    "in hub.db outside the hub); every sighting is linked again", logged[0])
        with self._lock:
            return self._relink("hub:hub", self.policy, self._name_counts,
                                reason="stored_persons_differ", logged_entry=logged[0])

    def _cluster_error(self, rows: np.ndarray) -> StoredClusterError:
        """The one line for the operator about linker rows whose cluster is not loaded."""
        seq, cluster = int(self.rows.seq[rows[0]]), int(self.rows.cluster[rows[0]])
        (uuid,) = self.store.db.conn.execute(
            "SELECT sighting_uuid FROM sightings WHERE seq = ?", [seq]).fetchone()
        more = f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""
        return StoredClusterError(
            f"hub database: sighting seq {seq} ({str(uuid)[:40]!r}) has cluster_seq {cluster}, "
            f"which names no linked sighting{more}; restore the database from a backup")

    def _require_usable(self) -> None:
        if self._unusable is not None:
            raise LinkerUnusableError(self._unusable)

    def _consistently(self, change: Callable[[], T]) -> T:
        """Run a change of memory and database; if it fails, memory follows the database.

        Memory changes first and the database in one transaction at the end, so a
        failed write (a full disk, a locked file) would leave memory ahead of the
        database: the next run would take the still-pending sightings in twice.
        """
        self._require_usable()
        try:
            return change()
        except BaseException:
            try:
                self._reset()
                self._load()
            except BaseException as reload_error:
                self._unusable = ("hub linker: memory could not be rebuilt from the database "
                                  f"after a failed run ({describe(reload_error)}); "
                                  "fix the database and restart the hub")
                raise LinkerUnusableError(self._unusable) from reload_error
            raise

    def link_pending(self, in_runs: bool = True) -> LinkRun:
        """Link every stored sighting not linked yet; safe to call from any thread.

        `in_runs`: a link run takes at most LINK_RUN_SIGHTINGS sightings and
        releases the linker between runs, so a lookup at the door waits for one
        run, not for all of a first sync's history (linking in runs gives the
        persons of one run: `tests/test_linker.py`); runs cost time, so a hub
        not yet serving links in one. With an automatic threshold, a run after
        which the population needs a higher one raises it and links everything
        again (`relinked_at`)."""
        per_run = LINK_RUN_SIGHTINGS if in_runs else -1
        run = LinkRun(0, 0, 0, 0, 0, 0.0)
        while True:
            with self._lock:
                self._busy_with = "linking the latest uploads"
                try:
                    part = self._consistently(lambda: self._link_pending(limit=per_run))
                finally:
                    self._busy_with = None
            run = run.then(part)
            if per_run < 0 or part.new_sightings < per_run:
                break
        with self._lock:
            if self.auto_threshold is None:
                return run
            population = self.population()
            wanted = self.auto_threshold(population)
            if wanted <= self.policy.threshold:
                return self._count_names_again(run)
            log.warning("the hub holds %d persons sharing each name with %.2f others on "
                        "average: link threshold raised from %s to %s, every sighting is "
                        "linked again (README \"Linkage quality, measured\")",
                        population.persons, population.namesakes, self.policy.threshold,
                        wanted)
            self._busy_with = (f"linking every sighting again at a raised threshold, since "
                               f"{time.strftime('%H:%M')}")
            try:
                relinked = self._relink("hub:hub", replace(self.policy, threshold=wanted),
                                        self._counted_names(),
                                        threshold=wanted,
                                        persons=population.persons,
                                        namesakes=round(population.namesakes, 3))
            finally:
                self._busy_with = None
            return replace(relinked, new_sightings=run.new_sightings,
                           seconds=run.seconds + relinked.seconds, relinked_at=wanted)

    def _count_names_again(self, run: LinkRun) -> LinkRun:
        """Count names again and link everything again where the counts no longer fit.

        After a key rotation's overlap: the counts know a name by its keys under the
        epochs they were taken in, and a sighting under the new epoch only would pay the
        whole rise until the next step, which at a national hub can be years; counted
        now, the new key of every name seen in the overlap carries the old one's count
        (`NameCounts.across_epochs`). After retention has removed most of what they
        were counted on (`settings.RECOUNT_WHEN_LEFT`): a hub that no longer grows never
        steps again. When a sighting of an overlap arrives after the overlap's count (a
        node silent through its overlap's end), bridging a name's keys for the first
        time: its new key would read as rare. Called holding the lock."""
        reason = self._why_count_again()
        if reason is None:
            return run
        log.warning("%s: names counted again, every sighting is linked again (README "
                    "\"The rise taken per name\")", COUNT_AGAIN_BECAUSE[reason])
        self._busy_with = (f"linking every sighting again with its names counted again, "
                           f"since {time.strftime('%H:%M')}")
        try:
            relinked = self._relink("hub:hub", self.policy, self._counted_names(),
                                    reason=reason)
        finally:
            self._busy_with = None
        return replace(relinked, new_sightings=run.new_sightings,
                       seconds=run.seconds + relinked.seconds)

    def _why_count_again(self) -> str | None:
        """The `reason` (a key of COUNT_AGAIN_BECAUSE) to count names again, if any."""
        counts = self._name_counts
        if counts is None or self.auto_threshold is None or self._rise <= 0:
            return None
        if self._names_uncounted(counts):
            return "new_key_epoch"
        if self._names.bridged_since_counted:
            return "names_bridged_late"
        with self.store.lock:
            if linked_with.counts_outlived(self.store.db.conn, settings.RECOUNT_WHEN_LEFT):
                return "counted_sightings_gone"
        return None

    def _names_uncounted(self, counts: NameCounts) -> bool:
        """Do `counts` lack what some held sighting needs: a sighting of a key epoch they
        were not taken in, and of no epoch they were, with no rotation's overlap still
        bridging names into that epoch."""
        return self.encodings.any_only_under(
            set(self.encodings.epochs) - counts.epochs) and not self._overlap_ongoing()

    def _overlap_ongoing(self) -> bool:
        with self.store.lock:
            return epochs.overlap_ongoing(self.store.db.conn, utc_now()[:10])

    def _counted_names(self) -> NameCounts:
        return counted_names(self.encodings, self.rows.person, self._overlap_ongoing())

    def population(self) -> Population:
        """The hub's persons and how many other persons share each of a person's name
        filters on average: what the automatic threshold is chosen for (a name's keys
        under the epochs of a rotation's overlap taken as one name)."""
        keys, present, _ = self.encodings.name_keys(np.arange(self.encodings.size))
        persons = self.rows.person[: self.encodings.size]
        linked = present.any(axis=1) & (persons != NONE)
        return Population(self.store.count_persons(), namesakes(
            name_classes(keys[linked], present[linked]), persons[linked]))

    def _pending_rows(self, first_seq: int, last_seq: int) -> list[tuple]:
        with self.store.lock:
            return self.store.db.execute(
                "SELECT seq, epoch, subject, NULL, NULL, gemeente FROM sightings "
                "WHERE linked = 0 AND seq BETWEEN ? AND ? ORDER BY seq", [first_seq, last_seq]
            ).fetchall()

    def _link_pending(self, limit: int = -1) -> LinkRun:
        """Link the first `limit` stored sightings not linked yet (-1: all of them)."""
        started = time.perf_counter()
        with self.store.lock:
            seqs = np.fromiter((row[0] for row in self.store.db.execute(
                "SELECT seq FROM sightings WHERE linked = 0 ORDER BY seq LIMIT ?", [limit])),
                dtype=np.int64)
        if not len(seqs):
            return LinkRun(0, 0, 0, 0, 0, time.perf_counter() - started)
        first = self.encodings.size
        link_rows, link_scores, candidates = [], [], 0
        for start in range(0, len(seqs), CHUNK_ROWS):
            # a chunk meets every row indexed before it, so chunking changes no pair; and
            # only one chunk of decoded encodings is in memory at a time
            chunk = self._pending_rows(int(seqs[start]),
                                       int(seqs[min(start + CHUNK_ROWS, len(seqs)) - 1]))
            added, copies = self._append(chunk)
            self.graph.add_rows(added, copies=copies)
            pairs = self.encodings.candidates(added)
            candidates += len(pairs)
            links, scores = scored_links(pairs, self._score, self.policy,
                                         self.encodings.dated())
            self.graph.add_links(links, scores)
            link_rows.append(links.astype(np.int32))
            link_scores.append(scores)
        added = range(first, self.encodings.size)
        links = np.concatenate(link_rows)
        scores = np.concatenate(link_scores)
        del link_rows, link_scores
        touched = self.graph.update(added, self._score, self.encodings.dated())
        components = self._clusters_of(touched)
        persons_changed: set[str] = set()
        rows, persons, clusters = self._reassign(touched, persons_changed)
        del touched

        with self.store.transaction() as conn:
            linked_with.before_link_run(conn, policy_digest(self.policy))
            self._write_links(conn, links, scores)
            seq = self.rows.seq
            conn.executemany(
                "UPDATE sightings SET person_id = ?, cluster_seq = ?, linked = 1 WHERE seq = ?",
                ((person_name(person), cluster, row_seq) for person, cluster, row_seq in
                 zip(persons.tolist(), clusters.tolist(), seq[rows].tolist(), strict=True)),
            )
            unchanged = np.setdiff1d(np.arange(added.start, added.stop), rows)
            conn.executemany("UPDATE sightings SET linked = 1 WHERE seq = ?",
                             ((s,) for s in seq[unchanged].tolist()))
            if self.queues_changes:
                note_person_changes(conn, persons_changed)
            audit_log.append(conn, utc_now(), "hub:hub", "link_run",
                             new_sightings=len(added), candidate_pairs=candidates,
                             new_links=len(links), persons_changed=len(rows),
                             partition=self.partition())
        return LinkRun(len(added), candidates, len(links), components, len(rows),
                       time.perf_counter() - started)

    def _write_links(self, conn: sqlite3.Connection, links: np.ndarray,
                     scores: np.ndarray) -> None:
        """Store links (pairs of linker rows) by sighting seq, a chunk of rows at a time."""
        seq = self.rows.seq
        conn.executemany(
            "INSERT OR REPLACE INTO links (a, b, score) VALUES (?, ?, ?)",
            (row for start in range(0, len(links), CHUNK_ROWS)
             for row in zip(seq[links[start : start + CHUNK_ROWS, 0]].tolist(),
                            seq[links[start : start + CHUNK_ROWS, 1]].tolist(),
                            scores[start : start + CHUNK_ROWS].tolist(), strict=True)),
        )

    def _clusters_of(self, touched: set[int]) -> int:
        """How many clusters the touched rows are in now."""
        rows = np.fromiter(touched, dtype=np.int64, count=len(touched))
        return len(np.unique(self.graph.bases(rows)))

    def _person_codes(self, roots: np.ndarray) -> np.ndarray:
        """The person (as held in LinkerRows) named after each of the rows `roots`.

        The sighting UUIDs a person id is made from are read here rather than
        held in memory: a link run needs those of the persons it changed only.
        """
        seqs = self.rows.seq[roots].tolist()
        uuid_of: dict[int, str] = {}
        with self.store.lock:
            for start in range(0, len(seqs), 500):
                chunk = seqs[start : start + 500]
                uuid_of.update(self.store.db.execute(
                    f"SELECT seq, sighting_uuid FROM sightings WHERE seq IN "
                    f"({','.join('?' * len(chunk))})", chunk).fetchall())
        return np.array([person_code(person_id_for(uuid_of[seq])) for seq in seqs],
                        dtype=np.int64)

    def _reassign(self, touched: Iterable[int], persons_changed: set[str]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Give each touched row its current person and cluster; returns the rows that
        changed with their new person (as held in LinkerRows) and cluster seq, and adds
        their old and new person ids to `persons_changed` (for the alert evaluation)."""
        rows = np.array(sorted(touched), dtype=np.int64)
        roots = self.graph.person_roots(rows)
        named, at = np.unique(roots, return_inverse=True)
        persons = self._person_codes(named)[at]
        clusters = self.rows.seq[self.graph.bases(rows)]
        old_persons, old_clusters = self.rows.person[rows], self.rows.cluster[rows]
        differ = (old_persons != persons) | (old_clusters != clusters)
        rows, persons, clusters = rows[differ], persons[differ], clusters[differ]
        persons_changed.update(
            person_name(code) for code in np.unique(np.concatenate(
                [old_persons[differ], persons])).tolist() if code != NONE)
        self.rows.person[rows] = persons
        self.rows.cluster[rows] = clusters
        return rows, persons, clusters

    def relink_all(self, actor: str = "operator-cli:local", count_names: bool = False) -> LinkRun:
        """Forget every link and person and link all sightings again in one batch, with
        the names counted at the last step (`count_names`: counted again now, from the
        persons held; a hub above its start that never counted them, or whose counts no
        longer fit (`_why_count_again`), always counts)."""
        with self._lock:
            self._busy_with = f"linking every sighting again, since {time.strftime('%H:%M')}"
            try:
                counts = self._name_counts
                if (count_names or counts is None or self._why_count_again() is not None) and (
                        self.auto_threshold is not None and self._rise > 0):
                    counts = self._counted_names()
                return self._relink(actor, self.policy, counts)
            finally:
                self._busy_with = None

    def _relink(self, actor: str, policy: MatchPolicy, counts: NameCounts | None = None,
                **details: object) -> LinkRun:
        """Relink everything under `policy` and the name `counts`, which become the
        linker's once the old links are gone (a failed write leaves links, policy and
        counts as they were)."""
        if counts is not None:
            details["names_counted"] = len(counts.keys)
        with self.store.transaction() as conn:
            dropped = conn.execute("DELETE FROM links").rowcount
            reset = conn.execute("UPDATE sightings SET linked = 0, person_id = NULL, "
                                 "cluster_seq = NULL").rowcount
            if self.auto_threshold is not None:
                linked_with.raise_threshold(conn, policy.threshold - self._start_threshold)
            if counts is not None and counts is not self._name_counts:
                linked_with.keep_name_counts(conn, counts)
            # logged so that the auditor's count of linked sightings restarts here
            audit_log.append(conn, utc_now(), actor, "relink", sightings=reset,
                             links_dropped=dropped, partition=_NO_PERSONS, **details)
        self.policy = policy
        self._name_counts = counts
        self._reset()
        self.encodings.reserve(ROOM_FACTOR * reset)
        return self._consistently(self._link_pending)

    # -- lookups, withdrawal, correction and retention (issue 8) ---------------------------

    def score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Scores of pairs of linker rows, as link runs score them."""
        return self._score(left, right)

    def probe(self, encodings: Mapping[int, IdentityEncoding],
              entities: Mapping[int, EntityTokens] | None = None,
              wait: float | None = None) -> ProbeMatch:
        """The stored person a lookup's probe belongs to (hub/probe.py); changes nothing.

        Waits at most `wait` seconds (None: as long as it takes) for a link run or
        relink in progress, then raises LinkerBusyError saying which."""
        with self._within(wait):
            self._require_usable()
            return match_probe(self, encodings, entities)

    @contextmanager
    def _within(self, wait: float | None) -> Iterator[None]:
        """The linker, waited for at most `wait` seconds (None: as long as it takes)."""
        busy_with = self._busy_with
        if not self._lock.acquire(timeout=-1 if wait is None else wait):
            raise LinkerBusyError(f"the hub is {busy_with or self._busy_with or 'busy'}")
        try:
            yield
        finally:
            self._lock.release()

    def remove(self, seqs: Iterable[int],
               record: Callable[[sqlite3.Connection, RemovalRun], None],
               wait: float | None = None) -> RemovalRun:
        """Delete sightings from the hub and re-cluster the persons they were part of.

        The rows, their links (ON DELETE CASCADE) and the changed persons go in
        one transaction, with `record(conn, run)` (the audit entry, which carries
        `run.logged()`: no change of persons goes unlogged) in it. The
        person graph re-clusters exactly what the rows touched
        (`PersonGraph.remove_rows`), so the persons left are those `relink_all`
        builds from the remaining sightings. Waits at most `wait` seconds for a
        run in progress, as `probe` does, and then changes nothing.
        """
        return self.remove_found(lambda: seqs, record, wait)

    def remove_found(self, find: Callable[[], Iterable[int]],
                     record: Callable[[sqlite3.Connection, RemovalRun], None],
                     wait: float | None = None) -> RemovalRun:
        """`remove` of the sightings `find` gives once the linker is held. Only the linker
        deletes or replaces a stored sighting, so what `find` reads under its lock stays
        true until the removal is written: a withdrawal and a correction of one sighting
        at once each see the other's result (a seq read before waiting was another's
        by then). `find` may raise to change nothing."""
        with self._within(wait):
            seqs = sorted(set(find()))
            return self._consistently(lambda: self._remove(seqs, record))

    def _remove(self, seqs: list[int],
                record: Callable[[sqlite3.Connection, RemovalRun], None]) -> RemovalRun:
        started = time.perf_counter()
        # under the lock a sighting is in memory exactly when it is marked linked
        found = self.rows.rows_of(np.array(seqs, dtype=np.int64))
        rows = found[found != NONE].tolist()
        moved_up = self.encodings.forget(rows)
        touched, links, scores = unlink_rows(self.graph, rows, moved_up, self._score,
                                             self.policy, self.encodings.dated())
        removed_persons = [self.rows.person_id(row) for row in rows]
        self.rows.remove(rows)
        components = self._clusters_of(touched)
        persons_changed = {p for p in removed_persons if p}
        changed, persons, clusters = self._reassign(touched, persons_changed)
        run = RemovalRun(len(seqs), components, len(changed), 0.0, len(rows),
                         self.partition())
        with self.store.transaction() as conn:
            for start in range(0, len(seqs), 500):
                chunk = seqs[start : start + 500]
                conn.execute(f"DELETE FROM sightings WHERE seq IN ({','.join('?' * len(chunk))})",
                             chunk)
            self._write_links(conn, links, scores)
            conn.executemany(
                "UPDATE sightings SET person_id = ?, cluster_seq = ? WHERE seq = ?",
                [(person_name(person), cluster, seq) for person, cluster, seq in
                 zip(persons.tolist(), clusters.tolist(), self.rows.seq[changed].tolist(),
                     strict=True)],
            )
            if self.queues_changes:
                note_person_changes(conn, persons_changed)
            record(conn, run)
        return replace(run, seconds=time.perf_counter() - started)

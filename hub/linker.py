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
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from hub import audit_log, epochs
from hub.epoch_tables import EpochTables, neutral_score
from hub.probe import ProbeMatch, match_probe
from hub.store import HubStore, utc_now
from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import IdentityEncoding
from linkage.linking import scored_links
from linkage.persons import PersonGraph
from linkage.schema import LinkageSchema
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2


@dataclass(frozen=True)
class LinkRun:
    new_sightings: int
    candidate_pairs: int
    new_links: int
    components_reclustered: int
    persons_changed: int
    seconds: float


@dataclass(frozen=True)
class RemovalRun:
    removed: int
    components_reclustered: int
    persons_changed: int
    seconds: float
    linked: int = 0  # how many of the removed sightings had been linked (for the audit log)


CHUNK_ROWS = 20_000


def note_person_changes(conn: sqlite3.Connection, persons: Iterable[str]) -> None:
    """Queue persons whose sightings changed for the next alert evaluation."""
    conn.executemany("INSERT INTO person_changes (person_id) VALUES (?)",
                     [(p,) for p in sorted(persons)])


def person_id_for(sighting_uuid: str) -> str:
    """Pseudonymous person id: named after the person's first-received sighting."""
    return "P-" + hashlib.sha256(b"zichtlijn-person\x00" + sighting_uuid.encode()).hexdigest()[:12]


class Linker:
    def __init__(self, store: HubStore, schema: LinkageSchema, policy: MatchPolicy) -> None:
        self.store = store
        self.schema = schema
        self.policy = policy
        self._lock = threading.Lock()
        self._reset()
        self._load()

    def _reset(self) -> None:
        self.encodings = EpochTables(self.schema.filter_bytes)
        self.seq_of_row: list[int] = []
        self.uuid_of_row: list[str] = []
        self.person_of_row: list[str | None] = []
        self.cluster_of_row: list[int | None] = []
        self.graph = PersonGraph(self.policy)
        self.row_of_seq: dict[int, int] = {}

    def _score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return self.encodings.score(
            left, right, lambda table, a, b: score_pairs(table, a, b, self.policy),
            neutral_score(self.policy))

    def _append(self, rows: list[tuple[int, str, int, bytes, str | None, int | None]]) -> range:
        with self.store.lock:
            others = epochs.other_subjects(self.store.db.conn, [row[0] for row in rows])
        encodings = [
            {e: wire.identity_from_wire(encoding_pb2.IdentityEncoding.FromString(blob))
             for e, blob in {**others.get(seq, {}), epoch: subject}.items()}
            for seq, _, epoch, subject, _, _ in rows
        ]
        added = self.encodings.append(encodings)
        for seq, uuid, _, _, person, cluster in rows:
            self.row_of_seq[seq] = len(self.seq_of_row)
            self.seq_of_row.append(seq)
            self.uuid_of_row.append(uuid)
            self.person_of_row.append(person)
            self.cluster_of_row.append(cluster)
        return added

    def _load(self) -> None:
        """Rebuild memory from the database (hub start-up), one chunk at a time."""
        with self.store.lock:
            cursor = self.store.db.conn.execute(
                "SELECT seq, sighting_uuid, epoch, subject, person_id, cluster_seq "
                "FROM sightings WHERE linked = 1 ORDER BY seq")
            while rows := cursor.fetchmany(CHUNK_ROWS):
                self.encodings.index_only(self._append(rows))
            # rows of one person share one string, as after a link run
            names: dict[str, str] = {}
            self.person_of_row = [None if p is None else names.setdefault(p, p)
                                  for p in self.person_of_row]
            del names
            row_of_seq = self.row_of_seq
            loaded = range(len(self.seq_of_row))
            self.graph.add_rows(loaded, [row_of_seq[self.seq_of_row[r] if c is None else c]
                                         for r, c in zip(loaded, self.cluster_of_row,
                                                         strict=True)])
            # in chunks: millions of fetched rows at once would leave the process holding
            # their memory long after they are freed
            cursor = self.store.db.conn.execute("SELECT a, b, score FROM links")
            while links := cursor.fetchmany(CHUNK_ROWS * 5):
                self.graph.add_links(((row_of_seq[a], row_of_seq[b]) for a, b, _ in links),
                                     (score for _, _, score in links))

    def link_pending(self) -> LinkRun:
        """Link every stored sighting not linked yet; safe to call from any thread."""
        with self._lock:
            return self._link_pending()

    def _pending_rows(self, first_seq: int, last_seq: int) -> list[tuple]:
        with self.store.lock:
            return self.store.db.execute(
                "SELECT seq, sighting_uuid, epoch, subject, NULL, NULL FROM sightings "
                "WHERE linked = 0 AND seq BETWEEN ? AND ? ORDER BY seq", [first_seq, last_seq]
            ).fetchall()

    def _link_pending(self) -> LinkRun:
        started = time.perf_counter()
        with self.store.lock:
            seqs = [row[0] for row in self.store.db.execute(
                "SELECT seq FROM sightings WHERE linked = 0 ORDER BY seq")]
        if not seqs:
            return LinkRun(0, 0, 0, 0, 0, time.perf_counter() - started)
        first = self.encodings.size
        link_rows, link_scores, candidates = [], [], 0
        for start in range(0, len(seqs), CHUNK_ROWS):
            # a chunk meets every row indexed before it, so chunking changes no pair; and
            # only one chunk of decoded encodings is in memory at a time
            chunk = self._pending_rows(seqs[start], seqs[min(start + CHUNK_ROWS, len(seqs)) - 1])
            added = self._append(chunk)
            self.graph.add_rows(added)
            pairs = self.encodings.candidates(added)
            candidates += len(pairs)
            links, scores = scored_links(pairs, self._score, self.policy,
                                         self.encodings.dated())
            self.graph.add_links(map(tuple, links.tolist()), scores.tolist())
            link_rows.append(links)
            link_scores.append(scores)
        added = range(first, self.encodings.size)
        links = np.concatenate(link_rows)
        scores = np.concatenate(link_scores)
        touched = self.graph.update(added, self._score, self.encodings.dated())
        components = len({self.graph.base_of[row] for row in touched})
        persons_changed: set[str] = set()
        changed = self._reassign(touched, persons_changed)

        with self.store.transaction() as conn:
            seq = self.seq_of_row
            conn.executemany(
                "INSERT OR REPLACE INTO links (a, b, score) VALUES (?, ?, ?)",
                ((seq[a], seq[b], s) for start in range(0, len(links), CHUNK_ROWS)
                 for (a, b), s in zip(links[start : start + CHUNK_ROWS].tolist(),
                                      scores[start : start + CHUNK_ROWS].tolist(), strict=True)),
            )
            conn.executemany(
                "UPDATE sightings SET person_id = ?, cluster_seq = ?, linked = 1 WHERE seq = ?",
                ((person, cluster, seq[row]) for row, (person, cluster) in changed.items()),
            )
            conn.executemany(
                "UPDATE sightings SET linked = 1 WHERE seq = ?",
                ((seq[row],) for row in added if row not in changed),
            )
            note_person_changes(conn, persons_changed)
            audit_log.append(conn, utc_now(), "hub:hub", "link_run",
                             new_sightings=len(added), candidate_pairs=candidates,
                             new_links=len(links), persons_changed=len(changed))
        return LinkRun(len(added), candidates, len(links), components, len(changed),
                       time.perf_counter() - started)

    def _reassign(self, touched: Iterable[int], persons_changed: set[str]
                  ) -> dict[int, tuple[str, int]]:
        """Give each touched row its current person and cluster; returns the rows that
        changed, with their new (person_id, cluster_seq), and adds their old and new
        person ids to `persons_changed` (for the alert evaluation)."""
        changed: dict[int, tuple[str, int]] = {}
        named: dict[int, str] = {}  # one string per person, shared by its rows
        for row in sorted(touched):
            root = self.graph.person_root(row)
            person = named.get(root) or named.setdefault(root,
                                                         person_id_for(self.uuid_of_row[root]))
            cluster = self.seq_of_row[self.graph.base_of[row]]
            if self.person_of_row[row] != person or self.cluster_of_row[row] != cluster:
                persons_changed.update(p for p in (self.person_of_row[row], person) if p)
                self.person_of_row[row] = person
                self.cluster_of_row[row] = cluster
                changed[row] = (person, cluster)
        return changed

    def relink_all(self, actor: str = "operator:local") -> LinkRun:
        """Forget every link and person and link all sightings again in one batch."""
        with self._lock:
            with self.store.transaction() as conn:
                dropped = conn.execute("DELETE FROM links").rowcount
                reset = conn.execute("UPDATE sightings SET linked = 0, person_id = NULL, "
                                     "cluster_seq = NULL").rowcount
                # logged so that the auditor's count of linked sightings restarts here
                audit_log.append(conn, utc_now(), actor, "relink", sightings=reset,
                                 links_dropped=dropped)
            self._reset()
            return self._link_pending()

    # -- lookups, withdrawal, correction and retention (issue 8) ---------------------------

    def score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Scores of pairs of linker rows, as link runs score them."""
        return self._score(left, right)

    def probe(self, encodings: Mapping[int, IdentityEncoding]) -> ProbeMatch:
        """The stored person a lookup's probe belongs to (hub/probe.py); changes nothing."""
        with self._lock:
            return match_probe(self, encodings)

    def remove(self, seqs: Iterable[int],
               record: Callable[[sqlite3.Connection, RemovalRun], None] | None = None,
               ) -> RemovalRun:
        """Delete sightings from the hub and re-cluster the persons they were part of.

        The rows, their links (ON DELETE CASCADE) and the changed persons go in
        one transaction, with `record(conn, run)` (the audit entry) in it. The
        person graph re-clusters exactly what the rows touched
        (`PersonGraph.remove_rows`), so the persons left are those `relink_all`
        builds from the remaining sightings.
        """
        with self._lock:
            try:
                return self._remove(sorted(set(seqs)), record)
            except BaseException:
                # memory was changed first; make it follow the database again
                self._reset()
                self._load()
                raise

    def _remove(self, seqs: list[int],
                record: Callable[[sqlite3.Connection, RemovalRun], None] | None) -> RemovalRun:
        started = time.perf_counter()
        # under the lock a sighting is in memory exactly when it is marked linked
        rows = [self.row_of_seq.pop(seq) for seq in seqs if seq in self.row_of_seq]
        self.encodings.forget(rows)
        affected = self.graph.remove_rows(rows)
        removed_persons = [self.person_of_row[row] for row in rows]
        for row in rows:
            self.person_of_row[row] = None
            self.cluster_of_row[row] = None
            self.uuid_of_row[row] = ""
        touched = self.graph.update(sorted(affected), self._score, self.encodings.dated())
        components = len({self.graph.base_of[row] for row in touched})
        persons_changed = {p for p in removed_persons if p}
        changed = self._reassign(touched, persons_changed)
        run = RemovalRun(len(seqs), components, len(changed), 0.0, len(rows))
        with self.store.transaction() as conn:
            for start in range(0, len(seqs), 500):
                chunk = seqs[start : start + 500]
                conn.execute(f"DELETE FROM sightings WHERE seq IN ({','.join('?' * len(chunk))})",
                             chunk)
            conn.executemany(
                "UPDATE sightings SET person_id = ?, cluster_seq = ? WHERE seq = ?",
                [(person, cluster, self.seq_of_row[row])
                 for row, (person, cluster) in changed.items()],
            )
            note_person_changes(conn, persons_changed)
            if record is not None:
                record(conn, run)
        return RemovalRun(len(seqs), components, len(changed), time.perf_counter() - started,
                          len(rows))

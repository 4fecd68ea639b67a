"""Linking at the hub: new sightings in, persons out, the same night by night as in bulk.

The linker keeps every linked subject encoding in memory in an EncodingTable
(row order = arrival order), a blocking index and the link graph. A link run
scores the candidates of the new rows, adds the links at or above threshold,
and re-clusters only the components those links touch. Because a component's
clustering depends only on its members, `relink_all` reproduces exactly what
the nightly runs built.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from hub import audit_log
from hub.store import HubStore, utc_now
from linkage.blocking import CandidateIndex
from linkage.cluster import cluster_component
from linkage.compare import MatchPolicy, score_pairs
from linkage.schema import LinkageSchema
from linkage.table import EncodingTable
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
        self.table = EncodingTable(self.schema.filter_bytes)
        self.index = CandidateIndex()
        self.seq_of_row: list[int] = []
        self.uuid_of_row: list[str] = []
        self.person_of_row: list[str | None] = []
        self.adjacent: dict[int, set[int]] = {}

    def _score(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(self.table, left, right, self.policy)

    def _append(self, rows: list[tuple[int, str, bytes, str | None]]) -> range:
        encodings = [wire.identity_from_wire(encoding_pb2.IdentityEncoding.FromString(blob))
                     for _, _, blob, _ in rows]
        added = self.table.append(encodings)
        for seq, uuid, _, person in rows:
            self.seq_of_row.append(seq)
            self.uuid_of_row.append(uuid)
            self.person_of_row.append(person)
        return added

    def _load(self) -> None:
        """Rebuild memory from the database (hub start-up)."""
        with self.store.lock:
            rows = self.store.db.execute(
                "SELECT seq, sighting_uuid, subject, person_id FROM sightings "
                "WHERE linked = 1 ORDER BY seq"
            ).fetchall()
            links = self.store.db.execute("SELECT a, b FROM links").fetchall()
        added = self._append(rows)
        self.index.add(self.table, added)
        row_of_seq = {seq: row for row, seq in enumerate(self.seq_of_row)}
        for a, b in links:
            ra, rb = row_of_seq[a], row_of_seq[b]
            self.adjacent.setdefault(ra, set()).add(rb)
            self.adjacent.setdefault(rb, set()).add(ra)

    def _component(self, start: int, seen: set[int]) -> list[int]:
        queue, members = deque([start]), []
        seen.add(start)
        while queue:
            row = queue.popleft()
            members.append(row)
            for other in self.adjacent.get(row, ()):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        return members

    def link_pending(self) -> LinkRun:
        """Link every stored sighting not linked yet; safe to call from any thread."""
        with self._lock:
            return self._link_pending()

    def _link_pending(self) -> LinkRun:
        started = time.perf_counter()
        with self.store.lock:
            pending = self.store.db.execute(
                "SELECT seq, sighting_uuid, subject, NULL FROM sightings "
                "WHERE linked = 0 ORDER BY seq"
            ).fetchall()
        if not pending:
            return LinkRun(0, 0, 0, 0, 0, time.perf_counter() - started)
        added = self._append(pending)
        pairs = self.index.add(self.table, added)
        new_links: list[tuple[int, int, float]] = []
        if len(pairs):
            scores = self._score(pairs[:, 0], pairs[:, 1])
            keep = scores >= self.policy.threshold
            for (a, b), score in zip(pairs[keep], scores[keep], strict=True):
                a, b = int(a), int(b)
                self.adjacent.setdefault(a, set()).add(b)
                self.adjacent.setdefault(b, set()).add(a)
                new_links.append((a, b, float(score)))

        seen: set[int] = set()
        changed: dict[int, str] = {}
        components = 0
        for row in added:
            if row in seen:
                continue
            members = self._component(row, seen)
            components += 1
            for cluster in cluster_component(members, self._score, self.policy):
                person = person_id_for(self.uuid_of_row[cluster[0]])
                for member in cluster:
                    if self.person_of_row[member] != person:
                        self.person_of_row[member] = person
                        changed[member] = person

        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO links (a, b, score) VALUES (?, ?, ?)",
                [(self.seq_of_row[a], self.seq_of_row[b], s) for a, b, s in new_links],
            )
            conn.executemany(
                "UPDATE sightings SET person_id = ?, linked = 1 WHERE seq = ?",
                [(person, self.seq_of_row[row]) for row, person in changed.items()],
            )
            conn.executemany(
                "UPDATE sightings SET linked = 1 WHERE seq = ?",
                [(self.seq_of_row[row],) for row in added if row not in changed],
            )
            audit_log.append(conn, utc_now(), "hub:hub", "link_run",
                             new_sightings=len(added), candidate_pairs=len(pairs),
                             new_links=len(new_links), persons_changed=len(changed))
        return LinkRun(len(added), len(pairs), len(new_links), components, len(changed),
                       time.perf_counter() - started)

    def relink_all(self, actor: str = "operator:local") -> LinkRun:
        """Forget every link and person and link all sightings again in one batch."""
        with self._lock:
            with self.store.transaction() as conn:
                dropped = conn.execute("DELETE FROM links").rowcount
                reset = conn.execute("UPDATE sightings SET linked = 0, person_id = NULL").rowcount
                # logged so that the auditor's count of linked sightings restarts here
                audit_log.append(conn, utc_now(), actor, "relink", sightings=reset,
                                 links_dropped=dropped)
            self._reset()
            return self._link_pending()

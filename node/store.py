"""The node's SQLite database: encodings and case references, never a name."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from node.config import database_missing
from zichtlijn.database_file import DatabaseFileError, database_errors, owner_only


@dataclass(frozen=True)
class StoredSighting:
    case_ref: str
    sighting_uuid: str
    observed_on: str
    encoded: bytes
    content_digest: bytes
    synced_at: str | None


# A control is its case reference and its date: an inspection system may number a
# woman's dossier rather than each control, and its controls then share a case_ref.
SIGHTING_KEY = ("case_ref", "observed_on")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class NodeStore:
    def __init__(self, path: Path, create: bool = False) -> None:
        """Open the node database at `path`; only `node init` passes `create`.

        Any other command on a home whose node.db is gone refuses (DatabaseFileError)
        rather than go on with an empty one: its imports and sync state would be lost
        without a word, and the next sync would send every control again under new UUIDs.
        The file is opened read-write without creating it, so one removed after the check
        is not made again either."""
        self.path = path
        if create:
            owner_only(path)
        elif not path.exists():
            raise DatabaseFileError(database_missing(path))
        with database_errors(path, "node database"):
            self.db = sqlite_utils.Database(
                path if create else sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw",
                                                    uri=True))
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            # withdrawn and purged rows are overwritten, not left in free pages (AVG erasure)
            self.db.execute("PRAGMA secure_delete=ON")
            self._create()

    def _create(self) -> None:
        if "sightings" not in self.db.table_names():
            self.db["sightings"].create(
                {
                    "case_ref": str,
                    "sighting_uuid": str,
                    "observed_on": str,
                    "epoch": int,
                    "encoded": bytes,
                    "content_digest": bytes,
                    "imported_at": str,
                    "synced_batch": bytes,
                    "synced_at": str,
                },
                pk=SIGHTING_KEY,
                not_null={"sighting_uuid", "observed_on", "encoded", "content_digest"},
            )
            self.db["sightings"].create_index(["sighting_uuid"], unique=True)
            self.db["sightings"].create_index(["synced_at"])
        elif self.db["sightings"].pks == ["case_ref"]:
            # a node database of before 2026-12-07, one control per case_ref: a dossier
            # number shared by a woman's controls is read since as one control a date
            self.db["sightings"].transform(pk=SIGHTING_KEY)
        # this node's sightings the hub holds and the node does not, as the hub listed them
        # after the node's database was restored from a backup (node/recover.py): importing
        # one again takes its UUID back instead of sending it twice
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS hub_only_sightings (sighting_uuid TEXT PRIMARY KEY, "
            "content_digest BLOB NOT NULL, observed_on TEXT NOT NULL, listed_at TEXT NOT NULL)")
        if "single_epoch_digest" not in self.db["hub_only_sightings"].columns_dict:
            # the hub's digest without older epochs' encodings, for a sighting of a key
            # rotation's overlap (node/recover.py); added 2026-12-07
            self.db["hub_only_sightings"].add_column("single_epoch_digest", bytes)
        if "corrected_on" not in self.db["sightings"].columns_dict:
            # when a synced sighting was last corrected at the hub: asked again after a hub
            # restore (node/rejoin.py); added 2026-12-06, absent in older node databases
            self.db["sightings"].add_column("corrected_on", str)
        # a corrected sighting's content and date as first imported (node/records.py): an
        # export still holding that row is left out at import, not refused
        # (node/importer.py); added 2026-12-07, NULL where never corrected and for
        # corrections made before
        for name, kind in (("imported_digests", bytes), ("imported_on", str)):
            if name not in self.db["sightings"].columns_dict:
                self.db["sightings"].add_column(name, kind)

    def close(self) -> None:
        self.db.close()

    def content_digest_of(self, case_ref: str, observed_on: str) -> bytes | None:
        row = self.db.execute(
            "SELECT content_digest FROM sightings WHERE case_ref = ? AND observed_on = ?",
            [case_ref, observed_on]).fetchone()
        return row[0] if row else None

    def encoded_of(self, case_ref: str, observed_on: str) -> bytes | None:
        row = self.db.execute(
            "SELECT encoded FROM sightings WHERE case_ref = ? AND observed_on = ?",
            [case_ref, observed_on]).fetchone()
        return row[0] if row else None

    def corrections(self) -> dict[tuple[str, str], list[bytes]]:
        """(case_ref, date) -> the digests of each corrected control as first imported
        (epoch_views.packed_digests), under its date now and its date as first imported."""
        found: dict[tuple[str, str], list[bytes]] = {}
        for case_ref, observed_on, imported_on, digests in self.db.execute(
                "SELECT case_ref, observed_on, imported_on, imported_digests FROM sightings "
                "WHERE imported_digests IS NOT NULL"):
            for day in {observed_on, imported_on}:
                found.setdefault((case_ref, day), []).append(bytes(digests))
        return found

    def dates_of(self, case_ref: str) -> list[str]:
        """The dates of the controls held under `case_ref`, oldest first."""
        return [day for (day,) in self.db.execute(
            "SELECT observed_on FROM sightings WHERE case_ref = ? ORDER BY observed_on",
            [case_ref])]

    def add_many(self, rows: list[dict]) -> None:
        """Insert new sightings in one transaction (all or none). A row taking back the
        UUID of a sighting the hub holds (`hub_only_by_day`) has `"synced": True`."""
        stamp = _now()
        with self.db.conn:
            self.db["sightings"].insert_all(
                ({**{k: v for k, v in row.items() if k != "synced"}, "imported_at": stamp,
                  "synced_batch": None, "synced_at": stamp if row.get("synced") else None}
                 for row in rows),
                batch_size=1000,
            )
            self.db.conn.executemany(
                "DELETE FROM hub_only_sightings WHERE sighting_uuid = ?",
                [(row["sighting_uuid"],) for row in rows if row.get("synced")])

    def keep_hub_only(self, held: list[tuple[str, bytes, str, bytes]]) -> None:
        """Record (uuid, content digest, observed_on, single-epoch digest or b"") of
        sightings the hub holds and this node does not (replacing an earlier list)."""
        with self.db.conn:
            self.db.execute("DELETE FROM hub_only_sightings")
            self.db.conn.executemany(
                "INSERT INTO hub_only_sightings (sighting_uuid, content_digest, observed_on, "
                "listed_at, single_epoch_digest) VALUES (?, ?, ?, ?, ?)",
                [(uuid, digest, day, _now(), single or None)
                 for uuid, digest, day, single in held])

    def count_hub_only(self) -> int:
        return self.db.execute("SELECT count(*) FROM hub_only_sightings").fetchone()[0]

    def hub_only_by_day(self) -> dict[str, list[tuple[str, tuple[bytes, ...]]]]:
        """observed_on -> (UUID, the hub's digests of the sighting with its UUID: as held,
        and without older epochs' encodings when it has them) of the hub-only sightings of
        that day."""
        found: dict[str, list[tuple[str, tuple[bytes, ...]]]] = {}
        for uuid, digest, single, day in self.db.execute(
                "SELECT sighting_uuid, content_digest, single_epoch_digest, observed_on "
                "FROM hub_only_sightings ORDER BY rowid"):
            digests = (bytes(digest),) if single is None else (bytes(digest), bytes(single))
            found.setdefault(day, []).append((uuid, digests))
        return found

    def unsynced(self) -> Iterator[StoredSighting]:
        query = (
            "SELECT case_ref, sighting_uuid, observed_on, encoded, content_digest, synced_at "
            "FROM sightings WHERE synced_at IS NULL ORDER BY rowid"
        )
        for row in self.db.execute(query).fetchall():
            yield StoredSighting(*row)

    def counts(self) -> tuple[int, int]:
        """(sightings held, of them not yet synced), read in one statement: one snapshot,
        also while an import or a sync writes (two reads could say 20,000 held and 21,000
        unsynced)."""
        total, unsynced = self.db.execute(
            "SELECT count(*), coalesce(sum(synced_at IS NULL), 0) FROM sightings").fetchone()
        return total, unsynced

    def count_unsynced(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM sightings WHERE synced_at IS NULL"
        ).fetchone()[0]

    def mark_unsynced(self, batch_digests: list[bytes]) -> int:
        """Mark the sightings of these batches to be sent again; how many."""
        with self.db.conn:
            return sum(self.db.execute(
                "UPDATE sightings SET synced_at = NULL, synced_batch = NULL "
                "WHERE synced_batch = ?", [digest]).rowcount for digest in batch_digests)

    def mark_unsynced_sightings(self, sighting_uuids: list[str]) -> int:
        """Mark these sightings to be sent again; how many."""
        with self.db.conn:
            return sum(self.db.execute(
                "UPDATE sightings SET synced_at = NULL, synced_batch = NULL "
                "WHERE sighting_uuid = ? AND synced_at IS NOT NULL", [uuid]).rowcount
                for uuid in sighting_uuids)

    def mark_synced(self, sighting_uuids: list[str], batch_digest: bytes) -> None:
        stamp = _now()
        with self.db.conn:
            self.db.conn.executemany(
                "UPDATE sightings SET synced_at = ?, synced_batch = ? WHERE sighting_uuid = ?",
                [(stamp, batch_digest, u) for u in sighting_uuids],
            )

    def listing(self) -> list[tuple[str, str, str, bool]]:
        rows = self.db.execute(
            "SELECT case_ref, sighting_uuid, observed_on, synced_at IS NOT NULL "
            "FROM sightings ORDER BY observed_on, case_ref"
        ).fetchall()
        return [(c, u, o, bool(s)) for c, u, o, s in rows]

    def case_ref_of(self, sighting_uuids: list[str]) -> dict[str, str]:
        if not sighting_uuids:
            return {}
        marks = ",".join("?" * len(sighting_uuids))
        rows = self.db.execute(
            f"SELECT sighting_uuid, case_ref FROM sightings WHERE sighting_uuid IN ({marks})",
            sighting_uuids,
        ).fetchall()
        return dict(rows)

"""Retention at the node: the same rule as the hub's, applied to node.db.

On day D every sighting observed on or before D minus the retention period
(node.toml `[retention] months`, default 18; calendar months, day clamped)
is deleted with its case reference and encodings. The purge runs before
every `node import` and `node sync` and on `node purge`; each run that
deletes something is written to `purge_log` and reported to the hub at the
next sync, where it becomes an audit entry (`node_purge`), so an auditor sees
the node's purges beside the hub's.

A row older than the cutoff is left out at import (it would be purged at
once), and so is the case reference of a sighting the node withdrew: an
inspection system that still exports it cannot bring it back. Both are
counted, not errors (`LeftOut`). Those
tombstones hold the case reference and the date only, and are purged by
the same rule.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import grpc

from node.config import CONFIG_NAME, ConfigError
from node.csv_import import ParsedSighting
from node.store import SIGHTING_KEY, NodeStore
from zichtlijn.dates import (
    DEFAULT_RETENTION_MONTHS,
    RETENTION_MONTHS,
    RETENTION_RANGE,
    months_before,
)
from zichtlijn.erasure import truncate_wal
from zichtlijn.transport import describe_rpc_error
from zichtlijn.v1 import records_pb2, records_pb2_grpc

SCHEMA = """
CREATE TABLE IF NOT EXISTS withdrawn_cases (
    case_ref TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    withdrawn_on TEXT NOT NULL,
    -- of a sighting the hub was asked to withdraw, and why (asked again after a hub
    -- restore); absent in tombstones written before 2026-12-06
    sighting_uuid TEXT,
    reason TEXT,
    PRIMARY KEY (case_ref, observed_on)
);
CREATE TABLE IF NOT EXISTS purge_log (
    purge_id TEXT PRIMARY KEY,
    purged_at TEXT NOT NULL,
    cutoff TEXT NOT NULL,
    retention_months INTEGER NOT NULL,
    sightings INTEGER NOT NULL,
    reported_at TEXT
);
"""


def retention_toml(months: int = DEFAULT_RETENTION_MONTHS) -> str:
    return ("\n[retention]  # sightings are purged this many months after the control\n"
            f"months = {months}\n")


def retention_months(home: Path) -> int:
    path = home / CONFIG_NAME
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return DEFAULT_RETENTION_MONTHS  # load_config has already refused a missing or broken file
    months = doc.get("retention", {}).get("months", DEFAULT_RETENTION_MONTHS)
    if not isinstance(months, int) or isinstance(months, bool) or months not in RETENTION_MONTHS:
        raise ConfigError(
            f"{path}: [retention] months must be a whole number within {RETENTION_RANGE}")
    return months


def create_tables(store: NodeStore) -> None:
    store.db.executescript(SCHEMA)
    columns = store.db["withdrawn_cases"].columns_dict
    for added in ("sighting_uuid", "reason"):
        if added not in columns:
            store.db["withdrawn_cases"].add_column(added, str)
    if store.db["withdrawn_cases"].pks == ["case_ref"]:  # before 2026-12-07 (node/store.py)
        store.db["withdrawn_cases"].transform(pk=SIGHTING_KEY)


@dataclass(frozen=True)
class NodePurge:
    cutoff: dt.date
    sightings: int
    tombstones: int


def purge(store: NodeStore, today: dt.date, months: int) -> NodePurge:
    create_tables(store)
    cutoff = months_before(today, months).isoformat()
    with store.db.conn:
        sightings = store.db.execute(
            "DELETE FROM sightings WHERE observed_on <= ?", [cutoff]).rowcount
        tombstones = store.db.execute(
            "DELETE FROM withdrawn_cases WHERE observed_on <= ?", [cutoff]).rowcount
        store.db.execute("DELETE FROM hub_only_sightings WHERE observed_on <= ?", [cutoff])
        if sightings:
            store.db.execute(
                "INSERT INTO purge_log (purge_id, purged_at, cutoff, retention_months, "
                "sightings) VALUES (?, ?, ?, ?, ?)",
                [secrets.token_hex(16),
                 dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), cutoff, months,
                 sightings])
    if sightings:
        truncate_wal(store.db.conn)
    return NodePurge(dt.date.fromisoformat(cutoff), sightings, tombstones)


#: purges sent in one report: the most the hub takes in one (hub/records_service.py
#: MAX_PURGES), which is also what it records from a node in a day, so a node that could
#: not report for years sends the oldest first and the rest at the next syncs
PURGES_PER_REPORT = 1000


@dataclass(frozen=True)
class PurgeReporting:
    reported: int  # purges the hub has now
    kept: int  # purges it refused for its daily bound, kept here for a later sync
    refusal: str | None = None  # the hub's line for that

    def problem(self) -> str | None:
        if self.refusal is None:
            return None
        return f"{self.kept} node purge(s) kept to report at a later sync: {self.refusal}"


def report_purges(channel: grpc.Channel, store: NodeStore, timeout_s: float,
                  peer: str = "hub") -> PurgeReporting:
    """Send purges not reported yet, oldest first; marked reported only once the hub has
    them. A report the hub refuses for its bound of a day (RESOURCE_EXHAUSTED) stays
    unreported, with the rest, for a later sync; any other refusal raises."""
    create_tables(store)
    rows = store.db.execute(
        "SELECT purge_id, purged_at, cutoff, retention_months, sightings FROM purge_log "
        "WHERE reported_at IS NULL ORDER BY purged_at").fetchall()
    stub = records_pb2_grpc.RecordServiceStub(channel)
    reported = 0
    for start in range(0, len(rows), PURGES_PER_REPORT):
        chunk = rows[start : start + PURGES_PER_REPORT]
        report = records_pb2.PurgeReport(purges=[
            records_pb2.NodePurge(purge_id=p, purged_at=at, cutoff=c, retention_months=m,
                                  sightings=n) for p, at, c, m, n in chunk])
        try:
            stub.ReportPurges(report, timeout=timeout_s)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise
            return PurgeReporting(reported, len(rows) - reported,
                                  describe_rpc_error(error, peer))
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with store.db.conn:
            store.db.conn.executemany("UPDATE purge_log SET reported_at = ? WHERE purge_id = ?",
                                      [(stamp, row[0]) for row in chunk])
        reported += len(chunk)
    return PurgeReporting(reported, 0)


class LeftOut(NamedTuple):
    """Why a valid row is not stored: by design, not by error."""
    field: str
    reason: str
    kind: str  # how the import counts it: PAST_RETENTION or WITHDRAWN_CASE


Refusal = Callable[[ParsedSighting], LeftOut | None]


TOO_OLD = "older than the retention period"
PAST_RETENTION = "past the retention period"
WITHDRAWN_CASE = "withdrawn"


def refusal(store: NodeStore, today: dt.date, months: int) -> Refusal:
    """For the importer: why a parsed row may not be stored, or None."""
    create_tables(store)
    cutoff = months_before(today, months)
    withdrawn = {(case_ref, day): on for case_ref, day, on in store.db.execute(
        "SELECT case_ref, observed_on, withdrawn_on FROM withdrawn_cases")}

    def check(parsed: ParsedSighting) -> LeftOut | None:
        if parsed.observed_on <= cutoff:
            return LeftOut("observed_on", f"{TOO_OLD} ({months} months, cutoff {cutoff}); "
                                          "not kept", PAST_RETENTION)
        on = withdrawn.get((parsed.case_ref, parsed.observed_on.isoformat()))
        if on is not None:
            return LeftOut("case_ref", f"{parsed.case_ref!r} of "
                                       f"{parsed.observed_on.isoformat()} was withdrawn on "
                                       f"{on}; not imported again", WITHDRAWN_CASE)
        return None

    return check

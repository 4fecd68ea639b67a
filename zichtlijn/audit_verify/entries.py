"""The log's entries, read in order: each checked to be a canonical entry and added to the
recomputed Merkle tree, and what the later checks need collected from it (uploads, link runs
and relinks, removals, alerts, revoked certificates, log key changes, the newest record of
the persons); the signatures they carry go to the signature checker as they are read."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import sqlite3
from typing import NamedTuple

from linkage import merkle
from zichtlijn import audit_alerts
from zichtlijn.audit_alerts import AlertLog, MalformedAlertEntry
from zichtlijn.audit_contents import Contents
from zichtlijn.audit_log_keys import ACTION as KEY_CHANGE
from zichtlijn.audit_log_keys import KeyChange, MalformedKeyChange, read_change
from zichtlijn.audit_removals import ACTIONS as REMOVAL_ACTIONS
from zichtlijn.audit_removals import MalformedRemoval, Removals
from zichtlijn.audit_requests import ACTIONS as REQUEST_ACTIONS
from zichtlijn.audit_requests import WHAT as REQUEST_WHAT
from zichtlijn.audit_requests import MalformedRequest
from zichtlijn.audit_verify.report import RECONCILE, SIGNATURE, Report
from zichtlijn.audit_verify.signatures import _SignatureChecker
from zichtlijn.certsign import CERTIFICATE_REVOKED

READ_ROWS = 20_000
#: the field of an entry (and the export's meta) recording who is linked with whom, as the
#: hub writes it (hub/partition.py): a SHA-256 in hex
PARTITION = "partition"
_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _within_a_day(earlier: str, later: str) -> bool:
    try:
        gap = dt.datetime.fromisoformat(later) - dt.datetime.fromisoformat(earlier)
    except ValueError:
        return False
    return gap <= dt.timedelta(days=1)


class _Upload(NamedTuple):  # a NamedTuple: a million of them are built in a large audit
    index: int
    gemeente: str
    batch: bytes
    sightings: int
    accepted: int
    already_present: int
    cert: str | None
    signature: bytes | None
    at: str  # when the hub took it (the entry's time)


# one encoder for all entries: json.dumps with options builds a new one per call
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _canonical(value: object) -> bytes:
    """The bytes hub.audit_log.encode_entry would write for this value."""
    return _CANONICAL.encode(value).encode()


class _EntryReader:
    """Reads entries in order, builds the tree, collects what reconciliation needs."""

    def __init__(self, report: Report, signatures: _SignatureChecker) -> None:
        self.report = report
        self.signatures = signatures
        self.tree = merkle.MemoryTree()
        self.uploads: dict[bytes, _Upload] = {}
        self.linked_since_relink = 0
        self.last_relink: int | None = None
        self.removals = Removals()
        self.contents = Contents()  # each corrected sighting's content, entry by entry
        self.alerts = AlertLog()
        self.key_changes: list[KeyChange] = []
        self.revoked_by: dict[str, int] = {}  # certificate SHA-256 hex -> revoking entry
        # (index, digest) of the newest entry recording who is linked with whom
        self.partition: tuple[int, str] | None = None
        # (version, index) of the first entry of the highest entry version met so far
        self.newest_version: tuple[int, int] | None = None

    def read(self, conn: sqlite3.Connection) -> None:
        expected = 0
        cursor = conn.execute("SELECT idx, entry FROM entries ORDER BY idx, rowid")
        while rows := cursor.fetchmany(READ_ROWS):
            raws = []
            for idx, raw in rows:
                raw = bytes(raw)
                if idx != expected:
                    if idx > expected:
                        self.report.add(f"entry #{expected} is missing from the log (the next "
                                        f"entry is #{idx})", expected)
                    else:
                        self.report.add(f"entry #{idx} appears more than once", idx)
                self._entry(expected, raw)
                raws.append(raw)
                expected += 1
            self.tree.append_entries(raws)
        self.report.entries = expected

    def _entry(self, index: int, raw: bytes) -> None:
        try:
            entry = json.loads(raw.decode("ascii"))
        except ValueError:  # UnicodeDecodeError included: entries are ASCII
            self.report.add(f"entry #{index} is not JSON", index)
            return
        if (not isinstance(entry, dict) or not isinstance(entry.get("action"), str)
                or not isinstance(entry.get("actor"), str) or not isinstance(entry.get("at"), str)
                or _canonical(entry) != raw):
            self.report.add(f"entry #{index} is not a canonical log entry", index)
            return
        action = entry["action"]
        self.report.actions[action] += 1
        version = entry.get("v")
        if not isinstance(version, int) or isinstance(version, bool):
            self.report.add(f"entry #{index}: {action} entry is malformed", index)
            return
        if self.newest_version is not None and version < self.newest_version[0]:
            newest, at = self.newest_version
            self.report.add(f"entry #{index}: {action} written as entry version {version} "
                            f"after entry #{at} of version {newest}, which a hub's release "
                            "never does (written by hand?)", index, RECONCILE)
        elif self.newest_version is None or version > self.newest_version[0]:
            self.newest_version = (version, index)
        if PARTITION in entry:
            value = entry[PARTITION]
            if isinstance(value, str) and _HEX_DIGEST.match(value):
                self.partition = (index, value)
            else:
                self.report.add(f"entry #{index}: {action} entry is malformed", index)
        if action in REQUEST_ACTIONS:  # also a removal (withdraw, correct): both apply
            self._request(index, action, entry)
            for problem in self.contents.read(index, action, entry):
                self.report.add(problem, index, RECONCILE)
        if action == "upload":
            self._upload(index, entry)
        elif action == "link_run":
            new = entry.get("new_sightings")
            if not isinstance(new, int) or new < 0:
                self.report.add(f"entry #{index}: link run without a count of new sightings",
                                index)
            elif new == 0:
                # the linker logs a run only when it links something: a run of none that
                # records persons moved them without the linker (written into hub.db)
                self.report.add(f"entry #{index}: link run of no new sightings, which the "
                                "linker never logs (written outside the linker?)", index,
                                RECONCILE)
            else:
                self.linked_since_relink += new
                self.report.link_runs += 1
        elif action == "relink":
            self.linked_since_relink = 0
            self.last_relink = index
            self.removals.relinked()
        elif action in REMOVAL_ACTIONS:
            try:
                self.removals.read(action, entry)
            except MalformedRemoval:
                self.report.add(f"entry #{index}: {action} entry is malformed", index)
            else:
                self._soon_withdrawn(action, entry)
        elif action in audit_alerts.ACTIONS:
            self._alert(index, action, entry)
        elif action == CERTIFICATE_REVOKED:
            certificate = entry.get("certificate")
            if isinstance(certificate, str):
                self.revoked_by.setdefault(certificate, index)
            else:
                self.report.add(f"entry #{index}: {action} entry is malformed", index)
        elif action == KEY_CHANGE:
            try:
                self.key_changes.append(read_change(index, entry))
            except MalformedKeyChange:
                self.report.add(f"entry #{index}: {action} entry is malformed", index)

    def _soon_withdrawn(self, action: str, entry: dict) -> None:
        """Count a sighting its node withdrew within a day of uploading it: how a node
        would read whether a made-up sighting joins an alert (README "Who sees what")."""
        if action != "withdraw" or entry.get("removed") is not True:
            return
        upload = self.uploads.get(bytes.fromhex(entry["batch"]))
        if upload is not None and _within_a_day(upload.at, entry["at"]):
            gemeente = entry["actor"].removeprefix("node:")
            self.report.soon_withdrawn[gemeente] += 1
            # the person's own request is told apart (the privacy officer's review: a
            # lawful erasure read as a possible probe); the node states the reason itself
            if entry.get("reason") == "erasure_request":
                self.report.soon_erased[gemeente] += 1

    def _alert(self, index: int, action: str, entry: dict) -> None:
        try:
            problem = self.alerts.read(index, action, entry)
        except MalformedAlertEntry:
            problem = f"entry #{index}: {action} entry is malformed"
        if problem is not None:
            self.report.add(problem, index, RECONCILE)

    def _request(self, index: int, action: str, entry: dict) -> None:
        """A withdrawal or correction, or a RIEC's decision on an alert: its principal's
        signature over it, checked as an upload's is; one without where the hub would
        have refused it unsigned is reported."""
        try:
            signed, problems = self.report.requests.read(index, action, entry)
        except MalformedRequest:
            self.report.add(f"entry #{index}: {action} entry is malformed", index)
            return
        for problem in problems:
            self.report.add(problem, index, SIGNATURE)
        if signed is None:
            return
        what = REQUEST_WHAT[action]
        if signed.cert in self.revoked_by:
            self.report.add(f"entry #{index}: {what} signed with certificate "
                            f"{signed.cert[:16]}, which entry "
                            f"#{self.revoked_by[signed.cert]} revoked", index)
        self.signatures.check(index, signed.principal, what, signed.cert, signed.statement,
                              signed.signature)

    def _upload(self, index: int, entry: dict) -> None:
        actor = entry["actor"]
        try:
            batch = bytes.fromhex(entry["batch"])
            counts = [entry["sightings"], entry["accepted"], entry["already_present"]]
            if len(batch) != 32 or not all(isinstance(c, int) and c >= 0 for c in counts):
                raise ValueError
            signature = (base64.b64decode(entry["node_sig"], validate=True)
                         if "node_sig" in entry else None)
        except (KeyError, TypeError, ValueError, binascii.Error):
            self.report.add(f"entry #{index}: upload entry is malformed", index)
            return
        if not actor.startswith("node:"):
            self.report.add(f"entry #{index}: upload by {actor}, which is not a node", index)
            return
        earlier = self.uploads.get(batch)
        if earlier is not None:
            self.report.add(f"entry #{index}: batch {batch.hex()[:16]} was already logged by "
                            f"entry #{earlier.index}", index)
            return
        if entry.get("node_cert") in self.revoked_by:
            self.report.add(f"entry #{index}: upload signed with certificate "
                            f"{entry['node_cert'][:16]}, which entry "
                            f"#{self.revoked_by[entry['node_cert']]} revoked", index)
        upload = _Upload(index, actor.removeprefix("node:"), batch, *counts,
                         entry.get("node_cert"), signature, entry["at"])
        self.uploads[batch] = upload
        self.signatures.add(upload)

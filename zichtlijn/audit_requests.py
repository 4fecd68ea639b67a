"""Signed requests as the log records them: a node's withdrawals and corrections, a
RIEC's decisions on alerts.

An upload entry carries the node's signature over its batch; since 2026-12-07
so do `withdraw`, `correct` and `correct_refused` entries (`node_sig`,
`node_cert`), over the statement of zichtlijn/certsign.py that names the
gemeente, the sighting (the entry's `sighting`, a digest of its UUID) and the
reason (withdrawal) or the corrected sighting's digest (`new_digest`). The
statement is rebuilt from the entry alone, so `audit verify` can check it
offline. Without it, a hub insider could run the hub's own code on hub.db and
log a withdrawal or correction under any municipality's name (a red-team
finding of 2026-12-07): the entry, the relinks and the alert changes looked
real to every check.

Entries written before nodes signed carry no signature, so one without is
not wrong in itself; but a hub that logs a signed one refuses every request
unsigned, so an unsigned entry after the first signed one, of whichever
node, was not written by the hub's service for a node's request. (Stricter
than "after a signed one of the same node": a town that has withdrawn
nothing since the upgrade is covered too. A hub rolled back to a release
before 2026-12-07 would log unsigned ones again, and be reported.)

A RIEC's decisions (`alert_acknowledged`, `alert_closed`, `alert_reopened` by
`riec:<region>`) carry its signature too (`riec_sig`, `riec_cert`), over the
region, the alert, the action, the reason and the time it decided
(`decided_at`), every entry of version 3 or later (2026-12-07), and every
`alert_reopened` of any version (no release logged one unsigned): a decision
the hub made up, or replayed long after the RIEC signed it, is reported.

Since entry version 4 (2026-12-08) a node signs its withdrawals and corrections
with the time it decided them (`decided_at`) and a correction with the content
digest it replaces (`replaces`): a crypto review replayed a node's old signed
correction, copied out of the log, after the node had corrected the sighting
again, and every check passed. Such an entry is checked against its own time
(at most 10 minutes apart, as the hub accepts), a correction against the
content the log left the sighting with and the time of its previous correction
(`Contents`); an entry of version 4 or later signed in the older form is
reported, and so, in entries of any version, is a node's signature that stands
in the log twice (a node signs each request afresh, with a fresh ECDSA nonce,
so the same statement with the same signature is a copy).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from zichtlijn.certsign import (
    correct_statement,
    correct_statement_v1,
    decision_statement,
    read_request_time,
    withdraw_statement,
    withdraw_statement_v1,
)
from zichtlijn.riec_requests import CLOCK_SKEW

#: the entries a node's signed request writes
NODE_ACTIONS = ("withdraw", "correct", "correct_refused")
#: the entries a RIEC's signed decision writes (alert_closed also when the hub closes an
#: alert whose evidence left: actor hub:hub, nothing to sign)
DECISION_ACTIONS = ("alert_acknowledged", "alert_closed", "alert_reopened")
#: decisions that came with signed decisions, so were never logged without a signature
ALWAYS_SIGNED = ("alert_reopened",)
ACTIONS = NODE_ACTIONS + DECISION_ACTIONS
#: the entry version (hub/audit_log.py ENTRY_VERSION) from which they always carry it
SIGNED_FROM_VERSION = 2
DECISIONS_SIGNED_FROM_VERSION = 3
#: from which a node signs them with the time it decided them, and a correction with the
#: content digest it replaces (certsign's /v2 statements, 2026-12-08)
TIMED_FROM_VERSION = 4

#: how a problem names each kind
WHAT = {"withdraw": "withdrawal", "correct": "correction", "correct_refused": "correction",
        "alert_acknowledged": "acknowledgement", "alert_closed": "closing",
        "alert_reopened": "reopening"}


class MalformedRequest(ValueError):
    pass


class Signed(NamedTuple):
    principal: str  # node:<gemeente> or riec:<region>
    cert: str  # SHA-256 of the certificate, hex, as the entry names it
    statement: bytes  # what the principal must have signed
    signature: bytes


def _hex_digest(value: object) -> bytes:
    if not isinstance(value, str):
        raise MalformedRequest
    digest = bytes.fromhex(value)
    if len(digest) != 32:
        raise MalformedRequest
    return digest


def _statement(action: str, gemeente: str, entry: dict) -> bytes:
    """The statement the node signed, rebuilt from the entry: in the form with its time
    (and a correction's old digest) when the entry carries `decided_at`, else as nodes
    signed before entry version 4."""
    sighting = entry.get("sighting")
    if not isinstance(sighting, str):
        raise MalformedRequest
    timed = "decided_at" in entry
    decided_at = entry.get("decided_at")
    if timed and not isinstance(decided_at, str):
        raise MalformedRequest
    if action == "withdraw":
        reason = entry.get("reason")
        if not isinstance(reason, str):
            raise MalformedRequest
        if timed:
            return withdraw_statement(gemeente, sighting, reason, decided_at)
        return withdraw_statement_v1(gemeente, sighting, reason)
    new_digest = _hex_digest(entry.get("new_digest"))
    if timed:
        return correct_statement(gemeente, sighting, _hex_digest(entry.get("replaces")),
                                 new_digest, decided_at)
    return correct_statement_v1(gemeente, sighting, new_digest)


def _nonce_part(signature: bytes) -> bytes:
    """What two copies of one ECDSA signature share: its r, which comes from the signer's
    random nonce (s can be negated into another valid signature without the key)."""
    try:
        r, _ = decode_dss_signature(signature)
    except ValueError:
        return signature
    return r.to_bytes((r.bit_length() + 7) // 8 or 1, "big")


@dataclass
class SignedRequests:
    """Reads the entries of ACTIONS in log order; counts by WHAT (withdrawal, correction,
    acknowledgement, closing)."""

    signed: Counter = field(default_factory=Counter)  # entries carrying their signer's
    failed: Counter = field(default_factory=Counter)  # of those, signatures that failed
    unsigned: Counter = field(default_factory=Counter)
    first_signed: int | None = None  # the index of the first signed entry of any node
    # (statement, the signature's r) of each node's signed request -> its first entry
    seen: dict[tuple[bytes, bytes], int] = field(default_factory=dict)

    def read(self, index: int, action: str, entry: dict) -> tuple[Signed | None, list[str]]:
        """The signature to check, if the entry carries one, and the problems found.
        Raises MalformedRequest."""
        actor = entry["actor"]
        if action in DECISION_ACTIONS:
            return self._decision(index, action, actor, entry)
        if not actor.startswith("node:"):
            return None, [f"entry #{index}: {action} by {actor}, which is not a node"]
        gemeente = actor.removeprefix("node:")
        what = WHAT[action]
        if "node_sig" not in entry and "node_cert" not in entry:
            self.unsigned[what] += 1
            if entry.get("v", 1) >= SIGNED_FROM_VERSION:
                return None, [f"entry #{index}: {what} by {actor} carries no signature of "
                              f"the node, though every entry of version "
                              f"{SIGNED_FROM_VERSION} or later does: the node did not ask "
                              "for it"]
            if self.first_signed is None:
                return None, []  # written before nodes signed their requests
            return None, [f"entry #{index}: {what} by {actor} carries no signature of the "
                          f"node, though every withdrawal and correction since entry "
                          f"#{self.first_signed} must (the hub refuses one unsigned): the "
                          "node did not ask for it"]
        try:
            cert, sig = entry["node_cert"], entry["node_sig"]
            if not isinstance(cert, str) or not isinstance(sig, str):
                raise MalformedRequest
            signature = base64.b64decode(sig, validate=True)
            statement = _statement(action, gemeente, entry)
            gap = (abs(dt.datetime.fromisoformat(entry["at"])
                       - read_request_time(entry["decided_at"]))
                   if "decided_at" in entry else None)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:  # fromhex, time
            raise MalformedRequest from exc
        self.signed[what] += 1
        if self.first_signed is None:
            self.first_signed = index
        problems = []
        copy = (statement, _nonce_part(signature))
        if copy in self.seen:
            problems.append(f"entry #{index}: {what} by {actor} carries the node's signed "
                            f"request of entry #{self.seen[copy]} again (the same statement "
                            "and signature): a request replayed at the hub")
        else:
            self.seen[copy] = index
        if gap is None and entry.get("v", 1) >= TIMED_FROM_VERSION:
            # the older statement proves who asked, not when: the form a replay of a
            # signature copied from an entry of before would have to take
            self.failed[what] += 1
            replaces = " and the content it replaces" if action != "withdraw" else ""
            problems.append(f"entry #{index}: {what} by {actor} is signed without the time "
                            f"the node decided it{replaces}, though every entry of version "
                            f"{TIMED_FROM_VERSION} or later is: an old signature replayed "
                            "at the hub?")
            return None, problems
        if gap is not None and gap > CLOCK_SKEW:
            problems.append(f"entry #{index}: {what} by {actor} logged at {entry['at']} but "
                            f"decided at {entry['decided_at']}, further apart than a hub "
                            f"accepts: a {what} replayed at the hub?")
        return Signed(actor, cert, statement, signature), problems

    def _decision(self, index: int, action: str, actor: str,
                  entry: dict) -> tuple[Signed | None, list[str]]:
        if action == "alert_closed" and actor == "hub:hub":
            return None, []  # the hub's own closing (evidence withdrawn), signed by no one
        what = WHAT[action]
        if not actor.startswith("riec:"):
            return None, [f"entry #{index}: {what} of an alert by {actor}, which is not "
                          "a RIEC"]
        if "riec_sig" not in entry and "riec_cert" not in entry:
            self.unsigned[what] += 1
            if action in ALWAYS_SIGNED:
                return None, [f"entry #{index}: {what} by {actor} carries no signature of "
                              f"the RIEC, though every {action} entry does: the RIEC did "
                              "not decide it"]
            if entry.get("v", 1) < DECISIONS_SIGNED_FROM_VERSION:
                return None, []  # written before RIECs signed their decisions
            return None, [f"entry #{index}: {what} by {actor} carries no signature of the "
                          f"RIEC, though every entry of version {DECISIONS_SIGNED_FROM_VERSION}"
                          " or later does: the RIEC did not decide it"]
        try:
            cert, sig, decided_at = entry["riec_cert"], entry["riec_sig"], entry["decided_at"]
            alert, reason = entry["alert"], entry.get("reason", "")
            if not all(isinstance(v, str) for v in (cert, sig, decided_at, alert, reason)):
                raise MalformedRequest
            signature = base64.b64decode(sig, validate=True)
            gap = abs(dt.datetime.fromisoformat(entry["at"])
                      - dt.datetime.fromisoformat(decided_at))
            statement = decision_statement(actor.removeprefix("riec:"), alert,
                                           action.removeprefix("alert_"), reason, decided_at)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise MalformedRequest from exc
        self.signed[what] += 1
        problems = []
        if gap > CLOCK_SKEW:
            problems.append(f"entry #{index}: {what} by {actor} logged at {entry['at']} but "
                            f"decided at {decided_at}, further apart than a hub accepts: a "
                            "decision replayed at the hub?")
        return Signed(actor, cert, statement, signature), problems

    def summary(self) -> str:
        """How many withdrawals and corrections (a correction refused for the hour's
        budget among them) carry a signature of their node that verifies."""
        by_node = [f"{self.signed[what] + self.unsigned[what]} {what}s, "
                   f"{self.signed[what] - self.failed[what]} node-signed"
                   for what in ("withdrawal", "correction")]
        decisions = ("acknowledgement", "closing", "reopening")
        made = sum(self.signed[what] + self.unsigned[what] for what in decisions)
        signed = sum(self.signed[what] - self.failed[what] for what in decisions)
        return "; ".join([*by_node, f"{made} RIEC decisions, {signed} RIEC-signed"])

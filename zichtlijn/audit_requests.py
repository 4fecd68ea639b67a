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
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from zichtlijn.certsign import correct_statement, decision_statement, withdraw_statement
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


def _statement(action: str, gemeente: str, entry: dict) -> bytes:
    sighting = entry.get("sighting")
    if not isinstance(sighting, str):
        raise MalformedRequest
    if action == "withdraw":
        reason = entry.get("reason")
        if not isinstance(reason, str):
            raise MalformedRequest
        return withdraw_statement(gemeente, sighting, reason)
    digest = entry.get("new_digest")
    if not isinstance(digest, str):
        raise MalformedRequest
    return correct_statement(gemeente, sighting, bytes.fromhex(digest))


@dataclass
class SignedRequests:
    """Reads the entries of ACTIONS in log order; counts by WHAT (withdrawal, correction,
    acknowledgement, closing)."""

    signed: Counter = field(default_factory=Counter)  # entries carrying their signer's
    failed: Counter = field(default_factory=Counter)  # of those, signatures that failed
    unsigned: Counter = field(default_factory=Counter)
    first_signed: int | None = None  # the index of the first signed entry of any node

    def read(self, index: int, action: str, entry: dict) -> tuple[Signed | None, str | None]:
        """The signature to check, if the entry carries one, and a problem, if any.
        Raises MalformedRequest."""
        actor = entry["actor"]
        if action in DECISION_ACTIONS:
            return self._decision(index, action, actor, entry)
        if not actor.startswith("node:"):
            return None, f"entry #{index}: {action} by {actor}, which is not a node"
        gemeente = actor.removeprefix("node:")
        what = WHAT[action]
        if "node_sig" not in entry and "node_cert" not in entry:
            self.unsigned[what] += 1
            if entry.get("v", 1) >= SIGNED_FROM_VERSION:
                return None, (f"entry #{index}: {what} by {actor} carries no signature of "
                              f"the node, though every entry of version "
                              f"{SIGNED_FROM_VERSION} or later does: the node did not ask "
                              "for it")
            if self.first_signed is None:
                return None, None  # written before nodes signed their requests
            return None, (f"entry #{index}: {what} by {actor} carries no signature of the "
                          f"node, though every withdrawal and correction since entry "
                          f"#{self.first_signed} must (the hub refuses one unsigned): the "
                          "node did not ask for it")
        try:
            cert, sig = entry["node_cert"], entry["node_sig"]
            if not isinstance(cert, str) or not isinstance(sig, str):
                raise MalformedRequest
            signature = base64.b64decode(sig, validate=True)
            statement = _statement(action, gemeente, entry)
        except (KeyError, ValueError, binascii.Error) as exc:  # bytes.fromhex, statement
            raise MalformedRequest from exc
        self.signed[what] += 1
        if self.first_signed is None:
            self.first_signed = index
        return Signed(actor, cert, statement, signature), None

    def _decision(self, index: int, action: str, actor: str,
                  entry: dict) -> tuple[Signed | None, str | None]:
        if action == "alert_closed" and actor == "hub:hub":
            return None, None  # the hub's own closing (evidence withdrawn), signed by no one
        what = WHAT[action]
        if not actor.startswith("riec:"):
            return None, f"entry #{index}: {what} of an alert by {actor}, which is not a RIEC"
        if "riec_sig" not in entry and "riec_cert" not in entry:
            self.unsigned[what] += 1
            if action in ALWAYS_SIGNED:
                return None, (f"entry #{index}: {what} by {actor} carries no signature of "
                              f"the RIEC, though every {action} entry does: the RIEC did "
                              "not decide it")
            if entry.get("v", 1) < DECISIONS_SIGNED_FROM_VERSION:
                return None, None  # written before RIECs signed their decisions
            return None, (f"entry #{index}: {what} by {actor} carries no signature of the "
                          f"RIEC, though every entry of version {DECISIONS_SIGNED_FROM_VERSION}"
                          " or later does: the RIEC did not decide it")
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
        problem = None
        if gap > CLOCK_SKEW:
            problem = (f"entry #{index}: {what} by {actor} logged at {entry['at']} but "
                       f"decided at {decided_at}, further apart than a hub accepts: a "
                       "decision replayed at the hub?")
        return Signed(actor, cert, statement, signature), problem

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

"""The node's own signature on its withdrawals and corrections, as the log records them.

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
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from zichtlijn.certsign import correct_statement, withdraw_statement

#: the entries a node's signed request writes
ACTIONS = ("withdraw", "correct", "correct_refused")
#: the entry version (hub/audit_log.py ENTRY_VERSION) from which they always carry it
SIGNED_FROM_VERSION = 2

#: how a problem names each kind
WHAT = {"withdraw": "withdrawal", "correct": "correction", "correct_refused": "correction"}


class MalformedRequest(ValueError):
    pass


class Signed(NamedTuple):
    gemeente: str
    cert: str  # SHA-256 of the certificate, hex, as the entry names it
    statement: bytes  # what the node must have signed
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
class NodeRequests:
    """Reads the entries of ACTIONS in log order; counts by WHAT (withdrawal, correction)."""

    signed: Counter = field(default_factory=Counter)  # entries carrying a node signature
    failed: Counter = field(default_factory=Counter)  # of those, signatures that failed
    unsigned: Counter = field(default_factory=Counter)
    first_signed: int | None = None  # the index of the first signed entry of any node

    def read(self, index: int, action: str, entry: dict) -> tuple[Signed | None, str | None]:
        """The signature to check, if the entry carries one, and a problem, if any.
        Raises MalformedRequest."""
        actor = entry["actor"]
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
        return Signed(gemeente, cert, statement, signature), None

    def summary(self) -> str:
        """How many withdrawals and corrections (a correction refused for the hour's
        budget among them) carry a signature of their node that verifies."""
        return "; ".join(
            f"{self.signed[what] + self.unsigned[what]} {what}s, "
            f"{self.signed[what] - self.failed[what]} node-signed"
            for what in ("withdrawal", "correction"))

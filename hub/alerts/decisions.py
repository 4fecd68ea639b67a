"""A RIEC's signed decision (acknowledge, close, reopen), checked before the hub acts on it.

The RIEC signs region, alert, action, reason and the time it decided with the
key of its client certificate (zichtlijn/riec_requests.py). The hub checks the
signature against the certificate of the call, and the time against its own
clock, then logs both with the entry (`decided_at`, `riec_cert`, `riec_sig`)
and keeps the certificate for the export. So `audit verify` can tell a RIEC's
decision from one a hub insider wrote under the RIEC's name, and a decision
signed once cannot be replayed weeks later, after new evidence (or the RIEC)
reopened the alert: its time would be weeks before its entry's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from cryptography import x509

from hub import upload_records
from zichtlijn.certsign import decision_statement, verify_statement
from zichtlijn.riec_requests import clock_gap, read_decision_time

#: a decision as the log names it (alert_<action>) -> how a message names it
DECISION_NAMES = {"acknowledged": "acknowledgement", "closed": "closing",
                  "reopened": "reopening"}


class DecisionRefused(ValueError):
    """The decision is not acted on; `invalid` is False where the request was well formed
    but the client's clock is off (FAILED_PRECONDITION rather than INVALID_ARGUMENT)."""

    def __init__(self, message: str, invalid: bool = True) -> None:
        super().__init__(message)
        self.invalid = invalid


@dataclass(frozen=True)
class SignedDecision:
    cert: x509.Certificate
    decided_at: str
    signature: bytes

    def fields(self, conn: sqlite3.Connection, principal: str) -> dict[str, str]:
        """The entry's fields; keeps the certificate for the export, in the transaction
        of the entry."""
        upload_records.record_certificate(conn, principal, self.cert)
        return {"decided_at": self.decided_at,
                **upload_records.signature_fields("riec", self.cert, self.signature)}


def check_decision(cert: x509.Certificate, region: str, alert_id: str, action: str,
                   reason: str, decided_at: str, signature: bytes,
                   now: dt.datetime) -> SignedDecision:
    """The decision, if `signature` is the RIEC's over it and it was decided about now;
    raises DecisionRefused with one line saying what to do otherwise."""
    what = DECISION_NAMES[action]
    if not signature:
        raise DecisionRefused(f"an alert's {what} needs the RIEC's riec_signature (a RIEC "
                              "client older than this hub sends none: upgrade it); nothing "
                              "was changed")
    try:
        at = read_decision_time(decided_at)
    except ValueError as exc:
        raise DecisionRefused(f"decided_at: {exc}; nothing was changed") from None
    if gap := clock_gap(at, now):
        raise DecisionRefused(f"{gap}: set this computer's clock right (NTP) and decide "
                              "again; nothing was changed", invalid=False)
    if not verify_statement(cert, decision_statement(region, alert_id, action, reason,
                                                     decided_at), signature):
        raise DecisionRefused(f"riec_signature does not verify with the client certificate "
                              f"of riec:{region} for this {what}; nothing was changed")
    return SignedDecision(cert, decided_at, signature)

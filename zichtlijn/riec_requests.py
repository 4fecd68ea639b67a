"""A RIEC's decisions on alerts as signed requests to the hub's AlertService.

The RIEC client signs each acknowledgement, closing and reopening with the key of its
certificate (certsign.decision_statement); the hub checks it against the same
certificate and logs it, so `audit verify` can tell the RIEC's decisions from
ones a hub insider made up (hub/alerts/decisions.py checks them at the hub).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from zichtlijn.certsign import decision_statement, load_signing_key, sign_statement
from zichtlijn.transport import TlsFiles
from zichtlijn.v1 import alerts_pb2

#: how far a decision's time may be from the hub's clock when it arrives (and from its
#: entry's time, for `audit verify`): a call's deadline and the drift of two clocks kept
#: by NTP fit well inside; a replay of an older decision does not
CLOCK_SKEW = dt.timedelta(minutes=10)

#: the client's action (riec_decisions.ACKNOWLEDGE, CLOSE, REOPEN) -> the action the log
#: names
LOGGED_ACTION = {"acknowledge": "acknowledged", "close": "closed", "reopen": "reopened"}

DecisionRequest = (alerts_pb2.AcknowledgeAlertRequest | alerts_pb2.CloseAlertRequest
                   | alerts_pb2.ReopenAlertRequest)


def clock_gap(at: dt.datetime, now: dt.datetime) -> str | None:
    """How far a request's `decided_at` is from the hub's clock, in words, when further
    than CLOCK_SKEW (a RIEC's decision and a node's withdrawal or correction alike); None
    when it is about now."""
    off = at - now
    if abs(off) <= CLOCK_SKEW:
        return None
    minutes = round(off.total_seconds() / 60)
    return (f"decided_at is {abs(minutes)} minutes {'ahead of' if minutes > 0 else 'behind'} "
            f"the hub's clock (at most {CLOCK_SKEW.seconds // 60} either way)")


def decision_time(now: dt.datetime | None = None) -> str:
    """UTC to the second, written as the log writes its times."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")


def read_decision_time(text: str) -> dt.datetime:
    """The time of a decision as `decision_time` writes it; raises ValueError for any
    other form (one time has one form, so a signed statement has one reading)."""
    at = dt.datetime.fromisoformat(text)
    if at.tzinfo is None or decision_time(at) != text:
        raise ValueError(f"{text[:40]!r} is not a UTC time like 2026-12-07T15:04:05+00:00")
    return at


def signed_request(key: ec.EllipticCurvePrivateKey, region: str, alert_id: str, action: str,
                   reason: str = "", decided_at: str | None = None) -> DecisionRequest:
    """The request that acknowledges (`acknowledge`), closes (`close`, with a reason) or
    reopens (`reopen`, with a reason) `alert_id` for `region`, signed now (or at
    `decided_at`)."""
    decided_at = decided_at or decision_time()
    signature = sign_statement(key, decision_statement(region, alert_id, LOGGED_ACTION[action],
                                                       reason, decided_at))
    if action == "close":
        return alerts_pb2.CloseAlertRequest(alert_id=alert_id, reason=reason,
                                            decided_at=decided_at, riec_signature=signature)
    if action == "reopen":
        return alerts_pb2.ReopenAlertRequest(alert_id=alert_id, reason=reason,
                                             decided_at=decided_at, riec_signature=signature)
    return alerts_pb2.AcknowledgeAlertRequest(alert_id=alert_id, decided_at=decided_at,
                                              riec_signature=signature)


@dataclass(frozen=True)
class DecisionSigner:
    """Signs the decisions of the RIEC whose certificate and key the client holds."""

    region: str
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def of(cls, tls: TlsFiles) -> DecisionSigner:
        """Raises CertificateKeyError for a key that cannot sign (not an EC key)."""
        _, _, key_pem = tls.read()
        return cls(tls.principal().name, load_signing_key(key_pem))

    def request(self, alert_id: str, action: str, reason: str = "",
                decided_at: str | None = None) -> DecisionRequest:
        return signed_request(self.key, self.region, alert_id, action, reason, decided_at)

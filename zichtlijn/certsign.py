"""Statements a principal signs with its certificate's key: a node's upload batches,
withdrawals and corrections, a RIEC's decisions on alerts.

The hub logs each upload, withdrawal and correction with the node's own
signature over it, made with the private key of the node's (CA-issued) TLS
certificate, so an auditor can tell a change the node asked for from one the
hub invented: the hub holds the certificate but never the key. Each
statement starts with a fixed, versioned label of its own so that a
signature over it can never be mistaken for a TLS handshake signature, nor
for a statement of another kind (a batch signature never stands for a
withdrawal). A withdrawal or correction names the sighting by
:func:`sighting_ref`, the digest of its UUID the log entry carries, so an
auditor can check the signature from the entry alone. A RIEC signs each
acknowledgement, closing and reopening of an alert the same way, with the time it
decided, so a decision cannot be made up at the hub nor replayed there later.

Withdrawals and corrections are signed with the time the node decided them too
(`request_time`, to the microsecond), and a correction with the content digest it
replaces, since the /v2 labels (entry version 4): a crypto review found that a
correction signed as (gemeente, sighting, new digest) stayed valid for ever, so a
hub insider could put a sighting back to content its node had corrected away by
copying the node's old signature out of the log. The /v1 forms are kept to check
the entries written before (`withdraw_statement_v1`, `correct_statement_v1`).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = [
    "CertificateKeyError",
    "batch_statement",
    "certificate_sha256",
    "correct_statement",
    "correct_statement_v1",
    "decision_statement",
    "load_signing_key",
    "read_request_time",
    "request_time",
    "sighting_ref",
    "sign_batch",
    "sign_statement",
    "verify_batch",
    "verify_statement",
    "withdraw_statement",
    "withdraw_statement_v1",
]

_BATCH_LABEL = b"zichtlijn/upload-batch/v1\n"
_WITHDRAW_LABEL_V1 = b"zichtlijn/withdraw-sighting/v1\n"
_CORRECT_LABEL_V1 = b"zichtlijn/correct-sighting/v1\n"
_WITHDRAW_LABEL = b"zichtlijn/withdraw-sighting/v2\n"
_CORRECT_LABEL = b"zichtlijn/correct-sighting/v2\n"
_DECISION_LABEL = b"zichtlijn/alert-decision/v1\n"
_ECDSA = ec.ECDSA(hashes.SHA256())


class CertificateKeyError(ValueError):
    """A key or certificate cannot be used for statements (wrong type, unreadable)."""


#: the log entry of a certificate revoked at the hub (hub/revocation.py); an upload
#: signed with it afterwards is reported by `audit verify`
CERTIFICATE_REVOKED = "certificate_revoked"

def batch_statement(gemeente: str, batch_digest: bytes, sightings: int) -> bytes:
    """What a node signs for one upload: who uploads, which content, how many sightings."""
    if len(batch_digest) != 32:
        raise ValueError("batch digest must be 32 bytes")
    return _BATCH_LABEL + f"{gemeente}\n{batch_digest.hex()}\n{sightings}\n".encode()


def sighting_ref(sighting_uuid: str) -> str:
    """How log entries name a sighting: a digest of its UUID (32 hex digits). Its own
    municipality can recompute it; the log carries no identifier seen in alerts."""
    return hashlib.sha256(b"zichtlijn-audit-sighting\x00" + sighting_uuid.encode()).hexdigest()[:32]


def request_time(now: dt.datetime | None = None) -> str:
    """When a node decides a withdrawal or correction: UTC to the microsecond, one form.

    Finer than a RIEC's second: the hub takes a sighting's corrections only in the order
    of their times (a correction signed before the last one applied is an old one
    replayed), and two corrections of one sighting a second apart are no replay."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(
        timespec="microseconds")


def read_request_time(text: str) -> dt.datetime:
    """The time as `request_time` writes it; raises ValueError for any other form (one
    time has one form, so a signed statement has one reading)."""
    at = dt.datetime.fromisoformat(text)
    if at.tzinfo is None or request_time(at) != text:
        raise ValueError(f"{text[:40]!r} is not a UTC time like "
                         "2026-12-07T15:04:05.123456+00:00")
    return at


def withdraw_statement(gemeente: str, sighting: str, reason: str, decided_at: str) -> bytes:
    """What a node signs to withdraw one sighting: who, which (its `sighting_ref`), why
    (the reason as logged: `recorded_in_error` or `erasure_request`) and when it decided
    (`request_time`). A withdrawal is final, so an old one replayed can only remove what
    the node once wanted gone; the time still binds the signature to the moment, so the
    log cannot show the node asking when it did not (say once more, against the same UUID
    held again after a hub restore, with a time of the hub's choosing)."""
    _check_fields(gemeente, sighting, reason, decided_at)
    return _WITHDRAW_LABEL + f"{gemeente}\n{sighting}\n{reason}\n{decided_at}\n".encode()


def correct_statement(gemeente: str, sighting: str, old_digest: bytes, new_digest: bytes,
                      decided_at: str) -> bytes:
    """What a node signs to correct one sighting: who, which, the content digest it
    replaces (the entry's `replaces`), the digest of the corrected sighting
    (`wire.sighting_digest`, the entry's `new_digest`) and when it decided. The old
    digest ties the signature to the content it was made against, and the time orders it
    among the sighting's corrections: neither an earlier correction nor one signed for
    other content than the hub holds can be applied again."""
    if len(old_digest) != 32 or len(new_digest) != 32:
        raise ValueError("sighting digest must be 32 bytes")
    _check_fields(gemeente, sighting, decided_at)
    return _CORRECT_LABEL + (f"{gemeente}\n{sighting}\n{old_digest.hex()}\n"
                             f"{new_digest.hex()}\n{decided_at}\n").encode()


def withdraw_statement_v1(gemeente: str, sighting: str, reason: str) -> bytes:
    """A withdrawal as nodes signed it before entry version 4: no time, so it proves who
    asked, not when (only for checking the entries of then)."""
    _check_fields(gemeente, sighting, reason)
    return _WITHDRAW_LABEL_V1 + f"{gemeente}\n{sighting}\n{reason}\n".encode()


def correct_statement_v1(gemeente: str, sighting: str, new_digest: bytes) -> bytes:
    """A correction as nodes signed it before entry version 4: who, which and the new
    digest, nothing of what it replaced nor when (only for checking the entries of then)."""
    if len(new_digest) != 32:
        raise ValueError("sighting digest must be 32 bytes")
    _check_fields(gemeente, sighting)
    return _CORRECT_LABEL_V1 + f"{gemeente}\n{sighting}\n{new_digest.hex()}\n".encode()


def decision_statement(region: str, alert_id: str, action: str, reason: str,
                       decided_at: str) -> bytes:
    """What a RIEC signs to act on an alert: which region, which alert, the action as
    logged (`acknowledged`, `closed` or `reopened`), the reason (closing and reopening,
    else empty) and when it decided (RFC 3339 UTC, to the second): the time keeps a hub
    from replaying an old signed decision after the alert was reopened."""
    _check_fields(region, alert_id, action, reason, decided_at)
    return _DECISION_LABEL + f"{region}\n{alert_id}\n{action}\n{reason}\n{decided_at}\n".encode()


def _check_fields(*fields: str) -> None:
    # a newline inside a field would let one statement be read as another
    if any("\n" in field for field in fields):
        raise ValueError("a statement field holds a newline")


def sign_statement(key: ec.EllipticCurvePrivateKey, statement: bytes) -> bytes:
    """DER ECDSA-SHA256 signature over a withdraw, correct or decision statement."""
    return key.sign(statement, _ECDSA)


def verify_statement(cert: x509.Certificate, statement: bytes, signature: bytes) -> bool:
    """Does ``signature`` over ``statement`` verify with the certificate's public key?"""
    public = cert.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return False
    try:
        public.verify(signature, statement, _ECDSA)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_signing_key(pem: bytes) -> ec.EllipticCurvePrivateKey:
    """The node's TLS private key (PEM, unencrypted), which must be an EC key."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise CertificateKeyError(f"private key unreadable: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertificateKeyError("certificate key is not an EC key; statements need ECDSA")
    return key


def sign_batch(key: ec.EllipticCurvePrivateKey, gemeente: str, batch_digest: bytes,
               sightings: int) -> bytes:
    """DER ECDSA-SHA256 signature over :func:`batch_statement`."""
    return key.sign(batch_statement(gemeente, batch_digest, sightings), _ECDSA)


def verify_batch(cert: x509.Certificate, gemeente: str, batch_digest: bytes, sightings: int,
                 signature: bytes) -> bool:
    """Does ``signature`` over the batch statement verify with the certificate's public key?"""
    public = cert.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey) or len(batch_digest) != 32:
        return False
    try:
        public.verify(signature, batch_statement(gemeente, batch_digest, sightings), _ECDSA)
    except (InvalidSignature, ValueError):
        return False
    return True


def certificate_sha256(cert: x509.Certificate) -> bytes:
    """SHA-256 of the DER encoding: how log entries name the certificate that signed."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()

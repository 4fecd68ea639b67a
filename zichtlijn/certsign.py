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
"""

from __future__ import annotations

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
    "decision_statement",
    "load_signing_key",
    "sighting_ref",
    "sign_batch",
    "sign_statement",
    "verify_batch",
    "verify_statement",
    "withdraw_statement",
]

_BATCH_LABEL = b"zichtlijn/upload-batch/v1\n"
_WITHDRAW_LABEL = b"zichtlijn/withdraw-sighting/v1\n"
_CORRECT_LABEL = b"zichtlijn/correct-sighting/v1\n"
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


def withdraw_statement(gemeente: str, sighting: str, reason: str) -> bytes:
    """What a node signs to withdraw one sighting: who, which (its `sighting_ref`), why
    (the reason as logged: `recorded_in_error` or `erasure_request`)."""
    _check_fields(gemeente, sighting, reason)
    return _WITHDRAW_LABEL + f"{gemeente}\n{sighting}\n{reason}\n".encode()


def correct_statement(gemeente: str, sighting: str, new_digest: bytes) -> bytes:
    """What a node signs to correct one sighting: who, which, and the digest of the
    corrected sighting (`wire.sighting_digest`, the entry's `new_digest`), so the hub
    cannot put other content under the node's name."""
    if len(new_digest) != 32:
        raise ValueError("sighting digest must be 32 bytes")
    _check_fields(gemeente, sighting)
    return _CORRECT_LABEL + f"{gemeente}\n{sighting}\n{new_digest.hex()}\n".encode()


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

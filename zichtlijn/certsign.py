"""Statements a principal signs with its certificate's key: a node's upload batches.

The hub logs each upload with the node's own signature over the batch, made
with the private key of the node's (CA-issued) TLS certificate, so an auditor
can tell an upload the node made from one the hub invented: the hub holds
the certificate but never the key. The statement starts with a fixed,
versioned label so that a signature over it can never be mistaken for a TLS
handshake signature or any other use of the same key.
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
    "load_signing_key",
    "sign_batch",
    "verify_batch",
]

_BATCH_LABEL = b"zichtlijn/upload-batch/v1\n"
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

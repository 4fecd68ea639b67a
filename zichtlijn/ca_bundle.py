"""A CA file: one CA certificate, or, while the CA is being replaced, the old and the new.

gRPC reads a bundle of root certificates by itself. What zichtlijn checks on its own (a
node certificate a key package is sealed to, the certificates in an audit export, the
CA's end date) reads every certificate in the file the same way (README "Certificates").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature


class CaBundleError(ValueError):
    """The CA file holds no PEM certificate."""


def read_ca_bundle(path: Path) -> tuple[x509.Certificate, ...]:
    """Every certificate in the file, in its order."""
    try:
        found = tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except ValueError:
        raise CaBundleError(f"{path}: not a PEM certificate") from None
    if not found:
        raise CaBundleError(f"{path}: not a PEM certificate")
    return found


def issued_by_one_of(cert: x509.Certificate, cas: Sequence[x509.Certificate]) -> bool:
    """Whether one of the CAs signed `cert` directly."""
    for ca in cas:
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False

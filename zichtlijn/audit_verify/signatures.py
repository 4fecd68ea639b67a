"""Signatures of nodes and RIECs: the export's certificates checked against the CA, and each
signed upload, withdrawal, correction and decision on an alert verified, in worker processes
while the log is still being read."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from cryptography import x509

from zichtlijn.audit_verify.report import SIGNATURE, Report
from zichtlijn.ca_bundle import issued_by_one_of
from zichtlijn.certsign import batch_statement, certificate_sha256, verify_statement
from zichtlijn.identity import IdentityError, principal_of_certificate

if TYPE_CHECKING:  # the entry reader hands uploads to the checker it is given
    from zichtlijn.audit_verify.entries import _Upload


def _load_certificates(conn: sqlite3.Connection, cas: tuple[x509.Certificate, ...],
                       report: Report) -> dict[str, tuple[bytes, str]]:
    """Certificates from the CA (or one of the CAs), by hex fingerprint: (PEM, principal)."""
    certs: dict[str, tuple[bytes, str]] = {}
    for fingerprint, pem in conn.execute("SELECT sha256, pem FROM certificates"):
        label = bytes(fingerprint).hex()[:16]
        try:
            cert = x509.load_pem_x509_certificate(bytes(pem))
            principal = principal_of_certificate(cert)
        except (ValueError, IdentityError) as exc:
            report.add(f"certificate {label}: unreadable ({exc})")
            continue
        if certificate_sha256(cert) != bytes(fingerprint):
            report.add(f"certificate {label}: fingerprint does not match its content")
            continue
        if not issued_by_one_of(cert, cas):
            report.add(f"certificate {label} of {principal}: not issued by the configured CA")
            continue
        certs[bytes(fingerprint).hex()] = (bytes(pem), str(principal))
    return certs


def _bad_signatures(items: list[tuple[bytes, int, bytes, bytes]]) -> list[int]:
    """Indices of entries whose node signature does not verify (runs in worker processes)."""
    bad = []
    loaded: dict[bytes, x509.Certificate] = {}
    for pem, index, statement, signature in items:
        cert = loaded.get(pem)
        if cert is None:
            cert = loaded[pem] = x509.load_pem_x509_certificate(pem)
        if not verify_statement(cert, statement, signature):
            bad.append(index)
    return bad


class _SignatureChecker:
    """Checks signatures (a node's uploads, withdrawals and corrections, a RIEC's
    decisions), in worker processes while the log is still being read.

    ECDSA verification (~70 us each) is most of the cost of auditing a large log
    of uploads, so chunks go to other cores as soon as they are parsed.
    """

    STEP = 5_000

    def __init__(self, certs: dict[str, tuple[bytes, str]], report: Report,
                 parallel: bool) -> None:
        self.certs = certs
        self.report = report
        self.pool = ProcessPoolExecutor() if parallel else None
        self.items: list[tuple[bytes, int, bytes, bytes]] = []
        self.futures: list = []
        self.signed_by: dict[int, tuple[str, str]] = {}  # entry -> (principal, what)

    def add(self, up: _Upload) -> None:
        if up.signature is None or up.cert is None:
            self.report.add(f"entry #{up.index}: upload by node:{up.gemeente} carries no "
                            "signature of the node: nothing shows the node made it", up.index,
                            SIGNATURE)
            return
        self.check(up.index, f"node:{up.gemeente}", "upload", up.cert,
                   batch_statement(up.gemeente, up.batch, up.sightings), up.signature)

    def check(self, index: int, principal: str, what: str, cert_sha256: str, statement: bytes,
              signature: bytes) -> None:
        """Check that `principal` (node:<gemeente>, riec:<region>) signed `statement` with
        the CA certificate the entry names (its SHA-256, hex)."""
        report = self.report
        cert = self.certs.get(cert_sha256)
        if cert is None:
            self._failed(what)
            report.add(f"entry #{index}: signed with certificate {cert_sha256[:16]}, which the "
                       "export does not hold from the CA", index, SIGNATURE)
            return
        if cert[1] != principal:
            self._failed(what)
            report.add(f"entry #{index}: {what} by {principal} signed with the "
                       f"certificate of {cert[1]}", index, SIGNATURE)
            return
        self.signed_by[index] = (principal, what)
        self.items.append((cert[0], index, statement, signature))
        if self.pool is not None and len(self.items) >= self.STEP:
            self.futures.append(self.pool.submit(_bad_signatures, self.items))
            self.items = []

    def _failed(self, what: str) -> None:
        # a withdrawal or correction whose signature fails is not counted as node-signed
        if what != "upload":
            self.report.requests.failed[what] += 1

    def finish(self) -> None:
        try:
            bad = _bad_signatures(self.items)
            for future in self.futures:
                bad += future.result()
        finally:
            if self.pool is not None:
                self.pool.shutdown()
        for index in sorted(bad):
            principal, what = self.signed_by[index]
            self._failed(what)
            self.report.add(f"entry #{index}: the signature of {principal} over this "
                            f"{what} does not verify: the {what} was altered or made up",
                            index, SIGNATURE)

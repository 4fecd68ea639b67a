"""What the hub keeps so an auditor can check each upload entry against the data.

For every stored batch: the leaf index of its upload entry (to answer a
retried batch with the same receipt) and the ordered sighting digests it
carried (to recompute the batch digest the node signed). For every node
certificate that signed a batch: the certificate itself, so the signature
can be checked offline. Digests and certificates only, never encodings.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from zichtlijn import wire
from zichtlijn.certsign import certificate_sha256
from zichtlijn.v1 import encoding_pb2

SCHEMA = """
CREATE TABLE IF NOT EXISTS upload_batches (
    batch_digest BLOB PRIMARY KEY,
    leaf_index INTEGER NOT NULL,
    sighting_digests BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS certificates (
    sha256 BLOB PRIMARY KEY,
    principal TEXT NOT NULL,
    pem BLOB NOT NULL
);
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def entry_fields(cert: x509.Certificate | None, signature: bytes) -> dict[str, str]:
    """Fields of an upload, withdraw or correct entry that let an auditor check the
    node's signature."""
    return {} if cert is None else signature_fields("node", cert, signature)


def signature_fields(role: str, cert: x509.Certificate, signature: bytes) -> dict[str, str]:
    """`<role>_cert` (the certificate's SHA-256) and `<role>_sig` (the signature), as a
    node's and a RIEC's signed entries carry them."""
    return {f"{role}_cert": certificate_sha256(cert).hex(),
            f"{role}_sig": base64.b64encode(signature).decode("ascii")}


def record_batch(conn: sqlite3.Connection, batch_digest: bytes, leaf_index: int,
                 principal: str, cert: x509.Certificate | None,
                 sightings: Iterable[encoding_pb2.EncodedSighting]) -> None:
    """Inside store_batch's transaction: one row per batch, one per certificate."""
    conn.execute(
        "INSERT INTO upload_batches (batch_digest, leaf_index, sighting_digests) VALUES (?, ?, ?)",
        [batch_digest, leaf_index, b"".join(wire.sighting_digest(s) for s in sightings)],
    )
    if cert is not None:
        record_certificate(conn, principal, cert)


def record_certificate(conn: sqlite3.Connection, principal: str,
                       cert: x509.Certificate) -> None:
    """Keep a certificate that signed an entry (an upload, a withdrawal, a correction),
    once, so the export can hand it to the auditor."""
    conn.execute(
        "INSERT OR IGNORE INTO certificates (sha256, principal, pem) VALUES (?, ?, ?)",
        [certificate_sha256(cert), principal, cert.public_bytes(serialization.Encoding.PEM)],
    )


def leaf_of(conn: sqlite3.Connection, batch_digest: bytes) -> int | None:
    row = conn.execute("SELECT leaf_index FROM upload_batches WHERE batch_digest = ?",
                       [batch_digest]).fetchone()
    return None if row is None else int(row[0])

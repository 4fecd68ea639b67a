"""Certificates the hub no longer accepts, though their CA still vouches for them.

A node's certificate and key, stolen, would let the thief list that municipality's
sightings and withdraw them, or upload in its name; a RIEC's would show its alerts. The
CA's certificates carry no revocation list the hub could read, so the hub operator
revokes a certificate at the hub (`hub revoke`, also while it serves): every call made
with it is refused from the next one on, and the revocation is a log entry
(`certificate_revoked`) an auditor checks uploads against. The home gets a new
certificate from the CA, which works at once (README "Revoking a certificate").
"""

from __future__ import annotations

import inspect
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from cryptography import x509

from hub import audit_log
from zichtlijn.certsign import CERTIFICATE_REVOKED, certificate_sha256
from zichtlijn.identity import IdentityError, principal_of_certificate, principal_of_pem

log = logging.getLogger("zichtlijn.hub.revocation")
# at most one line per revoked certificate per this many seconds: a thief's client in a
# retry loop must not flood the journal, and the next line counts what it left out
REFUSAL_LOG_SECONDS = 60.0

ACTION = CERTIFICATE_REVOKED
REASONS = ("key_stolen", "key_lost", "left", "superseded")

SCHEMA = """
CREATE TABLE IF NOT EXISTS revoked_certificates (
    sha256 BLOB PRIMARY KEY,
    principal TEXT NOT NULL,
    reason TEXT NOT NULL,
    revoked_at TEXT NOT NULL
) WITHOUT ROWID;
"""


class RevocationError(ValueError):
    """A certificate that cannot be revoked as asked."""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


@dataclass(frozen=True)
class Revoked:
    sha256: bytes
    principal: str
    already: bool  # it had been revoked before


def revoke(conn: sqlite3.Connection, pem: bytes, reason: str, actor: str, at: str) -> Revoked:
    """Revoke the certificate `pem` inside the caller's transaction, and log it."""
    try:
        cert = x509.load_pem_x509_certificate(pem)
        principal = str(principal_of_certificate(cert))
    except ValueError as exc:
        raise RevocationError(f"not a zichtlijn certificate ({exc})") from None
    return _revoke(conn, certificate_sha256(cert), principal, reason, actor, at)


def parse_fingerprint(text: str) -> bytes:
    """A certificate's SHA-256 as the hub's journal and log entries write it (64 hex
    digits), or as `openssl x509 -fingerprint -sha256` does (pairs joined by colons)."""
    digits = text.strip().replace(":", "").lower()
    try:
        fingerprint = bytes.fromhex(digits)
    except ValueError:
        fingerprint = b""
    if len(fingerprint) != 32 or len(digits) != 64:
        raise RevocationError(f"{text!r} is not a certificate's SHA-256 (64 hex digits)")
    return fingerprint


def revoke_fingerprint(conn: sqlite3.Connection, fingerprint: bytes, reason: str, actor: str,
                       at: str) -> Revoked:
    """Revoke by SHA-256 a certificate the hub has seen, for an operator without its PEM
    (a lost laptop). The holder comes from the certificates the hub keeps of every
    upload's signer (hub/upload_records.py), which the audit export also reads; a
    certificate it never saw cannot be named here, so its PEM is needed."""
    row = conn.execute("SELECT principal FROM certificates WHERE sha256 = ?",
                       [fingerprint]).fetchone()
    if row is None:
        row = conn.execute("SELECT principal FROM revoked_certificates WHERE sha256 = ?",
                           [fingerprint]).fetchone()
    if row is None:
        raise RevocationError(
            f"the hub has never seen certificate {fingerprint.hex()} (it keeps the "
            "certificates that signed an upload): revoke it with --cert FILE, its PEM from "
            "the CA")
    return _revoke(conn, fingerprint, row[0], reason, actor, at)


def _revoke(conn: sqlite3.Connection, fingerprint: bytes, principal: str, reason: str,
            actor: str, at: str) -> Revoked:
    if reason not in REASONS:
        raise RevocationError(f"reason {reason!r}: one of {', '.join(REASONS)}")
    if principal == "hub:hub":
        raise RevocationError("the hub's own certificate is replaced, not revoked "
                              "(README \"Changing the CA\")")
    if conn.execute("SELECT 1 FROM revoked_certificates WHERE sha256 = ?",
                    [fingerprint]).fetchone():
        return Revoked(fingerprint, principal, True)
    conn.execute("INSERT INTO revoked_certificates (sha256, principal, reason, revoked_at) "
                 "VALUES (?, ?, ?, ?)", [fingerprint, principal, reason, at])
    audit_log.append(conn, at, actor, ACTION, certificate=fingerprint.hex(),
                     principal=principal, reason=reason)
    return Revoked(fingerprint, principal, False)


def revocations_in(conn: sqlite3.Connection) -> list[tuple[bytes, str, str, str]]:
    """The revocations a database holds: what a restore must not undo."""
    return conn.execute("SELECT sha256, principal, reason, revoked_at "
                        "FROM revoked_certificates").fetchall()


def carry_over(conn: sqlite3.Connection, revocations: list[tuple[bytes, str, str, str]],
               actor: str, at: str) -> int:
    """Revoke again, inside the caller's transaction, what a restored database had lost;
    each is logged again (with `carried_over`). Returns how many."""
    count = 0
    for fingerprint, principal, reason, revoked_at in revocations:
        if conn.execute("SELECT 1 FROM revoked_certificates WHERE sha256 = ?",
                        [fingerprint]).fetchone():
            continue
        conn.execute("INSERT INTO revoked_certificates (sha256, principal, reason, "
                     "revoked_at) VALUES (?, ?, ?, ?)", [fingerprint, principal, reason, at])
        audit_log.append(conn, at, actor, ACTION, certificate=bytes(fingerprint).hex(),
                         principal=principal, reason=reason, carried_over=revoked_at)
        count += 1
    return count


def revoked_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM revoked_certificates").fetchone()[0]


class RevocationList:
    """The serving hub's view of the revoked certificates, on a connection of its own so
    that a check never waits for a link run; read again when another process (`hub
    revoke`) has changed the database."""

    def __init__(self, db_path: Path) -> None:
        self._conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True,
                                     check_same_thread=False)
        self._lock = threading.Lock()
        self._version: int | None = None
        self._revoked: frozenset[bytes] = frozenset()
        self._fingerprints: dict[bytes, bytes] = {}  # PEM -> SHA-256, callers repeat

    def close(self) -> None:
        self._conn.close()

    def fingerprint(self, pem: bytes) -> bytes:
        fingerprint = self._fingerprints.get(pem)
        if fingerprint is None:
            fingerprint = certificate_sha256(x509.load_pem_x509_certificate(pem))
            if len(self._fingerprints) < 10_000:
                self._fingerprints[pem] = fingerprint
        return fingerprint

    def revoked(self, pem: bytes) -> bool:
        fingerprint = self.fingerprint(pem)
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._revoked = frozenset(row[0] for row in self._conn.execute(
                    "SELECT sha256 FROM revoked_certificates"))
                self._version = version
            return fingerprint in self._revoked


def _now() -> float:
    return time.monotonic()


class RefusalLog:
    """Logs the calls refused for a revoked certificate (who, which certificate, from
    where), at most one line per certificate per REFUSAL_LOG_SECONDS. Without it a
    stolen key still in use went unnoticed: the refusal reached only the thief."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[bytes, tuple[float, int]] = {}  # SHA-256 -> (logged at, left out)

    def refused(self, fingerprint: bytes, pem: bytes, peer: str, method: str) -> None:
        now = _now()
        with self._lock:
            logged_at, left_out = self._last.get(fingerprint, (None, 0))
            if logged_at is not None and now - logged_at < REFUSAL_LOG_SECONDS:
                self._last[fingerprint] = (logged_at, left_out + 1)
                return
            if fingerprint not in self._last and len(self._last) >= 10_000:
                self._last.clear()  # bounded memory; worst case a line more per certificate
            self._last[fingerprint] = (now, 0)
        try:
            principal = str(principal_of_pem(pem))
        except (IdentityError, ValueError):
            principal = "no zichtlijn principal"
        more = (f"; {left_out} more call(s) with it refused since the last such line"
                if left_out else "")
        log.warning("refused %s with a revoked certificate: %s, certificate SHA-256 %s, "
                    "from %s%s", method, principal, fingerprint.hex(), peer, more)


class Guarded:
    """A servicer whose every RPC first refuses a revoked client certificate."""

    def __init__(self, servicer: object, revocations: RevocationList,
                 refusals: RefusalLog) -> None:
        self._servicer = servicer
        self._revocations = revocations
        self._refusals = refusals

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._servicer, name)
        if not callable(method) or name.startswith("_"):
            return method

        def checked(request: Any, context: grpc.ServicerContext) -> Any:
            pems = context.auth_context().get("x509_pem_cert")
            if pems and self._revocations.revoked(pems[0]):
                self._refusals.refused(self._revocations.fingerprint(pems[0]), pems[0],
                                       context.peer(), name)
                context.abort(grpc.StatusCode.UNAUTHENTICATED,
                              "this certificate was revoked at the hub; ask its CA for a "
                              "new one (README \"Revoking a certificate\")")
            try:
                answer = method(request, context)
            except Exception as error:  # contained: logged, answered INTERNAL
                _contain(error, context, name)
            if inspect.isgenerator(answer):
                return _contained_stream(answer, context, name)
            return answer

        return checked


#: what a peer is told of an error the hub did not expect: grpc would send it
#: "Exception calling application: " and the exception's own text
INTERNAL_MESSAGE = "internal error at the hub; its operator finds it in the hub's log"


def _contain(error: Exception, context: grpc.ServicerContext, name: str) -> None:
    """Re-raise a deliberate abort and a peer that has gone (a cancelled upload: gRPC
    raises RpcError in the request stream, and keeps it out of the log); log anything else
    and answer INTERNAL without its text."""
    if context.code() not in (None, grpc.StatusCode.OK):
        raise error  # context.abort(...) raises after setting the status it means
    if isinstance(error, grpc.RpcError) or not context.is_active():
        raise error
    log.error("%s failed", name, exc_info=error)
    context.abort(grpc.StatusCode.INTERNAL, INTERNAL_MESSAGE)


def _contained_stream(answers: Iterator[Any], context: grpc.ServicerContext,
                      name: str) -> Iterator[Any]:
    try:
        yield from answers
    except Exception as error:  # as in `checked`
        _contain(error, context, name)


def guard(revocations: RevocationList) -> Callable[[object], object]:
    refusals = RefusalLog()  # one for every service: the limit is per certificate
    return lambda servicer: Guarded(servicer, revocations, refusals)

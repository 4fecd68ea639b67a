"""Client side of the audit log: verify tree heads, keep a witness key, cosign, find settled heads.

A witness (a municipality node, an auditor) remembers the latest tree head it
verified and accepts a new one only with a consistency proof from it; it
cosigns (C2SP cosignature/v1) only heads it has accepted, so it never vouches
for two histories. A hub that shows different histories to different
witnesses then cannot gather a quorum for both, and a witness that is shown
the other history later refuses it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkage import merkle
from linkage.checkpoint import (
    SIG_COSIGNATURE_V1,
    Checkpoint,
    CheckpointError,
    SignedNote,
    Verifier,
    cosign,
    open_checkpoint,
)
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc

__all__ = [
    "LogError",
    "LogKeyring",
    "WitnessKey",
    "check_extends",
    "fetch_settled_head",
    "open_tree_head",
    "read_vkey",
    "submit_cosignature",
]


class LogError(RuntimeError):
    """The hub's log did not verify: a bad signature, proof, receipt or a rewritten history."""


def read_vkey(path: Path) -> Verifier:
    """A C2SP verifier key from a file holding one vkey line; LogError in one line if not."""
    try:
        text = path.read_text("utf-8").strip()
    except FileNotFoundError:
        raise LogError(f"{path}: verifier key file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: unreadable ({exc})") from None
    try:
        return Verifier.from_vkey(text)
    except CheckpointError as exc:
        raise LogError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class LogKeyring:
    """The hub's log key, and the keys it replaced (`hub log-key replace`), each trusted
    only for trees no larger than those verified under it before it was replaced: a
    retired key, lost or stolen, can sign nothing new that this holder accepts."""

    current: Verifier
    retired: tuple[tuple[Verifier, int], ...] = ()  # (key, largest tree size trusted)

    @property
    def name(self) -> str:
        return self.current.name

    def open(self, note: str, what: str = "tree head") -> Checkpoint:
        try:
            return open_checkpoint(note, self.current)
        except CheckpointError as exc:
            refusal = exc
        for key, up_to in self.retired:
            try:
                head = open_checkpoint(note, key)
            except CheckpointError:
                continue
            if head.size <= up_to:
                return head
            raise LogError(f"{what} refused: a tree of {head.size} entries signed by the "
                           f"retired log key {key.key_id.hex()}, which is trusted only up "
                           f"to {up_to} entries: forged with a replaced key") from None
        unsigned = "signature" in str(refusal) or "not signed" in str(refusal)
        hint = (" If the hub operator announced a new log key, take it: a node with `node "
                "trust-log-key --log-key FILE`, an auditor as --log-key with the old one as "
                "--earlier-log-key (README \"Replacing the log key\")" if unsigned else "")
        raise LogError(f"{what} refused: {refusal} (expected log key {self.name!r}).{hint}"
                       ) from None


def open_tree_head(note: str, log: Verifier | LogKeyring | None,
                   what: str = "tree head") -> Checkpoint:
    """A checkpoint signed by the configured log key (witness lines are ignored here)."""
    if log is None:
        raise LogError("no hub log key configured (pass the hub's log.vkey, e.g. "
                       "`node init --log-key FILE`)")
    keyring = log if isinstance(log, LogKeyring) else LogKeyring(log)
    return keyring.open(note, what)


def check_extends(previous: Checkpoint | None, head: Checkpoint, proof_from: int,
                  proof: list[bytes], holder: str = "this node") -> None:
    """Raise LogError unless ``head`` is an append-only extension of ``previous``."""
    old_size = previous.size if previous else 0
    old_root = previous.root if previous else merkle.EMPTY_ROOT
    if head.size < old_size:
        raise LogError(f"hub shows a tree of {head.size} entries, smaller than the {old_size} "
                       f"{holder} verified before: the log was truncated or {holder} is being "
                       "shown another history")
    if old_size and proof_from != old_size:
        raise LogError(f"hub proved consistency from size {proof_from}, but {holder} holds a "
                       f"tree head of size {old_size}")
    if not merkle.verify_consistency(old_size, head.size, old_root, head.root, proof):
        raise LogError(f"hub log of size {head.size} is not consistent with the tree head of "
                       f"size {old_size} {holder} verified before: history was rewritten or "
                       "forked")


class WitnessKey:
    """An Ed25519 cosigning key named ``<role>/<name>``, kept in a 0600 PEM file."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self.private_key = private_key
        self.verifier = Verifier.from_key(name, private_key.public_key(), SIG_COSIGNATURE_V1)

    @property
    def vkey(self) -> str:
        return self.verifier.to_vkey()

    @classmethod
    def load_or_create(cls, path: Path, name: str) -> WitnessKey:
        """Load the key at ``path``, creating it (mode 0600) when there is none yet."""
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
            return cls(name, key)
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise LogError(f"{path}: witness key unreadable ({exc})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise LogError(f"{path}: witness key is not an Ed25519 key")
        return cls(name, key)

    def cosignature_line(self, head: Checkpoint, timestamp: int | None = None) -> str:
        stamp = int(time.time()) if timestamp is None else timestamp
        return cosign(head, self.name, self.private_key, stamp).to_line()


def submit_cosignature(channel: grpc.Channel, key: WitnessKey, head: Checkpoint,
                       timeout_s: float) -> tuple[int, str]:
    """Cosign ``head`` (which the caller has verified) at the hub.

    Returns the hub's witness count for the head and the cosignature line.
    """
    line = key.cosignature_line(head)
    stub = audit_pb2_grpc.AuditServiceStub(channel)
    reply = stub.AddCosignature(audit_pb2.CosignatureRequest(
        tree_size=head.size, witness_key=key.vkey, signature=line), timeout=timeout_s)
    return reply.cosignatures, line


def fetch_settled_head(channel: grpc.Channel, log: Verifier, witnesses: list[Verifier],
                       quorum: int, timeout_s: float) -> tuple[Checkpoint, SignedNote]:
    """The latest tree head cosigned by ``quorum`` of ``witnesses`` (for RIEC and auditor clients).

    The hub's own count of cosignatures only selects the candidate; the quorum
    is checked here against the configured witness keys.
    """
    stub = audit_pb2_grpc.AuditServiceStub(channel)
    reply = stub.GetTreeHead(audit_pb2.TreeHeadRequest(
        min_cosignatures=max(quorum, 1), witness_keys=[w.to_vkey() for w in witnesses]),
        timeout=timeout_s)
    try:
        note = SignedNote.from_text(reply.note)
        return open_checkpoint(note, log, witnesses, quorum), note
    except CheckpointError as exc:
        raise LogError(f"tree head is not settled: {exc}") from None

"""The hub's tree-head signing key (Ed25519) and its public verifier key file.

`zichtlijn hub init` writes `log.key` (PKCS#8 PEM, mode 0600) and `log.vkey`
(a C2SP verifier key line) into the hub home. `log.vkey` is public: it is
handed to every node (`node init --log-key`), auditor and RIEC together with
the CA certificate, out of band, because a tree head is only as trustworthy
as the key its reader was given independently of the hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkage.checkpoint import Checkpoint, CheckpointError, SignedNote, Verifier, sign_checkpoint
from zichtlijn.witness import LogError, read_vkey

KEY_NAME = "log.key"
VKEY_NAME = "log.vkey"
DEFAULT_ORIGIN = "zichtlijn/audit-log"


class LogKeyError(ValueError):
    """The log key is missing, unreadable or does not match its verifier key."""


@dataclass(frozen=True)
class LogKey:
    """The log's origin (also its key name) and private key."""

    origin: str
    private_key: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier.from_key(self.origin, self.private_key.public_key())

    def sign(self, size: int, root: bytes) -> SignedNote:
        """Signed checkpoint for the tree of ``size`` entries with ``root``."""
        return sign_checkpoint(Checkpoint(self.origin, size, root), self.origin, self.private_key)


def key_paths(home: Path) -> tuple[Path, Path]:
    return home / KEY_NAME, home / VKEY_NAME


def create_log_key(home: Path, origin: str = DEFAULT_ORIGIN) -> LogKey:
    """Generate and write a new log key; never overwrites one (that would orphan the log)."""
    key_path, vkey_path = key_paths(home)
    if key_path.exists():
        raise LogKeyError(f"{key_path} exists; a log keeps its signing key for life")
    try:
        log_key = LogKey(origin, Ed25519PrivateKey.generate())
        vkey = log_key.verifier.to_vkey()
    except CheckpointError as exc:
        raise LogKeyError(f"log origin {origin!r}: {exc}") from None
    pem = log_key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    vkey_path.write_text(vkey + "\n", "utf-8")
    return log_key


def load_log_key(home: Path) -> LogKey:
    """The key in ``home``; it must match ``log.vkey`` beside it."""
    key_path, vkey_path = key_paths(home)
    if not key_path.is_file() or not vkey_path.is_file():
        raise LogKeyError(f"{home}: no log signing key ({KEY_NAME}, {VKEY_NAME})")
    try:
        private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise LogKeyError(f"{key_path}: unreadable ({exc})") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise LogKeyError(f"{key_path}: not an Ed25519 key")
    try:
        verifier = read_vkey(vkey_path)
    except LogError as exc:
        raise LogKeyError(str(exc)) from None
    log_key = LogKey(verifier.name, private)
    if log_key.verifier != verifier:
        raise LogKeyError(f"{vkey_path} does not belong to {key_path}")
    return log_key

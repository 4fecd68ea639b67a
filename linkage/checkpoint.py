"""Signed tree heads as C2SP checkpoints, signed notes and witness cosignatures (Ed25519).

Formats (https://c2sp.org/tlog-checkpoint, /signed-note, /tlog-cosignature):

* checkpoint body: ``<origin>\\n<decimal size>\\n<base64 root>\\n`` (no extension lines);
* signed note: body, one blank line, then lines ``\u2014 <key name> <base64(key ID || sig)>``;
* key ID: ``SHA-256(name || 0x0A || type || 32-byte public key)[:4]`` with type
  0x01 for the log's Ed25519 note signature and 0x04 for cosignatures;
* cosignature (cosignature/v1): ``sig`` is ``u64 big-endian timestamp || Ed25519
  signature`` over ``"cosignature/v1\\ntime <timestamp>\\n" || body``.

Using the published formats lets any C2SP witness or verifier check the
hub's audit log without zichtlijn code. Everything here is pure; keys are
``cryptography`` Ed25519 objects and storage is the caller's business.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "MAX_SIGNATURES",
    "SIG_COSIGNATURE_V1",
    "SIG_ED25519",
    "Checkpoint",
    "CheckpointError",
    "NoteSignature",
    "SignedNote",
    "Verifier",
    "cosign",
    "cosignature_message",
    "key_id",
    "open_checkpoint",
    "sign_checkpoint",
    "sign_note",
    "verify_cosignature",
    "verify_note",
]

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 1 << 20
HASH_SIZE = 32

_DASH = "\u2014 "
_SIZE_RE = re.compile(r"0|[1-9][0-9]*")
_ED25519_SIG = 64
_TIMESTAMP_BYTES = 8
_MAX_TIMESTAMP = (1 << 63) - 1


class CheckpointError(ValueError):
    """A checkpoint, note, key or signature is malformed or does not verify."""


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointError(f"{what} is not valid base64") from None
    if _b64encode(data) != text:
        raise CheckpointError(f"{what} is not canonical base64")
    return data


def _check_text_chars(text: str, what: str) -> None:
    for ch in text:
        if ch < " " and ch != "\n":
            raise CheckpointError(f"{what} contains control character {ch!r}")


def _check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise CheckpointError("note text does not end with a newline")
    _check_text_chars(text, "note text")


def _check_key_name(name: str) -> None:
    if not name:
        raise CheckpointError("key name is empty")
    if "+" in name or any(ch.isspace() for ch in name):
        raise CheckpointError(f"key name {name!r} contains a space or '+'")
    _check_text_chars(name, "key name")


def _raw_public(key: Ed25519PublicKey | bytes) -> bytes:
    raw = key if isinstance(key, bytes) else key.public_bytes_raw()
    if len(raw) != 32:
        raise CheckpointError(f"Ed25519 public key must be 32 bytes, got {len(raw)}")
    return raw


def key_id(name: str, public_key: Ed25519PublicKey | bytes, sig_type: int = SIG_ED25519) -> bytes:
    """4-byte key ID SHA-256(name || 0x0A || sig_type || key)[:4] that names a key in a note.

    Use ``SIG_ED25519`` (0x01) for the log's checkpoint signature and
    ``SIG_COSIGNATURE_V1`` (0x04) for a witness key.
    """
    _check_key_name(name)
    raw = _raw_public(public_key)
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + raw).digest()[:4]


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin (log identity), tree size and RFC 9162 root hash."""

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("checkpoint origin must be one non-empty line")
        _check_text_chars(self.origin, "checkpoint origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise CheckpointError(f"checkpoint size must be a non-negative int, got {self.size!r}")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise CheckpointError(f"checkpoint root must be {HASH_SIZE} bytes")

    def body(self) -> bytes:
        """Note text: origin, decimal size and base64 root, each newline-terminated."""
        return f"{self.origin}\n{self.size}\n{_b64encode(self.root)}\n".encode()

    @classmethod
    def from_body(cls, body: bytes | str) -> Checkpoint:
        """Parse a note text produced by :meth:`body`; extension lines are rejected."""
        text = _decode_utf8(body, "checkpoint")
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(f"checkpoint has {len(lines)} lines, expected 3")
        if len(lines) > 3:
            raise CheckpointError("checkpoint extension lines are not supported")
        origin, size, root = lines
        if not _SIZE_RE.fullmatch(size):
            raise CheckpointError(f"checkpoint size {size!r} is not a canonical decimal")
        return cls(origin, int(size), _b64decode(root, "checkpoint root"))


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID and the algorithm-specific signature bytes.

    For cosignatures ``signature`` is the 8-byte timestamp followed by the
    Ed25519 signature (72 bytes).
    """

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        _check_key_name(self.name)
        if len(self.key_id) != 4:
            raise CheckpointError("signature key ID must be 4 bytes")
        if not self.signature:
            raise CheckpointError(f"empty signature from {self.name!r}")

    def to_line(self) -> str:
        """``\u2014 <name> <base64(key ID || signature)>`` without the trailing newline."""
        return f"{_DASH}{self.name} {_b64encode(self.key_id + self.signature)}"

    @classmethod
    def from_line(cls, line: str) -> NoteSignature:
        """Parse one signature line (with or without its trailing newline)."""
        line = line.removesuffix("\n")
        if not line.startswith(_DASH):
            raise CheckpointError("signature line does not start with an em dash and a space")
        parts = line[len(_DASH) :].split(" ")
        if len(parts) != 2:
            raise CheckpointError("signature line is not '\u2014 <name> <signature>'")
        name, blob = parts
        data = _b64decode(blob, f"signature from {name!r}")
        if len(data) < 5:
            raise CheckpointError(f"signature from {name!r} is too short")
        return cls(name, data[:4], data[4:])


@dataclass(frozen=True)
class SignedNote:
    """A note text plus its signature lines, not yet verified."""

    text: str
    signatures: tuple[NoteSignature, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_note_text(self.text)
        if len(self.signatures) > MAX_SIGNATURES:
            raise CheckpointError(f"note has more than {MAX_SIGNATURES} signatures")

    def to_text(self) -> str:
        """Serialised signed note: text, blank line, one line per signature."""
        if not self.signatures:
            raise CheckpointError("a signed note needs at least one signature")
        return self.text + "\n" + "".join(sig.to_line() + "\n" for sig in self.signatures)

    @classmethod
    def from_text(cls, data: bytes | str) -> SignedNote:
        """Parse a signed note; syntax only, use :func:`verify_note` before trusting the text."""
        if len(data) > MAX_NOTE_BYTES:
            raise CheckpointError("signed note is too large")
        note = _decode_utf8(data, "signed note")
        _check_text_chars(note, "signed note")
        if not note.endswith("\n"):
            raise CheckpointError("signed note does not end with a newline")
        split = note.rfind("\n\n")
        if split < 0:
            raise CheckpointError("signed note has no blank line before its signatures")
        text, sig_block = note[: split + 1], note[split + 2 :]
        lines = sig_block[:-1].split("\n") if sig_block else []
        if not lines:
            raise CheckpointError("signed note has no signatures")
        if len(lines) > MAX_SIGNATURES:
            raise CheckpointError(f"note has more than {MAX_SIGNATURES} signatures")
        return cls(text, tuple(NoteSignature.from_line(line) for line in lines))

    def with_signatures(self, *signatures: NoteSignature) -> SignedNote:
        """Copy with more signatures; a new one replaces an old one with equal name and key ID."""
        new = {(s.name, s.key_id) for s in signatures}
        kept = tuple(s for s in self.signatures if (s.name, s.key_id) not in new)
        return SignedNote(self.text, kept + tuple(signatures))

    def checkpoint(self) -> Checkpoint:
        """The text parsed as a checkpoint (unverified)."""
        return Checkpoint.from_body(self.text)


@dataclass(frozen=True)
class Verifier:
    """A trusted key: name, raw 32-byte Ed25519 public key and signature type (0x01 or 0x04)."""

    name: str
    public_key: bytes
    sig_type: int = SIG_ED25519

    def __post_init__(self) -> None:
        _check_key_name(self.name)
        _raw_public(self.public_key)
        if self.sig_type not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise CheckpointError(f"unsupported signature type 0x{self.sig_type:02x}")

    @classmethod
    def from_key(
        cls, name: str, public_key: Ed25519PublicKey | bytes, sig_type: int = SIG_ED25519
    ) -> Verifier:
        """Verifier for a ``cryptography`` public key (or raw bytes)."""
        return cls(name, _raw_public(public_key), sig_type)

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID this key's signature lines carry."""
        return key_id(self.name, self.public_key, self.sig_type)

    def to_vkey(self) -> str:
        """C2SP verifier key ``<name>+<hex key ID>+<base64(type || key)>``, for config files."""
        material = _b64encode(bytes([self.sig_type]) + self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse a verifier key string and check that its key ID matches the key."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise CheckpointError("verifier key is not '<name>+<8 hex digits>+<base64>'")
        name, hex_id, blob = parts
        data = _b64decode(blob, "verifier key")
        if len(data) != 33:
            raise CheckpointError("verifier key is not an Ed25519 key")
        verifier = cls(name, data[1:], data[0])
        if verifier.key_id.hex() != hex_id:
            raise CheckpointError(f"verifier key ID for {name!r} does not match its key")
        return verifier

    def _check(self, text: bytes, signature: bytes) -> int | None:
        """Timestamp (0 for plain note signatures) if ``signature`` is valid over ``text``."""
        if self.sig_type == SIG_ED25519:
            message, timestamp = text, 0
            if len(signature) != _ED25519_SIG:
                return None
        else:
            if len(signature) != _TIMESTAMP_BYTES + _ED25519_SIG:
                return None
            timestamp = int.from_bytes(signature[:_TIMESTAMP_BYTES], "big")
            if timestamp > _MAX_TIMESTAMP:
                return None
            message = cosignature_message(text, timestamp)
            signature = signature[_TIMESTAMP_BYTES:]
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return None
        return timestamp


def _decode_utf8(data: bytes | str, what: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointError(f"{what} is not valid UTF-8") from None


def _public_of(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes_raw()


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> NoteSignature:
    """Ed25519 note signature (type 0x01) over ``text``."""
    _check_note_text(text)
    sig = private_key.sign(text.encode())
    return NoteSignature(name, key_id(name, _public_of(private_key), SIG_ED25519), sig)


def sign_checkpoint(cp: Checkpoint, name: str, private_key: Ed25519PrivateKey) -> SignedNote:
    """The log's signed tree head; ``name`` should equal ``cp.origin``."""
    text = cp.body().decode()
    return SignedNote(text, (sign_note(text, name, private_key),))


def cosignature_message(body: bytes | str, timestamp: int) -> bytes:
    """What a cosigner signs: ``cosignature/v1\\ntime <timestamp>\\n`` followed by the note body."""
    if isinstance(body, str):
        body = body.encode()
    return b"cosignature/v1\ntime %d\n" % timestamp + body


def cosign(
    cp: Checkpoint, name: str, private_key: Ed25519PrivateKey, timestamp: int
) -> NoteSignature:
    """A witness's cosignature/v1: ``cp`` was the latest consistent head it saw at ``timestamp``.

    ``timestamp`` is POSIX seconds. Attach it with :meth:`SignedNote.with_signatures`.
    """
    if isinstance(timestamp, bool) or not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise CheckpointError(f"cosignature timestamp {timestamp!r} out of range")
    sig = private_key.sign(cosignature_message(cp.body(), timestamp))
    return NoteSignature(
        name,
        key_id(name, _public_of(private_key), SIG_COSIGNATURE_V1),
        timestamp.to_bytes(_TIMESTAMP_BYTES, "big") + sig,
    )


def verify_note(note: SignedNote, verifiers: Iterable[Verifier]) -> list[str]:
    """Names of the trusted keys whose signatures verify, in note order.

    Following the signed-note spec, lines from unknown keys (name and key ID
    not both matching a verifier) are ignored, while a bad signature from a
    known key, or no valid trusted signature at all, rejects the whole note
    with :class:`CheckpointError`. Quorum policy is left to the caller.
    """
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known:
            raise CheckpointError(f"two verifiers share name {v.name!r} and key ID")
        known[(v.name, v.key_id)] = v
    text = note.text.encode()
    names: list[str] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if verifier._check(text, sig.signature) is None:
            raise CheckpointError(f"invalid signature from {sig.name!r}")
        if sig.name not in names:
            names.append(sig.name)
    if not names:
        raise CheckpointError("note has no valid signature from a trusted key")
    return names


def verify_cosignature(cp: Checkpoint, signature: NoteSignature, verifier: Verifier) -> int:
    """Timestamp of a valid cosignature/v1 by ``verifier`` on ``cp``; CheckpointError otherwise."""
    if verifier.sig_type != SIG_COSIGNATURE_V1:
        raise CheckpointError(f"verifier {verifier.name!r} is not a cosignature key")
    if (signature.name, signature.key_id) != (verifier.name, verifier.key_id):
        raise CheckpointError(f"signature is not from cosigner {verifier.name!r}")
    timestamp = verifier._check(cp.body(), signature.signature)
    if timestamp is None:
        raise CheckpointError(f"invalid cosignature from {verifier.name!r}")
    return timestamp


def open_checkpoint(
    note: SignedNote | bytes | str,
    log: Verifier,
    witnesses: Iterable[Verifier] = (),
    quorum: int = 0,
) -> Checkpoint:
    """Verified checkpoint: signed by ``log``, origin equal to its key name, ``quorum`` witnesses.

    A trusted witness line alone must never make a note acceptable, which is
    the mistake this helper exists to prevent.
    """
    if not isinstance(note, SignedNote):
        note = SignedNote.from_text(note)
    witnesses = list(witnesses)
    if any(w.name == log.name for w in witnesses):
        raise CheckpointError(f"witness key name {log.name!r} is the log's own name")
    names = verify_note(note, [log, *witnesses])
    if log.name not in names:
        raise CheckpointError(f"checkpoint is not signed by log key {log.name!r}")
    cp = note.checkpoint()
    if cp.origin != log.name:
        raise CheckpointError(f"checkpoint origin {cp.origin!r} is not {log.name!r}")
    cosigned = {w.name for w in witnesses if w.name in names}
    if len(cosigned) < quorum:
        raise CheckpointError(f"checkpoint has {len(cosigned)} of {quorum} witness cosignatures")
    return cp

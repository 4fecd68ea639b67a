"""Purpose keys derived from the linkage secret with HKDF, one set per epoch.

The node never uses the linkage secret directly: every use (Bloom-filter
hashing, buckets, date tokens, exact tokens) has its own key, so a key that
leaks from one use says nothing about the others, and an epoch change gives
unrelated keys for all of them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_BYTES = 32
KEY_BYTES = 32
_SALT = b"zichtlijn/v1/linkage-keys"


@dataclass(frozen=True, repr=False)
class PurposeKeys:
    """The keys a node needs to encode under one epoch; never the secret itself."""

    epoch: int
    name_filter: bytes
    name_buckets: bytes
    date_of_birth: bytes
    sex: bytes
    document: bytes
    entity: bytes
    hardening: bytes

    def __repr__(self) -> str:
        return f"PurposeKeys(epoch={self.epoch}, fingerprint={self.fingerprint()})"

    def fingerprint(self) -> str:
        """A short public digest to tell key sets apart (e.g. in `node status`)."""
        digest = hashlib.sha256(b"zichtlijn-key-fingerprint")
        for key in self.all_keys():
            digest.update(key)
        return digest.hexdigest()[:16]

    def all_keys(self) -> list[bytes]:
        return [getattr(self, f.name) for f in fields(self) if f.name != "epoch"]

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PURPOSES = tuple(f.name for f in fields(PurposeKeys) if f.name != "epoch")


def derive_purpose_keys(secret: bytes, epoch: int) -> PurposeKeys:
    """Derive every purpose key of `epoch` from the linkage secret (HKDF-SHA256)."""
    if len(secret) != SECRET_BYTES:
        raise ValueError(f"linkage secret must be {SECRET_BYTES} bytes, got {len(secret)}")
    if not 0 <= epoch < 2**32:
        raise ValueError(f"epoch out of range: {epoch}")
    derived = {}
    for purpose in PURPOSES:
        info = f"zichtlijn/v1/purpose={purpose}/epoch={epoch}".encode()
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_SALT, info=info)
        derived[purpose] = hkdf.derive(secret)
    return PurposeKeys(epoch=epoch, **derived)

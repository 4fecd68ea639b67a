"""Purpose keys: HKDF-SHA256 of the linkage secret, one key per purpose and epoch.

Every node must derive exactly the same keys from a secret, in every version, or
encodings from different nodes and releases stop matching. These tests compute
the documented derivation with hmac (RFC 5869) instead of with the module.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac

import pytest

from linkage.keys import PURPOSES, derive_purpose_keys

SECRET = bytes(range(32))


def hkdf_sha256(secret: bytes, salt: bytes, info: bytes) -> bytes:
    """RFC 5869 extract-then-expand, one 32-byte output block."""
    prk = hmac.new(salt, secret, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_each_purpose_key_is_hkdf_of_the_secret_with_purpose_and_epoch_in_info() -> None:
    keys = derive_purpose_keys(SECRET, 7)
    assert PURPOSES == ("name_filter", "name_buckets", "date_of_birth", "sex", "document",
                        "entity", "hardening")
    for purpose in PURPOSES:
        info = f"zichtlijn/v1/purpose={purpose}/epoch=7".encode()
        assert getattr(keys, purpose) == hkdf_sha256(SECRET, b"zichtlijn/v1/linkage-keys", info)
    assert keys.epoch == 7


def test_the_fingerprint_is_a_digest_of_the_keys_in_purpose_order() -> None:
    keys = derive_purpose_keys(SECRET, 7)
    digest = hashlib.sha256(b"zichtlijn-key-fingerprint")
    for purpose in PURPOSES:
        digest.update(getattr(keys, purpose))
    assert keys.fingerprint() == digest.hexdigest()[:16]
    assert keys.all_keys() == [getattr(keys, p) for p in PURPOSES]
    assert SECRET.hex() not in repr(keys) and keys.fingerprint() in repr(keys)


@pytest.mark.parametrize("epoch", [0, 2**32 - 1])
def test_epochs_from_zero_to_two_to_the_32_minus_one_are_accepted(epoch: int) -> None:
    assert derive_purpose_keys(SECRET, epoch).epoch == epoch


@pytest.mark.parametrize("epoch", [-1, 2**32])
def test_epochs_outside_four_bytes_are_refused(epoch: int) -> None:
    with pytest.raises(ValueError, match="epoch out of range"):
        derive_purpose_keys(SECRET, epoch)


@pytest.mark.parametrize("length", [16, 31, 33])
def test_only_a_32_byte_secret_is_accepted(length: int) -> None:
    with pytest.raises(ValueError, match=f"must be 32 bytes, got {length}"):
        derive_purpose_keys(bytes(length), 1)


def test_purpose_keys_cannot_be_changed_after_derivation() -> None:
    keys = derive_purpose_keys(SECRET, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        keys.hardening = bytes(32)

"""Key packages: purpose keys sealed to one node's certificate key."""

from __future__ import annotations

import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from linkage.key_package import (
    KeyPackageError,
    open_package,
    package_node,
    recipient_id,
    seal_package,
)
from linkage.keys import derive_purpose_keys
from linkage.shares import secret_fingerprint

SECRET = bytes(range(100, 132))
KEYS = derive_purpose_keys(SECRET, epoch=3)


def public_key(pki, stem):
    return x509.load_pem_x509_certificate((pki.root / f"{stem}.pem").read_bytes()).public_key()


def private_key(pki, stem):
    return serialization.load_pem_private_key((pki.root / f"{stem}.key").read_bytes(), None)


@pytest.fixture(scope="module")
def package(pki) -> bytes:
    return seal_package(KEYS, "GM0363", public_key(pki, "node-GM0363"),
                        secret_fingerprint(SECRET, 3))


def test_package_opens_for_its_node(pki, package):
    keys = open_package(package, "GM0363", private_key(pki, "node-GM0363"))
    assert keys.as_dict() == KEYS.as_dict()
    assert package_node(package) == ("GM0363", 3)


def test_package_holds_purpose_keys_never_the_secret(package):
    text = package.decode()
    for key in [SECRET, *KEYS.all_keys()]:
        assert key.hex() not in text
    assert json.loads(package)["key_fingerprint"] == KEYS.fingerprint()


def test_another_node_cannot_open_it(pki, package):
    with pytest.raises(KeyPackageError, match=r"made for GM0363, not for this node .GM0599."):
        open_package(package, "GM0599", private_key(pki, "node-GM0599"))


def test_another_nodes_key_cannot_open_it_even_when_renamed(pki, package):
    with pytest.raises(KeyPackageError, match="sealed to another certificate of GM0363"):
        open_package(package, "GM0363", private_key(pki, "node-GM0599"))
    # pretend it was sealed to GM0599's key: the seal (AEAD over the header) fails
    document = json.loads(package)
    document.update(node="GM0599", recipient=recipient_id(public_key(pki, "node-GM0599")))
    with pytest.raises(KeyPackageError, match="altered or damaged"):
        open_package(json.dumps(document).encode(), "GM0599", private_key(pki, "node-GM0599"))


def test_certificate_of_the_same_node_from_another_pki_cannot_open_it(package, foreign_pki):
    with pytest.raises(KeyPackageError, match="another certificate"):
        open_package(package, "GM0363", private_key(foreign_pki, "node-GM0363"))


@pytest.mark.parametrize("field", ["epoch", "key_fingerprint", "ciphertext"])
def test_altered_package_is_refused(pki, package, field):
    document = json.loads(package)
    value = document[field]
    flipped = f"{int(value[0], 16) ^ 1:x}" + value[1:] if isinstance(value, str) else None
    document[field] = value + 1 if isinstance(value, int) else flipped
    with pytest.raises(KeyPackageError, match="altered or damaged"):
        open_package(json.dumps(document).encode(), "GM0363", private_key(pki, "node-GM0363"))


@pytest.mark.parametrize("blob", [b"", b"{}", b"[1]", b'{"format": "zichtlijn-key-package/1"}'])
def test_not_a_package(pki, blob):
    with pytest.raises(KeyPackageError, match=r"^p: (not a zichtlijn key package|damaged)"):
        open_package(blob, "GM0363", private_key(pki, "node-GM0363"), "p")


def test_each_package_is_sealed_afresh(pki, package):
    again = seal_package(KEYS, "GM0363", public_key(pki, "node-GM0363"), "x")
    assert json.loads(again)["ephemeral_key"] != json.loads(package)["ephemeral_key"]

"""Key packages: purpose keys sealed to one node's certificate key."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from linkage.key_package import (
    KeyPackageError,
    open_package,
    package_node,
    recipient_id,
    seal_package,
)
from linkage.keys import PURPOSES, derive_purpose_keys
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


# -- found by mutation testing: the package format by hand, and keys of the wrong kind ---


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962,
                            serialization.PublicFormat.UncompressedPoint)


def seal_by_hand(recipient: ec.EllipticCurvePublicKey, keys: dict[str, bytes],
                 key_fingerprint: str) -> bytes:
    """The documented format computed with the primitives: ECDH with a fresh key,
    HKDF-SHA256 (salt: both points, info: the format label), AES-256-GCM over the
    purpose keys as JSON with the canonical header as associated data."""
    ephemeral = ec.generate_private_key(recipient.curve)
    salt = _point(ephemeral.public_key()) + _point(recipient)
    wrap = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"zichtlijn/v1/key-package").derive(ephemeral.exchange(ec.ECDH(), recipient))
    der = recipient.public_bytes(serialization.Encoding.DER,
                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    nonce = bytes(range(12))
    header = {
        "format": "zichtlijn-key-package/1", "node": "GM0363", "epoch": 3,
        "key_fingerprint": key_fingerprint, "secret_fingerprint": "00" * 16,
        "recipient": hashlib.sha256(der).hexdigest()[:32],
        "ephemeral_key": _point(ephemeral.public_key()).hex(),
        "cipher": {"name": "AES-256-GCM", "nonce": nonce.hex()},
    }
    plaintext = json.dumps({p: k.hex() for p, k in keys.items()}).encode()
    aad = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    ciphertext = AESGCM(wrap).encrypt(nonce, plaintext, aad)
    return json.dumps({**header, "ciphertext": ciphertext.hex()}).encode()


def test_a_package_sealed_by_hand_to_the_format_opens(pki):
    blob = seal_by_hand(public_key(pki, "node-GM0363"), {p: getattr(KEYS, p) for p in PURPOSES},
                        KEYS.fingerprint())
    assert open_package(blob, "GM0363", private_key(pki, "node-GM0363")) == KEYS


def test_keys_that_do_not_match_the_sealed_fingerprint_are_refused(pki):
    """Sealed consistently (the AEAD holds) but with another key set's fingerprint."""
    blob = seal_by_hand(public_key(pki, "node-GM0363"), {p: getattr(KEYS, p) for p in PURPOSES},
                        derive_purpose_keys(SECRET, epoch=4).fingerprint())
    with pytest.raises(KeyPackageError, match="key fingerprint differs"):
        open_package(blob, "GM0363", private_key(pki, "node-GM0363"))
    short = {p: getattr(KEYS, p)[:16] for p in PURPOSES}
    blob = seal_by_hand(public_key(pki, "node-GM0363"), short, KEYS.fingerprint())
    with pytest.raises(KeyPackageError, match="key fingerprint differs"):
        open_package(blob, "GM0363", private_key(pki, "node-GM0363"))


def test_keys_that_are_not_ec_are_refused_with_a_reason(pki, package):
    other = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(KeyPackageError, match="certificate of GM0363 has no EC key"):
        seal_package(KEYS, "GM0363", other.public_key(), "x")
    with pytest.raises(KeyPackageError, match="this node's key is not an EC key"):
        open_package(package, "GM0363", other)


def test_errors_name_a_key_package_by_default(pki):
    with pytest.raises(KeyPackageError, match=r"^key package: not a zichtlijn key package$"):
        package_node(b"{}")
    with pytest.raises(KeyPackageError, match=r"^key package: not a zichtlijn key package$"):
        open_package(b"{}", "GM0363", private_key(pki, "node-GM0363"))


def test_a_sealed_package_decrypts_by_hand(pki, package):
    document = json.loads(package)
    ciphertext = bytes.fromhex(document.pop("ciphertext"))
    own = private_key(pki, "node-GM0363")
    der = own.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    assert document["recipient"] == hashlib.sha256(der).hexdigest()[:32]
    assert document["secret_fingerprint"] == secret_fingerprint(SECRET, 3)
    assert document["cipher"]["name"] == "AES-256-GCM"
    nonce = bytes.fromhex(document["cipher"]["nonce"])
    assert len(nonce) == 12
    ephemeral_point = bytes.fromhex(document["ephemeral_key"])
    ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(own.curve, ephemeral_point)
    wrap = HKDF(algorithm=hashes.SHA256(), length=32,
                salt=ephemeral_point + _point(own.public_key()),
                info=b"zichtlijn/v1/key-package").derive(own.exchange(ec.ECDH(), ephemeral))
    aad = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    plaintext = json.loads(AESGCM(wrap).decrypt(nonce, ciphertext, aad))
    assert plaintext == {p: getattr(KEYS, p).hex() for p in PURPOSES}


def test_a_package_with_unreadable_fields_is_damaged(pki, package):
    document = json.loads(package)
    for bad in ({"ephemeral_key": "zz"}, {"cipher": {"name": "AES-256-GCM"}}):
        with pytest.raises(KeyPackageError, match=r"^p: damaged key package$"):
            open_package(json.dumps({**document, **bad}).encode(), "GM0363",
                         private_key(pki, "node-GM0363"), "p")
    missing = {p: getattr(KEYS, p) for p in PURPOSES if p != "sex"}
    blob = seal_by_hand(public_key(pki, "node-GM0363"), missing, KEYS.fingerprint())
    with pytest.raises(KeyPackageError, match=r"^p: damaged key package$"):
        open_package(blob, "GM0363", private_key(pki, "node-GM0363"), "p")

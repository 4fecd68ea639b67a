"""Key packages: one epoch's purpose keys, encrypted so that only one node can open them.

A package is sealed to the public key of the node's certificate (ECIES): a
fresh ephemeral EC key, ECDH with the node's key, HKDF-SHA256 to an
AES-256-GCM key. Only the holder of the node's TLS private key can open it,
so a package can travel by e-mail or USB stick, and the node can keep it on
disk as it came: its keys are no better and no worse protected than the
node's identity on the network.

The package holds the HKDF purpose keys of one epoch, never the linkage
secret: a node (or a thief of its disk) can encode under that epoch, but
cannot derive another epoch's keys.

Pure functions: bytes in and bytes out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from linkage.keys import KEY_BYTES, PURPOSES, PurposeKeys

PACKAGE_FORMAT = "zichtlijn-key-package/1"
_INFO = b"zichtlijn/v1/key-package"


class KeyPackageError(ValueError):
    """A package that cannot be made or opened; never carries key material."""


def recipient_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """Digest of a certificate's public key: which key a package was sealed to."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:32]


def _point(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.X962,
                                   serialization.PublicFormat.UncompressedPoint)


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode()


def _wrap_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    # both public points in the salt bind the key to this exchange and this recipient
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=_INFO).derive(shared)


def seal_package(keys: PurposeKeys, node: str, recipient: ec.EllipticCurvePublicKey,
                 secret_fingerprint: str) -> bytes:
    """The package file's bytes for `node`, whose certificate carries `recipient`."""
    if not isinstance(recipient, ec.EllipticCurvePublicKey):
        raise KeyPackageError(f"certificate of {node} has no EC key; key packages need EC")
    ephemeral = ec.generate_private_key(recipient.curve)
    ephemeral_point = _point(ephemeral.public_key())
    key = _wrap_key(ephemeral.exchange(ec.ECDH(), recipient), ephemeral_point,
                    _point(recipient))
    nonce = secrets.token_bytes(12)
    header = {
        "format": PACKAGE_FORMAT,
        "node": node,
        "epoch": keys.epoch,
        "key_fingerprint": keys.fingerprint(),
        "secret_fingerprint": secret_fingerprint,
        "recipient": recipient_id(recipient),
        "ephemeral_key": ephemeral_point.hex(),
        "cipher": {"name": "AES-256-GCM", "nonce": nonce.hex()},
    }
    plaintext = _canonical({p: getattr(keys, p).hex() for p in PURPOSES})
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _canonical(header))
    return json.dumps({**header, "ciphertext": ciphertext.hex()}, indent=1).encode() + b"\n"


def _parse(blob: bytes, name: str) -> dict:
    try:
        document = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyPackageError(f"{name}: not a zichtlijn key package") from None
    if not isinstance(document, dict) or document.get("format") != PACKAGE_FORMAT:
        raise KeyPackageError(f"{name}: not a zichtlijn key package")
    for field, kind in (("node", str), ("epoch", int), ("key_fingerprint", str),
                        ("recipient", str), ("ephemeral_key", str), ("ciphertext", str),
                        ("cipher", dict)):
        if not isinstance(document.get(field), kind):
            raise KeyPackageError(f"{name}: damaged key package ({field})")
    return document


def package_node(blob: bytes, name: str = "key package") -> tuple[str, int]:
    """(node, epoch) a package says it is for (authenticated only when opened)."""
    document = _parse(blob, name)
    return document["node"], document["epoch"]


def open_package(blob: bytes, node: str, private_key: ec.EllipticCurvePrivateKey,
                 name: str = "key package") -> PurposeKeys:
    """Open a package with the node's private key; refuses one made for anyone else."""
    document = _parse(blob, name)
    if document["node"] != node:
        raise KeyPackageError(f"{name}: made for {document['node']}, not for this node ({node})")
    if not isinstance(private_key, ec.EllipticCurvePrivateKey):
        raise KeyPackageError(f"{name}: this node's key is not an EC key")
    own = private_key.public_key()
    if document["recipient"] != recipient_id(own):
        raise KeyPackageError(f"{name}: sealed to another certificate of {node}; "
                              "have a package made for the current certificate")
    try:
        ephemeral_point = bytes.fromhex(document["ephemeral_key"])
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(own.curve, ephemeral_point)
        nonce = bytes.fromhex(document["cipher"]["nonce"])
        ciphertext = bytes.fromhex(document.pop("ciphertext"))
    except (KeyError, TypeError, ValueError):
        raise KeyPackageError(f"{name}: damaged key package") from None
    key = _wrap_key(private_key.exchange(ec.ECDH(), ephemeral), ephemeral_point, _point(own))
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, _canonical(document))
    except InvalidTag:
        raise KeyPackageError(f"{name}: key package was altered or damaged") from None
    try:
        hexes = json.loads(plaintext)
        keys = PurposeKeys(epoch=document["epoch"],
                           **{p: bytes.fromhex(hexes[p]) for p in PURPOSES})
    except (KeyError, TypeError, ValueError):
        raise KeyPackageError(f"{name}: damaged key package") from None
    if any(len(k) != KEY_BYTES for k in keys.all_keys()) or not hmac.compare_digest(
            keys.fingerprint(), document["key_fingerprint"]):
        raise KeyPackageError(f"{name}: damaged key package (key fingerprint differs)")
    return keys

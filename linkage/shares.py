"""Shamir k-of-n shares of a linkage secret and their passphrase-sealed form.

Pure functions, bytes in and bytes out: the caller reads and writes files and
asks for passphrases.

pycryptodome's Shamir scheme shares 16-byte secrets (elements of GF(2^128)).
The linkage secret is 32 bytes, so it is split as two independent 16-byte
halves, each with its own random polynomial of degree k-1 and the same
custodian indices; custodian i's share is the concatenation of its two
16-byte points. Any k shares give both halves back, any k-1 give no
information about either half, exactly as for a single 16-byte secret.

A sealed share is a JSON document: a readable header (format, ceremony id,
epoch, threshold k, number of custodians n, index, custodian label, secret
fingerprint, key-derivation parameters) and the share value encrypted with
AES-256-GCM under a key derived from the custodian's passphrase with scrypt.
The whole header is the AEAD's associated data, so changing any field of it
(another epoch, another index) makes the share refuse to open.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from linkage.keys import SECRET_BYTES

SHARE_FORMAT = "zichtlijn-key-share/1"
HALF = 16  # bytes pycryptodome's Shamir shares at once
MAX_CUSTODIANS = 64
FINGERPRINT_CHARS = 32
_CHECK_BYTES = 8
_MAX_SEARCH = 12


class ShareError(ValueError):
    """A share that cannot be used; the message says which and why, never its value."""


class ShareDamaged(ShareError):
    """A share file whose content does not match its seal: the passphrase was right (or
    never reached), so typing it again cannot help; another custodian's share can."""


@dataclass(frozen=True)
class ScryptCost:
    """scrypt work factor: n = 2**log2_n, memory about 128 * r * n bytes."""

    log2_n: int
    r: int = 8
    p: int = 1


# Real ceremonies: 128 MiB and about a third of a second per share on a 2024
# laptop, so guessing a custodian's passphrase offline costs the same per try.
CEREMONY_COST = ScryptCost(log2_n=17)
# Tests only (ZICHTLIJN_INSECURE_TEST_KDF, see README "Key management"): 1 MiB.
TEST_COST = ScryptCost(log2_n=10)
_MIN_LOG2_N, _MAX_LOG2_N = 10, 22


@dataclass(frozen=True)
class ShareHeader:
    """What a share file says about itself before anyone types a passphrase."""

    ceremony: str
    epoch: int
    threshold: int
    custodians: int
    index: int
    custodian: str
    secret_fingerprint: str
    cost: ScryptCost


@dataclass(frozen=True, repr=False)
class Share:
    header: ShareHeader
    value: bytes  # 2 x 16 bytes: this custodian's point on each half's polynomial

    def __repr__(self) -> str:  # a share's value must never reach a log or traceback
        return f"Share(epoch={self.header.epoch}, index={self.header.index}, <redacted>)"


def secret_fingerprint(secret: bytes, epoch: int) -> str:
    """Public digest of a linkage secret: tells shares of different secrets apart."""
    digest = hashlib.sha256(b"zichtlijn/v1/secret-fingerprint\x00" + epoch.to_bytes(4, "big"))
    digest.update(secret)
    return digest.hexdigest()[:FINGERPRINT_CHARS]


def split_secret(
    secret: bytes, epoch: int, threshold: int, custodians: int, labels: Sequence[str] = ()
) -> list[Share]:
    """Split a 32-byte secret into `custodians` shares, any `threshold` of which rebuild it."""
    if len(secret) != SECRET_BYTES:
        raise ShareError(f"linkage secret must be {SECRET_BYTES} bytes")
    if not 2 <= threshold <= custodians <= MAX_CUSTODIANS:
        raise ShareError(f"need 2 <= threshold <= custodians <= {MAX_CUSTODIANS}, "
                         f"got threshold {threshold} of {custodians}")
    if labels and len(labels) != custodians:
        raise ShareError(f"{len(labels)} custodian names for {custodians} custodians")
    names = list(labels) or [f"custodian-{i}" for i in range(1, custodians + 1)]
    ceremony = secrets.token_hex(8)
    fingerprint = secret_fingerprint(secret, epoch)
    halves = [Shamir.split(threshold, custodians, secret[i : i + HALF])
              for i in range(0, SECRET_BYTES, HALF)]
    shares = []
    for position, name in enumerate(names):
        index = halves[0][position][0]
        value = b"".join(half[position][1] for half in halves)
        header = ShareHeader(ceremony, epoch, threshold, custodians, index, name, fingerprint,
                             CEREMONY_COST)
        shares.append(Share(header, value))
    return shares


def _check_together(headers: Sequence[ShareHeader], names: Sequence[str]) -> None:
    first, first_name = headers[0], names[0]
    for header, name in zip(headers[1:], names[1:], strict=True):
        if header.epoch != first.epoch:
            raise ShareError(f"{name} is a share of epoch {header.epoch}, "
                             f"{first_name} of epoch {first.epoch}")
        if (header.ceremony, header.secret_fingerprint) != (first.ceremony,
                                                             first.secret_fingerprint):
            raise ShareError(f"{name} and {first_name} come from different ceremonies "
                             f"for epoch {first.epoch}")
        if (header.threshold, header.custodians) != (first.threshold, first.custodians):
            raise ShareError(f"{name} and {first_name} disagree on the threshold")
    seen: dict[int, str] = {}
    for header, name in zip(headers, names, strict=True):
        if header.index in seen:
            raise ShareError(f"{name} and {seen[header.index]} are the same share "
                             f"(custodian {header.index})")
        seen[header.index] = name


def check_headers(headers: Sequence[ShareHeader], names: Sequence[str],
                  epoch: int | None = None) -> ShareHeader:
    """Refuse, before any passphrase is asked, shares that cannot work together."""
    if not headers:
        raise ShareError("no shares given")
    _check_together(headers, names)
    first = headers[0]
    if epoch is not None and first.epoch != epoch:
        raise ShareError(f"{names[0]} is a share of epoch {first.epoch}, not epoch {epoch}")
    if len(headers) < first.threshold:
        raise ShareError(f"{first.threshold} shares of epoch {first.epoch} are needed "
                         f"({first.threshold} of {first.custodians}), {len(headers)} given")
    return first


def _combine(shares: Sequence[Share]) -> bytes:
    halves = []
    for offset in range(0, SECRET_BYTES, HALF):
        points = [(s.header.index, s.value[offset : offset + HALF]) for s in shares]
        halves.append(Shamir.combine(points))
    return b"".join(halves)


def _fits(shares: Sequence[Share]) -> bytes | None:
    secret = _combine(shares)
    expected = shares[0].header
    if hmac.compare_digest(secret_fingerprint(secret, expected.epoch),
                           expected.secret_fingerprint):
        return secret
    return None


def combine_shares(shares: Sequence[Share], names: Sequence[str] | None = None) -> bytes:
    """Rebuild the secret from at least k shares and prove it by its fingerprint.

    Every share given must fit: a share that opens (right passphrase) but
    does not lie on the ceremony's polynomials was altered by its holder or
    damaged, and is named so it can be left out.
    """
    names = list(names) if names is not None else [f"share {s.header.index}" for s in shares]
    check_headers([s.header for s in shares], names)
    k = shares[0].header.threshold
    ordered = sorted(zip(shares, names, strict=True), key=lambda pair: pair[0].header.index)
    base = [s for s, _ in ordered[:k]]
    secret = _fits(base)
    if secret is not None:
        for share, name in ordered[k:]:
            if _fits([*base[: k - 1], share]) is None:
                raise ShareError(f"{name} does not fit the other shares (altered or damaged); "
                                 "leave it out")
        return secret
    # few custodians are ever present at once, so trying every k-subset stays cheap
    subsets = itertools.combinations(ordered, k) if len(ordered) <= _MAX_SEARCH else ()
    for subset in subsets:
        fitting = [s for s, _ in subset]
        if _fits(fitting) is not None:
            # only the shares off the polynomial of a fitting subset are bad, not every
            # share outside it
            inside = {n for _, n in subset}
            bad = [name for share, name in ordered
                   if name not in inside and _fits([*fitting[: k - 1], share]) is None]
            raise ShareError(f"{', '.join(bad)} does not fit the other shares "
                             "(altered or damaged); leave it out")
    raise ShareError(f"the shares do not rebuild the secret of epoch {shares[0].header.epoch} "
                     f"(fingerprint {shares[0].header.secret_fingerprint[:16]}): "
                     "at least one share was altered or damaged")


# -- sealing under a passphrase ---------------------------------------------------------


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode()


def _derive(passphrase: str, salt: bytes, cost: ScryptCost) -> tuple[bytes, bytes]:
    # NFC so that the same passphrase typed on another keyboard or OS gives the same key
    normalised = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    out = Scrypt(salt=salt, length=32 + _CHECK_BYTES, n=2**cost.log2_n, r=cost.r,
                 p=cost.p).derive(normalised)
    return out[:32], out[32:]


def _header_document(header: ShareHeader, salt: bytes, nonce: bytes, check: bytes) -> dict:
    return {
        "format": SHARE_FORMAT,
        "ceremony": header.ceremony,
        "epoch": header.epoch,
        "threshold": header.threshold,
        "custodians": header.custodians,
        "index": header.index,
        "custodian": header.custodian,
        "secret_fingerprint": header.secret_fingerprint,
        "kdf": {"name": "scrypt", "log2_n": header.cost.log2_n, "r": header.cost.r,
                "p": header.cost.p, "salt": salt.hex()},
        "cipher": {"name": "AES-256-GCM", "nonce": nonce.hex()},
        # a short slice of the KDF output so a wrong passphrase is told apart from an
        # altered file; it costs an attacker the same scrypt run as trying the AEAD
        "passphrase_check": check.hex(),
    }


def seal_share(share: Share, passphrase: str, cost: ScryptCost = CEREMONY_COST) -> bytes:
    """The share file's bytes: header in clear, value under the custodian's passphrase."""
    if not passphrase:
        raise ShareError("empty passphrase")
    header = ShareHeader(**{**share.header.__dict__, "cost": cost})
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key, check = _derive(passphrase, salt, cost)
    document = _header_document(header, salt, nonce, check)
    ciphertext = AESGCM(key).encrypt(nonce, share.value, _canonical(document))
    return json.dumps({**document, "ciphertext": ciphertext.hex()}, indent=1).encode() + b"\n"


def _parse(blob: bytes, name: str) -> tuple[dict, ShareHeader]:
    try:
        document = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ShareError(f"{name}: not a zichtlijn share file") from None
    if not isinstance(document, dict) or document.get("format") != SHARE_FORMAT:
        raise ShareError(f"{name}: not a zichtlijn share file")
    try:
        kdf = document["kdf"]
        cost = ScryptCost(int(kdf["log2_n"]), int(kdf["r"]), int(kdf["p"]))
        header = ShareHeader(
            ceremony=str(document["ceremony"]),
            epoch=int(document["epoch"]),
            threshold=int(document["threshold"]),
            custodians=int(document["custodians"]),
            index=int(document["index"]),
            custodian=str(document["custodian"]),
            secret_fingerprint=str(document["secret_fingerprint"]),
            cost=cost,
        )
    except (KeyError, TypeError, ValueError):
        raise ShareError(f"{name}: damaged share file (header unreadable)") from None
    if (kdf.get("name") != "scrypt" or not _MIN_LOG2_N <= cost.log2_n <= _MAX_LOG2_N
            or not 1 <= cost.r <= 32 or not 1 <= cost.p <= 16):
        raise ShareError(f"{name}: damaged share file (unsupported key derivation)")
    if not 1 <= header.index <= header.custodians or header.threshold < 2:
        raise ShareError(f"{name}: damaged share file (index or threshold out of range)")
    return document, header


def read_header(blob: bytes, name: str = "share") -> ShareHeader:
    """The header of a share file (not yet authenticated: that needs the passphrase)."""
    return _parse(blob, name)[1]


def open_share(blob: bytes, passphrase: str, name: str = "share") -> Share:
    """Decrypt a share file; a wrong passphrase or any altered byte is refused."""
    document, header = _parse(blob, name)
    try:
        salt = bytes.fromhex(document["kdf"]["salt"])
        nonce = bytes.fromhex(document["cipher"]["nonce"])
        check = bytes.fromhex(document["passphrase_check"])
        ciphertext = bytes.fromhex(document.pop("ciphertext"))
    except (KeyError, TypeError, ValueError):
        raise ShareDamaged(f"{name}: damaged share file") from None
    key, expected_check = _derive(passphrase, salt, header.cost)
    if not hmac.compare_digest(check, expected_check):
        raise ShareError(f"{name}: wrong passphrase for custodian {header.index} "
                         f"({header.custodian})")
    try:
        value = AESGCM(key).decrypt(nonce, ciphertext, _canonical(document))
    except InvalidTag:  # the passphrase check above passed: the file, not the typing
        raise ShareDamaged(f"{name}: share file was altered or damaged "
                         "(its content does not match its seal)") from None
    if len(value) != SECRET_BYTES:
        raise ShareDamaged(f"{name}: damaged share file")
    return Share(header, value)

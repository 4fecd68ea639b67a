"""Packed bit vectors: all-pairs Dice above a threshold, and unpacking for attacks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pack(filters: Sequence[bytes]) -> np.ndarray:
    """Equal-length byte strings as rows of uint64 words (zero-padded to 64 bits)."""
    width = max((len(f) for f in filters), default=8)
    width += -width % 8
    out = np.zeros((len(filters), width), dtype=np.uint8)
    for row, f in enumerate(filters):
        out[row, : len(f)] = np.frombuffer(f, dtype=np.uint8)
    return out.view("<u8")


def unpack(words: np.ndarray, bits: int | None = None) -> np.ndarray:
    """Rows of uint64 words as a 0/1 uint8 matrix (little-endian bit order)."""
    as_bytes = np.ascontiguousarray(words).view(np.uint8)
    out = np.unpackbits(as_bytes, axis=1, bitorder="little")
    return out if bits is None else out[:, :bits]


def dice_above(words: np.ndarray, threshold: float,
               block: int = 512) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs i < j with Dice >= threshold: (i, j, dice), by blocks of rows."""
    counts = np.bitwise_count(words).sum(axis=1).astype(np.int64)
    n = len(words)
    lefts, rights, sims = [], [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        common = np.zeros((stop - start, n), dtype=np.int64)
        for w in range(words.shape[1]):  # word by word keeps the intermediate small
            common += np.bitwise_count(words[start:stop, w, None] & words[None, :, w])
        total = counts[start:stop, None] + counts[None, :]
        dice = np.where(total > 0, 2.0 * common / np.maximum(total, 1), 0.0)
        rows = np.arange(start, stop)[:, None]
        keep = (dice >= threshold) & (np.arange(n)[None, :] > rows)
        i, j = np.nonzero(keep)
        lefts.append(i + start)
        rights.append(j)
        sims.append(dice[i, j])
    if not lefts:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0),)
    return np.concatenate(lefts), np.concatenate(rights), np.concatenate(sims)

"""Compiled Dice kernels on packed filters (numba): the hub's inner loops.

numpy's `bitwise_count` needs a temporary array per pair batch and gathers
rows twice; these loops AND and count the words of two filters in
registers. numba compiles them on first use (cached next to this module),
so no C compiler is needed on the machine. Popcount is written as the
SWAR bit trick, which LLVM vectorises; measured faster here than the LLVM
ctpop intrinsic without target flags.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@njit(inline="always", cache=True)
def _popcount(x: np.uint64) -> np.uint64:
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return (x * _H01) >> np.uint64(56)


@njit(nogil=True, cache=True)
def dice_pairs(filters: np.ndarray, popcounts: np.ndarray, left: np.ndarray,
               right: np.ndarray) -> np.ndarray:
    """Dice of (filters[left[k]], filters[right[k]]) for every k."""
    out = np.empty(left.shape[0], dtype=np.float64)
    words = filters.shape[1]
    for k in range(left.shape[0]):
        i = left[k]
        j = right[k]
        common = np.uint64(0)
        for w in range(words):
            common += _popcount(filters[i, w] & filters[j, w])
        total = popcounts[i] + popcounts[j]
        out[k] = 2.0 * common / total if total > 0 else 0.0
    return out


@njit(nogil=True, cache=True)
def dice_block_candidates(filters: np.ndarray, popcounts: np.ndarray, first: int, stop: int,
                          threshold: float, out_left: np.ndarray,
                          out_right: np.ndarray) -> int:
    """All pairs (i, j), first <= i < stop, i < j, with Dice >= threshold.

    Four query rows share each load of a candidate row (register blocking).
    Returns how many pairs were written; stops early when the output is full.
    """
    n_rows, words = filters.shape
    found = 0
    capacity = out_left.shape[0]
    for base in range(first, stop, 4):
        width = min(4, stop - base)
        for j in range(base + 1, n_rows):
            c0 = np.uint64(0)
            c1 = np.uint64(0)
            c2 = np.uint64(0)
            c3 = np.uint64(0)
            for w in range(words):
                f = filters[j, w]
                c0 += _popcount(filters[base, w] & f)
                if width > 1:
                    c1 += _popcount(filters[base + 1, w] & f)
                if width > 2:
                    c2 += _popcount(filters[base + 2, w] & f)
                if width > 3:
                    c3 += _popcount(filters[base + 3, w] & f)
            counts = (c0, c1, c2, c3)
            for q in range(width):
                i = base + q
                if j > i and 2.0 * counts[q] >= threshold * (popcounts[i] + popcounts[j]):
                    if found == capacity:
                        return found
                    out_left[found] = i
                    out_right[found] = j
                    found += 1
    return found


@njit(nogil=True, cache=True)
def diffuse_packed(raw: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Packed (little bit order) filter whose bit j is the XOR of raw's bits at taps[j]."""
    size = taps.shape[0]
    out = np.zeros(size // 8, dtype=np.uint8)
    for j in range(size):
        bit = 0
        for t in range(taps.shape[1]):
            position = taps[j, t]
            bit ^= (raw[position >> 3] >> (position & 7)) & 1
        if bit:
            out[j >> 3] |= np.uint8(1 << (j & 7))
    return out


@njit(nogil=True, cache=True)
def diffuse_words(raw: np.ndarray, columns: np.ndarray, out: np.ndarray) -> None:
    """`diffuse_packed` of many filters at once, as little-endian uint64 words.

    Diffusion is linear over GF(2): the output is the XOR, over the set input bits b,
    of column b (the output bits that tap b; `diffusion_columns`). A raw name filter
    sets about a sixth of its bits, so this touches far less than gathering every
    tap of every output bit, and one call for a whole batch saves the per-call cost.
    """
    n, words = raw.shape
    for r in range(n):
        for q in range(words):
            out[r, q] = 0
        for w in range(words):
            x = raw[r, w]
            while x:
                low = x & (~x + np.uint64(1))
                x ^= low
                # index of the lowest set bit, by halving (no portable ctz in numba)
                k = 0
                if low >= np.uint64(1 << 32):
                    low >>= np.uint64(32)
                    k += 32
                if low >= np.uint64(1 << 16):
                    low >>= np.uint64(16)
                    k += 16
                if low >= np.uint64(1 << 8):
                    low >>= np.uint64(8)
                    k += 8
                if low >= np.uint64(1 << 4):
                    low >>= np.uint64(4)
                    k += 4
                if low >= np.uint64(1 << 2):
                    low >>= np.uint64(2)
                    k += 2
                if low >= np.uint64(2):
                    k += 1
                column = w * 64 + k
                for q in range(words):
                    out[r, q] ^= columns[column, q]


@njit(nogil=True, cache=True)
def filter_bands(filters: np.ndarray, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(len(rows), bands) band values: bit b of band k is filter bit positions[k, b].

    Bit sampling for locality-sensitive hashing (linkage/blocking.py); one pass
    over each row's words, where numpy would build a (rows x bits) temporary.
    """
    bands, width = positions.shape
    out = np.zeros((rows.shape[0], bands), dtype=np.uint64)
    for k in range(rows.shape[0]):
        row = rows[k]
        for band in range(bands):
            value = np.uint64(0)
            for bit in range(width):
                position = positions[band, bit]
                word = filters[row, position >> 6]
                value |= ((word >> np.uint64(position & 63)) & np.uint64(1)) << np.uint64(bit)
            out[k, band] = value
    return out

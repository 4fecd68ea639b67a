"""RFC 9162 (Certificate Transparency v2) section 2.1 Merkle tree, storage-agnostic.

The tree is kept as its *perfect subtree hashes*, addressed ``(level, index)``:
level 0 holds the leaf hashes and node ``(L, i)`` is the hash of leaves
``[i * 2**L, (i + 1) * 2**L)``. Such a node never changes once the log has
grown past it, so a store only ever inserts rows, and the Merkle tree hash of
any prefix of the log (and of every node the RFC proofs need) is the
right-to-left combination of O(log n) of them.

Nothing here performs I/O: the hub implements :class:`SubtreeStore` on top of
SQLite, writes the rows returned by :func:`append` in the same transaction as
the log entries, and asks :func:`inclusion_proof` / :func:`consistency_proof`
for receipts. :class:`MemoryTree` is the in-memory store used by tests and by
offline audit verification.

Error convention: functions that *produce* hashes or proofs raise
``ValueError`` for impossible arguments (negative sizes, index >= size,
old_size > new_size). The ``verify_*`` functions never raise for bad values;
anything that does not verify, including out-of-range sizes and wrongly sized
hashes, returns ``False``, because their inputs come from untrusted parties.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MemoryTree",
    "SubtreeStore",
    "append",
    "consistency_plan",
    "consistency_proof",
    "inclusion_plan",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_subtrees",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Address = tuple[int, int]

_sha256 = hashlib.sha256


class SubtreeStore(Protocol):
    """Read access to stored perfect subtree hashes.

    ``subtree(level, index)`` returns the hash of leaves
    ``[index * 2**level, (index + 1) * 2**level)``. The functions in this module
    only ask for nodes that lie entirely inside the tree size they are given, so
    a store may raise ``KeyError`` (or any ``LookupError``) for anything else.
    """

    def subtree(self, level: int, index: int) -> bytes: ...


def leaf_hash(entry: bytes) -> bytes:
    """MTH of a one-entry list: SHA-256(0x00 || entry); the prefix separates leaves from nodes."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Interior node hash SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``): the RFC's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


def range_subtrees(start: int, end: int) -> list[Address]:
    """Perfect subtrees, left to right, whose right-to-left combination is MTH(D[start:end]).

    ``start`` must be a multiple of the largest power of two not exceeding
    ``end - start``; every node of the RFC tree over any log prefix satisfies
    this, which is why O(log n) stored subtrees are enough for any proof.
    """
    n = end - start
    if start < 0 or n <= 0:
        raise ValueError(f"empty or negative range [{start}, {end})")
    top = n.bit_length() - 1
    if start & ((1 << top) - 1):
        raise ValueError(f"range [{start}, {end}) is not a node of any RFC 9162 tree")
    out: list[Address] = []
    pos = start
    for level in range(top, -1, -1):
        if n >> level & 1:
            out.append((level, pos >> level))
            pos += 1 << level
    return out


def _combine(hashes: Sequence[bytes]) -> bytes:
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def _fetch(plan: list[list[Address]], store: SubtreeStore) -> list[bytes]:
    return [_combine([store.subtree(level, index) for level, index in elem]) for elem in plan]


def _check_hashes(hashes: Sequence[bytes]) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes, got {len(h)}")


def _append_runs(
    size: int, store: SubtreeStore, leaf_hashes: Sequence[bytes]
) -> list[tuple[int, int, list[bytes]]]:
    """New nodes as runs ``(level, first_index, hashes)`` with consecutive indices."""
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    _check_hashes(leaf_hashes)
    runs: list[tuple[int, int, list[bytes]]] = []
    level, first, current = 0, size, list(leaf_hashes)
    while current:
        runs.append((level, first, current))
        if first & 1:
            current = [store.subtree(level, first - 1), *current]
            first -= 1
        current = [
            _sha256(b"\x01" + left + right).digest()
            for left, right in zip(current[0::2], current[1::2], strict=False)
        ]
        level += 1
        first >>= 1
    return runs


def append(
    size: int, store: SubtreeStore, leaf_hashes: Sequence[bytes]
) -> list[tuple[int, int, bytes]]:
    """Every perfect-subtree node ``(level, index, hash)`` created by appending ``leaf_hashes``.

    ``store`` must hold the tree of ``size`` leaves; it is read at most once per
    level and never needs the nodes of this batch, so the caller can persist the
    result in the same transaction as the entries. Ordered by level, then index;
    level 0 is the leaf hashes themselves.
    """
    return [
        (level, first + offset, h)
        for level, first, hashes in _append_runs(size, store, leaf_hashes)
        for offset, h in enumerate(hashes)
    ]


def root(size: int, store: SubtreeStore) -> bytes:
    """MTH of the first ``size`` leaves (``EMPTY_ROOT`` for 0) from at most log2(size)+1 lookups."""
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    if size == 0:
        return EMPTY_ROOT
    return _fetch([range_subtrees(0, size)], store)[0]


def inclusion_plan(index: int, size: int) -> list[list[Address]]:
    """Subtree addresses behind each element of PATH(index, D[size]), so a store can batch reads.

    Element ``j`` of the proof is the right-to-left combination of ``plan[j]``.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} not in a tree of size {size}")
    plan: list[list[Address]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            plan.append(range_subtrees(lo + k, hi))
            hi = lo + k
        else:
            plan.append(range_subtrees(lo, lo + k))
            lo += k
    plan.reverse()
    return plan


def inclusion_proof(index: int, size: int, store: SubtreeStore) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(index, D[size]): audit path proving leaf ``index`` is in the tree."""
    return _fetch(inclusion_plan(index, size), store)


def consistency_plan(old_size: int, new_size: int) -> list[list[Address]]:
    """Subtree addresses behind each element of PROOF(old_size, D[new_size]); see inclusion_plan."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    plan: list[list[Address]] = []
    lo, hi, whole = 0, new_size, True
    while old_size != hi:
        k = _split(hi - lo)
        if old_size <= lo + k:
            plan.append(range_subtrees(lo + k, hi))
            hi = lo + k
        else:
            plan.append(range_subtrees(lo, lo + k))
            lo += k
            whole = False
    if not whole:
        plan.append(range_subtrees(lo, hi))
    plan.reverse()
    return plan


def consistency_proof(old_size: int, new_size: int, store: SubtreeStore) -> list[bytes]:
    """RFC 9162 2.1.4.1 PROOF(old_size, D[new_size]); empty when old_size is 0 or new_size."""
    return _fetch(consistency_plan(old_size, new_size), store)


def _all_hashes(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes | bytearray) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does ``proof`` show ``leaf_hash`` at ``index`` in the tree with ``root``?

    As in the RFC, the root hash is what is authenticated: a proof can also
    verify for another ``size`` whose tree has the same shape along this path,
    so always take ``size`` and ``root`` together from one signed checkpoint.
    """
    if not (0 <= index < size) or not _all_hashes(leaf_hash, root, *proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: is the tree (new_size, new_root) an append-only extension of the old one?

    The RFC algorithm covers ``0 < old_size < new_size``. Outside it: equal
    sizes need an empty proof and equal roots; ``old_size == 0`` needs an empty
    proof and ``old_root == EMPTY_ROOT`` (every tree extends the empty one);
    ``old_size > new_size`` or negative sizes are False.
    """
    if not (0 <= old_size <= new_size) or not _all_hashes(old_root, new_root, *proof):
        return False
    if old_size == 0 and old_root != EMPTY_ROOT:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


class MemoryTree:
    """In-memory :class:`SubtreeStore` holding every perfect subtree as plain lists.

    Building is level by level with hashlib, about two SHA-256 calls per entry,
    so ``zichtlijn audit verify`` can recompute a 1,000,000-entry log in seconds.
    """

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MemoryTree:
        """Tree over the given raw log entries, in order."""
        tree = cls()
        tree.append_entries(entries)
        return tree

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0]) if self._levels else 0

    def subtree(self, level: int, index: int) -> bytes:
        """Stored perfect subtree hash; KeyError if that node does not exist (yet)."""
        if level < 0 or index < 0 or level >= len(self._levels):
            raise KeyError((level, index))
        nodes = self._levels[level]
        if index >= len(nodes):
            raise KeyError((level, index))
        return nodes[index]

    def append_entries(self, entries: Iterable[bytes]) -> None:
        """Append raw entries (hashed with :func:`leaf_hash`)."""
        self.append_leaf_hashes([_sha256(b"\x00" + e).digest() for e in entries])

    def append_leaf_hashes(self, leaf_hashes: Sequence[bytes]) -> None:
        """Append already-hashed leaves."""
        for level, first, hashes in _append_runs(self.size, self, leaf_hashes):
            if level == len(self._levels):
                self._levels.append([])
            if len(self._levels[level]) != first:
                raise AssertionError("MemoryTree levels out of step")
            self._levels[level].extend(hashes)

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all)."""
        return root(self._size(size), self)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) (default size: all leaves)."""
        return inclusion_proof(index, self._size(size), self)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) (default new_size: all leaves)."""
        return consistency_proof(old_size, self._size(new_size), self)

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if size > self.size:
            raise ValueError(f"tree has {self.size} leaves, not {size}")
        return size

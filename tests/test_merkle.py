"""RFC 9162 Merkle tree: published vectors, the RFC's recursive definitions, tamper detection."""

from __future__ import annotations

import hashlib
import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import merkle
from linkage.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    append,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_subtrees,
    root,
    verify_consistency,
    verify_inclusion,
)

# Test vectors of transparency-dev/merkle (testonly/constants.go, proof/verify_test.go),
# the same ones used by google/certificate-transparency.
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

NODE_HASHES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]

# (leaf index, tree size, proof); the source lists 1-based leaf numbers.
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


def _hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


# Reference implementation: RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 transcribed literally.


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(n)
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def reference_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*reference_path(m, d[:k]), mth(d[k:])]
    return [*reference_path(m - k, d[k:]), mth(d[:k])]


def _subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*_subproof(m, d[:k], b), mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), mth(d[:k])]


def reference_proof(m: int, d: list[bytes]) -> list[bytes]:
    return _subproof(m, d, True)


ENTRIES = [hashlib.sha256(i.to_bytes(4, "big")).digest()[: i % 17] for i in range(512)]
TREE = MemoryTree.from_entries(ENTRIES)


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


class DictStore:
    """SubtreeStore over a dict that counts reads, like a database table keyed by (level, index)."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.reads = 0

    def subtree(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.nodes[(level, index)]


# Published vectors.


def test_hash_primitives() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert leaf_hash(b"").hex() == NODE_HASHES[0][0]
    assert node_hash(leaf_hash(LEAVES[0]), leaf_hash(LEAVES[1])).hex() == NODE_HASHES[1][0]


def test_roots_for_every_size() -> None:
    tree = MemoryTree()
    assert tree.root() == EMPTY_ROOT
    for size, entry in enumerate(LEAVES, start=1):
        tree.append_entries([entry])
        assert tree.root().hex() == ROOTS[size]
    for size in range(9):
        assert tree.root(size).hex() == ROOTS[size]
        assert mth(LEAVES[:size]).hex() == ROOTS[size]


def test_stored_perfect_subtrees_match_vectors() -> None:
    tree = MemoryTree.from_entries(LEAVES)
    for level, hashes in enumerate(NODE_HASHES):
        assert [tree.subtree(level, i).hex() for i in range(len(hashes))] == hashes
    with pytest.raises(KeyError):
        tree.subtree(3, 1)
    with pytest.raises(KeyError):
        tree.subtree(0, -1)


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION_VECTORS)
def test_inclusion_vectors(index: int, size: int, expected: list[str]) -> None:
    tree = MemoryTree.from_entries(LEAVES)
    proof = tree.inclusion_proof(index, size)
    assert _hexes(proof) == expected
    assert verify_inclusion(
        leaf_hash(LEAVES[index]), index, size, proof, bytes.fromhex(ROOTS[size])
    )


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY_VECTORS)
def test_consistency_vectors(old: int, new: int, expected: list[str]) -> None:
    tree = MemoryTree.from_entries(LEAVES)
    proof = tree.consistency_proof(old, new)
    assert _hexes(proof) == expected
    assert verify_consistency(old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), proof)


# Edge cases and argument errors.


def test_consistency_edge_cases() -> None:
    r1, r2 = bytes.fromhex(ROOTS[1]), bytes.fromhex(ROOTS[2])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, r2, [])
    assert not verify_consistency(0, 0, r1, r1, [])
    assert not verify_consistency(0, 5, r1, r2, [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, r2, [EMPTY_ROOT])
    assert verify_consistency(1, 1, r1, r1, [])
    assert not verify_consistency(1, 1, r1, r2, [])
    assert not verify_consistency(1, 1, r1, r1, [r1])
    assert not verify_consistency(1, 2, r1, r2, [])
    assert not verify_consistency(2, 1, r2, r1, [])
    assert not verify_consistency(-1, 1, r1, r1, [])
    assert not verify_consistency(1, 2, r1[:31], r2, [leaf_hash(LEAVES[1])])
    assert verify_consistency(1, 2, r1, r2, [leaf_hash(LEAVES[1])])


def test_inclusion_edge_cases() -> None:
    h = leaf_hash(b"data")
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(h, 0, 0, [], h)
    assert not verify_inclusion(h, 1, 1, [], h)
    assert not verify_inclusion(h, -1, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], EMPTY_ROOT)
    assert not verify_inclusion(b"", 0, 1, [], b"")
    assert not verify_inclusion(h, 0, 2, [b"short"], h)


def test_producers_reject_impossible_arguments() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(8, 8, TREE)
    with pytest.raises(ValueError):
        inclusion_proof(-1, 8, TREE)
    with pytest.raises(ValueError):
        consistency_proof(9, 8, TREE)
    with pytest.raises(ValueError):
        root(-1, TREE)
    with pytest.raises(ValueError):
        range_subtrees(2, 6)
    with pytest.raises(ValueError):
        TREE.root(TREE.size + 1)
    with pytest.raises(ValueError):
        append(0, DictStore(), [b"too short"])
    assert consistency_proof(0, 8, TREE) == []
    assert consistency_proof(8, 8, TREE) == []


def test_range_subtrees_decomposition() -> None:
    assert range_subtrees(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert range_subtrees(8, 13) == [(2, 2), (0, 12)]
    assert range_subtrees(12, 16) == [(2, 3)]


def test_rfc_verification_does_not_bind_size_without_the_root() -> None:
    """Documented RFC property: the root, not the size, is what a proof is checked against.

    A path for leaf 0 in the 7-leaf tree has the same shape as in the 6-leaf
    tree, so it verifies for size 6 against the *7-leaf* root, and never
    against the real 6-leaf root. Checkpoints carry size and root together.
    """
    proof = TREE.inclusion_proof(0, 7)
    h = TREE.subtree(0, 0)
    assert verify_inclusion(h, 0, 6, proof, TREE.root(7))
    assert not verify_inclusion(h, 0, 6, proof, TREE.root(6))


# Property-based: store-based code equals the RFC definitions and resists tampering.

sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), size=sizes, bit=st.integers(0, 255))
def test_inclusion_matches_rfc_and_detects_tampering(
    data: st.DataObject, size: int, bit: int
) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    entries = ENTRIES[:size]
    proof = inclusion_proof(index, size, TREE)
    tree_root = root(size, TREE)
    leaf = leaf_hash(entries[index])
    assert tree_root == mth(entries)
    assert proof == reference_path(index, entries)
    assert verify_inclusion(leaf, index, size, proof, tree_root)

    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = _flip(bad[i], bit)
        assert not verify_inclusion(leaf, index, size, bad, tree_root)
    assert not verify_inclusion(leaf, index, size, [*proof, tree_root], tree_root)
    assert not verify_inclusion(leaf, index, size, [tree_root, *proof], tree_root)
    if proof:
        assert not verify_inclusion(leaf, index, size, proof[:-1], tree_root)
    assert not verify_inclusion(_flip(leaf, bit), index, size, proof, tree_root)
    assert not verify_inclusion(leaf, index, size, proof, _flip(tree_root, bit))
    for other in (size * 2, size // 2):
        assert not verify_inclusion(leaf, index, other, proof, tree_root)
    for b in range(9):
        assert not verify_inclusion(leaf, index ^ (1 << b), size, proof, tree_root)
        other = size ^ (1 << b)
        if other >= 1:
            assert not verify_inclusion(leaf, index, other, proof, root(other, TREE))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), new=sizes, bit=st.integers(0, 255))
def test_consistency_matches_rfc_and_detects_tampering(
    data: st.DataObject, new: int, bit: int
) -> None:
    old = data.draw(st.integers(1, new), label="old")
    entries = ENTRIES[:new]
    proof = consistency_proof(old, new, TREE)
    old_root, new_root = root(old, TREE), root(new, TREE)
    assert old_root == mth(entries[:old])
    assert proof == reference_proof(old, entries)
    assert verify_consistency(old, new, old_root, new_root, proof)

    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = _flip(bad[i], bit)
        assert not verify_consistency(old, new, old_root, new_root, bad)
    assert not verify_consistency(old, new, _flip(old_root, bit), new_root, proof)
    assert not verify_consistency(old, new, old_root, _flip(new_root, bit), proof)
    if proof:
        assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
        assert not verify_consistency(old, new, old_root, new_root, [*proof, new_root])
        assert not verify_consistency(old, new, old_root, new_root, [proof[0], *proof])
        assert not verify_consistency(old, new, new_root, old_root, proof)
        assert not verify_consistency(old, new, old_root, new_root, [old_root, *proof])
        assert not verify_consistency(old, new, old_root, new_root, [new_root, *proof])
        for other_old in (old * 2, old // 2, old + 1, old - 1):
            assert not verify_consistency(other_old, new, old_root, new_root, proof)
        for other_new in (new * 2, new // 2):
            assert not verify_consistency(old, other_new, old_root, new_root, proof)
    for b in range(9):
        other_old = old ^ (1 << b)
        if 0 <= other_old <= new and not (other_old == 0 and not proof):
            assert not verify_consistency(other_old, new, root(other_old, TREE), new_root, proof)
        other_new = new ^ (1 << b)
        if old <= other_new:
            assert not verify_consistency(old, other_new, old_root, root(other_new, TREE), proof)


@settings(max_examples=100, deadline=None)
@given(
    size=st.integers(0, 300),
    cuts=st.lists(st.integers(0, 300), max_size=6),
)
def test_append_in_batches_equals_one_batch(size: int, cuts: list[int]) -> None:
    bounds = sorted({0, size, *(c for c in cuts if c <= size)})
    store = DictStore()
    for lo, hi in itertools.pairwise(bounds):
        store.reads = 0
        created = append(lo, store, [leaf_hash(e) for e in ENTRIES[lo:hi]])
        assert store.reads <= max(hi, 1).bit_length()
        keys = [(level, index) for level, index, _ in created]
        assert len(set(keys)) == len(keys)
        assert not set(keys) & store.nodes.keys()
        assert [k[0] for k in keys] == sorted(k[0] for k in keys)
        store.nodes.update(((level, index), h) for level, index, h in created)
        assert root(hi, store) == mth(ENTRIES[:hi])
        assert append(hi, store, []) == []

    whole = DictStore()
    whole.nodes.update(
        ((level, index), h)
        for level, index, h in append(0, whole, [leaf_hash(e) for e in ENTRIES[:size]])
    )
    assert store.nodes == whole.nodes
    expected = {
        (level, index) for level in range(size.bit_length()) for index in range(size >> level)
    }
    assert store.nodes.keys() == expected
    assert all(store.nodes[(lv, i)] == TREE.subtree(lv, i) for lv, i in expected)


def test_memory_tree_incremental_equals_bulk() -> None:
    tree = MemoryTree()
    for lo, hi in [(0, 1), (1, 2), (2, 7), (7, 64), (64, 65), (65, 512)]:
        tree.append_entries(ENTRIES[lo:hi])
        assert tree.root() == TREE.root(hi)
    assert tree.size == TREE.size == 512
    assert all(
        tree.subtree(level, i) == TREE.subtree(level, i)
        for level in range(10)
        for i in range(512 >> level)
    )


@pytest.mark.slow
def test_million_entries_build_and_proof_cost() -> None:
    """Audit replay builds 1e6 leaves quickly; proofs need O(log n) store reads."""
    n = 1_000_000
    started = time.perf_counter()
    tree = MemoryTree.from_entries(i.to_bytes(8, "big") for i in range(n))
    assert time.perf_counter() - started < 60

    class Counting:
        reads = 0

        def subtree(self, level: int, index: int) -> bytes:
            Counting.reads += 1
            return tree.subtree(level, index)

    store = Counting()
    bound = 2 * n.bit_length()
    started = time.perf_counter()
    for i in range(0, n, 4999):
        Counting.reads = 0
        proof = inclusion_proof(i, n, store)
        assert Counting.reads <= bound
        assert verify_inclusion(tree.subtree(0, i), i, n, proof, tree.root())
        Counting.reads = 0
        old = i + 1
        cproof = consistency_proof(old, n, store)
        assert Counting.reads <= bound
        assert verify_consistency(old, n, tree.root(old), tree.root(), cproof)
    assert merkle.root(n, tree) == tree.root()
    assert time.perf_counter() - started < 5


# Refusals pinned by mutation testing: each names the impossible argument, and no
# verifier accepts a proof, size or hash that the RFC's algorithm would not reach.


@pytest.mark.parametrize(("start", "end"), [(3, 3), (4, 2), (-2, 0), (-1, 0)])
def test_range_subtrees_refuses_empty_reversed_and_negative_ranges(start: int, end: int) -> None:
    """No decomposition exists for an empty range, a range ending before it starts, or one
    starting before leaf 0; a store must never be asked for such nodes."""
    with pytest.raises(ValueError, match=r"empty or negative range"):
        range_subtrees(start, end)


@pytest.mark.parametrize("batch", [[], [leaf_hash(b"x")]])
def test_append_refuses_a_negative_tree_size(batch: list[bytes]) -> None:
    store = DictStore()
    with pytest.raises(ValueError, match=r"negative tree size -1"):
        append(-1, store, batch)
    assert store.reads == 0


def test_root_and_consistency_proof_name_the_impossible_size() -> None:
    """The producer's error says which size is wrong (not an incidental arithmetic error)."""
    with pytest.raises(ValueError, match=r"negative tree size -1"):
        root(-1, TREE)
    with pytest.raises(ValueError, match=r"no consistency proof from size 9 to size 8"):
        consistency_proof(9, 8, TREE)
    with pytest.raises(ValueError, match=r"no consistency proof from size -1 to size 8"):
        consistency_proof(-1, 8, TREE)


def test_an_inclusion_proof_longer_than_the_path_is_refused() -> None:
    """Leaf 1 of the 2-leaf tree cannot pass as the only leaf of a 1-leaf tree.

    With the 2-leaf root and its sibling as a one-element 'proof', hashing up
    gives that root; only the rule that a size-1 tree has an empty path stops it.
    """
    sibling = leaf_hash(LEAVES[0])
    root_2 = bytes.fromhex(ROOTS[2])
    assert node_hash(sibling, leaf_hash(LEAVES[1])) == root_2
    assert verify_inclusion(leaf_hash(LEAVES[1]), 1, 2, [sibling], root_2)
    assert not verify_inclusion(leaf_hash(LEAVES[1]), 0, 1, [sibling], root_2)


def test_consistency_refuses_negative_sizes_and_wrongly_sized_roots_even_when_equal() -> None:
    """Equal sizes and equal roots with an empty proof only verify for real tree heads."""
    r1 = bytes.fromhex(ROOTS[1])
    assert verify_consistency(1, 1, r1, r1, [])
    assert not verify_consistency(-1, -1, r1, r1, [])
    assert not verify_consistency(-3, -1, r1, r1, [])
    assert not verify_consistency(1, 1, b"short", b"short", [])
    assert not verify_consistency(2, 2, r1 + b"\x00", r1 + b"\x00", [])


def test_memory_tree_has_no_nodes_at_negative_or_missing_levels() -> None:
    """A store lookup outside the tree is a KeyError, never a node from the other end."""
    tree = MemoryTree.from_entries(LEAVES)  # levels 0..3
    for level, index in [(-1, 0), (4, 0), (5, 0), (0, 8), (3, 1)]:
        with pytest.raises(KeyError):
            tree.subtree(level, index)

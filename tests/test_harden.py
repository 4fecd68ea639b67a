"""Hardening of name filters: deterministic under a key, right length, similarity kept."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from linkage.encode import Encoder, Identity
from linkage.harden import (
    Hardener,
    balance,
    blip,
    blip_epsilon,
    diffuse,
    diffusion_columns,
    diffusion_taps,
    harden_filter,
    keyed_permutation,
    permute,
    xor_fold,
)
from linkage.keys import derive_purpose_keys
from linkage.schema import Hardening, SchemaError, default_schema_text, parse_schema
from linkage.table import EncodingTable

KEY = b"\x11" * 32
OTHER_KEY = b"\x22" * 32


def schema_with(hardening_toml: str):
    """The shipped schema with its [hardening] table replaced."""
    text = default_schema_text()
    start = text.index("[hardening]")
    end = text.index("\n[", start + 1)
    return parse_schema(text[:start] + "[hardening]\n" + hardening_toml + "\n" + text[end:])


def raw_filter(given: str, surname: str) -> bytes:
    """An unhardened 1024-bit name filter, as the encoder builds it."""
    encoder = Encoder(schema_with('method = "none"'), derive_purpose_keys(b"\x2a" * 32, 1))
    return encoder.encode_identity(Identity(given, surname)).name_filter


def dice(a: bytes, b: bytes) -> float:
    x, y = np.frombuffer(a, np.uint8), np.frombuffer(b, np.uint8)
    common = int(np.unpackbits(x & y).sum())
    return 2 * common / (int(np.unpackbits(x).sum()) + int(np.unpackbits(y).sum()))


MARIA = raw_filter("Maria", "Popescu")
MARIA_TYPO = raw_filter("Maria", "Popesku")  # one bigram pair differs
ELENA = raw_filter("Elena", "Ionescu")

METHODS = {
    "permute": lambda raw, key: permute(raw, key),
    "balance": lambda raw, key: balance(raw, key),
    "blip": lambda raw, key: blip(raw, key, 0.05),
    "diffusion": lambda raw, key: diffuse(raw, key, 3),
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_deterministic_under_a_key_and_key_dependent(method: str) -> None:
    harden = METHODS[method]
    assert harden(MARIA, KEY) == harden(MARIA, KEY)
    assert harden(MARIA, KEY) != harden(MARIA, OTHER_KEY)


def test_lengths() -> None:
    assert len(balance(MARIA, KEY)) == 2 * len(MARIA)
    assert len(xor_fold(MARIA)) == len(MARIA) // 2
    for method in ("permute", "blip", "diffusion"):
        assert len(METHODS[method](MARIA, KEY)) == len(MARIA)


@pytest.mark.parametrize("toml,bits", [
    ('method = "none"', 1024), ('method = "balance"', 2048), ('method = "xor-fold"', 512),
    ('method = "blip"\nflip_probability = 0.05', 1024),
    ('method = "diffusion"\ndiffusion_taps = 3', 1024),
])
def test_encoder_output_fits_the_hub_table(toml: str, bits: int) -> None:
    schema = schema_with(toml)
    assert schema.stored_filter_bits == bits and bits % 64 == 0
    encoder = Encoder(schema, derive_purpose_keys(b"\x2a" * 32, 1))
    encoding = encoder.encode_identity(Identity("Maria", "Popescu"))
    assert len(encoding.name_filter) * 8 == bits
    table = EncodingTable.for_schema(schema)
    table.append([encoding])  # the hub's matcher accepts it


def test_permutation_is_a_permutation_and_keeps_dice_exactly() -> None:
    order = keyed_permutation(KEY, 1024)
    assert sorted(order.tolist()) == list(range(1024))
    assert dice(permute(MARIA, KEY), permute(MARIA_TYPO, KEY)) == dice(MARIA, MARIA_TYPO)


def test_balance_gives_every_filter_the_same_weight() -> None:
    weights = {int(np.unpackbits(np.frombuffer(balance(f, KEY), np.uint8)).sum())
               for f in (MARIA, MARIA_TYPO, ELENA)}
    assert weights == {1024}


def test_xor_fold_is_the_xor_of_the_halves() -> None:
    raw = bytes(range(16))
    assert xor_fold(raw) == bytes(a ^ b for a, b in zip(raw[:8], raw[8:], strict=True))


def test_blip_flips_about_p_of_the_bits() -> None:
    rng = random.Random(5)
    flipped = total = 0
    for _ in range(20):
        raw = rng.randbytes(128)
        out = blip(raw, KEY, 0.1)
        flipped += int(np.unpackbits(np.frombuffer(bytes(a ^ b for a, b in zip(raw, out,
                                                                              strict=True)),
                                                   np.uint8)).sum())
        total += 1024
    assert 0.08 < flipped / total < 0.12
    assert blip(MARIA, KEY, 0.0) == MARIA
    assert blip_epsilon(0.05) == pytest.approx(np.log(19))
    with pytest.raises(ValueError):
        blip(MARIA, KEY, 0.5)


def test_diffusion_output_bit_is_the_xor_of_its_taps() -> None:
    taps = diffusion_taps(KEY, 1024, 3)
    assert taps.shape == (1024, 3)
    assert all(len(set(row)) == 3 for row in taps.tolist())
    bits = np.unpackbits(np.frombuffer(MARIA, np.uint8), bitorder="little")
    out = np.unpackbits(np.frombuffer(diffuse(MARIA, KEY, 3), np.uint8), bitorder="little")
    expected = [bits[a] ^ bits[b] ^ bits[c] for a, b, c in taps.tolist()]
    assert out.tolist() == expected


@pytest.mark.parametrize("method", sorted(METHODS))
def test_similar_names_stay_more_similar_than_different_names(method: str) -> None:
    harden = METHODS[method]
    similar = dice(harden(MARIA, KEY), harden(MARIA_TYPO, KEY))
    different = dice(harden(MARIA, KEY), harden(ELENA, KEY))
    assert similar > different + 0.1
    # and the similar pair keeps roughly its unhardened Dice (diffusion lifts every
    # Dice towards 0.5, balancing towards the share of agreeing bits)
    assert abs(similar - dice(MARIA, MARIA_TYPO)) < 0.12


def test_harden_filter_dispatches_on_the_schema() -> None:
    assert harden_filter(MARIA, Hardening("none"), KEY) == MARIA
    assert harden_filter(MARIA, Hardening("diffusion", 3), KEY) == diffuse(MARIA, KEY, 3)
    assert harden_filter(MARIA, Hardening("blip", flip_probability=0.05), KEY) == blip(
        MARIA, KEY, 0.05)
    with pytest.raises(ValueError, match="not implemented"):
        harden_filter(MARIA, Hardening("rot13"), KEY)


def test_schema_parses_hardening_parameters_and_refuses_bad_ones() -> None:
    assert schema_with('method = "blip"\nflip_probability = 0.05').hardening.flip_probability \
        == 0.05
    assert schema_with('method = "diffusion"\ndiffusion_taps = 5').hardening.diffusion_taps == 5
    fingerprints = {schema_with(t).fingerprint for t in (
        'method = "none"', 'method = "diffusion"\ndiffusion_taps = 3',
        'method = "diffusion"\ndiffusion_taps = 4')}
    assert len(fingerprints) == 3
    for bad in ('method = "blip"', 'method = "blip"\nflip_probability = 0.6',
                'method = "diffusion"\ndiffusion_taps = 0',
                'method = "diffusion"\ndiffusion_taps = "3"'):
        with pytest.raises(SchemaError, match="hardening"):
            schema_with(bad)


# -- found by mutation testing: the keyed tables, computed from their definitions ---------
# Every node and every release must harden a filter to the same bytes, so the keyed
# words, permutation, taps and coin flips are pinned here against a plain-Python reading
# of the documentation: BLAKE2b-512 under the key over "label:block" in counter mode,
# read as little-endian 64-bit words.


def reference_words(key: bytes, label: str, count: int) -> list[int]:
    stream = b"".join(hashlib.blake2b(f"{label}:{block}".encode(), key=key,
                                      digest_size=64).digest()
                      for block in range((8 * count + 63) // 64))
    return [int.from_bytes(stream[8 * i : 8 * i + 8], "little") for i in range(count)]


def reference_permutation(key: bytes, size: int, label: str) -> list[int]:
    """Fisher-Yates from the last position down to 1, j = word[i] mod (i + 1)."""
    draws = reference_words(key, f"{label}/{size}", size)
    order = list(range(size))
    for i in range(size - 1, 0, -1):
        j = draws[i] % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def reference_bits(raw: bytes) -> list[int]:
    return [(byte >> b) & 1 for byte in raw for b in range(8)]


def reference_bytes(bits: list[int]) -> bytes:
    return bytes(sum(bit << b for b, bit in enumerate(bits[i : i + 8]))
                 for i in range(0, len(bits), 8))


RAW = bytes([0b10110010, 0x0F, 0xA5, 0x00, 0xFF, 0x3C, 0x81, 0x7E])


def test_keyed_permutation_is_fisher_yates_over_the_keyed_words() -> None:
    for size in (2, 3, 64, 200):
        assert keyed_permutation(KEY, size).tolist() == reference_permutation(
            KEY, size, "permutation")
    assert keyed_permutation(KEY, 64, "balance").tolist() == reference_permutation(
        KEY, 64, "balance")


def test_permute_moves_bit_i_of_the_output_from_bit_order_i_of_the_input() -> None:
    order = reference_permutation(KEY, 64, "permutation")
    bits = reference_bits(RAW)
    assert permute(RAW, KEY) == reference_bytes([bits[i] for i in order])


def test_balance_is_the_filter_and_its_complement_in_the_balance_order() -> None:
    bits = reference_bits(RAW)
    doubled = bits + [1 - b for b in bits]
    order = reference_permutation(KEY, 128, "balance")
    assert balance(RAW, KEY) == reference_bytes([doubled[i] for i in order])


def reference_taps(key: bytes, size: int, taps: int) -> tuple[list[list[int]], bool]:
    """Per output bit the first `taps` distinct positions word mod size; 2 * size * taps
    words, then size * taps more under the label ".../k" whenever they run out."""
    draws = reference_words(key, f"diffusion/{size}/{taps}", size * taps * 2)
    rows, k, refilled = [], 0, False
    for _ in range(size):
        chosen: list[int] = []
        while len(chosen) < taps:
            if k == len(draws):
                draws += reference_words(key, f"diffusion/{size}/{taps}/{k}", size * taps)
                refilled = True
            position = draws[k] % size
            k += 1
            if position not in chosen:
                chosen.append(position)
        rows.append(chosen)
    return rows, refilled


def test_diffusion_taps_are_the_first_distinct_keyed_positions() -> None:
    for size, taps in ((64, 3), (64, 1), (16, 16)):
        assert diffusion_taps(KEY, size, taps).tolist() == reference_taps(KEY, size, taps)[0]


def test_diffusion_taps_draw_more_words_when_repeats_use_them_up() -> None:
    """Rare at real sizes, common for 2 taps of 2 bits: some of these keys need more."""
    refills = 0
    for byte in range(24):
        key = bytes([byte]) * 32
        expected, refilled = reference_taps(key, 2, 2)
        assert diffusion_taps(key, 2, 2).tolist() == expected
        refills += refilled
    assert refills > 0


def test_blip_flips_bit_i_when_keyed_word_i_is_below_p_times_two_to_the_64() -> None:
    seed = hashlib.blake2b(RAW, key=KEY, digest_size=32, person=b"zichtlijn-blip").digest()
    draws = reference_words(seed, "blip", 64)
    bar = int(0.3 * 2.0**64)
    expected = [bit ^ (draw < bar) for bit, draw in zip(reference_bits(RAW), draws, strict=True)]
    assert blip(RAW, KEY, 0.3) == reference_bytes(expected)


@pytest.mark.parametrize("taps", [0, 65])
def test_diffusion_taps_must_be_between_one_and_the_filter_bits(taps: int) -> None:
    with pytest.raises(ValueError, match="taps must be within"):
        diffusion_taps(KEY, 64, taps)
    assert diffusion_taps(KEY, 64, 64).shape == (64, 64)
    assert diffusion_taps(KEY, 64, 1).shape == (64, 1)


def test_blip_probability_bounds() -> None:
    with pytest.raises(ValueError, match="flip probability"):
        blip(RAW, KEY, -0.01)
    assert blip(RAW, KEY, 0.0) == RAW
    blip(RAW, KEY, 0.4999)


@pytest.mark.parametrize(("method", "extra"), [
    ("none", {}), ("balance", {}), ("xor-fold", {}), ("blip", {"flip_probability": 0.05}),
    ("diffusion", {"diffusion_taps": 3})])
def test_the_hardener_and_its_batch_form_equal_harden_filter(method: str, extra: dict) -> None:
    """The encoder's bound Hardener (one filter or many at once) gives harden_filter's bytes."""
    hardening = Hardening(method, **extra)
    hardener = Hardener(hardening, KEY, 8 * len(MARIA))
    raws = [MARIA, MARIA_TYPO, ELENA]
    expected = [harden_filter(raw, hardening, KEY) for raw in raws]
    assert [hardener(raw) for raw in raws] == expected
    assert hardener.many(raws) == expected
    assert hardener.many([]) == []


def test_keyed_tables_are_read_only() -> None:
    """An encoder keeps these tables for its lifetime; no caller may alter them in place."""
    taps = diffusion_taps(KEY, 64, 3)
    for table in (keyed_permutation(KEY, 64), taps, diffusion_columns(taps)):
        assert not table.flags.writeable
        with pytest.raises(ValueError):
            table[0] = 1


def test_xor_fold_needs_two_equal_halves() -> None:
    with pytest.raises(ValueError):
        xor_fold(bytes(3))

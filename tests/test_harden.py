"""Hardening of name filters: deterministic under a key, right length, similarity kept."""

from __future__ import annotations

import random

import numpy as np
import pytest

from linkage.encode import Encoder, Identity
from linkage.harden import (
    balance,
    blip,
    blip_epsilon,
    diffuse,
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

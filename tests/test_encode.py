"""Keyed encoding: deterministic under one key, unrelated under another."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from linkage.compare import dice
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.schema import SchemaError, default_schema, default_schema_text, parse_schema
from linkage.table import EncodingTable

BORN = dt.date(1998, 3, 14)


def bits(data: bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(data, dtype=np.uint8))


def dice_of(a: bytes, b: bytes) -> float:
    x, y = bits(a), bits(b)
    return 2 * int((x & y).sum()) / int(x.sum() + y.sum())


def test_same_input_same_key_gives_same_encoding(encoder):
    person = Identity("Ana Maria", "Popescu", BORN, "f", "AB123456")
    assert encoder.encode_identity(person) == encoder.encode_identity(person)


def test_another_key_gives_unrelated_bits(other_encoder):
    # two fixed keys: with the session's random key the chance overlap would vary per run
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x08" * 32, epoch=1))
    person = Identity("Ana Maria", "Popescu", BORN)
    ours = encoder.encode_identity(person).name_filter
    theirs = other_encoder.encode_identity(person).name_filter
    set_ours, set_theirs = (int.from_bytes(f, "big").bit_count() for f in (ours, theirs))
    chance = 2 * set_ours * set_theirs / (len(ours) * 8) / (set_ours + set_theirs)
    assert dice_of(ours, theirs) < chance + 0.1  # what unrelated filters share by chance
    assert encoder.encode_identity(person).dob_tokens != other_encoder.encode_identity(
        person).dob_tokens


def test_filter_has_schema_length(encoder):
    encoding = encoder.encode_identity(Identity("Elena", "Ionescu"))
    assert len(encoding.name_filter) * 8 == default_schema().stored_filter_bits


@pytest.mark.parametrize(
    ("left", "right", "at_least"),
    [
        (("Iulia", "Țurcanu"), ("Yulia", "Tsurkanu"), 0.95),
        (("Ștefania", "Ciobanu"), ("STEFANIA", "CIOBANU"), 0.99),
        (("Ana Maria", "Popescu"), ("Popescu", "Ana Maria"), 0.8),
        (("Ana Maria", "Popescu"), ("Ana", "Popescu"), 0.7),
    ],
)
def test_recording_variants_stay_similar(encoder, left, right, at_least):
    a = encoder.encode_identity(Identity(*left)).name_filter
    b = encoder.encode_identity(Identity(*right)).name_filter
    assert dice_of(a, b) >= at_least


def test_different_women_are_dissimilar(encoder):
    # diffusion (three raw bits per stored bit) raises the chance overlap to about 1/3
    a = encoder.encode_identity(Identity("Blessing", "Osagie")).name_filter
    b = encoder.encode_identity(Identity("Zsófia", "Kovács")).name_filter
    variant = encoder.encode_identity(Identity("Blessing", "Osagei")).name_filter
    assert dice_of(a, b) < 0.45
    assert dice_of(a, variant) > dice_of(a, b) + 0.3


def test_vectorised_dice_equals_bitwise_definition(encoder):
    names = [("Elena", "Popa"), ("Ioana", "Popa"), ("Blessing", "Igbinedion"), ("Anna", "Nagy")]
    encodings = [encoder.encode_identity(Identity(*n)) for n in names]
    table = EncodingTable(default_schema().filter_bytes)
    table.append(encodings)
    left, right = np.triu_indices(len(names), k=1)
    expected = [dice_of(encodings[i].name_filter, encodings[j].name_filter)
                for i, j in zip(left, right, strict=True)]
    assert np.allclose(dice(table, left, right), expected)


def test_date_tokens_share_parts_with_a_typo_and_swap(encoder):
    exact = encoder.dob_tokens(dt.date(1998, 3, 4))
    swapped = encoder.dob_tokens(dt.date(1998, 4, 3))
    off_by_year = encoder.dob_tokens(dt.date(1999, 3, 4))
    assert exact[0] != swapped[0] and exact[1] == swapped[1]
    assert exact[0] != off_by_year[0] and exact[2] == off_by_year[2]
    assert encoder.dob_tokens(None) == ()


def test_identity_repr_never_shows_a_name():
    assert "Popescu" not in repr(Identity("Ana", "Popescu", BORN))


def test_schema_change_changes_fingerprint():
    text = default_schema_text()
    changed = parse_schema(text.replace("bits = 1024", "bits = 2048"))
    assert changed.fingerprint != default_schema().fingerprint
    assert parse_schema(text).fingerprint == default_schema().fingerprint


def test_bad_schema_is_refused_with_the_field_named():
    with pytest.raises(SchemaError, match=r"name_filter\.bits"):
        parse_schema(default_schema_text().replace("bits = 1024", "bits = 1000"))


def test_purpose_keys_differ_per_purpose_and_epoch():
    one = derive_purpose_keys(b"\x01" * 32, 1)
    two = derive_purpose_keys(b"\x01" * 32, 2)
    assert len(set(one.all_keys())) == len(one.all_keys())
    assert not set(one.all_keys()) & set(two.all_keys())
    assert "fingerprint" in repr(one) and one.name_filter.hex() not in repr(one)

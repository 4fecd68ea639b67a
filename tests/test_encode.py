"""Keyed encoding: deterministic under one key, unrelated under another."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from linkage.compare import dice, features
from linkage.encode import DOCUMENT_NEAR_TOKENS, Encoder, Identity, years_apart
from linkage.keys import derive_purpose_keys
from linkage.normalise import NAME_RULES
from linkage.places import PLACE_RULES
from linkage.schema import SchemaError, default_schema, default_schema_text, parse_schema
from linkage.table import EncodingTable
from tests.linker_support import identity_table
from zichtlijn import wire

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
    table = EncodingTable.for_schema(default_schema())
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


@pytest.mark.parametrize("document, message", [
    ("near_token_bits = 32", r"'document.near_token_bits' must be 64 \(schema version 8"),
    ("", r"missing 'document.near_token_bits'"),
])
def test_a_schema_with_32_bit_or_unstated_near_tokens_is_refused(document, message):
    """Version 7 and before sent 32-bit near tokens; this release makes 64-bit ones, so a
    schema that says otherwise (or says nothing) would be a different encoding."""
    text = default_schema_text().replace("near_token_bits = 64", document)
    with pytest.raises(SchemaError, match=message):
        parse_schema(text)


def test_a_schema_without_the_single_word_flag_is_refused():
    for stated in ("single_word_flag = false", ""):
        text = default_schema_text().replace("single_word_flag = true", stated)
        with pytest.raises(SchemaError, match=r"'name_filter.single_word_flag'"):
            parse_schema(text)


def test_a_schema_with_name_buckets_is_refused():
    """Version 4 sent keyed buckets of name words; this release encodes none."""
    version_4 = default_schema_text().replace(
        "[context]", "[name_buckets]\nprefix_chars = 3\nbuckets = 64\nmax_words = 3\n\n[context]")
    with pytest.raises(SchemaError, match=r"'\[name_buckets\]' is no longer encoded"):
        parse_schema(version_4)


def test_an_encoding_carries_no_name_buckets(encoder):
    """Nothing per name word reaches the hub: each filter pools its words."""
    message = wire.identity_to_wire(encoder.encode_identity(Identity("Ana", "Popescu", BORN)))
    assert [field.name for field, _ in message.ListFields()] == [
        "name_filter", "dob_tokens", "short_name_filter"]
    assert "given_buckets" not in message.DESCRIPTOR.fields_by_name


@pytest.mark.parametrize(("key", "release", "what"), [
    ("name_rules", NAME_RULES, "names"), ("place_rules", PLACE_RULES, "places of birth")])
def test_a_schema_for_other_normalisation_rules_is_refused(key, release, what):
    """Encodings depend on the rules too: a schema names the ones it was written for."""
    current = f"{key} = {release}"
    older = default_schema_text().replace(current, f"{key} = {release + 1}")
    with pytest.raises(SchemaError, match=rf"'normalisation.{key}' is {release + 1}, "
                                          rf"but this release normalises {what} by rules "
                                          rf"{release}"):
        parse_schema(older)
    without = default_schema_text().replace(current, "")
    with pytest.raises(SchemaError, match=rf"missing 'normalisation.{key}'"):
        parse_schema(without)


def test_purpose_keys_differ_per_purpose_and_epoch():
    one = derive_purpose_keys(b"\x01" * 32, 1)
    two = derive_purpose_keys(b"\x01" * 32, 2)
    assert len(set(one.all_keys())) == len(one.all_keys())
    assert not set(one.all_keys()) & set(two.all_keys())
    assert "fingerprint" in repr(one) and one.name_filter.hex() not in repr(one)


# -- byte-identical encodings ------------------------------------------------------------
# Every stored encoding and the hub's comparisons depend on these exact bytes: a faster
# encoder must produce the same ones. The digests below were taken from the encoder
# before it was optimised (commit c289a3a); a change here is a schema change.

_GIVEN = ["Ana Maria", "Ștefania", "Ştefania", "Iulia", "Yulia", "Zsófia", "Blessing",
          "Olúwaṣẹ́gun", "Mevr. Elena", "Ioana-Cristina", "Юлия", "Benoît", "", "Nn",
          "Mîndru Ana", "Fatima Zahra", "O'Neil", "Ján", "Ágnes Katalin", "Jean-Pierre"]
_SURNAME = ["Popescu", "Țurcanu", "Ţurcanu", "Tsurkanu", "Kovács", "Osagie", "van der Berg",
            "Le", "Van", "Sîrbu", "Ciobanu", "Igbinedion", "bin Laden", "Nagy-Szabó",
            "Шевченко", "Dos Santos Silva", "Ó Briain", "Al Hassan", "ten Have", "Łukasz"]
_PLACES = [None, "", "Iași", "Iasi", "Chișinău", "Lagos", "Benin City", "Budapest",
           "Sankt Peterburg", "Київ"]
_NATIONALITIES = [None, "ROU", "MDA", "NGA", "HUN", "UKR", "NLD", "XXA"]
_DOCUMENTS = [None, "", "AB123456", "X", "NL1234567890123456789", "0000", "RO98765",
              "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ", "AA11"]


def varied_identities(count: int = 400) -> list[Identity]:
    """Hand-made, deterministic: diacritics, Cyrillic, particles, titles, missing parts."""
    import random

    rng = random.Random(20261201)
    out = []
    for k in range(count):
        given = rng.choice(_GIVEN)
        surname = rng.choice(_SURNAME)
        if k % 7 == 0:
            given = f"{given} {rng.choice(_GIVEN)}"
        born = None if k % 5 == 0 else dt.date(1950, 1, 1) + dt.timedelta(
            days=rng.randrange(0, 27_000))
        if k % 11 == 0 and born is not None:  # month ends, leap days
            born = rng.choice([dt.date(2000, 2, 29), dt.date(1999, 12, 31), dt.date(1980, 1, 31)])
        document = rng.choice(_DOCUMENTS)
        if document and k % 3 == 0:
            document = f"{document}{k}"
        out.append(Identity(given, surname, born, rng.choice(["f", "m", "x", None]),
                            document, rng.choice(_PLACES), rng.choice(_NATIONALITIES)))
    return [i for i in out if i.given_names.strip() or i.surname.strip()]


def field_digests(encodings) -> dict[str, str]:
    import dataclasses
    import hashlib

    out = {}
    for field in dataclasses.fields(encodings[0]):
        h = hashlib.sha256()
        for encoding in encodings:
            h.update(repr(getattr(encoding, field.name)).encode())
        out[field.name] = h.hexdigest()[:16]
    return out


PINNED = {
    # dob_tokens since schema version 7 (the dates a year away and the day window)
    "name_filter": "28444720a4ce1f5b", "dob_tokens": "c2f22161663faa48",
    "sex_token": "4401320b45638542", "document_token": "c4b219e15125df5b",
    # document_near since schema version 8: 64-bit tokens (filled to DOCUMENT_NEAR_TOKENS,
    # whatever the length, since 2026-12-07)
    "document_near": "716def81eca181a7", "place_bucket": "01704ad1c8b90230",
    # nationality_bucket since schema version 7: none sent, every one 0
    "nationality_bucket": "50c1b8a6d69f6885", "short_name_filter": "662e02f11ede8cfa",
    # single_word_name since schema version 8
    "single_word_name": "e118046382fd2a6f",
}
PINNED_FILTERS_OTHER_HARDENING = {
    "none": "b686d3f639330c0c", "balance": "8f94f32a6575a40b",
    "xor-fold": "1613696c85a3046d", "blip": "015cd2f83ebc41a3",
}
_PIN_KEYS = derive_purpose_keys(b"\x07" * 32, epoch=3)


def _schema_hardened(method: str):
    extra = "\nflip_probability = 0.05" if method == "blip" else ""
    return parse_schema(default_schema_text().replace(
        'method = "diffusion"', f'method = "{method}"{extra}'))


def test_encodings_are_byte_identical_to_the_pinned_ones():
    encoder = Encoder(default_schema(), _PIN_KEYS)
    identities = varied_identities()
    assert field_digests([encoder.encode_identity(i) for i in identities]) == PINNED
    # a second pass answers from the encoder's caches: still the same bytes
    assert field_digests([encoder.encode_identity(i) for i in identities]) == PINNED


@pytest.mark.parametrize("method", sorted(PINNED_FILTERS_OTHER_HARDENING))
def test_other_hardenings_stay_byte_identical(method):
    encoder = Encoder(_schema_hardened(method), _PIN_KEYS)
    encodings = [encoder.encode_identity(i) for i in varied_identities()]
    assert field_digests(encodings)["name_filter"] == PINNED_FILTERS_OTHER_HARDENING[method]


def test_batch_encoding_equals_one_at_a_time():
    identities = varied_identities()
    batch = Encoder(default_schema(), _PIN_KEYS).encode_batch(identities)
    assert field_digests(batch) == PINNED
    single = Encoder(default_schema(), _PIN_KEYS)
    assert batch == [single.encode_identity(i) for i in identities]
    # a warm encoder, batches that mix cached and new filters, the empty batch
    assert single.encode_batch(identities[:50]) == batch[:50]
    assert single.encode_batch(identities[::-1] + varied_identities(450)[400:]) == [
        Encoder(default_schema(), _PIN_KEYS).encode_identity(i)
        for i in identities[::-1] + varied_identities(450)[400:]]
    assert single.encode_batch([]) == []


def test_batch_encoding_of_carousel_sightings_equals_one_at_a_time():
    from tests.benchmarks.carousel import carousel, parse_all

    _, parsed, _ = parse_all(carousel(150, seed=4, listed_only=True))
    identities = [p.subject for p in parsed] + [p.companion for p in parsed if p.companion]
    one = Encoder(default_schema(), _PIN_KEYS)
    assert Encoder(default_schema(), _PIN_KEYS).encode_batch(identities) == [
        one.encode_identity(i) for i in identities]


@pytest.mark.parametrize("method", sorted(PINNED_FILTERS_OTHER_HARDENING))
def test_batch_encoding_with_other_hardenings(method):
    identities = varied_identities()
    batch = Encoder(_schema_hardened(method), _PIN_KEYS).encode_batch(identities)
    assert field_digests(batch)["name_filter"] == PINNED_FILTERS_OTHER_HARDENING[method]


def test_small_caches_empty_themselves_and_keep_the_bytes(monkeypatch):
    from linkage import encode

    monkeypatch.setattr(encode, "_CACHE_LIMIT", 7)
    monkeypatch.setattr(encode, "_LARGE_CACHE_LIMIT", 5)
    monkeypatch.setattr(encode, "_DOCUMENT_CACHE_LIMIT", 3)
    encoder = Encoder(default_schema(), _PIN_KEYS)
    identities = varied_identities()
    assert field_digests(encoder.encode_batch(identities)) == PINNED
    assert field_digests([encoder.encode_identity(i) for i in identities]) == PINNED
    assert len(encoder._filters) <= 5 and len(encoder._word_masks) <= 7
    assert len(encoder._documents) <= 3


def test_no_name_is_refused_in_a_batch_too(encoder):
    with pytest.raises(ValueError, match="no name"):
        encoder.encode_batch([Identity("Ana", "Pop"), Identity("Mevr.", "onbekend")])


def test_years_apart_are_calendar_correct_over_two_centuries():
    day = dt.date(1900, 1, 1)
    while day < dt.date(2100, 1, 1):
        leap_day = (day.month, day.day) == (2, 29)
        assert years_apart(day) == (day.replace(year=day.year - 1, day=28 if leap_day else day.day),
                                    day.replace(year=day.year + 1, day=28 if leap_day else day.day))
        day += dt.timedelta(days=3)


def test_a_date_and_the_dates_a_year_away_share_a_near_token(encoder):
    born = encoder.dob_tokens(dt.date(1998, 3, 4))
    for other in (dt.date(1997, 3, 4), dt.date(1999, 3, 4)):
        assert encoder.dob_tokens(other)[0] in born[5:7]
    assert encoder.dob_tokens(dt.date(1997, 2, 28))[0] in encoder.dob_tokens(
        dt.date(1996, 2, 29))[5:7]


def test_no_date_token_links_dates_a_day_or_a_month_apart(encoder):
    """Followed from date to date, such links put every stored date on the calendar
    (tests/benchmarks/dob_lattice.py): a date's tokens name no full date but the two a
    year away, and no window is shared by dates of two months."""
    fulls = {}
    day = dt.date(1994, 1, 1)
    while day < dt.date(1999, 1, 1):
        fulls[encoder.dob_tokens(day)[0]] = day
        day += dt.timedelta(days=1)
    for token_date in fulls.values():
        tokens = encoder.dob_tokens(token_date)
        named = {fulls[t] for t in tokens[1:] if t in fulls}
        assert named <= set(years_apart(token_date))


def test_dates_in_one_three_day_window_of_a_month_share_the_window_token(encoder):
    window = [encoder.dob_tokens(dt.date(1998, 3, d))[7] for d in (4, 5, 6, 7)]
    assert window[0] == window[1] == window[2] != window[3]
    assert encoder.dob_tokens(dt.date(1998, 3, 31))[7] != encoder.dob_tokens(
        dt.date(1998, 4, 1))[7]  # a window never spans two months
    assert encoder.dob_tokens(dt.date(1998, 3, 4))[7] != encoder.dob_tokens(
        dt.date(1999, 3, 4))[7]


def test_days_in_month_is_calendars():
    import calendar

    from linkage.dates import days_in_month

    for year in [*range(1, 30), *range(1880, 2120), 9999]:
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


def test_the_short_name_filter_is_the_first_given_name_and_the_last_surname_word(encoder):
    """A dropped second given name, a double or married surname's other part: the
    whole names differ, the short names are the same filter."""
    whole = encoder.encode_identity(Identity("Ana Maria", "Nedelcu-Popa", BORN))
    for given, surname in (("Ana", "Popa"), ("ANA", "Ionescu-Popa"), ("Ana Elena", "popa")):
        other = encoder.encode_identity(Identity(given, surname, BORN))
        assert other.short_name_filter == whole.short_name_filter
        assert other.name_filter != whole.name_filter
    assert len(whole.short_name_filter) == default_schema().short_filter_bytes == 32
    swapped = encoder.encode_identity(Identity("Popa", "Ana", BORN))  # given and surname swapped
    assert swapped.short_name_filter == whole.short_name_filter


def test_the_short_name_filter_is_keyed_with_the_year_of_birth(encoder):
    """The same short name born in another year is unrelated bits (about the Dice of two
    random filters), in the same year but another day the same bytes; none without a date."""
    born = encoder.encode_identity(Identity("Ana", "Popa", BORN))
    same_year = encoder.encode_identity(Identity("Ana", "Popa", BORN.replace(day=1)))
    other_year = encoder.encode_identity(Identity("Ana", "Popa", BORN.replace(year=1997)))
    undated = encoder.encode_identity(Identity("Ana", "Popa"))
    assert same_year.short_name_filter == born.short_name_filter
    assert dice_of(born.short_name_filter, other_year.short_name_filter) < 0.6
    assert other_year.name_filter == born.name_filter  # the whole-name filter is not keyed so
    assert undated.short_name_filter == b""


def test_a_schema_without_a_short_name_filter_encodes_none():
    text = default_schema_text()
    start = text.index("[short_name_filter]")
    schema = parse_schema(text[:start] + text[text.index("[context]"):])
    assert schema.short_filter_bits == 0
    encoding = Encoder(schema, _PIN_KEYS).encode_identity(Identity("Ana", "Popa", BORN))
    assert encoding.short_name_filter == b""
    with pytest.raises(SchemaError, match=r"short_name_filter\.bits"):
        parse_schema(text.replace("bits = 256", "bits = 200"))


def test_the_shipped_schema_sends_no_nationality_but_the_place_of_birth(encoder):
    # ranked by size, 32 keyed buckets named the nationality of every sighting at 10,000
    # women (tests/benchmarks/bucket_alignment.py)
    encoded = encoder.encode_identity(Identity("Ana", "Popa", dt.date(1998, 3, 4),
                                               nationality="ROU", place_of_birth="Iasi"))
    assert encoded.nationality_bucket == 0 and encoded.place_bucket != 0


def test_a_schema_with_nationality_buckets_still_encodes_them():
    schema = parse_schema(default_schema_text().replace("nationality_buckets = 0",
                                                        "nationality_buckets = 32"))
    encoded = Encoder(schema, _PIN_KEYS).encode_identity(
        Identity("Ana", "Popa", nationality="ROU"))
    assert 1 <= encoded.nationality_bucket <= 32


@pytest.mark.parametrize("buckets", ["-1", "65535", "true"])
def test_context_buckets_out_of_range_are_refused(buckets):
    with pytest.raises(SchemaError, match=r"context\.place_buckets"):
        parse_schema(default_schema_text().replace("place_buckets = 512",
                                                   f"place_buckets = {buckets}"))


@pytest.mark.parametrize(("left", "right", "agreement"), [
    ("RX123456", "RX123456", 1),
    ("RX123456", "RX123457", 2),  # one character misread
    ("RX123456", "RX12345", 2),  # one dropped
    ("RX123456", "RX1234567", 2),  # one added
    ("RX123456", "RX123465", 2),  # neighbours exchanged: less the 5, both are RX12346
    ("RX123456", "KT987654", -1),
    ("RX123456", "RX125476", -1),  # two apart
    ("RX123456", None, 0),
])
def test_document_numbers_agree_exactly_one_character_apart_or_not(
        encoder, left: str, right: str | None, agreement: int) -> None:
    table = identity_table(encoder, [Identity("Ana", "Popa", BORN, document_number=number)
                                     for number in (left, right)])
    assert features(table, np.array([0]), np.array([1])).document[0] == agreement


def test_every_document_sends_as_many_near_tokens_whatever_its_length(encoder) -> None:
    """The count of near tokens would tell the hub the number's length, and lengths differ
    between issuing countries (a Thai identity number has 13 digits)."""
    numbers = ["A1234", "RX123456", "AA1123456", "12345678901", "1234567890123",
               "AAAAAAAA", "X" * 30]
    counts = {len(encoder.document_near(number)) for number in numbers}
    assert counts == {DOCUMENT_NEAR_TOKENS}
    assert all(len(set(encoder.document_near(number))) == DOCUMENT_NEAR_TOKENS
               for number in numbers)
    tokens = [set(encoder.document_near(number)) for number in numbers]
    assert all(not (a & b) for k, a in enumerate(tokens) for b in tokens[k + 1:])


def test_unrelated_document_numbers_never_share_a_near_token(encoder) -> None:
    """A shared near token says "one typo apart" and outweighs a differing date of birth,
    so chance must never give one. 20,000 unrelated numbers hold 340,000 near tokens: at
    32 bits (schema version 7) about 13 pairs of them met by chance, at a national hub
    thousands; at 64 bits none."""
    import random

    draw = random.Random(8)
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    numbers = {"".join(draw.choices(alphabet, k=9)) for _ in range(20_000)}
    # (random numbers of nine characters: two one typo apart are not among them)
    seen: dict[int, str] = {}
    met = []
    for number in numbers:
        for token in encoder.document_near(number):
            other = seen.setdefault(token, number)
            if other != number:
                met.append((other, number))
    assert met == []


def test_near_tokens_keep_all_64_bits_on_the_wire_and_at_the_hub(encoder) -> None:
    """Two numbers whose near tokens agree only in their low 32 bits are different numbers:
    the wire and the hub's table keep the whole token, so they are not taken as near."""
    left = encoder.encode_identity(Identity("Ana", "Popa", BORN, document_number="RX1234567"))
    high = 1 << 40
    assert any(token >= 1 << 32 for token in left.document_near)
    right = dataclasses.replace(
        left, document_token=bytes(range(1, 17)),  # another number
        document_near=tuple((token & 0xFFFFFFFF) | high for token in left.document_near))
    over_the_wire = [wire.identity_from_wire(wire.identity_to_wire(enc)) for enc in (left, right)]
    assert over_the_wire == [left, right]
    table = EncodingTable.for_schema(default_schema())
    table.append(over_the_wire)
    assert features(table, np.array([0]), np.array([1])).document[0] == -1  # differ, not near

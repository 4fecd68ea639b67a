"""Keyed encoding of one identity into what the hub may see.

Every token is hashed with its own keyed PRF call (BLAKE2b in keyed mode),
which yields all of a token's bit positions at once: the positions are
independent and unpredictable without the key, unlike plain double hashing,
whose positions an attacker can reconstruct from two values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from linkage.dates import days_in_month
from linkage.harden import Hardener
from linkage.keys import PurposeKeys
from linkage.normalise import canonical_word, name_words
from linkage.places import place_key
from linkage.schema import DAY_WINDOW_DAYS, DOCUMENT_NEAR_BITS, LinkageSchema

ENTITY_TOKEN_BYTES = 16
DOCUMENT_TOKEN_BYTES = 16
DOCUMENT_NEAR_CHARS = 16  # longer numbers: the first 16 characters give the near tokens
DOCUMENT_NEAR_TOKENS = DOCUMENT_NEAR_CHARS + 1  # the number's first 16 and each one shorter
# Entries per cache (emptied when full). Word prefixes, dates and places have few
# distinct values; a word, name field or raw filter holds a 1024-bit mask (about 400
# bytes an entry), a document 17 near tokens (about 900) and documents seldom repeat.
# Full, all caches together hold about 200 MB; `scale encode`'s 20,140 records, 10 MB.
_CACHE_LIMIT = 200_000
_LARGE_CACHE_LIMIT = 50_000
_DOCUMENT_CACHE_LIMIT = 20_000


@dataclass(frozen=True)
class Identity:
    """A person as entered at a control; lives in memory only, during encoding."""

    given_names: str
    surname: str
    date_of_birth: date | None = None
    sex: str | None = None  # already normalised: 'f', 'm', 'x' or None
    document_number: str | None = None  # already normalised
    place_of_birth: str | None = None
    nationality: str | None = None  # already normalised (ISO 3166 alpha-3 where known)

    def __repr__(self) -> str:  # never let a name reach a log or traceback
        return "Identity(<redacted>)"


@dataclass(frozen=True)
class IdentityEncoding:
    name_filter: bytes
    dob_tokens: tuple[int, ...]
    sex_token: int
    document_token: bytes
    document_near: tuple[int, ...] = ()
    place_bucket: int = 0  # value + 1; 0 unknown
    nationality_bucket: int = 0
    # the short name filter, keyed with the year of birth; empty without a date of birth
    # (or under a schema without one)
    short_name_filter: bytes = b""
    # the whole name is one word ("Candy", a working name with no surname): its filter's
    # agreement alone says little of who she is (schema version 8, README "One-word names")
    single_word_name: bool = False


def single_word(identity: Identity) -> bool:
    """Is the whole name one word (a working name, a given name with no surname)?"""
    return len(name_words(identity.given_names)) + len(name_words(identity.surname)) == 1


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def document_variants(number: str) -> set[str]:
    """The number's first DOCUMENT_NEAR_CHARS characters, and each of them less one
    character: two numbers one typo apart share one of these."""
    head = number[:DOCUMENT_NEAR_CHARS]
    return {head} | {head[:i] + head[i + 1 :] for i in range(len(head))}


def years_apart(born: date) -> tuple[date, date]:
    """The dates one year earlier and later (29 February goes to the 28th)."""
    return _shift_months(born, -12), _shift_months(born, 12)


def _keyed64(key: bytes, message: bytes) -> int:
    value = int.from_bytes(hashlib.blake2b(message, key=key, digest_size=8).digest(), "little")
    return value or 1  # 0 means "absent" on the wire


def _bits_at(positions: Sequence[int]) -> int:
    mask = 0
    for position in positions:
        mask |= 1 << position
    return mask


def _word_bits(word: str, bigram_mask: Callable[[str], int]) -> int:
    """Filter bits of a word: its bigrams padded with "_" at both ends ("_ana_": _a an na
    a_), so first and last letters count as bigrams of their own."""
    padded = f"_{word}_"
    mask = 0
    for i in range(len(padded) - 1):
        mask |= bigram_mask(padded[i : i + 2])
    return mask


_K = TypeVar("_K")
_V = TypeVar("_V")


class _Bounded(dict[_K, _V]):
    """A cache dict emptied when it reaches its limit, so memory stays bounded.

    Its values are keyed derived values (masks, buckets, tokens); its keys are the
    inputs (words, name fields and places as entered, document numbers, dates), in
    memory only and only as long as the encoder, as the word cache always held
    words. Nothing here is logged or written.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: _K, value: _V) -> _V:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


# An identity before its name filter is hardened: the raw filter as an int, and the
# other IdentityEncoding fields in their order (IdentityEncoding(hardened, *rest)).
_Rest = tuple[tuple[int, ...], int, bytes, tuple[int, ...], int, int, bytes, bool]


class Encoder:
    """Encodes identities under one schema and one epoch's purpose keys.

    Identities repeat (the same person is sighted again and again; given names,
    surnames, places and dates of birth repeat across persons), so every part is
    cached per input value; the keyed BLAKE2b states are keyed once and copied,
    which skips the key block per hash. `encode_batch` also hardens all new name
    filters of a batch in one compiled call. Both paths give the same bytes.
    """

    def __init__(self, schema: LinkageSchema, keys: PurposeKeys) -> None:
        self.schema = schema
        self.keys = keys
        self._max_hashes = max(schema.given_hashes, schema.surname_hashes)
        self._filter_bytes = schema.filter_bits // 8
        self._word_masks: _Bounded = _Bounded(_CACHE_LIMIT)  # (word, hashes) -> mask
        self._bigram_masks: _Bounded = _Bounded(_CACHE_LIMIT)  # (bigram, hashes) -> mask
        # name field text -> raw filter bits: one per role, the hash counts may differ
        self._given_fields: _Bounded = _Bounded(_LARGE_CACHE_LIMIT)
        self._surname_fields: _Bounded = _Bounded(_LARGE_CACHE_LIMIT)
        self._filters: _Bounded = _Bounded(_LARGE_CACHE_LIMIT)  # raw mask -> hardened
        self._dob_tokens: _Bounded = _Bounded(_CACHE_LIMIT)
        # document number -> (token, near tokens)
        self._documents: _Bounded = _Bounded(_DOCUMENT_CACHE_LIMIT)
        self._places: _Bounded = _Bounded(_CACHE_LIMIT)
        self._nationalities: _Bounded = _Bounded(_CACHE_LIMIT)
        self._sex_tokens: dict[str | None, int] = {None: 0, "": 0}
        self._harden = Hardener(schema.hardening, keys.hardening, schema.filter_bits)
        # keyed once; .copy() per message gives the same digest as hashing it afresh
        self._bigram_hash = hashlib.blake2b(key=keys.name_filter,
                                            digest_size=4 * self._max_hashes)
        self._dob_hash = hashlib.blake2b(key=keys.date_of_birth, digest_size=8)
        self._document_hash = hashlib.blake2b(b"document:", key=keys.document,
                                              digest_size=DOCUMENT_TOKEN_BYTES)
        self._near_hash = hashlib.blake2b(b"near:", key=keys.document,
                                          digest_size=DOCUMENT_NEAR_BITS // 8)
        self._short_bits = schema.short_filter_bits
        self._short_harden = (Hardener(schema.hardening, keys.hardening, self._short_bits)
                              if self._short_bits else None)
        self._short_words: _Bounded = _Bounded(_CACHE_LIMIT)  # (year, word, hashes) -> mask
        self._short_bigrams: _Bounded = _Bounded(_CACHE_LIMIT)  # (year, bigram, hashes) -> mask
        self._short_filters: _Bounded = _Bounded(_LARGE_CACHE_LIMIT)  # (year, raw) -> hardened
        # (given names, surname as entered, year) -> (year, raw): most names recur as written
        self._short_names: _Bounded = _Bounded(_LARGE_CACHE_LIMIT)

    @property
    def epoch(self) -> int:
        return self.keys.epoch

    def _bigram_positions(self, message: str, bits: int) -> list[int]:
        """Keyed positions of a bigram (`message`: the bigram, or for the short name
        filter the year and the bigram) in a filter of `bits`, as many as the most
        hashes any field takes; a field takes the first of them."""
        hashed = self._bigram_hash.copy()
        hashed.update(message.encode())
        digest = hashed.digest()
        # 32-bit draws reduced modulo the filter length: bias below 2**-22 for 1024 bits
        return [
            int.from_bytes(digest[i : i + 4], "little") % bits
            for i in range(0, len(digest), 4)
        ]

    def _bigram_mask(self, bigram: str, hashes: int) -> int:
        mask = self._bigram_masks.get((bigram, hashes))
        if mask is None:
            mask = self._bigram_masks.put((bigram, hashes), _bits_at(
                self._bigram_positions(bigram, self.schema.filter_bits)[:hashes]))
        return mask

    def _word_mask(self, word: str, hashes: int) -> int:
        cached = self._word_masks.get((word, hashes))
        if cached is not None:
            return cached
        return self._word_masks.put(
            (word, hashes), _word_bits(word, lambda bigram: self._bigram_mask(bigram, hashes)))

    def _name_field(self, text: str, hashes: int, cache: _Bounded) -> int:
        """Raw filter bits of one name field; 0 if it has no words."""
        known = cache.get(text)
        if known is None:
            mask = 0
            for word in name_words(text):
                mask |= self._word_mask(canonical_word(word), hashes)
            known = cache.put(text, mask)
        return known

    def name_filter(self, given: list[str], surname: list[str]) -> bytes:
        mask = 0
        for word in given:
            mask |= self._word_mask(word, self.schema.given_hashes)
        for word in surname:
            mask |= self._word_mask(word, self.schema.surname_hashes)
        return self._hardened(mask)

    def _hardened(self, raw: int) -> bytes:
        hardened = self._filters.get(raw)
        if hardened is None:
            hardened = self._filters.put(
                raw, self._harden(raw.to_bytes(self._filter_bytes, "little")))
        return hardened

    def short_name_filter(self, identity: Identity) -> bytes:
        """The first given name and the last surname word, keyed with the year of birth.

        Each bigram's positions are drawn by the name filter's key from the bigram and
        the year together, so the same short name born in two years gives unrelated
        filters: the hub can compare short names only inside one year, and group them
        only there. Empty without a date of birth (or under a schema without one).
        """
        key = self._short_key(identity)
        if key is None:
            return b""
        hardened = self._short_filters.get(key)
        if hardened is None:
            assert self._short_harden is not None
            hardened = self._short_filters.put(key, self._short_harden(
                key[1].to_bytes(self._short_bits // 8, "little")))
        return hardened

    def _short_key(self, identity: Identity) -> tuple[int, int] | None:
        """(year of birth, raw short filter bits) of an identity; None without either."""
        if not self._short_bits or identity.date_of_birth is None:
            return None
        year = identity.date_of_birth.year
        entered = (identity.given_names, identity.surname, year)
        known = self._short_names.get(entered)
        if known is not None:
            return known
        given, surname = name_words(identity.given_names), name_words(identity.surname)
        raw = 0
        if given:
            raw |= self._short_word(canonical_word(given[0]), self.schema.given_hashes, year)
        if surname:
            raw |= self._short_word(canonical_word(surname[-1]), self.schema.surname_hashes,
                                    year)
        return self._short_names.put(entered, (year, raw))

    def _harden_short_filters(self, identities: Sequence[Identity]) -> None:
        """Harden a batch's new short filters in one compiled call, as `encode_batch` does
        its name filters, so that `short_name_filter` finds them in its cache."""
        if self._short_harden is None:
            return
        new: dict[tuple[int, int], bytes] = {}
        for identity in identities:
            key = self._short_key(identity)
            if key is not None and key not in new and self._short_filters.get(key) is None:
                new[key] = key[1].to_bytes(self._short_bits // 8, "little")
        if new:
            for key, hardened in zip(new, self._short_harden.many(list(new.values())),
                                     strict=True):
                self._short_filters.put(key, hardened)

    def _short_word(self, word: str, hashes: int, year: int) -> int:
        cached = self._short_words.get((year, word, hashes))
        if cached is not None:
            return cached
        return self._short_words.put(
            (year, word, hashes),
            _word_bits(word, lambda bigram: self._short_bigram(bigram, hashes, year)))

    def _short_bigram(self, bigram: str, hashes: int, year: int) -> int:
        # cached apart from the words: a few hundred bigrams a year, met in every word
        cached = self._short_bigrams.get((year, bigram, hashes))
        if cached is not None:
            return cached
        return self._short_bigrams.put((year, bigram, hashes), _bits_at(
            self._bigram_positions(f"short:{year}:{bigram}", self._short_bits)[:hashes]))

    def dob_tokens(self, born: date | None) -> tuple[int, ...]:
        if born is None:
            return ()
        cached = self._dob_tokens.get(born)
        if cached is None:
            cached = self._dob_tokens.put(born, self._make_dob_tokens(born))
        return cached

    def _make_dob_tokens(self, born: date) -> tuple[int, ...]:
        iso = born.isoformat()  # YYYY-MM-DD, the year always four digits
        y, m, d = iso[:4], iso[5:7], iso[8:]
        low, high = sorted((m, d))  # two digits each: sorts as the numbers do
        messages = [
            f"full:{iso}",
            f"swap:{y}-{low}-{high}",
            f"day_month:{m}-{d}",
            f"month_year:{y}-{m}",
            f"day_year:{y}--{d}",
        ]
        # same message form as "full": the hub sees only that two dates are a year apart.
        # Not the dates a day or a month away: followed from date to date, those links
        # lay every stored date on the calendar (README "Dates of birth").
        messages += [f"full:{near.isoformat()}" for near in years_apart(born)]
        # one window per date, never two overlapping ones, which would chain the same way
        messages.append(f"day_window:{y}-{m}-{(born.day - 1) // DAY_WINDOW_DAYS}")
        copy = self._dob_hash.copy
        tokens = []
        for message in messages:
            hashed = copy()
            hashed.update(message.encode())
            tokens.append(int.from_bytes(hashed.digest(), "little") or 1)  # as _keyed64
        return tuple(tokens)

    def _parts(self, identity: Identity) -> tuple[int, _Rest]:
        raw = (self._name_field(identity.given_names, self.schema.given_hashes,
                                self._given_fields)
               | self._name_field(identity.surname, self.schema.surname_hashes,
                                  self._surname_fields))
        if not raw:  # a word always sets at least one bit
            raise ValueError("identity has no name")
        sex_token = self._sex_tokens.get(identity.sex)
        if sex_token is None:  # a few values only: never more than a handful of entries
            sex_token = self._sex_tokens[identity.sex] = _keyed64(
                self.keys.sex, f"sex:{identity.sex}".encode())
        document, near = b"", ()
        if identity.document_number:
            document, near = self._document(identity.document_number)
        place = self._places.get(identity.place_of_birth)
        if place is None:
            place = self._places.put(identity.place_of_birth, self._coarse(
                "place", place_key(identity.place_of_birth or ""), self.schema.place_buckets))
        nationality = self._nationalities.get(identity.nationality)
        if nationality is None:
            nationality = self._nationalities.put(identity.nationality, self._coarse(
                "nationality", identity.nationality or "", self.schema.nationality_buckets))
        return raw, (self.dob_tokens(identity.date_of_birth), sex_token, document, near, place,
                     nationality, self.short_name_filter(identity), single_word(identity))

    def encode_identity(self, identity: Identity) -> IdentityEncoding:
        raw, rest = self._parts(identity)
        return IdentityEncoding(self._hardened(raw), *rest)

    def encode_batch(self, identities: Sequence[Identity]) -> list[IdentityEncoding]:
        """encode_identity of each, in order; new name filters hardened in one call."""
        self._harden_short_filters(identities)
        filters = self._filters
        out: list = []  # an IdentityEncoding, or its rest until its filter is hardened
        waiting: dict[int, list[int]] = {}  # new raw filter -> where it goes in out
        for identity in identities:
            raw, rest = self._parts(identity)
            name_filter = filters.get(raw)
            if name_filter is None:
                waiting.setdefault(raw, []).append(len(out))
                out.append(rest)
            else:
                out.append(IdentityEncoding(name_filter, *rest))
        if waiting:
            raws = list(waiting)
            hardened = self._harden.many(
                [raw.to_bytes(self._filter_bytes, "little") for raw in raws])
            for raw, name_filter in zip(raws, hardened, strict=True):
                filters.put(raw, name_filter)
                for k in waiting[raw]:
                    out[k] = IdentityEncoding(name_filter, *out[k])
        return out

    def _coarse(self, kind: str, value: str, buckets: int) -> int:
        # keyed with the purpose key named for the name-word buckets of schema versions
        # 1-4: renaming it would change every node's key package
        if not value or not buckets:  # no value, or a schema that sends none
            return 0
        digest = hashlib.blake2b(f"{kind}:{value}".encode(), key=self.keys.name_buckets,
                                 digest_size=4).digest()
        return int.from_bytes(digest, "little") % buckets + 1

    def _document(self, number: str) -> tuple[bytes, tuple[int, ...]]:
        known = self._documents.get(number)
        if known is None:
            hashed = self._document_hash.copy()
            hashed.update(number.encode())
            known = self._documents.put(number, (hashed.digest(), self.document_near(number)))
        return known

    def document_near(self, number: str) -> tuple[int, ...]:
        """Deletion neighbourhood: one substituted, dropped or added character still meets.

        Always DOCUMENT_NEAR_TOKENS tokens: the variants, then tokens keyed by the number
        and a count, which no other number meets. Without them the count told the hub the
        number's length, and lengths differ between issuing countries (README
        "Nationality and place of birth")."""
        variants = document_variants(number)
        # a NUL never occurs in a normalised document number, so no variant is a filler
        fillers = [f"\0{number}\0{k}" for k in range(DOCUMENT_NEAR_TOKENS - len(variants))]
        copy = self._near_hash.copy
        tokens = []
        for variant in [*variants, *fillers]:
            hashed = copy()
            hashed.update(variant.encode())
            tokens.append(int.from_bytes(hashed.digest(), "little") or 1)
        tokens.sort()
        return tuple(tokens)

    def entity_token(self, kind: str, normalised_value: str) -> bytes:
        """Exact keyed token of a phone, plate, address or advert id."""
        return hashlib.blake2b(
            f"{kind}:{normalised_value}".encode(),
            key=self.keys.entity,
            digest_size=ENTITY_TOKEN_BYTES,
        ).digest()

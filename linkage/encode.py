"""Keyed encoding of one identity into what the hub may see.

Every token is hashed with its own keyed PRF call (BLAKE2b in keyed mode),
which yields all of a token's bit positions at once: the positions are
independent and unpredictable without the key, unlike plain double hashing,
whose positions an attacker can reconstruct from two values.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from linkage.harden import harden_filter
from linkage.keys import PurposeKeys
from linkage.normalise import canonical_word, name_words
from linkage.schema import LinkageSchema

ENTITY_TOKEN_BYTES = 16
DOCUMENT_TOKEN_BYTES = 16
DOCUMENT_NEAR_CHARS = 16  # longer numbers: the first 16 characters give the near tokens
_CACHE_LIMIT = 200_000


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
    given_buckets: bytes
    surname_buckets: bytes
    sex_token: int
    document_token: bytes
    document_near: tuple[int, ...] = ()
    place_bucket: int = 0  # value + 1; 0 unknown
    nationality_bucket: int = 0


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def neighbours(born: date) -> tuple[date, ...]:
    """The six dates one day, month or year away (calendar-correct, day clamped)."""
    one_day = timedelta(days=1)
    return (born - one_day, born + one_day, _shift_months(born, -1), _shift_months(born, 1),
            _shift_months(born, -12), _shift_months(born, 12))


def _keyed64(key: bytes, message: bytes) -> int:
    value = int.from_bytes(hashlib.blake2b(message, key=key, digest_size=8).digest(), "little")
    return value or 1  # 0 means "absent" on the wire


class Encoder:
    """Encodes identities under one schema and one epoch's purpose keys."""

    def __init__(self, schema: LinkageSchema, keys: PurposeKeys) -> None:
        self.schema = schema
        self.keys = keys
        self._max_hashes = max(schema.given_hashes, schema.surname_hashes)
        self._word_masks: dict[tuple[str, int], int] = {}
        self._bucket_of: dict[str, int] = {}
        self._dob_tokens: dict[date, tuple[int, ...]] = {}

    @property
    def epoch(self) -> int:
        return self.keys.epoch

    def _bigram_positions(self, bigram: str) -> list[int]:
        digest = hashlib.blake2b(
            bigram.encode(), key=self.keys.name_filter, digest_size=4 * self._max_hashes
        ).digest()
        bits = self.schema.filter_bits
        # 32-bit draws reduced modulo the filter length: bias below 2**-22 for 1024 bits
        return [
            int.from_bytes(digest[i : i + 4], "little") % bits
            for i in range(0, len(digest), 4)
        ]

    def _word_mask(self, word: str, hashes: int) -> int:
        cached = self._word_masks.get((word, hashes))
        if cached is not None:
            return cached
        padded = f"_{word}_"
        mask = 0
        for i in range(len(padded) - 1):
            for position in self._bigram_positions(padded[i : i + 2])[:hashes]:
                mask |= 1 << position
        if len(self._word_masks) > _CACHE_LIMIT:
            self._word_masks.clear()
        self._word_masks[(word, hashes)] = mask
        return mask

    def _bucket(self, word: str) -> int:
        prefix = word[: self.schema.bucket_prefix_chars]
        bucket = self._bucket_of.get(prefix)
        if bucket is None:
            digest = hashlib.blake2b(prefix.encode(), key=self.keys.name_buckets, digest_size=4)
            bucket = int.from_bytes(digest.digest(), "little") % self.schema.buckets
            self._bucket_of[prefix] = bucket
        return bucket

    def _buckets(self, words: list[str]) -> bytes:
        chosen = words[: self.schema.bucket_max_words]
        return bytes(sorted({self._bucket(w) for w in chosen}))

    def name_filter(self, given: list[str], surname: list[str]) -> bytes:
        mask = 0
        for word in given:
            mask |= self._word_mask(word, self.schema.given_hashes)
        for word in surname:
            mask |= self._word_mask(word, self.schema.surname_hashes)
        raw = mask.to_bytes(self.schema.filter_bits // 8, "little")
        return harden_filter(raw, self.schema.hardening, self.keys.hardening)

    def dob_tokens(self, born: date | None) -> tuple[int, ...]:
        if born is None:
            return ()
        cached = self._dob_tokens.get(born)
        if cached is None:
            if len(self._dob_tokens) > _CACHE_LIMIT:
                self._dob_tokens.clear()
            cached = self._dob_tokens[born] = self._make_dob_tokens(born)
        return cached

    def _make_dob_tokens(self, born: date) -> tuple[int, ...]:
        y, m, d = born.year, born.month, born.day
        low, high = sorted((m, d))
        key = self.keys.date_of_birth
        messages = [
            f"full:{y:04d}-{m:02d}-{d:02d}",
            f"swap:{y:04d}-{low:02d}-{high:02d}",
            f"day_month:{m:02d}-{d:02d}",
            f"month_year:{y:04d}-{m:02d}",
            f"day_year:{y:04d}--{d:02d}",
        ]
        # same message form as "full": the hub sees only that two dates are one apart
        messages += [f"full:{near.isoformat()}" for near in neighbours(born)]
        return tuple(_keyed64(key, message.encode()) for message in messages)

    def encode_identity(self, identity: Identity) -> IdentityEncoding:
        given = [canonical_word(w) for w in name_words(identity.given_names)]
        surname = [canonical_word(w) for w in name_words(identity.surname)]
        if not given and not surname:
            raise ValueError("identity has no name")
        document, near = b"", ()
        if identity.document_number:
            document = hashlib.blake2b(
                b"document:" + identity.document_number.encode(),
                key=self.keys.document,
                digest_size=DOCUMENT_TOKEN_BYTES,
            ).digest()
            near = self.document_near(identity.document_number)
        return IdentityEncoding(
            name_filter=self.name_filter(given, surname),
            dob_tokens=self.dob_tokens(identity.date_of_birth),
            given_buckets=self._buckets(given),
            surname_buckets=self._buckets(surname),
            sex_token=_keyed64(self.keys.sex, f"sex:{identity.sex}".encode())
            if identity.sex
            else 0,
            document_token=document,
            document_near=near,
            place_bucket=self._coarse(
                "place", " ".join(canonical_word(w) for w in name_words(
                    identity.place_of_birth or "")), self.schema.place_buckets),
            nationality_bucket=self._coarse(
                "nationality", identity.nationality or "", self.schema.nationality_buckets),
        )

    def _coarse(self, kind: str, value: str, buckets: int) -> int:
        if not value:
            return 0
        digest = hashlib.blake2b(f"{kind}:{value}".encode(), key=self.keys.name_buckets,
                                 digest_size=4).digest()
        return int.from_bytes(digest, "little") % buckets + 1

    def document_near(self, number: str) -> tuple[int, ...]:
        """Deletion neighbourhood: one substituted, dropped or added character still meets."""
        head = number[:DOCUMENT_NEAR_CHARS]
        variants = {head} | {head[:i] + head[i + 1 :] for i in range(len(head))}
        return tuple(sorted(
            int.from_bytes(hashlib.blake2b(f"near:{v}".encode(), key=self.keys.document,
                                           digest_size=4).digest(), "little") or 1
            for v in variants
        ))

    def entity_token(self, kind: str, normalised_value: str) -> bytes:
        """Exact keyed token of a phone, plate, address or advert id."""
        return hashlib.blake2b(
            f"{kind}:{normalised_value}".encode(),
            key=self.keys.entity,
            digest_size=ENTITY_TOKEN_BYTES,
        ).digest()

"""Column-wise, append-only arrays of encodings, the form the matcher works on.

The hub keeps every encoding it links in one of these: packed name filters as
uint64 words (so Dice is a vectorised AND + popcount), date tokens, context
buckets and exact tokens as fixed-width integer columns with 0 meaning absent.
A sighting's entity tokens (phone, plate, address, advert) sit beside its
identity: one slot per kind, so "do these two share a phone" is one compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from linkage.encode import DOCUMENT_NEAR_TOKENS, IdentityEncoding
from linkage.schema import DOB_SLOTS, LinkageSchema

DOCUMENT_NEAR_SLOTS = DOCUMENT_NEAR_TOKENS
#: entity kinds by their number on the wire (encoding.proto EntityKind), one slot each
ENTITY_KINDS = {1: "phone", 2: "vehicle_plate", 3: "address", 4: "advert"}

#: a sighting's entity tokens: (kind number, keyed token) pairs
EntityTokens = Iterable[tuple[int, bytes]]


class EncodingTable:
    """Growable columnar store of IdentityEncodings (row i = i-th appended)."""

    def __init__(self, filter_bytes: int, capacity: int = 1024,
                 short_filter_bytes: int = 0) -> None:
        if filter_bytes % 8 or short_filter_bytes % 8:
            raise ValueError("filter length must be a multiple of 64 bits")
        self.filter_words = filter_bytes // 8
        self.short_filter_words = short_filter_bytes // 8
        self.size = 0
        self._allocate(max(capacity, 16))

    @classmethod
    def for_schema(cls, schema: LinkageSchema, capacity: int = 1024) -> EncodingTable:
        """A table for the encodings of `schema` (both its filters)."""
        return cls(schema.filter_bytes, capacity, schema.short_filter_bytes)

    def _allocate(self, capacity: int) -> None:
        self.filters = np.zeros((capacity, self.filter_words), dtype=np.uint64)
        self.popcounts = np.zeros(capacity, dtype=np.int32)
        # the short name filters (zeros: none, as for a sighting without a date of birth)
        self.short_filters = np.zeros((capacity, self.short_filter_words), dtype=np.uint64)
        self.short_popcounts = np.zeros(capacity, dtype=np.int32)
        self.dob = np.zeros((capacity, DOB_SLOTS), dtype=np.uint64)
        self.sex = np.zeros(capacity, dtype=np.uint64)
        self.document = np.zeros(capacity, dtype=np.uint64)
        self.document_near = np.zeros((capacity, DOCUMENT_NEAR_SLOTS), dtype=np.uint64)
        self.place = np.zeros(capacity, dtype=np.uint16)
        self.nationality = np.zeros(capacity, dtype=np.uint16)
        self.entities = np.zeros((capacity, len(ENTITY_KINDS)), dtype=np.uint64)
        self.single_word = np.zeros(capacity, dtype=np.bool_)

    def columns(self) -> tuple[np.ndarray, ...]:
        """Every per-row array (a row's encoding is its slice of each)."""
        return (self.filters, self.popcounts, self.dob, self.sex,
                self.document, self.document_near, self.place, self.nationality, self.entities,
                self.short_filters, self.short_popcounts, self.single_word)

    def _grow(self, needed: int) -> None:
        capacity = len(self.popcounts)
        if needed > capacity:
            self.reserve(max(needed, capacity * 2))

    def reserve(self, capacity: int) -> None:
        """Room for `capacity` rows, so that appends up to it never copy the table.

        Growing copies every column while the old ones are still held: at a million
        rows a moment of some 380 MB more, on whichever night the table crosses its
        capacity. Room reserved ahead costs nothing until rows are written (the
        columns are zeroed by the operating system, page by page, when first
        touched), so a hub reserves for twice what it loads (`EpochTables.reserve`).
        """
        if capacity <= len(self.popcounts):
            return
        old = self.columns()
        self._allocate(capacity)
        for target, source in zip(self.columns(), old, strict=True):
            target[: self.size] = source[: self.size]

    def append(self, encodings: list[IdentityEncoding],
               entities: Sequence[EntityTokens] | None = None) -> range:
        """Append encodings (and each one's sighting's entity tokens); returns their rows."""
        if entities is not None and len(entities) != len(encodings):
            raise ValueError(f"{len(encodings)} encodings but {len(entities)} entity lists")
        start = self.size
        self._grow(start + len(encodings))
        for offset, enc in enumerate(encodings):
            self.set_row(start + offset, enc, entities[offset] if entities is not None else ())
        self.size = start + len(encodings)
        return range(start, self.size)

    def set_row(self, row: int, enc: IdentityEncoding, entities: EntityTokens = ()) -> None:
        words = np.frombuffer(enc.name_filter, dtype="<u8")
        if len(words) != self.filter_words:
            raise ValueError(f"name filter has {len(enc.name_filter)} bytes, expected "
                             f"{self.filter_words * 8}")
        self.filters[row] = words
        self.popcounts[row] = int(np.bitwise_count(words).sum())
        self.dob[row] = enc.dob_tokens if enc.dob_tokens else (0,) * DOB_SLOTS
        self.sex[row] = enc.sex_token
        self.document[row] = (
            int.from_bytes(enc.document_token[:8], "little") if enc.document_token else 0
        )
        near = list(enc.document_near[:DOCUMENT_NEAR_SLOTS])
        self.document_near[row] = near + [0] * (DOCUMENT_NEAR_SLOTS - len(near))
        self.place[row] = enc.place_bucket
        self.nationality[row] = enc.nationality_bucket
        self.entities[row] = entity_slots(entities)
        self.single_word[row] = enc.single_word_name
        short = np.frombuffer(enc.short_name_filter, dtype="<u8")
        if len(short) not in (0, self.short_filter_words):
            raise ValueError(f"short name filter has {len(enc.short_name_filter)} bytes, "
                             f"expected {self.short_filter_words * 8} or none")
        self.short_filters[row] = short if len(short) else 0
        self.short_popcounts[row] = int(np.bitwise_count(short).sum())

    def blank_row(self, row: int) -> None:
        """Forget a row's encoding (a removed sighting): it scores as incomparable and
        counts as undated, and no encoding of it lingers in memory."""
        self.set_row(row, IdentityEncoding(bytes(self.filter_words * 8), (), 0, b""))

    def filter_bytes(self, row: int) -> bytes:
        return self.filters[row].astype("<u8").tobytes()

    def take(self, rows: np.ndarray | list[int]) -> EncodingTable:
        """A new table holding copies of `rows` (in that order), with room for one more.

        For scoring a few stored rows against an encoding that must not join
        this table (a lookup's probe): append the probe to the copy.
        """
        rows = np.asarray(rows, dtype=np.int64)
        out = EncodingTable(self.filter_words * 8, len(rows) + 1, self.short_filter_words * 8)
        for target, source in zip(out.columns(), self.columns(), strict=True):
            target[: len(rows)] = source[rows]
        out.size = len(rows)
        return out


def entity_slots(entities: EntityTokens) -> list[int]:
    """One 64-bit token per entity kind (0: none); the first token of a kind counts.

    Eight bytes of a keyed token are plenty: two different tokens collide with
    chance 2^-64 per compared pair.
    """
    slots = [0] * len(ENTITY_KINDS)
    for kind, token in entities:
        if kind in ENTITY_KINDS and not slots[kind - 1]:
            slots[kind - 1] = int.from_bytes(token[:8], "little") or 1
    return slots

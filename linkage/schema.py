"""The linkage schema as versioned data, and its fingerprint.

A node and the hub only understand each other's encodings when they use the
same schema. The fingerprint is a digest of the schema's canonical form, so
any change (bit length, hash counts, tokeniser, hardening, the rules that
normalise names and places) gives another
fingerprint and a mismatch is caught before any comparison is made.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from importlib import resources

from linkage.normalise import NAME_RULES
from linkage.places import PLACE_RULES

FINGERPRINT_BYTES = 16
DOB_TOKEN_KINDS = ("full", "swap", "day_month", "month_year", "day_year", "year_near",
                   "day_window")
# "year_near" stands for two tokens: the date one year earlier and one year later
DOB_SLOTS = len(DOB_TOKEN_KINDS) - 1 + 2
YEAR_NEAR_SLOTS = (5, 6)  # the full-date tokens of the date a year earlier and later
DAY_WINDOW_SLOT = 7  # the date's three days (1-3, 4-6, ..., 28-30, 31) of its month
DAY_WINDOW_DAYS = 3
DOCUMENT_NEAR_BITS = 64  # bits of each keyed near token of a document number
TOKENISERS = ("padded-bigrams",)
HARDENINGS = ("none", "balance", "xor-fold", "diffusion", "blip")


class SchemaError(ValueError):
    """A schema file that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Hardening:
    method: str = "none"
    # diffusion: how many filter bits are XORed into each output bit
    diffusion_taps: int = 3
    # blip: probability that each bit is flipped (epsilon = ln((1 - p) / p) per bit)
    flip_probability: float = 0.0


@dataclass(frozen=True)
class LinkageSchema:
    name: str
    version: int
    filter_bits: int
    tokeniser: str
    given_hashes: int
    surname_hashes: int
    dob_tokens: tuple[str, ...]
    place_buckets: int
    nationality_buckets: int
    hardening: Hardening
    fingerprint: bytes
    # bits of the short name filter (first given name, last surname word, keyed with the
    # year of birth); 0: a schema without one
    short_filter_bits: int = 0

    @property
    def filter_bytes(self) -> int:
        return self.stored_filter_bits // 8

    @property
    def stored_filter_bits(self) -> int:
        """Bits of the filter as sent to the hub (hardening may change the length)."""
        return self._stored(self.filter_bits)

    @property
    def short_filter_bytes(self) -> int:
        """Bytes of the short name filter as sent to the hub (0: the schema has none)."""
        return self._stored(self.short_filter_bits) // 8

    def _stored(self, bits: int) -> int:
        if self.hardening.method == "balance":
            return bits * 2
        if self.hardening.method == "xor-fold":
            return bits // 2
        return bits

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version} ({self.fingerprint.hex()[:12]})"


def _require(table: dict, key: str, kind: type, where: str) -> object:
    if key not in table:
        raise SchemaError(f"schema: missing '{where}.{key}'")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SchemaError(f"schema: '{where}.{key}' must be {kind.__name__}")
    return value


def parse_schema(text: str) -> LinkageSchema:
    """Parse and validate a schema TOML document."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"schema: not valid TOML ({exc})") from None
    head = doc.get("schema", {})
    name_filter = doc.get("name_filter", {})
    dob = doc.get("date_of_birth", {})
    context = doc.get("context", {})
    hardening_table = doc.get("hardening", {"method": "none"})

    bits = _require(name_filter, "bits", int, "name_filter")
    if bits < 64 or bits % 64:
        raise SchemaError("schema: 'name_filter.bits' must be a positive multiple of 64")
    tokeniser = _require(name_filter, "tokeniser", str, "name_filter")
    if tokeniser not in TOKENISERS:
        raise SchemaError(f"schema: unknown tokeniser '{tokeniser}'")
    given_hashes = _require(name_filter, "given_hashes", int, "name_filter")
    surname_hashes = _require(name_filter, "surname_hashes", int, "name_filter")
    for label, k in (("given_hashes", given_hashes), ("surname_hashes", surname_hashes)):
        if not 1 <= k <= 32:
            raise SchemaError(f"schema: 'name_filter.{label}' must be within 1..32")
    if "name_buckets" in doc:
        raise SchemaError("schema: '[name_buckets]' is no longer encoded (schema version 5: "
                          "their frequencies named given names; blocking uses filter bands)")
    dob_tokens = tuple(_require(dob, "tokens", list, "date_of_birth"))
    if "near" in dob_tokens:
        raise SchemaError("schema: the date token 'near' (the six dates one day, month or "
                          "year away) is no longer sent (schema version 7: its links laid "
                          "every date of birth on the calendar for the hub)")
    if dob_tokens != DOB_TOKEN_KINDS:
        raise SchemaError(f"schema: 'date_of_birth.tokens' must be {list(DOB_TOKEN_KINDS)}")
    method = hardening_table.get("method", "none")
    if method not in HARDENINGS:
        raise SchemaError(f"schema: unknown hardening '{method}'")
    taps = hardening_table.get("diffusion_taps", 3)
    if isinstance(taps, bool) or not isinstance(taps, int) or not 1 <= taps <= 64:
        raise SchemaError("schema: 'hardening.diffusion_taps' must be an integer within 1..64")
    flip = hardening_table.get("flip_probability", 0.0)
    if isinstance(flip, bool) or not isinstance(flip, int | float) or not 0 <= flip < 0.5:
        raise SchemaError("schema: 'hardening.flip_probability' must be within [0, 0.5)")
    if method == "blip" and flip == 0:
        raise SchemaError("schema: hardening 'blip' needs 'hardening.flip_probability' > 0")
    hardening = Hardening(method, taps, float(flip))
    short_bits = 0
    if "short_name_filter" in doc:
        short_bits = _require(doc["short_name_filter"], "bits", int, "short_name_filter")
        if short_bits < 128 or short_bits % 128:
            # a multiple of 128, so that XOR-folding still leaves whole 64-bit words
            raise SchemaError("schema: 'short_name_filter.bits' must be a positive multiple "
                              "of 128")
    if _require(name_filter, "single_word_flag", bool, "name_filter") is not True:
        raise SchemaError("schema: 'name_filter.single_word_flag' must be true (schema "
                          "version 8: every encoding says whether its name is one word)")
    near_bits = _require(doc.get("document", {}), "near_token_bits", int, "document")
    if near_bits != DOCUMENT_NEAR_BITS:
        raise SchemaError(f"schema: 'document.near_token_bits' must be {DOCUMENT_NEAR_BITS} "
                          "(schema version 8: 32-bit near tokens of unrelated document "
                          "numbers meet by chance at a national hub's size)")
    normalisation = doc.get("normalisation", {})
    _require_rules(normalisation, "name_rules", NAME_RULES, "names")
    _require_rules(normalisation, "place_rules", PLACE_RULES, "places of birth")

    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    fingerprint = hashlib.sha256(b"zichtlijn-schema\x00" + canonical.encode()).digest()
    return LinkageSchema(
        name=str(_require(head, "name", str, "schema")),
        version=int(_require(head, "version", int, "schema")),
        filter_bits=bits,
        tokeniser=tokeniser,
        given_hashes=given_hashes,
        surname_hashes=surname_hashes,
        dob_tokens=dob_tokens,
        place_buckets=_buckets(context, "place_buckets"),
        nationality_buckets=_buckets(context, "nationality_buckets"),
        hardening=hardening,
        fingerprint=fingerprint[:FINGERPRINT_BYTES],
        short_filter_bits=short_bits,
    )


def _buckets(context: dict, key: str) -> int:
    """A context field's buckets: 0 sends none (16-bit columns at the hub hold the rest)."""
    buckets = _require(context, key, int, "context")
    if isinstance(buckets, bool) or not 0 <= buckets <= 65_534:
        raise SchemaError(f"schema: 'context.{key}' must be within 0..65534 (0: not sent)")
    return buckets


def _require_rules(table: dict, key: str, release: int, what: str) -> None:
    rules = _require(table, key, int, "normalisation")
    if rules != release:
        raise SchemaError(
            f"schema: 'normalisation.{key}' is {rules}, but this release normalises "
            f"{what} by rules {release}; it would encode {what} differently from the "
            "nodes and hubs that wrote this schema")


def default_schema_text() -> str:
    """The schema shipped with this release (package data, not user input)."""
    return resources.files("linkage.schemas").joinpath("person-v8.toml").read_text("utf-8")


def default_schema() -> LinkageSchema:
    return parse_schema(default_schema_text())

"""Checks on an uploaded batch before anything of it is stored.

Each check answers with the gRPC status a client can act on and a message
naming the batch position and field; a batch with any problem is refused
whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from linkage.schema import DOB_SLOTS, LinkageSchema
from linkage.table import DOCUMENT_NEAR_SLOTS, ENTITY_KINDS
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2, sync_pb2
from zichtlijn.wire import MAX_SIGNALS, SIGNAL_CODE

MAX_BATCH = 1000
MAX_COMPANIONS = 8
MAX_ENTITIES = 16
MAX_OTHER_EPOCHS = 2


@dataclass(frozen=True)
class Refusal(Exception):
    code: grpc.StatusCode
    message: str


def calendar_day(text: str) -> dt.date | None:
    """The date `text` writes as YYYY-MM-DD, else None. The hub compares stored dates as
    text (retention, first and last seen, a rotation's overlap), and fromisoformat also
    reads 20250301 and 2025-W01-1, which sort elsewhere."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def _identity(where: str, enc: encoding_pb2.IdentityEncoding, schema: LinkageSchema) -> None:
    if len(enc.name_filter) != schema.filter_bytes:
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{where}: name_filter has {len(enc.name_filter)} bytes, schema "
                      f"{schema.label} needs {schema.filter_bytes}")
    short = len(enc.short_name_filter)
    if short not in (0, schema.short_filter_bytes) or (short and not enc.dob_tokens):
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{where}: short_name_filter has {short} bytes, schema {schema.label} "
                      f"needs {schema.short_filter_bytes} with a date of birth, none without")
    if len(enc.dob_tokens) not in (0, DOB_SLOTS):
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{where}: dob_tokens must be empty or {DOB_SLOTS} tokens")
    if len(enc.document_token) not in (0, 16) or len(enc.document_near) > DOCUMENT_NEAR_SLOTS:
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: document_token malformed")
    # bucket values are stored + 1 (0: unknown) in 16-bit columns: a value beyond the
    # schema's buckets is no node's encoding, and would stop every link run that loads it
    for field, buckets in (("place_bucket", schema.place_buckets),
                           ("nationality_bucket", schema.nationality_buckets)):
        if getattr(enc, field) > buckets:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{where}: {field} {getattr(enc, field)} exceeds the schema's "
                          f"{buckets} buckets")


def _companions_and_entities(
    where: str, parts: encoding_pb2.EncodedSighting | encoding_pb2.EpochEncoding,
    schema: LinkageSchema,
) -> None:
    for j, companion in enumerate(parts.companions):
        _identity(f"{where}.companions[{j}]", companion, schema)
    check_entities(where, parts.entities)


def check_entities(where: str, entities: Sequence[encoding_pb2.EntityToken]) -> None:
    if len(entities) > MAX_ENTITIES:
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: too many entities")
    for entity in entities:
        if entity.kind not in ENTITY_KINDS or len(entity.token) != 16:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: malformed entity")


def _other_epochs(where: str, s: encoding_pb2.EncodedSighting, schema: LinkageSchema) -> None:
    """A dual-encoded sighting: each other epoch once, older than `epoch`, well formed."""
    if len(s.other_epochs) > MAX_OTHER_EPOCHS:
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{where}: more than {MAX_OTHER_EPOCHS} other epochs")
    seen = {s.epoch}
    for j, other in enumerate(s.other_epochs):
        at = f"{where}.other_epochs[{j}]"
        if other.epoch in seen or other.epoch > s.epoch or other.epoch == 0:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{at}: epoch must be older than the sighting's and not repeated")
        seen.add(other.epoch)
        if not other.HasField("subject"):
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{at}: subject missing")
        _identity(f"{at}.subject", other.subject, schema)
        if len(other.companions) != len(s.companions) or len(other.entities) != len(s.entities):
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{at}: companions and entities must match the sighting's")
        _companions_and_entities(at, other, schema)


def uncatalogued(batch: sync_pb2.UploadBatch, signal_codes: frozenset[str]) -> set[str]:
    """The batch's signal codes outside the hub's catalogue: stored as sent, they weigh 0
    until signals.toml lists them (a control refused for them would be lost to the
    carousel and network rules, which count it whatever its signals)."""
    return {code for s in batch.sightings for code in s.signals} - signal_codes


def validate_batch(batch: sync_pb2.UploadBatch, schema: LinkageSchema,
                   today: dt.date) -> None:
    """Raise Refusal for the first problem found in the batch.

    A control older than the hub's retention period is taken (a node may keep controls
    longer, and a batch is refused whole): the hub's purge, at its start and daily,
    removes it."""
    count = len(batch.sightings)
    if count == 0:
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, "empty batch")
    if count > MAX_BATCH:
        raise Refusal(grpc.StatusCode.RESOURCE_EXHAUSTED,
                      f"batch of {count} sightings exceeds the limit of {MAX_BATCH}")
    if bytes(batch.batch_digest) != wire.batch_digest(batch.sightings):
        raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                      "batch_digest does not match the batch content")
    seen: set[str] = set()
    for i, s in enumerate(batch.sightings):
        where = f"sighting {i}"
        if bytes(s.schema_fingerprint) != schema.fingerprint:
            raise Refusal(grpc.StatusCode.FAILED_PRECONDITION,
                          f"{where}: schema fingerprint {bytes(s.schema_fingerprint).hex()[:12]} "
                          f"differs from the hub's {schema.label}; "
                          "node and hub must run the same linkage schema")
        try:
            parsed = uuid.UUID(s.sighting_uuid)
        except ValueError:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{where}: sighting_uuid is not a UUID") from None
        if str(parsed) != s.sighting_uuid or parsed.version != 4:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{where}: sighting_uuid must be a lower-case random (v4) UUID")
        if s.sighting_uuid in seen:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{where}: sighting_uuid repeated within the batch")
        seen.add(s.sighting_uuid)
        observed = calendar_day(s.observed_on)
        if observed is None:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT,
                          f"{where}: observed_on is not a date in the form YYYY-MM-DD")
        if observed > today + dt.timedelta(days=1):
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: observed_on in the future")
        if s.epoch == 0:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: epoch 0 is no key epoch")
        if s.setting not in encoding_pb2.Setting.values():
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: unknown setting")
        if len(s.signals) > MAX_SIGNALS or not all(SIGNAL_CODE.match(c) for c in s.signals):
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: malformed signal codes")
        if not s.HasField("subject"):
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: subject missing")
        _identity(f"{where}.subject", s.subject, schema)
        if len(s.companions) > MAX_COMPANIONS:
            raise Refusal(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: too many companions")
        _companions_and_entities(where, s, schema)  # entities: count and form
        _other_epochs(where, s, schema)

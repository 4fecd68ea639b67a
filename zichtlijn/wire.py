"""Conversion between linkage dataclasses and the zichtlijn.v1 messages."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from linkage.encode import IdentityEncoding
from zichtlijn.v1 import encoding_pb2

# a signal code as nodes send it and the hub stores it (catalogue: deploy/alerts/signals.toml)
SIGNAL_CODE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,47}$")
MAX_SIGNALS = 32  # codes per sighting; the hub refuses a batch holding more
# a lookup's purpose: a code from the hub's list, never free text (it goes on the wire)
PURPOSE_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
#: a lookup's purposes unless hub.toml [lookup] purposes (and node.toml lookup_purposes)
#: say otherwise
DEFAULT_PURPOSES = ("controle", "vergunning", "signaal")
SETTINGS = ("woning", "hotel", "raam", "club", "escort", "straat", "online")
ENTITY_KINDS = {
    "phone": encoding_pb2.ENTITY_KIND_PHONE,
    "vehicle_plate": encoding_pb2.ENTITY_KIND_VEHICLE_PLATE,
    "address": encoding_pb2.ENTITY_KIND_ADDRESS,
    "advert": encoding_pb2.ENTITY_KIND_ADVERT,
}


def setting_to_wire(setting: str | None) -> int:
    if not setting:
        return encoding_pb2.SETTING_UNSPECIFIED
    return encoding_pb2.Setting.Value(f"SETTING_{setting.upper()}")


def setting_from_wire(value: int) -> str | None:
    if value == encoding_pb2.SETTING_UNSPECIFIED:
        return None
    return encoding_pb2.Setting.Name(value).removeprefix("SETTING_").lower()


def identity_to_wire(enc: IdentityEncoding) -> encoding_pb2.IdentityEncoding:
    return encoding_pb2.IdentityEncoding(
        name_filter=enc.name_filter,
        dob_tokens=list(enc.dob_tokens),
        sex_token=enc.sex_token,
        document_token=enc.document_token,
        document_near=list(enc.document_near),
        place_bucket=enc.place_bucket,
        nationality_bucket=enc.nationality_bucket,
        short_name_filter=enc.short_name_filter,
        single_word_name=enc.single_word_name,
    )


def identity_from_wire(msg: encoding_pb2.IdentityEncoding) -> IdentityEncoding:
    return IdentityEncoding(
        name_filter=bytes(msg.name_filter),
        dob_tokens=tuple(msg.dob_tokens),
        sex_token=int(msg.sex_token),
        document_token=bytes(msg.document_token),
        document_near=tuple(msg.document_near),
        place_bucket=int(msg.place_bucket),
        nationality_bucket=int(msg.nationality_bucket),
        short_name_filter=bytes(msg.short_name_filter),
        single_word_name=bool(msg.single_word_name),
    )


def canonical_bytes(sighting: encoding_pb2.EncodedSighting) -> bytes:
    return sighting.SerializeToString(deterministic=True)


def sighting_digest(sighting: encoding_pb2.EncodedSighting) -> bytes:
    return hashlib.sha256(b"zichtlijn-sighting\x00" + canonical_bytes(sighting)).digest()


def batch_digest(sightings: Iterable[encoding_pb2.EncodedSighting]) -> bytes:
    """Digest identifying a batch by its content (order matters)."""
    digest = hashlib.sha256(b"zichtlijn-batch\x00")
    for sighting in sightings:
        digest.update(sighting_digest(sighting))
    return digest.digest()

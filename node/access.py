"""What this node holds of one case reference, for an AVG art. 15 request.

The node holds no plaintext identity, so the answer names which parts of her identity
were recorded (as keyed encodings, never their values), and the control's own details,
dates and state. Her values are in the municipality's inspection system; what the hub
linked her sightings to is the hub operator's to answer (README "AVG").
"""

from __future__ import annotations

from node.store import NodeStore
from zichtlijn.v1 import encoding_pb2
from zichtlijn.wording import counted

_SETTINGS = {value: name.removeprefix("SETTING_").lower()
             for name, value in encoding_pb2.Setting.items() if value}
_ENTITIES = {encoding_pb2.ENTITY_KIND_PHONE: "phone",
             encoding_pb2.ENTITY_KIND_VEHICLE_PLATE: "vehicle plate",
             encoding_pb2.ENTITY_KIND_ADDRESS: "address",
             encoding_pb2.ENTITY_KIND_ADVERT: "advert"}


def recorded_parts(sighting: encoding_pb2.EncodedSighting) -> list[str]:
    """The parts of her identity a sighting carries as encodings (never their values)."""
    subject = sighting.subject
    parts = [part for part, present in (
        ("name", bool(subject.name_filter)), ("date of birth", bool(subject.dob_tokens)),
        ("sex", bool(subject.sex_token)), ("identity document", bool(subject.document_token)),
        ("place of birth", bool(subject.place_bucket))) if present]
    for kind, noun in _ENTITIES.items():
        if count := sum(1 for e in sighting.entities if e.kind == kind):
            parts.append(counted(count, noun))
    if sighting.companions:
        parts.append(f"{counted(len(sighting.companions), 'companion')} (name and what else "
                     "was recorded of him, encoded alike)")
    return parts


def access_lines(store: NodeStore, case_ref: str) -> list[str]:
    """The node's answer for `case_ref`, one block a control; empty when it holds none."""
    rows = store.db.execute(
        "SELECT observed_on, sighting_uuid, encoded, imported_at, synced_at, corrected_on "
        "FROM sightings WHERE case_ref = ? ORDER BY observed_on", [case_ref]).fetchall()
    lines: list[str] = []
    for observed_on, uuid, encoded, imported_at, synced_at, corrected_on in rows:
        sighting = encoding_pb2.EncodedSighting.FromString(encoded)
        licence = ("licensed" if sighting.licensed else "not licensed"
                   if sighting.HasField("licensed") else "licence not recorded")
        lines += [
            f"control    {case_ref} of {observed_on}: "
            f"{_SETTINGS.get(sighting.setting, 'setting not recorded')}, {licence}, "
            f"signal codes: {', '.join(sighting.signals) or 'none'}",
            f"sighting   {uuid}; imported {imported_at[:10]}"
            + (f", corrected {corrected_on[:10]}" if corrected_on else "")
            + (f", sent to the hub {synced_at[:10]}" if synced_at else ", not sent yet"),
            f"recorded   {', '.join(recorded_parts(sighting)) or 'nothing of her identity'}"
            " (keyed encodings only; the values are in the inspection system)",
        ]
    return lines

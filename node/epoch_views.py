"""Is a re-imported row the sighting already stored, when key epochs changed between?

A sighting's stored digest covers its encodings, and those depend on the key
epochs in use on the day of import. When a row is imported again after a
rotation started or ended, it is compared under the epochs both encodings
share. When they share none (the stored one was made under epochs this node
has retired) the node cannot tell, and treats the row as unchanged: it can
no longer encode under the old keys, and a correction goes through
`zichtlijn node correct` anyway.
"""

from __future__ import annotations

from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2


def epoch_digests(message: encoding_pb2.EncodedSighting) -> dict[int, bytes]:
    """Digest of the sighting as encoded under each single epoch it carries (UUID left out)."""
    views = {}
    for part in [message, *message.other_epochs]:
        single = encoding_pb2.EncodedSighting()
        single.CopyFrom(message)
        single.ClearField("sighting_uuid")
        single.ClearField("other_epochs")
        single.epoch = part.epoch
        single.subject.CopyFrom(part.subject)
        del single.companions[:]
        single.companions.extend(part.companions)
        del single.entities[:]
        single.entities.extend(part.entities)
        views[part.epoch] = wire.sighting_digest(single)
    return views


def same_content(stored: bytes | None, new: encoding_pb2.EncodedSighting) -> bool:
    if stored is None:
        return False
    old = epoch_digests(encoding_pb2.EncodedSighting.FromString(stored))
    fresh = epoch_digests(new)
    common = old.keys() & fresh.keys()
    return all(old[e] == fresh[e] for e in common)

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

import struct

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


def _agree(old: dict[int, bytes], new: encoding_pb2.EncodedSighting) -> bool:
    fresh = epoch_digests(new)
    common = old.keys() & fresh.keys()
    return all(old[e] == fresh[e] for e in common)


def same_content(stored: bytes | None, new: encoding_pb2.EncodedSighting) -> bool:
    if stored is None:
        return False
    return _agree(epoch_digests(encoding_pb2.EncodedSighting.FromString(stored)), new)


# A sighting's content as it once was, without its encodings: its digest under each epoch
# (uint32, as the proto's) in epoch order. What node.db remembers of the row a correction
# replaced (node/records.py): enough to recognise that row when an export brings it
# again, too little to link on.
_EPOCH_DIGEST = struct.Struct(">I32s")


def packed_digests(message: encoding_pb2.EncodedSighting) -> bytes:
    return b"".join(_EPOCH_DIGEST.pack(epoch, digest)
                    for epoch, digest in sorted(epoch_digests(message).items()))


def same_as_packed(packed: bytes, new: encoding_pb2.EncodedSighting) -> bool:
    """Whether `new` is the content `packed_digests` packed, compared as same_content does."""
    return _agree(dict(_EPOCH_DIGEST.iter_unpack(packed)), new)

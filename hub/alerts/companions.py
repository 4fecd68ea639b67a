"""Companion persons: the same controlling man recorded beside women in several towns.

Companions arrive as IdentityEncodings like subjects, so the linker's own
comparison (blocking, scoring, chain-resistant clustering) groups them into
companion persons. That is what lets the network rule see "three women, each
with the same man, in two towns" without anyone holding his name.

Encodings made under different key epochs are unrelated bit patterns, so
companions are grouped per epoch. The grouping is recomputed from the stored
encodings at every evaluation: cheap at the size of today's data (companions
are a minority of sightings), and no state of its own that could drift from
the database.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence

from linkage.compare import MatchPolicy
from linkage.linking import link_all
from linkage.schema import LinkageSchema
from linkage.table import EncodingTable
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2

CompanionKey = tuple[str, int]  # (sighting UUID, position of the companion in it)
CompanionRow = tuple[str, int, int, bytes]  # (sighting UUID, position, epoch, encoding)


def companion_id_for(key: CompanionKey) -> str:
    """Pseudonymous companion id, named after the cluster's first-received member."""
    digest = hashlib.sha256(f"zichtlijn-companion\x00{key[0]}\x00{key[1]}".encode()).hexdigest()
    return "C-" + digest[:12]


def companion_persons(rows: Sequence[CompanionRow], schema: LinkageSchema,
                      policy: MatchPolicy) -> dict[CompanionKey, str]:
    """Map (sighting UUID, position) -> companion person id.

    `rows` are in arrival order, so a cluster is named after its earliest
    member whatever arrives later.
    """
    by_epoch: dict[int, list[CompanionRow]] = defaultdict(list)
    for row in rows:
        by_epoch[row[2]].append(row)
    result: dict[CompanionKey, str] = {}
    for group in by_epoch.values():
        table = EncodingTable(schema.filter_bytes, capacity=len(group))
        table.append([wire.identity_from_wire(encoding_pb2.IdentityEncoding.FromString(blob))
                      for _, _, _, blob in group])
        for row, label in enumerate(link_all(table, policy)):
            first = group[int(label)]
            result[(group[row][0], group[row][1])] = companion_id_for((first[0], first[1]))
    return result

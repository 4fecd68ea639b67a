"""Companion persons: the same controlling man recorded beside women in several towns.

Companions arrive as IdentityEncodings like subjects, so the linker's own
comparison (blocking, scoring, chain-resistant clustering) groups them into
companion persons. That is what lets the network rule see "three women, each
with the same man, in two towns" without anyone holding his name.

The grouping is recomputed from the stored encodings at every evaluation: it
is cheap at the size of today's data (companions are a minority of
sightings) and needs no state of its own that could drift from the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.cluster import cluster_component, components
from linkage.compare import MatchPolicy, score_pairs
from linkage.schema import LinkageSchema
from linkage.table import EncodingTable
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2

CompanionKey = tuple[str, int]  # (sighting UUID, position of the companion in it)


def companion_id_for(key: CompanionKey) -> str:
    """Pseudonymous companion id, named after the cluster's first-received member."""
    digest = hashlib.sha256(f"zichtlijn-companion\x00{key[0]}\x00{key[1]}".encode()).hexdigest()
    return "C-" + digest[:12]


def companion_persons(rows: Sequence[tuple[str, int, bytes]], schema: LinkageSchema,
                      policy: MatchPolicy) -> dict[CompanionKey, str]:
    """Map (sighting UUID, position) -> companion person id.

    `rows` are (sighting UUID, position, serialized IdentityEncoding) in arrival
    order, so a cluster is named after its earliest member whatever arrives later.
    """
    if not rows:
        return {}
    table = EncodingTable(schema.filter_bytes, capacity=len(rows))
    table.append([wire.identity_from_wire(encoding_pb2.IdentityEncoding.FromString(blob))
                  for _, _, blob in rows])
    pairs = CandidateIndex().add(table, range(len(rows)))

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, policy)

    links: list[tuple[int, int]] = []
    if len(pairs):
        scores = score(pairs[:, 0], pairs[:, 1])
        links = [(int(a), int(b)) for a, b in pairs[scores >= policy.threshold]]
    result: dict[CompanionKey, str] = {}
    for component in components(links, range(len(rows))):
        for cluster in cluster_component(component, score, policy):
            first = rows[cluster[0]]
            name = companion_id_for((first[0], first[1]))
            for row in cluster:
                result[(rows[row][0], rows[row][1])] = name
    return result

"""Which stored person a lookup's probe belongs to, decided as if it were a new sighting.

A probe is a temporary row: it gets the candidates blocking would give a new
sighting and is scored against them with the hub's policy. The persons it
links to (at the link floor) are then clustered again, from their sightings
as they stand, with the probe among them, by the same `cluster_members` a
link run uses; the sightings that end up in the probe's cluster are the
answer. Nothing is stored and no link or person changes.

A link run re-clusters the whole connected component instead; a component
can hold a thousand sightings of namesakes joined by weak links, and doing
that per lookup would cost seconds. Re-clustering only the persons the probe
touches gives the same answer unless the probe would also rearrange persons
it does not link to, which `tests/test_probe.py` checks does not happen on
the carousel data.

So the rules of linking hold for lookups too. In particular a probe without
a date of birth joins a person only when it agrees with exactly one dated
person (`linkage.cluster`): with a common name it fits several, and the hub
then says so (AMBIGUOUS, with how many) instead of picking one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hub.epoch_tables import neutral_score
from linkage.compare import score_pairs
from linkage.encode import IdentityEncoding
from linkage.linking import cluster_members

if TYPE_CHECKING:
    from hub.linker import Linker

NO_MATCH, PERSON, AMBIGUOUS = "no_match", "person", "ambiguous"


@dataclass(frozen=True)
class ProbeMatch:
    outcome: str  # NO_MATCH, PERSON or AMBIGUOUS
    seqs: tuple[int, ...] = ()  # PERSON: the stored sightings the probe belongs with
    possible_persons: int = 0  # AMBIGUOUS: how many dated persons the probe fits
    candidates: int = 0  # how many stored sightings were scored (for logs and benchmarks)


def _members(linker: Linker, linked: np.ndarray) -> list[int]:
    """Every stored sighting of the persons the probe links to, as they stand now."""
    persons = sorted({linker.person_of_row[int(r)] for r in linked} - {None})
    with linker.store.lock:
        seqs = linker.store.db.execute(
            f"SELECT seq FROM sightings WHERE person_id IN ({','.join('?' * len(persons))})",
            persons).fetchall()
    rows = {linker.row_of_seq[seq] for (seq,) in seqs if seq in linker.row_of_seq}
    return sorted(rows | {int(r) for r in linked})


def match_probe(linker: Linker, probe: Mapping[int, IdentityEncoding]) -> ProbeMatch:
    """Call with the linker's lock held (Linker.probe)."""
    tables, policy = linker.encodings, linker.policy
    neutral = neutral_score(policy)

    def table_scorer(table, left, right):
        return score_pairs(table, left, right, policy)

    candidates = tables.probe_candidates(probe)
    if not len(candidates):
        return ProbeMatch(NO_MATCH)
    scores = tables.score_probe(probe, candidates, table_scorer, neutral)
    linked = candidates[scores >= policy.link_floor]
    if not len(linked):
        return ProbeMatch(NO_MATCH, candidates=len(candidates))

    members = np.asarray(_members(linker, linked), dtype=np.int64)
    probe_row = tables.size  # the row a new sighting would get: after every stored one
    probe_scores = dict(zip(members.tolist(),
                            tables.score_probe(probe, members, table_scorer, neutral).tolist(),
                            strict=True))

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        left, right = np.asarray(left), np.asarray(right)
        out = np.empty(len(left), dtype=np.float32)
        with_probe = (left == probe_row) | (right == probe_row)
        if (~with_probe).any():
            out[~with_probe] = linker.score(left[~with_probe], right[~with_probe])
        others = np.where(left[with_probe] == probe_row, right[with_probe], left[with_probe])
        out[with_probe] = [probe_scores[int(o)] for o in others]
        return out

    dated = np.zeros(probe_row + 1, dtype=bool)
    dated[members] = tables.dated_rows(members)
    probe_dated = any(len(e.dob_tokens) for e in probe.values())
    dated[probe_row] = probe_dated
    clusters = cluster_members([*members.tolist(), probe_row], scorer, dated, policy)
    mine = next(c for c in clusters if probe_row in c)
    if len(mine) > 1:
        seqs = tuple(linker.seq_of_row[r] for r in mine if r != probe_row)
        return ProbeMatch(PERSON, seqs, candidates=len(candidates))
    if not probe_dated:
        fits = _dated_clusters_fitting(clusters, probe_scores, dated, policy)
        if fits >= 2:
            return ProbeMatch(AMBIGUOUS, possible_persons=fits, candidates=len(candidates))
    return ProbeMatch(NO_MATCH, candidates=len(candidates))


def _dated_clusters_fitting(clusters: list[list[int]], probe_scores: dict[int, float],
                            dated: np.ndarray, policy) -> int:
    """How many dated persons an undated probe agrees with, by the attach rule.

    The rule of `linkage.cluster._attach_undated`: no pair below the veto and
    a mean of at least `attach_mean`. It is restated here only to count; the
    decision itself was made by `cluster_members` above.
    """
    fits = 0
    for cluster in clusters:
        rows = [r for r in cluster if r in probe_scores]
        if not rows or not dated[rows].any():
            continue
        values = np.array([probe_scores[r] for r in rows])
        if values.min() >= policy.veto and values.mean() >= policy.attach_mean:
            fits += 1
    return fits

"""Which stored person a lookup's probe belongs to, decided as if it were a new sighting.

A probe is a temporary row: it gets the candidates blocking would give a new
sighting and is scored against them with the hub's policy, then goes
through the two steps of the person graph (linkage/persons.py) on the part
of the graph it touches:

1. the clusters it links to strongly (score >= threshold) are clustered again
   with the probe among them by `cluster_component`, the chaining-resistant
   clustering of link runs; the probe's cluster is what it would join;
2. a cluster without any date of birth joins the one dated cluster its weak
   links (score >= link floor) point to, by `attach_choice`: the undated
   clusters around a dated probe choose again now that its cluster includes
   the probe, and an undated probe's own cluster chooses; with a common name
   it fits several, and the hub then says so (AMBIGUOUS, with how many)
   instead of picking one.

The answer is every sighting of the person the probe ends up in. Nothing
is stored and no link or person changes. A link run re-clusters the whole
strong component instead of the clusters the probe touches; the two differ
only when the probe would also rearrange clusters it has no strong link to,
which `tests/test_probe.py` checks does not happen on held-out carousel
sightings recorded for real afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hub.epoch_tables import neutral_score
from linkage.cluster import attach_choice, attach_pairs, cluster_component
from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import IdentityEncoding
from linkage.table import EncodingTable, EntityTokens

if TYPE_CHECKING:
    from hub.linker import Linker

NO_MATCH, PERSON, AMBIGUOUS = "no_match", "person", "ambiguous"


@dataclass(frozen=True)
class ProbeMatch:
    outcome: str  # NO_MATCH, PERSON or AMBIGUOUS
    seqs: tuple[int, ...] = ()  # PERSON: the stored sightings the probe belongs with
    possible_persons: int = 0  # AMBIGUOUS: how many dated persons the probe fits
    candidates: int = 0  # how many stored sightings were scored (for logs and benchmarks)


class _ProbeScorer:
    """Scores of linker-row pairs where one side may be the probe's virtual row."""

    def __init__(self, linker: Linker, probe: Mapping[int, IdentityEncoding],
                 entities: Mapping[int, EntityTokens] | None = None) -> None:
        self.linker = linker
        self.probe = probe
        self.entities = entities
        self.row = linker.encodings.size  # the row a new sighting would get
        self.names = linker.probe_names(probe)  # the rise it pays, as a new sighting would
        self.known: dict[int, float] = {}

    def _table_scorer(self, table: EncodingTable, left: np.ndarray,
                      right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, self.linker.policy)

    def against(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        missing = np.array([r for r in rows.tolist() if r not in self.known], dtype=np.int64)
        if len(missing):
            scores = self.linker.encodings.score_probe(
                self.probe, missing, self._table_scorer, neutral_score(self.linker.policy),
                self.entities) + self.linker.probe_allowance(self.names, missing)
            self.known.update(zip(missing.tolist(), scores.tolist(), strict=True))
        return np.array([self.known[r] for r in rows.tolist()], dtype=np.float32)

    def __call__(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        left, right = np.asarray(left), np.asarray(right)
        out = np.empty(len(left), dtype=np.float32)
        with_probe = (left == self.row) | (right == self.row)
        if (~with_probe).any():
            out[~with_probe] = self.linker.score(left[~with_probe], right[~with_probe])
        if with_probe.any():
            out[with_probe] = self.against(
                np.where(left[with_probe] == self.row, right[with_probe], left[with_probe]))
        return out


def match_probe(linker: Linker, probe: Mapping[int, IdentityEncoding],
                entities: Mapping[int, EntityTokens] | None = None) -> ProbeMatch:
    """Call with the linker's lock held (Linker.probe). `entities`: the probe's entity
    tokens per epoch, weighed as a new sighting's are."""
    tables, policy, graph = linker.encodings, linker.policy, linker.graph
    scorer = _ProbeScorer(linker, probe, entities)
    candidates = tables.probe_candidates(probe, entities)
    if not len(candidates):
        return ProbeMatch(NO_MATCH)
    scores = scorer.against(candidates)
    weak = {int(r) for r in candidates[scores >= policy.link_floor]}
    strong = candidates[scores >= policy.threshold]
    seen = len(candidates)
    if not weak:
        return ProbeMatch(NO_MATCH, candidates=seen)

    # step 1: the clusters it links to strongly, clustered again with the probe
    near = sorted({row for base in {graph.base(int(r)) for r in strong}
                   for row in graph.members(base)})
    clusters = cluster_component([*near, scorer.row], scorer, policy, copies=graph.copies)
    cluster_of = {row: cluster for cluster in clusters for row in cluster}
    mine = cluster_of[scorer.row]
    existing = [r for r in mine if r != scorer.row]
    probe_dated = any(len(e.dob_tokens) for e in probe.values())

    def links_of(row: int) -> set[int]:
        return weak if row == scorer.row else set(graph.linked(row)) | (
            {scorer.row} if row in weak else set())

    row_dated: dict[int, bool] = {}  # asked about the same rows again and again

    def dated(rows: list[int]) -> bool:
        stored = [r for r in rows if r != scorer.row]
        unknown = [r for r in stored if r not in row_dated]
        if unknown:
            row_dated.update(zip(unknown, tables.dated_rows(
                np.array(unknown, dtype=np.int64)).tolist(), strict=True))
        return (scorer.row in rows and probe_dated) or any(row_dated[r] for r in stored)

    def cluster(row: int) -> list[int]:
        return cluster_of.get(row) or graph.members(graph.base(row))

    def dated_neighbours(rows: list[int]) -> list[list[int]]:
        """The dated clusters (as they would be) that `rows` link to weakly."""
        found: dict[int, list[int]] = {}
        for row in rows:
            for other in links_of(row) - set(rows):
                if dated([other]):  # as PersonGraph._attach: a link to a dated sighting
                    c = cluster(other)
                    found[min(c)] = c
        return [found[k] for k in sorted(found)]

    if dated(mine):
        # step 2 for the undated clusters around her: each joins the one dated cluster
        # it fits, now that hers includes the probe
        answer = set(existing)
        undated = {min(cluster(o)): cluster(o) for r in mine for o in links_of(r) - set(mine)
                   if not dated(cluster(o))}
        for rows in undated.values():
            choices = dated_neighbours(rows)
            choice = _attach(rows, choices, scorer, policy)
            if choice is not None and choices[choice] is mine:
                answer.update(rows)
        if not answer:
            return ProbeMatch(NO_MATCH, candidates=seen)
        return ProbeMatch(PERSON, _seqs(linker, answer), candidates=seen)

    # step 2 for her own cluster: it joins the one dated cluster it fits, if only one
    choices = dated_neighbours(mine)
    fits = [c for c in choices if _attach(mine, [c], scorer, policy) == 0]
    if len(fits) == 1:
        return ProbeMatch(PERSON, _person_seqs(linker, fits[0], existing), candidates=seen)
    if len(fits) >= 2:
        return ProbeMatch(AMBIGUOUS, possible_persons=len(fits), candidates=seen)
    if existing:  # seen before, never with a date of birth
        return ProbeMatch(PERSON, _seqs(linker, existing), candidates=seen)
    return ProbeMatch(NO_MATCH, candidates=seen)


def _attach(rows: list[int], clusters: list[list[int]], scorer: _ProbeScorer,
            policy: MatchPolicy) -> int | None:
    """Which of `clusters` an undated cluster joins, decided as PersonGraph decides it."""
    if not clusters:
        return None
    left, right = attach_pairs(rows, clusters)
    return attach_choice(scorer(left, right), len(rows), [len(c) for c in clusters], policy)


def _seqs(linker: Linker, rows: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(int(linker.rows.seq[r]) for r in rows))


def _person_seqs(linker: Linker, anchor: list[int], extra: list[int]) -> tuple[int, ...]:
    """Every stored sighting of the person of the dated cluster `anchor`, and `extra`."""
    person = linker.rows.person_id(anchor[0])
    with linker.store.lock:
        seqs = {seq for (seq,) in linker.store.db.execute(
            "SELECT seq FROM sightings WHERE person_id = ?", [person])}
    return tuple(sorted(seqs | set(_seqs(linker, extra))))

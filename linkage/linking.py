"""From candidate pairs to persons: the steps shared by batch and nightly linking.

The hub links night by night (hub/linker.py); `link_all` does the same in
one batch. Both keep the pairs scoring at least `policy.link_floor` as links
and hand them to a `PersonGraph`, so the two give the same persons.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from linkage.blocking import CANDIDATE_KEYS, CandidateIndex
from linkage.compare import MatchPolicy, score_pairs
from linkage.persons import PersonGraph, score_in_slices
from linkage.table import EncodingTable

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


def policy_digest(policy: MatchPolicy) -> str:
    """A short digest of every setting that decides a score or a person.

    The candidate keys count too: a pair never compared is never linked, so
    links made under other keys differ from a relink's.
    """
    settings = {"threshold": policy.threshold, "cluster_mean": policy.cluster_mean,
                "merge_margin": policy.merge_margin, "copies_count_once": True,
                "veto": policy.veto, "link_floor": policy.link_floor,
                "attach_mean": policy.attach_mean, "attach_clear": policy.attach_clear,
                "weights": policy.weights,
                "weights_without_entities": policy.weights_without_entities,
                "candidate_keys": CANDIDATE_KEYS}
    canonical = json.dumps(settings, sort_keys=True, separators=(",", ":"))
    return "m-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


def scored_links(
    pairs: np.ndarray, scorer: Scorer, policy: MatchPolicy, dated: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs that are links, and their scores.

    Strong links (at least the threshold) always; weak ones (at least the link
    floor) only where a side has no date of birth: that is the only use of a
    weak link (attaching undated sightings), and keeping the others would cost
    memory in proportion to every coincidence at national scale.
    """
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float32)
    scores = score_in_slices(scorer, pairs[:, 0], pairs[:, 1])
    undated = ~dated[pairs[:, 0]] | ~dated[pairs[:, 1]]
    keep = (scores >= policy.threshold) | ((scores >= policy.link_floor) & undated)
    return pairs[keep], scores[keep]


def unlink_rows(graph: PersonGraph, rows: list[int], moved_up: np.ndarray, scorer: Scorer,
                policy: MatchPolicy, dated: np.ndarray
                ) -> tuple[set[int], np.ndarray, np.ndarray]:
    """Take removed rows out of the graph and re-cluster what they held together.

    `moved_up` are the candidate pairs the removal made in the blocking index
    (rows moving up into a capped block); those that are links and not yet in
    the graph join it. Returns the rows whose person may have changed, and the
    new links with their scores (for the caller to store).
    """
    affected = graph.remove_rows(rows)
    links, scores = scored_links(graph.not_linked(moved_up), scorer, policy, dated)
    graph.add_links(links, scores)
    affected.update(links.ravel().tolist())
    return graph.update(sorted(affected), scorer, dated), links, scores


def table_scorer(table: EncodingTable, policy: MatchPolicy) -> Scorer:
    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, policy)
    return scorer


def copy_key(gemeente: str, parts: Iterable[bytes]) -> int:
    """A positive 63-bit key of one gemeente's sighting as encoded: equal for the copies
    of one record (a gemeente writing its earlier record of a woman again), which
    clustering counts as one sighting. `parts` are the sighting's encoded bytes in a
    fixed order (its identity encoding, then its entity tokens, sorted)."""
    digest = hashlib.blake2b(gemeente.encode(), digest_size=8)
    for part in parts:
        digest.update(len(part).to_bytes(4, "big") + part)
    return int.from_bytes(digest.digest(), "big") >> 1 or 1


def table_copy_keys(table: EncodingTable, gemeenten: Sequence[str]) -> np.ndarray:
    """`copy_key` of every row of `table`, given each row's gemeente (benchmarks, which
    hold a table where the hub holds the wire bytes)."""
    columns = table.columns()
    return np.array([copy_key(gemeente, [column[row].tobytes() for column in columns])
                     for row, gemeente in enumerate(gemeenten)], dtype=np.int64)


def persons_of(size: int, links: np.ndarray, scores: np.ndarray, scorer: Scorer,
               policy: MatchPolicy, dated: np.ndarray,
               copies: np.ndarray | None = None) -> np.ndarray:
    """Person label per row 0..size-1 (as `link_all`'s) from links already scored.

    Apart from `link_all` so that a benchmark with candidates of its own (the
    plaintext baseline's blocking in the clear) clusters exactly as the shipped path
    does: a copy of these steps would drift from it unnoticed. `links` must hold
    every pair of at least the threshold, and the weak ones an undated side needs
    (`scored_links` keeps exactly those; more weak links change nothing).
    """
    graph = PersonGraph(policy)
    graph.add_rows(range(size), copies=copies)
    graph.add_links(links, scores)
    graph.update(range(size), scorer, dated)
    return np.array([graph.person_root(row) for row in range(size)])


def link_all(table: EncodingTable, policy: MatchPolicy,
             copies: np.ndarray | None = None, *, scorer: Scorer | None = None
             ) -> np.ndarray:
    """Person label per row: the row the row's person is named after.

    `copies`: each row's copy key, as the hub gives them (`copy_key`); without them
    every row counts as a sighting of its own. `scorer`: another score for a pair
    than `policy`'s (benchmarks weighing evidence the shipped matcher lacks), so
    that what they measure differs from the shipped linking in the score alone."""
    scorer = table_scorer(table, policy) if scorer is None else scorer
    pairs = CandidateIndex().add(table, range(table.size))
    dated = table.dob[: table.size, 0] != 0
    links, scores = scored_links(pairs, scorer, policy, dated)
    return persons_of(table.size, links, scores, scorer, policy, dated, copies)

"""What-if runs of the shipped matcher with one change the lead could make.

Not shipped code: these show, with numbers, what a change outside the
benchmark's files would buy, so the lead can decide. The shipped pieces
(encoding table, `score_pairs`, `PersonGraph`) are used unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import MatchPolicy, entities_recorded, score_pairs
from linkage.table import EncodingTable
from tests.benchmarks.carousel import EncodedCarousel, table_of, with_subjects
from tests.benchmarks.plaintext_baseline import cluster_pairs
from zichtlijn.wire import ENTITY_KINDS


def document_pairs(table: EncodingTable) -> np.ndarray:
    """Rows sharing a document token or a document near-token (one character apart)."""
    rows_of: dict[tuple[int, int], list[int]] = {}
    for row in range(table.size):
        token = int(table.document[row])
        if token:
            rows_of.setdefault((0, token), []).append(row)
        for near in table.document_near[row].tolist():
            if near:
                rows_of.setdefault((1, near), []).append(row)
    pairs = [(a, b) for rows in rows_of.values() if len(rows) < 50
             for k, a in enumerate(rows) for b in rows[k + 1:]]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def link_with_document_blocking(table: EncodingTable, policy: MatchPolicy) -> np.ndarray:
    """link_all with the document tokens the hub already holds as one more blocking key."""
    pairs = CandidateIndex().add(table, range(table.size))
    pairs = np.unique(np.sort(np.vstack([pairs, document_pairs(table)]), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return score_pairs(table, left, right, policy)

    return _persons(table, pairs, scorer, policy)


def _persons(table: EncodingTable, pairs: np.ndarray,
             scorer: Callable[[np.ndarray, np.ndarray], np.ndarray],
             policy: MatchPolicy) -> np.ndarray:
    """link_all's clustering of these candidate pairs under another scorer."""
    dated = table.dob[: table.size, 0] != 0
    return cluster_pairs(table.size, pairs, scorer(pairs[:, 0], pairs[:, 1]), scorer, policy,
                         dated)


def network_contact_stress(encoded: EncodedCarousel) -> list[list[tuple[int, bytes]]]:
    """Entity tokens as if every woman of a network gave its one phone, advert and car
    on every sighting: the most a controller's shared contacts could mislead the
    matcher (a what-if on the data's own networks; addresses as generated)."""
    data = encoded.data
    out = []
    for key, tokens in zip(encoded.keys, encoded.entities, strict=True):
        network = data.network_of.get(data.truth[key])
        if network is None:
            out.append(tokens)
            continue
        shared = [(ENTITY_KINDS[kind], hashlib.blake2b(f"{kind}:{network}".encode(),
                                                       digest_size=16).digest())
                  for kind in ("phone", "advert", "vehicle_plate")]
        own_address = [t for t in tokens if t[0] == ENTITY_KINDS["address"]]
        out.append(shared + own_address)
    return out


def assigned_birth_dates(encoded: EncodedCarousel, population: str = "NG",
                         share: float = 0.5, seed: int = 0) -> EncodedCarousel:
    """The data as if `share` of one population's women had the date of birth an
    authority assigns when the real one is unknown, 1 January of the year, on every
    dated sighting: a date "exact" for many women who share nothing but their year."""
    data = encoded.data
    rng = random.Random(seed)
    assigned = {person for person in sorted(data.population_of)
                if data.population_of[person] == population and rng.random() < share}
    subjects = []
    for key, parsed in zip(encoded.keys, encoded.parsed, strict=True):
        person, subject = data.truth[key], parsed.subject
        if person in assigned and subject.date_of_birth is not None:
            year = int(data.identities[person]["date_of_birth"][:4])
            subject = replace(subject, date_of_birth=dt.date(year, 1, 1))
        subjects.append(subject)
    return with_subjects(encoded, subjects)


def _pair_weight(policy: MatchPolicy, table: EncodingTable, left: np.ndarray,
                 right: np.ndarray, name: str) -> np.ndarray:
    """The weight of evidence `name` that scores each pair (MatchPolicy's two sets)."""
    return np.where(entities_recorded(table, left, right), policy.weights[name],
                    policy.weights_without_entities[name])


def link_with_flagged_january_dates(encoded: EncodedCarousel, policy: MatchPolicy,
                                    weight: float) -> np.ndarray:
    """link_all as it would be if a node flagged every 1 January date as possibly
    assigned and the matcher weighed an exact date of two flagged sightings `weight`
    instead of the exact-date weight; everything else, blocking included, as shipped.

    Simulated at the hub with the plaintext the benchmark has (the flag would be a
    schema change: the hub would learn which sightings carry 1 January)."""
    table = table_of(encoded)
    flagged = _on_first_of_january(encoded)

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        scores = score_pairs(table, left, right, policy)
        both = flagged[left] & flagged[right] & (table.dob[left, 0] == table.dob[right, 0])
        shift = weight - _pair_weight(policy, table, left, right, "dob_exact")
        return scores + np.where(both, shift, 0.0).astype(np.float32)

    return _persons(table, CandidateIndex().add(table, range(table.size)), scorer, policy)


def link_with_year_only_dates(encoded: EncodedCarousel, policy: MatchPolicy,
                              year_weight: float) -> np.ndarray:
    """link_all as it would be if a node sent every 1 January date as known to its year
    only (an assigned date) and the matcher had an agreement class for it.

    Simulated at the hub with the plaintext the benchmark has: those rows lose their
    date tokens (blocked and attached as undated), and a pair with such a row where
    both sides have a year scores `year_weight` for the same year, the "different"
    weight otherwise, in place of the date evidence."""
    table = table_of(encoded)
    year_only = _on_first_of_january(encoded)
    year = np.array([d.year if d is not None else 0 for d in _born(encoded)], dtype=np.int64)
    table.dob[np.flatnonzero(year_only)] = 0

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        scores = score_pairs(table, left, right, policy)
        different = _pair_weight(policy, table, left, right, "dob_different")
        either = (year_only[left] | year_only[right]) & (year[left] != 0) & (year[right] != 0)
        same = year[left] == year[right]
        return scores + np.where(either, np.where(same, year_weight, different), 0.0
                                 ).astype(np.float32)

    return _persons(table, CandidateIndex().add(table, range(table.size)), scorer, policy)


def _born(encoded: EncodedCarousel) -> list[dt.date | None]:
    return [p.subject.date_of_birth for p in encoded.parsed]


def _on_first_of_january(encoded: EncodedCarousel) -> np.ndarray:
    """Per row: is the date of birth 1 January (the date authorities assign)?"""
    return np.array([d is not None and (d.month, d.day) == (1, 1) for d in _born(encoded)])

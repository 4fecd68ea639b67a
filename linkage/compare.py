"""Pairwise comparison of encodings: features and a log-odds style score.

The score adds evidence the way a Fellegi-Sunter model does: name similarity
(Dice on the keyed filters), how the dates of birth agree, which part of the
name agrees (given name or surname, straight or swapped), and exact tokens
(document, sex) that can confirm or veto. The weights are data (MatchPolicy),
chosen by measurement on labelled data (tests/benchmarks/quality.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from linkage.table import NO_BUCKET, EncodingTable

CHUNK_PAIRS = 65_536


class DobAgreement(IntEnum):
    DIFFERENT = 0
    PARTIAL = 1  # two of day, month, year agree (a typo or off-by-one)
    SWAPPED = 2  # day and month exchanged
    EXACT = 3
    MISSING = 4  # at least one side unknown


@dataclass(frozen=True)
class MatchPolicy:
    """Evidence weights and thresholds; see README "How matching works"."""

    threshold: float = 6.0  # a pair scoring at least this is a link
    cluster_mean: float = 4.0  # clusters merge only when their cross pairs average this
    veto: float = -3.0  # no two sightings scoring below this end up in one person
    name_slope: float = 20.0
    name_pivot: float = 0.72  # Dice at which the name is neutral evidence
    name_floor: float = -8.0
    name_cap: float = 6.0
    dob: dict[int, float] = field(
        default_factory=lambda: {
            DobAgreement.DIFFERENT: -7.0,
            DobAgreement.PARTIAL: 1.0,
            DobAgreement.SWAPPED: 3.5,
            DobAgreement.EXACT: 5.0,
            DobAgreement.MISSING: 0.0,
        }
    )
    given_agrees: float = 1.0
    only_surname_agrees: float = -3.0
    no_part_agrees: float = -1.0
    document_same: float = 8.0
    document_different: float = -3.0
    sex_different: float = -6.0


@dataclass
class PairFeatures:
    dice: np.ndarray
    dob: np.ndarray
    given_ok: np.ndarray
    surname_ok: np.ndarray
    document: np.ndarray  # 1 same, -1 different, 0 unknown
    sex_different: np.ndarray


def _any_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: does any present bucket of a equal any bucket of b?"""
    hit = np.zeros(len(a), dtype=bool)
    for i in range(a.shape[1]):
        present = a[:, i] != NO_BUCKET
        for j in range(b.shape[1]):
            hit |= present & (a[:, i] == b[:, j])
    return hit


def dice(table: EncodingTable, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    common = np.bitwise_count(table.filters[left] & table.filters[right]).sum(axis=1)
    total = table.popcounts[left] + table.popcounts[right]
    return np.where(total > 0, 2.0 * common / np.maximum(total, 1), 0.0)


def features(table: EncodingTable, left: np.ndarray, right: np.ndarray) -> PairFeatures:
    dob_l, dob_r = table.dob[left], table.dob[right]
    equal = dob_l == dob_r
    missing = (dob_l[:, 0] == 0) | (dob_r[:, 0] == 0)
    dob = np.full(len(left), DobAgreement.DIFFERENT, dtype=np.int8)
    dob[equal[:, 2:].any(axis=1)] = DobAgreement.PARTIAL
    dob[equal[:, 1]] = DobAgreement.SWAPPED
    dob[equal[:, 0]] = DobAgreement.EXACT
    dob[missing] = DobAgreement.MISSING

    g_l, g_r = table.given[left], table.given[right]
    s_l, s_r = table.surname[left], table.surname[right]
    swapped = _any_equal(g_l, s_r) & _any_equal(s_l, g_r)
    given_ok = _any_equal(g_l, g_r) | swapped
    surname_ok = _any_equal(s_l, s_r) | swapped

    doc_l, doc_r = table.document[left], table.document[right]
    both_doc = (doc_l != 0) & (doc_r != 0)
    document = np.where(both_doc, np.where(doc_l == doc_r, 1, -1), 0).astype(np.int8)
    sex_l, sex_r = table.sex[left], table.sex[right]
    sex_different = (sex_l != 0) & (sex_r != 0) & (sex_l != sex_r)
    return PairFeatures(dice(table, left, right), dob, given_ok, surname_ok, document,
                        sex_different)


def score_features(f: PairFeatures, policy: MatchPolicy) -> np.ndarray:
    name = np.clip(policy.name_slope * (f.dice - policy.name_pivot), policy.name_floor,
                   policy.name_cap)
    dob_weights = np.array([policy.dob[k] for k in DobAgreement], dtype=np.float64)
    parts = np.where(
        f.given_ok,
        policy.given_agrees,
        np.where(f.surname_ok, policy.only_surname_agrees, policy.no_part_agrees),
    )
    document = np.select(
        [f.document == 1, f.document == -1], [policy.document_same, policy.document_different],
        0.0,
    )
    sex = np.where(f.sex_different, policy.sex_different, 0.0)
    return (name + dob_weights[f.dob] + parts + document + sex).astype(np.float32)


def score_pairs(
    table: EncodingTable, left: np.ndarray, right: np.ndarray, policy: MatchPolicy
) -> np.ndarray:
    """Scores of the pairs (left[i], right[i]), computed in bounded chunks."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    out = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), CHUNK_PAIRS):
        stop = start + CHUNK_PAIRS
        out[start:stop] = score_features(
            features(table, left[start:stop], right[start:stop]), policy
        )
    return out

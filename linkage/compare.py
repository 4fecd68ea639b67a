"""Pairwise comparison of encodings: features and a log-odds style score.

The score adds evidence the way a Fellegi-Sunter model does: name similarity
(Dice on the keyed filters), how the dates of birth agree, and exact tokens
(document, sex) that can confirm or veto. Until schema version 5 it also
weighed which part of the name agreed (given name or surname, by keyed
buckets of each word's first letters); measured without them the F1 was the
same (README "Privacy, measured"), and their frequencies named given names.
A phone, plate, address or advert shared by the two sightings confirms a name
at least half alike (`ENTITY_NAME_DICE`) and a date of birth that does not
contradict; it never links names that share nothing, nor
overrides a different date, since a controller's phone, car or venue is
shared by the women he controls (DESIGN §6: exact tokens combined with fuzzy
evidence). The weights are data (MatchPolicy),
chosen by measurement on labelled data (tests/benchmarks/quality.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from linkage.kernels import dice_pairs
from linkage.schema import DAY_WINDOW_SLOT, YEAR_NEAR_SLOTS
from linkage.table import ENTITY_KINDS, EncodingTable

CHUNK_PAIRS = 65_536


class DobAgreement(IntEnum):
    DIFFERENT = 0
    PARTIAL = 1  # two of day, month, year agree, the third is unrelated
    NEAR = 2  # the year one up or down, or the day within the same three days of the month
    SWAPPED = 3  # day and month exchanged
    EXACT = 4
    MISSING = 5  # at least one side unknown


# Two names of one word each ("Candy" and "Candy": a working name, a given name without
# a surname) that agree say little of who she is: many women give that word, in every
# town, yet their filters agree as wholly as two full names do. Not fitted (the
# benchmark's generator records a surname with every working name) but set between two
# bounds: such an agreement alone (-0.8 with a phone or advert recorded, -0.5 without)
# must stay below the bar at which an undated sighting joins the only person it agrees
# with (-2.5), and the same word with a shared phone or advert (+7.5) or an equal date of
# birth (+8.0) must still link (2.5). One word against a full name ("Candy" and "Candy
# Tkachuk") is left to the Dice hinges, which already weigh that partial agreement low:
# penalised too, FEBRL1 and 2 lost 0.003-0.004 F1 for no gain. Without it an outside
# generator's undated "Candy"s of eight women, each with her own phone and place of
# birth, all joined the one dated "Candy" (README "One-word names").
SINGLE_WORD_NAME = -4.0

# Log-odds weights of the evidence (see README "How matching works"), fitted by
# logistic regression on labelled carousel pairs of the generator's whole
# realistic mix, fitting seed 101 (`python -m tests.benchmarks.fit_weights`),
# and evaluated on other seeds; last fitted for schema version 7 (2026-12-07: the dates a
# day or a month away no longer sent, a window of three days instead; `dob_partial` now
# holds most dates a day or a month off; no nationality).
DEFAULT_WEIGHTS: dict[str, float] = {
    "bias": -19.21,
    "dice": 19.25,
    "dice_over_60": 3.75,
    "dice_over_75": -6.38,
    "dice_over_90": -7.80,
    "dob_different": -3.86,
    "dob_partial": 1.57,
    "dob_near": 4.35,
    "dob_swapped": 4.00,
    "dob_exact": 7.96,
    "document_same": 15.75,
    "document_near": 13.52,
    "document_different": -1.88,
    "sex_different": -0.19,
    "place_same": 2.24,
    "place_different": -3.33,  # kept: see README "Changing the linkage schema"
    "nationality_same": 0.00,  # the schema sends no nationality since version 7
    "nationality_different": 0.00,
    "contact_same": 7.51,
    "vehicle_plate_same": 5.96,
    "address_same": 3.03,
    "short_name_gain": 8.94,
    "single_word_name": SINGLE_WORD_NAME,
}

# The weights for a pair of two sightings that carry no phone, plate, address or advert
# at all (a municipality that records none), fitted the same way on the same data with
# every entity token removed. Weights fitted with entity evidence lean on it: a
# borderline name-and-date match that a shared phone usually settles is weighed lower,
# and where no phone is ever recorded it is then missed. Measured on seeds 7, 201 and 202
# of both mixes (README "Two weight sets"): +0.0020 mean F1 on the data without any
# entity token, the same F1 on the data as generated and at national scale.
WEIGHTS_WITHOUT_ENTITIES: dict[str, float] = {
    "bias": -20.93,
    "dice": 22.60,
    "dice_over_60": -0.14,
    "dice_over_75": -5.30,
    "dice_over_90": -8.10,
    "dob_different": -4.21,
    "dob_partial": 1.55,
    "dob_near": 4.29,
    "dob_swapped": 4.27,
    "dob_exact": 8.15,
    "document_same": 16.08,
    "document_near": 13.83,
    "document_different": -1.85,
    "sex_different": -0.13,
    "place_same": 2.27,
    "place_different": -5.18,
    "nationality_same": 0.00,  # the schema sends no nationality since version 7
    "nationality_different": 0.00,
    "short_name_gain": 9.45,
    "single_word_name": SINGLE_WORD_NAME,
}


@dataclass(frozen=True)
class MatchPolicy:
    """Evidence weights and clustering thresholds, all in log-odds.

    threshold, cluster_mean, merge_margin, veto, attach_mean and attach_clear were chosen
    together, after the weights, by tests/benchmarks/choose_policy.py: highest
    mean pairwise F1 over four generator seeds and both benchmark mixes, none of
    them the evaluation seed, with precision at least 0.9925 (0.99 with room for
    the spread between samples) on every one. Near the top that surface is flat
    (within 0.001 F1); of the near-equals this one keeps the most room above the
    floor and was measured at national scale (README "Linkage quality, measured").
    Threshold 2.5 with merge margin 2.0 (chosen 2026-12-06 on a grid reaching below
    3.0) replaced 3.0 with 1.5: two clusters still need a cross pair of 4.5 to merge,
    a single sighting joins at 2.5; F1 up on each of 17 evaluation samples of both
    generators, precision at most 0.0011 lower on each (mostly 0.0000-0.0004).
    cluster_mean and attach_mean -2.5 with attach_clear -2.0 (2026-12-06, evening; one
    bar of -2.0 before): an undated sighting joins the only dated person it agrees
    with at -2.5, or the only one at -2.0 when others agree at -2.5. The lower bar
    alone gained on 3,000 women and lost on 10,000, where more namesakes pass it and
    the choice turns ambiguous; the two bars together gained on both.
    Re-chosen for schema version 7 (2026-12-07): the same but merge_margin 2.5 (a cross
    pair of 5.0 to merge two persons): at 2.0 the lowest precision on an outside sample
    fell just below its floor; mean F1 0.9649 against 0.9650, the carousel's precision
    up (seed 7 full mix 0.9927 against 0.9905).
    """

    threshold: float = 2.5  # a pair scoring at least this is a link
    cluster_mean: float = -2.5  # clusters merge only when their cross pairs average this
    # ... and two clusters of two or more sightings only when one of their cross pairs
    # scores this much above the threshold: two namesakes, each seen several times under
    # her own date of birth, are otherwise joined by one pair whose dates are one apart
    merge_margin: float = 2.5
    veto: float = -10.0  # no two sightings scoring below this end up in one person
    # pairs at or above the floor join components; undated sightings attach at attach_mean
    link_floor: float = -3.0
    attach_mean: float = -2.5
    # ... to the one dated person they agree with at least this well when others agree
    # with them only at attach_mean (cluster.attach_choice)
    attach_clear: float = -2.0
    # `weights` score a pair where a sighting carries an entity token (phone, plate,
    # address, advert), `weights_without_entities` a pair where neither does
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    weights_without_entities: dict[str, float] = field(
        default_factory=lambda: dict(WEIGHTS_WITHOUT_ENTITIES))


@dataclass
class PairFeatures:
    dice: np.ndarray
    dob: np.ndarray
    document: np.ndarray  # 1 same, 2 one character apart, -1 different, 0 unknown
    sex_different: np.ndarray
    place: np.ndarray  # 1 same, -1 different, 0 unknown
    nationality: np.ndarray
    # the strongest class of entity both sightings carry the same token of (ENTITY_EVIDENCE
    # index + 1), only where the names are at least ENTITY_NAME_DICE alike and the dates
    # of birth do not differ; 0: none
    entity: np.ndarray
    # a sighting of the two carries an entity token: which weights score the pair
    entities_recorded: np.ndarray
    # how much more alike the short names (first given name, last surname word) are than
    # the whole names, where both sightings were born in the same year; else 0
    short_gain: np.ndarray
    # both sightings' whole names are one word (`single_word_name`)
    single_word: np.ndarray


#: classes of shared entity evidence, most telling first: a phone or an advert is mostly
#: one woman's, a car or an address (a window, a club) is often shared. Only the strongest
#: shared class counts, so a network's phone and car together do not add up to a person.
#: Phone and advert are one class: weighed apart, an advert got nearly twice a phone's
#: weight for no measured gain, and one advert can be shown for several women.
ENTITY_EVIDENCE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("contact", ("phone", "advert")),
    ("vehicle_plate", ("vehicle_plate",)),
    ("address", ("address",)),
)
_ENTITY_SLOT = {name: number - 1 for number, name in ENTITY_KINDS.items()}
#: A shared entity counts only between names at least this alike: a woman under her
#: married surname or with one given name dropped (Dice 0.5 to 0.7) still gets it, two
#: women of one network with unrelated names do not (about 0.2 to 0.4).
ENTITY_NAME_DICE = 0.5


def _agreement(column: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """1 where both are known and equal, -1 where both known and different, else 0."""
    a, b = column[left], column[right]
    known = (a != 0) & (b != 0)
    return np.where(known, np.where(a == b, 1, -1), 0).astype(np.int8)


def dice(table: EncodingTable, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return dice_pairs(table.filters, table.popcounts, np.asarray(left, dtype=np.int64),
                      np.asarray(right, dtype=np.int64))


def features(table: EncodingTable, left: np.ndarray, right: np.ndarray) -> PairFeatures:
    dob_l, dob_r = table.dob[left], table.dob[right]
    equal = dob_l == dob_r
    missing = (dob_l[:, 0] == 0) | (dob_r[:, 0] == 0)
    dob = np.full(len(left), DobAgreement.DIFFERENT, dtype=np.int8)
    dob[equal[:, 2:5].any(axis=1)] = DobAgreement.PARTIAL
    years = list(YEAR_NEAR_SLOTS)
    near = ((dob_l[:, years] == dob_r[:, :1]).any(axis=1)
            | (dob_r[:, years] == dob_l[:, :1]).any(axis=1) | equal[:, DAY_WINDOW_SLOT])
    dob[near] = DobAgreement.NEAR
    dob[equal[:, 1]] = DobAgreement.SWAPPED
    dob[equal[:, 0]] = DobAgreement.EXACT
    dob[missing] = DobAgreement.MISSING

    doc_l, doc_r = table.document[left], table.document[right]
    both_doc = (doc_l != 0) & (doc_r != 0)
    document = np.where(both_doc, np.where(doc_l == doc_r, 1, -1), 0).astype(np.int8)
    differ = np.flatnonzero(document == -1)
    if len(differ):
        near_l = table.document_near[left[differ]]
        near_r = table.document_near[right[differ]]
        shared = (near_l[:, :, None] == near_r[:, None, :]) & (near_r[:, None, :] != 0)
        document[differ[shared.any(axis=(1, 2))]] = 2
    sex_l, sex_r = table.sex[left], table.sex[right]
    sex_different = (sex_l != 0) & (sex_r != 0) & (sex_l != sex_r)
    similarity = dice(table, left, right)
    return PairFeatures(similarity, dob, document, sex_different,
                        _agreement(table.place, left, right),
                        _agreement(table.nationality, left, right),
                        _shared_entity(table, left, right, (similarity >= ENTITY_NAME_DICE)
                                       & (dob != DobAgreement.DIFFERENT)),
                        entities_recorded(table, left, right),
                        short_name_gain(table, left, right, similarity,
                                        same_year_of_birth(equal, missing)),
                        table.single_word[left] & table.single_word[right])


def same_year_of_birth(equal: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Row-wise, from the date tokens alone (`equal`: which of two sightings' tokens are
    equal; `missing`: a side has no date): were both born, and surely in the same year?

    The same date or its day/month swap, the same month and year (a day apart inside a
    month), or the same day and year (a month apart). A day apart across the end of a
    month shares none of these tokens and is left out: across New Year the same
    tokens say nothing of the year, and the two short filters would be unrelated bits.
    """
    return ~missing & (equal[:, 0] | equal[:, 1] | equal[:, 3] | equal[:, 4])


def short_name_gain(table: EncodingTable, left: np.ndarray, right: np.ndarray,
                    whole: np.ndarray, same_year: np.ndarray) -> np.ndarray:
    """max(Dice of the short name filters - Dice of the whole ones, 0) where the two were
    born in the same year (`same_year_of_birth`: keyed by the year, the short filters of
    two years are unrelated bits); 0 elsewhere, and under a schema without short filters.

    A dropped second given name, a married or double surname, a Spanish second surname:
    the whole names are 0.5 to 0.8 alike, the short ones (Ana Popa, Ana Nedelcu-Popa)
    equal (README "Short names")."""
    out = np.zeros(len(left), dtype=np.float64)
    if not table.short_filter_words:
        return out
    same = np.flatnonzero(same_year)
    if len(same):
        short = dice_pairs(table.short_filters, table.short_popcounts,
                           np.asarray(left, dtype=np.int64)[same],
                           np.asarray(right, dtype=np.int64)[same])
        out[same] = np.maximum(short - whole[same], 0.0)
    return out


def entities_recorded(table: EncodingTable, left: np.ndarray, right: np.ndarray
                      ) -> np.ndarray:
    """Row-wise: does either sighting carry an entity token?

    Where neither does, the pair is scored by `weights_without_entities`. Only there:
    scoring every pair with a side lacking tokens that way (a third of the pairs on the
    benchmark's data) was measured too, and at 330,555 sightings it cost half a point
    of precision at the hub's own threshold (README "Two weight sets").
    """
    return (table.entities[left] != 0).any(axis=1) | (table.entities[right] != 0).any(axis=1)


def _shared_entity(table: EncodingTable, left: np.ndarray, right: np.ndarray,
                   counts: np.ndarray) -> np.ndarray:
    ent_l, ent_r = table.entities[left], table.entities[right]
    shared = (ent_l == ent_r) & (ent_l != 0)
    out = np.zeros(len(left), dtype=np.int8)
    for strength in range(len(ENTITY_EVIDENCE), 0, -1):  # the strongest written last
        _, kinds = ENTITY_EVIDENCE[strength - 1]
        out[shared[:, [_ENTITY_SLOT[kind] for kind in kinds]].any(axis=1)] = strength
    out[~counts] = 0
    return out


def design(f: PairFeatures) -> dict[str, np.ndarray]:
    """The evidence columns the weights apply to (0/1 indicators and Dice hinges)."""
    d = f.dice
    return {
        "bias": np.ones_like(d),
        "dice": d,
        "dice_over_60": np.maximum(d - 0.60, 0.0),
        "dice_over_75": np.maximum(d - 0.75, 0.0),
        "dice_over_90": np.maximum(d - 0.90, 0.0),
        "dob_different": f.dob == DobAgreement.DIFFERENT,
        "dob_partial": f.dob == DobAgreement.PARTIAL,
        "dob_near": f.dob == DobAgreement.NEAR,
        "dob_swapped": f.dob == DobAgreement.SWAPPED,
        "dob_exact": f.dob == DobAgreement.EXACT,
        "document_same": f.document == 1,
        "document_near": f.document == 2,
        "document_different": f.document == -1,
        "sex_different": f.sex_different,
        "place_same": f.place == 1,
        "place_different": f.place == -1,
        "nationality_same": f.nationality == 1,
        "nationality_different": f.nationality == -1,
        **{f"{name}_same": f.entity == strength + 1
           for strength, (name, _) in enumerate(ENTITY_EVIDENCE)},
        "short_name_gain": f.short_gain,
        "single_word_name": f.single_word,
    }


def score_features(f: PairFeatures, policy: MatchPolicy) -> np.ndarray:
    columns = design(f)
    count, recorded = len(f.dice), f.entities_recorded
    # one weighted sum where every pair takes the same set: a lookup, a small night, a
    # municipality that records no entity at all
    if recorded.all():
        return _weighted_sum(columns, policy.weights, count).astype(np.float32)
    if not recorded.any():
        return _weighted_sum(columns, policy.weights_without_entities, count).astype(np.float32)
    return np.where(recorded, _weighted_sum(columns, policy.weights, count),
                    _weighted_sum(columns, policy.weights_without_entities, count)
                    ).astype(np.float32)


def _weighted_sum(columns: dict[str, np.ndarray], weights: dict[str, float],
                  count: int) -> np.ndarray:
    total = np.zeros(count, dtype=np.float64)
    for name, column in columns.items():
        weight = weights.get(name, 0.0)
        if weight:
            total += weight * column
    return total


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

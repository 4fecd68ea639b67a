"""Diagnostic, not shipped: name rarity as the hub itself could count it.

The plaintext baseline weighs how rare an agreeing name word is (term-frequency
evidence); zichtlijn's matcher does not. The hub could count the same kind of thing
without a key and without learning anything new: how many sightings share a
sighting's identical name filter is exactly what the frequency alignment attack of
tests/benchmarks/attacks.py already groups and ranks. This module measures what that
evidence would buy: two columns beside the shipped ones, every weight refitted on the
fitting data as fit_weights.py does, the shipped clustering bars.

Not shipped because a pair's score would then depend on the rest of the population
(README "Linkage quality, measured"): a night's new sightings would change the scores
of pairs linked before, which incremental linking cannot keep equal to a relink
without rescoring them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import (
    CHUNK_PAIRS,
    DEFAULT_WEIGHTS,
    WEIGHTS_WITHOUT_ENTITIES,
    DobAgreement,
    MatchPolicy,
    PairFeatures,
    design,
    features,
)
from linkage.table import EncodingTable
from tests.benchmarks.hardening import fit_weights, without_entities
from tests.benchmarks.plaintext_baseline import cluster_pairs

#: names at least this alike (Dice) count as agreeing for the rarity columns
AGREEING_DICE = 0.6


def row_rarity(table: EncodingTable, copies: np.ndarray | None = None) -> np.ndarray:
    """Per row, 1 - log(sightings sharing its identical name filter) / log(sightings):
    1 for a filter no other sighting has, towards 0 for the commonest. Copies of one
    record (equal `copies` keys) count once, as clustering counts them."""
    rows = np.ascontiguousarray(table.filters[: table.size])
    as_bytes = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, group = np.unique(as_bytes, return_inverse=True)
    group = group.ravel()
    if copies is None:
        counts = np.bincount(group)
    else:
        distinct = np.unique(np.column_stack([group, np.asarray(copies)[: table.size]]), axis=0)
        counts = np.bincount(distinct[:, 0], minlength=group.max() + 1)
    return 1.0 - np.log(counts[group]) / np.log(max(table.size, 2))


def rarity_columns(rarity: np.ndarray, left: np.ndarray, right: np.ndarray,
                   found: PairFeatures) -> dict[str, np.ndarray]:
    """The two columns: the rarer side's rarity where the names agree and the dates do
    not differ, once as it is and once times how far the Dice lies above agreeing (a
    rare name agreeing exactly tells more than one agreeing roughly)."""
    d = found.dice
    rare = np.minimum(rarity[left], rarity[right])
    rare = np.where((d >= AGREEING_DICE) & (found.dob != DobAgreement.DIFFERENT), rare, 0.0)
    return {"rare_name": rare, "rare_name_dice": rare * (d - AGREEING_DICE)}


RARITY_NAMES = ("rare_name", "rare_name_dice")


@dataclass(frozen=True)
class RarityModel:
    weights: dict[str, float]  # DEFAULT_WEIGHTS' columns and RARITY_NAMES, refitted
    weights_without_entities: dict[str, float]

    @property
    def policy(self) -> MatchPolicy:
        return replace(MatchPolicy(), weights=self.weights,
                       weights_without_entities=self.weights_without_entities)


def fit_rarity_model(table: EncodingTable, truth: np.ndarray) -> RarityModel:
    """Both weight sets with the rarity columns, fitted on one labelled table."""
    def extra(fitted: EncodingTable, left: np.ndarray, right: np.ndarray,
              found: PairFeatures) -> dict[str, np.ndarray]:
        return rarity_columns(row_rarity(fitted), left, right, found)

    return RarityModel(
        fit_weights([(table, truth)], [*DEFAULT_WEIGHTS, *RARITY_NAMES], extra),
        fit_weights([(without_entities(table), truth)],
                    [*WEIGHTS_WITHOUT_ENTITIES, *RARITY_NAMES], extra))


def link_with_name_rarity(table: EncodingTable, model: RarityModel,
                          copies: np.ndarray | None = None, **bars: float) -> np.ndarray:
    """link_all's persons with the rarity columns scored beside the shipped ones
    (`bars`: clustering settings other than the shipped, e.g. threshold=3.5)."""
    rarity = row_rarity(table, copies)
    policy = replace(model.policy, **bars)

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        out = np.empty(len(left), dtype=np.float32)
        for start in range(0, len(left), CHUNK_PAIRS):
            lo, hi = left[start:start + CHUNK_PAIRS], right[start:start + CHUNK_PAIRS]
            found = features(table, lo, hi)
            columns = design(found) | rarity_columns(rarity, lo, hi, found)
            out[start:start + CHUNK_PAIRS] = np.where(
                found.entities_recorded, _weighted(columns, model.weights),
                _weighted(columns, model.weights_without_entities))
        return out

    pairs = CandidateIndex().add(table, range(table.size))
    dated = table.dob[: table.size, 0] != 0
    return cluster_pairs(table.size, pairs, scorer(pairs[:, 0], pairs[:, 1]), scorer, policy,
                         dated, copies)


def _weighted(columns: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    return sum(weights.get(name, 0.0) * np.asarray(column, dtype=np.float64)
               for name, column in columns.items())

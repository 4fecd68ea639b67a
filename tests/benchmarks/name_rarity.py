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

import numpy as np

from linkage.compare import DobAgreement, MatchPolicy, PairFeatures
from linkage.population import name_keys
from linkage.table import EncodingTable
from tests.benchmarks.hardening import fit_policy, link_with_extra

#: names at least this alike (Dice) count as agreeing for the rarity columns
AGREEING_DICE = 0.6


def row_rarity(table: EncodingTable, copies: np.ndarray | None = None) -> np.ndarray:
    """Per row, 1 - log(sightings sharing its identical name filter) / log(sightings):
    1 for a filter no other sighting has, towards 0 for the commonest. Copies of one
    record (equal `copies` keys) count once, as clustering counts them."""
    _, group = np.unique(name_keys(table.filters[: table.size]), return_inverse=True)
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


def fit_rarity_model(table: EncodingTable, truth: np.ndarray) -> MatchPolicy:
    """The shipped policy with both weight sets refitted on one labelled table, the
    rarity columns (RARITY_NAMES) fitted beside the shipped ones."""
    def extra(fitted: EncodingTable, left: np.ndarray, right: np.ndarray,
              found: PairFeatures) -> dict[str, np.ndarray]:
        return rarity_columns(row_rarity(fitted), left, right, found)

    return fit_policy(table, truth, extra=extra, extra_names=RARITY_NAMES)


def link_with_name_rarity(table: EncodingTable, model: MatchPolicy,
                          copies: np.ndarray | None = None, **bars: float) -> np.ndarray:
    """link_all's persons with the rarity columns scored beside the shipped ones
    (`bars`: clustering settings other than the shipped, e.g. threshold=3.5)."""
    rarity = row_rarity(table, copies)

    def extra(_: EncodingTable, left: np.ndarray, right: np.ndarray,
              found: PairFeatures) -> dict[str, np.ndarray]:
        return rarity_columns(rarity, left, right, found)

    return link_with_extra(table, model, extra, RARITY_NAMES, copies, **bars)

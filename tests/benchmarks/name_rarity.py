"""Diagnostic: zichtlijn without name rarity, to show what that evidence buys.

The shipped scorer weighs how many sightings share an agreeing name filter
(linkage/rarity.py). This refits every weight on the fitting data without those two
columns, as the shipped weights were fitted before 2026-12-06, so the benchmark can
print both side by side on the same data (README "Name rarity").
"""

from __future__ import annotations

import numpy as np

from linkage.compare import MatchPolicy
from linkage.table import EncodingTable
from tests.benchmarks.hardening import fit_policy

WITHOUT_RARITY_LABEL = ("without name rarity (the two rarity columns dropped, every weight "
                        "refitted on the fitting seed)")


def fit_without_rarity(table: EncodingTable, truth: np.ndarray) -> MatchPolicy:
    """The shipped policy with both weight sets refitted on one labelled table, without
    the rarity columns (absent weights weigh nothing)."""
    return fit_policy(table, truth, rarity=False)

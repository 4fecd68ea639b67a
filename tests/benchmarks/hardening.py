"""Schema variants with hardening, and zichtlijn's weights refitted for one of them.

Hardening changes the Dice scale (diffusion and balancing lift every Dice
towards 0.5), so the shipped weights, fitted on unhardened filters, say little
about what a hardened schema can do. The trade-off table therefore shows both:
link_all with the shipped MatchPolicy, and with weights refitted the way the
shipped ones were (logistic regression on candidate pairs of the fitting
seed, training pairs chosen as in tests/benchmarks/fit_weights.py;
`linkage.compare.design` columns unchanged, thresholds unchanged).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from linkage.blocking import CandidateIndex, _pairs_within, undated_keys
from linkage.compare import (
    CHUNK_PAIRS,
    DEFAULT_WEIGHTS,
    WEIGHTS_WITHOUT_ENTITIES,
    MatchPolicy,
    PairFeatures,
    design,
    features,
    score_features,
)
from linkage.harden import blip_epsilon
from linkage.linking import link_all
from linkage.schema import LinkageSchema, default_schema_text, parse_schema
from linkage.table import EncodingTable
from tests.benchmarks.logistic import fit_logistic

#: more evidence columns of a table's pairs: (table, left rows, right rows, their features)
ExtraColumns = Callable[[EncodingTable, np.ndarray, np.ndarray, PairFeatures],
                        dict[str, np.ndarray]]


@dataclass(frozen=True)
class Variant:
    label: str
    toml: str  # the [hardening] table appended to the shipped schema

    def schema(self) -> LinkageSchema:
        return parse_schema(without_hardening(default_schema_text()) + "\n" + self.toml)


def without_hardening(schema_text: str) -> str:
    """The schema text with its own [hardening] table taken out (a variant brings one)."""
    return re.sub(r"(?ms)^\[hardening\]\n.*?(?=^\[)", "", schema_text)


def _variant(label: str, **values: object) -> Variant:
    lines = ["[hardening]"] + [f"{k} = {v!r}".replace("'", '"') for k, v in values.items()]
    return Variant(label, "\n".join(lines) + "\n")


VARIANTS: tuple[Variant, ...] = (
    _variant("none", method="none"),
    _variant("balance", method="balance"),
    _variant("xor-fold", method="xor-fold"),
    _variant(f"blip p=0.05 (eps {blip_epsilon(0.05):.1f}/bit)", method="blip",
             flip_probability=0.05),
    _variant(f"blip p=0.15 (eps {blip_epsilon(0.15):.1f}/bit)", method="blip",
             flip_probability=0.15),
    _variant("diffusion t=2", method="diffusion", diffusion_taps=2),
    _variant("diffusion t=3", method="diffusion", diffusion_taps=3),
    _variant("diffusion t=5", method="diffusion", diffusion_taps=5),
)


def training_pairs(table: EncodingTable, *more: np.ndarray) -> np.ndarray:
    """The candidates plus every pair sharing a band of the undated family, whatever
    their dates and however many share it (similar names: clustering scores such
    pairs too, when it weighs two clusters against each other), plus `more` pairs:
    each unordered pair once, no row with itself."""
    undated_rows, undated_keys_ = undated_keys(table, np.arange(table.size))
    order = np.argsort(undated_keys_, kind="stable")
    found = [CandidateIndex().add(table, range(table.size)),
             *_pairs_within(undated_keys_[order], undated_rows[order]), *more]
    pairs = np.unique(np.sort(np.concatenate(found), axis=1), axis=0)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def fit_policy(table: EncodingTable, truth: np.ndarray,
               *more: tuple[EncodingTable, np.ndarray],
               extra: ExtraColumns | None = None, extra_names: Sequence[str] = ()
               ) -> MatchPolicy:
    """MatchPolicy with both weight sets fitted on this (fitting) table, and on `more`
    (table, truth) samples beside it, as fit_weights.py does: `weights` on the tables as
    they are, `weights_without_entities` on the same tables with every entity token
    removed. `extra` columns (named `extra_names`) are fitted beside `design`'s; the
    shipped scorer ignores their weights.

    Training pairs are `training_pairs` of each table; thresholds stay as shipped.
    """
    samples = [(table, truth), *more]
    return MatchPolicy(weights=fit_weights(samples, [*DEFAULT_WEIGHTS, *extra_names], extra),
                       weights_without_entities=fit_weights(
                           [(without_entities(t), labels) for t, labels in samples],
                           [*WEIGHTS_WITHOUT_ENTITIES, *extra_names], extra))


def link_with_extra(table: EncodingTable, model: MatchPolicy, extra: ExtraColumns,
                    extra_names: Sequence[str], copies: np.ndarray | None = None,
                    **bars: float) -> np.ndarray:
    """link_all's persons with `extra` columns (named `extra_names`, weighed by `model`,
    e.g. a `fit_policy` with them) scored beside the shipped ones; `bars`: clustering
    settings other than the model's, e.g. threshold=3.5."""
    policy = replace(model, **bars)

    def extra_score(columns: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
        return sum(weights[name] * columns[name] for name in extra_names)

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        out = np.empty(len(left), dtype=np.float32)
        for start in range(0, len(left), CHUNK_PAIRS):
            lo, hi = left[start:start + CHUNK_PAIRS], right[start:start + CHUNK_PAIRS]
            found = features(table, lo, hi)
            columns = extra(table, lo, hi, found)
            # the shipped columns as the shipped scorer weighs them, plus the extra ones
            out[start:start + CHUNK_PAIRS] = score_features(found, policy) + np.where(
                found.entities_recorded, extra_score(columns, policy.weights),
                extra_score(columns, policy.weights_without_entities))
        return out

    return link_all(table, policy, copies, scorer=scorer)


def fit_weights(samples: Sequence[tuple[EncodingTable, np.ndarray]],
                names: Iterable[str], extra: ExtraColumns | None = None) -> dict[str, float]:
    """Logistic-regression weights of the evidence columns `names` on the training pairs
    of every (table, truth) sample, fitted as one set. `extra` adds columns beside
    `design`'s (a diagnostic's evidence the shipped matcher does not have)."""
    names = list(names)
    xs, ys = [], []
    for table, truth in samples:
        pairs = training_pairs(table)
        found = features(table, pairs[:, 0], pairs[:, 1])
        columns = design(found)
        if extra is not None:
            columns |= extra(table, pairs[:, 0], pairs[:, 1], found)
        xs.append(np.column_stack([np.asarray(columns[n], dtype=np.float64) for n in names]))
        ys.append((truth[pairs[:, 0]] == truth[pairs[:, 1]]).astype(np.float64))
    w = fit_logistic(np.concatenate(xs), np.concatenate(ys))
    return {n: round(float(v), 2) for n, v in zip(names, w, strict=True)}


def without_entities(table: EncodingTable) -> EncodingTable:
    """The table as a municipality recording no phone, plate, address or advert sends it."""
    stripped = copy.copy(table)
    stripped.entities = np.zeros_like(table.entities)
    return stripped

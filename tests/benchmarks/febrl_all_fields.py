"""FEBRL4 with all ten of its fields, encoded the zichtlijn way: a diagnostic.

A sighting carries no street name, suburb or state, so the shipped schema has no
place for them and zichtlijn as shipped links FEBRL4 on five fields (febrl.py).
clkhash's 0.9997 on FEBRL4 rests on those address fields. This module asks the
apples-to-apples question: with the same ten fields clkhash gets, do zichtlijn's
encodings and scoring reach the state of the art?

Each extra text field (street, address line 2, suburb) becomes a keyed bigram
filter of its own, built and diffusion-hardened by the real Encoder under a key of
its own (so fields cannot be compared with each other); postcode, street number and
state each become an exact keyed token. The hub-side evidence is zichtlijn's
feature columns plus, per extra field, Dice with hinges (filters) or agree/differ
(tokens). Weights are fitted by the same logistic regression that fits the shipped
weights, on FEBRL4 itself (as the plaintext baseline's and anonlink's threshold are),
and checked by two-fold cross-fitting on halves of the entities. Nothing here is
shipped: it separates what the encoding and matcher can do from the fields a
sighting carries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linkage.blocking import _pairs_within
from linkage.compare import MatchPolicy, design, features
from linkage.encode import Encoder
from linkage.kernels import dice_pairs
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from linkage.table import EncodingTable
from tests.benchmarks.diagnostics import document_pairs
from tests.benchmarks.febrl import ALL_FIELDS, Febrl, encoded_table
from tests.benchmarks.hardening import training_pairs
from tests.benchmarks.logistic import fit_logistic
from tests.benchmarks.metrics import ClusterQuality, cluster_quality
from tests.benchmarks.plaintext_baseline import cluster_pairs

FUZZY_FIELDS = ("address_1", "address_2", "suburb")
EXACT_FIELDS = ("postcode", "street_number", "state")
_FIELD_SECRET = {name: bytes([0x40 + k]) * 32 for k, name in enumerate(FUZZY_FIELDS + EXACT_FIELDS)}


@dataclass
class ExtraFields:
    """Per table row: one packed filter per fuzzy field, one token per exact field."""

    filters: dict[str, np.ndarray]  # field -> (rows, words) uint64
    popcounts: dict[str, np.ndarray]
    tokens: dict[str, np.ndarray]  # field -> (rows,) uint64, 0 = not recorded


def _words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split()]


def encode_extra(data: Febrl, row_of: np.ndarray) -> ExtraFields:
    schema = default_schema()
    column = {name: k for k, name in enumerate(ALL_FIELDS)}
    filters, popcounts, tokens = {}, {}, {}
    for name in FUZZY_FIELDS:
        encoder = Encoder(schema, derive_purpose_keys(_FIELD_SECRET[name], 1))
        packed = np.zeros((len(row_of), schema.filter_bits // 64), dtype=np.uint64)
        for i, row in enumerate(row_of.tolist()):
            words = _words(data.raw[row][column[name]])
            if words:
                packed[i] = np.frombuffer(encoder.name_filter(words, []), dtype=np.uint64)
        filters[name] = packed
        popcounts[name] = np.unpackbits(packed.view(np.uint8), axis=1).sum(axis=1).astype(
            np.int32)
    for name in EXACT_FIELDS:
        key = _FIELD_SECRET[name]
        values = np.zeros(len(row_of), dtype=np.uint64)
        for i, row in enumerate(row_of.tolist()):
            text = " ".join(_words(data.raw[row][column[name]]))
            if text:
                digest = hashlib.blake2b(text.encode(), key=key, digest_size=8).digest()
                values[i] = int.from_bytes(digest, "little") | 1
        tokens[name] = values
    return ExtraFields(filters, popcounts, tokens)


def columns(table: EncodingTable, extra: ExtraFields, left: np.ndarray,
            right: np.ndarray) -> np.ndarray:
    """zichtlijn's evidence columns plus the extra fields' (one row per pair)."""
    out = [np.asarray(c, dtype=np.float64)
           for c in design(features(table, left, right)).values()]
    for name in FUZZY_FIELDS:
        d = dice_pairs(extra.filters[name], extra.popcounts[name], left, right)
        known = (extra.popcounts[name][left] > 0) & (extra.popcounts[name][right] > 0)
        d = np.where(known, d, 0.0)
        out += [known.astype(np.float64), d, np.maximum(d - 0.8, 0.0) * known,
                np.maximum(d - 0.95, 0.0) * known]
    for name in EXACT_FIELDS:
        a, b = extra.tokens[name][left], extra.tokens[name][right]
        known = (a != 0) & (b != 0)
        out += [(known & (a == b)).astype(np.float64), (known & (a != b)).astype(np.float64)]
    return np.column_stack(out)


def candidate_pairs(table: EncodingTable, extra: ExtraFields) -> np.ndarray:
    """zichtlijn's candidates, plus pairs sharing a document token, a band of the name
    filter (whatever their dates) or a postcode (FEBRL4 drew new dates of birth and given
    names: the shipped name keys need a date in common, or a side without one, and names
    alike enough to share a band)."""
    postcode = extra.tokens["postcode"]
    order = np.argsort(postcode, kind="stable")
    known = order[postcode[order] != 0]
    return training_pairs(table, document_pairs(table), *_pairs_within(postcode[known], known))


@dataclass
class AllFieldsRun:
    one_to_one: ClusterQuality
    linked: ClusterQuality  # link_all's clustering under the fitted scorer
    cross_fitted: ClusterQuality  # one-to-one, each half scored by weights fitted on the other
    candidates: int
    true_pairs_not_candidates: int


def _one_to_one(pairs: np.ndarray, scores: np.ndarray, row_of: np.ndarray, n: int,
                threshold: float) -> np.ndarray:
    labels = np.arange(n)
    used: set[int] = set()
    for k in np.argsort(-scores, kind="stable"):
        if scores[k] < threshold:
            break
        a, b = (int(row_of[x]) for x in pairs[k])
        if a not in used and b not in used:
            used.update((a, b))
            labels[max(a, b)] = min(a, b)
    return labels


def _scorer(table: EncodingTable, extra: ExtraFields,
            weights: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        return (columns(table, extra, left, right) @ weights).astype(np.float32)
    return score


def run(data: Febrl, policy: MatchPolicy | None = None) -> AllFieldsRun:
    policy = policy or MatchPolicy()
    table, row_of = encoded_table(data)
    extra = encode_extra(data, row_of)
    n = len(data.identities)
    entity = np.array([int(data.entity[row]) for row in row_of.tolist()])
    pairs = candidate_pairs(table, extra)
    x = columns(table, extra, pairs[:, 0], pairs[:, 1])
    y = (entity[pairs[:, 0]] == entity[pairs[:, 1]]).astype(np.float64)
    weights = fit_logistic(x, y)
    scores = (x @ weights).astype(np.float32)

    cross = (row_of[pairs[:, 0]] < data.size_a) != (row_of[pairs[:, 1]] < data.size_a)
    one_to_one = _one_to_one(pairs[cross], scores[cross], row_of, n, 0.0)

    scorer = _scorer(table, extra, weights)
    dated = table.dob[: table.size, 0] != 0
    persons = cluster_pairs(table.size, pairs, scores, scorer, policy, dated)
    linked = np.arange(n)
    linked[row_of] = row_of[persons]

    # two folds by entity: each pair scored by weights fitted on the other fold's pairs
    fold = entity % 2
    pair_fold = np.where(fold[pairs[:, 0]] == fold[pairs[:, 1]], fold[pairs[:, 0]], -1)
    fitted = [fit_logistic(x[pair_fold == 1 - k], y[pair_fold == 1 - k]) for k in (0, 1)]
    # a pair across the folds (a non-match) was fitted by neither: both models, averaged
    held_out = (x @ ((fitted[0] + fitted[1]) / 2)).astype(np.float32)
    for k in (0, 1):
        held_out[pair_fold == k] = (x[pair_fold == k] @ fitted[k]).astype(np.float32)
    cross_fitted = _one_to_one(pairs[cross], held_out[cross], row_of, n, 0.0)

    found = {(int(a), int(b)) for a, b in pairs[y == 1].tolist()}
    by_entity: dict[int, list[int]] = {}
    for index, e in enumerate(entity.tolist()):
        by_entity.setdefault(e, []).append(index)
    true_pairs = {tuple(rows) for rows in by_entity.values() if len(rows) == 2}
    return AllFieldsRun(cluster_quality(one_to_one, data.entity),
                        cluster_quality(linked, data.entity),
                        cluster_quality(cross_fitted, data.entity),
                        len(pairs), len(true_pairs - found))

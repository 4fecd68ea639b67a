"""clkhash + anonlink on the same rows: the published peer.

Benchmark-only: clkhash and anonlink are imported inside the functions, so
this module (and `make test`) never needs them installed.

Input to clkhash is the same normalised plaintext zichtlijn encodes
(canonical name words, ISO date of birth, normalised document number), so the
comparison is about encoding and matching, not about cleaning.

Two schemas:
* "fields": given names, surname and document as bigram fields, the date of
  birth as positional digits (the shape of clkhash's own examples);
* "sorted name": one field with all name words sorted, so a swapped given
  name and surname or a dropped second given name change few bigrams.

Three ways to solve:
* "per gemeente": each municipality one party, `probabilistic_greedy_solve`
  as anonlink ships it (deduplicated: at most one row per party in a group);
* "dedup off": the same with `deduplicated=False`;
* "every row a party": every sighting its own party, so pairs within a
  municipality are compared too (candidates from an all-pairs Dice, since
  anonlink's candidate generation loops over every pair of parties).

The Dice threshold of each variant (and, at its best, the solver's merge
threshold) is chosen on the fitting seed. The bits per token were chosen the
same way, by a grid on the fitting seed (name 20 and 30; date of birth 10 to
60; document 10 to 30; the date as one positional field or day, month and
year apart): the date of birth needs many bits, or namesakes merge.
"""

from __future__ import annotations

import array
import base64
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tests.benchmarks.bitops import dice_above, pack
from tests.benchmarks.plaintext_baseline import PlainRecord

THRESHOLDS = (0.75, 0.775, 0.80, 0.825, 0.85, 0.875, 0.90, 0.925)
SCHEMAS = ("fields", "sorted name")
SOLVES = ("per gemeente", "dedup off", "every row a party")


def _feature(identifier: str, n: int, bits: int, positional: bool = False) -> dict:
    return {
        "identifier": identifier,
        "format": {"type": "string", "encoding": "utf-8"},
        "hashing": {
            "comparison": {"type": "ngram", "n": n, "positional": positional},
            "strategy": {"bitsPerToken": bits},
            "hash": {"type": "blakeHash"},
        },
    }


def schema_dict(kind: str, fields: Sequence[str] | None = None) -> dict:
    """clkhash v3 schema; `fields` names the columns of the rows passed in."""
    if kind == "fields":
        features = [_feature("given", 2, 20), _feature("surname", 2, 20),
                    _feature("dob", 1, 50, positional=True), _feature("document", 2, 10)]
    elif kind == "sorted name":
        features = [_feature("name", 2, 20), _feature("dob", 1, 50, positional=True),
                    _feature("document", 2, 10)]
    elif kind == "febrl":  # names and addresses as bigrams, numbers as positional digits
        numeric = ("dob", "document", "date_of_birth", "soc_sec_id", "street_number",
                   "postcode")
        features = [_feature(f, 1, 10, positional=True) if f in numeric else
                    _feature(f, 2, 20) for f in fields or ()]
    else:
        raise ValueError(kind)
    return {
        "version": 3,
        "clkConfig": {
            "l": 1024,
            "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64,
                    "salt": base64.b64encode(b"zichtlijn-benchmark").decode(),
                    "info": base64.b64encode(b"peer").decode()},
        },
        "features": features,
    }


def pii_rows(records: Sequence[PlainRecord], kind: str) -> list[tuple[str, ...]]:
    out = []
    for r in records:
        dob = r.dob.strftime("%Y%m%d") if r.dob else ""
        document = r.document or ""
        if kind == "fields":
            out.append((" ".join(r.given), " ".join(r.surname), dob, document))
        else:
            out.append((" ".join(sorted(r.words)), dob, document))
    return out


def encode(rows: Sequence[Sequence[str]], schema: dict) -> np.ndarray:
    """CLKs of rows as packed uint64 words."""
    from clkhash import clk
    from clkhash.schema import from_json_dict

    clks = clk.generate_clks(list(rows), from_json_dict(schema), "zichtlijn-bench-secret",
                             validate=False)
    return pack([c.tobytes() for c in clks])


def versions() -> str:
    from importlib.metadata import version

    return f"clkhash {version('clkhash')}, anonlink {version('anonlink')}"


def _labels_from_groups(groups, index_of: dict[tuple[int, int], int], n: int) -> np.ndarray:
    labels = np.arange(n)
    for group in groups:
        rows = sorted(index_of[(int(d), int(r))] for d, r in group)
        labels[rows] = rows[0]
    return labels


def _bitarrays(words: np.ndarray) -> list:
    from bitarray import bitarray

    out = []
    for row in words:
        bits = bitarray(endian="little")
        bits.frombytes(row.tobytes())
        out.append(bits)
    return out


@dataclass
class Candidates:
    """anonlink candidate pairs above the lowest threshold tried, best first."""

    sims: np.ndarray
    datasets: tuple[np.ndarray, np.ndarray]
    records: tuple[np.ndarray, np.ndarray]
    index_of: dict[tuple[int, int], int]  # (dataset, record) -> row
    rows: int

    def above(self, threshold: float) -> tuple:
        k = int(np.searchsorted(-self.sims, -threshold, side="right"))
        return (array.array("d", self.sims[:k].tolist()),
                tuple(array.array("I", a[:k].tolist()) for a in self.datasets),
                tuple(array.array("I", a[:k].tolist()) for a in self.records))


def candidates(words: np.ndarray, parties: Sequence[str], how: str,
               lowest: float = THRESHOLDS[0]) -> Candidates:
    import anonlink

    n = len(words)
    if how == "every row a party":
        i, j, sims = dice_above(words, lowest)
        order = np.lexsort((j, i, -sims))
        zeros = np.zeros(len(order), dtype=np.int64)
        return Candidates(sims[order], (i[order], j[order]), (zeros, zeros),
                          {(k, 0): k for k in range(n)}, n)
    names = sorted(set(parties))
    members: list[list[int]] = [[] for _ in names]
    for row, party in enumerate(parties):
        members[names.index(party)].append(row)
    index_of = {(d, r): row for d, rows in enumerate(members) for r, row in enumerate(rows)}
    sims, dsets, recs = anonlink.candidate_generation.find_candidate_pairs(
        [_bitarrays(words[rows]) for rows in members],
        anonlink.similarities.dice_coefficient_accelerated, lowest)
    return Candidates(np.asarray(sims), tuple(np.asarray(a) for a in dsets),
                      tuple(np.asarray(a) for a in recs), index_of, n)


def solve(cands: Candidates, threshold: float, how: str, merge_threshold: float) -> np.ndarray:
    """Cluster label per row as anonlink's probabilistic greedy solver groups them."""
    import anonlink

    groups = anonlink.solving.probabilistic_greedy_solve(
        cands.above(threshold), merge_threshold=merge_threshold,
        deduplicated=(how == "per gemeente"))
    return _labels_from_groups(groups, cands.index_of, cands.rows)


def best_setting(cands: Candidates, truth: np.ndarray, how: str,
                 merge_thresholds: Sequence[float] = (0.5,)) -> tuple[float, float]:
    """(threshold, merge_threshold) with the best pairwise F1 on this (fitting) data."""
    from tests.benchmarks.metrics import cluster_quality

    grid = [(t, m) for t in THRESHOLDS for m in merge_thresholds]
    return max(grid, key=lambda tm: cluster_quality(solve(cands, tm[0], how, tm[1]), truth).f1)


def bipartite_labels(words_a: np.ndarray, words_b: np.ndarray, threshold: float) -> np.ndarray:
    """Two-party one-to-one linkage (greedy_solve); labels over a's rows then b's."""
    import anonlink

    found = anonlink.candidate_generation.find_candidate_pairs(
        [_bitarrays(words_a), _bitarrays(words_b)],
        anonlink.similarities.dice_coefficient_accelerated, threshold)
    groups = anonlink.solving.greedy_solve(found)
    na, nb = len(words_a), len(words_b)
    index_of = {(0, k): k for k in range(na)} | {(1, k): na + k for k in range(nb)}
    return _labels_from_groups(groups, index_of, na + nb)

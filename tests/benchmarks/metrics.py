"""Quality figures of a clustering against the generator's truth.

Everything works on integer label arrays (one entry per row), so a 10,000-row
benchmark is scored in milliseconds and the same code serves the tiny smoke
test in `make test`. Pairwise figures count unordered pairs of rows placed in
one person; B-cubed figures average per row how much of its found cluster is
right (precision) and how much of its true person was found (recall), so a
single wrong merge of two large clusters does not dominate as it does pairwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from zichtlijn.evaluate import Quality


def dense_labels(values: Sequence[Hashable]) -> np.ndarray:
    """Map arbitrary labels to 0..k-1, keeping first-seen order."""
    index: dict[Hashable, int] = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def _choose2(n: np.ndarray) -> int:
    n = n.astype(np.int64)
    return int((n * (n - 1) // 2).sum())


@dataclass(frozen=True)
class ClusterQuality(Quality):
    """The pairwise and exact-cluster figures of `zichtlijn.evaluate`, plus B-cubed."""

    rows: int
    bcubed_precision: float
    bcubed_recall: float
    found_clusters: int

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact_persons(self) -> float:
        """Share of true persons recovered exactly (cluster recall)."""
        return self.cluster_accuracy

    @property
    def cluster_precision(self) -> float:
        """Share of found clusters that are exactly one true person."""
        return self.exact_clusters / self.found_clusters if self.found_clusters else 1.0


def cluster_quality(found: Sequence[Hashable] | np.ndarray,
                    truth: Sequence[Hashable] | np.ndarray) -> ClusterQuality:
    """Score found cluster labels against true person labels (same row order)."""
    f = dense_labels(list(found))
    t = dense_labels(list(truth))
    if len(f) != len(t):
        raise ValueError("found and truth differ in length")
    n = len(f)
    if n == 0:
        return ClusterQuality(true_pairs=0, found_pairs=0, correct_pairs=0, exact_clusters=0,
                              true_clusters=0, rows=0, bcubed_precision=1.0,
                              bcubed_recall=1.0, found_clusters=0)
    found_sizes = np.bincount(f)
    true_sizes = np.bincount(t)
    # contingency cells (found cluster, true person) with their row counts
    cell = f * (t.max() + 1) + t
    cells, cell_of_row, cell_sizes = np.unique(cell, return_inverse=True, return_counts=True)
    overlap = cell_sizes[cell_of_row]
    bcubed_p = float(np.mean(overlap / found_sizes[f]))
    bcubed_r = float(np.mean(overlap / true_sizes[t]))
    cell_found = cells // (t.max() + 1)
    cell_true = cells % (t.max() + 1)
    exact = int(np.sum((cell_sizes == found_sizes[cell_found])
                       & (cell_sizes == true_sizes[cell_true])))
    return ClusterQuality(
        rows=n,
        true_pairs=_choose2(true_sizes),
        found_pairs=_choose2(found_sizes),
        correct_pairs=_choose2(cell_sizes),
        bcubed_precision=bcubed_p,
        bcubed_recall=bcubed_r,
        true_clusters=len(true_sizes),
        found_clusters=len(found_sizes),
        exact_clusters=exact,
    )


def true_pair_rows(truth: np.ndarray) -> np.ndarray:
    """All (i, j), i < j, of rows of one true person."""
    by: dict[int, list[int]] = defaultdict(list)
    for row, person in enumerate(truth.tolist()):
        by[person].append(row)
    out = [(a, b) for rows in by.values() for k, a in enumerate(rows) for b in rows[k + 1:]]
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def found_pair_rows(labels: np.ndarray) -> np.ndarray:
    """All (i, j), i < j, of rows placed in one found cluster."""
    return true_pair_rows(labels)


def missed_by_class(labels: np.ndarray, pairs: np.ndarray,
                    classes: Sequence[str]) -> dict[str, tuple[int, int]]:
    """class -> (pairs, missed): recall per class of true pairs."""
    missed = labels[pairs[:, 0]] != labels[pairs[:, 1]] if len(pairs) else np.zeros(0, bool)
    total: Counter[str] = Counter(classes)
    lost: Counter[str] = Counter(c for c, m in zip(classes, missed.tolist(), strict=True) if m)
    return {c: (total[c], lost[c]) for c in total}


def false_pairs(labels: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Rows (i, j) placed together although they are different persons."""
    pairs = found_pair_rows(labels)
    if not len(pairs):
        return pairs
    return pairs[truth[pairs[:, 0]] != truth[pairs[:, 1]]]


def person_kinds(kinds: Mapping[str, Iterable[tuple[str, ...]]],
                 wanted: Iterable[str]) -> dict[str, set[str]]:
    """person key -> the generator kinds (of `wanted`) the person belongs to."""
    wanted = set(wanted)
    out: dict[str, set[str]] = defaultdict(set)
    for kind, groups in kinds.items():
        if kind in wanted:
            for group in groups:
                for person in group:
                    out[person].add(kind)
    return out


def recall_by_person_kind(labels: np.ndarray, person_of_row: Sequence[str],
                          kinds_of: Mapping[str, set[str]],
                          order: Sequence[str]) -> list[tuple[str, int, int]]:
    """(kind, pairs, missed) for each hard-positive kind and for persons with none.

    A person with two kinds (a married woman with Cyrillic documents) counts
    under both, so the rows do not add up to the total.
    """
    truth = dense_labels(person_of_row)
    pairs = true_pair_rows(truth)
    missed = labels[pairs[:, 0]] != labels[pairs[:, 1]] if len(pairs) else np.zeros(0, bool)
    out = []
    for kind in [*order, "(none of these)"]:
        if kind == "(none of these)":
            mask = [not kinds_of.get(person_of_row[a]) for a in pairs[:, 0].tolist()]
        else:
            mask = [kind in kinds_of.get(person_of_row[a], ()) for a in pairs[:, 0].tolist()]
        sel = np.array(mask, dtype=bool)
        out.append((kind, int(sel.sum()), int((missed & sel).sum())))
    return out


def false_pairs_by_kind(labels: np.ndarray, person_of_row: Sequence[str],
                        hard_negative: Mapping[tuple[str, str], str],
                        other: Callable[[int, int], str] | None = None) -> Counter[str]:
    """Wrongly linked row pairs counted by the hard-negative kind of the two persons.

    Pairs of persons the generator did not build as look-alikes are 'other'
    (or what `other(i, j)` says about them, e.g. which evidence agreed).
    """
    truth = dense_labels(person_of_row)
    counts: Counter[str] = Counter()
    for a, b in false_pairs(labels, truth).tolist():
        pa, pb = sorted((person_of_row[a], person_of_row[b]))
        kind = hard_negative.get((pa, pb))
        if kind is None:
            kind = "other: " + other(a, b) if other is not None else "other"
        counts[kind] += 1
    return counts


def precision_recall_curve(scores: np.ndarray, same: np.ndarray, true_pairs: int,
                           thresholds: Iterable[float]) -> list[tuple[float, float, float, int]]:
    """Pairwise (threshold, precision, recall, links) of thresholding scored candidates.

    Recall is against all true pairs (also those blocking never proposed).
    """
    out = []
    for t in thresholds:
        chosen = scores >= t
        links = int(chosen.sum())
        hits = int((chosen & same).sum())
        out.append((t, hits / links if links else 1.0,
                    hits / true_pairs if true_pairs else 1.0, links))
    return out

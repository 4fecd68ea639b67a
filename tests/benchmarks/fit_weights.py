"""Fit the matcher's log-odds weights by logistic regression on labelled pairs.

    .venv/bin/python -m tests.benchmarks.fit_weights [--persons 3000] [--seed 1]

The candidate pairs of labelled carousel data (the recording errors of DESIGN
§6; no working names or second dates of birth) are the training set; the
columns are exactly `linkage.compare.design`. Prints the weights in the form
of `linkage.compare.DEFAULT_WEIGHTS`. Fit on one seed, evaluate on others
(tests/benchmarks/quality.py), so the shipped weights are not scored on the
data they were fitted to.
"""

from __future__ import annotations

import argparse

import numpy as np

from linkage.blocking import CandidateIndex, _pairs_within, name_keys
from linkage.compare import design, features
from tests.benchmarks.carousel import carousel, encode_all, table_of

L2 = 1e-3


def training_pairs(persons: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    encoded = encode_all(carousel(persons, seed=seed, listed_only=True))
    table = table_of(encoded)
    # the candidates, plus every pair sharing a name-bucket pair: clustering scores
    # all pairs inside a component, dated pairs with unrelated dates included,
    # so those must be in the training set too
    rows = np.arange(table.size)
    name_rows, name_keys_ = name_keys(table, rows)
    found = [CandidateIndex().add(table, range(table.size)),
             *_pairs_within(name_keys_, name_rows)]
    pairs = np.unique(np.sort(np.concatenate(found), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    truth = np.array([hash(encoded.data.truth[k]) for k in encoded.keys])
    labels = (truth[pairs[:, 0]] == truth[pairs[:, 1]]).astype(float)
    columns = design(features(table, pairs[:, 0], pairs[:, 1]))
    names = list(columns)
    matrix = np.column_stack([np.asarray(columns[n], dtype=float) for n in names])
    return names, matrix, labels


def fit(matrix: np.ndarray, labels: np.ndarray, iterations: int = 40) -> np.ndarray:
    """Newton-Raphson for L2-regularised logistic regression."""
    weights = np.zeros(matrix.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(matrix @ weights)))
        gradient = matrix.T @ (p - labels) + L2 * weights
        hessian = (matrix * (p * (1 - p))[:, None]).T @ matrix + L2 * np.eye(len(weights))
        weights -= np.linalg.solve(hessian, gradient)
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.fit_weights")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    names, matrix, labels = training_pairs(options.persons, options.seed)
    weights = fit(matrix, labels)
    print(f"# {len(labels)} candidate pairs, {int(labels.sum())} same-person, "
          f"seed {options.seed}")
    print("DEFAULT_WEIGHTS: dict[str, float] = {")
    for name, weight in zip(names, weights, strict=True):
        print(f'    "{name}": {weight:.1f},')
    print("}")


if __name__ == "__main__":
    main()

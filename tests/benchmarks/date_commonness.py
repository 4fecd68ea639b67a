"""How common a date of birth is, as evidence, at the hub's scale (an experiment).

    .venv-bench/bin/python -m tests.benchmarks.date_commonness --sizes 100000,330000

A shared date says less when many women share it. A term-frequency
adjustment (as Splink makes) adds ln(c_mean / c) to an exact date agreement,
c being how many sightings (or persons) hold that date token and c_mean the
count an agreeing pair's date has on average, capped at +-cap. The hub could
count its own date tokens without a key. Prints precision, recall and F1 at
the hub's own threshold for each size, as shipped and adjusted; about 10
minutes for both sizes. Not in the product: README "National scale".
"""

from __future__ import annotations

import argparse

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import MatchPolicy, score_pairs
from linkage.table import EncodingTable
from tests.benchmarks.diagnostics import _persons
from tests.benchmarks.hubdata import encoded_sightings, encoding_table
from tests.benchmarks.metrics import cluster_quality, dense_labels
from tests.benchmarks.namesakes import hub_threshold

VARIANTS = (  # (what is counted per date, share of the adjustment, cap)
    ("sightings", 1.0, 2.0),
    ("persons", 1.0, 2.0),
    ("sightings", 0.5, 2.0),
)


def date_adjustment(dates: np.ndarray, owners: np.ndarray | None, share: float,
                    cap: float) -> np.ndarray:
    """Per row, what an exact agreement on its date gains or loses; `owners`: count
    distinct owners per date (persons) instead of rows (sightings). 0 without a date."""
    dated = dates != 0
    if owners is None:
        tokens, counts = np.unique(dates, return_counts=True)
    else:
        tokens, counts = np.unique(np.unique(np.stack([dates, owners]), axis=1)[0],
                                   return_counts=True)
    counts = counts[tokens != 0]
    tokens = tokens[tokens != 0]
    mean_count = float((counts.astype(np.float64) ** 2).sum() / counts.sum())
    per_row = np.ones(len(dates))
    per_row[dated] = counts[np.searchsorted(tokens, dates[dated])]
    return np.where(dated, np.clip(share * np.log(mean_count / per_row), -cap, cap), 0.0)


def adjusted_persons(table: EncodingTable, policy: MatchPolicy,
                     adjustment: np.ndarray) -> np.ndarray:
    """link_all's persons with `adjustment` added to each exact date agreement."""
    dates = table.dob[: table.size, 0]

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        scores = score_pairs(table, left, right, policy)
        same = (dates[left] == dates[right]) & (dates[left] != 0)
        return scores + np.where(same, adjustment[left], 0.0).astype(scores.dtype)

    return _persons(table, CandidateIndex().add(table, range(table.size)), scorer, policy)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,330000",
                        help="sightings, comma-separated (the hub benchmark's populations)")
    options = parser.parse_args(argv)
    for size in (int(s) for s in options.sizes.split(",")):
        persons = max(1, round(size / 3.4))
        data = encoded_sightings(persons)
        table = encoding_table(data)
        truth = dense_labels([person for _, _, person in data])
        del data
        policy = MatchPolicy(threshold=hub_threshold(table, truth))
        dates = table.dob[: table.size, 0]
        print(f"{table.size:,} sightings, threshold {policy.threshold}", flush=True)
        none = np.zeros(table.size)
        for label, adjustment in [("shipped", none)] + [
                (f"adjusted by {counted} per date, x{share}, cap {cap}",
                 date_adjustment(dates, truth if counted == "persons" else None, share, cap))
                for counted, share, cap in VARIANTS]:
            quality = cluster_quality(adjusted_persons(table, policy, adjustment), truth)
            print(f"  {label:<45} P {quality.precision:.4f} R {quality.recall:.4f} "
                  f"F1 {quality.f1:.4f}", flush=True)


if __name__ == "__main__":
    main()

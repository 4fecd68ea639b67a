"""What the keyed name buckets are worth: to the scores, and to blocking.

    .venv-bench/bin/python -m tests.benchmarks.without_buckets

The buckets are the one part of an encoding whose frequencies name given
names (README "Privacy, measured"). This links the benchmark's carousel
(3,000 women, seed 7, both mixes; weights refitted on seed 101 for each
setting, bars as shipped) three ways and prints candidate pairs per
sighting, true pairs never compared, precision, recall and F1:

- with the buckets, as shipped;
- scores without per-part evidence: "which name part agrees" unknown to
  the matcher (both parts taken as agreeing, so the weights absorb them;
  entity evidence gated by Dice >= 0.5 instead of an agreeing part), the
  buckets still blocking;
- no buckets at all: the same scores and blocking without the bucket
  families (date and band keys, documents, contacts only);
- no buckets, and in place of the bucket families, bands of the hardened
  name filter (24 bands of 10 bits) with the swapped date and with each
  two of the three date parts (`band_date_keys`): a sketch of a blocking
  that needs no buckets.

About 8 minutes. Not in the product: README "Privacy, measured".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

import linkage.blocking as blocking
import linkage.compare as compare
import tests.benchmarks.hardening as hardening
from linkage.blocking import CandidateIndex
from linkage.linking import link_all
from linkage.table import NO_BUCKET, EncodingTable
from tests.benchmarks.carousel import table_of
from tests.benchmarks.labelled import MIXES, labelled
from tests.benchmarks.metrics import cluster_quality, true_pair_rows

SHIPPED_FEATURES = compare.features
SHIPPED_DATE_KEYS = blocking.date_keys
_BAND_DATE_FAMILIES = ((12, 1), (13, 2), (14, 3), (15, 4))  # swapped date, the date parts


def band_date_keys(bands: int = 24, bits: int = 10) -> Callable:
    """`blocking.date_keys` plus, for every dated row, each band of its name filter with
    its swapped date and with each two of its three date parts."""
    def keys(table: EncodingTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found_rows, found_keys = SHIPPED_DATE_KEYS(table, rows)
        dated = blocking._dated(table, rows)
        values = blocking.filter_bands(table, dated, bands, bits)
        all_rows, all_keys = [found_rows], [found_keys]
        for family, slot in _BAND_DATE_FAMILIES:
            more_rows, more_keys = blocking._band_keys(dated, values, family,
                                                       [table.dob[dated, slot]])
            all_rows.append(more_rows)
            all_keys.append(more_keys)
        return blocking._dedupe(np.concatenate(all_rows), np.concatenate(all_keys))
    return keys


def features_without_parts(table: EncodingTable, left: np.ndarray,
                           right: np.ndarray) -> compare.PairFeatures:
    """`compare.features` as a matcher without per-part name evidence would see them."""
    found = SHIPPED_FEATURES(table, left, right)
    agree = np.ones(len(left), dtype=bool)
    gate = (found.dice >= 0.5) & (found.dob != compare.DobAgreement.DIFFERENT)
    return replace(found, given_ok=agree, surname_ok=agree,
                   entity=compare._shared_entity(table, left, right, gate))


def without_buckets(table: EncodingTable) -> EncodingTable:
    """The table as a hub that stores no name buckets holds it."""
    table.given[:] = NO_BUCKET
    table.surname[:] = NO_BUCKET
    return table


def blocking_loss(table: EncodingTable, truth: np.ndarray) -> tuple[float, float]:
    """Candidate pairs per sighting, and the share of true pairs never compared."""
    pairs = np.sort(CandidateIndex().add(table, range(table.size)), axis=1)
    found = set(map(tuple, pairs.tolist()))
    true = np.sort(true_pair_rows(truth), axis=1).tolist()
    return len(pairs) / table.size, sum(tuple(p) not in found for p in true) / len(true)


def _using(features: Callable, date_keys: Callable = SHIPPED_DATE_KEYS) -> None:
    # the matcher and the weight fitting each read `features` from their own module
    compare.features = hardening.features = features
    blocking.date_keys = date_keys


def main() -> None:
    settings = (("with buckets, as shipped", SHIPPED_FEATURES, lambda t: t, SHIPPED_DATE_KEYS),
                ("scores without per-part evidence", features_without_parts, lambda t: t,
                 SHIPPED_DATE_KEYS),
                ("no buckets at all", features_without_parts, without_buckets,
                 SHIPPED_DATE_KEYS),
                ("no buckets, bands with date parts", features_without_parts, without_buckets,
                 band_date_keys()))
    try:
        for mix in MIXES:
            fit, ev = labelled(3000, 101, mix), labelled(3000, 7, mix)
            print(f"{mix} mix:", flush=True)
            for name, features, store, date_keys in settings:
                _using(features, date_keys)
                table = store(table_of(ev.encoded))
                per_sighting, lost = blocking_loss(table, ev.truth)
                policy = hardening.fit_policy(store(table_of(fit.encoded)), fit.truth)
                quality = cluster_quality(link_all(table, policy), ev.truth)
                print(f"  {name:<34} {per_sighting:4.1f} pairs a sighting, {lost:6.2%} of true "
                      f"pairs never compared; P {quality.precision:.4f} R {quality.recall:.4f} "
                      f"F1 {quality.f1:.4f}", flush=True)
    finally:
        _using(SHIPPED_FEATURES)


if __name__ == "__main__":
    main()

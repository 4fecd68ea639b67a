"""Diagnostic, not shipped: name parts compared only between sightings of one date.

    .venv-bench/bin/python -m tests.benchmarks.dated_parts [--fit-outside 21]
        [--threshold T] [--merge-margin M]                         # about 30 s

Since schema version 5 the hub holds one hardened filter of the whole name and
nothing per part, so it cannot tell twins (the surname agrees) from one woman
with a typo in her surname or under her married name (the given names agree),
which the plaintext baseline's part-aware comparison can. This measures what a
part-aware comparison the hub could be given without a new frequency leak would
buy: per sighting a small Bloom filter of its given names and one of its surname,
every bigram's positions keyed with the date of birth (day and month sorted, so a
swap keeps it). Only sightings of one date share positions, so equal names of
different dates are unrelated filters and there are no name groups to rank; the
hub learns which part agrees only where it already sees the dates agree.

Columns beside the shipped ones (aligned part Dice, straight or crossed for a
swapped name, and hinges above 0.8), weights refitted on the fitting seed as
fit_weights.py does; the bars as given. The filters are made here from the
plaintext records with a fixed key: it measures linkage, not secrecy.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Sequence

import numpy as np

from linkage.compare import MatchPolicy, PairFeatures
from linkage.linking import link_all
from linkage.table import EncodingTable
from tests.benchmarks.carousel import copies_of, table_of
from tests.benchmarks.hardening import fit_policy, link_with_extra
from tests.benchmarks.labelled import labelled, outside
from tests.benchmarks.metrics import cluster_quality
from tests.benchmarks.plaintext_baseline import PlainRecord

PART_BITS = 512
PART_HASHES = 6
_KEY = b"dated-parts-diagnostic-key-0001"
NAMES = ("dp_given", "dp_surname", "dp_given_over_80", "dp_surname_over_80", "dp_compared")


def _salt(record: PlainRecord) -> str | None:
    if record.dob is None:
        return None
    y, m, d = record.dob.isoformat().split("-")
    low, high = sorted((m, d))
    return f"{y}-{low}-{high}"


def _part_filter(words: Sequence[str], salt: str) -> int:
    mask = 0
    for word in words:
        padded = f"_{word}_"
        for i in range(len(padded) - 1):
            digest = hashlib.blake2b(f"{salt}|{padded[i:i + 2]}".encode(), key=_KEY,
                                     digest_size=4 * PART_HASHES).digest()
            for j in range(0, len(digest), 4):
                mask |= 1 << (int.from_bytes(digest[j:j + 4], "little") % PART_BITS)
    return mask


def _words(masks: list[int]) -> np.ndarray:
    raw = b"".join(m.to_bytes(PART_BITS // 8, "little") for m in masks)
    return np.frombuffer(raw, dtype="<u8").reshape(len(masks), PART_BITS // 64).copy()


class Parts:
    def __init__(self, records: Sequence[PlainRecord]) -> None:
        salts = [_salt(r) for r in records]
        pairs = list(zip(records, salts, strict=True))
        given = [_part_filter(r.given, s) if s else 0 for r, s in pairs]
        surname = [_part_filter(r.surname, s) if s else 0 for r, s in pairs]
        self.given, self.surname = _words(given), _words(surname)
        self.given_pop = np.bitwise_count(self.given).sum(axis=1)
        self.surname_pop = np.bitwise_count(self.surname).sum(axis=1)
        ids = {s: k + 1 for k, s in enumerate(sorted({s for s in salts if s}))}
        self.salt = np.array([ids.get(s, 0) for s in salts], dtype=np.int64)

    def _dice(self, a: np.ndarray, pa: np.ndarray, b: np.ndarray, pb: np.ndarray,
              left: np.ndarray, right: np.ndarray) -> np.ndarray:
        common = np.bitwise_count(a[left] & b[right]).sum(axis=1)
        total = pa[left] + pb[right]
        return np.where(total > 0, 2 * common / np.maximum(total, 1), 0.0)

    def columns(self, left: np.ndarray, right: np.ndarray) -> dict[str, np.ndarray]:
        g, s, gp, sp = self.given, self.surname, self.given_pop, self.surname_pop
        gg = self._dice(g, gp, g, gp, left, right)
        ss = self._dice(s, sp, s, sp, left, right)
        gs = self._dice(g, gp, s, sp, left, right)
        sg = self._dice(s, sp, g, gp, left, right)
        crossed = gs + sg > gg + ss
        given = np.where(crossed, gs, gg)
        surname = np.where(crossed, sg, ss)
        both = ((gp[left] > 0) & (gp[right] > 0) & (sp[left] > 0) & (sp[right] > 0))
        same = (self.salt[left] == self.salt[right]) & (self.salt[left] != 0) & both
        given, surname = np.where(same, given, 0.0), np.where(same, surname, 0.0)
        return {"dp_given": given, "dp_surname": surname,
                "dp_given_over_80": np.maximum(given - 0.8, 0.0),
                "dp_surname_over_80": np.maximum(surname - 0.8, 0.0),
                "dp_compared": same.astype(np.float64)}


def fit(table: EncodingTable, truth: np.ndarray, parts: Parts,
        *more: tuple[EncodingTable, np.ndarray, Parts]) -> MatchPolicy:
    by_table = {id(table.filters): parts, **{id(t.filters): p for t, _, p in more}}

    def extra(fitted: EncodingTable, left: np.ndarray, right: np.ndarray,
              found: PairFeatures) -> dict[str, np.ndarray]:
        return by_table[id(fitted.filters)].columns(left, right)

    return fit_policy(table, truth, *[(t, y) for t, y, _ in more], extra=extra,
                      extra_names=NAMES)


def link(table: EncodingTable, parts: Parts, model: MatchPolicy,
         copies: np.ndarray | None = None, **bars: float) -> np.ndarray:
    """link_all's persons with the part columns scored beside the shipped ones."""
    def extra(_: EncodingTable, left: np.ndarray, right: np.ndarray,
              found: PairFeatures) -> dict[str, np.ndarray]:
        return parts.columns(left, right)

    return link_with_extra(table, model, extra, NAMES, copies, **bars)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.dated_parts",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=3000)
    ap.add_argument("--outside-seeds", default="11,12,23,24")
    ap.add_argument("--fit-outside", default="")
    ap.add_argument("--threshold", type=float, default=MatchPolicy().threshold)
    ap.add_argument("--merge-margin", type=float, default=MatchPolicy().merge_margin)
    args = ap.parse_args()
    started = time.perf_counter()
    fitting = labelled(args.persons, 101, "full")
    ftable = table_of(fitting.encoded)
    more = []
    for seed in [int(s) for s in args.fit_outside.split(",") if s]:
        sample = outside(seed, args.persons)
        more.append((sample.table, sample.truth, Parts(sample.records)))
    model = fit(ftable, fitting.truth, Parts(fitting.records), *more)
    print({n: model.weights[n] for n in NAMES})
    print({n: model.weights_without_entities[n] for n in NAMES})
    print({k: v for k, v in model.weights.items() if k not in NAMES})
    bars = {"threshold": args.threshold, "merge_margin": args.merge_margin}
    rows = []
    for mix in ("full", "issue"):
        ev = labelled(args.persons, 7, mix)
        table = table_of(ev.encoded)
        copies = copies_of(ev.encoded, table)
        z = cluster_quality(link_all(table, MatchPolicy(), copies), ev.truth)
        p = cluster_quality(link(table, Parts(ev.records), model, copies, **bars), ev.truth)
        rows.append((f"carousel 7 {mix}", z, p))
    for seed in [int(s) for s in args.outside_seeds.split(",") if s]:
        sample = outside(seed, args.persons)
        z = cluster_quality(link_all(sample.table, MatchPolicy(), sample.copies), sample.truth)
        p = cluster_quality(link(sample.table, Parts(sample.records), model, sample.copies,
                                 **bars), sample.truth)
        rows.append((f"outside {seed}", z, p))
    for name, z, p in rows:
        print(f"{name:20} shipped {z.precision:.4f} {z.recall:.4f} {z.f1:.4f}   "
              f"parts {p.precision:.4f} {p.recall:.4f} {p.f1:.4f}   {p.f1 - z.f1:+.4f}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

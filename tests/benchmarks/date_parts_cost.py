"""What withholding two-part date tokens would cost in F1 (diagnostic, not shipped).

    .venv/bin/python -m tests.benchmarks.date_parts_cost [--outside-seeds 11,12,23,24]
        [--variants ...]                                          # about 10 minutes

The day+month and day+year tokens tie the dates of birth into classes the whole hub
shares, so a hub that learns a few true dates of birth decodes most of the others
(`dob_lattice`, second table; README "Dates of birth"). This measures what sending
fewer of them would cost: the hub's table as the shipped encoder fills it, with the
withheld tokens of every dated row replaced by a token no other row has (blocking on
them then meets nothing, as under a schema without them), weights refitted on the
fitting seed as fit_weights.py does, the bars as shipped; `link_all` on the carousel's
evaluation seed (both mixes) and on samples of the outside generator.
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Sequence

import numpy as np

from linkage.linking import link_all
from linkage.table import EncodingTable
from tests.benchmarks.carousel import copies_of, table_of
from tests.benchmarks.hardening import fit_policy
from tests.benchmarks.labelled import labelled, outside
from tests.benchmarks.metrics import cluster_quality

# dob slots (linkage/encode.py): 2 day+month, 3 month+year, 4 day+year
VARIANTS: dict[str, tuple[int, ...]] = {
    "as shipped": (),
    "without day+month": (2,),
    "without day+year": (4,),
    "without both": (2, 4),
    "without both and month+year": (2, 3, 4),
}


def withheld(table: EncodingTable, slots: Sequence[int]) -> EncodingTable:
    """A copy of `table` whose dated rows carry, in `slots`, tokens no other row has."""
    out = copy.deepcopy(table)
    rows = np.arange(out.size, dtype=np.uint64)
    dated = out.dob[: out.size, 0] != 0
    for slot in slots:
        unique = (np.uint64(1) << np.uint64(63)) | (rows * np.uint64(16) + np.uint64(slot))
        out.dob[: out.size, slot] = np.where(dated, unique, out.dob[: out.size, slot])
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.date_parts_cost")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--outside-seeds", default="11,12,23,24")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"comma-separated, of: {', '.join(VARIANTS)}")
    options = parser.parse_args(argv)
    fit = labelled(options.persons, 101, "full")
    fit_table = table_of(fit.encoded)
    samples = []
    for mix in ("full", "issue"):
        data = labelled(options.persons, 7, mix)
        table = table_of(data.encoded)
        samples.append((f"carousel 7, {mix} mix", table, data.truth,
                        copies_of(data.encoded, table)))
    for seed in (int(s) for s in options.outside_seeds.split(",") if s):
        sample = outside(seed, options.persons)
        samples.append((f"outside {seed}", sample.table, sample.truth, sample.copies))
    names = [name for name in options.variants.split(",") if name]
    print("| date tokens | " + " | ".join(label for label, *_ in samples) + " |")
    print("|---|" + "---|" * len(samples))
    for name in names:
        slots = VARIANTS[name]
        policy = fit_policy(withheld(fit_table, slots), fit.truth)
        cells = []
        for _, table, truth, copies in samples:
            q = cluster_quality(link_all(withheld(table, slots), policy, copies), truth)
            cells.append(f"{q.precision:.4f} / {q.recall:.4f} / {q.f1:.4f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()

"""Lookup latency at the hub with many stored sightings (issue 8: p99 < 100 ms at 1,000,000).

    .venv/bin/python -m tests.benchmarks.lookup_latency --sizes 10000,100000,1000000

For each size it generates synthetic carousel sightings (zichtlijn.synth),
encodes them through the node's code, stores them in a real hub.db and links
them with the hub's Linker, then times lookups the way LookupService answers
them: probe matching under the linker's lock plus the answer read from
SQLite (`Linker.probe` + `build_answer`). Probes are fresh encodings of
stored persons' records, a fifth of them without a date of birth, plus
people the hub never saw. gRPC and TLS add a roughly constant ~1-2 ms on
loopback (measured separately with --grpc). Prints p50/p95/p99/max per size;
no assertion: numbers are for the README, not a pass/fail gate.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from hub.linker import Linker
from hub.lookup_answer import build_answer
from hub.settings import threshold_step
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from node.csv_import import RowError, parse_row
from node.importer import encode_sighting
from zichtlijn import wire
from zichtlijn.synth import LISTED_ERRORS_ONLY, CarouselGenerator

GEMEENTEN = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0014", "GM0855", "GM0772", "GM0935"]
TODAY = dt.date(2026, 11, 23)
SIGHTINGS_PER_PERSON = 3.4
PERSON_RATES = LISTED_ERRORS_ONLY  # what the generator produces on average (zichtlijn.synth)


def _build(size: int, path: Path, encoder: Encoder, probes_wanted: int, seed: int,
           policy: MatchPolicy, automatic: bool = False):
    """Store and link about `size` sightings; keep some parsed rows back as probes.
    `automatic`: on the hub's automatic threshold, which steps after the link run and
    counts the names it pays its rise by (README "The rise taken per name")."""
    store = HubStore(path)
    linker = Linker(store, default_schema(), policy, threshold_step if automatic else None)
    rng = random.Random(seed)
    pending: dict[str, list] = {}
    kept = []
    stored = 0
    started = time.perf_counter()
    persons = int(size / SIGHTINGS_PER_PERSON) + 1
    rows = CarouselGenerator(persons, GEMEENTEN, seed, start=dt.date(2025, 6, 1),
                             keep_identities=False, person_rates=PERSON_RATES)
    for item in rows:
        if stored >= size:
            break
        try:
            parsed = parse_row(2, item.row, TODAY)
        except RowError:
            continue
        if len(kept) < probes_wanted and rng.random() < 0.02:
            kept.append(parsed.subject)  # another record of a stored person's sighting
        message = encode_sighting(parsed, encoder)
        message.sighting_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        batch = pending.setdefault(item.gemeente, [])
        batch.append(message)
        stored += 1
        if len(batch) == 1000:
            store.store_batch(item.gemeente, wire.batch_digest(batch), batch)
            batch.clear()
        if stored % 100_000 == 0:
            print(f"  {stored} encoded and stored ({time.perf_counter() - started:.0f}s)",
                  file=sys.stderr, flush=True)
    for gemeente, batch in pending.items():
        if batch:
            store.store_batch(gemeente, wire.batch_digest(batch), batch)
    stored_at = time.perf_counter()
    run = linker.link_pending()
    print(f"  stored {stored} in {stored_at - started:.0f}s, linked in {run.seconds:.0f}s "
          f"({run.candidate_pairs} candidate pairs) at {linker.policy.threshold}",
          file=sys.stderr, flush=True)
    return store, linker, kept


def _probes(kept, encoder: Encoder, rng: random.Random, count: int):
    out = []
    for i in range(count):
        identity = kept[i % len(kept)]
        if i % 5 == 4:  # a fifth without date of birth
            identity = dataclasses.replace(identity, date_of_birth=None)
        if i % 10 == 9:  # and some people the hub never saw
            identity = dataclasses.replace(identity, surname=f"Nieuw{rng.randrange(10**6)}")
        out.append({encoder.epoch: encoder.encode_identity(identity)})
    rng.shuffle(out)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(size: int, lookups: int, seed: int, policy: MatchPolicy,
            automatic: bool = False) -> dict[str, float]:
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x2b" * 32, 1))
    with tempfile.TemporaryDirectory() as tmp:
        store, linker, kept = _build(size, Path(tmp) / "hub.db", encoder, lookups, seed,
                                     policy, automatic)
        probes = _probes(kept, encoder, random.Random(seed), lookups)
        timings, outcomes = [], {}
        for probe in probes:
            started = time.perf_counter()
            match = linker.probe(probe)
            with store.lock:
                answer = build_answer(store.db.conn, match,
                                      any(len(e.dob_tokens) for e in probe.values()), False)
            timings.append((time.perf_counter() - started) * 1000)
            outcomes[match.outcome] = outcomes.get(match.outcome, 0) + 1
            del answer
        sightings = store.count_sightings()
        store.close()
    return {"sightings": sightings, "p50": statistics.median(timings),
            "p95": _percentile(timings, 0.95), "p99": _percentile(timings, 0.99),
            "max": max(timings), **{f"n_{k}": v for k, v in sorted(outcomes.items())}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated numbers of stored sightings")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--link-floor", type=float, default=None,
                        help="keep only links scoring at least this (default: the policy's); "
                             "see the module docstring for why 1,000,000 needs 1.5")
    parser.add_argument("--automatic-threshold", action="store_true",
                        help="link on the hub's automatic threshold (steps, name counts)")
    args = parser.parse_args(argv)
    policy = MatchPolicy()
    if args.link_floor is not None:
        policy = dataclasses.replace(policy, link_floor=args.link_floor)
    print(f"policy: link floor {policy.link_floor}, threshold {policy.threshold}")
    print("sightings   p50 ms   p95 ms   p99 ms   max ms   outcomes")
    for size in (int(s) for s in args.sizes.split(",")):
        r = measure(size, args.lookups, args.seed, policy, args.automatic_threshold)
        outcomes = ", ".join(f"{k[2:]} {v}" for k, v in r.items() if k.startswith("n_"))
        print(f"{int(r['sightings']):>9}  {r['p50']:7.2f}  {r['p95']:7.2f}  {r['p99']:7.2f}  "
              f"{r['max']:7.2f}   {outcomes}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

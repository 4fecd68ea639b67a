"""National-scale benchmarks (issue 7). Run on demand, print figures, assert nothing.

    .venv/bin/python -m tests.benchmarks.scale encode
    .venv/bin/python -m tests.benchmarks.scale kernel      # anonlink too, if installed
    .venv/bin/python -m tests.benchmarks.scale blocking
    .venv/bin/python -m tests.benchmarks.scale blocking-scale --sizes 100000,1000000
    .venv/bin/python -m tests.benchmarks.scale hub --sizes 100000,250000,500000,1000000
    .venv/bin/python -m tests.benchmarks.scale sync342
    .venv/bin/python -m tests.benchmarks.scale quality --sizes 100000,330000 --thresholds 2.5,5
    make bench-scale                                       # all of the above

Every ratio compares two things measured in the same run on the same
machine. Sizes are sightings; the hub figures are for one process (the
linker is single-threaded; SQLite has one writer).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.node()}: {cpu}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- encoding ---------------------------------------------------------------------------


def bench_encode(persons: int) -> None:
    from bloom_filter2 import BloomFilter

    from linkage.encode import Encoder
    from linkage.keys import derive_purpose_keys
    from linkage.normalise import canonical_word, name_words
    from linkage.schema import default_schema
    from node.importer import CHUNK_ROWS
    from tests.benchmarks.carousel import carousel, parse_all

    data = carousel(persons, seed=9, listed_only=True)
    with _timed() as parse_s:
        _, parsed, _ = parse_all(data)
    identities = [p.subject for p in parsed]
    n = len(identities)

    # load the compiled kernels first (once per process, not per record)
    Encoder(default_schema(), derive_purpose_keys(b"\x02" * 32, 1)).encode_batch(identities[:1])

    # what `node import` does: chunks of rows, each chunk's identities in one batch
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x01" * 32, 1))
    with _timed() as ours_s:
        for first in range(0, n, CHUNK_ROWS):
            encoder.encode_batch(identities[first : first + CHUNK_ROWS])

    # baseline: the card's bloom-filter2, one membership filter per record holding the
    # same bigrams (it has no keyed hashing and no bit array to compare: see README)
    with _timed() as baseline_s:
        for identity in identities:
            bloom = BloomFilter(max_elements=64, error_rate=0.01)
            for text in (identity.given_names, identity.surname):
                for word in name_words(text):
                    padded = f"_{canonical_word(word)}_"
                    for i in range(len(padded) - 1):
                        bloom.add(padded[i : i + 2])

    # one identity at a time (a lookup, a record entered by hand): a new encoder, and
    # the word normalisation cache emptied, so it starts as cold as the batches did
    canonical_word.cache_clear()
    single = Encoder(default_schema(), derive_purpose_keys(b"\x01" * 32, 1))
    with _timed() as single_s:
        for identity in identities:
            single.encode_identity(identity)

    def rate(seconds: list[float]) -> str:
        return f"{n / seconds[0]:>10,.0f} records/s  ({n / seconds[1]:,.0f} per CPU second)"

    both = [parse_s[0] + ours_s[0], parse_s[1] + ours_s[1]]
    print(f"encoding, one core, {n} records (in brackets: per CPU second of this process, "
          "steadier than wall time on a shared machine)")
    print(f"  CSV row validation + normalisation  {rate(parse_s)}")
    print(f"  zichtlijn keyed encoding            {rate(ours_s)}   batches of {CHUNK_ROWS}")
    print(f"  ... one identity at a time          {rate(single_s)}")
    print(f"  both (what `node import` does)      {rate(both)}")
    print(f"  bloom-filter2 baseline, names only  {rate(baseline_s)}")
    print(f"  ratio zichtlijn / bloom-filter2     {baseline_s[0] / ours_s[0]:>10.2f}x"
          f"  ({baseline_s[1] / ours_s[1]:.2f}x in CPU time)")


@contextmanager
def _timed() -> Iterator[list[float]]:
    """[wall seconds, CPU seconds of this process] of the block, filled in at its end."""
    spent = [0.0, 0.0]
    wall, cpu = time.perf_counter(), time.process_time()
    yield spent
    spent[0], spent[1] = time.perf_counter() - wall, time.process_time() - cpu


# -- comparison kernel ------------------------------------------------------------------


def _filters(persons: int) -> np.ndarray:
    from tests.benchmarks.carousel import carousel, encode_all, table_of

    table = table_of(encode_all(carousel(persons, seed=5, listed_only=True)))
    return table.filters[: table.size].copy(), table.popcounts[: table.size].copy()


def bench_kernel(persons: int, queries: int, threshold: float) -> None:
    from linkage.kernels import dice_block_candidates

    filters, popcounts = _filters(persons)
    n = len(filters)
    out_left = np.empty(5_000_000, dtype=np.int64)
    out_right = np.empty(5_000_000, dtype=np.int64)
    dice_block_candidates(filters[:8], popcounts[:8], 0, 4, threshold, out_left, out_right)

    # same work for everyone: the first `queries` rows against every later row
    compared = sum(n - 1 - i for i in range(queries))
    started = time.perf_counter()
    found = dice_block_candidates(filters, popcounts, 0, queries, threshold, out_left,
                                  out_right)
    ours = compared / (time.perf_counter() - started)

    started = time.perf_counter()
    numpy_found = 0
    for i in range(queries):
        common = np.bitwise_count(filters[i] & filters[i + 1 :]).sum(axis=1)
        dice = 2 * common / (popcounts[i] + popcounts[i + 1 :])
        numpy_found += int((dice >= threshold).sum())
    plain = compared / (time.perf_counter() - started)

    print(f"Dice comparisons on one core, {n} filters of {filters.shape[1] * 64} bits, "
          f"{compared:,} comparisons, threshold {threshold}")
    print(f"  zichtlijn compiled kernel  {ours:>14,.0f} /s   ({found} pairs found)")
    print(f"  plain numpy all-pairs      {plain:>14,.0f} /s   ({numpy_found} pairs found)")
    print(f"  ratio zichtlijn / numpy    {ours / plain:>14.2f}x")
    try:
        from anonlink import candidate_generation, similarities
        from bitarray import bitarray
    except ImportError:
        print("  anonlink: not installed (make bench-scale installs it into .venv-bench)")
        return
    clks = []
    for row in filters:
        bits = bitarray(endian="little")
        bits.frombytes(row.astype("<u8").tobytes())
        clks.append(bits)
    head = clks[:queries]
    started = time.perf_counter()
    result = candidate_generation.find_candidate_pairs(
        [head, clks], similarities.dice_coefficient_accelerated, threshold)
    theirs = queries * n / (time.perf_counter() - started)
    print(f"  anonlink candidate gen.    {theirs:>14,.0f} /s   "
          f"({len(result[0])} pairs incl. self and earlier rows)")
    print(f"  ratio zichtlijn / anonlink {ours / theirs:>14.2f}x")


# -- blocking ---------------------------------------------------------------------------


def lost_true_pairs(truth: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The true pairs (same truth label) that are not among the candidate `pairs`."""
    from linkage.blocking import _pairs_within

    order = np.argsort(truth, kind="stable")
    groups = _pairs_within(truth[order].astype(np.int64).view(np.uint64), order)
    true = np.sort(np.concatenate(groups), axis=1) if groups else np.empty((0, 2), np.int64)
    packed = (true[:, 0].astype(np.uint64) << np.uint64(32)) | true[:, 1].astype(np.uint64)
    low, high = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    found = (low.astype(np.uint64) << np.uint64(32)) | high.astype(np.uint64)
    lost = np.setdiff1d(packed, found)
    return np.stack([(lost >> np.uint64(32)).astype(np.int64),
                     (lost & np.uint64(0xFFFFFFFF)).astype(np.int64)], axis=1)


def lost_pair_kinds(table, lost: np.ndarray) -> list[tuple[str, str]]:
    """(date relation, name similarity) of each lost pair, from what the hub holds.

    Dates: the DOB tokens the two sides share (same date, swapped, one part one
    apart, two parts agree, nothing, or a side without a date). Names: the Dice
    of the two name filters, in bands (alike >= 0.8, partly alike 0.6-0.8, half
    alike 0.5-0.6, differ < 0.5). This is what tells which blocking key could
    have caught the pair: the date tells the family, and the more alike the
    names, the likelier the two filters share one of its bands.
    """
    from linkage.compare import dice

    a, b = lost[:, 0], lost[:, 1]
    da, db = table.dob[a], table.dob[b]
    undated = (da[:, 0] == 0) | (db[:, 0] == 0)
    equal = da == db
    near = (da[:, 5:] == db[:, :1]).any(axis=1) | (db[:, 5:] == da[:, :1]).any(axis=1)
    similarity = dice(table, a, b)
    kinds = []
    for i in range(len(lost)):
        if undated[i]:
            date = "no date (both)" if da[i, 0] == 0 and db[i, 0] == 0 else "no date (one)"
        elif equal[i, 0]:
            date = "same date"
        elif equal[i, 1]:
            date = "day/month swapped"
        elif near[i]:
            date = "one part one apart"
        elif equal[i, 2:5].any():
            date = "two parts agree"
        else:
            date = "dates share nothing"
        if similarity[i] >= 0.8:
            name = "names alike (Dice >= 0.8)"
        elif similarity[i] >= 0.6:
            name = "names partly alike (0.6-0.8)"
        elif similarity[i] >= 0.5:
            name = "names half alike (0.5-0.6)"
        else:
            name = "names differ (< 0.5)"
        kinds.append((date, name))
    return kinds


def print_lost_pairs(table, lost: np.ndarray, true_pairs: int, policy) -> None:
    """Why the lost true pairs were lost, and whether comparing them would have linked them."""
    from collections import Counter

    from linkage.compare import score_pairs

    if not len(lost):
        return
    scores = score_pairs(table, lost[:, 0], lost[:, 1], policy)
    dated = table.dob[:, 0] != 0
    undated = ~dated[lost[:, 0]] | ~dated[lost[:, 1]]
    # what scored_links would keep: a strong link, or a weak one where a side has no date
    linkable = (scores >= policy.threshold) | ((scores >= policy.link_floor) & undated)
    print(f"  lost true pairs that would enter the person graph if compared (a link at "
          f"{policy.threshold}, or a weak link of a date-less sighting, which need not join "
          f"the two): {int(linkable.sum()):,} "
          f"({linkable.sum() / true_pairs:.2%} of true pairs)")
    kinds = lost_pair_kinds(table, lost)
    counts = Counter(kinds)
    links = Counter(kind for kind, hit in zip(kinds, linkable.tolist(), strict=True) if hit)
    print("  lost true pairs by kind (date relation, name similarity): lost | would link")
    for (date, name), count in counts.most_common():
        print(f"    {date:<20} {name:<29} {count:>7,} | {links[(date, name)]:>6,}")


def bench_blocking(persons: int) -> None:
    from linkage.blocking import CandidateIndex
    from linkage.compare import MatchPolicy
    from linkage.linking import link_all, table_scorer
    from linkage.persons import PersonGraph
    from tests.benchmarks.carousel import carousel, encode_all, table_of
    from zichtlijn.evaluate import quality

    encoded = encode_all(carousel(persons, seed=6, listed_only=True))
    table = table_of(encoded)
    n = table.size
    truth = np.array([hash(encoded.data.truth[k]) for k in encoded.keys])
    started = time.perf_counter()
    pairs = CandidateIndex().add(table, range(n))
    block_s = time.perf_counter() - started
    same = truth[pairs[:, 0]] == truth[pairs[:, 1]]
    _, counts = np.unique(truth, return_counts=True)
    true_pairs = int((counts * (counts - 1) // 2).sum())
    all_pairs = n * (n - 1) // 2
    print(f"blocking on {n} labelled sightings ({block_s:.1f}s)")
    print(f"  candidate pairs  {len(pairs):>12,}  of {all_pairs:,} all pairs "
          f"({len(pairs) / all_pairs:.4%}), {len(pairs) / n:.1f} per sighting")
    print(f"  true pairs lost  {true_pairs - int(same.sum()):>12,}  of {true_pairs:,} "
          f"({1 - same.sum() / true_pairs:.2%})")
    print_lost_pairs(table, lost_true_pairs(truth, pairs), true_pairs, MatchPolicy())

    # what blocking costs in the end result: link every pair vs link the candidates
    policy = MatchPolicy()
    scorer = table_scorer(table, policy)
    blocked = link_all(table, policy)
    left, right = np.triu_indices(n, k=1)
    graph = PersonGraph(policy)
    graph.add_rows(range(n))
    for start in range(0, len(left), 2_000_000):
        a, b = left[start : start + 2_000_000], right[start : start + 2_000_000]
        scores = scorer(a, b)
        keep = scores >= policy.link_floor
        graph.add_links(zip(a[keep].tolist(), b[keep].tolist(), strict=True),
                        scores[keep].tolist())
    graph.update(range(n), scorer, table.dob[:n, 0] != 0)
    unblocked = [graph.person_root(row) for row in range(n)]
    keyed = encoded.truth_labels()
    with_blocking = quality(dict(zip(encoded.keys, blocked.tolist(), strict=True)), keyed)
    without = quality(dict(zip(encoded.keys, unblocked, strict=True)), keyed)
    print(f"  all pairs scored:  {without.line()}")
    print(f"  with blocking:     {with_blocking.line()}")
    print(f"  recall lost to blocking in the linked result: "
          f"{without.recall - with_blocking.recall:.4f}")


def bench_blocking_at_scale(sizes: list[int], increment: int) -> None:
    """Candidate pairs and lost true pairs on the hub benchmark's data (cached encodings).

    The relink (every row in one batch) and a night: the base indexed as at hub
    start-up (`index_only`), then the last `increment` rows added.
    """
    from linkage.blocking import CandidateIndex
    from linkage.compare import MatchPolicy
    from tests.benchmarks.hubdata import encoded_sightings, encoding_table, true_persons
    from tests.benchmarks.namesakes import hub_threshold

    for size in sizes:
        persons = max(1, round(size / 3.4))
        sightings = encoded_sightings(persons)
        n = len(sightings)
        table = encoding_table(sightings)
        truth = true_persons(sightings)
        del sightings
        gc.collect()
        index = CandidateIndex()
        started = time.perf_counter()
        pairs = index.add(table, range(n))
        full_s = time.perf_counter() - started
        entries = len(index)
        lost = lost_true_pairs(truth, pairs)
        _, counts = np.unique(truth, return_counts=True)
        true_pairs = int((counts * (counts - 1) // 2).sum())
        print(f"blocking on {n:,} sightings ({persons:,} women): {len(pairs):,} candidate pairs, "
              f"{len(pairs) / n:.1f} per sighting ({full_s:.1f}s); index {entries / n:.1f} "
              f"keys per sighting")
        print(f"  true pairs lost  {len(lost):>12,}  of {true_pairs:,} "
              f"({len(lost) / true_pairs:.2%})")
        # at the threshold the hub itself would link this many women at
        print_lost_pairs(table, lost, true_pairs,
                         MatchPolicy(threshold=hub_threshold(table, truth)))
        del pairs, index
        gc.collect()
        index = CandidateIndex()
        index.index_only(table, np.arange(n - increment))
        started = time.perf_counter()
        night = index.add(table, range(n - increment, n))
        night_s = time.perf_counter() - started
        print(f"  a night of {increment:,}: {len(night):,} candidate pairs, "
              f"{len(night) / increment:.1f} per new sighting ({night_s:.1f}s)", flush=True)
        del index, table
        gc.collect()


# -- quality at scale -------------------------------------------------------------------


def bench_quality_at_scale(sizes: list[int], thresholds: list[float]) -> None:
    """Pairwise quality of link_all on the hub benchmark's data, per link threshold.

    The weights are fitted on 3,000 persons; with more people every coincidence
    (a shared name and a near date of birth) is more likely, so the same
    evidence is weaker: this measures by how much, for hub.toml [matching].
    """
    from linkage.compare import MatchPolicy
    from linkage.linking import link_all
    from tests.benchmarks.hubdata import encoded_sightings, encoding_table
    from zichtlijn.evaluate import quality

    print("quality at scale: sightings | persons | link threshold | pairwise quality")
    for size in sizes:
        persons = max(1, round(size / 3.4))
        sightings = encoded_sightings(persons)
        table = encoding_table(sightings)
        truth = {row: key for row, (_, _, key) in enumerate(sightings)}
        for threshold in thresholds:
            labels = link_all(table, MatchPolicy(threshold=threshold))
            found = quality(dict(enumerate(labels.tolist())), truth)
            print(f"{len(sightings):>9,} | {persons:>7,} | {threshold:>4} | {found.line()}",
                  flush=True)


# -- hub at scale -----------------------------------------------------------------------


def _hub_prepare(persons: int, increment: int, db: Path, night_file: Path) -> None:
    """Child 1: store the base sightings; keep the night's batch for child 2; hold the
    threshold rise the hub's automatic threshold would have reached for this many women,
    and the name counts of that step (both counted on the true persons), as a hub that
    grew to this size holds them."""
    import pickle

    from hub import linked_with
    from hub.settings import FITTED_NAMESAKES
    from hub.store import HubStore
    from linkage.compare import MatchPolicy
    from linkage.population import NameCounts, name_keys
    from tests.benchmarks.hubdata import batches, encoded_sightings, encoding_table, true_persons
    from tests.benchmarks.namesakes import hub_threshold
    from zichtlijn import wire

    sightings = encoded_sightings(persons)
    base, night = sightings[:-increment], sightings[-increment:]
    night_file.write_bytes(pickle.dumps(night))
    store = HubStore(db)
    started = time.perf_counter()
    for gemeente, batch in batches(base):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    store_s = time.perf_counter() - started
    table, persons_of = encoding_table(base), true_persons(base)
    threshold = hub_threshold(table, persons_of)
    # and the names counted at that step (README "The rise taken per name")
    counts = NameCounts.of(name_keys(table.filters[: table.size], epoch=1), persons_of, [1],
                           FITTED_NAMESAKES)
    with store.transaction() as conn:
        linked_with.raise_threshold(conn, threshold - MatchPolicy().threshold)
        linked_with.keep_name_counts(conn, counts)
    store.close()
    print(f"{len(base):>9,} | threshold {threshold} | store {store_s:6.1f}s", end=" ",
          flush=True)


def _status_mb(field: str) -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def current_rss_mb() -> float:
    """Resident memory now (not the peak): what a running hub holds."""
    return _status_mb("VmRSS") or rss_mb()


def peak_since_reset_mb() -> float:
    """Peak resident memory since `reset_peak()` (the whole process where Linux's
    /proc/self/clear_refs is not there)."""
    return _status_mb("VmHWM") or rss_mb()


def reset_peak() -> None:
    """Start a new peak, so a night's own peak is not hidden behind start-up's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _alert_engine(store):
    from hub.alerts.config import load_alert_config
    from hub.alerts.engine import AlertEngine
    from linkage.compare import MatchPolicy
    from linkage.schema import default_schema

    # the shipped example rules
    return AlertEngine(store, load_alert_config(ROOT / "deploy" / "alerts"), default_schema(),
                       MatchPolicy())


def _hub_full_link(db: Path) -> None:
    """Child 2: `hub relink` of everything stored, then the first (full) alert evaluation."""
    from hub.linker import Linker
    from hub.settings import threshold_step
    from hub.store import HubStore
    from linkage.compare import MatchPolicy
    from linkage.schema import default_schema

    store = HubStore(db)
    linker = Linker(store, default_schema(), MatchPolicy(), auto_threshold=threshold_step)
    started = time.perf_counter()
    full = linker.relink_all()  # one run, as `hub relink`; link_pending would take runs
    full_s = time.perf_counter() - started
    link_peak = rss_mb()
    first = _alert_engine(store).evaluate(full=True)
    store.close()
    print(f"| full link at {linker.policy.threshold} {full_s:6.1f}s "
          f"({full.candidate_pairs:,} candidates, peak "
          f"{link_peak:,.0f} MB); full alert evaluation {first.seconds:.0f}s "
          f"({first.findings:,} findings, peak {rss_mb():,.0f} MB)", end=" ", flush=True)


def _hub_restart_and_night(db: Path, night_file: Path) -> None:
    """Child 3: a hub started on the linked data (load, alerts as at start-up), then a night."""
    import pickle

    from hub.linker import Linker
    from hub.settings import threshold_step
    from hub.store import HubStore
    from linkage.compare import MatchPolicy
    from linkage.schema import default_schema
    from tests.benchmarks.hubdata import batches
    from zichtlijn import wire

    store = HubStore(db)
    started = time.perf_counter()
    linker = Linker(store, default_schema(), MatchPolicy(), auto_threshold=threshold_step)
    engine = _alert_engine(store)
    engine.evaluate(full=engine.rules_changed)  # what hub start does
    start_s = time.perf_counter() - started
    start_peak = peak_since_reset_mb()
    gc.collect()
    held = current_rss_mb()
    reset_peak()
    night = pickle.loads(night_file.read_bytes())
    started = time.perf_counter()
    for gemeente, batch in batches(night):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    night_run = linker.link_pending()
    link_s = time.perf_counter() - started
    alerts = engine.evaluate()
    nightly_s = time.perf_counter() - started
    night_peak = peak_since_reset_mb()
    removal = _withdraw_and_correct(store, linker, engine)
    store.close()
    print(f"| hub start {start_s:5.1f}s (peak {start_peak:,.0f} MB), then holds {held:,.0f} MB "
          f"| +{len(night):,} nightly "
          f"{nightly_s:5.1f}s (store + link {link_s:.1f}s, {night_run.candidate_pairs:,} "
          f"candidates; alerts {alerts.seconds:.1f}s, {alerts.sightings:,} sightings read) "
          f"| peak {night_peak:,.0f} MB | {removal}", flush=True)


def _withdraw_and_correct(store, linker, engine) -> str:
    """A node withdraws a sighting of a network alert and corrects one with a companion."""
    from hub import records
    from linkage.schema import default_schema
    from zichtlijn.v1 import encoding_pb2

    with store.lock:
        held, = store.db.execute(
            "SELECT s.sighting_uuid, t.gemeente FROM alert_sightings s JOIN alerts a "
            "ON a.alert_id = s.alert_id JOIN sightings t ON t.sighting_uuid = s.sighting_uuid "
            "WHERE a.rule = 'network' AND s.current = 1 ORDER BY s.sighting_uuid LIMIT 1"
        ).fetchall()
        gemeente, subject = store.db.execute(
            "SELECT s.gemeente, s.subject FROM sightings s JOIN alert_sightings a "
            "ON a.sighting_uuid = s.sighting_uuid JOIN companions c ON c.sighting_seq = s.seq "
            "WHERE a.current = 1 AND s.sighting_uuid != ? ORDER BY s.seq LIMIT 1",
            [held[0]]).fetchone()
        corrected = store.db.execute(
            "SELECT sighting_uuid, observed_on, epoch, schema_fingerprint FROM sightings "
            "WHERE subject = ?", [subject]).fetchone()
    times = []
    started = time.perf_counter()
    withdrawn = records.withdraw(store, linker, held[1], held[0], "recorded_in_error", engine)
    times.append(time.perf_counter() - started)
    uuid, observed_on, epoch, fingerprint = corrected
    sighting = encoding_pb2.EncodedSighting(  # the companion was another case's
        sighting_uuid=uuid, observed_on=observed_on, epoch=epoch,
        schema_fingerprint=bytes(fingerprint),
        subject=encoding_pb2.IdentityEncoding.FromString(bytes(subject)))
    started = time.perf_counter()
    corrected_outcome = records.correct(store, linker, default_schema(), gemeente, sighting,
                                        dt.date.today(), engine)
    times.append(time.perf_counter() - started)
    return (f"withdrawal {times[0]:.1f}s ({withdrawn.alert_sightings_read:,} sightings read), "
            f"correction {times[1]:.1f}s ({corrected_outcome.alert_sightings_read:,})")


def bench_hub(sizes: list[int], increment: int) -> None:
    print("hub: sightings | store | full link and full alert evaluation (relink; peak memory) "
          "| hub start (load + alerts) and memory held | nightly increment (store + link + "
          "alert evaluation) | peak memory of the running hub | then a withdrawal and a "
          "correction (each with its alert evaluation)")
    for size in sizes:
        persons = max(1, round(size / 3.4))
        with tempfile.TemporaryDirectory(dir=ROOT / "bench-out") as tmp:
            db, night = Path(tmp) / "hub.db", Path(tmp) / "night.pickle"
            for step in ("_hub-prepare", "_hub-full-link", "_hub-restart"):
                subprocess.run([sys.executable, "-m", "tests.benchmarks.scale", step,
                                str(persons), str(increment), str(db), str(night)],
                               check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.scale")
    parser.add_argument("what", choices=["encode", "kernel", "blocking", "blocking-scale",
                                         "hub", "sync342",
                                         "quality", "all", "_hub-prepare", "_hub-full-link",
                                         "_hub-restart"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--persons", type=int, default=6000)
    parser.add_argument("--sizes", default="100000,250000,500000,1000000")
    parser.add_argument("--increment", type=int, default=10_000)
    parser.add_argument("--thresholds", default="2.5,4,5,6")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if options.what.startswith("_hub-"):  # a hub's own process: its malloc setting, as served
        from hub.allocator import return_large_frees
        return_large_frees()
    if options.what == "_hub-prepare":
        _hub_prepare(int(options.args[0]), int(options.args[1]), Path(options.args[2]),
                     Path(options.args[3]))
        return
    if options.what == "_hub-full-link":
        _hub_full_link(Path(options.args[2]))
        return
    if options.what == "_hub-restart":
        _hub_restart_and_night(Path(options.args[2]), Path(options.args[3]))
        return
    print(machine())
    if options.what in ("encode", "all"):
        bench_encode(options.persons)
    if options.what in ("kernel", "all"):
        bench_kernel(options.persons, queries=400, threshold=0.8)
    if options.what in ("blocking", "all"):
        bench_blocking(3000)
    if options.what == "blocking-scale":  # not in "all": the hub's data, minutes per size
        bench_blocking_at_scale([int(s) for s in options.sizes.split(",")], options.increment)
    if options.what in ("hub", "all"):
        bench_hub([int(s) for s in options.sizes.split(",")], options.increment)
    if options.what == "quality":  # not in "all": minutes per size and threshold
        bench_quality_at_scale([int(s) for s in options.sizes.split(",")],
                               [float(t) for t in options.thresholds.split(",")])
    if options.what in ("sync342", "all"):
        from tests.benchmarks.sync342 import bench_sync342

        bench_sync342()


if __name__ == "__main__":
    main()

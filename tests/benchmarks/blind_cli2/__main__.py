"""A second blind evaluation: another outsider's data, linked by the one-command demo.

    python -m tests.benchmarks.blind_cli2 [--seed N] [--dir DIR] [--keep]
    make bench-blind2 BENCH_ARGS="--seed 11 --dir /tmp/blind2 --keep"

The generator (`generator.py`) and the scoring (`evaluate.py`) were written by a
second engineer who never read the project's code nor the first blind evaluation
(`tests/benchmarks/blind_cli/`): standard library only, with name lists,
transliterations and errors of their own. It draws 2,300 women (about 2,540 with
the planted relatives and namesakes, about 8,000 controls) from nine
populations: Romanian (Roma surnames among them), Bulgarian (a patronymic now
and then), Hungarian, Nigerian, Dutch, Latin American (two surnames, of which an
inspector writes only the first in a third of the controls; accents dropped),
Thai (a nickname instead of the given name, several romanisations of each name),
Chinese, which the first has not (`Xiaomei`, `Xiao Mei`, `Xiao-Mei`, the surname
written first or the whole name in the given-name field, five rows in Chinese
script), and Ukrainian (Ukrainian, Russian, German and Dutch transliterations).
Planted in the rows: typos, a second given name dropped, given name and surname
swapped, a married name, a working alias, a date of birth missing, off by one, a
decade off or day and month swapped, a document number one digit off. Hard
negatives: 45 twins (surname and date of birth shared), 70 sisters, namesakes
for 90 women (same full name, another date of birth, some in the same year), and
110 networks whose women share a controller's phone, car or companion.

Each town exports as its system would, and the files go in as exported: Amsterdam
(comma, ISO dates, quoted fields with commas and line breaks), Rotterdam (Dutch
Excel: `;`, a byte-order mark, `Case Ref` headers, d-m-yyyy, dates of birth partly
Excel serial numbers, phones as numbers, some rounded to `6.12345E+8`, trailing
`;;;` and empty lines), Den Haag (Windows-1252, so letters it lacks became `?`,
upper-case headers, dd-mm-yy), Utrecht (US m/d/yyyy from an English-locale
laptop, `yes`/`no`, `F`) and Eindhoven (tab-separated, every date an Excel serial
number, sex `2`, licensed `1`/`0`). Only Utrecht's two columns of its own
(`inspecteur`, `opmerkingen`) are dropped before the import, as a town would
when told the columns of DESIGN §10; everything else is as exported.

The run is the one command the evaluator used: `zichtlijn demo --csv GMxxxx=FILE
... --clusters-out clusters.csv` with the console script of this interpreter's
environment (development PKI, key ceremony, hub, five nodes, import, sync), then
`node sightings --format csv` per town to map each case_ref back to its sighting,
then the evaluator's scoring: pairwise precision, recall and F1 (recall also
over all rows, a refused row counted as missed), the false links by how the two
women are related, the missed links by the errors planted, recall by population
and by pair of towns. Each demo makes a new linkage secret, so the figures move a
little from run to run for the same seed; the generated files are the same, byte
for byte.

DIR (default: a temporary directory, removed at the end unless --keep) gets
DIR/data (raw/ as exported, import/ as handed to the demo, truth.csv, women.csv)
and DIR/run (the demo's directory demo-run/, demo.out, clusters.csv,
sightings-GMxxxx.csv, examples.json); both are emptied first. It needs only the
project's own environment (`make` builds it), and takes about a minute.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.blind_cli2.evaluate import evaluate
from tests.benchmarks.blind_cli2.generator import SEED, write
from tests.benchmarks.blind_runs import ZICHTLIJN, echo, fresh_dirs, main

# the evaluator's order (the generator's TOWNS): whose export is which file
FILES = [("GM0363", "amsterdam.csv"), ("GM0599", "rotterdam.csv"), ("GM0518", "denhaag.csv"),
         ("GM0344", "utrecht.csv"), ("GM0772", "eindhoven.csv")]
UTRECHT_OWN_COLUMNS = ("inspecteur", "opmerkingen")


def hand_in(raw: Path, given: Path) -> None:
    """The files as the towns hand them in: as exported, Utrecht without its own columns."""
    given.mkdir(parents=True)
    for _, name in FILES:
        if name != "utrecht.csv":
            shutil.copyfile(raw / name, given / name)
    with (raw / "utrecht.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    drop = {rows[0].index(c) for c in UTRECHT_OWN_COLUMNS}
    with (given / "utrecht.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([v for i, v in enumerate(row) if i not in drop] for row in rows)


def demo(run: Path, given: Path) -> None:
    """`zichtlijn demo --csv ...`: its output to run/demo.out and, as it comes, the terminal."""
    command = [str(ZICHTLIJN), "demo", "--dir", "demo-run",
               *(a for g, name in FILES for a in ("--csv", f"{g}={given / name}")),
               "--clusters-out", "clusters.csv"]
    echo("$ " + " ".join(command))
    with (run / "demo.out").open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=run, stdout=subprocess.PIPE, text=True,
                                   encoding="utf-8", errors="replace")
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line)
            sys.stderr.write(line)
        code = process.wait()
    if code != 0:
        raise subprocess.CalledProcessError(code, command)


def sightings(run: Path) -> None:
    for g, _ in FILES:
        command = [str(ZICHTLIJN), "node", "sightings", "--home", f"demo-run/node-{g}",
                   "--format", "csv"]
        echo("$ " + " ".join(command) + f" > sightings-{g}.csv")
        with (run / f"sightings-{g}.csv").open("wb") as out:
            subprocess.run(command, cwd=run, stdout=out, check=True)


def report_import(run: Path) -> None:
    """The demo's lines on each file's import, and on the rows it refused."""
    print("== import (from the demo's output)")
    lines = (run / "demo.out").read_text(encoding="utf-8").splitlines()
    inside = False
    for line in lines:
        if line.startswith("==> "):
            inside = line.startswith("==> node ")
        if inside or "refused at import" in line:
            print(line)


def blind_run(directory: Path, seed: int) -> None:
    data, run = fresh_dirs(directory)
    echo(f"$ python -m tests.benchmarks.blind_cli2.generator {data} --seed {seed}")
    write(data, seed)
    sys.stdout.flush()
    hand_in(data / "raw", data / "import")
    demo(run, data / "import")
    sightings(run)
    report_import(run)
    print("== linkage")
    evaluate(run, data / "truth.csv", data / "women.csv")


if __name__ == "__main__":
    sys.exit(main("blind_cli2", __doc__, SEED, blind_run))

"""A blind evaluation: data generated apart from the project, linked through the command line.

    python -m tests.benchmarks.blind_cli [--seed N] [--dir DIR] [--keep]
    make bench-blind BENCH_ARGS="--seed 7 --dir /tmp/blind --keep"

The generator (`generator.py`) and the two evaluations (`evaluate.py`, `alerts.py`)
were written by an engineer who read only DESIGN.md, the README and `--help`, never
the project's code or its own generators (`tests/benchmarks/outside_data.py`, the
carousel generator): their idea of what goes wrong when an inspector writes a woman
down is their own, and so are their name lists, transliterations, hard negatives
(sisters, twins, namesakes) and trafficking networks moving women between towns.

Five municipalities each export in their own conventions, as a municipality's
system would: Amsterdam (comma, ISO dates, one dossier number per woman),
Rotterdam (semicolon, dd-mm-yyyy, one file per year), Utrecht (Title case
headers, dd/mm/yyyy), Den Haag (ISO date and time, dossier numbers, mixed date
of birth styles) and Eindhoven (semicolon, BOM, a `sep=;` line, hyphenated
headers, Dutch month names). The files go through the real `zichtlijn` console
script of this interpreter's environment step by step, as the README's
"Commands" describe: `pki dev`, a 3-of-5 key ceremony, key packages, `hub init` and
`hub serve`, `node init`, `node import`, `node sync`, `hub status`, `hub clusters`,
`node sightings`, `riec init` and `riec alerts` for five regions. The truth (which
woman each row is, the errors put in it, her relations) never enters the CSV
files; it is read back afterwards through the case_ref-to-sighting map of `node
sightings` and the hub's clusters.

The report: the import notes grouped (row numbers and quoted values masked), the
values the nodes dropped or could not weigh, pairwise precision, recall and F1 of
the hub's persons against the truth with the missed pairs by error label and the
false links by relation of the two women, and whether the RIEC alerts find the
carousel women and the networks. Each run makes a new linkage secret, so the
figures move a little from run to run (F1 by about 0.003) for the same seed; the
generated files are the same, byte for byte.

DIR (default: a temporary directory, removed at the end unless --keep) gets
DIR/data (csv/, truth.csv, women.csv) and DIR/run (PKI, shares, hub, node and
RIEC homes, every command's output); both are emptied first. It needs only the
project's own environment (`make` builds it), and takes about a minute.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from tests.benchmarks.blind_cli.alerts import evaluate_alerts
from tests.benchmarks.blind_cli.evaluate import evaluate
from tests.benchmarks.blind_cli.generator import SEED, generate
from tests.benchmarks.blind_runs import ZICHTLIJN, echo, fresh_dirs, main

ROOT = Path(__file__).resolve().parents[3]
ALERTS = ROOT / "deploy" / "alerts"
GEMEENTEN = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0772"]
REGIONS = ["amsterdam-amstelland", "rotterdam", "midden-nederland", "den-haag", "oost-brabant"]
IMPORTS = [("GM0363", "amsterdam_toezicht_export.csv"), ("GM0599", "rotterdam_2025.csv"),
           ("GM0599", "rotterdam_2026.csv"), ("GM0344", "utrecht_controles.csv"),
           ("GM0518", "denhaag_export.csv"), ("GM0772", "eindhoven_controles.csv")]
SIGNALS_NODE = "GM0363"   # the one node given --signals at init
CUSTODIANS = 5
HUB_START_TIMEOUT_S = 60


def z(run: Path, *args: str, stdout: Path | None = None, stderr: Path | None = None,
      check: bool = True) -> int:
    """Run `zichtlijn ARGS` in RUN, output to the terminal or the files named."""
    command = [str(ZICHTLIJN), *args]
    echo("$ " + " ".join(command))
    sys.stdout.flush()
    with ExitStack() as files:
        out = files.enter_context(stdout.open("wb")) if stdout else None
        err = files.enter_context(stderr.open("wb")) if stderr else None
        code = subprocess.run(command, cwd=run, stdout=out, stderr=err, check=False).returncode
    if check and code != 0:
        raise subprocess.CalledProcessError(code, command)
    return code


def start_hub(run: Path) -> tuple[subprocess.Popen[bytes], int]:
    port_file = run / "hub.port"
    port_file.unlink(missing_ok=True)
    with (run / "hub.log").open("w") as log:
        process = subprocess.Popen(
            [str(ZICHTLIJN), "hub", "serve", "--home", "hub", "--port-file", "hub.port"],
            cwd=run, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + HUB_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                port = int(port_file.read_text())
                (run / "hub.pid").write_text(f"{process.pid}\n")
                echo(f"hub pid {process.pid} port {port}")
                return process, port
            if process.poll() is not None:
                raise RuntimeError(f"the hub exited at start; see {run / 'hub.log'}")
            time.sleep(0.1)
        raise RuntimeError(f"the hub did not write its port in {HUB_START_TIMEOUT_S} s")
    except BaseException:
        stop_hub(process)
        raise


def stop_hub(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    echo(f"hub exit {process.returncode}")


def setup(run: Path) -> None:
    """PKI, key ceremony, key packages, hub home: everything before the hub runs."""
    z(run, "pki", "dev", "--out", "pki",
      *(a for g in GEMEENTEN for a in ("--node", g)),
      *(a for r in REGIONS for a in ("--riec", r)), "--auditor", "ap")
    for i in range(1, CUSTODIANS + 1):
        (run / f"pass{i}.txt").write_text(f"custodian-{i}-passphrase-long\n")
    z(run, "keys", "ceremony", "--custodians", str(CUSTODIANS), "--threshold", "3",
      "--epoch", "1", "--out", "shares",
      *(a for i in range(1, CUSTODIANS + 1) for a in ("--passphrase-file", f"pass{i}.txt")))
    z(run, "keys", "package",
      "--shares", *(f"shares/epoch1-share-{i}-of-5.share" for i in (1, 3, 5)),
      *(a for i in (1, 3, 5) for a in ("--passphrase-file", f"pass{i}.txt")),
      "--ca", "pki/ca.pem", "--epoch", "1",
      *(a for g in GEMEENTEN for a in ("--node", g, "--cert", f"pki/node-{g}.pem")),
      "--out", "packages")
    z(run, "hub", "init", "--home", "hub", "--listen", "127.0.0.1:0", "--ca", "pki/ca.pem",
      "--cert", "pki/hub-hub.pem", "--key", "pki/hub-hub.key", "--alerts", str(ALERTS))


def with_hub(run: Path, data: Path, port: int) -> None:
    """Nodes, imports, syncs and the exports the evaluations read, while the hub runs."""
    hub = f"127.0.0.1:{port}"
    for g in GEMEENTEN:
        extra = ["--signals", str(ALERTS / "signals.toml")] if g == SIGNALS_NODE else []
        z(run, "node", "init", "--home", f"node-{g}", "--gemeente", g, "--hub", hub,
          "--ca", "pki/ca.pem", "--cert", f"pki/node-{g}.pem", "--key", f"pki/node-{g}.key",
          "--key-package", f"packages/{g}-epoch1.keys", "--log-key", "hub/log.vkey", *extra)
    for g, name in IMPORTS:
        code = z(run, "node", "import", "--home", f"node-{g}", str(data / "csv" / name),
                 stdout=run / f"import-{name}.out", stderr=run / f"import-{name}.err",
                 check=False)
        echo(f"rc={code}")
        echo((run / f"import-{name}.out").read_text(encoding="utf-8").rstrip("\n"))
    for g in GEMEENTEN:
        code = z(run, "node", "sync", "--home", f"node-{g}", stdout=run / f"sync-{g}.out",
                 stderr=run / f"sync-{g}.err", check=False)
        echo(f"rc={code}")
        echo((run / f"sync-{g}.out").read_text(encoding="utf-8").rstrip("\n"))
    z(run, "hub", "status", "--home", "hub", check=False)
    z(run, "hub", "clusters", "--home", "hub", "--format", "csv", stdout=run / "clusters.csv")
    for g in GEMEENTEN:
        z(run, "node", "sightings", "--home", f"node-{g}", "--format", "csv",
          stdout=run / f"sightings-{g}.csv")
    for r in REGIONS:
        z(run, "riec", "init", "--home", f"riec-{r}", "--hub", hub, "--ca", "pki/ca.pem",
          "--cert", f"pki/riec-{r}.pem", "--key", f"pki/riec-{r}.key")
        z(run, "riec", "alerts", "--home", f"riec-{r}", "--format", "csv",
          stdout=run / f"alerts-{r}.csv")


def _lines(path: Path) -> list[str]:
    """The lines of a file as sed and grep see them."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.removesuffix("\n").split("\n") if text else []


def _counted(lines: Sequence[str]) -> None:
    """Print as `sort | uniq -c | sort -rn` would."""
    for line, n in sorted(Counter(lines).items(), key=lambda kv: (kv[1], kv[0]), reverse=True):
        print(f"{n:7d} {line}")


def report_import_notes(run: Path) -> None:
    print("== import notes, grouped")
    errs = sorted(run.glob("import-*.err"))
    for path in errs:
        print(f"--- {path.name}")
        _counted([re.sub(r"'[^']*'", "'X'", re.sub(r"^[^:]+: line [0-9]+: ", "", line))
                  for line in _lines(path)])
    print("== values dropped")
    _counted([m for path in errs for line in _lines(path)
              for m in re.findall(r"(?:setting|licensed|signals): '[^']*'", line)])


def blind_run(directory: Path, seed: int) -> None:
    data, run = fresh_dirs(directory)
    echo(f"$ python -m tests.benchmarks.blind_cli.generator {data} --seed {seed}")
    generate(data, seed)
    sys.stdout.flush()
    setup(run)
    hub, port = start_hub(run)
    try:
        with_hub(run, data, port)
    finally:
        stop_hub(hub)
    report_import_notes(run)
    print("== linkage")
    evaluate(data, run)
    print("== alerts")
    evaluate_alerts(data, run)


if __name__ == "__main__":
    sys.exit(main("blind_cli", __doc__, SEED, blind_run))

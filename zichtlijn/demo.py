"""`zichtlijn demo`: a hub and three municipality nodes on loopback, end to end.

Every step runs the real `zichtlijn` command in its own process, exactly as
an operator would: development PKI, linkage key, hub with mTLS, three nodes
importing synthetic carousel data and syncing, then the clusters the hub
found, scored against the generator's truth. Finally the nodes witness the
audit log and an auditor exports it, verifies it offline and cosigns it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from zichtlijn.errors import CliError
from zichtlijn.evaluate import quality
from zichtlijn.synth import generate, write_csvs

GEMEENTEN = {"GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0344": "Utrecht"}
HUB_START_TIMEOUT_S = 30.0


def _zichtlijn(*args: str, env: dict[str, str] | None = None) -> str:
    """Run one zichtlijn command; its stdout, or CliError with its one-line stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "zichtlijn.cli", *args],
        capture_output=True, text=True, env=env, check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip() or "failed").splitlines()
        raise CliError(f"`zichtlijn {' '.join(args[:2])}` failed: {lines[-1]}")
    return result.stdout


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def _start_hub(home: Path) -> tuple[subprocess.Popen, int]:
    port_file = home / "port"
    port_file.unlink(missing_ok=True)
    log = (home / "hub.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "zichtlijn.cli", "-v", "hub", "serve", "--home", str(home),
         "--listen", "127.0.0.1:0", "--port-file", str(port_file)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + HUB_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            return process, int(port_file.read_text())
        if process.poll() is not None:
            raise CliError(f"hub exited at start; see {home / 'hub.log'}")
        time.sleep(0.05)
    process.kill()
    raise CliError("hub did not start in time")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_demo(workdir: Path, persons: int, seed: int) -> float:
    """Run the whole demo in `workdir`; returns its F1 (for tests)."""
    started = time.monotonic()
    if workdir.exists():
        shutil.rmtree(workdir)
    pki, data_dir = workdir / "pki", workdir / "data"
    _step(f"development PKI and linkage key in {workdir}")
    pki_args = ["pki", "dev", "--out", str(pki), "--riec", "amsterdam-amstelland",
                "--auditor", "ap"]
    for code in GEMEENTEN:
        pki_args += ["--node", code]
    _zichtlijn(*pki_args)
    secret = workdir / "keys" / "linkage-epoch1.key"
    _zichtlijn("keys", "new", "--out", str(secret))

    _step(f"synthetic carousel: {persons} persons over {', '.join(GEMEENTEN.values())}")
    data = generate(persons, list(GEMEENTEN), seed, start=dt.date.today() - dt.timedelta(days=400))
    files = write_csvs(data, data_dir)

    hub_home = workdir / "hub"
    _zichtlijn("hub", "init", "--home", str(hub_home), "--listen", "127.0.0.1:0",
               "--ca", str(pki / "ca.pem"), "--cert", str(pki / "hub-hub.pem"),
               "--key", str(pki / "hub-hub.key"))
    log_key = hub_home / "log.vkey"
    hub, port = _start_hub(hub_home)
    try:
        _step(f"hub serving on 127.0.0.1:{port} (mTLS)")
        uuid_to_case: dict[str, tuple[str, str]] = {}
        witness_vkeys = []
        for code, town in GEMEENTEN.items():
            home = workdir / f"node-{code}"
            initialised = _zichtlijn("node", "init", "--home", str(home), "--gemeente", code,
                       "--hub", f"127.0.0.1:{port}", "--ca", str(pki / "ca.pem"),
                       "--cert", str(pki / f"node-{code}.pem"),
                       "--key", str(pki / f"node-{code}.key"), "--secret", str(secret),
                       "--log-key", str(log_key))
            witness_vkeys += [line.split()[-1] for line in initialised.splitlines()
                              if line.startswith("witness key ")]
            imported = _zichtlijn("node", "import", "--home", str(home), str(files[code]))
            synced = _zichtlijn("node", "sync", "--home", str(home))
            _step(f"node {code} {town}: {imported.strip()}; {synced.strip()}")
            listing = _zichtlijn("node", "sightings", "--home", str(home), "--format", "csv")
            for row in csv.DictReader(io.StringIO(listing)):
                uuid_to_case[row["sighting_uuid"]] = (code, row["case_ref"])

        _step("persons seen in more than one municipality (hub operator view)")
        table = _zichtlijn("hub", "clusters", "--home", str(hub_home), "--min-sightings", "3")
        lines = table.strip().splitlines()
        print("\n".join(lines[:15] + (["   ..."] if len(lines) > 16 else []) + lines[-1:]))
        clusters_csv = _zichtlijn("hub", "clusters", "--home", str(hub_home), "--format", "csv")
        _audit(workdir, pki, port, log_key, witness_vkeys)
    finally:
        _stop(hub)

    found = {uuid_to_case[r["sighting_uuid"]]: r["person_id"]
             for r in csv.DictReader(io.StringIO(clusters_csv))}
    score = quality(found, data.truth)
    _step(f"linkage quality against the generator's truth ({len(found)} sightings)")
    print(f"    {score.line()}")
    print(f"    true same-person pairs {score.true_pairs}, found {score.found_pairs}, "
          f"correct {score.correct_pairs}")
    _step(f"demo finished in {time.monotonic() - started:.1f}s; every process stopped")
    return score.f1


def _audit(workdir: Path, pki: Path, port: int, log_key: Path, vkeys: list[str]) -> None:
    """Nodes witness the log; the auditor exports, verifies offline and cosigns it."""
    _step("audit log: every node checks the hub's latest tree head and cosigns it")
    for code in GEMEENTEN:
        _zichtlijn("node", "witness", "--home", str(workdir / f"node-{code}"))
    # in a deployment each gemeente hands its witness key (`node witness-key`) to the auditor
    witness_keys = workdir / "witnesses.vkeys"
    witness_keys.write_text("\n".join(vkeys) + "\n", "utf-8")
    export = workdir / "audit-export.db"
    auditor = ["--hub", f"127.0.0.1:{port}", "--ca", str(pki / "ca.pem"),
               "--cert", str(pki / "auditor-ap.pem"), "--key", str(pki / "auditor-ap.key")]
    exported = _zichtlijn("audit", "export", "--out", str(export), *auditor)
    _step(f"auditor ap exported over gRPC: {exported.strip()}")
    _step(f"zichtlijn audit verify {export.name} (offline; hub log key, CA and the three "
          "witness keys obtained out of band; quorum 2)")
    print(_zichtlijn("audit", "verify", str(export), "--log-key", str(log_key),
                     "--ca", str(pki / "ca.pem"), "--witness-key", str(witness_keys),
                     "--quorum", "2"), end="")
    cosigned = _zichtlijn("audit", "cosign", str(export), "--state", str(workdir / "auditor"),
                          "--log-key", str(log_key), *auditor)
    _step(f"auditor: {cosigned.strip()}")


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    run_demo(Path(args.dir).resolve(), args.persons, args.seed)
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    demo = groups.add_parser("demo", help="run hub + three nodes on loopback, end to end")
    demo.add_argument("--dir", default="demo-run", help="work directory (recreated)")
    demo.add_argument("--persons", type=int, default=400, help="synthetic persons")
    demo.add_argument("--seed", type=int, default=7, help="generator seed")
    demo.set_defaults(run=cmd_demo)

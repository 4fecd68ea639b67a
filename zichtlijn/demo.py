"""`zichtlijn demo`: a hub and three municipality nodes on loopback, end to end.

Every step runs the real `zichtlijn` command in its own process, exactly as
an operator would: development PKI, a 3-of-5 key ceremony and key packages
for the nodes, hub with mTLS, three nodes importing synthetic carousel data
and syncing, then the clusters the hub found, scored against the generator's
truth, and the match alerts each RIEC region receives (and what one
municipality sees of them). The custodians' passphrases come from files here,
for the demo only: real custodians type theirs (README, "Key management").
Finally the nodes witness the audit log and an auditor exports it, verifies
it offline and cosigns it.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import io
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from node.csv_file import ENCODINGS, GEMEENTE_COLUMN, CsvFileError, decode_csv, read_rows
from node.importer import ROW_REFUSED, gemeente_code
from zichtlijn import demo_alerts
from zichtlijn.dates import DEFAULT_RETENTION_MONTHS, RETENTION_MONTHS
from zichtlijn.demo_lookup import show_lookup
from zichtlijn.demo_workdir import claim_workdir
from zichtlijn.errors import CliError
from zichtlijn.evaluate import quality
from zichtlijn.private_file import write_private
from zichtlijn.signal_catalogue import load_signals
from zichtlijn.synth import LISTED_ERRORS_ONLY, generate, write_csvs

GEMEENTEN = {"GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0344": "Utrecht"}
CUSTODIANS, THRESHOLD, EPOCH = 5, 3, 1
PRESENT = (1, 3, 5)  # the custodians who come to make the key packages
REGIONS = ("amsterdam-amstelland", "rotterdam", "midden-nederland")  # of the three above
EXAMPLE_ALERTS = Path(__file__).resolve().parents[1] / "deploy" / "alerts"
HUB_START_TIMEOUT_S = 30.0
# Given files are linked whatever their age: a deployment purges a control 18 months
# after it (README "Retention"), which would refuse an older file's rows at import.
CSV_RETENTION_MONTHS = RETENTION_MONTHS.stop - 1  # the most [retention] months allows
#: the demo's --encoding that decides per file (the node import itself is always told)
AUTO = "auto"
#: refusals shown per file; the rest are counted (the import shows them all)
REFUSALS_SHOWN = 10


def _run(*args: str, env: dict[str, str] | None = None,
         stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zichtlijn.cli", *args],
        capture_output=True, text=True, env=env, check=False, input=stdin,
    )


def _failed(args: tuple[str, ...], result: subprocess.CompletedProcess[str]) -> CliError:
    lines = (result.stderr.strip() or result.stdout.strip() or "failed").splitlines()
    reason = lines[-1].removeprefix("zichtlijn: ")  # the outer error says it once
    return CliError(f"`zichtlijn {' '.join(args[:2])}` failed: {reason}")


def _zichtlijn(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> str:
    """Run one zichtlijn command; its stdout, or CliError with its one-line stderr.

    `stdin`: what an inspection app would send (the demo's lookup).
    """
    result = _run(*args, env=env, stdin=stdin)
    if result.returncode != 0:
        raise _failed(args, result)
    return result.stdout


def file_encoding(path: Path, encoding: str) -> str:
    """What `node import` is told `path` is written in: `encoding`, or for AUTO UTF-8
    when the file's bytes are UTF-8 (a byte-order mark too) and windows-1252 otherwise.

    Only the demo decides so: it links files of any origin in one run, where a
    deployment's operator knows the export (README "CSV import": never guessed).
    """
    if encoding != AUTO:
        return encoding
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-8"  # UTF-16 says so in its first bytes; the import reads it so anyway
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        decode_csv(data, "windows-1252")
    except CsvFileError:  # it holds UTF-8 letters: UTF-8 with a broken byte, which the
        return "utf-8"   # import refuses by its row and says why, not the whole file
    return "windows-1252"


@dataclass
class Imported:
    """What `node import` said of one file: its counts line, the rows it refused, and
    its notes and advice (the import groups notes of one kind itself)."""

    name: str  # the file's name, which begins each line the import says of it
    summary: str
    refused: list[str]
    said: list[str]
    refused_whole: str | None = None  # why the import refused the whole file

    def lines(self) -> list[str]:
        """The refusals up to REFUSALS_SHOWN, then every note and advice line."""
        shown = self.refused[:REFUSALS_SHOWN]
        more = len(self.refused) - len(shown)
        if more:
            shown.append(f"{self.name}: ... and {more} more refused (run `zichtlijn node "
                         "import` on the file to see all)")
        return [*shown, *self.said]


def _import(home: Path, path: Path, encoding: str, decided: bool) -> Imported:
    """Import one file at a node: a file with refused rows (exit status 1) still stored
    its good ones, and a file refused whole (an unknown column, not a CSV file) stored
    nothing; either way the demo goes on with the other files and says so at its end.
    Anything else stops it. `decided`: the demo chose the encoding (AUTO), so it says so
    when not UTF-8."""
    args = ("node", "import", "--home", str(home), str(path), "--encoding", encoding)
    result = _run(*args)
    if result.returncode == 1 and not result.stdout.strip() and result.stderr.strip():
        reason = result.stderr.strip().splitlines()[-1].removeprefix("zichtlijn: ")
        return Imported(path.name, f"{path.name}: refused whole", [], [reason], reason)
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise _failed(args, result)
    said = result.stderr.strip().splitlines()
    summary = result.stdout.strip().splitlines()[-1]
    if decided and encoding == "windows-1252":
        counts = summary.removeprefix(f"{path.name}: ")
        summary = f"{path.name} (read as windows-1252: its bytes are not UTF-8): {counts}"
    return Imported(path.name, summary,
                    [line for line in said if line.endswith(ROW_REFUSED)],
                    [line for line in said if not line.endswith(ROW_REFUSED)])


def _csv_alerts(directory: Path, inputs: dict[str, list[Path]],
                signals: Path | None) -> Path:
    """The alert configuration for given files, written into `directory`. The shipped
    signal catalogue, or the user's (`--signals`), never the files' words: one may be a
    name."""
    demo_alerts.write_config(directory, EXAMPLE_ALERTS, inputs, signals)
    catalogue = f"the signal catalogue {signals}" if signals else "the shipped signal catalogue"
    _step(f"match alerts: the example rules over one region ({demo_alerts.REGION}) holding "
          f"every given gemeente, with {catalogue} (the nodes leave out, counted, any other "
          "word of the signals column)")
    return directory


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


def _key_ceremony(keys: Path, pki: Path, gemeenten: list[str]) -> dict[str, Path]:
    """A 3-of-5 ceremony, then three custodians make one key package per node."""
    phrases = keys / "demo-passphrases"
    phrases.mkdir(parents=True, mode=0o700)
    files = []
    for i in range(1, CUSTODIANS + 1):
        path = phrases / f"custodian-{i}.txt"
        # owner-only, as a passphrase file must be (keys_cli warns otherwise)
        write_private(path, f"demo only, custodian {i}: {secrets.token_urlsafe(12)}\n".encode())
        files.append(path)
    ceremony = ["keys", "ceremony", "--custodians", str(CUSTODIANS),
                "--threshold", str(THRESHOLD), "--epoch", str(EPOCH),
                "--out", str(keys / "shares")]
    for path in files:
        ceremony += ["--passphrase-file", str(path)]
    first = _zichtlijn(*ceremony).splitlines()[0]
    _step(f"key ceremony: {first}")
    package = ["keys", "package", "--ca", str(pki / "ca.pem"), "--epoch", str(EPOCH),
               "--out", str(keys / "packages"), "--shares"]
    package += [str(keys / "shares" / f"epoch{EPOCH}-share-{i}-of-{CUSTODIANS}.share")
                for i in PRESENT]
    for i in PRESENT:
        package += ["--passphrase-file", str(files[i - 1])]
    for code in gemeenten:
        package += ["--node", code, "--cert", str(pki / f"node-{code}.pem")]
    _zichtlijn(*package)
    _step(f"custodians {', '.join(map(str, PRESENT))} of {CUSTODIANS} made key packages "
          f"for {', '.join(gemeenten)} (purpose keys only, sealed to each node's certificate)")
    return {code: keys / "packages" / f"{code}-epoch{EPOCH}.keys" for code in gemeenten}


def _show_alerts(workdir: Path, pki: Path, port: int, regions: tuple[str, ...]) -> None:
    _step("match alerts per RIEC region (`zichtlijn riec alerts`, each with its own certificate)")
    for region in regions:
        home = workdir / f"riec-{region}"
        _zichtlijn("riec", "init", "--home", str(home), "--hub", f"127.0.0.1:{port}",
                   "--ca", str(pki / "ca.pem"), "--cert", str(pki / f"riec-{region}.pem"),
                   "--key", str(pki / f"riec-{region}.key"))
        listing = _zichtlijn("riec", "alerts", "--home", str(home), "--format", "csv")
        print(f"    {region}:")
        print("\n".join("      " + line for line in summarise_alerts(listing)))
        strongest = strongest_alert(listing)
        if region == regions[0] and strongest is not None:
            # the consultation takes it up: a decision the RIEC signs, which the audit shows
            _zichtlijn("riec", "ack", strongest, "--home", str(home))
            print(f"      acknowledged {strongest} (`zichtlijn riec ack`, signed with the "
                  f"certificate key of riec:{region})")


def strongest_alert(listing_csv: str) -> str | None:
    """The alert of highest score in `riec alerts --format csv` (None for no alert)."""
    rows = list(csv.DictReader(io.StringIO(listing_csv)))
    if not rows:
        return None
    return min(rows, key=lambda row: (-float(row["score"]), row["alert_id"]))["alert_id"]


def summarise_alerts(listing_csv: str, top: int = 2) -> list[str]:
    """Counts per rule and the strongest alerts of each rule, from `riec alerts --format csv`."""
    alerts: dict[str, dict] = {}
    for row in csv.DictReader(io.StringIO(listing_csv)):
        alert = alerts.setdefault(row["alert_id"], {**row, "towns": set(), "sightings": 0})
        alert["towns"].add(row["gemeente"])
        alert["sightings"] += 1
    by_rule: dict[str, list[dict]] = {}
    for alert in alerts.values():
        by_rule.setdefault(alert["rule"], []).append(alert)
    lines = [f"{len(alerts)} alerts: " + ", ".join(
        f"{len(found)} {rule}" for rule, found in sorted(by_rule.items()))]
    for rule, found in sorted(by_rule.items()):
        found.sort(key=lambda a: (-float(a["score"]), a["alert_id"]))
        for a in found[:top]:
            lines.append(f"{a['alert_id']}  {rule:<12}  score {float(a['score']):>4g}  "
                         f"{a['sightings']} sightings in {', '.join(sorted(a['towns']))}")
    return lines


def _show_node_alerts(workdir: Path, code: str) -> None:
    _step(f"what node {code} sees: its own sightings in alerts, case_ref resolved locally")
    lines = _zichtlijn("node", "alerts", "--home", str(workdir / f"node-{code}")).splitlines()
    print("\n".join("    " + line for line in [*lines[:7], "...", *lines[-1:]]))


def run_demo(workdir: Path, persons: int, seed: int, full_mix: bool = False,
             inputs: dict[str, list[Path]] | None = None, clusters_out: Path | None = None,
             encoding: str = AUTO, signals: Path | None = None) -> float:
    """Run the whole demo in `workdir`; returns its F1 (for tests; 0 for `inputs`).

    With `inputs` (gemeente -> CSV files) the nodes import those files instead of
    synthetic data, the alert rules are the example's over one region of all given
    gemeenten (zichtlijn/demo_alerts.py), and there is no truth to score against.
    `encoding`: what the files are written in, AUTO deciding per file (file_encoding).
    `signals`: with `inputs`, a signal catalogue of the user's own for hub and nodes.
    """
    gemeenten = {code: code for code in inputs} if inputs else GEMEENTEN
    started = time.monotonic()
    if not EXAMPLE_ALERTS.is_dir():
        raise CliError(f"{EXAMPLE_ALERTS}: example alert configuration not found "
                       "(run the demo from a source checkout)")
    others = [(flag, path) for flag, path in (("--signals", signals),
                                              ("--clusters-out", clusters_out)) if path]
    workdir = claim_workdir(workdir, [path for paths in (inputs or {}).values()
                                      for path in paths], others)
    pki, data_dir = workdir / "pki", workdir / "data"
    alerts_dir, regions = EXAMPLE_ALERTS, REGIONS
    encodings: dict[Path, str] = {}
    if inputs:
        encodings = {path: file_encoding(path, encoding)
                     for paths in inputs.values() for path in paths}
        alerts_dir = _csv_alerts(workdir / "alerts", inputs, signals)
        regions = (demo_alerts.REGION,)
    _step(f"development PKI in {workdir}")
    pki_args = ["pki", "dev", "--out", str(pki), "--auditor", "ap"]
    for region in regions:
        pki_args += ["--riec", region]
    for code in gemeenten:
        pki_args += ["--node", code]
    _zichtlijn(*pki_args)
    packages = _key_ceremony(workdir / "keys", pki, list(gemeenten))

    data = None
    if inputs:
        files = inputs
    else:
        mix = "full realistic mix" if full_mix else "the recording errors of DESIGN §6"
        _step(f"synthetic carousel: {persons} persons over "
              f"{', '.join(GEMEENTEN.values())} ({mix})")
        data = generate(persons, list(GEMEENTEN), seed,
                        start=dt.date.today() - dt.timedelta(days=400),
                        person_rates=None if full_mix else LISTED_ERRORS_ONLY)
        files = {code: [path] for code, path in write_csvs(data, data_dir).items()}
        encodings = {path: "utf-8" for paths in files.values() for path in paths}
    alerts = ["--alerts", str(alerts_dir)]
    signals = ["--signals", str(alerts_dir / "signals.toml")]
    retention = ["--retention-months", str(CSV_RETENTION_MONTHS)] if inputs else []

    hub_home = workdir / "hub"
    _zichtlijn("hub", "init", "--home", str(hub_home), "--listen", "127.0.0.1:0",
               "--ca", str(pki / "ca.pem"), "--cert", str(pki / "hub-hub.pem"),
               "--key", str(pki / "hub-hub.key"), *alerts, *retention)
    log_key = hub_home / "log.vkey"
    if inputs:
        _step(f"retention {CSV_RETENTION_MONTHS} months at hub and nodes, so that the files' "
              f"older controls are linked too (a deployment keeps {DEFAULT_RETENTION_MONTHS})")
    hub, port = _start_hub(hub_home)
    try:
        _step(f"hub serving on 127.0.0.1:{port} (mTLS)")
        uuid_to_case: dict[str, tuple[str, str]] = {}
        refused: list[tuple[str, int, str]] = []  # file, rows refused, gemeente
        refused_whole: list[str] = []  # file (gemeente): why
        witness_vkeys = []
        for code, town in gemeenten.items():
            home = workdir / f"node-{code}"
            initialised = _zichtlijn("node", "init", "--home", str(home), "--gemeente", code,
                       "--hub", f"127.0.0.1:{port}", "--ca", str(pki / "ca.pem"),
                       "--cert", str(pki / f"node-{code}.pem"),
                       "--key", str(pki / f"node-{code}.key"),
                       "--key-package", str(packages[code]), *signals, *retention,
                       "--log-key", str(log_key))
            witness_vkeys += [line.split()[-1] for line in initialised.splitlines()
                              if line.startswith("witness key ")]
            imports = [_import(home, path, encodings[path], encoding == AUTO)
                       for path in files[code]]
            synced = _zichtlijn("node", "sync", "--home", str(home))
            _step(f"node {code} {town}: {'; '.join(i.summary for i in imports)}; "
                  f"{synced.strip()}")
            for done in imports:
                for line in done.lines():
                    print(f"    {line}", flush=True)
                if done.refused:
                    refused.append((done.name, len(done.refused), code))
                if done.refused_whole:
                    refused_whole.append(f"{done.name} ({code}): {done.refused_whole}")
            listing = _zichtlijn("node", "sightings", "--home", str(home), "--format", "csv")
            for row in csv.DictReader(io.StringIO(listing)):
                uuid_to_case[row["sighting_uuid"]] = (code, row["case_ref"])

        _step("persons seen at least three times (hub operator view)")
        table = _zichtlijn("hub", "clusters", "--home", str(hub_home), "--min-sightings", "3")
        lines = table.strip().splitlines()
        print("\n".join(lines if len(lines) <= 16 else [*lines[:15], "   ...", lines[-1]]))
        clusters_csv = _zichtlijn("hub", "clusters", "--home", str(hub_home), "--format", "csv")
        if clusters_out:
            clusters_out.write_text(clusters_csv, "utf-8")
            _step(f"clusters written to {clusters_out} (person_id,gemeente,sighting_uuid,"
                  "observed_on); each node resolves its own UUIDs with `node sightings`")
        f1 = 0.0
        if data is not None:
            found = {uuid_to_case[r["sighting_uuid"]]: r["person_id"]
                     for r in csv.DictReader(io.StringIO(clusters_csv))}
            score = quality(found, data.truth)
            f1 = score.f1
            _step(f"linkage quality against the generator's truth ({len(found)} sightings)")
            print(f"    {score.line()}")
            print(f"    true same-person pairs {score.true_pairs}, found {score.found_pairs}, "
                  f"correct {score.correct_pairs}")
            show_lookup(data, str(workdir / "node-GM0344"), GEMEENTEN["GM0344"], _zichtlijn,
                        _step)
            _show_node_alerts(workdir, "GM0363")
        _show_alerts(workdir, pki, port, regions)
        _audit(workdir, pki, port, log_key, witness_vkeys, list(gemeenten))
    finally:
        _stop(hub)
    _step(f"demo finished in {time.monotonic() - started:.1f}s; every process stopped")
    if refused:  # last, where it is seen: the run linked the rest and exits 0
        _step(f"{sum(n for _, n, _ in refused)} row(s) refused at import are not in the "
              f"clusters: {', '.join(f'{name} {n} ({code})' for name, n, code in refused)}; "
              "each file's refusals are shown above")
    if refused_whole:  # bad input: the rest is linked and written, and the exit status says so
        raise CliError(f"{len(refused_whole)} file(s) refused whole, not in the clusters "
                       f"(the other files are): {'; '.join(refused_whole)}")
    return f1


def _audit(workdir: Path, pki: Path, port: int, log_key: Path, vkeys: list[str],
           gemeenten: list[str]) -> None:
    """Nodes witness the log; the auditor exports, verifies offline and cosigns it."""
    _step("audit log: every node checks the hub's latest tree head and cosigns it")
    for code in gemeenten:
        _zichtlijn("node", "witness", "--home", str(workdir / f"node-{code}"))
    # in a deployment each gemeente hands its witness key (`node witness-key`) to the auditor
    witness_keys = workdir / "witnesses.vkeys"
    witness_keys.write_text("\n".join(vkeys) + "\n", "utf-8")
    export = workdir / "audit-export.db"
    auditor = ["--hub", f"127.0.0.1:{port}", "--ca", str(pki / "ca.pem"),
               "--cert", str(pki / "auditor-ap.pem"), "--key", str(pki / "auditor-ap.key")]
    exported = _zichtlijn("audit", "export", "--out", str(export), *auditor)
    _step(f"auditor ap exported over gRPC: {exported.strip()}")
    quorum = min(2, len(vkeys))  # one given file: its node is the only witness
    _step(f"zichtlijn audit verify {export.name} (offline; hub log key, CA and the "
          f"{len(vkeys)} witness key(s) obtained out of band; quorum {quorum})")
    print(_zichtlijn("audit", "verify", str(export), "--log-key", str(log_key),
                     "--ca", str(pki / "ca.pem"), "--witness-key", str(witness_keys),
                     "--quorum", str(quorum)), end="")
    cosigned = _zichtlijn("audit", "cosign", str(export), "--state", str(workdir / "auditor"),
                          "--log-key", str(log_key), *auditor)
    _step(f"auditor: {cosigned.strip()}")


def _gemeenten_in(path: Path, encoding: str) -> list[str]:
    """The municipalities a file's `gemeente` column names (that column alone is read)."""
    try:
        codes = {gemeente_code(row.get(GEMEENTE_COLUMN, ""))
                 for _, row in read_rows(decode_csv(path.read_bytes(), encoding))}
    except CsvFileError as error:
        raise CliError(f"--csv {path}: {error}") from None
    codes.discard(None)
    if not codes:
        raise CliError(f"--csv {path}: no gemeente column naming CBS codes (GMxxxx); "
                       "write GMxxxx=FILE to say whose file it is")
    return sorted(codes)


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    inputs: dict[str, list[Path]] = {}
    for item in args.csv:
        code, sep, path = item.partition("=")
        if not sep:  # one export of several municipalities: each node takes its rows
            if not Path(item).is_file():
                raise CliError(f"--csv {item!r}: not a file (or write GMxxxx=FILE)")
            for named in _gemeenten_in(Path(item), file_encoding(Path(item), args.encoding)):
                inputs.setdefault(named, []).append(Path(item).resolve())
            continue
        named = gemeente_code(code)  # gm0363 and 0363 are GM0363, as in a gemeente column
        if named is None:
            raise CliError(f"--csv {item!r}: expected GMxxxx=FILE")
        if not Path(path).is_file():
            raise CliError(f"--csv {item!r}: {path} is not a file")
        inputs.setdefault(named, []).append(Path(path).resolve())  # several files: each
    out = Path(args.clusters_out).resolve() if args.clusters_out else None
    signals = None
    if args.signals:
        if not inputs:
            raise CliError("--signals goes with --csv: the synthetic demo uses the example's "
                           "catalogue")
        signals = Path(args.signals).resolve()
        load_signals(signals)  # a bad catalogue is refused now, not by the hub mid-demo
    run_demo(Path(args.dir), args.persons, args.seed, args.full_mix, inputs or None,
             out, args.encoding, signals)
    return 0


def register(groups: argparse._SubParsersAction) -> None:
    demo = groups.add_parser(
        "demo", help="run hub + three nodes on loopback, end to end",
        description="Run a hub and municipality nodes on loopback with mTLS, end to end: "
                    "a key ceremony, import, sync, linkage, alerts and an offline audit. "
                    "With --csv, your files instead of synthetic data: rows the import "
                    "refuses are shown and left out (exit status 0); a file refused whole "
                    "(an unknown column) is skipped and named at the end (exit status 1); "
                    "the rest is linked and --clusters-out written either way.")
    demo.add_argument("--dir", default="demo-run",
                      help="work directory: a new or empty one, or one an earlier demo made "
                           "(replaced); any other is refused")
    demo.add_argument("--persons", type=int, default=400, help="synthetic persons")
    demo.add_argument("--seed", type=int, default=7, help="generator seed")
    demo.add_argument("--csv", action="append", default=[], metavar="GMxxxx=FILE",
                      help="link these CSV files (DESIGN §10) instead of synthetic data; "
                           "repeat per gemeente, or per file of one gemeente; a FILE alone "
                           "when a gemeente column names each row's municipality")
    demo.add_argument("--encoding", choices=(AUTO, *ENCODINGS), default=AUTO,
                      help="what the --csv files are written in (as `node import`); "
                           "auto (default): each file UTF-8 when its bytes are, else "
                           "windows-1252")
    demo.add_argument("--signals", metavar="FILE",
                      help="with --csv: your signal catalogue (the format of the hub's "
                           "signals.toml) instead of the shipped one; the nodes send only the "
                           "codes it lists")
    demo.add_argument("--clusters-out", metavar="FILE",
                      help="also write `hub clusters --format csv` to FILE")
    demo.add_argument("--full-mix", action="store_true",
                      help="also working names and second dates of birth (harder than §6)")
    demo.set_defaults(run=cmd_demo)

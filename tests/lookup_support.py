"""Shared set-up for the lookup, withdrawal, correction and retention tests.

Elena is seen four times in three municipalities: under her maiden name
without a document (GM0363, twice), under her maiden name with her passport
(GM0599), and under her married name with the same passport (GM0344). The
GM0599 sighting is what ties the two names into one person: the maiden and
married sightings alone score below the link threshold.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.config import HubConfig
from hub.server import RunningHub, start_hub
from hub.settings import HubSettings, settings_toml
from tests.conftest import ALERTS_DIR, make_node
from zichtlijn import cli

# relative to today: the node refuses sightings past the retention period (18 months)
DAY0 = dt.date.today() - dt.timedelta(days=300)


def day(offset: int) -> str:
    return (DAY0 + dt.timedelta(days=offset)).isoformat()


HEADER = ["case_ref", "observed_on", "given_names", "surname", "date_of_birth", "sex",
          "document_number", "licensed", "signals"]
ELENA = {"given_names": "Iulia", "surname": "Țurcanu", "date_of_birth": "14-03-1998",
         "sex": "v"}
ROWS = {
    "GM0363": [
        ["AMS-1", day(0), "Iulia", "Țurcanu", "14-03-1998", "v", "", "nee",
         "unlicensed;not_from_nl"],
        ["AMS-2", day(33), "Iulia", "Turcanu", "14-03-1998", "v", "", "nee", ""],
        ["AMS-3", day(33), "Blessing", "Osagie", "02-07-1995", "v", "", "ja", ""],
    ],
    "GM0599": [
        ["RTM-7", day(83), "Iulia", "Turcanu", "14-03-1998", "v", "AB1234567", "nee",
         "controller_present"],
        ["RTM-8", day(83), "Zsófia", "Kovács", "30-11-1990", "v", "", "ja", ""],
    ],
    "GM0344": [
        ["UTR-3", day(191), "Iulia", "Rusu", "14-03-1998", "v", "AB1234567", "ja",
         "no_id_access"],
        ["UTR-4", day(192), "Maria", "de Vries", "01-01-1985", "v", "", "ja", ""],
    ],
}
ELENA_CASES = {"AMS-1", "AMS-2", "RTM-7", "UTR-3"}


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@contextmanager
def running_hub(tmp_path: Path, pki, settings: HubSettings | None = None,
                name: str = "hub", alerts: bool = False) -> Iterator[RunningHub]:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    config = HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=8,
                       alerts=ALERTS_DIR if alerts else None)
    # a real hub.toml, so `zichtlijn hub ...` commands work on this home too
    (home / "hub.toml").write_text(config.to_toml() + settings_toml(settings), "utf-8")
    hub = start_hub(config)
    try:
        yield hub
    finally:
        hub.stop(grace=0)


def node(tmp_path: Path, pki, secret_file: Path, gemeente: str, hub: RunningHub) -> Path:
    return make_node(tmp_path, pki, secret_file, gemeente, hub.port).home


def run(*args: str) -> int:
    return cli.main([str(a) for a in args])


def import_and_sync(tmp_path: Path, home: Path, rows: list[list[str]]) -> None:
    path = tmp_path / f"{home.name}.csv"
    path.write_bytes(csv_bytes(rows))
    assert run("node", "import", "--home", home, path) == 0
    assert run("node", "sync", "--home", home) == 0


def three_towns(tmp_path: Path, pki, secret_file: Path, hub: RunningHub) -> dict[str, Path]:
    homes = {}
    for gemeente, rows in ROWS.items():
        homes[gemeente] = node(tmp_path, pki, secret_file, gemeente, hub)
        import_and_sync(tmp_path, homes[gemeente], rows)
    return homes


def write_json(tmp_path: Path, values: dict, name: str = "probe.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(values), "utf-8")
    return path


def audit_entries(hub: RunningHub) -> list[dict]:
    with hub.store.lock:
        rows = hub.store.db.execute("SELECT entry FROM audit_entries ORDER BY idx").fetchall()
    return [json.loads(bytes(r[0])) for r in rows]


def actions(hub: RunningHub, action: str) -> list[dict]:
    return [e for e in audit_entries(hub) if e["action"] == action]


def persons_of(hub: RunningHub) -> dict[str, str]:
    """sighting_uuid -> person_id."""
    return {u: p for p, _, u, _ in hub.store.clusters()}


def uuids_by_case(home: Path) -> dict[str, str]:
    from node.store import NodeStore

    store = NodeStore(home / "node.db")
    try:
        return {case: uuid for case, uuid, _, _ in store.listing()}
    finally:
        store.close()


@contextmanager
def relink_in_progress(linker) -> Iterator[None]:
    """A relink of `linker` holding it for the `with` block, as one at national scale
    holds it for minutes; it completes when the block ends."""
    entered, release = threading.Event(), threading.Event()
    relink = linker._relink

    def held_relink(*args, **kwargs):
        entered.set()
        release.wait(30)
        return relink(*args, **kwargs)

    linker._relink = held_relink
    relinking = threading.Thread(target=linker.relink_all)
    relinking.start()
    try:
        assert entered.wait(10)
        yield
    finally:
        release.set()
        relinking.join(30)
        del linker._relink  # the class's own again


def audit_hub(hub_home: Path, ca: Path, capsys, *extra: object) -> tuple[int, str]:
    """Export the hub's log from its home and verify it offline, as an auditor would:
    the exit code of `audit verify` and what it printed."""
    export = hub_home.parent / "audit.db"
    export.unlink(missing_ok=True)
    assert run("audit", "export", "--home", hub_home, "--out", export) == 0
    capsys.readouterr()
    code = run("audit", "verify", export, "--log-key", hub_home / "log.vkey", "--ca", ca,
               *extra)
    return code, capsys.readouterr().out

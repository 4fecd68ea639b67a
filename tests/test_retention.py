"""Retention: sightings go at hub and node once the period has passed, persons follow, logged."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest

from hub.linker import Linker
from hub.retention import RetentionJob, purge
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from node import retention as node_retention
from node.csv_import import parse_row
from node.importer import encode_sighting
from node.store import NodeStore
from tests.lookup_support import (
    actions,
    csv_bytes,
    import_and_sync,
    node,
    run,
    running_hub,
)
from zichtlijn import wire
from zichtlijn.dates import months_before

TODAY = dt.date(2026, 11, 23)
ENCODER = Encoder(default_schema(), derive_purpose_keys(b"\x08" * 32, 1))


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(dt.date(2026, 11, 23), 18) == dt.date(2025, 5, 23)
    assert months_before(dt.date(2026, 8, 31), 18) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2025, 8, 31), 18) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def sighting(observed_on: dt.date, given: str = "Iulia", surname: str = "Turcanu",
             born: str = "14-03-1998", phone: str = ""):
    row = {"case_ref": "X", "observed_on": observed_on.isoformat(), "given_names": given,
           "surname": surname, "date_of_birth": born, "phone": phone}
    message = encode_sighting(parse_row(2, row, observed_on), ENCODER)
    message.sighting_uuid = str(uuid.uuid4())
    return message


@pytest.fixture()
def hub_store(tmp_path):
    store = HubStore(tmp_path / "hub.db")
    yield store, Linker(store, default_schema(), MatchPolicy())
    store.close()


def held(store: HubStore) -> dict[str, str]:
    with store.lock:
        return dict(store.db.execute("SELECT sighting_uuid, observed_on FROM sightings"))


def test_hub_purge_at_the_boundary(hub_store):
    """Seen on D: kept the day before D + 18 months, purged on that day; D + 1 a day later."""
    store, linker = hub_store
    seen_on = dt.date(2025, 5, 23)
    first, second = sighting(seen_on), sighting(seen_on + dt.timedelta(days=1))
    store.store_batch("GM0363", wire.batch_digest([first, second]), [first, second])
    linker.link_pending()
    assert len({p for p, *_ in store.clusters()}) == 1

    day_before = dt.date(2026, 11, 22)
    assert purge(store, linker, day_before, 18).sightings == 0
    assert set(held(store)) == {first.sighting_uuid, second.sighting_uuid}

    day_of = dt.date(2026, 11, 23)
    outcome = purge(store, linker, day_of, 18)
    assert (outcome.cutoff, outcome.sightings) == (seen_on, 1)
    assert set(held(store)) == {second.sighting_uuid}

    day_after = dt.date(2026, 11, 24)
    assert purge(store, linker, day_after, 18).sightings == 1
    assert held(store) == {}
    log = actions_of(store, "retention_purge")
    assert [(e["cutoff"], e["sightings"], e["gemeenten"]) for e in log] == [
        ("2025-05-22", 0, {}), ("2025-05-23", 1, {"GM0363": 1}), ("2025-05-24", 1, {"GM0363": 1})]


def actions_of(store: HubStore, action: str) -> list[dict]:
    import json

    with store.lock:
        rows = store.db.execute("SELECT entry FROM audit_entries ORDER BY idx").fetchall()
    return [e for e in (json.loads(bytes(r[0])) for r in rows) if e["action"] == action]


def test_purge_reclusters_so_nothing_refers_to_a_purged_sighting(hub_store):
    store, linker = hub_store
    old = sighting(dt.date(2025, 1, 10), phone="+31612345678")
    newer = [sighting(dt.date(2025, 9, 1)), sighting(dt.date(2026, 2, 1), given="Yulia")]
    other = sighting(dt.date(2025, 1, 11), given="Blessing", surname="Osagie", born="1995-07-02")
    batch = [old, *newer, other]
    store.store_batch("GM0599", wire.batch_digest(batch), batch)
    linker.link_pending()
    persons = {u: p for p, _, u, _ in store.clusters()}
    assert persons[old.sighting_uuid] == persons[newer[0].sighting_uuid]

    with store.lock:
        assert store.db.execute("SELECT count(*) FROM entities").fetchone()[0] == 1
    outcome = purge(store, linker, TODAY, 18)
    assert outcome.sightings == 2 and outcome.persons_changed == 2
    after = {u: p for p, _, u, _ in store.clusters()}
    assert set(after) == {n.sighting_uuid for n in newer}
    # the person is now named after her first remaining sighting, as a relink would name her
    assert len(set(after.values())) == 1
    with store.lock:
        links = store.db.execute("SELECT count(*) FROM links").fetchone()[0]
        entities = store.db.execute("SELECT count(*) FROM entities").fetchone()[0]
    assert links == 1 and entities == 0  # the old sighting's phone token went with it
    linker.relink_all()
    assert {u: p for p, _, u, _ in store.clusters()} == after


def test_retention_job_runs_at_start_and_stops():
    ran = threading.Event()
    job = RetentionJob(ran.set, interval_s=3600).start()
    assert ran.wait(10)
    job.stop()
    assert not job._thread.is_alive()


def test_failing_purge_does_not_kill_the_job(caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")

    job = RetentionJob(flaky, interval_s=0.01).start()
    for _ in range(500):
        if len(calls) >= 2:
            break
        threading.Event().wait(0.01)
    job.stop()
    assert len(calls) >= 2 and "retention purge failed" in caplog.text


# -- node ---------------------------------------------------------------------------------


def node_rows(store: NodeStore) -> list[str]:
    return sorted(r[0] for r in store.listing())


def test_node_purge_at_the_boundary_and_refused_old_rows(tmp_path, pki, secret_file):
    from node.importer import import_csv

    store = NodeStore(tmp_path / "node.db", create=True)
    cutoff = months_before(TODAY, 18)
    rows = [[f"C-{i}", (cutoff + dt.timedelta(days=i)).isoformat(), "Ana", "Pop", ""]
            for i in (-1, 0, 1)]
    report = import_csv(csv_bytes_small(rows), store, ENCODER, TODAY - dt.timedelta(days=2))
    assert report.imported == 3
    outcome = node_retention.purge(store, TODAY, 18)
    assert (outcome.cutoff, outcome.sightings) == (cutoff, 2)
    assert node_rows(store) == ["C-1"]
    assert node_retention.purge(store, TODAY + dt.timedelta(days=1), 18).sightings == 1
    logged = store.db.execute("SELECT cutoff, sightings FROM purge_log ORDER BY cutoff").fetchall()
    assert logged == [(cutoff.isoformat(), 2), ((cutoff + dt.timedelta(days=1)).isoformat(), 1)]

    again = import_csv(csv_bytes_small(rows), store, ENCODER, TODAY,
                       refuse=node_retention.refusal(store, TODAY, 18))
    assert (again.imported, again.errors, again.skipped["past the retention period"]) == (
        1, [], 2)
    assert [n.field for n in again.skip_notes] == ["observed_on", "observed_on"]
    assert "older than the retention period (18 months" in str(again.skip_notes[0])
    assert "the period is node.toml's [retention] months" in again.advice()[0]
    store.close()


def csv_bytes_small(rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["case_ref", "observed_on", "given_names", "surname", "date_of_birth"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_node_purges_reach_the_hub_audit_log_once(tmp_path, pki, secret_file, capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
        (home / "node.toml").write_text(
            (home / "node.toml").read_text() + node_retention.retention_toml(6), "utf-8")
        today = dt.date.today()
        rows = [["OLD-1", (today - dt.timedelta(days=150)).isoformat(), "Ana", "Pop", "", "",
                 "", "", ""],
                ["NEW-1", (today - dt.timedelta(days=20)).isoformat(), "Ana", "Pop", "", "",
                 "", "", ""]]
        import_and_sync(tmp_path, home, rows)
        store = NodeStore(home / "node.db")
        # what the node would hold after five months more: age OLD-1 past the six months
        store.db.execute("UPDATE sightings SET observed_on = ? WHERE case_ref = 'OLD-1'",
                         [(today - dt.timedelta(days=200)).isoformat()])
        store.db.conn.commit()
        store.close()
        capsys.readouterr()
        assert run("node", "purge", "--home", home) == 0
        assert "purged 1 sightings" in capsys.readouterr().out
        assert run("node", "sync", "--home", home) == 0
        assert run("node", "sync", "--home", home) == 0
        [entry] = actions(hub, "node_purge")
        assert entry["actor"] == "node:GM0363" and entry["sightings"] == 1
        assert entry["retention_months"] == 6

        # the same report resent (a reply lost on the way) is recorded once
        from zichtlijn.transport import secure_channel
        from zichtlijn.v1 import records_pb2, records_pb2_grpc

        with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel:
            purge_again = records_pb2.NodePurge(
                purge_id=entry["purge_id"], purged_at=entry["purged_at"],
                cutoff=entry["cutoff"], retention_months=6, sightings=1)
            reply = records_pb2_grpc.RecordServiceStub(channel).ReportPurges(
                records_pb2.PurgeReport(purges=[purge_again]), timeout=10)
        assert reply.recorded == 0 and len(actions(hub, "node_purge")) == 1


def test_hub_purge_command_refuses_while_serving_and_runs_when_stopped(tmp_path, pki, capsys):
    from hub.admin_cli import serving

    with running_hub(tmp_path, pki) as hub:
        home = hub.store.path.parent
        old = sighting(dt.date.today() - dt.timedelta(days=600))
        hub.store.store_batch("GM0363", wire.batch_digest([old]), [old])
        hub.linker.link_pending()
    with serving(home):
        assert run("hub", "purge", "--home", home) == 1
        assert "the hub is serving on this home" in capsys.readouterr().err
        assert run("hub", "relink", "--home", home) == 1  # the serving hub's persons
        err = capsys.readouterr().err
        assert err.startswith("zichtlijn: the hub is serving on this home and would go on "
                              "from the persons it holds; stop it first to relink")
        assert err.count("\n") == 1
    assert run("hub", "purge", "--home", home) == 0
    assert "purged 1 sightings" in capsys.readouterr().out
    store = HubStore(home / "hub.db")
    try:
        assert store.count_sightings() == 0
        [entry] = actions_of(store, "retention_purge")
        assert entry["actor"].startswith("operator-cli:") and entry["sightings"] == 1
    finally:
        store.close()


def test_node_import_leaves_out_rows_past_retention_with_the_line(tmp_path, pki, secret_file,
                                                                  capsys):
    with running_hub(tmp_path, pki) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
        path = tmp_path / "old.csv"
        path.write_bytes(csv_bytes([
            ["A-1", (dt.date.today() - dt.timedelta(days=700)).isoformat(), "Ana", "Pop", "",
             "", "", "", ""],
            ["A-2", dt.date.today().isoformat(), "Ana", "Pop", "", "", "", "", ""]]))
        # left out, not an error: a nightly import of a two-year export must not fail
        assert run("node", "import", "--home", home, path) == 0
        out = capsys.readouterr()
        assert "line 2: observed_on: older than the retention period" in out.err
        assert "imported 1, unchanged 0, rejected 0, skipped 1 past the retention period" in (
            out.out)
        # said once for the whole file: where the period is set
        assert out.err.count("1 row(s) are older than the retention period") == 1
        assert "`node init --retention-months`" in out.err


def test_hub_and_node_init_take_the_retention_period(tmp_path, pki, secret_file):
    from hub.settings import load_settings
    from zichtlijn import cli

    hub_home, node_home = tmp_path / "hub", tmp_path / "node"
    assert cli.main(["hub", "init", "--home", str(hub_home), "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "hub-hub.pem"),
                     "--key", str(pki.root / "hub-hub.key"), "--retention-months", "36"]) == 0
    assert load_settings(hub_home).retention.months == 36
    assert cli.main(["node", "init", "--home", str(node_home), "--gemeente", "GM0014",
                     "--hub", "127.0.0.1:1", "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "node-GM0014.pem"),
                     "--key", str(pki.root / "node-GM0014.key"), "--secret", str(secret_file),
                     "--retention-months", "36"]) == 0
    assert node_retention.retention_months(node_home) == 36


@pytest.mark.parametrize("months", ["0", "241", "18.5", "achttien"])
def test_a_retention_period_outside_1_to_240_months_is_refused(months, capsys):
    from zichtlijn import cli

    with pytest.raises(SystemExit) as stopped:
        cli.main(["hub", "init", "--home", "x", "--ca", "c", "--cert", "c", "--key", "k",
                  "--retention-months", months])
    assert stopped.value.code == 2
    assert "a whole number of months within 1..240" in capsys.readouterr().err

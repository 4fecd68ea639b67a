"""A node's withdrawals and purge reports are bounded per 24 hours at the hub: a node
cannot flood the audit log and tombstone table, and a lawful one loses nothing."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import grpc
import pytest

from hub.records import PURGES_PER_NODE_PER_DAY
from hub.records_service import MAX_PURGES
from hub.settings import HubSettings, UploadSettings
from node.retention import PURGES_PER_REPORT, create_tables
from node.store import NodeStore
from tests.lookup_support import (
    ROWS,
    actions,
    import_and_sync,
    node,
    persons_of,
    relink_in_progress,
    run,
    running_hub,
    uuids_by_case,
)
from tests.record_signing import withdraw_request
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import records_pb2, records_pb2_grpc

PER_DAY = 5  # the hub's [uploads] per_node_per_day here, so its withdrawals too


@pytest.fixture()
def amsterdam(tmp_path, pki, secret_file):
    settings = HubSettings(uploads=UploadSettings(per_node_per_day=PER_DAY))
    with running_hub(tmp_path, pki, settings) as hub:
        home = node(tmp_path, pki, secret_file, "GM0363", hub)
        import_and_sync(tmp_path, home, ROWS["GM0363"])
        yield hub, home


def stub(hub, pki, stem: str = "node-GM0363"):
    channel = secure_channel(f"127.0.0.1:{hub.port}", pki.tls(stem))
    return channel, records_pb2_grpc.RecordServiceStub(channel)


def withdraw_made_up(hub, pki, count: int) -> None:
    channel, records = stub(hub, pki)
    with channel:
        for _ in range(count):
            records.Withdraw(withdraw_request(
                pki, "node-GM0363", str(uuid.uuid4()),
                records_pb2.WITHDRAW_REASON_RECORDED_IN_ERROR), timeout=10)


def a_day_passes(hub) -> None:
    """What the hub's counts look like 24 hours on."""
    with hub.store.transaction() as conn:
        conn.execute("UPDATE withdraw_calls SET at = at - 86400")
        conn.execute("UPDATE node_purges SET recorded_at = '2000-01-01T00:00:00+00:00'")


def test_withdrawals_beyond_the_day_are_refused_with_nothing_written(amsterdam, pki, capsys):
    hub, home = amsterdam
    withdraw_made_up(hub, pki, PER_DAY)
    assert len(hub.store.withdrawn_of("GM0363")) == PER_DAY
    entries = len(actions(hub, "withdraw"))
    channel, records = stub(hub, pki)
    with channel, pytest.raises(grpc.RpcError) as refused:
        records.Withdraw(withdraw_request(
            pki, "node-GM0363", str(uuid.uuid4()),
            records_pb2.WITHDRAW_REASON_RECORDED_IN_ERROR), timeout=10)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "at most 5 a day" in refused.value.details()
    assert len(hub.store.withdrawn_of("GM0363")) == PER_DAY
    assert len(actions(hub, "withdraw")) == entries

    # the municipality's own withdrawal waits a day: nothing changed, here or at the hub
    ams_1 = uuids_by_case(home)["AMS-1"]
    capsys.readouterr()
    assert run("node", "withdraw", "--home", home, "AMS-1", "--reason", "error") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RESOURCE_EXHAUSTED" in err
    assert "hub takes at most 5 a day from one municipality (hub.toml [uploads] " in err
    assert uuids_by_case(home)["AMS-1"] == ams_1 and ams_1 in persons_of(hub)

    a_day_passes(hub)
    assert run("node", "withdraw", "--home", home, "AMS-1", "--reason", "error") == 0
    assert "AMS-1" not in uuids_by_case(home) and ams_1 not in persons_of(hub)


def test_a_withdrawal_a_relink_kept_out_does_not_count(amsterdam, pki, capsys, monkeypatch):
    """It changed nothing, so running it again must not cost the node a second one."""
    from hub import unusable

    hub, home = amsterdam
    monkeypatch.setattr(unusable, "DEADLINE_MARGIN_S", 1.0)
    withdraw_made_up(hub, pki, PER_DAY - 1)
    with relink_in_progress(hub.linker):
        assert run("node", "withdraw", "--home", home, "AMS-1", "--reason", "error",
                   "--timeout", "3") == 1
    assert "unavailable for now" in capsys.readouterr().err
    assert run("node", "withdraw", "--home", home, "AMS-1", "--reason", "error") == 0


def test_another_nodes_withdrawals_are_not_counted_against_it(tmp_path, pki, secret_file,
                                                              amsterdam):
    hub, _home = amsterdam
    withdraw_made_up(hub, pki, PER_DAY)
    rotterdam = node(tmp_path, pki, secret_file, "GM0599", hub)
    import_and_sync(tmp_path, rotterdam, ROWS["GM0599"])
    assert run("node", "withdraw", "--home", rotterdam, "RTM-7", "--reason", "error") == 0


def test_a_withdrawal_asked_again_beyond_the_day_waits_for_a_later_sync(amsterdam, pki,
                                                                        capsys):
    """After a hub restore the sync asks again for what the node withdrew; past the bound
    it keeps asking at later syncs, and says so."""
    hub, home = amsterdam
    ams_1 = uuids_by_case(home)["AMS-1"]
    store = NodeStore(home / "node.db")
    create_tables(store)
    with store.db.conn:  # as after a restore: withdrawn here, held again at the hub
        store.db.execute("DELETE FROM sightings WHERE sighting_uuid = ?", [ams_1])
        store.db.execute("INSERT INTO withdrawn_cases (case_ref, observed_on, withdrawn_on, "
                         "sighting_uuid, reason) VALUES ('AMS-1', '2026-01-01', '2026-01-02', "
                         "?, 'error')", [ams_1])
    store.close()
    withdraw_made_up(hub, pki, PER_DAY)
    capsys.readouterr()
    assert run("node", "sync", "--home", home) == 1
    out, err = capsys.readouterr()
    assert out.startswith("synced 0 sightings")
    assert err == ("zichtlijn: 1 withdrawal(s) or correction(s) the hub no longer carries are "
                   f"asked again at a later sync: hub 127.0.0.1:{hub.port} refused "
                   "(RESOURCE_EXHAUSTED): GM0363 made 5 withdrawals in the last 24 hours and "
                   "the hub takes at most 5 a day from one municipality (hub.toml [uploads] "
                   "per_node_per_day); nothing was withdrawn: run it again tomorrow\n")
    assert ams_1 in persons_of(hub)
    assert run("node", "status", "--home", home, "--check") == 1
    assert "failed: 1 withdrawal(s)" in capsys.readouterr().out

    a_day_passes(hub)
    assert run("node", "sync", "--home", home) == 0
    assert ams_1 not in persons_of(hub)


def node_purges(home, count: int) -> None:
    """`count` purges this node made and has not reported yet."""
    store = NodeStore(home / "node.db")
    create_tables(store)
    at = dt.datetime.now(dt.UTC)
    with store.db.conn:
        store.db.conn.executemany(
            "INSERT INTO purge_log (purge_id, purged_at, cutoff, retention_months, sightings) "
            "VALUES (?, ?, ?, 18, 1)",
            [(secrets.token_hex(16), (at - dt.timedelta(days=count - i)).isoformat(
                timespec="seconds"), (at - dt.timedelta(days=600 + count - i)).date()
              .isoformat()) for i in range(count)])
    store.close()


def unreported(home) -> int:
    store = NodeStore(home / "node.db")
    try:
        return store.db.execute(
            "SELECT count(*) FROM purge_log WHERE reported_at IS NULL").fetchone()[0]
    finally:
        store.close()


def test_purges_beyond_the_day_are_kept_for_a_later_sync(amsterdam, capsys):
    """A node that could not report for years sends a report of the most the hub takes,
    then the rest at the next syncs; nothing of it is lost or written twice."""
    hub, home = amsterdam
    assert PURGES_PER_REPORT == MAX_PURGES == PURGES_PER_NODE_PER_DAY
    node_purges(home, PURGES_PER_REPORT + 1)
    capsys.readouterr()
    assert run("node", "sync", "--home", home) == 1
    out, err = capsys.readouterr()
    assert out.startswith("synced 0 sightings")
    assert err == ("zichtlijn: 1 node purge(s) kept to report at a later sync: hub "
                   f"127.0.0.1:{hub.port} refused (RESOURCE_EXHAUSTED): GM0363 reported "
                   "1,000 purges in the last 24 hours and the hub records at most 1,000 a "
                   "day from one municipality; nothing of this report (1 new) was recorded: "
                   "send it at a later sync\n")
    assert len(actions(hub, "node_purge")) == PURGES_PER_REPORT
    assert unreported(home) == 1

    a_day_passes(hub)
    assert run("node", "sync", "--home", home) == 0
    assert len(actions(hub, "node_purge")) == PURGES_PER_REPORT + 1
    assert unreported(home) == 0


def test_a_report_resent_is_not_counted_again(amsterdam, pki):
    """A report whose reply was lost is sent again whole: its purges are held already,
    so it is no new purge and passes a full day."""
    hub, _home = amsterdam
    purges = [records_pb2.NodePurge(purge_id=secrets.token_hex(16), purged_at="2026-01-01",
                                    cutoff="2024-07-01", retention_months=18, sightings=1)
              for _ in range(PURGES_PER_NODE_PER_DAY)]
    channel, records = stub(hub, pki)
    with channel:
        first = records.ReportPurges(records_pb2.PurgeReport(purges=purges), timeout=30)
        again = records.ReportPurges(records_pb2.PurgeReport(purges=purges), timeout=30)
        with pytest.raises(grpc.RpcError) as refused:
            records.ReportPurges(records_pb2.PurgeReport(purges=[records_pb2.NodePurge(
                purge_id=secrets.token_hex(16), purged_at="2026-01-02", cutoff="2024-07-02",
                retention_months=18, sightings=1)]), timeout=10)
    assert (first.recorded, again.recorded) == (PURGES_PER_NODE_PER_DAY, 0)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert len(actions(hub, "node_purge")) == PURGES_PER_NODE_PER_DAY

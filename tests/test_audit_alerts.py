"""`audit verify` reconciles the hub's alerts with the alert entries of the log.

A real hub with the shipped alert rules raises Elena's alerts from real
syncs; withdrawals update and then close them. The export verifies; each
test then tampers with the exported alerts table, as an insider at the hub
could, and checks that verification names the alert and the entry.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography import x509

from hub.alerts.reconcile import Reconciler
from hub.alerts.rules import Fact, Finding
from hub.alerts.store import create_tables
from hub.audit_export import export_chunks
from hub.audit_log import ENTRY_VERSION
from hub.log_key import create_log_key
from hub.store import HubStore
from hub.tree_heads import TreeHeads
from tests.audit_support import copy_export, edit, entry
from tests.lookup_support import actions, run, running_hub, three_towns, uuids_by_case
from zichtlijn import cli
from zichtlijn.audit_file import write_export
from zichtlijn.audit_verify import Report, Trust, verify_export
from zichtlijn.witness import read_vkey


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki, secret_file):
    root = tmp_path_factory.mktemp("alerts-audited")
    with running_hub(root, pki, alerts=True) as hub:
        homes = three_towns(root, pki, secret_file, hub)
        # AMS-2 out: the alerts still hold (alert_updated); RTM-7 out: both close
        assert run("node", "withdraw", "--home", homes["GM0363"], "AMS-2", "--reason",
                   "error") == 0
        assert run("node", "withdraw", "--home", homes["GM0599"], "RTM-7", "--reason",
                   "erasure") == 0
        assert uuids_by_case(homes["GM0599"])  # the node still knows its other sighting
        created = [e["alert"] for e in actions(hub, "alert_created")]
        assert len(created) == 2 and actions(hub, "alert_updated")
        assert len(actions(hub, "alert_closed")) == 2
        out = root / "export.db"
        assert run("audit", "export", "--home", root / "hub", "--out", out) == 0
        yield root / "hub", out


@pytest.fixture()
def export(world, tmp_path) -> Path:
    return copy_export(world[1], tmp_path / "export.db")


def _trust(home: Path, pki) -> Trust:
    ca = x509.load_pem_x509_certificate((pki.root / "ca.pem").read_bytes())
    return Trust(read_vkey(home / "log.vkey"), (ca,))


def _verify(export: Path, world, pki) -> Report:
    return verify_export(export, _trust(world[0], pki))


def _messages(report: Report) -> list[str]:
    assert not report.ok
    return [p.message for p in sorted(report.problems)]


def _alerts(export: Path) -> list[tuple[str, str, int, bytes, str | None]]:
    with sqlite3.connect(export) as conn:
        return conn.execute("SELECT alert_id, rule, version, evidence_digest, merged_into "
                            "FROM alerts ORDER BY rowid").fetchall()


def _logged(export: Path, action: str, alert_id: str) -> list[int]:
    """Indices of the entries of ``action`` for ``alert_id``, in order."""
    with sqlite3.connect(export) as conn:
        size = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    return [i for i in range(size)
            if (e := entry(export, i))["action"] == action and e.get("alert") == alert_id]


def test_untampered_export_with_alerts_verifies(world, export, pki):
    report = _verify(export, world, pki)
    assert report.ok, report.problems
    assert (report.alerts, report.alerts_logged, report.alerts_merged) == (2, 2, 0)
    assert {rule for _, rule, _, _, _ in _alerts(export)} == {"carousel", "accumulation"}
    # created, updated (at least by AMS-2's withdrawal), closed (RTM-7's): version 3 or more
    assert all(version >= 3 for _, _, version, _, _ in _alerts(export))


def test_verify_command_reports_the_alerts(world, export, pki, capsys):
    code = cli.main(["audit", "verify", str(export), "--log-key", str(world[0] / "log.vkey"),
                     "--ca", str(pki.root / "ca.pem")])
    assert code == 0
    assert "alerts     2 alerts (0 merged), 2 created by the log" in capsys.readouterr().out


def test_bumped_version_is_reported(world, export, pki):
    alert_id, _, version, _, _ = _alerts(export)[0]
    closed = _logged(export, "alert_closed", alert_id)[-1]
    edit(export, ("UPDATE alerts SET version = version + 1 WHERE alert_id = ?", [alert_id]))
    assert _messages(_verify(export, world, pki)) == [
        f"entry #{closed}: logs alert {alert_id} at version {version}, the hub holds version "
        f"{version + 1}"]


def test_changed_evidence_digest_is_reported(world, export, pki):
    alert_id, _, _, digest, _ = _alerts(export)[1]
    updated = _logged(export, "alert_updated", alert_id)[-1]
    edit(export, ("UPDATE alerts SET evidence_digest = ? WHERE alert_id = ?",
                  [b"\x44" * 32, alert_id]))
    assert _messages(_verify(export, world, pki)) == [
        f"entry #{updated}: logs evidence {digest.hex()[:16]} for alert {alert_id}, the hub "
        f"holds evidence {'44' * 8}"]


def test_alert_that_was_never_logged_is_reported(world, export, pki):
    edit(export, ("INSERT INTO alerts VALUES ('A-00000000ff', 'carousel', 1, ?, NULL, NULL)",
                  [b"\x55" * 32]))
    assert _messages(_verify(export, world, pki)) == [
        "alert A-00000000ff (carousel, version 1) has no alert_created entry in the log"]


def test_removed_alert_is_reported_at_its_created_entry(world, export, pki):
    alert_id = _alerts(export)[0][0]
    [created] = _logged(export, "alert_created", alert_id)
    edit(export, ("DELETE FROM alerts WHERE alert_id = ?", [alert_id]))
    assert _messages(_verify(export, world, pki)) == [
        f"entry #{created}: alert_created of alert {alert_id}, which the hub does not hold"]


def test_merge_without_its_entry_is_reported(world, export, pki):
    (younger, *_), (older, *_) = _alerts(export)[1], _alerts(export)[0]
    [created] = _logged(export, "alert_created", younger)
    edit(export, ("UPDATE alerts SET merged_into = ? WHERE alert_id = ?", [older, younger]))
    assert _messages(_verify(export, world, pki)) == [
        f"alert {younger} is merged into {older} at the hub, but no alert_merged entry logs "
        f"it (created by entry #{created})"]


def test_dropped_alerts_table_is_reported(world, export, pki):
    edit(export, ("DROP TABLE alerts", []))
    [message] = _messages(_verify(export, world, pki))
    assert message.startswith("entry #") and message.endswith(
        "the log has entries for 2 alerts, but the export holds no alerts table (exported by "
        "an older hub, or removed): export again")


def test_dropped_region_states_are_reported(world, export, pki):
    """The table that would show a closing done by hand in hub.db, dropped from the export:
    the log's entries are of the release whose exports hold it."""
    edit(export, ("DROP TABLE alert_regions", []))
    [message] = _messages(_verify(export, world, pki))
    assert message.startswith("entry #") and message.endswith(
        f"is of entry version {ENTRY_VERSION}, whose exports hold each alert's region "
        "states, but this "
        "export holds no alert_regions table (removed?): export again")


# -- merges, through the hub's own Reconciler on a hub database -------------------------

FACTS = {f"s{i}": Fact(f"s{i}", "P", gemeente, dt.date(2025, 3, i + 1), "woning", False,
                       ("unlicensed",))
         for i, gemeente in enumerate(["GM0363", "GM0599", "GM0344", "GM0363"])}


def _apply(store: HubStore, sightings: tuple[str, ...], now: str) -> None:
    with store.transaction() as conn:
        Reconciler(conn, FACTS, now).apply(
            Finding("carousel", frozenset(sightings), 2.0, frozenset({"rotterdam"})))


@pytest.fixture()
def merged_export(tmp_path, pki) -> tuple[Path, Trust]:
    """Two alerts whose persons became one: the younger is merged into the older."""
    key = create_log_key(tmp_path / "hub")
    store = HubStore(tmp_path / "hub" / "hub.db")
    try:
        create_tables(store.db.conn)
        _apply(store, ("s0", "s1"), "2025-04-01T00:00:00+00:00")
        _apply(store, ("s2", "s3"), "2025-04-02T00:00:00+00:00")
        _apply(store, ("s0", "s1", "s2", "s3"), "2025-04-03T00:00:00+00:00")
        TreeHeads(store, key).current()
    finally:
        store.close()
    out = tmp_path / "export.db"
    write_export(export_chunks(tmp_path / "hub" / "hub.db", key.verifier, "operator:test"), out)
    ca = x509.load_pem_x509_certificate((pki.root / "ca.pem").read_bytes())
    return out, Trust(key.verifier, (ca,))


def test_a_logged_merge_verifies(merged_export):
    export, trust = merged_export
    report = verify_export(export, trust)
    assert report.ok, report.problems
    assert (report.alerts, report.alerts_logged, report.alerts_merged) == (2, 2, 1)
    assert report.actions["alert_merged"] == 1 and report.actions["alert_updated"] == 1


def test_merge_undone_at_the_hub_is_reported(merged_export):
    export, trust = merged_export
    [(younger, older)] = [(a, m) for a, _, _, _, m in _alerts(export) if m is not None]
    [merged] = _logged(export, "alert_merged", younger)
    edit(export, ("UPDATE alerts SET merged_into = NULL WHERE alert_id = ?", [younger]))
    assert _messages(verify_export(export, trust)) == [
        f"entry #{merged}: logs alert {younger} merged into {older}, the hub holds it not "
        "merged"]


# -- each region's state, replayed from the entries and the RIECs' decisions ------------------


def _region_states(export: Path) -> dict[tuple[str, str], str]:
    with sqlite3.connect(export) as conn:
        return {(a, r): s for a, r, s in conn.execute(
            "SELECT alert_id, region, state FROM alert_regions")}


def test_a_region_state_changed_without_an_entry_is_reported(world, export, pki):
    states = _region_states(export)
    assert states and set(states.values()) == {"closed"}  # RTM-7's withdrawal closed both
    (alert_id, region), _ = sorted(states.items())[0]
    [closed] = _logged(export, "alert_closed", alert_id)
    edit(export, ("UPDATE alert_regions SET state = 'new' WHERE alert_id = ? AND region = ?",
                  [alert_id, region]))
    assert _messages(_verify(export, world, pki)) == [
        f"alert {alert_id} is new in region {region} at the hub, but closed as the log leaves "
        f"it (entry #{closed}): its state was changed in hub.db without an entry"]


def test_a_region_added_or_dropped_without_an_entry_is_reported(world, export, pki):
    (alert_id, region), _ = sorted(_region_states(export).items())[0]
    [closed] = _logged(export, "alert_closed", alert_id)  # the region's last entry
    edit(export, ("DELETE FROM alert_regions WHERE alert_id = ? AND region = ?",
                  [alert_id, region]),
         ("INSERT INTO alert_regions VALUES (?, 'zeeland-west-brabant', 'closed')",
          [alert_id]))
    assert sorted(_messages(_verify(export, world, pki))) == sorted([
        f"entry #{closed}: routes alert {alert_id} to region {region}, where the hub does "
        "not hold it",
        f"alert {alert_id} is routed to region zeeland-west-brabant at the hub, by no entry"])


# -- the evidence an open alert shows, computed again by the export -----------------------


def _tampered_export(tmp_path: Path, sql: str, params: list) -> Path:
    """A copy of the hub's database changed by hand (hub stopped), exported as the operator
    would export it."""
    hub_db = tmp_path / "tampered" / "hub.db"
    hub_db.parent.mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / "hub" / "hub.db", hub_db)
    with sqlite3.connect(hub_db) as conn:
        conn.execute(sql, params)
    conn.close()
    out = tmp_path / "tampered" / "export.db"
    out.unlink(missing_ok=True)
    write_export(export_chunks(hub_db, read_vkey(tmp_path / "hub" / "log.vkey"),
                               "operator:test"), out)
    return out


def _open_alert(export: Path) -> tuple[str, bytes, int]:
    """The alert the merge left open: id, logged evidence, the entry that logged it."""
    [(alert_id, _, _, digest, _)] = [a for a in _alerts(export) if a[4] is None]
    return alert_id, digest, _logged(export, "alert_updated", alert_id)[-1]


@pytest.mark.parametrize(("sql", "params"), [
    ("UPDATE alerts SET score = 99 WHERE merged_into IS NULL", []),
    ("DELETE FROM alert_sightings WHERE sighting_uuid = 's3' AND current = 1", []),
    ("INSERT INTO alert_sightings SELECT alert_id, 's9', gemeente, observed_on, signals, 1, 0 "
     "FROM alert_sightings WHERE sighting_uuid = 's3' AND current = 1", []),
], ids=["score", "sighting-removed", "sighting-added"])
def test_an_open_alert_changed_in_the_hub_database_is_reported(merged_export, tmp_path,
                                                               sql, params):
    export, trust = merged_export
    alert_id, logged, updated = _open_alert(export)
    [message] = _messages(verify_export(_tampered_export(tmp_path, sql, params), trust))
    assert message.startswith(f"alert {alert_id} is shown to RIECs with evidence ")
    assert message.endswith(f"(its score and sightings at the hub), but entry #{updated} logs "
                            f"{logged.hex()[:16]}: its score or sightings were changed in "
                            "hub.db without an entry")


def test_an_untouched_copy_of_the_hub_database_verifies(merged_export, tmp_path):
    _, trust = merged_export
    report = verify_export(_tampered_export(tmp_path, "SELECT 1", []), trust)
    assert report.ok, report.problems


def test_an_entry_written_back_as_text_is_exported_and_judged_by_its_bytes(merged_export,
                                                                           tmp_path):
    """The sqlite3 shell writes an edited entry back as TEXT: the export reads it as the
    bytes it holds (no internal error), and verify judges those bytes."""
    _, trust = merged_export
    same = _tampered_export(tmp_path, "UPDATE audit_entries SET entry = CAST(entry AS TEXT) "
                                      "WHERE idx = 1", [])
    assert verify_export(same, trust).ok
    edited = _tampered_export(tmp_path, "UPDATE audit_entries SET entry = "
                                        "replace(CAST(entry AS TEXT), '\"sightings\":2', "
                                        "'\"sightings\":3') WHERE idx = 0", [])
    messages = _messages(verify_export(edited, trust))
    assert any(m.startswith("entries #0..#3: one of these was changed, removed, inserted "
                            "or moved") for m in messages), messages


def test_a_withdrawal_on_a_hub_without_its_alert_rules_reads_as_an_unlogged_change(
        merged_export, tmp_path):
    """`forget` takes the sighting out of the alert at once; only an evaluation of the rules
    logs the alert's new evidence (README, the failure table)."""
    from hub.alert_evidence import forget

    export, trust = merged_export
    alert_id, _, _ = _open_alert(export)
    with sqlite3.connect(tmp_path / "hub" / "hub.db") as conn:
        assert alert_id in forget(conn, ["s3"])
    conn.close()
    [message] = _messages(verify_export(_tampered_export(tmp_path, "SELECT 1", []), trust))
    assert message.startswith(f"alert {alert_id} is shown to RIECs with evidence ")

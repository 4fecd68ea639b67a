"""`audit export` and `audit verify` on a log built by real syncs; every kind of tampering.

One hub and two nodes build a log once per module (uploads, link runs,
cosignatures); each test tampers with a copy of the export, as an insider at
the hub could, and checks that verification fails naming the right entry.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import grpc
import pytest

from hub.audit_export import export_chunks
from hub.log_key import load_log_key
from hub.tree_heads import TreeHeads
from linkage.checkpoint import SignedNote
from tests.audit_support import Site, actions, canonical, copy_export, edit, entry, verify
from zichtlijn import cli
from zichtlijn.audit_file import write_export
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import audit_pb2, audit_pb2_grpc


@pytest.fixture(scope="module")
def site(tmp_path_factory, pki, secret_file):
    site = Site(tmp_path_factory.mktemp("audited"), pki, secret_file)
    site.start()
    site.load("GM0363", 3, "a")
    site.sync("GM0363")          # entries 0, 1 upload; 2 link_run
    site.load("GM0599", 3, "a")
    site.sync("GM0599")          # 3, 4 upload; 5 link_run
    site.load("GM0363", 2, "b")
    site.sync("GM0363")          # 6 upload; 7 link_run
    site.witness("GM0363")
    site.witness("GM0599")
    site.export(site.root / "export.db")
    yield site
    site.stop()


@pytest.fixture()
def export(site, tmp_path) -> Path:
    return copy_export(site.root / "export.db", tmp_path / "export.db")


def test_the_log_has_the_expected_shape(export):
    assert actions(export) == ["upload", "upload", "link_run", "upload", "upload", "link_run",
                               "upload", "link_run"]


def test_untampered_log_verifies_and_is_settled(site, export):
    report = verify(export, site, quorum=2)
    assert report.ok, report.problems
    assert (report.entries, report.uploads, report.batches, report.sightings) == (8, 5, 5, 8)
    assert report.linked == 8 and report.link_runs == 3
    assert report.latest_head is not None and report.latest_head.size == 8
    assert report.settled_size == 8  # both nodes cosigned the head of the whole log
    assert set(report.vouched) == {"node/GM0363", "node/GM0599"}
    # this hub raises no alerts (no alert configuration, no alert tables): none exported
    assert (report.alerts, report.alerts_logged) == (0, 0)
    with sqlite3.connect(export) as conn:
        assert conn.execute("SELECT count(*) FROM alerts").fetchone() == (0,)


def test_verify_command_prints_final_head_and_exits_zero(site, export, capsys):
    keys = site.root / "witnesses.vkeys"
    keys.write_text("\n".join(v.to_vkey() for v in site.trust().witnesses) + "\n")
    code = cli.main(["audit", "verify", str(export), "--log-key", str(site.hub_home / "log.vkey"),
                     "--ca", str(site.pki.root / "ca.pem"), "--witness-key", str(keys),
                     "--quorum", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert "final signed tree head:\nzichtlijn/audit-log\n8\n" in out
    assert "settled    the first 8 entries" in out and "verified: 8 entries" in out


def _without_cosignatures(export: Path, days_later: float) -> Path:
    """The export as a hub that re-signed its history would give it: every head still
    signed by the log key, none cosigned by a witness (they would not cosign the
    rewritten one), exported `days_later` than it was."""
    with sqlite3.connect(export) as conn:
        notes = conn.execute("SELECT rowid, note FROM tree_heads").fetchall()
        for rowid, note in notes:
            kept = [line for line in note.split("\n") if not line.startswith("\u2014 node/")]
            conn.execute("UPDATE tree_heads SET note = ? WHERE rowid = ?",
                         ["\n".join(kept), rowid])
        (exported,) = conn.execute("SELECT value FROM meta WHERE key = 'exported_at'"
                                   ).fetchone()
        later = dt.datetime.fromisoformat(exported) + dt.timedelta(days=days_later)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'exported_at'",
                     [later.isoformat(timespec="seconds")])
    return export


def test_old_entries_no_quorum_cosigned_fail_verify_with_a_quorum(site, export):
    # the red team's rewritten history: heads re-signed, cosignatures gone, exit 0 before
    _without_cosignatures(export, days_later=3)
    assert verify(export, site, quorum=2).settled_size is None
    assert verify(export, site, quorum=2).ok  # without the age bound: "settled nothing"
    report = verify(export, site, quorum=2, settled_within=dt.timedelta(days=2))
    assert _first(report).startswith(
        "entries #0..#7 are not settled: entry #0 (")
    assert "older than 2 days before the export" in report.first().message


def test_entries_newer_than_the_bound_may_wait_for_their_witnesses(site, export):
    _without_cosignatures(export, days_later=1)  # witnessed tonight
    assert verify(export, site, quorum=2, settled_within=dt.timedelta(days=2)).ok


def test_an_export_time_set_back_before_its_entries_is_reported(site, export):
    """`exported_at` is not signed: set back, it would make old unsettled entries look
    young. It can never lie before the newest entry the export holds, which is signed."""
    with sqlite3.connect(export) as conn:
        rows = conn.execute("SELECT entry FROM entries ORDER BY idx DESC LIMIT 1").fetchone()
        newest = dt.datetime.fromisoformat(json.loads(rows[0])["at"])
        conn.execute("UPDATE meta SET value = ? WHERE key = 'exported_at'",
                     [(newest - dt.timedelta(days=1)).isoformat(timespec="seconds")])
    conn.close()
    report = verify(export, site)
    assert _first(report).startswith("the export says it was made at ")
    assert report.first().message.endswith(
        "it holds: its time (not signed) was set back")


def test_the_verify_command_bounds_the_unsettled_tail_by_default(site, export, capsys):
    _without_cosignatures(export, days_later=3)
    keys = site.root / "witnesses.vkeys"
    keys.write_text("\n".join(v.to_vkey() for v in site.trust().witnesses) + "\n")
    command = ["audit", "verify", str(export), "--log-key", str(site.hub_home / "log.vkey"),
               "--ca", str(site.pki.root / "ca.pem"), "--witness-key", str(keys),
               "--quorum", "2"]
    assert cli.main(command) == 1
    assert "audit verify FAILED: entries #0..#7 are not settled" in capsys.readouterr().err
    assert cli.main([*command, "--settled-within", "0"]) == 0


def _first(report) -> str:
    assert not report.ok
    return report.first().message


def test_edited_entry_is_named(site, export):
    run = entry(export, 5)
    run["new_links"] += 1  # still a canonical, plausible entry
    edit(export, ("UPDATE entries SET entry = ? WHERE idx = 5", [canonical(run)]))
    assert _first(verify(export, site)).startswith("entry #5 was changed")


def test_edited_upload_entry_breaks_the_node_signature(site, export):
    up = entry(export, 3)
    up["sightings"] += 1
    edit(export, ("UPDATE entries SET entry = ? WHERE idx = 3", [canonical(up)]))
    report = verify(export, site)
    messages = [p.message for p in sorted(report.problems)]
    assert messages[0].startswith("entry #3 was changed")
    assert any(m.startswith("entry #3: the signature of node:GM0599") for m in messages)


def test_deleted_entry_is_named(site, export):
    edit(export, ("DELETE FROM entries WHERE idx = 4", []),
         ("UPDATE entries SET idx = idx - 1 WHERE idx > 4", []))
    report = verify(export, site)
    assert _first(report).startswith("entry #4 was changed, removed")
    assert any("has no upload entry in the log" in p.message for p in report.problems)


def test_deleted_entry_leaving_a_gap_is_named(site, export):
    edit(export, ("DELETE FROM entries WHERE idx = 6", []))
    assert _first(verify(export, site)) == "entry #6 is missing from the log (the next entry is #7)"


def test_reordered_pair_is_named(site, export):
    edit(export, ("UPDATE entries SET idx = -1 WHERE idx = 3", []),
         ("UPDATE entries SET idx = 3 WHERE idx = 4", []),
         ("UPDATE entries SET idx = 4 WHERE idx = -1", []))
    assert _first(verify(export, site)).startswith(
        "entry #3 was changed, removed, inserted or moved")


def test_inserted_entry_is_named(site, export):
    fake = entry(export, 2)
    fake["new_sightings"] = 0
    edit(export, ("UPDATE entries SET idx = idx + 1 WHERE idx >= 6", []),
         ("INSERT INTO entries (idx, entry) VALUES (6, ?)", [canonical(fake)]))
    assert _first(verify(export, site)).startswith("entry #6 was changed")


def test_forged_tree_head_signature_is_refused(site, export):
    with sqlite3.connect(export) as conn:
        rowid, note = conn.execute(
            "SELECT rowid, note FROM tree_heads ORDER BY rowid DESC LIMIT 1").fetchone()
        lines = note.split("\n")
        lines[2] = lines[2][:-5] + ("AAAA=" if lines[2][-5:] != "AAAA=" else "BBBB=")
        conn.execute("UPDATE tree_heads SET note = ? WHERE rowid = ?", ["\n".join(lines), rowid])
    report = verify(export, site)
    assert any(p.message.startswith("tree head of size 8: not signed by the log key")
               for p in report.problems)


def test_tree_head_signed_by_another_key_is_refused(site, export, tmp_path):
    from hub.log_key import create_log_key

    other = create_log_key(tmp_path / "other")  # same origin, different key
    with sqlite3.connect(export) as conn:
        note = SignedNote.from_text(conn.execute(
            "SELECT note FROM tree_heads ORDER BY rowid DESC LIMIT 1").fetchone()[0])
        head = note.checkpoint()
        conn.execute("INSERT INTO tree_heads (note) VALUES (?)",
                     [other.sign(head.size, head.root).to_text()])
    assert "not signed by the log key" in _first(verify(export, site))


def test_truncated_log_is_caught_by_its_signed_heads(site, export):
    edit(export, ("DELETE FROM entries WHERE idx >= 6", []))
    assert _first(verify(export, site)).startswith(
        "tree head of size 7 was signed, but the export holds only 6 entries")


@pytest.fixture(params=["serial", "worker processes"])
def signature_mode(request, monkeypatch):
    if request.param == "worker processes":
        from zichtlijn import audit_verify

        monkeypatch.setattr(audit_verify, "PARALLEL_ENTRIES", 1)
        monkeypatch.setattr(audit_verify._SignatureChecker, "STEP", 2)
    return request.param


def test_made_up_upload_fails_the_signature_check(site, export, signature_mode):
    """The hub invents a batch for GM0363 (it has the certificate, not the key)."""
    import base64
    import hashlib

    digests = b"\x11" * 32
    batch = hashlib.sha256(b"zichtlijn-batch\x00" + digests).digest()
    real = entry(export, 0)
    fake = {**real, "batch": batch.hex(), "sightings": 1, "accepted": 1, "already_present": 0,
            "node_sig": base64.b64encode(b"\x30\x06\x02\x01\x01\x02\x01\x01").decode()}
    edit(export, ("INSERT INTO entries (idx, entry) VALUES (8, ?)", [canonical(fake)]),
         ("INSERT INTO batches VALUES (?, 'GM0363', 1, 1, '2026-01-01T00:00:00+00:00', 8, ?)",
          [batch, digests]),
         ("INSERT INTO sightings VALUES ('00000000-0000-4000-8000-000000000000', 'GM0363', ?, ?,"
          " 0)", [digests, batch]))
    report = verify(export, site)
    assert any(p.message.startswith("entry #8: the signature of node:GM0363 over this upload "
                                    "does not verify") for p in report.problems)


def test_sighting_without_upload_entry_is_reported(site, export):
    edit(export, ("INSERT INTO sightings VALUES ('11111111-1111-4111-8111-111111111111', "
                  "'GM0599', ?, ?, 1)", [b"\x22" * 32, b"\x33" * 32]))
    assert _first(verify(export, site)).startswith(
        "sighting 11111111-1111-4111-8111-111111111111 (GM0599): its batch")


def test_entry_pointing_at_nothing_is_reported(site, export):
    with sqlite3.connect(export) as conn:
        conn.execute("DELETE FROM batches WHERE rowid = (SELECT min(rowid) FROM batches)")
        conn.execute("DELETE FROM sightings WHERE batch_digest NOT IN "
                     "(SELECT digest FROM batches)")
    assert "which the hub does not hold" in _first(verify(export, site))


def test_linked_count_that_does_not_add_up_is_reported(site, export):
    edit(export, ("UPDATE sightings SET linked = 0 WHERE rowid = 1", []))
    assert _first(verify(export, site)) == (
        "link runs logged 8 newly linked sightings, the hub marks 7 linked")


def test_export_from_another_log_is_refused(site, export, tmp_path):
    from dataclasses import replace

    from hub.log_key import create_log_key
    from zichtlijn.audit_verify import verify_export

    other = create_log_key(tmp_path / "other", origin="someone-else/log")
    result = verify_export(export, replace(site.trust(), log_key=other.verifier))
    assert _first(result).startswith("the export is of log 'zichtlijn/audit-log'")


def test_operator_export_from_the_database_matches_the_grpc_export(site, export, tmp_path):
    local = tmp_path / "local.db"
    key = load_log_key(site.hub_home)
    TreeHeads(site.hub.store, key).current()  # covering the gRPC export's entry, as it grew
    write_export(export_chunks(site.hub.store.path, key.verifier, "operator:test"), local)
    with sqlite3.connect(local) as a, sqlite3.connect(export) as b:
        size = b.execute("SELECT count(*) FROM entries").fetchone()[0]
        for table in ("entries", "batches", "sightings", "certificates", "alerts"):
            # the live log has grown since by the gRPC export's own entry
            where = f" WHERE idx < {size}" if table == "entries" else ""
            query = f"SELECT * FROM {table}{where} ORDER BY 1, 2"
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), table
    assert actions(local)[size] == "log_exported"
    assert entry(local, size)["entries"] == size
    assert verify(local, site).ok


def test_export_holds_no_encodings(site, export):
    with site.hub.store.lock:
        subjects = [bytes(r[0]) for r in site.hub.store.db.execute("SELECT subject FROM sightings")]
        filters = [bytes(r[0]) for r in site.hub.store.db.execute(
            "SELECT encoding FROM companions")]
    blob = export.read_bytes()
    assert subjects
    for subject in subjects + filters:
        assert subject[8:72] not in blob  # any 64-byte stretch of an encoding
    with sqlite3.connect(export) as conn:
        columns = {c[1] for t in ("entries", "batches", "sightings", "certificates", "tree_heads",
                                          "alerts")
                   for c in conn.execute(f"PRAGMA table_info({t})")}
    assert not columns & {"subject", "encoding", "token", "case_ref", "name_filter"}


@pytest.mark.parametrize("stem", ["node-GM0363", "riec-rotterdam"])
def test_only_auditor_or_operator_may_export(site, stem):
    with secure_channel(f"127.0.0.1:{site.hub.port}", site.pki.tls(stem)) as channel:
        stub = audit_pb2_grpc.AuditServiceStub(channel)
        with pytest.raises(grpc.RpcError) as err:
            list(stub.Export(audit_pb2.ExportRequest(), timeout=10))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_verify_command_names_first_bad_entry_in_one_line(site, export, capsys):
    run = entry(export, 2)
    run["new_links"] += 1
    edit(export, ("UPDATE entries SET entry = ? WHERE idx = 2", [canonical(run)]))
    code = cli.main(["audit", "verify", str(export), "--log-key", str(site.hub_home / "log.vkey"),
                     "--ca", str(site.pki.root / "ca.pem")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("zichtlijn: audit verify FAILED: entry #2 was changed")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_verify_of_a_file_that_is_not_an_export_is_one_line(site, tmp_path, capsys):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not sqlite at all" * 100)
    code = cli.main(["audit", "verify", str(bogus), "--log-key", str(site.hub_home / "log.vkey"),
                     "--ca", str(site.pki.root / "ca.pem")])
    err = capsys.readouterr().err
    assert code == 1 and err == f"zichtlijn: {bogus}: not a zichtlijn audit export\n"


def test_operator_exports_with_the_cli_and_refuses_to_overwrite(site, tmp_path, capsys):
    out = tmp_path / "operator.db"
    assert cli.main(["audit", "export", "--home", str(site.hub_home), "--out", str(out)]) == 0
    assert "log entries" in capsys.readouterr().out and verify(out, site).ok
    assert cli.main(["audit", "export", "--home", str(site.hub_home), "--out", str(out)]) == 1
    assert capsys.readouterr().err == f"zichtlijn: {out} exists; choose another file name\n"


def test_export_without_home_or_hub_is_a_one_line_error(tmp_path, capsys):
    assert cli.main(["audit", "export", "--out", str(tmp_path / "x.db")]) == 1
    assert capsys.readouterr().err == (
        "zichtlijn: --hub --ca --cert --key required to reach the hub (or pass --home)\n")


def test_node_status_shows_the_verified_log(site, capsys):
    assert cli.main(["node", "status", "--home", str(site.node("GM0599").home)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("audit log"))
    assert line.startswith("audit log  verified at ") and ", 2 receipts kept; log key " in line


def test_a_certificate_stored_under_another_fingerprint_is_not_used(site, export):
    """Found by mutation testing: nothing checked that each exported certificate is the one
    its fingerprint names. Two certificates swapped between rows are each reported, and
    the uploads signed with them are not taken as verified by the wrong certificate."""
    with sqlite3.connect(export) as conn:
        rows = conn.execute("SELECT sha256, pem FROM certificates ORDER BY sha256").fetchall()
    assert len(rows) >= 2
    (first, first_pem), (second, second_pem) = rows[0], rows[1]
    edit(export, ("UPDATE certificates SET pem = ? WHERE sha256 = ?", [second_pem, first]),
         ("UPDATE certificates SET pem = ? WHERE sha256 = ?", [first_pem, second]))
    messages = [p.message for p in verify(export, site).problems]
    for fingerprint in (first, second):
        assert (f"certificate {bytes(fingerprint).hex()[:16]}: fingerprint does not match "
                "its content") in messages

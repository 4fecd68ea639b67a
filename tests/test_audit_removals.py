"""`audit verify` accepts sightings that left by withdrawal, correction or purge, as logged.

Any other sighting that vanishes from the hub is still reported.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hub.retention import purge
from linkage.encode import Encoder
from linkage.schema import default_schema
from node.importer import import_csv
from node.store import NodeStore
from tests.audit_support import Site, actions, copy_export, edit, verify
from tests.record_signing import correct_request, withdraw_request
from tests.test_csv_import import csv_bytes, good
from zichtlijn.keyfile import load_purpose_keys
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import encoding_pb2, records_pb2_grpc

TODAY = dt.date(2026, 11, 23)


def load(site: Site, gemeente: str, rows: list[list[str]]) -> None:
    config = site.node(gemeente)
    store = NodeStore(config.db_path)
    try:
        encoder = Encoder(default_schema(), load_purpose_keys(site.secret_file))
        assert import_csv(csv_bytes(rows), store, encoder, TODAY).rejected == 0
    finally:
        store.close()


def row(case_ref: str, observed_on: str, given: str, surname: str) -> list[str]:
    values = good(case_ref, given, surname)
    values[1] = observed_on
    return values


def stored(site: Site, gemeente: str, case_ref: str) -> encoding_pb2.EncodedSighting:
    store = NodeStore(site.node(gemeente).db_path)
    try:
        (blob,) = store.db.execute("SELECT encoded FROM sightings WHERE case_ref = ?",
                                   [case_ref]).fetchone()
    finally:
        store.close()
    return encoding_pb2.EncodedSighting.FromString(blob)


def records(site: Site, gemeente: str):
    return secure_channel(f"127.0.0.1:{site.hub.port}", site.pki.tls(f"node-{gemeente}"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, pki, secret_file):
    site = Site(tmp_path_factory.mktemp("removals"), pki, secret_file)
    site.start()
    load(site, "GM0363", [row("A", "2026-01-10", "Elena", "Ionescu"),
                          row("B", "2026-03-01", "Elena", "Ionescu"),
                          row("C", "2026-05-01", "Elena", "Ionescu")])
    site.sync("GM0363")
    load(site, "GM0599", [row("D", "2026-05-02", "Ioana", "Vasile"),
                          row("E", "2026-05-03", "Ioana", "Vasile")])
    site.sync("GM0599")
    with records(site, "GM0363") as channel:
        reply = records_pb2_grpc.RecordServiceStub(channel).Withdraw(withdraw_request(
            pki, "node-GM0363", stored(site, "GM0363", "B").sighting_uuid), timeout=10)
        assert reply.removed
    corrected = stored(site, "GM0599", "D")
    corrected.signals.append("unlicensed")
    with records(site, "GM0599") as channel:
        assert records_pb2_grpc.RecordServiceStub(channel).Correct(
            correct_request(pki, "node-GM0599", corrected, stored(site, "GM0599", "D")),
            timeout=10).changed
    # 18 months after A's control: A goes, the others stay
    assert purge(site.hub.store, site.hub.linker, dt.date(2027, 7, 10), 18).sightings == 1
    site.witness("GM0363")
    site.export(site.root / "export.db")
    yield site
    site.stop()


@pytest.fixture()
def export(site, tmp_path):
    return copy_export(site.root / "export.db", tmp_path / "export.db")


def test_lawful_removals_verify(site, export):
    assert {"withdraw", "correct", "retention_purge"} <= set(actions(export))
    report = verify(export, site)
    assert report.ok, [p.message for p in report.problems]
    assert report.sightings == 3  # C, the corrected D, E


def test_a_sighting_deleted_without_an_entry_is_still_caught(site, export):
    edit(export, ("DELETE FROM sightings WHERE rowid = (SELECT max(rowid) FROM sightings)", []))
    report = verify(export, site)
    assert not report.ok
    assert any("the hub holds" in p.message or "not held by the hub" in p.message
               for p in report.problems)

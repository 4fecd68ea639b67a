"""The audit export digests each sighting as the hub holds it now, so a sighting changed in
hub.db after its upload no longer matches what its node signed, and `audit verify` says so."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence

import pytest

from hub import stored_content
from hub.store import HubStore
from tests.lookup_support import audit_hub, running_hub, three_towns, uuids_by_case
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2


def identity(seed: int) -> encoding_pb2.IdentityEncoding:
    return encoding_pb2.IdentityEncoding(name_filter=bytes([seed]) * 128,
                                         dob_tokens=[seed, seed + 1], sex_token=seed,
                                         document_token=bytes([seed]) * 16,
                                         document_near=[seed, seed + 2], place_bucket=seed,
                                         nationality_bucket=seed + 1,
                                         short_name_filter=bytes([seed]) * 32,
                                         single_word_name=True)


def other_epoch(epoch: int) -> encoding_pb2.EpochEncoding:
    return encoding_pb2.EpochEncoding(
        epoch=epoch, subject=identity(epoch), companions=[identity(epoch + 50)],
        entities=[encoding_pb2.EntityToken(kind=2, token=bytes([epoch]) * 16),
                  encoding_pb2.EntityToken(kind=1, token=bytes([epoch + 1]) * 16)])


def sighting(licensed: bool | None, others: list[int]) -> encoding_pb2.EncodedSighting:
    message = encoding_pb2.EncodedSighting(
        sighting_uuid=str(uuid.uuid4()), observed_on="2026-03-01",
        setting=encoding_pb2.SETTING_HOTEL, signals=["unlicensed", "controller_present"],
        epoch=3, schema_fingerprint=b"\x07" * 32, subject=identity(3),
        companions=[identity(60), identity(61)],
        # tokens in an order no sort would give, a repeated one included
        entities=[encoding_pb2.EntityToken(kind=2, token=b"\x09" * 16),
                  encoding_pb2.EntityToken(kind=1, token=b"\x01" * 16),
                  encoding_pb2.EntityToken(kind=2, token=b"\x09" * 16)],
        other_epochs=[other_epoch(e) for e in others])
    if licensed is not None:
        message.licensed = licensed
    return message


@pytest.fixture()
def store(tmp_path):
    hub_store = HubStore(tmp_path / "hub.db")
    yield hub_store
    hub_store.close()


def rebuilt(store: HubStore) -> dict[str, bytes]:
    rows = store.db.execute(f"SELECT {stored_content.COLUMNS}, digest FROM sightings "
                            "ORDER BY seq").fetchall()
    return {row[1]: d for row, d in zip(rows, stored_content.content_digests(
        store.db.conn, rows), strict=True)}


def test_every_stored_sighting_rebuilds_to_the_digest_its_node_signed(store):
    sent = [sighting(None, []), sighting(True, [2]), sighting(False, [2, 1]),
            sighting(True, [1, 2])]  # two other epochs, newest first and oldest first
    store.store_batch("GM0363", wire.batch_digest(sent), sent)
    assert rebuilt(store) == {s.sighting_uuid: wire.sighting_digest(s) for s in sent}


@pytest.mark.parametrize("change", [
    "UPDATE sightings SET signals = 'controller_present;no_id_access'",
    "UPDATE sightings SET observed_on = '2026-03-02'",
    "UPDATE sightings SET licensed = 0",
    "UPDATE sightings SET setting = 'raam'",
    "UPDATE entities SET token = x'0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a' WHERE kind = 1",
    "DELETE FROM companions WHERE position = 1",
    "UPDATE epoch_encodings SET encoding = (SELECT encoding FROM epoch_encodings "
    "WHERE epoch = 1) WHERE epoch = 2",
], ids=["signals", "date", "licence", "setting", "entity", "companion", "other-epoch"])
def test_a_stored_sighting_changed_after_its_upload_rebuilds_to_another_digest(store, change):
    sent = [sighting(True, [2, 1])]
    store.store_batch("GM0363", wire.batch_digest(sent), sent)
    store.db.execute(change)
    assert rebuilt(store)[sent[0].sighting_uuid] != wire.sighting_digest(sent[0])


def test_audit_verify_catches_a_signal_code_added_in_the_hub_database(tmp_path, pki,
                                                                       secret_file, capsys):
    """The insider's false alert: a stored sighting given signal codes its node never
    sent. The export's digest of it is no longer one its batch's node signed."""
    with running_hub(tmp_path, pki, alerts=True) as hub:
        homes = three_towns(tmp_path, pki, secret_file, hub)
        code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
        assert code == 0, out
        target = uuids_by_case(homes["GM0599"])["RTM-8"]
        with sqlite3.connect(tmp_path / "hub" / "hub.db") as conn:
            conn.execute("UPDATE sightings SET signals = 'controller_present;no_id_access' "
                         "WHERE sighting_uuid = ?", [target])
        code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 1
    assert f"sighting {target}" in out and "GM0599" in out


def test_the_rebuild_covers_every_field_a_node_sends():
    """A field added to EncodedSighting (or to the messages in it) that the hub does not
    store and rebuild would make every export report every sighting carrying it: the
    sightings these tests rebuild set every field there is."""

    def unset(message) -> set[str]:
        present = {field.name for field, _ in message.ListFields()}
        missing = {f"{message.DESCRIPTOR.name}.{f.name}" for f in message.DESCRIPTOR.fields
                   if f.name not in present}
        for field, value in message.ListFields():
            if field.message_type is not None:
                for part in (value if isinstance(value, Sequence) else [value]):
                    missing |= unset(part)
        return missing

    assert unset(sighting(True, [2, 1])) == set()

"""A node's key epochs: install, overlap with dual encoding, retirement."""

from __future__ import annotations

import datetime as dt

import pytest

from linkage.encode import Encoder
from linkage.schema import default_schema
from node.epochs import CURRENT, OVERLAP, RETIRED, EpochError, Keyring
from node.importer import import_csv
from node.store import NodeStore
from tests.conftest import make_node
from tests.keytools import make_epoch, package_node
from tests.test_csv_import import csv_bytes, good
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2

DAY0 = dt.date(2026, 6, 1)
ROTATE = dt.date(2026, 7, 1)
OVERLAP_END = dt.date(2026, 9, 29)
AFTER = OVERLAP_END + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def kits(pki):
    return {e: make_epoch(pki, e, ["GM0363", "GM0599"]) for e in (1, 2, 3)}


@pytest.fixture()
def node(tmp_path, pki):
    config = package_node(tmp_path, pki, "GM0363", 1)
    store = NodeStore(config.db_path)
    yield config, store, Keyring(config, store)
    store.close()


@pytest.fixture()
def rotated(node, kits):
    _, _, keyring = node
    keyring.install(kits[1].packages["GM0363"], DAY0)
    keyring.install(kits[2].packages["GM0363"], ROTATE, OVERLAP_END)
    return node


def states(keyring, today):
    return [(i.epoch, i.state) for i in keyring.epochs(today)]


def test_first_package_becomes_the_current_epoch(node, kits):
    _, _, keyring = node
    info = keyring.install(kits[1].packages["GM0363"], DAY0)
    assert (info.epoch, info.state, info.key_fingerprint) == (1, CURRENT,
                                                               kits[1].keys.fingerprint())
    [encoder] = keyring.encoders(default_schema(), DAY0)
    assert encoder.keys.as_dict() == kits[1].keys.as_dict()


def test_package_of_another_node_is_refused(node, kits):
    _, _, keyring = node
    with pytest.raises(EpochError, match="made for GM0599, not for this node"):
        keyring.install(kits[1].packages["GM0599"], DAY0, name="p")
    assert keyring.epochs(DAY0) == []


def test_package_on_disk_is_the_sealed_one(rotated, kits):
    config, _, _ = rotated
    files = sorted(p.name for p in config.key_packages.iterdir())
    assert files == ["epoch-1.keys", "epoch-2.keys"]
    text = (config.key_packages / "epoch-2.keys").read_bytes()
    assert all(key.hex().encode() not in text and key not in text
               for key in kits[2].material())


def test_newer_package_starts_an_overlap_with_dual_encoding(rotated, kits):
    _, _, keyring = rotated
    assert states(keyring, ROTATE) == [(2, CURRENT), (1, OVERLAP)]
    assert keyring.epochs(ROTATE)[1].overlap_until == OVERLAP_END
    assert [e.epoch for e in keyring.encoders(default_schema(), OVERLAP_END)] == [2, 1]


def test_after_the_overlap_the_old_epoch_is_retired_and_refused(rotated, kits):
    config, _, keyring = rotated
    assert states(keyring, AFTER) == [(2, CURRENT), (1, RETIRED)]
    assert keyring.epochs(AFTER)[1].retired_on == AFTER
    assert not (config.key_packages / "epoch-1.keys").exists()
    assert [e.epoch for e in keyring.encoders(default_schema(), AFTER)] == [2]
    with pytest.raises(EpochError, match="epoch 1 was retired on 2026-09-30"):
        keyring.keys_for(1, AFTER)
    # and it stays refused on later days, even if asked with an earlier date again
    with pytest.raises(EpochError, match="retired"):
        keyring.keys_for(1, ROTATE)


def test_retired_epoch_never_comes_back(rotated, kits):
    _, _, keyring = rotated
    keyring.epochs(AFTER)
    with pytest.raises(EpochError, match="a retired epoch never comes back"):
        keyring.install(kits[1].packages["GM0363"], AFTER)


def test_overlap_can_be_ended_early_but_the_current_epoch_cannot_be_retired(rotated):
    config, _, keyring = rotated
    with pytest.raises(EpochError, match="epoch 2 is the current epoch"):
        keyring.retire(2, ROTATE)
    info = keyring.retire(1, ROTATE)
    assert (info.state, info.retired_on) == (RETIRED, ROTATE)
    assert not (config.key_packages / "epoch-1.keys").exists()


def test_next_rotation_waits_for_the_overlap_to_end(rotated, kits):
    _, _, keyring = rotated
    with pytest.raises(EpochError, match="epoch 1 is still in its overlap window"):
        keyring.install(kits[3].packages["GM0363"], ROTATE)
    keyring.retire(1, ROTATE)
    assert keyring.install(kits[3].packages["GM0363"], ROTATE).epoch == 3
    assert states(keyring, ROTATE) == [(3, CURRENT), (2, OVERLAP), (1, RETIRED)]


def test_older_or_conflicting_packages_are_refused(rotated, kits, pki):
    _, _, keyring = rotated
    keyring.retire(1, ROTATE)
    with pytest.raises(EpochError, match="retired"):
        keyring.install(kits[1].packages["GM0363"], ROTATE)
    again = keyring.install(kits[2].packages["GM0363"], ROTATE)
    assert again.state == CURRENT  # the same package twice: nothing changes
    rogue = make_epoch(pki, 2, ["GM0363"])
    with pytest.raises(EpochError, match="other keys for epoch 2"):
        keyring.install(rogue.packages["GM0363"], ROTATE)


def test_epoch_older_than_current_is_refused(node, kits):
    _, _, keyring = node
    keyring.install(kits[2].packages["GM0363"], DAY0)
    with pytest.raises(EpochError, match="epoch 1 is older than this node's epoch 2"):
        keyring.install(kits[1].packages["GM0363"], DAY0)


def test_secret_file_node_has_one_epoch_and_cannot_rotate(tmp_path, pki, secret_file, kits):
    config = make_node(tmp_path, pki, secret_file, "GM0363", 1)
    store = NodeStore(config.db_path)
    try:
        keyring = Keyring(config, store)
        [info] = keyring.epochs(DAY0)
        assert (info.epoch, info.state, info.from_secret_file) == (1, CURRENT, True)
        with pytest.raises(EpochError, match="development secret file"):
            keyring.install(kits[2].packages["GM0363"], DAY0)
    finally:
        store.close()


def _stored(store):
    return [encoding_pb2.EncodedSighting.FromString(r[0])
            for r in store.db.execute("SELECT encoded FROM sightings ORDER BY rowid")]


def test_import_during_overlap_encodes_under_both_epochs(rotated, kits):
    _, store, keyring = rotated
    encoder, *older = keyring.encoders(default_schema(), ROTATE)
    report = import_csv(csv_bytes([good("A-1")]), store, encoder, ROTATE, also=older)
    assert report.imported == 1
    [message] = _stored(store)
    assert message.epoch == 2
    [other] = message.other_epochs
    assert other.epoch == 1
    alone = Encoder(default_schema(), kits[1].keys)
    single = import_csv(csv_bytes([good("B-1")]), store, alone, ROTATE)
    assert single.imported == 1
    assert _stored(store)[1].subject == other.subject  # the same as encoding under epoch 1 alone


def test_import_after_overlap_uses_the_new_epoch_only(rotated):
    _, store, keyring = rotated
    encoder, *older = keyring.encoders(default_schema(), AFTER)
    assert older == []
    import_csv(csv_bytes([good("A-1")]), store, encoder, AFTER, also=older)
    [message] = _stored(store)
    assert (message.epoch, len(message.other_epochs)) == (2, 0)


def test_reimport_across_a_rotation_is_unchanged_not_a_conflict(rotated):
    """The same export imported before, during and after the overlap stays one sighting."""
    _, store, keyring = rotated
    rows = csv_bytes([good("A-1"), good("A-2", "Elena", "Ionescu")])
    before = import_csv(rows, store, Encoder(default_schema(), keyring.keys_for(1, DAY0)),
                        DAY0)
    assert before.imported == 2
    for day in (ROTATE, AFTER):
        encoder, *older = keyring.encoders(default_schema(), day)
        report = import_csv(rows, store, encoder, day, also=older)
        assert (report.imported, report.unchanged, report.rejected) == (0, 2, 0)
    changed = csv_bytes([good("A-1", "Maria", "Ionescu")])
    encoder, *older = keyring.encoders(default_schema(), AFTER)
    import_csv(csv_bytes([good("A-3")]), store, encoder, AFTER)
    report = import_csv(csv_bytes([good("A-3", "Maria", "Ionescu")]), store, encoder, AFTER)
    assert report.rejected == 1 and "other content" in str(report.errors[0])
    assert import_csv(changed, store, encoder, AFTER).unchanged == 1  # epoch 1 is gone


def test_the_row_a_correction_replaced_is_known_across_a_rotation(rotated):
    """node correct keeps the row as first imported as a digest per epoch: the export that
    still holds it is left out during the overlap too, compared under the shared epoch."""
    from node.importer import CORRECTED_AT_NODE
    from node.records import correct

    _, store, keyring = rotated
    old = csv_bytes([good("A-1")])
    import_csv(old, store, Encoder(default_schema(), keyring.keys_for(1, DAY0)), DAY0)
    correct(None, store, "A-1", {"given_names": "Ana Maria", "surname": "Popovici",
                                 "date_of_birth": "14-03-1998"},
            [Encoder(default_schema(), keyring.keys_for(1, DAY0))], DAY0,
            lambda parsed: None, 10.0)
    encoder, *older = keyring.encoders(default_schema(), ROTATE)
    report = import_csv(old, store, encoder, ROTATE, also=older)
    assert (report.imported, report.rejected, report.skipped) == (
        0, 0, {CORRECTED_AT_NODE: 1})
    report = import_csv(csv_bytes([good("A-1", "Elena")]), store, encoder, ROTATE, also=older)
    assert report.rejected == 1 and "other content" in str(report.errors[0])


def test_dual_encoded_digest_views(rotated):
    from node.epoch_views import epoch_digests

    _, store, keyring = rotated
    encoder, *older = keyring.encoders(default_schema(), ROTATE)
    import_csv(csv_bytes([good("A-1")]), store, encoder, ROTATE, also=older)
    [message] = _stored(store)
    views = epoch_digests(message)
    assert sorted(views) == [1, 2]
    plain = encoding_pb2.EncodedSighting()
    plain.CopyFrom(message)
    plain.ClearField("sighting_uuid")
    plain.ClearField("other_epochs")
    assert views[2] == wire.sighting_digest(plain)


def test_an_installed_epochs_keys_sealed_to_a_new_certificate_replace_its_package(
        node, kits, tmp_path, capsys):
    # after a revocation the municipality's new certificate has a new key: the package
    # sealed to the old one no longer opens, and the same keys sealed anew must take its
    # place (installing it used to say "installed" and keep the old file)
    import dataclasses

    from cryptography import x509

    from linkage.key_package import KeyPackageError, seal_package
    from linkage.shares import secret_fingerprint
    from tests.conftest import Pki
    from zichtlijn.pki import write_dev_pki

    config, store, keyring = node
    keyring.install(kits[1].packages["GM0363"], DAY0)
    renewed = Pki(tmp_path / "renewed")
    write_dev_pki(renewed.root, ["GM0363"], [], [])
    config = dataclasses.replace(config, tls=renewed.tls("node-GM0363"))
    keyring = Keyring(config, store)
    with pytest.raises(KeyPackageError, match="sealed to another certificate of GM0363"):
        keyring.encoders(default_schema(), DAY0)
    # node status shows it as a WARNING among the rest, not as its only line
    from zichtlijn import cli
    (config.home / "node.toml").write_text(config.to_toml(), "utf-8")
    assert cli.main(["node", "status", "--home", str(config.home), "--check"]) == 1
    shown = capsys.readouterr().out
    assert "WARNING: " in shown and "sealed to another certificate of GM0363" in shown
    assert "epochs     1 current" in shown
    cert = x509.load_pem_x509_certificate((renewed.root / "node-GM0363.pem").read_bytes())
    resealed = seal_package(kits[1].keys, "GM0363", cert.public_key(),
                            secret_fingerprint(kits[1].secret, 1))
    info = keyring.install(resealed, DAY0)
    assert (info.epoch, info.state) == (1, CURRENT)
    assert (config.key_packages / "epoch-1.keys").read_bytes() == resealed
    [encoder] = keyring.encoders(default_schema(), DAY0)
    assert encoder.keys.as_dict() == kits[1].keys.as_dict()


def test_node_status_past_the_overlap_destroys_nothing(node, kits, capsys):
    """A read, perhaps a monitoring job's on a clock running ahead, must not destroy keys
    irreversibly: only a command that encodes or reports (import, sync) retires."""
    from zichtlijn import cli

    config, _, keyring = node
    today = dt.date.today()
    ended = today - dt.timedelta(days=1)
    keyring.install(kits[1].packages["GM0363"], today - dt.timedelta(days=100))
    keyring.install(kits[2].packages["GM0363"], today - dt.timedelta(days=60), ended)
    package = config.key_packages / "epoch-1.keys"
    capsys.readouterr()
    for check in ([], ["--check"]):
        cli.main(["node", "status", "--home", str(config.home), *check])
        shown = capsys.readouterr().out
        assert (f"1 overlap ended on {ended}; retired at the next import or sync" in shown)
        assert package.exists()
    assert states(keyring, today) == [(2, CURRENT), (1, RETIRED)]  # as an import asks
    assert not package.exists()
    cli.main(["node", "status", "--home", str(config.home)])
    assert f"1 retired on {today}: keys destroyed" in capsys.readouterr().out

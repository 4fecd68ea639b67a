"""Nodes sync to a real hub over gRPC with real mTLS certificates."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import grpc
import pytest

from linkage.encode import Encoder
from linkage.schema import default_schema
from node.importer import import_csv
from node.log_client import NodeLog
from node.store import NodeStore
from node.sync import build_batch, sync
from tests.conftest import GEMEENTEN, make_node
from tests.test_csv_import import csv_bytes, good
from zichtlijn.keyfile import load_purpose_keys
from zichtlijn.transport import describe_rpc_error, secure_channel
from zichtlijn.v1 import encoding_pb2, sync_pb2, sync_pb2_grpc

TODAY = dt.date(2026, 11, 23)


def imported_node(tmp_path, pki, secret_file, gemeente, port, rows):
    config = make_node(tmp_path, pki, secret_file, gemeente, port)
    store = NodeStore(config.db_path)
    encoder = Encoder(default_schema(), load_purpose_keys(secret_file))
    report = import_csv(csv_bytes(rows), store, encoder, TODAY)
    assert report.rejected == 0
    return config, store


def hub_uuids(hub) -> list[str]:
    with hub.store.lock:
        return [r[0] for r in hub.store.db.execute("SELECT sighting_uuid FROM sightings")]


def test_three_nodes_sync_and_the_hub_links_across_them(tmp_path, pki, secret_file, hub):
    people = [good(f"{g}-1", "Iulia", "Țurcanu") for g in GEMEENTEN]
    people[1][2:4] = ["Yulia", "Tsurkanu"]  # another transliteration at the second town
    others = [("Blessing", "Osagie"), ("Zsófia", "Kovács"), ("Maria", "de Vries")]
    for gemeente, row, other in zip(GEMEENTEN, people, others, strict=True):
        config, store = imported_node(tmp_path, pki, secret_file, gemeente, hub.port,
                                      [row, good(f"{gemeente}-2", *other)])
        with secure_channel(config.hub, config.tls) as channel:
            report = sync(channel, store, batch_size=1, timeout_s=30)
        assert (report.sent, report.accepted, report.batches) == (2, 2, 2)
        assert store.count_unsynced() == 0
    rows = hub.store.clusters()
    persons = {}
    for person, gemeente, _, _ in rows:
        persons.setdefault(person, set()).add(gemeente)
    assert len(rows) == 6
    assert sorted(len(g) for g in persons.values()) == [1, 1, 1, 3]


def test_second_sync_sends_nothing(tmp_path, pki, secret_file, hub):
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, [good("A")])
    with secure_channel(config.hub, config.tls) as channel:
        assert sync(channel, store, 10, 30).sent == 1
        assert sync(channel, store, 10, 30).sent == 0
    assert len(hub_uuids(hub)) == 1


def test_node_cannot_upload_as_another_gemeente(tmp_path, pki, secret_file, hub):
    """The gemeente comes from the certificate: GM0599's connection cannot carry GM0363's batch.

    GM0363 signs the batch for GM0363; the hub checks that signature against the
    certificate of the connection (GM0599) and stores nothing.
    """
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, [good("A")])
    with secure_channel(config.hub, pki.tls("node-GM0599")) as channel, \
            pytest.raises(grpc.RpcError) as err:
        sync(channel, store, 10, 30)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "node_signature does not verify" in err.value.details()
    assert hub_uuids(hub) == [] and store.count_unsynced() == 1


@pytest.mark.parametrize("stem", ["riec-rotterdam", "auditor-ap", "operator-operator"])
def test_only_node_certificates_may_upload(tmp_path, pki, secret_file, hub, stem):
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, [good("A")])
    with secure_channel(config.hub, pki.tls(stem)) as channel, pytest.raises(grpc.RpcError) as err:
        sync(channel, store, 10, 30)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert store.count_unsynced() == 1 and hub_uuids(hub) == []


def test_client_from_another_ca_is_refused(tmp_path, pki, foreign_pki, secret_file, hub):
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, [good("A")])
    tls = foreign_pki.tls("node-GM0363")
    # trust the real hub, present a certificate from the foreign CA
    mixed = type(tls)(pki.root / "ca.pem", tls.cert, tls.key)
    with secure_channel(config.hub, mixed) as channel, pytest.raises(grpc.RpcError) as err:
        sync(channel, store, 10, 10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    # in words, not gRPC's "failed to connect to all addresses; ... Socket closed"
    assert describe_rpc_error(err.value, config.hub) == (
        f"hub {config.hub} unreachable: the hub closed the connection during the TLS "
        "handshake: is this machine's certificate one the hub trusts (signed by its CA)?")
    assert hub_uuids(hub) == []


def test_a_hub_nobody_listens_for_is_said_in_words(tmp_path, pki, secret_file, hub):
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, [good("A")])
    with secure_channel("127.0.0.1:1", config.tls) as channel, \
            pytest.raises(grpc.RpcError) as err:
        sync(channel, store, 10, 10)
    assert describe_rpc_error(err.value, "127.0.0.1:1") == (
        "hub 127.0.0.1:1 unreachable: nothing answers at that address: is the hub running, "
        "and is its address right?")


def test_a_hub_of_another_ca_is_said_to_fail_the_handshake(tmp_path, pki, foreign_pki,
                                                           secret_file, hub):
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, [good("A")])
    tls = pki.tls("node-GM0363")
    trusting_another = type(tls)(foreign_pki.root / "ca.pem", tls.cert, tls.key)
    with secure_channel(config.hub, trusting_another) as channel, \
            pytest.raises(grpc.RpcError) as err:
        sync(channel, store, 10, 10)
    assert describe_rpc_error(err.value, config.hub).startswith(
        f"hub {config.hub} unreachable: the TLS handshake failed: check the CA certificate")


def test_client_without_certificate_is_refused(pki, hub):
    credentials = grpc.ssl_channel_credentials(root_certificates=(pki.root / "ca.pem").read_bytes())
    with grpc.secure_channel(f"127.0.0.1:{hub.port}", credentials) as channel:
        stub = sync_pb2_grpc.SyncServiceStub(channel)
        with pytest.raises(grpc.RpcError) as err:
            stub.GetNodeStatus(sync_pb2.NodeStatusRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_unreachable_hub_keeps_everything_unsynced(tmp_path, pki, secret_file):
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", 1, [good("A")])
    with secure_channel("127.0.0.1:1", config.tls) as channel, pytest.raises(grpc.RpcError) as err:
        sync(channel, store, 10, 5)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert store.count_unsynced() == 1


def test_health_service_reports_serving(pki, hub):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("operator-operator")) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(service="zichtlijn.v1.SyncService"),
                           timeout=10)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


# -- refused uploads: a status that says why, and nothing of the batch stored ------------


@pytest.fixture()
def upload(pki, hub):
    channel = secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363"))
    stub = sync_pb2_grpc.SyncServiceStub(channel)

    def send(*batches: sync_pb2.UploadBatch) -> list[sync_pb2.BatchReceipt]:
        return list(stub.Upload(iter(batches), timeout=30))

    yield send
    channel.close()


@pytest.fixture()
def valid_batch(tmp_path, pki, secret_file, hub) -> sync_pb2.UploadBatch:
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port,
                                  [good("A"), good("B", "Elena", "Ionescu")])
    return build_batch(list(store.unsynced()), NodeLog.open(config, store.db))


def rebuilt(batch: sync_pb2.UploadBatch, mutate) -> sync_pb2.UploadBatch:
    sightings = [type(s).FromString(s.SerializeToString()) for s in batch.sightings]
    mutate(sightings)
    from zichtlijn import wire

    return sync_pb2.UploadBatch(batch_digest=wire.batch_digest(sightings), sightings=sightings)


def _short_filter(sightings):
    sightings[1].subject.name_filter = sightings[1].subject.name_filter[:64]


def _foreign_schema(sightings):
    sightings[1].schema_fingerprint = b"\x00" * 16


def _bad_uuid(sightings):
    sightings[0].sighting_uuid = "not-a-uuid"


def _bad_date(sightings):
    sightings[0].observed_on = "yesterday"


def _compact_date(sightings):
    # Python reads 20250301 as a date; the hub compares dates as text, so its retention
    # purge would pass it by
    sightings[0].observed_on = "20250301"


def _week_date(sightings):
    sightings[0].observed_on = "2025W011"


def _place_beyond_buckets(sightings):
    # stored in 16 bits, beyond the schema's buckets it stopped every later link run
    sightings[1].subject.place_bucket = 70_000


def _nationality_beyond_buckets(sightings):
    sightings[0].subject.nationality_bucket = 33


def _unknown_entity_kind(sightings):
    sightings[0].entities.append(encoding_pb2.EntityToken(kind=99, token=b"\x01" * 16))


def _epoch_zero(sightings):
    sightings[0].epoch = 0


def _many_entities(sightings):
    token = encoding_pb2.EntityToken(kind=encoding_pb2.ENTITY_KIND_PHONE, token=b"\x01" * 16)
    sightings[0].entities.extend([token] * 17)


@pytest.mark.parametrize(
    ("mutate", "code", "says"),
    [
        (_short_filter, grpc.StatusCode.INVALID_ARGUMENT, "name_filter has 64 bytes"),
        (_foreign_schema, grpc.StatusCode.FAILED_PRECONDITION, "schema fingerprint"),
        (_bad_uuid, grpc.StatusCode.INVALID_ARGUMENT, "not a UUID"),
        (_bad_date, grpc.StatusCode.INVALID_ARGUMENT, "observed_on"),
        (_many_entities, grpc.StatusCode.INVALID_ARGUMENT, "sighting 0: too many entities"),
        (_compact_date, grpc.StatusCode.INVALID_ARGUMENT, "in the form YYYY-MM-DD"),
        (_week_date, grpc.StatusCode.INVALID_ARGUMENT, "in the form YYYY-MM-DD"),
        (_place_beyond_buckets, grpc.StatusCode.INVALID_ARGUMENT,
         "sighting 1.subject: place_bucket 70000 exceeds the schema's 512 buckets"),
        (_nationality_beyond_buckets, grpc.StatusCode.INVALID_ARGUMENT,
         "sighting 0.subject: nationality_bucket 33 exceeds"),
        (_unknown_entity_kind, grpc.StatusCode.INVALID_ARGUMENT, "sighting 0: malformed entity"),
        (_epoch_zero, grpc.StatusCode.INVALID_ARGUMENT, "epoch 0 is no key epoch"),
    ],
)
def test_bad_batch_refused_whole(upload, valid_batch, hub, mutate, code, says):
    with pytest.raises(grpc.RpcError) as err:
        upload(rebuilt(valid_batch, mutate))
    assert err.value.code() == code
    assert says in err.value.details()
    assert hub_uuids(hub) == []


def test_empty_batch_refused(upload, hub):
    from zichtlijn import wire

    with pytest.raises(grpc.RpcError) as err:
        upload(sync_pb2.UploadBatch(batch_digest=wire.batch_digest([])))
    assert (err.value.code(), err.value.details()) == (grpc.StatusCode.INVALID_ARGUMENT,
                                                       "empty batch")


def test_oversized_batch_refused(upload, valid_batch, hub):
    one = valid_batch.sightings[0]

    def many(sightings):
        import uuid

        sightings.clear()
        for _ in range(1001):
            copy = type(one).FromString(one.SerializeToString())
            copy.sighting_uuid = str(uuid.uuid4())
            sightings.append(copy)

    with pytest.raises(grpc.RpcError) as err:
        upload(rebuilt(valid_batch, many))
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert hub_uuids(hub) == []


def test_digest_that_does_not_match_content_is_refused(upload, valid_batch, hub):
    tampered = sync_pb2.UploadBatch(batch_digest=b"\x01" * 32, sightings=valid_batch.sightings)
    with pytest.raises(grpc.RpcError) as err:
        upload(tampered)
    assert "batch_digest does not match" in err.value.details()
    assert hub_uuids(hub) == []


def test_malformed_message_is_refused(pki, hub):
    with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel:
        raw = channel.stream_stream("/zichtlijn.v1.SyncService/Upload",
                                    request_serializer=lambda b: b,
                                    response_deserializer=lambda b: b)
        with pytest.raises(grpc.RpcError) as err:
            list(raw(iter([b"\xff\xff\xff\xff garbage"]), timeout=10))
    assert err.value.code() in (grpc.StatusCode.INTERNAL, grpc.StatusCode.INVALID_ARGUMENT)
    assert hub_uuids(hub) == []


def test_good_batches_before_a_bad_one_stay_stored(upload, valid_batch, hub):
    bad = rebuilt(valid_batch, _foreign_schema)
    bad.sightings[0].sighting_uuid = "1b4e28ba-2fa1-4d2b-883f-0016d3cca427"
    with pytest.raises(grpc.RpcError):
        upload(valid_batch, bad)
    assert sorted(hub_uuids(hub)) == sorted(s.sighting_uuid for s in valid_batch.sightings)


def test_retried_batch_is_acknowledged_but_not_stored_twice(upload, valid_batch, hub):
    [first] = upload(valid_batch)
    [again] = upload(valid_batch)
    assert (first.accepted, first.already_present) == (2, 0)
    assert (again.accepted, again.already_present) == (0, 2)
    assert len(hub_uuids(hub)) == 2


def test_interrupted_sync_rerun_gives_every_sighting_exactly_once(
    tmp_path, pki, secret_file, hub
):
    rows = [good(f"A-{i}", "Elena", f"Name{chr(97 + i % 26)}") for i in range(40)]
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, rows)
    # the hub stores a batch then the connection dies before the node hears the receipt
    with secure_channel(config.hub, config.tls) as channel:
        stub = sync_pb2_grpc.SyncServiceStub(channel)
        first = build_batch(list(store.unsynced())[:10], NodeLog.open(config, store.db))
        stream = stub.Upload(iter([first]), timeout=30)
        stream.cancel()
    hub.linker.link_pending()
    with secure_channel(config.hub, config.tls) as channel:
        sync(channel, store, batch_size=7, timeout_s=30)
    uuids = hub_uuids(hub)
    assert len(uuids) == len(set(uuids)) == 40
    assert store.count_unsynced() == 0


def test_hub_restart_mid_sync_then_rerun(tmp_path, pki, secret_file):
    """The hub goes down between batches; the rerun sends the rest, nothing twice."""
    from hub.config import HubConfig
    from hub.server import start_hub

    home = tmp_path / "hub"
    home.mkdir()
    hub_config = HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=4)
    first_hub = start_hub(hub_config)
    rows = [good(f"A-{i}", "Ioana", f"Vasile{chr(97 + i)}") for i in range(20)]
    config, store = imported_node(tmp_path, pki, secret_file, "GM0363", first_hub.port, rows)
    # The hub stores the first batch and goes down before the second: its handler waits
    # at the second batch until the node has the first receipt and the server is stopped
    # (without the wait a fast hub stores every batch before the node reads a receipt).
    stored, went_down = [], threading.Event()
    store_batch = first_hub.store.store_batch

    def store_until_down(*args, **kwargs):
        stored.append(1)
        if len(stored) > 1:
            went_down.wait(10)
            raise RuntimeError("the hub went down")
        return store_batch(*args, **kwargs)

    first_hub.store.store_batch = store_until_down
    sent = []

    def stop_after_first(done: int, total: int) -> None:
        sent.append(done)
        if len(sent) == 1:
            first_hub.server.stop(0)
            went_down.set()

    with secure_channel(config.hub, config.tls) as channel, pytest.raises(grpc.RpcError):
        sync(channel, store, batch_size=5, timeout_s=30, progress=stop_after_first)
    first_hub.stop(0)
    assert sent == [5]
    assert store.count_unsynced() == 15

    second_hub = start_hub(HubConfig(home, f"127.0.0.1:{first_hub.port}", pki.tls("hub-hub")))
    try:
        with secure_channel(config.hub, config.tls) as channel:
            sync(channel, store, batch_size=5, timeout_s=30)
        uuids = hub_uuids(second_hub)
        assert len(uuids) == len(set(uuids)) == 20
        assert store.count_unsynced() == 0
    finally:
        second_hub.stop(0)


def test_wrong_path_to_secret_is_a_clear_error(tmp_path):
    from zichtlijn.keyfile import KeyFileError

    with pytest.raises(KeyFileError, match="key file not found"):
        load_purpose_keys(Path(tmp_path / "missing.key"))


def test_the_hub_takes_the_keepalive_pings_its_clients_send():
    """A node waiting on a long link run sends a keepalive ping every KEEPALIVE_MS with no
    data flowing; a server wanting longer between such pings ends the call (GOAWAY,
    too_many_pings), as gRPC's default of five minutes did."""
    from zichtlijn import transport

    server = dict(transport.server_options())
    assert server["grpc.http2.min_ping_interval_without_data_ms"] < transport.KEEPALIVE_MS
    assert server["grpc.keepalive_time_ms"] == transport.KEEPALIVE_MS


def test_a_node_beyond_its_daily_uploads_is_refused_and_keeps_the_rest(tmp_path, pki,
                                                                        secret_file):
    """A node flooding the hub would make every node's lookups wait on its link runs:
    beyond [uploads] per_node_per_day the hub refuses the batch, and the node keeps it
    for a later sync. Other municipalities are not held to its count."""
    from hub.server import start_hub
    from hub.settings import HubSettings, UploadSettings
    from tests.conftest import HubConfig

    home = tmp_path / "hub"  # where make_node finds the hub's log key
    home.mkdir()
    hub = start_hub(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=4),
                    settings=HubSettings(uploads=UploadSettings(per_node_per_day=3)))
    try:
        rows = [good(f"A-{i}", "Elena", f"Ionescu{i}") for i in range(5)]
        config, store = imported_node(tmp_path, pki, secret_file, "GM0363", hub.port, rows)
        with (secure_channel(f"127.0.0.1:{hub.port}", config.tls) as channel,
              pytest.raises(grpc.RpcError) as err):
            sync(channel, store, 2, 30)
        assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "GM0363 sent 2 new sightings in the last 24 hours" in err.value.details()
        assert "at most 3 a day" in err.value.details()
        assert store.count_unsynced() == 3
        assert len(hub_uuids(hub)) == 2
        other, other_store = imported_node(tmp_path, pki, secret_file, "GM0599", hub.port,
                                           rows[:3])
        with secure_channel(f"127.0.0.1:{hub.port}", other.tls) as channel:
            sync(channel, other_store, 2, 30)
        assert other_store.count_unsynced() == 0
    finally:
        hub.stop(grace=0)


def test_two_uploads_under_one_certificate_at_once_share_the_daily_count(
        tmp_path, pki, secret_file, monkeypatch):
    """The code review: the count was read before the batch was stored, so two uploads at
    once (two homes with one certificate, or a retry while the first still runs) each
    passed it. Storing is slowed here so that both read their count while the other
    stores."""
    import threading
    import time

    from hub.server import start_hub
    from hub.settings import HubSettings, UploadSettings
    from tests.conftest import HubConfig

    home = tmp_path / "hub"
    home.mkdir()
    hub = start_hub(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=4),
                    settings=HubSettings(uploads=UploadSettings(per_node_per_day=3)))
    real = hub.store.store_batch

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(hub.store, "store_batch", slow)
    try:
        nodes = []
        for i in range(2):  # two homes of one municipality, each trusting the hub's log key
            (tmp_path / f"home{i}" / "hub").mkdir(parents=True)
            (tmp_path / f"home{i}" / "hub" / "log.vkey").write_bytes(
                (home / "log.vkey").read_bytes())
            nodes.append(imported_node(
                tmp_path / f"home{i}", pki, secret_file, "GM0363", hub.port,
                [good(f"{i}-{k}", "Elena", f"Ionescu{i}{k}") for k in range(3)]))
        refused: list[grpc.StatusCode] = []

        def upload(config, imported) -> None:
            store = NodeStore(config.db_path)  # a connection of this thread's own
            with secure_channel(f"127.0.0.1:{hub.port}", config.tls) as channel:
                try:
                    sync(channel, store, 3, 30)
                except grpc.RpcError as error:
                    refused.append(error.code())
                finally:
                    store.close()

        threads = [threading.Thread(target=upload, args=node) for node in nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert refused == [grpc.StatusCode.RESOURCE_EXHAUSTED]
        assert len(hub_uuids(hub)) == 3
    finally:
        hub.stop(grace=0)


def test_a_nodes_daily_count_reads_an_index_not_every_batch(hub):
    with hub.store.lock:
        plan = " ".join(row[-1] for row in hub.store.db.execute(
            "EXPLAIN QUERY PLAN SELECT coalesce(sum(accepted), 0) FROM batches "
            "WHERE gemeente = ? AND received_at > ?", ["GM0363", "2026-01-01"]))
    assert "batches_gemeente" in plan


def test_a_batch_held_for_one_gemeente_is_refused_under_another(valid_batch, hub):
    """The same content sent under another gemeente's certificate names that gemeente's
    UUIDs: it gets no receipt for them (nor the news that the hub holds them)."""
    from hub.store import ConflictError

    digest, sightings = bytes(valid_batch.batch_digest), list(valid_batch.sightings)
    assert hub.store.store_batch("GM0363", digest, sightings).accepted == 2
    with pytest.raises(ConflictError, match="belong to another gemeente"):
        hub.store.store_batch("GM0599", digest, sightings)
    assert hub.store.store_batch("GM0363", digest, sightings).already_present == 2

"""Revoking a certificate at the hub (README "Revoking a certificate"): a stolen node key
can no longer sync, list or withdraw, the node's new certificate works at once, and an
auditor finds any upload a hub accepted from a revoked certificate."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.revocation import RevocationList
from tests.conftest import Pki
from tests.lookup_support import audit_hub, day, import_and_sync, node, run, running_hub
from zichtlijn.identity import Principal
from zichtlijn.pki import DevCA

ROW = ["K-1", day(0), "Ana", "Lungu", "01-02-1999", "v", "", "nee", ""]


def issue(ca: DevCA, root: Path, role: str, name: str, hosts: tuple[str, ...] = ()) -> None:
    issued = ca.issue(Principal(role, name), hosts)
    (root / f"{role}-{name}.pem").write_bytes(issued.cert_pem)
    (root / f"{role}-{name}.key").write_bytes(issued.key_pem)


@pytest.fixture()
def own_ca(tmp_path) -> tuple[DevCA, Pki]:
    """A CA this test keeps, so it can issue a node a second certificate."""
    ca, root = DevCA.create(), tmp_path / "pki"
    root.mkdir()
    (root / "ca.pem").write_bytes(ca.cert_pem)
    issue(ca, root, "hub", "hub", ("localhost", "127.0.0.1"))
    for gemeente in ("GM0363", "GM0599"):
        issue(ca, root, "node", gemeente)
    return ca, Pki(root)


def test_a_revoked_node_certificate_is_refused_and_its_successor_works(
        tmp_path, secret_file, own_ca, capsys):
    ca, pki = own_ca
    stolen = tmp_path / "stolen.pem"
    with running_hub(tmp_path, pki) as hub:
        amsterdam = node(tmp_path, pki, secret_file, "GM0363", hub)
        rotterdam = node(tmp_path, pki, secret_file, "GM0599", hub)
        import_and_sync(tmp_path, amsterdam, [ROW])
        stolen.write_bytes((pki.root / "node-GM0363.pem").read_bytes())
        capsys.readouterr()
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert", stolen,
                   "--reason", "key_stolen") == 0  # while the hub serves
        assert "revoked the certificate of node:GM0363" in capsys.readouterr().out
        # whoever holds that key can no longer sync, list or withdraw
        assert run("node", "sync", "--home", amsterdam) == 1
        err = capsys.readouterr().err
        assert "revoked at the hub" in err and err.count("\n") == 1
        assert run("node", "withdraw", "--home", amsterdam, "K-1", "--reason", "error") == 1
        assert "revoked at the hub" in capsys.readouterr().err
        assert run("node", "sync", "--home", rotterdam) == 0  # the others go on
        # the municipality's new certificate works at once
        issue(ca, pki.root, "node", "GM0363")
        assert run("node", "sync", "--home", amsterdam) == 0
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert", stolen,
                   "--reason", "key_stolen") == 0
        assert "was revoked before" in capsys.readouterr().out
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert",
                   pki.root / "hub-hub.pem", "--reason", "key_lost") == 1
        assert "replaced, not revoked" in capsys.readouterr().err
    assert run("hub", "status", "--home", tmp_path / "hub") == 0
    assert "revoked      1 certificate(s) refused at the hub" in capsys.readouterr().out
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0 and "1 certificate_revoked" in out


def sha256_of(pem_file: Path) -> str:
    from cryptography import x509

    from zichtlijn.certsign import certificate_sha256

    return certificate_sha256(x509.load_pem_x509_certificate(pem_file.read_bytes())).hex()


def test_a_lost_certificate_is_revoked_by_its_fingerprint(tmp_path, secret_file, own_ca,
                                                          capsys):
    """After a lost laptop the operator may hold no copy of its PEM: the SHA-256 names it,
    and the hub knows whose it is from the uploads it signed."""
    ca, pki = own_ca
    hub_home = tmp_path / "hub"
    with running_hub(tmp_path, pki) as hub:
        amsterdam = node(tmp_path, pki, secret_file, "GM0363", hub)
        import_and_sync(tmp_path, amsterdam, [ROW])
        lost = sha256_of(pki.root / "node-GM0363.pem")
        capsys.readouterr()
        assert run("hub", "revoke", "--home", hub_home, "--fingerprint", lost.upper(),
                   "--reason", "key_lost") == 0  # while the hub serves
        out = capsys.readouterr().out
        assert out.startswith(f"revoked the certificate of node:GM0363 ({lost[:16]}; key_lost)")
        assert run("node", "sync", "--home", amsterdam) == 1
        err = capsys.readouterr().err
        assert "revoked at the hub" in err and err.count("\n") == 1
        # as openssl x509 -fingerprint -sha256 writes it
        colons = ":".join(lost[i:i + 2] for i in range(0, 64, 2)).upper()
        assert run("hub", "revoke", "--home", hub_home, "--fingerprint", colons,
                   "--reason", "key_lost") == 0
        assert "the certificate of node:GM0363 was revoked before" in capsys.readouterr().out
        issue(ca, pki.root, "node", "GM0363")  # its successor works at once
        assert run("node", "sync", "--home", amsterdam) == 0
    code, out = audit_hub(hub_home, pki.root / "ca.pem", capsys)
    assert code == 0 and "1 certificate_revoked" in out


def test_a_fingerprint_the_hub_never_saw_needs_the_pem(tmp_path, secret_file, own_ca, capsys):
    ca, pki = own_ca
    hub_home = tmp_path / "hub"
    with running_hub(tmp_path, pki) as hub:
        rotterdam = node(tmp_path, pki, secret_file, "GM0599", hub)  # never uploaded
        unseen = sha256_of(pki.root / "node-GM0599.pem")
        capsys.readouterr()
        assert run("hub", "revoke", "--home", hub_home, "--fingerprint", unseen,
                   "--reason", "key_lost") == 1
        assert capsys.readouterr().err == (
            f"zichtlijn: the hub has never seen certificate {unseen} (it keeps the "
            "certificates that signed an upload): revoke it with --cert FILE, its PEM from "
            "the CA\n")
        for bad in ("abc", "g" * 64, unseen[:-2]):
            assert run("hub", "revoke", "--home", hub_home, "--fingerprint", bad,
                       "--reason", "key_lost") == 1
            err = capsys.readouterr().err
            assert err == (f"zichtlijn: {bad!r} is not a certificate's SHA-256 (64 hex "
                           "digits)\n")
        import_and_sync(tmp_path, rotterdam, [ROW])  # nothing was revoked
    assert run("hub", "status", "--home", hub_home) == 0
    assert "revoked      " not in capsys.readouterr().out
    # one that never uploaded (a RIEC's), revoked from its PEM, is known by its fingerprint
    issue(ca, pki.root, "riec", "rotterdam")
    riec = pki.root / "riec-rotterdam.pem"
    assert run("hub", "revoke", "--home", hub_home, "--cert", riec, "--reason", "left") == 0
    assert run("hub", "revoke", "--home", hub_home, "--fingerprint", sha256_of(riec),
               "--reason", "left") == 0
    assert "the certificate of riec:rotterdam was revoked before" in capsys.readouterr().out


@pytest.mark.parametrize("which", [[], ["--cert", "x.pem", "--fingerprint", "ab" * 32]])
def test_revoke_takes_the_pem_or_the_fingerprint_not_both(tmp_path, which, capsys):
    with pytest.raises(SystemExit) as exited:
        run("hub", "revoke", "--home", tmp_path, *which, "--reason", "key_lost")
    assert exited.value.code == 2
    assert "--cert" in capsys.readouterr().err


def test_an_upload_a_hub_took_from_a_revoked_certificate_fails_the_audit(
        tmp_path, secret_file, own_ca, monkeypatch, capsys):
    _, pki = own_ca
    monkeypatch.setattr(RevocationList, "revoked", lambda self, pem: False)  # a lax hub
    with running_hub(tmp_path, pki) as hub:
        amsterdam = node(tmp_path, pki, secret_file, "GM0363", hub)
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert",
                   pki.root / "node-GM0363.pem", "--reason", "key_stolen") == 0
        import_and_sync(tmp_path, amsterdam, [ROW])
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 1 and "upload signed with certificate" in out


def test_a_restore_from_a_backup_before_the_revocation_keeps_it(
        tmp_path, secret_file, own_ca, capsys):
    _, pki = own_ca
    backup = tmp_path / "hub-backup.db"
    with running_hub(tmp_path, pki) as hub:
        amsterdam = node(tmp_path, pki, secret_file, "GM0363", hub)
        import_and_sync(tmp_path, amsterdam, [ROW])
        assert run("hub", "backup", "--home", tmp_path / "hub", "--out", backup) == 0
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert",
                   pki.root / "node-GM0363.pem", "--reason", "key_stolen") == 0
    capsys.readouterr()
    assert run("hub", "restore", "--home", tmp_path / "hub", "--from", backup) == 0
    assert "1 certificate revocation(s) made after the backup kept" in capsys.readouterr().out
    with running_hub(tmp_path, pki, name="hub") as hub:
        config = amsterdam / "node.toml"
        text = config.read_text("utf-8")
        start = text.index('hub = "127.0.0.1:') + len('hub = "127.0.0.1:')
        config.write_text(text[:start] + str(hub.port) + text[text.index('"', start):])
        assert run("node", "sync", "--home", amsterdam) == 1
        assert "revoked at the hub" in capsys.readouterr().err
    code, out = audit_hub(tmp_path / "hub", pki.root / "ca.pem", capsys)
    assert code == 0 and "1 certificate_revoked" in out


def test_every_rpc_of_every_service_refuses_a_revoked_certificate(tmp_path, own_ca):
    """Read off the protos, so a service added later is held to it too."""
    import grpc
    from google.protobuf import message_factory

    from zichtlijn.transport import secure_channel
    from zichtlijn.v1 import (
        alerts_pb2,
        audit_pb2,
        epochs_pb2,
        lookup_pb2,
        records_pb2,
        sync_pb2,
    )

    _, pki = own_ca
    with running_hub(tmp_path, pki, alerts=True) as hub:
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert",
                   pki.root / "node-GM0363.pem", "--reason", "key_stolen") == 0
        methods = 0
        with secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel:
            for module in (alerts_pb2, audit_pb2, epochs_pb2, lookup_pb2, records_pb2,
                           sync_pb2):
                for service in module.DESCRIPTOR.services_by_name.values():
                    for method in service.methods:
                        request = message_factory.GetMessageClass(method.input_type)()
                        kind = ("stream" if method.client_streaming else "unary") + "_" + (
                            "stream" if method.server_streaming else "unary")
                        call = getattr(channel, kind)(
                            f"/{service.full_name}/{method.name}",
                            request_serializer=type(request).SerializeToString,
                            response_deserializer=lambda raw: raw)
                        argument = iter([request]) if method.client_streaming else request
                        with pytest.raises(grpc.RpcError) as refused:
                            answer = call(argument, timeout=10)
                            if method.server_streaming:
                                list(answer)
                        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, (
                            service.name, method.name)
                        assert "revoked at the hub" in refused.value.details()
                        methods += 1
    assert methods >= 16


def test_a_call_with_a_revoked_certificate_is_logged_at_the_hub_at_most_once_a_minute(
        tmp_path, secret_file, own_ca, monkeypatch, caplog, capsys):
    """The refusal reached only the thief: the hub's journal now names who, which
    certificate and from where, without a line per call of a client in a loop."""
    import logging

    from hub import revocation
    from zichtlijn.certsign import certificate_sha256

    _, pki = own_ca
    clock = [1000.0]
    monkeypatch.setattr(revocation, "_now", lambda: clock[0])
    stolen = pki.root / "node-GM0363.pem"
    fingerprint = certificate_sha256(
        revocation.x509.load_pem_x509_certificate(stolen.read_bytes())).hex()
    with running_hub(tmp_path, pki) as hub:
        amsterdam = node(tmp_path, pki, secret_file, "GM0363", hub)
        assert run("node", "sync", "--home", amsterdam) == 0
        assert run("hub", "revoke", "--home", tmp_path / "hub", "--cert", stolen,
                   "--reason", "key_stolen") == 0
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="zichtlijn.hub.revocation"):

            def refused() -> list[str]:
                return [r.getMessage() for r in caplog.records
                        if r.name == "zichtlijn.hub.revocation"
                        and r.levelno == logging.WARNING]

            for _ in range(3):  # a client in a loop
                assert run("node", "sync", "--home", amsterdam) == 1
            [line] = refused()
            assert line.startswith("refused ")
            assert (f" with a revoked certificate: node:GM0363, certificate SHA-256 "
                    f"{fingerprint}, from ipv4:127.0.0.1:") in line
            assert "more call(s)" not in line
            clock[0] += revocation.REFUSAL_LOG_SECONDS - 1
            assert run("node", "sync", "--home", amsterdam) == 1
            assert len(refused()) == 1
            clock[0] += 2  # a minute after the first line: the next, with what it left out
            assert run("node", "sync", "--home", amsterdam) == 1
            _, second = refused()
            assert second.endswith("; 3 more call(s) with it refused since the last such line")
            assert f"certificate SHA-256 {fingerprint}" in second
    capsys.readouterr()


def test_an_error_the_hub_did_not_expect_reaches_the_peer_without_its_text(
        tmp_path, pki, monkeypatch, caplog):
    """grpc answers an exception it is not told of with "Exception calling application:"
    and the exception's own text (the code review): the hub now logs it and answers
    INTERNAL in words of its own, in unary calls and streams alike."""
    import grpc

    from hub.audit_service import AuditService
    from hub.revocation import INTERNAL_MESSAGE
    from zichtlijn.transport import secure_channel
    from zichtlijn.v1 import audit_pb2, audit_pb2_grpc

    def failing(*_args):
        raise ValueError("Iulia Turcanu 14-03-1998")

    def failing_stream(*_args):
        yield from ()
        raise ValueError("Iulia Turcanu 14-03-1998")

    from tests.lookup_support import running_hub

    # before the hub starts: it takes its servicers' methods when it registers them
    monkeypatch.setattr(AuditService, "GetTreeHead", failing)
    monkeypatch.setattr(AuditService, "Export", failing_stream)
    with running_hub(tmp_path, pki) as hub, \
            secure_channel(f"127.0.0.1:{hub.port}", pki.tls("auditor-ap")) as channel:
        stub = audit_pb2_grpc.AuditServiceStub(channel)
        for call in (lambda: stub.GetTreeHead(audit_pb2.TreeHeadRequest(), timeout=10),
                     lambda: list(stub.Export(audit_pb2.ExportRequest(), timeout=10))):
            with pytest.raises(grpc.RpcError) as err:
                call()
            assert err.value.code() == grpc.StatusCode.INTERNAL
            assert err.value.details() == INTERNAL_MESSAGE
    assert "Iulia" in caplog.text  # for the operator, in the hub's own log


def test_a_cancelled_upload_is_no_error_at_the_hub(tmp_path, pki, caplog):
    # the review of the day's change: the containment above logged a node's cancelled
    # upload (ctrl-C, its deadline) as an internal error, with a stack
    import logging
    import threading
    import time

    from tests.lookup_support import running_hub
    from zichtlijn.transport import secure_channel
    from zichtlijn.v1 import sync_pb2_grpc

    caplog.set_level(logging.INFO)
    with running_hub(tmp_path, pki) as hub, \
            secure_channel(f"127.0.0.1:{hub.port}", pki.tls("node-GM0363")) as channel:
        building = threading.Event()

        def batches():
            building.wait(5)  # still building its first batch when it is cancelled
            yield from ()

        call = sync_pb2_grpc.SyncServiceStub(channel).Upload(batches(), timeout=30)
        time.sleep(0.5)
        call.cancel()
        building.set()
        time.sleep(0.5)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

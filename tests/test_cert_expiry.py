"""When a home's certificates run out: status shows it, sync and serve warn a month ahead."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import Pki
from tests.lookup_support import node, run, running_hub
from zichtlijn import cli
from zichtlijn import pki as pki_module
from zichtlijn.cert_expiry import describe, warnings
from zichtlijn.pki import write_dev_pki
from zichtlijn.transport import TlsFiles

TODAY = dt.date(2026, 12, 6)


def certificate(path: Path, last_day: dt.date) -> Path:
    """A self-signed certificate valid until the end of `last_day` (UTC)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, path.stem)])
    until = dt.datetime.combine(last_day, dt.time(23, 59), tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(until - dt.timedelta(days=800)).not_valid_after(until)
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_a_certificate_a_month_from_its_end_is_warned_of_and_one_past_it_too(tmp_path):
    tls = TlsFiles(certificate(tmp_path / "ca.pem", TODAY + dt.timedelta(days=400)),
                   certificate(tmp_path / "node.pem", TODAY + dt.timedelta(days=30)),
                   tmp_path / "node.key")
    assert describe(tls, TODAY) == ("certificate until 2027-01-05 (30 days), "
                                    "CA certificate until 2028-01-10 (400 days)")
    assert warnings(tls, TODAY) == [f"the certificate {tls.cert} runs out on 2027-01-05 "
                                    "(in 30 days): renew it before then"]
    assert warnings(tls, TODAY - dt.timedelta(days=1)) == []
    assert warnings(tls, TODAY + dt.timedelta(days=31)) == [
        f"the certificate {tls.cert} ran out on 2027-01-05: nothing signed with it is "
        "accepted; renew it"]


def test_status_shows_the_dates_and_a_missing_file_says_so(hub_home, tmp_path, capsys):
    assert cli.main(["hub", "status", "--home", str(hub_home)]) == 0
    tls_line = next(line for line in capsys.readouterr().out.splitlines()
                    if line.startswith("tls"))
    assert "certificate until" in tls_line and "CA certificate until" in tls_line
    tls = TlsFiles(tmp_path / "absent-ca.pem", tmp_path / "absent.pem", tmp_path / "x.key")
    assert describe(tls, TODAY).startswith("cannot read the certificates:")
    assert warnings(tls, TODAY) == []


def test_a_node_whose_certificates_run_out_within_a_month_syncs_and_warns(
        tmp_path, secret_file, capsys, monkeypatch):
    monkeypatch.setattr(pki_module, "VALIDITY", dt.timedelta(days=20))
    short = Pki(tmp_path / "pki")
    write_dev_pki(short.root, ["GM0363"], [], [])
    with running_hub(tmp_path, short) as hub:
        home = node(tmp_path, short, secret_file, "GM0363", hub)
        capsys.readouterr()
        assert run("node", "sync", "--home", home) == 0
    err = capsys.readouterr().err
    assert f"zichtlijn: warning: the certificate {short.root / 'node-GM0363.pem'} runs out" in err
    assert "the CA certificate" in err and "renew it before then" in err


def test_a_serving_hub_logs_its_certificates_running_out_and_stops_on_sigterm(tmp_path,
                                                                              monkeypatch):
    """`hub serve` as systemd runs it, a process of its own: the daily job's first run
    logs the warning, and SIGTERM stops it with exit 0."""
    monkeypatch.setattr(pki_module, "VALIDITY", dt.timedelta(days=20))
    write_dev_pki(tmp_path / "pki", ["GM0363"], [], [])
    home, port_file = tmp_path / "hub", tmp_path / "port"
    assert cli.main(["hub", "init", "--home", str(home), "--listen", "127.0.0.1:0",
                     "--ca", str(tmp_path / "pki" / "ca.pem"),
                     "--cert", str(tmp_path / "pki" / "hub-hub.pem"),
                     "--key", str(tmp_path / "pki" / "hub-hub.key")]) == 0
    serving = subprocess.Popen(
        [sys.executable, "-m", "zichtlijn.cli", "hub", "serve", "--home", str(home),
         "--port-file", str(port_file)],
        cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    logged: list[str] = []
    reader = threading.Thread(target=lambda: logged.extend(serving.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while (serving.poll() is None and time.monotonic() < deadline
               and not (port_file.exists() and sum("runs out" in line for line in logged) == 2)):
            time.sleep(0.05)
    finally:
        serving.send_signal(signal.SIGTERM)
        out = serving.stdout.read()
        serving.wait(timeout=60)
        reader.join(timeout=10)
    err = "".join(logged)
    assert serving.returncode == 0, err
    assert out.startswith("hub serving on 127.0.0.1:")
    assert f"the certificate {home.parent / 'pki' / 'hub-hub.pem'} runs out" in err
    assert "the CA certificate" in err and 'renew it before then (README "Certificates")' in err
    # a service journals what it starts with, without -v
    assert "INFO zichtlijn.hub.retention: retention purge up to " in err
    assert err.rstrip().endswith("hub stopped")

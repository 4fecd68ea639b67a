"""342 municipality nodes syncing 30 sightings each, at once, over real gRPC and mTLS.

The hub runs as its own process (`zichtlijn hub serve`), as in production;
the nodes are threads of this process, each with its own certificate and
channel, uploading through the real SyncService client path.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from node.store import StoredSighting
from node.sync import build_batch
from tests.benchmarks.hubdata import encoded_sightings
from zichtlijn import certsign
from zichtlijn.pki import write_dev_pki
from zichtlijn.transport import TlsFiles, secure_channel
from zichtlijn.v1 import encoding_pb2, sync_pb2_grpc

NODES = 342
PER_NODE = 30
ROOT = Path(__file__).resolve().parents[2]


def _start_hub(home: Path, pki: Path) -> tuple[subprocess.Popen, int]:
    cli = [sys.executable, "-m", "zichtlijn.cli"]
    subprocess.run([*cli, "hub", "init", "--home", str(home), "--listen", "127.0.0.1:0",
                    "--ca", str(pki / "ca.pem"), "--cert", str(pki / "hub-hub.pem"),
                    "--key", str(pki / "hub-hub.key")], check=True, capture_output=True)
    port_file = home / "port"
    process = subprocess.Popen([*cli, "hub", "serve", "--home", str(home), "--port-file",
                                str(port_file)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None:
            raise RuntimeError("hub did not start")
        time.sleep(0.05)
    return process, int(port_file.read_text())


def bench_sync342() -> None:
    codes = [f"GM{i:04d}" for i in range(1, NODES + 1)]
    sightings = encoded_sightings(4000)[: NODES * PER_NODE]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        write_dev_pki(tmp / "pki", codes, [], [])
        pki_s = time.perf_counter() - started
        hub, port = _start_hub(tmp / "hub", tmp / "pki")
        errors: list[str] = []
        try:
            def node(index: int) -> None:
                code = codes[index]
                rows = []
                for j, (_, blob, _) in enumerate(
                        sightings[index * PER_NODE : (index + 1) * PER_NODE]):
                    message = encoding_pb2.EncodedSighting.FromString(blob)
                    rows.append(StoredSighting(f"{code}-{j}", message.sighting_uuid,
                                               message.observed_on, blob, b"", None))
                tls = TlsFiles(tmp / "pki" / "ca.pem", tmp / "pki" / f"node-{code}.pem",
                               tmp / "pki" / f"node-{code}.key")
                batch = build_batch(rows)
                # signed by the node's certificate key, as `node sync` does (audit log)
                batch.node_signature = certsign.sign_batch(
                    certsign.load_signing_key(tls.key.read_bytes()), code, batch.batch_digest,
                    len(rows))
                try:
                    with secure_channel(f"127.0.0.1:{port}", tls) as channel:
                        stub = sync_pb2_grpc.SyncServiceStub(channel)
                        receipts = list(stub.Upload(iter([batch]), timeout=300))
                        if sum(r.accepted for r in receipts) != PER_NODE:
                            errors.append(f"{code}: receipt does not cover its batch")
                except Exception as exc:  # reported below; the benchmark goes on
                    errors.append(f"{code}: {exc}")

            threads = [threading.Thread(target=node, args=(i,)) for i in range(NODES)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sync_s = time.perf_counter() - started
        finally:
            hub.terminate()
            hub.wait(timeout=60)
        db = sqlite3.connect(tmp / "hub" / "hub.db")
        held, distinct = db.execute(
            "SELECT count(*), count(DISTINCT sighting_uuid) FROM sightings").fetchone()
        towns = db.execute("SELECT count(DISTINCT gemeente) FROM sightings").fetchone()[0]
        linked = db.execute("SELECT count(*) FROM sightings WHERE linked = 1").fetchone()[0]
        db.close()
    print(f"{NODES} nodes x {PER_NODE} sightings, concurrently over gRPC/mTLS on loopback "
          f"(PKI for {NODES} nodes: {pki_s:.1f}s)")
    print(f"  all synced and linked in {sync_s:.1f}s; hub holds {held} sightings "
          f"({distinct} distinct, {towns} gemeenten, {linked} linked); "
          f"expected {NODES * PER_NODE}; errors: {len(errors)}")
    for error in errors[:5]:
        print(f"    {error}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    bench_sync342()

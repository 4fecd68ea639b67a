"""Audit log benchmark (DESIGN §8, issue 5); run on demand, prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks.audit_log [--sightings 10000] [--entries 1000000]
        [--upload-share 0.1] [--only sync|proofs|verify]

1. sync: a node syncs N sightings to a real hub over mTLS, once with the audit
   log and once with every audit step stubbed out (same data, fresh hubs);
   also the time spent inside the audit steps of the real sync.
2. proofs: a hub database with M log entries; inclusion and consistency
   proofs and whole receipts (head, entry, both proofs) for random leaves.
3. verify: an export of M entries (a share of them node-signed uploads, the
   rest link runs), a tree head every 10,000 entries cosigned by two witnesses;
   `audit verify` on it.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import logging
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509

TARGET_SYNC_OVERHEAD = 0.05
TARGET_PROOF_MS = 1.0
TARGET_VERIFY_S = 60.0


def _line(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<44} {value:>14}  {target}")


# -- 1. sync overhead ---------------------------------------------------------------------


def _import(config, secret_file: Path, sightings: int) -> None:
    from linkage.encode import Encoder
    from linkage.schema import default_schema
    from node.importer import import_csv
    from node.store import NodeStore
    from zichtlijn.keyfile import load_purpose_keys
    from zichtlijn.synth import generate, write_csvs

    data = generate(max(sightings // 3, 1), [config.gemeente], seed=5,
                    start=dt.date.today() - dt.timedelta(days=400))
    path = write_csvs(data, config.home / "csv")[config.gemeente]
    store = NodeStore(config.db_path)
    try:
        encoder = Encoder(default_schema(), load_purpose_keys(secret_file))
        import_csv(path.read_bytes(), store, encoder, dt.date.today())
        # keep exactly N sightings so both runs send the same amount
        store.db.execute(f"DELETE FROM sightings WHERE rowid NOT IN (SELECT rowid FROM "
                         f"sightings ORDER BY rowid LIMIT {sightings})")
        store.db.conn.commit()
    finally:
        store.close()


@contextmanager
def _audit_stubbed() -> Iterator[None]:
    """Every audit step of a sync replaced by the cheapest thing that keeps sync running."""
    import hub.linker
    import hub.store
    import hub.sync_service
    from hub.audit_log import Appended
    from hub.tree_heads import Receipt, SignedHead, TreeHeads
    from linkage.checkpoint import Checkpoint
    from node.log_client import NodeLog

    dummy = Checkpoint("bench", 0, b"\x00" * 32)
    patches = [
        (hub.store.audit_log, "append", lambda *a, **k: Appended(0, 1)),
        (hub.linker.audit_log, "append", lambda *a, **k: Appended(0, 1)),
        (hub.store.upload_records, "record_batch", lambda *a, **k: None),
        (hub.store.upload_records, "entry_fields", lambda *a, **k: {}),
        (hub.store.upload_records, "leaf_of", lambda *a, **k: 0),
        (hub.sync_service, "verify_batch", lambda *a, **k: True),
        (TreeHeads, "receipt", lambda self, leaf, known: Receipt(leaf, b"", SignedHead(0, ""),
                                                                 [], 0, [])),
        (TreeHeads, "check_known_size", lambda self, size: None),
        (NodeLog, "refresh", lambda self, channel, timeout: dummy),
        (NodeLog, "accept_receipt", lambda self, digest, count, receipt: dummy),
        (NodeLog, "cosign_latest", lambda self, channel, timeout: 0),
        (NodeLog, "sign_batch", lambda self, digest, count: b""),
        (NodeLog, "latest", lambda self: dummy),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


@contextmanager
def _timed(spent: dict[str, float]) -> Iterator[None]:
    """Accumulate the time spent inside each audit step of a real sync."""
    import hub.store
    import hub.sync_service
    from hub.tree_heads import TreeHeads
    from node.log_client import NodeLog

    targets: list[tuple[object, str]] = [
        (hub.store.audit_log, "append"), (hub.store.upload_records, "record_batch"),
        (hub.sync_service, "verify_batch"), (TreeHeads, "receipt"),
        (NodeLog, "refresh"), (NodeLog, "accept_receipt"), (NodeLog, "cosign_latest"),
        (NodeLog, "sign_batch"),
    ]
    saved = []
    for owner, name in targets:
        original = getattr(owner, name)
        saved.append((owner, name, original))

        def wrapper(*a, _f: Callable = original, _n: str = name, **k):
            started = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                spent[_n] = spent.get(_n, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _one_sync(root: Path, pki, secret_file: Path, sightings: int, stub: bool,
              spent: dict[str, float] | None = None) -> float:
    from hub.config import HubConfig
    from hub.server import start_hub
    from node.store import NodeStore
    from node.sync import sync
    from tests.conftest import make_node
    from zichtlijn.transport import secure_channel

    (root / "hub").mkdir(parents=True)
    hub = start_hub(HubConfig(root / "hub", "127.0.0.1:0", pki.tls("hub-hub"), workers=8))
    try:
        config = make_node(root, pki, secret_file, "GM0363", hub.port)
        _import(config, secret_file, sightings)
        store = NodeStore(config.db_path)
        try:
            context = _audit_stubbed() if stub else (_timed(spent) if spent is not None
                                                    else _noop())
            with context, secure_channel(config.hub, config.tls) as channel:
                started = time.perf_counter()
                report = sync(channel, store, config.batch_size, 600)
                seconds = time.perf_counter() - started
            assert report.sent == sightings, report
        finally:
            store.close()
    finally:
        hub.stop(grace=0)
    return seconds


@contextmanager
def _noop() -> Iterator[None]:
    yield


def bench_sync(sightings: int, rounds: int) -> None:
    from tests.conftest import GEMEENTEN, Pki
    from zichtlijn.keyfile import write_new_secret
    from zichtlijn.pki import write_dev_pki

    print(f"1. sync of {sightings} sightings (batches of 500; min of {rounds} rounds each)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_dev_pki(root / "pki", list(GEMEENTEN), [], ["ap"])
        pki = Pki(root / "pki")
        secret = root / "linkage.key"
        write_new_secret(secret, epoch=1)
        with_audit, without = [], []
        spent: dict[str, float] = {}
        for i in range(rounds):
            without.append(_one_sync(root / f"plain{i}", pki, secret, sightings, stub=True))
            round_spent: dict[str, float] = {}
            with_audit.append(_one_sync(root / f"audit{i}", pki, secret, sightings, stub=False,
                                        spent=round_spent))
            if with_audit[-1] == min(with_audit):
                spent = round_spent
    best, base = min(with_audit), min(without)
    inside = sum(spent.values())
    _line("sync without audit steps (stubbed)", f"{base:.3f} s")
    _line("sync with the audit log", f"{best:.3f} s")
    _line("difference", f"{(best - base) / base:+.1%}", f"(target < {TARGET_SYNC_OVERHEAD:.0%})")
    _line("time inside audit steps of that sync", f"{inside:.3f} s",
          f"= {inside / best:.1%} of the sync")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        _line(f"    {name}", f"{seconds * 1000:.1f} ms")


# -- 2. proofs at scale -----------------------------------------------------------------------


def _build_hub_log(db: Path, entries: int) -> None:
    from hub import audit_log, tree_heads, upload_records

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    audit_log.create_tables(conn)
    upload_records.create_tables(conn)
    tree_heads.create_tables(conn)
    chunk = 10_000
    for start in range(0, entries, chunk):
        conn.execute("BEGIN")
        audit_log.append_entries(conn, [
            audit_log.encode_entry("2026-11-23T00:00:00+00:00", "hub:hub", "link_run",
                                   {"new_sightings": i % 500, "new_links": i % 37})
            for i in range(start, min(start + chunk, entries))])
        conn.execute("COMMIT")
    conn.close()


def bench_proofs(entries: int, samples: int) -> None:
    from hub.log_key import create_log_key
    from hub.store import HubStore
    from hub.tree_heads import TreeHeads
    from linkage import merkle

    print(f"2. proofs in a hub log of {entries} entries ({samples} random samples each)")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        _build_hub_log(home / "hub.db", entries)
        _line("building the log (append in batches of 10,000)",
              f"{time.perf_counter() - started:.1f} s")
        store = HubStore(home / "hub.db")
        try:
            heads = TreeHeads(store, create_log_key(home))
            heads.current()
            from hub.audit_log import SqliteSubtrees

            subtrees = SqliteSubtrees(store.db.conn)
            rng = random.Random(1)

            def measure(label: str, call: Callable[[], object]) -> None:
                # CPU time beside wall time: on a busy machine the wall-time tail is
                # waiting for a core, not work
                times, cpu = [], []
                for _ in range(samples):
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    call()
                    cpu.append((time.thread_time() - started_cpu) * 1000)
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                cpu.sort()
                p99 = int(len(times) * 0.99) - 1
                _line(label, f"{statistics.mean(times):.3f} ms",
                      f"p99 {times[p99]:.3f} ms wall, {cpu[p99]:.3f} ms CPU "
                      f"(target < {TARGET_PROOF_MS:g} ms)")

            measure("inclusion proof", lambda: merkle.inclusion_proof(
                rng.randrange(entries), entries, subtrees))
            measure("consistency proof", lambda: merkle.consistency_proof(
                rng.randrange(1, entries), entries, subtrees))
            measure("whole receipt (head, entry, both proofs)", lambda: heads.receipt(
                rng.randrange(entries), rng.randrange(1, entries)))
            size_mb = sum(p.stat().st_size for p in home.glob("hub.db*")) / 1e6
            _line("database size", f"{size_mb:.0f} MB")
        finally:
            store.close()


# -- 3. verify at scale ----------------------------------------------------------------------


def _write_export(path: Path, entries: int, upload_share: float, pki_root: Path,
                  log_key, witnesses) -> None:
    from hub.audit_log import encode_entry
    from linkage import merkle
    from linkage.checkpoint import SignedNote, cosign
    from zichtlijn import certsign
    from zichtlijn.audit_file import INDEXES, SCHEMA

    nodes = {}
    for code in ("GM0363", "GM0599", "GM0344"):
        pem = (pki_root / f"node-{code}.pem").read_bytes()
        cert = x509.load_pem_x509_certificate(pem)
        key = certsign.load_signing_key((pki_root / f"node-{code}.key").read_bytes())
        nodes[code] = (pem, cert, key)
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("format", "1"), ("origin", log_key.origin), ("log_key", log_key.verifier.to_vkey()),
        ("exported_at", "2026-11-23T00:00:00+00:00"), ("exported_by", "auditor:bench"),
        ("log_size", str(entries))])
    for pem, cert, _ in nodes.values():
        conn.execute("INSERT INTO certificates VALUES (?, ?)",
                     [certsign.certificate_sha256(cert), pem])
    tree = merkle.MemoryTree()
    rng = random.Random(2)
    every = max(round(1 / upload_share), 1) if upload_share else 0
    linked = 0
    pending = 0
    chunk: list[bytes] = []
    for index in range(entries):
        if every and index % every == 0:
            code = ("GM0363", "GM0599", "GM0344")[index % 3]
            pem, cert, key = nodes[code]
            digest = hashlib.sha256(rng.randbytes(16)).digest()
            batch = hashlib.sha256(b"zichtlijn-batch\x00" + digest).digest()
            signature = certsign.sign_batch(key, code, batch, 1)
            entry = encode_entry("2026-11-23T00:00:00+00:00", f"node:{code}", "upload", {
                "batch": batch.hex(), "sightings": 1, "accepted": 1, "already_present": 0,
                "node_cert": certsign.certificate_sha256(cert).hex(),
                "node_sig": base64.b64encode(signature).decode()})
            conn.execute("INSERT INTO batches VALUES (?, ?, 1, 1, ?, ?, ?)",
                         [batch, code, "2026-11-23T00:00:00+00:00", index, digest])
            conn.execute("INSERT INTO sightings VALUES (?, ?, ?, ?, 1)",
                         [f"{index:08x}-0000-4000-8000-000000000000", code, digest, batch])
            pending += 1
        elif pending:
            entry = encode_entry("2026-11-23T00:00:00+00:00", "hub:hub", "link_run",
                                 {"new_sightings": pending, "new_links": 0})
            linked += pending
            pending = 0
        else:  # the hub logs no link run of nothing (audit verify reports one): a lookup
            entry = encode_entry("2026-11-23T00:00:00+00:00", "node:GM0363", "lookup",
                                 {"purpose": "controle", "outcome": "not_seen"})
        chunk.append(entry)
        if len(chunk) == 10_000 or index == entries - 1:
            conn.executemany("INSERT INTO entries VALUES (?, ?)",
                             [(index - len(chunk) + 1 + i, e) for i, e in enumerate(chunk)])
            tree.append_entries(chunk)
            chunk = []
            head = log_key.sign(tree.size, tree.root())
            stamp = 1_790_000_000
            note = head.with_signatures(*(cosign(head.checkpoint(), w.name, w.private_key, stamp)
                                          for w in witnesses))
            conn.execute("INSERT INTO tree_heads VALUES (?)", [note.to_text()])
            assert isinstance(note, SignedNote)
    conn.execute("UPDATE sightings SET linked = 0 WHERE rowid IN (SELECT rowid FROM sightings "
                 f"ORDER BY rowid DESC LIMIT {pending})")
    conn.executescript(INDEXES)
    conn.commit()
    conn.close()


def bench_verify(entries: int, upload_share: float) -> None:
    from hub.log_key import create_log_key
    from tests.conftest import GEMEENTEN
    from zichtlijn.audit_verify import Trust, verify_export
    from zichtlijn.pki import write_dev_pki
    from zichtlijn.witness import WitnessKey

    uploads = int(entries * upload_share)
    print(f"3. audit verify of {entries} entries (~{uploads} node-signed uploads, "
          "the rest link runs and lookups; a cosigned tree head every 10,000 entries)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_dev_pki(root / "pki", list(GEMEENTEN), [], [])
        log_key = create_log_key(root / "hub")
        witnesses = [WitnessKey.load_or_create(root / f"w{i}", f"node/GM036{i}")
                     for i in range(2)]
        started = time.perf_counter()
        _write_export(root / "export.db", entries, upload_share, root / "pki", log_key,
                      witnesses)
        _line("writing the export", f"{time.perf_counter() - started:.1f} s")
        ca = x509.load_pem_x509_certificate((root / "pki" / "ca.pem").read_bytes())
        trust = Trust(log_key.verifier, (ca,), tuple(w.verifier for w in witnesses), 2)
        started = time.perf_counter()
        report = verify_export(root / "export.db", trust)
        seconds = time.perf_counter() - started
        if not report.ok:
            print(f"  benchmark export did not verify: {report.first().message}")
            sys.exit(1)
        _line("audit verify", f"{seconds:.1f} s", f"(target < {TARGET_VERIFY_S:g} s)")
        _line("entries per second", f"{entries / seconds:,.0f}")
        _line("export size", f"{(root / 'export.db').stat().st_size / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sightings", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--upload-share", type=float, default=0.1,
                        help="share of upload entries in the verify benchmark (1.0: all)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--only", choices=("sync", "proofs", "verify"))
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # fresh hubs announce their new log keys
    if args.only in (None, "sync"):
        bench_sync(args.sightings, args.rounds)
    if args.only in (None, "proofs"):
        bench_proofs(args.entries, args.samples)
    if args.only in (None, "verify"):
        bench_verify(args.entries, args.upload_share)


if __name__ == "__main__":
    main()

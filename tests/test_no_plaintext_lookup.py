"""Lookups and corrections: no name or date of birth reaches a database, a log or the wire."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path

import grpc

from node.identity_input import LOOKUP_FIELDS
from tests.lookup_support import actions, node, run, running_hub
from tests.test_no_plaintext import CapturingInterceptor, identity_strings, leaks
from zichtlijn.synth import generate

# a lookup carries what the inspector has: identity and the advert's phone, car, address
FIELDS = (*LOOKUP_FIELDS[:7], "phone", "vehicle_plate", "advert_id")


def test_lookups_and_corrections_leak_nothing(tmp_path, pki, secret_file, monkeypatch,
                                              capsys, caplog):
    caplog.set_level(logging.DEBUG)
    interceptor = CapturingInterceptor()
    from zichtlijn import transport

    original = transport.secure_channel

    def intercepted(target, tls):
        return grpc.intercept_channel(original(target, tls), interceptor)

    for module in ("node.cli", "node.lookup_cli", "node.records_cli"):
        monkeypatch.setattr(f"{module}.secure_channel", intercepted)

    data = generate(25, ["GM0363", "GM0599"], seed=13,
                    start=dt.date.today() - dt.timedelta(days=300))
    needles = set()
    for rows in data.rows_by_gemeente.values():
        needles |= identity_strings(rows)
        # phone numbers as written and as their digits (the E.164 form holds those)
        needles |= {form for row in rows if row["phone"]
                    for form in (row["phone"], re.sub(r"\D", "", row["phone"])[-8:])}
    assert len(needles) > 20
    with running_hub(tmp_path, pki) as hub:
        homes = {}
        for gemeente, rows in data.rows_by_gemeente.items():
            homes[gemeente] = node(tmp_path, pki, secret_file, gemeente, hub)
            columns = list(rows[0])
            import_and_sync_dicts(tmp_path, homes[gemeente], columns, rows)
        looker = node(tmp_path, pki, secret_file, "GM0014", hub)
        probes = [row for rows in data.rows_by_gemeente.values() for row in rows][:12]
        for i, row in enumerate(probes):
            probe = tmp_path / f"probe-{i}.json"
            probe.write_text(json.dumps({f: row[f] for f in FIELDS if row[f]}), "utf-8")
            assert run("-v", "node", "lookup", "--home", looker, "--purpose", "controle",
                       "--from-json", probe, "--format", "json") == 0
            probe.unlink()  # the test's own input file is not the product's output
        # correct the first row of GM0363 with another person's details
        first = data.rows_by_gemeente["GM0363"][0]
        other = data.rows_by_gemeente["GM0599"][0]
        fix = tmp_path / "fix.json"
        fix.write_text(json.dumps({f: other[f] for f in FIELDS if other[f]}), "utf-8")
        assert run("-v", "node", "correct", "--home", homes["GM0363"], first["case_ref"],
                   "--from-json", fix) == 0
        fix.unlink()
        assert len(actions(hub, "lookup")) == 12 and len(actions(hub, "correct")) == 1
        output = capsys.readouterr()
        # read while the hub runs: its write-ahead log goes when it stops
        stored = {p.name: p.read_bytes() for p in Path(hub.store.path).parent.glob("hub.db*")}

    for home in [*homes.values(), looker]:
        stored.update({f"{home.name}/{p.name}": p.read_bytes() for p in home.glob("node.db*")})
    assert len(stored) >= 4
    for name, blob in stored.items():
        assert leaks(blob, needles) == [], name
    lookups = [m for m in interceptor.messages if b"controle" in m]
    assert len(lookups) == 12
    assert leaks(b"".join(interceptor.messages), needles) == []
    assert leaks((output.out + output.err).encode(), needles) == []
    assert leaks(caplog.text.encode(), needles) == []


def import_and_sync_dicts(tmp_path: Path, home: Path, columns: list[str],
                          rows: list[dict[str, str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / f"{home.name}.csv"
    path.write_text(out.getvalue(), "utf-8")
    assert run("node", "import", "--home", home, path) in (0, 1)  # a generated row may be bad
    assert run("node", "sync", "--home", home) == 0
    path.unlink()


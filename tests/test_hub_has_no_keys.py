"""The hub holds no key material: not in its database, not in its running process.

Two epochs are created with the real ceremony and packaged with the real
`keys package`; three nodes sync sightings from before, during and after a
rotation to a real hub. Then the hub's database files, every object
reachable from the running hub (server, services, store, linker and its
numpy tables) and the globals of the hub's modules are searched for the
master secret and every purpose key of both epochs, raw and in hex.
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import logging
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from linkage.keys import derive_purpose_keys
from linkage.shares import combine_shares, open_share
from tests.keytools import Node
from tests.test_keys_cli import package_args, run_ceremony
from zichtlijn import cli
from zichtlijn.keys_cli import TEST_KDF_ENV
from zichtlijn.v1 import encoding_pb2

TODAY = dt.date.today()
NODES = ("GM0363", "GM0599", "GM0344")
HUB_MODULES = ("hub", "linkage", "zichtlijn")
_SKIP = (types.ModuleType, type, types.CodeType, types.FrameType, types.BuiltinFunctionType,
         types.BuiltinMethodType, types.WrapperDescriptorType, types.MethodDescriptorType,
         types.GetSetDescriptorType, types.MemberDescriptorType)


def reachable_data(roots: list[object]) -> Iterator[bytes]:
    """The bytes of every bytes, str and numpy buffer reachable from `roots`.

    Follows containers, instance attributes and closures, never into other
    modules, classes or code, so what it sees is the state the objects hold.
    """
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SKIP):
            continue
        seen.add(id(obj))
        if isinstance(obj, bytes | bytearray | memoryview):
            yield bytes(obj)
        elif isinstance(obj, str):
            yield obj.encode("utf-8", "surrogatepass")
        elif isinstance(obj, np.ndarray):
            if obj.dtype != object:
                yield obj.tobytes()
            else:
                stack.extend(obj.ravel().tolist())
        elif isinstance(obj, types.FunctionType):
            stack.extend(c.cell_contents for c in obj.__closure__ or () if _filled(c))
            stack.extend(obj.__defaults__ or ())
        else:
            stack.extend(gc.get_referents(obj))


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def forms(key: bytes) -> list[bytes]:
    return [key, key.hex().encode(), key.hex().upper().encode(), base64.b64encode(key)]


def found_in(haystack: bytes, material: dict[str, bytes]) -> list[str]:
    return sorted(name for name, key in material.items()
                  if any(form in haystack for form in forms(key)))


@pytest.fixture()
def world(tmp_path, pki, hub, monkeypatch, capsys):
    """Two real ceremonies, real packages, three nodes syncing across a rotation."""
    monkeypatch.setenv(TEST_KDF_ENV, "1")
    material: dict[str, bytes] = {}
    packages = {}
    for epoch in (1, 2):
        shares = run_ceremony(tmp_path, epoch)
        phrases = [(tmp_path / "phrases" / f"custodian-{i}.txt").read_text().strip()
                   for i in (1, 2, 3)]
        secret = combine_shares([open_share(p.read_bytes(), ph)
                                 for p, ph in zip(shares[:3], phrases, strict=True)])
        material[f"secret-{epoch}"] = secret
        for purpose, key in derive_purpose_keys(secret, epoch).as_dict().items():
            if purpose != "epoch":
                material[f"{purpose}-{epoch}"] = key
        for node in NODES:
            args = package_args(tmp_path, pki, shares, (1, 3, 5), node=node,
                                out=f"packages-{epoch}")
            assert cli.main(args) == 0
            packages[node, epoch] = tmp_path / f"packages-{epoch}" / f"{node}-epoch{epoch}.keys"
    capsys.readouterr()
    assert len(material) == 16

    day0, rotate, during = (TODAY - dt.timedelta(days=d) for d in (90, 60, 50))
    overlap_end, after = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=10)
    nodes = [Node(tmp_path, pki, g, hub.port) for g in NODES]
    people = [("Iulia", "Țurcanu", "14-03-1998", "v"), ("Blessing", "Osagie", "02-07-1995", "v")]
    for n, node in enumerate(nodes):
        node.keyring.install(packages[NODES[n], 1].read_bytes(), day0)
    nodes[0].import_rows([[f"A-{i}", day0.isoformat(), *p] for i, p in enumerate(people)], day0)
    nodes[0].sync(day0)
    for n, node in enumerate(nodes):
        node.keyring.install(packages[NODES[n], 2].read_bytes(), rotate, overlap_end)
    nodes[1].import_rows([[f"R-{i}", during.isoformat(), *p] for i, p in enumerate(people)],
                         during)
    nodes[1].sync(during)
    nodes[2].import_rows([[f"U-{i}", after.isoformat(), *p] for i, p in enumerate(people)],
                         after)
    for node in nodes:
        node.sync(after)
    yield material, nodes
    for node in nodes:
        node.store.close()


def test_hub_database_holds_no_key_material(world, hub):
    material, _ = world
    files = sorted(Path(hub.store.path).parent.glob("hub.db*"))
    assert files
    content = b"".join(p.read_bytes() for p in files)
    with hub.store.lock:
        subject, = hub.store.db.execute("SELECT subject FROM sightings LIMIT 1").fetchone()
        dual = hub.store.db.execute("SELECT count(*) FROM epoch_encodings").fetchone()[0]
    assert dual == 2 and bytes(subject) in content  # the scan sees what the hub stored
    assert found_in(content, material) == []


def test_running_hub_holds_no_key_material(world, hub, caplog):
    caplog.set_level(logging.DEBUG)
    material, _ = world
    hub.linker.relink_all()  # exercise the in-memory tables once more under the log
    modules = [vars(m) for name, m in list(sys.modules.items())
               if name.split(".")[0] in HUB_MODULES]
    haystack = b"\x00".join(reachable_data([hub, *modules]))
    with hub.store.lock:
        subject, = hub.store.db.execute("SELECT subject FROM sightings LIMIT 1").fetchone()
    name_filter = encoding_pb2.IdentityEncoding.FromString(subject).name_filter
    assert bytes(name_filter) in haystack  # the walk reaches the linker's numpy tables
    assert hub.linker.encodings.epochs == [2, 1]
    assert found_in(haystack, material) == []
    assert found_in(caplog.text.encode(), material) == []


def test_the_search_finds_a_key_when_one_is_there(world, hub):
    """The control: a key planted in the hub's state is found by the same search."""
    material, _ = world
    hub.linker.planted = {"oops": material["name_filter-2"].hex()}
    try:
        haystack = b"\x00".join(reachable_data([hub]))
        assert found_in(haystack, material) == ["name_filter-2"]
    finally:
        del hub.linker.planted

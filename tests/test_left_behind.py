"""A node left on an epoch the other municipalities retired (README "Rotation").

After a key theft the point of rotating is that the stolen epoch stops being used: the
hub refuses new sightings a node still encodes under it alone once at least two other
municipalities retired it and none holds it current, tells a late node to end its
overlap, and `hub status --check` names the node left behind.
"""

from __future__ import annotations

import datetime as dt

import grpc
import pytest

from hub.admin_cli import serving
from hub.config import HubConfig
from node.epoch_report import report_epochs
from tests.keytools import Node, make_epoch
from tests.test_rotation import AFTER, DAY0, ELENA, OTHERS, OVERLAP_END, ROTATE, row
from zichtlijn import cli
from zichtlijn.transport import secure_channel

OTHER_NODES = ("GM0363", "GM0599", "GM0344")
LATE = "GM0014"
REFUSED = ("epoch 1 is retired by the other municipalities; install the package of epoch 2 "
           "(`zichtlijn node keys install`)")


@pytest.fixture(scope="module")
def kits(pki):
    return {e: make_epoch(pki, e, (*OTHER_NODES, LATE)) for e in (1, 2)}


@pytest.fixture()
def nodes(tmp_path, pki, hub, kits):
    made = {g: Node(tmp_path, pki, g, hub.port) for g in (*OTHER_NODES, LATE)}
    for node in made.values():
        node.keyring.install(kits[1].packages[node.config.gemeente], DAY0)
    yield made
    for node in made.values():
        node.store.close()


def rotate_and_retire(nodes, kits, gemeenten):
    """These municipalities install epoch 2 and report epoch 1 retired after the overlap."""
    for gemeente in gemeenten:
        nodes[gemeente].keyring.install(kits[2].packages[gemeente], ROTATE, OVERLAP_END)
        nodes[gemeente].sync(AFTER)


def held_at_hub(hub) -> int:
    return hub.store.count_sightings()


def test_a_node_left_on_the_retired_epoch_is_refused_and_keeps_its_sightings(nodes, kits,
                                                                            hub):
    rotate_and_retire(nodes, kits, OTHER_NODES)
    late = nodes[LATE]
    late.import_rows([row("L-1", AFTER, ELENA), row("L-2", AFTER, OTHERS[0])], AFTER)
    with pytest.raises(grpc.RpcError) as err:
        late.sync(AFTER)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details() == REFUSED
    assert held_at_hub(hub) == 0
    assert late.store.count_unsynced() == 2

    # the late node installs epoch 2: its reply says to end the overlap at once
    late.keyring.install(kits[2].packages[LATE], AFTER, AFTER + dt.timedelta(days=90))
    with secure_channel(late.config.hub, late.config.tls) as channel:
        [advice] = report_epochs(channel, late.keyring.epochs(AFTER), 10)
    assert "end this node's overlap now: `zichtlijn node keys retire --epoch 1`" in advice
    # what it held back was encoded before it moved on: it goes up now
    late.sync(AFTER)
    assert held_at_hub(hub) == 2 and late.store.count_unsynced() == 0


def test_one_other_municipality_alone_does_not_retire_an_epoch_for_the_rest(nodes, kits,
                                                                           hub):
    rotate_and_retire(nodes, kits, ["GM0363"])
    late = nodes[LATE]
    late.import_rows([row("L-1", AFTER, ELENA)], AFTER)
    assert late.sync(AFTER).accepted == 1


def test_an_epoch_another_municipality_still_holds_current_is_not_refused(nodes, kits, hub):
    rotate_and_retire(nodes, kits, ["GM0363", "GM0599"])
    nodes["GM0344"].sync(AFTER)  # still on epoch 1, and says so
    late = nodes[LATE]
    late.import_rows([row("L-1", AFTER, ELENA)], AFTER)
    assert late.sync(AFTER).accepted == 1


def test_hub_status_check_names_the_node_left_behind(nodes, kits, hub, pki, capsys):
    home = hub.store.path.parent
    (home / "hub.toml").write_text(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub")).to_toml())
    rotate_and_retire(nodes, kits, OTHER_NODES)
    with serving(home):  # the lock `hub serve` holds: the hub counts as serving
        capsys.readouterr()
        assert cli.main(["hub", "status", "--home", str(home), "--check"]) == 0
        nodes[LATE].sync(AFTER)  # reports epoch 1 current; nothing to upload
        capsys.readouterr()
        assert cli.main(["hub", "status", "--home", str(home), "--check"]) == 1
    [warning] = [line for line in capsys.readouterr().out.splitlines() if "WARNING" in line]
    assert (f"WARNING: {LATE} still encodes under epoch 1, which the other municipalities "
            "retired; it must install the package of epoch 2") in warning


def test_node_sync_says_it_in_one_line_and_status_and_install_warn(nodes, kits, hub,
                                                                    tmp_path, capsys):
    rotate_and_retire(nodes, kits, OTHER_NODES)
    home = str(nodes[LATE].config.home)
    export = tmp_path / "late.csv"
    export.write_text("case_ref,observed_on,given_names,surname,date_of_birth,sex\n"
                      f"L-1,{dt.date.today()},Iulia,Țurcanu,14-03-1998,v\n", "utf-8")
    assert cli.main(["node", "import", "--home", home, str(export)]) == 0
    capsys.readouterr()
    assert cli.main(["node", "sync", "--home", home]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"zichtlijn: hub {nodes[LATE].config.hub} refused "
                                        f"(FAILED_PRECONDITION): {REFUSED}"]
    assert "Traceback" not in err

    package = tmp_path / "late-epoch2.keys"
    package.write_bytes(kits[2].packages[LATE])
    assert cli.main(["node", "keys", "install", "--home", home, "--package",
                     str(package)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warnings == ["zichtlijn: warning: epoch 1 is retired by the other municipalities; "
                        "end this node's overlap now: `zichtlijn node keys retire --epoch 1` "
                        "(README \"Rotation\")"]
    assert cli.main(["node", "status", "--home", home, "--check"]) == 1
    assert "WARNING: epoch 1 is retired by the other" in capsys.readouterr().out

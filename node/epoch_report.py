"""Tell the hub which key epochs this node holds, so its audit log records each change.

The hub answers with the epochs this node still holds that the other municipalities
have retired (hub/epochs.py `retired_elsewhere`). The node says so at the sync and keeps
the answer in node.db, so `node keys install` of a late package can say it too.
"""

from __future__ import annotations

import grpc
import sqlite_utils

from node.epochs import CURRENT, OVERLAP, RETIRED, EpochInfo
from zichtlijn.v1 import epochs_pb2, epochs_pb2_grpc

_STATES = {
    CURRENT: epochs_pb2.EPOCH_STATE_CURRENT,
    OVERLAP: epochs_pb2.EPOCH_STATE_OVERLAP,
    RETIRED: epochs_pb2.EPOCH_STATE_RETIRED,
}
_TABLE = "epochs_retired_elsewhere"


def to_wire(info: EpochInfo) -> epochs_pb2.NodeEpoch:
    return epochs_pb2.NodeEpoch(
        epoch=info.epoch,
        state=_STATES[info.state],
        key_fingerprint=info.key_fingerprint,
        overlap_until=info.overlap_until.isoformat() if info.state == OVERLAP else "",
        changed_on=info.changed_on.isoformat() if info.changed_on else "",
    )


def retired_elsewhere_advice(epoch: int, state: str, successor: int) -> str:
    """What this node should do about an epoch it holds that the others retired."""
    if state == CURRENT:
        package = f"the package of epoch {successor}" if successor else "the newest package"
        return (f"epoch {epoch} is retired by the other municipalities; install {package} "
                "(`zichtlijn node keys install`) and end the overlap at once "
                "(README \"Rotation\")")
    return (f"epoch {epoch} is retired by the other municipalities; end this node's overlap "
            f"now: `zichtlijn node keys retire --epoch {epoch}` (README \"Rotation\")")


def report_epochs(channel: grpc.Channel, epochs: list[EpochInfo], timeout_s: float,
                  db: sqlite_utils.Database | None = None) -> list[str]:
    """Send the node's epoch state; a warning per epoch it holds that others retired.

    With `db` (node.db) the hub's answer is kept for `node keys install`."""
    stub = epochs_pb2_grpc.EpochServiceStub(channel)
    reply = stub.ReportEpochs(epochs_pb2.EpochReport(epochs=[to_wire(i) for i in epochs]),
                              timeout=timeout_s)
    behind = {r.epoch: r.successor for r in reply.retired_elsewhere}
    if db is not None:
        _ensure_table(db)
        with db.conn:
            db.execute(f"DELETE FROM {_TABLE}")
            db.conn.executemany(f"INSERT INTO {_TABLE} (epoch, successor) VALUES (?, ?)",
                                list(behind.items()))
    return [retired_elsewhere_advice(i.epoch, i.state, behind[i.epoch])
            for i in epochs if i.epoch in behind and i.state != RETIRED]


def _ensure_table(db: sqlite_utils.Database) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} (epoch INTEGER PRIMARY KEY, "
               "successor INTEGER NOT NULL)")


def heard_retired_elsewhere(db: sqlite_utils.Database) -> dict[int, int]:
    """The hub's answer at the last sync: epoch retired by the others -> their current one."""
    _ensure_table(db)
    return dict(db.execute(f"SELECT epoch, successor FROM {_TABLE}").fetchall())

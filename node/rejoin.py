"""After the hub was restored from a backup: agree with its log again, and ask it again for
what the restore undid (README "Restoring from a backup").

A restored hub has lost what reached it after its backup: uploads, withdrawals,
corrections and their log entries. A node that verified the lost entries refuses the
hub's log from then on, rightly: to a witness a restore looks like a rewritten history.
Only when the hub's operator says it was restored does the node (`node sync
--hub-restored`) find the newest tree head it verified that the hub's log still extends,
set aside the heads and receipts beyond it (kept, signed by the log key: the evidence of
what was lost), mark the sightings of batches logged beyond it to be sent again, and ask
the hub again for the withdrawals and corrections it undid: a withdrawn sighting it holds
again (`SyncService.ListHeld`), a corrected one it holds with other content. A sighting
the hub already holds is answered `already present`, so running this again, or on a hub
that was not restored, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from node.log_client import NodeLog
from node.records import REASONS
from node.recover import list_held
from node.retention import create_tables
from node.store import NodeStore
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2, records_pb2, records_pb2_grpc


@dataclass(frozen=True)
class Rejoined:
    shared_size: int  # entries of the hub's log this node verified before and still sees
    heads_abandoned: int  # tree heads beyond them, set aside in log_heads_abandoned
    sightings_again: int  # sightings of batches logged beyond them, to be sent again
    withdrawals_again: int  # withdrawals the hub was asked again, and carried out
    corrections_again: int  # corrections the hub was asked again, and applied

    def summary(self) -> str:
        return (f"hub restored: its log agrees with what this node verified up to "
                f"{self.shared_size} entries; {self.heads_abandoned} tree head(s) beyond "
                f"kept as evidence; {self.sightings_again} sighting(s) to send again; "
                f"{self.withdrawals_again} withdrawal(s) and {self.corrections_again} "
                "correction(s) carried out again")


def rejoin(channel: grpc.Channel, store: NodeStore, timeout_s: float) -> Rejoined:
    """Take the hub as restored; the sync that follows sends what it lost."""
    log = NodeLog.for_home(store.path.parent, store.db)
    shared = log.shared_with_hub(channel, timeout_s)
    abandoned, lost_batches = log.abandon_after(shared)
    again = store.mark_unsynced(lost_batches)
    held = {s.sighting_uuid: bytes(s.content_digest) for s in list_held(channel, timeout_s)}
    stub = records_pb2_grpc.RecordServiceStub(channel)
    withdrawn = sum(_withdraw_again(stub, store, held, timeout_s))
    corrected = sum(_correct_again(stub, store, held, timeout_s))
    return Rejoined(shared.size if shared else 0, abandoned, again, withdrawn, corrected)


def _withdraw_again(stub: records_pb2_grpc.RecordServiceStub, store: NodeStore,
                    held: dict[str, bytes], timeout_s: float) -> list[bool]:
    create_tables(store)
    asked = store.db.execute(
        "SELECT sighting_uuid, reason FROM withdrawn_cases WHERE sighting_uuid IS NOT NULL "
        "ORDER BY withdrawn_on").fetchall()
    return [stub.Withdraw(records_pb2.WithdrawRequest(sighting_uuid=uuid,
                                                      reason=REASONS[reason]),
                          timeout=timeout_s).removed for uuid, reason in asked if uuid in held]


def _correct_again(stub: records_pb2_grpc.RecordServiceStub, store: NodeStore,
                   held: dict[str, bytes], timeout_s: float) -> list[bool]:
    """Correct what the hub holds with content other than this node's (a sighting it does
    not hold is sent as corrected by the sync, if its upload was lost)."""
    changed = []
    for uuid, encoded in store.db.execute(
            "SELECT sighting_uuid, encoded FROM sightings WHERE corrected_on IS NOT NULL "
            "ORDER BY corrected_on").fetchall():
        message = encoding_pb2.EncodedSighting.FromString(encoded)
        message.sighting_uuid = uuid
        if uuid not in held or held[uuid] == wire.sighting_digest(message):
            continue
        changed.append(stub.Correct(records_pb2.CorrectRequest(sighting=message),
                                    timeout=timeout_s).changed)
    return changed

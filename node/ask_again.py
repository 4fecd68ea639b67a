"""Ask the hub again for the withdrawals and corrections it no longer carries (README
"Restoring from a backup").

A hub restored from a backup holds again what this node withdrew after the backup, and
holds with their old content what it corrected. Nothing else makes the hub hold a
withdrawn sighting or another content than a correction left, so every sync compares
what the hub holds of this node (`SyncService.ListHeld`) with the node's withdrawals
and corrections and asks again for what differs. Asking again is the node's own right
and changes nothing the hub's audit log has proven, so it needs no word from the hub's
operator, unlike setting aside what the node verified of the log (node/rejoin.py): a
node that was not told of a restore still takes back what it withdrew.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from node.records import Signer
from node.recover import list_held
from node.retention import create_tables
from node.store import NodeStore
from zichtlijn import wire
from zichtlijn.transport import describe_rpc_error
from zichtlijn.v1 import encoding_pb2, records_pb2_grpc


@dataclass(frozen=True)
class AskedAgain:
    withdrawals: int  # sightings this node withdrew that the hub held again
    corrections: int  # sightings it corrected that the hub held with other content
    # what the hub refused for its bound of a day (RESOURCE_EXHAUSTED), asked again at
    # the next sync (the hub still holds them, so the comparison finds them again)
    kept: int = 0
    refusal: str | None = None

    def summary(self) -> str | None:
        if not (self.withdrawals or self.corrections):
            return None
        return (f"the hub held {self.withdrawals} sighting(s) this node withdrew and "
                f"{self.corrections} it corrected with their content before: asked again "
                "(was the hub restored from a backup? README \"Restoring from a backup\")")

    def problem(self) -> str | None:
        if self.refusal is None:
            return None
        return (f"{self.kept} withdrawal(s) or correction(s) the hub no longer carries are "
                f"asked again at a later sync: {self.refusal}")


def ask_again(channel: grpc.Channel, store: NodeStore, timeout_s: float,
              peer: str = "hub", signer: Signer | None = None) -> AskedAgain:
    """Withdraw and correct again at the hub whatever it holds against this node's
    withdrawals and corrections; how many of each. A refusal for the hub's bound of a
    day stops the asking and is returned; any other refusal raises. Each request is
    signed afresh by `signer` (the node home's by default), as the first one was, with
    the time it is asked again and, for a correction, as replacing the content the hub
    holds: the first signature cannot be sent again (zichtlijn/certsign.py)."""
    create_tables(store)
    held = {s.sighting_uuid: bytes(s.content_digest)
            for s in list_held(channel, timeout_s).held}
    stub = records_pb2_grpc.RecordServiceStub(channel)
    withdrawn = [(uuid, reason) for uuid, reason in store.db.execute(
        "SELECT sighting_uuid, reason FROM withdrawn_cases WHERE sighting_uuid IS NOT NULL "
        "ORDER BY withdrawn_on").fetchall() if uuid in held]
    corrected = []
    for uuid, encoded in store.db.execute(
            "SELECT sighting_uuid, encoded FROM sightings WHERE corrected_on IS NOT NULL "
            "ORDER BY corrected_on").fetchall():
        message = encoding_pb2.EncodedSighting.FromString(encoded)
        message.sighting_uuid = uuid
        # not held: lost with its upload, which the sync sends again as corrected
        if uuid in held and held[uuid] != wire.sighting_digest(message):
            corrected.append(message)
    if withdrawn or corrected:
        signer = signer or Signer.for_home(store.path.parent)
    withdrawals = corrections = 0
    try:
        for uuid, reason in withdrawn:
            stub.Withdraw(signer.withdraw(uuid, reason), timeout=timeout_s)
            withdrawals += 1
        for message in corrected:
            # in place of what the hub says it holds, which need not be what this node
            # held before its last correction (a backup older than two corrections)
            stub.Correct(signer.correct(message, held[message.sighting_uuid]),
                         timeout=timeout_s)
            corrections += 1
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
            raise
        kept = len(withdrawn) + len(corrected) - withdrawals - corrections
        return AskedAgain(withdrawals, corrections, kept, describe_rpc_error(error, peer))
    return AskedAgain(withdrawals, corrections)

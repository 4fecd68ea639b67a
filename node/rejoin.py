"""After the hub was restored from a backup: agree with its log again, and ask it again for
what the restore undid (README "Restoring from a backup").

A restored hub has lost what reached it after its backup: uploads, withdrawals,
corrections and their log entries. A node that verified the lost entries refuses the
hub's log from then on, rightly: to a witness a restore looks like a rewritten history.
Only when the hub's operator says it was restored does the node (`node sync
--hub-restored`) find the newest tree head it verified that the hub's log still extends,
set aside the heads and receipts beyond it (kept, signed by the log key: the evidence of
what was lost), and mark the sightings of batches logged beyond it, and those taken back
after a `node recover` that the hub does not hold, to be sent again. The
sync that follows sends them (a sighting the hub already holds is answered `already
present`, so running this again, or on a hub that was not restored, changes nothing),
and, as every sync does, asks again for the withdrawals and corrections the restore
undid (node/ask_again.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from node.log_client import NodeLog
from node.recover import list_held
from node.store import NodeStore


@dataclass(frozen=True)
class Rejoined:
    shared_size: int  # entries of the hub's log this node verified before and still sees
    heads_abandoned: int  # tree heads beyond them, set aside in log_heads_abandoned
    sightings_again: int  # sightings of batches logged beyond them, to be sent again

    def summary(self) -> str:
        return (f"hub restored: its log agrees with what this node verified up to "
                f"{self.shared_size} entries; {self.heads_abandoned} tree head(s) beyond "
                f"kept as evidence; {self.sightings_again} sighting(s) to send again")


def rejoin(channel: grpc.Channel, store: NodeStore, timeout_s: float) -> Rejoined:
    """Take the hub as restored; the sync that follows sends what it lost.

    The lost batches are not all it lost: a sighting whose UUID an import took back after
    `node recover` is synced without a batch of this node's, so after a later restore (or
    a hub rebuilt from its nodes) the batches alone sent it never again. So the hub is
    also asked what it holds, and each such sighting it neither holds nor withdrew is
    sent again. Only those: a sighting sent in a batch the hub kept and no longer holds
    was purged there (a shorter retention than this node's), and sending it again would
    put it back until the hub's next purge."""
    log = NodeLog.for_home(store.path.parent, store.db)
    shared = log.shared_with_hub(channel, timeout_s)
    abandoned, lost_batches = log.abandon_after(shared)
    again = store.mark_unsynced(lost_batches)
    holding = list_held(channel, timeout_s)
    known = {s.sighting_uuid for s in holding.held} | holding.withdrawn
    again += store.mark_unsynced_sightings(
        [uuid for (uuid,) in store.db.execute(
            "SELECT sighting_uuid FROM sightings WHERE synced_at IS NOT NULL "
            "AND synced_batch IS NULL")
         if uuid not in known])
    return Rejoined(shared.size if shared else 0, abandoned, again)

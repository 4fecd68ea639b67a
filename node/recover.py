"""After the node's database was restored from a backup: learn which of this node's
sightings the hub holds that the backup does not (README "Restoring from a backup").

They were imported and synced after the backup. Their case references are lost with
it, so importing them again from the inspection system's files would send each a second
time under a new UUID, and the node could not withdraw or correct the first. Recorded
here, an import that encodes a row to the very content the hub holds takes the hub's
UUID back and marks it synced (node/importer.py): the node knows its case reference
again, and the hub receives nothing twice. Encodings are deterministic, so the same
row of the same file encodes to the same content, as long as the keys are those it was
first encoded under.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import grpc

from node.records import forget_here
from node.retention import create_tables
from node.store import NodeStore
from zichtlijn.v1 import sync_pb2, sync_pb2_grpc


@dataclass(frozen=True)
class HubHolding:
    """What the hub holds of this node's sightings, and which of them it withdrew."""

    held: list[sync_pb2.HeldSighting]
    withdrawn: set[str]


@dataclass(frozen=True)
class Recovered:
    held_at_hub: int  # this node's sightings the hub holds
    hub_only: int  # of them, neither here nor withdrawn here: recorded to be taken back
    not_at_hub: int  # synced here, not held at the hub (purged there, or the hub restored)
    withdrawn_here: int  # held here, withdrawn at the hub after the backup: withdrawn here
    # of hub_only, encoded under a key epoch this node holds no keys of any more: no row
    # encodes to them again, so an import sends such a control a second time
    beyond_keys: int = 0

    def summary(self) -> str:
        said = (f"the hub holds {self.held_at_hub} sighting(s) of this node; "
                f"{self.hub_only} of them are not in this node's database: importing them "
                "again takes their UUIDs back")
        if self.withdrawn_here:
            said += (f"; {self.withdrawn_here} held here were withdrawn at the hub after "
                     "the backup: withdrawn here too")
        if self.beyond_keys:
            said += (f"; {self.beyond_keys} of those were encoded under a key epoch this "
                     "node has retired since: no row encodes to them again, so importing "
                     "their rows sends each control a second time, under a new UUID (README "
                     "\"Restoring from a backup\")")
        if self.not_at_hub:
            said += (f"; {self.not_at_hub} synced here are not held there (purged by the "
                     "hub, or, if its operator says it was restored, `zichtlijn node sync "
                     "--hub-restored`)")
        return said


def list_held(channel: grpc.Channel, timeout_s: float) -> HubHolding:
    """Every sighting of this node the hub holds or withdrew (its gemeente is the
    certificate's)."""
    replies = list(sync_pb2_grpc.SyncServiceStub(channel).ListHeld(
        sync_pb2.ListHeldRequest(), timeout=timeout_s))
    return HubHolding([held for reply in replies for held in reply.sightings],
                      {uuid for reply in replies for uuid in reply.withdrawn_uuids})


def recover(channel: grpc.Channel, store: NodeStore, today: dt.date,
            timeout_s: float, usable_epochs: frozenset[int] | None = None) -> Recovered:
    """List the hub's sightings of this node; keep those this node does not know, and
    withdraw here what the hub withdrew after the backup. `usable_epochs`: the key epochs
    this node can encode under, to count the hub's sightings it cannot take back."""
    create_tables(store)
    holding = list_held(channel, timeout_s)
    synced = store.db.execute("SELECT case_ref, observed_on, sighting_uuid FROM sightings "
                              "WHERE synced_at IS NOT NULL").fetchall()
    # the reason is the hub's to know (its log); withdrawn again, it would be an erasure
    forget_here(store, [(case, day, uuid, "erasure") for case, day, uuid in synced
                        if uuid in holding.withdrawn], today)
    held = [(s.sighting_uuid, bytes(s.content_digest), s.observed_on,
             bytes(s.single_epoch_digest)) for s in holding.held]
    known = {uuid: bool(synced) for uuid, synced in store.db.execute(
        "SELECT sighting_uuid, synced_at IS NOT NULL FROM sightings")}
    withdrawn = {uuid for (uuid,) in store.db.execute(
        "SELECT sighting_uuid FROM withdrawn_cases WHERE sighting_uuid IS NOT NULL")}
    hub_only = [row for row in held if row[0] not in known and row[0] not in withdrawn]
    store.keep_hub_only(hub_only)
    at_hub = {row[0] for row in held}
    only = {row[0] for row in hub_only}
    # the newest epoch decides, with or without a single-epoch digest (that one is of the
    # newest epoch too)
    beyond = 0 if usable_epochs is None else sum(
        1 for s in holding.held if s.sighting_uuid in only and s.epoch
        and s.epoch not in usable_epochs)
    return Recovered(len(held), len(hub_only),
                     sum(synced and uuid not in at_hub for uuid, synced in known.items()),
                     sum(uuid in holding.withdrawn for _, _, uuid in synced), beyond)

"""Withdraw or correct one of this node's sightings, at the hub first and then in node.db.

The hub is asked first: if it cannot be reached or refuses, node.db is left
as it was and the command can simply be repeated. A sighting never synced is
changed in node.db only (the hub never saw it).

Correction re-enters the person: node.db holds no plaintext, and encodings
cannot be edited field by field (the name filter pools every name word, and
a rotation may have replaced the keys the stored encoding was made with).
So the inspector enters, from the case file, every identity field the
sighting should have (fields left out are absent afterwards); the date,
setting, licence and signal codes keep their stored values unless given.
The corrected encodings replace the old ones under the same sighting UUID.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography.hazmat.primitives.asymmetric import ec

from linkage.encode import Encoder
from node.config import NodeConfig, load_config
from node.epoch_views import packed_digests
from node.identity_input import parse_identity
from node.importer import encode_sighting
from node.retention import Refusal, create_tables
from node.store import NodeStore
from zichtlijn import wire
from zichtlijn.certsign import (
    correct_statement,
    load_signing_key,
    request_time,
    sighting_ref,
    sign_statement,
    withdraw_statement,
)
from zichtlijn.erasure import truncate_wal
from zichtlijn.errors import CliError
from zichtlijn.transport import NOT_OWN, OTHER_CONTENT
from zichtlijn.v1 import encoding_pb2, records_pb2, records_pb2_grpc

REASONS = {
    "error": records_pb2.WITHDRAW_REASON_RECORDED_IN_ERROR,
    "erasure": records_pb2.WITHDRAW_REASON_ERASURE_REQUEST,
}
#: the reason as the hub logs it, which is what the node signs
LOGGED_REASONS = {"error": "recorded_in_error", "erasure": "erasure_request"}


@dataclass(frozen=True)
class Signer:
    """Signs this node's withdrawals and corrections with its certificate's key, as its
    upload batches are (zichtlijn/certsign.py): the hub refuses them unsigned and logs
    the signature, so an auditor can tell them from changes the hub made in its name."""

    gemeente: str  # as the client certificate names it: what the hub checks against
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def of(cls, config: NodeConfig) -> Signer:
        _, _, key_pem = config.tls.read()
        return cls(config.tls.principal().name, load_signing_key(key_pem))

    @classmethod
    def for_home(cls, home: Path) -> Signer:
        return cls.of(load_config(home))

    def withdraw(self, sighting_uuid: str, reason: str,
                 decided_at: str | None = None) -> records_pb2.WithdrawRequest:
        """The request to withdraw; `reason` as `node withdraw --reason` takes it. Signed
        with the time it is made (or `decided_at`): the hub takes it only about then."""
        decided_at = decided_at or request_time()
        statement = withdraw_statement(self.gemeente, sighting_ref(sighting_uuid),
                                       LOGGED_REASONS[reason], decided_at)
        return records_pb2.WithdrawRequest(sighting_uuid=sighting_uuid, reason=REASONS[reason],
                                           node_signature=sign_statement(self.key, statement),
                                           decided_at=decided_at)

    def correct(self, sighting: encoding_pb2.EncodedSighting, replaces: bytes,
                decided_at: str | None = None) -> records_pb2.CorrectRequest:
        """The request to correct: `sighting` as the hub is to hold it, UUID included, in
        place of the content whose digest is `replaces` (as this node holds it, or as the
        hub said it holds it); signed with the time it is made (or `decided_at`)."""
        decided_at = decided_at or request_time()
        statement = correct_statement(self.gemeente, sighting_ref(sighting.sighting_uuid),
                                      replaces, wire.sighting_digest(sighting), decided_at)
        return records_pb2.CorrectRequest(sighting=sighting,
                                          node_signature=sign_statement(self.key, statement),
                                          replaces_digest=replaces, decided_at=decided_at)


@dataclass(frozen=True)
class Stored:
    case_ref: str
    sighting_uuid: str
    observed_on: str
    message: encoding_pb2.EncodedSighting
    content_digest: bytes
    synced: bool


def stored(store: NodeStore, case_ref: str, on: str | None = None) -> Stored:
    """The control `case_ref` names; `on`, its date, where the case_ref (a dossier number)
    holds controls of several dates."""
    dates = store.dates_of(case_ref)
    if not dates:
        raise CliError(f"no sighting with case_ref {case_ref!r} at this node")
    if on is None and len(dates) > 1:
        raise CliError(f"case_ref {case_ref!r} holds {len(dates)} controls "
                       f"({', '.join(dates)}): name one with --on DATE")
    if on is not None and on not in dates:
        raise CliError(f"case_ref {case_ref!r} holds no control of {on} "
                       f"(it holds {', '.join(dates)})")
    row = store.db.execute(
        "SELECT sighting_uuid, observed_on, encoded, content_digest, synced_at IS NOT NULL "
        "FROM sightings WHERE case_ref = ? AND observed_on = ?",
        [case_ref, on or dates[0]]).fetchone()
    uuid, observed_on, encoded, digest, synced = row
    return Stored(case_ref, uuid, observed_on, encoding_pb2.EncodedSighting.FromString(encoded),
                  bytes(digest), bool(synced))


@dataclass(frozen=True)
class Outcome:
    sighting_uuid: str
    at_hub: bool  # the hub was asked (the sighting had been synced)
    changed_at_hub: bool
    changed: bool = True  # correction: False when the entered details encode as stored


def withdraw(channel: grpc.Channel | None, store: NodeStore, case_ref: str, reason: str,
             today: dt.date, timeout_s: float, on: str | None = None,
             signer: Signer | None = None) -> Outcome:
    """Remove the sighting at the hub (if synced), then here, leaving only a tombstone.

    The request is signed by `signer`, by default that of the node home holding `store`."""
    create_tables(store)
    sighting = stored(store, case_ref, on)
    reply = None
    if sighting.synced:
        if channel is None:
            raise CliError("the sighting was synced: the hub must be asked")
        try:
            signer = signer or Signer.for_home(store.path.parent)
            reply = records_pb2_grpc.RecordServiceStub(channel).Withdraw(
                signer.withdraw(sighting.sighting_uuid, reason), timeout=timeout_s)
        except grpc.RpcError as error:
            # the hub does not name the other municipality; any other refusal (a revoked
            # certificate, a busy hub) says its own line
            if NOT_OWN not in tuple(error.trailing_metadata() or ()):
                raise
            raise CliError(f"{case_ref}: the hub holds sighting {sighting.sighting_uuid} for "
                           "another municipality, so it is not this node's to withdraw; "
                           "nothing was changed here or at the hub") from None
    forget_here(store, [(case_ref, sighting.observed_on,
                         *((sighting.sighting_uuid, reason) if reply is not None
                           else (None, None)))], today)
    if reply is None:
        return Outcome(sighting.sighting_uuid, False, False)
    return Outcome(sighting.sighting_uuid, True, reply.removed)


def forget_here(store: NodeStore, withdrawn: list[tuple[str, str, str | None, str | None]],
                today: dt.date) -> None:
    """Delete sightings here, leaving tombstones: (case_ref, observed_on, the UUID and
    reason the hub was asked to withdraw it under, or None twice if it was not)."""
    create_tables(store)
    with store.db.conn:
        for case_ref, observed_on, uuid, reason in withdrawn:
            store.db.execute("DELETE FROM sightings WHERE case_ref = ? AND observed_on = ?",
                             [case_ref, observed_on])
            store.db.execute(
                "INSERT OR REPLACE INTO withdrawn_cases (case_ref, observed_on, withdrawn_on, "
                "sighting_uuid, reason) VALUES (?, ?, ?, ?, ?)",
                [case_ref, observed_on, today.isoformat(), uuid, reason])
    truncate_wal(store.db.conn)


def _kept_fields(message: encoding_pb2.EncodedSighting) -> dict[str, str]:
    """The sighting's own (non-identity) fields as stored, in CSV form."""
    licensed = "" if not message.HasField("licensed") else "ja" if message.licensed else "nee"
    return {"setting": wire.setting_from_wire(message.setting) or "", "licensed": licensed,
            "signals": ";".join(message.signals)}


def correct(channel: grpc.Channel | None, store: NodeStore, case_ref: str,
            values: dict[str, str], encoders: list[Encoder], today: dt.date,
            refuse: Refusal, timeout_s: float,
            known_signals: frozenset[str] | None = None, on: str | None = None,
            signer: Signer | None = None) -> Outcome:
    """Re-encode the sighting from `values` (see the module docstring) and replace it;
    signed as `withdraw` is."""
    sighting = stored(store, case_ref, on)
    fields = {**_kept_fields(sighting.message), **values}
    observed_on = fields.pop("observed_on", sighting.observed_on)
    parsed = parse_identity(fields, today, case_ref, observed_on, known_signals)
    refused = refuse(parsed)
    if refused:
        # the import's words say a row was left out ("not kept"); here nothing was stored
        # and the control as it was stays (the operations review read it as deleted)
        reason = refused.reason.removesuffix("; not kept")
        raise CliError(f"{refused.field}: {reason}: the correction is refused, the stored "
                       "control is unchanged")
    encoder, *older = encoders
    message = encode_sighting(parsed, encoder, older)
    digest = wire.sighting_digest(message)  # like the importer: digest without the UUID
    message.sighting_uuid = sighting.sighting_uuid
    if digest == sighting.content_digest:
        return Outcome(sighting.sighting_uuid, False, False, changed=False)
    if message.observed_on != sighting.observed_on and message.observed_on in store.dates_of(
            case_ref):
        raise CliError(f"case_ref {case_ref!r} already holds a control of "
                       f"{message.observed_on}; withdraw one of the two instead")
    reply = None
    if sighting.synced:
        if channel is None:
            raise CliError("the sighting was synced: the hub must be asked")
        signer = signer or Signer.for_home(store.path.parent)
        # the hub's digest is of the sighting with its UUID (the node's content_digest,
        # without, is the import's)
        reply = _correct_at_hub(channel, signer, case_ref, message,
                                wire.sighting_digest(sighting.message), timeout_s)
    with store.db.conn:
        # the inspection system's export still holds the row as first imported: its digests
        # (not its encodings) and date are kept, so the import can leave that row out
        # instead of refusing it every night; a second correction keeps the first's
        store.db.execute(
            "UPDATE sightings SET observed_on = ?, epoch = ?, encoded = ?, content_digest = ?, "
            "corrected_on = coalesce(?, corrected_on), "
            "imported_digests = coalesce(imported_digests, ?), "
            "imported_on = coalesce(imported_on, ?) WHERE sighting_uuid = ?",
            [message.observed_on, message.epoch, wire.canonical_bytes(message), digest,
             today.isoformat() if reply is not None else None,
             packed_digests(sighting.message), sighting.observed_on, sighting.sighting_uuid])
    truncate_wal(store.db.conn)
    if reply is None:
        return Outcome(sighting.sighting_uuid, False, False)
    return Outcome(sighting.sighting_uuid, True, reply.changed)


def _correct_at_hub(channel: grpc.Channel, signer: Signer, case_ref: str,
                    message: encoding_pb2.EncodedSighting, replaces: bytes,
                    timeout_s: float) -> records_pb2.CorrectReply:
    """Ask the hub to correct, signed as replacing the content this node holds.

    The hub may hold other content: restored from a backup older than an earlier
    correction (the next sync would have asked again), or this node restored from a
    backup older than one, or a row taken back after `node recover` under another key
    epoch than the hub holds it. Then it refuses with OTHER_CONTENT, and the node asks
    what it holds (ListHeld) and signs once more against that: still the node's own
    decision, made now, so it can be replayed no more than the first."""
    stub = records_pb2_grpc.RecordServiceStub(channel)
    try:
        return stub.Correct(signer.correct(message, replaces), timeout=timeout_s)
    except grpc.RpcError as error:
        if OTHER_CONTENT not in tuple(error.trailing_metadata() or ()):
            raise
    held = _held_digest(channel, message.sighting_uuid, timeout_s)
    if held is None:
        raise CliError(f"{case_ref}: the hub no longer holds sighting {message.sighting_uuid} "
                       "(withdrawn or purged there); nothing was changed here or at the hub")
    return stub.Correct(signer.correct(message, held), timeout=timeout_s)


def _held_digest(channel: grpc.Channel, sighting_uuid: str, timeout_s: float) -> bytes | None:
    """The content digest the hub holds of this node's sighting, or None. The whole list
    is read (the hub has no call for one sighting; it reads 8.6 MB for the largest
    gemeente in 0.3 s), and only after a refusal: a correction is rarely refused so."""
    from node.recover import list_held  # node.recover imports this module

    return next((bytes(held.content_digest) for held in list_held(channel, timeout_s).held
                 if held.sighting_uuid == sighting_uuid), None)

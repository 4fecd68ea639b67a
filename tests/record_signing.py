"""Withdraw and correct requests signed as a node signs them (node/records.py Signer), for
tests that call the hub's RecordService straight, as the certificate `stem` of the PKI."""

from __future__ import annotations

from node.records import REASONS, Signer
from tests.conftest import Pki
from zichtlijn import wire
from zichtlijn.certsign import load_signing_key
from zichtlijn.v1 import encoding_pb2, records_pb2

_WORDS = {reason: word for word, reason in REASONS.items()}


def signer(pki: Pki, stem: str) -> Signer:
    tls = pki.tls(stem)
    return Signer(tls.principal().name, load_signing_key(tls.key.read_bytes()))


def withdraw_request(pki: Pki, stem: str, sighting_uuid: str,
                     reason: int = records_pb2.WITHDRAW_REASON_ERASURE_REQUEST
                     ) -> records_pb2.WithdrawRequest:
    """Signed; unsigned for a reason a node never sends (the hub refuses it for that)."""
    if reason not in _WORDS:
        return records_pb2.WithdrawRequest(sighting_uuid=sighting_uuid, reason=reason)
    return signer(pki, stem).withdraw(sighting_uuid, _WORDS[reason])


def correct_request(pki: Pki, stem: str, sighting: encoding_pb2.EncodedSighting,
                    replaces: encoding_pb2.EncodedSighting | bytes
                    ) -> records_pb2.CorrectRequest:
    """Signed as replacing `replaces`: the sighting as the hub holds it, or its digest."""
    if not isinstance(replaces, bytes):
        replaces = wire.sighting_digest(replaces)
    return signer(pki, stem).correct(sighting, replaces)

"""mTLS channels and servers, and the caller's identity inside a handler."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from zichtlijn.identity import IdentityError, Principal, principal_of_pem

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
DEFAULT_DEADLINE_S = 30.0
KEEPALIVE_MS = 30_000  # a ping every 30 s keeps a quiet call alive through firewalls/NAT
_CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.keepalive_time_ms", KEEPALIVE_MS),
]
#: The server takes a client's keepalive pings while no data flows: by default it wants
#: five minutes between them and answers the third sooner one with GOAWAY
#: (too_many_pings), which ended a node's upload waiting on a long link run.
_SERVER_OPTIONS = [
    *_CHANNEL_OPTIONS,
    ("grpc.http2.min_ping_interval_without_data_ms", KEEPALIVE_MS - 5_000),
    ("grpc.keepalive_permit_without_calls", 1),
]


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    cert: Path
    key: Path

    def read(self) -> tuple[bytes, bytes, bytes]:
        missing = [str(p) for p in (self.ca, self.cert, self.key) if not p.is_file()]
        if missing:
            raise FileNotFoundError(f"TLS file not found: {', '.join(missing)}")
        return self.ca.read_bytes(), self.cert.read_bytes(), self.key.read_bytes()

    def principal(self) -> Principal:
        return principal_of_pem(self.cert.read_bytes())

    def check_pair(self) -> None:
        """Refuse a key that is not the certificate's (a .key of another certificate, mixed
        up at renewal): every call would fail at the TLS handshake, and opening a key
        package would blame the package."""
        _, cert_pem, key_pem = self.read()
        try:
            cert = x509.load_pem_x509_certificate(cert_pem)
            key = serialization.load_pem_private_key(key_pem, None)
        except (ValueError, TypeError):
            raise TlsPairError(f"{self.cert} or {self.key}: not a PEM certificate and an "
                               "unencrypted PEM private key") from None
        raw = serialization.PublicFormat.SubjectPublicKeyInfo
        if (key.public_key().public_bytes(serialization.Encoding.DER, raw)
                != cert.public_key().public_bytes(serialization.Encoding.DER, raw)):
            raise TlsPairError(f"--key {self.key} does not belong to --cert {self.cert} (its "
                               "public key is another): give the key made with this "
                               "certificate")


class TlsPairError(ValueError):
    """A TLS private key that is not the certificate's."""


def server_credentials(tls: TlsFiles) -> grpc.ServerCredentials:
    ca, cert, key = tls.read()
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=ca,
                                       require_client_auth=True)


def secure_channel(target: str, tls: TlsFiles) -> grpc.Channel:
    ca, cert, key = tls.read()
    credentials = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key,
                                               certificate_chain=cert)
    return grpc.secure_channel(target, credentials, options=_CHANNEL_OPTIONS)


def server_options() -> list[tuple[str, int]]:
    return list(_SERVER_OPTIONS)


def caller(context: grpc.ServicerContext) -> Principal:
    """The verified principal of the client certificate, or abort UNAUTHENTICATED."""
    pems = context.auth_context().get("x509_pem_cert")
    if not pems:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "client certificate required")
    try:
        return principal_of_pem(pems[0])
    except (IdentityError, ValueError) as exc:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, f"client certificate refused: {exc}")
        raise  # unreachable: abort raises


def caller_certificate(context: grpc.ServicerContext) -> x509.Certificate:
    """The client certificate of a call `require_role` (or `caller`) has accepted: the key
    a node's or RIEC's signed statement must verify with."""
    return x509.load_pem_x509_certificate(context.auth_context()["x509_pem_cert"][0])


def require_role(context: grpc.ServicerContext, *roles: str) -> Principal:
    principal = caller(context)
    if principal.role not in roles:
        context.abort(grpc.StatusCode.PERMISSION_DENIED,
                      f"{principal} may not call this method (needs {' or '.join(roles)})")
    return principal


#: trailing metadata of an UNAVAILABLE the hub itself sent (busy, or unusable until
#: repaired), so the user is not told the hub is unreachable when it answered
HUB_UNAVAILABLE = ("zichtlijn-unavailable", "hub")


#: trailing metadata of a withdrawal refused because the hub holds the sighting for
#: another municipality, told apart from a refusal of the certificate's role
NOT_OWN = ("zichtlijn-refused", "not-own")

#: trailing metadata of a correction refused because the hub holds the sighting with other
#: content than the one the node signed it replaces: the node asks what the hub holds
#: (ListHeld) and signs against that (node/records.py)
OTHER_CONTENT = ("zichtlijn-refused", "other-content")


#: trailing metadata of an upload the hub answered before its link run had ended
STILL_LINKING = ("zichtlijn-linking", "pending")


def abort_unavailable(context: grpc.ServicerContext, message: str) -> None:
    """Refuse for now (UNAVAILABLE: try again later), marked as the hub's own answer."""
    context.set_trailing_metadata((HUB_UNAVAILABLE,))
    context.abort(grpc.StatusCode.UNAVAILABLE, message)


_TLS_FAILED = ("the TLS handshake failed: check the CA certificate and this machine's "
               "certificate and key (README \"Certificates\")")
#: what gRPC's reasons for an unreachable peer mean to someone at a terminal (an inspector
#: at the door read "failed to connect to all addresses; last error: UNKNOWN: ...")
_UNREACHABLE_REASONS = (
    ("connection refused", "nothing answers at that address: is the hub running, and is "
                           "its address right?"),
    ("dns resolution failed", "its name could not be looked up: check its address and "
                              "the network"),
    ("handshake", _TLS_FAILED),
    ("certificate", _TLS_FAILED),
    ("socket closed", "the hub closed the connection during the TLS handshake: is this "
                      "machine's certificate one the hub trusts (signed by its CA)?"),
    ("timed out", "no answer from that address (a firewall, or the hub's machine is down)"),
    ("no route to host", "no route to that address (the network or a firewall)"),
    ("network is unreachable", "no route to that address (the network or a firewall)"),
)


def plain_unreachable(details: str | None) -> str:
    """Why the peer could not be reached, in words; gRPC's own text where none fit."""
    lowered = (details or "").lower()
    for found, said in _UNREACHABLE_REASONS:
        if found in lowered:
            return said
    return details or "no connection"


def describe_rpc_error(error: grpc.RpcError, peer: str) -> str:
    """One line for a user: what the peer said, without a traceback."""
    code = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    if code == grpc.StatusCode.UNAVAILABLE:
        trailing = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
        if HUB_UNAVAILABLE in tuple(trailing or ()):
            return f"hub {peer} unavailable for now: {details}"
        return f"hub {peer} unreachable: {plain_unreachable(details)}"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"hub {peer} did not answer in time"
    name = code.name if code else "ERROR"
    return f"hub {peer} refused ({name}): {details}"

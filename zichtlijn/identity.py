"""Who is calling: the role and name carried in a certificate's URI SAN.

Every certificate of a zichtlijn deployment names exactly one principal as
`zichtlijn://<role>/<name>`, e.g. `zichtlijn://node/GM0363`. The hub takes a
caller's identity from the verified client certificate only, never from a
request field, so a node can act only as itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509

ROLES = ("node", "riec", "auditor", "operator", "hub")
_URI = re.compile(r"^zichtlijn://(?P<role>[a-z]+)/(?P<name>[A-Za-z0-9_.-]{1,64})$")
GEMEENTE_CODE = re.compile(r"^GM\d{4}$")


class IdentityError(ValueError):
    pass


@dataclass(frozen=True)
class Principal:
    role: str
    name: str

    @property
    def uri(self) -> str:
        return f"zichtlijn://{self.role}/{self.name}"

    def __str__(self) -> str:
        return f"{self.role}:{self.name}"


def parse_principal(uri: str) -> Principal:
    match = _URI.match(uri)
    if not match or match["role"] not in ROLES:
        raise IdentityError(f"not a zichtlijn principal URI: {uri!r}")
    principal = Principal(match["role"], match["name"])
    if principal.role == "node" and not GEMEENTE_CODE.match(principal.name):
        raise IdentityError(f"node certificate must name a CBS gemeente code, got {uri!r}")
    return principal


def principal_of_certificate(cert: x509.Certificate) -> Principal:
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise IdentityError("certificate has no subject alternative name") from None
    uris = [u for u in sans.get_values_for_type(x509.UniformResourceIdentifier)
            if u.startswith("zichtlijn://")]
    if len(uris) != 1:
        raise IdentityError("certificate must carry exactly one zichtlijn:// URI")
    return parse_principal(uris[0])


def principal_of_pem(pem: bytes) -> Principal:
    return principal_of_certificate(x509.load_pem_x509_certificate(pem))

"""A development PKI: one CA and a certificate per hub, node, RIEC and auditor.

For demos and tests only. A deployment uses the municipalities' own PKI
(e.g. PKIoverheid private services) issuing the same URI SANs.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zichtlijn.identity import Principal
from zichtlijn.private_file import write_private

VALIDITY = dt.timedelta(days=825)


@dataclass(frozen=True)
class Issued:
    cert_pem: bytes
    key_pem: bytes


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "zichtlijn development"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class DevCA:
    def __init__(self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
        self.key = key
        self.cert = cert

    @classmethod
    def create(cls, common_name: str = "zichtlijn dev CA") -> DevCA:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            # the key identifiers tell an old and a new CA of one name apart while both
            # are trusted (a CA change, README "Certificates"); RFC 5280 4.2.1.1-2
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, principal: Principal, hostnames: tuple[str, ...] = ()) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(principal.uri)]
        for host in hostnames:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
        if hostnames:
            usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(str(principal)))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return Issued(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def write_dev_pki(
    out_dir: Path,
    nodes: list[str],
    riec_regions: list[str],
    auditors: list[str],
    hub_hosts: tuple[str, ...] = ("localhost", "127.0.0.1"),
    ca_name: str = "zichtlijn dev CA",
) -> dict[str, Path]:
    """Write ca.pem and <role>-<name>.{pem,key} files; returns the directory map."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ca = DevCA.create(ca_name)
    (out_dir / "ca.pem").write_bytes(ca.cert_pem)
    written = {"ca": out_dir / "ca.pem"}
    principals = [(Principal("hub", "hub"), hub_hosts), (Principal("operator", "operator"), ())]
    principals += [(Principal("node", g), ()) for g in nodes]
    principals += [(Principal("riec", r), ()) for r in riec_regions]
    principals += [(Principal("auditor", a), ()) for a in auditors]
    for principal, hosts in principals:
        issued = ca.issue(principal, hosts)
        stem = f"{principal.role}-{principal.name}"
        (out_dir / f"{stem}.pem").write_bytes(issued.cert_pem)
        write_private(out_dir / f"{stem}.key", issued.key_pem)
        written[stem] = out_dir / f"{stem}.pem"
    return written

"""When a home's certificates run out.

mTLS carries every call, so a node whose certificate lapses cannot sync, and a hub whose
certificate (or the CA's) lapses takes every node down with it, at night, with a TLS
error. `node status` and `hub status` show the dates; `node sync` and `hub serve` warn
a month ahead (README "Certificates").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from zichtlijn.ca_bundle import read_ca_bundle
from zichtlijn.transport import TlsFiles

WARN_DAYS = 30


@dataclass(frozen=True)
class Expiry:
    what: str  # "certificate" or "CA certificate"
    path: Path
    until: dt.date

    def days_left(self, today: dt.date) -> int:
        return (self.until - today).days


def expiries(tls: TlsFiles) -> list[Expiry]:
    """The last day of validity of the home's own certificate and of its CA's (each CA's,
    while the CA file holds the old and the new one)."""
    own = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    cas = read_ca_bundle(tls.ca)
    return [Expiry("certificate", tls.cert, own.not_valid_after_utc.date())] + [
        Expiry("CA certificate" if len(cas) == 1 else f"CA certificate {k} of {len(cas)}",
               tls.ca, ca.not_valid_after_utc.date())
        for k, ca in enumerate(cas, 1)]


def describe(tls: TlsFiles, today: dt.date) -> str:
    """One line for a status command (what is wrong, if a file cannot be read)."""
    try:
        found = expiries(tls)
    except (OSError, ValueError) as error:
        return f"cannot read the certificates: {error}"
    return ", ".join(f"{e.what} until {e.until} ({e.days_left(today):,} days)"
                     for e in found)


def warnings(tls: TlsFiles, today: dt.date, within_days: int = WARN_DAYS) -> list[str]:
    """A line for each certificate that runs out within `within_days`, or has (none for
    files that cannot be read: the TLS set-up itself says why)."""
    try:
        found_expiries = expiries(tls)
    except (OSError, ValueError):
        return []
    found = []
    for expiry in found_expiries:
        left = expiry.days_left(today)
        if left < 0:
            found.append(f"the {expiry.what} {expiry.path} ran out on {expiry.until}: "
                         "nothing signed with it is accepted; renew it")
        elif left <= within_days:
            found.append(f"the {expiry.what} {expiry.path} runs out on {expiry.until} "
                         f"(in {left} days): renew it before then")
    return found

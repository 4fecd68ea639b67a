"""The report of a verification: each problem found (`Problem`, ordered by the entry it
concerns), what the auditor trusts (`Trust`), and what was counted and checked (`Report`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from cryptography import x509

from linkage import merkle
from linkage.checkpoint import Checkpoint, Verifier
from zichtlijn.audit_requests import SignedRequests

NO_ENTRY = 1 << 62  # sorts problems not tied to one entry after those that are


# at the same entry, what happened to the log itself comes before its consequences
LOG, SIGNATURE, RECONCILE = 0, 1, 2


@dataclass(frozen=True, order=True)
class Problem:
    entry: int
    rank: int
    seq: int  # then in the order found
    message: str = field(compare=False)

    def line(self) -> str:
        return self.message


@dataclass(frozen=True)
class Trust:
    """What the auditor obtained independently of the hub."""

    log_key: Verifier
    cas: tuple[x509.Certificate, ...]  # one, or the old and the new while the CA changes
    witnesses: tuple[Verifier, ...] = ()
    quorum: int = 0
    checkpoints: tuple[tuple[str, str], ...] = ()  # (where it came from, signed note text)
    earlier_log_keys: tuple[Verifier, ...] = ()  # keys the log replaced (`hub log-key replace`)
    # with a quorum: an entry this much older than the export must be settled (witnesses
    # cosign nightly; an old unsettled entry is a history they refused or never saw)
    settled_within: dt.timedelta | None = None


@dataclass
class Report:
    meta: dict[str, str]
    entries: int = 0
    tree_heads: int = 0
    cosignatures: int = 0
    uploads: int = 0
    batches: int = 0
    sightings: int = 0
    linked: int = 0
    link_runs: int = 0
    alerts: int = 0  # alerts the hub holds
    alerts_merged: int = 0
    alerts_logged: int = 0  # alerts with an alert_created entry
    actions: Counter = field(default_factory=Counter)
    # per municipality: sightings its node withdrew within a day of uploading them
    soon_withdrawn: Counter = field(default_factory=Counter)
    soon_erased: Counter = field(default_factory=Counter)  # of those, at the person's request
    # withdraw, correct and correct_refused entries: signed by their node, and not
    requests: SignedRequests = field(default_factory=SignedRequests)
    vouched: dict[str, int] = field(default_factory=dict)  # witness -> largest size it vouches
    settled_size: int | None = None
    latest_head: Checkpoint | None = None  # the largest signed head that matches the log
    latest_note: str = ""
    largest_signed: int = 0  # the largest size the log key signed, matching or not
    root: bytes = merkle.EMPTY_ROOT
    tree: merkle.MemoryTree | None = None  # the recomputed log, for a witness's own checks
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, not problems

    @property
    def ok(self) -> bool:
        return not self.problems

    def first(self) -> Problem | None:
        return min(self.problems) if self.problems else None

    def add(self, message: str, entry: int | None = None, rank: int = LOG) -> None:
        self.problems.append(Problem(NO_ENTRY if entry is None else entry, rank,
                                     len(self.problems), message))

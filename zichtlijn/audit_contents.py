"""Each corrected sighting's content as the log leaves it, for `audit verify`.

A `correct` entry names the sighting (`sighting`, a digest of its UUID), the
content the hub held (`old_digest`) and the corrected content (`new_digest`);
since entry version 4 (2026-12-08) also what the node signed it replaces
(`replaces`) and when it decided (`decided_at`). Read in log order, they give
each corrected sighting's content after every entry, so the verifier can
check that a correction replaced the content the log had left (the upload's,
or the previous correction's new one), that the node signed it for that
content, and that the corrections of one sighting were decided in the order
they were applied. A correction signed earlier and applied again later (a
crypto review copied the node's signature out of the log after the node had
corrected the sighting once more) fails one of these.

Only entries of version 4 or later are held to this (`TIMED_FROM_VERSION`):
those before are checked as they were, though they still set the content the
later ones are compared with. A `restore` needs nothing here: the restored
log is the backup's, whose entries left the sightings as the backup holds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from zichtlijn.audit_requests import TIMED_FROM_VERSION
from zichtlijn.certsign import read_request_time


class _Content(NamedTuple):
    digest: bytes
    index: int  # the entry that left it
    checked: bool  # that entry is of version 4 or later
    decided_at: dt.datetime | None  # the node's time of the sighting's last correction
    decided_in: int | None  # and its entry


class FirstCorrection(NamedTuple):
    """A sighting's first correction in the log: what it replaced must be in its batch."""

    index: int
    batch: bytes
    old_digest: bytes


def _digest(value: object) -> bytes | None:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


@dataclass
class Contents:
    """Reads `correct` and `withdraw` entries in log order (malformed ones are left to
    audit_removals, which reports them)."""

    sightings: dict[str, _Content] = field(default_factory=dict)  # by `sighting`
    withdrawn: dict[str, int] = field(default_factory=dict)  # `sighting` -> its entry
    first: list[FirstCorrection] = field(default_factory=list)

    def read(self, index: int, action: str, entry: dict) -> list[str]:
        """Take in one entry; the problems it shows (entries of version 4 or later)."""
        ref = entry.get("sighting")
        if not isinstance(ref, str):
            return []
        checked = entry.get("v", 1) >= TIMED_FROM_VERSION
        if action == "withdraw":
            return self._withdraw(index, ref, entry, checked)
        if action == "correct":
            return self._correct(index, ref, entry, checked)
        return []

    def _withdraw(self, index: int, ref: str, entry: dict, checked: bool) -> list[str]:
        digest = _digest(entry.get("digest"))
        if entry.get("removed") is not True or digest is None:
            return []
        known = self.sightings.pop(ref, None)
        self.withdrawn[ref] = index
        if checked and known is not None and known.digest != digest:
            return [f"entry #{index}: withdrawal by {entry['actor']} logs sighting "
                    f"{ref[:16]} as held with content {digest.hex()[:16]}, but entry "
                    f"#{known.index} left it as {known.digest.hex()[:16]}: its content was "
                    "changed without an entry"]
        return []

    def _correct(self, index: int, ref: str, entry: dict, checked: bool) -> list[str]:
        old, new = _digest(entry.get("old_digest")), _digest(entry.get("new_digest"))
        batch = _digest(entry.get("batch"))
        if old is None or new is None or batch is None:
            return []
        changed = entry.get("changed") is True
        actor = entry["actor"]
        try:
            decided = (read_request_time(entry["decided_at"]) if "decided_at" in entry
                       else None)
        except (TypeError, ValueError):
            decided = None  # reported with the entry's signature (audit_requests)
        replaces = _digest(entry.get("replaces"))
        known = self.sightings.get(ref)
        problems = []
        if checked:
            if ref in self.withdrawn:
                problems.append(f"entry #{index}: correction by {actor} of sighting "
                                f"{ref[:16]}, which entry #{self.withdrawn[ref]} withdrew")
            if known is None:
                self.first.append(FirstCorrection(index, batch, old))
            elif known.digest != old:
                problems.append(f"entry #{index}: correction by {actor} logs sighting "
                                f"{ref[:16]} as held with content {old.hex()[:16]}, but "
                                f"entry #{known.index} left it as {known.digest.hex()[:16]}: "
                                "its content was changed without an entry")
            if changed and replaces is not None and replaces != old:
                problems.append(f"entry #{index}: correction by {actor} was signed by the "
                                f"node as replacing content {replaces.hex()[:16]}, but the "
                                f"hub applied it to {old.hex()[:16]}: an earlier correction "
                                "replayed at the hub?")
            if (decided is not None and known is not None and known.decided_at is not None
                    and decided <= known.decided_at):
                problems.append(f"entry #{index}: correction by {actor} was decided at "
                                f"{entry['decided_at']}, not after the correction of entry "
                                f"#{known.decided_in} it follows: an earlier correction "
                                "replayed at the hub?")
        last, last_in = ((decided, index) if decided is not None else
                         (known.decided_at, known.decided_in) if known is not None else
                         (None, None))
        self.sightings[ref] = _Content(new if changed else old, index, checked, last, last_in)
        return problems

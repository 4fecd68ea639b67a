"""What withdrawals, corrections, retention purges and erasures took out of the hub, as
the log says.

`audit verify` reconciles the hub's sightings with the uploads the log
records. Sightings leave the hub lawfully (AVG): a node withdraws one, a
node corrects one (its content digest changes, its UUID and batch stay), the
retention purge deletes old ones, the operator erases a municipality that
left. Each of those is a log entry naming the batch and content digest of
every sighting it took out (hub/records.py, hub/retention.py,
hub/erase_gemeente.py), so the verifier can tell a lawful removal from a
sighting that vanished without a trace. Only digests are logged: the export
already holds every sighting's digest, so the auditor learns nothing new.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

ACTIONS = ("withdraw", "correct", "retention_purge", "gemeente_erased")


class MalformedRemoval(ValueError):
    pass


def _digest(value: object) -> bytes:
    if not isinstance(value, str):
        raise MalformedRemoval
    raw = bytes.fromhex(value)
    if len(raw) != 32:
        raise MalformedRemoval
    return raw


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedRemoval
    return value


@dataclass
class Removals:
    gone: dict[bytes, set[bytes]] = field(default_factory=dict)  # batch -> digests not held
    added: dict[bytes, set[bytes]] = field(default_factory=dict)  # batch -> corrected digests
    dropped: Counter = field(default_factory=Counter)  # batch -> sightings withdrawn or purged
    unlinked: int = 0  # linked sightings taken out since the last relink

    def relinked(self) -> None:
        self.unlinked = 0

    def read(self, action: str, entry: dict) -> None:
        """Take in one entry of ACTIONS; raises MalformedRemoval."""
        try:
            if action == "withdraw":
                if entry.get("removed") is True:
                    self._gone(_digest(entry.get("batch")), [_digest(entry.get("digest"))])
                    self.unlinked += _count(entry.get("linked"))
            elif action == "correct":
                if entry.get("changed") is True:
                    batch = _digest(entry.get("batch"))
                    self.gone.setdefault(batch, set()).add(_digest(entry.get("old_digest")))
                    self.added.setdefault(batch, set()).add(_digest(entry.get("new_digest")))
                    self.unlinked += _count(entry.get("linked"))
            elif action in ("retention_purge", "gemeente_erased"):
                removed = entry.get("removed", {})
                if not isinstance(removed, dict):
                    raise MalformedRemoval
                for batch, digests in removed.items():
                    if not isinstance(digests, list):
                        raise MalformedRemoval
                    self._gone(_digest(batch), [_digest(d) for d in digests])
                self.unlinked += _count(entry.get("linked", 0))
        except ValueError as exc:  # bytes.fromhex
            raise MalformedRemoval from exc

    def _gone(self, batch: bytes, digests: list[bytes]) -> None:
        self.gone.setdefault(batch, set()).update(digests)
        self.dropped[batch] += len(digests)

"""A RIEC's own record of its decisions, so a hub restored from a backup gets them back.

`riec ack`, `riec close` and `riec reopen` append what was decided, on which evidence
(the alert's sighting UUIDs), to `decisions.jsonl` in the RIEC home. A hub restored from
a backup has lost the decisions taken since that backup and shows those alerts as they
were then. `riec alerts` sends such a decision again when the hub's alert is behind it
(new where it was acknowledged or closed, acknowledged where it was closed; closed by
this RIEC where the RIEC reopened it, and new there too, which an acknowledgement brings
where the reopening left it), holds no sighting the decision did not see, and is at no
later version than the one decided on. An alert that gained evidence since is a new
question for the consultation and is left as the hub shows it; so is one whose evidence
changed after the decision even if it shrank back to what was decided on (new evidence
reopened it, then that sighting was withdrawn): the hub did not lose that decision, it
moved on from it.

The file holds alert ids, reason codes, sighting UUIDs and times: what the hub sent this
RIEC, never a name. A decision is kept as long as a backup may be (no longer than the
retention period, README "Backups"), then dropped: an older one is needed by no restore.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from hub.alerts.service import CLOSE_REASONS
from zichtlijn.dates import DEFAULT_RETENTION_MONTHS, months_before
from zichtlijn.v1 import alerts_pb2

DECISIONS_NAME = "decisions.jsonl"
ACKNOWLEDGE, CLOSE, REOPEN = "acknowledge", "close", "reopen"
# how far along the life cycle a state is: an acknowledgement and a closing move it forward;
# new evidence and a reopening move it back, which the checks below tell apart
_PROGRESS = {alerts_pb2.ALERT_STATE_NEW: 0, alerts_pb2.ALERT_STATE_ACKNOWLEDGED: 1,
             alerts_pb2.ALERT_STATE_CLOSED: 2}
_ACTION_PROGRESS = {ACKNOWLEDGE: 1, CLOSE: 2, REOPEN: 1}


class DecisionsError(ValueError):
    """The decisions file cannot be read."""


@dataclass(frozen=True)
class Decision:
    alert_id: str
    action: str  # ACKNOWLEDGE, CLOSE or REOPEN
    reason: str  # the close or reopen reason code; empty for an acknowledgement
    evidence: frozenset[str]  # the sighting UUIDs the alert held when it was decided
    at: str  # RFC 3339 UTC
    version: int | None = None  # the alert's version decided on; None in older journals

    def to_json(self) -> str:
        fields = {"alert_id": self.alert_id, "action": self.action, "reason": self.reason,
                  "evidence": sorted(self.evidence), "at": self.at}
        if self.version is not None:
            fields["version"] = self.version
        return json.dumps(fields, sort_keys=True)


def decision_of(alert: alerts_pb2.Alert, action: str, reason: str = "") -> Decision:
    """What the hub answered to an acknowledgement, a closing or a reopening, as a
    decision."""
    return Decision(alert.alert_id, action, reason,
                    frozenset(s.sighting_uuid for s in alert.sightings),
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), alert.version)


class DecisionJournal:
    """The append-only file of a RIEC home's decisions."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, decision: Decision, today: dt.date | None = None) -> None:
        """Append `decision`, and drop those older than the retention period."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(decision.to_json() + "\n")
            out.flush()
            os.fsync(out.fileno())
        cutoff = months_before(today or dt.date.today(), DEFAULT_RETENTION_MONTHS).isoformat()
        lines = self.path.read_text("utf-8").splitlines(keepends=True)
        kept = [line for line in lines if _decided_on(line) >= cutoff]
        if len(kept) < len(lines):
            fresh = self.path.with_name(self.path.name + ".new")
            fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.writelines(kept)
                out.flush()
                os.fsync(out.fileno())
            fresh.replace(self.path)

    def latest(self) -> dict[str, Decision]:
        """Each alert's last decision (a later one replaces an earlier one)."""
        if not self.path.exists():
            return {}
        found = {}
        for number, line in enumerate(self.path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                fields = json.loads(line)
                decision = Decision(fields["alert_id"], fields["action"], fields["reason"],
                                    frozenset(fields["evidence"]), fields["at"],
                                    _version(fields.get("version")))
            except (ValueError, KeyError, TypeError):
                raise DecisionsError(f"{self.path}: line {number} is not a decision; "
                                     "the file is damaged") from None
            if decision.action not in _ACTION_PROGRESS:
                raise DecisionsError(f"{self.path}: line {number}: unknown action "
                                     f"{decision.action!r}")
            found[decision.alert_id] = decision
        return found


def _version(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(value)
    return value


def _decided_on(line: str) -> str:
    """The date of a journal line; a line that is no decision sorts last, so it is kept
    for `latest` to name."""
    try:
        return str(json.loads(line)["at"])[:10]
    except (ValueError, KeyError, TypeError):
        return "9999"


def behind(alerts: Iterable[alerts_pb2.Alert],
           decisions: dict[str, Decision]) -> list[tuple[alerts_pb2.Alert, Decision]]:
    """The alerts whose state at the hub is short of this RIEC's decision on the same
    evidence, each with the decision to send that brings it there."""
    found = []
    for alert in alerts:
        decision = decisions.get(alert.alert_id)
        step = None if decision is None else _step(alert, decision)
        if step is None:
            continue
        if decision.version is not None and alert.version > decision.version:
            continue  # changed since the decision: the hub moved on, it did not lose it
        if {s.sighting_uuid for s in alert.sightings} <= decision.evidence:
            found.append((alert, step))
    return found


def _step(alert: alerts_pb2.Alert, decision: Decision) -> Decision | None:
    """What to send for `decision` to hold at the hub again, or None."""
    if decision.action != REOPEN:
        if _PROGRESS.get(alert.state, 0) >= _ACTION_PROGRESS[decision.action]:
            return None
        return decision
    if alert.state == alerts_pb2.ALERT_STATE_NEW:
        # the hub lost the closing as well: an acknowledgement is where the reopening left it
        return replace(decision, action=ACKNOWLEDGE, reason="")
    if alert.state == alerts_pb2.ALERT_STATE_CLOSED and alert.close_reason in CLOSE_REASONS:
        return decision
    return None  # acknowledged already, or closed by the hub since: not this RIEC's to undo

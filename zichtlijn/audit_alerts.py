"""Alerts as the log tells them, reconciled with the alerts the hub holds.

The hub logs every change of an alert's evidence in the transaction that
makes it (hub/alerts/reconcile.py, hub/alert_evidence.py): `alert_created`
and `alert_updated` carry the version and the evidence digest, `alert_closed`
the version, `alert_merged` the alert it was merged into. Replaying them
gives, per alert, the version and digest it must have now. The export holds
each alert's id, rule, version, evidence digest and merge target, so an
alert raised, changed or merged without an entry (or an entry for an alert
that does not exist) shows up; no sighting is named on either side.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

ACTIONS = ("alert_created", "alert_updated", "alert_merged", "alert_closed")
CREATED, UPDATED, MERGED, CLOSED = ACTIONS

# a problem message and the entry it concerns (None: no entry to name)
AddProblem = Callable[[str, "int | None"], None]


class MalformedAlertEntry(ValueError):
    pass


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedAlertEntry
    return value


def _version(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MalformedAlertEntry
    return value


def _digest(value: object) -> bytes:
    try:
        raw = bytes.fromhex(_text(value))
    except ValueError as exc:
        raise MalformedAlertEntry from exc
    if len(raw) != 32:
        raise MalformedAlertEntry
    return raw


@dataclass
class LoggedAlert:
    """What the log says about one alert, and which entry said it last."""

    first: int  # the first entry naming the alert
    first_action: str
    created: int | None = None
    rule: str | None = None
    rule_at: int = 0
    version: int | None = None
    version_at: int = 0
    evidence: bytes | None = None
    evidence_at: int = 0
    merged_into: str | None = None
    merged_at: int | None = None


@dataclass
class AlertLog:
    alerts: dict[str, LoggedAlert] = field(default_factory=dict)

    def read(self, index: int, action: str, entry: dict) -> str | None:
        """Take in one entry of ACTIONS; a problem message, or None. Raises MalformedAlertEntry."""
        alert_id = _text(entry.get("alert"))
        # every field is checked before anything is recorded: a malformed entry counts for nothing
        rule = evidence = version = into = None
        if action in (CREATED, UPDATED):
            rule, evidence = _text(entry.get("rule")), _digest(entry.get("evidence"))
        if action in (CREATED, UPDATED, CLOSED):
            # a RIEC's alert_closed logs the version it saw, which is the current one
            version = _version(entry.get("version"))
        if action == MERGED:
            into = _text(entry.get("into"))
        logged = self.alerts.setdefault(alert_id, LoggedAlert(index, action))
        if action == CREATED:
            if logged.created is not None:
                return (f"entry #{index}: alert {alert_id} was already created by entry "
                        f"#{logged.created}")
            logged.created = index
        if rule is not None:
            logged.rule, logged.rule_at = rule, index
            logged.evidence, logged.evidence_at = evidence, index
        if version is not None:
            logged.version, logged.version_at = version, index
        if into is not None:
            logged.merged_into, logged.merged_at = into, index
        return None


@dataclass(frozen=True)
class HeldAlert:
    alert_id: str
    rule: str
    version: int
    evidence: bytes
    merged_into: str | None


def held_alerts(conn: sqlite3.Connection) -> list[HeldAlert] | None:
    """The export's alerts; None when the export has no alerts table at all."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                    "AND name = 'alerts'").fetchone() is None:
        return None
    return [HeldAlert(a, r, v, bytes(d), m) for a, r, v, d, m in conn.execute(
        "SELECT alert_id, rule, version, evidence_digest, merged_into FROM alerts "
        "ORDER BY rowid")]


def reconcile(held: list[HeldAlert], log: AlertLog, add: AddProblem) -> None:
    """Every held alert against its entries, then every logged alert the hub lacks."""
    seen: set[str] = set()
    for alert in held:
        if alert.alert_id in seen:
            add(f"alert {alert.alert_id} appears more than once in the hub's alerts", None)
            continue
        seen.add(alert.alert_id)
        logged = log.alerts.get(alert.alert_id)
        if logged is None or logged.created is None:
            _not_created(alert, logged, add)
            continue
        _compare(alert, logged, add)
    for alert_id, logged in log.alerts.items():
        if alert_id not in seen:
            add(f"entry #{logged.first}: {logged.first_action} of alert {alert_id}, which the "
                "hub does not hold", logged.first)


def _not_created(alert: HeldAlert, logged: LoggedAlert | None, add: AddProblem) -> None:
    label = f"alert {alert.alert_id} ({alert.rule}, version {alert.version})"
    if logged is None:
        add(f"{label} has no alert_created entry in the log", None)
    else:
        add(f"{label} has no alert_created entry in the log (its first entry is "
            f"#{logged.first}, {logged.first_action})", logged.first)


def _compare(alert: HeldAlert, logged: LoggedAlert, add: AddProblem) -> None:
    name = alert.alert_id
    if logged.rule != alert.rule:
        add(f"entry #{logged.rule_at}: logs alert {name} of rule {logged.rule}, the hub "
            f"holds it as rule {alert.rule}", logged.rule_at)
    if logged.version != alert.version:
        add(f"entry #{logged.version_at}: logs alert {name} at version {logged.version}, "
            f"the hub holds version {alert.version}", logged.version_at)
    if logged.evidence != alert.evidence:
        assert logged.evidence is not None  # set by the alert_created entry
        add(f"entry #{logged.evidence_at}: logs evidence {logged.evidence.hex()[:16]} for "
            f"alert {name}, the hub holds evidence {alert.evidence.hex()[:16]}",
            logged.evidence_at)
    if alert.merged_into is not None and logged.merged_at is None:
        add(f"alert {name} is merged into {alert.merged_into} at the hub, but no "
            f"alert_merged entry logs it (created by entry #{logged.created})", logged.created)
    elif logged.merged_at is not None and logged.merged_into != alert.merged_into:
        held = (f"merged into {alert.merged_into}" if alert.merged_into is not None
                else "not merged")
        add(f"entry #{logged.merged_at}: logs alert {name} merged into {logged.merged_into}, "
            f"the hub holds it {held}", logged.merged_at)

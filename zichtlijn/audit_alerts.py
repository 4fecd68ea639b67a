"""Alerts as the log tells them, reconciled with the alerts the hub holds.

The hub logs every change of an alert's evidence in the transaction that
makes it (hub/alerts/reconcile.py, hub/alert_evidence.py): `alert_created`
and `alert_updated` carry the version and the evidence digest, `alert_closed`
the version, `alert_merged` the alert it was merged into. Replaying them
gives, per alert, the version and digest it must have now. The export holds
each alert's id, rule, version, evidence digest and merge target, so an
alert raised, changed or merged without an entry (or an entry for an alert
that does not exist) shows up; no sighting is named on either side.

The same entries, with the RIECs' signed decisions (`alert_acknowledged`,
`alert_closed`, `alert_reopened` by `riec:<region>`), give each region's state:
routed as new (created, `regions_added`), closed by the hub (`regions`,
`regions_left` of a closing or an update, a merge), reopened by new evidence
(an update with `new_sightings`, `regions_returned`), acknowledged, closed or
reopened (acknowledged again) by its RIEC (`state_changed`). Since 2026-12-07
the export holds each region's state, so an alert closed (or reopened) in
`hub.db` without an entry shows up too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

ACTIONS = ("alert_created", "alert_updated", "alert_merged", "alert_closed",
           "alert_acknowledged", "alert_reopened")
CREATED, UPDATED, MERGED, CLOSED, ACKNOWLEDGED, REOPENED = ACTIONS
#: an alert's state in one region, as alert_regions holds it (hub/alerts/store.py)
NEW, ACKNOWLEDGED_STATE, CLOSED_STATE = "new", "acknowledged", "closed"

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


def _names(value: object) -> list[str]:
    """A list of region names; absent (an entry of a release before the field) is none."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise MalformedAlertEntry
    return value


@dataclass(frozen=True)
class RegionState:
    state: str  # NEW, ACKNOWLEDGED_STATE, CLOSED_STATE
    left: bool  # closed because none of the evidence is in the region any more
    at: int  # the entry that set it


def regions_after(index: int, action: str, entry: dict,
                  regions: dict[str, RegionState]) -> dict[str, RegionState]:
    """Each region's state after the entry, as the hub changes it (hub/alerts/reconcile.py,
    hub/alert_evidence.py, hub/alerts/service.py). Raises MalformedAlertEntry."""
    after = dict(regions)

    def put(names: list[str], state: str, left: bool = False) -> None:
        for name in names:
            after[name] = RegionState(state, left, index)

    actor = entry.get("actor", "")
    if action == CREATED:
        put(_names(entry.get("regions")), NEW)
    elif action == UPDATED:
        new_sightings = entry.get("new_sightings", 0)
        if not isinstance(new_sightings, int) or isinstance(new_sightings, bool):
            raise MalformedAlertEntry
        leaving = _names(entry.get("regions_left"))
        returning = _names(entry.get("regions_returned"))
        added = _names(entry.get("regions_added"))
        put(leaving, CLOSED_STATE, left=True)
        if new_sightings > 0:  # new evidence reopens a region that closed it
            put([name for name, region in after.items()
                 if region.state == CLOSED_STATE and not region.left], NEW)
        put(returning, NEW)
        put(added, NEW)
    elif action == MERGED:
        put(_names(entry.get("regions")), CLOSED_STATE)
    elif actor.startswith("riec:"):  # a RIEC's acknowledgement, closing or reopening
        if entry.get("state_changed") is True:
            # a reopening leaves the region acknowledged: its RIEC has seen the alert
            put([_text(entry.get("region"))],
                CLOSED_STATE if action == CLOSED else ACKNOWLEDGED_STATE)
    elif action == CLOSED:  # the hub's: the evidence left
        put(_names(entry.get("regions")), CLOSED_STATE)
        put(_names(entry.get("regions_left")), CLOSED_STATE, left=True)
    return after


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
    regions: dict[str, RegionState] = field(default_factory=dict)


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
        if action in (CREATED, UPDATED, CLOSED, REOPENED):
            # a RIEC's alert_closed and alert_reopened log the version it saw, which is the
            # current one
            version = _version(entry.get("version"))
        if action == MERGED:
            into = _text(entry.get("into"))
        known = self.alerts.get(alert_id)
        regions = regions_after(index, action, entry, known.regions if known else {})
        logged = self.alerts.setdefault(alert_id, LoggedAlert(index, action))
        logged.regions = regions
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
    # the digest the export computed again from the alert's score and current sightings,
    # as RIECs are shown them; None in an export made before 2026-12-07
    shown: bytes | None = None


def held_alerts(conn: sqlite3.Connection) -> list[HeldAlert] | None:
    """The export's alerts; None when the export has no alerts table at all."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                    "AND name = 'alerts'").fetchone() is None:
        return None
    columns = {row[1] for row in conn.execute("PRAGMA table_info(alerts)")}
    shown = "shown_evidence" if "shown_evidence" in columns else "NULL"
    return [HeldAlert(a, r, v, bytes(d), m, None if e is None else bytes(e))
            for a, r, v, d, m, e in conn.execute(
                f"SELECT alert_id, rule, version, evidence_digest, merged_into, {shown} "
                "FROM alerts ORDER BY rowid")]


def held_region_states(conn: sqlite3.Connection) -> dict[tuple[str, str], str] | None:
    """(alert, region) -> state in the export; None for an export made before they were
    exported (2026-12-07)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                    "AND name = 'alert_regions'").fetchone() is None:
        return None
    return {(a, r): s for a, r, s in conn.execute(
        "SELECT alert_id, region, state FROM alert_regions ORDER BY rowid")}


def reconcile_regions(held: dict[tuple[str, str], str], log: AlertLog,
                      add: AddProblem) -> None:
    """Each region's state at the hub against the state the log leaves it in."""
    for alert_id, logged in log.alerts.items():
        for region, state in logged.regions.items():
            at_hub = held.pop((alert_id, region), None)
            if at_hub is None:
                add(f"entry #{state.at}: routes alert {alert_id} to region {region}, where the "
                    "hub does not hold it", state.at)
            elif at_hub != state.state:
                add(f"alert {alert_id} is {at_hub} in region {region} at the hub, but {state.state}"
                    f" as the log leaves it (entry #{state.at}): its state was changed in "
                    "hub.db without an entry", state.at)
    for alert_id, region in held:
        add(f"alert {alert_id} is routed to region {region} at the hub, by no entry", None)


def reconcile_shown(held: list[HeldAlert], log: AlertLog, add: AddProblem) -> None:
    """An alert the log leaves open in some region must show the evidence its last entry
    logged: the export computes the digest again from the alert's score and current
    sightings, so a score or a sighting changed in hub.db is told apart from what the hub
    says it holds.

    Only alerts the log leaves open: a withdrawal takes its sighting out of an alert at
    once, and when nothing supports the alert any more it is closed keeping its last
    logged evidence. (An alert reopened by hand is reported by its region's state.)"""
    for alert in held:
        logged = log.alerts.get(alert.alert_id)
        if (alert.shown is None or logged is None or logged.evidence is None
                or alert.shown == logged.evidence
                or all(r.state == CLOSED_STATE for r in logged.regions.values())):
            continue
        add(f"alert {alert.alert_id} is shown to RIECs with evidence {alert.shown.hex()[:16]} "
            f"(its score and sightings at the hub), but entry #{logged.evidence_at} logs "
            f"{logged.evidence.hex()[:16]}: its score or sightings were changed in hub.db "
            "without an entry", logged.evidence_at)


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

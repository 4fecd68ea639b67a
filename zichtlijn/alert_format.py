"""How alerts look on a terminal and in CSV (RIEC and node commands)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from zichtlijn.v1 import alerts_pb2
from zichtlijn.wording import counted

STATE_NAMES = {
    alerts_pb2.ALERT_STATE_UNSPECIFIED: "-",
    alerts_pb2.ALERT_STATE_NEW: "new",
    alerts_pb2.ALERT_STATE_ACKNOWLEDGED: "acknowledged",
    alerts_pb2.ALERT_STATE_CLOSED: "closed",
}
STATE_VALUES = {name: value for value, name in STATE_NAMES.items() if name != "-"}
CSV_COLUMNS = ("alert_id", "rule", "score", "region", "state", "changed", "close_reason",
               "version", "updated_at", "gemeente", "sighting_uuid", "observed_on", "signals",
               "undated")
#: beside a sighting without a date of birth: it joined the person on its name and what
#: else it shares, so a namesake is the likeliest error (check it first)
UNDATED = "no date of birth"


def score_text(rule: str, score: float) -> str:
    return f"{score:g}" if rule != "accumulation" else f"{score:.1f}"


def state_text(alert: alerts_pb2.Alert) -> str:
    text = STATE_NAMES[alert.state]
    if alert.state == alerts_pb2.ALERT_STATE_CLOSED and alert.close_reason:
        text += f" ({alert.close_reason})"
    if alert.changed:
        text += " *changed*"
    return text


def gemeenten_text(count: int) -> str:
    """`1 gemeente`, `3 gemeenten`."""
    return counted(count, "gemeente", "gemeenten")


def alert_line(alert: alerts_pb2.Alert) -> str:
    span = ""
    if alert.sightings:
        span = f"  {alert.sightings[0].observed_on}..{alert.sightings[-1].observed_on}"
    return (f"{alert.alert_id}  {alert.rule:<12}  score {score_text(alert.rule, alert.score):>4}"
            f"  {state_text(alert):<24}  {gemeenten_text(alert.gemeente_count)}"
            f"  {counted(alert.sighting_count, 'sighting')}{span}"
            f"  raised {alert.created_at[:10]}  updated {alert.updated_at[:10]}")


def sighting_line(sighting: alerts_pb2.AlertSighting, label: str = "") -> str:
    signals = ", ".join(sighting.signals) or "-"
    middle = f"  {label}" if label else ""
    weak = f"  ({UNDATED})" if sighting.undated else ""
    return (f"    {sighting.gemeente}  {sighting.observed_on}{middle}  {sighting.sighting_uuid}"
            f"  {signals}{weak}")


def other_regions_text(alert: alerts_pb2.Alert) -> str:
    """`rotterdam (closed: referred), midden-nederland (new)`: the RIECs to coordinate
    with, and where each stands."""
    return ", ".join(f"{o.region} ({STATE_NAMES[o.state]}"
                     f"{': ' + o.close_reason if o.close_reason else ''})"
                     for o in alert.other_regions)


#: under a table of alerts: what a score counts, per rule
SCORE_LEGEND = ("score: carousel, the municipalities she was seen in; accumulation, the summed "
                "signal weights (signals.toml); network, the persons linked")


def print_table(alerts: Iterable[alerts_pb2.Alert], out: TextIO, details: bool = True) -> None:
    for alert in alerts:
        print(alert_line(alert), file=out)
        if details and alert.gemeenten:
            print(f"    gemeenten: {', '.join(alert.gemeenten)}", file=out)
        if details and alert.other_regions:
            print(f"    also with: {other_regions_text(alert)}", file=out)
        if details and alert.related_alert_ids:
            print(f"    related:   {', '.join(alert.related_alert_ids)} (sharing a sighting)",
                  file=out)
        if details:
            for sighting in alert.sightings:
                print(sighting_line(sighting), file=out)


def write_csv(alerts: Iterable[alerts_pb2.Alert], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for alert in alerts:
        head = [alert.alert_id, alert.rule, f"{alert.score:g}", alert.region,
                STATE_NAMES[alert.state], "yes" if alert.changed else "no", alert.close_reason,
                alert.version, alert.updated_at]
        if not alert.sightings:  # an auditor's metadata-only view
            writer.writerow([*head, "", "", "", "", ""])
        for s in alert.sightings:
            writer.writerow([*head, s.gemeente, s.sighting_uuid, s.observed_on,
                             ";".join(s.signals), "yes" if s.undated else "no"])


def change_line(change: alerts_pb2.AlertChange) -> str:
    alert = change.alert
    towns = f"  {','.join(alert.gemeenten)}" if alert.gemeenten else ""
    return (f"#{change.cursor}  {change.at}  {change.change:<16}  {alert.alert_id}  "
            f"{alert.rule}  score {score_text(alert.rule, alert.score)}  "
            f"{state_text(alert)}  [{alert.region}]{towns}")

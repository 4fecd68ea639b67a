"""Times: when the export was made (its `exported_at`, which is not signed, never before its
newest entry), whether that time was set back, and whether entries older than
`--settled-within` are settled by a quorum of witnesses."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from zichtlijn.audit_verify.report import Report, Trust


def _settle(conn: sqlite3.Connection, trust: Trust, report: Report) -> None:
    if not trust.quorum:
        return
    sizes = sorted(report.vouched.values(), reverse=True)
    if len(sizes) >= trust.quorum:
        report.settled_size = sizes[trust.quorum - 1]
    first = report.settled_size or 0
    if trust.settled_within is None or first >= report.entries:
        return
    at = _entry_time(conn, first)
    exported = _export_time(conn, report)
    if at is None or exported is None:
        return  # an unreadable entry or export time is reported on its own
    if exported - at > trust.settled_within:
        report.add(f"entries #{first}..#{report.entries - 1} are not settled: entry #{first} "
                   f"({at.isoformat()}) is older than {_days(trust.settled_within)} before the "
                   f"export, and no {trust.quorum} of the configured witnesses cosigned a "
                   "head that covers it (they refused that history, or were never shown it)",
                   first)


def _entry_time(conn: sqlite3.Connection, index: int) -> dt.datetime | None:
    row = conn.execute("SELECT entry FROM entries WHERE idx = ? ORDER BY rowid LIMIT 1",
                       (index,)).fetchone()
    try:
        return _utc(json.loads(row[0])["at"])
    except (TypeError, ValueError, KeyError):
        return None


#: how far the export's time may lie before its newest entry's (one clock, the hub's)
EXPORT_TIME_SLACK = dt.timedelta(minutes=1)


def _stated_times(conn: sqlite3.Connection, report: Report
                  ) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(the export's `exported_at`, not signed; the time of its newest entry, signed),
    each None when absent or unreadable."""
    try:
        exported: dt.datetime | None = _utc(report.meta.get("exported_at", ""))
    except ValueError:
        exported = None
    newest = _entry_time(conn, report.entries - 1) if report.entries else None
    return exported, newest


def _export_time(conn: sqlite3.Connection, report: Report) -> dt.datetime | None:
    """When the export was made, for the age of unsettled entries: its `exported_at`, but
    never before its newest entry (`_check_export_time`)."""
    exported, newest = _stated_times(conn, report)
    if exported is None or newest is None:
        return exported or newest
    return max(exported, newest)


def _check_export_time(conn: sqlite3.Connection, report: Report) -> None:
    """`exported_at` is not signed and the entries are: an export time set back before the
    newest entry (so that old, unsettled entries pass `--settled-within`) is reported."""
    exported, newest = _stated_times(conn, report)
    if exported is not None and newest is not None and exported < newest - EXPORT_TIME_SLACK:
        report.add(f"the export says it was made at {exported.isoformat()}, before entry "
                   f"#{report.entries - 1} ({newest.isoformat()}) it holds: its time (not "
                   "signed) was set back", report.entries - 1)


def _utc(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _days(span: dt.timedelta) -> str:
    days = span / dt.timedelta(days=1)
    return f"{days:g} day" + ("" if days == 1 else "s")

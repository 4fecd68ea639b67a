"""`zichtlijn hub status`: what the hub holds and how it links, read from its database.

For the operator who wants to know, without the hub's log, why the hub relinked last
night, how far its automatic threshold has risen, and when it will count its names
again. Reads only: safe while `hub serve` runs (SQLite WAL readers do not block it).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from hub import linked_with
from hub.alerts.config import Regions
from hub.linker import COUNT_AGAIN_BECAUSE
from hub.revocation import revoked_count
from hub.settings import RECOUNT_WHEN_LEFT, MatchingSettings
from linkage.linking import policy_digest
from zichtlijn.audit_log_keys import ACTION as KEY_REPLACED


def status_lines(conn: sqlite3.Connection, matching: MatchingSettings) -> list[str]:
    """The lines `hub status` prints."""
    held, pending, persons = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE linked = 0), count(DISTINCT person_id) "
        "FROM sightings").fetchone()
    rise = (linked_with.threshold_rise(conn) or 0.0) if matching.auto else 0.0
    lines = [f"sightings    {held:,} held, {pending:,} not linked yet; {persons:,} persons"]
    lines.append(f"threshold    {_threshold(matching, rise)}")
    if matching.auto:
        lines.append(f"name counts  {_name_counts(conn, rise)}")
    last = _last_entries(conn, ("relink", "restore", KEY_REPLACED))
    lines.append(f"last relink  {_last_relink(last.get('relink'))}")
    lines.append(f"settings     {_settings(conn, matching, rise)}")
    restored = last.get("restore")
    if restored is not None:
        # a restore logged before its digest was (2026-12-07) names the file alone
        digest = f" (SHA-256 {restored['sha256']})" if "sha256" in restored else ""
        lines.append(f"restored     {restored['at']} by {restored['actor']} from "
                     f"{restored['backup']}{digest}, whose log held "
                     f"{restored['log_size']:,} entries; README \"Restoring from a backup\"")
    if revoked := revoked_count(conn):
        lines.append(f"revoked      {revoked} certificate(s) refused at the hub; README "
                     "\"Revoking a certificate\"")
    replaced = last.get(KEY_REPLACED)
    if replaced is not None:
        lines.append(f"log key      replaced {replaced['at']} by {replaced['actor']} "
                     f"({replaced['reason']}); README \"Replacing the log key\"")
    return lines


def uncatalogued_signals(conn: sqlite3.Connection, codes: frozenset[str]) -> str | None:
    """A warning naming the held sightings' signal codes outside the catalogue (they weigh
    0 until it lists them), or None."""
    held: dict[str, int] = {}
    # grouped in SQLite first: most sightings share a few combinations of codes
    for combination, count in conn.execute(
            "SELECT signals, count(*) FROM sightings WHERE signals != '' GROUP BY signals"):
        for code in set(combination.split(";")) - codes:
            held[code] = held.get(code, 0) + count
    if not held:
        return None
    named = ", ".join(f"{code} ({count:,})" for code, count in sorted(held.items()))
    return (f"{len(held)} signal code(s) outside signals.toml weigh 0 in the alerts: {named} "
            "sightings; list them, or correct the nodes' exports (README \"Match alerts for "
            "the RIEC\")")


def unrouted_gemeenten(conn: sqlite3.Connection, regions: Regions) -> str | None:
    """A warning naming the municipalities with sightings that no region lists (nor their
    successor), whose alerts reach no RIEC through them, or None."""
    # one index step per municipality (sightings_gemeente), not a scan of the sightings
    codes = [code for (code,) in conn.execute(
        "WITH RECURSIVE g(code) AS (SELECT min(gemeente) FROM sightings UNION ALL "
        "SELECT (SELECT min(gemeente) FROM sightings WHERE gemeente > g.code) FROM g "
        "WHERE g.code IS NOT NULL) SELECT code FROM g WHERE code IS NOT NULL")]
    unrouted = [code for code in codes if regions.region_of(code) is None]
    if not unrouted:
        return None
    return (f"{len(unrouted)} municipalit{'y' if len(unrouted) == 1 else 'ies'} with "
            f"sightings in no region of regions.toml: {', '.join(unrouted)}; they are linked, "
            "but their alerts reach no RIEC through them (README \"Match alerts for the "
            "RIEC\")")


def _threshold(matching: MatchingSettings, rise: float) -> str:
    start = matching.policy().threshold
    if not matching.auto:
        return f"{start} (fixed in hub.toml, paid by every pair)"
    return (f"{start + rise} (automatic: starts at {start}, risen {rise} with the "
            "population; README \"The hub sets it itself\")")


def _name_counts(conn: sqlite3.Connection, rise: float) -> str:
    counts = linked_with.name_counts(conn)
    if counts is None and rise > 0:
        return ("not counted (the threshold rose under an earlier release): every pair pays "
                "the whole rise until `zichtlijn hub relink` counts them")
    if counts is None:
        return "not counted (taken at the first step of the threshold)"
    epochs = ", ".join(str(epoch) for epoch in sorted(counts.epochs))
    basis = linked_with.count_basis(conn)
    line = (f"{len(counts.keys):,} name(s) borne by more than the fitted namesakes, key "
            f"epoch(s) {epochs}")
    if basis is None:
        return line
    counted_on, still = basis
    return (f"{line}; counted on {counted_on:,} sightings, {still:,} still held "
            f"(counted again below {RECOUNT_WHEN_LEFT:.0%})")


def _last_entries(conn: sqlite3.Connection, actions: tuple[str, ...]) -> dict[str, dict]:
    """The newest entry of each action, in one pass from the end of the log (it reads the
    whole log only when one of them never happened)."""
    found: dict[str, dict] = {}
    cursor = conn.execute(  # entries are canonical JSON (hub/audit_log.py `encode_entry`)
        "SELECT entry FROM audit_entries WHERE "
        + " OR ".join("CAST(entry AS TEXT) LIKE ?" for _ in actions) + " ORDER BY idx DESC",
        [f'%"action":"{action}"%' for action in actions])
    for (raw,) in cursor:
        entry = json.loads(raw)
        if entry["action"] in actions:
            found.setdefault(entry["action"], entry)
        if len(found) == len(actions):
            break
    return found


def _last_relink(entry: dict | None) -> str:
    if entry is None:
        return "never"
    if "threshold" in entry:
        why = f"the threshold stepped to {entry['threshold']}"
    elif entry.get("reason") in COUNT_AGAIN_BECAUSE:
        why = COUNT_AGAIN_BECAUSE[entry["reason"]]
    else:
        why = "`hub relink`"
    return f"{entry['at']} by {entry['actor']}: {why}"


def _settings(conn: sqlite3.Connection, matching: MatchingSettings, rise: float) -> str:
    policy = matching.policy()  # as the serving hub's linker holds it (hub/linker.py)
    current = policy_digest(replace(policy, threshold=policy.threshold + rise))
    made_with = linked_with.recorded(conn)
    if made_with is None:
        return f"this release links with {current}; no links yet"
    if made_with == current:
        return f"links made with {current}, as this release links"
    return (f"links made with {made_with}, this release links with {current}: run "
            "`zichtlijn hub relink`")

"""Tree heads and checkpoints: each head the log key signed, and each checkpoint collected
from a witness, checked with the key of its size, against the recomputed tree, and for the
cosignatures of the configured witnesses."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator

from linkage import merkle
from linkage.checkpoint import (
    Checkpoint,
    CheckpointError,
    SignedNote,
    Verifier,
    open_checkpoint,
    verify_cosignature,
)
from zichtlijn.audit_log_keys import KeyTimeline, key_before_replacement
from zichtlijn.audit_verify.entries import _EntryReader
from zichtlijn.audit_verify.report import SIGNATURE, Report, Trust
from zichtlijn.audit_verify.times import _export_time


def _timeline(conn: sqlite3.Connection, trust: Trust, reader: _EntryReader,
              report: Report) -> KeyTimeline:
    """The keys the heads are checked by; an export taken before the log key was replaced
    (no replacement entry) by the earlier key that signed it, said in a note."""
    if not reader.key_changes and trust.earlier_log_keys:
        signers = set()
        for (text,) in conn.execute("SELECT note FROM tree_heads"):
            with contextlib.suppress(CheckpointError):
                signers |= {s.key_id for s in SignedNote.from_text(text).signatures
                            if s.name == trust.log_key.name}
        older = key_before_replacement(trust.earlier_log_keys, signers)
        if older is not None:
            report.notes.append(
                f"the export holds no log key replacement: it was taken before key "
                f"{older.key_id.hex()} (--earlier-log-key) was replaced, and its "
                f"{report.entries} entries are checked with that key")
            return KeyTimeline(older, (), [])
    return KeyTimeline(trust.log_key, trust.earlier_log_keys, reader.key_changes)


def _open_head(text: str, keys: KeyTimeline) -> tuple[Checkpoint, SignedNote]:
    """The head, checked with the key that must have signed a tree of its size."""
    note = SignedNote.from_text(text)
    size = note.checkpoint().size
    key = keys.key_for(size)
    if key is None:
        raise CheckpointError(keys.missing(size))
    return open_checkpoint(note, key), note


def _check_heads(conn: sqlite3.Connection, trust: Trust, tree: merkle.MemoryTree,
                 report: Report, keys: KeyTimeline) -> None:
    heads: list[tuple[Checkpoint, SignedNote, str]] = []
    for problem in keys.problems():
        report.add(problem)
    for (text,) in conn.execute("SELECT note FROM tree_heads ORDER BY rowid"):
        try:
            head, note = _open_head(text, keys)
        except CheckpointError as exc:
            size = _size_hint(text)
            report.add(f"tree head{size}: not signed by the log key {trust.log_key.name} "
                       f"({exc}): forged or altered")
            continue
        heads.append((head, note, text))
    heads.sort(key=lambda h: h[0].size)
    report.tree_heads = len(heads)
    last_good = 0
    mismatch_reported = False
    seen: dict[int, bytes] = {}
    for head, note, text in heads:
        report.largest_signed = max(report.largest_signed, head.size)
        if seen.get(head.size, head.root) != head.root:
            report.add(f"the log signed two different tree heads of size {head.size}: it has "
                       "shown two histories (fork)", head.size)
        seen[head.size] = head.root
        matches = _matches(head, tree, report, "tree head", mismatch_reported, last_good)
        mismatch_reported = mismatch_reported or not matches
        if matches:
            last_good = head.size
            report.latest_head, report.latest_note = head, text
        _cosignatures(head, note, trust, matches, f"tree head of size {head.size}", report)
    for origin, text in trust.checkpoints:
        try:
            head, note = _open_head(text, keys)
        except CheckpointError as exc:
            report.add(f"checkpoint from {origin}: not signed by the log key ({exc})")
            continue
        if head.size > tree.size:
            _newer_checkpoint(conn, origin, head, note, trust, report)
            continue
        matches = _matches(head, tree, report, f"checkpoint from {origin}", False, None)
        if not matches and report.actions["restore"]:
            report.add(f"checkpoint from {origin}: the log holds a `restore` entry; a head "
                       "cosigned before the hub was restored from a backup belongs to the "
                       "history the restore cut off: keep it as evidence of that history "
                       "(README \"Restoring from a backup\")")
        _cosignatures(head, note, trust, matches, f"checkpoint from {origin}", report)


def _newer_checkpoint(conn: sqlite3.Connection, origin: str, head: Checkpoint,
                      note: SignedNote, trust: Trust, report: Report) -> None:
    """A checkpoint of more entries than the export holds. Cosigned after the export was
    made (a municipality's checkpoint of tonight against an export of this morning) it
    says nothing of this export: export again. Cosigned before, the export should hold
    those entries: a restore cut them off, or the log was truncated or forked."""
    cosigned = _cosigned_at(head, note, trust)
    exported = _export_time(conn, report)
    what = f"checkpoint from {origin} of size {head.size}"
    if cosigned is not None and exported is not None and cosigned >= exported:
        report.add(f"{what} was cosigned at {cosigned.isoformat()}, after this export was "
                   f"made ({exported.isoformat()}, {report.entries} entries): export again "
                   "and verify that export with it")
    elif report.actions["restore"]:
        report.add(f"{what}: the log holds a `restore` entry; a head cosigned before the hub "
                   "was restored from a backup belongs to the history the restore cut off: "
                   "keep it as evidence of that history (README \"Restoring from a backup\")")
    elif cosigned is not None and exported is not None:
        report.add(f"{what} was cosigned at {cosigned.isoformat()}, before this export was "
                   f"made ({exported.isoformat()}), which holds only {report.entries} "
                   f"entries: entries #{report.entries}..#{head.size - 1} are missing "
                   "(truncated log, or a history this export does not show: fork)",
                   report.entries)
    else:
        report.add(f"{what} holds more entries than this export ({report.entries}): a later "
                   "checkpoint, or a log cut short; export again and verify that export with "
                   "it (with --witness-key its cosignature's time tells the two apart)")


def _cosigned_at(head: Checkpoint, note: SignedNote, trust: Trust) -> dt.datetime | None:
    """The earliest time a configured witness cosigned `head` (its signed timestamp)."""
    times = [at for _, at in _configured_cosignatures(head, note, trust) if at is not None]
    return dt.datetime.fromtimestamp(min(times), dt.UTC) if times else None


def _configured_cosignatures(head: Checkpoint, note: SignedNote, trust: Trust
                             ) -> Iterator[tuple[Verifier, int | None]]:
    """Each cosignature of `note` by a configured witness: (witness, its signed timestamp,
    or None when it does not verify)."""
    by_key = {(w.name, w.key_id): w for w in trust.witnesses}
    for signature in note.signatures:
        witness = by_key.get((signature.name, signature.key_id))
        if witness is None:
            continue
        try:
            yield witness, verify_cosignature(head, signature, witness)
        except CheckpointError:
            yield witness, None


def _size_hint(text: str) -> str:
    lines = text.split("\n")
    return f" of size {lines[1]}" if len(lines) > 1 and lines[1].isdigit() else ""


def _matches(head: Checkpoint, tree: merkle.MemoryTree, report: Report, what: str,
             quiet: bool, last_good: int | None) -> bool:
    """Does the recomputed log agree with ``head``? Reports the first disagreement."""
    if head.size > tree.size:
        report.add(f"{what} of size {head.size} was signed, but the export holds only "
                   f"{tree.size} entries: entries #{tree.size}..#{head.size - 1} are missing "
                   "(truncated log, or a history this export does not show: fork)", tree.size)
        return False
    if tree.root(head.size) == head.root:
        return True
    if quiet:
        return False
    if last_good is None:
        report.add(f"{what} of size {head.size} does not match this log: the holder was shown "
                   "another history (fork), or entries before it were changed", head.size - 1)
    elif head.size - last_good == 1:
        report.add(f"entry #{last_good} was changed, removed, inserted or moved: the log no "
                   f"longer matches the tree head signed at size {head.size}", last_good)
    else:
        report.add(f"entries #{last_good}..#{head.size - 1}: one of these was changed, removed, "
                   f"inserted or moved: the log no longer matches the tree head signed at size "
                   f"{head.size} (it matches the one at size {last_good})", last_good)
    return False


def _cosignatures(head: Checkpoint, note: SignedNote, trust: Trust, matches: bool, what: str,
                  report: Report) -> None:
    for witness, at in _configured_cosignatures(head, note, trust):
        if at is None:
            report.add(f"{what}: invalid cosignature from {witness.name}", rank=SIGNATURE)
            continue
        report.cosignatures += 1
        if not matches:
            report.add(f"{what} was cosigned by {witness.name} but does not match this log: "
                       "the hub showed that witness another history (fork)",
                       min(head.size, report.entries), SIGNATURE)
            continue
        report.vouched[witness.name] = max(report.vouched.get(witness.name, 0), head.size)

"""Import a CSV export: validate, encode in memory, store encodings only."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from linkage.encode import Encoder
from node.csv_file import GEMEENTE_COLUMN, decode_csv, read_rows
from node.csv_import import (
    NOT_UTF8,
    ParsedSighting,
    RowError,
    RowNote,
    file_date_order,
    parse_row,
)
from node.epoch_views import same_as_packed, same_content
from node.retention import PAST_RETENTION, Refusal
from node.store import NodeStore
from zichtlijn import wire
from zichtlijn.identity import GEMEENTE_CODE
from zichtlijn.v1 import encoding_pb2

CHUNK_ROWS = 1000
ROW_REFUSED = " (row refused)"  # ends the line `node import` says of a refused row
Progress = Callable[[int], None]
# how the import counts a row of a control `node correct` changed, as retention.LeftOut's
# kinds are counted: the export keeps the old row, and the node's correction is the truth
CORRECTED_AT_NODE = "corrected at the node"
Said = TypeVar("Said", RowError, RowNote)


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    taken_back: int = 0  # of those imported: already at the hub, under their UUIDs there
    shared_case_refs: int = 0  # of those imported: a case_ref held for another date too
    # rows a `gemeente` column gives to another municipality: not this node's to import
    elsewhere: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)  # of kept rows, in file order
    # rows left out by design, not by error (an export still holding a withdrawn control,
    # one past the retention period, or one corrected at the node as it was before):
    # counted and said, the exit status stays 0
    skipped: Counter[str] = field(default_factory=Counter)
    skip_notes: list[RowNote] = field(default_factory=list)
    # the file's dates read month-first, or written in both orders (csv_dates.DateOrder)
    date_note: str | None = None

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        back = (f" ({self.taken_back} of them already at the hub: their UUIDs taken back)"
                if self.taken_back else "")
        said = (f"imported {self.imported}{back}, unchanged {self.unchanged}, "
                f"rejected {self.rejected}{self._rejected_lines()}")
        skipped = [f"{n} {kind}" for kind, n in sorted(self.skipped.items())]
        if self.elsewhere:
            skipped.append(f"{sum(self.elsewhere.values())} of other municipalities ("
                           + ", ".join(f"{code} {n}"
                                       for code, n in sorted(self.elsewhere.items())) + ")")
        if skipped:
            said += ", skipped " + ", ".join(skipped)
        noted = len({note.line for note in self.notes})
        # a kept row's note is easy to miss among refusals: say how many rows carry one
        return f"{said}; {noted} kept with a note" if noted else said

    def _rejected_lines(self) -> str:
        """The refused records that took several lines, so that a count of records does
        not hide the lines refused with them (a quote left open takes in the rows after
        it): ` (lines 2-4 as one record)`."""
        several = [f"{error.line}-{error.end}" for error in self.errors
                   if error.end > error.line]
        if not several:
            return ""
        shown = ", ".join(several[:5]) + (f" and {len(several) - 5} more" if len(several) > 5
                                          else "")
        lines = sum(max(error.end, error.line) - error.line + 1 for error in self.errors)
        each = "as one record" if len(several) == 1 else "each as one record"
        return f" ({lines} lines; lines {shown} {each})"

    def note_lines(self, shown: int = 3) -> list[str]:
        """The notes in file order, each kind (field and note) at most `shown` times; then
        one line per kind saying how many more rows carry it, and between which lines."""
        kinds: dict[tuple[str, str], list[int]] = {}
        lines = []
        for note in sorted(self.notes + self.skip_notes, key=lambda note: note.line):
            seen = kinds.setdefault((note.field, note.note), [])
            seen.append(note.line)
            if len(seen) <= shown:
                lines.append(str(note))
        for (name, text), at in kinds.items():
            if len(at) > shown:
                more = at[shown:]
                lines.append(f"{name}: {text}: {len(more)} more row(s) like this, lines "
                             f"{more[0]} to {more[-1]}")
        return lines

    def advice(self) -> list[str]:
        """What to do about a whole class of rows, said once: first how the file's dates
        were read, which may explain the lines above."""
        found = [self.date_note] if self.date_note else []
        undecodable = sum(error.reason == NOT_UTF8 for error in self.errors)
        if undecodable:
            found.append(f"{undecodable} row(s) are not UTF-8: a spreadsheet saved as \"CSV "
                         "(comma delimited)\" writes Windows-1252; save it as \"CSV UTF-8\" "
                         "(which keeps ș, ț and ă) and import it again, or import it again "
                         "with --encoding windows-1252 (rows already imported stay as they "
                         "are)")
        too_old = self.skipped[PAST_RETENTION]
        if too_old:
            found.append(f"{too_old} row(s) are older than the retention period, and a "
                         "control is kept no longer than that; the period is node.toml's "
                         "[retention] months, set by `node init --retention-months` (README "
                         "\"AVG\")")
        unlisted = sorted({note.line: note.uncatalogued for note in self.notes
                           if note.uncatalogued}.items())
        if unlisted:
            # counted and placed by line, never quoted: such a word may be a name
            words = sum(n for _, n in unlisted)
            found.append(f"{len(unlisted)} row(s) carry {words} word(s) in signals that the "
                         "signal catalogue does not list, left out and not sent "
                         f"({_lines_said([line for line, _ in unlisted])}): if some are "
                         "signal codes, list them in signals.toml at the hub and every node "
                         "and add them to those controls with `node correct` (README "
                         "\"Match alerts for the RIEC\")")
        if self.shared_case_refs:
            found.append(f"{self.shared_case_refs} row(s) share their case_ref with a "
                         "control of another date (a dossier number): each is kept as a "
                         "control of its own; name the date with --on to withdraw "
                         "or correct one (README \"CSV import\")")
        return found


def _lines_said(lines: list[int], shown: int = 10) -> str:
    """`line 7`, `lines 2, 5, 9`, or the first `shown` of them and how many more."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    said = ", ".join(str(line) for line in lines[:shown])
    more = len(lines) - shown
    return f"lines {said}" + (f" and {more} more up to line {lines[-1]}" if more > 0 else "")


def _held_at_hub(message: encoding_pb2.EncodedSighting,
                 candidates: list[tuple[str, tuple[bytes, ...]]]) -> str | None:
    """The UUID of the hub-only sighting `message` is (the hub's digest covers the UUID,
    so each of the day's candidates is tried); taken out of `candidates`. A sighting of a
    key rotation's overlap matches without its older epoch's encoding, which a node that
    retired that epoch no longer makes."""
    for position, (uuid_held, digests) in enumerate(candidates):
        message.sighting_uuid = uuid_held
        if wire.sighting_digest(message) in digests:
            del candidates[position]
            return uuid_held
    message.sighting_uuid = ""
    return None


def encode_sighting(
    parsed: ParsedSighting, encoder: Encoder, also: Sequence[Encoder] = ()
) -> encoding_pb2.EncodedSighting:
    """The hub's view of a sighting, without its UUID (added when first stored).

    `also` are the encoders of older key epochs still in their overlap window:
    the sighting is encoded under each of them too (dual encoding).
    """
    return encode_sightings([parsed], encoder, also)[0]


def encode_sightings(
    rows: Sequence[ParsedSighting], encoder: Encoder, also: Sequence[Encoder] = ()
) -> list[encoding_pb2.EncodedSighting]:
    """encode_sighting of each row; each epoch's identities encoded in one batch."""
    encoded = [_encode_under(rows, encoder)]
    for other in also:
        encoded.append(_encode_under(rows, other))
    for k, message in enumerate(encoded[0]):
        for under_other in encoded[1:]:
            single = under_other[k]
            message.other_epochs.append(encoding_pb2.EpochEncoding(
                epoch=single.epoch, subject=single.subject, companions=single.companions,
                entities=single.entities))
    return encoded[0]


def _encode_under(rows: Sequence[ParsedSighting],
                  encoder: Encoder) -> list[encoding_pb2.EncodedSighting]:
    """Each row under one epoch's encoder, without other epochs."""
    identities = [parsed.subject for parsed in rows]
    identities += [parsed.companion for parsed in rows if parsed.companion is not None]
    encodings = iter(encoder.encode_batch(identities))
    subjects = [next(encodings) for _ in rows]
    messages = []
    for parsed, subject in zip(rows, subjects, strict=True):
        message = encoding_pb2.EncodedSighting(
            observed_on=parsed.observed_on.isoformat(),
            setting=wire.setting_to_wire(parsed.setting),
            signals=list(parsed.signals),
            epoch=encoder.epoch,
            schema_fingerprint=encoder.schema.fingerprint,
            subject=wire.identity_to_wire(subject),
        )
        if parsed.licensed is not None:
            message.licensed = parsed.licensed
        if parsed.companion is not None:
            message.companions.append(wire.identity_to_wire(next(encodings)))
        message.entities.extend(entity_tokens(parsed, encoder))
        messages.append(message)
    return messages


def entity_tokens(parsed: ParsedSighting, encoder: Encoder) -> list[encoding_pb2.EntityToken]:
    """The row's phone, plate, address and advert as keyed tokens under this encoder."""
    return [encoding_pb2.EntityToken(kind=wire.ENTITY_KINDS[kind],
                                     token=encoder.entity_token(kind, value))
            for kind, value in parsed.entities]


def encode_other_epoch(parsed: ParsedSighting, encoder: Encoder) -> encoding_pb2.EpochEncoding:
    """The identity parts of a sighting under one more epoch's keys."""
    single = encode_sighting(parsed, encoder)
    return encoding_pb2.EpochEncoding(epoch=single.epoch, subject=single.subject,
                                      companions=single.companions, entities=single.entities)


def _names_others(rows: Iterable[tuple[int, dict[str, str]]], own: str | None) -> bool:
    """Whether the file's `gemeente` column names a municipality other than `own`: an
    export of several municipalities, which each of their nodes imports."""
    return own is not None and any(
        gemeente_code(row.get(GEMEENTE_COLUMN, "")) not in (None, own) for _, row in rows)


def _other_gemeente(line: int, row: dict[str, str], own: str | None,
                    report: ImportReport, several: bool) -> str | None:
    """The municipality a row's `gemeente` cell gives when it is not `own`, else None.

    In a file of `several` municipalities a row whose cell names none is refused: every
    one of their nodes would import it, and one control would be a sighting in each
    town (a carousel that never was)."""
    written = row.get(GEMEENTE_COLUMN, "").strip()
    if own is None or (not written and not several):
        return None
    code = gemeente_code(written)
    if code is None and several:
        # never quoted: a column out of place puts a name here as well as a town's
        said = "not a CBS code (GMxxxx)" if written else "empty"
        raise RowError(line, GEMEENTE_COLUMN, f"{said}, in a file of several "
                                              "municipalities: write whose control it is")
    if code is None:
        report.notes.append(RowNote(line, GEMEENTE_COLUMN, "not a CBS code (GMxxxx), so "
                                    "not checked against this node's"))
        return None
    return None if code == own else code


def gemeente_code(written: str) -> str | None:
    """`GM0363` for `GM0363`, `gm0363`, `0363` or `363` (CBS writes the number alone too);
    None for anything else."""
    code = written.strip().upper()
    if code.isdigit() and len(code) <= 4:
        code = f"GM{int(code):04d}"
    return code if GEMEENTE_CODE.match(code) else None


def import_csv(
    data: bytes,
    store: NodeStore,
    encoder: Encoder,
    today: dt.date,
    progress: Progress | None = None,
    also: Sequence[Encoder] = (),
    refuse: Refusal | None = None,
    known_signals: frozenset[str] | None = None,
    encoding: str = "utf-8",
    gemeente: str | None = None,
) -> ImportReport:
    """Import every good row; raises CsvFileError (nothing stored) for a bad file.

    `gemeente`: the node's own; a row whose `gemeente` column names another is skipped
    and counted (an export of several municipalities), one naming no CBS code noted.

    `also`: encoders of older epochs in their overlap window (see encode_sighting).
    `encoding`: what the file is written in (node.csv_file.decode_csv).
    `refuse`: why a valid row is left out (node/retention.py `LeftOut`): past the
    retention period or withdrawn; counted by its kind, not an error.
    """
    report = ImportReport()
    hub_only = store.hub_only_by_day()  # empty unless the node was restored (recover.py)
    corrected = store.corrections()  # few: the controls `node correct` changed
    # (case_ref, date) -> (line, digest of its sighting as encoded): a row repeated in
    # the file counts as unchanged when it says the same, however spelled (another date
    # format, upper case, a zero-width space), as it does when it comes again in a later
    # file; the digest never leaves this function
    first_of: dict[tuple[str, str], tuple[int, bytes]] = {}
    shared: set[str] = set()  # case_refs stored by this import
    pending: list[dict] = []
    seen_rows = 0

    def flush() -> None:
        if pending:
            store.add_many(pending)
            report.imported += len(pending)
            pending.clear()

    def store_chunk(chunk: list[tuple[int, ParsedSighting] | RowError]) -> None:
        """Encode the chunk's valid rows in one batch, then store them in file order."""
        nonlocal stored_rows
        valid = [entry[1] for entry in chunk if not isinstance(entry, RowError)]
        messages = iter(encode_sightings(valid, encoder, also))
        for entry in chunk:
            stored_rows += 1
            if isinstance(entry, RowError):
                report.errors.append(entry)
            else:
                store_row(*entry, next(messages))
            if progress and stored_rows % 500 == 0:
                progress(stored_rows)

    def store_row(line: int, parsed: ParsedSighting,
                  message: encoding_pb2.EncodedSighting) -> None:
        digest = wire.sighting_digest(message)
        key = (parsed.case_ref, message.observed_on)
        if key in first_of:  # one encoder for the file: the same content, the same digest
            first_line, first_digest = first_of[key]
            if first_digest == digest:
                report.unchanged += 1
                report.notes.extend(parsed.notes)  # what was left out of it, as of any row
            else:
                report.errors.append(RowError(
                    line, "case_ref", f"{parsed.case_ref!r} of {message.observed_on} repeats "
                                      f"line {first_line} with other content"))
            return
        first_of[key] = (line, digest)
        known = store.content_digest_of(*key)
        unchanged = known is not None and (known == digest
                                           or same_content(store.encoded_of(*key), message))
        if key in corrected and (
                unchanged or any(same_as_packed(first, message) for first in corrected[key])):
            # the row as first imported, or as corrected: the correction stands either way
            report.skipped[CORRECTED_AT_NODE] += 1
            report.skip_notes.append(RowNote(
                line, "case_ref", f"{parsed.case_ref!r} of {message.observed_on} was "
                                  "corrected at this node (`zichtlijn node correct`); the "
                                  "correction stands, not imported again"))
            return
        if known is not None:
            if unchanged:
                report.unchanged += 1
                report.notes.extend(parsed.notes)
            else:
                report.errors.append(RowError(
                    line, "case_ref",
                    f"{parsed.case_ref!r} of {message.observed_on} was imported before with "
                    "other content (use `zichtlijn node correct`)"))
            return
        if parsed.case_ref in shared or store.dates_of(parsed.case_ref):
            report.shared_case_refs += 1
        shared.add(parsed.case_ref)
        report.notes.extend(parsed.notes)
        taken_back = _held_at_hub(message, hub_only.get(message.observed_on, []))
        message.sighting_uuid = taken_back or str(uuid.uuid4())
        report.taken_back += taken_back is not None
        pending.append({
            "case_ref": parsed.case_ref,
            "sighting_uuid": message.sighting_uuid,
            "observed_on": message.observed_on,
            "epoch": message.epoch,
            "encoded": wire.canonical_bytes(message),
            "content_digest": digest,
            "synced": taken_back is not None,
        })
        if len(pending) >= CHUNK_ROWS:
            flush()

    # read once: the order of 8/12/2026 is the file's, not the row's, and so is whether it
    # is an export of several municipalities, so all its rows are looked at first
    rows = list(read_rows(decode_csv(data, encoding)))
    # records of several lines (a quoted cell holding line breaks), by first line: what
    # is said of one names all its lines
    ends = {line: row.last_line for line, row in rows if row.last_line > line}
    order = file_date_order(rows)
    report.date_note = order.note
    several = _names_others(rows, gemeente)
    # rows are validated a chunk at a time, then the chunk's identities are encoded in
    # one batch (Encoder.encode_batch): the same result as row by row, in file order
    chunk: list[tuple[int, ParsedSighting] | RowError] = []
    stored_rows = 0
    for line, row in rows:
        seen_rows += 1
        try:
            if row.refused:
                raise RowError(line, *row.refused)
            other = _other_gemeente(line, row, gemeente, report, several)
            if other:
                report.elsewhere[other] += 1
                continue
            parsed = parse_row(line, row, today, known_signals, month_first=order.month_first)
            left_out = refuse(parsed) if refuse else None
            if left_out:  # not remembered: a repeat of it is left out for the same reason
                report.skipped[left_out.kind] += 1
                report.skip_notes.append(RowNote(line, left_out.field, left_out.reason))
                continue
        except RowError as error:
            chunk.append(error)
            continue
        chunk.append((line, parsed))
        if len(chunk) >= CHUNK_ROWS:
            store_chunk(chunk)
            chunk.clear()
    store_chunk(chunk)
    flush()
    if progress:
        progress(seen_rows)
    if ends:
        report.errors = [_ranged(error, ends) for error in report.errors]
        report.notes = [_ranged(note, ends) for note in report.notes]
        report.skip_notes = [_ranged(note, ends) for note in report.skip_notes]
    return report


def _ranged(said: Said, ends: dict[int, int]) -> Said:
    """`said` naming every line of its record (`lines 2-4`) when the record takes several."""
    end = ends.get(said.line, 0)
    return replace(said, end=end) if end > said.end else said

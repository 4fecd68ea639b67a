"""Validating the rows of the inspection-system CSV export (DESIGN §10).

The file itself (encoding, separator, header) is read by node/csv_file.py.
Row-level problems are reported with the line number and field, and every
good row is kept. Messages about identity fields
give the reason only, never the value, so no name or date of birth ends up in
a terminal log.

parse_row checks one row with the parsers of its fields: node/csv_cells.py (what every
cell goes through, and how a row's problems are said: RowError, RowNote),
node/csv_control.py (the control's setting, licence and signals), node/csv_dates.py
(its dates) and node/csv_identity.py (names, the companion, phones, plate, address).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from linkage.demographics import normalise_nationality, normalise_sex
from linkage.encode import Identity
from linkage.identifiers import normalise_document_number
from node.as_written import document_without_label, place_name, undo_double_encoding
from node.csv_cells import (
    _CONTROL,
    _NULL_MARKERS,
    FIELD_DROPPED,
    NOT_UTF8,
    RowError,
    RowNote,
    TextRefused,
    _check_text,
    _normalised,
)
from node.csv_control import UNLISTED_SIGNALS, _control
from node.csv_dates import BIRTH_DROPPED, DateOrder, _date_of_birth, _parse_date, file_date_order
from node.csv_identity import (
    _NAME_PUNCTUATION,
    _QUESTION_MARKS,
    ADDRESS_HALF,
    COMPANION_DROPPED,
    LETTERS_LOST,
    MAX_NAME_CHARS,
    NAME_PART_EMPTY,
    NO_NAME,
    _check_name,
    _companion,
    _entities,
    _has_name,
)
from zichtlijn.signal_catalogue import shipped_signals

# What other modules and the tests import from here; the field parsers live in the
# modules named above, and parse_row puts a row together from them
__all__ = [
    "ADDRESS_HALF",
    "BIRTH_DROPPED",
    "COMPANION_DROPPED",
    "FIELD_DROPPED",
    "MAX_NAME_CHARS",
    "NAME_PART_EMPTY",
    "NOT_UTF8",
    "NO_NAME",
    "UNLISTED_SIGNALS",
    "_CONTROL",
    "_NAME_PUNCTUATION",
    "_NULL_MARKERS",
    "DateOrder",
    "ParsedSighting",
    "RowError",
    "RowNote",
    "TextRefused",
    "_check_name",
    "_check_text",
    "file_date_order",
    "parse_row",
]

EARLIEST_SIGHTING = dt.date(2000, 1, 1)
# A case system's own reference, kept as written so `node sightings` maps back to it:
# "GM0363-2026-0042", "2026/0042", "Zaak 2026 #42 (her)". It starts with a letter or
# digit, so it never reads as a spreadsheet formula.
MAX_CASE_REF_CHARS = 64
_CASE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/:#()+-]{0,63}$")


@dataclass
class ParsedSighting:
    line: int
    case_ref: str
    observed_on: dt.date
    setting: str | None
    licensed: bool | None
    signals: tuple[str, ...]
    subject: Identity
    companion: Identity | None
    entities: list[tuple[str, str]] = field(default_factory=list)
    notes: tuple[RowNote, ...] = ()

    def __repr__(self) -> str:
        return f"ParsedSighting(line={self.line}, case_ref={self.case_ref!r})"


# a name whose UTF-8 a program took for Windows-1252 before saving ("FehÃ©r"): read back
DOUBLE_ENCODED = ("read back from UTF-8 that a program took for Windows-1252 and saved "
                  "again; export as \"CSV UTF-8\" once to stop it")


def _name_part(line: int, part: str, written: str) -> tuple[str, bool]:
    """The checked name part, and whether it was read back from a double encoding: only
    a name refused as written is (README "CSV import")."""
    try:
        return _check_name(line, part, written), False
    except RowError:
        first = undo_double_encoding(written)
        if first is None:
            raise
        return _check_name(line, part, first), True


def parse_row(line: int, row: dict[str, str], today: dt.date,
              known_signals: frozenset[str] | None = None, *,
              strict: bool = False, month_first: bool = False) -> ParsedSighting:
    """One checked row; `known_signals`: the codes of the node's signal catalogue (the
    shipped one when None), the only ones kept.

    What makes a row a control (case reference, date, a name) and what the alerts read
    (setting, licence, signal codes) refuse it when unreadable. Any other value that
    cannot be read (a date of birth that cannot be hers, sex, nationality, document, a
    phone, a plate, the address, the companion) keeps the row without it and adds a
    note: the sighting still links on the rest. With `strict` (someone typing it in, who
    can correct it) that refuses the row too. Text that is no text (control characters,
    a formula, too long) always refuses the row. `month_first`: the file writes its dates
    of numbers month first (file_date_order).
    """
    get = row.get

    case_ref = _check_text(line, "case_ref", get("case_ref", ""), MAX_CASE_REF_CHARS)
    if not case_ref:
        raise RowError(line, "case_ref", "required but empty")
    if not _CASE_REF.match(case_ref):
        raise RowError(line, "case_ref", "start with a letter or digit; use letters, digits, "
                                         "spaces and . _ / : # ( ) + - (at most 64)")

    observed_text = _check_text(line, "observed_on", get("observed_on", ""))
    if not observed_text:
        raise RowError(line, "observed_on", "required but empty")
    observed_on = _parse_date(line, "observed_on", observed_text, time_of_day=True,
                              month_first=month_first)
    # the reasons never quote the date: in an export that swapped its columns it is a
    # date of birth
    if observed_on > today:
        raise RowError(line, "observed_on", "in the future")
    if observed_on < EARLIEST_SIGHTING:
        raise RowError(line, "observed_on", "before 2000 (is this column the date of the "
                                            "control?)")

    read = {part: _name_part(line, part, get(part, "")) for part in ("given_names",
                                                                     "surname")}
    parts = {part: value for part, (value, _) in read.items()}
    lost = {part for part, value in parts.items()
            if not value and _QUESTION_MARKS.fullmatch(get(part, "").strip())}
    given, surname = parts["given_names"], parts["surname"]
    if not (given or surname):
        raise RowError(line, min(lost) if lost else "given_names",
                       f"{LETTERS_LOST}; save it as \"CSV UTF-8\" and import it again"
                       if lost else NO_NAME)
    # A woman who gives one name is met as often as any other (FEBRL leaves one part
    # blank in 5 % of its rows): the row is kept and links on the rest, as with
    # "onbekend". The note lets an operator notice a column lost in an export.
    notes = [RowNote(line, part, f"{LETTERS_LOST}: the row links on the rest (`node "
                                 "correct` can add it; save exports as \"CSV UTF-8\")"
                     if part in lost else NAME_PART_EMPTY)
             for part, value in parts.items() if not value]
    notes += [RowNote(line, part, DOUBLE_ENCODED) for part, (_, read_back) in read.items()
              if read_back]
    kept_without = None if strict else notes

    if known_signals is None:
        known_signals = shipped_signals().codes
    setting, licensed, signals = _control(line, get, known_signals, kept_without)
    born = _date_of_birth(line, "date_of_birth", get("date_of_birth", ""), observed_on,
                          kept_without, month_first)
    sex = _normalised(line, "sex", get("sex", ""), normalise_sex, kept_without)
    nationality = _normalised(line, "nationality", get("nationality", ""),
                              normalise_nationality, kept_without)
    place = place_name(_check_text(line, "place_of_birth", get("place_of_birth", ""))) or None
    document = _normalised(line, "document_number", get("document_number", ""),
                           lambda value: normalise_document_number(document_without_label(value)),
                           kept_without)
    subject = Identity(given, surname, born, sex, document, place, nationality)
    if not _has_name(subject):
        raise RowError(line, "given_names", "no name left once titles and placeholders "
                                            "(Mevr., onbekend) are dropped")
    entities = _entities(line, get, nationality, notes, kept_without)
    companion = _companion(line, get, observed_on, kept_without, month_first)
    return ParsedSighting(line, case_ref, observed_on, setting, licensed, signals, subject,
                          companion, entities, tuple(notes))

"""Validating the rows of the inspection-system CSV export (DESIGN §10).

The file itself (encoding, separator, header) is read by node/csv_file.py.
Row-level problems are reported with the line number and field, and every
good row is kept. Messages about identity fields
give the reason only, never the value, so no name or date of birth ends up in
a terminal log.

parse_row checks one row; what every cell goes through and how a row's problems are
said (RowError, RowNote) is node/csv_cells.py, the control's setting, licence and
signals node/csv_control.py, its dates node/csv_dates.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from linkage.demographics import normalise_nationality, normalise_sex
from linkage.encode import Identity
from linkage.identifiers import (
    normalise_document_number,
    normalise_house_number,
    normalise_phone,
    normalise_plate,
    normalise_postcode,
)
from linkage.normalise import NormaliseError, fold, name_words
from node.as_written import document_without_label, name_as_meant, place_name
from node.csv_cells import (
    _CONTROL,
    _NULL_MARKERS,
    FIELD_DROPPED,
    NOT_UTF8,
    RowError,
    RowNote,
    TextRefused,
    _check_text,
    _kept_without,
    _normalised,
)
from node.csv_control import UNLISTED_SIGNALS, _control
from node.csv_dates import BIRTH_DROPPED, DateOrder, _date_of_birth, _parse_date, file_date_order
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

MAX_NAME_CHARS = 100
EARLIEST_SIGHTING = dt.date(2000, 1, 1)
# A case system's own reference, kept as written so `node sightings` maps back to it:
# "GM0363-2026-0042", "2026/0042", "Zaak 2026 #42 (her)". It starts with a letter or
# digit, so it never reads as a spreadsheet formula.
MAX_CASE_REF_CHARS = 64
_CASE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/:#()+-]{0,63}$")
_NAME_PUNCTUATION = frozenset(" -'.,\u2019")  # \u2019: typographic apostrophe
_ASCII_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -'.,")
_ASCII_DIGITS = frozenset("0123456789")
# A digit inside a word of letters is a slip of the keyboard or a misread letter (Ma4ia,
# P0pescu): kept as written, as a mistyped letter is, so the sighting still links. A word
# of digits alone (Maria 2) is no part of a name and still refuses the row.
_NAME_WORD = re.compile("[^" + re.escape("".join(sorted(_NAME_PUNCTUATION))) + "]+")


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


_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _digits_within_words(value: str) -> bool:
    return all(any(ch.isalpha() for ch in word) for word in _NAME_WORD.findall(value)
               if not _ASCII_DIGITS.isdisjoint(word))


NAME_PART_EMPTY = 'empty: the row links on the rest (write "onbekend" if it was not given)'
NO_NAME = "given_names and surname are both empty"
# Cyrillic or ș saved by a spreadsheet in a code page that lacks them comes out as "????"
LETTERS_LOST = "written as question marks, letters the file's encoding could not hold"
_QUESTION_MARKS = re.compile(r"\?{2,}(?:[\s-]+\?+)*")
ADDRESS_HALF = "empty, so the address is not used (it needs both postcode and number)"
COMPANION_DROPPED = "the row is kept without the companion (`node correct` can add him)"


def _check_name(line: int, name: str, value: str) -> str:
    value = _check_text(line, name, value, MAX_NAME_CHARS)
    value = name_as_meant(value)
    if value.lower() in _NULL_MARKERS:
        value = ""
    if not value:
        return ""
    if value.isascii():  # most names: the same two checks on the set of characters
        chars = set(value)
        if chars.isdisjoint(_ASCII_LETTERS):
            raise RowError(line, name, "contains no letters")
        if chars <= _ASCII_NAME_CHARS:
            return value
    if not any(unicodedata.category(ch).startswith("L") for ch in value):
        raise RowError(line, name, "contains no letters")
    for ch in value:
        if not (unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION
                or ch in _ASCII_DIGITS):
            raise RowError(line, name, "contains characters that do not occur in names")
    if not _ASCII_DIGITS.isdisjoint(value) and not _digits_within_words(value):
        raise RowError(line, name, "contains characters that do not occur in names")
    if not fold(value):
        raise RowError(line, name, "has no Latin, Cyrillic or Greek letters; enter the name "
                                   "as in the Latin line of the passport")
    return value


def _has_name(identity: Identity) -> bool:
    """Whether any word identifies the person once titles and placeholders are dropped."""
    return bool(name_words(identity.given_names) or name_words(identity.surname))


# Between numbers in one phone cell: "06-1234 5678 / 06-8765 4321", "...; ...", "... of ..."
_PHONE_SEPARATOR = re.compile(r"\s*[/;,|]\s*|\s+(?:of|en|or|and)\s+", re.IGNORECASE)
# A note after a number: "0612345678 (whatsapp)", "+40 721 234 567 (zus)", or a word
# of letters alone ("06-12345678 whatsapp"; "ext 12" has digits and is refused)
_PHONE_NOTE = re.compile(r"\s*\([^()0-9]*[^\W\d_][^()0-9]*\)$|\s+[^\W\d_]+\.?$")
MAX_PHONES = 4


def _phones(line: int, value: str, nationality: str | None,
            notes: list[RowNote] | None = None) -> list[str]:
    """The numbers of one phone cell: one number, or several with separators and notes.

    The cell is read as one number first, so "06/12345678" stays one; only when that
    fails is it split. A part that is no number refuses the row, or with `notes` is
    left out with a note while the cell's other numbers are kept (`_kept_without`).
    A number without its country code that is written as a mobile number of the woman's
    nationality is read as that country's (linkage.identifiers.normalise_phone).
    """
    value = _check_text(line, "phone", value)
    if not value:
        return []
    try:
        return [normalise_phone(value, home_nationality=nationality)]
    except NormaliseError as whole:
        parts = [part for part in _PHONE_SEPARATOR.split(value) if part.strip()]
        if len(parts) > MAX_PHONES:
            _kept_without(RowError(line, "phone", f"more than {MAX_PHONES} numbers"), notes)
            return []
        numbers: list[str] = []
        for part in parts:
            try:
                number = normalise_phone(_PHONE_NOTE.sub("", part),
                                         home_nationality=nationality)
            except NormaliseError as exc:
                reason = (exc if len(parts) > 1 else whole).reason
                _kept_without(RowError(line, "phone", reason), notes)
                continue
            if number not in numbers:
                numbers.append(number)
        return numbers


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

    parts = {part: _check_name(line, part, get(part, "")) for part in ("given_names",
                                                                       "surname")}
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


def _entities(line: int, get: Callable[[str, str], str], nationality: str | None,
              notes: list[RowNote], kept_without: list[RowNote] | None
              ) -> list[tuple[str, str]]:
    """(kind, value) of the phones, plate, address and advert a row names."""
    entities: list[tuple[str, str]] = []
    entities.extend(("phone", number)
                    for number in _phones(line, get("phone", ""), nationality, kept_without))
    plate = _normalised(line, "vehicle_plate", get("vehicle_plate", ""), normalise_plate,
                        kept_without)
    if plate:
        entities.append(("vehicle_plate", plate))
    notes_before = len(notes)
    postcode = _normalised(line, "address_postcode", get("address_postcode", ""),
                           normalise_postcode, kept_without)
    number = _normalised(line, "address_number", get("address_number", ""),
                         normalise_house_number, kept_without)
    if postcode and number:
        entities.append(("address", f"{postcode} {number}"))
    elif (postcode or number) and len(notes) == notes_before:
        # half an address is no address to share with another sighting; the rest of the
        # row still links, so it is kept without one (a half that could not be read has
        # its note already)
        missing = "address_number" if postcode else "address_postcode"
        notes.append(RowNote(line, missing, ADDRESS_HALF))
    advert = _check_text(line, "advert_id", get("advert_id", ""))
    if advert:
        entities.append(("advert", advert.lower()))
    return entities


def _companion(line: int, get: Callable[[str, str], str], observed_on: dt.date,
               notes: list[RowNote] | None, month_first: bool = False) -> Identity | None:
    """The man recorded with her, if any; an unreadable companion is dropped with a note."""
    names: list[str] = []
    unreadable: RowError | None = None
    for name in ("companion_given_names", "companion_surname"):
        try:  # a TextRefused (text that is no text) refuses the row all the same
            names.append(_check_name(line, name, get(name, "")))
        except TextRefused:
            raise
        except RowError as error:
            unreadable = unreadable or error
    if unreadable:
        _kept_without(unreadable, notes, COMPANION_DROPPED)
        return None
    given, surname = names
    born = _date_of_birth(line, "companion_date_of_birth", get("companion_date_of_birth", ""),
                          observed_on, notes, month_first)
    # "onbekend" for the man's name says there was a man, not who: no companion identity
    if _has_name(Identity(given, surname)):
        return Identity(given, surname, born)
    if born:
        _kept_without(RowError(line, "companion_date_of_birth",
                               "given without a companion name"), notes)
    return None

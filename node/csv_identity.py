"""Who a CSV row is about and what else it names: her name, the companion recorded with
her, and the phones, plate, address and advert the row links by (its entities).

A name that is no name refuses the row; an unreadable companion or entity is left out
with a note (`_kept_without`). Sex, nationality, place of birth and document number are
read in parse_row, by linkage's normalisers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from linkage.encode import Identity
from linkage.identifiers import (
    normalise_house_number,
    normalise_phone,
    normalise_plate,
    normalise_postcode,
)
from linkage.normalise import NormaliseError, fold, name_words
from node.as_written import name_as_meant
from node.csv_cells import (
    _NULL_MARKERS,
    RowError,
    RowNote,
    TextRefused,
    _check_text,
    _kept_without,
    _normalised,
)
from node.csv_dates import _date_of_birth

MAX_NAME_CHARS = 100
_NAME_PUNCTUATION = frozenset(" -'.,\u2019")  # \u2019: typographic apostrophe
_ASCII_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -'.,")
_ASCII_DIGITS = frozenset("0123456789")
# A digit inside a word of letters is a slip of the keyboard or a misread letter (Ma4ia,
# P0pescu): kept as written, as a mistyped letter is, so the sighting still links. A word
# of digits alone (Maria 2) is no part of a name and still refuses the row.
_NAME_WORD = re.compile("[^" + re.escape("".join(sorted(_NAME_PUNCTUATION))) + "]+")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _digits_within_words(value: str) -> bool:
    return all(any(ch.isalpha() for ch in word) for word in _NAME_WORD.findall(value)
               if not _ASCII_DIGITS.isdisjoint(word))


NAME_PART_EMPTY = 'empty: the row links on the rest (write "onbekend" if it was not given)'
NO_NAME = "given_names and surname are both empty"
# Cyrillic or ș saved by a spreadsheet in a code page that lacks them comes out as "????"
LETTERS_LOST = "written as question marks, letters the file's encoding could not hold"
_QUESTION_MARKS = re.compile(r"\?{2,}(?:[\s-]+\?+)*")
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
ADDRESS_HALF = "empty, so the address is not used (it needs both postcode and number)"


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

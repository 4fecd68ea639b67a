"""What every cell of a CSV row goes through, and how a row's problems are said.

A cell is read as text first (_check_text): typography and line breaks made plain,
Excel's ="..." read as its text, a marker for "not recorded" read as empty. Text that
is no text (not UTF-8, control characters, a formula, too long) refuses the row
(TextRefused). RowError refuses a row; RowNote says what a kept row leaves out, and
_kept_without and _normalised keep a row without a value that cannot be read. Messages
about identity fields (IDENTITY_FIELDS) give the reason only, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from linkage.normalise import NOT_KNOWN, NormaliseError, fold
from node.csv_file import has_undecodable, where

IDENTITY_FIELDS = frozenset({
    "given_names", "surname", "date_of_birth", "sex", "nationality", "place_of_birth",
    "document_number", "companion_given_names", "companion_surname",
    "companion_date_of_birth",
})
MAX_FIELD_CHARS = 200
# what inspection systems write for "not recorded"; read as an empty field
_NULL_MARKERS = frozenset({"-", "--", "n/a", "n.v.t.", "nvt", "null", "none", "?"})
# outside the name fields "onbekend" and kin (linkage.normalise.NOT_KNOWN) are no value:
# two sightings with document number "onbekend" would agree on the strongest evidence
# there is, and two cars with plate "geen" would make one network. In a name field
# the name rules decide (titles and placeholders are dropped from names).
_NAME_FIELDS = frozenset({"given_names", "surname", "companion_given_names",
                          "companion_surname"})
_PLACEHOLDER_DOCUMENT = re.compile(r"0+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


NOT_UTF8 = "not valid UTF-8"


@dataclass(frozen=True)
class RowError(ValueError):
    line: int
    field: str
    reason: str
    end: int = 0  # the record's last line, when it takes more than one

    def __str__(self) -> str:
        return f"{where(self.line, self.end)}: {self.field}: {self.reason}"


class TextRefused(RowError):
    """A cell that is no text (not UTF-8, control characters, a formula, too long): it
    refuses the row in every field, where an unreadable value may only be dropped."""


@dataclass(frozen=True)
class RowNote:
    """Something in a kept row that is not used: said, so a lost column is noticed."""
    line: int
    field: str
    note: str
    # how many words of a `signals` cell the catalogue does not list (left out, never
    # their text: free text there may be a name or a date of birth)
    uncatalogued: int = 0
    end: int = 0  # the record's last line, when it takes more than one

    def __str__(self) -> str:
        return f"{where(self.line, self.end)}: {self.field}: {self.note}"


# exactly the characters of Unicode category Cc (tests/test_csv_import.py checks all)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# How exports keep a value as text in Excel (a phone's leading 0): ="0612345678"; the
# formula is only a string literal, so its text is the value
_EXCEL_TEXT = re.compile(r'="([^"]*)"')


# Copy-paste from a web page or a word processor brings spaces that are not the space
# bar's (no-break, thin, ideographic), characters that print as nothing (zero-width space
# and joiners, soft hyphen, a byte-order mark inside the text, direction marks) and
# typographic dashes (the en dash a word processor puts in a date or a double name): in
# every field the first are a space, the second nothing, the third a hyphen
_TYPOGRAPHY = str.maketrans(
    dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                  "\u2008\u2009\u200a\u202f\u205f\u3000", " ")
    | dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2066\u2067\u2068"
                    "\u2069\u202a\u202b\u202c\u202d\u202e\ufeff")
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
# A line break inside a cell (Excel's Alt+Enter: "Chișinău", new line, "Moldova") or a
# pasted tab is layout, not content: read as a space in every field, so the row is not
# lost over it. Other control characters still refuse the row (_CONTROL).
_CELL_BREAK = re.compile(r"\r\n|[\r\n\t]")


def _check_text(line: int, name: str, value: str, limit: int = MAX_FIELD_CHARS) -> str:
    if not value:  # most optional columns are empty: nothing to check
        return ""
    if has_undecodable(value):
        raise TextRefused(line, name, NOT_UTF8)
    if not value.isascii():
        value = value.translate(_TYPOGRAPHY)
    value = _CELL_BREAK.sub(" ", value).strip()
    if excel_text := _EXCEL_TEXT.fullmatch(value):  # ="0612345678": a literal, kept as text
        value = excel_text.group(1).strip()
    if value.lower() in _NULL_MARKERS:
        return ""
    if name not in _NAME_FIELDS and fold(value) in NOT_KNOWN:
        return ""
    if name == "document_number" and _PLACEHOLDER_DOCUMENT.fullmatch(value):
        return ""
    if len(value) > limit:
        raise TextRefused(line, name, f"too long ({len(value)} characters, at most {limit})")
    if _CONTROL.search(value):
        raise TextRefused(line, name, "contains control characters")
    # a phone number's + is its country code (="0612..." is read above as its text)
    if value.startswith(_FORMULA_START) and not (name == "phone" and value[0] == "+"):
        raise TextRefused(line, name, "starts like a spreadsheet formula (=, +, -, @); refused")
    return value


FIELD_DROPPED = "the row is kept without it (`node correct` can add it)"


def _kept_without(error: RowError, notes: list[RowNote] | None,
                  kept: str = FIELD_DROPPED) -> None:
    """Keep the row without the value `error` is about and say so; without `notes`, refuse.

    An export's row is kept: a control refused for a misread phone or date of birth is a
    control the hub never sees, and `node correct` can add the value later. Someone
    typing (`node lookup`, `node correct`) passes no notes and is told instead. Reasons
    never quote the value.
    """
    if notes is None:
        raise error
    notes.append(RowNote(error.line, error.field, f"{error.reason}: {kept}"))


def _normalised(line: int, name: str, value: str, normaliser: Callable[[str], str | None],
                notes: list[RowNote] | None = None) -> str | None:
    """The normalised value of an optional cell; one that cannot be read is dropped with a
    note when `notes` is given (`_kept_without`). A formula or control characters refuse."""
    value = _check_text(line, name, value)
    if not value:
        return None
    try:
        return normaliser(value)
    except NormaliseError as exc:
        _kept_without(RowError(line, name, exc.reason), notes)
        return None

"""Reading the inspection-system CSV export as a file (DESIGN §10): its encoding,
separator and header, then its rows with their line numbers.

File-level problems (no header, unknown, repeated or missing columns, an unreadable
file) refuse the whole file before anything is stored; node/csv_import.py checks the
rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

COLUMNS = (
    "case_ref", "observed_on", "setting", "licensed", "signals",
    "given_names", "surname", "date_of_birth", "sex", "nationality", "place_of_birth",
    "document_number", "phone", "vehicle_plate", "address_postcode", "address_number",
    "advert_id", "companion_given_names", "companion_surname", "companion_date_of_birth",
)
REQUIRED = ("case_ref", "observed_on", "given_names", "surname")
# Not one of DESIGN §10's columns, but a field of every sighting (§4): an export of several
# municipalities names each row's. It is checked against the node's own, never stored.
GEMEENTE_COLUMN = "gemeente"


class CsvFileError(ValueError):
    """The file as a whole cannot be imported; nothing was stored."""


class Row(dict[str, str]):
    """One record's cells by column name, and where it lies in the file: a quoted cell
    may hold line breaks, so a record may take several lines (`last_line`). `refused`:
    (field, reason) when the record cannot be read as a row at all."""

    def __init__(self, cells: dict[str, str], last_line: int,
                 refused: tuple[str, str] | None = None) -> None:
        super().__init__(cells)
        self.last_line = last_line
        self.refused = refused


# The most characters one cell may hold as read (Python's csv stops at 131,072 and would
# refuse the whole file): far above any value a row may keep (node/csv_cells.py refuses a
# cell over 200 characters for its row), low enough that a quote left open at the top
# of a large export cannot pull all of it into one string. Past it, reading stops.
MAX_CELL_CHARS = 4 * 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# Checked on every field of every row: one regex scan in C instead of a Python loop
# per character. surrogateescape turns each undecodable byte into U+DC80..U+DCFF.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def has_undecodable(value: str) -> bool:
    return _UNDECODABLE.search(value) is not None


_HEADER_GAP = re.compile(r"[\s-]+")
_HEADER_SEARCH = 10  # lines looked at for the header
_CASE_REF_COLUMN = re.compile(r"""(?:^|[;,\t])\s*"?\s*case[\s_-]*ref\s*"?\s*(?:[;,\t\r]|$)""",
                              re.IGNORECASE)
# Excel's hint of the separator, written as the first line of some CSV exports
_SEPARATOR_HINT = re.compile(r"sep=(.)\r?")


#: what a file may be read as: UTF-8 (DESIGN §10), or Windows-1252 when the operator
#: says so, for a spreadsheet's "CSV (comma delimited)" on Dutch Windows
ENCODINGS = {"utf-8": "utf-8", "windows-1252": "cp1252"}
# one well-formed UTF-8 character of two to four bytes (RFC 3629, section 4)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


# What a name or a place of this population is written with, of the characters UTF-8
# writes in two bytes: Latin-1's letters, Latin Extended-A (ő, ş, ă, č), Romanian's
# comma-below letters (ș, ț), the accents a decomposed letter carries, Greek, Cyrillic,
# and the punctuation copy-paste brings (no-break space, soft hyphen, acute accent as an
# apostrophe). A Windows-1252 capital with an accent followed by a Windows-1252 symbol is
# two bytes that read as one other UTF-8 character (JOS\xc9\x96MARIA: É and an en dash
# read as "ɖ"), of a block no name here is written in, between the letters of a Latin
# name. Three-byte characters are no such sign: a Windows-1252 file would need three
# high bytes in a row for one.
_NAME_TEXT_2BYTE = re.compile("[\u00a0\u00ad\u00b4\u00b7\u00c0-\u00d6\u00d8-\u00f6"
                              "\u00f8-\u017f\u0218-\u021b\u0300-\u030c\u0326-\u0328"
                              "\u0370-\u03ff\u0400-\u052f]")


def _plausibly_utf8(data: bytes) -> re.Match[bytes] | None:
    """The first UTF-8 character of `data` that is not two Windows-1252 characters which
    happen to be one (`_misread_pair`); None when there is none. A file said to be
    Windows-1252 that holds one is UTF-8, or holds UTF-8 text, which reading it as
    Windows-1252 would misread (é as Ã©)."""
    for match in _UTF8_MULTIBYTE.finditer(data):
        if not _misread_pair(data, match):
            return match
    return None


def _misread_pair(data: bytes, match: re.Match[bytes]) -> bool:
    """Whether a UTF-8 character is what an accented Windows-1252 capital and a symbol
    would read as (JOSÉ and an en dash are the bytes of "ɖ"): written in two bytes, of no
    block a name or place here is written in, beside an ASCII letter (an Arabic name's
    letters stand beside Arabic ones)."""
    char = match.group().decode("utf-8")
    beside = data[match.start() - 1:match.start()] + data[match.end():match.end() + 1]
    return (ord(char) <= 0x7FF and not _NAME_TEXT_2BYTE.match(char)
            and any(chr(byte).isascii() and chr(byte).isalpha() for byte in beside))


def decode_csv(data: bytes, encoding: str = "utf-8") -> str:
    """The file's text. Bytes the encoding cannot read are kept as U+DC80..U+DCFF, so
    the rows holding them are refused by name, not the file.

    A file that starts with a UTF-16 byte-order mark (Excel's "Unicode text") is read
    as UTF-16. Windows-1252 is read only as the operator says, never guessed: Central and East
    European Windows (1250, 1251) write the same bytes for other letters (ş, č, Cyrillic),
    which a guess would misread silently. A file said to be Windows-1252 that holds a
    UTF-8 character is refused: it is UTF-8 (or holds UTF-8 text), and would be misread
    (é as Ã©). Two Windows-1252 characters that happen to be one UTF-8 character of a
    block no name here is written in (É and an en dash read as "ɖ", `_misread_pair`) do
    not count (until 2026-12-07 they did).
    """
    if encoding not in ENCODINGS:
        raise CsvFileError(f"unknown encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 says so in its first two bytes, whatever the
        # operator said; a broken last byte becomes U+FFFD, which refuses its row
        return data.decode("utf-16", errors="replace")
    if encoding == "windows-1252" and (utf8 := _plausibly_utf8(data)):
        line = data.count(b"\n", 0, utf8.start()) + 1
        raise CsvFileError(f"line {line}: holds UTF-8 letters, so the file is UTF-8, not "
                           "Windows-1252: import it without --encoding")
    text = data.decode(ENCODINGS[encoding], errors="surrogateescape")
    if encoding == "windows-1252":  # its five unassigned bytes: C1 controls, refused as such
        text = text.translate({0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)})
    return text


def _above_header(text: str) -> tuple[str, int, str | None]:
    """The text from the header on, how many lines stood above it, and the separator
    Excel's hint among them names. Above the header may stand that hint, empty lines
    (or separators only) and a report's title; the header is the first of the first
    lines that names case_ref."""
    top = text.split("\n", _HEADER_SEARCH)[:_HEADER_SEARCH]
    header_at = next((k for k, line in enumerate(top) if _CASE_REF_COLUMN.search(line)), 0)
    skipped, hint = 0, None
    while True:
        line, newline, rest = text.partition("\n")
        hinted = _SEPARATOR_HINT.fullmatch(line)
        if not newline or not (skipped < header_at or hinted or not line.strip(" \t\r;,")):
            return text, skipped, hint
        hint = hint or (hinted.group(1) if hinted else None)
        text, skipped = rest, skipped + 1


def _delimiter(header: str) -> str:
    # Dutch spreadsheet exports separate with ';' (',' is the decimal comma there),
    # Excel's "Unicode text" and "Text (tab delimited)" with tabs
    if "\t" in header and not {";", ","} & set(header):
        return "\t"
    return ";" if ";" in header and "," not in header else ","


def read_rows(text: str) -> Iterator[tuple[int, Row]]:
    """Yield (line number, row) pairs of a decoded file; raise CsvFileError for a bad
    header. Line numbers are the file's, lines above the header counted.

    A record that cannot be read as a row (too many or too few fields) comes as a Row
    with `refused` set. A quote left open that took the following rows into a cell
    refuses the line it opened on, and the lines it took are read again as rows of their
    own (an export's one stray quote lost 128 controls before). Where the file cannot be
    read on (a cell over MAX_CELL_CHARS), a last Row says so and how many lines were not
    read: the rows before it are yielded all the same.
    """
    # DOS wrote Ctrl-Z to end a text file, and some exports still do: no row
    text, skipped, hint = _above_header(text.removeprefix("\ufeff").rstrip("\x1a"))
    delimiter = hint or _delimiter(text.partition("\n")[0])
    # global to the csv module; the same bound for every file, so set on every read
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header_line = skipped + 1
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError("empty file: expected a header row") from None
    except csv.Error as exc:
        raise CsvFileError(f"line {header_line}: unreadable header ({exc})") from None
    names = _column_names(header, header_line)
    lines = _Lines(text, skipped)
    yield from _records(reader, names, delimiter, lines, skipped, lines.total, depth=0)


class _Lines:
    """The text's lines by file line number, for reading again what a quote took in."""

    def __init__(self, text: str, skipped: int) -> None:
        self._text, self._skipped = text, skipped
        self._starts: list[int] | None = None
        self.total = skipped + len(_LINE_BREAK.findall(text)) + (
            not text.endswith(("\n", "\r")))

    def between(self, first: int, last: int) -> str:
        """File lines `first` to `last`, with their line breaks."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self._text)]
        starts = self._starts
        begin = starts[first - self._skipped - 1]
        end = starts[last - self._skipped] if last - self._skipped < len(starts) else None
        return self._text[begin:end]


# how many quotes left open, each inside what the one before took, are read again: a
# bound on the recursion, far above what an export holds
_MAX_READ_AGAIN = 50


def _records(reader: Any, names: list[str], delimiter: str, lines: _Lines, offset: int,
             total: int, depth: int) -> Iterator[tuple[int, Row]]:
    """The rows of the csv `reader`, whose line 1 is file line `offset` + 1 (the header's
    line when reading the file, the first line a quote took when reading those again)."""
    previous_end = reader.line_num
    while True:
        line = offset + previous_end + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, Row({}, total, ("file", _stopped(exc, line, total)))
            return
        previous_end = reader.line_num
        last = offset + previous_end
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) > len(names) and not any(v.strip() for v in values[len(names):]):
            values = values[: len(names)]  # empty cells after the last column
        taken = _taken_lines(values, line, last, delimiter, names) if last > line else None
        if taken and depth < _MAX_READ_AGAIN:
            field, opened, first, _ = taken
            where_taken = where(first, last)
            yield line, Row({}, first - 1, (names[field] if field < len(names) else "row", (
                f"a quote left open at line {opened} took {where_taken} into this field: "
                f"{where_taken} read again as {'rows' if last > first else 'a row'} of "
                f"{'their' if last > first else 'its'} own")))
            again = csv.reader(io.StringIO(lines.between(first, last), newline=""),
                               delimiter=delimiter, strict=False)
            yield from _records(again, names, delimiter, lines, first - 1, last, depth + 1)
            continue
        if len(values) != len(names) or taken:
            yield line, Row({}, last, ("row", f"has {len(values)} fields, the header has "
                                              f"{len(names)}" if len(values) != len(names)
                                       else "a quote left open took the rows after it"))
            continue
        yield line, Row(dict(zip(names, values, strict=True)), last)


def _column_names(header: list[str], header_line: int) -> list[str]:
    """The header's column names; CsvFileError when the line is no header this import
    reads. Cells are shown only when the line is evidently a header (it names a column at
    least): a file without one has a row of data there, a name and a date of birth."""
    where = f"line {header_line}"
    if nuls := "".join(header).count("\x00"):
        # UTF-16 read as UTF-8: a NUL beside every letter of the header
        raise CsvFileError(f"{where}: {_NULS}" if 3 * nuls >= len("".join(header)) else
                           f"{where}: header holds NUL bytes (\\x00); save the file as \"CSV "
                           "UTF-8\" and import it again")
    # "Date of birth" and "date-of-birth" name the column date_of_birth
    names = [_HEADER_GAP.sub("_", h.strip().lower()) for h in header]
    while names and not names[-1]:  # a spreadsheet's empty columns after the last one
        names.pop()
    if any(has_undecodable(n) for n in names):
        raise CsvFileError(f"{where}: header is not valid UTF-8")
    known = [n for n in names if n in COLUMNS or n == GEMEENTE_COLUMN]
    if not known and not any(_INVISIBLE.sub("", n) in COLUMNS for n in names):
        raise CsvFileError(f"{where}: no header row: none of its {len(names)} cells is a "
                           f"column name ({', '.join(REQUIRED)}, ...)")
    duplicated = sorted({n for n in known if names.count(n) > 1})
    if duplicated:
        raise CsvFileError(f"{where}: column(s) named twice: {', '.join(duplicated)}")
    nameless = [str(k) for k, n in enumerate(names, start=1) if not n]
    if nameless:
        which = (f"column {nameless[0]} has" if len(nameless) == 1 else
                 f"columns {', '.join(nameless)} have")
        raise CsvFileError(f"{where}: {which} no name (name the column, or delete it if it "
                           "is empty)")
    invisible = [f"{_INVISIBLE.sub('', n)} (holds {_invisible_named(n)})" for n in names
                 if n not in known and _INVISIBLE.search(n)]
    if invisible:
        raise CsvFileError(f"{where}: column name(s) holding a character that prints as "
                           f"nothing: {', '.join(invisible)}; type the name again")
    unknown = [_shown(n) for n in names if n not in known]
    if unknown:
        raise CsvFileError(f"{where}: unknown column(s): {', '.join(unknown)} "
                           f"(allowed: {', '.join(COLUMNS)}, {GEMEENTE_COLUMN})")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise CsvFileError(f"{where}: missing required column(s): {', '.join(missing)}")
    return names


_NULS = ("holds NUL bytes (\\x00): the file looks like UTF-16 without its byte-order "
         "mark; save it as \"CSV UTF-8\" (or Excel's \"Unicode text\") and import it again")
# what copy-paste or a tool leaves in a name and prints as nothing: Unicode's format
# characters (zero-width space and joiners, direction marks, a byte-order mark) and kin
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
                        "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f"
                        "\ufeff\uffa0]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f]")


def _invisible_named(name: str) -> str:
    return ", ".join(dict.fromkeys(f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}"
                                   for ch in _INVISIBLE.findall(name)))


def _shown(name: str) -> str:
    """A column name as it can be read in a terminal: control characters escaped."""
    return _UNPRINTABLE.sub(lambda found: f"\\x{ord(found.group()):02x}", name)


def where(line: int, end: int = 0) -> str:
    """`line 7`, or `lines 7-9` for a record that takes several lines (a quoted cell
    holding line breaks)."""
    return f"lines {line}-{end}" if end > line else f"line {line}"


def _taken_lines(values: list[str], line: int, last: int, delimiter: str,
                 names: list[str]) -> tuple[int, int, int, int] | None:
    """(field index, line its quote opened, first and last line it took) of the first
    cell whose line breaks hold a line that looks like a row of this file
    (`_looks_like_row`): a quote left open took them in. A cell of several lines that do
    not, such as Excel's Alt+Enter between a place and its country, or in a list of
    signal codes, is read (as one line)."""
    at = line
    for k, value in enumerate(values):
        pieces = _LINE_BREAK.split(value)
        if len(pieces) > 1 and any(_looks_like_row(piece, delimiter, names)
                                   for piece in pieces[1:]):
            return k, at, at + 1, min(at + len(pieces) - 1, last)
        at += len(pieces) - 1
    return None


# what a control's date looks like written in a cell: 2026-03-01, 1-3-2026, 01.03.26,
# 20260301, an Excel serial number
_DATE_LIKE = re.compile(r"^\s*(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{5,8})")


def _looks_like_row(piece: str, delimiter: str, names: list[str]) -> bool:
    """A line of a cell that reads as a row of this file: at least as many cells as the
    columns up to the date of the control, and a date where that column is."""
    cells = piece.split(delimiter)
    at = names.index("observed_on") if "observed_on" in names else 1
    return len(cells) > max(at, 2) and bool(_DATE_LIKE.match(cells[at]))


def _stopped(exc: csv.Error, line: int, total: int) -> str:
    """Why reading stopped at `line` of a file of `total` lines (never the text)."""
    reason = (f"a cell of more than {MAX_CELL_CHARS:,} characters (a quote left open "
              "probably took the rest of the file into it)"
              if "field limit" in str(exc) else f"unreadable CSV ({exc})")
    return (f"{reason}: reading stopped at line {line}, its {total - line + 1} line(s) to "
            "the end of the file not read; the rows above are kept")

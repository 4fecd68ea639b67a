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
from collections.abc import Iterator

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


def decode_csv(data: bytes, encoding: str = "utf-8") -> str:
    """The file's text. Bytes the encoding cannot read are kept as U+DC80..U+DCFF, so
    the rows holding them are refused by name, not the file.

    A file that starts with a UTF-16 byte-order mark (Excel's "Unicode text") is read
    as UTF-16. Windows-1252 is read only as the operator says, never guessed: Central and East
    European Windows (1250, 1251) write the same bytes for other letters (ş, č, Cyrillic),
    which a guess would misread silently. A file said to be Windows-1252 that holds a
    UTF-8 letter is refused: it is UTF-8, and would be misread (é as Ã©).
    """
    if encoding not in ENCODINGS:
        raise CsvFileError(f"unknown encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 says so in its first two bytes, whatever the
        # operator said; a broken last byte becomes U+FFFD, which refuses its row
        return data.decode("utf-16", errors="replace")
    if encoding == "windows-1252" and (utf8 := _UTF8_MULTIBYTE.search(data)):
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


def read_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) pairs of a decoded file; raise CsvFileError for a bad
    header. Line numbers are the file's, lines above the header counted."""
    text, skipped, hint = _above_header(text.removeprefix("\ufeff"))
    delimiter = hint or _delimiter(text.partition("\n")[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header_line = skipped + 1
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError("empty file: expected a header row") from None
    except csv.Error as exc:
        raise CsvFileError(f"line {header_line}: unreadable header ({exc})") from None
    # "Date of birth" and "date-of-birth" name the column date_of_birth
    names = [_HEADER_GAP.sub("_", h.strip().lower()) for h in header]
    while names and not names[-1]:  # a spreadsheet's empty columns after the last one
        names.pop()
    if any(has_undecodable(n) for n in names):
        raise CsvFileError(f"line {header_line}: header is not valid UTF-8")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise CsvFileError(f"line {header_line}: column(s) named twice: "
                           f"{', '.join(duplicated)}")
    unknown = [n for n in names if n not in COLUMNS and n != GEMEENTE_COLUMN]
    if unknown:
        raise CsvFileError(f"line {header_line}: unknown column(s): {', '.join(unknown)} "
                           f"(allowed: {', '.join(COLUMNS)}, {GEMEENTE_COLUMN})")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise CsvFileError(f"line {header_line}: missing required column(s): "
                           f"{', '.join(missing)}")
    previous_end = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFileError(f"line {skipped + previous_end + 1}: unreadable CSV ({exc})"
                               ) from None
        line = skipped + previous_end + 1
        previous_end = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) > len(names) and not any(v.strip() for v in values[len(names):]):
            values = values[: len(names)]  # empty cells after the last column
        if len(values) != len(names):
            yield line, {"__width__": f"has {len(values)} fields, the header has {len(names)}"}
            continue
        yield line, dict(zip(names, values, strict=True))

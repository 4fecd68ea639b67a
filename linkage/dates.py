"""Dates as inspectors and exports write them, read into ``datetime.date``.

A date of birth or of a control is read in the forms records use (day first, year
first, month names, spreadsheet serials, other countries' forms) and refused when it
is ambiguous; a date of birth known only in part or as a guess gives its year alone.
Pure, as all normalisation (``normalise``): the result depends only on the input.
"""

import calendar
import datetime as dt
import re

from linkage.normalise import DateError, reject

__all__ = ["parse_date", "year_last_parts"]


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_DMY_SHORT_YEAR = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{2})")
# after a time, the zone an export may write: Z, UTC or an offset (+01:00, -0500)
_ZONE = r"(?: ?(?:z|utc|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9]))?"
# a date cell exported as a date-time: midnight says nothing, any other time is refused
# (a birth date stored at local midnight and exported in UTC reads 23:00 the day before)
_MIDNIGHT = re.compile(r"(?<=[0-9])[ T](?:0?0:00(?::00(?:\.0+)?)?|12:00(?::00)? ?a\.?m\.?)"
                       + _ZONE + "$", re.IGNORECASE)
# where a time of day belongs (a control's date and time): any valid time is dropped
# (14:30, 14:30:05.5, 2:30 PM, 2026-03-01T14:30:00Z, or as Dutch writes it, 14.30 uur)
_TIME_OF_DAY = re.compile(r"(?<=[0-9])(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
                          r"(?::[0-5][0-9](?:\.[0-9]+)?)?(?: ?[ap]\.?m\.?)?" + _ZONE + "|"
                          r" (?:[01]?[0-9]|2[0-3])[.:][0-5][0-9](?: ?(?:uur|u|h))?)$",
                          re.IGNORECASE)
# Month names as records write them, whole or cut short: Dutch and English, and the
# German, French and Romanian of foreign papers (14 maart 1990, 14-mrt-1990, 14 Mar.
# 1990, 14. März 1990, 1er mars 1990, 14 martie 1990). A named month is never ambiguous,
# so it may also come first (March 14, 1990).
_MONTH_NAMES = {
    name: number for number, names in enumerate((
        ("januari", "january", "jan", "januar", "janvier", "ianuarie", "ian"),
        ("februari", "february", "feb", "febr", "februar", "février", "fevrier",
         "februarie"),
        ("maart", "march", "mrt", "maa", "mar", "märz", "marz", "maerz", "mars", "martie"),
        ("april", "apr", "avril", "aprilie"),
        ("mei", "may", "mai"),
        ("juni", "june", "jun", "juin", "iunie", "iun"),
        ("juli", "july", "jul", "juillet", "iulie", "iul"),
        ("augustus", "august", "aug", "août", "aout"),
        ("september", "sep", "sept", "septembre", "septembrie"),
        ("oktober", "october", "okt", "oct", "octobre", "octombrie"),
        ("november", "nov", "novembre", "noiembrie", "noi"),
        ("december", "dec", "dezember", "dez", "décembre", "decembre", "decembrie"),
    ), start=1) for name in names
}
# A date cell a spreadsheet wrote as a number: days since 1899-12-30 (Excel, LibreOffice),
# five digits for every date from 1927-05-18 on; anything shorter or longer is not read
_SPREADSHEET_SERIAL = re.compile(r"([1-9][0-9]{4})(?:\.0+)?")
_SERIAL_EPOCH = dt.date(1899, 12, 30)
# Eight digits without separators: year first, as the BRP and ISO 8601's basic form write
# a date (19900314), or day first (14031990). At most one of the two is a date: a
# day-first reading needs a year (18.. and later) where the year-first one has its month.
_COMPACT_DATE = re.compile(r"[0-9]{8}")
# How other countries' papers write a date of numbers: Hungarian year first with a dot
# after each part (1990. 03. 14.), Bulgarian and Russian with the Cyrillic abbreviation
# of "year" after it (14.03.1990 g.), Czech and German with spaces after the dots
# (14. 3. 1990), a passport's spaces alone (14 03 1990), and the month as a Roman numeral
# (14.III.1990, 14-III-1990)
_YEAR_WORD = re.compile(r"(?<=[0-9])\s*\u0433\.?$")
_SPACED_NUMBERS = re.compile(r"[0-9]+(?:\s*[-/.]\s*|\s+)[0-9]+(?:\s*[-/.]\s*|\s+)[0-9]+\.?")
_ROMAN_MONTHS = {roman: str(number) for number, roman in enumerate(
    ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"), start=1)}
_ROMAN_MONTH = re.compile(r"([0-9]{1,2})\s*([-/. ])\s*([ivx]+)\s*\2\s*([0-9]{4})", re.IGNORECASE)


def _as_numbers(value: str) -> str:
    """A date of numbers in one of the forms above, written as the parser's forms are."""
    if _SPACED_NUMBERS.fullmatch(value):
        body = value.rstrip(".")
        separators = set(re.findall(r"[-/.]", body))
        if len(separators) > 1:  # 14-03/1990: two kinds, as before not read
            return value
        return (separators.pop() if separators else "-").join(
            re.split(r"\s*[-/.]\s*|\s+", body))
    if (roman := _ROMAN_MONTH.fullmatch(value)) and roman.group(3).lower() in _ROMAN_MONTHS:
        # written year first: a named month says which part is the day, so a file's
        # month-first order (parse_date's month_first) does not apply to it
        return f"{roman.group(4)}-{_ROMAN_MONTHS[roman.group(3).lower()]}-{roman.group(1)}"
    return value


_ORDINAL = r"(?:st|nd|rd|th|er|e)?"  # 1st, 2nd, 3rd, 14th; 1er (French), 14e (Dutch)
_DAY_NAMED_MONTH = re.compile(
    r"([0-9]{1,2})" + _ORDINAL + r"\.?[ -]([^\W\d_]+)\.?,?[ -]([0-9]{4})")
_NAMED_MONTH_DAY = re.compile(
    r"([^\W\d_]+)\.?[ -]([0-9]{1,2})" + _ORDINAL + r",?[ -]([0-9]{4})")


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1] without its weekday computation (hot path)."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


#: The ages a two-digit year of birth may give her on the day she was seen. The window is
#: under a century wide, so at most one century fits.
BIRTH_AGE_WINDOW = range(10, 100)


def _birth_century(two_digits: int, seen_on: dt.date) -> int | None:
    fits = [c for c in (1900, 2000) if seen_on.year - (c + two_digits) in BIRTH_AGE_WINDOW]
    return fits[0] if fits else None


def _date_part(value: str, time_of_day: bool) -> str:
    """The date of a cell without its time (or midnight), written as the forms above."""
    day_only = (_TIME_OF_DAY if time_of_day else _MIDNIGHT).sub("", value)
    return _as_numbers(_YEAR_WORD.sub("", day_only))


def year_last_parts(text: str, *, time_of_day: bool = False) -> tuple[int, int] | None:
    """The first and second number of a date of numbers written with its year last
    (14-03-1990, 3/14/1990, 14.3.90, 14 03 1990), else None (year first, a month name,
    eight digits, no date): the parts whose order a file's other dates may decide."""
    value = text.strip()
    # most cells are a bare date (the importer asks of every date cell before it reads
    # the rows): the time and other countries' forms are looked for only when not
    match = _DMY_DATE.fullmatch(value) or _DMY_SHORT_YEAR.fullmatch(value)
    if match is None and not _ISO_DATE.fullmatch(value):
        day_only = _date_part(value, time_of_day)
        match = _DMY_DATE.fullmatch(day_only) or _DMY_SHORT_YEAR.fullmatch(day_only)
    return (int(match.group(1)), int(match.group(3))) if match else None


def parse_date(text: str, *, time_of_day: bool = False,
               seen_on: dt.date | None = None, month_first: bool = False) -> dt.date:
    """Parse a date as inspectors and exports write it; refuse anything ambiguous.

    Accepted: year first (1990-03-14, 1990/03/14, 1990.03.14); day first (14-03-1990,
    14/03/1990, 14.03.1990, 14-3-1990); a month name with day and year in either order,
    in Dutch, English, German, French or Romanian (14 maart 1990, 14-mrt-1990, 14th
    March 1990, March 14, 1990); eight digits, year first as the BRP writes a date
    (19900314) or day first (14031990); a date of numbers as other countries write it
    (1990. 03. 14., 14.03.1990 with the Cyrillic word for year, 14. 3. 1990, 14 03 1990,
    14.III.1990); or a spreadsheet's date serial (32946: days since 1899-12-30, as a
    date cell formatted as a number is exported). A date of birth may
    carry a midnight time (1990-03-14 00:00:00, 14-3-1990 0:00, 1990-03-14T00:00:00Z,
    as spreadsheets and systems export a date); with `time_of_day` (the date of an
    event, not of a birth) any time of day is dropped.

    A two-digit year of birth is read against `seen_on`, the day she was seen: in the
    century that makes her 10 to 99 years old then (14-03-98 seen in 2026 is 1998,
    14-03-05 is 2005); without `seen_on`, or where no century does (14-03-20 in 2026:
    6 or 106), it is refused, since a wrong century silently breaks linkage. An event
    (`time_of_day`) is this century's (01-03-26 is 2026-03-01). Month-first (US) order
    is never assumed unless `month_first` says so (below), but a month above 12 with a
    day of 12 or less is read the only way it is a date, day and month exchanged
    (05-13-1990 and 1990-13-05 are 13 May 1990): a swap is a recording error the linker
    expects, and refusing the row would lose the sighting. Whether a date may lie in the
    future is the caller's decision.

    `month_first`: a date of numbers with its year last is read month first (3/14/1990,
    8/12/2026 is 12 August), for a file whose other dates show that it writes them so
    (node.csv_dates.file_date_order); year first, month names and eight digits are read
    as without it.
    """
    value = text.strip()
    if not value:
        raise DateError("empty date", "empty date")
    day_only = _date_part(value, time_of_day)
    if match := _ISO_DATE.fullmatch(day_only):
        year, month, day = match.group(1, 3, 4)
    elif match := _DMY_DATE.fullmatch(day_only):
        day, month, year = match.group(1, 3, 4)
        if month_first:
            day, month = month, day
    elif (match := _DAY_NAMED_MONTH.fullmatch(day_only.casefold())) and (
            match.group(2) in _MONTH_NAMES):
        day, month, year = match.group(1), _MONTH_NAMES[match.group(2)], match.group(3)
    elif (match := _NAMED_MONTH_DAY.fullmatch(day_only.casefold())) and (
            match.group(1) in _MONTH_NAMES):
        day, month, year = match.group(2), _MONTH_NAMES[match.group(1)], match.group(3)
    elif match := _SPREADSHEET_SERIAL.fullmatch(day_only):
        return _SERIAL_EPOCH + dt.timedelta(days=int(match.group(1)))
    elif _COMPACT_DATE.fullmatch(day_only):
        return _compact_date(day_only, value)
    elif match := _DMY_SHORT_YEAR.fullmatch(day_only):
        day, month, two_digits = match.group(1), match.group(3), int(match.group(4))
        if month_first:
            day, month = month, day
        if time_of_day:
            century: int | None = 2000
        else:
            century = _birth_century(two_digits, seen_on) if seen_on else None
        if century is None:
            reject(DateError, "unrecognised date format", value, "two-digit year")
        year = str(century + two_digits)
    else:
        reject(DateError, "unrecognised date format", value)
    y, m, d = int(year), int(month), int(day)
    if 12 < m <= 31 and 1 <= d <= 12:
        m, d = d, m
    if y < 1:
        reject(DateError, "not a date", value, f"year {y} out of range", "year out of range")
    if not 1 <= m <= 12:
        reject(DateError, "not a date", value, f"month {m} out of range", "month out of range")
    if not 1 <= d <= days_in_month(y, m):
        detail = f"day {d} out of range for {y:04d}-{m:02d}"
        reject(DateError, "not a date", value, detail, "day out of range for the month")
    return dt.date(y, m, d)


def _compact_date(digits: str, value: str) -> dt.date:
    # no day-month exchange here: 20010520 read backwards would be another date
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]),
                             (digits[4:], digits[2:4], digits[:2])):
        y, m, d = int(year), int(month), int(day)
        if y >= 1800 and 1 <= m <= 12 and 1 <= d <= days_in_month(y, m):
            return dt.date(y, m, d)
    reject(DateError, "not a date", value, "eight digits, neither YYYYMMDD nor DDMMYYYY")


# A date of birth the record marks as a guess: "ca. 1990", "± 14-03-1990", "plm. 1990",
# "1990?", "14-03-1990 (geschat)". Inspectors write it when a woman without papers gives
# her age or is not sure of it, as in the assigned dates of birth of README "Linkage
# quality, measured": a guessed whole date read as a date would veto her real one.
_GUESS_BEFORE = re.compile(r"^(?:ca\.?|circa|c\.|ongeveer|omstreeks|rond|plm\.?|±|\+/-|~"
                           r"|approx\.?|about|around|geschat|vermoedelijk)\s*", re.IGNORECASE)
_GUESS_AFTER = re.compile(r"\s*(?:\?+|\((?:geschat|ca\.?|circa|est\.?|estimated|onzeker|"
                          r"schatting|\?)\)|geschat|est\.|\(?schatting\)?)$", re.IGNORECASE)
_BIRTH_YEAR = r"((?:1[89]|20)[0-9]{2})"
# A day or month the BRP does not know is 00: 00-00-1990, 00-03-1990, 1990-03-00,
# 1990-00-00, and without separators 19900000, 19900300, 00031990
_BRP_PART_KNOWN = re.compile(r"00?([-/.])(?:00?|0?[1-9]|1[0-2])\1" + _BIRTH_YEAR
                             + r"|" + _BIRTH_YEAR + r"([-/.])(?:00?|0?[1-9]|1[0-2])\4(?:00?)"
                             + r"|" + _BIRTH_YEAR + r"(?:00|0[1-9]|1[0-2])00"
                             + r"|00(?:00|0[1-9]|1[0-2])" + _BIRTH_YEAR)
# A year alone, a month and year of numbers (03-1990, 1990-03), or a named month and year
# (maart 1990, Mar. 1990)
_YEAR_ALONE = re.compile(_BIRTH_YEAR)
_MONTH_YEAR = re.compile(r"(?:0?[1-9]|1[0-2])\s*[-/. ]\s*" + _BIRTH_YEAR)
_YEAR_MONTH = re.compile(_BIRTH_YEAR + r"\s*[-/.]\s*(?:0?[1-9]|1[0-2])")
_NAMED_MONTH_YEAR = re.compile(r"([^\W\d_]+)\.?[ -]" + _BIRTH_YEAR)


def birth_year_only(text: str) -> int | None:
    """The year of a date of birth known only in part or only as a guess, else None.

    A year alone (1990), a month and year (03-1990, 1990-03, maart 1990), a day or month
    the BRP writes as 00 (00-00-1990, 00-03-1990, 19900300), and any date marked as a
    guess (ca. 1990, ± 03-1990, 14-03-1990?, 14-03-1990 (geschat)) give their year: the
    caller keeps the sighting without a date of birth, since only whole, certain dates
    are encoded. A whole date without a mark, or text that is no date, gives None
    (parse_date reads or refuses it).
    """
    value = text.strip()
    if match := _BRP_PART_KNOWN.fullmatch(value):
        return int(next(year for year in match.groups() if year and len(year) == 4))
    guess = _GUESS_AFTER.sub("", _GUESS_BEFORE.sub("", value, count=1))
    for form in (_YEAR_ALONE, _MONTH_YEAR, _YEAR_MONTH):
        if match := form.fullmatch(guess):
            return int(match.group(1))
    if (match := _NAMED_MONTH_YEAR.fullmatch(guess.casefold())) and (
            match.group(1) in _MONTH_NAMES):
        return int(match.group(2))
    if guess == value or not guess:
        return None
    try:
        return parse_date(guess).year
    except DateError:
        return None

"""The dates of a CSV row: the order a file writes them in, and reading one.

file_date_order decides once for a file whether its dates of numbers are month-first;
_parse_date reads a date (the control's or one of birth) and _date_of_birth keeps only
a whole, certain date that can be hers. Reasons never quote the date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from linkage.dates import birth_year_only, parse_date, year_last_parts
from linkage.normalise import NormaliseError
from node.csv_cells import (
    _TYPOGRAPHY,
    IDENTITY_FIELDS,
    RowError,
    RowNote,
    _check_text,
    _kept_without,
)

EARLIEST_BIRTH = dt.date(1900, 1, 1)
# what databases and spreadsheets put in a date column nobody filled in: read as no date
# (as a date, every such woman would share an exact date of birth with every other)
PLACEHOLDER_BIRTH = dt.date(1900, 1, 1)
_ZERO_DATE = re.compile(r"0{1,4}([-/.])0{1,2}(?:\1)0{1,4}(?:[ T]00:00(?::00)?)?|00000000")
BIRTH_DROPPED = "the row is kept without a date of birth (`node correct` can add it)"


DATE_COLUMNS = ("observed_on", "date_of_birth", "companion_date_of_birth")


@dataclass(frozen=True)
class DateOrder:
    """How a file writes its dates of numbers with the year last, from all its dates."""
    month_first: bool = False
    note: str | None = None  # one line about the file, when its dates say something


@dataclass(frozen=True)
class _Sample:
    line: int
    field: str
    text: str

    def __str__(self) -> str:
        # named by line and field, never by its value: a date of birth is identity, and
        # so is an observed_on of an export that swapped its columns
        return f"line {self.line} ({self.field})"


def _first_sample(found: _Sample | None, sample: _Sample) -> _Sample:
    """The first sample, or the first of observed_on once there is one."""
    if found is None or (found.field in IDENTITY_FIELDS
                         and sample.field not in IDENTITY_FIELDS):
        return sample
    return found


def file_date_order(rows: Iterable[tuple[int, dict[str, str]]]) -> DateOrder:
    """Whether the file writes 8/12/2026 for 12 August, decided from all its date columns.

    A date such as 3/5/1990 reads either way; only one whose first part (day first: 25/8)
    or second part (month first: 8/25) is above 12 shows the order. A file in which some
    show month-first and none day-first is month-first (an American system's export:
    read day-first, a third of its dates came out wrong, some "in the future"). One
    showing both orders, or neither, is read day-first as always; one showing both is
    said, since its ambiguous dates may be misread. Year first, month names and eight
    digits do not count (and are read as always).
    """
    day_first: _Sample | None = None
    month_first: _Sample | None = None
    for line, row in rows:
        for name in DATE_COLUMNS:
            cell = row.get(name, "").strip()
            if not cell or not (parts := year_last_parts(
                    cell if cell.isascii() else cell.translate(_TYPOGRAPHY),
                    time_of_day=name == "observed_on")):
                continue
            first, second = parts
            if 12 < first <= 31 and 1 <= second <= 12:
                day_first = _first_sample(day_first, _Sample(line, name, cell))
            elif 12 < second <= 31 and 1 <= first <= 12:
                month_first = _first_sample(month_first, _Sample(line, name, cell))
    if month_first is None:
        return DateOrder()
    if day_first is None:
        written = "m/d/yyyy" if "/" in month_first.text else "m-d-yyyy" if (
            "-" in month_first.text) else "m.d.yyyy"
        return DateOrder(True, f"dates in this file are month-first ({written}), as "
                               f"{month_first} shows: read as such")
    return DateOrder(False, f"dates in this file are written both day-first, as {day_first}, "
                            f"and month-first, as {month_first}: read day-first where both "
                            "readings are dates (3/5 is 3 May), so check those; export "
                            "dates as YYYY-MM-DD")


def _parse_date(line: int, name: str, value: str, time_of_day: bool = False,
                seen_on: dt.date | None = None, month_first: bool = False) -> dt.date:
    try:
        return parse_date(value, time_of_day=time_of_day, seen_on=seen_on,
                          month_first=month_first)
    except NormaliseError as exc:
        if name in IDENTITY_FIELDS:
            # the parser's reason quotes parts of the date, which is identity data here
            raise RowError(line, name, "not a valid date (use DD-MM-YYYY or YYYY-MM-DD)") from None
        # never the value: an export that swapped its columns has a date of birth here
        raise RowError(line, name, f"{exc.reason} (use DD-MM-YYYY or YYYY-MM-DD)") from None


def _date_of_birth(line: int, name: str, value: str, observed_on: dt.date,
                   notes: list[RowNote] | None = None,
                   month_first: bool = False) -> dt.date | None:
    """The date of birth of a cell, None if there is none.

    A cell that holds no date that can be hers (not a date, after the control, before
    1900) refuses the row, unless `notes` is given: then the row is kept without a
    date of birth and a note says so. An export's rows are kept that way (FEBRL
    corrupts a date into `19450493` in 60 of its 67 refused rows, and a control
    refused for a typo in a date is a control the hub never sees); someone typing
    at the door is told instead. A formula or control characters still refuse it.
    """
    value = _check_text(line, name, value)
    if not value:
        return None
    try:
        born = None if _ZERO_DATE.fullmatch(value) else _possible_birth(
            line, name, value, observed_on, month_first)
    except RowError as error:  # its reasons never quote the date
        _kept_without(error, notes, BIRTH_DROPPED)
        return None
    if born is None and notes is None:
        # typed at the door: a year alone or a guess would be dropped unseen, and the
        # inspector would take the answer for one that used her date
        raise RowError(line, name, "not a whole, certain date (a year or month alone, a "
                                   "guess or a placeholder is not used): enter the whole "
                                   "date or leave it empty")
    return born


def _possible_birth(line: int, name: str, value: str, observed_on: dt.date,
                    month_first: bool = False) -> dt.date | None:
    # known in part (00-03-1990, 1990, maart 1990) or a guess (ca. 1990): only whole,
    # certain dates are encoded, so the sighting is kept without one
    if (year := birth_year_only(value)) is not None:
        _require_possible_birth(line, name, dt.date(year, 1, 1), observed_on)  # its year
        return None
    born = _parse_date(line, name, value, seen_on=observed_on, month_first=month_first)
    if born == PLACEHOLDER_BIRTH:
        return None
    _require_possible_birth(line, name, born, observed_on)
    return born


def _require_possible_birth(line: int, name: str, born: dt.date, observed_on: dt.date) -> None:
    if born > observed_on:
        raise RowError(line, name, "after the date of the control")
    if born < EARLIEST_BIRTH:
        raise RowError(line, name, "before 1900")

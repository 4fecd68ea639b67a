"""Calendar arithmetic shared by hub and node (retention cutoffs)."""

from __future__ import annotations

import argparse
import calendar
import datetime as dt


def months_before(day: dt.date, months: int) -> dt.date:
    """`day` minus whole calendar months, the day clamped to the month's end.

    31 August minus 18 months is 28 February (29 in a leap year).
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


#: the retention period hub and node accept, in months ([retention] months), and theirs
#: when none is set
RETENTION_MONTHS = range(1, 241)
DEFAULT_RETENTION_MONTHS = 18
#: how messages and --help name that range
RETENTION_RANGE = f"{RETENTION_MONTHS.start}..{RETENTION_MONTHS.stop - 1}"


def retention_months_option(text: str) -> int:
    """argparse type of `--retention-months`: a whole number of months in range."""
    try:
        months = int(text)
    except ValueError:
        months = 0
    if months not in RETENTION_MONTHS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: a whole number of months within {RETENTION_RANGE}")
    return months


def add_retention_months_argument(parser: argparse.ArgumentParser, peer: str) -> None:
    """`--retention-months N` of `hub init` and `node init`; `peer` names who must agree."""
    parser.add_argument("--retention-months", type=retention_months_option,
                        default=DEFAULT_RETENTION_MONTHS, metavar="N",
                        help="purge sightings N months after the control "
                             f"({RETENTION_RANGE}, default {DEFAULT_RETENTION_MONTHS}; "
                             f"{peer} must be the same)")

"""Calendar arithmetic shared by hub and node (retention cutoffs)."""

from __future__ import annotations

import calendar
import datetime as dt


def months_before(day: dt.date, months: int) -> dt.date:
    """`day` minus whole calendar months, the day clamped to the month's end.

    31 August minus 18 months is 28 February (29 in a leap year).
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))

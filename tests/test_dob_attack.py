"""The date-of-birth attacks of tests/benchmarks/dob_lattice.py on small fixed populations.

The hub has no key, only the structure of the date tokens. With the full tokens of the
dates one day away beside each date it lays every date on the calendar; with the parts
alone (day+month, month+year, day+year) it can group dates but not name the day.
"""

from __future__ import annotations

import datetime as dt

from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from tests.benchmarks import dob_lattice as attack


def population(days: int, step: int = 1) -> tuple[list[attack.HubRow], list[dt.date]]:
    """One dated woman every `step` days from 1 March 1996, all controlled on the day the
    youngest turned 18."""
    first = dt.date(1996, 3, 1)
    born = [first + dt.timedelta(days=k) for k in range(0, days, step)]
    seen = born[-1].replace(year=born[-1].year + 18) + dt.timedelta(days=1)
    return ([attack.HubRow(attack.tokens_of_version_6(b), seen, True,
                           attack.window_tokens(b)) for b in born], born)


def test_day_neighbours_put_every_date_on_the_calendar() -> None:
    rows, born = population(8 * 365)
    assert attack.decode(rows) == born


def test_a_line_of_days_is_placed_by_its_month_lengths_even_with_gaps() -> None:
    rows, born = population(6 * 365, step=2)  # every other day: still one line
    decoded = attack.decode(rows)
    assert sum(d == b for d, b in zip(decoded, born, strict=True)) == len(born)


def test_without_day_and_month_neighbours_the_day_is_not_read() -> None:
    rows, born = population(8 * 365)
    held = attack.without_near(rows, frozenset({"year"}))
    assert all(d is None for d in attack.decode(held))
    guesses = attack.read_parts(held, [b.year for b in born])
    exact, year, month = attack.part_leak(guesses, born)
    assert year == 1.0  # the year+1 tokens order the years, the ages place them
    assert exact < 0.05 and month < 0.3  # February; one in four or seven of the others
    assert all(g.days for g in guesses)


def test_month_neighbours_name_the_month() -> None:
    rows, born = population(8 * 365)
    held = attack.without_near(rows, frozenset({"month", "year"}))
    exact, year, month = attack.part_leak(attack.read_parts(held, [b.year for b in born]), born)
    assert month == 1.0 and year == 1.0
    assert 0.2 < exact < 0.8  # days 1-12 by their swap with the months, 29-31 by count


def test_the_shipped_date_tokens_leave_the_day_and_the_month_unread() -> None:
    """Schema version 7 sends the dates a year away and a window of three days: the
    line-of-days attack reads nothing, the parts attack names the year and little else."""
    _, born = population(8 * 365)
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    seen = born[-1].replace(year=born[-1].year + 18) + dt.timedelta(days=1)
    rows = [attack.HubRow(*_shipped(encoder.dob_tokens(b), k, seen)) for k, b in enumerate(born)]
    assert all(d is None for d in attack.decode(rows))
    exact, year, month = attack.part_leak(attack.read_parts(rows, [b.year for b in born]), born)
    assert year == 1.0 and exact < 0.05 and month < 0.4


def _shipped(tokens: tuple[int, ...], row: int, seen: dt.date):
    layout, windows = attack.as_shipped(tokens, row)
    return layout, seen, True, windows


def _shipped_population() -> tuple[list[attack.HubRow], list[dt.date]]:
    _, born = population(8 * 365)
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    seen = born[-1].replace(year=born[-1].year + 18) + dt.timedelta(days=1)
    return [attack.HubRow(*_shipped(encoder.dob_tokens(b), k, seen))
            for k, b in enumerate(born)], born


def test_one_known_date_names_every_date_of_its_day_and_month() -> None:
    """Known plaintext: the hub learns one woman's date of birth. The day+month and
    month+year classes are global, so it now reads every date on that day and month in
    every year, and the month of every date in that month."""
    rows, born = _shipped_population()
    guesses = attack.read_parts(rows, [b.year for b in born])
    known_row = born.index(dt.date(1998, 5, 17))
    read = attack.with_known_dates(rows, guesses, {known_row: born[known_row]})
    same_day = [k for k, b in enumerate(born) if (b.month, b.day) == (5, 17)]
    assert len(same_day) == 8
    assert all(read[k].days == {17} and read[k].months == {5} for k in same_day)
    may = [k for k, b in enumerate(born) if b.month == 5]
    assert all(read[k].months == {5} for k in may)
    assert all(len(guesses[k].months) > 1 for k in may)  # unread without the known date
    assert all(17 not in read[k].days or len(read[k].days) > 1
               for k, b in enumerate(born) if b.day != 17)


def test_without_the_day_year_token_a_known_date_names_no_other_month_s_day() -> None:
    """The day+year token ties a day's classes across the months of a year; the dates a
    year away tie a day and month across years. Without day+year (and day+month, which
    the dates a year away rebuild where dates are dense) a known date names its own day
    and month in every year and its month, not the same day of the other months."""
    rows, born = _shipped_population()
    known_row = born.index(dt.date(1998, 5, 17))
    known = {known_row: born[known_row]}
    other_months = [k for k, b in enumerate(born) if b.day == 17 and b.month != 5]
    shipped = attack.with_known_dates(rows, attack.read_parts(rows, [b.year for b in born]),
                                      known)
    assert all(shipped[k].days == {17} for k in other_months)
    held = attack.withheld(rows, (attack.DAY_MONTH, attack.DAY_YEAR))
    read = attack.with_known_dates(held, attack.read_parts(held, [b.year for b in born]),
                                   known)
    assert not any(read[k].days == {17} for k in other_months)
    same_day = [k for k, b in enumerate(born) if (b.month, b.day) == (5, 17)]
    assert all(read[k].days == {17} and read[k].months == {5} for k in same_day)

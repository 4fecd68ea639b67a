"""The date-of-birth attacks of tests/benchmarks/dob_lattice.py on small fixed populations.

The hub has no key, only the structure of the date tokens. With the full tokens of the
dates one day away beside each date it lays every date on the calendar; with the parts
alone (day+month, month+year, day+year) it can group dates but not name the day.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from linkage.encode import neighbours
from tests.benchmarks import dob_lattice as attack

KEY = b"k" * 32


def _token(message: str) -> int:
    return int.from_bytes(hashlib.blake2b(message.encode(), key=KEY, digest_size=8).digest(),
                          "little")


def tokens_with_every_neighbour(born: dt.date) -> tuple[int, ...]:
    """Date tokens in the order of schema version 6: five parts and six neighbours."""
    iso = born.isoformat()
    y, m, d = iso[:4], iso[5:7], iso[8:]
    low, high = sorted((m, d))
    parts = [f"full:{iso}", f"swap:{y}-{low}-{high}", f"day_month:{m}-{d}",
             f"month_year:{y}-{m}", f"day_year:{y}--{d}"]
    return tuple(_token(p) for p in parts) + tuple(_token(f"full:{n.isoformat()}")
                                                   for n in neighbours(born))


def population(days: int, step: int = 1) -> tuple[list[attack.HubRow], list[dt.date]]:
    """One dated woman every `step` days from 1 March 1996, all controlled on the day the
    youngest turned 18."""
    first = dt.date(1996, 3, 1)
    born = [first + dt.timedelta(days=k) for k in range(0, days, step)]
    seen = born[-1].replace(year=born[-1].year + 18) + dt.timedelta(days=1)
    return ([attack.HubRow(tokens_with_every_neighbour(b), seen, True) for b in born], born)


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
    assert exact < 0.05 and month < 0.2
    assert all(g.days for g in guesses)


def test_month_neighbours_name_the_month() -> None:
    rows, born = population(8 * 365)
    held = attack.without_near(rows, frozenset({"month", "year"}))
    exact, year, month = attack.part_leak(attack.read_parts(held, [b.year for b in born]), born)
    assert month == 1.0 and year == 1.0
    assert 0.2 < exact < 0.8  # days 1-12 by their swap with the months, 29-31 by count

"""Dates of birth decoded from the keyed date tokens by their structure alone (an attack).

    .venv/bin/python -m tests.benchmarks.dob_lattice [--persons 1000,3000,10000] [--seed 7]

The attacker is the hub: it holds every upload, the schema and the code, not the key.
Until schema version 7 a dated identity carried its date tokens in schema order: the full
date, the day/month swap, day+month, month+year, day+year, then the full tokens of the six
dates one day, month or year away ("near"). So the hub knew, for every stored date, which token is
the day after it. Following those links lays the dates on a line of days; where the
month-and-year token changes along the line a month ended, and the lengths of the months
(31, 28 or 29, 31, 30, ...) repeat only every four years, so one offset puts every date
of a line on the calendar up to a multiple of four years. The control dates the hub
holds in plain fix those four years: nobody controlled was under 18 on the day of the
control, and some were nearly 18.

A second attack ("parts", `read_parts`) reads what schemas sending fewer near tokens
leave: the day, month and year classes the two-part tokens form, ordered by the near
tokens there are. Prints, per size and set of tokens (version 6's, fewer, and the shipped
encoder's), the share of dated identities (subjects and companions) whose date of birth
each attack gets right, and the shares of right years and months.

A second table gives a hub that also knows the true dates of birth of a few women
(known plaintext, `with_known_dates`): each names its day, month and year classes, and
so every date in them; for the shipped tokens and for the shipped tokens less the
day+month token, or less both it and day+year (`withheld`). Asserts nothing.
README "Privacy, measured", "Dates of birth".
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from linkage.cluster import components
from linkage.encode import Encoder, _shift_months
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from node.csv_import import ParsedSighting, RowError, parse_row
from node.importer import encode_sightings
from zichtlijn.synth import LISTED_ERRORS_ONLY, iter_rows

# Slots of the date tokens (linkage/encode.py `_make_dob_tokens`).
FULL, DAY_MONTH, MONTH_YEAR = 0, 2, 3
DAY_BEFORE, DAY_AFTER = 5, 6
EPOCH = dt.date(1900, 1, 1)
FOUR_YEARS = 1461  # days; the month lengths repeat with this period from 1901 to 2099
YOUNGEST = 18  # years: nobody younger is controlled (the hub's prior)


def absent_token(row: int, slot: int) -> int:
    """A token in `slot` of `row` that no date has and no other row or slot (below 16)
    shares: a token a schema does not send."""
    return (1 << 63) | (row * 16 + slot)


@dataclass(frozen=True)
class HubRow:
    """What the hub holds of one dated identity: its date tokens and its control date."""

    tokens: tuple[int, ...]
    observed_on: dt.date
    subject: bool  # the controlled woman (the age bound holds), not a companion
    # window tokens (day window, month window) of a schema that sends them; else empty
    windows: tuple[int, ...] = ()


def day_lines(rows: Sequence[HubRow]) -> tuple[dict[int, int], dict[int, int]]:
    """Each date token's line (connected by day-before/day-after links) and its position
    on that line in days."""
    links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        full = row.tokens[FULL]
        for slot, step in ((DAY_BEFORE, -1), (DAY_AFTER, 1)):
            links[full].append((row.tokens[slot], step))
            links[row.tokens[slot]].append((full, -step))
    line_of: dict[int, int] = {}
    position: dict[int, int] = {}
    for start in links:
        if start in line_of:
            continue
        line_of[start], position[start] = start, 0
        stack = [start]
        while stack:
            token = stack.pop()
            for other, step in links[token]:
                if other not in line_of:
                    line_of[other], position[other] = start, position[token] + step
                    stack.append(other)
    return line_of, position


def _month_index(days: np.ndarray) -> np.ndarray:
    """Months since EPOCH of dates given as days since EPOCH."""
    as_dates = np.datetime64(EPOCH.isoformat(), "D") + days
    return as_dates.astype("datetime64[M]").astype(np.int64)


def _day_month(days: np.ndarray) -> np.ndarray:
    as_dates = np.datetime64(EPOCH.isoformat(), "D") + days
    month_start = as_dates.astype("datetime64[M]")
    day = (as_dates - month_start.astype("datetime64[D]")).astype(np.int64)
    return (month_start.astype(np.int64) % 12) * 32 + day


def calendar_offsets(positions: Sequence[tuple[int, int]],
                     same_day_month: Sequence[Sequence[int]]) -> list[int]:
    """The offsets (days from EPOCH to position 0, below FOUR_YEARS) that put every
    month-and-year group inside one month and every day-and-month group on one day of
    the year. `positions`: (first, last) position of each month-and-year group."""
    offsets = np.arange(FOUR_YEARS, dtype=np.int64)[:, None]
    fits = np.ones(FOUR_YEARS, dtype=bool)
    if positions:
        first = np.array([p[0] for p in positions], dtype=np.int64)[None, :]
        last = np.array([p[1] for p in positions], dtype=np.int64)[None, :]
        shift = 20 * FOUR_YEARS  # keep the dates after EPOCH
        fits &= (_month_index(offsets + first + shift)
                 == _month_index(offsets + last + shift)).all(axis=1)
    for group in same_day_month:
        if len(group) < 2:
            continue
        members = np.array(group, dtype=np.int64)[None, :] + 20 * FOUR_YEARS
        day_months = _day_month(offsets[fits] + members)
        alike = (day_months == day_months[:, :1]).all(axis=1)
        fits[np.flatnonzero(fits)[~alike]] = False
    return [int(offset) for offset in np.flatnonzero(fits)]


def decode(rows: Sequence[HubRow], candidates: int = 400) -> list[dt.date | None]:
    """The hub's reading of each row's date of birth; None where no link reaches it.

    The longest line's month boundaries leave few calendar offsets; each is tried by
    following every link (day, month and year) from that line to the dates it reaches,
    and the one that contradicts least (a date reached twice as two dates, a
    month-and-year group spread over two months) is kept. The four years it leaves open
    are closed by the ages."""
    line_of, position = day_lines(rows)
    by_line: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_line[line_of[row.tokens[FULL]]].append(index)
    longest = max(by_line.values(), key=len)
    offsets = _line_offsets(rows, longest, position)
    links = _calendar_links(rows)
    tried: list[tuple[int, dict[int, dt.date]]] = []
    for offset in offsets[:candidates] if len(offsets) <= candidates else ():
        start = {rows[i].tokens[FULL]: EPOCH + dt.timedelta(days=20 * FOUR_YEARS + offset
                                                             + position[rows[i].tokens[FULL]])
                 for i in longest}
        dates, conflicts = _propagate(start, links)
        tried.append((conflicts + _month_conflicts(rows, dates), dates))
    tried.sort(key=lambda t: t[0])
    if not tried or (len(tried) > 1 and tried[1][0] == tried[0][0]):
        return [None] * len(rows)  # no offset, or two that fit as well: nothing read
    dates = tried[0][1]
    read = [dates.get(row.tokens[FULL]) for row in rows]
    shift = _youngest_shift([(d, row.observed_on) for d, row in zip(read, rows, strict=True)
                             if d is not None and row.subject])
    return [None if d is None else _add_four_years(d, shift) for d in read]


def _line_offsets(rows: Sequence[HubRow], members: Sequence[int],
                  position: dict[int, int]) -> list[int]:
    months: dict[int, list[int]] = defaultdict(list)
    day_months: dict[int, set[int]] = defaultdict(set)
    for index in members:
        at = position[rows[index].tokens[FULL]]
        months[rows[index].tokens[MONTH_YEAR]].append(at)
        day_months[rows[index].tokens[DAY_MONTH]].add(at)
    spans = [(min(p), max(p)) for p in months.values() if max(p) > min(p)]
    return calendar_offsets(spans, [sorted(g) for g in day_months.values()])


# The near slots as calendar steps: (slot, days, months); a month step clamps the day.
_STEPS = ((5, -1, 0), (6, 1, 0), (7, 0, -1), (8, 0, 1), (9, 0, -12), (10, 0, 12))


def _calendar_links(rows: Sequence[HubRow]) -> dict[int, list[tuple[int, int, int]]]:
    """token -> (other token, days, months): the other is this date moved so. Month
    steps are followed forward only (undoing one that clamped the day is ambiguous)."""
    links: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row in rows:
        full = row.tokens[FULL]
        for slot, days, months in _STEPS:
            links[full].append((row.tokens[slot], days, months))
            if days:
                links[row.tokens[slot]].append((full, -days, 0))
    return links


def _step(day: dt.date, days: int, months: int) -> dt.date:
    if days:
        return day + dt.timedelta(days=days)
    return _shift_months(day, months)


def _propagate(start: dict[int, dt.date], links: dict[int, list[tuple[int, int, int]]]
               ) -> tuple[dict[int, dt.date], int]:
    dates = dict(start)
    conflicts = 0
    stack = list(start)
    while stack:
        token = stack.pop()
        for other, days, months in links[token]:
            moved = _step(dates[token], days, months)
            known = dates.get(other)
            if known is None:
                dates[other] = moved
                stack.append(other)
            elif known != moved:
                conflicts += 1
    return dates, conflicts


def _month_conflicts(rows: Sequence[HubRow], dates: dict[int, dt.date]) -> int:
    months: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for row in rows:
        day = dates.get(row.tokens[FULL])
        if day is not None:
            months[row.tokens[MONTH_YEAR]].add((day.year, day.month))
    return sum(len(seen) - 1 for seen in months.values())


def _add_four_years(day: dt.date, times: int) -> dt.date:
    return day + dt.timedelta(days=times * FOUR_YEARS)


def _youngest_shift(controls: Sequence[tuple[dt.date, dt.date]]) -> int:
    """How many four-year steps to move every date so that the controlled women were
    at least YOUNGEST at their control and the youngest nearly so (the hub's prior).
    The youngest percent is left out: a recorded date of birth can be wrong."""
    if not controls:
        return 0
    ages = sorted(_age_at(born, seen) for born, seen in controls)
    return (ages[len(ages) // 100] - YOUNGEST) // 4


def _age_at(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ---------------------------------------------------------------------------------------
# Without a complete line of days: the parts of the date as classes, ordered by whatever
# near tokens there are. This is what a schema that sends fewer near tokens leaves.

SWAP, DAY_YEAR = 1, 4
WINDOW_DAY, WINDOW_MONTH = 0, 1
DAY_WINDOW_WIDTH = 3
DAY_WINDOWS = tuple(frozenset(range(k, min(k + DAY_WINDOW_WIDTH, 32)))
                    for k in range(1, 32, DAY_WINDOW_WIDTH))
MONTH_WINDOWS = tuple(frozenset({m, m + 1}) for m in range(1, 13, 2))
NEAR_SLOTS = {"day": (5, 6), "month": (7, 8), "year": (9, 10)}
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class PartGuess:
    """The hub's reading of one row: the days and months it cannot tell apart, and one
    year (its best guess)."""

    days: frozenset[int]
    months: frozenset[int]
    year: int | None


def without_near(rows: Sequence[HubRow], kept: frozenset[str]) -> list[HubRow]:
    """The rows as a hub would hold them under a schema sending only the `kept` kinds
    of near tokens ("day", "month", "year") and window tokens ("day window", "month
    window"): the others replaced by tokens no date has."""
    out = []
    for index, row in enumerate(rows):
        tokens = list(row.tokens)
        for kind, slots in NEAR_SLOTS.items():
            if kind not in kept:
                for slot in slots:
                    tokens[slot] = absent_token(index, slot)
        windows = tuple(token if kind in kept else absent_token(index, slot)
                        for slot, (kind, token) in enumerate(zip(
                            ("day window", "month window"), row.windows, strict=False)))
        out.append(HubRow(tuple(tokens), row.observed_on, row.subject,
                          windows if any(k in kept for k in ("day window", "month window"))
                          else ()))
    return out


def withheld(rows: Sequence[HubRow], slots: Sequence[int]) -> list[HubRow]:
    """The rows as a hub would hold them under a schema not sending the two-part tokens
    in `slots` (DAY_MONTH, DAY_YEAR): each replaced by a token no other date has."""
    out = []
    for index, row in enumerate(rows):
        tokens = list(row.tokens)
        for slot in slots:
            tokens[slot] = absent_token(index, slot)
        out.append(HubRow(tuple(tokens), row.observed_on, row.subject, row.windows))
    return out


#: Schemas of fewer two-part tokens, measured against a hub knowing some dates of birth.
WITHHELD = (("as shipped", ()), ("without day+month", (DAY_MONTH,)),
            ("without day+month and day+year", (DAY_MONTH, DAY_YEAR)))


def window_tokens(born: dt.date) -> tuple[int, int]:
    """A day window (three days of one month) and a month window (two months, one day)
    as keyed tokens: a stand-in key, since only which tokens are equal matters."""
    messages = (f"dwin:{born.year}-{born.month}-{(born.day - 1) // DAY_WINDOW_WIDTH}",
                f"mwin:{born.year}-{(born.month - 1) // 2}-{born.day}")
    return tuple(int.from_bytes(hashlib.blake2b(m.encode(), key=b"w" * 32,
                                                digest_size=8).digest(), "little")
                 for m in messages)


def _classes(rows: Sequence[HubRow], slots: Sequence[int],
             across_years: bool = False) -> list[int]:
    """Rows sharing a token in any of the slots are one class (e.g. day+month and day+year:
    the same day of the month); a class is named by its first row. `across_years`: rows
    whose date a year away is another row's date are one class too (the same day and
    month, which ties a year's day and month classes to the next year's)."""
    first: dict[tuple[int, int], int] = {}
    links = [(first.setdefault((slot, row.tokens[slot]), index), index)
             for index, row in enumerate(rows) for slot in slots]
    if across_years:  # a link both ways: 29 February's year on is the 28th, not back
        earlier, later = NEAR_SLOTS["year"]
        row_of = {row.tokens[FULL]: index for index, row in enumerate(rows)}
        links += [(index, row_of[row.tokens[later]]) for index, row in enumerate(rows)
                  if row.tokens[later] in row_of
                  and rows[row_of[row.tokens[later]]].tokens[earlier] == row.tokens[FULL]]
    return _named_by_first(components(links, range(len(rows))), len(rows))


def part_classes(rows: Sequence[HubRow]) -> tuple[list[int], list[int], list[int]]:
    """Each row's day, month and year class: rows the hub can tell share that part."""
    return (_classes(rows, (DAY_MONTH, DAY_YEAR), across_years=True),
            _classes(rows, (DAY_MONTH, MONTH_YEAR), across_years=True),
            _classes(rows, (MONTH_YEAR, DAY_YEAR, SWAP)))  # a date and its swap: one year


def _named_by_first(groups: list[list[int]], size: int) -> list[int]:
    named = [0] * size
    for group in groups:
        for member in group:
            named[member] = group[0]
    return named


def _successors(rows: Sequence[HubRow], classes: list[int], slot: int) -> dict[int, set[int]]:
    """class -> the classes of the dates its rows' near token in `slot` names."""
    row_of = {row.tokens[FULL]: index for index, row in enumerate(rows)}
    after: dict[int, set[int]] = defaultdict(set)
    for index, row in enumerate(rows):
        other = row_of.get(row.tokens[slot])
        if other is not None and classes[other] != classes[index]:
            after[classes[index]].add(classes[other])
    return after


def _cycle_labels(successor: dict[int, set[int]], size: int) -> list[int] | None:
    """The classes of one cycle of `size` steps (each with one successor), in order."""
    single = {c: next(iter(s)) for c, s in successor.items() if len(s) == 1}
    if len(single) < size:
        return None
    start = next(iter(single))
    order = [start]
    while len(order) <= size:
        following = single.get(order[-1])
        if following is None:
            return None
        if following == start:
            return order if len(order) == size else None
        order.append(following)
    return None


def read_parts(rows: Sequence[HubRow], birth_years: Sequence[int]) -> list[PartGuess]:
    """Each row's day, month and year as far as the structure of its tokens tells them.
    `birth_years`: the attacker's public prior (years of birth of the population, most
    common first matters only); used where no year order is sent."""
    day_class, month_class, year_class = part_classes(rows)
    # month candidates: a month class holding more distinct days than a month has
    days_in: dict[int, set[int]] = defaultdict(set)
    months_of_day: dict[int, set[int]] = defaultdict(set)
    for index in range(len(rows)):
        days_in[month_class[index]].add(day_class[index])
        months_of_day[day_class[index]].add(month_class[index])
    month_options = {c: frozenset(m + 1 for m in range(12) if MONTH_DAYS[m] + (m == 1) >= len(d))
                     for c, d in days_in.items()}
    if len(days_in) == 12:  # every month seen: the shortest is February, the four of 30 days
        by_length = sorted(days_in, key=lambda c: len(days_in[c]))
        if [len(days_in[c]) for c in by_length[1:5]] == [30] * 4 and len(
                days_in[by_length[5]]) == 31:
            month_options[by_length[0]] = frozenset({2})
            for c in by_length[1:5]:
                month_options[c] = frozenset({4, 6, 9, 11})
            for c in by_length[5:]:
                month_options[c] = frozenset({1, 3, 5, 7, 8, 10, 12})
    _refine_by_windows(rows, month_class, month_options, WINDOW_MONTH, MONTH_WINDOWS)
    month_order = _cycle_labels(_successors(rows, month_class, NEAR_SLOTS["month"][1]), 12)
    if month_order is not None:
        rotations = [r for r in range(12) if all(((k + r) % 12) + 1 in month_options[c]
                                                 for k, c in enumerate(month_order))]
        month_options.update({c: frozenset(((k + r) % 12) + 1 for r in rotations)
                              for k, c in enumerate(month_order)})
    # day candidates: how many months a day class meets (31: seven, 30: eleven)
    day_options = {c: frozenset(d for d in range(1, 32)
                                if sum(MONTH_DAYS[m] + (m == 1) >= d for m in range(12)) >= len(ms))
                   for c, ms in months_of_day.items()}
    swap_partner: dict[int, int] = {}
    for index, row in enumerate(rows):
        swap_partner.setdefault(row.tokens[SWAP], index)
    for index, row in enumerate(rows):
        partner = swap_partner[row.tokens[SWAP]]
        if rows[partner].tokens[FULL] != row.tokens[FULL]:
            c = day_class[index]
            day_options[c] = day_options[c] & month_options[month_class[partner]]
    _refine_by_windows(rows, day_class, day_options, WINDOW_DAY, DAY_WINDOWS)
    day_after = _successors(rows, day_class, NEAR_SLOTS["day"][1])
    ones = [c for c in day_options if sum(c in s for s in day_after.values()) >= 3]
    if len(ones) == 1:  # day 1 follows 28, 29, 30 and 31: walk on from it
        label, current = 1, ones[0]
        day_options[current] = frozenset({1})
        while True:
            following = [c for c in day_after.get(current, ()) if c != ones[0]]
            if len(following) != 1 or label >= 31:
                break
            label, current = label + 1, following[0]
            day_options[current] = frozenset({label})
    years = _year_labels(rows, year_class, birth_years)
    return [PartGuess(day_options[day_class[i]], month_options[month_class[i]],
                      years.get(year_class[i])) for i in range(len(rows))]


def _refine_by_windows(rows: Sequence[HubRow], classes: list[int],
                       options: dict[int, frozenset[int]], which: int,
                       windows: Sequence[frozenset[int]]) -> None:
    """Classes whose rows share a window token lie in one window: each takes only the
    values of the windows all of its group fit, a window held by one group alone is no
    other group's."""
    if not any(row.windows for row in rows):
        return
    first: dict[int, int] = {}
    links = [(first.setdefault(row.windows[which], classes[index]), classes[index])
             for index, row in enumerate(rows)]
    groups = {group[0]: set(group) for group in components(links, set(classes))}
    fits = {g: [w for w in windows if len(members) <= len(w)
                and all(options[c] & w for c in members)] for g, members in groups.items()}
    changed = True
    while changed:
        changed = False
        taken = [ws[0] for ws in fits.values() if len(ws) == 1]
        for g, ws in fits.items():
            kept = [w for w in ws if len(ws) == 1 or w not in taken]
            if len(kept) < len(ws):
                fits[g], changed = kept, True
    for g, members in groups.items():
        allowed = frozenset().union(*fits[g]) if fits[g] else frozenset()
        for c in members:
            options[c] = options[c] & allowed or options[c]


def _year_labels(rows: Sequence[HubRow], year_class: list[int],
                 birth_years: Sequence[int]) -> dict[int, int]:
    """A year per year class: from the year order and the ages where the year+1 tokens
    are sent, else by size (the k-th largest class the k-th commonest year)."""
    after = _successors(rows, year_class, NEAR_SLOTS["year"][1])
    sizes: dict[int, int] = defaultdict(int)
    for c in year_class:
        sizes[c] += 1
    steps: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for c, following in after.items():
        if len(following) == 1:
            (other,) = following
            steps[c].append((other, 1))
            steps[other].append((c, -1))
    start = max(sizes, key=sizes.__getitem__)
    if steps.get(start):
        position, stack = {start: 0}, [start]
        while stack:
            current = stack.pop()
            for other, step in steps[current]:
                if other not in position:
                    position[other] = position[current] + step
                    stack.append(other)
        ages = sorted(rows[i].observed_on.year - position[year_class[i]]
                      for i in range(len(rows)) if rows[i].subject and year_class[i] in position)
        base = ages[len(ages) // 100] - YOUNGEST  # position 0's year: the youngest 1% aside
        return {c: base + p for c, p in position.items()}
    common = [year for year, _ in sorted(
        ((y, birth_years.count(y)) for y in set(birth_years)), key=lambda t: -t[1])]
    ranked = sorted(sizes, key=lambda c: -sizes[c])
    return dict(zip(ranked, common, strict=False))


def part_leak(guesses: Sequence[PartGuess], truth: Sequence[dt.date]) -> tuple[float, float, float]:
    """(exact date guessed right, expected share; year right; month right, expected)."""
    exact = year = month = 0.0
    for guess, born in zip(guesses, truth, strict=True):
        m = 1 / len(guess.months) if born.month in guess.months else 0.0
        d = 1 / len(guess.days) if born.day in guess.days else 0.0
        y = 1.0 if guess.year == born.year else 0.0
        exact += m * d * y
        year += y
        month += m
    n = max(len(truth), 1)
    return exact / n, year / n, month / n


def with_known_dates(rows: Sequence[HubRow], guesses: Sequence[PartGuess],
                     known: dict[int, dt.date]) -> list[PartGuess]:
    """The parts attack's reading once the hub also knows the dates of birth of a few of
    its rows (`known`: row -> date; an RIEC's case file, a newspaper, a colluding
    municipality): each known row names its day class, month class and year class,
    and so every row in those classes."""
    classes = part_classes(rows)
    day_of, month_of, year_of = ({c[i]: getattr(born, part) for i, born in known.items()}
                                 for c, part in zip(classes, ("day", "month", "year"),
                                                    strict=True))
    out = []
    for i, guess in enumerate(guesses):
        day, month, year = (labels.get(c[i]) for labels, c in
                            zip((day_of, month_of, year_of), classes, strict=True))
        out.append(PartGuess(guess.days if day is None else frozenset({day}),
                             guess.months if month is None else frozenset({month}),
                             guess.year if year is None else year))
    return out


def tokens_of_version_6(born: dt.date, key: bytes = b"k" * 32) -> tuple[int, ...]:
    """The date tokens schema version 6 sent, in its order (five parts, then the full
    tokens of the six dates one day, month or year away), under a stand-in key: which
    tokens are equal is all the attacks read."""
    iso = born.isoformat()
    y, m, d = iso[:4], iso[5:7], iso[8:]
    low, high = sorted((m, d))
    one = dt.timedelta(days=1)
    around = (born - one, born + one, _shift_months(born, -1), _shift_months(born, 1),
              _shift_months(born, -12), _shift_months(born, 12))
    messages = [f"full:{iso}", f"swap:{y}-{low}-{high}", f"day_month:{m}-{d}",
                f"month_year:{y}-{m}", f"day_year:{y}--{d}"]
    messages += [f"full:{near.isoformat()}" for near in around]
    return tuple(int.from_bytes(hashlib.blake2b(message.encode(), key=key,
                                                digest_size=8).digest(), "little")
                 for message in messages)


def as_shipped(encoded: Sequence[int], row: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shipped encoder's date tokens (schema version 7: five parts, the dates a year
    away, the day window) in the attacks' layout: (tokens, windows)."""
    tokens = (*encoded[:5], *(absent_token(row, slot) for slot in (5, 6, 7, 8)),
              *encoded[5:7])
    return tokens, (encoded[7], absent_token(row, 12))


def carousel_rows(persons: int, seed: int) -> list[ParsedSighting]:
    """The carousel's rows of three towns as a node reads them (a row it refuses left
    out): what the attacks of the benchmarks on the hub's tokens and buckets encode."""
    parsed = []
    for line, item in enumerate(iter_rows(persons, ["GM0363", "GM0599", "GM0344"], seed,
                                          start=dt.date(2024, 6, 1), days=900,
                                          person_rates=LISTED_ERRORS_ONLY), start=2):
        try:
            parsed.append(parse_row(line, item.row, dt.date(2026, 11, 23)))
        except RowError:
            continue
    return parsed


def hub_rows(persons: int, seed: int) -> tuple[list[HubRow], list[HubRow], list[dt.date]]:
    """The benchmark's carousel sightings as the hub receives them (dated subjects and
    companions): under schema version 6 (with window tokens beside, for the variants),
    as the shipped encoder makes them, and the date each encodes (the truth, kept
    apart)."""
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x11" * 32, 1))
    parsed = carousel_rows(persons, seed)
    older, shipped, truth = [], [], []
    for sighting, message in zip(parsed, encode_sightings(parsed, encoder), strict=True):
        identities = [(sighting.subject, message.subject, True)]
        if sighting.companion is not None:
            identities.append((sighting.companion, message.companions[0], False))
        for identity, encoded, subject in identities:
            born = identity.date_of_birth
            if born is None:
                continue
            older.append(HubRow(tokens_of_version_6(born), sighting.observed_on, subject,
                                window_tokens(born)))
            tokens, windows = as_shipped(tuple(encoded.dob_tokens), len(shipped))
            shipped.append(HubRow(tokens, sighting.observed_on, subject, windows))
            truth.append(born)
    return older, shipped, truth


VARIANTS = (("day, month, year (schema version 6)", frozenset({"day", "month", "year"})),
            ("month, year", frozenset({"month", "year"})),
            ("year", frozenset({"year"})),
            ("year + day window", frozenset({"year", "day window"})),
            ("year + day and month windows", frozenset({"year", "day window", "month window"})),
            ("none", frozenset()))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.dob_lattice")
    parser.add_argument("--persons", default="1000,3000,10000",
                        help="women per sample, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--known", default="0,10,30,100,300",
                        help="dates of birth the hub knows besides (known-plaintext rows)")
    options = parser.parse_args()
    print("Dates of birth the hub reads from the date tokens (dated subjects and companions).")
    print("lattice: the line-of-days attack; parts: day, month and year classes, ordered by the")
    print("near tokens sent (expected share guessed right where a part is left ambiguous).\n")
    print("| women | dated identities | date tokens | lattice: date exact | parts: date "
          "exact | year right | month right |")
    print("|---|---|---|---|---|---|---|")
    known_rows = []
    for persons in (int(p) for p in options.persons.split(",")):
        older, shipped, truth = hub_rows(persons, options.seed)
        # public statistics: the years of birth of another sample of the population
        prior = [born.year for born in hub_rows(persons, options.seed + 1000)[2]]
        held = [(label, without_near(older, kept)) for label, kept in VARIANTS]
        for label, rows in [*held, ("as shipped (schema version 7, the shipped encoder)",
                                    shipped)]:
            decoded = decode(rows)
            lattice = sum(d == t for d, t in zip(decoded, truth, strict=True)) / len(rows)
            exact, year, month = part_leak(read_parts(rows, prior), truth)
            print(f"| {persons:,} | {len(rows):,} | {label} | {lattice:.1%} | {exact:.1%} "
                  f"| {year:.1%} | {month:.1%} |")
        known_rows.append((persons, shipped, truth, prior))
    print("\nThe same, the hub knowing besides the dates of birth of a few dated women "
          "(shares of the other dated identities; the shipped tokens, and the shipped "
          "tokens but some two-part ones):\n")
    print("| women | date tokens | dates known | date exact | year right | month right |")
    print("|---|---|---|---|---|---|")
    for persons, shipped, truth, prior in known_rows:
        subjects = [i for i, row in enumerate(shipped) if row.subject]
        for label, slots in WITHHELD:
            rows = withheld(shipped, slots)
            guesses = read_parts(rows, prior)
            for count in (int(k) for k in options.known.split(",") if k):
                known = {i: truth[i] for i in random.Random(count).sample(subjects, count)}
                others = [i for i in range(len(rows)) if i not in known]
                read = with_known_dates(rows, guesses, known)
                exact, year, month = part_leak([read[i] for i in others],
                                               [truth[i] for i in others])
                print(f"| {persons:,} | {label} | {count} | {exact:.1%} | {year:.1%} "
                      f"| {month:.1%} |")

if __name__ == "__main__":
    main()

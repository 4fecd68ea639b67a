"""Labelled synthetic "carousel" sightings for the demo, the tests and the benchmark.

Why: real control records may not leave a municipality (that is the whole
point of zichtlijn), so linkage quality can only be measured on synthetic
data that carries the truth.  The generator models what the public reports
describe: women moved from town to town every few weeks, mostly controlled
once or twice and sometimes five or more times; small networks of two to six
women under one man who shares a phone, a car or an address between them;
many independent women; and the recording errors of DESIGN §6 (see
:mod:`zichtlijn.synth.errors`).  It deliberately builds in hard negatives
(sisters, twins, namesakes, very common names, a passport lent within a
network) so precision is tested where it matters.

Rows have exactly the node CSV columns of DESIGN §10.  Generation is
deterministic for a seed and streams: sightings are rendered in date order
from a heap of (date, person) entries, so memory grows with the number of
persons rather than rows (about 0.4 GB and one minute for a million rows),
and case numbers increase with the date as in a real case system.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from random import Random
from typing import TextIO

from zichtlijn.synth.errors import ErrorModel, ErrorStats, IdentityView
from zichtlijn.synth.names import (
    DEFAULT_GEMEENTEN,
    POPULATION_MIX,
    POPULATIONS,
    WORKING_NAMES,
    Name,
    Nationality,
    Pool,
    Population,
    random_advert_id,
    random_document,
    random_house_number,
    random_phone,
    random_plate,
    random_postcode,
)

#: Node CSV columns, in order (DESIGN §10).
CSV_COLUMNS: tuple[str, ...] = (
    "case_ref", "observed_on", "setting", "licensed", "signals",
    "given_names", "surname", "date_of_birth", "sex", "nationality", "place_of_birth",
    "document_number", "phone", "vehicle_plate", "address_postcode", "address_number",
    "advert_id", "companion_given_names", "companion_surname", "companion_date_of_birth",
)  # fmt: skip

#: Signal codes -> (Dutch, English) description.  Weights live in the alert configuration.
SIGNAL_CODES: dict[str, tuple[str, str]] = {
    "unlicensed": ("werkt zonder vergunning", "works without a licence"),
    "not_from_nl": ("komt niet uit Nederland", "not from the Netherlands"),
    "controller_present": ("controlerende persoon aanwezig", "controlling person present"),
    "no_id_access": ("geen toegang tot eigen identiteitsbewijs", "no access to own ID document"),
    "transport_dependent": (
        "afhankelijk van anderen voor vervoer",
        "depends on others for transport",
    ),
    "appears_controlled": ("lijkt onder controle te staan", "appears to be under control"),
    "unknown_address": ("kent eigen (verblijf)adres niet", "does not know own address"),
    "no_language": ("spreekt geen Nederlands of Engels", "speaks no Dutch or English"),
    "many_clients": ("moet veel klanten ontvangen", "has to see many clients"),
    "injuries": ("zichtbaar letsel", "visible injuries"),
    "scripted_story": ("ingestudeerd verhaal", "rehearsed, scripted story"),
}  # fmt: skip

_SIGNAL_ORDER = {code: i for i, code in enumerate(SIGNAL_CODES)}

SETTINGS: tuple[str, ...] = ("woning", "hotel", "raam", "club", "escort", "straat", "online")

#: Hard-negative kinds in :attr:`SyntheticData.kinds` (different persons that look alike).
HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "sisters", "twins", "namesakes", "common_name", "shared_document",
)  # fmt: skip
#: Hard-positive kinds (one person that looks like several).
HARD_POSITIVE_KINDS: tuple[str, ...] = (
    "married_name", "alias", "second_dob", "cyrillic_document",
)  # fmt: skip

# --------------------------------------------------------------------------
# Behavioural parameters (not recording errors; those are in errors.py)
# --------------------------------------------------------------------------

#: Sightings per person: many once or twice, some five or more times.
SIGHTINGS_INDEPENDENT = {1: 30, 2: 22, 3: 14, 4: 10, 5: 9, 6: 7, 7: 5, 8: 3}
SIGHTINGS_NETWORK = {1: 10, 2: 15, 3: 16, 4: 15, 5: 14, 6: 12, 7: 10, 8: 8}

#: Group draws: a network of 2-6 women, or one of the hard-negative constellations.
GROUP_RATES = {
    "network": 0.12,
    "sisters": 0.025,
    "twins": 0.005,
    "namesakes": 0.015,
    "common_name": 0.004,
}
NETWORK_SIZES = {2: 30, 3: 30, 4: 20, 5: 12, 6: 8}
NETWORK_POPULATION_MIX = {"RO": 0.36, "BG": 0.17, "HU": 0.15, "NG": 0.19, "MD": 0.07, "NL": 0.06}

#: Person rates for data limited to the recording errors and look-alikes that
#: DESIGN §6 lists: no working names and no second (false) dates of birth.
LISTED_ERRORS_ONLY: dict[str, float] = {"alias": 0.0, "second_dob": 0.0}

PERSON_RATES = {
    "married": 0.08,  # married name appears (half marry within the window)
    "married_double": 0.3,  # of those: double-barrelled surname instead of the husband's
    "alias": 0.08,  # has a working name she sometimes gives (NG doubled)
    "second_dob": 0.04,  # a second date of birth from a false document (NG x4)
    "second_dob_used": 0.4,  # share of her sightings recorded with it
    "two_documents": 0.35,
    "carousel_independent": 0.45,  # independent women who move between towns
    "independent_companion": 0.04,  # a boyfriend sometimes recorded with her
    "dual_romanian": 0.45,  # Moldovans holding a Romanian passport too
    "sisters_in_network": 0.12,
    "shared_document": 0.03,  # networks where a passport is lent to a look-alike
    "network_driver": 0.25,  # networks with a second man who drives
}

SETTING_WEIGHTS = {
    "network": {"woning": 28, "hotel": 20, "raam": 18, "club": 10, "escort": 12, "online": 7,
                "straat": 5},
    "independent": {"woning": 20, "hotel": 8, "raam": 32, "club": 14, "escort": 12, "online": 8,
                    "straat": 6},
}  # fmt: skip
LICENSED_P = {"raam": 0.95, "club": 0.9, "escort": 0.6, "woning": 0.35, "hotel": 0.08,
              "online": 0.2, "straat": 0.3}  # fmt: skip

#: Per sighting presence of linked entities: (network, independent).
PRESENCE = {
    "document": (0.38, 0.62),
    "phone": (0.55, 0.40),
    "plate": (0.22, 0.25),  # independent: only when she has a car
    "address": (0.35, 0.25),
    "venue_address": (0.5, 0.5),  # raam/club: the venue's address
    "advert": (0.6, 0.6),  # online/escort/hotel/woning; 0.1 in other settings
    "companion": (0.3, 0.3),  # network: controller or driver; independent: boyfriend
    "companion_dob": (0.6, 0.6),
}

#: Signal probabilities per sighting: (independent, network before the person's visibility).
SIGNAL_P = {
    "controller_present": (0.01, 0.12),
    "no_id_access": (0.02, 0.25),
    "transport_dependent": (0.04, 0.30),
    "appears_controlled": (0.02, 0.30),
    "unknown_address": (0.05, 0.30),
    "many_clients": (0.06, 0.25),
    "injuries": (0.005, 0.05),
    "scripted_story": (0.02, 0.30),
}


def _pool(weights: dict) -> Pool:
    return Pool(list(weights), list(weights.values()))


# --------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------


@dataclass
class _Man:
    """A controller, driver or boyfriend: recorded as a companion."""

    view: IdentityView
    dob: date
    key: str | None = None  # "M<n>", given when first recorded


@dataclass
class _Network:
    key: str
    population: str
    controller: _Man
    driver: _Man | None
    phones: list[str]
    plates: list[str]
    addresses: list[tuple[str, str]]
    advert: str
    circuit: list[str]


@dataclass(slots=True)
class _Person:
    key: str
    population: Population
    given: tuple[Name, ...]
    surname: Name
    dob: date
    place: Name
    nationalities: list[Nationality]
    cyrillic_docs: bool
    documents: list[str] = field(default_factory=list)
    alias: Name | None = None
    second_dob: date | None = None
    married: Name | None = None
    married_from: date | None = None  # None with married set: both names in use throughout
    phones: list[str] = field(default_factory=list)
    adverts: list[str] = field(default_factory=list)
    plate: str | None = None
    boyfriend: _Man | None = None
    network: _Network | None = None
    visibility: float = 1.0
    local_addresses: dict[str, tuple[str, str]] = field(default_factory=dict)
    views: dict[bool, IdentityView] = field(default_factory=dict)

    def view(self, married: bool) -> IdentityView:
        """Cached identity view with maiden or married surname."""
        v = self.views.get(married)
        if v is None:
            v = IdentityView(
                given=self.given,
                surname=self.married if married and self.married else self.surname,
                population=self.population.code,
                cyrillic_system=self.population.cyrillic_system if self.cyrillic_docs else None,
                alias=self.alias,
                second_pool=self.population.second_given,
                surname_first=self.population.surname_first,
            )
            self.views[married] = v
        return v


@dataclass(slots=True)
class _Plan:
    kind: str
    offsets: list[list[int]]  # per member, day offsets from the group start
    start: int = 0
    movers: list[bool] = field(default_factory=list)
    together: bool = False  # members travel together: same towns on the same days


@dataclass(frozen=True)
class GeneratedRow:
    """One sighting as streamed by :func:`iter_rows`, with its truth."""

    gemeente: str
    row: dict[str, str]
    person_key: str
    network_key: str | None
    companion_key: str | None = None  # the man recorded as companion, if any


@dataclass
class SyntheticData:
    """Generated sightings per municipality plus the ground truth for evaluation.

    ``kinds`` maps a kind ("sisters", "twins", "namesakes", "common_name",
    "shared_document" are hard negatives; "married_name", "alias",
    "second_dob", "cyrillic_document" are hard positives) to tuples of person
    keys.  ``profile_of`` says whether a person is in a "network", an
    independent "carousel" mover or "local".  ``identities`` holds each
    person's canonical identity (for analysing normalisation, never for
    linking).  ``venues`` are raam/club addresses shared by unrelated women:
    address evidence there is not a network.
    """

    rows_by_gemeente: dict[str, list[dict[str, str]]]
    truth: dict[tuple[str, str], str]
    network_of: dict[str, str | None]
    kinds: dict[str, list[tuple[str, ...]]]
    profile_of: dict[str, str]
    population_of: dict[str, str]
    identities: dict[str, dict[str, str]]
    error_stats: ErrorStats
    venues: set[tuple[str, str]]
    seed: int
    start: date
    days: int
    # (gemeente, case_ref) -> the man recorded as the sighting's companion, if any
    companion_truth: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Total number of sightings."""
        return sum(len(rows) for rows in self.rows_by_gemeente.values())

    def rows(self) -> Iterator[tuple[str, dict[str, str]]]:
        """All (gemeente, row) pairs, municipality by municipality."""
        for g, rows in self.rows_by_gemeente.items():
            for row in rows:
                yield g, row

    def sightings_of(self, person_key: str) -> list[tuple[str, str]]:
        """(gemeente, case_ref) of every sighting of one person."""
        return [k for k, v in self.truth.items() if v == person_key]


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------


class CarouselGenerator:
    """Streams labelled sightings in date order; the truth fills as rows are produced.

    Iterate once.  After exhaustion ``network_of``, ``kinds``, ``profile_of``,
    ``population_of``, ``identities`` and ``error_stats`` are complete.
    """

    def __init__(
        self,
        n_persons: int,
        gemeenten: Sequence[str],
        seed: int,
        *,
        start: date,
        days: int = 365,
        error_rate: float = 1.0,
        rates: dict[str, float] | None = None,
        keep_identities: bool = True,
        person_rates: dict[str, float] | None = None,
    ) -> None:
        unknown = set(person_rates or {}) - set(PERSON_RATES)
        if unknown:
            raise ValueError(f"unknown person rate(s): {', '.join(sorted(unknown))}")
        self.person_rates = {**PERSON_RATES, **(person_rates or {})}
        if n_persons < 0:
            raise ValueError("n_persons must be >= 0")
        if not gemeenten:
            raise ValueError("at least one gemeente is required")
        if len(set(gemeenten)) != len(gemeenten):
            raise ValueError("gemeenten must be unique")
        if days < 1:
            raise ValueError("days must be >= 1")
        if error_rate < 0:
            raise ValueError("error_rate must be >= 0")
        self.n_persons = n_persons
        self.gemeenten = list(gemeenten)
        self.seed = seed
        self.start = start
        self.days = days
        self.error_rate = error_rate
        self.keep_identities = keep_identities
        self.rng = Random(seed)
        self.error_stats = ErrorStats()
        self.em = ErrorModel(self.rng, error_rate, rates, self.error_stats)
        self.network_of: dict[str, str | None] = {}
        self.kinds: dict[str, list[tuple[str, ...]]] = {
            k: [] for k in (*HARD_NEGATIVE_KINDS, *HARD_POSITIVE_KINDS)
        }
        self.profile_of: dict[str, str] = {}
        self.population_of: dict[str, str] = {}
        self.identities: dict[str, dict[str, str]] = {}
        self._used = False
        self._n_person = 0
        self._n_network = 0
        self._seq = 0
        self._case_seq: dict[tuple[str, int], int] = {}
        self._men_recorded = 0
        self._pop_pool = _pool(POPULATION_MIX)
        self._net_pop_pool = _pool(NETWORK_POPULATION_MIX)
        self._count_ind = _pool(SIGHTINGS_INDEPENDENT)
        self._count_net = _pool(SIGHTINGS_NETWORK)
        self._net_size = _pool(NETWORK_SIZES)
        self._settings = {k: _pool(v) for k, v in SETTING_WEIGHTS.items()}
        self.venues: dict[str, list[tuple[str, str]]] = {
            g: [
                (random_postcode(self.rng, g), random_house_number(self.rng))
                for _ in range(self.rng.randint(2, 5))
            ]
            for g in self.gemeenten
        }

    # ---- planning --------------------------------------------------------

    def _schedule(self, network: bool, mover: bool) -> list[int]:
        rng = self.rng
        n = (self._count_net if network else self._count_ind).pick(rng)
        offsets = [0]
        for _ in range(n - 1):
            if network:
                gap = rng.randint(8, 42)  # a new town every few weeks
            elif mover:
                gap = rng.randint(10, 60)
            else:
                gap = rng.randint(5, 75)
            if rng.random() < 0.08:
                gap += rng.randint(40, 150)  # a break: back home, hospital, another country
            offsets.append(offsets[-1] + gap)
        return offsets

    def _plan(self) -> list[_Plan]:
        rng = self.rng
        plans: list[_Plan] = []
        remaining = self.n_persons
        kinds = list(GROUP_RATES)
        while remaining > 0:
            r = rng.random()
            kind = "single"
            acc = 0.0
            for k in kinds:
                acc += GROUP_RATES[k]
                if r < acc:
                    kind = k
                    break
            if kind == "network":
                size = self._net_size.pick(rng)
            elif kind == "common_name":
                size = rng.randint(3, 5)
            elif kind == "single":
                size = 1
            else:
                size = 2
            size = min(size, remaining)
            if size < 2 and kind != "single":
                kind = "single"
            remaining -= size
            plan = _Plan(kind, [])
            if kind == "network":
                for _ in range(size):
                    stagger = rng.randint(0, 28)
                    plan.offsets.append([stagger + o for o in self._schedule(True, True)])
                    plan.movers.append(True)
            elif kind in ("sisters", "twins") and rng.random() < 0.5:
                # Travelling together: same towns on the same days.
                mover = rng.random() < 0.6
                offs = self._schedule(False, mover)
                plan.offsets = [offs, list(offs)]
                plan.movers = [mover, mover]
                plan.together = True
            else:
                for _ in range(size):
                    mover = rng.random() < self.person_rates["carousel_independent"]
                    plan.offsets.append(self._schedule(False, mover))
                    plan.movers.append(mover)
            span = max(max(o) for o in plan.offsets)
            if span > self.days - 1:
                # Too long for the window: squeeze to a random share of it, so that
                # long careers do not all start on day 0 and end on the last day.
                target = int((self.days - 1) * rng.uniform(0.5, 1.0))
                f = target / span
                plan.offsets = [[int(x * f) for x in o] for o in plan.offsets]
                span = max(max(o) for o in plan.offsets)
            plan.start = rng.randint(0, self.days - 1 - span)
            plans.append(plan)
        plans.sort(key=lambda p: p.start)
        return plans

    # ---- persons ---------------------------------------------------------

    def _dob(self, at_least: int = 18) -> date:
        rng = self.rng
        age = at_least + min(int(rng.expovariate(1 / 6.0)), 45 - at_least)
        return self.start - timedelta(days=age * 365 + rng.randint(0, 364))

    def _given(self, pop: Population) -> tuple[Name, ...]:
        rng = self.rng
        first = pop.female_given.pick(rng)
        if pop.second_given is not None and rng.random() < pop.double_given_rate:
            second = pop.second_given.pick(rng)
            if second.latin != first.latin:
                return (first, second)
        return (first,)

    def _man(self, pop: Population) -> _Man:
        rng = self.rng
        given: tuple[Name, ...] = (pop.male_given.pick(rng),)
        if pop.code == "RO" and rng.random() < 0.15:
            second = pop.male_given.pick(rng)
            if second != given[0]:
                given = (given[0], second)
        cyr = pop.cyrillic_system if rng.random() < pop.cyrillic_document_rate else None
        view = IdentityView(given, pop.male_surnames.pick(rng), pop.code, cyr)
        dob = self.start - timedelta(days=rng.randint(22 * 365, 50 * 365))
        return _Man(view, dob)

    def _married_name(self, pop: Population, maiden: Name) -> Name:
        rng = self.rng
        husband = pop.female_surnames.pick(rng)
        while husband == maiden:
            husband = pop.female_surnames.pick(rng)
        if rng.random() >= self.person_rates["married_double"]:
            return husband
        cyr = None
        if maiden.cyrillic and husband.cyrillic:
            cyr = f"{maiden.cyrillic}-{husband.cyrillic}"
        if pop.code == "HU":
            return Name(f"{husband.latin}né {maiden.latin}")
        if pop.code == "NL":
            return Name(f"{husband.latin}-{maiden.latin}")
        return Name(f"{maiden.latin}-{husband.latin}", cyr)

    def _new_person(
        self,
        pop: Population,
        *,
        given: tuple[Name, ...] | None = None,
        surname: Name | None = None,
        dob: date | None = None,
        place: Name | None = None,
        like: _Person | None = None,
    ) -> _Person:
        """A new woman; ``like`` is a sister whose documents and citizenship she shares."""
        rng = self.rng
        self._n_person += 1
        key = f"P{self._n_person:07d}"
        nats = [pop.nationality]
        if like is not None:
            nats = list(like.nationalities)
        elif pop.code == "MD" and rng.random() < self.person_rates["dual_romanian"]:
            nats.append(POPULATIONS["RO"].nationality)
        cyrillic_docs = (
            like.cyrillic_docs if like is not None else rng.random() < pop.cyrillic_document_rate
        )
        p = _Person(
            key=key,
            population=pop,
            given=given if given is not None else self._given(pop),
            surname=surname if surname is not None else pop.female_surnames.pick(rng),
            dob=dob if dob is not None else self._dob(),
            place=place if place is not None else pop.places.pick(rng),
            nationalities=nats,
            cyrillic_docs=cyrillic_docs,
        )
        p.documents.append(random_document(rng, pop.code, "passport"))
        if rng.random() < self.person_rates["two_documents"]:
            p.documents.append(random_document(rng, pop.code, "id"))
        alias_rate = self.person_rates["alias"] * (2 if pop.code == "NG" else 1)
        if rng.random() < alias_rate:
            p.alias = WORKING_NAMES.pick(rng)
            self.kinds["alias"].append((key,))
        dob2_rate = self.person_rates["second_dob"] * (4 if pop.code == "NG" else 1)
        if rng.random() < dob2_rate:
            shift = rng.choice((-4, -3, -2, -1, 1, 2, 3))
            d2 = (
                p.dob.replace(year=p.dob.year + shift)
                if not (p.dob.month == 2 and p.dob.day == 29)
                else p.dob + timedelta(days=365 * shift)
            )
            if rng.random() < 0.5:
                d2 = d2 + timedelta(days=rng.randint(-120, 120))
            p.second_dob = d2
            self.kinds["second_dob"].append((key,))
        if rng.random() < self.person_rates["married"]:
            p.married = self._married_name(pop, p.surname)
            self.kinds["married_name"].append((key,))
        if p.cyrillic_docs:
            self.kinds["cyrillic_document"].append((key,))
        home = pop.phone_country if pop.phone_country in ("RO", "BG", "HU", "MD") else "NL"
        for _ in range(1 if rng.random() < 0.7 else 2):
            p.phones.append(random_phone(rng, "NL" if rng.random() < 0.65 else home))
        for _ in range(1 if rng.random() < 0.6 else 2):
            p.adverts.append(random_advert_id(rng))
        if rng.random() < 0.15:
            p.plate = random_plate(rng, home if rng.random() < 0.5 else "NL")
        if rng.random() < self.person_rates["independent_companion"]:
            p.boyfriend = self._man(pop)
        p.visibility = rng.uniform(0.3, 1.5)
        self.population_of[key] = pop.code
        if self.keep_identities:
            self.identities[key] = {
                "given_names": " ".join(n.latin for n in p.given),
                "surname": p.surname.latin,
                "date_of_birth": p.dob.isoformat(),
                "place_of_birth": p.place.latin,
                "population": pop.code,
            }
        return p

    def _sister(self, pop: Population, of: _Person, *, twin: bool) -> _Person:
        rng = self.rng
        given = self._given(pop)
        while given[0].latin == of.given[0].latin:
            given = self._given(pop)
        if twin:
            dob = of.dob
        else:
            years = rng.randint(1, 6) * rng.choice((-1, 1))
            dob = of.dob + timedelta(days=365 * years + rng.randint(-150, 150))
        return self._new_person(
            pop, given=given, surname=of.surname, dob=dob, place=of.place, like=of
        )

    def _new_network(self, pop: Population) -> _Network:
        rng = self.rng
        self._n_network += 1
        home = pop.phone_country if pop.phone_country in ("RO", "BG", "HU", "MD") else "NL"
        n_circ = min(len(self.gemeenten), rng.randint(3, 8))
        circuit = rng.sample(self.gemeenten, n_circ)
        phones = [
            random_phone(rng, "NL" if rng.random() < 0.75 else pop.phone_country)
            for _ in range(rng.randint(1, 3))
        ]
        plates = [
            random_plate(rng, home if rng.random() < 0.5 else "NL")
            for _ in range(rng.randint(1, 2))
        ]
        addresses = [
            (random_postcode(rng, g), random_house_number(rng))
            for g in rng.sample(circuit, min(len(circuit), rng.randint(1, 2)))
        ]
        driver = self._man(pop) if rng.random() < self.person_rates["network_driver"] else None
        return _Network(
            key=f"N{self._n_network:06d}",
            population=pop.code,
            controller=self._man(pop),
            driver=driver,
            phones=phones,
            plates=plates,
            addresses=addresses,
            advert=random_advert_id(rng),
            circuit=circuit,
        )

    def _members(self, plan: _Plan) -> list[_Person]:
        rng = self.rng
        n = len(plan.offsets)
        if plan.kind == "network":
            npop = POPULATIONS[self._net_pop_pool.pick(rng)]
            net = self._new_network(npop)
            members: list[_Person] = []
            for i in range(n):
                pop = npop
                if rng.random() < 0.15:
                    pop = POPULATIONS["MD" if npop.code == "RO" else self._pop_pool.pick(rng)]
                if (
                    i == 1
                    and members[0].population is pop
                    and rng.random() < self.person_rates["sisters_in_network"]
                ):
                    p = self._sister(pop, members[0], twin=False)
                    self.kinds["sisters"].append((members[0].key, p.key))
                else:
                    p = self._new_person(pop)
                p.network = net
                p.boyfriend = None
                members.append(p)
            if n >= 2 and rng.random() < self.person_rates["shared_document"]:
                a, b = members[0], members[1]
                b.documents = [a.documents[0], *b.documents]
                self.kinds["shared_document"].append((a.key, b.key))
            return members
        pop = POPULATIONS[self._pop_pool.pick(rng)]
        if plan.kind == "common_name":
            # The most frequent given name with one of the two most frequent surnames.
            given = (pop.female_given.items[0],)
            surname = pop.female_surnames.items[rng.randint(0, 1)]
            group: list[_Person] = []
            dobs: set[date] = set()
            for _ in range(n):
                dob = self._dob()
                while dob in dobs:
                    dob = self._dob()
                dobs.add(dob)
                group.append(self._new_person(pop, given=given, surname=surname, dob=dob))
            self.kinds["common_name"].append(tuple(p.key for p in group))
            return group
        first = self._new_person(pop)
        if plan.kind == "single":
            return [first]
        if plan.kind in ("sisters", "twins"):
            other = self._sister(pop, first, twin=plan.kind == "twins")
            self.kinds[plan.kind].append((first.key, other.key))
            return [first, other]
        if plan.kind == "namesakes":
            dob = self._dob()
            while abs((dob - first.dob).days) < 30:
                dob = self._dob()
            other = self._new_person(pop, given=first.given, surname=first.surname, dob=dob)
            self.kinds["namesakes"].append((first.key, other.key))
            return [first, other]
        raise AssertionError(f"unknown plan kind {plan.kind}")

    # ---- sightings -------------------------------------------------------

    def _towns(self, p: _Person, n: int, mover: bool, together: list[str] | None) -> list[str]:
        rng = self.rng
        if together is not None:
            return together
        gs = self.gemeenten
        if p.network is not None:
            circ = p.network.circuit
            i = rng.randrange(len(circ))
            towns = [circ[i]]
            for _ in range(n - 1):
                r = rng.random()
                if r < 0.1 and len(gs) > 1:
                    towns.append(rng.choice([g for g in gs if g != towns[-1]]))
                    continue
                if r < 0.2 and len(towns) > 1:
                    towns.append(towns[-1])  # controlled twice in the same town
                    continue
                i = (i + 1) % len(circ)
                if circ[i] == towns[-1] and len(gs) > 1:
                    towns.append(rng.choice([g for g in gs if g != towns[-1]]))
                else:
                    towns.append(circ[i])
            return towns
        home = rng.choice(gs)
        towns = [home]
        for _ in range(n - 1):
            if mover and len(gs) > 1 and (len(towns) == 1 or rng.random() < 0.85):
                nxt = rng.choice(gs)
                while nxt == towns[-1]:
                    nxt = rng.choice(gs)
                towns.append(nxt)
            elif not mover and len(gs) > 1 and rng.random() < 0.1:
                towns.append(rng.choice(gs))
            else:
                towns.append(towns[-1] if mover else home)
        return towns

    def _companion(self, man: _Man) -> tuple[str, str, str]:
        em = self.em
        style = em.choose_style(man.view)
        given, surname = em.record_name(man.view, style)
        dob = em.record_dob(man.dob) if self.rng.random() < PRESENCE["companion_dob"][0] else ""
        return given, surname, dob

    def _row(self, p: _Person, day: int, gemeente: str) -> tuple[dict[str, str], _Man | None]:
        rng = self.rng
        em = self.em
        net = p.network
        ni = 0 if net is not None else 1
        on = self.start + timedelta(days=day)
        setting = self._settings["network" if net is not None else "independent"].pick(rng)
        licensed = rng.random() < LICENSED_P[setting] * (0.75 if net is not None else 1.0)

        married = False
        if p.married is not None:
            if p.married_from is not None:
                married = on >= p.married_from and rng.random() < 0.8
            else:
                married = rng.random() < 0.5
        view = p.view(married)
        style = em.choose_style(view)
        given, surname = em.record_name(view, style)
        dob = p.dob
        if p.second_dob is not None and rng.random() < self.person_rates["second_dob_used"]:
            dob = p.second_dob
        nat = p.nationalities[0] if len(p.nationalities) == 1 else rng.choice(p.nationalities)

        document = ""
        if rng.random() < PRESENCE["document"][ni]:
            document = em.record_document(
                p.documents[0] if len(p.documents) == 1 else rng.choice(p.documents)
            )
        phone = ""
        if rng.random() < PRESENCE["phone"][ni]:
            if net is not None and rng.random() < 0.85:
                phone = rng.choice(net.phones)
            else:
                phone = rng.choice(p.phones)
            phone = em.record_phone(phone)
        plate = ""
        if net is not None:
            if rng.random() < PRESENCE["plate"][0]:
                plate = em.record_plate(rng.choice(net.plates))
        elif p.plate is not None and rng.random() < PRESENCE["plate"][1]:
            plate = em.record_plate(p.plate)
        postcode = number = ""
        if setting in ("raam", "club") and rng.random() < PRESENCE["venue_address"][ni]:
            postcode, number = rng.choice(self.venues[gemeente])
        elif rng.random() < PRESENCE["address"][ni]:
            if net is not None and rng.random() < 0.8:
                postcode, number = rng.choice(net.addresses)
            else:
                addr = p.local_addresses.get(gemeente)
                if addr is None:
                    addr = (random_postcode(rng, gemeente), random_house_number(rng))
                    p.local_addresses[gemeente] = addr
                postcode, number = addr
        if postcode:
            postcode = em.record_postcode(postcode)
            number = em.record_house_number(number)
        advert = ""
        p_adv = (
            PRESENCE["advert"][ni] if setting in ("online", "escort", "hotel", "woning") else 0.1
        )
        if rng.random() < p_adv:
            if net is not None and rng.random() < 0.15:
                advert = net.advert
            else:
                advert = p.adverts[0] if len(p.adverts) == 1 else rng.choice(p.adverts)

        comp = ("", "", "")
        man = None
        if net is not None:
            if rng.random() < PRESENCE["companion"][0]:
                man = (
                    net.driver
                    if net.driver is not None and rng.random() < 0.3
                    else (net.controller)
                )
        elif p.boyfriend is not None and rng.random() < PRESENCE["companion"][1]:
            man = p.boyfriend
        if man is not None:
            comp = self._companion(man)

        signals = self._signals(p, licensed, man is not None)
        return {
            "case_ref": "",
            "observed_on": on.isoformat(),
            "setting": setting,
            "licensed": "true" if licensed else "false",
            "signals": ";".join(signals),
            "given_names": given,
            "surname": surname,
            "date_of_birth": em.record_dob(dob),
            "sex": em.record_sex(),
            "nationality": em.record_nationality(nat.iso3, nat.dutch, nat.english),
            "place_of_birth": em.record_place(p.place, style),
            "document_number": document,
            "phone": phone,
            "vehicle_plate": plate,
            "address_postcode": postcode,
            "address_number": number,
            "advert_id": advert,
            "companion_given_names": comp[0],
            "companion_surname": comp[1],
            "companion_date_of_birth": comp[2],
        }, man

    def _signals(self, p: _Person, licensed: bool, companion: bool) -> list[str]:
        rng = self.rng
        out: list[str] = []
        if not licensed and rng.random() < 0.95:
            out.append("unlicensed")
        foreign = p.population.code != "NL"
        if foreign and rng.random() < 0.9:
            out.append("not_from_nl")
        net = p.network is not None
        vis = p.visibility if net else 1.0
        for code, (p_ind, p_net) in SIGNAL_P.items():
            prob = p_net * vis if net else p_ind
            if code == "controller_present" and companion:
                prob = 0.8 if net else 0.1
            if rng.random() < prob:
                out.append(code)
        if foreign:
            lang = 0.08 if p.population.code == "NG" else 0.25
            if rng.random() < lang + (0.2 * vis if net else 0.0):
                out.append("no_language")
        out.sort(key=_SIGNAL_ORDER.__getitem__)
        return out

    # ---- streaming -------------------------------------------------------

    def _case_ref(self, gemeente: str, observed_on: str) -> str:
        year = int(observed_on[:4])
        key = (gemeente, year)
        seq = self._case_seq.get(key)
        if seq is None:
            seq = self.rng.randint(1, 40)
        else:
            seq += 1 if self.rng.random() < 0.7 else self.rng.randint(2, 4)
        self._case_seq[key] = seq
        return f"{gemeente}-{year}-{seq:05d}"

    def __iter__(self) -> Iterator[GeneratedRow]:
        if self._used:
            raise RuntimeError("a CarouselGenerator can be iterated only once")
        self._used = True
        return self._generate()

    def _emit(self, item: tuple[int, int, str, _Person]) -> GeneratedRow:
        # Rows are rendered when emitted, not when planned: the heap then holds
        # small tuples instead of row dicts, which keeps 1M-row runs in little memory.
        day, _, gemeente, p = item
        row, man = self._row(p, day, gemeente)
        row["case_ref"] = self._case_ref(gemeente, row["observed_on"])
        net = p.network
        companion = None
        if man is not None:
            # kept on the man, not by id(): a boyfriend is freed with the woman he
            # came with, and a new man may then get his id
            if man.key is None:
                man.key = f"M{self._men_recorded}"
                self._men_recorded += 1
            companion = man.key
        return GeneratedRow(gemeente, row, p.key, net.key if net is not None else None,
                            companion)

    def _generate(self) -> Iterator[GeneratedRow]:
        rng = self.rng
        heap: list[tuple[int, int, str, _Person]] = []
        for plan in self._plan():
            while heap and heap[0][0] < plan.start:
                yield self._emit(heapq.heappop(heap))
            members = self._members(plan)
            together = plan.together
            shared_towns: list[str] | None = None
            for i, p in enumerate(members):
                offs = plan.offsets[i]
                mover = plan.movers[i]
                net = p.network
                self.network_of[p.key] = net.key if net is not None else None
                self.profile_of[p.key] = (
                    "network" if net is not None else "carousel" if mover else "local"
                )
                towns = self._towns(p, len(offs), mover, shared_towns if together else None)
                if together and shared_towns is None:
                    shared_towns = towns
                if p.married is not None and rng.random() < 0.5 and len(offs) > 1:
                    k = rng.randint(1, len(offs) - 1)
                    p.married_from = self.start + timedelta(days=plan.start + offs[k])
                for off, town in zip(offs, towns, strict=True):
                    self._seq += 1
                    heapq.heappush(heap, (plan.start + off, self._seq, town, p))
        while heap:
            yield self._emit(heapq.heappop(heap))


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def iter_rows(
    n_persons: int,
    gemeenten: Sequence[str],
    seed: int,
    *,
    start: date,
    days: int = 365,
    error_rate: float = 1.0,
    rates: dict[str, float] | None = None,
    person_rates: dict[str, float] | None = None,
) -> Iterator[GeneratedRow]:
    """Stream sightings in date order without holding them all (the 1M-row path).

    Use :class:`CarouselGenerator` directly when the truth beyond each row
    (networks, hard-negative kinds, error statistics) is needed afterwards.
    """
    return iter(
        CarouselGenerator(
            n_persons, gemeenten, seed, start=start, days=days, error_rate=error_rate,
            rates=rates, keep_identities=False, person_rates=person_rates,
        )
    )  # fmt: skip


def generate(
    n_persons: int,
    gemeenten: Sequence[str],
    seed: int,
    *,
    start: date,
    days: int = 365,
    error_rate: float = 1.0,
    rates: dict[str, float] | None = None,
    person_rates: dict[str, float] | None = None,
) -> SyntheticData:
    """Generate ``n_persons`` women's sightings across ``gemeenten`` with full truth.

    ``error_rate`` scales every recording-error probability of
    :data:`zichtlijn.synth.errors.ERROR_RATES` (0 = clean canonical records,
    1 = realistic, 2 = stress); ``rates`` overrides single kinds.  About 3.4
    sightings per person are produced.
    """
    gen = CarouselGenerator(
        n_persons, gemeenten, seed, start=start, days=days, error_rate=error_rate, rates=rates,
        person_rates=person_rates,
    )
    rows_by_gemeente: dict[str, list[dict[str, str]]] = {g: [] for g in gemeenten}
    truth: dict[tuple[str, str], str] = {}
    companion_truth: dict[tuple[str, str], str] = {}
    for item in gen:
        rows_by_gemeente[item.gemeente].append(item.row)
        truth[(item.gemeente, item.row["case_ref"])] = item.person_key
        if item.companion_key is not None:
            companion_truth[(item.gemeente, item.row["case_ref"])] = item.companion_key
    return SyntheticData(
        rows_by_gemeente=rows_by_gemeente,
        truth=truth,
        network_of=gen.network_of,
        kinds=gen.kinds,
        profile_of=gen.profile_of,
        population_of=gen.population_of,
        identities=gen.identities,
        error_stats=gen.error_stats,
        venues={v for vs in gen.venues.values() for v in vs},
        seed=seed,
        start=start,
        days=days,
        companion_truth=companion_truth,
    )


def true_pairs(data: SyntheticData) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """All unordered pairs of sightings of the same person, as sorted key tuples.

    Precision/recall of a linker are computed against this set; pairs grow
    quadratically per person but persons have at most eight sightings.
    """
    by_person: dict[str, list[tuple[str, str]]] = {}
    for key, person in data.truth.items():
        by_person.setdefault(person, []).append(key)
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for keys in by_person.values():
        keys.sort()
        pairs.update(combinations(keys, 2))
    return pairs


def hard_negative_pairs(data: SyntheticData) -> dict[tuple[str, str], str]:
    """(person_a, person_b) sorted -> hard-negative kind, for error analysis."""
    out: dict[tuple[str, str], str] = {}
    for kind in HARD_NEGATIVE_KINDS:
        for group in data.kinds.get(kind, []):
            for a, b in combinations(sorted(group), 2):
                out.setdefault((a, b), kind)
    return out


def _open_writer(path: Path) -> tuple[TextIO, csv.DictWriter]:
    fh = path.open("w", encoding="utf-8", newline="")
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    return fh, writer


def write_csvs(data: SyntheticData, out_dir: str | Path) -> dict[str, Path]:
    """Write ``<gemeente>.csv`` per municipality plus ``truth.csv``; returns name -> path.

    The per-municipality files are what each node imports; ``truth.csv``
    (gemeente, case_ref, person_key, network_key) stays with the evaluator.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for g, rows in data.rows_by_gemeente.items():
        path = out / f"{g}.csv"
        fh, writer = _open_writer(path)
        with fh:
            writer.writerows(rows)
        paths[g] = path
    truth_path = out / "truth.csv"
    with truth_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("gemeente", "case_ref", "person_key", "network_key"))
        for (g, ref), person in data.truth.items():
            w.writerow((g, ref, person, data.network_of.get(person) or ""))
    paths["truth"] = truth_path
    return paths


def write_csvs_streaming(
    rows: Iterable[GeneratedRow], gemeenten: Sequence[str], out_dir: str | Path
) -> dict[str, Path]:
    """Like :func:`write_csvs` but from a row stream, for data that does not fit in memory."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    handles: dict[str, tuple[TextIO, csv.DictWriter]] = {}
    paths: dict[str, Path] = {}
    truth_path = out / "truth.csv"
    try:
        for g in gemeenten:
            paths[g] = out / f"{g}.csv"
            handles[g] = _open_writer(paths[g])
        with truth_path.open("w", encoding="utf-8", newline="") as tfh:
            tw = csv.writer(tfh)
            tw.writerow(("gemeente", "case_ref", "person_key", "network_key"))
            for item in rows:
                handles[item.gemeente][1].writerow(item.row)
                tw.writerow(
                    (item.gemeente, item.row["case_ref"], item.person_key, item.network_key or "")
                )
    finally:
        for fh, _ in handles.values():
            fh.close()
    paths["truth"] = truth_path
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write synthetic CSVs (used by ``make demo`` and the benchmark)."""
    ap = argparse.ArgumentParser(
        prog="python -m zichtlijn.synth.generator",
        description="Write labelled synthetic carousel sightings, one CSV per gemeente.",
    )
    ap.add_argument("--persons", type=int, default=1000, help="number of women (default 1000)")
    ap.add_argument("--gemeenten", default=",".join(DEFAULT_GEMEENTEN[:8]),
                    help="comma-separated CBS codes")  # fmt: skip
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1))
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--error-rate", type=float, default=1.0)
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--stream", action="store_true", help="stream rows (large runs)")
    try:
        args = ap.parse_args(argv)
        gemeenten = [g.strip() for g in args.gemeenten.split(",") if g.strip()]
        t0 = time.perf_counter()
        if args.stream:
            rows = iter_rows(args.persons, gemeenten, args.seed, start=args.start,
                             days=args.days, error_rate=args.error_rate)  # fmt: skip
            count = 0

            def counted() -> Iterator[GeneratedRow]:
                nonlocal count
                for item in rows:
                    count += 1
                    if count % 100_000 == 0:
                        print(f"  {count} rows", file=sys.stderr)
                    yield item

            write_csvs_streaming(counted(), gemeenten, args.out)
        else:
            data = generate(args.persons, gemeenten, args.seed, start=args.start,
                            days=args.days, error_rate=args.error_rate)  # fmt: skip
            write_csvs(data, args.out)
            count = data.n_rows
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dt = time.perf_counter() - t0
    print(f"wrote {count} sightings for {args.persons} persons to {args.out} in {dt:.1f}s",
          file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

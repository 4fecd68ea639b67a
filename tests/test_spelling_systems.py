"""A name written down in another spelling system is still the same woman.

Passports carry one transliteration of a Cyrillic name; an inspector who writes a
name she hears, in Dutch (Joelia Tsoerkanoe) or German (Julia Zurkanu), writes
another. These sightings go through the node's encoder and the hub's own linking,
as in production: the spelling alone must not keep a woman's sightings apart.
"""

from __future__ import annotations

import datetime as dt

import pytest

from linkage.compare import MatchPolicy
from linkage.encode import Identity
from linkage.linking import link_all
from tests.linker_support import identity_table

BORN = dt.date(1996, 4, 12)

# (as on her passport, as an inspector wrote it down)
SPELLINGS = [
    pytest.param(("Iulia", "Țurcanu"), ("Joelia", "Tsoerkanoe"), id="Dutch oe"),
    pytest.param(("Liudmila", "Zhukova"), ("Ljoedmila", "Zjoekova"), id="Dutch zj"),
    pytest.param(("Natalia", "Shevchenko"), ("Natalja", "Sjevtsjenko"), id="Dutch sj tsj"),
    pytest.param(("Yulia", "Kovalchuk"), ("Joelia", "Kovaltsjoek"), id="Dutch ltsj"),
    pytest.param(("Elena", "Shcherbakova"), ("Jelena", "Sjtsjerbakova"), id="Dutch sjtsj"),
    pytest.param(("Tatiana", "Shevchuk"), ("Tatjana", "Schewtschuk"), id="German sch tsch"),
    pytest.param(("Natasha", "Ivanova"), ("Natasja", "Iwanowa"), id="Dutch and German mixed"),
]


@pytest.mark.parametrize(("passport", "heard"), SPELLINGS)
def test_a_name_written_as_heard_links_to_the_passport_spelling(encoder, passport, heard):
    table = identity_table(encoder, [Identity(*passport, BORN), Identity(*heard, BORN)])
    persons = link_all(table, MatchPolicy())
    assert persons[0] == persons[1]


@pytest.mark.parametrize(("passport", "heard"), SPELLINGS)
def test_the_spelling_does_not_link_a_woman_born_on_another_day(encoder, passport, heard):
    table = identity_table(encoder, [Identity(*passport, BORN),
                                     Identity(*heard, dt.date(1991, 9, 30))])
    persons = link_all(table, MatchPolicy())
    assert persons[0] != persons[1]

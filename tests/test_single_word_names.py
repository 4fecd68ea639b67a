"""Two names of one word ("Candy" and "Candy": a working name, or a given name with no
surname) that agree say little of who she is: many women in many towns give that word.
Small fixed examples of what the hub does with them (README "One-word names")."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np

from linkage.compare import MatchPolicy, score_pairs
from linkage.encode import Identity, single_word
from linkage.linking import link_all
from tests.linker_support import identity_table
from zichtlijn import wire

BORN = dt.date(2004, 6, 27)


def candy(place: str | None = None, born: dt.date | None = None) -> Identity:
    return Identity("Candy", "", born, "f", None, place, None)


def without_the_one_word_weight() -> MatchPolicy:
    policy = MatchPolicy()
    return replace(policy, weights={**policy.weights, "single_word_name": 0.0},
                   weights_without_entities={**policy.weights_without_entities,
                                             "single_word_name": 0.0})


def test_a_name_is_one_word_when_given_name_and_surname_hold_one_word_together():
    assert single_word(Identity("Candy", ""))
    assert single_word(Identity("", "Popescu"))
    assert not single_word(Identity("Ana Maria", ""))
    assert not single_word(Identity("Ana", "Popa"))


def test_the_flag_travels_to_the_hub(encoder):
    sent = encoder.encode_identity(candy())
    assert sent.single_word_name
    assert wire.identity_from_wire(wire.identity_to_wire(sent)) == sent
    assert not encoder.encode_identity(Identity("Ana", "Popa")).single_word_name


def test_undated_women_sharing_a_working_name_do_not_join_the_one_dated_one(encoder):
    """An outside generator's case: eight women called only "Candy", born in as many
    places, one of them with a date of birth. Each undated one agreed with the dated
    one's name alone, above the bar at which an undated sighting joins the only person it
    agrees with, and all eight became one person: a carousel of nobody."""
    women = [candy(born=BORN), candy("Bangkok"), candy("Gyor"), candy("Comrat"),
             candy("Targoviste"), candy()]
    table = identity_table(encoder, women)
    assert len(set(link_all(table, MatchPolicy()).tolist())) == len(women)
    joined = link_all(table, without_the_one_word_weight())
    assert len(set(joined.tolist())) < len(women)  # what the weight stops


def test_a_working_name_with_her_phone_or_her_date_of_birth_still_links(encoder):
    phone = [(wire.ENTITY_KINDS["phone"], encoder.entity_token("phone", "+31622703114"))]
    table = identity_table(encoder, [candy(), candy(), candy(born=BORN), candy(born=BORN)],
                           [phone, phone, [], []])
    labels = link_all(table, MatchPolicy())
    assert labels[0] == labels[1] != labels[2] == labels[3]


def test_a_full_name_or_one_word_against_a_full_name_is_not_weighed_so(encoder):
    """Only two one-word names together take the weight: "Maria Popa" twice, or "Candy"
    against "Candy Tkachuk" (a surname dropped, which the Dice hinges already weigh low),
    score as before."""
    table = identity_table(encoder, [Identity("Maria", "Popa"), Identity("Maria", "Popa"),
                                     candy(), Identity("Candy", "Tkachuk")])
    left, right = np.array([0, 2]), np.array([1, 3])
    with_weight = score_pairs(table, left, right, MatchPolicy())
    without = score_pairs(table, left, right, without_the_one_word_weight())
    assert with_weight.tolist() == without.tolist()

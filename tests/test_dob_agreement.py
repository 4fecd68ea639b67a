"""How two dates of birth agree, as the hub reads it from the keyed date tokens alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from linkage.compare import DEFAULT_WEIGHTS, DobAgreement, features
from linkage.encode import Identity
from tests.linker_support import identity_table

BORN = dt.date(1998, 3, 5)  # in the window of the 4th to the 6th


@pytest.mark.parametrize(("other", "agreement"), [
    (BORN, DobAgreement.EXACT),
    (dt.date(1998, 5, 3), DobAgreement.SWAPPED),
    (dt.date(1997, 3, 5), DobAgreement.NEAR),  # a year off
    (dt.date(1999, 3, 5), DobAgreement.NEAR),
    (dt.date(1998, 3, 4), DobAgreement.NEAR),  # a day off inside the window
    (dt.date(1998, 3, 6), DobAgreement.NEAR),
    (dt.date(1998, 3, 7), DobAgreement.PARTIAL),  # two days off, the next window
    (dt.date(1998, 3, 15), DobAgreement.PARTIAL),  # a typo in the day
    (dt.date(1998, 4, 5), DobAgreement.PARTIAL),  # a month off
    (dt.date(2008, 3, 5), DobAgreement.PARTIAL),  # a typo in the year's tens
    (dt.date(1998, 7, 19), DobAgreement.DIFFERENT),
    (None, DobAgreement.MISSING),
])
def test_each_kind_of_agreement(encoder, other: dt.date | None, agreement: DobAgreement) -> None:
    table = identity_table(encoder, [Identity("Ana", "Popa", born) for born in (BORN, other)])
    assert features(table, np.array([0]), np.array([1])).dob[0] == agreement


def test_a_leap_day_and_the_28th_a_year_on_are_a_year_apart(encoder) -> None:
    table = identity_table(encoder, [Identity("Ana", "Popa", born)
                                     for born in (dt.date(2000, 2, 29), dt.date(2001, 2, 28))])
    assert features(table, np.array([1]), np.array([0])).dob[0] == DobAgreement.NEAR


def test_the_shipped_weights_rank_the_agreements() -> None:
    w = DEFAULT_WEIGHTS
    assert w["dob_exact"] > w["dob_near"] > w["dob_partial"] > 0 > w["dob_different"]

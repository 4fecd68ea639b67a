"""The short name filter (schema version 6): compared where the years agree, blocked
with the date, refused by the hub when malformed (README "Short names")."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest

from hub.validate import Refusal, validate_batch
from linkage.blocking import date_keys
from linkage.compare import MatchPolicy, features, same_year_of_birth, score_pairs
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.schema import default_schema
from linkage.table import EncodingTable
from zichtlijn import wire
from zichtlijn.v1 import encoding_pb2, sync_pb2

BORN = dt.date(1994, 6, 17)
ENCODER = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, epoch=1))


def table_of(*identities: Identity, short: bool = True) -> EncodingTable:
    schema = default_schema()
    table = EncodingTable(schema.filter_bytes, short_filter_bytes=schema.short_filter_bytes
                          if short else 0)
    encodings = [ENCODER.encode_identity(i) for i in identities]
    if not short:
        encodings = [e.__class__(**{**e.__dict__, "short_name_filter": b""}) for e in encodings]
    table.append(encodings)
    return table


PAIR = (np.array([0]), np.array([1]))


@pytest.mark.parametrize(("one", "other", "same_year"), [
    (BORN, BORN, True),
    (dt.date(1994, 6, 8), dt.date(1994, 8, 6), True),  # day and month swapped
    (BORN, BORN + dt.timedelta(days=1), True),
    (BORN, dt.date(1994, 7, 17), True),  # one month on
    (BORN, dt.date(1994, 6, 3), True),  # same month and year, another day
    (BORN, dt.date(1994, 2, 17), True),  # same day and year, another month
    (BORN, dt.date(1995, 6, 17), False),  # one year on
    (dt.date(1993, 12, 31), dt.date(1994, 1, 1), False),  # a day apart across New Year
    (dt.date(1994, 2, 28), dt.date(1994, 3, 1), False),  # ... or a month end: not sure
    (BORN, dt.date(1987, 2, 2), False),
    (BORN, None, False),
])
def test_the_hub_tells_the_same_year_of_birth_from_the_date_tokens(one, other, same_year):
    table = table_of(Identity("Ana", "Popa", one), Identity("Ana", "Popa", other))
    dob_l, dob_r = table.dob[[0]], table.dob[[1]]
    missing = (dob_l[:, 0] == 0) | (dob_r[:, 0] == 0)
    assert same_year_of_birth(dob_l == dob_r, missing)[0] == same_year


def test_short_names_lift_a_married_name_of_the_same_date_over_the_threshold():
    married = (Identity("Ana Maria", "Nedelcu-Popa", BORN), Identity("Ana", "Popa", BORN))
    with_short, without = table_of(*married), table_of(*married, short=False)
    gain = features(with_short, *PAIR).short_gain[0]
    assert gain > 0.2  # the whole names are about 0.6 alike, the short ones equal
    assert features(without, *PAIR).short_gain[0] == 0.0
    policy = MatchPolicy()
    assert score_pairs(without, *PAIR, policy)[0] < policy.threshold
    assert score_pairs(with_short, *PAIR, policy)[0] >= policy.threshold


@pytest.mark.parametrize("other", [dt.date(1995, 6, 17), None])
def test_short_names_say_nothing_across_years_or_without_a_date(other):
    table = table_of(Identity("Ana Maria", "Nedelcu-Popa", BORN), Identity("Ana", "Popa", other))
    assert features(table, *PAIR).short_gain[0] == 0.0


def test_the_short_name_family_meets_a_married_name_of_the_same_date():
    married = (Identity("Ana Maria", "Nedelcu-Popa", BORN), Identity("Ana", "Popa", BORN))

    def shared(table: EncodingTable) -> set[int]:
        rows, keys = date_keys(table, np.arange(2))
        return set(keys[rows == 0].tolist()) & set(keys[rows == 1].tolist())

    family_keys = shared(table_of(*married)) - shared(table_of(*married, short=False))
    assert len(family_keys) == 4  # each of its 4 bands: the short names are one filter
    other_year = (married[0], Identity("Ana", "Popa", dt.date(1995, 6, 17)))
    assert shared(table_of(*other_year)) == shared(table_of(*other_year, short=False))


def _batch(subject: encoding_pb2.IdentityEncoding) -> sync_pb2.UploadBatch:
    sighting = encoding_pb2.EncodedSighting(
        sighting_uuid=str(uuid.uuid4()), observed_on="2026-11-01", epoch=1,
        schema_fingerprint=default_schema().fingerprint, subject=subject)
    return sync_pb2.UploadBatch(sightings=[sighting],
                                batch_digest=wire.batch_digest([sighting]))


@pytest.mark.parametrize(("change", "message"), [
    ({"short_name_filter": b"\x01" * 64}, "short_name_filter has 64 bytes"),
    ({"dob_tokens": []}, "short_name_filter has 32 bytes.*none without"),
])
def test_the_hub_refuses_a_malformed_short_name_filter(change, message):
    good = wire.identity_to_wire(ENCODER.encode_identity(Identity("Ana", "Popa", BORN)))
    validate_batch(_batch(good), default_schema(), dt.date(2026, 12, 1))
    bad = encoding_pb2.IdentityEncoding()
    bad.CopyFrom(good)
    for name, value in change.items():
        bad.ClearField(name)
        if value:
            setattr(bad, name, value)
    with pytest.raises(Refusal, match=message):
        validate_batch(_batch(bad), default_schema(), dt.date(2026, 12, 1))

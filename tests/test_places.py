"""Places of birth: one key for every name a place goes by (linkage/places.py)."""

import hashlib

import pytest

from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.normalise import canonical_word, name_words
from linkage.places import PLACE_RULES, place_key
from linkage.schema import default_schema


@pytest.mark.parametrize(("written", "own"), [
    ("Кишинёв", "Chișinău"),
    ("Kishinev", "Chisinau"),
    ("Бельцы", "Bălți"),
    ("Kolozsvár", "Cluj-Napoca"),
    ("Boekarest", "București"),
    ("Bucharest", "BUCURESTI"),
    ("Tirgu Mures", "Târgu Mureș"),
    ("Новые Анены", "Anenii Noi"),
    ("Kotovsk", "Hîncești"),
    ("Den Haag", "'s-Gravenhage"),
    ("Czernowitz", "Cernăuți"),
    ("Leningrad", "Sankt-Peterburg"),
])
def test_every_name_of_a_place_is_the_place(written, own):
    assert place_key(written) == place_key(own) != ""


@pytest.mark.parametrize(("one", "other"), [
    ("Chișinău", "Bălți"),
    ("Kyiv", "Kharkiv"),
    ("Iași", "Cluj-Napoca"),
    ("Roman", "Romania"),
])
def test_different_places_stay_different(one, other):
    assert place_key(one) != place_key(other)


@pytest.mark.parametrize(("written", "own"), [
    ("Chisinau Moldova", "Chișinău"),
    ("Chisinau R. Moldova", "Chișinău"),
    ("Kishinev USSR", "Chișinău"),
    ("Кишинёв МССР", "Chișinău"),  # noqa: RUF001
    ("București Sectorul 3", "București"),
    ("Bucuresti sect. 4", "București"),
    ("Lagos Nigeria", "Lagos"),
    ("Ekpoma NG", "Ekpoma"),
    ("Budapest Magyarország", "Budapest"),
])
def test_a_country_or_sector_after_the_name_is_not_the_place(written, own):
    """Written without a comma (after one, the node drops it: node/as_written.py)."""
    assert place_key(written) == place_key(own)


@pytest.mark.parametrize("place", ["Moldova", "Satu Mare", "Baia Mare", "Anenii Noi",
                                   "Sector 3", "Benin City"])
def test_a_place_is_never_only_its_qualifier_taken_away(place):
    assert place_key(place) == " ".join(canonical_word(word) for word in name_words(place))


def test_a_place_not_in_the_table_is_read_by_its_words():
    assert place_key("Ekpoma") == "ekpoma"
    assert place_key("Piatra  Neamț") == place_key("piatra neamt")
    assert place_key("") == ""


def test_the_encoder_gives_two_names_of_one_place_one_bucket():
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, epoch=1))

    def bucket(place: str) -> int:
        return encoder.encode_identity(Identity("Ana", "Rusu", place_of_birth=place)).place_bucket

    assert bucket("Кишинёв") == bucket("Chișinău") == bucket("Kishinev")
    assert bucket("Chișinău") != bucket("Bălți")


# Every name in the table, and some that are not in it. Never edit this list; add to it
# under a new version.
PLACE_PROBES = """
    Chișinău Кишинёв Kishinev Bălți Бельцы Beltsy Bender Бендеры Tighina Hîncești Kotovsk
    Anenii-Noi Новые-Анены București Bucharest Boekarest Бухарест Cluj-Napoca Cluj Kolozsvár
    Târgu-Mureș Tirgu-Mures Marosvásárhely Budapest Boedapest Sofia София Benin-City Benin
    's-Gravenhage Den-Haag Kyiv Kiev Київ Odesa Odessa Lviv Lemberg Chernivtsi Cernăuți
    Ekpoma Lagos Amsterdam Plovdiv Debrecen Roman Kishinev-USSR Кишинёв-МССР
    București-Sectorul-3 Chisinau-R.-Moldova Lagos-Nigeria Satu-Mare Moldova
"""  # noqa: RUF001
# 1: since 2026-12-05 (schema version 3)
PINNED_PLACE_KEYS = {1: "d9e06d117d93b930"}


def test_the_place_rules_version_pins_every_key():
    """A changed key changes that place's encoding, so it must come with new PLACE_RULES."""
    keys = "\n".join(f"{place}={place_key(place.replace('-', ' '))}"
                     for place in PLACE_PROBES.split())
    digest = hashlib.sha256(keys.encode()).hexdigest()[:16]
    assert digest == PINNED_PLACE_KEYS.get(PLACE_RULES), (
        "place keys changed: raise PLACE_RULES and the schema's normalisation.place_rules "
        f"(new digest {digest})")


def test_a_table_giving_one_name_to_two_places_is_refused(monkeypatch):
    """Kiev and Kyiv are one place; a line making Kiev another place too is a mistake."""
    import linkage.places as places

    monkeypatch.setattr(places, "_SAME_PLACE", "Kyiv = Kiev\nKharkiv = Kiev\n")
    places._one_name.cache_clear()
    try:
        with pytest.raises(AssertionError, match="'Kiev' names two places"):
            places.place_key("Kiev")
    finally:
        places._one_name.cache_clear()

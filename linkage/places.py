"""One place of birth, written in the languages of the women's documents and inspectors.

A Moldovan woman's place of birth is `Chișinău` in her Romanian passport, `Кишинёв` in
a Soviet-era birth certificate and `Kishinev` in a Dutch report; a Hungarian woman from
Transylvania says `Kolozsvár` for `Cluj-Napoca`; a Dutch inspector may write `Boekarest`.
Transliteration alone makes these different words, so two sightings of one woman would
count as born in two places. `place_key` reads each as the place's own name, without a
country, Soviet republic or Bucharest sector written after it (`Chisinau Moldova`,
`Kishinev USSR`, `București Sectorul 3`).

The table holds only exonyms of the places this population comes from (DESIGN §6:
Romania, Moldova, Bulgaria, Hungary, Nigeria, the Netherlands, and the Ukrainian and
Russian cities on Moldova's side of the map), each a real name in use, never a guess.
Any spelling of a listed name counts: the table is read through the same `name_words`
and `canonical_word` as the place itself, so `Kishinev` and `Кишинев` are one entry.

`PLACE_RULES` is named by the linkage schema (`normalisation.place_rules`): a change to
the table changes the encoding of some places, so it must come with a new version.
"""

import functools

from linkage.demographics import is_country_name
from linkage.normalise import canonical_word, name_words

__all__ = ["PLACE_RULES", "place_key"]

#: Version of the table below; `normalisation.place_rules` in the linkage schema.
PLACE_RULES = 1

# The place's own name first, then the names other languages and times give it.
_SAME_PLACE = """
    Chișinău = Кишинёв = Kishinev = Kishinyov = Kischinau = Kisjinev
    Bălți = Бельцы = Beltsy = Belzy
    Tiraspol = Тирасполь
    Bender = Бендеры = Bendery = Tighina
    Cahul = Кагул = Kagul
    Ungheni = Унгены = Ungeny
    Soroca = Сороки = Soroki
    Orhei = Оргеев = Orgeyev = Orgeev
    Comrat = Комрат = Komrat
    Edineț = Единцы = Yedintsy = Edintsy
    Strășeni = Страшены = Strasheny
    Hîncești = Hâncești = Hincesti = Хынчешты = Khynchesty = Kotovsk = Котовск
    Drochia = Дрокия = Drokiya
    Căușeni = Каушаны = Kaushany
    Florești = Флорешты = Floreshty
    Fălești = Фалешты = Faleshty
    Ialoveni = Яловены = Yaloveny
    Anenii Noi = Новые Анены = Novye Aneny
    Rîșcani = Râșcani = Рышканы = Ryshkany
    Criuleni = Криуляны = Kriulyany
    Dubăsari = Дубоссары = Dubossary
    Rîbnița = Râbnița = Рыбница = Rybnitsa
    Nisporeni = Ниспорены = Nisporeny
    Glodeni = Глодяны = Glodyany
    Ocnița = Окница = Oknitsa
    Cimișlia = Чимишлия = Chimishliya
    Ceadîr-Lunga = Ceadâr-Lunga = Чадыр-Лунга = Chadyr-Lunga
    Călărași = Кэлэрашь = Kalarash
    București = Bucharest = Bukarest = Bucarest = Boekarest = Бухарест = Букурещ
    Iași = Jassy = Jászvásár = Яссы
    Cluj-Napoca = Cluj = Kolozsvár = Klausenburg
    Timișoara = Temesvár = Temeswar = Temeschburg
    Brașov = Brassó = Kronstadt
    Sibiu = Nagyszeben = Hermannstadt
    Oradea = Nagyvárad = Großwardein
    Târgu Mureș = Tîrgu Mureș = Tirgu Mures = Marosvásárhely
    Târgu Jiu = Tîrgu Jiu = Tirgu Jiu
    Târgoviște = Tîrgoviște = Tirgoviste
    Piatra Neamț = Piatra-Neamț
    Satu Mare = Szatmárnémeti = Sathmar
    Baia Mare = Nagybánya
    Galați = Galatz
    Constanța = Küstendje
    Sfântu Gheorghe = Sepsiszentgyörgy
    Miercurea Ciuc = Csíkszereda
    Odorheiu Secuiesc = Székelyudvarhely
    Gheorgheni = Gyergyószentmiklós
    Zalău = Zilah
    Bistrița = Beszterce = Bistritz
    Alba Iulia = Gyulafehérvár = Karlsburg
    Sighișoara = Segesvár = Schäßburg
    Mediaș = Medgyes
    Turda = Torda
    Dej = Dés
    Carei = Nagykároly
    Salonta = Nagyszalonta
    Sighetu Marmației = Máramarossziget
    Budapest = Boedapest = Будапешт
    Pécs = Fünfkirchen
    Győr = Raab
    Sopron = Ödenburg
    Veliko Tarnovo = Veliko Turnovo = Велико Търново = Tirnovo
    Ruse = Rousse = Русе = Rustschuk
    Kardzhali = Kardjali = Кърджали = Kırcaali
    Shumen = Шумен = Şumnu
    Haskovo = Хасково = Khaskovo = Hasköy
    Sofia = София = Sofiya
    Benin City = Benin = Benin-Stad
    Port Harcourt = Port-Harcourt
    's-Gravenhage = Den Haag = The Hague = Haag
    's-Hertogenbosch = Den Bosch = Bois-le-Duc
    Kyiv = Kiev = Київ = Киев
    Odesa = Odessa = Одеса = Одесса
    Kharkiv = Kharkov = Харків = Харьков
    Lviv = Lvov = Lwów = Lemberg = Львів = Львов
    Chernivtsi = Chernovtsy = Cernăuți = Czernowitz = Чернівці = Черновцы
    Izmail = Ismail = Измаил = Ізмаїл
    Mykolaiv = Nikolaev = Nikolayev = Миколаїв = Николаев
    Bilhorod-Dnistrovskyi = Belgorod-Dnestrovsky = Cetatea Albă = Akkerman
    Moskva = Moscow = Moskou = Moskau = Москва
    Sankt-Peterburg = Saint Petersburg = Sint-Petersburg = Leningrad = Санкт-Петербург
"""  # noqa: RUF001 (Cyrillic and Turkish names, written as their documents write them)


# What a record writes after a place's name without a comma (node/as_written.py drops
# what follows one): the country (Chisinau Moldova, Chisinau R. Moldova), the Soviet
# republic of an old birth certificate (Kishinev USSR, Kishinev MSSR) or Bucharest's
# sector (București Sectorul 3). Folded words (the Cyrillic abbreviation folds to
# sssr), checked from the end, never the first.
_UNION_WORDS = frozenset({"ussr", "urss", "sssr", "mssr", "rssm", "rm"})
_SECTOR_WORDS = frozenset({"sector", "sectorul", "sect"})
_REPUBLIC_WORDS = frozenset({"r", "rep", "republic", "republica", "republiek"})


def _without_qualifiers(words: list[str]) -> list[str]:
    while len(words) > 1:
        last = words[-1]
        if last in _UNION_WORDS:
            words = words[:-1]
        elif last.isdigit() and len(words) > 2 and words[-2] in _SECTOR_WORDS:
            words = words[:-2]
        elif country := next((k for k in (3, 2, 1) if len(words) > k
                              and is_country_name(" ".join(words[-k:]))), None):
            words = words[:-country]
            if len(words) > 1 and words[-1] in _REPUBLIC_WORDS:  # R. Moldova
                words = words[:-1]
        else:
            break
    return words


def _key(text: str) -> str:
    return " ".join(canonical_word(word) for word in _without_qualifiers(name_words(text)))


@functools.cache
def _one_name() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _SAME_PLACE.strip().splitlines():
        names = [name.strip() for name in line.split("=")]
        own = _key(names[0])
        for name in names:
            other = table.setdefault(_key(name), own)
            if other != own:
                raise AssertionError(f"{name!r} names two places in the place table")
    return table


def place_key(text: str) -> str:
    """The words of a place of birth as they are encoded: one key for all its names.

    Canonical words joined by spaces (the same keys as names); empty for no place.
    """
    key = _key(text)
    return _one_name().get(key, key)

# ruff: noqa: RUF001  (Cyrillic letters here are intentional: document forms and look-alikes)
"""Name, place and entity data for the synthetic carousel populations.

Why this exists: linkage quality and the frequency-attack analysis are only
meaningful on data whose name distribution looks like the real one.  Real
name frequencies are heavily skewed (a few names such as "Maria Popescu"
cover a large share of the population), so every list below is ordered from
most to least frequent and gets a Zipf-like weight by rank.  The lists are
hand-made approximations of the populations met in Dutch prostitution
control (Romanian, Moldovan, Bulgarian, Hungarian, Nigerian, Dutch); they are
not official statistics.

Moldovan and Bulgarian names carry a Cyrillic document form next to the
Latin one, because the recording errors we must survive come from documents
in Cyrillic being copied or transliterated by inspectors.  Bulgarian Latin
forms are derived with the official Bulgarian Streamlined System, exactly as
on a Bulgarian passport.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

# --------------------------------------------------------------------------
# Weighted pools
# --------------------------------------------------------------------------


class Name(NamedTuple):
    """One name as spoken/written in Latin script plus its Cyrillic document form."""

    latin: str
    cyrillic: str | None = None


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    """Weights 1/rank**s: a handful of very common names and a long tail."""
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


class Pool(Generic[T]):
    """Items with frequency weights, sampled in O(log n) with cumulative weights.

    ``random.choices`` recomputes nothing when given ``cum_weights`` but still
    builds a list per call; the generator draws millions of names, so a
    bisect on a precomputed table keeps the hot path cheap.
    """

    __slots__ = ("_cum", "_total", "items", "weights")

    def __init__(self, items: Sequence[T], weights: Sequence[float] | None = None) -> None:
        if not items:
            raise ValueError("empty pool")
        self.items: tuple[T, ...] = tuple(items)
        self.weights: tuple[float, ...] = (
            tuple(weights) if weights is not None else tuple(zipf_weights(len(items)))
        )
        if len(self.weights) != len(self.items):
            raise ValueError("items and weights differ in length")
        cum: list[float] = []
        total = 0.0
        for w in self.weights:
            total += w
            cum.append(total)
        self._cum = cum
        self._total = total

    def pick(self, rng: Random) -> T:
        """Draw one item with probability proportional to its weight."""
        return self.items[bisect.bisect_right(self._cum, rng.random() * self._total)]

    def probability(self, item: T) -> float:
        """Share of draws that give ``item`` (used by frequency-attack analysis)."""
        return sum(w for i, w in zip(self.items, self.weights, strict=True) if i == item) / (
            self._total
        )

    def __len__(self) -> int:
        return len(self.items)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _latin_pool(text: str, s: float = 1.0) -> Pool[Name]:
    names = [Name(part) for part in _split(text)]
    return Pool(names, zipf_weights(len(names), s))


def _pair_pool(text: str, s: float = 1.0) -> Pool[Name]:
    """Parse ``Latin=Кириллица`` pairs."""
    names = []
    for part in _split(text):
        latin, cyr = part.split("=")
        names.append(Name(latin.strip(), cyr.strip()))
    return Pool(names, zipf_weights(len(names), s))


def _bg_pool(text: str, s: float = 1.0, suffix: str = "") -> Pool[Name]:
    """Parse Bulgarian Cyrillic names; Latin form is the official transliteration."""
    names = []
    for part in _split(text):
        cyr = part + suffix
        names.append(Name(transliterate(cyr, "bg_official"), cyr))
    return Pool(names, zipf_weights(len(names), s))


# --------------------------------------------------------------------------
# Transliteration systems (Cyrillic -> Latin)
# --------------------------------------------------------------------------
# Each system maps lower-case Cyrillic letters; "endings" are applied to the
# end of a word before the letter map (e.g. -ия -> -ia in Bulgarian).  The
# "iotated" letters get a y/j prefix at the start of a word or after a vowel
# in systems that do that (BGN/PCGN "Yelena", German "Jelena").

_RU_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip


def _variant(base: dict[str, str], **changes: str) -> dict[str, str]:
    table = dict(base)
    table.update(changes)
    return table


@dataclass(frozen=True)
class TranslitSystem:
    """A transliteration convention as met on documents and in inspectors' notes."""

    name: str
    letters: dict[str, str]
    endings: tuple[tuple[str, str], ...] = ()
    iotated: dict[str, str] | None = None  # letter -> form at word start / after vowel


_CYR_VOWELS = set("аеёиоуыэюяъь")
# Dutch (Taalunie) letters shared by Russian and Bulgarian names
_DUTCH_LETTERS = {"ж": "zj", "й": "j", "х": "ch", "ч": "tsj", "ш": "sj", "у": "oe", "ю": "joe",
                  "я": "ja"}

TRANSLIT_SYSTEMS: dict[str, TranslitSystem] = {
    # ICAO Doc 9303 (Russian passports since 2013): Юлия -> Iuliia.
    "icao": TranslitSystem("icao", _RU_BASE, (("ий", "ii"),)),
    # BGN/PCGN, apostrophes dropped: Юлия -> Yuliya, Наталья -> Natalya.
    "bgn": TranslitSystem(
        "bgn",
        _variant(_RU_BASE, й="y", ё="yo", ъ="", ю="yu", я="ya"),
        (("ия", "iya"), ("ий", "iy")),
        {"е": "ye"},
    ),
    # Informal English as typed by inspectors: Юлия -> Yulia, Цуркану -> Tsurkanu.
    "simple": TranslitSystem(
        "simple",
        _variant(_RU_BASE, й="y", ё="yo", ъ="", ю="yu", я="ya"),
        (("ия", "ia"), ("ий", "iy")),
    ),
    # German (Duden-like, informal -ия -> -ia): Юлия -> Julia, Чобану -> Tschobanu.
    "german": TranslitSystem(
        "german",
        _variant(
            _RU_BASE,
            в="w",
            ж="sch",
            з="s",
            й="j",
            ё="jo",
            х="ch",
            ц="z",
            ч="tsch",
            ш="sch",
            щ="schtsch",
            ъ="",
            ю="ju",
            я="ja",
        ),
        (("ия", "ia"), ("ий", "i")),
        {"е": "je"},
    ),
    # French: Юлия -> Ioulia, Цуркану -> Tsourkanou.
    "french": TranslitSystem(
        "french",
        _variant(
            _RU_BASE,
            ж="j",
            ё="io",
            х="kh",
            ч="tch",
            ш="ch",
            щ="chtch",
            у="ou",
            ъ="",
            ю="iou",
            я="ia",
        ),
        (("ий", "i"),),
    ),
    # Dutch (Taalunie), how a Dutch inspector writes a name she hears or the press
    # spells it: Юлия -> Joelia, Цуркану -> Tsoerkanoe, Шевченко -> Sjevtsjenko.
    "dutch": TranslitSystem(
        "dutch",
        _variant(_RU_BASE, **_DUTCH_LETTERS, ё="jo", щ="sjtsj", ъ=""),
        (("ия", "ia"), ("ий", "i")),
        {"е": "je"},
    ),
    # Bulgarian Streamlined System (2009 law, Bulgarian passports): Цветелина -> Tsvetelina.
    "bg_official": TranslitSystem(
        "bg_official",
        _variant(_RU_BASE, й="y", х="h", щ="sht", ъ="a", ь="y", ю="yu", я="ya"),
        (("ия", "ia"),),
    ),
    # Older French-based Bulgarian passports: Стоянова -> Stoianova, Жекова -> Jekova.
    "bg_french": TranslitSystem(
        "bg_french",
        _variant(
            _RU_BASE,
            ж="j",
            й="i",
            х="h",
            ч="tch",
            ш="ch",
            щ="cht",
            у="ou",
            ъ="a",
            ь="",
            ю="iou",
            я="ia",
        ),
    ),
    # German rendering of Bulgarian: Иванова -> Iwanowa, Христова -> Christowa.
    "bg_german": TranslitSystem(
        "bg_german",
        _variant(
            _RU_BASE,
            в="w",
            ж="sch",
            з="s",
            й="j",
            х="ch",
            ц="z",
            ч="tsch",
            ш="sch",
            щ="scht",
            ъ="a",
            ь="",
            ю="ju",
            я="ja",
        ),
        (("ия", "ija"),),
    ),
    # Dutch rendering of Bulgarian: Жекова -> Zjekova, Чолакова -> Tsjolakova.
    "bg_dutch": TranslitSystem(
        "bg_dutch",
        _variant(_RU_BASE, **_DUTCH_LETTERS, щ="sjt", ъ="a", ь=""),
        (("ия", "ia"),),
    ),
    # BGN/PCGN 1952 for Bulgarian: Христова -> Khristova, Кръстева -> Krusteva.
    "bg_bgn": TranslitSystem(
        "bg_bgn",
        _variant(_RU_BASE, й="y", х="kh", щ="sht", ъ="u", ь="", ю="yu", я="ya"),
        (("ия", "iya"),),
    ),
    # ISO 9 / scholarly: Стоянова -> Stojanova, Жекова -> Žekova.
    "bg_iso9": TranslitSystem(
        "bg_iso9",
        _variant(
            _RU_BASE,
            ж="ž",
            й="j",
            х="h",
            ц="c",
            ч="č",
            ш="š",
            щ="št",
            ъ="ă",
            ь="",
            ю="ju",
            я="ja",
        ),
    ),
}

#: Systems an inspector may apply to Russian-Cyrillic (Moldovan) documents, with weights.
#: A name written as heard, without the document, is written in Dutch (Joelia, Sjevtsjenko),
#: which is why that system weighs most after the passports' own (ICAO).
RU_SYSTEM_WEIGHTS: dict[str, float] = {
    "icao": 0.30, "dutch": 0.25, "simple": 0.20, "bgn": 0.10, "german": 0.10, "french": 0.05,
}  # fmt: skip
#: Systems other than the official one met for Bulgarian names, with weights.
BG_OTHER_SYSTEM_WEIGHTS: dict[str, float] = {
    "bg_bgn": 0.30, "bg_dutch": 0.30, "bg_french": 0.15, "bg_german": 0.15, "bg_iso9": 0.10,
}  # fmt: skip


def _translit_word(word: str, system: TranslitSystem) -> str:
    lower = word.lower()
    tail = ""
    for ending, repl in system.endings:
        if lower.endswith(ending) and len(lower) > len(ending):
            lower = lower[: -len(ending)]
            tail = repl
            break
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(lower):
        if system.iotated and ch in system.iotated and (i == 0 or prev in _CYR_VOWELS):
            out.append(system.iotated[ch])
        else:
            out.append(system.letters.get(ch, ch))
        prev = ch
    text = "".join(out) + tail
    if word[:1].isupper() and text:
        text = text[0].upper() + text[1:]
    return text


def transliterate(text: str, system: str) -> str:
    """Transliterate Cyrillic ``text`` word by word, keeping capitalised words capitalised."""
    tr = TRANSLIT_SYSTEMS[system]
    parts: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch.isalpha():
            word.append(ch)
        else:
            if word:
                parts.append(_translit_word("".join(word), tr))
                word = []
            parts.append(ch)
    if word:
        parts.append(_translit_word("".join(word), tr))
    return "".join(parts)


# --------------------------------------------------------------------------
# Populations
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Nationality:
    """The ways one nationality is written in inspection records."""

    iso3: str
    dutch: str  # Dutch adjective as used in Dutch forms ("Roemeense")
    english: str


@dataclass(frozen=True)
class Population:
    """Everything needed to draw a plausible person of one origin."""

    code: str
    label: str
    nationality: Nationality
    female_given: Pool[Name]
    male_given: Pool[Name]
    female_surnames: Pool[Name]
    male_surnames: Pool[Name]
    places: Pool[Name]
    second_given: Pool[Name] | None = None
    double_given_rate: float = 0.0
    cyrillic_system: str | None = None  # "ru" or "bg": which systems apply to the document
    cyrillic_document_rate: float = 0.0  # share of persons whose document is in Cyrillic
    phone_country: str = "NL"
    surname_first: bool = False  # names often given surname-first (Hungarian order)


# ---- Romanian ------------------------------------------------------------

_RO_FEMALE = _latin_pool(
    """Maria, Elena, Ioana, Andreea, Mihaela, Ana, Cristina, Alexandra, Gabriela, Daniela,
    Nicoleta, Alina, Georgiana, Mariana, Adriana, Florentina, Ionela, Roxana, Simona, Ramona,
    Elisabeta, Mădălina, Raluca, Bianca, Denisa, Larisa, Diana, Oana, Loredana, Camelia, Laura,
    Irina, Claudia, Monica, Luminița, Violeta, Carmen, Anca, Florina, Iuliana, Corina, Cătălina,
    Valentina, Petronela, Ștefania, Teodora, Lăcrămioara, Geanina, Cosmina, Medeea, Sorina,
    Marinela, Viorica, Aurelia, Doina, Rodica, Mirela, Gheorghița, Florica, Anișoara, Paula,
    Sabina, Antonia, Patricia, Ecaterina, Iustina, Lavinia, Delia, Tatiana, Ileana, Emilia,
    Silvia, Veronica, Aurora, Steluța, Lenuța, Dumitrița, Mioara, Natalia, Magdalena, Adelina,
    Ionuța, Narcisa, Alexia, Daria, Amalia, Crina, Rebeca, Sara, Manuela""",
    0.9,
)
_RO_SECOND = _latin_pool(
    """Maria, Elena, Cristina, Alexandra, Ioana, Daniela, Gabriela, Andreea, Mădălina,
    Georgiana, Nicoleta, Mihaela, Magdalena, Roxana, Florentina, Ionela, Bianca, Larisa""",
    0.9,
)
_RO_MALE = _latin_pool(
    """Ion, Gheorghe, Vasile, Constantin, Mihai, Alexandru, Nicolae, Andrei, Marian, Florin,
    Adrian, Daniel, Cristian, Ionuț, Gabriel, Bogdan, Marius, Ștefan, Costel, Cătălin, Sorin,
    Claudiu, Viorel, Dănuț, Liviu, Răzvan, Valentin, Petrică, Cosmin, Ionel, Dorel, Fănel,
    Georgel, Nelu, Sebastian"""
)
_RO_SURNAMES = _latin_pool(
    """Popa, Popescu, Pop, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu, Ionescu, Rusu,
    Constantin, Mihai, Munteanu, Ilie, Marin, Florea, Georgescu, Lazăr, Dinu, Tudor, Moldovan,
    Barbu, Ion, Preda, Diaconu, Șerban, Nistor, Ursu, Popovici, Ene, Cristea, Stanciu, Toma,
    Ștefan, Dobre, Moraru, Dragomir, Sandu, Vasile, Enache, Anghel, Neagu, Sima, Mocanu, Lungu,
    Iordache, Coman, Bălan, Oprea, Voicu, Nedelcu, Manea, Zamfir, Sârbu, Rădulescu, Nae, Mitrea,
    Țurcanu, Niculescu, Grigore, Bratu, Dănilă, Stoian, Roman, Tănase, Costea, Neacșu, Băluță,
    Cojocaru, Chiriac, Filip, Avram, Ispas, Olteanu, Păun, Ardeleanu, Mircea, Ciocan, Căldăraru,
    Lăutaru, Boldea, Pădureanu, Țăranu, Cârstea, Mușat, Găină, Jitaru, Ciurar, Fieraru, Spoitoru,
    Lingurar, Ciucă, Pătrașcu"""
)
_RO_PLACES = _latin_pool(
    """București, Iași, Constanța, Craiova, Timișoara, Brașov, Galați, Ploiești, Cluj-Napoca,
    Brăila, Oradea, Bacău, Pitești, Arad, Sibiu, Târgu Jiu, Botoșani, Suceava, Piatra Neamț,
    Drobeta-Turnu Severin, Focșani, Buzău, Slatina, Călărași, Târgoviște, Alexandria, Giurgiu,
    Vaslui, Bârlad, Roman, Caracal, Tecuci, Târgu Mureș, Satu Mare, Baia Mare, Slobozia"""
)

# ---- Moldovan (Romanian names, Russian-Cyrillic documents) ---------------

_MD_FEMALE = _pair_pool(
    """Maria=Мария, Elena=Елена, Natalia=Наталья, Olga=Ольга, Tatiana=Татьяна, Irina=Ирина,
    Ana=Анна, Cristina=Кристина, Victoria=Виктория, Svetlana=Светлана, Ludmila=Людмила,
    Valentina=Валентина, Galina=Галина, Iulia=Юлия, Ecaterina=Екатерина, Mariana=Мариана,
    Doina=Дойна, Angela=Анжела, Oxana=Оксана, Nadejda=Надежда, Alina=Алина, Diana=Диана,
    Daniela=Даниэла, Veronica=Вероника, Aurelia=Аурелия, Corina=Корина, Lilia=Лилия,
    Liliana=Лилиана, Nicoleta=Николета, Inga=Инга, Eugenia=Евгения, Dorina=Дорина,
    Silvia=Сильвия, Stela=Стелла, Adriana=Адриана, Vera=Вера, Marina=Марина, Tamara=Тамара,
    Larisa=Лариса, Zinaida=Зинаида, Raisa=Раиса, Lidia=Лидия, Ina=Инна, Snejana=Снежана,
    Rodica=Родика, Viorica=Виорика, Ala=Алла, Violeta=Виолета, Carolina=Каролина,
    Alexandra=Александра, Dumitrița=Думитрица, Cătălina=Кэтэлина, Mihaela=Михаэла,
    Renata=Рената, Anastasia=Анастасия, Evelina=Эвелина, Ionela=Ионела, Xenia=Ксения,
    Valeria=Валерия, Aliona=Алёна, Emilia=Эмилия, Elizaveta=Елизавета""",
    0.9,
)
_MD_SECOND = _pair_pool(
    "Maria=Мария, Elena=Елена, Ana=Анна, Cristina=Кристина, Alexandra=Александра, Ioana=Иоана",
)
_MD_MALE = _pair_pool(
    """Ion=Ион, Vasile=Василе, Sergiu=Сергей, Andrei=Андрей, Igor=Игорь, Vadim=Вадим,
    Victor=Виктор, Alexandru=Александр, Dumitru=Дмитрий, Nicolae=Николай, Gheorghe=Георге,
    Mihai=Михаил, Vitalie=Виталий, Oleg=Олег, Ruslan=Руслан, Eugen=Евгений, Valeriu=Валерий,
    Pavel=Павел, Iurie=Юрий, Petru=Пётр, Radu=Раду, Dorin=Дорин, Veaceslav=Вячеслав,
    Constantin=Константин, Artur=Артур, Maxim=Максим"""
)
_MD_SURNAMES = _pair_pool(
    """Rusu=Русу, Ceban=Чебан, Ciobanu=Чобану, Țurcanu=Цуркану, Cebotari=Чеботарь, Lungu=Лунгу,
    Munteanu=Мунтяну, Rotari=Ротарь, Roșca=Рошка, Cojocaru=Кожокару, Melnic=Мельник,
    Sîrbu=Сырбу, Popa=Попа, Moraru=Морару, Guțu=Гуцу, Botnari=Ботнарь, Grosu=Гросу, Ursu=Урсу,
    Bălan=Бэлан, Mocanu=Мокану, Railean=Райлян, Cazacu=Казаку, Chiriac=Кирияк, Pascari=Паскарь,
    Vrabie=Врабие, Jitari=Житарь, Bivol=Бивол, Croitor=Кроитор, Negru=Негру, Caraman=Караман,
    Ciorbă=Чорбэ, Țurcan=Цуркан, Cravcenco=Кравченко, Bodrug=Бодруг, Spînu=Спыну, Leahu=Ляху,
    Postolachi=Постолаки, Plămădeală=Пламэдялэ, Cușnir=Кушнир, Nistor=Нистор, Tabac=Табак,
    Popescu=Попеску, Prodan=Продан, Sandu=Санду, Onu=Ону, Cucu=Куку, Gîrlea=Гырля,
    Donică=Доникэ, Baciu=Бачу, Ciubotaru=Чуботару, Andronic=Андроник, Gheorghiță=Георгицэ,
    Bejan=Бежан, Buzu=Бузу, Calancea=Каланча, Cernei=Черней, Chirița=Кирица, Dabija=Дабижа,
    Doroftei=Дорофтей, Enache=Енаке, Frunză=Фрунзэ, Grigoriță=Григорицэ, Iordan=Иордан,
    Lupu=Лупу, Lupașcu=Лупашку, Mardari=Мардарь, Mîndru=Мындру, Năstase=Нэстасе, Oprea=Опря,
    Pîrlog=Пырлог, Rotaru=Ротару, Scutaru=Скутару, Stratan=Стратан, Tcaci=Ткач,
    Ungureanu=Унгуряну, Vieru=Виеру, Zaharia=Захария, Harea=Харя, Josan=Жосан,
    Pleșca=Плешка, Guzun=Гузун, Ciornîi=Черный, Bostan=Бостан, Chetraru=Кетрару"""
)
_MD_PLACES = _pair_pool(
    """Chișinău=Кишинёв, Bălți=Бельцы, Tiraspol=Тирасполь, Bender=Бендеры, Cahul=Кагул,
    Ungheni=Унгены, Soroca=Сороки, Orhei=Оргеев, Comrat=Комрат, Edineț=Единцы,
    Strășeni=Страшены, Hîncești=Хынчешты, Drochia=Дрокия, Căușeni=Каушаны, Florești=Флорешты,
    Fălești=Фалешты, Ialoveni=Яловены, Anenii Noi=Новые Анены, Rîșcani=Рышканы,
    Criuleni=Криуляны"""
)

# ---- Bulgarian (Cyrillic; Latin = Streamlined System) --------------------

_BG_FEMALE = _bg_pool(
    """Мария, Иванка, Елена, Йорданка, Пенка, Маргарита, Виолета, Даниела, Радка, Росица, Галя,
    Надежда, Снежана, Цветанка, Стефка, Красимира, Валентина, Веселина, Десислава, Гергана,
    Петя, Милена, Цветелина, Теодора, Николета, Габриела, Виктория, Александра, Симона,
    Кристина, Моника, Ивана, Зорница, Деница, Радостина, Силвия, Емилия, Анелия, Ралица,
    Калина, Биляна, Мирослава, Станка, Тодорка, Мариела, Катя, Ани, Ваня, Светла, Румяна,
    Таня, Пламена, Невена, Христина, Айше, Фатме, Емине, Сибел, Гюлтен, Севдалина, Кремена,
    Боряна, Юлияна, Жана, Петранка""",
    0.9,
)
_BG_MALE = _bg_pool(
    """Иван, Георги, Димитър, Николай, Петър, Христо, Стоян, Тодор, Васил, Атанас, Ангел,
    Йордан, Красимир, Пламен, Стефан, Мехмед, Ахмед, Асен, Милен, Валентин, Цветан, Емил,
    Калоян, Мартин, Живко, Юлиан"""
)
_BG_SURNAME_BASES = """Иванов, Георгиев, Димитров, Петров, Николов, Христов, Стоянов, Тодоров,
    Илиев, Василев, Атанасов, Петков, Ангелов, Йорданов, Колев, Маринов, Попов, Стефанов,
    Михайлов, Костов, Крумов, Асенов, Рангелов, Митев, Кирилов, Симеонов, Цветков, Павлов,
    Александров, Янков, Костадинов, Славов, Добрев, Митков, Найденов, Станев, Русев, Радев,
    Стойков, Борисов, Младенов, Минчев, Пенев, Денев, Кръстев, Вълчев, Жеков, Чакъров, Шишков,
    Щерев, Юруков, Мехмедов, Ахмедов, Исмаилов, Хасанов, Юсеинов, Алиев, Мустафов, Салиев,
    Методиев, Любенов, Генов, Енчев, Тончев, Желязков, Гочев, Бончев, Кунчев, Манолов,
    Мартинов, Начев, Огнянов, Пеев, Раднев, Стайков, Танев, Узунов, Филипов, Хаджиев, Цонев,
    Чолаков, Шопов, Якимов, Ганчев, Драганов"""
_BG_FEMALE_SURNAMES = _bg_pool(_BG_SURNAME_BASES, suffix="а")
_BG_MALE_SURNAMES = _bg_pool(_BG_SURNAME_BASES)
_BG_PLACES = _bg_pool(
    """София, Пловдив, Варна, Бургас, Русе, Стара Загора, Плевен, Сливен, Добрич, Шумен,
    Пазарджик, Ямбол, Хасково, Перник, Благоевград, Велико Търново, Враца, Габрово, Видин,
    Монтана, Кърджали, Лом, Казанлък, Асеновград, Кюстендил, Нова Загора, Карлово"""
)

# ---- Hungarian -----------------------------------------------------------

_HU_FEMALE = _latin_pool(
    """Mária, Erzsébet, Katalin, Ilona, Éva, Anna, Zsuzsanna, Margit, Judit, Ágnes, Andrea,
    Erika, Krisztina, Márta, Edit, Gabriella, Szilvia, Anita, Mónika, Tímea, Eszter, Viktória,
    Nikolett, Zsófia, Anikó, Klára, Melinda, Beáta, Dóra, Renáta, Brigitta, Rita, Noémi,
    Boglárka, Petra, Réka, Fanni, Vivien, Dorina, Kitti, Alexandra, Bianka, Barbara, Csilla,
    Enikő, Orsolya, Henrietta, Hajnalka, Zita, Gyöngyi, Tünde, Ildikó, Rozália, Irén, Veronika,
    Szabina, Klaudia, Evelin, Jázmin, Dzsenifer, Hédi, Kinga, Lilla, Júlia, Nóra""",
    0.9,
)
_HU_SECOND = _latin_pool("Mária, Anna, Erzsébet, Katalin, Zsófia, Éva, Ilona")
_HU_MALE = _latin_pool(
    """László, István, József, János, Zoltán, Sándor, Gábor, Ferenc, Attila, Péter, Tamás,
    Zsolt, Tibor, András, Csaba, Imre, Lajos, György, Balázs, Róbert, Norbert, Krisztián, Gyula,
    Béla, Roland, Dávid, Ádám"""
)
_HU_SURNAMES = _latin_pool(
    """Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh, Farkas, Balogh, Papp,
    Takács, Juhász, Lakatos, Mészáros, Oláh, Simon, Rácz, Fekete, Szilágyi, Török, Fehér,
    Balázs, Gál, Kis, Szűcs, Kocsis, Orsós, Pintér, Fodor, Szalai, Sipos, Magyar, Lukács,
    Gulyás, Biró, Király, Balog, László, Katona, Jakab, Bogdán, Sándor, Boros, Fazekas,
    Kelemen, Antal, Váradi, Soós, Orbán, Pásztor, Hegedűs, Deák, Bodnár, Vincze, Hajdu, Szőke,
    Illés, Pálinkás, Vass, Halász, Bakó, Kun, Major, Somogyi, Csonka, Kozma, Bognár, Erdős,
    Szekeres, Vörös, Csizmadia, Berki, Kolompár, Sárközi, Rostás, Csóka, Bárány, Budai,
    Hegyi, Máté, Péter, Dudás, Gergely, Nemes, Fülöp, Szénási, Győri, Dobos"""
)
_HU_PLACES = _latin_pool(
    """Budapest, Debrecen, Miskolc, Szeged, Nyíregyháza, Pécs, Győr, Ózd, Kecskemét,
    Székesfehérvár, Szombathely, Szolnok, Tatabánya, Kaposvár, Eger, Salgótarján,
    Nagykanizsa, Békéscsaba, Sátoraljaújhely, Kazincbarcika, Hódmezővásárhely, Mátészalka,
    Tiszavasvári, Encs"""
)

# ---- Nigerian (Edo, Igbo, Yoruba) ----------------------------------------

_NG_FEMALE = _latin_pool(
    """Blessing, Joy, Precious, Favour, Gift, Happiness, Mercy, Peace, Faith, Patience, Esther,
    Grace, Success, Osas, Beauty, Princess, Goodness, Rita, Juliet, Vivian, Osasu, Efe, Ivie,
    Eki, Itohan, Isoken, Ewere, Adesuwa, Osaro, Ese, Omosede, Nosa, Ngozi, Chioma, Adaeze,
    Chinwe, Nkechi, Amaka, Ifeoma, Chiamaka, Obiageli, Uchechi, Funmilayo, Folake, Bukola,
    Yetunde, Kemi, Titilayo, Temitope, Omolara, Omowunmi, Abiodun, Aisha, Comfort, Charity,
    Loveth, Endurance, Glory, Believe, Prosper, Victoria, Jennifer, Rose, Deborah, Sandra,
    Helen, Stella""",
    0.9,
)
_NG_MALE = _latin_pool(
    """Osagie, Osaretin, Eghosa, Efosa, Nosakhare, Uyi, Ehis, Emeka, Chinedu, Obinna,
    Ikechukwu, Chukwudi, Uche, Tunde, Segun, Kunle, Olumide, Femi, Babatunde, Ayodele, Sunday,
    Monday, Friday, Godwin, Lucky, Innocent, Kingsley, Collins, Samuel, Emmanuel, Festus"""
)
_NG_SURNAMES = _latin_pool(
    """Osagie, Igbinedion, Omoregie, Okonkwo, Adebayo, Osaretin, Ehigiator, Aigbe, Idahosa,
    Obasogie, Ogbeide, Osayande, Uwaifo, Edosomwan, Iyamu, Aghedo, Ekhator, Erhabor, Imafidon,
    Irabor, Okoro, Okafor, Eze, Nwosu, Okeke, Obi, Onyeka, Chukwu, Nwachukwu, Ibe, Ugwu,
    Anyanwu, Ezeh, Okoye, Adeyemi, Ogunleye, Olawale, Bakare, Afolabi, Oyelaran, Ogunbiyi,
    Adewale, Akinola, Balogun, Oladipo, Ajayi, Osazuwa, Osakue, Ighodaro, Omorogbe, Eguavoen,
    Agbonlahor, Ebohon, Evbuomwan, Izevbigie, Obaseki, Oghogho, Osemwegie, Uwadiae,
    Aiyevbomwan, Ehiorobo, Enabulele, Igbinosa, Iyoha, Omoruyi, Ogiemwonyi, Oronsaye,
    Uzamere, Edokpolo, Eweka, Idehen, Okunbor, Omonzokpia, Ugiagbe, Usiobaifo, Asemota,
    Nosakhare, Aimuanwosa, Ehimare, Ohenhen, Obazee, Aibangbee, Uyigue, Efe, Ikponmwosa,
    Odia, Ogbebor, Ihama, Okundaye"""
)
_NG_PLACES = _latin_pool(
    """Benin City, Lagos, Ekpoma, Uromi, Auchi, Irrua, Abuja, Port Harcourt, Warri, Sapele,
    Asaba, Enugu, Onitsha, Owerri, Ibadan, Aba, Abeokuta, Akure, Ogbomosho, Kano, Igarra,
    Ubiaja, Agbor"""
)

# ---- Dutch ---------------------------------------------------------------

_NL_FEMALE = _latin_pool(
    """Anna, Emma, Sanne, Lisa, Fleur, Julia, Sophie, Eva, Lotte, Anouk, Laura, Iris, Kim,
    Naomi, Maria, Esther, Femke, Nina, Romy, Lieke, Demi, Britt, Melissa, Denise, Chantal,
    Priscilla, Kelly, Samantha, Marloes, Noor, Linda, Sandra, Monique, Bianca, Daphne, Jessica,
    Kimberley, Shirley, Tamara, Maaike, Ilse, Mirjam, Petra, Yvonne, Jolanda, Nikki, Shanna,
    Celine, Amber, Jasmijn, Roos, Isa, Tess, Zoë, Chelsea, Stephanie, Jennifer, Angelique,
    Wendy, Natasja, Mandy, Kirsten, Manon, Rianne, Marieke""",
    0.9,
)
_NL_MALE = _latin_pool(
    """Jan, Peter, Mark, Dennis, Kevin, Jeroen, Sander, Ricardo, Patrick, Johan, Martijn, Bas,
    Niels, Stefan, Mike, Ricky, Rick, Kees, Henk, Willem, Erik, Marco, Richard, Bart, Tim,
    Joost, Youssef, Mohammed, Nordin, Romano"""
)
_NL_SURNAMES = _latin_pool(
    """de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, Meijer,
    de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit,
    Dijkstra, Smits, de Graaf, van der Meer, van der Linden, Kok, Jacobs, de Haan, Vermeulen,
    van den Heuvel, van der Veen, van den Broek, de Bruijn, de Bruin, van der Heijden,
    Schouten, van Beek, Willems, van Vliet, van de Ven, Hoekstra, Maas, Verhoeven, Koster,
    van Dam, van der Wal, Prins, Blom, Huisman, Peeters, de Jonge, Kuipers, van Veen, Post,
    Kuiper, Veenstra, Kramer, van den Brink, Scholten, van Wijk, Postma, Martens, Vink,
    de Ruiter, Timmermans, Groen, Gerritsen, Jonker, van Loon, Boer, van der Velde, Willemsen,
    Smeets, de Lange, de Vos, Bosch, van Dongen, Schipper, de Koning, van der Laan, Koning,
    van der Velden, Driessen, van Doorn, Hermans, Evers, van den Bosch, van der Meulen,
    Hofman, Bosman, Wolters, Sanders, van der Horst, Mol, Kuijpers, Molenaar, van de Pol,
    de Leeuw, Verbeek, van der Berg"""
)
_NL_PLACES = _latin_pool(
    """Amsterdam, Rotterdam, 's-Gravenhage, Utrecht, Eindhoven, Groningen, Tilburg, Almere,
    Breda, Nijmegen, Arnhem, Haarlem, Enschede, Zwolle, Leeuwarden, Maastricht, Dordrecht,
    Zaandam, Heerlen, Alkmaar, 's-Hertogenbosch, Apeldoorn, Leiden, Den Helder, Emmen"""
)

POPULATIONS: dict[str, Population] = {
    "RO": Population(
        "RO", "Romanian", Nationality("ROU", "Roemeense", "Romanian"),
        _RO_FEMALE, _RO_MALE, _RO_SURNAMES, _RO_SURNAMES, _RO_PLACES,
        second_given=_RO_SECOND, double_given_rate=0.30, phone_country="RO",
    ),
    "MD": Population(
        "MD", "Moldovan", Nationality("MDA", "Moldavische", "Moldovan"),
        _MD_FEMALE, _MD_MALE, _MD_SURNAMES, _MD_SURNAMES, _MD_PLACES,
        second_given=_MD_SECOND, double_given_rate=0.10, cyrillic_system="ru",
        cyrillic_document_rate=0.55, phone_country="MD",
    ),
    "BG": Population(
        "BG", "Bulgarian", Nationality("BGR", "Bulgaarse", "Bulgarian"),
        _BG_FEMALE, _BG_MALE, _BG_FEMALE_SURNAMES, _BG_MALE_SURNAMES, _BG_PLACES,
        cyrillic_system="bg", cyrillic_document_rate=1.0, phone_country="BG",
    ),
    "HU": Population(
        "HU", "Hungarian", Nationality("HUN", "Hongaarse", "Hungarian"),
        _HU_FEMALE, _HU_MALE, _HU_SURNAMES, _HU_SURNAMES, _HU_PLACES,
        second_given=_HU_SECOND, double_given_rate=0.08, phone_country="HU",
        surname_first=True,
    ),
    "NG": Population(
        "NG", "Nigerian", Nationality("NGA", "Nigeriaanse", "Nigerian"),
        _NG_FEMALE, _NG_MALE, _NG_SURNAMES, _NG_SURNAMES, _NG_PLACES,
        phone_country="NG",
    ),
    "NL": Population(
        "NL", "Dutch", Nationality("NLD", "Nederlandse", "Dutch"),
        _NL_FEMALE, _NL_MALE, _NL_SURNAMES, _NL_SURNAMES, _NL_PLACES,
        double_given_rate=0.05, second_given=_latin_pool("Maria, Johanna, Anna, Elisabeth"),
    ),
}  # fmt: skip

#: Share of each population among the women met in control (rough, from public reports).
POPULATION_MIX: dict[str, float] = {
    "RO": 0.36, "MD": 0.06, "BG": 0.15, "HU": 0.16, "NG": 0.11, "NL": 0.16,
}  # fmt: skip

#: Working names ("aliases") used in adverts and sometimes given at a control.
WORKING_NAMES: Pool[Name] = _latin_pool(
    """Jessica, Bella, Angel, Nikki, Sasha, Vanessa, Monica, Bianca, Diana, Candy, Lara, Kira,
    Sabrina, Natasha, Roxy, Eva, Stella, Jasmine, Cindy, Mia, Alexa, Barbie, Lola, Tina"""
)

# --------------------------------------------------------------------------
# Municipalities, postcodes, plates, phones, documents
# --------------------------------------------------------------------------

#: A default set of municipalities (CBS code -> name) with their postcode ranges.
GEMEENTEN: dict[str, tuple[str, int, int]] = {
    "GM0363": ("Amsterdam", 1011, 1109),
    "GM0599": ("Rotterdam", 3011, 3089),
    "GM0518": ("'s-Gravenhage", 2491, 2599),
    "GM0344": ("Utrecht", 3511, 3585),
    "GM0772": ("Eindhoven", 5611, 5658),
    "GM0014": ("Groningen", 9711, 9747),
    "GM0855": ("Tilburg", 5011, 5049),
    "GM0034": ("Almere", 1311, 1363),
    "GM0758": ("Breda", 4811, 4839),
    "GM0268": ("Nijmegen", 6511, 6546),
    "GM0202": ("Arnhem", 6811, 6846),
    "GM0392": ("Haarlem", 2011, 2037),
    "GM0153": ("Enschede", 7511, 7548),
    "GM0193": ("Zwolle", 8011, 8045),
    "GM0080": ("Leeuwarden", 8911, 8941),
    "GM0935": ("Maastricht", 6211, 6229),
    "GM0505": ("Dordrecht", 3311, 3329),
    "GM0479": ("Zaanstad", 1501, 1567),
    "GM0917": ("Heerlen", 6411, 6422),
    "GM0361": ("Alkmaar", 1811, 1834),
    "GM0796": ("'s-Hertogenbosch", 5211, 5249),
    "GM0200": ("Apeldoorn", 7311, 7339),
    "GM0546": ("Leiden", 2311, 2334),
    "GM0400": ("Den Helder", 1781, 1789),
}

DEFAULT_GEMEENTEN: tuple[str, ...] = tuple(GEMEENTEN)


def postcode_range(gemeente: str) -> tuple[int, int]:
    """Postcode digits used in a municipality; unknown codes get a stable pseudo-range."""
    if gemeente in GEMEENTEN:
        _, lo, hi = GEMEENTEN[gemeente]
        return lo, hi
    base = 1000 + (zlib.crc32(gemeente.encode()) % 89) * 100
    return base + 11, base + 60


# Postcode letters: PostNL never issues SA, SD, SS as the letter pair.
_PC_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_PC_FORBIDDEN = {"SA", "SD", "SS"}


def random_postcode(rng: Random, gemeente: str) -> str:
    """Canonical Dutch postcode "1234AB" inside the municipality's range."""
    lo, hi = postcode_range(gemeente)
    while True:
        letters = rng.choice(_PC_LETTERS) + rng.choice(_PC_LETTERS)
        if letters not in _PC_FORBIDDEN:
            return f"{rng.randint(lo, hi)}{letters}"


def random_house_number(rng: Random) -> str:
    """House number with the additions seen in Dutch addresses (12, 12A, 112-2, 7 hs)."""
    n = min(int(rng.paretovariate(1.2)), 400) if rng.random() < 0.6 else rng.randint(1, 150)
    r = rng.random()
    if r < 0.12:
        return f"{n}{rng.choice('ABCD')}"
    if r < 0.20:
        return f"{n}-{rng.randint(1, 4)}"
    if r < 0.24:
        return f"{n} hs"
    return str(n)


# NL plates: only these consonants (no vowels, no C/Q/W/Y/M in most series).
_NL_PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"
_NL_SIDECODES = ("XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "99-XXX-9", "9-XXX-99",
                 "XX-999-X", "X-999-XX", "XXX-99-X", "9-XX-999", "999-XX-9")  # fmt: skip
_RO_COUNTIES = ("B", "CJ", "IS", "CT", "DJ", "TM", "BV", "GL", "PH", "BR", "BC", "AG",
                "AR", "SB", "GJ", "BT", "SV", "NT", "MH", "VN", "BZ", "OT", "CL", "DB",
                "TR", "GR")  # fmt: skip
_BG_PLATE_LETTERS = "ABEKMHOPCTYX"  # Latin letters that exist in Cyrillic too
_BG_REGIONS = ("CA", "C", "PB", "B", "A", "P", "EH", "CH", "TX", "H", "PA", "Y",
               "X", "PK", "E", "BT", "BH", "EB", "K", "KH", "M", "CC", "CB", "OB",
               "T", "CM", "CO")  # fmt: skip
_HU_PLATE_LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXZ"


def random_plate(rng: Random, country: str = "NL") -> str:
    """Canonical licence plate as printed on the plate, per country format."""
    if country == "RO":
        county = rng.choice(_RO_COUNTIES)
        digits = rng.randint(10, 199) if county == "B" else rng.randint(1, 99)
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        return f"{county} {digits:02d} {letters}"
    if country == "BG":
        region = rng.choice(_BG_REGIONS)
        tail = rng.choice(_BG_PLATE_LETTERS) + rng.choice(_BG_PLATE_LETTERS)
        return f"{region} {rng.randint(1000, 9999)} {tail}"
    if country == "HU":
        if rng.random() < 0.5:
            letters = "".join(rng.choice(_HU_PLATE_LETTERS) for _ in range(3))
            return f"{letters}-{rng.randint(100, 999)}"
        letters = "".join(rng.choice(_HU_PLATE_LETTERS) for _ in range(4))
        return f"{letters[:2]} {letters[2:]}-{rng.randint(100, 999)}"
    side = rng.choice(_NL_SIDECODES)
    return "".join(
        rng.choice(_NL_PLATE_LETTERS) if c == "X" else str(rng.randint(0, 9)) if c == "9" else c
        for c in side
    )


#: Country calling code and mobile number shapes (prefixes after the country code).
_MOBILE = {
    "NL": ("31", ("6",), 8),
    "RO": ("40", ("72", "73", "74", "75", "76", "77", "78", "79"), 7),
    "MD": ("373", ("60", "67", "68", "69", "78", "79"), 6),
    "BG": ("359", ("87", "88", "89", "98"), 7),
    "HU": ("36", ("20", "30", "31", "70"), 7),
    "NG": ("234", ("803", "806", "813", "703", "706", "810", "805", "807", "905", "902"), 7),
}


def random_phone(rng: Random, country: str = "NL") -> str:
    """A mobile number in E.164 ("+31612345678"), the canonical form DESIGN §4 asks for."""
    cc, prefixes, digits = _MOBILE.get(country, _MOBILE["NL"])
    prefix = rng.choice(prefixes)
    return f"+{cc}{prefix}{rng.randrange(10**digits):0{digits}d}"


def phone_country_code(e164: str) -> str:
    """Calling code of an E.164 number (longest match among the countries we generate)."""
    for cc in sorted((v[0] for v in _MOBILE.values()), key=len, reverse=True):
        if e164.startswith("+" + cc):
            return cc
    return e164[1:3]


_DOC_LETTERS = "ABCDEFGHJKLMNPRSTUVWXZ"


def _letters(rng: Random, n: int) -> str:
    return "".join(rng.choice(_DOC_LETTERS) for _ in range(n))


def _digits(rng: Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def random_document(rng: Random, population: str, kind: str) -> str:
    """Identity document number in the issuing country's shape (kind: passport or id)."""
    if population == "RO":
        return _letters(rng, 2) + _digits(rng, 6) if kind == "id" else "0" + _digits(rng, 8)
    if population == "MD":
        return "A" + _digits(rng, 8) if kind == "id" else _letters(rng, 2) + _digits(rng, 7)
    if population == "BG":
        return _digits(rng, 9)
    if population == "HU":
        return (
            _digits(rng, 6) + _letters(rng, 2)
            if kind == "id"
            else _letters(rng, 2) + (_digits(rng, 7))
        )
    if population == "NG":
        return "A" + _digits(rng, 8) if kind == "passport" else _digits(rng, 11)
    # NL: two letters, six alphanumerics (no O), one digit.
    mid = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6))
    return _letters(rng, 2) + mid + _digits(rng, 1)


#: Fictional advert sites (prefix of advert ids).
ADVERT_SITES: tuple[str, ...] = ("KB", "SJ", "RL", "EX", "HS", "DS")


def random_advert_id(rng: Random) -> str:
    """Advert identifier as copied from an advertising site: site prefix plus number."""
    return f"{rng.choice(ADVERT_SITES)}-{rng.randint(100000, 9999999)}"

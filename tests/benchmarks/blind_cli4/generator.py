"""Synthetic municipal exports of sex-work controls, for blind_cli4.

Written by an outsider from the product brief (DESIGN.md, its section 10
for the columns) and the README up to its "CSV import" part only; nothing
from the product's linkage code or from the other benchmarks' generators.
Python standard library only.  ``generate(seed, out_dir, women)`` writes:

- ``GM0363.csv`` ... ``GM0772.csv``: six municipalities' exports, each as
  its own inspection system writes it (below);
- ``truth.csv`` (gemeente, case_ref, observed_on ISO, woman_id): one line
  per control; a repeated export line is one control;
- ``women.csv``, ``relations.csv`` (twin, sister, cousin, namesake,
  network), ``errors.csv`` (the recording errors each row carries, how it
  was recorded, whether the import is expected to refuse it) and
  ``rows.csv`` (each row as written, in UTF-8, for the report's examples).

Helpers: ``names.py`` (name, place tables), ``textops.py``
(transliteration, spelling by ear, typos, encodings).

Who the women are (shares of women; my assumptions, not statistics)
-------------------------------------------------------------------
Dutch reports on window and escort work describe a population that is
mostly Central/East European in the windows, Dutch in escort and home
work, Nigerian among the identified trafficking victims, Thai and Chinese
in massage and private houses, Latin American in clubs, and Ukrainian
since 2022.  I chose:

=================  =====  ====================================================
population         share  sub-groups / why
=================  =====  ====================================================
Romania              22%  12% of them Hungarian-speaking Transylvanians (Hungarian
                          names on Romanian papers, Hungarian town names)
Hungary              11%  family name said first; ő/ű that Windows-1252 lacks
Bulgaria             10%  Cyrillic papers; 20% Turkish minority (Айше = Ayşe)
Moldova               6%  45% also hold a Romanian passport (other nationality,
                          other number); 45% speak Russian (Наталья Чобану)
Ukraine               6%  2010 vs older passport romanisation; Russian forms
Nigeria               9%  Edo names, several given names in changing order;
                          Italian permits; 15% an assigned 01-01 date on an
                          asylum paper; 4% of network women a borrowed passport
Thailand              6%  nickname vs formal name; 15% a Dutch married name
China                 5%  family name first; pinyin split; English work names;
                          3% borrowed passport
Vietnam               2%  Nguyễn Thị ...: order and middle names
Latin America        10%  Colombia 40%, Dominican Rep. 30%, Venezuela 15%,
                          Brazil 15%; two surnames; 3% trans women (male name
                          and sex on the passport, female name in use)
Netherlands          13%  25% Surinamese/Antillean Dutch; official given names
                          vs roepnaam; particles; married "Jansen-de Vries"
=================  =====  ====================================================

Relatives and look-alikes (per new woman, drawn from an earlier woman of
the same sub-group): twin 0.7% (same surname, date and town of birth;
passports often issued together, so numbers one apart in 30%), sister 2.8%
(same surname, town, father's name; born 1-9 years apart), cousin 1.4%
(same surname and town), namesake 2.2% (same first given name and surname;
30% the same year of birth, 30% the same town).  Common names are drawn
with Zipf weights, so more namesakes arise by themselves.  Networks: a
woman joins one with her population's probability (Nigeria 60%, Vietnam
60%, China 50%, Romania/Bulgaria 45%, Hungary 40%, Moldova 35%,
Thailand/Latin America 30%, Ukraine 25%, Netherlands 8%); a network of 2-7
shares booking phones, a car, apartments, advert ids and a controller who
is sometimes present (companion).  A network's women rotate through 2-5
towns every 1-6 weeks (the carousel); others stay in one or two towns.
Window buildings, hotels and clubs give unrelated women the same address.

Controls per woman: 1 + Poisson(2.0) in a network, 1 + Poisson(1.0) for
other migrants, 1 + Poisson(0.7) for Dutch women, between 18 months ago
and yesterday; about 2.4 rows per woman.

How a control is recorded
-------------------------
Each control is recorded from one source, by setting (document / window
operator's register / heard aloud / advert or booking screen): window
80/10/10/0, club 68/5/27/0, private address 52/0/40/8, hotel 50/0/40/10,
escort 45/0/33/22, street 40/0/60/0, online 10/0/15/75.  Most APVs oblige a
sex worker to identify herself to the toezichthouder, so a document is the
rule where she is met; where she is not (an advert screened, a booking
phone called) or works illegally, what she says or the advert says is what
is written.  A controlled ("instructed") woman (25% of network women, 3% of
others) shows a document 60% less often and gives false particulars more
often.

Recording errors and their rates (label in errors.csv in brackets):

- document read: a second given name dropped 15% (given_dropped); Nigerian
  given names reordered 25% (given_order); father's name copied from a
  Bulgarian ID card 30%, Ukrainian patronymic 30% of ID cards (patronymic);
  second surname of a Spanish double surname dropped 25%, hyphenated 8%
  (double_surname); fields swapped: Chinese/Vietnamese 15%, Hungarian 6%,
  Transylvanian 4%, others 2% (swap); another document of hers than her
  first: its own romanisation (translit), married name (married), number
  (doc_other), nationality (nat_alt) or assigned date (dob_assigned);
- heard aloud: her call name, diminutive or Thai nickname 60% where she
  has one (Thai 70%, Dutch roepnaam 85%) (nickname); a working name
  instead of her name 10% licensed / 30% unlicensed / 60% instructed
  (werknaam), 30% of those with her name beside it in a note
  (werknaam_note: "Elena (Bianca)", "Bianca alias Elena", 'Elena "Bianca"',
  "Bianca / Elena"); surname not given 15% (only_given); spelled by ear
  45% of foreign names, 30% Latin American, 15% Dutch (phonetic); Cyrillic
  names through a Dutch, German or English ear (translit); family name
  said first: written swapped 35%, all in one field 10% (swap, one_field);
  Turkish form of a Bulgarian Turk's name 50% (translit); Spanish second
  surname left out 55% (double_surname); Dutch particles written
  otherwise 30% (particle); married/maiden name (married);
- advert / booking: working name 75%, no surname 85%, no name at all 4%
  (refused: no_name), the advert's phone;
- any name: typing error 4% of rows (typo); diacritics left out 45% of
  rows that have them, ş/ţ with cedilla 15% (diacritics, cedilla); typed
  in Cyrillic 3% of Cyrillic-script women (cyrillic); hyphen/space in
  double given names written otherwise (joined); Chinese characters 4% of
  Chinese rows heard or read off a phone (refused: script); "Maria 2"
  0.2% (refused: digit_word);
- date of birth: from a document exact, but typo 3%, day/month swapped 3%,
  not copied 4%; heard aloud missing 10%, year off by one 5%, a made-up
  date 3% (45% for instructed women, 80% of those the one date she was
  told to give), only a year or "ca." 4%, swapped 2%;
  from an advert missing 85% (dob_typo, dob_swap, dob_missing, dob_year,
  dob_false, dob_partial);
- document number: written 85% when a document is shown; typo 5%
  (one character, O/0, transposition) (doc_typo); the municipality's own
  registration number instead 10% of window controls in Amsterdam and
  Utrecht (doc_registration); words around it 12% ("Paspoort ...",
  "seria RX nr. ...");
- phone: Dutch prepaid SIMs changed every few months, her home number 10%,
  a network booking phone 60% of network escort/home/advert rows; written
  in the national, international, 00 or Excel-mangled form
  (phone_mangled: Den Haag's spreadsheet turned digit-only cells into
  numbers); up to two numbers with notes;
- place of birth: recorded 65% where the column exists; another name of
  the town 60% of heard ones, diacritics lost, the country instead 3%
  (place_variant); sex recorded 85%, a trans woman's passport sex 50%
  (sex_other).

Export systems (the six municipalities)
---------------------------------------
GM0363 Amsterdam: UTF-8, comma, all columns, ISO dates, time of control,
  alpha-3 nationality, "onbekend" for an unknown surname; 1% of controls
  registered twice by two inspectors.
GM0518 Den Haag: Excel "CSV (comma delimited)" in a Dutch locale:
  semicolon, Windows-1252 (ș -> s or ?, Cyrillic -> ???), d-m-yyyy,
  header "Given names", Dutch adjectives ("Roemeense"), digit-only phones
  turned into numbers, an Alt+Enter in 0.5% of places; no plate, advert
  or companion columns.
GM0344 Utrecht: UTF-8 with BOM and "sep=;" line, semicolon; dates of birth
  typed free-hand (14-03-1990, 14.03.1990, 14 maart 1990, 14031990,
  14-03-90, ...); Dutch country names; signals partly free text; 3% of
  lines repeated by an overlapping export.
GM0014 Groningen: tab-separated, written without quoting by a naive
  exporter, two report-title lines above the header; a dossier number per
  woman as case_ref (her controls share it); ISO 5218 sex; 50% of seeds
  one place of birth typed with an opening quote (a quote left open).
GM0361 Alkmaar: database export: "1990-03-14 00:00:00", an unknown date of
  birth as 1900-01-01 half of the time, 5% Excel serial numbers; English
  nationality adjectives; no place-of-birth or advert columns.
GM0772 Eindhoven: a US-locale SaaS: m/d/yyyy everywhere, "Female",
  English country names; 4% of names with letters outside ASCII garbled
  into mojibake (UTF-8 read as Windows-1252); no windows in town.
"""

# ruff: noqa: RUF001  (Cyrillic, Greek and accented letters are the data)

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import random
from dataclasses import dataclass, field

from . import names as N
from .textops import (
    CEDILLA,
    cp1252_lossy,
    is_cyrillic,
    mojibake,
    phonetic,
    strip_diacritics,
    translit,
    typo,
)

GEMEENTEN = ["GM0363", "GM0518", "GM0344", "GM0014", "GM0361", "GM0772"]
TOWN = {
    "GM0363": "Amsterdam",
    "GM0518": "Den Haag",
    "GM0344": "Utrecht",
    "GM0014": "Groningen",
    "GM0361": "Alkmaar",
    "GM0772": "Eindhoven",
}
TOWN_WEIGHT = {
    "GM0363": 0.30,
    "GM0518": 0.20,
    "GM0344": 0.15,
    "GM0014": 0.10,
    "GM0361": 0.11,
    "GM0772": 0.14,
}
POSTCODE = {
    "GM0363": (1011, 1109),
    "GM0518": (2491, 2599),
    "GM0344": (3511, 3585),
    "GM0014": (9711, 9747),
    "GM0361": (1811, 1827),
    "GM0772": (5611, 5658),
}
HAS_WINDOWS = {"GM0363", "GM0518", "GM0344", "GM0014", "GM0361"}

END = dt.date.today() - dt.timedelta(days=1)
START = END - dt.timedelta(days=540)

POPULATIONS = [
    # label, share, [(sub-group, share)], network probability
    ("Romania", 0.22, [("RO", 0.88), ("ROHU", 0.12)], 0.45),
    ("Hungary", 0.11, [("HU", 1.0)], 0.40),
    ("Bulgaria", 0.10, [("BG", 0.8), ("BGTR", 0.2)], 0.45),
    ("Moldova", 0.06, [("MD", 1.0)], 0.35),
    ("Ukraine", 0.06, [("UA", 1.0)], 0.25),
    ("Nigeria", 0.09, [("NG", 1.0)], 0.60),
    ("Thailand", 0.06, [("TH", 1.0)], 0.30),
    ("China", 0.05, [("CN", 1.0)], 0.50),
    ("Vietnam", 0.02, [("VN", 1.0)], 0.60),
    ("Latin America", 0.10, [("CO", 0.4), ("DO", 0.3), ("VE", 0.15), ("BR", 0.15)], 0.30),
    ("Netherlands", 0.13, [("NL", 0.75), ("NLSR", 0.25)], 0.08),
]
POP_OF = {sub: lab for lab, _s, subs, _n in POPULATIONS for sub, _ in subs}
NET_P = {lab: n for lab, _s, _subs, n in POPULATIONS}
NAT_OF = {
    "RO": "ROU",
    "ROHU": "ROU",
    "HU": "HUN",
    "BG": "BGR",
    "BGTR": "BGR",
    "MD": "MDA",
    "UA": "UKR",
    "NG": "NGA",
    "TH": "THA",
    "CN": "CHN",
    "VN": "VNM",
    "CO": "COL",
    "DO": "DOM",
    "VE": "VEN",
    "BR": "BRA",
    "NL": "NLD",
    "NLSR": "NLD",
}
PHONE_CC = {
    "ROU": "40",
    "HUN": "36",
    "BGR": "359",
    "MDA": "373",
    "UKR": "380",
    "NGA": "234",
    "THA": "66",
    "CHN": "86",
    "VNM": "84",
    "COL": "57",
    "DOM": "1",
    "VEN": "58",
    "BRA": "55",
    "NLD": "31",
    "ITA": "39",
    "ESP": "34",
}
# settings each population works in (raam = window)
SETTING_W = {
    "Romania": {"raam": 0.55, "woning": 0.15, "hotel": 0.10, "escort": 0.12, "club": 0.08},
    "Hungary": {"raam": 0.55, "woning": 0.15, "hotel": 0.10, "escort": 0.12, "club": 0.08},
    "Bulgaria": {"raam": 0.55, "woning": 0.15, "hotel": 0.10, "escort": 0.12, "club": 0.08},
    "Moldova": {"escort": 0.35, "woning": 0.25, "hotel": 0.20, "raam": 0.10, "club": 0.10},
    "Ukraine": {"escort": 0.35, "woning": 0.25, "hotel": 0.20, "raam": 0.10, "club": 0.10},
    "Nigeria": {"raam": 0.45, "woning": 0.35, "hotel": 0.10, "escort": 0.10},
    "Thailand": {"woning": 0.55, "club": 0.20, "escort": 0.15, "raam": 0.10},
    "China": {"woning": 0.70, "hotel": 0.15, "escort": 0.15},
    "Vietnam": {"woning": 0.75, "hotel": 0.15, "escort": 0.10},
    "Latin America": {"club": 0.40, "woning": 0.25, "escort": 0.25, "raam": 0.10},
    "Netherlands": {"escort": 0.35, "woning": 0.25, "club": 0.20, "raam": 0.15, "straat": 0.05},
}
LICENSED_P = {
    "raam": 0.95,
    "club": 0.90,
    "escort": 0.50,
    "woning": 0.30,
    "hotel": 0.05,
    "straat": 0.80,
    "online": 0.20,
}
SOURCE_P = {  # document, register, oral, advert
    "raam": (0.80, 0.10, 0.10, 0),
    "club": (0.68, 0.05, 0.27, 0),
    "woning": (0.52, 0, 0.40, 0.08),
    "hotel": (0.50, 0, 0.40, 0.10),
    "escort": (0.45, 0, 0.33, 0.22),
    "straat": (0.40, 0, 0.60, 0),
    "online": (0.10, 0, 0.15, 0.75),
}
FAMILY_FIRST = {"HU", "ROHU", "CN", "VN"}
LANG = {
    "RO": "ro",
    "ROHU": "hu",
    "HU": "hu",
    "BG": "cyr_latin",
    "BGTR": "cyr_latin",
    "MD": "ro",
    "UA": "cyr_latin",
    "NG": "ng",
    "TH": "th",
    "CN": "cn",
    "VN": "vn",
    "CO": "es",
    "DO": "es",
    "VE": "es",
    "BR": "pt",
    "NL": "nl",
    "NLSR": "nl",
}
PARTICLES = [
    "van der",
    "van den",
    "van de",
    "van 't",
    "van",
    "de",
    "ter",
    "in 't",
    "den",
    "der",
    "te",
]


def zipf(rng: random.Random, items, s: float = 0.9):
    w = [1.0 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights=w)[0]


def poisson(rng: random.Random, lam: float) -> int:
    k, p, l_ = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= l_:
            return k
        k += 1


def digits(rng, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng, n: int, alphabet: str = "ABCDEFGHJKLMNPRSTUVWXYZ") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# ---------------------------------------------------------------------------
# women
# ---------------------------------------------------------------------------
@dataclass
class Woman:
    wid: str
    sub: str
    pop: str
    given: list  # given names: Latin, or Cyrillic for BG/UA
    surname: str  # birth surname: Latin, or Cyrillic for BG/UA
    ru_given: str | None = None  # Russian form of the first given name (MD/UA)
    ru_surname: str | None = None
    patronymic: str | None = None  # BG father's name / UA patronymic (Cyrillic)
    ru_patronymic: str | None = None
    father: str | None = None  # to share with sisters
    call: str | None = None  # call name/diminutive/nickname (same script)
    ru_call: str | None = None
    ru_speaker: bool = False
    married: str | None = None  # married surname (Latin), or HU "-né" form
    dob: dt.date = dt.date(1995, 1, 1)
    assigned_dob: dt.date | None = None
    pob: tuple = ("", [])
    nat: str = ""
    docs: list = field(default_factory=list)
    phones: list = field(default_factory=list)  # Dutch SIMs (cc, nsn) in time order
    home_phone: tuple | None = None
    werknamen: list = field(default_factory=list)
    trans_given: str | None = None  # name on her papers when she is a trans woman
    network: int | None = None
    instructed: bool = False
    fake_dob: dt.date | None = None  # the date an instructed woman is told to give
    false_id: dict | None = None
    registration: dict = field(default_factory=dict)
    family: int | None = None
    mobility: str = "local"
    home: str = "GM0363"
    main_setting: str = "woning"


def _dob(rng, lo=19, hi=42, mode=None) -> dt.date:
    age = rng.triangular(lo, hi, mode or lo + 5)
    return _rand_date_in_year(rng, END.year - int(age))


def _rand_date_in_year(rng, y):
    return dt.date(y, 1, 1) + dt.timedelta(days=rng.randint(0, 364))


def _place(rng, table):
    canon, variants = zipf(rng, table, 0.7)
    return (canon, list(variants))


def _doc(kind, number, nat, **kw):
    d = {
        "kind": kind,
        "number": number,
        "nat": nat,
        "translit": None,
        "married": False,
        "dob": None,
    }
    d.update(kw)
    return d


def _nl_docnum(rng, first="N"):
    alnum = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789"
    return first + letters(rng, 1) + "".join(rng.choice(alnum) for _ in range(6)) + digits(rng, 1)


def make_docs(w: Woman, rng) -> None:
    s, nat = w.sub, w.nat
    docs = []
    if s in ("RO", "ROHU"):
        series = rng.choice(
            [
                "RX",
                "RT",
                "RD",
                "RR",
                "KX",
                "KZ",
                "MZ",
                "MX",
                "VS",
                "XV",
                "XB",
                "SV",
                "ZC",
                "IZ",
                "DX",
                "KT",
                "NT",
                "TR",
                "GZ",
                "BZ",
            ]
        )
        docs.append(_doc("ro_id", series + digits(rng, 6), "ROU", married=bool(w.married)))
        if rng.random() < 0.45:
            docs.append(_doc("ro_pass", "0" + digits(rng, 8), "ROU"))
    elif s == "HU":
        docs.append(_doc("hu_id", digits(rng, 6) + letters(rng, 2), "HUN", married=bool(w.married)))
        if rng.random() < 0.4:
            docs.append(_doc("hu_pass", rng.choice(["BE", "BK", "BH"]) + digits(rng, 7), "HUN"))
    elif s in ("BG", "BGTR"):
        docs.append(_doc("bg_id", "6" + digits(rng, 8), "BGR", translit="bg_off"))
        if rng.random() < 0.4:
            docs.append(
                _doc(
                    "bg_pass",
                    "3" + digits(rng, 8),
                    "BGR",
                    translit="bg_old" if rng.random() < 0.3 else "bg_off",
                )
            )
    elif s == "MD":
        docs.append(_doc("md_pass", rng.choice(["AB", "AC", "BA"]) + digits(rng, 7), "MDA"))
        if rng.random() < 0.45:
            docs.append(_doc("ro_pass", "0" + digits(rng, 8), "ROU"))
    elif s == "UA":
        docs.append(
            _doc(
                "ua_pass",
                "F" + rng.choice("AEKNT") + digits(rng, 6),
                "UKR",
                translit="ua_pass" if rng.random() < 0.8 else "ru_icao",
            )
        )
        if rng.random() < 0.4:
            docs.append(_doc("ua_id", "00" + digits(rng, 7), "UKR", translit="ua_pass"))
    elif s == "NG":
        docs.append(_doc("ng_pass", rng.choice("AB") + digits(rng, 8), "NGA"))
        if rng.random() < 0.3:
            docs.append(_doc("it_permit", "I" + digits(rng, 7) + letters(rng, 1), "NGA"))
        if w.assigned_dob:
            docs.append(_doc("nl_w", "W" + digits(rng, 7), "NGA", dob=w.assigned_dob))
    elif s == "TH":
        docs.append(
            _doc(
                "th_pass",
                "A" + rng.choice("ABCA") + digits(rng, 7),
                "THA",
                married=bool(w.married) and rng.random() < 0.5,
            )
        )
        if rng.random() < 0.3:
            docs.append(_doc("th_id", "1" + digits(rng, 12), "THA"))
    elif s == "CN":
        docs.append(_doc("cn_pass", "E" + digits(rng, 8), "CHN"))
        if rng.random() < 0.15:
            docs.append(_doc("cn_id", digits(rng, 17) + rng.choice("0123456789X"), "CHN"))
    elif s == "VN":
        docs.append(_doc("vn_pass", "C" + digits(rng, 7), "VNM"))
    elif s in ("CO", "DO", "VE", "BR"):
        pre = {
            "CO": ["AV", "AT", "PE", "AS"],
            "DO": ["SC", "RD"],
            "VE": [""],
            "BR": ["FZ", "FX", "GA"],
        }[s]
        p = rng.choice(pre)
        docs.append(
            _doc(
                s.lower() + "_pass",
                p + digits(rng, 9 - len(p) if s == "VE" else 7 if s == "DO" else 6),
                nat,
            )
        )
        if s != "BR" and rng.random() < 0.4:
            docs.append(
                _doc(
                    s.lower() + "_ced",
                    {
                        "CO": "10" + digits(rng, 8),
                        "DO": "001" + digits(rng, 8),
                        "VE": digits(rng, 8),
                    }[s],
                    nat,
                )
            )
        if s != "BR" and rng.random() < 0.22:
            docs.append(_doc("es_nie", rng.choice("XY") + digits(rng, 7) + letters(rng, 1), nat))
    else:  # NL
        if rng.random() < 0.8:
            docs.append(_doc("nl_id", _nl_docnum(rng, "I"), "NLD", married=False))
        if not docs or rng.random() < 0.5:
            docs.append(_doc("nl_pass", _nl_docnum(rng, "N"), "NLD"))
    w.docs = docs


def _phone(rng, cc):
    if cc == "31":
        return ("31", "6" + digits(rng, 8))
    mob = {
        "40": lambda: "7" + rng.choice("2345678") + digits(rng, 7),
        "36": lambda: rng.choice(["20", "30", "70"]) + digits(rng, 7),
        "359": lambda: "8" + rng.choice("789") + digits(rng, 7),
        "373": lambda: rng.choice(["6", "7"]) + rng.choice("0789") + digits(rng, 6),
        "380": lambda: rng.choice(["50", "66", "67", "68", "93", "97", "99"]) + digits(rng, 7),
        "234": lambda: (
            rng.choice(["803", "806", "813", "816", "703", "706", "810", "902"]) + digits(rng, 7)
        ),
        "66": lambda: rng.choice("689") + digits(rng, 8),
        "86": lambda: "1" + rng.choice("3589") + digits(rng, 9),
        "84": lambda: rng.choice("39") + digits(rng, 8),
        "57": lambda: "3" + rng.choice("012") + digits(rng, 8),
        "1": lambda: rng.choice(["809", "829", "849"]) + digits(rng, 7),
        "58": lambda: "4" + rng.choice(["12", "14", "16", "24", "26"]) + digits(rng, 7),
        "55": lambda: rng.choice(["11", "21", "62", "31", "81"]) + "9" + digits(rng, 8),
        "39": lambda: "3" + digits(rng, 9),
        "34": lambda: "6" + digits(rng, 8),
    }
    return (cc, mob[cc]())


def make_woman(sub: str, wid: str, rng: random.Random) -> Woman:
    pop = POP_OF[sub]
    w = Woman(wid=wid, sub=sub, pop=pop, given=[], surname="")
    w.nat = NAT_OF[sub]
    if sub == "RO":
        g1 = zipf(rng, N.RO_GIVEN)
        w.given = [g1] + (
            [zipf(rng, [x for x in N.RO_SECOND if x not in g1])]
            if rng.random() < 0.3 and "-" not in g1
            else []
        )
        w.surname = zipf(rng, N.RO_SURNAMES, 0.8)
        w.call = N.RO_CALL.get(g1) if rng.random() < 0.5 else None
        w.pob = _place(rng, N.RO_PLACES)
        if rng.random() < 0.15:
            w.married = zipf(rng, N.RO_SURNAMES, 0.8)
    elif sub in ("ROHU", "HU"):
        g1 = zipf(rng, N.HU_GIVEN)
        w.given = [g1] + ([zipf(rng, N.HU_GIVEN)] if rng.random() < 0.15 else [])
        if len(w.given) == 2 and w.given[0] == w.given[1]:
            w.given = w.given[:1]
        w.surname = zipf(rng, N.HU_SURNAMES, 0.9)
        w.call = N.HU_CALL.get(g1) if rng.random() < 0.5 else None
        w.pob = _place(rng, N.ROHU_PLACES if sub == "ROHU" else N.HU_PLACES)
        if sub == "ROHU":
            w.nat = "ROU"
        if rng.random() < 0.12:
            husband = zipf(rng, N.HU_SURNAMES, 0.9)
            w.married = f"{husband}né {w.surname}" if sub == "HU" else husband
    elif sub in ("BG", "BGTR"):
        tr = sub == "BGTR"
        g1 = zipf(rng, N.BG_TR_GIVEN if tr else N.BG_GIVEN)
        w.given = [g1]
        w.father = zipf(rng, N.BG_TR_FATHERS if tr else N.BG_FATHERS)
        w.patronymic = _bg_patronymic(w.father)
        fam = zipf(rng, N.BG_TR_FATHERS if tr else N.BG_FATHERS)
        w.surname = _bg_patronymic(fam)
        w.call = N.BG_CALL.get(g1) if rng.random() < 0.5 else None
        w.pob = _place(rng, N.BG_PLACES[9:] + N.BG_PLACES[:9] if tr else N.BG_PLACES)
    elif sub == "MD":
        g, gru = zipf(rng, N.MD_GIVEN)
        s, sru = zipf(rng, N.MD_SURNAMES, 0.8)
        w.given, w.ru_given, w.surname, w.ru_surname = [g], gru, s, sru
        w.ru_patronymic = rng.choice(N.MD_RU_PATRONYMIC)
        w.ru_speaker = rng.random() < 0.45
        c = N.MD_CALL.get(g)
        if c and rng.random() < 0.6:
            w.call, w.ru_call = c
        w.pob = _place(rng, N.MD_PLACES)
    elif sub == "UA":
        g, gru = zipf(rng, N.UA_GIVEN)
        w.given, w.ru_given = [g], gru
        w.surname = zipf(rng, N.UA_SURNAMES, 0.7)
        w.ru_surname = w.surname
        w.patronymic, w.ru_patronymic = rng.choice(N.UA_PATRONYMIC)
        w.ru_speaker = rng.random() < 0.4
        w.call = N.UA_CALL.get(g) if rng.random() < 0.5 else None
        w.pob = _place(rng, N.UA_PLACES)
    elif sub == "NG":
        k = rng.choices([1, 2, 3], weights=[0.3, 0.5, 0.2])[0]
        gs = []
        while len(gs) < k:
            x = (
                zipf(rng, N.NG_ENGLISH)
                if (not gs and rng.random() < 0.6) or (gs and rng.random() < 0.3)
                else zipf(rng, N.NG_NATIVE)
            )
            if x not in gs:
                gs.append(x)
        w.given = gs
        w.surname = zipf(rng, N.NG_SURNAMES, 0.8)
        w.call = next((N.NG_CALL[x] for x in gs if x in N.NG_CALL), None)
        w.pob = _place(rng, N.NG_PLACES)
        if rng.random() < 0.15:
            w.assigned_dob = None  # set after the date of birth
    elif sub == "TH":
        w.given = [zipf(rng, N.TH_GIVEN, 0.6)]
        w.surname = zipf(rng, N.TH_SURNAMES, 0.5)
        w.call = rng.choice(N.TH_NICK)
        w.pob = _place(rng, N.TH_PLACES)
        if rng.random() < 0.15:
            w.married = zipf(rng, N.NL_SURNAMES)
    elif sub == "CN":
        w.given = [zipf(rng, N.CN_GIVEN, 0.8)]
        w.surname = zipf(rng, N.CN_SURNAMES, 1.0)
        w.call = rng.choice(N.CN_ENGLISH) if rng.random() < 0.5 else None
        w.pob = _place(rng, N.CN_PLACES)
    elif sub == "VN":
        mid = ["Thị"] + ([rng.choice(N.VN_MIDDLE2)] if rng.random() < 0.4 else [])
        w.given = [*mid, zipf(rng, N.VN_GIVEN)]
        w.surname = zipf(rng, N.VN_SURNAMES, 1.1)
        w.pob = _place(rng, N.VN_PLACES)
    elif sub in ("CO", "DO", "VE", "BR"):
        table = {"CO": N.CO_GIVEN, "DO": N.DO_GIVEN, "VE": N.VE_GIVEN, "BR": N.BR_GIVEN}[sub]
        g = zipf(rng, table)
        w.given = g.split(" ") if " " in g and "De " not in g else [g]
        if sub == "BR":
            s1, s2 = zipf(rng, N.BR_SURNAMES), zipf(rng, N.BR_SURNAMES)
        else:
            s1, s2 = zipf(rng, N.ES_SURNAMES, 0.8), zipf(rng, N.ES_SURNAMES, 0.8)
        w.surname = s1 if s1 == s2 else f"{s1} {s2}"
        w.call = N.LA_CALL.get(g) if rng.random() < 0.5 else None
        places = {"CO": N.CO_PLACES, "DO": N.DO_PLACES, "VE": N.VE_PLACES, "BR": N.BR_PLACES}[sub]
        w.pob = _place(rng, places)
        if sub != "DO" and rng.random() < 0.03:
            w.trans_given = rng.choice(N.LA_MALE_GIVEN)
    else:  # NL, NLSR
        if sub == "NL" and rng.random() < 0.2:
            off, roep = rng.choice(N.NL_OFFICIAL_ROEP)
            w.given, w.call = off.split(" "), roep
        else:
            w.given = [zipf(rng, N.NLSR_GIVEN if sub == "NLSR" else N.NL_GIVEN)]
            if rng.random() < 0.3:
                w.given.append(rng.choice(["Maria", "Johanna", "Elisabeth", "Anna", "Petronella"]))
        w.surname = zipf(rng, N.NLSR_SURNAMES if sub == "NLSR" else N.NL_SURNAMES, 0.7)
        w.pob = _place(rng, N.NLSR_PLACES if sub == "NLSR" else N.NL_PLACES)
        if rng.random() < 0.15:
            w.married = zipf(rng, N.NL_SURNAMES, 0.7)
    w.dob = _dob(rng, 20, 50, 26) if sub.startswith("NL") else _dob(rng, 20, 42, 24)
    if sub == "NG" and rng.random() < 0.15:
        w.assigned_dob = dt.date(w.dob.year + rng.choice([-2, -1, 0, 0, 1]), 1, 1)
    make_docs(w, rng)
    n_sims = 1 + poisson(rng, 0.8)
    w.phones = [_phone(rng, "31") for _ in range(n_sims)]
    if rng.random() < 0.5 and w.nat != "NLD":
        cc = (
            PHONE_CC["ITA"]
            if sub == "NG" and any(d["kind"] == "it_permit" for d in w.docs) and rng.random() < 0.5
            else PHONE_CC[w.nat]
        )
        w.home_phone = _phone(rng, cc)
    nwn = 0 if (sub.startswith("NL") and rng.random() < 0.6) else rng.choice([1, 1, 1, 2])
    w.werknamen = []
    while len(w.werknamen) < nwn:
        x = zipf(rng, N.WORKNAMES, 0.7)
        if x not in w.werknamen:
            w.werknamen.append(x)
    if sub == "CN" and w.call and rng.random() < 0.6:
        w.werknamen = [w.call]
    return w


def _bg_patronymic(father: str) -> str:
    """Bulgarian female form of a father's name: Иван -> Иванова,
    Георги -> Георгиева, Димитър -> Димитрова, Кольо -> Колева."""
    if father.endswith("ър"):
        return father[:-2] + "рова"
    if father.endswith("ьо"):
        return father[:-2] + "ева"
    if father.endswith(("й", "я")):
        return father[:-1] + "ева"
    if father.endswith("и"):
        return father + "ева"
    if father.endswith(("а", "о")):
        return father[:-1] + "ова"
    return father + "ова"


def derive(base: Woman, relation: str, wid: str, rng: random.Random) -> Woman:
    """A relative or namesake of ``base``, same sub-group."""
    w = make_woman(base.sub, wid, rng)
    if relation in ("twin", "sister", "cousin"):
        w.surname, w.ru_surname, w.married = base.surname, base.ru_surname, None
        if relation == "cousin" and base.sub in ("CO", "DO", "VE") and " " in base.surname:
            own = w.surname.split(" ")[-1]
            w.surname = base.surname.split(" ")[0] + " " + own  # the father's surname only
        if relation != "cousin":
            w.father, w.patronymic, w.ru_patronymic = (
                base.father,
                base.patronymic,
                base.ru_patronymic,
            )
        w.pob = base.pob
        w.nat = base.nat
        w.ru_speaker = base.ru_speaker
        tries = 0
        while set(w.given) & set(base.given) and tries < 30:
            w2 = make_woman(base.sub, wid, rng)
            w.given, w.ru_given, w.call, w.ru_call = w2.given, w2.ru_given, w2.call, w2.ru_call
            tries += 1
        if relation == "twin":
            w.dob = base.dob
            if base.assigned_dob:
                w.assigned_dob = base.assigned_dob
        elif relation == "sister":
            gap = rng.randint(1, 9) * rng.choice([-1, 1])
            w.dob = _safe_date(base.dob.year + gap, rng.randint(1, 12), rng.randint(1, 28))
        else:
            gap = rng.randint(-8, 8)
            w.dob = _safe_date(base.dob.year + gap, rng.randint(1, 12), rng.randint(1, 28))
        make_docs(w, rng)
        if relation == "twin" and rng.random() < 0.3:
            # passports applied for together: numbers one apart
            for d0, d1 in zip(base.docs, w.docs, strict=False):
                if d0["kind"] == d1["kind"] and d0["number"][-3:].isdigit():
                    n = d0["number"]
                    last = int(n[-3:]) + 1
                    d1["number"] = n[:-3] + f"{last % 1000:03d}"
                    break
    elif relation == "namesake":
        w.given = [base.given[0], *w.given[1:]]
        w.ru_given, w.call, w.ru_call = (
            base.ru_given,
            base.call if rng.random() < 0.5 else w.call,
            base.ru_call,
        )
        w.surname, w.ru_surname, w.married = base.surname, base.ru_surname, None
        if rng.random() < 0.3:
            w.dob = _safe_date(base.dob.year, rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.3:
            w.pob = base.pob
        make_docs(w, rng)
    return w


def _safe_date(y, m, d):
    y = max(END.year - 55, min(END.year - 20, y))
    return dt.date(y, m, d)


# ---------------------------------------------------------------------------
# networks and controls
# ---------------------------------------------------------------------------
@dataclass
class Network:
    nid: int
    pop: str
    route: list
    mode: str
    phones: list
    plate: str
    apartments: dict
    controller: dict
    adverts: list


def _plate(rng, kind):
    if kind == "NL":
        side = rng.choice(["99-XX-9", "9-XXX-99", "XX-999-X", "99-XXX-9", "X-999-XX", "XXX-99-X"])
        out = "".join(
            rng.choice("BDFGHJKLNPRSTVXZ")
            if c == "X"
            else rng.choice("0123456789")
            if c == "9"
            else c
            for c in side
        )
        return out
    if kind == "RO":
        county = rng.choice(["B", "IS", "VS", "BC", "CT", "DJ", "GL", "BR"])
        return f"{county} {digits(rng, 2)} {letters(rng, 3)}"
    if kind == "BG":
        region = rng.choice(["CA", "PB", "CH", "B", "A", "EB"])
        return f"{region} {digits(rng, 4)} {letters(rng, 2, 'ABEKMHOPCTYX')}"
    if kind == "HU":
        return f"{letters(rng, 3)}-{digits(rng, 3)}"
    return f"{rng.choice(['B', 'D', 'K', 'E'])}-{letters(rng, 2)} {digits(rng, 4)}"  # German rental


def _postcode(rng, g):
    lo, hi = POSTCODE[g]
    return f"{rng.randint(lo, hi)} {letters(rng, 2, 'ABCDEGHJKLMNPRSTVWXZ')}"


def make_network(nid, pop, rng) -> Network:
    k = rng.choices([2, 3, 4, 5], weights=[0.3, 0.35, 0.25, 0.1])[0]
    towns = (
        rng.sample(GEMEENTEN, k)
        if rng.random() < 0.5
        else _weighted_sample(rng, GEMEENTEN, [TOWN_WEIGHT[g] for g in GEMEENTEN], k)
    )
    mode = rng.choices(["window", "private"], weights=[0.5, 0.5])[0]
    if pop in ("China", "Vietnam", "Thailand", "Moldova", "Ukraine", "Latin America"):
        mode = rng.choices(["window", "private"], weights=[0.1, 0.9])[0]
    phones = [_phone(rng, "31") for _ in range(rng.choice([1, 1, 2, 3]))]
    pk = {"Romania": "RO", "Bulgaria": "BG", "Hungary": "HU"}.get(
        pop, "NL" if rng.random() < 0.6 else "DE"
    )
    plate = _plate(rng, pk if rng.random() < 0.6 else "NL")
    apartments = {
        g: (
            _postcode(rng, g),
            str(rng.randint(1, 250)) + rng.choice(["", "", "", "-2", " A", "-hs", "-III"]),
        )
        for g in GEMEENTEN
    }
    male = {
        "Romania": "RO",
        "Hungary": "HU",
        "Bulgaria": "BG",
        "Moldova": "MD",
        "Ukraine": "UA",
        "Nigeria": "NG",
        "Thailand": "TH",
        "China": "CN",
        "Vietnam": "VN",
        "Latin America": "LA",
        "Netherlands": "NL",
    }[pop]
    gl, sl = N.MALE[male]
    controller = {"given": rng.choice(gl), "surname": zipf(rng, sl), "dob": _dob(rng, 22, 55, 32)}
    adverts = [str(rng.randint(1000000, 9999999)) for _ in range(rng.choice([1, 2]))]
    return Network(nid, pop, towns, mode, phones, plate, apartments, controller, adverts)


def _weighted_sample(rng, items, weights, k):
    items, weights = list(items), list(weights)
    out = []
    for _ in range(k):
        i = rng.choices(range(len(items)), weights=weights)[0]
        out.append(items.pop(i))
        weights.pop(i)
    return out


@dataclass
class Control:
    woman: Woman
    date: dt.date
    g: str
    setting: str
    licensed: bool
    idx: int
    n: int


def schedule(w: Woman, nets: dict, rng) -> list[Control]:
    if w.network is not None:
        net = nets[w.network]
        n = 1 + min(8, poisson(rng, 2.0))
        start = rng.randrange(len(net.route))
        towns = [net.route[(start + i) % len(net.route)] for i in range(n)]
        gaps = (7, 45)
    elif w.sub.startswith("NL"):
        n = 1 + min(4, poisson(rng, 0.7))
        towns = [w.home if rng.random() < 0.85 else rng.choice(GEMEENTEN) for _ in range(n)]
        gaps = (14, 150)
    else:
        n = 1 + min(5, poisson(rng, 1.0))
        second = rng.choice(GEMEENTEN)
        towns = [w.home if rng.random() < 0.7 else second for _ in range(n)]
        gaps = (10, 120)
    d = START + dt.timedelta(days=rng.randint(0, (END - START).days - 20))
    out = []
    for i, g in enumerate(towns):
        if d > END:
            break
        setting = (
            w.main_setting
            if rng.random() < 0.75
            else rng.choices(list(SETTING_W[w.pop]), weights=list(SETTING_W[w.pop].values()))[0]
        )
        if w.network is not None:
            setting = (
                "raam"
                if nets[w.network].mode == "window" and rng.random() < 0.8
                else setting
                if setting != "raam"
                else "woning"
            )
        if setting == "escort" and rng.random() < 0.08:
            setting = "online"
        if setting == "raam" and g not in HAS_WINDOWS:
            setting = rng.choice(["woning", "club", "escort"])
        if setting == "straat" and g not in ("GM0363", "GM0014", "GM0772"):
            setting = "escort"
        lic = rng.random() < LICENSED_P[setting]
        out.append(Control(w, d, g, setting, lic, i, n))
        d = d + dt.timedelta(days=rng.randint(*gaps))
    for c in out:
        c.n = len(out)
    return out


# ---------------------------------------------------------------------------
# recording one control
# ---------------------------------------------------------------------------
def _cap(s: str) -> str:
    return " ".join(p[:1].upper() + p[1:] for p in s.split(" "))


def doc_names(w: Woman, doc: dict) -> tuple[list, str]:
    """Given names and surname as printed (Latin line) on one of her papers."""
    given = list(w.given)
    sur = w.married if (doc.get("married") and w.married) else w.surname
    if w.trans_given:
        given = w.trans_given.split(" ")
    if w.sub in ("BG", "BGTR", "UA"):
        system = doc.get("translit") or ("ua_pass" if w.sub == "UA" else "bg_off")
        if system == "ru_icao":
            given = [translit(w.ru_given or w.given[0], system), *given[1:]]
            sur = translit(w.ru_surname or sur, system)
        else:
            given = [translit(x, system) for x in given]
            sur = translit(sur, system)
    if w.sub == "VN":
        pass
    return given, sur


def canonical(w: Woman) -> tuple[str, str]:
    g, s = doc_names(w, w.docs[0])
    return " ".join(g), s


def fmt_docnum(doc: dict, rng) -> str:
    n, k = doc["number"], doc["kind"]
    r = rng.random()
    if k == "ro_id":
        if r < 0.25:
            return f"seria {n[:2]} nr. {n[2:]}"
        if r < 0.4:
            return f"{n[:2]} {n[2:]}"
        if r < 0.5:
            return f"{n[:2]} nr {n[2:]}"
        return n
    if k in ("co_ced",) and r < 0.5:
        return f"{int(n):,}".replace(",", ".")
    if k == "do_ced" and r < 0.6:
        return f"{n[:3]}-{n[3:10]}-{n[10:]}"
    if k == "ve_ced" and r < 0.6:
        return f"V-{int(n):,}".replace(",", ".")
    if k == "th_id" and r < 0.5:
        return f"{n[0]}-{n[1:5]}-{n[5:10]}-{n[10:12]}-{n[12]}"
    if r < 0.08:
        word = {
            "nl_pass": "Paspoort",
            "nl_id": "ID-kaart nr.",
            "ng_pass": "Passport",
            "it_permit": "Permesso",
            "es_nie": "NIE",
        }.get(k, "Paspoort")
        return f"{word} {n}"
    if r < 0.14:
        return " ".join(n[i : i + 3] for i in range(0, len(n), 3))
    if r < 0.2:
        return n.lower()
    return n


def doc_typo(s: str, rng) -> str:
    idx = [i for i, c in enumerate(s) if c.isalnum()]
    if len(idx) < 4:
        return s
    i = rng.choice(idx[1:])
    c = s[i]
    swap = {"O": "0", "0": "O", "I": "1", "1": "I", "B": "8", "8": "B", "S": "5", "5": "S"}
    r = rng.random()
    if c in swap and r < 0.4:
        return s[:i] + swap[c] + s[i + 1 :]
    if r < 0.7 and c.isdigit():
        return s[:i] + rng.choice([x for x in "0123456789" if x != c]) + s[i + 1 :]
    if r < 0.9 and i + 1 < len(s) and s[i + 1].isalnum():
        return s[:i] + s[i + 1] + c + s[i + 2 :]
    return s[:i] + s[i + 1 :]


def fmt_phone(num: tuple, style: str, rng) -> str:
    cc, nsn = num
    trunk = {
        "31": "0",
        "40": "0",
        "36": "06",
        "359": "0",
        "373": "0",
        "380": "0",
        "234": "0",
        "66": "0",
        "84": "0",
        "58": "0",
        "55": "0",
    }.get(cc, "")
    groups = " ".join(nsn[i : i + 3] for i in range(0, len(nsn), 3))
    if cc == "31":
        if style == "e164":
            return "+31" + nsn
        return rng.choice(
            [
                f"06-{nsn[1:]}",
                f"06 {nsn[1:5]} {nsn[5:]}",
                f"0{nsn}",
                f"+31 6 {nsn[1:]}",
                f"+31 (0)6 {nsn[1:5]} {nsn[5:]}",
                f"0031{nsn}",
                f"06{nsn[1:]}",
                f"06 - {nsn[1:]}",
            ]
        )
    if style == "e164":
        return f"+{cc}{nsn}"
    opts = [f"+{cc} {groups}", f"+{cc}{nsn}", f"00{cc}{nsn}", f"00{cc} {groups}"]
    if trunk:
        opts += [f"{trunk}{nsn}", f"{trunk}{nsn[:3]} {nsn[3:]}"]
    if cc == "380":
        opts.append(f"+38 (0{nsn[:2]}) {nsn[2:5]}-{nsn[5:7]}-{nsn[7:]}")
    if cc == "1":
        opts += [f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}", f"1-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"]
    if cc in ("57", "86"):
        opts.append(nsn)
    if cc == "55":
        opts.append(f"({nsn[:2]}) {nsn[2:7]}-{nsn[7:]}")
    return rng.choice(opts)


def excel_number(cell: str) -> tuple[str, bool]:
    """A digit-only cell (a leading + too) becomes a number in Excel."""
    s = cell.strip()
    body = s[1:] if s.startswith("+") else s
    if not body.isdigit():
        return cell, False
    v = int(body)
    if len(str(v)) <= 11:
        return str(v), str(v) != s
    mant = f"{v:.5E}"  # 3.59887E+11 as Excel's General format shows it
    m, e = mant.split("E")
    m = m.rstrip("0").rstrip(".")
    return f"{m}E+{int(e):02d}", True


def render(c: Control, nets: dict, ctx: dict, rng: random.Random):
    """One export row for control ``c`` (values still in Python types for
    dates), the errors it carries, its source and whether the product is
    expected to refuse it."""
    w = c.woman
    g = c.g
    errs: set[str] = set()
    refuse = ""
    net = nets.get(w.network) if w.network is not None else None
    p = list(SOURCE_P[c.setting])
    if w.instructed:
        moved = p[0] * 0.6
        p[0] -= moved
        p[2] += moved
    source = rng.choices(["document", "register", "oral", "advert"], weights=p)[0]
    if source == "register" and not (g in ("GM0363", "GM0344") and c.setting == "raam"):
        source = "document"
    lang = LANG[w.sub]
    row: dict = {}

    # ---- which identity she gives ----
    fid = None
    if w.false_id and source in ("document", "oral") and rng.random() < 0.5:
        fid = w.false_id
        errs.add("false_identity")
    doc = w.docs[0]
    if len(w.docs) > 1 and rng.random() < 0.35:
        doc = rng.choice(w.docs[1:])
        # an asylum paper with an assigned date is shown where she has one
    if w.assigned_dob and rng.random() < 0.4:
        doc = next(d for d in w.docs if d["kind"] == "nl_w")
    canon_given, canon_sur = canonical(w)

    # ---- names ----
    given_s, sur_s = "", ""
    if fid:
        given_s, sur_s = fid["given"], fid["surname"]
    elif source in ("document", "register"):
        gl, sur = doc_names(w, doc)
        if doc is not w.docs[0]:
            g0, s0 = doc_names(w, w.docs[0])
            if gl != g0 or sur != s0:
                if doc.get("married") != w.docs[0].get("married"):
                    errs.add("married")
                else:
                    errs.add("translit")
        if w.trans_given and rng.random() < 0.5:
            gl = [w.werknamen[0] if w.werknamen else (w.call or "Valentina")]
            errs.add("werknaam")
        if len(gl) > 1 and w.sub == "NG" and rng.random() < 0.25:
            gl = gl[:]
            while gl == list(doc_names(w, doc)[0]):
                rng.shuffle(gl)
            errs.add("given_order")
        elif len(gl) > 1 and w.sub != "VN" and rng.random() < 0.15:
            gl = gl[:1]
            errs.add("given_dropped")
        given_s = " ".join(gl)
        sur_s = sur
        if w.sub in ("BG", "BGTR") and doc["kind"] == "bg_id" and rng.random() < 0.3:
            pat = translit(w.patronymic, "bg_off")
            if rng.random() < 0.6:
                given_s = f"{given_s} {pat}"
            else:
                sur_s = f"{pat} {sur_s}"
            errs.add("patronymic")
        if w.sub == "UA" and doc["kind"] == "ua_id" and rng.random() < 0.3:
            given_s = f"{given_s} {translit(w.patronymic, 'ua_pass')}"
            errs.add("patronymic")
        if " " in sur_s and w.sub in ("CO", "DO", "VE", "BR"):
            r = rng.random()
            if r < 0.25:
                sur_s = sur_s.split(" ")[0] if w.sub != "BR" else sur_s.split(" ")[-1]
                errs.add("double_surname")
            elif r < 0.33:
                sur_s = sur_s.replace(" ", "-")
                errs.add("double_surname")
        pswap = {"CN": 0.15, "VN": 0.15, "HU": 0.06, "ROHU": 0.04}.get(w.sub, 0.02)
        if rng.random() < pswap:
            given_s, sur_s = sur_s, given_s
            errs.add("swap")
        if any(is_cyrillic(x) for x in (w.given[0], w.surname)) and rng.random() < 0.03:
            given_s, sur_s = w.given[0], w.surname
            errs.add("cyrillic")
        if rng.random() < 0.2:
            given_s, sur_s = given_s.upper(), sur_s.upper()
    else:
        # heard aloud, or read off an advert / booking screen
        licensed_p = 0.10 if c.licensed else 0.30
        if w.instructed:
            licensed_p = 0.60
        if source == "advert":
            licensed_p = 0.75
        first = w.given[0]
        ru_first = w.ru_given
        if w.trans_given:
            errs.add("werknaam")  # the name she uses is not the one on her papers
        use_call = w.call and rng.random() < (
            0.7 if w.sub == "TH" else 0.85 if w.sub == "NL" else 0.6
        )
        if use_call:
            first, ru_first = w.call, w.ru_call or w.ru_given
        if w.sub == "VN":
            first = w.given[-1] if rng.random() < 0.5 else " ".join(w.given)
            if first != " ".join(w.given):
                errs.add("given_dropped")
        said_sur = w.surname
        ru_sur = w.ru_surname
        if w.married and rng.random() < 0.6:
            said_sur = (
                w.married.split(" ")[-1] if w.sub == "HU" and rng.random() < 0.5 else w.married
            )
        # Cyrillic through an ear
        by_system = w.sub in ("BG", "BGTR", "UA") or (w.sub == "MD" and w.ru_speaker)
        if w.sub in ("BG", "BGTR"):
            system = rng.choice(["bg_off", "bg_en", "bg_de", "bg_old", "bg_off"])
            first_l = translit(first, system)
            if w.sub == "BGTR" and not use_call and rng.random() < 0.5:
                first_l = N.BG_TR_TURKISH.get(first, first_l)
            sur_l = translit(said_sur, system)
        elif w.sub == "UA":
            if w.ru_speaker:
                system = rng.choice(["nl", "de", "ru_bgn", "ru_icao"])
                first_l = translit(
                    ru_first if not use_call else (first if not w.ru_call else w.ru_call), system
                )
                sur_l = translit(ru_sur or said_sur, system)
            else:
                system = rng.choice(["nl_ua", "de_ua", "ua_pass", "ua_pass"])
                first_l = translit(first, system)
                sur_l = translit(said_sur, system)
        elif w.sub == "MD" and w.ru_speaker:
            system = rng.choice(["nl", "de", "ru_bgn", "ro"])
            first_l = translit(w.ru_call if use_call and w.ru_call else ru_first, system)
            sur_l = translit(ru_sur, system)
        else:
            first_l, sur_l = first, said_sur
            if w.sub.startswith("NL"):
                p_ear = 0.15
            elif w.sub in ("CO", "DO", "VE", "BR"):
                p_ear = 0.30
            else:
                p_ear = 0.45
            if rng.random() < p_ear:
                a, b = phonetic(first_l, lang, rng), phonetic(sur_l, lang, rng)
                if rng.random() < 0.5:
                    a = first_l
                elif rng.random() < 0.4:
                    b = sur_l
                if (a, b) != (first_l, sur_l):
                    errs.add("phonetic")
                first_l, sur_l = a, b
        if (
            by_system
            and not use_call
            and (first_l, sur_l) != (canon_given.split(" ")[0], canon_sur)
        ):
            errs.add("translit")
        if use_call:
            errs.add("nickname")
        doc_sur = w.married if (w.docs[0].get("married") and w.married) else w.surname
        if said_sur != doc_sur:
            errs.add("married")
        # Latin American double surname spoken as one
        if " " in sur_l and w.sub in ("CO", "DO", "VE", "BR") and rng.random() < 0.55:
            sur_l = sur_l.split(" ")[0] if w.sub != "BR" else sur_l.split(" ")[-1]
            errs.add("double_surname")
        if w.sub == "NG" and len(w.given) > 1 and not use_call and rng.random() < 0.3:
            gl = w.given[:]
            rng.shuffle(gl)
            first_l = " ".join(gl)
            if gl != w.given:
                errs.add("given_order")
        given_s, sur_s = first_l, sur_l
        # working names
        if w.werknamen and rng.random() < licensed_p:
            wn = w.werknamen[0] if rng.random() < 0.75 else w.werknamen[-1]
            r = rng.random()
            if r < 0.7 or source == "advert":
                given_s = wn
                errs.add("werknaam")
                errs.discard("nickname")
            else:
                errs.add("werknaam_note")
                given_s = rng.choice(
                    [
                        f"{given_s} ({wn})",
                        f"{wn} alias {given_s}",
                        f'{given_s} "{wn}"',
                        f"{wn} / {given_s}",
                    ]
                )
        if "werknaam" in errs:
            errs.discard("translit")
        # surname not given
        p_nosur = 0.85 if source == "advert" else 0.15
        if "werknaam" in errs and source != "advert":
            p_nosur = 0.6
        if rng.random() < p_nosur:
            sur_s = (
                "onbekend"
                if g == "GM0363"
                else ("-" if g == "GM0014" and rng.random() < 0.5 else "")
            )
            errs.add("only_given")
        # family name said first
        if w.sub in FAMILY_FIRST and sur_s not in ("", "-", "onbekend") and "werknaam" not in errs:
            r = rng.random()
            if r < 0.35:
                given_s, sur_s = sur_s, given_s
                errs.add("swap")
            elif r < 0.45:
                given_s, sur_s = f"{sur_s} {given_s}", ""
                errs.add("one_field")
        if w.sub == "CN" and len(given_s) > 4 and given_s in N.CN_GIVEN and rng.random() < 0.35:
            for syl in ("Xiao", "Chun", "Mei", "Yu", "Li", "Gui", "Yan", "Xiu"):
                if given_s.startswith(syl) and len(given_s) > len(syl):
                    rest = given_s[len(syl) :]
                    given_s = syl + rng.choice([" " + rest.capitalize(), "-" + rest.lower()])
                    errs.add("joined")
                    break
        # typed in Cyrillic (she typed it herself on the inspector's phone)
        cyr_woman = w.sub in ("BG", "BGTR", "UA") or (w.sub == "MD" and w.ru_speaker)
        if cyr_woman and rng.random() < 0.03 and "werknaam" not in errs:
            russian = w.sub == "MD" or (w.sub == "UA" and w.ru_speaker)
            given_s = w.ru_given if russian else w.given[0]
            if sur_s:
                sur_s = w.ru_surname if w.sub == "MD" else w.surname
            errs.add("cyrillic")
            errs.discard("translit")
        # no name at all, from an advert
        if source == "advert" and rng.random() < 0.04:
            given_s, sur_s = rng.choice([("onbekend", "onbekend"), ("?", "-"), ("", "")])
            refuse = "no_name"
        if w.sub == "CN" and rng.random() < 0.04 and not refuse:
            hz = N.CN_HANZI_SURNAME.get(w.surname, "王")
            if rng.random() < 0.5:
                sur_s = hz
            else:
                given_s, sur_s = hz + "丽", ""
            refuse = "script"

    # the same for every source: particles, joins, typing, diacritics
    if w.sub.startswith("NL") and not fid:
        low = sur_s.lower()
        parts = [pp for pp in PARTICLES if low.startswith(pp + " ")]
        if parts and rng.random() < 0.3:
            pp = parts[0]
            rest = sur_s[len(pp) + 1 :]
            abbrev = pp.replace("van der", "v.d.").replace("van den", "vd").replace("van de", "v/d")
            form = rng.choice(
                [
                    f"{rest}, {pp}",
                    f"{pp.title()} {rest}",
                    f"{abbrev} {rest}",
                    f"{rest} {pp}",
                    (pp + rest).replace(" ", "").replace("'", "").capitalize(),
                    "given",
                ]
            )
            if form == "given":
                given_s, sur_s = f"{given_s} {pp}", rest
            else:
                sur_s = form
            errs.add("particle")
        if "Tjon A" in sur_s and rng.random() < 0.5:
            sur_s = rng.choice(["Tjon-A-Fong", "Tjonafong", "Tjon"])
            errs.add("particle")
        if w.married and rng.random() < 0.25 and "onbekend" not in sur_s and sur_s:
            sur_s = rng.choice([f"{w.married}-{sur_s}", f"{sur_s}-{w.married}"])
            errs.add("married")
    if w.sub in ("CO", "DO", "VE", "BR") and "De " in sur_s and rng.random() < 0.3:
        sur_s = rng.choice(
            [
                sur_s.replace("De la ", "de la ").replace("De los ", "de los "),
                sur_s.replace(" ", ""),
                sur_s.replace("De la ", "").replace("De los ", ""),
            ]
        )
        errs.add("particle")
    if "-" in given_s and w.sub == "RO" and rng.random() < 0.5:
        given_s = (
            given_s.replace("-", " ")
            if rng.random() < 0.75
            else given_s.replace("-", "").capitalize()
        )
        errs.add("joined")
    if not refuse and rng.random() < 0.04:
        if sur_s and sur_s not in ("onbekend", "-") and rng.random() < 0.5:
            sur_s = " ".join(typo(x, rng) if len(x) > 3 else x for x in sur_s.split(" "))
        else:
            given_s = " ".join(
                typo(x, rng) if i == 0 else x for i, x in enumerate(given_s.split(" "))
            )
        errs.add("typo")
    if any(ord(ch) > 127 for ch in given_s + sur_s) and not refuse and "cyrillic" not in errs:
        r = rng.random()
        if r < 0.45:
            ng, ns = strip_diacritics(given_s), strip_diacritics(sur_s)
            if (ng, ns) != (given_s, sur_s):
                errs.add("diacritics")
            given_s, sur_s = ng, ns
        elif r < 0.60:
            ng, ns = given_s.translate(CEDILLA), sur_s.translate(CEDILLA)
            if (ng, ns) != (given_s, sur_s):
                errs.add("cedilla")
            given_s, sur_s = ng, ns
    if w.sub == "VN" and "diacritics" not in errs and rng.random() < 0.5:
        ng, ns = strip_diacritics(given_s), strip_diacritics(sur_s)
        if (ng, ns) != (given_s, sur_s):
            errs.add("diacritics")
        given_s, sur_s = ng, ns
    if not refuse and rng.random() < 0.002:
        given_s = given_s + " 2"
        refuse = "digit_word"
    row["given_names"] = given_s
    row["surname"] = sur_s

    # ---- date of birth ----
    real = fid["dob"] if fid else w.dob
    dob_spec: tuple = ("date", real)
    if source in ("document", "register") and not fid:
        base = doc.get("dob") or w.dob
        if base != w.dob:
            errs.add("dob_assigned")
        dob_spec = ("date", base)
        r = rng.random()
        if r < 0.03:
            dob_spec = ("date", _dob_typo(base, rng))
            errs.add("dob_typo")
        elif r < 0.06 and base.day <= 12 and base.day != base.month:
            dob_spec = ("date", dt.date(base.year, base.day, base.month))
            errs.add("dob_swap")
        elif r < 0.10:
            dob_spec = ("missing",)
            errs.add("dob_missing")
    elif source == "advert" and rng.random() < 0.85:
        dob_spec = ("missing",)
        errs.add("dob_missing")
    else:
        r = rng.random()
        p_false = 0.45 if w.instructed else 0.03
        if w.assigned_dob and rng.random() < 0.3:
            dob_spec = ("date", w.assigned_dob)
            errs.add("dob_assigned")
        elif r < 0.10:
            dob_spec = ("missing",)
            errs.add("dob_missing")
        elif r < 0.10 + p_false:
            fake = _safe_date(
                real.year + rng.randint(-4, 1), rng.randint(1, 12), rng.randint(1, 28)
            )
            if w.fake_dob and rng.random() < 0.8:
                fake = w.fake_dob
            dob_spec = ("date", fake)
            errs.add("dob_false")
        elif r < 0.15 + p_false:
            dob_spec = ("date", _safe_date(real.year + rng.choice([-1, 1]), real.month, real.day))
            errs.add("dob_year")
        elif r < 0.19 + p_false:
            dob_spec = (rng.choice(["year", "ca", "partial0"]), real)
            errs.add("dob_partial")
        elif r < 0.21 + p_false and real.day <= 12 and real.day != real.month:
            dob_spec = ("date", dt.date(real.year, real.day, real.month))
            errs.add("dob_swap")
        elif r < 0.23 + p_false:
            dob_spec = ("date", _dob_typo(real, rng))
            errs.add("dob_typo")
    row["date_of_birth"] = dob_spec

    # ---- document number ----
    docnum = ""
    if source in ("document", "register"):
        reg = w.registration.get(g)
        if reg and ((source == "register" and rng.random() < 0.5) or rng.random() < 0.10):
            docnum = reg
            errs.add("doc_registration")
        elif rng.random() < 0.85:
            if fid:
                docnum = fid["doc"]
            else:
                docnum = fmt_docnum(doc, rng)
                if doc is not w.docs[0]:
                    errs.add("doc_other")
            if rng.random() < 0.05:
                docnum = doc_typo(docnum, rng)
                errs.add("doc_typo")
    row["document_number"] = docnum

    # ---- nationality, place, sex ----
    nat = doc["nat"] if source in ("document", "register") else w.nat
    if fid:
        nat = fid["nat"]
    if nat != w.docs[0]["nat"] and not fid:
        errs.add("nat_alt")
    if rng.random() < 0.07:
        nat = ""
    row["nationality"] = nat
    pob = ""
    if rng.random() < 0.65:
        canon, variants = w.pob
        if w.sub in ("BG", "BGTR", "UA"):
            latin = [v for v in variants if not is_cyrillic(v)]
            canon, variants = latin[0], [*latin[1:], w.pob[0]]
        pob = canon
        heard = source in ("oral", "advert")
        if variants and rng.random() < (0.6 if heard else 0.15):
            pob = rng.choice(variants)
        if rng.random() < (0.5 if heard else 0.35):
            pob = strip_diacritics(pob)
        if source in ("document", "register") and rng.random() < 0.25:
            pob = pob.upper()
        if rng.random() < 0.03:
            pob = {
                "Romania": "Roemenië",
                "Hungary": "Hongarije",
                "Bulgaria": "Bulgarije",
                "Moldova": "Moldavië",
                "Ukraine": "Oekraïne",
                "Nigeria": "Nigeria",
                "Thailand": "Thailand",
                "China": "China",
                "Vietnam": "Vietnam",
                "Latin America": "Colombia",
                "Netherlands": "Nederland",
            }[w.pop]
        if pob.lower() != canon.lower():
            errs.add("place_variant")
        if fid:
            pob = ""
    row["place_of_birth"] = pob
    sex = "V"
    if w.trans_given and source in ("document", "register") and rng.random() < 0.5:
        sex = "M"
        errs.add("sex_other")
    row["sex"] = sex if rng.random() < 0.85 else ""

    # ---- phone ----
    phones = []
    p_phone = {"advert": 0.95}.get(source) or {
        "escort": 0.7,
        "online": 0.9,
        "woning": 0.5,
        "hotel": 0.45,
        "raam": 0.2,
        "club": 0.25,
        "straat": 0.3,
    }[c.setting]
    if rng.random() < p_phone:
        if net and c.setting in ("escort", "woning", "hotel", "online") and rng.random() < 0.6:
            phones.append(rng.choice(net.phones))
        elif w.home_phone and rng.random() < 0.1:
            phones.append(w.home_phone)
        else:
            k = min(len(w.phones) - 1, c.idx * len(w.phones) // max(1, c.n))
            phones.append(w.phones[k])
        if rng.random() < 0.08:
            extra = w.home_phone or w.phones[-1]
            if extra not in phones:
                phones.append(extra)
    row["_phones"] = phones

    # ---- car, address, advert, companion ----
    plate = ""
    if net and c.setting in ("escort", "woning", "straat", "hotel") and rng.random() < 0.3:
        plate = net.plate
        r = rng.random()
        if r < 0.3:
            plate = plate.replace("-", "").replace(" ", "")
        elif r < 0.45:
            plate = plate.lower()
    row["vehicle_plate"] = plate
    pc, nr = "", ""
    if c.setting == "woning":
        if net and rng.random() < 0.7:
            pc, nr = net.apartments[g]
        elif rng.random() < 0.5:
            pc, nr = ctx["own_address"].setdefault(
                (w.wid, g), (_postcode(rng, g), str(rng.randint(1, 300)))
            )
    elif (
        c.setting in ("raam", "hotel", "club")
        and rng.random() < {"raam": 0.5, "hotel": 0.4, "club": 0.5}[c.setting]
    ):
        pc, nr = rng.choice(ctx["venues"][(g, c.setting)])
    if pc and rng.random() < 0.3:
        pc = pc.replace(" ", "") if rng.random() < 0.6 else pc.lower()
    if pc and rng.random() < 0.04:
        nr = ""  # half an address
    row["address_postcode"], row["address_number"] = pc, nr
    adv = ""
    if source == "advert" or (c.setting in ("escort", "online") and rng.random() < 0.5):
        if net and rng.random() < 0.3:
            adv = rng.choice(net.adverts)
        else:
            adv = ctx["adverts"].setdefault(
                (w.wid, g if rng.random() < 0.5 else "*"), str(rng.randint(1000000, 9999999))
            )
        r = rng.random()
        if r < 0.3:
            adv = "kinky " + adv
        elif r < 0.45:
            adv = "sexjobs-" + adv
    row["advert_id"] = adv
    cg, cs, cd = "", "", None
    p_comp = (0.25 if w.instructed else 0.10) if c.setting != "raam" else 0.02
    if net and rng.random() < p_comp:
        ctl = net.controller
        cg, cs = ctl["given"], ctl["surname"]
        if rng.random() < 0.3:
            cs = ""
        if rng.random() < 0.3:
            cg = phonetic(cg, lang, rng)
        cd = ctl["dob"] if rng.random() < 0.3 else None
    row["companion_given_names"], row["companion_surname"], row["companion_date_of_birth"] = (
        cg,
        cs,
        cd,
    )

    # ---- signals ----
    sig = []
    if not c.licensed and rng.random() < 0.9:
        sig.append("unlicensed")
    if w.nat != "NLD" and rng.random() < 0.6:
        sig.append("not_from_nl")
    if cg and rng.random() < 0.8:
        sig.append("controller_present")
    if (w.instructed and source == "oral" and rng.random() < 0.6) or rng.random() < 0.03:
        sig.append("no_id_access")
    if net and rng.random() < 0.15:
        sig.append("transport_dependent")
    if w.instructed and rng.random() < 0.3:
        sig.append("appears_controlled")
    if net and c.setting == "woning" and rng.random() < 0.15:
        sig.append("unknown_address")
    if w.nat != "NLD" and rng.random() < (
        0.35 if w.pop in ("China", "Vietnam", "Thailand", "Nigeria") else 0.2
    ):
        sig.append("no_language")
    if rng.random() < 0.05:
        sig.append("many_clients")
    if w.instructed and rng.random() < 0.25:
        sig.append("scripted_story")
    if rng.random() < 0.01:
        sig.append("injuries")
    row["_signals"] = sig
    return row, errs, source, refuse


def _dob_typo(d: dt.date, rng) -> dt.date:
    r = rng.random()
    try:
        if r < 0.4:
            return dt.date(d.year, d.month, min(28, max(1, d.day + rng.choice([-1, 1, 10, -10]))))
        if r < 0.7:
            return dt.date(d.year + rng.choice([-10, -1, 1, 10]), d.month, d.day)
        return dt.date(d.year, min(12, max(1, d.month + rng.choice([-1, 1]))), d.day)
    except ValueError:
        return d


# ---------------------------------------------------------------------------
# the six export systems
# ---------------------------------------------------------------------------
ALL_COLS = [
    "case_ref",
    "observed_on",
    "setting",
    "licensed",
    "signals",
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "place_of_birth",
    "document_number",
    "phone",
    "vehicle_plate",
    "address_postcode",
    "address_number",
    "advert_id",
    "companion_given_names",
    "companion_surname",
    "companion_date_of_birth",
]
PROFILES = {
    "GM0363": dict(
        sep=",",
        enc="utf-8",
        header="snake",
        cols=ALL_COLS,
        dob="iso",
        obs="iso_time",
        nat="alpha3",
        sex="V",
        setting="plain",
        lic=("ja", "nee"),
        sig=";",
        phone="mixed_e164",
    ),
    "GM0518": dict(
        sep=";",
        enc="cp1252",
        header="spaced",
        dob="dmy_nopad",
        cols=[
            "case_ref",
            "observed_on",
            "setting",
            "licensed",
            "signals",
            "given_names",
            "surname",
            "date_of_birth",
            "sex",
            "nationality",
            "place_of_birth",
            "document_number",
            "phone",
            "address_postcode",
            "address_number",
        ],
        obs="dmy_nopad",
        nat="nl_adj",
        sex="vrouw",
        setting="dh",
        lic=("J", "N"),
        sig=",",
        phone="typed",
    ),
    "GM0344": dict(
        sep=";",
        enc="utf-8-sig",
        hint=True,
        header="title_snake",
        cols=[c for c in ALL_COLS if c not in ("vehicle_plate", "companion_date_of_birth")],
        dob="typed",
        obs="dmy",
        nat="nl_country",
        sex="V",
        setting="title",
        lic=("vergund", "onvergund"),
        sig="free",
        phone="typed",
    ),
    "GM0014": dict(
        sep="\t",
        enc="utf-8",
        naive=True,
        title=True,
        header="lower",
        cols=[
            "case_ref",
            "observed_on",
            "setting",
            "licensed",
            "signals",
            "given_names",
            "surname",
            "date_of_birth",
            "sex",
            "nationality",
            "place_of_birth",
            "document_number",
            "phone",
            "vehicle_plate",
            "companion_given_names",
            "companion_surname",
        ],
        dob="dmy",
        obs="dmy",
        nat="alpha2",
        sex="2",
        setting="gro",
        lic=("1", "0"),
        sig="|",
        phone="typed",
        dossier=True,
    ),
    "GM0361": dict(
        sep=",",
        enc="utf-8",
        header="snake",
        cols=[
            "case_ref",
            "observed_on",
            "setting",
            "licensed",
            "signals",
            "given_names",
            "surname",
            "date_of_birth",
            "sex",
            "nationality",
            "document_number",
            "phone",
            "address_postcode",
            "address_number",
            "vehicle_plate",
        ],
        dob="datetime",
        obs="iso_T",
        nat="en_adj",
        sex="F",
        setting="en",
        lic=("yes", "no"),
        sig=";",
        phone="typed",
    ),
    "GM0772": dict(
        sep=",",
        enc="utf-8",
        header="title_space",
        cols=[c for c in ALL_COLS if c not in ("companion_date_of_birth",)],
        dob="mdy",
        obs="mdy",
        nat="en_country",
        sex="Female",
        setting="ein",
        lic=("TRUE", "FALSE"),
        sig=" ",
        phone="mixed_e164",
        mojibake=0.04,
    ),
}
NAT_FORMS = {  # alpha2, nl adjective, nl country, en adjective, en country
    "ROU": ("RO", ["Roemeens", "Roemeense"], "Roemenië", "Romanian", "Romania"),
    "HUN": ("HU", ["Hongaars", "Hongaarse"], "Hongarije", "Hungarian", "Hungary"),
    "BGR": ("BG", ["Bulgaars", "Bulgaarse"], "Bulgarije", "Bulgarian", "Bulgaria"),
    "MDA": ("MD", ["Moldavisch", "Moldavische"], "Moldavië", "Moldovan", "Moldova, Republic of"),
    "UKR": ("UA", ["Oekraïens", "Oekraïense"], "Oekraïne", "Ukrainian", "Ukraine"),
    "NGA": ("NG", ["Nigeriaans", "Nigeriaanse"], "Nigeria", "Nigerian", "Nigeria"),
    "THA": ("TH", ["Thais", "Thaise"], "Thailand", "Thai", "Thailand"),
    "CHN": ("CN", ["Chinees", "Chinese"], "China", "Chinese", "China"),
    "VNM": ("VN", ["Vietnamees", "Vietnamese"], "Vietnam", "Vietnamese", "Viet Nam"),
    "COL": ("CO", ["Colombiaans", "Colombiaanse"], "Colombia", "Colombian", "Colombia"),
    "DOM": (
        "DO",
        ["Dominicaans", "Dominicaanse"],
        "Dominicaanse Republiek",
        "Dominican",
        "Dominican Republic",
    ),
    "VEN": ("VE", ["Venezolaans", "Venezolaanse"], "Venezuela", "Venezuelan", "Venezuela"),
    "BRA": ("BR", ["Braziliaans", "Braziliaanse"], "Brazilië", "Brazilian", "Brazil"),
    "NLD": ("NL", ["Nederlands", "Nederlandse"], "Nederland", "Dutch", "Netherlands"),
    "ESP": ("ES", ["Spaans", "Spaanse"], "Spanje", "Spanish", "Spain"),
}
SETTING_FORMS = {
    "plain": {},
    "title": {
        k: k.capitalize() for k in ["raam", "woning", "hotel", "club", "escort", "straat", "online"]
    },
    "dh": {
        "raam": "raamprostitutie",
        "woning": "privéhuis",
        "club": "seksclub",
        "escort": "escort",
        "hotel": "hotel",
        "straat": "tippelzone",
        "online": "internet",
    },
    "gro": {
        "raam": "raam",
        "woning": "thuiswerk",
        "club": "seksclub",
        "escort": "escortbedrijf",
        "hotel": "hotel",
        "straat": "tippelzone",
        "online": "online",
    },
    "en": {
        "raam": "window",
        "woning": "apartment",
        "club": "club",
        "escort": "escort service",
        "hotel": "hotel room",
        "straat": "street",
        "online": "internet",
    },
    "ein": {
        "raam": "Window",
        "woning": "Home",
        "club": "Club",
        "escort": "Escort service",
        "hotel": "Hotel",
        "straat": "Street",
        "online": "Internet",
    },
}
NL_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
FREE_SIGNALS = {
    "controller_present": "pooier aanwezig",
    "no_id_access": "geen paspoort bij zich",
    "unknown_address": "weet adres niet",
    "no_language": "spreekt geen NL/EN",
}


def header_name(col: str, style: str) -> str:
    if style == "spaced":
        return col.replace("_", " ").capitalize()
    if style == "title_snake":
        return "_".join(p.capitalize() for p in col.split("_"))
    if style == "title_space":
        return " ".join(p.capitalize() for p in col.split("_"))
    return col


def fmt_date(d: dt.date, style: str, rng, *, obs: bool = False) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "iso_time":
        minute = rng.choice([0, 10, 15, 20, 30, 40, 45, 50])
        return f"{d.isoformat()} {rng.randint(9, 23):02d}:{minute:02d}"
    if style == "iso_T":
        return f"{d.isoformat()}T{rng.randint(9, 23):02d}:{rng.randint(0, 59):02d}:00"
    if style == "dmy_nopad":
        return f"{d.day}-{d.month}-{d.year}"
    if style == "dmy":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "mdy":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "datetime":
        if not obs and rng.random() < 0.05:
            return str((d - dt.date(1899, 12, 30)).days)
        return f"{d.isoformat()} 00:00:00"
    if style == "typed":
        r = rng.random()
        if r < 0.55:
            return f"{d.day:02d}-{d.month:02d}-{d.year}"
        if r < 0.65:
            return f"{d.day:02d}.{d.month:02d}.{d.year}"
        if r < 0.75:
            return f"{d.day:02d}/{d.month:02d}/{d.year}"
        if r < 0.83:
            return f"{d.day} {NL_MONTHS[d.month - 1]} {d.year}"
        if r < 0.87:
            return f"{d.day}-{NL_MONTHS[d.month - 1][:3]}-{d.year}"
        if r < 0.92:
            return f"{d.day:02d}{d.month:02d}{d.year}"
        if r < 0.96:
            return f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}"
        return f"{d.day}-{d.month}-{d.year}"
    raise ValueError(style)


def fmt_dob(spec: tuple, style: str, rng) -> str:
    kind = spec[0]
    if kind == "missing":
        if style == "datetime" and rng.random() < 0.5:
            return "1900-01-01 00:00:00"
        return ""
    d = spec[1]
    if kind == "date":
        return fmt_date(d, style, rng)
    free = style in ("typed", "dmy_nopad", "dmy")
    if not free:
        return "1900-01-01 00:00:00" if style == "datetime" and rng.random() < 0.5 else ""
    if kind == "year":
        return str(d.year)
    if kind == "ca":
        return rng.choice([f"ca. {d.year}", f"± {d.year}", f"{d.year}?"])
    return f"00-00-{d.year}"


def export_row(row: dict, prof: dict, g: str, rng, errs: set) -> dict:
    out = {}
    out["case_ref"] = row["case_ref"]
    out["observed_on"] = fmt_date(row["observed_on"], prof["obs"], rng, obs=True)
    st = row["setting"]
    form = SETTING_FORMS[prof["setting"]].get(st, st)
    if st == "hotel" and rng.random() < 0.05:
        form = f"{form} (kamer {rng.randint(100, 450)})"
    out["setting"] = form
    out["licensed"] = prof["lic"][0] if row["licensed"] else prof["lic"][1]
    sig = row["_signals"]
    if prof["sig"] == "free":
        words = [FREE_SIGNALS[s] if s in FREE_SIGNALS and rng.random() < 0.3 else s for s in sig]
        out["signals"] = "; ".join(words)
    else:
        out["signals"] = prof["sig"].join(sig)
    out["given_names"] = row["given_names"]
    out["surname"] = row["surname"]
    out["date_of_birth"] = fmt_dob(row["date_of_birth"], prof["dob"], rng)
    sex = row["sex"]
    if sex:
        out["sex"] = {
            "V": {"V": "V", "vrouw": "vrouw", "2": "2", "F": "F", "Female": "Female"},
            "M": {"V": "M", "vrouw": "man", "2": "1", "F": "M", "Female": "Male"},
        }[sex][prof["sex"]]
    else:
        out["sex"] = ""
    nat = row["nationality"]
    if nat:
        a2, adj, nlc, ena, enc = NAT_FORMS[nat]
        out["nationality"] = {
            "alpha3": nat,
            "alpha2": a2,
            "nl_adj": rng.choice(adj),
            "nl_country": nlc,
            "en_adj": ena,
            "en_country": enc,
        }[prof["nat"]]
    else:
        out["nationality"] = ""
    out["place_of_birth"] = row["place_of_birth"]
    out["document_number"] = row["document_number"]
    phones = row["_phones"]
    cells = []
    for i, num in enumerate(phones):
        style = "e164" if prof["phone"] == "mixed_e164" and rng.random() < 0.6 else "typed"
        s = fmt_phone(num, style, rng)
        if i == 0 and rng.random() < 0.05:
            s += rng.choice([" (whatsapp)", " whatsapp", " (werk)"])
        cells.append(s)
    ph = " / ".join(cells)
    if g == "GM0518" and len(cells) == 1:
        ph2, changed = excel_number(ph)
        dutch_mobile = ph.startswith("06") and len(ph) == 10
        if changed and not dutch_mobile:
            errs.add("phone_mangled")
        ph = ph2
    out["phone"] = ph
    out["vehicle_plate"] = row["vehicle_plate"]
    out["address_postcode"] = row["address_postcode"]
    out["address_number"] = row["address_number"]
    out["advert_id"] = row["advert_id"]
    out["companion_given_names"] = row["companion_given_names"]
    out["companion_surname"] = row["companion_surname"]
    cd = row["companion_date_of_birth"]
    out["companion_date_of_birth"] = fmt_date(cd, prof["dob"], rng) if cd else ""
    # Alt+Enter in a Den Haag spreadsheet cell
    if g == "GM0518" and out["place_of_birth"] and rng.random() < 0.005:
        out["place_of_birth"] = out["place_of_birth"] + "\n" + "Roemenië"
    if prof.get("mojibake"):
        for f in ("given_names", "surname"):
            if any(ord(ch) > 127 for ch in out[f]) and rng.random() < prof["mojibake"]:
                out[f] = mojibake(out[f])
                errs.add("encoding")
    if prof["enc"] == "cp1252":
        for f, v in out.items():
            nv = cp1252_lossy(v, rng)
            if nv != v and f in ("given_names", "surname", "place_of_birth"):
                errs.add("encoding")
            out[f] = nv
    return out


# ---------------------------------------------------------------------------
# all together
# ---------------------------------------------------------------------------
def build_women(n: int, rng: random.Random):
    subs = []
    for _lab, share, sublist, _ in POPULATIONS:
        k = round(n * share)
        for sub, s2 in sublist:
            subs += [sub] * round(k * s2)
    while len(subs) < n:
        subs.append("RO")
    subs = subs[:n]
    rng.shuffle(subs)
    women: list[Woman] = []
    relations: list[tuple] = []
    by_sub: dict[str, list] = {}
    fam_counter = 0
    kin: dict = {}
    for i, sub in enumerate(subs):
        wid = f"W{i + 1:05d}"
        pool = by_sub.get(sub, [])
        r = rng.random()
        rel = None
        if pool:
            if r < 0.007:
                rel = "twin"
            elif r < 0.035:
                rel = "sister"
            elif r < 0.049:
                rel = "cousin"
            elif r < 0.071:
                rel = "namesake"
        if rel:
            base = rng.choice(pool[-200:])
            w = derive(base, rel, wid, rng)
            if rel in ("twin", "sister", "cousin"):
                if base.family is None:
                    fam_counter += 1
                    base.family = fam_counter
                w.family = base.family
                # the rest of the family: sisters of a sister, cousins otherwise
                for o in women:
                    if o.family == w.family and o is not base:
                        ob = kin.get((o.wid, base.wid))
                        o_rel = (
                            "sister"
                            if rel in ("twin", "sister") and ob in ("twin", "sister")
                            else "cousin"
                        )
                        relations.append((o.wid, wid, o_rel))
                        kin[(o.wid, wid)] = kin[(wid, o.wid)] = o_rel
                kin[(base.wid, wid)] = kin[(wid, base.wid)] = rel
            relations.append((base.wid, wid, rel))
            w._rel_base = (base, rel)
        else:
            w = make_woman(sub, wid, rng)
            w._rel_base = None
        women.append(w)
        by_sub.setdefault(sub, []).append(w)
    return women, relations


def generate(seed: int, out_dir: str, n_women: int = 2500) -> dict:
    rng = random.Random(seed)
    os.makedirs(out_dir, exist_ok=True)
    women, relations = build_women(n_women, rng)

    # homes and main settings
    for w in women:
        w.home = rng.choices(GEMEENTEN, weights=[TOWN_WEIGHT[g] for g in GEMEENTEN])[0]
        sw = SETTING_W[w.pop]
        w.main_setting = rng.choices(list(sw), weights=list(sw.values()))[0]
        w.mobility = "local" if w.sub.startswith("NL") else "migrant"

    # networks: relatives go along with the first of their family 60% of the time
    nets: dict[int, Network] = {}
    open_nets: dict[str, list] = {}
    nid = 0
    for w in women:
        rb = w._rel_base
        if rb and rb[0].network is not None and rb[1] != "namesake" and rng.random() < 0.6:
            w.network = rb[0].network
            continue
        if rng.random() < NET_P[w.pop]:
            cands = [x for x in open_nets.get(w.pop, []) if x[1] > 0]
            if cands and rng.random() < 0.75:
                slot = rng.choice(cands)
                slot[1] -= 1
                w.network = slot[0]
            else:
                nid += 1
                nets[nid] = make_network(nid, w.pop, rng)
                open_nets.setdefault(w.pop, []).append([nid, rng.randint(1, 6)])
                w.network = nid
    for w in women:
        if w.network is not None:
            w.instructed = rng.random() < 0.25
            w.fake_dob = _safe_date(
                w.dob.year + rng.randint(-4, 1), rng.randint(1, 12), rng.randint(1, 28)
            )
            w.mobility = "carousel"
            if (w.pop in ("Nigeria",) and rng.random() < 0.04) or (
                w.pop == "China" and rng.random() < 0.03
            ):
                fg = zipf(rng, N.NG_ENGLISH if w.pop == "Nigeria" else N.CN_GIVEN)
                fs = zipf(rng, N.NG_SURNAMES if w.pop == "Nigeria" else N.CN_SURNAMES)
                w.false_id = {
                    "given": fg,
                    "surname": fs,
                    "dob": _dob(rng, 20, 35, 25),
                    "doc": ("A" if w.pop == "Nigeria" else "E") + digits(rng, 8),
                    "nat": w.nat,
                }
        elif rng.random() < 0.03:
            w.instructed = True
    for w in women:
        for g in ("GM0363", "GM0344"):
            w.registration[g] = f"{'AMS' if g == 'GM0363' else 'UTR'}-R{rng.randint(10000, 99999)}"

    ctx = {"own_address": {}, "adverts": {}, "venues": {}}
    for g in GEMEENTEN:
        for st, k in (("raam", 6), ("hotel", 5), ("club", 3)):
            ctx["venues"][(g, st)] = [
                (
                    _postcode(rng, g),
                    str(rng.randint(1, 120))
                    + (rng.choice(["", "-hs", "-1", " A"]) if st == "raam" else ""),
                )
                for _ in range(k)
            ]

    controls: list[Control] = []
    for w in women:
        controls += schedule(w, nets, rng)
    controls.sort(key=lambda c: (c.date, c.g, c.woman.wid))

    seq = {g: 0 for g in GEMEENTEN}
    ehv_refs: set = set()
    dossier: dict = {}
    per_g: dict[str, list] = {g: [] for g in GEMEENTEN}
    truth, errors_out, rows_out = [], [], []
    for c in controls:
        g = c.g
        prof = PROFILES[g]
        copies = 1
        if g == "GM0363" and rng.random() < 0.01:
            copies = 2  # registered twice by two inspectors
        for _ in range(copies):
            seq[g] += 1
            y = c.date.year
            if g == "GM0363":
                cref = f"AMS-{y}-{seq[g]:06d}"
            elif g == "GM0518":
                cref = f"{y}/{seq[g]:05d}"
            elif g == "GM0344":
                cref = f"UTR-{y % 100:02d}-{seq[g]:05d}"
            elif g == "GM0014":
                key = c.woman.wid
                if key not in dossier:
                    dossier[key] = f"GRO-D-{len(dossier) + 1:05d}"
                cref = dossier[key]
            elif g == "GM0361":
                cref = f"ALK.{y}.{seq[g]:04d}"
            else:
                cref = f"EHV-{rng.randint(1000000, 9999999)}"
                while cref in ehv_refs:
                    cref = f"EHV-{rng.randint(1000000, 9999999)}"
                ehv_refs.add(cref)
            row, errs, source, refuse = render(c, nets, ctx, rng)
            row["case_ref"] = cref
            row["observed_on"] = c.date
            row["setting"] = c.setting
            row["licensed"] = c.licensed
            out = export_row(row, prof, g, rng, errs)
            if g == "GM0518":
                gq, sq = out["given_names"], out["surname"]
                if not any(ch.isalpha() for ch in gq + sq):
                    refuse = refuse or "encoding_lost"
            if any(0x80 <= ord(ch) <= 0x9F for ch in out["given_names"] + out["surname"]):
                refuse = refuse or "encoding_control"
            per_g[g].append(out)
            truth.append((g, cref, c.date.isoformat(), c.woman.wid))
            errors_out.append((g, cref, c.date.isoformat(), ";".join(sorted(errs)), source, refuse))
            rows_out.append((g, c.date.isoformat(), out))

    # Groningen: in half the seeds one place of birth typed with an opening quote
    if rng.random() < 0.5 and per_g["GM0014"]:
        cand = [r for r in per_g["GM0014"] if r["place_of_birth"]]
        if cand:
            r = rng.choice(cand[len(cand) // 3 :])
            r["place_of_birth"] = '"' + r["place_of_birth"]
    # Utrecht: overlapping exports repeat 3% of lines
    utr = per_g["GM0344"]
    reps = [r for r in utr if rng.random() < 0.03]
    for r in reps:
        utr.insert(rng.randrange(len(utr) + 1), r)

    for g in GEMEENTEN:
        write_export(os.path.join(out_dir, f"{g}.csv"), per_g[g], PROFILES[g], g)
    # rows a quote left open took into one cell (read as a CSV reader would)
    gro_cols = len(PROFILES["GM0014"]["cols"])
    with open(os.path.join(out_dir, "GM0014.csv"), encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("case_ref"))
    intact = {
        (rec[0], rec[1])
        for rec in csv.reader(lines[start + 1 :], delimiter="\t")
        if len(rec) == gro_cols
    }
    obs_raw = {(r["case_ref"], r["observed_on"]) for r in per_g["GM0014"]}
    broken = obs_raw - intact
    for i, (g, cref, d, e, src, refuse) in enumerate(errors_out):
        if g == "GM0014" and (cref, fmt_date(dt.date.fromisoformat(d), "dmy", rng)) in broken:
            errors_out[i] = (g, cref, d, e, src, refuse or "quote_open")

    _write(
        os.path.join(out_dir, "truth.csv"),
        ["gemeente", "case_ref", "observed_on", "woman_id"],
        truth,
    )
    _write(
        os.path.join(out_dir, "errors.csv"),
        ["gemeente", "case_ref", "observed_on", "errors", "source", "expect_refused"],
        errors_out,
    )
    _write(
        os.path.join(out_dir, "rows.csv"),
        ["gemeente", "observed_on_iso", *ALL_COLS],
        [
            (g, d, *tuple(o.get(cn, "") if cn in PROFILES[g]["cols"] else "" for cn in ALL_COLS))
            for g, d, o in rows_out
        ],
    )
    _write(
        os.path.join(out_dir, "relations.csv"),
        ["woman_id", "other_woman_id", "relation"],
        relations + [(a.wid, b.wid, "network") for a, b in _network_pairs(women)],
    )
    nrows = {}
    for _g, _c, _d, wid in truth:
        nrows[wid] = nrows.get(wid, 0) + 1
    wrows = []
    for w in women:
        cg, cs = canonical(w)
        wrows.append(
            (
                w.wid,
                w.pop,
                w.sub,
                cg,
                cs,
                w.dob.isoformat(),
                w.pob[0],
                w.docs[0]["nat"],
                "" if w.network is None else w.network,
                ";".join(w.werknamen),
                int(w.instructed),
                nrows.get(w.wid, 0),
            )
        )
    _write(
        os.path.join(out_dir, "women.csv"),
        [
            "woman_id",
            "population",
            "sub",
            "given",
            "surname",
            "dob",
            "place_of_birth",
            "nationality",
            "network",
            "werknamen",
            "instructed",
            "rows",
        ],
        wrows,
    )
    return {
        "women": len(women),
        "rows": len(truth),
        "networks": len(nets),
        "relations": len(relations),
        "file_lines": {g: len(per_g[g]) for g in GEMEENTEN},
    }


def _network_pairs(women):
    by = {}
    for w in women:
        if w.network is not None:
            by.setdefault(w.network, []).append(w)
    for ws in by.values():
        for i in range(len(ws)):
            for j in range(i + 1, len(ws)):
                yield ws[i], ws[j]


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(header)
        wr.writerows(rows)


def write_export(path: str, rows: list, prof: dict, g: str) -> None:
    cols = prof["cols"]
    header = [header_name(c, prof["header"]) for c in cols]
    lines_rows = [[r.get(c, "") for c in cols] for r in rows]
    if prof.get("naive"):
        text = []
        if prof.get("title"):
            text.append(f"Export controles prostitutie gemeente {TOWN[g]}")
            text.append(f"Periode: {START.strftime('%d-%m-%Y')} t/m {END.strftime('%d-%m-%Y')}")
            text.append("")
        text.append(prof["sep"].join(header))
        for cells in lines_rows:
            text.append(prof["sep"].join(c.replace("\t", " ").replace("\n", " ") for c in cells))
        data = "\n".join(text) + "\n"
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(data)
        return
    import io

    buf = io.StringIO()
    if prof.get("hint"):
        buf.write(f"sep={prof['sep']}\r\n")
    wr = csv.writer(
        buf, delimiter=prof["sep"], lineterminator="\r\n" if prof["sep"] == ";" else "\n"
    )
    wr.writerow(header)
    wr.writerows(lines_rows)
    enc = prof["enc"]
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode(enc, errors="replace"))

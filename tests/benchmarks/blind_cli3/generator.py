# ruff: noqa: RUF001 (Cyrillic letters in name lists and transliteration tables)
"""Labelled test data for zichtlijn, written without reading the product's code.

What this makes
---------------
About 2,500 fictional women of the populations Dutch inspectors meet in
prostitution controls, each checked 1 to 8 times over one to two years in
one or more of five municipalities (Amsterdam GM0363, Rotterdam GM0599,
's-Gravenhage GM0518, Utrecht GM0344, Eindhoven GM0772).  Every control is
one row of a municipality's CSV export in the format of DESIGN.md section 10.
Each municipality writes its export its own way (date format, how it writes
nationality, sex, licence and setting), as real inspection systems do.

The populations and their share of women:

    Romanian 22 %, Dutch 18 %, Bulgarian 10 % (Cyrillic), Hungarian 8 %,
    Nigerian (Edo) 8 %, Thai 8 %, Moldovan 6 % (Romanian and Russian-
    Cyrillic forms), Ukrainian 5 % (Cyrillic), Polish 5 %, Dominican 4 %,
    Colombian 4 %, Russian 2 % (Cyrillic).

Names are drawn with a realistic frequency skew: a head of real common
names drawn with Zipf-like weights (a few very common names) and, for
surnames, a long tail built from each language's own stems and endings
(Romanian -escu/-eanu, Bulgarian -ova/-eva, Ukrainian -enko/-chuk, Polish
-ska, Edo compounds, Thai compound surnames), so that two unrelated women
share a full name about as often as they would in life, not far more.

Why the rows differ
-------------------
The same woman is recorded differently by each inspector.  Each control
draws, independently, the recording errors of hand-typed inspection
records (rates in ``RATES``, chosen before any run of the product and not
changed after): diacritics lost or replaced (ș/ş/s, ț/ţ/t, ă/a, ő/ö/o),
Cyrillic names written in another transliteration system (passport,
English, German, Dutch, French, scholarly; Iulia/Yulia/Julija/Joelia;
Țurcanu/Tsurkanu) or in Cyrillic itself, given name and surname swapped
(Hungarians more often, who put the surname first), the second given name or
(Spanish names) the second surname dropped, Thai nicknames and other
romanisations, Dutch particles written another way (v.d. Berg, Berg van
den), typing errors, all upper case, date of birth with day and month
swapped, one day, month or year off, or missing, and a married surname.

Hard negatives (different women who look alike) are built in on purpose:
sisters (same surname, place of birth and nationality, other given name and
date of birth), twins (same surname, date and place of birth, other given
name), namesakes (same first given name and surname, other date of birth:
given on purpose to 3 % of women, and arising by chance from common names)
and networks of 3-8 women whose controls record the controller's phone or
car.

Output files (in the directory given)
-------------------------------------
- ``GMxxxx.csv`` per municipality: the export (UTF-8, header row).
- ``truth.csv``: case_ref, gemeente, woman_id.
- ``relations.csv``: woman_id, other_woman_id, relation (twin, sister,
  namesake, network), one line per unordered pair and relation.
- ``women.csv``: woman_id, population, n_controls, network (for reporting).
- ``errors.csv``: case_ref, gemeente, errors (the recording errors of the
  row, ``;``-separated; empty when written as in her passport).

Python standard library only.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import unicodedata

# ---------------------------------------------------------------------------
# Municipalities and their export conventions
# ---------------------------------------------------------------------------

GEMEENTEN = ["GM0363", "GM0599", "GM0518", "GM0344", "GM0772"]
GEMEENTE_NAMES = {
    "GM0363": "Amsterdam",
    "GM0599": "Rotterdam",
    "GM0518": "'s-Gravenhage",
    "GM0344": "Utrecht",
    "GM0772": "Eindhoven",
}
GEMEENTE_WEIGHTS = [0.32, 0.20, 0.20, 0.15, 0.13]

# date format, nationality style index, sex word, licence words, setting style,
# share of rows whose names the system exports in upper case, case_ref format
STYLE = {
    "GM0363": dict(date="%d-%m-%Y", nat=0, sex="V", lic=("ja", "nee"),
                   setting="plain", upper=0.05, ref="AMS-{y}-{n:05d}"),
    "GM0599": dict(date="%Y-%m-%d", nat=1, sex="vrouw", lic=("J", "N"),
                   setting="branch", upper=0.35, ref="R{y}/{n:04d}"),
    "GM0518": dict(date="%d/%m/%Y", nat=2, sex="F", lic=("yes", "no"),
                   setting="plain", upper=0.05, ref="DH-{yy}-{n:04d}"),
    "GM0344": dict(date="%d.%m.%Y", nat=3, sex="V",
                   lic=("vergund", "onvergund"), setting="plain", upper=0.05,
                   ref="UTR-{y}-{n:04d}"),
    "GM0772": dict(date="%d-%m-%Y", nat=4, sex="V", lic=("ja", "nee"),
                   setting="plain", upper=0.08, ref="EHV {y} #{n}"),
}

BRANCH_WORDS = {
    "raam": "raamprostitutie", "straat": "tippelzone", "woning": "thuiswerk",
    "club": "seksclub", "escort": "escortbedrijf", "online": "webcam",
    "hotel": "hotel",
}

COLUMNS = [
    "case_ref", "observed_on", "setting", "licensed", "signals",
    "given_names", "surname", "date_of_birth", "sex", "nationality",
    "place_of_birth", "document_number", "phone", "vehicle_plate",
]

PERIOD_END = dt.date(2026, 11, 30)
PERIOD_START = dt.date(2024, 12, 2)

# ---------------------------------------------------------------------------
# Recording-error rates (per control unless said otherwise).  Chosen before
# the product was run; kept fixed.
# ---------------------------------------------------------------------------

RATES = dict(
    diacritics=0.40,          # a row with letters with diacritics loses/replaces them
    other_translit=0.28,      # Cyrillic name written in a non-passport Latin system
    cyrillic_script=0.07,     # written in Cyrillic (from an ID card)
    md_russian_form=0.20,     # Moldovan: name from a Russian-language document
    md_cyrillic=0.05,
    ua_russified=0.08,        # Ukrainian: Russian form of the given name (Olena/Elena)
    thai_other_roman=0.40,    # Thai: another romanisation than her passport's
    thai_nickname=0.15,       # Thai: nickname given instead of the given name
    swap_default=0.04,        # given name and surname swapped
    swap_hungarian=0.15,
    swap_thai=0.06,
    swap_nigerian=0.08,
    given2_dropped=0.30,      # of rows of women with two given names
    surname2_dropped=0.35,    # of rows of women with two surnames (Spanish)
    particle=0.30,            # of rows of women with a Dutch particle
    typo=0.08,                # one typing error in a name
    typo2=0.015,              # a second one
    married_women=0.07,       # share of women who also use a married surname
    married_rows=0.50,        # of such a woman's rows
    dob_missing=0.08,         # Nigerian 0.15, Thai 0.10
    dob_swap=0.03,            # day and month swapped (where both <= 12)
    dob_day=0.015,
    dob_month=0.01,
    dob_year=0.02,
    document=0.55,            # a document number recorded
    two_documents=0.20,       # share of women holding two documents
    doc_typo=0.02,
    phone=0.50,
    controller_phone=0.55,    # of network women's recorded phones
    place=0.40,
    place_variant=0.30,
    nationality=0.85,
    md_dual=0.35,             # Moldovan women with a Romanian passport too
    sex=0.70,
    plate=0.12,
    setting=0.95,
    licensed=0.90,
    in_network=0.25,          # share of women in a controlled network
    sister_family=0.035,      # share of families that are two (or three) sisters
    twin_family=0.006,
    namesake=0.03,            # share of women given another woman's full name
)

# ---------------------------------------------------------------------------
# Transliteration of Cyrillic
# ---------------------------------------------------------------------------

CYR_VOWELS = set("аеёиіїоуыэюяєАЕЁИІЇОУЫЭЮЯЄ")


def _base(over: dict) -> dict:
    base = {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
        "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
        "ї": "yi", "є": "ye", "ґ": "g", "'": "", "ʼ": "",
    }
    base.update(over)
    return base


# system -> (medial table, initial overrides, word-final replacements)
RU_SYSTEMS = {
    "icao": (_base({"й": "i", "ю": "iu", "я": "ia", "ъ": "ie"}), {}, {}),
    "bgn": (_base({"ё": "yo"}), {"е": "ye", "ё": "yo"}, {"ия": "iya"}),
    "en": (_base({}), {"е": "ye"}, {"ия": "ia"}),
    "german": (_base({"в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s",
                      "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
                      "щ": "schtsch", "ю": "ju", "я": "ja"}),
               {"е": "je"}, {"ия": "ija"}),
    "dutch": (_base({"ё": "jo", "ж": "zj", "й": "j", "у": "oe", "х": "ch",
                     "ч": "tsj", "ш": "sj", "щ": "sjtsj", "ю": "joe", "я": "ja"}),
              {"е": "je"}, {"ия": "ia"}),
    "french": (_base({"ё": "io", "ж": "j", "й": "i", "у": "ou", "ч": "tch",
                      "ш": "ch", "щ": "chtch", "ю": "iou", "я": "ia"}),
               {}, {"ия": "ia"}),
    "scholarly": (_base({"ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č",
                         "ш": "š", "щ": "šč", "ю": "ju", "я": "ja", "ё": "ë",
                         "э": "è"}), {}, {}),
}
RU_PASSPORT = ["icao", "bgn", "en"]

UA_SYSTEMS = {
    "ua2010": (_base({"г": "h", "є": "ie", "и": "y", "ї": "i", "й": "i",
                      "ю": "iu", "я": "ia"}),
               {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}, {}, False),
    "en": (_base({"г": "h", "и": "y"}), {}, {"ія": "ia"}),
    "german": (_base({"г": "h", "в": "w", "є": "je", "ж": "sch", "з": "s",
                      "и": "y", "ї": "ji", "й": "j", "х": "ch", "ц": "z",
                      "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju",
                      "я": "ja"}), {}, {"ія": "ija"}),
    "dutch": (_base({"г": "h", "є": "je", "ж": "zj", "и": "y", "ї": "ji",
                     "й": "j", "у": "oe", "х": "ch", "ч": "tsj", "ш": "sj",
                     "щ": "sjtsj", "ю": "joe", "я": "ja"}), {}, {"ія": "ia"}),
    "french": (_base({"г": "h", "є": "ie", "ж": "j", "и": "y", "ї": "i",
                      "й": "i", "у": "ou", "ч": "tch", "ш": "ch", "щ": "chtch",
                      "ю": "iou", "я": "ia"}), {}, {}),
    "scholarly": (_base({"г": "h", "є": "je", "ж": "ž", "и": "y", "ї": "ji",
                         "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š",
                         "щ": "šč", "ю": "ju", "я": "ja"}), {}, {}),
}
UA_PASSPORT = ["ua2010", "ua2010", "ua2010", "en"]

BG_SYSTEMS = {
    "bg2009": (_base({"х": "h", "щ": "sht", "ъ": "a", "ь": "y"}), {},
               {"ия": "ia"}),
    "bg_old": (_base({"щ": "sht", "ъ": "u"}), {}, {"ия": "iya"}),
    "german": (_base({"в": "w", "ж": "sch", "з": "s", "й": "j", "х": "ch",
                      "ц": "z", "ч": "tsch", "ш": "sch", "щ": "scht", "ъ": "a",
                      "ю": "ju", "я": "ja"}), {}, {}),
    "dutch": (_base({"ж": "zj", "й": "j", "у": "oe", "х": "ch", "ч": "tsj",
                     "ш": "sj", "щ": "sjt", "ъ": "a", "ю": "joe", "я": "ja"}),
              {}, {}),
    "french": (_base({"ж": "j", "й": "i", "у": "ou", "ч": "tch", "ш": "ch",
                      "щ": "cht", "ъ": "a", "ю": "iou", "я": "ia"}), {}, {}),
    "scholarly": (_base({"ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č",
                         "ш": "š", "щ": "št", "ъ": "ă", "ю": "ju", "я": "ja"}),
                  {}, {}),
}
BG_PASSPORT = ["bg2009", "bg2009", "bg2009", "bg_old"]


def translit(word: str, system: tuple) -> str:
    table, initial, final = system[:3]
    after_vowel = system[3] if len(system) > 3 else True
    out = []
    low = word.lower()
    for suffix, rep in final.items():
        if low.endswith(suffix) and len(low) > len(suffix):
            head = translit(word[: -len(suffix)], (table, initial, {}, after_vowel))
            return head + rep
    prev = ""
    for ch in word:
        lc = ch.lower()
        if lc in table:
            at_start = prev == "" or prev in "-' " or (
                after_vowel and (prev in CYR_VOWELS or prev in "ьъЬЪ"))
            rep = initial.get(lc, table[lc]) if at_start else table[lc]
            out.append(rep.capitalize() if ch.isupper() and rep else rep)
        else:
            out.append(ch)
        prev = ch
    return "".join(out)


# Romanian -> Russian-Cyrillic, as a Russian-language (Soviet or Transnistrian)
# document writes a Moldovan surname.
_ROM2CYR_MULTI = [
    ("chi", "ки"), ("che", "ке"), ("ghi", "ги"), ("ghe", "ге"),
    ("cea", "ча"), ("cia", "ча"), ("cio", "чо"), ("ciu", "чу"),
    ("ce", "че"), ("ci", "чи"), ("gea", "джа"), ("gia", "джа"),
    ("gio", "джо"), ("giu", "джу"), ("ge", "дже"), ("gi", "джи"),
    ("ea", "я"), ("ia", "ия"), ("iu", "ю"), ("x", "кс"),
]
_ROM2CYR = dict(zip("aăâbcdefghiîjklmnopqrsștțuvwxyzşţ",
                    ["а", "э", "ы", "б", "к", "д", "е", "ф", "г", "х", "и", "ы",
                     "ж", "к", "л", "м", "н", "о", "п", "к", "р", "с", "ш", "т",
                     "ц", "у", "в", "в", "кс", "й", "з", "ш", "ц"], strict=False))
ROM_VOWELS = set("aăâeiîou")


def rom2cyr(word: str) -> str:
    w = word.lower()
    out = []
    i = 0
    while i < len(w):
        if w.endswith("ci") and i == len(w) - 2:
            out.append("ч")
            break
        if i == 0 and w.startswith("ia"):
            out.append("я")
            i += 2
            continue
        for src, dst in _ROM2CYR_MULTI:
            if w.startswith(src, i):
                out.append(dst)
                i += len(src)
                break
        else:
            ch = w[i]
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if ch == "i" and i > 0 and w[i - 1] in ROM_VOWELS and nxt not in ROM_VOWELS:
                out.append("й")
            elif ch == "-":
                out.append("-")
            else:
                out.append(_ROM2CYR.get(ch, ch))
            i += 1
    s = "".join(out)
    return s[:1].upper() + s[1:]


# ---------------------------------------------------------------------------
# Name lists (head lists ordered by commonness; tails built from stems)
# ---------------------------------------------------------------------------

RO_GIVEN = [
    "Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Mihaela", "Cristina",
    "Gabriela", "Florentina", "Denisa", "Alina", "Roxana", "Nicoleta",
    "Georgiana", "Daniela", "Raluca", "Loredana", "Adriana", "Simona",
    "Bianca", "Larisa", "Ramona", "Claudia", "Iuliana", "Mădălina",
    "Cătălina", "Ștefania", "Anca", "Oana", "Corina", "Diana", "Lavinia",
    "Petronela", "Florina", "Violeta", "Luminița", "Teodora", "Alexandrina",
    "Ana", "Marinela", "Viorica", "Camelia", "Geanina", "Nicoleta", "Sorina",
]
RO_SECOND = ["Maria", "Elena", "Ioana", "Cristina", "Alexandra", "Mihaela",
             "Florentina", "Andreea", "Gabriela", "Daniela"]
RO_SURNAME_HEAD = [
    "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
    "Ciobanu", "Ionescu", "Rusu", "Popescu", "Munteanu", "Constantin",
    "Mihai", "Marin", "Lungu", "Tudor", "Ion", "Șerban", "Dinu", "Florea",
    "Nistor", "Moldovan", "Ștefan", "Bălan", "Dobre", "Barbu", "Toma",
    "Zamfir", "Neagu", "Sandu", "Vasile", "Lăcătuș", "Mureșan", "Tănase",
    "Ursu", "Voicu", "Ungureanu", "Covaci", "Lazăr", "Preda", "Cojocaru",
    "Oprea", "Manea", "Dragomir", "Ene", "Diaconu", "Căldărar", "Năstase",
]
RO_STEMS = [
    "Stan", "Rad", "Ion", "Dumitr", "Gheorghi", "Vasil", "Costach", "Nicul",
    "Marin", "Mihail", "Petr", "Tudor", "Manol", "Dobr", "Lup", "Bucur",
    "Simion", "Filip", "Grigor", "Iord", "Andron", "Barb", "Chiri", "Cozm",
    "Dan", "Enach", "Luc", "Matei", "Neag", "Păun", "Sav", "Tănas", "Vlad",
    "Zamfir", "Dinc", "Mocan", "Olt", "Rus", "Sandu", "Ungur", "Călin",
    "Cret", "Drăghic", "Negr", "Stoic", "Voic", "Nistor", "Bogd", "Mirc",
    "Anghel", "Arsen", "Cazac", "Dobrin", "Stănc", "Brătian", "Pătr",
    "Șerb", "Ștef", "Țig", "Mărg", "Bălt", "Fărc", "Râp", "Tăt",
]
RO_ENDINGS = ["escu", "eanu", "oiu", "ache", "ilă", "aru"]

MD_GIVEN = [  # Romanian form, Russian-Cyrillic form
    ("Natalia", "Наталья"), ("Elena", "Елена"), ("Olga", "Ольга"),
    ("Cristina", "Кристина"), ("Tatiana", "Татьяна"), ("Ana", "Анна"),
    ("Victoria", "Виктория"), ("Iulia", "Юлия"), ("Maria", "Мария"),
    ("Irina", "Ирина"), ("Ecaterina", "Екатерина"), ("Svetlana", "Светлана"),
    ("Mariana", "Мариана"), ("Doina", "Дойна"), ("Nadejda", "Надежда"),
    ("Ludmila", "Людмила"), ("Veronica", "Вероника"), ("Alina", "Алина"),
    ("Diana", "Диана"), ("Angela", "Анжела"), ("Liliana", "Лилиана"),
    ("Valentina", "Валентина"), ("Galina", "Галина"), ("Corina", "Корина"),
    ("Aliona", "Алёна"), ("Eugenia", "Евгения"), ("Daniela", "Даниэла"),
    ("Inga", "Инга"), ("Silvia", "Сильвия"), ("Lilia", "Лилия"),
]
MD_SURNAME_HEAD = [
    "Rusu", "Ciobanu", "Țurcanu", "Cebotari", "Munteanu", "Lungu", "Rotaru",
    "Cojocaru", "Popa", "Ceban", "Sîrbu", "Guțu", "Bejenaru", "Croitoru",
    "Moraru", "Melnic", "Arnaut", "Bivol", "Botnari", "Caraman", "Cazacu",
    "Cușnir", "Grosu", "Leahu", "Mocanu", "Plămădeală", "Răileanu", "Roșca",
    "Spînu", "Ursu", "Zaharia", "Țurcan", "Bălan", "Scutaru", "Sandu",
    "Chiriac", "Prodan", "Negru", "Gheorghiță", "Vrabie", "Cucu", "Bîrcă",
]
MD_STEMS = ["Cebot", "Botn", "Melnic", "Croit", "Mor", "Rot", "Cojoc", "Bejen",
            "Scut", "Pădur", "Olar", "Ciub", "Morar", "Grădin", "Lupaș",
            "Căpăț", "Dodon", "Gaugaș", "Tăbăc", "Ciorb", "Crețu", "Bost"]
MD_ENDINGS = ["aru", "anu", "ari", "ean", "escu", "uc"]

BG_GIVEN = [
    "Мария", "Иванка", "Елена", "Йорданка", "Петя", "Десислава", "Гергана",
    "Виктория", "Николета", "Цветелина", "Радостина", "Силвия", "Даниела",
    "Невена", "Ралица", "Габриела", "Емилия", "Теодора", "Анелия", "Стефка",
    "Росица", "Златка", "Милена", "Валентина", "Камелия", "Венета",
    "Кристина", "Станка", "Христина", "Жанета", "Сийка", "Галя", "Величка",
    "Мирослава", "Яна",
]
BG_SURNAME_HEAD = [
    "Иванова", "Георгиева", "Димитрова", "Петрова", "Николова", "Христова",
    "Стоянова", "Тодорова", "Илиева", "Василева", "Атанасова", "Петкова",
    "Ангелова", "Колева", "Йорданова", "Маринова", "Попова", "Стефанова",
    "Асенова", "Юсеинова", "Алиева", "Ахмедова", "Салиева", "Костадинова",
    "Михайлова", "Русева", "Цветкова", "Кирилова", "Митева", "Хасанова",
]
BG_STEMS = [
    "Симеон", "Благо", "Велик", "Горан", "Добр", "Желязк", "Злат", "Калин",
    "Любен", "Младен", "Найден", "Пенч", "Радослав", "Сав", "Стан",
    "Трифон", "Филип", "Цан", "Чавдар", "Шишк", "Янк", "Бойч", "Вълч",
    "Гроз", "Дянк", "Енч", "Жечк", "Иличк", "Кръст", "Лазар", "Милуш",
    "Нед", "Паун", "Рашк", "Сотир", "Тенч", "Хрис", "Щерев", "Ърбан",
    "Бакал", "Джамбаз", "Мустаф", "Реджеб", "Сюлейман", "Исмаил",
    "Чолак", "Караджа", "Шукри", "Мехмед", "Цвятк", "Андон", "Боян",
    "Вангел", "Гавраил", "Даскал", "Евтим", "Захари", "Игнат", "Йосиф",
    "Кънч", "Лалч", "Манол", "Недялк", "Огнян", "Пейч", "Рангел", "Слав",
    "Тодорак", "Узун", "Фот", "Хаджи", "Цонч", "Чакър", "Шопов", "Юрук",
    "Ямбол", "Апостол", "Бъчвар", "Вълкан", "Грънчар", "Дойч", "Ешреф",
    "Ковач", "Кехай", "Мирч", "Нанк", "Пашал", "Райк", "Стамат", "Тончев",
]

UA_GIVEN = [
    "Олена", "Юлія", "Наталія", "Оксана", "Тетяна", "Ірина", "Катерина",
    "Анастасія", "Марія", "Світлана", "Вікторія", "Людмила", "Галина",
    "Ольга", "Дар'я", "Аліна", "Христина", "Валентина", "Яна", "Софія",
    "Надія", "Інна", "Лілія", "Олександра", "Вероніка",
]
UA_RUSSIFIED = {
    "Олена": "Елена", "Юлія": "Юлия", "Наталія": "Наталья", "Тетяна": "Татьяна",
    "Ірина": "Ирина", "Катерина": "Екатерина", "Анастасія": "Анастасия",
    "Марія": "Мария", "Світлана": "Светлана", "Вікторія": "Виктория",
    "Дар'я": "Дарья", "Христина": "Кристина", "Надія": "Надежда",
    "Олександра": "Александра", "Софія": "София", "Лілія": "Лилия",
}
UA_SURNAME_HEAD = [
    "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко",
    "Олійник", "Шевчук", "Поліщук", "Бойко", "Ткачук", "Мельник", "Коваль",
    "Савченко", "Лисенко", "Руденко", "Марченко", "Мороз", "Петренко",
    "Клименко", "Павленко", "Кравчук", "Гончаренко", "Левченко", "Харченко",
    "Кузьменко", "Бондар", "Юрченко", "Литвиненко", "Савчук", "Сидоренко",
]
UA_STEMS = [
    "Дорош", "Гриц", "Остап", "Тарас", "Іван", "Мирош", "Назар", "Пилип",
    "Семен", "Тимош", "Федор", "Яковл", "Гуц", "Кирил", "Луц", "Мартин",
    "Нестер", "Онищ", "Прокоп", "Рибал", "Стець", "Хом", "Ящ", "Гнат",
    "Дмитр", "Зінч", "Кост", "Лев", "Мик", "Оліфір", "Панч", "Сав", "Тищ",
    "Фесь", "Цар", "Шаповал", "Яр", "Вовк", "Гордій", "Карп",
]
UA_ENDINGS = ["енко", "ук", "чук", "ко", "ишин", "ець"]

RU_GIVEN = [
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна",
    "Юлия", "Ирина", "Светлана", "Анастасия", "Ксения", "Дарья", "Алёна",
    "Евгения", "Виктория", "Марина", "Яна", "Полина", "Кристина",
]
RU_SURNAME_HEAD = [
    "Иванова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Петрова",
    "Соколова", "Михайлова", "Новикова", "Фёдорова", "Морозова", "Волкова",
    "Алексеева", "Лебедева", "Семёнова", "Егорова", "Павлова", "Козлова",
    "Степанова", "Николаева", "Орлова", "Андреева", "Макарова", "Захарова",
]
RU_STEMS = [
    "Зайц", "Соловь", "Борис", "Яковл", "Григорь", "Роман", "Воробь",
    "Сергее", "Кузьмин", "Фрол", "Александр", "Дмитри", "Корол", "Гусе",
    "Киселе", "Ильин", "Максим", "Поляк", "Сорокин", "Виноградов", "Ковалёв",
    "Белов", "Медведе", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов",
    "Комаров", "Давыдов", "Беляе", "Герасимов", "Богданов", "Осипов",
    "Сидоров", "Матвее", "Титов", "Марков", "Миронов", "Крылов", "Куликов",
    "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасье", "Данилов", "Савельев", "Тимофее", "Фомин",
    "Чернов", "Абрамов", "Мартынов", "Ефимов", "Федотов", "Щербаков",
    "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов", "Родионов",
]

HU_GIVEN = [
    "Anna", "Krisztina", "Andrea", "Viktória", "Szilvia", "Nikolett",
    "Tímea", "Renáta", "Vivien", "Bianka", "Dóra", "Réka", "Boglárka",
    "Enikő", "Melinda", "Brigitta", "Kitti", "Anita", "Edina", "Judit",
    "Katalin", "Erzsébet", "Mária", "Zsófia", "Eszter", "Ildikó", "Henrietta",
    "Alexandra", "Noémi", "Petra", "Fanni", "Zsanett", "Klaudia", "Hajnalka",
]
HU_SURNAME_HEAD = [
    "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár",
    "Németh", "Farkas", "Balogh", "Papp", "Lakatos", "Takács", "Juhász",
    "Oláh", "Mészáros", "Simon", "Rácz", "Fekete", "Szilágyi", "Török",
    "Fehér", "Balázs", "Gál", "Kis", "Szűcs", "Kocsis", "Orsós", "Pintér",
    "Fodor", "Szalai", "Sipos", "Magyar", "Lukács", "Gulyás", "Bíró",
    "Király", "Katona", "Lengyel", "Jakab", "Bogdán", "Sárközi", "Kőszegi",
    "Győri", "Váradi", "Csonka", "Bodnár", "Szekeres", "Fülöp", "Puskás",
    "Vörös", "Ökrös", "Budai", "Rostás", "Kolompár", "Raffael", "Pusztai",
]
HU_TAIL = [
    "Debreceni", "Szegedi", "Pápai", "Kaposi", "Soproni", "Egri", "Baranyai",
    "Somogyi", "Zalai", "Tolnai", "Hevesi", "Borsodi", "Bakonyi", "Tiszai",
    "Dunai", "Nyitrai", "Kassai", "Váci", "Gödöllői", "Miskolci", "Szolnoki",
    "Csizmadia", "Szűts", "Kerekes", "Kardos", "Bognár", "Vincze", "Hegedűs",
    "Borbély", "Antal", "Orbán", "Major", "Dudás", "Bencze", "Halász",
    "Sárosi", "Kun", "Deák", "Pál", "Illés", "Vass", "Szénási", "Benkő",
    "Márton", "Barta", "Dobos", "Mohácsi", "Szántó", "Berki", "Kanalas",
    "Góman", "Mága", "Burai", "Suha", "Czinka", "Danyi", "Horvát", "Jónás",
    "Rézműves", "Sztojka", "Ádám", "Erdős", "Forgács", "Gergely", "Hajdu",
    "Jenei", "Keresztes", "Lovas", "Mészöly", "Nemes", "Oroszi", "Pásztor",
]

PL_GIVEN = [
    "Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Monika",
    "Aleksandra", "Natalia", "Karolina", "Justyna", "Paulina", "Marta", "Ewa",
    "Małgorzata", "Dorota", "Patrycja", "Weronika", "Sylwia", "Izabela",
    "Beata", "Agata", "Żaneta", "Klaudia", "Dominika", "Wiktoria", "Kinga",
]
PL_SURNAME_HEAD = [
    "Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska",
    "Lewandowska", "Zielińska", "Szymańska", "Woźniak", "Dąbrowska",
    "Kozłowska", "Jankowska", "Mazur", "Kwiatkowska", "Krawczyk",
    "Piotrowska", "Grabowska", "Nowakowska", "Pawłowska", "Michalska",
    "Król", "Wieczorek", "Jabłońska", "Wróbel", "Nowicka", "Majewska",
]
PL_STEMS = [
    "Olszew", "Jawor", "Malinow", "Gór", "Rutkow", "Tomaszew", "Wasilew",
    "Zawadz", "Sobczyń", "Borkow", "Czarnec", "Dudz", "Głowac", "Jasiń",
    "Kaczmar", "Kubiak", "Lis", "Mroz", "Nowac", "Ostrow", "Przybyl",
    "Sadow", "Szczepań", "Tarnow", "Urbań", "Wilczyń", "Zając", "Żuraw",
    "Bielec", "Chmielew", "Domań", "Frąckow", "Gajew", "Krupiń", "Łuczak",
]
PL_ENDINGS = ["ska", "ska", "cka", "ak", "czyk", "ek"]

NG_GIVEN = [
    "Blessing", "Joy", "Precious", "Favour", "Happiness", "Mercy", "Gift",
    "Faith", "Patience", "Esther", "Osas", "Itohan", "Ivie", "Efe",
    "Osayuwamen", "Eseosa", "Izehiuwa", "Ofure", "Oghogho", "Ewaen",
    "Isoken", "Imade", "Omosede", "Eki", "Princess", "Glory", "Success",
    "Peace", "Comfort", "Gladys", "Osaretin", "Ekinadose", "Nosa",
]
NG_SECOND = ["Osayuwamen", "Itohan", "Isoken", "Eseosa", "Omosede", "Ofure",
             "Osarugue", "Ivie", "Efosa", "Imuetinyan", "Uyiosa", "Osasumwen"]
NG_SURNAME_HEAD = [
    "Osagie", "Igbinedion", "Omoregie", "Osaghae", "Ehigiator", "Obaseki",
    "Aigbe", "Idahosa", "Osazuwa", "Edokpolo", "Okunbor", "Uwadiae", "Iyamu",
    "Ogbebor", "Eweka", "Aghahowa", "Omoruyi", "Osemwegie", "Ogiemwonyi",
    "Erhahon", "Asemota", "Egharevba", "Akenzua", "Imasuen", "Obasuyi",
    "Osayande", "Izevbigie", "Iyoha", "Agbonlahor", "Okoro", "Okafor",
]
NG_PREFIXES = ["Osa", "Omo", "Igbi", "Iye", "Agbon", "Ehi", "Edo", "Ogie",
               "Ize", "Ogbe", "Eghe", "Aig", "Uwa", "Oko", "Imas", "Obas",
               "Uyi", "Ekh", "Ode", "Iro", "Ugie", "Ose"]
NG_SUFFIXES = ["gie", "ruyi", "yande", "zuwa", "diae", "mwonyi", "nedion",
               "wegie", "hahon", "kpolo", "bor", "ghae", "giator", "mota",
               "zua", "suen", "sere", "mwen", "ese", "rhobo", "tota", "kha"]

HISP_GIVEN_DO = [
    "María", "Yudelka", "Yokasta", "Altagracia", "Rosanna", "Wendy",
    "Massiel", "Yajaira", "Yessica", "Mariela", "Esmeralda", "Dayana",
    "Yesenia", "Carolina", "Scarlet", "Yubelkis", "Yaniris", "Ana", "Paola",
]
HISP_GIVEN_CO = [
    "María", "Yuliana", "Leidy", "Carolina", "Paola", "Daniela", "Natalia",
    "Luisa", "Diana", "Johana", "Katherine", "Yaneth", "Ana", "Tatiana",
    "Viviana", "Sandra", "Lorena", "Yurany", "Marcela", "Angie",
]
HISP_SECOND = ["José", "Fernanda", "Marcela", "Alejandra", "Isabel",
               "Andrea", "Carolina", "Milagros", "Altagracia", "Camila"]
HISP_SURNAME_HEAD = [
    "Rodríguez", "Gómez", "González", "Martínez", "García", "López",
    "Hernández", "Sánchez", "Ramírez", "Pérez", "Díaz", "Muñoz", "Rojas",
    "Moreno", "Jiménez", "Vargas", "Castro", "Gutiérrez", "Álvarez", "Ortiz",
    "Peña", "Reyes", "Santana", "Núñez", "Batista", "Féliz", "Mejía",
    "Cabrera", "Valdez", "Ospina", "Cardona", "Restrepo", "Londoño",
    "Arias", "Zapata", "Quintero", "Montoya", "Agudelo", "Guzmán", "Polanco",
    "Encarnación", "Rosario", "Tavárez", "Almonte", "Cuevas", "Villalobos",
    "Echeverri", "Betancur", "Henao", "Salazar", "Marulanda", "Giraldo",
]

TH_GIVEN = [  # variants; index 0 is the RTGS form
    ["Siriporn", "Siriphon", "Siriphorn", "Siripon"],
    ["Supaporn", "Suphaphon", "Supaphorn", "Suphaporn"],
    ["Kanokwan", "Kanogwan", "Khanokwan"],
    ["Pornthip", "Phonthip", "Porntip", "Phornthip"],
    ["Nattaya", "Natthaya", "Nattaja"],
    ["Wanida", "Vanida", "Wanidaa"],
    ["Sukanya", "Sukhanya", "Sookanya"],
    ["Jintana", "Chintana", "Jinthana"],
    ["Ratchanee", "Ratchani", "Rachanee", "Ratchanie"],
    ["Duangjai", "Duangchai", "Duangjay"],
    ["Kannika", "Kanika", "Khannika"],
    ["Pattaraporn", "Phattharaphon", "Pattharaporn", "Phatharaporn"],
    ["Nongnuch", "Nongnut", "Nongnooch"],
    ["Wilawan", "Vilawan", "Wilawal"],
    ["Araya", "Araiya", "Arraya"],
    ["Apinya", "Aphinya", "Apinyaa"],
    ["Malee", "Mali", "Malie"],
    ["Thippawan", "Tippawan", "Thipphawan"],
    ["Saowaluk", "Saowalak", "Saowaluck"],
    ["Chanida", "Janida", "Chanidaa"],
    ["Kamonwan", "Kamolwan", "Khamonwan"],
    ["Nisa", "Nissa", "Nisaa"],
    ["Orathai", "Orathay", "Oratai"],
    ["Pimchanok", "Phimchanok", "Pimjanok"],
]
TH_NICKNAMES = ["Noi", "Nok", "Lek", "Joy", "Ploy", "Som", "Bee", "Fon", "Nan",
                "Aom", "Ning", "Tukta", "Mai", "Nong", "Pim", "Kwan", "Da",
                "Toey", "Mint", "Gift", "Pla", "Nuch", "Jiab", "Oy"]
TH_PARTS = ["Sri", "Wong", "Chai", "Boon", "Sak", "Suk", "Kaew", "Thong",
            "Rat", "Phan", "Siri", "Sombat", "Nak", "Phrom", "In", "Charoen",
            "Prasert", "Sawat", "Thani", "Kul", "Porn", "Rak", "Dee", "Mee",
            "Phon", "Jai", "Thep", "Wichai", "Saeng", "Khun", "Chan", "Kham",
            "Yot", "Ruang", "Pong", "Sin", "Ngam", "Thawee", "Buppha", "Udom"]
TH_HEAD = ["Saelee", "Srisuk", "Boonmee", "Thongdee", "Jaidee", "Kaewkham",
           "Wongsawat", "Phromma", "Somboon", "Sukprasert", "Intharasuk",
           "Chanthara", "Meesuk", "Saetang", "Saeyang"]
# romanisation rules applied to a whole name: (pattern, replacement)
TH_RULES = [("ph", "p"), ("th", "t"), ("kh", "k"), ("oo", "u"), ("ee", "i"),
            ("ch", "j"), ("w", "v"), ("porn", "phon"), ("ai", "ay"),
            ("u", "oo"), ("ae", "a")]

DUTCH_GIVEN = [
    "Sanne", "Lisa", "Kim", "Anouk", "Laura", "Fleur", "Naomi", "Melissa",
    "Romy", "Chantal", "Priscilla", "Kelly", "Demi", "Samantha", "Jessica",
    "Tamara", "Denise", "Esmee", "Maud", "Iris", "Shanti", "Sharon",
    "Bianca", "Nicole", "Mandy", "Daphne", "Sabrina", "Natasja", "Yvonne",
    "Marieke", "Femke", "Ilse", "Mirjam", "Nathalie", "Cynthia", "Danielle",
]
DUTCH_SECOND = ["Maria", "Johanna", "Anna", "Elisabeth", "Wilhelmina",
                "Cornelia", "Petronella", "Geertruida", "Catharina"]
DUTCH_SURNAME_HEAD = [
    ["de", "Jong"], ["Jansen"], ["de", "Vries"], ["van", "den", "Berg"],
    ["van", "Dijk"], ["Bakker"], ["Janssen"], ["Visser"], ["Smit"],
    ["Meijer"], ["de", "Boer"], ["Mulder"], ["de", "Groot"], ["Bos"],
    ["Vos"], ["Peters"], ["Hendriks"], ["van", "Leeuwen"], ["Dekker"],
    ["Brouwer"], ["de", "Wit"], ["Dijkstra"], ["Smits"], ["de", "Graaf"],
    ["van", "der", "Meer"], ["van", "der", "Linden"], ["Kok"], ["Jacobs"],
    ["de", "Haan"], ["Vermeulen"], ["van", "den", "Heuvel"],
    ["van", "der", "Veen"], ["van", "den", "Broek"], ["de", "Bruijn"],
    ["van", "der", "Heijden"], ["Schouten"], ["van", "Beek"], ["Willems"],
    ["van", "Vliet"], ["Hoekstra"], ["Maas"], ["Verhoeven"], ["Koster"],
    ["van", "Dam"], ["Prins"], ["Blom"], ["Huisman"], ["Kuipers"],
    ["Brinkman"], ["Sitaldin"], ["Ramdin"], ["Martina"], ["Pinas"],
]
DUTCH_STEMS = ["Hoog", "Wester", "Ooster", "Zuider", "Noord", "Ruit", "Molen",
               "Bloem", "Klein", "Groen", "Hout", "Steen", "Zand", "Berg",
               "Dijk", "Veld", "Beek", "Brink", "Hof", "Kamp", "Vliet", "Horst"]
DUTCH_ENDINGS = ["man", "huis", "kamp", "veld", "stra", "inga", "ink", "sma"]

FOREIGN_HUSBAND = [["de", "Vries"], ["Jansen"], ["Müller"], ["Schmidt"],
                   ["van", "Dijk"], ["Bakker"], ["Peeters"], ["Meijer"]]

# ---------------------------------------------------------------------------
# Places of birth: canonical name and other ways of writing it
# ---------------------------------------------------------------------------

PLACES = {
    "RO": [["București", "Bucuresti", "Bucharest", "Boekarest", "BUCURESTI Sectorul 3"],
           ["Constanța", "Constanta", "Constanța, jud. Constanța"],
           ["Craiova", "Craiova, Dolj"], ["Iași", "Iasi", "mun. Iași"],
           ["Galați", "Galati"], ["Brăila", "Braila"], ["Timișoara", "Timisoara"],
           ["Cluj-Napoca", "Cluj", "Kolozsvár"], ["Bacău", "Bacau"],
           ["Buzău", "Buzau"], ["Călărași", "Calarasi"], ["Slobozia"],
           ["Tulcea"], ["Pitești", "Pitesti"], ["Târgoviște", "Targoviste"],
           ["Ploiești", "Ploiesti"], ["Botoșani", "Botosani"], ["Vaslui"],
           ["Suceava"], ["Focșani", "Focsani"], ["Alexandria"],
           ["Giurgiu"], ["Slatina"], ["Târgu Jiu", "Targu Jiu", "Tg. Jiu"]],
    "MD": [["Chișinău", "Chisinau", "Кишинёв", "Kishinev", "mun. Chișinău",
            "Chisinau, Republica Moldova"],
           ["Bălți", "Balti", "Бельцы", "Beltsy"], ["Cahul", "Кагул"],
           ["Orhei", "Орхей"], ["Ungheni", "Унгень"], ["Soroca", "Сороки"],
           ["Hîncești", "Hincesti", "Kotovsk"], ["Comrat", "Комрат"],
           ["Edineț", "Edinet"], ["Căușeni", "Causeni"], ["Strășeni", "Straseni"],
           ["Florești", "Floresti"], ["Tiraspol", "Тирасполь"]],
    "BG": [["Sofia", "София", "Sofiya"], ["Plovdiv", "Пловдив"],
           ["Varna", "Варна"], ["Burgas", "Бургас"], ["Ruse", "Русе", "Rousse"],
           ["Stara Zagora", "Стара Загора"], ["Pleven", "Плевен"],
           ["Sliven", "Сливен"], ["Dobrich", "Добрич"], ["Shumen", "Шумен"],
           ["Pazardzhik", "Pazardjik", "Пазарджик"], ["Haskovo", "Хасково"],
           ["Yambol", "Ямбол", "Jambol"], ["Kyustendil", "Кюстендил"],
           ["Montana", "Монтана"], ["Vidin", "Видин"], ["Kazanlak", "Kazanlăk"]],
    "HU": [["Budapest"], ["Miskolc"], ["Debrecen"], ["Nyíregyháza", "Nyiregyhaza"],
           ["Ózd", "Ozd"], ["Pécs", "Pecs"], ["Szeged"],
           ["Kazincbarcika"], ["Salgótarján", "Salgotarjan"], ["Eger"],
           ["Győr", "Gyor", "Györ"], ["Kecskemét", "Kecskemet"],
           ["Békéscsaba", "Bekescsaba"], ["Szolnok"], ["Tatabánya", "Tatabanya"]],
    "UA": [["Київ", "Kyiv", "Kiev", "Kijev"], ["Харків", "Kharkiv", "Charkov"],
           ["Одеса", "Odesa", "Odessa"], ["Дніпро", "Dnipro", "Dnepropetrovsk"],
           ["Запоріжжя", "Zaporizhzhia", "Zaporozhye"], ["Львів", "Lviv", "Lvov"],
           ["Миколаїв", "Mykolaiv", "Nikolaev"], ["Херсон", "Kherson"],
           ["Черкаси", "Cherkasy"], ["Вінниця", "Vinnytsia"],
           ["Житомир", "Zhytomyr"], ["Кривий Ріг", "Kryvyi Rih", "Krivoy Rog"]],
    "RU": [["Москва", "Moskva", "Moscow", "Moskou"],
           ["Санкт-Петербург", "Sankt-Peterburg", "Saint Petersburg"],
           ["Калининград", "Kaliningrad"], ["Ростов-на-Дону", "Rostov-na-Donu"],
           ["Волгоград", "Volgograd"], ["Самара", "Samara"],
           ["Краснодар", "Krasnodar"]],
    "PL": [["Warszawa", "Warsaw", "Warschau"], ["Kraków", "Krakow"],
           ["Łódź", "Lodz"], ["Wrocław", "Wroclaw"], ["Poznań", "Poznan"],
           ["Gdańsk", "Gdansk"], ["Szczecin"], ["Bydgoszcz"], ["Lublin"],
           ["Białystok", "Bialystok"], ["Katowice"], ["Wałbrzych", "Walbrzych"]],
    "NG": [["Benin City", "Benin", "Benin-City", "Benin City, Edo State"],
           ["Lagos", "Lagos Nigeria"], ["Warri"], ["Ekpoma"], ["Auchi"],
           ["Uromi"], ["Irrua"], ["Abuja"], ["Port Harcourt"], ["Sapele"]],
    "DO": [["Santo Domingo", "Sto. Domingo", "Santo Domingo, R.D."],
           ["Santiago de los Caballeros", "Santiago"],
           ["San Pedro de Macorís", "San Pedro de Macoris"], ["La Romana"],
           ["Puerto Plata"], ["Boca Chica"], ["Sosúa", "Sosua"],
           ["San Cristóbal", "San Cristobal"]],
    "CO": [["Bogotá", "Bogota", "Bogotá D.C."], ["Medellín", "Medellin"],
           ["Cali"], ["Pereira"], ["Barranquilla"], ["Cartagena"],
           ["Armenia"], ["Manizales"], ["Bucaramanga"]],
    "TH": [["Bangkok", "Krung Thep"], ["Udon Thani", "Udonthani"],
           ["Khon Kaen", "Khonkaen"], ["Nakhon Ratchasima", "Korat"],
           ["Ubon Ratchathani", "Ubon"], ["Chiang Mai", "Chiangmai"],
           ["Chiang Rai"], ["Nong Khai", "Nongkhai"],
           ["Sakon Nakhon"], ["Buriram", "Buri Ram"], ["Surin"], ["Roi Et"],
           ["Sisaket", "Si Sa Ket"]],
    "NL": [["Amsterdam"], ["Rotterdam"], ["'s-Gravenhage", "Den Haag"],
           ["Utrecht"], ["Eindhoven"], ["Groningen"], ["Tilburg"],
           ["Almere"], ["Breda"], ["Nijmegen"], ["Paramaribo"],
           ["Willemstad"], ["Zaandam"], ["Heerlen"], ["Emmen"]],
}

NATIONALITY = {  # ISO3, Dutch adjective, English country, ISO2, Dutch country
    "RO": ["ROU", "Roemeens", "Romania", "RO", "Roemenië"],
    "MD": ["MDA", "Moldavisch", "Moldova", "MD", "Moldavië"],
    "BG": ["BGR", "Bulgaars", "Bulgaria", "BG", "Bulgarije"],
    "HU": ["HUN", "Hongaars", "Hungary", "HU", "Hongarije"],
    "UA": ["UKR", "Oekraïens", "Ukraine", "UA", "Oekraïne"],
    "RU": ["RUS", "Russisch", "Russia", "RU", "Rusland"],
    "PL": ["POL", "Pools", "Poland", "PL", "Polen"],
    "NG": ["NGA", "Nigeriaans", "Nigeria", "NG", "Nigeria"],
    "DO": ["DOM", "Dominicaans", "Dominican Republic", "DO",
           "Dominicaanse Republiek"],
    "CO": ["COL", "Colombiaans", "Colombia", "CO", "Colombia"],
    "TH": ["THA", "Thais", "Thailand", "TH", "Thailand"],
    "NL": ["NLD", "Nederlands", "Netherlands", "NL", "Nederland"],
}

# population code -> (label, share of women)
POPULATIONS = [
    ("RO", "Romanian", 0.22), ("NL", "Dutch", 0.18), ("BG", "Bulgarian", 0.10),
    ("HU", "Hungarian", 0.08), ("NG", "Nigerian", 0.08), ("TH", "Thai", 0.08),
    ("MD", "Moldovan", 0.06), ("UA", "Ukrainian", 0.05), ("PL", "Polish", 0.05),
    ("DO", "Dominican", 0.04), ("CO", "Colombian", 0.04), ("RU", "Russian", 0.02),
]
POP_LABEL = {c: lab for c, lab, _ in POPULATIONS}

SETTINGS = {
    "RO": {"raam": .35, "woning": .30, "hotel": .15, "club": .10, "escort": .10},
    "MD": {"woning": .40, "hotel": .30, "raam": .15, "escort": .15},
    "BG": {"raam": .45, "woning": .30, "hotel": .15, "club": .10},
    "HU": {"raam": .60, "woning": .20, "club": .10, "hotel": .10},
    "UA": {"escort": .35, "woning": .30, "hotel": .25, "club": .10},
    "RU": {"escort": .35, "woning": .30, "hotel": .25, "club": .10},
    "PL": {"raam": .30, "club": .30, "woning": .20, "escort": .20},
    "NG": {"raam": .50, "woning": .35, "straat": .15},
    "DO": {"raam": .35, "club": .30, "woning": .25, "escort": .10},
    "CO": {"raam": .35, "club": .30, "woning": .25, "escort": .10},
    "TH": {"woning": .60, "club": .20, "online": .20},
    "NL": {"escort": .30, "club": .25, "raam": .25, "online": .10, "straat": .10},
}

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def zipf_pick(rng: random.Random, items: list, s: float = 0.8):
    weights = [1.0 / (r + 1) ** s for r in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def weighted(rng: random.Random, table: dict):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn")


def has_marks(s: str) -> bool:
    return strip_marks(s) != s or any(c in s for c in "łŁøØß")


DIACRITIC_SWAPS = {
    "ș": ["s", "ş"], "Ș": ["S", "Ş"], "ț": ["t", "ţ"], "Ț": ["T", "Ţ"],
    "ă": ["a"], "Ă": ["A"], "â": ["a"], "î": ["i"], "Î": ["I"],
    "ő": ["o", "ö", "õ", "ô"], "Ő": ["O", "Ö"], "ű": ["u", "ü", "û"],
    "ö": ["o", "oe"], "Ö": ["O", "Oe"], "ü": ["u", "ue"], "Ü": ["U", "Ue"],
    "ł": ["l"], "Ł": ["L"], "ż": ["z"], "Ż": ["Z"], "ź": ["z"],
    "ž": ["z", "zh"], "č": ["c", "ch"], "š": ["s", "sh"], "ë": ["e", "yo"],
    "è": ["e"], "ñ": ["n"],
}


def lose_diacritics(rng: random.Random, s: str) -> str:
    out = []
    for ch in s:
        if ch in DIACRITIC_SWAPS and rng.random() < 0.9:
            out.append(rng.choice(DIACRITIC_SWAPS[ch]))
        elif strip_marks(ch) != ch and rng.random() < 0.9:
            out.append(strip_marks(ch))
        else:
            out.append(ch)
    return "".join(out)


QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _neighbours(ch: str) -> str:
    for r, row in enumerate(QWERTY):
        c = row.find(ch)
        if c >= 0:
            near = []
            for dr in (-1, 0, 1):
                rr = r + dr
                if 0 <= rr < len(QWERTY):
                    for dc in (-1, 0, 1):
                        cc = c + dc
                        if (dr or dc) and 0 <= cc < len(QWERTY[rr]):
                            near.append(QWERTY[rr][cc])
            return "".join(near)
    return ""


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip inside a word of at least 3 letters."""
    if len(word) < 3:
        return word
    kind = rng.choice(["insert", "delete", "substitute", "transpose"])
    i = rng.randrange(1, len(word))  # keep the first letter, as most slips do
    ch = word[i]
    near = _neighbours(ch.lower())
    if kind == "delete":
        return word[:i] + word[i + 1:]
    if kind == "transpose":
        j = i - 1 if i == len(word) - 1 else i
        if j < 1:
            j = 1
        if j + 1 >= len(word):
            return word[:i] + word[i + 1:]
        return word[:j] + word[j + 1] + word[j] + word[j + 2:]
    if kind == "insert":
        add = rng.choice(near) if near else ch
        return word[:i] + add + word[i:]
    # substitute
    if not near:  # Cyrillic or other letters: double the letter instead
        return word[:i] + ch + word[i:]
    new = rng.choice(near)
    if ch.isupper():
        new = new.upper()
    return word[:i] + new + word[i + 1:]


def fmt_date(d: dt.date, fmt: str) -> str:
    return d.strftime(fmt)


def safe_date(y: int, m: int, d: int):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Women
# ---------------------------------------------------------------------------


class Woman:
    def __init__(self, wid: str, pop: str):
        self.wid = wid
        self.pop = pop
        self.given: list[str] = []       # canonical tokens (source script)
        self.surname: list[str] = []
        self.married: list[str] | None = None
        self.system = ""                  # passport transliteration system
        self.thai_given = None            # variant list
        self.thai_given_idx = 0
        self.thai_rules: list = []        # passport romanisation rules
        self.nickname = ""
        self.dob: dt.date | None = None
        self.place: list[str] = []
        self.docs: list[str] = []
        self.dual = False
        self.phones: list[tuple[str, str]] = []   # (country, national number)
        self.network: int | None = None
        self.family: tuple[str, int] | None = None  # ("sister"/"twin", family id)
        self.car: str | None = None

    def name_keys(self) -> set:
        """First given name with each surname she goes by (maiden, married);
        two women sharing one of these are namesakes.  A Spanish name counts
        by its first surname, which is the one every record keeps."""
        first = self.thai_given[0] if self.pop == "TH" else self.given[0]
        keys = set()
        for sur in (self.surname, self.married):
            if sur:
                main = sur[:1] if self.pop in ("DO", "CO") else sur
                keys.add((first, " ".join(main)))
        return keys


def tail_surname(rng: random.Random, pop: str) -> list[str]:
    if pop == "RO":
        return [rng.choice(RO_STEMS) + rng.choice(RO_ENDINGS)]
    if pop == "MD":
        return [rng.choice(MD_STEMS) + rng.choice(MD_ENDINGS)]
    if pop == "BG":
        stem = rng.choice(BG_STEMS + [s.rstrip("аяо") for s in BG_GIVEN[:10]])
        if stem.endswith(("ов", "ев")):  # "Шопов" is already a surname
            return [stem + "а"]
        if stem.endswith("й"):
            return [stem[:-1] + "ева"]
        if stem[-1] in "иьжчшщц":
            return [stem.rstrip("ь") + "ева"]
        return [stem + "ова"]
    if pop == "UA":
        return [rng.choice(UA_STEMS) + rng.choice(UA_ENDINGS)]
    if pop == "RU":
        stem = rng.choice(RU_STEMS)
        if stem.endswith(("ин", "ов", "ёв")):
            return [stem + "а"]
        if stem.endswith(("е", "ь")):
            return [stem.rstrip("ь") + "ева"]
        return [stem + "ова"]
    if pop == "PL":
        stem = rng.choice(PL_STEMS)
        end = rng.choice(PL_ENDINGS)
        if end in ("ska", "cka") and stem[-1] in "cz":
            end = "ka"
        return [stem + end]
    if pop == "NG":
        return [rng.choice(NG_PREFIXES) + rng.choice(NG_SUFFIXES)]
    if pop == "TH":
        n = rng.choice([2, 2, 3])
        parts = rng.sample(TH_PARTS, n)
        s = "".join(parts).lower()
        return [s.capitalize()]
    if pop == "NL":
        return [rng.choice(DUTCH_STEMS) + rng.choice(DUTCH_ENDINGS)]
    return [rng.choice(HU_SURNAME_HEAD)]


def draw_surname(rng: random.Random, pop: str) -> list[str]:
    head = {
        "RO": RO_SURNAME_HEAD, "MD": MD_SURNAME_HEAD, "BG": BG_SURNAME_HEAD,
        "UA": UA_SURNAME_HEAD, "RU": RU_SURNAME_HEAD, "PL": PL_SURNAME_HEAD,
        "NG": NG_SURNAME_HEAD, "HU": HU_SURNAME_HEAD, "TH": TH_HEAD,
    }
    if pop in ("DO", "CO"):
        return [zipf_pick(rng, HISP_SURNAME_HEAD, 0.8),
                zipf_pick(rng, HISP_SURNAME_HEAD, 0.8)]
    if pop == "NL":
        if rng.random() < 0.35:
            return list(zipf_pick(rng, DUTCH_SURNAME_HEAD, 0.75))
        return tail_surname(rng, pop)
    if pop == "HU":  # Hungarian surnames are concentrated in real life too
        if rng.random() < 0.6:
            return [zipf_pick(rng, HU_SURNAME_HEAD, 0.75)]
        return [rng.choice(HU_TAIL)]
    # share of women with a surname from the head list of common names; the
    # rest come from the long tail (real surname distributions are flat)
    head_share = {"TH": 0.15, "NG": 0.4}.get(pop, 0.35)
    if rng.random() < head_share:
        return [zipf_pick(rng, head[pop], 0.75)]
    return tail_surname(rng, pop)


def draw_given(rng: random.Random, pop: str, w: Woman, exclude=()) -> None:
    for _ in range(50):
        two = False
        if pop == "RO":
            g = [zipf_pick(rng, RO_GIVEN)]
            two = rng.random() < 0.25
            if two:
                g.append(zipf_pick(rng, RO_SECOND))
        elif pop == "MD":
            g = [zipf_pick(rng, [x[0] for x in MD_GIVEN])]
        elif pop == "BG":
            g = [zipf_pick(rng, BG_GIVEN)]
        elif pop == "UA":
            g = [zipf_pick(rng, UA_GIVEN)]
        elif pop == "RU":
            g = [zipf_pick(rng, RU_GIVEN)]
        elif pop == "HU":
            g = [zipf_pick(rng, HU_GIVEN)]
            if rng.random() < 0.1:
                g.append(zipf_pick(rng, HU_GIVEN))
        elif pop == "PL":
            g = [zipf_pick(rng, PL_GIVEN)]
        elif pop == "NG":
            g = [zipf_pick(rng, NG_GIVEN)]
            if rng.random() < 0.35:
                g.append(zipf_pick(rng, NG_SECOND))
        elif pop in ("DO", "CO"):
            g = [zipf_pick(rng, HISP_GIVEN_DO if pop == "DO" else HISP_GIVEN_CO)]
            if rng.random() < 0.35:
                g.append(zipf_pick(rng, HISP_SECOND))
        elif pop == "TH":
            idx = rng.randrange(len(TH_GIVEN))
            w.thai_given = TH_GIVEN[idx]
            w.thai_given_idx = 0 if rng.random() < 0.6 else rng.randrange(len(TH_GIVEN[idx]))
            w.nickname = rng.choice(TH_NICKNAMES)
            g = [TH_GIVEN[idx][0]]
        else:  # NL
            g = [zipf_pick(rng, DUTCH_GIVEN)]
            if rng.random() < 0.3:
                g.append(zipf_pick(rng, DUTCH_SECOND))
        if len(g) == 2 and g[1] == g[0]:  # no "Maria Maria"
            g = g[:1]
        if g[0] not in exclude:
            w.given = g
            return
    w.given = g


def draw_phone(rng: random.Random, country: str) -> tuple[str, str]:
    """(calling code, national significant number)."""
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if country == "NL":
        return ("31", "6" + rng.choice("1234") + d(7))
    if country == "RO":
        return ("40", "7" + rng.choice("2345678") + d(7))
    if country == "MD":
        return ("373", rng.choice(["6", "7"]) + rng.choice("0789") + d(6))
    if country == "BG":
        return ("359", "8" + rng.choice("789") + d(7))
    if country == "HU":
        return ("36", rng.choice(["20", "30", "70"]) + d(7))
    if country == "UA":
        return ("380", rng.choice(["50", "63", "66", "67", "68", "73", "93",
                                   "95", "96", "97", "98", "99"]) + d(7))
    if country == "RU":
        return ("7", "9" + d(9))
    if country == "PL":
        return ("48", rng.choice("5678") + d(8))
    if country == "NG":
        return ("234", rng.choice(["80", "81", "70", "90"]) + rng.choice("2345678") + d(7))
    if country == "DO":
        return ("1", rng.choice(["809", "829", "849"]) + d(7))
    if country == "CO":
        return ("57", "3" + rng.choice("0125") + d(8))
    if country == "TH":
        return ("66", rng.choice("689") + d(8))
    return ("31", "6" + d(8))


TRUNK = {"31": "0", "40": "0", "373": "0", "359": "0", "36": "06", "380": "0",
         "234": "0", "66": "0", "48": "", "57": "", "1": "", "7": "8"}


def write_phone(rng: random.Random, phone: tuple[str, str], nat_known: bool) -> str:
    cc, nsn = phone
    forms = []
    if cc == "31":
        forms = [f"06-{nsn[1:]}", f"0{nsn}", f"+31 6 {nsn[1:]}",
                 f"+31{nsn}", f"06 {nsn[1:5]} {nsn[5:]}", f"0031{nsn}"]
    else:
        spaced = f"{nsn[:3]} {nsn[3:6]} {nsn[6:]}"
        forms = [f"+{cc} {spaced}", f"+{cc}{nsn}", f"00{cc}{nsn}",
                 f"+{cc} {nsn}"]
        if nat_known and cc not in ("7",):
            forms.append(f"{TRUNK.get(cc, '0')}{nsn}")
    return rng.choice(forms)


def draw_document(rng: random.Random, pop: str) -> str:
    L = "ABCDEFGHJKLMNPRSTUVWXZ"
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    a = lambda n: "".join(rng.choice(L) for _ in range(n))  # noqa: E731
    kind = rng.random()
    if pop == "RO":
        return a(2) + d(6) if kind < 0.7 else d(9)
    if pop == "MD":
        return a(1) + d(8) if kind < 0.6 else "A" + a(1) + d(7)
    if pop == "BG":
        return d(9)
    if pop == "HU":
        return d(6) + a(2) if kind < 0.6 else a(2) + d(7)
    if pop == "UA":
        return a(2) + d(6) if kind < 0.7 else d(9)
    if pop == "RU":
        return d(9)
    if pop == "PL":
        return a(3) + d(6) if kind < 0.7 else a(2) + d(7)
    if pop == "NG":
        return a(1) + d(8)
    if pop in ("DO", "CO"):
        return a(2) + d(7) if kind < 0.6 else d(10)
    if pop == "TH":
        return a(2) + d(7)
    alnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return a(2) + "".join(rng.choice(alnum) for _ in range(6)) + d(1)


def write_document(rng: random.Random, doc: str, pop: str) -> str:
    r = rng.random()
    if r < 0.6:
        return doc
    if r < 0.75:
        return doc.lower()
    if r < 0.9 and doc[:2].isalpha():
        if pop == "RO" and len(doc) == 8:
            return f"seria {doc[:2]} nr. {doc[2:]}"
        return f"{doc[:2]} {doc[2:]}"
    return f"{doc[:3]}-{doc[3:]}" if r < 0.95 else f"Paspoort {doc}"


def draw_plate(rng: random.Random, country: str) -> str:
    L = "BDFGHJKLNPRSTVXZ"
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    a = lambda n: "".join(rng.choice(L) for _ in range(n))  # noqa: E731
    if country == "RO":
        return f"{rng.choice(['B', 'CT', 'IS', 'GL', 'BR', 'DJ'])} {d(2)} {a(3)}"
    if country == "BG":
        return f"{rng.choice(['CA', 'PB', 'B', 'BH', 'CH'])} {d(4)} {a(2)}"
    if country == "HU":
        return f"{a(3)}-{d(3)}"
    if country == "PL":
        return f"W{a(2)} {d(5)}"
    return f"{d(2)}-{a(3)}-{d(1)}" if rng.random() < 0.5 else f"{a(1)}-{d(3)}-{a(2)}"


def draw_dob(rng: random.Random, first_control: dt.date) -> dt.date:
    age = 18 + min(32, int(rng.expovariate(1 / 9.0)))
    latest = first_control - dt.timedelta(days=365 * age + 5)
    return latest - dt.timedelta(days=rng.randrange(365))


# ---------------------------------------------------------------------------
# Rendering one control's identity
# ---------------------------------------------------------------------------


def _dutch_particle_variant(rng: random.Random, tokens: list[str]) -> list[str]:
    parts = [t for t in tokens if t.islower()]
    main = [t for t in tokens if not t.islower()]
    kind = rng.choice(["cap", "abbr", "abbr2", "after", "joined", "dropped"])
    if kind == "cap":
        return [parts[0].capitalize(), *parts[1:], *main]
    if kind == "abbr":
        abbr = "".join(p[0] + "." for p in parts) if len(parts) > 1 else parts[0]
        return [abbr, *main]
    if kind == "abbr2":
        if len(parts) > 1:  # "vd Berg"
            return ["".join(p[0] for p in parts), *main]
        return [parts[0].capitalize(), *main]
    if kind == "after":
        return main + parts
    if kind == "joined":
        return ["".join(parts).capitalize() + "".join(main).lower()]
    return main


def thai_variant(name: str, rules: list) -> str:
    s = name.lower()
    for pat, rep in rules:
        s = s.replace(pat, rep)
    return s.capitalize()


def render_name(rng: random.Random, w: Woman, style: dict):
    tags: list[str] = []
    given = list(w.given)
    surname = list(w.surname)
    if w.married and rng.random() < RATES["married_rows"]:
        surname = list(w.married)
        tags.append("married")

    # drop a second given name / second surname
    if len(given) > 1 and rng.random() < RATES["given2_dropped"]:
        given = given[:1]
        tags.append("given2_dropped")
    if w.pop in ("DO", "CO") and len(surname) == 2 and "married" not in tags \
            and rng.random() < RATES["surname2_dropped"]:
        surname = surname[:1]
        tags.append("surname2_dropped")

    # script and transliteration
    if w.pop in ("RU", "UA", "BG"):
        systems = {"RU": RU_SYSTEMS, "UA": UA_SYSTEMS, "BG": BG_SYSTEMS}[w.pop]
        russified = False
        if w.pop == "UA" and rng.random() < RATES["ua_russified"]:
            new = [UA_RUSSIFIED.get(g, g) for g in given]
            if new != given:
                given, russified = new, True
                tags.append("translit")
        r = rng.random()
        if r < RATES["cyrillic_script"]:
            tags.append("cyrillic")
        else:
            system = w.system
            if r < RATES["cyrillic_script"] + RATES["other_translit"]:
                system = rng.choice([x for x in systems if x != w.system])
                if "translit" not in tags:
                    tags.append("translit")
            # a Russian form of a Ukrainian name is read with Russian letter values
            gsys = RU_SYSTEMS.get(system, RU_SYSTEMS["en"]) if russified else systems[system]
            given = [translit(g, gsys) for g in given]
            surname = [translit(x, systems[system]) for x in surname]
    elif w.pop == "MD":
        r = rng.random()
        if r < RATES["md_cyrillic"] + RATES["md_russian_form"]:
            cyr_g = [dict(MD_GIVEN).get(g, rom2cyr(g)) for g in given]
            cyr_s = [rom2cyr(s) for s in surname]
            if r < RATES["md_cyrillic"]:
                given, surname = cyr_g, cyr_s
                tags.append("cyrillic")
            else:
                system = RU_SYSTEMS[rng.choice(["icao", "en", "bgn", "german",
                                                "dutch", "french"])]
                given = [translit(g, system) for g in cyr_g]
                surname = [translit(s, system) for s in cyr_s]
                tags.append("translit")
    elif w.pop == "TH":
        if rng.random() < RATES["thai_nickname"]:
            given = [w.nickname]
            tags.append("nickname")
        elif rng.random() < RATES["thai_other_roman"]:
            opts = [i for i in range(len(w.thai_given)) if i != w.thai_given_idx]
            given = [w.thai_given[rng.choice(opts)]]
            tags.append("translit")
        else:
            given = [w.thai_given[w.thai_given_idx]]
        if "married" not in tags:
            if rng.random() < RATES["thai_other_roman"]:
                rules = rng.sample(TH_RULES, rng.randint(1, 3))
                alt = thai_variant(w.surname[0], rules)
                own = thai_variant(w.surname[0], w.thai_rules)
                surname = [alt]
                if alt != own:
                    tags.append("translit")
            else:
                surname = [thai_variant(w.surname[0], w.thai_rules)]

    # Dutch particles
    if w.pop in ("NL", "TH") and any(t.islower() for t in surname) \
            and rng.random() < RATES["particle"]:
        surname = _dutch_particle_variant(rng, surname)
        tags.append("particle")

    g_str = " ".join(given)
    s_str = " ".join(surname)
    if (w.pop == "DO" or w.pop == "CO") and len(surname) == 2 and rng.random() < 0.1:
        s_str = "-".join(surname)

    # diacritics
    if (has_marks(g_str) or has_marks(s_str)) and rng.random() < RATES["diacritics"]:
        g2, s2 = lose_diacritics(rng, g_str), lose_diacritics(rng, s_str)
        if (g2, s2) != (g_str, s_str):
            tags.append("diacritics")
        g_str, s_str = g2, s2

    # typing errors
    n_typo = 0
    if rng.random() < RATES["typo"]:
        n_typo = 2 if rng.random() < RATES["typo2"] / RATES["typo"] else 1
    for _ in range(n_typo):
        if rng.random() < 0.5:
            words = g_str.split(" ")
            k = rng.randrange(len(words))
            words[k] = typo(rng, words[k])
            g_str = " ".join(words)
        else:
            words = s_str.split(" ")
            k = max(range(len(words)), key=lambda i: len(words[i]))
            words[k] = typo(rng, words[k])
            s_str = " ".join(words)
    if n_typo:
        tags.append("typo")

    # swap
    swap_rate = {"HU": RATES["swap_hungarian"], "TH": RATES["swap_thai"],
                 "NG": RATES["swap_nigerian"]}.get(w.pop, RATES["swap_default"])
    if rng.random() < swap_rate:
        g_str, s_str = s_str, g_str
        tags.append("swap")

    if rng.random() < style["upper"]:
        g_str, s_str = g_str.upper(), s_str.upper()
        tags.append("upper")
    return g_str, s_str, tags


def render_dob(rng: random.Random, w: Woman, style: dict):
    if w.dob is None:
        return "", ["dob_missing"]
    miss = {"NG": 0.15, "TH": 0.10}.get(w.pop, RATES["dob_missing"])
    if rng.random() < miss:
        return "", ["dob_missing"]
    d = w.dob
    tags = []
    r = rng.random()
    if r < RATES["dob_swap"]:
        if d.day <= 12 and d.day != d.month:
            d = dt.date(d.year, d.day, d.month)
            tags.append("dob_swap")
    elif r < RATES["dob_swap"] + RATES["dob_day"]:
        d = d + dt.timedelta(days=rng.choice([-1, 1]))
        tags.append("dob_day")
    elif r < RATES["dob_swap"] + RATES["dob_day"] + RATES["dob_month"]:
        m = d.month + rng.choice([-1, 1])
        m = 2 if m == 0 else (11 if m == 13 else m)
        nd = safe_date(d.year, m, d.day) or safe_date(d.year, m, 28)
        d = nd
        tags.append("dob_month")
    elif r < RATES["dob_swap"] + RATES["dob_day"] + RATES["dob_month"] + RATES["dob_year"]:
        nd = safe_date(d.year + rng.choice([-1, 1]), d.month, d.day) or \
            safe_date(d.year + 1, d.month, 28)
        d = nd
        tags.append("dob_year")
    return fmt_date(d, style["date"]), tags


# ---------------------------------------------------------------------------
# Population
# ---------------------------------------------------------------------------


def make_women(rng: random.Random, n: int) -> tuple[list[Woman], dict]:
    women: list[Woman] = []
    pops = [p for p, _, _ in POPULATIONS]
    shares = [s for _, _, s in POPULATIONS]
    family_id = 0
    while len(women) < n:
        pop = rng.choices(pops, weights=shares)[0]
        r = rng.random()
        if r < RATES["twin_family"]:
            kind, size = "twin", 2
        elif r < RATES["twin_family"] + RATES["sister_family"]:
            kind, size = "sister", 3 if rng.random() < 0.15 else 2
        else:
            kind, size = None, 1
        size = min(size, n - len(women))
        if size < 2:
            kind = None
        family_id += 1
        first = None
        for k in range(size):
            w = Woman(f"W{len(women) + 1:05d}", pop)
            if first is None:
                draw_given(rng, pop, w)
                w.surname = draw_surname(rng, pop)
                w.place = rng.choice(PLACES[pop])
                first = w
            else:
                draw_given(rng, pop, w, exclude={x.given[0] for x in women[-k:]}
                           | {first.given[0]})
                if pop == "TH":
                    while w.thai_given[0] == first.thai_given[0]:
                        draw_given(rng, pop, w)
                w.surname = list(first.surname)
                w.place = first.place
                if pop == "TH":
                    w.thai_rules = first.thai_rules
            if kind:
                w.family = (kind, family_id)
            women.append(w)
        # passport systems and Thai romanisation are per family (one office)
        sys_choice = {"RU": RU_PASSPORT, "UA": UA_PASSPORT, "BG": BG_PASSPORT}.get(pop)
        rules = rng.sample(TH_RULES, rng.randint(0, 2)) if pop == "TH" else []
        for w in women[-size:]:
            if sys_choice:
                w.system = rng.choice(sys_choice)
            w.thai_rules = rules
    # namesakes: give a woman another (unrelated) woman's full name
    by_pop: dict[str, list[Woman]] = {}
    for w in women:
        by_pop.setdefault(w.pop, []).append(w)
    for w in women:
        if w.family is None and rng.random() < RATES["namesake"]:
            other = rng.choice(by_pop[w.pop])
            if other is w or other.family is not None:
                continue
            w.given = list(other.given)
            w.surname = list(other.surname)
            w.thai_given, w.thai_given_idx = other.thai_given, other.thai_given_idx
            w.thai_rules = other.thai_rules
            w.system = other.system or w.system
    return women, by_pop


def assign_networks(rng: random.Random, women: list[Woman]) -> dict:
    """Controlled networks of 3-8 women sharing a controller's phone/car."""
    networks: dict[int, dict] = {}
    pool = [w for w in women if w.family is None]
    rng.shuffle(pool)
    target = int(RATES["in_network"] * len(women))
    by_pop: dict[str, list[Woman]] = {}
    for w in pool:
        by_pop.setdefault(w.pop, []).append(w)
    placed = 0
    nid = 0
    pops = [p for p, _, _ in POPULATIONS if p != "NL"]
    while placed < target:
        pop = rng.choices(pops, weights=[s for p, _, s in POPULATIONS if p != "NL"])[0]
        size = rng.randint(3, 8)
        members = []
        for _ in range(size):
            src = pop if rng.random() < 0.8 else rng.choice(pops)
            if by_pop.get(src):
                members.append(by_pop[src].pop())
        if len(members) < 2:
            if not any(by_pop.values()):
                break
            continue
        nid += 1
        country = "NL" if rng.random() < 0.7 else pop
        phones = [draw_phone(rng, country) for _ in range(rng.choice([1, 1, 2]))]
        car = draw_plate(rng, pop if rng.random() < 0.5 else "NL") \
            if rng.random() < 0.6 else None
        networks[nid] = dict(pop=pop, phones=phones, car=car)
        for m in members:
            m.network = nid
        placed += len(members)
    # sisters and twins: half of the families work in a network together
    fams: dict[int, list[Woman]] = {}
    for w in women:
        if w.family:
            fams.setdefault(w.family[1], []).append(w)
    for members in fams.values():
        if rng.random() < 0.5 and networks:
            same = [k for k, v in networks.items() if v["pop"] == members[0].pop]
            nid = rng.choice(same) if same else rng.choice(list(networks))
            for m in members:
                m.network = nid
    return networks


def generate(seed: int, out_dir: str, n_women: int = 2500) -> dict:
    rng = random.Random(seed)
    os.makedirs(out_dir, exist_ok=True)
    women, _ = make_women(rng, n_women)
    networks = assign_networks(rng, women)

    # identity details that do not depend on the name
    for w in women:
        if rng.random() < RATES["married_women"]:
            if w.pop == "NL":
                husband = list(zipf_pick(rng, DUTCH_SURNAME_HEAD, 0.8))
                if rng.random() < 0.4:
                    w.married = husband
                else:  # "de Vries-Jansen": husband's name, then her own
                    w.married = [*husband[:-1], husband[-1] + "-" + " ".join(w.surname)]
            elif w.pop == "TH":
                w.married = list(rng.choice(FOREIGN_HUSBAND))
            elif w.pop in ("DO", "CO"):
                w.married = [w.surname[0], "de", zipf_pick(rng, HISP_SURNAME_HEAD)]
            else:
                for _ in range(10):
                    m = draw_surname(rng, w.pop)
                    if m != w.surname:
                        break
                w.married = m
        n_docs = 2 if rng.random() < RATES["two_documents"] else 1
        w.docs = [draw_document(rng, w.pop) for _ in range(n_docs)]
        if w.pop == "MD" and rng.random() < RATES["md_dual"]:
            w.dual = True
            w.docs = [draw_document(rng, "MD"), draw_document(rng, "RO")]
        k = rng.choices([1, 2, 3], weights=[0.55, 0.30, 0.15])[0]
        w.phones = [draw_phone(rng, "NL" if (w.pop == "NL" or rng.random() < 0.65)
                               else w.pop) for _ in range(k)]
        if rng.random() < 0.1:
            w.car = draw_plate(rng, w.pop)

    # twins share a date of birth; sisters get their own
    fam_dob: dict[int, dt.date] = {}

    rows: dict[str, list[dict]] = {g: [] for g in GEMEENTEN}
    truth: list[tuple[str, str, str]] = []
    errors: list[tuple[str, str, str]] = []
    counters = {g: 0 for g in GEMEENTEN}
    n_controls_of: dict[str, int] = {}

    for w in women:
        n = rng.choices(range(1, 9), weights=[25, 22, 17, 12, 9, 7, 5, 3])[0]
        n_controls_of[w.wid] = n
        span = rng.randint(365, 730)
        period = (PERIOD_END - PERIOD_START).days
        span = min(span, period)
        start = PERIOD_START + dt.timedelta(days=rng.randint(0, period - span))
        days = sorted(rng.sample(range(span + 1), n))
        dates = [start + dt.timedelta(days=d) for d in days]
        # date of birth
        if w.family and w.family[0] == "twin" and w.family[1] in fam_dob:
            w.dob = fam_dob[w.family[1]]
        else:
            w.dob = draw_dob(rng, PERIOD_START)
            if w.family and w.family[0] == "twin":
                fam_dob[w.family[1]] = w.dob
        # movement between municipalities (a carousel for network women)
        home = rng.choices(GEMEENTEN, weights=GEMEENTE_WEIGHTS)[0]
        move = 0.7 if w.network else (0.45 if rng.random() < 0.5 else 0.15)
        here = home
        for d in dates:
            if rng.random() < move:
                here = rng.choices(GEMEENTEN, weights=GEMEENTE_WEIGHTS)[0]
            style = STYLE[here]
            counters[here] += 1
            ref = style["ref"].format(y=d.year, yy=d.strftime("%y"), n=counters[here])
            row, tags = render_row(rng, w, d, style, networks)
            row["case_ref"] = ref
            rows[here].append(row)
            truth.append((ref, here, w.wid))
            errors.append((ref, here, ";".join(tags)))

    # sisters: make sure dates of birth differ by 1-9 years
    fams: dict[int, list[Woman]] = {}
    for w in women:
        if w.family and w.family[0] == "sister":
            fams.setdefault(w.family[1], []).append(w)
    # (dates of birth of sisters were drawn independently above, which already
    #  differ; nothing more to do: the relation is what the truth records)

    for g in GEMEENTEN:
        path = os.path.join(out_dir, f"{g}.csv")
        rows[g].sort(key=lambda r: r["_date"])
        with open(path, "w", newline="", encoding="utf-8") as f:
            wr = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
            wr.writeheader()
            for r in rows[g]:
                wr.writerow(r)
    with open(os.path.join(out_dir, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["case_ref", "gemeente", "woman_id"])
        wr.writerows(truth)
    with open(os.path.join(out_dir, "errors.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["case_ref", "gemeente", "errors"])
        wr.writerows(errors)
    with open(os.path.join(out_dir, "women.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["woman_id", "population", "n_controls", "network", "family"])
        for w in women:
            wr.writerow([w.wid, POP_LABEL[w.pop], n_controls_of[w.wid],
                         w.network or "", f"{w.family[0]}:{w.family[1]}" if w.family else ""])
    relations = build_relations(women)
    with open(os.path.join(out_dir, "relations.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["woman_id", "other_woman_id", "relation"])
        wr.writerows(relations)
    return dict(women=len(women), rows=len(truth), networks=len(networks),
                relations=len(relations))


def build_relations(women: list[Woman]) -> list[tuple[str, str, str]]:
    out = []
    groups: dict[tuple, list[Woman]] = {}
    for w in women:
        if w.family:
            groups.setdefault(("fam", *w.family), []).append(w)
        if w.network:
            groups.setdefault(("net", w.network), []).append(w)
        for key in w.name_keys():
            groups.setdefault(("name", *key), []).append(w)
    seen = set()
    for key, members in groups.items():
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                a, b = sorted([members[i].wid, members[j].wid])
                if key[0] == "fam":
                    out.append((a, b, key[1]))
                elif key[0] == "net":
                    out.append((a, b, "network"))
                elif (a, b) not in seen and (members[i].family is None
                                             or members[i].family != members[j].family):
                    seen.add((a, b))
                    out.append((a, b, "namesake"))
    out.sort()
    return out


def render_row(rng: random.Random, w: Woman, d: dt.date, style: dict,
               networks: dict) -> tuple[dict, list[str]]:
    g, s, tags = render_name(rng, w, style)
    dob, dtags = render_dob(rng, w, style)
    tags += dtags
    row = {"_date": d, "observed_on": fmt_date(d, style["date"]),
           "given_names": g, "surname": s, "date_of_birth": dob}
    net = networks.get(w.network) if w.network else None

    # nationality
    nat_code = w.pop
    if rng.random() < RATES["nationality"]:
        if w.dual and rng.random() < 0.5:
            nat_code = "RO"
            tags.append("nationality_alt")
        forms = NATIONALITY[nat_code]
        row["nationality"] = forms[style["nat"]] if rng.random() < 0.8 else rng.choice(forms)
    # sex
    if rng.random() < RATES["sex"]:
        row["sex"] = style["sex"]
    # place of birth
    if rng.random() < RATES["place"]:
        p = w.place[0]
        if len(w.place) > 1 and rng.random() < RATES["place_variant"]:
            p = rng.choice(w.place[1:])
            tags.append("place_variant")
        if style["upper"] > 0.3 and "upper" in tags:
            p = p.upper()
        row["place_of_birth"] = p
    # document
    p_doc = RATES["document"]
    if rng.random() < p_doc:
        doc = rng.choice(w.docs)
        if len(w.docs) > 1 and doc != w.docs[0]:
            tags.append("other_document")
        if rng.random() < RATES["doc_typo"]:
            i = rng.randrange(len(doc))
            doc = doc[:i] + rng.choice("0123456789") + doc[i + 1:]
            tags.append("doc_typo")
        row["document_number"] = write_document(rng, doc, w.pop)
    # phone
    if rng.random() < RATES["phone"]:
        if net and rng.random() < RATES["controller_phone"]:
            ph = rng.choice(net["phones"])
        else:
            ph = rng.choice(w.phones)
        row["phone"] = write_phone(rng, ph, "nationality" in row)
    # vehicle
    car = (net or {}).get("car") or w.car
    if car and rng.random() < RATES["plate"] * 2:
        row["vehicle_plate"] = car
    elif rng.random() < RATES["plate"] / 4:
        row["vehicle_plate"] = draw_plate(rng, "NL")   # a taxi or client's car
    # setting and licence
    setting = weighted(rng, SETTINGS[w.pop])
    if rng.random() < RATES["setting"]:
        if style["setting"] == "branch":
            row["setting"] = BRANCH_WORDS[setting]
        else:
            row["setting"] = setting
    lic_p = 0.8 if setting in ("raam", "club", "escort") else 0.25
    if net:
        lic_p *= 0.6
    licensed = rng.random() < lic_p
    if rng.random() < RATES["licensed"]:
        row["licensed"] = style["lic"][0] if licensed else style["lic"][1]
    # signals
    hi = net is not None
    sig = []
    if w.pop != "NL" and rng.random() < 0.7:
        sig.append("not_from_nl")
    if not licensed and rng.random() < 0.8:
        sig.append("unlicensed")
    for code, p_net, p_other in [
        ("controller_present", .25, .05), ("no_id_access", .20, .03),
        ("transport_dependent", .20, .04), ("appears_controlled", .20, .04),
        ("unknown_address", .10, .04), ("many_clients", .10, .05),
        ("injuries", .03, .01), ("scripted_story", .15, .03),
    ]:
        if rng.random() < (p_net if hi else p_other):
            sig.append(code)
    if w.pop != "NL" and rng.random() < 0.15:
        sig.append("no_language")
    if sig:
        row["signals"] = ";".join(sig)
    return row, tags


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1,
                   sys.argv[2] if len(sys.argv) > 2 else "blind3-data"))

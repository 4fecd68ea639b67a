"""Normalisation of sighting fields before they are encoded.

Every function here is pure: no I/O, no locale, no clock, no randomness. Two nodes
that see the same person must produce byte-identical tokens, so the output may only
depend on the input text and the tables in this module (and in ``transliterate``).

Names go through three steps. ``fold`` removes what is merely typography (case,
diacritics, Cyrillic script, punctuation); ``name_words`` splits one name field into
words and drops particles and titles; ``canonical_word`` maps each word to a key in
which the spelling variants common in this population collapse (Iulia/Yulia/Julia,
Țurcanu/Tsurkanu, Ciobanu/Chobanu, Anna/Ana). The key is deliberately lossy: it
trades a few collisions between rare names for recall on the variants that actually
occur. Sex endings are kept (Ivanova/Ivanov, Maria/Marius) because they carry
information the matcher needs.

Phone numbers are normalised here rather than with the ``phonenumbers`` package.
Linkage only needs two spellings of one number to compare equal; validating against
each country's numbering plan would add a dependency whose metadata changes over
time (so two nodes on different versions could disagree) and would refuse numbers
from adverts that are still good evidence.

Error messages contain the offending value and a short reason, nothing else. The
value is personal data: callers that log must use ``NormaliseError.reason``, which
never contains it.
"""

import calendar
import datetime as dt
import functools
import re
import unicodedata
from typing import NoReturn

from linkage.transliterate import (
    contains_cyrillic,
    contains_greek,
    cyrillic_to_latin,
    greek_to_latin,
)

__all__ = [
    "NOT_KNOWN",
    "DateError",
    "NormaliseError",
    "canonical_word",
    "fold",
    "is_country_name",
    "name_words",
    "normalise_document_number",
    "normalise_house_number",
    "normalise_nationality",
    "normalise_phone",
    "normalise_plate",
    "normalise_postcode",
    "normalise_sex",
    "parse_date",
]


class NormaliseError(ValueError):
    """A field value that cannot be normalised.

    ``str(error)`` names the value; ``error.reason`` does not, so it is safe to log.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = message if reason is None else reason

    def __reduce__(self) -> tuple[type["NormaliseError"], tuple[str, str]]:
        return type(self), (str(self), self.reason)


class DateError(NormaliseError):
    """A date that is malformed or does not exist."""


_MAX_QUOTED = 40


def _quote(value: str) -> str:
    if len(value) > _MAX_QUOTED:
        value = value[:_MAX_QUOTED] + "..."
    return repr(value)


def _fail(
    cls: type[NormaliseError],
    what: str,
    value: str,
    detail: str | None = None,
    reason: str | None = None,
) -> NoReturn:
    """Raise ``cls`` with the value and ``detail`` in the message, neither in the reason."""
    message = f"{what}: {_quote(value)}"
    if detail:
        message += f" ({detail})"
    raise cls(message, reason or detail or what)


# --------------------------------------------------------------------------- fold


# Letters that Unicode does not decompose into base letter + mark, so stripping marks
# would lose them. Named, not typed, because several look like plain ASCII letters.
_UNDECOMPOSABLE = {
    "LATIN SMALL LETTER O WITH STROKE": "o",
    "LATIN SMALL LETTER AE": "ae",
    "LATIN SMALL LIGATURE OE": "oe",
    "LATIN SMALL LETTER DOTLESS I": "i",
    "LATIN SMALL LETTER D WITH STROKE": "dj",
    "LATIN SMALL LETTER ETH": "d",
    "LATIN SMALL LETTER THORN": "th",
    "LATIN SMALL LETTER L WITH STROKE": "l",
    "LATIN SMALL LETTER L WITH MIDDLE DOT": "l",
    "LATIN SMALL LETTER H WITH STROKE": "h",
    "LATIN SMALL LETTER ENG": "n",
    "LATIN SMALL LETTER SCHWA": "e",
    "LATIN SMALL LETTER KRA": "k",
    "LATIN SMALL LETTER SHARP S": "ss",
    "LATIN CAPITAL LETTER SHARP S": "ss",
}
_APOSTROPHES = "'`\u00b4\u2018\u2019\u201b\u2032\u02b9\u02ba\u02bb\u02bc\u02bd\uff07"


def _pre_nfkc_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict.fromkeys(map(ord, _APOSTROPHES))
    for name, ascii_ in _UNDECOMPOSABLE.items():
        letter = unicodedata.lookup(name)
        for variant in {letter, letter.upper()}:
            if len(variant) == 1 and not variant.isascii():
                table[ord(variant)] = ascii_
    return table


_PRE_NFKC = _pre_nfkc_table()
_NEEDS_PRE_NFKC = re.compile("[" + "".join(map(chr, _PRE_NFKC)) + "]")


def _byte_tables() -> tuple[bytes, bytes]:
    """Byte tables for the ASCII tail of ``fold`` and ``_upper_alnum``.

    ``bytes.translate`` does in C what a regex or a per-character loop would do in
    Python; this is the hot path of encoding.
    """
    lower = bytearray(b" " * 256)
    upper = bytearray(range(256))
    for byte in b"0123456789":
        lower[byte] = byte
    for byte in b"abcdefghijklmnopqrstuvwxyz":
        lower[byte] = lower[byte - 32] = byte
        upper[byte] = byte - 32
    return bytes(lower), bytes(upper)


_TO_LOWER_WORDS, _TO_UPPER = _byte_tables()
_APOSTROPHE_BYTES = b"'`"
_NOT_ALNUM = bytes(
    sorted(set(range(256)) - set(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
)
_I_CIRCUMFLEX = unicodedata.lookup("LATIN SMALL LETTER I WITH CIRCUMFLEX")
# Romanian î inside a word after a consonant is the pre-1993 (and Moldovan) spelling of
# â: Mîndru = Mândru, Sîrbu = Sârbu. Both become plain "a" (what a Dutch keyboard
# produces from Mândru). After a vowel (Benoît) or at the start (Înger) it stays "i".
_ROMANIAN_I_AS_A = re.compile(
    rf"(?<=[b-df-hj-np-tv-z\u0219\u015f\u021b\u0163]){_I_CIRCUMFLEX}(?=[^\W\d_])"
)

# Anything that is neither a letter, a digit nor a combining mark separates words: en
# dashes, typographic quotes, bullets. Marks must survive until they are dropped with
# the rest of the non-ASCII, or Yoruba Olúwaṣẹ́gun (ẹ́ has no precomposed form) would
# split in two.
_SEPARATOR = re.compile(
    r"[^\w\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """Reduce ``text`` to lower-case ASCII words separated by single spaces.

    Removes everything that is typography rather than identity: case, diacritics
    (Romanian comma-below and cedilla forms alike), Cyrillic script, ligatures,
    punctuation. Apostrophes vanish so O'Neil stays one word; hyphens split words.
    Greek is transliterated too; other scripts are dropped (the node refuses a name
    field left empty by that, `node/csv_import.py`).
    """
    if text.isascii():
        data = text.encode("ascii")
    else:
        if _NEEDS_PRE_NFKC.search(text):
            text = text.translate(_PRE_NFKC)
        text = unicodedata.normalize("NFKC", text).casefold()
        if contains_cyrillic(text):
            text = cyrillic_to_latin(text)
        if contains_greek(text):
            text = greek_to_latin(text)
        if _I_CIRCUMFLEX in text:
            text = _ROMANIAN_I_AS_A.sub("a", text)
        text = _SEPARATOR.sub(" ", unicodedata.normalize("NFD", text))
        data = text.encode("ascii", "ignore")
    return b" ".join(data.translate(_TO_LOWER_WORDS, _APOSTROPHE_BYTES).split()).decode("ascii")


# ---------------------------------------------------------------------- name words

_PARTICLES = frozenset(
    {
        "van", "de", "der", "den", "het", "ter", "ten", "te", "t", "op", "in", "vd",
        "von", "vom", "zu", "zum", "da", "das", "do", "dos", "di", "del", "della", "dei",
        "la", "le", "les", "el", "al", "bin", "binti", "bint", "ibn",
    }
)  # fmt: skip
#: "Unknown" written out (folded), which is no value in a field that is not a name: kept
#: as one, every "onbekend" document or nationality would agree with every other.
#: (NA stays Namibia; in names, titles and placeholders are `_TITLES`.)
NOT_KNOWN = frozenset({
    "onbekend", "onb", "unknown", "unk", "geen", "nb", "n b", "niet bekend", "niet aanwezig",
    "niet opgegeven",
})
_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mevr", "mevrouw", "mw", "mej", "dhr", "heer", "dr",
        "drs", "ir", "ing", "prof", "jr", "sr", "onbekend", "unknown", "nn", "fnu", "lnu",
        # register words around a maiden or married name: "Popescu geb. Ionescu",
        # "wed. Bakker"; the names around them stay ("e.v." folds to two initials)
        "geb", "geboren", "echtg", "echtgenote", "wed", "weduwe",
    }
)  # fmt: skip


def name_words(text: str) -> list[str]:
    """Split one name field into folded words that identify the person.

    Titles and placeholders (Mevr., Dhr., "onbekend") carry no identity and are always
    dropped. Particles (van, de, al, bin...) are written, abbreviated or left out
    inconsistently, so they are dropped too, unless nothing else remains: a surname
    that is only "Le" or "Van" must not vanish.
    """
    words = [word for word in fold(text).split() if word not in _TITLES]
    core = [word for word in words if word not in _PARTICLES]
    return core or words


# ------------------------------------------------------------------ canonical word

#: The version of the rules below (and of `name_words`) that the linkage schema names in
#: `normalisation.name_rules`: any change to the key of some name must raise it, because
#: it changes that name's encoding (tests/test_normalise.py pins the keys per version).
NAME_RULES = 3

_DIGRAPHS = {
    "cs": "ch",
    "shch": "sht",
    "sjtsj": "sht",
    "schtsch": "sht",
    "tsj": "ch",
    "dzj": "j",
    "zj": "j",
    "sj": "sh",
    "sch": "sh",
    "oe": "u",
    "tsch": "ch",
    "tch": "ch",
    "dzh": "j",
    "zh": "j",
    "kh": "h",
    "gh": "g",
    "ph": "f",
    "th": "t",
    "sh": "s",
    "sz": "s",
    "cz": "ch",
    "ou": "u",
    "x": "ks",
}
#: Digraphs replaced only at some places in a word: Hungarian cs at either end
#: (Kovács, Csilla), German sch everywhere but word-final (Bosch stays apart from Bos).
_DIGRAPH_PLACES = {"cs": (r"^cs", r"cs$"), "sch": (r"sch(?!$)",)}
# Longest first, so shch wins over sh and schtsch over sch where both match.
_DIGRAPH = re.compile("|".join(
    pattern
    for digraph in sorted(_DIGRAPHS, key=len, reverse=True)
    for pattern in _DIGRAPH_PLACES.get(digraph, (re.escape(digraph),))
))
_AFFRICATE_TS = re.compile(r"t[sz](?!$)")
_ROMANIAN_GLIDE = re.compile(r"c(?:i(?=[ou])|e(?=a))")
_SINGLES = str.maketrans("cqwyj", "kkvii")
_DOUBLE = re.compile(r"(.)\1+")


def _canonical_pass(word: str) -> str:
    word = _DIGRAPH.sub(lambda match: _DIGRAPHS[match.group()], word)
    word = _AFFRICATE_TS.sub("t", word)
    word = _ROMANIAN_GLIDE.sub("c", word)
    word = word.replace("ch", "k").translate(_SINGLES)
    word = _DOUBLE.sub(r"\1", word)
    if word.startswith("ie"):
        word = word[1:]
    return word


@functools.lru_cache(maxsize=1 << 15)
def canonical_word(word: str) -> str:
    """Map one name word to a key shared by its usual spelling variants.

    Built for the population we see, in this order of rules:

    * transliteration digraphs: kh->h (Khristova=Hristova), zh/dzh->j, sh/sz->s
      (Shtefan=Ștefan, Szabó), shch->sht (Russian vs Bulgarian щ), gh->g
      (Gheorghe=George), ph->f, th->t, ou->u (Ioulia, Ciobanou), x->ks, tch/tsch/cz
      and Hungarian word-initial or final cs -> ch (Kovács=Kovach);
    * the Dutch and German spellings of Cyrillic names, as a Dutch inspector writes a
      name she hears: oe->u, sj->sh, zj/dzj->zh/dzh, tsj->ch, sjtsj->shch (Joelia=Iulia,
      Tsoerkanoe=Țurcanu, Sjevtsjenko=Shevchenko, Natasja=Natasha), German sch->sh
      and schtsch->shch except word-final sch (Schewtschuk=Shevchuk; Bosch stays
      apart from Bos);
    * ts/tz -> t except word-final, because Romanian ț is stripped to t
      (Tsurkanu=Țurcanu) while Dutch Smits must stay apart from Smit;
    * Romanian ci before o/u and ce before a spell one sound (Ciobanu=Chobanu);
    * c, ch, q, k -> k (Ecaterina=Ekaterina, Cristina=Christina=Kristina; this also
      merges Romanian che/chi=ke/ki with Cyrillic че/чи, e.g. Ceban=Чебан,
      Chiriac=Кириак), w->v, y and j->i (Yulia=Iulia=Julia, Marija=Maria);
    * doubled letters collapse (Anna=Ana, Iuliia=Iulia);
    * a leading "ie" becomes "e" (Ielena=Yelena=Jelena=Elena).

    Vowels are otherwise kept, so sex-marking endings stay apart (Ivanova/Ivanov,
    Maria/Mario). The rules repeat until nothing changes, so the key of a key is
    itself. Then one given name in its Romanian, Russian and Ukrainian forms is one
    key (`NAME_FORMS`: Eugenia=Evgenia=Yevheniia, Olga=Olha, Sergiu=Sergei=Serhii).
    Non-empty for every word that folds to something; "" otherwise.
    Results are cached: the cache holds recent name words in process memory only.
    """
    key = _spelling_key(fold(word).replace(" ", ""))
    return _SAME_NAME.get(key, key)


def _spelling_key(word: str) -> str:
    while True:
        key = _canonical_pass(word)
        if key == word:
            return key
        word = key


#: One given name in the forms Moldovan, Ukrainian and Russian papers write it, one name
#: a line, the first form's key the key of all: a Moldovan woman's Romanian passport says
#: Eugenia where her Soviet-era birth certificate says Евгения (Evgenia), a Ukrainian
#: passport Olha and Tetiana where a Russian one says Ольга and Татьяна (Olga, Tatiana).
#: Only forms the spelling rules above leave apart are listed (Iulia=Yuliia already is
#: one key). Men's names are for the companions. Since name rules 3 (2026-12-05).
NAME_FORMS = """
    Elena Olena
    Olga Olha
    Tatiana Tetiana
    Galina Halyna
    Svetlana Svitlana
    Vera Vira
    Ecaterina Kateryna
    Alexandra Oleksandra
    Eugenia Evgenia Yevheniia
    Ludmila Liudmila
    Aliona Alena
    Sergiu Sergei Serhii
    Nicolae Nikolai Mykola
    Mihai Mihail Mykhailo
    Dumitru Dmitri Dmytro
    Petru Petr Piotr Petro
    Iurie Iuri
    Vitalie Vitali
    Eugen Evgeni Yevhen
    Valeriu Valeri
    Veaceslav Viaceslav
    Vasile Vasili Vasyl
    Andrei Andrii
    Oleg Oleh
    Igor Ihor
    Alexandru Aleksandr Oleksandr
"""


def _same_names(table: str) -> dict[str, str]:
    same: dict[str, str] = {}
    for line in table.strip().splitlines():
        first, *others = (_spelling_key(fold(form)) for form in line.split())
        for key in others:
            if key in same or key == first:
                raise ValueError(f"NAME_FORMS: {key!r} is listed twice or as its own form")
            same[key] = first
    if clash := set(same) & set(same.values()):
        raise ValueError(f"NAME_FORMS: {sorted(clash)} both a form and a name's key")
    return same


_SAME_NAME = _same_names(NAME_FORMS)


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})")
_DMY_SHORT_YEAR = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{2})")
# after a time, the zone an export may write: Z, UTC or an offset (+01:00, -0500)
_ZONE = r"(?: ?(?:z|utc|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9]))?"
# a date cell exported as a date-time: midnight says nothing, any other time is refused
# (a birth date stored at local midnight and exported in UTC reads 23:00 the day before)
_MIDNIGHT = re.compile(r"(?<=[0-9])[ T](?:0?0:00(?::00(?:\.0+)?)?|12:00(?::00)? ?a\.?m\.?)"
                       + _ZONE + "$", re.IGNORECASE)
# where a time of day belongs (a control's date and time): any valid time is dropped
# (14:30, 14:30:05.5, 2:30 PM, 2026-03-01T14:30:00Z, or as Dutch writes it, 14.30 uur)
_TIME_OF_DAY = re.compile(r"(?<=[0-9])(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
                          r"(?::[0-5][0-9](?:\.[0-9]+)?)?(?: ?[ap]\.?m\.?)?" + _ZONE + "|"
                          r" (?:[01]?[0-9]|2[0-3])[.:][0-5][0-9](?: ?(?:uur|u|h))?)$",
                          re.IGNORECASE)
# Month names as records write them, whole or cut short: Dutch and English, and the
# German, French and Romanian of foreign papers (14 maart 1990, 14-mrt-1990, 14 Mar.
# 1990, 14. März 1990, 1er mars 1990, 14 martie 1990). A named month is never ambiguous,
# so it may also come first (March 14, 1990).
_MONTH_NAMES = {
    name: number for number, names in enumerate((
        ("januari", "january", "jan", "januar", "janvier", "ianuarie", "ian"),
        ("februari", "february", "feb", "febr", "februar", "février", "fevrier",
         "februarie"),
        ("maart", "march", "mrt", "maa", "mar", "märz", "marz", "maerz", "mars", "martie"),
        ("april", "apr", "avril", "aprilie"),
        ("mei", "may", "mai"),
        ("juni", "june", "jun", "juin", "iunie", "iun"),
        ("juli", "july", "jul", "juillet", "iulie", "iul"),
        ("augustus", "august", "aug", "août", "aout"),
        ("september", "sep", "sept", "septembre", "septembrie"),
        ("oktober", "october", "okt", "oct", "octobre", "octombrie"),
        ("november", "nov", "novembre", "noiembrie", "noi"),
        ("december", "dec", "dezember", "dez", "décembre", "decembre", "decembrie"),
    ), start=1) for name in names
}
# A date cell a spreadsheet wrote as a number: days since 1899-12-30 (Excel, LibreOffice),
# five digits for every date from 1927-05-18 on; anything shorter or longer is not read
_SPREADSHEET_SERIAL = re.compile(r"([1-9][0-9]{4})(?:\.0+)?")
_SERIAL_EPOCH = dt.date(1899, 12, 30)
# Eight digits without separators: year first, as the BRP and ISO 8601's basic form write
# a date (19900314), or day first (14031990). At most one of the two is a date: a
# day-first reading needs a year (18.. and later) where the year-first one has its month.
_COMPACT_DATE = re.compile(r"[0-9]{8}")
# How other countries' papers write a date of numbers: Hungarian year first with a dot
# after each part (1990. 03. 14.), Bulgarian and Russian with the Cyrillic abbreviation
# of "year" after it (14.03.1990 g.), Czech and German with spaces after the dots
# (14. 3. 1990), a passport's spaces alone (14 03 1990), and the month as a Roman numeral
# (14.III.1990, 14-III-1990)
_YEAR_WORD = re.compile(r"(?<=[0-9])\s*\u0433\.?$")
_SPACED_NUMBERS = re.compile(r"[0-9]+(?:\s*[-/.]\s*|\s+)[0-9]+(?:\s*[-/.]\s*|\s+)[0-9]+\.?")
_ROMAN_MONTHS = {roman: str(number) for number, roman in enumerate(
    ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"), start=1)}
_ROMAN_MONTH = re.compile(r"([0-9]{1,2})\s*([-/. ])\s*([ivx]+)\s*\2\s*([0-9]{4})", re.IGNORECASE)


def _as_numbers(value: str) -> str:
    """A date of numbers in one of the forms above, written as the parser's forms are."""
    if _SPACED_NUMBERS.fullmatch(value):
        body = value.rstrip(".")
        separators = set(re.findall(r"[-/.]", body))
        if len(separators) > 1:  # 14-03/1990: two kinds, as before not read
            return value
        return (separators.pop() if separators else "-").join(
            re.split(r"\s*[-/.]\s*|\s+", body))
    if (roman := _ROMAN_MONTH.fullmatch(value)) and roman.group(3).lower() in _ROMAN_MONTHS:
        return f"{roman.group(1)}-{_ROMAN_MONTHS[roman.group(3).lower()]}-{roman.group(4)}"
    return value


_ORDINAL = r"(?:st|nd|rd|th|er|e)?"  # 1st, 2nd, 3rd, 14th; 1er (French), 14e (Dutch)
_DAY_NAMED_MONTH = re.compile(
    r"([0-9]{1,2})" + _ORDINAL + r"\.?[ -]([^\W\d_]+)\.?,?[ -]([0-9]{4})")
_NAMED_MONTH_DAY = re.compile(
    r"([^\W\d_]+)\.?[ -]([0-9]{1,2})" + _ORDINAL + r",?[ -]([0-9]{4})")


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1] without its weekday computation (hot path)."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


#: The ages a two-digit year of birth may give her on the day she was seen. The window is
#: under a century wide, so at most one century fits.
BIRTH_AGE_WINDOW = range(10, 100)


def _birth_century(two_digits: int, seen_on: dt.date) -> int | None:
    fits = [c for c in (1900, 2000) if seen_on.year - (c + two_digits) in BIRTH_AGE_WINDOW]
    return fits[0] if fits else None


def parse_date(text: str, *, time_of_day: bool = False,
               seen_on: dt.date | None = None) -> dt.date:
    """Parse a date as inspectors and exports write it; refuse anything ambiguous.

    Accepted: year first (1990-03-14, 1990/03/14, 1990.03.14); day first (14-03-1990,
    14/03/1990, 14.03.1990, 14-3-1990); a month name with day and year in either order,
    in Dutch, English, German, French or Romanian (14 maart 1990, 14-mrt-1990, 14th
    March 1990, March 14, 1990); eight digits, year first as the BRP writes a date
    (19900314) or day first (14031990); a date of numbers as other countries write it
    (1990. 03. 14., 14.03.1990 with the Cyrillic word for year, 14. 3. 1990, 14 03 1990,
    14.III.1990); or a spreadsheet's date serial (32946: days since 1899-12-30, as a
    date cell formatted as a number is exported). A date of birth may
    carry a midnight time (1990-03-14 00:00:00, 14-3-1990 0:00, 1990-03-14T00:00:00Z,
    as spreadsheets and systems export a date); with `time_of_day` (the date of an
    event, not of a birth) any time of day is dropped.

    A two-digit year of birth is read against `seen_on`, the day she was seen: in the
    century that makes her 10 to 99 years old then (14-03-98 seen in 2026 is 1998,
    14-03-05 is 2005); without `seen_on`, or where no century does (14-03-20 in 2026:
    6 or 106), it is refused, since a wrong century silently breaks linkage. An event
    (`time_of_day`) is this century's (01-03-26 is 2026-03-01). Month-first (US) order
    is never assumed, but a month above 12 with a day of 12 or less is read the only
    way it is a date, day and month exchanged (05-13-1990 and 1990-13-05 are 13 May
    1990): a swap is a recording error the linker expects, and refusing the row would
    lose the sighting. Whether a date may lie in the future is the caller's decision.
    """
    value = text.strip()
    if not value:
        raise DateError("empty date", "empty date")
    day_only = (_TIME_OF_DAY if time_of_day else _MIDNIGHT).sub("", value)
    day_only = _as_numbers(_YEAR_WORD.sub("", day_only))
    if match := _ISO_DATE.fullmatch(day_only):
        year, month, day = match.group(1, 3, 4)
    elif match := _DMY_DATE.fullmatch(day_only):
        day, month, year = match.group(1, 3, 4)
    elif (match := _DAY_NAMED_MONTH.fullmatch(day_only.casefold())) and (
            match.group(2) in _MONTH_NAMES):
        day, month, year = match.group(1), _MONTH_NAMES[match.group(2)], match.group(3)
    elif (match := _NAMED_MONTH_DAY.fullmatch(day_only.casefold())) and (
            match.group(1) in _MONTH_NAMES):
        day, month, year = match.group(2), _MONTH_NAMES[match.group(1)], match.group(3)
    elif match := _SPREADSHEET_SERIAL.fullmatch(day_only):
        return _SERIAL_EPOCH + dt.timedelta(days=int(match.group(1)))
    elif _COMPACT_DATE.fullmatch(day_only):
        return _compact_date(day_only, value)
    elif match := _DMY_SHORT_YEAR.fullmatch(day_only):
        day, month, two_digits = match.group(1), match.group(3), int(match.group(4))
        if time_of_day:
            century: int | None = 2000
        else:
            century = _birth_century(two_digits, seen_on) if seen_on else None
        if century is None:
            _fail(DateError, "unrecognised date format", value, "two-digit year")
        year = str(century + two_digits)
    else:
        _fail(DateError, "unrecognised date format", value)
    y, m, d = int(year), int(month), int(day)
    if 12 < m <= 31 and 1 <= d <= 12:
        m, d = d, m
    if y < 1:
        _fail(DateError, "not a date", value, f"year {y} out of range", "year out of range")
    if not 1 <= m <= 12:
        _fail(DateError, "not a date", value, f"month {m} out of range", "month out of range")
    if not 1 <= d <= days_in_month(y, m):
        detail = f"day {d} out of range for {y:04d}-{m:02d}"
        _fail(DateError, "not a date", value, detail, "day out of range for the month")
    return dt.date(y, m, d)


def _compact_date(digits: str, value: str) -> dt.date:
    # no day-month exchange here: 20010520 read backwards would be another date
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]),
                             (digits[4:], digits[2:4], digits[:2])):
        y, m, d = int(year), int(month), int(day)
        if y >= 1800 and 1 <= m <= 12 and 1 <= d <= days_in_month(y, m):
            return dt.date(y, m, d)
    _fail(DateError, "not a date", value, "eight digits, neither YYYYMMDD nor DDMMYYYY")


# A date of birth the record marks as a guess: "ca. 1990", "± 14-03-1990", "plm. 1990",
# "1990?", "14-03-1990 (geschat)". Inspectors write it when a woman without papers gives
# her age or is not sure of it, as in the assigned dates of birth of README "Linkage
# quality, measured": a guessed whole date read as a date would veto her real one.
_GUESS_BEFORE = re.compile(r"^(?:ca\.?|circa|c\.|ongeveer|omstreeks|rond|plm\.?|±|\+/-|~"
                           r"|approx\.?|about|around|geschat|vermoedelijk)\s*", re.IGNORECASE)
_GUESS_AFTER = re.compile(r"\s*(?:\?+|\((?:geschat|ca\.?|circa|est\.?|estimated|onzeker|"
                          r"schatting|\?)\)|geschat|est\.|\(?schatting\)?)$", re.IGNORECASE)
_BIRTH_YEAR = r"((?:1[89]|20)[0-9]{2})"
# A day or month the BRP does not know is 00: 00-00-1990, 00-03-1990, 1990-03-00,
# 1990-00-00, and without separators 19900000, 19900300, 00031990
_BRP_PART_KNOWN = re.compile(r"00?([-/.])(?:00?|0?[1-9]|1[0-2])\1" + _BIRTH_YEAR
                             + r"|" + _BIRTH_YEAR + r"([-/.])(?:00?|0?[1-9]|1[0-2])\4(?:00?)"
                             + r"|" + _BIRTH_YEAR + r"(?:00|0[1-9]|1[0-2])00"
                             + r"|00(?:00|0[1-9]|1[0-2])" + _BIRTH_YEAR)
# A year alone, a month and year of numbers (03-1990, 1990-03), or a named month and year
# (maart 1990, Mar. 1990)
_YEAR_ALONE = re.compile(_BIRTH_YEAR)
_MONTH_YEAR = re.compile(r"(?:0?[1-9]|1[0-2])\s*[-/. ]\s*" + _BIRTH_YEAR)
_YEAR_MONTH = re.compile(_BIRTH_YEAR + r"\s*[-/.]\s*(?:0?[1-9]|1[0-2])")
_NAMED_MONTH_YEAR = re.compile(r"([^\W\d_]+)\.?[ -]" + _BIRTH_YEAR)


def birth_year_only(text: str) -> int | None:
    """The year of a date of birth known only in part or only as a guess, else None.

    A year alone (1990), a month and year (03-1990, 1990-03, maart 1990), a day or month
    the BRP writes as 00 (00-00-1990, 00-03-1990, 19900300), and any date marked as a
    guess (ca. 1990, ± 03-1990, 14-03-1990?, 14-03-1990 (geschat)) give their year: the
    caller keeps the sighting without a date of birth, since only whole, certain dates
    are encoded. A whole date without a mark, or text that is no date, gives None
    (parse_date reads or refuses it).
    """
    value = text.strip()
    if match := _BRP_PART_KNOWN.fullmatch(value):
        return int(next(year for year in match.groups() if year and len(year) == 4))
    guess = _GUESS_AFTER.sub("", _GUESS_BEFORE.sub("", value, count=1))
    for form in (_YEAR_ALONE, _MONTH_YEAR, _YEAR_MONTH):
        if match := form.fullmatch(guess):
            return int(match.group(1))
    if (match := _NAMED_MONTH_YEAR.fullmatch(guess.casefold())) and (
            match.group(1) in _MONTH_NAMES):
        return int(match.group(2))
    if guess == value or not guess:
        return None
    try:
        return parse_date(guess).year
    except DateError:
        return None


# ----------------------------------------------------------------------------- sex

# The digits are ISO 5218's, as systems export a sex (2 female, 1 male; so CBS codes it,
# and so the first digit of a Romanian or Hungarian personal number says)
_SEX_WORDS = {
    "f": ("F", "V", "W", "K", "Vr", "Vrouw", "Vrouwelijk", "Female", "Fem", "Woman", "Feminine",
          "Feminin", "Femeie", "Weiblich", "Frau", "Femme", "Mujer", "Kobieta",
          "Ж", "Жена", "Женский", "Женщина", "Жінка", "Жіноча", "2"),
    "m": ("M", "Man", "Male", "Mannelijk", "Masculine", "Masculin", "Bărbat", "Mann",
          "Männlich", "Maennlich", "Homme", "Hombre", "Férfi", "Mężczyzna",
          "Мъж", "Муж", "Мужской", "Мужчина", "Чоловік", "Чоловіча", "1"),
    "x": ("X", "Other", "Anders", "Overig", "Divers", "Non-binary", "Nonbinary"),
}  # fmt: skip
_SEX = {fold(word): code for code, words in _SEX_WORDS.items() for word in words}
# "O" is the BRP's own code for onbekend (geslachtsaanduiding M, V, O); ISO 5218's 0 is
# not known, 9 not applicable
_SEX_NOT_KNOWN = frozenset({"u", "o", "unknown", "onbekend", "nvt", "n a", "na", "0", "9"})


def normalise_sex(text: str) -> str | None:
    """Return 'f', 'm' or 'x' (the ICAO codes), or None when the sex was not recorded.

    Accepts what Dutch, Romanian, Bulgarian, Russian, Ukrainian, Hungarian, Polish,
    German and English documents or forms write, including abbreviations, and the
    ISO 5218 digits. "Unknown" and blanks mean "not recorded"; anything else is refused
    rather than guessed.
    Hungarian "nő" is not accepted: folded it is "no", which is not a sex.
    """
    key = fold(text)
    if not key or key in _SEX_NOT_KNOWN:
        return None
    if key in _SEX:
        return _SEX[key]
    # a code with its word ("V (vrouw)", "female (F)", "F/V"): read when every word says
    # the same; "vrouw/man" says two things and is refused
    said = {_SEX.get(word) for word in key.split()}
    if len(said) == 1 and None not in said:
        return said.pop()
    _fail(NormaliseError, "unrecognised sex", text.strip())


# --------------------------------------------------------------------- nationality

_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "NLD": ("NL", "Netherlands", "The Netherlands", "Holland", "Dutch", "Nederland",
            "Nederlands", "Nederlandse", "Nederlander"),
    "ROU": ("RO", "ROM", "Romania", "Romanian", "Roemenië", "Roemeens", "Roemeense",
            "Roemeen", "România", "Română", "Român"),
    "MDA": ("MD", "Moldova", "Republic of Moldova", "Moldavia", "Moldovan", "Moldavian",
            "Moldavië", "Republiek Moldavië", "Moldavisch", "Moldavische", "Moldaviër",
            "Republica Moldova", "Moldoveancă", "Молдова"),
    "BGR": ("BG", "Bulgaria", "Bulgarian", "Bulgarije", "Bulgaars", "Bulgaarse",
            "България", "Българка"),
    "HUN": ("HU", "Hungary", "Hungarian", "Hongarije", "Hongaars", "Hongaarse",
            "Magyarország", "Magyar"),
    "NGA": ("NG", "Nigeria", "Nigerian", "Nigeriaans", "Nigeriaanse",
            "Federal Republic of Nigeria"),
    "UKR": ("UA", "Ukraine", "Ukrainian", "Oekraïne", "Oekraïens", "Oekraïense", "Україна"),
    "POL": ("PL", "Poland", "Polish", "Polen", "Pools", "Poolse", "Polska"),
    "RUS": ("RU", "Russia", "Russian Federation", "Russian", "Rusland", "Russisch",
            "Russische", "Russische Federatie", "Россия"),
    "DEU": ("DE", "D", "Germany", "German", "Duitsland", "Duits", "Duitse", "Deutschland"),
    "BEL": ("BE", "Belgium", "Belgian", "België", "Belgisch", "Belgische"),
    "GBR": ("GB", "UK", "United Kingdom", "Great Britain", "British", "Verenigd Koninkrijk",
            "Brits", "Britse"),
    "FRA": ("FR", "France", "French", "Frankrijk", "Frans", "Franse"),
    "ESP": ("ES", "Spain", "Spanish", "Spanje", "Spaans", "Spaanse", "España"),
    "PRT": ("PT", "Portugal", "Portuguese", "Portugees", "Portugese"),
    "ITA": ("IT", "Italy", "Italian", "Italië", "Italiaans", "Italiaanse", "Italia"),
    "GRC": ("GR", "EL", "Greece", "Greek", "Griekenland", "Grieks", "Griekse"),
    "CZE": ("CZ", "Czechia", "Czech Republic", "Czech", "Tsjechië", "Tsjechisch",
            "Tsjechische"),
    "SVK": ("SK", "Slovakia", "Slovak", "Slowakije", "Slowaaks", "Slowaakse"),
    "LTU": ("LT", "Lithuania", "Lithuanian", "Litouwen", "Litouws", "Litouwse"),
    "LVA": ("LV", "Latvia", "Latvian", "Letland", "Lets", "Letse"),
    "EST": ("EE", "Estonia", "Estonian", "Estland", "Ests", "Estse"),
    "SRB": ("RS", "Serbia", "Serbian", "Servië", "Servisch", "Servische"),
    "HRV": ("HR", "Croatia", "Croatian", "Kroatië", "Kroatisch", "Kroatische"),
    "ALB": ("AL", "Albania", "Albanian", "Albanië", "Albanees", "Albanese"),
    "TUR": ("TR", "Turkey", "Türkiye", "Turkish", "Turkije", "Turks", "Turkse"),
    "MAR": ("MA", "Morocco", "Moroccan", "Marokko", "Marokkaans", "Marokkaanse"),
    "GHA": ("GH", "Ghana", "Ghanaian", "Ghanees", "Ghanese"),
    "SLE": ("SL", "Sierra Leone", "Sierra Leonean", "Sierra Leoons", "Sierra Leoonse"),
    "THA": ("TH", "Thailand", "Thai", "Thais", "Thaise"),
    "CHN": ("CN", "China", "Chinese", "Chinees"),
    "VNM": ("VN", "Vietnam", "Viet Nam", "Vietnamese", "Vietnamees"),
    "PHL": ("PH", "Philippines", "Filipino", "Filipina", "Filipijnen", "Filipijns",
            "Filipijnse"),
    "BRA": ("BR", "Brazil", "Brazilian", "Brazilië", "Braziliaans", "Braziliaanse",
            "Brasil"),
    "COL": ("CO", "Colombia", "Colombian", "Colombiaans", "Colombiaanse"),
    "VEN": ("VE", "Venezuela", "Venezuelan", "Venezolaans", "Venezolaanse"),
    "DOM": ("DO", "Dominican Republic", "Dominicaanse Republiek", "Dominicaans",
            "Dominicaanse"),
    "SUR": ("SR", "Suriname", "Surinamese", "Surinaams", "Surinaamse"),
}  # fmt: skip
_NATIONALITY = {
    fold(name): alpha3 for alpha3, names in _COUNTRY_NAMES.items() for name in (alpha3, *names)
}


def normalise_nationality(text: str) -> str | None:
    """Map a nationality to its ISO 3166-1 alpha-3 code.

    Accepts alpha-2 and alpha-3 codes (also ROM, D, UK and EL, found on older, ICAO or
    EU documents), English and Dutch country names and adjectives, ISO 3166's names
    with their qualifier last (Moldova, Republic of) and a few native names, ignoring
    case and diacritics. "Unknown" (onbekend, XXX) is no value. A
    value not in the table is kept as its folded, upper-cased text rather than refused:
    it still links with the same value elsewhere, and a sighting is not discarded for it.
    """
    key = fold(text)
    if not key or key in NOT_KNOWN or key in _NO_NATIONALITY:
        return None
    if key in _NATIONALITY:
        return _NATIONALITY[key]
    # ISO 3166's own short names put a qualifier last ("Moldova, Republic of",
    # "Netherlands (the)"); the name before it counts when the table knows it
    # (only then: "Korea, Republic of" and "Korea, Democratic People's Republic of"
    # must not both become KOREA)
    head = fold(re.split(r"[,(]", text, maxsplit=1)[0])
    return _NATIONALITY.get(head, key.upper())


def is_country_name(text: str) -> bool:
    """Whether ``text`` names a country as `normalise_nationality` knows it (not a code of
    one letter, such as D for Germany, which is too short to be told from other words)."""
    key = fold(text)
    return len(key) > 1 and key in _NATIONALITY


# as ICAO and registers write "no nationality given"
_NO_NATIONALITY = frozenset({"unspecified", "onbepaald", "xxx"})


# --------------------------------------------------------------------------- phone

_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
# "tel:" as in a tel: link copied from an advert, "tel." / "tel" as written on a form, and
# the other words a form or notebook puts first (mobiel, gsm, WhatsApp: +40 ...)
_TEL_LABEL = re.compile(r"^(?:tel|telefoon|telephone|phone|mob|mobiel|mobile|gsm|whatsapp|wa)"
                        r"\s*[:.]?\s*(?=[+0-9(])", re.IGNORECASE)
_PHONE_SEPARATORS = re.compile(r"[\s().\-/\u2010-\u2015\u2212]")
_PHONE_SHAPE = re.compile(r"\+?[0-9]+")
_COUNTRY_CODE = re.compile(r"[1-9][0-9]{0,2}")
_MIN_E164_DIGITS, _MAX_E164_DIGITS = 8, 15
_MIN_BARE_INTERNATIONAL = 11
# Digits of a number after its trunk 0, where every number has as many: a spreadsheet
# that took the phone column for numbers dropped the 0 (0612345678 -> 612345678)
_NATIONAL_DIGITS = {"31": 9}
# ... and may write it back as a decimal (612345678.0) or in scientific notation
# (6.12345678E+08, exact; 6.12346E+08 has lost digits and is refused)
_DECIMAL_ZEROS = re.compile(r"(\+?[0-9]{6,})\.0+")
_SCIENTIFIC = re.compile(r"([1-9])[.,]([0-9]+)[eE]\+?([0-9]{1,2})")


def _spreadsheet_number(value: str) -> str:
    """The digits of a phone number a spreadsheet wrote as a decimal number."""
    if match := _DECIMAL_ZEROS.fullmatch(value):
        return match.group(1)
    if match := _SCIENTIFIC.fullmatch(value):
        lead, fraction, exponent = match.group(1), match.group(2), int(match.group(3))
        if len(fraction) != exponent:
            _fail(NormaliseError, "not a phone number", value,
                  "written by a spreadsheet as a rounded number; format the column as text",
                  "written by a spreadsheet as a rounded number")
        return lead + fraction
    return value


# Mobile numbers as their own country writes them, with its trunk prefix (ITU national
# numbering plans): a woman of that nationality who writes her number without its
# country code writes it like this. Keyed by nationality (ISO alpha-3); value: calling
# code, the pattern of the written digits, and how many leading digits are the trunk
# prefix. Hungary's trunk prefix is 06: 06 30 123 4567 is +36 30 123 4567.
_HOME_MOBILES: dict[str, tuple[str, re.Pattern[str], int]] = {
    "ROU": ("40", re.compile(r"07[0-9]{8}"), 1),
    "MDA": ("373", re.compile(r"0[67][0-9]{7}"), 1),
    "BGR": ("359", re.compile(r"0(?:8[789]|9[89])[0-9]{7}"), 1),
    "HUN": ("36", re.compile(r"06(?:20|30|31|50|70)[0-9]{7}"), 2),
    "NGA": ("234", re.compile(r"0[789][01][0-9]{8}"), 1),
    "UKR": ("380", re.compile(r"0(?:39|50|6[3678]|73|9[1-9])[0-9]{7}"), 1),
}
# A Dutch mobile stays Dutch whoever writes it
_DUTCH_MOBILE = re.compile(r"06[0-9]{8}")


def normalise_phone(text: str, default_country: str = "31",
                    home_nationality: str | None = None) -> str:
    """Write a phone number as E.164 (``+31612345678``) so equal numbers compare equal.

    A leading ``tel:`` (a link copied from an advert) or a word such as ``mobiel``,
    ``gsm`` or ``WhatsApp:`` is dropped.
    ``00`` becomes ``+``; a single leading ``0`` is a national trunk prefix and is
    replaced by ``default_country``, save that a number written as a mobile number of
    ``home_nationality``'s country is that country's (a Romanian woman's 0721 234 567 is
    +40 721 234 567, which her adverts write in full; a Dutch 06 number stays Dutch);
    ``+31 (0)6...`` drops the ``(0)``. Digits without
    any prefix are read as already international (as in wa.me/31612345678 links) when
    there are at least 11 of them, and as a national number whose 0 a spreadsheet
    dropped when there are exactly as many as the default country's numbers have after
    their 0 (9 for the Netherlands); other lengths are refused instead of guessed. A
    number a spreadsheet wrote as a decimal (612345678.0, 6.12345678E+08) is read back
    when no digit was lost.
    """
    country = default_country.removeprefix("+")
    if not _COUNTRY_CODE.fullmatch(country):
        raise ValueError(f"default_country must be a calling code like '31', got {country!r}")
    value = _TEL_LABEL.sub("", unicodedata.normalize("NFKC", text).strip())
    if not value:
        raise NormaliseError("empty phone number", "empty phone number")
    if value.startswith(("+", "00")):
        value = _TRUNK_ZERO.sub("", value)
    compact = _PHONE_SEPARATORS.sub("", _spreadsheet_number(value))
    if not _PHONE_SHAPE.fullmatch(compact):
        _fail(NormaliseError, "not a phone number", value, "unexpected characters")
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif home := _home_mobile(compact, home_nationality):
        digits = home
    elif compact.startswith("0"):
        digits = country + compact[1:]
    elif len(compact) >= _MIN_BARE_INTERNATIONAL:
        digits = compact
    elif len(compact) == _NATIONAL_DIGITS.get(country):
        digits = country + compact
    else:
        _fail(NormaliseError, "not a phone number", value, "no country code or leading 0")
    if digits.startswith("0"):
        _fail(NormaliseError, "not a phone number", value, "country code cannot start with 0")
    if not _MIN_E164_DIGITS <= len(digits) <= _MAX_E164_DIGITS:
        length = "too short" if len(digits) < _MIN_E164_DIGITS else "too long"
        _fail(
            NormaliseError,
            "not a phone number",
            value,
            f"{length}: {len(digits)} digits, E.164 needs {_MIN_E164_DIGITS} to {_MAX_E164_DIGITS}",
        )
    return "+" + digits


def _home_mobile(compact: str, nationality: str | None) -> str | None:
    if nationality not in _HOME_MOBILES or _DUTCH_MOBILE.fullmatch(compact):
        return None
    calling_code, written, trunk = _HOME_MOBILES[nationality]
    return calling_code + compact[trunk:] if written.fullmatch(compact) else None


# ------------------------------------------------------- plates, codes and numbers


def _homoglyphs() -> dict[int, str]:
    """Cyrillic and Greek letters that plates and documents use as Latin letters.

    Bulgarian, Ukrainian and Russian plates are written with the Cyrillic letters
    that look Latin (Cyrillic ES A 1234 VE EN is read CA1234BH), so these map by shape,
    not by sound.
    """
    shapes = {
        "CYRILLIC": {
            "A": "A",
            "VE": "B",
            "IE": "E",
            "KA": "K",
            "EM": "M",
            "EN": "H",
            "O": "O",
            "ER": "P",
            "ES": "C",
            "TE": "T",
            "U": "Y",
            "HA": "X",
            "BYELORUSSIAN-UKRAINIAN I": "I",
            "JE": "J",
            "DZE": "S",
        },
        "GREEK": {
            "ALPHA": "A",
            "BETA": "B",
            "EPSILON": "E",
            "ZETA": "Z",
            "ETA": "H",
            "IOTA": "I",
            "KAPPA": "K",
            "MU": "M",
            "NU": "N",
            "OMICRON": "O",
            "RHO": "P",
            "TAU": "T",
            "UPSILON": "Y",
            "CHI": "X",
        },
    }
    table = {}
    for script, letters in shapes.items():
        for name, latin in letters.items():
            for case in ("CAPITAL", "SMALL"):
                table[ord(unicodedata.lookup(f"{script} {case} LETTER {name}"))] = latin
    return table


_HOMOGLYPHS = _homoglyphs()


def _upper_alnum(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_HOMOGLYPHS)
        text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
    return text.encode("ascii").translate(_TO_UPPER, _NOT_ALNUM).decode("ascii")


def _required_upper_alnum(text: str, what: str) -> str:
    value = _upper_alnum(text)
    if not value:
        if text.strip():
            _fail(NormaliseError, f"not a {what}", text.strip(), "no letters or digits")
        raise NormaliseError(f"empty {what}", f"empty {what}")
    return value


def normalise_plate(text: str) -> str:
    """Reduce a vehicle plate to upper-case letters and digits (12-ABC-3 -> 12ABC3).

    Separators differ per country and per typist but are never part of the plate's
    identity. Cyrillic and Greek plate letters are read by shape.
    """
    return _required_upper_alnum(text, "vehicle plate")


def normalise_postcode(text: str) -> str:
    """Reduce a postcode to upper-case letters and digits (1234 ab -> 1234AB).

    Dutch postcodes are written with and without the space and in either case;
    foreign postcodes are treated the same way rather than validated.
    """
    return _required_upper_alnum(text, "postcode")


def normalise_document_number(text: str) -> str:
    """Reduce an ID document number to upper-case letters and digits.

    Letter O and digit 0 are left as typed: some document series use both, so
    merging them would create false matches on the strongest exact evidence we have.
    """
    return _required_upper_alnum(text, "document number")


_LEADING_DIGITS = re.compile(r"[0-9]+")


def normalise_house_number(text: str) -> str:
    """Write a Dutch house number with its addition as one token (12 a -> 12A).

    A letter addition is joined directly (12A, 12HS). A numeric addition keeps a
    hyphen (12-1) so that number 12 flat 1 never equals number 121.
    """
    value = _required_upper_alnum(text, "house number")
    number = _LEADING_DIGITS.match(text.strip())
    if number is None:
        return value
    digits = number.group().lstrip("0") or "0"
    addition = value[len(number.group()) :]
    if addition[:1].isdigit():
        return f"{digits}-{addition}"
    return digits + addition

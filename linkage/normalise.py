"""Names as the encoder reads them, and the errors every field's normalisation raises.

Every function here is pure: no I/O, no locale, no clock, no randomness. Two nodes
that see the same person must produce byte-identical tokens, so the output may only
depend on the input text and the tables in this module (and in ``transliterate``).
The other fields are normalised the same way in their own modules: ``dates``,
``demographics`` (sex, nationality) and ``identifiers`` (phone, document number,
plate, postcode, house number); they fold with ``fold`` and raise the errors here.

Names go through three steps. ``fold`` removes what is merely typography (case,
diacritics, Cyrillic script, punctuation); ``name_words`` splits one name field into
words and drops particles and titles; ``canonical_word`` maps each word to a key in
which the spelling variants common in this population collapse (Iulia/Yulia/Julia,
Țurcanu/Tsurkanu, Ciobanu/Chobanu, Anna/Ana). The key is deliberately lossy: it
trades a few collisions between rare names for recall on the variants that actually
occur. Sex endings are kept (Ivanova/Ivanov, Maria/Marius) because they carry
information the matcher needs.

Error messages contain the offending value and a short reason, nothing else. The
value is personal data: callers that log must use ``NormaliseError.reason``, which
never contains it.
"""

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
    "name_words",
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


def reject(
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
    """Byte tables for the ASCII tail of ``fold`` and of ``identifiers._upper_alnum``.

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


_TO_LOWER_WORDS, UPPER_ALNUM_BYTES = _byte_tables()
_APOSTROPHE_BYTES = b"'`"
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
    field left empty by that, `node/csv_identity.py`).
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

# ruff: noqa: RUF001  (Cyrillic letters here are intentional: document forms and look-alikes)
"""Recording-error model: how one true identity becomes what an inspector typed.

Why: the linker must be judged on the errors real control records contain,
not on clean data.  Every error below is one we expect in Dutch inspection
records of this population (DESIGN §6): dropped or wrong diacritics, Cyrillic
documents copied as-is or transliterated by another convention, name order
swaps, dropped middle names, typos, ALL CAPS, date-of-birth slips and
formats, Dutch surname particles, document-number slips and phone/plate
formatting.

Each error kind has one probability in :data:`ERROR_RATES`.  A probability
is *conditional on eligibility*: "given_dropped" is only tried for a woman
with two given names, "dob_day_month_swap" only for a date whose day is
<= 12 and differs from its month, "diacritics_variant" only when a name
still has a letter that can be mis-encoded, and so on.  ``ErrorStats``
counts, per kind, how often it was tried (eligible) and applied, so tests
and the benchmark can check the realised rates.

``scale`` multiplies every rate (capped at 1): 0 gives canonical, clean
records (names as on the document, ISO dates, E.164 phones), 1 the realistic
default, 2 a stress test.

Rates (per recorded sighting unless stated; sources are practitioners'
descriptions and public reports, not measurements):

====================== ====== ===============================================
kind                   rate   eligible when / what happens
====================== ====== ===============================================
cyrillic_as_is         0.10   Cyrillic document: name typed in Cyrillic
translit_variant       0.35   Cyrillic document, not as-is: transliterated
                              with a non-canonical system (Yulia, Iuliia,
                              Julia, Joelia, Tsurkanu, Tsoerkanoe,
                              Tschobanu, Stoianova, ...)
diacritics_dropped     0.30   name/place has diacritics: all stripped
diacritics_variant     0.25   RO/MD/HU letter left: ș->ş ț->ţ (cedilla),
                              ă->ã, ő->ö/õ, ű->ü/û (old code pages, fonts)
particle_variant       0.35   Dutch particle (van der Berg -> Van der Berg,
                              Berg van der, Berg, van der, Vanderberg, Berg)
given_dropped          0.30   two given names: only one recorded
given_added            0.03   one given name: a second one recorded too
given_hyphen           0.15   two given names recorded: "Ana-Maria"
alias                  0.30   person has a working name: it is recorded
name_swap              0.05   given and surname fields swapped
surname_first          0.15   Hungarian: surname-first order -> swapped
typo                   0.08   one edit in given or surname (adjacent key
                              substitution, deletion, insertion, transpose)
homoglyph              0.005  one Latin letter replaced by its Cyrillic
                              look-alike (copy-paste from a Cyrillic text)
whitespace             0.03   stray leading/trailing/double space
all_caps               0.12   names in capitals (70% both, 30% surname only)
dob_missing            0.10   date of birth not recorded
dob_day_month_swap     0.03   day <= 12 and day != month: swapped
dob_off_by_one         0.04   day, month or year one off
dob_format             0.55   not ISO: 14-03-1990, 14/03/1990, 14.03.1990,
                              14-3-1990
document_typo          0.03   document present: one character wrong
document_format        0.10   document present: lower case or a space
phone_format           0.60   phone present: not E.164 (06-..., 0031...,
                              +31 6 ..., national 07...)
plate_format           0.40   plate present: dashes/spaces changed, lower
postcode_format        0.40   postcode present: "1234 AB" or "1234ab"
house_number_variant   0.15   number with an addition: addition changed or
                              dropped (12A -> 12 A, 12-A, 12)
sex_missing            0.05   sex not recorded
sex_variant            0.25   F, v, vrouw, Vrouw, female instead of V; 1 in
                              25 of these is a wrong "M"
nationality_missing    0.10   nationality not recorded
nationality_variant    0.50   Dutch adjective or English word, not ISO-3
place_missing          0.35   place of birth not recorded
====================== ====== ===============================================

Person-level events (married name, working name, second date of birth,
Cyrillic documents) are drawn in :mod:`zichtlijn.synth.generator`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from zichtlijn.synth.names import (
    BG_OTHER_SYSTEM_WEIGHTS,
    RU_SYSTEM_WEIGHTS,
    Name,
    Pool,
    phone_country_code,
    transliterate,
)

ERROR_RATES: dict[str, float] = {
    "cyrillic_as_is": 0.10,
    "translit_variant": 0.35,
    "diacritics_dropped": 0.30,
    "diacritics_variant": 0.25,
    "particle_variant": 0.35,
    "given_dropped": 0.30,
    "given_added": 0.03,
    "given_hyphen": 0.15,
    "alias": 0.30,
    "name_swap": 0.05,
    "surname_first": 0.15,
    "typo": 0.08,
    "homoglyph": 0.005,
    "whitespace": 0.03,
    "all_caps": 0.12,
    "dob_missing": 0.10,
    "dob_day_month_swap": 0.03,
    "dob_off_by_one": 0.04,
    "dob_format": 0.55,
    "document_typo": 0.03,
    "document_format": 0.10,
    "phone_format": 0.60,
    "plate_format": 0.40,
    "postcode_format": 0.40,
    "house_number_variant": 0.15,
    "sex_missing": 0.05,
    "sex_variant": 0.25,
    "nationality_missing": 0.10,
    "nationality_variant": 0.50,
    "place_missing": 0.35,
}

# --------------------------------------------------------------------------
# Character-level helpers
# --------------------------------------------------------------------------

_STRIP_CACHE: dict[str, str] = {}


def strip_diacritics(text: str) -> str:
    """Remove combining marks (ș -> s, ő -> o); what many Dutch systems do silently."""
    cached = _STRIP_CACHE.get(text)
    if cached is None:
        decomposed = unicodedata.normalize("NFD", text)
        cached = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(_STRIP_CACHE) < 200_000:
            _STRIP_CACHE[text] = cached
    return cached


def has_diacritics(text: str) -> bool:
    """True when stripping marks changes the text."""
    return strip_diacritics(text) != text


# Comma-below (correct Romanian) -> cedilla (legacy encodings), and the Hungarian
# double acute that is often replaced by the umlaut or tilde.
_DIACRITIC_VARIANTS: dict[str, tuple[str, ...]] = {
    "ș": ("ş",), "Ș": ("Ş",), "ț": ("ţ",), "Ț": ("Ţ",), "ă": ("ã", "â"), "Ă": ("Ã",),
    "ő": ("ö", "õ", "ô"), "Ő": ("Ö", "Õ"), "ű": ("ü", "û"), "Ű": ("Ü", "Û"),
}  # fmt: skip

_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_JCUKEN_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")


def _adjacency(rows: Sequence[str]) -> dict[str, str]:
    pos = {c: (r, i) for r, row in enumerate(rows) for i, c in enumerate(row)}
    adj: dict[str, str] = {}
    for c, (r, i) in pos.items():
        near = []
        for dr in (-1, 0, 1):
            rr = r + dr
            if 0 <= rr < len(rows):
                for di in (-1, 0, 1):
                    ii = i + di
                    if (dr or di) and 0 <= ii < len(rows[rr]):
                        near.append(rows[rr][ii])
        adj[c] = "".join(near)
    return adj


_ADJACENT = {**_adjacency(_QWERTY_ROWS), **_adjacency(_JCUKEN_ROWS)}

# Latin letters with a Cyrillic twin that looks identical.
_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у",
               "i": "і", "A": "А", "E": "Е", "O": "О", "C": "С", "P": "Р", "T": "Т",
               "M": "М", "K": "К", "H": "Н", "B": "В", "X": "Х"}  # fmt: skip

# Document-number confusions an inspector makes when copying by hand.
_DOC_CONFUSIONS = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B",
                   "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}  # fmt: skip

_PARTICLES = ("van der ", "van den ", "van de ", "van ", "de ", "den ", "der ", "ter ", "te ")


def split_particle(surname: str) -> tuple[str, str]:
    """Split a Dutch surname into (particle, core): "van der Berg" -> ("van der", "Berg")."""
    lower = surname.lower()
    for p in _PARTICLES:
        if lower.startswith(p) and len(surname) > len(p):
            return surname[: len(p) - 1], surname[len(p) :]
    return "", surname


def typo(text: str, rng: Random) -> str:
    """Apply one keyboard-plausible edit: substitute, delete, insert or transpose."""
    if len(text) < 3:
        return text
    # Errors rarely hit the first letter; positions are among letters only.
    idx = [i for i, c in enumerate(text) if c.isalpha()]
    if len(idx) < 3:
        return text
    i = idx[0] if rng.random() < 0.1 else rng.choice(idx[1:])
    c = text[i]
    op = rng.random()
    near = _ADJACENT.get(c.lower(), "")
    if op < 0.4 and near:
        new = rng.choice(near)
        new = new.upper() if c.isupper() else new
        return text[:i] + new + text[i + 1 :]
    if op < 0.6:
        return text[:i] + text[i + 1 :]
    if op < 0.8:
        extra = rng.choice(near) if near and rng.random() < 0.5 else c.lower()
        return text[: i + 1] + extra + text[i + 1 :]
    j = i + 1 if i + 1 < len(text) and text[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    if text[a] == text[b]:
        return text[:i] + text[i + 1 :]
    swapped = text[b] + text[a]
    if a == 0 and text[0].isupper():  # keep the capital at the front
        swapped = swapped[0].upper() + swapped[1].lower()
    return text[:a] + swapped + text[b + 1 :]


def _title(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------


@dataclass
class ErrorStats:
    """How often each error kind was tried (eligible) and applied."""

    eligible: Counter[str] = field(default_factory=Counter)
    applied: Counter[str] = field(default_factory=Counter)

    def rate(self, kind: str) -> float:
        """Realised conditional rate of ``kind`` (0.0 when never eligible)."""
        n = self.eligible[kind]
        return self.applied[kind] / n if n else 0.0

    def as_table(self) -> dict[str, tuple[int, int, float]]:
        """kind -> (applied, eligible, rate), for reports."""
        return {k: (self.applied[k], self.eligible[k], self.rate(k)) for k in sorted(self.eligible)}


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """Per-sighting rendering decisions that apply to names and place alike.

    A record is typed by one person on one system: if the diacritics are lost
    or the document is copied in Cyrillic, that holds for the place of birth
    too, which is why these decisions are made once per sighting.
    """

    form: str  # "latin", "cyrillic" or a transliteration system name
    diacritics: str  # "keep", "drop", "variant"
    caps: str  # "none", "all", "surname"


@dataclass(frozen=True)
class IdentityView:
    """The parts of a person an error model needs to render a name."""

    given: tuple[Name, ...]
    surname: Name
    population: str
    cyrillic_system: str | None  # "ru", "bg" or None when the document is Latin
    alias: Name | None = None
    second_pool: Pool[Name] | None = None  # where an "added" second given name comes from
    surname_first: bool = False  # population writes surname first (Hungarian)


class ErrorModel:
    """Draws recording errors with a shared RNG so generation stays deterministic."""

    def __init__(
        self,
        rng: Random,
        scale: float = 1.0,
        rates: dict[str, float] | None = None,
        stats: ErrorStats | None = None,
    ) -> None:
        if scale < 0:
            raise ValueError("error scale must be >= 0")
        self.rng = rng
        base = dict(ERROR_RATES)
        if rates:
            unknown = set(rates) - set(base)
            if unknown:
                raise ValueError(f"unknown error kinds: {sorted(unknown)}")
            base.update(rates)
        self.p = {k: min(1.0, v * scale) for k, v in base.items()}
        self.stats = stats if stats is not None else ErrorStats()
        ru = list(RU_SYSTEM_WEIGHTS.items())
        bg = list(BG_OTHER_SYSTEM_WEIGHTS.items())
        self._ru_systems = Pool([k for k, _ in ru], [w for _, w in ru])
        self._bg_systems = Pool([k for k, _ in bg], [w for _, w in bg])

    def hit(self, kind: str, p: float | None = None) -> bool:
        """Bernoulli trial for one eligible error kind, counted in the stats."""
        self.stats.eligible[kind] += 1
        if self.rng.random() < (self.p[kind] if p is None else p):
            self.stats.applied[kind] += 1
            return True
        return False

    # ---- names -----------------------------------------------------------

    def choose_style(self, ident: IdentityView) -> Style:
        """Decide script/transliteration, diacritics handling and capitals for one record."""
        form = "latin"
        if ident.cyrillic_system is not None:
            if self.hit("cyrillic_as_is"):
                form = "cyrillic"
            elif self.hit("translit_variant"):
                pool = self._bg_systems if ident.cyrillic_system == "bg" else self._ru_systems
                form = pool.pick(self.rng)
        diacritics = "keep"
        if form != "cyrillic":
            sample = " ".join(n.latin for n in (*ident.given, ident.surname))
            if form == "bg_iso9" or has_diacritics(sample):
                if self.hit("diacritics_dropped"):
                    diacritics = "drop"
                elif any(c in _DIACRITIC_VARIANTS for c in sample) and self.hit(
                    "diacritics_variant"
                ):
                    diacritics = "variant"
        caps = "none"
        if self.hit("all_caps"):
            caps = "all" if self.rng.random() < 0.7 else "surname"
        return Style(form, diacritics, caps)

    def render(self, name: Name, style: Style) -> str:
        """One name token or place in the style's script, transliteration and diacritics."""
        if style.form == "cyrillic":
            return name.cyrillic or name.latin
        if style.form != "latin" and name.cyrillic:
            text = transliterate(name.cyrillic, style.form)
        else:
            text = name.latin
        if style.diacritics == "drop":
            return strip_diacritics(text)
        if style.diacritics == "variant":
            return "".join(
                self.rng.choice(_DIACRITIC_VARIANTS[c]) if c in _DIACRITIC_VARIANTS else c
                for c in text
            )
        return text

    def record_name(self, ident: IdentityView, style: Style) -> tuple[str, str]:
        """Given names and surname as recorded, with all name-level errors applied."""
        rng = self.rng
        tokens = list(ident.given)
        if len(tokens) >= 2:
            if self.hit("given_dropped"):
                tokens = [tokens[0]] if rng.random() < 0.8 else [tokens[1]]
        elif ident.second_pool is not None and self.hit("given_added"):
            extra = ident.second_pool.pick(rng)
            if extra.latin != tokens[0].latin:
                tokens.append(extra)
        if ident.alias is not None and self.hit("alias"):
            tokens = [ident.alias]
        given_parts = [self.render(t, style) for t in tokens]
        if len(given_parts) == 2 and self.hit("given_hyphen"):
            given = "-".join(given_parts)
        else:
            given = " ".join(given_parts)
        surname = self.render(ident.surname, style)
        particle, core = split_particle(surname)
        if particle and self.hit("particle_variant"):
            surname = self._particle_variant(particle, core)
        swapped = self.hit("name_swap")
        if ident.surname_first and self.hit("surname_first"):
            swapped = not swapped
        if swapped:
            given, surname = surname, given
        if self.hit("typo"):
            if rng.random() < 0.5:
                given = typo(given, rng)
            else:
                surname = typo(surname, rng)
        if style.form != "cyrillic" and self.hit("homoglyph"):
            given = self._homoglyph(given)
        if self.hit("whitespace"):
            r = rng.random()
            if r < 0.4:
                surname = surname + " "
            elif r < 0.7:
                given = " " + given
            else:
                given = given.replace(" ", "  ", 1) if " " in given else given + " "
        if style.caps == "all":
            given, surname = given.upper(), surname.upper()
        elif style.caps == "surname":
            surname = surname.upper()
        return given, surname

    def _particle_variant(self, particle: str, core: str) -> str:
        r = self.rng.random()
        if r < 0.35:
            return f"{_title(particle)} {core}"
        if r < 0.6:
            return f"{core} {particle}"
        if r < 0.75:
            return f"{core}, {particle}"
        if r < 0.9:
            return _title(particle.replace(" ", "") + core.lower())
        return core

    def _homoglyph(self, text: str) -> str:
        spots = [i for i, c in enumerate(text) if c in _HOMOGLYPHS]
        if not spots:
            return text
        i = self.rng.choice(spots)
        return text[:i] + _HOMOGLYPHS[text[i]] + text[i + 1 :]

    def record_place(self, place: Name, style: Style) -> str:
        """Place of birth in the record's style, or "" when not recorded."""
        if self.hit("place_missing"):
            return ""
        text = self.render(place, style)
        return text.upper() if style.caps == "all" else text

    # ---- dates -----------------------------------------------------------

    def record_dob(self, dob: date) -> str:
        """A date of birth as typed: missing, swapped, one off, or in another format."""
        if self.hit("dob_missing"):
            return ""
        d = dob
        if d.day <= 12 and d.day != d.month and self.hit("dob_day_month_swap"):
            d = date(d.year, d.day, d.month)
        if self.hit("dob_off_by_one"):
            d = off_by_one(d, self.rng)
        if self.hit("dob_format"):
            r = self.rng.random()
            if r < 0.5:
                return f"{d.day:02d}-{d.month:02d}-{d.year}"
            if r < 0.7:
                return f"{d.day:02d}/{d.month:02d}/{d.year}"
            if r < 0.9:
                return f"{d.day:02d}.{d.month:02d}.{d.year}"
            return f"{d.day}-{d.month}-{d.year}"
        return d.isoformat()

    # ---- other fields ----------------------------------------------------

    def record_sex(self) -> str:
        """Sex of a woman as recorded: mostly "V", with the variants Dutch systems hold."""
        if self.hit("sex_missing"):
            return ""
        if self.hit("sex_variant"):
            r = self.rng.random()
            if r < 0.04:
                return "M"
            return self.rng.choice(("F", "F", "v", "vrouw", "Vrouw", "female", "f"))
        return "V"

    def record_nationality(self, iso3: str, dutch: str, english: str) -> str:
        """Nationality as ISO alpha-3, Dutch adjective or English word."""
        if self.hit("nationality_missing"):
            return ""
        if self.hit("nationality_variant"):
            return dutch if self.rng.random() < 0.7 else english
        return iso3

    def record_document(self, number: str) -> str:
        """Document number as copied: occasionally one character wrong or reformatted."""
        rng = self.rng
        if self.hit("document_typo"):
            i = rng.randrange(len(number))
            c = number[i]
            if c in _DOC_CONFUSIONS and rng.random() < 0.6:
                new = _DOC_CONFUSIONS[c]
            elif c.isdigit():
                new = rng.choice([d for d in "0123456789" if d != c])
            else:
                new = rng.choice([x for x in "ABCDEFGHJKLMNPRSTUVWXZ" if x != c])
            number = number[:i] + new + number[i + 1 :]
        if self.hit("document_format"):
            if rng.random() < 0.5:
                number = number.lower()
            else:
                cut = next((i for i, ch in enumerate(number) if ch.isdigit()), 2) or 2
                number = number[:cut] + " " + number[cut:]
        return number

    def record_phone(self, e164: str) -> str:
        """Phone as written in an advert or notebook; canonical form is E.164."""
        if not self.hit("phone_format"):
            return e164
        cc = phone_country_code(e164)
        national = e164[1 + len(cc) :]
        r = self.rng.random()
        if cc == "31":
            if r < 0.35:
                return "0" + national
            if r < 0.6:
                return f"0{national[0]}-{national[1:]}"
            if r < 0.75:
                return f"0{national[0]} {national[1:5]} {national[5:]}"
            if r < 0.9:
                return f"+31 {national[0]} {national[1:]}"
            return "0031" + national
        if r < 0.35:
            return f"+{cc} {national[:3]} {national[3:6]} {national[6:]}".rstrip()
        if r < 0.65:
            return f"00{cc}{national}"
        if r < 0.85:
            return f"+{cc}-{national}"
        return "0" + national  # national form: country code lost, ambiguous with NL

    def record_plate(self, plate: str) -> str:
        """Licence plate with dashes/spaces dropped or changed, or lower case."""
        if not self.hit("plate_format"):
            return plate
        r = self.rng.random()
        if r < 0.45:
            return plate.replace("-", "").replace(" ", "")
        if r < 0.7:
            return plate.replace("-", " ")
        if r < 0.85:
            return plate.lower()
        return plate.replace(" ", "-")

    def record_postcode(self, postcode: str) -> str:
        """Postcode as "1234AB" (canonical), "1234 AB" or "1234ab"."""
        if not self.hit("postcode_format"):
            return postcode
        if self.rng.random() < 0.75:
            return f"{postcode[:4]} {postcode[4:]}"
        return postcode.lower()

    def record_house_number(self, number: str) -> str:
        """House number; an addition is sometimes written differently or left out.

        "12A" may become "12", "12 A", "12-A" or "12a"; "112-2" may become
        "112", "112 2" or "112/2".  The digits never change: a different
        number would be a different address.
        """
        i = 0
        while i < len(number) and number[i].isdigit():
            i += 1
        digits, rest = number[:i], number[i:]
        if not rest or not self.hit("house_number_variant"):
            return number
        addition = rest.strip(" -")
        r = self.rng.random()
        if r < 0.4:
            return digits
        if addition.isdigit():
            return f"{digits} {addition}" if r < 0.7 else f"{digits}/{addition}"
        if r < 0.6:
            return f"{digits} {addition}"
        if r < 0.8:
            return f"{digits}-{addition}"
        return f"{digits}{addition.lower()}"


def off_by_one(d: date, rng: Random) -> date:
    """Shift day, month or year by one, keeping a valid date (31 Jan + 1 month -> 28 Feb)."""
    r = rng.random()
    sign = 1 if rng.random() < 0.5 else -1
    if r < 0.4:
        return d + timedelta(days=sign)
    if r < 0.7:
        month = (d.month - 1 + sign) % 12 + 1
        return _safe_date(d.year, month, d.day)
    return _safe_date(d.year + sign, d.month, d.day)


def _safe_date(y: int, m: int, d: int) -> date:
    while True:
        try:
            return date(y, m, d)
        except ValueError:
            d -= 1

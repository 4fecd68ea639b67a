"""Cyrillic and Greek to Latin transliteration tuned for name linkage, not for display.

The same woman's name reaches the node from a Bulgarian ID card, a Russian-language
Moldovan document, a Ukrainian passport or an inspector retyping what she says. No
single national standard fits all of them, so each letter takes the spelling that
lines up best with the Latin documents of the largest groups:

* ha -> ``h`` (Bulgarian and Ukrainian official, and the Romanian spelling of
  Moldovan names: Хынку = Hîncu); Russian ``kh`` is folded to ``h`` later by
  ``canonical_word``.
* shcha ``щ`` -> ``sht`` (Bulgarian, and Moldovan where it writes Romanian ``șt``);
  Latin Russian ``shch`` is folded to ``sht`` by ``canonical_word``.
* ``ъ`` -> ``a`` (Bulgarian; the Russian hard sign hardly occurs in names).
* ``й``, ``ё`` -> ``i``, ``e`` (ICAO 9303, as on Russian and Ukrainian passports).
* Moldovan Cyrillic writes Romanian ``ă`` as ``э`` and ``â``/``î`` as ``ы``. Word-initial
  ``э`` (Russian Эдуард) stays ``e``; elsewhere it becomes ``a`` (Бэсеску = Băsescu).
  ``ы`` becomes ``a`` in words that look Moldovan (ending in u like Мындру, or with
  ``ӂ`` or an inner ``э``) so that Мындру = Mândru, and ``y`` otherwise (Крылова).
* Bulgarian ``ьо`` -> ``yo`` via ``йо`` (Кольо = Kolyo); any other soft sign vanishes.

Greek follows ELOT 743, the Latin line of Greek passports and ID cards (Eleni
Papadopoulou): eta and iota -> ``i``, upsilon -> ``y``, omicron-upsilon -> ``ou``,
alpha/epsilon/eta before upsilon -> ``av``/``ev``/``iv`` (``af``/``ef``/``if`` before a
voiceless consonant or at the end of a word), chi -> ``ch``, theta -> ``th``, psi ->
``ps``, beta -> ``v``. Accents and diaeresis are dropped.

Letters are named rather than typed: Cyrillic and Latin a, e, o, p, c, x look the same
in review, and a swapped key would silently break matching.
"""

import re
import unicodedata

__all__ = ["contains_cyrillic", "contains_greek", "cyrillic_to_latin", "greek_to_latin"]


def _small(name: str) -> str:
    return unicodedata.lookup(f"CYRILLIC SMALL LETTER {name}")


def _capital(name: str) -> str:
    return unicodedata.lookup(f"CYRILLIC CAPITAL LETTER {name}")


_LATIN_FOR_LETTER = {
    "A": "a",
    "BE": "b",
    "VE": "v",
    "GHE": "g",
    "DE": "d",
    "IE": "e",
    "IO": "e",
    "ZHE": "zh",
    "ZE": "z",
    "I": "i",
    "SHORT I": "i",
    "KA": "k",
    "EL": "l",
    "EM": "m",
    "EN": "n",
    "O": "o",
    "PE": "p",
    "ER": "r",
    "ES": "s",
    "TE": "t",
    "U": "u",
    "EF": "f",
    "HA": "h",
    "TSE": "ts",
    "CHE": "ch",
    "SHA": "sh",
    "SHCHA": "sht",
    "HARD SIGN": "a",
    "YERU": "y",
    "SOFT SIGN": "",
    "E": "e",
    "YU": "yu",
    "YA": "ya",
    "UKRAINIAN IE": "ye",
    "BYELORUSSIAN-UKRAINIAN I": "i",
    "YI": "yi",
    "GHE WITH UPTURN": "g",
    "SHORT U": "u",
    "ZHE WITH BREVE": "g",
    "DJE": "dj",
    "JE": "j",
    "LJE": "lj",
    "NJE": "nj",
    "TSHE": "c",
    "DZHE": "dz",
    "GJE": "gj",
    "KJE": "kj",
    "DZE": "dz",
    "SCHWA": "a",
    "GHE WITH STROKE": "g",
    "KA WITH DESCENDER": "k",
    "EN WITH DESCENDER": "n",
    "BARRED O": "o",
    "STRAIGHT U": "u",
    "STRAIGHT U WITH STROKE": "u",
    "SHHA": "h",
    "YAT": "e",
    "FITA": "f",
    "IZHITSA": "i",
}

_TABLE = {
    ord(letter(name)): latin
    for name, latin in _LATIN_FOR_LETTER.items()
    for letter in (_small, _capital)
}

_A, _E, _O, _U = _small("A"), _small("E"), _small("O"), _small("U")
_YERU, _SOFT_SIGN, _SHORT_I = _small("YERU"), _small("SOFT SIGN"), _small("SHORT I")
_ZHE_BREVE, _GHE, _I = _small("ZHE WITH BREVE"), _small("GHE"), _small("I")

_CYRILLIC = re.compile("[\u0400-\u052f]")
_SOFT_SIGN_O = re.compile(_SOFT_SIGN + _O)
_ZHE_BREVE_BACK_VOWEL = re.compile(f"{_ZHE_BREVE}(?=[{_A}{_O}{_U}])")
_WORD_WITH_YERU = re.compile(rf"[^\W\d_]*{_YERU}[^\W\d_]*")
_INNER_E = re.compile(rf"(?<=[^\W\d_]){_E}")


def contains_cyrillic(text: str) -> bool:
    """Tell whether ``text`` needs transliteration, so pure Latin input skips the work."""
    return _CYRILLIC.search(text) is not None


def _yeru(match: re.Match[str]) -> str:
    word = match.group()
    if word.endswith(_U) or _ZHE_BREVE in word or _E in word[1:]:
        return word.replace(_YERU, _A)
    return word


def cyrillic_to_latin(text: str) -> str:
    """Transliterate the Cyrillic letters of ``text`` to lower-case ASCII.

    Non-Cyrillic characters pass through (lower-cased), so mixed input such as
    ``"Ana Мария"`` keeps its Latin part. The output is meant for matching: it is
    deliberately lossy and not a spelling to show anyone.
    """
    text = unicodedata.normalize("NFC", text).lower()
    if _SOFT_SIGN in text:
        text = _SOFT_SIGN_O.sub(_SHORT_I + _O, text)
    if _ZHE_BREVE in text:
        text = _ZHE_BREVE_BACK_VOWEL.sub(_GHE + _I, text)
    if _YERU in text:
        text = _WORD_WITH_YERU.sub(_yeru, text)
    if _E in text:
        text = _INNER_E.sub(_A, text)
    return text.translate(_TABLE)


# ------------------------------------------------------------------------------ Greek


def _greek(name: str) -> str:
    return unicodedata.lookup(f"GREEK SMALL LETTER {name}")


_LATIN_FOR_GREEK = {
    "ALPHA": "a", "BETA": "v", "GAMMA": "g", "DELTA": "d", "EPSILON": "e", "ZETA": "z",
    "ETA": "i", "THETA": "th", "IOTA": "i", "KAPPA": "k", "LAMDA": "l", "MU": "m", "NU": "n",
    "XI": "x", "OMICRON": "o", "PI": "p", "RHO": "r", "SIGMA": "s", "FINAL SIGMA": "s",
    "TAU": "t", "UPSILON": "y", "PHI": "f", "CHI": "ch", "PSI": "ps", "OMEGA": "o",
}  # fmt: skip
_GREEK_TABLE = {ord(_greek(name)): latin for name, latin in _LATIN_FOR_GREEK.items()}
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
_COMBINING = re.compile("[\u0300-\u036f]")
_UPSILON = _greek("UPSILON")
_OU = re.compile(_greek("OMICRON") + _UPSILON)
_VOWEL_UPSILON = re.compile(f"[{_greek('ALPHA')}{_greek('EPSILON')}{_greek('ETA')}]{_UPSILON}")
_VOICELESS = frozenset(map(_greek, ("THETA", "KAPPA", "XI", "PI", "SIGMA", "FINAL SIGMA", "TAU",
                                    "PHI", "CHI", "PSI")))


def contains_greek(text: str) -> bool:
    """Tell whether ``text`` has Greek letters, so other input skips the work."""
    return _GREEK.search(text) is not None


def _vowel_upsilon(match: re.Match[str]) -> str:
    """av, ev, iv; af, ef, if before a voiceless consonant or at the end of a word."""
    after = match.string[match.end() : match.end() + 1]
    voiceless = not after.isalpha() or after in _VOICELESS
    return match.group()[0] + ("f" if voiceless else "v")


def greek_to_latin(text: str) -> str:
    """Transliterate the Greek letters of ``text`` to lower-case ASCII (ELOT 743).

    Other characters pass through lower-cased; like ``cyrillic_to_latin`` the
    output is for matching only.
    """
    text = _COMBINING.sub("", unicodedata.normalize("NFD", text.lower()))
    text = _OU.sub("ou", text)
    text = _VOWEL_UPSILON.sub(_vowel_upsilon, text)
    return unicodedata.normalize("NFC", text).translate(_GREEK_TABLE)

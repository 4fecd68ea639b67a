"""Text operations of the blind_cli4 generator: transliteration of Cyrillic,
spelling by ear, typing errors, lost diacritics and what encodings do.

Standard library only.  Written from general knowledge of the scripts and
of how Dutch, German and English speakers write foreign names down; nothing
here comes from the product.
"""

# ruff: noqa: RUF001  (Cyrillic, Greek and accented letters are the data)

from __future__ import annotations

import unicodedata

# --- Cyrillic to Latin -------------------------------------------------------
_BASE = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "'": "",
    "ʼ": "",
}


def _table(**over):
    t = dict(_BASE)
    t.update(over)
    return t


# (table, table at the start of a word)
SYSTEMS = {
    # Ukraine, national system of 2010 (passports since then)
    "ua_pass": (
        _table(г="h", и="y", й="i", ю="iu", я="ia", є="ie", ї="i", х="kh"),
        {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
    ),
    # Russian, ICAO 9303 as in Russian/Soviet-style passports since 2013
    "ru_icao": (_table(й="i", ю="iu", я="ia", ъ="ie", ё="e", х="kh", ы="y"), {}),
    # English ear / BGN: Yelena, Natalya
    "ru_bgn": (_table(е="e", й="y", ю="yu", я="ya", ь="", х="kh"), {"е": "ye"}),
    # Dutch ear (the Dutch transliteration: Tsjechov, Joelia)
    "nl": (
        _table(
            ж="zj",
            х="ch",
            ц="ts",
            ч="tsj",
            ш="sj",
            щ="sjtsj",
            ю="joe",
            я="ja",
            й="j",
            у="oe",
            ё="jo",
            є="je",
            ї="ji",
            ы="y",
            г="g",
        ),
        {"е": "je"},
    ),
    "nl_ua": (
        _table(
            ж="zj",
            х="ch",
            ц="ts",
            ч="tsj",
            ш="sj",
            щ="sjtsj",
            ю="joe",
            я="ja",
            й="j",
            у="oe",
            є="je",
            ї="ji",
            и="y",
            г="h",
        ),
        {},
    ),
    # German ear (Swetlana, Tatjana, Juschtschenko)
    "de": (
        _table(
            в="w",
            ж="sch",
            з="s",
            х="ch",
            ц="z",
            ч="tsch",
            ш="sch",
            щ="schtsch",
            ю="ju",
            я="ja",
            й="j",
            ё="jo",
            є="je",
            ї="ji",
            ы="y",
            г="g",
            ь="",
        ),
        {"е": "je"},
    ),
    "de_ua": (
        _table(
            в="w",
            ж="sch",
            з="s",
            х="ch",
            ц="z",
            ч="tsch",
            ш="sch",
            щ="schtsch",
            ю="ju",
            я="ja",
            й="j",
            є="je",
            ї="ji",
            и="y",
            г="h",
        ),
        {},
    ),
    # Romanian writing of Russian (Moldova): Ciobanu, Natalia, Iulia
    "ro": (
        _table(
            ж="j", х="h", ц="ț", ч="ci", ш="ș", щ="șc", ю="iu", я="ia", й="i", ы="î", ё="io", ь=""
        ),
        {},
    ),
    # Bulgaria, official system of 2009 (Sofiya, Zhivkova, Hristova)
    "bg_off": (_table(х="h", ъ="a", щ="sht", ь="y", ю="yu", я="ya", й="y"), {}),
    # older Bulgarian passports / French-style (Jivkova, Tzvetanka)
    "bg_old": (_table(ж="j", х="h", ц="tz", ъ="a", щ="sht", ю="iu", я="ia", й="i"), {}),
    # German ear of Bulgarian (Christowa, Zwetanka)
    "bg_de": (
        _table(
            в="w",
            ж="sh",
            з="s",
            х="ch",
            ц="z",
            ч="tsch",
            ш="sch",
            щ="scht",
            ъ="a",
            ю="ju",
            я="ja",
            й="j",
        ),
        {},
    ),
    # English ear of Bulgarian (Khristova, Kurdzhali)
    "bg_en": (_table(х="kh", ъ="u", щ="sht", ю="yu", я="ya", й="y"), {}),
}


def translit(text: str, system: str) -> str:
    table, initial = SYSTEMS[system]
    out = []
    prev_alpha = False
    for i, ch in enumerate(text):
        lo = ch.lower()
        if lo in table:
            rep = initial.get(lo, table[lo]) if not prev_alpha else table[lo]
            if (
                system == "bg_off"
                and lo == "я"
                and text[i - 1 : i].lower() == "и"
                and (i + 1 == len(text) or not text[i + 1].isalpha())
            ):
                rep = "a"  # the 2009 law's -ия at the end of a name: Mariya -> Maria
            if system == "ro" and lo == "я" and text[i - 1 : i].lower() == "и":
                rep = "a"  # Romanian writes Iulia, Maria
            if ch != lo and rep:
                nxt = text[i + 1 : i + 2]
                rep = rep.upper() if (nxt and nxt.isupper()) else rep[0].upper() + rep[1:]
            out.append(rep)
        else:
            out.append(ch)
        prev_alpha = ch.isalpha()
    return "".join(out)


def is_cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in s)


# --- spelling by ear -------------------------------------------------------------
PHONETIC = {
    "ro": [
        ("Ioa", "Joa"),
        ("Iu", "Ju"),
        ("ia", "ja"),
        ("ghe", "ge"),
        ("Ghe", "Ge"),
        ("chi", "ki"),
        ("Cr", "Kr"),
        ("Ca", "Ka"),
        ("Co", "Ko"),
        ("ci", "tsji"),
        ("ce", "tsje"),
        ("ș", "sj"),
        ("ş", "sj"),
        ("ț", "ts"),
        ("ă", "e"),
        ("â", "u"),
        ("î", "i"),
        ("ea", "ia"),
        ("x", "ks"),
        ("escu", "esku"),
        ("eea", "ea"),
        ("Mih", "Mich"),
        ("ela", "ella"),
        ("ana", "anna"),
        ("ina", "inna"),
        ("u", "oe"),
    ],
    "hu": [
        ("sz", "s"),
        ("cs", "tsj"),
        ("zs", "zj"),
        ("gy", "dj"),
        ("ny", "nj"),
        ("ly", "j"),
        ("ó", "o"),
        ("á", "a"),
        ("é", "ee"),
        ("ő", "eu"),
        ("ű", "u"),
        ("ö", "eu"),
        ("ü", "u"),
        ("í", "i"),
        ("ú", "oe"),
        ("Cs", "Tsj"),
        ("Zs", "Zj"),
        ("Gy", "Dj"),
        ("tt", "t"),
        ("ll", "l"),
        ("kk", "k"),
        ("Sz", "S"),
        ("s", "sj"),
    ],
    "ng": [
        ("ch", "tsj"),
        ("Ch", "Tsj"),
        ("gb", "b"),
        ("kp", "p"),
        ("ph", "f"),
        ("oo", "o"),
        ("ck", "k"),
        ("ss", "s"),
        ("ere", "ele"),
        ("Osa", "Oza"),
        ("kh", "k"),
        ("th", "t"),
        ("ee", "i"),
        ("our", "or"),
        ("ie", "y"),
        ("u", "oe"),
        ("Uw", "Oew"),
        ("Ig", "Ich"),
        ("ya", "ja"),
        ("yo", "jo"),
        ("wa", "hwa"),
        ("ehi", "eyi"),
    ],
    "th": [
        ("ph", "p"),
        ("th", "t"),
        ("Th", "T"),
        ("oo", "u"),
        ("ee", "i"),
        ("w", "v"),
        ("W", "V"),
        ("J", "Ch"),
        ("porn", "pon"),
        ("r", "l"),
        ("ai", "ay"),
        ("ao", "ow"),
        ("k", "g"),
        ("ch", "j"),
        ("Ch", "J"),
        ("aa", "a"),
        ("u", "oe"),
        ("ua", "oea"),
    ],
    "cn": [
        ("x", "sh"),
        ("X", "Sh"),
        ("q", "ch"),
        ("Q", "Ch"),
        ("zh", "j"),
        ("Zh", "J"),
        ("ao", "au"),
        ("iu", "iou"),
        ("ian", "ien"),
        ("ong", "ung"),
        ("ui", "wei"),
        ("Hu", "Hoe"),
        ("Wu", "Woe"),
        ("u", "oe"),
        ("ei", "ey"),
    ],
    "vn": [
        ("Ng", "Nh"),
        ("uy", "ui"),
        ("Thi", "Thy"),
        ("ph", "f"),
        ("Ph", "F"),
        ("ươ", "uo"),
        ("ư", "u"),
        ("ơ", "o"),
        ("Hu", "Hoe"),
        ("y", "i"),
        ("uyễn", "uyen"),
        ("Tr", "Ch"),
        ("ương", "uong"),
    ],
    "es": [
        ("ll", "y"),
        ("y", "ll"),
        ("v", "b"),
        ("b", "v"),
        ("z", "s"),
        ("ce", "se"),
        ("ci", "si"),
        ("j", "h"),
        ("Y", "J"),
        ("J", "Y"),
        ("ñ", "ni"),
        ("ie", "ye"),
        ("ei", "ey"),
        ("h", ""),
        ("qu", "k"),
        ("th", "t"),
        ("Th", "T"),
        ("nn", "n"),
        ("ff", "f"),
        ("Ley", "Lay"),
        ("K", "C"),
    ],
    "pt": [
        ("ç", "s"),
        ("lh", "li"),
        ("nh", "ni"),
        ("ão", "ao"),
        ("ss", "s"),
        ("th", "t"),
        ("Th", "T"),
        ("y", "i"),
        ("ph", "f"),
        ("é", "e"),
        ("í", "i"),
    ],
    "nl": [
        ("ij", "y"),
        ("y", "ij"),
        ("ei", "ij"),
        ("ck", "k"),
        ("c", "k"),
        ("ph", "f"),
        ("dt", "d"),
        ("ou", "au"),
        ("ie", "i"),
        ("ee", "e"),
        ("aa", "a"),
        ("ui", "uy"),
        ("sch", "s"),
        ("th", "t"),
        ("mm", "m"),
        ("nn", "n"),
        ("ll", "l"),
        ("tt", "t"),
        ("K", "C"),
        ("C", "K"),
    ],
    "cyr_latin": [
        ("ya", "ja"),
        ("yu", "ju"),
        ("y", "j"),
        ("ts", "tz"),
        ("zh", "j"),
        ("kh", "h"),
        ("h", "ch"),
        ("v", "w"),
        ("ii", "i"),
        ("iy", "i"),
        ("ia", "ija"),
        ("Ye", "E"),
        ("ks", "x"),
    ],
}


def phonetic(name: str, lang: str, rng, n: int | None = None) -> str:
    """One or two spelling changes a hearer could make; unchanged if none fits."""
    rules = [r for r in PHONETIC.get(lang, []) if r[0] in name]
    if not rules:
        return name
    n = n or (1 if rng.random() < 0.7 else 2)
    out = name
    for src, dst in rng.sample(rules, min(n, len(rules))):
        idxs = [i for i in range(len(out)) if out.startswith(src, i)]
        if not idxs:
            continue
        i = rng.choice(idxs)
        out = out[:i] + dst + out[i + len(src) :]
    if not out.strip() or not any(c.isalpha() for c in out):
        return name
    if out[0].islower() and name[0].isupper():
        out = out[0].upper() + out[1:]
    return out


# --- typing errors ----------------------------------------------------------------
_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEIGH: dict[str, str] = {}
for r, row in enumerate(_ROWS):
    for c, ch in enumerate(row):
        near = []
        for dr in (-1, 0, 1):
            rr = r + dr
            if 0 <= rr < 3:
                for dc in (-1, 0, 1):
                    cc = c + dc
                    if (dr or dc) and 0 <= cc < len(_ROWS[rr]):
                        near.append(_ROWS[rr][cc])
        _NEIGH[ch] = "".join(near)


def typo(word: str, rng) -> str:
    """One slip of the keyboard inside a word of at least four letters."""
    cands = [i for i in range(1, len(word) - 1) if word[i].isalpha()]
    if len(word) < 4 or not cands:
        return word
    i = rng.choice(cands)
    op = rng.random()
    ch = word[i]
    if op < 0.45 and ch.lower() in _NEIGH:
        rep = rng.choice(_NEIGH[ch.lower()])
        return word[:i] + (rep.upper() if ch.isupper() else rep) + word[i + 1 :]
    if op < 0.65:
        return word[:i] + word[i + 1 :]
    if op < 0.85 and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + ch + word[i:]


# --- diacritics and encodings ----------------------------------------------------------
_EXTRA = {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "ß": "ss"}


def strip_diacritics(s: str) -> str:
    out = []
    for ch in s:
        if ch in _EXTRA:
            out.append(_EXTRA[ch])
            continue
        d = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in d if not unicodedata.combining(c))
        out.append(base if base else ch)
    return "".join(out)


CEDILLA = str.maketrans({"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ"})


def cp1252_lossy(s: str, rng) -> str:
    """What Excel's "CSV (comma delimited)" keeps of a cell: letters of
    Windows-1252 as they are, other Latin letters as their base letter
    (Windows' best fit) or now and then '?', everything else '?'."""
    out = []
    for ch in s:
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base = strip_diacritics(ch)
        if base != ch and base.isascii() and base.isalpha() and rng.random() < 0.85:
            out.append(base)
        else:
            out.append("?")
    return "".join(out)


_CP1252_UNDEF = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def mojibake(s: str) -> str:
    """UTF-8 bytes shown as Windows-1252 (a system that decoded its own
    export wrongly once); bytes Windows-1252 lacks come out as C1 controls."""
    out = []
    for b in s.encode("utf-8"):
        if b < 0x80 or b in _CP1252_UNDEF:
            out.append(chr(b))
        else:
            out.append(bytes([b]).decode("cp1252"))
    return "".join(out)


def has_non_ascii(s: str) -> bool:
    return any(ord(c) > 127 for c in s)

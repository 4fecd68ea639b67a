"""What records write around a value, and what of it is the value.

Inspectors, papers and keyboards add to names, places and document numbers: a note
beside a name, another name after "alias" or "geb.", a slipped key, the kind of place
before its name, the kind of document before its number. These pure functions take
that away, so that two sightings of one woman written differently compare as one;
node/csv_import.py checks what is left.
"""

from __future__ import annotations

import re

# What an inspector adds to a name that is not part of it: a note in brackets ("Ana
# (Ani)", "Popescu (geb. Ionescu)"), a nickname in double quotes, a question mark for
# doubt, and other spellings after a slash ("Ana Maria / Anna": the first is kept).
# None of these characters occurs in an accepted name, so no accepted name changes.
_NAME_NOTE = re.compile(r"""\s*(?:\([^()]*\)|\[[^\[\]]*\]|"[^"]*")""")
_NAME_NOTE_CHARS = frozenset('()[]"?/')
# the symbols a slipped key puts inside a name (see _TYPED_SYMBOL below)
_NAME_SYMBOLS = frozenset("!@#$%^&*=~`|\\<>{}_+")
# ... but a '?' between letters stands for a letter the file could not hold (a spreadsheet
# saving ș as Windows-1252 writes "Pope?cu"): dropped, so the word stays one word
_LOST_LETTER = re.compile(r"(?<=[^\W\d_])\?(?=[^\W\d_])")


# ... and another name after a word that says so: "Elena alias Lena", "Ionescu geb.
# Popa", "Ionescu e.v. Popa" (echtgenote van), "Maria wed. Nagy", "Ionescu născută Popa",
# "Kovácsné szül. Nagy": her own name comes first. Such a word first ("alias Lena", "geb.
# Popa") says the field holds only that name: the word goes, the name stays; there only
# the unmistakable words count (not a bare "aka": Aka is also a given name).
_ASIDE_FIRST_WORDS = (r"alias|a\.k\.a\.?|roepnaam|bijnaam|werknaam|geb\.|geboren|e\.v\."
                      r"|echtgenote\s+van|wed\.|weduwe\s+van")
_ASIDE_WORDS = (r"(?:" + _ASIDE_FIRST_WORDS + r"|aka|geb|e\.v|wed"
                # English née; Romanian and Hungarian née, married, former
                r"|n[eé]e|formerly|n[aă]scut[aă]|c[aă]s\.|c[aă]s[aă]torit[aă]|fost[aă]"
                r"|sz[uü]l\.|sz[uü]letett)")
_NAME_ASIDE = re.compile(r"\s+" + _ASIDE_WORDS + r"(?=\s).*", re.IGNORECASE | re.DOTALL)
_ASIDE_FIRST = re.compile(r"(?:" + _ASIDE_FIRST_WORDS + r")\s+(?=\S)", re.IGNORECASE)


# Dutch abbreviations of "van de(r/n)" and "van het" (v/d Berg, v.d. Berg, v/h Hof): the
# particle they stand for, before a '/' could be read as "another spelling follows"
_VAN_DE = re.compile(r"(?<![^\W\d_])v\s?[./]\s?([dh])(?![^\W\d_])\.?", re.IGNORECASE)


# A symbol between two letters is a slip of the keyboard (Mar!a, Pop&scu: the shifted
# digits sit above the letters) and goes; '_' and '+' there join two names (Ana_Maria)
_SYMBOL_CLASS = "[" + re.escape("".join(sorted(_NAME_SYMBOLS))) + "]"
_TYPED_SYMBOL = re.compile(r"(?<=[^\W\d_])" + _SYMBOL_CLASS + r"(?=[^\W\d_])")
# ... and symbols at the edge of a word of letters (Popa*, *Maria, Ana!) are a slip or a
# mark of the inspector's, not part of the name: they go too. A symbol standing alone
# ("Ana & Maria") is not read.
_EDGE_SYMBOLS = re.compile(r"(?<=[^\W\d_])" + _SYMBOL_CLASS + r"+(?=\s|$)"
                           r"|(?:^|(?<=\s))" + _SYMBOL_CLASS + r"+(?=[^\W\d_])")


def name_as_meant(value: str) -> str:
    """The name as written, without what an inspector or a keyboard added to it."""
    if not _NAME_SYMBOLS.isdisjoint(value):
        value = _TYPED_SYMBOL.sub(lambda m: " " if m.group() in "_+" else "", value)
        value = _EDGE_SYMBOLS.sub("", value)
    if "v" in value or "V" in value:
        value = _VAN_DE.sub(lambda m: "vd" if m.group(1) in "dD" else "van het", value)
    if not _NAME_NOTE_CHARS.isdisjoint(value):
        value = _LOST_LETTER.sub("", _NAME_NOTE.sub(" ", value)).replace("?", " ")
        value = next((spelling for spelling in value.split("/") if spelling.strip()), "")
        value = " ".join(value.split())
    if first := _ASIDE_FIRST.match(value):
        value = value[first.end():]
    return _NAME_ASIDE.sub("", value)


# UTF-8 read as Windows-1252 and saved again ("FehÃ©r" for Fehér, "KovÃ¡cs" for
# Kovács): a UTF-8 lead byte (Â-ï) with a continuation byte (0x80-0xBF) written as its
# Windows-1252 character. Only a hint: undo_double_encoding decides.
_DOUBLE_ENCODED = re.compile("[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161"
                             "\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-"
                             "\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def undo_double_encoding(value: str) -> str | None:
    """The value as first written if a program read its UTF-8 as Windows-1252 and saved
    it again; None when it cannot have been.

    Each character is taken back to the one byte Windows-1252 (or, for the five bytes it
    leaves undefined, Latin-1) gave it, and the bytes must then be UTF-8 from end to end:
    a name as written (Müller, Éva, João) is not, since its accented letters stand alone
    where UTF-8 needs a lead byte followed by continuation bytes. Short values can be
    both ("JOSÉ" and an en dash is also UTF-8 for "JOSɖ"), so the importer asks this only of
    a name it would refuse as written."""
    if value.isascii() or not _DOUBLE_ENCODED.search(value):
        return None
    raw = bytearray()
    for ch in value:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            raw.append(ord(ch))  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: Latin-1's control
    try:
        first = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return first if first != value else None


# How papers write a place around its name: a district or country after a comma or in
# brackets ("s. Cornești, r-nul Ungheni", "Lagos (Nigeria)") and, first, the kind of place
# (Romanian mun./or./s./com./jud., Russian and Bulgarian g./gr./s. in Cyrillic): only the
# name is compared, so "mun. Chișinău" and "Chișinău" are one place, not two
_PLACE_QUALIFIER = re.compile(r"\s*[,(].*", re.DOTALL)
_PLACE_KIND = re.compile(
    r"(?:(?:mun|or|s|com|jud|\u0433|\u0433\u0440|\u0441)\.\s*"
    r"|(?:municipiul|ora[sș]ul|ora[sș]|satul|sat|comuna|jude[tț]ul"
    r"|\u0433\u043e\u0440\u043e\u0434|\u0441\u0435\u043b\u043e)\s+)(?=\S)", re.IGNORECASE)


def place_name(value: str) -> str:
    value = _PLACE_QUALIFIER.sub("", value)
    if kind := _PLACE_KIND.match(value):
        value = value[kind.end():]
    return value.strip()


# What a record writes around a document number: the kind of document and "number"
# (Paspoort NP1234567, ID-kaart nr. IXA123456, Romanian "seria RX nr. 123456"): not part
# of it. A short word alone (ID, NR, NO, PAS) counts only with a ':' or '.' after it or
# beside another such word, since "ID 1234" could be the number's own series.
_LONG_LABEL = (r"paspoort|passport|pasp\.|id[- ]?kaart|identiteitskaart|id[- ]card|nummer"
               r"|number|num[aă]r|seria")
_DOCUMENT_LABELS = re.compile(
    r"(?:(?:" + _LONG_LABEL + r"|id|nr|no|pas)(?:\s*[:.#]\s*|\s+))+(?=\S)", re.IGNORECASE)
_LONG_LABELS = re.compile(_LONG_LABEL, re.IGNORECASE)
_NUMBER_WORD = re.compile(r"(?<=\S)\s+(?:nr|no|num[aă]r)\.?\s*(?=[0-9])", re.IGNORECASE)


def document_without_label(value: str) -> str:
    labels = _DOCUMENT_LABELS.match(value)
    if labels and (_LONG_LABELS.search(labels.group()) or len(labels.group().split()) > 1
                   or any(mark in labels.group() for mark in ":.#")):
        value = value[labels.end():]
    return _NUMBER_WORD.sub(" ", value)

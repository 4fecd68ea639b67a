"""Identifiers written one way, so that two spellings of one identifier compare equal.

Phone numbers become E.164; document numbers, vehicle plates, postcodes and house
numbers become upper-case letters and digits. Pure, as all normalisation
(``normalise``): the result depends only on the input.

Phone numbers are normalised here rather than with the ``phonenumbers`` package.
Linkage only needs two spellings of one number to compare equal; validating against
each country's numbering plan would add a dependency whose metadata changes over
time (so two nodes on different versions could disagree) and would refuse numbers
from adverts that are still good evidence.
"""

import re
import unicodedata

from linkage.normalise import UPPER_ALNUM_BYTES, NormaliseError, reject

__all__ = [
    "normalise_document_number",
    "normalise_house_number",
    "normalise_phone",
    "normalise_plate",
    "normalise_postcode",
]


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
            reject(NormaliseError, "not a phone number", value,
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
    "THA": ("66", re.compile(r"0[89][0-9]{8}"), 1),  # 06: a Dutch mobile, below
    # no trunk prefix: nine or ten digits, which a Dutch number never is without its 0
    "POL": ("48", re.compile(r"(?:45|5[0137]|6[069]|7[2389]|88)[0-9]{7}"), 0),
    "COL": ("57", re.compile(r"3[0-9]{9}"), 0),
    "DOM": ("1", re.compile(r"8[024]9[0-9]{7}"), 0),
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
        reject(NormaliseError, "not a phone number", value, "unexpected characters")
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
        reject(NormaliseError, "not a phone number", value, "no country code or leading 0")
    if digits.startswith("0"):
        reject(NormaliseError, "not a phone number", value, "country code cannot start with 0")
    if not _MIN_E164_DIGITS <= len(digits) <= _MAX_E164_DIGITS:
        length = "too short" if len(digits) < _MIN_E164_DIGITS else "too long"
        reject(
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
_NOT_ALNUM = bytes(
    sorted(set(range(256)) - set(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
)


def _upper_alnum(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_HOMOGLYPHS)
        text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
    return text.encode("ascii").translate(UPPER_ALNUM_BYTES, _NOT_ALNUM).decode("ascii")


def _required_upper_alnum(text: str, what: str) -> str:
    value = _upper_alnum(text)
    if not value:
        if text.strip():
            reject(NormaliseError, f"not a {what}", text.strip(), "no letters or digits")
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

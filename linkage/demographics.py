"""Sex and nationality as documents and forms write them, mapped to standard codes.

Sex becomes an ICAO code (f, m, x), nationality an ISO 3166-1 alpha-3 code, whatever
language or abbreviation the record uses; "unknown" in any of its forms is no value.
Pure, as all normalisation (``normalise``): the result depends only on the input.
"""

import re
import unicodedata

from linkage.normalise import NOT_KNOWN, NormaliseError, fold, reject

__all__ = [
    "is_country_name",
    "normalise_nationality",
    "normalise_sex",
]


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
# Hungarian "nő" (woman) and "női" (female), read before folding: folded, "nő" is "no",
# which in an English form answers another question. Written with ö, õ or ô, as a
# keyboard or a code page without ő writes it, the word is still unambiguous.
_HUNGARIAN_WOMAN = frozenset({"nő", "nö", "nõ", "nô", "női", "nöi", "nõi", "nôi"})
# "O" is the BRP's own code for onbekend (geslachtsaanduiding M, V, O); ISO 5218's 0 is
# not known, 9 not applicable
_SEX_NOT_KNOWN = frozenset({"u", "o", "unknown", "onbekend", "nvt", "n a", "na", "0", "9"})


def normalise_sex(text: str) -> str | None:
    """Return 'f', 'm' or 'x' (the ICAO codes), or None when the sex was not recorded.

    Accepts what Dutch, Romanian, Bulgarian, Russian, Ukrainian, Hungarian, Polish,
    German and English documents or forms write, including abbreviations, and the
    ISO 5218 digits. "Unknown" and blanks mean "not recorded"; anything else is refused
    rather than guessed. Hungarian "nő" is read with its accent only: "no" is not a sex.
    """
    if unicodedata.normalize("NFC", text).strip().lower() in _HUNGARIAN_WOMAN:
        return "f"
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
    reject(NormaliseError, "unrecognised sex", text.strip())


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

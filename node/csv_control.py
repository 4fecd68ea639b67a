"""The control's own fields of a CSV row: its setting, the licence and the signal codes.

They are what the alerts read. One that cannot be read is left out and the control kept
with a note (refused where someone types it, who can type it again); a word of `signals`
the catalogue does not list is left out and counted, never kept or quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from node.csv_cells import RowError, RowNote, _check_text, _kept_without
from zichtlijn.wire import MAX_SIGNALS, SETTINGS

# The branch's own words for its settings (Dutch policy and APV terms, English)
_SETTING_SYNONYMS = {
    **dict.fromkeys(("window", "ramen", "raamprostitutie", "raambordeel"), "raam"),
    **dict.fromkeys(("street", "tippelzone", "tippelen", "straatprostitutie"), "straat"),
    **dict.fromkeys(("home", "house", "prive", "privé", "thuis", "thuiswerk", "thuiswerker",
                     "thuisprostitutie", "appartement", "apartment", "flat", "huis",
                     "woonhuis", "vakantiewoning", "vakantiehuis", "airbnb",
                     "thuisontvangst"), "woning"),
    **dict.fromkeys(("seksclub", "sexclub", "privehuis", "privéhuis", "bordeel", "brothel",
                     "massagesalon", "massage", "massageparlour", "massageparlor"), "club"),
    **dict.fromkeys(("escortbedrijf", "escortservice", "escortbureau", "escortagency",
                     "thuisbezoek", "hotelbezoek"), "escort"),
    **dict.fromkeys(("hotelkamer", "hotelprostitutie", "hotelroom"), "hotel"),
    **dict.fromkeys(("internet", "webcam", "website", "app"), "online"),
}
_TRUE = frozenset({"ja", "j", "yes", "y", "true", "t", "1", "waar", "vergund", "licensed",
                   "licenced", "met vergunning", "wel vergunning", "heeft vergunning",
                   "vergunning", "vergunning aanwezig", "has licence", "has license"})
_FALSE = frozenset({"nee", "n", "no", "false", "f", "0", "onwaar", "onvergund",
                    "unlicensed", "unlicenced", "niet vergund", "zonder vergunning",
                    "geen vergunning", "geen", "heeft geen vergunning", "vergunning ontbreekt",
                    "no licence", "no license", "not licensed", "illegaal"})
# a note an inspector adds in brackets: "hotel (kamer 214)", "nee (verlopen)"
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]")


UNLISTED_SIGNALS = "code(s) not in the signal catalogue"
CONTROL_KEPT = ("the control is kept without it; the alerts read it, so correct it "
                "(`node correct`)")
_SETTING_GAPS = re.compile(r"[\s_-]+")
# Between signal codes: ';' (DESIGN §10), or what else a list is written with; no code
# holds one of these (zichtlijn.wire.SIGNAL_CODE), so the split is never ambiguous
_SIGNAL_SEPARATOR = re.compile(r"[;,|\s]+")


def signal_codes(text: str) -> list[str]:
    """The codes of a signals field, in lower case, as written (not yet checked)."""
    return [code.lower() for code in _SIGNAL_SEPARATOR.split(text) if code]


def _setting(text: str) -> str | None:
    """One of SETTINGS for what an inspector wrote, or the text itself when it names none
    or several (`escort (thuisbezoek)` is escort, `hotel of woning` is not read)."""
    text = _BRACKETED.sub("", text).strip()
    if not text:
        return None
    whole = _SETTING_SYNONYMS.get(_SETTING_GAPS.sub("", text), text)
    if whole in SETTINGS:
        return whole
    named = {_SETTING_SYNONYMS.get(word, word) for word in re.findall(r"[^\W\d_]+", text)}
    named &= set(SETTINGS)
    return named.pop() if len(named) == 1 else text


def _control(line: int, get: Callable[[str, str], str], known_signals: frozenset[str],
             notes: list[RowNote] | None) -> tuple[str | None, bool | None, tuple[str, ...]]:
    """The control's setting, licence and signal codes.

    A value that cannot be read is left out and the row kept with a note (`notes`;
    refused where someone types it, who can type it again). Refusing the row would lose
    more than the value: the control itself, which the carousel and network rules count
    whatever its setting and signals. The note says what to correct (`node correct`).
    A word of `signals` the catalogue does not list is left out, counted, never quoted.
    """
    # an unread setting or licence is never quoted: a column out of place (a missing
    # separator in an export) puts a name or a date of birth there
    setting = _setting(_check_text(line, "setting", get("setting", "")).lower())
    if setting and setting not in SETTINGS:
        _kept_without(RowError(line, "setting", f"not one of {', '.join(SETTINGS)}"), notes,
                      CONTROL_KEPT)
        setting = None

    licensed_text = _BRACKETED.sub("", _check_text(line, "licensed", get("licensed", ""))
                                   ).strip().lower()
    licensed: bool | None = None
    if licensed_text in _TRUE:
        licensed = True
    elif licensed_text in _FALSE:
        licensed = False
    elif licensed_text:
        _kept_without(RowError(line, "licensed", "not ja/nee (yes/no)"), notes, CONTROL_KEPT)

    signals_text = _check_text(line, "signals", get("signals", ""), 1000)
    words = set(signal_codes(signals_text))
    signals = sorted(words & known_signals)
    if unlisted := len(words) - len(signals):
        # Only a catalogued code is stored and sent: exports put free text in this column
        # ("loverboy, Popescu 14-05-1998"), and every other word of it may be a name or a
        # date of birth, so none is kept, sent or quoted, only counted
        if notes is None:
            raise RowError(line, "signals", f"{unlisted} {UNLISTED_SIGNALS}; enter only "
                                            "codes the catalogue lists")
        notes.append(RowNote(line, "signals", f"{unlisted} {UNLISTED_SIGNALS} left out (not "
                                              "sent); add them to signals.toml on hub and "
                                              "nodes if they are signal codes", unlisted))
    if len(signals) > MAX_SIGNALS:  # free text, most likely; the hub holds no more
        _kept_without(RowError(line, "signals", f"{len(signals)} codes, more than "
                                                f"{MAX_SIGNALS}"), notes,
                      f"the first {MAX_SIGNALS} are kept; correct it (`node correct`)")
        signals = signals[:MAX_SIGNALS]
    return setting, licensed, tuple(signals)

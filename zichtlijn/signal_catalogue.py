"""The signal catalogue (signals.toml): every code a sighting may carry, with its weight.

Shared by the hub (upload validation, the accumulation rule) and a node given
the same file (refusing an unknown code at import, with the CSV line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zichtlijn.config_files import TomlFile, as_number, as_table, as_text, reject_unknown

SIGNAL_CODE = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class Signal:
    code: str
    weight: float
    nl: str
    en: str


@dataclass(frozen=True)
class SignalCatalogue:
    signals: dict[str, Signal]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.signals)

    def weight(self, code: str) -> float:
        """Weight of a code; 0 for one no longer in the catalogue."""
        signal = self.signals.get(code)
        return signal.weight if signal else 0.0


def load_signals(path: Path) -> SignalCatalogue:
    doc = TomlFile.load(path)
    reject_unknown(doc, doc.data, (), ("signals",))
    table = as_table(doc, doc.data.get("signals"), ("signals",))
    if not table:
        raise doc.error(("signals",), "no signal codes defined")
    signals: dict[str, Signal] = {}
    for code, entry in table.items():
        keys = ("signals", code)
        if not SIGNAL_CODE.match(code):
            raise doc.error(keys, "a signal code is 2-48 lower-case letters, digits or _, "
                                  "starting with a letter")
        entry = as_table(doc, entry, keys)
        reject_unknown(doc, entry, keys, ("weight", "nl", "en"))
        if "weight" not in entry:
            raise doc.error(keys, "missing setting 'weight'")
        weight = as_number(doc, entry["weight"], (*keys, "weight"), 0.0, MAX_WEIGHT)
        signals[code] = Signal(code, weight, as_text(doc, entry, keys, "nl"),
                               as_text(doc, entry, keys, "en"))
    return SignalCatalogue(signals)

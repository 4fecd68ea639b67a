"""The signal catalogue (signals.toml): every code a sighting may carry, with its weight.

Shared by the hub (upload validation, the accumulation rule) and a node, which sends
only the codes its catalogue lists: the `signals` column is free text in many exports,
and a word of it that is no catalogued code may be a name or a date of birth. A node
given no catalogue (`node init` without `--signals`) uses the one the product ships
(zichtlijn/data/signals.toml, the same file as deploy/alerts/signals.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
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


#: the catalogue shipped in the package; deploy/alerts/signals.toml is the same file
#: (tests/test_signal_catalogue.py checks that they do not drift apart)
SHIPPED_SIGNALS = "data/signals.toml"


@cache
def shipped_signals() -> SignalCatalogue:
    """The catalogue that ships with the product, found wherever it is installed."""
    with resources.as_file(resources.files("zichtlijn").joinpath(SHIPPED_SIGNALS)) as path:
        return load_signals(path)


def node_signals(path: Path | None) -> SignalCatalogue:
    """A node's catalogue: the file `node init --signals` named, else the shipped one."""
    return load_signals(path) if path is not None else shipped_signals()

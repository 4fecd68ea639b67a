"""The alert configuration: regions, signal catalogue and rules, as TOML data.

Three files in one directory (see deploy/alerts/ and the README):

- `regions.toml`: RIEC region -> CBS gemeente codes. The region name is the
  one in the RIEC's certificate (`zichtlijn://riec/<region>`).
- `signals.toml`: every signal code a sighting may carry, with its weight.
- `rules.toml`: `[defaults.<rule>]` sets every parameter of each rule;
  `[regions.<region>.<rule>]` overrides some of them for one region.

Everything is checked when the hub starts; the first problem stops it with
the file, line and reason, so a typo never silently disables a rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from zichtlijn.config_files import (
    ConfigFileError,
    TomlFile,
    as_number,
    as_table,
    as_text,
    reject_unknown,
)
from zichtlijn.identity import GEMEENTE_CODE
from zichtlijn.signal_catalogue import SignalCatalogue, load_signals
from zichtlijn.wire import SETTINGS

REGIONS_FILE = "regions.toml"
SIGNALS_FILE = "signals.toml"
RULES_FILE = "rules.toml"
REGION_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # what a certificate URI can carry
LINK_KINDS = ("phone", "vehicle_plate", "address", "advert", "companion")
RULES = ("carousel", "accumulation", "network")


# -- regions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regions:
    gemeenten_of: dict[str, frozenset[str]]  # region -> gemeente codes
    names: dict[str, str]  # region -> display name
    # a municipality merged into another (gemeentelijke herindeling) -> the one it is now
    merged_into: dict[str, str] = field(default_factory=dict)

    def town(self, gemeente: str) -> str:
        """The municipality a code stands for now: its successor after every merger."""
        while gemeente in self.merged_into:
            gemeente = self.merged_into[gemeente]
        return gemeente

    @cached_property
    def _listed_in(self) -> dict[str, str]:
        return {code: region for region, codes in self.gemeenten_of.items() for code in codes}

    def region_of(self, gemeente: str) -> str | None:
        """The region listing the code, or else the one listing its successor."""
        return self._listed_in.get(gemeente) or self._listed_in.get(self.town(gemeente))

    def regions_of(self, gemeenten: set[str] | frozenset[str]) -> frozenset[str]:
        return frozenset(r for r in map(self.region_of, gemeenten) if r is not None)


def _gemeente_code(doc: TomlFile, keys: tuple[str, ...], code: object) -> str:
    if not isinstance(code, str) or not GEMEENTE_CODE.match(code):
        raise doc.error(keys, f"{code!r} is not a CBS gemeente code like GM0363")
    return code


def _load_mergers(doc: TomlFile, owner: dict[str, str]) -> dict[str, str]:
    """`[merged]`: old code = the code it merged into. Checked so that every code has
    one successor at the end of its chain, and one region."""
    table = as_table(doc, doc.data.get("merged", {}), ("merged",))
    merged_into = {_gemeente_code(doc, ("merged",), old): _gemeente_code(doc, ("merged", old), new)
                   for old, new in table.items()}
    for old in merged_into:
        seen, now = {old}, merged_into[old]
        while now in merged_into:
            if now in seen:
                raise doc.error(("merged", old), f"{old} merges back into itself")
            seen.add(now)
            now = merged_into[now]
        if old in owner and now in owner and owner[old] != owner[now]:
            raise doc.error(("merged", old), f"{old} is in region {owner[old]} but merged "
                                             f"into {now} of region {owner[now]}")
    return merged_into


def load_regions(path: Path) -> Regions:
    doc = TomlFile.load(path)
    reject_unknown(doc, doc.data, (), ("regions", "merged"))
    table = as_table(doc, doc.data.get("regions"), ("regions",))
    if not table:
        raise doc.error(("regions",), "no regions defined")
    gemeenten_of: dict[str, frozenset[str]] = {}
    names: dict[str, str] = {}
    owner: dict[str, str] = {}
    for region, entry in table.items():
        keys = ("regions", region)
        if not REGION_NAME.match(region):
            raise doc.error(keys, "a region name is 1-64 letters, digits or . _ - "
                                  "(as in the certificate zichtlijn://riec/<region>)")
        entry = as_table(doc, entry, keys)
        reject_unknown(doc, entry, keys, ("name", "gemeenten"))
        codes = entry.get("gemeenten")
        if not isinstance(codes, list) or not codes:
            raise doc.error((*keys, "gemeenten"), "must be a non-empty list of CBS codes")
        for code in codes:
            _gemeente_code(doc, (*keys, "gemeenten"), code)
            # a municipality belongs to one RIEC region; two would route by accident
            if code in owner:
                raise doc.error((*keys, "gemeenten"), f"{code} is already in region "
                                                      f"{owner[code]}")
            owner[code] = region
        gemeenten_of[region] = frozenset(codes)
        names[region] = as_text(doc, entry, keys, "name") or region
    return Regions(gemeenten_of, names, _load_mergers(doc, owner))


# -- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarouselRule:
    """The same person in >= min_gemeenten municipalities within within_days days,
    at least one of those sightings unlicensed."""

    enabled: bool
    min_gemeenten: int
    within_days: int


@dataclass(frozen=True)
class AccumulationRule:
    """Summed signal weights over a person's sightings reach `threshold`, while no
    single sighting did (0 + 0 = 1)."""

    enabled: bool
    threshold: float
    ignore_signals: frozenset[str]


@dataclass(frozen=True)
class NetworkRule:
    """>= min_persons persons share one phone, plate, address or companion, seen in
    >= min_gemeenten municipalities. Addresses recorded in the settings of
    `ignore_address_in_settings` (windows, clubs: venues where unrelated women
    work) are no link."""

    enabled: bool
    min_persons: int
    min_gemeenten: int
    link_kinds: frozenset[str]
    ignore_address_in_settings: frozenset[str]


@dataclass(frozen=True)
class RegionRules:
    carousel: CarouselRule
    accumulation: AccumulationRule
    network: NetworkRule


Parser = Callable[[TomlFile, object, tuple[str, ...]], object]


def _boolean(doc: TomlFile, value: object, keys: tuple[str, ...]) -> bool:
    if not isinstance(value, bool):
        raise doc.error(keys, "must be true or false")
    return value


def _integer(low: int, high: int) -> Parser:
    def parse(doc: TomlFile, value: object, keys: tuple[str, ...]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise doc.error(keys, f"must be an integer from {low} to {high}")
        return value
    return parse


def _positive_number(doc: TomlFile, value: object, keys: tuple[str, ...]) -> float:
    number = as_number(doc, value, keys, 0.0, 10_000.0)
    if number <= 0:
        raise doc.error(keys, "must be more than 0")
    return number


def _choices(options: tuple[str, ...] | frozenset[str], what: str, non_empty: bool) -> Parser:
    def parse(doc: TomlFile, value: object, keys: tuple[str, ...]) -> frozenset[str]:
        if not isinstance(value, list) or (non_empty and not value):
            raise doc.error(keys, f"must be a {'non-empty ' if non_empty else ''}list")
        for item in value:
            if item not in options:
                raise doc.error(keys, f"{item!r} is not {what} "
                                      f"(known: {', '.join(sorted(options))})")
        return frozenset(value)
    return parse


def _rule_params(signals: SignalCatalogue) -> dict[str, dict[str, Parser]]:
    return {
        "carousel": {
            "enabled": _boolean,
            "min_gemeenten": _integer(2, 50),
            "within_days": _integer(1, 3650),
        },
        "accumulation": {
            "enabled": _boolean,
            "threshold": _positive_number,
            "ignore_signals": _choices(signals.codes, "a code in signals.toml", False),
        },
        "network": {
            "enabled": _boolean,
            "min_persons": _integer(2, 1000),
            "min_gemeenten": _integer(1, 50),
            "link_kinds": _choices(LINK_KINDS, "a link kind", True),
            "ignore_address_in_settings": _choices(SETTINGS, "a setting", False),
        },
    }


_RULE_CLASSES = {"carousel": CarouselRule, "accumulation": AccumulationRule,
                 "network": NetworkRule}


def _parse_ruletable(doc: TomlFile, table: object, keys: tuple[str, ...],
                      params: dict[str, Parser], complete: bool) -> dict[str, object]:
    table = as_table(doc, table, keys)
    reject_unknown(doc, table, keys, tuple(params))
    if complete:
        missing = [p for p in params if p not in table]
        if missing:
            raise doc.error(keys, f"missing setting(s): {', '.join(missing)} "
                                  "(the defaults must set every parameter)")
    return {name: params[name](doc, value, (*keys, name)) for name, value in table.items()}


def load_rules(path: Path, regions: Regions,
               signals: SignalCatalogue) -> dict[str, RegionRules]:
    doc = TomlFile.load(path)
    reject_unknown(doc, doc.data, (), ("defaults", "regions"))
    params = _rule_params(signals)
    defaults_table = as_table(doc, doc.data.get("defaults"), ("defaults",))
    reject_unknown(doc, defaults_table, ("defaults",), RULES)
    defaults: dict[str, dict[str, object]] = {}
    for rule in RULES:
        if rule not in defaults_table:
            raise doc.error(("defaults",), f"missing table [defaults.{rule}]")
        defaults[rule] = _parse_ruletable(doc, defaults_table[rule], ("defaults", rule),
                                           params[rule], complete=True)
    overrides = as_table(doc, doc.data.get("regions", {}), ("regions",))
    for region, table in overrides.items():
        if region not in regions.gemeenten_of:
            raise doc.error(("regions", region), "unknown region (not in regions.toml)")
        reject_unknown(doc, as_table(doc, table, ("regions", region)), ("regions", region), RULES)
    result: dict[str, RegionRules] = {}
    for region in regions.gemeenten_of:
        own = overrides.get(region, {})
        built = {}
        for rule in RULES:
            values = dict(defaults[rule])
            if rule in own:
                values.update(_parse_ruletable(doc, own[rule], ("regions", region, rule),
                                                params[rule], complete=False))
            built[rule] = _RULE_CLASSES[rule](**values)
        result[region] = RegionRules(**built)
    return result


# -- all together --------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertConfig:
    directory: Path
    regions: Regions
    signals: SignalCatalogue
    rules: dict[str, RegionRules]
    digest: str  # SHA-256 over the three files: a rule change is an audit-log entry

    def rules_of(self, region: str) -> RegionRules:
        return self.rules[region]


def load_alert_config(directory: Path) -> AlertConfig:
    """Load and check the three files; raises ConfigFileError naming file, line, reason."""
    if not directory.is_dir():
        raise ConfigFileError(directory, None, "alert configuration directory not found")
    signals = load_signals(directory / SIGNALS_FILE)
    regions = load_regions(directory / REGIONS_FILE)
    rules = load_rules(directory / RULES_FILE, regions, signals)
    digest = hashlib.sha256()
    for name in (REGIONS_FILE, SIGNALS_FILE, RULES_FILE):
        content = (directory / name).read_bytes()
        digest.update(name.encode() + b"\x00" + len(content).to_bytes(8, "big") + content)
    return AlertConfig(directory, regions, signals, rules, digest.hexdigest())


__all__ = ["AlertConfig", "ConfigFileError", "SignalCatalogue", "load_alert_config",
           "load_signals"]

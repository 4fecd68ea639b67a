"""Lookup, retention, matching and upload settings of the hub, from the [lookup],
[retention], [matching] and [uploads] tables of hub.toml.

    [lookup]
    enabled = true                                  # false: no node may look up
    purposes = ["controle", "vergunning", "signaal"]
    per_node_per_hour = 60

    [retention]
    months = 18          # sightings observed on or before today minus this are purged

    [uploads]
    per_node_per_day = 10000   # new sightings the hub takes from one node in 24 hours,
                               # and withdrawals (hub/records.py)

    [matching]
    threshold = "auto"   # log-odds a pair needs to be a link: "auto" starts at 2.5 and
                         # rises with the population, a pair of rarer names paying less
                         # of the rise (README "Linkage quality, measured"); a number
                         # fixes it for every pair (then `hub relink`)

Read at hub start (a bad value stops the hub with the setting named). The
operator can also switch lookups off and on while the hub runs, per node or
for all, with `zichtlijn hub lookups` (hub/lookup_control.py).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hub.config import CONFIG_NAME, ConfigError
from linkage.compare import MatchPolicy
from zichtlijn.dates import DEFAULT_RETENTION_MONTHS, RETENTION_MONTHS
from zichtlijn.wire import DEFAULT_PURPOSES, PURPOSE_CODE


@dataclass(frozen=True)
class LookupSettings:
    enabled: bool = True
    purposes: tuple[str, ...] = DEFAULT_PURPOSES
    per_node_per_hour: int = 60


@dataclass(frozen=True)
class RetentionSettings:
    months: int = DEFAULT_RETENTION_MONTHS


#: A large city records a few thousand controls a year, and a node joining uploads its
#: history (at most the retention period) once; a node sending more in a day floods the
#: link runs every node's lookups wait for (README "What the hub refuses in an upload").
DEFAULT_UPLOADS_PER_DAY = 10_000


@dataclass(frozen=True)
class UploadSettings:
    per_node_per_day: int = DEFAULT_UPLOADS_PER_DAY


#: How many other persons share each of a person's name filters, on average, in the
#: population the shipped settings were chosen on (3,000 women of the project's
#: generator, full mix, fitting seed 101, linked with the shipped settings; printed by
#: `python -m tests.benchmarks.namesakes`; README "The hub sets it itself").
FITTED_NAMESAKES = 2.37

#: The name counts the rise is paid by (hub/name_rise.py) are taken again once fewer
#: than this share of the sightings they were counted on is still held: a hub that no
#: longer grows (retention removing what arrives) never steps again, and names that
#: became common since would otherwise be read as rare for good.
RECOUNT_WHEN_LEFT = 0.5


@dataclass(frozen=True)
class Population:
    """What the automatic threshold is chosen for: the hub's persons, and how many other
    persons share each of a person's name filters on average (`linkage.population`)."""

    persons: int
    namesakes: float


def threshold_for(population: Population) -> float:
    """The link threshold for a population: the shipped one plus the change in prior
    odds against a name agreement being one woman, ln(namesakes / FITTED_NAMESAKES),
    never below the shipped one.

    Namesakes rather than persons: a population whose names are spread more thinly
    than the fitting sample's meets fewer women of the same name at the same size,
    and a higher bar there costs recall without buying precision (README)."""
    return MatchPolicy().threshold + max(
        0.0, math.log(max(population.namesakes, 1e-9) / FITTED_NAMESAKES))


def threshold_step(population: Population) -> float:
    """The automatic threshold: `threshold_for` rounded down to a whole step above the
    shipped one, so that the hub relinks once each time its namesakes grow e-fold (on
    the project's generator about each time its persons do: 8,155, 22,167, 60,257,
    ... women), not every night."""
    shipped = MatchPolicy().threshold
    return shipped + math.floor(threshold_for(population) - shipped)


def threshold_advice(population: Population, threshold: float) -> str | None:
    """A line for the operator when the threshold is well below what `population` needs."""
    suggested = threshold_for(population)
    if suggested - threshold < 1.0:  # within the spread measured between samples
        return None
    return (f"the hub holds {population.persons:,} persons, sharing each name with "
            f"{population.namesakes:.1f} others on average; for that population "
            f"[matching] threshold about {suggested:.1f} keeps precision (now {threshold}); "
            "see README \"Linkage quality, measured\", then run `zichtlijn hub relink`")


@dataclass(frozen=True)
class MatchingSettings:
    threshold: float | None = None  # None: automatic (`threshold_step`)

    @property
    def auto(self) -> bool:
        return self.threshold is None

    def policy(self) -> MatchPolicy:
        """The settings to start from: automatic thresholds start at the shipped one."""
        return MatchPolicy() if self.threshold is None else MatchPolicy(threshold=self.threshold)

    def auto_rule(self) -> Callable[[Population], float] | None:
        """What the linker raises its threshold to for a population (None: fixed)."""
        return threshold_step if self.threshold is None else None


@dataclass(frozen=True)
class HubSettings:
    lookup: LookupSettings = field(default_factory=LookupSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    uploads: UploadSettings = field(default_factory=UploadSettings)


def settings_toml(settings: HubSettings | None = None) -> str:
    """The four tables as `hub init` appends them to hub.toml."""
    s = settings or HubSettings()
    purposes = ", ".join(f'"{p}"' for p in s.lookup.purposes)
    threshold = '"auto"' if s.matching.threshold is None else s.matching.threshold
    return (
        "\n[lookup]  # `seen before?` lookups by nodes (README, \"At the door\")\n"
        f"enabled = {'true' if s.lookup.enabled else 'false'}\n"
        f"purposes = [{purposes}]\n"
        f"per_node_per_hour = {s.lookup.per_node_per_hour}\n"
        "\n[retention]  # sightings are purged this many months after the control\n"
        f"months = {s.retention.months}\n"
        "\n[matching]  # a pair scoring at least this (log-odds) is a link: \"auto\" raises it as\n"
        "            # the population grows (less for rarer names); after changing it run\n"
        "            # `zichtlijn hub relink`\n"
        "            # (README \"Linkage quality, measured\")\n"
        f"threshold = {threshold}\n"
        "\n[uploads]  # new sightings taken from one node in 24 hours; beyond, its sync stops\n"
        "           # and goes on the next day (a node's first sync of its history included);\n"
        "           # its withdrawals in 24 hours are bounded by the same number\n"
        f"per_node_per_day = {s.uploads.per_node_per_day}\n"
    )


def _int(path: Path, table: dict, name: str, default: int, low: int, high: int) -> int:
    value = table.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"{path}: {name} must be a whole number within {low}..{high}")
    return value


def settings_of(home: Path) -> HubSettings:
    """The settings in home's hub.toml; the defaults for a home without one (tests)."""
    return load_settings(home) if (home / CONFIG_NAME).is_file() else HubSettings()


def load_settings(home: Path) -> HubSettings:
    path = home / CONFIG_NAME
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: not a hub home (run `zichtlijn hub init` first)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    lookup = doc.get("lookup", {})
    retention = doc.get("retention", {})
    matching = doc.get("matching", {})
    uploads = doc.get("uploads", {})
    if not all(isinstance(t, dict) for t in (lookup, retention, matching, uploads)):
        raise ConfigError(f"{path}: [lookup], [retention], [matching] and [uploads] must be "
                          "tables")
    enabled = lookup.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{path}: [lookup] enabled must be true or false")
    purposes = lookup.get("purposes", list(DEFAULT_PURPOSES))
    if (not isinstance(purposes, list) or not purposes
            or not all(isinstance(p, str) and PURPOSE_CODE.match(p) for p in purposes)):
        raise ConfigError(f"{path}: [lookup] purposes must be a non-empty list of codes "
                          "like \"controle\" (lower case, digits, - and _)")
    return HubSettings(
        LookupSettings(enabled, tuple(purposes),
                       _int(path, lookup, "per_node_per_hour", 60, 1, 100_000)),
        RetentionSettings(_int(path, retention, "months", DEFAULT_RETENTION_MONTHS,
                               RETENTION_MONTHS.start, RETENTION_MONTHS.stop - 1)),
        MatchingSettings(_threshold(path, matching)),
        UploadSettings(_int(path, uploads, "per_node_per_day", DEFAULT_UPLOADS_PER_DAY, 1,
                            10_000_000)),
    )


def _threshold(path: Path, table: dict) -> float | None:
    value = table.get("threshold", "auto")
    if value == "auto":
        return None
    # below the link floor no link could be strong; above 20 none would be
    floor = MatchPolicy().link_floor
    if not isinstance(value, int | float) or isinstance(value, bool) or not floor < value <= 20:
        raise ConfigError(f"{path}: [matching] threshold must be \"auto\" or a number above "
                          f"{floor} and at most 20")
    return float(value)

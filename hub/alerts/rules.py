"""The three alert rules as pure functions of the linked sightings.

Input is one `Fact` per linked sighting (the person the linker put it in, and
its anchors: exact entity tokens and companion persons); output is one
`Finding` per person or network with the regions whose rules fired on it.
Nothing here reads a database or a clock, so every rule is tested on
constructed scenarios one step on either side of its threshold.

A finding belongs to a region when it involves one of the region's
municipalities and that region's own parameters make the rule fire; its
evidence (the sightings) and score do not depend on the region, so one
person or network is one alert however many regions receive it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hub.alerts.config import (
    AccumulationRule,
    AlertConfig,
    CarouselRule,
    NetworkRule,
    SignalCatalogue,
)
from linkage.cluster import DisjointSets

Anchor = tuple[str, str]  # (link kind, opaque key): ("phone", token hex), ("companion", "C-...")


@dataclass(frozen=True, slots=True)  # slots: a full evaluation holds ~150,000 at a time
class Fact:
    sighting_uuid: str
    person_id: str
    gemeente: str
    observed_on: dt.date
    setting: str | None
    licensed: bool | None
    signals: tuple[str, ...]
    anchors: tuple[Anchor, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    sightings: frozenset[str]
    score: float
    regions: frozenset[str]


def is_unlicensed(fact: Fact) -> bool:
    # the licensed field is what the inspector recorded; the signal stands in when it is not
    return fact.licensed is False or (fact.licensed is None and "unlicensed" in fact.signals)


def _same(gemeente: str) -> str:
    return gemeente


def carousel_fires(facts: list[Fact], rule: CarouselRule,
                   town: Callable[[str], str] = _same) -> bool:
    """Some window of `within_days` days holds >= min_gemeenten towns, one unlicensed.
    `town` gives the municipality a code stands for now (Regions.town: a merged
    municipality and the one it merged into are one town)."""
    ordered = sorted(facts, key=lambda f: f.observed_on)
    for i, first in enumerate(ordered):
        towns: set[str] = set()
        unlicensed = False
        for fact in ordered[i:]:
            if (fact.observed_on - first.observed_on).days > rule.within_days:
                break
            towns.add(town(fact.gemeente))
            unlicensed = unlicensed or is_unlicensed(fact)
            if unlicensed and len(towns) >= rule.min_gemeenten:
                return True
    return False


def sighting_weight(fact: Fact, catalogue: SignalCatalogue,
                    ignore: frozenset[str] = frozenset()) -> float:
    return sum(catalogue.weight(code) for code in set(fact.signals) if code not in ignore)


def _rounded(value: float) -> float:
    # weights such as 0.1 do not add up exactly in binary; 6 decimals is plenty
    return round(value, 6)


def carousel_score(gemeenten: Iterable[str], town: Callable[[str], str] = _same) -> float:
    """A carousel's score: the towns the sightings were made in."""
    return float(len({town(g) for g in gemeenten}))


def accumulation_score(signals: Iterable[Iterable[str]], catalogue: SignalCatalogue) -> float:
    """An accumulation's score: the summed weights, a code once per sighting."""
    return _rounded(sum(catalogue.weight(code) for codes in signals for code in set(codes)))


#: what the rules mean beyond their parameters; a hub evaluates every alert again at its
#: first start under another meaning (2: accumulation sums the weak sightings only, below)
RULES_MEANING = "2"


def accumulation_fires(facts: list[Fact], catalogue: SignalCatalogue,
                       rule: AccumulationRule) -> bool:
    """0 + 0 = 1: two or more sightings that each stay below the threshold reach it together.

    A sighting that reaches it alone is its municipality's own strong signal and adds
    nothing here, but neither does it take away what the weak ones add up to. Until
    rules meaning 2 the rule asked that no sighting of the person reach it, so one strong
    sighting made a person's accumulation alert stop being updated (more evidence, fewer
    alerts) and hid the weak sightings of other towns."""
    weak = [w for w in (_rounded(sighting_weight(f, catalogue, rule.ignore_signals))
                        for f in facts) if w < rule.threshold]
    return len(weak) >= 2 and _rounded(sum(weak)) >= rule.threshold


def _link_anchors(fact: Fact, rule: NetworkRule) -> Iterable[Anchor]:
    for kind, key in fact.anchors:
        if kind not in rule.link_kinds:
            continue
        if kind == "address" and fact.setting in rule.ignore_address_in_settings:
            continue  # a window or club address is the venue's, not the network's
        yield kind, key


def networks(facts: Iterable[Fact], rule: NetworkRule,
             town: Callable[[str], str] = _same) -> list[frozenset[str]]:
    """Sighting sets of the networks under `rule`.

    An anchor qualifies when >= min_persons persons carry it in >= min_gemeenten
    municipalities; qualifying anchors that share a person are one network,
    and its evidence is every sighting carrying one of them.
    """
    carriers: dict[Anchor, list[Fact]] = defaultdict(list)
    for fact in facts:
        for anchor in _link_anchors(fact, rule):
            carriers[anchor].append(fact)
    qualifying = [
        anchor for anchor, found in carriers.items()
        if len({f.person_id for f in found}) >= rule.min_persons
        and len({town(f.gemeente) for f in found}) >= rule.min_gemeenten
    ]
    sets = DisjointSets()
    index = {anchor: i for i, anchor in enumerate(sorted(qualifying))}
    anchor_of_person: dict[str, int] = {}
    for anchor, i in index.items():
        sets.find(i)
        for fact in carriers[anchor]:
            j = anchor_of_person.setdefault(fact.person_id, i)
            sets.union(i, j)
    groups: dict[int, set[str]] = defaultdict(set)
    for anchor, i in index.items():
        groups[sets.find(i)].update(f.sighting_uuid for f in carriers[anchor])
    return sorted((frozenset(g) for g in groups.values()), key=min)


def _merge_overlapping(found: list[tuple[frozenset[str], frozenset[str]]]
                       ) -> list[tuple[frozenset[str], frozenset[str]]]:
    """(sightings, regions) pairs that share a sighting become one."""
    sets = DisjointSets()
    owner: dict[str, int] = {}
    for i, (sightings, _) in enumerate(found):
        sets.find(i)
        for uuid in sightings:
            sets.union(i, owner.setdefault(uuid, i))
    merged: dict[int, tuple[set[str], set[str]]] = {}
    for i, (sightings, regions) in enumerate(found):
        into = merged.setdefault(sets.find(i), (set(), set()))
        into[0].update(sightings)
        into[1].update(regions)
    return [(frozenset(s), frozenset(r)) for s, r in merged.values()]


def evaluate(facts: list[Fact], config: AlertConfig) -> list[Finding]:
    """Every finding of every rule, in a deterministic order."""
    return sorted(person_findings(facts, config) + network_findings(facts, config),
                  key=finding_order)


def finding_order(finding: Finding) -> tuple[str, str]:
    return finding.rule, min(finding.sightings)


def person_findings(facts: Iterable[Fact], config: AlertConfig) -> list[Finding]:
    """Carousel and accumulation findings; each depends on one person's facts only."""
    findings: list[Finding] = []
    by_person: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_person[fact.person_id].append(fact)
    for person_facts in by_person.values():
        regions = config.regions.regions_of({f.gemeente for f in person_facts})
        if not regions or len(person_facts) < 2:
            continue
        uuids = frozenset(f.sighting_uuid for f in person_facts)
        carousel = frozenset(
            r for r in regions if config.rules_of(r).carousel.enabled
            and carousel_fires(person_facts, config.rules_of(r).carousel, config.regions.town))
        if carousel:
            findings.append(Finding("carousel", uuids, carousel_score(
                (f.gemeente for f in person_facts), config.regions.town), carousel))
        accumulation = frozenset(
            r for r in regions if config.rules_of(r).accumulation.enabled
            and accumulation_fires(person_facts, config.signals, config.rules_of(r).accumulation))
        if accumulation:
            total = accumulation_score((f.signals for f in person_facts), config.signals)
            findings.append(Finding("accumulation", uuids, total, accumulation))
    return findings


def network_findings(facts: list[Fact], config: AlertConfig) -> list[Finding]:
    """Network findings: every fact carrying an anchor that may qualify must be given."""
    findings: list[Finding] = []
    fact_of = {f.sighting_uuid: f for f in facts}
    found: list[tuple[frozenset[str], frozenset[str]]] = []
    by_rule: dict[NetworkRule, list[frozenset[str]]] = {}
    for region in sorted(config.rules):
        rule = config.rules_of(region).network
        if not rule.enabled:
            continue
        if rule not in by_rule:  # regions sharing the defaults share the work
            by_rule[rule] = networks(facts, rule, config.regions.town)
        for sightings in by_rule[rule]:
            if any(config.regions.region_of(fact_of[u].gemeente) == region for u in sightings):
                found.append((sightings, frozenset({region})))
    for sightings, regions in _merge_overlapping(found):
        persons = {fact_of[u].person_id for u in sightings}
        findings.append(Finding("network", sightings, float(len(persons)), regions))
    return findings

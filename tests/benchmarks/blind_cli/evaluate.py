"""Map the hub's clusters back to the generator's truth: pairwise P/R/F1 and breakdowns.

    python -m tests.benchmarks.blind_cli.evaluate DATA_DIR RUN_DIR

DATA_DIR holds the generator's truth.csv and women.csv; RUN_DIR the exports of the
run: clusters.csv (`hub clusters --format csv`) and sightings-GMxxxx.csv (`node
sightings --format csv`, which maps a node's case_ref and date to a sighting UUID).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

G = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0772"]

Row = dict[str, Any]
Pair = tuple[int, int]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_uuids(run: Path) -> dict[tuple[str, str, str], str]:
    """(gemeente, case_ref, observed_on) to sighting UUID, from the nodes' exports."""
    uuid_of = {}
    for g in G:
        for r in read_csv(run / f"sightings-{g}.csv"):
            uuid_of[(g, r["case_ref"], r["observed_on"])] = r["sighting_uuid"]
    return uuid_of


def prf(tp: int, pred: int, true: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def pairs_of(groups: dict[str, list[Row]]) -> set[Pair]:
    pairs = set()
    for ts in groups.values():
        for a, b in combinations(ts, 2):
            pairs.add((min(a["idx"], b["idx"]), max(a["idx"], b["idx"])))
    return pairs


def relation(women: dict[str, dict[str, str]], a: Row, b: Row) -> str:
    """Why two different women may have been taken for one."""
    wa, wb = women[a["woman"]], women[b["woman"]]
    rels = set(wa["relations"].split(";")) if wa["relations"] else set()
    for k in ("twin", "sister", "namesake"):
        if f"{k}:{b['woman']}" in rels:
            return f"{k} (planted)"
    sa = {wa["surname"], wa["married"]} - {""}
    sb = {wb["surname"], wb["married"]} - {""}
    same_net = bool(wa["network"]) and wa["network"] == wb["network"]
    same_name = wa["given"] == wb["given"] and bool(sa & sb)
    if same_name:
        return "same full name, incl. married name (natural namesake)"
    if wa["surname"] == wb["surname"] and wa["dob"] == wb["dob"]:
        return "same surname+DOB"
    if wa["given"].split()[0] == wb["given"].split()[0] and wa["dob"] == wb["dob"]:
        return "same first given name+DOB"
    if sa & sb:
        return "same surname" + (" + same network" if same_net else "")
    if wa["given"].split()[0] == wb["given"].split()[0]:
        return "same first given name" + (" + same network" if same_net else "")
    if same_net:
        return "same network, names differ"
    if wa["dob"] == wb["dob"]:
        return "same DOB only"
    return "other"


def evaluate(data: Path, run: Path) -> None:
    truth = read_csv(data / "truth.csv")
    women = {r["woman"]: r for r in read_csv(data / "women.csv")}
    uuid_of = read_uuids(run)
    person_of = {r["sighting_uuid"]: r["person_id"] for r in read_csv(run / "clusters.csv")}

    rows: list[Row] = []
    for i, t in enumerate(truth):
        u = uuid_of.get((t["gemeente"], t["case_ref"], t["observed_on"]))
        row: Row = dict(t)
        row["idx"] = i
        row["uuid"] = u
        row["person"] = person_of.get(u) if u else None
        row["errs"] = {e for e in t["errors"].split(";") if e}
        rows.append(row)

    refused = [t for t in rows if t["uuid"] is None]
    unclustered = [t for t in rows if t["uuid"] and t["person"] is None]
    print(f"rows generated {len(rows)}, accepted {len(rows) - len(refused)}, "
          f"refused {len(refused)}, accepted but not in hub clusters {len(unclustered)}")
    print("refused per gemeente:", dict(Counter(t["gemeente"] for t in refused)))

    by_w: dict[str, list[Row]] = defaultdict(list)
    for t in rows:
        by_w[t["woman"]].append(t)
    by_p: dict[str, list[Row]] = defaultdict(list)
    for t in rows:
        if t["person"]:
            by_p[t["person"]].append(t)

    true_pairs = pairs_of(by_w)
    pred_pairs = pairs_of(by_p)

    tp = true_pairs & pred_pairs
    p, r, f = prf(len(tp), len(pred_pairs), len(true_pairs))
    print(f"\nALL generated rows: true pairs {len(true_pairs)}, predicted pairs {len(pred_pairs)}, "
          f"TP {len(tp)}")
    print(f"  precision {p:.4f}  recall {r:.4f}  F1 {f:.4f}")
    acc = {t["idx"] for t in rows if t["person"]}
    tp_acc = {x for x in true_pairs if x[0] in acc and x[1] in acc}
    p2, r2, f2 = prf(len(tp & tp_acc), len(pred_pairs), len(tp_acc))
    print(f"ACCEPTED rows only: true pairs {len(tp_acc)}: precision {p2:.4f}  recall {r2:.4f}  "
          f"F1 {f2:.4f}")
    # excluding nickname rows (not expected to link)
    nick = {t["idx"] for t in rows if "nickname" in t["errs"]}
    tp_nn = {x for x in tp_acc if x[0] not in nick and x[1] not in nick}
    pred_nn = {x for x in pred_pairs if x[0] not in nick and x[1] not in nick}
    p3, r3, f3 = prf(len(tp & tp_nn), len(pred_nn), len(tp_nn))
    print(f"ACCEPTED, nickname rows left out: true pairs {len(tp_nn)}: precision {p3:.4f}  "
          f"recall {r3:.4f}  F1 {f3:.4f}")

    sighted = len(by_w)
    print(f"\nclusters (persons) {len(by_p)} vs women sighted {sighted}")
    split = sum(1 for ts in by_w.values() if len({t["person"] for t in ts if t["person"]}) > 1)
    mixed = sum(1 for ts in by_p.values() if len({t["woman"] for t in ts}) > 1)
    several = sum(1 for ts in by_w.values() if len(ts) > 1)
    print(f"women split over >1 person: {split} of {several} with >1 sighting;"
          f" persons holding >1 woman: {mixed}")
    sizes = Counter(len({t["woman"] for t in ts}) for ts in by_p.values())
    print("women per person:", dict(sorted(sizes.items())))
    big = sorted(by_p.values(), key=len, reverse=True)[:3]
    for ts in big:
        print(f"  largest person: {len(ts)} sightings, {len({t['woman'] for t in ts})} women")

    # ---- missed pairs by error label: recall of pairs carrying label X on either side
    missed = true_pairs - pred_pairs
    undated = {"dob_missing", "dob_partial"}
    lab_tot: Counter[str] = Counter()
    lab_miss: Counter[str] = Counter()
    for x in true_pairs:
        a, b = rows[x[0]], rows[x[1]]
        labs = a["errs"] | b["errs"]
        if not labs:
            labs = {"(no error either side)"}
        if a["gemeente"] != b["gemeente"]:
            labs = labs | {"[cross-gemeente pair]"}
        else:
            labs = labs | {"[same-gemeente pair]"}
        if a["errs"] & undated and b["errs"] & undated:
            labs = labs | {"[both sides undated]"}
        for label in labs:
            lab_tot[label] += 1
            if x in missed:
                lab_miss[label] += 1
    print(f"\nMISSED pairs {len(missed)} of {len(true_pairs)}; "
          "per label present on either side of the pair:")
    print(f"  {'label':34s} {'pairs':>7s} {'missed':>7s} {'recall':>7s}")
    for label, n in sorted(lab_tot.items(), key=lambda kv: -lab_miss[kv[0]]):
        print(f"  {label:34s} {n:7d} {lab_miss[label]:7d} {1 - lab_miss[label] / n:7.3f}")

    # single-cause: missed pairs where exactly one error label is present in total
    single: Counter[str] = Counter()
    for x in missed:
        labs = rows[x[0]]["errs"] | rows[x[1]]["errs"]
        if len(labs) == 1:
            single[next(iter(labs))] += 1
        elif not labs:
            single["(none)"] += 1
    print("missed pairs with exactly one error label (sole cause):", dict(single.most_common()))
    single_tot: Counter[str] = Counter()
    for x in true_pairs:
        labs = rows[x[0]]["errs"] | rows[x[1]]["errs"]
        if len(labs) == 1:
            single_tot[next(iter(labs))] += 1
        elif not labs:
            single_tot["(none)"] += 1
    print("  recall where that label is the only error:",
          {k: f"{1 - single[k] / v:.3f} ({v})" for k, v in single_tot.most_common()})

    # ---- false links by relationship
    fp = pred_pairs - true_pairs
    fr: Counter[str] = Counter()
    fr_w: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for x in fp:
        a, b = rows[x[0]], rows[x[1]]
        k = relation(women, a, b)
        fr[k] += 1
        fr_w[k].add(tuple(sorted((a["woman"], b["woman"]))))
    print(f"\nFALSE links (pairs) {len(fp)}; by relationship (pairs / distinct woman pairs):")
    for k, n in fr.most_common():
        print(f"  {k:40s} {n:6d} {len(fr_w[k]):5d}")
    # planted hard negatives: how many were merged
    planted: Counter[str] = Counter()
    merged: Counter[str] = Counter()
    for w, wr in women.items():
        for rr in (wr["relations"].split(";") if wr["relations"] else []):
            k, o = rr.split(":")
            if w < o and w in by_w and o in by_w:
                planted[k] += 1
                pa = {t["person"] for t in by_w[w] if t["person"]}
                pb = {t["person"] for t in by_w[o] if t["person"]}
                if pa & pb:
                    merged[k] += 1
    print("planted hard-negative pairs (both sighted) merged into one person at least once:",
          {k: f"{merged[k]}/{planted[k]}" for k in planted})

    # examples of false links (for the report) without printing the CSV
    ex: Counter[str] = Counter()
    for x in sorted(fp):
        a, b = rows[x[0]], rows[x[1]]
        k = relation(women, a, b)
        if ex[k] < 2:
            ex[k] += 1
            wa, wb = women[a["woman"]], women[b["woman"]]
            print(f"   e.g. {k}: {wa['given']} {wa['surname']} {wa['dob']} ({a['errors']}) <-> "
                  f"{wb['given']} {wb['surname']} {wb['dob']} ({b['errors']})")

    # by origin
    ot: Counter[str] = Counter()
    om: Counter[str] = Counter()
    for x in true_pairs:
        o = rows[x[0]]["origin"]
        ot[o] += 1
        om[o] += x in missed
    print("\nrecall per origin:", {o: f"{1 - om[o] / ot[o]:.3f}" for o in sorted(ot)})
    # carousel women: how many end in one person with all their sightings
    car = [w for w, ts in by_w.items()
           if women[w]["mode"] == "carousel" and len({t["gemeente"] for t in ts}) >= 2]
    whole = sum(1 for w in car if len({t["person"] for t in by_w[w]}) == 1)
    print(f"carousel women seen in >=2 gemeenten: {len(car)}; all sightings in one person: {whole}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.blind_cli.evaluate")
    parser.add_argument("data", type=Path, help="the generator's output directory")
    parser.add_argument("run", type=Path, help="the run's directory (clusters.csv, sightings-*)")
    args = parser.parse_args()
    evaluate(args.data, args.run)


if __name__ == "__main__":
    main()

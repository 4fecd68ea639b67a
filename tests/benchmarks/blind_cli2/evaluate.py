"""The second outside evaluator's scoring: the hub's clusters against the generator's truth.

    python -m tests.benchmarks.blind_cli2.evaluate RUN TRUTH WOMEN

RUN holds clusters.csv (`demo --clusters-out` or `hub clusters --format csv`) and
sightings-GMxxxx.csv (`node sightings --format csv`, which maps a node's case_ref to
its sighting UUIDs); TRUTH and WOMEN are the generator's truth.csv and women.csv.
Prints pairwise precision, recall and F1 (over the rows imported, and the recall
also over all rows, the refused ones counted as missed), the false links by how
the two women are related, the missed links by the errors planted in the two rows,
and recall by population, by pair of towns and by planted look-alike; writes
examples of both kinds to RUN/examples.json.

Kept as the evaluator wrote it (evaluate.py); changed only to run as a module: the
script's body is the function `evaluate`, its files are read (and examples.json
written) as UTF-8 in `with` blocks, and the arguments are parsed by `main`.
"""
# The outside code's own style:
# ruff: noqa: E501, E701, E702, E731, B007, RUF005

import argparse
import collections
import csv
import glob
import itertools
import json
import os


def evaluate(run, truth_p, women_p):
    truth = {}
    with open(truth_p, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            truth[(r["gemeente"], r["case_ref"])] = r
    with open(women_p, newline="", encoding="utf-8") as f:
        women = {r["woman"]: r for r in csv.DictReader(f)}
    uuid2key = {}
    obs_read = {}
    for f in glob.glob(os.path.join(run, "sightings-GM*.csv")):
        g = os.path.basename(f)[10:16]
        with open(f, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                uuid2key[r["sighting_uuid"]] = (g, r["case_ref"])
                obs_read[(g, r["case_ref"])] = r["observed_on"]
    clusters = collections.defaultdict(list)
    with open(os.path.join(run, "clusters.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            clusters[r["person_id"]].append(uuid2key[r["sighting_uuid"]])
    linked = {k for v in clusters.values() for k in v}
    all_keys = set(truth)
    refused = all_keys - linked
    print(f"truth sightings {len(all_keys)}, in clusters {len(linked)}, refused/missing {len(refused)}")
    obs_wrong = [k for k in linked if obs_read[k] != truth[k]["observed_on"]]
    print(f"observed_on misread (imported with another date): {len(obs_wrong)}",
          collections.Counter(k[0] for k in obs_wrong))

    # predicted pairs
    pred = set()
    for v in clusters.values():
        for a, b in itertools.combinations(sorted(v), 2):
            pred.add((a, b))
    # true pairs among imported sightings / among all
    by_w = collections.defaultdict(list)
    for k, r in truth.items():
        by_w[r["woman"]].append(k)
    true_all = set()
    for v in by_w.values():
        for a, b in itertools.combinations(sorted(v), 2):
            true_all.add((a, b))
    true_imp = {p for p in true_all if p[0] in linked and p[1] in linked}
    tp = len(pred & true_imp)
    P = tp / len(pred) if pred else 0
    R = tp / len(true_imp)
    R_all = tp / len(true_all)
    F = 2 * P * R / (P + R)
    print(f"pairs: predicted {len(pred)}, true(imported) {len(true_imp)}, true(all rows) {len(true_all)}, TP {tp}")
    print(f"P {P:.4f}  R {R:.4f}  F1 {F:.4f}   (recall over all rows incl. refused {R_all:.4f}, F1 {2*P*R_all/(P+R_all):.4f})")
    # per-town-pair and cross-town
    cross_true = {p for p in true_imp if p[0][0] != p[1][0]}
    print(f"cross-municipality pairs: true {len(cross_true)}, found {len(pred & cross_true)} R {len(pred & cross_true)/len(cross_true):.4f}")

    TAGS = lambda k: [t for t in truth[k]["tags"].split("|") if t]


    def rel(wa, wb):
        a = women[wa]
        rels = []
        for n in a["neg"].split("|"):
            if n.endswith(":" + wb):
                rels.append(n.split("_of")[0] if "_of" in n else n)
        na = {n for n in a["neg"].split("|") if n.startswith("network:")}
        nb = {n for n in women[wb]["neg"].split("|") if n.startswith("network:")}
        if na & nb:
            rels.append("same_network")
        return rels


    fp = pred - true_imp
    fn = true_imp - pred
    print(f"\nFALSE LINKS: {len(fp)} pairs")
    fpc = collections.Counter()
    fp_ex = collections.defaultdict(list)
    fpw = collections.Counter()
    for a, b in fp:
        wa, wb = truth[a]["woman"], truth[b]["woman"]
        fpw[tuple(sorted((wa, wb)))] += 1
        r = rel(wa, wb)
        A, B = women[wa], women[wb]
        if not r:
            if A["surname"] == B["surname"] and A["given"] == B["given"]:
                r = ["same_name_unplanted"]
            elif A["dob"] == B["dob"]:
                r = ["same_dob_unplanted"]
            elif A["surname"] == B["surname"]:
                r = ["same_surname_unplanted"]
            else:
                r = ["other"]
        for t in ("controller_phone",):
            if t in TAGS(a) and t in TAGS(b):
                r = r + ["both_controller_phone"]
        key = "+".join(sorted(set(r)))
        fpc[key] += 1
        fp_ex[key].append((a, b))
    print(f"  distinct woman-pairs merged: {len(fpw)}")
    for k, c in fpc.most_common():
        print(f"  {c:6d}  {k}")
    # cause by woman pairs
    fpwc = collections.Counter()
    for (wa, wb), c in fpw.items():
        r = rel(wa, wb) or ["other"]
        fpwc["+".join(sorted(set(r)))] += 1
    print("  by woman-pair:", dict(fpwc))

    print(f"\nMISSED LINKS: {len(fn)} pairs")
    fnc = collections.Counter()
    fn_ex = collections.defaultdict(list)
    for a, b in fn:
        ta, tb = set(TAGS(a)), set(TAGS(b))
        diff = (ta ^ tb) | (ta & tb & {"dob_missing", "swap_names", "th_nickname", "alias"})
        diff -= {"controller_phone", "comma_in_place", "phone_sci_rounded"}
        if not diff:
            diff = {"none"}
        for t in diff:
            fnc[t] += 1
            fn_ex[t].append((a, b))
    print("  (each missed pair counted once per tag that differs between its two sightings)")
    for k, c in fnc.most_common():
        print(f"  {c:6d}  {k}")
    # missed pairs whose only differing tag is one thing
    single = collections.Counter()
    for a, b in fn:
        ta, tb = set(TAGS(a)), set(TAGS(b))
        diff = (ta ^ tb) - {"controller_phone", "comma_in_place", "phone_sci_rounded"}
        if len(diff) <= 1:
            single[next(iter(diff)) if diff else "none"] += 1
    print("  missed pairs with a single differing tag:", single.most_common())

    pop = collections.Counter(women[truth[a]["woman"]]["pop"] for a, b in fn)
    popt = collections.Counter(women[truth[a]["woman"]]["pop"] for a, b in true_imp)
    print("  recall by population:", {p: f"{1 - pop[p]/popt[p]:.3f} ({popt[p]})" for p in sorted(popt)})
    tw = collections.Counter()
    tt = collections.Counter()
    for a, b in true_imp:
        key = "-".join(sorted((a[0], b[0])))
        tt[key] += 1
        if (a, b) in fn:
            tw[key] += 1
    print("  recall by town pair:", {k: f"{1 - tw[k]/tt[k]:.3f}" for k in sorted(tt)})

    with open(os.path.join(run, "examples.json"), "w", encoding="utf-8") as f:
        json.dump({"fp": {k: v[:50] for k, v in fp_ex.items()}, "fn": {k: v[:50] for k, v in fn_ex.items()}}, f)

    # missed pairs by whether the woman has a planted look-alike (twin/sister/namesake)
    relc = collections.Counter(); relt = collections.Counter()
    def kind(w):
        n = women[w]["neg"]
        for k in ("twin", "sister", "namesake"):
            if k + "_of" in n:
                return k
        return "none"
    for a, b in true_imp:
        k = kind(truth[a]["woman"]); relt[k] += 1
        if (a, b) in fn: relc[k] += 1
    print("\nmissed pairs by the woman's planted look-alike:", {k: f"{relc[k]}/{relt[k]} missed" for k in relt})
    # single-sighting-side cause: dob missing on exactly one side
    dm = sum(1 for a, b in fn if ("dob_missing" in TAGS(a)) != ("dob_missing" in TAGS(b)))
    dm2 = sum(1 for a, b in fn if ("dob_missing" in TAGS(a)) and ("dob_missing" in TAGS(b)))
    print(f"missed pairs with DOB missing on one side {dm}, both sides {dm2}")
    tdm = sum(1 for a, b in true_imp if ("dob_missing" in TAGS(a)) or ("dob_missing" in TAGS(b)))
    print(f"recall on pairs with a DOB missing {1-(dm+dm2)/tdm:.3f} ({tdm}); on pairs with both dated {1-(len(fn)-dm-dm2)/(len(true_imp)-tdm):.3f}")
    for tag in ("th_nickname", "alias", "married_name", "dob_digit_typo", "translit", "bg_patronymic", "la_first_surname_only", "swap_names", "cn_fullname_in_given", "drop_given2", "typo_surname", "dob_off_by_one", "dob_daymonth_swap", "us_dob_ambiguous"):
        t = [p for p in true_imp if (tag in TAGS(p[0])) != (tag in TAGS(p[1]))]
        m = [p for p in t if p in fn]
        if t:
            print(f"  pairs differing in {tag:22s}: {len(t):5d}, missed {len(m):4d} ({len(m)/len(t):.1%})")


def main():
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.blind_cli2.evaluate")
    ap.add_argument("run", help="directory of clusters.csv and sightings-GMxxxx.csv")
    ap.add_argument("truth", help="the generator's truth.csv")
    ap.add_argument("women", help="the generator's women.csv")
    a = ap.parse_args()
    evaluate(a.run, a.truth, a.women)


if __name__ == "__main__":
    main()

"""Do the RIEC alerts find the carousel women and the networks of the truth?

    python -m tests.benchmarks.blind_cli.alerts DATA_DIR RUN_DIR

DATA_DIR holds the generator's csv/, truth.csv and women.csv; RUN_DIR the run's
alerts-REGION.csv (`riec alerts --format csv`) and sightings-GMxxxx.csv.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from tests.benchmarks.blind_cli.evaluate import read_csv, read_uuids

FALSE_INTENDED = {"nee", "no", "n", "false", "geen vergunning"}
FALSE_READ = {"nee", "no", "n", "false"}   # what the product accepted (no note)

Row = dict[str, Any]


def read_cells(data: Path) -> dict[tuple[str, int], dict[str, str]]:
    """(file, line) to the row's cells as written in the export, by snake_case column."""
    cells = {}
    for path in sorted((data / "csv").glob("*.csv")):
        fn = path.name
        with path.open(encoding="utf-8-sig", newline="") as f:
            text = f.read()
        lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
        offset = 0
        if lines[0].startswith("sep="):
            offset = 1
        head = lines[offset]
        semicolon = ";" in head.split(",")[0] or head.count(";") > head.count(",")
        rd = csv.reader(lines[offset:], delimiter=";" if semicolon else ",")
        hdr = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in next(rd)]
        for i, row in enumerate(rd):
            if not row:
                continue
            cells[(fn, i + 2 + offset)] = dict(zip(hdr, row, strict=False))
    return cells


def carousel(ts: list[Row], key: str, days: int = 180) -> bool:
    """One of her sightings has `key`, and another is in another gemeente within `days`."""
    for u in ts:
        if not u[key]:
            continue
        for v in ts:
            if v["gemeente"] != u["gemeente"] and abs((v["date"] - u["date"]).days) <= days:
                return True
    return False


def evaluate_alerts(data: Path, run: Path) -> None:
    truth = read_csv(data / "truth.csv")
    women = {r["woman"]: r for r in read_csv(data / "women.csv")}
    cells = read_cells(data)
    uuid_of = read_uuids(run)

    rows: list[Row] = []
    by_w: dict[str, list[Row]] = defaultdict(list)
    for t in truth:
        c = cells[(t["file"], int(t["line"]))]
        lic = c["licensed"].strip().lower()
        sig = c["signals"].lower()
        row: Row = dict(t)
        row["unlic_intended"] = lic in FALSE_INTENDED or (
            lic in ("", "onbekend", "?", "n.v.t.") and "unlicensed_work" in sig)
        # 'unlicensed_work' is not the catalogue's 'unlicensed'
        row["unlic_read"] = lic in FALSE_READ
        row["date"] = dt.date.fromisoformat(t["observed_on"])
        row["uuid"] = uuid_of.get((t["gemeente"], t["case_ref"], t["observed_on"]))
        rows.append(row)
        by_w[t["woman"]].append(row)

    alerts: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"rule": None, "uuids": set(), "regions": set()})
    for path in sorted(run.glob("alerts-*.csv")):
        for r in read_csv(path):
            a = alerts[r["alert_id"]]
            a["rule"] = r["rule"]
            a["uuids"].add(r["sighting_uuid"])
            a["regions"].add(r["region"])
    rule_of_uuid: dict[str, set[str]] = defaultdict(set)
    for a in alerts.values():
        for u in a["uuids"]:
            rule_of_uuid[u].add(a["rule"])

    def has_carousel(w: str) -> bool:
        return any("carousel" in rule_of_uuid[t["uuid"]] for t in by_w[w])

    def has_any(w: str) -> bool:
        return any(rule_of_uuid[t["uuid"]] for t in by_w[w])

    print("alerts (distinct, all regions):", dict(Counter(a["rule"] for a in alerts.values())))
    elig_int = [w for w, ts in by_w.items() if carousel(ts, "unlic_intended")]
    elig_read = [w for w, ts in by_w.items() if carousel(ts, "unlic_read")]
    real_car = [w for w in by_w if women[w]["mode"] == "carousel"]
    for name, ws in (("women meeting the carousel rule on the data as intended "
                      "(incl. 'geen vergunning', unlicensed_work)", elig_int),
                     ("women meeting it on what the product could read", elig_read),
                     ("women of trafficking networks (generator's carousel mode), any", real_car)):
        hit = sum(1 for w in ws if has_carousel(w))
        anyhit = sum(1 for w in ws if has_any(w))
        print(f"{name}: {len(ws)}; with a carousel alert on >=1 of her sightings {hit} "
              f"({hit / max(1, len(ws)):.1%}); any alert {anyhit} ({anyhit / max(1, len(ws)):.1%})")
    lost = set(elig_int) - set(elig_read)
    print(f"  lost to unread licence words / unknown signal code: {len(lost)} women; "
          f"of them with a carousel alert anyway {sum(1 for w in lost if has_carousel(w))}")
    # carousel alerts on women who are not carousels (as intended)
    car_alerts = [a for a in alerts.values() if a["rule"] == "carousel"]
    uw = {t["uuid"]: t["woman"] for t in rows}
    fp = 0
    mixed = 0
    for a in car_alerts:
        ws = {uw[u] for u in a["uuids"] if u in uw}
        if len(ws) > 1:
            mixed += 1
        if not any(w in elig_int for w in ws):
            fp += 1
    print(f"carousel alerts: {len(car_alerts)}; holding sightings of >1 true woman: {mixed}; "
          f"none of whose women meets the rule in truth: {fp}")
    # networks
    net_w: dict[str, set[str]] = defaultdict(set)
    for w, r in women.items():
        if r["network"] and w in by_w:
            net_w[r["network"]].add(w)
    net_alerts = [a for a in alerts.values() if a["rule"] == "network"]
    found = 0
    for ws in net_w.values():
        best = 0
        for a in net_alerts:
            aw = {uw[u] for u in a["uuids"] if u in uw}
            best = max(best, len(aw & ws))
        if best >= 3:
            found += 1
    print(f"networks with >=3 sighted women: {sum(1 for ws in net_w.values() if len(ws) >= 3)}; "
          f"with a network alert holding >=3 of their women: {found}")
    impure = 0
    for a in net_alerts:
        nets = Counter(women[uw[u]]["network"] or "-" for u in a["uuids"] if u in uw)
        if len([k for k in nets if k != "-"]) > 1 or "-" in nets:
            impure += 1
    print(f"network alerts: {len(net_alerts)}; holding women of >1 network or of no network: "
          f"{impure}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.blind_cli.alerts")
    parser.add_argument("data", type=Path, help="the generator's output directory")
    parser.add_argument("run", type=Path, help="the run's directory (alerts-*, sightings-*)")
    args = parser.parse_args()
    evaluate_alerts(args.data, args.run)


if __name__ == "__main__":
    main()

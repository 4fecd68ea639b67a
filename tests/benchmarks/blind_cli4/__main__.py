"""Blind end-to-end benchmark 4 of zichtlijn through its one-command path.

    .venv/bin/python -m tests.benchmarks.blind_cli4 [--seed N] [--dir DIR] [--keep]
                                                    [--women N] [--examples K]

Run from the repository with the project's own interpreter.  Steps (the
same flow as blind_cli3):

1. ``generator.generate`` writes about 2,500 fictional women's controls as
   six municipalities' CSV exports, each in its own system's conventions,
   plus the ground truth, into ``DIR/data``.
2. ONE command links them: ``zichtlijn demo --csv GMxxxx=FILE ...
   --clusters-out DIR/run/clusters.csv`` (the console script beside this
   interpreter).
3. ``zichtlijn node sightings --format csv`` per municipality, against the
   demo's node homes (``DIR/run/demo/node-GMxxxx``), maps each case_ref
   (and date) to the sighting UUID that the clusters file names.
4. ``evaluate`` scores the clusters against the truth and prints Markdown
   (also written to ``DIR/report.md``).

Without ``--dir`` everything goes into a temporary directory that is removed
at the end unless ``--keep``.  The generator was written by an outsider
from DESIGN.md and the README up to its "CSV import" part only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from . import evaluate, generator


def run(seed: int, base: str, women: int, examples: int) -> dict:
    data = os.path.join(base, "data")
    run_dir = os.path.join(base, "run")
    os.makedirs(run_dir, exist_ok=True)
    t0 = time.time()
    info = generator.generate(seed, data, women)
    print(
        f"generated seed {seed}: {info['women']} women, {info['rows']} controls, "
        f"{info['networks']} networks, {info['relations']} related pairs in {data}",
        file=sys.stderr,
    )
    zl = os.path.join(os.path.dirname(sys.executable), "zichtlijn")
    cmd = [zl, "demo", "--dir", os.path.join(run_dir, "demo")]
    for g in generator.GEMEENTEN:
        cmd += ["--csv", f"{g}={os.path.join(data, g + '.csv')}"]
    clusters = os.path.join(run_dir, "clusters.csv")
    cmd += ["--clusters-out", clusters]
    log_path = os.path.join(run_dir, "demo.log")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(run_dir, "demo_status.txt"), "w", encoding="utf-8") as f:
        f.write(f"{proc.returncode}\n")
    return score(seed, base, examples, t0)


def score(seed: int, base: str, examples: int, t0: float) -> dict:
    """Score a run already made (``--score-only`` starts here)."""
    data = os.path.join(base, "data")
    run_dir = os.path.join(base, "run")
    zl = os.path.join(os.path.dirname(sys.executable), "zichtlijn")
    log_path = os.path.join(run_dir, "demo.log")
    clusters = os.path.join(run_dir, "clusters.csv")
    status_path = os.path.join(run_dir, "demo_status.txt")
    status = "?"
    if os.path.exists(status_path):
        with open(status_path, encoding="utf-8") as f:
            status = f.read().strip()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log_text = f.read()
    notable = [
        ln
        for ln in log_text.splitlines()
        if ln.startswith(("==>", "zichtlijn:")) or "refused whole" in ln
    ]
    refused = 0
    m = re.search(r"==> ([\d,]+) row\(s\) refused", log_text)
    if m:
        refused = int(m.group(1).replace(",", ""))
    print(
        f"demo exit status {status} after {time.time() - t0:.0f}s (log {log_path})",
        file=sys.stderr,
    )
    for ln in notable[:20]:
        print("    " + ln, file=sys.stderr)
    if not os.path.exists(clusters):
        raise SystemExit(f"blind_cli4: the demo wrote no clusters file (see {log_path})")
    for g in generator.GEMEENTEN:
        home = os.path.join(run_dir, "demo", f"node-{g}")
        out = subprocess.run(
            [zl, "node", "sightings", "--home", home, "--format", "csv"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise SystemExit(f"blind_cli4: node sightings {g}: {out.stderr.strip()}")
        with open(os.path.join(run_dir, f"sightings-{g}.csv"), "w", encoding="utf-8") as f:
            f.write(out.stdout)
    res = evaluate.evaluate(data, run_dir, examples=examples)
    res["demo_status"] = status
    res["demo_refused"] = refused
    res["demo_notable"] = notable
    res["seconds"] = time.time() - t0
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.blind_cli4", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", help="work directory (kept); default a temporary one")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--women", type=int, default=2500)
    ap.add_argument(
        "--score-only",
        action="store_true",
        help="score the run already in --dir again (no generation, no demo)",
    )
    ap.add_argument(
        "--examples", type=int, default=3, help="example pairs per category in the report (0: none)"
    )
    args = ap.parse_args(argv)
    base = args.dir or tempfile.mkdtemp(prefix="blind_cli4-")
    os.makedirs(base, exist_ok=True)
    try:
        if args.score_only:
            if not args.dir:
                raise SystemExit("blind_cli4: --score-only needs --dir")
            res = score(args.seed, base, args.examples, time.time())
        else:
            res = run(args.seed, base, args.women, args.examples)
        text = evaluate.markdown(
            res,
            title=f"zichtlijn blind benchmark 4, seed {args.seed}",
            show_examples=args.examples > 0,
        )
        text += (
            f"\n_demo exit status {res['demo_status']}, rows the demo reported refused: "
            f"{res['demo_refused']}, {res['seconds']:.0f} s; files in {base}"
            f"{' (removed)' if not (args.dir or args.keep) else ''}_\n"
        )
        if res["demo_notable"]:
            text += (
                "\nDemo's closing lines:\n\n"
                + "\n".join("    " + ln for ln in res["demo_notable"][:12])
                + "\n"
            )
        text += "\n" + evaluate.SUMMARY_HEADER + "\n" + evaluate.summary_row(args.seed, res) + "\n"
        print(text)
        with open(os.path.join(base, "report.md"), "w", encoding="utf-8") as f:
            f.write(text)
    finally:
        if not (args.dir or args.keep):
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Blind end-to-end benchmark of zichtlijn through its one-command path.

    python -m tests.benchmarks.blind_cli3 [--seed N] [--dir DIR] [--keep]
                                          [--women N] [--examples K]

Run from /work/main with the project's own interpreter
(``.venv/bin/python``).  Steps:

1. ``generator.generate`` writes about 2,500 fictional women's controls as
   five municipalities' CSV exports (DESIGN section 10) plus the ground truth
   into ``DIR/data``.
2. ONE command links them: ``zichtlijn demo --csv GMxxxx=FILE ...
   --clusters-out DIR/run/clusters.csv`` (the console script beside this
   interpreter), which runs the key ceremony, hub, five nodes, import, sync
   and linkage on loopback.
3. ``zichtlijn node sightings --format csv`` per municipality, against the
   demo's node homes (``DIR/run/demo/node-GMxxxx``), maps each case_ref to
   the sighting UUID that the clusters file names.
4. ``evaluate`` scores the clusters against the truth and prints Markdown.

Without ``--dir`` everything goes into a temporary directory that is removed
at the end unless ``--keep``.  The generator is independent of the product:
it was written from the design brief and the README's CSV section only.
"""

from __future__ import annotations

import argparse
import os
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
    print(f"generated seed {seed}: {info['women']} women, {info['rows']} rows, "
          f"{info['networks']} networks, {info['relations']} related pairs "
          f"in {data}", file=sys.stderr)
    zl = os.path.join(os.path.dirname(sys.executable), "zichtlijn")
    cmd = [zl, "demo", "--dir", os.path.join(run_dir, "demo")]
    for g in generator.GEMEENTEN:
        cmd += ["--csv", f"{g}={os.path.join(data, g + '.csv')}"]
    clusters = os.path.join(run_dir, "clusters.csv")
    cmd += ["--clusters-out", clusters]
    log_path = os.path.join(run_dir, "demo.log")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    with open(log_path, encoding="utf-8") as f:
        log_text = f.read()
    notable = [ln for ln in log_text.splitlines()
               if "refused" in ln or "rejected" in ln or ln.startswith("zichtlijn:")]
    print(f"demo exit status {proc.returncode} after {time.time() - t0:.0f}s "
          f"(log {log_path})", file=sys.stderr)
    for ln in notable[:20]:
        print("    " + ln, file=sys.stderr)
    if not os.path.exists(clusters):
        raise SystemExit(f"blind_cli3: the demo wrote no clusters file (see {log_path})")
    for g in generator.GEMEENTEN:
        home = os.path.join(run_dir, "demo", f"node-{g}")
        out = subprocess.run([zl, "node", "sightings", "--home", home, "--format", "csv"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"blind_cli3: node sightings {g}: {out.stderr.strip()}")
        with open(os.path.join(run_dir, f"sightings-{g}.csv"), "w", encoding="utf-8") as f:
            f.write(out.stdout)
    res = evaluate.evaluate(data, run_dir, examples=examples)
    res["demo_status"] = proc.returncode
    res["seconds"] = time.time() - t0
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.blind_cli3",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", help="work directory (kept); default a temporary one")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--women", type=int, default=2500)
    ap.add_argument("--examples", type=int, default=3,
                    help="example pairs per category in the report (0: none)")
    args = ap.parse_args(argv)
    base = args.dir or tempfile.mkdtemp(prefix="blind_cli3-")
    try:
        res = run(args.seed, base, args.women, args.examples)
        print(evaluate.markdown(res, title=f"zichtlijn blind benchmark 3, seed {args.seed}",
                                show_examples=args.examples > 0))
        print(f"_demo exit status {res['demo_status']}, {res['seconds']:.0f} s; "
              f"files in {base}{' (removed)' if not (args.dir or args.keep) else ''}_")
    finally:
        if not (args.dir or args.keep):
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

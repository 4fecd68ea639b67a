"""What the blind evaluations (`blind_cli`, `blind_cli2`) share: this environment's console
script and the command line around one run (seed, directory, keep, timing)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# the console script of this interpreter's environment, as a municipality runs it
ZICHTLIJN = Path(sys.executable).parent / "zichtlijn"


def echo(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def fresh_dirs(directory: Path) -> tuple[Path, Path]:
    """`directory`/data and `directory`/run, emptied (run made)."""
    data, run = directory / "data", directory / "run"
    for emptied in (data, run):
        shutil.rmtree(emptied, ignore_errors=True)
    run.mkdir(parents=True)
    return data, run


def main(name: str, doc: str, default_seed: int,
         blind_run: Callable[[Path, int], None]) -> int:
    """Parse `--seed`, `--dir`, `--keep`; run `blind_run(directory, seed)`; exit status."""
    parser = argparse.ArgumentParser(prog=f"python -m tests.benchmarks.{name}",
                                     description=doc.split("\n")[0])
    parser.add_argument("--seed", type=int, default=default_seed,
                        help=f"the generator's seed (default {default_seed})")
    parser.add_argument("--dir", type=Path,
                        help="directory for data/ and run/ (default: a temporary one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (a --dir is always kept)")
    args = parser.parse_args()
    if not ZICHTLIJN.exists():
        parser.error(f"{ZICHTLIJN} not found: run with the project's environment "
                     "(make builds .venv; pip install -e . in another)")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    prefix = f"zichtlijn-{name.replace('_cli', '').replace('_', '-')}-"
    directory = (args.dir or Path(tempfile.mkdtemp(prefix=prefix))).resolve()
    started = time.monotonic()
    try:
        blind_run(directory, args.seed)
    except (subprocess.CalledProcessError, RuntimeError) as e:
        echo(f"{name}: {e}; files kept in {directory}")
        return 1
    if args.dir is None and not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    kept = f"; files in {directory}" if args.dir or args.keep else ""
    echo(f"{name}: seed {args.seed}, {time.monotonic() - started:.0f} s{kept}")
    return 0

"""The work directory of `zichtlijn demo --dir`: made, marked, and replaced only if marked.

The demo starts each run from nothing, so it removes the directory of its previous run.
It must never remove anything else: a user's `--dir exports` that holds the very CSV
files given with `--csv`, or `--dir .`. So it removes a directory only when the marker
file it leaves in each directory it makes is there; an empty directory is used as it is;
any other directory is refused before anything is written or removed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from zichtlijn.errors import CliError

MARKER = ".zichtlijn-demo"
MARKER_TEXT = ("This directory was made by `zichtlijn demo`. The next `zichtlijn demo --dir` "
               "on it deletes it whole, with anything put in it since.\n")


def claim_workdir(given: Path, inputs: Iterable[Path] = (),
                  others: Iterable[tuple[str, Path]] = ()) -> Path:
    """Make `given` the demo's empty, marked work directory; its resolved path.

    Refused (CliError, nothing touched): `given` exists and is not a directory; it is a
    non-empty directory without the marker; it holds one of `inputs` (the --csv files) or
    of `others` ((flag, path): the --signals file, the --clusters-out file), which
    removing it would delete. Paths are compared resolved, so a symbolic link to the
    directory or a link into it counts as what it points to."""
    workdir = given.resolve()
    if workdir.exists() and not workdir.is_dir():  # a --csv file given as --dir too
        raise CliError(f"--dir {given}: exists and is not a directory; give a new or empty "
                       "directory")
    for flag, path in [*(("--csv", path) for path in inputs), *others]:
        if path.resolve().is_relative_to(workdir):
            raise CliError(f"--dir {given}: holds the {flag} file {path}, which the demo "
                           "would delete with the directory; give a new or empty directory "
                           "outside the files it is given")
    if workdir.is_dir() and any(workdir.iterdir()):
        if not (workdir / MARKER).is_file():
            raise CliError(f"--dir {given}: exists and is not a directory made by zichtlijn "
                           "demo; give a new or empty directory")
        shutil.rmtree(workdir)  # the previous run's, by its marker
    workdir.mkdir(parents=True, exist_ok=True)
    # first, so that a run stopped at any later point still leaves a directory the next
    # run may replace
    (workdir / MARKER).write_text(MARKER_TEXT, "utf-8")
    return workdir

"""Alert configuration for `zichtlijn demo --csv`: the example rules over given files.

A deployment writes its regions and signal catalogue by hand (`deploy/alerts`).
Given files name gemeenten and signal codes the example does not know, and a code
outside the hub's catalogue weighs 0. So the demo writes a configuration of its own:
one region holding every given gemeente (its RIEC sees every alert), the example's
default rules, and the example catalogue with every other code the files use added
at weight 1 (a code no catalogue can hold, such as one starting with a digit, weighs 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from node.csv_file import CsvFileError, decode_csv, read_rows
from node.csv_import import signal_codes
from zichtlijn.signal_catalogue import SIGNAL_CODE, load_signals
from zichtlijn.wire import SIGNAL_CODE as WIRE_SIGNAL_CODE

REGION = "landelijk"
ADDED_WEIGHT = 1.0


def codes_in(files: Iterable[Path], encoding: str) -> set[str]:
    """Every signal code the files' rows carry that an import could accept."""
    codes: set[str] = set()
    for path in files:
        try:
            for _, row in read_rows(decode_csv(path.read_bytes(), encoding)):
                codes.update(signal_codes(row.get("signals", "")))
        except CsvFileError:
            continue  # the import refuses the file and says why
    return {code for code in codes if WIRE_SIGNAL_CODE.match(code)}


@dataclass(frozen=True)
class CatalogueChange:
    """What the demo's catalogue does with the files' codes the example lacks."""

    added: list[str]  # at ADDED_WEIGHT
    weigh_zero: list[str]  # no catalogue can hold them


def write_config(directory: Path, example: Path, gemeenten: Iterable[str],
                 codes: set[str]) -> CatalogueChange:
    """Write regions.toml, rules.toml and signals.toml into `directory`."""
    holdable = {code for code in codes if SIGNAL_CODE.match(code)}
    directory.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'"{code}"' for code in gemeenten)
    (directory / "regions.toml").write_text(
        "# written by `zichtlijn demo --csv`: one region holds every given gemeente\n"
        f"[regions.{REGION}]\nname = \"RIEC (demo: every given gemeente)\"\n"
        f"gemeenten = [{listed}]\n", "utf-8")
    # the example's defaults; its regional overrides name regions this file does not have
    rules = (example / "rules.toml").read_text("utf-8").split("\n[regions.")[0]
    (directory / "rules.toml").write_text(rules.rstrip() + "\n", "utf-8")
    known = load_signals(example / "signals.toml").codes
    added = sorted(holdable - known)
    catalogue = (example / "signals.toml").read_text("utf-8").rstrip() + "\n"
    for code in added:
        catalogue += (f"\n[signals.{code}]  # in the given files, not in the example\n"
                      f"weight = {ADDED_WEIGHT}\n")
    (directory / "signals.toml").write_text(catalogue, "utf-8")
    return CatalogueChange(added, sorted(codes - holdable - known))

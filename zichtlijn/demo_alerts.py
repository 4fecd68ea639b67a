"""Alert configuration for `zichtlijn demo --csv`: the example rules over given files.

A deployment writes its regions and signal catalogue by hand (`deploy/alerts`).
Given files name gemeenten the example does not know, so the demo writes a
configuration of its own: one region holding every given gemeente (its RIEC sees
every alert), the example's default rules, and the signal catalogue the product
ships. Codes found in the files are not added to it (until 2026-12-07 they were):
the `signals` column is free text in many exports, and a word of it may be a name or
a date of birth, which a catalogue would then carry to the hub as a code.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from zichtlijn.signal_catalogue import SHIPPED_SIGNALS

REGION = "landelijk"


def write_config(directory: Path, example: Path, gemeenten: Iterable[str],
                 signals: Path | None = None) -> None:
    """Write regions.toml, rules.toml and signals.toml into `directory`; `signals`: a
    catalogue of the user's own (`demo --signals`) instead of the shipped one."""
    directory.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'"{code}"' for code in gemeenten)
    (directory / "regions.toml").write_text(
        "# written by `zichtlijn demo --csv`: one region holds every given gemeente\n"
        f"[regions.{REGION}]\nname = \"RIEC (demo: every given gemeente)\"\n"
        f"gemeenten = [{listed}]\n", "utf-8")
    # the example's defaults; its regional overrides name regions this file does not have
    rules = (example / "rules.toml").read_text("utf-8").split("\n[regions.")[0]
    (directory / "rules.toml").write_text(rules.rstrip() + "\n", "utf-8")
    catalogue = (signals.read_text("utf-8") if signals is not None else
                 resources.files("zichtlijn").joinpath(SHIPPED_SIGNALS).read_text("utf-8"))
    (directory / "signals.toml").write_text(catalogue, "utf-8")

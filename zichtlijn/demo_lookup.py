"""The demo's "seen before?" step: an inspector at a control asks the hub about one woman."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from zichtlijn.synth import SyntheticData

PROBE_FIELDS = ("given_names", "surname", "date_of_birth", "sex", "nationality")


def most_travelled(data: SyntheticData) -> dict[str, str]:
    """The identity fields of one sighting of the woman seen in the most municipalities."""
    towns: dict[str, set[str]] = {}
    for (gemeente, _), person in data.truth.items():
        towns.setdefault(person, set()).add(gemeente)
    sightings = Counter(data.truth.values())
    person = max(towns, key=lambda p: (len(towns[p]), sightings[p], p))
    for gemeente, rows in data.rows_by_gemeente.items():
        for row in rows:
            if data.truth[(gemeente, row["case_ref"])] == person and row["date_of_birth"]:
                return {f: row[f] for f in PROBE_FIELDS if row[f]}
    raise LookupError("no dated sighting of the most travelled person")


def show_lookup(data: SyntheticData, home: str, town: str,
                zichtlijn: Callable[..., str], step: Callable[[str], None]) -> str:
    """Look her up at `home` as an inspection app would (JSON on stdin); print the answer."""
    step(f"at the door in {town}: `zichtlijn node lookup --purpose controle` for the woman "
         "in front of the inspector (identity from the inspection app on stdin, encoded in "
         "memory, not stored)")
    answer = zichtlijn("node", "lookup", "--home", home, "--purpose", "controle",
                       stdin=json.dumps(most_travelled(data)))
    print("\n".join(f"    {line}" for line in answer.strip().splitlines()))
    return answer

"""Labelled synthetic carousel data for the demo, the tests and the quality benchmark.

Why a package of its own: real sightings may never leave a municipality, so
every measurement of linkage quality runs on data generated here, with the
truth (which sightings are one woman, which women form a network, which
look-alikes are different women) kept beside it.

Exports are resolved lazily so that ``python -m zichtlijn.synth.generator``
(the command-line entry) does not import its own module twice.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ERROR_RATES": "errors",
    "ErrorStats": "errors",
    "CSV_COLUMNS": "generator",
    "HARD_NEGATIVE_KINDS": "generator",
    "HARD_POSITIVE_KINDS": "generator",
    "LISTED_ERRORS_ONLY": "generator",
    "SIGNAL_CODES": "generator",
    "CarouselGenerator": "generator",
    "GeneratedRow": "generator",
    "SyntheticData": "generator",
    "generate": "generator",
    "hard_negative_pairs": "generator",
    "iter_rows": "generator",
    "true_pairs": "generator",
    "write_csvs": "generator",
    "write_csvs_streaming": "generator",
    "DEFAULT_GEMEENTEN": "names",
    "GEMEENTEN": "names",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return __all__

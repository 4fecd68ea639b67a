"""Types for command-line options that argparse checks before a command runs."""

from __future__ import annotations

import argparse
import math


def positive_seconds(text: str) -> float:
    """A `--timeout`: a number of seconds above 0 (0 or less would give up at once and
    blame the peer for not answering)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return seconds


def non_negative_days(text: str) -> float:
    """A number of days, 0 or more (`audit verify --settled-within`: 0 turns it off)."""
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not math.isfinite(days) or days < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of days, 0 or more")
    return days

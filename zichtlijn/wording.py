"""Counted nouns for what the commands print: `1 sighting`, `2 sightings`."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in the number it needs (`plural` where adding s is wrong)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"

"""TOML configuration files whose errors name the file, the line and the reason.

`tomllib` reports the line of a syntax error but forgets where each key was
once the file parses, and a configuration mistake a person can fix needs the
line ("rules.toml: line 14: regions.rotterdam.carousel.min_gemeenten: must be
an integer from 2 to 50"). `TomlFile` therefore scans the text once more and
remembers the line of every table header and `key = value`; that scan only
needs to understand the lines tomllib has already accepted.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_HEADER = re.compile(r"^\s*\[\[?\s*(?P<path>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*(?P<key>[A-Za-z0-9_\-\"'. ]+?)\s*=")
_KEY_PART = re.compile(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.|$)")


class ConfigFileError(ValueError):
    """A configuration file that cannot be used, with where and why."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: line {self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


def split_key(text: str) -> tuple[str, ...]:
    """`a."b.c".d` -> ("a", "b.c", "d") (bare and quoted TOML keys)."""
    parts: list[str] = []
    pos = 0
    while pos < len(text):
        match = _KEY_PART.match(text, pos)
        if not match or match.end() == pos:
            return tuple(parts)
        token = match.group(1)
        parts.append(token[1:-1] if token[0] in "\"'" else token)
        pos = match.end()
    return tuple(parts)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = split_key(header["path"])
            lines.setdefault(table, number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            lines.setdefault(table + split_key(key["key"]), number)
    return lines


@dataclass(frozen=True)
class TomlFile:
    path: Path
    data: dict[str, Any]
    text: str
    _lines: dict[tuple[str, ...], int] = field(repr=False)

    @classmethod
    def load(cls, path: Path) -> TomlFile:
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise ConfigFileError(path, None, "file not found") from None
        except UnicodeDecodeError:
            raise ConfigFileError(path, None, "not UTF-8 text") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            position = _TOML_POSITION.search(message)
            line = int(position.group(1)) if position else None
            reason = _TOML_POSITION.sub("", message) if position else message
            raise ConfigFileError(path, line, f"not valid TOML: {reason}") from None
        return cls(path, data, text, _key_lines(text))

    def line(self, keys: tuple[str, ...]) -> int | None:
        """Line of the key; else where its first sub-key is (`[a.b.c]` for `a.b`);
        else the line of its nearest enclosing table that has one."""
        if keys in self._lines:
            return self._lines[keys]
        inside = [n for path, n in self._lines.items() if path[: len(keys)] == keys]
        if keys and inside:
            return min(inside)
        for end in range(len(keys) - 1, 0, -1):
            found = self._lines.get(keys[:end])
            if found:
                return found
        return None

    def error(self, keys: tuple[str, ...], reason: str) -> ConfigFileError:
        label = ".".join(keys)
        return ConfigFileError(self.path, self.line(keys), f"{label}: {reason}" if label
                               else reason)


# -- checks shared by the configuration loaders ---------------------------------------------


def as_table(doc: TomlFile, value: object, keys: tuple[str, ...]) -> dict[str, Any]:
    """`value` if it is a TOML table, else an error naming `keys`."""
    if not isinstance(value, dict):
        raise doc.error(keys, "must be a table")
    return value


def reject_unknown(doc: TomlFile, table: dict[str, Any], keys: tuple[str, ...],
                   allowed: tuple[str, ...]) -> None:
    """A misspelt setting is an error, never silently ignored."""
    for key in table:
        if key not in allowed:
            raise doc.error((*keys, key), f"unknown setting (allowed: {', '.join(allowed)})")


def as_text(doc: TomlFile, table: dict[str, Any], keys: tuple[str, ...], key: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or len(value) > 200:
        raise doc.error((*keys, key), "must be text of at most 200 characters")
    return value


def as_number(doc: TomlFile, value: object, keys: tuple[str, ...], low: float,
              high: float) -> float:
    # bool is an int in Python; `weight = true` is a mistake, not 1
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise doc.error(keys, f"must be a number from {low:g} to {high:g}")
    return float(value)

"""Identity fields typed at a prompt or sent as JSON, validated exactly like a CSV row.

Used by `node lookup` and `node correct`. Values go from the prompt or the
JSON document straight into `parse_row` (the CSV importer's checks) and then
into the encoder; they are never printed, logged or written. Identity never
comes from command-line arguments: those show in `ps` and shell histories.
Error messages name the field and the reason, never the value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from node.csv_file import COLUMNS
from node.csv_import import ParsedSighting, RowError, parse_row
from zichtlijn.errors import CliError

# the advert's phone, a car, an address, an advert id help the hub tell namesakes apart
LOOKUP_FIELDS = ("given_names", "surname", "date_of_birth", "sex", "document_number",
                 "nationality", "place_of_birth", "phone", "vehicle_plate",
                 "address_postcode", "address_number", "advert_id")
# a correction re-enters everything the inspector recorded about the person
CORRECTION_FIELDS = tuple(c for c in COLUMNS if c != "case_ref")
REQUIRED = ("given_names", "surname")
MAX_JSON_BYTES = 64 * 1024
RETYPES = 3  # wrong fields typed again at the prompt before the command gives up
T = TypeVar("T")


class FieldError(CliError):
    """One field of typed input is refused; says which, never its value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
_FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")
_PROMPTS = {
    "given_names": "given name(s)",
    "surname": "surname(s)",
    "date_of_birth": "date of birth (DD-MM-YYYY)",
    "sex": "sex (v/m/x)",
    "document_number": "ID document number",
    "nationality": "nationality",
    "place_of_birth": "place of birth",
    "phone": "phone (as in the advert)",
    "vehicle_plate": "vehicle plate",
    "address_postcode": "address: postcode",
    "address_number": "address: house number",
    "advert_id": "advert id",
    "observed_on": "date of the control (DD-MM-YYYY)",
    "licensed": "licensed (ja/nee)",
    "signals": "signal codes (;-separated)",
}


def _once_each(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object whose keys are each given once: a repeated field would silently
    keep its last value, which the app may not have meant."""
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            shown = key if _FIELD_NAME.match(key) else "<not a field name>"
            raise CliError(f"JSON input gives {shown} twice")
        seen[key] = value
    return seen


def from_json(data: bytes, fields: Sequence[str]) -> dict[str, str]:
    """One JSON object of field -> string; unknown fields and non-strings are refused."""
    if len(data) > MAX_JSON_BYTES:
        raise CliError(f"JSON input larger than {MAX_JSON_BYTES} bytes")
    try:
        doc = json.loads(data.decode("utf-8-sig"),  # a byte-order mark, as Notepad writes
                         object_pairs_hook=_once_each)
    except UnicodeDecodeError:
        raise CliError("JSON input is not UTF-8") from None
    except json.JSONDecodeError as exc:
        # the message holds a position, never the text
        raise CliError(f"JSON input unreadable: {exc.msg} at line {exc.lineno} "
                       f"column {exc.colno}") from None
    if not isinstance(doc, dict):
        raise CliError("JSON input must be one object of field names to values")
    unknown = [k for k in doc if k not in fields]
    if unknown:
        shown = [k if _FIELD_NAME.match(k) else "<not a field name>" for k in unknown]
        raise CliError(f"unknown field(s) {', '.join(shown)} (allowed: {', '.join(fields)})")
    values: dict[str, str] = {}
    for key, value in doc.items():
        if value is None:
            continue
        if isinstance(value, bool) and key == "licensed":
            value = "ja" if value else "nee"
        if isinstance(value, list) and key == "signals":
            value = ";".join(v for v in value if isinstance(v, str))
        if not isinstance(value, str):
            raise CliError(f"{key}: must be a string")
        values[key] = value
    return values


#: fields whose checks need no other field: a refused one is asked again right away, not
#: after the other eleven prompts (the RIEC review)
CHECKED_AT_ONCE = ("date_of_birth", "sex", "observed_on")


def refusal_of(name: str, value: str, today: dt.date) -> str | None:
    """Why the import's checks refuse `value` of field `name` typed on its own, or None."""
    row = {"case_ref": "typed", "observed_on": today.isoformat(), "given_names": "typed",
           name: value}
    try:
        parse_row(0, row, today, strict=True)
    except RowError as refused:
        if refused.field == name:
            return str(refused).removeprefix("line 0: ")
    return None


def prompt(fields: Sequence[str], ask: Callable[[str], str] = input,
           keep: Sequence[str] = (), today: dt.date | None = None) -> dict[str, str]:
    """Ask for each field on the terminal; an empty answer leaves it out.

    Fields in `keep` say so: an empty answer keeps the stored value. A field of
    CHECKED_AT_ONCE the checks refuse is asked again at once (RETYPES times at most; the
    whole entry is checked again after).
    """
    values: dict[str, str] = {}
    today = today or dt.date.today()
    print("enter the person's details; leave a field empty when unknown", file=sys.stderr)
    for name in fields:
        label = _PROMPTS.get(name, name.replace("_", " "))
        marks = " *" if name in REQUIRED else " [keep]" if name in keep else ""
        for _ in range(RETYPES):
            try:
                answer = ask(f"{label}{marks}: ")
            except EOFError:
                raise CliError("input ended before all fields were entered") from None
            refused = (refusal_of(name, answer, today)
                       if name in CHECKED_AT_ONCE and answer.strip() else None)
            if refused is None:
                break
            print(f"{refused}; type it again (or leave it empty)", file=sys.stderr)
        if answer.strip():
            values[name] = answer
    return values


def prompting(source: str | None) -> bool:
    """Whether `read_input(source, ...)` asks at the terminal."""
    return source is None and sys.stdin.isatty()


def check_at_prompt(values: dict[str, str], fields: Sequence[str],
                    check: Callable[[dict[str, str]], T], interactive: bool,
                    ask: Callable[[str], str] = input) -> T:
    """`check(values)`; at the prompt, a refused field is asked again (leaving it empty
    drops it) instead of the whole entry being thrown away, RETYPES times at most.

    Someone at the door typed twelve fields; one slip should not cost them all."""
    for _ in range(RETYPES):
        try:
            return check(values)
        except FieldError as refused:
            if not interactive or refused.field not in fields:
                raise
            print(f"{refused}; type it again (or leave it empty)", file=sys.stderr)
            try:
                answer = ask(f"{_PROMPTS.get(refused.field, refused.field)}: ")
            except EOFError:
                raise CliError("input ended before all fields were entered") from None
            if answer.strip():
                values[refused.field] = answer
            else:
                values.pop(refused.field, None)
    return check(values)


def read_input(source: str | None, fields: Sequence[str],
               keep: Sequence[str] = ()) -> dict[str, str]:
    """From --from-json FILE or '-', else a prompt on a terminal, else JSON on stdin."""
    if source == "-" or (source is None and not sys.stdin.isatty()):
        data = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        if source is None and not data.strip():  # run from a script, cron, `< /dev/null`
            raise CliError("no identity given: standard input is not a terminal and was "
                           "empty; give it as JSON with --from-json FILE (or - for standard "
                           "input), or run the command on a terminal to be asked")
        return from_json(data, fields)
    if source is not None:
        with open(source, "rb") as handle:
            return from_json(handle.read(MAX_JSON_BYTES + 1), fields)
    return prompt(fields, keep=keep)


def parse_identity(values: dict[str, str], today: dt.date, case_ref: str = "lookup",
                   observed_on: str | None = None,
                   known_signals: frozenset[str] | None = None) -> ParsedSighting:
    """The CSV importer's validation of one row; a bad field is a one-line CliError."""
    row = {"case_ref": case_ref, "observed_on": observed_on or today.isoformat(), **values}
    try:
        return parse_row(1, row, today, known_signals, strict=True)
    except RowError as error:
        raise FieldError(error.field, error.reason) from None

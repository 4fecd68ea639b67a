"""Which key signs which tree heads of a log whose key was replaced (`hub log-key replace`).

Each replacement is an entry of the log (`log_key_replaced`, naming the new and the old
key). A tree head covering that entry, or any later one, must be signed by the new key;
a head of the trees before it by the key replaced. So a replaced key, lost or taken,
cannot sign a later head that an auditor accepts. The auditor gives every key out of
band, as the first: the entries only say when each took over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from linkage.checkpoint import CheckpointError, Verifier

ACTION = "log_key_replaced"


class MalformedKeyChange(ValueError):
    """A `log_key_replaced` entry without a readable new key."""


@dataclass(frozen=True)
class KeyChange:
    index: int  # the entry's index: heads of more than `index` entries are the new key's
    new_key: Verifier
    old_key: Verifier | None  # None when the hub had lost the old verifier key too


def read_change(index: int, entry: dict) -> KeyChange:
    try:
        new_key = Verifier.from_vkey(entry["new_key"])
        old = entry.get("old_key") or ""
        return KeyChange(index, new_key, Verifier.from_vkey(old) if old else None)
    except (KeyError, TypeError, CheckpointError):
        raise MalformedKeyChange from None


def _label(key: Verifier) -> str:
    return key.key_id.hex()


class KeyTimeline:
    """The key that must have signed a head of each size, among the keys the auditor
    was given: the current one (`--log-key`) and the earlier ones (`--earlier-log-key`)."""

    def __init__(self, current: Verifier, earlier: Sequence[Verifier],
                 changes: Sequence[KeyChange]) -> None:
        self.current = current
        self.given = {key.to_vkey(): key for key in (current, *earlier)}
        self.changes = sorted(changes, key=lambda c: c.index)
        first = self.changes[0].old_key if self.changes else current
        if first is None and len(earlier) == 1:
            first = earlier[0]  # the first key's verifier was lost with it: the one given
        self.first = first

    def problems(self) -> list[str]:
        """What stops the timeline from being checked against the keys given."""
        found = []
        last = self.changes[-1].new_key if self.changes else self.current
        if last.to_vkey() != self.current.to_vkey():
            found.append(f"the log signs with key {_label(last)} since entry "
                         f"#{self.changes[-1].index}, not with the key given "
                         f"({_label(self.current)}): give the log's current key as --log-key")
        if self.first is None:
            found.append("the log's first key is not named in its replacement entry: give "
                         "it as the only --earlier-log-key")
        return found

    def _in_effect(self, size: int) -> Verifier | None:
        key = self.first
        for change in self.changes:
            if change.index < size:
                key = change.new_key
        return key

    def key_for(self, size: int) -> Verifier | None:
        """The key that must sign a head of `size` entries, if the auditor was given it."""
        key = self._in_effect(size)
        return None if key is None else self.given.get(key.to_vkey())

    def missing(self, size: int) -> str:
        """Why no given key can check a head of `size` entries."""
        key = self._in_effect(size)
        name = "an unnamed key" if key is None else f"key {_label(key)}"
        return (f"must be signed by {name}, which was not given "
                "(--log-key, --earlier-log-key)")


def key_before_replacement(earlier: Sequence[Verifier],
                           signers: Iterable[bytes]) -> Verifier | None:
    """The earlier key to check a log with no replacement entry by: an export taken
    before `hub log-key replace`, whose heads carry the key ids `signers`. None when no
    single earlier key signed them: the current key checks them, as without a replacement.
    A head of another key in such an export is then reported as forged, whichever it is.

    No weaker than before: such an export verified with that key as `--log-key` alone;
    the replacement entry is what makes the old key's heads unacceptable, and an export
    without one never reached it."""
    ids = set(signers)
    signing = [key for key in earlier if key.key_id in ids]
    return signing[0] if len(signing) == 1 else None

"""How often a refusal is logged: at most one audit entry a minute per node and reason.

A lookup or correction refused (the node's hour used up, lookups switched off, no purpose,
a malformed probe) changes nothing, but each was an audit entry, so a node's script
retrying in a loop could grow the log without bound (a red-team finding of 2026-12-07).
The first refusal of a minute is logged; the
ones after it are counted and the next logged one says how many were left out
(`repeated`). The counts live in the serving hub's memory: refusals left out just before
it stops are not in the log.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

INTERVAL_S = 60.0


class RefusalLog:
    def __init__(self, clock: Callable[[], float], interval_s: float = INTERVAL_S) -> None:
        self._clock = clock
        self._interval = interval_s
        self._lock = threading.Lock()
        self._last: dict[tuple[str, str], float] = {}
        self._left_out: Counter[tuple[str, str]] = Counter()

    def details(self, node: str, reason: str) -> dict[str, object] | None:
        """The extra fields of this refusal's entry ({} or {"repeated": n}), or None when
        it is left out of the log (counted for the next one that is logged)."""
        key = (node, reason)
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self._interval:
                self._left_out[key] += 1
                return None
            self._last[key] = now
            left_out = self._left_out.pop(key, 0)
        return {"repeated": left_out} if left_out else {}

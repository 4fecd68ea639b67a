"""What a node is told when the hub's linker refuses to run (LinkerUnusableError)."""

from __future__ import annotations

import logging
from types import TracebackType

import grpc

from hub.linker_rows import LinkerBusyError, LinkerUnusableError
from zichtlijn.transport import abort_unavailable

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = ("the hub cannot link until its operator repairs and restarts it; "
                       "try again later")


#: a node's call stops waiting for the linker (or its link run) this long before its
#: deadline, so the node reads why (a relink in progress), or gets its receipts, instead
#: of DEADLINE_EXCEEDED
DEADLINE_MARGIN_S = 2.0


def linker_wait(context: grpc.ServicerContext) -> float | None:
    """How long a call may wait for the linker: its deadline less the margin."""
    remaining = context.time_remaining()
    return None if remaining is None else max(remaining - DEADLINE_MARGIN_S, 0.0)


class LinkerRequired:
    """Turn an unusable linker into UNAVAILABLE for the node and one log line for the operator,
    and a busy one (LinkerBusyError: a run outlasted the call's wait) into UNAVAILABLE
    saying what the hub is doing, followed by `busy_advice`.

    For an unusable linker the node learns only that it should retry; the reason
    (a damaged hub database) is for the hub's operator. A class rather than a
    generator: exceptions passing through (frozen dataclass Refusals among them)
    stay untouched.
    """

    def __init__(self, context: grpc.ServicerContext,
                 busy_advice: str = "try again in a few minutes") -> None:
        self.context = context
        self.busy_advice = busy_advice

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 _traceback: TracebackType | None) -> bool:
        if isinstance(error, LinkerUnusableError):
            log.error("%s", error)
            abort_unavailable(self.context, UNAVAILABLE_MESSAGE)
        if isinstance(error, LinkerBusyError):
            abort_unavailable(self.context, f"{error}; {self.busy_advice}")
        return False

"""What a node is told when the hub's linker refuses to run (LinkerUnusableError)."""

from __future__ import annotations

import logging
from types import TracebackType

import grpc

from hub.linker_rows import LinkerUnusableError
from zichtlijn.transport import abort_unavailable

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = ("the hub cannot link until its operator repairs and restarts it; "
                       "try again later")


class LinkerRequired:
    """Turn an unusable linker into UNAVAILABLE for the node and one log line for the operator.

    The node learns only that it should retry; the reason (a damaged hub
    database) is for the hub's operator. A class rather than a generator:
    exceptions passing through (frozen dataclass Refusals among them) stay
    untouched.
    """

    def __init__(self, context: grpc.ServicerContext) -> None:
        self.context = context

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 _traceback: TracebackType | None) -> bool:
        if isinstance(error, LinkerUnusableError):
            log.error("%s", error)
            abort_unavailable(self.context, UNAVAILABLE_MESSAGE)
        return False

"""What a node is told when the hub's linker refused to run on (LinkerUnusableError)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import grpc

from hub.linker_rows import LinkerUnusableError

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = ("the hub cannot link until its operator repairs and restarts it; "
                       "nothing was changed, try again later")


@contextlib.contextmanager
def linker_required(context: grpc.ServicerContext) -> Iterator[None]:
    """Turn an unusable linker into UNAVAILABLE for the node and one log line for the operator.

    The node learns only that it should retry; the reason (a damaged hub
    database) is for the hub's operator.
    """
    try:
        yield
    except LinkerUnusableError as error:
        log.error("%s", error)
        context.abort(grpc.StatusCode.UNAVAILABLE, UNAVAILABLE_MESSAGE)

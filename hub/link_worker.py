"""Link runs after uploads, on a thread of their own.

An upload used to link, and evaluate the alert rules, inside the node's call.
At a million sightings a night's run takes seconds, but a threshold step links
every sighting again (minutes) and a full alert evaluation follows: all of it
inside one node's call, past its deadline, with the other nodes' calls queued
behind it. Now an upload asks for a run and waits for it only while its
deadline allows, so a node still finds its sightings linked when its sync
returns, as before, and a run that takes longer goes on after the call has
returned. Requests that arrive during a run are served by one next run: a run
links everything stored and not yet linked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("zichtlijn.hub")


class LinkWorkerClosed(RuntimeError):
    """A run was asked of a worker the stopping hub has closed."""


class LinkWorker:
    def __init__(self, run: Callable[[], None], name: str = "zichtlijn-link") -> None:
        self._run = run
        self._name = name
        self._changed = threading.Condition()
        self._requested = 0  # tickets handed out
        self._done = 0  # every ticket up to this one has had its run
        self._closed = False
        self._thread: threading.Thread | None = None  # started by the first request

    def request(self) -> int:
        """Ask for a run; the ticket to wait for."""
        with self._changed:
            if self._closed:
                raise LinkWorkerClosed("link worker closed")
            self._requested += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._changed.notify_all()
            return self._requested

    def wait(self, ticket: int, timeout: float | None = None) -> bool:
        """Whether a run that began after `ticket` was asked for has ended, waiting at most
        `timeout` seconds (None: until it has)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._done >= ticket or self._closed, timeout)

    def close(self, timeout: float | None = None) -> None:
        """Take no more requests; wait at most `timeout` for a run in progress to end."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._requested > self._done or self._closed)
                if self._closed:
                    return
                ticket = self._requested
            try:
                self._run()
            except Exception:  # the run logs its own failures; the worker must outlive any
                log.exception("link run failed")
            finally:
                with self._changed:
                    self._done = ticket
                    self._changed.notify_all()

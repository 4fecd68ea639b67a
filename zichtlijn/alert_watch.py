"""Follow the hub's alert changes from a cursor, reconnecting without losing or repeating one.

The hub keeps every change with a cursor that only grows; the client keeps
the cursor of the last change it handled. Each Watch call has a deadline (a
window); when it ends, or the hub is unreachable or restarting, the watcher
calls again from its last cursor, so the changes it hands on are exactly the
hub's changes, in order, each once.

`on_connect` runs before the first call and again after the hub was unreachable (not
after a window's deadline): a hub that comes back may be one restored from a backup,
which lost what was decided since (`riec watch` sends those decisions again there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import grpc

from zichtlijn.v1 import alerts_pb2, alerts_pb2_grpc

RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
             grpc.StatusCode.RESOURCE_EXHAUSTED)
MAX_RETRY_DELAY_S = 10.0


class AlertWatcher:
    def __init__(self, stub: alerts_pb2_grpc.AlertServiceStub, after: int,
                 on_change: Callable[[alerts_pb2.AlertChange], None], *, window_s: float = 300.0,
                 on_retry: Callable[[str], None] | None = None,
                 on_connect: Callable[[], None] | None = None) -> None:
        self.stub = stub
        self.cursor = after
        self.on_change = on_change
        self.window_s = window_s
        self.on_retry = on_retry
        self.on_connect = on_connect
        self._stop = threading.Event()
        self._call: grpc.Future | None = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        """End `follow` from another thread (the open call is cancelled)."""
        self._stop.set()
        with self._lock:
            if self._call is not None:
                self._call.cancel()

    def _stream(self, follow: bool) -> None:
        request = alerts_pb2.WatchAlertsRequest(after_cursor=self.cursor, follow=follow)
        call = self.stub.Watch(request, timeout=self.window_s)
        with self._lock:
            self._call = call
        if self._stop.is_set():
            call.cancel()
        for change in call:
            if change.cursor <= self.cursor:
                continue  # never hand on a change twice, whatever the server sends
            self.on_change(change)
            self.cursor = change.cursor

    def _connected(self) -> None:
        if self.on_connect is not None:
            self.on_connect()

    def catch_up(self) -> int:
        """Hand on every change after the cursor, then return the new cursor."""
        self._connected()
        self._stream(follow=False)
        return self.cursor

    def follow(self) -> int:
        """Hand on changes as they happen until `stop`; retries a lost hub."""
        delay = 0.5
        reconnected = True
        while not self._stop.is_set():
            try:
                before = self.cursor
                if reconnected:
                    self._connected()
                    reconnected = False
                self._stream(follow=True)
                self._stop.wait(0.1)  # ended without an error: unusual, do not spin
            except grpc.RpcError as error:
                if self._stop.is_set():
                    break
                code = error.code() if hasattr(error, "code") else None
                if code not in RETRYABLE:
                    raise
                if self.cursor != before:
                    delay = 0.5
                if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                    continue  # the window ended: call again from the cursor at once
                reconnected = True
                if self.on_retry:
                    self.on_retry(f"{code.name.lower()}: reconnecting in {delay:.1f}s")
                self._stop.wait(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY_S)
        return self.cursor

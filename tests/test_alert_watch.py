"""Watching alert changes: resumed after a hub restart or a pause, nothing lost or repeated."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import grpc
import pytest

from hub.config import HubConfig
from hub.server import RunningHub, start_hub
from tests.alert_helpers import IULIA, days_ago, decision, stub, sync_rows, watch_all
from tests.conftest import ALERTS_DIR
from zichtlijn import cli
from zichtlijn.alert_watch import AlertWatcher
from zichtlijn.transport import secure_channel
from zichtlijn.v1 import alerts_pb2, alerts_pb2_grpc

AMS = "riec-amsterdam-amstelland"
AGAIN = {"licensed": "ja", "signals": ""}


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def acknowledge(pki, port: int, alert_id: str) -> None:
    channel, alerts, _ = stub(pki, port, AMS)
    with channel:
        alerts.Acknowledge(decision(pki, AMS, alert_id), timeout=10)


def iulia_in_two_towns(tmp_path, pki, secret_file) -> tuple[HubConfig, RunningHub]:
    """A hub with alerts, serving, and Iulia's controls in Amsterdam and Rotterdam synced
    to it: one alert."""
    home = tmp_path / "hub"
    home.mkdir()
    config = HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=8, alerts=ALERTS_DIR)
    hub = start_hub(config)
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0363", [IULIA.row("X-1", days_ago(90))])
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0599",
              [IULIA.row("X-2", days_ago(60), **AGAIN)])
    return config, hub


def test_watch_resumes_after_a_hub_restart_with_nothing_lost_or_repeated(
        tmp_path, pki, secret_file):
    config, first = iulia_in_two_towns(tmp_path, pki, secret_file)
    port = first.port

    received: list[alerts_pb2.AlertChange] = []
    retries: list[str] = []
    channel = secure_channel(f"127.0.0.1:{port}", pki.tls(AMS))
    # a one-second window: the watcher also calls again at every deadline
    watcher = AlertWatcher(alerts_pb2_grpc.AlertServiceStub(channel), 0, received.append,
                           window_s=1.0, on_retry=retries.append)
    thread = threading.Thread(target=watcher.follow, daemon=True)
    thread.start()
    second = None
    try:
        wait_until(lambda: len(received) == 1)
        alert_id = received[0].alert.alert_id
        first.stop(0)
        second = start_hub(dataclasses.replace(config, listen=f"127.0.0.1:{port}"))
        # new evidence in a third town and an acknowledgement, made after the restart
        sync_rows(tmp_path, pki, secret_file, port, "GM0344",
                  [IULIA.row("X-3", days_ago(30), **AGAIN)])
        acknowledge(pki, port, alert_id)
        everything = watch_all(pki, port, AMS)
        wait_until(lambda: len(received) >= len(everything))
        time.sleep(1.5)  # a further window or two: nothing more may arrive
    finally:
        watcher.stop()
        thread.join(10)
        channel.close()
    assert [c.change for c in everything] == ["created", "updated", "acknowledged"]
    assert [c.cursor for c in received] == [c.cursor for c in everything]
    assert [c.alert.version for c in received] == [1, 2, 2]
    assert retries, "the watcher should have noticed the hub was gone"

    # the client pauses; changes made meanwhile arrive when it resumes from its cursor
    sync_rows(tmp_path, pki, secret_file, port, "GM0599",
              [IULIA.row("X-4", days_ago(5), **AGAIN)])
    missed: list[alerts_pb2.AlertChange] = []
    with secure_channel(f"127.0.0.1:{port}", pki.tls(AMS)) as again:
        resumed = AlertWatcher(alerts_pb2_grpc.AlertServiceStub(again), received[-1].cursor,
                               missed.append)
        assert resumed.catch_up() == watch_all(pki, port, AMS)[-1].cursor
    assert [(c.change, c.alert.version, c.alert.changed) for c in missed] == [
        ("updated", 3, True)]
    second.stop(0)


def test_riec_watch_command_shows_each_change_once_across_runs(tmp_path, pki, secret_file, hub,
                                                               capsys):
    riec_home = tmp_path / "riec"
    assert cli.main(["riec", "init", "--home", str(riec_home), "--hub",
                     f"127.0.0.1:{hub.port}", "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / f"{AMS}.pem"),
                     "--key", str(pki.root / f"{AMS}.key")]) == 0
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0363", [IULIA.row("X-1", days_ago(90))])
    sync_rows(tmp_path, pki, secret_file, hub.port, "GM0599",
              [IULIA.row("X-2", days_ago(60), **AGAIN)])
    capsys.readouterr()

    def watch() -> list[str]:
        assert cli.main(["riec", "watch", "--home", str(riec_home), "--no-follow"]) == 0
        return capsys.readouterr().out.splitlines()

    first = watch()
    assert len(first) == 1 and " created " in first[0]
    assert "GM0363,GM0599" in first[0] and "[amsterdam-amstelland]" in first[0]
    assert watch() == []  # nothing new: nothing shown
    alert_id = first[0].split()[3]
    acknowledge(pki, hub.port, alert_id)
    [line] = watch()
    assert " acknowledged " in line and alert_id in line
    assert (riec_home / "watch.cursor").read_text().strip() == line.split()[0].lstrip("#")
    # --after 0 shows the whole history again, on request
    assert cli.main(["riec", "watch", "--home", str(riec_home), "--no-follow",
                     "--after", "0"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_broken_cursor_file_is_a_one_line_error(tmp_path, pki, hub, capsys):
    riec_home = tmp_path / "riec"
    cli.main(["riec", "init", "--home", str(riec_home), "--hub", f"127.0.0.1:{hub.port}",
              "--ca", str(pki.root / "ca.pem"), "--cert", str(pki.root / f"{AMS}.pem"),
              "--key", str(pki.root / f"{AMS}.key")])
    (riec_home / "watch.cursor").write_text("twelve\n")
    capsys.readouterr()
    assert cli.main(["riec", "watch", "--home", str(riec_home), "--no-follow"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "watch.cursor: not a cursor" in err


def test_following_watchers_are_bounded_so_uploads_keep_their_threads(pki, hub):
    # workers=8 in the fixture: at most 2 following watchers
    channels = [secure_channel(f"127.0.0.1:{hub.port}", pki.tls(AMS)) for _ in range(3)]
    try:
        calls = [alerts_pb2_grpc.AlertServiceStub(c).Watch(
            alerts_pb2.WatchAlertsRequest(follow=True), timeout=5) for c in channels[:2]]
        time.sleep(0.5)  # both are being served
        with pytest.raises(grpc.RpcError) as err:
            list(alerts_pb2_grpc.AlertServiceStub(channels[2]).Watch(
                alerts_pb2.WatchAlertsRequest(follow=True), timeout=5))
        assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        for call in calls:
            call.cancel()
    finally:
        for channel in channels:
            channel.close()


def test_a_catching_up_watch_is_served_even_when_following_watchers_are_at_the_limit(pki, hub):
    channels = [secure_channel(f"127.0.0.1:{hub.port}", pki.tls(AMS)) for _ in range(3)]
    try:
        calls = [alerts_pb2_grpc.AlertServiceStub(c).Watch(
            alerts_pb2.WatchAlertsRequest(follow=True), timeout=5) for c in channels[:2]]
        time.sleep(0.5)
        assert list(alerts_pb2_grpc.AlertServiceStub(channels[2]).Watch(
            alerts_pb2.WatchAlertsRequest(), timeout=5)) == []
        for call in calls:
            call.cancel()
    finally:
        for channel in channels:
            channel.close()


def test_after_a_hub_restore_a_watcher_gets_the_alert_again_under_its_id(
        tmp_path, pki, secret_file):
    from hub.restore import restore
    from zichtlijn.database_file import back_up

    config, first = iulia_in_two_towns(tmp_path, pki, secret_file)
    home, port = config.home, first.port
    backup = tmp_path / "hub-backup.db"
    back_up(home / "hub.db", backup, "hub database")
    # the third town's evidence, which the restore loses, and a watcher that saw it
    utrecht = sync_rows(tmp_path, pki, secret_file, port, "GM0344",
                        [IULIA.row("X-3", days_ago(30), **AGAIN)])
    before = watch_all(pki, port, AMS)
    assert [c.change for c in before] == ["created", "updated"]
    first.stop(0)
    restore(home / "hub.db", backup, "operator-cli:test")
    second = start_hub(dataclasses.replace(config, listen=f"127.0.0.1:{port}"))
    try:
        assert cli.main(["node", "sync", "--home", str(utrecht.home), "--hub-restored"]) == 0
        seen_since = watch_all(pki, port, AMS, after=before[-1].cursor)
    finally:
        second.stop(0)
    # the evidence comes back as a change the watcher has not seen, of the same alert
    assert [c.change for c in seen_since] == ["updated"]
    assert seen_since[0].alert.alert_id == before[0].alert.alert_id
    assert seen_since[0].cursor > before[-1].cursor


class _Lost(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode) -> None:
        self._code = code

    def code(self) -> grpc.StatusCode:
        return self._code


class _NoChanges(list):
    def cancel(self) -> None:
        pass


class _ScriptedStub:
    """A Watch that ends each call as scripted: a window's deadline, a lost hub, then a
    stop."""

    def __init__(self, script: list[grpc.StatusCode], events: list[str],
                 stop: Callable[[], None]) -> None:
        self.script, self.events, self.stop = script, events, stop

    def Watch(self, request, timeout):  # the gRPC method's name
        self.events.append("watch")
        if not self.script:
            self.stop()
            return _NoChanges()
        raise _Lost(self.script.pop(0))


def test_the_watcher_calls_on_connect_at_the_start_and_when_a_lost_hub_is_back():
    events: list[str] = []
    holder: list[AlertWatcher] = []
    stub = _ScriptedStub([grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE,
                          grpc.StatusCode.DEADLINE_EXCEEDED], events, lambda: holder[0].stop())
    watcher = AlertWatcher(stub, 0, lambda change: None, on_retry=lambda _: None,
                           on_connect=lambda: events.append("connect"))
    holder.append(watcher)
    watcher.follow()
    # a window's end calls again at once; a hub that was gone is a new connection
    assert events == ["connect", "watch", "watch", "connect", "watch", "watch"]
    catch = AlertWatcher(_ScriptedStub([], events, lambda: None), 0, lambda change: None,
                         on_connect=lambda: events.append("connect"))
    events.clear()
    catch.catch_up()
    assert events == ["connect", "watch"]

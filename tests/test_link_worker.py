"""Link runs happen on the hub's link worker; an upload waits for one only while its
deadline allows, and a run that outlasts it goes on."""

from __future__ import annotations

import threading
import time

import pytest

from hub.link_worker import LinkWorker, LinkWorkerClosed
from tests.audit_support import Site, running_site


def test_requests_made_during_a_run_are_served_by_one_next_run():
    started, release = threading.Event(), threading.Event()
    runs = []

    def run():
        runs.append(len(runs))
        started.set()
        release.wait(10)

    worker = LinkWorker(run)
    first = worker.request()
    assert started.wait(10)
    later = [worker.request() for _ in range(3)]  # while the first run is going
    assert not worker.wait(first, timeout=0.05)  # still running
    release.set()
    assert worker.wait(later[-1], timeout=10)
    assert worker.wait(first, timeout=0)
    assert len(runs) == 2  # the three later requests shared one run
    worker.close(timeout=10)


def test_a_failing_run_is_logged_and_the_worker_goes_on(caplog):
    calls = []

    def run():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")

    worker = LinkWorker(run)
    assert worker.wait(worker.request(), timeout=10)
    assert worker.wait(worker.request(), timeout=10)
    worker.close(timeout=10)
    assert len(calls) == 2
    assert any("link run failed" in r.getMessage() for r in caplog.records)


def test_a_closed_worker_takes_no_requests_and_releases_its_waiters():
    worker = LinkWorker(lambda: None)
    worker.close()
    with pytest.raises(LinkWorkerClosed, match="closed"):
        worker.request()
    assert worker.wait(99, timeout=0)  # nothing left to wait for


@pytest.fixture()
def site(tmp_path, pki, secret_file):
    with running_site(tmp_path, pki, secret_file) as running:
        yield running


def _linked(site: Site) -> int:
    with site.hub.store.lock:
        (count,) = site.hub.store.db.execute(
            "SELECT count(*) FROM sightings WHERE linked = 1").fetchone()
    return count


def test_a_sync_returns_with_its_receipts_when_linking_outlasts_its_deadline(site,
                                                                             monkeypatch):
    """A relink at a threshold step takes minutes at national scale: the node's call must
    not end in DEADLINE_EXCEEDED after every batch was stored and receipted."""
    from hub import unusable
    from node.store import NodeStore
    from node.sync import sync
    from zichtlijn.transport import secure_channel

    linker = site.hub.linker
    link_pending, release = linker.link_pending, threading.Event()

    def slow_link_pending():
        release.wait(30)  # as long as the test wants: far past the node's deadline
        return link_pending()

    monkeypatch.setattr(linker, "link_pending", slow_link_pending)
    monkeypatch.setattr(unusable, "DEADLINE_MARGIN_S", 1.0)
    site.load("GM0363", 5, "a")
    config = site.node("GM0363")
    store = NodeStore(config.db_path)
    try:
        with secure_channel(config.hub, config.tls) as channel:
            report = sync(channel, store, 2, 3.0)  # a 3-second deadline for the whole sync
        assert report.sent == 5 and report.accepted == 5
        assert report.still_linking and "the hub is still linking them" in report.summary()
        assert store.count_unsynced() == 0
    finally:
        store.close()
    assert _linked(site) == 0  # the run is still waiting
    release.set()
    deadline = time.monotonic() + 30
    while _linked(site) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _linked(site) == 5  # and went on after the call returned


def test_a_sync_finds_its_sightings_linked_when_the_run_fits_its_deadline(site):
    site.load("GM0363", 4, "a")
    report = site.sync("GM0363")
    assert report.accepted == 4 and not report.still_linking
    assert _linked(site) == 4  # no polling: the upload waited for its run

"""An automatic link threshold rises with the population the hub holds, one whole step each
time its namesakes grow e-fold, and every sighting is linked again at the new bar (README
"Linkage quality, measured"). The mechanics are tested here with a rule on the head count,
scaled down from 3,000 women to 30 so that 250 generated women cross several steps; the
serving hub's test and the last ones use the shipped rule."""

from __future__ import annotations

import json
import math

import pytest

from hub import linked_with
from hub.linker import Linker
from hub.settings import Population
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.linking import policy_digest
from linkage.schema import default_schema
from tests.linker_support import encoded_sightings, nightly_batches, partition
from zichtlijn import wire

SHIPPED = MatchPolicy().threshold


def small_population_rule(population: Population) -> float:
    return SHIPPED + max(0, math.floor(math.log(max(population.persons, 1) / 30)))


@pytest.fixture(scope="module")
def uploads():
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, 1))
    return nightly_batches(encoded_sightings(encoder, 250, seed=3), 60)


def relink_entries(store: HubStore) -> list[dict]:
    with store.lock:
        entries = [json.loads(raw) for (raw,) in store.db.execute(
            "SELECT entry FROM audit_entries ORDER BY idx")]
    return [e for e in entries if e["action"] == "relink"]


def test_the_threshold_rises_with_the_population_and_everything_is_linked_again(
        tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), small_population_rule)
    raised = []
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        run = linker.link_pending()
        if run.relinked_at is not None:
            raised.append(run.relinked_at)
            assert run.new_sightings == len(batch)
    final = linker.policy.threshold
    assert raised == sorted(raised) and len(raised) >= 2 and raised[-1] == final
    assert final == small_population_rule(linker.population()) > SHIPPED
    # each step is a relink by the hub, in the audit log with the bar and the population
    entries = relink_entries(store)
    assert [e["threshold"] for e in entries] == raised
    assert all(e["actor"] == "hub:hub" and e["persons"] > 30 and e["namesakes"] >= 0
               for e in entries)

    # the persons are those of linking everything at the final bar in one batch, with the
    # names counted at the last step (README "The rise taken per name"), also after a
    # restart, which reads the counts back
    assert entries[-1]["names_counted"] > 0
    nightly = partition(store)
    linker.relink_all()
    assert partition(store) == nightly
    Linker(store, default_schema(), MatchPolicy(), small_population_rule).relink_all()
    assert partition(store) == nightly
    store.close()


def raised_hub(path, uploads) -> tuple[HubStore, float]:
    """A hub on the automatic threshold that took every upload; the threshold it rose to."""
    store = HubStore(path)
    linker = Linker(store, default_schema(), MatchPolicy(), small_population_rule)
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    linker.link_pending()
    return store, linker.policy.threshold


def test_a_restarted_hub_keeps_the_raised_threshold(tmp_path, uploads):
    store, raised = raised_hub(tmp_path / "hub.db", uploads)
    assert raised > SHIPPED
    store.close()
    store = HubStore(tmp_path / "hub.db")
    restarted = Linker(store, default_schema(), MatchPolicy(), small_population_rule)
    assert restarted.policy.threshold == raised
    with store.lock:  # the links were made with what the restarted hub links with
        assert linked_with.advice(store.db.conn, policy_digest(restarted.policy)) is None
    assert restarted.link_pending().relinked_at is None  # nothing new: no step
    # a fixed threshold in hub.toml is what it says, whatever was raised before
    assert Linker(store, default_schema(), MatchPolicy()).policy.threshold == SHIPPED
    store.close()


def test_a_raised_hub_keeps_its_rise_when_the_shipped_start_moves(tmp_path, uploads):
    store, raised = raised_hub(tmp_path / "hub.db", uploads)
    rise = raised - SHIPPED
    assert rise >= 1
    # a release that starts half a point lower: the hub is as many steps up from there
    lower = Linker(store, default_schema(), MatchPolicy(threshold=SHIPPED - 0.5),
                   small_population_rule)
    assert lower.policy.threshold == SHIPPED - 0.5 + rise
    store.close()


def test_a_threshold_raised_before_rises_were_kept_counts_from_where_it_started(tmp_path):
    store = HubStore(tmp_path / "hub.db")
    with store.transaction() as conn:  # a hub of 2026-12-04 kept the value, stepping from 3.5
        conn.execute("INSERT INTO raised_threshold (id, threshold) VALUES (1, 5.5)")
    linker = Linker(store, default_schema(), MatchPolicy(), small_population_rule)
    assert linker.policy.threshold == SHIPPED + 2
    store.close()


def test_a_fixed_threshold_never_moves(tmp_path, uploads):
    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy())
    for gemeente, batch in uploads:
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
        assert linker.link_pending().relinked_at is None
    assert linker.policy.threshold == SHIPPED and not relink_entries(store)
    store.close()


def test_a_serving_hub_raises_its_threshold_as_the_towns_sync(tmp_path, pki, secret_file,
                                                              monkeypatch, capsys):
    """Through nodes, gRPC and the hub's own settings: hub.toml says "auto"."""
    import datetime as dt

    from hub import settings
    from tests.conftest import GEMEENTEN, make_node
    from tests.lookup_support import actions, running_hub
    from zichtlijn import cli
    from zichtlijn.synth import generate, write_csvs

    # 150 women share names with far fewer others than 3,000 do: a fitted figure a
    # hundred times smaller makes them step
    monkeypatch.setattr(settings, "FITTED_NAMESAKES", settings.FITTED_NAMESAKES / 100)
    data = generate(150, list(GEMEENTEN), seed=5, start=dt.date.today() - dt.timedelta(400))
    files = write_csvs(data, tmp_path / "csv")
    with running_hub(tmp_path, pki, alerts=True) as hub:
        assert 'threshold = "auto"' in (tmp_path / "hub" / "hub.toml").read_text()
        for gemeente in GEMEENTEN:
            home = make_node(tmp_path, pki, secret_file, gemeente, hub.port).home
            assert cli.main(["node", "import", "--home", str(home), str(files[gemeente])]) == 0
            assert cli.main(["node", "sync", "--home", str(home)]) == 0
        final = hub.linker.policy.threshold
        raised = [e["threshold"] for e in actions(hub, "relink")]
        assert raised and raised[-1] == final > SHIPPED
        # the evaluation after each relink read everything: nothing is left to find
        assert hub.alerts.evaluate(full=True).report.changes == 0
        served = partition(hub.store)
        store = hub.store
        # a relink with the names counted at the last step, as kept in the database
        Linker(store, default_schema(), MatchPolicy(), settings.threshold_step).relink_all()
        assert partition(store) == served
    capsys.readouterr()


def test_a_step_whose_write_fails_leaves_threshold_and_links_as_they_were(
        tmp_path, uploads, monkeypatch):
    import contextlib
    import sqlite3

    store = HubStore(tmp_path / "hub.db")
    linker = Linker(store, default_schema(), MatchPolicy(), lambda population: 9.0)
    gemeente, batch = uploads[0]
    store.store_batch(gemeente, wire.batch_digest(batch), batch)
    real = store.transaction
    opened = []

    @contextlib.contextmanager
    def second_fails():
        opened.append(1)
        with real() as conn:
            yield conn
            if len(opened) == 2:  # the link run commits; the relink's write does not
                raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "transaction", second_fails)
    with pytest.raises(sqlite3.OperationalError):
        linker.link_pending()
    monkeypatch.setattr(store, "transaction", real)
    assert linker.policy.threshold == SHIPPED
    with store.lock:
        assert linked_with.threshold_rise(store.db.conn) is None
    linked = partition(store)
    assert len(linked) > 1 and not relink_entries(store)
    # the next run takes the step
    assert linker.link_pending().relinked_at == 9.0 and linker.policy.threshold == 9.0
    store.close()

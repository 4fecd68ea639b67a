"""The hub remembers which matching settings its links were made with, and says when
they are not the settings it runs with (a new release, a new [matching] threshold)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from hub import linked_with
from hub.config import HubConfig
from hub.linker import Linker
from hub.server import start_hub
from hub.store import HubStore
from linkage import linking
from linkage.compare import MatchPolicy
from linkage.encode import Encoder
from linkage.keys import derive_purpose_keys
from linkage.linking import policy_digest
from linkage.schema import default_schema
from tests.linker_support import encoded_sightings, nightly_batches
from zichtlijn import wire

SHIPPED = MatchPolicy()
STRICTER = replace(SHIPPED, threshold=SHIPPED.threshold + 1.0)


@pytest.fixture(scope="module")
def nights():
    encoder = Encoder(default_schema(), derive_purpose_keys(b"\x05" * 32, epoch=1))
    return nightly_batches(encoded_sightings(encoder, persons=40, seed=3), size=60)


def store_night(store: HubStore, night) -> None:
    gemeente, batch = night
    store.store_batch(gemeente, wire.batch_digest(batch), batch)


def advice(store: HubStore, policy: MatchPolicy) -> str | None:
    with store.lock:
        return linked_with.advice(store.db.conn, policy_digest(policy))


def test_the_digest_covers_every_setting_and_weight():
    assert policy_digest(SHIPPED) == policy_digest(MatchPolicy())
    changed_weight = {**SHIPPED.weights, "dob_exact": SHIPPED.weights["dob_exact"] + 0.01}
    changed_other = {**SHIPPED.weights_without_entities, "dob_exact": 7.0}
    others = [STRICTER, replace(SHIPPED, veto=-9.0), replace(SHIPPED, attach_mean=-1.0),
              replace(SHIPPED, cluster_mean=-1.0), replace(SHIPPED, link_floor=-2.0),
              replace(SHIPPED, weights=changed_weight),
              replace(SHIPPED, weights_without_entities=changed_other)]
    assert len({policy_digest(p) for p in [SHIPPED, *others]}) == 1 + len(others)


def test_new_candidate_keys_change_the_digest(monkeypatch):
    # a pair the old keys never offered was never linked: links made before differ
    # from a relink's, so the hub must say so
    before = policy_digest(SHIPPED)
    monkeypatch.setattr(linking, "CANDIDATE_KEYS", linking.CANDIDATE_KEYS + 1)
    assert policy_digest(SHIPPED) != before


def test_a_new_hub_records_its_settings_and_is_quiet(tmp_path, nights):
    store = HubStore(tmp_path / "hub.db")
    store_night(store, nights[0])
    Linker(store, default_schema(), SHIPPED).link_pending()
    assert advice(store, SHIPPED) is None
    assert advice(store, STRICTER) is not None
    store.close()


def test_other_settings_are_named_until_a_relink(tmp_path, nights):
    store = HubStore(tmp_path / "hub.db")
    store_night(store, nights[0])
    Linker(store, default_schema(), SHIPPED).link_pending()
    stricter = Linker(store, default_schema(), STRICTER)
    store_night(store, nights[1])
    stricter.link_pending()  # a night under new settings leaves the old links as they were
    line = advice(store, STRICTER)
    assert line == (f"hub database: its links were made with other matching settings "
                    f"({policy_digest(SHIPPED)}); this hub links with {policy_digest(STRICTER)} "
                    "(weights, bars and candidate keys of this release and hub.toml "
                    "[matching]); run `zichtlijn hub relink` so every person is linked "
                    "under the same settings")
    stricter.relink_all()
    assert advice(store, STRICTER) is None
    store.close()


def test_links_from_before_the_record_are_named_too(tmp_path, nights):
    store = HubStore(tmp_path / "hub.db")
    store_night(store, nights[0])
    Linker(store, default_schema(), SHIPPED).link_pending()
    with store.transaction() as conn:  # a database of an earlier release
        conn.execute("DELETE FROM linking_settings")
    assert "made before the hub recorded its matching settings" in advice(store, SHIPPED)
    store.close()


def test_the_hub_says_so_at_start(tmp_path, pki, nights, caplog):
    home = tmp_path / "hub"
    home.mkdir()
    store = HubStore(home / "hub.db")
    store_night(store, nights[0])
    Linker(store, default_schema(), SHIPPED).link_pending()
    store.close()
    config = HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=2)
    with caplog.at_level(logging.WARNING):
        start_hub(config, policy=SHIPPED).stop(grace=0)
    assert "zichtlijn hub relink" not in caplog.text
    with caplog.at_level(logging.WARNING):
        start_hub(config, policy=STRICTER).stop(grace=0)
    assert f"with other matching settings ({policy_digest(SHIPPED)})" in caplog.text

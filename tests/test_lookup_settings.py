"""[lookup], [retention] and [matching] in hub.toml and node.toml: written by init, checked
when read."""

from __future__ import annotations

import math

import pytest

from hub.config import ConfigError
from hub.settings import (
    DEFAULT_PURPOSES,
    FITTED_NAMESAKES,
    HubSettings,
    MatchingSettings,
    Population,
    load_settings,
    threshold_advice,
    threshold_for,
    threshold_step,
)
from linkage.compare import MatchPolicy
from node import retention
from node.config import ConfigError as NodeConfigError
from zichtlijn import cli

#: the [matching] line `hub init` writes
SHIPPED_THRESHOLD = 'threshold = "auto"'


def test_hub_init_writes_the_defaults(hub_home):
    text = (hub_home / "hub.toml").read_text()
    assert "[lookup]" in text and "[retention]" in text and "[uploads]" in text
    settings = load_settings(hub_home)
    assert settings.lookup.purposes == DEFAULT_PURPOSES
    assert (settings.lookup.per_node_per_hour, settings.retention.months) == (60, 18)
    assert settings.uploads.per_node_per_day == 10_000


@pytest.mark.parametrize(("old", "new", "message"), [
    ("per_node_per_hour = 60", "per_node_per_hour = 0", "per_node_per_hour must be"),
    ("months = 18", 'months = "18"', "months must be a whole number"),
    ('purposes = ["controle", "vergunning", "signaal"]', "purposes = []",
     "purposes must be a non-empty list"),
    ('purposes = ["controle", "vergunning", "signaal"]', 'purposes = ["Just Curious"]',
     "purposes must be a non-empty list"),
    ("enabled = true", "enabled = 1", "enabled must be true or false"),
    ("per_node_per_day = 10000", "per_node_per_day = 0", "per_node_per_day must be"),
    (SHIPPED_THRESHOLD, "threshold = -3", 'threshold must be "auto" or a number above'),
    (SHIPPED_THRESHOLD, 'threshold = "strict"', 'threshold must be "auto" or a number'),
])
def test_a_bad_setting_is_one_line_naming_it(hub_home, capsys, old, new, message):
    path = hub_home / "hub.toml"
    path.write_text(path.read_text().replace(old, new))
    with pytest.raises(ConfigError, match=message):
        load_settings(hub_home)
    capsys.readouterr()
    assert cli.main(["hub", "lookups", "status", "--home", str(hub_home)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_the_matching_threshold_is_what_a_relink_links_with(hub_home, encoder, capsys):
    from hub.store import HubStore
    from tests.linker_support import encoded_sightings, nightly_batches, partition
    from zichtlijn import wire

    assert load_settings(hub_home).matching.policy().threshold == MatchPolicy().threshold
    store = HubStore(hub_home / "hub.db")
    for gemeente, batch in nightly_batches(encoded_sightings(encoder, 40, seed=4), 100):
        store.store_batch(gemeente, wire.batch_digest(batch), batch)
    store.close()

    def persons_after_relink() -> int:
        assert cli.main(["hub", "relink", "--home", str(hub_home)]) == 0
        store = HubStore(hub_home / "hub.db")
        try:
            return len(partition(store))
        finally:
            store.close()

    shipped = persons_after_relink()
    path = hub_home / "hub.toml"
    path.write_text(path.read_text().replace(SHIPPED_THRESHOLD, "threshold = 20"))
    assert load_settings(hub_home).matching.threshold == 20
    strict = persons_after_relink()
    assert shipped < strict  # nothing scores 20: fewer links, more (smaller) persons
    capsys.readouterr()


def test_node_retention_setting(tmp_path):
    home = tmp_path / "node"
    home.mkdir()
    assert retention.retention_months(home) == retention.DEFAULT_RETENTION_MONTHS  # no file yet
    (home / "node.toml").write_text('gemeente = "GM0363"\n' + retention.retention_toml(24))
    assert retention.retention_months(home) == 24
    (home / "node.toml").write_text("[retention]\nmonths = 0\n")
    with pytest.raises(NodeConfigError, match=r"\[retention\] months must be"):
        retention.retention_months(home)


def namesakes(count: float, persons: int = 10_000) -> Population:
    return Population(persons, count)


def test_the_threshold_rises_with_the_prior_odds_of_a_namesake_not_with_the_head_count():
    shipped = MatchPolicy().threshold
    fitted = FITTED_NAMESAKES
    assert threshold_for(namesakes(0.1)) == threshold_for(namesakes(fitted)) == shipped
    assert threshold_for(namesakes(10 * fitted)) == pytest.approx(shipped + math.log(10))
    assert threshold_for(namesakes(30 * fitted)) > threshold_for(namesakes(10 * fitted))
    # as many persons, names spread thinner: fewer namesakes each, a lower bar
    assert threshold_for(Population(30_000, 2 * fitted)) < threshold_for(
        Population(30_000, 10 * fitted))
    assert threshold_for(Population(1_000_000, 0.0)) == shipped  # no shared filter at all


def test_the_automatic_threshold_rises_a_whole_step_each_time_the_namesakes_grow_e_fold():
    shipped = MatchPolicy().threshold
    fitted = FITTED_NAMESAKES
    assert threshold_step(namesakes(0.0)) == threshold_step(namesakes(2.7 * fitted)) == shipped
    assert threshold_step(namesakes(2.75 * fitted)) == shipped + 1  # e = 2.718...
    assert threshold_step(namesakes(10 * fitted)) == shipped + 2  # shipped + 2.3, a step down
    assert threshold_step(namesakes(33 * fitted)) == shipped + 3


def test_hub_init_makes_the_threshold_automatic_and_a_number_fixes_it(hub_home):
    matching = load_settings(hub_home).matching
    assert matching.auto and matching.auto_rule() is threshold_step
    assert matching.policy() == MatchPolicy()
    path = hub_home / "hub.toml"
    path.write_text(path.read_text().replace(SHIPPED_THRESHOLD, "threshold = 4.5"))
    matching = load_settings(hub_home).matching
    assert not matching.auto and matching.auto_rule() is None
    assert matching.policy().threshold == 4.5


def test_the_hub_advises_a_higher_threshold_only_when_far_below_it():
    shipped = MatchPolicy().threshold
    suits = shipped + math.log(10)  # ten times the fitted namesakes
    crowded = Population(30_000, 10 * FITTED_NAMESAKES)
    assert threshold_advice(Population(30_000, FITTED_NAMESAKES), shipped) is None
    assert threshold_advice(crowded, suits - 0.9) is None  # within a point: close enough
    advice = threshold_advice(crowded, shipped)
    assert advice == ("the hub holds 30,000 persons, sharing each name with "
                      f"{10 * FITTED_NAMESAKES:.1f} others on average; for that population "
                      f"[matching] threshold about {suits:.1f} keeps precision "
                      f"(now {shipped}); see README "
                      "\"Linkage quality, measured\", then run `zichtlijn hub relink`")


def test_a_hub_holding_a_large_population_says_which_threshold_suits_it(
        tmp_path, pki, monkeypatch, caplog):
    import logging

    from hub.config import HubConfig
    from hub.server import start_hub

    home = tmp_path / "hub"
    home.mkdir()
    config = HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), workers=2)
    from hub.linker import Linker

    fixed = HubSettings(matching=MatchingSettings(MatchPolicy().threshold))
    crowded = Population(30_000, 10 * FITTED_NAMESAKES)
    monkeypatch.setattr(Linker, "population", lambda self: crowded)
    with caplog.at_level(logging.WARNING):
        start_hub(config, settings=fixed).stop(grace=0)
    assert "the hub holds 30,000 persons, sharing each name with" in caplog.text
    assert f"[matching] threshold about {MatchPolicy().threshold + math.log(10):.1f}" in caplog.text

    caplog.clear()
    spread = Population(30_000, FITTED_NAMESAKES)  # as many, names spread as fitted
    monkeypatch.setattr(Linker, "population", lambda self: spread)
    with caplog.at_level(logging.WARNING):
        start_hub(config, settings=fixed).stop(grace=0)
    assert "threshold about" not in caplog.text
